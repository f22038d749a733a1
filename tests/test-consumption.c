/*
 * Consumption rollups and histograms (CON-1..5, CON-7, CON-9), on real
 * site databases, with time given as arguments. The rules are those of
 * docs/consumption.md; the pure ones are in tests/test-counter.c. The
 * tests are in three executables, with fixtures in consumption-fixtures.h:
 *   test-consumption.c          local days across DST and odd offsets,
 *                               months, years and decades, the counter
 *                               rules on stored samples, gaps
 *   test-consumption-history.c  late, repeated and replaced samples, the
 *                               key invariant, re-derivation of history
 *                               when scopes or the time zone change
 *   test-consumption-scopes.c   loads, groups, site and splits, overall,
 *                               measured quantities, bad queries, stable
 *                               names, the schema 2 -> 3 migration
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>
#include <ews/store.h>
#include <ews/time.h>

#include "consumption-fixtures.h"

/* ------------------------------------------------------------------ */
/* Smoke                                                               */

START_TEST(hourly_counter_gives_hourly_buckets)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 1000);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 1500);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 1700);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_uint_eq(h.count, 24);
	ck_assert_int_eq(h.buckets[10].value_milli, 500000);
	ck_assert_int_eq(h.buckets[11].value_milli, 200000);
	ck_assert_int_eq(h.total_milli, 700000);
	ck_assert_int_eq(h.buckets[10].start_ms, utc_ms(2024, 5, 2, 10, 0));
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 1, 1);
	ck_assert_int_eq(h.buckets[4].value_milli, 700000);
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DECADE, 2024, 1, 1);
	ck_assert_int_eq(h.buckets[4].value_milli, 700000);
	ck_assert_int_eq(h.year, 2020);
}
END_TEST

START_TEST(rome_dst_days_have_23_and_25_hours)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;
	int64_t t, wh = 0;

	set_zone("Europe/Rome");
	for (t = utc_ms(2024, 3, 30, 0, 0); t <= utc_ms(2024, 4, 1, 0, 0);
	     t += H, wh += 100)
		counter(a, t, (double)wh);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 3, 31);
	ck_assert_uint_eq(h.count, 23);
	ck_assert_int_eq(h.total_milli, 2300000);
	ck_assert_int_eq(h.buckets[0].utc_offset_s, 3600);
	ck_assert_int_eq(h.buckets[2].utc_offset_s, 7200);
	ck_assert_int_eq(h.previous_total_milli, 2300000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Local days: DST and odd offsets                                     */

/*
 * Hourly readings around local day y-m-d of `zone`, whose first hour
 * starts at first_ms (UTC) and which has n hours. Interval k runs from
 * first_ms + (k - 3) h and counts (k + 1) × 10 Wh, so bucket i holds
 * (i + 4) × 10 Wh: every bucket is checked in place and in value.
 */
static ews_histogram
local_day(const char *zone, int y, int m, int d, int64_t first_ms, size_t n)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r[40];
	double wh = 1000;
	ews_histogram h;
	size_t k;

	set_zone(zone);
	for (k = 0; k < n + 7; k++) {
		r[k] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               first_ms + ((int64_t)k - 3) * H, wh);
		wh += (double)(k + 1) * 10;
	}
	add(r, n + 7);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, y, m, d);
	ck_assert_uint_eq(h.count, n);
	ck_assert_int_eq(h.year, y);
	ck_assert_uint_eq(h.month, (unsigned)m);
	ck_assert_uint_eq(h.day, (unsigned)d);
	for (k = 0; k < n; k++) {
		ck_assert_int_eq(h.buckets[k].start_ms,
		                 first_ms + (int64_t)k * H);
		ck_assert_int_eq(h.buckets[k].value_milli,
		                 (int64_t)(k + 4) * 10000);
		ck_assert(h.buckets[k].recorded);
		ck_assert(!h.buckets[k].estimated);
	}
	ck_assert(!h.estimated);
	return h;
}

