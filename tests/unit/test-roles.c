/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ct_classify() on argv as the engines write it: captured from this host
 * (Debian 12: docker.io 20.10.24, containerd 1.6.20, podman 4.3.1 with
 * conmon 2.1.6, runc 1.1.5, LXC 5.0.2) where marked "captured", else built
 * from the upstream code that writes it (cited next to each fixture), and
 * hostile argv.  Every fixture is copied into exactly sized heap blocks, so
 * that a read past argc or past a string's NUL fails under ASan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "roles.h"
#include "tap.h"
#include "util.h"

struct fx {
	struct ct_proc p;
	char **args;
	char *comm;
	struct ct_role_info r;
};

static struct fx F;
#define R (&F.r)

static void fx_clear(struct fx *f)
{
	for (size_t i = 0; f->args && i < f->p.argc; i++)
		free(f->args[i]);
	free(f->args);
	free(f->comm);
	*f = (struct fx){ 0 };
}

/* NULL entries stay NULL: a hand-made snapshot may hold them. */
static void run(const char *comm, const char *const *argv, size_t argc, unsigned flags)
{
	fx_clear(&F);
	F.comm = comm ? xstrdup(comm) : NULL;
	F.args = argc ? xmalloc(argc * sizeof(*F.args)) : NULL;
	for (size_t i = 0; i < argc; i++)
		F.args[i] = argv[i] ? xstrdup(argv[i]) : NULL;
	F.p = (struct ct_proc){ .pid = 4242,
				.ppid = 1,
				.flags = flags,
				.comm = F.comm,
				.argv = (const char **)F.args,
				.argc = argc };
	/* Garbage first: ct_classify() must write every field. */
	memset(&F.r, 0x5a, sizeof(F.r));
	ct_classify(&F.p, &F.r);
}

#define CLASSIFY(comm, arr)   run((comm), (arr), ARRAY_SIZE(arr), 0)
#define ARGV(...)	      ((const char *const[]){ __VA_ARGS__ })
#define CLASSIFY_V(comm, ...) run((comm), ARGV(__VA_ARGS__), ARRAY_SIZE(ARGV(__VA_ARGS__)), 0)

/* Does root (length-delimited) read exp? */
#define root_is(exp, ...)                                                                          \
	do {                                                                                       \
		const char *e__ = (exp);                                                           \
		int same__ = e__ ? R->root && R->root_len == strlen(e__) &&                        \
					     memcmp(R->root, e__, R->root_len) == 0                \
				 : R->root == NULL;                                                \
		ok(same__, __VA_ARGS__);                                                           \
		if (!same__)                                                                       \
			printf("#   got \"%.*s\"\n#   expected \"%s\"\n",                          \
			       R->root ? (int)R->root_len : 6, R->root ? R->root : "(null)",       \
			       e__ ? e__ : "(null)");                                              \
	} while (0)

/* Role NONE and nothing else set. */
static bool is_none(const struct ct_role_info *r)
{
	return r->role == CT_ROLE_NONE && r->engine == CT_ENGINE_UNKNOWN &&
	       r->shim == CT_SHIM_NONE && !r->id && !r->exec_id && !r->name && !r->engine_ns &&
	       !r->address && !r->bundle && !r->root && !r->root_len && !r->runtime &&
	       !r->subcommand && !r->socket && !r->config && !r->transient && !r->proto &&
	       !r->host_ip && !r->host_port && !r->container_ip && !r->container_port;
}

/* Is p one of the fixture's argv strings, or inside one? */
static bool in_argv(const char *p)
{
	uintptr_t u = (uintptr_t)p;

	for (size_t i = 0; p && i < F.p.argc; i++) {
		uintptr_t a = (uintptr_t)F.args[i];

		if (F.args[i] && u >= a && u <= a + strlen(F.args[i]))
			return true;
	}
	return false;
}

static bool all_in_argv(const struct ct_role_info *r)
{
	const char *const f[] = { r->id,     r->exec_id, r->name,    r->engine_ns,   r->address,
				  r->bundle, r->root,	 r->runtime, r->subcommand,  r->socket,
				  r->config, r->proto,	 r->host_ip, r->container_ip };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i] && !in_argv(f[i]) && !(f[i] == r->subcommand && strcmp(f[i], "init") == 0))
			return false;
	return true;
}

static void test_role_names(void)
{
	is_str(ct_role_name(CT_ROLE_ENGINE), "engine", "name: engine");
	is_str(ct_role_name(CT_ROLE_SHIM), "shim", "name: shim");
	is_str(ct_role_name(CT_ROLE_RUNTIME), "runtime", "name: runtime");
	is_str(ct_role_name(CT_ROLE_RUNTIME_INIT), "runtime-init", "name: runtime-init");
	is_str(ct_role_name(CT_ROLE_PROXY), "proxy", "name: proxy");
	is_str(ct_role_name(CT_ROLE_INIT_HELPER), "init", "name: init");
	is_str(ct_role_name(CT_ROLE_PAUSE), "pause", "name: pause");
	is_str(ct_role_name(CT_ROLE_CONTAINER), "container", "name: container");
	is_str(ct_role_name(CT_ROLE_NONE), NULL, "name: none is NULL");
	is_str(ct_role_name((enum ct_role)77), NULL, "name: out of range is NULL");
}

#define WEB_ID "8bce7883c2c58823d64720ae685510568f06187347b8e27eee70494f4e44f940"

