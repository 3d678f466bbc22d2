// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl proxy: configure the splicing proxy (Documentation/proxy.rst)
 * and read its counters.
 *
 *   configuration  CONFIGFS/ndiv-proxy/{vip,port,timeout,balance,max_flows,
 *                  sport_min}
 *   backends       CONFIGFS/ndiv-proxy/backends/NAME/{addr,port,weight,
 *                  backup,max_conn}
 *   counters       SYSFS/kernel/ndiv/proxy/stats/COUNTER
 *
 * CONFIGFS is $NDIV_CONFIGFS_ROOT or /sys/kernel/config, where configfs is
 * mounted when nothing is (never under $NDIV_CONFIGFS_ROOT); SYSFS is
 * $NDIV_SYSFS_ROOT or /sys. The limits come from <linux/ndiv_proxy.h>,
 * so that ndivctl refuses what the kernel would.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ndiv_proxy.h>

#include "appcfg.h"
#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

#define PRX			"proxy"

void proxy_usage(FILE *f)
{
	fputs("Usage: ndivctl proxy show\n", f);
	fputs("       ndivctl proxy set [ vip { ADDR | none } ] [ port PORT ] [ timeout SECONDS ]\n",
	      f);
	fputs("                   [ balance { roundrobin | leastconn | hash-source | hash-uri } ]\n",
	      f);
	fputs("                   [ max-flows N ] [ sport-min PORT ]\n", f);
	fputs("       ndivctl proxy backend add NAME addr ADDR port PORT [ weight W ] [ backup ]\n",
	      f);
	fputs("                   [ max-conn N ]\n", f);
	fputs("       ndivctl proxy backend set NAME [ weight W ] [ backup { on | off } ] [ max-conn N ]\n",
	      f);
	fputs("       ndivctl proxy backend del NAME\n", f);
	fputs("       ndivctl proxy backend list\n", f);
	fputs("       ndivctl proxy stats\n", f);
	fputs("       ndivctl proxy help\n", f);
}

/* ---- where things are -------------------------------------------------- */

static const struct appcfg prx_cfg = {
	.app = PRX,
	.dir = PROXY_CONFIGFS_DIR,
	.sub = PROXY_BACKENDS_DIR,
};

/* "CONFIGFS/ndiv-proxy<fmt ...>" into @buf; 0 or -ENAMETOOLONG. */
#define prx_path(buf, len, fmt, ...) \
	sysfs_path_fits(snprintf(buf, len, "%s/" PROXY_CONFIGFS_DIR fmt, \
				 configfs_root(), ##__VA_ARGS__), len)

static int attr_read(const char *be, const char *attr, char *buf,
		     size_t len)
{
	return appcfg_read(&prx_cfg, be, attr, buf, len);
}

static int attr_write(const char *be, const char *attr, const char *val)
{
	return appcfg_write(&prx_cfg, be, attr, val);
}

static int prx_check_configfs(void)
{
	return appcfg_check_configfs(&prx_cfg);
}

/* ---- value checks ------------------------------------------------------ */

static bool ip4_ok(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1 && a.s_addr;
}

/* Backend names: what is safe in a path and in a shell. */
static bool be_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len <= PROXY_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	       len;
}

static const char *const balance_names[] = {
	PROXY_BALANCE_RR, PROXY_BALANCE_LEASTCONN, PROXY_BALANCE_HASH_SRC,
	PROXY_BALANCE_HASH_URI,
};

static bool balance_ok(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(balance_names); i++)
		if (!strcmp(s, balance_names[i]))
			return true;
	return false;
}

/* weight and max-conn of backend add/set; a usage error or RC_OK. */
static int be_values_check(const char *weight, const char *max_conn)
{
	unsigned long v;

	if (weight && !parse_uint(weight, PROXY_WEIGHT_MIN, PROXY_WEIGHT_MAX,
				  &v))
		return usage_error(PRX, "weight must be a number from %d to %d, not '%s'",
				   PROXY_WEIGHT_MIN, PROXY_WEIGHT_MAX, weight);
	if (max_conn && !parse_uint(max_conn, 0, PROXY_MAX_CONN_MAX, &v))
		return usage_error(PRX, "max-conn must be a number from 0 (no limit) to %d, not '%s'",
				   PROXY_MAX_CONN_MAX, max_conn);
	return RC_OK;
}

