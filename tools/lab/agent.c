// SPDX-License-Identifier: GPL-2.0
/*
 * ndiv-lab guest agent.
 *
 * Runs inside the lab VM (started by busybox init from the initramfs copy
 * in /run/ndiv-lab/) and executes commands on behalf of the host.  It talks
 * to the host's hub (tools/lab/labctl.py) over a virtio-serial port named
 * "org.ndiv.lab.agent".
 *
 * Wire format (both directions): frames of a 16-byte header
 *
 *	magic "NDL1" | type u8 | flags u8 | reserved u16 | id u32le | len u32le
 *
 * followed by len bytes of payload.  Exec requests and results carry a
 * list of fields: tag u8 | len u32le | data.
 *
 *   host -> guest  'X' exec    fields a=argv (repeated) e=env (repeated)
 *                              c=cwd t=timeout(s, ascii) i=stdin data
 *                  'K' kill    (id of a running exec)
 *                  'P' ping    (answered with 'P', payload: uptime)
 *                  'O' poweroff (answered with 'O', then power off)
 *   guest -> host  'H' hello   (payload: uptime), sent once at start
 *                  'R' result  fields r=status(ascii) o=stdout e=stderr
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

#define PORT_NAME	"org.ndiv.lab.agent"
#define WORKDIR		"/run/ndiv-lab/jobs"
#define HDR_LEN		16
#define MAX_FRAME	(512u << 20)
#define MAX_JOBS	256

/* environ comes from <unistd.h> with _GNU_SOURCE */

struct job {
	uint32_t id;
	pid_t pid;
	int used;
	int timed_out;
	double deadline;	/* 0: none */
	unsigned int timeout;
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				if (errno == EAGAIN)
					poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 100);
				continue;
			}
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* A growable buffer for building a frame. */
struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p) {
			logmsg("out of memory");
			exit(1);
		}
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void buf_field(struct buf *b, char tag, const void *data, size_t len)
{
	unsigned char h[5];

	h[0] = tag;
	put32(h + 1, len);
	buf_add(b, h, 5);
	if (len)
		buf_add(b, data, len);
}

static void frame_begin(struct buf *b, char type, uint32_t id)
{
	unsigned char h[HDR_LEN] = { 'N', 'D', 'L', '1' };

	b->len = 0;
	h[4] = type;
	put32(h + 8, id);
	buf_add(b, h, HDR_LEN);
}

static void frame_send(struct buf *b)
{
	put32(b->p + 12, b->len - HDR_LEN);
	if (write_all(port_fd, b->p, b->len))
		logmsg("write to port: %s", strerror(errno));
}

static void send_simple(char type, uint32_t id, const char *payload)
{
	struct buf b = { 0 };

	frame_begin(&b, type, id);
	buf_add(&b, payload, strlen(payload));
	frame_send(&b);
	free(b.p);
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

static int open_port(void)
{
	for (;;) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[512], name[128] = "";
			FILE *f;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path),
				 "/sys/class/virtio-ports/%s/name", de->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (!fgets(name, sizeof(name), f))
				name[0] = 0;
			fclose(f);
			name[strcspn(name, "\n")] = 0;
			if (strcmp(name, PORT_NAME))
				continue;
			snprintf(path, sizeof(path), "/dev/%s", de->d_name);
			closedir(d);
			return open(path, O_RDWR | O_CLOEXEC);
		}
		if (d)
			closedir(d);
		usleep(100000);
	}
}

