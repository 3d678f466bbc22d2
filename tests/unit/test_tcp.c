// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for slhttpd's TCP/IP segment layer. Frames are built here by
 * hand, checksummed with pkt.c's independent checksum, and handed to the
 * code under test in exactly sized heap buffers so that ASan catches any
 * read past the frame. Replies are checked field by field against the
 * received frame and re-parsed.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/frame.h>

#include "ktap.h"
#include "pkt.h"
#include "rnd.h"
#include <ndiv/tcp.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };	/* client */
static const uint8_t mac_s[6] = { 0x02, 0, 0, 0, 0, 0x05 };	/* server */
static const uint8_t ip4_c[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_s[4] = { 198, 18, 0, 2 };
static const uint8_t ip6_c[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* What a test frame looks like; spec_init() gives a plain SYN. */
struct spec {
	uint8_t family;
	uint8_t vlan;		/* 1: one in-frame 802.1Q tag */
	uint16_t tci;
	uint8_t ipopt_len;	/* IPv4 options (NOPs), a multiple of 4 */
	uint8_t topt_len;	/* TCP options, a multiple of 4 */
	uint8_t topt[40];
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	const uint8_t *pay;
	uint32_t pay_len;
	uint32_t pad;		/* Ethernet padding after the IP packet */
	uint8_t smac[6], dmac[6];
	uint8_t saddr[16], daddr[16];
};

static uint8_t stage[4096];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void spec_init(struct spec *sp, uint8_t family)
{
	memset(sp, 0, sizeof(*sp));
	sp->family = family;
	sp->flags = NDIV_TCP_SYN;
	sp->seq = 0x11223344;
	sp->win = 64240;
	memcpy(sp->smac, mac_c, 6);
	memcpy(sp->dmac, mac_s, 6);
	memcpy(sp->saddr, family == 4 ? ip4_c : ip6_c, family == 4 ? 4 : 16);
	memcpy(sp->daddr, family == 4 ? ip4_s : ip6_s, family == 4 ? 4 : 16);
}

/* TCP checksum over a pseudo-header built byte by byte, via pkt_csum(). */
static uint16_t ref_l4_csum(uint8_t family, const uint8_t *sa,
			    const uint8_t *da, const uint8_t *l4, uint32_t len)
{
	static uint8_t buf[40 + 65536];
	uint32_t alen = family == 4 ? 4 : 16, ph;

	memcpy(buf, sa, alen);
	memcpy(buf + alen, da, alen);
	if (family == 4) {
		buf[8] = 0;
		buf[9] = 6;
		put16(buf + 10, (uint16_t)len);
		ph = 12;
	} else {
		put32(buf + 32, len);
		memset(buf + 36, 0, 3);
		buf[39] = 6;
		ph = 40;
	}
	memcpy(buf + ph, l4, len);
	return pkt_csum(buf, ph + len, 0);
}

static size_t l3_offset(const struct spec *sp)
{
	return sp->vlan ? 18 : 14;
}

/* Build the frame described by sp in stage; returns its length. */
static size_t build(const struct spec *sp)
{
	uint8_t *p = stage, *ip, *th;
	size_t l3 = l3_offset(sp);
	uint32_t iph = sp->family == 4 ? 20u + sp->ipopt_len : 40;
	uint32_t thl = 20u + sp->topt_len, l4len = thl + sp->pay_len;

	memset(p, 0, sizeof(stage));
	memcpy(p, sp->dmac, 6);
	memcpy(p + 6, sp->smac, 6);
	if (sp->vlan) {
		put16(p + 12, 0x8100);
		put16(p + 14, sp->tci);
	}
	put16(p + l3 - 2, sp->family == 4 ? 0x0800 : 0x86dd);
	ip = p + l3;
	if (sp->family == 4) {
		ip[0] = 0x40 | (uint8_t)(iph / 4);
		put16(ip + 2, (uint16_t)(iph + l4len));
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, sp->saddr, 4);
		memcpy(ip + 16, sp->daddr, 4);
		memset(ip + 20, 1, sp->ipopt_len);
		put16(ip + 10, pkt_csum(ip, iph, 0));
	} else {
		put32(ip, 0x60012345);
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, sp->saddr, 16);
		memcpy(ip + 24, sp->daddr, 16);
	}
	th = ip + iph;
	put16(th, 40000);
	put16(th + 2, 80);
	put32(th + 4, sp->seq);
	put32(th + 8, sp->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = sp->flags;
	put16(th + 14, sp->win);
	memcpy(th + 20, sp->topt, sp->topt_len);
	if (sp->pay_len)
		memcpy(th + thl, sp->pay, sp->pay_len);
	put16(th + 16, ref_l4_csum(sp->family, sp->saddr, sp->daddr, th,
				   l4len));
	memset(th + l4len, 0, sp->pad);
	return l3 + iph + l4len + sp->pad;
}

/* Recompute the IPv4 header checksum after a test changed the header. */
static void refresh_ip4(uint8_t *ip)
{
	put16(ip + 10, 0);
	put16(ip + 10, pkt_csum(ip, (ip[0] & 0xf) * 4u, 0));
}

/* A frame in a heap buffer of exactly len + tail bytes. */
struct hf {
	uint8_t *mem;
	struct ndiv_frame f;
};

static void hf_init(struct hf *h, const uint8_t *src, size_t len,
		    uint32_t tail)
{
	h->mem = malloc(len + tail ? len + tail : 1);
	if (!h->mem)
		abort();
	memcpy(h->mem, src, len);
	memset(&h->f, 0, sizeof(h->f));
	h->f.data = h->mem;
	h->f.len = (uint32_t)len;
	h->f.tailroom = tail;
}

static void hf_free(struct hf *h)
{
	free(h->mem);
}

/* Parse len bytes of stage in an exactly sized buffer. */
static int parse_stage(size_t len, unsigned int flags, uint32_t fflags)
{
	struct ndiv_tcp_seg s;
	struct hf h;
	int ret;

	hf_init(&h, stage, len, 0);
	h.f.flags = fflags;
	h.f.vlan_tci = 0x0123;
	ret = ndiv_tcp_parse(&h.f, &s, flags);
	hf_free(&h);
	return ret;
}

/* Parse sp's frame, checking every field the builder set. */
static int parse_spec(const struct spec *sp, struct ndiv_tcp_seg *s)
{
	size_t len = build(sp), l3 = l3_offset(sp);
	uint32_t iph = sp->family == 4 ? 20u + sp->ipopt_len : 40;
	uint32_t alen = sp->family == 4 ? 4 : 16;
	struct hf h;
	int ret;

	hf_init(&h, stage, len, 0);
	ret = ndiv_tcp_parse(&h.f, s, 0);
	if (!ret) {
		KTAP_EXPECT(s->family == sp->family);
		KTAP_EXPECT(s->l3_off == l3);
		KTAP_EXPECT(s->l4_off == l3 + iph);
		KTAP_EXPECT(s->hdr_len == 20 + sp->topt_len);
		KTAP_EXPECT(s->pay_off == l3 + iph + 20 + sp->topt_len);
		KTAP_EXPECT(s->pay_len == sp->pay_len);
		KTAP_EXPECT(s->l4_len == 20 + sp->topt_len + sp->pay_len);
		KTAP_EXPECT(s->vlan == (sp->vlan ? NDIV_VLAN_INFRAME :
					NDIV_VLAN_NONE));
		KTAP_EXPECT(!sp->vlan || s->vlan_tci == sp->tci);
		KTAP_EXPECT(!memcmp(s->saddr, sp->saddr, alen));
		KTAP_EXPECT(!memcmp(s->daddr, sp->daddr, alen));
		KTAP_EXPECT(s->sport == 40000 && s->dport == 80);
		KTAP_EXPECT(s->seq == sp->seq && s->ack == sp->ack);
		KTAP_EXPECT(s->flags == sp->flags && s->window == sp->win);
		KTAP_EXPECT(ndiv_tcp_csum_ok(&h.f, s) == 0);
	}
	hf_free(&h);
	/* saddr/daddr pointed into the freed buffer */
	s->saddr = NULL;
	s->daddr = NULL;
	return ret;
}

/* Linux's SYN: MSS 1460, SACK-Permitted, Timestamps, NOP, WS 7. */
static const uint8_t linux_syn_opts[20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0xaa, 0xbb, 0xcc, 0xdd,
	0, 0, 0, 0, 1, 3, 3, 7
};

static void parse_linux_syn(void)
{
	struct ndiv_tcp_seg s;
	struct spec sp;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		spec_init(&sp, (uint8_t)fam);
		memcpy(sp.topt, linux_syn_opts, 20);
		sp.topt_len = 20;
		KTAP_EXPECT(parse_spec(&sp, &s) == 0);
		KTAP_EXPECT(s.opt.present == (NDIV_TCP_OPT_MSS | NDIV_TCP_OPT_SACK_PERM |
					      NDIV_TCP_OPT_TS | NDIV_TCP_OPT_WSCALE));
		KTAP_EXPECT(s.opt.mss == 1460 && s.opt.wscale == 7);
		KTAP_EXPECT(s.opt.tsval == 0xaabbccdd && s.opt.tsecr == 0);
		/* where each option starts, from the TCP header */
		KTAP_EXPECT(s.opt.mss_at == 20 && s.opt.ts_at == 26);
		KTAP_EXPECT(s.opt.sack_at == 0);
		KTAP_EXPECT(ndiv_tcp_seg_len(&s) == 1);
	}
}

