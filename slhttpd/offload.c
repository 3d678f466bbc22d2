// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd offload: GET and HEAD requests whose path starts with a
 * configured prefix go to a daemon through an ndiv ring
 * (Documentation/ring.rst, "slhttpd offload"), and the daemon's response
 * is served like a static object.
 *
 * slhttpd keeps no connection state, and a response may take several
 * segments and resends. So the answer is kept in a store, keyed by the
 * connection's addresses and ports and the request's sequence number,
 * until it expires: a request is handed over once and left
 * unacknowledged; the client sends it again (its retransmission timer),
 * and that copy, or any later one (a resume at MID), is answered from the
 * store, always with the same bytes.
 *
 * Context: slhttpd_offload() runs in slhttpd_rx() (NAPI, RCU read side);
 * the ring's answer callback under the ring pair's lock with BH disabled;
 * the rules are set in process context under slhttpd_mutex and published
 * with RCU. The store's buckets each have a spinlock (taken only for
 * offloaded requests); lookups walk a bucket under RCU.
 */
#include <linux/jhash.h>
#include <linux/ndiv_ringdev.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <ndiv/http1.h>

#include "slhttpd.h"
#include "request.h"

#define SLHO_BUCKETS		1024
/* Entries at most; past it, offloaded requests get a 503. */
#define SLHO_ENTRIES_MAX	8192
/* A kept answer lives this long after it is complete. */
#define SLHO_KEEP		(30 * HZ)
/* A request the daemon never answers is given up after this. */
#define SLHO_WAIT_MAX		(60 * HZ)
/* Longest request frame kept for a replay. */
#define SLHO_FRAME_MAX		2048

/* The store's key: one request of one connection. */
struct slho_key {
	u8 saddr[16];
	u8 daddr[16];
	__be16 sport, dport;	/* as ports, in host order, but fixed width */
	u32 seq;
	u8 family;
	u8 pad[3];
};

enum { SLHO_WAIT, SLHO_READY };

struct slho_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	struct slho_key key;
	unsigned long expires;		/* jiffies */
	int state;			/* SLHO_*, published with release */
	struct slh_object obj;		/* valid once SLHO_READY */
	u8 *body;
	u32 body_len, body_cap;
	char type[SLH_OBJ_TYPE_MAX];
	char location[SLH_OBJ_LOCATION_MAX];
	/*
	 * The request's frame and what the engine needs to answer it
	 * again once the answer is here (slhttpd_replay()). dev holds a
	 * reference until the replay, or until it unregisters; under the
	 * bucket's lock.
	 */
	struct net_device *dev;
	netdevice_tracker tracker;
	struct slh_config cfg;
	struct ndiv_frame f;
	u8 frame[SLHO_FRAME_MAX];
};

struct slho_bucket {
	spinlock_t lock;
	struct hlist_head head;
};

static struct slho_bucket *slho_table;
static atomic_t slho_entries = ATOMIC_INIT(0);
static struct slhttpd_offloads __rcu *slho_rules;

static const u8 slho_503_body[] = "503 Service Unavailable\n";
static const u8 slho_502_body[] = "502 Bad Gateway\n";

static const struct slh_object slho_503 = {
	.body = slho_503_body,
	.body_len = sizeof(slho_503_body) - 1,
	.status = 503,
};

static void slho_fail_obj(struct slh_object *o, u16 status)
{
	*o = slho_503;
	if (status == 502) {
		o->status = 502;
		o->body = slho_502_body;
		o->body_len = sizeof(slho_502_body) - 1;
	}
}

static u32 slho_hash(const struct slho_key *k)
{
	return jhash2((const u32 *)k, sizeof(*k) / 4, 0) % SLHO_BUCKETS;
}

