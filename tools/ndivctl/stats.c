// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl stats: the ndiv counters of network devices, totals from
 * /sys/class/net/<dev>/ndiv/stats/ and per RX queue from
 * /sys/class/net/<dev>/ndiv/queues/rx-<N>/.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ndiv.h>

#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

/* The core's per-queue counters, named and ordered by <linux/ndiv.h>. */
#define NCOUNTERS	NDIV_QSTAT_NR

struct counters {
	uint64_t v[NCOUNTERS];
};

struct queue_stats {
	unsigned int id;
	struct counters c;
};

struct dev_stats {
	char name[IFNAMSIZ];
	char app[ATTR_LEN];
	struct counters total;
	struct queue_stats *q;	/* sorted by id */
	size_t nq;
	struct app_counter *ac;	/* the bound app's own counters, if any */
	size_t nac;
};

void stats_usage(FILE *f)
{
	fputs("Usage: ndivctl stats [ show ] [ dev DEV ] [ queues ]\n", f);
	fputs("       ndivctl stats help\n", f);
}

/* The counters in class/net/@dev/ndiv/@dir/. */
static int counters_read(const char *dev, const char *dir,
			 struct counters *c)
{
	char attr[PATH_LEN];
	int i, err;

	for (i = 0; i < NCOUNTERS; i++) {
		snprintf(attr, sizeof(attr), "ndiv/%s/%s", dir,
			 ndiv_qstat_name(i));
		err = dev_read_u64(dev, attr, &c->v[i]);
		if (err)
			return err;
	}
	return 0;
}

/* N of a queue directory "rx-N", -1 if @name is not one. */
static long queue_id(const char *name)
{
	unsigned long v;
	char *end;

	if (strncmp(name, "rx-", 3) || name[3] < '0' || name[3] > '9')
		return -1;
	errno = 0;
	v = strtoul(name + 3, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -1;
	return v;
}

static int queue_cmp(const void *a, const void *b)
{
	const struct queue_stats *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int queue_add(struct dev_stats *ds, size_t *cap, unsigned int id)
{
	struct queue_stats *q;

	if (ds->nq == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		q = realloc(ds->q, *cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		ds->q = q;
	}
	memset(&ds->q[ds->nq], 0, sizeof(ds->q[0]));
	ds->q[ds->nq++].id = id;
	return 0;
}

/* The RX queues of @ds, sorted; none if there is no queues directory. */
static int queues_list(struct dev_stats *ds)
{
	char path[PATH_LEN];
	struct dirent *de;
	size_t cap = 0;
	int err;
	long id;
	DIR *d;

	err = sysfs_path(path, sizeof(path), "class/net/%s/ndiv/queues",
			 ds->name);
	if (err)
		return err;
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(d))) {
		id = queue_id(de->d_name);
		if (id >= 0)
			err = queue_add(ds, &cap, id);
	}
	closedir(d);
	if (!err && ds->nq > 1)
		qsort(ds->q, ds->nq, sizeof(ds->q[0]), queue_cmp);
	return err;
}

static int queues_read(struct dev_stats *ds)
{
	char dir[32];
	size_t i;
	int err;

	err = queues_list(ds);
	for (i = 0; !err && i < ds->nq; i++) {
		snprintf(dir, sizeof(dir), "queues/rx-%u", ds->q[i].id);
		err = counters_read(ds->name, dir, &ds->q[i].c);
	}
	return err;
}

static int dev_stats_read(const struct netdev *nd, bool queues,
			  struct dev_stats *ds)
{
	int err;

	memset(ds, 0, sizeof(*ds));
	snprintf(ds->name, sizeof(ds->name), "%s", nd->name);
	err = dev_read(nd->name, "ndiv/app", ds->app, sizeof(ds->app));
	if (!err)
		err = counters_read(nd->name, "stats", &ds->total);
	if (!err && queues)
		err = queues_read(ds);
	return err;
}

/* Whether a device is worth listing: an app is bound or has counted. */
static bool dev_stats_active(const struct dev_stats *ds)
{
	int i;

	if (strcmp(ds->app, "none"))
		return true;
	for (i = 0; i < NCOUNTERS; i++) {
		if (ds->total.v[i])
			return true;
	}
	return false;
}

static void dev_stats_free(struct dev_stats *ds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ds[i].q);
		free(ds[i].ac);
	}
	free(ds);
}

/*
 * The bound app's own counters (slhttpd's, say), if it publishes any.
 * They are the app's totals over every device it is bound to.
 */
static int dev_app_counters(struct dev_stats *ds)
{
	int rc;

	if (!strcmp(ds->app, "none"))
		return RC_OK;
	rc = app_counters_read(ds->app, &ds->ac, &ds->nac);
	return rc == -ENOENT ? RC_OK : rc;
}

