// SPDX-License-Identifier: GPL-2.0
/*
 * slhttpd's stateless engine: from one received frame to its answer.
 *
 * The design this implements (cookie, positions, timestamps, recovery) is
 * in Documentation/slhttpd.rst; the names here follow it: h is the cookie
 * hash, X a position, m the MSS index, s the state, C the request bytes
 * acknowledged, Xr the rest position echoed in TSecr.
 *
 * Runs in the driver's NAPI poll in the kernel (softirq): no sleeping, no
 * allocation, nothing kept between calls. Every length is checked by the
 * segment parser (tcp.c) before anything here reads the frame.
 */
#include <ndiv/cookie.h>
#include <ndiv/tcp.h>
#include "engine.h"
#include "request.h"
#include "resp.h"

const char *const slh_counter_names[SLH_CNT_NR] = {
	[SLH_CNT_PASS] = "pass",
	[SLH_CNT_MALFORMED] = "malformed",
	[SLH_CNT_BAD_CSUM] = "bad_csum",
	[SLH_CNT_VLAN_STRIPPED] = "vlan_stripped",
	[SLH_CNT_SYN] = "syn",
	[SLH_CNT_SYNACK] = "synack",
	[SLH_CNT_COOKIE_BAD] = "cookie_bad",
	[SLH_CNT_RST_SENT] = "rst_sent",
	[SLH_CNT_RST_RCVD] = "rst_rcvd",
	[SLH_CNT_ACK] = "ack",
	[SLH_CNT_FIN] = "fin",
	[SLH_CNT_REQ] = "req",
	[SLH_CNT_RESP_2XX] = "resp_2xx",
	[SLH_CNT_RESP_3XX] = "resp_3xx",
	[SLH_CNT_RESP_4XX] = "resp_4xx",
	[SLH_CNT_RESP_5XX] = "resp_5xx",
	[SLH_CNT_RESP_MULTI] = "resp_multi",
	[SLH_CNT_RESUME] = "resume",
	[SLH_CNT_REQ_ACKED] = "req_acked",
	[SLH_CNT_SEGS_EMITTED] = "segs_emitted",
	[SLH_CNT_EMIT_FAIL] = "emit_fail",
	[SLH_CNT_PIPELINE_DEFER] = "pipeline_defer",
	[SLH_CNT_OLD_KEY] = "old_key",
};

/* MSS index m -> MSS; the largest entry not above the client's. */
static const uint16_t slh_mss_tab[4] = { 536, 1220, 1440, 1460 };

enum slh_state { SLH_S_OPEN, SLH_S_MID, SLH_S_END, SLH_S_CLOSED };

/* Most responses concatenated into one segment. */
#define SLH_PIPELINE_MAX	16
#define SLH_TS_OPT_LEN		12	/* NOP NOP Timestamps */

/* What validation learnt about the connection of a segment. */
struct slh_cstate {
	uint32_t h;		/* cookie hash */
	uint32_t x;		/* position of the segment's ack */
	uint32_t c;		/* request bytes acknowledged before seq */
	uint32_t xr;		/* echoed rest position (timestamps) */
	uint8_t m;		/* MSS index */
	uint8_t s;		/* enum slh_state */
	uint8_t ts;		/* timestamps in use */
	uint8_t old_key;	/* validated by the previous key */
};

/* Responses that go out together, padding in the last one. */
struct slh_batch {
	struct slh_resp r[SLH_PIPELINE_MAX];
	uint32_t len[SLH_PIPELINE_MAX];
	uint32_t total;
	uint8_t n;
};

/* One call of slh_handle(). */
struct slh_ctx {
	const struct slh_env *env;
	struct ndiv_frame *f;
	struct ndiv_tcp_seg seg;
	struct slh_cstate conn;
};

static inline void slh_count(const struct slh_ctx *cx, enum slh_counter c)
{
	if (cx->env->cnt)
		ndiv_stat_inc(&cx->env->cnt[c]);
}

static uint32_t slh_hash(const struct slh_ctx *cx, unsigned int k,
			 uint32_t cisn)
{
	const struct ndiv_tcp_seg *s = &cx->seg;

	return ndiv_cookie_hash(cx->env->key[k], s->family, s->saddr, s->daddr,
			       s->sport, s->dport, cisn);
}

