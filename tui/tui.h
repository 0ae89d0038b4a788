/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctrtop's internal header.  The split follows htop's: the host (Machine:
 * the collected snapshot, its world and model, refreshed only when the
 * process connector says something changed), the table (Table/Row: the
 * logical tree flattened into rows, with collapse state, sort and filter),
 * the metrics (cgroup files per container row, /proc/PID/stat per visible
 * process row), the screen (Panel: drawing, panes, prompts) and the
 * actions on the selection.
 */
#ifndef CT_TUI_H
#define CT_TUI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "collect-runtime.h"
#include "model.h"
#include "resolve.h"
#include "snapshot.h"
#include "util.h"

struct tui_opts {
	int delay_tenths; /* -d: refresh period */
	int rescan_s;     /* --rescan: minimum seconds between full collections */
	bool no_color;
	const char *log; /* --log FILE, or NULL */
	struct ct_engine_opts engine;
};

/* Live numbers of a container, from its cgroup. */
struct tui_cg_metrics {
	int fd_cpu, fd_mem, fd_pids; /* open cgroup files, read with pread(0); -1 if none */
	bool v2_cpu;                 /* fd_cpu is cpu.stat (usage_usec), not cpuacct.usage */
	uint64_t last_usage_ns;      /* cumulative CPU time at the last read */
	uint64_t last_time_ns;       /* CLOCK_MONOTONIC of that read */
	double cpu_pct;              /* -1: not known yet */
	int64_t mem;                 /* bytes, -1 unknown */
	int64_t pids;                /* -1 unknown */
};

/* Live numbers of a process, from /proc/PID/stat. */
struct tui_proc_metrics {
	uint64_t last_ticks;
	uint64_t last_time_ns; /* 0: never read */
	double cpu_pct;        /* -1: not known */
	int64_t rss;           /* bytes, -1 unknown */
	bool gone;
};

/* The collected host (htop's Machine). */
struct tui_host {
	struct ct_snapshot *snap;
	struct ct_world *world;
	struct ct_model *model; /* logical or kernel tree, per kernel_tree */
	bool kernel_tree;
	struct tui_cg_metrics *cg;   /* per container */
	struct tui_proc_metrics *pm; /* per process */
	bool *chain;                 /* per node: a container node or an ancestor of one */
	size_t *container_node;      /* per container: its node in the model, or CT_NONE */
	uint64_t collected_ns;       /* CLOCK_MONOTONIC of the collection */
	double collect_ms;           /* how long it took */
	long page_size;
	int proc_fd; /* /proc */
};

int tui_host_collect(struct tui_host *h, const struct tui_opts *o);
/* Rebuild the model for the other tree (no new collection). */
void tui_host_set_tree(struct tui_host *h, bool kernel_tree);
void tui_host_clear(struct tui_host *h);
/* The container index of node, or -1 when the node is a process outside any
 * container row (for a process inside one, its container). */
ssize_t tui_node_container(const struct tui_host *h, size_t node);
static inline bool tui_node_is_container(const struct tui_host *h, size_t node)
{
	return node >= h->snap->n_procs;
}

/* metrics.c */
void tui_metrics_open(struct tui_host *h, const struct tui_host *old);
void tui_metrics_close(struct tui_host *h);
void tui_metrics_read_container(struct tui_host *h, size_t c, uint64_t now);
void tui_metrics_read_proc(struct tui_host *h, size_t i, uint64_t now);

/* events.c: the kernel's process events connector. */
struct tui_events {
	int fd;    /* -1: unavailable */
	int error; /* why not (-errno) */
	uint64_t n_events;
	bool overflow;
};
int tui_events_open(struct tui_events *e);
/* Drain the socket; true if anything we care about changed. */
bool tui_events_read(struct tui_events *e);
/* Pure (but for getpid()): count the proc connector events in one datagram
 * of size bytes as tui_events_read() does; whether one may change the view. */
bool tui_events_parse(struct tui_events *e, const void *buf, size_t size);
void tui_events_close(struct tui_events *e);

