// SPDX-License-Identifier: GPL-2.0
/*
 * proxy.ko: the splicing in-driver HTTP proxy as the ndiv app "proxy"
 * (Documentation/proxy.rst).
 *
 * This file is the kernel side around the portable engine (engine.h):
 * the per-frame handler, the cookie keys and their rotation, the
 * counters in /sys/kernel/ndiv/proxy/stats/, the per-device bindings
 * with their flow tables and local port ranges, the neighbour lookup of
 * backends, the emitter and the reaper that frees flows. The
 * configuration (/sys/kernel/config/ndiv-proxy) is in configfs.c.
 *
 * The data path, proxy_rx(), runs in NAPI (softirq) context with BH
 * disabled, which is an RCU read-side section. It allocates nothing: the
 * flow table is allocated at bind time, and the engine takes the table's
 * spinlocks (flow.c). The reaper runs from a delayed work once a second,
 * never per frame, with BH disabled while it walks the table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/ndiv.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/arp.h>
#include <net/ip.h>
#include <net/neighbour.h>

#include "proxy.h"

/* Cookie key rotation, seconds: a cookie is good for one to two. */
#define PROXY_ROTATE_SECS	120
/* The reaper's period. */
#define PROXY_REAP_PERIOD	HZ

DEFINE_MUTEX(proxy_mutex);

struct prx_config proxy_cfg = {
	.vip_port = 80,
	.timeout_ms = PROXY_TIMEOUT_DEFAULT * 1000,
};

unsigned int proxy_max_flows = PROXY_MAX_FLOWS_DEFAULT;
unsigned int proxy_sport_min = PROXY_SPORT_MIN_DEFAULT;

/* The two cookie keys, replaced together: rx always sees a matching pair. */
struct proxy_keys {
	struct ndiv_siphash_key key[2];	/* [0] current, [1] previous */
	struct rcu_head rcu;
};

static struct proxy_keys __rcu *proxy_keys;
static struct ndiv_app_stats proxy_stats;

/*
 * One binding's copy of the configuration, with its device's address.
 * rcu first: kfree_rcu() needs it within the first 4 KiB, and the
 * configuration with its Maglev table is larger.
 */
struct proxy_cfg_copy {
	struct rcu_head rcu;
	struct prx_config cfg;
};

/* The app's priv for one bound device. */
struct proxy_binding {
	struct net_device *dev;
	struct proxy_cfg_copy __rcu *cfg;
	struct prx_table tab;
	struct prx_flow *flows;		/* vmalloc, tab.nr_flows */
	struct prx_bucket *buckets;	/* vmalloc, tab.nr_buckets */
	unsigned long *reserved;	/* the ports this binding reserved */
	struct delayed_work reap;
	struct list_head node;		/* in proxy_bindings, proxy_mutex */
};

static LIST_HEAD(proxy_bindings);

/* ---- data path (softirq, RCU read side) ----------------------------- */

/* Milliseconds for the engine's clock: wraps, compared wrap-safely. */
static u32 proxy_now_ms(void)
{
	return jiffies_to_msecs(jiffies);
}

/*
 * The backend's MAC from the ARP table. A missing or unresolved entry
 * starts resolution (neigh_event_send() with no packet to queue) and the
 * engine drops the segment: the client sends it again, by when the
 * answer is usually in. Context: rx, rcu_read_lock_bh held.
 */
static int proxy_neigh(void *ctx, int family, const uint8_t *addr,
		       uint8_t *mac)
{
	struct net_device *dev = ctx;
	struct neighbour *n;
	u32 ip;

	if (family != 4)
		return -1;
	memcpy(&ip, addr, sizeof(ip));
	n = __ipv4_neigh_lookup_noref(dev, ip);
	if (!n) {
		n = __neigh_create(&arp_tbl, &ip, dev, false);
		if (IS_ERR(n))
			return -1;
	}
	if (neigh_event_send(n, NULL))
		return -1;
	neigh_ha_snapshot((char *)mac, n, dev);
	return 0;
}