static void slho_key(struct slho_key *k, const struct slh_offload_req *o)
{
	const struct ndiv_tcp_seg *s = o->seg;
	unsigned int alen = s->family == 4 ? 4 : 16;

	memset(k, 0, sizeof(*k));
	memcpy(k->saddr, s->saddr, alen);
	memcpy(k->daddr, s->daddr, alen);
	k->sport = (__force __be16)s->sport;
	k->dport = (__force __be16)s->dport;
	k->seq = o->seq;
	k->family = s->family;
}

/* The entry of k, or NULL. Under RCU or the bucket's lock. */
static struct slho_entry *slho_find(struct slho_bucket *b,
				    const struct slho_key *k)
{
	struct slho_entry *e;

	hlist_for_each_entry_rcu(e, &b->head, node,
				 lockdep_is_held(&b->lock))
		if (!memcmp(&e->key, k, sizeof(*k)))
			return e;
	return NULL;
}

static void slho_free_rcu(struct rcu_head *rcu)
{
	struct slho_entry *e = container_of(rcu, struct slho_entry, rcu);

	netdev_put(e->dev, &e->tracker);
	kfree(e->body);
	kfree(e);
}

/* Under the bucket's lock. */
static void slho_remove(struct slho_entry *e)
{
	hlist_del_rcu(&e->node);
	atomic_dec(&slho_entries);
	call_rcu(&e->rcu, slho_free_rcu);
}

/* The rule whose prefix is the longest one path starts with, or NULL. */
static const struct slhttpd_offload *
slho_rule(const struct slhttpd_offloads *rules, const u8 *path, u16 len)
{
	const struct slhttpd_offload *best = NULL;
	unsigned int i;

	for (i = 0; i < rules->nr; i++) {
		const struct slhttpd_offload *r = &rules->v[i];

		if (r->prefix_len <= len && !memcmp(r->prefix, path,
						    r->prefix_len) &&
		    (!best || r->prefix_len > best->prefix_len))
			best = r;
	}
	return best;
}

/* The parsed request as the ring's descriptor wants it. */
static int slho_ring_req(struct ndiv_ringdev_req *rr,
			 struct ndiv_ring_hdr *hdrs,
			 const struct slh_offload_req *o)
{
	struct ndiv_http1_field f[NDIV_RING_MAX_HEADERS];
	const struct ndiv_tcp_seg *s = o->seg;
	struct ndiv_http1_req h;
	unsigned int i;

	if (ndiv_http1_parse(o->data, o->len, &h, f, ARRAY_SIZE(f)) !=
	    NDIV_HTTP1_OK)
		return -EINVAL;
	memset(rr, 0, sizeof(*rr));
	rr->data = o->data;
	rr->data_len = o->len;
	rr->method.off = h.method_off;
	rr->method.len = h.method_len;
	rr->target.off = h.target_off;
	rr->target.len = h.target_len;
	rr->version = h.version == 10 ? 0x0100 : 0x0101;
	rr->nr_headers = min_t(u16, h.nr_fields, NDIV_RING_MAX_HEADERS);
	for (i = 0; i < rr->nr_headers; i++) {
		hdrs[i].name.off = f[i].name_off;
		hdrs[i].name.len = f[i].name_len;
		hdrs[i].value.off = f[i].value_off;
		hdrs[i].value.len = f[i].value_len;
	}
	rr->headers = hdrs;
	rr->family = s->family == 4 ? NDIV_RING_IPV4 : NDIV_RING_IPV6;
	memcpy(rr->addr, s->saddr, s->family == 4 ? 4 : 16);
	rr->port = s->sport;
	rr->local_port = s->dport;
	return 0;
}

static const struct ndiv_ringdev_ops slho_ring_ops;

/* Keep what a replay needs; before the request is handed over. */
static void slho_keep_frame(struct slho_entry *e,
			    const struct slhttpd_offload_ctx *oc,
			    const struct ndiv_frame *f)
{
	if (f->len > sizeof(e->frame))
		return;		/* the client's retransmission will do */
	memcpy(e->frame, f->data, f->len);
	e->f = *f;
	e->f.data = e->frame;
	e->cfg = *oc->cfg;
	e->dev = oc->dev;
	netdev_hold(e->dev, &e->tracker, GFP_ATOMIC);
}

