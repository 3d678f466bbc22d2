/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd.ko: what module.c (data path, keys, counters, bindings) and
 * configfs.c (the configuration in /sys/kernel/config/slhttpd) share.
 * Kernel only; the packet logic and struct slh_config are in engine.h.
 *
 * Locking: slhttpd_mutex serialises every configuration change, in process
 * context. The data path (the app's rx handler, softirq) takes no lock: it
 * reads immutable snapshots (configuration, keys, objects) published with
 * RCU and freed after a grace period. Lock order: RTNL, then ndiv's
 * mutex (bind/unbind are called under both), then configfs's su_mutex
 * (mkdir/rmdir), then slhttpd_mutex.
 */
#ifndef _SLHTTPD_SLHTTPD_H
#define _SLHTTPD_SLHTTPD_H

#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include <uapi/linux/ndiv_ring.h>

#include "engine.h"

/* Key rotation period, seconds (configfs "rotate"). */
#define SLHTTPD_ROTATE_MIN	10
#define SLHTTPD_ROTATE_MAX	86400
#define SLHTTPD_ROTATE_DEFAULT	600

/*
 * One enabled static object as the data path sees it: made when the object
 * is enabled, never changed, freed a grace period after it is withdrawn.
 * path, type, location and body are copies in the same allocation.
 */
struct slhttpd_obj_data {
	struct rcu_head rcu;
	struct slh_object obj;
	const char *path;
	u16 path_len;
};

/* The published set of enabled objects, sorted with slhttpd_path_cmp(). */
struct slhttpd_objs {
	struct rcu_head rcu;
	unsigned int nr;
	struct slhttpd_obj_data *v[] __counted_by(nr);
};

/* A total order on paths for the sorted set: by length, then bytes. */
static inline int slhttpd_path_cmp(const char *a, unsigned int alen,
				   const void *b, unsigned int blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return memcmp(a, b, alen);
}

/* One offload rule: requests whose path starts with prefix go to ring. */
struct slhttpd_offload {
	char prefix[SLHTTPD_OBJ_PATH_MAX + 1];
	u16 prefix_len;
	char ring[NDIV_RING_NAME_MAX];
};

/* The published rules (offload.c), replaced whole. */
struct slhttpd_offloads {
	struct rcu_head rcu;
	unsigned int nr;
	struct slhttpd_offload v[] __counted_by(nr);
};

extern struct mutex slhttpd_mutex;
/* The configuration every binding gets (mtu aside); slhttpd_mutex. */
extern struct slh_config slhttpd_cfg;
extern unsigned int slhttpd_rotate;

/* Context: process, slhttpd_mutex held. */
int slhttpd_set_config(const struct slh_config *cfg);
void slhttpd_set_rotate(unsigned int secs);
void slhttpd_set_objects(struct slhttpd_objs *objs);
struct slhttpd_objs *slhttpd_take_objects(void);

/*
 * The offload hook's context: the device and configuration of the
 * binding the request came in on; dev NULL when the engine replays a
 * kept request (slhttpd_replay()), which must never be handed over again.
 */
struct slhttpd_offload_ctx {
	struct net_device *dev;
	const struct slh_config *cfg;
};

/* module.c: answer a kept request frame again. BH disabled. */
bool slhttpd_replay(struct net_device *dev, const struct slh_config *cfg,
		    const struct ndiv_frame *f);

/* offload.c; the rules under slhttpd_mutex. */
int slhttpd_offload(void *ctx, const struct slh_offload_req *o,
		    const struct slh_object **obj);
const struct slhttpd_offloads *slhttpd_offloads_get(void);
void slhttpd_offloads_set(struct slhttpd_offloads *rules);
int slhttpd_offload_init(void);
void slhttpd_offload_exit(void);
void slhttpd_offload_dev_gone(struct net_device *dev);

int slhttpd_configfs_init(void);
void slhttpd_configfs_exit(void);

#endif /* _SLHTTPD_SLHTTPD_H */
