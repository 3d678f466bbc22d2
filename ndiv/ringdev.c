// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of the ring to user space (Documentation/ring.rst):
 * named ring objects per network namespace, their memory and mapping,
 * the daemon's file (attach, poll, kick, release) and the app's calls
 * (produce a request, get the answer back in a callback).
 *
 * Locking:
 * - ndiv_rd_mutex: the ring list and every ring's daemon (attach,
 *   revoke, delete); process context only.
 * - rd->map_sem: the fault handler against revoking a daemon's mapping.
 * - rp->lock: one ring pair's kernel state. Each pair is used from its
 *   own CPU's softirq (produce), and from the daemon's kick, release
 *   and attach in process context with bottom halves disabled; so the
 *   lock is only contended while a daemon kicks or comes and goes.
 * - The list is read under RCU by the data path (ndiv_ringdev_lookup_rcu()
 *   in NAPI context); a ring is freed only after a grace period.
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/net_namespace.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <ndiv/ring.h>
#include <linux/ndiv_ringdev.h>

#include "internal.h"

/* Largest mapping of one ring; beyond it ADD fails with E2BIG. */
#define NDIV_RD_MAP_MAX		(1ULL << 30)
/* Most body bytes of one response, over all its descriptors. */
#define NDIV_RD_MAX_BODY	(1U << 20)

/* The app's side of one request slot: whom to answer. */
struct ndiv_rd_slot {
	const struct ndiv_ringdev_ops *ops;	/* NULL: nobody (any more) */
	u8 ctx[NDIV_RINGDEV_CTX_MAX];
};

/* One CPU's ring pair, kernel-private; under ->lock. */
struct ndiv_rd_pair {
	spinlock_t lock;
	bool live;			/* a daemon is attached */
	struct ndiv_ring_pair p;
	u64 *pending;			/* [slots], ndiv_ring_pair's */
	struct ndiv_rd_slot *slots;	/* [slots] */
	u8 *bounce;			/* 2 * slot_size: head, then body */
	struct u64_stats_sync syncp;
	u64_stats_t cnt[NDIV_RING_CNT_NR];
} ____cacheline_aligned_in_smp;

struct ndiv_rd_file;

struct ndiv_ringdev {
	struct list_head node;		/* ndiv_rd_list, RCU */
	struct list_head gone;		/* ndiv_rd_net_exit's, after unlisting */
	struct kref ref;		/* the list, each attached file */
	possible_net_t net;		/* no reference: see ndiv_rd_net_exit */
	char name[NDIV_RING_NAME_MAX];
	struct ndiv_ring_info *info;	/* the header page, at base */
	u8 *base;			/* vmalloc_user(), info->map_size */
	u32 nr;				/* ring pairs: nr_cpu_ids */
	bool dead;			/* deleted: produce fails */
	u32 attach_gen;			/* bumped at each attach and revoke */
	struct rw_semaphore map_sem;	/* faults vs attach_gen changes */
	struct ndiv_rd_file *daemon;	/* under ndiv_rd_mutex */
	pid_t pid;			/* the daemon's process, or 0 */
	wait_queue_head_t wq;		/* the daemon's poll */
	struct ndiv_rd_pair *pairs;	/* [nr] */
};

/* An open /dev/ndiv-ring; a daemon's once attached. */
struct ndiv_rd_file {
	struct ndiv_ringdev *rd;	/* set once, under ndiv_rd_mutex */
	u32 gen;			/* rd->attach_gen at attach */
	struct address_space *mapping;	/* to zap on revoke */
};

static DEFINE_MUTEX(ndiv_rd_mutex);
static LIST_HEAD(ndiv_rd_list);

static const char ndiv_rd_retry[] = "Retry-After: 1\r\n";

static void ndiv_rd_count(struct ndiv_rd_pair *rp, unsigned int c)
{
	u64_stats_update_begin(&rp->syncp);
	u64_stats_inc(&rp->cnt[c]);
	u64_stats_update_end(&rp->syncp);
}

static void ndiv_rd_pair_free(struct ndiv_rd_pair *rp)
{
	kvfree(rp->pending);
	kvfree(rp->slots);
	kvfree(rp->bounce);
}

static void ndiv_rd_free(struct kref *ref)
{
	struct ndiv_ringdev *rd = container_of(ref, struct ndiv_ringdev, ref);
	u32 i;

	for (i = 0; rd->pairs && i < rd->nr; i++)
		ndiv_rd_pair_free(&rd->pairs[i]);
	kvfree(rd->pairs);
	vfree(rd->base);
	kfree(rd);
}