static int be_name_error(const char *name)
{
	return usage_error(PRX, "bad backend name '%s' (1 to %d of [A-Za-z0-9._-], not starting with '.')",
			   name, PROXY_NAME_MAX);
}

/* ---- show ---------------------------------------------------------------- */

struct prx_conf {
	char vip[ATTR_LEN];
	char port[ATTR_LEN];
	char timeout[ATTR_LEN];
	char balance[ATTR_LEN];
	char max_flows[ATTR_LEN];
	char sport_min[ATTR_LEN];
};

static int conf_read(struct prx_conf *c)
{
	const struct {
		const char *attr;
		char *buf;
		size_t len;
	} a[] = {
		{ PROXY_ATTR_VIP, c->vip, sizeof(c->vip) },
		{ PROXY_ATTR_PORT, c->port, sizeof(c->port) },
		{ PROXY_ATTR_TIMEOUT, c->timeout, sizeof(c->timeout) },
		{ PROXY_ATTR_MAX_FLOWS, c->max_flows, sizeof(c->max_flows) },
		{ PROXY_ATTR_SPORT_MIN, c->sport_min, sizeof(c->sport_min) },
	};
	unsigned long v;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		err = attr_read(NULL, a[i].attr, a[i].buf, a[i].len);
		if (!err && i && !parse_uint(a[i].buf, 0, ULONG_MAX, &v))
			err = -EINVAL;
		if (err)
			return errno_error(err, "proxy: cannot read %s",
					   a[i].attr);
	}
	err = attr_read(NULL, PROXY_ATTR_BALANCE, c->balance,
			sizeof(c->balance));
	if (!err && !balance_ok(c->balance))
		err = -EINVAL;
	if (err)
		return errno_error(err, "proxy: cannot read %s",
				   PROXY_ATTR_BALANCE);
	return RC_OK;
}

static int prx_show(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct prx_conf c;
	struct json j;
	int rc;

	rc = parse_kwargs(argc, argv, kw, PRX);
	if (!rc)
		rc = prx_check_configfs();
	if (!rc)
		rc = conf_read(&c);
	if (rc)
		return rc;
	if (ctx->json) {
		json_init(&j, stdout, ctx->pretty);
		json_begin(&j, '{');
		json_kv_str(&j, "vip", strcmp(c.vip, "none") ? c.vip : NULL);
		json_kv_u64(&j, "port", strtoull(c.port, NULL, 10));
		json_kv_u64(&j, "timeout", strtoull(c.timeout, NULL, 10));
		json_kv_str(&j, "balance", c.balance);
		json_kv_u64(&j, "max_flows", strtoull(c.max_flows, NULL, 10));
		json_kv_u64(&j, "sport_min", strtoull(c.sport_min, NULL, 10));
		json_end(&j, '}');
		return RC_OK;
	}
	printf("vip %s\n", c.vip);
	printf("port %s\n", c.port);
	printf("timeout %s\n", c.timeout);
	printf("balance %s\n", c.balance);
	printf("max-flows %s\n", c.max_flows);
	printf("sport-min %s\n", c.sport_min);
	return RC_OK;
}

/* ---- set ----------------------------------------------------------------- */

static int set_write(const char *attr, const char *val)
{
	int err = attr_write(NULL, attr, val);

	if (err == -ERANGE)
		return errno_error(err, "proxy: %s '%s': sport-min + max-flows must stay at most 65536",
				   attr, val);
	if (err)
		return errno_error(err, "proxy: cannot set %s to '%s'", attr,
				   val);
	return RC_OK;
}

