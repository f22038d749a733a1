#ifndef EWSD_H
#define EWSD_H

/*
 * ewsd: the Energy Web Server daemon. One process, one libevent loop:
 *
 *   main.c      options, the site, signals, start and clean stop
 *   log.c       one line per event to stderr, a file or syslog
 *   live.c      acquisition engine, recording on the sample rate, Green'Up
 *   http.c      the HTTP(S) servers, routing, rights, CSRF, body limits
 *   reply.c     JSON replies and errors (yajl through frontends/common jw)
 *   body.c      JSON request bodies: typed field access naming the field
 *   auth.c      sessions, PIN/PUK login, lock, logout, brute-force limits
 *   tls.c       HTTPS: the certificate, made self-signed when none given
 *   static.c    the web UI's files, and Chart.js under /lib/chart.js/
 *   api-*.c     the routes of /api/v1/, one file per area
 *
 * libews does the work; ewsd parses, calls libews, serialises.
 */

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include <ews/ews.h>

#include "jw.h"
#include "shapes.h"

/* ------------------------------------------------------------------ */
/* The daemon                                                          */

struct ewsd_opts {
	const char *site_dir;
	const char *listen; /* ADDR:PORT of HTTP; NULL: none */
	const char *https;  /* ADDR:PORT of HTTPS; NULL: none */
	const char *cert, *key;
	const char *www_dir;     /* the web UI's files */
	const char *chartjs_dir; /* Chart.js, served at /lib/chart.js/ */
	const char *log_file;    /* NULL: stderr */
	const char *port_file;   /* written once listening: "http https" */
	int use_syslog;
	size_t body_max;              /* bytes of a request body */
	int64_t idle_ms, absolute_ms; /* session expiry */
};

struct ewsd_auth; /* auth.c */
struct ewsd_live; /* live.c */

struct ewsd {
	struct ewsd_opts opts;
	struct event_base *base;
	ews_site *site;
	struct ewsd_live *live;
	struct ewsd_auth *auth;
	struct evhttp *http, *https;
	void *tls_ctx; /* SSL_CTX */
	unsigned int http_port, https_port;
	int64_t started_ms;
	int stopping;
};

/* The wall clock, UTC ms: time enters here and is passed down. */
int64_t ewsd_now_ms(void);

/* log.c */
void ewsd_log_open(const struct ewsd_opts *o);
void ewsd_log_reopen(void);
void ewsd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* live.c: acquisition, recording and Green'Up on the daemon's loop. */
int ewsd_live_start(struct ewsd *d);
void ewsd_live_stop(struct ewsd *d); /* the sweep in flight is committed */
ews_engine *ewsd_live_engine(struct ewsd *d);
uint64_t ewsd_live_cycles(const struct ewsd *d);
/* A command (ACQ-6) through the engine; cb gets its result later, in the
 * loop. EWS_OK, or the failure to queue it (ews_error_last() says why;
 * EWS_EBUSY when too many commands wait). */
typedef void (*ewsd_command_cb)(const ews_poll_result *result, void *ud);
int ewsd_live_write(struct ewsd *d, int64_t device_id, ews_quantity quantity,
                    double value, ewsd_command_cb cb, void *ud);

/* tls.c: an SSL_CTX for --https (cert and key made if none given). */
int ewsd_tls_init(struct ewsd *d);
void ewsd_tls_free(struct ewsd *d);
/* The bufferevent callback evhttp uses for TLS connections. */
struct bufferevent *ewsd_tls_bev(struct event_base *base, void *arg);

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/* Who may call a route. */
enum ewsd_access {
	EWSD_PUBLIC = 0,  /* anyone (login, the UI's files) */
	EWSD_SESSION = 1, /* any logged-in user */
	EWSD_PAGES = 2,   /* a user with one of the route's pages */
	EWSD_MANAGER = 3  /* a user who manages users (USR-3) */
};

struct ewsd_req;
typedef void (*ewsd_handler)(struct ewsd_req *q);

