// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's configuration in configfs (Documentation/ABI/testing/
 * configfs-slhttpd):
 *
 *   /sys/kernel/config/slhttpd/{ports,invalid,rotate,addresses,date,offload}
 *   /sys/kernel/config/slhttpd/objects/NAME/
 *		{path,type,status,location,body,size,enable}
 *
 * Everything here runs in process context under slhttpd_mutex. Each
 * change is made on a copy and published whole with RCU
 * (slhttpd_set_config(), slhttpd_set_objects()), so the data path in
 * module.c never sees a half-written value and takes no lock.
 *
 * An object is edited while disabled and becomes an immutable snapshot
 * (struct slhttpd_obj_data) when enabled; the set of enabled objects is
 * published as an array sorted by path, replaced on every enable,
 * disable and rmdir.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "slhttpd.h"

#define SLHTTPD_OBJ_TYPE_DEFAULT	"application/octet-stream"
#define SLHTTPD_OBJ_STATUS_DEFAULT	200
#define SLHTTPD_STATUS_MIN		200
#define SLHTTPD_STATUS_MAX		599

/* ---- parsing helpers -------------------------------------------------- */

/* The length of a write without the newline echo(1) adds. */
static size_t slhttpd_strip(const char *page, size_t count)
{
	if (count && page[count - 1] == '\n')
		count--;
	return count;
}

static bool slhttpd_is_sep(char c)
{
	return isspace(c) || c == ',';
}

/*
 * The next word at *@s before @end, words separated by white space or
 * commas; NULL at the end. *@s moves past the word.
 */
static const char *slhttpd_word(const char **s, const char *end, size_t *len)
{
	const char *p = *s, *w;

	while (p < end && slhttpd_is_sep(*p))
		p++;
	w = p;
	while (p < end && !slhttpd_is_sep(*p))
		p++;
	*s = p;
	*len = p - w;
	return *len ? w : NULL;
}

/*
 * Whether @len bytes at @s are printable ASCII: from '!' (or ' ' if
 * @space) to '~', none of them in @reject. No control characters, so no
 * CR or LF can end up in a response header.
 */
static bool slhttpd_text_ok(const char *s, size_t len, bool space,
			    const char *reject)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < (space ? ' ' : '!') || s[i] > '~' ||
		    strchr(reject, s[i]))
			return false;
	}
	return true;
}

/* ---- /sys/kernel/config/slhttpd/{ports,invalid,rotate,...} ------------- */

/* Apply @cfg, a modified copy of slhttpd_cfg; slhttpd_mutex held. */
static ssize_t slhttpd_apply(const struct slh_config *cfg, size_t count)
{
	int err = slhttpd_set_config(cfg);

	return err ? err : count;
}

static ssize_t slhttpd_ports_show(struct config_item *item, char *page)
{
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&slhttpd_mutex);
	for (i = 0; i < slhttpd_cfg.nr_ports; i++)
		len += scnprintf(page + len, PAGE_SIZE - len, "%s%u",
				 i ? " " : "", slhttpd_cfg.ports[i]);
	mutex_unlock(&slhttpd_mutex);
	len += scnprintf(page + len, PAGE_SIZE - len, "\n");
	return len;
}

/* 1 to SLH_MAX_PORTS distinct ports, 1-65535. */
static ssize_t slhttpd_ports_store(struct config_item *item,
				   const char *page, size_t count)
{
	const char *s = page, *end = page + count, *w;
	u16 ports[SLH_MAX_PORTS];
	unsigned int n = 0, i;
	struct slh_config cfg;
	char tok[8];
	ssize_t ret;
	size_t len;
	u16 port;

	while ((w = slhttpd_word(&s, end, &len))) {
		if (n == SLH_MAX_PORTS || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, w, len);
		tok[len] = '\0';
		if (kstrtou16(tok, 10, &port) || !port)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (ports[i] == port)
				return -EINVAL;
		ports[n++] = port;
	}
	if (!n)
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	cfg = slhttpd_cfg;
	memset(cfg.ports, 0, sizeof(cfg.ports));
	memcpy(cfg.ports, ports, n * sizeof(ports[0]));
	cfg.nr_ports = n;
	ret = slhttpd_apply(&cfg, count);
	mutex_unlock(&slhttpd_mutex);
	return ret;
}