/*
 * Read the counters of @devs into @ds. @all keeps the inactive devices
 * too; devices that vanish meanwhile are left out of the *@n returned.
 */
static int stats_collect(const struct netdev *devs, size_t ndevs, bool all,
			 bool queues, struct dev_stats *ds, size_t *n)
{
	size_t i;
	int err;

	*n = 0;
	for (i = 0; i < ndevs; i++) {
		err = dev_stats_read(&devs[i], queues, &ds[*n]);
		if (!err && (all || dev_stats_active(&ds[*n]))) {
			err = dev_app_counters(&ds[*n]);
			if (err) {
				free(ds[*n].q);
				return err;
			}
			(*n)++;
			continue;
		}
		free(ds[*n].q);
		if (err && err != -ENOENT && err != -ENODEV)
			return errno_error(err, "%s: cannot read ndiv counters",
					   devs[i].name);
	}
	return RC_OK;
}

static void counters_json(struct json *j, const struct counters *c)
{
	int i;

	for (i = 0; i < NCOUNTERS; i++)
		json_kv_u64(j, ndiv_qstat_name(i), c->v[i]);
}

static void stats_print_json(const struct ctx *ctx, bool queues,
			     const struct dev_stats *ds, size_t n)
{
	struct json j;
	size_t i, k;

	json_init(&j, stdout, ctx->pretty);
	json_begin(&j, '[');
	for (i = 0; i < n; i++) {
		json_begin(&j, '{');
		json_kv_str(&j, "ifname", ds[i].name);
		json_kv_str(&j, "app",
			    strcmp(ds[i].app, "none") ? ds[i].app : NULL);
		counters_json(&j, &ds[i].total);
		if (ds[i].nac) {
			json_key(&j, "app_stats");
			json_begin(&j, '{');
			for (k = 0; k < ds[i].nac; k++)
				json_kv_u64(&j, ds[i].ac[k].name,
					    ds[i].ac[k].v);
			json_end(&j, '}');
		}
		if (queues) {
			json_key(&j, "queues");
			json_begin(&j, '[');
			for (k = 0; k < ds[i].nq; k++) {
				json_begin(&j, '{');
				json_kv_u64(&j, "queue", ds[i].q[k].id);
				counters_json(&j, &ds[i].q[k].c);
				json_end(&j, '}');
			}
			json_end(&j, ']');
		}
		json_end(&j, '}');
	}
	json_end(&j, ']');
}

/* ethtool -S style: "ndiv_pass: 1", "rx_queue_0_ndiv_pass: 1" */
static void counters_text(const char *prefix, const struct counters *c)
{
	int i;

	for (i = 0; i < NCOUNTERS; i++)
		printf("     %sndiv_%s: %" PRIu64 "\n", prefix,
		       ndiv_qstat_name(i), c->v[i]);
}

static void stats_print_text(const struct dev_stats *ds, size_t n)
{
	char prefix[32];
	size_t i, k;

	for (i = 0; i < n; i++) {
		printf("%s: app %s\n", ds[i].name, ds[i].app);
		counters_text("", &ds[i].total);
		for (k = 0; k < ds[i].nac; k++)
			printf("     %s_%s: %" PRIu64 "\n", ds[i].app,
			       ds[i].ac[k].name, ds[i].ac[k].v);
		for (k = 0; k < ds[i].nq; k++) {
			snprintf(prefix, sizeof(prefix), "rx_queue_%u_",
				 ds[i].q[k].id);
			counters_text(prefix, &ds[i].q[k].c);
		}
	}
}

static int stats_show(const struct ctx *ctx, const char *dev, bool queues)
{
	struct dev_stats *ds;
	struct netdev *devs;
	size_t ndevs, n;
	int rc;

	rc = ndiv_check_loaded();
	if (!rc)
		rc = dev_select(dev, &devs, &ndevs);
	if (rc)
		return rc;
	ds = calloc(ndevs ? ndevs : 1, sizeof(*ds));
	if (!ds) {
		free(devs);
		return errno_error(-ENOMEM, "stats");
	}
	rc = stats_collect(devs, ndevs, dev != NULL, queues, ds, &n);
	if (!rc && dev && !n)
		rc = errno_error(-ENODEV, "%s", dev);
	if (!rc && ctx->json)
		stats_print_json(ctx, queues, ds, n);
	else if (!rc)
		stats_print_text(ds, n);
	dev_stats_free(ds, n);
	free(devs);
	return rc;
}

int do_stats(const struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL;
	bool queues = false, show = false;
	const struct kwarg kw[] = {
		{ "show", NULL, &show },
		{ "dev", &dev, NULL },
		{ "queues", NULL, &queues },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	int rc;

	rc = parse_kwargs(argc, argv, kw, "stats");
	if (rc == RC_HELP) {
		stats_usage(stdout);
		return RC_OK;
	}
	if (rc)
		return rc;
	return stats_show(ctx, dev, queues);
}
