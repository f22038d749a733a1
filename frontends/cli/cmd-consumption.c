/*
 * ews consumption [overall|compare|measures] (CON-2..7, CON-9): the
 * histograms of <ews/consumption.h>.
 *
 * Amounts are the library's integer thousandths of the unit, printed as
 * exact decimals (cli_milli_text), never through floating point. Bucket
 * starts are local times with their offset (ews_time_format).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

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

/* "site", "device:ID", "load:ID", "group:ID". */
static int
parse_scope(const struct cli *c, const struct cli_opt *o, ews_scope_kind *kind,
            int64_t *id)
{
	const char *colon = strchr(o->value, ':');
	char name[16];
	size_t len = colon ? (size_t)(colon - o->value) : strlen(o->value);

	if (strcmp(o->value, "site") == 0) {
		*kind = EWS_SCOPE_SITE;
		*id = 0;
		return 0;
	}
	if (!colon || len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, o->value, len);
	name[len] = '\0';
	if (ews_scope_kind_from_name(name, kind) != EWS_OK ||
	    *kind == EWS_SCOPE_SITE || cli_parse_id(colon + 1, id) != 0 ||
	    *id == 0)
		goto bad;
	return 0;
bad:
	return cli_opt_bad(c, o,
	                   "a scope: site, device:ID, load:ID or group:ID");
}

int
cli_opt_commodity(const struct cli *c, const struct cli_opt *o,
                  ews_commodity *out)
{
	static const ews_commodity all[] = { EWS_COMMODITY_ELECTRICITY,
		                             EWS_COMMODITY_GAS,
		                             EWS_COMMODITY_WATER };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = ews_commodity_name(all[i]);

		if (name && strcmp(name, o->value) == 0) {
			*out = all[i];
			return 0;
		}
	}
	return cli_opt_bad(c, o, "a commodity: electricity, gas or water");
}

/* Exactly YYYY-MM-DD, a day of the calendar. */
static int
parse_date(const struct cli *c, const struct cli_opt *o,
           ews_consumption_query *q)
{
	const char *s = o->value;
	char iso[24];
	int64_t t;

	for (size_t i = 0; i < 10; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			goto bad;
	}
	if (s[10] != '\0')
		goto bad;
	snprintf(iso, sizeof(iso), "%sT00:00Z", s);
	if (ews_time_parse(iso, &t) != EWS_OK)
		goto bad;
	q->year = (int32_t)strtol(s, NULL, 10);
	q->month = (unsigned int)strtoul(s + 5, NULL, 10);
	q->day = (unsigned int)strtoul(s + 8, NULL, 10);
	return 0;
bad:
	return cli_opt_bad(c, o, "a date YYYY-MM-DD of the calendar");
}

/* NAME or NAME:ORDER. */
static int
parse_quantity(const struct cli *c, const struct cli_opt *o, ews_quantity *q,
               unsigned int *order)
{
	const char *colon = strchr(o->value, ':');
	size_t len = colon ? (size_t)(colon - o->value) : strlen(o->value);
	char name[EWS_NAME_MAX];

	*order = 0;
	if (len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, o->value, len);
	name[len] = '\0';
	if (ews_quantity_from_name(name, q) != EWS_OK)
		goto bad;
	if (colon && (cli_parse_uint(colon + 1, order) != 0 || *order == 0))
		goto bad;
	return 0;
bad:
	return cli_opt_bad(c, o,
	                   "a quantity name, with :ORDER for harmonics "
	                   "(voltage_ln_l1, harmonic_current_l1:3)");
}

