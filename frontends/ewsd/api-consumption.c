/*
 * Consumption (CON-2..7, CON-9): histograms of a scope, with their costs
 * and a split per load or group; the site's overall totals; two devices
 * compared; the measures of a quantity. Everything `ews consumption`
 * does, with its names and defaults, as query parameters:
 *
 *   scope=site|device|load|group, id= (the CLI's --scope device:ID),
 *   commodity=, period=, date=YYYY-MM-DD, split=load|group, costs=1,
 *   with= (compare: the second device), device= and quantity= (measures)
 *
 * and the same JSON as `ews consumption … --json` (shapes.h). The values
 * are read by the parsers the CLI uses (query.h).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "ewsd.h"
#include "query.h"

/* ------------------------------------------------------------------ */
/* Query parameters                                                    */

/* A required parameter, or NULL after a 400. */
static const char *
param_need(struct ewsd_req *q, const char *name)
{
	const char *v = ewsd_query(q, name);

	if (!v)
		ewsd_reply_error(q, 400, "bad_field", name, "%s: is required",
		                 name);
	return v;
}

/* costs=1|0 (true|false): 0, or a 400. */
static int
param_flag(struct ewsd_req *q, const char *name, int *out)
{
	const char *v = ewsd_query(q, name);

	*out = 0;
	if (!v || !strcmp(v, "0") || !strcmp(v, "false"))
		return 0;
	if (!strcmp(v, "1") || !strcmp(v, "true")) {
		*out = 1;
		return 0;
	}
	return ewsd_query_bad(q, name, v, "1 or 0");
}

/* A device, load or group id parameter: 0, or a 400. */
static int
param_id(struct ewsd_req *q, const char *name, int64_t *out)
{
	const char *v = param_need(q, name);

	return !v || ewsd_query_bad(q, name, v, query_id(v, out)) ? -1 : 0;
}

/* period= and date= (both required, as in the CLI); 0, or a 400. */
static int
param_period(struct ewsd_req *q, ews_consumption_query *cq)
{
	const char *p = param_need(q, "period"), *d;

	if (!p || ewsd_query_bad(q, "period", p, query_period(p, &cq->period)))
		return -1;
	if (!(d = param_need(q, "date")))
		return -1;
	return ewsd_query_bad(q, "date", d,
	                      query_date(d, &cq->year, &cq->month, &cq->day));
}

/* scope= (required) and id= (for a device, load or group). */
static int
param_scope(struct ewsd_req *q, ews_consumption_query *cq)
{
	const char *s = param_need(q, "scope");

	if (!s)
		return -1;
	if (ews_scope_kind_from_name(s, &cq->scope) != EWS_OK)
		return ewsd_query_bad(q, "scope", s,
		                      "a scope: site, device, load or group");
	if (cq->scope != EWS_SCOPE_SITE)
		return param_id(q, "id", &cq->scope_id);
	if (ewsd_query(q, "id")) {
		ewsd_reply_error(q, 400, "bad_field", "id",
		                 "id: the site has no id (scope=site)");
		return -1;
	}
	cq->scope_id = 0;
	return 0;
}

/*
 * A refusal of the library, naming the query parameter it is about as the
 * CLI names its option: the library's field "scope_id" is the parameter
 * of the scope queried (`scope_param`: "id", "with", "device"), "year"
 * is "date", "order" is "quantity", "by" is "split". Other failures go
 * to ewsd_reply_status() as they are.
 */
static void
reply_refusal(struct ewsd_req *q, ews_status st, const char *scope_param)
{
	static const struct {
		const char *field, *param;
	} map[] = {
		{ "scope", NULL },
		{ "scope_id", NULL },
		{ "device", NULL },
		{ "device_id", NULL },
		{ "load", NULL },
		{ "load_id", NULL },
		{ "group", NULL },
		{ "group_id", NULL },
		{ "commodity", "commodity" },
		{ "period", "period" },
		{ "year", "date" },
		{ "month", "date" },
		{ "day", "date" },
		{ "date", "date" },
		{ "quantity", "quantity" },
		{ "order", "quantity" },
		{ "by", "split" },
	};
	const ews_error *e = ews_error_last();
	const char *msg = e->message ? e->message : "";
	size_t flen = strlen(e->field);

	if ((st != EWS_EINVAL && st != EWS_ENOTFOUND) || e->code != st ||
	    !*e->field) {
		ewsd_reply_status(q, st);
		return;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *param = map[i].param ? map[i].param : scope_param;

		if (!param || strcmp(map[i].field, e->field) != 0)
			continue;
		if (strncmp(msg, e->field, flen) == 0 &&
		    strncmp(msg + flen, ": ", 2) == 0)
			msg += flen + 2;
		ewsd_reply_error(q, st == EWS_EINVAL ? 422 : 404,
		                 st == EWS_EINVAL ? "invalid" : "not_found",
		                 param, "%s: %s", param, msg);
		return;
	}
	ewsd_reply_status(q, st);
}

/* A query with the CLI's defaults: a device's own commodity, else
 * electricity. */
