/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Roles from comm and argv.  Each program's argv is read the way its own
 * option parser reads it (Go's flag package and urfave/cli, spf13/pflag,
 * GOption, getopt, argp), from a table of the options that take a value:
 * a value is never mistaken for an option (podman hands conmon
 * "--exit-command-arg --runtime --exit-command-arg crun"), an option never
 * for the container id, and a flag left without its value at the end of
 * argv simply leaves its field NULL.  Every string returned points into the
 * process's argv; nothing is allocated.
 */
#include <string.h>

#include "roles.h"
#include "util.h"

const char *ct_role_name(enum ct_role r)
{
	switch (r) {
	case CT_ROLE_ENGINE:
		return "engine";
	case CT_ROLE_SHIM:
		return "shim";
	case CT_ROLE_RUNTIME:
		return "runtime";
	case CT_ROLE_RUNTIME_INIT:
		return "runtime-init";
	case CT_ROLE_PROXY:
		return "proxy";
	case CT_ROLE_INIT_HELPER:
		return "init";
	case CT_ROLE_PAUSE:
		return "pause";
	case CT_ROLE_CONTAINER:
		return "container";
	case CT_ROLE_NONE:
	default:
		return NULL;
	}
}

/* ---- reading argv like the program's own option parser ---- */

enum {
	ARG_NONE,   /* a flag: "--flag=x" is accepted, the value ignored */
	ARG_VALUE,  /* the rest after '=', else the next argument whatever it looks like */
	ARG_NUMBER, /* the next argument only if it is all digits (conmon --api-version 1) */
};

enum {
	SYN_GO = 1 << 0,      /* Go flag, urfave/cli: -name == --name, -name=value, no clusters */
	SYN_CLUSTER = 1 << 1, /* getopt, argp, pflag: -abc, -xVALUE, -x=VALUE */
	SYN_STOP = 1 << 2,    /* options end at the first positional (Go flag, getopt "+") */
};

/* What scan_next() returns: one of these, or the key of an option. */
enum {
	SCAN_END,
	SCAN_POSITIONAL,
	SCAN_UNKNOWN,
	K_IGNORE, /* a known option whose value we do not keep */
	K_ID,
	K_NAMESPACE,
	K_ADDRESS,
	K_BUNDLE,
	K_WORKDIR,
	K_RUNTIME_ROOT,
	K_ROOT,
	K_CONFIG,
	K_HOST,
	K_CONTAINERD,
	K_EXEC_ROOT,
	K_LISTEN,
	K_STATE_DIR,
	K_RUNTIME,
	K_CUUID,
	K_NAME,
	K_EXEC,
	K_API_VERSION,
	K_EXIT_COMMAND,
	K_RUNTIME_ARG,
	K_CRIO_PATH, /* conmon options whose path tells CRI-O from podman */
	K_DETACH,
	K_PROTO,
	K_HOST_IP,
	K_HOST_PORT,
	K_CONTAINER_IP,
	K_CONTAINER_PORT,
	K_MACHINE,
	K_DIRECTORY,
	K_IMAGE,
	K_PAUSE,
};

struct opt {
	const char *name; /* long name without dashes, or NULL */
	char letter;	  /* short option, or 0 */
	unsigned char arg;
	unsigned char key;
};

struct scan {
	const struct ct_proc *p;
	size_t i; /* next argv index */
	const struct opt *opts;
	size_t n_opts;
	unsigned syntax;
	const char *cluster;  /* the rest of a -abc cluster */
	bool positional_only; /* after "--", or after the first positional with SYN_STOP */
};

/* argv[i], "" for a NULL entry (a hand-made snapshot), NULL past argc. */
static const char *arg_at(const struct ct_proc *p, size_t i)
{
	if (!p->argv || i >= p->argc)
		return NULL;
	return p->argv[i] ? p->argv[i] : "";
}

static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void scan_init(struct scan *s, const struct ct_proc *p, size_t start, const struct opt *opts,
		      size_t n_opts, unsigned syntax)
{
	*s = (struct scan){ .p = p, .i = start, .opts = opts, .n_opts = n_opts, .syntax = syntax };
}

static const struct opt *find_long(const struct scan *s, const char *name, size_t len)
{
	for (size_t k = 0; k < s->n_opts; k++) {
		const char *n = s->opts[k].name;

		if (n && strlen(n) == len && memcmp(n, name, len) == 0)
			return &s->opts[k];
	}
	return NULL;
}

static const struct opt *find_letter(const struct scan *s, char c)
{
	for (size_t k = 0; c && k < s->n_opts; k++)
		if (s->opts[k].letter == c)
			return &s->opts[k];
	return NULL;
}

static int take_value(struct scan *s, const struct opt *o, const char *inline_value,
		      const char **ret_value)
{
	const char *next;

	if (o->arg == ARG_NONE)
		return o->key;
	if (inline_value) {
		*ret_value = inline_value;
		return o->key;
	}
	next = arg_at(s->p, s->i);
	if (next && (o->arg == ARG_VALUE || is_number(next))) {
		s->i++;
		*ret_value = next;
	}
	return o->key;
}

/*
 * The next option (its key, *ret_value its value or NULL when missing), or
 * a positional (*ret_value the argument), SCAN_UNKNOWN, or SCAN_END.
 */
static int scan_next(struct scan *s, const char **ret_value)
{
	*ret_value = NULL;
	for (;;) {
		const struct opt *o;
		const char *a, *name, *eq;
		bool dashdash;
		size_t len;

		if (s->cluster) {
			char c = *s->cluster;

			if (!c) {
				s->cluster = NULL;
				continue;
			}
			s->cluster++;
			o = find_letter(s, c);
			if (!o) {
				/* The rest of "-x..." cannot be read without knowing -x. */
				s->cluster = NULL;
				return SCAN_UNKNOWN;
			}
			if (o->arg != ARG_NONE) {
				const char *rest = s->cluster;

				s->cluster = NULL;
				if (*rest) {
					*ret_value = rest[0] == '=' ? rest + 1 : rest;
					return o->key;
				}
			}
			return take_value(s, o, NULL, ret_value);
		}

		a = arg_at(s->p, s->i);
		if (!a)
			return SCAN_END;
		s->i++;
		if (s->positional_only || a[0] != '-' || a[1] == '\0') {
			if (s->syntax & SYN_STOP)
				s->positional_only = true;
			*ret_value = a;
			return SCAN_POSITIONAL;
		}
		if (strcmp(a, "--") == 0) {
			s->positional_only = true;
			continue;
		}

		dashdash = a[1] == '-';
		name = a + 1 + dashdash;
		if (dashdash || (s->syntax & SYN_GO)) {
			eq = strchr(name, '=');
			len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(s, name, len);
			/* Go's flag package has no short options: "-c" is the flag named "c". */
			if (!o && len == 1 && (s->syntax & SYN_GO))
				o = find_letter(s, name[0]);
			if (o)
				return take_value(s, o, eq ? eq + 1 : NULL, ret_value);
			if (dashdash || !(s->syntax & SYN_CLUSTER))
				return SCAN_UNKNOWN;
		}
		if (s->syntax & SYN_CLUSTER) {
			s->cluster = name;
			continue;
		}
		/* GOption: one short option per argument, its value the next one. */
		if (name[1] == '\0' && (o = find_letter(s, name[0])))
			return take_value(s, o, NULL, ret_value);
		return SCAN_UNKNOWN;
	}
}

