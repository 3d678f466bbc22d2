// SPDX-License-Identifier: GPL-2.0
/* Unit tests for SipHash-2-4 in <ndiv/siphash.h>. */
#include <stdlib.h>
#include <ndiv/siphash.h>

#include "ktap.h"
#include "rnd.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The reference test vectors (github.com/veorq/SipHash, also in the
 * kernel's lib/siphash_kunit.c): key bytes 00..0f, message i bytes
 * 00, 01, .., i - 1.
 */
static const uint64_t vectors[64] = {
	0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL,
	0x85676696d7fb7e2dULL, 0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
	0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL, 0x93f5f5799a932462ULL,
	0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
	0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL,
	0xa129ca6149be45e5ULL, 0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL,
	0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL, 0xbed65cf21aa2ee98ULL,
	0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
	0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL,
	0x2f2e6163076bcfadULL, 0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL,
	0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL, 0x7127512f72f27cceULL,
	0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
	0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL,
	0x9abfd8766a33735cULL, 0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL,
	0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL, 0xf935451de4f21df2ULL,
	0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
	0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL,
	0xa192d576b245165aULL, 0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL,
	0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL, 0xb78dbfaf3a8d83bdULL,
	0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
	0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL,
	0x958a324ceb064572ULL,
};


static void seq_bytes(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)i;
}

static void test_key(struct ndiv_siphash_key *key)
{
	uint8_t kb[16];

	seq_bytes(kb, sizeof(kb));
	ndiv_siphash_setkey(key, kb);
}

static void le_helpers(void)
{
	uint8_t b[9] = { 0 };

	ndiv_put_le32(b + 1, 0x89abcdef);
	KTAP_EXPECT(b[1] == 0xef && b[2] == 0xcd && b[3] == 0xab);
	KTAP_EXPECT(b[4] == 0x89 && ndiv_get_le32(b + 1) == 0x89abcdef);
	seq_bytes(b, sizeof(b));
	KTAP_EXPECT(ndiv_get_le64(b + 1) == 0x0807060504030201ULL);
}

static void setkey_reads_le(void)
{
	struct ndiv_siphash_key key;

	test_key(&key);
	KTAP_EXPECT(key.k[0] == 0x0706050403020100ULL);
	KTAP_EXPECT(key.k[1] == 0x0f0e0d0c0b0a0908ULL);
}

/* All 64 vectors, each at every start alignment 0..7. */
static void reference_vectors(void)
{
	struct ndiv_siphash_key key;
	uint32_t len, align;
	uint8_t *blk;

	test_key(&key);
	for (len = 0; len < ARRAY_LEN(vectors); len++) {
		for (align = 0; align < 8; align++) {
			/* exactly sized, so ASan sees reads past the end */
			blk = malloc(align + len + 1);
			seq_bytes(blk + align, len);
			KTAP_EXPECT(ndiv_siphash(blk + align, len, &key) ==
				    vectors[len]);
			free(blk);
		}
	}
}

/* The fixed-size helpers on the vectors' own messages of 12, 16 bytes. */
static void fixed_size_vectors(void)
{
	struct ndiv_siphash_key key;
	uint8_t m[16];

	test_key(&key);
	seq_bytes(m, sizeof(m));
	KTAP_EXPECT(ndiv_siphash_3u32(ndiv_get_le32(m), ndiv_get_le32(m + 4),
				      ndiv_get_le32(m + 8), &key) ==
		    vectors[12]);
	KTAP_EXPECT(ndiv_siphash_4u32(ndiv_get_le32(m), ndiv_get_le32(m + 4),
				      ndiv_get_le32(m + 8),
				      ndiv_get_le32(m + 12), &key) ==
		    vectors[16]);
}

/* Random keys and words: the helpers equal the generic function. */
static void fixed_size_matches_generic(void)
{
	struct ndiv_siphash_key key;
	uint32_t w[4], i, j;
	uint8_t m[16];

	for (i = 0; i < 10000; i++) {
		key.k[0] = (uint64_t)rnd() << 32 | rnd();
		key.k[1] = (uint64_t)rnd() << 32 | rnd();
		for (j = 0; j < 4; j++) {
			w[j] = rnd();
			ndiv_put_le32(m + 4 * j, w[j]);
		}
		KTAP_EXPECT(ndiv_siphash_3u32(w[0], w[1], w[2], &key) ==
			    ndiv_siphash(m, 12, &key));
		KTAP_EXPECT(ndiv_siphash_4u32(w[0], w[1], w[2], w[3], &key) ==
			    ndiv_siphash(m, 16, &key));
	}
}

/* Any flipped key or message bit changes the hash. */
static void key_and_message_matter(void)
{
	struct ndiv_siphash_key key, k2;
	uint64_t h;
	uint32_t bit;

	test_key(&key);
	h = ndiv_siphash_4u32(1, 2, 3, 4, &key);
	for (bit = 0; bit < 128; bit++) {
		k2 = key;
		k2.k[bit / 64] ^= 1ULL << (bit % 64);
		KTAP_EXPECT(ndiv_siphash_4u32(1, 2, 3, 4, &k2) != h);
		KTAP_EXPECT(ndiv_siphash_4u32(1 ^ (1U << (bit % 32)), 2, 3, 4,
					      &key) != h);
	}
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(le_helpers),
		KTAP_CASE(setkey_reads_le),
		KTAP_CASE(reference_vectors),
		KTAP_CASE(fixed_size_vectors),
		KTAP_CASE(fixed_size_matches_generic),
		KTAP_CASE(key_and_message_matter),
	};

	ktap_run(cases, ARRAY_LEN(cases));
	return ktap_finish();
}
