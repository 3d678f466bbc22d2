// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the proxy's engine. Frames are built here from scratch
 * (headers, options and checksums written by this file, not by the code
 * under test), handed to prx_handle() as a driver would, and what comes
 * out is read back with the library's parser, checksums verified: what
 * the client and the backend would receive. A frame lives in a heap
 * buffer of exactly its room, so ASan sees any access outside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndiv/cookie.h>
#include <ndiv/tcp.h>

#include "ktap.h"
#include "pkt.h"
#include "../engine.h"

#define HEADROOM	64
#define ROOM		2048
#define NFLOWS		16
#define SPORT_MIN	50000

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };	/* client */
static const uint8_t mac_p[6] = { 0x02, 0, 0, 0, 0, 0x02 };	/* proxy */
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };	/* backend */
static const uint8_t ip_c[4] = { 198, 18, 0, 1 };
static const uint8_t ip_p[4] = { 198, 18, 0, 2 };	/* VIP and local */
static const uint8_t ip_b[4] = { 198, 18, 0, 11 };

static struct prx_flow flows[NFLOWS];
static struct prx_bucket buckets[NFLOWS];
static struct prx_table tab;
static struct prx_config cfg;
static struct ndiv_siphash_key keys[2];
static struct ndiv_stat cnt[PRX_CNT_NR];
static struct prx_env env;
static int neigh_ok;

/* The emitted frames of the last call. */
static uint8_t emitted[ROOM];
static uint32_t emitted_len;
static int nr_emitted;

static uint8_t *em_get(void *ctx, uint32_t cap, void **handle)
{
	(void)ctx;
	*handle = malloc(cap);
	return *handle;
}

static int em_send(void *ctx, void *handle, uint32_t len)
{
	(void)ctx;
	if (len && len <= sizeof(emitted)) {
		memcpy(emitted, handle, len);
		emitted_len = len;
		nr_emitted++;
	}
	free(handle);
	return 0;
}

static const struct prx_emitter emitter = { em_get, em_send, NULL };

static int neigh(void *ctx, int family, const uint8_t *addr, uint8_t *mac)
{
	(void)ctx;
	if (family != 4 || memcmp(addr, ip_b, 4) || !neigh_ok)
		return -1;
	memcpy(mac, mac_b, 6);
	return 0;
}

static uint64_t c(enum prx_counter i)
{
	return cnt[i].v;
}

static void setup(void)
{
	struct ndiv_siphash_key hk = { { 7, 8 } };

	memset(cnt, 0, sizeof(cnt));
	keys[0] = (struct ndiv_siphash_key){ { 1, 2 } };
	keys[1] = (struct ndiv_siphash_key){ { 3, 4 } };
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.vip, ip_p, 4);
	memcpy(cfg.local, ip_p, 4);
	cfg.vip_port = 80;
	cfg.mtu = 1500;
	cfg.timeout_ms = 60000;
	cfg.nr_backends = 1;
	memcpy(cfg.be[0].addr, ip_b, 4);
	cfg.be[0].port = 8080;
	cfg.be[0].family = 4;
	prx_table_init(&tab, flows, buckets, NFLOWS, SPORT_MIN, &hk);
	memset(&env, 0, sizeof(env));
	env.cfg = &cfg;
	env.key[0] = &keys[0];
	env.key[1] = &keys[1];
	env.now_ms = 100000;
	env.neigh = neigh;
	env.emit = &emitter;
	env.cnt = cnt;
	neigh_ok = 1;
	nr_emitted = 0;
}

