// SPDX-License-Identifier: GPL-2.0
/*
 * libndiv: the daemon's side of an ndiv ring, over the portable ring
 * code the kernel runs too (ndiv/lib/ring.c, built into this library
 * and hidden from its users).
 *
 * What the kernel writes is read-only to us, but it is still checked
 * before use: the header page against the layout its geometry gives,
 * the kernel's indices against the ring (ndiv/lib/ring.c), and every
 * span of a request against the request bytes, so that a library bug or
 * a future kernel cannot make a daemon read outside the mapping.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <ndiv/ring.h>

#include "libndiv.h"

#define LIBNDIV_API	__attribute__((visibility("default")))

/* One CPU's queue; padded so that queues of different threads never
 * share a cache line.
 */
struct ndiv_queue {
	struct ndiv_ring req;	/* we consume requests */
	struct ndiv_ring resp;	/* and produce responses */
	uint32_t slot_size;
	uint8_t pad[NDIV_RING_LINE];
};

struct ndiv {
	struct ndiv_ring_info info;	/* our checked copy */
	int fd;
	void *ro;
	size_t ro_len;
	void *rw;
	size_t rw_len;
	int mapped;			/* ro and rw are ours to unmap */
	int own_fd;			/* fd is ours to close */
	struct ndiv_queue *queues;
};

static int ndiv_queue_init(struct ndiv *nd, unsigned int i)
{
	const struct ndiv_ring_info *in = &nd->info;
	struct ndiv_queue *q = &nd->queues[i];
	uint8_t *ro = nd->ro, *rw = nd->rw;
	struct ndiv_ring_kidx *k;
	struct ndiv_ring_uidx *u;
	uint8_t *req, *resp;

	k = (struct ndiv_ring_kidx *)(ro + in->kidx_off) + i;
	u = (struct ndiv_ring_uidx *)(rw + (in->uidx_off - in->rw_off)) + i;
	req = ro + in->req_off + i * in->ring_bytes;
	resp = rw + (in->resp_off - in->rw_off) + i * in->ring_bytes;
	if (ndiv_ring_init(&q->req, &k->req_prod, &u->req_cons, &u->req_flags,
			   req, in->slots, in->slot_size) ||
	    ndiv_ring_init(&q->resp, &u->resp_prod, &k->resp_cons,
			   &k->resp_flags, resp, in->slots, in->slot_size))
		return -EPROTO;
	if (ndiv_ring_attach_cons(&q->req) || ndiv_ring_attach_prod(&q->resp))
		return -EPROTO;
	q->slot_size = in->slot_size;
	return 0;
}

/* The header page, copied once and checked; the parts' sizes match it. */
static int ndiv_setup(struct ndiv *nd, size_t ro_len, size_t rw_len)
{
	unsigned int i;
	int err;

	memcpy(&nd->info, nd->ro, sizeof(nd->info));
	if (ndiv_ring_info_check(&nd->info))
		return -EPROTO;
	if (nd->info.rw_off != ro_len ||
	    nd->info.map_size - nd->info.rw_off != rw_len)
		return -EINVAL;
	nd->queues = calloc(nd->info.nr_rings, sizeof(*nd->queues));
	if (!nd->queues)
		return -ENOMEM;
	for (i = 0; i < nd->info.nr_rings; i++) {
		err = ndiv_queue_init(nd, i);
		if (err)
			return err;
	}
	return 0;
}

static struct ndiv *ndiv_new(void)
{
	struct ndiv *nd = calloc(1, sizeof(*nd));

	if (nd)
		nd->fd = -1;
	return nd;
}

LIBNDIV_API int ndiv_attach_mem(void *ro, size_t ro_len, void *rw,
				size_t rw_len, struct ndiv **out)
{
	struct ndiv *nd;
	int err;

	if (!ro || !rw || ro_len < sizeof(struct ndiv_ring_info))
		return -EINVAL;
	nd = ndiv_new();
	if (!nd)
		return -ENOMEM;
	nd->ro = ro;
	nd->rw = rw;
	nd->ro_len = ro_len;
	nd->rw_len = rw_len;
	err = ndiv_setup(nd, ro_len, rw_len);
	if (err) {
		ndiv_detach(nd);
		return err;
	}
	*out = nd;
	return 0;
}

/* Map the header page alone and copy it: it says how much to map. */
static int ndiv_read_info(int fd, struct ndiv_ring_info *info)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	memcpy(info, p, sizeof(*info));
	munmap(p, page);
	if (ndiv_ring_info_check(info) || info->page_size != (uint32_t)page)
		return -EPROTO;
	/* A 32-bit daemon cannot map a ring of 4 GiB or more. */
	if (info->map_size > SIZE_MAX || (off_t)info->rw_off < 0)
		return -EFBIG;
	return 0;
}

