// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl link: show the ndiv state of network devices, bind an app to a
 * device (attach) and unbind it (detach), through the attributes in
 * /sys/class/net/<dev>/ndiv/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

/* What "link show" reports for one device. */
struct link_info {
	char name[IFNAMSIZ];
	int ifindex;
	char driver[ATTR_LEN];	/* "" when the device has no driver */
	char hook[ATTR_LEN];	/* driver with an ndiv hook, or "none" */
	char mode[ATTR_LEN];	/* "native" or "generic" */
	char app[ATTR_LEN];	/* bound app, or "none" */
	char operstate[ATTR_LEN];
};

void link_usage(FILE *f)
{
	fputs("Usage: ndivctl link show [ dev DEV ]\n", f);
	fputs("       ndivctl link attach dev DEV app APP [ mode { native | generic } ]\n",
	      f);
	fputs("       ndivctl link detach dev DEV\n", f);
	fputs("       ndivctl link help\n", f);
}

static const char *none_to_null(const char *s)
{
	return strcmp(s, "none") ? s : NULL;
}

/* The ndiv attributes hook, mode and app of @dev. */
static int link_read_ndiv(const char *dev, struct link_info *li)
{
	int err;

	err = dev_read(dev, "ndiv/hook", li->hook, sizeof(li->hook));
	if (!err)
		err = dev_read(dev, "ndiv/mode", li->mode, sizeof(li->mode));
	if (!err)
		err = dev_read(dev, "ndiv/app", li->app, sizeof(li->app));
	return err;
}

static int link_info_read(const struct netdev *nd, struct link_info *li)
{
	snprintf(li->name, sizeof(li->name), "%s", nd->name);
	li->ifindex = nd->ifindex;
	dev_driver(nd->name, li->driver, sizeof(li->driver));
	if (dev_read(nd->name, "operstate", li->operstate,
		     sizeof(li->operstate)))
		snprintf(li->operstate, sizeof(li->operstate), "unknown");
	return link_read_ndiv(nd->name, li);
}

static int read_error(const char *dev, int err)
{
	return errno_error(err, "%s: cannot read ndiv attributes", dev);
}

/*
 * Read the devices of @devs into @li; those that vanished meanwhile are
 * left out of the *@n returned.
 */
static int link_collect(const struct netdev *devs, size_t ndevs,
			struct link_info *li, size_t *n)
{
	size_t i;
	int err;

	*n = 0;
	for (i = 0; i < ndevs; i++) {
		err = link_info_read(&devs[i], &li[*n]);
		if (err == -ENOENT || err == -ENODEV)
			continue;
		if (err)
			return read_error(devs[i].name, err);
		(*n)++;
	}
	return RC_OK;
}

static void link_print_json(const struct ctx *ctx,
			    const struct link_info *li, size_t n)
{
	struct json j;
	size_t i;

	json_init(&j, stdout, ctx->pretty);
	json_begin(&j, '[');
	for (i = 0; i < n; i++) {
		json_begin(&j, '{');
		json_kv_str(&j, "ifname", li[i].name);
		json_kv_u64(&j, "ifindex", li[i].ifindex);
		json_kv_str(&j, "driver", *li[i].driver ? li[i].driver : NULL);
		json_kv_str(&j, "hook", none_to_null(li[i].hook));
		json_kv_str(&j, "mode", li[i].mode);
		json_kv_str(&j, "app", none_to_null(li[i].app));
		json_kv_str(&j, "operstate", li[i].operstate);
		json_end(&j, '}');
	}
	json_end(&j, ']');
}

/* Column widths of the text output. */
struct link_widths {
	int name, ifindex, driver, hook, mode, app;
};

static int max_width(int w, const char *s)
{
	int len = strlen(s);

	return len > w ? len : w;
}

static void link_widths(const struct link_info *li, size_t n,
			struct link_widths *w)
{
	char idx[16];
	size_t i;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < n; i++) {
		snprintf(idx, sizeof(idx), "%d", li[i].ifindex);
		w->name = max_width(w->name, li[i].name);
		w->ifindex = max_width(w->ifindex, idx);
		w->driver = max_width(w->driver, *li[i].driver ?
				      li[i].driver : "-");
		w->hook = max_width(w->hook, li[i].hook);
		w->mode = max_width(w->mode, li[i].mode);
		w->app = max_width(w->app, li[i].app);
	}
}