static void parse_data_segment(void)
{
	static const uint8_t req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static const uint8_t ts[12] = {
		1, 1, 8, 10, 0, 0, 0, 5, 0x80, 0, 0, 1
	};
	struct ndiv_tcp_seg s;
	struct spec sp;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		spec_init(&sp, (uint8_t)fam);
		sp.flags = NDIV_TCP_ACK | NDIV_TCP_PSH | NDIV_TCP_FIN;
		sp.ack = 0xfffffff0;
		memcpy(sp.topt, ts, 12);
		sp.topt_len = 12;
		sp.pay = req;
		sp.pay_len = sizeof(req) - 1;
		KTAP_EXPECT(parse_spec(&sp, &s) == 0);
		KTAP_EXPECT(s.opt.present == NDIV_TCP_OPT_TS);
		KTAP_EXPECT(s.opt.tsval == 5 && s.opt.tsecr == 0x80000001);
		KTAP_EXPECT(s.opt.ts_at == 22 && !s.opt.mss_at);
		KTAP_EXPECT(ndiv_tcp_seg_len(&s) == sp.pay_len + 1);
	}
}

/* Emit options for mask (NDIV_TCP_OPT_*) with n SACK blocks; 0 if > 40. */
static uint32_t make_opts(uint8_t *o, unsigned int mask, uint32_t n,
			  int eol_pad)
{
	uint8_t tmp[64];
	uint32_t len = 0, i;

	if (mask & NDIV_TCP_OPT_MSS) {
		tmp[len++] = 2;
		tmp[len++] = 4;
		put16(tmp + len, (uint16_t)(536 + mask));
		len += 2;
	}
	if (mask & NDIV_TCP_OPT_WSCALE) {
		tmp[len++] = 3;
		tmp[len++] = 3;
		tmp[len++] = (uint8_t)(mask % 15);
	}
	if (mask & NDIV_TCP_OPT_SACK_PERM) {
		tmp[len++] = 4;
		tmp[len++] = 2;
	}
	if (mask & NDIV_TCP_OPT_TS) {
		tmp[len++] = 8;
		tmp[len++] = 10;
		put32(tmp + len, 0x01020304u + mask);
		put32(tmp + len + 4, 0xf0e0d0c0u - mask);
		len += 8;
	}
	if (mask & NDIV_TCP_OPT_SACK) {
		tmp[len++] = 5;
		tmp[len++] = (uint8_t)(2 + 8 * n);
		for (i = 0; i < n; i++) {
			put32(tmp + len, 1000 * i);
			put32(tmp + len + 4, 1000 * i + 500);
			len += 8;
		}
	}
	if (mask & NDIV_TCP_OPT_OTHER) {
		tmp[len++] = 30;	/* MPTCP, skipped */
		tmp[len++] = 4;
		tmp[len++] = 0;
		tmp[len++] = 0;
	}
	i = (4 - len % 4) % 4;
	if (len + i > 40)
		return 0;
	if (eol_pad) {
		memcpy(o, tmp, len);
		memset(o + len, 0, i);
	} else {
		memset(o, 1, i);
		memcpy(o + i, tmp, len);
	}
	return len + i;
}

