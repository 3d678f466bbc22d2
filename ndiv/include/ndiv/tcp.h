/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd's TCP/IP segment layer: parse a received Ethernet frame carrying
 * TCP over IPv4 or IPv6, and rewrite it in place into a reply segment.
 * Plain C shared by the kernel app and the user-space tests; it keeps no
 * state, everything comes from the frame.
 *
 * What parsing accepts
 * --------------------
 *   Ethernet II, unicast destination and source MAC (a responder must not
 *   answer a group address), with at most one 802.1Q tag: either in the
 *   frame or stripped by the NIC (NDIV_F_VLAN_STRIPPED), not both.
 *
 *   IPv4: version 4, IHL >= 5 (options are skipped), not a fragment (MF
 *   or a fragment offset), protocol TCP, a valid header checksum. Total
 *   length decides where the segment ends: Ethernet padding may follow,
 *   but a frame shorter than it is truncated. Both addresses must be
 *   unicast: not 0/8, 127/8, 224/4 (multicast) or 240/4 (reserved and
 *   255.255.255.255). A subnet's directed broadcast cannot be told from a
 *   host address without the netmask; the app must filter it if it cares.
 *
 *   IPv6: version 6, next header TCP right after the fixed header. Any
 *   extension header is rejected (a Fragment header as a fragment): TCP
 *   peers do not send them on a plain HTTP connection, walking a chain of
 *   them is the costliest part of IPv6 parsing to harden, and a reply would
 *   have to drop them anyway. Neither address may be ::, ::1, multicast
 *   (ff00::/8) or IPv4-mapped (::ffff:0:0/96).
 *
 *   TCP: data offset within the segment, options well formed (RFC 9293
 *   3.1): End of Option List stops the walk, No-Operation is one byte,
 *   every other option has a length of at least 2 that stays inside the
 *   header. Known options must have their fixed size: MSS 4, Window Scale
 *   3, SACK-Permitted 2, Timestamps 10 (RFC 9293, RFC 7323), SACK 2 + 8n
 *   with n = 1..4 (RFC 2018); anything else is a malformed segment
 *   (RFC 9293 MUST-7). Unknown options are skipped (MUST-6) and noted in
 *   SLH_OPT_OTHER. A repeated option overwrites the earlier one, as in
 *   Linux. A Window Scale shift above 14 reads as 14 (RFC 7323 2.3).
 *   The TCP checksum (with the pseudo-header) is verified unless the
 *   caller passes SLH_TCP_NOCSUM, e.g. because the NIC verified it or to
 *   check the ports first and verify later with slh_tcp_csum_ok().
 *
 * Every failure has its own negative result so the app can count them.
 */
#ifndef _SLHTTPD_TCP_H
#define _SLHTTPD_TCP_H

#include <ndiv/frame.h>

/* Results: 0 is success, the negated values below are failures. */
enum slh_tcp_err {
	SLH_TCP_OK,
	SLH_TCP_E_TRUNCATED,	/* frame ends before what headers promise */
	SLH_TCP_E_VLAN,		/* more than one VLAN tag, or 802.1ad */
	SLH_TCP_E_NOT_IP,	/* EtherType is neither IPv4 nor IPv6 */
	SLH_TCP_E_BAD_VER,	/* IP version does not match the EtherType */
	SLH_TCP_E_BAD_IHL,	/* IPv4 IHL below 5 */
	SLH_TCP_E_BAD_LEN,	/* IP length too short for its headers */
	SLH_TCP_E_BAD_CSUM_IP,	/* IPv4 header checksum */
	SLH_TCP_E_FRAGMENT,	/* IPv4 fragment or IPv6 Fragment header */
	SLH_TCP_E_EXT_HDR,	/* IPv6 extension header before TCP */
	SLH_TCP_E_NOT_TCP,	/* another upper-layer protocol */
	SLH_TCP_E_NOT_UNICAST,	/* a group MAC, or a non-unicast IP address */
	SLH_TCP_E_BAD_DOFF,	/* TCP data offset below 5 or past the end */
	SLH_TCP_E_BAD_OPT,	/* malformed TCP option */
	SLH_TCP_E_BAD_CSUM_TCP,	/* TCP checksum */
	SLH_TCP_E_INVAL,	/* slh_tcp_reply(): bad request */
	SLH_TCP_E_NOSPACE,	/* slh_tcp_reply(): reply exceeds tailroom */
	SLH_TCP_E_NR
};

/* slh_tcp_parse() flags */
#define SLH_TCP_NOCSUM		0x1	/* do not verify the TCP checksum */

/* TCP header flags, the 13th byte of the header */
#define SLH_TCP_FIN		0x01
#define SLH_TCP_SYN		0x02
#define SLH_TCP_RST		0x04
#define SLH_TCP_PSH		0x08
#define SLH_TCP_ACK		0x10
#define SLH_TCP_URG		0x20
#define SLH_TCP_ECE		0x40
#define SLH_TCP_CWR		0x80

/* Options present in a parsed segment, or to emit in a reply. */
#define SLH_OPT_MSS		0x01
#define SLH_OPT_WSCALE		0x02
#define SLH_OPT_SACK_PERM	0x04
#define SLH_OPT_TS		0x08
#define SLH_OPT_SACK		0x10	/* parse only */
#define SLH_OPT_OTHER		0x20	/* parse only: an unknown kind */

#define SLH_TCP_MAX_SACK	4	/* 4 * 8 + 2 bytes fill 40 of options */
#define SLH_TCP_MAX_WSCALE	14	/* RFC 7323 2.3 */
#define SLH_TCP_TTL		64	/* reply TTL / hop limit by default */