/* docker 20.10 as Debian runs it, captured on this host. */
static void test_docker(void)
{
	/* captured: dockerd and the containerd it starts as a child */
	CLASSIFY_V("dockerd", "dockerd", "--iptables=false");
	is_int(R->role, CT_ROLE_ENGINE, "dockerd: engine");
	is_int(R->engine, CT_ENGINE_DOCKER, "dockerd: docker");
	is_str(R->socket, NULL, "dockerd: no -H, default socket");
	ok(!R->transient, "dockerd: long-lived");

	CLASSIFY_V("containerd", "containerd", "--config",
		   "/var/run/docker/containerd/containerd.toml", "--log-level", "info");
	is_int(R->role, CT_ROLE_ENGINE, "dockerd's containerd: engine");
	is_int(R->engine, CT_ENGINE_CONTAINERD, "dockerd's containerd: containerd");
	is_str(R->config, "/var/run/docker/containerd/containerd.toml",
	       "dockerd's containerd: --config");
	ok(R->config == F.args[2], "dockerd's containerd: config points into argv");
	is_str(R->socket, NULL, "dockerd's containerd: socket is in the toml, not argv");

	/* captured: the long-lived shim (comm cut to 15 bytes) */
	CLASSIFY_V("containerd-shim", "/usr/bin/containerd-shim-runc-v2", "-namespace", "moby",
		   "-id", WEB_ID, "-address", "/var/run/docker/containerd/containerd.sock");
	is_int(R->role, CT_ROLE_SHIM, "v2 shim: shim");
	is_int(R->shim, CT_SHIM_RUNC_V2, "v2 shim: runc v2");
	is_int(R->engine, CT_ENGINE_CONTAINERD, "v2 shim: containerd family");
	is_str(R->id, WEB_ID, "v2 shim: -id");
	is_str(R->engine_ns, "moby", "v2 shim: -namespace");
	is_str(R->address, "/var/run/docker/containerd/containerd.sock", "v2 shim: -address");
	ok(!R->transient, "v2 shim: the long-lived one");
	is_str(R->subcommand, NULL, "v2 shim: no action");
	ok(all_in_argv(R), "v2 shim: every string points into argv");

	/* captured: docker-proxy, one per address family and port */
	CLASSIFY_V("docker-proxy", "/usr/sbin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0",
		   "-host-port", "18080", "-container-ip", "172.17.0.2", "-container-port", "80");
	is_int(R->role, CT_ROLE_PROXY, "docker-proxy: proxy");
	is_int(R->engine, CT_ENGINE_DOCKER, "docker-proxy: docker");
	is_str(R->proto, "tcp", "docker-proxy: -proto");
	is_str(R->host_ip, "0.0.0.0", "docker-proxy: -host-ip");
	is_int(R->host_port, 18080, "docker-proxy: -host-port");
	is_str(R->container_ip, "172.17.0.2", "docker-proxy: -container-ip");
	is_int(R->container_port, 80, "docker-proxy: -container-port");
	CLASSIFY_V("docker-proxy", "/usr/sbin/docker-proxy", "-proto", "udp", "-host-ip",
		   "::", "-host-port", "18082", "-container-ip", "172.17.0.4", "-container-port",
		   "53");
	ok(R->role == CT_ROLE_PROXY && strcmp(R->proto, "udp") == 0 &&
		   strcmp(R->host_ip, "::") == 0 && R->host_port == 18082 &&
		   R->container_port == 53,
	   "docker-proxy: udp on ::");
	CLASSIFY_V("docker-proxy", "/usr/sbin/docker-proxy", "-proto", "tcp", "-host-ip",
		   "127.0.0.1", "-host-port", "18081", "-container-ip", "172.17.0.3",
		   "-container-port", "80");
	ok(R->host_port == 18081 && strcmp(R->host_ip, "127.0.0.1") == 0, "docker-proxy: loopback");
	/* docker 25+ (libnetwork portmapper): the proxy inherits the listening socket */
	CLASSIFY_V("docker-proxy", "/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0",
		   "-host-port", "8080", "-container-ip", "172.17.0.2", "-container-port", "80",
		   "-use-listen-fd");
	ok(R->role == CT_ROLE_PROXY && R->host_port == 8080 && R->container_port == 80,
	   "docker-proxy: -use-listen-fd");

	/* moby contrib/init/systemd/docker.service: ExecStart=/usr/bin/dockerd -H fd://
	 * --containerd=/run/containerd/containerd.sock */
	CLASSIFY_V("dockerd", "/usr/bin/dockerd", "-H", "fd://",
		   "--containerd=/run/containerd/containerd.sock");
	is_int(R->role, CT_ROLE_ENGINE, "dockerd -H fd://: engine");
	is_str(R->socket, NULL, "dockerd -H fd://: socket activation, no path");
	is_str(R->address, "/run/containerd/containerd.sock",
	       "dockerd --containerd=: its containerd");

	/* dockerd(8): -H takes tcp://, unix://PATH, fd://; repeated; pflag spellings */
	CLASSIFY_V("dockerd", "dockerd", "-H", "tcp://0.0.0.0:2375", "-H",
		   "unix:///var/run/docker.sock");
	is_str(R->socket, "/var/run/docker.sock", "dockerd: the unix one of several -H");
	CLASSIFY_V("dockerd", "dockerd", "--host=unix:///run/d.sock", "-H",
		   "unix:///run/second.sock");
	is_str(R->socket, "/run/d.sock", "dockerd: --host=, first unix socket wins");
	CLASSIFY_V("dockerd", "dockerd", "-H=unix:///run/e.sock");
	is_str(R->socket, "/run/e.sock", "dockerd: -H=");
	CLASSIFY_V("dockerd", "dockerd", "-Hunix:///run/f.sock");
	is_str(R->socket, "/run/f.sock", "dockerd: -HVALUE");
	CLASSIFY_V("dockerd", "dockerd", "-DH", "unix:///run/g.sock");
	is_str(R->socket, "/run/g.sock", "dockerd: -DH VALUE cluster");
	CLASSIFY_V("dockerd", "dockerd", "--host", "unix:///run/h.sock", "--exec-root", "/run/dx",
		   "--config-file", "/etc/docker/daemon.json", "--data-root", "/srv/docker");
	is_str(R->socket, "/run/h.sock", "dockerd: --host VALUE");
	root_is("/run/dx", "dockerd: --exec-root");
	is_str(R->config, "/etc/docker/daemon.json", "dockerd: --config-file");
	CLASSIFY_V("dockerd", "dockerd", "--label", "-H", "-H", "unix:///run/i.sock");
	is_str(R->socket, "/run/i.sock", "dockerd: a value spelled -H is a value");
	CLASSIFY_V("dockerd", "dockerd", "-H", "unix://");
	is_str(R->socket, NULL, "dockerd: unix:// without a path");
	CLASSIFY_V("dockerd", "dockerd", "-H");
	ok(R->role == CT_ROLE_ENGINE && !R->socket, "dockerd: -H without a value");

	/* moby daemon/oci_linux.go WithInit: inContainerInitPath = "/sbin/docker-init",
	 * then "--" */
	CLASSIFY_V("docker-init", "/sbin/docker-init", "--", "sleep", "1000");
	is_int(R->role, CT_ROLE_INIT_HELPER, "docker-init: init helper");
	is_int(R->engine, CT_ENGINE_DOCKER, "docker-init: docker");
	/* docker 1.13-17.x bind-mounted it at /dev/init */
	CLASSIFY_V("init", "/dev/init", "--", "nginx", "-g", "daemon off;");
	ok(R->role == CT_ROLE_INIT_HELPER && R->engine == CT_ENGINE_DOCKER,
	   "docker /dev/init: init helper");
	CLASSIFY_V("init", "/sbin/init");
	ok(is_none(R), "/sbin/init: not an init helper");
	/* tini's own usage: tini [-s] -- program */
	CLASSIFY_V("tini", "/usr/bin/tini", "-s", "--", "/docker-entrypoint.sh");
	ok(R->role == CT_ROLE_INIT_HELPER && R->engine == CT_ENGINE_UNKNOWN, "tini: init helper");
}

/*
 * containerd 1.6.20 run by hand (its own root, state and socket), ctr run
 * with --runtime io.containerd.runc.v2 and io.containerd.runtime.v1.linux;
 * short-lived argv logged by wrappers on containerd's PATH (so argv[0] is
 * the wrapper's path; containerd itself passes the bare binary name).
 */
