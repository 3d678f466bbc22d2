// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv packet library: the Ethernet, 802.1Q and IP layers; what is
 * accepted is described in pkt.h, the parser itself is in <ndiv/pkt_l3.h>.
 */
#include <ndiv/pkt_l3.h>

int ndiv_pkt_parse_l3(const struct ndiv_frame *f, struct ndiv_l3 *l3,
		      unsigned int flags)
{
	return pkt_parse_l3(f, l3, flags);
}
NDIV_EXPORT(ndiv_pkt_parse_l3);

const char *ndiv_pkt_strerror(int err)
{
	static const char * const names[NDIV_PKT_E_NR] = {
		[NDIV_PKT_OK] = "ok",
		[NDIV_PKT_E_TRUNCATED] = "truncated",
		[NDIV_PKT_E_VLAN] = "vlan",
		[NDIV_PKT_E_NOT_IP] = "not_ip",
		[NDIV_PKT_E_BAD_VER] = "bad_ver",
		[NDIV_PKT_E_BAD_IHL] = "bad_ihl",
		[NDIV_PKT_E_BAD_LEN] = "bad_len",
		[NDIV_PKT_E_BAD_CSUM_IP] = "bad_csum_ip",
		[NDIV_PKT_E_FRAGMENT] = "fragment",
		[NDIV_PKT_E_EXT_HDR] = "ext_hdr",
		[NDIV_PKT_E_PROTO] = "proto",
		[NDIV_PKT_E_NOT_UNICAST] = "not_unicast",
		[NDIV_PKT_E_BAD_DOFF] = "bad_doff",
		[NDIV_PKT_E_BAD_OPT] = "bad_opt",
		[NDIV_PKT_E_BAD_CSUM_L4] = "bad_csum_l4",
		[NDIV_PKT_E_INVAL] = "inval",
		[NDIV_PKT_E_NOSPACE] = "nospace",
	};

	if (err > 0 || err <= -NDIV_PKT_E_NR)
		return "unknown";
	return names[-err];
}
NDIV_EXPORT(ndiv_pkt_strerror);
