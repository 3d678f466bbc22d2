// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ring to user space, <ndiv/ring.h>: both sides of a
 * ring pair over memory laid out as in <uapi/linux/ndiv_ring.h>, run in
 * one thread (the two-thread case is tools/bench/native/ring_bench.c).
 */
#include <stdlib.h>
#include <ndiv/ring.h>

#include "ktap.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define SLOTS		16
#define SLOT_SIZE	1024
#define MAX_BODY	3000
#define GEN		7

/* The shared memory of one ring pair, and both sides' private state. */
struct harness {
	struct ndiv_ring_kidx kidx;
	struct ndiv_ring_uidx uidx;
	uint8_t req_slots[SLOTS * SLOT_SIZE];
	uint8_t resp_slots[SLOTS * SLOT_SIZE];
	uint64_t pending[SLOTS];
	struct ndiv_ring_pair k;	/* the kernel's side */
	struct ndiv_ring dreq;		/* the daemon's: consumes requests */
	struct ndiv_ring dresp;		/* and produces responses */
};

static struct harness *setup(uint32_t start)
{
	struct harness *h = aligned_alloc(NDIV_RING_LINE, sizeof(*h));
	int err = 0;

	if (!h)
		abort();
	memset(h, 0x5a, sizeof(*h));
	err |= ndiv_ring_init(&h->k.req, &h->kidx.req_prod, &h->uidx.req_cons,
			      &h->uidx.req_flags, h->req_slots, SLOTS,
			      SLOT_SIZE);
	err |= ndiv_ring_init(&h->k.resp, &h->uidx.resp_prod,
			      &h->kidx.resp_cons, &h->kidx.resp_flags,
			      h->resp_slots, SLOTS, SLOT_SIZE);
	ndiv_ring_reset(&h->k.req, start);
	ndiv_ring_reset(&h->k.resp, start);
	err |= ndiv_ring_pair_init(&h->k, h->pending, GEN, MAX_BODY);
	h->dreq = h->k.req;
	h->dresp = h->k.resp;
	err |= ndiv_ring_attach_cons(&h->dreq);
	err |= ndiv_ring_attach_prod(&h->dresp);
	if (err)
		abort();
	return h;
}

/* Kernel side: send one request; its id, or 0 if the ring refused. */
static uint64_t send_req(struct harness *h)
{
	struct ndiv_ring_req *req;

	if (ndiv_ring_req_alloc(&h->k, &req) != 1)
		return 0;
	ndiv_ring_req_submit(&h->k);
	return req->id;
}

/* Daemon side: take one request and hand its slot back; its id or 0. */
static uint64_t take_req(struct harness *h)
{
	const struct ndiv_ring_req *req;
	uint32_t idx;
	uint64_t id;

	if (ndiv_ring_peek(&h->dreq, 1, &idx) != 1)
		return 0;
	req = ndiv_ring_slot(&h->dreq, idx);
	id = req->id;
	ndiv_ring_release(&h->dreq, 1);
	return id;
}

/* Daemon side: the next response slot, zeroed; submit with put_resp(). */
static struct ndiv_ring_resp *new_resp(struct harness *h, uint64_t id,
				       uint16_t status)
{
	struct ndiv_ring_resp *d;
	uint32_t idx;

	if (ndiv_ring_reserve(&h->dresp, 1, &idx) != 1)
		abort();
	d = ndiv_ring_slot(&h->dresp, idx);
	memset(d, 0, SLOT_SIZE);
	d->id = id;
	d->status = status;
	return d;
}

static void put_bytes(struct ndiv_ring_resp *d, uint32_t *off, uint32_t *len,
		      uint32_t at, const char *s)
{
	*off = at;
	*len = strlen(s);
	memcpy((uint8_t *)d + at, s, *len);
}

/* Kernel side: read one response; the result, v filled in. */
static int get_resp(struct harness *h, struct ndiv_ring_resp_view *v)
{
	uint32_t idx;
	int n, err;

	ndiv_ring_submit(&h->dresp, 1);
	n = ndiv_ring_peek(&h->k.resp, 1, &idx);
	if (n != 1)
		return 1000 + n;
	err = ndiv_ring_resp_read(&h->k, idx, v);
	ndiv_ring_release(&h->k.resp, 1);
	return err;
}

