/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slhttpd's stateless engine: one call per received frame decides PASS,
 * DROP or TX, from the frame alone. Plain C shared by the kernel module
 * (slhttpd/module.c) and the user-space tests; the design (cookie,
 * positions, timestamps, recovery) is in Documentation/slhttpd.rst.
 *
 * The caller provides an environment (struct slh_env): configuration, the
 * two cookie keys, the wall clock, an object lookup, an emitter for
 * responses of several segments, and a counter array. The engine keeps
 * nothing between calls.
 */
#ifndef _SLHTTPD_ENGINE_H
#define _SLHTTPD_ENGINE_H

#include <ndiv/frame.h>
#include <ndiv/siphash.h>
#include <uapi/linux/ndiv_slhttpd.h>
#include "resp.h"

#define SLH_MAX_PORTS		SLHTTPD_MAX_PORTS
#define SLH_MAX_ADDRS		SLHTTPD_MAX_ADDRS
/* Positions stay below this: 1 MiB of responses per connection. */
#define SLH_X_MAX		(1u << 20)
/* Request bytes acknowledged per connection: C is 15 bits in TSval. */
#define SLH_C_MAX		(1u << 15)
/* Largest body, synthetic or static. */
#define SLH_MAX_BODY		SLHTTPD_MAX_BODY
/* Longest path of a static object, content type and Location. */
#define SLH_OBJ_PATH_MAX	SLHTTPD_OBJ_PATH_MAX
#define SLH_OBJ_TYPE_MAX	SLHTTPD_OBJ_TYPE_MAX
#define SLH_OBJ_LOCATION_MAX	SLHTTPD_OBJ_LOCATION_MAX
/* Our receive window; window scaling is never negotiated. */
#define SLH_WINDOW		65535
/* Most data sent for one segment received, whatever the window says. */
#define SLH_BURST_MAX		65535

/* What to do with a segment that fails validation. */
enum slh_invalid {
	SLH_INVALID_DROP,
	SLH_INVALID_RST,
};

/* Counters, one slot each in the caller's array (per CPU in the kernel). */
enum slh_counter {
	SLH_CNT_PASS,		/* not ours: handed to the stack */
	SLH_CNT_MALFORMED,	/* ours but unparsable (see pkt.h reasons) */
	SLH_CNT_BAD_CSUM,	/* ours, bad IPv4 or TCP checksum */
	SLH_CNT_VLAN_STRIPPED,	/* ours, tag stripped by the NIC: answered */
	SLH_CNT_SYN,		/* SYN received */
	SLH_CNT_SYNACK,		/* SYN-ACK sent */
	SLH_CNT_COOKIE_BAD,	/* failed validation */
	SLH_CNT_RST_SENT,	/* RST sent for an invalid segment */
	SLH_CNT_RST_RCVD,	/* RST received (ignored) */
	SLH_CNT_ACK,		/* pure ACK received (nothing to send) */
	SLH_CNT_FIN,		/* FIN received and answered */
	SLH_CNT_REQ,		/* requests answered, all statuses */
	SLH_CNT_RESP_2XX,
	SLH_CNT_RESP_3XX,
	SLH_CNT_RESP_4XX,
	SLH_CNT_RESP_5XX,
	SLH_CNT_RESP_MULTI,	/* responses sent in several segments */
	SLH_CNT_RESUME,		/* request at MID: response resent from there */
	SLH_CNT_REQ_ACKED,	/* request at END/CLOSED: acknowledged again */
	SLH_CNT_SEGS_EMITTED,	/* segments sent through the emitter */
	SLH_CNT_EMIT_FAIL,	/* emitter could not take a segment */
	SLH_CNT_PIPELINE_DEFER,	/* pipelined requests left for a resend */
	SLH_CNT_OLD_KEY,	/* validated by the previous key */
	SLH_CNT_NR
};

/* Names for the counters above, in order ("pass", "malformed", ...). */
extern const char *const slh_counter_names[SLH_CNT_NR];

/*
 * A static object. All pointers stay valid for as long as the lookup that
 * returned it may be used (the kernel module publishes objects with RCU).
 */
