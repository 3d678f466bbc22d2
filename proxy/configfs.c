// SPDX-License-Identifier: GPL-2.0
/*
 * The proxy's configuration in configfs (names in
 * <uapi/linux/ndiv_proxy.h>):
 *
 *   /sys/kernel/config/ndiv-proxy/{vip,port,timeout,balance,max_flows,
 *                                  sport_min}
 *   /sys/kernel/config/ndiv-proxy/backends/NAME/{addr,port,weight,backup,
 *                                                max_conn}
 *
 * Everything here runs in process context under proxy_mutex. Each change
 * is made to proxy_cfg and published whole to every binding with RCU
 * (proxy_publish_config()), so rx never sees a half-written value.
 * max_flows and sport_min size the flow table and take effect at the
 * next bind. A backend is in service once both its addr and port are set;
 * flows keep the backend they were bound to when it is removed. A change
 * of the backends rebuilds the Maglev table (prx_balance_build()) here,
 * in process context, before the snapshot is published.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/configfs.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "proxy.h"

/* A backend in configfs; fields under proxy_mutex. */
struct proxy_be {
	struct config_item item;
	struct list_head node;		/* in proxy_be_list */
	__be32 addr;			/* 0: not set */
	u16 port;			/* 0: not set */
	u16 weight;			/* PROXY_WEIGHT_MIN..MAX */
	bool backup;
	u32 max_conn;			/* 0: no limit */
	/*
	 * The slot of its flow counts in every binding's table: taken at
	 * mkdir, the lowest one free, and kept until rmdir.
	 */
	u8 slot;
};

static LIST_HEAD(proxy_be_list);
/* Slots of the backends in proxy_be_list; proxy_mutex. */
static DECLARE_BITMAP(proxy_be_slots, PRX_MAX_BACKENDS);

/* The names of enum prx_balance, in order: the balance attribute. */
static const char *const proxy_balance_names[PRX_BAL_NR] = {
	[PRX_BAL_RR] = PROXY_BALANCE_RR,
	[PRX_BAL_LEASTCONN] = PROXY_BALANCE_LEASTCONN,
	[PRX_BAL_HASH_SRC] = PROXY_BALANCE_HASH_SRC,
	[PRX_BAL_HASH_URI] = PROXY_BALANCE_HASH_URI,
};

static struct proxy_be *to_proxy_be(struct config_item *item)
{
	return container_of(item, struct proxy_be, item);
}

/* An IPv4 address as written by echo(1): "a.b.c.d" and a newline. */
static int proxy_parse_ip4(const char *page, size_t count, __be32 *addr)
{
	const char *end;

	if (count && page[count - 1] == '\n')
		count--;
	if (!count || !in4_pton(page, count, (u8 *)addr, -1, &end) ||
	    end != page + count)
		return -EINVAL;
	return 0;
}

/*
 * Rebuild the backend array of proxy_cfg and its Maglev table, then
 * publish. Context: process, proxy_mutex held.
 */
static int proxy_be_publish(void)
{
	struct prx_config *cfg = &proxy_cfg;
	struct prx_backend *p;
	struct proxy_be *be;
	unsigned int n = 0;

	list_for_each_entry(be, &proxy_be_list, node) {
		if (!be->addr || !be->port || n == PRX_MAX_BACKENDS)
			continue;
		p = &cfg->be[n++];
		memset(p, 0, sizeof(*p));
		strscpy(p->name, config_item_name(&be->item), sizeof(p->name));
		memcpy(p->addr, &be->addr, sizeof(be->addr));
		p->port = be->port;
		p->family = 4;
		p->slot = be->slot;
		p->backup = be->backup;
		p->weight = be->weight;
		p->max_conn = be->max_conn;
	}
	cfg->nr_backends = n;
	prx_balance_build(cfg);
	return proxy_publish_config();
}

/* ---- /sys/kernel/config/ndiv-proxy/{vip,port,...} -------------------- */

static ssize_t proxy_vip_show(struct config_item *item, char *page)
{
	u8 a[4];

	mutex_lock(&proxy_mutex);
	memcpy(a, proxy_cfg.vip, sizeof(a));
	mutex_unlock(&proxy_mutex);
	if (!(a[0] | a[1] | a[2] | a[3]))
		return scnprintf(page, PAGE_SIZE, "none\n");
	return scnprintf(page, PAGE_SIZE, "%pI4\n", a);
}

