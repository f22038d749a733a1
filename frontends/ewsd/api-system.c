/*
 * System information (SYS-3), the database's optimization, the site's
 * settings and the events.
 *
 * Optimizing (ews_site_optimize) runs on a thread of its own, with a
 * site handle of its own, so that the loop keeps recording and Green'Up
 * keeps its period; one at a time. It waits OPTIMIZE_WAIT_MS at most for
 * a write of the loop to end, and gives up (changing nothing) rather than
 * hold the database much over OPTIMIZE_LOCK_MS: a write of the loop
 * meanwhile (a recording, a Green'Up step) waits that long, well under
 * the 5 s after which it would be refused, and under the three periods
 * after which Green'Up falls back to its fail-safe currents.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "ewsd.h"
#include "query.h"

enum {
	OPTIMIZE_WAIT_MS = 1000, /* for a write of the loop to end */
	OPTIMIZE_LOCK_MS = 2000  /* longest hold of the database */
};

/* An optimization between its request and its answer. */
struct optimize_job {
	struct ewsd_later later;
	const char *site_dir, *catalog_dir;
	/* the worker's, until it writes to pipe_wr */
	ews_optimize_result result;
	ews_status st;
	int64_t ms;
	char message[512];
	/* the loop's */
	pthread_t thread;
	int pipe_rd, pipe_wr;
	struct event *done_ev;
};

static struct optimize_job *optimizing; /* the loop's: one at a time */

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
get_system(struct ewsd_req *q)
{
	static const char *const known[] = { "check", NULL };
	const char *check = ewsd_query(q, "check");
	ews_site_info info = { .version = EWS_SITE_INFO_VERSION };
	char when[40];
	struct jw *j;
	ews_status st;

	if (ewsd_query_only(q, known))
		return;
	st = ews_site_info_get(q->d->site, check && !strcmp(check, "1"), &info);
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	ews_time_format(q->d->started_ms, 0, when, sizeof(when));
	j = ewsd_reply_begin(q);
	jw_object_begin(j);
	jw_field_str(j, "version", ews_version_string());
	jw_field_int(j, "started_ms", q->d->started_ms);
	jw_field_str(j, "started", when);
	jw_field_double(j, "uptime_s",
	                (double)(q->now_ms - q->d->started_ms) / 1000);
	jw_field_double(j, "cpu_s", cpu_s());
	jw_field_int(j, "schema_version", info.schema_version);
	jw_field_int(j, "database_bytes", info.db_bytes);
	jw_field_int(j, "wal_bytes", info.wal_bytes);
	jw_field_int(j, "free_bytes", info.free_bytes);
	jw_field_int(j, "unused_bytes", info.unused_bytes);
	jw_field_bool(j, "optimize_advised", info.optimize_advised);
	jw_field_bool(j, "optimizing", optimizing != NULL);
	jw_field_str(j, "database_health", info.health);
	jw_field_int(j, "recording_cycles", (int64_t)ewsd_live_cycles(q->d));
	jw_field_int(j, "login_lockouts", (int64_t)ewsd_auth_lockouts(q->d));
	jw_field_bool(j, "default_codes_in_use",
	              ewsd_auth_defaults_in_use(q->d));
	jw_object_end(j);
	ewsd_reply_end(q, 200);
}

/* ------------------------------------------------------------------ */
/* POST /api/v1/system/optimize                                        */

/* The worker: a handle of its own, the optimization, its outcome. */
static void *
optimize_main(void *arg)
{
	struct optimize_job *job = arg;
	int64_t start = ewsd_now_ms();
	ews_optimize_opts o;
	ews_site_opts so;
	ews_site *site = NULL;
	const ews_error *e;

	ews_site_opts_init(&so, EWS_SITE_OPTS_VERSION);
	so.catalog_dir = job->catalog_dir;
	ews_optimize_opts_init(&o, EWS_OPTIMIZE_OPTS_VERSION);
	o.wait_ms = OPTIMIZE_WAIT_MS;
	o.max_lock_ms = OPTIMIZE_LOCK_MS;
	job->result.version = EWS_OPTIMIZE_RESULT_VERSION;
	job->st = ews_site_open(job->site_dir, &so, &site);
	if (job->st == EWS_OK)
		job->st = ews_site_optimize(site, &o, &job->result);
	/* the last error is this thread's: take it to the loop */
	e = ews_error_last();
	snprintf(job->message, sizeof(job->message), "%s",
	         e->message && e->message[0] ? e->message
	                                     : ews_status_str(job->st));
	ews_site_close(site);
	job->ms = ewsd_now_ms() - start;
	if (write(job->pipe_wr, "x", 1) < 0) {
		/* cannot happen on an empty pipe */
	}
	return NULL;
}

