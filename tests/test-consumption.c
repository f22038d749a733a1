/*
 * Consumption rollups and histograms (CON-1..5, CON-7, CON-9), on real
 * site databases, with time given as arguments. The rules are those of
 * docs/consumption.md; the pure ones are in tests/test-counter.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include <ews/consumption.h>
#include <ews/store.h>
#include <ews/time.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"
#include "schema-fixtures.h"

enum { H = 3600000, MIN = 60000 };

/* Unix ms of a UTC time. */
static int64_t
utc_ms(int y, int mo, int d, int h, int mi)
{
	int64_t yy = y - (mo <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return ((days * 24 + h) * 60 + mi) * 60000;
}

static int
days_in(int y, int m)
{
	static const int n[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
	               ? 29
	               : n[m - 1];
}

static void
next_day(int *y, int *m, int *d)
{
	if (++*d > days_in(*y, *m)) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

static void
set_zone(const char *zone)
{
	ck_assert_msg(ews_site_setting_set(site, "timezone", zone) == EWS_OK,
	              "timezone: %s", ews_error_last()->message);
}

static ews_reading
reading(int64_t dev, ews_quantity q, int64_t t_ms, double value)
{
	ews_reading r;

	memset(&r, 0, sizeof(r));
	r.device_id = dev;
	r.quantity = q;
	r.t_ms = t_ms;
	r.value = value;
	return r;
}

static void
add(const ews_reading *r, size_t n)
{
	ck_assert_msg(ews_site_samples_add(site, r, n) == EWS_OK, "add: %s",
	              ews_error_last()->message);
}

static void
counter(int64_t dev, int64_t t_ms, double wh)
{
	ews_reading r = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, t_ms, wh);

	add(&r, 1);
}

static void
volume(int64_t dev, int64_t t_ms, double dm3)
{
	ews_reading r = reading(dev, EWS_Q_VOLUME, t_ms, dm3);

	add(&r, 1);
}

static ews_consumption_query
query(ews_scope_kind scope, int64_t id, ews_period period, int y, int m, int d)
{
	ews_consumption_query q;

	ck_assert_int_eq(
	        ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION),
	        EWS_OK);
	q.scope = scope;
	q.scope_id = id;
	q.period = period;
	q.year = y;
	q.month = (unsigned)m;
	q.day = (unsigned)d;
	return q;
}

static ews_histogram
histogram_q(const ews_consumption_query *q)
{
	ews_histogram h;

	ck_assert_msg(ews_site_consumption(site, q, &h) == EWS_OK,
	              "consumption: %s", ews_error_last()->message);
	return h;
}

static ews_histogram
histogram(ews_scope_kind scope, int64_t id, ews_period period, int y, int m,
          int d)
{
	ews_consumption_query q = query(scope, id, period, y, m, d);

	return histogram_q(&q);
}

/* Total of a scope over one period. */
static int64_t
total(ews_scope_kind scope, int64_t id, ews_period period, int y, int m, int d)
{
	return histogram(scope, id, period, y, m, d).total_milli;
}

static void
assert_same_histogram(const ews_histogram *a, const ews_histogram *b)
{
	size_t i;

	ck_assert_uint_eq(a->count, b->count);
	for (i = 0; i < a->count; i++) {
		const ews_bucket *x = &a->buckets[i], *y = &b->buckets[i];

		ck_assert_int_eq(x->start_ms, y->start_ms);
		ck_assert_int_eq(x->utc_offset_s, y->utc_offset_s);
		ck_assert_msg(x->value_milli == y->value_milli,
		              "bucket %zu: %lld, not %lld", i,
		              (long long)x->value_milli,
		              (long long)y->value_milli);
		ck_assert_int_eq(x->recorded, y->recorded);
		ck_assert_int_eq(x->estimated, y->estimated);
	}
	ck_assert_int_eq(a->total_milli, b->total_milli);
	ck_assert_int_eq(a->estimated, b->estimated);
	ck_assert_int_eq(a->previous_total_milli, b->previous_total_milli);
	ck_assert_int_eq(a->has_previous, b->has_previous);
}

/* Day, month and year histograms of two scopes agree over ndays local
 * days from y-m-d. */
static void
assert_same_history(ews_scope_kind ka, int64_t a, ews_scope_kind kb, int64_t b,
                    int y, int m, int d, int ndays)
{
	ews_histogram x, z;
	int i;

	for (i = 0; i < ndays; i++, next_day(&y, &m, &d)) {
		x = histogram(ka, a, EWS_PERIOD_DAY, y, m, d);
		z = histogram(kb, b, EWS_PERIOD_DAY, y, m, d);
		assert_same_histogram(&x, &z);
		if (i == 0 || d == 1) {
			x = histogram(ka, a, EWS_PERIOD_MONTH, y, m, d);
			z = histogram(kb, b, EWS_PERIOD_MONTH, y, m, d);
			assert_same_histogram(&x, &z);
			x = histogram(ka, a, EWS_PERIOD_YEAR, y, m, d);
			z = histogram(kb, b, EWS_PERIOD_YEAR, y, m, d);
			assert_same_histogram(&x, &z);
		}
	}
}

/* The call failed with this code and named this field. */
#define FAILS(call, code, field)                                               \
	do {                                                                   \
		ck_assert_int_eq((call), (code));                              \
		assert_error((code), (field));                                 \
	} while (0)

/* A histogram of this scope is refused: the scope is not found. */
static void
assert_scope_gone(ews_scope_kind scope, int64_t id)
{
	ews_consumption_query q = query(scope, id, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_histogram h;

	ck_assert_int_eq(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "scope_id");
}

/* An Eastron SDM630 in a load (0: Others), groups, maybe excluded. */
static int64_t
meter_in(unsigned int address, int64_t load, int64_t group1, int64_t group2,
         int exclude)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", address);

	d.load_id = load;
	if (group1)
		d.group_ids[d.group_count++] = group1;
	if (group2)
		d.group_ids[d.group_count++] = group2;
	d.exclude_totals = exclude;
	return dev_add(&d);
}

/* A pulse meter of a model ("pulse_gas", "pulse_water"). */
static int64_t
pulse_add(const char *model, unsigned int position)
{
	ews_device d = pulse_new(model, 20, position, "F80BI");

	return dev_add(&d);
}

/* Hourly counter readings from t_ms, `n` intervals of `wh` each. */
static void
hourly(int64_t dev, int64_t t_ms, int n, double start_wh, double wh)
{
	ews_reading r[64];
	int i;

	ck_assert_int_lt(n, 64);
	for (i = 0; i <= n; i++)
		r[i] = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               t_ms + (int64_t)i * H, start_wh + wh * i);
	add(r, (size_t)n + 1);
}

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

