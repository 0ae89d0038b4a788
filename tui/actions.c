/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Acting on the selection.  Every action names its target by PID and start
 * time, so a PID recycled since the last collection is refused: a shell or
 * command goes through the host's nsenter-lite with TARGET PID:STARTTIME, a
 * signal through a pidfd checked by start time, the probes through
 * ct_probe_target_open() with the start time.
 */
#include <curses.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "enter.h"
#include "escape.h"
#include "pidfd.h"
#include "probes.h"
#include "cli.h"
#include "render.h"
#include "tui.h"

size_t tui_selected_node(const struct tui_state *st)
{
	if (!st->host.snap || st->selected >= st->table.n_rows)
		return CT_NONE;
	return st->table.rows[st->selected].node;
}

ssize_t tui_selected_container(const struct tui_state *st)
{
	return tui_node_container(&st->host, tui_selected_node(st));
}

/* The process an action on the selection targets: a container row's
 * init, else the row's process (for e, x and p: its container's init when
 * it is in one).  -1 if there is none. */
static ssize_t target_proc(const struct tui_state *st, bool prefer_container)
{
	size_t node = tui_selected_node(st);
	ssize_t c = tui_selected_container(st);

	if (node == CT_NONE)
		return -1;
	if (tui_node_is_container(&st->host, node) || (prefer_container && c >= 0))
		return c >= 0 ? st->host.world->containers[c].init : -1;
	return (ssize_t)node;
}

static char *target_label(const struct tui_state *st, ssize_t idx)
{
	const struct ct_proc *p = &st->host.snap->procs[idx];
	ssize_t c = st->host.world->container[idx];
	_cleanup_free_ char *comm = ct_escape_term_dup(p->comm, strlen(p->comm));
	_cleanup_free_ char *cname = NULL;
	char *r;

	if (c >= 0)
		cname = tui_node_name(&st->host, st->host.snap->n_procs + (size_t)c);
	if (asprintf(&r, "PID %d (%s)%s%s", p->pid, comm, cname ? " in container " : "", cname ? cname : "") < 0)
		abort();
	return r;
}

