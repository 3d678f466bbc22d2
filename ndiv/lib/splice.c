// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv packet library: the splice; what a rewrite does is described in
 * splice.h, and why in Documentation/proxy.rst.
 *
 * The segment was parsed by ndiv_tcp_parse(), which walked the options
 * (at most 40 bytes) and noted where MSS, Timestamps and SACK start: the
 * rewrite reads no option it was not told about, checks that every field
 * it writes is inside the TCP header and the frame, and loops over at
 * most four SACK blocks. Each changed 16- or 32-bit word is folded into
 * the checksums with ndiv_csum_replace16/32() as it is written.
 */
#include <ndiv/csum.h>
#include <ndiv/splice.h>

#define TCPOPT_MSS		2
#define TCPOPT_SACK		5
#define TCPOPT_TS		8
#define TCP_CSUM_OFF		16
#define IP4_CSUM_OFF		10

_Static_assert(sizeof(struct ndiv_splice_dir) == 72,
	       "struct ndiv_splice_dir: two of them go in a flow entry");

static uint16_t splice_swab16(uint16_t x)
{
	return (uint16_t)(x << 8 | x >> 8);
}

/*
 * Options may sit at odd offsets (after a single NOP), where a field's
 * bytes are the low and high halves of different 16-bit words. Moving
 * data by one byte multiplies its one's complement sum by 2^8, which
 * swaps the checksum's bytes (RFC 1071 2(B)); so a change at an odd
 * offset is a change at an even one to the byte-swapped checksum.
 */
static uint16_t splice_put32(uint8_t *th, uint32_t off, uint32_t v,
			     uint16_t check)
{
	uint32_t old = ndiv_get_be32(th + off);

	ndiv_put_be32(th + off, v);
	if (off & 1)
		return splice_swab16(ndiv_csum_replace32(splice_swab16(check),
							 old, v));
	return ndiv_csum_replace32(check, old, v);
}

static uint16_t splice_put16(uint8_t *th, uint32_t off, uint16_t v,
			     uint16_t check)
{
	uint16_t old = ndiv_get_be16(th + off);

	ndiv_put_be16(th + off, v);
	if (off & 1)
		return splice_swab16(ndiv_csum_replace16(splice_swab16(check),
							 old, v));
	return ndiv_csum_replace16(check, old, v);
}

/* Is the option of kind and len at byte at inside the TCP header? */
static int splice_opt_ok(const uint8_t *th, uint32_t hlen, uint32_t at,
			 uint8_t kind, uint32_t len)
{
	return at >= NDIV_TCP_HLEN && len <= hlen && at <= hlen - len &&
	       th[at] == kind && th[at + 1] == len;
}

/* Do the options s noted still describe the header at th? */
static int splice_check_opts(const uint8_t *th, const struct ndiv_tcp_seg *s)
{
	const struct ndiv_tcp_opts *o = &s->opt;

	if ((o->present & NDIV_TCP_OPT_MSS) &&
	    !splice_opt_ok(th, s->hdr_len, o->mss_at, TCPOPT_MSS, 4))
		return -NDIV_PKT_E_INVAL;
	if ((o->present & NDIV_TCP_OPT_TS) &&
	    !splice_opt_ok(th, s->hdr_len, o->ts_at, TCPOPT_TS, 10))
		return -NDIV_PKT_E_INVAL;
	if ((o->present & NDIV_TCP_OPT_SACK) &&
	    (!o->nr_sack || o->nr_sack > NDIV_TCP_MAX_SACK ||
	     !splice_opt_ok(th, s->hdr_len, o->sack_at, TCPOPT_SACK,
			    2 + 8u * o->nr_sack)))
		return -NDIV_PKT_E_INVAL;
	return 0;
}

/* Does d fit s, and does s describe a TCP segment inside f? */
static int splice_check(const struct ndiv_frame *f,
			const struct ndiv_tcp_seg *s,
			const struct ndiv_splice_dir *d)
{
	uint32_t iph = s->family == 4 ? NDIV_IP4_HLEN : NDIV_IP6_HLEN;

	if ((s->family != 4 && s->family != 6) || d->family != s->family)
		return -NDIV_PKT_E_INVAL;
	if (d->wscale_in > NDIV_TCP_MAX_WSCALE ||
	    d->wscale_out > NDIV_TCP_MAX_WSCALE)
		return -NDIV_PKT_E_INVAL;
	if (s->l3_off < NDIV_ETH_HLEN || s->l4_off < s->l3_off ||
	    s->l4_off - s->l3_off < iph)
		return -NDIV_PKT_E_INVAL;
	if (s->hdr_len < NDIV_TCP_HLEN || s->l4_off > f->len ||
	    s->hdr_len > f->len - s->l4_off)
		return -NDIV_PKT_E_INVAL;
	return splice_check_opts(f->data + s->l4_off, s);
}

