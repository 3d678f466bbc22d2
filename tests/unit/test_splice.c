// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the splice (ndiv/lib/splice.c). A segment is described
 * by a struct seg whose options are composed here with their positions
 * noted; the expected translation is computed on that description (not
 * on the frame) and built into a second frame with checksums computed in
 * full. After every rewrite the frame must equal that one byte for byte,
 * both checksums must verify by a full recompute, and the segment must
 * parse back to the values the rewrite left in its struct ndiv_tcp_seg.
 * Frames sit in exactly sized heap buffers, so ASan sees any access past
 * their end.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/csum.h>
#include <ndiv/splice.h>

#include "ktap.h"
#include "rnd.h"

#define VLAN_NONE	0
#define VLAN_INFRAME	1
#define VLAN_STRIPPED	2

/* A segment; the options are opt_len bytes, where each one is noted. */
struct seg {
	uint8_t family, vlan, ipopt_len;
	uint8_t dmac[6], smac[6];
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint8_t opt[40];
	uint8_t opt_len;
	uint8_t mss_at, ts_at, sack_at, nr_sack;	/* from the TCP header */
	uint16_t pay_len;
};

static uint8_t payload[1500];

static const uint8_t mac_c[6] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t mac_p[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t ip4_c[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_p[4] = { 198, 18, 0, 2 };
static const uint8_t ip4_b[4] = { 198, 19, 1, 10 };
static const uint8_t ip6_c[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t ip6_p[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 10 };

static uint32_t alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/*
 * MACs and addresses of one way, the v4 or v6 ones as family says: mac
 * is a destination MAC followed by the source's, addr a source address
 * followed by the destination's, in struct seg as in the descriptor.
 */
_Static_assert(offsetof(struct seg, smac) == offsetof(struct seg, dmac) + 6 &&
	       offsetof(struct seg, daddr) == offsetof(struct seg, saddr) + 16 &&
	       offsetof(struct ndiv_splice_dir, smac) == 6 &&
	       offsetof(struct ndiv_splice_dir, daddr) ==
	       offsetof(struct ndiv_splice_dir, saddr) + 16,
	       "put_ends() writes both MACs and both addresses at once");

static void put_ends(uint8_t *mac, uint8_t *addr, uint8_t family,
		     const uint8_t *dmac, const uint8_t *smac,
		     const uint8_t *const a4[2], const uint8_t *const a6[2])
{
	const uint8_t *const *a = family == 4 ? a4 : a6;

	memcpy(mac, dmac, 6);
	memcpy(mac + 6, smac, 6);
	memcpy(addr, a[0], alen(family));
	memcpy(addr + 16, a[1], alen(family));
}

/* A client's segment to the proxy: ACK, no options, no payload. */
static void seg_init(struct seg *sg, uint8_t family)
{
	static const uint8_t *const a4[2] = { ip4_c, ip4_p };
	static const uint8_t *const a6[2] = { ip6_c, ip6_p };

	memset(sg, 0, sizeof(*sg));
	sg->family = family;
	put_ends(sg->dmac, sg->saddr, family, mac_p, mac_c, a4, a6);
	sg->sport = 40000;
	sg->dport = 80;
	sg->seq = 0x10000001;
	sg->ack = 0x20000001;
	sg->flags = NDIV_TCP_ACK;
	sg->win = 502;
}

/* Option composer: each returns 0 when the option does not fit. */
static uint8_t *opt_room(struct seg *sg, uint32_t n)
{
	uint8_t *p;

	if (sg->opt_len + n > 40)
		return NULL;
	p = sg->opt + sg->opt_len;
	sg->opt_len += n;
	return p;
}

static int opt_nop(struct seg *sg)
{
	uint8_t *p = opt_room(sg, 1);

	if (p)
		p[0] = 1;
	return !!p;
}

static int opt_mss(struct seg *sg, uint16_t mss)
{
	uint8_t at = 20 + sg->opt_len, *p = opt_room(sg, 4);

	if (!p)
		return 0;
	p[0] = 2;
	p[1] = 4;
	ndiv_put_be16(p + 2, mss);
	sg->mss_at = at;
	return 1;
}

static int opt_ws(struct seg *sg, uint8_t shift)
{
	uint8_t *p = opt_room(sg, 3);

	if (!p)
		return 0;
	p[0] = 3;
	p[1] = 3;
	p[2] = shift;
	return 1;
}

static int opt_sack_perm(struct seg *sg)
{
	uint8_t *p = opt_room(sg, 2);

	if (!p)
		return 0;
	p[0] = 4;
	p[1] = 2;
	return 1;
}

static int opt_ts(struct seg *sg, uint32_t val, uint32_t ecr)
{
	uint8_t at = 20 + sg->opt_len, *p = opt_room(sg, 10);

	if (!p)
		return 0;
	p[0] = 8;
	p[1] = 10;
	ndiv_put_be32(p + 2, val);
	ndiv_put_be32(p + 6, ecr);
	sg->ts_at = at;
	return 1;
}

/* n blocks of edges e[2i], e[2i + 1] */
static int opt_sack(struct seg *sg, const uint32_t *e, uint32_t n)
{
	uint8_t at = 20 + sg->opt_len, *p = opt_room(sg, 2 + 8 * n);
	uint32_t i;

	if (!p)
		return 0;
	p[0] = 5;
	p[1] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < 2 * n; i++)
		ndiv_put_be32(p + 2 + 4 * i, e[i]);
	sg->sack_at = at;
	sg->nr_sack = (uint8_t)n;
	return 1;
}

/* An option the library does not know, len >= 2, content from fill. */
static int opt_other(struct seg *sg, uint8_t kind, uint8_t len, uint8_t fill)
{
	uint8_t *p = opt_room(sg, len);
	uint32_t i;

	if (!p)
		return 0;
	p[0] = kind;
	p[1] = len;
	for (i = 2; i < len; i++)
		p[i] = (uint8_t)(fill + i);
	return 1;
}

/* Pad with End of Option List to a multiple of 4. */
static void opt_end(struct seg *sg)
{
	while (sg->opt_len % 4)
		sg->opt[sg->opt_len++] = 0;
}

static uint32_t seg_l3(const struct seg *sg)
{
	return sg->vlan == VLAN_INFRAME ? 18 : 14;
}

static uint32_t seg_iph(const struct seg *sg)
{
	return sg->family == 4 ? 20u + sg->ipopt_len : 40u;
}

static uint32_t seg_l4len(const struct seg *sg)
{
	return 20u + sg->opt_len + sg->pay_len;
}

static uint32_t seg_len(const struct seg *sg)
{
	return seg_l3(sg) + seg_iph(sg) + seg_l4len(sg);
}

/* The TCP checksum in full: pseudo-header, header and payload. */
static uint32_t l4_sum(uint8_t family, const uint8_t *sa, const uint8_t *da,
		       const uint8_t *th, uint32_t len)
{
	uint32_t sum = family == 4 ?
		ndiv_csum_pseudo4(sa, da, NDIV_IPPROTO_TCP, (uint16_t)len) :
		ndiv_csum_pseudo6(sa, da, NDIV_IPPROTO_TCP, len);

	return ndiv_csum_add(th, len, sum);
}

static void build_ip(const struct seg *sg, uint8_t *ip)
{
	uint32_t iph = seg_iph(sg), l4len = seg_l4len(sg);

	if (sg->family == 6) {
		ndiv_put_be32(ip, 0x6000abcd);
		ndiv_put_be16(ip + 4, (uint16_t)l4len);
		ip[6] = NDIV_IPPROTO_TCP;
		ip[7] = 61;
		memcpy(ip + 8, sg->saddr, 16);
		memcpy(ip + 24, sg->daddr, 16);
		return;
	}
	ip[0] = (uint8_t)(0x40 | iph / 4);
	ip[1] = 0x02;	/* ECT(0), left as it is */
	ndiv_put_be16(ip + 2, (uint16_t)(iph + l4len));
	ndiv_put_be16(ip + 4, 0x4321);
	ndiv_put_be16(ip + 6, NDIV_IP4_DF);
	ip[8] = 61;
	ip[9] = NDIV_IPPROTO_TCP;
	memcpy(ip + 12, sg->saddr, 4);
	memcpy(ip + 16, sg->daddr, 4);
	memset(ip + 20, 1, sg->ipopt_len);	/* IPv4 NOP options */
	ndiv_put_be16(ip + 10, ndiv_csum_ip4_hdr(ip, iph));
}

/* The frame sg describes, checksums computed in full, into p. */
static uint32_t build(const struct seg *sg, uint8_t *p)
{
	uint32_t l3 = seg_l3(sg), l4len = seg_l4len(sg);
	uint8_t *ip = p + l3, *th = ip + seg_iph(sg);

	memcpy(p, sg->dmac, 6);
	memcpy(p + 6, sg->smac, 6);
	if (sg->vlan == VLAN_INFRAME) {
		ndiv_put_be16(p + 12, NDIV_ETH_P_8021Q);
		ndiv_put_be16(p + 14, 0x2064);
	}
	ndiv_put_be16(p + l3 - 2, sg->family == 4 ? NDIV_ETH_P_IP :
			NDIV_ETH_P_IPV6);
	build_ip(sg, ip);
	ndiv_put_be16(th, sg->sport);
	ndiv_put_be16(th + 2, sg->dport);
	ndiv_put_be32(th + 4, sg->seq);
	ndiv_put_be32(th + 8, sg->ack);
	th[12] = (uint8_t)((20 + sg->opt_len) / 4 << 4);
	th[13] = sg->flags;
	ndiv_put_be16(th + 14, sg->win);
	ndiv_put_be16(th + 16, 0);
	ndiv_put_be16(th + 18, 0x0102);	/* urgent pointer, left as it is */
	memcpy(th + 20, sg->opt, sg->opt_len);
	memcpy(th + 20 + sg->opt_len, payload, sg->pay_len);
	ndiv_put_be16(th + 16, ndiv_csum_fold(l4_sum(sg->family, sg->saddr,
						     sg->daddr, th, l4len)));
	return seg_len(sg);
}

/* The window the receiver must see, by a route other than splice.c's. */
static uint16_t expect_window(uint16_t w, uint8_t in, uint8_t out)
{
	uint64_t bytes = (uint64_t)w << in, v = bytes >> out;

	if (v << out < bytes)
		v++;
	return v > 0xffff ? 0xffff : (uint16_t)v;
}

static void add_be32(uint8_t *p, uint32_t off)
{
	ndiv_put_be32(p, ndiv_get_be32(p) + off);
}

/* What sg must become: splice.h's rules applied to the description. */
static void expect_seg(struct seg *sg, const struct ndiv_splice_dir *d)
{
	uint8_t *o = sg->opt - 20;	/* indexed from the TCP header */
	uint32_t i;

	memcpy(sg->dmac, d->dmac, 6);
	memcpy(sg->smac, d->smac, 6);
	memcpy(sg->saddr, d->saddr, alen(sg->family));
	memcpy(sg->daddr, d->daddr, alen(sg->family));
	sg->sport = d->sport;
	sg->dport = d->dport;
	sg->seq += d->seq_off;
	if (sg->flags & NDIV_TCP_ACK)
		sg->ack += d->ack_off;
	if (!(sg->flags & NDIV_TCP_SYN))
		sg->win = expect_window(sg->win, d->wscale_in, d->wscale_out);
	if (sg->mss_at && (sg->flags & NDIV_TCP_SYN) && d->mss_clamp &&
	    ndiv_get_be16(o + sg->mss_at + 2) > d->mss_clamp)
		ndiv_put_be16(o + sg->mss_at + 2, d->mss_clamp);
	if (sg->ts_at) {
		add_be32(o + sg->ts_at + 2, d->tsval_off);
		if (sg->flags & NDIV_TCP_ACK)
			add_be32(o + sg->ts_at + 6, d->tsecr_off);
	}
	for (i = 0; sg->sack_at && i < 2u * sg->nr_sack; i++)
		add_be32(o + sg->sack_at + 2 + 4 * i, d->ack_off);
}

/* Both checksums of the frame at p verify by a full recompute. */
static int csums_ok(const uint8_t *p, const struct ndiv_tcp_seg *s)
{
	const uint8_t *ip = p + s->l3_off;
	uint32_t ihl = (ip[0] & 0xf) * 4u;

	if (s->family == 4 && ndiv_csum_fold(ndiv_csum_add(ip, ihl, 0)))
		return 0;
	return !ndiv_csum_fold(l4_sum(s->family, s->saddr, s->daddr,
				      p + s->l4_off, s->l4_len));
}

/* Everything the rewrite says about the segment is what the frame says. */
static int seg_matches(const struct ndiv_tcp_seg *a,
		       const struct ndiv_tcp_seg *b)
{
	const struct ndiv_tcp_opts *x = &a->opt, *y = &b->opt;

	return a->sport == b->sport && a->dport == b->dport &&
	       a->seq == b->seq && a->ack == b->ack && a->flags == b->flags &&
	       a->window == b->window && a->pay_len == b->pay_len &&
	       x->present == y->present && x->mss == y->mss &&
	       x->tsval == y->tsval && x->tsecr == y->tsecr &&
	       x->nr_sack == y->nr_sack &&
	       !memcmp(x->sack, y->sack, sizeof(x->sack[0]) * x->nr_sack);
}

/* A frame in a heap buffer of exactly its length. */
struct hf {
	uint8_t *mem;
	struct ndiv_frame f;
};

static void hf_init(struct hf *h, const struct seg *sg)
{
	static uint8_t stage[2048];
	uint32_t len = build(sg, stage);

	h->mem = malloc(len);
	if (!h->mem)
		abort();
	memcpy(h->mem, stage, len);
	memset(&h->f, 0, sizeof(h->f));
	h->f.data = h->mem;
	h->f.len = len;
	if (sg->vlan == VLAN_STRIPPED) {
		h->f.flags = NDIV_F_VLAN_STRIPPED;
		h->f.vlan_tci = 0x0123;
	}
}

/*
 * Rewrite sg's frame with d and check it against the expected one; out
 * gets the rewritten segment when asked. Returns the rewrite's result.
 */
static int run(const struct seg *sg, const struct ndiv_splice_dir *d,
	       struct ndiv_tcp_seg *out)
{
	static uint8_t want[2048];
	struct ndiv_tcp_seg s, back;
	struct seg exp = *sg;
	struct hf h;
	int ret;

	hf_init(&h, sg);
	ret = ndiv_tcp_parse(&h.f, &s, 0);
	KTAP_EXPECT(ret == 0);
	if (ret)
		goto out;
	ret = ndiv_splice_rewrite(&h.f, &s, d);
	if (ret)
		goto out;
	expect_seg(&exp, d);
	KTAP_EXPECT(h.f.len == build(&exp, want));
	KTAP_EXPECT(!memcmp(h.mem, want, h.f.len));
	KTAP_EXPECT(csums_ok(h.mem, &s));
	KTAP_EXPECT(!memcmp(s.saddr, d->saddr, alen(sg->family)));
	KTAP_EXPECT(!memcmp(s.daddr, d->daddr, alen(sg->family)));
	KTAP_EXPECT(h.f.flags == (sg->vlan == VLAN_STRIPPED ?
				  NDIV_F_VLAN_STRIPPED : 0u));
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &back, 0) == 0);
	KTAP_EXPECT(seg_matches(&s, &back));
	if (out) {
		*out = s;
		/* they point into the frame, freed below */
		out->saddr = NULL;
		out->daddr = NULL;
	}
out:
	free(h.mem);
	return ret;
}

