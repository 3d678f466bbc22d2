// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for libndiv (tools/libndiv): a ring laid out in a memfd as
 * the kernel will lay it out, the kernel's side run with <ndiv/ring.h>
 * over one mapping of it, the daemon's side attached with libndiv.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <ndiv/ring.h>
#include <libndiv.h>

#include "ktap.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define RINGS		2
#define SLOTS		8
#define SLOT_SIZE	1024
#define GEN		3

static const char request[] =
	"GET /a/b?x=1 HTTP/1.1\r\nHost: ex\r\nX-Y: z\r\n\r\n";

/* The kernel's side: the whole ring mapped, one ring pair driven. */
struct kside {
	int fd;
	uint8_t *map;
	struct ndiv_ring_info info;
	uint64_t pending[SLOTS];
	struct ndiv_ring_pair p;	/* ring pair 1 */
	struct ndiv *nd;		/* the daemon's side, attached */
	struct ndiv_queue *q;		/* its queue of ring pair 1 */
};

static void kside_pair(struct kside *k, unsigned int i)
{
	struct ndiv_ring_info *in = &k->info;
	struct ndiv_ring_kidx *ki;
	struct ndiv_ring_uidx *ui;

	ki = (struct ndiv_ring_kidx *)(k->map + in->kidx_off) + i;
	ui = (struct ndiv_ring_uidx *)(k->map + in->uidx_off) + i;
	if (ndiv_ring_init(&k->p.req, &ki->req_prod, &ui->req_cons,
			   &ui->req_flags, k->map + in->req_off +
			   i * in->ring_bytes, SLOTS, SLOT_SIZE) ||
	    ndiv_ring_init(&k->p.resp, &ui->resp_prod, &ki->resp_cons,
			   &ki->resp_flags, k->map + in->resp_off +
			   i * in->ring_bytes, SLOTS, SLOT_SIZE))
		abort();
	ndiv_ring_reset(&k->p.req, 0xfffffffcu);
	ndiv_ring_reset(&k->p.resp, 0xfffffffcu);
	if (ndiv_ring_pair_init(&k->p, k->pending, GEN, 4096))
		abort();
}

static struct kside *kside_new(void)
{
	struct kside *k = calloc(1, sizeof(*k));
	long page = sysconf(_SC_PAGESIZE);

	if (!k || ndiv_ring_layout(&k->info, RINGS, SLOTS, SLOT_SIZE, page))
		abort();
	k->info.generation = GEN;
	k->info.max_body = 4096;
	memcpy(k->info.name, "api", 4);
	k->fd = memfd_create("ndiv-ring", 0);
	if (k->fd < 0 || ftruncate(k->fd, k->info.map_size))
		abort();
	k->map = mmap(NULL, k->info.map_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, k->fd, 0);
	if (k->map == MAP_FAILED)
		abort();
	memcpy(k->map, &k->info, sizeof(k->info));
	kside_pair(k, 0);
	kside_pair(k, 1);	/* the one the tests drive */
	return k;
}

static void kside_free(struct kside *k)
{
	munmap(k->map, k->info.map_size);
	close(k->fd);
	free(k);
}

static struct ndiv_ring_span span_of(const char *s)
{
	const char *at = strstr(request, s);

	return (struct ndiv_ring_span){ at - request, strlen(s) };
}

/* What the kernel's parser would hand over for request[]. */
static struct ndiv_ring_req *kside_send(struct kside *k, int *wake)
{
	struct ndiv_ring_req *req;
	struct ndiv_ring_hdr *h;

	if (ndiv_ring_req_alloc(&k->p, &req) != 1)
		abort();
	h = (struct ndiv_ring_hdr *)(req + 1);
	req->nr_headers = 2;
	req->data_off = sizeof(*req) + 2 * sizeof(*h);
	req->data_len = sizeof(request) - 1;
	memcpy((uint8_t *)req + req->data_off, request, req->data_len);
	req->method = span_of("GET");
	req->target = span_of("/a/b?x=1");
	req->version = 0x0101;
	h[0] = (struct ndiv_ring_hdr){ span_of("Host"), span_of("ex") };
	h[1] = (struct ndiv_ring_hdr){ span_of("X-Y"), span_of("z") };
	*wake = ndiv_ring_req_submit(&k->p);
	return req;
}