static void
optimize_free(struct optimize_job *job)
{
	if (job->done_ev)
		event_free(job->done_ev);
	if (job->pipe_rd >= 0)
		close(job->pipe_rd);
	if (job->pipe_wr >= 0)
		close(job->pipe_wr);
	free(job);
}

static void
sizes(struct jw *j, const char *key, int64_t db, int64_t wal, int64_t unused)
{
	jw_key(j, key);
	jw_object_begin(j);
	jw_field_int(j, "database_bytes", db);
	jw_field_int(j, "wal_bytes", wal);
	jw_field_int(j, "unused_bytes", unused);
	jw_object_end(j);
}

/* Back in the loop: the answer. */
static void
optimize_done(evutil_socket_t fd, short what, void *arg)
{
	struct optimize_job *job = arg;
	const ews_optimize_result *r = &job->result;
	struct ewsd_req q;
	struct jw *j;

	(void)fd;
	(void)what;
	pthread_join(job->thread, NULL);
	optimizing = NULL;
	ewsd_later_req(&job->later, &q);
	if (job->st == EWS_OK) {
		ewsd_log("optimized: site.db %lld -> %lld bytes, log %lld -> "
		         "%lld, in %lld ms",
		         (long long)r->db_bytes_before,
		         (long long)r->db_bytes_after,
		         (long long)r->wal_bytes_before,
		         (long long)r->wal_bytes_after, (long long)job->ms);
		j = ewsd_reply_begin(&q);
		jw_object_begin(j);
		sizes(j, "before", r->db_bytes_before, r->wal_bytes_before,
		      r->unused_bytes_before);
		sizes(j, "after", r->db_bytes_after, r->wal_bytes_after,
		      r->unused_bytes_after);
		jw_field_int(j, "duration_ms", job->ms);
		jw_object_end(j);
		ewsd_reply_end(&q, 200);
	} else {
		ewsd_log("not optimized: %s", job->message);
		if (job->st == EWS_EBUSY)
			ewsd_reply_error(&q, 503, "busy", NULL, "%s",
			                 job->message);
		else if (job->st == EWS_ELIMIT)
			ewsd_reply_error(&q, 409, "limit", NULL, "%s",
			                 job->message);
		else
			ewsd_reply_error(&q, 500, "internal", NULL, "%s",
			                 job->message);
	}
	optimize_free(job);
}

/* POST /api/v1/system/optimize, no body (or {}). */
static void
post_optimize(struct ewsd_req *q)
{
	static const char *const none[] = { NULL };
	struct optimize_job *job;
	int fds[2], rc;

	if (q->body && ewsd_body_only(q, none))
		return;
	if (optimizing) {
		ewsd_reply_error(q, 503, "busy", NULL,
		                 "the database is being optimized: wait for "
		                 "that answer");
		return;
	}
	if (!(job = calloc(1, sizeof(*job)))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	job->pipe_rd = job->pipe_wr = -1;
	job->site_dir = q->d->opts.site_dir;
	job->catalog_dir = getenv("EWS_CATALOG_DIR");
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC)) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of resources");
		optimize_free(job);
		return;
	}
	job->pipe_rd = fds[0];
	job->pipe_wr = fds[1];
	job->done_ev = event_new(q->d->base, job->pipe_rd, EV_READ,
	                         optimize_done, job);
	if (!job->done_ev || event_add(job->done_ev, NULL)) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of resources");
		optimize_free(job);
		return;
	}
	if ((rc = pthread_create(&job->thread, NULL, optimize_main, job))) {
		ewsd_reply_error(q, 503, "busy", NULL,
		                 "no thread to optimize on: %s", strerror(rc));
		optimize_free(job);
		return;
	}
	optimizing = job;
	ewsd_later_keep(q, &job->later);
}