static void
query_init(ews_consumption_query *cq)
{
	ews_consumption_query_init(cq, EWS_CONSUMPTION_QUERY_VERSION);
	cq->commodity = 0;
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption                                             */

/* What a consumption request asks besides the query. */
struct cwant {
	int costs;
	int split;
	ews_scope_kind split_by;
};

static int
consumption_params(struct ewsd_req *q, ews_consumption_query *cq,
                   struct cwant *w)
{
	static const char *const known[] = { "scope",  "id",   "commodity",
		                             "period", "date", "split",
		                             "costs",  NULL };
	const char *c = ewsd_query(q, "commodity");
	const char *s = ewsd_query(q, "split");

	memset(w, 0, sizeof(*w));
	query_init(cq);
	if (ewsd_query_only(q, known) || param_scope(q, cq) ||
	    (c && ewsd_query_bad(q, "commodity", c,
	                         query_commodity(c, &cq->commodity))) ||
	    param_period(q, cq) || param_flag(q, "costs", &w->costs))
		return -1;
	w->split = s != NULL;
	return s ? ewsd_query_bad(q, "split", s, query_split(s, &w->split_by))
	         : 0;
}

/* The total cost of each item of a split, for the query's period; *out
 * is owned (free). */
static ews_status
split_costs(struct ewsd_req *q, const ews_consumption_query *cq,
            ews_scope_kind by, const ews_list *split, int64_t **out)
{
	size_t n = ews_list_len(split);
	int64_t *v = calloc(n ? n : 1, sizeof(*v));
	ews_cost_histogram ch;

	*out = NULL;
	if (!v)
		return EWS_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ews_consumption_query qi = *cq;
		ews_status st;

		qi.scope = by;
		qi.scope_id = ews_list_scope_total(split, i)->scope_id;
		if ((st = ews_site_cost(q->d->site, &qi, &ch)) != EWS_OK) {
			free(v);
			return st;
		}
		v[i] = ch.total_cost_micro;
	}
	*out = v;
	return EWS_OK;
}

static void
get_consumption(struct ewsd_req *q)
{
	ews_consumption_query cq;
	struct cwant w;
	ews_histogram h;
	ews_cost_histogram ch;
	ews_list *split = NULL;
	int64_t *costs = NULL;
	const char *about = "id"; /* the parameter a refusal is about */
	ews_status st;

	if (consumption_params(q, &cq, &w))
		return;
	st = ews_site_consumption(q->d->site, &cq, &h);
	/* The histogram's commodity: a device's own if not given. */
	if (st == EWS_OK)
		cq.commodity = h.commodity;
	if (st == EWS_OK && w.costs)
		st = ews_site_cost(q->d->site, &cq, &ch);
	if (st == EWS_OK && w.split)
		st = ews_site_consumption_split(q->d->site, &cq, w.split_by,
		                                &split);
	if (st == EWS_OK && w.split && w.costs) {
		about = "split";
		st = split_costs(q, &cq, w.split_by, split, &costs);
	}
	if (st == EWS_OK) {
		shape_consumption(ewsd_reply_begin(q), &h, w.costs ? &ch : NULL,
		                  split, costs);
		ewsd_reply_end(q, 200);
	} else {
		reply_refusal(q, st, about);
	}
	free(costs);
	ews_list_free(split);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption/overall                                     */

/* The site's cost of each commodity in the period (CON-4 by cost). */
static ews_status
overall_costs(struct ewsd_req *q, const ews_consumption_query *cq,
              struct shape_overall_costs *out)
{
	static const ews_commodity each[3] = { EWS_COMMODITY_ELECTRICITY,
		                               EWS_COMMODITY_GAS,
		                               EWS_COMMODITY_WATER };
	ews_cost_histogram ch;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 3; i++) {
		ews_consumption_query qi = *cq;
		ews_status st;

		qi.commodity = each[i];
		if ((st = ews_site_cost(q->d->site, &qi, &ch)) != EWS_OK)
			return st;
		out->micro[i] = ch.total_cost_micro;
		out->total += ch.total_cost_micro;
		memcpy(out->currency, ch.currency, sizeof(out->currency));
	}
	return EWS_OK;
}

