/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv hook for mvneta (Marvell Armada 370/XP/38x/37xx).
 *
 * mvneta is a single file whose internals are static, so this glue is a
 * header of static functions that the patched mvneta.c includes right
 * before mvneta_rx_swbm(), once the structures and the XDP helpers it
 * reuses are defined. Everything here runs in NAPI (softirq) context,
 * which is an RCU read-side section for the binding, except
 * mvneta_ndiv_prepare() and mvneta_ndiv_register().
 *
 * Receive: mvneta_rx_swbm(), the software buffer manager path, reads the
 * binding once per poll and calls mvneta_ndiv_rx() after its XDP branch:
 * a loaded XDP program keeps priority and the app sees only the frames
 * it passed. The hardware buffer manager path, mvneta_rx_hwbm(), has no
 * XDP and no hook; mvneta_ndiv_prepare() refuses a native binding there,
 * as mvneta_xdp_setup() refuses XDP.
 *
 * Buffers: a frame shown to the app lies in one page_pool page, described
 * by the poll's struct xdp_buff as for XDP. The verdicts map onto XDP's
 * outcomes, so buffers are handled by the driver's own code: DROP
 * recycles the page with mvneta_xdp_put_buff(), TX queues it with
 * mvneta_xdp_submit_frame(), PASS goes on to mvneta_swbm_build_skb() with
 * the app's data and length.
 *
 * Transmit: NDIV_TX frames use the TX queue of this CPU (cpu % txq_number,
 * as XDP_TX) under its txq lock, which mvneta_tx() and the TX completion
 * (mvneta_tx_done_gbe()) take too. XDP_TX writes the TX doorbell once per
 * frame; ndiv leaves the descriptors pending and writes it once at the
 * end of the poll, as mvneta_xdp_xmit() does for a batch flushed with
 * XDP_XMIT_FLUSH.
 */
#ifndef _NDIV_MVNETA_H
#define _NDIV_MVNETA_H

/* What mvneta_rx_swbm() keeps for ndiv during one NAPI poll. */
struct mvneta_ndiv_poll {
	struct ndiv_binding *b;	/* the bound app or NULL, read once */
	u32 tx_packets;		/* NDIV_TX frames queued, doorbell not rung */
	u32 tx_bytes;
};

static __always_inline void mvneta_ndiv_poll_start(struct mvneta_port *pp,
						   struct mvneta_ndiv_poll *np)
{
	np->b = ndiv_port_binding(&pp->ndiv);
	np->tx_packets = 0;
	np->tx_bytes = 0;
}

/*
 * The TX queue NDIV_TX frames from this CPU use. The CPU does not change
 * during a NAPI poll, so the frames and the doorbell pick the same one.
 */
static struct mvneta_tx_queue *mvneta_ndiv_txq(struct mvneta_port *pp,
					       int cpu)
{
	return &pp->txqs[cpu % txq_number];
}

/*
 * Frames leave as the app wrote them: no checksum offload.
 * mvneta_xdp_submit_frame() leaves the descriptor's L4 checksum mode at 0
 * and no MVNETA_TXD_IP_CSUM; set MVNETA_TX_L4_CSUM_NOT, as mvneta_tx()
 * does for every skb without CHECKSUM_PARTIAL. The descriptor is the one
 * just written for a one-descriptor frame, under the txq lock and before
 * any doorbell: the device does not read it yet.
 */
static void mvneta_ndiv_no_csum(struct mvneta_tx_queue *txq)
{
	int last = txq->next_desc_to_proc ? txq->next_desc_to_proc - 1 :
					    txq->last_desc;

	txq->descs[last].command |= MVNETA_TX_L4_CSUM_NOT;
}

/*
 * Queue one NDIV_TX frame, without the doorbell. Returns 0, or an error
 * with the buffer still the caller's.
 */
