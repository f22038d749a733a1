/*
 * Costs (TAR-3..6, CON-8) on real site databases, with time given as
 * arguments: the manual's four example rules (§7.16.3) priced over known
 * consumption and compared with costs worked out by hand, a price change
 * mid-month, a DST night, rule order, a frame that splits an hour,
 * costs kept on ingest equal to costs recomputed after an edit, and the
 * costs of a split, item by item (CON-3, CON-5).
 *
 * The meter reads 1 kWh every local hour, so an hour under tariff T costs
 * T's price exactly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>
#include <ews/store.h>
#include <ews/tariff.h>

#include "consumption-fixtures.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

static int64_t
tariff(const char *name, const char *price)
{
	ews_tariff t;
	ews_price p;

	ck_assert_int_eq(ews_tariff_init(&t, EWS_TARIFF_VERSION,
	                                 EWS_COMMODITY_ELECTRICITY),
	                 EWS_OK);
	snprintf(t.name, sizeof(t.name), "%s", name);
	ck_assert_msg(ews_site_tariff_add(site, &t) == EWS_OK, "tariff: %s",
	              ews_error_last()->message);
	ck_assert_int_eq(ews_price_init(&p, EWS_PRICE_VERSION), EWS_OK);
	p.tariff_id = t.id;
	ck_assert_int_eq(ews_money_parse(price, "price", &p.price_micro),
	                 EWS_OK);
	ck_assert_msg(ews_site_price_add(site, &p) == EWS_OK, "price: %s",
	              ews_error_last()->message);
	return t.id;
}

static void
price_from(int64_t tariff_id, const char *price, const char *from)
{
	ews_price p;

	ews_price_init(&p, EWS_PRICE_VERSION);
	p.tariff_id = tariff_id;
	ck_assert_int_eq(ews_money_parse(price, "price", &p.price_micro),
	                 EWS_OK);
	ck_assert_int_eq(ews_date_parse(from, "from", &p.from), EWS_OK);
	ck_assert_msg(ews_site_price_add(site, &p) == EWS_OK, "price: %s",
	              ews_error_last()->message);
}

static ews_cost_rule
rule_new(int64_t tariff_id)
{
	ews_cost_rule r;

	ck_assert_int_eq(ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                                    EWS_COMMODITY_ELECTRICITY),
	                 EWS_OK);
	r.tariff_id = tariff_id;
	return r;
}

static int64_t
rule_add(ews_cost_rule *r)
{
	ck_assert_msg(ews_site_rule_add(site, r) == EWS_OK, "rule: %s",
	              ews_error_last()->message);
	return r->id;
}

/* Monday to Friday, from hh:mm to hh:mm (end minute included). */
static int64_t
weekday_rule(int64_t tariff_id, unsigned int from, unsigned int to)
{
	ews_cost_rule r = rule_new(tariff_id);

	r.weekdays = 0x1f;
	r.time_from = from;
	r.time_to = to;
	return rule_add(&r);
}

/* The manual's example rules, in the manual's order: March 2020 T3,
 * Christmas every year T2, weekdays 00:00-18:59 T1, 19:00-23:59 T2. */
struct manual {
	int64_t t1, t2, t3;
	int64_t march, christmas, day, evening;
};

static struct manual
manual_rules(void)
{
	struct manual m;
	ews_cost_rule r;

	m.t1 = tariff("T1", "0.20");
	m.t2 = tariff("T2", "0.30");
	m.t3 = tariff("T3", "0.10");
	r = rule_new(m.t3);
	r.validity = EWS_VALID_PERIOD;
	ews_date_parse("2020-03-01", "from", &r.from);
	ews_date_parse("2020-03-31", "to", &r.to);
	m.march = rule_add(&r);
	r = rule_new(m.t2);
	r.validity = EWS_VALID_DATE;
	r.every_year = 1;
	ews_date_parse("2019-12-25", "from", &r.from);
	m.christmas = rule_add(&r);
	m.day = weekday_rule(m.t1, 0, 18 * 60 + 59);
	m.evening = weekday_rule(m.t2, 19 * 60, 23 * 60 + 59);
	return m;
}

/* 1 kWh in every local hour of Rome from y-m-d for ndays local days, in
 * batches of a day (a sweep per hour would be slower, the same sums). */
static void
kwh_every_hour(int64_t dev, int y, int m, int d, int ndays)
{
	ews_reading r[32];
	int64_t t, end;
	double wh = 0;
	size_t n = 0;

	t = utc_ms(y, m, d, 0, 0) - H; /* Rome is UTC+1 in winter */
	for (end = t; ndays-- > 0;)
		next_day(&y, &m, &d);
	end = utc_ms(y, m, d, 0, 0) - H;
	if (m > 3 && m < 11)
		end -= H; /* summer time */
	for (; t <= end; t += H, wh += 1000) {
		r[n++] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, t, wh);
		if (n == 32) {
			add(r, n);
			r[0] = r[n - 1];
			n = 1;
		}
	}
	if (n > 1)
		add(r, n);
}