/* Process context: the last reference may free the ring's memory. */
static void ndiv_rd_put(struct ndiv_ringdev *rd)
{
	kref_put(&rd->ref, ndiv_rd_free);
}

/*
 * Tell the app that asked (if it is still there) its request is answered
 * by the kernel: 503 with Retry-After when the daemon is gone, 502 when
 * it wrote a bad response. Under rp->lock.
 */
static void ndiv_rd_fail(struct ndiv_rd_pair *rp, u64 id, u16 status)
{
	struct ndiv_rd_slot *s = &rp->slots[(u32)id & rp->p.req.mask];
	struct ndiv_ringdev_answer a = {
		.status = status,
		.first = true,
		.fallback = true,
	};

	if (status == 503) {
		a.head = ndiv_rd_retry;
		a.head_len = sizeof(ndiv_rd_retry) - 1;
		ndiv_rd_count(rp, NDIV_RING_CNT_FALLBACK);
	}
	if (s->ops)
		s->ops->answer(s->ctx, &a);
	s->ops = NULL;
}

/*
 * One response descriptor at idx: read and checked once
 * (ndiv_ring_resp_read()), its bytes copied once into the bounce buffer
 * and the header lines checked in the copy, then given to the app.
 * Under rp->lock.
 */
static void ndiv_rd_resp_one(struct ndiv_rd_pair *rp, u32 idx)
{
	struct ndiv_ringdev_answer a = {};
	struct ndiv_ring_resp_view v;
	struct ndiv_rd_slot *s;
	u32 slot_size = ndiv_ring_slot_size(&rp->p.resp);

	if (ndiv_ring_resp_read(&rp->p, idx, &v)) {
		ndiv_rd_count(rp, NDIV_RING_CNT_INVALID);
		if (v.id)
			ndiv_rd_fail(rp, v.id, 502);
		return;
	}
	/* The daemon may rewrite these bytes as we copy: only the copy counts. */
	data_race(memcpy(rp->bounce, v.head, v.head_len));
	/* Likewise the body: a torn body is the daemon's own loss. */
	data_race(memcpy(rp->bounce + slot_size, v.body, v.body_len));
	if (ndiv_ring_head_check(rp->bounce, v.head_len)) {
		ndiv_rd_count(rp, NDIV_RING_CNT_INVALID);
		ndiv_ring_req_forget(&rp->p, v.id);
		ndiv_rd_fail(rp, v.id, 502);
		return;
	}
	a.status = v.status;
	a.flags = v.flags;
	a.first = v.status != 0;
	a.more = !v.last;
	a.head = rp->bounce;
	a.head_len = v.head_len;
	a.body = rp->bounce + slot_size;
	a.body_len = v.body_len;
	s = &rp->slots[(u32)v.id & rp->p.req.mask];
	if (s->ops)
		s->ops->answer(s->ctx, &a);
	if (v.last) {
		s->ops = NULL;
		ndiv_rd_count(rp, NDIV_RING_CNT_ANSWERED);
	}
}

/*
 * Consume the responses the daemon published, at most one ring's worth
 * per call, so that a daemon that keeps publishing cannot keep us here
 * with bottom halves disabled. Under rp->lock.
 */
static void ndiv_rd_drain(struct ndiv_rd_pair *rp)
{
	u32 budget = rp->p.resp.size, idx, i;
	int n;

	while (budget) {
		n = ndiv_ring_peek(&rp->p.resp, min(budget, 32U), &idx);
		if (n < 0)
			ndiv_rd_count(rp, NDIV_RING_CNT_INVALID);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			ndiv_rd_resp_one(rp, idx + i);
		ndiv_ring_release(&rp->p.resp, n);
		budget -= n;
	}
}

/* Answer every request still waiting with a 503. Under rp->lock. */
static void ndiv_rd_flush(struct ndiv_rd_pair *rp)
{
	u32 i;
	u64 id;

	for (i = 0; i < rp->p.req.size; i++) {
		id = rp->pending[i];
		if (!id)
			continue;
		ndiv_ring_req_forget(&rp->p, id);
		ndiv_rd_fail(rp, id, 503);
	}
	rp->live = false;
}

/*
 * Take the ring from its daemon, if any: its mapping is zapped and every
 * further fault of it gets SIGBUS, its calls fail with ENODEV, and every
 * request it held is answered 503. Does not wait for the daemon.
 * Under ndiv_rd_mutex.
 */
