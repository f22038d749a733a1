#include <math.h>
#include <stdio.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "catalog-private.h"
#include "error-private.h"

/*
 * The JSON layer of a model file: a syntax pass that bounds nesting and
 * names the line of an error, then the tree, and the generic checks of one
 * field (type, range, length, duplicate or unknown keys). The catalogue
 * meaning of each field lives in catalog-parse.c and catalog-register.c.
 */

enum {
	DEPTH_MAX = 8 /* root, map, register, values: 4 are used */
};

/* ------------------------------------------------------------------ */
/* JSON text                                                           */

struct syntax {
	unsigned int depth;
	int too_deep;
};

static int
syntax_open(void *ctx)
{
	struct syntax *s = ctx;

	if (++s->depth > DEPTH_MAX) {
		s->too_deep = 1;
		return 0;
	}
	return 1;
}

static int
syntax_close(void *ctx)
{
	struct syntax *s = ctx;

	s->depth--;
	return 1;
}

/* Only nesting is watched; the tree is built once the text is known to be
 * valid, bounded JSON (yajl_tree_free() recurses, and yajl_tree_parse()
 * does not release a partial tree on error). */
static const yajl_callbacks syntax_callbacks = {
	NULL,        NULL, NULL,         NULL,        NULL,        NULL,
	syntax_open, NULL, syntax_close, syntax_open, syntax_close
};

static ews_status
syntax_fail(yajl_handle h, const char *text, size_t off, int too_deep)
{
	unsigned int line = 1, col = 1;
	unsigned char *msg;
	size_t i, n;
	ews_status rc;

	for (i = 0; i < off; i++) {
		col++;
		if (text[i] == '\n') {
			line++;
			col = 1;
		}
	}
	if (too_deep)
		return ews__fail_field(EWS_EINVAL, "",
		                       "line %u, column %u: nested deeper "
		                       "than %d levels",
		                       line, col, DEPTH_MAX);
	msg = yajl_get_error(h, 0, NULL, 0);
	n = msg ? strcspn((const char *)msg, "\n") : 0;
	rc = ews__fail_field(EWS_EINVAL, "",
	                     "line %u, column %u: invalid JSON: %.*s", line,
	                     col, (int)n, msg ? (const char *)msg : "");
	if (msg)
		yajl_free_error(h, msg);
	return rc;
}

ews_status
ews__json_check_syntax(const char *text, size_t len)
{
	struct syntax s = { 0, 0 };
	yajl_handle h;
	yajl_status st;
	size_t off = len;
	ews_status rc = EWS_OK;

	if (memchr(text, '\0', len))
		return ews__fail_field(EWS_EINVAL, "",
		                       "invalid JSON: contains a NUL byte");
	h = yajl_alloc(&syntax_callbacks, NULL, &s);
	if (!h)
		return ews__fail(EWS_ENOMEM, "out of memory (JSON parser)");
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	else
		off = yajl_get_bytes_consumed(h);
	if (st != yajl_status_ok)
		rc = syntax_fail(h, text, off > len ? len : off, s.too_deep);
	yajl_free(h);
	return rc;
}

ews_status
ews__json_parse_tree(const char *text, yajl_val *out)
{
	char err[128] = "";

	*out = yajl_tree_parse(text, err, sizeof(err));
	if (!*out) {
		err[strcspn(err, "\n")] = '\0';
		return ews__fail_field(EWS_EINVAL, "", "invalid JSON: %s", err);
	}
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Fields of an object                                                 */

/* "prefix.name", marked with "..." when it had to be cut. */
const char *
ews__json_path_of(char *buf, const char *prefix, const char *name)
{
	int n;

	if (prefix && *prefix)
		n = snprintf(buf, EWS__JSON_FIELD_MAX, "%s.%s", prefix, name);
	else
		n = snprintf(buf, EWS__JSON_FIELD_MAX, "%s", name);
	if (n >= EWS__JSON_FIELD_MAX)
		memcpy(buf + EWS__JSON_FIELD_MAX - 4, "...", 4);
	return buf;
}

/* Refuse a key that appears twice and, when `known` is given, a key that
 * is not in it: a typo must not pass silently. */
ews_status
ews__json_check_fields(yajl_val obj, const char *const *known,
                       const char *prefix)
{
	char f[EWS__JSON_FIELD_MAX];
	size_t i, j;

	for (i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];

		for (j = 0; known && known[j]; j++)
			if (strcmp(known[j], k) == 0)
				break;
		if (known && !known[j])
			return ews__fail_field(EWS_EINVAL,
			                       ews__json_path_of(f, prefix, k),
			                       "unknown field");
		for (j = 0; j < i; j++)
			if (strcmp(obj->u.object.keys[j], k) == 0)
				return ews__fail_field(
				        EWS_EINVAL,
				        ews__json_path_of(f, prefix, k),
				        "field appears twice");
	}
	return EWS_OK;
}

