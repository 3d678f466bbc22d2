// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kernel's side of a ring pair against a hostile
 * daemon. The input is a program: each operation either runs the
 * kernel's normal work (send requests, drain and check responses, give
 * up on a request) or scribbles on every byte the daemon can write (its
 * indices, whole response slots, descriptors aimed at real request ids).
 *
 * Every shared area is its own exactly sized heap block, so ASan traps
 * any read outside the ring; after each operation the kernel's private
 * state must still be consistent, and every accepted response must lie
 * inside its slot.
 */
#include <stdlib.h>
#include <string.h>
#include <ndiv/ring.h>

#define SLOTS		8
#define SLOT_SIZE	1024
#define MAX_BODY	2500

struct fz {
	struct ndiv_ring_kidx *kidx;
	struct ndiv_ring_uidx *uidx;
	uint8_t *req_slots;
	uint8_t *resp_slots;
	uint64_t pending[SLOTS];
	struct ndiv_ring_pair k;
	const uint8_t *in;
	size_t left;
};

static uint32_t take(struct fz *f, size_t n)
{
	uint32_t v = 0;

	while (n-- && f->left) {
		v = v << 8 | *f->in++;
		f->left--;
	}
	return v;
}

static void check_state(const struct fz *f)
{
	const struct ndiv_ring *rq = &f->k.req, *rs = &f->k.resp;
	uint32_t i, n = 0;

	if (rq->tail - rq->cached > rq->size || rq->head != rq->tail)
		abort();
	if (rs->cached - rs->tail > rs->size ||
	    rs->head - rs->tail > rs->cached - rs->tail)
		abort();
	for (i = 0; i < SLOTS; i++)
		n += !!f->pending[i];
	if (n != f->k.waiting || f->k.chain_len > MAX_BODY)
		abort();
	if (f->kidx->req_prod != rq->tail || f->kidx->resp_cons != rs->tail)
		abort();
}

static void send_requests(struct fz *f)
{
	uint32_t n = take(f, 1) % (SLOTS + 2);
	struct ndiv_ring_req *req;

	while (n--) {
		if (ndiv_ring_req_alloc(&f->k, &req) != 1)
			break;
		if (req->id >> 32 != f->k.gen)
			abort();
	}
	ndiv_ring_req_submit(&f->k);
}

static void check_view(const struct fz *f, uint32_t idx,
		       const struct ndiv_ring_resp_view *v)
{
	const uint8_t *slot = ndiv_ring_slot(&f->k.resp, idx);
	const uint8_t *end = slot + SLOT_SIZE;
	uint8_t copy[SLOT_SIZE];

	if (v->head < slot || v->head > end || v->head_len > end - v->head ||
	    v->body < slot || v->body > end || v->body_len > end - v->body)
		abort();
	if (v->status && (v->status < 100 || v->status > 599))
		abort();
	/* The kernel checks its own copy of the header bytes. */
	memcpy(copy, v->head, v->head_len);
	ndiv_ring_head_check(copy, v->head_len);
}

static void drain_responses(struct fz *f)
{
	struct ndiv_ring_resp_view v;
	uint32_t idx, i;
	int n, err;

	n = ndiv_ring_peek(&f->k.resp, take(f, 1) % (SLOTS + 2), &idx);
	if (n < 0)
		return;
	for (i = 0; i < (uint32_t)n; i++) {
		err = ndiv_ring_resp_read(&f->k, idx + i, &v);
		if (!err)
			check_view(f, idx + i, &v);
		else if (err < -NDIV_RING_FAULT_MAX)
			abort();
		else if (v.id && (v.id >> 32) != f->k.gen)
			abort();
	}
	ndiv_ring_release(&f->k.resp, n);
}

/* A descriptor aimed at a real request, so the deeper checks run. */
static void plausible_resp(struct fz *f)
{
	struct ndiv_ring_resp *d;
	uint32_t slot = take(f, 1) % SLOTS;

	d = (struct ndiv_ring_resp *)(f->resp_slots + slot * SLOT_SIZE);
	d->id = f->pending[take(f, 1) % SLOTS];
	d->status = take(f, 2) % 700;
	d->flags = take(f, 1) & 7;
	d->head_off = take(f, 2);
	d->head_len = take(f, 2);
	d->body_off = take(f, 2);
	d->body_len = take(f, 2);
	d->reserved = take(f, 1) == 0xff;
	if (f->k.chain_id && take(f, 1) & 1) {	/* continue the chain */
		d->id = f->k.chain_id;
		d->status = 0;
		d->head_len = 0;
	}
	if (d->head_len && d->head_off + d->head_len <= SLOT_SIZE)
		memcpy((uint8_t *)d + d->head_off, "A: b\r\n",
		       d->head_len < 6 ? d->head_len : 6);
}

/* Any bytes at all, anywhere in a response slot. */
static void scribble(struct fz *f)
{
	uint32_t off = take(f, 2) % (SLOTS * SLOT_SIZE);
	uint32_t n = take(f, 1);

	while (n-- && f->left && off < SLOTS * SLOT_SIZE)
		f->resp_slots[off++] = take(f, 1);
}

static void step(struct fz *f, uint8_t op)
{
	uint32_t v;

	switch (op % 10) {
	case 0:
		send_requests(f);
		break;
	case 1:
		f->uidx->req_cons = take(f, 4);
		break;
	case 2:
		f->uidx->resp_prod = take(f, 4);
		break;
	case 3:		/* a nearby producer index: the common hostile case */
		f->uidx->resp_prod = f->k.resp.tail + take(f, 1) % (2 * SLOTS);
		break;
	case 4:		/* an honest daemon takes every request */
		f->uidx->req_cons = f->kidx->req_prod;
		break;
	case 5:
		scribble(f);
		break;
	case 6:
		plausible_resp(f);
		break;
	case 7:
		drain_responses(f);
		break;
	case 8:
		v = take(f, 1) % SLOTS;
		ndiv_ring_req_forget(&f->k, f->pending[v]);
		break;
	case 9:
		if (ndiv_ring_sleep(&f->k.resp) == 1)
			ndiv_ring_woken(&f->k.resp);
		f->uidx->req_flags = take(f, 4);
		ndiv_ring_needs_wakeup(&f->k.req);
		break;
	}
}

static void *block(size_t n)
{
	void *p = malloc(n);

	if (!p)
		abort();
	memset(p, 0, n);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { 0 };
	uint32_t start;

	f.in = data;
	f.left = size;
	f.kidx = block(sizeof(*f.kidx));
	f.uidx = block(sizeof(*f.uidx));
	f.req_slots = block(SLOTS * SLOT_SIZE);
	f.resp_slots = block(SLOTS * SLOT_SIZE);
	if (ndiv_ring_init(&f.k.req, &f.kidx->req_prod, &f.uidx->req_cons,
			   &f.uidx->req_flags, f.req_slots, SLOTS, SLOT_SIZE) ||
	    ndiv_ring_init(&f.k.resp, &f.uidx->resp_prod, &f.kidx->resp_cons,
			   &f.kidx->resp_flags, f.resp_slots, SLOTS,
			   SLOT_SIZE))
		abort();
	start = take(&f, 4);
	ndiv_ring_reset(&f.k.req, start);
	ndiv_ring_reset(&f.k.resp, start);
	if (ndiv_ring_pair_init(&f.k, f.pending, take(&f, 1) | 1, MAX_BODY))
		abort();
	while (f.left) {
		step(&f, take(&f, 1));
		check_state(&f);
	}
	free(f.kidx);
	free(f.uidx);
	free(f.req_slots);
	free(f.resp_slots);
	return 0;
}
