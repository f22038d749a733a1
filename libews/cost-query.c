#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/tariff.h>

#include "consumption-private.h"
#include "cost.h"
#include "error-private.h"

/*
 * Cost histograms (CON-4..8). The rows give each bucket's weighted
 * consumption by tariff (cost.h); the price is applied here, per local
 * day. A year row's month slot is priced with the month's price when no
 * price of its tariffs changes inside the month, else day by day from
 * the month row. Sums are exact (128-bit); each reported figure is
 * rounded once, half to even.
 */

typedef __int128 money; /* weighted thousandths × millionths */

/* One bucket being priced. */
typedef struct priced {
	int64_t ew[EWS__COLS];  /* weighted consumption by column */
	money units[EWS__COLS]; /* its cost, weighted */
} priced;

typedef struct cost_ctx {
	ews_site *site;
	const ews__plan *plan;
	const ews__tz *tz;
	int64_t scope;
} cost_ctx;

/* Weighted consumption ew of column col on a local day, at its price;
 * consumption with no price goes to "no tariff". */
static void
price_into(const ews__plan *p, int col, int64_t day, int64_t ew, priced *b)
{
	int64_t price;

	if (ew == 0)
		return;
	if (col != EWS__NO_TARIFF && ews__plan_price_on(p, col, day, &price)) {
		b->ew[col] += ew;
		b->units[col] += (money)ew * price;
	} else {
		b->ew[EWS__NO_TARIFF] += ew;
	}
}

/* The columns of a slot, with what they do not cover (a row stored with
 * no rule) under "no tariff". */
static void
cover(int64_t cols[EWS__COLS], const ews__slot *slot)
{
	int64_t sum = 0, whole = slot->value_milli * EWS__WEIGHT;
	int c;

	for (c = 0; c < EWS__COLS; c++)
		sum += cols[c];
	if (whole > sum)
		cols[EWS__NO_TARIFF] += whole - sum;
}

/* A day row's slots priced into hour buckets (out: 25) or into one. */
static void
price_day(cost_ctx *x, int64_t day, const ews__slot *slots, priced *out,
          int one_bucket)
{
	const ews__day_weights *w =
	        ews__plan_weights(x->site, x->plan, x->tz, day);
	size_t k;
	int c;

	for (k = 0; k < EWS__DAY_SLOTS; k++)
		for (c = 0; c < EWS__COLS; c++)
			price_into(x->plan, c, day,
			           slots[k].value_milli * w->w[k][c],
			           &out[one_bucket ? 0 : k]);
}

static ews_status
read_row(cost_ctx *x, int level, int64_t key, ews__slot *slots,
         int64_t (*cols)[EWS__COLS], int *found)
{
	return ews__rollup_read_costed(x->site, x->plan, x->scope, level, key,
	                               slots, cols, found);
}

/* A month row's day slots, into one bucket per day or into one. */
static ews_status
price_month(cost_ctx *x, int64_t ym, priced *out, int one_bucket, int *any)
{
	ews__slot slots[EWS__SLOTS];
	int64_t cols[EWS__SLOTS][EWS__COLS];
	int32_t y = (int32_t)((ym - ((ym % 12) + 12) % 12) / 12);
	unsigned int m = (unsigned int)(((ym % 12) + 12) % 12) + 1;
	int64_t first = ews__days_from_civil(y, m, 1);
	ews_status st;
	size_t k;
	int found, c;

	if ((st = read_row(x, EWS__LEVEL_MONTH, ym, slots, cols, &found)) !=
	            EWS_OK ||
	    !found)
		return st;
	*any = 1;
	for (k = 0; k < EWS__SLOTS; k++) {
		cover(cols[k], &slots[k]);
		for (c = 0; c < EWS__COLS; c++)
			price_into(x->plan, c, first + (int64_t)k, cols[k][c],
			           &out[one_bucket ? 0 : k]);
	}
	return EWS_OK;
}

