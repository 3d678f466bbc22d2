// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv packet library: the TCP layer; what is accepted and produced is
 * described in tcp.h.
 *
 * The frame is hostile: the IP layer (pkt.c) checked the headers against
 * f->len, every TCP read here is inside the length the IP header gave,
 * and the option walk advances by at least one byte per step over at
 * most 40 bytes.
 */
#include <ndiv/csum.h>
#include <ndiv/tcp.h>
#include <ndiv/pkt_l3.h>

#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MSS		2
#define TCPOPT_WSCALE		3
#define TCPOPT_SACK_PERM	4
#define TCPOPT_SACK		5
#define TCPOPT_TS		8

#define TCP_OPT_OUT_MASK	(NDIV_TCP_OPT_MSS | NDIV_TCP_OPT_WSCALE | \
				 NDIV_TCP_OPT_SACK_PERM | NDIV_TCP_OPT_TS)

/* SACK: 2 + 8n bytes, n = 1..4 (RFC 2018 3). */
static int tcp_parse_sack(const uint8_t *p, uint32_t len, uint8_t at,
			  struct ndiv_tcp_opts *o)
{
	uint32_t i, n = (len - 2) / 8;

	if (len < 10 || (len - 2) % 8 || n > NDIV_TCP_MAX_SACK)
		return -NDIV_PKT_E_BAD_OPT;
	for (i = 0; i < n; i++) {
		o->sack[i].start = ndiv_get_be32(p + 2 + 8 * i);
		o->sack[i].end = ndiv_get_be32(p + 6 + 8 * i);
	}
	o->nr_sack = (uint8_t)n;
	o->sack_at = at;
	o->present |= NDIV_TCP_OPT_SACK;
	return 0;
}

/*
 * One option of kind p[0] and len >= 2 bytes, all inside the header, at
 * byte at of the TCP header.
 */
static int tcp_parse_opt(const uint8_t *p, uint32_t len, uint8_t at,
			 struct ndiv_tcp_opts *o)
{
	switch (p[0]) {
	case TCPOPT_MSS:
		if (len != 4)
			return -NDIV_PKT_E_BAD_OPT;
		o->mss = ndiv_get_be16(p + 2);
		o->mss_at = at;
		o->present |= NDIV_TCP_OPT_MSS;
		return 0;
	case TCPOPT_WSCALE:
		if (len != 3)
			return -NDIV_PKT_E_BAD_OPT;
		o->wscale = p[2] > NDIV_TCP_MAX_WSCALE ?
			    NDIV_TCP_MAX_WSCALE : p[2];
		o->present |= NDIV_TCP_OPT_WSCALE;
		return 0;
	case TCPOPT_SACK_PERM:
		if (len != 2)
			return -NDIV_PKT_E_BAD_OPT;
		o->present |= NDIV_TCP_OPT_SACK_PERM;
		return 0;
	case TCPOPT_SACK:
		return tcp_parse_sack(p, len, at, o);
	case TCPOPT_TS:
		if (len != 10)
			return -NDIV_PKT_E_BAD_OPT;
		o->tsval = ndiv_get_be32(p + 2);
		o->tsecr = ndiv_get_be32(p + 6);
		o->ts_at = at;
		o->present |= NDIV_TCP_OPT_TS;
		return 0;
	default:
		/* RFC 9293 MUST-6: skip what we do not implement */
		o->present |= NDIV_TCP_OPT_OTHER;
		return 0;
	}
}