/* ------------------------------------------------------------------ */
/* Late, repeated and replaced samples                                 */

START_TEST(backfill_out_of_order_gives_the_in_order_histograms)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t b = meter_add(LOCAL, 2, "B");
	ews_histogram h;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 100);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 250);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 400);
	/* B: the neighbours first; the middle one arrives late. */
	counter(b, utc_ms(2024, 5, 2, 12, 0), 400);
	counter(b, utc_ms(2024, 5, 2, 10, 0), 100);
	h = histogram(EWS_SCOPE_DEVICE, b, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 150000);
	ck_assert(h.buckets[11].estimated); /* a gap over hour 11 */
	counter(b, utc_ms(2024, 5, 2, 11, 0), 250);
	assert_same_history(EWS_SCOPE_DEVICE, a, EWS_SCOPE_DEVICE, b, 2024, 5,
	                    1, 3);
	h = histogram(EWS_SCOPE_DEVICE, b, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert(!h.estimated);
	/* Before the first and after the last, days apart. */
	counter(a, utc_ms(2024, 4, 30, 10, 0), 50);
	counter(a, utc_ms(2024, 5, 4, 12, 0), 500);
	counter(b, utc_ms(2024, 5, 4, 12, 0), 500);
	counter(b, utc_ms(2024, 4, 30, 10, 0), 50);
	assert_same_history(EWS_SCOPE_DEVICE, a, EWS_SCOPE_DEVICE, b, 2024, 4,
	                    29, 7);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 1, 1),
	                 2 * 450000);
}
END_TEST

/* Fisher-Yates. */
static void
shuffle(ews_reading *r, size_t n, unsigned int *seed)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)rand_r(seed) % i;
		ews_reading t = r[i - 1];

		r[i - 1] = r[j];
		r[j] = t;
	}
}

/* Add r[0..n) in batches of 1..max readings. */
static void
add_in_batches(const ews_reading *r, size_t n, size_t max, unsigned int *seed)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = 1 + (size_t)rand_r(seed) % max;
		if (k > n - i)
			k = n - i;
		add(r + i, k);
	}
}

