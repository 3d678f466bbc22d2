// SPDX-License-Identifier: GPL-2.0
/*
 * The proxy's per-frame engine (engine.h, Documentation/proxy.rst):
 *
 *   client SYN          cookie SYN-ACK, no state
 *   first data segment  cookie checked, request head parsed, flow
 *                       allocated, the segment held, the frame in hand
 *                       rewritten into our SYN to a backend
 *   its SYN-ACK         splice set up; the held segment, translated,
 *                       goes to the backend (it acknowledges the SYN-ACK)
 *   then                every segment both ways through
 *                       ndiv_splice_rewrite(); FIN and RST close
 *
 * The client's data is never acknowledged by the proxy: only the
 * backend's own ACKs, translated, reach the client, so the client keeps
 * the duty to retransmit whatever the backend has not got.
 */
#include <ndiv/http1.h>
#include <ndiv/tcp.h>

#include "flow.h"

const char *const prx_counter_names[PRX_CNT_NR] = {
	[PRX_CNT_PASS] = "pass",
	[PRX_CNT_MALFORMED] = "malformed",
	[PRX_CNT_BAD_CSUM] = "bad_csum",
	[PRX_CNT_SYN] = "syn",
	[PRX_CNT_SYNACK] = "synack",
	[PRX_CNT_COOKIE_BAD] = "cookie_bad",
	[PRX_CNT_ACK_NOFLOW] = "ack_noflow",
	[PRX_CNT_BAD_REQUEST] = "bad_request",
	[PRX_CNT_HEAD_PARTIAL] = "head_partial",
	[PRX_CNT_TOO_BIG] = "too_big",
	[PRX_CNT_NO_BACKEND] = "no_backend",
	[PRX_CNT_NEIGH_MISS] = "neigh_miss",
	[PRX_CNT_FLOW_FULL] = "flow_full",
	[PRX_CNT_FLOW_NEW] = "flow_new",
	[PRX_CNT_FLOW_FREED] = "flow_freed",
	[PRX_CNT_FLOW_EXPIRED] = "flow_expired",
	[PRX_CNT_BE_SYN] = "be_syn",
	[PRX_CNT_BE_SYNACK] = "be_synack",
	[PRX_CNT_BE_REFUSED] = "be_refused",
	[PRX_CNT_C2B] = "c2b",
	[PRX_CNT_B2C] = "b2c",
	[PRX_CNT_FIN] = "fin",
	[PRX_CNT_RST] = "rst",
	[PRX_CNT_RST_SENT] = "rst_sent",
	[PRX_CNT_STRAY] = "stray",
	[PRX_CNT_EMIT] = "emit",
	[PRX_CNT_EMIT_FAIL] = "emit_fail",
	[PRX_CNT_OLD_KEY] = "old_key",
	[PRX_CNT_BE_FULL] = "be_full",
};

/* MSS index m -> MSS: the largest entry not above the client's. */
static const uint16_t prx_mss_tab[4] = { 536, 1220, 1440, 1460 };

/*
 * The cookie. h is ndiv_cookie_hash() of the client's tuple and ISN. The
 * client's options ride in 5 bits, opt = wscale << 1 | sack (wscale 0xf:
 * none): in the ISN's bits 2-6 without timestamps (25 bits of h
 * checked), in our TSval's low bits with timestamps (the client echoes
 * it in TSecr; 30 bits of h checked). The MSS index is in bits 0-1.
 */
#define PRX_CK_MASK_TS		(~0x3u)
#define PRX_CK_MASK_NOTS	(~0x7fu)
#define PRX_CK_OPT_BITS		0x1fu
#define PRX_WS_NONE		0xf

enum prx_side { PRX_NOT_OURS, PRX_CLIENT, PRX_BACKEND };

/* One call of prx_handle(). */
struct prx_ctx {
	const struct prx_env *env;
	struct prx_table *t;
	struct ndiv_frame *f;
	struct ndiv_tcp_seg s;
};