/* A segment to build: IPv4, options in Linux's order. */
struct seg {
	const uint8_t *smac, *dmac, *saddr, *daddr;
	uint16_t sport, dport, win;
	uint32_t seq, ack;
	uint8_t flags;
	int mss, ws, sackp, ts;	/* ws -1: none */
	uint32_t tsval, tsecr;
	const char *pay;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t build(uint8_t *p, const struct seg *g)
{
	uint8_t *ip = p + 14, *t = ip + 20, *o = t + 20;
	uint32_t plen = g->pay ? strlen(g->pay) : 0, olen = 0, sum, i;

	memcpy(p, g->dmac, 6);
	memcpy(p + 6, g->smac, 6);
	put16(p + 12, 0x0800);
	if (g->mss) {
		o[0] = 2, o[1] = 4, put16(o + 2, g->mss);
		olen += 4;
	}
	if (g->ts) {
		o[olen] = g->sackp ? 4 : 1;
		o[olen + 1] = g->sackp ? 2 : 1;
		o[olen + 2] = 8;
		o[olen + 3] = 10;
		put32(o + olen + 4, g->tsval);
		put32(o + olen + 8, g->tsecr);
		olen += 12;
	} else if (g->sackp) {
		o[olen] = 1, o[olen + 1] = 1, o[olen + 2] = 4, o[olen + 3] = 2;
		olen += 4;
	}
	if (g->ws >= 0 && (g->flags & NDIV_TCP_SYN)) {
		o[olen] = 1, o[olen + 1] = 3, o[olen + 2] = 3;
		o[olen + 3] = g->ws;
		olen += 4;
	}
	memcpy(o + olen, g->pay ? g->pay : "", plen);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 20 + olen + plen);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, g->saddr, 4);
	memcpy(ip + 16, g->daddr, 4);
	put16(ip + 10, pkt_csum(ip, 20, 0));
	put16(t, g->sport);
	put16(t + 2, g->dport);
	put32(t + 4, g->seq);
	put32(t + 8, g->ack);
	t[12] = (20 + olen) / 4 << 4;
	t[13] = g->flags;
	put16(t + 14, g->win ? g->win : 502);
	put16(t + 16, 0);
	put16(t + 18, 0);
	sum = 0;
	for (i = 0; i < 8; i += 2)
		sum += ip[12 + i] << 8 | ip[13 + i];
	sum += 6 + 20 + olen + plen;
	put16(t + 16, pkt_csum(t, 20 + olen + plen, sum));
	return 14 + 20 + 20 + olen + plen;
}

/* A frame as a driver hands it: its own heap buffer of room bytes. */
struct fr {
	uint8_t *buf;
	struct ndiv_frame f;
	struct ndiv_tcp_seg s;	/* of what was sent, after the call */
};

static int run_room(struct fr *x, const struct seg *g, uint32_t room)
{
	uint8_t tmp[ROOM];
	uint32_t len = build(tmp, g);
	int v;

	x->buf = malloc(room);
	memcpy(x->buf + HEADROOM, tmp, len);
	memset(&x->f, 0, sizeof(x->f));
	x->f.data = x->buf + HEADROOM;
	x->f.len = len;
	x->f.headroom = HEADROOM;
	x->f.tailroom = room - HEADROOM - len;
	nr_emitted = 0;
	v = prx_handle(&env, &tab, &x->f);
	memset(&x->s, 0, sizeof(x->s));
	if (v == NDIV_TX && ndiv_tcp_parse(&x->f, &x->s, 0))
		v = -100;	/* sent something unparsable or bad checksums */
	return v;
}

static int run(struct fr *x, const struct seg *g)
{
	return run_room(x, g, ROOM);
}

static void done(struct fr *x)
{
	free(x->buf);
	x->buf = NULL;
}

static const char req[] = "GET /whoami HTTP/1.1\r\nHost: p\r\n\r\n";
#define REQ_LEN		((uint32_t)sizeof(req) - 1)
#define CISN		0xfffffff0u	/* wraps during the request */
#define BISN		0x12345678u

static struct seg client(uint8_t flags)
{
	struct seg g = {
		.smac = mac_c, .dmac = mac_p, .saddr = ip_c, .daddr = ip_p,
		.sport = 40000, .dport = 80, .flags = flags, .ws = -1,
	};
	return g;
}