/*
 * ndiv rx handler: NAPI (softirq) context, BH disabled, which is the RCU
 * read side every snapshot below is protected by. Possibly on several
 * CPUs at once; the flow table's locks serialise what they share.
 */
static int proxy_rx(struct ndiv_frame *f, void *priv)
{
	struct proxy_binding *pb = priv;
	const struct proxy_keys *keys = rcu_dereference_bh(proxy_keys);
	struct ndiv_app_stats_pcpu *stats;
	struct ndiv_emit_batch em;
	const struct prx_emitter emitter = {
		.get = ndiv_emit_batch_get,
		.send = ndiv_emit_batch_send,
		.ctx = &em,
	};
	struct prx_env env = {
		.cfg = &rcu_dereference_bh(pb->cfg)->cfg,
		.key = { &keys->key[0], &keys->key[1] },
		.now_ms = proxy_now_ms(),
		.neigh = proxy_neigh,
		.neigh_ctx = pb->dev,
		.emit = &emitter,
	};
	int verdict;

	stats = ndiv_app_stats_begin(&proxy_stats);
	env.cnt = stats->cnt;
	ndiv_emit_batch_init(&em, pb->dev);
	verdict = prx_handle(&env, &pb->tab, f);
	ndiv_emit_batch_end(&em);
	ndiv_app_stats_end(stats);
	return verdict;
}

/* ---- the reaper (process context, BH disabled while it walks) -------- */

static void proxy_reap_fn(struct work_struct *work)
{
	struct proxy_binding *pb = container_of(to_delayed_work(work),
						struct proxy_binding, reap);
	struct ndiv_app_stats_pcpu *stats;
	struct prx_env env = { };

	/* BH off: the table's spinlocks are also taken in softirq */
	local_bh_disable();
	env.cfg = &rcu_dereference_bh(pb->cfg)->cfg;
	env.now_ms = proxy_now_ms();
	stats = ndiv_app_stats_begin(&proxy_stats);
	env.cnt = stats->cnt;
	prx_table_reap(&pb->tab, &env);
	ndiv_app_stats_end(stats);
	local_bh_enable();
	schedule_delayed_work(&pb->reap, PROXY_REAP_PERIOD);
}

/* ---- cookie keys (process context) ----------------------------------- */

static struct proxy_keys *proxy_keys_new(const struct proxy_keys *old)
{
	struct proxy_keys *k;
	u8 bytes[16];

	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return NULL;
	get_random_bytes(bytes, sizeof(bytes));
	ndiv_siphash_setkey(&k->key[0], bytes);
	memzero_explicit(bytes, sizeof(bytes));
	k->key[1] = old ? old->key[0] : k->key[0];
	return k;
}

static void proxy_rotate_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(proxy_rotate_work, proxy_rotate_fn);

/* previous := current, current := random, every PROXY_ROTATE_SECS. */
static void proxy_rotate_fn(struct work_struct *work)
{
	struct proxy_keys *old, *k;

	mutex_lock(&proxy_mutex);
	old = rcu_dereference_protected(proxy_keys,
					lockdep_is_held(&proxy_mutex));
	k = proxy_keys_new(old);
	if (k) {
		rcu_assign_pointer(proxy_keys, k);
		kfree_rcu(old, rcu);
	}
	schedule_delayed_work(&proxy_rotate_work, PROXY_ROTATE_SECS * HZ);
	mutex_unlock(&proxy_mutex);
}

/* ---- configuration and bindings (process context) -------------------- */

/* The device's primary IPv4 address, 0 if it has none (takes RCU). */
static __be32 proxy_dev_addr(struct net_device *dev)
{
	return inet_select_addr(dev, 0, RT_SCOPE_UNIVERSE);
}

