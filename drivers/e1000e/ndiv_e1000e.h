/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv hook glue for e1000e: see Documentation/networking/ndiv.rst */
#ifndef _NDIV_E1000E_H_
#define _NDIV_E1000E_H_

#include <linux/ndiv.h>

struct e1000_adapter;
struct e1000_ring;

/* What e1000_clean_rx_irq() does with the RX buffer after the app ran. */
enum e1000e_ndiv_action {
	E1000E_NDIV_PASS,	/* continue: build the skb for the stack */
	E1000E_NDIV_RECYCLE,	/* put the skb back on the RX ring */
	E1000E_NDIV_CONSUMED,	/* queued for TX (or freed): refill the slot */
};

enum e1000e_ndiv_action e1000e_ndiv_rx(struct e1000_adapter *adapter,
				       struct ndiv_binding *b,
				       struct sk_buff *skb, u32 *length,
				       u32 staterr, __le16 vlan);
void e1000e_ndiv_flush(struct e1000_adapter *adapter);
void e1000e_ndiv_register(struct e1000_adapter *adapter);

/* netdev.c, shared with the glue to ring the TX doorbell */
void e1000e_update_tdt_wa(struct e1000_ring *tx_ring, unsigned int i);

#endif /* _NDIV_E1000E_H_ */
