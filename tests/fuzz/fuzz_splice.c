// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the splice (ndiv/lib/splice.c). The first CTL bytes
 * steer the run and give the descriptor, the rest is a received frame,
 * copied into a heap buffer of exactly its length so that ASan sees any
 * access outside. A frame that parses, checksums verified, is rewritten:
 *
 *  - refused only when the descriptor does not fit (family, a shift above
 *    14), and then frame and segment are as they were;
 *  - accepted, both checksums verify by a full recompute, the segment
 *    parses back (unless the descriptor's addresses are not unicast) to
 *    what the rewrite left in its struct ndiv_tcp_seg, the numbers moved
 *    by the descriptor's offsets, and no byte changed but the fields the
 *    splice owns.
 *
 * Control bytes:
 *   0: bit 0 mark the tag stripped, bit 1 fix the headers (IP version,
 *      lengths, protocol TCP, unicast MACs), bit 2 IPv6 when fixing,
 *      bit 3 fix the TCP checksum, bit 4 the descriptor takes the
 *      segment's family, bit 5 its shifts are reduced to 0..14
 *   1..: struct ndiv_splice_dir, as raw bytes
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/csum.h>
#include <ndiv/splice.h>

#define CTL	(1 + sizeof(struct ndiv_splice_dir))

/* What the fuzzer cannot find by itself, so that frames reach TCP. */
static void fix_headers(uint8_t *p, uint32_t len, uint8_t how)
{
	uint32_t l3 = 14;
	int v6 = how & 4;

	if (len >= 18 && ndiv_get_be16(p + 12) == NDIV_ETH_P_8021Q)
		l3 = 18;
	if (len < l3 + (v6 ? 40 : 20))
		return;
	p[0] &= 0xfe;
	p[6] &= 0xfe;
	ndiv_put_be16(p + l3 - 2, v6 ? NDIV_ETH_P_IPV6 : NDIV_ETH_P_IP);
	if (v6) {
		p[l3] = (uint8_t)(0x60 | (p[l3] & 0xf));
		p[l3 + 6] = NDIV_IPPROTO_TCP;
		if (len - l3 - 40 <= 0xffff)
			ndiv_put_be16(p + l3 + 4, (uint16_t)(len - l3 - 40));
		return;
	}
	p[l3] = (uint8_t)(0x40 | (p[l3] & 0xf));
	p[l3 + 9] = NDIV_IPPROTO_TCP;
	ndiv_put_be16(p + l3 + 6, 0);	/* no fragment */
	if (len - l3 <= 0xffff)
		ndiv_put_be16(p + l3 + 2, (uint16_t)(len - l3));
	if ((p[l3] & 0xf) >= 5 && (p[l3] & 0xf) * 4u <= len - l3)
		ndiv_put_be16(p + l3 + 10,
			      ndiv_csum_ip4_hdr(p + l3, (p[l3] & 0xf) * 4u));
}

static uint32_t l4_sum(const struct ndiv_frame *f, const struct ndiv_tcp_seg *s)
{
	uint32_t sum = s->family == 4 ?
		ndiv_csum_pseudo4(s->saddr, s->daddr, NDIV_IPPROTO_TCP,
				  (uint16_t)s->l4_len) :
		ndiv_csum_pseudo6(s->saddr, s->daddr, NDIV_IPPROTO_TCP,
				  s->l4_len);

	return ndiv_csum_add(f->data + s->l4_off, s->l4_len, sum);
}

/* Give a segment that parses but for its TCP checksum the right one. */
static void fix_tcp_csum(struct ndiv_frame *f)
{
	struct ndiv_tcp_seg s;
	uint8_t *th;

	if (ndiv_tcp_parse(f, &s, NDIV_TCP_NOCSUM))
		return;
	th = f->data + s.l4_off;
	ndiv_put_be16(th + 16, 0);
	ndiv_put_be16(th + 16, ndiv_csum_fold(l4_sum(f, &s)));
}

/* Bytes [from, from + n) of the frame may change. */
static void may_change(uint8_t *mask, uint32_t from, uint32_t n)
{
	memset(mask + from, 1, n);
}

/* Every byte outside the splice's fields is as it came. */
static void check_untouched(const uint8_t *a, const uint8_t *b, uint32_t len,
			    const struct ndiv_tcp_seg *s)
{
	static uint8_t mask[65536];
	const struct ndiv_tcp_opts *o = &s->opt;
	uint32_t th = s->l4_off, i;

	memset(mask, 0, len);
	may_change(mask, 0, 12);
	if (s->family == 4) {
		may_change(mask, s->l3_off + 10, 10);
	} else {
		may_change(mask, s->l3_off + 8, 32);
	}
	may_change(mask, th, 12);	/* ports, seq, ack */
	may_change(mask, th + 14, 4);	/* window, checksum */
	if (o->present & NDIV_TCP_OPT_MSS)
		may_change(mask, th + o->mss_at + 2, 2);
	if (o->present & NDIV_TCP_OPT_TS)
		may_change(mask, th + o->ts_at + 2, 8);
	if (o->present & NDIV_TCP_OPT_SACK)
		may_change(mask, th + o->sack_at + 2, 8u * o->nr_sack);
	for (i = 0; i < len; i++)
		if (!mask[i] && a[i] != b[i])
			abort();
}

/* The numbers moved as the descriptor says. */
static void check_numbers(const struct ndiv_tcp_seg *s,
			  const struct ndiv_tcp_seg *rx,
			  const struct ndiv_splice_dir *d)
{
	int ack = rx->flags & NDIV_TCP_ACK;
	uint32_t i;

	if (s->seq != rx->seq + d->seq_off ||
	    s->ack != rx->ack + (ack ? d->ack_off : 0))
		abort();
	if (s->sport != d->sport || s->dport != d->dport)
		abort();
	if ((rx->opt.present & NDIV_TCP_OPT_TS) &&
	    (s->opt.tsval != rx->opt.tsval + d->tsval_off ||
	     s->opt.tsecr != rx->opt.tsecr + (ack ? d->tsecr_off : 0)))
		abort();
	for (i = 0; i < rx->opt.nr_sack; i++)
		if (s->opt.sack[i].start != rx->opt.sack[i].start + d->ack_off ||
		    s->opt.sack[i].end != rx->opt.sack[i].end + d->ack_off)
			abort();
	/* a window is 0 after the rewrite exactly when it was before */
	if (!s->window != !rx->window)
		abort();
	if (s->opt.mss > rx->opt.mss)
		abort();
}

static void check_reparse(const struct ndiv_frame *f,
			  const struct ndiv_tcp_seg *s)
{
	struct ndiv_tcp_seg back;
	int ret = ndiv_tcp_parse(f, &back, 0);

	if (ret == -NDIV_PKT_E_NOT_UNICAST)
		return;		/* the descriptor's addresses */
	if (ret || back.seq != s->seq || back.ack != s->ack ||
	    back.window != s->window || back.sport != s->sport ||
	    back.opt.tsval != s->opt.tsval || back.opt.tsecr != s->opt.tsecr ||
	    back.opt.mss != s->opt.mss || back.opt.nr_sack != s->opt.nr_sack ||
	    memcmp(back.opt.sack, s->opt.sack,
		   sizeof(s->opt.sack[0]) * s->opt.nr_sack))
		abort();
}

static void check_csums(const struct ndiv_frame *f,
			const struct ndiv_tcp_seg *s)
{
	const uint8_t *ip = f->data + s->l3_off;

	if (s->family == 4 &&
	    ndiv_csum_fold(ndiv_csum_add(ip, (ip[0] & 0xf) * 4u, 0)))
		abort();
	if (ndiv_csum_fold(l4_sum(f, s)))
		abort();
}

static void splice(struct ndiv_frame *f, const uint8_t *orig,
		   struct ndiv_splice_dir *d, uint8_t how)
{
	struct ndiv_tcp_seg s, rx;
	int ret, fits;

	if (ndiv_tcp_parse(f, &s, 0))
		return;
	if (how & 16)
		d->family = s.family;
	if (how & 32) {
		d->wscale_in %= NDIV_TCP_MAX_WSCALE + 1;
		d->wscale_out %= NDIV_TCP_MAX_WSCALE + 1;
	}
	fits = d->family == s.family && d->wscale_in <= NDIV_TCP_MAX_WSCALE &&
	       d->wscale_out <= NDIV_TCP_MAX_WSCALE;
	rx = s;
	ret = ndiv_splice_rewrite(f, &s, d);
	if (ret) {
		if (fits || ret != -NDIV_PKT_E_INVAL ||
		    memcmp(f->data, orig, f->len) || memcmp(&s, &rx, sizeof(s)))
			abort();
		return;
	}
	if (!fits)
		abort();
	check_csums(f, &s);
	check_untouched(f->data, orig, f->len, &s);
	check_numbers(&s, &rx, d);
	check_reparse(f, &s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t orig[16384];
	struct ndiv_splice_dir d;
	struct ndiv_frame f;
	uint8_t *mem;
	uint32_t len;

	if (size < CTL || size - CTL > sizeof(orig))
		return 0;
	len = (uint32_t)(size - CTL);
	mem = malloc(len ? len : 1);
	if (!mem)
		return 0;
	memcpy(mem, data + CTL, len);
	memcpy(&d, data + 1, sizeof(d));
	memset(&f, 0, sizeof(f));
	f.data = mem;
	f.len = len;
	if (data[0] & 1) {
		f.flags = NDIV_F_VLAN_STRIPPED;
		f.vlan_tci = 0x0042;
	}
	if (data[0] & 2)
		fix_headers(mem, len, data[0]);
	if (data[0] & 8)
		fix_tcp_csum(&f);
	memcpy(orig, mem, len);
	splice(&f, orig, &d, data[0]);
	free(mem);
	return 0;
}
