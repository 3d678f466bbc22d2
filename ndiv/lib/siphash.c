// SPDX-License-Identifier: GPL-2.0
/*
 * SipHash-2-4, written from the paper "SipHash: a fast short-input PRF"
 * (Aumasson, Bernstein, 2012): 2 rounds per message word, 4 to finalize.
 */
#include <ndiv/siphash.h>

struct sip_state {
	uint64_t v0, v1, v2, v3;
};

static inline uint64_t sip_rotl(uint64_t x, unsigned int n)
{
	return x << n | x >> (64 - n);
}

/* The initial state: the key xor "somepseudorandomlygeneratedbytes". */
static inline void sip_init(struct sip_state *s,
			    const struct ndiv_siphash_key *key)
{
	s->v0 = key->k[0] ^ 0x736f6d6570736575ULL;
	s->v1 = key->k[1] ^ 0x646f72616e646f6dULL;
	s->v2 = key->k[0] ^ 0x6c7967656e657261ULL;
	s->v3 = key->k[1] ^ 0x7465646279746573ULL;
}

static inline void sip_round(struct sip_state *s)
{
	s->v0 += s->v1;
	s->v1 = sip_rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = sip_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = sip_rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = sip_rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = sip_rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = sip_rotl(s->v2, 32);
}

/* Absorb one 64-bit message word: SipHash-2-4's "2". */
static inline void sip_compress(struct sip_state *s, uint64_t m)
{
	s->v3 ^= m;
	sip_round(s);
	sip_round(s);
	s->v0 ^= m;
}

/*
 * Absorb the last word (the tail bytes, with the message length mod 256
 * in the top byte) and finalize: SipHash-2-4's "4".
 */
static inline uint64_t sip_final(struct sip_state *s, uint64_t last)
{
	sip_compress(s, last);
	s->v2 ^= 0xff;
	sip_round(s);
	sip_round(s);
	sip_round(s);
	sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* The 0..7 bytes after the last whole word, little-endian. */
static uint64_t sip_tail(const uint8_t *p, uint32_t n)
{
	uint64_t t = 0;

	while (n--)
		t |= (uint64_t)p[n] << (8 * n);
	return t;
}

uint64_t ndiv_siphash(const void *data, uint32_t len,
		      const struct ndiv_siphash_key *key)
{
	const uint8_t *p = data;
	uint64_t last = (uint64_t)len << 56;
	struct sip_state s;
	uint32_t n;

	sip_init(&s, key);
	for (n = len; n >= 8; p += 8, n -= 8)
		sip_compress(&s, ndiv_get_le64(p));
	return sip_final(&s, last | sip_tail(p, n));
}
NDIV_EXPORT(ndiv_siphash);

/* Two 32-bit words as the 64-bit word their little-endian bytes form. */
static inline uint64_t sip_pair(uint32_t lo, uint32_t hi)
{
	return (uint64_t)hi << 32 | lo;
}

uint64_t ndiv_siphash_3u32(uint32_t a, uint32_t b, uint32_t c,
			   const struct ndiv_siphash_key *key)
{
	struct sip_state s;

	sip_init(&s, key);
	sip_compress(&s, sip_pair(a, b));
	return sip_final(&s, (uint64_t)12 << 56 | c);
}
NDIV_EXPORT(ndiv_siphash_3u32);

uint64_t ndiv_siphash_4u32(uint32_t a, uint32_t b, uint32_t c, uint32_t d,
			   const struct ndiv_siphash_key *key)
{
	struct sip_state s;

	sip_init(&s, key);
	sip_compress(&s, sip_pair(a, b));
	sip_compress(&s, sip_pair(c, d));
	return sip_final(&s, (uint64_t)16 << 56);
}
NDIV_EXPORT(ndiv_siphash_4u32);
