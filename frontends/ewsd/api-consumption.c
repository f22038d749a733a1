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
 * are read by the parsers the CLI uses (query.h). The histogram can also
 * be downloaded as datalogger.csv (CON-9), written with the site's CSV
 * settings (HIS-2).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
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

/* The histogram the query asks for, and its costs when asked; the query
 * takes the histogram's commodity (a device's own when none is given). */
static ews_status
read_histogram(struct ewsd_req *q, ews_consumption_query *cq,
               const struct cwant *w, ews_histogram *h, ews_cost_histogram *ch)
{
	ews_status st = ews_site_consumption(q->d->site, cq, h);

	if (st == EWS_OK)
		cq->commodity = h->commodity;
	if (st == EWS_OK && w->costs)
		st = ews_site_cost(q->d->site, cq, ch);
	return st;
}

static void
get_consumption(struct ewsd_req *q)
{
	ews_consumption_query cq;
	struct cwant w;
	ews_histogram h;
	ews_cost_histogram ch;
	ews_list *split = NULL, *costs = NULL;
	const char *about = "id"; /* the parameter a refusal is about */
	ews_status st;

	if (consumption_params(q, &cq, &w))
		return;
	st = read_histogram(q, &cq, &w, &h, &ch);
	if (st == EWS_OK && w.split)
		st = ews_site_consumption_split(q->d->site, &cq, w.split_by,
		                                &split);
	if (st == EWS_OK && w.split && w.costs) {
		about = "split";
		st = ews_site_cost_split(q->d->site, &cq, split, &costs);
	}
	if (st == EWS_OK) {
		shape_consumption(ewsd_reply_begin(q), &h, w.costs ? &ch : NULL,
		                  split, costs);
		ewsd_reply_end(q, 200);
	} else {
		reply_refusal(q, st, about);
	}
	ews_list_free(costs);
	ews_list_free(split);
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption/datalogger.csv (CON-9)                      */

/* The site's CSV settings (HIS-2): field separator and decimal mark. */
struct csv {
	struct evbuffer *b;
	char sep, decimal;
	int fields; /* of the row being written */
};

/* A setting's value is one of two names: 1 for `one`, 0 for the other. */
static ews_status
csv_setting(struct ewsd_req *q, const char *name, const char *one, int *out)
{
	char *v = NULL;
	ews_status st = ews_site_setting_get(q->d->site, name, &v);

	if (st == EWS_OK)
		*out = !strcmp(v, one);
	ews_free(v);
	return st;
}

static ews_status
csv_init(struct ewsd_req *q, struct csv *c)
{
	int sep_comma, dec_comma;
	ews_status st;

	memset(c, 0, sizeof(*c));
	if ((st = csv_setting(q, "csv_separator", "comma", &sep_comma)) ||
	    (st = csv_setting(q, "csv_decimal", "comma", &dec_comma)))
		return st;
	c->sep = sep_comma ? ',' : ';';
	c->decimal = dec_comma ? ',' : '.';
	return (c->b = evbuffer_new()) ? EWS_OK : EWS_ENOMEM;
}

/*
 * One field (RFC 4180): quoted, its quotes doubled, when it holds the
 * separator, a quote or a line end. A text (`text`: a name someone typed,
 * not a number) that a spreadsheet would take for a formula (=, +, -, @,
 * a tab or CR first) is written after an apostrophe (OWASP, CSV
 * injection).
 */
static void
csv_field(struct csv *c, const char *v, int text)
{
	int guard = text && v[0] && strchr("=+-@\t\r", v[0]);
	int quote = guard || strchr(v, c->sep) || strpbrk(v, "\"\r\n");

	if (c->fields++)
		evbuffer_add(c->b, &c->sep, 1);
	if (quote)
		evbuffer_add(c->b, "\"", 1);
	if (guard)
		evbuffer_add(c->b, "'", 1);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			evbuffer_add(c->b, "\"", 1);
		evbuffer_add(c->b, p, 1);
	}
	if (quote)
		evbuffer_add(c->b, "\"", 1);
}

/* A number as text with the site's decimal mark. */
static void
csv_number(struct csv *c, char *digits)
{
	char *dot = strchr(digits, '.');

	if (dot)
		*dot = c->decimal;
	csv_field(c, digits, 0);
}

static void
csv_milli(struct csv *c, int64_t milli)
{
	char t[32];

	csv_number(c, (char *)jw_milli_text(milli, t, sizeof(t)));
}

static void
csv_money(struct csv *c, int64_t micro)
{
	char t[EWS_MONEY_TEXT_MAX];

	ews_money_format(micro, t);
	csv_number(c, t);
}

static void
csv_end_row(struct csv *c)
{
	evbuffer_add(c->b, "\r\n", 2);
	c->fields = 0;
}

/* Cost columns of the file: the tariffs with consumption in the period
 * (not "no tariff"), by the columns' order; *unpriced when some
 * consumption had no tariff. */
static size_t
csv_tariffs(const ews_cost_histogram *ch, size_t *cols, int *unpriced)
{
	size_t n = 0;

	*unpriced = 0;
	for (size_t k = 0; k < ch->columns && k < EWS_COST_COLUMNS; k++) {
		if (!ch->total_value_milli[k] && !ch->total_cost_micro_by[k])
			continue;
		if (ch->tariff_id[k])
			cols[n++] = k;
		else
			*unpriced = 1;
	}
	return n;
}

