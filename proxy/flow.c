// SPDX-License-Identifier: GPL-2.0
/*
 * The proxy's flow table: preallocated, bounded, no allocation after
 * prx_table_init(). Client segments find their flow through a hash of
 * the client tuple (keyed SipHash, so that a client cannot aim at one
 * bucket); backend segments find it by their destination port, which is
 * the flow's index plus sport_min.
 *
 * CPU model: the NIC's RSS may deliver the client's segments and the
 * backend's to different CPUs, so a flow is shared, and every flow has its
 * own spinlock. Bucket chains have a lock per bucket. Lock order: bucket,
 * flow, free_lock. rx takes a bucket and then a flow (client side) or a
 * flow alone (backend side); the reaper takes a bucket, then a flow.
 * Everything runs with BH disabled in the kernel.
 */
#include "flow.h"

uint32_t prx_table_buckets(uint32_t nr_flows)
{
	uint32_t n = 1;

	while (n < nr_flows)
		n <<= 1;
	return n;
}

void prx_table_init(struct prx_table *t, struct prx_flow *flows,
		    struct prx_bucket *buckets, uint32_t nr_flows,
		    uint16_t sport_min, const struct ndiv_siphash_key *hkey)
{
	uint32_t i;

	memset(t, 0, sizeof(*t));
	t->flows = flows;
	t->buckets = buckets;
	t->nr_flows = nr_flows;
	t->nr_buckets = prx_table_buckets(nr_flows);
	t->sport_min = sport_min;
	t->hkey = *hkey;
	prx_lock_init(&t->free_lock);
	for (i = 0; i < t->nr_buckets; i++) {
		prx_lock_init(&buckets[i].lock);
		buckets[i].head = PRX_NONE;
	}
	for (i = 0; i < nr_flows; i++) {
		memset(&flows[i], 0, offsetof(struct prx_flow, held));
		prx_lock_init(&flows[i].lock);
		flows[i].state = PRX_FREE;
		flows[i].be_slot = PRX_SLOT_NONE;
		flows[i].next = i + 1 < nr_flows ? i + 1 : PRX_NONE;
	}
	t->free_head = nr_flows ? 0 : PRX_NONE;
	t->free_tail = nr_flows ? nr_flows - 1 : PRX_NONE;
}

static uint32_t prx_alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

uint32_t prx_bucket_of(const struct prx_table *t, const struct prx_key *k)
{
	/* the cookie hash is a keyed hash of exactly this tuple */
	return ndiv_cookie_hash(&t->hkey, k->family, k->client, k->vip,
				k->cport, k->vport, 0) & (t->nr_buckets - 1);
}

static int prx_key_eq(const struct prx_flow *fl, const struct prx_key *k)
{
	uint32_t n = prx_alen(k->family);

	return fl->family == k->family && fl->cport == k->cport &&
	       fl->vport == k->vport && !memcmp(fl->client, k->client, n) &&
	       !memcmp(fl->vip, k->vip, n);
}

/* The flow of k in bucket b, or NULL. Context: b->lock held. */
struct prx_flow *prx_bucket_find(struct prx_table *t, struct prx_bucket *b,
				 const struct prx_key *k)
{
	uint32_t i, n;

	/* a chain never holds more than every flow: bounded */
	for (i = b->head, n = 0; i != PRX_NONE && n < t->nr_flows;
	     i = t->flows[i].next, n++) {
		if (prx_key_eq(&t->flows[i], k))
			return &t->flows[i];
	}
	return NULL;
}

/*
 * Take a free flow and link it into bucket b, keyed by k; returns it
 * locked, or NULL when none is free.
 * Context: b->lock held.
 */
struct prx_flow *prx_flow_alloc(struct prx_table *t, struct prx_bucket *b,
				const struct prx_key *k)
{
	struct prx_flow *fl;
	uint32_t i;

	prx_lock(&t->free_lock);
	i = t->free_head;
	if (i == PRX_NONE) {
		prx_unlock(&t->free_lock);
		return NULL;
	}
	fl = &t->flows[i];
	t->free_head = fl->next;
	if (t->free_head == PRX_NONE)
		t->free_tail = PRX_NONE;
	t->nr_active++;
	prx_unlock(&t->free_lock);

	prx_lock(&fl->lock);
	/* everything but the lock and the held bytes */
	memset((uint8_t *)fl + offsetof(struct prx_flow, state), 0,
	       offsetof(struct prx_flow, held) -
	       offsetof(struct prx_flow, state));
	fl->family = k->family;
	memcpy(fl->client, k->client, prx_alen(k->family));
	memcpy(fl->vip, k->vip, prx_alen(k->family));
	fl->cport = k->cport;
	fl->vport = k->vport;
	fl->lport = t->sport_min + i;
	fl->bucket = b - t->buckets;
	fl->next = b->head;
	b->head = i;
	return fl;
}