static int
one_opt(const struct cli *c, const struct cli_opt *o, struct cquery *cq)
{
	ews_consumption_query *q = &cq->q;

	switch (o->id) {
	case OPT_SCOPE:
		cq->scope = o;
		return parse_scope(c, o, &q->scope, &q->scope_id);
	case OPT_WITH:
		cq->with = o;
		return parse_scope(c, o, &cq->with_kind, &cq->with_id);
	case OPT_COMMODITY:
		return cli_opt_commodity(c, o, &q->commodity);
	case OPT_PERIOD:
		cq->period = o;
		if (ews_period_from_name(o->value, &q->period) == EWS_OK)
			return 0;
		return cli_opt_bad(c, o,
		                   "a period: day, month, year or decade");
	case OPT_DATE:
		cq->date = o;
		return parse_date(c, o, q);
	case OPT_SPLIT:
		cq->split = o;
		if (strcmp(o->value, "load") == 0)
			cq->split_by = EWS_SCOPE_LOAD;
		else if (strcmp(o->value, "group") == 0)
			cq->split_by = EWS_SCOPE_GROUP;
		else
			return cli_opt_bad(c, o, "load or group");
		return 0;
	case OPT_QUANTITY:
		cq->quantity = o;
		return parse_quantity(c, o, &cq->quantity_q, &cq->order);
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
/* Output                                                              */

/* "site" or "kind:ID". */
static const char *
scope_text(ews_scope_kind kind, int64_t id, char *buf, size_t size)
{
	const char *name = ews_scope_kind_name(kind);

	if (kind == EWS_SCOPE_SITE)
		return "site";
	snprintf(buf, size, "%s:%lld", name ? name : "?", (long long)id);
	return buf;
}

/* {"<tariff name>": cost, ..., "no tariff": null}: the columns with
 * consumption, by the columns' order. */
static void
json_by_tariff(struct cli_json *j, const char *key,
               const ews_cost_histogram *ch, const int64_t *value_milli,
               const int64_t *cost_micro)
{
	cli_json_key(j, key);
	cli_json_object_begin(j);
	for (size_t c = 0; c < ch->columns && c < EWS_COST_COLUMNS; c++) {
		if (value_milli[c] == 0 && cost_micro[c] == 0)
			continue;
		if (ch->tariff_id[c] == 0) {
			cli_json_key(j, ch->tariff_name[c]);
			cli_json_null(j);
		} else {
			cli_json_field_money(j, ch->tariff_name[c],
			                     cost_micro[c]);
		}
	}
	cli_json_object_end(j);
}

/* The consumption of the "no tariff" column (the last). */
static int64_t
unpriced(const ews_cost_histogram *ch, const int64_t *value_milli)
{
	return ch->columns ? value_milli[ch->columns - 1] : 0;
}

static void
json_bucket_cost(struct cli_json *j, const ews_cost_histogram *ch, size_t i)
{
	const ews_cost_bucket *b = &ch->buckets[i];
	int64_t none = unpriced(ch, b->value_milli);

	cli_json_field_money(j, "cost", b->cost_micro);
	json_by_tariff(j, "by_tariff", ch, b->value_milli, b->cost_micro_by);
	if (none > 0)
		cli_json_field_milli(j, "unpriced", none);
}

static void
json_total_cost(struct cli_json *j, const ews_cost_histogram *ch)
{
	int64_t none = unpriced(ch, ch->total_value_milli);

	cli_json_field_str(j, "currency", ch->currency);
	cli_json_field_money(j, "total_cost", ch->total_cost_micro);
	json_by_tariff(j, "total_by_tariff", ch, ch->total_value_milli,
	               ch->total_cost_micro_by);
	if (none > 0)
		cli_json_field_milli(j, "unpriced", none);
	if (ch->has_previous) {
		cli_json_field_money(j, "previous_total_cost",
		                     ch->previous_total_cost_micro);
	} else {
		cli_json_key(j, "previous_total_cost");
		cli_json_null(j);
	}
}

/* The fields of a histogram in a new object, left open for more; with
 * the costs of ch unless it is NULL. */
static void
json_histogram(struct cli_json *j, const ews_histogram *h,
               const ews_cost_histogram *ch)
{
	char t[EWS_TIME_TEXT_MAX], sc[48];

	cli_json_object_begin(j);
	cli_json_field_str(j, "scope",
	                   scope_text(h->scope, h->scope_id, sc, sizeof(sc)));
	cli_json_field_str(j, "commodity", ews_commodity_name(h->commodity));
	cli_json_field_str(j, "period", ews_period_name(h->period));
	cli_json_field_str(j, "unit", ews_commodity_unit(h->commodity));
	cli_json_key(j, "buckets");
	cli_json_array_begin(j, 0);
	for (size_t i = 0; i < h->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = &h->buckets[i];

		cli_json_object_begin(j);
		cli_json_field_str(
		        j, "start",
		        cli_time_text(b->start_ms, b->utc_offset_s, t));
		cli_json_field_milli(j, "value", b->value_milli);
		cli_json_field_bool(j, "recorded", b->recorded);
		cli_json_field_bool(j, "estimated", b->estimated);
		if (ch && i < ch->count)
			json_bucket_cost(j, ch, i);
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_field_milli(j, "total", h->total_milli);
	cli_json_key(j, "previous_total");
	if (h->has_previous)
		cli_json_milli(j, h->previous_total_milli);
	else
		cli_json_null(j);
	if (ch)
		json_total_cost(j, ch);
}

/* costs: the total cost of each item, or NULL. */
static void
json_split(struct cli_json *j, const ews_list *split, const int64_t *costs)
{
	cli_json_key(j, "split");
	cli_json_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(split); i++) {
		const ews_scope_total *s = ews_list_scope_total(split, i);

		cli_json_object_begin(j);
		cli_json_field_int(j, "id", s->scope_id);
		cli_json_field_str(j, "name", s->name);
		cli_json_field_milli(j, "total", s->total_milli);
		cli_json_key(j, "previous_total");
		if (s->has_previous)
			cli_json_milli(j, s->previous_total_milli);
		else
			cli_json_null(j);
		cli_json_field_bool(j, "estimated", s->estimated);
		if (costs)
			cli_json_field_money(j, "cost", costs[i]);
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
}

/* "12.5 Wh", or "-" for nothing recorded. */
static const char *
amount(int64_t milli, const char *unit, char *buf, size_t size)
{
	char v[32];

	snprintf(buf, size, "%s %s", cli_milli_text(milli, v, sizeof(v)),
	         unit ? unit : "");
	return buf;
}

static void
print_title(const ews_histogram *h)
{
	char sc[48];

	printf("%s, %s, %s of %04ld-%02u-%02u\n",
	       scope_text(h->scope, h->scope_id, sc, sizeof(sc)),
	       cli_or_dash(ews_commodity_name(h->commodity)),
	       cli_or_dash(ews_period_name(h->period)), (long)h->year, h->month,
	       h->day);
}

static void
print_totals(const char *label, int64_t total, int has_previous,
             int64_t previous, const char *unit)
{
	char a[64], b[64];

	if (has_previous)
		printf("%s  %s (previous period: %s)\n", label,
		       amount(total, unit, a, sizeof(a)),
		       amount(previous, unit, b, sizeof(b)));
	else
		printf("%s  %s (previous period: no data)\n", label,
		       amount(total, unit, a, sizeof(a)));
}

/* Money and its currency: "5.3 EUR". */
static const char *
money(int64_t micro, const char *currency, char *buf, size_t size)
{
	char m[EWS_MONEY_TEXT_MAX];

	ews_money_format(micro, m);
	snprintf(buf, size, "%s %s", m, currency);
	return buf;
}

static void
print_cost_totals(const char *label, const ews_cost_histogram *ch)
{
	char a[64], b[64];

	if (ch->has_previous)
		printf("%s  %s (previous period: %s)\n", label,
		       money(ch->total_cost_micro, ch->currency, a, sizeof(a)),
		       money(ch->previous_total_cost_micro, ch->currency, b,
		             sizeof(b)));
	else
		printf("%s  %s (previous period: no data)\n", label,
		       money(ch->total_cost_micro, ch->currency, a, sizeof(a)));
}

/* The period's consumption and cost per tariff, the columns with any. */
static void
print_by_tariff(const ews_cost_histogram *ch, const char *unit)
{
	static const char *const headers[] = { "tariff", "consumption",
		                               "cost" };
	struct cli_table *t = NULL;
	char a[64];

	for (size_t c = 0; c < ch->columns && c < EWS_COST_COLUMNS; c++) {
		if (ch->total_value_milli[c] == 0 &&
		    ch->total_cost_micro_by[c] == 0)
			continue;
		if (!t)
			t = cli_table_new(3, headers);
		cli_table_cell(t, "%s", ch->tariff_name[c]);
		cli_table_cell(
		        t, "%s",
		        amount(ch->total_value_milli[c], unit, a, sizeof(a)));
		if (ch->tariff_id[c])
			cli_table_cell(t, "%s",
			               money(ch->total_cost_micro_by[c],
			                     ch->currency, a, sizeof(a)));
		else
			cli_table_cell(t, "-");
	}
	if (t) {
		putchar('\n');
		cli_table_print(t, stdout);
	}
	cli_table_free(t);
}

/* A bucket's value as a table cell: "-" when nothing was recorded, a
 * trailing " *" when estimated. */
static void
bucket_cell(struct cli_table *t, const ews_bucket *b, const char *unit)
{
	char a[64];

	if (!b->recorded)
		cli_table_cell(t, "-");
	else
		cli_table_cell(t, "%s%s",
		               amount(b->value_milli, unit, a, sizeof(a)),
		               b->estimated ? " *" : "");
}

/* Bucket i's cost as a table cell, "-" when nothing was recorded. */
static void
cost_cell(struct cli_table *t, const ews_bucket *b,
          const ews_cost_histogram *ch, size_t i)
{
	char a[64];

	if (!b->recorded || i >= ch->count)
		cli_table_cell(t, "-");
	else
		cli_table_cell(t, "%s",
		               money(ch->buckets[i].cost_micro, ch->currency, a,
		                     sizeof(a)));
}

/* Bucket i's consumption under no tariff as a cell, "" for none. */
static void
unpriced_cell(struct cli_table *t, const ews_cost_histogram *ch, size_t i,
              const char *unit)
{
	int64_t none =
	        i < ch->count ? unpriced(ch, ch->buckets[i].value_milli) : 0;
	char a[64];

	cli_table_cell(t, "%s", none ? amount(none, unit, a, sizeof(a)) : "");
}

/* The histogram, with the costs of ch unless it is NULL. */
static void
print_histogram(const ews_histogram *h, const ews_cost_histogram *ch)
{
	static const char *const headers[] = { "start", "value", "cost",
		                               "no tariff" };
	const char *unit = ews_commodity_unit(h->commodity);
	struct cli_table *t = cli_table_new(ch ? 4 : 2, headers);
	char s[EWS_TIME_TEXT_MAX];

	print_title(h);
	for (size_t i = 0; i < h->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = &h->buckets[i];

		cli_table_cell(t, "%s",
		               cli_time_text(b->start_ms, b->utc_offset_s, s));
		bucket_cell(t, b, unit);
		if (ch) {
			cost_cell(t, b, ch, i);
			unpriced_cell(t, ch, i, unit);
		}
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	print_totals("total", h->total_milli, h->has_previous,
	             h->previous_total_milli, unit);
	if (ch)
		print_cost_totals("cost", ch);
	if (h->estimated)
		puts("* estimated: spread over a gap in the samples");
	if (ch)
		print_by_tariff(ch, unit);
}

/* costs: the total cost of each item, or NULL. */
static void
print_split(const ews_list *split, const char *unit, const int64_t *costs,
            const char *currency)
{
	static const char *const headers[] = { "id", "name", "total",
		                               "previous", "cost" };
	struct cli_table *t = cli_table_new(costs ? 5 : 4, headers);
	char a[64];

	putchar('\n');
	for (size_t i = 0; i < ews_list_len(split); i++) {
		const ews_scope_total *s = ews_list_scope_total(split, i);

		cli_table_cell(t, "%lld", (long long)s->scope_id);
		cli_table_cell(t, "%s", s->name);
		cli_table_cell(t, "%s%s",
		               amount(s->total_milli, unit, a, sizeof(a)),
		               s->estimated ? " *" : "");
		if (s->has_previous)
			cli_table_cell(t, "%s",
			               amount(s->previous_total_milli, unit, a,
			                      sizeof(a)));
		else
			cli_table_cell(t, "-");
		if (costs)
			cli_table_cell(t, "%s",
			               money(costs[i], currency, a, sizeof(a)));
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

/* ------------------------------------------------------------------ */
/* ews consumption                                                     */

/* The total cost of each item of a split, for the query's period;
 * *out is owned (free). */
static int
split_costs(struct cli *c, const ews_consumption_query *q, ews_scope_kind by,
            const ews_list *split, int64_t **out)
{
	size_t n = ews_list_len(split);
	int64_t *v = calloc(n ? n : 1, sizeof(*v));
	ews_cost_histogram ch;

	*out = NULL;
	if (!v) {
		fputs("ews: out of memory\n", stderr);
		return CLI_IO;
	}
	for (size_t i = 0; i < n; i++) {
		ews_consumption_query qi = *q;
		ews_status st;

		qi.scope = by;
		qi.scope_id = ews_list_scope_total(split, i)->scope_id;
		st = ews_site_cost(c->site, &qi, &ch);
		if (st != EWS_OK) {
			free(v);
			return fail_query(st, "--split");
		}
		v[i] = ch.total_cost_micro;
	}
	*out = v;
	return CLI_OK;
}

static int
run_consumption(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_histogram h;
	ews_cost_histogram ch;
	ews_list *split = NULL;
	int64_t *costs = NULL;
	struct cli_json j;
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
		if (cq.costs &&
		    (rc = split_costs(c, &cq.q, cq.split_by, split, &costs))) {
			ews_list_free(split);
			return rc;
		}
	}
	if (a->json) {
		cli_json_init(&j, stdout);
		json_histogram(&j, &h, cq.costs ? &ch : NULL);
		if (split)
			json_split(&j, split, costs);
		cli_json_object_end(&j);
		cli_json_finish(&j);
	} else {
		print_histogram(&h, cq.costs ? &ch : NULL);
		if (split)
			print_split(split, ews_commodity_unit(h.commodity),
			            costs, cq.costs ? ch.currency : "");
	}
	free(costs);
	ews_list_free(split);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption overall                                             */

static void
rec_milli(struct cli_rec *r, const char *key, int64_t milli, const char *unit)
{
	char v[32];

	cli_rec_add(r, key, "%s %s", cli_milli_text(milli, v, sizeof(v)), unit);
}

/* The site's cost of each commodity in the period (CON-4 by cost). */
struct overall_costs {
	char currency[4];
	int64_t micro[3]; /* electricity, gas, water */
	int64_t total;
};

static const ews_commodity overall_commodities[3] = { EWS_COMMODITY_ELECTRICITY,
	                                              EWS_COMMODITY_GAS,
	                                              EWS_COMMODITY_WATER };

static int
overall_costs(struct cli *c, const ews_consumption_query *q,
              struct overall_costs *out)
{
	ews_cost_histogram ch;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 3; i++) {
		ews_consumption_query qi = *q;
		ews_status st;

		qi.commodity = overall_commodities[i];
		st = ews_site_cost(c->site, &qi, &ch);
		if (st != EWS_OK)
			return fail_query(st, "--scope");
		out->micro[i] = ch.total_cost_micro;
		out->total += ch.total_cost_micro;
		memcpy(out->currency, ch.currency, sizeof(out->currency));
	}
	return CLI_OK;
}

static int
run_overall(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_overall ov;
	ews_histogram h;
	struct overall_costs oc;
	struct cli_json j;
	struct cli_rec r = { 0 };
	char t[EWS_TIME_TEXT_MAX], key[32], m[64];
	const char *start = NULL;
	ews_status st;
	int rc = read_opts(c, a, &cq, 0);

	if (rc)
		return rc;
	cq.q.scope = EWS_SCOPE_SITE;
	cq.q.scope_id = 0;
	cq.q.commodity = EWS_COMMODITY_ELECTRICITY;
	st = ews_site_consumption_overall(c->site, &cq.q, &ov);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	/* The period's first local instant: that of its first bucket. */
	st = ews_site_consumption(c->site, &cq.q, &h);
	if (st != EWS_OK)
		return fail_query(st, "--scope");
	if (cq.costs && (rc = overall_costs(c, &cq.q, &oc)))
		return rc;
	if (h.count > 0)
		start = cli_time_text(h.buckets[0].start_ms,
		                      h.buckets[0].utc_offset_s, t);
	if (a->json) {
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_str(&j, "period", ews_period_name(cq.q.period));
		cli_json_field_str(&j, "start", start);
		cli_json_field_milli(&j, "electricity_wh",
		                     ov.electricity_milli_wh);
		cli_json_field_milli(&j, "gas_dm3", ov.gas_milli_dm3);
		cli_json_field_milli(&j, "gas_kwh_equiv",
		                     ov.gas_milli_kwh_equiv);
		cli_json_field_milli(&j, "water_dm3", ov.water_milli_dm3);
		cli_json_field_bool(&j, "estimated", ov.estimated);
		if (cq.costs) {
			cli_json_field_str(&j, "currency", oc.currency);
			for (size_t i = 0; i < 3; i++) {
				snprintf(key, sizeof(key), "%s_cost",
				         ews_commodity_name(
				                 overall_commodities[i]));
				cli_json_field_money(&j, key, oc.micro[i]);
			}
			cli_json_field_money(&j, "total_cost", oc.total);
		}
		cli_json_object_end(&j);
		cli_json_finish(&j);
		return CLI_OK;
	}
	cli_rec_str(&r, "period", ews_period_name(cq.q.period));
	cli_rec_str(&r, "start", start);
	rec_milli(&r, "electricity", ov.electricity_milli_wh, "Wh");
	rec_milli(&r, "gas", ov.gas_milli_dm3, "dm3");
	rec_milli(&r, "gas_kwh_equiv", ov.gas_milli_kwh_equiv, "kWh");
	rec_milli(&r, "water", ov.water_milli_dm3, "dm3");
	cli_rec_str(&r, "estimated", cli_yes_no(ov.estimated));
	for (size_t i = 0; cq.costs && i < 3; i++)
		cli_rec_str(&r,
		            i == 0   ? "electricity_cost"
		            : i == 1 ? "gas_cost"
		                     : "water_cost",
		            money(oc.micro[i], oc.currency, m, sizeof(m)));
	if (cq.costs)
		cli_rec_str(&r, "total_cost",
		            money(oc.total, oc.currency, m, sizeof(m)));
	cli_rec_print(&r, stdout);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption compare                                             */

/* The two histograms side by side; with costs (ca, cb not NULL), the
 * costs too, and for a pair of different commodities the costs only. */
static void
print_compare(const ews_histogram *ha, const ews_histogram *hb,
              const ews_cost_histogram *ca, const ews_cost_histogram *cb)
{
	static const char *const plain[] = { "start", "a", "b" };
	static const char *const both[] = { "start", "a", "a cost", "b",
		                            "b cost" };
	static const char *const by_cost[] = { "start", "a cost", "b cost" };
	const char *ua = ews_commodity_unit(ha->commodity);
	const char *ub = ews_commodity_unit(hb->commodity);
	int values = ha->commodity == hb->commodity;
	struct cli_table *t;
	char sa[48], sb[48], s[EWS_TIME_TEXT_MAX], label[64];

	printf("a: ");
	print_title(ha);
	printf("b: ");
	print_title(hb);
	if (!ca)
		t = cli_table_new(3, plain);
	else if (values)
		t = cli_table_new(5, both);
	else
		t = cli_table_new(3, by_cost);
	for (size_t i = 0; i < ha->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = i < hb->count ? &hb->buckets[i] : NULL;

		cli_table_cell(t, "%s",
		               cli_time_text(ha->buckets[i].start_ms,
		                             ha->buckets[i].utc_offset_s, s));
		if (values)
			bucket_cell(t, &ha->buckets[i], ua);
		if (ca)
			cost_cell(t, &ha->buckets[i], ca, i);
		if (values && b)
			bucket_cell(t, b, ub);
		else if (values)
			cli_table_cell(t, "-");
		if (cb && b)
			cost_cell(t, b, cb, i);
		else if (cb)
			cli_table_cell(t, "-");
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	scope_text(ha->scope, ha->scope_id, sa, sizeof(sa));
	scope_text(hb->scope, hb->scope_id, sb, sizeof(sb));
	print_totals(sa, ha->total_milli, ha->has_previous,
	             ha->previous_total_milli, ua);
	print_totals(sb, hb->total_milli, hb->has_previous,
	             hb->previous_total_milli, ub);
	if (ca) {
		snprintf(label, sizeof(label), "%s cost", sa);
		print_cost_totals(label, ca);
		snprintf(label, sizeof(label), "%s cost", sb);
		print_cost_totals(label, cb);
	}
	if (ha->estimated || hb->estimated)
		puts("* estimated: spread over a gap in the samples");
}

static int
run_compare(struct cli *c, const struct cli_args *a)
{
	struct cquery cq;
	ews_histogram ha, hb;
	ews_cost_histogram ca, cb;
	ews_consumption_query qb;
	struct cli_json j;
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
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "a");
		json_histogram(&j, &ha, cq.costs ? &ca : NULL);
		cli_json_object_end(&j);
		cli_json_key(&j, "b");
		json_histogram(&j, &hb, cq.costs ? &cb : NULL);
		cli_json_object_end(&j);
		cli_json_object_end(&j);
		cli_json_finish(&j);
		return CLI_OK;
	}
	print_compare(&ha, &hb, cq.costs ? &ca : NULL, cq.costs ? &cb : NULL);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews consumption measures                                            */

/* "voltage_ln_l1", or "harmonic_voltage_l1:3" with its order. */
static const char *
quantity_text(ews_quantity q, unsigned int order, char *buf, size_t size)
{
	const char *name = ews_quantity_name(q);

	if (!order)
		return name;
	snprintf(buf, size, "%s:%u", name ? name : "?", order);
	return buf;
}

static void
json_measures(struct cli_json *j, const ews_measure_histogram *m)
{
	char t[EWS_TIME_TEXT_MAX], qt[EWS_NAME_MAX + 8];

	cli_json_object_begin(j);
	cli_json_field_int(j, "device", m->device_id);
	cli_json_field_str(
	        j, "quantity",
	        quantity_text(m->quantity, m->order, qt, sizeof(qt)));
	cli_json_field_str(j, "unit", ews_quantity_unit(m->quantity));
	cli_json_field_str(j, "period", ews_period_name(m->period));
	cli_json_key(j, "buckets");
	cli_json_array_begin(j, 0);
	for (size_t i = 0; i < m->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_measure_bucket *b = &m->buckets[i];

		cli_json_object_begin(j);
		cli_json_field_str(
		        j, "start",
		        cli_time_text(b->start_ms, b->utc_offset_s, t));
		cli_json_field_int(j, "count", (int64_t)b->count);
		cli_json_key(j, "min");
		b->count ? cli_json_double(j, b->min) : cli_json_null(j);
		cli_json_key(j, "avg");
		b->count ? cli_json_double(j, b->avg) : cli_json_null(j);
		cli_json_key(j, "max");
		b->count ? cli_json_double(j, b->max) : cli_json_null(j);
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_object_end(j);
}

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
	       cli_or_dash(
	               quantity_text(m->quantity, m->order, qt, sizeof(qt))),
	       unit && *unit ? unit : "no unit",
	       cli_or_dash(ews_period_name(m->period)), (long)m->year, m->month,
	       m->day);
	for (size_t i = 0; i < m->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_measure_bucket *b = &m->buckets[i];

		cli_table_cell(t, "%s",
		               cli_time_text(b->start_ms, b->utc_offset_s, s));
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
	struct cli_json j;
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
		cli_json_init(&j, stdout);
		json_measures(&j, &m);
		cli_json_finish(&j);
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
	  "gas_factor_kwh_per_m3) and water (dm3). With --json:\n"
	  "  {\"period\", \"start\", \"electricity_wh\", \"gas_dm3\",\n"
	  "  \"gas_kwh_equiv\", \"water_dm3\", \"estimated\"}\n"
	  "and with --costs \"currency\", \"electricity_cost\", "
	  "\"gas_cost\",\n"
	  "\"water_cost\" and \"total_cost\" (priced consumption only).\n"
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
