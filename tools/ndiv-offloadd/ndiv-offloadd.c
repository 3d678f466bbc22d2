// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv-offloadd: a daemon on libndiv that answers the requests an ndiv
 * app hands to a ring (Documentation/ring.rst).
 *
 *	ndiv-offloadd --ring NAME { --echo | --root DIR }
 *
 * --echo answers each request 200 with a JSON object: method, path,
 * query, version, headers and the client's address and port. --root
 * serves the file at the request's path (percent-decoded) beneath DIR,
 * never outside it: Content-Type from the extension, index.html for a
 * directory path, 404 for a missing file, 403 for what may not be read
 * or leaves the tree, 413 above the ring's max_body. One thread serves
 * every CPU's queue, sleeping in epoll when all are empty. --exec runs
 * CMD (with /bin/sh -c) CGI/1.1-style for each request: the request in
 * its environment, its standard output the response (CGI header lines,
 * "Status:" among them, an empty line, the body); 502 if it fails or
 * writes no header section, 504 if it takes more than 10 s. One at a
 * time: the daemon waits for each program.
 *
 * Exit status: 0 on SIGTERM/SIGINT, 1 bad command line, 2 no such ring,
 * device or DIR, 3 refused (permission, the ring was taken or deleted).
 */
#define _GNU_SOURCE	/* O_PATH */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <strings.h>
#include <ctype.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libndiv.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BATCH		32
#define OUT_MAX		(64 * 1024)

/* Set by SIGTERM or SIGINT; atomic, as the handler may run at any time. */
static int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

static int stopping(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED);
}