/* The ISO 8601 local time of a bucket's start. */
static void
assert_start_text(const ews_bucket *b, const char *want)
{
	char text[EWS_TIME_TEXT_MAX];

	ck_assert_int_eq(ews_time_format(b->start_ms, b->utc_offset_s, text,
	                                 sizeof(text)),
	                 EWS_OK);
	ck_assert_str_eq(text, want);
}

START_TEST(rome_spring_forward_day_has_23_hours)
{
	ews_histogram h = local_day("Europe/Rome", 2024, 3, 31,
	                            utc_ms(2024, 3, 30, 23, 0), 23);
	size_t i;

	for (i = 0; i < 23; i++)
		ck_assert_int_eq(h.buckets[i].utc_offset_s,
		                 i < 2 ? 3600 : 7200);
	assert_start_text(&h.buckets[0], "2024-03-31T00:00:00+01:00");
	assert_start_text(&h.buckets[1], "2024-03-31T01:00:00+01:00");
	assert_start_text(&h.buckets[2], "2024-03-31T03:00:00+02:00");
	assert_start_text(&h.buckets[22], "2024-03-31T23:00:00+02:00");
}
END_TEST

START_TEST(rome_fall_back_day_has_25_hours)
{
	ews_histogram h = local_day("Europe/Rome", 2024, 10, 27,
	                            utc_ms(2024, 10, 26, 22, 0), 25);
	size_t i;

	for (i = 0; i < 25; i++)
		ck_assert_int_eq(h.buckets[i].utc_offset_s,
		                 i < 3 ? 7200 : 3600);
	assert_start_text(&h.buckets[0], "2024-10-27T00:00:00+02:00");
	assert_start_text(&h.buckets[2], "2024-10-27T02:00:00+02:00");
	assert_start_text(&h.buckets[3], "2024-10-27T02:00:00+01:00");
	assert_start_text(&h.buckets[4], "2024-10-27T03:00:00+01:00");
	assert_start_text(&h.buckets[24], "2024-10-27T23:00:00+01:00");
	/* The month has the day in its place, and the next one after. */
	h = histogram(EWS_SCOPE_DEVICE, 1, EWS_PERIOD_MONTH, 2024, 10, 1);
	ck_assert_uint_eq(h.count, 31);
	ck_assert_int_eq(h.buckets[26].start_ms, utc_ms(2024, 10, 26, 22, 0));
	ck_assert_int_eq(h.buckets[26].utc_offset_s, 7200);
	ck_assert_int_eq(h.buckets[27].start_ms, utc_ms(2024, 10, 27, 23, 0));
	ck_assert_int_eq(h.buckets[27].utc_offset_s, 3600);
	/* 25 hours of (i + 4) × 10 Wh. */
	ck_assert_int_eq(h.buckets[26].value_milli, (4 + 28) * 25 / 2 * 10000);
}
END_TEST

START_TEST(new_york_spring_forward_day_has_23_hours)
{
	ews_histogram h = local_day("America/New_York", 2024, 3, 10,
	                            utc_ms(2024, 3, 10, 5, 0), 23);
	size_t i;

	for (i = 0; i < 23; i++)
		ck_assert_int_eq(h.buckets[i].utc_offset_s,
		                 i < 2 ? -5 * 3600 : -4 * 3600);
	assert_start_text(&h.buckets[1], "2024-03-10T01:00:00-05:00");
	assert_start_text(&h.buckets[2], "2024-03-10T03:00:00-04:00");
}
END_TEST

START_TEST(new_york_fall_back_day_has_25_hours)
{
	ews_histogram h = local_day("America/New_York", 2024, 11, 3,
	                            utc_ms(2024, 11, 3, 4, 0), 25);
	size_t i;

	for (i = 0; i < 25; i++)
		ck_assert_int_eq(h.buckets[i].utc_offset_s,
		                 i < 2 ? -4 * 3600 : -5 * 3600);
	assert_start_text(&h.buckets[1], "2024-11-03T01:00:00-04:00");
	assert_start_text(&h.buckets[2], "2024-11-03T01:00:00-05:00");
	assert_start_text(&h.buckets[3], "2024-11-03T02:00:00-05:00");
}
END_TEST

