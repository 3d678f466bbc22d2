/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet checksum (RFC 1071) for IPv4, TCP and UDP, with the RFC 1624
 * incremental update. Plain C: builds in the kernel and in user space.
 *
 * Byte order convention: the checksum is defined over big-endian 16-bit
 * words, and here every value is a plain number in host order:
 *
 *  - a partial sum (uint32_t) is the one's complement sum of the buffer's
 *    big-endian 16-bit words taken as numbers, not yet folded to 16 bits.
 *    It is the same number on every CPU, unlike the kernel's __wsum.
 *    Sums chain: pass one call's result as the next call's sum. Every
 *    buffer but the last must have an even length, as the words of the
 *    next one would be shifted by a byte otherwise.
 *  - a final checksum (uint16_t) is a host-order number; store it with
 *    ndiv_put_be16() and read a stored one with ndiv_get_be16().
 *  - a field that is changed in place (ndiv_csum_replace16/32) is passed
 *    as the number read with ndiv_get_be16() / ndiv_get_be32(), at an
 *    even offset from the start of the checksummed data.
 *
 * Verifying: ndiv_csum_fold() of the sum over data that includes its
 * stored checksum is 0. Computing: sum the data with the checksum field
 * zero, fold, store. UDP transmits a computed 0 as 0xffff (RFC 768): a
 * stored 0 means "no checksum".
 */
#ifndef _NDIV_CSUM_H
#define _NDIV_CSUM_H

#include "compat.h"

/* Add len bytes at buf (any alignment) to the partial sum. */
uint32_t ndiv_csum_add(const void *buf, uint32_t len, uint32_t sum);

/* Partial sums of the TCP/UDP pseudo-headers (RFC 793, RFC 8200 8.1). */
uint32_t ndiv_csum_pseudo4(const void *saddr, const void *daddr,
			   uint8_t proto, uint16_t l4len);
uint32_t ndiv_csum_pseudo6(const void *saddr, const void *daddr,
			   uint8_t proto, uint32_t l4len);

/*
 * Checksum of the IPv4 header at iph, hlen (IHL * 4, at least 20) bytes
 * long, ignoring what its checksum field holds: the value to store there.
 */
uint16_t ndiv_csum_ip4_hdr(const void *iph, uint32_t hlen);

/*
 * The checksum to store after a 16-bit or 32-bit field that check covers
 * changed from the value from to the value to. RFC 1624 eqn. 3: the
 * result equals a full recompute, never the -0 (0xffff) of eqn. 2. For
 * UDP, skip a stored 0 (no checksum) and store a result of 0 as 0xffff.
 */
uint16_t ndiv_csum_replace16(uint16_t check, uint16_t from, uint16_t to);
uint16_t ndiv_csum_replace32(uint16_t check, uint32_t from, uint32_t to);

/* Fold a partial sum to 16 bits with end-around carries. */
static inline uint16_t ndiv_csum_fold16(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The final checksum of a partial sum: folded and complemented. */
static inline uint16_t ndiv_csum_fold(uint32_t sum)
{
	return (uint16_t)~ndiv_csum_fold16(sum);
}

#endif /* _NDIV_CSUM_H */
