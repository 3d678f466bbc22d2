// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv generic mode: run an app on any Ethernet netdev, without a driver
 * hook, from an rx_handler (after the skb is built, before the protocol
 * handlers). It costs an skb per frame and possibly a copy; it exists for
 * development and for devices whose driver has no ndiv hook, and is
 * reported as "generic" everywhere.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>

#include "internal.h"

/* Headroom the generic mode guarantees an app, like XDP's. */
#define NDIV_GENERIC_HEADROOM	256

/* Count a frame the app could not be run on (no memory to unshare it). */
static void ndiv_generic_count_aborted(struct ndiv_binding *b,
				       unsigned int rxq, unsigned int len)
{
	struct ndiv_qstats *qs = ndiv_qstats(b, rxq);

	u64_stats_update_begin(&qs->syncp);
	u64_stats_inc(&qs->cnt[NDIV_QSTAT_RX_PACKETS]);
	u64_stats_add(&qs->cnt[NDIV_QSTAT_RX_BYTES], len);
	u64_stats_inc(&qs->cnt[NDIV_QSTAT_ABORTED]);
	u64_stats_update_end(&qs->syncp);
}

/*
 * Make skb private, linear and roomy, with data at the MAC header, and
 * its checksum complete: devices that take frames from a local sender
 * (virtio_net, veth, tun) deliver CHECKSUM_PARTIAL skbs whose L4 checksum
 * is still to be filled in, and the app must read, and may send back, a
 * finished frame. Returns false if that needs memory we do not get; skb
 * is then still owned by the caller.
 */
static bool ndiv_generic_prepare(struct sk_buff *skb)
{
	int hroom, troom;

	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (skb_cloned(skb) || skb_is_nonlinear(skb) ||
	    skb_headroom(skb) < NDIV_GENERIC_HEADROOM) {
		hroom = NDIV_GENERIC_HEADROOM - skb_headroom(skb);
		troom = skb->tail + skb->data_len - skb->end;
		if (pskb_expand_head(skb,
				     hroom > 0 ? ALIGN(hroom, NET_SKB_PAD) : 0,
				     troom > 0 ? troom + 128 : 0, GFP_ATOMIC) ||
		    skb_linearize(skb))
			return false;
	}
	return skb->ip_summed != CHECKSUM_PARTIAL || !skb_checksum_help(skb);
}

/* Send an app's reply on the device it came from, like generic XDP TX. */
static void ndiv_generic_xmit(struct ndiv_binding *b, struct sk_buff *skb,
			      unsigned int rxq)
{
	struct net_device *dev = skb->dev;
	unsigned int q = rxq % dev->real_num_tx_queues;
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q);
	bool sent = false;
	int cpu = smp_processor_id();

	skb_set_queue_mapping(skb, q);
	skb_reset_mac_header(skb);
	/* RX checksum state means nothing for a frame we send. */
	skb->ip_summed = CHECKSUM_NONE;
	HARD_TX_LOCK(dev, txq, cpu);
	if (!netif_xmit_frozen_or_drv_stopped(txq))
		sent = dev_xmit_complete(netdev_start_xmit(skb, dev, txq,
							   false));
	HARD_TX_UNLOCK(dev, txq);
	if (!sent) {
		ndiv_count_tx_error(b, rxq);
		kfree_skb(skb);
	}
}

/* Hand a frame the app passed back to the stack, as if just received. */
static void ndiv_generic_pass(struct sk_buff *skb, const struct ndiv_frame *f)
{
	ndiv_skb_apply(skb, f);
	skb->protocol = eth_type_trans(skb, skb->dev);
	skb_reset_network_header(skb);
	skb_reset_mac_len(skb);
}

/* rx_handler: softirq (or BH-disabled) context, under RCU. */
static rx_handler_result_t ndiv_generic_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct ndiv_dev *nd = rcu_dereference(skb->dev->rx_handler_data);
	struct ndiv_binding *b = rcu_dereference(nd->gbinding);
	unsigned int rxq, len;
	struct ndiv_frame f;

	if (!b || skb->pkt_type == PACKET_LOOPBACK)
		return RX_HANDLER_PASS;
	rxq = skb_rx_queue_recorded(skb) ? skb_get_rx_queue(skb) : 0;
	len = skb->len + skb_mac_header_len(skb);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb || !ndiv_generic_prepare(skb))
		goto aborted;
	ndiv_frame_from_skb(&f, skb, rxq);
	switch (ndiv_run(b, &f)) {
	case NDIV_PASS:
		if (f.len < ETH_HLEN)
			break;
		ndiv_generic_pass(skb, &f);
		*pskb = skb;
		return RX_HANDLER_PASS;
	case NDIV_TX:
		if (f.len < ETH_HLEN) {
			ndiv_count_tx_error(b, rxq);
			break;
		}
		ndiv_skb_apply(skb, &f);
		ndiv_generic_xmit(b, skb, rxq);
		return RX_HANDLER_CONSUMED;
	}
	kfree_skb(skb);
	return RX_HANDLER_CONSUMED;
aborted:
	ndiv_generic_count_aborted(b, rxq, len);
	kfree_skb(skb);
	return RX_HANDLER_CONSUMED;
}

/* Take the device's rx_handler. Context: RTNL and ndiv_mutex held. */
int ndiv_generic_enable(struct ndiv_dev *nd)
{
	int err;

	ASSERT_RTNL();
	if (nd->rx_handler)
		return 0;
	if (nd->dev->type != ARPHRD_ETHER || nd->dev->flags & IFF_LOOPBACK)
		return -EOPNOTSUPP;
	err = netdev_rx_handler_register(nd->dev, ndiv_generic_rx, nd);
	if (err)
		return err;
	nd->rx_handler = true;
	return 0;
}

/* Give the rx_handler back; waits for running handlers to finish. */
void ndiv_generic_disable(struct ndiv_dev *nd)
{
	if (!nd->rx_handler)
		return;
	ASSERT_RTNL();
	netdev_rx_handler_unregister(nd->dev);
	nd->rx_handler = false;
}