static void ndiv_rd_revoke(struct ndiv_ringdev *rd)
{
	struct ndiv_rd_file *old = rd->daemon;
	u32 i;

	down_write(&rd->map_sem);
	WRITE_ONCE(rd->attach_gen, rd->attach_gen + 1);
	up_write(&rd->map_sem);
	if (old)
		unmap_mapping_range(old->mapping, 0, 0, 1);
	for (i = 0; i < rd->nr; i++) {
		struct ndiv_rd_pair *rp = &rd->pairs[i];

		spin_lock_bh(&rp->lock);
		ndiv_rd_flush(rp);
		spin_unlock_bh(&rp->lock);
	}
	rd->daemon = NULL;
	rd->pid = 0;
	wake_up_interruptible_poll(&rd->wq, EPOLLHUP | EPOLLERR);
}

/* Empty pair rp for a new daemon, ids of generation gen. Under rp->lock. */
static void ndiv_rd_pair_reset(struct ndiv_ringdev *rd,
			       struct ndiv_rd_pair *rp, u32 gen)
{
	ndiv_ring_reset(&rp->p.req, 0);
	ndiv_ring_reset(&rp->p.resp, 0);
	/* The kernel drains responses only when kicked: always ask. */
	WRITE_ONCE(*rp->p.resp.flags, NDIV_RING_F_NEED_WAKEUP);
	ndiv_ring_pair_init(&rp->p, rp->pending, gen, rd->info->max_body);
	memset(rp->slots, 0, sizeof(*rp->slots) * rp->p.req.size);
	rp->live = true;
}

static int ndiv_rd_pair_init(struct ndiv_ringdev *rd, u32 i)
{
	struct ndiv_ring_info *in = rd->info;
	struct ndiv_rd_pair *rp = &rd->pairs[i];
	struct ndiv_ring_kidx *k;
	struct ndiv_ring_uidx *u;

	spin_lock_init(&rp->lock);
	u64_stats_init(&rp->syncp);
	k = (struct ndiv_ring_kidx *)(rd->base + in->kidx_off) + i;
	u = (struct ndiv_ring_uidx *)(rd->base + in->uidx_off) + i;
	if (ndiv_ring_init(&rp->p.req, &k->req_prod, &u->req_cons,
			   &u->req_flags, rd->base + in->req_off +
			   i * in->ring_bytes, in->slots, in->slot_size) ||
	    ndiv_ring_init(&rp->p.resp, &u->resp_prod, &k->resp_cons,
			   &k->resp_flags, rd->base + in->resp_off +
			   i * in->ring_bytes, in->slots, in->slot_size))
		return -EINVAL;
	rp->pending = kvcalloc(in->slots, sizeof(*rp->pending), GFP_KERNEL);
	rp->slots = kvcalloc(in->slots, sizeof(*rp->slots), GFP_KERNEL);
	rp->bounce = kvmalloc(2 * in->slot_size, GFP_KERNEL);
	if (!rp->pending || !rp->slots || !rp->bounce)
		return -ENOMEM;
	return 0;
}

static struct ndiv_ringdev *ndiv_rd_alloc(const struct ndiv_ring_ioc_add *a)
{
	struct ndiv_ring_info info;
	struct ndiv_ringdev *rd;
	u32 i;

	if (ndiv_ring_layout(&info, nr_cpu_ids, a->slots, a->slot_size,
			     PAGE_SIZE))
		return ERR_PTR(-EINVAL);
	if (info.map_size > NDIV_RD_MAP_MAX)
		return ERR_PTR(-E2BIG);
	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return ERR_PTR(-ENOMEM);
	kref_init(&rd->ref);
	init_rwsem(&rd->map_sem);
	init_waitqueue_head(&rd->wq);
	strscpy(rd->name, a->name, sizeof(rd->name));
	rd->nr = nr_cpu_ids;
	/* Zeroed, page by page (order 0), and allowed into user mappings. */
	rd->base = vmalloc_user(info.map_size);
	rd->pairs = kvcalloc(rd->nr, sizeof(*rd->pairs), GFP_KERNEL);
	if (!rd->base || !rd->pairs)
		goto nomem;
	info.max_body = NDIV_RD_MAX_BODY;
	info.generation = 1;
	strscpy(info.name, rd->name, sizeof(info.name));
	rd->info = (struct ndiv_ring_info *)rd->base;
	*rd->info = info;
	for (i = 0; i < rd->nr; i++)
		if (ndiv_rd_pair_init(rd, i))
			goto nomem;
	return rd;
nomem:
	ndiv_rd_put(rd);
	return ERR_PTR(-ENOMEM);
}

