/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndivctl: shared definitions of the command-line tool for ndiv.
 */
#ifndef NDIVCTL_H
#define NDIVCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))
#endif

/* Exit status, see Documentation/ndivctl.rst. */
enum {
	RC_OK		= 0,	/* success */
	RC_USAGE	= 1,	/* bad command line */
	RC_OBJECT	= 2,	/* no device/app/hook/object, not loaded */
	RC_REFUSED	= 3,	/* busy, permission, other kernel error */
	RC_HELP		= -1,	/* internal: "help" seen, print usage */
};

struct ctx {
	bool json;
	bool pretty;
};

/* An object (app, link, stats) or one of its commands. */
struct cmd {
	const char *name;
	int (*fn)(const struct ctx *ctx, int argc, char **argv);
};

/* A keyword of a command: either takes a value or is a flag. */
struct kwarg {
	const char *name;
	const char **value;
	bool *flag;
};

/*
 * Errors are macros around fprintf(), like pr_err(), so that the compiler
 * checks their formats; @fmt must be a string literal.
 *
 * errmsg() prints "Error: <fmt ...>".
 */
#define errmsg(fmt, ...) \
	fprintf(stderr, "Error: " fmt "\n", ##__VA_ARGS__)

/*
 * "Error: <fmt ...>: <strerror(-err)>", with a hint when permission was
 * denied; evaluates to the exit status for @err.
 */
#define errno_error(err, fmt, ...) \
	(fprintf(stderr, "Error: " fmt, ##__VA_ARGS__), errno_tail(err))

/*
 * A command line error, then where to find help for @obj (NULL: the top
 * level); evaluates to RC_USAGE.
 */
#define usage_error(obj, fmt, ...) \
	(fprintf(stderr, "Error: " fmt, ##__VA_ARGS__), usage_tail(obj))

int errno_tail(int err);
int usage_tail(const char *obj);
int match_word(const char *arg, const void *table, size_t stride);
int run_cmd(const struct ctx *ctx, const char *obj, const struct cmd *cmds,
	    void (*usage)(FILE *f), int argc, char **argv);
int parse_kwargs(int argc, char **argv, const struct kwarg *kw,
		 const char *obj);

int do_app(const struct ctx *ctx, int argc, char **argv);
int do_link(const struct ctx *ctx, int argc, char **argv);
int do_features(const struct ctx *ctx, int argc, char **argv);
bool driver_has_ndiv_build(const char *driver);
int do_stats(const struct ctx *ctx, int argc, char **argv);
int do_slhttpd(const struct ctx *ctx, int argc, char **argv);
int do_proxy(const struct ctx *ctx, int argc, char **argv);
int do_ring(const struct ctx *ctx, int argc, char **argv);

void app_usage(FILE *f);
void link_usage(FILE *f);
void features_usage(FILE *f);
void stats_usage(FILE *f);
void slhttpd_usage(FILE *f);
void proxy_usage(FILE *f);
void ring_usage(FILE *f);

/* An app's own counters, /sys/kernel/ndiv/<app>/stats/<name>. */
struct app_counter {
	char name[NAME_MAX + 1];
	uint64_t v;
};

int app_counters_read(const char *app, struct app_counter **c, size_t *n);
int app_check_registered(const char *name);
int app_unknown_error(const char *name);

#endif /* NDIVCTL_H */