static struct seg backend(uint16_t lport, uint8_t flags)
{
	struct seg g = {
		.smac = mac_b, .dmac = mac_p, .saddr = ip_b, .daddr = ip_p,
		.sport = 8080, .dport = lport, .flags = flags, .ws = -1,
	};
	return g;
}

/* Handshake with options; returns the cookie, *tsv our SYN-ACK's TSval. */
static uint32_t handshake(int ts, int ws, int sack, uint32_t *tsv)
{
	struct seg g = client(NDIV_TCP_SYN);
	struct fr x;
	uint32_t isn;

	g.seq = CISN;
	g.mss = 1460;
	g.ws = ws;
	g.sackp = sack;
	g.ts = ts;
	g.tsval = 1000;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(x.s.flags == (NDIV_TCP_SYN | NDIV_TCP_ACK));
	KTAP_EXPECT(x.s.ack == CISN + 1);
	KTAP_EXPECT(!memcmp(x.s.daddr, ip_c, 4) && x.s.dport == 40000);
	KTAP_EXPECT(!!(x.s.opt.present & NDIV_TCP_OPT_TS) == !!ts);
	KTAP_EXPECT(!!(x.s.opt.present & NDIV_TCP_OPT_SACK_PERM) == !!sack);
	KTAP_EXPECT(!!(x.s.opt.present & NDIV_TCP_OPT_WSCALE) == (ws >= 0));
	if (ts)
		KTAP_EXPECT(x.s.opt.tsecr == 1000);
	isn = x.s.seq;
	*tsv = x.s.opt.tsval;
	done(&x);
	return isn;
}

/* The first data segment: returns the local port of the backend SYN. */
static uint16_t first_data(uint32_t isn, int ts, uint32_t tsv,
			   struct ndiv_tcp_seg *syn)
{
	struct seg g = client(NDIV_TCP_ACK | NDIV_TCP_PSH);
	struct fr x;
	uint16_t lport;

	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.ts = ts;
	g.tsval = 1001;
	g.tsecr = tsv;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	/* the backend SYN: from the local address to the backend */
	KTAP_EXPECT(!memcmp(x.s.saddr, ip_p, 4) && !memcmp(x.s.daddr, ip_b, 4));
	KTAP_EXPECT(!memcmp(x.f.data, mac_b, 6));
	*syn = x.s;
	syn->saddr = NULL;
	syn->daddr = NULL;
	lport = x.s.sport;
	done(&x);
	return lport;
}

static void test_syn_stateless(void)
{
	uint32_t tsv, i;
	struct seg g;
	struct fr x;

	setup();
	handshake(1, 7, 1, &tsv);
	/* a SYN flood: every SYN answered, no flow */
	for (i = 0; i < 1000; i++) {
		g = client(NDIV_TCP_SYN);
		g.sport = 1024 + i;
		g.seq = i * 7919;
		KTAP_EXPECT(run(&x, &g) == NDIV_TX);
		done(&x);
	}
	KTAP_EXPECT(c(PRX_CNT_SYNACK) == 1001);
	KTAP_EXPECT(prx_table_active(&tab) == 0);
	/* the handshake's ACK makes no flow either */
	g = client(NDIV_TCP_ACK);
	g.seq = CISN + 1;
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_ACK_NOFLOW) == 1 && c(PRX_CNT_FLOW_NEW) == 0);
}

