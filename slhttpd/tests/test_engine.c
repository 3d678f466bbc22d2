// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for slhttpd's stateless engine. A small TCP client model
 * builds real frames (checksums from pkt.c, independent of the code under
 * test), hands them to slh_handle() and reads the answers back with the
 * segment parser: what a client stack would see. Multi-segment answers are
 * collected from a test emitter; every frame lives in its own heap buffer
 * sized exactly, so ASan catches any access outside it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndiv/frame.h>
#include <ndiv/siphash.h>

#include "ktap.h"
#include "pkt.h"
#include "../engine.h"
#include "../request.h"
#include "emit.h"
#include "../resp.h"
#include <ndiv/cookie.h>
#include <ndiv/tcp.h>

#define HEADROOM	64
#define ROOM		2048	/* what the hooked drivers give a frame */
#define MAX_OUT		64
#define NOW		1795305600	/* Sun, 22 Nov 2026 00:00:00 GMT */

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t mac_s[6] = { 0x02, 0, 0, 0, 0, 0x05 };
static const uint8_t ip4_c[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_s[4] = { 198, 18, 0, 2 };
static const uint8_t ip6_c[16] = { 0x20, 0x01, 0, 0x02, [15] = 1 };
static const uint8_t ip6_s[16] = { 0x20, 0x01, 0, 0x02, [15] = 2 };

/* One frame the engine sent: the in-place reply or an emitted one. */
struct out {
	uint8_t *buf;
	uint32_t len;
	struct ndiv_tcp_seg seg;
	const uint8_t *pay;
};

static struct out outs[MAX_OUT];
static int nr_out;
static struct ndiv_stat cnt[SLH_CNT_NR];
static struct slh_config cfg;
static struct ndiv_siphash_key keys[2];
static struct slh_env env;

static void outs_reset(void)
{
	int i;

	for (i = 0; i < nr_out; i++)
		free(outs[i].buf);
	nr_out = 0;
}

static void out_add(const uint8_t *data, uint32_t len)
{
	struct out *o = &outs[nr_out];
	struct ndiv_frame f = { 0 };

	if (nr_out == MAX_OUT)
		abort();
	o->buf = malloc(len);
	memcpy(o->buf, data, len);
	o->len = len;
	f.data = o->buf;
	f.len = len;
	if (ndiv_tcp_parse(&f, &o->seg, 0))
		printf("# an answer does not parse\n");
	o->pay = o->buf + o->seg.pay_off;
	nr_out++;
}

/* The engine's extra frames: see emit.h. */
static void emit_sink(uint8_t *frame, uint32_t len)
{
	out_add(frame, len);
}

static const uint8_t page[] = "<html><body>hello</body></html>\n";
static const struct slh_object objs[] = {
	{ page, sizeof(page) - 1, 200, 9, 0, "text/html", NULL },
	{ (const uint8_t *)"", 0, 301, 10, 20, "text/plain",
	  "http://example.test/" },
};

static const struct slh_object *lookup(void *ctx, const uint8_t *path,
				       uint16_t len)
{
	(void)ctx;
	if (len == 11 && !memcmp(path, "/index.html", 11))
		return &objs[0];
	if (len == 4 && !memcmp(path, "/old", 4))
		return &objs[1];
	return NULL;
}

static struct slh_date_cache date_cache;

static void env_init(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.ports[0] = 80;
	cfg.nr_ports = 1;
	cfg.mtu = 1500;
	cfg.date = 1;
	keys[0].k[0] = 0x0706050403020100ULL;
	keys[0].k[1] = 0x0f0e0d0c0b0a0908ULL;
	keys[1].k[0] = 0x1111111111111111ULL;
	keys[1].k[1] = 0x2222222222222222ULL;
	memset(&env, 0, sizeof(env));
	env.cfg = &cfg;
	env.key[0] = &keys[0];
	env.key[1] = &keys[1];
	env.now = NOW;
	date_cache.secs = -1;
	env.date = &date_cache;
	env.lookup = lookup;
	env.emit = &emitter;
	env.cnt = cnt;
	memset(cnt, 0, sizeof(cnt));
	outs_reset();
}

/* The client side of one connection. */
struct cli {
	int family;
	uint16_t sport, dport;
	uint16_t mss;		/* MSS option, 0 for none */
	uint16_t window;
	int ts, sack;
	uint32_t isn, snd_nxt;	/* our sequence numbers */
	uint32_t rcv_nxt;	/* next byte expected from the server */
	uint32_t ts_recent;	/* last TSval seen, echoed */
	uint32_t tsval;
	uint8_t rx[1 << 20];	/* bytes received in order */
	uint32_t rx_len;
	int fin_rcvd;
};

static struct cli cl;

static void cli_init(struct cli *c, int family, int ts)
{
	memset(c, 0, sizeof(*c));
	c->family = family;
	c->sport = 40000;
	c->dport = 80;
	c->mss = 1460;
	c->window = 65535;
	c->ts = ts;
	c->sack = 1;
	c->isn = 0x12345678;
	c->snd_nxt = c->isn;
	c->tsval = 1000;
}

/* Build a frame from c at buf; returns its length. */
static size_t build(const struct cli *c, uint8_t *buf, uint8_t flags,
		    uint32_t seq, uint32_t ack, const void *pay, size_t plen)
{
	size_t l3 = 14, l4, opt = 0, iplen = c->family == 4 ? 20 : 40;
	uint8_t *t, o[40];
	uint32_t sum;

	if (flags & NDIV_TCP_SYN) {
		if (c->mss) {
			o[opt++] = 2;
			o[opt++] = 4;
			ndiv_put_be16(o + opt, c->mss);
			opt += 2;
		}
		if (c->sack) {
			o[opt++] = 1;
			o[opt++] = 1;
			o[opt++] = 4;
			o[opt++] = 2;
		}
		/* window scale offered: slhttpd must decline it */
		o[opt++] = 1;
		o[opt++] = 3;
		o[opt++] = 3;
		o[opt++] = 7;
	}
	if (c->ts) {
		o[opt++] = 1;
		o[opt++] = 1;
		o[opt++] = 8;
		o[opt++] = 10;
		ndiv_put_be32(o + opt, c->tsval);
		ndiv_put_be32(o + opt + 4, (flags & NDIV_TCP_SYN) ? 0 : c->ts_recent);
		opt += 8;
	}
	memcpy(buf, mac_s, 6);
	memcpy(buf + 6, mac_c, 6);
	ndiv_put_be16(buf + 12, c->family == 4 ? 0x0800 : 0x86dd);
	l4 = l3 + iplen;
	t = buf + l4;
	memset(t, 0, 20);
	ndiv_put_be16(t, c->sport);
	ndiv_put_be16(t + 2, c->dport);
	ndiv_put_be32(t + 4, seq);
	ndiv_put_be32(t + 8, ack);
	t[12] = (uint8_t)((20 + opt) / 4 << 4);
	t[13] = flags;
	ndiv_put_be16(t + 14, c->window);
	memcpy(t + 20, o, opt);
	if (plen)
		memcpy(t + 20 + opt, pay, plen);
	if (c->family == 4) {
		uint8_t *ip = buf + l3;

		memset(ip, 0, 20);
		ip[0] = 0x45;
		ndiv_put_be16(ip + 2, (uint16_t)(20 + 20 + opt + plen));
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, ip4_c, 4);
		memcpy(ip + 16, ip4_s, 4);
		ndiv_put_be16(ip + 10, pkt_csum(ip, 20, 0));
		sum = 0;
		sum += (ip4_c[0] << 8 | ip4_c[1]) + (ip4_c[2] << 8 | ip4_c[3]);
		sum += (ip4_s[0] << 8 | ip4_s[1]) + (ip4_s[2] << 8 | ip4_s[3]);
	} else {
		uint8_t *ip = buf + l3;
		int i;

		memset(ip, 0, 40);
		ip[0] = 0x60;
		ndiv_put_be16(ip + 4, (uint16_t)(20 + opt + plen));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, ip6_c, 16);
		memcpy(ip + 24, ip6_s, 16);
		sum = 0;
		for (i = 0; i < 16; i += 2)
			sum += (ip6_c[i] << 8 | ip6_c[i + 1]) +
			       (ip6_s[i] << 8 | ip6_s[i + 1]);
	}
	sum += 6 + 20 + opt + plen;
	ndiv_put_be16(t + 16, pkt_csum(t, 20 + opt + plen, sum));
	return l4 + 20 + opt + plen;
}