/* The backend direction of a v4 or v6 flow, with the offsets given. */
static void dir_init(struct ndiv_splice_dir *d, uint8_t family,
		     uint32_t seq_off, uint32_t ack_off)
{
	static const uint8_t *const a4[2] = { ip4_p, ip4_b };
	static const uint8_t *const a6[2] = { ip6_p, ip6_b };

	memset(d, 0, sizeof(*d));
	d->family = family;
	put_ends(d->dmac, d->saddr, family, mac_b, mac_p, a4, a6);
	d->sport = 61001;
	d->dport = 8080;
	d->seq_off = seq_off;
	d->ack_off = ack_off;
	d->tsval_off = 0x01000000;
	d->tsecr_off = 0xfff00000;
	d->wscale_in = 7;
	d->wscale_out = 7;
}

static void families_and_vlans(void)
{
	struct ndiv_splice_dir d;
	struct seg sg;
	int fam, vlan, ipopt;

	for (fam = 4; fam <= 6; fam += 2) {
		for (vlan = VLAN_NONE; vlan <= VLAN_STRIPPED; vlan++) {
			for (ipopt = 0; ipopt <= (fam == 4 ? 8 : 0); ipopt += 8) {
				seg_init(&sg, (uint8_t)fam);
				sg.vlan = (uint8_t)vlan;
				sg.ipopt_len = (uint8_t)ipopt;
				sg.flags |= NDIV_TCP_PSH;
				opt_nop(&sg);
				opt_nop(&sg);
				opt_ts(&sg, 1000, 2000);
				sg.pay_len = 101;
				dir_init(&d, (uint8_t)fam, 0x12345678, 0x9abcdef0);
				KTAP_EXPECT(run(&sg, &d, NULL) == 0);
			}
		}
	}
}