struct ewsd_route {
	const char *method;  /* "GET", "POST", "PUT", "DELETE" */
	const char *pattern; /* "/api/v1/gateways/{id}": {id} a number */
	ewsd_handler handler;
	enum ewsd_access access;
	unsigned int pages;  /* EWSD_PAGES: any of these ews_page bits */
	const char *summary; /* one line, for openapi.json */
};

struct ewsd_session; /* auth.c */

enum { EWSD_IDS_MAX = 4 };

/*
 * A field as libews names it and as the request does: libews names the
 * fields of its structs ("register", "load"), a request its own keys
 * ("reg_address", "load_id"). A handler whose request names a field
 * otherwise points q->fields at such a list, ended by a NULL lib, and
 * every libews refusal it replies (ewsd_reply_status) names the
 * request's field, in "field" and at the start of the message. `code`
 * other than EWS_OK renames only a refusal with that status (libews's
 * "device" is the path's device, except when switching it ON is denied).
 */
struct ewsd_field_name {
	const char *lib, *req;
	ews_status code;
};

struct ewsd_req {
	struct ewsd *d;
	struct evhttp_request *r;
	const struct ewsd_route *route;
	const char *path;
	int64_t ids[EWSD_IDS_MAX]; /* the route's {id}s, in order */
	size_t n_ids;
	struct evkeyvalq *query; /* the query string's arguments */
	yajl_val body;           /* the JSON body of POST/PUT, or NULL */
	struct ewsd_session *session;
	const ews_user *user; /* the session's user, or NULL */
	const char *peer;     /* the client's address */
	int https;            /* came over TLS */
	yajl_gen gen;         /* the reply being written (reply.c) */
	struct jw jw;
	int64_t now_ms;
	int replied;
	const struct ewsd_field_name *fields; /* NULL: libews's names */
};

/* Every route table, a NULL-terminated list (routes.c); each table ends
 * with a route whose method is NULL. */
extern const struct ewsd_route *const ewsd_route_tables[];
extern const struct ewsd_route ewsd_users_routes[];   /* users.c */
extern const struct ewsd_route ewsd_system_routes[];  /* api-system.c */
extern const struct ewsd_route ewsd_config_routes[];  /* api-config.c */
extern const struct ewsd_route ewsd_devices_routes[]; /* api-devices.c */
extern const struct ewsd_route
        ewsd_consumption_routes[];                    /* api-consumption.c */
extern const struct ewsd_route ewsd_tariffs_routes[]; /* api-tariffs.c */
extern const struct ewsd_route ewsd_evse_routes[];    /* api-evse.c */

/* api-system.c: an optimization of the database still running is waited
 * for (it is bounded) and answered 503. */
void ewsd_system_stop(struct ewsd *d);

/* http.c */
int ewsd_http_start(struct ewsd *d);
void ewsd_http_stop(struct ewsd *d);
/* Print every route as "METHOD PATTERN" (ewsd --routes); with rights,
 * then its access and pages (ewsd --rights). */
void ewsd_routes_print(int rights);

/* A query argument, or NULL. */
const char *ewsd_query(const struct ewsd_req *q, const char *name);
/* Refuse query parameters not in `known` (NULL-terminated): a misspelt
 * one would otherwise be ignored and its default used. 0, or replied
 * 400 naming it. */
int ewsd_query_only(struct ewsd_req *q, const char *const *known);
/* 0 when `what` is NULL (a parser took the value); else replies 400
 * "NAME: 'VALUE' is not WHAT" naming the parameter, and -1. */
int ewsd_query_bad(struct ewsd_req *q, const char *name, const char *value,
                   const char *what);