/* What a valid cookie says. */
struct prx_ck {
	uint32_t cisn, isn;
	uint8_t m, ws, sack, ts;
};

static inline void prx_count(const struct prx_ctx *cx, enum prx_counter c)
{
	if (cx->env->cnt)
		ndiv_stat_inc(&cx->env->cnt[c]);
}

static inline uint32_t prx_alen(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static int prx_addr_set(const uint8_t *a)
{
	return a[0] | a[1] | a[2] | a[3];
}

static enum prx_side prx_side(const struct prx_ctx *cx)
{
	const struct prx_config *cfg = cx->env->cfg;
	const struct ndiv_tcp_seg *s = &cx->s;
	uint32_t lport = s->dport;

	/* IPv4 only in this step */
	if (s->family != 4 || s->proto != NDIV_IPPROTO_TCP)
		return PRX_NOT_OURS;
	if (cfg->vip_port && s->dport == cfg->vip_port &&
	    prx_addr_set(cfg->vip) && !memcmp(s->daddr, cfg->vip, 4))
		return PRX_CLIENT;
	if (lport >= cx->t->sport_min &&
	    lport - cx->t->sport_min < cx->t->nr_flows &&
	    prx_addr_set(cfg->local) && !memcmp(s->daddr, cfg->local, 4))
		return PRX_BACKEND;
	return PRX_NOT_OURS;
}

static uint32_t prx_hash(const struct prx_ctx *cx, unsigned int k,
			 uint32_t cisn)
{
	const struct ndiv_tcp_seg *s = &cx->s;

	return ndiv_cookie_hash(cx->env->key[k], s->family, s->saddr, s->daddr,
			       s->sport, s->dport, cisn);
}

static uint16_t prx_our_mss(const struct prx_ctx *cx)
{
	uint32_t mtu = cx->env->cfg->mtu ? cx->env->cfg->mtu : 1500;
	uint32_t hdrs = (cx->s.family == 4 ? 20 : 40) + 20;

	if (mtu < hdrs + 536)
		return 536;
	return mtu - hdrs > 0xffff ? 0xffff : mtu - hdrs;
}

/* Answer with a RST (RFC 9293 3.10.7.1) in place of the frame. */
static int prx_send_rst(struct prx_ctx *cx)
{
	if (ndiv_tcp_reset(cx->f, &cx->s))
		return NDIV_DROP;
	prx_count(cx, PRX_CNT_RST_SENT);
	return NDIV_TX;
}

/* ---- the cookie handshake ------------------------------------------- */

static int prx_syn(struct prx_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	uint16_t cmss = s->opt.present & NDIV_TCP_OPT_MSS ? s->opt.mss : 536;
	uint8_t ws = s->opt.present & NDIV_TCP_OPT_WSCALE ? s->opt.wscale :
							   PRX_WS_NONE;
	uint8_t sack = !!(s->opt.present & NDIV_TCP_OPT_SACK_PERM);
	uint8_t ts = !!(s->opt.present & NDIV_TCP_OPT_TS);
	uint32_t opt = (uint32_t)ws << 1 | sack, h;
	struct ndiv_tcp_out o;
	uint8_t m;

	prx_count(cx, PRX_CNT_SYN);
	if (cmss < 536) {
		prx_count(cx, PRX_CNT_MALFORMED);
		return NDIV_DROP;
	}
	for (m = 3; prx_mss_tab[m] > cmss; m--)
		;
	h = prx_hash(cx, 0, s->seq);
	memset(&o, 0, sizeof(o));
	o.seq = ts ? (h & PRX_CK_MASK_TS) | m :
		     (h & PRX_CK_MASK_NOTS) | opt << 2 | m;
	o.ack = s->seq + 1;
	o.flags = NDIV_TCP_SYN | NDIV_TCP_ACK;
	o.window = 65535;
	o.opts = NDIV_TCP_OPT_MSS | (sack ? NDIV_TCP_OPT_SACK_PERM : 0);
	o.mss = prx_our_mss(cx);
	if (ws != PRX_WS_NONE) {
		o.opts |= NDIV_TCP_OPT_WSCALE;
		o.wscale = PRX_WSCALE;
	}
	if (ts) {
		o.opts |= NDIV_TCP_OPT_TS;
		o.tsval = (cx->env->now_ms & ~PRX_CK_OPT_BITS) | opt;
		o.tsecr = s->opt.tsval;
	}
	/* a SYN's payload (TCP Fast Open) is not acknowledged */
	ndiv_frame_trim(cx->f, s->pay_off);
	if (ndiv_tcp_reply(cx->f, s, &o))
		return NDIV_DROP;
	prx_count(cx, PRX_CNT_SYNACK);
	return NDIV_TX;
}

/*
 * Does the segment acknowledge one of our cookies? Its seq must be the
 * client's ISN + 1 (nothing was acknowledged before the flow exists).
 */
static int prx_cookie_check(struct prx_ctx *cx, struct prx_ck *ck)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	uint32_t mask, opt;
	unsigned int k;

	ck->cisn = s->seq - 1;
	ck->isn = s->ack - 1;
	ck->ts = !!(s->opt.present & NDIV_TCP_OPT_TS);
	mask = ck->ts ? PRX_CK_MASK_TS : PRX_CK_MASK_NOTS;
	for (k = 0; k < 2; k++) {
		if (!((prx_hash(cx, k, ck->cisn) ^ ck->isn) & mask))
			break;
	}
	if (k == 2)
		return 0;
	if (k)
		prx_count(cx, PRX_CNT_OLD_KEY);
	opt = ck->ts ? s->opt.tsecr : ck->isn >> 2;
	opt &= PRX_CK_OPT_BITS;
	ck->m = ck->isn & 3;
	ck->sack = opt & 1;
	ck->ws = opt >> 1;
	return ck->ws <= NDIV_TCP_MAX_WSCALE || ck->ws == PRX_WS_NONE;
}

