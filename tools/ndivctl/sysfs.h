/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndivctl: access to the ndiv sysfs ABI (/sys/kernel/ndiv and
 * /sys/class/net/<dev>/ndiv), rooted at $NDIV_SYSFS_ROOT for tests.
 */
#ifndef NDIVCTL_SYSFS_H
#define NDIVCTL_SYSFS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ndivctl.h"

#define ATTR_LEN	64	/* a short attribute: a name, mode or state */
#define APPS_LEN	8192	/* the list of registered apps */
#define PATH_LEN	4096

struct netdev {
	char name[IFNAMSIZ];
	int ifindex;
};

/*
 * "<root>/<fmt ...>" into @buf, where root is $NDIV_SYSFS_ROOT or /sys;
 * evaluates to 0, or -ENAMETOOLONG if it does not fit.
 */
#define sysfs_path(buf, len, fmt, ...) \
	sysfs_path_fits(snprintf(buf, len, "%s/" fmt, sysfs_root(), \
				 ##__VA_ARGS__), len)

const char *sysfs_root(void);
int sysfs_path_fits(int n, size_t len);
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_write(const char *path, const char *val);
int sysfs_read_u64(const char *path, uint64_t *val);
bool sysfs_is_dir(const char *path);

int ndiv_check_loaded(void);
int ndiv_read_apps(char *buf, size_t len);

bool dev_name_valid(const char *name);
int dev_check(const char *dev);
int dev_read(const char *dev, const char *attr, char *buf, size_t len);
int dev_write(const char *dev, const char *attr, const char *val);
int dev_read_u64(const char *dev, const char *attr, uint64_t *val);
void dev_driver(const char *dev, char *buf, size_t len);
int dev_select(const char *dev, struct netdev **devs, size_t *n);

#endif /* NDIVCTL_SYSFS_H */
