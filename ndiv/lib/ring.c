// SPDX-License-Identifier: GPL-2.0
/*
 * The ring to user space (Documentation/ring.rst): index validation,
 * need-wakeup, and the kernel's checks of what a daemon writes.
 *
 * User space can write its indices and its response slots at any time,
 * including while the kernel reads them. So every such value is read
 * exactly once (ndiv_read_once() or an acquire load) into a local, the
 * local is checked against bounds the kernel keeps privately, and only
 * the local is used afterwards.
 */
#include <ndiv/ring.h>

static int ndiv_ring_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

int ndiv_ring_geometry_ok(uint32_t slots, uint32_t slot_size)
{
	return slots >= NDIV_RING_SLOTS_MIN && slots <= NDIV_RING_SLOTS_MAX &&
	       ndiv_ring_pow2(slots) && slot_size >= NDIV_RING_SLOT_SIZE_MIN &&
	       slot_size <= NDIV_RING_SLOT_SIZE_MAX && ndiv_ring_pow2(slot_size);
}
NDIV_EXPORT(ndiv_ring_geometry_ok);

static uint64_t ndiv_ring_round(uint64_t v, uint32_t page_size)
{
	return (v + page_size - 1) & ~(uint64_t)(page_size - 1);
}

/*
 * Read-only part: header page, kernel indices, request slots; then the
 * read-write part: daemon indices, response slots. Each area starts on
 * a page, so that the two parts can be mapped with different rights.
 * Every term fits in 64 bits: at most 2^13 rings of 2^16 slots of 2^20
 * bytes.
 */
int ndiv_ring_layout(struct ndiv_ring_info *info, uint32_t nr_rings,
		     uint32_t slots, uint32_t slot_size, uint32_t page_size)
{
	uint64_t idx_bytes, slot_bytes, off;

	if (!ndiv_ring_geometry_ok(slots, slot_size) || !nr_rings ||
	    nr_rings > NDIV_RING_RINGS_MAX || !ndiv_ring_pow2(page_size) ||
	    page_size < 4096 || page_size > 65536)
		return -1;
	memset(info, 0, sizeof(*info));
	info->magic = NDIV_RING_MAGIC;
	info->abi_version = NDIV_RING_ABI_VERSION;
	info->info_size = sizeof(*info);
	info->page_size = page_size;
	info->nr_rings = nr_rings;
	info->slots = slots;
	info->slot_size = slot_size;
	info->ring_bytes = (uint64_t)slots * slot_size;
	idx_bytes = ndiv_ring_round((uint64_t)nr_rings *
				    sizeof(struct ndiv_ring_kidx), page_size);
	slot_bytes = ndiv_ring_round(nr_rings * info->ring_bytes, page_size);
	off = page_size;
	info->kidx_off = off;
	off += idx_bytes;
	info->req_off = off;
	off += slot_bytes;
	info->rw_off = off;
	info->uidx_off = off;
	off += idx_bytes;
	info->resp_off = off;
	info->map_size = off + slot_bytes;
	return 0;
}
NDIV_EXPORT(ndiv_ring_layout);

int ndiv_ring_info_check(const struct ndiv_ring_info *info)
{
	struct ndiv_ring_info want;

	if (info->magic != NDIV_RING_MAGIC ||
	    info->abi_version != NDIV_RING_ABI_VERSION ||
	    info->info_size < sizeof(*info) || !info->generation)
		return -1;
	if (ndiv_ring_layout(&want, info->nr_rings, info->slots,
			     info->slot_size, info->page_size))
		return -1;
	return info->map_size == want.map_size &&
	       info->rw_off == want.rw_off &&
	       info->kidx_off == want.kidx_off &&
	       info->uidx_off == want.uidx_off &&
	       info->req_off == want.req_off &&
	       info->resp_off == want.resp_off &&
	       info->ring_bytes == want.ring_bytes ? 0 : -1;
}
NDIV_EXPORT(ndiv_ring_info_check);

