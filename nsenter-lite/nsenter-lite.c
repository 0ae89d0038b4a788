/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsenter-lite: step into a container's network namespace (or any of its
 * namespaces) and run the host's tools there, or run the network probes;
 * safe next to a hostile container (see SECURITY in nsenter-lite(1)).
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "collect-runtime.h"
#include "jsonutil.h"
#include "enter.h"
#include "escape.h"
#include "pidfd.h"
#include "probes.h"
#include "snapshot.h"
#include "util.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

/* Our own failures, as chroot(8), env(1) and timeout(1) have them: the
 * command's own statuses are relayed and must stay distinguishable. */
#define EXIT_ENTER       125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND   127

extern char **environ;

struct options {
	const char *target;
	bool by_name; /* --container: never a PID */
	unsigned mask;
	bool all, root, wd, json, keep_env;
	const char *probe;
	char **command; /* NULL: the shell */
	struct ct_engine_opts engine;
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " nsenter-lite [options] TARGET [options] [[--] COMMAND [ARG...]]\n"
	      "\n"
	      "Run COMMAND (default: $SHELL) from the host in the network namespace of a\n"
	      "container, so that the host's tools (ip, ss, curl, tcpdump) see its network;\n"
	      "or in any of its namespaces.  Nothing of the container is executed unless\n"
	      "its mount namespace is joined.\n"
	      "\n"
	      "TARGET is a container name or id (a unique id prefix will do) of any engine\n"
	      "ctrtree knows, a PID, or PID:STARTTIME (refused if that process has changed).\n"
	      "\n"
	      "Namespaces (the default is the network namespace alone):\n"
	      " -n, --net               network\n"
	      " -m, --mount             mount: COMMAND is then the container's own\n"
	      " -u, --uts               UTS (hostname)\n"
	      " -i, --ipc               System V IPC\n"
	      " -p, --pid               PID (with a private /proc unless -m)\n"
	      " -U, --user              user (as uid 0 there)\n"
	      " -C, --cgroup            cgroup\n"
	      " -T, --time              time\n"
	      " -a, --all               every namespace the target does not share with us\n"
	      "\n"
	      "Options:\n"
	      " -r, --root              set the root directory to the target's\n"
	      " -w, --wd                set the working directory to the target's\n"
	      " -J, --json              describe the target and what was joined, then run\n"
	      "     --probe LIST        run network probes (NAME[=ARG],...) instead of a command;\n"
	      "                         see ctrtree-probes(7)\n"
	      "     --keep-env          pass the whole environment (default: a safe few)\n"
	      "     --container         TARGET is a container even if it is all digits\n"
	      "     --docker-socket PATH  ask the Docker API on PATH\n"
	      "     --timeout MS        give each engine, and each probe's network wait,\n"
	      "                         at most MS milliseconds (2000)\n"
	      "     --no-api            do not ask the engines: /proc and state only\n"
	      "\n"
	      " -h, --help              display this help\n"
	      " -V, --version           display version\n"
	      "\n"
	      "For more details see nsenter-lite(1).\n",
	      stdout);
	exit(EXIT_SUCCESS);
}

/* One run of getopt: up to the first non-option (TARGET, then COMMAND). */
static void parse_opts(struct options *o, int argc, char **argv)
{
	enum { OPT_PROBE = 256, OPT_KEEP_ENV, OPT_CONTAINER };
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "net", no_argument, NULL, 'n' },
		{ "mount", no_argument, NULL, 'm' },
		{ "uts", no_argument, NULL, 'u' },
		{ "ipc", no_argument, NULL, 'i' },
		{ "pid", no_argument, NULL, 'p' },
		{ "user", no_argument, NULL, 'U' },
		{ "cgroup", no_argument, NULL, 'C' },
		{ "time", no_argument, NULL, 'T' },
		{ "root", no_argument, NULL, 'r' },
		{ "wd", no_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'J' },
		{ "probe", required_argument, NULL, OPT_PROBE },
		{ "keep-env", no_argument, NULL, OPT_KEEP_ENV },
		{ "container", no_argument, NULL, OPT_CONTAINER },
		CT_CLI_ENGINE_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* '+': stop at TARGET and at COMMAND, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+anmuipUCTrwJhV", longopts, NULL)) != -1) {
		bool ns = false;

		for (size_t k = 0; k < CT_NS_COUNT; k++) {
			if (c == ct_enter_ns_types[k].opt) {
				o->mask |= CT_ENTER_NS_BIT(ct_enter_ns_types[k].type);
				ns = true;
			}
		}
		if (ns)
			continue;
		switch (c) {
		case 'a':
			o->all = true;
			break;
		case 'r':
			o->root = true;
			break;
		case 'w':
			o->wd = true;
			break;
		case 'J':
			o->json = true;
			break;
		case OPT_PROBE:
			o->probe = optarg;
			break;
		case OPT_KEEP_ENV:
			o->keep_env = true;
			break;
		case OPT_CONTAINER:
			o->by_name = true;
			break;
		case 'h':
			usage();
		case 'V':
			printf("nsenter-lite %s\n", VERSION);
			exit(EXIT_SUCCESS);
		default:
			if (ct_cli_engine_option(c, optarg, &o->engine))
				break;
			fputs("Try 'nsenter-lite --help' for more information.\n", stderr);
			exit(EXIT_ENTER);
		}
	}
}

