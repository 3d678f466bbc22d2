/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proxy.ko: what module.c (data path, keys, counters, bindings, the
 * reaper) and configfs.c (/sys/kernel/config/ndiv-proxy) share. Kernel
 * only; the packet logic and struct prx_config are in engine.h.
 *
 * Locking: proxy_mutex serialises every configuration change, in process
 * context. The data path reads the configuration and the keys as
 * RCU-published snapshots; the flow table has its own spinlocks (flow.c).
 * Lock order: RTNL, then ndiv's mutex (bind/unbind are called under
 * both), then configfs's su_mutex (mkdir/rmdir), then proxy_mutex.
 */
#ifndef _PROXY_PROXY_H
#define _PROXY_PROXY_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "engine.h"

extern struct mutex proxy_mutex;
/* What every binding gets (local address and MTU aside); proxy_mutex. */
extern struct prx_config proxy_cfg;
/* Sizes of the flow table of the next bind; proxy_mutex. */
extern unsigned int proxy_max_flows;
extern unsigned int proxy_sport_min;

/* Publish proxy_cfg to every binding. Context: process, proxy_mutex. */
int proxy_publish_config(void);

int proxy_configfs_init(void);
void proxy_configfs_exit(void);

#endif /* _PROXY_PROXY_H */
