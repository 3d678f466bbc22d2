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

static const struct {
	const char *name;
	size_t offset;
} ndiv_ethtool_counters[] = {
	{ "rx_packets", offsetof(struct ndiv_qstats, rx_packets) },
	{ "rx_bytes", offsetof(struct ndiv_qstats, rx_bytes) },
	{ "pass", offsetof(struct ndiv_qstats, pass) },
	{ "drop", offsetof(struct ndiv_qstats, drop) },
	{ "tx", offsetof(struct ndiv_qstats, tx) },
	{ "tx_err", offsetof(struct ndiv_qstats, tx_err) },
	{ "aborted", offsetof(struct ndiv_qstats, aborted) },
};

#define NDIV_ETHTOOL_N	ARRAY_SIZE(ndiv_ethtool_counters)

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
					ndiv_ethtool_counters[i].name);
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_strings);

void ndiv_ethtool_stats(struct ndiv_port *port, u64 **data)
{
	unsigned int q, i;

	ASSERT_RTNL();
	for (q = 0; port->nd && q < port->nd->nqueues; q++)
		for (i = 0; i < NDIV_ETHTOOL_N; i++)
			*(*data)++ = ndiv_stat_sum(port->nd, q,
					ndiv_ethtool_counters[i].offset);
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_stats);
