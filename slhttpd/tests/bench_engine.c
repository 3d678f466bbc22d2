// SPDX-License-Identifier: GPL-2.0
/*
 * Native micro-benchmark of slhttpd's engine: slh_handle() from
 * slhttpd/engine.c driven over pre-built Ethernet frames, no VM, no NIC.
 *
 *   slhttpd_bench [--mode MODE] [--iters N] [--runs R] [--check]
 *
 * Modes (one frame, handled over and over):
 *   syn    a Linux-like SYN (MSS, SACK-permitted, timestamps, window
 *          scale) to port 80: answered with a SYN-ACK (NDIV_TX)
 *   ack    the handshake's final ACK: cookie validated, nothing to send
 *   get    "GET /?s=64" (wrk's request) at OPEN, acknowledging the
 *          SYN-ACK with the engine's own cookie and echoing its TSval:
 *          answered with a 200 and a 64-byte body (NDIV_TX)
 *   pass   a SYN to port 22: not slhttpd's (NDIV_PASS)
 *   copy   no engine call: only the per-frame restore the other modes
 *          also do (copying the template back over the rewritten frame)
 *
 * The frames are built once; the SYN-ACK's sequence number and TSval come
 * from the engine (a real handshake through slh_handle()), so the GET and
 * the ACK carry a valid cookie. Every iteration copies the template into
 * the frame buffer (the engine rewrites it in place) and calls
 * slh_handle(); every verdict is checked after the timed loop.
 *
 * Output: one JSON object per run of the program on stdout:
 *   {"mode": "get", "iters": N, "runs": R, "ns_per_frame_best": ...,
 *    "ns_per_frame_median": ..., "verdict": "tx", "frame_len": ...,
 *    "reply_len": ...}
 * --check prints the reply (summary) on stderr and exits.
 *
 * Under valgrind --tool=callgrind, run with --runs 1 and two --iters
 * values: the difference of the totals over the difference of iterations
 * is the instruction count per frame, setup excluded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ndiv/csum.h>
#include <ndiv/frame.h>
#include <ndiv/siphash.h>

#include "../engine.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define BUF_SIZE	2048
#define HEADROOM	256
#define FRAME_MAX	(BUF_SIZE - HEADROOM)

/* Fixed wall clock: Sun, 22 Nov 2026 16:05:00 GMT. */
#define BENCH_NOW	1795363500

static const uint8_t mac_c[6] = { 0x02, 0x4e, 0x44, 0x4c, 0x00, 0x01 };
static const uint8_t mac_s[6] = { 0x02, 0x4e, 0x44, 0x4c, 0x00, 0x02 };
static const uint8_t ip_c[4] = { 198, 18, 0, 1 };
static const uint8_t ip_s[4] = { 198, 18, 0, 2 };

#define CPORT		40000
#define CISN		0x12345678u
#define CTSVAL		0x00a0b0c0u

/* Exactly what wrk sends for http://198.18.0.2:80/?s=64 */
static const char get_req[] =
	"GET /?s=64 HTTP/1.1\r\nHost: 198.18.0.2:80\r\n\r\n";

/* Byte i of a synthetic body (Documentation/slhttpd.rst). */
static const char body64[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n";

struct tmpl {
	uint8_t data[FRAME_MAX];
	uint32_t len;
};

static uint8_t buf[BUF_SIZE];
static struct ndiv_stat counters[SLH_CNT_NR];
static struct slh_config cfg;
static struct ndiv_siphash_key key;
static struct slh_env env;

/*
 * An IPv4 TCP segment client -> server with valid checksums. opts are the
 * TCP option bytes (a multiple of 4).
 */
static void build(struct tmpl *t, uint16_t sport, uint16_t dport,
		  uint32_t seq, uint32_t ack, uint8_t flags,
		  const uint8_t *opts, uint32_t olen,
		  const void *pay, uint32_t plen)
{
	uint8_t *p = t->data, *ip = p + 14, *tcp = ip + 20;
	uint32_t thl = 20 + olen, l4 = thl + plen, sum;

	memset(p, 0, 14 + 20 + l4);
	memcpy(p, mac_s, 6);
	memcpy(p + 6, mac_c, 6);
	ndiv_put_be16(p + 12, 0x0800);
	ip[0] = 0x45;
	ndiv_put_be16(ip + 2, (uint16_t)(20 + l4));
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, ip_c, 4);
	memcpy(ip + 16, ip_s, 4);
	ndiv_put_be16(ip + 10, ndiv_csum_ip4_hdr(ip, 20));
	ndiv_put_be16(tcp, sport);
	ndiv_put_be16(tcp + 2, dport);
	ndiv_put_be32(tcp + 4, seq);
	ndiv_put_be32(tcp + 8, ack);
	tcp[12] = (uint8_t)(thl / 4) << 4;
	tcp[13] = flags;
	ndiv_put_be16(tcp + 14, 64240);
	memcpy(tcp + 20, opts, olen);
	memcpy(tcp + thl, pay, plen);
	sum = ndiv_csum_pseudo4(ip_c, ip_s, 6, (uint16_t)l4);
	ndiv_put_be16(tcp + 16, ndiv_csum_fold(ndiv_csum_add(tcp, l4, sum)));
	t->len = 14 + 20 + l4;
}