/* ---- small helpers ---- */

/* An empty value says nothing: keep the field NULL. */
static void set(const char **field, const char *value)
{
	if (value && *value)
		*field = value;
}

static void set_root(struct ct_role_info *r, const char *value, size_t len)
{
	if (value && len) {
		r->root = value;
		r->root_len = len;
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The path of a unix:// address ("unix:///run/x.sock", "unix:/run/x.sock"),
 * or the value itself when it has no scheme; NULL for other schemes. */
static const char *unix_path(const char *v)
{
	if (!v)
		return NULL;
	if (starts_with(v, "unix://"))
		v += 7;
	else if (starts_with(v, "unix:"))
		v += 5;
	else if (strstr(v, "://"))
		return NULL;
	return *v ? v : NULL;
}

/*
 * A TCP/UDP port as docker-proxy's flag.Int would read it, but stricter:
 * decimal digits only, 1-65535.  A leading zero is junk here, because Go
 * would read "0080" as octal 64.
 */
static int parse_port(const char *v)
{
	int n;

	if (!v || v[0] == '0' || ct_parse_pid(v, strlen(v), &n) < 0 || n < 1 || n > 65535)
		return 0;
	return n;
}

/*
 * Does comm agree with argv[0]?  The kernel sets comm from the executed
 * file's name, cut to 15 bytes; a program that only claims a name in
 * argv[0] (exec -a dockerd sleep) does not become that program.  An
 * unknown comm (not collected) agrees.
 */
static bool comm_agrees(const char *comm, const char *base)
{
	size_t cl, bl;

	if (!comm || !*comm)
		return true;
	cl = strlen(comm), bl = strlen(base);
	if (cl == bl)
		return strcmp(comm, base) == 0;
	return cl == 15 && bl > 15 && memcmp(comm, base, 15) == 0;
}

/* ---- engines ---- */

static void classify_dockerd(const struct ct_proc *p, struct ct_role_info *r)
{
	/* spf13/pflag: interspersed, -H VALUE, -HVALUE, -H=VALUE, --host=VALUE. */
	static const struct opt opts[] = {
		{ "host", 'H', ARG_VALUE, K_HOST },
		{ "containerd", 0, ARG_VALUE, K_CONTAINERD },
		{ "exec-root", 0, ARG_VALUE, K_EXEC_ROOT },
		{ "config-file", 0, ARG_VALUE, K_CONFIG },
		{ "data-root", 0, ARG_VALUE, K_IGNORE },
		{ "graph", 'g', ARG_VALUE, K_IGNORE },
		{ "pidfile", 'p', ARG_VALUE, K_IGNORE },
		{ "group", 'G', ARG_VALUE, K_IGNORE },
		{ "log-level", 'l', ARG_VALUE, K_IGNORE },
		{ "storage-driver", 's', ARG_VALUE, K_IGNORE },
		{ "bridge", 'b', ARG_VALUE, K_IGNORE },
		{ "debug", 'D', ARG_NONE, K_IGNORE },
		{ "version", 'v', ARG_NONE, K_IGNORE },
		{ "add-runtime", 0, ARG_VALUE, K_IGNORE },
		{ "default-runtime", 0, ARG_VALUE, K_IGNORE },
		{ "containerd-namespace", 0, ARG_VALUE, K_IGNORE },
		{ "containerd-plugins-namespace", 0, ARG_VALUE, K_IGNORE },
		{ "exec-opt", 0, ARG_VALUE, K_IGNORE },
		{ "storage-opt", 0, ARG_VALUE, K_IGNORE },
		{ "log-driver", 0, ARG_VALUE, K_IGNORE },
		{ "log-opt", 0, ARG_VALUE, K_IGNORE },
		{ "label", 0, ARG_VALUE, K_IGNORE },
		{ "dns", 0, ARG_VALUE, K_IGNORE },
		{ "dns-opt", 0, ARG_VALUE, K_IGNORE },
		{ "dns-search", 0, ARG_VALUE, K_IGNORE },
		{ "bip", 0, ARG_VALUE, K_IGNORE },
		{ "mtu", 0, ARG_VALUE, K_IGNORE },
		{ "fixed-cidr", 0, ARG_VALUE, K_IGNORE },
		{ "fixed-cidr-v6", 0, ARG_VALUE, K_IGNORE },
		{ "default-gateway", 0, ARG_VALUE, K_IGNORE },
		{ "default-gateway-v6", 0, ARG_VALUE, K_IGNORE },
		{ "default-address-pool", 0, ARG_VALUE, K_IGNORE },
		{ "ip", 0, ARG_VALUE, K_IGNORE },
		{ "registry-mirror", 0, ARG_VALUE, K_IGNORE },
		{ "insecure-registry", 0, ARG_VALUE, K_IGNORE },
		{ "userland-proxy-path", 0, ARG_VALUE, K_IGNORE },
		{ "init-path", 0, ARG_VALUE, K_IGNORE },
		{ "cgroup-parent", 0, ARG_VALUE, K_IGNORE },
		{ "userns-remap", 0, ARG_VALUE, K_IGNORE },
		{ "tlscacert", 0, ARG_VALUE, K_IGNORE },
		{ "tlscert", 0, ARG_VALUE, K_IGNORE },
		{ "tlskey", 0, ARG_VALUE, K_IGNORE },
		{ "authorization-plugin", 0, ARG_VALUE, K_IGNORE },
		{ "seccomp-profile", 0, ARG_VALUE, K_IGNORE },
		{ "default-ulimit", 0, ARG_VALUE, K_IGNORE },
		{ "oom-score-adjust", 0, ARG_VALUE, K_IGNORE },
		{ "shutdown-timeout", 0, ARG_VALUE, K_IGNORE },
		{ "max-concurrent-downloads", 0, ARG_VALUE, K_IGNORE },
		{ "max-concurrent-uploads", 0, ARG_VALUE, K_IGNORE },
		{ "default-shm-size", 0, ARG_VALUE, K_IGNORE },
		{ "default-ipc-mode", 0, ARG_VALUE, K_IGNORE },
		{ "default-cgroupns-mode", 0, ARG_VALUE, K_IGNORE },
		{ "cluster-store", 0, ARG_VALUE, K_IGNORE },
		{ "cluster-advertise", 0, ARG_VALUE, K_IGNORE },
		{ "api-cors-header", 0, ARG_VALUE, K_IGNORE },
		{ "network-control-plane-mtu", 0, ARG_VALUE, K_IGNORE },
	};
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_DOCKER;
	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_CLUSTER);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case K_HOST:
			/* Several -H are allowed; fd:// (socket activation) and tcp://
			 * name no path. */
			if (!r->socket && v && starts_with(v, "unix://"))
				set(&r->socket, unix_path(v));
			break;
		case K_CONTAINERD:
			set(&r->address, unix_path(v));
			break;
		case K_EXEC_ROOT:
			if (v)
				set_root(r, v, strlen(v));
			break;
		case K_CONFIG:
			set(&r->config, v);
			break;
		}
	}
}

