/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the Ethernet, 802.1Q and IP layers as inline
 * functions, so that ndiv_pkt_parse_l3() (pkt.c), the transport parsers
 * (tcp.c) and an app on its hot path (bench-reflect) share one parser
 * while each gets it compiled for its own constant flags, with no call
 * into another module. Use pkt_parse_l3() where the flags are constant
 * and every instruction counts; ndiv_pkt_parse_l3() elsewhere. What is
 * accepted is described in pkt.h.
 *
 * The frame is hostile: every read is preceded by a check that the bytes
 * are inside f->len, and nothing loops over frame contents.
 */
#ifndef _NDIV_LIB_PKT_L3_H
#define _NDIV_LIB_PKT_L3_H

#include <ndiv/csum.h>
#include <ndiv/pkt.h>

/* Ethernet header and at most one 802.1Q tag; sets l3->l3_off. */
static inline int pkt_parse_eth(const struct ndiv_frame *f,
				struct ndiv_l3 *l3, uint16_t *proto)
{
	const uint8_t *p = f->data;
	uint32_t off = NDIV_ETH_HLEN;

	if (f->len < NDIV_ETH_HLEN)
		return -NDIV_PKT_E_TRUNCATED;
	/*
	 * The I/G bit: broadcast and multicast destinations must never be
	 * answered, and a group source address is bogus (the reply would go
	 * to a group).
	 */
	if ((p[0] | p[6]) & 1)
		return -NDIV_PKT_E_NOT_UNICAST;
	l3->vlan = NDIV_VLAN_NONE;
	l3->vlan_tci = 0;
	if (f->flags & NDIV_F_VLAN_STRIPPED) {
		l3->vlan = NDIV_VLAN_STRIPPED;
		l3->vlan_tci = f->vlan_tci;
	}
	*proto = ndiv_get_be16(p + 12);
	if (*proto == NDIV_ETH_P_8021Q && l3->vlan == NDIV_VLAN_NONE) {
		if (f->len < off + NDIV_VLAN_HLEN)
			return -NDIV_PKT_E_TRUNCATED;
		l3->vlan = NDIV_VLAN_INFRAME;
		l3->vlan_tci = ndiv_get_be16(p + 14);
		*proto = ndiv_get_be16(p + 16);
		off += NDIV_VLAN_HLEN;
	}
	/* a second tag, or a stripped one plus one in the frame */
	if (*proto == NDIV_ETH_P_8021Q || *proto == NDIV_ETH_P_8021AD)
		return -NDIV_PKT_E_VLAN;
	l3->l3_off = off;
	return 0;
}

/*
 * Addresses a responder may talk to. 0/8 is "this network", 127/8
 * loopback (martian on a wire), 224/4 multicast and 240/4 reserved,
 * which includes the limited broadcast 255.255.255.255.
 */