/* A name is 1 to 31 of [A-Za-z0-9._-], NUL-terminated in its array. */
static int ndiv_rd_name_ok(const char *name)
{
	size_t len = strnlen(name, NDIV_RING_NAME_MAX), i;

	if (!len || len == NDIV_RING_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return 0;
	return 1;
}

static struct net *ndiv_rd_caller_net(void)
{
	return current->nsproxy->net_ns;
}

/*
 * Whether ring names a and b are equal, reading neither past
 * NDIV_RING_NAME_MAX bytes (a loop, not strncmp(): GCC's bound checks
 * misjudge the arrays behind these pointers on some targets).
 */
static bool ndiv_rd_name_eq(const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < NDIV_RING_NAME_MAX; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			break;
	}
	return true;
}

/* The ring name of net, or NULL. Under ndiv_rd_mutex. */
static struct ndiv_ringdev *ndiv_rd_find(struct net *net, const char *name)
{
	struct ndiv_ringdev *rd;

	list_for_each_entry(rd, &ndiv_rd_list, node)
		if (net_eq(read_pnet(&rd->net), net) &&
		    ndiv_rd_name_eq(rd->name, name))
			return rd;
	return NULL;
}

/**
 * ndiv_ringdev_lookup_rcu - the ring called @name in @net
 * @net: the namespace of the device the request came in on
 * @name: the ring's name
 *
 * Context: RCU read side (the app's rx handler); the ring stays valid
 * until the read side ends.
 *
 * Return: the ring, or NULL if there is none (or it is being deleted).
 */
struct ndiv_ringdev *ndiv_ringdev_lookup_rcu(struct net *net,
					     const char *name)
{
	struct ndiv_ringdev *rd;

	list_for_each_entry_rcu(rd, &ndiv_rd_list, node)
		if (net_eq(read_pnet(&rd->net), net) &&
		    ndiv_rd_name_eq(rd->name, name) &&
		    !READ_ONCE(rd->dead))
			return rd;
	return NULL;
}
EXPORT_SYMBOL_GPL(ndiv_ringdev_lookup_rcu);

/* Write req into the request slot s. */
static void ndiv_rd_req_fill(struct ndiv_ring_req *s,
			     const struct ndiv_ringdev_req *req)
{
	u32 hbytes = req->nr_headers * sizeof(struct ndiv_ring_hdr);

	s->data_off = sizeof(*s) + hbytes;
	s->data_len = req->data_len;
	s->method = req->method;
	s->target = req->target;
	s->version = req->version;
	s->nr_headers = req->nr_headers;
	memcpy(s->addr, req->addr, sizeof(s->addr));
	s->port = req->port;
	s->local_port = req->local_port;
	s->family = req->family;
	memcpy(s + 1, req->headers, hbytes);
	memcpy((u8 *)s + s->data_off, req->data, req->data_len);
}

/* Hand req over on pair rp. Under rp->lock. */
static int ndiv_rd_produce(struct ndiv_ringdev *rd, struct ndiv_rd_pair *rp,
			   const struct ndiv_ringdev_ops *ops,
			   const struct ndiv_ringdev_req *req,
			   const void *ctx, u32 ctx_len)
{
	struct ndiv_ring_req *s;
	struct ndiv_rd_slot *slot;
	int n;

	if (!rp->live) {
		ndiv_rd_count(rp, NDIV_RING_CNT_FALLBACK);
		return -ENOTCONN;
	}
	n = ndiv_ring_req_alloc(&rp->p, &s);
	if (n <= 0) {
		ndiv_rd_count(rp, n ? NDIV_RING_CNT_INVALID :
			      NDIV_RING_CNT_RING_FULL);
		ndiv_rd_count(rp, NDIV_RING_CNT_FALLBACK);
		return -ENOBUFS;
	}
	ndiv_rd_req_fill(s, req);
	slot = &rp->slots[(rp->p.req.head - 1) & rp->p.req.mask];
	slot->ops = ops;
	memcpy(slot->ctx, ctx, ctx_len);
	ndiv_rd_count(rp, NDIV_RING_CNT_PRODUCED);
	/* One request per submit: the hook has no end-of-poll call yet. */
	return ndiv_ring_req_submit(&rp->p);
}