static void parse_args(struct options *o, int argc, char **argv)
{
	parse_opts(o, argc, argv);
	if (optind >= argc)
		ct_cli_usage_error("no target given");
	o->target = argv[optind++];
	if (!*o->target)
		ct_cli_usage_error("empty target");
	/* Options may follow TARGET too, as in "nsenter-lite web -m ls". */
	parse_opts(o, argc, argv);
	if (optind < argc)
		o->command = argv + optind;

	if (o->probe && (o->command || o->mask || o->all || o->root || o->wd || o->keep_env))
		ct_cli_usage_error("--probe runs no command and joins nothing itself: it takes no command, "
			  "namespace, --root, --wd or --keep-env");
	if (o->probe && !*o->probe)
		ct_cli_usage_error("--probe needs a list of probes");
	if (o->all)
		o->mask = CT_ENTER_NS_ALL;
	else if (!o->mask)
		o->mask = CT_ENTER_NS_BIT(CT_NS_NET);
}

static void __attribute__((noreturn)) fail(int status, char *error)
{
	errx(status, "%s", error ? error : "out of memory");
}

/*
 * Exit once namespaces are joined.  After a PID namespace, exit() would
 * run the leak checker of a sanitized build, whose helper process would be
 * born in the container's PID namespace and never find us (it spins):
 * _exit(), with stdout flushed here.
 */
static void __attribute__((noreturn)) leave(int status, const char *error)
{
	if (error)
		warnx("%s", error);
	if (fflush(stdout) != 0 && !ct_cli_output_has_failed() && errno != EPIPE) {
		warn("write error");
		status = EXIT_ENTER;
	}
	_exit(status);
}

/*
 * A name needs the whole host collected and the engines asked: "ctrtree
 * --lookup" does that, so that nsenter-lite links none of the engine
 * clients, whose libraries' start-up alone would cost more than entering a
 * PID.  It runs with stdin on /dev/null, only fds 0-2, and our environment
 * ($DOCKER_HOST is the user's to set); its own timeouts bound it.
 */
static struct json_object *lookup(const struct options *o)
{
	_cleanup_free_ char *path = NULL, *safe = NULL, *out = NULL;
	char timeout[32];
	const char *argv[10];
	int pipefd[2], status, n = 0, r;
	struct json_object *j;
	size_t len;
	pid_t pid;

	r = ct_cli_sibling("ctrtree", &path);
	if (r < 0) {
		errno = -r;
		err(EXIT_ENTER, "cannot find ctrtree beside nsenter-lite");
	}
	safe = ct_escape_term_dup(path, strlen(path));
	argv[n++] = "ctrtree";
	argv[n++] = "--lookup";
	argv[n++] = o->target;
	if (o->engine.docker_socket) {
		argv[n++] = "--docker-socket";
		argv[n++] = o->engine.docker_socket;
	}
	if (o->engine.timeout_ms > 0) {
		snprintf(timeout, sizeof(timeout), "%ld", o->engine.timeout_ms);
		argv[n++] = "--timeout";
		argv[n++] = timeout;
	}
	if (o->engine.no_api)
		argv[n++] = "--no-api";
	argv[n] = NULL;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		err(EXIT_ENTER, "pipe");
	pid = fork();
	if (pid < 0)
		err(EXIT_ENTER, "fork");
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(EXIT_ENTER);
		if (ct_enter_cloexec_from3() < 0)
			_exit(EXIT_ENTER);
		execv(path, (char *const *)argv);
		fprintf(stderr, "nsenter-lite: cannot run %s: %s\n", safe, strerror(errno));
		_exit(EXIT_ENTER);
	}
	close(pipefd[1]);
	r = ct_read_fd(pipefd[0], 64 * 1024 * 1024, &out, &len, NULL);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(EXIT_ENTER, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(EXIT_ENTER, "the container lookup (%s --lookup) failed", safe);
	if (r < 0 || !(j = json_tokener_parse(out)))
		errx(EXIT_ENTER, "the container lookup (%s --lookup) gave no JSON", safe);
	return j;
}

