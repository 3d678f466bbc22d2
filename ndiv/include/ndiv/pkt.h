/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: Ethernet, 802.1Q and IPv4/IPv6 headers of a
 * received frame. Plain C that builds into ndiv.ko and into user-space
 * tests, fuzzers and benchmarks; it keeps no state.
 *
 * ndiv_pkt_parse_l3() is the one parser below the transport layer: the
 * TCP layer (tcp.h) builds on it, and so does every app that only needs
 * addresses and ports (bench-reflect). What it accepts:
 *
 *   Ethernet II, unicast destination and source MAC (a responder must not
 *   answer a group address, and a group source is bogus), with at most
 *   one 802.1Q tag: either in the frame or stripped by the NIC
 *   (NDIV_F_VLAN_STRIPPED), not both; 802.1ad is refused.
 *
 *   IPv4: version 4, IHL >= 5 (options are skipped), an upper-layer
 *   protocol the caller asked for, not a fragment unless the caller allows
 *   first fragments, a valid header checksum unless the caller skips it.
 *   Total length decides where the packet ends: Ethernet padding may
 *   follow, but a frame shorter than it is truncated. Both addresses must
 *   be unicast: not 0/8, 127/8, 224/4 (multicast) or 240/4 (reserved and
 *   255.255.255.255). A subnet's directed broadcast cannot be told from a
 *   host address without the netmask; an app must filter it if it cares.
 *
 *   IPv6: version 6, the asked-for upper-layer protocol right after the
 *   fixed header. Any extension header is refused (a Fragment header as a
 *   fragment): walking a chain of them is the costliest part of IPv6
 *   parsing to harden, and a reply would have to drop them anyway.
 *   Neither address may be ::, ::1, multicast (ff00::/8) or IPv4-mapped
 *   (::ffff:0:0/96).
 *
 * Every failure has its own negative result so that an app can count it.
 * The TCP layer's results continue the same list.
 */
#ifndef _NDIV_PKT_H
#define _NDIV_PKT_H

#include "frame.h"
#include "types.h"

#define NDIV_ETH_ALEN		6
#define NDIV_ETH_HLEN		14
#define NDIV_VLAN_HLEN		4
#define NDIV_ETH_P_IP		0x0800
#define NDIV_ETH_P_IPV6		0x86dd
#define NDIV_ETH_P_8021Q	0x8100
#define NDIV_ETH_P_8021AD	0x88a8

#define NDIV_IP4_HLEN		20
#define NDIV_IP6_HLEN		40
#define NDIV_IP4_DF		0x4000
#define NDIV_IP4_MF		0x2000
#define NDIV_IP4_OFFSET		0x1fff
#define NDIV_IPPROTO_TCP	6
#define NDIV_IPPROTO_UDP	17
#define NDIV_IPPROTO_FRAGMENT	44
#define NDIV_TCP_HLEN		20	/* without options */
#define NDIV_UDP_HLEN		8

/* Results: 0 is success, the negated values below are failures. */
enum ndiv_pkt_err {
	NDIV_PKT_OK,
	NDIV_PKT_E_TRUNCATED,	/* frame ends before what headers promise */
	NDIV_PKT_E_VLAN,	/* more than one VLAN tag, or 802.1ad */
	NDIV_PKT_E_NOT_IP,	/* EtherType is neither IPv4 nor IPv6 */
	NDIV_PKT_E_BAD_VER,	/* IP version does not match the EtherType */
	NDIV_PKT_E_BAD_IHL,	/* IPv4 IHL below 5 */
	NDIV_PKT_E_BAD_LEN,	/* IP length too short for its headers */
	NDIV_PKT_E_BAD_CSUM_IP,	/* IPv4 header checksum */
	NDIV_PKT_E_FRAGMENT,	/* IPv4 fragment or IPv6 Fragment header */
	NDIV_PKT_E_EXT_HDR,	/* IPv6 extension header before L4 */
	NDIV_PKT_E_PROTO,	/* an upper-layer protocol not asked for */
	NDIV_PKT_E_NOT_UNICAST,	/* a group MAC, or a non-unicast IP address */
	/* transport layer (tcp.h) */
	NDIV_PKT_E_BAD_DOFF,	/* TCP data offset below 5 or past the end */
	NDIV_PKT_E_BAD_OPT,	/* malformed TCP option */
	NDIV_PKT_E_BAD_CSUM_L4,	/* TCP checksum */
	NDIV_PKT_E_INVAL,	/* a builder was asked for the impossible */
	NDIV_PKT_E_NOSPACE,	/* a reply exceeds the frame's tailroom */
	NDIV_PKT_E_NR
};

/* ndiv_pkt_parse_l3() flags */
#define NDIV_PKT_TCP		0x01	/* accept TCP */
#define NDIV_PKT_UDP		0x02	/* accept UDP */
#define NDIV_PKT_FIRST_FRAG	0x04	/* accept a first IPv4 fragment */
#define NDIV_PKT_NO_IP_CSUM	0x08	/* do not verify the IPv4 checksum */

/*
 * Parse the Ethernet, VLAN and IP headers of f into l3. flags: which
 * upper-layer protocols to accept (NDIV_PKT_TCP, NDIV_PKT_UDP) and the
 * relaxations above. Returns 0 or a negated enum ndiv_pkt_err; l3 is only
 * meaningful on success, but for l3->known (any addresses may be there
 * on failure: only a parse that succeeded checked they are unicast).
 */
int ndiv_pkt_parse_l3(const struct ndiv_frame *f, struct ndiv_l3 *l3,
		      unsigned int flags);

/* Swap n bytes at a and b: source and destination of a reply. */
static inline void ndiv_pkt_swap(uint8_t *a, uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

/* Short name of a result ("ok", "truncated", ...), for counters. */
const char *ndiv_pkt_strerror(int err);

#endif /* _NDIV_PKT_H */