/* Walk len (at most 40) bytes of options at p. */
static int tcp_parse_opts(const uint8_t *p, uint32_t len,
			  struct ndiv_tcp_opts *o)
{
	uint32_t i = 0, olen;
	int ret;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		if (p[i] == TCPOPT_EOL)
			break;
		if (p[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return -NDIV_PKT_E_BAD_OPT;
		olen = p[i + 1];
		/* a length below 2 would not advance the walk */
		if (olen < 2 || olen > len - i)
			return -NDIV_PKT_E_BAD_OPT;
		ret = tcp_parse_opt(p + i, olen,
				    (uint8_t)(NDIV_TCP_HLEN + i), o);
		if (ret)
			return ret;
		i += olen;
	}
	return 0;
}

static int tcp_parse_tcp(const struct ndiv_frame *f, struct ndiv_tcp_seg *s)
{
	const uint8_t *th = f->data + s->l4_off;
	uint32_t hlen;

	if (s->l4_len < NDIV_TCP_HLEN)
		return -NDIV_PKT_E_BAD_LEN;
	s->sport = ndiv_get_be16(th);
	s->dport = ndiv_get_be16(th + 2);
	hlen = (th[12] >> 4) * 4u;
	if (hlen < NDIV_TCP_HLEN || hlen > s->l4_len)
		return -NDIV_PKT_E_BAD_DOFF;
	s->seq = ndiv_get_be32(th + 4);
	s->ack = ndiv_get_be32(th + 8);
	s->flags = th[13];
	s->window = ndiv_get_be16(th + 14);
	s->hdr_len = (uint8_t)hlen;
	s->pay_off = s->l4_off + hlen;
	s->pay_len = s->l4_len - hlen;
	return tcp_parse_opts(th + NDIV_TCP_HLEN, hlen - NDIV_TCP_HLEN, &s->opt);
}

static uint32_t tcp_pseudo(uint8_t family, const uint8_t *saddr,
			   const uint8_t *daddr, uint32_t l4len)
{
	if (family == 4)
		return ndiv_csum_pseudo4(saddr, daddr, NDIV_IPPROTO_TCP,
					 (uint16_t)l4len);
	return ndiv_csum_pseudo6(saddr, daddr, NDIV_IPPROTO_TCP, l4len);
}

int ndiv_tcp_csum_ok(const struct ndiv_frame *f, const struct ndiv_tcp_seg *s)
{
	uint32_t sum = tcp_pseudo(s->family, s->saddr, s->daddr, s->l4_len);

	sum = ndiv_csum_add(f->data + s->l4_off, s->l4_len, sum);
	return ndiv_csum_fold(sum) ? -NDIV_PKT_E_BAD_CSUM_L4 : 0;
}
NDIV_EXPORT(ndiv_tcp_csum_ok);

int ndiv_tcp_parse(const struct ndiv_frame *f, struct ndiv_tcp_seg *s,
		   unsigned int flags)
{
	int ret;

	ret = pkt_parse_l3(f, &s->l3, NDIV_PKT_TCP);
	if (unlikely(ret))
		return ret;
	ret = tcp_parse_tcp(f, s);
	if (!ret && !(flags & NDIV_TCP_NOCSUM))
		ret = ndiv_tcp_csum_ok(f, s);
	return ret;
}
NDIV_EXPORT(ndiv_tcp_parse);

unsigned int ndiv_tcp_whose(const struct ndiv_frame *f,
			    struct ndiv_tcp_seg *s)
{
	unsigned int have = 0;