/* Slot m of a year row (year y) into bucket b. */
static ews_status
price_month_slot(cost_ctx *x, int32_t y, unsigned int m, const ews__slot *slot,
                 int64_t cols[EWS__COLS], priced *b)
{
	int64_t first = ews__days_from_civil(y, m, 1);
	int64_t last = first + ews__days_in_month(y, m) - 1;
	int c, any;

	cover(cols, slot);
	for (c = 0; c < (int)x->plan->ntariffs; c++)
		if (cols[c] && ews__plan_price_changes(x->plan, c, first, last))
			return price_month(x, (int64_t)y * 12 + (m - 1), b, 1,
			                   &any);
	for (c = 0; c < EWS__COLS; c++)
		price_into(x->plan, c, first, cols[c], b);
	return EWS_OK;
}

/* A year row's month slots, into one bucket per month or into one. */
static ews_status
price_year(cost_ctx *x, int32_t y, priced *out, int one_bucket, int *any)
{
	ews__slot slots[EWS__SLOTS];
	int64_t cols[EWS__SLOTS][EWS__COLS];
	ews_status st;
	unsigned int m;
	int found;

	if ((st = read_row(x, EWS__LEVEL_YEAR, y, slots, cols, &found)) !=
	            EWS_OK ||
	    !found)
		return st;
	*any = 1;
	for (m = 1; st == EWS_OK && m <= 12; m++)
		if (slots[m - 1].pieces)
			st = price_month_slot(x, y, m, &slots[m - 1],
			                      cols[m - 1],
			                      &out[one_bucket ? 0 : m - 1]);
	return st;
}

/* A device's pending day (rollup.h) into the bucket that holds it. */
static ews_status
price_pending(cost_ctx *x, const ews__span *s, priced *out, int *any)
{
	ews__slot slots[EWS__SLOTS];
	int64_t pending, k = -1;
	unsigned int m, d;
	ews_status st;
	int32_t y;
	int found;

	if (s->level == EWS__LEVEL_DAY || !ews__scope_is_device(x->scope) ||
	    (st = ews__rollup_pending_read(x->site, x->scope, &pending)) !=
	            EWS_OK ||
	    pending == EWS__NO_PENDING_DAY)
		return EWS_OK;
	ews__civil_from_days(pending, &y, &m, &d);
	if (s->period == EWS_PERIOD_MONTH && y == s->year && m == s->month)
		k = d - 1;
	else if (s->period == EWS_PERIOD_YEAR && y == s->year)
		k = m - 1;
	else if (s->period == EWS_PERIOD_DECADE && y >= s->year &&
	         y < s->year + 10)
		k = y - s->year;
	if (k < 0 ||
	    (st = ews__rollup_read(x->site, x->scope, EWS__LEVEL_DAY, pending,
	                           slots, &found)) != EWS_OK ||
	    !found)
		return k < 0 ? EWS_OK : st;
	*any = 1;
	price_day(x, pending, slots, &out[k], 1);
	return EWS_OK;
}

static ews_status
price_span(cost_ctx *x, const ews__span *s, priced *out, int *any)
{
	ews__slot slots[EWS__SLOTS];
	ews_status st = EWS_OK;
	int64_t k;

	*any = 0;
	memset(out, 0, EWS_HISTOGRAM_MAX * sizeof(*out));
	switch (s->period) {
	case EWS_PERIOD_DAY:
		st = ews__rollup_read(x->site, x->scope, EWS__LEVEL_DAY,
		                      s->first_key, slots, any);
		if (st == EWS_OK && *any)
			price_day(x, s->first_key, slots, out, 0);
		return st;
	case EWS_PERIOD_MONTH:
		st = price_month(x, s->first_key, out, 0, any);
		break;
	case EWS_PERIOD_YEAR:
		st = price_year(x, s->year, out, 0, any);
		break;
	case EWS_PERIOD_DECADE:
		for (k = 0; st == EWS_OK && k < 10; k++)
			st = price_year(x, s->year + (int32_t)k, &out[k], 1,
			                any);
		break;
	}
	return st == EWS_OK ? price_pending(x, s, out, any) : st;
}

/* ------------------------------------------------------------------ */
/* Results                                                             */

