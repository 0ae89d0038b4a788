/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctrrun: a minimal container runtime for ctrtree's own live tests.  It
 * makes real containers the way the engines in the field do (a daemonized
 * supervisor, new namespaces, a cgroup per container on v1 and v2, a
 * state directory) so the tests can check ctrtree against them.
 *
 * This file is the command line; run.c and shim.c start containers.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "cli.h"
#include "ctrrun.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *state_dir;

static _Noreturn void usage(void)
{
	fputs("Usage: ctrrun [--state-dir DIR] COMMAND [ARG...]\n"
	      "\n"
	      "Commands:\n"
	      "  run [OPTIONS] ID -- CMD [ARG...]   start a container\n"
	      "      -d, --detach            return once the command runs\n"
	      "          --rm                delete the container when it exits\n"
	      "          --name NAME         a display name (default: ID)\n"
	      "          --rootfs DIR        pivot_root into DIR\n"
	      "          --hostname NAME     (default: ID)\n"
	      "          --bridge BR --ip CIDR [--gw IP] [--bridge-netns NS]\n"
	      "                              a veth into bridge BR (in /run/netns/NS)\n"
	      "          --userns            new user namespace, 0 -> 100000 (65536)\n"
	      "          --timens            new time namespace\n"
	      "          --no-init           the command is PID 1 (no reaper)\n"
	      "          --cgroup-parent P   cgroups at P/ID (default: ctrrun)\n"
	      "      -e, --env KEY=VALUE     set an environment variable\n"
	      "  exec [-d] [-e KEY=VALUE] ID -- CMD [ARG...]\n"
	      "                              run a process in a running container\n"
	      "                              (-d: print its host pid and return)\n"
	      "  list [--json]               list containers\n"
	      "  inspect ID                  print a container's state as JSON\n"
	      "  kill ID [SIGNAL]            signal the init (default TERM)\n"
	      "  delete [-f] ID              remove a stopped (-f: any) container\n"
	      "\n"
	      "The state directory defaults to $CTRRUN_STATE, else /run/ctrrun.\n"
	      "run and exec exit with the command's status (128+signal); 125 when\n"
	      "ctrrun itself fails, 126/127 when the command cannot be executed.\n",
	      stdout);
	exit(0);
}

static _Noreturn void die(int code, const struct cr_error *e)
{
	if (e->errnum)
		errx(code, "%s: %s", e->msg, strerror(e->errnum));
	errx(code, "%s", e->msg);
}

static _Noreturn void bad_usage(const char *fmt, ...) _printf_(1, 2);
static _Noreturn void bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ctrrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ctrrun --help' for more information.\n", stderr);
	exit(2);
}

/* run/exec: 126/127 when the command itself could not run. */
static int exit_code_of(const struct cr_error *e)
{
	return e->exit_code ? e->exit_code : 125;
}

static void check_id(const char *id)
{
	if (!cr_valid_id(id))
		bad_usage("invalid container id '%s' (want [A-Za-z0-9][A-Za-z0-9_.-]{0,63})",
			  id);
}

/*
 * After options: ID, an optional "--", then the command.  getopt stops
 * at ID ("+"), so options of the command stay the command's.
 */
static const char *take_id_and_command(int argc, char **argv, char ***ret_cmd)
{
	const char *id;

	if (optind >= argc)
		bad_usage("%s: missing container id", argv[0]);
	id = argv[optind++];
	check_id(id);
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc)
		bad_usage("%s: missing command", argv[0]);
	*ret_cmd = argv + optind;
	return id;
}

/* The container's environment: a clean one, never the caller's. */
static char **build_env(const char *hostname, char **extra, size_t nextra)
{
	const char *term = getenv("TERM");
	char **env = xcalloc(nextra + 5, sizeof(*env));
	size_t n = 0;

	env[n++] = xstrdup("PATH=" DEFAULT_PATH);
	env[n++] = xstrdup("HOME=/root");
	if (asprintf(&env[n++], "HOSTNAME=%s", hostname) < 0)
		abort();
	if (term && asprintf(&env[n++], "TERM=%s", term) < 0)
		abort();
	for (size_t i = 0; i < nextra; i++) {
		const char *eq = strchr(extra[i], '=');
		size_t klen;

		if (!eq || eq == extra[i])
			bad_usage("--env wants KEY=VALUE, not '%s'", extra[i]);
		klen = (size_t)(eq - extra[i]) + 1;
		for (size_t j = 0; j < n; j++)
			if (strncmp(env[j], extra[i], klen) == 0) {
				free(env[j]);
				env[j] = env[--n];
				break;
			}
		env[n++] = xstrdup(extra[i]);
	}
	env[n] = NULL;
	return env;
}