/*
 * A new entry for k, waiting, with the request frame f kept, in bucket b;
 * NULL if there is one already (another CPU handed the same request
 * over) or no memory.
 */
static struct slho_entry *slho_insert(struct slho_bucket *b,
				      const struct slho_key *k,
				      const struct slhttpd_offload_ctx *oc,
				      const struct ndiv_frame *f)
{
	struct slho_entry *e;

	if (atomic_inc_return(&slho_entries) > SLHO_ENTRIES_MAX)
		goto full;
	e = kzalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		goto full;
	e->key = *k;
	e->state = SLHO_WAIT;
	e->expires = jiffies + SLHO_WAIT_MAX;
	slho_keep_frame(e, oc, f);
	spin_lock(&b->lock);
	if (slho_find(b, k)) {
		spin_unlock(&b->lock);
		netdev_put(e->dev, &e->tracker);
		kfree(e);
		goto full;
	}
	hlist_add_head_rcu(&e->node, &b->head);
	spin_unlock(&b->lock);
	return e;
full:
	atomic_dec(&slho_entries);
	return NULL;
}

/* Hand the request over on the ring of rule r; SLH_OFFLOAD_*. */
static int slho_hand_over(const struct slhttpd_offload_ctx *oc,
			  const struct slhttpd_offload *r,
			  const struct slh_offload_req *o,
			  const struct slho_key *k,
			  const struct slh_object **obj)
{
	struct ndiv_ring_hdr hdrs[NDIV_RING_MAX_HEADERS];
	struct slho_bucket *b = &slho_table[slho_hash(k)];
	struct ndiv_ringdev_req rr;
	struct ndiv_ringdev *rd;
	struct slho_entry *e;

	*obj = &slho_503;
	rd = ndiv_ringdev_lookup_rcu(dev_net(oc->dev), r->ring);
	if (!rd || slho_ring_req(&rr, hdrs, o))
		return SLH_OFFLOAD_OBJ;
	e = slho_insert(b, k, oc, o->f);
	if (!e)
		return slho_find(b, k) ? SLH_OFFLOAD_WAIT : SLH_OFFLOAD_OBJ;
	if (!ndiv_ringdev_produce(rd, &slho_ring_ops, &rr, k, sizeof(*k)))
		return SLH_OFFLOAD_WAIT;
	spin_lock(&b->lock);
	slho_remove(e);
	spin_unlock(&b->lock);
	return SLH_OFFLOAD_OBJ;
}

/**
 * slhttpd_offload - the engine's offload hook (struct slh_env)
 * @ctx: struct slhttpd_offload_ctx
 * @o: the request
 * @obj: the answer, for SLH_OFFLOAD_OBJ
 *
 * Context: slhttpd_rx(), RCU read side, BH disabled.
 */
int slhttpd_offload(void *ctx, const struct slh_offload_req *o,
		    const struct slh_object **obj)
{
	const struct slhttpd_offloads *rules = rcu_dereference_bh(slho_rules);
	const struct slhttpd_offload_ctx *oc = ctx;
	const struct slhttpd_offload *r;
	struct slho_entry *e;
	struct slho_key k;

	if (!rules || !o->req->h.path)
		return SLH_OFFLOAD_NO;
	r = slho_rule(rules, o->req->h.path, o->req->h.path_len);
	if (!r)
		return SLH_OFFLOAD_NO;
	slho_key(&k, o);
	e = slho_find(&slho_table[slho_hash(&k)], &k);
	if (e) {
		/* Pairs with slho_ready(): the object is complete if READY. */
		if (smp_load_acquire(&e->state) != SLHO_READY)
			return SLH_OFFLOAD_WAIT;
		*obj = &e->obj;
		return SLH_OFFLOAD_OBJ;
	}
	/*
	 * A resume needs the bytes sent before, and they are gone; a replay
	 * of a request whose entry went meanwhile has nobody to answer.
	 */
	if (o->resume || !oc->dev)
		return SLH_OFFLOAD_WAIT;
	return slho_hand_over(oc, r, o, &k, obj);
}