/* One request through the daemon, answered by d as set up by the test. */
static struct ndiv_ring_resp *round_trip(struct harness *h, uint64_t *id)
{
	*id = send_req(h);
	if (!*id || take_req(h) != *id)
		abort();
	return new_resp(h, *id, 200);
}

static void geometry(void)
{
	KTAP_EXPECT(ndiv_ring_geometry_ok(8, 1024));
	KTAP_EXPECT(ndiv_ring_geometry_ok(65536, 1U << 20));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(4, 1024));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(131072, 1024));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(24, 1024));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(16, 512));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(16, 3000));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(16, 1U << 21));
	KTAP_EXPECT(!ndiv_ring_geometry_ok(0, 0));
}

static void layout(void)
{
	struct ndiv_ring_info info, bad;

	KTAP_EXPECT(ndiv_ring_layout(&info, 1, 8, 1024, 4096) == 0);
	KTAP_EXPECT(info.magic == NDIV_RING_MAGIC && info.abi_version == 1);
	KTAP_EXPECT(info.info_size == sizeof(info) && info.ring_bytes == 8192);
	KTAP_EXPECT(info.kidx_off == 4096 && info.req_off == 8192);
	KTAP_EXPECT(info.rw_off == 16384 && info.uidx_off == 16384);
	KTAP_EXPECT(info.resp_off == 20480 && info.map_size == 28672);
	/* 11 rings of kernel indices take a page, 11 * 384 bytes two. */
	KTAP_EXPECT(ndiv_ring_layout(&info, 11, 8, 1024, 4096) == 0);
	KTAP_EXPECT(info.req_off == 4096 + 8192);
	KTAP_EXPECT(info.rw_off == info.req_off + 11 * 8192);
	/* With 64 KiB pages every area still starts on a page. */
	KTAP_EXPECT(ndiv_ring_layout(&info, 3, 8, 1024, 65536) == 0);
	KTAP_EXPECT(info.req_off == 131072 && info.rw_off == 196608);
	KTAP_EXPECT(info.map_size == 65536 * 5);
	KTAP_EXPECT(ndiv_ring_layout(&info, 0, 8, 1024, 4096) == -1);
	KTAP_EXPECT(ndiv_ring_layout(&info, NDIV_RING_RINGS_MAX + 1, 8, 1024,
				     4096) == -1);
	KTAP_EXPECT(ndiv_ring_layout(&info, 1, 8, 1024, 2048) == -1);
	KTAP_EXPECT(ndiv_ring_layout(&info, 1, 8, 1024, 12288) == -1);
	KTAP_EXPECT(ndiv_ring_layout(&info, 1, 7, 1024, 4096) == -1);
	/* The largest ring: no 32-bit overflow anywhere. */
	KTAP_EXPECT(ndiv_ring_layout(&info, NDIV_RING_RINGS_MAX, 65536,
				     1U << 20, 4096) == 0);
	KTAP_EXPECT(info.map_size > (1ULL << 49));

	KTAP_EXPECT(ndiv_ring_layout(&info, 4, 256, 2048, 4096) == 0);
	KTAP_EXPECT(ndiv_ring_info_check(&info) == -1);	/* generation 0 */
	info.generation = 1;
	KTAP_EXPECT(ndiv_ring_info_check(&info) == 0);
	bad = info;
	bad.magic++;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.abi_version = 2;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.info_size = 64;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.info_size = 256;	/* a newer kernel's longer header */
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == 0);
	bad = info;
	bad.resp_off += 4096;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.map_size -= 1;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.slots = 512;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
	bad = info;
	bad.page_size = 0;
	KTAP_EXPECT(ndiv_ring_info_check(&bad) == -1);
}

static void init_and_slots(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring r;
	uint32_t x;

	KTAP_EXPECT(ndiv_ring_init(&r, &x, &x, &x, NULL, 16, 1000) == -1);
	KTAP_EXPECT(ndiv_ring_slot_size(&h->k.req) == SLOT_SIZE);
	KTAP_EXPECT(ndiv_ring_slot(&h->k.req, 0) == h->req_slots);
	KTAP_EXPECT(ndiv_ring_slot(&h->k.req, SLOTS + 3) ==
		    h->req_slots + 3 * SLOT_SIZE);
	KTAP_EXPECT(ndiv_ring_slot(&h->k.req, 0xffffffffu) ==
		    h->req_slots + (SLOTS - 1) * SLOT_SIZE);
	KTAP_EXPECT(h->uidx.req_flags == 0 && h->kidx.resp_flags == 0);
	free(h);
}

