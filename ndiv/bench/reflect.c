// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv_bench "reflect": send UDP and TCP frames back where they came from,
 * with Ethernet, IP addresses and ports swapped, like xdp-bench tx with
 * address swapping. Swapping keeps every checksum valid (the one's
 * complement sum does not depend on the order of the words), so nothing
 * is recomputed.
 *
 * Everything else (ARP, ICMP, neighbour discovery, fragments, frames to
 * multicast or broadcast addresses, hardware-stripped VLAN frames) is
 * passed to the stack, so the device stays reachable while bound.
 */
#include "reflect.h"

#define ETH_ALEN_	6
#define ETH_HLEN_	14
#define VLAN_HLEN_	4
#define ETH_P_IP_	0x0800
#define ETH_P_IPV6_	0x86dd
#define ETH_P_8021Q_	0x8100
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPV4_HLEN_MIN	20
#define IPV6_HLEN	40

static void swap_bytes(uint8_t *a, uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint8_t t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

static int is_l4_swappable(uint8_t proto)
{
	return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_;
}

/*
 * Swap the IPv4 addresses and L4 ports of the packet at l3 (len bytes).
 * Returns 0 if it is not a first-fragment TCP/UDP packet we can swap.
 */
static int reflect_ipv4(uint8_t *l3, uint32_t len)
{
	uint32_t ihl;

	if (len < IPV4_HLEN_MIN || (l3[0] >> 4) != 4)
		return 0;
	ihl = (l3[0] & 0x0f) * 4u;
	if (ihl < IPV4_HLEN_MIN || len < ihl + 4)
		return 0;
	/* fragments other than the first carry no L4 header */
	if (ndiv_get_be16(l3 + 6) & 0x1fff)
		return 0;
	if (!is_l4_swappable(l3[9]))
		return 0;
	swap_bytes(l3 + 12, l3 + 16, 4);
	swap_bytes(l3 + ihl, l3 + ihl + 2, 2);
	return 1;
}

/* The same for IPv6; extension headers are not walked (passed). */
static int reflect_ipv6(uint8_t *l3, uint32_t len)
{
	if (len < IPV6_HLEN + 4 || (l3[0] >> 4) != 6)
		return 0;
	if (!is_l4_swappable(l3[6]))
		return 0;
	swap_bytes(l3 + 8, l3 + 24, 16);
	swap_bytes(l3 + IPV6_HLEN, l3 + IPV6_HLEN + 2, 2);
	return 1;
}

/**
 * ndiv_bench_reflect - turn a UDP/TCP frame into its mirror image
 * @f: the frame
 *
 * Return: NDIV_TX if the frame was mirrored, NDIV_PASS otherwise (frame
 * untouched).
 */
int ndiv_bench_reflect(struct ndiv_frame *f)
{
	uint8_t *p = f->data;
	uint32_t off = ETH_HLEN_;
	uint16_t proto;
	int ok;

	if (f->len < ETH_HLEN_ || (f->flags & NDIV_F_VLAN_STRIPPED))
		return NDIV_PASS;
	/* group destination: a mirrored frame would get a group source */
	if (p[0] & 1)
		return NDIV_PASS;
	proto = ndiv_get_be16(p + 12);
	if (proto == ETH_P_8021Q_) {
		if (f->len < ETH_HLEN_ + VLAN_HLEN_)
			return NDIV_PASS;
		proto = ndiv_get_be16(p + 16);
		off += VLAN_HLEN_;
	}
	if (proto == ETH_P_IP_)
		ok = reflect_ipv4(p + off, f->len - off);
	else if (proto == ETH_P_IPV6_)
		ok = reflect_ipv6(p + off, f->len - off);
	else
		ok = 0;
	if (!ok)
		return NDIV_PASS;
	swap_bytes(p, p + ETH_ALEN_, ETH_ALEN_);
	return NDIV_TX;
}
