// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv counters for a driver's ethtool -S, named like the per-queue
 * counters of XDP drivers: rx_queue_<n>_ndiv_<counter>.
 *
 * Context: ethtool ops run in process context with RTNL held; per-device
 * state is created and destroyed under RTNL (netdev notifier), so the
 * count, the strings and the values agree within one ethtool call.
 */
#include <linux/ethtool.h>
#include <linux/ndiv.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/* One entry per counter of enum ndiv_qstat, named by ndiv_qstat_name(). */
#define NDIV_ETHTOOL_N	NDIV_QSTAT_NR

int ndiv_ethtool_sset_count(struct ndiv_port *port)
{
	ASSERT_RTNL();
	return port->nd ? port->nd->nqueues * NDIV_ETHTOOL_N : 0;
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_sset_count);

void ndiv_ethtool_strings(struct ndiv_port *port, u8 **data)
{
	unsigned int q, i;

	ASSERT_RTNL();
	for (q = 0; port->nd && q < port->nd->nqueues; q++)
		for (i = 0; i < NDIV_ETHTOOL_N; i++)
			ethtool_sprintf(data, "rx_queue_%u_ndiv_%s", q,
					ndiv_qstat_name(i));
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_strings);

void ndiv_ethtool_stats(struct ndiv_port *port, u64 **data)
{
	unsigned int q, i;

	ASSERT_RTNL();
	for (q = 0; port->nd && q < port->nd->nqueues; q++)
		for (i = 0; i < NDIV_ETHTOOL_N; i++)
			*(*data)++ = ndiv_stat_sum(port->nd, q, i);
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_stats);
