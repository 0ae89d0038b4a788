/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resolver.  PPID links do not reconstruct the chain: shims, conmons
 * and LXC monitors daemonize.  What links them is evidence: the socket a
 * shim's -address names and which engine listens on it, the ids in argv,
 * the cgroup paths engines use, the pid namespace a process shares with a
 * container's init, and what the engines' APIs say.  Each link keeps the
 * sentence that justifies it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "collect-runtime.h"
#include "engine-containerd.h"
#include "engine-cri.h"
#include "engine-docker.h"
#include "jsonutil.h"
#include "resolve.h"
#include "util.h"

static const char *arena_printf(struct ct_arena *a, const char *fmt, ...) _printf_(2, 3);

static const char *arena_printf(struct ct_arena *a, const char *fmt, ...)
{
	va_list ap;
	char tmp[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return "";
	return ct_arena_strndup(a, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static bool is_hex_id(const char *s, size_t len)
{
	if (len < 12 || len > 128)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void anomaly(struct ct_world *w, const char *kind, int pid, ssize_t c, const char *msg);

/* ---- containers ---- */

/*
 * A container id is unique within its engine namespace only (containerd's
 * namespaces may each hold an id "web"): ns, when both sides know it, must
 * agree too.  One id may abbreviate the other (12-character docker ids).
 */
static ssize_t find_container(const struct ct_world *w, const char *id, const char *ns)
{
	size_t len = strlen(id);

	for (size_t i = 0; i < w->n_containers; i++) {
		const char *cid = w->containers[i].rec.id, *cns = w->containers[i].rec.engine_ns;
		size_t clen = strlen(cid);

		if (ns && cns && strcmp(ns, cns) != 0)
			continue;
		if (strncmp(cid, id, len < clen ? len : clen) == 0 && (len == clen || (len >= 12 && clen >= 12)))
			return (ssize_t)i;
	}
	return -1;
}

static ssize_t find_container_by_id(const struct ct_world *w, const char *id)
{
	return find_container(w, id, NULL);
}

static void add_source(struct ct_container *c, const char *source)
{
	for (size_t i = 0; i < c->n_sources; i++)
		if (strcmp(c->sources[i], source) == 0)
			return;
	if (c->n_sources < ARRAY_SIZE(c->sources))
		c->sources[c->n_sources++] = source;
}

/* A label the first source set keeps its value. */
static void kv_add_once(struct ct_container_rec *r, const char *key, const char *value)
{
	for (size_t i = 0; i < r->n_labels; i++)
		if (strcmp(r->labels[i].key, key) == 0)
			return;
	ct_kv_add(&r->labels, &r->n_labels, key, value);
}

static void set_str(char **dst, const char *src)
{
	if (!*dst && src && *src)
		*dst = xstrdup(src);
}

static ssize_t new_container(struct ct_world *w, const char *id, enum ct_engine_kind engine)
{
	struct ct_container *c;

	w->containers = xreallocarray(w->containers, w->n_containers + 1, sizeof(*w->containers));
	c = &w->containers[w->n_containers];
	*c = (struct ct_container){ .init = -1, .shim = -1, .engine = -1 };
	c->rec.id = xstrdup(id);
	c->rec.engine = engine;
	return (ssize_t)w->n_containers++;
}

/* Find or add the container (id, ns); identity fields fill in where still empty. */
static ssize_t upsert_container(struct ct_world *w, const char *id, const char *ns, enum ct_engine_kind engine,
				const char *source)
{
	ssize_t i = find_container(w, id, ns);
	struct ct_container *c;

	if (i < 0)
		i = new_container(w, id, engine);
	c = &w->containers[i];
	set_str(&c->rec.engine_ns, ns);
	/* Keep the longest id seen: the API's full id beats a cgroup's. */
	if (strlen(id) > strlen(c->rec.id)) {
		free(c->rec.id);
		c->rec.id = xstrdup(id);
	}
	if (c->rec.engine == CT_ENGINE_UNKNOWN || (c->rec.engine == CT_ENGINE_CONTAINERD && engine == CT_ENGINE_DOCKER))
		c->rec.engine = engine;
	add_source(c, source);
	return i;
}

static void merge_record(struct ct_world *w, const struct ct_container_rec *r)
{
	ssize_t i;
	struct ct_container *c;

	if (!r->id || !*r->id)
		return;
	i = upsert_container(w, r->id, r->engine_ns, r->engine, r->source ? r->source : "api");
	c = &w->containers[i];
	set_str(&c->rec.name, r->name);
	set_str(&c->rec.image, r->image);
	set_str(&c->rec.engine_ns, r->engine_ns);
	set_str(&c->rec.runtime, r->runtime);
	set_str(&c->rec.bundle, r->bundle);
	set_str(&c->rec.status, r->status);
	if (!c->rec.init_pid && r->init_pid > 0)
		c->rec.init_pid = r->init_pid;
	/* Labels from every source, the first one's value winning. */
	for (size_t k = 0; k < r->n_labels; k++) {
		bool have = false;

		for (size_t j = 0; j < c->rec.n_labels && !have; j++)
			have = strcmp(c->rec.labels[j].key, r->labels[k].key) == 0;
		if (!have)
			ct_kv_add(&c->rec.labels, &c->rec.n_labels, r->labels[k].key, r->labels[k].value);
	}
	if (!c->rec.n_ports && r->n_ports) {
		c->rec.ports = xcalloc(r->n_ports, sizeof(*c->rec.ports));
		for (size_t k = 0; k < r->n_ports; k++) {
			const struct ct_port *s = &r->ports[k];

			c->rec.ports[k] = (struct ct_port){
				.host_ip = s->host_ip ? xstrdup(s->host_ip) : NULL,
				.host_port = s->host_port,
				.container_ip = s->container_ip ? xstrdup(s->container_ip) : NULL,
				.container_port = s->container_port,
				.proto = s->proto ? xstrdup(s->proto) : NULL,
			};
		}
		c->rec.n_ports = r->n_ports;
	}
}

/*
 * Container ids in the cgroup paths engines create, for when nothing else
 * names the container: /docker/ID, docker-ID.scope, cri-containerd-ID.scope,
 * crio-ID.scope, libpod-ID.scope, /lxc.payload.NAME, machine-NAME.scope.
 */
static bool id_from_cgroup(const char *path, char *ret_id, size_t size, enum ct_engine_kind *ret_engine)
{
	static const struct {
		const char *prefix, *suffix;
		enum ct_engine_kind engine;
		bool hex;
	} pats[] = {
		{ "docker-", ".scope", CT_ENGINE_DOCKER, true },
		{ "cri-containerd-", ".scope", CT_ENGINE_CONTAINERD, true },
		{ "crio-", ".scope", CT_ENGINE_CRIO, true },
		{ "libpod-", ".scope", CT_ENGINE_PODMAN, true },
		{ "libpod-", "", CT_ENGINE_PODMAN, true },
		{ "lxc.payload.", "", CT_ENGINE_LXC, false },
		{ "machine-", ".scope", CT_ENGINE_NSPAWN, false },
	};
	const char *slash;

	/* /docker/ID: the component after "docker". */
	for (const char *p = path; (slash = strchr(p, '/')); p = slash + 1) {
		const char *next = slash + 1, *end = strchrnul(next, '/');

		if (slash - p == 6 && strncmp(p, "docker", 6) == 0 && is_hex_id(next, (size_t)(end - next)) &&
		    (size_t)(end - next) < size) {
			memcpy(ret_id, next, (size_t)(end - next));
			ret_id[end - next] = '\0';
			*ret_engine = CT_ENGINE_DOCKER;
			return true;
		}
	}
	/* The other patterns name the last component (systemd may nest further). */
	for (const char *p = path; *p;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		for (size_t k = 0; k < ARRAY_SIZE(pats); k++) {
			size_t pl = strlen(pats[k].prefix), sl = strlen(pats[k].suffix);

			if (len <= pl + sl || strncmp(p, pats[k].prefix, pl) != 0 ||
			    strncmp(end - sl, pats[k].suffix, sl) != 0)
				continue;
			const char *id = p + pl;
			size_t idlen = len - pl - sl;

			if ((pats[k].hex && !is_hex_id(id, idlen)) || idlen >= size || idlen == 0)
				continue;
			memcpy(ret_id, id, idlen);
			ret_id[idlen] = '\0';
			*ret_engine = pats[k].engine;
			return true;
		}
		p = *end ? end + 1 : end;
	}
	return false;
}

/*
 * Does the cgroup path name this container: through an engine's pattern
 * (docker-ID.scope, /docker/ID, ...) or as a whole path component (runc's
 * and ctr's /ID, /NS/ID)?  Never as a mere substring: a short name would
 * match unrelated cgroups.
 */
static bool cgroup_names(const char *cg, const char *id)
{
	enum ct_engine_kind e;
	char found[129];
	size_t idlen = strlen(id);

	if (!cg || !*id)
		return false;
	if (id_from_cgroup(cg, found, sizeof(found), &e)) {
		size_t fl = strlen(found);

		if (strncmp(found, id, fl < idlen ? fl : idlen) == 0 && (fl == idlen || (fl >= 12 && idlen >= 12)))
			return true;
	}
	for (const char *p = cg; *p;) {
		const char *end = strchrnul(p, '/');

		if ((size_t)(end - p) == idlen && strncmp(p, id, idlen) == 0)
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

/* The innermost pid: 1 means the process is its pid namespace's init. */
static int inner_pid(const struct ct_proc *p)
{
	return p->n_nspid ? p->nspid[p->n_nspid - 1] : p->pid;
}

static bool same_ns(const struct ct_proc *a, const struct ct_proc *b, enum ct_ns_type t)
{
	return ct_ns_known(&a->ns[t]) && ct_ns_equal(&a->ns[t], &b->ns[t]);
}

static bool in_host_pidns(const struct ct_snapshot *s, const struct ct_proc *p)
{
	return !ct_ns_known(&p->ns[CT_NS_PID]) || !ct_ns_known(&s->host.host_ns[CT_NS_PID]) ||
	       ct_ns_equal(&p->ns[CT_NS_PID], &s->host.host_ns[CT_NS_PID]);
}

static size_t kparent(const struct ct_snapshot *s, size_t i)
{
	ssize_t k = s->procs[i].ppid > 0 ? ct_snapshot_find(s, s->procs[i].ppid) : -1;

	return k < 0 || (size_t)k == i ? CT_NONE : (size_t)k;
}

static bool is_long_lived_shim(const struct ct_role_info *r)
{
	return r->role == CT_ROLE_SHIM && !r->transient && r->shim != CT_SHIM_CONMON_EXEC;
}

static enum ct_engine_kind shim_engine(const struct ct_role_info *r)
{
	switch (r->shim) {
	case CT_SHIM_DOCKER_17:
		return CT_ENGINE_DOCKER;
	case CT_SHIM_CONMON:
	case CT_SHIM_CONMON_EXEC:
		return r->engine == CT_ENGINE_CRIO ? CT_ENGINE_CRIO : CT_ENGINE_PODMAN;
	default:
		if (r->engine_ns && strcmp(r->engine_ns, "moby") == 0)
			return CT_ENGINE_DOCKER;
		return r->engine == CT_ENGINE_UNKNOWN ? CT_ENGINE_CONTAINERD : r->engine;
	}
}

/* Has the shim a child that is PID 1 of a pid namespace other than its own? */
static bool shim_has_init(const struct ct_world *w, size_t shim)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++)
		if (kparent(s, i) == shim && inner_pid(&s->procs[i]) == 1 &&
		    !same_ns(&s->procs[i], &s->procs[shim], CT_NS_PID))
			return true;
	return false;
}

/* Containers named by shims, conmons and LXC monitors, and their inits. */
static void containers_from_supervisors(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];
		bool monitor = r->role == CT_ROLE_ENGINE && r->engine == CT_ENGINE_LXC && r->name;
		ssize_t c = -1;

		if (!is_long_lived_shim(r) && !monitor)
			continue;
		if (monitor) {
			/* The same name may run under two lxcpaths: the path is its namespace. */
			const char *lxcpath = r->root ? ct_arena_strndup(&w->arena, r->root, r->root_len) : NULL;

			c = upsert_container(w, r->name, lxcpath, CT_ENGINE_LXC, "lxc-monitor-argv");
		}
		else if (r->id)
			c = upsert_container(w, r->id, r->engine_ns, shim_engine(r),
					     r->shim == CT_SHIM_CONMON ? "conmon-argv" : "shim-argv");
		if (c >= 0) {
			struct ct_container *ct = &w->containers[c];

			/* Several shims may name one id (docker 17.x starts one per
			 * exec): the container's is the one above its PID 1. */
			if (ct->shim >= 0 && !shim_has_init(w, (size_t)i))
				continue;
			ct->shim = (ssize_t)i;
			if (r->shim == CT_SHIM_CONMON)
				set_str(&ct->rec.name, r->name);
			else if (monitor)
				set_str(&ct->rec.name, r->name);
			set_str(&ct->rec.engine_ns, r->engine_ns);
			set_str(&ct->rec.bundle, r->bundle);
			set_str(&ct->rec.runtime, r->runtime);
		}
	}
}

/*
 * runc's state.json (and crun's, which keeps the same fields): the
 * container's id and its init's pid and start time.  A pid whose start time
 * differs is another process now: the state is stale, not the container's.
 */
/* Is the process's freezer cgroup frozen (v1 freezer.state FROZEN or
 * FREEZING, cgroup2 cgroup.freeze 1), as read next to its state? */
static bool frozen(const struct ct_snapshot *s, const struct ct_proc *p)
{
	for (size_t i = 0; i < p->n_cgroups; i++) {
		const struct ct_cgroup_line *l = &p->cgroups[i];
		bool v2 = l->hierarchy == 0 && !l->controllers[0];
		char want[4096];

		if (!v2 && !strstr(l->controllers, "freezer"))
			continue;
		/* The same path collect-runtime.c read. */
		if (snprintf(want, sizeof(want), "%s%s/%s",
			     v2 ? (s->host.cgroup_mode == CT_CGROUP_UNIFIED ? "/sys/fs/cgroup" : "/sys/fs/cgroup/unified") :
				  "/sys/fs/cgroup/freezer",
			     strcmp(l->path, "/") == 0 ? "" : l->path, v2 ? "cgroup.freeze" : "freezer.state") >=
		    (int)sizeof(want))
			continue;
		for (size_t f = 0; f < s->n_files; f++) {
			const char *d = s->files[f].data;

			if (!d || strcmp(s->files[f].path, want) != 0)
				continue;
			if ((v2 && d[0] == '1') || (!v2 && (strncmp(d, "FROZEN", 6) == 0 || strncmp(d, "FREEZING", 8) == 0)))
				return true;
		}
	}
	return false;
}

/* ROOT/ID/exec.fifo exists exactly while a runc or crun container is
 * created and not started. */
static bool has_exec_fifo(const struct ct_snapshot *s, const char *state_path)
{
	const char *slash = strrchr(state_path, '/');
	size_t dl = slash ? (size_t)(slash - state_path) : 0;

	for (size_t f = 0; f < s->n_files && dl; f++) {
		const char *p = s->files[f].path;

		if (s->files[f].error == 0 && strncmp(p, state_path, dl) == 0 && strcmp(p + dl, "/exec.fifo") == 0)
			return true;
	}
	return false;
}

static void containers_from_state(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t f = 0; f < s->n_files; f++) {
		const struct ct_state_file *sf = &s->files[f];
		struct json_object *root = NULL, *v;
		const char *why, *slash;
		char id[256];
		uint64_t pid = 0, start = 0;
		enum ct_engine_kind engine;
		bool crun;
		ssize_t c, k;

		if (!sf->data || !(slash = strrchr(sf->path, '/')) ||
		    (strcmp(slash, "/state.json") != 0 && strcmp(slash, "/status") != 0))
			continue;
		crun = strcmp(slash, "/status") == 0;
		if (ct_json_parse_buf(sf->data, sf->len, &root, &why) < 0)
			continue;
		/* runc: {"id", "init_process_pid", "init_process_start"}; crun's
		 * status: {"pid", "process-start-time"}, the id is its directory. */
		v = ct_json_get(root, "id");
		if (v && json_object_is_type(v, json_type_string)) {
			snprintf(id, sizeof(id), "%s", json_object_get_string(v));
		} else {
			const char *d = slash;

			while (d > sf->path && d[-1] != '/')
				d--;
			snprintf(id, sizeof(id), "%.*s", (int)(slash - d), d);
		}
		if (!id[0] ||
		    ct_json_get_u64(ct_json_get(root, crun ? "pid" : "init_process_pid"), &pid) < 0 ||
		    pid == 0 || pid > INT32_MAX) {
			json_object_put(root);
			continue;
		}
		ct_json_get_u64(ct_json_get(root, crun ? "process-start-time" : "init_process_start"), &start);
		/* Whose runtime root is it?  docker's and containerd's name the engine
		 * (and containerd's the namespace: /run/containerd/runc/NS/ID). */
		char ns[256] = "";
		bool managed = false;

		engine = crun ? CT_ENGINE_CRUN : CT_ENGINE_RUNC;
		if (strncmp(sf->path, "/run/docker/runtime-runc/moby/", 30) == 0) {
			engine = CT_ENGINE_DOCKER;
			snprintf(ns, sizeof(ns), "moby");
			managed = true;
		} else if (strncmp(sf->path, "/run/containerd/runc/", 21) == 0) {
			const char *n = sf->path + 21, *e = strchr(n, '/');

			if (e && (size_t)(e - n) < sizeof(ns)) {
				snprintf(ns, sizeof(ns), "%.*s", (int)(e - n), n);
				engine = strcmp(ns, "moby") == 0 ? CT_ENGINE_DOCKER : CT_ENGINE_CONTAINERD;
				managed = true;
			}
		}
		c = find_container(w, id, ns[0] ? ns : NULL);
		if (c < 0) {
			c = upsert_container(w, id, ns[0] ? ns : NULL, engine, crun ? "crun-state" : "runc-state");
			/* Only runtime-run containers get their id as name: an engine's have names of their own. */
			if (!managed)
				set_str(&w->containers[c].rec.name, id);
		} else {
			add_source(&w->containers[c], crun ? "crun-state" : "runc-state");
		}
		set_str(&w->containers[c].rec.runtime, crun ? "crun" : "runc");
		k = ct_snapshot_find(s, (int)pid);
		if (k >= 0 && (!start || s->procs[k].start_time == start) &&
		    (s->procs[k].state == 'Z' || s->procs[k].state == 'X')) {
			/* Dead, not yet reaped: stopped, as runc and crun say. */
			set_str(&w->containers[c].rec.status, "stopped");
		} else if (k >= 0 && (!start || s->procs[k].start_time == start)) {
			w->containers[c].rec.init_pid = (int)pid;
			/* Created, not started: runc init waits, blocked, for "runc start".
			 * (state.json has no status: an engine's own word on paused and
			 * running wins, so only runtime-run containers get one here.) */
			if (w->roles[k].role == CT_ROLE_RUNTIME_INIT || has_exec_fifo(s, sf->path))
				set_str(&w->containers[c].rec.status, "created");
			else if (!managed && frozen(s, &s->procs[k]))
				set_str(&w->containers[c].rec.status, "paused");
			else if (!managed)
				set_str(&w->containers[c].rec.status, "running");
		} else {
			set_str(&w->containers[c].rec.status, "stopped");
			anomaly(w, k >= 0 ? "state-pid-reused" : "state-pid-dead", (int)pid, c,
				arena_printf(&w->arena, "%s names init pid %" PRIu64 ", which %s", sf->path, pid,
					     k >= 0 ? "is another process now (start time differs)" : "is gone"));
		}
		json_object_put(root);
	}
}

/* dockerd's own records, read when its API did not answer. */
static void containers_from_docker_records(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t f = 0; f < s->n_files; f++) {
		const struct ct_state_file *sf = &s->files[f];
		struct json_object *root = NULL, *cfg, *v;
		const char *why, *slash = sf->path ? strrchr(sf->path, '/') : NULL;
		ssize_t c;

		if (!sf->data || !slash || strcmp(slash, "/config.v2.json") != 0 ||
		    ct_json_parse_buf(sf->data, sf->len, &root, &why) < 0)
			continue;
		v = ct_json_get(root, "ID");
		if (!v || !json_object_is_type(v, json_type_string) ||
		    !is_hex_id(json_object_get_string(v), (size_t)json_object_get_string_len(v))) {
			json_object_put(root);
			continue;
		}
		c = upsert_container(w, json_object_get_string(v), "moby", CT_ENGINE_DOCKER, "docker-state");
		v = ct_json_get(root, "Name");
		if (v && json_object_is_type(v, json_type_string)) {
			const char *n = json_object_get_string(v);

			set_str(&w->containers[c].rec.name, n[0] == '/' ? n + 1 : n);
		}
		cfg = ct_json_get(root, "Config");
		v = ct_json_get(cfg, "Image");
		if (v && json_object_is_type(v, json_type_string))
			set_str(&w->containers[c].rec.image, json_object_get_string(v));
		v = ct_json_get(cfg, "Labels");
		if (v && json_object_is_type(v, json_type_object) && !w->containers[c].rec.n_labels) {
			json_object_object_foreach(v, key, val)
				if (json_object_is_type(val, json_type_string))
					ct_kv_add(&w->containers[c].rec.labels, &w->containers[c].rec.n_labels, key,
						  json_object_get_string(val));
		}
		json_object_put(root);
	}
}