/* a / b rounded to the nearest, half to even (b > 0). */
static int64_t
round_div(money a, int64_t b)
{
	money q = a / b, r = a % b;

	if (r < 0) {
		r += b;
		q -= 1;
	}
	if (2 * r > b || (2 * r == b && (q & 1)))
		q++;
	return (int64_t)q;
}

/* Weighted thousandths × millionths per millionth of the currency. */
static const int64_t UNITS_PER_MICRO = (int64_t)EWS__WEIGHT * 1000000;

static void
fill_columns(const ews__plan *p, ews_cost_histogram *out)
{
	size_t i;

	for (i = 0; i < p->ntariffs; i++) {
		out->tariff_id[i] = p->tariff[i].id;
		strcpy(out->tariff_name[i], p->tariff[i].name);
		strcpy(out->tariff_color[i], p->tariff[i].color);
	}
	out->tariff_id[i] = 0;
	strcpy(out->tariff_name[i], "no tariff");
	strcpy(out->tariff_color[i], "#9E9E9E");
	out->columns = i + 1;
}

/* Plan column c as output column (no tariff is the last). */
static size_t
out_col(const ews__plan *p, int c)
{
	return c == EWS__NO_TARIFF ? p->ntariffs : (size_t)c;
}

static void
fill_buckets(const ews__plan *p, const ews__span *s, const ews__tz *tz,
             const priced *in, ews_cost_histogram *out)
{
	priced total;
	money all = 0;
	size_t i;
	int c;

	memset(&total, 0, sizeof(total));
	out->count = s->count;
	for (i = 0; i < s->count; i++) {
		ews_cost_bucket *b = &out->buckets[i];
		money sum = 0;

		b->start_ms = s->edge[i];
		b->utc_offset_s = ews__tz_offset(tz, s->edge[i] / 1000);
		for (c = 0; c < EWS__COLS; c++) {
			size_t o = out_col(p, c);

			b->value_milli[o] = round_div(in[i].ew[c], EWS__WEIGHT);
			b->cost_micro_by[o] =
			        round_div(in[i].units[c], UNITS_PER_MICRO);
			sum += in[i].units[c];
			total.ew[c] += in[i].ew[c];
			total.units[c] += in[i].units[c];
		}
		b->cost_micro = round_div(sum, UNITS_PER_MICRO);
		all += sum;
	}
	for (c = 0; c < EWS__COLS; c++) {
		size_t o = out_col(p, c);

		out->total_value_milli[o] = round_div(total.ew[c], EWS__WEIGHT);
		out->total_cost_micro_by[o] =
		        round_div(total.units[c], UNITS_PER_MICRO);
	}
	out->total_cost_micro = round_div(all, UNITS_PER_MICRO);
}

static ews_status
cost_read(ews_site *site, const ews_consumption_query *q,
          ews_cost_histogram *out)
{
	priced cur[EWS_HISTOGRAM_MAX], prev[EWS_HISTOGRAM_MAX];
	ews__span scur, sprev;
	ews_commodity commodity;
	cost_ctx x;
	char *currency = NULL;
	money before = 0;
	ews_status st;
	size_t i;
	int any, c;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.site = site;
	if ((st = ews__query_check(q)) != EWS_OK ||
	    (st = ews__query_scope(site, q, &commodity, &x.scope)) != EWS_OK ||
	    (st = ews__site_tz(site, &x.tz)) != EWS_OK ||
	    (st = ews__plan_get(site, commodity, &x.plan)) != EWS_OK ||
	    (st = ews_site_setting_get(site, "currency", &currency)) != EWS_OK)
		return st;
	snprintf(out->currency, sizeof(out->currency), "%s", currency);
	free(currency);
	ews__span_of(x.tz, q->period, q->year, q->month, q->day, 0, &scur);
	ews__span_of(x.tz, q->period, q->year, q->month, q->day, 1, &sprev);
	if ((st = price_span(&x, &scur, cur, &any)) != EWS_OK ||
	    (st = price_span(&x, &sprev, prev, &out->has_previous)) != EWS_OK)
		return st;
	out->scope = q->scope;
	out->scope_id = q->scope_id;
	out->commodity = commodity;
	out->period = q->period;
	out->year = scur.year;
	out->month = scur.month;
	out->day = scur.day;
	fill_columns(x.plan, out);
	fill_buckets(x.plan, &scur, x.tz, cur, out);
	for (i = 0; i < sprev.count; i++)
		for (c = 0; c < EWS__COLS; c++)
			before += prev[i].units[c];
	out->previous_total_cost_micro = round_div(before, UNITS_PER_MICRO);
	return EWS_OK;
}

