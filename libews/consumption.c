#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>

#include "error-private.h"
#include "consumption-private.h"
#include "rollup.h"

/*
 * Histograms and totals read from the rollups (CON-2..7): a day is one
 * day row, a month one month row, a year one year row, a decade ten year
 * rows. Bucket edges come from the site's zone, so a day has 23, 24 or 25
 * hours.
 */

enum { HOUR_MS = 3600000 };

static const char *const scope_names[] = { NULL, "site", "device", "load",
	                                   "group" };
static const char *const period_names[] = { NULL, "day", "month", "year",
	                                    "decade" };

static ews_status
name_lookup(const char *const *names, size_t n, const char *field,
            const char *name, int *out)
{
	size_t i;

	for (i = 1; name && i < n; i++)
		if (strcmp(names[i], name) == 0) {
			*out = (int)i;
			return EWS_OK;
		}
	return ews__fail_field(EWS_EINVAL, field, "'%.*s' is not one of %s",
	                       EWS_NAME_MAX, name ? name : "",
	                       field[0] == 's' ? "site, device, load, group"
	                                       : "day, month, year, decade");
}

const char *
ews_scope_kind_name(ews_scope_kind kind)
{
	return kind >= EWS_SCOPE_SITE && kind <= EWS_SCOPE_GROUP
	               ? scope_names[kind]
	               : NULL;
}

ews_status
ews_scope_kind_from_name(const char *name, ews_scope_kind *out)
{
	int v;
	ews_status st = name_lookup(scope_names, 5, "scope", name, &v);

	if (st == EWS_OK)
		*out = (ews_scope_kind)v;
	return st;
}

const char *
ews_period_name(ews_period period)
{
	return period >= EWS_PERIOD_DAY && period <= EWS_PERIOD_DECADE
	               ? period_names[period]
	               : NULL;
}

ews_status
ews_period_from_name(const char *name, ews_period *out)
{
	int v;
	ews_status st = name_lookup(period_names, 5, "period", name, &v);

	if (st == EWS_OK)
		*out = (ews_period)v;
	return st;
}

const char *
ews_commodity_unit(ews_commodity commodity)
{
	switch (commodity) {
	case EWS_COMMODITY_ELECTRICITY:
		return "Wh";
	case EWS_COMMODITY_GAS:
	case EWS_COMMODITY_WATER:
		return "dm3";
	}
	return NULL;
}