LIBNDIV_API int ndiv_attach_fd(int fd, struct ndiv **out)
{
	struct ndiv_ring_info info;
	struct ndiv *nd;
	int err;

	err = ndiv_read_info(fd, &info);
	if (err)
		return err;
	nd = ndiv_new();
	if (!nd)
		return -ENOMEM;
	nd->fd = fd;
	nd->mapped = 1;
	nd->ro_len = info.rw_off;
	nd->rw_len = info.map_size - info.rw_off;
	nd->ro = mmap(NULL, nd->ro_len, PROT_READ, MAP_SHARED, fd, 0);
	nd->rw = mmap(NULL, nd->rw_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      fd, (off_t)info.rw_off);
	if (nd->ro == MAP_FAILED || nd->rw == MAP_FAILED)
		err = -errno;
	else
		err = ndiv_setup(nd, nd->ro_len, nd->rw_len);
	if (err) {
		ndiv_detach(nd);
		return err;
	}
	*out = nd;
	return 0;
}

/* The kernel's rule for a ring name: 1 to 31 of [A-Za-z0-9._-]. */
static int ndiv_name_ok(const char *name)
{
	size_t i, len = strnlen(name, NDIV_RING_NAME_MAX);

	if (!len || len == NDIV_RING_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) &&
		    !strchr("._-", name[i]))
			return 0;
	return 1;
}

LIBNDIV_API int ndiv_attach(const char *name, struct ndiv **out)
{
	struct ndiv_ring_ioc_name n;
	int fd, err;

	if (!name || !ndiv_name_ok(name))
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", name);
	fd = open(NDIV_RING_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, NDIV_RING_IOC_ATTACH, &n) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = ndiv_attach_fd(fd, out);
	if (err) {
		close(fd);
		return err;
	}
	(*out)->own_fd = 1;
	return 0;
}

LIBNDIV_API void ndiv_detach(struct ndiv *nd)
{
	if (!nd)
		return;
	if (nd->mapped) {
		if (nd->ro && nd->ro != MAP_FAILED)
			munmap(nd->ro, nd->ro_len);
		if (nd->rw && nd->rw != MAP_FAILED)
			munmap(nd->rw, nd->rw_len);
	}
	if (nd->own_fd)
		close(nd->fd);
	free(nd->queues);
	free(nd);
}

LIBNDIV_API int ndiv_fd(const struct ndiv *nd)
{
	return nd->fd;
}

LIBNDIV_API const struct ndiv_ring_info *ndiv_info(const struct ndiv *nd)
{
	return &nd->info;
}

LIBNDIV_API unsigned int ndiv_queues(const struct ndiv *nd)
{
	return nd->info.nr_rings;
}

LIBNDIV_API struct ndiv_queue *ndiv_queue(struct ndiv *nd, unsigned int i)
{
	return i < nd->info.nr_rings ? &nd->queues[i] : NULL;
}

LIBNDIV_API int ndiv_peek(struct ndiv_queue *q, unsigned int n,
			  uint32_t *idx)
{
	int got = ndiv_ring_peek(&q->req, n, idx);

	return got < 0 ? -EPROTO : got;
}

LIBNDIV_API const struct ndiv_ring_req *
ndiv_request(const struct ndiv_queue *q, uint32_t idx)
{
	return ndiv_ring_slot(&q->req, idx);
}

LIBNDIV_API void ndiv_release(struct ndiv_queue *q, unsigned int n)
{
	ndiv_ring_release(&q->req, n);
}

LIBNDIV_API const char *ndiv_data(const struct ndiv_queue *q,
				  const struct ndiv_ring_req *req, size_t *len)
{
	uint32_t off = req->data_off, n = req->data_len;

	if (off < sizeof(*req) || off > q->slot_size ||
	    n > q->slot_size - off)
		return NULL;
	*len = n;
	return (const char *)req + off;
}

LIBNDIV_API const char *ndiv_span(const struct ndiv_queue *q,
				  const struct ndiv_ring_req *req,
				  const struct ndiv_ring_span *span,
				  size_t *len)
{
	uint32_t off = span->off, n = span->len;
	const char *data;
	size_t dlen;

	data = ndiv_data(q, req, &dlen);
	if (!data || off > dlen || n > dlen - off)
		return NULL;
	*len = n;
	return data + off;
}

/* req's header array, if it lies between the descriptor and the data. */
static const struct ndiv_ring_hdr *ndiv_headers(const struct ndiv_queue *q,
						const struct ndiv_ring_req *req,
						unsigned int *nr)
{
	unsigned int n = req->nr_headers;

	if (n > NDIV_RING_MAX_HEADERS || req->data_off > q->slot_size ||
	    sizeof(*req) + n * sizeof(struct ndiv_ring_hdr) > req->data_off)
		return NULL;
	*nr = n;
	return (const struct ndiv_ring_hdr *)(req + 1);
}