START_TEST(kathmandu_splits_hourly_samples_45_15)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t t0 = utc_ms(2024, 5, 1, 17, 0), v = 5000000, d[27];
	ews_reading r[27];
	ews_histogram h;
	size_t k;

	set_zone("Asia/Kathmandu");
	/* Interval k runs from t0 + k h and counts d[k] mWh. */
	for (k = 0; k < 27; k++) {
		d[k] = 1001 + 7 * (int64_t)k;
		r[k] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               t0 + (int64_t)k * H, (double)v / 1000);
		v += d[k];
	}
	add(r, 27);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_uint_eq(h.count, 24);
	/* Local hours run from :15 UTC: interval k (:00 UTC, 45 min into
	 * local hour k - 2) gives a quarter, rounded down, to hour k - 2
	 * and the rest to hour k - 1. */
	for (k = 0; k < 24; k++) {
		ck_assert_int_eq(h.buckets[k].start_ms,
		                 utc_ms(2024, 5, 1, 18, 15) + (int64_t)k * H);
		ck_assert_int_eq(h.buckets[k].utc_offset_s, 5 * 3600 + 45 * 60);
		ck_assert_int_eq(h.buckets[k].value_milli,
		                 d[k + 2] / 4 + d[k + 1] - d[k + 1] / 4);
		ck_assert(!h.buckets[k].estimated);
	}
	assert_start_text(&h.buckets[0], "2024-05-02T00:00:00+05:45");
	ck_assert(!h.estimated);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Months, years, decades, previous totals                             */