START_TEST(shuffled_batches_give_the_in_order_histograms)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t b = meter_add(LOCAL, 2, "B");
	ews_reading r[2 * 144];
	unsigned int seed = 17;
	double wh = 10;
	size_t i;

	set_zone("Europe/Rome");
	for (i = 0; i < 2 * 144; i++) {
		if (i % 50 == 7)
			continue; /* a few missing */
		r[i] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               utc_ms(2024, 10, 26, 12, 0) +
		                       (int64_t)i * 10 * MIN,
		               wh);
		wh += (double)(rand_r(&seed) % 3000) / 1000;
		if (i == 100)
			wh = 3; /* a reset */
	}
	for (i = 0; i < 2 * 144; i++)
		if (i % 50 == 7)
			r[i] = r[i - 1]; /* a duplicate instead */
	add(r, 2 * 144);
	for (i = 0; i < 2 * 144; i++)
		r[i].device_id = b;
	shuffle(r, 2 * 144, &seed);
	add_in_batches(r, 2 * 144, 20, &seed);
	assert_same_history(EWS_SCOPE_DEVICE, a, EWS_SCOPE_DEVICE, b, 2024, 10,
	                    25, 5);
}
END_TEST

START_TEST(duplicate_sample_changes_nothing)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_histogram before, after;
	ews_reading r[3];
	ews_list *list;

	r[0] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 5, 2, 10, 0),
	               100);
	r[1] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 5, 2, 11, 0),
	               250.5);
	r[2] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 5, 2, 12, 0),
	               400);
	add(r, 3);
	before = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	add(&r[1], 1);
	add(r, 3);
	add(r, 2);
	after = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	assert_same_histogram(&before, &after);
	before = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 5, 2);
	ck_assert_int_eq(before.total_milli, 300000);
	ck_assert_int_eq(ews_site_sample_list(site, NULL, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 3);
	ews_list_free(list);
}
END_TEST

START_TEST(same_time_new_value_replaces_and_rollups_follow)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r[2];
	ews_histogram h;
	ews_list *list;

	counter(a, utc_ms(2024, 5, 2, 10, 0), 0);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 100);
	counter(a, utc_ms(2024, 5, 2, 12, 0), 300);
	counter(a, utc_ms(2024, 5, 2, 11, 0), 150);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 150000);
	ck_assert_int_eq(h.buckets[11].value_milli, 150000);
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[1].value_milli, 300000);
	/* Twice in one batch: the later one wins. */
	r[0] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 5, 2, 11, 0),
	               120);
	r[1] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 5, 2, 11, 0),
	               130);
	add(r, 2);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[10].value_milli, 130000);
	ck_assert_int_eq(h.buckets[11].value_milli, 170000);
	ck_assert_int_eq(ews_site_sample_list(site, NULL, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 3);
	ck_assert(ews_list_reading(list, 1)->value == 130);
	ews_list_free(list);
	/* Replaced by a step back: the reset rule now applies. */
	counter(a, utc_ms(2024, 5, 2, 12, 0), 10);
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[11].value_milli, 10000);
	ck_assert(h.buckets[11].estimated);
	ck_assert_int_eq(
	        total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DECADE, 2024, 5, 2),
	        140000);
}
END_TEST