static ews_cost_histogram
cost(ews_scope_kind scope, int64_t id, ews_period period, int y, int m, int d)
{
	ews_consumption_query q = query(scope, id, period, y, m, d);
	ews_cost_histogram h;

	ck_assert_msg(ews_site_cost(site, &q, &h) == EWS_OK, "cost: %s",
	              ews_error_last()->message);
	return h;
}

static int64_t
day_cost(int64_t dev, int y, int m, int d)
{
	return cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, y, m, d)
	        .total_cost_micro;
}

/* Column of a tariff in a histogram. */
static size_t
col(const ews_cost_histogram *h, int64_t tariff_id)
{
	size_t i;

	for (i = 0; i < h->columns; i++)
		if (h->tariff_id[i] == tariff_id)
			return i;
	ck_abort_msg("tariff %lld is not a column", (long long)tariff_id);
	return 0;
}

/* Buckets and columns add up to the totals (each figure is rounded once:
 * within half a millionth per term). */
static void
assert_adds_up(const ews_cost_histogram *h)
{
	int64_t sum = 0, by = 0;
	size_t i, c;

	for (i = 0; i < h->count; i++) {
		int64_t cols = 0;

		for (c = 0; c < h->columns; c++)
			cols += h->buckets[i].cost_micro_by[c];
		ck_assert_int_le(llabs(cols - h->buckets[i].cost_micro),
		                 (long long)h->columns);
		sum += h->buckets[i].cost_micro;
	}
	for (c = 0; c < h->columns; c++)
		by += h->total_cost_micro_by[c];
	ck_assert_int_le(llabs(sum - h->total_cost_micro), (long long)h->count);
	ck_assert_int_le(llabs(by - h->total_cost_micro),
	                 (long long)h->columns);
	ck_assert_int_eq(h->total_cost_micro_by[h->columns - 1], 0);
}

/* ------------------------------------------------------------------ */
/* The manual's examples (TAR-5)                                       */

START_TEST(manual_examples_give_the_costs_worked_out_by_hand)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	struct manual m;
	ews_cost_histogram h;

	set_zone("Europe/Rome");
	m = manual_rules();
	kwh_every_hour(dev, 2019, 12, 1, 31 + 31 + 29 + 31);
	/* a weekday: 19 h at T1 0.20, 5 h at T2 0.30 */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2019, 12, 23);
	ck_assert_uint_eq(h.count, 24);
	ck_assert_int_eq(h.total_cost_micro, 5300000);
	ck_assert_int_eq(h.buckets[18].cost_micro, 200000);
	ck_assert_int_eq(h.buckets[18].cost_micro_by[col(&h, m.t1)], 200000);
	ck_assert_int_eq(h.buckets[19].cost_micro, 300000);
	ck_assert_int_eq(h.buckets[19].value_milli[col(&h, m.t2)], 1000000);
	ck_assert_int_eq(h.total_value_milli[col(&h, m.t1)], 19000000);
	ck_assert_int_eq(h.total_value_milli[col(&h, m.t2)], 5000000);
	assert_adds_up(&h);
	/* Christmas, a Wednesday: all day T2 */
	ck_assert_int_eq(day_cost(dev, 2019, 12, 25), 7200000);
	/* a Saturday: no rule is true, 24 kWh under "no tariff" */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2019, 12, 28);
	ck_assert_int_eq(h.total_cost_micro, 0);
	ck_assert_int_eq(h.total_value_milli[h.columns - 1], 24000000);
	ck_assert_int_eq(h.tariff_id[h.columns - 1], 0);
	ck_assert_str_eq(h.tariff_name[h.columns - 1], "no tariff");
	/* March 2020, weekday or Sunday: T3 all day */
	ck_assert_int_eq(day_cost(dev, 2020, 3, 3), 2400000);
	ck_assert_int_eq(day_cost(dev, 2020, 3, 1), 2400000);
	/* December 2019: 21 weekdays, Christmas and 9 weekend days */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_MONTH, 2019, 12, 1);
	ck_assert_int_eq(h.total_cost_micro, 21 * 5300000 + 7200000);
	ck_assert_int_eq(h.total_value_milli[col(&h, m.t1)], 21 * 19000000);
	ck_assert_int_eq(h.total_value_milli[col(&h, m.t2)],
	                 (21 * 5 + 24) * 1000000);
	ck_assert_int_eq(h.total_value_milli[h.columns - 1], 9 * 24000000);
	ck_assert_int_eq(h.buckets[24].cost_micro, 7200000);
	ck_assert_int_eq(h.buckets[27].cost_micro, 0);
	assert_adds_up(&h);
	/* the year 2019 and the site give the same December */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_YEAR, 2019, 1, 1);
	ck_assert_int_eq(h.buckets[11].cost_micro, 118500000);
	ck_assert_int_eq(h.total_cost_micro, 118500000);
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1);
	ck_assert_int_eq(h.total_cost_micro, 118500000);
	assert_adds_up(&h);
}
END_TEST

