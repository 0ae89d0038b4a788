/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctrtop: a container-aware top.  The main loop polls the terminal, the
 * process connector and a signalfd; a refresh reads only the cgroup files
 * of the container rows and /proc/PID/stat of the process rows on screen;
 * a full collection happens only when the connector reported a change, at
 * most every --rescan seconds, and no sooner than ten times the last one took.
 */
#include <curses.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "tui.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

int tui_orig_stderr = -1;
int tui_log_fd = -1;
static bool log_is_memfd;

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " ctrtop [options]\n"
	      "\n"
	      "A live, container-aware top: engines, shims, containers and processes as\n"
	      "ctrtree links them, with each container's CPU, memory and pids from its cgroup.\n"
	      "\n"
	      "Options:\n"
	      " -d, --delay TENTHS      refresh every TENTHS tenths of a second (10)\n"
	      "     --rescan SECONDS    collect the host again at most every SECONDS (1), and\n"
	      "                         no sooner than 10x the last collection's time, when\n"
	      "                         the kernel reports process changes (always, without\n"
	      "                         the process events connector)\n"
	      "     --no-color          no colors (also NO_COLOR)\n"
	      "     --docker-socket PATH  ask the Docker API on PATH\n"
	      "     --timeout MS        give each engine at most MS milliseconds (2000)\n"
	      "     --no-api            do not ask the engines: /proc and state only\n"
	      "     --log FILE          append error messages to FILE while the screen is ours\n"
	      "\n"
	      " -h, --help              display this help\n"
	      " -V, --version           display version\n"
	      "\n"
	      "Press ? in ctrtop for the keys.  For more details see ctrtop(1).\n",
	      stdout);
	exit(EXIT_SUCCESS);
}

static void parse_args(struct tui_opts *o, int argc, char **argv)
{
	enum { OPT_RESCAN = 256, OPT_NO_COLOR, OPT_LOG };
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "rescan", required_argument, NULL, OPT_RESCAN },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		CT_CLI_ENGINE_OPTIONS,
		{ "log", required_argument, NULL, OPT_LOG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, v;

	o->delay_tenths = 10;
	o->rescan_s = 1;
	while ((c = getopt_long(argc, argv, "d:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (ct_parse_pid(optarg, strlen(optarg), &v) < 0 || v < 1 || v > 36000) {
				_cleanup_free_ char *bad = ct_escape_term_dup(optarg, strlen(optarg));

				ct_cli_usage_error("invalid delay '%s': expected 1 to 36000 tenths of a second", bad);
			}
			o->delay_tenths = v;
			break;
		case OPT_RESCAN:
			if (ct_parse_pid(optarg, strlen(optarg), &v) < 0 || v < 1 || v > 86400) {
				_cleanup_free_ char *bad = ct_escape_term_dup(optarg, strlen(optarg));

				ct_cli_usage_error("invalid rescan interval '%s': expected 1 to 86400 seconds", bad);
			}
			o->rescan_s = v;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_LOG:
			o->log = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			printf("ctrtop %s\n", VERSION);
			exit(EXIT_SUCCESS);
		default:
			if (ct_cli_engine_option(c, optarg, &o->engine))
				break;
			fputs("Try 'ctrtop --help' for more information.\n", stderr);
			exit(EXIT_FAILURE);
		}
	}
	if (optind < argc) {
		_cleanup_free_ char *bad = ct_escape_term_dup(argv[optind], strlen(argv[optind]));

		ct_cli_usage_error("unexpected argument '%s'", bad);
	}
}

/* While curses owns the terminal, stderr goes to the log (--log FILE, or
 * a memfd shown after the screen is given back). */
static int stderr_capture(const char *log)
{
	int fd;

	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
	} else {
		fd = memfd_create("ctrtop-log", MFD_CLOEXEC);
		log_is_memfd = true;
	}
	if (fd < 0)
		return -errno;
	tui_orig_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (tui_orig_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	tui_log_fd = fd;
	return 0;
}

