/*
 * The JSON shapes of consumption: histograms (with their costs, by
 * tariff, when asked), the totals of a split, two histograms compared,
 * the site's overall totals and the measures of a quantity.
 *
 * Amounts are the library's integer thousandths of the unit, written as
 * exact decimals (jw_milli); money is millionths of the currency
 * (jw_money). Neither goes through floating point.
 */
#include <string.h>

#include "shapes.h"

const char *
shape_scope_text(ews_scope_kind kind, int64_t id, char *buf, size_t size)
{
	const char *name = ews_scope_kind_name(kind);

	if (kind == EWS_SCOPE_SITE)
		return "site";
	snprintf(buf, size, "%s:%lld", name ? name : "?", (long long)id);
	return buf;
}

const char *
shape_quantity_text(ews_quantity q, unsigned int order, char *buf, size_t size)
{
	const char *name = ews_quantity_name(q);

	if (!order)
		return name;
	snprintf(buf, size, "%s:%u", name ? name : "?", order);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Histograms                                                          */

/* {"<tariff name>": cost, ..., "no tariff": null}: the columns with
 * consumption, by the columns' order. */
static void
by_tariff(struct jw *j, const char *key, const ews_cost_histogram *ch,
          const int64_t *value_milli, const int64_t *cost_micro)
{
	jw_key(j, key);
	jw_object_begin(j);
	for (size_t c = 0; c < ch->columns && c < EWS_COST_COLUMNS; c++) {
		if (value_milli[c] == 0 && cost_micro[c] == 0)
			continue;
		if (ch->tariff_id[c] == 0) {
			jw_key(j, ch->tariff_name[c]);
			jw_null(j);
		} else {
			jw_field_money(j, ch->tariff_name[c], cost_micro[c]);
		}
	}
	jw_object_end(j);
}

/* The consumption of the "no tariff" column (the last). */
static int64_t
unpriced(const ews_cost_histogram *ch, const int64_t *value_milli)
{
	return ch->columns ? value_milli[ch->columns - 1] : 0;
}

static void
bucket_cost(struct jw *j, const ews_cost_histogram *ch, size_t i)
{
	const ews_cost_bucket *b = &ch->buckets[i];
	int64_t none = unpriced(ch, b->value_milli);

	jw_field_money(j, "cost", b->cost_micro);
	by_tariff(j, "by_tariff", ch, b->value_milli, b->cost_micro_by);
	if (none > 0)
		jw_field_milli(j, "unpriced", none);
}

static void
total_cost(struct jw *j, const ews_cost_histogram *ch)
{
	int64_t none = unpriced(ch, ch->total_value_milli);

	jw_field_str(j, "currency", ch->currency);
	jw_field_money(j, "total_cost", ch->total_cost_micro);
	by_tariff(j, "total_by_tariff", ch, ch->total_value_milli,
	          ch->total_cost_micro_by);
	if (none > 0)
		jw_field_milli(j, "unpriced", none);
	if (ch->has_previous) {
		jw_field_money(j, "previous_total_cost",
		               ch->previous_total_cost_micro);
	} else {
		jw_key(j, "previous_total_cost");
		jw_null(j);
	}
}

/* "total" and "previous_total" (null without data). */
static void
totals(struct jw *j, int64_t total, int has_previous, int64_t previous)
{
	jw_field_milli(j, "total", total);
	jw_key(j, "previous_total");
	if (has_previous)
		jw_milli(j, previous);
	else
		jw_null(j);
}

/* The fields of a histogram, in an open object. */
static void
histogram_fields(struct jw *j, const ews_histogram *h,
                 const ews_cost_histogram *ch)
{
	char t[EWS_TIME_TEXT_MAX], sc[48];

	jw_field_str(j, "scope",
	             shape_scope_text(h->scope, h->scope_id, sc, sizeof(sc)));
	jw_field_str(j, "commodity", ews_commodity_name(h->commodity));
	jw_field_str(j, "period", ews_period_name(h->period));
	jw_field_str(j, "unit", ews_commodity_unit(h->commodity));
	jw_key(j, "buckets");
	jw_array_begin(j, 0);
	for (size_t i = 0; i < h->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_bucket *b = &h->buckets[i];

		jw_object_begin(j);
		jw_field_str(j, "start",
		             shape_time_text(b->start_ms, b->utc_offset_s, t));
		jw_field_milli(j, "value", b->value_milli);
		jw_field_bool(j, "recorded", b->recorded);
		jw_field_bool(j, "estimated", b->estimated);
		if (ch && i < ch->count)
			bucket_cost(j, ch, i);
		jw_object_end(j);
	}
	jw_array_end(j);
	totals(j, h->total_milli, h->has_previous, h->previous_total_milli);
	if (ch)
		total_cost(j, ch);
}

void
shape_histogram(struct jw *j, const ews_histogram *h,
                const ews_cost_histogram *ch)
{
	jw_object_begin(j);
	histogram_fields(j, h, ch);
	jw_object_end(j);
}

void
shape_split(struct jw *j, const ews_list *split, const ews_list *costs)
{
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(split); i++) {
		const ews_scope_total *s = ews_list_scope_total(split, i);

		jw_object_begin(j);
		jw_field_int(j, "id", s->scope_id);
		jw_field_str(j, "name", s->name);
		totals(j, s->total_milli, s->has_previous,
		       s->previous_total_milli);
		jw_field_bool(j, "estimated", s->estimated);
		if (costs && ews_list_scope_cost(costs, i))
			jw_field_money(j, "cost",
			               ews_list_scope_cost(costs, i)
			                       ->total_cost_micro);
		jw_object_end(j);
	}
	jw_array_end(j);
}