/*
 * SLH_SEED_DIR=dir: save every frame as a seed for fuzz_engine, with its
 * control byte (bit 0: keep the cookie valid).
 */
static void seed(const char *dir, const uint8_t *frame, size_t len)
{
	static int n;
	char path[256];
	uint8_t ctl = 1;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s-%04d", dir, "frame", n++);
	fp = fopen(path, "w");
	if (!fp)
		return;
	fwrite(&ctl, 1, 1, fp);
	fwrite(frame, 1, len, fp);
	fclose(fp);
}

/*
 * Hand a frame to the engine in an exactly sized buffer of ROOM bytes and
 * collect what it sends into outs[]. Returns the verdict.
 */
static int deliver(const uint8_t *frame, size_t len)
{
	const char *dump = getenv("SLH_SEED_DIR");
	uint8_t *buf = malloc(ROOM);
	struct ndiv_frame f = { 0 };
	int v;

	if (dump)
		seed(dump, frame, len);
	memcpy(buf + HEADROOM, frame, len);
	f.data = buf + HEADROOM;
	f.len = (uint32_t)len;
	f.headroom = HEADROOM;
	f.tailroom = (uint32_t)(ROOM - HEADROOM - len);
	v = slh_handle(&env, &f);
	KTAP_EXPECT(ndiv_frame_intact(&f, buf, ROOM));
	if (v == NDIV_TX)
		out_add(f.data, f.len);
	free(buf);
	return v;
}

static int send_seg(struct cli *c, uint8_t flags, uint32_t seq,
		    const void *pay, size_t plen)
{
	uint8_t frame[ROOM];

	return deliver(frame, build(c, frame, flags, seq, c->rcv_nxt, pay,
				    plen));
}

/*
 * Take the client's view of every answer in outs[]: in-order bytes are
 * appended to rx, a FIN is noted, TS.Recent follows the in-order segment.
 * Out-of-order segments are kept aside and used once the hole fills.
 */
static void cli_absorb(struct cli *c)
{
	int progress = 1, i;

	while (progress) {
		progress = 0;
		for (i = 0; i < nr_out; i++) {
			struct out *o = &outs[i];
			uint32_t seq = o->seg.seq, len = o->seg.pay_len;
			uint32_t skip = c->rcv_nxt - seq;

			if (o->seg.flags & NDIV_TCP_SYN)
				continue;
			if ((int32_t)(seq - c->rcv_nxt) > 0 || skip > len ||
			    (skip == len && !(o->seg.flags & NDIV_TCP_FIN)) ||
			    (skip == len + 1))
				continue;
			memcpy(c->rx + c->rx_len, o->pay + skip, len - skip);
			c->rx_len += len - skip;
			c->rcv_nxt += len - skip;
			if (o->seg.flags & NDIV_TCP_FIN) {
				c->fin_rcvd = 1;
				c->rcv_nxt++;
			}
			if (o->seg.opt.present & NDIV_TCP_OPT_TS)
				c->ts_recent = o->seg.opt.tsval;
			progress = 1;
		}
	}
}

