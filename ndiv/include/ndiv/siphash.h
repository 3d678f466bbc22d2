/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit PRF for
 * short inputs, e.g. SYN cookies an attacker must not be able to forge.
 * Plain C: builds in the kernel and in user space.
 *
 * As in the reference, the key and the message are read little-endian
 * on every CPU, so the same key and bytes give the same hash everywhere.
 */
#ifndef _NDIV_SIPHASH_H
#define _NDIV_SIPHASH_H

#include "compat.h"

/* The 128-bit secret: k[0] from key bytes 0..7, k[1] from bytes 8..15. */
struct ndiv_siphash_key {
	uint64_t k[2];
};

/* Load a key from 16 bytes, e.g. from get_random_bytes(). */
static inline void ndiv_siphash_setkey(struct ndiv_siphash_key *key,
				       const void *bytes)
{
	const uint8_t *b = bytes;

	key->k[0] = ndiv_get_le64(b);
	key->k[1] = ndiv_get_le64(b + 8);
}

/* SipHash-2-4 of len bytes at data (any alignment). */
uint64_t ndiv_siphash(const void *data, uint32_t len,
		      const struct ndiv_siphash_key *key);

/*
 * The same as ndiv_siphash() over the words stored little-endian one
 * after the other (12 or 16 bytes), without a byte loop: for hashing
 * addresses, ports and a counter into a SYN cookie.
 */
uint64_t ndiv_siphash_3u32(uint32_t a, uint32_t b, uint32_t c,
			   const struct ndiv_siphash_key *key);
uint64_t ndiv_siphash_4u32(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
			   const struct ndiv_siphash_key *key);

#endif /* _NDIV_SIPHASH_H */