START_TEST(sweep_of_many_devices_in_one_batch_is_exact)
{
	enum { DEVICES = 60 };
	int64_t dev[DEVICES], want = 0;
	ews_reading r[3 * DEVICES];
	size_t i;

	/* Each device adds rows to the change set as it goes, so the set
	 * grows in the middle of spreading a day to its rows. */
	for (i = 0; i < DEVICES; i++) {
		char name[16];

		snprintf(name, sizeof(name), "M%zu", i);
		dev[i] = meter_add(LOCAL, (unsigned)i + 1, name);
		r[3 * i] = reading(dev[i], EWS_Q_ACTIVE_ENERGY_IMPORT,
		                   utc_ms(2024, 5, 31, 23, 0), 1000);
		r[3 * i + 1] =
		        reading(dev[i], EWS_Q_ACTIVE_ENERGY_IMPORT,
		                utc_ms(2024, 6, 1, 0, 0), 1000 + (double)i + 1);
		r[3 * i + 2] = reading(dev[i], EWS_Q_ACTIVE_ENERGY_IMPORT,
		                       utc_ms(2024, 6, 1, 1, 0),
		                       1000 + 2 * ((double)i + 1));
		want += 2000 * ((int64_t)i + 1);
	}
	add(r, 3 * DEVICES);
	for (i = 0; i < DEVICES; i++) {
		ews_histogram h = histogram(EWS_SCOPE_DEVICE, dev[i],
		                            EWS_PERIOD_YEAR, 2024, 1, 1);

		ck_assert_int_eq(h.buckets[4].value_milli,
		                 1000 * ((int64_t)i + 1));
		ck_assert_int_eq(h.buckets[5].value_milli,
		                 1000 * ((int64_t)i + 1));
		ck_assert_int_eq(total(EWS_SCOPE_DEVICE, dev[i], EWS_PERIOD_DAY,
		                       2024, 6, 1),
		                 1000 * ((int64_t)i + 1));
	}
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_YEAR, 2024, 1, 1),
	                 want);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_MONTH, 2024, 5, 1),
	                 want / 2);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 6, 1),
	                 want / 2);
	ck_assert_int_eq(total(EWS_SCOPE_LOAD, load_of(EWS_ORIGIN_OTHERS),
	                       EWS_PERIOD_MONTH, 2024, 6, 1),
	                 want / 2);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The key invariant                                                   */

/*
 * The sum of every hourly bucket of a scope over the local days of March
 * and April 2024 (checking that each day adds up to its month slot, each
 * month to its year slot, the year to its decade slot).
 */
static int64_t
hours_of_march_and_april(ews_scope_kind scope, int64_t id)
{
	ews_histogram day, month, year, decade;
	int64_t sum = 0, months = 0;
	int m, d;
	size_t b;

	year = histogram(scope, id, EWS_PERIOD_YEAR, 2024, 1, 1);
	for (m = 3; m <= 4; m++) {
		int64_t days = 0;

		month = histogram(scope, id, EWS_PERIOD_MONTH, 2024, m, 1);
		for (d = 1; d <= days_in(2024, m); d++) {
			int64_t hours = 0;

			day = histogram(scope, id, EWS_PERIOD_DAY, 2024, m, d);
			ck_assert_uint_eq(day.count,
			                  m == 3 && d == 31 ? 23 : 24);
			for (b = 0; b < day.count; b++)
				hours += day.buckets[b].value_milli;
			ck_assert_int_eq(hours, day.total_milli);
			ck_assert_int_eq(hours,
			                 month.buckets[d - 1].value_milli);
			ck_assert_int_eq(day.estimated,
			                 month.buckets[d - 1].estimated);
			ck_assert_int_eq(day.total_milli > 0,
			                 month.buckets[d - 1].value_milli > 0);
			days += hours;
		}
		ck_assert_int_eq(days, month.total_milli);
		ck_assert_int_eq(days, year.buckets[m - 1].value_milli);
		ck_assert_int_eq(month.estimated,
		                 year.buckets[m - 1].estimated);
		months += days;
		sum += days;
	}
	ck_assert_int_eq(months, year.total_milli);
	decade = histogram(scope, id, EWS_PERIOD_DECADE, 2024, 1, 1);
	ck_assert_int_eq(year.total_milli, decade.buckets[4].value_milli);
	return sum;
}