struct slh_object {
	const uint8_t *body;
	uint32_t body_len;	/* at most SLH_MAX_BODY */
	uint16_t status;	/* 200-599 */
	uint8_t type_len;
	uint16_t location_len;
	const char *type;	/* Content-Type, type_len bytes */
	const char *location;	/* Location or NULL (location_len 0) */
};

struct slh_config {
	uint16_t ports[SLH_MAX_PORTS];	/* host order */
	uint8_t nr_ports;
	uint8_t invalid;		/* enum slh_invalid */
	uint8_t nr_addr4, nr_addr6;	/* 0: any destination address */
	uint8_t addr4[SLH_MAX_ADDRS][4];
	uint8_t addr6[SLH_MAX_ADDRS][16];
	uint16_t mtu;			/* device MTU: caps segment size */
	uint8_t date;			/* send a Date header (default 1) */
};

/*
 * Sends a response of several segments. get() returns a buffer for one
 * frame of up to cap bytes (NULL when none is available). send() transmits
 * len bytes of it, in call order, on the device the frame came from, and
 * returns 0, or a negative value when the device refused it; len 0 gives
 * the buffer back unsent. Either failure ends the burst and is counted
 * once, as SLH_CNT_EMIT_FAIL; the client asks again for what is missing.
 */
struct slh_emitter {
	uint8_t *(*get)(void *ctx, uint32_t cap, void **handle);
	int (*send)(void *ctx, void *handle, uint32_t len);
	void *ctx;
};

struct slh_request;

/* What an offload hook made of a request (struct slh_env, offload). */
enum slh_offload {
	SLH_OFFLOAD_NO,		/* not offloaded: answer as usual */
	SLH_OFFLOAD_OBJ,	/* answer with the object it gave */
	SLH_OFFLOAD_WAIT,	/* not yet: leave the request unacknowledged */
};

/* A request an offload hook is asked about. */
struct slh_offload_req {
	const struct ndiv_frame *f;	/* the frame that carries it */
	const struct ndiv_tcp_seg *seg;	/* its segment, parsed */
	uint32_t seq;			/* its first byte's sequence number */
	const uint8_t *data;		/* its bytes, head only */
	uint32_t len;
	const struct slh_request *req;	/* as parsed */
	int resume;			/* at MID: only a kept answer will do */
};

typedef int (*slh_offload_fn)(void *ctx, const struct slh_offload_req *o,
			      const struct slh_object **obj);

typedef const struct slh_object *(*slh_lookup_fn)(void *ctx,
						  const uint8_t *path,
						  uint16_t path_len);

/*
 * The Date header's text for one second, formatted once and reused by
 * every response in that second. The caller owns it, one per CPU (or
 * thread): the engine rewrites it when the second changes.
 */
struct slh_date_cache {
	int64_t secs;			/* -1: empty */
	char text[SLH_DATE_LEN];
};

struct slh_env {
	const struct slh_config *cfg;
	/* key[0] current, key[1] previous (may equal key[0]) */
	const struct ndiv_siphash_key *key[2];
	int64_t now;			/* wall clock, seconds since the epoch */
	struct slh_date_cache *date;	/* NULL: formatted per response */
	slh_lookup_fn lookup;		/* may be NULL: no static objects */
	void *lookup_ctx;
	const struct slh_emitter *emit;	/* NULL: no multi-segment responses */
	/*
	 * May be NULL. Asked about every GET or HEAD without s= or r=,
	 * before lookup; an answer it gives must be the same object each
	 * time it is asked about the same request (seq), or a resume would
	 * mix two responses.
	 */
	slh_offload_fn offload;
	void *offload_ctx;
	struct ndiv_stat *cnt;		/* SLH_CNT_NR counters to increment */
};

/*
 * Handle one received frame. Returns NDIV_PASS (not slhttpd's),
 * NDIV_DROP (nothing to answer, or the answer went out
 * through env->emit) or NDIV_TX (f was rewritten into the answer).
 * f needs tailroom for a full segment to answer with data: the hooked
 * drivers give at least 1518 bytes of room.
 */
int slh_handle(const struct slh_env *env, struct ndiv_frame *f);

#endif /* _SLHTTPD_ENGINE_H */
