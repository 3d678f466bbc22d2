// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl features: what ndiv can do on a device. Whether its driver has
 * the ndiv hook (native mode) or the device is left to generic mode, the
 * hook ABI, the queues, and what the hook supports (TX, multi-buffer),
 * read from /sys/kernel/ndiv and /sys/class/net/<dev>/{ndiv,queues}.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

/*
 * The drivers ndiv ships a hooked build of (drivers/ in the source tree;
 * the unit test checks that the two agree), for telling a user whose
 * device has no hook whether loading ndiv's build of its driver helps.
 */
static const char * const ndiv_drivers[] = {
	"e1000", "e1000e", "igb", "ixgbe", "mvneta", "veth", "virtio_net",
};

bool driver_has_ndiv_build(const char *driver)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ndiv_drivers); i++)
		if (!strcmp(driver, ndiv_drivers[i]))
			return true;
	return false;
}

struct features {
	char name[IFNAMSIZ];
	char driver[ATTR_LEN];	/* "" when the device has no driver */
	char hook[ATTR_LEN];	/* driver with an ndiv hook, or "none" */
	char mode[ATTR_LEN];
	char app[ATTR_LEN];
	uint64_t hook_abi;
	unsigned int rx_queues, tx_queues;
	bool native, tx, multibuf, generic;
};

void features_usage(FILE *f)
{
	fputs("Usage: ndivctl features [ show ] [ dev DEV ]\n", f);
	fputs("       ndivctl features help\n", f);
}

/* Whether the space-separated @words contain @word. */
static bool has_word(const char *words, const char *word)
{
	size_t len = strlen(word);
	const char *p = words;

	while ((p = strstr(p, word))) {
		if ((p == words || p[-1] == ' ') &&
		    (p[len] == '\0' || p[len] == ' '))
			return true;
		p += len;
	}
	return false;
}

/* The number of entries "<prefix><n>" in /sys/class/net/<dev>/queues. */
static unsigned int count_queues(const char *dev, const char *prefix)
{
	char path[PATH_LEN];
	struct dirent *de;
	unsigned int n = 0;
	DIR *d;

	if (sysfs_path(path, sizeof(path), "class/net/%s/queues", dev))
		return 0;
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			n++;
	closedir(d);
	return n;
}

/* Whether @dev still exists (it may go while we read it). */
static bool dev_present(const char *dev)
{
	char path[PATH_LEN];

	return !sysfs_path(path, sizeof(path), "class/net/%s", dev) &&
	       sysfs_is_dir(path);
}

static int read_hook_abi(uint64_t *abi)
{
	char path[PATH_LEN];
	int err;

	err = sysfs_path(path, sizeof(path), "kernel/ndiv/hook_abi");
	return err ? err : sysfs_read_u64(path, abi);
}

static int features_read(const struct netdev *nd, uint64_t abi,
			 struct features *ft)
{
	char caps[ATTR_LEN], type[ATTR_LEN];
	const char *dev = nd->name;
	int err;

	memset(ft, 0, sizeof(*ft));
	snprintf(ft->name, sizeof(ft->name), "%s", dev);
	ft->hook_abi = abi;
	dev_driver(dev, ft->driver, sizeof(ft->driver));
	err = dev_read(dev, "ndiv/hook", ft->hook, sizeof(ft->hook));
	if (!err)
		err = dev_read(dev, "ndiv/mode", ft->mode, sizeof(ft->mode));
	if (!err)
		err = dev_read(dev, "ndiv/app", ft->app, sizeof(ft->app));
	if (!err)
		err = dev_read(dev, "ndiv/caps", caps, sizeof(caps));
	if (err)
		return err;
	ft->native = strcmp(ft->hook, "none") != 0;
	ft->tx = has_word(caps, "tx");
	ft->multibuf = has_word(caps, "multibuf");
	/* generic mode takes the device's rx_handler: Ethernet only */
	ft->generic = dev_read(dev, "type", type, sizeof(type)) ||
		      !strcmp(type, "1");
	ft->rx_queues = count_queues(dev, "rx-");
	ft->tx_queues = count_queues(dev, "tx-");
	return 0;
}

static const char *on_off(bool v)
{
	return v ? "on" : "off";
}