/* Options for mask: bit 0 MSS, 1 WS, 2 SACK-Permitted, 3 TS, 4 other. */
static int compose(struct seg *sg, unsigned int mask, uint32_t nr_sack,
		   int aligned)
{
	static const uint32_t edges[8] = {
		0x20000100, 0x20000200, 0x20000300, 0x20000400,
		0x20000500, 0x20000600, 0x20000700, 0x20000800,
	};
	int ok = 1;

	if (mask & 1)
		ok &= opt_mss(sg, 1460);
	if (mask & 2)
		ok &= (aligned ? opt_nop(sg) : 1) && opt_ws(sg, 7);
	if (mask & 4)
		ok &= (aligned ? opt_nop(sg) && opt_nop(sg) : 1) &&
		      opt_sack_perm(sg);
	if (mask & 8)
		ok &= (aligned ? opt_nop(sg) && opt_nop(sg) : 1) &&
		      opt_ts(sg, 0xfedcba98, 0x01234567);
	if (mask & 16)
		ok &= opt_other(sg, 30, 6, 0x40);	/* as MPTCP's kind */
	if (nr_sack)
		ok &= (aligned ? opt_nop(sg) && opt_nop(sg) : 1) &&
		      opt_sack(sg, edges, nr_sack);
	opt_end(sg);
	return ok;
}

