/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the types alone, for the structs that apps share
 * (a flow table entry, a request handed to a ring) without pulling in the
 * functions. The functions and the rules they follow are in pkt.h,
 * tcp.h and http1.h.
 */
#ifndef _NDIV_TYPES_H
#define _NDIV_TYPES_H

#include "compat.h"

/* ---- network layer (pkt.h) ---- */

/* How the frame was tagged. */
enum ndiv_vlan {
	NDIV_VLAN_NONE,
	NDIV_VLAN_INFRAME,	/* 802.1Q tag in the frame */
	NDIV_VLAN_STRIPPED,	/* NIC stripped it: NDIV_F_VLAN_STRIPPED */
};

/*
 * Where the network layer of a frame is, and what it says. Offsets count
 * from f->data. saddr and daddr point into the frame (4 or 16 bytes), so
 * they are only valid until the frame is rewritten.
 */
struct ndiv_l3 {
	uint32_t l3_off;	/* IPv4 / IPv6 header */
	uint32_t l4_off;	/* upper-layer header */
	uint32_t l4_len;	/* upper-layer bytes, from the IP length */
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* NDIV_IPPROTO_* */
	uint8_t vlan;		/* enum ndiv_vlan */
	uint8_t known;		/* NDIV_L3_*, also on failure */
	uint16_t vlan_tci;	/* valid unless vlan is NDIV_VLAN_NONE */
	const uint8_t *saddr, *daddr;
};

/*
 * What a parse found out, also when it failed: an app tells a broken
 * packet sent to it (counted, dropped) from anything else (passed to the
 * stack) by its addresses and ports, never by reading the frame again.
 * ADDR: the IP header's fixed part is inside the frame, so family, proto,
 * saddr, daddr, l3_off and l4_off are set, and l4_len counts the
 * upper-layer bytes inside the frame. PORTS: besides, this is no later
 * fragment nor behind an IPv6 extension header, so the first 4 bytes at
 * l4_off, if l4_len covers them, are a TCP or UDP header's ports.
 */
#define NDIV_L3_KNOWN_ADDR	0x1
#define NDIV_L3_KNOWN_PORTS	0x2
/* A first IPv4 fragment (MF, offset 0), with NDIV_PKT_FIRST_FRAG only. */
#define NDIV_L3_FIRST_FRAG	0x4

/* ---- TCP (tcp.h) ---- */

#define NDIV_TCP_MAX_SACK	4	/* 4 * 8 + 2 bytes fill 40 of options */

struct ndiv_tcp_sack_block {
	uint32_t start, end;
};

/*
 * The options of a parsed segment. mss_at, ts_at and sack_at say where
 * the option that was read starts (its kind byte), counted from the TCP
 * header, so that a rewrite of its values needs no second walk; 0 when
 * absent, as options start at byte 20.
 */
struct ndiv_tcp_opts {
	uint8_t present;	/* NDIV_TCP_OPT_* */
	uint8_t wscale;		/* shift count, at most 14 */
	uint16_t mss;
	uint32_t tsval, tsecr;
	uint8_t nr_sack;
	uint8_t mss_at, ts_at, sack_at;
	struct ndiv_tcp_sack_block sack[NDIV_TCP_MAX_SACK];
};

/*
 * A parsed segment. Offsets count from f->data. saddr and daddr point into
 * the frame (4 or 16 bytes), so they are only valid until the frame is
 * rewritten; every other field is a copy in host byte order.
 */
struct ndiv_tcp_seg {
	/*
	 * The network layer under its own names and as a struct ndiv_l3
	 * (like the kernel's struct_group()), so that the parser fills it
	 * with no copy. The two must stay the same: see the assertions.
	 */
	union {
		struct ndiv_l3 l3;
		struct {	/* the members of struct ndiv_l3 */
			uint32_t l3_off, l4_off, l4_len;
			uint8_t family, proto, vlan, known;
			uint16_t vlan_tci;
			const uint8_t *saddr, *daddr;
		};
	};
	uint32_t pay_off;	/* TCP payload */
	uint32_t pay_len;	/* payload bytes, from the IP length */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;		/* NDIV_TCP_FIN ... NDIV_TCP_CWR */
	uint8_t hdr_len;	/* TCP header length in bytes (data offset) */
	uint16_t window;	/* raw, not scaled */
	struct ndiv_tcp_opts opt;
};