static void check_opts(const struct ndiv_tcp_opts *o, unsigned int mask,
		       uint32_t n)
{
	uint32_t i;

	KTAP_EXPECT(o->present == mask);
	if (mask & NDIV_TCP_OPT_MSS)
		KTAP_EXPECT(o->mss == 536 + mask);
	if (mask & NDIV_TCP_OPT_WSCALE)
		KTAP_EXPECT(o->wscale == mask % 15);
	if (mask & NDIV_TCP_OPT_TS)
		KTAP_EXPECT(o->tsval == 0x01020304u + mask &&
			    o->tsecr == 0xf0e0d0c0u - mask);
	if (!(mask & NDIV_TCP_OPT_SACK)) {
		KTAP_EXPECT(o->nr_sack == 0);
		return;
	}
	KTAP_EXPECT(o->nr_sack == n);
	for (i = 0; i < n && i < NDIV_TCP_MAX_SACK; i++)
		KTAP_EXPECT(o->sack[i].start == 1000 * i &&
			    o->sack[i].end == 1000 * i + 500);
}

/* Every subset of the options, SACK with 1-4 blocks, both paddings. */
static void parse_option_combinations(void)
{
	unsigned int mask, n, pad, fam, tried = 0;
	struct ndiv_tcp_seg s;
	struct spec sp;
	uint32_t olen;

	for (fam = 4; fam <= 6; fam += 2)
		for (mask = 0; mask < 64; mask++)
			for (n = 1; n <= 4; n++)
				for (pad = 0; pad < 2; pad++) {
					if (!(mask & NDIV_TCP_OPT_SACK) && n > 1)
						continue;
					spec_init(&sp, (uint8_t)fam);
					olen = make_opts(sp.topt, mask, n, pad);
					if (!olen && mask)
						continue;
					sp.topt_len = (uint8_t)olen;
					KTAP_EXPECT(parse_spec(&sp, &s) == 0);
					check_opts(&s.opt, mask, n);
					tried++;
				}
	KTAP_EXPECT(tried > 300);
}

/* Parse sp with its options replaced by o (len a multiple of 4). */
static int parse_with_opts(const uint8_t *o, uint32_t len,
			   struct ndiv_tcp_seg *s)
{
	struct spec sp;

	spec_init(&sp, 4);
	memcpy(sp.topt, o, len);
	sp.topt_len = (uint8_t)len;
	return parse_spec(&sp, s);
}

/* The lengths RFC 9293, RFC 7323 and RFC 2018 allow for each kind. */
static int opt_len_ok(uint8_t kind, uint32_t len)
{
	switch (kind) {
	case 2:
		return len == 4;
	case 3:
		return len == 3;
	case 4:
		return len == 2;
	case 5:
		return len >= 10 && (len - 2) % 8 == 0;
	default:
		return len == 10;
	}
}

/* Known kinds with every length but the right one; bad lengths. */
static void malformed_options(void)
{
	static const uint8_t kinds[] = { 2, 3, 4, 5, 8 };
	uint8_t o[40];
	struct ndiv_tcp_seg s;
	uint32_t k, len;
	int valid;

	for (k = 0; k < sizeof(kinds); k++)
		for (len = 0; len <= 40; len++) {
			memset(o, 0, sizeof(o));
			o[0] = kinds[k];
			o[1] = (uint8_t)len;
			valid = opt_len_ok(kinds[k], len);
			KTAP_EXPECT(parse_with_opts(o, 40, &s) ==
				    (valid ? 0 : -NDIV_PKT_E_BAD_OPT));
		}
	/* unknown kinds: length 0 or 1 never advances */
	for (len = 0; len < 2; len++) {
		memset(o, 0, sizeof(o));
		o[0] = 99;
		o[1] = (uint8_t)len;
		KTAP_EXPECT(parse_with_opts(o, 4, &s) == -NDIV_PKT_E_BAD_OPT);
	}
	/* an option running past the header */
	memcpy(o, "\x01\x01\x63\x03", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == -NDIV_PKT_E_BAD_OPT);
	memcpy(o, "\x02\x04\x05\xb4\x08\x0a\x00\x00", 8);
	KTAP_EXPECT(parse_with_opts(o, 8, &s) == -NDIV_PKT_E_BAD_OPT);
	/* a kind byte with no room for its length */
	memcpy(o, "\x01\x01\x01\x63", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == -NDIV_PKT_E_BAD_OPT);
	memcpy(o, "\x01\x01\x01\x02", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == -NDIV_PKT_E_BAD_OPT);
	/* after End of Option List anything goes */
	memcpy(o, "\x00\x63\x00\xff", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == 0 && !s.opt.present);
	/* unknown kind skipped and noted */
	memcpy(o, "\x63\x04\xff\xff", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == 0 &&
		    s.opt.present == NDIV_TCP_OPT_OTHER);
	/* a shift above 14 reads as 14 (RFC 7323 2.3) */
	memcpy(o, "\x03\x03\xff\x01", 4);
	KTAP_EXPECT(parse_with_opts(o, 4, &s) == 0 && s.opt.wscale == 14);
	/* a repeated option: the last one counts */
	memcpy(o, "\x02\x04\x01\x00\x02\x04\x02\x00", 8);
	KTAP_EXPECT(parse_with_opts(o, 8, &s) == 0 && s.opt.mss == 0x200);
	/* 40 bytes of NOPs */
	memset(o, 1, sizeof(o));
	KTAP_EXPECT(parse_with_opts(o, 40, &s) == 0 && !s.opt.present);
}

/* Every prefix of a valid frame is rejected, without reading past it. */
static void truncate_all(const struct spec *sp, uint32_t fflags)
{
	size_t full = build(sp), len, ip_end = full - sp->pad;

	for (len = 0; len <= full; len++)
		KTAP_EXPECT((parse_stage(len, 0, fflags) == 0) ==
			    (len >= ip_end));
}

static void truncations(void)
{
	static const uint8_t pay[] = "0123456789";
	struct spec sp;

	spec_init(&sp, 4);
	truncate_all(&sp, 0);
	memcpy(sp.topt, linux_syn_opts, 20);
	sp.topt_len = 20;
	sp.vlan = 1;
	sp.ipopt_len = 12;
	sp.pay = pay;
	sp.pay_len = 10;
	truncate_all(&sp, 0);
	sp.pad = 7;
	truncate_all(&sp, 0);
	spec_init(&sp, 6);
	sp.topt_len = (uint8_t)make_opts(sp.topt, 0x1f, 1, 0);
	sp.pay = pay;
	sp.pay_len = 9;
	sp.pad = 3;
	truncate_all(&sp, 0);
	truncate_all(&sp, NDIV_F_VLAN_STRIPPED);
}