static uint32_t ndiv_ring_log2(uint32_t v)
{
	uint32_t n = 0;

	while (n < 31 && (1U << n) < v)
		n++;
	return n;
}

int ndiv_ring_init(struct ndiv_ring *r, uint32_t *producer,
		   uint32_t *consumer, uint32_t *flags, void *slots,
		   uint32_t nslots, uint32_t slot_size)
{
	if (!ndiv_ring_geometry_ok(nslots, slot_size))
		return -1;
	memset(r, 0, sizeof(*r));
	r->producer = producer;
	r->consumer = consumer;
	r->flags = flags;
	r->slots = slots;
	r->size = nslots;
	r->mask = nslots - 1;
	r->slot_shift = ndiv_ring_log2(slot_size);
	return 0;
}
NDIV_EXPORT(ndiv_ring_init);

/*
 * Only while no one else uses the ring (before it is mapped, or with the
 * other side detached): plain stores, published by whatever hands the
 * ring over (the mapping, a lock).
 */
void ndiv_ring_reset(struct ndiv_ring *r, uint32_t start)
{
	ndiv_write_once(*r->producer, start);
	ndiv_write_once(*r->consumer, start);
	ndiv_write_once(*r->flags, 0);
	r->head = start;
	r->tail = start;
	r->cached = start;
}
NDIV_EXPORT(ndiv_ring_reset);

/*
 * Attaching to a live ring: our index and the other side's, each read
 * once; the ring can hold at most size slots between them.
 */
static int ndiv_ring_attach(struct ndiv_ring *r, uint32_t *own,
			    uint32_t *other, uint32_t filled_from_own)
{
	uint32_t mine = ndiv_load_acquire(own);
	uint32_t theirs = ndiv_load_acquire(other);
	uint32_t filled = filled_from_own ? mine - theirs : theirs - mine;

	if (filled > r->size)
		return -NDIV_RING_BAD_INDEX;
	r->head = mine;
	r->tail = mine;
	r->cached = theirs;
	return 0;
}

int ndiv_ring_attach_prod(struct ndiv_ring *r)
{
	return ndiv_ring_attach(r, r->producer, r->consumer, 1);
}
NDIV_EXPORT(ndiv_ring_attach_prod);

int ndiv_ring_attach_cons(struct ndiv_ring *r)
{
	return ndiv_ring_attach(r, r->consumer, r->producer, 0);
}
NDIV_EXPORT(ndiv_ring_attach_cons);

/*
 * The consumer's index, read once. Acquire pairs with the consumer's
 * release in ndiv_ring_release(): its reads of a slot are done before we
 * overwrite the slot. Valid: it moved forward from the last valid value,
 * and not past what we published. A consumer that claims slots we never
 * published, or goes backwards, is refused and the cached value kept, so
 * we never reserve a slot twice (the CVE-2024-41009 class of bug).
 */
int ndiv_ring_prod_refresh(struct ndiv_ring *r)
{
	uint32_t cons = ndiv_load_acquire(r->consumer);

	if (cons - r->cached > r->tail - r->cached)
		return -NDIV_RING_BAD_INDEX;
	r->cached = cons;
	return 0;
}
NDIV_EXPORT(ndiv_ring_prod_refresh);

/*
 * The producer's index, read once. Acquire pairs with the producer's
 * release in ndiv_ring_submit(): the slots up to it are written. Valid:
 * no more than size slots ahead of what we released, and not behind the
 * last valid value (published slots cannot be taken back).
 */
int ndiv_ring_cons_refresh(struct ndiv_ring *r)
{
	uint32_t prod = ndiv_load_acquire(r->producer);
	uint32_t ahead = prod - r->tail;

	if (ahead > r->size || ahead < r->cached - r->tail)
		return -NDIV_RING_BAD_INDEX;
	r->cached = prod;
	return 0;
}
NDIV_EXPORT(ndiv_ring_cons_refresh);

