// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl: bind ndiv apps to network devices and read their counters;
 * configure slhttpd.
 *
 *	ndivctl [OPTIONS] OBJECT { COMMAND | help } [ARGS]
 *
 * The command line reads like ip(8): objects and commands may be shortened
 * to any unambiguous prefix, arguments are "keyword value" pairs. See
 * Documentation/ndivctl.rst.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ndivctl.h"

#ifndef NDIVCTL_VERSION
#define NDIVCTL_VERSION "0.1"
#endif

/* The end of errno_error(): the reason, a hint, and the exit status. */
int errno_tail(int err)
{
	fprintf(stderr, ": %s", strerror(-err));
	if (err == -EACCES || err == -EPERM)
		fputs("; run ndivctl as root", stderr);
	fputc('\n', stderr);
	if (err == -ENOENT || err == -ENODEV || err == -EOPNOTSUPP)
		return RC_OBJECT;
	return RC_REFUSED;
}

/* The end of usage_error(): where to find help. */
int usage_tail(const char *obj)
{
	fprintf(stderr, "; see 'ndivctl %s%shelp'\n", obj ? obj : "",
		obj ? " " : "");
	return RC_USAGE;
}

/*
 * Index of @arg in @table, an array of structs of size @stride that start
 * with a name and end with a NULL name: an exact name, else the only name
 * @arg is a prefix of. -1 if there is none, -2 if the prefix is ambiguous.
 */
int match_word(const char *arg, const void *table, size_t stride)
{
	const char *p = table;
	size_t len = strlen(arg);
	const char *name;
	int i, found = -1;

	if (!len)
		return -1;
	for (i = 0; (name = *(const char *const *)(p + i * stride)); i++) {
		if (!strcmp(arg, name))
			return i;
		if (strncmp(arg, name, len))
			continue;
		found = found == -1 ? i : -2;
	}
	return found;
}

/*
 * Run the command argv[0] of object @obj from @cmds, the first command if
 * there is none. A command with a NULL function is "help".
 */
int run_cmd(const struct ctx *ctx, const char *obj, const struct cmd *cmds,
	    void (*usage)(FILE *f), int argc, char **argv)
{
	int i = 0, rc;

	if (argc) {
		i = match_word(argv[0], cmds, sizeof(*cmds));
		if (i == -2)
			return usage_error(obj, "'%s' is ambiguous", argv[0]);
		if (i < 0)
			return usage_error(obj, "unknown command '%s'",
					   argv[0]);
		argc--;
		argv++;
	}
	rc = cmds[i].fn ? cmds[i].fn(ctx, argc, argv) : RC_HELP;
	if (rc == RC_HELP) {
		usage(stdout);
		rc = RC_OK;
	}
	return rc;
}

static int kwarg_take(const struct kwarg *k, int argc, char **argv, int *i,
		      const char *obj)
{
	if (!k->value && !k->flag)
		return RC_HELP;
	if ((k->value && *k->value) || (k->flag && *k->flag))
		return usage_error(obj, "'%s' given twice", k->name);
	if (k->flag) {
		*k->flag = true;
		return RC_OK;
	}
	if (++*i >= argc)
		return usage_error(obj, "'%s' needs a value", k->name);
	*k->value = argv[*i];
	return RC_OK;
}

/*
 * Parse "keyword [value]" arguments of a command of @obj into @kw, ended by
 * a NULL name. A keyword with neither value nor flag is "help".
 */
int parse_kwargs(int argc, char **argv, const struct kwarg *kw,
		 const char *obj)
{
	int i, k, rc;

	for (i = 0; i < argc; i++) {
		k = match_word(argv[i], kw, sizeof(*kw));
		if (k == -2)
			return usage_error(obj, "'%s' is ambiguous", argv[i]);
		if (k < 0)
			return usage_error(obj, "unknown argument '%s'",
					   argv[i]);
		rc = kwarg_take(&kw[k], argc, argv, &i, obj);
		if (rc)
			return rc;
	}
	return RC_OK;
}

static void usage(FILE *f)
{
	fputs("Usage: ndivctl [ OPTIONS ] OBJECT { COMMAND | help }\n", f);
	fputs("       ndivctl [ OPTIONS ] help\n", f);
	fputs("where  OBJECT := { app | link | features | stats | slhttpd | proxy |\n",
	      f);
	fputs("                  ring }\n", f);
	fputs("       OPTIONS := { -j[son] | -p[retty] | -h[elp] | -V[ersion] }\n",
	      f);
	fputc('\n', f);
	app_usage(f);
	fputc('\n', f);
	link_usage(f);
	fputc('\n', f);
	features_usage(f);
	fputc('\n', f);
	stats_usage(f);
	fputc('\n', f);
	slhttpd_usage(f);
	fputc('\n', f);
	proxy_usage(f);
	fputc('\n', f);
	ring_usage(f);
}

static const struct cmd objects[] = {
	{ "app", do_app },
	{ "link", do_link },
	{ "features", do_features },
	{ "stats", do_stats },
	{ "slhttpd", do_slhttpd },
	{ "proxy", do_proxy },
	{ "ring", do_ring },
	{ "help", NULL },
	{ NULL, NULL },
};

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/*
 * @arg is the argument getopt_long() failed on; optopt is the option if
 * it is known (then, for a long option, it was given a value).
 */
static int option_error(const char *arg)
{
	int len = strcspn(arg, "=");

	if (strncmp(arg, "--", 2))
		return usage_error(NULL, "unknown option '-%c'", optopt);
	if (optopt)
		return usage_error(NULL, "option '%.*s' takes no value", len,
				   arg);
	return usage_error(NULL, "unknown option '%.*s'", len, arg);
}

/*
 * Global options, anywhere on the line (getopt permutes argv); returns -1
 * to go on with the object, else an exit code.
 */
static int parse_options(struct ctx *ctx, int argc, char **argv)
{
	/* Options may follow the command too: ndivctl link show -j */
	const char *short_options = "jphV";
	int c;

	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, short_options, long_options, NULL);
		switch (c) {
		case -1:
			return -1;
		case 'j':
			ctx->json = true;
			break;
		case 'p':
			ctx->json = true;
			ctx->pretty = true;
			break;
		case 'h':
			usage(stdout);
			return RC_OK;
		case 'V':
			printf("ndivctl %s\n", NDIVCTL_VERSION);
			return RC_OK;
		default:
			return option_error(argv[optind - 1]);
		}
	}
}

int main(int argc, char **argv)
{
	struct ctx ctx = { 0 };
	int i, rc;

	rc = parse_options(&ctx, argc, argv);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return RC_USAGE;
	}
	i = match_word(argv[optind], objects, sizeof(objects[0]));
	if (i == -2)
		return usage_error(NULL, "'%s' is ambiguous", argv[optind]);
	if (i < 0)
		return usage_error(NULL, "unknown object '%s'", argv[optind]);
	if (!objects[i].fn) {
		usage(stdout);
		return RC_OK;
	}
	return objects[i].fn(&ctx, argc - optind - 1, argv + optind + 1);
}