/* containerd 1.x (urfave/cli), and docker's renamed copies: 0.2.x in docker
 * 1.11-17.x ("-l unix://SOCK"), 1.x in docker 18.x ("--config FILE"). */
static void classify_containerd(const struct ct_proc *p, struct ct_role_info *r, bool docker)
{
	static const struct opt opts[] = {
		{ "config", 'c', ARG_VALUE, K_CONFIG },
		{ "address", 'a', ARG_VALUE, K_ADDRESS },
		{ "log-level", 'l', ARG_VALUE, K_IGNORE },
		{ "root", 0, ARG_VALUE, K_IGNORE },
		{ "state", 0, ARG_VALUE, K_IGNORE },
		{ "version", 'v', ARG_NONE, K_IGNORE },
		{ "help", 'h', ARG_NONE, K_IGNORE },
	};
	/* docker-containerd 0.2.x: libcontainerd/remote_unix.go runContainerdDaemon(). */
	static const struct opt docker_opts[] = {
		{ "listen", 'l', ARG_VALUE, K_LISTEN },
		{ "config", 'c', ARG_VALUE, K_CONFIG },
		{ "address", 'a', ARG_VALUE, K_ADDRESS },
		{ "state-dir", 0, ARG_VALUE, K_STATE_DIR },
		{ "runtime", 'r', ARG_VALUE, K_RUNTIME },
		{ "shim", 0, ARG_VALUE, K_IGNORE },
		{ "runtime-args", 0, ARG_VALUE, K_IGNORE },
		{ "metrics-interval", 0, ARG_VALUE, K_IGNORE },
		{ "start-timeout", 0, ARG_VALUE, K_IGNORE },
		{ "retain-count", 0, ARG_VALUE, K_IGNORE },
		{ "pprof-address", 0, ARG_VALUE, K_IGNORE },
		{ "graphite-address", 0, ARG_VALUE, K_IGNORE },
		{ "log-level", 0, ARG_VALUE, K_IGNORE },
		{ "root", 0, ARG_VALUE, K_IGNORE },
		{ "state", 0, ARG_VALUE, K_IGNORE },
		{ "debug", 0, ARG_NONE, K_IGNORE },
		{ "version", 'v', ARG_NONE, K_IGNORE },
		{ "help", 'h', ARG_NONE, K_IGNORE },
	};
	struct scan s;
	const char *v;
	int k;

	if (docker)
		scan_init(&s, p, 1, docker_opts, ARRAY_SIZE(docker_opts), SYN_GO | SYN_STOP);
	else
		scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_GO | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case SCAN_POSITIONAL:
			/* "containerd publish ..." (run by every shim), "config", "oci-hook":
			 * a short-lived client, not an engine. */
			*r = (struct ct_role_info){ 0 };
			return;
		case K_CONFIG:
			set(&r->config, v);
			break;
		case K_ADDRESS:
		case K_LISTEN:
			set(&r->socket, unix_path(v));
			break;
		case K_STATE_DIR:
			if (v)
				set_root(r, v, strlen(v));
			break;
		case K_RUNTIME:
			set(&r->runtime, v);
			break;
		}
	}
	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_CONTAINERD;
}

static void classify_crio(const struct ct_proc *p, struct ct_role_info *r)
{
	/* urfave/cli v2; "crio config", "crio version", ... are short-lived clients. */
	static const char *const subcommands[] = {
		"check", "complete", "completion", "config", "help", "h",
		"man", "markdown", "md", "status", "version", "wipe",
	};
	static const struct opt opts[] = {
		{ "listen", 0, ARG_VALUE, K_LISTEN },
		{ "config", 'c', ARG_VALUE, K_CONFIG },
		{ "config-dir", 'd', ARG_VALUE, K_IGNORE },
		{ "root", 'r', ARG_VALUE, K_IGNORE },
		{ "runroot", 0, ARG_VALUE, K_IGNORE },
		{ "log-level", 'l', ARG_VALUE, K_IGNORE },
		{ "log", 0, ARG_VALUE, K_IGNORE },
		{ "log-dir", 0, ARG_VALUE, K_IGNORE },
		{ "log-format", 0, ARG_VALUE, K_IGNORE },
		{ "log-filter", 0, ARG_VALUE, K_IGNORE },
		{ "storage-driver", 's', ARG_VALUE, K_IGNORE },
		{ "storage-opt", 0, ARG_VALUE, K_IGNORE },
		{ "cgroup-manager", 0, ARG_VALUE, K_IGNORE },
		{ "conmon", 0, ARG_VALUE, K_IGNORE },
		{ "conmon-cgroup", 0, ARG_VALUE, K_IGNORE },
		{ "default-runtime", 0, ARG_VALUE, K_IGNORE },
		{ "runtimes", 0, ARG_VALUE, K_IGNORE },
		{ "pause-image", 0, ARG_VALUE, K_IGNORE },
		{ "pause-command", 0, ARG_VALUE, K_IGNORE },
		{ "signature-policy", 0, ARG_VALUE, K_IGNORE },
		{ "cni-config-dir", 0, ARG_VALUE, K_IGNORE },
		{ "cni-plugin-dir", 0, ARG_VALUE, K_IGNORE },
		{ "metrics-port", 0, ARG_VALUE, K_IGNORE },
		{ "stream-address", 0, ARG_VALUE, K_IGNORE },
		{ "stream-port", 0, ARG_VALUE, K_IGNORE },
		{ "hooks-dir", 0, ARG_VALUE, K_IGNORE },
		{ "version-file", 0, ARG_VALUE, K_IGNORE },
		{ "version-file-persist", 0, ARG_VALUE, K_IGNORE },
		{ "namespaces-dir", 0, ARG_VALUE, K_IGNORE },
		{ "pinns-path", 0, ARG_VALUE, K_IGNORE },
	};
	struct scan s;
	const char *v;
	int k;

	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_GO);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case SCAN_POSITIONAL:
			for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
				if (strcmp(v, subcommands[i]) == 0) {
					*r = (struct ct_role_info){ 0 };
					return;
				}
			break;
		case K_LISTEN:
			set(&r->socket, unix_path(v));
			break;
		case K_CONFIG:
			set(&r->config, v);
			break;
		}
	}
	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_CRIO;
}

