/* SPDX-License-Identifier: GPL-2.0 */
/* ndiv core: state shared between the core's files, not exported. */
#ifndef _NDIV_INTERNAL_H
#define _NDIV_INTERNAL_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/ndiv.h>

/*
 * The core's view of one netdev, created for every netdev when it
 * registers and destroyed when it unregisters (or when ndiv unloads).
 *
 * Locking: ndiv_mutex protects the lists, ->port, ->generic and every
 * binding pointer update. RTNL is taken before ndiv_mutex where both are
 * needed (rx_handler registration, netdev notifier). The data path only
 * reads binding pointers under RCU (NAPI/softirq).
 */
struct ndiv_dev {
	struct kobject kobj;		/* /sys/class/net/<dev>/ndiv */
	struct net_device *dev;
	struct list_head node;		/* ndiv_devs */
	struct ndiv_port *port;		/* native hook, NULL if none */
	bool generic;			/* mode: generic instead of native */
	bool rx_handler;		/* we own dev->rx_handler */
	struct ndiv_binding __rcu *gbinding;	/* generic mode binding */
	/* [nqueues] per CPU; NULL until an app is first bound */
	struct ndiv_qstats __percpu *stats;
	unsigned int nqueues;
	struct kobject *stats_kobj;
	struct kobject *queues_kobj;
	struct kobject **qkobjs;	/* [nqueues], made on first bind */
	/* receive features turned off while an app is bound natively */
	netdev_features_t features_off;
};

extern struct mutex ndiv_mutex;

int ndiv_attach(struct ndiv_dev *nd, const char *name);
void ndiv_detach(struct ndiv_dev *nd);
int ndiv_set_mode(struct ndiv_dev *nd, bool generic);
struct ndiv_binding *ndiv_dev_binding(struct ndiv_dev *nd);
ssize_t ndiv_apps_show(char *buf);
bool ndiv_dev_live(struct ndiv_dev *nd);

/* Counter idx (enum ndiv_qstat), for one queue or all (-1). */
u64 ndiv_stat_sum(struct ndiv_dev *nd, int queue, unsigned int idx);
/* The ndiv state of a device; RTNL held, which keeps it alive. */
struct ndiv_dev *ndiv_dev_get(const struct net_device *dev);

int ndiv_sysfs_init(void);
void ndiv_sysfs_exit(void);
int ndiv_dev_sysfs_add(struct ndiv_dev *nd);
int ndiv_dev_sysfs_add_queues(struct ndiv_dev *nd);
void ndiv_dev_sysfs_del(struct ndiv_dev *nd);

int ndiv_ringdev_init(void);
void ndiv_ringdev_exit(void);

int ndiv_generic_enable(struct ndiv_dev *nd);
void ndiv_generic_disable(struct ndiv_dev *nd);

#endif /* _NDIV_INTERNAL_H */
