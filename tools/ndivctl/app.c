// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl app: the ndiv apps registered with the kernel
 * (/sys/kernel/ndiv/apps, one name per line).
 */
#include <stdio.h>
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