/* The kernel takes one response: 0 if valid, v filled in. */
static int kside_take(struct kside *k, struct ndiv_ring_resp_view *v)
{
	uint32_t idx;
	int err;

	if (ndiv_ring_peek(&k->p.resp, 1, &idx) != 1)
		return 1000;
	err = ndiv_ring_resp_read(&k->p, idx, v);
	ndiv_ring_release(&k->p.resp, 1);
	return err;
}

static struct ndiv *attach(struct kside *k)
{
	struct ndiv *nd = NULL;

	if (ndiv_attach_fd(k->fd, &nd))
		abort();
	return nd;
}

/* A ring, its kernel side, and a daemon attached to it. */
static struct kside *setup(void)
{
	struct kside *k = kside_new();

	k->nd = attach(k);
	k->q = ndiv_queue(k->nd, 1);
	return k;
}

static void teardown(struct kside *k)
{
	ndiv_detach(k->nd);
	kside_free(k);
}

static int span_is(const char *p, size_t len, const char *s)
{
	return p && len == strlen(s) && !memcmp(p, s, len);
}

static void attach_fd(void)
{
	struct kside *k = setup();
	struct ndiv *nd = k->nd;

	KTAP_EXPECT(ndiv_fd(nd) == k->fd);
	KTAP_EXPECT(ndiv_queues(nd) == RINGS);
	KTAP_EXPECT(ndiv_info(nd)->generation == GEN);
	KTAP_EXPECT(!strcmp(ndiv_info(nd)->name, "api"));
	KTAP_EXPECT(ndiv_queue(nd, 1) && !ndiv_queue(nd, RINGS));
	teardown(k);
}

static void attach_refused(void)
{
	struct kside *k = kside_new();
	struct ndiv *nd = NULL;
	struct ndiv_ring_info *in = (struct ndiv_ring_info *)k->map;
	size_t ro = k->info.rw_off, rw = k->info.map_size - ro;

	KTAP_EXPECT(ndiv_attach("", &nd) == -EINVAL);
	KTAP_EXPECT(ndiv_attach("a/b", &nd) == -EINVAL);
	KTAP_EXPECT(ndiv_attach("0123456789abcdef0123456789abcdef",
				&nd) == -EINVAL);
	in->magic = 0;
	KTAP_EXPECT(ndiv_attach_fd(k->fd, &nd) == -EPROTO);
	KTAP_EXPECT(ndiv_attach_mem(k->map, ro, k->map + ro, rw, &nd) ==
		    -EPROTO);
	in->magic = NDIV_RING_MAGIC;
	in->req_off += 4096;
	KTAP_EXPECT(ndiv_attach_fd(k->fd, &nd) == -EPROTO);
	in->req_off -= 4096;
	KTAP_EXPECT(ndiv_attach_mem(k->map, ro - 1, k->map + ro, rw, &nd) ==
		    -EINVAL);
	KTAP_EXPECT(ndiv_attach_mem(k->map, ro, k->map + ro, rw + 1, &nd) ==
		    -EINVAL);
	/* The kernel's indices 9 apart in a ring of 8. */
	((struct ndiv_ring_kidx *)(k->map + k->info.kidx_off))->req_prod += 9;
	KTAP_EXPECT(ndiv_attach_mem(k->map, ro, k->map + ro, rw, &nd) ==
		    -EPROTO);
	((struct ndiv_ring_kidx *)(k->map + k->info.kidx_off))->req_prod -= 9;
	KTAP_EXPECT(ndiv_attach_mem(k->map, ro, k->map + ro, rw, &nd) == 0);
	ndiv_detach(nd);
	KTAP_EXPECT(ndiv_attach_fd(-1, &nd) == -EBADF);
	kside_free(k);
}