START_TEST(hours_add_up_to_the_counter_difference)
{
	enum { N = 21 * 144 };
	int64_t a = meter_add(LOCAL, 1, "A");
	int64_t b = meter_add(LOCAL, 2, "B");
	ews_reading *r = malloc(2 * N * sizeof(*r));
	int64_t t0 = utc_ms(2024, 3, 20, 0, 7), milli = 987654321;
	int64_t first, last;
	unsigned int seed = 2024;
	size_t i, n = 0;
	ews_list *la, *lb;
	ews_sample_query q;

	ck_assert_ptr_nonnull(r);
	set_zone("Europe/Rome");
	/* Three weeks of 10-min readings over the change to summer time,
	 * with random increments and a few gaps of hours. */
	for (i = 0; i < N; i++) {
		if ((i >= 500 && i < 520) || (i >= 1700 && i < 1731) ||
		    i == 2500)
			continue;
		r[n++] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		                 t0 + (int64_t)i * 10 * MIN,
		                 (double)milli / 1000);
		milli += rand_r(&seed) % 5 == 0 ? 0 : rand_r(&seed) % 5000;
	}
	first = (int64_t)llround(r[0].value * 1000);
	last = (int64_t)llround(r[n - 1].value * 1000);
	/* B in time order, one batch. */
	for (i = 0; i < n; i++) {
		r[n + i] = r[i];
		r[n + i].device_id = b;
	}
	add(r + n, n);
	/* A in random order and batches, some readings twice. */
	for (i = 0; i < 300; i++)
		r[n + i] = r[(size_t)rand_r(&seed) % n];
	shuffle(r, n + 300, &seed);
	add_in_batches(r, n + 300, 150, &seed);

	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_DEVICE, a),
	                 last - first);
	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_DEVICE, b),
	                 last - first);
	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_SITE, 0),
	                 2 * (last - first));
	assert_same_history(EWS_SCOPE_DEVICE, a, EWS_SCOPE_DEVICE, b, 2024, 3,
	                    19, 24);
	/* The samples themselves are the same. */
	ck_assert_int_eq(ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION),
	                 EWS_OK);
	q.device_id = a;
	ck_assert_int_eq(ews_site_sample_list(site, &q, &la), EWS_OK);
	q.device_id = b;
	ck_assert_int_eq(ews_site_sample_list(site, &q, &lb), EWS_OK);
	ck_assert_uint_eq(ews_list_len(la), n);
	ck_assert_uint_eq(ews_list_len(lb), n);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(ews_list_reading(la, i)->t_ms,
		                 ews_list_reading(lb, i)->t_ms);
		ck_assert(ews_list_reading(la, i)->value ==
		          ews_list_reading(lb, i)->value);
	}
	ews_list_free(la);
	ews_list_free(lb);
	free(r);
}
END_TEST

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

/* ------------------------------------------------------------------ */
/* Re-derivation: history moves with a device's scopes                 */

/* A device's month and year rows lag by its pending day (rollup.h):
 * sweeps over midnight, the end of a month and a DST night, a move to
 * another load in the middle of a day, late samples into a folded day and
 * into the pending day, and reopened handles keep every level exact. */
START_TEST(sweeps_over_midnight_keep_every_level_exact)
{
	int64_t first_load = cat_add(EWS_CATEGORY_LOAD, "First");
	int64_t second_load = cat_add(EWS_CATEGORY_LOAD, "Second");
	int64_t a = meter_in(1, first_load, 0, 0, 0);
	int64_t b = meter_in(2, 0, 0, 0, 0);
	int64_t t = utc_ms(2024, 3, 30, 20, 0), end = utc_ms(2024, 4, 2, 4, 0);
	int64_t moved_at = utc_ms(2024, 3, 31, 11, 0), k = 0;
	ews_reading sweep[2];
	ews_device d;

	set_zone("Europe/Rome");
	for (; t <= end; t += 10 * MIN, k++) {
		sweep[0] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, t,
		                   1000.0 + 100.0 * (double)k);
		sweep[1] = reading(b, EWS_Q_ACTIVE_ENERGY_IMPORT, t,
		                   5000.0 + 50.0 * (double)k);
		if (t == utc_ms(2024, 3, 31, 2, 0)) /* one sweep missed */
			continue;
		add(sweep, 2);
		if (t == moved_at) {
			d = dev_get(a);
			d.load_id = second_load;
			ck_assert_int_eq(ews_site_device_update(site, &d),
			                 EWS_OK);
		}
		if (k % 97 == 0)
			reopen();
	}
	/* The missed sweep comes late (a folded day), and one more reading
	 * inside the pending day replaces a value with itself. */
	sweep[0] = reading(
	        a, EWS_Q_ACTIVE_ENERGY_IMPORT, utc_ms(2024, 3, 31, 2, 0),
	        1000.0 + 100.0 * (double)((utc_ms(2024, 3, 31, 2, 0) -
	                                   utc_ms(2024, 3, 30, 20, 0)) /
	                                  (10 * MIN)));
	add(sweep, 1);
	add(sweep, 1);
	/* Device A: every hour adds up to its counter difference, at every
	 * level; all of it moved to the second load. */
	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_DEVICE, a),
	                 (k - 1) * 100000);
	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_DEVICE, b),
	                 (k - 1) * 50000);
	ck_assert_int_eq(hours_of_march_and_april(EWS_SCOPE_SITE, 0),
	                 (k - 1) * 150000);
	assert_same_history(EWS_SCOPE_LOAD, second_load, EWS_SCOPE_DEVICE, a,
	                    2024, 3, 30, 4);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, first_load, EWS_PERIOD_YEAR, 2024, 1, 1),
	        0);
	reopen();
	ck_assert_int_eq(
	        total(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DECADE, 2024, 1, 1),
	        (k - 1) * 100000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2024, 4, 1),
	        total(EWS_SCOPE_LOAD, second_load, EWS_PERIOD_MONTH, 2024, 4,
	              1));
}
END_TEST