struct buf {
	char *p;
	size_t len, cap;
	int overflow;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (n > b->cap - b->len) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* s as a JSON string: quotes, backslashes and controls escaped. */
static void put_json_str(struct buf *b, const char *s, size_t n)
{
	char esc[8];
	size_t i;

	put(b, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = c;
			put(b, esc, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(b, esc, 6);
		} else {
			put(b, (const char *)&c, 1);
		}
	}
	put(b, "\"", 1);
}

static void put_kv(struct buf *b, const char *key, const char *s, size_t n)
{
	put_json_str(b, key, strlen(key));
	put(b, ": ", 2);
	put_json_str(b, s ? s : "", s ? n : 0);
}

static void put_client(struct buf *b, const struct ndiv_ring_req *req)
{
	char addr[INET6_ADDRSTRLEN], num[16];
	int af = req->family == NDIV_RING_IPV6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, req->addr, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	put_kv(b, "client", addr, strlen(addr));
	snprintf(num, sizeof(num), "%u", req->port);
	puts_(b, ", \"client_port\": ");
	puts_(b, num);
}

static void put_headers(struct buf *b, const struct ndiv_queue *q,
			const struct ndiv_ring_req *req)
{
	const struct ndiv_ring_hdr *h = (const void *)(req + 1);
	const char *name, *value;
	size_t nl, vl;
	unsigned int i;

	puts_(b, ", \"headers\": [");
	for (i = 0; i < req->nr_headers && i < NDIV_RING_MAX_HEADERS; i++) {
		name = ndiv_span(q, req, &h[i].name, &nl);
		value = ndiv_span(q, req, &h[i].value, &vl);
		if (!name || !value)
			continue;
		puts_(b, i ? ", [" : "[");
		put_json_str(b, name, nl);
		puts_(b, ", ");
		put_json_str(b, value, vl);
		puts_(b, "]");
	}
	puts_(b, "]");
}

/* The request as JSON into b. */
static void echo_json(struct buf *b, const struct ndiv_queue *q,
		      const struct ndiv_ring_req *req)
{
	const char *m, *t, *qm;
	size_t ml, tl, pl;
	char ver[16];

	m = ndiv_span(q, req, &req->method, &ml);
	t = ndiv_span(q, req, &req->target, &tl);
	qm = t ? memchr(t, '?', tl) : NULL;
	pl = qm ? (size_t)(qm - t) : tl;
	puts_(b, "{");
	put_kv(b, "method", m, ml);
	puts_(b, ", ");
	put_kv(b, "path", t, pl);
	puts_(b, ", ");
	put_kv(b, "query", qm ? qm + 1 : NULL, qm ? tl - pl - 1 : 0);
	snprintf(ver, sizeof(ver), "HTTP/%u.%u", req->version >> 8,
		 req->version & 0xff);
	puts_(b, ", ");
	put_kv(b, "version", ver, strlen(ver));
	puts_(b, ", ");
	put_client(b, req);
	put_headers(b, q, req);
	puts_(b, "}\n");
}

static const char echo_head[] = "Content-Type: application/json\r\n";

/* A free response slot; the kernel frees them when kicked. */
static int slot(struct ndiv *nd, struct ndiv_queue *q, uint32_t *si)
{
	int err;

	while (ndiv_reserve(q, 1, si) != 1) {
		err = ndiv_kick(nd);
		if (err)
			return err;
		if (stopping())
			return -EINTR;
	}
	return 0;
}

/* Send a response; a body longer than a slot goes in parts. */
static int send_resp(struct ndiv *nd, struct ndiv_queue *q, uint64_t id,
		     unsigned int status, const char *head, const char *body,
		     size_t len)
{
	size_t hl = head ? strlen(head) : 0, room, off = 0, n;
	unsigned int flags;
	uint32_t si;
	int err;

	room = ndiv_body_room(q, hl);
	do {
		n = len - off < room ? len - off : room;
		flags = off + n < len ? NDIV_RING_RESP_F_MORE : 0;
		err = slot(nd, q, &si);
		if (err)
			return err;
		if (!off)
			err = ndiv_respond(q, si, id, status, flags, head, hl,
					   body, n);
		else
			err = ndiv_respond_more(q, si, id, flags, body + off, n);
		if (err)
			return err;
		ndiv_submit(q, 1);
		off += n;
		room = ndiv_body_room(q, 0);
	} while (off < len);
	return 0;
}

static int answer_echo(struct ndiv *nd, struct ndiv_queue *q,
		       const struct ndiv_ring_req *req, struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	echo_json(b, q, req);
	if (b->overflow)
		return send_resp(nd, q, req->id, 500, NULL, NULL, 0);
	return send_resp(nd, q, req->id, 200, echo_head, b->p, b->len);
}

/* ---- --root DIR ---------------------------------------------------- */

static int root_fd = -1;

static const struct {
	const char *ext, *type;
} types[] = {
	{ "html", "text/html" }, { "htm", "text/html" },
	{ "css", "text/css" }, { "js", "text/javascript" },
	{ "json", "application/json" }, { "txt", "text/plain" },
	{ "png", "image/png" }, { "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" }, { "gif", "image/gif" },
	{ "svg", "image/svg+xml" }, { "ico", "image/x-icon" },
	{ "pdf", "application/pdf" }, { "wasm", "application/wasm" },
	{ "xml", "application/xml" },
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; i < ARRAY_SIZE(types); i++)
			if (!strcasecmp(dot + 1, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The path of a target, percent-decoded, without its leading '/', into
 * out; index.html for a directory. -1 for a bad or NUL escape.
 */
static int decode_path(const char *t, size_t len, char *out, size_t cap)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len && t[i] != '?'; i++) {
		char c = t[i];

		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			hi = hexval(t[i + 1]);
			lo = hexval(t[i + 2]);
			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		if (o || c != '/')
			out[o++] = c;
	}
	if (!o || out[o - 1] == '/') {
		if (o + sizeof("index.html") > cap)
			return -1;
		memcpy(out + o, "index.html", sizeof("index.html"));
		return 0;
	}
	out[o] = 0;
	return 0;
}

/*
 * Open path beneath the root and nowhere else: openat2() with
 * RESOLVE_BENEATH refuses "..", absolute paths and symbolic links that
 * leave the tree (EXDEV), and magic links.
 */
static int open_beneath(const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	return (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
}

static int status_of_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return 404;
	case EXDEV:
	case EACCES:
	case EPERM:
	case ELOOP:
		return 403;
	}
	return 500;
}

static const char *reason(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 413: return "Content Too Large";
	case 502: return "Bad Gateway";
	case 504: return "Gateway Timeout";
	}
	return "Internal Server Error";
}

