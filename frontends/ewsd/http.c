/*
 * The HTTP(S) servers: every request goes through one callback that adds
 * the security headers, finds the route, checks the caller's rights on
 * the server (USR-4), the CSRF token of a state-changing request and the
 * body, then calls the route's handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "ewsd.h"

/* Headers on every answer (OWASP ASVS 14.4). */
static void
security_headers(struct evhttp_request *r, int https)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r);

	evhttp_add_header(h, "Content-Security-Policy",
	                  "default-src 'self'; img-src 'self' data:; "
	                  "object-src 'none'; base-uri 'none'; "
	                  "frame-ancestors 'none'; form-action 'self'");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	if (https)
		evhttp_add_header(h, "Strict-Transport-Security",
		                  "max-age=31536000");
}

/* ------------------------------------------------------------------ */
/* Routing                                                             */

/* Match path against pattern, collecting the {id}s (positive numbers). */
static int
match(const char *pattern, const char *path, int64_t *ids, size_t *n_ids)
{
	const char *p = pattern, *s = path;

	*n_ids = 0;
	while (*p && *s) {
		if (!strncmp(p, "{id}", 4)) {
			char *end;
			long long v;

			if (*s < '1' || *s > '9' || *n_ids == EWSD_IDS_MAX)
				return 0;
			v = strtoll(s, &end, 10);
			if (v <= 0 || (*end && *end != '/'))
				return 0;
			ids[(*n_ids)++] = v;
			p += 4;
			s = end;
			continue;
		}
		if (*p++ != *s++)
			return 0;
	}
	return *p == 0 && *s == 0;
}

/* The route for method and path; `allow` gets the methods the path has
 * otherwise (405 with an Allow header rather than 404). */
static const struct ewsd_route *
find_route(const char *method, const char *path, struct ewsd_req *q,
           char *allow, size_t size)
{
	size_t n = 0;

	allow[0] = 0;
	for (size_t t = 0; ewsd_route_tables[t]; t++)
		for (const struct ewsd_route *r = ewsd_route_tables[t];
		     r->method; r++) {
			if (!match(r->pattern, path, q->ids, &q->n_ids))
				continue;
			if (!strcmp(r->method, method))
				return r;
			if (n + strlen(r->method) + 3 < size)
				n += (size_t)snprintf(allow + n, size - n,
				                      "%s%s", n ? ", " : "",
				                      r->method);
		}
	return NULL;
}

void
ewsd_routes_print(int rights)
{
	static const char *const access[] = { "public", "session", "pages",
		                              "manager" };

	for (size_t t = 0; ewsd_route_tables[t]; t++)
		for (const struct ewsd_route *r = ewsd_route_tables[t];
		     r->method; r++) {
			printf("%s %s", r->method, r->pattern);
			if (rights) {
				printf(" %s", access[r->access]);
				for (unsigned int b = 1; b & EWS_PAGES_ALL;
				     b <<= 1)
					if (r->access == EWSD_PAGES &&
					    (r->pages & b))
						printf(" %s",
						       ews_page_name(
						               (ews_page)b));
			}
			printf("\n");
		}
}

static const char *
method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	default:
		return "OTHER";
	}
}

const char *
ewsd_query(const struct ewsd_req *q, const char *name)
{
	return q->query ? evhttp_find_header(q->query, name) : NULL;
}

int
ewsd_query_only(struct ewsd_req *q, const char *const *known)
{
	struct evkeyval *kv;

	if (!q->query)
		return 0;
	for (kv = q->query->tqh_first; kv; kv = kv->next.tqe_next) {
		size_t i = 0;

		while (known[i] && strcmp(known[i], kv->key))
			i++;
		if (!known[i]) {
			ewsd_reply_error(
			        q, 400, "bad_field", kv->key,
			        "%s: is not a parameter of this request",
			        kv->key);
			return -1;
		}
	}
	return 0;
}

int
ewsd_query_bad(struct ewsd_req *q, const char *name, const char *value,
               const char *what)
{
	if (!what)
		return 0;
	ewsd_reply_error(q, 400, "bad_field", name, "%s: '%s' is not %s", name,
	                 value, what);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Checks before the handler                                           */

/* Rights (USR-4): 0 to go on, or replied. */
static int
check_access(struct ewsd_req *q)
{
	const struct ewsd_route *rt = q->route;

	if (rt->access == EWSD_PUBLIC)
		return 0;
	if (!q->user) {
		ewsd_reply_error(q, 401, "login_required", NULL,
		                 "log in first (POST /api/v1/login)");
		return -1;
	}
	if ((rt->access == EWSD_PAGES && !(q->user->pages & rt->pages)) ||
	    (rt->access == EWSD_MANAGER && !q->user->manager)) {
		ewsd_reply_error(q, 403, "forbidden", NULL,
		                 "user '%s' has no right to this",
		                 q->user->name);
		return -1;
	}
	if (strcmp(rt->method, "GET") && !ewsd_auth_csrf_ok(q)) {
		ewsd_reply_error(q, 403, "csrf", NULL,
		                 "a state-changing request needs the "
		                 "session's X-CSRF-Token header");
		return -1;
	}
	return 0;
}

/* The JSON body of POST and PUT: 0, or replied (413, 400). */
static int
read_body(struct ewsd_req *q)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	size_t len = evbuffer_get_length(in);
	char err[256] = "", *text;

	if (len == 0)
		return 0;
	if (len > q->d->opts.body_max) {
		ewsd_reply_error(q, 413, "too_large", NULL,
		                 "the body is over %zu bytes",
		                 q->d->opts.body_max);
		return -1;
	}
	if (!(text = malloc(len + 1))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return -1;
	}
	evbuffer_copyout(in, text, len);
	text[len] = 0;
	if (strlen(text) != len) {
		free(text);
		ewsd_reply_error(q, 400, "bad_json", NULL,
		                 "the body holds a NUL byte");
		return -1;
	}
	q->body = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (!q->body) {
		ewsd_reply_error(q, 400, "bad_json", NULL,
		                 "the body is not JSON: %s",
		                 strtok(err, "\n") ? err : "malformed");
		return -1;
	}
	return 0;
}