START_TEST(device_load_change_moves_its_history)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t garage = cat_add(EWS_CATEGORY_LOAD, "Garage");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	int64_t b = meter_in(2, kitchen, 0, 0, 0);
	ews_histogram before, after;
	ews_device d;

	hourly(a, utc_ms(2024, 5, 2, 10, 0), 3, 0, 100);
	hourly(b, utc_ms(2024, 5, 2, 10, 0), 3, 0, 1);
	before = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	d = dev_get(a);
	d.load_id = garage;
	ck_assert_msg(ews_site_device_update(site, &d) == EWS_OK, "%s",
	              ews_error_last()->message);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2),
	        3000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2),
	        300000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_YEAR, 2024, 5, 2),
	        300000);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 303000);
	after = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	assert_same_histogram(&before, &after);
	/* The load split follows. */
	assert_same_history(EWS_SCOPE_LOAD, garage, EWS_SCOPE_DEVICE, a, 2024,
	                    5, 1, 3);
	/* New samples go to the new load only, at once; the move is
	 * stored. */
	counter(a, utc_ms(2024, 5, 2, 14, 0), 350);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2),
	        350000);
	reopen();
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2),
	        350000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2),
	        3000);
	/* To "Others" (load 0). */
	d = dev_get(a);
	d.load_id = 0;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2), 0);
	ck_assert(!histogram(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2)
	                   .buckets[10]
	                   .recorded);
	ck_assert_int_eq(total(EWS_SCOPE_LOAD, load_of(EWS_ORIGIN_OTHERS),
	                       EWS_PERIOD_DAY, 2024, 5, 2),
	                 350000);
}
END_TEST

START_TEST(change_through_another_handle_routes_new_samples)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t garage = cat_add(EWS_CATEGORY_LOAD, "Garage");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	ews_site *other = NULL;
	ews_device d;

	/* This handle has read where the device goes. */
	hourly(a, utc_ms(2024, 5, 2, 10, 0), 2, 0, 100);
	ck_assert_int_eq(open_site(dir, 0, NULL, &other), EWS_OK);
	ck_assert_int_eq(ews_device_init(&d, EWS_DEVICE_VERSION), EWS_OK);
	ck_assert_int_eq(ews_site_device_get(other, a, &d), EWS_OK);
	d.load_id = garage;
	ck_assert_int_eq(ews_site_device_update(other, &d), EWS_OK);
	ews_site_close(other);
	counter(a, utc_ms(2024, 5, 2, 13, 0), 300);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, garage, EWS_PERIOD_DAY, 2024, 5, 2),
	        300000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2), 0);
}
END_TEST

START_TEST(device_groups_change_moves_its_history)
{
	int64_t g1 = cat_add(EWS_CATEGORY_GROUP, "G1");
	int64_t g2 = cat_add(EWS_CATEGORY_GROUP, "G2");
	int64_t a = meter_in(1, 0, g1, 0, 0);
	ews_device d;

	hourly(a, utc_ms(2024, 5, 2, 10, 0), 3, 0, 100);
	ck_assert_int_eq(total(EWS_SCOPE_GROUP, g1, EWS_PERIOD_DAY, 2024, 5, 2),
	                 300000);
	d = dev_get(a);
	d.group_count = 2;
	d.group_ids[0] = g2;
	d.group_ids[1] = g1;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_GROUP, g1, EWS_PERIOD_DAY, 2024, 5, 2),
	                 300000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_GROUP, g2, EWS_PERIOD_MONTH, 2024, 5, 2),
	        300000);
	d.group_count = 0;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_GROUP, g1, EWS_PERIOD_DAY, 2024, 5, 2),
	                 0);
	ck_assert_int_eq(
	        total(EWS_SCOPE_GROUP, g2, EWS_PERIOD_YEAR, 2024, 5, 2), 0);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 300000);
	/* Deleting a group takes it away from its members' scopes only. */
	d.group_count = 1;
	d.group_ids[0] = g2;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(ews_site_category_delete(site, g2), EWS_OK);
	assert_scope_gone(EWS_SCOPE_GROUP, g2);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 300000);
	ck_assert_int_eq(total(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2),
	                 300000);
	/* A group made later with the same name starts empty. */
	g2 = cat_add(EWS_CATEGORY_GROUP, "G2");
	ck_assert_int_eq(total(EWS_SCOPE_GROUP, g2, EWS_PERIOD_DAY, 2024, 5, 2),
	                 0);
}
END_TEST