/* The new addresses, 4 bytes at a time into each checksum that has them. */
static uint16_t splice_addr(uint8_t *at, const uint8_t *to, uint32_t len,
			    uint16_t check, uint16_t *ip_check)
{
	uint32_t i, old, v;

	for (i = 0; i < len; i += 4) {
		old = ndiv_get_be32(at + i);
		v = ndiv_get_be32(to + i);
		check = ndiv_csum_replace32(check, old, v);
		if (ip_check)
			*ip_check = ndiv_csum_replace32(*ip_check, old, v);
		ndiv_put_be32(at + i, v);
	}
	return check;
}

/* MACs and addresses; returns the TCP checksum with the pseudo-header's. */
static uint16_t splice_l2l3(struct ndiv_frame *f, const struct ndiv_tcp_seg *s,
			    const struct ndiv_splice_dir *d, uint16_t check)
{
	uint8_t *ip = f->data + s->l3_off;
	uint16_t ip_check;

	memcpy(f->data, d->dmac, NDIV_ETH_ALEN);
	memcpy(f->data + NDIV_ETH_ALEN, d->smac, NDIV_ETH_ALEN);
	if (s->family == 6) {
		check = splice_addr(ip + 8, d->saddr, 16, check, NULL);
		return splice_addr(ip + 24, d->daddr, 16, check, NULL);
	}
	ip_check = ndiv_get_be16(ip + IP4_CSUM_OFF);
	check = splice_addr(ip + 12, d->saddr, 4, check, &ip_check);
	check = splice_addr(ip + 16, d->daddr, 4, check, &ip_check);
	ndiv_put_be16(ip + IP4_CSUM_OFF, ip_check);
	return check;
}

/*
 * The window in bytes is w << in; the receiver reads the new field as
 * w' << out. Rounded up, so the rescaled window is never smaller than
 * what the receiver offered (by less than 2^out bytes larger, as Linux
 * rounds its own), so a nonzero window never becomes 0; clamped to the
 * largest field.
 */
static uint16_t splice_window(uint16_t w, uint8_t in, uint8_t out)
{
	uint32_t bytes, v;

	if (in == out)
		return w;
	bytes = (uint32_t)w << in;
	v = (bytes + (1u << out) - 1) >> out;
	return v > 0xffff ? 0xffff : (uint16_t)v;
}

/* Ports, seq, ack and window: the fixed header. */
static uint16_t splice_hdr(uint8_t *th, struct ndiv_tcp_seg *s,
			   const struct ndiv_splice_dir *d, uint16_t check)
{
	uint32_t ports = (uint32_t)d->sport << 16 | d->dport;

	check = splice_put32(th, 0, ports, check);
	s->sport = d->sport;
	s->dport = d->dport;
	s->seq += d->seq_off;
	check = splice_put32(th, 4, s->seq, check);
	/* without ACK the field means nothing: it stays as it came */
	if (s->flags & NDIV_TCP_ACK) {
		s->ack += d->ack_off;
		check = splice_put32(th, 8, s->ack, check);
	}
	/* RFC 7323 2.2: the window of a SYN is never scaled */
	if (!(s->flags & NDIV_TCP_SYN)) {
		s->window = splice_window(s->window, d->wscale_in,
					  d->wscale_out);
		check = splice_put16(th, 14, s->window, check);
	}
	return check;
}

/* SACK edges acknowledge the other direction's sequence space. */
static uint16_t splice_sack(uint8_t *th, struct ndiv_tcp_opts *o,
			    uint32_t off, uint16_t check)
{
	uint32_t i, at = o->sack_at + 2u;

	for (i = 0; i < o->nr_sack && i < NDIV_TCP_MAX_SACK; i++, at += 8) {
		o->sack[i].start += off;
		o->sack[i].end += off;
		check = splice_put32(th, at, o->sack[i].start, check);
		check = splice_put32(th, at + 4, o->sack[i].end, check);
	}
	return check;
}