static inline int slh_port_ours(const struct slh_config *cfg, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < cfg->nr_ports; i++)
		if (cfg->ports[i] == port)
			return 1;
	return 0;
}

static inline int slh_addr_ours(const struct slh_config *cfg,
			 const struct ndiv_tcp_seg *s)
{
	unsigned int i, n = s->family == 4 ? cfg->nr_addr4 : cfg->nr_addr6;

	if (!cfg->nr_addr4 && !cfg->nr_addr6)
		return 1;
	for (i = 0; i < n; i++) {
		if (s->family == 4 && !memcmp(cfg->addr4[i], s->daddr, 4))
			return 1;
		if (s->family == 6 && !memcmp(cfg->addr6[i], s->daddr, 16))
			return 1;
	}
	return 0;
}

/* Rest position encoded in a TSval: 1 + (C << 16 | Xr >> 4). */
static inline uint32_t slh_tsval(uint32_t c, uint32_t xr)
{
	return 1 + ((c & 0x7fff) << 16 | (xr >> 4 & 0xffff));
}

/* Whether position x of a connection is one the segment may be at. */
static int slh_position_ok(const struct slh_cstate *cn, uint32_t x)
{
	if (!cn->ts)
		/* one response per connection: OPEN only at 4*m */
		return (x & 3) != SLH_S_OPEN || x < 16;
	if ((x & 3) == SLH_S_MID)
		return x >> 4 <= cn->xr >> 4;
	return x >> 4 == cn->xr >> 4;
}

/*
 * Try one interpretation of the segment: client bytes c before seq.
 * Fills cx->conn and returns 1 when a key gives a valid position. Each
 * key is judged whole, position and state: a connection on the previous
 * key whose ack happens to fall below SLH_X_MAX under the current one
 * (about 1 in 4096) is still recognised.
 */
static int slh_validate(struct slh_ctx *cx, uint32_t c)
{
	const struct ndiv_tcp_seg *s = &cx->seg;
	struct slh_cstate *cn = &cx->conn;
	uint32_t cisn = s->seq - 1 - c;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		uint32_t h, x;

		if (k && cx->env->key[1] == cx->env->key[0])
			break;
		h = slh_hash(cx, k, cisn);
		x = s->ack - h;
		if (x >= SLH_X_MAX || !slh_position_ok(cn, x))
			continue;
		cn->h = h;
		cn->x = x;
		cn->c = c;
		cn->m = x >> 2 & 3;
		cn->s = x & 3;
		cn->old_key = k;
		return 1;
	}
	return 0;
}

/*
 * Validate the segment. A request the client sends again while slhttpd
 * still owes it the end of its response starts C bytes before what TSecr
 * says (the response's TSval counts the request as answered), so with
 * timestamps a segment that fails as sent gets one more try as such a
 * retransmission: q bytes earlier, where q is the length of the request
 * it carries, and only at a state where a request is owed.
 */
static int slh_check(struct slh_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->seg;
	struct slh_cstate *cn = &cx->conn;
	struct slh_request req;
	uint32_t v;

	cn->ts = !!(s->opt.present & NDIV_TCP_OPT_TS);
	if (!cn->ts)
		return slh_validate(cx, 0);
	v = s->opt.tsecr - 1;
	if (v >> 31)
		return 0;
	cn->xr = (v & 0xffff) << 4;
	if (slh_validate(cx, v >> 16))
		return 1;
	if (!s->pay_len || slh_parse_request(cx->f->data + s->pay_off,
					     s->pay_len, &req) != NDIV_HTTP1_OK ||
	    req.h.len > v >> 16)
		return 0;
	return slh_validate(cx, (v >> 16) - req.h.len) &&
	       cn->s != SLH_S_OPEN;
}

/*
 * Our MSS for the device MTU and the segment's family: what one IP packet
 * of the device's MTU carries, so that neither the client's segments nor
 * ours exceed it, small MTUs included (536 is a default for a peer that
 * sends no MSS option, not a floor for ours). SLH_MSS_MIN keeps room for
 * the timestamp option and some data on a device whose MTU leaves less
 * (IPv4 below 72 bytes; IPv6 needs 1280 anyway).
 */
#define SLH_MSS_MIN	32