/* Only "podman system service [URI]" is an engine; every other podman is a client. */
static void classify_podman(const struct ct_proc *p, struct ct_role_info *r)
{
	/* cobra/pflag, interspersed: the global options of podman 4.x that take a value. */
	static const struct opt opts[] = {
		{ "cgroup-manager", 0, ARG_VALUE, K_IGNORE },
		{ "cni-config-dir", 0, ARG_VALUE, K_IGNORE },
		{ "conmon", 0, ARG_VALUE, K_IGNORE },
		{ "connection", 'c', ARG_VALUE, K_IGNORE },
		{ "db-backend", 0, ARG_VALUE, K_IGNORE },
		{ "events-backend", 0, ARG_VALUE, K_IGNORE },
		{ "hooks-dir", 0, ARG_VALUE, K_IGNORE },
		{ "identity", 0, ARG_VALUE, K_IGNORE },
		{ "imagestore", 0, ARG_VALUE, K_IGNORE },
		{ "log-level", 0, ARG_VALUE, K_IGNORE },
		{ "module", 0, ARG_VALUE, K_IGNORE },
		{ "network-backend", 0, ARG_VALUE, K_IGNORE },
		{ "network-cmd-path", 0, ARG_VALUE, K_IGNORE },
		{ "network-config-dir", 0, ARG_VALUE, K_IGNORE },
		{ "out", 0, ARG_VALUE, K_IGNORE },
		{ "root", 0, ARG_VALUE, K_IGNORE },
		{ "runroot", 0, ARG_VALUE, K_IGNORE },
		{ "runtime", 0, ARG_VALUE, K_IGNORE },
		{ "runtime-flag", 0, ARG_VALUE, K_IGNORE },
		{ "ssh", 0, ARG_VALUE, K_IGNORE },
		{ "storage-driver", 0, ARG_VALUE, K_IGNORE },
		{ "storage-opt", 0, ARG_VALUE, K_IGNORE },
		{ "tmpdir", 0, ARG_VALUE, K_IGNORE },
		{ "url", 0, ARG_VALUE, K_IGNORE },
		{ "volumepath", 0, ARG_VALUE, K_IGNORE },
		{ "cpu-profile", 0, ARG_VALUE, K_IGNORE },
		{ "memory-profile", 0, ARG_VALUE, K_IGNORE },
		{ "default-mounts-file", 0, ARG_VALUE, K_IGNORE },
		{ "registries-conf", 0, ARG_VALUE, K_IGNORE },
		{ "remote", 'r', ARG_NONE, K_IGNORE },
		{ "help", 'h', ARG_NONE, K_IGNORE },
		{ "version", 'v', ARG_NONE, K_IGNORE },
		/* system service */
		{ "time", 't', ARG_VALUE, K_IGNORE },
		{ "timeout", 0, ARG_VALUE, K_IGNORE },
		{ "cors", 0, ARG_VALUE, K_IGNORE },
	};
	const char *pos[3] = { NULL, NULL, NULL };
	size_t n_pos = 0;
	struct scan s;
	const char *v;
	int k;

	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_CLUSTER);
	while ((k = scan_next(&s, &v)) != SCAN_END)
		if (k == SCAN_POSITIONAL && n_pos < ARRAY_SIZE(pos))
			pos[n_pos++] = v;
	if (n_pos < 2 || strcmp(pos[0], "system") != 0 || strcmp(pos[1], "service") != 0)
		return;
	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_PODMAN;
	r->subcommand = pos[1];
	/* No URI: the default socket, or one handed over by systemd (LISTEN_FDS). */
	set(&r->socket, unix_path(pos[2]));
}

/* "[lxc monitor] LXCPATH NAME": one argv string, written by setproctitle(). */
static bool classify_lxc_monitor(const struct ct_proc *p, struct ct_role_info *r)
{
	static const char prefix[] = "[lxc monitor] ";
	const char *a0 = arg_at(p, 0), *rest, *sp;

	if (!a0 || !starts_with(a0, prefix))
		return false;
	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_LXC;
	rest = a0 + sizeof(prefix) - 1;
	/* The name cannot hold a space; the path can. */
	sp = strrchr(rest, ' ');
	if (sp && sp > rest && sp[1]) {
		set_root(r, rest, (size_t)(sp - rest));
		r->name = sp + 1;
	}
	return true;
}

static void classify_nspawn(const struct ct_proc *p, struct ct_role_info *r)
{
	/* getopt_long "+hD:u:abL:M:jS:Z:qi:xp:nUE:P" and the long options that take a value. */
	static const struct opt opts[] = {
		{ "directory", 'D', ARG_VALUE, K_DIRECTORY },
		{ "image", 'i', ARG_VALUE, K_IMAGE },
		{ "machine", 'M', ARG_VALUE, K_MACHINE },
		{ "user", 'u', ARG_VALUE, K_IGNORE },
		{ "selinux-apifs-context", 'L', ARG_VALUE, K_IGNORE },
		{ "slice", 'S', ARG_VALUE, K_IGNORE },
		{ "selinux-context", 'Z', ARG_VALUE, K_IGNORE },
		{ "port", 'p', ARG_VALUE, K_IGNORE },
		{ "setenv", 'E', ARG_VALUE, K_IGNORE },
		{ "as-pid2", 'a', ARG_NONE, K_IGNORE },
		{ "boot", 'b', ARG_NONE, K_IGNORE },
		{ NULL, 'j', ARG_NONE, K_IGNORE },
		{ "quiet", 'q', ARG_NONE, K_IGNORE },
		{ "ephemeral", 'x', ARG_NONE, K_IGNORE },
		{ "network-veth", 'n', ARG_NONE, K_IGNORE },
		{ NULL, 'U', ARG_NONE, K_IGNORE },
		{ NULL, 'P', ARG_NONE, K_IGNORE },
		{ "help", 'h', ARG_NONE, K_IGNORE },
		{ "template", 0, ARG_VALUE, K_IGNORE },
		{ "oci-bundle", 0, ARG_VALUE, K_IGNORE },
		{ "uuid", 0, ARG_VALUE, K_IGNORE },
		{ "capability", 0, ARG_VALUE, K_IGNORE },
		{ "ambient-capability", 0, ARG_VALUE, K_IGNORE },
		{ "drop-capability", 0, ARG_VALUE, K_IGNORE },
		{ "no-new-privileges", 0, ARG_VALUE, K_IGNORE },
		{ "link-journal", 0, ARG_VALUE, K_IGNORE },
		{ "bind", 0, ARG_VALUE, K_IGNORE },
		{ "bind-ro", 0, ARG_VALUE, K_IGNORE },
		{ "tmpfs", 0, ARG_VALUE, K_IGNORE },
		{ "overlay", 0, ARG_VALUE, K_IGNORE },
		{ "overlay-ro", 0, ARG_VALUE, K_IGNORE },
		{ "inaccessible", 0, ARG_VALUE, K_IGNORE },
		{ "hostname", 0, ARG_VALUE, K_IGNORE },
		{ "register", 0, ARG_VALUE, K_IGNORE },
		{ "network-interface", 0, ARG_VALUE, K_IGNORE },
		{ "network-macvlan", 0, ARG_VALUE, K_IGNORE },
		{ "network-ipvlan", 0, ARG_VALUE, K_IGNORE },
		{ "network-veth-extra", 0, ARG_VALUE, K_IGNORE },
		{ "network-bridge", 0, ARG_VALUE, K_IGNORE },
		{ "network-zone", 0, ARG_VALUE, K_IGNORE },
		{ "network-namespace-path", 0, ARG_VALUE, K_IGNORE },
		{ "personality", 0, ARG_VALUE, K_IGNORE },
		{ "property", 0, ARG_VALUE, K_IGNORE },
		{ "private-users-ownership", 0, ARG_VALUE, K_IGNORE },
		{ "kill-signal", 0, ARG_VALUE, K_IGNORE },
		{ "settings", 0, ARG_VALUE, K_IGNORE },
		{ "chdir", 0, ARG_VALUE, K_IGNORE },
		{ "pivot-root", 0, ARG_VALUE, K_IGNORE },
		{ "notify-ready", 0, ARG_VALUE, K_IGNORE },
		{ "root-hash", 0, ARG_VALUE, K_IGNORE },
		{ "root-hash-sig", 0, ARG_VALUE, K_IGNORE },
		{ "verity-data", 0, ARG_VALUE, K_IGNORE },
		{ "system-call-filter", 0, ARG_VALUE, K_IGNORE },
		{ "rlimit", 0, ARG_VALUE, K_IGNORE },
		{ "oom-score-adjust", 0, ARG_VALUE, K_IGNORE },
		{ "cpu-affinity", 0, ARG_VALUE, K_IGNORE },
		{ "resolv-conf", 0, ARG_VALUE, K_IGNORE },
		{ "timezone", 0, ARG_VALUE, K_IGNORE },
		{ "console", 0, ARG_VALUE, K_IGNORE },
		{ "set-credential", 0, ARG_VALUE, K_IGNORE },
		{ "load-credential", 0, ARG_VALUE, K_IGNORE },
		{ "bind-user", 0, ARG_VALUE, K_IGNORE },
		{ "suppress-sync", 0, ARG_VALUE, K_IGNORE },
		{ "image-policy", 0, ARG_VALUE, K_IGNORE },
	};
	const char *dir = NULL, *image = NULL;
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_ENGINE;
	r->engine = CT_ENGINE_NSPAWN;
	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_CLUSTER | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		if (k == SCAN_POSITIONAL)
			break; /* the command to run inside */
		if (k == K_MACHINE)
			set(&r->name, v);
		else if (k == K_DIRECTORY)
			set(&dir, v);
		else if (k == K_IMAGE)
			set(&image, v);
	}
	if (dir)
		set_root(r, dir, strlen(dir));
	else if (image)
		set_root(r, image, strlen(image));
	/* nspawn names the machine after its directory when -M is not given. */
	if (!r->name && dir)
		set(&r->name, base_name(dir));
}