static char *read_file(const char *path, size_t *len)
{
	struct buf b = { 0 };
	char tmp[65536];
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

static void job_path(char *path, size_t n, uint32_t id, const char *ext)
{
	snprintf(path, n, WORKDIR "/%u.%s", id, ext);
}

static void finish_job(struct job *j, int status)
{
	char path[128], st[32], msg[128];
	struct buf b = { 0 };
	size_t olen, elen;
	char *out, *err;
	int rc;

	if (j->timed_out)
		rc = 124;
	else if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);
	else
		rc = 255;

	job_path(path, sizeof(path), j->id, "out");
	out = read_file(path, &olen);
	unlink(path);
	job_path(path, sizeof(path), j->id, "err");
	err = read_file(path, &elen);
	unlink(path);
	job_path(path, sizeof(path), j->id, "in");
	unlink(path);

	frame_begin(&b, 'R', j->id);
	snprintf(st, sizeof(st), "%d", rc);
	buf_field(&b, 'r', st, strlen(st));
	buf_field(&b, 'o', out, olen);
	if (j->timed_out) {
		struct buf e = { 0 };

		if (elen)
			buf_add(&e, err, elen);
		snprintf(msg, sizeof(msg),
			 "ndiv-lab: guest command timed out after %u s, killed\n",
			 j->timeout);
		buf_add(&e, msg, strlen(msg));
		buf_field(&b, 'e', e.p, e.len);
		free(e.p);
	} else {
		buf_field(&b, 'e', err, elen);
	}
	frame_send(&b);
	free(b.p);
	free(out);
	free(err);
	j->used = 0;
}

static void send_error(uint32_t id, int rc, const char *fmt, const char *arg)
{
	struct buf b = { 0 };
	char st[16], msg[512];

	snprintf(st, sizeof(st), "%d", rc);
	snprintf(msg, sizeof(msg), fmt, arg);
	frame_begin(&b, 'R', id);
	buf_field(&b, 'r', st, strlen(st));
	buf_field(&b, 'o', "", 0);
	buf_field(&b, 'e', msg, strlen(msg));
	frame_send(&b);
	free(b.p);
}

static void start_job(uint32_t id, const unsigned char *p, size_t len)
{
	char **argv = NULL, **envp = NULL;
	size_t argc = 0, envc = 0, off = 0;
	const unsigned char *in = NULL;
	char cwd[4096] = "/", path[128];
	unsigned int timeout = 0;
	size_t inlen = 0;
	struct job *j = NULL;
	pid_t pid;
	int i;

	while (off + 5 <= len) {
		char tag = p[off];
		uint32_t flen = get32(p + off + 1);
		const unsigned char *f = p + off + 5;
		char *s;

		if (flen > len - off - 5)
			break;
		off += 5 + flen;
		if (tag == 'i') {
			in = f;
			inlen = flen;
			continue;
		}
		s = strndup((const char *)f, flen);
		if (!s)
			break;
		switch (tag) {
		case 'a':
			argv = realloc(argv, (argc + 2) * sizeof(*argv));
			argv[argc++] = s;
			argv[argc] = NULL;
			continue;
		case 'e':
			envp = realloc(envp, (envc + 2) * sizeof(*envp));
			envp[envc++] = s;
			envp[envc] = NULL;
			continue;
		case 'c':
			snprintf(cwd, sizeof(cwd), "%s", s);
			break;
		case 't':
			timeout = strtoul(s, NULL, 10);
			break;
		}
		free(s);
	}

	for (i = 0; i < MAX_JOBS; i++)
		if (!jobs[i].used) {
			j = &jobs[i];
			break;
		}
	if (!argc || !j) {
		send_error(id, 255, "ndiv-lab-agent: %s\n",
			   argc ? "too many running commands" : "empty command");
		goto out;
	}

	if (in) {
		int fd;

		job_path(path, sizeof(path), id, "in");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write_all(fd, in, inlen)) {
			send_error(id, 255, "ndiv-lab-agent: stdin: %s\n",
				   strerror(errno));
			if (fd >= 0)
				close(fd);
			goto out;
		}
		close(fd);
	}

	pid = fork();
	if (pid < 0) {
		send_error(id, 255, "ndiv-lab-agent: fork: %s\n", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		sigset_t none;
		int fd, err;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		setsid();
		if (in) {
			job_path(path, sizeof(path), id, "in");
			fd = open(path, O_RDONLY);
		} else {
			fd = open("/dev/null", O_RDONLY);
		}
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		job_path(path, sizeof(path), id, "out");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0 && fd != 1) {
			dup2(fd, 1);
			close(fd);
		}
		job_path(path, sizeof(path), id, "err");
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0 && fd != 2) {
			dup2(fd, 2);
			close(fd);
		}
		if (chdir(cwd))
			dprintf(2, "ndiv-lab-agent: chdir %s: %s\n", cwd,
				strerror(errno));
		if (envp)
			environ = envp;
		execvp(argv[0], argv);
		err = errno;
		dprintf(2, "ndiv-lab-agent: %s: %s\n", argv[0], strerror(err));
		_exit(err == ENOENT ? 127 : 126);
	}
	j->used = 1;
	j->id = id;
	j->pid = pid;
	j->timed_out = 0;
	j->timeout = timeout;
	j->deadline = timeout ? now() + timeout : 0;