_Static_assert(sizeof(((struct ndiv_tcp_seg *)0)->l3) ==
	       offsetof(struct ndiv_tcp_seg, daddr) + sizeof(const uint8_t *),
	       "struct ndiv_tcp_seg: the l3 group and its names differ");
_Static_assert(offsetof(struct ndiv_tcp_seg, daddr) ==
	       offsetof(struct ndiv_l3, daddr),
	       "struct ndiv_tcp_seg: the l3 group and its names differ");

/*
 * A reply segment. Options are laid out as Linux does: MSS, then
 * SACK-Permitted + Timestamps in one word (or NOP NOP Timestamps, or NOP
 * NOP SACK-Permitted), then NOP Window Scale. So a SYN-ACK with all four
 * takes 20 bytes and a data segment with timestamps 12.
 */
struct ndiv_tcp_out {
	uint32_t seq, ack;
	uint8_t flags;		/* NDIV_TCP_* */
	uint8_t opts;		/* NDIV_TCP_OPT_MSS | _WSCALE | _SACK_PERM | _TS */
	uint8_t wscale;		/* at most 14 */
	uint8_t ttl;		/* TTL / hop limit, 0 for NDIV_TCP_TTL */
	uint16_t window;	/* raw 16-bit field */
	uint16_t mss;
	uint32_t tsval, tsecr;
	const void *payload;	/* may point anywhere, even into f */
	uint32_t payload_len;
};

/* ---- HTTP/1 requests (http1.h) ---- */

enum ndiv_http1_method {
	NDIV_HTTP1_NONE,	/* not parsed yet */
	NDIV_HTTP1_GET,
	NDIV_HTTP1_HEAD,
	NDIV_HTTP1_POST,
	NDIV_HTTP1_PUT,
	NDIV_HTTP1_DELETE,
	NDIV_HTTP1_CONNECT,
	NDIV_HTTP1_OPTIONS,
	NDIV_HTTP1_TRACE,
	NDIV_HTTP1_PATCH,
	NDIV_HTTP1_OTHER,	/* another token: see method_off/_len */
};

/* req->flags */
#define NDIV_HTTP1_F_LENGTH	0x01	/* Content-Length given */
#define NDIV_HTTP1_F_TE		0x02	/* Transfer-Encoding given */
#define NDIV_HTTP1_F_CHUNKED	0x04	/* ... and its last coding is chunked */

/* One field line, as offsets into the request (value without OWS). */
struct ndiv_http1_field {
	uint16_t name_off, name_len;
	uint16_t value_off, value_len;
};

struct ndiv_http1_req {
	/*
	 * Path of the target without query or authority, byte-exact. It points
	 * into the input, except for an absolute-form target with an empty
	 * path where it points to a static "/".
	 */
	const uint8_t *path;
	/* Bytes after '?', into the input; NULL when there is no '?'. */
	const uint8_t *query;
	/* The Host value, into the input; NULL without a Host line. */
	const uint8_t *host;
	uint64_t content_length;	/* with NDIV_HTTP1_F_LENGTH */
	uint16_t path_len;
	uint16_t query_len;
	uint16_t host_len;
	uint16_t target_off;	/* the request-target as sent */
	uint16_t target_len;
	/* Bytes the head took, up to its final CRLFCRLF; 0 unless OK. */
	uint16_t len;
	/* Status to answer a head cut by the end of the input. */
	uint16_t cut_status;
	uint16_t nr_fields;	/* field lines recorded in fields[] */
	uint8_t method;		/* enum ndiv_http1_method */
	uint8_t method_off;	/* the method token, as offsets */
	uint8_t method_len;
	uint8_t version;	/* 10 or 11; 0 until parsed */
	uint8_t keep_alive;	/* Connection header and version default */
	uint8_t flags;		/* NDIV_HTTP1_F_* */
};

#endif /* _NDIV_TYPES_H */