START_TEST(dst_night_and_march_rule)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	ews_cost_histogram h;

	set_zone("Europe/Rome");
	manual_rules();
	kwh_every_hour(dev, 2020, 3, 1, 31);
	/* 29 March 2020 has 23 hours: 23 kWh at T3 */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2020, 3, 29);
	ck_assert_uint_eq(h.count, 23);
	ck_assert_int_eq(h.total_cost_micro, 2300000);
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_MONTH, 2020, 3, 1);
	ck_assert_int_eq(h.total_cost_micro, 30 * 2400000 + 2300000);
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2020, 1, 1);
	ck_assert_int_eq(h.buckets[2].cost_micro, 74300000);
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_DECADE, 2020, 1, 1);
	ck_assert_int_eq(h.buckets[0].cost_micro, 74300000);
	assert_adds_up(&h);
}
END_TEST

START_TEST(dst_night_in_autumn_splits_by_local_time)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	int64_t t1 = tariff("Night", "0.10"), t2 = tariff("Day", "0.20");
	ews_cost_rule r = rule_new(t1);
	ews_reading rd[27];
	ews_cost_histogram h;
	int i;

	set_zone("Europe/Rome");
	r.time_from = 0;
	r.time_to = 2 * 60 + 59; /* 00:00-02:59 local, both 02:00 hours */
	rule_add(&r);
	r = rule_new(t2);
	rule_add(&r);
	/* 25 October 2020 has 25 hours: 1 kWh each */
	for (i = 0; i < 26; i++)
		rd[i] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
		                utc_ms(2020, 10, 24, 22, 0) + (int64_t)i * H,
		                1000.0 * i);
	add(rd, 26);
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2020, 10, 25);
	ck_assert_uint_eq(h.count, 25);
	/* 00, 01, 02 (summer), 02 (winter): 4 hours at 0.10, 21 at 0.20 */
	ck_assert_int_eq(h.total_value_milli[col(&h, t1)], 4000000);
	ck_assert_int_eq(h.total_cost_micro, 4 * 100000 + 21 * 200000);
	ck_assert_int_eq(h.buckets[3].cost_micro, 100000);
	ck_assert_int_eq(h.buckets[4].cost_micro, 200000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Prices and order                                                    */

START_TEST(price_change_mid_month)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	struct manual m;
	ews_cost_histogram h;
	int64_t before;

	set_zone("Europe/Rome");
	m = manual_rules();
	kwh_every_hour(dev, 2019, 12, 1, 31);
	before = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1)
	                 .total_cost_micro;
	ck_assert_int_eq(before, 118500000);
	price_from(m.t1, "0.25", "2019-12-16");
	/* the undated 0.20 holds until the 15th, 0.25 from the 16th */
	ck_assert_int_eq(day_cost(dev, 2019, 12, 13), 5300000);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 16), 6250000);
	/* 10 weekdays at 5.30, 11 at 6.25, Christmas 7.20 */
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_MONTH, 2019, 12, 1);
	ck_assert_int_eq(h.total_cost_micro, 128950000);
	/* a year's month slot with a price change is priced day by day */
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1);
	ck_assert_int_eq(h.buckets[11].cost_micro, 128950000);
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DECADE, 2019, 1, 1);
	ck_assert_int_eq(h.buckets[9].cost_micro, 128950000);
	ck_assert_int_eq(h.previous_total_cost_micro, 0);
	assert_adds_up(&h);
}
END_TEST

START_TEST(reordering_rules_changes_the_result)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	struct manual m;

	set_zone("Europe/Rome");
	m = manual_rules();
	kwh_every_hour(dev, 2019, 12, 1, 31);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 25), 7200000);
	/* Christmas below the weekday rules: a Wednesday like any other */
	ck_assert_int_eq(ews_site_rule_move(site, m.christmas, 1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_move(site, m.christmas, 1), EWS_OK);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 25), 5300000);
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1)
	                         .total_cost_micro,
	                 22 * 5300000);
	/* and back on top */
	ck_assert_int_eq(ews_site_rule_move(site, m.christmas, -1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_move(site, m.christmas, -1), EWS_OK);
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1)
	                         .total_cost_micro,
	                 118500000);
	/* deleting the evening rule leaves 19:00-23:59 of weekdays unpriced */
	ck_assert_int_eq(ews_site_rule_delete(site, m.evening), EWS_OK);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 23), 3800000);
}
END_TEST

START_TEST(a_frame_boundary_inside_an_hour_splits_it_by_minutes)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	int64_t t1 = tariff("Night", "0.20"), t2 = tariff("Day", "0.30");
	ews_cost_histogram h;

	set_zone("Europe/Rome");
	weekday_rule(t1, 22 * 60 + 30, 7 * 60 + 29); /* crosses midnight */
	weekday_rule(t2, 7 * 60 + 30, 22 * 60 + 29);
	kwh_every_hour(dev, 2019, 12, 2, 1);
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2019, 12, 2);
	/* 07:00-08:00 and 22:00-23:00: half and half */
	ck_assert_int_eq(h.buckets[7].cost_micro, 250000);
	ck_assert_int_eq(h.buckets[7].value_milli[col(&h, t1)], 500000);
	ck_assert_int_eq(h.buckets[22].cost_micro, 250000);
	ck_assert_int_eq(h.total_cost_micro, 7 * 200000 + 1 * 250000 +
	                                             14 * 300000 + 250000 +
	                                             1 * 200000);
}
END_TEST