/* ---- shims ---- */

/* Go flag options of every containerd shim generation. */
static const struct opt shim_opts[] = {
	{ "namespace", 0, ARG_VALUE, K_NAMESPACE },
	{ "id", 0, ARG_VALUE, K_ID },
	{ "address", 0, ARG_VALUE, K_ADDRESS },
	{ "bundle", 0, ARG_VALUE, K_BUNDLE },
	{ "workdir", 0, ARG_VALUE, K_WORKDIR },
	{ "runtime-root", 0, ARG_VALUE, K_RUNTIME_ROOT },
	{ "publish-binary", 0, ARG_VALUE, K_IGNORE },
	{ "containerd-binary", 0, ARG_VALUE, K_IGNORE },
	{ "socket", 0, ARG_VALUE, K_IGNORE },
	{ "criu", 0, ARG_VALUE, K_IGNORE },
	{ "criu-path", 0, ARG_VALUE, K_IGNORE },
	{ "ttrpc-address", 0, ARG_VALUE, K_IGNORE },
	{ "debug", 0, ARG_NONE, K_IGNORE },
	{ "systemd-cgroup", 0, ARG_NONE, K_IGNORE },
	{ "v", 0, ARG_NONE, K_IGNORE },
	{ "version", 0, ARG_NONE, K_IGNORE },
	{ "info", 0, ARG_NONE, K_IGNORE },
};

static void classify_shim_flags(const struct ct_proc *p, struct ct_role_info *r,
				enum ct_shim_kind kind)
{
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_SHIM;
	r->engine = CT_ENGINE_CONTAINERD;
	r->shim = kind;
	scan_init(&s, p, 1, shim_opts, ARRAY_SIZE(shim_opts), SYN_GO | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case SCAN_POSITIONAL:
			/* "start" forks the long-lived shim and exits, "delete" cleans up:
			 * either way the process is on its way out. */
			if (!r->subcommand) {
				set(&r->subcommand, v);
				r->transient = true;
			}
			break;
		case K_NAMESPACE:
			set(&r->engine_ns, v);
			break;
		case K_ID:
			set(&r->id, v);
			break;
		case K_ADDRESS:
			set(&r->address, unix_path(v));
			break;
		case K_BUNDLE:
		case K_WORKDIR:
			set(&r->bundle, v);
			break;
		case K_RUNTIME_ROOT:
			if (v)
				set_root(r, v, strlen(v));
			break;
		}
	}
	/* The v1 shim has no -id: its workdir is .../io.containerd.runtime.v1.linux/NS/ID. */
	if (kind == CT_SHIM_CONTAINERD_V1 && !r->id && r->bundle)
		set(&r->id, base_name(r->bundle));
}

/* "containerd-shim": the v1 shim (flags), or containerd 0.2.x's, which docker
 * 1.11-17.x shipped as docker-containerd-shim: "ID BUNDLE RUNTIME". */
static void classify_shim_v1_or_02(const struct ct_proc *p, struct ct_role_info *r)
{
	const char *a1 = arg_at(p, 1);

	if (!a1 || a1[0] == '-') {
		classify_shim_flags(p, r, CT_SHIM_CONTAINERD_V1);
		return;
	}
	r->role = CT_ROLE_SHIM;
	r->engine = CT_ENGINE_CONTAINERD;
	r->shim = CT_SHIM_DOCKER_17;
	set(&r->id, a1);
	set(&r->bundle, arg_at(p, 2));
	set(&r->runtime, arg_at(p, 3));
}

/* containerd-shim-NAME-vN (kata, runsc, spin, ...): a runtime v2 shim. */
static bool is_other_v2_shim(const char *base)
{
	static const char prefix[] = "containerd-shim-";
	const char *v;

	if (!starts_with(base, prefix))
		return false;
	v = strrchr(base, '-');
	return v && v > base + sizeof(prefix) - 1 && v[1] == 'v' && is_number(v + 2);
}

