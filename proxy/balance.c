// SPDX-License-Identifier: GPL-2.0
/*
 * Balancing: which backend a new flow goes to (Documentation/proxy.rst,
 * "Balancing"). Plain C shared by the module and the user-space tests.
 *
 * Two halves with different contexts:
 *  - prx_balance_build() runs in process context when the backends
 *    change and writes the Maglev table into the configuration snapshot
 *    before it is published (RCU in the kernel), so rx only reads it;
 *  - prx_balance_pick() runs in rx, under the table's free_lock, which
 *    also guards the per-slot flow counts and round robin weights; its
 *    loops are bounded by PRX_MAX_BACKENDS, it allocates nothing.
 */
#include "flow.h"

/*
 * The key of every balancing hash. Fixed and public on purpose: the
 * Maglev table and the hash of a key must be the same on every machine
 * behind one ECMP route, and a secret would differ between them.
 */
static const struct ndiv_siphash_key prx_bal_key = {
	{ 0x6e6469762d70726fULL, 0x78792d6d61676c65ULL }
};

uint64_t prx_balance_hash(const void *key, uint32_t len)
{
	return ndiv_siphash(key, len, &prx_bal_key);
}

static uint32_t prx_weight(const struct prx_backend *be)
{
	return be->weight ? be->weight : 1;
}

/* ---- the Maglev table (process context) ------------------------------ */

