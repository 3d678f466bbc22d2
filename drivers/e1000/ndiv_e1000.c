// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv hook glue for e1000.
 *
 * e1000_clean_rx_irq(), the receive path for standard MTUs, calls
 * e1000_ndiv_rx() for each descriptor before copybreak and before the RX
 * buffer (a page fragment, E1000_HEADROOM bytes into it) becomes an skb,
 * so the app works on the frame in place. Frames the hardware flagged
 * (errors, pieces of a frame larger than a buffer) stay on the driver's
 * own path. e1000 has no XDP, so TX follows generic XDP's pattern: the
 * buffer becomes an skb, as for the stack, and goes through the driver's
 * own ndo_start_xmit under the TX queue lock with xmit_more set; the tail
 * register is written once per NAPI poll by e1000_ndiv_flush().
 *
 * DMA: the received bytes are synced for the CPU before the app runs.
 * From then on the CPU's copy is the one that counts: the buffer goes
 * back to the NIC with a sync for the device (DROP, or after a copybreak
 * copy), or is unmapped without a CPU sync when it becomes an skb, since
 * a sync through a bounce buffer would bring the NIC's bytes back over
 * the app's.
 *
 * Everything here but the probe, MTU and bind hooks at the end runs in
 * NAPI (softirq) context, under RCU (BH disabled).
 */
#include <linux/dma-mapping.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "e1000.h"

/* Bytes from the start of an RX buffer to its skb_shared_info. */
static unsigned int e1000_ndiv_room(const struct e1000_adapter *adapter)
{
	return e1000_frag_len(adapter) -
	       SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}

/*
 * Hand the buffer back to the NIC in its slot: e1000_alloc_rx_buffers()
 * finds rxbuf.data still set and only re-arms the descriptor, as after a
 * copybreak. The app may have written anywhere in the buffer.
 */
static void e1000_ndiv_recycle(struct e1000_adapter *adapter,
			       struct e1000_rx_buffer *bi)
{
	dma_sync_single_for_device(&adapter->pdev->dev, bi->dma,
				   adapter->rx_buffer_len, DMA_FROM_DEVICE);
}

/*
 * The buffer becomes an skb with data at @data and length 0, as the
 * driver builds it for the stack; the slot is refilled with a new buffer.
 */
static struct sk_buff *e1000_ndiv_build(struct e1000_adapter *adapter,
					struct e1000_rx_buffer *bi, u8 *data)
{
	u8 *head = bi->rxbuf.data - E1000_HEADROOM;
	struct sk_buff *skb;

	skb = napi_build_skb(head, e1000_frag_len(adapter));
	if (unlikely(!skb)) {
		adapter->alloc_rx_buff_failed++;
		return NULL;
	}
	skb_reserve(skb, data - head);
	/* synced for the CPU before the app ran: see the top of this file */
	dma_unmap_single_attrs(&adapter->pdev->dev, bi->dma,
			       adapter->rx_buffer_len, DMA_FROM_DEVICE,
			       DMA_ATTR_SKIP_CPU_SYNC);
	bi->dma = 0;
	bi->rxbuf.data = NULL;
	return skb;
}

/* copybreak: a small frame is copied and its buffer stays in the slot. */
static struct sk_buff *e1000_ndiv_copy(struct e1000_adapter *adapter,
				       struct e1000_rx_buffer *bi,
				       const u8 *data, u32 len)
{
	struct sk_buff *skb = napi_alloc_skb(&adapter->napi, len);

	if (unlikely(!skb)) {
		adapter->alloc_rx_buff_failed++;
		return NULL;
	}
	skb_put_data(skb, data, len);
	e1000_ndiv_recycle(adapter, bi);
	return skb;
}

/*
 * NDIV_PASS: make the skb e1000_clean_rx_irq() continues with at
 * process_skb, copied (copybreak) or built around the buffer, and set
 * *length as the NIC would have: the frame plus the 4 FCS bytes behind
 * it, which the app's tailroom leaves out (the stack gets them with
 * rx-fcs on).
 */
static enum e1000_ndiv_action
e1000_ndiv_pass(struct e1000_adapter *adapter, struct e1000_rx_buffer *bi,
		const struct ndiv_frame *f, unsigned int copybreak,
		u32 *length, struct sk_buff **pskb)
{
	u32 len = f->len + ETH_FCS_LEN;
	struct sk_buff *skb = NULL;

	if (unlikely(f->len < ETH_HLEN))
		goto recycle;
	if (len <= copybreak)
		skb = e1000_ndiv_copy(adapter, bi, f->data, len);
	if (!skb)
		skb = e1000_ndiv_build(adapter, bi, f->data);
	if (unlikely(!skb))
		goto recycle;
	*length = len;
	*pskb = skb;
	return E1000_NDIV_PASS;

recycle:
	e1000_ndiv_recycle(adapter, bi);
	return E1000_NDIV_DROP;
}