/* Every single-bit error in the checksummed bytes is caught. */
static void bit_flips(const struct spec *sp, size_t from)
{
	size_t len = build(sp), i;
	uint8_t saved[4096];
	int bit;

	memcpy(saved, stage, len);
	for (i = from; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(stage, saved, len);
			stage[i] ^= (uint8_t)(1 << bit);
			KTAP_EXPECT(parse_stage(len, 0, 0) != 0);
		}
}

static void checksums(void)
{
	static const uint8_t pay[] = "hello";
	struct ndiv_tcp_seg s;
	struct spec sp;
	struct hf h;
	size_t len;

	spec_init(&sp, 4);
	sp.ipopt_len = 4;
	sp.pay = pay;
	sp.pay_len = 5;
	len = build(&sp);
	stage[14 + 10] ^= 0x40;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_CSUM_IP);
	KTAP_EXPECT(parse_stage(len, NDIV_TCP_NOCSUM, 0) ==
		    -NDIV_PKT_E_BAD_CSUM_IP);
	len = build(&sp);
	stage[len - 1] ^= 0x01;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_CSUM_L4);
	KTAP_EXPECT(parse_stage(len, NDIV_TCP_NOCSUM, 0) == 0);
	hf_init(&h, stage, len, 0);
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &s, NDIV_TCP_NOCSUM) == 0);
	KTAP_EXPECT(ndiv_tcp_csum_ok(&h.f, &s) == -NDIV_PKT_E_BAD_CSUM_L4);
	hf_free(&h);
	bit_flips(&sp, 14);

	spec_init(&sp, 6);
	sp.pay = pay;
	sp.pay_len = 5;
	len = build(&sp);
	stage[14 + 8] ^= 0x80;		/* source address: pseudo-header */
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_CSUM_L4);
	/* traffic class, flow label and hop limit are not covered */
	bit_flips(&sp, 14 + 8);
}

static void vlan_tags(void)
{
	struct ndiv_tcp_seg s;
	struct spec sp;
	struct hf h;
	size_t len;

	spec_init(&sp, 4);
	sp.vlan = 1;
	sp.tci = 0xe00a;
	KTAP_EXPECT(parse_spec(&sp, &s) == 0 && s.vlan_tci == 0xe00a);

	spec_init(&sp, 6);
	len = build(&sp);
	hf_init(&h, stage, len, 0);
	h.f.flags = NDIV_F_VLAN_STRIPPED;
	h.f.vlan_tci = 42;
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &s, 0) == 0);
	KTAP_EXPECT(s.vlan == NDIV_VLAN_STRIPPED && s.vlan_tci == 42);
	hf_free(&h);

	/* a stripped tag plus one in the frame: two tags */
	spec_init(&sp, 4);
	sp.vlan = 1;
	len = build(&sp);
	KTAP_EXPECT(parse_stage(len, 0, NDIV_F_VLAN_STRIPPED) ==
		    -NDIV_PKT_E_VLAN);
	/* 802.1Q in 802.1Q, and 802.1ad */
	put16(stage + 16, 0x8100);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_VLAN);
	put16(stage + 12, 0x88a8);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_VLAN);
	put16(stage + 12, 0x8100);
	KTAP_EXPECT(parse_stage(17, 0, 0) == -NDIV_PKT_E_TRUNCATED);
}

static void ip4_header_checks(void)
{
	struct ndiv_tcp_seg s;
	struct spec sp;
	size_t len;
	uint8_t *ip = stage + 14;
	int ihl;

	for (ihl = 0; ihl <= 40; ihl += 4) {
		spec_init(&sp, 4);
		sp.ipopt_len = (uint8_t)ihl;
		KTAP_EXPECT(parse_spec(&sp, &s) == 0);
	}
	spec_init(&sp, 4);
	for (ihl = 0; ihl < 5; ihl++) {
		len = build(&sp);
		ip[0] = (uint8_t)(0x40 | ihl);
		KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_IHL);
	}
	len = build(&sp);
	ip[0] = 0x65;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_VER);
	/* total length below IHL, or leaving less than a TCP header */
	len = build(&sp);
	put16(ip + 2, 19);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_LEN);
	put16(ip + 2, 39);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_LEN);
	put16(ip + 2, 41);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_TRUNCATED);
	/* fragments: MF, an offset, both; DF alone is fine */
	len = build(&sp);
	put16(ip + 6, 0x2000);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_FRAGMENT);
	put16(ip + 6, 0x0001);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_FRAGMENT);
	put16(ip + 6, 0x5fff);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_FRAGMENT);
	put16(ip + 6, 0x0000);
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == 0);
	/* other protocols */
	len = build(&sp);
	ip[9] = 17;
	refresh_ip4(ip);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_PROTO);
	len = pkt_arp(stage);
	stage[0] = 0x02;		/* unicast ARP */
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_NOT_IP);
}

static void ip6_header_checks(void)
{
	static const uint8_t ext[] = { 0, 43, 50, 51, 60, 135, 139, 140,
				       253, 254 };
	struct spec sp;
	size_t len, i;

	spec_init(&sp, 6);
	len = build(&sp);
	for (i = 0; i < sizeof(ext); i++) {
		stage[14 + 6] = ext[i];
		KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_EXT_HDR);
	}
	stage[14 + 6] = 44;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_FRAGMENT);
	stage[14 + 6] = 17;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_PROTO);
	len = build(&sp);
	stage[14] = 0x40;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_VER);
	len = build(&sp);
	put16(stage + 14 + 4, 19);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_LEN);
	put16(stage + 14 + 4, 21);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_TRUNCATED);
	/* the pkt.c SYN has no checksum */
	len = pkt_tcp6(stage);
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_CSUM_L4);
	KTAP_EXPECT(parse_stage(len, NDIV_TCP_NOCSUM, 0) == 0);
}