/* Unlink fl from bucket b. Context: b->lock and fl->lock held. */
static void prx_bucket_unlink(struct prx_table *t, struct prx_bucket *b,
			      struct prx_flow *fl)
{
	uint32_t idx = fl - t->flows, *p, n = 0;

	for (p = &b->head; *p != PRX_NONE && n < t->nr_flows;
	     p = &t->flows[*p].next, n++) {
		if (*p == idx) {
			*p = fl->next;
			return;
		}
	}
}

/*
 * Free fl: out of its bucket, to the tail of the free list, so that a
 * local port is reused as late as possible (the backend may still hold
 * the old connection in TIME_WAIT). Context: b->lock and fl->lock held;
 * fl->lock is released.
 */
void prx_flow_release(struct prx_table *t, struct prx_bucket *b,
		      struct prx_flow *fl)
{
	uint32_t idx = fl - t->flows;
	uint8_t slot = fl->be_slot;

	prx_bucket_unlink(t, b, fl);
	fl->state = PRX_FREE;
	fl->next = PRX_NONE;
	fl->be_slot = PRX_SLOT_NONE;
	prx_unlock(&fl->lock);
	prx_lock(&t->free_lock);
	/* the backend's flow count, taken by prx_balance_pick() */
	if (slot < PRX_MAX_BACKENDS && t->be_conn[slot])
		t->be_conn[slot]--;
	if (t->free_tail == PRX_NONE)
		t->free_head = idx;
	else
		t->flows[t->free_tail].next = idx;
	t->free_tail = idx;
	t->nr_active--;
	prx_unlock(&t->free_lock);
}

static void prx_count(const struct prx_env *env, enum prx_counter c)
{
	if (env->cnt)
		ndiv_stat_inc(&env->cnt[c]);
}

/* Is fl done with? 1 closed, 2 idle. Context: fl->lock held. */
static int prx_flow_stale(const struct prx_flow *fl, const struct prx_env *env)
{
	uint32_t now = env->now_ms;

	if (fl->state == PRX_CLOSED &&
	    (int32_t)(now - fl->closed_ms) >= PRX_LINGER_MS)
		return 1;
	if (fl->state == PRX_SYN_SENT &&
	    (int32_t)(now - fl->last_ms) >= PRX_CONNECT_MS)
		return 2;
	if ((int32_t)(now - fl->last_ms) >= (int32_t)env->cfg->timeout_ms)
		return 2;
	return 0;
}

uint32_t prx_table_reap(struct prx_table *t, const struct prx_env *env)
{
	struct prx_bucket *b;
	struct prx_flow *fl;
	uint32_t i, freed = 0;
	int why;

	for (i = 0; i < t->nr_flows; i++) {
		fl = &t->flows[i];
		/* a racy peek: rechecked under the locks */
		if (READ_ONCE(fl->state) == PRX_FREE)
			continue;
		b = &t->buckets[READ_ONCE(fl->bucket) & (t->nr_buckets - 1)];
		prx_lock(&b->lock);
		prx_lock(&fl->lock);
		why = fl->state != PRX_FREE &&
		      b == &t->buckets[fl->bucket] ? prx_flow_stale(fl, env) : 0;
		if (why) {
			prx_flow_release(t, b, fl);
			prx_count(env, PRX_CNT_FLOW_FREED);
			if (why == 2)
				prx_count(env, PRX_CNT_FLOW_EXPIRED);
			freed++;
		} else {
			prx_unlock(&fl->lock);
		}
		prx_unlock(&b->lock);
	}
	return freed;
}

uint32_t prx_table_active(struct prx_table *t)
{
	uint32_t n;

	prx_lock(&t->free_lock);
	n = t->nr_active;
	prx_unlock(&t->free_lock);
	return n;
}