void
shape_consumption(struct jw *j, const ews_histogram *h,
                  const ews_cost_histogram *ch, const ews_list *split,
                  const ews_list *costs)
{
	jw_object_begin(j);
	histogram_fields(j, h, ch);
	if (split) {
		jw_key(j, "split");
		shape_split(j, split, costs);
	}
	jw_object_end(j);
}

void
shape_compare(struct jw *j, const ews_histogram *ha, const ews_histogram *hb,
              const ews_cost_histogram *ca, const ews_cost_histogram *cb)
{
	jw_object_begin(j);
	jw_key(j, "a");
	shape_histogram(j, ha, ca);
	jw_key(j, "b");
	shape_histogram(j, hb, cb);
	jw_object_end(j);
}

/* ------------------------------------------------------------------ */
/* Overall, measures                                                   */

ews_status
shape_overall_costs_get(ews_site *site, const ews_consumption_query *q,
                        struct shape_overall_costs *out)
{
	static const ews_commodity each[3] = { EWS_COMMODITY_ELECTRICITY,
		                               EWS_COMMODITY_GAS,
		                               EWS_COMMODITY_WATER };
	ews_cost_histogram ch;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < 3; i++) {
		ews_consumption_query qi = *q;
		ews_status st;

		qi.scope = EWS_SCOPE_SITE;
		qi.scope_id = 0;
		qi.commodity = each[i];
		if ((st = ews_site_cost(site, &qi, &ch)) != EWS_OK)
			return st;
		out->micro[i] = ch.total_cost_micro;
		out->total += ch.total_cost_micro;
		out->has_previous[i] = ch.has_previous;
		if (ch.has_previous) {
			out->previous_micro[i] = ch.previous_total_cost_micro;
			out->previous_total += ch.previous_total_cost_micro;
		}
		memcpy(out->currency, ch.currency, sizeof(out->currency));
	}
	return EWS_OK;
}

/* A previous period's figure: v, or null when it has no data. */
static void
field_previous_milli(struct jw *j, const char *key, int has, int64_t v)
{
	jw_key(j, key);
	if (has)
		jw_milli(j, v);
	else
		jw_null(j);
}