	if (s->known & NDIV_L3_KNOWN_ADDR)
		have = NDIV_TCP_HAVE_ADDR;
	if ((s->known & NDIV_L3_KNOWN_PORTS) && s->l4_len >= 4 &&
	    s->proto == NDIV_IPPROTO_TCP) {
		s->sport = ndiv_get_be16(f->data + s->l4_off);
		s->dport = ndiv_get_be16(f->data + s->l4_off + 2);
		have |= NDIV_TCP_HAVE_PORTS;
	}
	return have;
}
NDIV_EXPORT(ndiv_tcp_whose);

/* Option bytes tcp_put_opts() writes; always a multiple of 4. */
static uint32_t tcp_opts_len(const struct ndiv_tcp_out *out)
{
	uint32_t n = 0;

	if (out->opts & NDIV_TCP_OPT_MSS)
		n += 4;
	if (out->opts & NDIV_TCP_OPT_TS)
		n += 12;	/* SACK-Permitted, if any, shares this word */
	else if (out->opts & NDIV_TCP_OPT_SACK_PERM)
		n += 4;
	if (out->opts & NDIV_TCP_OPT_WSCALE)
		n += 4;
	return n;
}

/* Options in Linux's order (tcp_options_write()), so peers see nothing odd. */
static void tcp_put_opts(uint8_t *p, const struct ndiv_tcp_out *out)
{
	if (out->opts & NDIV_TCP_OPT_MSS) {
		p[0] = TCPOPT_MSS;
		p[1] = 4;
		ndiv_put_be16(p + 2, out->mss);
		p += 4;
	}
	if (out->opts & NDIV_TCP_OPT_TS) {
		if (out->opts & NDIV_TCP_OPT_SACK_PERM) {
			p[0] = TCPOPT_SACK_PERM;
			p[1] = 2;
		} else {
			p[0] = TCPOPT_NOP;
			p[1] = TCPOPT_NOP;
		}
		p[2] = TCPOPT_TS;
		p[3] = 10;
		ndiv_put_be32(p + 4, out->tsval);
		ndiv_put_be32(p + 8, out->tsecr);
		p += 12;
	} else if (out->opts & NDIV_TCP_OPT_SACK_PERM) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_NOP;
		p[2] = TCPOPT_SACK_PERM;
		p[3] = 2;
		p += 4;
	}
	if (out->opts & NDIV_TCP_OPT_WSCALE) {
		p[0] = TCPOPT_NOP;
		p[1] = TCPOPT_WSCALE;
		p[2] = 3;
		p[3] = out->wscale;
	}
}

static uint32_t tcp_ip_hlen(uint8_t family)
{
	return family == 4 ? NDIV_IP4_HLEN : NDIV_IP6_HLEN;
}

uint32_t ndiv_tcp_reply_off(const struct ndiv_tcp_seg *rx,
			   const struct ndiv_tcp_out *out)
{
	return rx->l3_off + tcp_ip_hlen(rx->family) + NDIV_TCP_HLEN +
	       tcp_opts_len(out);
}
NDIV_EXPORT(ndiv_tcp_reply_off);

/* Is out something we can emit for rx, which must come from f? */
static int tcp_check_out(const struct ndiv_frame *f,
			 const struct ndiv_tcp_seg *rx,
			 const struct ndiv_tcp_out *out)
{
	uint32_t max;

	if (rx->family != 4 && rx->family != 6)
		return -NDIV_PKT_E_INVAL;
	if (rx->l3_off > f->len ||
	    tcp_ip_hlen(rx->family) > f->len - rx->l3_off)
		return -NDIV_PKT_E_INVAL;
	if (out->opts & ~TCP_OPT_OUT_MASK)
		return -NDIV_PKT_E_INVAL;
	if ((out->opts & NDIV_TCP_OPT_WSCALE) && out->wscale > NDIV_TCP_MAX_WSCALE)
		return -NDIV_PKT_E_INVAL;
	if (out->payload_len && !out->payload)
		return -NDIV_PKT_E_INVAL;
	/* the 16-bit IPv4 total length or IPv6 payload length */
	max = 0xffff - NDIV_TCP_HLEN - tcp_opts_len(out);
	if (rx->family == 4)
		max -= NDIV_IP4_HLEN;
	if (out->payload_len > max)
		return -NDIV_PKT_E_INVAL;
	return 0;
}

/* Make f exactly len bytes long; the caller checked the tailroom. */
static void tcp_resize(struct ndiv_frame *f, uint32_t len)
{
	if (len > f->len)
		ndiv_frame_put(f, len - f->len);
	else
		ndiv_frame_trim(f, len);
}

/* The reply's IPv4 header, without options, over rx's; addresses swapped. */
static void tcp_put_ip4(uint8_t *ip, uint32_t l4len, uint8_t ttl)
{
	ip[0] = 0x45;
	ip[1] = 0;		/* no DSCP, and not ECN-capable */
	ndiv_put_be16(ip + 2, (uint16_t)(NDIV_IP4_HLEN + l4len));
	/* RFC 6864: an atomic datagram may use any ID, so a constant */
	ndiv_put_be16(ip + 4, 0);
	ndiv_put_be16(ip + 6, NDIV_IP4_DF);
	ip[8] = ttl;
	ip[9] = NDIV_IPPROTO_TCP;
	ndiv_pkt_swap(ip + 12, ip + 16, 4);
	ndiv_put_be16(ip + 10, ndiv_csum_ip4_hdr(ip, NDIV_IP4_HLEN));
}

