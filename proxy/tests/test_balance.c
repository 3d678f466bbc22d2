// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the proxy's balancing (proxy/balance.c): the Maglev
 * table's shares, order independence and stability, smooth weighted
 * round robin, weighted least connections, max_conn and backups, all
 * through the functions rx and the module call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktap.h"
#include "../engine.h"

#define NFLOWS		16

static struct prx_flow flows[NFLOWS];
static struct prx_bucket buckets[NFLOWS];
static struct prx_table tab;
static struct prx_config cfg;

static void table_init(void)
{
	struct ndiv_siphash_key hk = { { 7, 8 } };

	prx_table_init(&tab, flows, buckets, NFLOWS, 50000, &hk);
}

/* Backends named by the letters of names, slots in order, weight 1. */
static void config(struct prx_config *c, const char *names, uint8_t balance)
{
	uint32_t i;

	memset(c, 0, sizeof(*c));
	c->balance = balance;
	for (i = 0; names[i]; i++) {
		c->be[i].name[0] = names[i];
		c->be[i].slot = i;
		c->be[i].weight = 1;
		c->be[i].family = 4;
		c->be[i].addr[3] = i + 1;
		c->be[i].port = 80;
	}
	c->nr_backends = i;
}

/* The backend name of every Maglev entry. */
static void names_of(const struct prx_config *c, char *out)
{
	uint32_t i;

	for (i = 0; i < PRX_MAGLEV_SIZE; i++)
		out[i] = c->maglev[i] == PRX_MAGLEV_NONE ? '-' :
			 c->be[c->maglev[i]].name[0];
}

static uint32_t share(const char *m, char name)
{
	uint32_t i, n = 0;

	for (i = 0; i < PRX_MAGLEV_SIZE; i++)
		n += m[i] == name;
	return n;
}

static char m1[PRX_MAGLEV_SIZE], m2[PRX_MAGLEV_SIZE];

/* Equal weights: every entry filled, shares differ by at most one. */
static void test_maglev_shares(void)
{
	uint32_t a, b, c;

	config(&cfg, "abc", PRX_BAL_HASH_SRC);
	prx_balance_build(&cfg);
	names_of(&cfg, m1);
	a = share(m1, 'a');
	b = share(m1, 'b');
	c = share(m1, 'c');
	printf("# shares a %u b %u c %u of %u\n", a, b, c, PRX_MAGLEV_SIZE);
	KTAP_EXPECT(a + b + c == PRX_MAGLEV_SIZE);
	KTAP_EXPECT(a >= 1364 && a <= 1365);
	KTAP_EXPECT(b >= 1364 && b <= 1365);
	KTAP_EXPECT(c >= 1364 && c <= 1365);
	/* weights 1:3: a quarter and three quarters, within one entry */
	cfg.be[1].weight = 3;
	cfg.nr_backends = 2;
	prx_balance_build(&cfg);
	names_of(&cfg, m1);
	a = share(m1, 'a');
	b = share(m1, 'b');
	printf("# weights 1:3: a %u b %u\n", a, b);
	KTAP_EXPECT(a + b == PRX_MAGLEV_SIZE);
	KTAP_EXPECT(a >= PRX_MAGLEV_SIZE / 4 - 1 && a <= PRX_MAGLEV_SIZE / 4 + 1);
	/* no backend: an empty table, and a pick finds nothing */
	config(&cfg, "", PRX_BAL_HASH_SRC);
	prx_balance_build(&cfg);
	KTAP_EXPECT(cfg.maglev[0] == PRX_MAGLEV_NONE);
	table_init();
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, 12345) == -1);
}

/* The same names in another order, other slots: the same table. */
static void test_maglev_order(void)
{
	struct prx_config *c2 = malloc(sizeof(*c2));

	config(&cfg, "abcde", PRX_BAL_HASH_URI);
	prx_balance_build(&cfg);
	names_of(&cfg, m1);
	config(c2, "dbeac", PRX_BAL_HASH_URI);
	c2->be[0].slot = 9;
	prx_balance_build(c2);
	names_of(c2, m2);
	KTAP_EXPECT(!memcmp(m1, m2, sizeof(m1)));
	free(c2);
}

/*
 * One of three goes: its keys move, and (the Maglev property) few of the
 * others do. Over 30,000 keys hashed like client addresses.
 */
static void test_maglev_stable(void)
{
	uint32_t i, kept = 0, moved_other = 0, on_c = 0, n = 30000;
	char before, after;
	uint64_t h;

	config(&cfg, "abc", PRX_BAL_HASH_SRC);
	prx_balance_build(&cfg);
	names_of(&cfg, m1);
	config(&cfg, "ab", PRX_BAL_HASH_SRC);
	prx_balance_build(&cfg);
	names_of(&cfg, m2);
	for (i = 0; i < n; i++) {
		h = prx_balance_hash(&i, sizeof(i));
		before = m1[prx_maglev_entry(h)];
		after = m2[prx_maglev_entry(h)];
		if (before == 'c')
			on_c++;
		else if (before == after)
			kept++;
		else
			moved_other++;
	}
	printf("# keys %u: on c %u, others kept %u, others moved %u\n", n,
	       on_c, kept, moved_other);
	KTAP_EXPECT(kept + moved_other + on_c == n);
	/* c had its third; at least 2/3 of all keys keep their backend */
	KTAP_EXPECT(on_c * 100 >= n * 31 && on_c * 100 <= n * 35);
	KTAP_EXPECT(kept * 3 >= n * 2);
	/* ~1/N moves: under 1 % of a's and b's keys change */
	KTAP_EXPECT(moved_other * 100 <= kept + moved_other);
}

