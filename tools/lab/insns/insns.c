// SPDX-License-Identifier: GPL-2.0
/*
 * insns.c - a QEMU TCG plugin that counts the instructions the guest
 * executes, split between kernel and user space, and the kernel's by
 * address.
 *
 * Each translation block gets one inline addition of its instruction
 * count, executed by the generated code itself (no call into the plugin
 * at run time). A block of user space (an address below the kernel's
 * half, "kernel=" argument) adds to the one user counter. A block of the
 * kernel adds to a counter of its own, shared by every translation of the
 * same address and length: the host can ask at any moment how many
 * kernel instructions ran in any address range, whenever the range was
 * learnt (modules loaded after boot included), with no flush of the
 * translated code.
 *
 * A thread serves one request per connection on the unix socket given
 * as "sock=PATH", one line each:
 *
 *   total                       "TOTAL KERNEL USER"
 *   split NAME:START-END ...    the totals line, then "NAME COUNT" for
 *                               each name (the sum of its ranges, hex
 *                               addresses, END excluded), then
 *                               "kernel-other COUNT"
 *   blocks                      the totals line, then "ADDRESS LENGTH
 *                               COUNT" for every kernel block that ran
 *
 * The counters are plain 64-bit additions: exact when one host thread
 * runs all vCPUs (-accel tcg,thread=single); with thread=multi, vCPUs
 * racing on one counter lose additions. A block interrupted by an
 * exception counts in full.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define CHUNK_BLOCKS	4096
#define MAX_CHUNKS	4096
#define MAX_RANGES	128
#define MAX_NAMES	32
#define NAME_LEN	32
#define REQ_LEN		8192

struct block {
	uint64_t insns;		/* the inline addition's target */
	uint64_t vaddr;
	uint64_t len;
};

struct range {
	uint64_t start;
	uint64_t end;
	int name;
};

/* Kernel blocks: stable addresses, published by nblocks. */
static struct block *chunks[MAX_CHUNKS];
static uint32_t nblocks;

/* (vaddr, len) -> block index + 1, open addressing; under tb_lock. */
static uint32_t *slots;
static uint32_t nslots;
static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t user_insns;
/* Kernel blocks beyond MAX_CHUNKS * CHUNK_BLOCKS, or out of memory. */
static uint64_t kernel_unsorted;

static uint64_t kernel_start = 0xffff800000000000ULL;
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static pthread_once_t server_once = PTHREAD_ONCE_INIT;

static struct block *block_at(uint32_t i)
{
	return &chunks[i / CHUNK_BLOCKS][i % CHUNK_BLOCKS];
}

static uint32_t hash(uint64_t vaddr, uint64_t len)
{
	uint64_t h = (vaddr ^ (len << 48)) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 32);
}

static bool slots_grow(void)
{
	uint32_t n = nslots ? nslots * 2 : 1 << 16;
	uint32_t *s = calloc(n, sizeof(*s));
	uint32_t i, j;

	if (!s)
		return false;
	for (i = 0; i < nslots; i++) {
		struct block *b;

		if (!slots[i])
			continue;
		b = block_at(slots[i] - 1);
		for (j = hash(b->vaddr, b->len) & (n - 1); s[j];
		     j = (j + 1) & (n - 1))
			;
		s[j] = slots[i];
	}
	free(slots);
	slots = s;
	nslots = n;
	return true;
}

/* The counter of the kernel block at vaddr with len instructions. */
static uint64_t *kernel_counter(uint64_t vaddr, uint64_t len)
{
	uint64_t *ctr = &kernel_unsorted;
	struct block *b;
	uint32_t i, n;

	pthread_mutex_lock(&tb_lock);
	n = nblocks;
	if ((uint64_t)n * 2 >= nslots && !slots_grow())
		goto out;
	for (i = hash(vaddr, len) & (nslots - 1); slots[i];
	     i = (i + 1) & (nslots - 1)) {
		b = block_at(slots[i] - 1);
		if (b->vaddr == vaddr && b->len == len) {
			ctr = &b->insns;
			goto out;
		}
	}
	if (n / CHUNK_BLOCKS >= MAX_CHUNKS)
		goto out;
	if (!chunks[n / CHUNK_BLOCKS]) {
		chunks[n / CHUNK_BLOCKS] = calloc(CHUNK_BLOCKS, sizeof(*b));
		if (!chunks[n / CHUNK_BLOCKS])
			goto out;
	}
	b = block_at(n);
	b->vaddr = vaddr;
	b->len = len;
	slots[i] = n + 1;
	/* the block is complete before a reader can see it */
	__atomic_store_n(&nblocks, n + 1, __ATOMIC_RELEASE);
	ctr = &b->insns;
out:
	pthread_mutex_unlock(&tb_lock);
	return ctr;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	uint64_t len = qemu_plugin_tb_n_insns(tb);
	uint64_t *ctr = &user_insns;

	if (vaddr >= kernel_start)
		ctr = kernel_counter(vaddr, len);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 ctr, len);
}

static uint64_t load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Kernel instructions so far, in the first n blocks and unsorted. */
static uint64_t kernel_total(uint32_t n)
{
	uint64_t sum = load(&kernel_unsorted);
	uint32_t i;

	for (i = 0; i < n; i++)
		sum += load(&block_at(i)->insns);
	return sum;
}

