/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ndiv hook for veth.
 *
 * veth is a single file whose internals are static, so this glue is
 * included by the patched veth.c right before veth_xdp_rcv_one(), once the
 * structures and the XDP transmit helpers it reuses are defined; the few
 * veth.c functions it needs from further down are declared below.
 *
 * Receive: a veth receives in its NAPI poll, veth_poll(), only while NAPI
 * is on; without NAPI the peer's veth_xmit() hands skbs to the stack with
 * __netif_rx(). ndiv's prepare callback keeps NAPI on, on both ends of the
 * pair, while an app is bound (veth_gro_requested() counts the apps), and
 * has the peer stop using TSO so that every frame it sends takes the NAPI
 * path, as an XDP program does. veth_xdp_rcv_skb() (skbs from the peer's
 * ndo_start_xmit) and veth_xdp_rcv_one() (xdp_frames from the peer's
 * ndo_xdp_xmit) call the glue after their XDP program, if any: XDP keeps
 * priority and ndiv sees only what it passed. With no app bound the cost
 * is one load of the binding and one predictable branch per frame.
 *
 * Buffers: skbs go through veth_convert_skb_to_xdp_buff(), as for XDP,
 * which copies them into a page_pool page unless they are already
 * private, linear, page-backed and have XDP_PACKET_HEADROOM. The app then
 * gets one linear frame in one page, with room for an xdp_frame in front
 * and a skb_shared_info behind; frames longer than that, GSO skbs and
 * multi-buffer xdp_frames go to the stack unseen.
 *
 * Transmit: NDIV_TX turns the buffer into an xdp_frame, as XDP_TX does,
 * and sends it back to the peer, the sender, through the peer's ring:
 * veth_xdp_xmit() in bulks of VETH_XDP_TX_BULK_SIZE, and the peer's NAPI
 * is woken once at the end of the poll.
 */
#ifndef _NDIV_VETH_H
#define _NDIV_VETH_H

/* Defined further down in veth.c. */
static void veth_xdp_get(struct xdp_buff *xdp);
static int veth_convert_skb_to_xdp_buff(struct veth_rq *rq,
					struct xdp_buff *xdp,
					struct sk_buff **pskb);
static bool veth_gro_requested(const struct net_device *dev);
static int veth_napi_enable(struct net_device *dev);
static void veth_napi_del(struct net_device *dev);
static void veth_set_xdp_features(struct net_device *dev);

/*
 * The longest frame, from the MAC header on, that an app gets: what
 * veth_convert_skb_to_xdp_buff() puts in one page, after
 * XDP_PACKET_HEADROOM and before a skb_shared_info (3520 bytes with 4 KiB
 * pages). A longer skb would become a multi-buffer xdp_buff.
 */
#define VETH_NDIV_MAX_LEN	SKB_WITH_OVERHEAD(PAGE_SIZE - XDP_PACKET_HEADROOM)

/*
 * The NDIV_TX frames of one NAPI poll, on their way to the peer. Kept
 * apart from XDP_TX's bulk queue so that what the peer refuses is counted
 * as ndiv's tx_err, not as XDP's. Per CPU: a poll runs on one CPU with BH
 * disabled from its first frame to veth_ndiv_flush() at its end, so the
 * queue is empty whenever a poll starts and nothing else touches it.
 */
struct veth_ndiv_bq {
	struct veth_xdp_tx_bq bq;
	struct veth_rq *rq;		/* the polled queue; its peer gets them */
	struct ndiv_binding *b;		/* for tx_err; RCU, until the poll ends */
	bool kick;			/* frames went out: wake the peer */
};

static DEFINE_PER_CPU(struct veth_ndiv_bq, veth_ndiv_bq);

/*
 * An xdp_frame made from an skb's head holds a page reference of its own
 * (veth_xdp_get()) and is freed with page_frag_free(): MEM_TYPE_PAGE_SHARED,
 * what veth's XDP_TX of skbs records through rq->xdp_mem. That rxq info is
 * registered only while an XDP program is loaded, so the glue has its own;
 * only its .mem is read (xdp_convert_buff_to_frame(), xdp_return_buff()).
 */
static struct xdp_rxq_info veth_ndiv_page_shared = {
	.mem.type = MEM_TYPE_PAGE_SHARED,
};

/* Context: RTNL. How many bound apps, here or on the peer, need our NAPI. */
static unsigned int veth_ndiv_napi(const struct net_device *dev)
{
	const struct veth_priv *priv = netdev_priv(dev);

	return priv->ndiv_napi;
}