static void round_trip(void)
{
	struct kside *k = setup();
	struct ndiv *nd = k->nd;
	struct ndiv_queue *q = k->q;
	static const char head[] = "Content-Type: text/plain\r\n";
	const struct ndiv_ring_req *req;
	struct ndiv_ring_resp_view v;
	uint32_t ri, si;
	const char *p;
	size_t len;
	int wake, i;

	for (i = 0; i < 6; i++) {	/* across the wrap at 2^32 */
		kside_send(k, &wake);
		KTAP_EXPECT(ndiv_peek(ndiv_queue(nd, 0), 8, &ri) == 0);
		KTAP_EXPECT(ndiv_peek(q, 8, &ri) == 1);
		req = ndiv_request(q, ri);
		KTAP_EXPECT(req->id == ((uint64_t)GEN << 32 |
					(uint32_t)(0xfffffffcu + i)));
		p = ndiv_span(q, req, &req->method, &len);
		KTAP_EXPECT(span_is(p, len, "GET"));
		p = ndiv_span(q, req, &req->target, &len);
		KTAP_EXPECT(span_is(p, len, "/a/b?x=1"));
		p = ndiv_header(q, req, "HOST", &len);
		KTAP_EXPECT(span_is(p, len, "ex"));
		p = ndiv_header(q, req, "x-y", &len);
		KTAP_EXPECT(span_is(p, len, "z"));
		KTAP_EXPECT(!ndiv_header(q, req, "x", &len));
		KTAP_EXPECT(!ndiv_header(q, req, "x-y-z", &len));
		p = ndiv_data(q, req, &len);
		KTAP_EXPECT(span_is(p, len, request));
		KTAP_EXPECT(ndiv_reserve(q, 1, &si) == 1);
		KTAP_EXPECT(ndiv_respond(q, si, req->id, 200, 0, head,
					 sizeof(head) - 1, "ok\n", 3) == 0);
		ndiv_submit(q, 1);
		ndiv_release(q, 1);
		KTAP_EXPECT(kside_take(k, &v) == 0);
		KTAP_EXPECT(v.status == 200 && v.last && v.body_len == 3);
		KTAP_EXPECT(!memcmp(v.body, "ok\n", 3));
		KTAP_EXPECT(ndiv_ring_head_check(v.head, v.head_len) == 0);
	}
	teardown(k);
}

/* A body longer than a slot, in parts; and what does not fit. */
static void long_body(void)
{
	struct kside *k = setup();
	struct ndiv_queue *q = k->q;
	static char body[3000];
	struct ndiv_ring_resp_view v;
	struct ndiv_ring_resp *d;
	size_t room, done = 0, n;
	uint32_t ri, si;
	uint64_t id;
	int wake;

	memset(body, 'b', sizeof(body));
	kside_send(k, &wake);
	KTAP_EXPECT(ndiv_peek(q, 1, &ri) == 1);
	id = ndiv_request(q, ri)->id;
	ndiv_release(q, 1);
	room = ndiv_body_room(q, 0);
	KTAP_EXPECT(room == SLOT_SIZE - sizeof(struct ndiv_ring_resp));
	KTAP_EXPECT(ndiv_body_room(q, SLOT_SIZE) == 0);
	KTAP_EXPECT(ndiv_reserve(q, 1, &si) == 1);
	d = ndiv_response(q, si, &n);
	KTAP_EXPECT(d && n == room);
	KTAP_EXPECT(ndiv_respond(q, si, id, 200, 0, NULL, 0, body,
				 sizeof(body)) == -EMSGSIZE);
	KTAP_EXPECT(ndiv_respond(q, si, id, 99, 0, NULL, 0, body, 1) ==
		    -EINVAL);
	KTAP_EXPECT(ndiv_respond(q, si, id, 200, 0x80, NULL, 0, body, 1) ==
		    -EINVAL);
	KTAP_EXPECT(ndiv_respond(q, si, id, 200, NDIV_RING_RESP_F_MORE, NULL,
				 0, body, room) == 0);
	ndiv_submit(q, 1);
	done = room;
	while (done < sizeof(body)) {
		n = sizeof(body) - done < room ? sizeof(body) - done : room;
		KTAP_EXPECT(ndiv_reserve(q, 1, &si) == 1);
		KTAP_EXPECT(ndiv_respond_more(q, si, id,
					      done + n < sizeof(body) ?
					      NDIV_RING_RESP_F_MORE : 0,
					      body + done, n) == 0);
		ndiv_submit(q, 1);
		done += n;
	}
	KTAP_EXPECT(ndiv_respond_more(q, si, id, 0, body, room + 1) ==
		    -EMSGSIZE);
	for (n = 0; kside_take(k, &v) == 0; n += v.body_len)
		if (v.last)
			break;
	KTAP_EXPECT(v.last && n + v.body_len == sizeof(body));
	teardown(k);
}