/* SYN, SYN-ACK, ACK; returns 0 when the handshake completed. */
static int handshake(struct cli *c)
{
	outs_reset();
	if (send_seg(c, NDIV_TCP_SYN, c->isn, NULL, 0) != NDIV_TX || !nr_out)
		return -1;
	c->snd_nxt = c->isn + 1;
	c->rcv_nxt = outs[0].seg.seq + 1;
	if (outs[0].seg.opt.present & NDIV_TCP_OPT_TS)
		c->ts_recent = outs[0].seg.opt.tsval;
	outs_reset();
	send_seg(c, NDIV_TCP_ACK, c->snd_nxt, NULL, 0);
	return nr_out ? -1 : 0;
}

/* Send a request and absorb the answer; returns the verdict. */
static int request(struct cli *c, const char *req)
{
	size_t n = strlen(req);
	int v;

	outs_reset();
	c->tsval++;
	v = send_seg(c, NDIV_TCP_ACK | NDIV_TCP_PSH, c->snd_nxt, req, n);
	if (nr_out && outs[nr_out - 1].seg.ack == c->snd_nxt + n)
		c->snd_nxt += (uint32_t)n;
	cli_absorb(c);
	return v;
}

/* Does rx hold exactly one response with this status and body? */
static int rx_is(const struct cli *c, int status, const uint8_t *body,
		 uint32_t body_len)
{
	char line[32];
	const uint8_t *end;
	uint32_t hlen;

	snprintf(line, sizeof(line), "HTTP/1.1 %d ", status);
	if (c->rx_len < strlen(line) || memcmp(c->rx, line, strlen(line)))
		return 0;
	end = memmem(c->rx, c->rx_len, "\r\n\r\n", 4);
	if (!end)
		return 0;
	hlen = (uint32_t)(end + 4 - c->rx);
	if (c->rx_len - hlen != body_len)
		return 0;
	return !body_len || !memcmp(c->rx + hlen, body, body_len);
}

static int rx_has(const struct cli *c, const char *s)
{
	return memmem(c->rx, c->rx_len, s, strlen(s)) != NULL;
}

static uint8_t *synth(uint32_t n)
{
	uint8_t *b = malloc(n + 1);
	uint32_t i;

	for (i = 0; i < n; i++)
		b[i] = slh_synth_byte(i);
	return b;
}

static int rx_synth(const struct cli *c, int status, uint32_t n)
{
	uint8_t *b = synth(n);
	int ok = rx_is(c, status, b, n);

	free(b);
	return ok;
}

static void synack_options(void)
{
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_SYN, cl.isn, NULL, 0) == NDIV_TX);
	KTAP_EXPECT(nr_out == 1);
	if (nr_out != 1)
		return;
	KTAP_EXPECT(outs[0].seg.flags == (NDIV_TCP_SYN | NDIV_TCP_ACK));
	KTAP_EXPECT(outs[0].seg.ack == cl.isn + 1);
	KTAP_EXPECT(outs[0].seg.opt.present ==
		    (NDIV_TCP_OPT_MSS | NDIV_TCP_OPT_SACK_PERM | NDIV_TCP_OPT_TS));
	KTAP_EXPECT(outs[0].seg.opt.mss == 1460);
	KTAP_EXPECT(outs[0].seg.opt.tsecr == cl.tsval);
	KTAP_EXPECT(outs[0].seg.window == 65535);
	/* the ISN is the cookie: h + 4*m - 1 with m = 3 for MSS 1460 */
	KTAP_EXPECT(outs[0].seg.seq ==
		    ndiv_cookie_hash(&keys[0], 4, ip4_c, ip4_s, 40000, 80,
				    cl.isn) + 11);
	KTAP_EXPECT(cnt[SLH_CNT_SYN].v == 1 && cnt[SLH_CNT_SYNACK].v == 1);

	/* no options at all: MSS 536 assumed, no SACK, no timestamps */
	env_init();
	cli_init(&cl, 6, 0);
	cl.mss = 0;
	cl.sack = 0;
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_SYN, cl.isn, NULL, 0) == NDIV_TX);
	KTAP_EXPECT(nr_out == 1 &&
		    outs[0].seg.opt.present == NDIV_TCP_OPT_MSS &&
		    outs[0].seg.opt.mss == 1440);
	KTAP_EXPECT(nr_out == 1 && outs[0].seg.seq ==
		    ndiv_cookie_hash(&keys[0], 6, ip6_c, ip6_s, 40000, 80,
				    cl.isn) - 1);
	outs_reset();
}

static void keepalive_with_timestamps(void)
{
	int i;

	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	for (i = 0; i < 5; i++) {
		static const uint32_t sizes[] = { 0, 64, 100, 1000, 7 };

		char req[128];

		cl.rx_len = 0;
		snprintf(req, sizeof(req),
			 "GET /?s=%u HTTP/1.1\r\nHost: x\r\n\r\n", sizes[i]);
		KTAP_EXPECT(request(&cl, req) == NDIV_TX);
		KTAP_EXPECT(rx_synth(&cl, 200, sizes[i]));
		KTAP_EXPECT(!rx_has(&cl, "Connection:"));
		KTAP_EXPECT(rx_has(&cl, "Date: Sun, 22 Nov 2026 00:00:00 GMT"));
		KTAP_EXPECT(!cl.fin_rcvd);
	}
	/* a minute later: the cached Date text follows the clock */
	env.now = NOW + 61;
	cl.rx_len = 0;
	KTAP_EXPECT(request(&cl, "GET /?s=1 HTTP/1.1\r\nHost: x\r\n\r\n") ==
		    NDIV_TX);
	KTAP_EXPECT(rx_has(&cl, "Date: Sun, 22 Nov 2026 00:01:01 GMT"));
	KTAP_EXPECT(cnt[SLH_CNT_RESP_2XX].v == 6);
	KTAP_EXPECT(cnt[SLH_CNT_COOKIE_BAD].v == 0);
	outs_reset();
}

