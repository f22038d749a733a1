/*
 * ews samples list, ews events list (ACQ-2, ACQ-4): the recorded readings
 * and the device status changes of a site.
 *
 * Times are UTC, given as ISO 8601 "2026-11-26T10:00:00Z" (optionally with
 * ".mmm" milliseconds) or as milliseconds since the epoch, and printed in
 * the ISO form (with ".mmm" only when the milliseconds are not zero).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Time                                                                */

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil(). */
static void
civil_from_days(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned int
month_days(int64_t y, unsigned int m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30,
		                                31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Exactly n decimal digits at s. */
static int
digits(const char *s, size_t n, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.mmm]Z", every field in range. */
static int
parse_iso(const char *s, int64_t *out)
{
	unsigned int y, mo, d, h, mi, sec, ms = 0;
	size_t len = strlen(s);

	if (len != 20 && len != 24)
		return -1;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
	    s[7] != '-' || digits(s + 8, 2, &d) || s[10] != 'T' ||
	    digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) ||
	    s[16] != ':' || digits(s + 17, 2, &sec))
		return -1;
	if (len == 24 && (s[19] != '.' || digits(s + 20, 3, &ms)))
		return -1;
	if (s[len - 1] != 'Z')
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	*out = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
	*out = *out * 1000 + ms;
	return 0;
}

/* A time: ISO 8601 UTC or milliseconds since the epoch. */
static int
parse_time(const char *s, int64_t *out)
{
	if (strchr(s, 'T'))
		return parse_iso(s, out);
	return cli_parse_id(s, out);
}

static int
opt_time(const struct cli *c, const struct cli_opt *o, int64_t *out)
{
	if (parse_time(o->value, out) == 0)
		return 0;
	return cli_opt_bad(c, o,
	                   "a UTC time (2026-11-26T10:00:00Z) or "
	                   "milliseconds since 1970");
}

/* ISO 8601 UTC text of t_ms into buf (at least 32 bytes). */
static const char *
format_time(int64_t t_ms, char *buf, size_t size)
{
	int64_t ms = t_ms % 1000, secs, days, y;
	unsigned int m, d, sod;

	if (ms < 0)
		ms += 1000;
	secs = (t_ms - ms) / 1000;
	days = secs / 86400;
	if (secs % 86400 < 0)
		days--;
	sod = (unsigned int)(secs - days * 86400);
	civil_from_days(days, &y, &m, &d);
	if (ms)
		snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
		         (long long)y, m, d, sod / 3600, sod / 60 % 60,
		         sod % 60, (unsigned int)ms);
	else
		snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02uZ",
		         (long long)y, m, d, sod / 3600, sod / 60 % 60,
		         sod % 60);
	return buf;
}

/* ------------------------------------------------------------------ */
/* samples list                                                        */

static void
json_sample(struct cli_json *j, const void *obj)
{
	const ews_reading *r = obj;
	char t[40];

	cli_json_object_begin(j);
	cli_json_field_int(j, "device_id", r->device_id);
	cli_json_field_str(j, "quantity", ews_quantity_name(r->quantity));
	cli_json_field_int(j, "order", r->order);
	cli_json_field_int(j, "t_ms", r->t_ms);
	cli_json_field_str(j, "time", format_time(r->t_ms, t, sizeof(t)));
	cli_json_field_double(j, "value", r->value);
	cli_json_field_str(j, "unit", ews_quantity_unit(r->quantity));
	cli_json_object_end(j);
}

static void
rec_sample(struct cli_rec *r, const void *obj)
{
	const ews_reading *rd = obj;
	char t[40];

	cli_rec_add(r, "device_id", "%lld", (long long)rd->device_id);
	cli_rec_str(r, "quantity", ews_quantity_name(rd->quantity));
	cli_rec_uint(r, "order", rd->order);
	cli_rec_str(r, "time", format_time(rd->t_ms, t, sizeof(t)));
	cli_rec_add(r, "value", "%.10g", rd->value);
	cli_rec_str(r, "unit", ews_quantity_unit(rd->quantity));
}

static const void *
sample_at(const ews_list *list, size_t i)
{
	return ews_list_reading(list, i);
}

/* --from and --to of both lists. */
static int
time_opt(const struct cli *c, const struct cli_opt *o, int64_t *from,
         int64_t *to)
{
	if (o->id == OPT_FROM)
		return opt_time(c, o, from);
	if (o->id == OPT_TO)
		return opt_time(c, o, to);
	return -1;
}

static int
sample_opt(const struct cli *c, const struct cli_opt *o, ews_sample_query *q)
{
	unsigned int limit;

	switch (o->id) {
	case OPT_DEVICE:
		return cli_opt_id(c, o, &q->device_id);
	case OPT_QUANTITY:
		if (ews_quantity_from_name(o->value, &q->quantity) == EWS_OK)
			return 0;
		return cli_opt_bad(c, o,
		                   "a quantity name (e.g. "
		                   "active_energy_import)");
	case OPT_LIMIT:
		if (cli_parse_uint(o->value, &limit) != 0 || limit == 0)
			return cli_opt_bad(c, o, "a positive whole number");
		q->limit = limit;
		return 0;
	default:
		return time_opt(c, o, &q->from_ms, &q->to_ms);
	}
}