static void
field_previous_money(struct jw *j, const char *key, int has, int64_t v)
{
	if (has) {
		jw_field_money(j, key, v);
	} else {
		jw_key(j, key);
		jw_null(j);
	}
}

void
shape_overall(struct jw *j, ews_period period, const char *start,
              const ews_overall_periods *ov,
              const struct shape_overall_costs *costs)
{
	static const char *const cost_keys[3] = { "electricity_cost",
		                                  "gas_cost", "water_cost" };
	static const char *const previous_cost_keys[3] = {
		"previous_electricity_cost", "previous_gas_cost",
		"previous_water_cost"
	};
	const ews_overall *cur = &ov->current, *prev = &ov->previous;
	int any = 0;

	jw_object_begin(j);
	jw_field_str(j, "period", ews_period_name(period));
	jw_field_str(j, "start", start);
	jw_field_milli(j, "electricity_wh", cur->electricity_milli_wh);
	jw_field_milli(j, "gas_dm3", cur->gas_milli_dm3);
	jw_field_milli(j, "gas_kwh_equiv", cur->gas_milli_kwh_equiv);
	jw_field_milli(j, "water_dm3", cur->water_milli_dm3);
	jw_field_bool(j, "estimated", cur->estimated);
	field_previous_milli(j, "previous_electricity_wh",
	                     ov->has_previous_electricity,
	                     prev->electricity_milli_wh);
	field_previous_milli(j, "previous_gas_dm3", ov->has_previous_gas,
	                     prev->gas_milli_dm3);
	field_previous_milli(j, "previous_gas_kwh_equiv", ov->has_previous_gas,
	                     prev->gas_milli_kwh_equiv);
	field_previous_milli(j, "previous_water_dm3", ov->has_previous_water,
	                     prev->water_milli_dm3);
	if (costs) {
		jw_field_str(j, "currency", costs->currency);
		for (size_t i = 0; i < 3; i++)
			jw_field_money(j, cost_keys[i], costs->micro[i]);
		jw_field_money(j, "total_cost", costs->total);
		for (size_t i = 0; i < 3; i++) {
			field_previous_money(j, previous_cost_keys[i],
			                     costs->has_previous[i],
			                     costs->previous_micro[i]);
			any |= costs->has_previous[i];
		}
		field_previous_money(j, "previous_total_cost", any,
		                     costs->previous_total);
	}
	jw_object_end(j);
}

/* v, or null for a bucket without samples. */
static void
field_measure(struct jw *j, const char *key, size_t count, double v)
{
	jw_key(j, key);
	if (count)
		jw_double(j, v);
	else
		jw_null(j);
}

void
shape_measures(struct jw *j, const ews_measure_histogram *m)
{
	char t[EWS_TIME_TEXT_MAX], qt[EWS_NAME_MAX + 8];

	jw_object_begin(j);
	jw_field_int(j, "device", m->device_id);
	jw_field_str(
	        j, "quantity",
	        shape_quantity_text(m->quantity, m->order, qt, sizeof(qt)));
	jw_field_str(j, "unit", ews_quantity_unit(m->quantity));
	jw_field_str(j, "period", ews_period_name(m->period));
	jw_key(j, "buckets");
	jw_array_begin(j, 0);
	for (size_t i = 0; i < m->count && i < EWS_HISTOGRAM_MAX; i++) {
		const ews_measure_bucket *b = &m->buckets[i];

		jw_object_begin(j);
		jw_field_str(j, "start",
		             shape_time_text(b->start_ms, b->utc_offset_s, t));
		jw_field_int(j, "count", (int64_t)b->count);
		field_measure(j, "min", b->count, b->min);
		field_measure(j, "avg", b->count, b->avg);
		field_measure(j, "max", b->count, b->max);
		jw_object_end(j);
	}
	jw_array_end(j);
	jw_object_end(j);
}