static int send_error(struct ndiv *nd, struct ndiv_queue *q, uint64_t id,
		      int status)
{
	char body[64];
	int n = snprintf(body, sizeof(body), "%d %s\n", status,
			 reason(status));

	return send_resp(nd, q, id, status, "Content-Type: text/plain\r\n",
			 body, n);
}

/* Read all of fd, at most max bytes; the size in *len. */
static char *read_all(int fd, size_t size, size_t *len)
{
	char *p = malloc(size ? size : 1);
	size_t off = 0;
	ssize_t n;

	while (p && off < size) {
		n = read(fd, p + off, size - off);
		if (n <= 0) {
			free(p);
			return NULL;
		}
		off += n;
	}
	*len = off;
	return p;
}

static int answer_file(struct ndiv *nd, struct ndiv_queue *q,
		       const struct ndiv_ring_req *req)
{
	const char *t = NULL;
	char path[4096], head[128], *body;
	size_t tl = 0, len;
	struct stat st;
	int fd, err;

	t = ndiv_span(q, req, &req->target, &tl);
	if (!t || decode_path(t, tl, path, sizeof(path)))
		return send_error(nd, q, req->id, 400);
	fd = open_beneath(path);
	if (fd < 0)
		return send_error(nd, q, req->id, status_of_errno(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return send_error(nd, q, req->id, 403);
	}
	if ((uint64_t)st.st_size > ndiv_info(nd)->max_body) {
		close(fd);
		return send_error(nd, q, req->id, 413);
	}
	body = read_all(fd, st.st_size, &len);
	close(fd);
	if (!body)
		return send_error(nd, q, req->id, 500);
	snprintf(head, sizeof(head), "Content-Type: %s\r\n", type_of(path));
	err = send_resp(nd, q, req->id, 200, head, body, len);
	free(body);
	return err;
}

/* ---- --exec CMD ---------------------------------------------------- */

static const char *exec_cmd;
/* A program gets this long to finish its output. */
#define EXEC_TIMEOUT_MS	10000
#define ENV_MAX		(NDIV_RING_MAX_HEADERS + 16)

struct cgi_env {
	char *v[ENV_MAX + 1];
	int n;
};

static void env_add(struct cgi_env *e, const char *k, const char *v,
		    size_t vlen)
{
	char *s;

	if (e->n == ENV_MAX || asprintf(&s, "%s=%.*s", k, (int)vlen, v) < 0)
		return;
	e->v[e->n++] = s;
}

/* HTTP_NAME for header name (letters upper-cased, '-' to '_'). */
static void env_add_header(struct cgi_env *e, const char *name, size_t nl,
			   const char *value, size_t vl)
{
	char key[80];
	size_t i;

	if (nl > sizeof(key) - 6)
		return;
	memcpy(key, "HTTP_", 5);
	for (i = 0; i < nl; i++) {
		char c = name[i];

		key[5 + i] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ?
			     c - 'a' + 'A' : c;
	}
	key[5 + nl] = 0;
	env_add(e, key, value, vl);
}

/* The CGI/1.1 meta-variables of req (RFC 3875 4.1). */
static void cgi_env_of(struct cgi_env *e, const struct ndiv_queue *q,
		       const struct ndiv_ring_req *req)
{
	const struct ndiv_ring_hdr *h = (const void *)(req + 1);
	const char *m, *t, *qm, *name, *value;
	char num[16], addr[INET6_ADDRSTRLEN];
	size_t ml = 0, tl = 0, nl, vl;
	unsigned int i;

	m = ndiv_span(q, req, &req->method, &ml);
	t = ndiv_span(q, req, &req->target, &tl);
	qm = t ? memchr(t, '?', tl) : NULL;
	env_add(e, "GATEWAY_INTERFACE", "CGI/1.1", 7);
	env_add(e, "SERVER_SOFTWARE", "ndiv-offloadd", 13);
	env_add(e, "REQUEST_METHOD", m ? m : "", m ? ml : 0);
	env_add(e, "PATH_INFO", t ? t : "", qm ? (size_t)(qm - t) : tl);
	env_add(e, "QUERY_STRING", qm ? qm + 1 : "",
		qm ? tl - (size_t)(qm - t) - 1 : 0);
	snprintf(num, sizeof(num), "HTTP/%u.%u", req->version >> 8,
		 req->version & 0xff);
	env_add(e, "SERVER_PROTOCOL", num, strlen(num));
	if (!inet_ntop(req->family == NDIV_RING_IPV6 ? AF_INET6 : AF_INET,
		       req->addr, addr, sizeof(addr)))
		addr[0] = 0;
	env_add(e, "REMOTE_ADDR", addr, strlen(addr));
	snprintf(num, sizeof(num), "%u", req->port);
	env_add(e, "REMOTE_PORT", num, strlen(num));
	snprintf(num, sizeof(num), "%u", req->local_port);
	env_add(e, "SERVER_PORT", num, strlen(num));
	env_add(e, "PATH", "/usr/local/bin:/usr/bin:/bin", 28);
	for (i = 0; i < req->nr_headers && i < NDIV_RING_MAX_HEADERS; i++) {
		name = ndiv_span(q, req, &h[i].name, &nl);
		value = ndiv_span(q, req, &h[i].value, &vl);
		if (name && value)
			env_add_header(e, name, nl, value, vl);
	}
	e->v[e->n] = NULL;
}

static void cgi_env_free(struct cgi_env *e)
{
	while (e->n)
		free(e->v[--e->n]);
}

/* Run exec_cmd with env; its standard output into b. 0 or -errno. */
static int cgi_run(char **env, struct buf *b)
{
	struct pollfd pfd;
	int p[2], st, err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(127);
		execle("/bin/sh", "sh", "-c", exec_cmd, (char *)NULL, env);
		_exit(127);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, EXEC_TIMEOUT_MS) != 1) {
			err = -ETIMEDOUT;
			break;
		}
		n = read(p[0], b->p + b->len, b->cap - b->len);
		if (n <= 0)
			break;
		b->len += n;
		if (b->len == b->cap) {
			err = -EFBIG;
			break;
		}
	}
	close(p[0]);
	if (err)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	if (!err && (!WIFEXITED(st) || WEXITSTATUS(st)))
		err = -ECHILD;
	return err;
}

