// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's TCP/IP segment layer; what is accepted and produced is
 * described in tcp.h.
 *
 * The frame is hostile: every read is preceded by a check that the bytes
 * are inside f->len (for the headers) or inside the length the IP header
 * gave (for TCP), and the option walk advances by at least one byte per
 * step over at most 40 bytes.
 */
#include <ndiv/csum.h>
#include "tcp.h"

#define SLH_ETH_HLEN		14
#define SLH_VLAN_HLEN		4
#define SLH_ETH_P_IPV4		0x0800
#define SLH_ETH_P_IPV6		0x86dd
#define SLH_ETH_P_8021Q		0x8100
#define SLH_ETH_P_8021AD	0x88a8

#define SLH_IP4_HLEN		20
#define SLH_IP6_HLEN		40
#define SLH_IP4_DF		0x4000
#define SLH_IP4_FRAG_MASK	0x3fff	/* MF and fragment offset */
#define SLH_IPPROTO_TCP		6
#define SLH_IPPROTO_FRAGMENT	44

#define SLH_TCP_HLEN		20

#define SLH_TCPOPT_EOL		0
#define SLH_TCPOPT_NOP		1
#define SLH_TCPOPT_MSS		2
#define SLH_TCPOPT_WSCALE	3
#define SLH_TCPOPT_SACK_PERM	4
#define SLH_TCPOPT_SACK		5
#define SLH_TCPOPT_TS		8

#define SLH_OPT_OUT_MASK	(SLH_OPT_MSS | SLH_OPT_WSCALE | \
				 SLH_OPT_SACK_PERM | SLH_OPT_TS)

/* Ethernet header and at most one 802.1Q tag; sets s->l3_off. */
static int slh_parse_eth(const struct ndiv_frame *f, struct slh_seg *s,
			 uint16_t *proto)
{
	const uint8_t *p = f->data;
	uint32_t off = SLH_ETH_HLEN;

	if (f->len < SLH_ETH_HLEN)
		return -SLH_TCP_E_TRUNCATED;
	/*
	 * The I/G bit: broadcast and multicast destinations must never be
	 * answered, and a group source address is bogus (the reply would go
	 * to a group).
	 */
	if ((p[0] | p[6]) & 1)
		return -SLH_TCP_E_NOT_UNICAST;
	s->vlan = SLH_VLAN_NONE;
	s->vlan_tci = 0;
	if (f->flags & NDIV_F_VLAN_STRIPPED) {
		s->vlan = SLH_VLAN_STRIPPED;
		s->vlan_tci = f->vlan_tci;
	}
	*proto = ndiv_get_be16(p + 12);
	if (*proto == SLH_ETH_P_8021Q && s->vlan == SLH_VLAN_NONE) {
		if (f->len < off + SLH_VLAN_HLEN)
			return -SLH_TCP_E_TRUNCATED;
		s->vlan = SLH_VLAN_INFRAME;
		s->vlan_tci = ndiv_get_be16(p + 14);
		*proto = ndiv_get_be16(p + 16);
		off += SLH_VLAN_HLEN;
	}
	/* a second tag, or a stripped one plus one in the frame */
	if (*proto == SLH_ETH_P_8021Q || *proto == SLH_ETH_P_8021AD)
		return -SLH_TCP_E_VLAN;
	s->l3_off = off;
	return 0;
}

/*
 * Addresses a TCP responder may talk to. 0/8 is "this network", 127/8
 * loopback (martian on a wire), 224/4 multicast and 240/4 reserved,
 * which includes the limited broadcast 255.255.255.255.
 */
