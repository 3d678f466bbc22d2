// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: slhttpd's TCP/IP segment layer. The first CTL bytes
 * of the input steer the run, the rest is a received frame, copied into a
 * heap buffer of exactly its length plus a chosen tailroom so ASan sees
 * any access outside. When the frame parses, it is rewritten into a reply
 * with options and a payload picked by the control bytes, and the reply
 * must parse back, checksums verified, with every field as asked.
 *
 * Control bytes:
 *   0: bit 0 parse with NDIV_TCP_NOCSUM, bit 1 mark the tag stripped,
 *      bit 2 fix the IPv4 header checksum first (the fuzzer cannot find
 *      one by itself), with bit 5 also the IP lengths, MACs and
 *      version (bit 6: IPv6) and with bit 7 the protocol (TCP),
 *      bit 3 payload from inside the frame buffer, bit 4 build a RST
 *      instead
 *   1: reply options (NDIV_TCP_OPT_* low nibble)   2: reply TCP flags
 *   3: window scale                           4-5: tailroom
 *   6-7: payload length                       8-9: payload offset
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/csum.h>
#include <ndiv/tcp.h>

#define CTL	10

struct run {
	uint8_t *mem;		/* the frame buffer: len + tail bytes */
	uint8_t *rx;		/* copy of the received frame */
	uint8_t *pay;		/* copy of the reply payload */
	struct ndiv_frame f;
	uint32_t len, tail;
};

/* Family as asked, TCP, IP lengths from the frame length, unicast MACs. */
static uint16_t fix_headers(uint8_t *p, uint32_t len, uint32_t l3, uint8_t how)
{
	uint16_t proto = how & 64 ? 0x86dd : 0x0800;

	p[0] &= 0xfe;
	p[6] &= 0xfe;
	ndiv_put_be16(p + l3 - 2, proto);
	p[l3] = (uint8_t)((proto == 0x0800 ? 0x40 : 0x60) | (p[l3] & 0xf));
	if (how & 128)
		p[l3 + (proto == 0x0800 ? 9 : 6)] = 6;
	if (proto == 0x0800 && len - l3 <= 0xffff)
		ndiv_put_be16(p + l3 + 2, (uint16_t)(len - l3));
	if (proto == 0x86dd && len >= l3 + 40 && len - l3 - 40 <= 0xffff)
		ndiv_put_be16(p + l3 + 4, (uint16_t)(len - l3 - 40));
	return proto;
}

/*
 * Repair what the fuzzer cannot find by itself so that it gets to the
 * TCP layer: the IPv4 header checksum, and with bit 5 the headers.
 */
static void fixup(uint8_t *p, uint32_t len, uint8_t how)
{
	uint32_t l3 = 14, hlen;
	uint16_t proto;

	if (len >= 18 && ndiv_get_be16(p + 12) == 0x8100)
		l3 = 18;
	if (len < l3 + 20)
		return;
	proto = ndiv_get_be16(p + l3 - 2);
	if (how & 32)
		proto = fix_headers(p, len, l3, how);
	hlen = (p[l3] & 0xf) * 4u;
	if (proto != 0x0800 || hlen < 20 || hlen > len - l3)
		return;
	ndiv_put_be16(p + l3 + 10, ndiv_csum_ip4_hdr(p + l3, hlen));
}

/* What a successful parse promises about s. */
static void check_seg(const struct ndiv_frame *f, const struct ndiv_tcp_seg *s)
{
	uint32_t alen = s->family == 4 ? 4 : 16;

	if (s->family != 4 && s->family != 6)
		abort();
	if (s->l3_off != 14 && s->l3_off != 18)
		abort();
	if (s->l4_off + s->l4_len > f->len || s->l4_off < s->l3_off + 20)
		abort();
	if (s->hdr_len < 20 || s->hdr_len > 60 || s->hdr_len % 4 ||
	    s->hdr_len > s->l4_len)
		abort();
	if (s->pay_off != s->l4_off + s->hdr_len ||
	    s->pay_len != s->l4_len - s->hdr_len)
		abort();
	if (s->saddr < f->data + s->l3_off || s->daddr + alen > f->data +
	    s->l4_off)
		abort();
	if (s->opt.nr_sack > NDIV_TCP_MAX_SACK ||
	    s->opt.wscale > NDIV_TCP_MAX_WSCALE)
		abort();
	if (!(s->opt.present & NDIV_TCP_OPT_SACK) != !s->opt.nr_sack)
		abort();
	if ((s->vlan == NDIV_VLAN_INFRAME) != (s->l3_off == 18))
		abort();
}