static void
get_overall(struct ewsd_req *q)
{
	static const char *const known[] = { "period", "date", "costs", NULL };
	ews_consumption_query cq;
	ews_overall ov;
	ews_histogram h;
	struct shape_overall_costs oc;
	char t[EWS_TIME_TEXT_MAX];
	const char *start = NULL;
	ews_status st;
	int costs;

	query_init(&cq);
	if (ewsd_query_only(q, known) || param_period(q, &cq) ||
	    param_flag(q, "costs", &costs))
		return;
	cq.scope = EWS_SCOPE_SITE;
	cq.scope_id = 0;
	cq.commodity = EWS_COMMODITY_ELECTRICITY;
	st = ews_site_consumption_overall(q->d->site, &cq, &ov);
	/* The period's first local instant: that of its first bucket. */
	if (st == EWS_OK)
		st = ews_site_consumption(q->d->site, &cq, &h);
	if (st == EWS_OK && costs)
		st = overall_costs(q, &cq, &oc);
	if (st != EWS_OK) {
		reply_refusal(q, st, NULL);
		return;
	}
	if (h.count > 0)
		start = shape_time_text(h.buckets[0].start_ms,
		                        h.buckets[0].utc_offset_s, t);
	shape_overall(ewsd_reply_begin(q), cq.period, start, &ov,
	              costs ? &oc : NULL);
	ewsd_reply_end(q, 200);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption/compare                                     */

/* scope= (device, the only one compared: optional), id=, with=. */
static int
compare_params(struct ewsd_req *q, ews_consumption_query *qa,
               ews_consumption_query *qb, int *costs)
{
	static const char *const known[] = { "scope", "id",    "with", "period",
		                             "date",  "costs", NULL };
	const char *s = ewsd_query(q, "scope");

	query_init(qa);
	if (ewsd_query_only(q, known))
		return -1;
	if (s && strcmp(s, "device"))
		return ewsd_query_bad(q, "scope", s,
		                      "a device: two devices are compared");
	qa->scope = EWS_SCOPE_DEVICE;
	if (param_id(q, "id", &qa->scope_id) || param_period(q, qa) ||
	    param_flag(q, "costs", costs))
		return -1;
	*qb = *qa;
	return param_id(q, "with", &qb->scope_id);
}

static void
get_compare(struct ewsd_req *q)
{
	ews_consumption_query qa, qb;
	ews_histogram ha, hb;
	ews_cost_histogram ca, cb;
	ews_status st;
	int costs;

	if (compare_params(q, &qa, &qb, &costs))
		return;
	if ((st = ews_site_consumption(q->d->site, &qa, &ha)) != EWS_OK) {
		reply_refusal(q, st, "id");
		return;
	}
	if ((st = ews_site_consumption(q->d->site, &qb, &hb)) != EWS_OK) {
		reply_refusal(q, st, "with");
		return;
	}
	if (ha.commodity != hb.commodity && !costs) {
		ewsd_reply_error(
		        q, 422, "invalid", "with",
		        "with: device:%lld measures %s and device:%lld %s: a "
		        "non-homogeneous pair compares by cost, with the "
		        "tariffs: add costs=1",
		        (long long)qa.scope_id,
		        ews_commodity_name(ha.commodity),
		        (long long)qb.scope_id,
		        ews_commodity_name(hb.commodity));
		return;
	}
	if (costs && (st = ews_site_cost(q->d->site, &qa, &ca)) != EWS_OK) {
		reply_refusal(q, st, "id");
		return;
	}
	if (costs && (st = ews_site_cost(q->d->site, &qb, &cb)) != EWS_OK) {
		reply_refusal(q, st, "with");
		return;
	}
	shape_compare(ewsd_reply_begin(q), &ha, &hb, costs ? &ca : NULL,
	              costs ? &cb : NULL);
	ewsd_reply_end(q, 200);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption/measures                                    */

static void
get_measures(struct ewsd_req *q)
{
	static const char *const known[] = { "device", "quantity", "period",
		                             "date", NULL };
	ews_consumption_query cq;
	ews_measure_histogram m;
	ews_quantity quantity;
	unsigned int order;
	const char *qt;
	ews_status st;

	query_init(&cq);
	cq.scope = EWS_SCOPE_DEVICE;
	if (ewsd_query_only(q, known) || param_id(q, "device", &cq.scope_id) ||
	    !(qt = param_need(q, "quantity")) ||
	    ewsd_query_bad(q, "quantity", qt,
	                   query_quantity(qt, &quantity, &order)) ||
	    param_period(q, &cq))
		return;
	st = ews_site_measure_histogram(q->d->site, &cq, quantity, order, &m);
	if (st != EWS_OK) {
		reply_refusal(q, st, "device");
		return;
	}
	shape_measures(ewsd_reply_begin(q), &m);
	ewsd_reply_end(q, 200);
}

const struct ewsd_route ewsd_consumption_routes[] = {
	{ "GET", "/api/v1/consumption", get_consumption, EWSD_PAGES,
	  EWS_PAGE_CONSUMPTION,
	  "A histogram of a scope in a period (?scope=&id=&commodity=&period="
	  "&date=&split=load|group&costs=1), as `ews consumption --json`" },
	{ "GET", "/api/v1/consumption/overall", get_overall, EWSD_PAGES,
	  EWS_PAGE_CONSUMPTION,
	  "The site's totals of every commodity in a period (?period=&date="
	  "&costs=1)" },
	{ "GET", "/api/v1/consumption/compare", get_compare, EWSD_PAGES,
	  EWS_PAGE_CONSUMPTION,
	  "Two devices' histograms side by side (?id=&with=&period=&date="
	  "&costs=1): {\"a\", \"b\"}" },
	{ "GET", "/api/v1/consumption/measures", get_measures, EWSD_PAGES,
	  EWS_PAGE_CONSUMPTION | EWS_PAGE_PANEL_BOARD,
	  "Min, mean and max of a device's quantity per bucket (?device="
	  "&quantity=&period=&date=)" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
