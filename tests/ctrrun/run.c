/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `run` client: claims the id, forks the supervisor (shim.c) through a
 * double fork, waits (bounded) for it to report the container running and,
 * in the foreground, relays signals to the init until the exit status
 * comes back.  The line protocol on the report pipe is described in shim.c.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "ctrrun.h"

struct line_reader {
	int fd;
	char buf[1024];
	size_t len;
};

/* Next line (without '\n') into out; 1, 0 at EOF, -ETIMEDOUT, -errno. */
static int read_line(struct line_reader *lr, int timeout_ms, char *out,
		     size_t size)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char *nl = memchr(lr->buf, '\n', lr->len);
		struct pollfd p = { .fd = lr->fd, .events = POLLIN };
		struct timespec now;
		int left = -1, r;
		ssize_t n;

		if (nl) {
			size_t n_line = (size_t)(nl - lr->buf);

			snprintf(out, size, "%.*s", (int)n_line, lr->buf);
			memmove(lr->buf, nl + 1, lr->len - n_line - 1);
			lr->len -= n_line + 1;
			return 1;
		}
		if (lr->len == sizeof(lr->buf))
			return -EPROTO;
		if (timeout_ms >= 0) {
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (now.tv_sec - start.tv_sec) * 1000 +
			     (now.tv_nsec - start.tv_nsec) / 1000000;
			left = ms >= timeout_ms ? 0 : timeout_ms - (int)ms;
		}
		r = poll(&p, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = read(lr->fd, lr->buf + lr->len, sizeof(lr->buf) - lr->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		lr->len += (size_t)n;
	}
}

/* Parse "C NUMBER [NUMBER]" lines; false if malformed. */
static bool parse_nums(const char *line, char c, uint64_t *a, uint64_t *b)
{
	const char *sp;

	if (line[0] != c || line[1] != ' ')
		return false;
	line += 2;
	sp = strchr(line, ' ');
	if (!b)
		return !sp && ct_parse_u64_str(line, a) == 0;
	return sp && ct_parse_u64(line, (size_t)(sp - line), a) == 0 &&
	       ct_parse_u64_str(sp + 1, b) == 0;
}

/* The supervisor vanished mid-start: clean up what it may have made. */
static void cleanup_failed_start(const struct cr_config *cfg, int sup_pidfd)
{
	struct cr_cgroups cg = { 0 };
	struct cr_error e = { 0 };

	if (sup_pidfd >= 0) {
		struct pollfd p = { .fd = sup_pidfd, .events = POLLIN };

		/* Its init follows it through PR_SET_PDEATHSIG. */
		syscall(SYS_pidfd_send_signal, sup_pidfd, SIGKILL, NULL, 0);
		(void)poll(&p, 1, 2000);
	}
	if (cr_cgroups_discover(&cg, &e) == 0) {
		cr_cgroups_resolve(&cg, cfg->cgroup_path);
		(void)cr_cgroups_remove(&cg, cfg->cgroup_default_parent, &e);
	}
	/* The veth dies with the init's netns. */
	cr_cgroups_free(&cg);
	(void)cr_state_remove(cfg->state_dir, cfg->id, &e);
}

/* Foreground: relay our signals to the init until the X line comes. */
static int wait_exit(struct line_reader *lr, int init_pidfd, struct cr_error *e)
{
	static const int sigs[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	_cleanup_close_ int sfd = -1;
	sigset_t set;
	char line[640];

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return cr_fail(e, -errno, "signalfd");
	for (;;) {
		struct pollfd p[2] = { { .fd = lr->fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;
		uint64_t code;
		int r;

		if (lr->len == 0) {
			r = poll(p, 2, -1);
			if (r < 0 && errno != EINTR)
				return cr_fail(e, -errno, "poll");
			if (r <= 0)
				continue;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				if (init_pidfd >= 0)
					syscall(SYS_pidfd_send_signal, init_pidfd,
						(int)si.ssi_signo, NULL, 0);
			if (!p[0].revents)
				continue;
		}
		r = read_line(lr, -1, line, sizeof(line));
		if (r <= 0)
			return cr_fail(e, r < 0 ? r : -EPIPE,
				       "supervisor exited without a status");
		if (parse_nums(line, 'X', &code, NULL) && code <= 255)
			return (int)code;
	}
}

/* mkdir -p; the state is root's, others may only traverse. */
static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = p + 1;; s++) {
		bool last;

		s = strchrnul(s, '/');
		last = *s == '\0';
		*s = '\0';
		if (mkdir(p, 0711) < 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*s = '/';
	}
}

int cr_run(const struct cr_config *cfg, struct cr_error *e)
{
	_cleanup_free_ char *dir = NULL;
	_cleanup_close_ int sup_pidfd = -1, init_pidfd = -1;
	struct line_reader lr = { .fd = -1 };
	int pfd[2], st, r;
	char line[640];
	pid_t pid;

	r = mkdir_parents(cfg->state_dir);
	if (r < 0)
		return cr_fail(e, r, "create %s", cfg->state_dir);
	if (asprintf(&dir, "%s/%s", cfg->state_dir, cfg->id) < 0)
		return cr_fail(e, -ENOMEM, "state");
	/* mkdir is the atomic claim on the id. */
	if (mkdir(dir, 0700) < 0) {
		if (errno == EEXIST)
			return cr_fail(e, -EEXIST, "container %s", cfg->id);
		return cr_fail(e, -errno, "create %s", dir);
	}
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		r = cr_fail(e, -errno, "pipe");
		(void)rmdir(dir);
		return r;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		r = cr_fail(e, -errno, "fork");
		close(pfd[0]);
		close(pfd[1]);
		(void)rmdir(dir);
		return r;
	}
	if (pid == 0) {
		/* Middle child: a new session, then leave the supervisor orphaned. */
		close(pfd[0]);
		if (setsid() < 0)
			_exit(125);
		pid = fork();
		if (pid < 0)
			_exit(125);
		if (pid > 0)
			_exit(0);
		cr_shim_main(cfg, pfd[1]);
	}
	close(pfd[1]);
	lr.fd = pfd[0];
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;

	/* The supervisor bounds the init's start; this bounds the supervisor. */
	for (;;) {
		uint64_t a, b;

		r = read_line(&lr, CTRRUN_TIMEOUT_MS + 5000, line, sizeof(line));
		if (r <= 0) {
			cr_fail(e, r < 0 ? r : -EPIPE, "start container %s",
				cfg->id);
			cleanup_failed_start(cfg, sup_pidfd);
			goto out;
		}
		if (parse_nums(line, 'S', &a, NULL) && a > 0 && a <= INT32_MAX) {
			sup_pidfd = (int)syscall(SYS_pidfd_open, (pid_t)a, 0);
			continue;
		}
		if (line[0] == 'E' && line[1] == ' ') {
			if (!cr_parse_error(line + 2, strlen(line + 2), e))
				cr_fail(e, -EIO, "start container %s", cfg->id);
			r = -(e->errnum ? e->errnum : EIO);
			/* The supervisor undid cgroups and veth; the dir is ours. */
			(void)cr_state_remove(cfg->state_dir, cfg->id,
					      &(struct cr_error){ 0 });
			goto out;
		}
		if (parse_nums(line, 'R', &a, &b) && a > 0 && a <= INT32_MAX) {
			/* May fail if it has already exited: then nothing to relay. */
			(void)cr_pidfd_open_checked((pid_t)a, b, &init_pidfd);
			break;
		}
	}
	r = cfg->detach ? 0 : wait_exit(&lr, init_pidfd, e);
out:
	close(lr.fd);
	return r;
}