static bool under_lxc_monitor(const struct ct_world *w, size_t i)
{
	size_t a = kparent(w->snap, i);

	for (unsigned hops = 0; a != CT_NONE && hops < 64; hops++, a = kparent(w->snap, a))
		if (w->roles[a].role == CT_ROLE_ENGINE && w->roles[a].engine == CT_ENGINE_LXC)
			return true;
	return false;
}

/* LXCPATH/NAME/config of each LXC container: where it lives, its rootfs. */
static void lxc_configs(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t c = 0; c < w->n_containers; c++) {
		struct ct_container *ct = &w->containers[c];
		char want[4096];

		if (ct->rec.engine != CT_ENGINE_LXC || !ct->rec.engine_ns ||
		    snprintf(want, sizeof(want), "%s/%s/config", ct->rec.engine_ns, ct->rec.id) >= (int)sizeof(want))
			continue;
		for (size_t f = 0; f < s->n_files; f++) {
			const struct ct_state_file *sf = &s->files[f];

			if (!sf->data || strcmp(sf->path, want) != 0)
				continue;
			set_str(&ct->rec.bundle, want);
			for (const char *l = sf->data; *l;) {
				const char *nl = strchrnul(l, '\n'), *eq = memchr(l, '=', (size_t)(nl - l));

				if (eq && strncmp(l, "lxc.rootfs.path", 15) == 0 && strspn(l + 15, " ") == (size_t)(eq - l - 15)) {
					const char *v = eq + 1;
					char val[4096];

					while (v < nl && *v == ' ')
						v++;
					snprintf(val, sizeof(val), "%.*s", (int)(nl - v), v);
					kv_add_once(&ct->rec, "lxc.rootfs.path", val);
					add_source(ct, "lxc-config");
				}
				l = *nl ? nl + 1 : nl;
			}
		}
	}
}