static void test_containerd_shims(void)
{
	/* captured; containerd runtime/v2/binary.go Start(): -id ID start */
	CLASSIFY_V("containerd-shim", "/tmp/ctrroles/wrapbin/containerd-shim-runc-v2", "-namespace",
		   "ctrroles", "-address", "/tmp/ctrroles/ctd/c.sock", "-publish-binary",
		   "/usr/bin/containerd", "-id", "ctrroles-v2", "start");
	is_int(R->role, CT_ROLE_SHIM, "v2 start: shim");
	is_int(R->shim, CT_SHIM_RUNC_V2, "v2 start: runc v2");
	ok(R->transient, "v2 start: short-lived parent");
	is_str(R->subcommand, "start", "v2 start: action");
	is_str(R->id, "ctrroles-v2", "v2 start: -id");
	is_str(R->address, "/tmp/ctrroles/ctd/c.sock", "v2 start: -address");
	ok(R->id == F.args[8], "v2 start: id points into argv");

	/* captured; runtime/v2/runc/manager/manager_linux.go newCommand():
	 * -namespace -id -address */
	CLASSIFY_V("containerd-shim", "/usr/bin/containerd-shim-runc-v2", "-namespace", "ctrroles",
		   "-id", "ctrroles-v2", "-address", "/tmp/ctrroles/ctd/c.sock");
	ok(R->shim == CT_SHIM_RUNC_V2 && !R->transient && strcmp(R->id, "ctrroles-v2") == 0 &&
		   strcmp(R->engine_ns, "ctrroles") == 0,
	   "v2 long-lived shim");

	/* captured (after a failed start); runtime/v2/binary.go Delete():
	 * -id ID -bundle B delete */
	CLASSIFY_V("containerd-shim", "/tmp/ctrroles/wrapbin/containerd-shim-runc-v2", "-namespace",
		   "ctrroles", "-address", "/tmp/ctrroles/ctd/c.sock", "-publish-binary",
		   "/usr/bin/containerd", "-id", "ctrroles-v2", "-bundle",
		   "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2",
		   "delete");
	ok(R->transient && strcmp(R->subcommand, "delete") == 0, "v2 delete: short-lived");
	is_str(R->bundle,
	       "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2",
	       "v2 delete: -bundle");

	/* captured: the v1 shim stays containerd's child, comm exactly "containerd-shim";
	 * runtime/v1/shim/client/client.go newCommand() */
	CLASSIFY_V("containerd-shim", "/tmp/ctrroles/wrapbin/containerd-shim", "-namespace",
		   "ctrroles", "-workdir",
		   "/tmp/ctrroles/ctd/root/io.containerd.runtime.v1.linux/ctrroles/ctrroles-v1",
		   "-address", "/tmp/ctrroles/ctd/c.sock", "-containerd-binary",
		   "/usr/bin/containerd");
	is_int(R->role, CT_ROLE_SHIM, "v1 shim: shim");
	is_int(R->shim, CT_SHIM_CONTAINERD_V1, "v1 shim: containerd v1");
	is_str(R->bundle,
	       "/tmp/ctrroles/ctd/root/io.containerd.runtime.v1.linux/ctrroles/ctrroles-v1",
	       "v1 shim: -workdir");
	is_str(R->id, "ctrroles-v1", "v1 shim: id from the workdir");
	is_str(R->engine_ns, "ctrroles", "v1 shim: -namespace");
	is_str(R->address, "/tmp/ctrroles/ctd/c.sock", "v1 shim: -address");
	ok(!R->transient && all_in_argv(R), "v1 shim: long-lived, strings in argv");

	/* docker 18.09-19.03 ran v1 shims: client.go adds -runtime-root, -systemd-cgroup, -debug */
	CLASSIFY_V("containerd-shim", "containerd-shim", "-namespace", "moby", "-workdir",
		   "/var/lib/docker/containerd/daemon/io.containerd.runtime.v1.linux/moby/" WEB_ID,
		   "-address", "/var/run/docker/containerd/containerd.sock", "-containerd-binary",
		   "/usr/bin/containerd", "-runtime-root", "/var/run/docker/runtime-runc",
		   "-systemd-cgroup", "-debug");
	ok(R->shim == CT_SHIM_CONTAINERD_V1 && strcmp(R->id, WEB_ID) == 0,
	   "docker 18.09 v1 shim: id");
	root_is("/var/run/docker/runtime-runc", "docker 18.09 v1 shim: -runtime-root");
	/* docker 18.03-18.06 shipped the same shim renamed: comm cut to "docker-containe" */
	CLASSIFY_V("docker-containe", "docker-containerd-shim", "-namespace", "moby", "-workdir",
		   "/var/lib/docker/containerd/daemon/io.containerd.runtime.v1.linux/moby/" WEB_ID,
		   "-address", "/var/run/docker/containerd/docker-containerd.sock",
		   "-containerd-binary", "/usr/bin/docker-containerd", "-runtime-root",
		   "/var/run/docker/runtime-runc");
	ok(R->shim == CT_SHIM_CONTAINERD_V1 &&
		   strcmp(R->address, "/var/run/docker/containerd/docker-containerd.sock") == 0,
	   "docker 18.06 docker-containerd-shim with flags: v1");

	/* the shims' events: containerd runtime/v2/shim/publisher.go execs
	 * "containerd --address A publish --topic T --namespace NS" */
	CLASSIFY_V("containerd", "/usr/bin/containerd", "--address",
		   "/var/run/docker/containerd/containerd.sock", "publish", "--topic",
		   "/tasks/exit", "--namespace", "moby");
	ok(is_none(R), "containerd publish: a client, not an engine");
	CLASSIFY_V("containerd", "containerd", "config", "default");
	ok(is_none(R), "containerd config default: a client");

	/* k3s and hand-run instances name their socket */
	CLASSIFY_V("containerd", "/usr/bin/containerd", "--address",
		   "/run/k3s/containerd/containerd.sock", "--root",
		   "/var/lib/rancher/k3s/agent/containerd", "--state", "/run/k3s/containerd");
	is_str(R->socket, "/run/k3s/containerd/containerd.sock", "containerd --address");
	CLASSIFY_V("containerd", "containerd", "-a=/run/a.sock", "-c", "/etc/c.toml", "-l",
		   "debug");
	ok(strcmp(R->socket, "/run/a.sock") == 0 && strcmp(R->config, "/etc/c.toml") == 0,
	   "containerd -a= -c: Go flag spellings; -l is the log level");

	/* captured: runc as the v2 shim runs it (go-runc), create/start/exec */
	CLASSIFY_V("runc", "/tmp/ctrroles/wrapbin/runc", "--root", "/run/containerd/runc/ctrroles",
		   "--log",
		   "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2/"
		   "log.json",
		   "--log-format", "json", "create", "--bundle",
		   "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2",
		   "--pid-file",
		   "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2/"
		   "init.pid",
		   "ctrroles-v2");
	is_int(R->role, CT_ROLE_RUNTIME, "runc create: runtime");
	is_int(R->engine, CT_ENGINE_RUNC, "runc create: runc");
	is_str(R->subcommand, "create", "runc create: subcommand");
	is_str(R->id, "ctrroles-v2", "runc create: id");
	is_str(R->bundle,
	       "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2",
	       "runc create: --bundle");
	root_is("/run/containerd/runc/ctrroles", "runc create: --root");
	ok(R->transient, "runc create: exits");
	CLASSIFY_V("runc", "/tmp/ctrroles/wrapbin/runc", "--root", "/run/containerd/runc/ctrroles",
		   "--log",
		   "/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2/"
		   "log.json",
		   "--log-format", "json", "start", "ctrroles-v2");
	ok(R->transient && strcmp(R->subcommand, "start") == 0 && strcmp(R->id, "ctrroles-v2") == 0,
	   "runc start: transient, id");
	CLASSIFY_V(
		"runc", "/tmp/ctrroles/wrapbin/runc", "--root", "/run/containerd/runc/ctrroles",
		"--log",
		"/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2/"
		"log.json",
		"--log-format", "json", "exec", "--process", "/tmp/runc-process2639630586",
		"--detach", "--pid-file",
		"/tmp/ctrroles/ctd/state/io.containerd.runtime.v2.task/ctrroles/ctrroles-v2/e1.pid",
		"ctrroles-v2");
	ok(R->transient && strcmp(R->subcommand, "exec") == 0 && strcmp(R->id, "ctrroles-v2") == 0,
	   "runc exec --detach: transient, id last");

	/* other v2 shims: kata-containers containerd-shim-kata-v2,
	 * gVisor containerd-shim-runsc-v1 */
	CLASSIFY_V("containerd-shim", "/usr/local/bin/containerd-shim-kata-v2", "-namespace",
		   "k8s.io", "-address", "/run/containerd/containerd.sock", "-publish-binary",
		   "/usr/bin/containerd", "-id", "4b1ffd1e1c5e", "start");
	ok(R->role == CT_ROLE_SHIM && R->shim == CT_SHIM_OTHER_V2 && R->transient &&
		   strcmp(R->engine_ns, "k8s.io") == 0,
	   "kata shim start: other v2");
	CLASSIFY_V("containerd-shim", "/usr/bin/containerd-shim-runsc-v1", "-namespace", "default",
		   "-address", "/run/containerd/containerd.sock", "-publish-binary",
		   "/usr/bin/containerd", "-id", "gv1");
	ok(R->shim == CT_SHIM_OTHER_V2 && !R->transient && strcmp(R->id, "gv1") == 0,
	   "runsc shim: other v2");
	CLASSIFY_V("containerd-shim", "/usr/bin/containerd-shim-runc-v1", "-namespace", "default",
		   "-id", "old", "-address", "/run/containerd/containerd.sock", "-debug");
	ok(R->shim == CT_SHIM_RUNC_V1 && strcmp(R->id, "old") == 0, "containerd-shim-runc-v1");
	CLASSIFY_V("containerd-shim", "containerd-shim-v2", "-id", "x");
	ok(is_none(R), "containerd-shim-v2: no runtime name, not a shim");
	CLASSIFY_V("containerd-shim", "containerd-shim-kata", "-id", "x");
	ok(is_none(R), "containerd-shim-kata: no version, not a shim");
}

