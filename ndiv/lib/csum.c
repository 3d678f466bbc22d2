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

/* An unaligned native-order 64-bit load, split into its 32-bit halves. */
static inline uint64_t csum_load64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return (w & 0xffffffff) + (w >> 32);
}

/*
 * The one's complement sum is independent of byte order (RFC 1071 2.B):
 * summing the data as native-order words and swapping the folded 16-bit
 * result gives the big-endian sum. So the loop loads 8 bytes at a time in
 * native order, with no per-word byte swap, and adds their 32-bit halves
 * into a 64-bit accumulator: 2^32 is 1 modulo 0xffff, and len < 2^32
 * bytes cannot carry out of it. The tail is taken 4, 2 and 1 bytes at a
 * time, each piece at an even offset; an odd last byte is the first byte
 * of a zero-padded word, as RFC 1071 wants.
 */
static uint64_t csum_words(const uint8_t *p, uint32_t len, uint64_t acc)
{
	uint64_t sum = 0;
	uint32_t folded, w32;
	uint16_t w16;

	for (; len >= 32; p += 32, len -= 32)
		sum += csum_load64(p) + csum_load64(p + 8) +
		       csum_load64(p + 16) + csum_load64(p + 24);
	for (; len >= 8; p += 8, len -= 8)
		sum += csum_load64(p);
	if (len & 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		p += 4;
	}
	if (len & 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		p += 2;
	}
	if (len & 1) {
		const uint8_t odd[2] = { p[0], 0 };

		memcpy(&w16, odd, 2);
		sum += w16;
	}
	folded = csum_fold64(sum);
	folded = (folded & 0xffff) + (folded >> 16);
	folded = (folded & 0xffff) + (folded >> 16);
	return acc + ndiv_ntohs((uint16_t)folded);
}

uint32_t ndiv_csum_add(const void *buf, uint32_t len, uint32_t sum)
{
	return csum_fold64(csum_words(buf, len, sum));
}
NDIV_EXPORT(ndiv_csum_add);

/* The two 16-bit halves of a big-endian 32-bit word, summed. */
static inline uint32_t csum_be32(const void *p)
{
	uint32_t w = ndiv_get_be32(p);

	return (w >> 16) + (w & 0xffff);
}

/*
 * Pseudo-headers and IP headers are short and of known shape: summed
 * inline, a word at a time, without the loop and fold of ndiv_csum_add().
 * Each sum below stays far from 2^32.
 */
uint32_t ndiv_csum_pseudo4(const void *saddr, const void *daddr,
			   uint8_t proto, uint16_t l4len)
{
	/* zero byte + protocol, then the TCP/UDP length */
	return (uint32_t)proto + l4len + csum_be32(saddr) + csum_be32(daddr);
}
NDIV_EXPORT(ndiv_csum_pseudo4);

uint32_t ndiv_csum_pseudo6(const void *saddr, const void *daddr,
			   uint8_t proto, uint32_t l4len)
{
	const uint8_t *s = saddr, *d = daddr;
	/* 32-bit length, three zero bytes + next header */
	uint32_t sum = (l4len >> 16) + (l4len & 0xffff) + proto;
	unsigned int i;

	for (i = 0; i < 16; i += 4)
		sum += csum_be32(s + i) + csum_be32(d + i);
	return sum;
}
NDIV_EXPORT(ndiv_csum_pseudo6);

uint16_t ndiv_csum_ip4_hdr(const void *iph, uint32_t hlen)
{
	const uint8_t *p = iph;
	/* skip the checksum field at offset 10 instead of zeroing it */
	uint32_t sum = csum_be32(p) + csum_be32(p + 4) + ndiv_get_be16(p + 8);
	uint32_t off;

	/* hlen is 20 to 60 and a multiple of 4 (the IHL field) */
	for (off = 12; off + 4 <= hlen; off += 4)
		sum += csum_be32(p + off);
	return ndiv_csum_fold(sum);
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