/* "a//b/" -> "a/b"; NULL if it has "." or ".." or is empty. */
static char *normalize_cgroup_parent(const char *p)
{
	struct ct_buf b = { 0 };

	for (const char *s = p; *s;) {
		size_t n;

		while (*s == '/')
			s++;
		n = strcspn(s, "/");
		if (n == 0)
			break;
		if ((n == 1 && s[0] == '.') || (n == 2 && !strncmp(s, "..", 2))) {
			ct_buf_free(&b);
			return NULL;
		}
		if (b.len)
			ct_buf_putc(&b, '/');
		ct_buf_put(&b, s, n);
		s += n;
	}
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f) {
			ct_buf_free(&b);
			return NULL;
		}
	return b.data;
}

static int cmd_run(int argc, char **argv)
{
	enum {
		OPT_NAME = 0x100,
		OPT_ROOTFS,
		OPT_HOSTNAME,
		OPT_BRIDGE,
		OPT_BRIDGE_NETNS,
		OPT_IP,
		OPT_GW,
		OPT_USERNS,
		OPT_TIMENS,
		OPT_NO_INIT,
		OPT_RM,
		OPT_CGROUP_PARENT,
	};
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "bridge", required_argument, NULL, OPT_BRIDGE },
		{ "bridge-netns", required_argument, NULL, OPT_BRIDGE_NETNS },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "gw", required_argument, NULL, OPT_GW },
		{ "userns", no_argument, NULL, OPT_USERNS },
		{ "timens", no_argument, NULL, OPT_TIMENS },
		{ "no-init", no_argument, NULL, OPT_NO_INIT },
		{ "rm", no_argument, NULL, OPT_RM },
		{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
		{ 0 },
	};
	struct cr_config cfg = { .state_dir = state_dir };
	_cleanup_free_ char *parent = NULL, *rootfs = NULL, *veth = NULL,
			    *cgpath = NULL;
	_cleanup_free_ char **extra = NULL;
	_cleanup_strv_ char **env = NULL;
	const char *cgroup_parent = CTRRUN_DEFAULT_CGROUP_PARENT;
	struct cr_error e = { 0 };
	size_t nextra = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "+de:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			cfg.detach = true;
			break;
		case 'e':
			extra = xreallocarray(extra, nextra + 1, sizeof(*extra));
			extra[nextra++] = optarg;
			break;
		case 'h':
			usage();
		case OPT_NAME:
			cfg.name = optarg;
			break;
		case OPT_ROOTFS:
			rootfs = realpath(optarg, NULL);
			if (!rootfs)
				err(125, "rootfs %s", optarg);
			break;
		case OPT_HOSTNAME:
			cfg.hostname = optarg;
			break;
		case OPT_BRIDGE:
			cfg.bridge = optarg;
			break;
		case OPT_BRIDGE_NETNS:
			cfg.bridge_netns = optarg;
			break;
		case OPT_IP:
			cfg.ip = optarg;
			break;
		case OPT_GW:
			cfg.gw = optarg;
			break;
		case OPT_USERNS:
			cfg.userns = true;
			break;
		case OPT_TIMENS:
			cfg.timens = true;
			break;
		case OPT_NO_INIT:
			cfg.no_init = true;
			break;
		case OPT_RM:
			cfg.rm = true;
			break;
		case OPT_CGROUP_PARENT:
			cgroup_parent = optarg;
			break;
		default:
			bad_usage("run: bad option");
		}
	}
	cfg.id = take_id_and_command(argc, argv, &cfg.argv);
	if (!cfg.name)
		cfg.name = cfg.id;
	if (!cr_valid_id(cfg.name))
		bad_usage("invalid --name '%s'", cfg.name);
	if (!cfg.hostname)
		cfg.hostname = cfg.id;
	if (!cr_valid_id(cfg.hostname))
		bad_usage("invalid --hostname '%s'", cfg.hostname);
	if (rootfs) {
		struct stat st;

		if (stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
			bad_usage("--rootfs %s is not a directory", rootfs);
		cfg.rootfs = rootfs;
	}
	if (!!cfg.bridge != !!cfg.ip)
		bad_usage("--bridge and --ip go together");
	if ((cfg.gw || cfg.bridge_netns) && !cfg.bridge)
		bad_usage("--gw and --bridge-netns need --bridge");
	if (cfg.bridge && !cr_valid_ifname(cfg.bridge))
		bad_usage("invalid --bridge '%s'", cfg.bridge);
	if (cfg.bridge_netns && !cr_valid_id(cfg.bridge_netns))
		bad_usage("invalid --bridge-netns '%s'", cfg.bridge_netns);
	if (cfg.ip && !cr_valid_cidr(cfg.ip))
		bad_usage("invalid --ip '%s' (want ADDRESS/PREFIX)", cfg.ip);
	if (cfg.gw && !cr_valid_ip(cfg.gw))
		bad_usage("invalid --gw '%s'", cfg.gw);
	if (cfg.bridge)
		cfg.veth = veth = cr_veth_name(cfg.id);
	if (cfg.timens && access("/proc/self/ns/time", F_OK) < 0)
		errx(125, "--timens: this kernel has no time namespaces");
	parent = normalize_cgroup_parent(cgroup_parent);
	if (!parent || !*parent)
		bad_usage("invalid --cgroup-parent '%s'", cgroup_parent);
	cfg.cgroup_parent = parent;
	cfg.cgroup_default_parent = strcmp(parent, CTRRUN_DEFAULT_CGROUP_PARENT) == 0;
	if (asprintf(&cgpath, "%s/%s", parent, cfg.id) < 0)
		abort();
	cfg.cgroup_path = cgpath;
	cfg.env = env = build_env(cfg.hostname, extra, nextra);

	r = cr_run(&cfg, &e);
	if (r < 0)
		die(exit_code_of(&e), &e);
	return r;
}