/* Is line (without its end) a header line the kernel will take? */
static int cgi_line_ok(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && (isalnum((unsigned char)l[i]) || l[i] == '-' ||
			   l[i] == '_'))
		i++;
	if (!i || i == len || l[i] != ':')
		return 0;
	if ((i == 14 && !strncasecmp(l, "content-length", 14)) ||
	    (i == 17 && !strncasecmp(l, "transfer-encoding", 17)))
		return 0;
	for (i++; i < len; i++)
		if ((unsigned char)l[i] < ' ' && l[i] != '\t')
			return 0;
	return 1;
}

/*
 * The program's output: CGI header lines, an empty line, the body.
 * "Status: NNN" sets the status; other well-formed lines go to the client
 * with CRLF endings. Returns the status, head in head, *body_off set.
 */
static int cgi_parse(const struct buf *b, char *head, size_t cap,
		     size_t *body_off)
{
	const char *p = b->p, *end = b->p + b->len, *nl;
	size_t hl = 0, len;
	int status = 200;

	for (;;) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return -1;
		len = nl - p - (nl > p && nl[-1] == '\r');
		if (!len) {
			*body_off = nl + 1 - b->p;
			head[hl] = 0;
			return status;
		}
		if (len > 7 && !strncasecmp(p, "status:", 7))
			status = atoi(p + 7);
		else if (cgi_line_ok(p, len) && hl + len + 3 <= cap)
			hl += sprintf(head + hl, "%.*s\r\n", (int)len, p);
		p = nl + 1;
	}
}

static int answer_exec(struct ndiv *nd, struct ndiv_queue *q,
		       const struct ndiv_ring_req *req, struct buf *b)
{
	struct cgi_env e = { .n = 0 };
	char head[2048];
	size_t off = 0;
	int status, err;

	cgi_env_of(&e, q, req);
	b->len = 0;
	err = cgi_run(e.v, b);
	cgi_env_free(&e);
	if (err)
		return send_error(nd, q, req->id, err == -ETIMEDOUT ? 504 : 502);
	status = cgi_parse(b, head, sizeof(head), &off);
	if (status < 100 || status > 599)
		return send_error(nd, q, req->id, 502);
	return send_resp(nd, q, req->id, status, head, b->p + off,
			 b->len - off);
}