START_TEST(flat_price_is_an_always_valid_default_rule)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	ews_list *rules, *tariffs;
	const ews_cost_rule *r;

	set_zone("Europe/Rome");
	kwh_every_hour(dev, 2019, 12, 1, 2);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 1), 0);
	ck_assert_int_eq(ews_site_flat_price_set(
	                         site, EWS_COMMODITY_ELECTRICITY, 150000),
	                 EWS_OK);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 1), 24 * 150000);
	ck_assert_int_eq(ews_site_flat_price_set(
	                         site, EWS_COMMODITY_ELECTRICITY, 170000),
	                 EWS_OK);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 2), 24 * 170000);
	ck_assert_int_eq(
	        ews_site_rule_list(site, EWS_COMMODITY_ELECTRICITY, &rules),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(rules), 1);
	r = ews_list_cost_rule(rules, 0);
	ck_assert_int_eq(r->validity, EWS_VALID_ALWAYS);
	ck_assert_uint_eq(r->weekdays, EWS_WEEKDAYS_ALL);
	ck_assert_uint_eq(r->time_from, 0);
	ck_assert_uint_eq(r->time_to, EWS_MINUTE_LAST);
	ck_assert_int_eq(
	        ews_site_tariff_list(site, EWS_COMMODITY_ELECTRICITY, &tariffs),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(tariffs), 1);
	ck_assert_str_eq(ews_list_tariff(tariffs, 0)->name, "DEFAULT");
	ck_assert_int_eq(ews_list_tariff(tariffs, 0)->id, r->tariff_id);
	ews_list_free(rules);
	ews_list_free(tariffs);
}
END_TEST

START_TEST(tariff_at_an_instant)
{
	struct manual m;
	ews_tariff_now now;

	set_zone("Europe/Rome");
	m = manual_rules();
	/* Monday 23 Dec 2019, 18:59 and 19:00 local (UTC+1) */
	ck_assert_int_eq(ews_site_tariff_at(site, EWS_COMMODITY_ELECTRICITY,
	                                    utc_ms(2019, 12, 23, 17, 59), &now),
	                 EWS_OK);
	ck_assert_int_eq(now.rule_id, m.day);
	ck_assert_int_eq(now.tariff_id, m.t1);
	ck_assert_int_eq(now.has_price, 1);
	ck_assert_int_eq(now.price_micro, 200000);
	ck_assert_int_eq(ews_site_tariff_at(site, EWS_COMMODITY_ELECTRICITY,
	                                    utc_ms(2019, 12, 23, 18, 0), &now),
	                 EWS_OK);
	ck_assert_int_eq(now.rule_id, m.evening);
	ck_assert_int_eq(ews_site_tariff_at(site, EWS_COMMODITY_ELECTRICITY,
	                                    utc_ms(2019, 12, 28, 12, 0), &now),
	                 EWS_OK);
	ck_assert_int_eq(now.rule_id, 0);
	ck_assert_int_eq(now.tariff_id, 0);
	ck_assert_int_eq(now.has_price, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Kept on ingest = recomputed                                         */

static void
assert_same_costs(const ews_cost_histogram *a, const ews_cost_histogram *b)
{
	size_t i, c;

	ck_assert_uint_eq(a->count, b->count);
	ck_assert_uint_eq(a->columns, b->columns);
	for (i = 0; i < a->count; i++)
		for (c = 0; c < a->columns; c++) {
			ck_assert_int_eq(a->buckets[i].value_milli[c],
			                 b->buckets[i].value_milli[c]);
			ck_assert_int_eq(a->buckets[i].cost_micro_by[c],
			                 b->buckets[i].cost_micro_by[c]);
		}
	ck_assert_int_eq(a->total_cost_micro, b->total_cost_micro);
	ck_assert_int_eq(a->previous_total_cost_micro,
	                 b->previous_total_cost_micro);
}

START_TEST(costs_kept_on_ingest_equal_costs_recomputed)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	int64_t b = meter_in(2, 0, 0, 0, 0);
	ews_cost_histogram before[4], after[4];
	ews_reading r[2];
	int64_t t = utc_ms(2019, 12, 30, 20, 7);
	struct manual m;
	int i;

	set_zone("Europe/Rome");
	m = manual_rules();
	/* sweeps of two meters every 10 minutes over a new year, with
	 * uneven consumption and a replaced sample */
	for (i = 0; i < 6 * 24 * 4; i++, t += 10 * MIN) {
		r[0] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, t,
		               1000.0 * i + (i % 7) * 13);
		r[1] = reading(b, EWS_Q_ACTIVE_ENERGY_IMPORT, t, 250.5 * i);
		add(r, 2);
	}
	r[0] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               utc_ms(2019, 12, 31, 10, 7), 100000);
	add(r, 1);
	before[0] = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1);
	before[1] = cost(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2020, 1, 1);
	before[2] =
	        cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DECADE, 2019, 1, 1);
	before[3] = cost(EWS_SCOPE_DEVICE, b, EWS_PERIOD_YEAR, 2020, 1, 1);
	ck_assert_int_gt(before[0].total_cost_micro, 0);
	/* a rule edit that changes nothing recomputes every column */
	ck_assert_int_eq(ews_site_rule_move(site, m.evening, -1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_move(site, m.evening, 1), EWS_OK);
	after[0] = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1);
	after[1] = cost(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2020, 1, 1);
	after[2] = cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DECADE, 2019, 1, 1);
	after[3] = cost(EWS_SCOPE_DEVICE, b, EWS_PERIOD_YEAR, 2020, 1, 1);
	for (i = 0; i < 4; i++)
		assert_same_costs(&before[i], &after[i]);
	/* the load split adds up to the site (CON-3), to the millionth */
	ck_assert_int_le(
	        llabs(after[0].total_cost_micro -
	              cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_YEAR, 2019, 1, 1)
	                      .total_cost_micro -
	              cost(EWS_SCOPE_LOAD, load_of(EWS_ORIGIN_OTHERS),
	                   EWS_PERIOD_YEAR, 2019, 1, 1)
	                      .total_cost_micro),
	        1);
	/* the site is the sum of its devices, to the millionth */
	ck_assert_int_le(
	        llabs(after[0].total_cost_micro -
	              cost(EWS_SCOPE_DEVICE, a, EWS_PERIOD_YEAR, 2019, 1, 1)
	                      .total_cost_micro -
	              cost(EWS_SCOPE_DEVICE, b, EWS_PERIOD_YEAR, 2019, 1, 1)
	                      .total_cost_micro),
	        1);
}
END_TEST