/* conmon, from podman or CRI-O: GOption, long and short options, interspersed. */
static void classify_conmon(const struct ct_proc *p, struct ct_role_info *r)
{
	static const struct opt opts[] = {
		{ "cid", 'c', ARG_VALUE, K_ID },
		{ "cuuid", 'u', ARG_VALUE, K_CUUID },
		{ "name", 'n', ARG_VALUE, K_NAME },
		{ "runtime", 'r', ARG_VALUE, K_RUNTIME },
		{ "bundle", 'b', ARG_VALUE, K_BUNDLE },
		{ "exec", 'e', ARG_NONE, K_EXEC },
		{ "exec-attach", 0, ARG_NONE, K_EXEC },
		{ "exec-process-spec", 0, ARG_VALUE, K_EXEC },
		{ "api-version", 0, ARG_NUMBER, K_API_VERSION },
		{ "exit-command", 0, ARG_VALUE, K_EXIT_COMMAND },
		{ "runtime-arg", 0, ARG_VALUE, K_RUNTIME_ARG },
		{ "socket-dir-path", 0, ARG_VALUE, K_CRIO_PATH },
		{ "conmon-pidfile", 'P', ARG_VALUE, K_CRIO_PATH },
		{ "exit-dir", 0, ARG_VALUE, K_CRIO_PATH },
		{ "log-path", 'l', ARG_VALUE, K_CRIO_PATH },
		{ "container-pidfile", 'p', ARG_VALUE, K_IGNORE },
		{ "pidfile", 0, ARG_VALUE, K_IGNORE },
		{ "persist-dir", '0', ARG_VALUE, K_IGNORE },
		{ "restore", 0, ARG_VALUE, K_IGNORE },
		{ "restore-arg", 0, ARG_VALUE, K_IGNORE },
		{ "runtime-opt", 0, ARG_VALUE, K_IGNORE },
		{ "exit-command-arg", 0, ARG_VALUE, K_IGNORE },
		{ "timeout", 'T', ARG_VALUE, K_IGNORE },
		{ "log-size-max", 0, ARG_VALUE, K_IGNORE },
		{ "log-global-size-max", 0, ARG_VALUE, K_IGNORE },
		{ "log-level", 0, ARG_VALUE, K_IGNORE },
		{ "log-tag", 0, ARG_VALUE, K_IGNORE },
		{ "log-label", 0, ARG_VALUE, K_IGNORE },
		{ "log-allowlist-dir", 0, ARG_VALUE, K_IGNORE },
		{ "seccomp-notify-socket", 0, ARG_VALUE, K_IGNORE },
		{ "seccomp-notify-plugins", 0, ARG_VALUE, K_IGNORE },
		{ "terminal", 't', ARG_NONE, K_IGNORE },
		{ "stdin", 'i', ARG_NONE, K_IGNORE },
		{ "systemd-cgroup", 's', ARG_NONE, K_IGNORE },
	};
	const char *cuuid = NULL, *exit_command = NULL;
	bool exec = false, api_version = false, crio = false, root_next = false;
	struct scan s;
	const char *v;
	int k;

	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), 0);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case K_ID:
			set(&r->id, v);
			break;
		case K_CUUID:
			set(&cuuid, v);
			break;
		case K_NAME:
			set(&r->name, v);
			break;
		case K_RUNTIME:
			set(&r->runtime, v);
			break;
		case K_BUNDLE:
			set(&r->bundle, v);
			break;
		case K_EXEC:
			exec = true;
			break;
		case K_API_VERSION:
			api_version = true;
			break;
		case K_EXIT_COMMAND:
			set(&exit_command, v);
			break;
		case K_CRIO_PATH:
			if (v && strstr(v, "crio"))
				crio = true;
			break;
		case K_RUNTIME_ARG:
			/* CRI-O: "--runtime-arg --root=/run/runc"; podman may split it in two. */
			if (!v)
				break;
			if (root_next && v[0] != '-') {
				set_root(r, v, strlen(v));
			} else if (starts_with(v, "--root=") || starts_with(v, "-root=")) {
				const char *eq = strchr(v, '=') + 1;

				set_root(r, eq, strlen(eq));
			}
			root_next = strcmp(v, "--root") == 0 || strcmp(v, "-root") == 0;
			break;
		}
	}
	r->role = CT_ROLE_SHIM;
	r->shim = exec ? CT_SHIM_CONMON_EXEC : CT_SHIM_CONMON;
	if (exec)
		r->exec_id = cuuid;
	if ((exit_command && strcmp(base_name(exit_command), "podman") == 0) || api_version)
		r->engine = CT_ENGINE_PODMAN;
	else if (crio)
		r->engine = CT_ENGINE_CRIO;
}

/* ---- OCI runtimes ---- */

static const struct opt runc_global_opts[] = {
	{ "root", 0, ARG_VALUE, K_ROOT },
	{ "log", 0, ARG_VALUE, K_IGNORE },
	{ "log-format", 0, ARG_VALUE, K_IGNORE },
	{ "log-level", 0, ARG_VALUE, K_IGNORE }, /* crun */
	{ "criu", 0, ARG_VALUE, K_IGNORE },
	{ "rootless", 0, ARG_VALUE, K_IGNORE },
	{ "cgroup-manager", 0, ARG_VALUE, K_IGNORE }, /* crun */
	{ "systemd-cgroup", 0, ARG_NONE, K_IGNORE },
	{ "debug", 0, ARG_NONE, K_IGNORE },
	{ "version", 'v', ARG_NONE, K_IGNORE },
	{ NULL, 'V', ARG_NONE, K_IGNORE },
	{ "help", 'h', ARG_NONE, K_IGNORE },
};

static const struct opt runc_create_opts[] = {
	{ "bundle", 'b', ARG_VALUE, K_BUNDLE },
	{ "console-socket", 0, ARG_VALUE, K_IGNORE },
	{ "pidfd-socket", 0, ARG_VALUE, K_IGNORE },
	{ "pid-file", 0, ARG_VALUE, K_IGNORE },
	{ "preserve-fds", 0, ARG_VALUE, K_IGNORE },
	{ "console", 0, ARG_VALUE, K_IGNORE }, /* runc 1.0.0-rc2, as containerd 0.2.x called it */
	{ "config", 'f', ARG_VALUE, K_IGNORE }, /* crun */
	{ "detach", 'd', ARG_NONE, K_DETACH },
	{ "keep", 0, ARG_NONE, K_IGNORE },
	{ "no-pivot", 0, ARG_NONE, K_IGNORE },
	{ "no-new-keyring", 0, ARG_NONE, K_IGNORE },
	{ "no-subreaper", 0, ARG_NONE, K_IGNORE },
};

