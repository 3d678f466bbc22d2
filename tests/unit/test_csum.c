// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the Internet checksum in <ndiv/csum.h>. */
#include <stdlib.h>
#include <ndiv/csum.h>

#include "ktap.h"
#include "rnd.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))


/* RFC 1071 the slow way: 16-bit words, end-around carry at every step. */
static uint16_t ref_sum(const uint8_t *p, size_t len, uint16_t sum)
{
	uint32_t s = sum;
	size_t i;

	for (i = 0; i < len; i += 2) {
		s += (uint32_t)p[i] << 8;
		if (i + 1 < len)
			s += p[i + 1];
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)s;
}

static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	return (uint16_t)~ref_sum(p, len, 0);
}

static void byte_order_helpers(void)
{
	uint8_t b[7] = { 0 };

	ndiv_put_be16(b + 1, 0x1234);
	ndiv_put_be32(b + 3, 0x89abcdef);
	KTAP_EXPECT(b[0] == 0 && b[1] == 0x12 && b[2] == 0x34);
	KTAP_EXPECT(b[3] == 0x89 && b[4] == 0xab && b[5] == 0xcd);
	KTAP_EXPECT(b[6] == 0xef);
	KTAP_EXPECT(ndiv_get_be16(b + 1) == 0x1234);
	KTAP_EXPECT(ndiv_get_be32(b + 3) == 0x89abcdef);
}

/*
 * Every length 0..2048 at every start alignment 0..7, each in a heap
 * block of exactly that size so that ASan sees any read past the end.
 */
static void add_matches_reference(void)
{
	uint32_t len, align, sum;
	uint8_t *blk, *p;

	for (len = 0; len <= 2048; len++) {
		for (align = 0; align < 8; align++) {
			blk = malloc(align + len + 1);
			p = blk + align;
			rnd_fill(p, len);
			sum = ndiv_csum_add(p, len, 0);
			KTAP_EXPECT(ndiv_csum_fold16(sum) == ref_sum(p, len, 0));
			KTAP_EXPECT(ndiv_csum_fold(sum) == ref_csum(p, len));
			free(blk);
		}
	}
}

/* A starting sum of any size is added in, carries included. */
static void add_with_initial_sum(void)
{
	uint8_t buf[64];
	uint32_t i, sum, len;

	for (i = 0; i < 10000; i++) {
		len = rnd() % sizeof(buf);
		rnd_fill(buf, len);
		sum = rnd();
		KTAP_EXPECT(ndiv_csum_fold16(ndiv_csum_add(buf, len, sum)) ==
			    ref_sum(buf, len, ndiv_csum_fold16(sum)));
	}
	KTAP_EXPECT(ndiv_csum_add(buf, 0, 0xffffffff) != 0);
}

/* Deferred carries over a long run of 0xff: the 64-bit path. */
static void add_all_ones_long(void)
{
	size_t len = 1 << 20;
	uint8_t *p = malloc(len + 1);

	memset(p, 0xff, len + 1);
	KTAP_EXPECT(ndiv_csum_fold16(ndiv_csum_add(p, len, 0)) == 0xffff);
	KTAP_EXPECT(ndiv_csum_fold16(ndiv_csum_add(p + 1, len - 1, 0)) ==
		    ref_sum(p + 1, len - 1, 0));
	free(p);
}

/* Sums chain over even-length pieces; only the last may be odd. */
static void add_chains(void)
{
	uint8_t buf[301];
	uint32_t cut, sum;

	rnd_fill(buf, sizeof(buf));
	for (cut = 0; cut <= sizeof(buf); cut += 2) {
		sum = ndiv_csum_add(buf, cut, 0);
		sum = ndiv_csum_add(buf + cut, sizeof(buf) - cut, sum);
		KTAP_EXPECT(ndiv_csum_fold16(sum) ==
			    ref_sum(buf, sizeof(buf), 0));
	}
}

/* The IPv4 header example from Wikipedia, "IPv4 header checksum". */
static void ip4_hdr_known(void)
{
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
		0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t h[24];

	KTAP_EXPECT(ndiv_csum_ip4_hdr(hdr, 20) == 0xb861);
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(hdr, 20, 0)) == 0);
	/* whatever the field holds, at an odd address, with options */
	memcpy(h + 1, hdr, 20);
	ndiv_put_be16(h + 11, 0x1234);
	KTAP_EXPECT(ndiv_csum_ip4_hdr(h + 1, 20) == 0xb861);
	memcpy(h, hdr, 20);
	h[0] = 0x46;
	memset(h + 20, 0x01, 4);
	ndiv_put_be16(h + 10, ndiv_csum_ip4_hdr(h, 24));
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(h, 24, 0)) == 0);
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(h, 24, 0)) == ref_csum(h, 24));
}