/* The whole life of a flow with timestamps, SACK and window scaling. */
static void test_splice_flow(void)
{
	struct ndiv_tcp_seg syn;
	uint32_t isn, tsv;
	uint16_t lport;
	struct seg g;
	struct fr x;

	setup();
	isn = handshake(1, 7, 1, &tsv);
	lport = first_data(isn, 1, tsv, &syn);
	/* the backend SYN: from the local address, the client's options */
	KTAP_EXPECT(syn.flags == NDIV_TCP_SYN && syn.seq == CISN);
	KTAP_EXPECT(syn.dport == 8080);
	KTAP_EXPECT(lport >= SPORT_MIN && lport < SPORT_MIN + NFLOWS);
	KTAP_EXPECT(syn.opt.mss == 1460 && syn.opt.wscale == 7);
	KTAP_EXPECT(syn.opt.present & NDIV_TCP_OPT_SACK_PERM);
	KTAP_EXPECT(syn.opt.tsval == 1001 && syn.pay_len == 0);
	KTAP_EXPECT(prx_table_active(&tab) == 1);

	/* the backend's SYN-ACK: the request goes out, acking it */
	g = backend(lport, NDIV_TCP_SYN | NDIV_TCP_ACK);
	g.seq = BISN;
	g.ack = CISN + 1;
	g.mss = 1460;
	g.ws = 6;
	g.sackp = 1;
	g.ts = 1;
	g.tsval = 9000;
	g.tsecr = 1001;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(x.s.flags == (NDIV_TCP_ACK | NDIV_TCP_PSH));
	KTAP_EXPECT(x.s.seq == CISN + 1 && x.s.ack == BISN + 1);
	KTAP_EXPECT(x.s.opt.tsecr == 9000 && x.s.opt.tsval == 1001);
	KTAP_EXPECT(x.s.pay_len == REQ_LEN &&
		    !memcmp(x.f.data + x.s.pay_off, req, REQ_LEN));
	KTAP_EXPECT(!memcmp(x.f.data, mac_b, 6) && !memcmp(x.f.data + 6, mac_p, 6));
	KTAP_EXPECT(x.s.sport == lport && x.s.dport == 8080);
	done(&x);

	/* the backend's answer reaches the client in the client's numbers */
	g = backend(lport, NDIV_TCP_ACK | NDIV_TCP_PSH);
	g.seq = BISN + 1;
	g.ack = CISN + 1 + REQ_LEN;
	g.ts = 1;
	g.tsval = 9010;
	g.tsecr = 1001;
	g.win = 100;
	g.pay = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nbe1";
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(!memcmp(x.s.saddr, ip_p, 4) && !memcmp(x.s.daddr, ip_c, 4));
	KTAP_EXPECT(x.s.sport == 80 && x.s.dport == 40000);
	KTAP_EXPECT(!memcmp(x.f.data, mac_c, 6));
	KTAP_EXPECT(x.s.seq == isn + 1 && x.s.ack == CISN + 1 + REQ_LEN);
	/* PAWS: the client's clock of us goes on from our SYN-ACK's TSval */
	KTAP_EXPECT(x.s.opt.tsval == tsv + 10 && x.s.opt.tsecr == 1001);
	/* window: 100 << 6 bytes announced with our shift of 7 */
	KTAP_EXPECT(x.s.window == 50);
	done(&x);

	/* close: FIN both ways, then the flow lingers and is freed */
	g = client(NDIV_TCP_ACK | NDIV_TCP_FIN);
	g.seq = CISN + 1 + REQ_LEN;
	g.ack = isn + 1 + 41;
	g.ts = 1;
	g.tsval = 1002;
	g.tsecr = tsv + 10;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(x.s.flags & NDIV_TCP_FIN && x.s.ack == BISN + 1 + 41);
	KTAP_EXPECT(x.s.opt.tsecr == 9010 && x.s.dport == 8080);
	done(&x);
	g = backend(lport, NDIV_TCP_ACK | NDIV_TCP_FIN);
	g.seq = BISN + 1 + 41;
	g.ack = CISN + 2 + REQ_LEN;
	g.ts = 1;
	g.tsval = 9020;
	g.tsecr = 1002;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(x.s.flags & NDIV_TCP_FIN && x.s.seq == isn + 1 + 41);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_FIN) == 2);
	/* not before the linger */
	KTAP_EXPECT(prx_table_reap(&tab, &env) == 0);
	env.now_ms += PRX_LINGER_MS;
	KTAP_EXPECT(prx_table_reap(&tab, &env) == 1);
	KTAP_EXPECT(prx_table_active(&tab) == 0);
	KTAP_EXPECT(c(PRX_CNT_FLOW_NEW) == 1 && c(PRX_CNT_FLOW_FREED) == 1);
	/* the port is stray now */
	g = backend(lport, NDIV_TCP_ACK);
	g.seq = BISN + 42;
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_STRAY) == 1);
}

