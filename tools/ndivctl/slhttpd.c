// SPDX-License-Identifier: GPL-2.0
/*
 * ndivctl slhttpd: configure slhttpd, the stateless in-driver HTTP
 * responder (Documentation/slhttpd.rst), and read its counters.
 *
 *   configuration  CONFIGFS/slhttpd/{ports,invalid,rotate,addresses,date}
 *   objects        CONFIGFS/slhttpd/objects/NAME/{path,type,status,
 *                  location,body,size,enable}
 *   counters       SYSFS/kernel/ndiv/slhttpd/stats/COUNTER
 *
 * CONFIGFS is $NDIV_CONFIGFS_ROOT or /sys/kernel/config, where configfs is
 * mounted when nothing is (never under $NDIV_CONFIGFS_ROOT); SYSFS is
 * $NDIV_SYSFS_ROOT or /sys. The limits come from the engine's header, so
 * that ndivctl refuses what the kernel would.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ndiv_ring.h>
#include <linux/ndiv_slhttpd.h>

#include "appcfg.h"
#include "json.h"
#include "ndivctl.h"
#include "sysfs.h"

#define SLH			SLHTTPD_CONFIGFS_DIR
#define OBJ_NAME_MAX		64
#define STATUS_MIN		200
#define STATUS_MAX		599
#define ROTATE_MIN		SLHTTPD_ROTATE_MIN
#define ROTATE_MAX		SLHTTPD_ROTATE_MAX
/* A list attribute (ports, addresses) or argument, with room to spare. */
#define LIST_LEN		1024
/* The longest offload prefix. */
#define PATH_MAX_LEN		SLHTTPD_OBJ_PATH_MAX

void slhttpd_usage(FILE *f)
{
	fputs("Usage: ndivctl slhttpd show\n", f);
	fputs("       ndivctl slhttpd set [ ports PORT[,PORT...] ] [ invalid { drop | rst } ]\n",
	      f);
	fputs("                   [ rotate SECONDS ] [ addresses { any | ADDR[,ADDR...] } ]\n",
	      f);
	fputs("                   [ date { on | off } ]\n", f);
	fputs("       ndivctl slhttpd object add NAME path PATH [ type TYPE ] [ status CODE ]\n",
	      f);
	fputs("                   [ location URL ] file FILE\n", f);
	fputs("       ndivctl slhttpd object del NAME\n", f);
	fputs("       ndivctl slhttpd object list\n", f);
	fputs("       ndivctl slhttpd offload add prefix PREFIX ring NAME\n", f);
	fputs("       ndivctl slhttpd offload del prefix PREFIX\n", f);
	fputs("       ndivctl slhttpd offload list\n", f);
	fputs("       ndivctl slhttpd stats\n", f);
	fputs("       ndivctl slhttpd help\n", f);
}

/* ---- where things are -------------------------------------------------- */

static const struct appcfg slh_cfg = {
	.app = SLH,
	.dir = SLHTTPD_CONFIGFS_DIR,
	.sub = SLHTTPD_OBJECTS_DIR,
};

