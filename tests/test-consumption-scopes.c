/*
 * Consumption by scope (CON-3..5) and of measured quantities (CON-7), on
 * real site databases, with time given as arguments: loads, groups, the
 * site and their splits, the overall view by commodity and the period
 * before it, measures, refused queries, stable names, and a schema 2
 * site opened as schema 3. The rules
 * are those of docs/consumption.md; see tests/test-consumption.c for the
 * other consumption tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <ews/consumption.h>
#include <ews/store.h>

#include "consumption-fixtures.h"
#include "schema-fixtures.h"

/* ------------------------------------------------------------------ */
/* Scopes                                                              */

START_TEST(load_group_and_site_scopes)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t garage = cat_add(EWS_CATEGORY_LOAD, "Garage");
	int64_t floor1 = cat_add(EWS_CATEGORY_GROUP, "Floor 1");
	int64_t floor2 = cat_add(EWS_CATEGORY_GROUP, "Floor 2");
	int64_t others = load_of(EWS_ORIGIN_OTHERS);
	int64_t a = meter_in(1, kitchen, floor1, 0, 0);
	int64_t b = meter_in(2, kitchen, 0, 0, 0);
	int64_t c = meter_in(3, 0, floor2, 0, 1); /* excluded from totals */
	int64_t d = meter_in(4, garage, floor1, floor2, 0);
	int64_t t = utc_ms(2024, 5, 2, 10, 0);
	ews_consumption_query q;
	ews_histogram h;
	ews_list *split;
	int64_t sum = 0;
	size_t i;

	hourly(a, t, 3, 1000, 100);
	hourly(b, t, 3, 1000, 20);
	hourly(c, t, 3, 1000, 7);
	hourly(d, t, 3, 1000, 3);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2),
	        360000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2),
	        9000);
	/* A load counts its excluded devices too. */
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, others, EWS_PERIOD_DAY, 2024, 5, 2),
	        21000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_GROUP, floor1, EWS_PERIOD_DAY, 2024, 5, 2),
	        309000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_GROUP, floor2, EWS_PERIOD_DAY, 2024, 5, 2),
	        30000);
	/* The site leaves the excluded device out. */
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.total_milli, 369000);
	ck_assert_int_eq(h.buckets[10].value_milli, 123000);
	h = histogram(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[11].value_milli, 120000);
	ck_assert_int_eq(h.commodity, EWS_COMMODITY_ELECTRICITY);

	/* Split per load adds up to the site's total. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(split), 2);
	for (i = 0; i < ews_list_len(split); i++) {
		const ews_scope_total *s = ews_list_scope_total(split, i);

		ck_assert_int_eq(s->scope, EWS_SCOPE_LOAD);
		ck_assert_int_ne(s->scope_id, others);
		sum += s->total_milli;
	}
	ck_assert_int_eq(ews_list_scope_total(split, 0)->scope_id, kitchen);
	ck_assert_str_eq(ews_list_scope_total(split, 0)->name, "Kitchen");
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 360000);
	ck_assert_int_eq(ews_list_scope_total(split, 1)->scope_id, garage);
	ck_assert_int_eq(ews_list_scope_total(split, 1)->total_milli, 9000);
	ck_assert_ptr_null(ews_list_scope_total(split, 2));
	ck_assert_int_eq(sum, 369000);
	ews_list_free(split);
	/* Split per group counts every device. */
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_GROUP, &split),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(split), 2);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->scope_id, floor1);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 309000);
	ck_assert_int_eq(ews_list_scope_total(split, 1)->scope_id, floor2);
	ck_assert_int_eq(ews_list_scope_total(split, 1)->total_milli, 30000);
	ck_assert(!ews_list_scope_total(split, 1)->has_previous);
	ews_list_free(split);
	/* The next day: listed for its previous total only. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 3);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(split), 2);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 0);
	ck_assert(ews_list_scope_total(split, 0)->has_previous);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->previous_total_milli,
	                 360000);
	ews_list_free(split);
	/* Months and years split the same way. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 5, 3);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 360000);
	ews_list_free(split);
}
END_TEST

START_TEST(overall_gives_electricity_gas_and_water)
{
	int64_t e = meter_add(LOCAL, 1, "E");
	int64_t gas = pulse_add("pulse_gas", 1);
	int64_t water = pulse_add("pulse_water", 2);
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 5, 2);
	ews_overall o;
	ews_histogram h;

	hourly(e, utc_ms(2024, 5, 2, 10, 0), 2, 0, 500);
	volume(gas, utc_ms(2024, 5, 2, 10, 0), 1000);
	volume(gas, utc_ms(2024, 5, 2, 11, 0), 3000);
	volume(water, utc_ms(2024, 5, 2, 10, 0), 10);
	volume(water, utc_ms(2024, 5, 2, 11, 0), 160.5);
	ck_assert_int_eq(ews_site_consumption_overall(site, &q, &o), EWS_OK);
	ck_assert_int_eq(o.electricity_milli_wh, 1000000);
	ck_assert_int_eq(o.gas_milli_dm3, 2000000);
	ck_assert_int_eq(o.water_milli_dm3, 150500);
	ck_assert(!o.gas_factor_set);
	ck_assert_int_eq(o.gas_milli_kwh_equiv, 0);
	ck_assert(!o.estimated);
	/* 2 m³ at 10.5 kWh/m³: 21 kWh. */
	ck_assert_int_eq(
	        ews_site_setting_set(site, "gas_factor_kwh_per_m3", "10.5"),
	        EWS_OK);
	ck_assert_int_eq(ews_site_consumption_overall(site, &q, &o), EWS_OK);
	ck_assert(o.gas_factor_set);
	ck_assert_int_eq(o.gas_milli_kwh_equiv, 21000);
	ck_assert_int_eq(o.gas_milli_dm3, 2000000);

	/* A gas meter's histogram is in dm³; so is the gas load's. */
	h = histogram(EWS_SCOPE_DEVICE, gas, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.commodity, EWS_COMMODITY_GAS);
	ck_assert_int_eq(h.buckets[10].value_milli, 2000000);
	ck_assert_str_eq(ews_commodity_unit(h.commodity), "dm3");
	h = histogram(EWS_SCOPE_LOAD, load_of(EWS_ORIGIN_GAS), EWS_PERIOD_DAY,
	              2024, 5, 2);
	ck_assert_int_eq(h.commodity, EWS_COMMODITY_GAS);
	ck_assert_int_eq(h.total_milli, 2000000);
	h = histogram(EWS_SCOPE_LOAD, load_of(EWS_ORIGIN_WATER), EWS_PERIOD_DAY,
	              2024, 5, 2);
	ck_assert_int_eq(h.commodity, EWS_COMMODITY_WATER);
	ck_assert_int_eq(h.total_milli, 150500);
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	q.commodity = EWS_COMMODITY_WATER;
	h = histogram_q(&q);
	ck_assert_int_eq(h.total_milli, 150500);
	/* Gas and water stay out of the electricity total. */
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 1000000);
	ck_assert_str_eq(ews_commodity_unit(EWS_COMMODITY_ELECTRICITY), "Wh");
	ck_assert_ptr_null(ews_commodity_unit((ews_commodity)9));
}
END_TEST