/*
 * 204 and 304 end with their header (RFC 9110 6.4.1), whatever s= or
 * the object says: on a kept-alive connection a body would be read as
 * the start of the next response.
 */
static void no_content_statuses_have_no_body(void)
{
	static const char *const reqs[] = {
		"GET /?r=204&s=16 HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /?r=304&s=100 HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /?r=204&s=16 HTTP/1.1\r\nHost: x\r\n\r\n",
	};
	static const int codes[] = { 204, 304, 204 };
	unsigned int i;

	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		cl.rx_len = 0;
		KTAP_EXPECT(request(&cl, reqs[i]) == NDIV_TX);
		KTAP_EXPECT(rx_is(&cl, codes[i], NULL, 0));
		KTAP_EXPECT(!rx_has(&cl, "Content-Length:"));
		KTAP_EXPECT(!cl.fin_rcvd);
	}
	/* the connection goes on with the next response intact */
	cl.rx_len = 0;
	KTAP_EXPECT(request(&cl, "GET /?s=5 HTTP/1.1\r\nHost: x\r\n\r\n") ==
		    NDIV_TX);
	KTAP_EXPECT(rx_synth(&cl, 200, 5));
	outs_reset();
}

static void http10_and_close(void)
{
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	KTAP_EXPECT(request(&cl, "GET /?s=10 HTTP/1.0\r\n\r\n") == NDIV_TX);
	KTAP_EXPECT(rx_synth(&cl, 200, 10));
	KTAP_EXPECT(rx_has(&cl, "Connection: close\r\n"));
	KTAP_EXPECT(cl.fin_rcvd);

	/* HTTP/1.0 keep-alive, then Connection: close in 1.1 */
	env_init();
	cli_init(&cl, 6, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	request(&cl, "GET /?s=3 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	KTAP_EXPECT(rx_has(&cl, "Connection: keep-alive\r\n") &&
		    !cl.fin_rcvd);
	cl.rx_len = 0;
	request(&cl, "HEAD /?s=3 HTTP/1.1\r\nHost: h\r\n"
		"Connection: close\r\n\r\n");
	KTAP_EXPECT(rx_has(&cl, "Content-Length: 3\r\n"));
	KTAP_EXPECT(rx_is(&cl, 200, NULL, 0));
	KTAP_EXPECT(cl.fin_rcvd);

	/* a FIN on the open connection gets FIN-ACK */
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	request(&cl, "GET /?s=1 HTTP/1.1\r\nHost: h\r\n\r\n");
	outs_reset();
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_FIN | NDIV_TCP_ACK, cl.snd_nxt,
			     NULL, 0) == NDIV_TX);
	KTAP_EXPECT(nr_out == 1 && outs[0].seg.flags ==
		    (NDIV_TCP_FIN | NDIV_TCP_ACK) &&
		    outs[0].seg.ack == cl.snd_nxt + 1);
	outs_reset();
}

static void no_timestamps_closes(void)
{
	env_init();
	cli_init(&cl, 4, 0);
	KTAP_EXPECT(handshake(&cl) == 0);
	KTAP_EXPECT(request(&cl, "GET /?s=64 HTTP/1.1\r\nHost: h\r\n\r\n") ==
		    NDIV_TX);
	KTAP_EXPECT(rx_synth(&cl, 200, 64));
	KTAP_EXPECT(rx_has(&cl, "Connection: close\r\n") && cl.fin_rcvd);
	outs_reset();
}