/* Without timestamps the options ride in the ISN; no ACK before binding. */
static void test_no_timestamps(void)
{
	struct ndiv_tcp_seg syn;
	uint32_t isn, tsv;
	uint16_t lport;
	struct seg g;
	struct fr x;

	setup();
	isn = handshake(0, 2, 0, &tsv);
	lport = first_data(isn, 0, 0, &syn);
	KTAP_EXPECT(syn.opt.wscale == 2 &&
		    !(syn.opt.present & (NDIV_TCP_OPT_SACK_PERM |
					 NDIV_TCP_OPT_TS)));
	/* the client's data again while the backend is silent: SYN again */
	g = client(NDIV_TCP_ACK | NDIV_TCP_PSH);
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	KTAP_EXPECT(x.s.flags == NDIV_TCP_SYN && x.s.sport == lport);
	done(&x);
	/* a pure ACK meanwhile is not answered: nothing is acknowledged */
	g.pay = NULL;
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_BE_SYN) == 2 && c(PRX_CNT_C2B) == 0);
	/* a backend that never answers is given up */
	env.now_ms += PRX_CONNECT_MS;
	KTAP_EXPECT(prx_table_reap(&tab, &env) == 1);
	KTAP_EXPECT(c(PRX_CNT_FLOW_EXPIRED) == 1);
}

static void test_cookie_refused(void)
{
	uint32_t isn, tsv;
	struct seg g;
	struct fr x;

	setup();
	isn = handshake(1, 7, 1, &tsv);
	g = client(NDIV_TCP_ACK);
	g.seq = CISN + 1;
	g.ack = isn + 1 + 4;	/* the MSS bits survive, the hash does not */
	g.ts = 1;
	g.tsecr = tsv;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	g.ack = isn + 1;
	g.seq = CISN + 2;	/* another client ISN */
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_COOKIE_BAD) == 2 && prx_table_active(&tab) == 0);
	/* the previous key still vouches */
	keys[1] = keys[0];
	keys[0] = (struct ndiv_siphash_key){ { 5, 6 } };
	g.seq = CISN + 1;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags == NDIV_TCP_SYN);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_OLD_KEY) == 1);
}

static void test_not_ours_passes(void)
{
	struct seg g = client(NDIV_TCP_SYN);
	uint8_t other[4] = { 198, 18, 0, 3 };
	struct fr x;
	uint8_t copy[ROOM];
	uint32_t len;

	setup();
	g.dport = 22;
	len = build(copy, &g);
	KTAP_EXPECT(run(&x, &g) == NDIV_PASS);
	KTAP_EXPECT(x.f.len == len && !memcmp(x.f.data, copy, len));
	done(&x);
	g.dport = 80;
	g.daddr = other;
	KTAP_EXPECT(run(&x, &g) == NDIV_PASS);
	done(&x);
	/* a local port outside the range */
	g = backend(SPORT_MIN + NFLOWS, NDIV_TCP_ACK);
	KTAP_EXPECT(run(&x, &g) == NDIV_PASS);
	done(&x);
	/* no VIP configured: everything passes */
	memset(cfg.vip, 0, 4);
	g = client(NDIV_TCP_SYN);
	KTAP_EXPECT(run(&x, &g) == NDIV_PASS);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_PASS) == 4 && c(PRX_CNT_SYN) == 0);
}