/* docker 1.11-17.x: containerd 0.2.x renamed docker-containerd; its shim takes positionals. */
static void test_docker17(void)
{
	/* moby 17.03 libcontainerd/remote_unix.go runContainerdDaemon() */
	CLASSIFY_V("docker-containe", "docker-containerd", "-l",
		   "unix:///var/run/docker/libcontainerd/docker-containerd.sock",
		   "--metrics-interval=0", "--start-timeout", "2m", "--state-dir",
		   "/var/run/docker/libcontainerd/containerd", "--shim", "docker-containerd-shim",
		   "--runtime", "docker-runc");
	is_int(R->role, CT_ROLE_ENGINE, "docker-containerd: engine");
	is_int(R->engine, CT_ENGINE_CONTAINERD, "docker-containerd: a containerd");
	is_str(R->socket, "/var/run/docker/libcontainerd/docker-containerd.sock",
	       "docker-containerd: -l unix://");
	root_is("/var/run/docker/libcontainerd/containerd", "docker-containerd: --state-dir");
	is_str(R->runtime, "docker-runc", "docker-containerd: --runtime");
	CLASSIFY_V("docker-containe", "/usr/bin/docker-containerd", "--listen=unix:///run/dc.sock",
		   "--debug");
	is_str(R->socket, "/run/dc.sock", "docker-containerd: --listen=");
	/* moby 18.06 libcontainerd/supervisor: containerd 1.1 renamed, --config */
	CLASSIFY_V("docker-containe", "docker-containerd", "--config",
		   "/var/run/docker/containerd/containerd.toml", "--log-level", "info");
	ok(R->role == CT_ROLE_ENGINE &&
		   strcmp(R->config, "/var/run/docker/containerd/containerd.toml") == 0 &&
		   !R->socket,
	   "docker 18.06 docker-containerd --config");

	/* containerd 0.2.x runtime/container.go Start():
	 * exec.Command(c.shim, c.id, c.bundle, c.runtime) */
	CLASSIFY_V("docker-containe", "docker-containerd-shim", WEB_ID,
		   "/var/run/docker/libcontainerd/" WEB_ID, "docker-runc");
	is_int(R->role, CT_ROLE_SHIM, "docker 17 shim: shim");
	is_int(R->shim, CT_SHIM_DOCKER_17, "docker 17 shim: positional kind");
	is_str(R->id, WEB_ID, "docker 17 shim: ID");
	is_str(R->bundle, "/var/run/docker/libcontainerd/" WEB_ID, "docker 17 shim: BUNDLE");
	is_str(R->runtime, "docker-runc", "docker 17 shim: runtime");
	ok(!R->transient, "docker 17 shim: long-lived");
	CLASSIFY_V("docker-containe", "docker-containerd-shim", WEB_ID);
	ok(R->shim == CT_SHIM_DOCKER_17 && strcmp(R->id, WEB_ID) == 0 && !R->bundle && !R->runtime,
	   "docker 17 shim: missing positionals stay NULL");
	CLASSIFY_V("docker-contain", "docker-containerd-shim", WEB_ID, "/b", "docker-runc");
	ok(is_none(R), "docker 17 shim: a 14-byte comm is no truncation of the name");

	/* containerd 0.2.x containerd-shim/process.go: "--log L --log-format json create
	 * --bundle B --console C --pid-file P ID" with the old runc's --console */
	CLASSIFY_V("docker-runc", "docker-runc", "--log",
		   "/run/docker/libcontainerd/containerd/" WEB_ID "/init/log.json", "--log-format",
		   "json", "create", "--bundle", "/var/run/docker/libcontainerd/" WEB_ID,
		   "--console", "/dev/pts/3", "--pid-file",
		   "/run/docker/libcontainerd/containerd/" WEB_ID "/init/pid", WEB_ID);
	ok(R->role == CT_ROLE_RUNTIME && R->engine == CT_ENGINE_RUNC &&
		   strcmp(R->id, WEB_ID) == 0 && R->transient,
	   "docker-runc create --console: id");
}

/* captured: podman 4.3.1 run -d (conmon 2.1.6); libpod/oci_conmon_common.go sharedConmonArgs()
 * then createOCIContainer(): note "--exit-command-arg --runtime" and an empty argument */
static const char *const conmon_podman[] = {
	"/usr/bin/conmon", "--api-version", "1", "-c",
	"6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea", "-u",
	"6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea", "-r",
	"/tmp/ctrroles/runc-wrap", "-b",
	"/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata",
	"-p",
	"/run/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/pidfile",
	"-n", "ctrroles-c1", "--exit-dir", "/run/libpod/exits", "--full-attach", "-l",
	"k8s-file:/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/ctr.log",
	"--log-level", "warning", "--conmon-pidfile",
	"/run/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/conmon.pid",
	"--exit-command", "/usr/bin/podman", "--exit-command-arg", "--root", "--exit-command-arg",
	"/var/lib/containers/storage", "--exit-command-arg", "--runroot", "--exit-command-arg",
	"/run/containers/storage", "--exit-command-arg", "--log-level", "--exit-command-arg",
	"warning", "--exit-command-arg", "--cgroup-manager", "--exit-command-arg", "cgroupfs",
	"--exit-command-arg", "--tmpdir", "--exit-command-arg", "/run/libpod",
	"--exit-command-arg", "--network-config-dir", "--exit-command-arg", "",
	"--exit-command-arg", "--network-backend", "--exit-command-arg", "cni",
	"--exit-command-arg", "--volumepath", "--exit-command-arg",
	"/var/lib/containers/storage/volumes", "--exit-command-arg", "--runtime",
	"--exit-command-arg", "/tmp/ctrroles/runc-wrap", "--exit-command-arg", "--events-backend",
	"--exit-command-arg", "file", "--exit-command-arg", "container", "--exit-command-arg",
	"cleanup", "--exit-command-arg",
	"6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea",
};

/* captured: podman exec (attached): libpod/oci_conmon_exec_common.go adds
 * "-e --exec-attach --exec-process-spec F" and "--exit-command-arg --exec" */
static const char *const conmon_podman_exec[] = {
	"/usr/bin/conmon", "--api-version", "1", "-c",
	"6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea", "-u",
	"3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0", "-r",
	"/tmp/ctrroles/runc-wrap", "-b",
	"/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0",
	"-p",
	"/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0/exec_pid",
	"-n", "ctrroles-c1", "--exit-dir",
	"/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0/exit",
	"--full-attach", "-l", "none", "--log-level", "warning", "-e", "--exec-attach",
	"--exec-process-spec",
	"/var/lib/containers/storage/overlay-containers/6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea/userdata/3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0/exec-process-1803550086",
	"--exit-command", "/usr/bin/podman", "--exit-command-arg", "--root", "--exit-command-arg",
	"/var/lib/containers/storage", "--exit-command-arg", "--runroot", "--exit-command-arg",
	"/run/containers/storage", "--exit-command-arg", "--log-level", "--exit-command-arg",
	"warning", "--exit-command-arg", "--cgroup-manager", "--exit-command-arg", "cgroupfs",
	"--exit-command-arg", "--tmpdir", "--exit-command-arg", "/run/libpod",
	"--exit-command-arg", "--network-config-dir", "--exit-command-arg", "",
	"--exit-command-arg", "--network-backend", "--exit-command-arg", "cni",
	"--exit-command-arg", "--volumepath", "--exit-command-arg",
	"/var/lib/containers/storage/volumes", "--exit-command-arg", "--runtime",
	"--exit-command-arg", "crun", "--exit-command-arg", "--events-backend",
	"--exit-command-arg", "file", "--exit-command-arg", "container", "--exit-command-arg",
	"cleanup", "--exit-command-arg", "--exec", "--exit-command-arg",
	"3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0", "--exit-command-arg",
	"6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea",
};