/* The reply's IPv6 header over rx's; addresses swapped. */
static void tcp_put_ip6(uint8_t *ip, uint32_t l4len, uint8_t hlim)
{
	ndiv_put_be32(ip, 6u << 28);	/* traffic class, flow label 0 */
	ndiv_put_be16(ip + 4, (uint16_t)l4len);
	ip[6] = NDIV_IPPROTO_TCP;
	ip[7] = hlim;
	ndiv_pkt_swap(ip + 8, ip + 24, 16);
}

static void tcp_put_tcp(uint8_t *th, const struct ndiv_tcp_seg *rx,
			const struct ndiv_tcp_out *out, uint32_t hlen)
{
	ndiv_put_be16(th, rx->dport);
	ndiv_put_be16(th + 2, rx->sport);
	ndiv_put_be32(th + 4, out->seq);
	ndiv_put_be32(th + 8, out->ack);
	th[12] = (uint8_t)(hlen / 4 << 4);
	th[13] = out->flags;
	ndiv_put_be16(th + 14, out->window);
	ndiv_put_be16(th + 16, 0);	/* checksum, computed last */
	ndiv_put_be16(th + 18, 0);	/* urgent pointer */
	tcp_put_opts(th + NDIV_TCP_HLEN, out);
}

int ndiv_tcp_reply(struct ndiv_frame *f, const struct ndiv_tcp_seg *rx,
		  const struct ndiv_tcp_out *out)
{
	uint32_t l4_off, hlen, l4len, len, sum;
	uint8_t *ip, *th;
	uint8_t ttl = out->ttl ? out->ttl : NDIV_TCP_TTL;
	int ret;

	ret = tcp_check_out(f, rx, out);
	if (ret)
		return ret;
	l4_off = rx->l3_off + tcp_ip_hlen(rx->family);
	hlen = NDIV_TCP_HLEN + tcp_opts_len(out);
	l4len = hlen + out->payload_len;
	len = l4_off + l4len;
	if (len > f->len && len - f->len > f->tailroom)
		return -NDIV_PKT_E_NOSPACE;

	tcp_resize(f, len);
	/*
	 * The payload first: its source may be anywhere in the old frame,
	 * which the headers below overwrite. Its destination starts after
	 * the new IP header, so it cannot clobber the MACs and addresses
	 * still to be swapped.
	 */
	if (out->payload_len)
		memmove(f->data + l4_off + hlen, out->payload,
			out->payload_len);

	ndiv_pkt_swap(f->data, f->data + 6, 6);
	ip = f->data + rx->l3_off;
	th = f->data + l4_off;
	if (rx->family == 4)
		tcp_put_ip4(ip, l4len, ttl);
	else
		tcp_put_ip6(ip, l4len, ttl);
	tcp_put_tcp(th, rx, out, hlen);

	/* after the swap, the reply's saddr/daddr sit where rx's did */
	sum = tcp_pseudo(rx->family, rx->saddr, rx->daddr, l4len);
	ndiv_put_be16(th + 16, ndiv_csum_fold(ndiv_csum_add(th, l4len, sum)));
	return 0;
}
NDIV_EXPORT(ndiv_tcp_reply);

int ndiv_tcp_reset(struct ndiv_frame *f, const struct ndiv_tcp_seg *rx)
{
	struct ndiv_tcp_out out;

	if (rx->flags & NDIV_TCP_RST)
		return -NDIV_PKT_E_INVAL;
	memset(&out, 0, sizeof(out));
	if (rx->flags & NDIV_TCP_ACK) {
		out.seq = rx->ack;
		out.flags = NDIV_TCP_RST;
	} else {
		out.ack = rx->seq + ndiv_tcp_seg_len(rx);
		out.flags = NDIV_TCP_RST | NDIV_TCP_ACK;
	}
	return ndiv_tcp_reply(f, rx, &out);
}
NDIV_EXPORT(ndiv_tcp_reset);