static void
csv_header(struct csv *c, const ews_histogram *h, const ews_cost_histogram *ch,
           const size_t *cols, size_t n_cols, int unpriced)
{
	const char *unit = ews_commodity_unit(h->commodity);
	char t[EWS_NAME_MAX + 16];

	csv_field(c, "start", 0);
	snprintf(t, sizeof(t), "%s (%s)", ews_commodity_name(h->commodity),
	         unit);
	csv_field(c, t, 0);
	csv_field(c, "estimated", 0);
	if (ch) {
		snprintf(t, sizeof(t), "cost (%s)", ch->currency);
		csv_field(c, t, 1);
		for (size_t i = 0; i < n_cols; i++) {
			snprintf(t, sizeof(t), "%s (%s)",
			         ch->tariff_name[cols[i]], ch->currency);
			csv_field(c, t, 1);
		}
		if (unpriced) {
			snprintf(t, sizeof(t), "unpriced (%s)", unit);
			csv_field(c, t, 0);
		}
	}
	csv_end_row(c);
}

/* A bucket with nothing recorded has empty amounts: no data is not 0. */
static void
csv_bucket(struct csv *c, const ews_histogram *h, size_t i,
           const ews_cost_histogram *ch, const size_t *cols, size_t n_cols,
           int unpriced)
{
	const ews_bucket *b = &h->buckets[i];
	const ews_cost_bucket *cb =
	        ch && i < ch->count ? &ch->buckets[i] : NULL;
	int data = b->recorded || b->value_milli;
	char t[EWS_TIME_TEXT_MAX];

	csv_field(c, shape_time_text(b->start_ms, b->utc_offset_s, t), 0);
	if (data)
		csv_milli(c, b->value_milli);
	else
		csv_field(c, "", 0);
	csv_field(c, b->estimated ? "1" : "0", 0);
	if (ch) {
		if (data && cb)
			csv_money(c, cb->cost_micro);
		else
			csv_field(c, "", 0);
		for (size_t k = 0; k < n_cols; k++)
			if (data && cb)
				csv_money(c, cb->cost_micro_by[cols[k]]);
			else
				csv_field(c, "", 0);
		if (unpriced && data && cb)
			csv_milli(c, cb->value_milli[ch->columns - 1]);
		else if (unpriced)
			csv_field(c, "", 0);
	}
	csv_end_row(c);
}

/* The histogram (with its costs) as datalogger.csv, in c->b. */
static void
csv_write(struct csv *c, const ews_histogram *h, const ews_cost_histogram *ch)
{
	size_t cols[EWS_COST_COLUMNS], n_cols = 0;
	int unpriced = 0;

	/* a spreadsheet then reads it as UTF-8 (tariff names) */
	evbuffer_add(c->b, "\xEF\xBB\xBF", 3);
	if (ch)
		n_cols = csv_tariffs(ch, cols, &unpriced);
	csv_header(c, h, ch, cols, n_cols, unpriced);
	for (size_t i = 0; i < h->count && i < EWS_HISTOGRAM_MAX; i++)
		csv_bucket(c, h, i, ch, cols, n_cols, unpriced);
}

/* The query of GET /api/v1/consumption (split is read, and ignored: the
 * file holds the histogram's buckets), answered as a CSV file. */
static void
get_datalogger(struct ewsd_req *q)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(q->r);
	ews_consumption_query cq;
	struct cwant w;
	ews_histogram h;
	ews_cost_histogram ch;
	struct csv c;
	ews_status st;

	if (consumption_params(q, &cq, &w))
		return;
	st = read_histogram(q, &cq, &w, &h, &ch);
	if (st != EWS_OK) {
		reply_refusal(q, st, "id");
		return;
	}
	if ((st = csv_init(q, &c)) != EWS_OK) {
		if (c.b)
			evbuffer_free(c.b);
		ewsd_reply_status(q, st);
		return;
	}
	csv_write(&c, &h, w.costs ? &ch : NULL);
	evhttp_add_header(hdr, "Content-Type", "text/csv; charset=utf-8");
	evhttp_add_header(hdr, "Content-Disposition",
	                  "attachment; filename=\"datalogger.csv\"");
	evhttp_add_header(hdr, "Cache-Control", "no-store");
	evhttp_send_reply(q->r, 200, NULL, c.b);
	evbuffer_free(c.b);
	q->replied = 1;
}

/* ------------------------------------------------------------------ */
/* GET /api/v1/consumption/overall                                     */

static void
get_overall(struct ewsd_req *q)
{
	static const char *const known[] = { "period", "date", "costs", NULL };
	ews_consumption_query cq;
	ews_overall_periods ov;
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
	st = ews_site_consumption_overall_periods(q->d->site, &cq, &ov);
	/* The period's first local instant: that of its first bucket. */
	if (st == EWS_OK)
		st = ews_site_consumption(q->d->site, &cq, &h);
	if (st == EWS_OK && costs)
		st = shape_overall_costs_get(q->d->site, &cq, &oc);
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
	{ "GET", "/api/v1/consumption/datalogger.csv", get_datalogger,
	  EWSD_PAGES, EWS_PAGE_CONSUMPTION,
	  "The histogram of GET /api/v1/consumption (same parameters) as a CSV "
	  "file to download, with the site's CSV settings" },
	{ "GET", "/api/v1/consumption/overall", get_overall, EWSD_PAGES,
	  EWS_PAGE_CONSUMPTION,
	  "The site's totals of every commodity in a period and the one "
	  "before (?period=&date=&costs=1)" },
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
