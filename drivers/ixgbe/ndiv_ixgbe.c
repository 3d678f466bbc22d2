// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv hook glue for ixgbe.
 *
 * ixgbe_clean_rx_irq() calls ixgbe_ndiv_rx() on the first buffer of a
 * frame once ixgbe_run_xdp() has passed it (or found no program), with the
 * xdp_buff that XDP saw. The verdict goes back in ixgbe_run_xdp()'s own
 * encoding, so the receive loop handles the buffer with its XDP code:
 *
 *  - NDIV_PASS is XDP_PASS: the skb is built from the xdp_buff, which
 *    carries the app's data and length;
 *  - NDIV_DROP is XDP_DROP: the page reference goes back to pagecnt_bias
 *    and the half page is reused in place;
 *  - NDIV_TX is XDP_TX: the frame becomes an xdp_frame in its headroom and
 *    is queued with ixgbe_xmit_xdp_ring() on this CPU's XDP TX ring
 *    (ixgbe_determine_xdp_ring(), under the ring's tx_lock when CPUs share
 *    rings); the half page is flipped away and the poll writes that ring's
 *    tail once, at its end.
 *
 * ixgbe has XDP TX rings only while it wants them (ixgbe_xdp_queues()):
 * ixgbe_ndiv_prepare() makes it want them while an app is bound, with the
 * same reconfiguration ixgbe_xdp_setup() does for a program.
 *
 * The data path runs in NAPI (softirq) context; the binding was read once
 * for the poll with ndiv_port_binding() (RCU, BH disabled).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/xdp.h>

#include "ixgbe.h"
#include "ixgbe_txrx_common.h"

#ifdef IXGBE_FCOE
/* An FCoE frame, as ixgbe_rx_is_fcoe() tells them: its DDP needs the skb. */
static bool ixgbe_ndiv_is_fcoe(struct ixgbe_ring *rx_ring,
			       union ixgbe_adv_rx_desc *rx_desc)
{
	__le16 pkt_info = rx_desc->wb.lower.lo_dword.hs_rss.pkt_info;

	return test_bit(__IXGBE_RX_FCOE, &rx_ring->state) &&
	       (pkt_info & cpu_to_le16(IXGBE_RXDADV_PKTTYPE_ETQF_MASK)) ==
	       cpu_to_le16(IXGBE_ETQF_FILTER_FCOE <<
			   IXGBE_RXDADV_PKTTYPE_ETQF_SHIFT);
}
#else
static bool ixgbe_ndiv_is_fcoe(struct ixgbe_ring *rx_ring,
			       union ixgbe_adv_rx_desc *rx_desc)
{
	return false;
}
#endif

/*
 * An RSC descriptor: ixgbe_is_non_eop() then writes to the skb's control
 * block, which must be a real skb. XDP refuses RSC rings; ndiv turns LRO
 * off while an app is bound, but it may be turned on again by hand.
 */
static bool ixgbe_ndiv_is_rsc(struct ixgbe_ring *rx_ring,
			      union ixgbe_adv_rx_desc *rx_desc)
{
	return ring_is_rsc_enabled(rx_ring) &&
	       (rx_desc->wb.lower.lo_dword.data &
		cpu_to_le32(IXGBE_RXDADV_RSCCNT_MASK));
}

/*
 * Frames the app does not see, left to the driver as before: the first
 * buffer of a frame that spans several (jumbo MTU; the port does not
 * claim NDIV_CAP_MULTIBUF), RSC (LRO) frames, frames with receive errors
 * (ixgbe_cleanup_headers() drops them, or hands them to the stack with
 * rx-all), frames for a macvlan whose pool the NIC serves (L2 forwarding
 * offload), FCoE frames, and a length from the descriptor that does not
 * fit the buffer.
 */
static bool ixgbe_ndiv_skip(struct ixgbe_adapter *adapter,
			    struct ixgbe_ring *rx_ring,
			    union ixgbe_adv_rx_desc *rx_desc,
			    const struct xdp_buff *xdp)
{
	if (unlikely(!ixgbe_test_staterr(rx_desc, IXGBE_RXD_STAT_EOP)))
		return true;
	if (unlikely(ixgbe_ndiv_is_rsc(rx_ring, rx_desc)))
		return true;
	if (unlikely(ixgbe_test_staterr(rx_desc,
					IXGBE_RXDADV_ERR_FRAME_ERR_MASK)))
		return true;
	if (unlikely(rx_ring->netdev != adapter->netdev))
		return true;
	if (unlikely(ixgbe_ndiv_is_fcoe(rx_ring, rx_desc)))
		return true;
	return unlikely(xdp->data_end > xdp_data_hard_end(xdp));
}

/* The tag the MAC stripped, as ixgbe_process_skb_fields() reads it. */
static void ixgbe_ndiv_vlan(struct ixgbe_ring *rx_ring,
			    union ixgbe_adv_rx_desc *rx_desc,
			    struct ndiv_frame *f)
{
	if (!(rx_ring->netdev->features & NETIF_F_HW_VLAN_CTAG_RX) ||
	    !ixgbe_test_staterr(rx_desc, IXGBE_RXD_STAT_VP))
		return;
	f->vlan_tci = le16_to_cpu(rx_desc->wb.upper.vlan);
	f->flags |= NDIV_F_VLAN_STRIPPED;
}

/*
 * Queue an app's reply as ixgbe_run_xdp() queues an XDP_TX frame, on the
 * XDP ring whose tail ixgbe_clean_rx_irq() writes at the end of the poll.
 * Returns IXGBE_XDP_TX or IXGBE_XDP_CONSUMED (the buffer is then recycled).
 */