/* "NAME:START-END" -> range, names[] interned; false if malformed. */
static bool parse_range(char *tok, struct range *r,
			char names[][NAME_LEN], int *nnames)
{
	char *colon = strrchr(tok, ':');
	char *end;
	int i;

	if (!colon || colon == tok || colon - tok >= NAME_LEN)
		return false;
	*colon = '\0';
	errno = 0;
	r->start = strtoull(colon + 1, &end, 16);
	if (errno || *end != '-')
		return false;
	r->end = strtoull(end + 1, &end, 16);
	if (errno || *end || r->end < r->start)
		return false;
	for (i = 0; i < *nnames; i++)
		if (!strcmp(names[i], tok))
			break;
	if (i == *nnames) {
		if (i == MAX_NAMES)
			return false;
		snprintf(names[i], NAME_LEN, "%s", tok);
		(*nnames)++;
	}
	r->name = i;
	return true;
}

static void reply_split(FILE *f, char *args, uint32_t n)
{
	static char names[MAX_NAMES][NAME_LEN];
	static struct range ranges[MAX_RANGES];
	static uint64_t sums[MAX_NAMES];
	uint64_t other, c, kernel = 0;
	int nranges = 0, nnames = 0, j;
	char *tok, *save;
	uint32_t i;

	for (tok = strtok_r(args, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (nranges == MAX_RANGES ||
		    !parse_range(tok, &ranges[nranges], names, &nnames)) {
			fprintf(f, "error: bad range '%s'\n", tok);
			return;
		}
		nranges++;
	}
	memset(sums, 0, sizeof(sums));
	other = load(&kernel_unsorted);
	for (i = 0; i < n; i++) {
		struct block *b = block_at(i);

		c = load(&b->insns);
		kernel += c;
		for (j = 0; j < nranges; j++)
			if (b->vaddr >= ranges[j].start &&
			    b->vaddr < ranges[j].end)
				break;
		if (j < nranges)
			sums[ranges[j].name] += c;
		else
			other += c;
	}
	kernel += load(&kernel_unsorted);
	c = load(&user_insns);
	fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", kernel + c,
		kernel, c);
	for (j = 0; j < nnames; j++)
		fprintf(f, "%s %" PRIu64 "\n", names[j], sums[j]);
	fprintf(f, "kernel-other %" PRIu64 "\n", other);
}

static void reply(FILE *f, char *req)
{
	uint32_t n = __atomic_load_n(&nblocks, __ATOMIC_ACQUIRE);
	uint64_t kernel, user;
	uint32_t i;

	req[strcspn(req, "\r\n")] = '\0';
	if (!strncmp(req, "split", 5) && (!req[5] || req[5] == ' ')) {
		reply_split(f, req + 5, n);
		return;
	}
	kernel = kernel_total(n);
	user = load(&user_insns);
	if (strcmp(req, "total") && strcmp(req, "blocks")) {
		fprintf(f, "error: unknown request '%s'\n", req);
		return;
	}
	fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu64 "\n", kernel + user,
		kernel, user);
	if (strcmp(req, "blocks"))
		return;
	for (i = 0; i < n; i++) {
		struct block *b = block_at(i);
		uint64_t c = load(&b->insns);

		if (c)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				b->vaddr, b->len, c);
	}
}

static void serve(int fd)
{
	static char req[REQ_LEN];
	struct timeval tv = { .tv_sec = 5 };
	size_t len = 0;
	ssize_t r;
	FILE *f;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1 && !memchr(req, '\n', len)) {
		r = read(fd, req + len, sizeof(req) - 1 - len);
		if (r <= 0)
			break;
		len += r;
	}
	req[len] = '\0';
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return;
	}
	reply(f, req);
	fclose(f);
}

static void *server(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		serve(fd);
	}
}

/*
 * Started with the first vCPU: QEMU may daemonize (fork) after loading
 * plugins, and a thread does not survive a fork.
 */
static void server_start(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_attr_t attr;
	pthread_t tid;
	int fd;

	memcpy(sa.sun_path, sock_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(sock_path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 16)) {
		fprintf(stderr, "insns: cannot listen on %s: %s\n", sock_path,
			strerror(errno));
		exit(1);
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, server, (void *)(intptr_t)fd)) {
		fprintf(stderr, "insns: cannot start the socket thread\n");
		exit(1);
	}
	pthread_attr_destroy(&attr);
}

static void vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index)
{
	pthread_once(&server_once, server_start);
}

static void plugin_exit(qemu_plugin_id_t id, void *p)
{
	unlink(sock_path);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	char *end;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "sock=", 5) &&
		    strlen(argv[i] + 5) < sizeof(sock_path)) {
			snprintf(sock_path, sizeof(sock_path), "%s",
				 argv[i] + 5);
		} else if (!strncmp(argv[i], "kernel=", 7)) {
			errno = 0;
			kernel_start = strtoull(argv[i] + 7, &end, 16);
			if (errno || *end)
				goto bad;
		} else {
			goto bad;
		}
	}
	if (!sock_path[0])
		goto bad;
	qemu_plugin_register_vcpu_init_cb(id, vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, plugin_exit, NULL);
	return 0;
bad:
	fprintf(stderr, "insns: usage: -plugin libinsns.so,sock=PATH[,kernel=HEXADDR]\n");
	return -1;
}