/* Leave curses, run argv with the terminal, come back.  The exit status. */
static int run_on_terminal(struct tui_state *st, char *const argv[], bool wait_enter)
{
	sigset_t all;
	int status = 0;
	pid_t pid;

	def_prog_mode();
	endwin();
	if (tui_orig_stderr >= 0)
		dup2(tui_orig_stderr, STDERR_FILENO);
	pid = fork();
	if (pid == 0) {
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		/* Only the terminal: not what ctrtop was started with. */
		if (ct_enter_cloexec_from3() < 0)
			_exit(127);
		execv(argv[0], argv);
		fprintf(stderr, "ctrtop: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (wait_enter || pid < 0) {
		char buf[64];

		if (pid < 0)
			fprintf(stderr, "ctrtop: fork: %s\n", strerror(errno));
		else if (WIFEXITED(status))
			fprintf(stderr, "\n[exit status %d] ", WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			fprintf(stderr, "\n[killed by signal %d] ", WTERMSIG(status));
		fputs("press Enter to return", stderr);
		for (ssize_t n; (n = read(STDIN_FILENO, buf, sizeof(buf))) > 0;)
			if (memchr(buf, '\n', (size_t)n))
				break;
	}
	if (tui_log_fd >= 0)
		dup2(tui_log_fd, STDERR_FILENO);
	/* A ^C typed for the child is not for us. */
	st->exit_signal = tui_signals_drain(st, true);
	reset_prog_mode();
	clearok(stdscr, TRUE);
	refresh();
	return status;
}

void tui_action_shell(struct tui_state *st, bool command)
{
	ssize_t idx = target_proc(st, true);
	_cleanup_free_ char *path = NULL, *cmd = NULL, *target = NULL;
	const char *shell = getenv("SHELL");
	const struct ct_proc *p;
	int status;

	if (idx < 0) {
		tui_status(st, "no running process to enter here");
		return;
	}
	p = &st->host.snap->procs[idx];
	if (asprintf(&target, "%d:%" PRIu64, p->pid, p->start_time) < 0)
		abort();
	if (ct_cli_sibling("nsenter-lite", &path) < 0) {
		tui_status(st, "cannot tell where ctrtop is installed");
		return;
	}
	if (access(path, X_OK) < 0) {
		_cleanup_free_ char *e = ct_escape_term_dup(path, strlen(path));

		tui_status(st, "cannot run %s: %s", e, strerror(errno));
		return;
	}
	if (command) {
		cmd = tui_prompt(st, "command (host's /bin/sh -c, in the netns): ", "");
		if (!cmd || !*cmd) {
			tui_status(st, "cancelled");
			return;
		}
		char *argv[] = { path, target, (char *)"--", (char *)"/bin/sh", (char *)"-c", cmd, NULL };

		status = run_on_terminal(st, argv, true);
	} else {
		if (!shell || shell[0] != '/')
			shell = "/bin/sh";
		char *argv[] = { path, target, (char *)"--", (char *)shell, NULL };

		status = run_on_terminal(st, argv, false);
	}
	tui_status(st, "nsenter-lite %s: %s %d", target, WIFEXITED(status) ? "exit status" : "signal",
		   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

void tui_action_probes(struct tui_state *st)
{
	ssize_t idx = target_proc(st, true);
	_cleanup_free_ char *list = NULL, *error = NULL, *out = NULL, *label = NULL, *title = NULL;
	struct ct_probe_target t;
	const struct ct_proc *p;
	size_t len = 0;
	FILE *f;
	int r;

	if (idx < 0) {
		tui_status(st, "no running process to probe here");
		return;
	}
	list = tui_prompt(st, "probes: ", "all");
	if (!list || !*list) {
		tui_status(st, "cancelled");
		return;
	}
	p = &st->host.snap->procs[idx];
	label = target_label(st, idx);
	tui_status(st, "running probes on %s ...", label);
	tui_screen_draw(st);
	r = ct_probe_target_open(p->pid, p->start_time, &t);
	if (r < 0) {
		tui_status(st, "cannot open %s: %s", label,
			   r == -ESTALE ? "the PID names another process now" : strerror(-r));
		return;
	}
	t.world = st->host.world;
	f = open_memstream(&out, &len);
	if (!f)
		abort();
	r = ct_probes_cli(&t, list, false, st->opts.engine.timeout_ms, f, &error);
	if (r < 0 && error)
		fprintf(f, "\nerror: %s\n", error);
	fclose(f);
	ct_probe_target_close(&t);
	if (asprintf(&title, "probes on %s", label) < 0)
		abort();
	tui_pager_open(st, title, out, len);
	tui_status(st, "%s", r < 0 ? "a probe failed (see the end)" : "");
}

/* Open path for writing: never through a symlink, never over an existing
 * file unless confirmed.  The fd or -errno. */
static int open_output(struct tui_state *st, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
	_cleanup_free_ char *q = NULL, *safe = NULL;
	struct stat sb;

	if (fd >= 0 || errno != EEXIST)
		return fd >= 0 ? fd : -errno;
	safe = ct_escape_term_dup(path, strlen(path));
	if (asprintf(&q, "%s exists: overwrite it? (y/n)", safe) < 0)
		abort();
	if (!tui_confirm(st, q))
		return -EEXIST;
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || ftruncate(fd, 0) < 0) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

void tui_action_write(struct tui_state *st)
{
	size_t node = tui_selected_node(st);
	ssize_t c = tui_selected_container(st);
	_cleanup_free_ char *name = NULL, *def = NULL, *path = NULL, *safe = NULL;
	struct json_object *o;
	const char *text, *label;
	int fd, r;

	if (node == CT_NONE)
		return;
	/* The default file name, from a name that may hold anything. */
	label = st->host.snap->procs[node].comm;
	if (c >= 0 && tui_node_is_container(&st->host, node)) {
		const struct ct_container_rec *rec = &st->host.world->containers[c].rec;

		label = rec->name ? rec->name : rec->id ? rec->id : label;
	}
	name = xstrdup(label);
	for (char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_') ||
		    (p == name && *p == '.'))
			*p = '_';
	if (asprintf(&def, "./ctrtop-%.64s.json", name) < 0)
		abort();
	path = tui_prompt(st, "write JSON to: ", def);
	if (!path || !*path) {
		tui_status(st, "cancelled");
		return;
	}
	safe = ct_escape_term_dup(path, strlen(path));
	if (tui_node_is_container(&st->host, node)) {
		o = ct_json_container(st->host.world, &st->host.world->containers[c]);
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "process", ct_json_process(st->host.model, st->host.world, node));
		json_object_object_add(o, "container",
				       c >= 0 ? ct_json_container(st->host.world, &st->host.world->containers[c]) : NULL);
	}
	fd = open_output(st, path);
	if (fd < 0) {
		json_object_put(o);
		tui_status(st, "not written: %s: %s", safe, fd == -EEXIST ? "it exists" : strerror(-fd));
		return;
	}
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	r = ct_write_all(fd, text, strlen(text));
	if (r == 0)
		r = ct_write_all(fd, "\n", 1);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	json_object_put(o);
	if (r < 0)
		tui_status(st, "cannot write %s: %s", safe, strerror(-r));
	else
		tui_status(st, "wrote %s", safe);
}

/* "TERM", "SIGTERM", "term" or "15": the signal number, or -1. */
static int parse_signal(const char *s)
{
	int n;

	if (ct_parse_pid(s, strlen(s), &n) == 0)
		return n > 0 && n < NSIG ? n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *a = sigabbrev_np(i);

		if (a && strcasecmp(a, s) == 0)
			return i;
	}
	return -1;
}

void tui_action_kill(struct tui_state *st)
{
	ssize_t idx = target_proc(st, false);
	_cleanup_free_ char *sig = NULL, *label = NULL, *q = NULL;
	_cleanup_close_ int pidfd = -1;
	const struct ct_proc *p;
	int signo;

	if (idx < 0) {
		tui_status(st, "no process to signal here");
		return;
	}
	p = &st->host.snap->procs[idx];
	label = target_label(st, idx);
	sig = tui_prompt(st, "signal: ", "TERM");
	if (!sig || !*sig) {
		tui_status(st, "cancelled");
		return;
	}
	signo = parse_signal(sig);
	if (signo < 0) {
		_cleanup_free_ char *e = ct_escape_term_dup(sig, strlen(sig));

		tui_status(st, "unknown signal: %s", e);
		return;
	}
	if (asprintf(&q, "send SIG%s to %s? (y/n)", sigabbrev_np(signo) ? sigabbrev_np(signo) : "?", label) < 0)
		abort();
	if (!tui_confirm(st, q)) {
		tui_status(st, "cancelled");
		return;
	}
	pidfd = ct_pidfd_open_checked(p->pid, p->start_time, NULL);
	if (pidfd < 0) {
		tui_status(st, "not sent: %s",
			   pidfd == -ESTALE  ? "the PID names another process now"
			   : pidfd == -ESRCH ? "it has exited"
					     : strerror(-pidfd));
		return;
	}
	if (syscall(SYS_pidfd_send_signal, pidfd, signo, NULL, 0) < 0) {
		tui_status(st, "not sent: %s", strerror(errno));
		return;
	}
	tui_status(st, "sent SIG%s to %s", sigabbrev_np(signo) ? sigabbrev_np(signo) : "?", label);
	st->dirty = true;
}
