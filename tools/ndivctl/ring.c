// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl ring: the rings to user-space daemons (Documentation/ring.rst),
 * through the ioctls of /dev/ndiv-ring ($NDIV_RING_DEV for tests). Rings
 * are objects of the caller's network namespace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/ndiv_ring.h>

#include "json.h"
#include "ndivctl.h"

static const char *const ring_cnt_names[NDIV_RING_CNT_NR] = {
	"produced", "answered", "fallback", "ring_full", "invalid",
};

void ring_usage(FILE *f)
{
	fputs("Usage: ndivctl ring add NAME [ slots N ] [ slot-size BYTES ]\n",
	      f);
	fputs("       ndivctl ring del NAME\n", f);
	fputs("       ndivctl ring show [ NAME ] [ -j ]\n", f);
	fputs("N: a power of two, 8 to 65536 (default 256); BYTES: a power of two,\n",
	      f);
	fputs("1024 to 1048576, k and m suffixes (default 2048)\n", f);
}

/* The kernel's rule: 1 to 31 of [A-Za-z0-9._-]. */
static int ring_name_check(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= NDIV_RING_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return usage_error("ring",
				   "'%s' is not a ring name (1 to %d letters, digits, '.', '_', '-')",
				   name, NDIV_RING_NAME_MAX - 1);
	return RC_OK;
}

/* Open the control device; on failure print why and return -exit code. */
static int ring_open(void)
{
	const char *path = getenv("NDIV_RING_DEV");
	int fd, err;

	if (!path || !*path)
		path = NDIV_RING_DEV_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -ENOENT) {
		errmsg("%s: no such device; load the ndiv module (modprobe ndiv)",
		       path);
		return -RC_OBJECT;
	}
	return -errno_error(err, "%s", path);
}

/* A power of two in [min, max], with k and m suffixes; 0 if not. */
static unsigned long ring_pow2_arg(const char *s, unsigned long min,
				   unsigned long max)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || v > max)
		return 0;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end || v < min || v > max || (v & (v - 1)))
		return 0;
	return v;
}

