/* SPDX-License-Identifier: GPL-2.0 */
/* Frame builders for unit tests: real wire formats, checksums included. */
#ifndef _NDIV_TEST_PKT_H
#define _NDIV_TEST_PKT_H

#include <stdint.h>
#include <stddef.h>

#define PKT_HEADROOM	64
#define PKT_BUF		2048

struct test_pkt {
	uint8_t buf[PKT_BUF];
	struct ndiv_frame f;
};

size_t pkt_udp4(uint8_t *p, const uint8_t *payload, size_t plen);
size_t pkt_tcp6(uint8_t *p);
size_t pkt_arp(uint8_t *p);
void pkt_frame(struct test_pkt *t, size_t len);
uint16_t pkt_csum(const uint8_t *p, size_t len, uint32_t sum);
int pkt_udp4_csum_ok(const uint8_t *frame);

#endif /* _NDIV_TEST_PKT_H */