/* A header line's value if its name is name (any case), else NULL. */
static const u8 *slho_hdr_value(const u8 *line, u32 len, const char *name,
				u32 *vlen)
{
	u32 n = strlen(name);

	if (len < n + 3 || strncasecmp(line, name, n) || line[n] != ':')
		return NULL;
	line += n + 1;
	len -= n + 1 + 2;		/* the name, ':' and CRLF */
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	*vlen = len;
	return line;
}

/*
 * The header lines slhttpd can send of the daemon's (checked by the ring:
 * "Name: value\r\n" each): Content-Type and Location; the others it
 * drops (Documentation/ring.rst).
 */
static void slho_head(struct slho_entry *e, const u8 *head, u32 len)
{
	const u8 *line = head, *end = head + len, *nl, *v;
	u32 vlen;

	while (line < end) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			break;
		v = slho_hdr_value(line, nl + 1 - line, "content-type", &vlen);
		if (v && vlen <= sizeof(e->type)) {
			memcpy(e->type, v, vlen);
			e->obj.type = e->type;
			e->obj.type_len = vlen;
		}
		v = slho_hdr_value(line, nl + 1 - line, "location", &vlen);
		if (v && vlen <= sizeof(e->location)) {
			memcpy(e->location, v, vlen);
			e->obj.location = e->location;
			e->obj.location_len = vlen;
		}
		line = nl + 1;
	}
}

/* Append a part of the body; false when it cannot be kept. */
static bool slho_body(struct slho_entry *e, const u8 *p, u32 len)
{
	u32 need = e->body_len + len, cap;
	u8 *nb;

	if (!len)
		return true;
	if (need > SLH_MAX_BODY)
		return false;
	if (need > e->body_cap) {
		cap = max(need, min_t(u32, 2 * e->body_cap, SLH_MAX_BODY));
		nb = krealloc(e->body, cap, GFP_ATOMIC | __GFP_NOWARN);
		if (!nb)
			return false;
		e->body = nb;
		e->body_cap = cap;
	}
	memcpy(e->body + e->body_len, p, len);
	e->body_len = need;
	return true;
}

/* The answer is complete: from now on the entry is read-only. */
static void slho_ready(struct slho_entry *e)
{
	if (e->obj.body != slho_503_body && e->obj.body != slho_502_body) {
		e->obj.body = e->body;
		e->obj.body_len = e->body_len;
	}
	e->expires = jiffies + SLHO_KEEP;
	/* The object before the state: see slhttpd_offload(). */
	smp_store_release(&e->state, SLHO_READY);
}

/* Under b's lock, e waiting. */
static void slho_answer_locked(struct slho_entry *e,
			       const struct ndiv_ringdev_answer *a)
{
	if (a->fallback) {
		slho_fail_obj(&e->obj, a->status);
		slho_ready(e);
		return;
	}
	if (a->first) {
		e->obj.status = a->status;
		slho_head(e, a->head, a->head_len);
	}
	if (!slho_body(e, a->body, a->body_len)) {
		/* Too large or no memory: the rest of it is dropped. */
		slho_fail_obj(&e->obj, 502);
		slho_ready(e);
		return;
	}
	if (!a->more)
		slho_ready(e);
}

/*
 * The ring's answer callback: under the ring pair's lock, BH disabled,
 * any CPU. ctx is the key given with the request.
 */