static int send_exec_request(int sock, bool detach, char **argv, char **env,
			     struct cr_error *e)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 3)];
	} cm = { 0 };
	struct ct_buf b = { 0 };
	uint32_t argc = 0, envc = 0;
	_cleanup_close_ int null = -1;
	int fds[3] = { 0, 1, 2 };
	struct iovec iov;
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = cm.buf,
			      .msg_controllen = sizeof(cm.buf) };
	struct cmsghdr *c;
	ssize_t n;

	while (argv[argc])
		argc++;
	while (env[envc])
		envc++;
	ct_buf_putc(&b, 'X');
	ct_buf_putc(&b, detach ? 'd' : 'f');
	ct_buf_put(&b, &argc, sizeof(argc));
	ct_buf_put(&b, &envc, sizeof(envc));
	for (uint32_t i = 0; i < argc; i++)
		ct_buf_put(&b, argv[i], strlen(argv[i]) + 1);
	for (uint32_t i = 0; i < envc; i++)
		ct_buf_put(&b, env[i], strlen(env[i]) + 1);
	if (b.len > CTRRUN_EXEC_REQ_MAX) {
		ct_buf_free(&b);
		return cr_fail(e, -E2BIG, "exec");
	}
	if (detach) {
		/* Detached: it must not hold our terminal or pipes. */
		null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0) {
			ct_buf_free(&b);
			return cr_fail(e, -errno, "/dev/null");
		}
		fds[0] = fds[1] = fds[2] = null;
	}
	iov = (struct iovec){ .iov_base = b.data, .iov_len = b.len };
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	ct_buf_free(&b);
	if (n < 0)
		return cr_fail(e, -errno, "send exec request");
	return 0;
}