static void tcp_header_checks(void)
{
	struct spec sp;
	size_t len;
	uint8_t *th = stage + 14 + 20;

	spec_init(&sp, 4);
	sp.topt_len = 4;
	memcpy(sp.topt, "\x01\x01\x01\x01", 4);
	len = build(&sp);
	th[12] = 4 << 4;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_DOFF);
	th[12] = 7 << 4;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_DOFF);
	th[12] = 0;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_DOFF);
	/* shorter header, the rest is payload: only the checksum fails */
	th[12] = 5 << 4;
	KTAP_EXPECT(parse_stage(len, 0, 0) == -NDIV_PKT_E_BAD_CSUM_L4);
	KTAP_EXPECT(parse_stage(len, NDIV_TCP_NOCSUM, 0) == 0);
}

static void spec_addrs(struct spec *sp, const uint8_t *a, int src)
{
	memcpy(src ? sp->saddr : sp->daddr, a, sp->family == 4 ? 4 : 16);
}

static void non_unicast(void)
{
	static const uint8_t bad4[][4] = {
		{ 224, 0, 0, 1 }, { 239, 1, 2, 3 }, { 255, 255, 255, 255 },
		{ 240, 0, 0, 1 }, { 0, 0, 0, 0 }, { 0, 1, 2, 3 },
		{ 127, 0, 0, 1 },
	};
	static const uint8_t bad6[][16] = {
		{ 0xff, 0x02, [15] = 1 }, { 0xff, 0x0e, [15] = 0x80 },
		{ [15] = 0 }, { [15] = 1 },
		{ [10] = 0xff, [11] = 0xff, 198, 18, 0, 1 },
	};
	static const uint8_t good6[][16] = {
		{ [15] = 2 }, { 0xfe, 0x80, [15] = 1 }, { [11] = 0xff, 1 },
	};
	struct ndiv_tcp_seg s;
	struct spec sp;
	size_t i;
	int src;

	for (src = 0; src < 2; src++) {
		for (i = 0; i < ARRAY_SIZE(bad4); i++) {
			spec_init(&sp, 4);
			spec_addrs(&sp, bad4[i], src);
			KTAP_EXPECT(parse_spec(&sp, &s) ==
				    -NDIV_PKT_E_NOT_UNICAST);
		}
		for (i = 0; i < ARRAY_SIZE(bad6); i++) {
			spec_init(&sp, 6);
			spec_addrs(&sp, bad6[i], src);
			KTAP_EXPECT(parse_spec(&sp, &s) ==
				    -NDIV_PKT_E_NOT_UNICAST);
		}
		for (i = 0; i < ARRAY_SIZE(good6); i++) {
			spec_init(&sp, 6);
			spec_addrs(&sp, good6[i], src);
			KTAP_EXPECT(parse_spec(&sp, &s) == 0);
		}
		spec_init(&sp, 4);
		memset(src ? sp.smac : sp.dmac, 0xff, 6);
		KTAP_EXPECT(parse_spec(&sp, &s) == -NDIV_PKT_E_NOT_UNICAST);
		spec_init(&sp, 6);
		memcpy(src ? sp.smac : sp.dmac, "\x33\x33\0\0\0\1", 6);
		KTAP_EXPECT(parse_spec(&sp, &s) == -NDIV_PKT_E_NOT_UNICAST);
	}
	spec_init(&sp, 4);
	memcpy(sp.daddr, "\xdf\xff\xff\xff", 4);	/* 223.255.255.255 */
	KTAP_EXPECT(parse_spec(&sp, &s) == 0);
}

static void ethernet_padding(void)
{
	struct ndiv_tcp_seg s;
	struct spec sp;

	spec_init(&sp, 4);
	sp.pad = 6;		/* a bare SYN is 54 bytes, padded to 60 */
	KTAP_EXPECT(build(&sp) == 60);
	KTAP_EXPECT(parse_spec(&sp, &s) == 0 && s.pay_len == 0);
}

/* The option bytes a reply must carry, spelled out independently. */
static uint32_t expect_opts(uint8_t *o, const struct ndiv_tcp_out *out)
{
	uint32_t n = 0;

	if (out->opts & NDIV_TCP_OPT_MSS) {
		memcpy(o + n, "\x02\x04", 2);
		put16(o + n + 2, out->mss);
		n += 4;
	}
	if (out->opts & NDIV_TCP_OPT_TS) {
		memcpy(o + n, out->opts & NDIV_TCP_OPT_SACK_PERM ?
		       "\x04\x02\x08\x0a" : "\x01\x01\x08\x0a", 4);
		put32(o + n + 4, out->tsval);
		put32(o + n + 8, out->tsecr);
		n += 12;
	} else if (out->opts & NDIV_TCP_OPT_SACK_PERM) {
		memcpy(o + n, "\x01\x01\x04\x02", 4);
		n += 4;
	}
	if (out->opts & NDIV_TCP_OPT_WSCALE) {
		memcpy(o + n, "\x01\x03\x03", 3);
		o[n + 3] = out->wscale;
		n += 4;
	}
	return n;
}

/*
 * Check the reply in h against the received frame rxf (a copy taken
 * before the call), rx parsed from it, out, and the payload bytes.
 */