/* Context: RTNL. Is an app bound natively to @dev? */
static bool veth_ndiv_bound(const struct net_device *dev)
{
	const struct veth_priv *priv = netdev_priv(dev);

	return priv->ndiv_bound;
}

static u16 veth_ndiv_rxq(const struct veth_rq *rq)
{
	const struct veth_priv *priv = netdev_priv(rq->dev);

	return rq - priv->rq;
}

/*
 * Hand the queued frames to the peer's ring with veth_xdp_xmit(), as
 * veth_xdp_flush_bq() does for XDP_TX; XDP_XMIT_FLUSH in @flags also
 * schedules the peer's NAPI. What the peer refuses (ring full, its NAPI
 * off, longer than its MTU, no peer any more) is freed and counted.
 * Context: NAPI.
 */
static void veth_ndiv_xmit_bq(struct veth_ndiv_bq *nbq, u32 flags)
{
	struct veth_xdp_tx_bq *bq = &nbq->bq;
	int sent, i;

	sent = veth_xdp_xmit(nbq->rq->dev, bq->count, bq->q, flags, false);
	if (sent < 0)
		sent = 0;
	for (i = sent; unlikely(i < bq->count); i++) {
		xdp_return_frame(bq->q[i]);
		ndiv_count_tx_error(nbq->b, veth_ndiv_rxq(nbq->rq));
	}
	bq->count = 0;
}

/* Queue one NDIV_TX frame for the peer, without waking it. NAPI context. */
static void veth_ndiv_tx(struct ndiv_binding *b, struct veth_rq *rq,
			 struct xdp_frame *frame)
{
	struct veth_ndiv_bq *nbq = this_cpu_ptr(&veth_ndiv_bq);

	if (unlikely(nbq->bq.count == VETH_XDP_TX_BULK_SIZE))
		veth_ndiv_xmit_bq(nbq, 0);
	nbq->rq = rq;
	nbq->b = b;
	nbq->kick = true;
	nbq->bq.q[nbq->bq.count++] = frame;
}

/* End of veth_poll(): send the rest and wake the peer, once per poll. */
static void veth_ndiv_flush_poll(void)
{
	struct veth_ndiv_bq *nbq = this_cpu_ptr(&veth_ndiv_bq);

	veth_ndiv_xmit_bq(nbq, XDP_XMIT_FLUSH);
	nbq->kick = false;
}

static __always_inline void veth_ndiv_flush(void)
{
	if (unlikely(this_cpu_read(veth_ndiv_bq.kick)))
		veth_ndiv_flush_poll();
}

/* Is what the app built a frame this link could carry? */
static bool veth_ndiv_tx_len_ok(const struct veth_rq *rq, u32 len)
{
	return len >= ETH_HLEN &&
	       len <= READ_ONCE(rq->dev->mtu) + VLAN_ETH_HLEN;
}

/*
 * A local sender on the peer leaves the L4 checksum to the receiver
 * (CHECKSUM_PARTIAL: veth has NETIF_F_HW_CSUM). Finish it, so that the
 * app reads, and may send back, a frame whose checksum is right, as the
 * generic mode does. A CHECKSUM_COMPLETE sum would not survive what the
 * app may change. Both become CHECKSUM_NONE: the stack verifies what the
 * app passes. Returns false if the checksum cannot be finished.
 */
static bool veth_ndiv_csum(struct sk_buff *skb)
{
	switch (skb->ip_summed) {
	case CHECKSUM_PARTIAL:
		return !skb_csum_hwoffload_help(skb, 0);
	case CHECKSUM_COMPLETE:
		skb->ip_summed = CHECKSUM_NONE;
		break;
	}
	return true;
}

/*
 * Run the app on an skb from the peer's veth_xmit(), data at the network
 * header. NAPI context (BH off: RCU read side for @b). Returns the skb for
 * the stack, or NULL when it was consumed: dropped, sent, or freed for
 * lack of memory.
 */
static noinline struct sk_buff *veth_ndiv_skb(struct ndiv_binding *b,
					      struct veth_rq *rq,
					      struct sk_buff *skb,
					      struct veth_stats *stats)
{
	int mac_len = skb->data - skb_mac_header(skb);
	struct xdp_frame *frame;
	struct xdp_buff xdp;
	struct ndiv_frame f;

	/* Merged segments, or longer than a page: the stack's, unseen. */
	if (skb_is_gso(skb) || skb->len + mac_len > VETH_NDIV_MAX_LEN)
		return skb;
	/* A hardware-accelerated tag the app could not tell from 802.1Q. */
	if (skb_vlan_tag_present(skb) && skb->vlan_proto != htons(ETH_P_8021Q))
		return skb;

