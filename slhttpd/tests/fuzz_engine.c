// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: slhttpd's whole frame handler, slh_handle(). The input
 * is a received frame, copied to a heap buffer with the room the hooked
 * drivers give (so ASan sees any access outside it) after one control
 * byte:
 *
 *   bit 0: make the segment pass validation, so the fuzzer reaches the
 *          state machine behind the cookie: the ack becomes the cookie
 *          hash plus the position in its low 20 bits, and the TCP
 *          checksum is fixed (a fuzzer cannot find either by itself);
 *   bit 1: "invalid rst" instead of drop;
 *   bit 2: no emitter (multi-segment answers cannot be sent);
 *   bit 3: an MTU of 576 instead of 1500.
 *
 * Every frame the engine sends, in place or through the emitter, must be
 * a well-formed segment with correct checksums.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/csum.h>
#include "../engine.h"
#include "emit.h"
#include <ndiv/cookie.h>
#include <ndiv/tcp.h>

#define HEADROOM	64
#define ROOM		2048

static const struct ndiv_siphash_key key = { { 0x0706050403020100ULL,
					       0x0f0e0d0c0b0a0908ULL } };

static void check_reply(const uint8_t *data, uint32_t len)
{
	struct ndiv_frame f = { 0 };
	struct ndiv_tcp_seg s;

	f.data = (uint8_t *)data;
	f.len = len;
	if (ndiv_tcp_parse(&f, &s, 0))
		abort();
}

/* The engine's extra frames: see emit.h. */
static void emit_sink(uint8_t *frame, uint32_t len)
{
	check_reply(frame, len);
}

/* Give the segment a valid cookie for its own seq and TSecr. */
static void make_valid(struct ndiv_frame *f)
{
	struct ndiv_tcp_seg s;
	uint32_t c = 0, h, sum;
	uint8_t *t;

	if (ndiv_tcp_parse(f, &s, NDIV_TCP_NOCSUM))
		return;
	if (s.opt.present & NDIV_TCP_OPT_TS)
		c = ((s.opt.tsecr - 1) >> 16) & 0x7fff;
	h = ndiv_cookie_hash(&key, s.family, s.saddr, s.daddr, s.sport,
			    s.dport, s.seq - 1 - c);
	t = f->data + s.l4_off;
	ndiv_put_be32(t + 8, h + (s.ack & (SLH_X_MAX - 1)));
	t[16] = 0;
	t[17] = 0;
	if (s.family == 4)
		sum = ndiv_csum_pseudo4(s.saddr, s.daddr, 6, s.l4_len);
	else
		sum = ndiv_csum_pseudo6(s.saddr, s.daddr, 6, s.l4_len);
	ndiv_put_be16(t + 16, ndiv_csum_fold(ndiv_csum_add(t, s.l4_len,
							   sum)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ndiv_siphash_key *keys[2] = { &key, &key };
	struct slh_config cfg = { 0 };
	struct ndiv_stat cnt[SLH_CNT_NR] = { 0 };
	struct slh_env env = { 0 };
	struct ndiv_frame f = { 0 };
	uint8_t *buf;
	int v;

	if (size < 1 || size - 1 > ROOM - HEADROOM)
		return 0;
	cfg.ports[0] = 80;
	cfg.ports[1] = 8080;
	cfg.nr_ports = 2;
	cfg.mtu = data[0] & 8 ? 576 : 1500;
	cfg.date = 1;
	cfg.invalid = data[0] & 2 ? SLH_INVALID_RST : SLH_INVALID_DROP;
	env.cfg = &cfg;
	env.key[0] = keys[0];
	env.key[1] = keys[1];
	env.now = 1795305600;
	env.emit = data[0] & 4 ? NULL : &emitter;
	env.cnt = cnt;

	buf = malloc(ROOM);
	memcpy(buf + HEADROOM, data + 1, size - 1);
	f.data = buf + HEADROOM;
	f.len = (uint32_t)(size - 1);
	f.headroom = HEADROOM;
	f.tailroom = (uint32_t)(ROOM - HEADROOM - f.len);
	if (data[0] & 1)
		make_valid(&f);
	v = slh_handle(&env, &f);
	if (!ndiv_frame_intact(&f, buf, ROOM) || v < NDIV_PASS || v > NDIV_TX)
		abort();
	if (v == NDIV_TX)
		check_reply(f.data, f.len);
	free(buf);
	return 0;
}