/* Wait for the supervisor's answers; relay our signals to the process. */
static int exec_wait(int sock, bool detach, struct cr_error *e)
{
	static const int sigs[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
				    SIGUSR1, SIGUSR2, SIGWINCH };
	_cleanup_close_ int sfd = -1;
	pid_t pid = 0;
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(&set, sigs[i]);
	if (!detach) {
		sigprocmask(SIG_BLOCK, &set, NULL);
		sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
		if (sfd < 0)
			return cr_fail(e, -errno, "signalfd");
	}
	for (;;) {
		struct pollfd p[2] = { { .fd = sock, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };
		char buf[640];
		uint64_t v;
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return cr_fail(e, -errno, "poll");
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;

			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				if (pid > 0)
					kill(pid, (int)si.ssi_signo);
		}
		if (!p[0].revents)
			continue;
		n = recv(sock, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return cr_fail(e, n < 0 ? -errno : -EPIPE,
				       "supervisor exited without a status");
		buf[n] = '\0';
		if (n > 2 && buf[0] == 'E' && buf[1] == ' ') {
			if (!cr_parse_error(buf + 2, (size_t)n - 2, e))
				cr_fail(e, -EPROTO, "exec");
			die(exit_code_of(e), e);
		}
		if (n > 2 && buf[1] == ' ' && ct_parse_u64_str(buf + 2, &v) == 0) {
			if (buf[0] == 'S' && v > 0 && v <= INT32_MAX) {
				pid = (pid_t)v;
				if (detach) {
					printf("%d\n", (int)pid);
					return 0;
				}
				continue;
			}
			if (buf[0] == 'X' && v <= 255)
				return (int)v;
		}
		return cr_fail(e, -EPROTO, "bad answer from supervisor");
	}
}

static int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "env", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_json_ json_object *st = NULL;
	_cleanup_free_ char **extra = NULL, *dir = NULL;
	_cleanup_strv_ char **env = NULL;
	_cleanup_close_ int dfd = -1, sock = -1;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct cr_error e = { 0 };
	size_t nextra = 0;
	bool detach = false;
	const char *id, *hostname;
	char **cmd;
	int c, r;

	while ((c = getopt_long(argc, argv, "+de:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			detach = true;
			break;
		case 'e':
			extra = xreallocarray(extra, nextra + 1, sizeof(*extra));
			extra[nextra++] = optarg;
			break;
		case 'h':
			usage();
		default:
			bad_usage("exec: bad option");
		}
	}
	id = take_id_and_command(argc, argv, &cmd);
	if (cr_state_read(state_dir, id, &st, &e) < 0)
		die(125, &e);
	if (strcmp(cr_state_live_status(st), "running") != 0)
		errx(125, "container %s is not running", id);
	hostname = cr_state_str(st, "hostname");
	env = build_env(hostname ? hostname : id, extra, nextra);

	if (asprintf(&dir, "%s/%s", state_dir, id) < 0)
		abort();
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		err(125, "%s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dfd,
		 EXEC_SOCKET);
	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0)
		err(125, "socket");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			errx(125, "container %s is not running", id);
		err(125, "connect to %s/%s", dir, EXEC_SOCKET);
	}
	if (send_exec_request(sock, detach, cmd, env, &e) < 0)
		die(125, &e);
	r = exec_wait(sock, detach, &e);
	if (r < 0)
		die(125, &e);
	return r;
}