static void objects_and_errors(void)
{
	static const struct {
		const char *req;
		int status;
		const char *has;
	} t[] = {
		{ "GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n", 200,
		  "Content-Type: text/html\r\n" },
		{ "GET /old HTTP/1.1\r\nHost: h\r\n\r\n", 301,
		  "Location: http://example.test/\r\n" },
		{ "GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n", 404,
		  "404 Not Found\n" },
		{ "GET /?r=503 HTTP/1.1\r\nHost: h\r\n\r\n", 503,
		  "Content-Length: 0\r\n" },
		{ "POST / HTTP/1.1\r\nHost: h\r\n\r\n", 405,
		  "Allow: GET, HEAD\r\n" },
		{ "BREW / HTTP/1.1\r\nHost: h\r\n\r\n", 501, "close" },
		{ "GET / HTTP/1.1\r\n\r\n", 400, "close" },
		{ "GET /x", 400, "close" },
		{ "GET /?s=600000 HTTP/1.1\r\nHost: h\r\n\r\n", 400, "close" },
		{ "GET http://h/index.html HTTP/1.1\r\nHost: h\r\n\r\n", 200,
		  "hello" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char line[16];

		env_init();
		cli_init(&cl, 4, 1);
		KTAP_EXPECT(handshake(&cl) == 0);
		KTAP_EXPECT(request(&cl, t[i].req) == NDIV_TX);
		snprintf(line, sizeof(line), "HTTP/1.1 %d ", t[i].status);
		KTAP_EXPECT(rx_has(&cl, line));
		KTAP_EXPECT(rx_has(&cl, t[i].has));
		if (!rx_has(&cl, line) || !rx_has(&cl, t[i].has))
			printf("# case %u: %.*s\n", i, (int)cl.rx_len, cl.rx);
		if (t[i].status >= 400 && t[i].status != 404 &&
		    t[i].status != 503)
			KTAP_EXPECT(cl.fin_rcvd);
	}
	outs_reset();
}

static void pipelined_in_one_segment(void)
{
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	request(&cl, "GET /?s=1 HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /?s=2 HTTP/1.1\r\nHost: h\r\n\r\n"
		"GET /?s=3 HTTP/1.1\r\nHost: h\r\n\r\n");
	KTAP_EXPECT(nr_out == 1);
	KTAP_EXPECT(cnt[SLH_CNT_RESP_2XX].v == 3);
	KTAP_EXPECT(rx_has(&cl, "Content-Length: 1\r\n"));
	KTAP_EXPECT(rx_has(&cl, "Content-Length: 3\r\n"));
	/* in order: the 2-byte body comes before the third status line */
	KTAP_EXPECT((uint8_t *)memmem(cl.rx, cl.rx_len, "\r\n\r\n01HTTP", 10) <
		    (uint8_t *)memmem(cl.rx, cl.rx_len, "\r\n\r\n012", 7));
	/* the connection is still usable afterwards */
	cl.rx_len = 0;
	request(&cl, "GET /?s=5 HTTP/1.1\r\nHost: h\r\n\r\n");
	KTAP_EXPECT(rx_synth(&cl, 200, 5));
	outs_reset();
}

static void stale_pipelined_segment_dropped(void)
{
	static const char r1[] = "GET /?s=1 HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char r2[] = "GET /?s=2 HTTP/1.1\r\nHost: h\r\n\r\n";
	uint32_t rcv;

	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	rcv = cl.rcv_nxt;
	outs_reset();
	send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt, r1, strlen(r1));
	KTAP_EXPECT(nr_out == 1);
	/* r2 sent before the answer to r1 arrived: same ack, later seq */
	outs_reset();
	cl.rcv_nxt = rcv;
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt + strlen(r1),
			     r2, strlen(r2)) == NDIV_DROP);
	KTAP_EXPECT(nr_out == 0 && cnt[SLH_CNT_COOKIE_BAD].v == 1);
	outs_reset();
}

static void spoofed_and_broken(void)
{
	static const char r[] = "GET /?s=1000 HTTP/1.1\r\nHost: h\r\n\r\n";
	uint8_t frame[ROOM];
	size_t len;
	int i;

	env_init();
	cli_init(&cl, 4, 1);
	for (i = 0; i < 1000; i++) {
		cl.rcv_nxt = (uint32_t)random();
		cl.ts_recent = (uint32_t)random();
		send_seg(&cl, NDIV_TCP_ACK, (uint32_t)random(), r, strlen(r));
	}
	KTAP_EXPECT(nr_out == 0);
	KTAP_EXPECT(cnt[SLH_CNT_COOKIE_BAD].v == 1000);
	KTAP_EXPECT(cnt[SLH_CNT_REQ].v == 0);

	/* with invalid rst, the spoofed request gets a RST, nothing else */
	cfg.invalid = SLH_INVALID_RST;
	send_seg(&cl, NDIV_TCP_ACK, 1, r, strlen(r));
	KTAP_EXPECT(nr_out == 1 && outs[0].seg.flags == NDIV_TCP_RST &&
		    !outs[0].seg.pay_len);
	outs_reset();

	/* a bad TCP checksum is dropped and counted */
	cfg.invalid = SLH_INVALID_DROP;
	len = build(&cl, frame, NDIV_TCP_SYN, 1, 0, NULL, 0);
	frame[len - 1] ^= 1;
	KTAP_EXPECT(deliver(frame, len) == NDIV_DROP);
	KTAP_EXPECT(cnt[SLH_CNT_BAD_CSUM].v == 1 && nr_out == 0);
	/* truncated: the IP header promises more than the frame holds */
	len = build(&cl, frame, NDIV_TCP_SYN, 1, 0, NULL, 0);
	KTAP_EXPECT(deliver(frame, len - 4) == NDIV_DROP);
	KTAP_EXPECT(cnt[SLH_CNT_MALFORMED].v == 1);
	/* another port goes to the stack */
	cl.dport = 22;
	len = build(&cl, frame, NDIV_TCP_SYN, 1, 0, NULL, 0);
	KTAP_EXPECT(deliver(frame, len) == NDIV_PASS);
	KTAP_EXPECT(cnt[SLH_CNT_PASS].v == 1);
	/* ARP too */
	len = pkt_arp(frame);
	KTAP_EXPECT(deliver(frame, len) == NDIV_PASS);
	outs_reset();
}

/* Drop outs[] entries whose index is in the mask: lost on the wire. */
static void lose(uint64_t mask)
{
	int i, j = 0;

	for (i = 0; i < nr_out; i++) {
		if (mask >> i & 1)
			free(outs[i].buf);
		else
			outs[j++] = outs[i];
	}
	nr_out = j;
}

/*
 * A response of several segments with losses, recovered by sending the
 * request again: the answer resumes where the client's ack stands, and
 * once all is there the request is acknowledged.
 */
