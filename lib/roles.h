/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a process is in the container machinery, from its comm and argv
 * alone (the kernel's parent links do not tell: shims, conmons and LXC
 * monitors daemonize).  Pure functions over hostile text; the resolver
 * adds the evidence from sockets, state files and cgroups.
 */
#ifndef CT_ROLES_H
#define CT_ROLES_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime.h"
#include "snapshot.h"

enum ct_role {
	CT_ROLE_NONE,		/* an ordinary process */
	CT_ROLE_ENGINE,		/* dockerd, containerd, crio, podman service, LXC monitor, nspawn */
	CT_ROLE_SHIM,		/* containerd-shim*, docker-containerd-shim, conmon */
	CT_ROLE_RUNTIME,	/* runc, crun (create, start, exec, run, ...) */
	CT_ROLE_RUNTIME_INIT,	/* runc init: runc:[0:PARENT], [1:CHILD], [2:INIT] */
	CT_ROLE_PROXY,		/* docker-proxy */
	CT_ROLE_INIT_HELPER,	/* docker-init/tini, catatonit, podman-init */
	CT_ROLE_PAUSE,		/* pause / infra container process */
	CT_ROLE_CONTAINER,	/* a process inside a container: set by the resolver */
};

/* "engine", "shim", "runtime", "runtime-init", "proxy", "init", "pause",
 * "container", or NULL for CT_ROLE_NONE (the JSON "role" field). */
const char *ct_role_name(enum ct_role r);

enum ct_shim_kind {
	CT_SHIM_NONE,
	CT_SHIM_CONTAINERD_V1,	   /* containerd-shim -namespace NS -workdir W -address A ... */
	CT_SHIM_DOCKER_17,	   /* docker-containerd-shim ID BUNDLE docker-runc */
	CT_SHIM_RUNC_V1,	   /* containerd-shim-runc-v1 */
	CT_SHIM_RUNC_V2,	   /* containerd-shim-runc-v2 */
	CT_SHIM_OTHER_V2,	   /* containerd-shim-<name>-v2 (kata, runsc, ...) */
	CT_SHIM_CONMON,		   /* conmon for a container */
	CT_SHIM_CONMON_EXEC,	   /* conmon for an exec session (--exec-attach / -e) */
};

struct ct_role_info {
	enum ct_role role;
	enum ct_engine_kind engine; /* for ENGINE: which one; for SHIM/RUNTIME: which engine family */
	enum ct_shim_kind shim;

	/* Arguments, pointing into the process's argv (never freed here); NULL if absent.
	 * An empty argument counts as absent. */
	const char *id;		/* shim -id / conmon -c / runc/crun container id / 17.x shim ID;
				 * the v1 shim's: the last component of -workdir */
	const char *exec_id;	/* conmon -u for an exec session */
	const char *name;	/* conmon -n, LXC monitor container name, nspawn -M (else -D's basename) */
	const char *engine_ns;	/* shim -namespace */
	const char *address;	/* shim -address (the engine's socket); dockerd --containerd */
	const char *bundle;	/* conmon -b, runc --bundle / -b, 17.x shim BUNDLE, shim -workdir, v2 shim -bundle */
	/*
	 * runc/crun --root, conmon's --runtime-arg --root=, v1 shim -runtime-root,
	 * LXC monitor lxcpath, nspawn -D (else -i), dockerd --exec-root,
	 * docker-containerd 0.2.x --state-dir.  NOT always NUL-terminated where
	 * it ends: the LXC monitor's lxcpath is the middle of its one argv
	 * string ("[lxc monitor] /var/lib/lxc web").  Print it with "%.*s",
	 * (int)root_len, root; root_len is set whenever root is.
	 */
	const char *root;
	size_t root_len;
	const char *runtime;	/* conmon -r, 17.x shim runtime (docker-runc), docker-containerd --runtime */
	const char *subcommand;	/* runc/crun: "create", "start", "exec", "run", "init", "kill", ...;
				 * v2 shim: "start"/"delete"; podman: "service" */
	const char *socket;	/* engine: its API socket from argv (-H unix://, --address, -a, -l, --listen,
				 * podman's URI), "unix://" stripped; NULL: the default or socket activation */
	const char *config;	/* containerd --config / -c, dockerd --config-file, crio --config */
	bool transient;		/* will exit soon: runc create/start/kill/delete/..., run/exec/restore with
				 * -d, the v2 shim's "start"/"delete", runc:[0:PARENT]/[1:CHILD] */

	/* docker-proxy -proto -host-ip -host-port -container-ip -container-port */
	const char *proto;
	const char *host_ip;
	int host_port;		/* 1-65535, 0 if missing or junk */
	const char *container_ip;
	int container_port;
};

/*
 * Classify one process.  Looks at comm, argv[0]'s basename and the flags;
 * never trusts a single unusual spelling to mean more than it says: a
 * program is known by argv[0]'s basename only when comm agrees with it
 * (comm is the executed file's name cut to 15 bytes), except the LXC
 * monitor (argv rewritten) and runc init (comm rewritten, or "exe" while
 * runc re-executes itself).  Each argv is read the way the program's own
 * option parser reads it.  Engine families: every containerd shim is
 * CONTAINERD, conmon is PODMAN or CRIO (UNKNOWN when its argv does not
 * tell), runc/docker-runc RUNC, crun CRUN.  Fills *ret (always; role NONE
 * when nothing matched, and for short-lived clients such as
 * "containerd publish", "crio config", "podman run").
 */
void ct_classify(const struct ct_proc *p, struct ct_role_info *ret);

#endif
