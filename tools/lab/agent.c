// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv-lab guest agent.
 *
 * Runs inside the lab VM (started by busybox init from the initramfs copy
 * in /run/ndiv-lab/) and executes commands on behalf of the host.  It talks
 * to the host's hub (tools/lab/labctl.py) over a virtio-serial port named
 * "org.ndiv.lab.agent", in the frames of struct ndl_hdr below; the wire
 * format is documented in Documentation/lab.rst, "Wire format".
 *
 * The command runs in its own session with stdout and stderr redirected to
 * files on tmpfs; only the main process is waited for, so commands that
 * leave daemons behind (which keep the files open) return promptly.
 * Several commands may run at once.  Exit status: the command's, 128+N if
 * killed by signal N, 124 on timeout, 127/126 if it could not be executed.
 *
 * Kept dependency free (static libc only) so that it starts instantly:
 * Python would cost seconds of boot time under TCG, over 9p.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- wire format (labctl.py has the same names) ---------------------- */

#define NDL_MAGIC		"NDL1"
#define NDL_MAGIC_LEN		4
#define NDL_HDR_LEN		16
#define NDL_FIELD_HDR_LEN	5
/* Largest payload the agent accepts; a larger frame flushes its input. */
#define NDL_MAX_PAYLOAD		(512u << 20)

/**
 * struct ndl_hdr - header of every frame, in both directions
 * @magic: NDL_MAGIC, not NUL-terminated
 * @type: the message, an enum ndl_msg
 * @flags: sent as 0, ignored
 * @reserved: sent as 0, ignored
 * @id: little endian; the hub's request id, which the reply carries back
 * @len: little endian; the number of payload bytes after the header
 *
 * All fields are naturally aligned: the struct is the 16 bytes on the wire.
 */
struct ndl_hdr {
	char magic[NDL_MAGIC_LEN];
	uint8_t type;
	uint8_t flags;
	uint16_t reserved;
	uint32_t id;
	uint32_t len;
};

_Static_assert(sizeof(struct ndl_hdr) == NDL_HDR_LEN, "ndl_hdr is 16 bytes");

/*
 * enum ndl_msg - message types, ndl_hdr.type; Documentation/lab.rst
 * describes each message's payload, and its answer.
 */
enum ndl_msg {
	NDL_MSG_EXEC = 'X',	/* host: run a command; answer: RESULT */
	NDL_MSG_KILL = 'K',	/* host: kill the EXEC of this id */
	NDL_MSG_PING = 'P',	/* host: ping; answer: PING, the uptime */
	NDL_MSG_POWEROFF = 'O',	/* host: power off; answer: POWEROFF */
	NDL_MSG_HELLO = 'H',	/* guest, id 0: the agent started */
	NDL_MSG_RESULT = 'R',	/* guest: a command's status and output */
};

/*
 * enum ndl_field - tags of the fields in the payload of an EXEC or a
 * RESULT: each a tag byte, a length (u32, little endian) and that many
 * bytes of data. A tag means something within its message type only.
 */
enum ndl_field {
	NDL_FIELD_ARG = 'a',	/* EXEC: one argument, argv[0] first */
	NDL_FIELD_ENV = 'e',	/* EXEC: one NAME=value of the environment */
	NDL_FIELD_CWD = 'c',	/* EXEC: the working directory */
	NDL_FIELD_TIMEOUT = 't', /* EXEC: time limit, s (ASCII); 0: none */
	NDL_FIELD_STDIN = 'i',	/* EXEC: the standard input */
	NDL_FIELD_STATUS = 'r',	/* RESULT: the exit status (ASCII) */
	NDL_FIELD_STDOUT = 'o',	/* RESULT: the standard output */
	NDL_FIELD_STDERR = 'e',	/* RESULT: the standard error */
};

/* ---- the agent -------------------------------------------------------- */

#define PORT_NAME	"org.ndiv.lab.agent"
#define PORT_CLASS	"/sys/class/virtio-ports"
#define WORKDIR		"/run/ndiv-lab/jobs"
#define MAX_JOBS	256
#define CWD_MAX		4096
#define READ_CHUNK	65536
#define RETRY_US	100000

/* environ comes from <unistd.h> with _GNU_SOURCE */

struct job {
	uint32_t id;
	pid_t pid;
	int used;
	int timed_out;
	double deadline;	/* 0: none */
	unsigned int timeout;
};

