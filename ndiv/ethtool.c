// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv counters for a driver's ethtool -S, named like the per-queue
 * counters of XDP drivers: rx_queue_<n>_ndiv_<counter>.
 *
 * Context: ethtool ops run in process context with RTNL held. One
 * "ethtool -S" makes three calls (count, strings, values) and the driver
 * sizes its buffer from the first, so all three must agree whatever
 * happens in between. A driver registers its ndiv port after
 * register_netdev() and withdraws it before unregister_netdev(), without
 * RTNL, so nothing about the port may decide the count. It depends on the
 * device alone: one set per RX queue the device was allocated with,
 * whether or not a port or ndiv's state exists yet (their counters read
 * zero until then). The values come from the device's ndiv state, which
 * is created and freed under RTNL (netdev notifier) and so cannot go away
 * while an ethtool op runs.
 */
#include <linux/ethtool.h>
#include <linux/ndiv.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "internal.h"

/* One entry per counter of enum ndiv_qstat, named by ndiv_qstat_name(). */
#define NDIV_ETHTOOL_N	NDIV_QSTAT_NR

/* Queues shown: fixed when the device was allocated, as nd->nqueues. */
static unsigned int ndiv_ethtool_queues(const struct net_device *dev)
{
	return max(dev->num_rx_queues, 1U);
}

int ndiv_ethtool_sset_count(struct net_device *dev)
{
	ASSERT_RTNL();
	return ndiv_ethtool_queues(dev) * NDIV_ETHTOOL_N;
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_sset_count);

void ndiv_ethtool_strings(struct net_device *dev, u8 **data)
{
	unsigned int q, i;

	ASSERT_RTNL();
	for (q = 0; q < ndiv_ethtool_queues(dev); q++)
		for (i = 0; i < NDIV_ETHTOOL_N; i++)
			ethtool_sprintf(data, "rx_queue_%u_ndiv_%s", q,
					ndiv_qstat_name(i));
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_strings);

void ndiv_ethtool_stats(struct net_device *dev, u64 **data)
{
	unsigned int q, i, nq = ndiv_ethtool_queues(dev);
	struct ndiv_dev *nd;

	ASSERT_RTNL();
	nd = ndiv_dev_get(dev);
	for (q = 0; q < nq; q++)
		for (i = 0; i < NDIV_ETHTOOL_N; i++)
			*(*data)++ = nd && q < nd->nqueues ?
				     ndiv_stat_sum(nd, q, i) : 0;
}
EXPORT_SYMBOL_GPL(ndiv_ethtool_stats);
