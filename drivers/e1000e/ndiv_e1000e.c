// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv hook glue for e1000e.
 *
 * e1000e has no XDP, so this follows generic XDP's TX pattern: the RX skb
 * becomes the TX skb and goes through the driver's own ndo_start_xmit
 * under the TX queue lock, with xmit_more set so that the tail register
 * (the doorbell) is written once per NAPI poll by e1000e_ndiv_flush().
 * DROP puts the skb back on the RX ring, as the driver does for frames
 * with errors. All of it runs in NAPI (softirq) context.
 */
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "e1000.h"
#include "ndiv_e1000e.h"

/* Send an app's reply; the tail is written later by e1000e_ndiv_flush(). */
static bool e1000e_ndiv_xmit(struct e1000_adapter *adapter,
			     struct sk_buff *skb)
{
	struct net_device *netdev = adapter->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, 0);
	netdev_tx_t rc = NETDEV_TX_BUSY;

	skb_set_queue_mapping(skb, 0);
	__netif_tx_lock(txq, smp_processor_id());
	if (!netif_xmit_frozen_or_drv_stopped(txq))
		rc = netdev_start_xmit(skb, netdev, txq, true);
	__netif_tx_unlock(txq);
	return dev_xmit_complete(rc);
}

/**
 * e1000e_ndiv_rx - run the bound app on one received frame
 * @adapter: board private structure
 * @b: the binding, from ndiv_port_binding() in this NAPI poll
 * @skb: the RX buffer, DMA-unmapped, data at the Ethernet header, len 0
 * @length: frame length without FCS; updated for E1000E_NDIV_PASS
 * @staterr: descriptor status
 * @vlan: descriptor VLAN field, valid if E1000_RXD_STAT_VP
 *
 * On E1000E_NDIV_PASS the skb is left as the driver expects it (len 0,
 * data where the frame now starts), and *length is the frame length.
 */
enum e1000e_ndiv_action e1000e_ndiv_rx(struct e1000_adapter *adapter,
				       struct ndiv_binding *b,
				       struct sk_buff *skb, u32 *length,
				       u32 staterr, __le16 vlan)
{
	struct ndiv_frame f;

	/* The length comes from the device: never trust it past the buffer. */
	if (unlikely(*length > skb_tailroom(skb)))
		return E1000E_NDIV_RECYCLE;
	__skb_put(skb, *length);
	ndiv_frame_from_skb(&f, skb, 0);
	/* copybreak reads NET_IP_ALIGN bytes in front of the frame */
	f.headroom -= min_t(u32, f.headroom, NET_IP_ALIGN);
	if (staterr & E1000_RXD_STAT_VP) {
		f.flags |= NDIV_F_VLAN_STRIPPED;
		f.vlan_tci = le16_to_cpu(vlan);
	}

	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		ndiv_skb_apply(skb, &f);
		*length = skb->len;
		__skb_trim(skb, 0);
		return E1000E_NDIV_PASS;
	case NDIV_TX:
		ndiv_skb_apply(skb, &f);
		/* the reply leaves on the request's VLAN unless the app said no */
		if (f.flags & NDIV_F_VLAN_STRIPPED)
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
					       f.vlan_tci);
		if (!e1000e_ndiv_xmit(adapter, skb)) {
			ndiv_count_tx_error(b, 0);
			dev_kfree_skb_any(skb);
		}
		return E1000E_NDIV_CONSUMED;
	default:
		return E1000E_NDIV_RECYCLE;
	}
}

/* Ring the TX doorbell once for all frames an app sent in this poll. */
void e1000e_ndiv_flush(struct e1000_adapter *adapter)
{
	struct netdev_queue *txq = netdev_get_tx_queue(adapter->netdev, 0);
	struct e1000_ring *tx_ring = adapter->tx_ring;

	__netif_tx_lock(txq, smp_processor_id());
	if (adapter->flags2 & FLAG2_PCIM2PCI_ARBITER_WA)
		e1000e_update_tdt_wa(tx_ring, tx_ring->next_to_use);
	else
		writel(tx_ring->next_to_use, tx_ring->tail);
	__netif_tx_unlock(txq);
}

/*
 * With MSI-X, e1000e reclaims sent TX descriptors only in its TX
 * interrupt, which is throttled: under a flood an app's replies filled
 * the ring between two of them and were lost (tx_err). While an app is
 * bound natively the TX interrupt schedules NAPI instead, and
 * e1000e_poll() reclaims before each RX pass, as e1000e does without
 * MSI-X and as e1000 always does. The switch is made with NAPI disabled
 * and the TX vector synchronised, so that the reclaim never runs in both
 * places at once; after NAPI is back both causes are unmasked (a poll
 * cut short by napi_disable() leaves them masked) and a TX interrupt is
 * raised for whatever completed meanwhile. Context: process, RTNL held.
 */
static int e1000e_ndiv_prepare(struct net_device *dev, bool on)
{
	struct e1000_adapter *adapter = netdev_priv(dev);
	struct e1000_hw *hw = &adapter->hw;
	bool live = netif_running(dev) &&
		    !test_bit(__E1000_DOWN, &adapter->state);

	if (!live) {
		WRITE_ONCE(adapter->ndiv_tx_napi, on);
		return 0;
	}
	napi_disable(&adapter->napi);
	WRITE_ONCE(adapter->ndiv_tx_napi, on);
	/* vector 1 is the TX one: e1000_request_msix() */
	if (adapter->msix_entries)
		synchronize_irq(adapter->msix_entries[1].vector);
	napi_enable(&adapter->napi);
	if (adapter->msix_entries) {
		ew32(IMS, adapter->rx_ring->ims_val |
		     adapter->tx_ring->ims_val);
		ew32(ICS, adapter->tx_ring->ims_val);
	}
	return 0;
}

static const struct ndiv_port_info e1000e_ndiv_info = {
	.driver = "e1000e",
	.caps = NDIV_CAP_TX,
	.prepare = e1000e_ndiv_prepare,
};

/*
 * Probe, after register_netdev(). A refusal (another hook ABI) is logged
 * by ndiv and leaves the device to generic mode: not a probe error.
 */
void e1000e_ndiv_register(struct e1000_adapter *adapter)
{
	ndiv_port_register(&adapter->ndiv, adapter->netdev, &e1000e_ndiv_info);
}
