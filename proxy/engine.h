/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The proxy's engine: one call per received frame decides PASS, DROP or
 * TX. It answers a client's handshake with a SYN cookie, binds the flow
 * on the first segment with data, opens the backend connection from the
 * driver and splices the two connections with ndiv_splice_rewrite().
 * Plain C shared by the kernel module (proxy/module.c) and the user-space
 * tests; the design (cookie, flow table, CPU model, timers) is in
 * Documentation/proxy.rst.
 *
 * The caller owns the flow table (struct prx_table, sized once, before
 * any frame) and provides, per frame, an environment: configuration,
 * cookie keys, a millisecond clock, the neighbour lookup, the emitter
 * and the counters.
 */
#ifndef _PROXY_ENGINE_H
#define _PROXY_ENGINE_H

#include <ndiv/frame.h>
#include <ndiv/siphash.h>
#include <ndiv/splice.h>
#include <uapi/linux/ndiv_proxy.h>

#include "lock.h"

#define PRX_MAX_BACKENDS	PROXY_MAX_BACKENDS
/* The largest client frame held until the backend answers. */
#define PRX_HOLD_MAX		1536
/* The window shift the cookie SYN-ACK announces (Linux's usual). */
#define PRX_WSCALE		7
/* A closed flow keeps translating late segments this long. */
#define PRX_LINGER_MS		1000
/* A backend that has not answered the SYN by then is given up. */
#define PRX_CONNECT_MS		5000
#define PRX_NONE		0xffffffffu	/* no flow index */

/* Counters, one slot each in the caller's array (per CPU in the kernel). */
enum prx_counter {
	PRX_CNT_PASS,		/* not ours: handed to the stack */
	PRX_CNT_MALFORMED,	/* ours but unparsable */
	PRX_CNT_BAD_CSUM,	/* ours, bad IPv4 or TCP checksum */
	PRX_CNT_SYN,		/* client SYN received */
	PRX_CNT_SYNACK,		/* cookie SYN-ACK sent */
	PRX_CNT_COOKIE_BAD,	/* first data that failed validation */
	PRX_CNT_ACK_NOFLOW,	/* segment without data and without flow */
	PRX_CNT_BAD_REQUEST,	/* request head refused: RST */
	PRX_CNT_HEAD_PARTIAL,	/* first segment ends inside the head */
	PRX_CNT_TOO_BIG,	/* first segment larger than PRX_HOLD_MAX */
	PRX_CNT_NO_BACKEND,	/* no backend configured: RST */
	PRX_CNT_NEIGH_MISS,	/* backend MAC unresolved: dropped */
	PRX_CNT_FLOW_FULL,	/* no free flow: dropped */
	PRX_CNT_FLOW_NEW,	/* flows allocated */
	PRX_CNT_FLOW_FREED,	/* flows freed (closed, idle or reused) */
	PRX_CNT_FLOW_EXPIRED,	/* ... of which by the idle timeout */
	PRX_CNT_BE_SYN,		/* SYN sent to a backend (resends too) */
	PRX_CNT_BE_SYNACK,	/* backend SYN-ACK: request sent */
	PRX_CNT_BE_REFUSED,	/* backend RST or options refused */
	PRX_CNT_C2B,		/* client segments spliced to the backend */
	PRX_CNT_B2C,		/* backend segments spliced to the client */
	PRX_CNT_FIN,		/* FINs spliced, both ways */
	PRX_CNT_RST,		/* RSTs spliced, both ways */
	PRX_CNT_RST_SENT,	/* RSTs the proxy sent itself */
	PRX_CNT_STRAY,		/* to a local port of no such flow: dropped */
	PRX_CNT_EMIT,		/* frames sent through the emitter */
	PRX_CNT_EMIT_FAIL,	/* emitter could not take a frame */
	PRX_CNT_OLD_KEY,	/* cookie validated by the previous key */
	PRX_CNT_BE_FULL,	/* every backend in service at max_conn: RST */
	PRX_CNT_NR
};

/* Names of the counters above, in order: the sysfs file names. */
extern const char *const prx_counter_names[PRX_CNT_NR];

/* A slot no backend holds (struct prx_flow's be_slot). */
#define PRX_SLOT_NONE		0xff
/* A Maglev entry of no backend (the table is empty without backends). */
#define PRX_MAGLEV_NONE		0xff
#define PRX_MAGLEV_SIZE		PROXY_MAGLEV_SIZE