START_TEST(a_replaced_sample_moves_consumption_between_tariffs)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	struct manual m;
	ews_reading r[3];
	ews_cost_histogram h;

	set_zone("Europe/Rome");
	m = manual_rules();
	/* Monday 23 Dec 2019, 18:30, 19:00 and 19:30 local */
	r[0] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               utc_ms(2019, 12, 23, 17, 30), 0);
	r[1] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               utc_ms(2019, 12, 23, 18, 0), 1000);
	r[2] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               utc_ms(2019, 12, 23, 18, 30), 2000);
	add(r, 3);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 23), 500000);
	/* the 19:00 reading was 1500: 1.5 kWh at T1, 0.5 at T2 */
	r[1].value = 1500;
	add(&r[1], 1);
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1);
	ck_assert_int_eq(h.total_cost_micro, 1500 * 200 + 500 * 300);
	ck_assert_int_eq(h.total_value_milli[col(&h, m.t1)], 1500000);
	h = cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1);
	ck_assert_int_eq(h.total_cost_micro, 450000);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 23), 450000);
}
END_TEST

START_TEST(moving_a_device_moves_its_costs)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t dev = meter_in(1, 0, 0, 0, 0);
	ews_device d = { .version = EWS_DEVICE_VERSION };

	set_zone("Europe/Rome");
	manual_rules();
	kwh_every_hour(dev, 2019, 12, 1, 31);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_YEAR, 2019, 1, 1)
	                .total_cost_micro,
	        0);
	ck_assert_int_eq(ews_site_device_get(site, dev, &d), EWS_OK);
	d.load_id = kitchen;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_YEAR, 2019, 1, 1)
	                .total_cost_micro,
	        118500000);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_MONTH, 2019, 12, 1)
	                .total_cost_micro,
	        118500000);
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1)
	                         .total_cost_micro,
	                 118500000);
}
END_TEST

START_TEST(gas_is_priced_per_m3)
{
	int64_t gas = pulse_add("pulse_gas", 1);
	ews_tariff t;
	ews_price p;
	ews_cost_rule r;
	ews_cost_histogram h;
	ews_consumption_query q;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_GAS);
	snprintf(t.name, sizeof(t.name), "Gas");
	ck_assert_int_eq(ews_site_tariff_add(site, &t), EWS_OK);
	ews_price_init(&p, EWS_PRICE_VERSION);
	p.tariff_id = t.id;
	p.price_micro = 1200000; /* 1.20 per m³ */
	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION, EWS_COMMODITY_GAS);
	r.tariff_id = t.id;
	ck_assert_int_eq(ews_site_rule_add(site, &r), EWS_OK);
	/* 2.5 m³ on 2 May 2024 (UTC site) */
	volume(gas, utc_ms(2024, 5, 2, 8, 0), 1000);
	volume(gas, utc_ms(2024, 5, 2, 10, 0), 3500);
	q = query(EWS_SCOPE_DEVICE, gas, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(ews_site_cost(site, &q, &h), EWS_OK);
	ck_assert_int_eq(h.commodity, EWS_COMMODITY_GAS);
	ck_assert_int_eq(h.total_cost_micro, 3000000);
	ck_assert_int_eq(h.buckets[9].cost_micro, 1500000);
	ck_assert_str_eq(h.currency, "EUR");
	/* the electricity of the site has no cost: another commodity */
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2)
	                         .total_cost_micro,
	                 0);
	q.scope = EWS_SCOPE_SITE;
	q.scope_id = 0;
	q.commodity = EWS_COMMODITY_GAS;
	q.period = EWS_PERIOD_YEAR;
	ck_assert_int_eq(ews_site_cost(site, &q, &h), EWS_OK);
	ck_assert_int_eq(h.total_cost_micro, 3000000);
}
END_TEST

