/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel side of the ring to user space, for ndiv apps: hand a parsed
 * request to the daemon attached to a named ring, and get its response
 * (or the kernel's 503 or 502 in its place) back in a callback.
 * Documentation/ring.rst, "The kernel side".
 */
#ifndef _LINUX_NDIV_RINGDEV_H
#define _LINUX_NDIV_RINGDEV_H

#include <linux/types.h>
#include <uapi/linux/ndiv_ring.h>

struct net;
struct ndiv_ringdev;

/* Bytes of the app's context kept with each request until it is answered. */
#define NDIV_RINGDEV_CTX_MAX	128

/*
 * One descriptor of an answer, in kernel memory (copied once from the
 * daemon's slot, header lines checked). A response comes as one or more
 * parts: the first has status, flags and head; every part but the last
 * has more set. An answer made by the kernel (fallback set: 503 with
 * Retry-After when the daemon went away, 502 when it wrote a bad
 * response) is always one part, and may follow parts of the daemon's
 * response already given: the app then abandons that response.
 */
struct ndiv_ringdev_answer {
	u16 status;		/* 0 in a continuation */
	u16 flags;		/* NDIV_RING_RESP_F_* */
	bool first;
	bool more;
	bool fallback;		/* made by the kernel, not by the daemon */
	const u8 *head;
	u32 head_len;
	const u8 *body;
	u32 body_len;
};

/*
 * An app's callback for answers. Context: under the ring pair's lock,
 * with bottom halves disabled, in softirq or in the process context of
 * the daemon's kick or release, on any CPU; must not sleep nor call back
 * into the ring. ctx is the app's context given with the request, in
 * kernel memory, valid during the call only.
 */
struct ndiv_ringdev_ops {
	void (*answer)(void *ctx, const struct ndiv_ringdev_answer *a);
};

/* A request to hand over; spans are offsets into data. */
struct ndiv_ringdev_req {
	const u8 *data;
	u32 data_len;
	struct ndiv_ring_span method;
	struct ndiv_ring_span target;
	u16 version;
	u16 nr_headers;
	const struct ndiv_ring_hdr *headers;
	u16 family;		/* NDIV_RING_IPV4 or NDIV_RING_IPV6 */
	u8 addr[16];
	u16 port;
	u16 local_port;
};

struct ndiv_ringdev *ndiv_ringdev_lookup_rcu(struct net *net,
					     const char *name);
int ndiv_ringdev_produce(struct ndiv_ringdev *rd,
			 const struct ndiv_ringdev_ops *ops,
			 const struct ndiv_ringdev_req *req,
			 const void *ctx, u32 ctx_len);
void ndiv_ringdev_cancel_ops(const struct ndiv_ringdev_ops *ops);

#endif /* _LINUX_NDIV_RINGDEV_H */