static void check_err(int ret)
{
	if (ret >= 0 || ret <= -NDIV_PKT_E_NR || ret == -NDIV_PKT_E_INVAL ||
	    ret == -NDIV_PKT_E_NOSPACE)
		abort();
	if (!strcmp(ndiv_pkt_strerror(ret), "unknown"))
		abort();
}

/* The reply in r->f answers rx (parsed from r->rx) as out asked. */
static void check_reply(struct run *r, const struct ndiv_tcp_seg *rx,
			const struct ndiv_tcp_out *out)
{
	uint32_t alen = rx->family == 4 ? 4 : 16;
	uint32_t ao = rx->l3_off + (rx->family == 4 ? 12 : 8);
	struct ndiv_tcp_seg s;

	if (!ndiv_frame_intact(&r->f, r->mem, r->len + r->tail))
		abort();
	if (ndiv_tcp_parse(&r->f, &s, 0))
		abort();
	check_seg(&r->f, &s);
	if (r->f.len != s.pay_off + s.pay_len)
		abort();
	if (s.family != rx->family || s.l3_off != rx->l3_off ||
	    s.vlan != rx->vlan || s.vlan_tci != rx->vlan_tci)
		abort();
	if (memcmp(r->f.data, r->rx + 6, 6) || memcmp(r->f.data + 6, r->rx, 6))
		abort();
	if (memcmp(s.saddr, r->rx + ao + alen, alen) ||
	    memcmp(s.daddr, r->rx + ao, alen))
		abort();
	if (s.sport != rx->dport || s.dport != rx->sport ||
	    s.seq != out->seq || s.ack != out->ack ||
	    s.flags != out->flags || s.window != out->window)
		abort();
	if (s.opt.present != out->opts ||
	    s.pay_off != ndiv_tcp_reply_off(rx, out))
		abort();
	if ((out->opts & NDIV_TCP_OPT_MSS) && s.opt.mss != out->mss)
		abort();
	if ((out->opts & NDIV_TCP_OPT_WSCALE) && s.opt.wscale != out->wscale)
		abort();
	if ((out->opts & NDIV_TCP_OPT_TS) &&
	    (s.opt.tsval != out->tsval || s.opt.tsecr != out->tsecr))
		abort();
	if (s.pay_len != out->payload_len ||
	    memcmp(r->f.data + s.pay_off, r->pay, s.pay_len))
		abort();
}

static void fill_out(struct ndiv_tcp_out *out, const uint8_t *ctl)
{
	memset(out, 0, sizeof(*out));
	out->opts = ctl[1] & 0xf;
	out->flags = ctl[2];
	out->wscale = ctl[3] % (NDIV_TCP_MAX_WSCALE + 1);
	out->seq = ndiv_get_be32(ctl + 1);
	out->ack = ndiv_get_be32(ctl + 5);
	out->window = ndiv_get_be16(ctl + 3);
	out->mss = ndiv_get_be16(ctl + 6);
	out->tsval = ndiv_get_be32(ctl + 2);
	out->tsecr = ndiv_get_be32(ctl + 6);
	out->ttl = ctl[9];
	out->payload_len = ndiv_get_be16(ctl + 6) % 2048;
}