static void multi_segment_with_loss(int family, int ts, uint16_t mss,
				    uint32_t size, uint64_t loss)
{
	char req[96];
	uint32_t want_ack;
	int rounds;

	env_init();
	cli_init(&cl, family, ts);
	cl.mss = mss;
	KTAP_EXPECT(handshake(&cl) == 0);
	/* one keep-alive response first, so the response starts past 0 */
	if (ts)
		request(&cl, "GET /?s=5 HTTP/1.1\r\nHost: h\r\n\r\n");
	cl.rx_len = 0;
	snprintf(req, sizeof(req), "GET /?s=%u HTTP/1.1\r\nHost: h\r\n\r\n",
		 size);
	outs_reset();
	cl.tsval++;
	send_seg(&cl, NDIV_TCP_ACK | NDIV_TCP_PSH, cl.snd_nxt, req, strlen(req));
	KTAP_EXPECT(nr_out > 1);
	KTAP_EXPECT(cnt[SLH_CNT_RESP_MULTI].v == 1);
	lose(loss);
	cli_absorb(&cl);
	want_ack = cl.snd_nxt + (uint32_t)strlen(req);
	for (rounds = 0; rounds < 50; rounds++) {
		/* the client's timer: the request again, ack where it is */
		outs_reset();
		cl.tsval++;
		send_seg(&cl, NDIV_TCP_ACK | NDIV_TCP_PSH, cl.snd_nxt, req,
			 strlen(req));
		if (nr_out && outs[nr_out - 1].seg.ack == want_ack &&
		    !outs[nr_out - 1].seg.pay_len)
			break;
		lose(loss >> (rounds + 1) * 3);
		cli_absorb(&cl);
	}
	KTAP_EXPECT(rounds < 50);
	KTAP_EXPECT(cl.fin_rcvd);
	KTAP_EXPECT(rx_synth(&cl, 200, size));
	KTAP_EXPECT(rx_has(&cl, "Connection: close\r\n"));
	KTAP_EXPECT(cnt[SLH_CNT_COOKIE_BAD].v == 0);
	outs_reset();
}

/* A device MTU below 576: the SYN-ACK and every segment fit it. */
static void small_mtu(void)
{
	static const int families[] = { 4, 6 };
	unsigned int i, mtu = 500;
	int j;

	for (i = 0; i < ARRAY_SIZE(families); i++) {
		env_init();
		cfg.mtu = (uint16_t)mtu;
		cli_init(&cl, families[i], 1);
		KTAP_EXPECT(handshake(&cl) == 0);
		KTAP_EXPECT(outs[0].seg.opt.mss ==
			    mtu - (families[i] == 4 ? 40 : 60));
		outs_reset();
		cl.tsval++;
		send_seg(&cl, NDIV_TCP_ACK | NDIV_TCP_PSH, cl.snd_nxt,
			 "GET /?s=5000 HTTP/1.1\r\nHost: h\r\n\r\n", 35);
		KTAP_EXPECT(nr_out > 1);
		for (j = 0; j < nr_out; j++)
			KTAP_EXPECT(outs[j].len - 14 <= mtu);
		outs_reset();
	}
}

static void multi_segment(void)
{
	multi_segment_with_loss(4, 1, 1460, 5000, 0);
	KTAP_EXPECT(cnt[SLH_CNT_RESUME].v == 0);
	multi_segment_with_loss(4, 1, 1460, 60000, 0x2);
	KTAP_EXPECT(cnt[SLH_CNT_RESUME].v >= 1);
	multi_segment_with_loss(6, 1, 536, 20000, 0x15);
	multi_segment_with_loss(4, 0, 536, 20000, 0x8);
	multi_segment_with_loss(6, 0, 1460, 3000, 0x1);
	multi_segment_with_loss(4, 1, 1220, 100000, 0x24);
}

/* Every segment boundary sent is a MID position, the end END. */
static void boundaries_are_mid(void)
{
	uint32_t h, x;
	int i;

	env_init();
	cli_init(&cl, 4, 1);
	cl.mss = 1440;
	KTAP_EXPECT(handshake(&cl) == 0);
	outs_reset();
	send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt,
		 "GET /?s=9999 HTTP/1.1\r\nHost: h\r\n\r\n", 35);
	h = ndiv_cookie_hash(&keys[0], 4, ip4_c, ip4_s, 40000, 80, cl.isn);
	KTAP_EXPECT(nr_out > 2);
	for (i = 0; i < nr_out; i++) {
		x = outs[i].seg.seq + outs[i].seg.pay_len - h;
		if (outs[i].seg.flags & NDIV_TCP_FIN)
			KTAP_EXPECT((x & 15) == 4 * 2 + 2);
		else
			KTAP_EXPECT((x & 15) == 4 * 2 + 1);
		KTAP_EXPECT(outs[i].seg.pay_len <= 1440 - 12);
	}
	outs_reset();
}

static void key_rotation(void)
{
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	request(&cl, "GET /?s=1 HTTP/1.1\r\nHost: h\r\n\r\n");
	KTAP_EXPECT(!cl.fin_rcvd);
	/* rotate: the connection's key becomes the previous one */
	env.key[1] = &keys[0];
	env.key[0] = &keys[1];
	cl.rx_len = 0;
	request(&cl, "GET /?s=2 HTTP/1.1\r\nHost: h\r\n\r\n");
	KTAP_EXPECT(rx_synth(&cl, 200, 2));
	KTAP_EXPECT(rx_has(&cl, "Connection: close\r\n") && cl.fin_rcvd);
	KTAP_EXPECT(cnt[SLH_CNT_OLD_KEY].v == 1);
	/* rotate again: the connection is forgotten */
	env.key[1] = &keys[1];
	outs_reset();
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt, "GET / HTTP/1.0\r\n\r\n",
			     18) == NDIV_DROP);
	KTAP_EXPECT(cnt[SLH_CNT_COOKIE_BAD].v == 1);
	outs_reset();
}