static int filter_entry(const struct dirent *de)
{
	return cr_valid_id(de->d_name);
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_json_ json_object *arr = NULL;
	struct dirent **names = NULL;
	int c, n, wid = 2, wname = 4;
	bool json = false;

	while ((c = getopt_long(argc, argv, "+Jh", opts, NULL)) != -1) {
		if (c == 'J')
			json = true;
		else if (c == 'h')
			usage();
		else
			bad_usage("list: bad option");
	}
	if (optind < argc)
		bad_usage("list: unexpected argument '%s'", argv[optind]);
	n = scandir(state_dir, &names, filter_entry, alphasort);
	if (n < 0 && errno != ENOENT)
		err(1, "%s", state_dir);
	arr = json_object_new_array();
	for (int i = 0; i < n; i++) {
		json_object *st = NULL;
		struct cr_error e = { 0 };

		if (cr_state_read(state_dir, names[i]->d_name, &st, &e) < 0) {
			/* No state yet: a run is still starting it. */
			st = json_object_new_object();
			json_object_object_add(st, "id",
					       json_object_new_string(names[i]->d_name));
			json_object_object_add(st, "status",
					       json_object_new_string(
						       e.errnum == ENOENT ? "creating" :
									    "invalid"));
		} else {
			json_object_object_add(
				st, "status",
				json_object_new_string(cr_state_live_status(st)));
		}
		json_object_array_add(arr, st);
		free(names[i]);
	}
	free(names);

	if (json) {
		puts(json_object_to_json_string_ext(
			arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
		return 0;
	}
	/* ids and names are validated: no escaping needed, just widths. */
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *st = json_object_array_get_idx(arr, i);
		const char *name = cr_state_str(st, "name");
		int l = (int)strlen(cr_state_str(st, "id"));

		wid = l > wid ? l : wid;
		l = name ? (int)strlen(name) : 1;
		wname = l > wname ? l : wname;
	}
	printf("%-*s  %-*s  %10s  %10s  %s\n", wid, "ID", wname, "NAME",
	       "SUPERVISOR", "INIT", "STATUS");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *st = json_object_array_get_idx(arr, i);
		const char *name = cr_state_str(st, "name");
		pid_t sup = cr_state_pid(st, "supervisor_pid");
		pid_t init = cr_state_pid(st, "init_pid");
		char sbuf[16] = "-", ibuf[16] = "-";

		if (sup > 0)
			snprintf(sbuf, sizeof(sbuf), "%d", (int)sup);
		if (init > 0)
			snprintf(ibuf, sizeof(ibuf), "%d", (int)init);
		printf("%-*s  %-*s  %10s  %10s  %s\n", wid,
		       cr_state_str(st, "id"), wname, name ? name : "-", sbuf,
		       ibuf, cr_state_str(st, "status"));
	}
	return 0;
}

/* For commands taking just an ID (and flags handled by the caller). */
static const char *one_id(int argc, char **argv, int max_args)
{
	if (optind >= argc)
		bad_usage("%s: missing container id", argv[0]);
	if (argc - optind > max_args)
		bad_usage("%s: too many arguments", argv[0]);
	check_id(argv[optind]);
	return argv[optind];
}

static int cmd_inspect(int argc, char **argv)
{
	_cleanup_json_ json_object *st = NULL;
	struct cr_error e = { 0 };
	const char *id;

	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};

	if (getopt_long(argc, argv, "+h", opts, NULL) != -1)
		usage();
	id = one_id(argc, argv, 1);
	if (cr_state_read(state_dir, id, &st, &e) < 0)
		die(1, &e);
	json_object_object_add(st, "status",
			       json_object_new_string(cr_state_live_status(st)));
	puts(json_object_to_json_string_ext(
		st, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	return 0;
}

/* "TERM", "SIGTERM", "term" or "15". */
static int parse_signal(const char *s)
{
	uint64_t v;

	if (ct_parse_u64_str(s, &v) == 0)
		return v >= 1 && v < NSIG ? (int)v : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && strcasecmp(name, s) == 0)
			return sig;
	}
	return -1;
}

static int cmd_kill(int argc, char **argv)
{
	_cleanup_json_ json_object *st = NULL;
	_cleanup_close_ int pidfd = -1;
	struct cr_error e = { 0 };
	const char *id;
	int sig = SIGTERM, r;

	/* No option parsing: "kill ID -9" style arguments are positional. */
	optind = 1;
	id = one_id(argc, argv, 2);
	if (optind + 1 < argc) {
		sig = parse_signal(argv[optind + 1][0] == '-' ? argv[optind + 1] + 1 :
								argv[optind + 1]);
		if (sig < 0)
			bad_usage("kill: unknown signal '%s'", argv[optind + 1]);
	}
	if (cr_state_read(state_dir, id, &st, &e) < 0)
		die(1, &e);
	r = cr_state_pidfd(st, "init", &pidfd);
	if (r == -ESRCH)
		errx(1, "container %s is not running", id);
	if (r < 0)
		err(1, "container %s init", id);
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		err(1, "signal container %s", id);
	return 0;
}