static void empty_and_full(void)
{
	struct harness *h = setup(100);
	uint32_t idx;

	KTAP_EXPECT(ndiv_ring_peek(&h->dreq, 1, &idx) == 0);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, SLOTS + 5, &idx) == SLOTS);
	KTAP_EXPECT(idx == 100);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 1, &idx) == 0);
	ndiv_ring_submit(&h->dresp, SLOTS);
	KTAP_EXPECT(h->uidx.resp_prod == 100 + SLOTS);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 1, &idx) == 0);
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 64, &idx) == SLOTS);
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 1, &idx) == 0);
	/* Peeked but not released: still full for the producer. */
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 1, &idx) == 0);
	ndiv_ring_release(&h->k.resp, 1);
	KTAP_EXPECT(h->kidx.resp_cons == 101);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 2, &idx) == 1);
	KTAP_EXPECT(idx == 100 + SLOTS);
	free(h);
}

/* Indices wrap at 2^32; slots and counts stay right across it. */
static void wrap_around(void)
{
	struct harness *h = setup(0xffffffffu - 20);
	uint32_t i, idx, seen = 0, sent = 0;
	int n;

	for (i = 0; i < 40; i++) {
		n = ndiv_ring_reserve(&h->dresp, 3, &idx);
		KTAP_EXPECT(n == 3);
		for (; n > 0; n--, idx++, sent++)
			memcpy(ndiv_ring_slot(&h->dresp, idx), &sent, 4);
		ndiv_ring_submit(&h->dresp, 3);
		n = ndiv_ring_peek(&h->k.resp, 8, &idx);
		KTAP_EXPECT(n == 3);
		for (; n > 0; n--, idx++, seen++)
			KTAP_EXPECT(!memcmp(ndiv_ring_slot(&h->k.resp, idx),
					    &seen, 4));
		ndiv_ring_release(&h->k.resp, 3);
	}
	KTAP_EXPECT(seen == 120 && sent == 120);
	KTAP_EXPECT(h->uidx.resp_prod == 0xffffffffu - 20 + 120);
	KTAP_EXPECT(h->kidx.resp_cons == h->uidx.resp_prod);
	/* Full across the wrap too. */
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 100, &idx) == SLOTS);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 1, &idx) == 0);
	free(h);
}

static void request_ids_wrap(void)
{
	struct harness *h = setup(0xfffffffeu);
	struct ndiv_ring_resp_view v;
	uint64_t id;
	int i;

	for (i = 0; i < 4; i++) {
		round_trip(h, &id);
		KTAP_EXPECT(id == ((uint64_t)GEN << 32 | (uint32_t)(0xfffffffeu + i)));
		KTAP_EXPECT(get_resp(h, &v) == 0 && v.id == id && v.last);
	}
	KTAP_EXPECT(h->k.waiting == 0);
	free(h);
}

static void batching(void)
{
	struct harness *h = setup(0);
	uint32_t idx, idx2;

	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 5, &idx) == 5);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 5, &idx2) == 5);
	KTAP_EXPECT(idx2 == idx + 5);
	ndiv_ring_submit(&h->dresp, 3);
	KTAP_EXPECT(h->uidx.resp_prod == 3);
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 32, &idx) == 3);
	ndiv_ring_cancel(&h->dresp, 2);	/* last two of the second batch */
	ndiv_ring_submit(&h->dresp, 100);	/* the 5 left, not more */
	KTAP_EXPECT(h->uidx.resp_prod == 8);
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 32, &idx) == 5 && idx == 3);
	ndiv_ring_release(&h->k.resp, 2);
	KTAP_EXPECT(h->kidx.resp_cons == 2);
	ndiv_ring_release(&h->k.resp, 100);	/* the 6 peeked, not more */
	KTAP_EXPECT(h->kidx.resp_cons == 8);
	/* The producer sees the room only once it reads the index again. */
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, SLOTS, &idx) == SLOTS);
	KTAP_EXPECT(idx == 8);
	free(h);
}