void
ewsd_system_stop(struct ewsd *d)
{
	struct optimize_job *job = optimizing;

	(void)d;
	if (!job)
		return;
	/* bounded: the optimization gives up past its waits and its lock */
	pthread_join(job->thread, NULL);
	optimizing = NULL;
	evhttp_send_error(job->later.r, 503, "stopping");
	optimize_free(job);
}

static void
get_settings(struct ewsd_req *q)
{
	size_t n = ews_setting_count(), i;
	const char **names = calloc(n + 1, sizeof(*names));
	char **values = calloc(n + 1, sizeof(*values));
	ews_status st = names && values ? EWS_OK : EWS_ENOMEM;
	struct jw *j;

	for (i = 0; st == EWS_OK && i < n; i++) {
		names[i] = ews_setting_name(i);
		st = ews_site_setting_get(q->d->site, names[i], &values[i]);
	}
	if (st == EWS_OK) {
		j = ewsd_reply_begin(q);
		shape_settings(j, names, (const char *const *)values, n);
		ewsd_reply_end(q, 200);
	} else {
		ewsd_reply_status(q, st);
	}
	for (i = 0; values && i < n; i++)
		ews_free(values[i]);
	free(names);
	free(values);
}

/* The page a setting belongs to: the server's own (Web Server
 * configuration) or the installation's (System configuration). */
static unsigned int
setting_page(const char *name)
{
	static const char *const server[] = { "site_name",     "timezone",
		                              "language",      "csv_decimal",
		                              "csv_separator", NULL };

	for (size_t i = 0; server[i]; i++)
		if (!strcmp(server[i], name))
			return EWS_PAGE_SERVER_CONFIG;
	return EWS_PAGE_SYSTEM_CONFIG;
}

static void
put_setting(struct ewsd_req *q)
{
	static const char *const known[] = { "name", "value", NULL };
	char name[64] = "", value[256] = "";

	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "name", 1, name, sizeof(name)) ||
	    ewsd_body_str(q, "value", 1, value, sizeof(value)))
		return;
	if (!(q->user->pages & setting_page(name))) {
		ewsd_reply_error(q, 403, "forbidden", "name",
		                 "user '%s' has no right to change %s",
		                 q->user->name, name);
		return;
	}
	ewsd_reply_done(q, ews_site_setting_set(q->d->site, name, value), 0);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/events                                                  */

enum {
	EVENTS_LIMIT_MAX = 1000 /* and the default: an answer stays small */
};

/* ?NAME=TIME (ISO 8601 with an offset) into *out; 0 or replied. */
static int
query_event_time(struct ewsd_req *q, const char *name, int64_t *out)
{
	const char *v = ewsd_query(q, name);

	if (v && ews_time_parse(v, out) != EWS_OK) {
		ewsd_reply_error(q, 400, "bad_field", name,
		                 "%s: '%s' is not a time", name, v);
		return -1;
	}
	return 0;
}

/* ?NAME=ID (an event, a device) into *out; 0 or replied. */
static int
query_event_id(struct ewsd_req *q, const char *name, int64_t *out)
{
	const char *v = ewsd_query(q, name);

	return v ? ewsd_query_bad(q, name, v, query_id(v, out)) : 0;
}

/* The query parameters into eq; 0 or replied 400 naming the first bad
 * one. */