static int ixgbe_ndiv_xmit(struct ixgbe_adapter *adapter,
			   struct xdp_buff *xdp)
{
	unsigned int len = xdp->data_end - xdp->data;
	struct ixgbe_ring *ring;
	struct xdp_frame *xdpf;
	int ret;

	if (unlikely(len < ETH_HLEN ||
		     len > adapter->netdev->mtu + VLAN_ETH_HLEN))
		return IXGBE_XDP_CONSUMED;
	/*
	 * No XDP rings: SR-IOV, DCB or L2 forwarding offload was turned on
	 * after the app was bound (ixgbe_set_num_queues() then has none).
	 * The array only changes while NAPI is disabled.
	 */
	ring = ixgbe_determine_xdp_ring(adapter);
	if (unlikely(!ring))
		return IXGBE_XDP_CONSUMED;
	xdpf = xdp_convert_buff_to_frame(xdp);
	if (unlikely(!xdpf))
		return IXGBE_XDP_CONSUMED;

	if (static_branch_unlikely(&ixgbe_xdp_locking_key))
		spin_lock(&ring->tx_lock);
	ret = ixgbe_xmit_xdp_ring(ring, xdpf);
	if (static_branch_unlikely(&ixgbe_xdp_locking_key))
		spin_unlock(&ring->tx_lock);
	return ret;
}

/**
 * ixgbe_ndiv_rx - run the bound app on one received frame
 * @adapter: board private structure
 * @b: the binding, read for this NAPI poll
 * @rx_ring: the RX ring the frame arrived on
 * @rx_desc: its descriptor, written back by the device
 * @xdp: the frame as ixgbe_run_xdp() saw (and may have changed) it
 *
 * Returns ixgbe_run_xdp()'s encoding: NULL to build an skb from @xdp
 * (NDIV_PASS, or a frame the app does not see), ERR_PTR(-IXGBE_XDP_TX) for
 * a frame queued for TX, ERR_PTR(-IXGBE_XDP_CONSUMED) to recycle the
 * buffer.
 */
struct sk_buff *ixgbe_ndiv_rx(struct ixgbe_adapter *adapter,
			      struct ndiv_binding *b,
			      struct ixgbe_ring *rx_ring,
			      union ixgbe_adv_rx_desc *rx_desc,
			      struct xdp_buff *xdp)
{
	struct ndiv_frame f;

	if (ixgbe_ndiv_skip(adapter, rx_ring, rx_desc, xdp))
		return NULL;
	ndiv_frame_from_xdp(&f, xdp, adapter->netdev, rx_ring->queue_index);
	ixgbe_ndiv_vlan(rx_ring, rx_desc, &f);

	switch (ndiv_run_xdp(b, &f, xdp)) {
	case NDIV_PASS:
		return NULL;
	case NDIV_TX:
		if (likely(ixgbe_ndiv_xmit(adapter, xdp) == IXGBE_XDP_TX))
			return ERR_PTR(-IXGBE_XDP_TX);
		ndiv_count_tx_error(b, f.rxq);
		return ERR_PTR(-IXGBE_XDP_CONSUMED);
	default:
		return ERR_PTR(-IXGBE_XDP_CONSUMED);
	}
}

/*
 * The queue layouts without XDP rings (ixgbe_set_num_queues()), and the
 * CPU count beyond which rings would be shared by more than two CPUs:
 * ixgbe_xdp_setup() refuses a program for the same reasons.
 */
static int ixgbe_ndiv_rings_possible(struct ixgbe_adapter *adapter)
{
	if (adapter->flags & (IXGBE_FLAG_SRIOV_ENABLED |
			      IXGBE_FLAG_VMDQ_ENABLED |
			      IXGBE_FLAG_DCB_ENABLED)) {
		netdev_warn(adapter->netdev,
			    "ndiv: no XDP TX rings with SR-IOV, DCB or L2 forwarding offload\n");
		return -EOPNOTSUPP;
	}
	if (nr_cpu_ids > IXGBE_MAX_XDP_QS * 2)
		return -ENOMEM;
	return 0;
}

/*
 * struct ndiv_port_info.prepare: have XDP TX rings while an app is bound.
 * ixgbe_xdp_queues() counts them when adapter->ndiv_xdp_rings is set, and
 * ixgbe_setup_tc() rebuilds the queues and vectors (closing and reopening
 * a running device), as ixgbe_xdp_setup() does when a program comes or
 * goes. With an XDP program loaded the rings exist already and nothing is
 * reset. Context: process, RTNL held (ndiv core), may sleep.
 */
static int ixgbe_ndiv_prepare(struct net_device *dev, bool on)
{
	struct ixgbe_adapter *adapter = netdev_priv(dev);
	bool had = adapter->xdp_prog || adapter->ndiv_xdp_rings;
	int err;

	ASSERT_RTNL();
	if (on) {
		err = ixgbe_ndiv_rings_possible(adapter);
		if (err)
			return err;
	}
	adapter->ndiv_xdp_rings = on;
	if (had == (adapter->xdp_prog || on))
		return 0;

	err = ixgbe_setup_tc(dev, adapter->hw_tcs);
	if (err) {
		netdev_err(dev, "ndiv: reconfiguring the XDP TX rings failed: %d\n",
			   err);
		if (on)
			adapter->ndiv_xdp_rings = false;
	}
	return err;
}

static const struct ndiv_port_info ixgbe_ndiv_info = {
	.driver = "ixgbe",
	.caps = NDIV_CAP_TX,
	.prepare = ixgbe_ndiv_prepare,
};

/*
 * Probe, after register_netdev(). A refusal (another hook ABI) is logged
 * by ndiv and leaves the device to generic mode: not a probe error.
 */
void ixgbe_ndiv_register(struct ixgbe_adapter *adapter)
{
	ndiv_port_register(&adapter->ndiv, adapter->netdev, &ixgbe_ndiv_info);
}