static void need_wakeup(void)
{
	struct harness *h = setup(5);
	uint32_t idx;

	/* An idle daemon may sleep; the kernel then wakes it once. */
	KTAP_EXPECT(ndiv_ring_sleep(&h->dreq) == 1);
	KTAP_EXPECT(h->uidx.req_flags == NDIV_RING_F_NEED_WAKEUP);
	KTAP_EXPECT(send_req(h) != 0);
	KTAP_EXPECT(ndiv_ring_needs_wakeup(&h->k.req));
	ndiv_ring_woken(&h->dreq);
	KTAP_EXPECT(!ndiv_ring_needs_wakeup(&h->k.req));
	/* A busy daemon costs the kernel no wakeup. */
	KTAP_EXPECT(send_req(h) != 0);
	{
		struct ndiv_ring_req *req;

		KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 1);
		KTAP_EXPECT(ndiv_ring_req_submit(&h->k) == 0);
	}
	/* Work arrived: it must not sleep, and the flag is down again. */
	KTAP_EXPECT(ndiv_ring_sleep(&h->dreq) == 0);
	KTAP_EXPECT(h->uidx.req_flags == 0);
	KTAP_EXPECT(ndiv_ring_peek(&h->dreq, 8, &idx) == 3);
	ndiv_ring_release(&h->dreq, 3);
	KTAP_EXPECT(ndiv_ring_sleep(&h->dreq) == 1);
	KTAP_EXPECT(ndiv_ring_req_submit(&h->k) == 0);	/* nothing to send */
	/* The other direction: the kernel's drainer sleeps. */
	KTAP_EXPECT(ndiv_ring_sleep(&h->k.resp) == 1);
	KTAP_EXPECT(h->kidx.resp_flags == NDIV_RING_F_NEED_WAKEUP);
	KTAP_EXPECT(ndiv_ring_reserve(&h->dresp, 1, &idx) == 1);
	ndiv_ring_submit(&h->dresp, 1);
	KTAP_EXPECT(ndiv_ring_needs_wakeup(&h->dresp));
	free(h);
}

/* A consumer index user space wrote is checked before it is used. */
static void bad_consumer_index(void)
{
	struct harness *h = setup(1000);
	uint32_t idx;
	int i;

	for (i = 0; i < 4; i++)
		KTAP_EXPECT(send_req(h) != 0);
	/* Past what was published. */
	h->uidx.req_cons = 1005;
	KTAP_EXPECT(ndiv_ring_prod_refresh(&h->k.req) == -NDIV_RING_BAD_INDEX);
	h->uidx.req_cons = 1000 + 0x80000000u;
	KTAP_EXPECT(ndiv_ring_prod_refresh(&h->k.req) == -NDIV_RING_BAD_INDEX);
	KTAP_EXPECT(h->k.req.cached == 1000);
	h->uidx.req_cons = 1003;
	KTAP_EXPECT(ndiv_ring_prod_refresh(&h->k.req) == 0);
	KTAP_EXPECT(h->k.req.cached == 1003);
	/* Backwards. */
	h->uidx.req_cons = 1002;
	KTAP_EXPECT(ndiv_ring_prod_refresh(&h->k.req) == -NDIV_RING_BAD_INDEX);
	KTAP_EXPECT(h->k.req.cached == 1003);
	/* A full ring with a bad index reports it through reserve. */
	for (i = 0; i < SLOTS - 1; i++)
		KTAP_EXPECT(ndiv_ring_reserve(&h->k.req, 1, &idx) == 1);
	h->uidx.req_cons = 0;
	KTAP_EXPECT(ndiv_ring_reserve(&h->k.req, 1, &idx) ==
		    -NDIV_RING_BAD_INDEX);
	free(h);
}