static void check_reply(const struct hf *h, const uint8_t *rxf,
			const struct ndiv_tcp_seg *rx,
			const struct ndiv_tcp_out *out, const uint8_t *pay,
			uint32_t room)
{
	uint32_t alen = rx->family == 4 ? 4 : 16, ao = rx->family == 4 ? 12 : 8;
	uint32_t iph = rx->family == 4 ? 20 : 40, olen;
	const uint8_t *ip = h->f.data + rx->l3_off, *rip = rxf + rx->l3_off;
	const uint8_t *th;
	uint8_t o[40];
	struct ndiv_tcp_seg s;
	uint8_t ttl = out->ttl ? out->ttl : 64;

	KTAP_EXPECT(ndiv_frame_intact(&h->f, h->mem, room));
	KTAP_EXPECT(ndiv_tcp_parse(&h->f, &s, 0) == 0);
	olen = expect_opts(o, out);
	KTAP_EXPECT(h->f.len == rx->l3_off + iph + 20 + olen +
		    out->payload_len);
	KTAP_EXPECT(s.family == rx->family && s.l3_off == rx->l3_off);
	KTAP_EXPECT(s.l4_off == rx->l3_off + iph);
	KTAP_EXPECT(s.vlan == rx->vlan && s.vlan_tci == rx->vlan_tci);
	KTAP_EXPECT(!memcmp(h->f.data, rxf + 6, 6));
	KTAP_EXPECT(!memcmp(h->f.data + 6, rxf, 6));
	KTAP_EXPECT(!memcmp(h->f.data + 12, rxf + 12, rx->l3_off - 12));
	KTAP_EXPECT(!memcmp(ip + ao, rip + ao + alen, alen));
	KTAP_EXPECT(!memcmp(ip + ao + alen, rip + ao, alen));
	if (rx->family == 4) {
		KTAP_EXPECT(ip[0] == 0x45 && ip[1] == 0 && get16(ip + 4) == 0);
		KTAP_EXPECT(get16(ip + 6) == 0x4000 && ip[8] == ttl);
		KTAP_EXPECT(pkt_csum(ip, 20, 0) == 0);
	} else {
		KTAP_EXPECT(get32(ip) == 0x60000000 && ip[7] == ttl);
	}
	KTAP_EXPECT(s.sport == rx->dport && s.dport == rx->sport);
	KTAP_EXPECT(s.seq == out->seq && s.ack == out->ack);
	KTAP_EXPECT(s.flags == out->flags && s.window == out->window);
	KTAP_EXPECT(s.hdr_len == 20 + olen);
	th = h->f.data + s.l4_off;
	KTAP_EXPECT(!memcmp(th + 20, o, olen));
	KTAP_EXPECT((th[12] & 0xf) == 0 && get16(th + 18) == 0);
	KTAP_EXPECT(s.opt.present == out->opts);
	KTAP_EXPECT(s.pay_len == out->payload_len);
	KTAP_EXPECT(s.pay_off == ndiv_tcp_reply_off(rx, out));
	KTAP_EXPECT(!out->payload_len ||
		    !memcmp(h->f.data + s.pay_off, pay, out->payload_len));
	KTAP_EXPECT(ref_l4_csum(s.family, s.saddr, s.daddr, th, s.l4_len) ==
		    0);
}

/* Parse sp's frame with tail bytes of tailroom, reply with out, check. */
static int reply_case(const struct spec *sp, uint32_t tail,
		      struct ndiv_tcp_out *out, int pay_from_rx)
{
	size_t len = build(sp);
	static uint8_t rxf[4096], pay[65536];
	struct ndiv_tcp_seg rx;
	struct hf h;
	int ret;

	hf_init(&h, stage, len, tail);
	memcpy(rxf, stage, len);
	if (ndiv_tcp_parse(&h.f, &rx, 0)) {
		KTAP_EXPECT(0);
		hf_free(&h);
		return -1;
	}
	if (pay_from_rx) {
		out->payload = h.f.data + rx.pay_off;
		out->payload_len = rx.pay_len;
	}
	if (out->payload && out->payload_len)
		memcpy(pay, out->payload, out->payload_len);
	ret = ndiv_tcp_reply(&h.f, &rx, out);
	if (!ret) {
		check_reply(&h, rxf, &rx, out, pay, (uint32_t)len + tail);
	} else {
		KTAP_EXPECT(h.f.len == len && h.f.tailroom == tail);
		KTAP_EXPECT(!memcmp(h.f.data, rxf, len));
	}
	hf_free(&h);
	return ret;
}

static void reply_syn_ack(void)
{
	struct ndiv_tcp_out out;
	struct spec sp;
	int fam, vlan, ipopt;

	for (fam = 4; fam <= 6; fam += 2)
		for (vlan = 0; vlan < 2; vlan++)
			for (ipopt = 0; ipopt <= 40; ipopt += 20) {
				if (fam == 6 && ipopt)
					continue;
				spec_init(&sp, (uint8_t)fam);
				sp.vlan = (uint8_t)vlan;
				sp.tci = 7;
				sp.ipopt_len = (uint8_t)ipopt;
				memcpy(sp.topt, linux_syn_opts, 20);
				sp.topt_len = 20;
				memset(&out, 0, sizeof(out));
				out.flags = NDIV_TCP_SYN | NDIV_TCP_ACK;
				out.seq = 0xdeadbeef;
				out.ack = sp.seq + 1;
				out.window = 65535;
				out.opts = NDIV_TCP_OPT_MSS | NDIV_TCP_OPT_SACK_PERM |
					   NDIV_TCP_OPT_TS | NDIV_TCP_OPT_WSCALE;
				out.mss = 1460;
				out.wscale = 14;
				out.tsval = 1;
				out.tsecr = 0xaabbccdd;
				/* a SYN-ACK fits where the SYN was */
				KTAP_EXPECT(reply_case(&sp, 0, &out, 0) == 0);
			}
}

static void reply_every_option_set(void)
{
	struct ndiv_tcp_out out;
	struct spec sp;
	unsigned int mask;

	for (mask = 0; mask < 16; mask++) {
		spec_init(&sp, (uint8_t)(mask & 1 ? 6 : 4));
		memset(&out, 0, sizeof(out));
		out.flags = NDIV_TCP_ACK;
		out.opts = (uint8_t)mask;
		out.mss = (uint16_t)(1000 + mask);
		out.wscale = (uint8_t)(mask % 15);
		out.tsval = mask * 7;
		out.tsecr = ~mask;
		out.ttl = (uint8_t)(mask * 16 + 1);
		KTAP_EXPECT(reply_case(&sp, 64, &out, 0) == 0);
	}
}