static int answer(struct ndiv *nd, struct ndiv_queue *q,
		  const struct ndiv_ring_req *req, struct buf *b)
{
	if (exec_cmd)
		return answer_exec(nd, q, req, b);
	if (root_fd >= 0)
		return answer_file(nd, q, req);
	return answer_echo(nd, q, req, b);
}

/* Serve what queue q has; returns requests answered, or -errno. */
static int serve_queue(struct ndiv *nd, struct ndiv_queue *q, struct buf *b)
{
	uint32_t ri;
	int n, i, err;

	n = ndiv_peek(q, BATCH, &ri);
	if (n <= 0)
		return n;
	for (i = 0; i < n; i++) {
		err = answer(nd, q, ndiv_request(q, ri + i), b);
		if (err)
			return err;
	}
	ndiv_release(q, n);
	return n;
}

static int serve_all(struct ndiv *nd, struct buf *b)
{
	unsigned int i;
	int n, total = 0, kick = 0;

	for (i = 0; i < ndiv_queues(nd); i++) {
		n = serve_queue(nd, ndiv_queue(nd, i), b);
		if (n < 0)
			return n;
		total += n;
		if (n && ndiv_needs_kick(ndiv_queue(nd, i)))
			kick = 1;
	}
	if (kick) {
		n = ndiv_kick(nd);
		if (n)
			return n;
	}
	return total;
}

/* Every queue flagged for a wakeup; 0 if one got requests meanwhile. */
static int prepare_sleep(struct ndiv *nd)
{
	unsigned int i;
	int ok = 1;

	for (i = 0; i < ndiv_queues(nd); i++)
		if (ndiv_prepare_sleep(ndiv_queue(nd, i)) != 1)
			ok = 0;
	return ok;
}

static void woken(struct ndiv *nd)
{
	unsigned int i;

	for (i = 0; i < ndiv_queues(nd); i++)
		ndiv_woken(ndiv_queue(nd, i));
}

static int run(struct ndiv *nd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct buf b = { .cap = OUT_MAX };
	int ep, n, err = 0;

	b.p = malloc(b.cap);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!b.p || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ndiv_fd(nd), &ev))
		return -ENOMEM;
	while (!stopping()) {
		n = serve_all(nd, &b);
		if (n < 0) {
			err = n;
			break;
		}
		if (n || !prepare_sleep(nd))
			continue;
		n = epoll_wait(ep, &ev, 1, 1000);
		woken(nd);
		if (n > 0 && (ev.events & (EPOLLHUP | EPOLLERR))) {
			err = -ENODEV;
			break;
		}
	}
	close(ep);
	free(b.p);
	return err == -EINTR ? 0 : err;
}

static void usage(FILE *f)
{
	fputs("Usage: ndiv-offloadd --ring NAME { --echo | --root DIR | --exec CMD }\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ring", required_argument, NULL, 'r' },
		{ "echo", no_argument, NULL, 'e' },
		{ "root", required_argument, NULL, 'R' },
		{ "exec", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ring = NULL, *root = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct ndiv *nd;
	int c, echo = 0, err;

	while ((c = getopt_long(argc, argv, "r:eR:x:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			ring = optarg;
			break;
		case 'e':
			echo = 1;
			break;
		case 'R':
			root = optarg;
			break;
		case 'x':
			exec_cmd = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!ring || echo + !!root + !!exec_cmd != 1 || optind != argc) {
		usage(stderr);
		return 1;
	}
	if (root) {
		root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_fd < 0) {
			fprintf(stderr, "ndiv-offloadd: %s: %s\n", root,
				strerror(errno));
			return 2;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	err = ndiv_attach(ring, &nd);
	if (err) {
		fprintf(stderr, "ndiv-offloadd: ring %s: %s\n", ring,
			strerror(-err));
		return err == -ENOENT || err == -EINVAL ? 2 : 3;
	}
	fprintf(stderr, "ndiv-offloadd: ring %s: attached, %u queues\n", ring,
		ndiv_queues(nd));
	err = run(nd);
	ndiv_detach(nd);
	if (err) {
		fprintf(stderr, "ndiv-offloadd: ring %s: %s\n", ring,
			strerror(-err));
		return 3;
	}
	return 0;
}
