/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctrtree: every process on the host as a tree, with its namespaces and
 * cgroups; text for people, JSON for scripts.
 */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "collect-runtime.h"
#include "escape.h"
#include "model.h"
#include "render.h"
#include "resolve.h"
#include "snapshot.h"
#include "util.h"

#ifndef VERSION
#define VERSION "0.1"
#endif

static const int default_cols[] = { CT_COL_PID, CT_COL_USER, CT_COL_NS, CT_COL_CGROUP, CT_COL_COMMAND };

struct ns_filter {
	int type; /* -1: any type */
	uint64_t ino;
};

struct options {
	int cols[64];
	size_t n_cols;
	bool json, raw, noheadings, ascii, list, namespaces, threads, kernel_tree, no_runtime;
	const char *lookup; /* --lookup WHAT */
	const char *container;
	int width;
	int *pids;
	size_t n_pids;
	struct ns_filter *nss;
	size_t n_nss;
	const char **cgroups;
	size_t n_cgroups;
	const char *save, *load;
	struct ct_engine_opts engine;
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " ctrtree [options] [NAME|ID]\n"
	      "\n"
	      "Show every process as a tree, with its namespaces and cgroups, and the\n"
	      "container machinery as it really links up: engine, shim, container.\n"
	      "With NAME or ID (a prefix will do), just that container's chain.\n"
	      "\n"
	      "Options:\n"
	      " -J, --json              JSON output (see ctrtree-json(5))\n"
	      " -o, --output LIST       columns to show; +LIST adds to the default\n"
	      "     --list-columns      list the available columns\n"
	      " -r, --raw               raw output: no alignment, no tree\n"
	      " -n, --noheadings        do not print headings\n"
	      " -a, --ascii             use ASCII characters for the tree\n"
	      " -l, --list              a flat list instead of a tree\n"
	      " -w, --width N           format for a terminal N columns wide\n"
	      " -N, --namespaces        list the distinct namespaces (like lsns)\n"
	      " -T, --threads           show threads too\n"
	      " -k, --kernel-tree       the kernel's parent links instead of the logical chain\n"
	      "\n"
	      "Filters (combined, all must match):\n"
	      " -p, --pid PID           only PID and its descendants (repeatable)\n"
	      "     --ns [TYPE:]INODE   only members of that namespace (repeatable)\n"
	      "     --cgroup PREFIX     only processes in a cgroup under PREFIX (repeatable)\n"
	      "\n"
	      "Engines:\n"
	      "     --docker-socket PATH  ask the Docker API on PATH (default: what dockerd\n"
	      "                         listens on, $DOCKER_HOST, /var/run/docker.sock)\n"
	      "     --timeout MS        give each engine at most MS milliseconds (2000)\n"
	      "     --no-api            do not talk to the engines: /proc and state only\n"
	      "     --no-runtime        no engines, sockets or state at all: the /proc tree\n"
	      "     --lookup WHAT       print the containers called WHAT as JSON (for nsenter-lite)\n"
	      "\n"
	      "Snapshots:\n"
	      "     --save FILE         write the collected facts to FILE ('-': stdout)\n"
	      "     --load FILE         show a saved snapshot instead of this host\n"
	      "\n"
	      " -h, --help              display this help\n"
	      " -V, --version           display version\n"
	      "\n"
	      "For more details see ctrtree(1).\n",
	      stdout);
	exit(EXIT_SUCCESS);
}

static void list_columns(void)
{
	for (int i = 0; i < CT_COL_COUNT; i++)
		printf("%10s  %s\n", ct_cols[i].name, ct_cols[i].help);
}

static void parse_columns(struct options *o, const char *arg)
{
	const char *p = arg;

	if (*p == '+') {
		p++;
	} else {
		o->n_cols = 0;
	}
	while (*p) {
		const char *e = strchrnul(p, ',');
		int c = ct_col_from_name(p, (size_t)(e - p));

		if (c < 0) {
			_cleanup_free_ char *bad = ct_escape_term_dup(p, (size_t)(e - p));

			ct_cli_usage_error("unknown column: %s", bad);
		}
		if (o->n_cols == ARRAY_SIZE(o->cols))
			ct_cli_usage_error("too many columns");
		o->cols[o->n_cols++] = c;
		p = *e ? e + 1 : e;
	}
	if (o->n_cols == 0)
		ct_cli_usage_error("no columns given");
}