static int ring_add(const struct ctx *ctx, int argc, char **argv)
{
	const char *slots = NULL, *size = NULL;
	const struct kwarg kw[] = {
		{ "slots", &slots, NULL },
		{ "slot-size", &size, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct ndiv_ring_ioc_add a;
	int fd, rc;

	(void)ctx;
	if (argc < 1 || !strcmp(argv[0], "help"))
		return argc ? RC_HELP : usage_error("ring", "'add' needs a NAME");
	rc = ring_name_check(argv[0]);
	if (rc)
		return rc;
	rc = parse_kwargs(argc - 1, argv + 1, kw, "ring");
	if (rc)
		return rc;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", argv[0]);
	if (slots) {
		a.slots = ring_pow2_arg(slots, NDIV_RING_SLOTS_MIN,
					NDIV_RING_SLOTS_MAX);
		if (!a.slots)
			return usage_error("ring",
					   "slots '%s': not a power of two from %d to %d",
					   slots, NDIV_RING_SLOTS_MIN,
					   NDIV_RING_SLOTS_MAX);
	}
	if (size) {
		a.slot_size = ring_pow2_arg(size, NDIV_RING_SLOT_SIZE_MIN,
					    NDIV_RING_SLOT_SIZE_MAX);
		if (!a.slot_size)
			return usage_error("ring",
					   "slot-size '%s': not a power of two from %d to %u",
					   size, NDIV_RING_SLOT_SIZE_MIN,
					   NDIV_RING_SLOT_SIZE_MAX);
	}
	fd = ring_open();
	if (fd < 0)
		return -fd;
	rc = ioctl(fd, NDIV_RING_IOC_ADD, &a) ? -errno : 0;
	close(fd);
	if (rc == -EEXIST) {
		errmsg("ring %s: exists already", a.name);
		return RC_REFUSED;
	}
	if (rc == -E2BIG) {
		errmsg("ring %s: too large (at most 1 GiB over all CPUs); use fewer or smaller slots",
		       a.name);
		return RC_REFUSED;
	}
	return rc ? errno_error(rc, "ring %s: cannot create", a.name) : RC_OK;
}

static int ring_del(const struct ctx *ctx, int argc, char **argv)
{
	struct ndiv_ring_ioc_name n;
	int fd, rc;

	(void)ctx;
	if (argc < 1 || !strcmp(argv[0], "help"))
		return argc ? RC_HELP : usage_error("ring", "'del' needs a NAME");
	if (argc > 1)
		return usage_error("ring", "unknown argument '%s'", argv[1]);
	rc = ring_name_check(argv[0]);
	if (rc)
		return rc;
	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", argv[0]);
	fd = ring_open();
	if (fd < 0)
		return -fd;
	rc = ioctl(fd, NDIV_RING_IOC_DEL, &n) ? -errno : 0;
	close(fd);
	if (rc == -ENOENT) {
		errmsg("ring %s: no such ring in this network namespace",
		       n.name);
		return RC_OBJECT;
	}
	return rc ? errno_error(rc, "ring %s: cannot delete", n.name) : RC_OK;
}

static void ring_print_text(const struct ndiv_ring_ioc_show *s,
			    const struct ndiv_ring_ioc_cpu *cpus)
{
	unsigned int i, c;

	printf("%s: slots %u slot-size %u cpus %u map %llu max-body %u",
	       s->name, s->slots, s->slot_size, s->nr_rings,
	       (unsigned long long)s->map_size, s->max_body);
	if (s->pid)
		printf(" daemon pid %d\n", s->pid);
	else
		printf(" no daemon\n");
	printf("   ");
	for (c = 0; c < NDIV_RING_CNT_NR; c++)
		printf(" %s %llu", ring_cnt_names[c],
		       (unsigned long long)s->cnt[c]);
	putchar('\n');
	for (i = 0; cpus && i < s->nr_rings; i++) {
		printf("    cpu %u: waiting %u", i, cpus[i].waiting);
		for (c = 0; c < NDIV_RING_CNT_NR; c++)
			printf(" %s %llu", ring_cnt_names[c],
			       (unsigned long long)cpus[i].cnt[c]);
		putchar('\n');
	}
}

static void ring_json_cnt(struct json *j, const __u64 *cnt)
{
	unsigned int c;

	for (c = 0; c < NDIV_RING_CNT_NR; c++)
		json_kv_u64(j, ring_cnt_names[c], cnt[c]);
}

static void ring_print_json(struct json *j, const struct ndiv_ring_ioc_show *s,
			    const struct ndiv_ring_ioc_cpu *cpus)
{
	unsigned int i;

	json_begin(j, '{');
	json_kv_str(j, "name", s->name);
	json_kv_u64(j, "slots", s->slots);
	json_kv_u64(j, "slot_size", s->slot_size);
	json_kv_u64(j, "cpus", s->nr_rings);
	json_kv_u64(j, "map_size", s->map_size);
	json_kv_u64(j, "max_body", s->max_body);
	json_key(j, "pid");
	if (s->pid)
		json_u64(j, s->pid);
	else
		json_null(j);
	ring_json_cnt(j, s->cnt);
	json_key(j, "per_cpu");
	json_begin(j, '[');
	for (i = 0; cpus && i < s->nr_rings; i++) {
		json_begin(j, '{');
		json_kv_u64(j, "cpu", i);
		json_kv_u64(j, "waiting", cpus[i].waiting);
		ring_json_cnt(j, cpus[i].cnt);
		json_end(j, '}');
	}
	json_end(j, ']');
	json_end(j, '}');
}

/* Every pair's counters of ring s; NULL if the ring went meanwhile. */
static struct ndiv_ring_ioc_cpu *ring_cpus(int fd,
					   const struct ndiv_ring_ioc_show *s)
{
	struct ndiv_ring_ioc_cpu *c = calloc(s->nr_rings, sizeof(*c));
	unsigned int i;

	for (i = 0; c && i < s->nr_rings; i++) {
		memcpy(c[i].name, s->name, sizeof(c[i].name));
		c[i].cpu = i;
		if (ioctl(fd, NDIV_RING_IOC_CPU, &c[i])) {
			free(c);
			return NULL;
		}
	}
	return c;
}

static int ring_show_one(const struct ctx *ctx, struct json *j, int fd,
			 struct ndiv_ring_ioc_show *s)
{
	struct ndiv_ring_ioc_cpu *cpus;

	if (ioctl(fd, NDIV_RING_IOC_SHOW, s))
		return -errno;
	cpus = ring_cpus(fd, s);
	if (ctx->json)
		ring_print_json(j, s, cpus);
	else
		ring_print_text(s, cpus);
	free(cpus);
	return 0;
}

static int ring_show(const struct ctx *ctx, int argc, char **argv)
{
	struct ndiv_ring_ioc_show s;
	struct json j;
	int fd, rc = 0;
	unsigned int i;

	if (argc > 1)
		return usage_error("ring", "unknown argument '%s'", argv[1]);
	if (argc && !strcmp(argv[0], "help"))
		return RC_HELP;
	if (argc && ring_name_check(argv[0]))
		return RC_USAGE;
	fd = ring_open();
	if (fd < 0)
		return -fd;
	json_init(&j, stdout, ctx->pretty);
	if (ctx->json)
		json_begin(&j, '[');
	for (i = 0; !rc; i++) {
		memset(&s, 0, sizeof(s));
		if (argc)
			snprintf(s.name, sizeof(s.name), "%s", argv[0]);
		s.index = i;
		rc = ring_show_one(ctx, &j, fd, &s);
		if (argc)
			break;
	}
	if (ctx->json) {
		json_end(&j, ']');
		fputc('\n', stdout);
	}
	close(fd);
	if (rc == -ENOENT && !argc)
		return RC_OK;		/* past the last ring */
	if (rc == -ENOENT) {
		errmsg("ring %s: no such ring in this network namespace",
		       argv[0]);
		return RC_OBJECT;
	}
	return rc ? errno_error(rc, "cannot read the rings") : RC_OK;
}

int do_ring(const struct ctx *ctx, int argc, char **argv)
{
	static const struct cmd cmds[] = {
		{ "show", ring_show },
		{ "list", ring_show },
		{ "add", ring_add },
		{ "del", ring_del },
		{ "help", NULL },
		{ NULL, NULL },
	};

	return run_cmd(ctx, "ring", cmds, ring_usage, argc, argv);
}