/* Every combination, SYN and not, aligned by NOPs as Linux does or not. */
static void option_combinations(void)
{
	static const uint8_t flags[3] = {
		NDIV_TCP_SYN, NDIV_TCP_SYN | NDIV_TCP_ACK, NDIV_TCP_ACK,
	};
	struct ndiv_splice_dir d;
	unsigned int mask, n, fl, al, runs = 0;
	struct seg sg;
	int fam;

	for (fam = 4; fam <= 6; fam += 2)
	for (mask = 0; mask < 32; mask++)
	for (n = 0; n <= NDIV_TCP_MAX_SACK; n++)
	for (fl = 0; fl < 3; fl++)
	for (al = 0; al < 2; al++) {
		seg_init(&sg, (uint8_t)fam);
		sg.flags = flags[fl];
		if (!compose(&sg, mask, n, al))
			continue;
		dir_init(&d, (uint8_t)fam, 0x80000000, 0x7fffffff);
		d.mss_clamp = 1400;
		d.wscale_out = 9;
		sg.pay_len = (uint16_t)(mask * 3 + n);
		KTAP_EXPECT(run(&sg, &d, NULL) == 0);
		runs++;
	}
	printf("# %u combinations\n", runs);
	KTAP_EXPECT(runs > 600);
}

/* 1-4 blocks; a D-SACK (RFC 2883) first block below the ack. */
static void sack_blocks_and_dsack(void)
{
	uint32_t e[8], i, n, ack_off = 0xa0000000;
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	struct seg sg;

	for (n = 1; n <= NDIV_TCP_MAX_SACK; n++) {
		seg_init(&sg, 6);
		sg.ack = 0x30000000;
		/* D-SACK: a duplicate below the cumulative ack first */
		e[0] = sg.ack - 3000;
		e[1] = sg.ack - 1500;
		for (i = 1; i < n; i++) {
			e[2 * i] = sg.ack + 3000 * i;
			e[2 * i + 1] = sg.ack + 3000 * i + 1448;
		}
		opt_nop(&sg);
		opt_nop(&sg);
		opt_ts(&sg, 5, 6);
		opt_nop(&sg);
		opt_nop(&sg);
		if (!opt_sack(&sg, e, n)) {
			/* 4 blocks leave no room for timestamps */
			seg_init(&sg, 6);
			sg.ack = 0x30000000;
			opt_nop(&sg);
			opt_nop(&sg);
			opt_sack(&sg, e, n);
		}
		opt_end(&sg);
		dir_init(&d, 6, 0, ack_off);
		KTAP_EXPECT(run(&sg, &d, &s) == 0);
		KTAP_EXPECT(s.opt.nr_sack == n);
		for (i = 0; i < n; i++) {
			KTAP_EXPECT(s.opt.sack[i].start == e[2 * i] + ack_off);
			KTAP_EXPECT(s.opt.sack[i].end == e[2 * i + 1] + ack_off);
		}
		/* still a D-SACK: below the translated ack, same distance */
		KTAP_EXPECT(s.ack - s.opt.sack[0].start == 3000);
	}
}

