// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv sysfs ABI (Documentation/ABI/testing/sysfs-class-net-ndiv):
 *
 *   /sys/kernel/ndiv/apps
 *   /sys/class/net/<dev>/ndiv/{app,mode,hook}
 *   /sys/class/net/<dev>/ndiv/stats/<counter>
 *   /sys/class/net/<dev>/ndiv/queues/rx-<n>/<counter>
 *
 * Writers take RTNL with rtnl_trylock() and restart the syscall when it is
 * contended: the netdev notifier removes these files under RTNL and waits
 * for running sysfs operations, so a writer must never block on RTNL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/export.h>
#include <linux/kobject.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "internal.h"

static struct kobject *ndiv_kernel_kobj;

static struct ndiv_dev *kobj_to_nd(struct kobject *kobj)
{
	return container_of(kobj, struct ndiv_dev, kobj);
}

/* Copy a sysfs write into name, without the trailing newline. */
static int ndiv_parse_word(const char *buf, size_t count, char *name,
			   size_t size)
{
	while (count && isspace(buf[count - 1]))
		count--;
	if (!count || count >= size || memchr(buf, ' ', count))
		return -EINVAL;
	memcpy(name, buf, count);
	name[count] = '\0';
	return 0;
}

static bool ndiv_may_admin(struct ndiv_dev *nd)
{
	return ns_capable(dev_net(nd->dev)->user_ns, CAP_NET_ADMIN);
}

static ssize_t app_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	struct ndiv_binding *b;
	ssize_t ret;

	mutex_lock(&ndiv_mutex);
	b = ndiv_dev_binding(nd);
	ret = sysfs_emit(buf, "%s\n", b ? b->app->name : "none");
	mutex_unlock(&ndiv_mutex);
	return ret;
}

static ssize_t app_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	char name[NDIV_APP_NAME_MAX];
	int err;

	if (!ndiv_may_admin(nd))
		return -EPERM;
	err = ndiv_parse_word(buf, count, name, sizeof(name));
	if (err)
		return err;
	if (!rtnl_trylock())
		return restart_syscall();
	mutex_lock(&ndiv_mutex);
	if (!ndiv_dev_live(nd))
		err = -ENODEV;
	else if (!strcmp(name, "none"))
		ndiv_detach(nd);
	else
		err = ndiv_attach(nd, name);
	mutex_unlock(&ndiv_mutex);
	rtnl_unlock();
	return err ? err : count;
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	ssize_t ret;

	mutex_lock(&ndiv_mutex);
	ret = sysfs_emit(buf, "%s\n", nd->generic ? "generic" : "native");
	mutex_unlock(&ndiv_mutex);
	return ret;
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	char word[16];
	bool generic;
	int err;

	if (!ndiv_may_admin(nd))
		return -EPERM;
	err = ndiv_parse_word(buf, count, word, sizeof(word));
	if (err)
		return err;
	if (!strcmp(word, "generic"))
		generic = true;
	else if (!strcmp(word, "native"))
		generic = false;
	else
		return -EINVAL;
	mutex_lock(&ndiv_mutex);
	err = ndiv_dev_live(nd) ? ndiv_set_mode(nd, generic) : -ENODEV;
	mutex_unlock(&ndiv_mutex);
	return err ? err : count;
}

static ssize_t hook_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	ssize_t ret;

	mutex_lock(&ndiv_mutex);
	ret = sysfs_emit(buf, "%s\n", nd->port ? nd->port->info->driver : "none");
	mutex_unlock(&ndiv_mutex);
	return ret;
}