static void stderr_restore(void)
{
	if (tui_orig_stderr < 0)
		return;
	dup2(tui_orig_stderr, STDERR_FILENO);
	if (log_is_memfd && tui_log_fd >= 0) {
		_cleanup_free_ char *buf = NULL;
		size_t len = 0;
		bool trunc = false;

		if (lseek(tui_log_fd, 0, SEEK_SET) == 0 && ct_read_fd(tui_log_fd, 1 << 20, &buf, &len, &trunc) == 0 &&
		    len) {
			struct ct_buf b = { 0 };

			/* Our own messages, but they may quote what a process chose. */
			for (const char *p = buf; p < buf + len;) {
				const char *nl = memchr(p, '\n', (size_t)(buf + len - p));
				size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);

				ct_escape_term(&b, p, n);
				ct_buf_putc(&b, '\n');
				p += n + 1;
			}
			(void)ct_write_all(STDERR_FILENO, b.data, b.len);
			ct_buf_free(&b);
		}
	}
	closep(&tui_log_fd);
	tui_log_fd = -1;
	close(tui_orig_stderr);
	tui_orig_stderr = -1;
}

/* A crash must not leave the terminal raw: give it back, then die of the
 * same signal.  (endwin() is not async-signal-safe; htop does the same,
 * and we are dying anyway.) */
