/* SPDX-License-Identifier: GPL-2.0-or-later */
/* STUB: replaced by the real probe. */
#include <errno.h>

#include "probes-internal.h"
#include "util.h"

int ct_probe_routes_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		      char **ret_error)
{
	return ct_fail(ret_error, -ENOSYS, "probe routes: not implemented");
}

void ct_probe_routes_print(struct json_object *result, FILE *out)
{
}

int ct_probe_neigh_run(const struct ct_probe_target *t, const struct ct_probe_opts *o, struct json_object **ret,
		      char **ret_error)
{
	return ct_fail(ret_error, -ENOSYS, "probe neigh: not implemented");
}

void ct_probe_neigh_print(struct json_object *result, FILE *out)
{
}