START_TEST(exclude_totals_change_moves_its_history)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	int64_t b = meter_in(2, kitchen, 0, 0, 0);
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_list *split;
	ews_device d;

	hourly(a, utc_ms(2024, 5, 2, 10, 0), 3, 0, 100);
	hourly(b, utc_ms(2024, 5, 2, 10, 0), 3, 0, 1);
	d = dev_get(a);
	d.exclude_totals = 1;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 3000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DECADE, 2024, 5, 2), 3000);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(split), 1);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 3000);
	ews_list_free(split);
	/* The load still counts it. */
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 2),
	        303000);
	d.exclude_totals = 0;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 303000);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 303000);
	ews_list_free(split);
	/* An update that changes nothing of its scopes leaves them. */
	snprintf(d.name, sizeof(d.name), "Renamed");
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 303000);
	assert_same_history(EWS_SCOPE_LOAD, kitchen, EWS_SCOPE_SITE, 0, 2024, 5,
	                    1, 3);
}
END_TEST

START_TEST(device_delete_takes_its_history_out_of_every_total)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t g = cat_add(EWS_CATEGORY_GROUP, "G");
	int64_t a = meter_in(1, kitchen, g, 0, 0);
	int64_t b = meter_in(2, kitchen, g, 0, 0);
	ews_sample_query sq;
	ews_list *list;

	hourly(a, utc_ms(2024, 5, 2, 10, 0), 3, 0, 100);
	hourly(b, utc_ms(2024, 5, 2, 10, 0), 3, 0, 1);
	ck_assert_int_eq(ews_site_device_delete(site, a), EWS_OK);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 3000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_MONTH, 2024, 5, 2),
	        3000);
	ck_assert_int_eq(total(EWS_SCOPE_GROUP, g, EWS_PERIOD_YEAR, 2024, 5, 2),
	                 3000);
	assert_same_history(EWS_SCOPE_SITE, 0, EWS_SCOPE_DEVICE, b, 2024, 5, 1,
	                    3);
	assert_scope_gone(EWS_SCOPE_DEVICE, a);
	/* Its samples stay. */
	ck_assert_int_eq(ews_sample_query_init(&sq, EWS_SAMPLE_QUERY_VERSION),
	                 EWS_OK);
	sq.device_id = a;
	ck_assert_int_eq(ews_site_sample_list(site, &sq, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 4);
	ews_list_free(list);
	/* A time zone change derives everything again: still left out. */
	set_zone("Europe/Rome");
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 3000);
}
END_TEST

START_TEST(user_load_delete_moves_its_devices_to_others)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t others = load_of(EWS_ORIGIN_OTHERS);
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	int64_t b = meter_in(2, 0, 0, 0, 0);
	ews_consumption_query q =
	        query(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_list *split;

	hourly(a, utc_ms(2024, 5, 2, 10, 0), 3, 0, 100);
	hourly(b, utc_ms(2024, 5, 2, 10, 0), 3, 0, 1);
	ck_assert_int_eq(ews_site_category_delete(site, kitchen), EWS_OK);
	ck_assert_int_eq(dev_get(a).load_id, 0);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, others, EWS_PERIOD_DAY, 2024, 5, 2),
	        303000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_LOAD, others, EWS_PERIOD_YEAR, 2024, 5, 2),
	        303000);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2),
	                 303000);
	ck_assert_int_eq(
	        ews_site_consumption_split(site, &q, EWS_SCOPE_LOAD, &split),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(split), 1);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->scope_id, others);
	ck_assert_int_eq(ews_list_scope_total(split, 0)->total_milli, 303000);
	ews_list_free(split);
	assert_scope_gone(EWS_SCOPE_LOAD, kitchen);
}
END_TEST