out:
	for (i = 0; argv && argv[i]; i++)
		free(argv[i]);
	for (i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(argv);
	free(envp);
}

static void kill_job(uint32_t id)
{
	int i;

	for (i = 0; i < MAX_JOBS; i++)
		if (jobs[i].used && jobs[i].id == id)
			kill(-jobs[i].pid, SIGKILL);
}

static void handle_frame(char type, uint32_t id, const unsigned char *p,
			 size_t len)
{
	char up[64];

	switch (type) {
	case 'X':
		start_job(id, p, len);
		break;
	case 'K':
		kill_job(id);
		break;
	case 'P':
		uptime_str(up, sizeof(up));
		send_simple('P', id, up);
		break;
	case 'O':
		send_simple('O', id, "");
		sync();
		/* Give the reply a moment to reach the host. */
		usleep(200000);
		reboot(RB_POWER_OFF);
		break;
	default:
		logmsg("unknown frame type 0x%02x", (unsigned char)type);
	}
}

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

int main(void)
{
	struct buf in = { 0 };
	char up[64];
	sigset_t set;
	int sfd;

	setvbuf(stderr, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
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
	uptime_str(up, sizeof(up));
	send_simple('H', 0, up);

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = port_fd, .events = POLLIN },
		};
		double t = now(), next = 0;
		int timeout = -1, i, n;

		for (i = 0; i < MAX_JOBS; i++) {
			if (!jobs[i].used || !jobs[i].deadline ||
			    jobs[i].timed_out)
				continue;
			if (jobs[i].deadline <= t) {
				jobs[i].timed_out = 1;
				kill(-jobs[i].pid, SIGKILL);
				kill(jobs[i].pid, SIGKILL);
				continue;
			}
			if (!next || jobs[i].deadline < next)
				next = jobs[i].deadline;
		}
		if (next)
			timeout = (int)((next - t) * 1000) + 1;

		n = poll(pfd, 2, timeout);
		if (n < 0 && errno != EINTR) {
			logmsg("poll: %s", strerror(errno));
			sleep(1);
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) > 0)
				;
			reap();
		}
		if (pfd[1].revents & POLLIN) {
			unsigned char tmp[65536];
			ssize_t r = read(port_fd, tmp, sizeof(tmp));

			if (r > 0) {
				buf_add(&in, tmp, r);
			} else if (r == 0) {
				/* Host side not connected: drop partial input. */
				in.len = 0;
				usleep(100000);
			}
		} else if (pfd[1].revents & (POLLHUP | POLLERR)) {
			in.len = 0;
			usleep(100000);
		}

		/* Parse complete frames. */
		for (;;) {
			uint32_t flen;
			size_t skip;

			if (in.len < HDR_LEN)
				break;
			if (memcmp(in.p, "NDL1", 4)) {
				/* Resynchronise on the next magic. */
				unsigned char *m = memmem(in.p + 1, in.len - 1,
							  "NDL1", 4);

				skip = m ? (size_t)(m - in.p) : in.len - 3;
				memmove(in.p, in.p + skip, in.len - skip);
				in.len -= skip;
				continue;
			}
			flen = get32(in.p + 12);
			if (flen > MAX_FRAME) {
				logmsg("oversized frame dropped");
				in.len = 0;
				break;
			}
			if (in.len < HDR_LEN + flen)
				break;
			handle_frame(in.p[4], get32(in.p + 8), in.p + HDR_LEN,
				     flen);
			skip = HDR_LEN + flen;
			memmove(in.p, in.p + skip, in.len - skip);
			in.len -= skip;
		}
	}
}