START_TEST(month_year_and_decade_histograms)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t t0 = utc_ms(2024, 1, 30, 23, 0); /* Jan 31 00:00 in Rome */
	int64_t d[124], v = 0, jan = 0, feb = 0, mar = 0, want;
	ews_reading r[125];
	ews_histogram h;
	size_t k, b;

	set_zone("Europe/Rome");
	/* Every 6 hours from local Jan 31 to Mar 2: local day D gets the
	 * intervals 4D .. 4D + 3, each spread over a gap of 6 hours. */
	for (k = 0; k < 125; k++) {
		r[k] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               t0 + (int64_t)k * 6 * H, (double)v / 1000);
		if (k < 124) {
			d[k] = 1000 * (int64_t)(k % 7 + 1) + (int64_t)k;
			v += d[k];
			*(k < 4 ? &jan : k < 120 ? &feb : &mar) += d[k];
		}
	}
	add(r, 125);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2024, 2, 17);
	ck_assert_uint_eq(h.count, 29);
	ck_assert_int_eq(h.year, 2024);
	ck_assert_uint_eq(h.month, 2);
	ck_assert_uint_eq(h.day, 1);
	for (b = 0; b < 29; b++) {
		k = 4 * (b + 1);
		want = d[k] + d[k + 1] + d[k + 2] + d[k + 3];
		ck_assert_int_eq(h.buckets[b].start_ms,
		                 t0 + (int64_t)(b + 1) * 24 * H);
		ck_assert_int_eq(h.buckets[b].utc_offset_s, 3600);
		ck_assert_int_eq(h.buckets[b].value_milli, want);
		ck_assert(h.buckets[b].recorded && h.buckets[b].estimated);
	}
	ck_assert_int_eq(h.total_milli, feb);
	ck_assert(h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, jan);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2024, 3, 31);
	ck_assert_uint_eq(h.count, 31);
	ck_assert_int_eq(h.buckets[0].value_milli, mar);
	ck_assert(!h.buckets[1].recorded);
	ck_assert_int_eq(h.buckets[1].value_milli, 0);
	ck_assert_int_eq(h.buckets[30].start_ms, utc_ms(2024, 3, 30, 23, 0));
	ck_assert_int_eq(h.buckets[30].utc_offset_s, 3600);
	ck_assert_int_eq(h.previous_total_milli, feb);

	/* Month lengths. */
	ck_assert_uint_eq(
	        histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2023, 2, 1)
	                .count,
	        28);
	ck_assert_uint_eq(
	        histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 4, 30)
	                .count,
	        30);
	ck_assert_uint_eq(
	        histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 1, 9)
	                .count,
	        31);
	ck_assert_uint_eq(
	        histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2000, 2, 1)
	                .count,
	        29);
	ck_assert_uint_eq(
	        histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 1900, 2, 1)
	                .count,
	        28);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_YEAR, 2024, 6, 15);
	ck_assert_uint_eq(h.count, 12);
	ck_assert_uint_eq(h.month, 1);
	ck_assert_int_eq(h.buckets[0].value_milli, jan);
	ck_assert_int_eq(h.buckets[1].value_milli, feb);
	ck_assert_int_eq(h.buckets[2].value_milli, mar);
	ck_assert(!h.buckets[3].recorded);
	ck_assert_int_eq(h.buckets[0].start_ms, utc_ms(2023, 12, 31, 23, 0));
	ck_assert_int_eq(h.buckets[3].start_ms, utc_ms(2024, 3, 31, 22, 0));
	ck_assert_int_eq(h.buckets[3].utc_offset_s, 7200);
	ck_assert_int_eq(h.buckets[10].start_ms, utc_ms(2024, 10, 31, 23, 0));
	ck_assert_int_eq(h.total_milli, jan + feb + mar);
	ck_assert(h.estimated);
	ck_assert(!h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, 0);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2027, 8, 1);
	ck_assert_uint_eq(h.count, 10);
	ck_assert_int_eq(h.year, 2020);
	ck_assert_int_eq(h.buckets[0].start_ms, utc_ms(2019, 12, 31, 23, 0));
	ck_assert_int_eq(h.buckets[5].start_ms, utc_ms(2024, 12, 31, 23, 0));
	ck_assert_int_eq(h.buckets[4].value_milli, jan + feb + mar);
	for (b = 0; b < 10; b++)
		ck_assert_int_eq(h.buckets[b].recorded, b == 4);
	ck_assert(!h.has_previous);
}
END_TEST

START_TEST(decade_starts_at_a_year_ending_in_0)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;

	set_zone("Europe/Rome");
	/* 1, 2 Wh in local 2019; 3, 4 Wh in local 2020 (from 23:00 UTC). */
	counter(a, utc_ms(2019, 12, 31, 21, 0), 100);
	counter(a, utc_ms(2019, 12, 31, 22, 0), 101);
	counter(a, utc_ms(2019, 12, 31, 23, 0), 103);
	counter(a, utc_ms(2020, 1, 1, 0, 0), 106);
	counter(a, utc_ms(2020, 1, 1, 1, 0), 110);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2029, 12, 31);
	ck_assert_int_eq(h.year, 2020);
	ck_assert_int_eq(h.buckets[0].value_milli, 7000);
	ck_assert_int_eq(h.total_milli, 7000);
	ck_assert(h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, 3000);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2020, 1, 1);
	ck_assert_int_eq(h.year, 2020);
	ck_assert_int_eq(h.total_milli, 7000);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2019, 1, 1);
	ck_assert_int_eq(h.year, 2010);
	ck_assert_int_eq(h.buckets[9].value_milli, 3000);
	ck_assert(!h.has_previous);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2030, 6, 1);
	ck_assert_int_eq(h.year, 2030);
	ck_assert_int_eq(h.total_milli, 0);
	ck_assert(!h.buckets[0].recorded);
	ck_assert(h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, 7000);

	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_YEAR, 2020, 5, 5);
	ck_assert_int_eq(h.buckets[0].value_milli, 7000);
	ck_assert_int_eq(h.previous_total_milli, 3000);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2020, 1, 5);
	ck_assert_int_eq(h.buckets[0].value_milli, 7000);
	ck_assert_int_eq(h.previous_total_milli, 3000);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2020, 1, 1);
	ck_assert_int_eq(h.buckets[0].value_milli, 3000);
	ck_assert_int_eq(h.buckets[1].value_milli, 4000);
	ck_assert(h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, 3000);
	/* The day after: nothing in it, yesterday had 7 Wh. */
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2020, 1, 2);
	ck_assert_int_eq(h.total_milli, 0);
	ck_assert(h.has_previous);
	ck_assert_int_eq(h.previous_total_milli, 7000);
	/* Two days after: nothing before either. */
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2020, 1, 3);
	ck_assert(!h.has_previous);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Counter rules on stored samples                                     */