/* An NDL_MSG_EXEC request, decoded. */
struct exec_req {
	char **argv;		/* NULL-terminated, or NULL when empty */
	size_t argc;
	char **envp;		/* NULL-terminated, or NULL: the agent's */
	size_t envc;
	char cwd[CWD_MAX];
	unsigned int timeout;	/* seconds, 0: none */
	const unsigned char *in;	/* NULL: stdin is /dev/null */
	size_t inlen;
};

/* A growable byte buffer: frames being built, input being parsed. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static struct job jobs[MAX_JOBS];
static int port_fd = -1;

static void logmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("ndiv-lab-agent: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xrealloc(void *p, size_t len)
{
	p = realloc(p, len);
	if (!p) {
		logmsg("out of memory");
		exit(1);
	}
	return p;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	poll(&pfd, 1, 100);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EAGAIN) {
			wait_writable(fd);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len)
			cap *= 2;
		b->p = xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* Removes the first @len bytes of @b. */
static void buf_consume(struct buf *b, size_t len)
{
	memmove(b->p, b->p + len, b->len - len);
	b->len -= len;
}

/* ---- frames out ------------------------------------------------------- */

static void frame_begin(struct buf *b, enum ndl_msg type, uint32_t id)
{
	unsigned char h[NDL_HDR_LEN] = { 0 };

	memcpy(h + offsetof(struct ndl_hdr, magic), NDL_MAGIC, NDL_MAGIC_LEN);
	h[offsetof(struct ndl_hdr, type)] = type;
	put_le32(h + offsetof(struct ndl_hdr, id), id);
	b->len = 0;
	buf_add(b, h, NDL_HDR_LEN);
}

static void frame_field(struct buf *b, enum ndl_field tag, const void *data,
			size_t len)
{
	unsigned char h[NDL_FIELD_HDR_LEN];

	h[0] = tag;
	put_le32(h + 1, len);
	buf_add(b, h, NDL_FIELD_HDR_LEN);
	if (len)
		buf_add(b, data, len);
}

/* Fills in the payload length, sends the frame and frees the buffer. */
static void frame_send(struct buf *b)
{
	put_le32(b->p + offsetof(struct ndl_hdr, len), b->len - NDL_HDR_LEN);
	if (write_all(port_fd, b->p, b->len))
		logmsg("write to port: %s", strerror(errno));
	free(b->p);
	*b = (struct buf){ 0 };
}

static void send_simple(enum ndl_msg type, uint32_t id, const char *payload)
{
	struct buf b = { 0 };

	frame_begin(&b, type, id);
	buf_add(&b, payload, strlen(payload));
	frame_send(&b);
}

static void send_result(uint32_t id, int status, const void *out,
			size_t outlen, const void *err, size_t errlen)
{
	struct buf b = { 0 };
	char st[16];

	snprintf(st, sizeof(st), "%d", status);
	frame_begin(&b, NDL_MSG_RESULT, id);
	frame_field(&b, NDL_FIELD_STATUS, st, strlen(st));
	frame_field(&b, NDL_FIELD_STDOUT, out, outlen);
	frame_field(&b, NDL_FIELD_STDERR, err, errlen);
	frame_send(&b);
}

/* A result with status @rc, no output, and "ndiv-lab-agent: @what\n". */
static void send_error(uint32_t id, int rc, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "ndiv-lab-agent: %s\n", what);
	send_result(id, rc, "", 0, msg, strlen(msg));
}

static void uptime_str(char *s, size_t n)
{
	FILE *f = fopen("/proc/uptime", "r");

	s[0] = 0;
	if (f) {
		if (!fgets(s, n, f))
			s[0] = 0;
		fclose(f);
	}
	s[strcspn(s, "\n ")] = 0;
}

static void send_uptime(enum ndl_msg type, uint32_t id)
{
	char up[64];

	uptime_str(up, sizeof(up));
	send_simple(type, id, up);
}

/* ---- the port --------------------------------------------------------- */

/* Whether the virtio port @dev (a name under PORT_CLASS) is ours. */
static int is_agent_port(const char *dev)
{
	char path[512], name[128] = "";
	FILE *f;

	snprintf(path, sizeof(path), PORT_CLASS "/%s/name", dev);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(name, sizeof(name), f))
		name[0] = 0;
	fclose(f);
	name[strcspn(name, "\n")] = 0;
	return !strcmp(name, PORT_NAME);
}