/* ---- the backend connection ----------------------------------------- */

/* Rewrites toward the backend with nothing to translate: the SYN. */
static void prx_dir_syn(const struct prx_flow *fl, struct ndiv_splice_dir *d)
{
	memset(d, 0, sizeof(*d));
	memcpy(d->dmac, fl->bmac, NDIV_ETH_ALEN);
	memcpy(d->smac, fl->pmac, NDIV_ETH_ALEN);
	memcpy(d->saddr, fl->local, prx_alen(fl->family));
	memcpy(d->daddr, fl->backend, prx_alen(fl->family));
	d->sport = fl->lport;
	d->dport = fl->bport;
	d->family = fl->family;
}

/*
 * Turn the client's frame in hand into the SYN to the backend: the
 * client's ISN (so client->backend sequence numbers need no offset, as
 * synproxy does), its options from the cookie, its TSval. Built as a
 * reply to the client, then re-addressed by the splice. Context: fl->lock
 * held.
 */
static int prx_backend_syn(struct prx_ctx *cx, const struct prx_flow *fl)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	uint32_t win = s->window;
	struct ndiv_splice_dir d;
	struct ndiv_tcp_seg s2;
	struct ndiv_tcp_out o;

	memset(&o, 0, sizeof(o));
	o.seq = fl->cisn;
	o.flags = NDIV_TCP_SYN;
	o.opts = NDIV_TCP_OPT_MSS;
	o.mss = fl->mss;
	if (fl->ws != PRX_WS_NONE) {
		o.opts |= NDIV_TCP_OPT_WSCALE;
		o.wscale = fl->ws;
		win <<= fl->ws;
	}
	/* a SYN's window is never scaled */
	o.window = win > 0xffff ? 0xffff : win;
	if (fl->sack)
		o.opts |= NDIV_TCP_OPT_SACK_PERM;
	if (fl->ts) {
		o.opts |= NDIV_TCP_OPT_TS;
		o.tsval = fl->ts_client;
	}
	ndiv_frame_trim(cx->f, s->pay_off);
	if (ndiv_tcp_reply(cx->f, s, &o) ||
	    ndiv_tcp_parse(cx->f, &s2, NDIV_TCP_NOCSUM))
		return NDIV_DROP;
	prx_dir_syn(fl, &d);
	if (ndiv_splice_rewrite(cx->f, &s2, &d))
		return NDIV_DROP;
	prx_count(cx, PRX_CNT_BE_SYN);
	return NDIV_TX;
}

