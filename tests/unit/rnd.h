/* SPDX-License-Identifier: GPL-2.0 */
/* Reproducible pseudo-random data for unit tests: xorshift32, no libc state. */
#ifndef _NDIV_TEST_RND_H
#define _NDIV_TEST_RND_H

#include <stddef.h>
#include <stdint.h>

static uint32_t rnd_state = 0x6e646976;

static inline uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static inline void rnd_fill(uint8_t *p, size_t len)
{
	while (len--)
		*p++ = (uint8_t)rnd();
}

#endif /* _NDIV_TEST_RND_H */