static void test_bad_request_and_neigh(void)
{
	uint32_t isn, tsv;
	struct seg g;
	struct fr x;

	setup();
	isn = handshake(1, 7, 1, &tsv);
	g = client(NDIV_TCP_ACK);
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.ts = 1;
	g.tsecr = tsv;
	g.pay = "GET / HTTP/1.1\nHost: p\n\n";	/* bare LF: 400 */
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags & NDIV_TCP_RST);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_BAD_REQUEST) == 1);
	/* an unresolved backend: dropped, no flow, then retried */
	neigh_ok = 0;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_NEIGH_MISS) == 1 && prx_table_active(&tab) == 0);
	neigh_ok = 1;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags == NDIV_TCP_SYN);
	done(&x);
	KTAP_EXPECT(prx_table_active(&tab) == 1);
	/* no backend: RST, no flow */
	cfg.nr_backends = 0;
	g = client(NDIV_TCP_SYN);
	g.sport = 40001;
	g.seq = CISN;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	isn = x.s.seq;
	done(&x);
	g.flags = NDIV_TCP_ACK;
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags & NDIV_TCP_RST);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_NO_BACKEND) == 1 && prx_table_active(&tab) == 1);
}

static void test_table_full(void)
{
	uint32_t i, isn;
	struct seg g;
	struct fr x;

	setup();
	for (i = 0; i <= NFLOWS; i++) {
		g = client(NDIV_TCP_SYN);
		g.sport = 2000 + i;
		g.seq = CISN;
		KTAP_EXPECT(run(&x, &g) == NDIV_TX);
		isn = x.s.seq;
		done(&x);
		g.flags = NDIV_TCP_ACK;
		g.seq = CISN + 1;
		g.ack = isn + 1;
		g.pay = req;
		KTAP_EXPECT(run(&x, &g) == (i < NFLOWS ? NDIV_TX : NDIV_DROP));
		done(&x);
	}
	KTAP_EXPECT(c(PRX_CNT_FLOW_FULL) == 1);
	KTAP_EXPECT(prx_table_active(&tab) == NFLOWS);
	/* idle flows go at the timeout */
	env.now_ms += cfg.timeout_ms;
	KTAP_EXPECT(prx_table_reap(&tab, &env) == NFLOWS);
	KTAP_EXPECT(prx_table_active(&tab) == 0);
}

/* Bind one connection from client port sport: the verdict, x kept. */
static int bind_port(struct fr *x, uint16_t sport)
{
	struct seg g = client(NDIV_TCP_SYN);
	uint32_t isn;

	g.sport = sport;
	g.seq = CISN;
	KTAP_EXPECT(run(x, &g) == NDIV_TX);
	isn = x->s.seq;
	done(x);
	g.flags = NDIV_TCP_ACK;
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.pay = req;
	return run(x, &g);
}

/*
 * Balancing through the engine: hash-source keeps a client on one of
 * three backends; max_conn turns the next flow away with a RST and
 * be_full counted; a flow freed gives its backend's count back.
 */
static void test_balance_engine(void)
{
	uint32_t i, freed;
	uint8_t first = 0;
	struct fr x;

	setup();
	cfg.nr_backends = 3;
	for (i = 0; i < 3; i++) {
		cfg.be[i] = cfg.be[0];
		cfg.be[i].name[0] = 'a' + i;
		cfg.be[i].slot = i;
		cfg.be[i].weight = 1;
	}
	cfg.balance = PRX_BAL_HASH_SRC;
	prx_balance_build(&cfg);
	for (i = 0; i < 6; i++) {
		KTAP_EXPECT(bind_port(&x, 3000 + i) == NDIV_TX);
		KTAP_EXPECT(x.s.flags == NDIV_TCP_SYN);
		done(&x);
	}
	/* one client address: all six on the backend of its entry */
	first = cfg.maglev[prx_maglev_entry(prx_balance_hash(ip_c, 4))];
	KTAP_EXPECT(first < 3);
	KTAP_EXPECT(prx_table_be_conn(&tab, first) == 6);
	KTAP_EXPECT(prx_table_active(&tab) == 6);
	/* one backend limited to one flow, the only one in service */
	cfg.nr_backends = 1;
	cfg.be[0].max_conn = 7;
	cfg.be[0].slot = first;
	prx_balance_build(&cfg);
	KTAP_EXPECT(bind_port(&x, 3100) == NDIV_TX);
	done(&x);
	KTAP_EXPECT(bind_port(&x, 3101) == NDIV_TX);
	KTAP_EXPECT(x.s.flags & NDIV_TCP_RST);
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_BE_FULL) == 1);
	KTAP_EXPECT(prx_table_be_conn(&tab, first) == 7);
	/* the idle flows go: the count with them */
	env.now_ms += cfg.timeout_ms;
	freed = prx_table_reap(&tab, &env);
	KTAP_EXPECT(freed == 7);
	KTAP_EXPECT(prx_table_be_conn(&tab, first) == 0);
}

