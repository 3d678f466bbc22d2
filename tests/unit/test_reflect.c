// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the bench-reflect packet logic (ndiv/bench/reflect.c). */
#include <string.h>
#include "../../ndiv/bench/reflect.h"

#include "ktap.h"
#include "pkt.h"

static struct test_pkt t;

static void udp4_is_mirrored_with_valid_checksums(void)
{
	uint8_t orig[PKT_BUF], *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_udp4(p, (const uint8_t *)"hello", 5);

	memcpy(orig, p, len);
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_TX);
	KTAP_EXPECT(t.f.len == len);
	KTAP_EXPECT(!memcmp(p, orig + 6, 6) && !memcmp(p + 6, orig, 6));
	KTAP_EXPECT(!memcmp(p + 26, orig + 30, 4));
	KTAP_EXPECT(!memcmp(p + 30, orig + 26, 4));
	KTAP_EXPECT(!memcmp(p + 34, orig + 36, 2));
	KTAP_EXPECT(!memcmp(p + 36, orig + 34, 2));
	KTAP_EXPECT(!memcmp(p + 42, "hello", 5));
	KTAP_EXPECT(pkt_udp4_csum_ok(p));
}

static void reflect_twice_is_identity(void)
{
	uint8_t orig[PKT_BUF], *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_tcp6(p);

	memcpy(orig, p, len);
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_TX);
	KTAP_EXPECT(memcmp(p, orig, len));
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_TX);
	KTAP_EXPECT(!memcmp(p, orig, len));
}

static void arp_and_multicast_pass_untouched(void)
{
	uint8_t orig[PKT_BUF], *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_arp(p);

	memcpy(orig, p, len);
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
	KTAP_EXPECT(!memcmp(p, orig, len));
	len = pkt_udp4(p, (const uint8_t *)"x", 1);
	p[0] = 0x01;	/* multicast destination */
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
}

static void non_first_fragment_passes(void)
{
	uint8_t *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_udp4(p, (const uint8_t *)"frag", 4);

	p[14 + 7] = 0x10;	/* fragment offset 16 */
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
}

static void stripped_vlan_passes(void)
{
	uint8_t *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_udp4(p, (const uint8_t *)"v", 1);

	pkt_frame(&t, len);
	t.f.flags = NDIV_F_VLAN_STRIPPED;
	t.f.vlan_tci = 10;
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
}

static void every_truncation_is_safe(void)
{
	uint8_t full[PKT_BUF], *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_udp4(full, (const uint8_t *)"abcd", 4), l;
	int v;

	/*
	 * Each length up to the full frame: no out-of-bounds access (run
	 * under ASan), and mirrored only once the whole IP packet is there
	 * (a cut one goes to the stack, which counts it).
	 */
	for (l = 0; l <= len; l++) {
		memcpy(p, full, l);
		pkt_frame(&t, l);
		v = ndiv_bench_reflect(&t.f);
		KTAP_EXPECT(v == (l == len ? NDIV_TX : NDIV_PASS));
	}
}

static void bad_ihl_passes(void)
{
	uint8_t *p = t.buf + PKT_HEADROOM;
	size_t len = pkt_udp4(p, (const uint8_t *)"z", 1);

	p[14] = 0x44;	/* IHL 4 words: shorter than an IPv4 header */
	pkt_frame(&t, len);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
	p[14] = 0x4f;	/* IHL 60 bytes: beyond this frame's ports */
	pkt_frame(&t, 14 + 40);
	KTAP_EXPECT(ndiv_bench_reflect(&t.f) == NDIV_PASS);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(udp4_is_mirrored_with_valid_checksums),
		KTAP_CASE(reflect_twice_is_identity),
		KTAP_CASE(arp_and_multicast_pass_untouched),
		KTAP_CASE(non_first_fragment_passes),
		KTAP_CASE(stripped_vlan_passes),
		KTAP_CASE(every_truncation_is_safe),
		KTAP_CASE(bad_ihl_passes),
	};

	ktap_run(cases, sizeof(cases) / sizeof(cases[0]));
	return ktap_finish();
}
