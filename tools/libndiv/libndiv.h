/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libndiv: the daemon's side of an ndiv ring (Documentation/ring.rst).
 *
 * A ring holds one queue per CPU; each queue is a pair of rings shared
 * with the kernel: requests (parsed HTTP requests an ndiv app handed
 * over) and responses. The calls read like libxdp's xsk and liburing:
 *
 *   struct ndiv *nd;
 *   ndiv_attach("api", &nd);
 *   q = ndiv_queue(nd, cpu);
 *   n = ndiv_peek(q, 32, &ri);             up to 32 requests, from ri on
 *   ndiv_reserve(q, n, &si);               as many response slots
 *   for each i:
 *           req = ndiv_request(q, ri + i); read it in place (zero copy)
 *           ndiv_respond(q, si + i, req->id, 200, 0, head, hl, body, bl);
 *   ndiv_submit(q, n);                     hand the responses over
 *   ndiv_release(q, n);                    and the request slots back
 *
 * A queue is used by one thread at a time; different queues may be used
 * by different threads. Nothing here allocates or makes a system call
 * but attach, detach and the wakeup calls.
 *
 * Errors are negative errno values.
 */
#ifndef _LIBNDIV_H
#define _LIBNDIV_H

#include <stddef.h>
#include <stdint.h>
#include <linux/ndiv_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ndiv;		/* an attached ring */
struct ndiv_queue;	/* one CPU's pair of rings in it */

/*
 * Attach to the ring NAME of the caller's network namespace, created
 * with "ndivctl ring add NAME", through /dev/ndiv-ring; needs
 * CAP_NET_ADMIN. Attaching never fails with EBUSY: a daemon still attached
 * loses the ring to the new one (its mapping is revoked). -EINVAL for a
 * name the kernel cannot have, -ENOENT for no such ring.
 */
int ndiv_attach(const char *name, struct ndiv **out);

/*
 * Attach through a file descriptor whose mapping is a ring (what
 * ndiv_attach() opens): maps its read-only and read-write parts. The fd
 * stays the caller's, and must stay open while attached.
 */
int ndiv_attach_fd(int fd, struct ndiv **out);

/*
 * Attach to a ring laid out in memory the caller mapped (tests,
 * benchmarks): ro is the read-only part, starting with the header page,
 * rw the read-write part.
 */
int ndiv_attach_mem(void *ro, size_t ro_len, void *rw, size_t rw_len,
		    struct ndiv **out);

/* Unmap what ndiv_attach*() mapped and free nd. */
void ndiv_detach(struct ndiv *nd);

/* The descriptor to wait on in epoll, or -1 (ndiv_attach_mem()). */
int ndiv_fd(const struct ndiv *nd);

/* The ring's header page, as checked when attaching. */
const struct ndiv_ring_info *ndiv_info(const struct ndiv *nd);

unsigned int ndiv_queues(const struct ndiv *nd);
struct ndiv_queue *ndiv_queue(struct ndiv *nd, unsigned int i);

/*
 * Requests. ndiv_peek() takes up to n requests, the first at index *idx,
 * and returns how many (0: none waiting); ndiv_request() is the request
 * at an index, valid until ndiv_release() hands its slot back.
 */
int ndiv_peek(struct ndiv_queue *q, unsigned int n, uint32_t *idx);
const struct ndiv_ring_req *ndiv_request(const struct ndiv_queue *q,
					 uint32_t idx);
void ndiv_release(struct ndiv_queue *q, unsigned int n);

/*
 * The bytes of a span of req (its method, target, a header name or
 * value), in place; *len is their length. NULL if the span does not lie
 * in the request bytes.
 */
const char *ndiv_span(const struct ndiv_queue *q,
		      const struct ndiv_ring_req *req,
		      const struct ndiv_ring_span *span, size_t *len);

/* The value of req's first header called name (any case), or NULL. */
const char *ndiv_header(const struct ndiv_queue *q,
			const struct ndiv_ring_req *req, const char *name,
			size_t *len);

/* The request bytes as received; NULL if they do not fit the slot. */
const char *ndiv_data(const struct ndiv_queue *q,
		      const struct ndiv_ring_req *req, size_t *len);

/*
 * Responses. ndiv_reserve() takes up to n free response slots, the first
 * at index *idx, and returns how many: there is always room for the
 * answers to the requests peeked. ndiv_submit() hands the oldest n
 * reserved slots to the kernel.
 */
int ndiv_reserve(struct ndiv_queue *q, unsigned int n, uint32_t *idx);
void ndiv_submit(struct ndiv_queue *q, unsigned int n);

/*
 * The response slot at idx, to fill in by hand: the descriptor, then
 * header lines and body anywhere in the room after it.
 */
struct ndiv_ring_resp *ndiv_response(struct ndiv_queue *q, uint32_t idx,
				     size_t *room);

/*
 * Fill response slot idx: status, flags (NDIV_RING_RESP_F_*), header
 * lines ("Name: value\r\n" each, head_len bytes) and body, copied after
 * the descriptor. -EMSGSIZE if they do not fit one slot: then send the
 * first part with NDIV_RING_RESP_F_MORE and the rest with
 * ndiv_respond_more().
 */
int ndiv_respond(struct ndiv_queue *q, uint32_t idx, uint64_t id,
		 unsigned int status, unsigned int flags, const char *head,
		 size_t head_len, const void *body, size_t body_len);

/*
 * Fill response slot idx with the next part of a long body; flags has
 * NDIV_RING_RESP_F_MORE on every part but the last.
 */
int ndiv_respond_more(struct ndiv_queue *q, uint32_t idx, uint64_t id,
		      unsigned int flags, const void *body, size_t body_len);

/* Room for body bytes in one slot with head_len header bytes. */
size_t ndiv_body_room(const struct ndiv_queue *q, size_t head_len);

/*
 * Sleeping. With nothing to do, ndiv_prepare_sleep() returns 1 when the
 * thread may wait in epoll (the kernel will wake it), 0 when requests
 * came meanwhile; call ndiv_woken() after the wait. After ndiv_submit(),
 * ndiv_needs_kick() says whether the kernel must be told: ndiv_kick()
 * makes it consume the responses of every queue (-ENOTCONN without a
 * file descriptor, -ENODEV once the ring was taken from this daemon).
 */
int ndiv_prepare_sleep(struct ndiv_queue *q);
void ndiv_woken(struct ndiv_queue *q);
int ndiv_needs_kick(const struct ndiv_queue *q);
int ndiv_kick(struct ndiv *nd);

#ifdef __cplusplus
}
#endif

#endif /* _LIBNDIV_H */
