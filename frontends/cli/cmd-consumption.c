/*
 * ews consumption [overall|compare|measures] (CON-2..7, CON-9): the
 * histograms of <ews/consumption.h>: the options, the queries and the
 * verbs. The output of histograms, costs and splits is in
 * consumption-out.c.
 *
 * Amounts are the library's integer thousandths of the unit, printed as
 * exact decimals (jw_milli_text), never through floating point. Bucket
 * starts are local times with their offset (ews_time_format).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query.h"

/* What the options of one invocation ask. */
struct cquery {
	ews_consumption_query q;
	const struct cli_opt *scope, *with, *period, *date, *split, *quantity;
	ews_scope_kind with_kind;
	int64_t with_id;
	ews_scope_kind split_by;
	ews_quantity quantity_q;
	unsigned int order;
	int costs; /* --costs */
};

/* ------------------------------------------------------------------ */
/* Options                                                             */

/* A usage error unless `what` is NULL (query.h: NULL means valid). */
static int
opt_ok(const struct cli *c, const struct cli_opt *o, const char *what)
{
	return what ? cli_opt_bad(c, o, what) : 0;
}

const ews_commodity cli_commodities[CLI_COMMODITIES] = {
	EWS_COMMODITY_ELECTRICITY, EWS_COMMODITY_GAS, EWS_COMMODITY_WATER
};

int
cli_opt_commodity(const struct cli *c, const struct cli_opt *o,
                  ews_commodity *out)
{
	return opt_ok(c, o, query_commodity(o->value, out));
}

int
cli_args_commodity(const struct cli *c, const struct cli_args *a,
                   ews_commodity *out)
{
	*out = 0;
	for (size_t i = 0; i < a->n_opt; i++) {
		if (a->opt[i].id != OPT_COMMODITY)
			continue;
		if (cli_opt_commodity(c, &a->opt[i], out))
			return CLI_USAGE;
	}
	return CLI_OK;
}

static int
one_opt(const struct cli *c, const struct cli_opt *o, struct cquery *cq)
{
	ews_consumption_query *q = &cq->q;
	const char *v = o->value;

	switch (o->id) {
	case OPT_SCOPE:
		cq->scope = o;
		return opt_ok(c, o, query_scope(v, &q->scope, &q->scope_id));
	case OPT_WITH:
		cq->with = o;
		return opt_ok(c, o,
		              query_scope(v, &cq->with_kind, &cq->with_id));
	case OPT_COMMODITY:
		return cli_opt_commodity(c, o, &q->commodity);
	case OPT_PERIOD:
		cq->period = o;
		return opt_ok(c, o, query_period(v, &q->period));
	case OPT_DATE:
		cq->date = o;
		return opt_ok(c, o,
		              query_date(v, &q->year, &q->month, &q->day));
	case OPT_SPLIT:
		cq->split = o;
		return opt_ok(c, o, query_split(v, &cq->split_by));
	case OPT_QUANTITY:
		cq->quantity = o;
		return opt_ok(c, o,
		              query_quantity(v, &cq->quantity_q, &cq->order));
	case OPT_COSTS:
		cq->costs = 1;
		return 0;
	}
	return 0;
}

/* Read the options; --period and --date are always required, --scope
 * when need_scope. Returns 0 or an exit code. */
static int
read_opts(const struct cli *c, const struct cli_args *a, struct cquery *cq,
          int need_scope)
{
	memset(cq, 0, sizeof(*cq));
	ews_consumption_query_init(&cq->q, EWS_CONSUMPTION_QUERY_VERSION);
	cq->q.commodity = 0; /* a device's own; electricity otherwise */
	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = one_opt(c, &a->opt[i], cq);

		if (rc)
			return rc;
	}
	if (need_scope && !cq->scope)
		return cli_usage(c, "missing option --scope");
	if (!cq->period)
		return cli_usage(c, "missing option --period");
	if (!cq->date)
		return cli_usage(c, "missing option --date");
	return 0;
}

/*
 * A refusal of the library, with the option it is about: the field of the
 * last error names it. `scope_opt` is the option of the scope queried
 * ("--scope" or "--with").
 */
