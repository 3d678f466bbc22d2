// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmark of the ring to user space: request-to-response round
 * trips per second through the portable ring code (ndiv/lib/ring.c), no
 * kernel, no NIC.
 *
 *   ring_bench [--batch N]... [--seconds S] [--runs R] [--slots N]
 *              [--cpus A,B] [--mode threads|single]
 *
 * Two threads over one ring pair laid out as in <uapi/linux/ndiv_ring.h>
 * (ndiv_ring_layout()), in ordinary memory:
 *
 *   kernel  allocates request slots, writes a parsed request into each
 *           (descriptor, header spans, 64 request bytes), publishes a
 *           batch; then takes a batch of responses, validates each as
 *           the kernel does (ndiv_ring_resp_read()), copies head and
 *           body out and checks the header lines in its copy;
 *   daemon  on libndiv (ndiv_attach_mem()): takes a batch of requests,
 *           answers each with a 200 whose body echoes the request target
 *           (read in place), publishes the batch of responses and
 *           releases the requests.
 *
 * Both spin when their ring is empty, and yield the CPU after 256 idle
 * rounds in a row (the need-wakeup path, where an idle daemon sleeps, is
 * not exercised). A round trip is a response validated by the kernel
 * thread. Each run lasts S seconds; the figures are the best and the
 * median over R runs of the round trips per second, and of what one
 * daemon core sustains while it has work (daemon_core_rate()), with the
 * machine's load average, since other work on the two CPUs lowers the
 * first.
 *
 * Output: one JSON object on stdout, for example
 *   {"bench": "ring-native", "mode": "threads", "slots": 256,
 *    "slot_size": 2048, "cpus": [0, 1],
 *    "results": [{"batch": 1, "runs": 5, "seconds": 2,
 *                 "roundtrips_per_s_best": ..., "..._median": ...,
 *                 "daemon_core_roundtrips_per_s_best": ...,
 *                 "..._median": ...}, ...],
 *    "loadavg_1min": ..., "native_roundtrips_per_s": <best at the last
 *    batch size>}
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ndiv/ring.h>
#include <libndiv.h>

#define SLOT_SIZE	2048
#define MAX_BATCHES	8
#define MAX_RUNS	21
#define MAX_BODY	(1U << 20)
#define MAX_STEPS	(1U << 20)

static const char request[] =
	"GET /rest/items?id=42 HTTP/1.1\r\nHost: example.com\r\n"
	"Accept: */*\r\n\r\n";
static const char head[] = "Content-Type: text/plain\r\n";

/* Spans of request[]: method, target, two headers' names and values. */
static struct ndiv_ring_span spans[6];

