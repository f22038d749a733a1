/*
 * ews samples list|import, ews events list (ACQ-2, ACQ-4): the recorded
 * readings and the device status changes of a site.
 *
 * Times are UTC, given as ISO 8601 "2026-11-26T10:00:00Z" (optionally with
 * ".mmm" milliseconds) or as milliseconds since the epoch, and printed in
 * the ISO form (with ".mmm" only when the milliseconds are not zero), by
 * ews_time_parse() and ews_time_format().
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Time                                                                */

/*
 * A time of --from and --to: "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (ews_time_parse()
 * also takes offsets and shorter forms; these options keep to UTC written
 * in full) or milliseconds since the epoch.
 */
static int
parse_time(const char *s, int64_t *out)
{
	size_t len = strlen(s);

	if (!strchr(s, 'T'))
		return cli_parse_id(s, out);
	if (!((len == 20 && s[19] == 'Z') ||
	      (len == 24 && s[19] == '.' && s[23] == 'Z')))
		return -1;
	return ews_time_parse(s, out) == EWS_OK ? 0 : -1;
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

/* ISO 8601 UTC text of t_ms into buf (EWS_TIME_TEXT_MAX bytes). */
static const char *
format_time(int64_t t_ms, char *buf)
{
	return shape_time_text(t_ms, 0, buf);
}

/* ------------------------------------------------------------------ */
/* samples list                                                        */

static void
rec_sample(struct cli_rec *r, const void *obj)
{
	const ews_reading *rd = obj;
	char t[EWS_TIME_TEXT_MAX];

	cli_rec_add(r, "device_id", "%lld", (long long)rd->device_id);
	cli_rec_str(r, "quantity", ews_quantity_name(rd->quantity));
	cli_rec_uint(r, "order", rd->order);
	cli_rec_str(r, "time", format_time(rd->t_ms, t));
	cli_rec_add(r, "value", "%.10g", rd->value);
	cli_rec_str(r, "unit", ews_quantity_unit(rd->quantity));
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
	cli_print_list(a, list, shape_at_reading, shape_reading, rec_sample);
	ews_list_free(list);
	return CLI_OK;
}

/* ews samples import FILE: all lines or none (ews_site_samples_import). */
static int
run_samples_import(struct cli *c, const struct cli_args *a)
{
	ews_import_result res;
	ews_status st;
	struct jw j;

	st = ews_site_samples_import(c->site, a->pos[0], &res);
	if (st != EWS_OK)
		return cli_fail(st);
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_import(&j, a->pos[0], &res);
		jw_finish(&j);
	} else {
		printf("imported %zu samples (%zu lines)\n", res.samples,
		       res.lines);
	}
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
	{ "import", run_samples_import, NULL, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON, "FILE [--json]",
	  "Import samples from a CSV file, e.g. history from another system.\n"
	  "The first line is exactly\n"
	  "\n"
	  "  device,timestamp,quantity,value\n"
	  "\n"
	  "and each other line one sample: a device ID of this site; a time\n"
	  "as ISO 8601 with Z or an offset (2024-03-31T10:00:00+02:00) or as\n"
	  "whole unix seconds; a quantity name (active_energy_import,\n"
	  "harmonic_voltage_l1:3 with its harmonic order); the value in the\n"
	  "quantity's canonical unit (Wh, V, dm3 ...), '.' as the decimal\n"
	  "point. A UTF-8 byte order mark, CRLF line ends and blank lines at\n"
	  "the end are accepted; a line may hold 1024 bytes.\n"
	  "\n"
	  "All or nothing: a bad line is reported with its number and nothing\n"
	  "of the file is stored. A sample already stored (same device,\n"
	  "quantity, order and time) is replaced, so importing a file twice\n"
	  "changes nothing. Prints the number of samples imported; with\n"
	  "--json {\"path\", \"lines\", \"samples\"}.\n"
	  "\n"
	  "Options:\n" },
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
rec_event(struct cli_rec *r, const void *obj)
{
	const ews_event *e = &((const ews_event_entry *)obj)->event;
	char t[EWS_TIME_TEXT_MAX];

	cli_rec_add(r, "id", "%lld", (long long)e->id);
	cli_rec_str(r, "time", format_time(e->t_ms, t));
	cli_rec_add(r, "device_id", "%lld", (long long)e->device_id);
	cli_rec_add(r, "gateway_id", "%lld", (long long)e->gateway_id);
	cli_rec_str(r, "old_status", ews_device_status_name(e->old_status));
	cli_rec_str(r, "new_status", ews_device_status_name(e->new_status));
	cli_rec_str(r, "reason", e->reason);
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
	cli_print_list(a, list, shape_at_event, shape_event, rec_event);
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