/* Rows whose costs do not change (a counter that stands still) must not
 * take the change of the row written before them: the statement that
 * writes rows is cached and keeps its bindings. */
START_TEST(a_counter_that_stands_still_costs_nothing)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	int64_t gas = pulse_add("pulse_gas", 1);
	ews_cost_rule r = rule_new(tariff("T1", "0.20"));
	ews_tariff t;
	ews_consumption_query q;
	ews_cost_histogram h;

	rule_add(&r);
	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_GAS);
	snprintf(t.name, sizeof(t.name), "Gas");
	ck_assert_int_eq(ews_site_tariff_add(site, &t), EWS_OK);
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION, EWS_COMMODITY_GAS);
	r.tariff_id = t.id;
	rule_add(&r);
	kwh_every_hour(a, 2019, 12, 2, 1); /* 24 kWh at 0.20 */
	counter(b, utc_ms(2019, 12, 2, 8, 0), 5000);
	counter(b, utc_ms(2019, 12, 2, 12, 0), 5000);
	volume(gas, utc_ms(2019, 12, 2, 8, 0), 7000);
	volume(gas, utc_ms(2019, 12, 2, 12, 0), 7000);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_DEVICE, b, EWS_PERIOD_MONTH, 2019, 12, 1)
	                .total_cost_micro,
	        0);
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1)
	                         .total_cost_micro,
	                 4800000);
	q = query(EWS_SCOPE_DEVICE, gas, EWS_PERIOD_YEAR, 2019, 1, 1);
	ck_assert_msg(ews_site_cost(site, &q, &h) == EWS_OK, "gas: %s",
	              ews_error_last()->message);
	ck_assert_int_eq(h.total_cost_micro, 0);
}
END_TEST

START_TEST(a_new_zone_prices_the_new_local_hours)
{
	int64_t dev = meter_add(LOCAL, 1, "M");
	ews_cost_histogram h;

	manual_rules();
	/* the data of a Rome site, recorded while the site said UTC */
	kwh_every_hour(dev, 2019, 12, 1, 31);
	ck_assert_int_ne(
	        cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_MONTH, 2019, 12, 1)
	                .total_cost_micro,
	        118500000);
	set_zone("Europe/Rome");
	h = cost(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_MONTH, 2019, 12, 1);
	ck_assert_int_eq(h.total_cost_micro, 118500000);
	ck_assert_int_eq(day_cost(dev, 2019, 12, 23), 5300000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Splits (CON-3, CON-5)                                               */

/* wh in every local hour of Rome (winter) on 2019-12-23 and 24, a Monday
 * and a Tuesday: 19 h at T1 0.20 and 5 h at T2 0.30 each day. */
static void
two_weekdays(int64_t dev, double wh)
{
	hourly(dev, utc_ms(2019, 12, 22, 23, 0), 48, 0, wh);
}

static ews_list *
split_of(const ews_consumption_query *q, ews_scope_kind by)
{
	ews_list *split = NULL;

	ck_assert_msg(ews_site_consumption_split(site, q, by, &split) == EWS_OK,
	              "split: %s", ews_error_last()->message);
	return split;
}

static ews_list *
split_costs(const ews_consumption_query *q, const ews_list *split)
{
	ews_list *costs = NULL;

	ck_assert_msg(ews_site_cost_split(site, q, split, &costs) == EWS_OK,
	              "cost split: %s", ews_error_last()->message);
	return costs;
}

/* The cost of a period of several devices, each priced alone. */
static int64_t
devices_cost(const int64_t *dev, size_t n, ews_period period, int y, int m,
             int d)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += cost(EWS_SCOPE_DEVICE, dev[i], period, y, m, d)
		               .total_cost_micro;
	return sum;
}

/* Each item of a split of q's period costs what its devices cost
 * (devices[i]: those of item i, ending with 0), and the items add up to
 * `whole`. */
static void
assert_split_costs(const ews_consumption_query *q, ews_scope_kind by,
                   const int64_t *const *devices, size_t n, int64_t whole)
{
	ews_list *split = split_of(q, by), *costs = split_costs(q, split);
	int64_t sum = 0;
	size_t i, k;

	ck_assert_uint_eq(ews_list_len(split), n);
	ck_assert_uint_eq(ews_list_len(costs), n);
	for (i = 0; i < n; i++) {
		const ews_scope_total *t = ews_list_scope_total(split, i);
		const ews_scope_cost *c = ews_list_scope_cost(costs, i);
		int64_t want;

		for (k = 0; devices[i][k]; k++)
			;
		want = devices_cost(devices[i], k, q->period, q->year,
		                    (int)q->month, (int)q->day);
		ck_assert_int_eq(c->scope, by);
		ck_assert_int_eq(c->scope_id, t->scope_id);
		ck_assert_msg(c->total_cost_micro == want,
		              "%s: %lld, not the %lld of its devices", t->name,
		              (long long)c->total_cost_micro, (long long)want);
		sum += c->total_cost_micro;
	}
	ck_assert_ptr_null(ews_list_scope_cost(costs, n));
	ck_assert_int_eq(sum, whole);
	ews_list_free(costs);
	ews_list_free(split);
}