static int mvneta_ndiv_xmit(struct mvneta_port *pp, struct xdp_buff *xdp,
			    struct mvneta_ndiv_poll *np)
{
	int cpu = smp_processor_id();
	struct mvneta_tx_queue *txq = mvneta_ndiv_txq(pp, cpu);
	struct netdev_queue *nq = netdev_get_tx_queue(pp->dev, txq->id);
	unsigned int len = xdp->data_end - xdp->data;
	struct xdp_frame *xdpf;
	int nxmit_byte = 0;
	int err = -ENOSPC;

	/* What the app built must be a frame this link can carry. */
	if (unlikely(len < ETH_HLEN ||
		     len > READ_ONCE(pp->dev->mtu) + VLAN_ETH_HLEN))
		return -EMSGSIZE;

	/* Written into the headroom the app was not given. */
	xdpf = xdp_convert_buff_to_frame(xdp);
	if (unlikely(!xdpf))
		return -EINVAL;

	__netif_tx_lock(nq, cpu);
	/*
	 * mvneta_tx() writes up to MVNETA_MAX_SKB_DESCS descriptors without
	 * looking for room: it relies on its queue being stopped once count
	 * reaches tx_stop_threshold. Keep count below it, so the stack's
	 * reserve is never used by the app's frames.
	 */
	if (likely(txq->count + 1 < txq->tx_stop_threshold) &&
	    mvneta_xdp_submit_frame(pp, txq, xdpf, &nxmit_byte,
				    false) == MVNETA_XDP_TX) {
		mvneta_ndiv_no_csum(txq);
		err = 0;
	}
	__netif_tx_unlock(nq);

	if (likely(!err)) {
		np->tx_packets++;
		np->tx_bytes += nxmit_byte;
	}
	return err;
}

/* End of the poll: one doorbell for the NDIV_TX frames, and their stats. */
static void mvneta_ndiv_flush(struct mvneta_port *pp,
			      const struct mvneta_ndiv_poll *np)
{
	struct mvneta_pcpu_stats *stats = this_cpu_ptr(pp->stats);
	int cpu = smp_processor_id();
	struct mvneta_tx_queue *txq = mvneta_ndiv_txq(pp, cpu);
	struct netdev_queue *nq = netdev_get_tx_queue(pp->dev, txq->id);

	__netif_tx_lock(nq, cpu);
	/* mvneta_tx() may have rung it for them already (txq->pending). */
	if (txq->pending)
		mvneta_txq_pend_desc_add(pp, txq, 0);
	__netif_tx_unlock(nq);

	u64_stats_update_begin(&stats->syncp);
	stats->es.ps.tx_packets += np->tx_packets;
	stats->es.ps.tx_bytes += np->tx_bytes;
	u64_stats_update_end(&stats->syncp);
}

static __always_inline void mvneta_ndiv_poll_end(struct mvneta_port *pp,
						 struct mvneta_ndiv_poll *np)
{
	if (unlikely(np->tx_packets))
		mvneta_ndiv_flush(pp, np);
}

/* A frame the driver drops itself, as it counts a failed skb build. */
static void mvneta_ndiv_rx_dropped(struct mvneta_port *pp)
{
	struct mvneta_pcpu_stats *stats = this_cpu_ptr(pp->stats);

	u64_stats_update_begin(&stats->syncp);
	stats->rx_dropped++;
	u64_stats_update_end(&stats->syncp);
}

/**
 * mvneta_ndiv_rx - run the bound app on one received frame
 * @pp: the port
 * @rxq: the queue the frame arrived on; its page_pool owns the page
 * @np: this poll's ndiv state, np->b not NULL
 * @xdp: the frame as mvneta_rx_swbm() built it for XDP and for
 *	mvneta_swbm_build_skb(): one page from data_hard_start, PAGE_SIZE
 *	long, room for a skb_shared_info at its end
 * @status: status of the frame's first descriptor
 * @ps: the poll's RX counters
 *
 * Only frames received in one descriptor, with a length that fits the
 * buffer, reach the app; others are left to the driver untouched.
 *
 * Return: true if the frame was consumed (DROP, TX, or an error: the page
 * went back to the page_pool or onto the TX ring); false if the driver
 * goes on building an skb from @xdp and @status, which then describe the
 * frame as the app left it (PASS), or if the app did not see the frame.
 */
