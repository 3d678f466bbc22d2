// SPDX-License-Identifier: GPL-2.0
/* Frame builders for unit tests. */
#include <string.h>
#include <ndiv/frame.h>

#include "pkt.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* One's complement sum over len bytes, folded, not inverted. */
static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	return (uint16_t)~csum_add(p, len, sum);
}

static void eth(uint8_t *p, uint16_t proto)
{
	memcpy(p, mac_b, 6);
	memcpy(p + 6, mac_a, 6);
	put16(p + 12, proto);
}

static uint32_t udp4_pseudo(const uint8_t *ip, uint16_t l4len)
{
	uint32_t sum = csum_add(ip + 12, 8, 0);

	return sum + 17 + l4len;
}

/* 198.18.0.1:40000 -> 198.18.0.2:9, valid IP and UDP checksums. */
size_t pkt_udp4(uint8_t *p, const uint8_t *payload, size_t plen)
{
	uint8_t *ip = p + 14, *udp = ip + 20;
	uint16_t l4len = (uint16_t)(8 + plen);

	eth(p, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 198; ip[13] = 18; ip[14] = 0; ip[15] = 1;
	ip[16] = 198; ip[17] = 18; ip[18] = 0; ip[19] = 2;
	put16(ip + 10, pkt_csum(ip, 20, 0));
	put16(udp, 40000);
	put16(udp + 2, 9);
	put16(udp + 4, l4len);
	put16(udp + 6, 0);
	memcpy(udp + 8, payload, plen);
	put16(udp + 6, pkt_csum(udp, l4len, udp4_pseudo(ip, l4len)));
	return 14 + 20 + l4len;
}

int pkt_udp4_csum_ok(const uint8_t *frame)
{
	const uint8_t *ip = frame + 14, *udp = ip + 20;
	uint16_t l4len = (uint16_t)(udp[4] << 8 | udp[5]);

	return pkt_csum(ip, 20, 0) == 0 &&
	       pkt_csum(udp, l4len, udp4_pseudo(ip, l4len)) == 0;
}

/* 2001:2::1 port 40000 -> 2001:2::2 port 80, TCP SYN. */
size_t pkt_tcp6(uint8_t *p)
{
	uint8_t *ip = p + 14, *tcp = ip + 40;

	eth(p, 0x86dd);
	memset(ip, 0, 40 + 20);
	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = 6;
	ip[7] = 64;
	ip[8] = 0x20; ip[9] = 0x01; ip[11] = 0x02; ip[23] = 1;
	ip[24] = 0x20; ip[25] = 0x01; ip[27] = 0x02; ip[39] = 2;
	put16(tcp, 40000);
	put16(tcp + 2, 80);
	tcp[12] = 5 << 4;
	tcp[13] = 0x02;
	return 14 + 40 + 20;
}

size_t pkt_arp(uint8_t *p)
{
	eth(p, 0x0806);
	memset(p, 0xff, 6);
	memset(p + 14, 0, 28);
	return 14 + 28;
}

/* Describe the frame at buf + PKT_HEADROOM as a driver would. */
void pkt_frame(struct test_pkt *t, size_t len)
{
	t->f.data = t->buf + PKT_HEADROOM;
	t->f.len = (uint32_t)len;
	t->f.headroom = PKT_HEADROOM;
	t->f.tailroom = (uint32_t)(PKT_BUF - PKT_HEADROOM - len);
	t->f.rxq = 0;
	t->f.flags = 0;
	t->f.vlan_tci = 0;
	t->f.dev = NULL;
}