/* Sequence numbers, acks, SACK edges and timestamps across 2^32. */
static void sequence_wrap(void)
{
	const uint32_t e[4] = { 0xfffffff0, 0x00000010, 0x00000100, 0x200 };
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	struct seg sg;

	seg_init(&sg, 4);
	sg.seq = 0xffffff00;
	sg.ack = 0x00000010;
	opt_nop(&sg);
	opt_nop(&sg);
	opt_ts(&sg, 0xfffffffe, 0x00000001);
	opt_nop(&sg);
	opt_nop(&sg);
	opt_sack(&sg, e, 2);
	opt_end(&sg);
	sg.pay_len = 1000;	/* the payload itself spans the wrap */
	dir_init(&d, 4, 0x200, 0u - 0x20);
	d.tsval_off = 3;
	d.tsecr_off = 0u - 2;
	KTAP_EXPECT(run(&sg, &d, &s) == 0);
	KTAP_EXPECT(s.seq == 0x00000100);
	KTAP_EXPECT(s.ack == 0xfffffff0);
	KTAP_EXPECT(s.opt.sack[0].start == 0xffffffd0);
	KTAP_EXPECT(s.opt.sack[0].end == 0xfffffff0);
	KTAP_EXPECT(s.opt.sack[1].start == 0xe0 && s.opt.sack[1].end == 0x1e0);
	KTAP_EXPECT(s.opt.tsval == 1 && s.opt.tsecr == 0xffffffff);
}

struct win_case {
	uint16_t w;
	uint8_t in, out, flags;
	uint16_t want;
};

/* Shift up and down, clamping, rounding up, zero and the SYN's window. */
static void window_rescale(void)
{
	static const struct win_case cases[] = {
		{ 1000, 7, 7, NDIV_TCP_ACK, 1000 },	/* same shift */
		{ 100, 3, 0, NDIV_TCP_ACK, 800 },	/* down to 0 */
		{ 0x2000, 3, 0, NDIV_TCP_ACK, 0xffff },	/* clamped */
		{ 0xffff, 14, 0, NDIV_TCP_ACK, 0xffff },
		{ 0xffff, 0, 14, NDIV_TCP_ACK, 4 },	/* up to 14 */
		{ 512, 2, 9, NDIV_TCP_ACK, 4 },		/* exact */
		{ 513, 2, 9, NDIV_TCP_ACK, 5 },		/* rounded up */
		{ 1, 0, 14, NDIV_TCP_ACK, 1 },		/* nonzero stays */
		{ 1, 0, 1, NDIV_TCP_ACK, 1 },
		{ 0, 0, 14, NDIV_TCP_ACK, 0 },		/* zero stays */
		{ 0, 14, 0, NDIV_TCP_ACK, 0 },
		{ 65535, 7, 8, NDIV_TCP_ACK, 32768 },
		{ 65535, 8, 7, NDIV_TCP_ACK, 0xffff },
		{ 64240, 0, 7, NDIV_TCP_SYN | NDIV_TCP_ACK, 64240 },
		{ 64240, 7, 0, NDIV_TCP_SYN, 64240 },	/* never scaled */
	};
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	struct seg sg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		seg_init(&sg, i % 2 ? 6 : 4);
		sg.win = cases[i].w;
		sg.flags = cases[i].flags;
		dir_init(&d, sg.family, 1, 2);
		d.wscale_in = cases[i].in;
		d.wscale_out = cases[i].out;
		KTAP_EXPECT(run(&sg, &d, &s) == 0);
		if (s.window != cases[i].want)
			printf("# case %zu: window %u\n", i, s.window);
		KTAP_EXPECT(s.window == cases[i].want);
	}
}