static void slho_answer(void *ctx, const struct ndiv_ringdev_answer *a)
{
	const struct slho_key *k = ctx;
	struct slho_bucket *b = &slho_table[slho_hash(k)];
	struct net_device *dev = NULL;
	struct slho_entry *e;
	bool one;

	spin_lock(&b->lock);
	e = slho_find(b, k);
	if (e && e->state == SLHO_WAIT) {
		slho_answer_locked(e, a);
		/* Complete: the replay takes the device reference over. */
		if (e->state == SLHO_READY) {
			dev = e->dev;
			e->dev = NULL;
		}
	}
	spin_unlock(&b->lock);
	if (!dev)
		return;
	/* BH is disabled, an RCU read side: e stays until we are done. */
	one = slhttpd_replay(dev, &e->cfg, &e->f);
	netdev_put(dev, &e->tracker);
	if (!one)
		return;
	/*
	 * Answered in one segment, which acknowledges the request: no
	 * resume will ask for these bytes. Should that segment be lost, the
	 * client sends the (idempotent) request again and it is handed over
	 * anew. Freeing the entry now keeps the store for what needs it.
	 */
	spin_lock(&b->lock);
	if (slho_find(b, k) == e)
		slho_remove(e);
	spin_unlock(&b->lock);
}

static const struct ndiv_ringdev_ops slho_ring_ops = {
	.answer = slho_answer,
};

static void slho_expire_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(slho_expire_work, slho_expire_fn);

/* Every second: entries past their time go. Process context. */
static void slho_expire_fn(struct work_struct *work)
{
	struct slho_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < SLHO_BUCKETS; i++) {
		struct slho_bucket *b = &slho_table[i];

		spin_lock_bh(&b->lock);
		hlist_for_each_entry_safe(e, tmp, &b->head, node)
			if (time_after(jiffies, e->expires))
				slho_remove(e);
		spin_unlock_bh(&b->lock);
	}
	schedule_delayed_work(&slho_expire_work, HZ);
}

/* dev unregisters: kept requests let go of it (no replay for them). */
void slhttpd_offload_dev_gone(struct net_device *dev)
{
	struct slho_entry *e;
	unsigned int i;

	for (i = 0; i < SLHO_BUCKETS; i++) {
		struct slho_bucket *b = &slho_table[i];

		spin_lock_bh(&b->lock);
		hlist_for_each_entry(e, &b->head, node) {
			if (e->dev != dev)
				continue;
			netdev_put(dev, &e->tracker);
			e->dev = NULL;
		}
		spin_unlock_bh(&b->lock);
	}
}

/* The rules, for configfs. Under slhttpd_mutex. */
const struct slhttpd_offloads *slhttpd_offloads_get(void)
{
	return rcu_dereference_protected(slho_rules,
					 lockdep_is_held(&slhttpd_mutex));
}

/* Publish new rules (or NULL); the old ones are freed. Under slhttpd_mutex. */
void slhttpd_offloads_set(struct slhttpd_offloads *rules)
{
	struct slhttpd_offloads *old = (struct slhttpd_offloads *)
		slhttpd_offloads_get();

	rcu_assign_pointer(slho_rules, rules);
	kvfree_rcu_mightsleep(old);
}

int slhttpd_offload_init(void)
{
	unsigned int i;

	slho_table = kvcalloc(SLHO_BUCKETS, sizeof(*slho_table), GFP_KERNEL);
	if (!slho_table)
		return -ENOMEM;
	for (i = 0; i < SLHO_BUCKETS; i++)
		spin_lock_init(&slho_table[i].lock);
	schedule_delayed_work(&slho_expire_work, HZ);
	return 0;
}

/* After the app is unregistered: nothing calls slhttpd_offload() now. */
void slhttpd_offload_exit(void)
{
	struct slho_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	ndiv_ringdev_cancel_ops(&slho_ring_ops);
	cancel_delayed_work_sync(&slho_expire_work);
	mutex_lock(&slhttpd_mutex);
	slhttpd_offloads_set(NULL);
	mutex_unlock(&slhttpd_mutex);
	for (i = 0; i < SLHO_BUCKETS; i++) {
		spin_lock_bh(&slho_table[i].lock);
		hlist_for_each_entry_safe(e, tmp, &slho_table[i].head, node)
			slho_remove(e);
		spin_unlock_bh(&slho_table[i].lock);
	}
	rcu_barrier();
	kvfree(slho_table);
}