START_TEST(overall_periods_give_the_period_before_too)
{
	int64_t e = meter_add(LOCAL, 1, "E");
	int64_t x = meter_in(2, 0, 0, 0, 1); /* excluded from totals */
	int64_t gas = pulse_add("pulse_gas", 1);
	int64_t water = pulse_add("pulse_water", 2);
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 5, 20);
	ews_overall_periods o;
	ews_overall one;

	/* April: electricity and gas; May: all three; none of x counts */
	hourly(e, utc_ms(2024, 4, 30, 10, 0), 2, 0, 250);
	hourly(e, utc_ms(2024, 5, 2, 10, 0), 2, 500, 500);
	hourly(x, utc_ms(2024, 4, 30, 10, 0), 2, 0, 9000);
	volume(gas, utc_ms(2024, 4, 30, 10, 0), 1000);
	volume(gas, utc_ms(2024, 4, 30, 11, 0), 1500.5);
	volume(gas, utc_ms(2024, 5, 2, 10, 0), 1500.5);
	volume(gas, utc_ms(2024, 5, 2, 11, 0), 3500.5);
	volume(water, utc_ms(2024, 5, 2, 10, 0), 10);
	volume(water, utc_ms(2024, 5, 2, 11, 0), 160.5);
	ck_assert_int_eq(
	        ews_site_setting_set(site, "gas_factor_kwh_per_m3", "10"),
	        EWS_OK);
	ck_assert_int_eq(ews_site_consumption_overall_periods(site, &q, &o),
	                 EWS_OK);
	/* The current period is the overall's. */
	ck_assert_int_eq(ews_site_consumption_overall(site, &q, &one), EWS_OK);
	ck_assert_mem_eq(&o.current, &one, sizeof(one));
	ck_assert_int_eq(o.current.electricity_milli_wh, 1000000);
	ck_assert_int_eq(o.current.gas_milli_dm3, 2000000);
	ck_assert_int_eq(o.current.water_milli_dm3, 150500);
	/* Last month: as the overall of April itself. */
	ck_assert(o.has_previous_electricity);
	ck_assert(o.has_previous_gas);
	ck_assert(!o.has_previous_water);
	ck_assert_int_eq(o.previous.electricity_milli_wh, 500000);
	ck_assert_int_eq(o.previous.gas_milli_dm3, 500500);
	ck_assert_int_eq(o.previous.gas_milli_kwh_equiv, 5005);
	ck_assert(o.previous.gas_factor_set);
	ck_assert_int_eq(o.previous.water_milli_dm3, 0);
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 4, 1);
	ck_assert_int_eq(ews_site_consumption_overall(site, &q, &one), EWS_OK);
	ck_assert_mem_eq(&o.previous, &one, sizeof(one));
	/* Days: yesterday, across a month's edge; the scope is ignored. */
	q = query(EWS_SCOPE_DEVICE, gas, EWS_PERIOD_DAY, 2024, 5, 1);
	ck_assert_int_eq(ews_site_consumption_overall_periods(site, &q, &o),
	                 EWS_OK);
	ck_assert_int_eq(o.current.electricity_milli_wh, 0);
	ck_assert_int_eq(o.previous.electricity_milli_wh, 500000);
	ck_assert(o.has_previous_electricity);
	ck_assert(o.has_previous_gas);
	ck_assert_int_eq(o.previous.gas_milli_dm3, 500500);
	ck_assert_int_eq(o.current.gas_milli_dm3, 0);
	/* Nothing before: every "has previous" is 0, and so are the
	 * figures. */
	q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 5, 2);
	ck_assert_int_eq(ews_site_consumption_overall_periods(site, &q, &o),
	                 EWS_OK);
	ck_assert_int_eq(o.current.electricity_milli_wh, 1500000);
	ck_assert(!o.has_previous_electricity && !o.has_previous_gas &&
	          !o.has_previous_water);
	ck_assert_int_eq(o.previous.electricity_milli_wh, 0);
	ck_assert_int_eq(o.previous.gas_milli_dm3, 0);
	ck_assert(!o.previous.estimated);
	/* A bad period is refused, naming it, and leaves nothing. */
	q.period = (ews_period)7;
	FAILS(ews_site_consumption_overall_periods(site, &q, &o), EWS_EINVAL,
	      "period");
	ck_assert_int_eq(o.current.electricity_milli_wh, 0);
	ck_assert(!o.has_previous_electricity);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Measured quantities                                                 */