static ssize_t slhttpd_invalid_show(struct config_item *item, char *page)
{
	u8 invalid;

	mutex_lock(&slhttpd_mutex);
	invalid = slhttpd_cfg.invalid;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%s\n",
			 invalid == SLH_INVALID_RST ? "rst" : "drop");
}

static ssize_t slhttpd_invalid_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct slh_config cfg;
	ssize_t ret;
	u8 invalid;

	if (sysfs_streq(page, "drop"))
		invalid = SLH_INVALID_DROP;
	else if (sysfs_streq(page, "rst"))
		invalid = SLH_INVALID_RST;
	else
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	cfg = slhttpd_cfg;
	cfg.invalid = invalid;
	ret = slhttpd_apply(&cfg, count);
	mutex_unlock(&slhttpd_mutex);
	return ret;
}

static ssize_t slhttpd_rotate_show(struct config_item *item, char *page)
{
	unsigned int secs;

	mutex_lock(&slhttpd_mutex);
	secs = slhttpd_rotate;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", secs);
}

/* A new period starts at once; the keys are not changed by the write. */
static ssize_t slhttpd_rotate_store(struct config_item *item,
				    const char *page, size_t count)
{
	unsigned int secs;

	if (kstrtouint(page, 10, &secs) || secs < SLHTTPD_ROTATE_MIN ||
	    secs > SLHTTPD_ROTATE_MAX)
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	slhttpd_set_rotate(secs);
	mutex_unlock(&slhttpd_mutex);
	return count;
}

static ssize_t slhttpd_addresses_show(struct config_item *item, char *page)
{
	const char *sep = "";
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&slhttpd_mutex);
	for (i = 0; i < slhttpd_cfg.nr_addr4; i++, sep = " ")
		len += scnprintf(page + len, PAGE_SIZE - len, "%s%pI4", sep,
				 slhttpd_cfg.addr4[i]);
	for (i = 0; i < slhttpd_cfg.nr_addr6; i++, sep = " ")
		len += scnprintf(page + len, PAGE_SIZE - len, "%s%pI6c", sep,
				 slhttpd_cfg.addr6[i]);
	mutex_unlock(&slhttpd_mutex);
	len += scnprintf(page + len, PAGE_SIZE - len, "\n");
	return len;
}

/* Parse one address into @cfg; -EINVAL if bad, repeated or one too many. */
static int slhttpd_add_address(struct slh_config *cfg, const char *w,
			       size_t len)
{
	const char *end;
	u8 a[16];
	int i;

	if (memchr(w, ':', len)) {
		if (!in6_pton(w, len, a, -1, &end) || end != w + len ||
		    cfg->nr_addr6 == SLH_MAX_ADDRS)
			return -EINVAL;
		for (i = 0; i < cfg->nr_addr6; i++)
			if (!memcmp(cfg->addr6[i], a, 16))
				return -EINVAL;
		memcpy(cfg->addr6[cfg->nr_addr6++], a, 16);
		return 0;
	}
	if (!in4_pton(w, len, a, -1, &end) || end != w + len ||
	    cfg->nr_addr4 == SLH_MAX_ADDRS)
		return -EINVAL;
	for (i = 0; i < cfg->nr_addr4; i++)
		if (!memcmp(cfg->addr4[i], a, 4))
			return -EINVAL;
	memcpy(cfg->addr4[cfg->nr_addr4++], a, 4);
	return 0;
}

/* Up to SLH_MAX_ADDRS of each family; nothing: any destination. */
static ssize_t slhttpd_addresses_store(struct config_item *item,
				       const char *page, size_t count)
{
	const char *s = page, *end = page + count, *w;
	struct slh_config cfg;
	ssize_t ret = 0;
	size_t len;

	mutex_lock(&slhttpd_mutex);
	cfg = slhttpd_cfg;
	cfg.nr_addr4 = 0;
	cfg.nr_addr6 = 0;
	memset(cfg.addr4, 0, sizeof(cfg.addr4));
	memset(cfg.addr6, 0, sizeof(cfg.addr6));
	while (!ret && (w = slhttpd_word(&s, end, &len)))
		ret = slhttpd_add_address(&cfg, w, len);
	if (!ret)
		ret = slhttpd_apply(&cfg, count);
	mutex_unlock(&slhttpd_mutex);
	return ret;
}

