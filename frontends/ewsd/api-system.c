/*
 * System information (SYS-3), the site's settings and the events.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "ewsd.h"

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
	jw_field_str(j, "database_health", info.health);
	jw_field_int(j, "recording_cycles", (int64_t)ewsd_live_cycles(q->d));
	jw_field_int(j, "login_lockouts", (int64_t)ewsd_auth_lockouts(q->d));
	jw_field_bool(j, "default_codes_in_use",
	              ewsd_auth_defaults_in_use(q->d));
	jw_object_end(j);
	ewsd_reply_end(q, 200);
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

/* GET /api/v1/events?from=TIME&to=TIME (ISO 8601 with an offset). */
static void
get_events(struct ewsd_req *q)
{
	static const char *const known[] = { "from", "to", NULL };
	const char *from = ewsd_query(q, "from"), *to = ewsd_query(q, "to");
	int64_t from_ms = 0, to_ms = 0;
	ews_list *events = NULL;
	ews_status st = EWS_OK;

	if (ewsd_query_only(q, known))
		return;
	if (from && ews_time_parse(from, &from_ms) != EWS_OK) {
		ewsd_reply_error(q, 400, "bad_field", "from",
		                 "from: '%s' is not a time", from);
		return;
	}
	if (to && ews_time_parse(to, &to_ms) != EWS_OK) {
		ewsd_reply_error(q, 400, "bad_field", "to",
		                 "to: '%s' is not a time", to);
		return;
	}
	st = ews_site_event_list(q->d->site, from_ms, to_ms, &events);
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
	{ "GET", "/api/v1/settings", get_settings, EWSD_SESSION, 0,
	  "Every setting of the site, name -> value" },
	{ "PUT", "/api/v1/settings", put_setting, EWSD_PAGES,
	  EWS_PAGE_SERVER_CONFIG | EWS_PAGE_SYSTEM_CONFIG,
	  "Change one setting: {name, value}" },
	{ "GET", "/api/v1/events", get_events, EWSD_PAGES, EWS_PAGE_ALARMS,
	  "Device status events, oldest first (?from=&to=)" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
