/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the app commands (slhttpd, proxy) share: an app's configfs
 * directory (CONFIGFS/<dir>, objects in CONFIGFS/<dir>/<sub>/<name>),
 * whether its module is loaded, and value checks.
 */
#ifndef NDIVCTL_APPCFG_H
#define NDIVCTL_APPCFG_H

#include <stdbool.h>
#include <stddef.h>

/* The app whose configuration a command reads and writes. */
struct appcfg {
	const char *app;	/* module and /sys/kernel/ndiv/<app> */
	const char *dir;	/* its configfs directory */
	const char *sub;	/* directory of its objects, or NULL */
};

/* configfs's mount point: NDIV_CONFIGFS_ROOT (tests) or the usual one. */
const char *configfs_root(void);

/*
 * The path of attribute @attr of object @obj (in a->sub), of the app's
 * directory if @obj is NULL, of the directory itself if @attr is NULL
 * too; 0 or -ENAMETOOLONG.
 */
int appcfg_path(const struct appcfg *a, char *buf, size_t len,
		const char *obj, const char *attr);
int appcfg_read(const struct appcfg *a, const char *obj, const char *attr,
		char *buf, size_t len);
int appcfg_write(const struct appcfg *a, const char *obj, const char *attr,
		 const char *val);

/* RC_OK if the app's module is loaded; an error message and RC_OBJECT if not. */
int appcfg_check_loaded(const struct appcfg *a);
/*
 * RC_OK if the module is loaded and its configfs directory is there,
 * mounting configfs first if nothing is mounted on its mount point.
 */
int appcfg_check_configfs(const struct appcfg *a);

struct ctx;
/*
 * "APP stats": the app's counters, one "name: value" line each under
 * "APP:", or a JSON object with -j.
 */
int appcfg_stats(const struct ctx *ctx, const struct appcfg *a);

/* A decimal number from @min to @max, nothing else. */
bool parse_uint(const char *s, unsigned long min, unsigned long max,
		unsigned long *val);

#endif /* NDIVCTL_APPCFG_H */