/* Wait (bounded) for the supervisor to record the end and exit. */
static int wait_supervisor(json_object *st, struct cr_error *e)
{
	_cleanup_close_ int pidfd = -1;
	struct pollfd p;
	int r;

	r = cr_state_pidfd(st, "supervisor", &pidfd);
	if (r == -ESRCH)
		return 0;
	if (r < 0)
		return cr_fail(e, r, "supervisor");
	p = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	do
		r = poll(&p, 1, CTRRUN_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return cr_fail(e, -errno, "poll");
	if (r == 0)
		return cr_fail(e, -ETIMEDOUT, "supervisor did not exit");
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_json_ json_object *st = NULL;
	struct cr_cgroups cg = { 0 };
	struct cr_error e = { 0 }, first = { 0 };
	json_object *cgroups;
	bool force = false, running;
	const char *id, *veth, *parent;
	int c, r;

	while ((c = getopt_long(argc, argv, "+fh", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'h')
			usage();
		else
			bad_usage("delete: bad option");
	}
	id = one_id(argc, argv, 1);
	r = cr_state_read(state_dir, id, &st, &e);
	if (r == -ENOENT) {
		_cleanup_free_ char *dir = NULL;

		if (asprintf(&dir, "%s/%s", state_dir, id) < 0)
			abort();
		if (access(dir, F_OK) < 0)
			errx(1, "container %s: no such container", id);
		if (!force)
			errx(1, "container %s is being created (use -f)", id);
		if (cr_state_remove(state_dir, id, &e) < 0)
			die(1, &e);
		return 0;
	}
	if (r < 0)
		die(1, &e);

	running = strcmp(cr_state_live_status(st), "running") == 0;
	if (running && !force)
		errx(1, "container %s is running (use -f)", id);
	if (running) {
		_cleanup_close_ int pidfd = -1;

		if (cr_state_pidfd(st, "init", &pidfd) == 0)
			syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	}
	/* Its last act is writing the state: only then remove things. */
	if (wait_supervisor(st, &e) < 0)
		die(1, &e);

	json_object_object_get_ex(st, "cgroups", &cgroups);
	parent = cr_state_str(st, "cgroup_parent");
	if (cr_cgroups_discover(&cg, &e) < 0 ||
	    cr_cgroups_from_state(&cg, cgroups, &e) < 0 ||
	    cr_cgroups_remove(&cg, parent && !strcmp(parent, CTRRUN_DEFAULT_CGROUP_PARENT),
			      &e) < 0)
		first = e;
	cr_cgroups_free(&cg);
	veth = cr_state_str(st, "veth");
	if (veth && cr_net_remove(veth, cr_state_str(st, "bridge_netns"), &e) < 0 &&
	    !first.msg[0])
		first = e;
	if (first.msg[0])
		die(1, &first);
	if (cr_state_remove(state_dir, id, &e) < 0)
		die(1, &e);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state-dir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "run", cmd_run },	    { "exec", cmd_exec },
		{ "list", cmd_list },	    { "ps", cmd_list },
		{ "inspect", cmd_inspect }, { "state", cmd_inspect },
		{ "kill", cmd_kill },	    { "delete", cmd_delete },
		{ "rm", cmd_delete },
	};
	_cleanup_free_ char *abs_dir = NULL;
	const char *dir = getenv("CTRRUN_STATE");
	int c, r = -1;

	ct_cli_keep_std_fds_open();
	if (!dir || !*dir)
		dir = CTRRUN_DEFAULT_STATE_DIR;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 's')
			dir = optarg;
		else if (c == 'h')
			usage();
		else
			bad_usage("bad option");
	}
	if (optind >= argc)
		bad_usage("missing command");
	/* The supervisor runs in /: relative paths would change meaning. */
	if (dir[0] != '/') {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);

		if (!cwd)
			err(1, "getcwd");
		if (asprintf(&abs_dir, "%s/%s", cwd, dir) < 0)
			abort();
		dir = abs_dir;
	}
	state_dir = dir;

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (strcmp(argv[optind], cmds[i].name) != 0)
			continue;
		argc -= optind;
		argv += optind;
		optind = 0; /* restart GNU getopt on the command's arguments */
		r = cmds[i].fn(argc, argv);
		break;
	}
	if (r < 0)
		bad_usage("unknown command '%s'", argv[optind]);
	if (fflush(stdout) != 0 || ferror(stdout))
		err(1, "write error");
	return r;
}