/* Containers named only by their cgroup path. */
static void containers_from_cgroups(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		const char *cg = ct_proc_main_cgroup(&s->procs[i]);
		enum ct_engine_kind engine;
		char id[129];

		if (!cg || (s->procs[i].flags & CT_PROC_THREAD) || !id_from_cgroup(cg, id, sizeof(id), &engine))
			continue;
		/* LXC names its cgroup lxc.payload.NAME-1 when NAME is taken: the
		 * monitor above the process names the container, not the cgroup. */
		if (engine == CT_ENGINE_LXC && under_lxc_monitor(w, i))
			continue;
		upsert_container(w, id, NULL, engine, "cgroup-path");
	}
}

/* containerd's task directory .../NS/ID/init.pid, read beside the bundle. */
static ssize_t init_from_task_dir(const struct ct_world *w, const struct ct_container *ct)
{
	const struct ct_snapshot *s = w->snap;
	size_t il = strlen(ct->rec.id);

	for (size_t f = 0; f < s->n_files; f++) {
		const struct ct_state_file *sf = &s->files[f];
		size_t pl = strlen(sf->path);
		int pid;
		ssize_t k;

		if (!sf->data || pl < il + 10 || strcmp(sf->path + pl - 9, "/init.pid") != 0 ||
		    strncmp(sf->path + pl - 9 - il, ct->rec.id, il) != 0 || sf->path[pl - 10 - il] != '/')
			continue;
		if (ct_parse_pid(sf->data, strcspn(sf->data, "\n"), &pid) < 0 || (k = ct_snapshot_find(s, pid)) < 0)
			continue;
		return k;
	}
	return -1;
}

/*
 * The init of each container: the API's pid when it is alive, else the
 * child of its shim that is PID 1 of its own pid namespace (several
 * containers may share one shim: match by cgroup path), else the process
 * of its cgroup that is PID 1 there, else its oldest.
 */
static void find_inits(struct ct_world *w, size_t first)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t c = first; c < w->n_containers; c++) {
		struct ct_container *ct = &w->containers[c];
		ssize_t best = -1;

		if (ct->rec.init_pid > 0) {
			ssize_t k = ct_snapshot_find(s, ct->rec.init_pid);

			if (k >= 0) {
				size_t kp = kparent(s, (size_t)k);

				ct->init = k;
				/* Several containers may share one shim (pods, runc.v2 groups). */
				if (ct->shim < 0 && kp != CT_NONE && is_long_lived_shim(&w->roles[kp]))
					ct->shim = (ssize_t)kp;
				continue;
			}
		}
		for (size_t i = 0; i < s->n_procs && best < 0; i++) {
			const struct ct_proc *p = &s->procs[i];
			const char *cg = ct_proc_main_cgroup(p);
			bool in_cgroup = cgroup_names(cg, ct->rec.id);
			bool child_of_shim = ct->shim >= 0 && kparent(s, i) == (size_t)ct->shim;

			if (p->flags & CT_PROC_THREAD)
				continue;
			if (w->roles[i].role == CT_ROLE_RUNTIME || w->roles[i].role == CT_ROLE_RUNTIME_INIT)
				continue;
			if (child_of_shim && (in_cgroup || inner_pid(p) == 1) &&
			    !same_ns(p, &s->procs[ct->shim], CT_NS_PID))
				best = (ssize_t)i;
			else if (ct->shim < 0 && in_cgroup && inner_pid(p) == 1)
				best = (ssize_t)i;
		}
		if (best < 0 && ct->shim >= 0) {
			/* A shared shim (pods, runc.v2 group): its only pid-ns child. */
			for (size_t i = 0; i < s->n_procs; i++)
				if (kparent(s, i) == (size_t)ct->shim && !(s->procs[i].flags & CT_PROC_THREAD) &&
				    w->roles[i].role != CT_ROLE_RUNTIME && w->roles[i].role != CT_ROLE_RUNTIME_INIT &&
				    !same_ns(&s->procs[i], &s->procs[ct->shim], CT_NS_PID)) {
					const char *cg = ct_proc_main_cgroup(&s->procs[i]);
					enum ct_engine_kind e;
					char id[129];

					/* Not if its cgroup names another container. */
					if (cg && id_from_cgroup(cg, id, sizeof(id), &e) && !strstr(ct->rec.id, id) &&
					    !strstr(id, ct->rec.id))
						continue;
					best = (ssize_t)i;
					break;
				}
		}
		if (best < 0)
			best = init_from_task_dir(w, ct);
		if (best < 0 && !(ct->rec.status && strcmp(ct->rec.status, "stopped") == 0)) {
			/* Oldest process of its cgroup (e.g. --pid host, no NSpid of 1). */
			for (size_t i = 0; i < s->n_procs; i++) {
				const char *cg = ct_proc_main_cgroup(&s->procs[i]);

				if (!cgroup_names(cg, ct->rec.id) || (s->procs[i].flags & CT_PROC_THREAD))
					continue;
				if (best < 0 || s->procs[i].start_time < s->procs[best].start_time)
					best = (ssize_t)i;
			}
		}
		ct->init = best;
		if (best >= 0 && ct->shim < 0) {
			size_t kp = kparent(s, (size_t)best);

			if (kp != CT_NONE && (is_long_lived_shim(&w->roles[kp]) ||
					      (w->roles[kp].role == CT_ROLE_ENGINE && w->roles[kp].engine == CT_ENGINE_LXC)))
				ct->shim = (ssize_t)kp;
		}
	}
}