/* The backend's SYN-ACK in a frame too small for the request: emitter. */
static void test_emitter_and_refusal(void)
{
	struct ndiv_tcp_seg syn, s;
	struct ndiv_frame e = { 0 };
	uint32_t isn, tsv;
	uint16_t lport;
	struct seg g;
	struct fr x;

	setup();
	isn = handshake(1, 7, 1, &tsv);
	lport = first_data(isn, 1, tsv, &syn);
	g = backend(lport, NDIV_TCP_SYN | NDIV_TCP_ACK);
	g.seq = BISN;
	g.ack = CISN + 1;
	g.ts = 1;
	g.tsval = 5;
	g.tsecr = 1001;
	KTAP_EXPECT(run_room(&x, &g, HEADROOM + 80) == NDIV_DROP);
	done(&x);
	KTAP_EXPECT(nr_emitted == 1 && c(PRX_CNT_EMIT) == 1);
	e.data = emitted;
	e.len = emitted_len;
	KTAP_EXPECT(!ndiv_tcp_parse(&e, &s, 0));
	KTAP_EXPECT(s.pay_len == REQ_LEN && s.ack == BISN + 1 &&
		    s.opt.tsecr == 5);

	/* a backend refusing timestamps the client uses: RST it */
	g = client(NDIV_TCP_SYN);
	g.sport = 40002;
	g.seq = CISN;
	g.ts = 1;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	isn = x.s.seq;
	tsv = x.s.opt.tsval;
	done(&x);
	g.flags = NDIV_TCP_ACK;
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.tsecr = tsv;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX);
	lport = x.s.sport;
	done(&x);
	g = backend(lport, NDIV_TCP_SYN | NDIV_TCP_ACK);
	g.seq = BISN;
	g.ack = CISN + 1;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags & NDIV_TCP_RST);
	KTAP_EXPECT(!memcmp(x.s.daddr, ip_b, 4));
	done(&x);
	/* and the client, on its next segment */
	g = client(NDIV_TCP_ACK);
	g.sport = 40002;
	g.seq = CISN + 1;
	g.ack = isn + 1;
	g.ts = 1;
	g.pay = req;
	KTAP_EXPECT(run(&x, &g) == NDIV_TX && x.s.flags & NDIV_TCP_RST);
	KTAP_EXPECT(!memcmp(x.s.daddr, ip_c, 4));
	done(&x);
	KTAP_EXPECT(c(PRX_CNT_BE_REFUSED) == 1);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(test_syn_stateless),
		KTAP_CASE(test_splice_flow),
		KTAP_CASE(test_no_timestamps),
		KTAP_CASE(test_cookie_refused),
		KTAP_CASE(test_not_ours_passes),
		KTAP_CASE(test_bad_request_and_neigh),
		KTAP_CASE(test_table_full),
		KTAP_CASE(test_emitter_and_refusal),
		KTAP_CASE(test_balance_engine),
	};

	ktap_run(cases, ARRAY_SIZE(cases));
	return ktap_finish();
}