static ssize_t slhttpd_date_show(struct config_item *item, char *page)
{
	u8 date;

	mutex_lock(&slhttpd_mutex);
	date = slhttpd_cfg.date;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", date);
}

static ssize_t slhttpd_date_store(struct config_item *item,
				  const char *page, size_t count)
{
	struct slh_config cfg;
	ssize_t ret;
	bool on;

	if (kstrtobool(page, &on))
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	cfg = slhttpd_cfg;
	cfg.date = on;
	ret = slhttpd_apply(&cfg, count);
	mutex_unlock(&slhttpd_mutex);
	return ret;
}

/*
 * offload: "PREFIX RING" lines; "add PREFIX RING" and "del PREFIX" change
 * one rule. A prefix is a path start ('/' then visible characters), a
 * ring a ring name (Documentation/ring.rst); the ring need not exist yet:
 * while it does not, or has no daemon, matching requests get a 503.
 */
static ssize_t slhttpd_offload_show(struct config_item *item, char *page)
{
	const struct slhttpd_offloads *rules;
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&slhttpd_mutex);
	rules = slhttpd_offloads_get();
	for (i = 0; rules && i < rules->nr; i++)
		len += scnprintf(page + len, PAGE_SIZE - len, "%s %s\n",
				 rules->v[i].prefix, rules->v[i].ring);
	mutex_unlock(&slhttpd_mutex);
	return len;
}

static bool slhttpd_offload_prefix_ok(const char *p, size_t len)
{
	size_t i;

	if (!len || len > SLHTTPD_OBJ_PATH_MAX || p[0] != '/')
		return false;
	for (i = 0; i < len; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f)
			return false;
	return true;
}

static bool slhttpd_offload_ring_ok(const char *r, size_t len)
{
	size_t i;

	if (!len || len >= NDIV_RING_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(r[i]) && !strchr("._-", r[i]))
			return false;
	return true;
}

/* Index of prefix p in rules, or -1. */
static int slhttpd_offload_find(const struct slhttpd_offloads *rules,
				const char *p, size_t len)
{
	unsigned int i;

	for (i = 0; rules && i < rules->nr; i++)
		if (rules->v[i].prefix_len == len &&
		    !memcmp(rules->v[i].prefix, p, len))
			return i;
	return -1;
}

/*
 * The rules with rule i left out (i < 0: none) and, if p, one more; under
 * slhttpd_mutex.
 */
static struct slhttpd_offloads *
slhttpd_offload_copy(const struct slhttpd_offloads *old, int skip,
		     const struct slhttpd_offload *add)
{
	unsigned int n = old ? old->nr : 0, i, j = 0;
	struct slhttpd_offloads *rules;

	rules = kvzalloc(struct_size(rules, v, n + 1), GFP_KERNEL);
	if (!rules)
		return NULL;
	rules->nr = n + 1;
	for (i = 0; i < n; i++)
		if ((int)i != skip)
			rules->v[j++] = old->v[i];
	if (add)
		rules->v[j++] = *add;
	rules->nr = j;
	return rules;
}

/* Split "WORD WORD WORD" (a trailing newline allowed) in place. */
static int slhttpd_offload_words(char *buf, char **w, int max)
{
	int n = 0;
	char *tok;

	strim(buf);
	while ((tok = strsep(&buf, " \t")) && n <= max)
		if (*tok)
			w[n++] = tok;
	return n;
}