static void reply_data(void)
{
	static const char body[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	static const uint8_t req[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	static uint8_t big[1400];
	struct ndiv_tcp_out out;
	struct spec sp;
	int fam, ipopt;

	for (fam = 4; fam <= 6; fam += 2)
		for (ipopt = 0; ipopt <= 40; ipopt += 40) {
			if (fam == 6 && ipopt)
				continue;
			spec_init(&sp, (uint8_t)fam);
			sp.ipopt_len = (uint8_t)ipopt;
			sp.flags = NDIV_TCP_ACK | NDIV_TCP_PSH;
			sp.pay = req;
			sp.pay_len = sizeof(req) - 1;
			memset(&out, 0, sizeof(out));
			out.flags = NDIV_TCP_ACK | NDIV_TCP_PSH | NDIV_TCP_FIN;
			out.seq = 1;
			out.ack = sp.seq + sp.pay_len;
			out.opts = NDIV_TCP_OPT_TS;
			out.payload = body;
			out.payload_len = sizeof(body) - 1;
			/* grows, unless 40 bytes of IP options go */
			KTAP_EXPECT(reply_case(&sp, 0, &out, 0) ==
				    (ipopt ? 0 : -NDIV_PKT_E_NOSPACE));
			KTAP_EXPECT(reply_case(&sp, 64, &out, 0) == 0);
			/* echo the request: payload overlaps the frame */
			KTAP_EXPECT(reply_case(&sp, 16, &out, 1) == 0);
			out.opts = 0;
			KTAP_EXPECT(reply_case(&sp, 0, &out, 1) == 0);
			/* shrinks: a bare FIN-ACK */
			out.payload_len = 0;
			out.flags = NDIV_TCP_FIN | NDIV_TCP_ACK;
			KTAP_EXPECT(reply_case(&sp, 0, &out, 0) == 0);
			/* exactly the tailroom needed, then one byte short */
			memset(big, 'x', sizeof(big));
			out.payload = big;
			out.payload_len = sizeof(big);
			out.opts = NDIV_TCP_OPT_TS;
			KTAP_EXPECT(reply_case(&sp, 1412 - ipopt - sp.pay_len,
					       &out, 0) == 0);
			KTAP_EXPECT(reply_case(&sp, 1411 - ipopt - sp.pay_len,
					       &out, 0) == -NDIV_PKT_E_NOSPACE);
		}
}

static void reply_invalid(void)
{
	static uint8_t huge[65536];
	struct ndiv_tcp_out out;
	struct spec sp;

	spec_init(&sp, 4);
	memset(&out, 0, sizeof(out));
	out.opts = NDIV_TCP_OPT_WSCALE;
	out.wscale = 15;
	KTAP_EXPECT(reply_case(&sp, 64, &out, 0) == -NDIV_PKT_E_INVAL);
	out.opts = NDIV_TCP_OPT_SACK;
	KTAP_EXPECT(reply_case(&sp, 64, &out, 0) == -NDIV_PKT_E_INVAL);
	out.opts = 0;
	out.payload_len = 1;
	KTAP_EXPECT(reply_case(&sp, 64, &out, 0) == -NDIV_PKT_E_INVAL);
	/* the 16-bit IP length: 65535 - 40 fits IPv4, one more does not */
	out.payload = huge;
	out.payload_len = 65535 - 40;
	KTAP_EXPECT(reply_case(&sp, 70000, &out, 0) == 0);
	out.payload_len++;
	KTAP_EXPECT(reply_case(&sp, 70000, &out, 0) == -NDIV_PKT_E_INVAL);
	spec_init(&sp, 6);
	out.payload_len = 65535 - 20;
	KTAP_EXPECT(reply_case(&sp, 70000, &out, 0) == 0);
	out.payload_len++;
	KTAP_EXPECT(reply_case(&sp, 70000, &out, 0) == -NDIV_PKT_E_INVAL);
}

/* RST for rx per RFC 9293 3.10.7.1; returns the parsed reply. */
static int reset_case(const struct spec *sp, struct ndiv_tcp_seg *r)
{
	size_t len = build(sp);
	struct ndiv_tcp_seg rx;
	struct hf h;
	int ret;

	hf_init(&h, stage, len, 0);
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &rx, 0) == 0);
	ret = ndiv_tcp_reset(&h.f, &rx);
	if (!ret) {
		KTAP_EXPECT(ndiv_tcp_parse(&h.f, r, 0) == 0);
		KTAP_EXPECT(r->sport == 80 && r->dport == 40000);
		KTAP_EXPECT(r->pay_len == 0 && r->hdr_len == 20);
		KTAP_EXPECT(r->window == 0);
	}
	hf_free(&h);
	return ret;
}

static void reset_segments(void)
{
	static const uint8_t pay[100];
	struct ndiv_tcp_seg r;
	struct spec sp;

	spec_init(&sp, 4);
	sp.flags = NDIV_TCP_ACK | NDIV_TCP_PSH;
	sp.ack = 0x12345678;
	sp.pay = pay;
	sp.pay_len = 100;
	KTAP_EXPECT(reset_case(&sp, &r) == 0);
	KTAP_EXPECT(r.flags == NDIV_TCP_RST && r.seq == 0x12345678);
	KTAP_EXPECT(r.ack == 0);

	spec_init(&sp, 6);
	sp.seq = 0xffffffff;		/* SEG.SEQ + 1 wraps */
	memcpy(sp.topt, linux_syn_opts, 20);
	sp.topt_len = 20;
	KTAP_EXPECT(reset_case(&sp, &r) == 0);
	KTAP_EXPECT(r.flags == (NDIV_TCP_RST | NDIV_TCP_ACK));
	KTAP_EXPECT(r.seq == 0 && r.ack == 0 && !r.opt.present);

	spec_init(&sp, 4);
	sp.flags = NDIV_TCP_FIN;
	sp.pay = pay;
	sp.pay_len = 100;
	KTAP_EXPECT(reset_case(&sp, &r) == 0);
	KTAP_EXPECT(r.ack == sp.seq + 101);

	sp.flags = NDIV_TCP_RST | NDIV_TCP_ACK;
	KTAP_EXPECT(reset_case(&sp, &r) == -NDIV_PKT_E_INVAL);
}

/* The stripped tag is not re-inserted: the flag stays for the caller. */
static void reply_vlan_stripped(void)
{
	struct ndiv_tcp_out out;
	struct ndiv_tcp_seg rx, s;
	struct spec sp;
	struct hf h;
	size_t len;

	spec_init(&sp, 4);
	len = build(&sp);
	hf_init(&h, stage, len, 0);
	h.f.flags = NDIV_F_VLAN_STRIPPED;
	h.f.vlan_tci = 5;
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &rx, 0) == 0);
	memset(&out, 0, sizeof(out));
	out.flags = NDIV_TCP_SYN | NDIV_TCP_ACK;
	KTAP_EXPECT(ndiv_tcp_reply(&h.f, &rx, &out) == 0);
	KTAP_EXPECT(h.f.flags == NDIV_F_VLAN_STRIPPED && h.f.vlan_tci == 5);
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &s, 0) == 0);
	KTAP_EXPECT(s.vlan == NDIV_VLAN_STRIPPED && s.vlan_tci == 5);
	hf_free(&h);
}