/* Translate the frame g, a copy of the held segment, into d's. */
static int prx_held_rewrite(struct ndiv_frame *g,
			    const struct ndiv_splice_dir *d)
{
	struct ndiv_tcp_seg s;

	/* its checksums were verified when it arrived */
	if (ndiv_tcp_parse(g, &s, NDIV_TCP_NOCSUM))
		return -1;
	return ndiv_splice_rewrite(g, &s, d);
}

/*
 * Send the held first segment to the backend, translated: in place of
 * the frame in hand when it fits, else through the emitter. Its ack is
 * the backend's ISN + 1, so it also completes the backend's handshake.
 * Context: fl->lock held; released here.
 */
static int prx_send_held(struct prx_ctx *cx, struct prx_flow *fl)
{
	const struct prx_emitter *em = cx->env->emit;
	struct ndiv_frame *f = cx->f;
	uint32_t len = fl->held_len;
	struct ndiv_splice_dir d = fl->c2b;
	uint32_t tag = f->flags & NDIV_F_VLAN_STRIPPED ? NDIV_VLAN_HLEN : 0;
	struct ndiv_frame g;
	void *handle;
	uint8_t *buf;

	if (len <= f->len + f->tailroom) {
		memcpy(f->data, fl->held, len);
		prx_unlock(&fl->lock);
		if (len > f->len)
			ndiv_frame_put(f, len - f->len);
		else
			ndiv_frame_trim(f, len);
		if (prx_held_rewrite(f, &d))
			return NDIV_DROP;
		prx_count(cx, PRX_CNT_C2B);
		return NDIV_TX;
	}
	buf = em ? em->get(em->ctx, tag + len, &handle) : NULL;
	if (!buf) {
		prx_unlock(&fl->lock);
		prx_count(cx, PRX_CNT_EMIT_FAIL);
		return NDIV_DROP;
	}
	memcpy(buf + tag, fl->held, len);
	prx_unlock(&fl->lock);
	memset(&g, 0, sizeof(g));
	g.data = buf + tag;
	g.len = len;
	g.headroom = tag;
	g.rxq = f->rxq;
	g.vlan_tci = f->vlan_tci;
	g.flags = f->flags;
	g.dev = f->dev;
	if (prx_held_rewrite(&g, &d) || ndiv_frame_vlan_restore(&g)) {
		em->send(em->ctx, handle, 0);
		prx_count(cx, PRX_CNT_EMIT_FAIL);
		return NDIV_DROP;
	}
	if (em->send(em->ctx, handle, g.len)) {
		prx_count(cx, PRX_CNT_EMIT_FAIL);
		return NDIV_DROP;
	}
	prx_count(cx, PRX_CNT_EMIT);
	prx_count(cx, PRX_CNT_C2B);
	return NDIV_DROP;
}

static void prx_close(struct prx_flow *fl, uint32_t now)
{
	if (fl->state != PRX_CLOSED) {
		fl->state = PRX_CLOSED;
		fl->closed_ms = now;
	}
}