	__skb_push(skb, mac_len);
	if (veth_convert_skb_to_xdp_buff(rq, &xdp, &skb)) {
		/* No memory for the copy: freed, counted as for XDP. */
		stats->rx_drops++;
		return NULL;
	}
	if (unlikely(xdp_buff_has_frags(&xdp)) || !veth_ndiv_csum(skb))
		goto stack;

	ndiv_frame_from_xdp(&f, &xdp, rq->dev, veth_ndiv_rxq(rq));
	if (skb_vlan_tag_present(skb)) {
		f.flags = NDIV_F_VLAN_STRIPPED;
		f.vlan_tci = skb_vlan_tag_get(skb);
	}

	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		if (unlikely(f.len < ETH_HLEN)) {
			stats->rx_drops++;
			kfree_skb(skb);
			return NULL;
		}
		ndiv_skb_apply(skb, &f);
		goto stack;
	case NDIV_TX:
		if (unlikely(!veth_ndiv_tx_len_ok(rq, f.len)))
			break;
		ndiv_xdp_apply(&xdp, &f);
		xdp.rxq = &veth_ndiv_page_shared;
		/* As XDP_TX: the frame takes a page reference, the skb goes. */
		veth_xdp_get(&xdp);
		consume_skb(skb);
		frame = xdp_convert_buff_to_frame(&xdp);
		if (likely(frame)) {
			veth_ndiv_tx(b, rq, frame);
			return NULL;
		}
		ndiv_count_tx_error(b, f.rxq);
		xdp_return_buff(&xdp);
		return NULL;
	default:	/* NDIV_DROP: as XDP_DROP */
		kfree_skb(skb);
		return NULL;
	}

	ndiv_count_tx_error(b, f.rxq);
	kfree_skb(skb);
	return NULL;

stack:
	skb->protocol = eth_type_trans(skb, rq->dev);
	return skb;
}

/*
 * Run the app on an xdp_frame from the peer's ndo_xdp_xmit (a redirect,
 * or an XDP_TX or NDIV_TX of the peer). NAPI context. Returns the frame
 * for the stack, or NULL when it was consumed.
 */
static noinline struct xdp_frame *veth_ndiv_xdpf(struct ndiv_binding *b,
						 struct veth_rq *rq,
						 struct xdp_frame *frame,
						 struct veth_stats *stats)
{
	struct xdp_buff xdp;
	struct ndiv_frame f;

	if (unlikely(xdp_frame_has_frags(frame)))
		return frame;
	xdp_convert_frame_to_buff(frame, &xdp);
	/* frame_sz is the sender's word: checked, not assumed. */
	if (unlikely(xdp.data_end > xdp_data_hard_end(&xdp)))
		return frame;

	ndiv_frame_from_xdp(&f, &xdp, rq->dev, veth_ndiv_rxq(rq));
	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		if (likely(f.data == frame->data && f.len == frame->len))
			return frame;
		ndiv_xdp_apply(&xdp, &f);
		if (likely(f.len >= ETH_HLEN &&
			   !xdp_update_frame_from_buff(&xdp, frame)))
			return frame;
		stats->rx_drops++;
		break;
	case NDIV_TX:
		/* As XDP_TX: the frame goes back with the memory it came in. */
		ndiv_xdp_apply(&xdp, &f);
		if (likely(veth_ndiv_tx_len_ok(rq, f.len) &&
			   !xdp_update_frame_from_buff(&xdp, frame))) {
			veth_ndiv_tx(b, rq, frame);
			return NULL;
		}
		ndiv_count_tx_error(b, f.rxq);
		break;
	default:	/* NDIV_DROP: as XDP_DROP */
		break;
	}
	xdp_return_frame(frame);
	return NULL;
}

static __always_inline struct sk_buff *
veth_ndiv_rcv_skb(struct veth_rq *rq, struct sk_buff *skb,
		  struct veth_stats *stats)
{
	struct veth_priv *priv = netdev_priv(rq->dev);
	struct ndiv_binding *b = ndiv_port_binding(&priv->ndiv);

	if (likely(!b))
		return skb;
	return veth_ndiv_skb(b, rq, skb, stats);
}

static __always_inline struct xdp_frame *
veth_ndiv_rcv_one(struct veth_rq *rq, struct xdp_frame *frame,
		  struct veth_stats *stats)
{
	struct veth_priv *priv = netdev_priv(rq->dev);
	struct ndiv_binding *b = ndiv_port_binding(&priv->ndiv);

	if (likely(!b))
		return frame;
	return veth_ndiv_xdpf(b, rq, frame, stats);
}