static ssize_t slhttpd_offload_apply(char **w, int n)
{
	const struct slhttpd_offloads *old = slhttpd_offloads_get();
	struct slhttpd_offload add = {};
	struct slhttpd_offloads *rules;
	size_t plen = n >= 2 ? strlen(w[1]) : 0;
	int i;

	if (n < 2 || !slhttpd_offload_prefix_ok(w[1], plen))
		return -EINVAL;
	i = slhttpd_offload_find(old, w[1], plen);
	if (!strcmp(w[0], "del") && n == 2) {
		if (i < 0)
			return -ENOENT;
		rules = slhttpd_offload_copy(old, i, NULL);
	} else if (!strcmp(w[0], "add") && n == 3 &&
		   slhttpd_offload_ring_ok(w[2], strlen(w[2]))) {
		if (i >= 0)
			return -EEXIST;
		if (old && old->nr >= SLHTTPD_OFFLOAD_MAX)
			return -ENOSPC;
		memcpy(add.prefix, w[1], plen);
		add.prefix_len = plen;
		strscpy(add.ring, w[2], sizeof(add.ring));
		rules = slhttpd_offload_copy(old, -1, &add);
	} else {
		return -EINVAL;
	}
	if (!rules)
		return -ENOMEM;
	slhttpd_offloads_set(rules);
	return 0;
}