struct bench {
	struct ndiv_ring_info info;
	uint8_t *map;		/* the ring, as the daemon would map it */
	uint64_t *pending;
	uint32_t slots;
	uint32_t batch;
	int single;
	int cpu[2];
	/* Each thread's private state apart from the other's. */
	uint8_t pad0[NDIV_RING_LINE];
	struct ndiv_ring_pair k;
	uint64_t roundtrips;
	double *steps;		/* seconds of each full batch of the daemon */
	uint32_t nsteps;
	uint64_t checksum;
	uint8_t pad1[NDIV_RING_LINE];
	struct ndiv *nd;
	struct ndiv_queue *q;
	uint8_t pad2[NDIV_RING_LINE];
	int stop;		/* ndiv_read_once(), ndiv_write_once() */
	uint8_t pad3[NDIV_RING_LINE];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *alloc_or_die(size_t n)
{
	void *p = aligned_alloc(4096, (n + 4095) & ~(size_t)4095);

	if (!p) {
		perror("ring_bench");
		exit(1);
	}
	memset(p, 0, n);
	return p;
}

/* The kernel's side: what its HTTP parser would have found. */
static void fill_request(struct ndiv_ring_req *req)
{
	struct ndiv_ring_hdr *h = (struct ndiv_ring_hdr *)(req + 1);
	uint32_t data_off = sizeof(*req) + 2 * sizeof(*h);

	req->data_off = data_off;
	req->data_len = sizeof(request) - 1;
	req->method = spans[0];
	req->target = spans[1];
	req->version = 0x0101;
	req->nr_headers = 2;
	req->family = NDIV_RING_IPV4;
	req->addr[0] = 198;
	req->addr[1] = 18;
	req->addr[3] = 1;
	req->port = 40000;
	req->local_port = 80;
	h[0] = (struct ndiv_ring_hdr){ spans[2], spans[3] };
	h[1] = (struct ndiv_ring_hdr){ spans[4], spans[5] };
	memcpy((uint8_t *)req + data_off, request, sizeof(request) - 1);
}

static uint32_t produce(struct bench *b)
{
	struct ndiv_ring_req *req;
	uint32_t n;

	for (n = 0; n < b->batch; n++) {
		if (ndiv_ring_req_alloc(&b->k, &req) != 1)
			break;
		fill_request(req);
	}
	if (n)
		ndiv_ring_req_submit(&b->k);
	return n;
}

/* As the kernel would: validate, copy out once, check the copy. */
static uint32_t consume(struct bench *b)
{
	struct ndiv_ring_resp_view v;
	uint8_t copy[SLOT_SIZE];
	uint32_t idx = 0, i;
	int n;

	n = ndiv_ring_peek(&b->k.resp, b->batch, &idx);
	if (n < 0) {
		fprintf(stderr, "ring_bench: bad response index\n");
		exit(1);
	}
	for (i = 0; i < (uint32_t)n; i++) {
		if (ndiv_ring_resp_read(&b->k, idx + i, &v) || !v.last) {
			fprintf(stderr, "ring_bench: response refused\n");
			exit(1);
		}
		memcpy(copy, v.head, v.head_len);
		if (ndiv_ring_head_check(copy, v.head_len)) {
			fprintf(stderr, "ring_bench: bad header lines\n");
			exit(1);
		}
		memcpy(copy, v.body, v.body_len);
		b->checksum += copy[v.body_len - 1];
	}
	ndiv_ring_release(&b->k.resp, n);
	return n;
}

/*
 * Spin, but give the CPU away after IDLE_SPINS rounds with nothing to
 * do: on a shared machine the other side may be waiting for this CPU.
 */
#define IDLE_SPINS	256

static void idle(uint32_t *spins, int busy)
{
	if (busy) {
		*spins = 0;
	} else if (++*spins >= IDLE_SPINS) {
		*spins = 0;
		sched_yield();
	}
}

static void *kernel_side(void *arg)
{
	struct bench *b = arg;
	uint64_t done = 0;
	uint32_t spins = 0, sent, got;

	pin(b->cpu[0]);
	while (!ndiv_read_once(b->stop)) {
		sent = produce(b);
		got = consume(b);
		done += got;
		idle(&spins, sent + got);
	}
	b->roundtrips = done;
	return NULL;
}

/*
 * The daemon, on libndiv: a 200 whose body echoes the request target,
 * read in place. Answers n requests from ridx on. There is room for
 * every answer: the kernel side has at most slots requests waiting, so
 * at most slots responses are in flight; the loop waits only for the
 * kernel thread to release them.
 */
static void answer_batch(struct bench *b, uint32_t ridx, uint32_t n)
{
	const struct ndiv_ring_req *req;
	uint32_t sidx = 0, i, got;
	const char *target;
	size_t len;
	int m;

	for (got = 0; got < n && !ndiv_read_once(b->stop); got += m) {
		m = ndiv_reserve(b->q, n - got, &sidx);
		if (m < 0)
			exit(1);
		for (i = 0; i < (uint32_t)m; i++) {
			req = ndiv_request(b->q, ridx + got + i);
			target = ndiv_span(b->q, req, &req->target, &len);
			if (!target ||
			    ndiv_respond(b->q, sidx + i, req->id, 200, 0, head,
					 sizeof(head) - 1, target, len))
				exit(1);
		}
	}
	ndiv_submit(b->q, n);
}

/* One batch of the daemon's work; how many requests it answered. */
static int daemon_step(struct bench *b)
{
	uint32_t ridx = 0;
	int n;

	n = ndiv_peek(b->q, b->batch, &ridx);
	if (n <= 0)
		return n;
	answer_batch(b, ridx, n);
	ndiv_release(b->q, n);
	return n;
}

/* A daemon step, timed when it answered a full batch. */
static int timed_step(struct bench *b)
{
	double t = now();
	int n = daemon_step(b);

	if (n == (int)b->batch && b->nsteps < MAX_STEPS)
		b->steps[b->nsteps++] = now() - t;
	return n;
}

static void *daemon_side(void *arg)
{
	struct bench *b = arg;
	uint32_t spins = 0;

	pin(b->cpu[1]);
	while (!ndiv_read_once(b->stop))
		idle(&spins, timed_step(b) > 0);
	return NULL;
}

/*
 * --single: both sides in turn on one CPU, no cache line crosses cores.
 * The cost of the ring code and of the work around it, without the
 * transfers between cores; a bound for the two-thread figure.
 */
static void *single_side(void *arg)
{
	struct bench *b = arg;
	uint64_t done = 0;

	pin(b->cpu[0]);
	while (!ndiv_read_once(b->stop)) {
		produce(b);
		timed_step(b);
		done += consume(b);
	}
	b->roundtrips = done;
	return NULL;
}

/* The kernel's side of ring pair 0, reset for a run. */
static int setup_kernel(struct bench *b)
{
	struct ndiv_ring_info *in = &b->info;
	struct ndiv_ring_kidx *k = (void *)(b->map + in->kidx_off);
	struct ndiv_ring_uidx *u = (void *)(b->map + in->uidx_off);

	if (ndiv_ring_init(&b->k.req, &k->req_prod, &u->req_cons,
			   &u->req_flags, b->map + in->req_off, in->slots,
			   in->slot_size) ||
	    ndiv_ring_init(&b->k.resp, &u->resp_prod, &k->resp_cons,
			   &k->resp_flags, b->map + in->resp_off, in->slots,
			   in->slot_size))
		return -1;
	/* Start near the wrap so every run crosses it. */
	ndiv_ring_reset(&b->k.req, 0xffffffffu - 1000);
	ndiv_ring_reset(&b->k.resp, 0xffffffffu - 1000);
	return ndiv_ring_pair_init(&b->k, b->pending, in->generation,
				   MAX_BODY);
}

static void setup_rings(struct bench *b)
{
	size_t ro = b->info.rw_off;

	memset(b->map, 0, b->info.map_size);
	memcpy(b->map, &b->info, sizeof(b->info));
	ndiv_detach(b->nd);
	b->nd = NULL;
	if (setup_kernel(b) ||
	    ndiv_attach_mem(b->map, ro, b->map + ro, b->info.map_size - ro,
			    &b->nd)) {
		fprintf(stderr, "ring_bench: ring setup failed\n");
		exit(1);
	}
	b->q = ndiv_queue(b->nd, 0);
	ndiv_write_once(b->stop, 0);
	b->roundtrips = 0;
	b->nsteps = 0;
}

/* Where the spans of request[] are. */
static void find_spans(void)
{
	static const char *const parts[] = {
		"GET", "/rest/items?id=42", "Host", "example.com", "Accept",
		"*/*",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		spans[i].off = strstr(request, parts[i]) - request;
		spans[i].len = strlen(parts[i]);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * What one daemon core sustains while it has work: a full batch over
 * the median time the daemon took to answer one. The median, because a
 * step during which the thread lost its CPU to other work on a shared
 * machine lasts milliseconds; the time spent waiting for requests is not
 * in it either.
 */
static double daemon_core_rate(struct bench *b)
{
	if (!b->nsteps)
		return 0;
	qsort(b->steps, b->nsteps, sizeof(b->steps[0]), cmp_double);
	return b->batch / b->steps[b->nsteps / 2];
}

/* One run: round trips per second, and *core as daemon_core_rate(). */
static double run_once(struct bench *b, double seconds, double *core)
{
	pthread_t kt, dt;
	double t0, t1;

	setup_rings(b);
	t0 = now();
	if (b->single) {
		if (pthread_create(&kt, NULL, single_side, b))
			goto fail;
	} else if (pthread_create(&dt, NULL, daemon_side, b) ||
		   pthread_create(&kt, NULL, kernel_side, b)) {
		goto fail;
	}
	while (now() - t0 < seconds)
		usleep(10000);
	ndiv_write_once(b->stop, 1);
	pthread_join(kt, NULL);
	t1 = now();
	if (!b->single)
		pthread_join(dt, NULL);
	*core = daemon_core_rate(b);
	return b->roundtrips / (t1 - t0);
fail:
	perror("ring_bench: pthread_create");
	exit(1);
}

/* The machine's 1-minute load average: other work skews the figure. */
static double load_1min(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: ring_bench [--batch N]... [--seconds S] [--runs R]\n"
		"                  [--slots N] [--cpus A,B] [--mode threads|single]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint32_t batches[MAX_BATCHES] = { 0 }, nb = 0, i;
	double seconds = 2, rate[MAX_RUNS], core[MAX_RUNS], best_last = 0;
	static struct bench b = { .slots = 256, .cpu = { 0, 1 } };
	int runs = 5, r, a;

	for (a = 1; a < argc; a++) {
		if (a + 1 >= argc)
			bad_usage();
		if (!strcmp(argv[a], "--batch") && nb < MAX_BATCHES)
			batches[nb++] = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--seconds"))
			seconds = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--runs"))
			runs = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--slots"))
			b.slots = strtoul(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--mode"))
			b.single = !strcmp(argv[++a], "single");
		else if (!strcmp(argv[a], "--cpus"))
			sscanf(argv[++a], "%d,%d", &b.cpu[0], &b.cpu[1]);
		else
			bad_usage();
	}
	if (!nb) {
		batches[nb++] = 1;
		batches[nb++] = 32;
	}
	if (runs < 1 || runs > MAX_RUNS || seconds <= 0 ||
	    !ndiv_ring_geometry_ok(b.slots, SLOT_SIZE))
		bad_usage();
	for (i = 0; i < nb; i++)
		if (!batches[i] || batches[i] > b.slots)
			bad_usage();

	if (ndiv_ring_layout(&b.info, 1, b.slots, SLOT_SIZE, 4096))
		bad_usage();
	b.info.generation = 1;
	b.info.max_body = MAX_BODY;
	b.map = alloc_or_die(b.info.map_size);
	b.pending = alloc_or_die(b.slots * sizeof(*b.pending));
	b.steps = alloc_or_die(MAX_STEPS * sizeof(*b.steps));
	find_spans();

	printf("{\"bench\": \"ring-native\", \"mode\": \"%s\", \"slots\": %u, \"slot_size\": %u, \"cpus\": [%d, %d], \"results\": [",
	       b.single ? "single" : "threads", b.slots, SLOT_SIZE,
	       b.cpu[0], b.cpu[1]);
	for (i = 0; i < nb; i++) {
		b.batch = batches[i];
		for (r = 0; r < runs; r++)
			rate[r] = run_once(&b, seconds, &core[r]);
		qsort(rate, runs, sizeof(rate[0]), cmp_double);
		qsort(core, runs, sizeof(core[0]), cmp_double);
		printf("%s{\"batch\": %u, \"runs\": %d, \"seconds\": %g, \"roundtrips_per_s_best\": %.0f, \"roundtrips_per_s_median\": %.0f, \"daemon_core_roundtrips_per_s_best\": %.0f, \"daemon_core_roundtrips_per_s_median\": %.0f}",
		       i ? ", " : "", b.batch, runs, seconds, rate[runs - 1],
		       rate[runs / 2], core[runs - 1], core[runs / 2]);
		best_last = rate[runs - 1];
		fflush(stdout);
	}
	printf("], \"loadavg_1min\": %.2f, \"native_roundtrips_per_s\": %.0f}\n",
	       load_1min(), best_last);
	fprintf(stderr, "ring_bench: checksum %llu\n",
		(unsigned long long)b.checksum);
	return 0;
}