/* The two ends of the flow, for ndiv_splice_dir_init(). */
static void prx_ends(const struct prx_flow *fl, struct ndiv_splice_ends *e)
{
	uint32_t n = prx_alen(fl->family);

	memset(e, 0, sizeof(*e));
	e->family = fl->family;
	memcpy(e->client_mac, fl->cmac, NDIV_ETH_ALEN);
	memcpy(e->backend_mac, fl->bmac, NDIV_ETH_ALEN);
	memcpy(e->proxy_mac, fl->pmac, NDIV_ETH_ALEN);
	memcpy(e->client, fl->client, n);
	memcpy(e->vip, fl->vip, n);
	memcpy(e->local, fl->local, n);
	memcpy(e->backend, fl->backend, n);
	e->client_port = fl->cport;
	e->vip_port = fl->vport;
	e->local_port = fl->lport;
	e->backend_port = fl->bport;
}

/*
 * The backend's SYN-ACK to our SYN: both handshakes are known, so the
 * splice is set up (Documentation/proxy.rst) and the held segment goes
 * out. A backend that refuses timestamps the client uses cannot be
 * spliced (the option would have to be added or stripped): RST to the
 * backend, and the client gets one on its next segment.
 * Context: fl->lock held; released here.
 */
static int prx_be_synack(struct prx_ctx *cx, struct prx_flow *fl)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	int ws_ok = fl->ws != PRX_WS_NONE &&
		    (s->opt.present & NDIV_TCP_OPT_WSCALE);
	struct ndiv_splice_ends e;
	struct ndiv_splice_hs h;

	if (fl->ts && !(s->opt.present & NDIV_TCP_OPT_TS))
		goto refuse;
	prx_ends(fl, &e);
	memset(&h, 0, sizeof(h));
	h.cisn = fl->cisn;
	h.pisn_c = fl->pisn_c;
	h.pisn_b = fl->cisn;
	h.bisn = s->seq;
	h.ts_client = fl->ts_client;
	h.ts_to_b = fl->ts_client;
	h.ts_backend = s->opt.tsval;
	h.ts_to_c = fl->ts_to_c;
	h.ws_client = fl->ws == PRX_WS_NONE ? 0 : fl->ws;
	h.ws_to_c = fl->ws == PRX_WS_NONE ? 0 : PRX_WSCALE;
	h.ws_to_b = ws_ok ? fl->ws : 0;
	h.ws_backend = ws_ok ? s->opt.wscale : 0;
	if (ndiv_splice_dir_init(&fl->c2b, &fl->b2c, &e, &h))
		goto refuse;
	fl->state = PRX_OPEN;
	fl->last_ms = cx->env->now_ms;
	prx_count(cx, PRX_CNT_BE_SYNACK);
	return prx_send_held(cx, fl);
refuse:
	prx_close(fl, cx->env->now_ms);
	prx_unlock(&fl->lock);
	prx_count(cx, PRX_CNT_BE_REFUSED);
	return prx_send_rst(cx);
}

/*
 * Translate the segment by d (a copy of one direction), following FIN
 * and RST. Context: fl->lock held; released here.
 */
static int prx_splice(struct prx_ctx *cx, struct prx_flow *fl,
		      const struct ndiv_splice_dir *dir, uint8_t fin,
		      enum prx_counter c)
{
	struct ndiv_splice_dir d = *dir;
	uint8_t flags = cx->s.flags;
	uint32_t now = cx->env->now_ms;

	fl->last_ms = now;
	if (flags & NDIV_TCP_RST) {
		prx_close(fl, now);
		prx_count(cx, PRX_CNT_RST);
	} else if (flags & NDIV_TCP_FIN) {
		fl->fin |= fin;
		prx_count(cx, PRX_CNT_FIN);
		if (fl->fin == (PRX_FIN_C | PRX_FIN_B))
			prx_close(fl, now);
	}
	prx_unlock(&fl->lock);
	if (ndiv_splice_rewrite(cx->f, &cx->s, &d)) {
		prx_count(cx, PRX_CNT_MALFORMED);
		return NDIV_DROP;
	}
	prx_count(cx, c);
	return NDIV_TX;
}

/* ---- segments by side ----------------------------------------------- */