/*
 * Bring @dev's NAPI in line with veth_gro_requested(), which counts the
 * apps that need it, as veth_set_features() does when GRO changes. A
 * closed device is left to veth_open(), one with an XDP program to
 * veth_xdp_set() and veth_disable_xdp(); all of them ask
 * veth_gro_requested() too. Context: RTNL.
 */
static int veth_ndiv_napi_sync(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	bool on = !!rtnl_dereference(priv->rq[0].napi);

	if (!(dev->flags & IFF_UP) || priv->_xdp_prog)
		return 0;
	if (veth_gro_requested(dev) == on)
		return 0;
	if (on) {
		veth_napi_del(dev);
		return 0;
	}
	return veth_napi_enable(dev);
}

/* Context: RTNL. */
static int veth_ndiv_napi_get(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);
	int err;

	priv->ndiv_napi++;
	err = veth_ndiv_napi_sync(dev);
	if (err)
		priv->ndiv_napi--;
	return err;
}

/* Context: RTNL. Turning NAPI off cannot fail. */
static void veth_ndiv_napi_put(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);

	priv->ndiv_napi--;
	veth_ndiv_napi_sync(dev);
}

static int veth_ndiv_hold(struct net_device *dev, struct net_device *peer)
{
	struct veth_priv *priv = netdev_priv(dev);
	int err;

	/*
	 * veth_xmit() delivers to our RX queue of the index of the peer's TX
	 * queue, and hands frames for queues we do not have to the stack
	 * with __netif_rx(): the app would miss them (XDP refuses the same).
	 */
	if (peer && dev->real_num_rx_queues < peer->real_num_tx_queues) {
		netdev_err(dev, "ndiv: fewer RX queues (%u) than %s has TX queues (%u): frames would bypass the app\n",
			   dev->real_num_rx_queues, peer->name,
			   peer->real_num_tx_queues);
		return -ENOSPC;
	}
	err = veth_ndiv_napi_get(dev);
	if (err)
		return err;
	if (peer) {
		err = veth_ndiv_napi_get(peer);
		if (err) {
			veth_ndiv_napi_put(dev);
			return err;
		}
	}
	priv->ndiv_peer_napi = !!peer;
	priv->ndiv_bound = true;
	return 0;
}

static void veth_ndiv_release(struct net_device *dev, struct net_device *peer)
{
	struct veth_priv *priv = netdev_priv(dev);

	priv->ndiv_bound = false;
	/*
	 * No peer any more: veth_dellink() unregisters both ends together,
	 * and the peer's count goes with it.
	 */
	if (priv->ndiv_peer_napi && peer)
		veth_ndiv_napi_put(peer);
	priv->ndiv_peer_napi = false;
	veth_ndiv_napi_put(dev);
}

/*
 * ndiv's prepare callback: before the first app is bound (@on), and after
 * the last one is unbound and no CPU runs it any more (!@on). The app runs
 * in our NAPI poll, and NDIV_TX frames go to the peer's ring, which only a
 * peer with NAPI consumes (veth_xdp_xmit() refuses them otherwise): both
 * ends keep NAPI on while an app is bound. The peer also stops using TSO
 * (veth_fix_features()), or veth_xmit() would hand its TCP segments to our
 * stack past the NAPI path (veth_skb_is_eligible_for_gro()), as for XDP.
 * Context: process, RTNL held.
 */
static int veth_ndiv_prepare(struct net_device *dev, bool on)
{
	struct veth_priv *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	int err;

	if (on) {
		err = veth_ndiv_hold(dev, peer);
		if (err)
			return err;
	} else {
		veth_ndiv_release(dev, peer);
	}
	if (peer) {
		netdev_update_features(peer);
		veth_set_xdp_features(dev);
		veth_set_xdp_features(peer);
	}
	return 0;
}

static const struct ndiv_port_info veth_ndiv_info = {
	.driver = "veth",
	.caps = NDIV_CAP_TX,
	.prepare = veth_ndiv_prepare,
};

/* veth_newlink(), once each end is registered. RTNL held. */
static void veth_ndiv_register(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);

	/*
	 * The only error is another hook ABI, which ndiv logged: the device
	 * then keeps the generic mode.
	 */
	ndiv_port_register(&priv->ndiv, dev, &veth_ndiv_info);
}

/*
 * ndo_uninit: every way a veth goes (veth_dellink(), a veth_newlink() that
 * failed half-way, its namespace going away) passes here, after the
 * netdev notifier unbound the app and before the device is freed. A port
 * that was never registered is ignored. RTNL held.
 */
static void veth_ndiv_uninit(struct net_device *dev)
{
	struct veth_priv *priv = netdev_priv(dev);

	ndiv_port_unregister(&priv->ndiv);
}

#endif /* _NDIV_VETH_H */