/* table.c (htop's Table/Row) */
enum tui_sort { TUI_SORT_NAME, TUI_SORT_CPU, TUI_SORT_MEM, TUI_SORT_PIDS, TUI_SORT_COUNT };
extern const char *const tui_sort_names[TUI_SORT_COUNT];

enum tui_fold { TUI_FOLD_AUTO, TUI_FOLD_OPEN, TUI_FOLD_CLOSED };

struct tui_fold_key {
	bool container;
	int pid;
	uint64_t start;
	char *cid;
	enum tui_fold state;
};

struct tui_row {
	size_t node;
	unsigned depth;
	bool has_children;
	bool open;      /* every child shown */
	bool last;      /* last of its siblings: for the tree lines */
	uint64_t lines; /* bit d: the ancestor at depth d has siblings below */
};

struct tui_table {
	struct tui_row *rows;
	size_t n_rows;
	struct tui_fold_key *folds;
	size_t n_folds;
	enum tui_sort sort;
	bool reverse;
	char filter[256];
};

void tui_table_build(struct tui_table *t, const struct tui_host *h);
enum tui_fold tui_table_fold(const struct tui_table *t, const struct tui_host *h, size_t node);
void tui_table_set_fold(struct tui_table *t, const struct tui_host *h, size_t node, enum tui_fold f);
void tui_table_free(struct tui_table *t);
/* The row showing the same thing as key node of the old host, or 0. */
size_t tui_table_find(const struct tui_table *t, const struct tui_host *h, int pid, const char *cid);
/* Short display name of a node (escaped, caller frees). */
char *tui_node_name(const struct tui_host *h, size_t node);

/* screen.c (Panel) */
struct tui_ui;
struct tui_state {
	struct tui_host host;
	struct tui_table table;
	struct tui_events events;
	struct tui_opts opts;
	size_t selected, top;
	bool show_ns, show_cgroup, show_detail;
	bool colors;
	char status[256]; /* a transient message */
	int sigfd;
	/* The pager (help, probe output). */
	char **pager;
	size_t n_pager, pager_top;
	char pager_title[128];
	bool filtering; /* the filter line has the keyboard */
	bool dirty;     /* the process connector saw a change */
	bool quit;
	int exit_signal;
};

void tui_screen_init(struct tui_state *st);
void tui_screen_end(void);
void tui_screen_draw(struct tui_state *st);
/* Read a line in the status line; NULL when cancelled (Esc).  Caller frees. */
char *tui_prompt(struct tui_state *st, const char *question, const char *initial);
bool tui_confirm(struct tui_state *st, const char *question);
void tui_pager_open(struct tui_state *st, const char *title, const char *text, size_t len);
void tui_pager_close(struct tui_state *st);
/* The detail lines of a node (container or process), escaped; *ret_n lines. */
char **tui_detail_lines(const struct tui_host *h, size_t node, size_t *ret_n);
void tui_lines_free(char **v, size_t n);
void tui_status(struct tui_state *st, const char *fmt, ...) _printf_(2, 3);

/* ctrtop.c: the terminal's stderr, saved while curses owns the screen. */
extern int tui_orig_stderr;
/* What stderr points to while curses runs (the log). */
extern int tui_log_fd;
/* Drain the signal fd; a terminating signal (not SIGINT when ignore_int)
 * returns its number, else 0. */
int tui_signals_drain(struct tui_state *st, bool ignore_int);

/* actions.c */
void tui_action_shell(struct tui_state *st, bool command);
void tui_action_probes(struct tui_state *st);
void tui_action_write(struct tui_state *st);
void tui_action_kill(struct tui_state *st);
/* The selected container (the row's, or the container its process is in), or -1. */
ssize_t tui_selected_container(const struct tui_state *st);
/* The selected row's node, or CT_NONE when the table is empty. */
size_t tui_selected_node(const struct tui_state *st);

/* ctrtop.c: how long the main loop waits between two collections, in ms:
 * --rescan, or ten times the last collection when that is longer. */
double tui_rescan_gap_ms(const struct tui_state *st);

#endif