/* A container's key for its members: its init's pid namespace or cgroup. */
struct member_key {
	struct ct_ns_id ns;
	const char *cg;
	size_t c;
};

static int cmp_ns_key(const void *a, const void *b)
{
	const struct member_key *x = a, *y = b;

	if (x->ns.ino != y->ns.ino)
		return x->ns.ino < y->ns.ino ? -1 : 1;
	if (x->ns.dev != y->ns.dev)
		return x->ns.dev < y->ns.dev ? -1 : 1;
	return (x->c > y->c) - (x->c < y->c);
}

static int cmp_cg_key(const void *a, const void *b)
{
	const struct member_key *x = a, *y = b;
	int r = strcmp(x->cg, y->cg);

	return r ? r : (x->c > y->c) - (x->c < y->c);
}

/* The lowest container of keys (sorted by cmp) whose key equals want's, or CT_NONE. */
static size_t first_with_key(const struct member_key *keys, size_t n, const struct member_key *want,
			     int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	/* want has c = 0: the first entry not below it is the lowest c of its key. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp(&keys[mid], want) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && (cmp == cmp_ns_key ? ct_ns_equal(&keys[lo].ns, &want->ns) : strcmp(keys[lo].cg, want->cg) == 0))
		return keys[lo].c;
	return CT_NONE;
}

/*
 * Members of the containers from first on: the processes that share the
 * init's pid namespace (when it is not the host's) or its cgroup; where
 * several containers would take a process, the first one does.  Two
 * sorted key arrays and a binary search per process: a host of 10,000
 * processes in a few hundred containers is not walked once per container.
 */
static void assign_by_init(struct ct_world *w, size_t first)
{
	const struct ct_snapshot *s = w->snap;
	size_t n = w->n_containers - first, n_ns = 0, n_cg = 0;
	_cleanup_free_ struct member_key *by_ns = xcalloc(n ? n : 1, sizeof(*by_ns));
	_cleanup_free_ struct member_key *by_cg = xcalloc(n ? n : 1, sizeof(*by_cg));

	for (size_t c = first; c < w->n_containers; c++) {
		const struct ct_container *ct = &w->containers[c];
		const struct ct_proc *init;
		const char *icg;

		if (ct->init < 0)
			continue;
		init = &s->procs[ct->init];
		if (!in_host_pidns(s, init) && ct_ns_known(&init->ns[CT_NS_PID]))
			by_ns[n_ns++] = (struct member_key){ .ns = init->ns[CT_NS_PID], .c = c };
		/* Nothing says an unnamed container has a cgroup of its own. */
		icg = strcmp(ct->sources[0], "uts-hostname") == 0 ? NULL : ct_proc_main_cgroup(init);
		if (icg && strcmp(icg, "/") != 0)
			by_cg[n_cg++] = (struct member_key){ .cg = icg, .c = c };
	}
	qsort(by_ns, n_ns, sizeof(*by_ns), cmp_ns_key);
	qsort(by_cg, n_cg, sizeof(*by_cg), cmp_cg_key);
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_proc *p = &s->procs[i];
		struct member_key want = { .ns = p->ns[CT_NS_PID], .cg = ct_proc_main_cgroup(p) };
		size_t a = CT_NONE, b = CT_NONE;

		if (w->container[i] >= 0)
			continue;
		if (n_ns && ct_ns_known(&want.ns))
			a = first_with_key(by_ns, n_ns, &want, cmp_ns_key);
		if (n_cg && want.cg && w->roles[i].role != CT_ROLE_SHIM)
			b = first_with_key(by_cg, n_cg, &want, cmp_cg_key);
		if (a != CT_NONE || b != CT_NONE)
			w->container[i] = (ssize_t)(a < b ? a : b);
	}
}

/*
 * Members: the processes that share the init's pid namespace (when it is
 * not the host's) or its cgroup.  A member inherits the container; the
 * init's own cgroup path decides for --pid host containers.
 */
static void assign_members(struct ct_world *w, size_t first)
{
	const struct ct_snapshot *s = w->snap;

	/* First the processes whose own cgroup names their container: in a pod
	 * that shares one pid namespace, this is what tells members apart. */
	for (size_t i = 0; i < s->n_procs && first == 0; i++) {
		const char *cg = ct_proc_main_cgroup(&s->procs[i]);
		enum ct_engine_kind e;
		char id[129];
		ssize_t c;

		if (!cg || (s->procs[i].flags & CT_PROC_THREAD) || w->roles[i].role == CT_ROLE_SHIM ||
		    !id_from_cgroup(cg, id, sizeof(id), &e) || e == CT_ENGINE_LXC)
			continue;
		c = find_container_by_id(w, id);
		if (c >= 0)
			w->container[i] = c;
	}
	assign_by_init(w, first);
}

/* The hostname collect-uts.c found in a UTS namespace, or NULL. */
static const char *uts_hostname(const struct ct_snapshot *s, uint64_t ino)
{
	char path[64];

	snprintf(path, sizeof(path), CT_UTS_HOSTNAME_FMT, (unsigned long long)ino);
	for (size_t f = 0; f < s->n_files; f++)
		if (s->files[f].data && strcmp(s->files[f].path, path) == 0)
			return s->files[f].data;
	return NULL;
}

/*
 * Last: the init of a pid namespace, in its own UTS and mount namespaces,
 * that no source put in a container is a container nobody named (runc or
 * crun under a private --root once they exited; a hand-made unshare).  Its
 * UTS hostname is all that names it.  Returns where the new ones start.
 */
static size_t containers_from_hostnames(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;
	size_t first = w->n_containers;

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_proc *p = &s->procs[i];
		enum ct_role role = w->roles[i].role;
		const char *name;
		ssize_t c;

		if (w->container[i] >= 0 || (p->flags & CT_PROC_THREAD) || in_host_pidns(s, p) || inner_pid(p) != 1 ||
		    role == CT_ROLE_ENGINE || role == CT_ROLE_SHIM || role == CT_ROLE_RUNTIME ||
		    role == CT_ROLE_RUNTIME_INIT || !ct_ns_known(&p->ns[CT_NS_UTS]) ||
		    ct_ns_equal(&p->ns[CT_NS_UTS], &s->host.host_ns[CT_NS_UTS]) ||
		    ct_ns_equal(&p->ns[CT_NS_MNT], &s->host.host_ns[CT_NS_MNT]))
			continue;
		name = uts_hostname(s, p->ns[CT_NS_UTS].ino);
		if (!name || !*name)
			continue;
		/* Unnamed containers may share a hostname ("runc" from runc spec):
		 * never merge two; the init's pid tells the second apart. */
		c = new_container(w, find_container_by_id(w, name) < 0 ? name : arena_printf(&w->arena, "%s.%d", name, p->pid),
				  CT_ENGINE_UNKNOWN);
		add_source(&w->containers[c], "uts-hostname");
		set_str(&w->containers[c].rec.name, name);
		w->containers[c].rec.init_pid = p->pid;
		w->container[i] = c;
	}
	return first;
}

static void count_members(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++)
		if (w->container[i] >= 0 && !(s->procs[i].flags & CT_PROC_THREAD))
			w->containers[w->container[i]].n_members++;
}

/* ---- pods ---- */

static const char *annotation(struct json_object *ann, const char *a, const char *b)
{
	struct json_object *v = ct_json_get(ann, a);

	if (!v && b)
		v = ct_json_get(ann, b);
	return v && json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0 ?
		       json_object_get_string(v) : NULL;
}