/* A Linux SYN's options: MSS 1460, SACK-permitted, TS, NOP, WS 7. */
static void build_syn(struct tmpl *t, uint16_t dport)
{
	uint8_t o[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 };

	ndiv_put_be32(o + 8, CTSVAL);
	ndiv_put_be32(o + 12, 0);
	o[16] = 1;
	o[17] = 3;
	o[18] = 3;
	o[19] = 7;
	build(t, CPORT, dport, CISN, 0, 0x02, o, sizeof(o), NULL, 0);
}

static void build_ts_seg(struct tmpl *t, uint32_t ack, uint32_t tsecr,
			 uint8_t flags, const void *pay, uint32_t plen)
{
	uint8_t o[12] = { 1, 1, 8, 10 };

	ndiv_put_be32(o + 4, CTSVAL + 1);
	ndiv_put_be32(o + 8, tsecr);
	build(t, CPORT, 80, CISN + 1, ack, flags, o, sizeof(o), pay, plen);
}

static struct ndiv_frame load(const struct tmpl *t)
{
	struct ndiv_frame f = {
		.data = buf + HEADROOM,
		.len = t->len,
		.headroom = HEADROOM,
		.tailroom = BUF_SIZE - HEADROOM - t->len,
	};

	memcpy(f.data, t->data, t->len);
	return f;
}

/* The TCP header of a reply frame (IPv4, no VLAN), or NULL. */
static const uint8_t *reply_tcp(const struct ndiv_frame *f)
{
	const uint8_t *ip = f->data + 14;

	if (f->len < 54 || f->data[12] != 0x08 || f->data[13] != 0)
		return NULL;
	return ip + (ip[0] & 0xf) * 4;
}

/* TSval of a reply's Timestamps option, 0 if it has none. */
static uint32_t reply_tsval(const struct ndiv_frame *f)
{
	const uint8_t *tcp = reply_tcp(f);
	uint32_t hl, i;

	if (!tcp)
		return 0;
	hl = (uint32_t)(tcp[12] >> 4) * 4;
	for (i = 20; i + 1 < hl;) {
		if (tcp[i] == 0)
			break;
		if (tcp[i] == 1) {
			i++;
			continue;
		}
		if (tcp[i] == 8 && tcp[i + 1] == 10 && i + 10 <= hl)
			return ndiv_get_be32(tcp + i + 2);
		if (tcp[i + 1] < 2)
			break;
		i += tcp[i + 1];
	}
	return 0;
}

static const char *verdict_name(int v)
{
	switch (v) {
	case NDIV_PASS:
		return "pass";
	case NDIV_DROP:
		return "drop";
	case NDIV_TX:
		return "tx";
	}
	return "?";
}

static void die(const char *msg)
{
	fprintf(stderr, "slhttpd_bench: %s\n", msg);
	exit(1);
}

static struct slh_date_cache date_cache = { .secs = -1 };

static void setup(void)
{
	uint8_t kb[16];
	unsigned int i;

	cfg.ports[0] = 80;
	cfg.nr_ports = 1;
	cfg.invalid = SLH_INVALID_DROP;
	cfg.mtu = 1500;
	cfg.date = 1;
	for (i = 0; i < sizeof(kb); i++)
		kb[i] = (uint8_t)(0x5a ^ (i * 37));
	ndiv_siphash_setkey(&key, kb);
	env.cfg = &cfg;
	env.key[0] = &key;
	env.key[1] = &key;
	env.now = BENCH_NOW;
	/* as the module does: the Date text formatted once a second */
	env.date = &date_cache;
	env.cnt = counters;
}