static inline int pkt_unicast4(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* Not multicast, unspecified, loopback or IPv4-mapped (RFC 4291 2.5). */
static inline int pkt_unicast6(const uint8_t *a)
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

static inline int pkt_proto_wanted(uint8_t proto, unsigned int flags)
{
	return (proto == NDIV_IPPROTO_TCP && (flags & NDIV_PKT_TCP)) ||
	       (proto == NDIV_IPPROTO_UDP && (flags & NDIV_PKT_UDP));
}

/*
 * MF or an offset make a fragment; only a first one (offset 0) carries
 * the upper-layer header, and only a caller that asked may see it.
 */
static inline int pkt_ip4_frag(const uint8_t *ip, struct ndiv_l3 *l3,
			       unsigned int flags)
{
	uint16_t frag = ndiv_get_be16(ip + 6);

	if (!(frag & (NDIV_IP4_MF | NDIV_IP4_OFFSET)))
		return 0;
	/* a later fragment's first bytes are data, not ports */
	if (frag & NDIV_IP4_OFFSET)
		l3->known &= ~NDIV_L3_KNOWN_PORTS;
	if ((frag & NDIV_IP4_OFFSET) || !(flags & NDIV_PKT_FIRST_FRAG))
		return -NDIV_PKT_E_FRAGMENT;
	l3->known |= NDIV_L3_FIRST_FRAG;
	return 0;
}

/*
 * An IPv4 packet cut short by the frame: still say whose it is, so that an
 * app counts a broken packet sent to it and passes the others.
 */
static inline int pkt_ip4_cut(const uint8_t *ip, uint32_t hlen, uint32_t room,
		       struct ndiv_l3 *l3)
{
	l3->l4_len = hlen < room ? room - hlen : 0;
	l3->known = NDIV_L3_KNOWN_ADDR;
	if (!(ndiv_get_be16(ip + 6) & NDIV_IP4_OFFSET))
		l3->known |= NDIV_L3_KNOWN_PORTS;
	return -NDIV_PKT_E_TRUNCATED;
}

static inline int pkt_parse_ip4(const struct ndiv_frame *f,
				struct ndiv_l3 *l3, unsigned int flags)
{
	const uint8_t *ip = f->data + l3->l3_off;
	uint32_t room = f->len - l3->l3_off, hlen, tot;
	int ret;

	if (room < NDIV_IP4_HLEN)
		return -NDIV_PKT_E_TRUNCATED;
	if (ip[0] >> 4 != 4)
		return -NDIV_PKT_E_BAD_VER;
	hlen = (ip[0] & 0xf) * 4u;
	if (hlen < NDIV_IP4_HLEN)
		return -NDIV_PKT_E_BAD_IHL;
	/*
	 * From here on, whatever fails, l3 says whose packet it was: the
	 * addresses are inside the 20 bytes known to be there.
	 */
	l3->family = 4;
	l3->proto = ip[9];
	l3->saddr = ip + 12;
	l3->daddr = ip + 16;
	l3->l4_off = l3->l3_off + hlen;
	tot = ndiv_get_be16(ip + 2);
	/* anything after tot is Ethernet padding; less than tot is cut */
	if (tot > room)
		return pkt_ip4_cut(ip, hlen, room, l3);
	if (tot < hlen) {
		l3->l4_len = 0;
		l3->known = NDIV_L3_KNOWN_ADDR;
		return -NDIV_PKT_E_BAD_LEN;
	}
	l3->l4_len = tot - hlen;
	l3->known = NDIV_L3_KNOWN_ADDR | NDIV_L3_KNOWN_PORTS;
	/* cheap rejections first: other protocols go to the stack */
	if (!pkt_proto_wanted(ip[9], flags))
		return -NDIV_PKT_E_PROTO;
	ret = pkt_ip4_frag(ip, l3, flags);
	if (ret)
		return ret;
	if (!(flags & NDIV_PKT_NO_IP_CSUM) &&
	    ndiv_csum_fold(ndiv_csum_add(ip, hlen, 0)))
		return -NDIV_PKT_E_BAD_CSUM_IP;
	if (!pkt_unicast4(ip + 12) || !pkt_unicast4(ip + 16))
		return -NDIV_PKT_E_NOT_UNICAST;
	return 0;
}

/* Why a next header is refused: the IANA extension header list. */
static inline int pkt_ip6_nexthdr_err(uint8_t nh)
{
	switch (nh) {
	case NDIV_IPPROTO_FRAGMENT:
		return -NDIV_PKT_E_FRAGMENT;
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
		return -NDIV_PKT_E_EXT_HDR;
	default:
		return -NDIV_PKT_E_PROTO;
	}
}

static inline int pkt_parse_ip6(const struct ndiv_frame *f,
				struct ndiv_l3 *l3, unsigned int flags)
{
	const uint8_t *ip = f->data + l3->l3_off;
	uint32_t room = f->len - l3->l3_off, plen;

	if (room < NDIV_IP6_HLEN)
		return -NDIV_PKT_E_TRUNCATED;
	if (ip[0] >> 4 != 6)
		return -NDIV_PKT_E_BAD_VER;
	/* whose packet it is, as for IPv4 */
	plen = ndiv_get_be16(ip + 4);
	l3->family = 6;
	l3->proto = ip[6];
	l3->saddr = ip + 8;
	l3->daddr = ip + 24;
	l3->l4_off = l3->l3_off + NDIV_IP6_HLEN;
	l3->l4_len = plen < room - NDIV_IP6_HLEN ? plen : room - NDIV_IP6_HLEN;
	/* behind an extension header, the bytes are not the ports */
	l3->known = NDIV_L3_KNOWN_ADDR;
	if (ip[6] == NDIV_IPPROTO_TCP || ip[6] == NDIV_IPPROTO_UDP)
		l3->known |= NDIV_L3_KNOWN_PORTS;
	if (plen > room - NDIV_IP6_HLEN)
		return -NDIV_PKT_E_TRUNCATED;
	if (!pkt_proto_wanted(ip[6], flags))
		return pkt_ip6_nexthdr_err(ip[6]);
	if (!pkt_unicast6(ip + 8) || !pkt_unicast6(ip + 24))
		return -NDIV_PKT_E_NOT_UNICAST;
	return 0;
}

static inline int pkt_parse_l3(const struct ndiv_frame *f, struct ndiv_l3 *l3,
			       unsigned int flags)
{
	uint16_t proto;
	int ret;

	l3->known = 0;
	ret = pkt_parse_eth(f, l3, &proto);
	if (likely(!ret)) {
		if (proto == NDIV_ETH_P_IP)
			ret = pkt_parse_ip4(f, l3, flags);
		else if (proto == NDIV_ETH_P_IPV6)
			ret = pkt_parse_ip6(f, l3, flags);
		else
			ret = -NDIV_PKT_E_NOT_IP;
	}
	return ret;
}

#endif /* _NDIV_LIB_PKT_L3_H */