static const struct opt runc_exec_opts[] = {
	{ "console-socket", 0, ARG_VALUE, K_IGNORE },
	{ "console", 0, ARG_VALUE, K_IGNORE },
	{ "pidfd-socket", 0, ARG_VALUE, K_IGNORE },
	{ "cwd", 0, ARG_VALUE, K_IGNORE },
	{ "env", 'e', ARG_VALUE, K_IGNORE },
	{ "user", 'u', ARG_VALUE, K_IGNORE },
	{ "additional-gids", 'g', ARG_VALUE, K_IGNORE },
	{ "process", 'p', ARG_VALUE, K_IGNORE },
	{ "pid-file", 0, ARG_VALUE, K_IGNORE },
	{ "process-label", 0, ARG_VALUE, K_IGNORE },
	{ "apparmor", 0, ARG_VALUE, K_IGNORE },
	{ "cap", 'c', ARG_VALUE, K_IGNORE },
	{ "preserve-fds", 0, ARG_VALUE, K_IGNORE },
	{ "cgroup", 0, ARG_VALUE, K_IGNORE },
	{ "detach", 'd', ARG_NONE, K_DETACH },
	{ "tty", 't', ARG_NONE, K_IGNORE },
	{ "no-new-privs", 0, ARG_NONE, K_IGNORE },
	{ "ignore-paused", 0, ARG_NONE, K_IGNORE },
	{ "no-subreaper", 0, ARG_NONE, K_IGNORE },
};

static const struct opt runc_checkpoint_opts[] = {
	{ "bundle", 'b', ARG_VALUE, K_BUNDLE },
	{ "image-path", 0, ARG_VALUE, K_IGNORE },
	{ "work-path", 0, ARG_VALUE, K_IGNORE },
	{ "parent-path", 0, ARG_VALUE, K_IGNORE },
	{ "page-server", 0, ARG_VALUE, K_IGNORE },
	{ "status-fd", 0, ARG_VALUE, K_IGNORE },
	{ "manage-cgroups-mode", 0, ARG_VALUE, K_IGNORE },
	{ "empty-ns", 0, ARG_VALUE, K_IGNORE },
	{ "console-socket", 0, ARG_VALUE, K_IGNORE },
	{ "pid-file", 0, ARG_VALUE, K_IGNORE },
	{ "lsm-profile", 0, ARG_VALUE, K_IGNORE },
	{ "lsm-mount-context", 0, ARG_VALUE, K_IGNORE },
	{ "detach", 'd', ARG_NONE, K_DETACH },
};

static const struct opt runc_kill_opts[] = {
	{ "all", 'a', ARG_NONE, K_IGNORE },
};

static const struct opt runc_delete_opts[] = {
	{ "force", 'f', ARG_NONE, K_IGNORE },
};

static const struct opt runc_list_opts[] = {
	{ "format", 'f', ARG_VALUE, K_IGNORE },
	{ "quiet", 'q', ARG_NONE, K_IGNORE },
};

static const struct opt runc_update_opts[] = {
	{ "resources", 'r', ARG_VALUE, K_IGNORE },
	{ "blkio-weight", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-period", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-quota", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-share", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-rt-period", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-rt-runtime", 0, ARG_VALUE, K_IGNORE },
	{ "cpu-idle", 0, ARG_VALUE, K_IGNORE },
	{ "cpuset-cpus", 0, ARG_VALUE, K_IGNORE },
	{ "cpuset-mems", 0, ARG_VALUE, K_IGNORE },
	{ "kernel-memory", 0, ARG_VALUE, K_IGNORE },
	{ "kernel-memory-tcp", 0, ARG_VALUE, K_IGNORE },
	{ "memory", 0, ARG_VALUE, K_IGNORE },
	{ "memory-reservation", 0, ARG_VALUE, K_IGNORE },
	{ "memory-swap", 0, ARG_VALUE, K_IGNORE },
	{ "pids-limit", 0, ARG_VALUE, K_IGNORE },
	{ "l3-cache-schema", 0, ARG_VALUE, K_IGNORE },
	{ "mem-bw-schema", 0, ARG_VALUE, K_IGNORE },
};

static const struct opt runc_events_opts[] = {
	{ "interval", 0, ARG_VALUE, K_IGNORE },
	{ "stats", 0, ARG_NONE, K_IGNORE },
};

struct runc_cmd {
	const char *name;
	const struct opt *opts;
	size_t n_opts;
	bool long_lived; /* stays for the container's life unless detached */
};

#define RUNC_CMD(n, o, l) { n, o, ARRAY_SIZE(o), l }
static const struct runc_cmd runc_cmds[] = {
	RUNC_CMD("create", runc_create_opts, false),
	RUNC_CMD("run", runc_create_opts, true),
	RUNC_CMD("exec", runc_exec_opts, true),
	RUNC_CMD("restore", runc_checkpoint_opts, true),
	RUNC_CMD("checkpoint", runc_checkpoint_opts, false),
	RUNC_CMD("kill", runc_kill_opts, false),
	RUNC_CMD("delete", runc_delete_opts, false),
	RUNC_CMD("ps", runc_list_opts, false),
	RUNC_CMD("list", runc_list_opts, false),
	RUNC_CMD("update", runc_update_opts, false),
	RUNC_CMD("events", runc_events_opts, true),
	RUNC_CMD("spec", runc_create_opts, false),
};

static bool runc_init_comm(const char *comm)
{
	return comm && (strcmp(comm, "runc:[0:PARENT]") == 0 ||
			strcmp(comm, "runc:[1:CHILD]") == 0 || strcmp(comm, "runc:[2:INIT]") == 0);
}

/*
 * "runc init": the process runc forks to become the container.  Its comm
 * goes runc:[0:PARENT], [1:CHILD], [2:INIT]; the first two exit, the last
 * waits for "runc start" and execs the container's command.
 */
static void set_runc_init(const struct ct_proc *p, struct ct_role_info *r)
{
	r->role = CT_ROLE_RUNTIME_INIT;
	r->engine = CT_ENGINE_RUNC;
	r->subcommand = p->argc >= 2 ? arg_at(p, 1) : "init";
	r->transient = !(p->comm && strcmp(p->comm, "runc:[2:INIT]") == 0);
}

/*
 * runc (urfave/cli on Go flag) and crun (argp): global options, the
 * subcommand, its options, then the container id, the first positional
 * ("kill ID SIGNAL", "exec ID CMD...").
 */
static void classify_oci_runtime(const struct ct_proc *p, struct ct_role_info *r, bool crun)
{
	unsigned syntax = crun ? SYN_CLUSTER : SYN_GO;
	const struct runc_cmd *cmd = NULL;
	bool detach = false;
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_RUNTIME;
	r->engine = crun ? CT_ENGINE_CRUN : CT_ENGINE_RUNC;
	scan_init(&s, p, 1, runc_global_opts, ARRAY_SIZE(runc_global_opts), syntax | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		if (k == K_ROOT && v)
			set_root(r, v, strlen(v));
		else if (k == SCAN_POSITIONAL) {
			set(&r->subcommand, v);
			break;
		}
	}
	if (!r->subcommand) {
		/* runc --version, runc --help */
		r->transient = true;
		return;
	}
	if (!crun && strcmp(r->subcommand, "init") == 0) {
		set_runc_init(p, r);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(runc_cmds); i++)
		if (strcmp(r->subcommand, runc_cmds[i].name) == 0)
			cmd = &runc_cmds[i];

	/* urfave/cli moves options after the id to the front, except for exec,
	 * whose arguments after the id are the command's. */
	syntax |= cmd && strcmp(cmd->name, "exec") == 0 ? SYN_STOP : 0;
	scan_init(&s, p, s.i, cmd ? cmd->opts : NULL, cmd ? cmd->n_opts : 0, syntax);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case SCAN_POSITIONAL:
			if (!r->id)
				set(&r->id, v);
			break;
		case K_BUNDLE:
			set(&r->bundle, v);
			break;
		case K_DETACH:
			detach = true;
			break;
		}
	}
	r->transient = !(cmd && cmd->long_lived && !detach);
}

