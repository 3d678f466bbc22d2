/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the SYN-cookie primitive. A keyed hash of a TCP
 * connection's addresses, ports and the client's initial sequence number,
 * from which an app derives its initial sequence number and checks the
 * ACKs that come back without keeping state (what the app encodes next
 * to it, such as MSS or a position, is the app's). SipHash-2-4 with a
 * 128-bit secret: an off-path attacker who does not know the key cannot
 * forge a cookie, and keys are rotated by the app.
 *
 * The words are hashed in a fixed byte order, so the same key and
 * connection give the same hash on every CPU; tests compute it in user
 * space.
 */
#ifndef _NDIV_COOKIE_H
#define _NDIV_COOKIE_H

#include "siphash.h"

/*
 * The 32-bit cookie hash of a connection: family 4 or 6; saddr and daddr
 * of 4 or 16 bytes, the client's (source) first; ports in host order.
 */
uint32_t ndiv_cookie_hash(const struct ndiv_siphash_key *key, int family,
			  const uint8_t *saddr, const uint8_t *daddr,
			  uint16_t sport, uint16_t dport, uint32_t cisn);

#endif /* _NDIV_COOKIE_H */