START_TEST(measure_histogram_gives_min_avg_max_per_bucket)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r[6];
	ews_consumption_query q;
	ews_measure_histogram m;
	size_t i;

	set_zone("Europe/Rome");
	r[0] = reading(a, EWS_Q_VOLTAGE_LN_L1, utc_ms(2024, 5, 2, 10, 0),
	               230.1);
	r[1] = reading(a, EWS_Q_VOLTAGE_LN_L1, utc_ms(2024, 5, 2, 10, 10),
	               229.5);
	r[2] = reading(a, EWS_Q_VOLTAGE_LN_L1, utc_ms(2024, 5, 2, 10, 59),
	               231.2);
	r[3] = reading(a, EWS_Q_VOLTAGE_LN_L1, utc_ms(2024, 5, 2, 13, 30), 228);
	r[4] = reading(a, EWS_Q_VOLTAGE_LN_L2, utc_ms(2024, 5, 2, 10, 0), 100);
	r[5] = reading(a, EWS_Q_VOLTAGE_LN_L1, utc_ms(2024, 5, 3, 1, 0), 240);
	add(r, 6);
	q = query(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(ews_site_measure_histogram(site, &q,
	                                            EWS_Q_VOLTAGE_LN_L1, 0, &m),
	                 EWS_OK);
	ck_assert_uint_eq(m.count, 24);
	ck_assert_int_eq(m.device_id, a);
	ck_assert_int_eq(m.quantity, EWS_Q_VOLTAGE_LN_L1);
	/* Local hour 12 is 10:00-11:00 UTC. */
	ck_assert_int_eq(m.buckets[12].start_ms, utc_ms(2024, 5, 2, 10, 0));
	ck_assert_int_eq(m.buckets[12].utc_offset_s, 7200);
	ck_assert_uint_eq(m.buckets[12].count, 3);
	ck_assert_double_eq_tol(m.buckets[12].min, 229.5, 1e-9);
	ck_assert_double_eq_tol(m.buckets[12].max, 231.2, 1e-9);
	ck_assert_double_eq_tol(m.buckets[12].avg, (230.1 + 229.5 + 231.2) / 3,
	                        1e-9);
	ck_assert_uint_eq(m.buckets[15].count, 1);
	ck_assert_double_eq_tol(m.buckets[15].avg, 228, 1e-9);
	for (i = 0; i < m.count; i++) {
		if (i == 12 || i == 15)
			continue;
		ck_assert_uint_eq(m.buckets[i].count, 0);
		ck_assert(m.buckets[i].min == 0 && m.buckets[i].avg == 0 &&
		          m.buckets[i].max == 0);
	}
	/* Per day over the month. */
	q.period = EWS_PERIOD_MONTH;
	ck_assert_int_eq(ews_site_measure_histogram(site, &q,
	                                            EWS_Q_VOLTAGE_LN_L1, 0, &m),
	                 EWS_OK);
	ck_assert_uint_eq(m.count, 31);
	ck_assert_uint_eq(m.buckets[1].count, 4);
	ck_assert_double_eq_tol(m.buckets[1].min, 228, 1e-9);
	ck_assert_double_eq_tol(m.buckets[1].max, 231.2, 1e-9);
	ck_assert_uint_eq(m.buckets[2].count, 1);
	ck_assert_double_eq_tol(m.buckets[2].max, 240, 1e-9);
	ck_assert_uint_eq(m.buckets[0].count, 0);
	/* A quantity never recorded: every bucket empty. */
	ck_assert_int_eq(ews_site_measure_histogram(site, &q,
	                                            EWS_Q_VOLTAGE_LN_L3, 0, &m),
	                 EWS_OK);
	ck_assert_uint_eq(m.count, 31);
	for (i = 0; i < m.count; i++)
		ck_assert_uint_eq(m.buckets[i].count, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad queries                                                         */

START_TEST(bad_queries_are_refused_with_the_field)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t gas = pulse_add("pulse_gas", 1);
	int64_t group = cat_add(EWS_CATEGORY_GROUP, "G");
	int64_t load = cat_add(EWS_CATEGORY_LOAD, "L");
	ews_consumption_query q;
	ews_measure_histogram m;
	ews_histogram h;
	ews_overall o;
	ews_list *list = NULL;

#define Q() (q = query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2))
	Q();
	q.version = 0;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "version");
	Q();
	q.version = EWS_CONSUMPTION_QUERY_VERSION + 1;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "version");
	FAILS(ews_consumption_query_init(&q, 0), EWS_EINVAL, "version");
	Q();
	q.period = (ews_period)0;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "period");
	q.period = (ews_period)5;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "period");
	Q();
	q.scope = (ews_scope_kind)0;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "scope");
	q.scope = (ews_scope_kind)5;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "scope");
	Q();
	q.commodity = (ews_commodity)4;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "commodity");
	Q();
	q.month = 13;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	q.month = 0;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	Q();
	q.year = 2023;
	q.month = 2;
	q.day = 29;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	q.year = 2024;
	ck_assert_int_eq(ews_site_consumption(site, &q, &h), EWS_OK);
	q.day = 0;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	Q();
	q.day = 32;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	Q();
	q.year = 1899;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	Q();
	q.year = 10000;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "date");
	/* Scopes. */
	Q();
	q.scope_id = 7;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "scope_id");
	q = query(EWS_SCOPE_DEVICE, 999, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND, "scope_id");
	q = query(EWS_SCOPE_LOAD, 999, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND, "scope_id");
	q = query(EWS_SCOPE_GROUP, 999, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND, "scope_id");
	q = query(EWS_SCOPE_LOAD, group, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND, "scope_id");
	q = query(EWS_SCOPE_GROUP, load, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND, "scope_id");
	/* A device's commodity is its own. */
	q = query(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	q.commodity = EWS_COMMODITY_GAS;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "commodity");
	q.commodity = EWS_COMMODITY_ELECTRICITY;
	ck_assert_int_eq(ews_site_consumption(site, &q, &h), EWS_OK);
	q = query(EWS_SCOPE_DEVICE, gas, EWS_PERIOD_DAY, 2024, 5, 2);
	q.commodity = EWS_COMMODITY_ELECTRICITY;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "commodity");
	q.commodity = EWS_COMMODITY_WATER;
	FAILS(ews_site_consumption(site, &q, &h), EWS_EINVAL, "commodity");
	/* Splits. */
	Q();
	FAILS(ews_site_consumption_split(site, &q, EWS_SCOPE_DEVICE, &list),
	      EWS_EINVAL, "by");
	ck_assert_ptr_null(list);
	FAILS(ews_site_consumption_split(site, &q, EWS_SCOPE_SITE, &list),
	      EWS_EINVAL, "by");
	q.scope = EWS_SCOPE_LOAD;
	q.scope_id = load;
	FAILS(ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &list),
	      EWS_EINVAL, "scope");
	Q();
	q.period = (ews_period)5;
	FAILS(ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &list),
	      EWS_EINVAL, "period");
	ck_assert_ptr_null(list);
	/* Overall. */
	Q();
	q.month = 13;
	FAILS(ews_site_consumption_overall(site, &q, &o), EWS_EINVAL, "date");
	/* Measured quantities. */
	q = query(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_measure_histogram(site, &q, (ews_quantity)9999, 0, &m),
	      EWS_EINVAL, "quantity");
	q.period = (ews_period)0;
	FAILS(ews_site_measure_histogram(site, &q, EWS_Q_VOLTAGE_LN_L1, 0, &m),
	      EWS_EINVAL, "period");
	q = query(EWS_SCOPE_DEVICE, 999, EWS_PERIOD_DAY, 2024, 5, 2);
	FAILS(ews_site_measure_histogram(site, &q, EWS_Q_VOLTAGE_LN_L1, 0, &m),
	      EWS_ENOTFOUND, "scope_id");
	Q();
	FAILS(ews_site_measure_histogram(site, &q, EWS_Q_VOLTAGE_LN_L1, 0, &m),
	      EWS_EINVAL, "scope");