/* A producer index user space wrote is checked before it is used. */
static void bad_producer_index(void)
{
	struct harness *h = setup(0xfffffff0u);
	uint32_t idx;

	h->uidx.resp_prod = 0xfffffff0u + SLOTS + 1;
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 1, &idx) ==
		    -NDIV_RING_BAD_INDEX);
	h->uidx.resp_prod = 0xffffffefu;
	KTAP_EXPECT(ndiv_ring_cons_refresh(&h->k.resp) == -NDIV_RING_BAD_INDEX);
	h->uidx.resp_prod = 0xfffffff0u + SLOTS;	/* full: fine */
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, 2, &idx) == 2);
	/* Taking back what was published. */
	h->uidx.resp_prod = 0xfffffff0u + 4;
	KTAP_EXPECT(ndiv_ring_cons_refresh(&h->k.resp) == -NDIV_RING_BAD_INDEX);
	KTAP_EXPECT(h->k.resp.cached == 0xfffffff0u + SLOTS);
	/* The sleep check reads the index too. */
	h->uidx.resp_prod = 0xfffffff0u + SLOTS;
	KTAP_EXPECT(ndiv_ring_peek(&h->k.resp, SLOTS, &idx) == SLOTS - 2);
	ndiv_ring_release(&h->k.resp, SLOTS);
	h->uidx.resp_prod = SLOTS + 1;
	KTAP_EXPECT(ndiv_ring_sleep(&h->k.resp) == -NDIV_RING_BAD_INDEX);
	KTAP_EXPECT(h->kidx.resp_flags == 0);
	free(h);
}

static void attach_checks(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring r = h->k.resp;

	h->uidx.resp_prod = SLOTS + 1;
	KTAP_EXPECT(ndiv_ring_attach_prod(&r) == -NDIV_RING_BAD_INDEX);
	KTAP_EXPECT(ndiv_ring_attach_cons(&r) == -NDIV_RING_BAD_INDEX);
	h->uidx.resp_prod = SLOTS;
	KTAP_EXPECT(ndiv_ring_attach_cons(&r) == 0);
	KTAP_EXPECT(r.head == 0 && r.cached == SLOTS);
	free(h);
}

static void request_slots(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_req *req;
	int i;

	for (i = 0; i < SLOTS; i++)
		KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 1);
	KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 0);
	KTAP_EXPECT(req->id == ((uint64_t)GEN << 32 | (SLOTS - 1)));
	KTAP_EXPECT(req->data_len == 0 && req->nr_headers == 0);
	KTAP_EXPECT(h->k.waiting == SLOTS);
	ndiv_ring_req_abort(&h->k);
	KTAP_EXPECT(h->k.waiting == SLOTS - 1);
	KTAP_EXPECT(ndiv_ring_req_submit(&h->k) == 0);
	KTAP_EXPECT(h->kidx.req_prod == SLOTS - 1);
	ndiv_ring_req_abort(&h->k);	/* nothing reserved: no-op */
	KTAP_EXPECT(h->k.waiting == SLOTS - 1);
	/* Released by the daemon, but unanswered: the slot stays taken. */
	while (take_req(h))
		;
	KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 1);
	KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 0);
	KTAP_EXPECT(ndiv_ring_req_forget(&h->k, (uint64_t)GEN << 32) == 1);
	KTAP_EXPECT(ndiv_ring_req_forget(&h->k, (uint64_t)GEN << 32) == 0);
	KTAP_EXPECT(ndiv_ring_req_alloc(&h->k, &req) == 1);
	free(h);
}

static void response_ok(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_resp_view v;
	struct ndiv_ring_resp *d;
	uint64_t id;

	d = round_trip(h, &id);
	put_bytes(d, &d->head_off, &d->head_len, 64,
		  "Content-Type: text/plain\r\n");
	put_bytes(d, &d->body_off, &d->body_len, 200, "hello\n");
	d->flags = NDIV_RING_RESP_F_CLOSE;
	KTAP_EXPECT(get_resp(h, &v) == 0);
	KTAP_EXPECT(v.id == id && v.status == 200 && v.last);
	KTAP_EXPECT(v.flags == NDIV_RING_RESP_F_CLOSE);
	KTAP_EXPECT(v.head_len == 26 && !memcmp(v.head, "Content-Type", 12));
	KTAP_EXPECT(v.body_len == 6 && !memcmp(v.body, "hello\n", 6));
	KTAP_EXPECT(ndiv_ring_head_check(v.head, v.head_len) == 0);
	KTAP_EXPECT(h->k.waiting == 0);
	/* A body to the last byte of the slot, nothing else. */
	d = round_trip(h, &id);
	d->body_off = SLOT_SIZE - 1;
	d->body_len = 1;
	d->head_off = 0xffffffffu;	/* empty: never looked at */
	KTAP_EXPECT(get_resp(h, &v) == 0 && v.body_len == 1 &&
		    v.head_len == 0);
	/* Answered twice: the second is refused. */
	d = new_resp(h, id, 200);
	KTAP_EXPECT(get_resp(h, &v) == -NDIV_RING_BAD_ID && v.id == 0);
	free(h);
}