START_TEST(first_sample_gives_no_consumption)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;
	size_t i;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 123456);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	for (i = 0; i < h.count; i++)
		ck_assert(!h.buckets[i].recorded);
	ck_assert_int_eq(h.total_milli, 0);
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 5, 2);
	ck_assert_int_eq(h.total_milli, 0);
	ck_assert(!h.buckets[4].recorded);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 3);
	ck_assert(!h.has_previous);
	/* A second one gives the interval, recorded even when 0. */
	counter(a, utc_ms(2024, 5, 2, 10, 30), 123456);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert(h.buckets[10].recorded);
	ck_assert_int_eq(h.buckets[10].value_milli, 0);
	ck_assert(!h.buckets[11].recorded);
}
END_TEST

START_TEST(counter_reset_counts_the_new_reading_estimated)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 4990);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 5000);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 30); /* meter replaced */
	counter(a, utc_ms(2024, 5, 2, 13, 0), 50);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 10000);
	ck_assert(!h.buckets[10].estimated);
	ck_assert_int_eq(h.buckets[11].value_milli, 30000);
	ck_assert(h.buckets[11].estimated);
	ck_assert_int_eq(h.buckets[12].value_milli, 20000);
	ck_assert(!h.buckets[12].estimated);
	ck_assert_int_eq(h.total_milli, 60000);
	ck_assert(h.estimated);
	/* Estimated all the way up. */
	ck_assert(histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 5, 2)
	                  .buckets[1]
	                  .estimated);
	/* A step back elsewhere (a used meter): nothing, estimated. */
	counter(a, utc_ms(2024, 5, 2, 14, 0), 40);
	counter(a, utc_ms(2024, 5, 2, 15, 0), 45);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[13].value_milli, 0);
	ck_assert(h.buckets[13].estimated && h.buckets[13].recorded);
	ck_assert_int_eq(h.buckets[14].value_milli, 5000);
}
END_TEST