START_TEST(a_split_costs_what_each_item_counts)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t others = load_of(EWS_ORIGIN_OTHERS);
	int64_t floor1 = cat_add(EWS_CATEGORY_GROUP, "Floor 1");
	int64_t floor2 = cat_add(EWS_CATEGORY_GROUP, "Floor 2");
	/* a and c count in the site; b (in the kitchen) and d (in Others,
	 * like a main incomer) are excluded from totals */
	int64_t a = meter_in(1, kitchen, floor1, 0, 0);
	int64_t b = meter_in(2, kitchen, floor1, 0, 1);
	int64_t c = meter_in(3, 0, floor2, 0, 0);
	int64_t d = meter_in(4, 0, floor2, 0, 1);
	const int64_t kitchen_counted[] = { a, 0 }, others_counted[] = { c, 0 };
	const int64_t floor1_all[] = { a, b, 0 }, floor2_all[] = { c, d, 0 };
	/* by id: Others is a load of every site, made before the kitchen */
	const int64_t *by_load[] = { others_counted, kitchen_counted };
	const int64_t *by_group[] = { floor1_all, floor2_all };
	const int64_t *with_d[] = { floor2_all, kitchen_counted };
	ews_consumption_query q;
	ews_list *split, *costs;
	ews_device dv = { .version = EWS_DEVICE_VERSION };

	set_zone("Europe/Rome");
	manual_rules();
	two_weekdays(a, 1000); /* 5.3 a day */
	two_weekdays(b, 2000); /* 10.6 */
	two_weekdays(c, 500);  /* 2.65 */
	two_weekdays(d, 4000); /* 21.2 */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2019, 12, 24);
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2019, 12, 24)
	                         .total_cost_micro,
	                 7950000);
	/* A load's own histogram counts its excluded devices too... */
	ck_assert_int_eq(
	        cost(EWS_SCOPE_LOAD, others, EWS_PERIOD_DAY, 2019, 12, 24)
	                .total_cost_micro,
	        23850000);
	/* ...its item of the site's split only those the site counts: the
	 * items add up to the site's cost, to the millionth. */
	assert_split_costs(&q, EWS_SCOPE_LOAD, by_load, 2, 7950000);
	split = split_of(&q, EWS_SCOPE_LOAD);
	costs = split_costs(&q, split);
	ck_assert_int_eq(ews_list_scope_cost(costs, 0)->scope_id, others);
	ck_assert_int_eq(ews_list_scope_cost(costs, 0)->total_cost_micro,
	                 2650000);
	ck_assert_int_eq(ews_list_scope_cost(costs, 1)->scope_id, kitchen);
	ck_assert_int_eq(ews_list_scope_cost(costs, 1)->total_cost_micro,
	                 5300000);
	ck_assert(ews_list_scope_cost(costs, 1)->has_previous);
	ck_assert_int_eq(
	        ews_list_scope_cost(costs, 1)->previous_total_cost_micro,
	        5300000);
	ews_list_free(costs);
	ews_list_free(split);
	/* A group split counts every device, as the group's own cost. */
	assert_split_costs(&q, EWS_SCOPE_GROUP, by_group, 2,
	                   15900000 + 23850000);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_GROUP, floor2, EWS_PERIOD_DAY, 2019, 12, 24)
	                .total_cost_micro,
	        23850000);
	/* Months and years: from the month and year rows' cost columns. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1);
	assert_split_costs(&q, EWS_SCOPE_LOAD, by_load, 2, 15900000);
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2019, 1, 1);
	assert_split_costs(&q, EWS_SCOPE_LOAD, by_load, 2, 15900000);
	assert_split_costs(&q, EWS_SCOPE_GROUP, by_group, 2, 79500000);
	/* The next day: listed for its previous period only. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2019, 12, 25);
	split = split_of(&q, EWS_SCOPE_LOAD);
	costs = split_costs(&q, split);
	ck_assert_uint_eq(ews_list_len(costs), 2);
	ck_assert_int_eq(ews_list_scope_cost(costs, 0)->total_cost_micro, 0);
	ck_assert(ews_list_scope_cost(costs, 0)->has_previous);
	ck_assert_int_eq(
	        ews_list_scope_cost(costs, 0)->previous_total_cost_micro,
	        2650000);
	ews_list_free(costs);
	ews_list_free(split);

	/* d counted in the site from now on: its costs move into Others'
	 * item with its consumption, in every row. */
	ck_assert_int_eq(ews_site_device_get(site, d, &dv), EWS_OK);
	dv.exclude_totals = 0;
	ck_assert_int_eq(ews_site_device_update(site, &dv), EWS_OK);
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2019, 12, 1);
	assert_split_costs(&q, EWS_SCOPE_LOAD, with_d, 2,
	                   2 * (5300000 + 2650000 + 21200000));
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2019, 12, 24);
	assert_split_costs(&q, EWS_SCOPE_LOAD, with_d, 2,
	                   5300000 + 2650000 + 21200000);
}
END_TEST