struct mss_case {
	uint8_t flags, odd;
	uint16_t mss, clamp, want;
};

static void mss_clamp(void)
{
	static const struct mss_case cases[] = {
		{ NDIV_TCP_SYN, 0, 1460, 1400, 1400 },
		{ NDIV_TCP_SYN | NDIV_TCP_ACK, 0, 1460, 1400, 1400 },
		{ NDIV_TCP_SYN, 0, 1460, 1500, 1460 },	/* never raised */
		{ NDIV_TCP_SYN, 0, 1460, 0, 1460 },	/* no clamp */
		{ NDIV_TCP_ACK, 0, 1460, 1400, 1460 },	/* not a SYN */
		{ NDIV_TCP_SYN, 1, 8960, 1220, 1220 },	/* at an odd offset */
		{ NDIV_TCP_SYN | NDIV_TCP_ACK, 1, 536, 536, 536 },
	};
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	struct seg sg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		seg_init(&sg, i % 2 ? 4 : 6);
		sg.flags = cases[i].flags;
		if (cases[i].odd)
			opt_nop(&sg);
		opt_mss(&sg, cases[i].mss);
		opt_end(&sg);
		dir_init(&d, sg.family, 5, 6);
		d.mss_clamp = cases[i].clamp;
		KTAP_EXPECT(run(&sg, &d, &s) == 0);
		KTAP_EXPECT(s.opt.mss == cases[i].want);
		KTAP_EXPECT(s.opt.mss_at == (cases[i].odd ? 21 : 20));
	}
}

/* Unknown options pass byte for byte, never dropped nor reflected. */
static void unknown_options_preserved(void)
{
	static const uint32_t e[2] = { 0x20000100, 0x20000200 };
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	uint8_t before[40];
	struct seg sg;
	struct hf h;

	seg_init(&sg, 4);
	opt_other(&sg, 30, 12, 0x11);	/* MPTCP's kind */
	opt_nop(&sg);			/* TS at an odd offset */
	opt_ts(&sg, 77, 88);
	opt_other(&sg, 253, 4, 0x22);	/* RFC 6994 experimental */
	opt_sack(&sg, e, 1);
	opt_other(&sg, 99, 2, 0);
	opt_end(&sg);
	memcpy(before, sg.opt, sg.opt_len);
	dir_init(&d, 4, 0x11111111, 0x22222222);
	KTAP_EXPECT(run(&sg, &d, &s) == 0);
	KTAP_EXPECT(s.opt.present & NDIV_TCP_OPT_OTHER);

	/* the same frame again, looking at the unknown bytes themselves */
	hf_init(&h, &sg);
	KTAP_EXPECT(ndiv_tcp_parse(&h.f, &s, 0) == 0);
	KTAP_EXPECT(ndiv_splice_rewrite(&h.f, &s, &d) == 0);
	KTAP_EXPECT(!memcmp(h.mem + s.l4_off + 20, before, 12));
	KTAP_EXPECT(!memcmp(h.mem + s.l4_off + 43, before + 23, 4));
	KTAP_EXPECT(!memcmp(h.mem + s.l4_off + 57, before + 37, 3));
	free(h.mem);
}

/* Without ACK, the ack field and TSecr mean nothing and stay as they are. */
static void no_ack_fields_kept(void)
{
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s;
	struct seg sg;

	seg_init(&sg, 6);
	sg.flags = NDIV_TCP_SYN;
	sg.ack = 0x12345678;
	opt_mss(&sg, 1460);
	opt_nop(&sg);
	opt_nop(&sg);
	opt_ts(&sg, 1, 0xabcdef01);
	opt_end(&sg);
	dir_init(&d, 6, 10, 20);
	KTAP_EXPECT(run(&sg, &d, &s) == 0);
	KTAP_EXPECT(s.ack == 0x12345678 && s.opt.tsecr == 0xabcdef01);
	KTAP_EXPECT(s.seq == sg.seq + 10 && s.opt.tsval == 1 + d.tsval_off);

	seg_init(&sg, 4);
	sg.flags = NDIV_TCP_RST;
	sg.ack = 0;
	memset(&d, 0, sizeof(d));	/* family 0 */
	KTAP_EXPECT(run(&sg, &d, &s) == -NDIV_PKT_E_INVAL);
	dir_init(&d, 4, 10, 20);
	KTAP_EXPECT(run(&sg, &d, &s) == 0);
	KTAP_EXPECT(s.ack == 0 && s.flags == NDIV_TCP_RST);
}