/* Smooth WRR 5:1:1: the order nginx documents, and exact shares. */
static void test_wrr_smooth(void)
{
	char seq[8] = { 0 };
	uint32_t i, cnt[3] = { 0 };
	int k;

	table_init();
	config(&cfg, "abc", PRX_BAL_RR);
	cfg.be[0].weight = 5;
	prx_balance_build(&cfg);
	for (i = 0; i < 7; i++) {
		k = prx_balance_pick(&tab, &cfg, 0);
		KTAP_EXPECT(k >= 0);
		seq[i] = cfg.be[k].name[0];
		prx_balance_put(&tab, cfg.be[k].slot);
	}
	KTAP_EXPECT(!strcmp(seq, "aabacaa") || !strcmp(seq, "abacaaa"));
	printf("# 5:1:1 gives %s\n", seq);
	cfg.be[0].weight = 1;
	cfg.be[1].weight = 3;
	cfg.nr_backends = 2;
	for (i = 0; i < 4000; i++) {
		k = prx_balance_pick(&tab, &cfg, 0);
		cnt[k]++;
		prx_balance_put(&tab, cfg.be[k].slot);
	}
	KTAP_EXPECT(cnt[0] == 1000 && cnt[1] == 3000);
}

/* Weighted least connections, then max_conn, then be_full. */
static void test_leastconn_limits(void)
{
	uint32_t i, cnt[2] = { 0 };
	int k;

	table_init();
	config(&cfg, "ab", PRX_BAL_LEASTCONN);
	cfg.be[1].weight = 2;
	prx_balance_build(&cfg);
	/* nothing given back: b ends with twice a's flows */
	for (i = 0; i < 12; i++)
		cnt[prx_balance_pick(&tab, &cfg, 0)]++;
	KTAP_EXPECT(cnt[0] == 4 && cnt[1] == 8);
	KTAP_EXPECT(prx_table_be_conn(&tab, 0) == 4);
	KTAP_EXPECT(prx_table_be_conn(&tab, 1) == 8);
	/* b limited to 8: everything new goes to a, up to its limit */
	cfg.be[1].max_conn = 8;
	cfg.be[0].max_conn = 6;
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, 0) == 0);
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, 0) == 0);
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, 0) == -2);
	prx_balance_put(&tab, 1);
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, 0) == 1);
	/* round robin skips a full backend too */
	cfg.balance = PRX_BAL_RR;
	prx_balance_put(&tab, 0);
	for (i = 0; i < 3; i++) {
		k = prx_balance_pick(&tab, &cfg, 0);
		KTAP_EXPECT(i ? k == -2 : k == 0);
	}
}

/* A key whose Maglev backend is full goes to the least loaded other. */
static void test_hash_full_and_backup(void)
{
	uint64_t h = 0;
	int k, k2;

	table_init();
	config(&cfg, "abc", PRX_BAL_HASH_SRC);
	cfg.be[2].backup = 1;
	prx_balance_build(&cfg);
	KTAP_EXPECT(!cfg.use_backup);
	/* a backup takes no entry while a primary is configured */
	names_of(&cfg, m1);
	KTAP_EXPECT(!share(m1, 'c'));
	k = prx_balance_pick(&tab, &cfg, h);
	KTAP_EXPECT(k == cfg.maglev[prx_maglev_entry(h)]);
	/* the same key, the same backend */
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, h) == k);
	cfg.be[k].max_conn = 2;
	k2 = prx_balance_pick(&tab, &cfg, h);
	KTAP_EXPECT(k2 >= 0 && k2 != k && k2 != 2);
	/* only the backup left: it serves, and the table is all its own */
	config(&cfg, "c", PRX_BAL_HASH_SRC);
	cfg.be[0].backup = 1;
	prx_balance_build(&cfg);
	KTAP_EXPECT(cfg.use_backup);
	names_of(&cfg, m1);
	KTAP_EXPECT(share(m1, 'c') == PRX_MAGLEV_SIZE);
	KTAP_EXPECT(prx_balance_pick(&tab, &cfg, h) == 0);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(test_maglev_shares),
		KTAP_CASE(test_maglev_order),
		KTAP_CASE(test_maglev_stable),
		KTAP_CASE(test_wrr_smooth),
		KTAP_CASE(test_leastconn_limits),
		KTAP_CASE(test_hash_full_and_backup),
	};

	ktap_run(cases, ARRAY_SIZE(cases));
	return ktap_finish();
}