/* enum prx_balance: the values of struct prx_config's balance */
enum prx_balance {
	PRX_BAL_RR,		/* smooth weighted round robin */
	PRX_BAL_LEASTCONN,	/* fewest flows per unit of weight */
	PRX_BAL_HASH_SRC,	/* Maglev over the client's address */
	PRX_BAL_HASH_URI,	/* Maglev over the request's path */
	PRX_BAL_NR
};

struct prx_backend {
	char name[PROXY_NAME_MAX + 1];		/* NUL-terminated */
	uint8_t addr[NDIV_SPLICE_ADDR_LEN];	/* network order */
	uint16_t port;				/* host order */
	uint8_t family;				/* 4 */
	/*
	 * A stable identity (< PRX_MAX_BACKENDS) kept while the backend is
	 * configured: the index of its state in struct prx_table, which
	 * outlives configuration snapshots.
	 */
	uint8_t slot;
	uint8_t backup;				/* 1: only if no primary */
	uint16_t weight;			/* 1..256; 0 counts as 1 */
	uint32_t max_conn;			/* flows at once, 0: no limit */
};

/* What rx reads: an immutable snapshot (RCU in the kernel). */
struct prx_config {
	uint8_t vip[NDIV_SPLICE_ADDR_LEN];	/* 0.0.0.0: no VIP, all pass */
	uint8_t local[NDIV_SPLICE_ADDR_LEN];	/* the device's own address */
	uint16_t vip_port;
	uint16_t mtu;				/* the device's */
	uint32_t timeout_ms;			/* idle flows freed after */
	uint8_t balance;			/* enum prx_balance */
	/*
	 * The backends in service: the primaries, or the backups when no
	 * primary is configured. Set with maglev[] by prx_balance_build().
	 */
	uint8_t use_backup;
	uint16_t nr_backends;
	struct prx_backend be[PRX_MAX_BACKENDS];
	/* Consistent hash: an index into be[] per entry, PRX_MAGLEV_NONE */
	uint8_t maglev[PRX_MAGLEV_SIZE];
};

/*
 * Fill cfg->use_backup and cfg->maglev[] from cfg->be[]: call after any
 * change of the backends (names, weights, backup flags) and before the
 * snapshot is published. The table depends only on the names and
 * weights of the backends in service, not on their order in be[], so
 * every CPU and every machine with the same backends has the same one.
 * Context: process (loops over the whole table; allocates nothing).
 */
void prx_balance_build(struct prx_config *cfg);

/* The Maglev entry of a key hash: for the tests and the docs' figures. */
static inline uint32_t prx_maglev_entry(uint64_t hash)
{
	return (uint32_t)(hash % PRX_MAGLEV_SIZE);
}

/*
 * Sends a frame besides the one in hand: get() a buffer of up to cap
 * bytes (NULL if none), send() len bytes of it (0: give it back unsent),
 * 0 or negative when the device refused it.
 */
struct prx_emitter {
	uint8_t *(*get)(void *ctx, uint32_t cap, void **handle);
	int (*send)(void *ctx, void *handle, uint32_t len);
	void *ctx;
};

/*
 * The MAC address of a backend from the kernel's neighbour table: 0 and
 * mac filled, or -1 when it is not resolved yet (resolution started).
 * Context: rx.
 */
typedef int (*prx_neigh_fn)(void *ctx, int family, const uint8_t *addr,
			    uint8_t *mac);

struct prx_env {
	const struct prx_config *cfg;
	/* key[0] current, key[1] previous (may equal key[0]) */
	const struct ndiv_siphash_key *key[2];
	uint32_t now_ms;		/* a millisecond clock, wraps */
	prx_neigh_fn neigh;
	void *neigh_ctx;
	const struct prx_emitter *emit;	/* NULL: only frames in place */
	struct ndiv_stat *cnt;		/* PRX_CNT_NR counters */
};

enum prx_state {
	PRX_FREE,
	PRX_SYN_SENT,		/* backend SYN out, client frame held */
	PRX_OPEN,		/* spliced */
	PRX_CLOSED,		/* RST seen or both FINs: lingers, then freed */
};

/* fl->fin */
#define PRX_FIN_C	0x1	/* the client sent FIN */
#define PRX_FIN_B	0x2	/* the backend sent FIN */

/*
 * One flow. The client tuple, the backend and lport are set when the
 * flow is allocated and do not change until it is freed; everything else
 * is under lock. A flow's index is its local port minus sport_min, so
 * the backend's segments find it without a hash.
 */