static int
fail_query(ews_status st, const char *scope_opt)
{
	static const struct {
		const char *field, *opt;
	} map[] = {
		{ "scope", NULL },
		{ "scope_id", NULL },
		{ "device", NULL },
		{ "device_id", NULL },
		{ "load", NULL },
		{ "load_id", NULL },
		{ "group", NULL },
		{ "group_id", NULL },
		{ "commodity", "--commodity" },
		{ "period", "--period" },
		{ "year", "--date" },
		{ "month", "--date" },
		{ "day", "--date" },
		{ "date", "--date" },
		{ "quantity", "--quantity" },
		{ "order", "--quantity" },
		{ "by", "--split" },
	};
	const ews_error *e = ews_error_last();
	const char *msg = e->message;
	size_t flen = strlen(e->field);

	if (st != EWS_EINVAL && st != EWS_ENOTFOUND)
		return cli_fail(st);
	if (e->code != st || !*e->field)
		return cli_fail(st);
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].field, e->field) != 0)
			continue;
		if (strncmp(msg, e->field, flen) == 0 &&
		    strncmp(msg + flen, ": ", 2) == 0)
			msg += flen + 2;
		return cli_refuse("%s: %s", map[i].opt ? map[i].opt : scope_opt,
		                  msg);
	}
	return cli_fail(st);
}

/* ------------------------------------------------------------------ */
/* ews consumption                                                     */

static int
run_consumption(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_histogram h;
	ews_cost_histogram ch;
	ews_list *split = NULL, *costs = NULL;
	struct jw j;
	ews_status st;
	int rc = read_opts(c, a, &cq, 1);

	if (rc)
		return rc;
	st = ews_site_consumption(c->site, &cq.q, &h);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	/* The histogram's commodity: a device's own if not given. */
	cq.q.commodity = h.commodity;
	if (cq.costs && (st = ews_site_cost(c->site, &cq.q, &ch)) != EWS_OK)
		return fail_query(st, "--scope");
	if (cq.split) {
		st = ews_site_consumption_split(c->site, &cq.q, cq.split_by,
		                                &split);
		if (st != EWS_OK)
			return fail_query(st, "--scope");
		if (cq.costs && (st = ews_site_cost_split(c->site, &cq.q, split,
		                                          &costs)) != EWS_OK) {
			ews_list_free(split);
			return fail_query(st, "--split");
		}
	}
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_consumption(&j, &h, cq.costs ? &ch : NULL, split, costs);
		jw_finish(&j);
	} else {
		cli_print_histogram(&h, cq.costs ? &ch : NULL);
		if (split)
			cli_print_split(split, ews_commodity_unit(h.commodity),
			                costs, cq.costs ? ch.currency : "");
	}
	ews_list_free(costs);
	ews_list_free(split);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption overall                                             */

static void
rec_milli(struct cli_rec *r, const char *key, int64_t milli, const char *unit)
{
	char v[32];

	cli_rec_add(r, key, "%s %s", jw_milli_text(milli, v, sizeof(v)), unit);
}

/* A previous period's amount, or "-" when it has no data. */
static void
rec_previous(struct cli_rec *r, const char *key, int has, int64_t milli,
             const char *unit)
{
	if (has)
		rec_milli(r, key, milli, unit);
	else
		cli_rec_str(r, key, NULL);
}

/* The keys of each commodity's cost and its previous period's, in the
 * order of cli_commodities. */
static const char *const overall_cost_keys[CLI_COMMODITIES] = {
	"electricity_cost", "gas_cost", "water_cost"
};
static const char *const overall_previous_cost_keys[CLI_COMMODITIES] = {
	"previous_electricity_cost", "previous_gas_cost", "previous_water_cost"
};

/* The costs of `ews consumption overall` (the keys of its JSON). */
static void
rec_overall_costs(struct cli_rec *r, const struct shape_overall_costs *oc)
{
	char m[64];
	int any = 0;

	for (size_t i = 0; i < CLI_COMMODITIES; i++)
		cli_rec_str(r, overall_cost_keys[i],
		            cli_money_text(oc->micro[i], oc->currency, m,
		                           sizeof(m)));
	cli_rec_str(r, "total_cost",
	            cli_money_text(oc->total, oc->currency, m, sizeof(m)));
	for (size_t i = 0; i < CLI_COMMODITIES; i++) {
		any |= oc->has_previous[i];
		cli_rec_str(r, overall_previous_cost_keys[i],
		            oc->has_previous[i]
		                    ? cli_money_text(oc->previous_micro[i],
		                                     oc->currency, m, sizeof(m))
		                    : NULL);
	}
	cli_rec_str(r, "previous_total_cost",
	            any ? cli_money_text(oc->previous_total, oc->currency, m,
	                                 sizeof(m))
	                : NULL);
}