/* CRI annotations in the OCI bundles (containerd's and CRI-O's spellings). */
static void pods_from_bundles(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t f = 0; f < s->n_files; f++) {
		const struct ct_state_file *sf = &s->files[f];
		struct json_object *root = NULL, *ann;
		const char *why, *end, *b, *v;
		char id[256];
		ssize_t c;
		size_t len;

		if (!sf->data || !(end = strrchr(sf->path, '/')) || strcmp(end, "/config.json") != 0)
			continue;
		/* .../ID/config.json, or podman and CRI-O's .../ID/userdata/config.json */
		b = end;
		while (b > sf->path && b[-1] != '/')
			b--;
		if ((size_t)(end - b) == 8 && strncmp(b, "userdata", 8) == 0 && b - 1 > sf->path) {
			end = b - 1;
			b = end;
			while (b > sf->path && b[-1] != '/')
				b--;
		}
		len = (size_t)(end - b);
		if (len == 0 || len >= sizeof(id))
			continue;
		memcpy(id, b, len);
		id[len] = '\0';
		if ((c = find_container_by_id(w, id)) < 0 || ct_json_parse_buf(sf->data, sf->len, &root, &why) < 0)
			continue;
		ann = ct_json_get(root, "annotations");
		if (ann && json_object_is_type(ann, json_type_object)) {
			struct ct_container *ct = &w->containers[c];
			const char *type = annotation(ann, "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType");
			const char *sandbox = annotation(ann, "io.kubernetes.cri.sandbox-id", "io.kubernetes.cri-o.SandboxID");
			const char *manager = annotation(ann, "io.container.manager", NULL);

			/* podman writes CRI-O's annotations too, with its infra
			 * container's id as SandboxID: its pod id is in the cgroup. */
			if (manager && strcmp(manager, "libpod") == 0)
				type = sandbox = NULL;

			if (type && strcmp(type, "sandbox") == 0 && !sandbox)
				sandbox = ct->rec.id;
			if (sandbox) {
				ct->pod.id = ct_arena_strdup(&w->arena, sandbox);
				ct->pod.source = "bundle-annotations";
				if ((v = annotation(ann, "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name")))
					ct->pod.name = ct_arena_strdup(&w->arena, v);
				if ((v = annotation(ann, "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace")))
					ct->pod.ns = ct_arena_strdup(&w->arena, v);
				if ((v = annotation(ann, "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid")))
					ct->pod.uid = ct_arena_strdup(&w->arena, v);
			}
			if ((v = annotation(ann, "io.kubernetes.cri.container-name", "io.kubernetes.container.name")))
				set_str(&ct->rec.name, v);
			if ((v = annotation(ann, "io.containerd.runc.v2.group", NULL)))
				kv_add_once(&ct->rec, "io.containerd.runc.v2.group", v);
			add_source(ct, "bundle-annotations");
		}
		json_object_put(root);
	}
}

/* "k8s_CONTAINER_POD_NAMESPACE_UID_ATTEMPT", the name CRI-O gives conmon (-n). */
static bool parse_k8s_name(const char *n, char *ctr, char *pod, char *ns, char *uid, size_t size)
{
	char *parts[6];
	_cleanup_free_ char *copy = NULL;
	size_t k = 0;

	if (!n || strncmp(n, "k8s_", 4) != 0)
		return false;
	copy = xstrdup(n + 4);
	for (char *p = copy, *save = NULL, *t; k < 6 && (t = strtok_r(p, "_", &save)); p = NULL)
		parts[k++] = t;
	/* The container name may not hold '_'; POD is the infra container. */
	if (k != 5 || strlen(parts[0]) >= size || strlen(parts[1]) >= size || strlen(parts[2]) >= size ||
	    strlen(parts[3]) >= size)
		return false;
	strcpy(ctr, parts[0]);
	strcpy(pod, parts[1]);
	strcpy(ns, parts[2]);
	strcpy(uid, parts[3]);
	return true;
}

static void find_pods(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	pods_from_bundles(w);
	for (size_t c = 0; c < w->n_containers; c++) {
		struct ct_container *ct = &w->containers[c];
		char cn[256], pod[256], ns[256], uid[256];

		if (ct->pod.id)
			continue;
		if (ct->shim >= 0 && !ct->rec.engine_ns && w->roles[ct->shim].engine_ns)
			set_str(&ct->rec.engine_ns, w->roles[ct->shim].engine_ns);
		/* containerd's CRI runs a pod's containers under the sandbox's shim. */
		if (ct->shim >= 0 && w->roles[ct->shim].id && w->roles[ct->shim].shim != CT_SHIM_CONMON &&
		    w->roles[ct->shim].engine_ns && strcmp(w->roles[ct->shim].engine_ns, "k8s.io") == 0) {
			ct->pod.id = w->roles[ct->shim].id;
			ct->pod.source = "shared-shim";
			continue;
		}
		/* CRI-O: the pod's infra container is k8s_POD_..., same uid. */
		if (parse_k8s_name(ct->rec.name, cn, pod, ns, uid, sizeof(cn))) {
			ct->pod.name = ct_arena_strdup(&w->arena, pod);
			ct->pod.ns = ct_arena_strdup(&w->arena, ns);
			ct->pod.uid = ct_arena_strdup(&w->arena, uid);
			ct->pod.source = "conmon-name";
			for (size_t k = 0; k < w->n_containers; k++) {
				char cn2[256], pod2[256], ns2[256], uid2[256];

				if (parse_k8s_name(w->containers[k].rec.name, cn2, pod2, ns2, uid2, sizeof(cn2)) &&
				    strcmp(cn2, "POD") == 0 && strcmp(uid2, uid) == 0)
					ct->pod.id = w->containers[k].rec.id;
			}
			/* No infra process (drop_infra_ctr): the id is in its bundle only. */
			continue;
		}
		/* podman: /libpod_parent/POD/libpod-ID or machine-libpod_pod_POD.slice */
		if (ct->init >= 0) {
			const char *cg = ct_proc_main_cgroup(&s->procs[ct->init]), *p;

			if (cg && (p = strstr(cg, "/libpod-")) && p - cg > 64 && p[-65] == '/' && is_hex_id(p - 64, 64)) {
				ct->pod.id = ct_arena_strndup(&w->arena, p - 64, 64);
				ct->pod.source = "cgroup-path";
			} else if (cg && (p = strstr(cg, "machine-libpod_pod_")) && is_hex_id(p + 19, 64)) {
				ct->pod.id = ct_arena_strndup(&w->arena, p + 19, 64);
				ct->pod.source = "cgroup-path";
			}
		}
	}
}

/* ---- engines ---- */

static const char *engine_socket(struct ct_world *w, size_t i)
{
	const struct ct_snapshot *s = w->snap;
	const struct ct_role_info *r = &w->roles[i];
	const char *want = r->engine == CT_ENGINE_DOCKER ? "docker.sock" :
			   r->engine == CT_ENGINE_CONTAINERD ? "containerd.sock" :
			   r->engine == CT_ENGINE_CRIO ? "crio.sock" :
			   r->engine == CT_ENGINE_PODMAN ? "podman.sock" : NULL;

	if (r->socket)
		return r->socket;
	/* The listening socket it holds whose name says what it is. */
	for (size_t k = 0; want && k < s->n_proc_sockets; k++) {
		if (s->proc_sockets[k].pid != s->procs[i].pid)
			continue;
		for (size_t j = 0; j < s->proc_sockets[k].n; j++)
			for (size_t u = 0; u < s->n_sockets; u++) {
				const char *path = s->sockets[u].path;
				size_t pl = strlen(path), wl = strlen(want);

				if (s->sockets[u].inode == s->proc_sockets[k].inodes[j] && pl >= wl &&
				    strcmp(path + pl - wl, want) == 0)
					return path;
			}
	}
	return NULL;
}

static void find_engines(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];

		if (r->role != CT_ROLE_ENGINE || r->engine == CT_ENGINE_LXC || r->engine == CT_ENGINE_NSPAWN)
			continue;
		/* A process merely named dockerd inside a container is not the host's engine. */
		if (!in_host_pidns(s, &s->procs[i]))
			continue;
		w->engines = xreallocarray(w->engines, w->n_engines + 1, sizeof(*w->engines));
		w->engines[w->n_engines++] = (struct ct_engine_info){
			.proc = (ssize_t)i,
			.kind = r->engine,
			.socket = engine_socket(w, i),
		};
	}
}

static ssize_t engine_of_proc(const struct ct_world *w, size_t i)
{
	for (size_t e = 0; e < w->n_engines; e++)
		if (w->engines[e].proc == (ssize_t)i)
			return (ssize_t)e;
	return -1;
}

/* The engine listening on a socket path; /run and /var/run are one. */
static ssize_t engine_on_socket(const struct ct_world *w, const char *path)
{
	char alt[4096];
	int pid;

	if (!path)
		return -1;
	pid = ct_socket_owner(w->snap, path, NULL);
	if (pid < 0) {
		if (strncmp(path, "/var/run/", 9) == 0)
			snprintf(alt, sizeof(alt), "/run/%s", path + 9);
		else if (strncmp(path, "/run/", 5) == 0)
			snprintf(alt, sizeof(alt), "/var/run/%s", path + 5);
		else
			return -1;
		pid = ct_socket_owner(w->snap, alt, NULL);
	}
	if (pid < 0)
		return -1;
	ssize_t k = ct_snapshot_find(w->snap, pid);
	return k < 0 ? -1 : engine_of_proc(w, (size_t)k);
}

