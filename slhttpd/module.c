// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd.ko: the stateless in-driver HTTP responder as the ndiv app
 * "slhttpd" (Documentation/slhttpd.rst).
 *
 * This file is the kernel side around the portable engine (engine.h): the
 * per-frame handler, the cookie keys and their rotation, the counters in
 * /sys/kernel/ndiv/slhttpd/stats/, the per-device bindings and the
 * emitter for responses of several segments. The configuration
 * (/sys/kernel/config/slhttpd) is in configfs.c.
 *
 * The data path, slhttpd_rx(), runs in NAPI (softirq) context with BH
 * disabled, which is an RCU read-side section. It takes no lock and
 * allocates nothing for an answer of one frame: it reads snapshots of the
 * configuration, the keys and the objects that the control path publishes
 * with RCU, and counts in per-CPU counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/ndiv.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "slhttpd.h"

DEFINE_MUTEX(slhttpd_mutex);

struct slh_config slhttpd_cfg = {
	.ports = { 80 },
	.nr_ports = 1,
	.invalid = SLH_INVALID_DROP,
	.date = 1,
};

unsigned int slhttpd_rotate = SLHTTPD_ROTATE_DEFAULT;

/* The two cookie keys, replaced together: rx always sees a matching pair. */
struct slhttpd_keys {
	struct ndiv_siphash_key key[2];	/* [0] current, [1] previous */
	/*
	 * The previous key rx hands the engine: &key[0] until the first
	 * rotation, so that the engine sees one key (it compares the
	 * pointers) and spends no second hash on a key it already tried.
	 */
	const struct ndiv_siphash_key *prev;
	struct rcu_head rcu;
};

static struct slhttpd_keys __rcu *slhttpd_keys;
/* The Date header's text, per CPU: rx runs in softirq, one per CPU. */
static DEFINE_PER_CPU(struct slh_date_cache, slhttpd_date) = { .secs = -1 };
static struct slhttpd_objs __rcu *slhttpd_objs;
/* SLH_CNT_NR counters per CPU, written only by rx on that CPU */
static struct ndiv_app_stats slhttpd_stats;

/* One binding's copy of the configuration, with its device's MTU. */
struct slhttpd_cfg_copy {
	struct slh_config cfg;
	struct rcu_head rcu;
};

/* The app's priv for one bound device. */
struct slhttpd_binding {
	struct net_device *dev;
	struct slhttpd_cfg_copy __rcu *cfg;
	/* under slhttpd_mutex */
	struct slhttpd_cfg_copy *next;	/* staged by slhttpd_set_config */
	struct list_head node;		/* in slhttpd_bindings */
};

static LIST_HEAD(slhttpd_bindings);

/* ---- data path (softirq, RCU read side) ---------------------------- */

