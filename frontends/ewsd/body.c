/*
 * Typed access to the fields of a JSON request body. A field of the
 * wrong type, out of range, or unknown gets 400 naming it; the store is
 * then untouched because the handler stops before calling libews.
 */
#include <math.h>
#include <string.h>

#include "ewsd.h"

int
ewsd_body_object(struct ewsd_req *q)
{
	if (q->body && YAJL_IS_OBJECT(q->body))
		return 0;
	ewsd_reply_error(q, 400, "bad_json", NULL,
	                 "the body must be a JSON object");
	return -1;
}

yajl_val
ewsd_body_get(struct ewsd_req *q, const char *field)
{
	if (!q->body || !YAJL_IS_OBJECT(q->body))
		return NULL;
	for (size_t i = 0; i < q->body->u.object.len; i++)
		if (!strcmp(q->body->u.object.keys[i], field))
			return q->body->u.object.values[i];
	return NULL;
}

static int
bad(struct ewsd_req *q, const char *field, const char *what)
{
	ewsd_reply_error(q, 400, "bad_field", field, "%s: %s", field, what);
	return -1;
}

/* The field, or NULL: absent (a 400 when required) or null. */
static yajl_val
field_of(struct ewsd_req *q, const char *field, int required, int *rc)
{
	yajl_val v = ewsd_body_get(q, field);

	*rc = 0;
	if (!v && required)
		*rc = bad(q, field, "is required");
	return v;
}

int
ewsd_body_str(struct ewsd_req *q, const char *field, int required, char *out,
              size_t size)
{
	int rc;
	yajl_val v = field_of(q, field, required, &rc);

	if (!v)
		return rc;
	if (!YAJL_IS_STRING(v))
		return bad(q, field, "must be a string");
	if (strlen(v->u.string) >= size)
		return bad(q, field, "is too long");
	memcpy(out, v->u.string, strlen(v->u.string) + 1);
	return 0;
}

int
ewsd_body_double(struct ewsd_req *q, const char *field, int required,
                 double *out)
{
	int rc;
	yajl_val v = field_of(q, field, required, &rc);

	if (!v)
		return rc;
	if (!YAJL_IS_NUMBER(v) || !isfinite(YAJL_GET_DOUBLE(v)))
		return bad(q, field, "must be a number");
	*out = YAJL_IS_INTEGER(v) ? (double)YAJL_GET_INTEGER(v)
	                          : YAJL_GET_DOUBLE(v);
	return 0;
}

int
ewsd_body_int(struct ewsd_req *q, const char *field, int required, int64_t *out)
{
	int rc;
	yajl_val v = field_of(q, field, required, &rc);

	if (!v)
		return rc;
	if (!YAJL_IS_INTEGER(v))
		return bad(q, field, "must be an integer");
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

int
ewsd_body_uint(struct ewsd_req *q, const char *field, int required,
               unsigned int *out)
{
	int64_t v = 0;
	int rc = ewsd_body_int(q, field, required, &v);

	if (rc || !ewsd_body_get(q, field))
		return rc;
	if (v < 0 || v > 0xffffffffLL)
		return bad(q, field, "must be a non-negative integer");
	*out = (unsigned int)v;
	return 0;
}

int
ewsd_body_bool(struct ewsd_req *q, const char *field, int required, int *out)
{
	int rc;
	yajl_val v = field_of(q, field, required, &rc);

	if (!v)
		return rc;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return bad(q, field, "must be true or false");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

int
ewsd_body_only(struct ewsd_req *q, const char *const *known)
{
	if (ewsd_body_object(q))
		return -1;
	for (size_t i = 0; i < q->body->u.object.len; i++) {
		const char *k = q->body->u.object.keys[i];
		size_t j = 0;

		while (known[j] && strcmp(known[j], k))
			j++;
		if (!known[j])
			return bad(q, k, "is not a field of this request");
	}
	return 0;
}