yajl_val
ews__json_get(yajl_val obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], name) == 0)
			return obj->u.object.values[i];
	return NULL;
}

ews_status
ews__json_missing(const char *field)
{
	return ews__fail_field(EWS_EINVAL, field, "required field is missing");
}

/* Characters below 0x20 would break one-line messages, CSV and logs. */
static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* A string of at most `max` bytes; empty only when `allow_empty`. */
ews_status
ews__json_want_string(yajl_val v, const char *field, size_t max,
                      int allow_empty, const char **out)
{
	const char *s;

	if (!v)
		return ews__json_missing(field);
	if (!YAJL_IS_STRING(v))
		return ews__fail_field(EWS_EINVAL, field, "must be a string");
	s = v->u.string;
	if (!*s && !allow_empty)
		return ews__fail_field(EWS_EINVAL, field, "must not be empty");
	if (strlen(s) > max)
		return ews__fail_field(EWS_EINVAL, field,
		                       "longer than %zu bytes", max);
	if (has_control(s))
		return ews__fail_field(EWS_EINVAL, field,
		                       "contains a control character");
	*out = s;
	return EWS_OK;
}

ews_status
ews__json_want_int(yajl_val v, const char *field, long long min, long long max,
                   long long *out)
{
	if (!v)
		return ews__json_missing(field);
	if (!YAJL_IS_INTEGER(v))
		return ews__fail_field(EWS_EINVAL, field, "must be an integer");
	if (v->u.number.i < min || v->u.number.i > max)
		return ews__fail_field(EWS_EINVAL, field,
		                       "%lld is outside %lld-%lld",
		                       v->u.number.i, min, max);
	*out = v->u.number.i;
	return EWS_OK;
}

ews_status
ews__json_want_number(yajl_val v, const char *field, double min, double max,
                      double *out)
{
	if (!v)
		return ews__json_missing(field);
	if (!YAJL_IS_NUMBER(v) || !isfinite(YAJL_GET_DOUBLE(v)))
		return ews__fail_field(EWS_EINVAL, field, "must be a number");
	if (YAJL_GET_DOUBLE(v) < min || YAJL_GET_DOUBLE(v) > max)
		return ews__fail_field(EWS_EINVAL, field, "%g is outside %g-%g",
		                       YAJL_GET_DOUBLE(v), min, max);
	*out = YAJL_GET_DOUBLE(v);
	return EWS_OK;
}

/* An optional integer that must be one of `allowed` (0-terminated). */
ews_status
ews__json_want_choice(yajl_val v, const char *field, const int *allowed,
                      const char *allowed_text, unsigned int *out)
{
	size_t i;

	if (!YAJL_IS_INTEGER(v))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be an integer (%s)", allowed_text);
	for (i = 0; allowed[i]; i++) {
		if (v->u.number.i == allowed[i]) {
			*out = (unsigned int)allowed[i];
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_EINVAL, field, "%s is not %s", v->u.number.r,
	                       allowed_text);
}

ews_status
ews__json_want_bool(yajl_val v, const char *field, int *out)
{
	if (!v)
		return EWS_OK;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be true or false");
	*out = YAJL_IS_TRUE(v);
	return EWS_OK;
}

ews_status
ews__json_keep(const char *s, char **out)
{
	*out = ews__strdup(s);
	return *out ? EWS_OK : EWS_ENOMEM;
}