static void features_print_text(const struct features *ft)
{
	printf("Features for %s:\n", ft->name);
	printf("driver: %s\n", *ft->driver ? ft->driver : "-");
	if (ft->native)
		printf("hook: native (%s)\n", ft->hook);
	else if (driver_has_ndiv_build(ft->driver))
		printf("hook: none (this %s is not ndiv's build: install and load ndiv's %s for native mode)\n",
		       ft->driver, ft->driver);
	else
		printf("hook: none (%s)\n", ft->generic ?
		       "generic mode only" : "ndiv cannot run here");
	printf("hook-abi: %llu\n", (unsigned long long)ft->hook_abi);
	printf("mode: %s\n", ft->mode);
	printf("app: %s\n", ft->app);
	printf("rx-queues: %u\n", ft->rx_queues);
	printf("tx-queues: %u\n", ft->tx_queues);
	printf("native: %s\n", on_off(ft->native));
	/* generic mode always transmits, through dev_queue_xmit() */
	printf("tx: %s\n", on_off(ft->native ? ft->tx : ft->generic));
	printf("multi-buffer: %s\n", on_off(ft->native && ft->multibuf));
	printf("generic: %s\n", on_off(ft->generic));
}

static void features_print_json(struct json *j, const struct features *ft)
{
	json_begin(j, '{');
	json_kv_str(j, "ifname", ft->name);
	json_kv_str(j, "driver", *ft->driver ? ft->driver : NULL);
	json_kv_str(j, "hook", ft->native ? ft->hook : NULL);
	json_kv_bool(j, "ndiv_build", ft->native ||
		     driver_has_ndiv_build(ft->driver));
	json_kv_u64(j, "hook_abi", ft->hook_abi);
	json_kv_str(j, "mode", ft->mode);
	json_kv_str(j, "app", strcmp(ft->app, "none") ? ft->app : NULL);
	json_kv_u64(j, "rx_queues", ft->rx_queues);
	json_kv_u64(j, "tx_queues", ft->tx_queues);
	json_kv_bool(j, "native", ft->native);
	json_kv_bool(j, "tx", ft->native ? ft->tx : ft->generic);
	json_kv_bool(j, "multibuf", ft->native && ft->multibuf);
	json_kv_bool(j, "generic", ft->generic);
	json_end(j, '}');
}

/* Print the features of @devs; devices that vanished meanwhile are left out. */
static int features_print(const struct ctx *ctx, const struct netdev *devs,
			  size_t n, const char *dev)
{
	size_t i, shown = 0;
	struct features ft;
	struct json j;
	uint64_t abi;
	int err;

	err = read_hook_abi(&abi);
	if (err == -ENOENT) {
		errmsg("ndiv does not report its hook ABI: this ndiv module is older than ndivctl; load the ndiv that came with ndivctl");
		return RC_OBJECT;
	}
	if (err)
		return errno_error(err, "cannot read ndiv's hook ABI");
	json_init(&j, stdout, ctx->pretty);
	if (ctx->json)
		json_begin(&j, '[');
	for (i = 0; i < n; i++) {
		err = features_read(&devs[i], abi, &ft);
		if ((err == -ENOENT || err == -ENODEV) &&
		    !dev_present(devs[i].name))
			continue;
		if (err)
			return errno_error(err, "%s: cannot read ndiv attributes",
					   devs[i].name);
		if (ctx->json) {
			features_print_json(&j, &ft);
		} else {
			if (shown)
				putchar('\n');
			features_print_text(&ft);
		}
		shown++;
	}
	if (ctx->json)
		json_end(&j, ']');
	if (dev && !shown)
		return errno_error(-ENODEV, "%s", dev);
	return RC_OK;
}

static int features_show(const struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL;
	const struct kwarg kw[] = {
		{ "dev", &dev, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct netdev *devs;
	size_t n;
	int rc;

	rc = parse_kwargs(argc, argv, kw, "features");
	if (!rc)
		rc = ndiv_check_loaded();
	if (!rc && dev)
		rc = dev_check(dev);
	if (!rc)
		rc = dev_select(dev, &devs, &n);
	if (rc)
		return rc;
	rc = features_print(ctx, devs, n, dev);
	free(devs);
	return rc;
}

static const struct cmd features_cmds[] = {
	{ "show", features_show },
	{ "help", NULL },
	{ NULL, NULL },
};

int do_features(const struct ctx *ctx, int argc, char **argv)
{
	/* "ndivctl features dev DEV" (or "d DEV"): show is the command */
	if (argc && *argv[0] && !strncmp("dev", argv[0], strlen(argv[0])))
		return features_show(ctx, argc, argv);
	return run_cmd(ctx, "features", features_cmds, features_usage, argc,
		       argv);
}