#define PODMAN_ID      "6ffdc5c8a4f0aaefecf7edbe19a0809903754b48c1d6926610d12d5217000cea"
#define PODMAN_EXEC_ID "3db2f8c2f38547ee1abe4ef6827791bdea01c6bc58755b824e65ea11e9cd7dc0"

static void test_podman(void)
{
	CLASSIFY("conmon", conmon_podman);
	is_int(R->role, CT_ROLE_SHIM, "podman conmon: shim");
	is_int(R->shim, CT_SHIM_CONMON, "podman conmon: container conmon");
	is_int(R->engine, CT_ENGINE_PODMAN, "podman conmon: podman");
	is_str(R->id, PODMAN_ID, "podman conmon: -c");
	is_str(R->exec_id, NULL, "podman conmon: no exec id");
	is_str(R->name, "ctrroles-c1", "podman conmon: -n");
	is_str(R->runtime, "/tmp/ctrroles/runc-wrap",
	       "podman conmon: -r, not an --exit-command-arg");
	is_str(R->bundle, "/var/lib/containers/storage/overlay-containers/" PODMAN_ID "/userdata",
	       "podman conmon: -b");
	root_is(NULL, "podman conmon: \"--exit-command-arg --root\" is not the runtime's root");
	ok(!R->transient && all_in_argv(R), "podman conmon: long-lived, strings in argv");

	CLASSIFY("conmon", conmon_podman_exec);
	is_int(R->shim, CT_SHIM_CONMON_EXEC, "podman exec conmon: exec session");
	is_int(R->engine, CT_ENGINE_PODMAN, "podman exec conmon: podman");
	is_str(R->id, PODMAN_ID, "podman exec conmon: -c is the container");
	is_str(R->exec_id, PODMAN_EXEC_ID, "podman exec conmon: -u is the session");
	is_str(R->runtime, "/tmp/ctrroles/runc-wrap",
	       "podman exec conmon: -r, not \"crun\" from the exit command");

	/* captured: --init runs catatonit as /run/podman-init */
	CLASSIFY_V("podman-init", "/run/podman-init", "--", "sleep", "1000");
	is_int(R->role, CT_ROLE_INIT_HELPER, "podman-init: init helper");
	is_int(R->engine, CT_ENGINE_PODMAN, "podman-init: podman");
	/* captured: a pod's infra container */
	CLASSIFY_V("catatonit", "/catatonit", "-P");
	is_int(R->role, CT_ROLE_PAUSE, "catatonit -P: pause");
	is_int(R->engine, CT_ENGINE_PODMAN, "catatonit -P: podman");
	/* rootless podman's namespace holder: libpod/runtime.go runs catatonit -P */
	CLASSIFY_V("catatonit", "/usr/libexec/podman/catatonit", "-P");
	is_int(R->role, CT_ROLE_PAUSE, "rootless pause: pause");
	CLASSIFY_V("catatonit", "catatonit", "-g", "--", "sh", "-P");
	ok(R->role == CT_ROLE_INIT_HELPER && R->engine == CT_ENGINE_UNKNOWN,
	   "catatonit -- sh -P: the command's -P is not catatonit's");

	/* captured: the API service, with and without a URI */
	CLASSIFY_V("podman", "podman", "system", "service", "--time=0",
		   "unix:///tmp/ctrroles/podman.sock");
	is_int(R->role, CT_ROLE_ENGINE, "podman system service: engine");
	is_int(R->engine, CT_ENGINE_PODMAN, "podman system service: podman");
	is_str(R->socket, "/tmp/ctrroles/podman.sock", "podman system service: URI");
	CLASSIFY_V("podman", "podman", "--log-level=info", "system", "service", "-t", "0");
	ok(R->role == CT_ROLE_ENGINE && !R->socket, "podman system service -t 0: default socket");
	/* contrib/systemd/system/podman.service: socket activated */
	CLASSIFY_V("podman", "/usr/bin/podman", "--log-level=info", "system", "service");
	ok(R->role == CT_ROLE_ENGINE && !R->socket, "podman.service: socket from systemd");
	CLASSIFY_V("podman", "podman", "system", "--log-level", "debug", "service",
		   "unix:/run/p.sock");
	is_str(R->socket, "/run/p.sock", "podman: interspersed options, unix: URI");
	CLASSIFY_V("podman", "podman", "system", "service", "tcp://0.0.0.0:8888");
	ok(R->role == CT_ROLE_ENGINE && !R->socket, "podman service on tcp: no socket path");
	CLASSIFY_V("podman", "podman", "--root", "system", "service");
	ok(is_none(R), "podman --root system: \"system\" is --root's value");
	CLASSIFY_V("podman", "podman", "exec", "ctrroles-c1", "sleep", "40");
	ok(is_none(R), "podman exec: a client");
	CLASSIFY_V("podman", "/usr/bin/podman", "--root", "/var/lib/containers/storage",
		   "--runroot", "/run/containers/storage", "--log-level", "warning",
		   "--cgroup-manager", "cgroupfs", "--tmpdir", "/run/libpod",
		   "--network-config-dir", "", "--network-backend", "cni", "--volumepath",
		   "/var/lib/containers/storage/volumes", "--runtime", "crun", "--events-backend",
		   "file", "container", "cleanup", PODMAN_ID);
	ok(is_none(R), "podman container cleanup (conmon's exit command): a client");

	/* captured through a wrapper given to podman --runtime: conmon runs the runtime as -r */
	CLASSIFY_V("crun", "/usr/bin/crun", "create", "--bundle",
		   "/var/lib/containers/storage/overlay-containers/" PODMAN_ID "/userdata",
		   "--pid-file",
		   "/run/containers/storage/overlay-containers/" PODMAN_ID "/userdata/pidfile",
		   PODMAN_ID);
	is_int(R->role, CT_ROLE_RUNTIME, "crun create: runtime");
	is_int(R->engine, CT_ENGINE_CRUN, "crun create: crun");
	is_str(R->id, PODMAN_ID, "crun create: id");
	ok(R->transient && strcmp(R->subcommand, "create") == 0, "crun create: transient");
	CLASSIFY_V("crun", "/usr/bin/crun", "exec", "--pid-file",
		   "/var/lib/containers/storage/overlay-containers/" PODMAN_ID
		   "/userdata/" PODMAN_EXEC_ID "/exec_pid",
		   "--process",
		   "/var/lib/containers/storage/overlay-containers/" PODMAN_ID
		   "/userdata/" PODMAN_EXEC_ID "/exec-process-1803550086",
		   "--detach", PODMAN_ID);
	ok(R->transient && strcmp(R->id, PODMAN_ID) == 0,
	   "crun exec --detach (conmon's): transient");
	/* crun(1): global options before the command, argp spellings */
	CLASSIFY_V("crun", "/usr/bin/crun", "--root", "/run/crun", "--log", "journald:x",
		   "--log-format=json", "--cgroup-manager", "cgroupfs", "--systemd-cgroup",
		   "create", "-b/srv/b", "ctr1");
	root_is("/run/crun", "crun --root");
	ok(strcmp(R->bundle, "/srv/b") == 0 && strcmp(R->id, "ctr1") == 0,
	   "crun create -bVALUE: argp");
	CLASSIFY_V("crun-wasm", "/usr/bin/crun-wasm", "--root=/run/crun", "run", "--bundle", "/b",
		   "w1");
	ok(R->engine == CT_ENGINE_CRUN && !R->transient && strcmp(R->id, "w1") == 0,
	   "crun-wasm run: a crun handler, long-lived in the foreground");
}

/* CRI-O: cri-o internal/oci/runtime_oci.go CreateContainer(), ExecSyncContainer(),
 * ExecContainer() */
