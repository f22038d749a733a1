/*
 * Consumption rollups and histograms (CON-1, CON-2, CON-5, CON-7), on real
 * site databases, with time given as arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>
#include <ews/store.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

enum { H = 3600000 };

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

static void
set_zone(const char *zone)
{
	ck_assert_msg(ews_site_setting_set(site, "timezone", zone) == EWS_OK,
	              "timezone: %s", ews_error_last()->message);
}

static void
counter(int64_t dev, int64_t t_ms, double wh)
{
	ews_reading r;

	memset(&r, 0, sizeof(r));
	r.device_id = dev;
	r.quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
	r.t_ms = t_ms;
	r.value = wh;
	ck_assert_msg(ews_site_samples_add(site, &r, 1) == EWS_OK, "add: %s",
	              ews_error_last()->message);
}

static ews_histogram
histogram(ews_scope_kind scope, int64_t id, ews_period period, int y, int m,
          int d)
{
	ews_consumption_query q;
	ews_histogram h;

	ck_assert_int_eq(ews_consumption_query_init(
	                         &q, EWS_CONSUMPTION_QUERY_VERSION),
	                 EWS_OK);
	q.scope = scope;
	q.scope_id = id;
	q.period = period;
	q.year = y;
	q.month = (unsigned)m;
	q.day = (unsigned)d;
	ck_assert_msg(ews_site_consumption(site, &q, &h) == EWS_OK,
	              "consumption: %s", ews_error_last()->message);
	return h;
}

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

int
main(void)
{
	Suite *s = suite_create("consumption");
	TCase *tc = tcase("smoke");

	tcase_add_test(tc, hourly_counter_gives_hourly_buckets);
	tcase_add_test(tc, rome_dst_days_have_23_and_25_hours);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