/* How the segment was tagged. */
enum slh_vlan {
	SLH_VLAN_NONE,
	SLH_VLAN_INFRAME,	/* 802.1Q tag in the frame, kept in a reply */
	SLH_VLAN_STRIPPED,	/* NIC stripped it: see slh_tcp_reply() */
};

struct slh_sack_block {
	uint32_t start, end;
};

struct slh_tcp_opts {
	uint8_t present;	/* SLH_OPT_* */
	uint8_t wscale;		/* shift count, at most 14 */
	uint16_t mss;
	uint32_t tsval, tsecr;
	uint8_t nr_sack;
	struct slh_sack_block sack[SLH_TCP_MAX_SACK];
};

/*
 * A parsed segment. Offsets count from f->data. saddr and daddr point into
 * the frame (4 or 16 bytes), so they are only valid until the frame is
 * rewritten; every other field is a copy in host byte order.
 */
struct slh_seg {
	uint32_t l3_off;	/* IPv4 / IPv6 header */
	uint32_t l4_off;	/* TCP header */
	uint32_t pay_off;	/* TCP payload */
	uint32_t pay_len;	/* payload bytes, from the IP length */
	uint32_t l4_len;	/* TCP header + payload */
	uint8_t family;		/* 4 or 6 */
	uint8_t vlan;		/* enum slh_vlan */
	uint16_t vlan_tci;	/* valid unless vlan is SLH_VLAN_NONE */
	const uint8_t *saddr, *daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;		/* SLH_TCP_FIN ... SLH_TCP_CWR */
	uint8_t hdr_len;	/* TCP header length in bytes (data offset) */
	uint16_t window;	/* raw, not scaled */
	struct slh_tcp_opts opt;
};

/*
 * Parse f into s. flags: SLH_TCP_NOCSUM or 0. Returns 0 or a negated
 * enum slh_tcp_err; s is only meaningful on success.
 */
int slh_tcp_parse(const struct ndiv_frame *f, struct slh_seg *s,
		  unsigned int flags);

/* Verify the TCP checksum of a segment parsed from f: 0 or -E_BAD_CSUM_TCP. */
int slh_tcp_csum_ok(const struct ndiv_frame *f, const struct slh_seg *s);

/* Sequence space of a segment: payload, plus one each for SYN and FIN. */
static inline uint32_t slh_tcp_seg_len(const struct slh_seg *s)
{
	return s->pay_len + !!(s->flags & SLH_TCP_SYN) +
	       !!(s->flags & SLH_TCP_FIN);
}

/*
 * A reply segment. Options are laid out as Linux does: MSS, then
 * SACK-Permitted + Timestamps in one word (or NOP NOP Timestamps, or NOP
 * NOP SACK-Permitted), then NOP Window Scale. So a SYN-ACK with all four
 * takes 20 bytes and a data segment with timestamps 12.
 */
struct slh_tcp_out {
	uint32_t seq, ack;
	uint8_t flags;		/* SLH_TCP_* */
	uint8_t opts;		/* SLH_OPT_MSS | _WSCALE | _SACK_PERM | _TS */
	uint8_t wscale;		/* at most 14 */
	uint8_t ttl;		/* TTL / hop limit, 0 for SLH_TCP_TTL */
	uint16_t window;	/* raw 16-bit field */
	uint16_t mss;
	uint32_t tsval, tsecr;
	const void *payload;	/* may point anywhere, even into f */
	uint32_t payload_len;
};

/*
 * Rewrite the frame rx was parsed from into the reply described by out,
 * starting at the same f->data, resized with ndiv_frame_put()/_trim().
 *
 * MACs, IP addresses and ports are swapped. IPv4: IHL 5 (received IP
 * options are dropped, the TCP header moves up), TOS 0, ID 0, DF, new
 * length and header checksum. IPv6: traffic class and flow label 0.
 * Then the TCP header with the options of out, the payload and the full
 * TCP checksum. Ethernet padding to 60 bytes is left to the NIC.
 *
 * The payload is copied with memmove semantics before any header is
 * written, so it may overlap the received frame anywhere (for instance the
 * received payload); it may also already sit at slh_tcp_reply_off(), the
 * copy then being a no-op.
 *
 * VLAN: an in-frame tag stays as received. A stripped tag cannot be put
 * back by the driver today: the frame keeps NDIV_F_VLAN_STRIPPED, and a
 * caller must not return NDIV_TX for such a frame until drivers can tag
 * on transmit.
 *
 * Returns 0, -SLH_TCP_E_INVAL (bad rx or out) or -SLH_TCP_E_NOSPACE (the
 * reply does not fit in len + tailroom); the frame is unchanged on error.
 */
int slh_tcp_reply(struct ndiv_frame *f, const struct slh_seg *rx,
		  const struct slh_tcp_out *out);

/* Offset from f->data where slh_tcp_reply() puts the reply's payload. */
uint32_t slh_tcp_reply_off(const struct slh_seg *rx,
			   const struct slh_tcp_out *out);

/*
 * Rewrite f into the RST that answers rx when no connection exists
 * (RFC 9293 3.10.7.1): if rx has ACK, <SEQ=SEG.ACK><CTL=RST>, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. No options, no payload.
 * A RST is never answered: -SLH_TCP_E_INVAL if rx carries one.
 */
int slh_tcp_reset(struct ndiv_frame *f, const struct slh_seg *rx);

/* Short name of a result ("ok", "truncated", ...), for counters. */
const char *slh_tcp_strerror(int err);

#endif /* _SLHTTPD_TCP_H */