/* A PID target needs no scan; a name is looked up by ctrtree. */
static void open_target(const struct options *o, struct ct_enter_target *t)
{
	_cleanup_free_ char *error = NULL;
	struct json_object *found;
	uint64_t start;
	bool has_start;
	int pid, r;

	if (!o->by_name && ct_enter_parse_pid(o->target, &pid, &start, &has_start) == 0) {
		if (ct_enter_target_open(pid, start, has_start, t, &error) < 0)
			fail(EXIT_ENTER, error);
		return;
	}
	found = lookup(o);
	r = ct_enter_target_from_lookup(found, o->target, t, &error);
	if (r < 0) {
		bool partial = json_object_get_boolean(ct_json_get(found, "partial")) && geteuid() != 0;

		json_object_put(found);
		if (r == -ENOENT && partial)
			errx(EXIT_ENTER, "%s (not running as root: some containers cannot be seen)", error);
		fail(EXIT_ENTER, error);
	}
	json_object_put(found);
}

static struct json_object *target_json(const struct ct_enter_target *t)
{
	struct json_object *o = json_object_new_object();
	struct json_object *c = NULL;

	json_object_object_add(o, "pid", json_object_new_int(t->pid));
	json_object_object_add(o, "start_time", json_object_new_uint64(t->start_time));
	if (t->container_id) {
		c = json_object_new_object();
		json_object_object_add(c, "id", ct_json_str(t->container_id));
		json_object_object_add(c, "name", ct_json_str(t->container_name));
		json_object_object_add(c, "engine", ct_json_str(t->engine));
	}
	json_object_object_add(o, "container", c);
	return o;
}

static int print_json(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);

	if (fputs(s, stdout) < 0 || putchar('\n') < 0 || fflush(stdout) != 0)
		return -errno;
	return 0;
}

static void describe(const struct ct_enter_target *t, const struct ct_enter_nsset *ns, const struct ct_enter_exec *x,
		     const struct options *o)
{
	struct json_object *root = target_json(t);
	struct json_object *nss = json_object_new_object();
	struct json_object *cmd = json_object_new_array();
	int r;

	for (int i = 0; i < CT_NS_COUNT; i++) {
		const struct ct_enter_ns *n = &ns->ns[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "inode", n->ino ? json_object_new_uint64(n->ino) : NULL);
		json_object_object_add(e, "requested", json_object_new_boolean(n->requested));
		json_object_object_add(e, "shared", json_object_new_boolean(n->ino && n->shared));
		json_object_object_add(e, "joined", json_object_new_boolean(n->joined));
		json_object_object_add(nss, ct_ns_names[i], e);
	}
	json_object_object_add(root, "namespaces", nss);
	json_object_object_add(root, "root", json_object_new_boolean(o->root));
	json_object_object_add(root, "wd", json_object_new_boolean(o->wd));
	json_object_object_add(root, "private_proc", json_object_new_boolean(x->private_proc));
	json_object_object_add(root, "new_session", json_object_new_boolean(x->new_session));
	json_object_object_add(root, "environment", json_object_new_string(o->keep_env ? "kept" : "sanitised"));
	for (char *const *a = x->argv; *a; a++)
		json_object_array_add(cmd, ct_json_str(*a));
	json_object_object_add(root, "command", cmd);
	json_object_object_add(root, "executable", ct_json_str(x->host_exe));
	r = print_json(root);
	json_object_put(root);
	if (r < 0) {
		ct_cli_output_failed();
		errno = -r;
		warn("write error");
		leave(EXIT_ENTER, NULL);
	}
}