/* A client segment of an existing flow. Context: fl->lock held; released. */
static int prx_client_flow(struct prx_ctx *cx, struct prx_flow *fl)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	int v = NDIV_DROP;

	if (fl->state == PRX_SYN_SENT) {
		if (s->flags & NDIV_TCP_RST) {
			prx_close(fl, cx->env->now_ms);
		} else if (s->pay_len && s->seq == fl->cisn + 1) {
			/* the first segment again: the backend SYN again */
			fl->last_ms = cx->env->now_ms;
			v = prx_backend_syn(cx, fl);
		}
		prx_unlock(&fl->lock);
		return v;
	}
	if (!fl->c2b.family) {
		/* closed before the splice existed: the backend refused */
		prx_unlock(&fl->lock);
		return s->flags & NDIV_TCP_RST ? NDIV_DROP : prx_send_rst(cx);
	}
	return prx_splice(cx, fl, &fl->c2b, PRX_FIN_C, PRX_CNT_C2B);
}

/*
 * The key the Maglev algorithms hash: the client's address, or the
 * request's path. A head cut by the segment's end has no parsed path yet
 * and hashes as the empty path (until heads spanning segments are held).
 */
static uint64_t prx_bal_hash(const struct prx_ctx *cx,
			     const struct ndiv_http1_req *req, int parsed)
{
	const struct ndiv_tcp_seg *s = &cx->s;

	switch (cx->env->cfg->balance) {
	case PRX_BAL_HASH_SRC:
		return prx_balance_hash(s->saddr, prx_alen(s->family));
	case PRX_BAL_HASH_URI:
		if (parsed && req->path)
			return prx_balance_hash(req->path, req->path_len);
		return prx_balance_hash("", 0);
	default:
		return 0;
	}
}

/* Pick the backend, counting a flow on it; NULL (and RST) if none. */
static const struct prx_backend *prx_pick(struct prx_ctx *cx,
					  uint64_t hash, int *verdict)
{
	const struct prx_config *cfg = cx->env->cfg;
	int i = prx_balance_pick(cx->t, cfg, hash);

	if (i >= 0)
		return &cfg->be[i];
	prx_count(cx, i == -2 ? PRX_CNT_BE_FULL : PRX_CNT_NO_BACKEND);
	*verdict = prx_send_rst(cx);
	return NULL;
}

/* Fill a flow just allocated for the held segment in hand. */
static void prx_flow_fill(struct prx_ctx *cx, struct prx_flow *fl,
			  const struct prx_ck *ck,
			  const struct prx_backend *be, const uint8_t *bmac)
{
	const struct ndiv_tcp_seg *s = &cx->s;

	fl->state = PRX_SYN_SENT;
	fl->ts = ck->ts;
	fl->sack = ck->sack;
	fl->ws = ck->ws;
	fl->mss = prx_mss_tab[ck->m];
	fl->cisn = ck->cisn;
	fl->pisn_c = ck->isn;
	fl->ts_client = s->opt.tsval;
	fl->ts_to_c = s->opt.tsecr;
	fl->last_ms = cx->env->now_ms;
	memcpy(fl->backend, be->addr, prx_alen(fl->family));
	memcpy(fl->local, cx->env->cfg->local, prx_alen(fl->family));
	fl->bport = be->port;
	fl->be_slot = be->slot;
	memcpy(fl->bmac, bmac, NDIV_ETH_ALEN);
	memcpy(fl->pmac, cx->f->data, NDIV_ETH_ALEN);
	memcpy(fl->cmac, cx->f->data + NDIV_ETH_ALEN, NDIV_ETH_ALEN);
	fl->held_len = cx->f->len;
	memcpy(fl->held, cx->f->data, cx->f->len);
}

/*
 * Late binding: the first segment with data of a connection the cookie
 * vouches for. The flow exists from here on.
 */