/* Every way a response descriptor can be wrong, and what it costs. */
#define SET_ID		0x1	/* id = (id ^ id_xor) - id_sub, or 0 */
#define SET_STATUS	0x2
#define SET_FLAGS	0x4
#define SET_RESERVED	0x8
#define SET_HEAD	0x10	/* head_off, head_len = off, len */
#define SET_BODY	0x20	/* body_off, body_len = off, len */

struct bad_case {
	const char *name;
	int fault;
	int client;	/* the request is answered with a 502 */
	unsigned int set;
	uint64_t id_xor;
	uint64_t id_sub;
	int id_zero;
	uint16_t status;
	uint16_t flags;
	uint32_t off;
	uint32_t len;
};

static void spoil(struct ndiv_ring_resp *d, uint64_t id,
		  const struct bad_case *c)
{
	if (c->set & SET_ID)
		d->id = c->id_zero ? 0 : (id ^ c->id_xor) - c->id_sub;
	if (c->set & SET_STATUS)
		d->status = c->status;
	if (c->set & SET_FLAGS)
		d->flags = c->flags;
	if (c->set & SET_RESERVED)
		d->reserved = 1;
	if (c->set & SET_HEAD) {
		d->head_off = c->off;
		d->head_len = c->len;
	}
	if (c->set & SET_BODY) {
		d->body_off = c->off;
		d->body_len = c->len;
	}
}

#define DESC	sizeof(struct ndiv_ring_resp)

static const struct bad_case bad_cases[] = {
	{ "generation", NDIV_RING_BAD_ID, 0, SET_ID, .id_xor = 1ULL << 40 },
	{ "not sent", NDIV_RING_BAD_ID, 0, SET_ID, .id_sub = -1ULL },
	{ "too old", NDIV_RING_BAD_ID, 0, SET_ID, .id_sub = SLOTS },
	{ "zero id", NDIV_RING_BAD_ID, 0, SET_ID, .id_zero = 1 },
	{ "status 99", NDIV_RING_BAD_STATUS, 1, SET_STATUS, .status = 99 },
	{ "status 600", NDIV_RING_BAD_STATUS, 1, SET_STATUS, .status = 600 },
	{ "status 0", NDIV_RING_BAD_STATUS, 1, SET_STATUS, .status = 0 },
	{ "flags", NDIV_RING_BAD_FLAGS, 1, SET_FLAGS, .flags = 0x8000 },
	{ "reserved", NDIV_RING_BAD_RESERVED, 1, SET_RESERVED, .flags = 0 },
	{ "head in descriptor", NDIV_RING_BAD_HEAD, 1, SET_HEAD,
	  .off = DESC - 1, .len = 4 },
	{ "head past slot", NDIV_RING_BAD_HEAD, 1, SET_HEAD,
	  .off = SLOT_SIZE - 4, .len = 5 },
	{ "head wraps", NDIV_RING_BAD_HEAD, 1, SET_HEAD,	/* sum is 31 */
	  .off = 64, .len = 0xffffffffu - 32 },
	{ "head offset", NDIV_RING_BAD_HEAD, 1, SET_HEAD,
	  .off = SLOT_SIZE + 1, .len = 1 },
	{ "body past slot", NDIV_RING_BAD_BODY, 1, SET_BODY,
	  .off = 64, .len = SLOT_SIZE },
	{ "body wraps", NDIV_RING_BAD_BODY, 1, SET_BODY,
	  .off = 0x80000000u, .len = 0x80000000u },
	{ "body in descriptor", NDIV_RING_BAD_BODY, 1, SET_BODY,
	  .off = 0, .len = 1 },
};