static void crash_handler(int sig)
{
	endwin();
	if (tui_orig_stderr >= 0)
		dup2(tui_orig_stderr, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa = { .sa_handler = crash_handler, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

int tui_signals_drain(struct tui_state *st, bool ignore_int)
{
	struct signalfd_siginfo si;
	int got = st->exit_signal;

	while (read(st->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (ignore_int && (si.ssi_signo == SIGINT || si.ssi_signo == SIGQUIT))
			continue;
		got = (int)si.ssi_signo;
	}
	return got;
}

static const char help_text[] = "ctrtop: a container-aware top\n"
				"\n"
				"The view is the logical tree: engines, shims, containers (or pods), processes.\n"
				"By default every running container shows as one row under its engine and shim;\n"
				"CPU%, MEM and PIDS of a container row come from its cgroup, those of a process\n"
				"row from /proc/PID/stat, read only for rows on the screen.\n"
				"\n"
				"Moving\n"
				"  Up/Down, k/j         previous / next row\n"
				"  PgUp/PgDn            a screen up / down\n"
				"  Home/End             first / last row\n"
				"\n"
				"Tree\n"
				"  Right, +             expand the row (show all its children)\n"
				"  Left, -              collapse the row (or go to its parent if collapsed)\n"
				"  Space                toggle expand / collapse\n"
				"  t                    the kernel's parent tree instead of the logical one\n"
				"\n"
				"Columns, order, filter\n"
				"  n                    namespace columns (NETNS PIDNS MNTNS)\n"
				"  c                    cgroup column\n"
				"  s                    sort by: name, cpu, mem, pids (cycles)\n"
				"  r                    reverse the order\n"
				"  /                    filter by name, image, id, PID or namespace inode as you\n"
				"                       type; Enter keeps it, Esc clears it\n"
				"\n"
				"The selection\n"
				"  Enter                detail pane: identity, init and shim, namespaces, cgroup,\n"
				"                       ports, pod, anomalies, evidence\n"
				"  e                    your shell in its network namespace (nsenter-lite)\n"
				"  x                    a command in its network namespace (nsenter-lite)\n"
				"  p                    run network probes on it (default: all)\n"
				"  w                    write its JSON to a file\n"
				"  K                    send a signal (default TERM) to the process or the\n"
				"                       container's init, after confirmation\n"
				"\n"
				"  ?, h, F1             this help\n"
				"  Ctrl-L               redraw\n"
				"  q, F10               quit\n";

struct sel_key {
	int pid;
	char *cid; /* a container's id, or NULL for a process */
};

/* What the selection shows, to find it again after the rows change. */
static struct sel_key sel_save(const struct tui_state *st)
{
	size_t node = tui_selected_node(st);
	struct sel_key k = { 0 };

	if (node == CT_NONE)
		return k;
	if (tui_node_is_container(&st->host, node)) {
		const char *id = st->host.world->containers[node - st->host.snap->n_procs].rec.id;

		k.cid = xstrdup(id ? id : "");
	} else {
		k.pid = st->host.snap->procs[node].pid;
	}
	return k;
}

static void rebuild_keep(struct tui_state *st, struct sel_key *k)
{
	tui_table_build(&st->table, &st->host);
	if (k->pid || k->cid)
		st->selected = tui_table_find(&st->table, &st->host, k->pid, k->cid);
	free(k->cid);
	k->cid = NULL;
}

static void rebuild(struct tui_state *st)
{
	struct sel_key k = sel_save(st);

	rebuild_keep(st, &k);
}

/* Read what the rows need: every container row's cgroup (few, and the
 * sort may need them), visible process rows' stat. */
static void refresh_metrics(struct tui_state *st)
{
	uint64_t now = ct_now_ns();
	int rows, cols;
	size_t shown;

	getmaxyx(stdscr, rows, cols);
	(void)cols;
	shown = rows > 4 ? (size_t)rows - 4 : 0;
	for (size_t r = 0; r < st->table.n_rows; r++) {
		size_t node = st->table.rows[r].node;

		if (tui_node_is_container(&st->host, node))
			tui_metrics_read_container(&st->host, node - st->host.snap->n_procs, now);
		else if (r >= st->top && r < st->top + shown)
			tui_metrics_read_proc(&st->host, node, now);
	}
	/* In the kernel's tree containers have no rows: read them for the detail pane. */
	if (st->host.kernel_tree)
		for (size_t c = 0; c < st->host.world->n_containers; c++)
			tui_metrics_read_container(&st->host, c, now);
}

static int collect(struct tui_state *st)
{
	struct sel_key k = sel_save(st);
	int r = tui_host_collect(&st->host, &st->opts);

	if (r < 0) {
		free(k.cid);
		return r;
	}
	st->dirty = false;
	rebuild_keep(st, &k);
	return 0;
}

static void move_sel(struct tui_state *st, long delta)
{
	long n = (long)st->table.n_rows, s = (long)st->selected + delta;

	if (s >= n)
		s = n - 1;
	if (s < 0)
		s = 0;
	st->selected = (size_t)s;
}

static int page(void)
{
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	(void)cols;
	return rows > 6 ? rows - 5 : 1;
}

static void key_pager(struct tui_state *st, int ch)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		if (st->pager_top)
			st->pager_top--;
		break;
	case KEY_DOWN:
	case 'j':
		st->pager_top++;
		break;
	case KEY_PPAGE:
		st->pager_top = st->pager_top > (size_t)page() ? st->pager_top - (size_t)page() : 0;
		break;
	case KEY_NPAGE:
	case ' ':
		st->pager_top += (size_t)page();
		break;
	case KEY_HOME:
	case 'g':
		st->pager_top = 0;
		break;
	case KEY_END:
	case 'G':
		st->pager_top = st->n_pager;
		break;
	case 'q':
	case 27:
	case '\n':
	case '\r':
	case KEY_ENTER:
	case '?':
	case 'h':
	case KEY_F(1):
		tui_pager_close(st);
		break;
	}
}

static void key_filter(struct tui_state *st, int ch)
{
	size_t len = strlen(st->table.filter);

	if (ch == 27) {
		st->table.filter[0] = '\0';
		st->filtering = false;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		st->filtering = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		while (len > 0 && ((unsigned char)st->table.filter[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		st->table.filter[len] = '\0';
	} else if (ch >= 0x20 && ch <= 0xff && ch != 0x7f && len + 1 < sizeof(st->table.filter)) {
		st->table.filter[len] = (char)ch;
		st->table.filter[len + 1] = '\0';
	} else {
		return;
	}
	st->selected = 0;
	st->top = 0;
	rebuild(st);
	/* Land on the first row that matches, not on its ancestors. */
	if (*st->table.filter)
		for (size_t r = 0; r < st->table.n_rows; r++) {
			if (st->table.rows[r].depth >= st->table.rows[st->selected].depth)
				st->selected = r;
			if (r + 1 >= st->table.n_rows || st->table.rows[r + 1].depth <= st->table.rows[r].depth)
				break;
		}
}

static void key_main(struct tui_state *st, int ch)
{
	size_t node = tui_selected_node(st);
	const struct tui_row *row = node != CT_NONE ? &st->table.rows[st->selected] : NULL;

	st->status[0] = '\0';
	switch (ch) {
	case 'q':
	case KEY_F(10):
		st->quit = true;
		break;
	case KEY_UP:
	case 'k':
		move_sel(st, -1);
		break;
	case KEY_DOWN:
	case 'j':
		move_sel(st, 1);
		break;
	case KEY_PPAGE:
		move_sel(st, -page());
		break;
	case KEY_NPAGE:
		move_sel(st, page());
		break;
	case KEY_HOME:
		st->selected = 0;
		break;
	case KEY_END:
		move_sel(st, (long)st->table.n_rows);
		break;
	case KEY_RIGHT:
	case '+':
		if (row && row->has_children) {
			tui_table_set_fold(&st->table, &st->host, node, TUI_FOLD_OPEN);
			rebuild(st);
		}
		break;
	case KEY_LEFT:
	case '-':
		if (!row)
			break;
		if (row->has_children && (row->open || (st->selected + 1 < st->table.n_rows &&
							st->table.rows[st->selected + 1].depth > row->depth))) {
			tui_table_set_fold(&st->table, &st->host, node, TUI_FOLD_CLOSED);
			rebuild(st);
		} else {
			/* Already closed: go to the parent row. */
			for (size_t r = st->selected; r-- > 0;)
				if (st->table.rows[r].depth < row->depth) {
					st->selected = r;
					break;
				}
		}
		break;
	case ' ':
		if (row && row->has_children) {
			tui_table_set_fold(&st->table, &st->host, node, row->open ? TUI_FOLD_CLOSED : TUI_FOLD_OPEN);
			rebuild(st);
		}
		break;
	case 'n':
		st->show_ns = !st->show_ns;
		break;
	case 'c':
		st->show_cgroup = !st->show_cgroup;
		break;
	case 't': {
		struct sel_key k = sel_save(st);

		tui_host_set_tree(&st->host, !st->host.kernel_tree);
		rebuild_keep(st, &k);
		break;
	}
	case 's':
		st->table.sort = (enum tui_sort)((st->table.sort + 1) % TUI_SORT_COUNT);
		rebuild(st);
		tui_status(st, "sort by %s", tui_sort_names[st->table.sort]);
		break;
	case 'r':
		st->table.reverse = !st->table.reverse;
		rebuild(st);
		break;
	case '/':
		st->filtering = true;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		st->show_detail = !st->show_detail;
		break;
	case '?':
	case 'h':
	case KEY_F(1):
		tui_pager_open(st, "ctrtop help", help_text, sizeof(help_text) - 1);
		break;
	case 'e':
		tui_action_shell(st, false);
		break;
	case 'x':
		tui_action_shell(st, true);
		break;
	case 'p':
		tui_action_probes(st);
		break;
	case 'w':
		tui_action_write(st);
		break;
	case 'K':
		tui_action_kill(st);
		break;
	case 12: /* ^L */
		clearok(stdscr, TRUE);
		break;
	case 27:
		if (*st->table.filter) {
			st->table.filter[0] = '\0';
			rebuild(st);
		}
		break;
	}
}

static bool handle_keys(struct tui_state *st)
{
	bool any = false;
	int ch;

	while (!st->quit && !st->exit_signal && (ch = getch()) != ERR) {
		any = true;
		if (ch == KEY_RESIZE)
			continue;
		if (st->pager)
			key_pager(st, ch);
		else if (st->filtering)
			key_filter(st, ch);
		else
			key_main(st, ch);
	}
	return any;
}

/*
 * A collection costs the whole /proc walk and the engines' answers: about
 * a second among 10,000 processes, a few milliseconds on a small host.
 * Waiting ten times as long as the last one took keeps it under a tenth
 * of one CPU on a host that never stops forking, while a small host still
 * shows a new container within a refresh.
 */
double tui_rescan_gap_ms(const struct tui_state *st)
{
	double floor_ms = st->opts.rescan_s * 1000.0, cost_ms = 10 * st->host.collect_ms;

	return cost_ms > floor_ms ? cost_ms : floor_ms;
}

int main(int argc, char **argv)
{
	struct tui_state st = { .sigfd = -1 };
	uint64_t next_refresh, last_collect;
	bool redraw = true;
	sigset_t mask;
	int r;

	ct_cli_keep_std_fds_open();
	setlocale(LC_ALL, "");
	ct_escape_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	parse_args(&st.opts, argc, argv);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		errx(EXIT_FAILURE, "needs a terminal on stdin and stdout");

	st.host.proc_fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st.host.proc_fd < 0)
		err(EXIT_FAILURE, "cannot open /proc");
	st.host.page_size = sysconf(_SC_PAGESIZE);

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGQUIT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	st.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (st.sigfd < 0)
		err(EXIT_FAILURE, "signalfd");
	/* An engine that hangs up on us must not kill us. */
	signal(SIGPIPE, SIG_IGN);

	(void)tui_events_open(&st.events);

	/* The first collection before the screen is ours: its errors are seen. */
	r = tui_host_collect(&st.host, &st.opts);
	if (r < 0) {
		errno = -r;
		err(EXIT_FAILURE, "cannot read /proc");
	}
	r = stderr_capture(st.opts.log);
	if (r < 0) {
		_cleanup_free_ char *name = st.opts.log ? ct_escape_term_dup(st.opts.log, strlen(st.opts.log)) : NULL;

		errno = -r;
		err(EXIT_FAILURE, "cannot open the log %s", name ? name : "(memfd)");
	}
	install_crash_handlers();
	tui_screen_init(&st);
	tui_table_build(&st.table, &st.host);
	/* Start on the first container, if any. */
	for (size_t i = 0; i < st.table.n_rows; i++)
		if (tui_node_is_container(&st.host, st.table.rows[i].node)) {
			st.selected = i;
			break;
		}
	refresh_metrics(&st);
	last_collect = ct_now_ns();
	next_refresh = last_collect + (uint64_t)st.opts.delay_tenths * 100000000ULL;

	while (!st.quit && !st.exit_signal) {
		struct pollfd pfd[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = st.sigfd, .events = POLLIN },
			{ .fd = st.events.fd, .events = POLLIN },
		};
		uint64_t now = ct_now_ns();
		int timeout = now >= next_refresh ? 0 : (int)((next_refresh - now + 999999) / 1000000);

		/* Draw only what changed the screen: a burst of process events
		 * must not cost a redraw each. */
		if (redraw)
			tui_screen_draw(&st);
		redraw = false;
		r = poll(pfd, st.events.fd >= 0 ? 3 : 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (pfd[1].revents & POLLIN))
			st.exit_signal = tui_signals_drain(&st, false);
		if (r > 0 && st.events.fd >= 0 && (pfd[2].revents & POLLIN) && tui_events_read(&st.events))
			st.dirty = true;
		/* Also after EINTR: SIGWINCH leaves a KEY_RESIZE to read. */
		if (handle_keys(&st) || (r < 0 && errno == EINTR))
			redraw = true;
		if (pfd[0].revents & (POLLHUP | POLLERR))
			st.quit = true;

		now = ct_now_ns();
		if (now < next_refresh)
			continue;
		next_refresh = now + (uint64_t)st.opts.delay_tenths * 100000000ULL;
		redraw = true;
		if (now - last_collect >= (uint64_t)(tui_rescan_gap_ms(&st) * 1e6) && (st.dirty || st.events.fd < 0)) {
			r = collect(&st);
			if (r < 0)
				tui_status(&st, "collection failed: %s", strerror(-r));
			last_collect = ct_now_ns();
		}
		refresh_metrics(&st);
		if (st.table.sort != TUI_SORT_NAME)
			rebuild(&st);
	}

	tui_screen_end();
	stderr_restore();
	tui_pager_close(&st);
	tui_table_free(&st.table);
	tui_host_clear(&st.host);
	closep(&st.host.proc_fd);
	tui_events_close(&st.events);
	close(st.sigfd);
	if (st.exit_signal)
		return 128 + st.exit_signal;
	return EXIT_SUCCESS;
}