/* The static object at exactly this path, valid until rx returns. */
static const struct slh_object *slhttpd_lookup(void *ctx, const uint8_t *path,
					       uint16_t len)
{
	const struct slhttpd_objs *objs = rcu_dereference_bh(slhttpd_objs);
	unsigned int lo = 0, hi, mid;
	const struct slhttpd_obj_data *d;
	int c;

	if (!objs)
		return NULL;
	hi = objs->nr;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = objs->v[mid];
		c = slhttpd_path_cmp(d->path, d->path_len, path, len);
		if (!c)
			return &d->obj;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * ndiv rx handler: NAPI (softirq) context, BH disabled, which is the RCU
 * read side every snapshot below is protected by. Possibly on several
 * CPUs at once; the counters are this CPU's.
 */
static int slhttpd_rx(struct ndiv_frame *f, void *priv)
{
	struct slhttpd_binding *sb = priv;
	const struct slhttpd_keys *keys = rcu_dereference_bh(slhttpd_keys);
	struct ndiv_app_stats_pcpu *stats;
	struct ndiv_emit_batch em;
	const struct slh_emitter emitter = {
		.get = ndiv_emit_batch_get,
		.send = ndiv_emit_batch_send,
		.ctx = &em,
	};
	struct slhttpd_offload_ctx oc = {
		.dev = sb->dev,
		.cfg = &rcu_dereference_bh(sb->cfg)->cfg,
	};
	struct slh_env env = {
		.cfg = oc.cfg,
		.key = { &keys->key[0], keys->prev },
		.now = ktime_get_real_seconds(),
		.date = this_cpu_ptr(&slhttpd_date),
		.lookup = slhttpd_lookup,
		.emit = &emitter,
		.offload = slhttpd_offload,
		.offload_ctx = &oc,
	};
	int verdict;

	stats = ndiv_app_stats_begin(&slhttpd_stats);
	env.cnt = stats->cnt;
	ndiv_emit_batch_init(&em, sb->dev);
	verdict = slh_handle(&env, f);
	ndiv_emit_batch_end(&em);
	ndiv_app_stats_end(stats);
	return verdict;
}

/* Room around a replayed frame: the engine answers in place. */
#define SLHTTPD_REPLAY_HEAD	256
#define SLHTTPD_REPLAY_SIZE	4096
static u8 __percpu *slhttpd_replay_buf;

/* Send the answer the engine wrote in place into f. */
static void slhttpd_replay_tx(struct net_device *dev, struct ndiv_frame *f)
{
	struct sk_buff *skb;

	if (ndiv_frame_vlan_restore(f))
		return;
	skb = ndiv_emit_alloc(dev, f->len);
	if (!skb)
		return;
	memcpy(skb->data, f->data, f->len);
	ndiv_emit_xmit(skb, f->len);
}

/**
 * slhttpd_replay - answer a kept request frame again
 * @dev: the device it came in on (a reference the caller holds)
 * @cfg: the configuration it was answered with
 * @f: the frame, as received
 *
 * The engine is stateless, so running it again on the request frame gives
 * the answer it gives to the client's retransmission: once the daemon's
 * answer is kept, the client gets it now rather than at its next
 * retransmission timeout. Context: BH disabled (the ring's answer
 * callback), which is also what keeps this CPU's buffer ours.
 *
 * Return: true if the answer was one frame, which acknowledges the
 * request: nothing of it will be resumed.
 */
bool slhttpd_replay(struct net_device *dev, const struct slh_config *cfg,
		    const struct ndiv_frame *f)
{
	const struct slhttpd_keys *keys = rcu_dereference_bh(slhttpd_keys);
	u8 *buf = this_cpu_ptr(slhttpd_replay_buf);
	struct ndiv_app_stats_pcpu *stats;
	struct ndiv_emit_batch em;
	const struct slh_emitter emitter = {
		.get = ndiv_emit_batch_get,
		.send = ndiv_emit_batch_send,
		.ctx = &em,
	};
	struct slhttpd_offload_ctx oc = { .cfg = cfg };
	struct slh_env env = {
		.cfg = cfg,
		.key = { &keys->key[0], keys->prev },
		.now = ktime_get_real_seconds(),
		.date = this_cpu_ptr(&slhttpd_date),
		.lookup = slhttpd_lookup,
		.emit = &emitter,
		.offload = slhttpd_offload,
		.offload_ctx = &oc,
	};
	struct ndiv_frame g = *f;
	bool one = false;

	lockdep_assert_in_softirq();
	if (f->len > SLHTTPD_REPLAY_SIZE - 2 * SLHTTPD_REPLAY_HEAD)
		return false;
	g.data = buf + SLHTTPD_REPLAY_HEAD;
	g.headroom = SLHTTPD_REPLAY_HEAD;
	g.tailroom = SLHTTPD_REPLAY_SIZE - SLHTTPD_REPLAY_HEAD - f->len;
	g.dev = dev;
	memcpy(g.data, f->data, f->len);
	stats = ndiv_app_stats_begin(&slhttpd_stats);
	env.cnt = stats->cnt;
	ndiv_emit_batch_init(&em, dev);
	if (slh_handle(&env, &g) == NDIV_TX) {
		slhttpd_replay_tx(dev, &g);
		one = true;
	}
	ndiv_emit_batch_end(&em);
	ndiv_app_stats_end(stats);
	return one;
}

/* ---- cookie keys (process context) ----------------------------------- */

/* A new pair: a random current key, @old's current one as previous. */
static struct slhttpd_keys *slhttpd_keys_new(const struct slhttpd_keys *old)
{
	struct slhttpd_keys *k;
	u8 bytes[16];

	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return NULL;
	get_random_bytes(bytes, sizeof(bytes));
	ndiv_siphash_setkey(&k->key[0], bytes);
	memzero_explicit(bytes, sizeof(bytes));
	if (old) {
		k->key[1] = old->key[0];
		k->prev = &k->key[1];
	} else {
		k->prev = &k->key[0];
	}
	return k;
}

static void slhttpd_rotate_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(slhttpd_rotate_work, slhttpd_rotate_fn);

/* The delay to the next rotation, in jiffies. */
static unsigned long slhttpd_rotate_delay(void)
{
	return (unsigned long)slhttpd_rotate * HZ;
}

/*
 * Every slhttpd_rotate seconds, on the system workqueue: previous :=
 * current, current := random. Connections validated by the previous key
 * are moved to the new one by the engine; those idle for two periods are
 * forgotten (Documentation/slhttpd.rst).
 */
static void slhttpd_rotate_fn(struct work_struct *work)
{
	struct slhttpd_keys *old, *k;
	unsigned long delay;

	mutex_lock(&slhttpd_mutex);
	old = rcu_dereference_protected(slhttpd_keys,
					lockdep_is_held(&slhttpd_mutex));
	k = slhttpd_keys_new(old);
	if (k) {
		rcu_assign_pointer(slhttpd_keys, k);
		kfree_rcu(old, rcu);
		delay = slhttpd_rotate_delay();
	} else {
		/* No memory: keep the keys, try again soon. */
		delay = SLHTTPD_ROTATE_MIN * HZ;
	}
	schedule_delayed_work(&slhttpd_rotate_work, delay);
	mutex_unlock(&slhttpd_mutex);
}

/* A new period starts now. Context: process, slhttpd_mutex held. */
void slhttpd_set_rotate(unsigned int secs)
{
	lockdep_assert_held(&slhttpd_mutex);
	slhttpd_rotate = secs;
	mod_delayed_work(system_wq, &slhttpd_rotate_work,
			 slhttpd_rotate_delay());
}

/* ---- configuration and bindings (process context) -------------------- */

static struct slhttpd_cfg_copy *slhttpd_cfg_copy(const struct slh_config *cfg,
						 const struct net_device *dev)
{
	struct slhttpd_cfg_copy *c;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	c->cfg = *cfg;
	c->cfg.mtu = min_t(unsigned int, READ_ONCE(dev->mtu), U16_MAX);
	return c;
}

/* Publish @c for @sb's rx; the copy it replaces goes after a grace period. */
static void slhttpd_publish(struct slhttpd_binding *sb,
			    struct slhttpd_cfg_copy *c)
{
	struct slhttpd_cfg_copy *old;

	old = rcu_replace_pointer(sb->cfg, c, lockdep_is_held(&slhttpd_mutex));
	kfree_rcu(old, rcu);
}

/**
 * slhttpd_set_config - make @cfg the configuration of every binding
 * @cfg: the new configuration; its mtu is ignored (each binding has its
 *	device's)
 *
 * All or nothing: the copies are allocated before any is published.
 * Context: process, slhttpd_mutex held. Return: 0 or -ENOMEM.
 */
int slhttpd_set_config(const struct slh_config *cfg)
{
	struct slhttpd_binding *sb;

	lockdep_assert_held(&slhttpd_mutex);
	list_for_each_entry(sb, &slhttpd_bindings, node) {
		sb->next = slhttpd_cfg_copy(cfg, sb->dev);
		if (!sb->next)
			goto nomem;
	}
	slhttpd_cfg = *cfg;
	list_for_each_entry(sb, &slhttpd_bindings, node) {
		slhttpd_publish(sb, sb->next);
		sb->next = NULL;
	}
	return 0;
nomem:
	list_for_each_entry(sb, &slhttpd_bindings, node) {
		kfree(sb->next);
		sb->next = NULL;
	}
	return -ENOMEM;
}

/*
 * Publish @objs (may be NULL) as the set of objects rx looks up; the set
 * it replaces is freed after a grace period (the objects in it are their
 * owners' to free). Context: process, slhttpd_mutex held.
 */
void slhttpd_set_objects(struct slhttpd_objs *objs)
{
	struct slhttpd_objs *old;

	old = rcu_replace_pointer(slhttpd_objs, objs,
				  lockdep_is_held(&slhttpd_mutex));
	if (old)
		kvfree_rcu(old, rcu);
}

/*
 * Withdraw the published set and wait until rx can no longer see it, so
 * that the caller may change it in place before publishing it again. For
 * when there is no memory for a new set. Context: process (sleeps),
 * slhttpd_mutex held.
 */
struct slhttpd_objs *slhttpd_take_objects(void)
{
	struct slhttpd_objs *old;

	old = rcu_replace_pointer(slhttpd_objs, NULL,
				  lockdep_is_held(&slhttpd_mutex));
	synchronize_rcu();
	return old;
}

/* ndiv bind: process context, RTNL and ndiv's mutex held. */
static int slhttpd_bind(struct net_device *dev, void **priv)
{
	struct slhttpd_binding *sb;
	struct slhttpd_cfg_copy *c;

	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return -ENOMEM;
	sb->dev = dev;
	mutex_lock(&slhttpd_mutex);
	c = slhttpd_cfg_copy(&slhttpd_cfg, dev);
	if (!c) {
		mutex_unlock(&slhttpd_mutex);
		kfree(sb);
		return -ENOMEM;
	}
	RCU_INIT_POINTER(sb->cfg, c);
	list_add_tail(&sb->node, &slhttpd_bindings);
	mutex_unlock(&slhttpd_mutex);
	*priv = sb;
	return 0;
}

/*
 * ndiv unbind: process context, after the core's grace period, so no CPU
 * is in slhttpd_rx() for this binding and its copy can go at once.
 */
static void slhttpd_unbind(struct net_device *dev, void *priv)
{
	struct slhttpd_binding *sb = priv;
	struct slhttpd_cfg_copy *c;

	mutex_lock(&slhttpd_mutex);
	list_del(&sb->node);
	c = rcu_dereference_protected(sb->cfg, lockdep_is_held(&slhttpd_mutex));
	mutex_unlock(&slhttpd_mutex);
	kfree(c);
	kfree(sb);
}

/*
 * NETDEV_CHANGEMTU (RTNL held): segments must follow the new MTU.
 * NETDEV_UNREGISTER: kept offloaded requests let go of the device.
 */
static int slhttpd_netdev_event(struct notifier_block *nb,
				unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct slhttpd_binding *sb;
	struct slhttpd_cfg_copy *c;

	if (event == NETDEV_UNREGISTER)
		slhttpd_offload_dev_gone(dev);
	if (event != NETDEV_CHANGEMTU)
		return NOTIFY_DONE;
	mutex_lock(&slhttpd_mutex);
	list_for_each_entry(sb, &slhttpd_bindings, node) {
		if (sb->dev != dev)
			continue;
		c = slhttpd_cfg_copy(&slhttpd_cfg, dev);
		if (c)
			slhttpd_publish(sb, c);
		else
			netdev_warn(dev, "slhttpd: no memory to follow the MTU change; bind slhttpd again\n");
	}
	mutex_unlock(&slhttpd_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block slhttpd_netdev_nb = {
	.notifier_call = slhttpd_netdev_event,
};

static struct ndiv_app slhttpd_app = {
	.name = "slhttpd",
	.owner = THIS_MODULE,
	.rx = slhttpd_rx,
	.bind = slhttpd_bind,
	.unbind = slhttpd_unbind,
};

/* ---- module ---------------------------------------------------------- */

static int __init slhttpd_init(void)
{
	struct slhttpd_keys *keys;
	int err;

	keys = slhttpd_keys_new(NULL);
	if (!keys)
		return -ENOMEM;
	RCU_INIT_POINTER(slhttpd_keys, keys);
	/* /sys/kernel/ndiv/slhttpd/stats/<name> */
	err = ndiv_app_stats_init(&slhttpd_stats, "slhttpd", slh_counter_names,
				  SLH_CNT_NR);
	if (err)
		goto free_keys;
	slhttpd_replay_buf = __alloc_percpu(SLHTTPD_REPLAY_SIZE,
					    SMP_CACHE_BYTES);
	err = slhttpd_replay_buf ? slhttpd_offload_init() : -ENOMEM;
	if (err)
		goto del_sysfs;
	err = register_netdevice_notifier(&slhttpd_netdev_nb);
	if (err)
		goto del_offload;
	err = ndiv_register_app(&slhttpd_app);
	if (err)
		goto del_notifier;
	schedule_delayed_work(&slhttpd_rotate_work, slhttpd_rotate_delay());
	/* Last: from here on, objects made in configfs pin the module. */
	err = slhttpd_configfs_init();
	if (err)
		goto del_app;
	return 0;

del_app:
	cancel_delayed_work_sync(&slhttpd_rotate_work);
	/* Unbinds, and waits for rx, should it have been bound meanwhile. */
	ndiv_unregister_app(&slhttpd_app);
del_notifier:
	unregister_netdevice_notifier(&slhttpd_netdev_nb);
del_offload:
	slhttpd_offload_exit();
del_sysfs:
	free_percpu(slhttpd_replay_buf);
	ndiv_app_stats_exit(&slhttpd_stats);
free_keys:
	/* The work may have rotated them: free what is published now. */
	kfree(rcu_dereference_protected(slhttpd_keys, true));
	return err;
}

static void __exit slhttpd_exit(void)
{
	/* Objects pin the module, so there is none left to withdraw. */
	slhttpd_configfs_exit();
	/* A bound app pins the module too: no binding, no rx running. */
	ndiv_unregister_app(&slhttpd_app);
	cancel_delayed_work_sync(&slhttpd_rotate_work);
	unregister_netdevice_notifier(&slhttpd_netdev_nb);
	/* Requests a daemon holds are forgotten; it keeps its ring. */
	slhttpd_offload_exit();
	free_percpu(slhttpd_replay_buf);
	ndiv_app_stats_exit(&slhttpd_stats);
	kvfree(rcu_dereference_protected(slhttpd_objs, true));
	kfree(rcu_dereference_protected(slhttpd_keys, true));
}

module_init(slhttpd_init);
module_exit(slhttpd_exit);
MODULE_DESCRIPTION("slhttpd: stateless in-driver HTTP responder (ndiv app)");
MODULE_LICENSE("GPL");