/* Writes /dev/<port> to @path; 0 if found. */
static int find_port(char *path, size_t n)
{
	DIR *d = opendir(PORT_CLASS);
	struct dirent *de;
	int rc = -1;

	if (!d)
		return -1;
	while (rc && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !is_agent_port(de->d_name))
			continue;
		snprintf(path, n, "/dev/%s", de->d_name);
		rc = 0;
	}
	closedir(d);
	return rc;
}

/* Waits for the port to appear and opens it. */
static int open_port(void)
{
	char path[512];

	while (find_port(path, sizeof(path)))
		usleep(RETRY_US);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* ---- jobs ------------------------------------------------------------- */

static void job_path(char *path, size_t n, uint32_t id, const char *ext)
{
	snprintf(path, n, WORKDIR "/%u.%s", id, ext);
}

static char *read_file(const char *path, size_t *len)
{
	struct buf b = { 0 };
	char tmp[READ_CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (fd < 0)
		return NULL;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&b, tmp, n);
	close(fd);
	*len = b.len;
	return (char *)b.p;
}

/* Reads and removes the job's file @ext ("out", "err"). */
static char *take_job_file(uint32_t id, const char *ext, size_t *len)
{
	char path[128];
	char *data;

	job_path(path, sizeof(path), id, ext);
	data = read_file(path, len);
	unlink(path);
	return data;
}

static void remove_job_file(uint32_t id, const char *ext)
{
	char path[128];

	job_path(path, sizeof(path), id, ext);
	unlink(path);
}

static int job_exit_code(const struct job *j, int status)
{
	if (j->timed_out)
		return 124;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

/* After a timeout: the command's stderr, then why it was killed. */
static void add_timeout_note(const struct job *j, struct buf *e,
			     const char *err, size_t errlen)
{
	char msg[128];

	if (errlen)
		buf_add(e, err, errlen);
	snprintf(msg, sizeof(msg),
		 "ndiv-lab: guest command timed out after %u s, killed\n",
		 j->timeout);
	buf_add(e, msg, strlen(msg));
}

/* The command of @j ended with wait status @status: answer, free @j. */
static void finish_job(struct job *j, int status)
{
	struct buf e = { 0 };
	size_t olen, elen;
	char *out, *err;

	out = take_job_file(j->id, "out", &olen);
	err = take_job_file(j->id, "err", &elen);
	remove_job_file(j->id, "in");
	if (j->timed_out) {
		add_timeout_note(j, &e, err, elen);
		send_result(j->id, job_exit_code(j, status), out, olen,
			    e.p, e.len);
		free(e.p);
	} else {
		send_result(j->id, job_exit_code(j, status), out, olen,
			    err, elen);
	}
	free(out);
	free(err);
	j->used = 0;
}

static struct job *job_alloc(void)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (!jobs[i].used)
			return &jobs[i];
	return NULL;
}

static void job_start(struct job *j, uint32_t id, pid_t pid,
		      unsigned int timeout)
{
	j->used = 1;
	j->id = id;
	j->pid = pid;
	j->timed_out = 0;
	j->timeout = timeout;
	j->deadline = timeout ? now() + timeout : 0;
}

static void kill_job(uint32_t id)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i].used && jobs[i].id == id)
			kill(-jobs[i].pid, SIGKILL);
}

/* Collects every ended command and answers for those that are jobs. */
static void reap(void)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < MAX_JOBS; i++)
			if (jobs[i].used && jobs[i].pid == pid) {
				finish_job(&jobs[i], status);
				break;
			}
	}
}

/*
 * Kills the jobs whose deadline has passed; returns the poll() timeout in
 * ms until the next deadline, -1 if none.
 */
static int expire_jobs(void)
{
	double t = now(), next = 0;
	struct job *j;

	for (j = jobs; j < jobs + MAX_JOBS; j++) {
		if (!j->used || !j->deadline || j->timed_out)
			continue;
		if (j->deadline <= t) {
			j->timed_out = 1;
			kill(-j->pid, SIGKILL);
			kill(j->pid, SIGKILL);
			continue;
		}
		if (!next || j->deadline < next)
			next = j->deadline;
	}
	return next ? (int)((next - t) * 1000) + 1 : -1;
}

/* ---- exec requests ---------------------------------------------------- */

/*
 * The field at @off of a payload of @len bytes: its tag, data and length.
 * Returns the offset of the next field, or 0 when no whole field is left
 * (fewer bytes than a field header, or a length beyond the payload).
 */