/* "CONFIGFS/slhttpd<fmt ...>" into @buf; 0 or -ENAMETOOLONG. */
#define slh_path(buf, len, fmt, ...) \
	sysfs_path_fits(snprintf(buf, len, "%s/" SLH fmt, configfs_root(), \
				 ##__VA_ARGS__), len)

static int attr_path(char *buf, size_t len, const char *obj,
		     const char *attr)
{
	return appcfg_path(&slh_cfg, buf, len, obj, attr);
}

static int attr_read(const char *obj, const char *attr, char *buf,
		     size_t len)
{
	return appcfg_read(&slh_cfg, obj, attr, buf, len);
}

static int attr_write(const char *obj, const char *attr, const char *val)
{
	return appcfg_write(&slh_cfg, obj, attr, val);
}

static int slh_check_configfs(void)
{
	return appcfg_check_configfs(&slh_cfg);
}

/* ---- value checks ------------------------------------------------------ */

/*
 * Whether @s is printable ASCII, from '!' (or ' ' if @space) to '~', with
 * none of the characters in @reject; the kernel checks the same.
 */
static bool text_ok(const char *s, bool space, const char *reject)
{
	for (; *s; s++) {
		if (*s < (space ? ' ' : '!') || *s > '~' || strchr(reject, *s))
			return false;
	}
	return true;
}

/* Object names: what is safe in a path and in a shell. */
static bool obj_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len <= OBJ_NAME_MAX && name[0] != '.' &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	       len;
}

static int obj_name_error(const char *name)
{
	return usage_error(SLH, "an object name is 1 to %d letters, digits, '.', '_' or '-', not starting with '.', not '%s'",
			   OBJ_NAME_MAX, name);
}

/* A list "A,B,C": no empty element, not too long for @len. */
static bool list_ok(const char *arg, size_t len)
{
	size_t n = strlen(arg);

	return n && n < len && arg[0] != ',' && arg[n - 1] != ',' &&
	       !strstr(arg, ",,");
}

/* "80,8080" -> "80 8080" in @out: 1 to SLHTTPD_MAX_PORTS distinct ports. */
static bool ports_ok(const char *arg, char *out, size_t len)
{
	unsigned long port, seen[SLHTTPD_MAX_PORTS];
	char buf[LIST_LEN], *save, *tok;
	int n = 0, i;

	if (!list_ok(arg, sizeof(buf)))
		return false;
	snprintf(buf, sizeof(buf), "%s", arg);
	out[0] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == SLHTTPD_MAX_PORTS || !parse_uint(tok, 1, 65535, &port))
			return false;
		for (i = 0; i < n; i++)
			if (seen[i] == port)
				return false;
		seen[n++] = port;
		snprintf(out + strlen(out), len - strlen(out), "%s%lu",
			 n > 1 ? " " : "", port);
	}
	return n > 0;
}

/*
 * "any" -> "\n" (configfs refuses an empty write), "A,B" -> "A B": up to
 * SLHTTPD_MAX_ADDRS distinct addresses of each family.
 */
static bool addresses_ok(const char *arg, char *out, size_t len)
{
	unsigned char a[SLHTTPD_MAX_ADDRS * 2][16], bin[16];
	char buf[LIST_LEN], *save, *tok;
	int n4 = 0, n6 = 0, i, af;

	if (!strcmp(arg, "any")) {
		snprintf(out, len, "\n");
		return true;
	}
	if (!list_ok(arg, sizeof(buf)))
		return false;
	snprintf(buf, sizeof(buf), "%s", arg);
	out[0] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		af = strchr(tok, ':') ? AF_INET6 : AF_INET;
		memset(bin, 0, sizeof(bin));
		if (inet_pton(af, tok, bin) != 1)
			return false;
		if (af == AF_INET6 ? n6++ == SLHTTPD_MAX_ADDRS :
				     n4++ == SLHTTPD_MAX_ADDRS)
			return false;
		/* IPv4 in a[0..7], IPv6 in a[8..15] */
		for (i = af == AF_INET6 ? SLHTTPD_MAX_ADDRS : 0;
		     i < (af == AF_INET6 ? SLHTTPD_MAX_ADDRS + n6 - 1 : n4 - 1);
		     i++)
			if (!memcmp(a[i], bin, 16))
				return false;
		memcpy(a[af == AF_INET6 ? SLHTTPD_MAX_ADDRS + n6 - 1 : n4 - 1],
		       bin, 16);
		snprintf(out + strlen(out), len - strlen(out), "%s%s",
			 *out ? " " : "", tok);
	}
	return n4 + n6 > 0;
}

/* ---- show ---------------------------------------------------------------- */

struct slh_conf {
	char ports[LIST_LEN];
	char invalid[ATTR_LEN];
	char rotate[ATTR_LEN];
	char addresses[LIST_LEN];
	char date[ATTR_LEN];
};

static int conf_read(struct slh_conf *c)
{
	const struct {
		const char *attr;
		char *buf;
		size_t len;
	} a[] = {
		{ SLHTTPD_ATTR_PORTS, c->ports, sizeof(c->ports) },
		{ SLHTTPD_ATTR_INVALID, c->invalid, sizeof(c->invalid) },
		{ SLHTTPD_ATTR_ROTATE, c->rotate, sizeof(c->rotate) },
		{ SLHTTPD_ATTR_ADDRESSES, c->addresses, sizeof(c->addresses) },
		{ SLHTTPD_ATTR_DATE, c->date, sizeof(c->date) },
	};
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(a); i++) {
		err = attr_read(NULL, a[i].attr, a[i].buf, a[i].len);
		if (err)
			return errno_error(err, "slhttpd: cannot read %s",
					   a[i].attr);
	}
	return RC_OK;
}

