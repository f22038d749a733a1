/*
 * Consumption history stays exact, on real site databases, with time
 * given as arguments: late, repeated and replaced samples, the key
 * invariant (the hours add up to the counter difference), and the
 * re-derivation of history when a device's scopes or the site's time zone
 * change. The rules are those of docs/consumption.md; see
 * tests/test-consumption.c for the other consumption tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/consumption.h>
#include <ews/store.h>

#include "consumption-fixtures.h"

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

int
main(void)
{
	Suite *s = suite_create("consumption-history");
	TCase *tc = tcase("late samples");

	tcase_add_test(tc, backfill_out_of_order_gives_the_in_order_histograms);
	tcase_add_test(tc, shuffled_batches_give_the_in_order_histograms);
	tcase_add_test(tc, duplicate_sample_changes_nothing);
	tcase_add_test(tc, same_time_new_value_replaces_and_rollups_follow);
	tcase_add_test(tc, sweep_of_many_devices_in_one_batch_is_exact);
	tcase_add_test(tc, hours_add_up_to_the_counter_difference);
	suite_add_tcase(s, tc);

	tc = tcase("scopes");
	tcase_add_test(tc, device_load_change_moves_its_history);
	tcase_add_test(tc, sweeps_over_midnight_keep_every_level_exact);
	tcase_add_test(tc, change_through_another_handle_routes_new_samples);
	tcase_add_test(tc, device_groups_change_moves_its_history);
	tcase_add_test(tc, exclude_totals_change_moves_its_history);
	tcase_add_test(tc, device_delete_takes_its_history_out_of_every_total);
	tcase_add_test(tc, user_load_delete_moves_its_devices_to_others);
	tcase_add_test(tc, time_zone_change_rebuckets_the_history);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