/* ---- the rest ---- */

static void classify_docker_proxy(const struct ct_proc *p, struct ct_role_info *r)
{
	static const struct opt opts[] = {
		{ "proto", 0, ARG_VALUE, K_PROTO },
		{ "host-ip", 0, ARG_VALUE, K_HOST_IP },
		{ "host-port", 0, ARG_VALUE, K_HOST_PORT },
		{ "container-ip", 0, ARG_VALUE, K_CONTAINER_IP },
		{ "container-port", 0, ARG_VALUE, K_CONTAINER_PORT },
		{ "use-listen-fd", 0, ARG_NONE, K_IGNORE },
	};
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_PROXY;
	r->engine = CT_ENGINE_DOCKER;
	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_GO | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END) {
		switch (k) {
		case K_PROTO:
			set(&r->proto, v);
			break;
		case K_HOST_IP:
			set(&r->host_ip, v);
			break;
		case K_HOST_PORT:
			r->host_port = parse_port(v);
			break;
		case K_CONTAINER_IP:
			set(&r->container_ip, v);
			break;
		case K_CONTAINER_PORT:
			r->container_port = parse_port(v);
			break;
		}
	}
}

/* tini (docker-init) and catatonit (podman-init); catatonit -P is a pause
 * process: a pod's infra container, or rootless podman's namespace holder. */
static void classify_init_helper(const struct ct_proc *p, struct ct_role_info *r,
				 enum ct_engine_kind engine, bool catatonit)
{
	/* getopt "+hLPgv" (catatonit) */
	static const struct opt opts[] = {
		{ NULL, 'P', ARG_NONE, K_PAUSE }, { NULL, 'L', ARG_NONE, K_IGNORE },
		{ NULL, 'g', ARG_NONE, K_IGNORE }, { NULL, 'h', ARG_NONE, K_IGNORE },
		{ NULL, 'v', ARG_NONE, K_IGNORE },
	};
	struct scan s;
	const char *v;
	int k;

	r->role = CT_ROLE_INIT_HELPER;
	r->engine = engine;
	if (!catatonit)
		return;
	scan_init(&s, p, 1, opts, ARRAY_SIZE(opts), SYN_CLUSTER | SYN_STOP);
	while ((k = scan_next(&s, &v)) != SCAN_END && k != SCAN_POSITIONAL)
		if (k == K_PAUSE) {
			r->role = CT_ROLE_PAUSE;
			r->engine = CT_ENGINE_PODMAN;
		}
}

void ct_classify(const struct ct_proc *p, struct ct_role_info *ret)
{
	const char *a0, *a1, *base;

	*ret = (struct ct_role_info){ .role = CT_ROLE_NONE };
	if (!p || (p->flags & CT_PROC_KTHREAD))
		return;

	/* By comm: argv may be unreadable, or not yet changed by exec. */
	a1 = arg_at(p, 1);
	if (runc_init_comm(p->comm)) {
		if (p->argc == 0 || !p->argv || (a1 && strcmp(a1, "init") == 0))
			set_runc_init(p, ret);
		return;
	}

	a0 = arg_at(p, 0);
	if (!a0)
		return; /* kernel threads, zombies, unreadable cmdline */
	if (classify_lxc_monitor(p, ret))
		return;

	base = base_name(a0);
	/* runc init may run as "exe" or a memfd while runc re-executes itself. */
	if ((strcmp(base, "runc") == 0 || strcmp(base, "docker-runc") == 0) && a1 &&
	    strcmp(a1, "init") == 0) {
		set_runc_init(p, ret);
		return;
	}
	if (!comm_agrees(p->comm, base))
		return;

	if (strcmp(base, "dockerd") == 0 || strcmp(base, "dockerd-current") == 0)
		classify_dockerd(p, ret);
	else if (strcmp(base, "containerd") == 0)
		classify_containerd(p, ret, false);
	else if (strcmp(base, "docker-containerd") == 0 ||
		 strcmp(base, "docker-containerd-current") == 0)
		classify_containerd(p, ret, true);
	else if (strcmp(base, "crio") == 0)
		classify_crio(p, ret);
	else if (strcmp(base, "podman") == 0)
		classify_podman(p, ret);
	else if (strcmp(base, "systemd-nspawn") == 0)
		classify_nspawn(p, ret);
	else if (strcmp(base, "conmon") == 0)
		classify_conmon(p, ret);
	else if (strcmp(base, "containerd-shim") == 0 ||
		 strcmp(base, "docker-containerd-shim") == 0 ||
		 strcmp(base, "docker-containerd-shim-current") == 0)
		classify_shim_v1_or_02(p, ret);
	else if (strcmp(base, "containerd-shim-runc-v1") == 0)
		classify_shim_flags(p, ret, CT_SHIM_RUNC_V1);
	else if (strcmp(base, "containerd-shim-runc-v2") == 0)
		classify_shim_flags(p, ret, CT_SHIM_RUNC_V2);
	else if (is_other_v2_shim(base))
		classify_shim_flags(p, ret, CT_SHIM_OTHER_V2);
	else if (strcmp(base, "runc") == 0 || strcmp(base, "docker-runc") == 0 ||
		 strcmp(base, "docker-runc-current") == 0)
		classify_oci_runtime(p, ret, false);
	else if (strcmp(base, "crun") == 0 || (starts_with(base, "crun-") && base[5]) ||
		 strcmp(base, "krun") == 0)
		classify_oci_runtime(p, ret, true);
	else if (strcmp(base, "docker-proxy") == 0 || strcmp(base, "docker-proxy-current") == 0)
		classify_docker_proxy(p, ret);
	else if (strcmp(base, "docker-init") == 0 || strcmp(a0, "/dev/init") == 0)
		classify_init_helper(p, ret, CT_ENGINE_DOCKER, false);
	else if (strcmp(base, "tini") == 0 || strcmp(base, "tini-static") == 0)
		classify_init_helper(p, ret, CT_ENGINE_UNKNOWN, false);
	else if (strcmp(base, "podman-init") == 0)
		classify_init_helper(p, ret, CT_ENGINE_PODMAN, true);
	else if (strcmp(base, "catatonit") == 0)
		classify_init_helper(p, ret, CT_ENGINE_UNKNOWN, true);
	else if (strcmp(base, "pause") == 0) {
		/* The Kubernetes sandbox: "/pause", comm "pause". */
		ret->role = CT_ROLE_PAUSE;
	}
}