/* readings prev then cur an hour later on device dev: consumption, est. */
static void
assert_step(int64_t dev, double prev, double cur, int64_t want_milli,
            int estimated)
{
	ews_histogram h;

	counter(dev, utc_ms(2024, 5, 2, 10, 0), prev);
	counter(dev, utc_ms(2024, 5, 2, 11, 0), cur);
	h = histogram(EWS_SCOPE_DEVICE, dev, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_msg(h.buckets[10].value_milli == want_milli,
	              "%.3f -> %.3f: %lld mWh, not %lld", prev, cur,
	              (long long)h.buckets[10].value_milli,
	              (long long)want_milli);
	ck_assert_int_eq(h.buckets[10].estimated, estimated);
}

START_TEST(rollover_at_the_width_of_the_energy_register)
{
	ews_device d;
	int64_t bender, eastron, g16, g32, gf;

	/* Bender CC612: active energy import is a u32 of Wh. */
	d = dev_new(LOCAL, "bender_cc612", 1);
	bender = dev_add(&d);
	assert_step(bender, 4294967000.0, 200, 496000, 0);
	/* The same readings on a float register: a reset. */
	eastron = meter_add(LOCAL, 2, "E");
	assert_step(eastron, 4294967000.0, 200, 200000, 1);
	/* Generic meters: the installer's register, raw × 0.01 kWh. One word
	 * wraps at 655.36 kWh, two at 42 949 672.96 kWh. */
	d = generic_new(LOCAL, 3);
	d.reg_words = 1;
	g16 = dev_add(&d);
	assert_step(g16, 655000, 100, 460000, 0);
	d = generic_new(LOCAL, 4);
	g32 = dev_add(&d);
	assert_step(g32, 42949672000.0, 40, 1000000, 0);
	/* A float generic register does not wrap. */
	d = generic_new(LOCAL, 5);
	d.reg_type = EWS_REG_F32;
	gf = dev_add(&d);
	assert_step(gf, 42949672000.0, 40, 40000, 1);
}
END_TEST

START_TEST(jitter_is_never_negative)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;
	size_t i;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 1000);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 999.5);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 1001);
	counter(a, utc_ms(2024, 5, 2, 13, 0), 1000.999);
	counter(a, utc_ms(2024, 5, 2, 14, 0), 1000.998);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	for (i = 0; i < h.count; i++) {
		ck_assert_int_ge(h.buckets[i].value_milli, 0);
		ck_assert(!h.buckets[i].estimated);
	}
	ck_assert_int_eq(h.buckets[10].value_milli, 0);
	ck_assert(h.buckets[10].recorded);
	/* The rise counts from the lower reading (docs/consumption.md). */
	ck_assert_int_eq(h.buckets[11].value_milli, 1500);
	ck_assert_int_eq(h.buckets[12].value_milli, 0);
	ck_assert_int_eq(h.buckets[13].value_milli, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Gaps                                                                */

/* 10-min readings of 1 Wh from `from` to `to` (inclusive), minutes of
 * the day 2024-05-02 UTC, but for those in `skip` (-1 ended). */
static double
ten_min(int64_t dev, int from, int to, const int *skip, double wh)
{
	ews_reading r[200];
	size_t n = 0;
	int m, i, skipped;

	for (m = from; m <= to; m += 10) {
		for (i = 0, skipped = 0; skip && skip[i] >= 0; i++)
			skipped |= skip[i] == m;
		if (m > from)
			wh += 1;
		if (!skipped)
			r[n++] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
			                 utc_ms(2024, 5, 2, 0, 0) +
			                         (int64_t)m * MIN,
			                 wh);
	}
	add(r, n);
	return wh;
}

START_TEST(gap_of_3_hours_is_spread_in_proportion_and_estimated)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram h;
	double wh;
	size_t i;

	wh = ten_min(a, 8 * 60, 10 * 60, NULL, 0); /* 08:00 .. 10:00 */
	/* Nothing from 10:00 to 13:00; then 3000.001 Wh more. */
	ten_min(a, 13 * 60, 14 * 60, NULL, wh + 3000.001);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[8].value_milli, 6000);
	ck_assert_int_eq(h.buckets[9].value_milli, 6000);
	ck_assert_int_eq(h.buckets[10].value_milli, 1000000);
	ck_assert_int_eq(h.buckets[11].value_milli, 1000000);
	ck_assert_int_eq(h.buckets[12].value_milli, 1000001);
	ck_assert_int_eq(h.buckets[13].value_milli, 6000);
	for (i = 0; i < h.count; i++)
		ck_assert_msg(h.buckets[i].estimated == (i >= 10 && i <= 12),
		              "hour %zu", i);
	ck_assert(h.estimated);
	/* Nothing lost or invented: the day is the counter difference. */
	ck_assert_int_eq(h.total_milli, 12000 + 3000001 + 6000);
}
END_TEST