static void link_print_text(const struct link_info *li, size_t n)
{
	struct link_widths w;
	size_t i;

	link_widths(li, n, &w);
	for (i = 0; i < n; i++)
		printf("%-*s  ifindex %-*d  driver %-*s  hook %-*s  mode %-*s  app %-*s  state %s\n",
		       w.name, li[i].name, w.ifindex, li[i].ifindex,
		       w.driver, *li[i].driver ? li[i].driver : "-",
		       w.hook, li[i].hook, w.mode, li[i].mode,
		       w.app, li[i].app, li[i].operstate);
}

static int link_show(const struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL;
	const struct kwarg kw[] = {
		{ "dev", &dev, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct link_info *li;
	struct netdev *devs;
	size_t ndevs, n;
	int rc;

	rc = parse_kwargs(argc, argv, kw, "link");
	if (rc)
		return rc;
	rc = ndiv_check_loaded();
	if (rc)
		return rc;
	rc = dev_select(dev, &devs, &ndevs);
	if (rc)
		return rc;
	li = calloc(ndevs ? ndevs : 1, sizeof(*li));
	if (!li) {
		free(devs);
		return errno_error(-ENOMEM, "link show");
	}
	rc = link_collect(devs, ndevs, li, &n);
	if (!rc && dev && !n)
		rc = errno_error(-ENODEV, "%s", dev);
	if (!rc && ctx->json)
		link_print_json(ctx, li, n);
	else if (!rc)
		link_print_text(li, n);
	free(li);
	free(devs);
	return rc;
}

/* Whether @dev is Ethernet (ARPHRD_ETHER), as generic mode requires. */
static bool dev_is_ether(const char *dev)
{
	char type[ATTR_LEN];

	if (dev_read(dev, "type", type, sizeof(type)))
		return true;	/* let the kernel decide */
	return !strcmp(type, "1");
}

static int not_ether_error(const char *dev)
{
	errmsg("%s: generic mode works only on Ethernet devices", dev);
	return RC_OBJECT;
}

static int no_hook_error(const char *dev)
{
	char driver[ATTR_LEN];

	dev_driver(dev, driver, sizeof(driver));
	if (!dev_is_ether(dev))
		errmsg("%s: device has no ndiv hook, and generic mode works only on Ethernet devices",
		       dev);
	else if (driver_has_ndiv_build(driver))
		errmsg("%s: the loaded %s is not ndiv's build; install and load ndiv's %s (make install, then reload the module) or use generic mode ('mode generic')",
		       dev, driver, driver);
	else if (*driver)
		errmsg("%s: driver %s has no ndiv hook; use generic mode ('mode generic'), or a NIC whose driver ndiv hooks ('ndivctl features')",
		       dev, driver);
	else
		errmsg("%s: device has no driver with an ndiv hook; use generic mode ('mode generic')",
		       dev);
	return RC_OBJECT;
}

/* @app is the bound app, NULL if we do not know which. */
static int mode_busy_error(const char *dev, const char *mode,
			   const char *app)
{
	errmsg("%s: cannot switch to %s mode while %s%s is bound; run 'ndivctl link detach dev %s' first",
	       dev, mode, app ? "app " : "an app", app ? app : "", dev);
	return RC_REFUSED;
}

/* Switch @dev, currently in state @li, to @mode. */
static int link_set_mode(const char *dev, const struct link_info *li,
			 const char *mode)
{
	int err;

	if (strcmp(li->app, "none"))
		return mode_busy_error(dev, mode, li->app);
	err = dev_write(dev, "ndiv/mode", mode);
	if (err == -EOPNOTSUPP)
		return no_hook_error(dev);
	if (err == -EBUSY)
		return mode_busy_error(dev, mode, NULL);
	if (err)
		return errno_error(err, "%s: cannot set %s mode", dev, mode);
	return RC_OK;
}

/* Bind (or swap to) @app on @dev, which is in @mode. */
static int link_set_app(const char *dev, const char *app, const char *mode)
{
	int err;

	err = dev_write(dev, "ndiv/app", app);
	if (!err)
		return RC_OK;
	if (err == -ENOENT)
		return app_unknown_error(app);
	if (err == -EOPNOTSUPP && !strcmp(mode, "generic"))
		return not_ether_error(dev);
	if (err == -EOPNOTSUPP)
		return no_hook_error(dev);
	if (err == -EBUSY && !strcmp(mode, "generic")) {
		errmsg("%s: generic mode needs the device's rx_handler, which is taken (bridge or bond port?); take %s out of its bridge or bond first",
		       dev, dev);
		return RC_REFUSED;
	}
	return errno_error(err, "%s: cannot attach app %s", dev, app);
}

static int attach_check_args(const char *dev, const char *app,
			     const char *mode)
{
	if (!dev)
		return usage_error("link", "'attach' needs 'dev DEV'");
	if (!app)
		return usage_error("link", "'attach' needs 'app APP'");
	if (!strcmp(app, "none"))
		return usage_error("link",
				   "'none' is not an app; to unbind use 'ndivctl link detach dev %s'",
				   dev);
	if (mode && strcmp(mode, "native") && strcmp(mode, "generic"))
		return usage_error("link",
				   "mode must be 'native' or 'generic', not '%s'",
				   mode);
	return RC_OK;
}

/*
 * Set @mode if given and different, then bind @app unless it is bound
 * already. If binding fails after a mode change, the old mode is restored.
 */
static int link_attach_dev(const char *dev, const char *app,
			   const char *mode)
{
	struct link_info li;
	const char *target;
	int rc, err;

	rc = dev_check(dev);
	if (!rc)
		rc = app_check_registered(app);
	if (rc)
		return rc;
	err = link_read_ndiv(dev, &li);
	if (err)
		return read_error(dev, err);
	target = mode ? mode : li.mode;
	if (!strcmp(target, "native") && !strcmp(li.hook, "none"))
		return no_hook_error(dev);
	if (!strcmp(target, "generic") && !dev_is_ether(dev))
		return not_ether_error(dev);
	if (!strcmp(target, li.mode)) {
		if (!strcmp(li.app, app))
			return RC_OK;
		return link_set_app(dev, app, target);
	}
	rc = link_set_mode(dev, &li, target);
	if (rc)
		return rc;
	rc = link_set_app(dev, app, target);
	if (rc)		/* undo the mode change, best effort */
		dev_write(dev, "ndiv/mode", li.mode);
	return rc;
}

static int link_attach(const struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL, *app = NULL, *mode = NULL;
	const struct kwarg kw[] = {
		{ "dev", &dev, NULL },
		{ "app", &app, NULL },
		{ "mode", &mode, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	int rc;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, "link");
	if (!rc)
		rc = attach_check_args(dev, app, mode);
	if (!rc)
		rc = ndiv_check_loaded();
	if (rc)
		return rc;
	return link_attach_dev(dev, app, mode);
}

static int link_detach(const struct ctx *ctx, int argc, char **argv)
{
	const char *dev = NULL;
	const struct kwarg kw[] = {
		{ "dev", &dev, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char app[ATTR_LEN];
	int rc, err;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, "link");
	if (!rc && !dev)
		rc = usage_error("link", "'detach' needs 'dev DEV'");
	if (!rc)
		rc = ndiv_check_loaded();
	if (!rc)
		rc = dev_check(dev);
	if (rc)
		return rc;
	err = dev_read(dev, "ndiv/app", app, sizeof(app));
	if (!err && !strcmp(app, "none"))
		return RC_OK;
	if (!err)
		err = dev_write(dev, "ndiv/app", "none");
	if (err)
		return errno_error(err, "%s: cannot detach", dev);
	return RC_OK;
}

static const struct cmd link_cmds[] = {
	{ "show", link_show },
	{ "list", link_show },
	{ "attach", link_attach },
	{ "detach", link_detach },
	{ "help", NULL },
	{ NULL, NULL },
};

int do_link(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, "link", link_cmds, link_usage, argc, argv);
}
