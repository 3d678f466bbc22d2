/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ndiv hook for virtio_net.
 *
 * virtio_net is a single file whose internals are static, so this glue is
 * included by the patched virtio_net.c right after virtnet_get_headroom(),
 * once the structures and the receive/XDP helpers it reuses are defined.
 *
 * Receive: receive_small() and receive_mergeable() call virtnet_ndiv_small()
 * and virtnet_ndiv_mergeable() after their length checks and after their XDP
 * branch, so a loaded XDP program has priority and ndiv does not see the
 * frames XDP handled. With no app bound the cost is one load of the binding
 * and one predictable branch.
 *
 * Buffers: the patched virtnet_get_headroom() always reserves
 * XDP_PACKET_HEADROOM (and mergeable buffers then keep tailroom for a
 * skb_shared_info), so every small and mergeable buffer can be turned into
 * an xdp_frame in place and binding an app never refills the rings.
 * Big-packets mode (no VIRTIO_NET_F_MRG_RXBUF, but guest GSO or a large MTU)
 * chains whole pages without headroom: the port is not registered then and
 * the core's generic mode is left for such devices.
 *
 * Transmit: NDIV_TX frames leave on the stack's TX queue for this CPU, under
 * its txq lock, exactly like XDP_TX when there are too few queues for XDP
 * (virtnet_xdp_get_sq()'s locked mode): free_old_xmit() already completes
 * skbs and xdp_frames mixed in one queue, keeping BQL to the skbs, and
 * returns the xdp_frame with page_frag_free() (MEM_TYPE_PAGE_SHARED).
 * virtnet_poll() kicks that queue once per poll (VIRTIO_NDIV_TX).
 */
#ifndef _NDIV_VIRTIO_NET_H
#define _NDIV_VIRTIO_NET_H

#include <linux/unaligned.h>
#include <net/checksum.h>

/* NDIV_TX frames wait for a kick: a flag in virtnet_poll()'s xdp_xmit. */
#define VIRTIO_NDIV_TX		BIT(2)
static_assert(!(VIRTIO_NDIV_TX & (VIRTIO_XDP_TX | VIRTIO_XDP_REDIR)));

/*
 * Big-packets mode has no headroom to build an xdp_frame in, and a frame
 * spans a chain of pages: no driver hook there.
 */
static bool virtnet_ndiv_capable(struct virtnet_info *vi)
{
	return vi->mergeable_rx_bufs || !vi->big_packets;
}

static const struct ndiv_port_info virtnet_ndiv_info = {
	.driver = "virtio_net",
	.caps = NDIV_CAP_TX,
};

/* Probe, process context, after register_netdevice() and rtnl_unlock(). */
static int virtnet_ndiv_register(struct virtnet_info *vi)
{
	int err;

	if (!virtnet_ndiv_capable(vi)) {
		netdev_info(vi->dev,
			    "ndiv: big packets mode, no driver hook (generic mode only)\n");
		return 0;
	}
	err = ndiv_port_register(&vi->ndiv, vi->dev, &virtnet_ndiv_info);
	/* another hook ABI: ndiv logged it, generic mode still works */
	return err == -EPROTO ? 0 : err;
}

/* Remove and probe errors, before unregister_netdev(). */
static void virtnet_ndiv_unregister(struct virtnet_info *vi)
{
	if (virtnet_ndiv_capable(vi))
		ndiv_port_unregister(&vi->ndiv);
}

/*
 * The stack TX queue that NDIV_TX frames from this CPU use. ndiv never
 * adds XDP queues (that resets the device), so it shares the stack's,
 * chosen like virtnet_xdp_get_sq() does in its locked mode, but never past
 * them: virtnet_xdp_get_sq() would index beyond curr_queue_pairs when
 * there are more queue pairs than CPUs and no XDP queues (ethtool -L).
 * Called in NAPI: the CPU does not change during a poll, so the TX path
 * and the kick at the end of the poll pick the same queue.
 */
static unsigned int virtnet_ndiv_qp(struct virtnet_info *vi, int cpu)
{
	return cpu % (vi->curr_queue_pairs - vi->xdp_queue_pairs);
}

/*
 * Queue one NDIV_TX frame, without a kick. NAPI context. @start is the
 * first byte of the receive buffer and @bufsz its size, skb_shared_info
 * room included, as for build_skb(). The xdp_frame is written at @start,
 * the virtio header right before f->data: the headroom the app was given
 * leaves room for both. Returns 0 or an error; on error the caller still
 * owns the buffer.
 */
static int virtnet_ndiv_xmit(struct virtnet_info *vi, struct receive_queue *rq,
			     u8 *start, unsigned int bufsz,
			     const struct ndiv_frame *f)
{
	int cpu = smp_processor_id();
	unsigned int qp = virtnet_ndiv_qp(vi, cpu);
	struct send_queue *sq = &vi->sq[qp];
	struct netdev_queue *txq;
	struct xdp_frame *xdpf;
	struct xdp_buff xdp;
	int err;

	/* __virtnet_xdp_xmit_one() puts header and frame in one descriptor. */
	if (unlikely(!vi->any_header_sg))
		return -EOPNOTSUPP;

	/* What the app built must be a frame this link could carry. */
	if (unlikely(f->len < ETH_HLEN ||
		     f->len > READ_ONCE(vi->dev->mtu) + VLAN_ETH_HLEN))
		return -EMSGSIZE;

	/* rq->xdp_rxq is MEM_TYPE_PAGE_SHARED, as for XDP_TX. */
	xdp_init_buff(&xdp, bufsz, &rq->xdp_rxq);
	xdp_prepare_buff(&xdp, start, f->data - start, f->len, false);
	xdpf = xdp_convert_buff_to_frame(&xdp);
	if (unlikely(!xdpf))
		return -ENOSPC;

	/* Shared with start_xmit() and TX NAPI: the txq lock, as for XDP_TX. */
	txq = netdev_get_tx_queue(vi->dev, qp);
	__netif_tx_lock(txq, cpu);
	if (unlikely(sq->reset)) {
		/* virtnet_tx_pause(): the queue is being resized. */
		err = -EBUSY;
	} else {
		/*
		 * Reclaim first, the stack may not send for a while. A full
		 * ring fails this frame (tx_err). Unlike virtnet_xdp_xmit(),
		 * the stack's queue is not stopped as the ring fills: under a
		 * flood that stops it, and re-arms the TX callback, on every
		 * frame: in the lab, not doing so halved tx_err and took the
		 * reflect rate from 0.77 to 1.03 times native XDP_TX's (make
		 * bench-xdp). A stack frame meeting a full ring is dropped
		 * (tx_fifo_errors).
		 */
		free_old_xmit(sq, txq, false);
		err = __virtnet_xdp_xmit_one(vi, sq, xdpf);
	}
	__netif_tx_unlock(txq);

	return err;
}

/* End of virtnet_poll(): one kick for the NDIV_TX frames of this poll. */
static void virtnet_ndiv_kick(struct virtnet_info *vi)
{
	int cpu = smp_processor_id();
	unsigned int qp = virtnet_ndiv_qp(vi, cpu);
	struct netdev_queue *txq = netdev_get_tx_queue(vi->dev, qp);
	struct send_queue *sq = &vi->sq[qp];

	__netif_tx_lock(txq, cpu);
	if (likely(!sq->reset) && virtqueue_kick_prepare(sq->vq) &&
	    virtqueue_notify(sq->vq)) {
		u64_stats_update_begin(&sq->stats.syncp);
		u64_stats_inc(&sq->stats.kicks);
		u64_stats_update_end(&sq->stats.syncp);
	}
	__netif_tx_unlock(txq);
}

static __always_inline void virtnet_ndiv_flush(struct virtnet_info *vi,
					       unsigned int xdp_xmit)
{
	if (unlikely(xdp_xmit & VIRTIO_NDIV_TX))
		virtnet_ndiv_kick(vi);
}

/*
 * The host left the L4 checksum to the guest (VIRTIO_NET_HDR_F_NEEDS_CSUM:
 * a local sender over tap with checksum offload). Finish it the way
 * skb_checksum_help() does, so the app reads, and may send back, a frame
 * whose checksum is right. The header then no longer asks for it: a frame
 * passed up is verified by the stack (CHECKSUM_NONE).
 */
static bool virtnet_ndiv_csum(struct virtnet_info *vi,
			      struct virtio_net_hdr *vhdr, u8 *data,
			      unsigned int len)
{
	u32 start = virtio16_to_cpu(vi->vdev, vhdr->csum_start);
	u32 off = start + virtio16_to_cpu(vi->vdev, vhdr->csum_offset);
	__wsum csum;

	/* Both offsets come from the device: sum and field within the frame. */
	if (unlikely(off + sizeof(__sum16) > len))
		return false;

	csum = csum_partial(data + start, len - start, 0);
	put_unaligned(csum_fold(csum) ?: CSUM_MANGLED_0,
		      (__sum16 *)(data + off));
	vhdr->flags &= ~VIRTIO_NET_HDR_F_NEEDS_CSUM;
	return true;
}

/*
 * ndiv_run() checks that the app kept data - headroom and the total room;
 * check that no u32 term wrapped either before the frame is used.
 */
static bool virtnet_ndiv_frame_ok(const struct ndiv_frame *f, u32 room)
{
	return f->headroom <= room && f->len <= room - f->headroom;
}

/*
 * Run the app on one linear frame. NAPI context (BH off: RCU read side for
 * @b). @hdr is the virtio-net header and the frame's @len bytes follow it;
 * the receive buffer spans @bufsz bytes from @start and ends with room for
 * a skb_shared_info, as build_skb() and xdp_convert_buff_to_frame() need.
 *
 * Returns false when the caller builds the skb as usual: PASS with the
 * frame where it was (content changes are fine), or a frame the app does
 * not get. Returns true when the frame was consumed; *skbp is then the skb
 * to hand up (PASS after the app moved or resized the frame) or NULL
 * (DROP, TX, or an error: the buffer is freed).
 */
static bool virtnet_ndiv_rx(struct ndiv_binding *b, struct virtnet_info *vi,
			    struct receive_queue *rq, u8 *start,
			    unsigned int bufsz, void *hdr, unsigned int len,
			    unsigned int *xdp_xmit,
			    struct virtnet_rq_stats *stats,
			    struct sk_buff **skbp)
{
	unsigned int reserve = sizeof(struct xdp_frame) + vi->hdr_len;
	u8 *end = start + bufsz - SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct virtio_net_hdr *vhdr = hdr;
	u8 *data = (u8 *)hdr + vi->hdr_len;
	struct ndiv_frame f;
	u32 room;

	/* Host GSO (TSO/UFO/USO): larger than the MTU, not for apps. */
	if (unlikely(vhdr->gso_type != VIRTIO_NET_HDR_GSO_NONE))
		return false;

	/* Holds for every buffer the driver posts; checked, not assumed. */
	if (unlikely(data < start + reserve || data + len > end))
		return false;

	if (unlikely(vhdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !virtnet_ndiv_csum(vi, vhdr, data, len))
		return false;

	f.data = data;
	f.len = len;
	f.headroom = data - start - reserve;
	f.tailroom = end - data - len;
	f.rxq = vq2rxq(rq->vq);
	f.vlan_tci = 0;
	f.flags = 0;
	f.dev = vi->dev;
	room = ndiv_frame_room(&f);

	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		if (likely(f.data == data && f.len == len))
			return false;
		if (unlikely(!virtnet_ndiv_frame_ok(&f, room) ||
			     f.len < ETH_HLEN)) {
			DEV_STATS_INC(vi->dev, rx_length_errors);
			break;
		}
		/* build_skb() zeroes skb->cb, so the stack gets an empty
		 * virtio header: no offload data, which would no longer
		 * match the frame anyway.
		 */
		*skbp = virtnet_build_skb(start, bufsz, f.data - start, f.len);
		if (likely(*skbp))
			return true;
		u64_stats_inc(&stats->drops);
		break;
	case NDIV_TX:
		if (likely(virtnet_ndiv_frame_ok(&f, room) &&
			   !virtnet_ndiv_xmit(vi, rq, start, bufsz, &f))) {
			*xdp_xmit |= VIRTIO_NDIV_TX;
			*skbp = NULL;
			return true;
		}
		ndiv_count_tx_error(b, f.rxq);
		break;
	default:	/* NDIV_DROP */
		break;
	}

	/* As XDP_DROP: the buffer holds one reference on its page. */
	put_page(virt_to_head_page(start));
	*skbp = NULL;
	return true;
}

/*
 * Small buffers: @buf is the start of the buffer as add_recvbuf_small()
 * laid it out (VIRTNET_RX_PAD + @xdp_headroom, virtio header, frame),
 * @len the frame length, already checked against GOOD_PACKET_LEN.
 * Out of line so that receive_small() stays as it was when no app is bound.
 */
static noinline bool virtnet_ndiv_rx_small(struct ndiv_binding *b,
					   struct virtnet_info *vi,
					   struct receive_queue *rq, void *buf,
					   unsigned int xdp_headroom,
					   unsigned int len,
					   unsigned int *xdp_xmit,
					   struct virtnet_rq_stats *stats,
					   struct sk_buff **skbp)
{
	unsigned int header_offset = VIRTNET_RX_PAD + xdp_headroom;
	unsigned int headroom = vi->hdr_len + header_offset;
	unsigned int buflen = SKB_DATA_ALIGN(GOOD_PACKET_LEN + headroom) +
			      SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	return virtnet_ndiv_rx(b, vi, rq, buf, buflen, buf + header_offset,
			       len, xdp_xmit, stats, skbp);
}

static __always_inline bool
virtnet_ndiv_small(struct virtnet_info *vi, struct receive_queue *rq,
		   void *buf, unsigned int xdp_headroom, unsigned int len,
		   unsigned int *xdp_xmit, struct virtnet_rq_stats *stats,
		   struct sk_buff **skbp)
{
	struct ndiv_binding *b = ndiv_port_binding(&vi->ndiv);

	if (likely(!b))
		return false;
	return virtnet_ndiv_rx_small(b, vi, rq, buf, xdp_headroom, len,
				     xdp_xmit, stats, skbp);
}

/*
 * Mergeable buffers: @buf is the virtio header, @len counts it (checked
 * against @truesize by the caller), @headroom and @truesize come from the
 * buffer's context. Apps get linear frames only: a frame spread over
 * several buffers (num_buffers > 1, larger than one buffer of about
 * PAGE_SIZE - 576 bytes) goes to the stack without the app seeing it.
 */
static noinline bool virtnet_ndiv_rx_mergeable(struct ndiv_binding *b,
					       struct virtnet_info *vi,
					       struct receive_queue *rq,
					       void *buf, unsigned int len,
					       unsigned int truesize,
					       unsigned int headroom,
					       unsigned int *xdp_xmit,
					       struct virtnet_rq_stats *stats,
					       struct sk_buff **skbp)
{
	return virtnet_ndiv_rx(b, vi, rq, (u8 *)buf - headroom, truesize, buf,
			       len - vi->hdr_len, xdp_xmit, stats, skbp);
}

static __always_inline bool
virtnet_ndiv_mergeable(struct virtnet_info *vi, struct receive_queue *rq,
		       void *buf, unsigned int len, int num_buf,
		       unsigned int truesize, unsigned int headroom,
		       unsigned int *xdp_xmit, struct virtnet_rq_stats *stats,
		       struct sk_buff **skbp)
{
	struct ndiv_binding *b = ndiv_port_binding(&vi->ndiv);

	if (likely(!b))
		return false;
	if (num_buf != 1)
		return false;
	return virtnet_ndiv_rx_mergeable(b, vi, rq, buf, len, truesize,
					 headroom, xdp_xmit, stats, skbp);
}

#endif /* _NDIV_VIRTIO_NET_H */
