/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring to user space: single-producer single-consumer rings of fixed
 * slots over shared memory, and the kernel's bookkeeping of the requests
 * it hands to a daemon and of the responses it takes back.
 *
 * Plain C: the same code runs in the kernel, in the daemon's library, in
 * a native two-thread benchmark and under a fuzzer. Layout and ABI are in
 * <uapi/linux/ndiv_ring.h>; the design and the memory-ordering argument
 * in Documentation/ring.rst.
 *
 * Indices are free-running u32s: they count slots produced or consumed
 * since the ring was reset and wrap at 2^32; a slot is at index & mask.
 * Unsigned differences of indices are therefore exact as long as the two
 * are at most 2^32 - 1 apart, which a ring of at most 2^16 slots keeps.
 *
 * Each side keeps private copies of its own index and of the last valid
 * value it read of the other side's, and never reads back its own index
 * from shared memory: the other side may have written there. A value read
 * from the other side is read once and checked before it is used.
 *
 * Context: none of these functions sleeps or allocates; a ring has one
 * producer and one consumer, each serialised by its user (in the kernel,
 * one CPU's NAPI context per ring pair).
 */
#ifndef _NDIV_RING_H
#define _NDIV_RING_H

#include "compat.h"
#include <uapi/linux/ndiv_ring.h>

/*
 * Why the kernel refused what user space wrote: returned negated. Each
 * one counts as "invalid"; a response with a known request gets a 502.
 */
enum ndiv_ring_fault {
	NDIV_RING_BAD_INDEX = 1,	/* the other side's index is impossible */
	NDIV_RING_BAD_ID,		/* no such request is waiting */
	NDIV_RING_BAD_STATUS,		/* status not in 100..599 */
	NDIV_RING_BAD_FLAGS,		/* unknown response flags */
	NDIV_RING_BAD_RESERVED,		/* a reserved field is not 0 */
	NDIV_RING_BAD_HEAD,		/* header bytes outside the slot */
	NDIV_RING_BAD_BODY,		/* body bytes outside the slot */
	NDIV_RING_BAD_CHAIN,		/* continuation of another response */
	NDIV_RING_BAD_LENGTH,		/* bodies longer than max_body */
	NDIV_RING_BAD_HEADER,		/* header bytes are not header lines */
	NDIV_RING_FAULT_MAX = NDIV_RING_BAD_HEADER,
};

/*
 * One direction. The producer owns [tail, head) (reserved, not yet
 * published) and publishes up to tail; the consumer owns [tail, head)
 * (peeked, not yet released) and releases up to tail. cached is the
 * other side's index as last read and found valid.
 */
struct ndiv_ring {
	uint32_t *producer;	/* shared */
	uint32_t *consumer;	/* shared */
	uint32_t *flags;	/* shared, written by the consumer */
	uint8_t *slots;
	uint32_t size;		/* slots, a power of two */
	uint32_t mask;		/* size - 1 */
	uint32_t slot_shift;	/* log2(slot size) */
	uint32_t head;
	uint32_t tail;
	uint32_t cached;
};

/* Is this a ring geometry the ABI allows? */
int ndiv_ring_geometry_ok(uint32_t slots, uint32_t slot_size);

/* Most ring pairs in one ring: one per possible CPU. */
#define NDIV_RING_RINGS_MAX	8192

/*
 * Lay out a ring of nr_rings pairs: fill in the header page's magic,
 * version, geometry and offsets (generation, max_body and name are the
 * caller's). Returns 0, or -1 if a value is out of range.
 */
int ndiv_ring_layout(struct ndiv_ring_info *info, uint32_t nr_rings,
		     uint32_t slots, uint32_t slot_size, uint32_t page_size);

/*
 * User space, after mapping the header page: is it a ring of this ABI
 * whose offsets are exactly those ndiv_ring_layout() gives? 0 or -1.
 */
int ndiv_ring_info_check(const struct ndiv_ring_info *info);

/* Set up r over shared memory; -1 if the geometry is not allowed. */
int ndiv_ring_init(struct ndiv_ring *r, uint32_t *producer,
		   uint32_t *consumer, uint32_t *flags, void *slots,
		   uint32_t nslots, uint32_t slot_size);

/* The owner of the memory empties the ring: both indices become start. */
void ndiv_ring_reset(struct ndiv_ring *r, uint32_t start);

/* Take over one side of a live ring from the shared indices. */
int ndiv_ring_attach_prod(struct ndiv_ring *r);
int ndiv_ring_attach_cons(struct ndiv_ring *r);

/* Re-read the other side's index; 0 or -NDIV_RING_BAD_INDEX. */
int ndiv_ring_prod_refresh(struct ndiv_ring *r);
int ndiv_ring_cons_refresh(struct ndiv_ring *r);

/* Slot idx (any free-running index) of r. */
static inline void *ndiv_ring_slot(const struct ndiv_ring *r, uint32_t idx)
{
	return r->slots + ((size_t)(idx & r->mask) << r->slot_shift);
}

static inline uint32_t ndiv_ring_slot_size(const struct ndiv_ring *r)
{
	return 1U << r->slot_shift;
}

/* Producer: free slots, as far as the cached consumer index tells. */
static inline uint32_t ndiv_ring_room(const struct ndiv_ring *r)
{
	return r->size - (r->head - r->cached);
}

/* Consumer: filled slots, as far as the cached producer index tells. */
static inline uint32_t ndiv_ring_avail(const struct ndiv_ring *r)
{
	return r->cached - r->head;
}

/* Take up to n of the have slots from head on: reserve's and peek's end. */
static inline int ndiv_ring_take(struct ndiv_ring *r, uint32_t n,
				 uint32_t have, uint32_t *idx)
{
	if (n > have)
		n = have;
	*idx = r->head;
	r->head += n;
	return n;
}

/*
 * Hand the oldest n taken slots to the other side by storing the new
 * tail in *index (the producer's or the consumer's). Release: every
 * access to those slots is done before the other side can see the index.
 */
static inline void ndiv_ring_publish(struct ndiv_ring *r, uint32_t n,
				     uint32_t *index)
{
	if (n > r->head - r->tail)
		n = r->head - r->tail;
	r->tail += n;
	ndiv_store_release(index, r->tail);
}

/*
 * Producer: reserve up to n slots from *idx on. Returns how many (0 when
 * the ring is full), or -NDIV_RING_BAD_INDEX. The consumer's index is
 * read only when the cached one says there is not enough room.
 */
static inline int ndiv_ring_reserve(struct ndiv_ring *r, uint32_t n,
				    uint32_t *idx)
{
	int err;

	if (ndiv_ring_room(r) < n) {
		err = ndiv_ring_prod_refresh(r);
		if (err)
			return err;
	}
	return ndiv_ring_take(r, n, ndiv_ring_room(r), idx);
}

/* Producer: give back the last n reserved, unpublished slots. */
static inline void ndiv_ring_cancel(struct ndiv_ring *r, uint32_t n)
{
	if (n > r->head - r->tail)
		n = r->head - r->tail;
	r->head -= n;
}

/* Producer: publish the oldest n reserved slots (their contents first). */
static inline void ndiv_ring_submit(struct ndiv_ring *r, uint32_t n)
{
	ndiv_ring_publish(r, n, r->producer);
}

/*
 * Producer, after a submit: must the consumer be woken? The full barrier
 * orders the index store before the flag load, against the consumer's
 * flag store before its index load in ndiv_ring_sleep(): one of the two
 * sides sees the other, so no wakeup is lost.
 */
static inline int ndiv_ring_needs_wakeup(const struct ndiv_ring *r)
{
	ndiv_smp_mb();
	return ndiv_read_once(*r->flags) & NDIV_RING_F_NEED_WAKEUP;
}

/*
 * Consumer: take up to n published slots from *idx on. Returns how many
 * (0 when empty), or -NDIV_RING_BAD_INDEX. The producer's index is read
 * (acquire) only when the cached one says there are not enough.
 */
static inline int ndiv_ring_peek(struct ndiv_ring *r, uint32_t n,
				 uint32_t *idx)
{
	int err;

	if (ndiv_ring_avail(r) < n) {
		err = ndiv_ring_cons_refresh(r);
		if (err)
			return err;
	}
	return ndiv_ring_take(r, n, ndiv_ring_avail(r), idx);
}

/* Consumer: hand the oldest n peeked slots back (their reads done first). */
static inline void ndiv_ring_release(struct ndiv_ring *r, uint32_t n)
{
	ndiv_ring_publish(r, n, r->consumer);
}

/*
 * Consumer about to sleep: set the need-wakeup flag, then look again.
 * Returns 1 if it may sleep (the producer will see the flag), 0 if slots
 * came in meanwhile (flag cleared), or -NDIV_RING_BAD_INDEX.
 */
int ndiv_ring_sleep(struct ndiv_ring *r);

/* Consumer awake again: producers need not wake it. */
static inline void ndiv_ring_woken(struct ndiv_ring *r)
{
	ndiv_write_once(*r->flags, 0);
}

/*
 * The kernel's side of one CPU's ring pair. pending[i] is the id of the
 * request sent in request slot i still waiting for its response, or 0: a
 * slot is reused only once its request is answered (or given up by the
 * caller), so a response always finds the request it claims in pending.
 * Kernel-private memory; nothing here is shared.
 */
struct ndiv_ring_pair {
	struct ndiv_ring req;	/* the kernel produces requests */
	struct ndiv_ring resp;	/* and consumes responses */
	uint64_t *pending;	/* req.size entries */
	uint32_t gen;		/* high half of the ids, not 0 */
	uint32_t max_body;	/* bytes, over one response's descriptors */
	uint64_t chain_id;	/* response whose body continues, or 0 */
	uint32_t chain_len;	/* body bytes of it so far */
	uint32_t waiting;	/* requests in pending */
};

/*
 * A validated response: the values were read once from the slot and
 * checked; head and body point into the slot, which user space can still
 * change, so the caller copies them once and uses only its copy.
 */
struct ndiv_ring_resp_view {
	uint64_t id;		/* the request, also for a 502, or 0 */
	uint16_t status;	/* 0 in a continuation */
	uint16_t flags;
	int last;		/* the response is complete */
	const uint8_t *head;
	uint32_t head_len;
	const uint8_t *body;
	uint32_t body_len;
};

int ndiv_ring_pair_init(struct ndiv_ring_pair *p, uint64_t *pending,
			uint32_t gen, uint32_t max_body);
int ndiv_ring_req_alloc(struct ndiv_ring_pair *p, struct ndiv_ring_req **req);
void ndiv_ring_req_abort(struct ndiv_ring_pair *p);
int ndiv_ring_req_submit(struct ndiv_ring_pair *p);
int ndiv_ring_req_forget(struct ndiv_ring_pair *p, uint64_t id);
int ndiv_ring_resp_read(struct ndiv_ring_pair *p, uint32_t idx,
			struct ndiv_ring_resp_view *v);
int ndiv_ring_head_check(const uint8_t *head, uint32_t len);

#endif /* _NDIV_RING_H */