START_TEST(gap_over_a_whole_hour_without_sample_is_estimated)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t b = meter_add(LOCAL, 2, "B");
	ews_histogram h;

	/* 10:40 -> 12:00: hour 11 has no sample. */
	counter(a, utc_ms(2024, 5, 2, 10, 40), 0);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 80);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 20000);
	ck_assert_int_eq(h.buckets[11].value_milli, 60000);
	ck_assert(h.buckets[10].estimated && h.buckets[11].estimated);
	/* 10:40 -> 11:59: every hour saw a sample; not a gap. */
	counter(b, utc_ms(2024, 5, 2, 10, 40), 0);
	counter(b, utc_ms(2024, 5, 2, 11, 59), 79);
	h = histogram(EWS_SCOPE_DEVICE, b, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 20000);
	ck_assert_int_eq(h.buckets[11].value_milli, 59000);
	ck_assert(!h.buckets[10].estimated && !h.buckets[11].estimated);
}
END_TEST

START_TEST(gap_from_an_hour_start_over_that_hour_is_estimated)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t b = meter_add(LOCAL, 2, "B");
	ews_histogram h;

	/* 30-min readings, 10:30 and 11:00 missing: 10:00 -> 11:30 covers
	 * the whole of hour 10 with nothing read after its start. */
	counter(a, utc_ms(2024, 5, 2, 10, 0), 0);
	counter(a, utc_ms(2024, 5, 2, 11, 30), 90);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 60000);
	ck_assert_int_eq(h.buckets[11].value_milli, 30000);
	ck_assert(h.buckets[10].estimated && h.buckets[11].estimated);
	/* 10:10 -> 11:30 covers no whole hour: not a gap. */
	counter(b, utc_ms(2024, 5, 2, 10, 10), 0);
	counter(b, utc_ms(2024, 5, 2, 11, 30), 80);
	h = histogram(EWS_SCOPE_DEVICE, b, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 50000);
	ck_assert_int_eq(h.buckets[11].value_milli, 30000);
	ck_assert(!h.buckets[10].estimated && !h.buckets[11].estimated);
}
END_TEST

START_TEST(missing_sample_inside_an_hour_is_not_estimated)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	/* 10:20 missing (inside hour 10), 10:50 missing (across 11:00). */
	static const int skip[] = { 10 * 60 + 20, 10 * 60 + 50, -1 };
	ews_histogram h;
	size_t i;

	ten_min(a, 8 * 60, 13 * 60, skip, 0);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	for (i = 8; i < 13; i++) {
		ck_assert_int_eq(h.buckets[i].value_milli, 6000);
		ck_assert(!h.buckets[i].estimated);
	}
	ck_assert(!h.estimated);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("consumption");
	TCase *tc = tcase("smoke");

	tcase_add_test(tc, hourly_counter_gives_hourly_buckets);
	tcase_add_test(tc, rome_dst_days_have_23_and_25_hours);
	suite_add_tcase(s, tc);

	tc = tcase("local days");
	tcase_add_test(tc, rome_spring_forward_day_has_23_hours);
	tcase_add_test(tc, rome_fall_back_day_has_25_hours);
	tcase_add_test(tc, new_york_spring_forward_day_has_23_hours);
	tcase_add_test(tc, new_york_fall_back_day_has_25_hours);
	tcase_add_test(tc, kathmandu_splits_hourly_samples_45_15);
	tcase_add_test(tc, month_year_and_decade_histograms);
	tcase_add_test(tc, decade_starts_at_a_year_ending_in_0);
	suite_add_tcase(s, tc);

	tc = tcase("counters");
	tcase_add_test(tc, first_sample_gives_no_consumption);
	tcase_add_test(tc, counter_reset_counts_the_new_reading_estimated);
	tcase_add_test(tc, rollover_at_the_width_of_the_energy_register);
	tcase_add_test(tc, jitter_is_never_negative);
	tcase_add_test(tc,
	               gap_of_3_hours_is_spread_in_proportion_and_estimated);
	tcase_add_test(tc, gap_over_a_whole_hour_without_sample_is_estimated);
	tcase_add_test(tc, gap_from_an_hour_start_over_that_hour_is_estimated);
	tcase_add_test(tc, missing_sample_inside_an_hour_is_not_estimated);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