static void response_faults(void)
{
	struct ndiv_ring_resp_view v;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct harness *h = setup(3);
		struct ndiv_ring_resp *d;
		uint64_t id;
		int i2, got;

		/* Some history, so that "too old" is a real old id. */
		for (i2 = 0; i2 < SLOTS; i2++) {
			round_trip(h, &id);
			if (get_resp(h, &v))
				abort();
		}
		d = round_trip(h, &id);
		spoil(d, id, c);
		got = get_resp(h, &v);
		if (got != -c->fault)
			printf("# %s: fault %d, want %d\n", c->name, -got,
			       c->fault);
		KTAP_EXPECT(got == -c->fault);
		KTAP_EXPECT(v.id == (c->client ? id : 0));
		KTAP_EXPECT(h->k.waiting == (c->client ? 0U : 1U));
		/* The ring goes on: the next response is taken. */
		d = round_trip(h, &id);
		KTAP_EXPECT(get_resp(h, &v) == 0 && v.id == id);
		free(h);
	}
}

static void chained_response(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_resp_view v;
	struct ndiv_ring_resp *d;
	uint64_t id;

	d = round_trip(h, &id);
	put_bytes(d, &d->body_off, &d->body_len, 32, "part one,");
	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0 && !v.last && v.status == 200);
	d = new_resp(h, id, 0);
	put_bytes(d, &d->body_off, &d->body_len, 32, "two,");
	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0 && !v.last && v.status == 0);
	KTAP_EXPECT(h->k.chain_len == 13);
	d = new_resp(h, id, 0);
	put_bytes(d, &d->body_off, &d->body_len, 32, "three");
	KTAP_EXPECT(get_resp(h, &v) == 0 && v.last && v.body_len == 5);
	KTAP_EXPECT(h->k.chain_id == 0 && h->k.chain_len == 0);
	KTAP_EXPECT(h->k.waiting == 0);
	free(h);
}

/* A chain broken by a response to another request: 502 for the chain. */
static void chain_faults(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_resp_view v;
	struct ndiv_ring_resp *d;
	uint64_t id, other;

	other = send_req(h);
	take_req(h);
	d = round_trip(h, &id);
	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0);
	new_resp(h, other, 200);
	KTAP_EXPECT(get_resp(h, &v) == -NDIV_RING_BAD_CHAIN && v.id == id);
	KTAP_EXPECT(h->k.chain_id == 0 && h->k.waiting == 1);

	/* A status in a continuation. */
	d = new_resp(h, other, 200);
	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0);
	new_resp(h, other, 200);
	KTAP_EXPECT(get_resp(h, &v) == -NDIV_RING_BAD_CHAIN && v.id == other);

	/* Header bytes in a continuation. */
	d = round_trip(h, &id);
	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0);
	d = new_resp(h, id, 0);
	put_bytes(d, &d->head_off, &d->head_len, 64, "A: b\r\n");
	KTAP_EXPECT(get_resp(h, &v) == -NDIV_RING_BAD_CHAIN && v.id == id);
	KTAP_EXPECT(h->k.waiting == 0);
	free(h);
}

/*
 * One response in four parts: three of 900 bytes, then last bytes.
 * Returns what the kernel said of the last part.
 */
static int four_parts(struct harness *h, uint32_t last,
		      struct ndiv_ring_resp_view *v)
{
	struct ndiv_ring_resp *d;
	uint64_t id;
	int i, err;

	d = round_trip(h, &id);
	for (i = 0; i < 3; i++) {
		d->body_off = 32;
		d->body_len = 900;
		d->flags = NDIV_RING_RESP_F_MORE;
		KTAP_EXPECT(get_resp(h, v) == 0);
		d = new_resp(h, id, 0);
	}
	d->body_off = 32;
	d->body_len = last;
	err = get_resp(h, v);
	KTAP_EXPECT(v->id == id);
	return err;
}

/* The bodies of one response add up to at most max_body bytes. */
static void length_limit(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_resp_view v;

	KTAP_EXPECT(four_parts(h, MAX_BODY - 2700 + 1, &v) ==
		    -NDIV_RING_BAD_LENGTH);
	KTAP_EXPECT(h->k.waiting == 0 && h->k.chain_len == 0);
	/* Exactly max_body is fine. */
	KTAP_EXPECT(four_parts(h, MAX_BODY - 2700, &v) == 0 && v.last);
	free(h);
}