/**
 * ndiv_ringdev_produce - hand a request to the daemon of a ring
 * @rd: from ndiv_ringdev_lookup_rcu(), in the same RCU read side
 * @ops: whom to give the answer to
 * @req: the request; copied into the current CPU's request ring
 * @ctx: the app's context, copied and given back with the answer
 * @ctx_len: at most NDIV_RINGDEV_CTX_MAX bytes
 *
 * The answer comes later through @ops, exactly once (in parts for a long
 * body), unless the app cancels @ops first. Context: not in hard IRQ;
 * never sleeps, allocates nothing.
 *
 * Return: 0; -ENOTCONN when no daemon is attached, -ENOBUFS when the
 * ring is full (answer 503 then: counted as fallback); -EMSGSIZE when the
 * request does not fit a slot; -EINVAL for a bad argument.
 */
int ndiv_ringdev_produce(struct ndiv_ringdev *rd,
			 const struct ndiv_ringdev_ops *ops,
			 const struct ndiv_ringdev_req *req,
			 const void *ctx, u32 ctx_len)
{
	struct ndiv_rd_pair *rp;
	u32 need;
	int ret;

	if (ctx_len > NDIV_RINGDEV_CTX_MAX ||
	    req->nr_headers > NDIV_RING_MAX_HEADERS)
		return -EINVAL;
	need = sizeof(struct ndiv_ring_req) +
	       req->nr_headers * sizeof(struct ndiv_ring_hdr);
	if (need > rd->info->slot_size ||
	    req->data_len > rd->info->slot_size - need)
		return -EMSGSIZE;
	local_bh_disable();
	rp = &rd->pairs[smp_processor_id()];
	spin_lock(&rp->lock);
	ret = READ_ONCE(rd->dead) ? -ENOTCONN :
	      ndiv_rd_produce(rd, rp, ops, req, ctx, ctx_len);
	spin_unlock(&rp->lock);
	local_bh_enable();
	if (ret > 0) {
		wake_up_interruptible_poll(&rd->wq, EPOLLIN | EPOLLRDNORM);
		ret = 0;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(ndiv_ringdev_produce);

/**
 * ndiv_ringdev_cancel_ops - forget every request @ops is waiting for
 * @ops: an app's ops, before the app goes away
 *
 * The requests stay in their rings until answered or the daemon goes;
 * their answers go nowhere. Once this returns, @ops is never called.
 * Context: process, may sleep.
 */
void ndiv_ringdev_cancel_ops(const struct ndiv_ringdev_ops *ops)
{
	struct ndiv_ringdev *rd;
	u32 i, j;

	mutex_lock(&ndiv_rd_mutex);
	list_for_each_entry(rd, &ndiv_rd_list, node) {
		for (i = 0; i < rd->nr; i++) {
			struct ndiv_rd_pair *rp = &rd->pairs[i];

			spin_lock_bh(&rp->lock);
			for (j = 0; j < rp->p.req.size; j++)
				if (rp->slots[j].ops == ops)
					rp->slots[j].ops = NULL;
			spin_unlock_bh(&rp->lock);
		}
	}
	mutex_unlock(&ndiv_rd_mutex);
}
EXPORT_SYMBOL_GPL(ndiv_ringdev_cancel_ops);

static int ndiv_rd_net_admin(void)
{
	return ns_capable(ndiv_rd_caller_net()->user_ns, CAP_NET_ADMIN);
}

static long ndiv_rd_add(void __user *arg)
{
	struct ndiv_ring_ioc_add a;
	struct ndiv_ringdev *rd;

	if (!ndiv_rd_net_admin())
		return -EPERM;
	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!ndiv_rd_name_ok(a.name) || a.flags || a.reserved)
		return -EINVAL;
	if (!a.slots)
		a.slots = NDIV_RING_DEF_SLOTS;
	if (!a.slot_size)
		a.slot_size = NDIV_RING_DEF_SLOT_SIZE;
	if (!ndiv_ring_geometry_ok(a.slots, a.slot_size))
		return -EINVAL;
	rd = ndiv_rd_alloc(&a);
	if (IS_ERR(rd))
		return PTR_ERR(rd);
	write_pnet(&rd->net, ndiv_rd_caller_net());
	mutex_lock(&ndiv_rd_mutex);
	if (ndiv_rd_find(ndiv_rd_caller_net(), rd->name)) {
		mutex_unlock(&ndiv_rd_mutex);
		ndiv_rd_put(rd);
		return -EEXIST;
	}
	list_add_tail_rcu(&rd->node, &ndiv_rd_list);
	mutex_unlock(&ndiv_rd_mutex);
	return 0;
}

/* Unlist rd and take it from its daemon. Under ndiv_rd_mutex. */
static void ndiv_rd_unlist(struct ndiv_ringdev *rd)
{
	WRITE_ONCE(rd->dead, true);
	list_del_rcu(&rd->node);
	ndiv_rd_revoke(rd);
}

static int ndiv_rd_get_name(struct ndiv_ring_ioc_name *n, void __user *arg)
{
	if (copy_from_user(n, arg, sizeof(*n)))
		return -EFAULT;
	return ndiv_rd_name_ok(n->name) ? 0 : -EINVAL;
}

static long ndiv_rd_del(void __user *arg)
{
	struct ndiv_ring_ioc_name n;
	struct ndiv_ringdev *rd;
	int err;

	if (!ndiv_rd_net_admin())
		return -EPERM;
	err = ndiv_rd_get_name(&n, arg);
	if (err)
		return err;
	mutex_lock(&ndiv_rd_mutex);
	rd = ndiv_rd_find(ndiv_rd_caller_net(), n.name);
	if (rd)
		ndiv_rd_unlist(rd);
	mutex_unlock(&ndiv_rd_mutex);
	if (!rd)
		return -ENOENT;
	/* The data path may still hold rd from its lookup. */
	synchronize_rcu();
	ndiv_rd_put(rd);
	return 0;
}

/* A generation for a new attach: any u32 but 0. Under ndiv_rd_mutex. */
static u32 ndiv_rd_next_gen(struct ndiv_ringdev *rd)
{
	u32 gen = rd->info->generation + 1;

	return gen ? gen : 1;
}

/*
 * Attach f as rd's daemon. A daemon still attached loses the ring (it
 * may be one that was killed and whose file is not released yet): a
 * restarted daemon never gets EBUSY. Under ndiv_rd_mutex.
 */
static void ndiv_rd_attach(struct ndiv_ringdev *rd, struct ndiv_rd_file *f,
			   struct file *file)
{
	u32 gen, i;

	ndiv_rd_revoke(rd);
	gen = ndiv_rd_next_gen(rd);
	WRITE_ONCE(rd->info->generation, gen);
	for (i = 0; i < rd->nr; i++) {
		struct ndiv_rd_pair *rp = &rd->pairs[i];

		spin_lock_bh(&rp->lock);
		ndiv_rd_pair_reset(rd, rp, gen);
		spin_unlock_bh(&rp->lock);
	}
	kref_get(&rd->ref);
	f->rd = rd;
	f->gen = rd->attach_gen;
	f->mapping = file->f_mapping;
	rd->daemon = f;
	rd->pid = task_tgid_vnr(current);
}

static long ndiv_rd_attach_ioctl(struct file *file, void __user *arg)
{
	struct ndiv_rd_file *f = file->private_data;
	struct ndiv_ring_ioc_name n;
	struct ndiv_ringdev *rd;
	int err;

	if (!ndiv_rd_net_admin())
		return -EPERM;
	err = ndiv_rd_get_name(&n, arg);
	if (err)
		return err;
	mutex_lock(&ndiv_rd_mutex);
	rd = ndiv_rd_find(ndiv_rd_caller_net(), n.name);
	if (!rd)
		err = -ENOENT;
	else if (f->rd)
		err = -EISCONN;
	else
		ndiv_rd_attach(rd, f, file);
	mutex_unlock(&ndiv_rd_mutex);
	return err;
}

/* The ring of f, if f is still its daemon; else NULL. */
static struct ndiv_ringdev *ndiv_rd_of(struct ndiv_rd_file *f)
{
	struct ndiv_ringdev *rd = READ_ONCE(f->rd);

	if (!rd || READ_ONCE(rd->attach_gen) != f->gen)
		return NULL;
	return rd;
}

static long ndiv_rd_kick(struct ndiv_rd_file *f)
{
	struct ndiv_ringdev *rd = ndiv_rd_of(f);
	u32 i;

	if (!rd)
		return f->rd ? -ENODEV : -ENOTCONN;
	for (i = 0; i < rd->nr; i++) {
		struct ndiv_rd_pair *rp = &rd->pairs[i];

		spin_lock_bh(&rp->lock);
		if (rp->live)
			ndiv_rd_drain(rp);
		spin_unlock_bh(&rp->lock);
	}
	return 0;
}

static void ndiv_rd_pair_cnt(struct ndiv_rd_pair *rp, u64 *cnt)
{
	unsigned int start, c;

	do {
		start = u64_stats_fetch_begin(&rp->syncp);
		for (c = 0; c < NDIV_RING_CNT_NR; c++)
			cnt[c] = u64_stats_read(&rp->cnt[c]);
	} while (u64_stats_fetch_retry(&rp->syncp, start));
}

/* The ring a SHOW names, or the index-th one. Under ndiv_rd_mutex. */
static struct ndiv_ringdev *ndiv_rd_show_find(struct ndiv_ring_ioc_show *s)
{
	struct net *net = ndiv_rd_caller_net();
	struct ndiv_ringdev *rd;
	u32 i = 0;

	if (s->name[0])
		return ndiv_rd_find(net, s->name);
	list_for_each_entry(rd, &ndiv_rd_list, node)
		if (net_eq(read_pnet(&rd->net), net) && i++ == s->index)
			return rd;
	return NULL;
}

static void ndiv_rd_show_fill(struct ndiv_ringdev *rd,
			      struct ndiv_ring_ioc_show *s)
{
	u64 cnt[NDIV_RING_CNT_NR];
	u32 i, c;

	memset(s, 0, sizeof(*s));
	strscpy(s->name, rd->name, sizeof(s->name));
	s->nr_rings = rd->nr;
	s->slots = rd->info->slots;
	s->slot_size = rd->info->slot_size;
	s->max_body = rd->info->max_body;
	s->pid = rd->pid;
	s->generation = rd->info->generation;
	s->map_size = rd->info->map_size;
	for (i = 0; i < rd->nr; i++) {
		ndiv_rd_pair_cnt(&rd->pairs[i], cnt);
		for (c = 0; c < NDIV_RING_CNT_NR; c++)
			s->cnt[c] += cnt[c];
	}
}

static long ndiv_rd_show(void __user *arg)
{
	struct ndiv_ring_ioc_show s;
	struct ndiv_ringdev *rd;

	if (copy_from_user(&s, arg, sizeof(s)))
		return -EFAULT;
	if (s.name[0] && !ndiv_rd_name_ok(s.name))
		return -EINVAL;
	mutex_lock(&ndiv_rd_mutex);
	rd = ndiv_rd_show_find(&s);
	if (rd)
		ndiv_rd_show_fill(rd, &s);
	mutex_unlock(&ndiv_rd_mutex);
	if (!rd)
		return -ENOENT;
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long ndiv_rd_cpu(void __user *arg)
{
	struct ndiv_ring_ioc_cpu c;
	struct ndiv_ringdev *rd;
	int err = 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (!ndiv_rd_name_ok(c.name))
		return -EINVAL;
	mutex_lock(&ndiv_rd_mutex);
	rd = ndiv_rd_find(ndiv_rd_caller_net(), c.name);
	if (!rd) {
		err = -ENOENT;
	} else if (c.cpu >= rd->nr) {
		err = -ERANGE;
	} else {
		ndiv_rd_pair_cnt(&rd->pairs[c.cpu], c.cnt);
		/* A counter for display: a stale value is fine. */
		c.waiting = data_race(rd->pairs[c.cpu].p.waiting);
	}
	mutex_unlock(&ndiv_rd_mutex);
	if (err)
		return err;
	return copy_to_user(arg, &c, sizeof(c)) ? -EFAULT : 0;
}

static long ndiv_rd_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *p = (void __user *)arg;

	switch (cmd) {
	case NDIV_RING_IOC_ADD:
		return ndiv_rd_add(p);
	case NDIV_RING_IOC_DEL:
		return ndiv_rd_del(p);
	case NDIV_RING_IOC_ATTACH:
		return ndiv_rd_attach_ioctl(file, p);
	case NDIV_RING_IOC_KICK:
		return ndiv_rd_kick(file->private_data);
	case NDIV_RING_IOC_SHOW:
		return ndiv_rd_show(p);
	case NDIV_RING_IOC_CPU:
		return ndiv_rd_cpu(p);
	}
	return -ENOTTY;
}

/*
 * A page of the ring, inserted while the file is still its daemon. The
 * semaphore orders this against ndiv_rd_revoke(): a fault that saw the
 * old generation has inserted its page before the zap that follows the
 * bump; one that comes after the bump gets SIGBUS.
 */
static vm_fault_t ndiv_rd_fault(struct vm_fault *vmf)
{
	struct ndiv_rd_file *f = vmf->vma->vm_file->private_data;
	struct ndiv_ringdev *rd = f->rd;
	u64 off = (u64)vmf->pgoff << PAGE_SHIFT;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&rd->map_sem);
	if (rd->attach_gen == f->gen && off < rd->info->map_size)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     vmalloc_to_pfn(rd->base + off));
	up_read(&rd->map_sem);
	return ret;
}

