/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The probes' command line, shared by nsenter-lite --probe and the test
 * driver: a comma list of NAME[=ARG] run in order, printed as text or as
 * one JSON object keyed by probe name:
 *
 *   {"links": {"links": [...]}, "routes": {"routes": [...], "rules": [...]},
 *    "dns": {"error": "dns: ..."}}
 *
 * A probe that could not run has {"error": TEXT} as its value (and no
 * text output); the others still run.
 */
#include <errno.h>
#include <string.h>

#include "escape.h"
#include "probe-common.h"
#include "probes.h"
#include "util.h"

struct cli_item {
	const struct ct_probe *probe;
	const char *arg; /* points into the copy of the list, or NULL */
};

/* Split list (modified in place) into items; -EINVAL with a reason. */
static int parse_list(char *list, struct cli_item **ret, size_t *ret_n, char **ret_error)
{
	_cleanup_free_ struct cli_item *v = NULL;
	size_t n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const struct ct_probe *p;

		if (eq)
			*eq = '\0';
		p = ct_probe_find(tok);
		if (!p) {
			_cleanup_free_ char *name = ct_escape_term_dup(tok, strlen(tok));

			return ct_fail(ret_error, -EINVAL, "unknown probe '%s'", name);
		}
		if (eq && !p->arg_name)
			return ct_fail(ret_error, -EINVAL, "probe %s takes no argument", p->name);
		if (!eq && p->arg_required)
			return ct_fail(ret_error, -EINVAL, "probe %s needs an argument: %s=%s", p->name, p->name,
				       p->arg_name);
		for (size_t i = 0; i < n; i++)
			if (v[i].probe == p)
				return ct_fail(ret_error, -EINVAL, "probe %s is listed twice", p->name);
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n++] = (struct cli_item){ .probe = p, .arg = eq ? eq + 1 : NULL };
	}
	if (n == 0)
		return ct_fail(ret_error, -EINVAL, "no probe named");
	*ret = TAKE_PTR(v);
	*ret_n = n;
	return 0;
}

/*
 * Run every item with the timeout; each result goes into all (JSON) or is
 * printed to out (text).  The first failure is returned, the rest go on.
 */
static int run_items(const struct ct_probe_target *t, const struct cli_item *items, size_t n, long timeout_ms,
		     struct json_object *all, FILE *out, char **ret_error)
{
	_cleanup_free_ char *first_error = NULL;
	size_t printed = 0;
	int first = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ct_probe *p = items[i].probe;
		struct ct_probe_opts o = { .arg = items[i].arg, .timeout_ms = timeout_ms };
		struct json_object *res = NULL;
		char *error = NULL;
		int r = p->run(t, &o, &res, &error);

		if (r < 0) {
			if (all) {
				struct json_object *e = json_object_new_object();

				/* The text may quote hostile bytes (a name we were given). */
				ct_probe_add_str(e, "error", error ? error : strerror(-r));
				json_object_object_add(all, p->name, e);
			}
			if (!first) {
				first = r;
				first_error = error;
				error = NULL;
			}
			free(error);
			continue;
		}
		if (all) {
			json_object_object_add(all, p->name, res);
		} else {
			if (printed++)
				fputc('\n', out);
			p->print(res, out);
			json_object_put(res);
		}
	}
	if (first < 0 && ret_error)
		*ret_error = first_error ? TAKE_PTR(first_error) : xstrdup(strerror(-first));
	return first;
}

int ct_probes_json(const struct ct_probe_target *t, const char *list, long timeout_ms, struct json_object **ret,
		   char **ret_error)
{
	_cleanup_free_ char *copy = xstrdup(list);
	_cleanup_free_ struct cli_item *items = NULL;
	size_t n = 0;
	int r;

	r = parse_list(copy, &items, &n, ret_error);
	if (r < 0)
		return r;
	*ret = json_object_new_object();
	if (!*ret)
		return ct_fail(ret_error, -ENOMEM, "out of memory");
	return run_items(t, items, n, timeout_ms, *ret, NULL, ret_error);
}

int ct_probes_cli(const struct ct_probe_target *t, const char *list, bool json, long timeout_ms, FILE *out,
		  char **ret_error)
{
	_cleanup_free_ char *copy = xstrdup(list);
	_cleanup_free_ struct cli_item *items = NULL;
	_cleanup_json_ struct json_object *all = NULL;
	size_t n = 0;
	int r;

	if (!json) {
		r = parse_list(copy, &items, &n, ret_error);
		return r < 0 ? r : run_items(t, items, n, timeout_ms, NULL, out, ret_error);
	}
	r = ct_probes_json(t, list, timeout_ms, &all, ret_error);
	if (all) {
		size_t len;
		const char *s = json_object_to_json_string_length(
			all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

		fwrite(s, 1, len, out);
		fputc('\n', out);
	}
	return r;
}