static int slh_unicast4(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* Not multicast, unspecified, loopback or IPv4-mapped (RFC 4291 2.5). */
static int slh_unicast6(const uint8_t *a)
{
	static const uint8_t v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const uint8_t zero[15];

	if (a[0] == 0xff)
		return 0;
	if (!memcmp(a, v4mapped, sizeof(v4mapped)))
		return 0;
	return memcmp(a, zero, sizeof(zero)) || a[15] > 1;
}

static int slh_parse_ip4(const struct ndiv_frame *f, struct slh_seg *s)
{
	const uint8_t *ip = f->data + s->l3_off;
	uint32_t room = f->len - s->l3_off, hlen, tot;

	if (room < SLH_IP4_HLEN)
		return -SLH_TCP_E_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return -SLH_TCP_E_BAD_VER;
	hlen = (ip[0] & 0xf) * 4u;
	if (hlen < SLH_IP4_HLEN)
		return -SLH_TCP_E_BAD_IHL;
	tot = ndiv_get_be16(ip + 2);
	if (tot < hlen)
		return -SLH_TCP_E_BAD_LEN;
	/* anything after tot is Ethernet padding; less than tot is cut */
	if (tot > room)
		return -SLH_TCP_E_TRUNCATED;
	/* cheap rejections first: other protocols go to the stack */
	if (ip[9] != SLH_IPPROTO_TCP)
		return -SLH_TCP_E_NOT_TCP;
	if (ndiv_get_be16(ip + 6) & SLH_IP4_FRAG_MASK)
		return -SLH_TCP_E_FRAGMENT;
	if (ndiv_csum_fold(ndiv_csum_add(ip, hlen, 0)))
		return -SLH_TCP_E_BAD_CSUM_IP;
	if (!slh_unicast4(ip + 12) || !slh_unicast4(ip + 16))
		return -SLH_TCP_E_NOT_UNICAST;
	s->family = 4;
	s->saddr = ip + 12;
	s->daddr = ip + 16;
	s->l4_off = s->l3_off + hlen;
	s->l4_len = tot - hlen;
	return 0;
}

/* Why a next header other than TCP is refused: the IANA extension list. */
static int slh_ip6_nexthdr_err(uint8_t nh)
{
	switch (nh) {
	case SLH_IPPROTO_FRAGMENT:
		return -SLH_TCP_E_FRAGMENT;
	case 0:		/* Hop-by-Hop Options */
	case 43:	/* Routing */
	case 50:	/* ESP */
	case 51:	/* AH */
	case 60:	/* Destination Options */
	case 135:	/* Mobility */
	case 139:	/* HIP */
	case 140:	/* Shim6 */
	case 253:	/* experimentation (RFC 3692) */
	case 254:
		return -SLH_TCP_E_EXT_HDR;
	default:
		return -SLH_TCP_E_NOT_TCP;
	}
}

static int slh_parse_ip6(const struct ndiv_frame *f, struct slh_seg *s)
{
	const uint8_t *ip = f->data + s->l3_off;
	uint32_t room = f->len - s->l3_off, plen;

	if (room < SLH_IP6_HLEN)
		return -SLH_TCP_E_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return -SLH_TCP_E_BAD_VER;
	plen = ndiv_get_be16(ip + 4);
	if (plen > room - SLH_IP6_HLEN)
		return -SLH_TCP_E_TRUNCATED;
	if (ip[6] != SLH_IPPROTO_TCP)
		return slh_ip6_nexthdr_err(ip[6]);
	if (!slh_unicast6(ip + 8) || !slh_unicast6(ip + 24))
		return -SLH_TCP_E_NOT_UNICAST;
	s->family = 6;
	s->saddr = ip + 8;
	s->daddr = ip + 24;
	s->l4_off = s->l3_off + SLH_IP6_HLEN;
	s->l4_len = plen;
	return 0;
}

/* SACK: 2 + 8n bytes, n = 1..4 (RFC 2018 3). */
static int slh_parse_sack(const uint8_t *p, uint32_t len,
			  struct slh_tcp_opts *o)
{
	uint32_t i, n = (len - 2) / 8;

	if (len < 10 || (len - 2) % 8 || n > SLH_TCP_MAX_SACK)
		return -SLH_TCP_E_BAD_OPT;
	for (i = 0; i < n; i++) {
		o->sack[i].start = ndiv_get_be32(p + 2 + 8 * i);
		o->sack[i].end = ndiv_get_be32(p + 6 + 8 * i);
	}
	o->nr_sack = (uint8_t)n;
	o->present |= SLH_OPT_SACK;
	return 0;
}

/* One option of kind p[0] and len >= 2 bytes, all inside the header. */
static int slh_parse_opt(const uint8_t *p, uint32_t len,
			 struct slh_tcp_opts *o)
{
	switch (p[0]) {
	case SLH_TCPOPT_MSS:
		if (len != 4)
			return -SLH_TCP_E_BAD_OPT;
		o->mss = ndiv_get_be16(p + 2);
		o->present |= SLH_OPT_MSS;
		return 0;
	case SLH_TCPOPT_WSCALE:
		if (len != 3)
			return -SLH_TCP_E_BAD_OPT;
		o->wscale = p[2] > SLH_TCP_MAX_WSCALE ?
			    SLH_TCP_MAX_WSCALE : p[2];
		o->present |= SLH_OPT_WSCALE;
		return 0;
	case SLH_TCPOPT_SACK_PERM:
		if (len != 2)
			return -SLH_TCP_E_BAD_OPT;
		o->present |= SLH_OPT_SACK_PERM;
		return 0;
	case SLH_TCPOPT_SACK:
		return slh_parse_sack(p, len, o);
	case SLH_TCPOPT_TS:
		if (len != 10)
			return -SLH_TCP_E_BAD_OPT;
		o->tsval = ndiv_get_be32(p + 2);
		o->tsecr = ndiv_get_be32(p + 6);
		o->present |= SLH_OPT_TS;
		return 0;
	default:
		/* RFC 9293 MUST-6: skip what we do not implement */
		o->present |= SLH_OPT_OTHER;
		return 0;
	}
}

/* Walk len (at most 40) bytes of options at p. */
static int slh_parse_opts(const uint8_t *p, uint32_t len,
			  struct slh_tcp_opts *o)
{
	uint32_t i = 0, olen;
	int ret;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		if (p[i] == SLH_TCPOPT_EOL)
			break;
		if (p[i] == SLH_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (len - i < 2)
			return -SLH_TCP_E_BAD_OPT;
		olen = p[i + 1];
		/* a length below 2 would not advance the walk */
		if (olen < 2 || olen > len - i)
			return -SLH_TCP_E_BAD_OPT;
		ret = slh_parse_opt(p + i, olen, o);
		if (ret)
			return ret;
		i += olen;
	}
	return 0;
}

static int slh_parse_tcp(const struct ndiv_frame *f, struct slh_seg *s)
{
	const uint8_t *th = f->data + s->l4_off;
	uint32_t hlen;

	if (s->l4_len < SLH_TCP_HLEN)
		return -SLH_TCP_E_BAD_LEN;
	hlen = (th[12] >> 4) * 4u;
	if (hlen < SLH_TCP_HLEN || hlen > s->l4_len)
		return -SLH_TCP_E_BAD_DOFF;
	s->sport = ndiv_get_be16(th);
	s->dport = ndiv_get_be16(th + 2);
	s->seq = ndiv_get_be32(th + 4);
	s->ack = ndiv_get_be32(th + 8);
	s->flags = th[13];
	s->window = ndiv_get_be16(th + 14);
	s->hdr_len = (uint8_t)hlen;
	s->pay_off = s->l4_off + hlen;
	s->pay_len = s->l4_len - hlen;
	return slh_parse_opts(th + SLH_TCP_HLEN, hlen - SLH_TCP_HLEN, &s->opt);
}

static uint32_t slh_pseudo(uint8_t family, const uint8_t *saddr,
			   const uint8_t *daddr, uint32_t l4len)
{
	if (family == 4)
		return ndiv_csum_pseudo4(saddr, daddr, SLH_IPPROTO_TCP,
					 (uint16_t)l4len);
	return ndiv_csum_pseudo6(saddr, daddr, SLH_IPPROTO_TCP, l4len);
}

int slh_tcp_csum_ok(const struct ndiv_frame *f, const struct slh_seg *s)
{
	uint32_t sum = slh_pseudo(s->family, s->saddr, s->daddr, s->l4_len);

	sum = ndiv_csum_add(f->data + s->l4_off, s->l4_len, sum);
	return ndiv_csum_fold(sum) ? -SLH_TCP_E_BAD_CSUM_TCP : 0;
}

int slh_tcp_parse(const struct ndiv_frame *f, struct slh_seg *s,
		  unsigned int flags)
{
	uint16_t proto;
	int ret;

	ret = slh_parse_eth(f, s, &proto);
	if (ret)
		return ret;
	if (proto == SLH_ETH_P_IPV4)
		ret = slh_parse_ip4(f, s);
	else if (proto == SLH_ETH_P_IPV6)
		ret = slh_parse_ip6(f, s);
	else
		ret = -SLH_TCP_E_NOT_IP;
	if (!ret)
		ret = slh_parse_tcp(f, s);
	if (!ret && !(flags & SLH_TCP_NOCSUM))
		ret = slh_tcp_csum_ok(f, s);
	return ret;
}

/* Option bytes slh_put_opts() writes; always a multiple of 4. */
static uint32_t slh_opts_len(const struct slh_tcp_out *out)
{
	uint32_t n = 0;

	if (out->opts & SLH_OPT_MSS)
		n += 4;
	if (out->opts & SLH_OPT_TS)
		n += 12;	/* SACK-Permitted, if any, shares this word */
	else if (out->opts & SLH_OPT_SACK_PERM)
		n += 4;
	if (out->opts & SLH_OPT_WSCALE)
		n += 4;
	return n;
}

/* Options in Linux's order (tcp_options_write()), so peers see nothing odd. */
static void slh_put_opts(uint8_t *p, const struct slh_tcp_out *out)
{
	if (out->opts & SLH_OPT_MSS) {
		p[0] = SLH_TCPOPT_MSS;
		p[1] = 4;
		ndiv_put_be16(p + 2, out->mss);
		p += 4;
	}
	if (out->opts & SLH_OPT_TS) {
		if (out->opts & SLH_OPT_SACK_PERM) {
			p[0] = SLH_TCPOPT_SACK_PERM;
			p[1] = 2;
		} else {
			p[0] = SLH_TCPOPT_NOP;
			p[1] = SLH_TCPOPT_NOP;
		}
		p[2] = SLH_TCPOPT_TS;
		p[3] = 10;
		ndiv_put_be32(p + 4, out->tsval);
		ndiv_put_be32(p + 8, out->tsecr);
		p += 12;
	} else if (out->opts & SLH_OPT_SACK_PERM) {
		p[0] = SLH_TCPOPT_NOP;
		p[1] = SLH_TCPOPT_NOP;
		p[2] = SLH_TCPOPT_SACK_PERM;
		p[3] = 2;
		p += 4;
	}
	if (out->opts & SLH_OPT_WSCALE) {
		p[0] = SLH_TCPOPT_NOP;
		p[1] = SLH_TCPOPT_WSCALE;
		p[2] = 3;
		p[3] = out->wscale;
	}
}

static uint32_t slh_ip_hlen(uint8_t family)
{
	return family == 4 ? SLH_IP4_HLEN : SLH_IP6_HLEN;
}

uint32_t slh_tcp_reply_off(const struct slh_seg *rx,
			   const struct slh_tcp_out *out)
{
	return rx->l3_off + slh_ip_hlen(rx->family) + SLH_TCP_HLEN +
	       slh_opts_len(out);
}

/* Is out something we can emit for rx, which must come from f? */
static int slh_check_out(const struct ndiv_frame *f,
			 const struct slh_seg *rx,
			 const struct slh_tcp_out *out)
{
	uint32_t max;

	if (rx->family != 4 && rx->family != 6)
		return -SLH_TCP_E_INVAL;
	if (rx->l3_off > f->len ||
	    slh_ip_hlen(rx->family) > f->len - rx->l3_off)
		return -SLH_TCP_E_INVAL;
	if (out->opts & ~SLH_OPT_OUT_MASK)
		return -SLH_TCP_E_INVAL;
	if ((out->opts & SLH_OPT_WSCALE) && out->wscale > SLH_TCP_MAX_WSCALE)
		return -SLH_TCP_E_INVAL;
	if (out->payload_len && !out->payload)
		return -SLH_TCP_E_INVAL;
	/* the 16-bit IPv4 total length or IPv6 payload length */
	max = 0xffff - SLH_TCP_HLEN - slh_opts_len(out);
	if (rx->family == 4)
		max -= SLH_IP4_HLEN;
	if (out->payload_len > max)
		return -SLH_TCP_E_INVAL;
	return 0;
}

/* Make f exactly len bytes long; the caller checked the tailroom. */
static void slh_resize(struct ndiv_frame *f, uint32_t len)
{
	if (len > f->len)
		ndiv_frame_put(f, len - f->len);
	else
		ndiv_frame_trim(f, len);
}

static void slh_swap(uint8_t *a, uint8_t *b, uint32_t n)
{
	uint8_t t;
	uint32_t i;

	for (i = 0; i < n; i++) {
		t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/* The reply's IPv4 header, without options, over rx's; addresses swapped. */
static void slh_put_ip4(uint8_t *ip, uint32_t l4len, uint8_t ttl)
{
	ip[0] = 0x45;
	ip[1] = 0;		/* no DSCP, and not ECN-capable */
	ndiv_put_be16(ip + 2, (uint16_t)(SLH_IP4_HLEN + l4len));
	/* RFC 6864: an atomic datagram may use any ID, so a constant */
	ndiv_put_be16(ip + 4, 0);
	ndiv_put_be16(ip + 6, SLH_IP4_DF);
	ip[8] = ttl;
	ip[9] = SLH_IPPROTO_TCP;
	slh_swap(ip + 12, ip + 16, 4);
	ndiv_put_be16(ip + 10, ndiv_csum_ip4_hdr(ip, SLH_IP4_HLEN));
}

/* The reply's IPv6 header over rx's; addresses swapped. */
static void slh_put_ip6(uint8_t *ip, uint32_t l4len, uint8_t hlim)
{
	ndiv_put_be32(ip, 6u << 28);	/* traffic class, flow label 0 */
	ndiv_put_be16(ip + 4, (uint16_t)l4len);
	ip[6] = SLH_IPPROTO_TCP;
	ip[7] = hlim;
	slh_swap(ip + 8, ip + 24, 16);
}

static void slh_put_tcp(uint8_t *th, const struct slh_seg *rx,
			const struct slh_tcp_out *out, uint32_t hlen)
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
	slh_put_opts(th + SLH_TCP_HLEN, out);
}

int slh_tcp_reply(struct ndiv_frame *f, const struct slh_seg *rx,
		  const struct slh_tcp_out *out)
{
	uint32_t l4_off, hlen, l4len, len, sum;
	uint8_t *ip, *th;
	uint8_t ttl = out->ttl ? out->ttl : SLH_TCP_TTL;
	int ret;

	ret = slh_check_out(f, rx, out);
	if (ret)
		return ret;
	l4_off = rx->l3_off + slh_ip_hlen(rx->family);
	hlen = SLH_TCP_HLEN + slh_opts_len(out);
	l4len = hlen + out->payload_len;
	len = l4_off + l4len;
	if (len > f->len && len - f->len > f->tailroom)
		return -SLH_TCP_E_NOSPACE;

	slh_resize(f, len);
	/*
	 * The payload first: its source may be anywhere in the old frame,
	 * which the headers below overwrite. Its destination starts after
	 * the new IP header, so it cannot clobber the MACs and addresses
	 * still to be swapped.
	 */
	if (out->payload_len)
		memmove(f->data + l4_off + hlen, out->payload,
			out->payload_len);

	slh_swap(f->data, f->data + 6, 6);
	ip = f->data + rx->l3_off;
	th = f->data + l4_off;
	if (rx->family == 4)
		slh_put_ip4(ip, l4len, ttl);
	else
		slh_put_ip6(ip, l4len, ttl);
	slh_put_tcp(th, rx, out, hlen);

	/* after the swap, the reply's saddr/daddr sit where rx's did */
	sum = slh_pseudo(rx->family, rx->saddr, rx->daddr, l4len);
	ndiv_put_be16(th + 16, ndiv_csum_fold(ndiv_csum_add(th, l4len, sum)));
	return 0;
}

int slh_tcp_reset(struct ndiv_frame *f, const struct slh_seg *rx)
{
	struct slh_tcp_out out;

	if (rx->flags & SLH_TCP_RST)
		return -SLH_TCP_E_INVAL;
	memset(&out, 0, sizeof(out));
	if (rx->flags & SLH_TCP_ACK) {
		out.seq = rx->ack;
		out.flags = SLH_TCP_RST;
	} else {
		out.ack = rx->seq + slh_tcp_seg_len(rx);
		out.flags = SLH_TCP_RST | SLH_TCP_ACK;
	}
	return slh_tcp_reply(f, rx, &out);
}

const char *slh_tcp_strerror(int err)
{
	static const char * const names[SLH_TCP_E_NR] = {
		[SLH_TCP_OK] = "ok",
		[SLH_TCP_E_TRUNCATED] = "truncated",
		[SLH_TCP_E_VLAN] = "vlan",
		[SLH_TCP_E_NOT_IP] = "not_ip",
		[SLH_TCP_E_BAD_VER] = "bad_ver",
		[SLH_TCP_E_BAD_IHL] = "bad_ihl",
		[SLH_TCP_E_BAD_LEN] = "bad_len",
		[SLH_TCP_E_BAD_CSUM_IP] = "bad_csum_ip",
		[SLH_TCP_E_FRAGMENT] = "fragment",
		[SLH_TCP_E_EXT_HDR] = "ext_hdr",
		[SLH_TCP_E_NOT_TCP] = "not_tcp",
		[SLH_TCP_E_NOT_UNICAST] = "not_unicast",
		[SLH_TCP_E_BAD_DOFF] = "bad_doff",
		[SLH_TCP_E_BAD_OPT] = "bad_opt",
		[SLH_TCP_E_BAD_CSUM_TCP] = "bad_csum_tcp",
		[SLH_TCP_E_INVAL] = "inval",
		[SLH_TCP_E_NOSPACE] = "nospace",
	};

	if (err > 0 || err <= -SLH_TCP_E_NR)
		return "unknown";
	return names[-err];
}