/* A refused rewrite leaves the frame and the segment as they were. */
static void errors_leave_frame(void)
{
	static const uint32_t e[2] = { 1, 2 };
	struct ndiv_tcp_seg s, copy;
	struct ndiv_splice_dir d;
	uint8_t before[256];
	struct seg sg;
	struct hf h;
	int i;

	seg_init(&sg, 4);
	opt_ts(&sg, 1, 2);
	opt_sack(&sg, e, 1);
	opt_end(&sg);
	for (i = 0; i < 7; i++) {
		hf_init(&h, &sg);
		KTAP_EXPECT(ndiv_tcp_parse(&h.f, &s, 0) == 0);
		memcpy(before, h.mem, h.f.len);
		dir_init(&d, 4, 1, 2);
		if (i == 0)
			d.family = 6;		/* v4 to v6: not this round */
		if (i == 1)
			d.wscale_in = 15;
		if (i == 2)
			d.wscale_out = 200;
		if (i == 3)
			s.opt.ts_at = 21;	/* not where the option is */
		if (i == 4)
			s.opt.sack_at = 58;	/* past the header */
		if (i == 5)
			s.opt.nr_sack = 5;
		if (i == 6)
			h.f.len = s.l4_off + 20;	/* options cut off */
		copy = s;
		KTAP_EXPECT(ndiv_splice_rewrite(&h.f, &s, &d) ==
			    -NDIV_PKT_E_INVAL);
		KTAP_EXPECT(!memcmp(before, h.mem, s.pay_off));
		KTAP_EXPECT(!memcmp(&copy, &s, sizeof(s)));
		free(h.mem);
	}
}

/* A client and a backend, each with its own numbers. */
static void hs_example(struct ndiv_splice_ends *e, struct ndiv_splice_hs *h,
		       uint8_t family)
{
	memset(e, 0, sizeof(*e));
	e->family = family;
	memcpy(e->client_mac, mac_c, 6);
	memcpy(e->backend_mac, mac_b, 6);
	memcpy(e->proxy_mac, mac_p, 6);
	memcpy(e->client, family == 4 ? ip4_c : ip6_c, alen(family));
	memcpy(e->vip, family == 4 ? ip4_p : ip6_p, alen(family));
	memcpy(e->local, family == 4 ? ip4_p : ip6_p, alen(family));
	memcpy(e->backend, family == 4 ? ip4_b : ip6_b, alen(family));
	e->client_port = 40000;
	e->vip_port = 80;
	e->local_port = 61001;
	e->backend_port = 8080;
	memset(h, 0, sizeof(*h));
	h->cisn = 0xfffffff0;		/* wraps within the first bytes */
	h->pisn_c = 0x7a5c0001;		/* the cookie */
	h->pisn_b = 0x00000100;
	h->bisn = 0xc0000000;
	h->ts_client = 1000;
	h->ts_to_b = 0x80000000;
	h->ts_backend = 0xfffffff0;
	h->ts_to_c = 555;
	h->ws_client = 7;
	h->ws_to_c = 9;
	h->ws_to_b = 7;
	h->ws_backend = 10;
	h->mss_clamp = 1400;
}

/*
 * The equations of splice.h, then a request and its answer across the
 * splice: every number each end receives is one it expects.
 */
static void dir_init_equations(void)
{
	struct ndiv_splice_dir c2b, b2c;
	struct ndiv_splice_ends e;
	struct ndiv_splice_hs h;
	struct ndiv_tcp_seg s;
	struct seg sg;
	int fam;

	for (fam = 4; fam <= 6; fam += 2) {
		hs_example(&e, &h, (uint8_t)fam);
		KTAP_EXPECT(ndiv_splice_dir_init(&c2b, &b2c, &e, &h) == 0);
		KTAP_EXPECT(c2b.seq_off == h.pisn_b - h.cisn);
		KTAP_EXPECT(b2c.seq_off == h.pisn_c - h.bisn);
		KTAP_EXPECT(c2b.ack_off == 0u - b2c.seq_off);
		KTAP_EXPECT(b2c.ack_off == 0u - c2b.seq_off);
		KTAP_EXPECT(c2b.tsval_off + b2c.tsecr_off == 0);
		KTAP_EXPECT(b2c.tsval_off + c2b.tsecr_off == 0);
		KTAP_EXPECT(c2b.wscale_in == 7 && c2b.wscale_out == 7);
		KTAP_EXPECT(b2c.wscale_in == 10 && b2c.wscale_out == 9);
		KTAP_EXPECT(c2b.dport == 8080 && b2c.dport == 40000);

		/* the client's request: 100 bytes after its SYN */
		seg_init(&sg, (uint8_t)fam);
		sg.seq = h.cisn + 1;
		sg.ack = h.pisn_c + 1;
		opt_nop(&sg);
		opt_nop(&sg);
		opt_ts(&sg, h.ts_client + 7, h.ts_to_c);
		sg.pay_len = 100;
		KTAP_EXPECT(run(&sg, &c2b, &s) == 0);
		KTAP_EXPECT(s.seq == h.pisn_b + 1 && s.ack == h.bisn + 1);
		KTAP_EXPECT(s.opt.tsval == h.ts_to_b + 7);
		KTAP_EXPECT(s.opt.tsecr == h.ts_backend);

		/* the backend's answer: 200 bytes, acking the 100 */
		seg_init(&sg, (uint8_t)fam);
		memcpy(sg.saddr, e.backend, alen(sg.family));
		memcpy(sg.daddr, e.local, alen(sg.family));
		sg.seq = h.bisn + 1;
		sg.ack = h.pisn_b + 101;
		sg.win = 100;
		opt_nop(&sg);
		opt_nop(&sg);
		opt_ts(&sg, h.ts_backend + 3, h.ts_to_b + 7);
		sg.pay_len = 200;
		KTAP_EXPECT(run(&sg, &b2c, &s) == 0);
		KTAP_EXPECT(s.seq == h.pisn_c + 1 && s.ack == h.cisn + 101);
		KTAP_EXPECT(s.opt.tsval == h.ts_to_c + 3);
		KTAP_EXPECT(s.opt.tsecr == h.ts_client + 7);
		KTAP_EXPECT(s.window == 200);	/* 100 << 10 >> 9 */
		KTAP_EXPECT(s.sport == 80 && s.dport == 40000);
	}
	hs_example(&e, &h, 5);
	KTAP_EXPECT(ndiv_splice_dir_init(&c2b, &b2c, &e, &h) ==
		    -NDIV_PKT_E_INVAL);
	hs_example(&e, &h, 4);
	h.ws_backend = 15;
	KTAP_EXPECT(ndiv_splice_dir_init(&c2b, &b2c, &e, &h) ==
		    -NDIV_PKT_E_INVAL);
}

