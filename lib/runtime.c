/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "runtime.h"
#include "util.h"

static const char *const engine_names[] = {
	[CT_ENGINE_UNKNOWN] = "unknown", [CT_ENGINE_DOCKER] = "docker", [CT_ENGINE_CONTAINERD] = "containerd",
	[CT_ENGINE_PODMAN] = "podman",	 [CT_ENGINE_CRIO] = "cri-o",	[CT_ENGINE_LXC] = "lxc",
	[CT_ENGINE_RUNC] = "runc",	 [CT_ENGINE_CRUN] = "crun",	[CT_ENGINE_NSPAWN] = "nspawn",
};

const char *ct_engine_kind_name(enum ct_engine_kind k)
{
	return (unsigned)k < ARRAY_SIZE(engine_names) ? engine_names[k] : "unknown";
}

enum ct_engine_kind ct_engine_kind_from_name(const char *name)
{
	for (size_t k = 0; k < ARRAY_SIZE(engine_names); k++)
		if (engine_names[k] && strcmp(engine_names[k], name) == 0)
			return (enum ct_engine_kind)k;
	return CT_ENGINE_UNKNOWN;
}

void ct_container_rec_clear(struct ct_container_rec *r)
{
	free(r->id);
	free(r->name);
	free(r->image);
	free(r->engine_ns);
	free(r->runtime);
	free(r->bundle);
	free(r->status);
	ct_kv_free(r->labels, r->n_labels);
	for (size_t i = 0; i < r->n_ports; i++) {
		free(r->ports[i].host_ip);
		free(r->ports[i].container_ip);
		free(r->ports[i].proto);
	}
	free(r->ports);
}

void ct_container_list_clear(struct ct_container_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ct_container_rec_clear(&l->recs[i]);
	free(l->recs);
	*l = (struct ct_container_list){ 0 };
}

struct ct_container_rec *ct_container_list_add(struct ct_container_list *l)
{
	l->recs = xreallocarray(l->recs, l->n + 1, sizeof(*l->recs));
	l->recs[l->n] = (struct ct_container_rec){ 0 };
	return &l->recs[l->n++];
}

void ct_kv_add(struct ct_kv **kv, size_t *n, const char *key, const char *value)
{
	*kv = xreallocarray(*kv, *n + 1, sizeof(**kv));
	(*kv)[*n] = (struct ct_kv){ xstrdup(key), xstrdup(value ? value : "") };
	(*n)++;
}

void ct_container_list_move(struct ct_container_list *dst, struct ct_container_list *src)
{
	if (src->n) {
		dst->recs = xreallocarray(dst->recs, dst->n + src->n, sizeof(*dst->recs));
		memcpy(dst->recs + dst->n, src->recs, src->n * sizeof(*dst->recs));
		dst->n += src->n;
	}
	free(src->recs);
	*src = (struct ct_container_list){ 0 };
}

void ct_kv_free(struct ct_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}
