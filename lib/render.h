/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Presenting the model: one column table drives -o, --list-columns, the
 * text tree (libsmartcols) and the help; JSON comes from the same model.
 */
#ifndef CT_RENDER_H
#define CT_RENDER_H

#include <stdio.h>

#include "model.h"
#include "resolve.h"

enum ct_col {
	CT_COL_PID,
	CT_COL_PPID,
	CT_COL_USER,
	CT_COL_UID,
	CT_COL_STATE,
	CT_COL_START,
	CT_COL_NS,
	CT_COL_NSPID,
	CT_COL_CGROUP,
	CT_COL_CGROUPNS,
	CT_COL_IPCNS,
	CT_COL_MNTNS,
	CT_COL_NETNS,
	CT_COL_PIDNS,
	CT_COL_TIMENS,
	CT_COL_USERNS,
	CT_COL_UTSNS,
	CT_COL_COMM,
	CT_COL_ROLE,
	CT_COL_CONTAINER,
	CT_COL_CID,
	CT_COL_COMMAND,
	CT_COL_COUNT
};

struct ct_col_info {
	const char *name;
	double whint;	/* libsmartcols width hint */
	int flags;	/* SCOLS_FL_* */
	const char *help;
};

extern const struct ct_col_info ct_cols[CT_COL_COUNT];

/* Column id for a name (case-insensitive), or -1. */
int ct_col_from_name(const char *name, size_t len);

struct ct_render_opts {
	const int *cols;
	size_t n_cols;
	const bool *keep; /* NULL: every process */
	bool raw, noheadings, ascii, list; /* list: no tree, flat */
	int width;			    /* 0: the terminal's, if any */
	FILE *out;
	const struct ct_world *world;	    /* roles and containers; NULL: none */
};

/* The process tree as text.  0 or -errno. */
int ct_render_tree(const struct ct_model *m, const struct ct_render_opts *o);

/* Distinct namespaces, lsns style (NS TYPE NPROCS PID USER COMMAND). */
int ct_render_namespaces(const struct ct_model *m, const struct ct_render_opts *o);

/* The whole model as JSON ("ctrtree/1", see ctrtree-json(5)); world may be NULL. */
int ct_render_json(const struct ct_model *m, const struct ct_world *w, const bool *keep, FILE *out);

/* One element of "processes" (process idx of m's snapshot) and of
 * "containers", as ct_render_json writes them (w may be NULL for a process). */
struct json_object *ct_json_process(const struct ct_model *m, const struct ct_world *w, size_t idx);
struct json_object *ct_json_container(const struct ct_world *w, const struct ct_container *ct);

/* "COMMAND" text for a process: argv, or [comm] / {comm}; escaped. */
void ct_format_command(const struct ct_proc *p, struct ct_buf *out);

/* Time of a process start as unix seconds (boot_time + ticks / hertz). */
int64_t ct_proc_start_unix(const struct ct_host *h, const struct ct_proc *p);

/* RFC 3339 UTC. */
void ct_format_time(int64_t t, char *buf, size_t size);

#endif
