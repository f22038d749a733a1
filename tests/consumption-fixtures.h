#ifndef EWS_TEST_CONSUMPTION_FIXTURES_H
#define EWS_TEST_CONSUMPTION_FIXTURES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>
#include <ews/store.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/*
 * Fixtures shared by the consumption tests: test-consumption.c,
 * test-consumption-history.c and test-consumption-scopes.c. Include from
 * one test file per executable only, instead of site-fixtures.h: it
 * includes that with meter_add(gw, address, name), and so defines `dir`
 * and `site`.
 *
 * Time is given as arguments: utc_ms() makes the instants, set_zone() the
 * site's time zone; readings go in with add() or counter(), histograms come
 * out of histogram() and total().
 */

enum { H = 3600000, MIN = 60000 };

/* Unix ms of a UTC time. */
static inline int64_t
utc_ms(int y, int mo, int d, int h, int mi)
{
	int64_t yy = y - (mo <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return ((days * 24 + h) * 60 + mi) * 60000;
}

static inline int
days_in(int y, int m)
{
	static const int n[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
	               ? 29
	               : n[m - 1];
}

static inline void
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

static inline void
set_zone(const char *zone)
{
	ck_assert_msg(ews_site_setting_set(site, "timezone", zone) == EWS_OK,
	              "timezone: %s", ews_error_last()->message);
}

static inline ews_reading
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

static inline void
add(const ews_reading *r, size_t n)
{
	ck_assert_msg(ews_site_samples_add(site, r, n) == EWS_OK, "add: %s",
	              ews_error_last()->message);
}

static inline void
counter(int64_t dev, int64_t t_ms, double wh)
{
	ews_reading r = reading(dev, EWS_Q_ACTIVE_ENERGY_IMPORT, t_ms, wh);

	add(&r, 1);
}

static inline void
volume(int64_t dev, int64_t t_ms, double dm3)
{
	ews_reading r = reading(dev, EWS_Q_VOLUME, t_ms, dm3);

	add(&r, 1);
}

static inline ews_consumption_query
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

static inline ews_histogram
histogram_q(const ews_consumption_query *q)
{
	ews_histogram h;

	ck_assert_msg(ews_site_consumption(site, q, &h) == EWS_OK,
	              "consumption: %s", ews_error_last()->message);
	return h;
}

static inline ews_histogram
histogram(ews_scope_kind scope, int64_t id, ews_period period, int y, int m,
          int d)
{
	ews_consumption_query q = query(scope, id, period, y, m, d);

	return histogram_q(&q);
}

/* Total of a scope over one period. */
static inline int64_t
total(ews_scope_kind scope, int64_t id, ews_period period, int y, int m, int d)
{
	return histogram(scope, id, period, y, m, d).total_milli;
}

static inline void
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
static inline void
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
static inline void
assert_scope_gone(ews_scope_kind scope, int64_t id)
{
	ews_consumption_query q = query(scope, id, EWS_PERIOD_DAY, 2024, 5, 2);
	ews_histogram h;

	ck_assert_int_eq(ews_site_consumption(site, &q, &h), EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "scope_id");
}

/* An Eastron SDM630 in a load (0: Others), groups, maybe excluded. */
static inline int64_t
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
static inline int64_t
pulse_add(const char *model, unsigned int position)
{
	ews_device d = pulse_new(model, 20, position, "F80BI");

	return dev_add(&d);
}

/* Hourly counter readings from t_ms, `n` intervals of `wh` each. */
static inline void
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

#endif /* EWS_TEST_CONSUMPTION_FIXTURES_H */
