/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv hook glue for igb: see Documentation/drivers/igb.rst */
#ifndef _NDIV_IGB_H_
#define _NDIV_IGB_H_

#include <linux/ndiv.h>

struct igb_adapter;
struct igb_ring;
struct xdp_buff;
union e1000_adv_rx_desc;

struct sk_buff *igb_ndiv_rx(struct igb_adapter *adapter,
			    struct ndiv_binding *b, struct igb_ring *rx_ring,
			    union e1000_adv_rx_desc *rx_desc,
			    struct xdp_buff *xdp);
void igb_ndiv_register(struct igb_adapter *adapter);

#endif /* _NDIV_IGB_H_ */