static ssize_t slhttpd_offload_store(struct config_item *item,
				     const char *page, size_t count)
{
	char *buf, *w[4];
	ssize_t ret;
	int n;

	buf = kmemdup_nul(page, count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = slhttpd_offload_words(buf, w, 3);
	mutex_lock(&slhttpd_mutex);
	ret = n > 3 ? -EINVAL : slhttpd_offload_apply(w, n);
	mutex_unlock(&slhttpd_mutex);
	kfree(buf);
	return ret ? ret : count;
}

CONFIGFS_ATTR(slhttpd_, ports);
CONFIGFS_ATTR(slhttpd_, invalid);
CONFIGFS_ATTR(slhttpd_, rotate);
CONFIGFS_ATTR(slhttpd_, addresses);
CONFIGFS_ATTR(slhttpd_, date);
CONFIGFS_ATTR(slhttpd_, offload);

static struct configfs_attribute *slhttpd_root_attrs[] = {
	&slhttpd_attr_ports,
	&slhttpd_attr_invalid,
	&slhttpd_attr_rotate,
	&slhttpd_attr_addresses,
	&slhttpd_attr_date,
	&slhttpd_attr_offload,
	NULL,
};

/* ---- objects/NAME ------------------------------------------------------- */

struct slhttpd_obj {
	struct config_item item;
	/* the rest under slhttpd_mutex */
	struct list_head node;		/* in slhttpd_obj_list */
	char path[SLH_OBJ_PATH_MAX + 1];
	char type[SLH_OBJ_TYPE_MAX + 1];
	char location[SLH_OBJ_LOCATION_MAX + 1];
	u16 status;
	u8 *body;			/* kvmalloc()ed, NULL when empty */
	u32 body_len;
	struct slhttpd_obj_data *live;	/* published while enabled */
};

static LIST_HEAD(slhttpd_obj_list);

static struct slhttpd_obj *to_slhttpd_obj(struct config_item *item)
{
	return container_of(item, struct slhttpd_obj, item);
}

/* The immutable copy of @o that the data path reads while it is enabled. */
static struct slhttpd_obj_data *
slhttpd_obj_data_new(const struct slhttpd_obj *o)
{
	size_t plen = strlen(o->path), tlen = strlen(o->type);
	size_t llen = strlen(o->location);
	struct slhttpd_obj_data *d;
	char *p;

	d = kvmalloc(sizeof(*d) + plen + tlen + llen + o->body_len,
		     GFP_KERNEL);
	if (!d)
		return NULL;
	p = (char *)(d + 1);
	memcpy(p, o->path, plen);
	d->path = p;
	d->path_len = plen;
	p += plen;
	memcpy(p, o->type, tlen);
	d->obj.type = p;
	d->obj.type_len = tlen;
	p += tlen;
	memcpy(p, o->location, llen);
	d->obj.location = llen ? p : NULL;
	d->obj.location_len = llen;
	p += llen;
	if (o->body_len)
		memcpy(p, o->body, o->body_len);
	d->obj.body = p;
	d->obj.body_len = o->body_len;
	d->obj.status = o->status;
	return d;
}

static int slhttpd_obj_data_cmp(const void *a, const void *b)
{
	const struct slhttpd_obj_data *x = *(const struct slhttpd_obj_data **)a;
	const struct slhttpd_obj_data *y = *(const struct slhttpd_obj_data **)b;

	return slhttpd_path_cmp(x->path, x->path_len, y->path, y->path_len);
}

/* Publish the set of enabled objects; -ENOMEM leaves the old one. */
static int slhttpd_publish_objs(void)
{
	struct slhttpd_objs *objs;
	struct slhttpd_obj *o;
	unsigned int n = 0;

	lockdep_assert_held(&slhttpd_mutex);
	list_for_each_entry(o, &slhttpd_obj_list, node)
		n += !!o->live;
	if (!n) {
		slhttpd_set_objects(NULL);
		return 0;
	}
	objs = kvmalloc(struct_size(objs, v, n), GFP_KERNEL);
	if (!objs)
		return -ENOMEM;
	objs->nr = n;
	n = 0;
	list_for_each_entry(o, &slhttpd_obj_list, node)
		if (o->live)
			objs->v[n++] = o->live;
	sort(objs->v, n, sizeof(objs->v[0]), slhttpd_obj_data_cmp, NULL);
	slhttpd_set_objects(objs);
	return 0;
}

static int slhttpd_obj_enable(struct slhttpd_obj *o)
{
	struct slhttpd_obj_data *d;
	struct slhttpd_obj *x;
	int err;

	if (o->live)
		return 0;
	if (!o->path[0])
		return -EINVAL;
	list_for_each_entry(x, &slhttpd_obj_list, node)
		if (x->live && !strcmp(x->path, o->path))
			return -EEXIST;
	d = slhttpd_obj_data_new(o);
	if (!d)
		return -ENOMEM;
	o->live = d;
	err = slhttpd_publish_objs();
	if (err) {
		o->live = NULL;
		kvfree(d);
	}
	return err;
}

/* Withdraw @o; cannot fail, as rmdir has to succeed. */
static void slhttpd_obj_disable(struct slhttpd_obj *o)
{
	struct slhttpd_obj_data *d = o->live;
	struct slhttpd_objs *objs;
	unsigned int i, j = 0;

	if (!d)
		return;
	o->live = NULL;
	if (slhttpd_publish_objs()) {
		/*
		 * No memory for a new set: take the current one away from
		 * the data path for a grace period (lookups miss meanwhile)
		 * and remove @d from it in place.
		 */
		objs = slhttpd_take_objects();
		for (i = 0; objs && i < objs->nr; i++)
			if (objs->v[i] != d)
				objs->v[j++] = objs->v[i];
		if (objs && j) {
			objs->nr = j;
			slhttpd_set_objects(objs);
		} else {
			kvfree(objs);
		}
	}
	kvfree_rcu(d, rcu);
}

/* Stores of an enabled object fail: it is an immutable snapshot. */
static ssize_t slhttpd_obj_set_text(struct slhttpd_obj *o, char *dst,
				    const char *page, size_t len,
				    size_t count)
{
	int err = 0;

	mutex_lock(&slhttpd_mutex);
	if (o->live) {
		err = -EBUSY;
	} else {
		memcpy(dst, page, len);
		dst[len] = '\0';
	}
	mutex_unlock(&slhttpd_mutex);
	return err ? err : count;
}

static ssize_t slhttpd_obj_show_text(const char *src, char *page)
{
	ssize_t len;

	mutex_lock(&slhttpd_mutex);
	len = scnprintf(page, PAGE_SIZE, "%s\n", src);
	mutex_unlock(&slhttpd_mutex);
	return len;
}

static ssize_t slhttpd_obj_path_show(struct config_item *item, char *page)
{
	return slhttpd_obj_show_text(to_slhttpd_obj(item)->path, page);
}

/* '/' then visible ASCII; no '?' or '#': a request's path never has them. */
static ssize_t slhttpd_obj_path_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	size_t len = slhttpd_strip(page, count);

	if (!len || len > SLH_OBJ_PATH_MAX || page[0] != '/' ||
	    !slhttpd_text_ok(page, len, false, "?#"))
		return -EINVAL;
	return slhttpd_obj_set_text(o, o->path, page, len, count);
}