/* An IPv4 address, or "none": no VIP, every frame passes. */
static ssize_t proxy_vip_store(struct config_item *item, const char *page,
			       size_t count)
{
	__be32 addr = 0;
	int err;

	if (!sysfs_streq(page, "none") &&
	    proxy_parse_ip4(page, count, &addr))
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	memset(proxy_cfg.vip, 0, sizeof(proxy_cfg.vip));
	memcpy(proxy_cfg.vip, &addr, sizeof(addr));
	err = proxy_publish_config();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_port_show(struct config_item *item, char *page)
{
	u16 port;

	mutex_lock(&proxy_mutex);
	port = proxy_cfg.vip_port;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", port);
}

static ssize_t proxy_port_store(struct config_item *item, const char *page,
				size_t count)
{
	u16 port;
	int err;

	if (kstrtou16(page, 10, &port) || !port)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	proxy_cfg.vip_port = port;
	err = proxy_publish_config();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_timeout_show(struct config_item *item, char *page)
{
	u32 ms;

	mutex_lock(&proxy_mutex);
	ms = proxy_cfg.timeout_ms;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", ms / 1000);
}

static ssize_t proxy_timeout_store(struct config_item *item,
				   const char *page, size_t count)
{
	unsigned int secs;
	int err;

	if (kstrtouint(page, 10, &secs) || secs < PROXY_TIMEOUT_MIN ||
	    secs > PROXY_TIMEOUT_MAX)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	proxy_cfg.timeout_ms = secs * 1000;
	err = proxy_publish_config();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_balance_show(struct config_item *item, char *page)
{
	u8 b;

	mutex_lock(&proxy_mutex);
	b = proxy_cfg.balance;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%s\n", proxy_balance_names[b]);
}

/* One of proxy_balance_names; flows already bound keep their backend. */
static ssize_t proxy_balance_store(struct config_item *item,
				   const char *page, size_t count)
{
	int b, err;

	b = sysfs_match_string(proxy_balance_names, page);
	if (b < 0)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	proxy_cfg.balance = b;
	err = proxy_publish_config();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

/* Read and written under proxy_mutex; used at the next bind. */
static ssize_t proxy_show_uint(unsigned int *v, char *page)
{
	unsigned int x;

	mutex_lock(&proxy_mutex);
	x = *v;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", x);
}

static ssize_t proxy_max_flows_show(struct config_item *item, char *page)
{
	return proxy_show_uint(&proxy_max_flows, page);
}

/* The range [sport_min, sport_min + max_flows) must stay below 65536. */
static ssize_t proxy_max_flows_store(struct config_item *item,
				     const char *page, size_t count)
{
	unsigned int n;
	int err = 0;

	if (kstrtouint(page, 10, &n) || n < PROXY_MAX_FLOWS_MIN ||
	    n > PROXY_MAX_FLOWS_MAX)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	if (proxy_sport_min + n > 65536)
		err = -ERANGE;
	else
		proxy_max_flows = n;
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_sport_min_show(struct config_item *item, char *page)
{
	return proxy_show_uint(&proxy_sport_min, page);
}

static ssize_t proxy_sport_min_store(struct config_item *item,
				     const char *page, size_t count)
{
	unsigned int p;
	int err = 0;

	if (kstrtouint(page, 10, &p) || p < PROXY_SPORT_MIN_MIN || p > 65535)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	if (p + proxy_max_flows > 65536)
		err = -ERANGE;
	else
		proxy_sport_min = p;
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

CONFIGFS_ATTR(proxy_, vip);
CONFIGFS_ATTR(proxy_, port);
CONFIGFS_ATTR(proxy_, timeout);
CONFIGFS_ATTR(proxy_, balance);
CONFIGFS_ATTR(proxy_, max_flows);
CONFIGFS_ATTR(proxy_, sport_min);

static struct configfs_attribute *proxy_root_attrs[] = {
	&proxy_attr_vip,
	&proxy_attr_port,
	&proxy_attr_timeout,
	&proxy_attr_balance,
	&proxy_attr_max_flows,
	&proxy_attr_sport_min,
	NULL,
};

/* ---- backends/NAME/{addr,port} --------------------------------------- */

static ssize_t proxy_be_addr_show(struct config_item *item, char *page)
{
	__be32 a;

	mutex_lock(&proxy_mutex);
	a = to_proxy_be(item)->addr;
	mutex_unlock(&proxy_mutex);
	if (!a)
		return scnprintf(page, PAGE_SIZE, "none\n");
	return scnprintf(page, PAGE_SIZE, "%pI4\n", &a);
}

static ssize_t proxy_be_addr_store(struct config_item *item,
				   const char *page, size_t count)
{
	__be32 a;
	int err;

	if (proxy_parse_ip4(page, count, &a) || !a)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	to_proxy_be(item)->addr = a;
	err = proxy_be_publish();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_be_port_show(struct config_item *item, char *page)
{
	u16 port;

	mutex_lock(&proxy_mutex);
	port = to_proxy_be(item)->port;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", port);
}

static ssize_t proxy_be_port_store(struct config_item *item,
				   const char *page, size_t count)
{
	u16 port;
	int err;

	if (kstrtou16(page, 10, &port) || !port)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	to_proxy_be(item)->port = port;
	err = proxy_be_publish();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_be_weight_show(struct config_item *item, char *page)
{
	u16 w;

	mutex_lock(&proxy_mutex);
	w = to_proxy_be(item)->weight;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", w);
}

static ssize_t proxy_be_weight_store(struct config_item *item,
				     const char *page, size_t count)
{
	u16 w;
	int err;

	if (kstrtou16(page, 10, &w) || w < PROXY_WEIGHT_MIN ||
	    w > PROXY_WEIGHT_MAX)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	to_proxy_be(item)->weight = w;
	err = proxy_be_publish();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_be_backup_show(struct config_item *item, char *page)
{
	bool b;

	mutex_lock(&proxy_mutex);
	b = to_proxy_be(item)->backup;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%d\n", b);
}

/* "0" or "1" only: one spelling, so scripts compare what they read. */
static ssize_t proxy_be_backup_store(struct config_item *item,
				     const char *page, size_t count)
{
	bool b;
	int err;

	if (sysfs_streq(page, "0"))
		b = false;
	else if (sysfs_streq(page, "1"))
		b = true;
	else
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	to_proxy_be(item)->backup = b;
	err = proxy_be_publish();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

static ssize_t proxy_be_max_conn_show(struct config_item *item, char *page)
{
	u32 n;

	mutex_lock(&proxy_mutex);
	n = to_proxy_be(item)->max_conn;
	mutex_unlock(&proxy_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", n);
}

/* Flows at once, 0 for no limit; flows beyond a lowered limit go on. */
static ssize_t proxy_be_max_conn_store(struct config_item *item,
				       const char *page, size_t count)
{
	u32 n;
	int err;

	if (kstrtou32(page, 10, &n) || n > PROXY_MAX_CONN_MAX)
		return -EINVAL;
	mutex_lock(&proxy_mutex);
	to_proxy_be(item)->max_conn = n;
	err = proxy_be_publish();
	mutex_unlock(&proxy_mutex);
	return err ? err : count;
}

CONFIGFS_ATTR(proxy_be_, addr);
CONFIGFS_ATTR(proxy_be_, port);
CONFIGFS_ATTR(proxy_be_, weight);
CONFIGFS_ATTR(proxy_be_, backup);
CONFIGFS_ATTR(proxy_be_, max_conn);

static struct configfs_attribute *proxy_be_attrs[] = {
	&proxy_be_attr_addr,
	&proxy_be_attr_port,
	&proxy_be_attr_weight,
	&proxy_be_attr_backup,
	&proxy_be_attr_max_conn,
	NULL,
};

static void proxy_be_release(struct config_item *item)
{
	kfree(to_proxy_be(item));
}

static struct configfs_item_operations proxy_be_item_ops = {
	.release = proxy_be_release,
};

static const struct config_item_type proxy_be_type = {
	.ct_item_ops = &proxy_be_item_ops,
	.ct_attrs = proxy_be_attrs,
	.ct_owner = THIS_MODULE,
};

/* mkdir backends/NAME: process context, configfs's su_mutex held. */
static struct config_item *proxy_be_make(struct config_group *group,
					 const char *name)
{
	struct proxy_be *be;
	unsigned int slot;

	if (strlen(name) > PROXY_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be)
		return ERR_PTR(-ENOMEM);
	config_item_init_type_name(&be->item, name, &proxy_be_type);
	be->weight = PROXY_WEIGHT_DEFAULT;
	mutex_lock(&proxy_mutex);
	slot = find_first_zero_bit(proxy_be_slots, PRX_MAX_BACKENDS);
	if (slot < PRX_MAX_BACKENDS) {
		__set_bit(slot, proxy_be_slots);
		be->slot = slot;
		list_add_tail(&be->node, &proxy_be_list);
	}
	mutex_unlock(&proxy_mutex);
	if (slot >= PRX_MAX_BACKENDS) {
		kfree(be);
		return ERR_PTR(-ENOSPC);
	}
	return &be->item;
}

/* rmdir backends/NAME: out of service at once; its flows go on. */
static void proxy_be_drop(struct config_group *group, struct config_item *item)
{
	struct proxy_be *be = to_proxy_be(item);

	mutex_lock(&proxy_mutex);
	list_del(&be->node);
	__clear_bit(be->slot, proxy_be_slots);
	if (proxy_be_publish())
		pr_warn("no memory to withdraw backend %s\n",
			config_item_name(item));
	mutex_unlock(&proxy_mutex);
	config_item_put(item);
}

static struct configfs_group_operations proxy_backends_ops = {
	.make_item = proxy_be_make,
	.drop_item = proxy_be_drop,
};

static const struct config_item_type proxy_backends_type = {
	.ct_group_ops = &proxy_backends_ops,
	.ct_owner = THIS_MODULE,
};

static struct config_group proxy_backends_group;

static const struct config_item_type proxy_root_type = {
	.ct_attrs = proxy_root_attrs,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem proxy_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = PROXY_CONFIGFS_DIR,
			.ci_type = &proxy_root_type,
		},
	},
};

/* Context: module init. */
int proxy_configfs_init(void)
{
	config_group_init(&proxy_subsys.su_group);
	mutex_init(&proxy_subsys.su_mutex);
	config_group_init_type_name(&proxy_backends_group, PROXY_BACKENDS_DIR,
				    &proxy_backends_type);
	configfs_add_default_group(&proxy_backends_group,
				   &proxy_subsys.su_group);
	return configfs_register_subsystem(&proxy_subsys);
}

/* Context: module exit; backends pin the module, so none is left. */
void proxy_configfs_exit(void)
{
	configfs_unregister_subsystem(&proxy_subsys);
}