/* Print the space-separated @list as JSON numbers or strings. */
static int json_list(struct json *j, const char *key, const char *list,
		     bool numbers)
{
	char buf[LIST_LEN], *save, *tok;
	unsigned long v;

	snprintf(buf, sizeof(buf), "%s", list);
	json_key(j, key);
	json_begin(j, '[');
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (!numbers)
			json_str(j, tok);
		else if (parse_uint(tok, 0, ULONG_MAX, &v))
			json_u64(j, v);
		else
			return -EINVAL;
	}
	json_end(j, ']');
	return 0;
}

static void commas(char *s)
{
	for (; *s; s++)
		if (*s == ' ')
			*s = ',';
}

static int conf_print_json(const struct ctx *ctx, const struct slh_conf *c)
{
	unsigned long rotate;
	struct json j;
	FILE *f;
	char *out;
	size_t len;
	int err;

	/* Into memory first: nothing on stdout if a value is bad. */
	f = open_memstream(&out, &len);
	if (!f)
		return errno_error(-errno, "slhttpd show");
	json_init(&j, f, ctx->pretty);
	json_begin(&j, '{');
	err = json_list(&j, "ports", c->ports, true);
	json_kv_str(&j, "invalid", c->invalid);
	if (!err && parse_uint(c->rotate, 0, ULONG_MAX, &rotate))
		json_kv_u64(&j, "rotate", rotate);
	else
		err = -EINVAL;
	if (!err)
		err = json_list(&j, "addresses", c->addresses, false);
	json_kv_bool(&j, "date", strcmp(c->date, "0"));
	json_end(&j, '}');
	fclose(f);
	if (!err)
		fputs(out, stdout);
	free(out);
	if (err)
		return errno_error(err, "slhttpd: cannot read the configuration");
	return RC_OK;
}

static int slh_show(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct slh_conf c;
	int rc;

	rc = parse_kwargs(argc, argv, kw, SLH);
	if (!rc)
		rc = slh_check_configfs();
	if (!rc)
		rc = conf_read(&c);
	if (rc)
		return rc;
	if (ctx->json)
		return conf_print_json(ctx, &c);
	commas(c.ports);
	commas(c.addresses);
	printf("ports %s\n", c.ports);
	printf("invalid %s\n", c.invalid);
	printf("rotate %s\n", c.rotate);
	printf("addresses %s\n", *c.addresses ? c.addresses : "any");
	printf("date %s\n", strcmp(c.date, "0") ? "on" : "off");
	return RC_OK;
}

/* ---- set ----------------------------------------------------------------- */

static int set_write(const char *attr, const char *val, const char *arg)
{
	int err = attr_write(NULL, attr, val);

	if (err)
		return errno_error(err, "slhttpd: cannot set %s to '%s'", attr,
				   arg);
	return RC_OK;
}