/* Spans the kernel got wrong do not make the daemon read outside. */
static void bad_spans(void)
{
	struct kside *k = setup();
	struct ndiv_queue *q = k->q;
	struct ndiv_ring_req *req;
	struct ndiv_ring_span s;
	size_t len;
	int wake;

	req = kside_send(k, &wake);
	s = (struct ndiv_ring_span){ req->data_len, 0 };
	KTAP_EXPECT(ndiv_span(q, req, &s, &len) && len == 0);
	s = (struct ndiv_ring_span){ req->data_len, 1 };
	KTAP_EXPECT(!ndiv_span(q, req, &s, &len));
	s = (struct ndiv_ring_span){ 1, 0xffffffffu };
	KTAP_EXPECT(!ndiv_span(q, req, &s, &len));
	req->nr_headers = NDIV_RING_MAX_HEADERS + 1;
	KTAP_EXPECT(!ndiv_header(q, req, "host", &len));
	req->nr_headers = 20;	/* would run into the request bytes */
	KTAP_EXPECT(!ndiv_header(q, req, "host", &len));
	req->nr_headers = 2;
	req->data_len = SLOT_SIZE;
	KTAP_EXPECT(!ndiv_data(q, req, &len));
	KTAP_EXPECT(!ndiv_span(q, req, &req->method, &len));
	req->data_len = 10;
	req->data_off = 8;
	KTAP_EXPECT(!ndiv_data(q, req, &len));
	teardown(k);
}

static void sleep_and_kick(void)
{
	struct kside *k = setup();
	struct ndiv *nd = k->nd;
	struct ndiv_queue *q = k->q;
	uint32_t ri, si;
	int wake;

	KTAP_EXPECT(ndiv_prepare_sleep(q) == 1);
	kside_send(k, &wake);
	KTAP_EXPECT(wake == 1);
	ndiv_woken(q);
	kside_send(k, &wake);
	KTAP_EXPECT(wake == 0);
	KTAP_EXPECT(ndiv_prepare_sleep(q) == 0);
	KTAP_EXPECT(ndiv_peek(q, 8, &ri) == 2);
	KTAP_EXPECT(ndiv_reserve(q, 1, &si) == 1);
	ndiv_submit(q, 1);
	KTAP_EXPECT(!ndiv_needs_kick(q));
	KTAP_EXPECT(ndiv_ring_sleep(&k->p.resp) == 0);	/* one waiting */
	KTAP_EXPECT(ndiv_ring_peek(&k->p.resp, 1, &si) == 1);
	ndiv_ring_release(&k->p.resp, 1);
	KTAP_EXPECT(ndiv_ring_sleep(&k->p.resp) == 1);
	KTAP_EXPECT(ndiv_needs_kick(q));
	KTAP_EXPECT(ndiv_kick(nd) == -ENOTTY);	/* a memfd is no ring */
	teardown(k);
}

int main(void)
{
	static const struct ktap_case cases[] = {
		KTAP_CASE(attach_fd),
		KTAP_CASE(attach_refused),
		KTAP_CASE(round_trip),
		KTAP_CASE(long_body),
		KTAP_CASE(bad_spans),
		KTAP_CASE(sleep_and_kick),
	};

	ktap_run(cases, ARRAY_LEN(cases));
	return ktap_finish();
}