static struct proxy_cfg_copy *proxy_cfg_copy(struct proxy_binding *pb)
{
	struct proxy_cfg_copy *c;
	__be32 local;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->cfg = proxy_cfg;
	local = proxy_dev_addr(pb->dev);
	memset(c->cfg.local, 0, sizeof(c->cfg.local));
	memcpy(c->cfg.local, &local, sizeof(local));
	c->cfg.mtu = min_t(unsigned int, READ_ONCE(pb->dev->mtu), U16_MAX);
	return c;
}

static void proxy_publish(struct proxy_binding *pb, struct proxy_cfg_copy *c)
{
	struct proxy_cfg_copy *old;

	old = rcu_replace_pointer(pb->cfg, c, lockdep_is_held(&proxy_mutex));
	kfree_rcu(old, rcu);
}

/*
 * Give every binding a copy of proxy_cfg. The device's address is read
 * again, so a bind before the address was set is fixed by any write.
 * Context: process, proxy_mutex held. Return: 0 or -ENOMEM (some
 * bindings may keep the previous configuration).
 */
int proxy_publish_config(void)
{
	struct proxy_binding *pb;
	struct proxy_cfg_copy *c;
	int err = 0;

	lockdep_assert_held(&proxy_mutex);
	list_for_each_entry(pb, &proxy_bindings, node) {
		c = proxy_cfg_copy(pb);
		if (!c) {
			err = -ENOMEM;
			continue;
		}
		proxy_publish(pb, c);
	}
	return err;
}

/*
 * Reserve the binding's local ports from the stack: they go into
 * net.ipv4.ip_local_reserved_ports of the device's namespace, so that
 * no automatic bind (connect(), bind to port 0) takes one. Ports already
 * reserved (by the administrator) are used and left reserved at unbind.
 * An explicit bind() to one of them is not prevented: the range must not
 * hold a listening service.
 */
static int proxy_reserve_ports(struct proxy_binding *pb)
{
	unsigned long *map = dev_net(pb->dev)->ipv4.sysctl_local_reserved_ports;
	unsigned int i, port;

	if (!map)
		return -EOPNOTSUPP;
	for (i = 0; i < pb->tab.nr_flows; i++) {
		port = pb->tab.sport_min + i;
		if (!test_and_set_bit(port, map))
			__set_bit(i, pb->reserved);
	}
	return 0;
}

static void proxy_release_ports(struct proxy_binding *pb)
{
	unsigned long *map = dev_net(pb->dev)->ipv4.sysctl_local_reserved_ports;
	unsigned int i;

	for_each_set_bit(i, pb->reserved, pb->tab.nr_flows)
		clear_bit(pb->tab.sport_min + i, map);
}

static void proxy_binding_free(struct proxy_binding *pb)
{
	vfree(pb->flows);
	vfree(pb->buckets);
	bitmap_free(pb->reserved);
	kfree(pb);
}

/* The flow table, sized by proxy_max_flows; proxy_mutex held. */
static int proxy_table_alloc(struct proxy_binding *pb)
{
	unsigned int n = proxy_max_flows, nb = prx_table_buckets(n);
	struct ndiv_siphash_key hkey;
	u8 bytes[16];

	if (proxy_sport_min + n > 65536)
		return -ERANGE;
	pb->flows = vmalloc(array_size(n, sizeof(*pb->flows)));
	pb->buckets = vmalloc(array_size(nb, sizeof(*pb->buckets)));
	pb->reserved = bitmap_zalloc(n, GFP_KERNEL);
	if (!pb->flows || !pb->buckets || !pb->reserved)
		return -ENOMEM;
	get_random_bytes(bytes, sizeof(bytes));
	ndiv_siphash_setkey(&hkey, bytes);
	prx_table_init(&pb->tab, pb->flows, pb->buckets, n, proxy_sport_min,
		       &hkey);
	memzero_explicit(&hkey, sizeof(hkey));
	return 0;
}