/* 192.0.2.1:40000 -> 198.51.100.7:80, SYN-ACK with MSS, 5 bytes data. */
static size_t build_ip4_tcp(uint8_t *p)
{
	static const uint8_t hdr[] = {
		/* IPv4: 20 bytes, total length 64, DF, TTL 64, TCP */
		0x45, 0x00, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00,
		0x40, 0x06, 0x00, 0x00, 192, 0, 2, 1,
		198, 51, 100, 7,
		/* TCP: ports, seq, ack, doff 6, SYN|ACK, window */
		0x9c, 0x40, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef,
		0x01, 0x02, 0x03, 0x04, 0x60, 0x12, 0xff, 0xff,
		0x00, 0x00, 0x00, 0x00,
		/* MSS 1460, then the payload */
		0x02, 0x04, 0x05, 0xb4, 'h', 'e', 'l', 'l', 'o',
	};

	memcpy(p, hdr, sizeof(hdr));
	return sizeof(hdr);
}

static void ip4_tcp_packet(void)
{
	uint8_t pkt[64], pseudo[12 + 44];
	uint8_t *tcp = pkt + 20;
	size_t len = build_ip4_tcp(pkt);
	uint16_t l4len = (uint16_t)(len - 20);
	uint32_t sum;

	ndiv_put_be16(pkt + 10, ndiv_csum_ip4_hdr(pkt, 20));
	sum = ndiv_csum_pseudo4(pkt + 12, pkt + 16, 6, l4len);
	ndiv_put_be16(tcp + 16, ndiv_csum_fold(ndiv_csum_add(tcp, l4len,
							     sum)));
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(pkt, 20, 0)) == 0);
	sum = ndiv_csum_pseudo4(pkt + 12, pkt + 16, 6, l4len);
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(tcp, l4len, sum)) == 0);

	/* the pseudo-header as RFC 793 lays it out, summed the slow way */
	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	ndiv_put_be16(pseudo + 10, l4len);
	memcpy(pseudo + 12, tcp, l4len);
	KTAP_EXPECT(ref_csum(pseudo, 12 + l4len) == 0);
}

/* 2001:db8::1:5353 -> 2001:db8::2:53, 7 bytes payload (odd length). */
static size_t build_ip6_udp(uint8_t *p)
{
	static const uint8_t hdr[] = {
		/* IPv6: payload length 15, next header UDP, hop limit 64 */
		0x60, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x11, 0x40,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x01,
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x02,
		/* UDP: ports, length 15, checksum 0 */
		0x14, 0xe9, 0x00, 0x35, 0x00, 0x0f, 0x00, 0x00,
		'p', 'a', 'y', 'l', 'o', 'a', 'd',
	};

	memcpy(p, hdr, sizeof(hdr));
	return sizeof(hdr);
}

static void ip6_udp_packet(void)
{
	uint8_t pkt[64], pseudo[40 + 15];
	uint8_t *udp = pkt + 40;
	size_t len = build_ip6_udp(pkt);
	uint32_t l4len = (uint32_t)(len - 40), sum;
	uint16_t check;

	sum = ndiv_csum_pseudo6(pkt + 8, pkt + 24, 17, l4len);
	check = ndiv_csum_fold(ndiv_csum_add(udp, l4len, sum));
	ndiv_put_be16(udp + 6, check ? check : 0xffff);
	sum = ndiv_csum_pseudo6(pkt + 8, pkt + 24, 17, l4len);
	KTAP_EXPECT(ndiv_csum_fold(ndiv_csum_add(udp, l4len, sum)) == 0);

	/* the pseudo-header as RFC 8200 lays it out */
	memcpy(pseudo, pkt + 8, 32);
	ndiv_put_be32(pseudo + 32, l4len);
	memset(pseudo + 36, 0, 3);
	pseudo[39] = 17;
	memcpy(pseudo + 40, udp, l4len);
	KTAP_EXPECT(ref_csum(pseudo, 40 + l4len) == 0);
}

/* A jumbogram's 32-bit length uses both pseudo-header length words. */
static void pseudo6_long_length(void)
{
	uint8_t pseudo[40];
	uint32_t i, l4len;

	for (i = 0; i < 1000; i++) {
		rnd_fill(pseudo, 32);
		l4len = rnd();
		ndiv_put_be32(pseudo + 32, l4len);
		memset(pseudo + 36, 0, 3);
		pseudo[39] = (uint8_t)rnd();
		KTAP_EXPECT(ndiv_csum_fold16(ndiv_csum_pseudo6(pseudo,
				pseudo + 16, pseudo[39], l4len)) ==
			    ref_sum(pseudo, 40, 0));
	}
}

/* RFC 1624 section 4: eqn. 3 gives 0x0000 where eqn. 2 gives 0xffff. */
static void replace_rfc1624_example(void)
{
	KTAP_EXPECT(ndiv_csum_replace16(0xdd2f, 0x5555, 0x3285) == 0x0000);
	KTAP_EXPECT(ndiv_csum_replace32(0xdd2f, 0x00005555, 0x00003285) ==
		    0x0000);
	KTAP_EXPECT(ndiv_csum_replace16(0x1234, 0xabcd, 0xabcd) == 0x1234);
}