static int ndiv_name_eq(const char *a, size_t len, const char *b)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (!y || x != y)
			return 0;
	}
	return !b[len];
}

LIBNDIV_API const char *ndiv_header(const struct ndiv_queue *q,
				    const struct ndiv_ring_req *req,
				    const char *name, size_t *len)
{
	const struct ndiv_ring_hdr *h;
	unsigned int i, n;
	const char *s;
	size_t l;

	h = ndiv_headers(q, req, &n);
	for (i = 0; h && i < n; i++) {
		s = ndiv_span(q, req, &h[i].name, &l);
		if (s && ndiv_name_eq(s, l, name))
			return ndiv_span(q, req, &h[i].value, len);
	}
	return NULL;
}

LIBNDIV_API int ndiv_reserve(struct ndiv_queue *q, unsigned int n,
			     uint32_t *idx)
{
	int got = ndiv_ring_reserve(&q->resp, n, idx);

	return got < 0 ? -EPROTO : got;
}

LIBNDIV_API void ndiv_submit(struct ndiv_queue *q, unsigned int n)
{
	ndiv_ring_submit(&q->resp, n);
}

LIBNDIV_API struct ndiv_ring_resp *ndiv_response(struct ndiv_queue *q,
						 uint32_t idx, size_t *room)
{
	*room = q->slot_size - sizeof(struct ndiv_ring_resp);
	return ndiv_ring_slot(&q->resp, idx);
}

LIBNDIV_API size_t ndiv_body_room(const struct ndiv_queue *q,
				  size_t head_len)
{
	size_t room = q->slot_size - sizeof(struct ndiv_ring_resp);

	return head_len < room ? room - head_len : 0;
}

/* Descriptor and bytes of one response slot; the caller checked sizes. */
static void ndiv_fill(struct ndiv_ring_resp *d, uint64_t id,
		      unsigned int status, unsigned int flags,
		      const char *head, uint32_t head_len, const void *body,
		      uint32_t body_len)
{
	uint8_t *p = (uint8_t *)(d + 1);

	d->id = id;
	d->status = status;
	d->flags = flags;
	d->head_off = sizeof(*d);
	d->head_len = head_len;
	d->body_off = sizeof(*d) + head_len;
	d->body_len = body_len;
	d->reserved = 0;
	if (head_len)
		memcpy(p, head, head_len);
	if (body_len)
		memcpy(p + head_len, body, body_len);
}

LIBNDIV_API int ndiv_respond(struct ndiv_queue *q, uint32_t idx, uint64_t id,
			     unsigned int status, unsigned int flags,
			     const char *head, size_t head_len,
			     const void *body, size_t body_len)
{
	if (status < 100 || status > 599 || flags & ~NDIV_RING_RESP_F_ALL)
		return -EINVAL;
	if (head_len > ndiv_body_room(q, 0) ||
	    body_len > ndiv_body_room(q, head_len))
		return -EMSGSIZE;
	ndiv_fill(ndiv_ring_slot(&q->resp, idx), id, status, flags, head,
		  head_len, body, body_len);
	return 0;
}

LIBNDIV_API int ndiv_respond_more(struct ndiv_queue *q, uint32_t idx,
				  uint64_t id, unsigned int flags,
				  const void *body, size_t body_len)
{
	if (flags & ~NDIV_RING_RESP_F_ALL)
		return -EINVAL;
	if (body_len > ndiv_body_room(q, 0))
		return -EMSGSIZE;
	ndiv_fill(ndiv_ring_slot(&q->resp, idx), id, 0, flags, NULL, 0, body,
		  body_len);
	return 0;
}

LIBNDIV_API int ndiv_prepare_sleep(struct ndiv_queue *q)
{
	int r = ndiv_ring_sleep(&q->req);

	return r < 0 ? -EPROTO : r;
}

LIBNDIV_API void ndiv_woken(struct ndiv_queue *q)
{
	ndiv_ring_woken(&q->req);
}

LIBNDIV_API int ndiv_needs_kick(const struct ndiv_queue *q)
{
	return !!ndiv_ring_needs_wakeup(&q->resp);
}

/* The kernel consumes the responses of every queue of the ring. */
LIBNDIV_API int ndiv_kick(struct ndiv *nd)
{
	if (nd->fd < 0)
		return -ENOTCONN;
	return ioctl(nd->fd, NDIV_RING_IOC_KICK) < 0 ? -errno : 0;
}