struct prx_flow {
	struct prx_lock lock;
	uint8_t state;		/* enum prx_state */
	uint8_t fin;		/* PRX_FIN_* */
	uint8_t family;
	uint8_t ts;		/* timestamps on the client's connection */
	uint8_t sack;		/* the client offered SACK */
	uint8_t ws;		/* the client's shift, 0xf: no window scaling */
	uint16_t mss;		/* the client's, from the cookie's table */
	uint8_t be_slot;	/* its backend's slot, PRX_SLOT_NONE */
	uint32_t next;		/* bucket chain or free list */
	uint32_t bucket;
	uint32_t last_ms;	/* last segment either way */
	uint32_t closed_ms;	/* entered PRX_CLOSED */
	uint32_t cisn, pisn_c;	/* the client's ISN, the cookie */
	uint32_t ts_client;	/* client's TSval in the held segment */
	uint32_t ts_to_c;	/* the last TSval the client saw from us */
	uint8_t client[NDIV_SPLICE_ADDR_LEN], vip[NDIV_SPLICE_ADDR_LEN];
	uint8_t backend[NDIV_SPLICE_ADDR_LEN], local[NDIV_SPLICE_ADDR_LEN];
	uint16_t cport, vport, bport, lport;
	uint8_t cmac[NDIV_ETH_ALEN], pmac[NDIV_ETH_ALEN];
	uint8_t bmac[NDIV_ETH_ALEN];
	struct ndiv_splice_dir c2b, b2c;
	uint16_t held_len;
	uint8_t held[PRX_HOLD_MAX];	/* the client's first data segment */
};

struct prx_bucket {
	struct prx_lock lock;
	uint32_t head;		/* first flow index, PRX_NONE */
};

/*
 * The flow table of one bound device. Lock order: a bucket, then a flow,
 * then free_lock; never two of a kind.
 */
struct prx_table {
	struct prx_flow *flows;		/* nr_flows */
	struct prx_bucket *buckets;	/* nr_buckets, a power of two */
	uint32_t nr_flows, nr_buckets;
	uint16_t sport_min;		/* flow i uses local port sport_min + i */
	struct ndiv_siphash_key hkey;	/* bucket hash */
	struct prx_lock free_lock;
	uint32_t free_head, free_tail;	/* FIFO: oldest freed reused last */
	uint32_t nr_active;		/* under free_lock */
	uint32_t rr;			/* leastconn's tie start, free_lock */
	/*
	 * Per backend slot, under free_lock: flows bound to it (taken at
	 * bind, given back when the flow is freed) and the smooth round
	 * robin's current weight.
	 */
	uint32_t be_conn[PRX_MAX_BACKENDS];
	int32_t be_cur[PRX_MAX_BACKENDS];
};

/* Bytes of flows and buckets for nr_flows flows: the caller allocates. */
uint32_t prx_table_buckets(uint32_t nr_flows);

/* Set up a table over the caller's arrays; every flow free. */
void prx_table_init(struct prx_table *t, struct prx_flow *flows,
		    struct prx_bucket *buckets, uint32_t nr_flows,
		    uint16_t sport_min, const struct ndiv_siphash_key *hkey);

/*
 * Free the flows that are closed and have lingered, or idle past the
 * timeout (a backend connect past PRX_CONNECT_MS). Runs from a timer,
 * never per frame; in the kernel with BH disabled. Returns flows freed.
 */
uint32_t prx_table_reap(struct prx_table *t, const struct prx_env *env);

/* Flows in use now (reads nr_active under free_lock). */
uint32_t prx_table_active(struct prx_table *t);

/* Flows bound to the backend of that slot (under free_lock). */
uint32_t prx_table_be_conn(struct prx_table *t, uint8_t slot);

/*
 * Choose a backend for a new flow among cfg's backends in service that
 * are below their max_conn, by cfg->balance (hash: the key's hash for
 * the Maglev algorithms), and count a flow on its slot. Returns its
 * index in cfg->be, -1 without a backend in service, -2 when all are at
 * max_conn. A flow that is then not created gives the count back with
 * prx_balance_put(). Context: rx; takes free_lock; bounded by
 * PRX_MAX_BACKENDS.
 */
int prx_balance_pick(struct prx_table *t, const struct prx_config *cfg,
		     uint64_t hash);
void prx_balance_put(struct prx_table *t, uint8_t slot);

/* The hash of a balancing key (fixed key: the same on every machine). */
uint64_t prx_balance_hash(const void *key, uint32_t len);

/*
 * Handle one received frame. Returns NDIV_PASS (not the proxy's),
 * NDIV_DROP or NDIV_TX (f was rewritten into the frame to send).
 * Context: rx (softirq), any CPU.
 */
int prx_handle(const struct prx_env *env, struct prx_table *t,
	       struct ndiv_frame *f);

#endif /* _PROXY_ENGINE_H */
