// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv hook glue for igb.
 *
 * igb_clean_rx_irq() calls igb_ndiv_rx() on the first buffer of a frame
 * once igb_run_xdp() has passed it (or found no program), with the
 * xdp_buff that XDP saw. The verdict goes back in igb_run_xdp()'s own
 * encoding, so the receive loop handles the buffer with its XDP code:
 *
 *  - NDIV_PASS is XDP_PASS: the skb is built from the xdp_buff, which
 *    carries the app's data and length;
 *  - NDIV_DROP is XDP_DROP: the page reference goes back to pagecnt_bias
 *    and the half page is reused in place;
 *  - NDIV_TX is XDP_TX: the frame becomes an xdp_frame in its headroom and
 *    is queued with igb_xmit_xdp_ring() on the stack's TX ring for this
 *    CPU under that ring's netdev queue lock; the half page is flipped
 *    away and the poll writes the TX tail once, at its end.
 *
 * Everything here runs in NAPI (softirq) context; the binding was read
 * once for the poll with ndiv_port_binding() (RCU, BH disabled).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <net/xdp.h>

#include "igb.h"

/*
 * Frames the app does not see, left to the driver as before: the first
 * buffer of a frame that spans several (igb has no multi-buffer XDP and
 * the port does not claim NDIV_CAP_MULTIBUF), frames with receive errors
 * (igb_cleanup_headers() drops them, or hands them to the stack with
 * rx-all), and a length from the descriptor that does not fit the buffer.
 */
static bool igb_ndiv_skip(union e1000_adv_rx_desc *rx_desc,
			  const struct xdp_buff *xdp)
{
	if (unlikely(!igb_test_staterr(rx_desc, E1000_RXD_STAT_EOP)))
		return true;
	if (unlikely(igb_test_staterr(rx_desc,
				      E1000_RXDEXT_ERR_FRAME_ERR_MASK)))
		return true;
	return unlikely(xdp->data_end > xdp_data_hard_end(xdp));
}

/* The tag the MAC stripped, decoded as igb_process_skb_fields() does. */
static void igb_ndiv_vlan(struct igb_ring *rx_ring,
			  union e1000_adv_rx_desc *rx_desc,
			  struct ndiv_frame *f)
{
	if (!(rx_ring->netdev->features & NETIF_F_HW_VLAN_CTAG_RX) ||
	    !igb_test_staterr(rx_desc, E1000_RXD_STAT_VP))
		return;
	/* some MACs write the tag of looped-back frames big-endian */
	if (igb_test_staterr(rx_desc, E1000_RXDEXT_STATERR_LB) &&
	    test_bit(IGB_RING_FLAG_RX_LB_VLAN_BSWAP, &rx_ring->flags))
		f->vlan_tci = be16_to_cpu((__force __be16)rx_desc->wb.upper.vlan);
	else
		f->vlan_tci = le16_to_cpu(rx_desc->wb.upper.vlan);
	f->flags |= NDIV_F_VLAN_STRIPPED;
}

/*
 * Queue an app's reply like igb_xdp_xmit_back(), on the same TX ring that
 * igb_clean_rx_irq() writes the tail of at the end of the poll
 * (igb_xdp_tx_queue_mapping()). xmit_more keeps igb_xmit_xdp_ring() from
 * writing the tail for each frame, unless the queue had to stop.
 * Returns IGB_XDP_TX or IGB_XDP_CONSUMED (the buffer is then recycled).
 */
static int igb_ndiv_xmit(struct igb_adapter *adapter, struct xdp_buff *xdp)
{
	unsigned int len = xdp->data_end - xdp->data;
	struct igb_ring *tx_ring;
	struct xdp_frame *xdpf;
	struct netdev_queue *nq;
	bool more;
	int ret;

	if (unlikely(len < ETH_HLEN ||
		     len > adapter->netdev->mtu + VLAN_ETH_HLEN))
		return IGB_XDP_CONSUMED;
	xdpf = xdp_convert_buff_to_frame(xdp);
	if (unlikely(!xdpf))
		return IGB_XDP_CONSUMED;

	tx_ring = igb_xdp_tx_queue_mapping(adapter);
	nq = txring_txq(tx_ring);
	__netif_tx_lock(nq, smp_processor_id());
	/* the stack shares this queue: keep its watchdog quiet */
	txq_trans_cond_update(nq);
	more = netdev_xmit_more();
	netdev_xmit_set_more(true);
	ret = igb_xmit_xdp_ring(adapter, tx_ring, xdpf);
	netdev_xmit_set_more(more);
	__netif_tx_unlock(nq);
	return ret;
}

/**
 * igb_ndiv_rx - run the bound app on one received frame
 * @adapter: board private structure
 * @b: the binding, read for this NAPI poll
 * @rx_ring: the RX ring the frame arrived on
 * @rx_desc: its descriptor, written back by the device
 * @xdp: the frame as igb_run_xdp() saw (and may have changed) it
 *
 * Returns igb_run_xdp()'s encoding: NULL to build an skb from @xdp
 * (NDIV_PASS, or a frame the app does not see), ERR_PTR(-IGB_XDP_TX) for
 * a frame queued for TX, ERR_PTR(-IGB_XDP_CONSUMED) to recycle the buffer.
 */
struct sk_buff *igb_ndiv_rx(struct igb_adapter *adapter,
			    struct ndiv_binding *b, struct igb_ring *rx_ring,
			    union e1000_adv_rx_desc *rx_desc,
			    struct xdp_buff *xdp)
{
	struct ndiv_frame f;

	if (igb_ndiv_skip(rx_desc, xdp))
		return NULL;
	ndiv_frame_from_xdp(&f, xdp, rx_ring->netdev, rx_ring->queue_index);
	igb_ndiv_vlan(rx_ring, rx_desc, &f);

	switch (ndiv_run_xdp(b, &f, xdp)) {
	case NDIV_PASS:
		return NULL;
	case NDIV_TX:
		if (likely(igb_ndiv_xmit(adapter, xdp) == IGB_XDP_TX))
			return ERR_PTR(-IGB_XDP_TX);
		ndiv_count_tx_error(b, f.rxq);
		return ERR_PTR(-IGB_XDP_CONSUMED);
	default:
		return ERR_PTR(-IGB_XDP_CONSUMED);
	}
}

/* TX uses the stack's rings, which always exist: no prepare() needed. */
static const struct ndiv_port_info igb_ndiv_info = {
	.driver = "igb",
	.caps = NDIV_CAP_TX,
};

/*
 * Probe, after register_netdev(). A refusal (another hook ABI) is logged
 * by ndiv and leaves the device to generic mode: not a probe error.
 */
void igb_ndiv_register(struct igb_adapter *adapter)
{
	ndiv_port_register(&adapter->ndiv, adapter->netdev, &igb_ndiv_info);
}
