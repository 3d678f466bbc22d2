/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv hook glue for ixgbe: see Documentation/drivers/ixgbe.rst */
#ifndef _NDIV_IXGBE_H_
#define _NDIV_IXGBE_H_

#include <linux/ndiv.h>

struct ixgbe_adapter;
struct ixgbe_ring;
struct xdp_buff;
union ixgbe_adv_rx_desc;

struct sk_buff *ixgbe_ndiv_rx(struct ixgbe_adapter *adapter,
			      struct ndiv_binding *b,
			      struct ixgbe_ring *rx_ring,
			      union ixgbe_adv_rx_desc *rx_desc,
			      struct xdp_buff *xdp);
void ixgbe_ndiv_register(struct ixgbe_adapter *adapter);

#endif /* _NDIV_IXGBE_H_ */