static ssize_t slhttpd_obj_type_show(struct config_item *item, char *page)
{
	return slhttpd_obj_show_text(to_slhttpd_obj(item)->type, page);
}

static ssize_t slhttpd_obj_type_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	size_t len = slhttpd_strip(page, count);

	if (!len || len > SLH_OBJ_TYPE_MAX ||
	    !slhttpd_text_ok(page, len, true, ""))
		return -EINVAL;
	return slhttpd_obj_set_text(o, o->type, page, len, count);
}

static ssize_t slhttpd_obj_location_show(struct config_item *item,
					 char *page)
{
	return slhttpd_obj_show_text(to_slhttpd_obj(item)->location, page);
}

/* Empty: no Location header. */
static ssize_t slhttpd_obj_location_store(struct config_item *item,
					  const char *page, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	size_t len = slhttpd_strip(page, count);

	if (len > SLH_OBJ_LOCATION_MAX ||
	    !slhttpd_text_ok(page, len, false, ""))
		return -EINVAL;
	return slhttpd_obj_set_text(o, o->location, page, len, count);
}

static ssize_t slhttpd_obj_status_show(struct config_item *item, char *page)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	u16 status;

	mutex_lock(&slhttpd_mutex);
	status = o->status;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", status);
}

static ssize_t slhttpd_obj_status_store(struct config_item *item,
					const char *page, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	int err = 0;
	u16 status;

	if (kstrtou16(page, 10, &status) || status < SLHTTPD_STATUS_MIN ||
	    status > SLHTTPD_STATUS_MAX)
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	if (o->live)
		err = -EBUSY;
	else
		o->status = status;
	mutex_unlock(&slhttpd_mutex);
	return err ? err : count;
}

static ssize_t slhttpd_obj_size_show(struct config_item *item, char *page)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	u32 len;

	mutex_lock(&slhttpd_mutex);
	len = o->body_len;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%u\n", len);
}

static ssize_t slhttpd_obj_enable_show(struct config_item *item, char *page)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	bool on;

	mutex_lock(&slhttpd_mutex);
	on = o->live;
	mutex_unlock(&slhttpd_mutex);
	return scnprintf(page, PAGE_SIZE, "%d\n", on);
}

static ssize_t slhttpd_obj_enable_store(struct config_item *item,
					const char *page, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	int err = 0;
	bool on;

	if (kstrtobool(page, &on))
		return -EINVAL;
	mutex_lock(&slhttpd_mutex);
	if (on)
		err = slhttpd_obj_enable(o);
	else
		slhttpd_obj_disable(o);
	mutex_unlock(&slhttpd_mutex);
	return err ? err : count;
}

/* configfs reads a binary attribute twice: its size (buf NULL), then it. */
static ssize_t slhttpd_obj_body_read(struct config_item *item, void *buf,
				     size_t max)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	size_t len;

	mutex_lock(&slhttpd_mutex);
	len = o->body_len;
	if (buf) {
		len = min(len, max);
		memcpy(buf, o->body, len);
	}
	mutex_unlock(&slhttpd_mutex);
	return len;
}

/*
 * configfs calls this when the writer closes the file, and ignores what
 * it returns: a writer checks "size" afterwards.
 */
static ssize_t slhttpd_obj_body_write(struct config_item *item,
				      const void *buf, size_t count)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);
	u8 *body = NULL;
	int err = 0;

	if (count > SLH_MAX_BODY)
		return -EFBIG;
	if (count) {
		body = kvmemdup(buf, count, GFP_KERNEL);
		if (!body)
			return -ENOMEM;
	}
	mutex_lock(&slhttpd_mutex);
	if (o->live) {
		err = -EBUSY;
	} else {
		swap(o->body, body);
		o->body_len = count;
	}
	mutex_unlock(&slhttpd_mutex);
	kvfree(body);
	return err ? err : count;
}

