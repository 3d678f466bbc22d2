/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow table's internals, shared by flow.c and engine.c. Plain C; the
 * locking rules are in flow.c.
 */
#ifndef _PROXY_FLOW_H
#define _PROXY_FLOW_H

#include <ndiv/cookie.h>

#include "engine.h"

#ifndef __KERNEL__
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#endif

/* The client tuple a client segment is looked up by. */
struct prx_key {
	const uint8_t *client, *vip;	/* 4 or 16 bytes */
	uint16_t cport, vport;
	uint8_t family;
};

uint32_t prx_bucket_of(const struct prx_table *t, const struct prx_key *k);
struct prx_flow *prx_bucket_find(struct prx_table *t, struct prx_bucket *b,
				 const struct prx_key *k);
struct prx_flow *prx_flow_alloc(struct prx_table *t, struct prx_bucket *b,
				const struct prx_key *k);
void prx_flow_release(struct prx_table *t, struct prx_bucket *b,
		      struct prx_flow *fl);

#endif /* _PROXY_FLOW_H */