static int
run_samples_list(struct cli *c, const struct cli_args *a)
{
	ews_sample_query q;
	ews_list *list = NULL;
	ews_status st;

	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = sample_opt(c, &a->opt[i], &q);

		if (rc)
			return rc;
	}
	/* --to 0 is the epoch, not the library's "no bound": nothing. */
	if (cli_has_opt(a, OPT_TO) && q.to_ms == 0) {
		q.from_ms = INT64_MAX;
		q.to_ms = INT64_MAX;
	}
	st = ews_site_sample_list(c->site, &q, &list);
	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, sample_at, json_sample, rec_sample);
	ews_list_free(list);
	return CLI_OK;
}

static const struct cli_opt_spec samples_list_opts[] = {
	{ "device", 1, OPT_DEVICE }, { "quantity", 1, OPT_QUANTITY },
	{ "from", 1, OPT_FROM },     { "to", 1, OPT_TO },
	{ "limit", 1, OPT_LIMIT },   { NULL, 0, 0 },
};

static const struct cli_verb samples_verbs[] = {
	{ "list", run_samples_list, samples_list_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "[--device ID] [--quantity Q] [--from T] [--to T] [--limit N] "
	  "[--json]",
	  "List recorded samples by device, quantity, harmonic order, then\n"
	  "time. Values are in the canonical unit of their quantity. A time\n"
	  "T is UTC, 2026-11-26T10:00:00Z (or with .mmm milliseconds), or\n"
	  "milliseconds since 1970-01-01.\n"
	  "\n"
	  "Options:\n"
	  "  --device ID         only this device (also a deleted one)\n"
	  "  --quantity Q        only this quantity, e.g. "
	  "active_energy_import\n"
	  "  --from T            from this time on (inclusive)\n"
	  "  --to T              before this time (exclusive)\n"
	  "  --limit N           at most N samples, the first in order\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_samples = {
	"samples",
	"Recorded samples: the readings stored by acquisition.",
	samples_verbs,
	0,
};

/* ------------------------------------------------------------------ */
/* events list                                                         */

static void
json_event(struct cli_json *j, const void *obj)
{
	const ews_event *e = obj;
	char t[40];

	cli_json_object_begin(j);
	cli_json_field_int(j, "id", e->id);
	cli_json_field_int(j, "t_ms", e->t_ms);
	cli_json_field_str(j, "time", format_time(e->t_ms, t, sizeof(t)));
	cli_json_field_int(j, "device_id", e->device_id);
	cli_json_field_int(j, "gateway_id", e->gateway_id);
	cli_json_field_str(j, "old_status",
	                   ews_device_status_name(e->old_status));
	cli_json_field_str(j, "new_status",
	                   ews_device_status_name(e->new_status));
	cli_json_field_str(j, "reason", e->reason);
	cli_json_object_end(j);
}

static void
rec_event(struct cli_rec *r, const void *obj)
{
	const ews_event *e = obj;
	char t[40];

	cli_rec_add(r, "id", "%lld", (long long)e->id);
	cli_rec_str(r, "time", format_time(e->t_ms, t, sizeof(t)));
	cli_rec_add(r, "device_id", "%lld", (long long)e->device_id);
	cli_rec_add(r, "gateway_id", "%lld", (long long)e->gateway_id);
	cli_rec_str(r, "old_status", ews_device_status_name(e->old_status));
	cli_rec_str(r, "new_status", ews_device_status_name(e->new_status));
	cli_rec_str(r, "reason", e->reason);
}

static const void *
event_at(const ews_list *list, size_t i)
{
	return ews_list_event(list, i);
}

static int
run_events_list(struct cli *c, const struct cli_args *a)
{
	int64_t from = 0, to = 0;
	ews_list *list = NULL;
	ews_status st;

	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = time_opt(c, &a->opt[i], &from, &to);

		if (rc)
			return rc;
	}
	/* --to 0 is the epoch, not the library's "no bound": nothing. */
	if (cli_has_opt(a, OPT_TO) && to == 0)
		from = to = INT64_MAX;
	st = ews_site_event_list(c->site, from, to, &list);
	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, event_at, json_event, rec_event);
	ews_list_free(list);
	return CLI_OK;
}

static const struct cli_opt_spec events_list_opts[] = {
	{ "from", 1, OPT_FROM },
	{ "to", 1, OPT_TO },
	{ NULL, 0, 0 },
};

static const struct cli_verb events_verbs[] = {
	{ "list", run_events_list, events_list_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON, "[--from T] [--to T] [--json]",
	  "List the changes of device status (on, comm_error,\n"
	  "station_failure …), oldest first, with their reason. A time T\n"
	  "is UTC, 2026-11-26T10:00:00Z (or with .mmm milliseconds), or\n"
	  "milliseconds since 1970-01-01.\n"
	  "\n"
	  "Options:\n"
	  "  --from T            from this time on (inclusive)\n"
	  "  --to T              before this time (exclusive)\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_events = {
	"events",
	"Events: changes of device status recorded by acquisition.",
	events_verbs,
	0,
};