/*
 * The flag store and the index load are ordered by a full barrier (a
 * store followed by a load needs one); the producer does the mirror
 * image in ndiv_ring_needs_wakeup(). Either we see its new index here, or
 * it sees our flag there.
 */
int ndiv_ring_sleep(struct ndiv_ring *r)
{
	int err;

	ndiv_write_once(*r->flags, NDIV_RING_F_NEED_WAKEUP);
	ndiv_smp_mb();
	err = ndiv_ring_cons_refresh(r);
	if (err || r->cached != r->head) {
		ndiv_write_once(*r->flags, 0);
		return err ? err : 0;
	}
	return 1;
}
NDIV_EXPORT(ndiv_ring_sleep);

/*
 * After ndiv_ring_init() and ndiv_ring_reset() of both rings: pending
 * has room for req.size ids; gen (not 0) makes this attach's ids differ
 * from every earlier one's.
 */
int ndiv_ring_pair_init(struct ndiv_ring_pair *p, uint64_t *pending,
			uint32_t gen, uint32_t max_body)
{
	if (!gen || !pending)
		return -1;
	memset(pending, 0, sizeof(*pending) * p->req.size);
	p->pending = pending;
	p->gen = gen;
	p->max_body = max_body;
	p->chain_id = 0;
	p->chain_len = 0;
	p->waiting = 0;
	return 0;
}
NDIV_EXPORT(ndiv_ring_pair_init);

/*
 * Reserve one request slot and give it an id. Returns 1 with *req set
 * (descriptor zeroed but for the id), 0 when the ring is full or the
 * slot's previous request is still unanswered, or -NDIV_RING_BAD_INDEX.
 * The caller fills the slot and calls ndiv_ring_req_submit(), or
 * ndiv_ring_req_abort() to give it back.
 */
int ndiv_ring_req_alloc(struct ndiv_ring_pair *p, struct ndiv_ring_req **req)
{
	uint32_t idx = p->req.head;
	uint64_t id;
	int n;

	if (p->pending[idx & p->req.mask])
		return 0;
	n = ndiv_ring_reserve(&p->req, 1, &idx);
	if (n <= 0)
		return n;
	id = (uint64_t)p->gen << 32 | idx;
	p->pending[idx & p->req.mask] = id;
	p->waiting++;
	*req = ndiv_ring_slot(&p->req, idx);
	memset(*req, 0, sizeof(**req));
	(*req)->id = id;
	return 1;
}
NDIV_EXPORT(ndiv_ring_req_alloc);

/* Give back the request slot reserved last, not yet submitted. */
void ndiv_ring_req_abort(struct ndiv_ring_pair *p)
{
	uint32_t idx = p->req.head - 1;

	if (p->req.head == p->req.tail)
		return;
	p->pending[idx & p->req.mask] = 0;
	p->waiting--;
	ndiv_ring_cancel(&p->req, 1);
}
NDIV_EXPORT(ndiv_ring_req_abort);

/*
 * Publish every request reserved since the last submit: one index store
 * per batch (per NAPI poll). Returns 1 if the daemon sleeps and must be
 * woken, else 0.
 */
int ndiv_ring_req_submit(struct ndiv_ring_pair *p)
{
	uint32_t n = p->req.head - p->req.tail;

	if (!n)
		return 0;
	ndiv_ring_submit(&p->req, n);
	return !!ndiv_ring_needs_wakeup(&p->req);
}
NDIV_EXPORT(ndiv_ring_req_submit);

/* Is id a request of this pair waiting for its response? */
static int ndiv_ring_waiting(const struct ndiv_ring_pair *p, uint64_t id)
{
	uint32_t idx = (uint32_t)id;

	if (id >> 32 != p->gen)
		return 0;
	/* Published, and at most one ring's worth ago. */
	if (p->req.tail - idx - 1 >= p->req.size)
		return 0;
	return p->pending[idx & p->req.mask] == id;
}

static void ndiv_ring_answered(struct ndiv_ring_pair *p, uint64_t id)
{
	p->pending[(uint32_t)id & p->req.mask] = 0;
	p->waiting--;
	if (p->chain_id == id) {
		p->chain_id = 0;
		p->chain_len = 0;
	}
}