static int
query_events(struct ewsd_req *q, ews_event_query *eq)
{
	static const char *const known[] = { "from",   "to",     "device",
		                             "status", "latest", "order",
		                             "limit",  "before", "after",
		                             NULL };
	const char *status = ewsd_query(q, "status");
	const char *latest = ewsd_query(q, "latest");
	const char *order = ewsd_query(q, "order");
	const char *limit = ewsd_query(q, "limit");
	int64_t n = EVENTS_LIMIT_MAX;

	if (ewsd_query_only(q, known) ||
	    query_event_time(q, "from", &eq->from_ms) ||
	    query_event_time(q, "to", &eq->to_ms) ||
	    query_event_id(q, "device", &eq->device_id) ||
	    (status && ewsd_query_bad(q, "status", status,
	                              query_statuses(status, &eq->statuses))))
		return -1;
	if (latest && strcmp(latest, "0") && strcmp(latest, "1"))
		return ewsd_query_bad(q, "latest", latest, "0 or 1");
	eq->latest = latest && !strcmp(latest, "1");
	if (order && strcmp(order, "asc") && strcmp(order, "desc"))
		return ewsd_query_bad(q, "order", order,
		                      "an order: asc (oldest first) or desc "
		                      "(newest first)");
	eq->newest_first = order && !strcmp(order, "desc");
	if (limit && (query_id(limit, &n) || n > EVENTS_LIMIT_MAX))
		return ewsd_query_bad(q, "limit", limit,
		                      "a number of events from 1 to 1000");
	eq->limit = (size_t)n;
	return query_event_id(q, "before", &eq->before_id) ||
	       query_event_id(q, "after", &eq->after_id);
}

/* The device status events: filtered, in either order, a page at a time
 * (at most EVENTS_LIMIT_MAX), each with the names of its device and
 * gateway, so that a user with only the alarms page needs no other
 * route. */
static void
get_events(struct ewsd_req *q)
{
	ews_event_query eq;
	ews_list *events = NULL;
	ews_status st;

	ews_event_query_init(&eq, EWS_EVENT_QUERY_VERSION);
	if (query_events(q, &eq))
		return;
	st = ews_site_event_query(q->d->site, &eq, &events);
	if (st == EWS_ENOTFOUND) {
		/* A cursor naming no event: a bad parameter, not a route. */
		const char *field = ews_error_last()->field;
		const char *name = field && !strcmp(field, "after_id")
		                           ? "after"
		                           : "before";

		ewsd_reply_error(q, 400, "bad_field", name,
		                 "%s: '%s' is not an event", name,
		                 ewsd_query(q, name));
		return;
	}
	ewsd_reply_list(q, st, events, shape_at_event, shape_event);
}

extern const char ewsd_openapi[];
extern const size_t ewsd_openapi_len;

static void
get_openapi(struct ewsd_req *q)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(q->r);
	struct evbuffer *out = evbuffer_new();

	evhttp_add_header(h, "Content-Type", "application/json");
	if (out)
		evbuffer_add_reference(out, ewsd_openapi, ewsd_openapi_len,
		                       NULL, NULL);
	evhttp_send_reply(q->r, 200, NULL, out);
	if (out)
		evbuffer_free(out);
	q->replied = 1;
}

const struct ewsd_route ewsd_system_routes[] = {
	{ "GET", "/api/v1/openapi.json", get_openapi, EWSD_PUBLIC, 0,
	  "This description of the API (OpenAPI 3)" },
	{ "GET", "/api/v1/system", get_system, EWSD_PAGES,
	  EWS_PAGE_SERVER_CONFIG | EWS_PAGE_SYSTEM_CONFIG,
	  "Version, start, CPU, database size, free space, health (?check=1)" },
	{ "POST", "/api/v1/system/optimize", post_optimize, EWSD_PAGES,
	  EWS_PAGE_SERVER_CONFIG,
	  "Optimize the database (ANALYZE, VACUUM, checkpoint): its sizes "
	  "before and after" },
	{ "GET", "/api/v1/settings", get_settings, EWSD_SESSION, 0,
	  "Every setting of the site, name -> value" },
	{ "PUT", "/api/v1/settings", put_setting, EWSD_PAGES,
	  EWS_PAGE_SERVER_CONFIG | EWS_PAGE_SYSTEM_CONFIG,
	  "Change one setting: {name, value}" },
	{ "GET", "/api/v1/events", get_events, EWSD_PAGES, EWS_PAGE_ALARMS,
	  "Device status events with the names of their device and gateway "
	  "(?from=&to=&device=&status=&latest=&order=&limit=&before=&after=)" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