static noinline bool mvneta_ndiv_rx(struct mvneta_port *pp,
				    struct mvneta_rx_queue *rxq,
				    struct mvneta_ndiv_poll *np,
				    struct xdp_buff *xdp, u32 *status,
				    struct mvneta_stats *ps)
{
	u8 *start = (u8 *)xdp->data_hard_start + sizeof(struct xdp_frame);
	u8 *end = xdp_data_hard_end(xdp);
	u8 *data = xdp->data;
	u8 *tail = xdp->data_end;
	struct ndiv_frame f;
	u32 len;

	/* Several descriptors: the frame is spread over several pages. */
	if (!mvneta_rxq_desc_is_first_last(*status) ||
	    unlikely(xdp_buff_has_frags(xdp)))
		return false;

	/* The length comes from the device: check it against the buffer. */
	if (unlikely(data < start || tail < data + ETH_HLEN || tail > end))
		return false;

	len = tail - data;
	/* mvneta does not strip VLAN tags: no vlan_tci to fill in */
	ndiv_frame_from_xdp(&f, xdp, pp->dev, rxq->id);

	switch (ndiv_run(np->b, &f)) {
	case NDIV_PASS:
		if (likely(f.data == data && f.len == len))
			return false;
		if (likely(f.len >= ETH_HLEN)) {
			ndiv_xdp_apply(xdp, &f);
			/* The device's L4 checksum verdict was for the frame
			 * it received: the stack checks this one itself.
			 */
			*status &= ~MVNETA_RXD_L4_CSUM_OK;
			return false;
		}
		/* eth_type_trans() needs an Ethernet header. */
		mvneta_ndiv_rx_dropped(pp);
		break;
	case NDIV_TX:
		ndiv_xdp_apply(xdp, &f);
		if (likely(!mvneta_ndiv_xmit(pp, xdp, np)))
			goto consumed;
		ndiv_count_tx_error(np->b, f.rxq);
		break;
	default:	/* NDIV_DROP */
		break;
	}

	/*
	 * As XDP_DROP, except for the length synced for the device: -1, the
	 * page_pool's whole max_len. mvneta_run_xdp() syncs only up to the
	 * furthest data_end because the BPF verifier keeps a program's
	 * writes between data and data_end; an app may write anywhere in its
	 * headroom and tailroom, and a dirty cache line left out of the sync
	 * could be written back over a frame the NIC receives into the page
	 * later. Writes in front of the page_pool offset are never covered
	 * by the device's DMA and need no sync.
	 */
	mvneta_xdp_put_buff(pp, rxq, xdp, -1);
consumed:
	/* As mvneta_run_xdp() does for the frames it consumes. */
	ps->rx_packets++;
	ps->rx_bytes += len;
	return true;
}

/*
 * Before the first app is bound natively (on) and after the last one is
 * unbound (off). Process context, RTNL held. RTNL also serialises
 * mvneta_change_mtu(), the only place that may clear bm_priv while the
 * port is registered, besides resume (which only clears it too): the
 * hook is in the software buffer manager path only.
 */
static int mvneta_ndiv_prepare(struct net_device *dev, bool on)
{
	struct mvneta_port *pp = netdev_priv(dev);

	if (on && pp->bm_priv) {
		netdev_info(dev, "ndiv: hardware buffer management has no driver hook (generic mode only)\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

static const struct ndiv_port_info mvneta_ndiv_info = {
	.driver = "mvneta",
	.caps = NDIV_CAP_TX,
	.prepare = mvneta_ndiv_prepare,
};

/*
 * Probe, after register_netdev(). ndiv refuses only a driver built for
 * another hook ABI (-EPROTO) and logs it; the port then keeps working,
 * with apps in generic mode only: no reason to fail the probe.
 */
static void mvneta_ndiv_register(struct mvneta_port *pp)
{
	ndiv_port_register(&pp->ndiv, pp->dev, &mvneta_ndiv_info);
}

#endif /* _NDIV_MVNETA_H */