static int slh_set(const struct ctx *ctx, int argc, char **argv)
{
	const char *ports = NULL, *invalid = NULL, *rotate = NULL;
	const char *addrs = NULL, *date = NULL;
	const struct kwarg kw[] = {
		{ "ports", &ports, NULL },
		{ "invalid", &invalid, NULL },
		{ "rotate", &rotate, NULL },
		{ "addresses", &addrs, NULL },
		{ "date", &date, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char kports[LIST_LEN], kaddrs[LIST_LEN];
	unsigned long secs;
	int rc;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, SLH);
	if (rc)
		return rc;
	if (!ports && !invalid && !rotate && !addrs && !date)
		return usage_error(SLH, "'set' needs at least one of 'ports', 'invalid', 'rotate', 'addresses' and 'date'");
	if (ports && !ports_ok(ports, kports, sizeof(kports)))
		return usage_error(SLH, "ports must be 1 to %d distinct numbers from 1 to 65535 separated by commas, not '%s'",
				   SLHTTPD_MAX_PORTS, ports);
	if (invalid && strcmp(invalid, "drop") && strcmp(invalid, "rst"))
		return usage_error(SLH, "invalid must be 'drop' or 'rst', not '%s'",
				   invalid);
	if (rotate && !parse_uint(rotate, ROTATE_MIN, ROTATE_MAX, &secs))
		return usage_error(SLH, "rotate must be a number of seconds from %d to %d, not '%s'",
				   ROTATE_MIN, ROTATE_MAX, rotate);
	if (addrs && !addresses_ok(addrs, kaddrs, sizeof(kaddrs)))
		return usage_error(SLH, "addresses must be 'any' or up to %d distinct IPv4 and %d distinct IPv6 addresses separated by commas, not '%s'",
				   SLHTTPD_MAX_ADDRS, SLHTTPD_MAX_ADDRS, addrs);
	if (date && strcmp(date, "on") && strcmp(date, "off"))
		return usage_error(SLH, "date must be 'on' or 'off', not '%s'",
				   date);
	rc = slh_check_configfs();
	if (!rc && ports)
		rc = set_write(SLHTTPD_ATTR_PORTS, kports, ports);
	if (!rc && invalid)
		rc = set_write(SLHTTPD_ATTR_INVALID, invalid, invalid);
	if (!rc && rotate)
		rc = set_write(SLHTTPD_ATTR_ROTATE, rotate, rotate);
	if (!rc && addrs)
		rc = set_write(SLHTTPD_ATTR_ADDRESSES, kaddrs, addrs);
	if (!rc && date)
		rc = set_write(SLHTTPD_ATTR_DATE,
			       strcmp(date, "on") ? "0" : "1", date);
	return rc;
}

/* ---- object add ---------------------------------------------------------- */

struct obj_args {
	const char *name, *path, *type, *status, *location, *file;
};

static int obj_args_check(const struct obj_args *a)
{
	unsigned long v;

	if (!a->path)
		return usage_error(SLH, "'object add' needs 'path PATH'");
	if (!a->file)
		return usage_error(SLH, "'object add' needs 'file FILE'");
	if (a->path[0] != '/' || strlen(a->path) > SLHTTPD_OBJ_PATH_MAX ||
	    !text_ok(a->path, false, "?#"))
		return usage_error(SLH, "path must start with '/' and be at most %d visible ASCII characters without '?' or '#', not '%s'",
				   SLHTTPD_OBJ_PATH_MAX, a->path);
	if (a->type && (!*a->type || strlen(a->type) > SLHTTPD_OBJ_TYPE_MAX ||
			!text_ok(a->type, true, "")))
		return usage_error(SLH, "type must be 1 to %d printable ASCII characters, not '%s'",
				   SLHTTPD_OBJ_TYPE_MAX, a->type);
	if (a->status && !parse_uint(a->status, STATUS_MIN, STATUS_MAX, &v))
		return usage_error(SLH, "status must be a number from %d to %d, not '%s'",
				   STATUS_MIN, STATUS_MAX, a->status);
	if (a->location && (strlen(a->location) > SLHTTPD_OBJ_LOCATION_MAX ||
			    !text_ok(a->location, false, "")))
		return usage_error(SLH, "location must be at most %d visible ASCII characters, not '%s'",
				   SLHTTPD_OBJ_LOCATION_MAX, a->location);
	return RC_OK;
}

/* The whole of @file, at most SLHTTPD_MAX_BODY bytes; the caller frees *buf. */
static int body_read(const char *file, char **buf, size_t *len)
{
	size_t got = 0;
	ssize_t n;
	int fd, err = 0;

	*buf = malloc(SLHTTPD_MAX_BODY + 1);
	if (!*buf)
		return errno_error(-ENOMEM, "%s", file);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	while (got <= SLHTTPD_MAX_BODY) {
		n = read(fd, *buf + got, SLHTTPD_MAX_BODY + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (!n)
			break;
		got += n;
	}
	close(fd);
out:
	if (err) {
		free(*buf);
		return errno_error(err, "%s: cannot read", file);
	}
	if (got > SLHTTPD_MAX_BODY) {
		free(*buf);
		errmsg("%s: larger than %u bytes, the most an object may have",
		       file, SLHTTPD_MAX_BODY);
		return RC_REFUSED;
	}
	*len = got;
	return RC_OK;
}

/* Write @len bytes to the binary attribute at @path, in as many writes. */
static int bin_write(const char *path, const char *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		done += n;
	}
	/* configfs hands the body to slhttpd here, and drops its error. */
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int obj_set(const char *name, const char *attr, const char *val)
{
	int err = attr_write(name, attr, val);

	if (err)
		return errno_error(err, "%s: cannot set %s to '%s'", name,
				   attr, val);
	return RC_OK;
}

/* The body, then a check that slhttpd took it ("size"). */
static int obj_set_body(const char *name, const char *body, size_t len)
{
	char path[PATH_LEN], size[ATTR_LEN];
	int err;

	err = attr_path(path, sizeof(path), name, SLHTTPD_OBJ_ATTR_BODY);
	if (!err)
		err = bin_write(path, body, len);
	if (!err)
		err = attr_read(name, SLHTTPD_OBJ_ATTR_SIZE, size, sizeof(size));
	if (err)
		return errno_error(err, "%s: cannot write the body", name);
	if (strtoull(size, NULL, 10) != len) {
		errmsg("%s: slhttpd did not take the body of %zu bytes (its size reads %s)",
		       name, len, size);
		return RC_REFUSED;
	}
	return RC_OK;
}

/* Fill in the object made by mkdir and enable it. */
static int obj_fill(const struct obj_args *a, const char *body, size_t len)
{
	int rc, err;

	rc = obj_set(a->name, SLHTTPD_OBJ_ATTR_PATH, a->path);
	if (!rc && a->type)
		rc = obj_set(a->name, SLHTTPD_OBJ_ATTR_TYPE, a->type);
	if (!rc && a->status)
		rc = obj_set(a->name, SLHTTPD_OBJ_ATTR_STATUS, a->status);
	if (!rc && a->location && *a->location)
		rc = obj_set(a->name, SLHTTPD_OBJ_ATTR_LOCATION, a->location);
	if (!rc && len)
		rc = obj_set_body(a->name, body, len);
	if (rc)
		return rc;
	err = attr_write(a->name, SLHTTPD_OBJ_ATTR_ENABLE, "1");
	if (err == -EEXIST) {
		errmsg("%s: path %s is served by another object already; 'ndivctl slhttpd object list' shows the objects",
		       a->name, a->path);
		return RC_REFUSED;
	}
	if (err)
		return errno_error(err, "%s: cannot enable the object",
				   a->name);
	return RC_OK;
}

/* mkdir, fill in, enable; on failure nothing is left behind. */
static int obj_create(const struct obj_args *a, const char *body, size_t len)
{
	char dir[PATH_LEN];
	int rc, err;

	err = slh_path(dir, sizeof(dir), "/" SLHTTPD_OBJECTS_DIR "/%s", a->name);
	if (!err && mkdir(dir, 0755))
		err = -errno;
	if (err == -EEXIST) {
		errmsg("%s: object exists; delete it first with 'ndivctl slhttpd object del %s'",
		       a->name, a->name);
		return RC_REFUSED;
	}
	if (err)
		return errno_error(err, "%s: cannot create the object",
				   a->name);
	rc = obj_fill(a, body, len);
	if (rc)
		rmdir(dir);	/* best effort: withdraws it if enabled */
	return rc;
}

static int obj_add(const struct ctx *ctx, int argc, char **argv)
{
	struct obj_args a = { 0 };
	const struct kwarg kw[] = {
		{ "path", &a.path, NULL },
		{ "type", &a.type, NULL },
		{ "status", &a.status, NULL },
		{ "location", &a.location, NULL },
		{ "file", &a.file, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	size_t len = 0;
	char *body;
	int i, rc;

	(void)ctx;
	if (!argc)
		return usage_error(SLH, "'object add' needs a NAME");
	if (!strcmp(argv[0], "help"))
		return RC_HELP;
	for (i = 0; kw[i].name; i++)
		if (!strcmp(argv[0], kw[i].name))
			return usage_error(SLH, "'object add' needs a NAME before '%s'",
					   argv[0]);
	a.name = argv[0];
	if (!obj_name_ok(a.name))
		return obj_name_error(a.name);
	rc = parse_kwargs(argc - 1, argv + 1, kw, SLH);
	if (!rc)
		rc = obj_args_check(&a);
	if (!rc)
		rc = slh_check_configfs();
	if (!rc)
		rc = body_read(a.file, &body, &len);
	if (rc)
		return rc;
	rc = obj_create(&a, body, len);
	free(body);
	return rc;
}

/* ---- object del ---------------------------------------------------------- */

static int obj_del(const struct ctx *ctx, int argc, char **argv)
{
	char dir[PATH_LEN];
	const char *name;
	int rc, err;

	(void)ctx;
	if (!argc)
		return usage_error(SLH, "'object del' needs a NAME");
	if (!strcmp(argv[0], "help"))
		return RC_HELP;
	if (argc > 1)
		return usage_error(SLH, "unknown argument '%s'", argv[1]);
	name = argv[0];
	if (!obj_name_ok(name))
		return obj_name_error(name);
	rc = slh_check_configfs();
	if (rc)
		return rc;
	err = slh_path(dir, sizeof(dir), "/" SLHTTPD_OBJECTS_DIR "/%s", name);
	if (!err && rmdir(dir))
		err = -errno;
	if (err == -ENOENT) {
		errmsg("%s: no such object; 'ndivctl slhttpd object list' shows the objects",
		       name);
		return RC_OBJECT;
	}
	if (err)
		return errno_error(err, "%s: cannot delete the object", name);
	return RC_OK;
}

/* ---- object list --------------------------------------------------------- */

struct obj_info {
	char name[NAME_MAX + 1];
	char path[SLHTTPD_OBJ_PATH_MAX + 2];
	char type[SLHTTPD_OBJ_TYPE_MAX + 2];
	char location[SLHTTPD_OBJ_LOCATION_MAX + 2];
	char status[ATTR_LEN];
	char size[ATTR_LEN];
	char enable[ATTR_LEN];
};

static int obj_info_read(const char *name, struct obj_info *o)
{
	const struct {
		const char *attr;
		char *buf;
		size_t len;
	} a[] = {
		{ SLHTTPD_OBJ_ATTR_PATH, o->path, sizeof(o->path) },
		{ SLHTTPD_OBJ_ATTR_TYPE, o->type, sizeof(o->type) },
		{ SLHTTPD_OBJ_ATTR_LOCATION, o->location, sizeof(o->location) },
		{ SLHTTPD_OBJ_ATTR_STATUS, o->status, sizeof(o->status) },
		{ SLHTTPD_OBJ_ATTR_SIZE, o->size, sizeof(o->size) },
		{ SLHTTPD_OBJ_ATTR_ENABLE, o->enable, sizeof(o->enable) },
	};
	unsigned long v;
	size_t i;
	int err;

	snprintf(o->name, sizeof(o->name), "%s", name);
	for (i = 0; i < ARRAY_SIZE(a); i++) {
		err = attr_read(name, a[i].attr, a[i].buf, a[i].len);
		if (err)
			return err;
	}
	if (!parse_uint(o->status, 0, ULONG_MAX, &v) ||
	    !parse_uint(o->size, 0, ULONG_MAX, &v))
		return -EINVAL;
	return 0;
}

static int obj_info_cmp(const void *a, const void *b)
{
	const struct obj_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * The objects, sorted by name; those that vanish while we look are left
 * out. Prints the error; the caller frees *@objs.
 */
static int obj_collect(struct obj_info **objs, size_t *n)
{
	int err, rc = RC_OK;
	char dir[PATH_LEN];
	struct obj_info *v;
	struct dirent *de;
	size_t cap = 0;
	DIR *d;

	*objs = NULL;
	*n = 0;
	if (slh_path(dir, sizeof(dir), "/objects"))
		return errno_error(-ENAMETOOLONG, "slhttpd objects");
	d = opendir(dir);
	if (!d)
		return errno_error(-errno, "%s: cannot list the objects", dir);
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			v = realloc(*objs, cap * sizeof(*v));
			if (!v) {
				rc = errno_error(-ENOMEM, "slhttpd objects");
				break;
			}
			*objs = v;
		}
		err = obj_info_read(de->d_name, &(*objs)[*n]);
		if (!err)
			(*n)++;
		else if (err != -ENOENT)
			rc = errno_error(err, "%s: cannot read the object",
					 de->d_name);
	}
	closedir(d);
	if (rc) {
		free(*objs);
		*objs = NULL;
		return rc;
	}
	if (*n > 1)
		qsort(*objs, *n, sizeof(**objs), obj_info_cmp);
	return RC_OK;
}

static void obj_print_json(const struct ctx *ctx, const struct obj_info *o,
			   size_t n)
{
	struct json j;
	size_t i;

	json_init(&j, stdout, ctx->pretty);
	json_begin(&j, '[');
	for (i = 0; i < n; i++) {
		json_begin(&j, '{');
		json_kv_str(&j, "name", o[i].name);
		json_kv_str(&j, "path", o[i].path);
		json_kv_str(&j, "type", o[i].type);
		json_kv_u64(&j, "status", strtoull(o[i].status, NULL, 10));
		json_kv_str(&j, "location",
			    *o[i].location ? o[i].location : NULL);
		json_kv_u64(&j, "size", strtoull(o[i].size, NULL, 10));
		json_kv_bool(&j, "enabled", strcmp(o[i].enable, "0"));
		json_end(&j, '}');
	}
	json_end(&j, ']');
}

static int width(int w, const char *s)
{
	int len = strlen(s);

	return len > w ? len : w;
}

static void obj_print_text(const struct obj_info *o, size_t n)
{
	int wn = 0, wp = 0, ws = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		wn = width(wn, o[i].name);
		wp = width(wp, o[i].path);
		ws = width(ws, o[i].size);
	}
	for (i = 0; i < n; i++) {
		printf("%-*s  path %-*s  status %s  size %-*s  enabled %-3s  type %s",
		       wn, o[i].name, wp, o[i].path, o[i].status, ws,
		       o[i].size, strcmp(o[i].enable, "0") ? "yes" : "no",
		       o[i].type);
		if (*o[i].location)
			printf("  location %s", o[i].location);
		putchar('\n');
	}
}

static int obj_list(const struct ctx *ctx, int argc, char **argv)
{
	static const struct kwarg kw[] = {
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	struct obj_info *objs;
	size_t n;
	int rc;

	rc = parse_kwargs(argc, argv, kw, SLH);
	if (!rc)
		rc = slh_check_configfs();
	if (!rc)
		rc = obj_collect(&objs, &n);
	if (rc)
		return rc;
	if (ctx->json)
		obj_print_json(ctx, objs, n);
	else
		obj_print_text(objs, n);
	free(objs);
	return RC_OK;
}

/* ---- stats --------------------------------------------------------------- */

static int slh_stats(const struct ctx *ctx, int argc, char **argv)
{
	bool show = false;
	const struct kwarg kw[] = {
		{ "show", NULL, &show },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	int rc;

	rc = parse_kwargs(argc, argv, kw, SLH);
	return rc ? rc : appcfg_stats(ctx, &slh_cfg);
}

/* ---- offload ------------------------------------------------------------ */

/* A prefix: '/' then visible characters, as the kernel wants it. */
static int off_prefix_check(const char *p)
{
	size_t i, len = strlen(p);

	if (!len || len > PATH_MAX_LEN || p[0] != '/')
		goto bad;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			goto bad;
	return RC_OK;
bad:
	return usage_error(SLH, "prefix '%s': not a path ('/' then up to %d visible characters)",
			   p, PATH_MAX_LEN);
}

static int off_ring_check(const char *r)
{
	size_t len = strlen(r);

	if (!len || len >= NDIV_RING_NAME_MAX ||
	    strspn(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != len)
		return usage_error(SLH, "ring '%s': not a ring name (1 to %d letters, digits, '.', '_', '-')",
				   r, NDIV_RING_NAME_MAX - 1);
	return RC_OK;
}

static int off_write(const char *line, const char *prefix)
{
	int err, rc;

	rc = slh_check_configfs();
	if (rc)
		return rc;
	err = attr_write(NULL, SLHTTPD_ATTR_OFFLOAD, line);
	if (err == -EEXIST) {
		errmsg("slhttpd: offload prefix %s: exists already", prefix);
		return RC_REFUSED;
	}
	if (err == -ENOENT) {
		errmsg("slhttpd: offload prefix %s: no such rule", prefix);
		return RC_OBJECT;
	}
	if (err == -ENOSPC) {
		errmsg("slhttpd: offload prefix %s: %d rules already", prefix,
		       SLHTTPD_OFFLOAD_MAX);
		return RC_REFUSED;
	}
	if (err)
		return errno_error(err, "slhttpd: offload prefix %s", prefix);
	return RC_OK;
}

static int off_add(const struct ctx *ctx, int argc, char **argv)
{
	const char *prefix = NULL, *ring = NULL;
	const struct kwarg kw[] = {
		{ "prefix", &prefix, NULL },
		{ "ring", &ring, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char line[LIST_LEN];
	int rc;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, SLH);
	if (rc)
		return rc;
	if (!prefix || !ring)
		return usage_error(SLH, "'offload add' needs prefix and ring");
	rc = off_prefix_check(prefix);
	if (!rc)
		rc = off_ring_check(ring);
	if (rc)
		return rc;
	snprintf(line, sizeof(line), "add %s %s\n", prefix, ring);
	return off_write(line, prefix);
}

static int off_del(const struct ctx *ctx, int argc, char **argv)
{
	const char *prefix = NULL;
	const struct kwarg kw[] = {
		{ "prefix", &prefix, NULL },
		{ "help", NULL, NULL },
		{ NULL, NULL, NULL },
	};
	char line[LIST_LEN];
	int rc;

	(void)ctx;
	rc = parse_kwargs(argc, argv, kw, SLH);
	if (rc)
		return rc;
	if (!prefix)
		return usage_error(SLH, "'offload del' needs prefix");
	rc = off_prefix_check(prefix);
	if (rc)
		return rc;
	snprintf(line, sizeof(line), "del %s\n", prefix);
	return off_write(line, prefix);
}

static int off_list(const struct ctx *ctx, int argc, char **argv)
{
	char buf[SLHTTPD_OFFLOAD_MAX * (PATH_MAX_LEN + NDIV_RING_NAME_MAX + 2) + 1];
	char *save, *line, *sp;
	struct json j;
	int err, rc;

	if (argc)
		return strcmp(argv[0], "help") ?
		       usage_error(SLH, "unknown argument '%s'", argv[0]) :
		       RC_HELP;
	rc = slh_check_configfs();
	if (rc)
		return rc;
	err = attr_read(NULL, SLHTTPD_ATTR_OFFLOAD, buf, sizeof(buf));
	if (err)
		return errno_error(err, "slhttpd: cannot read the offload rules");
	json_init(&j, stdout, ctx->pretty);
	if (ctx->json)
		json_begin(&j, '[');
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		sp = strchr(line, ' ');
		if (!sp)
			continue;
		*sp = 0;
		if (ctx->json) {
			json_begin(&j, '{');
			json_kv_str(&j, "prefix", line);
			json_kv_str(&j, "ring", sp + 1);
			json_end(&j, '}');
		} else {
			printf("prefix %s ring %s\n", line, sp + 1);
		}
	}
	if (ctx->json) {
		json_end(&j, ']');
		fputc('\n', stdout);
	}
	return RC_OK;
}

static const struct cmd off_cmds[] = {
	{ "list", off_list },
	{ "show", off_list },
	{ "add", off_add },
	{ "del", off_del },
	{ "help", NULL },
	{ NULL, NULL },
};

static int slh_offload_cmd(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, SLH, off_cmds, slhttpd_usage, argc, argv);
}

/* ---- dispatch ------------------------------------------------------------ */

static const struct cmd obj_cmds[] = {
	{ "list", obj_list },
	{ "show", obj_list },
	{ "add", obj_add },
	{ "del", obj_del },
	{ "delete", obj_del },
	{ "help", NULL },
	{ NULL, NULL },
};

static int slh_object(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, SLH, obj_cmds, slhttpd_usage, argc, argv);
}

static const struct cmd slh_cmds[] = {
	{ "show", slh_show },
	{ "set", slh_set },
	{ "object", slh_object },
	/* "o" meant object before offload came: it still does. */
	{ "o", slh_object },
	{ "offload", slh_offload_cmd },
	{ "stats", slh_stats },
	{ "help", NULL },
	{ NULL, NULL },
};

int do_slhttpd(const struct ctx *ctx, int argc, char **argv)
{
	return run_cmd(ctx, SLH, slh_cmds, slhttpd_usage, argc, argv);
}