START_TEST(a_split_cost_is_rounded_once_from_the_exact_sum)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	int64_t b = meter_in(2, kitchen, 0, 0, 0);
	int64_t c = meter_in(3, 0, 0, 0, 0);
	const int64_t ab[] = { a, b };
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_list *split, *costs;

	ck_assert_int_eq(ews_site_flat_price_set(
	                         site, EWS_COMMODITY_ELECTRICITY, 123457),
	                 EWS_OK);
	/* 5 mWh at 0.123457 a kWh: 0.617285 millionths, rounded to 1 */
	hourly(a, utc_ms(2024, 5, 2, 10, 0), 1, 0, 0.005);
	hourly(b, utc_ms(2024, 5, 2, 10, 0), 1, 0, 0.005);
	hourly(c, utc_ms(2024, 5, 2, 10, 0), 1, 0, 0.005);
	ck_assert_int_eq(devices_cost(ab, 2, EWS_PERIOD_DAY, 2024, 5, 2), 2);
	/* the site: 15 mWh, 1.851855 millionths */
	ck_assert_int_eq(cost(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2)
	                         .total_cost_micro,
	                 2);
	split = split_of(&q, EWS_SCOPE_LOAD);
	costs = split_costs(&q, split);
	ck_assert_uint_eq(ews_list_len(costs), 2);
	/* Others (c): 1; the kitchen: 10 mWh, 1.23457 millionths, so 1 and
	 * not 1 + 1: each item is priced as a whole, as the site is */
	ck_assert_int_eq(ews_list_scope_cost(costs, 0)->total_cost_micro, 1);
	ck_assert_int_eq(ews_list_scope_cost(costs, 1)->scope_id, kitchen);
	ck_assert_int_eq(ews_list_scope_cost(costs, 1)->total_cost_micro, 1);
	ck_assert_int_eq(
	        cost(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2)
	                .total_cost_micro,
	        1);
	ews_list_free(costs);
	ews_list_free(split);
}
END_TEST

START_TEST(a_cost_split_refuses_what_is_not_a_split_of_the_site)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_list *split, *tariffs = NULL, *costs = (ews_list *)&q;

	manual_rules();
	hourly(a, utc_ms(2024, 5, 2, 10, 0), 2, 0, 1000);
	split = split_of(&q, EWS_SCOPE_LOAD);
	ck_assert_int_eq(ews_site_tariff_list(site, 0, &tariffs), EWS_OK);
	FAILS(ews_site_cost_split(site, &q, tariffs, &costs), EWS_EINVAL,
	      "split");
	ck_assert_ptr_null(costs);
	FAILS(ews_site_cost_split(site, &q, NULL, &costs), EWS_EINVAL, "split");
	q.scope = EWS_SCOPE_LOAD;
	q.scope_id = kitchen;
	FAILS(ews_site_cost_split(site, &q, split, &costs), EWS_EINVAL,
	      "scope");
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	q.period = (ews_period)9;
	FAILS(ews_site_cost_split(site, &q, split, &costs), EWS_EINVAL,
	      "period");
	ck_assert_ptr_null(costs);
	ews_list_free(tariffs);
	ews_list_free(split);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cost");
	TCase *tc = tcase("manual");

	tcase_add_test(tc, manual_examples_give_the_costs_worked_out_by_hand);
	tcase_add_test(tc, dst_night_and_march_rule);
	tcase_add_test(tc, dst_night_in_autumn_splits_by_local_time);
	suite_add_tcase(s, tc);

	tc = tcase("rules");
	tcase_add_test(tc, price_change_mid_month);
	tcase_add_test(tc, reordering_rules_changes_the_result);
	tcase_add_test(tc,
	               a_frame_boundary_inside_an_hour_splits_it_by_minutes);
	tcase_add_test(tc, flat_price_is_an_always_valid_default_rule);
	tcase_add_test(tc, tariff_at_an_instant);
	tcase_add_test(tc, gas_is_priced_per_m3);
	suite_add_tcase(s, tc);

	tc = tcase("ingest");
	tcase_add_test(tc, costs_kept_on_ingest_equal_costs_recomputed);
	tcase_add_test(tc, a_replaced_sample_moves_consumption_between_tariffs);
	tcase_add_test(tc, moving_a_device_moves_its_costs);
	tcase_add_test(tc, a_new_zone_prices_the_new_local_hours);
	tcase_add_test(tc, a_counter_that_stands_still_costs_nothing);
	suite_add_tcase(s, tc);

	tc = tcase("split");
	tcase_add_test(tc, a_split_costs_what_each_item_counts);
	tcase_add_test(tc, a_split_cost_is_rounded_once_from_the_exact_sum);
	tcase_add_test(tc,
	               a_cost_split_refuses_what_is_not_a_split_of_the_site);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