static void test_crio(void)
{
#define CRIO_ID	    "d0a4b5f8c9e1"
#define CRIO_BUNDLE "/var/run/containers/storage/overlay-containers/" CRIO_ID "/userdata"
	CLASSIFY_V("conmon", "/usr/bin/conmon", "-b", CRIO_BUNDLE, "-c", CRIO_ID, "--exit-dir",
		   "/var/run/crio/exits", "-l", "/var/log/pods/default_web_1f3a/web/0.log",
		   "--log-level", "info", "-n", "k8s_web_web_default_1f3a_0", "-P",
		   CRIO_BUNDLE "/conmon-pidfile", "-p", CRIO_BUNDLE "/pidfile", "--persist-dir",
		   "/var/lib/containers/storage/overlay-containers/" CRIO_ID "/userdata", "-r",
		   "/usr/bin/runc", "--runtime-arg", "--root=/run/runc", "--socket-dir-path",
		   "/var/run/crio", "--syslog", "-u", CRIO_ID, "-s", "--log-size-max", "-1");
	is_int(R->role, CT_ROLE_SHIM, "cri-o conmon: shim");
	is_int(R->shim, CT_SHIM_CONMON, "cri-o conmon: container conmon");
	is_int(R->engine, CT_ENGINE_CRIO, "cri-o conmon: cri-o");
	is_str(R->id, CRIO_ID, "cri-o conmon: -c");
	is_str(R->name, "k8s_web_web_default_1f3a_0", "cri-o conmon: -n");
	is_str(R->runtime, "/usr/bin/runc", "cri-o conmon: -r");
	root_is("/run/runc", "cri-o conmon: --runtime-arg --root=");
	is_str(R->exec_id, NULL, "cri-o conmon: -u is the container's own id");

	CLASSIFY_V("conmon", "/usr/bin/conmon", "-c", CRIO_ID, "-n", "k8s_web_web_default_1f3a_0",
		   "-r", "/usr/bin/runc", "-p", "/tmp/pidfile3121", "-e", "-l",
		   "/tmp/crio-log-" CRIO_ID "4032", "--socket-dir-path", "/var/run/crio",
		   "--log-level", "info", "--sync", "--log-global-size-max", "16777216",
		   "--exec-process-spec", "/tmp/exec-process-22", "--runtime-arg",
		   "--root=/run/runc");
	ok(R->shim == CT_SHIM_CONMON_EXEC && R->engine == CT_ENGINE_CRIO && !R->exec_id &&
		   strcmp(R->id, CRIO_ID) == 0,
	   "cri-o exec-sync conmon: exec, no session id");

	/* ExecContainer(): runc exec in the foreground for the whole kubectl exec */
	CLASSIFY_V("runc", "/usr/bin/runc", "--root", "/run/runc", "--systemd-cgroup", "exec",
		   "--process", "/tmp/exec-process-9", CRIO_ID);
	ok(R->role == CT_ROLE_RUNTIME && !R->transient && strcmp(R->id, CRIO_ID) == 0,
	   "cri-o runc exec: long-lived without --detach");

	/* contrib/systemd/crio.service; crio(8) */
	CLASSIFY_V("crio", "/usr/bin/crio");
	ok(R->role == CT_ROLE_ENGINE && R->engine == CT_ENGINE_CRIO && !R->socket, "crio: engine");
	CLASSIFY_V("crio", "/usr/local/bin/crio", "--config", "/etc/crio/crio.conf",
		   "--cgroup-manager", "cgroupfs", "--listen", "/var/run/crio/crio.sock",
		   "--log-level", "info");
	ok(strcmp(R->socket, "/var/run/crio/crio.sock") == 0 &&
		   strcmp(R->config, "/etc/crio/crio.conf") == 0,
	   "crio --listen --config");
	CLASSIFY_V("crio", "crio", "--log-level", "debug", "config");
	ok(is_none(R), "crio config: a client");
	CLASSIFY_V("crio", "crio", "--config", "version");
	ok(R->role == CT_ROLE_ENGINE && strcmp(R->config, "version") == 0,
	   "crio --config version: a value");

	/* the Kubernetes sandbox: registry.k8s.io/pause runs /pause */
	CLASSIFY_V("pause", "/pause");
	ok(R->role == CT_ROLE_PAUSE, "k8s /pause: pause");
	CLASSIFY_V("sleep", "/pause");
	ok(is_none(R), "/pause with another comm: not pause");
}

/* runc run directly, and runc init. */
static void test_runc(void)
{
	/* captured: runc create leaves "runc init" blocked, comm runc:[2:INIT] */
	CLASSIFY_V("runc:[2:INIT]", "runc", "init");
	is_int(R->role, CT_ROLE_RUNTIME_INIT, "runc:[2:INIT]: runtime init");
	is_int(R->engine, CT_ENGINE_RUNC, "runc:[2:INIT]: runc");
	is_str(R->subcommand, "init", "runc:[2:INIT]: init");
	ok(R->subcommand == F.args[1], "runc:[2:INIT]: points into argv");
	ok(!R->transient, "runc:[2:INIT]: becomes the container");
	CLASSIFY_V("runc:[0:PARENT]", "runc", "init");
	ok(R->role == CT_ROLE_RUNTIME_INIT && R->transient, "runc:[0:PARENT]: transient");
	CLASSIFY_V("runc:[1:CHILD]", "/usr/bin/runc", "init");
	ok(R->role == CT_ROLE_RUNTIME_INIT && R->transient, "runc:[1:CHILD]: transient");
	/* before nsexec renames it: exec'd as /proc/self/exe (or a memfd in runc 1.2) */
	CLASSIFY_V("exe", "runc", "init");
	ok(R->role == CT_ROLE_RUNTIME_INIT && R->transient, "runc init, comm exe: transient");
	CLASSIFY_V("3", "docker-runc", "init");
	ok(R->role == CT_ROLE_RUNTIME_INIT, "docker-runc init from a memfd");
	run("runc:[2:INIT]", NULL, 0, 0);
	ok(R->role == CT_ROLE_RUNTIME_INIT && strcmp(R->subcommand, "init") == 0,
	   "runc:[2:INIT] with no readable argv");
	CLASSIFY_V("runc:[2:INIT]", "sleep", "1000");
	ok(is_none(R), "comm runc:[2:INIT] over another argv: not runc init");
	CLASSIFY_V("runc:[3:EVIL]", "runc", "init");
	ok(R->role == CT_ROLE_RUNTIME_INIT && R->transient, "unknown stage comm, runc init argv");

	/* captured: runc run by hand */
	CLASSIFY_V("runc", "runc", "--root", "/tmp/ctrroles/runc-root", "--log",
		   "/tmp/ctrroles/runc.log", "--log-format", "json", "create", "--bundle",
		   "/tmp/ctrroles/bundle", "--pid-file", "/tmp/ctrroles/r1.pid", "ctrroles-r1");
	ok(R->role == CT_ROLE_RUNTIME && strcmp(R->id, "ctrroles-r1") == 0 &&
		   strcmp(R->bundle, "/tmp/ctrroles/bundle") == 0 && R->transient,
	   "runc create by hand");
	root_is("/tmp/ctrroles/runc-root", "runc create by hand: --root");
	CLASSIFY_V("runc", "runc", "--root", "/tmp/ctrroles/runc-root", "exec", "-d", "--pid-file",
		   "/tmp/ctrroles/r1e.pid", "ctrroles-r1", "sleep", "999");
	ok(R->transient && strcmp(R->id, "ctrroles-r1") == 0,
	   "runc exec -d ID CMD: id is the first positional");

	/* runc(8): the id is the first positional; exec's arguments after it are the command's */
	CLASSIFY_V("runc", "runc", "kill", "web", "KILL");
	is_str(R->id, "web", "runc kill ID SIGNAL: id, not the signal");
	CLASSIFY_V("runc", "runc", "exec", "-t", "web", "sh", "-c", "--bundle", "x");
	ok(strcmp(R->id, "web") == 0 && !R->bundle && !R->transient,
	   "runc exec ID sh -c: the command's options");
	CLASSIFY_V("runc", "runc", "delete", "-f", "web");
	is_str(R->id, "web", "runc delete -f ID: -f is --force here");
	CLASSIFY_V("runc", "runc", "list", "-f", "json");
	ok(R->transient && !R->id, "runc list -f json: -f takes a value there");
	CLASSIFY_V("runc", "runc", "create", "web", "--bundle", "/b");
	ok(strcmp(R->id, "web") == 0 && strcmp(R->bundle, "/b") == 0,
	   "runc create ID --bundle: urfave reorders");
	CLASSIFY_V("runc", "/usr/sbin/runc", "run", "-d", "--bundle", "/b", "web");
	ok(R->transient && strcmp(R->id, "web") == 0, "runc run -d: exits after start");
	CLASSIFY_V("runc", "runc", "run", "web");
	ok(!R->transient, "runc run in the foreground: long-lived");
	CLASSIFY_V("runc", "runc", "--systemd-cgroup", "--root", "/run/docker/runtime-runc/moby",
		   "--log",
		   "/run/containerd/io.containerd.runtime.v2.task/moby/" WEB_ID "/log.json",
		   "--log-format", "json", "create", "--bundle",
		   "/run/containerd/io.containerd.runtime.v2.task/moby/" WEB_ID, "--pid-file",
		   "/run/containerd/io.containerd.runtime.v2.task/moby/" WEB_ID "/init.pid",
		   "--console-socket", "/tmp/pty2812/pty.sock", WEB_ID);
	ok(strcmp(R->id, WEB_ID) == 0, "runc create --console-socket: id");
	root_is("/run/docker/runtime-runc/moby", "runc under docker: --root");
	CLASSIFY_V("runc", "runc", "--root=/r", "state", "web");
	root_is("/r", "runc --root=");
	CLASSIFY_V("runc", "runc", "-root", "/r2", "events", "web");
	ok(!R->transient && strcmp(R->id, "web") == 0, "runc -root (Go flag) events: long-lived");
	root_is("/r2", "runc -root");
	CLASSIFY_V("runc", "runc", "--version");
	ok(R->role == CT_ROLE_RUNTIME && R->transient && !R->subcommand, "runc --version");
	CLASSIFY_V("runc", "runc", "--root");
	ok(R->role == CT_ROLE_RUNTIME && !R->root && !R->root_len && !R->subcommand,
	   "runc --root without a value");
	CLASSIFY_V("runc", "runc", "features");
	ok(R->transient && !R->id, "runc features");
	CLASSIFY_V("bash", "runc", "create", "x");
	ok(is_none(R), "argv runc, comm bash: not runc");
}