/* Random frames and replies: the reply always re-parses as asked. */
static void reply_random(void)
{
	static uint8_t pay[600];
	struct ndiv_tcp_out out;
	struct spec sp;
	unsigned int i;
	uint32_t r, tail;
	int ret;

	for (i = 0; i < 3000; i++) {
		r = rnd();
		spec_init(&sp, (uint8_t)(r & 1 ? 6 : 4));
		sp.vlan = (uint8_t)(r >> 1 & 1);
		sp.ipopt_len = sp.family == 4 ? (uint8_t)((r >> 2 & 7) * 4) : 0;
		sp.topt_len = (uint8_t)make_opts(sp.topt, r >> 5 & 0x3f,
						 1 + (r >> 11 & 3), r >> 13 & 1);
		sp.seq = rnd();
		sp.ack = rnd();
		sp.flags = (uint8_t)rnd();
		sp.pay_len = rnd() % 200;
		sp.pay = pay;
		sp.pad = (r >> 14 & 1) * 5;
		rnd_fill(pay, sizeof(pay));
		memset(&out, 0, sizeof(out));
		out.flags = (uint8_t)rnd();
		out.seq = rnd();
		out.ack = rnd();
		out.window = (uint16_t)rnd();
		out.opts = (uint8_t)(rnd() & 0xf);
		out.mss = (uint16_t)rnd();
		out.wscale = (uint8_t)(rnd() % 15);
		out.tsval = rnd();
		out.tsecr = rnd();
		out.ttl = (uint8_t)rnd();
		out.payload = pay + 100;
		out.payload_len = rnd() % 500;
		tail = rnd() % 600;
		ret = reply_case(&sp, tail, &out, (r >> 15 & 3) == 0);
		KTAP_EXPECT(ret == 0 || ret == -NDIV_PKT_E_NOSPACE);
	}
}

static void error_names(void)
{
	int i, j;

	for (i = 0; i < NDIV_PKT_E_NR; i++) {
		KTAP_EXPECT(ndiv_pkt_strerror(-i) &&
			    strcmp(ndiv_pkt_strerror(-i), "unknown"));
		for (j = 0; j < i; j++)
			KTAP_EXPECT(strcmp(ndiv_pkt_strerror(-i),
					   ndiv_pkt_strerror(-j)));
	}
	KTAP_EXPECT(!strcmp(ndiv_pkt_strerror(1), "unknown"));
	KTAP_EXPECT(!strcmp(ndiv_pkt_strerror(-NDIV_PKT_E_NR), "unknown"));
	KTAP_EXPECT(!strcmp(ndiv_pkt_strerror(-NDIV_PKT_E_BAD_CSUM_L4),
			    "bad_csum_l4"));
}

/* Parse len bytes of stage; the result, and in have what is known. */
static unsigned int have;

static int parse_have(size_t len, struct ndiv_tcp_seg *s)
{
	struct hf h;
	int ret;

	hf_init(&h, stage, len, 0);
	ret = ndiv_tcp_parse(&h.f, s, 0);
	have = ret ? ndiv_tcp_whose(&h.f, s) : ~0u;
	hf_free(&h);
	return ret;
}

/*
 * A refused segment still says whose it is, so that an app can count a
 * broken segment to its own address and port and pass everything else;
 * a later fragment's payload is never read as ports.
 */
static void refused_segments_say_whose(void)
{
	struct ndiv_tcp_seg s;
	struct spec sp;
	size_t len;

	spec_init(&sp, 4);
	len = build(&sp);
	/* truncated by the IP length: addresses and ports known */
	KTAP_EXPECT(parse_have(len - 4, &s) == -NDIV_PKT_E_TRUNCATED);
	KTAP_EXPECT(have == (NDIV_TCP_HAVE_ADDR | NDIV_TCP_HAVE_PORTS));
	KTAP_EXPECT(s.dport == 80 && s.family == 4 && s.l4_off == 34);
	/* a bad IP header checksum: the same */
	stage[14 + 10] ^= 1;
	KTAP_EXPECT(parse_have(len, &s) == -NDIV_PKT_E_BAD_CSUM_IP);
	KTAP_EXPECT(have == (NDIV_TCP_HAVE_ADDR | NDIV_TCP_HAVE_PORTS));
	/* a later fragment whose data bytes 2-3 read as port 80: no ports */
	len = build(&sp);
	put16(stage + 14 + 6, 0x0010);		/* offset 128 bytes */
	refresh_ip4(stage + 14);
	KTAP_EXPECT(parse_have(len, &s) == -NDIV_PKT_E_FRAGMENT);
	KTAP_EXPECT(have == NDIV_TCP_HAVE_ADDR);
	/* a first fragment: its ports are real, the segment still refused */
	put16(stage + 14 + 6, 0x2000);		/* MF, offset 0 */
	refresh_ip4(stage + 14);
	KTAP_EXPECT(parse_have(len, &s) == -NDIV_PKT_E_FRAGMENT);
	KTAP_EXPECT(have == (NDIV_TCP_HAVE_ADDR | NDIV_TCP_HAVE_PORTS));
	/* the IP header itself cut: nothing known */
	KTAP_EXPECT(parse_have(14 + 19, &s) == -NDIV_PKT_E_TRUNCATED);
	KTAP_EXPECT(have == 0);
	/* IPv6 with a Hop-by-Hop header: its bytes are not ports */
	spec_init(&sp, 6);
	len = build(&sp);
	stage[14 + 6] = 0;
	KTAP_EXPECT(parse_have(len, &s) == -NDIV_PKT_E_EXT_HDR);
	KTAP_EXPECT(have == NDIV_TCP_HAVE_ADDR);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(parse_linux_syn),
		KTAP_CASE(parse_data_segment),
		KTAP_CASE(parse_option_combinations),
		KTAP_CASE(malformed_options),
		KTAP_CASE(truncations),
		KTAP_CASE(checksums),
		KTAP_CASE(vlan_tags),
		KTAP_CASE(ip4_header_checks),
		KTAP_CASE(ip6_header_checks),
		KTAP_CASE(tcp_header_checks),
		KTAP_CASE(non_unicast),
		KTAP_CASE(ethernet_padding),
		KTAP_CASE(reply_syn_ack),
		KTAP_CASE(reply_every_option_set),
		KTAP_CASE(reply_data),
		KTAP_CASE(reply_invalid),
		KTAP_CASE(reset_segments),
		KTAP_CASE(reply_vlan_stripped),
		KTAP_CASE(reply_random),
		KTAP_CASE(error_names),
		KTAP_CASE(refused_segments_say_whose),
	};

	ktap_run(cases, ARRAY_SIZE(cases));
	return ktap_finish();
}
