/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv hook glue for e1000: see Documentation/drivers/e1000.rst */
#ifndef _NDIV_E1000_H_
#define _NDIV_E1000_H_

#include <linux/ndiv.h>

struct e1000_adapter;
struct e1000_rx_buffer;
struct e1000_rx_desc;

/* What e1000_clean_rx_irq() does with a descriptor after the hook. */
enum e1000_ndiv_action {
	E1000_NDIV_STACK,	/* not for the app: the driver's own path */
	E1000_NDIV_PASS,	/* skb made for the stack: go to process_skb */
	E1000_NDIV_DROP,	/* consumed, nothing queued: next descriptor */
	E1000_NDIV_TX,		/* queued for TX, tail not written yet */
};

enum e1000_ndiv_action e1000_ndiv_rx(struct e1000_adapter *adapter,
				     struct ndiv_binding *b,
				     const struct e1000_rx_desc *rx_desc,
				     struct e1000_rx_buffer *bi,
				     unsigned int copybreak, u32 *length,
				     struct sk_buff **skb);
void e1000_ndiv_flush(struct e1000_adapter *adapter);
void e1000_ndiv_register(struct e1000_adapter *adapter);
bool e1000_ndiv_mtu_ok(struct e1000_adapter *adapter, int new_mtu);

#endif /* _NDIV_E1000_H_ */
