/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the splice. Translate a TCP segment of one
 * connection into the matching segment of another, in place, so that an
 * app that answered a client's handshake itself and opened a second
 * connection to a backend can join the two: the proxy's data path once a
 * flow is bound. Plain C that builds into ndiv.ko and into user-space
 * tests; it keeps no state: everything comes from the frame and from a
 * per-direction descriptor the app keeps in its flow table.
 *
 * What a rewrite does (Documentation/proxy.rst gives the reasons):
 *
 *   Ethernet  source and destination MAC replaced; a VLAN tag, in the
 *             frame or stripped, is left as it is (one arm: one VLAN).
 *   IP        source and destination addresses replaced; the IPv4 header
 *             checksum updated. TTL / hop limit, DSCP / ECN, the IPv4 ID
 *             and the IPv6 flow label are left as received. Both sides
 *             of a splice are of the same family (IPv4 to IPv4, IPv6 to
 *             IPv6).
 *   TCP       ports replaced; seq += seq_off; ack += ack_off when ACK is
 *             set; SACK edges (D-SACK included) += ack_off, as they
 *             acknowledge the other direction's data; TSval += tsval_off,
 *             TSecr += tsecr_off when ACK is set; the window rescaled from
 *             wscale_in to wscale_out (not on a SYN, whose window is never
 *             scaled); the MSS option of a SYN clamped to mss_clamp.
 *             Everything else (flags, urgent pointer, other options,
 *             payload) is left byte for byte. All arithmetic on sequence
 *             numbers and timestamps is modulo 2^32.
 *   checksums the IPv4 header checksum and the TCP checksum updated
 *             incrementally (RFC 1624) for every changed word, the
 *             addresses included for the pseudo-header; never recomputed.
 */
#ifndef _NDIV_SPLICE_H
#define _NDIV_SPLICE_H

#include "tcp.h"

#define NDIV_SPLICE_ADDR_LEN	16	/* room for an IPv6 address */

/*
 * How the segments of one direction of a splice are rewritten. No
 * pointers: it lives in the app's flow table, two per flow (72 bytes
 * each). Addresses and MACs are in network byte order (the bytes that
 * go on the wire; an IPv4 address takes the first 4 bytes), ports in
 * host order, everything else a host-order number.
 */
struct ndiv_splice_dir {
	uint8_t dmac[NDIV_ETH_ALEN];	/* new destination MAC */
	uint8_t smac[NDIV_ETH_ALEN];	/* new source MAC */
	uint8_t saddr[NDIV_SPLICE_ADDR_LEN];	/* new source address */
	uint8_t daddr[NDIV_SPLICE_ADDR_LEN];	/* new destination address */
	uint16_t sport, dport;		/* new ports */
	/* added modulo 2^32; ack_off and tsecr_off are the negated
	 * seq_off and tsval_off of the other direction
	 */
	uint32_t seq_off;	/* to seq */
	uint32_t ack_off;	/* to ack and SACK edges */
	uint32_t tsval_off;	/* to TSval */
	uint32_t tsecr_off;	/* to TSecr */
	uint16_t mss_clamp;	/* a SYN's MSS option at most this; 0: off */
	uint8_t family;		/* 4 or 6: the family of both sides */
	uint8_t wscale_in;	/* window shift the sender announced (0..14) */
	uint8_t wscale_out;	/* window shift the receiver expects (0..14) */
};

/*
 * Rewrite the segment s, parsed from f by ndiv_tcp_parse() and unchanged
 * since, into its translation by d. s is updated to describe the
 * rewritten segment (ports, seq, ack, window, option values; saddr and
 * daddr point at the new addresses). Only fixed-size fields change, so
 * the frame keeps its length.
 *
 * Returns 0, or -NDIV_PKT_E_INVAL when d does not fit s (another family,
 * a shift above 14) or s does not describe f; the frame and s are then
 * unchanged.
 */
int ndiv_splice_rewrite(struct ndiv_frame *f, struct ndiv_tcp_seg *s,
			const struct ndiv_splice_dir *d);

/*
 * The four ends of a spliced flow: the client, the proxy's address the
 * client connected to (vip), the proxy's own address toward the backend
 * (local), and the backend. One arm: one MAC for the proxy on both sides.
 */
struct ndiv_splice_ends {
	uint8_t family;		/* 4 or 6 */
	uint8_t client_mac[NDIV_ETH_ALEN];
	uint8_t backend_mac[NDIV_ETH_ALEN];
	uint8_t proxy_mac[NDIV_ETH_ALEN];
	uint8_t client[NDIV_SPLICE_ADDR_LEN], vip[NDIV_SPLICE_ADDR_LEN];
	uint8_t local[NDIV_SPLICE_ADDR_LEN], backend[NDIV_SPLICE_ADDR_LEN];
	uint16_t client_port, vip_port, local_port, backend_port;
};

/*
 * The numbers of the two handshakes a splice joins. The client's
 * connection: the client's SYN (cisn, its window shift), the proxy's
 * SYN-ACK (pisn_c, the cookie). The backend's connection: the proxy's SYN
 * (pisn_b), the backend's SYN-ACK (bisn). Window shifts are those in
 * effect on each connection (RFC 7323 2.2: 0 unless both SYNs carried
 * the option). Timestamps, when both connections use them:
 *
 *   ts_client   the client's latest TSval the proxy saw before sending
 *               its SYN to the backend
 *   ts_to_b     TSval of the proxy's SYN to the backend
 *   ts_backend  TSval of the backend's SYN-ACK
 *   ts_to_c     the latest TSval the proxy sent the client (the cookie
 *               SYN-ACK's, or later)
 */
struct ndiv_splice_hs {
	uint32_t cisn, pisn_c, pisn_b, bisn;
	uint32_t ts_client, ts_to_b, ts_backend, ts_to_c;
	uint16_t mss_clamp;	/* see struct ndiv_splice_dir; 0: off */
	uint8_t ws_client;	/* the client's shift, on its connection */
	uint8_t ws_to_c;	/* the proxy's shift, on the client's */
	uint8_t ws_to_b;	/* the proxy's shift, on the backend's */
	uint8_t ws_backend;	/* the backend's shift, on its connection */
};

/*
 * Fill the two directions of a splice from its ends and handshakes:
 * c2b for the client's segments to the backend, b2c for the backend's
 * to the client. Sequence numbers (as synproxy and seqadj):
 *
 *   c2b.seq_off = pisn_b - cisn      b2c.seq_off = pisn_c - bisn
 *   c2b.ack_off = -b2c.seq_off       b2c.ack_off = -c2b.seq_off
 *
 * so that the client's byte cisn + 1 + n is the backend's pisn_b + 1 + n
 * and the backend's bisn + 1 + n the client's pisn_c + 1 + n. An app
 * that sends the backend the client's own ISN has c2b.seq_off = 0.
 * Timestamps map one clock onto the other at the handshake:
 *
 *   c2b.tsval_off = ts_to_b - ts_client    b2c.tsecr_off = -c2b.tsval_off
 *   b2c.tsval_off = ts_to_c - ts_backend   c2b.tsecr_off = -b2c.tsval_off
 *
 * Window: c2b rescales from ws_client to ws_to_b, b2c from ws_backend to
 * ws_to_c. Returns 0 or -NDIV_PKT_E_INVAL (family, a shift above 14).
 */
int ndiv_splice_dir_init(struct ndiv_splice_dir *c2b,
			 struct ndiv_splice_dir *b2c,
			 const struct ndiv_splice_ends *e,
			 const struct ndiv_splice_hs *h);

#endif /* _NDIV_SPLICE_H */