#undef Q
}
END_TEST

START_TEST(scope_and_period_names_are_stable)
{
	ews_scope_kind k;
	ews_period p;

	ck_assert_str_eq(ews_scope_kind_name(EWS_SCOPE_SITE), "site");
	ck_assert_str_eq(ews_scope_kind_name(EWS_SCOPE_DEVICE), "device");
	ck_assert_str_eq(ews_scope_kind_name(EWS_SCOPE_LOAD), "load");
	ck_assert_str_eq(ews_scope_kind_name(EWS_SCOPE_GROUP), "group");
	ck_assert_ptr_null(ews_scope_kind_name((ews_scope_kind)0));
	ck_assert_ptr_null(ews_scope_kind_name((ews_scope_kind)5));
	ck_assert_str_eq(ews_period_name(EWS_PERIOD_DAY), "day");
	ck_assert_str_eq(ews_period_name(EWS_PERIOD_MONTH), "month");
	ck_assert_str_eq(ews_period_name(EWS_PERIOD_YEAR), "year");
	ck_assert_str_eq(ews_period_name(EWS_PERIOD_DECADE), "decade");
	ck_assert_ptr_null(ews_period_name((ews_period)5));
	ck_assert_int_eq(ews_scope_kind_from_name("group", &k), EWS_OK);
	ck_assert_int_eq(k, EWS_SCOPE_GROUP);
	FAILS(ews_scope_kind_from_name("board", &k), EWS_EINVAL, "scope");
	FAILS(ews_scope_kind_from_name(NULL, &k), EWS_EINVAL, "scope");
	ck_assert_int_eq(ews_period_from_name("decade", &p), EWS_OK);
	ck_assert_int_eq(p, EWS_PERIOD_DECADE);
	FAILS(ews_period_from_name("week", &p), EWS_EINVAL, "period");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Schema 2 -> 3                                                       */

static void
sql(sqlite3 *h, const char *text)
{
	ck_assert_msg(sqlite3_exec(h, text, NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(h));
}

/* A schema 2 site in dir/v2 holding `n` samples; returns its directory. */
static char *
site_v2(const ews_reading *r, size_t n)
{
	char *sub = malloc(strlen(dir) + 8), *db = malloc(strlen(dir) + 16);
	sqlite3_stmt *st;
	sqlite3 *h;
	size_t i;

	ck_assert_ptr_nonnull(sub);
	ck_assert_ptr_nonnull(db);
	sprintf(sub, "%s/v2", dir);
	sprintf(db, "%s/site.db", sub);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sql(h, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;");
	sql(h, schema_v1);
	sql(h, schema_v1_to_v2);
	sql(h, "INSERT INTO setting (name, value) VALUES"
	       "  ('timezone', 'Europe/Rome');"
	       "INSERT INTO category (kind, origin, name) VALUES"
	       "  (1, 1, 'Kitchen');"
	       "INSERT INTO device (gateway_id, model, name, address, load_id)"
	       "  VALUES (1, 'eastron_sdm630', 'Old meter', 5, 10),"
	       "  (1, 'eastron_sdm630', 'Other meter', 6, NULL);"
	       "PRAGMA application_id = 1163350833;"
	       "PRAGMA user_version = 2;");
	ck_assert_int_eq(sqlite3_prepare_v2(h,
	                                    "INSERT INTO sample (device_id,"
	                                    " quantity, ord, t_ms, value)"
	                                    " VALUES (?, ?, ?, ?, ?)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sql(h, "BEGIN");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, r[i].device_id);
		sqlite3_bind_int(st, 2, (int)r[i].quantity);
		sqlite3_bind_int(st, 3, (int)r[i].order);
		sqlite3_bind_int64(st, 4, r[i].t_ms);
		sqlite3_bind_double(st, 5, r[i].value);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sql(h, "COMMIT");
	sqlite3_finalize(st);
	sqlite3_close(h);
	free(db);
	return sub;
}

static int
compare_reading(const void *a, const void *b)
{
	const ews_reading *x = a, *y = b;

	if (x->device_id != y->device_id)
		return x->device_id < y->device_id ? -1 : 1;
	if (x->quantity != y->quantity)
		return x->quantity < y->quantity ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return (x->t_ms > y->t_ms) - (x->t_ms < y->t_ms);
}

START_TEST(schema_2_site_opens_as_3_with_samples_and_rollups)
{
	enum { N = 3 * 24 + 1 };
	ews_reading r[2 * N + 8];
	ews_site *old = site;
	ews_histogram h;
	ews_list *list;
	char *sub;
	size_t i, n = 0;
	int64_t t0 = utc_ms(2024, 3, 29, 23, 0); /* local Mar 30 00:00 */
	int64_t cnt;
	sqlite3 *db;
	char *path;

	/* Device 1: hourly counter of 100 Wh an hour over three local days
	 * (Mar 31 has 23 hours) and a voltage; device 2: a counter with a
	 * value that is no whole number of thousandths; device 9: gone. */
	for (i = 0; i < N; i++)
		r[n++] = reading(1, EWS_Q_ACTIVE_ENERGY_IMPORT,
		                 t0 + (int64_t)i * H, 1000 + 100.0 * (double)i);
	for (i = 0; i < 4; i++)
		r[n++] = reading(1, EWS_Q_VOLTAGE_LN_L1, t0 + (int64_t)i * H,
		                 230 + 0.1 * (double)i);
	r[n++] = reading(2, EWS_Q_ACTIVE_ENERGY_IMPORT, t0, 0.1 + 0.2);
	r[n++] = reading(2, EWS_Q_ACTIVE_ENERGY_IMPORT, t0 + H, 1e-300);
	r[n++] = reading(9, EWS_Q_ACTIVE_ENERGY_IMPORT, t0, 1);
	r[n++] = reading(9, EWS_Q_ACTIVE_ENERGY_IMPORT, t0 + H, 50000);
	r[n] = reading(1, EWS_Q_HARMONIC_VOLTAGE_L1, t0, 2.5);
	r[n++].order = 3;
	sub = site_v2(r, n);
	qsort(r, n, sizeof(r[0]), compare_reading);

	site = NULL;
	ck_assert_msg(open_site(sub, 0, NULL, &site) == EWS_OK, "open v2: %s",
	              ews_error_last()->message);
	ck_assert_int_eq(ews_site_schema_version(site), 7);
	ck_assert_int_eq(ews_site_sample_list(site, NULL, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), n);
	for (i = 0; i < n; i++) {
		const ews_reading *g = ews_list_reading(list, i);

		ck_assert_int_eq(g->device_id, r[i].device_id);
		ck_assert_int_eq(g->quantity, r[i].quantity);
		ck_assert_uint_eq(g->order, r[i].order);
		ck_assert_int_eq(g->t_ms, r[i].t_ms);
		ck_assert_msg(memcmp(&g->value, &r[i].value, sizeof(double)) ==
		                      0,
		              "sample %zu: %.17g, not %.17g", i, g->value,
		              r[i].value);
	}
	ews_list_free(list);
	/* Rollups in the zone of the site, for its device and load. */
	h = histogram(EWS_SCOPE_DEVICE, 1, EWS_PERIOD_DAY, 2024, 3, 31);
	ck_assert_uint_eq(h.count, 23);
	ck_assert_int_eq(h.total_milli, 2300000);
	ck_assert(!h.estimated);
	ck_assert_int_eq(h.previous_total_milli, 2400000);
	/* 47 local hours in March, 25 in April. */
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, 10, EWS_PERIOD_MONTH, 2024, 3, 1),
	        4700000);
	ck_assert_int_eq(total(EWS_SCOPE_LOAD, 10, EWS_PERIOD_YEAR, 2024, 3, 1),
	                 7200000);
	/* The deleted device's samples have no rollups. */
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 3, 1),
	                 7200000);
	/* Migrated once: a new open finds schema 3, no table `sample`. */
	ews_site_close(site);
	site = NULL;
	ck_assert_int_eq(open_site(sub, 0, NULL, &site), EWS_OK);
	ck_assert_int_eq(
	        total(EWS_SCOPE_DEVICE, 1, EWS_PERIOD_DAY, 2024, 3, 31),
	        2300000);
	ews_site_close(site);
	site = old;
	path = malloc(strlen(sub) + 16);
	ck_assert_ptr_nonnull(path);
	sprintf(path, "%s/site.db", sub);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	{
		sqlite3_stmt *st;

		ck_assert_int_eq(
		        sqlite3_prepare_v2(db,
		                           "SELECT count(*) FROM sqlite_master"
		                           " WHERE name = 'sample'",
		                           -1, &st, NULL),
		        SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		cnt = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	ck_assert_int_eq(cnt, 0);
	sqlite3_close(db);
	free(path);
	free(sub);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("consumption-scopes");
	TCase *tc = tcase("scopes");

	tcase_add_test(tc, load_group_and_site_scopes);
	tcase_add_test(tc, overall_gives_electricity_gas_and_water);
	tcase_add_test(tc, overall_periods_give_the_period_before_too);
	suite_add_tcase(s, tc);

	tc = tcase("queries");
	tcase_add_test(tc, measure_histogram_gives_min_avg_max_per_bucket);
	tcase_add_test(tc, bad_queries_are_refused_with_the_field);
	tcase_add_test(tc, scope_and_period_names_are_stable);
	tcase_add_test(tc, schema_2_site_opens_as_3_with_samples_and_rollups);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