ews_status
ews_site_cost(ews_site *site, const ews_consumption_query *q,
              ews_cost_histogram *out)
{
	ews_status st = ews__site_read_begin(site);

	if (st == EWS_OK)
		st = ews__site_read_end(site, cost_read(site, q, out));
	return st;
}

/* ------------------------------------------------------------------ */
/* Splits                                                              */

/* The exact cost of x->scope over a span (as fill_buckets() sums it),
 * and whether it has recorded data. */
static ews_status
span_cost(cost_ctx *x, const ews__span *s, money *units, int *any)
{
	priced b[EWS_HISTOGRAM_MAX];
	ews_status st = price_span(x, s, b, any);
	size_t i;
	int c;

	*units = 0;
	for (i = 0; st == EWS_OK && i < s->count; i++)
		for (c = 0; c < EWS__COLS; c++)
			*units += b[i].units[c];
	return st;
}

static ews_status
cost_split_read(ews_site *site, const ews_consumption_query *q,
                const ews_list *split, ews_list **out)
{
	const ews_scope_total *first = ews_list_scope_total(split, 0);
	size_t i, n = ews_list_len(split);
	ews_commodity commodity;
	ews__span scur, sprev;
	ews_list *list;
	cost_ctx x;
	ews_status st;

	if (!split || (n > 0 && !first))
		return ews__fail_field(
		        EWS_EINVAL, "split",
		        "not a split (ews_site_consumption_split)");
	memset(&x, 0, sizeof(x));
	x.site = site;
	if ((st = ews__split_check(q, first ? first->scope : EWS_SCOPE_LOAD,
	                           &commodity)) != EWS_OK ||
	    (st = ews__site_tz(site, &x.tz)) != EWS_OK ||
	    (st = ews__plan_get(site, commodity, &x.plan)) != EWS_OK)
		return st;
	if (!(list = ews__list_new(EWS__LIST_SCOPE_COST,
	                           sizeof(ews_scope_cost))))
		return EWS_ENOMEM;
	ews__span_of(x.tz, q->period, q->year, q->month, q->day, 0, &scur);
	ews__span_of(x.tz, q->period, q->year, q->month, q->day, 1, &sprev);
	for (i = 0; st == EWS_OK && i < n; i++) {
		const ews_scope_total *t = ews_list_scope_total(split, i);
		ews_scope_cost c;
		money cur, prev;
		int any;

		memset(&c, 0, sizeof(c));
		c.scope = t->scope;
		c.scope_id = t->scope_id;
		if ((st = ews__split_check(q, t->scope, &commodity)) != EWS_OK)
			break;
		x.scope = ews__split_key(t->scope, t->scope_id, commodity);
		if ((st = span_cost(&x, &scur, &cur, &any)) != EWS_OK ||
		    (st = span_cost(&x, &sprev, &prev, &c.has_previous)) !=
		            EWS_OK)
			break;
		c.total_cost_micro = round_div(cur, UNITS_PER_MICRO);
		c.previous_total_cost_micro = round_div(prev, UNITS_PER_MICRO);
		st = ews__list_push(list, &c);
	}
	if (st != EWS_OK) {
		ews_list_free(list);
		return st;
	}
	*out = list;
	return EWS_OK;
}

ews_status
ews_site_cost_split(ews_site *site, const ews_consumption_query *q,
                    const ews_list *split, ews_list **out)
{
	ews_status st;

	*out = NULL;
	if ((st = ews__site_read_begin(site)) == EWS_OK)
		st = ews__site_read_end(site,
		                        cost_split_read(site, q, split, out));
	return st;
}

const ews_scope_cost *
ews_list_scope_cost(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_SCOPE_COST, i);
}