static size_t next_field(const unsigned char *p, size_t len, size_t off,
			 unsigned char *tag, const unsigned char **data,
			 uint32_t *flen)
{
	if (len - off < NDL_FIELD_HDR_LEN)
		return 0;
	*tag = p[off];
	*flen = get_le32(p + off + 1);
	if (*flen > len - off - NDL_FIELD_HDR_LEN)
		return 0;
	*data = p + off + NDL_FIELD_HDR_LEN;
	return off + NDL_FIELD_HDR_LEN + *flen;
}

/* Appends @s to the NULL-terminated vector *@v of *@n strings. */
static void strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

static void strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* One field of an exec request; -1 if out of memory. */
static int exec_req_field(struct exec_req *r, unsigned char tag,
			  const unsigned char *data, uint32_t len)
{
	char *s;

	if (tag == NDL_FIELD_STDIN) {
		r->in = data;
		r->inlen = len;
		return 0;
	}
	s = strndup((const char *)data, len);
	if (!s)
		return -1;
	switch (tag) {
	case NDL_FIELD_ARG:
		strv_push(&r->argv, &r->argc, s);
		return 0;
	case NDL_FIELD_ENV:
		strv_push(&r->envp, &r->envc, s);
		return 0;
	case NDL_FIELD_CWD:
		snprintf(r->cwd, sizeof(r->cwd), "%s", s);
		break;
	case NDL_FIELD_TIMEOUT:
		r->timeout = strtoul(s, NULL, 10);
		break;
	}
	free(s);
	return 0;
}

/*
 * Decodes the fields of an exec payload into @r, up to the first field
 * that is cut short; unknown tags are skipped.
 */
static void exec_req_parse(struct exec_req *r, const unsigned char *p,
			   size_t len)
{
	const unsigned char *data;
	size_t off = 0, next;
	unsigned char tag;
	uint32_t flen;

	*r = (struct exec_req){ .cwd = "/" };
	while ((next = next_field(p, len, off, &tag, &data, &flen))) {
		if (exec_req_field(r, tag, data, flen))
			break;
		off = next;
	}
}

static void exec_req_free(struct exec_req *r)
{
	strv_free(r->argv);
	strv_free(r->envp);
}