/* Ring the TX doorbell for the frames queued with xmit_more so far. */
void e1000_ndiv_flush(struct e1000_adapter *adapter)
{
	struct netdev_queue *txq = netdev_get_tx_queue(adapter->netdev, 0);
	struct e1000_tx_ring *tx_ring = adapter->tx_ring;

	/* next_to_use moves under this lock (e1000_xmit_frame()) */
	__netif_tx_lock(txq, smp_processor_id());
	writel(tx_ring->next_to_use, adapter->hw.hw_addr + tx_ring->tdt);
	__netif_tx_unlock(txq);
}

/*
 * e1000_xmit_frame() stops the queue while fewer descriptors are free
 * than the largest skb needs. The poll reclaims sent descriptors only at
 * its start, and the frames this poll queued have not even been handed
 * to the NIC: ring the doorbell for them, then reclaim what the NIC has
 * sent, which wakes the queue when enough is free. This is the NAPI
 * poll's own TX cleanup, so it runs in its context.
 */
static void e1000_ndiv_reclaim(struct e1000_adapter *adapter)
{
	e1000_ndiv_flush(adapter);
	e1000_clean_tx_irq(adapter, adapter->tx_ring);
}

/* Queue one reply on the TX ring; false if the driver did not take it. */
static bool e1000_ndiv_xmit(struct e1000_adapter *adapter,
			    struct sk_buff *skb)
{
	struct net_device *netdev = adapter->netdev;
	struct netdev_queue *txq = netdev_get_tx_queue(netdev, 0);
	netdev_tx_t rc = NETDEV_TX_BUSY;

	if (unlikely(netif_xmit_frozen_or_drv_stopped(txq)))
		e1000_ndiv_reclaim(adapter);
	__netif_tx_lock(txq, smp_processor_id());
	if (likely(!netif_xmit_frozen_or_drv_stopped(txq)))
		rc = netdev_start_xmit(skb, netdev, txq, true);
	__netif_tx_unlock(txq);
	return dev_xmit_complete(rc);
}

/*
 * NDIV_TX: send the frame the app left in the buffer. A VLAN tag the NIC
 * stripped is inserted again (unless the app cleared the flag), so a
 * reply leaves on the VLAN its request came from.
 */
static enum e1000_ndiv_action
e1000_ndiv_tx(struct e1000_adapter *adapter, struct ndiv_binding *b,
	      struct e1000_rx_buffer *bi, const struct ndiv_frame *f)
{
	struct net_device *netdev = adapter->netdev;
	struct sk_buff *skb = NULL;

	if (likely(f->len >= ETH_HLEN &&
		   f->len <= READ_ONCE(netdev->mtu) + VLAN_ETH_HLEN))
		skb = e1000_ndiv_build(adapter, bi, f->data);
	if (unlikely(!skb)) {
		ndiv_count_tx_error(b, 0);
		e1000_ndiv_recycle(adapter, bi);
		return E1000_NDIV_DROP;
	}
	__skb_put(skb, f->len);
	skb->dev = netdev;
	skb_set_queue_mapping(skb, 0);
	if (f->flags & NDIV_F_VLAN_STRIPPED)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), f->vlan_tci);
	if (likely(e1000_ndiv_xmit(adapter, skb)))
		return E1000_NDIV_TX;
	ndiv_count_tx_error(b, 0);
	kfree_skb(skb);
	return E1000_NDIV_DROP;
}

/*
 * The frame as the app sees it: in place, without the FCS, with the
 * buffer's headroom and the rest of the buffer up to its
 * skb_shared_info, less the FCS bytes, as tailroom.
 */
static void e1000_ndiv_frame(struct ndiv_frame *f,
			     struct e1000_adapter *adapter, u8 *data, u32 len,
			     const struct e1000_rx_desc *rx_desc)
{
	f->data = data;
	f->len = len - ETH_FCS_LEN;
	f->headroom = E1000_HEADROOM;
	f->tailroom = e1000_ndiv_room(adapter) - E1000_HEADROOM - len;
	f->rxq = 0;
	f->flags = 0;
	f->vlan_tci = 0;
	if (rx_desc->status & E1000_RXD_STAT_VP) {
		f->flags |= NDIV_F_VLAN_STRIPPED;
		f->vlan_tci = le16_to_cpu(rx_desc->special);
	}
	f->dev = adapter->netdev;
}

