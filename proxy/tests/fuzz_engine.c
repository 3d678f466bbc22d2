// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the proxy's engine, prx_handle(), over a sequence of
 * frames sharing one flow table, so that the fuzzer reaches every
 * function that rewrites a segment: the cookie SYN-ACK, the backend SYN,
 * the held request sent on the backend's SYN-ACK (in place and through
 * the emitter), the splice both ways, the RSTs, and the reaper. The
 * input is one control byte, then frames, each a 2-byte big-endian
 * length and that many bytes:
 *
 *   bit 0: make each frame pass the checks a fuzzer cannot satisfy by
 *          itself: a client segment's ack becomes our cookie for its seq,
 *          the IPv4 and TCP checksums are recomputed;
 *   bit 1: no emitter;
 *   bit 2: frames get no tailroom (the held request then
 *          goes through the emitter);
 *   bit 3: the neighbour lookup fails.
 *
 * Every frame the engine sends must parse with valid checksums, a frame
 * it passes must be unchanged, and after the timeouts every flow must be
 * freed.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/cookie.h>
#include <ndiv/csum.h>
#include <ndiv/tcp.h>
#include "../engine.h"

#define HEADROOM	64
#define ROOM		2048
#define NFLOWS		16
#define MAX_FRAMES	16

static const struct ndiv_siphash_key key = { { 0x0706050403020100ULL,
					       0x0f0e0d0c0b0a0908ULL } };
static const uint8_t vip[4] = { 198, 18, 0, 2 };
static const uint8_t be_ip[4] = { 198, 18, 0, 11 };

static struct prx_flow flows[NFLOWS];
static struct prx_bucket buckets[NFLOWS];

static void check_sent(const uint8_t *data, uint32_t len)
{
	struct ndiv_frame f = { 0 };
	struct ndiv_tcp_seg s;

	f.data = (uint8_t *)data;
	f.len = len;
	if (ndiv_tcp_parse(&f, &s, 0))
		abort();
}

static uint8_t *em_get(void *ctx, uint32_t cap, void **handle)
{
	(void)ctx;
	*handle = malloc(cap);
	return *handle;
}

static int em_send(void *ctx, void *handle, uint32_t len)
{
	(void)ctx;
	if (len)
		check_sent(handle, len);
	free(handle);
	return 0;
}

static const struct prx_emitter emitter = { em_get, em_send, NULL };

static int neigh_fail;

static int neigh(void *ctx, int family, const uint8_t *addr, uint8_t *mac)
{
	static const uint8_t m[6] = { 2, 0, 0, 0, 0, 0x0b };

	(void)ctx;
	(void)family;
	(void)addr;
	if (neigh_fail)
		return -1;
	memcpy(mac, m, 6);
	return 0;
}

/* Recompute the checksums; a client's ack becomes a valid cookie. */
static void make_valid(struct ndiv_frame *f)
{
	struct ndiv_tcp_seg s;
	struct ndiv_l3 l3;
	uint32_t h, mask, sum;
	uint8_t *t, *ip;

	/* the IPv4 header checksum first: the TCP parser checks it */
	if (ndiv_pkt_parse_l3(f, &l3, NDIV_PKT_TCP | NDIV_PKT_NO_IP_CSUM))
		return;
	if (l3.family == 4) {
		ip = f->data + l3.l3_off;
		ip[10] = 0;
		ip[11] = 0;
		ndiv_put_be16(ip + 10, ndiv_csum_fold(ndiv_csum_add(ip,
						(ip[0] & 0xf) * 4, 0)));
	}
	if (ndiv_tcp_parse(f, &s, NDIV_TCP_NOCSUM))
		return;
	t = f->data + s.l4_off;
	if (s.family == 4 && !memcmp(s.daddr, vip, 4) &&
	    (s.flags & NDIV_TCP_ACK) && !(s.flags & NDIV_TCP_SYN)) {
		h = ndiv_cookie_hash(&key, 4, s.saddr, s.daddr, s.sport,
				     s.dport, s.seq - 1);
		mask = s.opt.present & NDIV_TCP_OPT_TS ? ~0x3u : ~0x7fu;
		ndiv_put_be32(t + 8, ((h & mask) | ((s.ack - 1) & ~mask)) + 1);
	}
	if (s.family == 4)
		sum = ndiv_csum_pseudo4(s.saddr, s.daddr, 6, s.l4_len);
	else
		sum = ndiv_csum_pseudo6(s.saddr, s.daddr, 6, s.l4_len);
	t[16] = 0;
	t[17] = 0;
	ndiv_put_be16(t + 16, ndiv_csum_fold(ndiv_csum_add(t, s.l4_len, sum)));
}

static void one_frame(const struct prx_env *env, struct prx_table *t,
		      const uint8_t *data, uint32_t len, uint8_t ctl)
{
	uint32_t tail = ctl & 4 ? 0 : ROOM - HEADROOM - len;
	uint8_t *buf = malloc(HEADROOM + len + tail), *copy;
	struct ndiv_frame f = { 0 };
	int v;

	memcpy(buf + HEADROOM, data, len);
	f.data = buf + HEADROOM;
	f.len = len;
	f.headroom = HEADROOM;
	f.tailroom = tail;
	if (ctl & 1)
		make_valid(&f);
	copy = malloc(len ? len : 1);
	memcpy(copy, f.data, len);
	v = prx_handle(env, t, &f);
	if (v == NDIV_TX)
		check_sent(f.data, f.len);
	else if (v == NDIV_PASS && (f.len != len || memcmp(f.data, copy, len)))
		abort();
	else if (v != NDIV_DROP && v != NDIV_PASS)
		abort();
	free(copy);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndiv_stat cnt[PRX_CNT_NR] = { 0 };
	struct prx_config cfg = { 0 };
	struct prx_env env = { 0 };
	struct prx_table t;
	uint32_t len, n = 0;
	uint8_t ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	data++;
	size--;
	memcpy(cfg.vip, vip, 4);
	memcpy(cfg.local, vip, 4);
	cfg.vip_port = 80;
	cfg.mtu = 1500;
	cfg.timeout_ms = 60000;
	cfg.nr_backends = 1;
	memcpy(cfg.be[0].addr, be_ip, 4);
	cfg.be[0].port = 80;
	cfg.be[0].family = 4;
	prx_table_init(&t, flows, buckets, NFLOWS, 50000, &key);
	env.cfg = &cfg;
	env.key[0] = &key;
	env.key[1] = &key;
	env.now_ms = 0xfffff000u;	/* the clock wraps during the run */
	env.neigh = neigh;
	env.emit = ctl & 2 ? NULL : &emitter;
	env.cnt = cnt;
	neigh_fail = !!(ctl & 8);
	while (size >= 2 && n++ < MAX_FRAMES) {
		len = (uint32_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (len > size)
			len = size;
		if (len > ROOM - HEADROOM - 64)
			len = ROOM - HEADROOM - 64;
		one_frame(&env, &t, data, len, ctl);
		data += len;
		size -= len;
		env.now_ms += 100;
		prx_table_reap(&t, &env);
	}
	/* past every timeout, nothing may be left */
	env.now_ms += cfg.timeout_ms + PRX_CONNECT_MS;
	prx_table_reap(&t, &env);
	if (prx_table_active(&t))
		abort();
	return 0;
}