static int prx_set(const struct ctx *ctx, int argc, char **argv)
{
	const char *vip = NULL, *port = NULL, *timeout = NULL;
	const char *flows = NULL, *sport = NULL, *balance = NULL;
	const struct kwarg kw[] = {
		{ "vip", &vip, NULL },
		{ "port", &port, NULL },
		{ "timeout", &timeout, NULL },
		{ "balance", &balance, NULL },
		{ "max-flows", &flows, NULL },
		{ "sport-min", &sport, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	unsigned long v;
	int rc;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, PRX);
	if (rc)
		return rc;
	if (!vip && !port && !timeout && !balance && !flows && !sport)
		return usage_error(PRX, "'set' needs at least one of 'vip', 'port', 'timeout', 'balance', 'max-flows' and 'sport-min'");
	if (balance && !balance_ok(balance))
		return usage_error(PRX, "balance must be one of roundrobin, leastconn, hash-source and hash-uri, not '%s'",
				   balance);
	if (vip && strcmp(vip, "none") && !ip4_ok(vip))
		return usage_error(PRX, "vip must be an IPv4 address or 'none', not '%s'",
				   vip);
	if (port && !parse_uint(port, 1, 65535, &v))
		return usage_error(PRX, "port must be a number from 1 to 65535, not '%s'",
				   port);
	if (timeout && !parse_uint(timeout, PROXY_TIMEOUT_MIN,
				   PROXY_TIMEOUT_MAX, &v))
		return usage_error(PRX, "timeout must be a number of seconds from %d to %d, not '%s'",
				   PROXY_TIMEOUT_MIN, PROXY_TIMEOUT_MAX,
				   timeout);
	if (flows && !parse_uint(flows, PROXY_MAX_FLOWS_MIN,
				 PROXY_MAX_FLOWS_MAX, &v))
		return usage_error(PRX, "max-flows must be a number from %d to %d, not '%s'",
				   PROXY_MAX_FLOWS_MIN, PROXY_MAX_FLOWS_MAX,
				   flows);
	if (sport && !parse_uint(sport, PROXY_SPORT_MIN_MIN, 65535, &v))
		return usage_error(PRX, "sport-min must be a port from %d to 65535, not '%s'",
				   PROXY_SPORT_MIN_MIN, sport);
	rc = prx_check_configfs();
	if (!rc && port)
		rc = set_write(PROXY_ATTR_PORT, port);
	if (!rc && timeout)
		rc = set_write(PROXY_ATTR_TIMEOUT, timeout);
	if (!rc && balance)
		rc = set_write(PROXY_ATTR_BALANCE, balance);
	if (!rc && flows)
		rc = set_write(PROXY_ATTR_MAX_FLOWS, flows);
	if (!rc && sport)
		rc = set_write(PROXY_ATTR_SPORT_MIN, sport);
	/* last: the VIP goes live with the rest already set */
	if (!rc && vip)
		rc = set_write(PROXY_ATTR_VIP, vip);
	return rc;
}

/* ---- backend add / del / list -------------------------------------------- */

static int be_dir(char *buf, size_t len, const char *name)
{
	return prx_path(buf, len, "/" PROXY_BACKENDS_DIR "/%s", name);
}

static int be_add(const struct ctx *ctx, int argc, char **argv)
{
	const char *addr = NULL, *port = NULL, *weight = NULL, *max_conn = NULL;
	bool backup = false;
	const struct kwarg kw[] = {
		{ "addr", &addr, NULL },
		{ "port", &port, NULL },
		{ "weight", &weight, NULL },
		{ "backup", NULL, &backup },
		{ "max-conn", &max_conn, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char dir[PATH_LEN];
	const char *name;
	unsigned long v;
	int rc, err;

	(void)ctx;
	if (!argc)
		return usage_error(PRX, "'backend add' needs a NAME");
	if (!strcmp(argv[0], "help"))
		return RC_HELP;
	name = argv[0];
	if (!be_name_ok(name))
		return be_name_error(name);
	rc = parse_kwargs(argc - 1, argv + 1, kw, PRX);
	if (rc)
		return rc;
	if (!addr || !port)
		return usage_error(PRX, "'backend add' needs 'addr ADDR' and 'port PORT'");
	if (!ip4_ok(addr))
		return usage_error(PRX, "addr must be an IPv4 address, not '%s'",
				   addr);
	if (!parse_uint(port, 1, 65535, &v))
		return usage_error(PRX, "port must be a number from 1 to 65535, not '%s'",
				   port);
	rc = be_values_check(weight, max_conn);
	if (!rc)
		rc = prx_check_configfs();
	if (rc)
		return rc;
	err = be_dir(dir, sizeof(dir), name);
	if (!err && mkdir(dir, 0755))
		err = -errno;
	if (err == -EEXIST) {
		errmsg("%s: the backend exists; 'ndivctl proxy backend del %s' first",
		       name, name);
		return RC_REFUSED;
	}
	if (err)
		return errno_error(err, "%s: cannot create the backend", name);
	/* the balancing values first: addr puts the backend in service */
	err = attr_write(name, PROXY_BE_ATTR_PORT, port);
	if (!err && weight)
		err = attr_write(name, PROXY_BE_ATTR_WEIGHT, weight);
	if (!err && backup)
		err = attr_write(name, PROXY_BE_ATTR_BACKUP, "1");
	if (!err && max_conn)
		err = attr_write(name, PROXY_BE_ATTR_MAX_CONN, max_conn);
	if (!err)
		err = attr_write(name, PROXY_BE_ATTR_ADDR, addr);
	if (err) {
		rmdir(dir);
		return errno_error(err, "%s: cannot set the backend", name);
	}
	return RC_OK;
}

static int be_set(const struct ctx *ctx, int argc, char **argv)
{
	const char *weight = NULL, *backup = NULL, *max_conn = NULL;
	const struct kwarg kw[] = {
		{ "weight", &weight, NULL },
		{ "backup", &backup, NULL },
		{ "max-conn", &max_conn, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char dir[PATH_LEN];
	const char *name;
	struct stat st;
	int rc, err;

	(void)ctx;
	if (!argc)
		return usage_error(PRX, "'backend set' needs a NAME");
	if (!strcmp(argv[0], "help"))
		return RC_HELP;
	name = argv[0];
	if (!be_name_ok(name))
		return be_name_error(name);
	rc = parse_kwargs(argc - 1, argv + 1, kw, PRX);
	if (rc)
		return rc;
	if (!weight && !backup && !max_conn)
		return usage_error(PRX, "'backend set' needs at least one of 'weight', 'backup' and 'max-conn'");
	if (backup && strcmp(backup, "on") && strcmp(backup, "off"))
		return usage_error(PRX, "backup must be 'on' or 'off', not '%s'",
				   backup);
	rc = be_values_check(weight, max_conn);
	if (!rc)
		rc = prx_check_configfs();
	if (rc)
		return rc;
	err = be_dir(dir, sizeof(dir), name);
	if (!err && stat(dir, &st))
		err = -errno;
	if (err == -ENOENT) {
		errmsg("%s: no such backend; 'ndivctl proxy backend list' shows the backends",
		       name);
		return RC_OBJECT;
	}
	if (!err && weight)
		err = attr_write(name, PROXY_BE_ATTR_WEIGHT, weight);
	if (!err && backup)
		err = attr_write(name, PROXY_BE_ATTR_BACKUP,
				 strcmp(backup, "on") ? "0" : "1");
	if (!err && max_conn)
		err = attr_write(name, PROXY_BE_ATTR_MAX_CONN, max_conn);
	if (err)
		return errno_error(err, "%s: cannot set the backend", name);
	return RC_OK;
}

static int be_del(const struct ctx *ctx, int argc, char **argv)
{
	char dir[PATH_LEN];
	const char *name;
	int rc, err;

	(void)ctx;
	if (!argc)
		return usage_error(PRX, "'backend del' needs a NAME");
	if (!strcmp(argv[0], "help"))
		return RC_HELP;
	if (argc > 1)
		return usage_error(PRX, "unknown argument '%s'", argv[1]);
	name = argv[0];
	if (!be_name_ok(name))
		return be_name_error(name);
	rc = prx_check_configfs();
	if (rc)
		return rc;
	err = be_dir(dir, sizeof(dir), name);
	if (!err && rmdir(dir))
		err = -errno;
	if (err == -ENOENT) {
		errmsg("%s: no such backend; 'ndivctl proxy backend list' shows the backends",
		       name);
		return RC_OBJECT;
	}
	if (err)
		return errno_error(err, "%s: cannot delete the backend", name);
	return RC_OK;
}

struct be_info {
	char name[NAME_MAX + 1];
	char addr[ATTR_LEN];
	char port[ATTR_LEN];
	char weight[ATTR_LEN];
	char backup[ATTR_LEN];
	char max_conn[ATTR_LEN];
};

/* A backend's attributes into b; 0 or a negative errno. */
static int be_read(struct be_info *b)
{
	const struct {
		const char *attr;
		char *buf;
	} a[] = {
		{ PROXY_BE_ATTR_ADDR, b->addr },
		{ PROXY_BE_ATTR_PORT, b->port },
		{ PROXY_BE_ATTR_WEIGHT, b->weight },
		{ PROXY_BE_ATTR_BACKUP, b->backup },
		{ PROXY_BE_ATTR_MAX_CONN, b->max_conn },
	};
	unsigned long v;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		err = attr_read(b->name, a[i].attr, a[i].buf, ATTR_LEN);
		if (err)
			return err;
		if (i && !parse_uint(a[i].buf, 0, ULONG_MAX, &v))
			return -EINVAL;
	}
	return 0;
}

static int be_info_cmp(const void *a, const void *b)
{
	const struct be_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The backends sorted by name; prints the error; the caller frees *@v. */
static int be_collect(struct be_info **v, size_t *n)
{
	struct be_info b, *nv;
	char dir[PATH_LEN];
	struct dirent *de;
	size_t cap = 0;
	int err, rc = RC_OK;
	DIR *d;

	*v = NULL;
	*n = 0;
	if (prx_path(dir, sizeof(dir), "/" PROXY_BACKENDS_DIR))
		return errno_error(-ENAMETOOLONG, "proxy backends");
	d = opendir(dir);
	if (!d)
		return errno_error(-errno, "%s: cannot list the backends", dir);
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(b.name, sizeof(b.name), "%s", de->d_name);
		err = be_read(&b);
		if (err == -ENOENT)	/* deleted while we looked */
			continue;
		if (err) {
			rc = errno_error(err, "%s: cannot read the backend",
					 b.name);
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			nv = realloc(*v, cap * sizeof(*nv));
			if (!nv) {
				rc = errno_error(-ENOMEM, "proxy backends");
				break;
			}
			*v = nv;
		}
		(*v)[(*n)++] = b;
	}
	closedir(d);
	if (rc) {
		free(*v);
		*v = NULL;
		return rc;
	}
	qsort(*v, *n, sizeof(**v), be_info_cmp);
	return RC_OK;
}

static int be_list(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct be_info *v;
	struct json j;
	size_t i, n;
	int rc;

	rc = parse_kwargs(argc, argv, kw, PRX);
	if (!rc)
		rc = prx_check_configfs();
	if (!rc)
		rc = be_collect(&v, &n);
	if (rc)
		return rc;
	if (ctx->json) {
		json_init(&j, stdout, ctx->pretty);
		json_begin(&j, '[');
		for (i = 0; i < n; i++) {
			json_begin(&j, '{');
			json_kv_str(&j, "name", v[i].name);
			json_kv_str(&j, "addr", strcmp(v[i].addr, "none") ?
					       v[i].addr : NULL);
			json_kv_u64(&j, "port", strtoull(v[i].port, NULL, 10));
			json_kv_u64(&j, "weight",
				    strtoull(v[i].weight, NULL, 10));
			json_kv_bool(&j, "backup", strcmp(v[i].backup, "0"));
			json_kv_u64(&j, "max_conn",
				    strtoull(v[i].max_conn, NULL, 10));
			json_end(&j, '}');
		}
		json_end(&j, ']');
	} else {
		for (i = 0; i < n; i++)
			printf("%s  addr %s  port %s  weight %s  backup %s  max-conn %s\n",
			       v[i].name, v[i].addr, v[i].port, v[i].weight,
			       strcmp(v[i].backup, "0") ? "on" : "off",
			       v[i].max_conn);
	}
	free(v);
	return RC_OK;
}

/* ---- stats --------------------------------------------------------------- */

static int prx_stats(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	int rc;

	rc = parse_kwargs(argc, argv, kw, PRX);
	return rc ? rc : appcfg_stats(ctx, &prx_cfg);
}

/* ---- dispatch ------------------------------------------------------------ */

static const struct cmd be_cmds[] = {
	{ "list", be_list },
	{ "show", be_list },
	{ "add", be_add },
	{ "set", be_set },
	{ "del", be_del },
	{ "delete", be_del },
	{ "help", NULL },
	{ NULL, NULL },
};

static int prx_backend(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, PRX, be_cmds, proxy_usage, argc, argv);
}

static const struct cmd prx_cmds[] = {
	{ "show", prx_show },
	{ "set", prx_set },
	{ "backend", prx_backend },
	{ "stats", prx_stats },
	{ "help", NULL },
	{ NULL, NULL },
};

int do_proxy(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, PRX, prx_cmds, proxy_usage, argc, argv);
}