static const struct vm_operations_struct ndiv_rd_vm_ops = {
	.fault = ndiv_rd_fault,
};

/*
 * [0, rw_off) is what the kernel writes: never writable, not even later
 * through mprotect() (VM_MAYWRITE cleared). Shared mappings only, not
 * inherited by children (a daemon that runs programs keeps its ring).
 */
static int ndiv_rd_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct ndiv_ringdev *rd = ndiv_rd_of(file->private_data);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (!rd)
		return -ENODEV;
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (off > rd->info->map_size || len > rd->info->map_size - off)
		return -EINVAL;
	if (off < rd->info->rw_off) {
		if (vma->vm_flags & VM_WRITE)
			return -EPERM;
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_ops = &ndiv_rd_vm_ops;
	return 0;
}

/* Readable: a request ring has requests the daemon did not release. */
static __poll_t ndiv_rd_poll(struct file *file, poll_table *wait)
{
	struct ndiv_rd_file *f = file->private_data;
	struct ndiv_ringdev *rd = READ_ONCE(f->rd);
	u32 i;

	if (!rd)
		return EPOLLERR;
	poll_wait(file, &rd->wq, wait);
	if (!ndiv_rd_of(f))
		return EPOLLHUP | EPOLLERR;
	for (i = 0; i < rd->nr; i++) {
		struct ndiv_rd_pair *rp = &rd->pairs[i];

		/* A racy look: a wrong answer costs one wakeup or one poll. */
		if (data_race(rp->p.req.tail) != READ_ONCE(*rp->p.req.consumer))
			return EPOLLIN | EPOLLRDNORM;
	}
	return 0;
}

