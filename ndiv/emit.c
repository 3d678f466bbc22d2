// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv emitter: frames an app sends besides the one its verdict covers.
 *
 * NDIV_TX answers a received frame with one frame, rewritten in the RX
 * buffer, with no allocation and no qdisc. An app whose answer takes
 * several frames (a response of several TCP segments) sends the others
 * here: one skb per frame, allocated with GFP_ATOMIC semantics, sent with
 * dev_queue_xmit() through the device's qdisc and its driver's
 * ndo_start_xmit under the driver's TX lock. That is an allocation and a
 * qdisc trip per frame, so it is for rare multi-frame answers, never for
 * the per-frame fast path. See Documentation/networking/ndiv.rst, "Sending
 * more than one frame".
 *
 * Context: anywhere dev_queue_xmit() may be called, the app's rx handler
 * (NAPI, softirq, BH disabled) included; nothing here sleeps. The patched
 * drivers call the app with no TX lock held, so the qdisc may run the
 * driver's transmit path from inside the receive poll.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/ndiv.h>

/* The largest frame one may ask for: a 64 KiB IP packet, tagged. */
#define NDIV_EMIT_CAP_MAX	(VLAN_ETH_HLEN + 65535)

/**
 * ndiv_emit_alloc - a buffer for one frame to send on a device
 * @dev: the device to send on, normally the one the frame came from
 *	(&ndiv_frame.dev)
 * @cap: the most bytes the frame will have, Ethernet header included
 *
 * The app writes the frame, from its destination MAC address on, at
 * skb->data (at least @cap writable bytes), then passes the skb to
 * ndiv_emit_xmit() or ndiv_emit_discard(). Context: see above.
 *
 * Return: the skb, or NULL when memory is short or @cap is out of range.
 */
struct sk_buff *ndiv_emit_alloc(struct net_device *dev, unsigned int cap)
{
	unsigned int head = LL_RESERVED_SPACE(dev) - dev->hard_header_len;
	struct sk_buff *skb;

	if (unlikely(cap < ETH_HLEN || cap > NDIV_EMIT_CAP_MAX))
		return NULL;
	/* netdev_alloc_skb() is GFP_ATOMIC and adds NET_SKB_PAD headroom. */
	skb = netdev_alloc_skb(dev, head + cap + dev->needed_tailroom);
	if (unlikely(!skb))
		return NULL;
	skb_reserve(skb, head);
	return skb;
}
EXPORT_SYMBOL_GPL(ndiv_emit_alloc);

/**
 * ndiv_emit_xmit - send a frame from ndiv_emit_alloc()
 * @skb: the buffer; consumed in every case
 * @len: bytes written at skb->data, Ethernet header included
 *
 * The frame goes out as is: no checksum offload, the app completes every
 * checksum. Frames sent from one CPU to one flow leave in call order, but
 * in no particular order relative to frames the driver sends for
 * NDIV_TX verdicts, which bypass the qdisc: an app that needs an order
 * sends all frames of an answer here and returns NDIV_DROP.
 *
 * Return: 0 when the frame was queued, -EINVAL when @len is shorter than
 * an Ethernet header or longer than @skb's room, -EMSGSIZE when it
 * exceeds the device's MTU, or the error of dev_queue_xmit() (-ENOBUFS
 * when the qdisc dropped it, -ENETDOWN, ...).
 */
int ndiv_emit_xmit(struct sk_buff *skb, unsigned int len)
{
	struct net_device *dev = skb->dev;
	int rc;

	if (unlikely(len < ETH_HLEN || len > skb_tailroom(skb))) {
		kfree_skb(skb);
		return -EINVAL;
	}
	if (unlikely(len > READ_ONCE(dev->mtu) + dev->hard_header_len +
		     VLAN_HLEN)) {
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	__skb_put(skb, len);
	skb_reset_mac_header(skb);
	/* An in-frame 802.1Q tag makes this ETH_P_8021Q, as on receive. */
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_set_network_header(skb, ETH_HLEN);
	skb->ip_summed = CHECKSUM_NONE;
	rc = dev_queue_xmit(skb);
	if (rc > 0)
		rc = net_xmit_errno(rc);
	return rc;
}
EXPORT_SYMBOL_GPL(ndiv_emit_xmit);

/**
 * ndiv_emit_discard - give back a buffer that will not be sent
 * @skb: from ndiv_emit_alloc()
 */
void ndiv_emit_discard(struct sk_buff *skb)
{
	consume_skb(skb);
}
EXPORT_SYMBOL_GPL(ndiv_emit_discard);

/**
 * ndiv_emit_batch_get - a buffer for one more frame of this rx call
 * @batch: the struct ndiv_emit_batch of the call, as void * so that an
 *	app's engine can take this function as its emitter's get()
 * @cap: bytes the frame may need
 * @handle: set to what ndiv_emit_batch_send() takes
 *
 * Returns where to write the frame, or NULL when no buffer is available.
 * Context: the app's @rx (softirq).
 */
u8 *ndiv_emit_batch_get(void *batch, u32 cap, void **handle)
{
	struct ndiv_emit_batch *b = batch;
	struct sk_buff *skb;

	skb = ndiv_emit_alloc(b->dev, cap);
	if (unlikely(!skb))
		return NULL;
	__skb_queue_tail(&b->pending, skb);
	*handle = skb;
	return skb->data;
}
EXPORT_SYMBOL_GPL(ndiv_emit_batch_get);

/**
 * ndiv_emit_batch_send - send @len bytes of a buffer, or give it back
 * @batch: as for ndiv_emit_batch_get()
 * @handle: from ndiv_emit_batch_get()
 * @len: frame length; 0 gives the buffer back unsent
 *
 * Returns 0, or -1 when the device or its qdisc refused the frame (queue
 * full, device down). Context: the app's @rx (softirq).
 */
int ndiv_emit_batch_send(void *batch, void *handle, u32 len)
{
	struct ndiv_emit_batch *b = batch;
	struct sk_buff *skb = handle;

	__skb_unlink(skb, &b->pending);
	if (unlikely(!len)) {
		ndiv_emit_discard(skb);
		return 0;
	}
	return ndiv_emit_xmit(skb, len) ? -1 : 0;
}
EXPORT_SYMBOL_GPL(ndiv_emit_batch_send);

/* For ndiv_emit_batch_end(): the batch holds buffers never sent. */
void __ndiv_emit_batch_purge(struct ndiv_emit_batch *b)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&b->pending)))
		ndiv_emit_discard(skb);
}
EXPORT_SYMBOL_GPL(__ndiv_emit_batch_purge);
