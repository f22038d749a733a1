/*
 * JSON replies: a body written through jw on a yajl_gen, and the one error
 * shape {"error":{"code","message","field"}} with the HTTP status a
 * libews failure stands for.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "ewsd.h"

struct jw *
ewsd_reply_begin(struct ewsd_req *q)
{
	q->gen = yajl_gen_alloc(NULL);
	if (!q->gen)
		return NULL;
	jw_init_yajl(&q->jw, q->gen);
	return &q->jw;
}

static void
send_json(struct ewsd_req *q, int http_status, const unsigned char *buf,
          size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(q->r);
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (out && len)
		evbuffer_add(out, buf, len);
	evhttp_send_reply(q->r, http_status, NULL, out);
	if (out)
		evbuffer_free(out);
	q->replied = 1;
}

void
ewsd_reply_end(struct ewsd_req *q, int http_status)
{
	const unsigned char *buf = NULL;
	size_t len = 0;

	if (!q->gen ||
	    yajl_gen_get_buf(q->gen, &buf, &len) != yajl_gen_status_ok) {
		if (q->gen)
			yajl_gen_free(q->gen);
		q->gen = NULL;
		ewsd_reply_error(q, 500, "internal", NULL,
		                 "the reply could not be written");
		return;
	}
	send_json(q, http_status, buf, len);
	yajl_gen_free(q->gen);
	q->gen = NULL;
}

void
ewsd_reply_empty(struct ewsd_req *q, int http_status)
{
	evhttp_send_reply(q->r, http_status, NULL, NULL);
	q->replied = 1;
}

void
ewsd_reply_error(struct ewsd_req *q, int http_status, const char *code,
                 const char *field, const char *fmt, ...)
{
	char msg[512];
	struct jw *j;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (q->gen) { /* a reply begun and abandoned */
		yajl_gen_free(q->gen);
		q->gen = NULL;
	}
	if (!(j = ewsd_reply_begin(q))) {
		evhttp_send_error(q->r, 500, NULL);
		q->replied = 1;
		return;
	}
	jw_object_begin(j);
	jw_key(j, "error");
	jw_object_begin(j);
	jw_field_str(j, "code", code);
	jw_field_str(j, "message", msg);
	jw_field_str(j, "field", field && field[0] ? field : NULL);
	jw_object_end(j);
	jw_object_end(j);
	ewsd_reply_end(q, http_status);
}

/* The HTTP status and code of a libews failure. */
static int
status_of(ews_status st, const char **code)
{
	switch (st) {
	case EWS_EINVAL:
		*code = "invalid";
		return 422;
	case EWS_ELIMIT:
		*code = "limit";
		return 422;
	case EWS_ENOMAP:
		*code = "no_map";
		return 422;
	case EWS_ENOTFOUND:
		*code = "not_found";
		return 404;
	case EWS_EEXIST:
		*code = "exists";
		return 409;
	case EWS_EINUSE:
		*code = "in_use";
		return 409;
	case EWS_EDENIED:
		*code = "denied";
		return 409;
	case EWS_EBUSY:
		*code = "busy";
		return 503;
	case EWS_ETIMEDOUT:
		*code = "timeout";
		return 504;
	case EWS_EIO:
		*code = "io";
		return 502;
	default:
		*code = "internal";
		return 500;
	}
}

/* The request's name of the field libews named in a refusal of status
 * st, or NULL when the request calls it as libews does. */
static const char *
request_field(const struct ewsd_req *q, ews_status st, const char *lib)
{
	const struct ewsd_field_name *f;

	for (f = q->fields; f && f->lib && lib && lib[0]; f++)
		if (!strcmp(f->lib, lib) &&
		    (f->code == EWS_OK || f->code == st))
			return f->req;
	return NULL;
}

void
ewsd_reply_status(struct ewsd_req *q, ews_status st)
{
	const ews_error *e = ews_error_last();
	const char *msg =
	        e->message && e->message[0] ? e->message : ews_status_str(st);
	const char *field =
	        e->code == st ? request_field(q, st, e->field) : NULL;
	const char *code;
	int http = status_of(st, &code);
	size_t n;

	if (!field) {
		ewsd_reply_error(q, http, code, e->field, "%s", msg);
		return;
	}
	/* libews's message starts "field: " when it names one */
	n = strlen(e->field);
	if (!strncmp(msg, e->field, n) && !strncmp(msg + n, ": ", 2))
		msg += n + 2;
	ewsd_reply_error(q, http, code, field, "%s: %s", field, msg);
}

void
ewsd_reply_one(struct ewsd_req *q, ews_status st, jw_fn *fn, const void *obj)
{
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	if (!(j = ewsd_reply_begin(q))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	fn(j, obj);
	ewsd_reply_end(q, 200);
}

void
ewsd_reply_list(struct ewsd_req *q, ews_status st, ews_list *list,
                shape_at_fn *at, jw_fn *fn)
{
	struct jw *j;

	if (st != EWS_OK)
		ewsd_reply_status(q, st);
	else if (!(j = ewsd_reply_begin(q)))
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
	else {
		shape_list(j, list, at, fn);
		ewsd_reply_end(q, 200);
	}
	ews_list_free(list);
}

void
ewsd_reply_done(struct ewsd_req *q, ews_status st, int64_t id)
{
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	if (id <= 0) {
		ewsd_reply_empty(q, 204);
		return;
	}
	if (!(j = ewsd_reply_begin(q))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	jw_object_begin(j);
	jw_field_int(j, "id", id);
	jw_object_end(j);
	ewsd_reply_end(q, 201);
}

void
ewsd_later_keep(struct ewsd_req *q, struct ewsd_later *later)
{
	later->d = q->d;
	later->r = q->r;
	later->https = q->https;
	snprintf(later->peer, sizeof(later->peer), "%s", q->peer);
	q->replied = 1; /* for now: the answer comes later */
}

void
ewsd_later_req(const struct ewsd_later *later, struct ewsd_req *q)
{
	memset(q, 0, sizeof(*q));
	q->d = later->d;
	q->r = later->r;
	q->https = later->https;
	q->peer = later->peer;
	q->now_ms = ewsd_now_ms();
}