/*
 * A connection on the previous key whose ack, read with the current key,
 * falls below SLH_X_MAX at a position that key refuses (about 1 in 2^14
 * connections without timestamps): the previous key must still be tried,
 * on the first sending and on every retransmission.
 */
static void old_key_behind_a_new_key_position(void)
{
	uint32_t x, isn, hold, hnew, found = 0;

	env_init();
	env.key[1] = &keys[0];
	cli_init(&cl, 4, 0);
	KTAP_EXPECT(handshake(&cl) == 0);
	/* the position the client's first request acks */
	x = cl.rcv_nxt - ndiv_cookie_hash(&keys[0], 4, ip4_c, ip4_s, 40000,
					  80, cl.isn);
	for (isn = 1; isn < 1u << 22 && !found; isn++) {
		uint32_t xn;

		hold = ndiv_cookie_hash(&keys[0], 4, ip4_c, ip4_s, 40000, 80,
					isn);
		hnew = ndiv_cookie_hash(&keys[1], 4, ip4_c, ip4_s, 40000, 80,
					isn);
		xn = hold + x - hnew;
		if (xn < SLH_X_MAX && (xn & 3) == 0 && xn >= 16)
			found = isn;
	}
	KTAP_EXPECT(found);
	cli_init(&cl, 4, 0);
	cl.isn = found;
	KTAP_EXPECT(handshake(&cl) == 0);
	/* rotate: the connection's key becomes the previous one */
	env.key[0] = &keys[1];
	request(&cl, "GET /?s=3 HTTP/1.1\r\nHost: h\r\n\r\n");
	KTAP_EXPECT(rx_synth(&cl, 200, 3));
	KTAP_EXPECT(cnt[SLH_CNT_OLD_KEY].v == 1 && !cnt[SLH_CNT_COOKIE_BAD].v);
	outs_reset();
}

static void fin_after_close(void)
{
	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	request(&cl, "GET /?s=4 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
	KTAP_EXPECT(cl.fin_rcvd);
	outs_reset();
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_FIN | NDIV_TCP_ACK, cl.snd_nxt, NULL,
			     0) == NDIV_TX);
	KTAP_EXPECT(nr_out == 1 && outs[0].seg.flags == NDIV_TCP_ACK &&
		    outs[0].seg.ack == cl.snd_nxt + 1);
	/* pure ACKs and RSTs are never answered */
	outs_reset();
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt + 1, NULL, 0) ==
		    NDIV_DROP);
	KTAP_EXPECT(send_seg(&cl, NDIV_TCP_RST, cl.snd_nxt + 1, NULL, 0) ==
		    NDIV_DROP);
	KTAP_EXPECT(nr_out == 0 && cnt[SLH_CNT_RST_RCVD].v == 1);
	outs_reset();
}

/*
 * The client reads a multi-segment answer and its FIN, then closes while
 * its request is still unacknowledged: the FIN comes after the request
 * and must be acknowledged together with it.
 */
static void fin_after_multi_segment(void)
{
	static const char r[] = "GET /?s=20000 HTTP/1.1\r\nHost: h\r\n\r\n";
	int ts;

	for (ts = 0; ts < 2; ts++) {
		env_init();
		cli_init(&cl, 4, ts);
		KTAP_EXPECT(handshake(&cl) == 0);
		outs_reset();
		send_seg(&cl, NDIV_TCP_ACK | NDIV_TCP_PSH, cl.snd_nxt, r,
			 strlen(r));
		cli_absorb(&cl);
		KTAP_EXPECT(cl.fin_rcvd && rx_synth(&cl, 200, 20000));
		outs_reset();
		cl.tsval++;
		send_seg(&cl, NDIV_TCP_FIN | NDIV_TCP_ACK,
			 cl.snd_nxt + strlen(r), NULL, 0);
		if (!ts)
			continue;	/* documented: cannot be validated */
		KTAP_EXPECT(nr_out == 1 && outs[0].seg.flags == NDIV_TCP_ACK &&
			    outs[0].seg.ack == cl.snd_nxt + strlen(r) + 1);
	}
	outs_reset();
}

/*
 * Requests pipelined behind one that closes, sent again by the client in
 * pieces after our FIN: every piece is acknowledged, and the next piece
 * still validates (C in TSval covers what was acknowledged).
 */
static void leftovers_after_close(void)
{
	static const char r1[] = "GET /?s=1 HTTP/1.1\r\nHost: h\r\n"
				 "Connection: close\r\n\r\n";
	static const char r2[] = "GET /?s=2 HTTP/1.1\r\nHost: h\r\n\r\n";
	uint8_t both[256];
	int i;

	env_init();
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	memcpy(both, r1, strlen(r1));
	memcpy(both + strlen(r1), r2, strlen(r2));
	outs_reset();
	send_seg(&cl, NDIV_TCP_ACK, cl.snd_nxt, both, strlen(r1) + strlen(r2));
	KTAP_EXPECT(nr_out == 1 && outs[0].seg.ack == cl.snd_nxt + strlen(r1));
	cli_absorb(&cl);
	KTAP_EXPECT(cl.fin_rcvd);
	cl.snd_nxt += (uint32_t)strlen(r1);
	/* r2 again in two pieces, the second with the FIN */
	for (i = 0; i < 2; i++) {
		size_t half = strlen(r2) / 2;
		size_t n = i ? strlen(r2) - half : half;

		outs_reset();
		cl.tsval++;
		send_seg(&cl, NDIV_TCP_ACK | (i ? NDIV_TCP_FIN : 0), cl.snd_nxt,
			 r2 + (i ? half : 0), n);
		KTAP_EXPECT(nr_out == 1 && outs[0].seg.ack ==
			    cl.snd_nxt + n + i);
		KTAP_EXPECT(nr_out == 1 && !outs[0].seg.pay_len);
		cl.snd_nxt += (uint32_t)n;
		if (nr_out)
			cl.ts_recent = outs[0].seg.opt.tsval;
	}
	KTAP_EXPECT(cnt[SLH_CNT_COOKIE_BAD].v == 0);
	outs_reset();
}