static int
run_overall(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_overall_periods ov;
	const ews_overall *cur = &ov.current, *prev = &ov.previous;
	ews_histogram h;
	struct shape_overall_costs oc;
	struct jw j;
	struct cli_rec r = { 0 };
	char t[EWS_TIME_TEXT_MAX];
	const char *start = NULL;
	ews_status st;
	int rc = read_opts(c, a, &cq, 0);

	if (rc)
		return rc;
	cq.q.scope = EWS_SCOPE_SITE;
	cq.q.scope_id = 0;
	cq.q.commodity = EWS_COMMODITY_ELECTRICITY;
	st = ews_site_consumption_overall_periods(c->site, &cq.q, &ov);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	/* The period's first local instant: that of its first bucket. */
	st = ews_site_consumption(c->site, &cq.q, &h);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	/* The site's cost of each commodity (CON-4 by cost). */
	if (cq.costs &&
	    (st = shape_overall_costs_get(c->site, &cq.q, &oc)) != EWS_OK)
		return fail_query(st, "--scope");
	if (h.count > 0)
		start = shape_time_text(h.buckets[0].start_ms,
		                        h.buckets[0].utc_offset_s, t);
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_overall(&j, cq.q.period, start, &ov,
		              cq.costs ? &oc : NULL);
		jw_finish(&j);
		return CLI_OK;
	}
	cli_rec_str(&r, "period", ews_period_name(cq.q.period));
	cli_rec_str(&r, "start", start);
	rec_milli(&r, "electricity", cur->electricity_milli_wh, "Wh");
	rec_milli(&r, "gas", cur->gas_milli_dm3, "dm3");
	rec_milli(&r, "gas_kwh_equiv", cur->gas_milli_kwh_equiv, "kWh");
	rec_milli(&r, "water", cur->water_milli_dm3, "dm3");
	cli_rec_str(&r, "estimated", cli_yes_no(cur->estimated));
	rec_previous(&r, "previous_electricity", ov.has_previous_electricity,
	             prev->electricity_milli_wh, "Wh");
	rec_previous(&r, "previous_gas", ov.has_previous_gas,
	             prev->gas_milli_dm3, "dm3");
	rec_previous(&r, "previous_gas_kwh_equiv", ov.has_previous_gas,
	             prev->gas_milli_kwh_equiv, "kWh");
	rec_previous(&r, "previous_water", ov.has_previous_water,
	             prev->water_milli_dm3, "dm3");
	if (cq.costs)
		rec_overall_costs(&r, &oc);
	cli_rec_print(&r, stdout);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption compare                                             */

static int
run_compare(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_histogram ha, hb;
	ews_cost_histogram ca, cb;
	ews_consumption_query qb;
	struct jw j;
	ews_status st;
	int rc = read_opts(c, a, &cq, 1);

	if (rc)
		return rc;
	if (!cq.with)
		return cli_usage(c, "missing option --with");
	if (cq.q.scope != EWS_SCOPE_DEVICE)
		return cli_opt_bad(c, cq.scope, "a device (device:ID)");
	if (cq.with_kind != EWS_SCOPE_DEVICE)
		return cli_opt_bad(c, cq.with, "a device (device:ID)");
	qb = cq.q;
	qb.scope_id = cq.with_id;
	st = ews_site_consumption(c->site, &cq.q, &ha);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	st = ews_site_consumption(c->site, &qb, &hb);
	if (st != EWS_OK)
		return fail_query(st, "--with");
	if (ha.commodity != hb.commodity && !cq.costs)
		return cli_refuse(
		        "--with: %s measures %s and %s %s: a non-homogeneous "
		        "pair compares by cost, with the tariffs: add --costs",
		        cq.scope->value,
		        cli_or_dash(ews_commodity_name(ha.commodity)),
		        cq.with->value,
		        cli_or_dash(ews_commodity_name(hb.commodity)));
	if (cq.costs && (st = ews_site_cost(c->site, &cq.q, &ca)) != EWS_OK)
		return fail_query(st, "--scope");
	if (cq.costs && (st = ews_site_cost(c->site, &qb, &cb)) != EWS_OK)
		return fail_query(st, "--with");
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_compare(&j, &ha, &hb, cq.costs ? &ca : NULL,
		              cq.costs ? &cb : NULL);
		jw_finish(&j);
		return CLI_OK;
	}
	cli_print_compare(&ha, &hb, cq.costs ? &ca : NULL,
	                  cq.costs ? &cb : NULL);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption measures                                            */