/* ndiv bind: process context, RTNL and ndiv's mutex held. */
static int proxy_bind(struct net_device *dev, void **priv)
{
	struct proxy_binding *pb;
	struct proxy_cfg_copy *c;
	int err;

	pb = kzalloc(sizeof(*pb), GFP_KERNEL);
	if (!pb)
		return -ENOMEM;
	pb->dev = dev;
	INIT_DELAYED_WORK(&pb->reap, proxy_reap_fn);
	mutex_lock(&proxy_mutex);
	err = proxy_table_alloc(pb);
	if (err)
		goto fail;
	c = proxy_cfg_copy(pb);
	err = -ENOMEM;
	if (!c)
		goto fail;
	RCU_INIT_POINTER(pb->cfg, c);
	err = proxy_reserve_ports(pb);
	if (err) {
		kfree(c);
		goto fail;
	}
	list_add_tail(&pb->node, &proxy_bindings);
	mutex_unlock(&proxy_mutex);
	schedule_delayed_work(&pb->reap, PROXY_REAP_PERIOD);
	*priv = pb;
	return 0;
fail:
	mutex_unlock(&proxy_mutex);
	proxy_binding_free(pb);
	return err;
}

/*
 * ndiv unbind: process context, after the core's grace period, so no CPU
 * is in proxy_rx() for this binding: the table and the copy go at once.
 * Flows still open are dropped with it; their ends time out.
 */
static void proxy_unbind(struct net_device *dev, void *priv)
{
	struct proxy_binding *pb = priv;
	struct proxy_cfg_copy *c;

	cancel_delayed_work_sync(&pb->reap);
	mutex_lock(&proxy_mutex);
	list_del(&pb->node);
	c = rcu_dereference_protected(pb->cfg, lockdep_is_held(&proxy_mutex));
	proxy_release_ports(pb);
	mutex_unlock(&proxy_mutex);
	kfree(c);
	proxy_binding_free(pb);
}

static struct ndiv_app proxy_app = {
	.name = "proxy",
	.owner = THIS_MODULE,
	.rx = proxy_rx,
	.bind = proxy_bind,
	.unbind = proxy_unbind,
};

/* ---- module ---------------------------------------------------------- */

static int __init proxy_init(void)
{
	struct proxy_keys *keys;
	int err;

	/* an empty Maglev table until the first backend */
	prx_balance_build(&proxy_cfg);
	keys = proxy_keys_new(NULL);
	if (!keys)
		return -ENOMEM;
	RCU_INIT_POINTER(proxy_keys, keys);
	/* /sys/kernel/ndiv/proxy/stats/<name> */
	err = ndiv_app_stats_init(&proxy_stats, "proxy", prx_counter_names,
				  PRX_CNT_NR);
	if (err)
		goto free_keys;
	err = ndiv_register_app(&proxy_app);
	if (err)
		goto del_sysfs;
	schedule_delayed_work(&proxy_rotate_work, PROXY_ROTATE_SECS * HZ);
	/* Last: from here on, backends made in configfs pin the module. */
	err = proxy_configfs_init();
	if (err)
		goto del_app;
	return 0;

del_app:
	cancel_delayed_work_sync(&proxy_rotate_work);
	ndiv_unregister_app(&proxy_app);
del_sysfs:
	ndiv_app_stats_exit(&proxy_stats);
free_keys:
	kfree(rcu_dereference_protected(proxy_keys, true));
	return err;
}

static void __exit proxy_exit(void)
{
	proxy_configfs_exit();
	/* A bound app pins the module: no binding, no rx, no reaper. */
	ndiv_unregister_app(&proxy_app);
	cancel_delayed_work_sync(&proxy_rotate_work);
	ndiv_app_stats_exit(&proxy_stats);
	kfree(rcu_dereference_protected(proxy_keys, true));
}

module_init(proxy_init);
module_exit(proxy_exit);
MODULE_DESCRIPTION("proxy: splicing in-driver HTTP proxy (ndiv app)");
MODULE_LICENSE("GPL");