/* MSS, Timestamps and SACK, where the parser found them. */
static uint16_t splice_opts(uint8_t *th, struct ndiv_tcp_seg *s,
			    const struct ndiv_splice_dir *d, uint16_t check)
{
	struct ndiv_tcp_opts *o = &s->opt;

	if ((o->present & NDIV_TCP_OPT_MSS) && (s->flags & NDIV_TCP_SYN) &&
	    d->mss_clamp && o->mss > d->mss_clamp) {
		o->mss = d->mss_clamp;
		check = splice_put16(th, o->mss_at + 2u, o->mss, check);
	}
	if (o->present & NDIV_TCP_OPT_TS) {
		o->tsval += d->tsval_off;
		check = splice_put32(th, o->ts_at + 2u, o->tsval, check);
		/* RFC 7323 3.2: TSecr is only valid with ACK */
		if (s->flags & NDIV_TCP_ACK) {
			o->tsecr += d->tsecr_off;
			check = splice_put32(th, o->ts_at + 6u, o->tsecr,
					     check);
		}
	}
	if (o->present & NDIV_TCP_OPT_SACK)
		check = splice_sack(th, o, d->ack_off, check);
	return check;
}

int ndiv_splice_rewrite(struct ndiv_frame *f, struct ndiv_tcp_seg *s,
			const struct ndiv_splice_dir *d)
{
	uint8_t *th;
	uint16_t check;
	int ret;

	ret = splice_check(f, s, d);
	if (unlikely(ret))
		return ret;
	th = f->data + s->l4_off;
	check = ndiv_get_be16(th + TCP_CSUM_OFF);
	check = splice_l2l3(f, s, d, check);
	check = splice_hdr(th, s, d, check);
	check = splice_opts(th, s, d, check);
	ndiv_put_be16(th + TCP_CSUM_OFF, check);
	return 0;
}
NDIV_EXPORT(ndiv_splice_rewrite);

/* Addresses, MACs and ports of one direction. */
static void splice_set_ends(struct ndiv_splice_dir *d, uint8_t family,
			    const uint8_t *smac, const uint8_t *dmac,
			    const uint8_t *saddr, const uint8_t *daddr,
			    uint16_t sport, uint16_t dport)
{
	uint32_t alen = family == 4 ? 4 : 16;

	memset(d, 0, sizeof(*d));
	d->family = family;
	memcpy(d->smac, smac, NDIV_ETH_ALEN);
	memcpy(d->dmac, dmac, NDIV_ETH_ALEN);
	memcpy(d->saddr, saddr, alen);
	memcpy(d->daddr, daddr, alen);
	d->sport = sport;
	d->dport = dport;
}

int ndiv_splice_dir_init(struct ndiv_splice_dir *c2b,
			 struct ndiv_splice_dir *b2c,
			 const struct ndiv_splice_ends *e,
			 const struct ndiv_splice_hs *h)
{
	if (e->family != 4 && e->family != 6)
		return -NDIV_PKT_E_INVAL;
	if (h->ws_client > NDIV_TCP_MAX_WSCALE ||
	    h->ws_to_c > NDIV_TCP_MAX_WSCALE ||
	    h->ws_to_b > NDIV_TCP_MAX_WSCALE ||
	    h->ws_backend > NDIV_TCP_MAX_WSCALE)
		return -NDIV_PKT_E_INVAL;
	splice_set_ends(c2b, e->family, e->proxy_mac, e->backend_mac,
			e->local, e->backend, e->local_port, e->backend_port);
	splice_set_ends(b2c, e->family, e->proxy_mac, e->client_mac,
			e->vip, e->client, e->vip_port, e->client_port);
	c2b->seq_off = h->pisn_b - h->cisn;
	b2c->seq_off = h->pisn_c - h->bisn;
	c2b->ack_off = 0u - b2c->seq_off;
	b2c->ack_off = 0u - c2b->seq_off;
	c2b->tsval_off = h->ts_to_b - h->ts_client;
	b2c->tsval_off = h->ts_to_c - h->ts_backend;
	c2b->tsecr_off = 0u - b2c->tsval_off;
	b2c->tsecr_off = 0u - c2b->tsval_off;
	c2b->wscale_in = h->ws_client;
	c2b->wscale_out = h->ws_to_b;
	b2c->wscale_in = h->ws_backend;
	b2c->wscale_out = h->ws_to_c;
	c2b->mss_clamp = h->mss_clamp;
	b2c->mss_clamp = h->mss_clamp;
	return 0;
}
NDIV_EXPORT(ndiv_splice_dir_init);