#define HLEN	40	/* an IPv4 header with options */
#define CHECK	10	/* offset of its checksum field */

/* A random header, first byte 0x45 so it is never all zero. */
static void random_hdr(uint8_t *h)
{
	rnd_fill(h, HLEN);
	h[0] = 0x45;
	ndiv_put_be16(h + CHECK, ndiv_csum_ip4_hdr(h, HLEN));
}

/* Full recompute with the reference, the checksum field zeroed. */
static uint16_t full_recompute(const uint8_t *h)
{
	uint8_t c[HLEN];

	memcpy(c, h, HLEN);
	ndiv_put_be16(c + CHECK, 0);
	return ref_csum(c, HLEN);
}

/* An even offset whose width bytes do not touch the checksum field. */
static uint32_t field_off(uint32_t width)
{
	uint32_t off;

	do {
		off = 2 * (rnd() % ((HLEN - width) / 2 + 1));
	} while (off < CHECK + 2 && off + width > CHECK);
	return off;
}

static void replace16_matches_recompute(void)
{
	uint8_t h[HLEN];
	uint16_t from, to, check;
	uint32_t i, off;

	random_hdr(h);
	for (i = 0; i < 100000; i++) {
		off = field_off(2);
		from = ndiv_get_be16(h + off);
		to = (uint16_t)rnd();
		ndiv_put_be16(h + off, to);
		check = ndiv_csum_replace16(ndiv_get_be16(h + CHECK), from, to);
		KTAP_EXPECT(check == full_recompute(h));
		ndiv_put_be16(h + CHECK, check);
	}
}

static void replace32_matches_recompute(void)
{
	uint8_t h[HLEN];
	uint32_t i, off, from, to;
	uint16_t check;

	random_hdr(h);
	for (i = 0; i < 100000; i++) {
		off = field_off(4);
		from = ndiv_get_be32(h + off);
		to = rnd();
		ndiv_put_be32(h + off, to);
		check = ndiv_csum_replace32(ndiv_get_be16(h + CHECK), from, to);
		KTAP_EXPECT(check == full_recompute(h));
		ndiv_put_be16(h + CHECK, check);
	}
}

/*
 * A new value for the field of width bytes at off that makes the full
 * checksum 0: the case RFC 1624 eqn. 2 gets wrong. A 32-bit field gets a
 * random high word and the low word that completes the sum.
 */
static uint32_t value_to_zero(const uint8_t *h, uint32_t off, uint32_t width)
{
	uint8_t c[HLEN];
	uint16_t hi = width == 4 ? (uint16_t)rnd() : 0;

	memcpy(c, h, HLEN);
	memset(c + off, 0, width);
	ndiv_put_be16(c + CHECK, 0);
	ndiv_put_be16(c + off, hi);
	/* sum + ~sum is 0xffff, whose complement is the checksum 0 */
	return (uint32_t)hi << 16 | (uint16_t)~ref_sum(c, HLEN, 0);
}

static void replace_to_zero_checksum(void)
{
	uint8_t h[HLEN];
	uint32_t i, off, from, to;
	uint16_t check;

	for (i = 0; i < 20000; i++) {
		random_hdr(h);
		check = ndiv_get_be16(h + CHECK);
		if (i & 1) {
			off = field_off(4);
			from = ndiv_get_be32(h + off);
			to = value_to_zero(h, off, 4);
			check = ndiv_csum_replace32(check, from, to);
			ndiv_put_be32(h + off, to);
		} else {
			off = field_off(2);
			from = ndiv_get_be16(h + off);
			to = value_to_zero(h, off, 2);
			check = ndiv_csum_replace16(check, (uint16_t)from,
						    (uint16_t)to);
			ndiv_put_be16(h + off, (uint16_t)to);
		}
		KTAP_EXPECT(full_recompute(h) == 0);
		KTAP_EXPECT(check == 0);
	}
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(byte_order_helpers),
		KTAP_CASE(add_matches_reference),
		KTAP_CASE(add_with_initial_sum),
		KTAP_CASE(add_all_ones_long),
		KTAP_CASE(add_chains),
		KTAP_CASE(ip4_hdr_known),
		KTAP_CASE(ip4_tcp_packet),
		KTAP_CASE(ip6_udp_packet),
		KTAP_CASE(pseudo6_long_length),
		KTAP_CASE(replace_rfc1624_example),
		KTAP_CASE(replace16_matches_recompute),
		KTAP_CASE(replace32_matches_recompute),
		KTAP_CASE(replace_to_zero_checksum),
	};

	ktap_run(cases, ARRAY_LEN(cases));
	return ktap_finish();
}