/* Two spellings of one path: /run and /var/run are the same directory. */
static bool same_socket(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	if (strncmp(a, "/var/run/", 9) == 0)
		a += 4;
	if (strncmp(b, "/var/run/", 9) == 0)
		b += 4;
	return strcmp(a, b) == 0;
}

static ssize_t engine_by_socket(const struct ct_world *w, enum ct_engine_kind kind, const char *socket)
{
	ssize_t only = -1;

	for (size_t e = 0; socket && e < w->n_engines; e++)
		if (w->engines[e].kind == kind && same_socket(w->engines[e].socket, socket))
			return (ssize_t)e;
	/* The only engine of its kind, when the socket does not tell (it may
	 * be another path to the same daemon, as --docker-socket gives). */
	for (size_t e = 0; e < w->n_engines; e++)
		if (w->engines[e].kind == kind)
			only = only == -1 ? (ssize_t)e : -2;
	return only >= 0 ? only : -1;
}

/* Rebuild one containerd's reply from the snapshot's raw messages and merge it. */
static void merge_containerd(struct ct_world *w, const char *socket, ssize_t e)
{
	const struct ct_snapshot *s = w->snap;
	struct ct_containerd_reply reply = { 0 };
	struct ct_containerd_info info = { 0 };
	struct ct_container_list l = { 0 };
	char *why = NULL;

	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];
		struct ct_containerd_blob *b = NULL;

		if (!r->data || !same_socket(r->socket, socket) || strncmp(r->what, "containerd:", 11) != 0)
			continue;
		if (strcmp(r->what, "containerd:version") == 0) {
			b = &reply.version;
		} else if (strcmp(r->what, "containerd:namespaces") == 0) {
			b = &reply.namespaces;
		} else if (r->meta && (strncmp(r->what, "containerd:containers:", 22) == 0 ||
				       strncmp(r->what, "containerd:tasks:", 17) == 0)) {
			struct ct_containerd_ns_reply *ns = NULL;

			for (size_t k = 0; k < reply.n_ns && !ns; k++)
				if (strcmp(reply.ns[k].name, r->meta) == 0)
					ns = &reply.ns[k];
			if (!ns)
				ns = ct_containerd_reply_add_ns(&reply, r->meta);
			b = r->what[11] == 'c' ? &ns->containers : &ns->tasks;
		}
		if (b && !b->data) {
			b->data = (uint8_t *)xmemdup0(r->data, r->len);
			b->len = r->len;
		}
	}
	if (ct_containerd_parse(&reply, &l, &info, &why) < 0) {
		if (e >= 0)
			w->engines[e].error = arena_printf(&w->arena, "bad reply: %s", why ? why : "?");
		anomaly(w, "engine-bad-reply", e >= 0 ? s->procs[w->engines[e].proc].pid : 0, -1,
			arena_printf(&w->arena, "the containerd API on %s sent a reply we cannot read: %s",
				     socket, why ? why : "?"));
	} else {
		for (size_t k = 0; k < l.n; k++) {
			/* docker's containers: docker names them, containerd knows their pid. */
			if (l.recs[k].engine_ns && strcmp(l.recs[k].engine_ns, "moby") == 0)
				l.recs[k].engine = CT_ENGINE_DOCKER;
			merge_record(w, &l.recs[k]);
			ssize_t c = find_container(w, l.recs[k].id, l.recs[k].engine_ns);
			if (c >= 0 && !w->containers[c].rec.init_pid && l.recs[k].init_pid > 0)
				w->containers[c].rec.init_pid = l.recs[k].init_pid;
		}
		if (e >= 0) {
			w->engines[e].reachable = true;
			if (info.version)
				w->engines[e].version = arena_printf(&w->arena, "%s", info.version);
		}
	}
	free(why);
	ct_container_list_clear(&l);
	ct_containerd_info_clear(&info);
	ct_containerd_reply_clear(&reply);
}

/* The CRI's view from one socket: Kubernetes names, pods and statuses. */
static void merge_cri(struct ct_world *w, const char *socket)
{
	const struct ct_snapshot *s = w->snap;
	struct ct_cri_reply reply = { 0 };
	struct ct_cri_pods pods = { 0 };
	struct ct_container_list l = { 0 };
	enum ct_engine_kind kind;
	ssize_t e;
	char *why = NULL;

	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];
		struct ct_cri_blob *b = NULL;

		if (!r->data || !same_socket(r->socket, socket) || strncmp(r->what, "cri:", 4) != 0)
			continue;
		if (strcmp(r->what, "cri:version") == 0)
			b = &reply.version;
		else if (strcmp(r->what, "cri:pods") == 0)
			b = &reply.pods;
		else if (strcmp(r->what, "cri:containers") == 0)
			b = &reply.containers;
		if (b && !b->data) {
			b->data = (uint8_t *)xmemdup0(r->data, r->len);
			b->len = r->len;
		}
	}
	if (ct_cri_parse(&reply, &l, &pods, &why) < 0) {
		anomaly(w, "engine-bad-reply", 0, -1,
			arena_printf(&w->arena, "the CRI on %s sent a reply we cannot read: %s", socket, why ? why : "?"));
		goto out;
	}
	kind = ct_cri_engine_kind(pods.runtime_name);
	e = engine_by_socket(w, kind, socket);
	if (e >= 0) {
		w->engines[e].reachable = true;
		if (!w->engines[e].version && pods.runtime_version)
			w->engines[e].version = arena_printf(&w->arena, "%s", pods.runtime_version);
	}
	for (size_t k = 0; k < l.n; k++) {
		const struct ct_cri_pod *pod = k < pods.n_ctrs ? ct_cri_pods_find(&pods, pods.ctrs[k].pod_sandbox_id) : NULL;
		const char *ns = kind == CT_ENGINE_CONTAINERD ? "k8s.io" : NULL;
		ssize_t c;

		l.recs[k].engine = kind;
		if (ns && !l.recs[k].engine_ns)
			l.recs[k].engine_ns = xstrdup(ns);
		/* The CRI's image is often an image id; containerd's API names it better. */
		c = find_container(w, l.recs[k].id, ns);
		if (c >= 0 && w->containers[c].rec.image) {
			free(l.recs[k].image);
			l.recs[k].image = NULL;
		}
		merge_record(w, &l.recs[k]);
		c = find_container(w, l.recs[k].id, ns);
		if (c >= 0 && pod && !w->containers[c].pod.id) {
			struct ct_container *ct = &w->containers[c];

			ct->pod.id = ct_arena_strdup(&w->arena, pod->id);
			ct->pod.name = pod->name ? ct_arena_strdup(&w->arena, pod->name) : NULL;
			ct->pod.ns = pod->ns ? ct_arena_strdup(&w->arena, pod->ns) : NULL;
			ct->pod.uid = pod->uid ? ct_arena_strdup(&w->arena, pod->uid) : NULL;
			ct->pod.source = "cri-api";
		}
	}
	/* Pause containers have no CRI record: their sandbox is their pod. */
	for (size_t p = 0; p < pods.n_pods; p++) {
		ssize_t c = find_container(w, pods.pods[p].id, kind == CT_ENGINE_CONTAINERD ? "k8s.io" : NULL);

		if (c >= 0 && !w->containers[c].pod.id) {
			struct ct_container *ct = &w->containers[c];

			ct->pod.id = ct_arena_strdup(&w->arena, pods.pods[p].id);
			ct->pod.name = pods.pods[p].name ? ct_arena_strdup(&w->arena, pods.pods[p].name) : NULL;
			ct->pod.ns = pods.pods[p].ns ? ct_arena_strdup(&w->arena, pods.pods[p].ns) : NULL;
			ct->pod.uid = pods.pods[p].uid ? ct_arena_strdup(&w->arena, pods.pods[p].uid) : NULL;
			ct->pod.source = "cri-api";
		}
	}
out:
	free(why);
	ct_container_list_clear(&l);
	ct_cri_pods_clear(&pods);
	ct_cri_reply_clear(&reply);
}