CONFIGFS_ATTR(slhttpd_obj_, path);
CONFIGFS_ATTR(slhttpd_obj_, type);
CONFIGFS_ATTR(slhttpd_obj_, status);
CONFIGFS_ATTR(slhttpd_obj_, location);
CONFIGFS_ATTR_RO(slhttpd_obj_, size);
CONFIGFS_ATTR(slhttpd_obj_, enable);
CONFIGFS_BIN_ATTR(slhttpd_obj_, body, NULL, SLH_MAX_BODY);

static struct configfs_attribute *slhttpd_obj_attrs[] = {
	&slhttpd_obj_attr_path,
	&slhttpd_obj_attr_type,
	&slhttpd_obj_attr_status,
	&slhttpd_obj_attr_location,
	&slhttpd_obj_attr_size,
	&slhttpd_obj_attr_enable,
	NULL,
};

static struct configfs_bin_attribute *slhttpd_obj_bin_attrs[] = {
	&slhttpd_obj_attr_body,
	NULL,
};

/* The last reference is gone; rmdir withdrew the object already. */
static void slhttpd_obj_release(struct config_item *item)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);

	kvfree(o->body);
	kfree(o);
}

static struct configfs_item_operations slhttpd_obj_item_ops = {
	.release = slhttpd_obj_release,
};

static const struct config_item_type slhttpd_obj_type = {
	.ct_item_ops = &slhttpd_obj_item_ops,
	.ct_attrs = slhttpd_obj_attrs,
	.ct_bin_attrs = slhttpd_obj_bin_attrs,
	.ct_owner = THIS_MODULE,
};

/* mkdir objects/NAME: process context, configfs's su_mutex held. */
static struct config_item *slhttpd_obj_make(struct config_group *group,
					    const char *name)
{
	struct slhttpd_obj *o;

	o = kzalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return ERR_PTR(-ENOMEM);
	strscpy(o->type, SLHTTPD_OBJ_TYPE_DEFAULT, sizeof(o->type));
	o->status = SLHTTPD_OBJ_STATUS_DEFAULT;
	config_item_init_type_name(&o->item, name, &slhttpd_obj_type);
	mutex_lock(&slhttpd_mutex);
	list_add_tail(&o->node, &slhttpd_obj_list);
	mutex_unlock(&slhttpd_mutex);
	return &o->item;
}

/*
 * rmdir objects/NAME: process context, su_mutex held. configfs has made
 * the attributes dead and waited for running stores first.
 */
static void slhttpd_obj_drop(struct config_group *group,
			     struct config_item *item)
{
	struct slhttpd_obj *o = to_slhttpd_obj(item);

	mutex_lock(&slhttpd_mutex);
	slhttpd_obj_disable(o);
	list_del(&o->node);
	mutex_unlock(&slhttpd_mutex);
	config_item_put(item);
}

static struct configfs_group_operations slhttpd_objects_ops = {
	.make_item = slhttpd_obj_make,
	.drop_item = slhttpd_obj_drop,
};

static const struct config_item_type slhttpd_objects_type = {
	.ct_group_ops = &slhttpd_objects_ops,
	.ct_owner = THIS_MODULE,
};

static struct config_group slhttpd_objects_group;

static const struct config_item_type slhttpd_root_type = {
	.ct_attrs = slhttpd_root_attrs,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem slhttpd_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "slhttpd",
			.ci_type = &slhttpd_root_type,
		},
	},
};

/* Context: module init. */
int slhttpd_configfs_init(void)
{
	config_group_init(&slhttpd_subsys.su_group);
	mutex_init(&slhttpd_subsys.su_mutex);
	config_group_init_type_name(&slhttpd_objects_group, "objects",
				    &slhttpd_objects_type);
	configfs_add_default_group(&slhttpd_objects_group,
				   &slhttpd_subsys.su_group);
	return configfs_register_subsystem(&slhttpd_subsys);
}

/* Context: module exit; objects pin the module, so none is left. */
void slhttpd_configfs_exit(void)
{
	configfs_unregister_subsystem(&slhttpd_subsys);
}