/* The reply payload of the GET must end with the 64-byte body. */
static int check_get_reply(const struct ndiv_frame *f, int verbose)
{
	const uint8_t *tcp = reply_tcp(f), *pay;
	uint32_t iplen, off, plen;

	if (!tcp)
		return -1;
	iplen = (uint32_t)(f->data[16] << 8 | f->data[17]);
	off = (uint32_t)(tcp - f->data) + (uint32_t)(tcp[12] >> 4) * 4;
	plen = 14 + iplen - off;
	pay = f->data + off;
	if (verbose)
		fprintf(stderr, "reply: %u bytes frame, %u bytes payload:\n%.*s\n",
			f->len, plen, (int)plen, (const char *)pay);
	if (plen < 12 + 64 || memcmp(pay, "HTTP/1.1 200", 12) ||
	    memcmp(pay + plen - 64, body64, 64))
		return -1;
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static struct tmpl syn, syn22, ack, get;
	const char *mode = "get";
	unsigned long iters = 1000000, runs = 9, i, r, bad;
	int check = 0, want, v, copy_only = 0;
	const struct tmpl *t;
	struct ndiv_frame f;
	uint32_t synack_seq, synack_ts, reply_len;
	double *ns, t0;
	unsigned long sink = 0;

	for (i = 1; i < (unsigned long)argc; i++) {
		if (!strcmp(argv[i], "--mode") && i + 1 < (unsigned long)argc)
			mode = argv[++i];
		else if (!strcmp(argv[i], "--iters") && i + 1 < (unsigned long)argc)
			iters = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--runs") && i + 1 < (unsigned long)argc)
			runs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--check"))
			check = 1;
		else
			die("usage: slhttpd_bench [--mode syn|ack|get|pass|copy] [--iters N] [--runs R] [--check]");
	}
	if (!iters || !runs)
		die("iters and runs must be positive");

	setup();

	/* The handshake, through the engine itself. */
	build_syn(&syn, 80);
	build_syn(&syn22, 22);
	f = load(&syn);
	v = slh_handle(&env, &f);
	if (v != NDIV_TX || !reply_tcp(&f) ||
	    (reply_tcp(&f)[13] & 0x12) != 0x12)
		die("SYN was not answered with a SYN-ACK");
	synack_seq = ndiv_get_be32(reply_tcp(&f) + 4);
	synack_ts = reply_tsval(&f);
	if (ndiv_get_be32(reply_tcp(&f) + 8) != CISN + 1)
		die("SYN-ACK does not acknowledge the SYN");
	if (!synack_ts)
		die("SYN-ACK carries no timestamp");
	build_ts_seg(&ack, synack_seq + 1, synack_ts, 0x10, NULL, 0);
	build_ts_seg(&get, synack_seq + 1, synack_ts, 0x18, get_req,
		     sizeof(get_req) - 1);

	if (!strcmp(mode, "syn")) {
		t = &syn;
		want = NDIV_TX;
	} else if (!strcmp(mode, "ack")) {
		t = &ack;
		want = NDIV_DROP;
	} else if (!strcmp(mode, "get")) {
		t = &get;
		want = NDIV_TX;
	} else if (!strcmp(mode, "pass")) {
		t = &syn22;
		want = NDIV_PASS;
	} else if (!strcmp(mode, "copy")) {
		t = &get;
		want = NDIV_TX;
		copy_only = 1;
	} else {
		die("unknown mode");
	}

	/* One checked call: the verdict and, for the GET, the response. */
	f = load(t);
	v = slh_handle(&env, &f);
	reply_len = f.len;
	if (v != want) {
		fprintf(stderr, "slhttpd_bench: %s: verdict %s, want %s\n",
			mode, verdict_name(v), verdict_name(want));
		for (i = 0; i < SLH_CNT_NR; i++)
			if (counters[i].v)
				fprintf(stderr, "  %s %llu\n",
					slh_counter_names[i],
					(unsigned long long)counters[i].v);
		return 1;
	}
	if (!strcmp(mode, "get") && check_get_reply(&f, check))
		die("GET reply is not a 200 with the 64-byte body");
	if (check)
		return 0;

	ns = calloc(runs, sizeof(*ns));
	if (!ns)
		die("out of memory");
	bad = 0;
	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			f = load(t);
			if (copy_only) {
				/* keep the copy: the compiler must not drop it */
				__asm__ volatile("" : : "r"(f.data) : "memory");
				v = want;
			} else {
				v = slh_handle(&env, &f);
			}
			bad += v != want;
			sink += f.len;
		}
		ns[r] = (now_ns() - t0) / (double)iters;
	}
	if (bad) {
		fprintf(stderr, "slhttpd_bench: %lu unexpected verdicts\n", bad);
		return 1;
	}
	qsort(ns, runs, sizeof(*ns), cmp_double);
	printf("{\"mode\": \"%s\", \"iters\": %lu, \"runs\": %lu, ",
	       mode, iters, runs);
	printf("\"ns_per_frame_best\": %.2f, \"ns_per_frame_median\": %.2f, ",
	       ns[0], ns[runs / 2]);
	printf("\"verdict\": \"%s\", \"frame_len\": %u, \"reply_len\": %u, ",
	       verdict_name(want), t->len, reply_len);
	printf("\"sink\": %lu}\n", sink & 1);
	free(ns);
	return 0;
}
