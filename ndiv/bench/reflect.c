// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv_bench "reflect": send UDP and TCP frames back where they came from,
 * with Ethernet, IP addresses and ports swapped, like xdp-bench tx with
 * address swapping. Swapping keeps every checksum valid (the one's
 * complement sum does not depend on the order of the words), so nothing
 * is recomputed.
 *
 * Everything else (ARP, ICMP, neighbour discovery, later fragments, frames
 * from or to group or non-unicast addresses, hardware-stripped VLAN
 * frames) is passed to the stack, so the device stays reachable while
 * bound. The packet library's parser decides (pkt_parse_l3()).
 */
#include <ndiv/pkt_l3.h>
#include "reflect.h"

/* What reflect mirrors: TCP or UDP with its ports, checksums as sent. */
#define REFLECT_L3	(NDIV_PKT_TCP | NDIV_PKT_UDP | NDIV_PKT_FIRST_FRAG | \
			 NDIV_PKT_NO_IP_CSUM)

/**
 * ndiv_bench_reflect - turn a UDP/TCP frame into its mirror image
 * @f: the frame
 *
 * Return: NDIV_TX if the frame was mirrored, NDIV_PASS otherwise (frame
 * untouched).
 */
int ndiv_bench_reflect(struct ndiv_frame *f)
{
	struct ndiv_l3 l3;
	uint8_t *l4;

	/* like xdp-bench tx, which never sees a stripped tag */
	if (f->flags & NDIV_F_VLAN_STRIPPED)
		return NDIV_PASS;
	/* inline, for these constant flags: no call into ndiv.ko per frame */
	if (pkt_parse_l3(f, &l3, REFLECT_L3) ||
	    l3.l4_len < 4)
		return NDIV_PASS;
	l4 = f->data + l3.l4_off;
	/* constant lengths: the compiler unrolls each swap */
	if (l3.family == 4)
		ndiv_pkt_swap((uint8_t *)l3.saddr, (uint8_t *)l3.daddr, 4);
	else
		ndiv_pkt_swap((uint8_t *)l3.saddr, (uint8_t *)l3.daddr, 16);
	ndiv_pkt_swap(l4, l4 + 2, 2);
	ndiv_pkt_swap(f->data, f->data + NDIV_ETH_ALEN, NDIV_ETH_ALEN);
	return NDIV_TX;
}
