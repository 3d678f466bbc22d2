// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl app: the ndiv apps registered with the kernel
 * (/sys/kernel/ndiv/apps, one name per line).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

#define APP_SEP	" \t\n"

void app_usage(FILE *f)
{
	fputs("Usage: ndivctl app { list | show | help }\n", f);
}

static int apps_read(char *buf, size_t len)
{
	int err;

	err = ndiv_read_apps(buf, len);
	if (err)
		return errno_error(err, "cannot read the list of ndiv apps");
	return RC_OK;
}

/* The error for an app that is not registered. */
int app_unknown_error(const char *name)
{
	errmsg("%s: no such ndiv app; 'ndivctl app list' shows the registered apps, load its module first",
	       name);
	return RC_OBJECT;
}

/* RC_OK if @name is a registered app, else print why not. */
int app_check_registered(const char *name)
{
	char buf[APPS_LEN], *save, *tok;
	int rc;

	rc = apps_read(buf, sizeof(buf));
	if (rc)
		return rc;
	for (tok = strtok_r(buf, APP_SEP, &save); tok;
	     tok = strtok_r(NULL, APP_SEP, &save)) {
		if (!strcmp(tok, name))
			return RC_OK;
	}
	return app_unknown_error(name);
}

static void app_print(const struct ctx *ctx, char *apps)
{
	char *save, *tok;
	struct json j;

	json_init(&j, stdout, ctx->pretty);
	if (ctx->json)
		json_begin(&j, '[');
	for (tok = strtok_r(apps, APP_SEP, &save); tok;
	     tok = strtok_r(NULL, APP_SEP, &save)) {
		if (!ctx->json) {
			puts(tok);
			continue;
		}
		json_begin(&j, '{');
		json_kv_str(&j, "name", tok);
		json_end(&j, '}');
	}
	if (ctx->json)
		json_end(&j, ']');
}

static int app_list(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char buf[APPS_LEN];
	int rc;

	rc = parse_kwargs(argc, argv, kw, "app");
	if (rc)
		return rc;
	rc = ndiv_check_loaded();
	if (rc)
		return rc;
	rc = apps_read(buf, sizeof(buf));
	if (rc)
		return rc;
	app_print(ctx, buf);
	return RC_OK;
}

static const struct cmd app_cmds[] = {
	{ "list", app_list },
	{ "show", app_list },
	{ "help", NULL },
	{ NULL, NULL },
};

int do_app(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, "app", app_cmds, app_usage, argc, argv);
}

/*
 * Apps may publish counters of their own in /sys/kernel/ndiv/<app>/stats/,
 * one file each. slhttpd's are listed in the kernel's order (the order of
 * Documentation/ABI/testing/sysfs-kernel-ndiv-slhttpd); others, and
 * counters this ndivctl does not know, follow by name.
 */
static const char *const counter_order[] = {
	"pass", "malformed", "bad_csum", "vlan_stripped", "syn", "synack",
	"cookie_bad", "rst_sent", "rst_rcvd", "ack", "fin", "req",
	"resp_2xx", "resp_3xx", "resp_4xx", "resp_5xx", "resp_multi",
	"resume", "req_acked", "segs_emitted", "emit_fail", "pipeline_defer",
	"old_key",
};

static int counter_rank(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counter_order); i++)
		if (!strcmp(name, counter_order[i]))
			return i;
	return ARRAY_SIZE(counter_order);
}

static int counter_cmp(const void *a, const void *b)
{
	const struct app_counter *x = a, *y = b;
	int rx = counter_rank(x->name), ry = counter_rank(y->name);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int counter_add(const char *app, const char *name,
		       struct app_counter **c, size_t *n, size_t *cap)
{
	char path[PATH_LEN];
	struct app_counter *v;
	int err;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		v = realloc(*c, *cap * sizeof(*v));
		if (!v)
			return errno_error(-ENOMEM, "%s stats", app);
		*c = v;
	}
	snprintf((*c)[*n].name, sizeof((*c)[*n].name), "%s", name);
	err = sysfs_path(path, sizeof(path), "kernel/ndiv/%s/stats/%s", app,
			 name);
	if (!err)
		err = sysfs_read_u64(path, &(*c)[*n].v);
	if (err)
		return errno_error(err, "%s: cannot read counter %s", app,
				   name);
	(*n)++;
	return RC_OK;
}

/*
 * Every counter of @app, sorted; the caller frees *@c. -ENOENT, without a
 * message, when the app publishes none; other errors are printed.
 */
int app_counters_read(const char *app, struct app_counter **c, size_t *n)
{
	size_t cap = 0;
	char dir[PATH_LEN];
	struct dirent *de;
	int rc = RC_OK;
	DIR *d;

	*c = NULL;
	*n = 0;
	if (sysfs_path(dir, sizeof(dir), "kernel/ndiv/%s/stats", app))
		return errno_error(-ENAMETOOLONG, "%s stats", app);
	d = opendir(dir);
	if (!d && errno == ENOENT)
		return -ENOENT;
	if (!d)
		return errno_error(-errno, "%s: cannot read the counters", app);
	while (!rc && (de = readdir(d)))
		if (de->d_name[0] != '.')
			rc = counter_add(app, de->d_name, c, n, &cap);
	closedir(d);
	if (rc) {
		free(*c);
		*c = NULL;
		return rc;
	}
	if (*n > 1)
		qsort(*c, *n, sizeof(**c), counter_cmp);
	return RC_OK;
}