/* The native hook's capabilities, as words; empty without a hook. */
static ssize_t caps_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	static const char * const names[] = { "tx", "multibuf" };
	struct ndiv_dev *nd = kobj_to_nd(kobj);
	unsigned int i;
	int len = 0;
	u32 caps;

	mutex_lock(&ndiv_mutex);
	caps = nd->port ? nd->port->info->caps : 0;
	mutex_unlock(&ndiv_mutex);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (caps & BIT(i))
			len += sysfs_emit_at(buf, len, "%s%s", len ? " " : "",
					     names[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static struct kobj_attribute ndiv_attr_app = __ATTR_RW(app);
static struct kobj_attribute ndiv_attr_mode = __ATTR_RW(mode);
static struct kobj_attribute ndiv_attr_hook = __ATTR_RO(hook);
static struct kobj_attribute ndiv_attr_caps = __ATTR_RO(caps);

static struct attribute *ndiv_dev_attrs[] = {
	&ndiv_attr_app.attr,
	&ndiv_attr_mode.attr,
	&ndiv_attr_hook.attr,
	&ndiv_attr_caps.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ndiv_dev);

static void ndiv_dev_release(struct kobject *kobj)
{
	struct ndiv_dev *nd = kobj_to_nd(kobj);

	free_percpu(nd->stats);
	kfree(nd->qkobjs);
	kfree(nd);
}

static const struct kobj_type ndiv_dev_ktype = {
	.release = ndiv_dev_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ndiv_dev_groups,
};

/*
 * Counters: a directory holds the seven counters, summed over all CPUs,
 * for one RX queue (queues/rx-<n>) or for all of them (stats).
 */
struct ndiv_stats_kobj {
	struct kobject kobj;
	struct ndiv_dev *nd;
	int queue;		/* -1: all queues */
};

struct ndiv_stat_attr {
	struct kobj_attribute attr;
	unsigned int idx;	/* enum ndiv_qstat */
};

static u64 ndiv_qstat_read(const struct ndiv_qstats *qs, unsigned int idx)
{
	unsigned int start;
	u64 val;

	do {
		start = u64_stats_fetch_begin(&qs->syncp);
		val = u64_stats_read(&qs->cnt[idx]);
	} while (u64_stats_fetch_retry(&qs->syncp, start));
	return val;
}

u64 ndiv_stat_sum(struct ndiv_dev *nd, int queue, unsigned int idx)
{
	struct ndiv_qstats __percpu *stats;
	unsigned int q, first = 0, last = nd->nqueues;
	u64 sum = 0;
	int cpu;

	/* pairs with smp_store_release() in ndiv_stats_get() */
	stats = smp_load_acquire(&nd->stats);
	if (!stats)		/* never bound: all zero */
		return 0;
	if (queue >= 0) {
		first = queue;
		last = queue + 1;
	}
	for_each_possible_cpu(cpu)
		for (q = first; q < last; q++)
			sum += ndiv_qstat_read(per_cpu_ptr(stats, cpu) + q,
					       idx);
	return sum;
}

static ssize_t ndiv_stat_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct ndiv_stats_kobj *sk =
		container_of(kobj, struct ndiv_stats_kobj, kobj);
	struct ndiv_stat_attr *sa =
		container_of(attr, struct ndiv_stat_attr, attr);

	return sysfs_emit(buf, "%llu\n",
			  ndiv_stat_sum(sk->nd, sk->queue, sa->idx));
}

/*
 * One file per counter of enum ndiv_qstat, named from the one table in
 * uapi/linux/ndiv.h; filled in by ndiv_sysfs_init() before any device
 * directory exists.
 */
static struct ndiv_stat_attr ndiv_stat_attrs[NDIV_QSTAT_NR];
static struct attribute *ndiv_stats_attrs[NDIV_QSTAT_NR + 1];

static void ndiv_stat_attrs_init(void)
{
	struct ndiv_stat_attr *sa;
	unsigned int i;

	for (i = 0; i < NDIV_QSTAT_NR; i++) {
		sa = &ndiv_stat_attrs[i];
		sysfs_attr_init(&sa->attr.attr);
		sa->attr.attr.name = ndiv_qstat_name(i);
		sa->attr.attr.mode = 0444;
		sa->attr.show = ndiv_stat_show;
		sa->idx = i;
		ndiv_stats_attrs[i] = &sa->attr.attr;
	}
}
ATTRIBUTE_GROUPS(ndiv_stats);

static void ndiv_stats_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct ndiv_stats_kobj, kobj));
}

static const struct kobj_type ndiv_stats_ktype = {
	.release = ndiv_stats_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ndiv_stats_groups,
};

static struct kobject *ndiv_stats_kobj_add(struct ndiv_dev *nd, int queue,
					   struct kobject *parent)
{
	struct ndiv_stats_kobj *sk;
	int err;

	sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return NULL;
	sk->nd = nd;
	sk->queue = queue;
	if (queue < 0)
		err = kobject_init_and_add(&sk->kobj, &ndiv_stats_ktype,
					   parent, "stats");
	else
		err = kobject_init_and_add(&sk->kobj, &ndiv_stats_ktype,
					   parent, "rx-%d", queue);
	if (err) {
		kobject_put(&sk->kobj);
		return NULL;
	}
	return &sk->kobj;
}

/*
 * Create /sys/class/net/<dev>/ndiv, its stats/ and an empty queues/. On
 * failure nd has been released (its kobject owns it) and an error is
 * returned.
 */
int ndiv_dev_sysfs_add(struct ndiv_dev *nd)
{
	int err;

	err = kobject_init_and_add(&nd->kobj, &ndiv_dev_ktype,
				   &nd->dev->dev.kobj, "ndiv");
	if (err)
		goto fail;
	nd->stats_kobj = ndiv_stats_kobj_add(nd, -1, &nd->kobj);
	nd->queues_kobj = kobject_create_and_add("queues", &nd->kobj);
	if (!nd->stats_kobj || !nd->queues_kobj)
		goto fail;
	return 0;
fail:
	ndiv_dev_sysfs_del(nd);
	return -ENOMEM;
}

/*
 * Create queues/rx-<n>/ for every RX queue, when an app is first bound:
 * a host with thousands of many-queue devices should not carry a
 * directory per queue for each. Idempotent; a failure leaves what was made
 * for the next attempt. Context: process, ndiv_mutex held.
 */
int ndiv_dev_sysfs_add_queues(struct ndiv_dev *nd)
{
	unsigned int q;

	lockdep_assert_held(&ndiv_mutex);
	if (!nd->qkobjs)
		nd->qkobjs = kcalloc(nd->nqueues, sizeof(*nd->qkobjs),
				     GFP_KERNEL);
	if (!nd->qkobjs)
		return -ENOMEM;
	for (q = 0; q < nd->nqueues; q++) {
		if (!nd->qkobjs[q])
			nd->qkobjs[q] = ndiv_stats_kobj_add(nd, q,
							    nd->queues_kobj);
		if (!nd->qkobjs[q])
			return -ENOMEM;
	}
	return 0;
}

/* Remove the directories; the last put frees nd. Context: process. */
void ndiv_dev_sysfs_del(struct ndiv_dev *nd)
{
	unsigned int q;

	for (q = 0; nd->qkobjs && q < nd->nqueues; q++)
		kobject_put(nd->qkobjs[q]);
	kobject_put(nd->queues_kobj);
	kobject_put(nd->stats_kobj);
	kobject_put(&nd->kobj);
}

static ssize_t apps_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return ndiv_apps_show(buf);
}

static struct kobj_attribute ndiv_attr_apps = __ATTR_RO(apps);

static ssize_t hook_abi_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", NDIV_HOOK_ABI);
}

static struct kobj_attribute ndiv_attr_hook_abi = __ATTR_RO(hook_abi);

static struct attribute *ndiv_kernel_attrs[] = {
	&ndiv_attr_apps.attr,
	&ndiv_attr_hook_abi.attr,
	NULL,
};

static const struct attribute_group ndiv_kernel_group = {
	.attrs = ndiv_kernel_attrs,
};

/**
 * ndiv_sysfs_kobj - the /sys/kernel/ndiv directory
 *
 * For apps to create their own directories under. It exists from ndiv's
 * init to its exit; a module that calls this depends on ndiv, so ndiv
 * outlives it.
 */
struct kobject *ndiv_sysfs_kobj(void)
{
	return ndiv_kernel_kobj;
}
EXPORT_SYMBOL_GPL(ndiv_sysfs_kobj);

int ndiv_sysfs_init(void)
{
	int err;

	ndiv_stat_attrs_init();
	ndiv_kernel_kobj = kobject_create_and_add("ndiv", kernel_kobj);
	if (!ndiv_kernel_kobj)
		return -ENOMEM;
	err = sysfs_create_group(ndiv_kernel_kobj, &ndiv_kernel_group);
	if (err)
		kobject_put(ndiv_kernel_kobj);
	return err;
}

void ndiv_sysfs_exit(void)
{
	kobject_put(ndiv_kernel_kobj);
}