static uint32_t slh_our_mss(const struct slh_ctx *cx)
{
	uint32_t mtu = cx->env->cfg->mtu ? cx->env->cfg->mtu : 1500;
	uint32_t hdrs = (cx->seg.family == 4 ? 20 : 40) + 20;

	if (mtu < hdrs + SLH_MSS_MIN)
		return SLH_MSS_MIN;
	return mtu - hdrs;
}

/* Payload bytes per segment toward this client. */
static uint32_t slh_seg_max(const struct slh_ctx *cx)
{
	uint32_t mss = slh_mss_tab[cx->conn.m];
	uint32_t ours = slh_our_mss(cx);

	if (ours < mss)
		mss = ours;
	return mss - (cx->conn.ts ? SLH_TS_OPT_LEN : 0);
}

static void slh_out_init(const struct slh_ctx *cx, struct ndiv_tcp_out *o,
			 uint32_t seq, uint32_t ack, uint8_t flags,
			 uint32_t tsval)
{
	memset(o, 0, sizeof(*o));
	o->seq = seq;
	o->ack = ack;
	o->flags = flags;
	o->window = SLH_WINDOW;
	if (cx->conn.ts) {
		o->opts = NDIV_TCP_OPT_TS;
		o->tsval = tsval;
		o->tsecr = cx->seg.opt.tsval;
	}
}