/* Random options in a random order, with NOPs anywhere; 0 if none fit. */
static void random_opts(struct seg *sg)
{
	uint32_t e[8], i, n = rnd() % 6, k;

	for (i = 0; i < 8; i++)
		e[i] = rnd();
	for (k = 0; k < n; k++) {
		if (rnd() % 3 == 0)
			opt_nop(sg);
		switch (rnd() % 7) {
		case 0:
			opt_mss(sg, (uint16_t)rnd());
			break;
		case 1:
			opt_ws(sg, (uint8_t)(rnd() % 15));
			break;
		case 2:
			opt_sack_perm(sg);
			break;
		case 3:
			if (!sg->ts_at)
				opt_ts(sg, rnd(), rnd());
			break;
		case 4:
			if (!sg->sack_at)
				opt_sack(sg, e, 1 + rnd() % 4);
			break;
		case 5:
			opt_other(sg, (uint8_t)(9 + rnd() % 240), (uint8_t)(2 + rnd() % 10),
				  (uint8_t)rnd());
			break;
		default:
			opt_nop(sg);
		}
	}
	opt_end(sg);
}

static void random_dir(struct ndiv_splice_dir *d, uint8_t family)
{
	dir_init(d, family, rnd(), rnd());
	rnd_fill(d->dmac, 6);
	rnd_fill(d->smac, 6);
	rnd_fill(d->saddr, 16);
	rnd_fill(d->daddr, 16);
	/* unicast, so that the result parses back */
	d->dmac[0] &= 0xfe;
	d->smac[0] &= 0xfe;
	d->saddr[0] = family == 4 ? 10 : 0x20;
	d->daddr[0] = family == 4 ? 198 : 0x26;
	d->sport = (uint16_t)rnd();
	d->dport = (uint16_t)rnd();
	d->tsval_off = rnd();
	d->tsecr_off = rnd();
	d->wscale_in = (uint8_t)(rnd() % 15);
	d->wscale_out = rnd() % 2 ? d->wscale_in : (uint8_t)(rnd() % 15);
	d->mss_clamp = rnd() % 2 ? (uint16_t)rnd() : 0;
}

/* Thousands of random segments; every invariant of run() each time. */
static void random_segments(void)
{
	struct ndiv_splice_dir d;
	struct seg sg;
	int i, fails = 0;

	for (i = 0; i < 20000; i++) {
		int before = ktap_case_failed;

		seg_init(&sg, rnd() % 2 ? 4 : 6);
		sg.vlan = (uint8_t)(rnd() % 3);
		if (sg.family == 4)
			sg.ipopt_len = (uint8_t)(rnd() % 3 * 4);
		rnd_fill(sg.saddr + 1, alen(sg.family) - 1);	/* unicast */
		sg.sport = (uint16_t)rnd();
		sg.seq = rnd();
		sg.ack = rnd();
		sg.flags = (uint8_t)rnd();
		sg.win = (uint16_t)rnd();
		random_opts(&sg);
		sg.pay_len = (uint16_t)(rnd() % 1400);
		random_dir(&d, sg.family);
		ktap_case_failed = 0;
		KTAP_EXPECT(run(&sg, &d, NULL) == 0);
		if (ktap_case_failed && fails++ < 3)
			printf("# random segment %d failed\n", i);
		ktap_case_failed |= before;
	}
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(families_and_vlans),
		KTAP_CASE(option_combinations),
		KTAP_CASE(sack_blocks_and_dsack),
		KTAP_CASE(sequence_wrap),
		KTAP_CASE(window_rescale),
		KTAP_CASE(mss_clamp),
		KTAP_CASE(unknown_options_preserved),
		KTAP_CASE(no_ack_fields_kept),
		KTAP_CASE(errors_leave_frame),
		KTAP_CASE(dir_init_equations),
		KTAP_CASE(random_segments),
	};

	rnd_fill(payload, sizeof(payload));
	ktap_run(cases, (int)ARRAY_SIZE(cases));
	return ktap_finish();
}