/* Payload from the input itself, or from anywhere in the frame buffer. */
static void pick_payload(struct run *r, struct ndiv_tcp_out *out,
			 const uint8_t *ctl, const uint8_t *data, size_t size)
{
	uint32_t room = r->len + r->tail, off;

	if (ctl[0] & 8) {
		off = room ? ndiv_get_be16(ctl + 8) % room : 0;
		if (out->payload_len > room - off)
			out->payload_len = room - off;
		out->payload = r->mem + off;
	} else {
		if (out->payload_len > size)
			out->payload_len = (uint32_t)size;
		out->payload = data;
	}
	memcpy(r->pay, out->payload, out->payload_len);
}

/* RFC 9293 3.10.7.1; a RST is never longer than the segment it answers. */
static void check_reset(struct run *r, const struct ndiv_tcp_seg *rx)
{
	int ret = ndiv_tcp_reset(&r->f, rx);
	struct ndiv_tcp_seg s;

	if (rx->flags & NDIV_TCP_RST) {
		if (ret != -NDIV_PKT_E_INVAL)
			abort();
		return;
	}
	if (ret || ndiv_tcp_parse(&r->f, &s, 0))
		abort();
	if (s.hdr_len != 20 || s.pay_len || s.window ||
	    s.sport != rx->dport || s.dport != rx->sport)
		abort();
	if (rx->flags & NDIV_TCP_ACK) {
		if (s.flags != NDIV_TCP_RST || s.seq != rx->ack || s.ack)
			abort();
	} else if (s.flags != (NDIV_TCP_RST | NDIV_TCP_ACK) || s.seq ||
		   s.ack != rx->seq + ndiv_tcp_seg_len(rx)) {
		abort();
	}
}

static void reply(struct run *r, const struct ndiv_tcp_seg *rx, const uint8_t *ctl,
		  const uint8_t *data, size_t size)
{
	struct ndiv_tcp_out out;
	int ret;

	if (ctl[0] & 16) {
		check_reset(r, rx);
		return;
	}
	fill_out(&out, ctl);
	pick_payload(r, &out, ctl, data, size);
	ret = ndiv_tcp_reply(&r->f, rx, &out);
	if (ret == -NDIV_PKT_E_NOSPACE) {
		if (ndiv_tcp_reply_off(rx, &out) + out.payload_len <=
		    r->len + r->tail)
			abort();
		if (r->f.len != r->len || memcmp(r->mem, r->rx, r->len))
			abort();
		return;
	}
	if (ret)
		abort();
	check_reply(r, rx, &out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rxcopy[65536], paycopy[2048];
	const uint8_t *ctl = data;
	struct ndiv_tcp_seg rx;
	struct run r;
	int ret;

	if (size < CTL || size - CTL > 16384)
		return 0;
	r.len = (uint32_t)(size - CTL);
	r.tail = ndiv_get_be16(ctl + 4) % 1024;
	r.mem = malloc(r.len + r.tail ? r.len + r.tail : 1);
	if (!r.mem)
		return 0;
	memcpy(r.mem, data + CTL, r.len);
	memset(r.mem + r.len, 0xa5, r.tail);
	if (ctl[0] & 4)
		fixup(r.mem, r.len, ctl[0]);
	memcpy(rxcopy, r.mem, r.len);
	r.rx = rxcopy;
	r.pay = paycopy;
	memset(&r.f, 0, sizeof(r.f));
	r.f.data = r.mem;
	r.f.len = r.len;
	r.f.tailroom = r.tail;
	if (ctl[0] & 2) {
		r.f.flags = NDIV_F_VLAN_STRIPPED;
		r.f.vlan_tci = ndiv_get_be16(ctl + 8);
	}
	ret = ndiv_tcp_parse(&r.f, &rx, ctl[0] & 1 ? NDIV_TCP_NOCSUM : 0);
	if (ret) {
		check_err(ret);
		if (memcmp(r.mem, rxcopy, r.len))
			abort();	/* parsing is read-only */
	} else {
		check_seg(&r.f, &rx);
		reply(&r, &rx, ctl, data + CTL, size - CTL);
	}
	free(r.mem);
	return 0;
}