START_TEST(time_zone_change_rebuckets_the_history)
{
	int64_t kitchen = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t a = meter_in(1, kitchen, 0, 0, 0);
	ews_reading r[25];
	ews_histogram utc, h;
	double wh = 0;
	size_t i;

	/* Interval k of May 2 (UTC) counts k + 1 Wh. */
	for (i = 0; i < 25; i++) {
		r[i] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT,
		               utc_ms(2024, 5, 2, 0, 0) + (int64_t)i * H, wh);
		wh += (double)i + 1;
	}
	add(r, 25);
	utc = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	for (i = 0; i < 24; i++)
		ck_assert_int_eq(utc.buckets[i].value_milli,
		                 (int64_t)(i + 1) * 1000);
	set_zone("Europe/Rome"); /* +2 in May */
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert(!h.buckets[0].recorded && !h.buckets[1].recorded);
	for (i = 2; i < 24; i++)
		ck_assert_int_eq(h.buckets[i].value_milli,
		                 (int64_t)(i - 1) * 1000);
	ck_assert_int_eq(h.buckets[2].start_ms, utc_ms(2024, 5, 2, 0, 0));
	h = histogram(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 3);
	ck_assert_int_eq(h.buckets[0].value_milli, 23000);
	ck_assert_int_eq(h.buckets[1].value_milli, 24000);
	ck_assert_int_eq(h.total_milli, 47000);
	ck_assert_int_eq(
	        total(EWS_SCOPE_DEVICE, a, EWS_PERIOD_MONTH, 2024, 5, 1),
	        300000);
	/* Stored: a fresh open reads the same. */
	reopen();
	h = histogram(EWS_SCOPE_LOAD, kitchen, EWS_PERIOD_DAY, 2024, 5, 3);
	ck_assert_int_eq(h.total_milli, 47000);
	/* And back. */
	set_zone("UTC");
	h = histogram(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 2);
	assert_same_histogram(&utc, &h);
	ck_assert_int_eq(total(EWS_SCOPE_SITE, 0, EWS_PERIOD_DAY, 2024, 5, 3),
	                 0);
	/* Kathmandu: every hour is split in four. */
	set_zone("Asia/Kathmandu");
	h = histogram(EWS_SCOPE_DEVICE, a, EWS_PERIOD_DAY, 2024, 5, 2);
	ck_assert_int_eq(h.buckets[6].start_ms, utc_ms(2024, 5, 2, 0, 15));
	ck_assert_int_eq(h.buckets[6].value_milli, 750 + 2000 / 4);
	ck_assert_int_eq(
	        total(EWS_SCOPE_DEVICE, a, EWS_PERIOD_YEAR, 2024, 5, 1),
	        300000);
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
	ck_assert_int_eq(ews_site_schema_version(site), 3);
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

	tc = tcase("late samples");
	tcase_add_test(tc, backfill_out_of_order_gives_the_in_order_histograms);
	tcase_add_test(tc, shuffled_batches_give_the_in_order_histograms);
	tcase_add_test(tc, duplicate_sample_changes_nothing);
	tcase_add_test(tc, same_time_new_value_replaces_and_rollups_follow);
	tcase_add_test(tc, sweep_of_many_devices_in_one_batch_is_exact);
	tcase_add_test(tc, hours_add_up_to_the_counter_difference);
	suite_add_tcase(s, tc);

	tc = tcase("scopes");
	tcase_add_test(tc, load_group_and_site_scopes);
	tcase_add_test(tc, overall_gives_electricity_gas_and_water);
	tcase_add_test(tc, device_load_change_moves_its_history);
	tcase_add_test(tc, sweeps_over_midnight_keep_every_level_exact);
	tcase_add_test(tc, change_through_another_handle_routes_new_samples);
	tcase_add_test(tc, device_groups_change_moves_its_history);
	tcase_add_test(tc, exclude_totals_change_moves_its_history);
	tcase_add_test(tc, device_delete_takes_its_history_out_of_every_total);
	tcase_add_test(tc, user_load_delete_moves_its_devices_to_others);
	tcase_add_test(tc, time_zone_change_rebuckets_the_history);
	suite_add_tcase(s, tc);

	tc = tcase("queries");
	tcase_add_test(tc, measure_histogram_gives_min_avg_max_per_bucket);
	tcase_add_test(tc, bad_queries_are_refused_with_the_field);
	tcase_add_test(tc, scope_and_period_names_are_stable);
	tcase_add_test(tc, schema_2_site_opens_as_3_with_samples_and_rollups);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