/* What the engines' APIs said (raw replies kept in the snapshot). */
static void merge_api(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];
		ssize_t e;

		if (strcmp(r->what, "containerd:version") != 0)
			continue;
		e = engine_by_socket(w, CT_ENGINE_CONTAINERD, r->socket);
		if (r->error) {
			if (e >= 0) {
				w->engines[e].reachable = false;
				w->engines[e].error = r->message ? r->message :
								   arena_printf(&w->arena, "%s", strerror(-r->error));
			}
			continue;
		}
		merge_containerd(w, r->socket, e);
	}
	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];

		if (strcmp(r->what, "cri:version") != 0)
			continue;
		if (r->error) {
			ssize_t e = -1;

			/* Only a CRI-O's own socket: a containerd's CRI failing is not CRI-O's fault. */
			for (size_t k = 0; k < w->n_engines; k++)
				if (w->engines[k].kind == CT_ENGINE_CRIO && same_socket(w->engines[k].socket, r->socket))
					e = (ssize_t)k;
			if (e >= 0) {
				w->engines[e].reachable = false;
				w->engines[e].error = r->message ? r->message :
								   arena_printf(&w->arena, "%s", strerror(-r->error));
			}
			continue;
		}
		merge_cri(w, r->socket);
	}

	for (size_t i = 0; i < s->n_api; i++) {
		const struct ct_api_reply *r = &s->api[i];
		const bool podman = strncmp(r->what, "podman:", 7) == 0;
		ssize_t e;

		if (strncmp(r->what, "docker:", 7) != 0 && !podman)
			continue;
		e = engine_by_socket(w, podman ? CT_ENGINE_PODMAN : CT_ENGINE_DOCKER, r->socket);
		if (e >= 0 && r->error) {
			w->engines[e].reachable = false;
			w->engines[e].error = r->message ? r->message : arena_printf(&w->arena, "%s", strerror(-r->error));
		}
		if (r->error || !r->data)
			continue;
		if (strcmp(r->what + 7, "containers") == 0) {
			struct ct_container_list l = { 0 };
			char *why = NULL;

			if (ct_docker_parse_containers(r->data, r->len, &l, &why) < 0) {
				if (e >= 0)
					w->engines[e].error = arena_printf(&w->arena, "bad reply: %s", why ? why : "?");
				anomaly(w, "engine-bad-reply", e >= 0 ? s->procs[w->engines[e].proc].pid : 0, -1,
					arena_printf(&w->arena, "the %s API on %s sent a reply we cannot read: %s",
						     podman ? "podman" : "docker", r->socket ? r->socket : "?",
						     why ? why : "?"));
				free(why);
				continue;
			}
			for (size_t k = 0; k < l.n; k++) {
				if (podman) {
					l.recs[k].engine = CT_ENGINE_PODMAN;
					l.recs[k].source = "podman-api";
					free(l.recs[k].engine_ns);
					l.recs[k].engine_ns = NULL;
				}
				merge_record(w, &l.recs[k]);
			}
			ct_container_list_clear(&l);
			if (e >= 0)
				w->engines[e].reachable = true;
		} else if (strcmp(r->what + 7, "version") == 0 && e >= 0) {
			struct ct_docker_version v = { 0 };
			char *why = NULL;

			if (ct_docker_parse_version(r->data, r->len, &v, &why) == 0 && v.version)
				w->engines[e].version = arena_printf(&w->arena, "%s", v.version);
			ct_docker_version_clear(&v);
			free(why);
		}
	}
}

/* ---- logical parents ---- */

static void link_parents(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		w->parent[i] = kparent(s, i);
		w->evidence[i] = NULL;
	}

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];
		ssize_t e;

		if (!is_long_lived_shim(r) || r->shim == CT_SHIM_CONMON || r->shim == CT_SHIM_DOCKER_17)
			continue;
		e = engine_on_socket(w, r->address);
		if (e >= 0) {
			w->parent[i] = (size_t)w->engines[e].proc;
			w->evidence[i] = arena_printf(&w->arena, "its -address %s is the socket pid %d listens on",
						      r->address, s->procs[w->engines[e].proc].pid);
		}
	}

	/* A second shim or conmon naming a container whose own is another is an
	 * exec session's (docker 17.x's exec shims, podman's exec conmons). */
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];
		ssize_t c;

		if (r->role != CT_ROLE_SHIM || r->transient || !r->id || (c = find_container(w, r->id, r->engine_ns)) < 0 ||
		    w->containers[c].shim < 0 || (size_t)w->containers[c].shim == i)
			continue;
		w->parent[i] = (size_t)w->containers[c].shim;
		w->serves[i] = c;
		w->evidence[i] = arena_printf(&w->arena, "a second %s for container %.12s: an exec session's",
					      r->shim == CT_SHIM_CONMON_EXEC || r->shim == CT_SHIM_CONMON ? "conmon" : "shim",
					      w->containers[c].rec.id);
	}

	/* CRI-O's conmons daemonize too: they belong to the crio that runs. */
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];

		if (r->role != CT_ROLE_SHIM || (r->shim != CT_SHIM_CONMON && r->shim != CT_SHIM_CONMON_EXEC))
			continue;
		if (w->evidence[i])
			continue; /* an exec session's conmon, placed above */
		if (r->engine == CT_ENGINE_CRIO) {
			ssize_t e = engine_by_socket(w, CT_ENGINE_CRIO, NULL);

			if (e >= 0) {
				w->parent[i] = (size_t)w->engines[e].proc;
				w->evidence[i] = arena_printf(&w->arena, "a CRI-O conmon (its arguments), and pid %d is the crio running",
							      s->procs[w->engines[e].proc].pid);
			}
		}
	}

	/* A container's processes hang under the container: its init, and any
	 * exec'd process whose parent is outside it (the shim, or PID 1 after
	 * runc exec -d) joins the same place. */
	for (size_t i = 0; i < s->n_procs; i++) {
		ssize_t c = w->container[i];
		const struct ct_container *ct;
		size_t kp;

		if (c < 0 || (s->procs[i].flags & CT_PROC_THREAD))
			continue;
		ct = &w->containers[c];
		kp = w->parent[i];
		if ((ssize_t)i == ct->init || (kp != CT_NONE && w->container[kp] == c))
			continue;
		if (ct->shim >= 0 && kp != (size_t)ct->shim) {
			w->parent[i] = (size_t)ct->shim;
			w->evidence[i] = arena_printf(&w->arena, "in container %.12s (%s); its parent pid %d is outside it",
						      ct->rec.id, ct->init >= 0 ? "its pid namespace" : "its cgroup",
						      s->procs[i].ppid);
		} else if (ct->shim < 0 && ct->init >= 0 && kp != (size_t)ct->init) {
			w->parent[i] = (size_t)ct->init;
			w->evidence[i] = arena_printf(&w->arena, "in container %.12s; its parent pid %d is outside it",
						      ct->rec.id, s->procs[i].ppid);
		}
	}
}

/* ---- addresses ---- */

/* Does the network namespace of p hold addr?  From the fib_trie read of one
 * process in that namespace (collect-runtime.c). */
static bool netns_has_addr(struct ct_world *w, const struct ct_proc *p, const char *addr)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t f = 0; f < s->n_files; f++) {
		const struct ct_state_file *sf = &s->files[f];
		int pid;
		const char *e;
		ssize_t k;
		char **addrs;
		size_t n;
		bool hit = false;

		if (!sf->data || strncmp(sf->path, "/proc/", 6) != 0 || !(e = strchr(sf->path + 6, '/')) ||
		    strcmp(e, "/net/fib_trie") != 0 || ct_parse_pid(sf->path + 6, (size_t)(e - sf->path - 6), &pid) < 0)
			continue;
		k = ct_snapshot_find(s, pid);
		if (k < 0 || !same_ns(&s->procs[k], p, CT_NS_NET))
			continue;
		ct_parse_fib_trie_local(sf->data, sf->len, &addrs, &n);
		for (size_t a = 0; a < n; a++) {
			hit = hit || strcmp(addrs[a], addr) == 0;
			free(addrs[a]);
		}
		free(addrs);
		if (hit)
			return true;
	}
	return false;
}

/* Did an engine of this kind answer its API (so its silence about a container means something)? */
static bool engine_answered(const struct ct_world *w, enum ct_engine_kind kind)
{
	for (size_t e = 0; e < w->n_engines; e++)
		if (w->engines[e].kind == kind && w->engines[e].reachable)
			return true;
	return false;
}

/* Do we know the containers' addresses (from an engine, or from their
 * namespaces)?  Without that, a proxy's target cannot be judged. */
static bool have_address_evidence(const struct ct_world *w)
{
	for (size_t f = 0; f < w->snap->n_files; f++)
		if (w->snap->files[f].data && strstr(w->snap->files[f].path, "/net/fib_trie"))
			return true;
	for (size_t c = 0; c < w->n_containers; c++)
		for (size_t k = 0; k < w->containers[c].rec.n_ports; k++)
			if (w->containers[c].rec.ports[k].container_ip)
				return true;
	return false;
}

/* ---- anomalies ---- */

static void anomaly(struct ct_world *w, const char *kind, int pid, ssize_t c, const char *msg)
{
	w->anomalies = xreallocarray(w->anomalies, w->n_anomalies + 1, sizeof(*w->anomalies));
	w->anomalies[w->n_anomalies++] = (struct ct_anomaly){ kind, pid, c, msg };
}