static void slh_batch_copy(const struct slh_batch *b, uint32_t off,
			   uint8_t *dst, uint32_t len)
{
	unsigned int i;

	for (i = 0; i < b->n && len; i++) {
		uint32_t n;

		if (off >= b->len[i]) {
			off -= b->len[i];
			continue;
		}
		n = b->len[i] - off < len ? b->len[i] - off : len;
		slh_resp_copy(&b->r[i], off, dst, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

/*
 * Where the reply's payload is staged before ndiv_tcp_reply() moves it in
 * place: past both the received headers (which the reply is built from)
 * and the reply's own headers.
 */
static uint32_t slh_stage_off(const struct slh_ctx *cx,
			      const struct ndiv_tcp_out *o)
{
	uint32_t roff = ndiv_tcp_reply_off(&cx->seg, o);

	return roff > cx->seg.pay_off ? roff : cx->seg.pay_off;
}

/* Payload bytes an in-place reply can carry. */
static uint32_t slh_inplace_room(const struct slh_ctx *cx,
				 const struct ndiv_tcp_out *o)
{
	uint32_t room = cx->f->len + cx->f->tailroom;
	uint32_t stage = slh_stage_off(cx, o);

	return room > stage ? room - stage : 0;
}

/* Rewrite the frame into the reply o with bytes [off, off+len) of b. */
static int slh_tx(struct slh_ctx *cx, struct ndiv_tcp_out *o,
		  const struct slh_batch *b, uint32_t off, uint32_t len)
{
	struct ndiv_frame *f = cx->f;
	uint32_t stage = slh_stage_off(cx, o);

	if (len) {
		if (len > slh_inplace_room(cx, o)) {
			slh_count(cx, SLH_CNT_EMIT_FAIL);
			return NDIV_DROP;
		}
		if (stage + len > f->len)
			ndiv_frame_put(f, stage + len - f->len);
		slh_batch_copy(b, off, f->data + stage, len);
		o->payload = f->data + stage;
		o->payload_len = len;
	}
	if (ndiv_tcp_reply(f, &cx->seg, o)) {
		slh_count(cx, SLH_CNT_EMIT_FAIL);
		return NDIV_DROP;
	}
	return NDIV_TX;
}

/*
 * Send one extra segment through the emitter; 0 or -1. A tag the NIC
 * stripped goes back into the frame, in front of which the buffer keeps
 * room for it: emitted frames leave through the stack's xmit path, which
 * knows nothing of the request's VLAN.
 */
static int slh_emit(struct slh_ctx *cx, struct ndiv_tcp_out *o,
		    const struct slh_batch *b, uint32_t off, uint32_t len)
{
	const struct slh_emitter *em = cx->env->emit;
	const struct ndiv_tcp_seg *s = &cx->seg;
	uint32_t stage = slh_stage_off(cx, o);
	uint32_t tag = cx->f->flags & NDIV_F_VLAN_STRIPPED ? NDIV_VLAN_HLEN : 0;
	struct ndiv_frame g;
	struct ndiv_tcp_seg s2;
	void *handle;
	uint8_t *buf;

	buf = em->get(em->ctx, tag + stage + len, &handle);
	if (!buf) {
		slh_count(cx, SLH_CNT_EMIT_FAIL);
		return -1;
	}
	/* a copy of the received headers to build the reply from */
	memcpy(buf + tag, cx->f->data, s->pay_off);
	memset(&g, 0, sizeof(g));
	g.data = buf + tag;
	g.len = s->pay_off;
	g.headroom = tag;
	g.tailroom = stage + len - s->pay_off;
	g.rxq = cx->f->rxq;
	g.vlan_tci = cx->f->vlan_tci;
	g.flags = cx->f->flags;
	g.dev = cx->f->dev;
	s2 = *s;
	s2.saddr = g.data + (s->saddr - cx->f->data);
	s2.daddr = g.data + (s->daddr - cx->f->data);
	slh_batch_copy(b, off, g.data + stage, len);
	o->payload = g.data + stage;
	o->payload_len = len;
	if (ndiv_tcp_reply(&g, &s2, o) || ndiv_frame_vlan_restore(&g)) {
		em->send(em->ctx, handle, 0);
		slh_count(cx, SLH_CNT_EMIT_FAIL);
		return -1;
	}
	if (em->send(em->ctx, handle, g.len)) {
		slh_count(cx, SLH_CNT_EMIT_FAIL);
		return -1;
	}
	slh_count(cx, SLH_CNT_SEGS_EMITTED);
	return 0;
}

/*
 * Send bytes [from, t) of a one-response batch that starts at position x0,
 * as far as the client's window allows, the FIN with the last byte. The
 * request is not acknowledged (ack): see "Responses larger than a segment".
 * Boundaries: the first segment ends 1 past a multiple of 16, the others
 * carry multiples of 16, so every boundary is a MID position.
 */
static int slh_send_range(struct slh_ctx *cx, const struct slh_batch *b,
			  uint32_t x0, uint32_t from, uint32_t ack,
			  uint32_t tsval)
{
	uint32_t t = b->total, smax = slh_seg_max(cx), win, off = from;
	struct ndiv_tcp_out o;

	if (!cx->env->emit)
		return NDIV_DROP;
	win = cx->seg.window < SLH_BURST_MAX ? cx->seg.window : SLH_BURST_MAX;
	while (off < t) {
		uint32_t len = off ? smax & ~15u : (smax - 1) / 16 * 16 + 1;
		uint8_t flags = NDIV_TCP_ACK;

		if (len >= t - off) {
			len = t - off;
			flags |= NDIV_TCP_PSH | NDIV_TCP_FIN;
		}
		if (off > from && off + len - from > win)
			break;
		slh_out_init(cx, &o, cx->conn.h + x0 + off, ack, flags, tsval);
		if (slh_emit(cx, &o, b, off, len))
			break;
		off += len;
	}
	return NDIV_DROP;
}

/*
 * The Date header's text for env->now, from the caller's per-CPU cache:
 * formatted at most once a second. NULL without a cache or a Date header.
 */
static const char *slh_date_text(const struct slh_env *env)
{
	struct slh_date_cache *dc = env->date;

	if (!dc || !env->cfg->date)
		return NULL;
	if (dc->secs != env->now) {
		slh_http_date(env->now, dc->text);
		dc->secs = env->now;
	}
	return dc->text;
}

/*
 * Ask the offload hook about the request at raw (sequence number seq).
 * Returns SLH_OFFLOAD_*, with *obj for SLH_OFFLOAD_OBJ.
 */
static int slh_offload(const struct slh_ctx *cx, const struct slh_request *req,
		       const uint8_t *raw, uint32_t seq, int resume,
		       const struct slh_object **obj)
{
	const struct slh_env *env = cx->env;
	struct slh_offload_req o = {
		.f = cx->f,
		.seg = &cx->seg,
		.seq = seq,
		.data = raw,
		.len = req->h.len,
		.req = req,
		.resume = resume,
	};

	if (!env->offload)
		return SLH_OFFLOAD_NO;
	return env->offload(env->offload_ctx, &o, obj);
}

/*
 * Fill r for one parsed request (or a parse error status) whose bytes are
 * at raw, from sequence number seq. Returns 1 if the request is to be
 * left unanswered for now (handed to a daemon), else 0.
 */
static int slh_answer(const struct slh_ctx *cx, int ret,
		      const struct slh_request *req, const uint8_t *raw,
		      uint32_t seq, int resume, struct slh_resp *r)
{
	const struct slh_env *env = cx->env;
	const struct slh_object *obj = NULL;
	int off = SLH_OFFLOAD_NO;

	if (ret == NDIV_HTTP1_OK && req->synth_size < 0 && !req->synth_status)
		off = slh_offload(cx, req, raw, seq, resume, &obj);
	if (off == SLH_OFFLOAD_WAIT)
		return 1;
	if (off == SLH_OFFLOAD_OBJ) {
		slh_resp_object(r, obj);
	} else if (ret != NDIV_HTTP1_OK) {
		slh_resp_error(r, (uint16_t)ret);
	} else if (req->synth_size >= 0 || req->synth_status) {
		if (req->synth_size > (int32_t)SLH_MAX_BODY)
			slh_resp_error(r, 400);
		else
			slh_resp_synth(r, req->synth_status ?
				       req->synth_status : 200,
				       req->synth_size > 0 ?
				       (uint32_t)req->synth_size : 0);
	} else {
		if (env->lookup)
			obj = env->lookup(env->lookup_ctx, req->h.path,
					  req->h.path_len);
		if (obj)
			slh_resp_object(r, obj);
		else
			slh_resp_error(r, 404);
	}
	if (ret == NDIV_HTTP1_OK && r->status != 400) {
		if (!req->h.keep_alive)
			r->conn = SLH_CONN_CLOSE;
		else if (req->h.version == 10)
			r->conn = SLH_CONN_KEEPALIVE;
		else
			r->conn = SLH_CONN_DEFAULT;
	}
	r->head = req->h.method == NDIV_HTTP1_HEAD;
	r->date = env->cfg->date;
	r->now = env->now;
	r->date_text = slh_date_text(env);
	slh_resp_measure(r);
	return 0;
}

static void slh_count_status(const struct slh_ctx *cx, uint16_t status)
{
	static const enum slh_counter by_class[] = {
		SLH_CNT_RESP_2XX, SLH_CNT_RESP_3XX, SLH_CNT_RESP_4XX,
		SLH_CNT_RESP_5XX,
	};

	slh_count(cx, SLH_CNT_REQ);
	if (status >= 200 && status <= 599)
		slh_count(cx, by_class[status / 100 - 2]);
}

/* Pad the last response so the batch ends at residue (mod 16). */
static void slh_batch_pad(struct slh_batch *b, uint32_t residue)
{
	struct slh_resp *r = &b->r[b->n - 1];

	b->total -= b->len[b->n - 1];
	r->pad = 0;
	r->pad = (uint8_t)((residue - b->total - slh_resp_len(r)) & 15);
	b->len[b->n - 1] = slh_resp_len(r);
	b->total += b->len[b->n - 1];
}

/* Is the request cut by the end of a full-sized segment? */
static int slh_seg_full(const struct slh_ctx *cx)
{
	uint32_t opts = cx->seg.hdr_len - 20;

	return cx->seg.pay_len + opts + 20 >= slh_our_mss(cx) ||
	       cx->seg.pay_len >= slh_seg_max(cx);
}

/*
 * Must the response that brings the connection to consumed request bytes
 * and total response bytes close it? A TSval holds C below SLH_C_MAX, and
 * positions stay below SLH_X_MAX; closing once there is no longer room
 * for one more request and one more response of the largest size keeps
 * both true for every segment the connection can still see.
 */
static int slh_must_close(const struct slh_ctx *cx, uint32_t consumed,
			  uint32_t total)
{
	return cx->conn.c + consumed + NDIV_HTTP1_MAX_HEAD >= SLH_C_MAX ||
	       cx->conn.x + total + SLH_MAX_BODY + 2 * SLH_RESP_HDR_MAX >=
	       SLH_X_MAX;
}

/* Answer the requests of a segment at OPEN. */
static int slh_requests(struct slh_ctx *cx)
{
	const uint8_t *pay = cx->f->data + cx->seg.pay_off;
	uint32_t plen = cx->seg.pay_len, used = 0, smax, xr, c;
	struct slh_cstate *cn = &cx->conn;
	int force_close, closing = 0;
	struct ndiv_tcp_out o;
	struct slh_batch b;
	uint8_t flags;

	force_close = !cn->ts || cn->old_key ||
		      (cx->seg.flags & NDIV_TCP_FIN);
	slh_out_init(cx, &o, 0, 0, 0, 0);
	smax = slh_seg_max(cx);
	if (smax > slh_inplace_room(cx, &o))
		smax = slh_inplace_room(cx, &o);
	b.n = 0;
	b.total = 0;
	while (used < plen && b.n < SLH_PIPELINE_MAX && !closing) {
		struct slh_resp *r = &b.r[b.n];
		struct slh_request req;
		uint32_t q;
		int ret;

		ret = slh_parse_request(pay + used, plen - used, &req);
		if (ret == NDIV_HTTP1_INCOMPLETE && b.n) {
			slh_count(cx, SLH_CNT_PIPELINE_DEFER);
			break;
		}
		if (ret == NDIV_HTTP1_INCOMPLETE)
			ret = slh_seg_full(cx) ? req.h.cut_status : 400;
		if (slh_answer(cx, ret, &req, pay + used, cx->seg.seq + used,
				0, r)) {
			/* Answered later; pipelined ones wait behind it. */
			if (b.n)
				slh_count(cx, SLH_CNT_PIPELINE_DEFER);
			break;
		}
		q = ret == NDIV_HTTP1_OK ? req.h.len : plen - used;
		if (r->conn != SLH_CONN_CLOSE &&
		    (force_close || slh_must_close(cx, used + q,
						   b.total + SLH_RESP_HDR_MAX +
						   r->body_len))) {
			r->conn = SLH_CONN_CLOSE;
			slh_resp_measure(r);
		}
		closing = r->conn == SLH_CONN_CLOSE;
		b.len[b.n] = slh_resp_len(r) + SLH_RESP_PAD_MAX;
		if (b.total + b.len[b.n] > smax) {
			if (b.n) {
				slh_count(cx, SLH_CNT_PIPELINE_DEFER);
				break;
			}
			/* one response larger than a segment */
			r->conn = SLH_CONN_CLOSE;
			slh_resp_measure(r);
			b.len[0] = slh_resp_len(r);
			b.total = b.len[0];
			b.n = 1;
			slh_batch_pad(&b, SLH_S_END);
			slh_count_status(cx, r->status);
			slh_count(cx, SLH_CNT_RESP_MULTI);
			return slh_send_range(cx, &b, cn->x, 0, cx->seg.seq,
					      slh_tsval(cn->c + q,
							cn->x + b.total + 1));
		}
		b.len[b.n] = slh_resp_len(r);
		b.total += b.len[b.n];
		b.n++;
		used += q;
		slh_count_status(cx, r->status);
	}
	if (!b.n)
		return NDIV_DROP;
	slh_batch_pad(&b, closing ? SLH_S_END : SLH_S_OPEN);
	c = cn->c + used;
	xr = cn->x + b.total + closing;
	flags = NDIV_TCP_ACK | NDIV_TCP_PSH | (closing ? NDIV_TCP_FIN : 0);
	slh_out_init(cx, &o, cn->h + cn->x,
		     cx->seg.seq + used +
		     (used == plen && (cx->seg.flags & NDIV_TCP_FIN)),
		     flags, slh_tsval(c, xr));
	return slh_tx(cx, &o, &b, 0, b.total);
}

/*
 * A request at MID: the client is missing the end of the response to it.
 * Rebuild that response as it was first sent (same request, Connection:
 * close, padded to END from a start at OPEN) and resend from X.
 */
static int slh_resume(struct slh_ctx *cx, const struct slh_request *req)
{
	struct slh_cstate *cn = &cx->conn;
	struct slh_batch b;
	uint32_t x0;

	if (slh_answer(cx, NDIV_HTTP1_OK, req, cx->f->data + cx->seg.pay_off,
		       cx->seg.seq, 1, &b.r[0]))
		return NDIV_DROP;
	b.r[0].conn = SLH_CONN_CLOSE;
	slh_resp_measure(&b.r[0]);
	b.n = 1;
	b.len[0] = slh_resp_len(&b.r[0]);
	b.total = b.len[0];
	slh_batch_pad(&b, SLH_S_END);
	/* TSecr holds the rest position, CLOSED, without its low bits */
	x0 = cn->ts ? (cn->xr | (4u * cn->m + SLH_S_CLOSED)) - 1 - b.total :
		      4u * cn->m;
	if (cn->x <= x0 || cn->x - x0 >= b.total)
		return NDIV_DROP;
	slh_count(cx, SLH_CNT_RESUME);
	return slh_send_range(cx, &b, x0, cn->x - x0, cx->seg.seq,
			      cn->ts ? cx->seg.opt.tsecr :
			      slh_tsval(req->h.len, x0 + b.total + 1));
}

/* A bare control segment (ACK, FIN-ACK) at the client's ack. */
static int slh_ctl(struct slh_ctx *cx, uint8_t flags, uint32_t ack,
		   uint32_t tsval)
{
	struct ndiv_tcp_out o;

	slh_out_init(cx, &o, cx->conn.h + cx->conn.x, ack, flags, tsval);
	ndiv_frame_trim(cx->f, cx->seg.pay_off);
	return slh_tx(cx, &o, NULL, 0, 0);
}

/*
 * A segment with payload at MID, END or CLOSED. At MID it is the request
 * whose answer the client is missing the end of. At END or CLOSED the
 * connection is over on our side: whatever the segment carries (the
 * request answered, requests pipelined behind a closing one, the rest of
 * one that was cut) will never get an answer, so all of it is
 * acknowledged at once, FIN included, with a TSval whose C covers it, so
 * that the client's next segment still validates.
 */
static int slh_owed(struct slh_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->seg;
	struct slh_cstate *cn = &cx->conn;
	uint32_t ack = s->seq + s->pay_len + !!(s->flags & NDIV_TCP_FIN);
	uint32_t tsval = slh_tsval(cn->c + s->pay_len,
				   cn->x + (cn->s == SLH_S_END));
	struct slh_request req;

	if (cn->s == SLH_S_MID) {
		if (slh_parse_request(cx->f->data + s->pay_off, s->pay_len,
				      &req) != NDIV_HTTP1_OK)
			return NDIV_DROP;
		return slh_resume(cx, &req);
	}
	slh_count(cx, SLH_CNT_REQ_ACKED);
	if (cn->s == SLH_S_END)
		return slh_ctl(cx, NDIV_TCP_ACK | NDIV_TCP_FIN, ack, tsval);
	return slh_ctl(cx, NDIV_TCP_ACK, ack, tsval);
}

/* A FIN without payload. */
static int slh_fin(struct slh_ctx *cx)
{
	struct slh_cstate *cn = &cx->conn;
	uint32_t ack = cx->seg.seq + 1;
	uint32_t tsval = cn->ts ? cx->seg.opt.tsecr : 0;

	slh_count(cx, SLH_CNT_FIN);
	switch (cn->s) {
	case SLH_S_OPEN:
		return slh_ctl(cx, NDIV_TCP_ACK | NDIV_TCP_FIN, ack,
			       slh_tsval(cn->c, cn->x + 1));
	case SLH_S_END:
		return slh_ctl(cx, NDIV_TCP_ACK | NDIV_TCP_FIN, ack, tsval);
	default:
		return slh_ctl(cx, NDIV_TCP_ACK, ack, tsval);
	}
}

static int slh_syn(struct slh_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->seg;
	uint16_t cmss = s->opt.present & NDIV_TCP_OPT_MSS ? s->opt.mss : 536;
	struct ndiv_tcp_out o;
	uint32_t h;
	uint8_t m;

	slh_count(cx, SLH_CNT_SYN);
	if (cmss < 536) {
		slh_count(cx, SLH_CNT_MALFORMED);
		return NDIV_DROP;
	}
	for (m = 3; slh_mss_tab[m] > cmss; m--)
		;
	h = slh_hash(cx, 0, s->seq);
	cx->conn.ts = !!(s->opt.present & NDIV_TCP_OPT_TS);
	slh_out_init(cx, &o, h + 4u * m - 1, s->seq + 1,
		     NDIV_TCP_SYN | NDIV_TCP_ACK, slh_tsval(0, 4u * m));
	o.opts |= NDIV_TCP_OPT_MSS | (s->opt.present & NDIV_TCP_OPT_SACK_PERM);
	o.mss = (uint16_t)slh_our_mss(cx);
	/* a SYN's payload (TCP Fast Open) is not acknowledged */
	ndiv_frame_trim(cx->f, s->pay_off);
	if (slh_tx(cx, &o, NULL, 0, 0) != NDIV_TX)
		return NDIV_DROP;
	slh_count(cx, SLH_CNT_SYNACK);
	return NDIV_TX;
}

/* A segment that fails validation: drop it, or RST if configured. */
static int slh_invalid(struct slh_ctx *cx)
{
	slh_count(cx, SLH_CNT_COOKIE_BAD);
	if (cx->env->cfg->invalid != SLH_INVALID_RST)
		return NDIV_DROP;
	if (ndiv_tcp_reset(cx->f, &cx->seg))
		return NDIV_DROP;
	slh_count(cx, SLH_CNT_RST_SENT);
	return NDIV_TX;
}

/* Parse the frame and decide whether it is slhttpd's at all. */
static int slh_classify(struct slh_ctx *cx)
{
	const struct slh_config *cfg = cx->env->cfg;
	struct ndiv_tcp_seg *s = &cx->seg;
	int err;

	err = ndiv_tcp_parse(cx->f, &cx->seg, NDIV_TCP_NOCSUM);
	if (err) {
		/* only a segment to one of our addresses and ports is ours */
		if (!(ndiv_tcp_whose(cx->f, &cx->seg) & NDIV_TCP_HAVE_PORTS) ||
		    !slh_port_ours(cfg, s->dport) || !slh_addr_ours(cfg, s))
			return NDIV_PASS;
		slh_count(cx, err == -NDIV_PKT_E_BAD_CSUM_IP ?
			  SLH_CNT_BAD_CSUM : SLH_CNT_MALFORMED);
		return NDIV_DROP;
	}
	if (!slh_port_ours(cfg, cx->seg.dport) || !slh_addr_ours(cfg, &cx->seg))
		return NDIV_PASS;
	/* NDIV_TX and the emitter put a stripped tag back on the reply */
	if (cx->seg.vlan == NDIV_VLAN_STRIPPED)
		slh_count(cx, SLH_CNT_VLAN_STRIPPED);
	if (ndiv_tcp_csum_ok(cx->f, &cx->seg)) {
		slh_count(cx, SLH_CNT_BAD_CSUM);
		return NDIV_DROP;
	}
	return -1;
}

int slh_handle(const struct slh_env *env, struct ndiv_frame *f)
{
	struct slh_ctx cx;
	uint8_t fl;
	int v;

	cx.env = env;
	cx.f = f;
	memset(&cx.conn, 0, sizeof(cx.conn));
	v = slh_classify(&cx);
	if (v >= 0) {
		if (v == NDIV_PASS)
			slh_count(&cx, SLH_CNT_PASS);
		return v;
	}
	fl = cx.seg.flags;
	if (fl & NDIV_TCP_RST) {
		slh_count(&cx, SLH_CNT_RST_RCVD);
		return NDIV_DROP;
	}
	if (fl & NDIV_TCP_SYN) {
		if (fl & (NDIV_TCP_ACK | NDIV_TCP_FIN)) {
			slh_count(&cx, SLH_CNT_MALFORMED);
			return NDIV_DROP;
		}
		return slh_syn(&cx);
	}
	if (!(fl & NDIV_TCP_ACK)) {
		slh_count(&cx, SLH_CNT_MALFORMED);
		return NDIV_DROP;
	}
	if (!cx.seg.pay_len && !(fl & NDIV_TCP_FIN)) {
		/* never answered, so never worth validating */
		slh_count(&cx, SLH_CNT_ACK);
		return NDIV_DROP;
	}
	if (!slh_check(&cx))
		return slh_invalid(&cx);
	if (cx.conn.old_key)
		slh_count(&cx, SLH_CNT_OLD_KEY);
	if (!cx.seg.pay_len)
		return slh_fin(&cx);
	if (cx.conn.s == SLH_S_OPEN)
		return slh_requests(&cx);
	return slh_owed(&cx);
}