ews_status
ews_consumption_query_init(ews_consumption_query *q, unsigned int version)
{
	ews_status st =
	        ews__check_version(version, EWS_CONSUMPTION_QUERY_VERSION,
	                           "ews_consumption_query");

	if (st != EWS_OK)
		return st;
	memset(q, 0, sizeof(*q));
	q->version = version;
	q->scope = EWS_SCOPE_SITE;
	q->period = EWS_PERIOD_DAY;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Periods                                                             */

static int32_t
decade_of(int32_t year)
{
	return year - ((year % 10) + 10) % 10;
}

/* The span of `period` that holds local date y-m-d, shifted by `back`
 * periods into the past. */
void
ews__span_of(const ews__tz *tz, ews_period period, int32_t y, unsigned int m,
             unsigned int d, int back, ews__span *s)
{
	int64_t day0 = ews__days_from_civil(y, m, d) -
	               (period == EWS_PERIOD_DAY ? back : 0);
	size_t i;

	memset(s, 0, sizeof(*s));
	s->period = period;
	switch (period) {
	case EWS_PERIOD_DAY:
		ews__civil_from_days(day0, &s->year, &s->month, &s->day);
		s->level = EWS__LEVEL_DAY;
		s->first_key = day0;
		s->nkeys = 1;
		s->edge[0] = ews__local_day_start_ms(tz, day0);
		s->edge[EWS__DAY_SLOTS] = ews__local_day_start_ms(tz, day0 + 1);
		s->count = (size_t)((s->edge[EWS__DAY_SLOTS] - s->edge[0] +
		                     HOUR_MS - 1) /
		                    HOUR_MS);
		if (s->count > EWS__DAY_SLOTS)
			s->count = EWS__DAY_SLOTS;
		s->edge[s->count] = s->edge[EWS__DAY_SLOTS];
		for (i = 1; i < s->count; i++)
			s->edge[i] = s->edge[0] + (int64_t)i * HOUR_MS;
		return;
	case EWS_PERIOD_MONTH: {
		int64_t ym = (int64_t)y * 12 + (m - 1) - back;

		s->year = (int32_t)((ym - ((ym % 12) + 12) % 12) / 12);
		s->month = (unsigned int)(((ym % 12) + 12) % 12) + 1;
		s->day = 1;
		s->level = EWS__LEVEL_MONTH;
		s->first_key = ym;
		s->nkeys = 1;
		s->count = ews__days_in_month(s->year, s->month);
		day0 = ews__days_from_civil(s->year, s->month, 1);
		for (i = 0; i <= s->count; i++)
			s->edge[i] =
			        ews__local_day_start_ms(tz, day0 + (int64_t)i);
		return;
	}
	case EWS_PERIOD_YEAR:
		s->year = y - back;
		s->month = s->day = 1;
		s->level = EWS__LEVEL_YEAR;
		s->first_key = s->year;
		s->nkeys = 1;
		s->count = 12;
		for (i = 0; i <= 12; i++)
			s->edge[i] = ews__local_day_start_ms(
			        tz,
			        i < 12 ? ews__days_from_civil(
			                         s->year, (unsigned)i + 1, 1)
			               : ews__days_from_civil(s->year + 1, 1,
			                                      1));
		return;
	case EWS_PERIOD_DECADE:
		s->year = decade_of(y) - 10 * back;
		s->month = s->day = 1;
		s->level = EWS__LEVEL_YEAR;
		s->first_key = s->year;
		s->nkeys = 10;
		s->count = 10;
		for (i = 0; i <= 10; i++)
			s->edge[i] = ews__local_day_start_ms(
			        tz, ews__days_from_civil(s->year + (int32_t)i,
			                                 1, 1));
		return;
	}
}

ews_status
ews__query_check(const ews_consumption_query *q)
{
	ews_status st;

	if ((st = ews__check_version(q->version, EWS_CONSUMPTION_QUERY_VERSION,
	                             "ews_consumption_query")) != EWS_OK)
		return st;
	if (!ews_scope_kind_name(q->scope))
		return ews__fail_field(EWS_EINVAL, "scope",
		                       "%d is not a scope kind", (int)q->scope);
	if (!ews_period_name(q->period))
		return ews__fail_field(EWS_EINVAL, "period",
		                       "%d is not a period", (int)q->period);
	if (q->commodity && !ews_commodity_unit(q->commodity))
		return ews__fail_field(EWS_EINVAL, "commodity",
		                       "%d is not a commodity",
		                       (int)q->commodity);
	if (q->year < 1900 || q->year > 9999 || q->month < 1 || q->month > 12 ||
	    q->day < 1 || q->day > ews__days_in_month(q->year, q->month))
		return ews__fail_field(
		        EWS_EINVAL, "date",
		        "%d-%02u-%02u is not a date between 1900 "
		        "and 9999",
		        (int)q->year, q->month, q->day);
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Scopes                                                              */

/* The commodity of a load with no commodity asked: its own for the gas
 * and water loads, else electricity. */
static ews_commodity
load_commodity(const ews_category *c)
{
	return c->origin == EWS_ORIGIN_GAS     ? EWS_COMMODITY_GAS
	       : c->origin == EWS_ORIGIN_WATER ? EWS_COMMODITY_WATER
	                                       : EWS_COMMODITY_ELECTRICITY;
}

/* Where a device's consumption goes; EWS_ENOTFOUND when it does not
 * exist. */
static ews_status
expect_device(ews_site *site, int64_t id, ews__device_scopes *out)
{
	ews_status st = ews__device_scopes_get(site, id, out);

	if (st == EWS_OK && !out->exists)
		return ews__fail_field(EWS_ENOTFOUND, "scope_id",
		                       "device %lld does not exist",
		                       (long long)id);
	return st;
}

/* The rollup key of the query's scope, and its commodity. */
ews_status
ews__query_scope(ews_site *site, const ews_consumption_query *q,
                 ews_commodity *commodity, int64_t *key)
{
	ews__device_scopes dev;
	ews_category cat;
	ews_status st = EWS_OK;
	int kind = q->scope;

	*commodity = q->commodity ? q->commodity : EWS_COMMODITY_ELECTRICITY;
	switch (q->scope) {
	case EWS_SCOPE_SITE:
		if (q->scope_id != 0)
			return ews__fail_field(EWS_EINVAL, "scope_id",
			                       "the site has no ID (give 0)");
		break;
	case EWS_SCOPE_DEVICE:
		if ((st = expect_device(site, q->scope_id, &dev)) != EWS_OK)
			return st;
		if (dev.commodity == 0)
			return ews__fail_field(EWS_EINVAL, "scope_id",
			                       "device %lld has no consumption "
			                       "counter (model unknown)",
			                       (long long)q->scope_id);
		if (q->commodity && q->commodity != dev.commodity)
			return ews__fail_field(
			        EWS_EINVAL, "commodity",
			        "device %lld measures %s",
			        (long long)q->scope_id,
			        ews_commodity_name(dev.commodity));
		*commodity = dev.commodity;
		break;
	case EWS_SCOPE_LOAD:
	case EWS_SCOPE_GROUP:
		cat.version = EWS_CATEGORY_VERSION;
		st = ews__site_category_expect(site, q->scope_id,
		                               q->scope == EWS_SCOPE_LOAD
		                                       ? EWS_CATEGORY_LOAD
		                                       : EWS_CATEGORY_GROUP,
		                               "scope_id", &cat);
		if (st != EWS_OK)
			return st;
		if (!q->commodity && q->scope == EWS_SCOPE_LOAD)
			*commodity = load_commodity(&cat);
		break;
	}
	*key = ews__scope_key(kind, q->scope_id, *commodity);
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Reading rows                                                        */

/* The slots of a span: for a decade, each year row summed into one. */
static ews_status add_pending(ews_site *site, int64_t scope, const ews__span *s,
                              ews__slot *out, int *any);

static ews_status
read_span(ews_site *site, int64_t scope, const ews__span *s, ews__slot *out,
          int *any)
{
	ews__slot row[EWS__SLOTS];
	ews_status st = EWS_OK;
	int64_t k;
	int found;

	*any = 0;
	memset(out, 0, EWS__SLOTS * sizeof(*out));
	for (k = 0; st == EWS_OK && k < s->nkeys; k++) {
		memset(row, 0, sizeof(row));
		st = ews__rollup_read(site, scope, s->level, s->first_key + k,
		                      row, &found);
		if (st != EWS_OK || !found)
			continue;
		*any = 1;
		if (s->period != EWS_PERIOD_DECADE) {
			memcpy(out, row, sizeof(row));
			continue;
		}
		ews__slots_add_sum(&out[k], row, 12);
	}
	return st == EWS_OK ? add_pending(site, scope, s, out, any) : st;
}

/*
 * A device's month and year rows may lag by its pending day (rollup.h):
 * add that day's row to the bucket of the span that holds it.
 */
static ews_status
add_pending(ews_site *site, int64_t scope, const ews__span *s, ews__slot *out,
            int *any)
{
	ews__slot row[EWS__SLOTS];
	int64_t pending, k = -1;
	unsigned int m, d;
	ews_status st;
	int32_t y;
	int found;

	if (s->level == EWS__LEVEL_DAY || !ews__scope_is_device(scope) ||
	    (st = ews__rollup_pending_read(site, scope, &pending)) != EWS_OK)
		return EWS_OK;
	if (pending == EWS__NO_PENDING_DAY)
		return EWS_OK;
	ews__civil_from_days(pending, &y, &m, &d);
	if (s->period == EWS_PERIOD_MONTH && y == s->year && m == s->month)
		k = d - 1;
	else if (s->period == EWS_PERIOD_YEAR && y == s->year)
		k = m - 1;
	else if (s->period == EWS_PERIOD_DECADE && y >= s->year &&
	         y < s->year + 10)
		k = y - s->year;
	if (k < 0)
		return EWS_OK;
	if ((st = ews__rollup_read(site, scope, EWS__LEVEL_DAY, pending, row,
	                           &found)) != EWS_OK ||
	    !found)
		return st;
	*any = 1;
	ews__slots_add_sum(&out[k], row, EWS__DAY_SLOTS);
	return EWS_OK;
}

static ews_status
span_total(ews_site *site, int64_t scope, const ews__span *s, int64_t *total,
           int *estimated, int *any)
{
	ews__slot slots[EWS__SLOTS];
	ews_status st = read_span(site, scope, s, slots, any);
	size_t i;

	*total = 0;
	*estimated = 0;
	for (i = 0; st == EWS_OK && i < EWS__SLOTS; i++) {
		*total += slots[i].value_milli;
		*estimated |= slots[i].estimated > 0;
	}
	return st;
}

static ews_status
consumption_read(ews_site *site, const ews_consumption_query *q,
                 ews_histogram *out)
{
	ews__slot slots[EWS__SLOTS];
	const ews__tz *tz;
	ews_commodity commodity;
	int64_t key = 0;
	ews__span cur, prev;
	ews_status st;
	int any, est;
	size_t i;

	memset(out, 0, sizeof(*out));
	if ((st = ews__query_check(q)) != EWS_OK ||
	    (st = ews__query_scope(site, q, &commodity, &key)) != EWS_OK ||
	    (st = ews__site_tz(site, &tz)) != EWS_OK)
		return st;
	ews__span_of(tz, q->period, q->year, q->month, q->day, 0, &cur);
	ews__span_of(tz, q->period, q->year, q->month, q->day, 1, &prev);
	if ((st = read_span(site, key, &cur, slots, &any)) != EWS_OK ||
	    (st = span_total(site, key, &prev, &out->previous_total_milli, &est,
	                     &out->has_previous)) != EWS_OK)
		return st;
	out->scope = q->scope;
	out->scope_id = q->scope_id;
	out->commodity = commodity;
	out->period = q->period;
	out->year = cur.year;
	out->month = cur.month;
	out->day = cur.day;
	out->count = cur.count;
	for (i = 0; i < cur.count; i++) {
		ews_bucket *b = &out->buckets[i];

		b->start_ms = cur.edge[i];
		b->utc_offset_s = ews__tz_offset(tz, cur.edge[i] / 1000);
		b->value_milli = slots[i].value_milli;
		b->recorded = slots[i].pieces > 0;
		b->estimated = slots[i].estimated > 0;
		out->total_milli += b->value_milli;
		out->estimated |= b->estimated;
	}
	if (!out->has_previous)
		out->previous_total_milli = 0;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Splits and the overall view                                         */

static ews_status
read_category(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_scope_total *t = item;

	(void)site;
	memset(t, 0, sizeof(*t));
	t->scope_id = sqlite3_column_int64(st, 0);
	ews__site_column_text(st, 1, t->name, sizeof(t->name));
	return EWS_OK;
}

ews_status
ews__split_check(const ews_consumption_query *q, ews_scope_kind by,
                 ews_commodity *commodity)
{
	ews_status st;

	if ((st = ews__query_check(q)) != EWS_OK)
		return st;
	if (by != EWS_SCOPE_LOAD && by != EWS_SCOPE_GROUP)
		return ews__fail_field(EWS_EINVAL, "by",
		                       "a split is per load or per group");
	if (q->scope != EWS_SCOPE_SITE)
		return ews__fail_field(EWS_EINVAL, "scope",
		                       "only the site is split");
	*commodity = q->commodity ? q->commodity : EWS_COMMODITY_ELECTRICITY;
	return EWS_OK;
}

int64_t
ews__split_key(ews_scope_kind by, int64_t id, ews_commodity commodity)
{
	return ews__scope_key(by == EWS_SCOPE_LOAD ? EWS__SCOPE_TOTAL_LOAD
	                                           : (int)by,
	                      id, commodity);
}

static ews_status
consumption_split_read(ews_site *site, const ews_consumption_query *q,
                       ews_scope_kind by, ews_list **out)
{
	ews_list *cats = NULL, *list = NULL;
	const ews__tz *tz;
	ews_commodity commodity;
	ews__span cur, prev;
	ews_status st;
	size_t i;

	*out = NULL;
	if ((st = ews__split_check(q, by, &commodity)) != EWS_OK ||
	    (st = ews__site_tz(site, &tz)) != EWS_OK)
		return st;
	ews__span_of(tz, q->period, q->year, q->month, q->day, 0, &cur);
	ews__span_of(tz, q->period, q->year, q->month, q->day, 1, &prev);
	st = ews__site_select(site, EWS__LIST_SCOPE_TOTAL,
	                      sizeof(ews_scope_total), read_category, &cats,
	                      "SELECT id, name FROM category WHERE kind = ?"
	                      " ORDER BY id",
	                      "i",
	                      (int64_t)(by == EWS_SCOPE_LOAD
	                                        ? EWS_CATEGORY_LOAD
	                                        : EWS_CATEGORY_GROUP));
	if (st == EWS_OK && !(list = ews__list_new(EWS__LIST_SCOPE_TOTAL,
	                                           sizeof(ews_scope_total))))
		st = EWS_ENOMEM;
	for (i = 0; st == EWS_OK && i < ews_list_len(cats); i++) {
		ews_scope_total t = *ews_list_scope_total(cats, i);
		int64_t key = ews__split_key(by, t.scope_id, commodity);
		int any, prev_est;

		t.scope = by;
		st = span_total(site, key, &cur, &t.total_milli, &t.estimated,
		                &any);
		if (st == EWS_OK)
			st = span_total(site, key, &prev,
			                &t.previous_total_milli, &prev_est,
			                &t.has_previous);
		if (st == EWS_OK && (any || t.has_previous))
			st = ews__list_push(list, &t);
	}
	ews_list_free(cats);
	if (st != EWS_OK) {
		ews_list_free(list);
		return st;
	}
	*out = list;
	return EWS_OK;
}

const ews_scope_total *
ews_list_scope_total(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_SCOPE_TOTAL, i);
}

/* The site's totals of every commodity over one span; has[c]: something
 * of commodity c was recorded in it. factor: the setting
 * "gas_factor_kwh_per_m3" ("" when not set). */
static ews_status
overall_span(ews_site *site, const ews__span *s, const char *factor,
             ews_overall *out, int has[4])
{
	int64_t *totals[] = { NULL, &out->electricity_milli_wh,
		              &out->gas_milli_dm3, &out->water_milli_dm3 };
	ews_status st = EWS_OK;
	int c, est;

	memset(out, 0, sizeof(*out));
	for (c = EWS_COMMODITY_ELECTRICITY;
	     st == EWS_OK && c <= EWS_COMMODITY_WATER; c++) {
		st = span_total(
		        site,
		        ews__scope_key(EWS_SCOPE_SITE, 0, (ews_commodity)c), s,
		        totals[c], &est, &has[c]);
		out->estimated |= est;
	}
	if (st == EWS_OK && factor[0]) {
		/* m³ = dm³ / 1000; thousandths of kWh = dm³ × factor. */
		out->gas_factor_set = 1;
		out->gas_milli_kwh_equiv = llround((double)out->gas_milli_dm3 *
		                                   atof(factor) / 1000.0);
	}
	return st;
}

/* The overall totals of q's period (and, unless prev is NULL, of the one
 * before it). */
static ews_status
consumption_overall_read(ews_site *site, const ews_consumption_query *q,
                         ews_overall *out, ews_overall_periods *prev)
{
	const ews__tz *tz;
	char *factor = NULL;
	int has[4] = { 0 };
	ews_status st;
	ews__span s;

	memset(out, 0, sizeof(*out));
	if ((st = ews__query_check(q)) != EWS_OK ||
	    (st = ews__site_tz(site, &tz)) != EWS_OK ||
	    (st = ews_site_setting_get(site, "gas_factor_kwh_per_m3",
	                               &factor)) != EWS_OK)
		return st;
	ews__span_of(tz, q->period, q->year, q->month, q->day, 0, &s);
	st = overall_span(site, &s, factor, out, has);
	if (st == EWS_OK && prev) {
		ews__span_of(tz, q->period, q->year, q->month, q->day, 1, &s);
		st = overall_span(site, &s, factor, &prev->previous, has);
		prev->has_previous_electricity = has[EWS_COMMODITY_ELECTRICITY];
		prev->has_previous_gas = has[EWS_COMMODITY_GAS];
		prev->has_previous_water = has[EWS_COMMODITY_WATER];
	}
	ews_free(factor);
	return st;
}

/* ------------------------------------------------------------------ */
/* Measured quantities                                                 */

static ews_status
measure_histogram_read(ews_site *site, const ews_consumption_query *q,
                       ews_quantity quantity, unsigned int order,
                       ews_measure_histogram *out)
{
	ews__device_scopes dev;
	ews__sample_vec vec = { 0 };
	const ews__tz *tz;
	int64_t series;
	ews_status st;
	size_t i, b = 0;
	ews__span cur;

	memset(out, 0, sizeof(*out));
	if ((st = ews__query_check(q)) != EWS_OK)
		return st;
	if (q->scope != EWS_SCOPE_DEVICE)
		return ews__fail_field(EWS_EINVAL, "scope",
		                       "measured quantities are per device");
	if (!ews_quantity_name(quantity))
		return ews__fail_field(EWS_EINVAL, "quantity",
		                       "%d is not a quantity", (int)quantity);
	if ((st = expect_device(site, q->scope_id, &dev)) != EWS_OK ||
	    (st = ews__site_tz(site, &tz)) != EWS_OK)
		return st;
	ews__span_of(tz, q->period, q->year, q->month, q->day, 0, &cur);
	out->device_id = q->scope_id;
	out->quantity = quantity;
	out->order = order;
	out->period = q->period;
	out->year = cur.year;
	out->month = cur.month;
	out->day = cur.day;
	out->count = cur.count;
	for (i = 0; i < cur.count; i++) {
		out->buckets[i].start_ms = cur.edge[i];
		out->buckets[i].utc_offset_s =
		        ews__tz_offset(tz, cur.edge[i] / 1000);
	}
	st = ews__series_id(site, q->scope_id, quantity, order, 0, &series);
	if (st == EWS_ENOTFOUND)
		return EWS_OK; /* never recorded */
	if (st == EWS_OK)
		st = ews__series_range(site, series, cur.edge[0],
		                       cur.edge[cur.count], &vec);
	for (i = 0; st == EWS_OK && i < vec.n; i++) {
		ews_measure_bucket *m;
		double v = (double)vec.v[i].value_milli / 1000.0;

		while (b + 1 < cur.count && vec.v[i].t_ms >= cur.edge[b + 1])
			b++;
		m = &out->buckets[b];
		if (m->count == 0 || v < m->min)
			m->min = v;
		if (m->count == 0 || v > m->max)
			m->max = v;
		m->avg += v; /* the sum until the end */
		m->count++;
	}
	for (i = 0; i < cur.count; i++)
		if (out->buckets[i].count)
			out->buckets[i].avg /= (double)out->buckets[i].count;
	ews__sample_vec_free(&vec);
	return st;
}

ews_status
ews_site_consumption(ews_site *site, const ews_consumption_query *q,
                     ews_histogram *out)
{
	ews_status st = ews__site_read_begin(site);

	if (st == EWS_OK)
		st = ews__site_read_end(site, consumption_read(site, q, out));
	return st;
}

ews_status
ews_site_consumption_split(ews_site *site, const ews_consumption_query *q,
                           ews_scope_kind by, ews_list **out)
{
	ews_status st = ews__site_read_begin(site);

	if (st == EWS_OK)
		st = ews__site_read_end(
		        site, consumption_split_read(site, q, by, out));
	return st;
}

ews_status
ews_site_consumption_overall(ews_site *site, const ews_consumption_query *q,
                             ews_overall *out)
{
	ews_status st = ews__site_read_begin(site);

	if (st == EWS_OK)
		st = ews__site_read_end(
		        site, consumption_overall_read(site, q, out, NULL));
	return st;
}

ews_status
ews_site_consumption_overall_periods(ews_site *site,
                                     const ews_consumption_query *q,
                                     ews_overall_periods *out)
{
	ews_status st;

	memset(out, 0, sizeof(*out));
	if ((st = ews__site_read_begin(site)) == EWS_OK)
		st = ews__site_read_end(
		        site,
		        consumption_overall_read(site, q, &out->current, out));
	if (st != EWS_OK)
		memset(out, 0, sizeof(*out));
	return st;
}

ews_status
ews_site_measure_histogram(ews_site *site, const ews_consumption_query *q,
                           ews_quantity quantity, unsigned int order,
                           ews_measure_histogram *out)
{
	ews_status st = ews__site_read_begin(site);

	if (st == EWS_OK)
		st = ews__site_read_end(
		        site,
		        measure_histogram_read(site, q, quantity, order, out));
	return st;
}