static int prx_bind(struct prx_ctx *cx, const struct prx_key *k)
{
	const struct prx_config *cfg = cx->env->cfg;
	const struct ndiv_tcp_seg *s = &cx->s;
	struct prx_table *t = cx->t;
	const struct prx_backend *be;
	struct ndiv_http1_req req;
	uint8_t bmac[NDIV_ETH_ALEN];
	struct prx_bucket *b;
	struct prx_flow *fl;
	struct prx_ck ck;
	int ret;

	if (!prx_cookie_check(cx, &ck)) {
		prx_count(cx, PRX_CNT_COOKIE_BAD);
		return NDIV_DROP;
	}
	if (!s->pay_len)	/* a FIN before any request */
		return prx_send_rst(cx);
	ret = ndiv_http1_parse(cx->f->data + s->pay_off, s->pay_len, &req,
			       NULL, 0);
	if (ret == NDIV_HTTP1_INCOMPLETE) {
		/* the head goes on as it is; hash-uri sees an empty path */
		prx_count(cx, PRX_CNT_HEAD_PARTIAL);
	} else if (ret != NDIV_HTTP1_OK) {
		prx_count(cx, PRX_CNT_BAD_REQUEST);
		return prx_send_rst(cx);
	}
	if (!cfg->nr_backends) {
		prx_count(cx, PRX_CNT_NO_BACKEND);
		return prx_send_rst(cx);
	}
	if (cx->f->len > PRX_HOLD_MAX) {
		prx_count(cx, PRX_CNT_TOO_BIG);
		return NDIV_DROP;
	}
	be = prx_pick(cx, prx_bal_hash(cx, &req, ret == NDIV_HTTP1_OK), &ret);
	if (!be)
		return ret;
	if (!cx->env->neigh ||
	    cx->env->neigh(cx->env->neigh_ctx, be->family, be->addr, bmac)) {
		/* resolution started; the client sends the segment again */
		prx_balance_put(t, be->slot);
		prx_count(cx, PRX_CNT_NEIGH_MISS);
		return NDIV_DROP;
	}
	b = &t->buckets[prx_bucket_of(t, k)];
	prx_lock(&b->lock);
	fl = prx_bucket_find(t, b, k);
	if (fl) {
		/* another CPU bound it meanwhile */
		prx_balance_put(t, be->slot);
		prx_lock(&fl->lock);
		prx_unlock(&b->lock);
		return prx_client_flow(cx, fl);
	}
	fl = prx_flow_alloc(t, b, k);
	prx_unlock(&b->lock);
	if (!fl) {
		prx_balance_put(t, be->slot);
		prx_count(cx, PRX_CNT_FLOW_FULL);
		return NDIV_DROP;
	}
	prx_count(cx, PRX_CNT_FLOW_NEW);
	prx_flow_fill(cx, fl, &ck, be, bmac);
	ret = prx_backend_syn(cx, fl);
	prx_unlock(&fl->lock);
	return ret;
}

/*
 * A SYN for a tuple whose flow is closed: the client reuses its port, the
 * old flow goes now rather than at the next reap.
 */
static void prx_retire_closed(struct prx_ctx *cx, const struct prx_key *k)
{
	struct prx_table *t = cx->t;
	struct prx_bucket *b = &t->buckets[prx_bucket_of(t, k)];
	struct prx_flow *fl;

	prx_lock(&b->lock);
	fl = prx_bucket_find(t, b, k);
	if (fl) {
		prx_lock(&fl->lock);
		if (fl->state == PRX_CLOSED) {
			prx_flow_release(t, b, fl);
			prx_count(cx, PRX_CNT_FLOW_FREED);
		} else {
			prx_unlock(&fl->lock);
		}
	}
	prx_unlock(&b->lock);
}