static void test_lxc(void)
{
	/* captured: lxc-start -P /tmp/ctrroles/lxc -n ctrroles-l1; lxc src/lxc/lxccontainer.c
	 * do_lxcapi_start(): setproctitle("[lxc monitor] %s %s", c->config_path, c->name) */
	CLASSIFY_V("lxc-start", "[lxc monitor] /tmp/ctrroles/lxc ctrroles-l1");
	is_int(R->role, CT_ROLE_ENGINE, "lxc monitor: engine");
	is_int(R->engine, CT_ENGINE_LXC, "lxc monitor: lxc");
	root_is("/tmp/ctrroles/lxc", "lxc monitor: lxcpath");
	is_str(R->name, "ctrroles-l1", "lxc monitor: name");
	ok(R->root == F.args[0] + 14, "lxc monitor: root points into argv[0]");
	/* captured: lxc-execute's monitor, and its container init (comm lxc-execute too) */
	CLASSIFY_V("lxc-execute", "[lxc monitor] /tmp/ctrroles/lxc ctrroles-l1x");
	ok(R->engine == CT_ENGINE_LXC && strcmp(R->name, "ctrroles-l1x") == 0,
	   "lxc-execute monitor");
	CLASSIFY_V("lxc-execute", "init");
	ok(is_none(R), "lxc-execute's container init: not the monitor");

	CLASSIFY_V("lxc monitor", "[lxc monitor] /var/lib/lxc web");
	ok(R->engine == CT_ENGINE_LXC && strcmp(R->name, "web") == 0,
	   "lxc monitor: default lxcpath");
	root_is("/var/lib/lxc", "lxc monitor: /var/lib/lxc");
	CLASSIFY_V("lxd", "[lxc monitor] /var/snap/lxd/common/lxd/containers c1");
	ok(R->engine == CT_ENGINE_LXC && strcmp(R->name, "c1") == 0, "LXD's monitor (comm lxd)");
	CLASSIFY_V("lxc-start", "[lxc monitor] /srv/my lxc web");
	root_is("/srv/my lxc", "lxc monitor: a space in the path");
	is_str(R->name, "web", "lxc monitor: name after the last space");
	static const char *const bad[] = {
		"[lxc monitor] ",
		"[lxc monitor] /var/lib/lxc",
		"[lxc monitor] /var/lib/lxc ",
		"[lxc monitor]  web",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		run("lxc-start", &bad[i], 1, 0);
		ok(R->engine == CT_ENGINE_LXC && !R->root && !R->root_len && !R->name,
		   "lxc monitor: malformed title %zu, no fields", i);
	}
	CLASSIFY_V("lxc-start", "[lxc monitor]", "/var/lib/lxc", "web");
	ok(is_none(R), "lxc monitor: the title is one argv string");
}

static void test_nspawn(void)
{
	/* systemd units/systemd-nspawn@.service.in */
	CLASSIFY_V("systemd-nspawn", "/usr/bin/systemd-nspawn", "--quiet", "--keep-unit", "--boot",
		   "--link-journal=try-guest", "--network-veth", "-U", "--settings=override",
		   "--machine=web");
	is_int(R->role, CT_ROLE_ENGINE, "nspawn: engine");
	is_int(R->engine, CT_ENGINE_NSPAWN, "nspawn: nspawn");
	is_str(R->name, "web", "nspawn: --machine=");
	root_is(NULL, "nspawn: no -D");
	CLASSIFY_V("systemd-nspawn", "systemd-nspawn", "-D", "/var/lib/machines/deb", "-b");
	root_is("/var/lib/machines/deb", "nspawn -D");
	is_str(R->name, "deb", "nspawn: machine named after the directory");
	CLASSIFY_V("systemd-nspawn", "systemd-nspawn", "-bD/srv/c1", "-M", "c1x");
	root_is("/srv/c1", "nspawn -bDVALUE cluster");
	is_str(R->name, "c1x", "nspawn -M");
	CLASSIFY_V("systemd-nspawn", "systemd-nspawn", "--bind", "-M", "-D", "/srv/x", "/bin/sh",
		   "-M", "evil");
	ok(strcmp(R->name, "x") == 0,
	   "nspawn: a value spelled -M, and the command's -M, are not the machine");
	CLASSIFY_V("systemd-nspawn", "systemd-nspawn", "--image=/var/lib/machines/f.raw", "-M",
		   "f");
	root_is("/var/lib/machines/f.raw", "nspawn --image=");
}