/* Unknown probe names are usage errors, found before anything runs. */
static void check_probe_names(const char *list)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		size_t name_len = strcspn(p, ",=");
		_cleanup_free_ char *name = xmemdup0(p, name_len < len ? name_len : len);

		if (!ct_probe_find(name)) {
			_cleanup_free_ char *safe = ct_escape_term_dup(name, strlen(name));
			struct ct_buf known = { 0 };

			for (const struct ct_probe *k = ct_probes; k->name; k++)
				ct_buf_printf(&known, "%s%s", known.len ? ", " : "", k->name);
			fprintf(stderr, "nsenter-lite: unknown probe '%s' (known: %s)\n", safe, known.data);
			ct_buf_free(&known);
			fputs("Try 'nsenter-lite --help' for more information.\n", stderr);
			exit(EXIT_ENTER);
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

/*
 * Run the probes on the target's network namespace: no namespace is joined
 * and nothing is executed; the probes switch the network namespace of one
 * thread for each operation.  0, or 1 when a probe could not run (the
 * others are still printed).
 */
static int run_probes(const struct options *o, const struct ct_enter_target *t)
{
	_cleanup_free_ char *error = NULL;
	struct ct_probe_target pt;
	int r;

	check_probe_names(o->probe);
	r = ct_probe_target_open(t->pid, t->start_time, &pt);
	if (r == -ESRCH)
		errx(EXIT_ENTER, "process %d has exited", t->pid);
	if (r == -ESTALE)
		errx(EXIT_ENTER, "process %d is no longer the one started at %llu", t->pid,
		     (unsigned long long)t->start_time);
	if (r < 0) {
		errno = -r;
		err(EXIT_ENTER, "cannot open the network namespace of process %d", t->pid);
	}
	if (o->json) {
		/* One document: the target, with the probes' object inside. */
		struct json_object *root = target_json(t), *probes = NULL;

		r = ct_probes_json(&pt, o->probe, o->engine.timeout_ms, &probes, &error);
		json_object_object_add(root, "probes", probes);
		if (print_json(root) < 0) {
			ct_cli_output_failed();
			err(EXIT_ENTER, "write error");
		}
		json_object_put(root);
	} else {
		r = ct_probes_cli(&pt, o->probe, false, o->engine.timeout_ms, stdout, &error);
	}
	ct_probe_target_close(&pt);
	if (r < 0) {
		if (fflush(stdout) != 0) {
			ct_cli_output_failed();
			err(EXIT_ENTER, "write error");
		}
		if (error)
			warnx("%s", error);
		else
			warnx("a probe failed: %s", strerror(-r));
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t child_session;

static void forward_signal(int sig, siginfo_t *si, void *uc)
{
	/* In our process group the child had the terminal's signals already. */
	if (!child_session && si->si_code == SI_KERNEL)
		return;
	if (child_pid <= 0)
		return;
	/* A new session has no terminal to signal it: its process group
	 * (a shell and what it runs) gets them from us. */
	if (!child_session || kill(-child_pid, sig) < 0)
		kill(child_pid, sig);
}

/* Fork, run x in the child, wait for it and exit with its status. */
static void __attribute__((noreturn)) run_child(const struct ct_enter_exec *x)
{
	static const int forwarded[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_sigaction = forward_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		err(EXIT_ENTER, "cannot fork");
	if (pid == 0) {
		_cleanup_free_ char *error = NULL;
		pid_t parent = getppid(); /* 0 when our parent is outside the pid namespace */

		/* Die with nsenter-lite: an orphaned shell would go on reading the terminal. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
			_exit(EXIT_ENTER);
		ct_enter_exec(x, &status, &error);
		warnx("%s", error ? error : "out of memory");
		_exit(status);
	}
	child_pid = pid;
	child_session = x->new_session;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	/* Without a terminal the child cannot be stopped with us: do not stop alone. */
	if (x->new_session)
		signal(SIGTSTP, SIG_IGN);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			warn("waitpid");
			leave(EXIT_ENTER, NULL);
		}
	}
	if (WIFEXITED(status))
		leave(WEXITSTATUS(status), NULL);
	if (WIFSIGNALED(status))
		leave(128 + WTERMSIG(status), NULL);
	leave(EXIT_ENTER, NULL);
}

static bool any_tty(void)
{
	return isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO);
}

/* Join and run the command: never returns. */
static void __attribute__((noreturn)) enter(const struct options *o, struct ct_enter_target *t)
{
	struct ct_enter_nsset ns;
	_cleanup_free_ char **envp = NULL;
	_cleanup_free_ char *host_exe = NULL, *error = NULL;
	_cleanup_close_ int root_fd = -1, wd_fd = -1, exe_fd = -1;
	char *shell_argv[2] = { NULL, NULL };
	char *const *argv = o->command;
	const char *path, *fallback = NULL;
	struct ct_enter_exec x;
	bool own_files;
	int r, status;

	r = ct_enter_ns_open(t, o->mask, (o->all ? CT_ENTER_SKIP_UNSUPPORTED : 0) | (o->json ? CT_ENTER_DESCRIBE : 0),
			     &ns, &error);
	if (r < 0)
		fail(EXIT_ENTER, error);
	if (o->root) {
		root_fd = ct_enter_open_dir(t, "root", &error);
		if (root_fd < 0)
			fail(EXIT_ENTER, error);
	}
	if (o->wd) {
		wd_fd = ct_enter_open_dir(t, "cwd", &error);
		if (wd_fd < 0)
			fail(EXIT_ENTER, error);
	}
	envp = ct_enter_env(environ, o->keep_env);
	path = o->keep_env && getenv("PATH") ? getenv("PATH") : CT_ENTER_SAFE_PATH;
	if (!argv) {
		shell_argv[0] = getenv("SHELL");
		if (!shell_argv[0] || !*shell_argv[0])
			shell_argv[0] = (char *)"/bin/sh";
		argv = shell_argv;
		fallback = "/bin/sh";
	}

	/* Only with the mount namespace joined did the user ask for the
	 * container's programs.  Otherwise the command is found on the host
	 * now, before anything is joined, and run by that absolute path (or,
	 * after a chroot, from an fd opened now). */
	own_files = ns.ns[CT_NS_MNT].requested;
	if (!own_files) {
		r = ct_enter_find_command(argv[0], path, &host_exe);
		if (r == -ENOENT && fallback) {
			shell_argv[0] = (char *)fallback;
			r = ct_enter_find_command(fallback, path, &host_exe);
		}
		if (r < 0) {
			_cleanup_free_ char *safe = ct_escape_term_dup(argv[0], strlen(argv[0]));

			ct_enter_nsset_clear(&ns);
			if (r == -ENOENT)
				errx(EXIT_NOT_FOUND, "cannot run %s: not found on the host%s%s", safe,
				     strchr(argv[0], '/') ? "" : " in ", strchr(argv[0], '/') ? "" : path);
			errno = -r;
			err(EXIT_CANNOT_EXEC, "cannot run %s", safe);
		}
		if (root_fd >= 0) {
			exe_fd = ct_enter_open_static_exe(host_exe, &error);
			if (exe_fd < 0) {
				ct_enter_nsset_clear(&ns);
				fail(EXIT_CANNOT_EXEC, error);
			}
		}
	}

	r = ct_enter_ns_join(&ns, t, &error);
	ct_enter_nsset_clear(&ns);
	if (r < 0)
		leave(EXIT_ENTER, error ? error : "out of memory");

	x = (struct ct_enter_exec){
		.argv = argv,
		.envp = envp,
		.path = path,
		.host_exe = host_exe,
		.exe_fd = exe_fd,
		.fallback = fallback,
		.root_fd = root_fd,
		.wd_fd = wd_fd,
		/* setns() into a pid namespace moves only our children; their
		 * /proc must be one of that namespace, not the host's. */
		.private_proc = ns.ns[CT_NS_PID].joined && !own_files,
		/* No controlling terminal: nothing the command runs, or that
		 * gets hold of it, can push input into our terminal (TIOCSTI). */
		.new_session = any_tty(),
	};
	if (o->json)
		describe(t, &ns, &x, o);
	if (fflush(stdout) != 0) {
		ct_cli_output_failed();
		warn("write error");
		leave(EXIT_ENTER, NULL);
	}

	/* Without a new pid namespace or session to start, exec right here:
	 * as fast as nsenter(1), and the status is the command's own. */
	if (!ns.ns[CT_NS_PID].joined && !x.new_session) {
		ct_enter_exec(&x, &status, &error);
		leave(status, error ? error : "out of memory");
	}
	ct_enter_target_clear(t);
	run_child(&x);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct ct_enter_target t = CT_ENTER_TARGET_INIT;
	int status;

	/* With 0, 1 or 2 closed, our own fds would take their place and reach
	 * the command as its stdin or stdout. */
	ct_cli_set_failure_status(EXIT_ENTER);
	ct_cli_keep_std_fds_open();
	setlocale(LC_ALL, "");
	ct_escape_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	ct_cli_close_stdout_atexit();
	parse_args(&o, argc, argv);

	open_target(&o, &t);
	if (!o.probe)
		enter(&o, &t);
	status = run_probes(&o, &t);
	ct_enter_target_clear(&t);
	return status;
}