static int prx_client(struct prx_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	struct prx_table *t = cx->t;
	struct prx_key k = {
		.client = s->saddr, .vip = s->daddr,
		.cport = s->sport, .vport = s->dport, .family = s->family,
	};
	struct prx_bucket *b;
	struct prx_flow *fl;

	if (s->flags & NDIV_TCP_SYN) {
		if (s->flags & (NDIV_TCP_ACK | NDIV_TCP_FIN | NDIV_TCP_RST)) {
			prx_count(cx, PRX_CNT_MALFORMED);
			return NDIV_DROP;
		}
		prx_retire_closed(cx, &k);
		return prx_syn(cx);
	}
	b = &t->buckets[prx_bucket_of(t, &k)];
	prx_lock(&b->lock);
	fl = prx_bucket_find(t, b, &k);
	if (fl) {
		prx_lock(&fl->lock);
		prx_unlock(&b->lock);
		return prx_client_flow(cx, fl);
	}
	prx_unlock(&b->lock);
	if (s->flags & NDIV_TCP_RST)
		return NDIV_DROP;
	if (!(s->flags & NDIV_TCP_ACK)) {
		prx_count(cx, PRX_CNT_MALFORMED);
		return NDIV_DROP;
	}
	if (!s->pay_len && !(s->flags & NDIV_TCP_FIN)) {
		/* the handshake's ACK: nothing to bind yet */
		prx_count(cx, PRX_CNT_ACK_NOFLOW);
		return NDIV_DROP;
	}
	return prx_bind(cx, &k);
}

/* A segment to one of our local ports: the backend's side of a flow. */
static int prx_backend(struct prx_ctx *cx)
{
	const struct ndiv_tcp_seg *s = &cx->s;
	struct prx_flow *fl = &cx->t->flows[s->dport - cx->t->sport_min];

	prx_lock(&fl->lock);
	if (fl->state == PRX_FREE || fl->family != s->family ||
	    fl->bport != s->sport ||
	    memcmp(fl->backend, s->saddr, prx_alen(s->family)))
		goto stray;
	if (s->flags & NDIV_TCP_SYN) {
		if (!(s->flags & NDIV_TCP_ACK) || s->ack != fl->cisn + 1)
			goto stray;
		if (fl->state == PRX_SYN_SENT)
			return prx_be_synack(cx, fl);
		/* our segment that acknowledged it was lost: send it again */
		if (fl->state == PRX_OPEN)
			return prx_send_held(cx, fl);
		goto stray;
	}
	if (fl->state == PRX_SYN_SENT) {
		if (s->flags & NDIV_TCP_RST) {
			prx_close(fl, cx->env->now_ms);
			prx_count(cx, PRX_CNT_BE_REFUSED);
		}
		prx_unlock(&fl->lock);
		return NDIV_DROP;
	}
	if (!fl->b2c.family)
		goto stray;
	return prx_splice(cx, fl, &fl->b2c, PRX_FIN_B, PRX_CNT_B2C);
stray:
	prx_unlock(&fl->lock);
	prx_count(cx, PRX_CNT_STRAY);
	return NDIV_DROP;
}

int prx_handle(const struct prx_env *env, struct prx_table *t,
	       struct ndiv_frame *f)
{
	struct prx_ctx cx = { .env = env, .t = t, .f = f };
	enum prx_side side;
	int err;

	err = ndiv_tcp_parse(f, &cx.s, NDIV_TCP_NOCSUM);
	if (err) {
		/* only a segment to the VIP or a local port of ours is ours */
		if (!(ndiv_tcp_whose(f, &cx.s) & NDIV_TCP_HAVE_PORTS) ||
		    prx_side(&cx) == PRX_NOT_OURS) {
			prx_count(&cx, PRX_CNT_PASS);
			return NDIV_PASS;
		}
		prx_count(&cx, err == -NDIV_PKT_E_BAD_CSUM_IP ?
			  PRX_CNT_BAD_CSUM : PRX_CNT_MALFORMED);
		return NDIV_DROP;
	}
	side = prx_side(&cx);
	if (side == PRX_NOT_OURS) {
		prx_count(&cx, PRX_CNT_PASS);
		return NDIV_PASS;
	}
	if (ndiv_tcp_csum_ok(f, &cx.s)) {
		prx_count(&cx, PRX_CNT_BAD_CSUM);
		return NDIV_DROP;
	}
	return side == PRX_CLIENT ? prx_client(&cx) : prx_backend(&cx);
}