/* reply.c: every handler ends with exactly one reply. */
struct jw *ewsd_reply_begin(struct ewsd_req *q); /* a JSON body follows */
void ewsd_reply_end(struct ewsd_req *q, int http_status);
void ewsd_reply_empty(struct ewsd_req *q, int http_status); /* 204 */
/* {"error":{"code","message","field"}}; field may be NULL. */
void ewsd_reply_error(struct ewsd_req *q, int http_status, const char *code,
                      const char *field, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
/* A libews failure: its HTTP status, code, field and message; the field
 * under the request's name when q->fields renames it. */
void ewsd_reply_status(struct ewsd_req *q, ews_status st);
/* EWS_OK: 200 with every item of list (taken by at) written by fn, as
 * an array; else the failure. Frees the list either way. */
void ewsd_reply_list(struct ewsd_req *q, ews_status st, ews_list *list,
                     shape_at_fn *at, jw_fn *fn);
/* EWS_OK: 200 with obj written by fn; else the failure. */
void ewsd_reply_one(struct ewsd_req *q, ews_status st, jw_fn *fn,
                    const void *obj);
/* EWS_OK: 204 (or 201 with {"id"} when id > 0); else the failure. */
void ewsd_reply_done(struct ewsd_req *q, ews_status st, int64_t id);

/* A request answered later, when a device or a worker answers: what a
 * reply needs, kept past the handler. ewsd_later_keep() marks q answered
 * for now; ewsd_later_req() makes the request to reply with. A client
 * gone meanwhile is fine: libevent frees the request on the reply. */
struct ewsd_later {
	struct ewsd *d;
	struct evhttp_request *r;
	int https;
	char peer[64];
};
void ewsd_later_keep(struct ewsd_req *q, struct ewsd_later *later);
void ewsd_later_req(const struct ewsd_later *later, struct ewsd_req *q);

/* body.c: typed fields of the JSON body. Each returns 0, or replies 400
 * naming the field and returns -1. A missing optional field leaves *out
 * as it was; `required` makes it a 400. */
int ewsd_body_object(struct ewsd_req *q);
int ewsd_body_str(struct ewsd_req *q, const char *field, int required,
                  char *out, size_t size);
int ewsd_body_int(struct ewsd_req *q, const char *field, int required,
                  int64_t *out);
int ewsd_body_uint(struct ewsd_req *q, const char *field, int required,
                   unsigned int *out);
int ewsd_body_double(struct ewsd_req *q, const char *field, int required,
                     double *out);
int ewsd_body_bool(struct ewsd_req *q, const char *field, int required,
                   int *out);
/* The raw value of a field (NULL when absent). */
yajl_val ewsd_body_get(struct ewsd_req *q, const char *field);
/* Refuse fields not in `known` (NULL-terminated): 400 naming it. */
int ewsd_body_only(struct ewsd_req *q, const char *const *known);

/* auth.c */
int ewsd_auth_new(struct ewsd *d);
void ewsd_auth_free(struct ewsd *d);
/* Find the request's session (cookie) and check its expiry; NULL if
 * none. Sets q->session and q->user. */
void ewsd_auth_session(struct ewsd_req *q);
/* A state-changing request carries the session's CSRF token in
 * X-CSRF-Token. 0 or 1. */
int ewsd_auth_csrf_ok(struct ewsd_req *q);
/* Whether any user still has the manual's default codes. */
int ewsd_auth_defaults_in_use(struct ewsd *d);
extern const struct ewsd_route ewsd_auth_routes[];
/* A user changed (rights, ON/OFF): its sessions follow at once; with
 * `keep`, the user's other sessions end (its codes changed). */
void ewsd_auth_user_changed(struct ewsd *d, const ews_user *u,
                            const struct ewsd_session *keep);
uint64_t ewsd_auth_lockouts(const struct ewsd *d);
/* Wrong codes outside the login (a user proving its PIN): 1 when the
 * caller's address must wait (replied 429); count one more. */
int ewsd_auth_throttled(struct ewsd_req *q);
void ewsd_auth_count_failure(struct ewsd_req *q);
/* A user as JSON: {id, name, pages: [...], manager, enabled,
 * default_codes}. */
void ewsd_json_user(struct jw *j, const ews_user *u);

/* static.c: serve the UI's files for GET/HEAD outside /api/, and
 * Chart.js under /lib/chart.js/. */
void ewsd_static_serve(struct ewsd *d, struct evhttp_request *r,
                       const char *path);
/* Log, once, each of those directories that is missing. */
void ewsd_static_check(const struct ewsd *d);

#endif /* EWSD_H */