static void test_hostile(void)
{
	/* kernel threads and zombies have no argv */
	run("kthreadd", NULL, 0, CT_PROC_KTHREAD);
	ok(is_none(R), "kernel thread: none");
	run("dockerd", NULL, 0, 0);
	ok(is_none(R), "zombie dockerd, argc 0: none");
	CLASSIFY_V("runc:[2:INIT]", "runc", "init");
	F.p.flags = CT_PROC_KTHREAD;
	ct_classify(&F.p, &F.r);
	ok(is_none(R), "a kernel thread is never runc init");
	ct_classify(NULL, &F.r);
	ok(is_none(R), "NULL process: none");
	{
		struct ct_proc p = { .comm = "dockerd", .argv = NULL, .argc = 5 };
		struct ct_role_info r;

		ct_classify(&p, &r);
		ok(is_none(&r), "argc 5 with no argv array: none");
	}

	/* NULL entries (a hand-made snapshot), empty values, missing values */
	run("containerd-shim", ARGV("containerd-shim-runc-v2", NULL, "-id", NULL), 4, 0);
	ok(R->role == CT_ROLE_SHIM && !R->id && R->transient, "NULL entries read as empty strings");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "-namespace", "moby", "-id");
	ok(R->role == CT_ROLE_SHIM && !R->id && strcmp(R->engine_ns, "moby") == 0,
	   "shim: -id as the last arg");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "-namespace", "", "-id", "",
		   "-address", "");
	ok(!R->engine_ns && !R->id && !R->address && !R->transient,
	   "shim: empty values are absent");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "-id", "-address", "/x");
	ok(strcmp(R->id, "-address") == 0 && !R->address && R->transient &&
		   strcmp(R->subcommand, "/x") == 0,
	   "shim: like Go's flag, -id takes \"-address\", then /x ends the flags");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "--", "-id", "x");
	ok(!R->id && R->transient, "shim: after --, -id is a positional");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "-id=abc", "--namespace=k8s.io",
		   "-bogus", "-debug=true");
	ok(strcmp(R->id, "abc") == 0 && strcmp(R->engine_ns, "k8s.io") == 0 && !R->transient,
	   "shim: -flag=value, --flag=value, unknown flags");
	CLASSIFY_V("conmon", "conmon", "-c");
	ok(R->shim == CT_SHIM_CONMON && !R->id && R->engine == CT_ENGINE_UNKNOWN,
	   "conmon -c at the end");
	CLASSIFY_V("conmon", "conmon", "--cid=abc", "--cuuid", "def", "--exec", "--name=n1",
		   "--runtime", "/r");
	ok(R->shim == CT_SHIM_CONMON_EXEC && strcmp(R->id, "abc") == 0 &&
		   strcmp(R->exec_id, "def") == 0 && strcmp(R->name, "n1") == 0 &&
		   strcmp(R->runtime, "/r") == 0,
	   "conmon: long option spellings");
	CLASSIFY_V("conmon", "conmon", "--runtime-arg", "--root", "--runtime-arg", "/run/x", "-c",
		   "i");
	root_is("/run/x", "conmon: --runtime-arg --root split in two");
	CLASSIFY_V("conmon", "conmon", "--api-version", "-c", "i");
	ok(R->engine == CT_ENGINE_PODMAN && strcmp(R->id, "i") == 0,
	   "conmon: --api-version without a number");

	/* ports: strict decimal 1-65535, else 0 */
	static const struct {
		const char *v;
		int want;
	} ports[] = {
		{ "1", 1 },
		{ "65535", 65535 },
		{ "65536", 0 },
		{ "0", 0 },
		{ "-1", 0 },
		{ "+80", 0 },
		{ "80x", 0 },
		{ " 80", 0 },
		{ "0080", 0 },
		{ "", 0 },
		{ "0x50", 0 },
		{ "8_0", 0 },
		{ "99999999999999999999", 0 },
		{ "2147483648", 0 },
		{ "4294967376", 0 },
		{ "１", 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		CLASSIFY_V("docker-proxy", "docker-proxy", "-proto", "tcp", "-host-port",
			   ports[i].v, "-container-port", ports[i].v);
		ok(R->role == CT_ROLE_PROXY && R->host_port == ports[i].want &&
			   R->container_port == ports[i].want,
		   "port \"%s\" -> %d", ports[i].v, ports[i].want);
	}
	CLASSIFY_V("docker-proxy", "docker-proxy", "-host-port=8080", "--container-port=80");
	ok(R->host_port == 8080 && R->container_port == 80, "docker-proxy: -flag=value");
	CLASSIFY_V("docker-proxy", "docker-proxy", "-host-port");
	ok(R->role == CT_ROLE_PROXY && R->host_port == 0 && !R->proto,
	   "docker-proxy: -host-port at the end");
	CLASSIFY_V("docker-proxy", "docker-proxy", "-container-ip", "-host-port", "80");
	ok(strcmp(R->container_ip, "-host-port") == 0 && R->host_port == 0,
	   "docker-proxy: a flag's value that looks like a flag");

	/* comm against argv[0] */
	CLASSIFY_V("dockerd", "sleep", "1000");
	ok(is_none(R), "comm dockerd, argv sleep: none");
	CLASSIFY_V("python3", "/usr/bin/dockerd", "-H", "unix:///x");
	ok(is_none(R), "argv dockerd, comm python3 (exec -a): none");
	CLASSIFY_V("containerd-shim", "/bin/sh", "-c", "containerd-shim-runc-v2 -id x");
	ok(is_none(R), "comm containerd-shim, argv sh: none");
	CLASSIFY_V("containerd-shim", "/usr/bin/containerd-shim-runc-v2x", "-id", "x");
	ok(is_none(R), "a name that only starts like a shim's: none");
	run(NULL, ARGV("dockerd", "-H", "unix:///y"), 3, 0);
	ok(R->role == CT_ROLE_ENGINE && strcmp(R->socket, "/y") == 0, "comm unknown: argv decides");
	/* docker-in-docker: classified by argv; the resolver weighs where it runs */
	CLASSIFY_V("dockerd", "dockerd", "--host=unix:///var/run/docker.sock");
	ok(R->role == CT_ROLE_ENGINE && R->engine == CT_ENGINE_DOCKER,
	   "a dockerd inside a container: engine");
	CLASSIFY_V("containerd-shim", "containerd-shim-runc-v2", "-id",
		   "\x1b]0;pwned\x07\xe2\x80\xae", "-address", "/run/\n/x.sock");
	ok(R->id == F.args[2] && R->address == F.args[4],
	   "control bytes kept raw, pointing into argv");

	/* odd argv[0] */
	CLASSIFY_V("", "");
	ok(is_none(R), "empty argv[0]: none");
	CLASSIFY_V("dockerd", "/");
	ok(is_none(R), "argv[0] \"/\": none");
	CLASSIFY_V("dockerd", "dockerd/");
	ok(is_none(R), "argv[0] \"dockerd/\": none");
	CLASSIFY_V("dockerd", "dockerd", "-", "--", "-=", "--=", "-\xff", "--host");
	ok(R->role == CT_ROLE_ENGINE && !R->socket, "dockerd: junk options");
	CLASSIFY_V("runc", "runc", "-");
	ok(R->role == CT_ROLE_RUNTIME && strcmp(R->subcommand, "-") == 0,
	   "runc -: \"-\" is a positional");
	CLASSIFY_V("systemd-nspawn", "systemd-nspawn", "-D");
	ok(R->engine == CT_ENGINE_NSPAWN && !R->root && !R->name, "nspawn -D at the end");

	/* big: a megabyte id, and 100000 arguments */
	{
		size_t n = 100000;
		const char **v = xcalloc(n, sizeof(*v));
		char *big = xmalloc(1 << 20);

		memset(big, 'a', (1 << 20) - 1);
		big[(1 << 20) - 1] = '\0';
		v[0] = "containerd-shim-runc-v2";
		v[1] = "-id";
		v[2] = big;
		for (size_t i = 3; i < n; i++)
			v[i] = i % 2 ? "-debug" : "-namespace";
		run("containerd-shim", v, n, 0);
		ok(R->role == CT_ROLE_SHIM && R->id && strlen(R->id) == (1 << 20) - 1 &&
			   strcmp(R->engine_ns, "-debug") == 0 && !R->transient,
		   "100000 arguments, a 1 MiB id; each -namespace takes the next -debug as its "
		   "value");
		free(big);
		free(v);
	}
	fx_clear(&F);
}

int main(void)
{
	test_role_names();
	test_docker();
	test_containerd_shims();
	test_docker17();
	test_podman();
	test_crio();
	test_runc();
	test_lxc();
	test_nspawn();
	test_hostile();
	fx_clear(&F);
	return tap_done();
}