/**
 * e1000_ndiv_rx - run the bound app on one received frame
 * @adapter: board private structure
 * @b: the binding, from ndiv_port_binding() in this NAPI poll
 * @rx_desc: the frame's descriptor, written back by the NIC (DD set)
 * @bi: the frame's buffer, still in its slot and DMA-mapped
 * @copybreak: the driver's copybreak threshold
 * @length: in: the descriptor's length, FCS included; out: for
 *	E1000_NDIV_PASS the length process_skb expects, FCS included, for
 *	E1000_NDIV_DROP and E1000_NDIV_TX the bytes received, without FCS
 * @skb: out, for E1000_NDIV_PASS: the skb for process_skb
 *
 * Context: NAPI (softirq), from e1000_clean_rx_irq().
 *
 * Return: what e1000_clean_rx_irq() does next. For every action but
 * E1000_NDIV_STACK the buffer is dealt with (left in its slot or taken
 * by an skb) and the descriptor is done.
 */
enum e1000_ndiv_action e1000_ndiv_rx(struct e1000_adapter *adapter,
				     struct ndiv_binding *b,
				     const struct e1000_rx_desc *rx_desc,
				     struct e1000_rx_buffer *bi,
				     unsigned int copybreak, u32 *length,
				     struct sk_buff **skb)
{
	u32 len = *length;
	struct ndiv_frame f;

	/*
	 * Errors, and frames over several buffers: the driver drops them,
	 * or passes them on for TBI and rx-all.
	 */
	if (unlikely(!(rx_desc->status & E1000_RXD_STAT_EOP) ||
		     adapter->discarding ||
		     (rx_desc->errors & E1000_RXD_ERR_FRAME_ERR_MASK)))
		return E1000_NDIV_STACK;
	/* The length comes from the NIC: never trust it past the buffer. */
	if (unlikely(len < ETH_HLEN + ETH_FCS_LEN ||
		     len > adapter->rx_buffer_len)) {
		*length = 0;
		e1000_ndiv_recycle(adapter, bi);
		return E1000_NDIV_DROP;
	}
	*length = len - ETH_FCS_LEN;
	dma_sync_single_for_cpu(&adapter->pdev->dev, bi->dma, len,
				DMA_FROM_DEVICE);
	e1000_ndiv_frame(&f, adapter, bi->rxbuf.data, len, rx_desc);

	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		return e1000_ndiv_pass(adapter, bi, &f, copybreak, length, skb);
	case NDIV_TX:
		return e1000_ndiv_tx(adapter, b, bi, &f);
	default:
		e1000_ndiv_recycle(adapter, bi);
		return E1000_NDIV_DROP;
	}
}

/*
 * An MTU above ETH_DATA_LEN switches e1000 to e1000_clean_jumbo_rx_irq(),
 * which has no hook: refuse to bind natively then (ndiv calls this with
 * RTNL held, under which the MTU changes).
 */
static int e1000_ndiv_prepare(struct net_device *netdev, bool on)
{
	if (on && netdev->mtu > ETH_DATA_LEN) {
		netdev_warn(netdev, "ndiv: MTU %u uses the jumbo receive path, which has no ndiv hook: lower the MTU to %u or bind in generic mode\n",
			    netdev->mtu, ETH_DATA_LEN);
		/* not EOPNOTSUPP, which says the device has no hook at all */
		return -EMSGSIZE;
	}
	return 0;
}

/*
 * ndo_change_mtu (RTNL held): while an app is bound natively, keep the
 * MTU on the hooked receive path, as XDP drivers keep theirs.
 */
bool e1000_ndiv_mtu_ok(struct e1000_adapter *adapter, int new_mtu)
{
	ASSERT_RTNL();
	if (new_mtu <= ETH_DATA_LEN || !rcu_access_pointer(adapter->ndiv.binding))
		return true;
	netdev_warn(adapter->netdev, "ndiv: an app is bound: MTU %d would need the jumbo receive path, which has no ndiv hook\n",
		    new_mtu);
	return false;
}

static const struct ndiv_port_info e1000_ndiv_info = {
	.driver = "e1000",
	.caps = NDIV_CAP_TX,
	.prepare = e1000_ndiv_prepare,
};

/*
 * Probe, after register_netdev(). A refusal (another hook ABI) is logged
 * by ndiv and leaves the device to generic mode: not a probe error.
 */
void e1000_ndiv_register(struct e1000_adapter *adapter)
{
	ndiv_port_register(&adapter->ndiv, adapter->netdev, &e1000_ndiv_info);
}