/* Writes the request's standard input to the job's "in" file. */
static int write_stdin_file(uint32_t id, const struct exec_req *r)
{
	char path[128];
	int fd, rc, err;

	job_path(path, sizeof(path), id, "in");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	rc = write_all(fd, r->in, r->inlen);
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* In the child: opens @path with @flags as descriptor @target. */
static void redirect(int target, const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	if (fd >= 0 && fd != target) {
		dup2(fd, target);
		close(fd);
	}
}

/* In the child: standard input, output and error of job @id. */
static void child_redirect(uint32_t id, const struct exec_req *r)
{
	char path[128];

	if (r->in)
		job_path(path, sizeof(path), id, "in");
	else
		snprintf(path, sizeof(path), "/dev/null");
	redirect(0, path, O_RDONLY);
	job_path(path, sizeof(path), id, "out");
	redirect(1, path, O_WRONLY | O_CREAT | O_TRUNC);
	job_path(path, sizeof(path), id, "err");
	redirect(2, path, O_WRONLY | O_CREAT | O_TRUNC);
}

/* In the child: a session of its own, then the command. */
static void child_exec(uint32_t id, const struct exec_req *r)
{
	sigset_t none;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setsid();
	child_redirect(id, r);
	if (chdir(r->cwd))
		dprintf(2, "ndiv-lab-agent: chdir %s: %s\n", r->cwd,
			strerror(errno));
	if (r->envp)
		environ = r->envp;
	execvp(r->argv[0], r->argv);
	err = errno;
	dprintf(2, "ndiv-lab-agent: %s: %s\n", r->argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

/* Starts the command of @r as job @id; on failure, answers with 255. */
static void spawn(uint32_t id, const struct exec_req *r)
{
	char msg[256];
	struct job *j = job_alloc();
	pid_t pid;

	if (!r->argc || !j) {
		send_error(id, 255, r->argc ? "too many running commands" :
			   "empty command");
		return;
	}
	if (r->in && write_stdin_file(id, r)) {
		snprintf(msg, sizeof(msg), "stdin: %s", strerror(errno));
		send_error(id, 255, msg);
		return;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(msg, sizeof(msg), "fork: %s", strerror(errno));
		send_error(id, 255, msg);
		return;
	}
	if (pid == 0)
		child_exec(id, r);
	job_start(j, id, pid, r->timeout);
}

static void handle_exec(uint32_t id, const unsigned char *p, size_t len)
{
	struct exec_req r;

	exec_req_parse(&r, p, len);
	spawn(id, &r);
	exec_req_free(&r);
}

/* ---- frames in -------------------------------------------------------- */

static void handle_poweroff(uint32_t id)
{
	send_simple(NDL_MSG_POWEROFF, id, "");
	sync();
	/* Give the reply a moment to reach the host. */
	usleep(200000);
	reboot(RB_POWER_OFF);
}

static void handle_frame(unsigned char type, uint32_t id,
			 const unsigned char *p, size_t len)
{
	switch (type) {
	case NDL_MSG_EXEC:
		handle_exec(id, p, len);
		break;
	case NDL_MSG_KILL:
		kill_job(id);
		break;
	case NDL_MSG_PING:
		send_uptime(NDL_MSG_PING, id);
		break;
	case NDL_MSG_POWEROFF:
		handle_poweroff(id);
		break;
	default:
		logmsg("unknown frame type 0x%02x", type);
	}
}

/*
 * Drops the bytes before the next magic (at least one), keeping the last
 * NDL_MAGIC_LEN - 1 bytes when there is none: they may begin one.
 */
static void resync(struct buf *in)
{
	unsigned char *m = memmem(in->p + 1, in->len - 1, NDL_MAGIC,
				  NDL_MAGIC_LEN);

	if (m)
		buf_consume(in, m - in->p);
	else
		buf_consume(in, in->len - (NDL_MAGIC_LEN - 1));
}

/*
 * Handles the first frame of @in if it is complete and removes it.
 * Returns 1 if @in may hold another frame, 0 if more input is needed.
 */
static int take_frame(struct buf *in)
{
	const unsigned char *h = in->p;
	uint32_t len;

	if (in->len < NDL_HDR_LEN)
		return 0;
	if (memcmp(h, NDL_MAGIC, NDL_MAGIC_LEN)) {
		resync(in);
		return 1;
	}
	len = get_le32(h + offsetof(struct ndl_hdr, len));
	if (len > NDL_MAX_PAYLOAD) {
		logmsg("oversized frame dropped");
		in->len = 0;
		return 0;
	}
	if (in->len - NDL_HDR_LEN < len)
		return 0;
	handle_frame(h[offsetof(struct ndl_hdr, type)],
		     get_le32(h + offsetof(struct ndl_hdr, id)),
		     h + NDL_HDR_LEN, len);
	buf_consume(in, NDL_HDR_LEN + len);
	return 1;
}

/* Appends what the port has to @in; drops partial input on a hangup. */
static void read_port(struct buf *in, short revents)
{
	unsigned char tmp[READ_CHUNK];
	ssize_t r;

	if (!(revents & POLLIN)) {
		if (revents & (POLLHUP | POLLERR)) {
			in->len = 0;
			usleep(RETRY_US);
		}
		return;
	}
	r = read(port_fd, tmp, sizeof(tmp));
	if (r > 0) {
		buf_add(in, tmp, r);
	} else if (r == 0) {
		/* Host side not connected: drop partial input. */
		in->len = 0;
		usleep(RETRY_US);
	}
}

/* ---- main ------------------------------------------------------------- */

/* Blocks SIGCHLD and returns a signalfd that reports it. */
static int child_signalfd(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void drain_signalfd(int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) > 0)
		;
}

int main(void)
{
	struct buf in = { 0 };
	int sfd;

	setvbuf(stderr, NULL, _IOLBF, 0);
	sfd = child_signalfd();
	if (sfd < 0) {
		logmsg("signalfd: %s", strerror(errno));
		return 1;
	}
	mkdir("/run/ndiv-lab", 0755);
	mkdir(WORKDIR, 0700);

	port_fd = open_port();
	if (port_fd < 0) {
		logmsg("cannot open port: %s", strerror(errno));
		return 1;
	}
	send_uptime(NDL_MSG_HELLO, 0);

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = port_fd, .events = POLLIN },
		};

		if (poll(pfd, 2, expire_jobs()) < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			sleep(1);
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			drain_signalfd(sfd);
			reap();
		}
		read_port(&in, pfd[1].revents);
		while (take_frame(&in))
			;
	}
}