/*
 * Stop waiting for id (answered by the kernel itself, e.g. a 503 after a
 * timeout). Returns 1 if it was waiting. A late response to it is then
 * refused as NDIV_RING_BAD_ID.
 */
int ndiv_ring_req_forget(struct ndiv_ring_pair *p, uint64_t id)
{
	if (!ndiv_ring_waiting(p, id))
		return 0;
	ndiv_ring_answered(p, id);
	return 1;
}
NDIV_EXPORT(ndiv_ring_req_forget);

/*
 * Is [off, off + len) inside the slot, after the descriptor? An empty
 * span is fine wherever it claims to be: nothing is read from it.
 */
static int ndiv_ring_span_ok(uint32_t off, uint32_t len, uint32_t slot_size)
{
	if (!len)
		return 1;
	return off >= sizeof(struct ndiv_ring_resp) && off <= slot_size &&
	       len <= slot_size - off;
}

/* Each field of the descriptor exactly once, into kernel memory. */
static void ndiv_ring_resp_load(struct ndiv_ring_resp *d,
				const struct ndiv_ring_resp *s)
{
	d->id = ndiv_read_once(s->id);
	d->status = ndiv_read_once(s->status);
	d->flags = ndiv_read_once(s->flags);
	d->head_off = ndiv_read_once(s->head_off);
	d->head_len = ndiv_read_once(s->head_len);
	d->body_off = ndiv_read_once(s->body_off);
	d->body_len = ndiv_read_once(s->body_len);
	d->reserved = ndiv_read_once(s->reserved);
}

/* The checks of one descriptor (a local copy) that need no state. */
static int ndiv_ring_resp_fields_ok(const struct ndiv_ring_resp *d,
				    uint32_t slot_size)
{
	if (d->flags & ~NDIV_RING_RESP_F_ALL)
		return -NDIV_RING_BAD_FLAGS;
	if (d->reserved)
		return -NDIV_RING_BAD_RESERVED;
	if (!ndiv_ring_span_ok(d->head_off, d->head_len, slot_size))
		return -NDIV_RING_BAD_HEAD;
	if (!ndiv_ring_span_ok(d->body_off, d->body_len, slot_size))
		return -NDIV_RING_BAD_BODY;
	return 0;
}

/*
 * Where this descriptor stands in its response: the first one has a
 * status; a continuation (after NDIV_RING_RESP_F_MORE) has the same id,
 * status 0 and no head.
 */
static int ndiv_ring_resp_chain_ok(const struct ndiv_ring_pair *p,
				   const struct ndiv_ring_resp *d)
{
	if (p->chain_id) {
		if (d->id != p->chain_id || d->status || d->head_len)
			return -NDIV_RING_BAD_CHAIN;
		return 0;
	}
	if (d->status < 100 || d->status > 599)
		return -NDIV_RING_BAD_STATUS;
	return 0;
}

static int ndiv_ring_resp_check(struct ndiv_ring_pair *p,
				const struct ndiv_ring_resp *d)
{
	int err;

	err = ndiv_ring_resp_chain_ok(p, d);
	if (err)
		return err;
	err = ndiv_ring_resp_fields_ok(d, ndiv_ring_slot_size(&p->resp));
	if (err)
		return err;
	if (d->body_len > p->max_body - p->chain_len)
		return -NDIV_RING_BAD_LENGTH;
	return 0;
}

/*
 * Read and check response slot idx (from ndiv_ring_peek() on p->resp).
 * Returns 0 with v filled in, or -NDIV_RING_BAD_*: then v->id is the
 * request to answer with a 502, or 0 if there is none (its id was not
 * one we wait for). Either way the request is no longer waiting once the
 * descriptor ends or breaks its response. Release the slot with
 * ndiv_ring_release() after copying head and body.
 */
