// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for skb-based receive paths: the generic mode and drivers whose
 * RX buffers are skbs (e1000, e1000e).
 */
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/ndiv.h>

/**
 * ndiv_frame_from_skb - describe a linear skb as an ndiv frame
 * @f: filled in
 * @skb: linear, skb->data at the Ethernet header, data writable
 * @rxq: RX queue the skb arrived on
 */
void ndiv_frame_from_skb(struct ndiv_frame *f, struct sk_buff *skb,
			 unsigned int rxq)
{
	f->data = skb->data;
	f->len = skb_headlen(skb);
	f->headroom = skb_headroom(skb);
	f->tailroom = skb_tailroom(skb);
	f->rxq = rxq;
	f->flags = 0;
	f->vlan_tci = 0;
	if (skb_vlan_tag_present(skb)) {
		f->flags |= NDIV_F_VLAN_STRIPPED;
		f->vlan_tci = skb_vlan_tag_get(skb);
	}
	f->dev = skb->dev;
}
EXPORT_SYMBOL_GPL(ndiv_frame_from_skb);

/**
 * ndiv_skb_apply - make the skb cover what the app left in the frame
 * @skb: the skb @f was made from by ndiv_frame_from_skb()
 * @f: the frame after ndiv_run(), whose geometry the core checked
 */
void ndiv_skb_apply(struct sk_buff *skb, const struct ndiv_frame *f)
{
	long off = f->data - skb->data;

	if (off > 0)
		__skb_pull(skb, off);
	else if (off < 0)
		__skb_push(skb, -off);
	if (f->len > skb->len)
		__skb_put(skb, f->len - skb->len);
	else if (f->len < skb->len)
		__skb_trim(skb, f->len);
}
EXPORT_SYMBOL_GPL(ndiv_skb_apply);
