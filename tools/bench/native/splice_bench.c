// SPDX-License-Identifier: GPL-2.0
/*
 * Native cost of the splice (ndiv/lib/splice.c): rewrite one segment N
 * times in place. The rewrite keeps no state and leaves the segment's
 * struct ndiv_tcp_seg describing the frame, so the same frame goes
 * through again and again, its numbers moving by the offsets each time.
 * Run under callgrind with two values of N: the difference of the totals
 * over the difference of N is the cost of one rewrite, start-up excluded
 * (Documentation/proxy.rst).
 *
 *   splice_bench CASE N [parse]
 *
 * CASE: ts4 (an IPv4 data segment, 1448 bytes, Timestamps, from the
 * backend to the client, window rescaled), sack4 (an IPv4 ACK from the
 * client with Timestamps and 3 SACK blocks), ts6 (ts4 over IPv6).
 * With "parse", each round also parses the segment (ndiv_tcp_parse(),
 * checksum not verified, as the NIC does that), as the proxy does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndiv/csum.h>
#include <ndiv/splice.h>

static uint8_t frame[2048];

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x01 };

/* The options of each case, already a multiple of 4 bytes long. */
static uint32_t put_opts(uint8_t *o, int sack)
{
	uint32_t i, n = 12;

	memcpy(o, "\x01\x01\x08\x0a", 4);
	ndiv_put_be32(o + 4, 123456);
	ndiv_put_be32(o + 8, 654321);
	if (!sack)
		return n;
	memcpy(o + n, "\x01\x01\x05\x1a", 4);
	for (i = 0; i < 6; i++)
		ndiv_put_be32(o + n + 4 + 4 * i, 0x20000000 + 1448 * (i + 2));
	return n + 28;
}

/* An Ethernet frame of the case, checksums right; returns its length. */
static uint32_t build(int family, int sack, uint32_t pay)
{
	uint32_t iph = family == 4 ? 20 : 40, olen, l4, sum;
	uint8_t *ip = frame + 14, *th = ip + iph;

	memcpy(frame, mac_b, 6);
	memcpy(frame + 6, mac_a, 6);
	ndiv_put_be16(frame + 12, family == 4 ? NDIV_ETH_P_IP : NDIV_ETH_P_IPV6);
	olen = put_opts(th + 20, sack);
	l4 = 20 + olen + pay;
	memset(th, 0, 20);
	ndiv_put_be16(th, 8080);
	ndiv_put_be16(th + 2, 61001);
	ndiv_put_be32(th + 4, 0x10000000);
	ndiv_put_be32(th + 8, 0x20000000);
	th[12] = (uint8_t)((20 + olen) / 4 << 4);
	th[13] = NDIV_TCP_ACK;
	ndiv_put_be16(th + 14, 1000);
	memset(th + 20 + olen, 'x', pay);
	if (family == 4) {
		memset(ip, 0, 20);
		ip[0] = 0x45;
		ndiv_put_be16(ip + 2, (uint16_t)(20 + l4));
		ip[8] = 64;
		ip[9] = NDIV_IPPROTO_TCP;
		memcpy(ip + 12, "\xc6\x13\x01\x0a\xc6\x12\x00\x02", 8);
		ndiv_put_be16(ip + 10, ndiv_csum_ip4_hdr(ip, 20));
		sum = ndiv_csum_pseudo4(ip + 12, ip + 16, NDIV_IPPROTO_TCP,
					(uint16_t)l4);
	} else {
		memset(ip, 0, 40);
		ip[0] = 0x60;
		ndiv_put_be16(ip + 4, (uint16_t)l4);
		ip[6] = NDIV_IPPROTO_TCP;
		ip[7] = 64;
		ip[8] = 0x20;
		ip[9] = 0x01;
		ip[23] = 10;
		ip[24] = 0x20;
		ip[25] = 0x01;
		ip[39] = 2;
		sum = ndiv_csum_pseudo6(ip + 8, ip + 24, NDIV_IPPROTO_TCP, l4);
	}
	ndiv_put_be16(th + 16, ndiv_csum_fold(ndiv_csum_add(th, l4, sum)));
	return 14 + iph + l4;
}

static void dir(struct ndiv_splice_dir *d, int family)
{
	memset(d, 0, sizeof(*d));
	d->family = (uint8_t)family;
	memcpy(d->dmac, "\x02\x00\x00\x00\x00\x0c", 6);
	memcpy(d->smac, mac_b, 6);
	d->saddr[0] = family == 4 ? 198 : 0x20;
	d->daddr[0] = family == 4 ? 203 : 0x20;
	d->daddr[15] = 1;
	d->saddr[3] = 2;
	d->sport = 80;
	d->dport = 40000;
	d->seq_off = 0x7a5c0001;
	d->ack_off = 0xfffff000;
	d->tsval_off = 0x1000;
	d->tsecr_off = 0xfffff000;
	d->wscale_in = 10;
	d->wscale_out = 9;
}

int main(int argc, char **argv)
{
	struct ndiv_splice_dir d;
	struct ndiv_frame f;
	struct ndiv_tcp_seg s;
	int family = 4, sack = 0, parse;
	unsigned long i, n;

	if (argc < 3) {
		fprintf(stderr, "usage: %s ts4|sack4|ts6 N [parse]\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "sack4"))
		sack = 1;
	else if (!strcmp(argv[1], "ts6"))
		family = 6;
	n = strtoul(argv[2], NULL, 0);
	parse = argc > 3 && !strcmp(argv[3], "parse");
	memset(&f, 0, sizeof(f));
	f.data = frame;
	f.len = build(family, sack, sack ? 0 : 1448);
	dir(&d, family);
	if (ndiv_tcp_parse(&f, &s, 0))
		return 1;
	for (i = 0; i < n; i++) {
		if (parse && ndiv_tcp_parse(&f, &s, NDIV_TCP_NOCSUM))
			return 1;
		if (ndiv_splice_rewrite(&f, &s, &d))
			return 1;
	}
	/* the last rewrite must still verify in full */
	return ndiv_tcp_parse(&f, &s, 0) ? 1 : 0;
}