int ndiv_ring_resp_read(struct ndiv_ring_pair *p, uint32_t idx,
			struct ndiv_ring_resp_view *v)
{
	const uint8_t *slot = ndiv_ring_slot(&p->resp, idx);
	struct ndiv_ring_resp d;
	int err;

	memset(v, 0, sizeof(*v));
	ndiv_ring_resp_load(&d, (const struct ndiv_ring_resp *)slot);
	if (!p->chain_id && !ndiv_ring_waiting(p, d.id))
		return -NDIV_RING_BAD_ID;
	err = ndiv_ring_resp_check(p, &d);
	if (err) {
		v->id = p->chain_id ? p->chain_id : d.id;
		ndiv_ring_answered(p, v->id);
		return err;
	}
	v->id = d.id;
	v->status = d.status;
	v->flags = d.flags;
	v->head = d.head_len ? slot + d.head_off : slot;
	v->head_len = d.head_len;
	v->body = d.body_len ? slot + d.body_off : slot;
	v->body_len = d.body_len;
	if (d.flags & NDIV_RING_RESP_F_MORE) {
		p->chain_id = d.id;
		p->chain_len += d.body_len;
	} else {
		ndiv_ring_answered(p, d.id);
		v->last = 1;
	}
	return 0;
}
NDIV_EXPORT(ndiv_ring_resp_read);

/*
 * RFC 9110 token characters, as in a header field name: letters, digits
 * and !#$%&'*+-.^_`|~, one bit per byte value.
 */
static const uint32_t ndiv_ring_tchars[8] = {
	0x00000000, 0x03ff6cfa, 0xc7fffffe, 0x57ffffff,
};

static int ndiv_ring_tchar(uint8_t c)
{
	return ndiv_ring_tchars[c >> 5] >> (c & 31) & 1;
}

/* Field value characters: visible, space, tab, obs-text. */
static int ndiv_ring_vchar(uint8_t c)
{
	return c == '\t' || (c >= ' ' && c != 0x7f);
}

static int ndiv_ring_name_is(const uint8_t *n, uint32_t len, const char *s)
{
	uint32_t i;

	for (i = 0; i < len; i++) {
		uint8_t c = n[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!s[i] || c != (uint8_t)s[i])
			return 0;
	}
	return !s[len];
}

/* Framing is the kernel's: the daemon may not set these. */
static int ndiv_ring_name_ok(const uint8_t *n, uint32_t len)
{
	return len && !ndiv_ring_name_is(n, len, "content-length") &&
	       !ndiv_ring_name_is(n, len, "transfer-encoding");
}

/* One "Name: value\r\n" line at h, len bytes including the CRLF. */
static int ndiv_ring_line_ok(const uint8_t *h, uint32_t len)
{
	uint32_t i = 0;

	while (i < len && ndiv_ring_tchar(h[i]))
		i++;
	if (i == len || h[i] != ':' || !ndiv_ring_name_ok(h, i))
		return 0;
	for (i++; i < len - 2; i++)
		if (!ndiv_ring_vchar(h[i]))
			return 0;
	return h[len - 2] == '\r' && h[len - 1] == '\n';
}

/*
 * Check the daemon's header lines in the kernel's own copy (checking the
 * shared bytes would be undone by a daemon writing them again after the
 * check): a sequence of "Name: value\r\n", no empty line, no bare CR or
 * LF (no second response smuggled in), no Content-Length or
 * Transfer-Encoding. Returns 0 or -NDIV_RING_BAD_HEADER.
 */
int ndiv_ring_head_check(const uint8_t *head, uint32_t len)
{
	uint32_t start = 0, i;

	for (i = 0; i < len; i++) {
		if (head[i] != '\n')
			continue;
		if (i - start < 3 || !ndiv_ring_line_ok(head + start,
							 i + 1 - start))
			return -NDIV_RING_BAD_HEADER;
		start = i + 1;
	}
	return start == len ? 0 : -NDIV_RING_BAD_HEADER;
}
NDIV_EXPORT(ndiv_ring_head_check);