static void
run_api(struct ewsd_req *q, const char *method)
{
	char allow[64];

	q->route = find_route(method, q->path, q, allow, sizeof(allow));
	if (!q->route) {
		if (allow[0]) {
			evhttp_add_header(
			        evhttp_request_get_output_headers(q->r),
			        "Allow", allow);
			ewsd_reply_error(q, 405, "method_not_allowed", NULL,
			                 "%s is not allowed on %s", method,
			                 q->path);
		} else
			ewsd_reply_error(q, 404, "not_found", NULL,
			                 "no such resource: %s", q->path);
		return;
	}
	ewsd_auth_session(q);
	if (check_access(q) || read_body(q))
		return;
	q->route->handler(q);
	if (!q->replied)
		ewsd_reply_error(q, 500, "internal", NULL,
		                 "the handler gave no answer");
}

static void
on_request(struct evhttp_request *r, struct ewsd *d, int https)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r);
	const char *method = method_name(evhttp_request_get_command(r));
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	struct evhttp_connection *conn = evhttp_request_get_connection(r);
	struct evkeyvalq query = { 0 };
	struct ewsd_req q = { 0 };
	char *peer = NULL;
	ev_uint16_t port = 0;

	security_headers(r, https);
	if (!path || path[0] != '/') {
		evhttp_send_error(r, 400, "bad request");
		return;
	}
	if (strncmp(path, "/api/", 5) != 0) {
		ewsd_static_serve(d, r, path);
		return;
	}
	evhttp_connection_get_peer(conn, &peer, &port);
	q.d = d;
	q.r = r;
	q.path = path;
	q.https = https;
	q.peer = peer ? peer : "";
	q.now_ms = ewsd_now_ms();
	if (uri && evhttp_uri_get_query(uri) &&
	    evhttp_parse_query_str(evhttp_uri_get_query(uri), &query) == 0)
		q.query = &query;
	run_api(&q, method);
	if (q.query)
		evhttp_clear_headers(&query);
	if (q.body)
		yajl_tree_free(q.body);
}

static void
on_http(struct evhttp_request *r, void *arg)
{
	on_request(r, arg, 0);
}

static void
on_https(struct evhttp_request *r, void *arg)
{
	on_request(r, arg, 1);
}

/* ------------------------------------------------------------------ */
/* Servers                                                             */

/* Bind evhttp to "ADDR:PORT" ("[v6]:port" too); the bound port. */
static int
bind_to(struct evhttp *http, const char *spec, unsigned int *port_out)
{
	char addr[256];
	const char *colon = strrchr(spec, ':');
	struct evhttp_bound_socket *bs;
	evutil_socket_t fd;
	struct sockaddr_storage ss;
	ev_socklen_t len = sizeof(ss);
	size_t n;

	if (!colon || (n = (size_t)(colon - spec)) >= sizeof(addr)) {
		ewsd_log("'%s' is not ADDR:PORT", spec);
		return -1;
	}
	memcpy(addr, spec, n);
	addr[n] = 0;
	if (addr[0] == '[' && n > 2 && addr[n - 1] == ']') {
		memmove(addr, addr + 1, n - 2);
		addr[n - 2] = 0;
	}
	bs = evhttp_bind_socket_with_handle(http, addr,
	                                    (ev_uint16_t)atoi(colon + 1));
	if (!bs) {
		ewsd_log("cannot listen on %s", spec);
		return -1;
	}
	fd = evhttp_bound_socket_get_fd(bs);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		*port_out =
		        ntohs(ss.ss_family == AF_INET6
		                      ? ((struct sockaddr_in6 *)&ss)->sin6_port
		                      : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

static struct evhttp *
new_server(struct ewsd *d, int https)
{
	struct evhttp *http = evhttp_new(d->base);

	if (!http)
		return NULL;
	/* evhttp refuses a body 4 times over the limit itself (413, HTML)
	 * before reading it; read_body() answers the ones in between with
	 * the JSON error. */
	evhttp_set_max_body_size(http, (ev_ssize_t)d->opts.body_max * 4);
	evhttp_set_max_headers_size(http, 16384);
	evhttp_set_timeout(http, 30);
	evhttp_set_allowed_methods(
	        http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
	                      EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(http, https ? on_https : on_http, d);
	return http;
}

int
ewsd_http_start(struct ewsd *d)
{
	if (d->opts.listen) {
		if (!(d->http = new_server(d, 0)) ||
		    bind_to(d->http, d->opts.listen, &d->http_port))
			return -1;
		ewsd_log("listening on http://%s (port %u)", d->opts.listen,
		         d->http_port);
	}
	if (d->opts.https) {
		if (ewsd_tls_init(d) || !(d->https = new_server(d, 1)))
			return -1;
		evhttp_set_bevcb(d->https, ewsd_tls_bev, d);
		if (bind_to(d->https, d->opts.https, &d->https_port))
			return -1;
		ewsd_log("listening on https://%s (port %u)", d->opts.https,
		         d->https_port);
	}
	return 0;
}

void
ewsd_http_stop(struct ewsd *d)
{
	if (d->http)
		evhttp_free(d->http);
	if (d->https)
		evhttp_free(d->https);
	d->http = d->https = NULL;
	ewsd_tls_free(d);
}