static void
print_measures(const ews_measure_histogram *m)
{
	static const char *const headers[] = { "start", "count", "min", "avg",
		                               "max" };
	struct cli_table *t = cli_table_new(5, headers);
	const char *unit = ews_quantity_unit(m->quantity);
	char s[EWS_TIME_TEXT_MAX], qt[EWS_NAME_MAX + 8];

	printf("device:%lld, %s (%s), %s of %04ld-%02u-%02u\n",
	       (long long)m->device_id,
	       cli_or_dash(shape_quantity_text(m->quantity, m->order, qt,
	                                       sizeof(qt))),
	       unit && *unit ? unit : "no unit",
	       cli_or_dash(ews_period_name(m->period)), (long)m->year, m->month,
	       m->day);
	for (size_t i = 0; i < m->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_measure_bucket *b = &m->buckets[i];

		cli_table_cell(
		        t, "%s",
		        shape_time_text(b->start_ms, b->utc_offset_s, s));
		cli_table_cell(t, "%zu", b->count);
		if (b->count) {
			cli_table_cell(t, "%.10g", b->min);
			cli_table_cell(t, "%.10g", b->avg);
			cli_table_cell(t, "%.10g", b->max);
		} else {
			cli_table_cell(t, "-");
			cli_table_cell(t, "-");
			cli_table_cell(t, "-");
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static int
run_measures(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_measure_histogram m;
	struct jw j;
	ews_status st;
	int rc = read_opts(c, a, &cq, 1);

	if (rc)
		return rc;
	if (!cq.quantity)
		return cli_usage(c, "missing option --quantity");
	if (cq.q.scope != EWS_SCOPE_DEVICE)
		return cli_opt_bad(c, cq.scope,
		                   "a device (device:ID): measures are "
		                   "per device");
	st = ews_site_measure_histogram(c->site, &cq.q, cq.quantity_q, cq.order,
	                                &m);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_measures(&j, &m);
		jw_finish(&j);
	} else {
		print_measures(&m);
	}
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* The noun                                                            */

static const struct cli_opt_spec consumption_opts[] = {
	{ "scope", 1, OPT_SCOPE },
	{ "commodity", 1, OPT_COMMODITY },
	{ "period", 1, OPT_PERIOD },
	{ "date", 1, OPT_DATE },
	{ "split", 1, OPT_SPLIT },
	{ "costs", 0, OPT_COSTS },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec overall_opts[] = {
	{ "period", 1, OPT_PERIOD },
	{ "date", 1, OPT_DATE },
	{ "costs", 0, OPT_COSTS },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec compare_opts[] = {
	{ "scope", 1, OPT_SCOPE },   { "with", 1, OPT_WITH },
	{ "period", 1, OPT_PERIOD }, { "date", 1, OPT_DATE },
	{ "costs", 0, OPT_COSTS },   { NULL, 0, 0 },
};

static const struct cli_opt_spec measures_opts[] = {
	{ "scope", 1, OPT_SCOPE },
	{ "quantity", 1, OPT_QUANTITY },
	{ "period", 1, OPT_PERIOD },
	{ "date", 1, OPT_DATE },
	{ NULL, 0, 0 },
};

#define PERIOD_HELP                                                            \
	"  --period P          day (per local hour: 23, 24 or 25 buckets),\n"  \
	"                      month (per day), year (per month) or decade\n"  \
	"                      (per year, from a year ending in 0)\n"          \
	"  --date YYYY-MM-DD   a local date inside the period\n"

#define COSTS_HELP                                                             \
	"  --costs             also the costs, by the tariffs and cost "       \
	"rules\n"                                                              \
	"                      (`ews tariff|price|rule --help`)\n"

static const struct cli_verb consumption_verbs[] = {
	{ NULL, run_consumption, consumption_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--scope S --period P --date D [options]",
	  "Consumption of a scope in a period, per bucket of local time in\n"
	  "the site's time zone: the differences of the meters' counters\n"
	  "(Wh of electricity, dm3 of gas and water), exact to the\n"
	  "thousandth. A bucket marked * is estimated: part of it was spread\n"
	  "over a gap in the samples. With --json:\n"
	  "  {\"scope\", \"commodity\", \"period\", \"unit\", \"buckets\": "
	  "[{\"start\",\n"
	  "  \"value\", \"recorded\", \"estimated\"}...], \"total\",\n"
	  "  \"previous_total\" (null without data), \"split\" (with "
	  "--split)}\n"
	  "With --costs, each bucket also has \"cost\", \"by_tariff\"\n"
	  "({\"<tariff>\": cost, ..., \"no tariff\": null}: the tariffs with\n"
	  "consumption in it) and \"unpriced\" (its consumption under no\n"
	  "tariff, when any); the histogram \"currency\", \"total_cost\",\n"
	  "\"total_by_tariff\", \"unpriced\" (when any) and\n"
	  "\"previous_total_cost\" (null without data); each item of\n"
	  "\"split\" its \"cost\". Money is an exact decimal in the currency\n"
	  "of the setting `currency`. Consumption under no true cost rule, or\n"
	  "under a tariff with no price on its date, is \"no tariff\": it is\n"
	  "not priced at 0.\n"
	  "See also `ews consumption overall|compare|measures --help`.\n"
	  "\n"
	  "Options:\n"
	  "  --scope S           site, device:ID, load:ID or group:ID\n"
	  "  --commodity C       electricity, gas or water (default: a\n"
	  "                      device's own, else electricity)\n" PERIOD_HELP
	  "  --split load|group  also the totals per load or measure "
	  "group\n" COSTS_HELP },
	{ "overall", run_overall, overall_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--period P --date D [--costs] [--json]",
	  "The site's totals of every commodity in a period: electricity\n"
	  "(Wh), gas (dm3, and kWh-equivalent through the setting\n"
	  "gas_factor_kwh_per_m3) and water (dm3), and those of the period\n"
	  "before. With --json:\n"
	  "  {\"period\", \"start\", \"electricity_wh\", \"gas_dm3\",\n"
	  "  \"gas_kwh_equiv\", \"water_dm3\", \"estimated\",\n"
	  "  \"previous_electricity_wh\", \"previous_gas_dm3\",\n"
	  "  \"previous_gas_kwh_equiv\", \"previous_water_dm3\"}\n"
	  "(a previous figure is null when nothing was recorded then), and\n"
	  "with --costs \"currency\", \"electricity_cost\", \"gas_cost\",\n"
	  "\"water_cost\", \"total_cost\" (priced consumption only) and\n"
	  "\"previous_electricity_cost\", \"previous_gas_cost\",\n"
	  "\"previous_water_cost\", \"previous_total_cost\" (null without\n"
	  "data).\n"
	  "\n"
	  "Options:\n" PERIOD_HELP COSTS_HELP },
	{ "compare", run_compare, compare_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--scope device:A --with device:B --period P --date D [--costs] "
	  "[--json]",
	  "The histograms of two devices of one commodity side by side.\n"
	  "Devices of different commodities compare by cost only: they need\n"
	  "--costs. With --json {\"a\": histogram, \"b\": histogram}, each\n"
	  "as `ews consumption` (with --costs, its costs).\n"
	  "\n"
	  "Options:\n"
	  "  --scope device:A    the first device\n"
	  "  --with device:B     the second device\n" PERIOD_HELP COSTS_HELP },
	{ "measures", run_measures, measures_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--scope device:ID --quantity Q --period P --date D [--json]",
	  "Minimum, mean and maximum of the recorded samples of a measured\n"
	  "quantity of a device, per bucket of the period. With --json:\n"
	  "  {\"device\", \"quantity\", \"unit\", \"period\", \"buckets\":\n"
	  "  [{\"start\", \"count\", \"min\", \"avg\", \"max\"}...]}\n"
	  "with null for min, avg and max of a bucket without samples.\n"
	  "\n"
	  "Options:\n"
	  "  --scope device:ID   the device\n"
	  "  --quantity Q        a quantity, e.g. voltage_ln_l1; NAME:ORDER\n"
	  "                      for a harmonic, e.g. "
	  "harmonic_voltage_l1:3\n" PERIOD_HELP },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_consumption = {
	"consumption",
	"Consumption histograms: per hour, day, month or year of a site, "
	"device, load or group.",
	consumption_verbs,
	0,
};