/*
 * A daemon behind the offload hook, as slhttpd/offload.c keeps one: the
 * request waits until answered, then every copy of it (same sequence
 * number) gets the same object.
 */
static struct {
	int calls, resumes, bad_seq, answered;
	uint32_t seq;
	struct slh_object obj;
} off;

static int offload(void *ctx, const struct slh_offload_req *o,
		   const struct slh_object **obj)
{
	(void)ctx;
	if (o->req->h.path_len < 6 || memcmp(o->req->h.path, "/rest/", 6))
		return SLH_OFFLOAD_NO;
	if (!off.calls++)
		off.seq = o->seq;
	else if (o->seq != off.seq)
		off.bad_seq++;
	off.resumes += o->resume;
	if (!off.answered)
		return SLH_OFFLOAD_WAIT;
	*obj = &off.obj;
	return SLH_OFFLOAD_OBJ;
}

static void offload_hook(void)
{
	static const char req[] = "GET /rest/a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n";
	static const char two[] = "GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n"
				  "GET /rest/b HTTP/1.1\r\nHost: h\r\n\r\n";
	uint8_t *body = synth(30000);

	env_init();
	env.offload = offload;
	memset(&off, 0, sizeof(off));
	off.obj = (struct slh_object){ body, 30000, 200, 16, 0,
				       "application/json", NULL };
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	/* Handed over: nothing sent, the request stays unacknowledged. */
	KTAP_EXPECT(request(&cl, req) == NDIV_DROP);
	KTAP_EXPECT(nr_out == 0);
	/* Its retransmission, still waiting: the same. */
	KTAP_EXPECT(request(&cl, req) == NDIV_DROP);
	KTAP_EXPECT(nr_out == 0);
	/* Answered: the next copy gets the whole object, several segments. */
	off.answered = 1;
	request(&cl, req);
	KTAP_EXPECT(rx_is(&cl, 200, body, 30000));
	KTAP_EXPECT(rx_has(&cl, "Content-Type: application/json\r\n"));
	KTAP_EXPECT(cl.fin_rcvd);
	KTAP_EXPECT(off.calls == 3 && !off.bad_seq && !off.resumes);
	/* Synthetic objects are never offered to the hook. */
	env_init();
	env.offload = offload;
	off.calls = 0;
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	KTAP_EXPECT(request(&cl, "GET /rest/?s=10 HTTP/1.1\r\nHost: h\r\n\r\n") ==
		    NDIV_TX);
	KTAP_EXPECT(rx_synth(&cl, 200, 10) && off.calls == 0);
	/* Behind an answered request, an offloaded one waits its turn. */
	env_init();
	env.offload = offload;
	off.answered = 0;
	off.calls = 0;
	cli_init(&cl, 4, 1);
	KTAP_EXPECT(handshake(&cl) == 0);
	KTAP_EXPECT(request(&cl, two) == NDIV_TX);
	KTAP_EXPECT(rx_is(&cl, 200, page, sizeof(page) - 1));
	KTAP_EXPECT(cnt[SLH_CNT_PIPELINE_DEFER].v == 1);
	/* only the first is acknowledged */
	KTAP_EXPECT(nr_out && outs[nr_out - 1].seg.ack ==
		    cl.snd_nxt + (uint32_t)(strstr(two, "GET /rest/") - two));
	KTAP_EXPECT(off.calls == 1);
	free(body);
	outs_reset();
}

static void http_date(void)
{
	char d[SLH_DATE_LEN + 1] = { 0 };

	slh_http_date(784111777, d);
	KTAP_EXPECT(!strcmp(d, "Sun, 06 Nov 1994 08:49:37 GMT"));
	slh_http_date(0, d);
	KTAP_EXPECT(!strcmp(d, "Thu, 01 Jan 1970 00:00:00 GMT"));
	slh_http_date(951782400, d);
	KTAP_EXPECT(!strcmp(d, "Tue, 29 Feb 2000 00:00:00 GMT"));
}

static const struct ktap_case cases[] = {
	KTAP_CASE(synack_options),
	KTAP_CASE(keepalive_with_timestamps),
	KTAP_CASE(no_content_statuses_have_no_body),
	KTAP_CASE(http10_and_close),
	KTAP_CASE(no_timestamps_closes),
	KTAP_CASE(objects_and_errors),
	KTAP_CASE(pipelined_in_one_segment),
	KTAP_CASE(stale_pipelined_segment_dropped),
	KTAP_CASE(spoofed_and_broken),
	KTAP_CASE(small_mtu),
	KTAP_CASE(multi_segment),
	KTAP_CASE(boundaries_are_mid),
	KTAP_CASE(key_rotation),
	KTAP_CASE(old_key_behind_a_new_key_position),
	KTAP_CASE(fin_after_close),
	KTAP_CASE(fin_after_multi_segment),
	KTAP_CASE(leftovers_after_close),
	KTAP_CASE(http_date),
	KTAP_CASE(offload_hook),
};

int main(void)
{
	srandom(1);
	ktap_run(cases, ARRAY_SIZE(cases));
	return ktap_finish();
}