static void parse_ns_filter(struct options *o, const char *arg)
{
	const char *colon = strchr(arg, ':');
	struct ns_filter f = { -1, 0 };
	const char *num = arg;

	if (colon) {
		_cleanup_free_ char *type = xmemdup0(arg, (size_t)(colon - arg));

		f.type = ct_ns_type_from_name(type);
		if (f.type < 0)
			ct_cli_usage_error("unknown namespace type in '%s' (cgroup, ipc, mnt, net, pid, time, user, uts)",
				  arg);
		num = colon + 1;
	}
	/* Also take the "net:[4026531840]" form a readlink prints. */
	size_t len = strlen(num);
	if (len > 2 && num[0] == '[' && num[len - 1] == ']')
		num++, len -= 2;
	if (ct_parse_u64(num, len, &f.ino) < 0 || f.ino == 0)
		ct_cli_usage_error("invalid namespace '%s': expected [TYPE:]INODE", arg);
	o->nss = xreallocarray(o->nss, o->n_nss + 1, sizeof(*o->nss));
	o->nss[o->n_nss++] = f;
}

static void parse_args(struct options *o, int argc, char **argv)
{
	enum { OPT_LIST_COLUMNS = 256, OPT_NS, OPT_CGROUP, OPT_SAVE, OPT_LOAD,
	       OPT_NO_RUNTIME, OPT_LOOKUP };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-columns", no_argument, NULL, OPT_LIST_COLUMNS },
		{ "raw", no_argument, NULL, 'r' },
		{ "noheadings", no_argument, NULL, 'n' },
		{ "ascii", no_argument, NULL, 'a' },
		{ "list", no_argument, NULL, 'l' },
		{ "width", required_argument, NULL, 'w' },
		{ "namespaces", no_argument, NULL, 'N' },
		{ "threads", no_argument, NULL, 'T' },
		{ "kernel-tree", no_argument, NULL, 'k' },
		{ "pid", required_argument, NULL, 'p' },
		{ "ns", required_argument, NULL, OPT_NS },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "load", required_argument, NULL, OPT_LOAD },
		CT_CLI_ENGINE_OPTIONS,
		{ "no-runtime", no_argument, NULL, OPT_NO_RUNTIME },
		{ "lookup", required_argument, NULL, OPT_LOOKUP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c, pid;

	memcpy(o->cols, default_cols, sizeof(default_cols));
	o->n_cols = ARRAY_SIZE(default_cols);

	while ((c = getopt_long(argc, argv, "Jo:rnalw:NTkp:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o->json = true;
			break;
		case 'o':
			parse_columns(o, optarg);
			break;
		case OPT_LIST_COLUMNS:
			list_columns();
			exit(EXIT_SUCCESS);
		case 'r':
			o->raw = true;
			break;
		case 'n':
			o->noheadings = true;
			break;
		case 'a':
			o->ascii = true;
			break;
		case 'l':
			o->list = true;
			break;
		case 'w':
			if (ct_parse_pid(optarg, strlen(optarg), &o->width) < 0 || o->width < 10 ||
			    o->width > 100000)
				ct_cli_usage_error("invalid width: '%s'", optarg);
			break;
		case 'N':
			o->namespaces = true;
			break;
		case 'T':
			o->threads = true;
			break;
		case 'k':
			o->kernel_tree = true;
			break;
		case 'p':
			if (ct_parse_pid(optarg, strlen(optarg), &pid) < 0 || pid <= 0)
				ct_cli_usage_error("invalid PID: '%s'", optarg);
			o->pids = xreallocarray(o->pids, o->n_pids + 1, sizeof(int));
			o->pids[o->n_pids++] = pid;
			break;
		case OPT_NS:
			parse_ns_filter(o, optarg);
			break;
		case OPT_CGROUP:
			o->cgroups = xreallocarray(o->cgroups, o->n_cgroups + 1, sizeof(char *));
			o->cgroups[o->n_cgroups++] = optarg;
			break;
		case OPT_SAVE:
			o->save = optarg;
			break;
		case OPT_LOAD:
			o->load = optarg;
			break;
		case OPT_NO_RUNTIME:
			o->no_runtime = true;
			break;
		case OPT_LOOKUP:
			o->lookup = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			printf("ctrtree %s\n", VERSION);
			exit(EXIT_SUCCESS);
		default:
			if (ct_cli_engine_option(c, optarg, &o->engine))
				break;
			fputs("Try 'ctrtree --help' for more information.\n", stderr);
			exit(EXIT_FAILURE);
		}
	}
	if (optind < argc)
		o->container = argv[optind++];
	if (optind < argc) {
		_cleanup_free_ char *bad = ct_escape_term_dup(argv[optind], strlen(argv[optind]));

		ct_cli_usage_error("unexpected argument '%s'", bad);
	}
	if (o->json && (o->raw || o->namespaces))
		ct_cli_usage_error("--json does not combine with --raw or --namespaces");
	if (o->lookup && (o->container || o->no_runtime || o->save))
		ct_cli_usage_error("--lookup does not combine with a container argument, --no-runtime or --save");
}

/*
 * --lookup: the containers ct_world_lookup finds, as one JSON object, for
 * nsenter-lite, which does not link the engine clients (their libraries'
 * start-up alone costs more than entering a namespace).
 */
static int print_lookup(const struct ct_world *w, const char *what)
{
	_cleanup_free_ size_t *match = xcalloc(w->n_containers ? w->n_containers : 1, sizeof(*match));
	size_t n = ct_world_lookup(w, what, match, w->n_containers);
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	int r;

	json_object_object_add(o, "schema", json_object_new_string("ctrtree-lookup/1"));
	json_object_object_add(o, "query", ct_json_bytes(what, strlen(what)));
	json_object_object_add(o, "partial", json_object_new_boolean(w->snap->host.partial));
	for (size_t k = 0; k < n; k++) {
		const struct ct_container *c = &w->containers[match[k]];
		const struct ct_proc *init = c->init >= 0 ? &w->snap->procs[c->init] : NULL;
		struct json_object *m = json_object_new_object();

		json_object_object_add(m, "id", ct_json_str(c->rec.id));
		json_object_object_add(m, "name", ct_json_str(c->rec.name));
		json_object_object_add(m, "engine", json_object_new_string(ct_engine_kind_name(c->rec.engine)));
		json_object_object_add(m, "engine_namespace", ct_json_str(c->rec.engine_ns));
		json_object_object_add(m, "status", ct_json_str(c->rec.status));
		json_object_object_add(m, "init_pid", init ? json_object_new_int(init->pid) : NULL);
		json_object_object_add(m, "init_start_time", init ? json_object_new_uint64(init->start_time) : NULL);
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "matches", a);
	r = puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0 ?
		    -EIO :
		    0;
	json_object_put(o);
	return r;
}

/* "/docker" selects "/docker" and "/docker/ID", not "/dockerd". */
static bool cgroup_under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (strncmp(path, prefix, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || (n == 1 && prefix[0] == '/');
}

static bool proc_matches(const struct options *o, const struct ct_proc *p)
{
	if (o->n_nss) {
		bool any = false;

		for (size_t k = 0; k < o->n_nss && !any; k++)
			for (int t = 0; t < CT_NS_COUNT && !any; t++)
				if ((o->nss[k].type < 0 || o->nss[k].type == t) &&
				    p->ns[t].ino == o->nss[k].ino)
					any = true;
		if (!any)
			return false;
	}
	if (o->n_cgroups) {
		bool any = false;

		for (size_t k = 0; k < o->n_cgroups && !any; k++)
			for (size_t i = 0; i < p->n_cgroups && !any; i++)
				any = cgroup_under(p->cgroups[i].path, o->cgroups[k]);
		if (!any)
			return false;
	}
	return true;
}

/* Mark node i and its whole subtree. */
static void mark_subtree(const struct ct_model *m, size_t root, bool *mark, size_t *stack)
{
	size_t sp = 0;

	stack[sp++] = root;
	while (sp) {
		size_t i = stack[--sp];

		if (mark[i])
			continue;
		mark[i] = true;
		for (size_t c = m->nodes[i].first_child; c != CT_NONE; c = m->nodes[c].next_sibling)
			stack[sp++] = c;
	}
}

/* The selection as a keep[] array over the model's nodes, or NULL when
 * everything is shown. */
static bool *select_nodes(const struct options *o, const struct ct_model *m, const struct ct_world *w)
{
	const struct ct_snapshot *s = m->snap;
	const size_t n = m->n_nodes ? m->n_nodes : 1;
	_cleanup_free_ size_t *stack = NULL;
	bool *keep;

	if (!o->n_pids && !o->n_nss && !o->n_cgroups && !o->container)
		return NULL;
	keep = xcalloc(n, sizeof(bool));
	stack = xmalloc(n * sizeof(size_t));

	for (size_t i = 0; i < s->n_procs; i++)
		keep[i] = proc_matches(o, &s->procs[i]);
	for (size_t i = s->n_procs; i < m->n_nodes; i++)
		keep[i] = !o->n_nss && !o->n_cgroups;

	if (o->n_pids) {
		_cleanup_free_ bool *in_subtree = xcalloc(n, sizeof(bool));

		for (size_t k = 0; k < o->n_pids; k++) {
			ssize_t root = ct_snapshot_find(s, o->pids[k]);

			if (root < 0) {
				free(keep);
				errx(EXIT_FAILURE, "no process with PID %d", o->pids[k]);
			}
			mark_subtree(m, (size_t)root, in_subtree, stack);
		}
		for (size_t i = 0; i < m->n_nodes; i++)
			keep[i] = keep[i] && in_subtree[i];
	}
	if (o->container) {
		_cleanup_free_ bool *chain = xcalloc(n, sizeof(bool));
		_cleanup_free_ char *what = ct_escape_term_dup(o->container, strlen(o->container));
		ssize_t c = w ? ct_world_find_container(w, o->container) : -1;
		size_t node;

		if (c == -2) {
			free(keep);
			errx(EXIT_FAILURE, "'%s' matches more than one container", what);
		}
		if (c < 0) {
			free(keep);
			errx(EXIT_FAILURE, "no container named '%s' or with that id", what);
		}
		node = s->n_procs + (size_t)c;
		if (node >= m->n_nodes) {
			/* The kernel's tree has no container rows: take its processes. */
			for (size_t i = 0; i < s->n_procs; i++)
				if (w->container[i] == c)
					mark_subtree(m, i, chain, stack);
		} else {
			mark_subtree(m, node, chain, stack);
		}
		/* ... the docker-proxies and exec sessions' shims that serve it, and the way up to the engine. */
		for (size_t i = 0; i < s->n_procs; i++)
			if (w->serves[i] == c)
				chain[i] = true;
		for (size_t i = 0; i < m->n_nodes; i++) {
			if (!chain[i] || (m->nodes[i].parent != CT_NONE && chain[m->nodes[i].parent]))
				continue;
			for (size_t a = m->nodes[i].parent; a != CT_NONE && !chain[a]; a = m->nodes[a].parent)
				chain[a] = true;
		}
		for (size_t i = 0; i < m->n_nodes; i++)
			keep[i] = keep[i] && chain[i];
	}
	/* A container row stays when a process under it does. */
	for (size_t i = s->n_procs; i < m->n_nodes; i++) {
		if (keep[i])
			continue;
		for (size_t c = m->nodes[i].first_child; c != CT_NONE && !keep[i]; c = m->nodes[c].next_sibling)
			keep[i] = keep[c];
	}
	return keep;
}

static int save_snapshot(const struct ct_snapshot *s, const char *path)
{
	_cleanup_close_ int fd = -1;
	int r;

	if (strcmp(path, "-") == 0)
		return ct_snapshot_save(s, STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	r = ct_snapshot_save(s, fd);
	if (r == 0 && fsync(fd) < 0 && errno != EINVAL)
		r = -errno;
	return r;
}

/*
 * A socket the user named with --docker-socket and that failed: say so.
 * The tree is still printed, from the other sources; the error may quote
 * the server, so it is escaped.
 */
static void warn_docker_socket(const struct ct_snapshot *s, const char *socket)
{
	for (size_t i = 0; socket && i < s->n_api; i++) {
		const struct ct_api_reply *a = &s->api[i];
		_cleanup_free_ char *name = NULL, *why = NULL;

		if (!a->error || !a->socket || strcmp(a->socket, socket) != 0 ||
		    strncmp(a->what, "docker:", 7) != 0)
			continue;
		name = ct_escape_term_dup(socket, strlen(socket));
		why = a->message && *a->message ? ct_escape_term_dup(a->message, strlen(a->message))
				 : xstrdup(strerror(-a->error));
		warnx("Docker API on %s: %s", name, why);
	}
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct ct_snapshot *s = NULL;
	struct ct_model *m = NULL;
	struct ct_world *w = NULL;
	_cleanup_free_ bool *keep = NULL;
	_cleanup_free_ size_t *parents = NULL;
	struct ct_render_opts ro;
	int r;

	ct_cli_keep_std_fds_open();
	setlocale(LC_ALL, "");
	ct_escape_set_utf8(strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	ct_cli_close_stdout_atexit();
	parse_args(&o, argc, argv);

	if (o.load) {
		const char *why = NULL;

		r = ct_snapshot_load(o.load, &s, &why);
		if (r < 0) {
			_cleanup_free_ char *name = ct_escape_term_dup(o.load, strlen(o.load));

			if (why)
				errx(EXIT_FAILURE, "cannot load snapshot %s: %s", name, why);
			errno = -r;
			err(EXIT_FAILURE, "cannot load snapshot %s", name);
		}
	} else {
		struct ct_collect_opts co = { .flags = o.threads ? CT_COLLECT_THREADS : 0 };

		r = ct_snapshot_collect(&co, &s);
		if (r < 0) {
			errno = -r;
			err(EXIT_FAILURE, "cannot read /proc");
		}
		if (s->host.partial && geteuid() != 0)
			warnx("not running as root: some namespaces, cgroups or command lines "
			      "are unavailable (shown as '?')");
		if (!o.no_runtime) {
			ct_collect_runtime(s, &o.engine);
			warn_docker_socket(s, o.engine.docker_socket);
		}
	}

	if (o.save) {
		r = save_snapshot(s, o.save);
		if (r < 0) {
			_cleanup_free_ char *name = ct_escape_term_dup(o.save, strlen(o.save));

			errno = -r;
			err(EXIT_FAILURE, "cannot write snapshot %s", name);
		}
		ct_snapshot_free(s);
		return EXIT_SUCCESS;
	}

	w = ct_world_new(s);
	if (o.lookup) {
		r = print_lookup(w, o.lookup);
		ct_world_free(w);
		ct_snapshot_free(s);
		return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	parents = ct_world_tree_parents(w, !o.kernel_tree);
	m = ct_model_new_ex(s, o.kernel_tree ? s->n_procs : s->n_procs + w->n_containers, parents);
	keep = select_nodes(&o, m, w);

	ro = (struct ct_render_opts){
		.cols = o.cols,
		.n_cols = o.n_cols,
		.keep = keep,
		.raw = o.raw,
		.noheadings = o.noheadings,
		.ascii = o.ascii,
		.list = o.list || o.raw,
		.width = o.width,
		.out = stdout,
		.world = w,
	};
	if (o.json)
		r = ct_render_json(m, w, keep, stdout);
	else if (o.namespaces)
		r = ct_render_namespaces(m, &ro);
	else
		r = ct_render_tree(m, &ro);

	ct_model_free(m);
	ct_world_free(w);
	ct_snapshot_free(s);
	free(o.pids);
	free(o.nss);
	free(o.cgroups);
	if (r < 0 && r != -EPIPE) {
		ct_cli_output_failed();
		errno = -r;
		err(EXIT_FAILURE, "write error");
	}
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
