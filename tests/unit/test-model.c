/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tree model on hand-built snapshots: orphans, cycles, depth, ns marks. */
#include <stdlib.h>

#include "model.h"
#include "tap.h"
#include "util.h"

static struct ct_snapshot *make(size_t n)
{
	struct ct_snapshot *s = xcalloc(1, sizeof(*s));

	s->procs = xcalloc(n, sizeof(*s->procs));
	s->n_procs = n;
	for (size_t i = 0; i < n; i++)
		s->procs[i].comm = "x";
	return s;
}

static void set_ns(struct ct_proc *p, uint64_t base)
{
	for (int t = 0; t < CT_NS_COUNT; t++)
		p->ns[t] = (struct ct_ns_id){ 4, base + (uint64_t)t };
}

struct walk_rec {
	int pids[16];
	int parents[16];
	unsigned depths[16];
	size_t n;
	const struct ct_snapshot *s;
};

static int rec(size_t idx, size_t parent, unsigned depth, void *u)
{
	struct walk_rec *w = u;

	if (w->n < 16) {
		w->pids[w->n] = w->s->procs[idx].pid;
		w->parents[w->n] = parent == CT_NONE ? 0 : w->s->procs[parent].pid;
		w->depths[w->n] = depth;
	}
	w->n++;
	return 0;
}

static void test_basic(void)
{
	struct ct_snapshot *s = make(6);
	struct ct_model *m;
	struct walk_rec w = { .s = s };
	int pids[] = { 1, 2, 10, 11, 12, 50 }, ppids[] = { 0, 0, 1, 10, 10, 999 };

	for (size_t i = 0; i < 6; i++) {
		s->procs[i].pid = pids[i];
		s->procs[i].ppid = ppids[i];
		set_ns(&s->procs[i], 100);
	}
	memcpy(s->host.host_ns, s->procs[0].ns, sizeof(s->host.host_ns));
	/* 11 enters a new net and pid namespace; 12 only a new mnt. */
	s->procs[3].ns[CT_NS_NET].ino = 900;
	s->procs[3].ns[CT_NS_PID].ino = 901;
	s->procs[4].ns[CT_NS_MNT].ino = 902;
	/* 10's namespaces are unreadable: its children compare with 1. */
	memset(s->procs[2].ns, 0, sizeof(s->procs[2].ns));

	m = ct_model_new(s);
	is_int(m->n_roots, 3, "model: roots are 1, 2 and the orphan 50");
	ct_model_walk(m, NULL, rec, &w);
	is_int(w.n, 6, "model: walk visits all");
	ok(w.pids[0] == 1 && w.pids[1] == 10 && w.pids[2] == 11 && w.pids[3] == 12 && w.pids[4] == 2 &&
		   w.pids[5] == 50,
	   "model: pre-order in pid order");
	ok(w.depths[2] == 2 && w.parents[2] == 10, "model: depth and parent of 11");

	char buf[64];
	ct_ns_mask_format(m->nodes[3].ns_changed, buf, sizeof(buf));
	is_str(buf, "net,pid", "model: 11 left net and pid (through unreadable parent)");
	ct_ns_mask_format(m->nodes[4].ns_changed, buf, sizeof(buf));
	is_str(buf, "mnt", "model: 12 left mnt");
	is_int(m->nodes[2].ns_changed, 0, "model: unreadable namespaces mark nothing");

	const struct ct_namespace *ns = ct_model_find_ns(m, CT_NS_NET, 900);
	ok(ns && ns->n_members == 1 && s->procs[ns->members[0]].pid == 11, "model: net ns 900 has one member");
	ns = ct_model_find_ns(m, CT_NS_NET, 100 + CT_NS_NET);
	ok(ns && ns->n_members == 4, "model: host net ns has four readable members");

	/* Filter: keep 1 and 12 only; 12 hangs under 1. */
	bool keep[6] = { true, false, false, false, true, false };
	struct walk_rec w2 = { .s = s };
	ct_model_walk(m, keep, rec, &w2);
	ok(w2.n == 2 && w2.pids[1] == 12 && w2.parents[1] == 1 && w2.depths[1] == 1,
	   "model: a kept process hangs under its nearest kept ancestor");

	ct_model_free(m);
	free(s->procs);
	free(s);
}

static void test_cycle(void)
{
	struct ct_snapshot *s = make(4);
	struct ct_model *m;
	struct walk_rec w = { .s = s };

	/* 5 -> 6 -> 7 -> 5, plus 8 under 6; and nothing else. */
	int pids[] = { 5, 6, 7, 8 }, ppids[] = { 7, 5, 6, 6 };
	for (size_t i = 0; i < 4; i++) {
		s->procs[i].pid = pids[i];
		s->procs[i].ppid = ppids[i];
	}
	m = ct_model_new(s);
	is_int(m->n_roots, 1, "cycle: cut into one root");
	ok(m->nodes[0].cycle_cut, "cycle: the lowest pid was cut");
	ct_model_walk(m, NULL, rec, &w);
	is_int(w.n, 4, "cycle: every process shown once");
	ct_model_free(m);
	free(s->procs);
	free(s);

	/* A process that is its own parent. */
	s = make(1);
	s->procs[0].pid = 9;
	s->procs[0].ppid = 9;
	m = ct_model_new(s);
	is_int(m->n_roots, 1, "cycle: self parent is a root");
	ct_model_free(m);
	free(s->procs);
	free(s);
}

static int count(size_t idx, size_t parent, unsigned depth, void *u)
{
	unsigned *max = u;

	if (depth > *max)
		*max = depth;
	return 0;
}

static void test_deep(void)
{
	const size_t n = 50000;
	struct ct_snapshot *s = make(n);
	struct ct_model *m;
	unsigned max = 0;

	for (size_t i = 0; i < n; i++) {
		s->procs[i].pid = (int)i + 1;
		s->procs[i].ppid = (int)i;
	}
	m = ct_model_new(s);
	ct_model_walk(m, NULL, count, &max);
	is_int(max, n - 1, "deep: a chain 50,000 deep walks without recursion");
	is_int(m->nodes[n - 1].depth, n - 1, "deep: depth recorded");
	ct_model_free(m);
	free(s->procs);
	free(s);
}

int main(void)
{
	test_basic();
	test_cycle();
	test_deep();
	return tap_done();
}