/* A response for a request given up (e.g. 503 after a timeout). */
static void late_response(void)
{
	struct harness *h = setup(0);
	struct ndiv_ring_resp_view v;
	uint64_t id;

	round_trip(h, &id);
	KTAP_EXPECT(ndiv_ring_req_forget(&h->k, id) == 1);
	KTAP_EXPECT(get_resp(h, &v) == -NDIV_RING_BAD_ID && v.id == 0);
	/* Forgetting a request mid-chain ends the chain. */
	struct ndiv_ring_resp *d = round_trip(h, &id);

	d->flags = NDIV_RING_RESP_F_MORE;
	KTAP_EXPECT(get_resp(h, &v) == 0 && h->k.chain_id == id);
	KTAP_EXPECT(ndiv_ring_req_forget(&h->k, id) == 1);
	KTAP_EXPECT(h->k.chain_id == 0);
	free(h);
}

static int head_ok(const char *s)
{
	return ndiv_ring_head_check((const uint8_t *)s, strlen(s)) == 0;
}

static void header_lines(void)
{
	KTAP_EXPECT(head_ok(""));
	KTAP_EXPECT(head_ok("A:\r\n"));
	KTAP_EXPECT(head_ok("Content-Type: text/html; charset=utf-8\r\n"
			    "Cache-Control: no-store\r\nX-A: \xc3\xa9\t.\r\n"));
	KTAP_EXPECT(!head_ok("\r\n"));			/* empty line */
	KTAP_EXPECT(!head_ok("A: b\r\n\r\n"));		/* a body follows */
	KTAP_EXPECT(!head_ok("A: b\n"));			/* bare LF */
	KTAP_EXPECT(!head_ok("A: b\rC: d\r\n"));		/* bare CR */
	KTAP_EXPECT(!head_ok("A: b"));			/* unterminated */
	KTAP_EXPECT(!head_ok("A: b\r\nC: d"));
	KTAP_EXPECT(!head_ok(": b\r\n"));		/* no name */
	KTAP_EXPECT(!head_ok("A b: c\r\n"));		/* not a token */
	KTAP_EXPECT(!head_ok("X-\xc3\xa9: b\r\n"));
	KTAP_EXPECT(!head_ok(" A: b\r\n"));		/* folded */
	KTAP_EXPECT(!head_ok("A\r\n"));			/* no colon */
	KTAP_EXPECT(!head_ok("A: b\x7f\r\n"));		/* DEL */
	KTAP_EXPECT(!head_ok("Content-Length: 5\r\n"));
	KTAP_EXPECT(!head_ok("A: b\r\ncontent-LENGTH: 5\r\n"));
	KTAP_EXPECT(!head_ok("Transfer-Encoding: chunked\r\n"));
	KTAP_EXPECT(head_ok("Content-Lengths: 5\r\n"));
	KTAP_EXPECT(head_ok("Content-Lengt: 5\r\n"));
	KTAP_EXPECT(ndiv_ring_head_check((const uint8_t *)"A: \0\r\n", 6) ==
		    -NDIV_RING_BAD_HEADER);		/* NUL */
}

/* Every byte value in a field name: exactly the RFC 9110 tchars pass. */
static void name_bytes(void)
{
	uint8_t line[] = "XX: v\r\n";
	int c, tchar;

	for (c = 0; c < 256; c++) {
		line[1] = c;
		tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') ||
			(c && strchr("!#$%&'*+-.^_`|~", c));
		if (c == ':')	/* "X: : v" is a value with a colon */
			tchar = 1;
		KTAP_EXPECT((ndiv_ring_head_check(line, 7) == 0) == tchar);
	}
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(geometry),
		KTAP_CASE(layout),
		KTAP_CASE(init_and_slots),
		KTAP_CASE(empty_and_full),
		KTAP_CASE(wrap_around),
		KTAP_CASE(request_ids_wrap),
		KTAP_CASE(batching),
		KTAP_CASE(need_wakeup),
		KTAP_CASE(bad_consumer_index),
		KTAP_CASE(bad_producer_index),
		KTAP_CASE(attach_checks),
		KTAP_CASE(request_slots),
		KTAP_CASE(response_ok),
		KTAP_CASE(response_faults),
		KTAP_CASE(chained_response),
		KTAP_CASE(chain_faults),
		KTAP_CASE(length_limit),
		KTAP_CASE(late_response),
		KTAP_CASE(header_lines),
		KTAP_CASE(name_bytes),
	};

	ktap_run(cases, ARRAY_LEN(cases));
	return ktap_finish();
}