/* Sort the in-service indices by name: the table must not depend on order. */
static void prx_sort_by_name(const struct prx_config *cfg, uint8_t *idx,
			     uint32_t n)
{
	uint32_t i, j;
	uint8_t x;

	for (i = 1; i < n; i++) {
		x = idx[i];
		for (j = i; j > 0 && strcmp(cfg->be[idx[j - 1]].name,
					    cfg->be[x].name) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
}

/*
 * Maglev (Eisenbud et al., NSDI 2016): each backend walks its own
 * permutation of the entries, (offset + k * skip) mod M with M prime,
 * and takes the first free entry on its turn. Weights: a backend gets a
 * turn per wmax credit and earns its weight in credit per round, so
 * entries are shared in proportion to weight. Each round gives the
 * heaviest backend at least one entry: at most M rounds.
 */
static void prx_maglev_fill(struct prx_config *cfg, const uint8_t *idx,
			    uint32_t n)
{
	uint32_t off[PRX_MAX_BACKENDS], skip[PRX_MAX_BACKENDS];
	uint32_t next[PRX_MAX_BACKENDS], credit[PRX_MAX_BACKENDS];
	uint32_t i, pos, filled = 0, wmax = 1;
	const struct prx_backend *be;
	uint64_t h;

	for (i = 0; i < n; i++) {
		be = &cfg->be[idx[i]];
		h = prx_balance_hash(be->name, strlen(be->name));
		off[i] = (uint32_t)h % PRX_MAGLEV_SIZE;
		skip[i] = (uint32_t)(h >> 32) % (PRX_MAGLEV_SIZE - 1) + 1;
		next[i] = 0;
		credit[i] = 0;
		if (prx_weight(be) > wmax)
			wmax = prx_weight(be);
	}
	while (filled < PRX_MAGLEV_SIZE) {
		for (i = 0; i < n && filled < PRX_MAGLEV_SIZE; i++) {
			credit[i] += prx_weight(&cfg->be[idx[i]]);
			if (credit[i] < wmax)
				continue;
			credit[i] -= wmax;
			/* M prime: the walk visits every entry within M steps */
			do {
				pos = (off[i] + (uint64_t)next[i] * skip[i]) %
				      PRX_MAGLEV_SIZE;
				next[i]++;
			} while (cfg->maglev[pos] != PRX_MAGLEV_NONE);
			cfg->maglev[pos] = idx[i];
			filled++;
		}
	}
}

void prx_balance_build(struct prx_config *cfg)
{
	uint8_t idx[PRX_MAX_BACKENDS];
	uint32_t i, n = 0, nb = cfg->nr_backends;

	if (nb > PRX_MAX_BACKENDS)
		nb = PRX_MAX_BACKENDS;
	cfg->use_backup = 1;
	for (i = 0; i < nb; i++)
		if (!cfg->be[i].backup)
			cfg->use_backup = 0;
	for (i = 0; i < nb; i++)
		if (cfg->be[i].backup == cfg->use_backup)
			idx[n++] = i;
	memset(cfg->maglev, PRX_MAGLEV_NONE, sizeof(cfg->maglev));
	if (!n)
		return;
	prx_sort_by_name(cfg, idx, n);
	prx_maglev_fill(cfg, idx, n);
}

/* ---- the pick (rx, free_lock) ---------------------------------------- */

/* In service and below its limit. Context: free_lock held. */
static int prx_be_ok(const struct prx_table *t, const struct prx_config *cfg,
		     uint32_t i)
{
	const struct prx_backend *be = &cfg->be[i];

	if (be->backup != cfg->use_backup || be->slot >= PRX_MAX_BACKENDS)
		return 0;
	return !be->max_conn || t->be_conn[be->slot] < be->max_conn;
}

/*
 * nginx's smooth weighted round robin: every candidate gains its weight,
 * the largest current weight wins and pays the total back. A weight 5:1:1
 * set gives a b a c a a a rather than a a a a a b c.
 */
static int prx_pick_rr(struct prx_table *t, const struct prx_config *cfg,
		       uint32_t n)
{
	int32_t total = 0;
	uint32_t i, s;
	int best = -1;

	for (i = 0; i < n; i++) {
		if (!prx_be_ok(t, cfg, i))
			continue;
		s = cfg->be[i].slot;
		t->be_cur[s] += prx_weight(&cfg->be[i]);
		total += prx_weight(&cfg->be[i]);
		if (best < 0 || t->be_cur[s] > t->be_cur[cfg->be[best].slot])
			best = i;
	}
	if (best >= 0)
		t->be_cur[cfg->be[best].slot] -= total;
	return best;
}

/*
 * Fewest flows per unit of weight: conn_a / w_a < conn_b / w_b compared
 * as products. Ties go round robin from a rotating start, so that an
 * idle set is not loaded from its first backend.
 */
static int prx_pick_leastconn(struct prx_table *t,
			      const struct prx_config *cfg, uint32_t n)
{
	uint32_t k, i, start = t->rr++;
	uint64_t a, b;
	int best = -1;

	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		if (!prx_be_ok(t, cfg, i))
			continue;
		if (best >= 0) {
			a = (uint64_t)t->be_conn[cfg->be[i].slot] *
			    prx_weight(&cfg->be[best]);
			b = (uint64_t)t->be_conn[cfg->be[best].slot] *
			    prx_weight(&cfg->be[i]);
			if (a >= b)
				continue;
		}
		best = i;
	}
	return best;
}

/* Whether cfg has any backend in service, full or not. */
static int prx_any_in_service(const struct prx_config *cfg, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (cfg->be[i].backup == cfg->use_backup)
			return 1;
	return 0;
}

int prx_balance_pick(struct prx_table *t, const struct prx_config *cfg,
		     uint64_t hash)
{
	uint32_t n = cfg->nr_backends;
	int i = -1;

	if (n > PRX_MAX_BACKENDS)
		n = PRX_MAX_BACKENDS;
	prx_lock(&t->free_lock);
	switch (cfg->balance) {
	case PRX_BAL_HASH_SRC:
	case PRX_BAL_HASH_URI:
		i = cfg->maglev[prx_maglev_entry(hash)];
		if (i < (int)n && prx_be_ok(t, cfg, i))
			break;
		/* a full backend: its key goes to the least loaded instead */
		i = prx_pick_leastconn(t, cfg, n);
		break;
	case PRX_BAL_LEASTCONN:
		i = prx_pick_leastconn(t, cfg, n);
		break;
	default:
		i = prx_pick_rr(t, cfg, n);
		break;
	}
	if (i >= 0)
		t->be_conn[cfg->be[i].slot]++;
	prx_unlock(&t->free_lock);
	if (i < 0 && prx_any_in_service(cfg, n))
		return -2;
	return i;
}

void prx_balance_put(struct prx_table *t, uint8_t slot)
{
	if (slot >= PRX_MAX_BACKENDS)
		return;
	prx_lock(&t->free_lock);
	if (t->be_conn[slot])
		t->be_conn[slot]--;
	prx_unlock(&t->free_lock);
}

uint32_t prx_table_be_conn(struct prx_table *t, uint8_t slot)
{
	uint32_t n;

	if (slot >= PRX_MAX_BACKENDS)
		return 0;
	prx_lock(&t->free_lock);
	n = t->be_conn[slot];
	prx_unlock(&t->free_lock);
	return n;
}
