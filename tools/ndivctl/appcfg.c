// SPDX-License-Identifier: GPL-2.0
/*
 * What the app commands share: see appcfg.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "appcfg.h"
#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

#define CONFIGFS_DEFAULT	"/sys/kernel/config"
#define CONFIGFS_MAGIC		0x62656570	/* fs/configfs/mount.c */

static bool configfs_fake(void)
{
	const char *root = getenv("NDIV_CONFIGFS_ROOT");

	return root && *root;
}

const char *configfs_root(void)
{
	return configfs_fake() ? getenv("NDIV_CONFIGFS_ROOT") :
				 CONFIGFS_DEFAULT;
}

int appcfg_path(const struct appcfg *a, char *buf, size_t len,
		const char *obj, const char *attr)
{
	const char *root = configfs_root();

	if (obj)
		return sysfs_path_fits(snprintf(buf, len, "%s/%s/%s/%s/%s",
						root, a->dir, a->sub, obj,
						attr), len);
	if (attr)
		return sysfs_path_fits(snprintf(buf, len, "%s/%s/%s", root,
						a->dir, attr), len);
	return sysfs_path_fits(snprintf(buf, len, "%s/%s", root, a->dir),
			       len);
}

int appcfg_read(const struct appcfg *a, const char *obj, const char *attr,
		char *buf, size_t len)
{
	char path[PATH_LEN];
	int err;

	err = appcfg_path(a, path, sizeof(path), obj, attr);
	return err ? err : sysfs_read(path, buf, len);
}

int appcfg_write(const struct appcfg *a, const char *obj, const char *attr,
		 const char *val)
{
	char path[PATH_LEN];
	int err;

	err = appcfg_path(a, path, sizeof(path), obj, attr);
	return err ? err : sysfs_write(path, val);
}

int appcfg_check_loaded(const struct appcfg *a)
{
	char path[PATH_LEN];

	if (!sysfs_path(path, sizeof(path), "kernel/ndiv/%s", a->app) &&
	    sysfs_is_dir(path))
		return RC_OK;
	errmsg("%s is not loaded; load it with 'modprobe %s'", a->app, a->app);
	return RC_OBJECT;
}

static bool is_configfs(const char *dir)
{
	struct statfs st;

	return !statfs(dir, &st) && st.f_type == CONFIGFS_MAGIC;
}

int appcfg_check_configfs(const struct appcfg *a)
{
	const char *root = configfs_root();
	char path[PATH_LEN];
	int rc;

	rc = appcfg_check_loaded(a);
	if (rc)
		return rc;
	if (appcfg_path(a, path, sizeof(path), NULL, NULL))
		return errno_error(-ENAMETOOLONG, "%s", root);
	if (sysfs_is_dir(path))
		return RC_OK;
	if (!configfs_fake() && !is_configfs(root)) {
		if (mount("configfs", root, "configfs", 0, NULL))
			return errno_error(-errno, "cannot mount configfs on %s",
					   root);
		if (sysfs_is_dir(path))
			return RC_OK;
	}
	errmsg("%s: no such directory although %s is loaded; is configfs mounted on %s?",
	       path, a->app, root);
	return RC_OBJECT;
}

bool parse_uint(const char *s, unsigned long min, unsigned long max,
		unsigned long *val)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*val = v;
	return true;
}

int appcfg_stats(const struct ctx *ctx, const struct appcfg *a)
{
	struct app_counter *c;
	struct json j;
	size_t i, n;
	int rc;

	rc = appcfg_check_loaded(a);
	if (!rc)
		rc = app_counters_read(a->app, &c, &n);
	if (rc == -ENOENT)
		rc = errno_error(rc, "%s: cannot read the counters", a->app);
	if (rc)
		return rc;
	if (ctx->json) {
		json_init(&j, stdout, ctx->pretty);
		json_begin(&j, '{');
		for (i = 0; i < n; i++)
			json_kv_u64(&j, c[i].name, c[i].v);
		json_end(&j, '}');
	} else {
		printf("%s:\n", a->app);
		for (i = 0; i < n; i++)
			printf("     %s: %" PRIu64 "\n", c[i].name, c[i].v);
	}
	free(c);
	return RC_OK;
}