static void find_anomalies(struct ct_world *w)
{
	const struct ct_snapshot *s = w->snap;

	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];
		bool has = false;

		if (!is_long_lived_shim(r))
			continue;
		for (size_t c = 0; c < w->n_containers && !has; c++)
			has = w->containers[c].shim == (ssize_t)i && w->containers[c].init >= 0;
		for (size_t k = 0; k < s->n_procs && !has; k++)
			has = kparent(s, k) == i && !(s->procs[k].flags & CT_PROC_THREAD);
		if (!has)
			anomaly(w, "shim-without-container", s->procs[i].pid, -1,
				arena_printf(&w->arena, "shim pid %d has no container process", s->procs[i].pid));
	}
	for (size_t c = 0; c < w->n_containers; c++) {
		const struct ct_container *ct = &w->containers[c];
		bool needs_shim = ct->rec.engine == CT_ENGINE_DOCKER || ct->rec.engine == CT_ENGINE_CONTAINERD ||
				  ct->rec.engine == CT_ENGINE_PODMAN || ct->rec.engine == CT_ENGINE_CRIO;
		bool running = ct->rec.status && (strcmp(ct->rec.status, "running") == 0 ||
						  strcmp(ct->rec.status, "RUNNING") == 0);

		if (ct->init >= 0 && ct->shim < 0 && needs_shim)
			anomaly(w, "container-without-shim", s->procs[ct->init].pid, (ssize_t)c,
				arena_printf(&w->arena, "container %.12s runs (init pid %d) with no shim above it",
					     ct->rec.id, s->procs[ct->init].pid));
		/* Processes in an engine's cgroup that the engine, asked, does not know. */
		if (ct->init >= 0 && ct->n_sources && strcmp(ct->sources[0], "cgroup-path") == 0 &&
		    engine_answered(w, ct->rec.engine))
			anomaly(w, "container-unknown-to-engine", s->procs[ct->init].pid, (ssize_t)c,
				arena_printf(&w->arena, "pid %d runs in %s's cgroup for %.12s, a container %s does not know",
					     s->procs[ct->init].pid, ct_engine_kind_name(ct->rec.engine), ct->rec.id,
					     ct_engine_kind_name(ct->rec.engine)));
		/* Only an engine's word says a container should be running. */
		if (ct->init < 0 && running && ct->n_sources && strstr(ct->sources[0], "-api"))
			anomaly(w, "container-without-process", 0, (ssize_t)c,
				arena_printf(&w->arena, "%s reports container %.12s %s, but no process of it runs",
					     ct->sources[0], ct->rec.id, ct->rec.status ? ct->rec.status : "running"));
	}
	for (size_t i = 0; i < s->n_procs; i++) {
		const struct ct_role_info *r = &w->roles[i];
		ssize_t target = -1;
		const char *how = NULL;

		if (r->role != CT_ROLE_PROXY || !r->container_ip)
			continue;
		/* What the engine says the container's address is ... */
		for (size_t c = 0; c < w->n_containers && target < 0; c++)
			for (size_t k = 0; k < w->containers[c].rec.n_ports && target < 0; k++) {
				const struct ct_port *pt = &w->containers[c].rec.ports[k];

				if (!pt->from_proxy && pt->container_ip && strcmp(pt->container_ip, r->container_ip) == 0 &&
				    pt->container_port == r->container_port) {
					target = (ssize_t)c;
					how = "the engine's port list";
				}
			}
		/* ... else whose network namespace holds that address. */
		for (size_t c = 0; c < w->n_containers && target < 0; c++) {
			const struct ct_container *ct = &w->containers[c];

			if (ct->init >= 0 && netns_has_addr(w, &s->procs[ct->init], r->container_ip)) {
				target = (ssize_t)c;
				how = "the address in its network namespace";
			}
		}
		if (target >= 0) {
			struct ct_container *ct = &w->containers[target];
			bool have = false;

			w->evidence[i] = arena_printf(&w->arena, "forwards %s:%d to %s:%d, container %.12s (%s)",
						      r->host_ip ? r->host_ip : "*", r->host_port, r->container_ip,
						      r->container_port, ct->rec.id, how);
			w->serves[i] = target;
			for (size_t k = 0; k < ct->rec.n_ports; k++) {
				struct ct_port *pt = &ct->rec.ports[k];

				if (pt->container_port == r->container_port && pt->host_port == r->host_port &&
				    (!pt->host_ip || !r->host_ip || strcmp(pt->host_ip, r->host_ip) == 0)) {
					pt->proxy_pid = s->procs[i].pid;
					have = true;
				}
			}
			if (!have) {
				/* Not in the engine's list (or no engine answered): record what the proxy says. */
				ct->rec.ports = xreallocarray(ct->rec.ports, ct->rec.n_ports + 1, sizeof(*ct->rec.ports));
				ct->rec.ports[ct->rec.n_ports++] = (struct ct_port){
					.host_ip = r->host_ip ? xstrdup(r->host_ip) : NULL,
					.host_port = r->host_port,
					.container_ip = xstrdup(r->container_ip),
					.container_port = r->container_port,
					.proto = r->proto ? xstrdup(r->proto) : NULL,
					.proxy_pid = s->procs[i].pid,
					.from_proxy = true,
				};
			}
		} else if (have_address_evidence(w)) {
			anomaly(w, "proxy-without-container", s->procs[i].pid, -1,
				arena_printf(&w->arena, "docker-proxy pid %d forwards to %s:%d, which no container has",
					     s->procs[i].pid, r->container_ip, r->container_port));
		}
	}
}

struct ct_world *ct_world_new(const struct ct_snapshot *s)
{
	struct ct_world *w = xcalloc(1, sizeof(*w));
	const size_t n = s->n_procs ? s->n_procs : 1;
	size_t first;

	w->snap = s;
	w->roles = xcalloc(n, sizeof(*w->roles));
	w->parent = xcalloc(n, sizeof(*w->parent));
	w->evidence = xcalloc(n, sizeof(*w->evidence));
	w->container = xmalloc(n * sizeof(*w->container));
	w->serves = xmalloc(n * sizeof(*w->serves));
	for (size_t i = 0; i < s->n_procs; i++) {
		w->container[i] = -1;
		w->serves[i] = -1;
		if (!(s->procs[i].flags & CT_PROC_THREAD))
			ct_classify(&s->procs[i], &w->roles[i]);
	}
	find_engines(w);
	merge_api(w);
	containers_from_supervisors(w);
	containers_from_state(w);
	containers_from_docker_records(w);
	containers_from_cgroups(w);
	lxc_configs(w);
	find_inits(w, 0);
	assign_members(w, 0);
	first = containers_from_hostnames(w);
	find_inits(w, first);
	assign_members(w, first);
	count_members(w);
	/* A thread belongs where its process does. */
	for (size_t i = 0; i < s->n_procs; i++)
		if ((s->procs[i].flags & CT_PROC_THREAD) && kparent(s, i) != CT_NONE)
			w->container[i] = w->container[kparent(s, i)];
	for (size_t c = 0; c < w->n_containers; c++) {
		struct ct_container *ct = &w->containers[c];

		if (ct->shim >= 0 && w->roles[ct->shim].address)
			ct->engine = engine_on_socket(w, w->roles[ct->shim].address);
	}
	find_pods(w);
	link_parents(w);
	find_anomalies(w);
	return w;
}

struct ct_world *ct_world_free(struct ct_world *w)
{
	if (!w)
		return NULL;
	for (size_t c = 0; c < w->n_containers; c++)
		ct_container_rec_clear(&w->containers[c].rec);
	free(w->containers);
	free(w->engines);
	free(w->anomalies);
	free(w->roles);
	free(w->parent);
	free(w->evidence);
	free(w->container);
	free(w->serves);
	ct_arena_free(&w->arena);
	free(w);
	return NULL;
}

size_t *ct_world_tree_parents(const struct ct_world *w, bool logical)
{
	const size_t np = w->snap->n_procs, n = np + w->n_containers;
	size_t *parents = xmalloc((n ? n : 1) * sizeof(size_t));

	for (size_t i = 0; i < np; i++)
		parents[i] = logical ? w->parent[i] : kparent(w->snap, i);
	for (size_t c = 0; c < w->n_containers; c++)
		parents[np + c] = CT_NONE;
	if (!logical)
		return parents;

	for (size_t c = 0; c < w->n_containers; c++) {
		const struct ct_container *ct = &w->containers[c];

		if (ct->init >= 0)
			parents[np + c] = ct->shim >= 0 ? (size_t)ct->shim : w->parent[ct->init];
		else if (ct->shim >= 0)
			parents[np + c] = (size_t)ct->shim;
	}
	/* The top processes of a container hang under its row. */
	for (size_t i = 0; i < np; i++) {
		ssize_t c = w->container[i];

		if (c < 0 || (w->snap->procs[i].flags & CT_PROC_THREAD))
			continue;
		if (w->parent[i] == CT_NONE || w->container[w->parent[i]] != c)
			parents[i] = np + (size_t)c;
	}
	return parents;
}

/* Tier 0: the exact id; 1: the exact name; 2: an id prefix. */
static bool lookup_matches(const struct ct_container_rec *r, const char *what, size_t len, int tier)
{
	switch (tier) {
	case 0:
		return strcmp(r->id, what) == 0;
	case 1:
		return r->name && strcmp(r->name, what) == 0;
	default:
		return len && strncmp(r->id, what, len) == 0;
	}
}

size_t ct_world_lookup(const struct ct_world *w, const char *what, size_t *ret_match, size_t max)
{
	size_t n = 0, len = strlen(what);

	for (int tier = 0; tier < 3 && n == 0; tier++)
		for (size_t c = 0; c < w->n_containers; c++)
			if (lookup_matches(&w->containers[c].rec, what, len, tier)) {
				if (n < max)
					ret_match[n] = c;
				n++;
			}
	return n;
}

ssize_t ct_world_find_container(const struct ct_world *w, const char *what)
{
	size_t match[2];
	size_t n = ct_world_lookup(w, what, match, 2);

	return n == 0 ? -1 : n > 1 ? -2 : (ssize_t)match[0];
}
