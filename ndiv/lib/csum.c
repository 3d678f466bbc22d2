// SPDX-License-Identifier: GPL-2.0
/*
 * Internet checksum (RFC 1071, RFC 1624); see <ndiv/csum.h> for the byte
 * order convention.
 */
#include <ndiv/csum.h>

/*
 * Fold a 64-bit sum to 32 bits. 2^32 is 1 modulo 0xffff, so adding the
 * carries back in keeps the one's complement sum; a non-zero sum stays
 * non-zero, which keeps -0 (0xffff) apart from +0.
 */
static uint32_t csum_fold64(uint64_t acc)
{
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	return (uint32_t)acc;
}

/*
 * Summing big-endian 32-bit words instead of 16-bit ones halves the loads:
 * each word is two 16-bit words, and 2^16 is 1 modulo 0xffff. Carries are
 * deferred to the 64-bit accumulator; len < 2^32 bytes cannot fill it.
 */
static uint64_t csum_words(const uint8_t *p, uint32_t len, uint64_t acc)
{
	for (; len >= 16; p += 16, len -= 16)
		acc += (uint64_t)ndiv_get_be32(p) + ndiv_get_be32(p + 4) +
		       ndiv_get_be32(p + 8) + ndiv_get_be32(p + 12);
	for (; len >= 4; p += 4, len -= 4)
		acc += ndiv_get_be32(p);
	if (len >= 2) {
		acc += ndiv_get_be16(p);
		p += 2;
		len -= 2;
	}
	/* RFC 1071: an odd last byte is the high byte of a zero-padded word */
	if (len)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

uint32_t ndiv_csum_add(const void *buf, uint32_t len, uint32_t sum)
{
	return csum_fold64(csum_words(buf, len, sum));
}
NDIV_EXPORT(ndiv_csum_add);

uint32_t ndiv_csum_pseudo4(const void *saddr, const void *daddr,
			   uint8_t proto, uint16_t l4len)
{
	/* zero byte + protocol, then the TCP/UDP length */
	uint32_t sum = (uint32_t)proto + l4len;

	sum = ndiv_csum_add(saddr, 4, sum);
	return ndiv_csum_add(daddr, 4, sum);
}
NDIV_EXPORT(ndiv_csum_pseudo4);

uint32_t ndiv_csum_pseudo6(const void *saddr, const void *daddr,
			   uint8_t proto, uint32_t l4len)
{
	/* 32-bit length, three zero bytes + next header */
	uint32_t sum = (l4len >> 16) + (l4len & 0xffff) + proto;

	sum = ndiv_csum_add(saddr, 16, sum);
	return ndiv_csum_add(daddr, 16, sum);
}
NDIV_EXPORT(ndiv_csum_pseudo6);

uint16_t ndiv_csum_ip4_hdr(const void *iph, uint32_t hlen)
{
	const uint8_t *p = iph;
	/* skip the checksum field at offset 10 instead of zeroing it */
	uint32_t sum = ndiv_csum_add(p, 10, 0);

	return ndiv_csum_fold(ndiv_csum_add(p + 12, hlen - 12, sum));
}
NDIV_EXPORT(ndiv_csum_ip4_hdr);

/* The one's complement of a 16-bit word: subtracts it from a sum. */
static uint32_t csum_neg16(uint32_t x)
{
	return ~x & 0xffff;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). The sum inside is +0 only if
 * every term is 0, which no real header gives, so HC' is 0 where a full
 * recompute gives 0; eqn. 2 (HC - ~m - m') would give -0 (0xffff) there.
 */
uint16_t ndiv_csum_replace16(uint16_t check, uint16_t from, uint16_t to)
{
	return ndiv_csum_fold(csum_neg16(check) + csum_neg16(from) + to);
}
NDIV_EXPORT(ndiv_csum_replace16);

/* As replace16, with the 32-bit field as its two 16-bit words. */
uint16_t ndiv_csum_replace32(uint16_t check, uint32_t from, uint32_t to)
{
	uint32_t sum = csum_neg16(check);

	sum += csum_neg16(from >> 16) + csum_neg16(from & 0xffff);
	sum += (to >> 16) + (to & 0xffff);
	return ndiv_csum_fold(sum);
}
NDIV_EXPORT(ndiv_csum_replace32);
