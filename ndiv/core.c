// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv core: the app registry, the per-device state and the bindings
 * between them.
 *
 * Control path only: everything here runs in process context under
 * ndiv_mutex (and RTNL where the generic mode needs it). The data path
 * lives in the inline hook in <linux/ndiv.h> and in generic.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "internal.h"

DEFINE_MUTEX(ndiv_mutex);
static LIST_HEAD(ndiv_apps);	/* struct ndiv_app, under ndiv_mutex */
static LIST_HEAD(ndiv_devs);	/* struct ndiv_dev, under ndiv_mutex */
static LIST_HEAD(ndiv_ports);	/* struct ndiv_port, under ndiv_mutex */

static bool ndiv_name_valid(const char *name)
{
	size_t i, n = strnlen(name, NDIV_APP_NAME_MAX);

	if (n == 0 || n == NDIV_APP_NAME_MAX || !strcmp(name, "none"))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = name[i];

		if (!islower(c) && !isdigit(c) && c != '_' && c != '-')
			return false;
	}
	return true;
}

static struct ndiv_app *ndiv_find_app(const char *name)
{
	struct ndiv_app *app;

	lockdep_assert_held(&ndiv_mutex);
	list_for_each_entry(app, &ndiv_apps, node)
		if (!strcmp(app->name, name))
			return app;
	return NULL;
}

/**
 * ndiv_register_app - make an app available for binding
 * @app: the app; must stay valid until ndiv_unregister_app()
 *
 * Context: process. Return: 0, -EINVAL (bad name or no handler) or
 * -EEXIST (the name is taken).
 */
