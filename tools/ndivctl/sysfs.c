// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl: reading and writing the ndiv sysfs attributes.
 *
 * Every path is built under $NDIV_SYSFS_ROOT (default /sys), which the unit
 * tests point at a fake tree. Functions return 0 or a negative errno and
 * leave the wording of errors to their callers, except ndiv_check_loaded(),
 * dev_check() and dev_select(), which print the error and return an exit
 * status.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndivctl.h"
#include "sysfs.h"

const char *sysfs_root(void)
{
	const char *root = getenv("NDIV_SYSFS_ROOT");

	return root && *root ? root : "/sys";
}

/* The end of sysfs_path(): @n is what snprintf() returned. */
int sysfs_path_fits(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Read all of @fd into @buf (NUL-terminated); -EOVERFLOW if too long. */
static int read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	char c;

	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	buf[got] = '\0';
	if (got == len - 1 && read(fd, &c, 1) > 0)
		return -EOVERFLOW;
	return 0;
}

static void strip_trailing_space(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* The content of the attribute at @path without its trailing newline. */
int sysfs_read(const char *path, char *buf, size_t len)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = read_all(fd, buf, len);
	close(fd);
	if (!err)
		strip_trailing_space(buf);
	return err;
}

/*
 * Store @val (no newline) in the attribute at @path with a single write(),
 * so that the kernel's error for this store comes back as our errno.
 */
int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* A decimal u64 attribute; -EINVAL if it is not one. */
int sysfs_read_u64(const char *path, uint64_t *val)
{
	char buf[ATTR_LEN], *end;
	unsigned long long v;
	int err;

	err = sysfs_read(path, buf, sizeof(buf));
	if (err)
		return err;
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

bool sysfs_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Print the error and return RC_OBJECT when the ndiv module is not loaded. */
int ndiv_check_loaded(void)
{
	char path[PATH_LEN];

	if (!sysfs_path(path, sizeof(path), "kernel/ndiv") &&
	    sysfs_is_dir(path))
		return RC_OK;
	errmsg("ndiv is not loaded; run 'modprobe ndiv'");
	return RC_OBJECT;
}

/* The registered app names, one per line. */
int ndiv_read_apps(char *buf, size_t len)
{
	char path[PATH_LEN];
	int err;

	err = sysfs_path(path, sizeof(path), "kernel/ndiv/apps");
	if (err)
		return err;
	return sysfs_read(path, buf, len);
}

/* What the kernel accepts as a netdev name (see dev_valid_name()). */
bool dev_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= IFNAMSIZ)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/: \t\n\v\f\r");
}

static int dev_path(char *buf, size_t len, const char *dev, const char *attr)
{
	return sysfs_path(buf, len, "class/net/%s%s%s", dev,
			  *attr ? "/" : "", attr);
}

static bool dev_is_dir(const char *dev, const char *sub)
{
	char path[PATH_LEN];

	return !dev_path(path, sizeof(path), dev, sub) && sysfs_is_dir(path);
}

/*
 * Print the error and return RC_OBJECT unless @dev is an existing network
 * device with ndiv attributes.
 */
int dev_check(const char *dev)
{
	if (!dev_name_valid(dev) || !dev_is_dir(dev, "")) {
		errmsg("%s: no such device", dev);
		return RC_OBJECT;
	}
	if (!dev_is_dir(dev, "ndiv")) {
		errmsg("%s: device has no ndiv attributes in sysfs; reload ndiv ('modprobe -r ndiv && modprobe ndiv')",
		       dev);
		return RC_OBJECT;
	}
	return RC_OK;
}

/* Read class/net/@dev/@attr, e.g. attr "ndiv/app". */
int dev_read(const char *dev, const char *attr, char *buf, size_t len)
{
	char path[PATH_LEN];
	int err;

	err = dev_path(path, sizeof(path), dev, attr);
	if (err)
		return err;
	return sysfs_read(path, buf, len);
}

int dev_write(const char *dev, const char *attr, const char *val)
{
	char path[PATH_LEN];
	int err;

	err = dev_path(path, sizeof(path), dev, attr);
	if (err)
		return err;
	return sysfs_write(path, val);
}

/* The name of the driver bound to @dev's device, or "" if there is none. */
void dev_driver(const char *dev, char *buf, size_t len)
{
	char path[PATH_LEN], target[PATH_LEN];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if (dev_path(path, sizeof(path), dev, "device/driver"))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%s", base ? base + 1 : target);
}

/* Fill @nd for @name if it is a network device with ndiv attributes. */
static int dev_lookup(const char *name, struct netdev *nd)
{
	char buf[ATTR_LEN], *end;
	long idx;
	int err;

	if (!dev_name_valid(name) || !dev_is_dir(name, "ndiv"))
		return -ENODEV;
	err = dev_read(name, "ifindex", buf, sizeof(buf));
	if (err)
		return err;
	idx = strtol(buf, &end, 10);
	if (*end || end == buf || idx <= 0 || idx > INT_MAX)
		return -EINVAL;
	snprintf(nd->name, sizeof(nd->name), "%s", name);
	nd->ifindex = idx;
	return 0;
}

static int netdev_cmp(const void *a, const void *b)
{
	const struct netdev *x = a, *y = b;

	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int dev_list_add(struct netdev **devs, size_t *n, size_t *cap,
			const struct netdev *nd)
{
	struct netdev *v;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		v = realloc(*devs, *cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*devs = v;
	}
	(*devs)[(*n)++] = *nd;
	return 0;
}

/*
 * The network devices that have ndiv attributes, sorted by ifindex. Entries
 * of class/net that are not devices (bonding_masters) or that vanish while
 * we look are left out. The caller frees *@devs.
 */
static int dev_list(struct netdev **devs, size_t *n)
{
	char path[PATH_LEN];
	struct dirent *de;
	struct netdev nd;
	size_t cap = 0;
	int err;
	DIR *d;

	*devs = NULL;
	*n = 0;
	err = sysfs_path(path, sizeof(path), "class/net");
	if (err)
		return err;
	d = opendir(path);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		if (!dev_lookup(de->d_name, &nd))
			err = dev_list_add(devs, n, &cap, &nd);
	}
	closedir(d);
	if (err) {
		free(*devs);
		*devs = NULL;
		*n = 0;
		return err;
	}
	if (*n > 1)
		qsort(*devs, *n, sizeof(**devs), netdev_cmp);
	return 0;
}

/*
 * The devices a command works on: @dev alone, or every device with ndiv
 * attributes when @dev is NULL. Prints the error; returns an exit status.
 * The caller frees *@devs.
 */
int dev_select(const char *dev, struct netdev **devs, size_t *n)
{
	int err, rc;

	if (!dev) {
		err = dev_list(devs, n);
		if (err)
			return errno_error(err, "cannot list network devices");
		return RC_OK;
	}
	rc = dev_check(dev);
	if (rc)
		return rc;
	*devs = calloc(1, sizeof(**devs));
	if (!*devs)
		return errno_error(-ENOMEM, "%s", dev);
	*n = 1;
	err = dev_lookup(dev, *devs);
	if (err) {
		free(*devs);
		*devs = NULL;
		*n = 0;
		return errno_error(err, "%s: cannot read ifindex", dev);
	}
	return RC_OK;
}

/* A decimal u64 attribute class/net/@dev/@attr. */
int dev_read_u64(const char *dev, const char *attr, uint64_t *val)
{
	char path[PATH_LEN];
	int err;

	err = dev_path(path, sizeof(path), dev, attr);
	if (err)
		return err;
	return sysfs_read_u64(path, val);
}