static int ndiv_rd_open(struct inode *inode, struct file *file)
{
	struct ndiv_rd_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	file->private_data = f;
	return nonseekable_open(inode, file);
}

/* The daemon exits or closes: its requests are answered 503 at once. */
static int ndiv_rd_release(struct inode *inode, struct file *file)
{
	struct ndiv_rd_file *f = file->private_data;
	struct ndiv_ringdev *rd = f->rd;

	if (rd) {
		mutex_lock(&ndiv_rd_mutex);
		if (rd->daemon == f)
			ndiv_rd_revoke(rd);
		mutex_unlock(&ndiv_rd_mutex);
		ndiv_rd_put(rd);
	}
	kfree(f);
	return 0;
}

static const struct file_operations ndiv_rd_fops = {
	.owner = THIS_MODULE,
	.open = ndiv_rd_open,
	.release = ndiv_rd_release,
	.unlocked_ioctl = ndiv_rd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = ndiv_rd_mmap,
	.poll = ndiv_rd_poll,
};

static struct miscdevice ndiv_rd_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ndiv-ring",
	.fops = &ndiv_rd_fops,
	.mode = 0600,
};

/*
 * A namespace going away takes its rings with it: they hold no reference
 * on it, so that a forgotten ring cannot keep a namespace alive.
 */
static void __net_exit ndiv_rd_net_exit(struct net *net)
{
	struct ndiv_ringdev *rd, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&ndiv_rd_mutex);
	list_for_each_entry_safe(rd, tmp, &ndiv_rd_list, node) {
		if (!net_eq(read_pnet(&rd->net), net))
			continue;
		ndiv_rd_unlist(rd);
		list_add(&rd->gone, &gone);
	}
	mutex_unlock(&ndiv_rd_mutex);
	if (list_empty(&gone))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(rd, tmp, &gone, gone)
		ndiv_rd_put(rd);
}

static struct pernet_operations ndiv_rd_net_ops = {
	.exit = ndiv_rd_net_exit,
};

int ndiv_ringdev_init(void)
{
	int err;

	err = register_pernet_subsys(&ndiv_rd_net_ops);
	if (err)
		return err;
	err = misc_register(&ndiv_rd_misc);
	if (err)
		unregister_pernet_subsys(&ndiv_rd_net_ops);
	return err;
}

/* No file is open (each holds the module); the rings go with their nets. */
void ndiv_ringdev_exit(void)
{
	misc_deregister(&ndiv_rd_misc);
	unregister_pernet_subsys(&ndiv_rd_net_ops);
}
