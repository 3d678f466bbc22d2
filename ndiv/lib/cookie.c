// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv packet library: the SYN-cookie hash (cookie.h). IPv4 takes the
 * word-wise SipHash, with no byte loop; IPv6 hashes a 40-byte block.
 */
#include <ndiv/cookie.h>

uint32_t ndiv_cookie_hash(const struct ndiv_siphash_key *key, int family,
			  const uint8_t *saddr, const uint8_t *daddr,
			  uint16_t sport, uint16_t dport, uint32_t cisn)
{
	uint8_t buf[40];

	if (family == 4)
		return (uint32_t)ndiv_siphash_4u32(ndiv_get_be32(saddr),
						   ndiv_get_be32(daddr),
						   (uint32_t)sport << 16 | dport,
						   cisn, key);
	memcpy(buf, saddr, 16);
	memcpy(buf + 16, daddr, 16);
	ndiv_put_be16(buf + 32, sport);
	ndiv_put_be16(buf + 34, dport);
	ndiv_put_be32(buf + 36, cisn);
	return (uint32_t)ndiv_siphash(buf, sizeof(buf), key);
}
NDIV_EXPORT(ndiv_cookie_hash);