int ndiv_register_app(struct ndiv_app *app)
{
	int err = 0;

	if (!app->rx || !ndiv_name_valid(app->name))
		return -EINVAL;
	mutex_lock(&ndiv_mutex);
	if (ndiv_find_app(app->name))
		err = -EEXIST;
	else
		list_add_tail(&app->node, &ndiv_apps);
	mutex_unlock(&ndiv_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(ndiv_register_app);

static struct ndiv_binding __rcu **ndiv_slot(struct ndiv_dev *nd)
{
	if (nd->generic)
		return &nd->gbinding;
	return nd->port ? &nd->port->binding : NULL;
}

/* The current binding of nd, or NULL. Caller holds ndiv_mutex. */
struct ndiv_binding *ndiv_dev_binding(struct ndiv_dev *nd)
{
	struct ndiv_binding __rcu **slot = ndiv_slot(nd);

	return slot ? rcu_dereference_protected(*slot,
				lockdep_is_held(&ndiv_mutex)) : NULL;
}

/*
 * Free a binding that no CPU can see any more: the caller waited for an
 * RCU grace period after unpublishing it.
 */
static void ndiv_binding_free(struct ndiv_binding *b)
{
	if (b->app->unbind)
		b->app->unbind(b->dev, b->priv);
	module_put(b->app->owner);
	kfree(b);
}

/* Publish b (or NULL) in slot and release what it replaced. */
static void ndiv_binding_swap(struct ndiv_binding __rcu **slot,
			      struct ndiv_binding *b)
{
	struct ndiv_binding *old;

	old = rcu_replace_pointer(*slot, b, lockdep_is_held(&ndiv_mutex));
	if (old) {
		synchronize_rcu();
		ndiv_binding_free(old);
	}
}

static struct ndiv_qstats __percpu *ndiv_stats_alloc(unsigned int nqueues)
{
	struct ndiv_qstats __percpu *stats;
	unsigned int q;
	int cpu;

	stats = __alloc_percpu(sizeof(struct ndiv_qstats) * nqueues,
			       __alignof__(struct ndiv_qstats));
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		for (q = 0; q < nqueues; q++)
			u64_stats_init(&(per_cpu_ptr(stats, cpu) + q)->syncp);
	return stats;
}

/*
 * The counters of nd and their per-queue sysfs directories, made when an
 * app is first bound (idle devices, e.g. thousands of container veths,
 * cost nothing) and kept until the device goes, so they survive swaps and
 * unbinding. Published with a release store for the lockless sysfs and
 * ethtool readers.
 */
static int ndiv_stats_get(struct ndiv_dev *nd)
{
	struct ndiv_qstats __percpu *stats;

	lockdep_assert_held(&ndiv_mutex);
	if (nd->stats)
		return ndiv_dev_sysfs_add_queues(nd);
	stats = ndiv_stats_alloc(nd->nqueues);
	if (!stats)
		return -ENOMEM;
	/* pairs with smp_load_acquire() in ndiv_stat_sum(): init first */
	smp_store_release(&nd->stats, stats);
	return ndiv_dev_sysfs_add_queues(nd);
}

static struct ndiv_binding *ndiv_binding_new(struct ndiv_dev *nd,
					     struct ndiv_app *app)
{
	struct ndiv_binding *b;
	int err;

	err = ndiv_stats_get(nd);
	if (err)
		return ERR_PTR(err);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	/* Fails while the app's module is being removed. */
	if (!try_module_get(app->owner)) {
		kfree(b);
		return ERR_PTR(-ENOENT);
	}
	b->app = app;
	b->stats = nd->stats;
	b->nqueues = nd->nqueues;
	b->dev = nd->dev;
	if (app->bind) {
		err = app->bind(nd->dev, &b->priv);
		if (err) {
			module_put(app->owner);
			kfree(b);
			return ERR_PTR(err);
		}
	}
	return b;
}

/*
 * Features that make a native hook see merged frames: hardware GRO and
 * LRO hand the driver one large frame for many segments (virtio_net's
 * guest TSO, for instance), which hooked drivers pass to the stack unseen.
 * As with XDP, they are off while an app is bound in native mode, and
 * what ndiv turned off is turned back on when the last app is unbound.
 * Context: RTNL held.
 */
#define NDIV_FEATURES_MERGING	(NETIF_F_GRO_HW | NETIF_F_LRO)

static void ndiv_features_off(struct ndiv_dev *nd)
{
	struct net_device *dev = nd->dev;
	netdev_features_t off = dev->features & NDIV_FEATURES_MERGING;

	if (!off)
		return;
	dev->wanted_features &= ~off;
	netdev_update_features(dev);
	nd->features_off = off;
	if (dev->features & off)
		netdev_warn(dev, "ndiv: cannot turn off %pNF: merged frames go to the stack unseen\n",
			    &off);
}

static void ndiv_features_restore(struct ndiv_dev *nd)
{
	struct net_device *dev = nd->dev;

	if (!nd->features_off)
		return;
	if (dev->reg_state == NETREG_REGISTERED) {
		dev->wanted_features |= nd->features_off;
		netdev_update_features(dev);
	}
	nd->features_off = 0;
}

/*
 * Let a native hook set up (on) or release (off) what it needs while an
 * app is bound: see struct ndiv_port_info. Context: RTNL and ndiv_mutex.
 */
static int ndiv_port_prepare(struct ndiv_dev *nd, bool on)
{
	const struct ndiv_port_info *info;

	if (nd->generic || !nd->port)
		return 0;
	info = nd->port->info;
	return info->prepare ? info->prepare(nd->dev, on) : 0;
}

/**
 * ndiv_attach - bind an app to a device, or swap the bound app
 * @nd: the device
 * @name: the app's name
 *
 * Frames keep flowing: the new binding is published with one pointer
 * store, so each frame is handled by exactly one of the old and the new
 * app. Context: process, RTNL and ndiv_mutex held.
 */
int ndiv_attach(struct ndiv_dev *nd, const char *name)
{
	struct ndiv_binding __rcu **slot = ndiv_slot(nd);
	struct ndiv_binding *b, *cur;
	struct ndiv_app *app;
	int err;

	ASSERT_RTNL();
	if (!ndiv_name_valid(name))
		return -EINVAL;
	app = ndiv_find_app(name);
	if (!app)
		return -ENOENT;
	if (!slot)
		return -EOPNOTSUPP;
	cur = ndiv_dev_binding(nd);
	if (cur && cur->app == app)
		return 0;
	if (nd->generic) {
		err = ndiv_generic_enable(nd);
		if (err)
			return err;
	} else if (!cur) {
		err = ndiv_port_prepare(nd, true);
		if (err)
			return err;
	}
	b = ndiv_binding_new(nd, app);
	if (IS_ERR(b)) {
		if (!cur) {
			ndiv_generic_disable(nd);
			ndiv_port_prepare(nd, false);
		}
		return PTR_ERR(b);
	}
	if (!cur && !nd->generic)
		ndiv_features_off(nd);
	ndiv_binding_swap(slot, b);
	return 0;
}

/*
 * Unbind whatever app is bound to nd. Context: process, RTNL and
 * ndiv_mutex held.
 */
void ndiv_detach(struct ndiv_dev *nd)
{
	struct ndiv_binding __rcu **slot = ndiv_slot(nd);

	ASSERT_RTNL();
	if (!slot || !rcu_access_pointer(*slot))
		return;
	ndiv_generic_disable(nd);
	/* waits until no CPU runs the app before the hook is released */
	ndiv_binding_swap(slot, NULL);
	ndiv_port_prepare(nd, false);
	ndiv_features_restore(nd);
}

/*
 * Switch between native and generic mode while no app is bound. Native
 * mode on a device without a hook is allowed (it is the default): binding
 * an app then fails with -EOPNOTSUPP.
 */
int ndiv_set_mode(struct ndiv_dev *nd, bool generic)
{
	lockdep_assert_held(&ndiv_mutex);
	if (nd->generic == generic)
		return 0;
	if (ndiv_dev_binding(nd))
		return -EBUSY;
	nd->generic = generic;
	return 0;
}

/**
 * ndiv_unregister_app - withdraw an app
 * @app: the app passed to ndiv_register_app()
 *
 * A bound app pins its module, so this normally finds no binding; should
 * a module withdraw an app it still has bound, the app is detached first.
 * Context: process, must not hold RTNL.
 */
void ndiv_unregister_app(struct ndiv_app *app)
{
	struct ndiv_binding *b;
	struct ndiv_dev *nd;

	rtnl_lock();
	mutex_lock(&ndiv_mutex);
	list_for_each_entry(nd, &ndiv_devs, node) {
		b = ndiv_dev_binding(nd);
		if (b && b->app == app)
			ndiv_detach(nd);
	}
	list_del(&app->node);
	mutex_unlock(&ndiv_mutex);
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(ndiv_unregister_app);

ssize_t ndiv_apps_show(char *buf)
{
	struct ndiv_app *app;
	ssize_t len = 0;

	mutex_lock(&ndiv_mutex);
	list_for_each_entry(app, &ndiv_apps, node)
		len += sysfs_emit_at(buf, len, "%s\n", app->name);
	mutex_unlock(&ndiv_mutex);
	return len;
}

static struct ndiv_dev *ndiv_find_dev(const struct net_device *dev)
{
	struct ndiv_dev *nd;

	lockdep_assert_held(&ndiv_mutex);
	list_for_each_entry(nd, &ndiv_devs, node)
		if (nd->dev == dev)
			return nd;
	return NULL;
}

static struct ndiv_port *ndiv_find_port(const struct net_device *dev)
{
	struct ndiv_port *port;

	lockdep_assert_held(&ndiv_mutex);
	list_for_each_entry(port, &ndiv_ports, node)
		if (port->dev == dev)
			return port;
	return NULL;
}

/*
 * The ndiv state of @dev, or NULL. Context: process, RTNL held, which
 * keeps the state alive after ndiv_mutex is dropped: it is freed only on
 * NETDEV_UNREGISTER, under RTNL.
 */
struct ndiv_dev *ndiv_dev_get(const struct net_device *dev)
{
	struct ndiv_dev *nd;

	ASSERT_RTNL();
	mutex_lock(&ndiv_mutex);
	nd = ndiv_find_dev(dev);
	mutex_unlock(&ndiv_mutex);
	return nd;
}

/**
 * __ndiv_port_register - announce a driver's ndiv hook for a device
 * @port: embedded in the driver's private data, zeroed
 * @dev: the device
 * @info: the hook's description, static, outlives the port
 * @abi: NDIV_HOOK_ABI as the driver was built (ndiv_port_register())
 *
 * Call before or after register_netdev(). A driver built for another
 * hook ABI is refused with -EPROTO; the device keeps working, in generic
 * mode only. Context: process; RTNL may or may not be held.
 */
int __ndiv_port_register(struct ndiv_port *port, struct net_device *dev,
			 const struct ndiv_port_info *info, unsigned int abi)
{
	struct ndiv_dev *nd;

	if (abi != NDIV_HOOK_ABI) {
		netdev_err(dev, "ndiv: %s was built for hook ABI %u, ndiv has %u: rebuild the driver against this ndiv; generic mode only\n",
			   info->driver, abi, NDIV_HOOK_ABI);
		return -EPROTO;
	}
	port->dev = dev;
	port->info = info;
	RCU_INIT_POINTER(port->binding, NULL);
	mutex_lock(&ndiv_mutex);
	list_add_tail(&port->node, &ndiv_ports);
	nd = ndiv_find_dev(dev);
	if (nd) {
		nd->port = port;
		port->nd = nd;
	}
	mutex_unlock(&ndiv_mutex);
	return 0;
}
EXPORT_SYMBOL_GPL(__ndiv_port_register);

/**
 * ndiv_port_unregister - withdraw a driver's hook
 * @port: as passed to ndiv_port_register()
 *
 * Unbinds a natively bound app and waits until no CPU runs it, so the
 * driver may tear down its rings afterwards. Call before free_netdev().
 * Context: process; RTNL may or may not be held.
 */
void ndiv_port_unregister(struct ndiv_port *port)
{
	struct ndiv_dev *nd;

	if (!port->info)	/* never registered, or refused */
		return;
	mutex_lock(&ndiv_mutex);
	ndiv_binding_swap(&port->binding, NULL);
	nd = ndiv_find_dev(port->dev);
	if (nd && nd->port == port) {
		nd->port = NULL;
		/* the device is going away with its driver: nothing to restore */
		nd->features_off = 0;
	}
	port->nd = NULL;
	list_del(&port->node);
	mutex_unlock(&ndiv_mutex);
}
EXPORT_SYMBOL_GPL(ndiv_port_unregister);

/* NETDEV_REGISTER: give every netdev its ndiv state and sysfs dir. */
static void ndiv_dev_create(struct net_device *dev)
{
	struct ndiv_dev *nd;

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		goto fail;
	nd->dev = dev;
	nd->nqueues = max(dev->num_rx_queues, 1U);
	/* From here on nd is freed by its kobject's release. */
	if (ndiv_dev_sysfs_add(nd))
		goto fail;
	mutex_lock(&ndiv_mutex);
	nd->port = ndiv_find_port(dev);
	if (nd->port)
		nd->port->nd = nd;
	list_add_tail(&nd->node, &ndiv_devs);
	mutex_unlock(&ndiv_mutex);
	return;
fail:
	netdev_warn(dev, "ndiv: no memory for device state; ndiv not available on this device\n");
}

/* NETDEV_UNREGISTER (RTNL held): unbind and remove the sysfs dir. */
static void ndiv_dev_destroy(struct net_device *dev)
{
	struct ndiv_dev *nd;

	mutex_lock(&ndiv_mutex);
	nd = ndiv_find_dev(dev);
	if (nd) {
		ndiv_detach(nd);
		list_del(&nd->node);
		if (nd->port)
			nd->port->nd = NULL;
		nd->port = NULL;
		nd->generic = false;
	}
	mutex_unlock(&ndiv_mutex);
	/*
	 * Outside ndiv_mutex: removing the directory waits for sysfs
	 * readers, which may be waiting for ndiv_mutex. Writers never wait
	 * for RTNL (they use rtnl_trylock()), so holding RTNL here is fine.
	 */
	if (nd)
		ndiv_dev_sysfs_del(nd);
}

static int ndiv_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_REGISTER:
		ndiv_dev_create(dev);
		break;
	case NETDEV_UNREGISTER:
		ndiv_dev_destroy(dev);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block ndiv_netdev_nb = {
	.notifier_call = ndiv_netdev_event,
};

/* Used by sysfs writers: is nd still registered? */
bool ndiv_dev_live(struct ndiv_dev *nd)
{
	struct ndiv_dev *it;

	lockdep_assert_held(&ndiv_mutex);
	list_for_each_entry(it, &ndiv_devs, node)
		if (it == nd)
			return true;
	return false;
}

static int __init ndiv_init(void)
{
	int err;

	err = ndiv_sysfs_init();
	if (err)
		return err;
	/* Replays NETDEV_REGISTER for the devices that already exist. */
	err = register_netdevice_notifier(&ndiv_netdev_nb);
	if (err)
		goto err_sysfs;
	err = ndiv_ringdev_init();
	if (err)
		goto err_notifier;
	return 0;
err_notifier:
	unregister_netdevice_notifier(&ndiv_netdev_nb);
err_sysfs:
	ndiv_sysfs_exit();
	return err;
}

static void __exit ndiv_exit(void)
{
	ndiv_ringdev_exit();
	/* Replays NETDEV_UNREGISTER: every device is unbound and cleaned. */
	unregister_netdevice_notifier(&ndiv_netdev_nb);
	ndiv_sysfs_exit();
}

module_init(ndiv_init);
module_exit(ndiv_exit);
MODULE_DESCRIPTION("ndiv: in-driver packet processing apps");
MODULE_LICENSE("GPL");
