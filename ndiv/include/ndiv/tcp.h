/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndiv packet library: the TCP layer. Parse a received Ethernet frame
 * carrying TCP over IPv4 or IPv6, and rewrite it in place into a reply
 * segment. Plain C that builds into ndiv.ko and into user-space tests; it
 * keeps no state, everything comes from the frame.
 *
 * What parsing accepts
 * --------------------
 *   Ethernet, VLAN and IP: as ndiv_pkt_parse_l3() (pkt.h) with TCP the
 *   only upper-layer protocol and no fragment.
 *
 *   TCP: data offset within the segment, options well formed (RFC 9293
 *   3.1): End of Option List stops the walk, No-Operation is one byte,
 *   every other option has a length of at least 2 that stays inside the
 *   header. Known options must have their fixed size: MSS 4, Window Scale
 *   3, SACK-Permitted 2, Timestamps 10 (RFC 9293, RFC 7323), SACK 2 + 8n
 *   with n = 1..4 (RFC 2018); anything else is a malformed segment
 *   (RFC 9293 MUST-7). Unknown options are skipped (MUST-6) and noted in
 *   NDIV_TCP_OPT_OTHER. A repeated option overwrites the earlier one, as in
 *   Linux. A Window Scale shift above 14 reads as 14 (RFC 7323 2.3).
 *   The TCP checksum (with the pseudo-header) is verified unless the
 *   caller passes NDIV_TCP_NOCSUM, e.g. because the NIC verified it or to
 *   check the ports first and verify later with ndiv_tcp_csum_ok().
 *
 * Results are 0 or a negated enum ndiv_pkt_err (pkt.h), one per failure,
 * so that an app can count them.
 */
#ifndef _NDIV_TCP_H
#define _NDIV_TCP_H

#include "pkt.h"

/* ndiv_tcp_parse() flags */
#define NDIV_TCP_NOCSUM		0x1	/* do not verify the TCP checksum */

/* TCP header flags, the 13th byte of the header */
#define NDIV_TCP_FIN		0x01
#define NDIV_TCP_SYN		0x02
#define NDIV_TCP_RST		0x04
#define NDIV_TCP_PSH		0x08
#define NDIV_TCP_ACK		0x10
#define NDIV_TCP_URG		0x20
#define NDIV_TCP_ECE		0x40
#define NDIV_TCP_CWR		0x80

/* Options present in a parsed segment, or to emit in a reply. */
#define NDIV_TCP_OPT_MSS		0x01
#define NDIV_TCP_OPT_WSCALE		0x02
#define NDIV_TCP_OPT_SACK_PERM	0x04
#define NDIV_TCP_OPT_TS		0x08
#define NDIV_TCP_OPT_SACK		0x10	/* parse only */
#define NDIV_TCP_OPT_OTHER		0x20	/* parse only: an unknown kind */

#define NDIV_TCP_MAX_SACK	4	/* 4 * 8 + 2 bytes fill 40 of options */
#define NDIV_TCP_MAX_WSCALE	14	/* RFC 7323 2.3 */
#define NDIV_TCP_TTL		64	/* reply TTL / hop limit by default */

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
 * Parse f into s. flags: NDIV_TCP_NOCSUM or 0. Returns 0 or a negated
 * enum ndiv_pkt_err; s is only meaningful on success.
 */
int ndiv_tcp_parse(const struct ndiv_frame *f, struct ndiv_tcp_seg *s,
		   unsigned int flags);

/*
 * After ndiv_tcp_parse() failed: whose segment it was, as far as the
 * parser got (see NDIV_L3_KNOWN_* in pkt.h), so that an app counts a
 * malformed segment sent to it and passes everything else. Returns
 * NDIV_TCP_HAVE_* flags; with NDIV_TCP_HAVE_ADDR, s->family, s->saddr and
 * s->daddr are set, with NDIV_TCP_HAVE_PORTS s->sport and s->dport too.
 * A later fragment never has its "ports" read. Kept out of the parser so
 * that the common path pays nothing for it.
 */
#define NDIV_TCP_HAVE_ADDR	0x1
#define NDIV_TCP_HAVE_PORTS	0x2
unsigned int ndiv_tcp_whose(const struct ndiv_frame *f,
			    struct ndiv_tcp_seg *s);

/* Verify the TCP checksum of a segment parsed from f: 0 or -E_BAD_CSUM_L4. */
int ndiv_tcp_csum_ok(const struct ndiv_frame *f, const struct ndiv_tcp_seg *s);

/* Sequence space of a segment: payload, plus one each for SYN and FIN. */
static inline uint32_t ndiv_tcp_seg_len(const struct ndiv_tcp_seg *s)
{
	return s->pay_len + !!(s->flags & NDIV_TCP_SYN) +
	       !!(s->flags & NDIV_TCP_FIN);
}

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
 * received payload); it may also already sit at ndiv_tcp_reply_off(), the
 * copy then being a no-op.
 *
 * VLAN: an in-frame tag stays as received. A tag the NIC stripped stays
 * in f->vlan_tci with NDIV_F_VLAN_STRIPPED set, and NDIV_TX then sends
 * the reply tagged on the same VLAN (the core and every driver restore
 * it, see ndiv_frame_vlan_restore()).
 *
 * Returns 0, -NDIV_PKT_E_INVAL (bad rx or out) or -NDIV_PKT_E_NOSPACE (the
 * reply does not fit in len + tailroom); the frame is unchanged on error.
 */
int ndiv_tcp_reply(struct ndiv_frame *f, const struct ndiv_tcp_seg *rx,
		  const struct ndiv_tcp_out *out);

/* Offset from f->data where ndiv_tcp_reply() puts the reply's payload. */
uint32_t ndiv_tcp_reply_off(const struct ndiv_tcp_seg *rx,
			   const struct ndiv_tcp_out *out);

/*
 * Rewrite f into the RST that answers rx when no connection exists
 * (RFC 9293 3.10.7.1): if rx has ACK, <SEQ=SEG.ACK><CTL=RST>, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. No options, no payload.
 * A RST is never answered: -NDIV_PKT_E_INVAL if rx carries one.
 */
int ndiv_tcp_reset(struct ndiv_frame *f, const struct ndiv_tcp_seg *rx);

#endif /* _NDIV_TCP_H */
