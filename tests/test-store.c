/*
 * Samples and device status events (ACQ-2, ACQ-4): libews/store.c, the
 * schema migration 1 -> 2 of libews/site.c that makes their tables, and
 * the database's information and optimization (SYS-3).
 */
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <ews/store.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"
#include "schema-fixtures.h"

enum { T0 = 1700000000 }; /* seconds; times below are T0 * 1000 + x */

static const int64_t t0 = (int64_t)T0 * 1000;

static ews_reading
reading(int64_t device, ews_quantity q, unsigned int order, int64_t t_ms,
        double value)
{
	ews_reading r;

	memset(&r, 0, sizeof(r));
	r.device_id = device;
	r.quantity = q;
	r.order = order;
	r.t_ms = t_ms;
	r.value = value;
	return r;
}

static void
add_ok(const ews_reading *r, size_t n)
{
	ck_assert_msg(ews_site_samples_add(site, r, n) == EWS_OK,
	              "samples_add: %s", ews_error_last()->message);
}

/* Every sample matching q (NULL: all); the caller frees the list. */
static ews_list *
query(const ews_sample_query *q)
{
	ews_list *list = NULL;

	ck_assert_msg(ews_site_sample_list(site, q, &list) == EWS_OK,
	              "sample_list: %s", ews_error_last()->message);
	ck_assert_ptr_nonnull(list);
	return list;
}

static size_t
sample_count(void)
{
	ews_list *list = query(NULL);
	size_t n = ews_list_len(list);

	ews_list_free(list);
	return n;
}

static void
assert_reading(const ews_reading *r, int64_t device, ews_quantity q,
               unsigned int order, int64_t t_ms, double value)
{
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->device_id, device);
	ck_assert_int_eq(r->quantity, q);
	ck_assert_uint_eq(r->order, order);
	ck_assert_int_eq(r->t_ms, t_ms);
	ck_assert_double_eq(r->value, value);
}

/* Every sample and every event, back to back, for memcmp. */
static char *
store_snapshot(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	ews_list *l;
	size_t i;

	ck_assert_ptr_nonnull(f);
	l = query(NULL);
	for (i = 0; i < ews_list_len(l); i++)
		fwrite(ews_list_reading(l, i), sizeof(ews_reading), 1, f);
	ews_list_free(l);
	ck_assert_int_eq(ews_site_event_list(site, 0, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++)
		fwrite(ews_list_event(l, i), sizeof(ews_event), 1, f);
	ews_list_free(l);
	fclose(f);
	return buf;
}

/* A refusal with this code and field that leaves the configuration, the
 * samples and the events exactly as they were. */
#define STORE_REFUSED(call, code, field)                                       \
	do {                                                                   \
		size_t slen_;                                                  \
		char *sbefore_ = store_snapshot(&slen_), *safter_;             \
		size_t slen2_;                                                 \
		REFUSED((call), (code), (field));                              \
		safter_ = store_snapshot(&slen2_);                             \
		ck_assert_msg(slen_ == slen2_ &&                               \
		                      memcmp(sbefore_, safter_, slen_) == 0,   \
		              "a refused call altered samples or events");     \
		free(sbefore_);                                                \
		free(safter_);                                                 \
	} while (0)

static ews_device_status
status_of(int64_t dev)
{
	ews_device_status s = (ews_device_status)-1;

	ck_assert_int_eq(ews_site_device_status(site, dev, &s), EWS_OK);
	return s;
}

static void
set_status(int64_t dev, ews_device_status s, const char *reason, int64_t t_ms)
{
	ck_assert_msg(ews_site_device_set_status(site, dev, s, reason, t_ms) ==
	                      EWS_OK,
	              "set_status: %s", ews_error_last()->message);
}

static ews_list *
events(int64_t from_ms, int64_t to_ms)
{
	ews_list *list = NULL;

	ck_assert_int_eq(ews_site_event_list(site, from_ms, to_ms, &list),
	                 EWS_OK);
	ck_assert_ptr_nonnull(list);
	return list;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */

START_TEST(store_status_names_are_stable)
{
	ck_assert_str_eq(ews_device_status_name(EWS_DEVICE_UNKNOWN), "unknown");
	ck_assert_str_eq(ews_device_status_name(EWS_DEVICE_ON), "on");
	ck_assert_str_eq(ews_device_status_name(EWS_DEVICE_OFF), "off");
	ck_assert_str_eq(ews_device_status_name(EWS_DEVICE_COMM_ERROR),
	                 "comm_error");
	ck_assert_str_eq(ews_device_status_name(EWS_DEVICE_STATION_FAILURE),
	                 "station_failure");
	ck_assert_ptr_null(ews_device_status_name((ews_device_status)5));
	ck_assert_ptr_null(ews_device_status_name((ews_device_status)-1));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Samples                                                             */

START_TEST(samples_are_stored_and_listed_by_device_quantity_order_time)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	ews_reading r[] = {
		reading(b, EWS_Q_ACTIVE_POWER, 0, t0 + 60000, 1500.5),
		reading(a, EWS_Q_HARMONIC_VOLTAGE_L1, 5, t0, 1.25),
		reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0 + 60000, 1001),
		reading(a, EWS_Q_HARMONIC_VOLTAGE_L1, 3, t0, 2.5),
		reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0, 1000),
		reading(b, EWS_Q_ACTIVE_POWER, 0, t0, -20.0),
	};
	ews_list *list;

	add_ok(r, sizeof(r) / sizeof(r[0]));
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 6);
	assert_reading(ews_list_reading(list, 0), a, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               0, t0, 1000);
	assert_reading(ews_list_reading(list, 1), a, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               0, t0 + 60000, 1001);
	assert_reading(ews_list_reading(list, 2), a, EWS_Q_HARMONIC_VOLTAGE_L1,
	               3, t0, 2.5);
	assert_reading(ews_list_reading(list, 3), a, EWS_Q_HARMONIC_VOLTAGE_L1,
	               5, t0, 1.25);
	assert_reading(ews_list_reading(list, 4), b, EWS_Q_ACTIVE_POWER, 0, t0,
	               -20.0);
	assert_reading(ews_list_reading(list, 5), b, EWS_Q_ACTIVE_POWER, 0,
	               t0 + 60000, 1500.5);
	ck_assert_ptr_null(ews_list_reading(list, 6));
	ck_assert_ptr_null(ews_list_event(list, 0)); /* not an event list */
	ews_list_free(list);
}
END_TEST

START_TEST(samples_keep_their_exact_values)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	double values[] = { 0.1,     -2.5, 1e300, -1e-300, 123456789.123456789,
		            4.9e-324 };
	ews_reading r[6];
	ews_list *list;
	size_t i;

	for (i = 0; i < 6; i++)
		r[i] = reading(a, EWS_Q_VOLTAGE_LN_L1, 0, t0 + (int64_t)i,
		               values[i]);
	add_ok(r, 6);
	reopen();
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 6);
	for (i = 0; i < 6; i++)
		ck_assert_msg(memcmp(&ews_list_reading(list, i)->value,
		                     &values[i], sizeof(double)) == 0,
		              "value %zu changed", i);
	ews_list_free(list);
}
END_TEST

START_TEST(samples_add_of_nothing_is_ok)
{
	meter_add(LOCAL, 1, "A");
	ck_assert_int_eq(ews_site_samples_add(site, NULL, 0), EWS_OK);
	ck_assert_uint_eq(sample_count(), 0);
	STORE_REFUSED(ews_site_samples_add(site, NULL, 3), EWS_EINVAL,
	              "readings");
}
END_TEST

START_TEST(samples_repeated_key_replaces_the_value)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r = reading(a, EWS_Q_FREQUENCY, 0, t0, 50.0);
	ews_reading twice[2] = {
		reading(a, EWS_Q_FREQUENCY, 0, t0, 49.9),
		reading(a, EWS_Q_FREQUENCY, 0, t0, 50.1),
	};
	ews_list *list;

	add_ok(&r, 1);
	r.value = 49.98;
	add_ok(&r, 1);
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 1);
	assert_reading(ews_list_reading(list, 0), a, EWS_Q_FREQUENCY, 0, t0,
	               49.98);
	ews_list_free(list);
	add_ok(twice, 2); /* the later one of a batch wins */
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 1);
	ck_assert_double_eq(ews_list_reading(list, 0)->value, 50.1);
	ews_list_free(list);
	/* Another order or time is another sample. */
	r.order = 1;
	add_ok(&r, 1);
	r.order = 0;
	r.t_ms = t0 + 1;
	add_ok(&r, 1);
	ck_assert_uint_eq(sample_count(), 3);
}
END_TEST

START_TEST(samples_bad_reading_stores_nothing_of_the_batch)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading good = reading(a, EWS_Q_ACTIVE_POWER, 0, t0, 10);
	ews_reading batch[3] = {
		reading(a, EWS_Q_ACTIVE_POWER, 0, t0 + 1000, 11),
		reading(a, EWS_Q_ACTIVE_POWER, 0, t0 + 2000, 12),
		reading(a, EWS_Q_ACTIVE_POWER, 0, t0 + 3000, 13),
	};
	ews_reading bad;

	add_ok(&good, 1);
	/* A batch whose last reading is bad: the first two are not kept,
	 * and the one stored before keeps its value. */
	batch[0].t_ms = t0;
	batch[0].value = 99;
	bad = batch[2];
	batch[2].value = NAN;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "value");
	batch[2].value = INFINITY;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "value");
	batch[2].value = -INFINITY;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "value");
	batch[2] = bad;
	batch[2].quantity = EWS_Q_NONE;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "quantity");
	batch[2].quantity = EWS_Q_COUNT_;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "quantity");
	batch[2].quantity = (ews_quantity)-7;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "quantity");
	batch[2] = bad;
	batch[2].device_id = a + 100;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "device_id");
	batch[2].device_id = 0;
	STORE_REFUSED(ews_site_samples_add(site, batch, 3), EWS_EINVAL,
	              "device_id");
	ck_assert_uint_eq(sample_count(), 1);
	batch[2] = bad;
	add_ok(batch, 3);
	ck_assert_uint_eq(sample_count(), 3);
}
END_TEST

START_TEST(samples_of_many_devices_in_one_batch)
{
	enum { DEVICES = 20, PER_DEVICE = 50 };
	ews_reading *r = calloc(DEVICES * PER_DEVICE, sizeof(*r));
	ews_sample_query q;
	int64_t ids[DEVICES];
	ews_list *list;
	size_t i, k;

	ck_assert_ptr_nonnull(r);
	for (i = 0; i < DEVICES; i++)
		ids[i] = meter_add(LOCAL, (unsigned int)i + 1, "");
	/* Interleaved, so the devices repeat out of order. */
	for (k = 0; k < PER_DEVICE; k++)
		for (i = 0; i < DEVICES; i++)
			r[k * DEVICES + i] =
			        reading(ids[i], EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
			                t0 + (int64_t)k * 60000, (double)k);
	add_ok(r, DEVICES * PER_DEVICE);
	ck_assert_uint_eq(sample_count(), DEVICES * PER_DEVICE);
	ck_assert_int_eq(ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION),
	                 EWS_OK);
	q.device_id = ids[7];
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), PER_DEVICE);
	for (k = 0; k < PER_DEVICE; k++)
		assert_reading(ews_list_reading(list, k), ids[7],
		               EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
		               t0 + (int64_t)k * 60000, (double)k);
	ews_list_free(list);
	free(r);
}
END_TEST

/* Three devices, two quantities, times t0 + 0, 1, 2, 3 minutes. */
static int64_t
populate(int64_t *a, int64_t *b)
{
	ews_reading r[16];
	size_t n = 0;
	int64_t c, m;

	*a = meter_add(LOCAL, 1, "A");
	*b = meter_add(LOCAL, 2, "B");
	c = meter_add(LOCAL, 3, "C");
	for (m = 0; m < 4; m++) {
		r[n++] = reading(*a, EWS_Q_ACTIVE_POWER, 0, t0 + m * 60000,
		                 (double)m);
		r[n++] = reading(*a, EWS_Q_VOLTAGE_LN_L1, 0, t0 + m * 60000,
		                 230 + (double)m);
		r[n++] = reading(*b, EWS_Q_ACTIVE_POWER, 0, t0 + m * 60000,
		                 100 + (double)m);
		r[n++] = reading(c, EWS_Q_VOLTAGE_LN_L1, 0, t0 + m * 60000,
		                 240 + (double)m);
	}
	add_ok(r, n);
	return c;
}

START_TEST(samples_query_filters_device_quantity_and_time)
{
	ews_sample_query q;
	ews_list *list;
	int64_t a, b, c = populate(&a, &b);
	size_t i;

	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	ck_assert_int_eq(q.device_id, 0);
	ck_assert_int_eq(q.quantity, EWS_Q_NONE);
	ck_assert_int_eq(q.from_ms, 0);
	ck_assert_int_eq(q.to_ms, 0);
	ck_assert_uint_eq(q.limit, 0);
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 16);
	ews_list_free(list);

	q.device_id = a;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 8);
	ews_list_free(list);

	q.quantity = EWS_Q_VOLTAGE_LN_L1;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 4);
	for (i = 0; i < 4; i++)
		assert_reading(ews_list_reading(list, i), a,
		               EWS_Q_VOLTAGE_LN_L1, 0, t0 + (int64_t)i * 60000,
		               230 + (double)i);
	ews_list_free(list);

	/* Every device, one quantity. */
	q.device_id = 0;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 8);
	ck_assert_int_eq(ews_list_reading(list, 0)->device_id, a);
	ck_assert_int_eq(ews_list_reading(list, 4)->device_id, c);
	ews_list_free(list);

	/* from is inclusive, to exclusive. */
	q.quantity = EWS_Q_NONE;
	q.device_id = b;
	q.from_ms = t0 + 60000;
	q.to_ms = t0 + 180000;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 2);
	assert_reading(ews_list_reading(list, 0), b, EWS_Q_ACTIVE_POWER, 0,
	               t0 + 60000, 101);
	assert_reading(ews_list_reading(list, 1), b, EWS_Q_ACTIVE_POWER, 0,
	               t0 + 120000, 102);
	ews_list_free(list);

	/* Only a lower bound; then only an upper one. */
	q.device_id = 0;
	q.from_ms = t0 + 180000;
	q.to_ms = 0;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 4);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(ews_list_reading(list, i)->t_ms, t0 + 180000);
	ews_list_free(list);
	q.from_ms = 0;
	q.to_ms = t0 + 1;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 4);
	ews_list_free(list);

	/* Nothing matches: an empty list, not an error. */
	q.to_ms = t0;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 0);
	ews_list_free(list);
	q.to_ms = 0;
	q.device_id = 999;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 0);
	ews_list_free(list);
	q.device_id = a;
	q.quantity = EWS_Q_FREQUENCY;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 0);
	ews_list_free(list);
}
END_TEST

START_TEST(samples_query_limit_takes_the_first_in_order)
{
	ews_sample_query q;
	ews_list *list;
	int64_t a, b;

	populate(&a, &b);
	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	q.limit = 5;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 5);
	assert_reading(ews_list_reading(list, 0), a, EWS_Q_ACTIVE_POWER, 0, t0,
	               0);
	assert_reading(ews_list_reading(list, 3), a, EWS_Q_ACTIVE_POWER, 0,
	               t0 + 180000, 3);
	assert_reading(ews_list_reading(list, 4), a, EWS_Q_VOLTAGE_LN_L1, 0, t0,
	               230);
	ews_list_free(list);
	q.device_id = b;
	q.from_ms = t0 + 60000;
	q.limit = 1;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 1);
	assert_reading(ews_list_reading(list, 0), b, EWS_Q_ACTIVE_POWER, 0,
	               t0 + 60000, 101);
	ews_list_free(list);
	q.limit = 1000;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 3);
	ews_list_free(list);
}
END_TEST

START_TEST(samples_query_refuses_bad_version_and_quantity)
{
	static const unsigned int versions[] = { 0, 2, 99 };
	ews_sample_query q;
	ews_list *list = (ews_list *)&list;
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ews_sample_query_init(&q, versions[i]),
		                 EWS_EINVAL);
		assert_error(EWS_EINVAL, "version");
		ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
		q.version = versions[i];
		ck_assert_int_eq(ews_site_sample_list(site, &q, &list),
		                 EWS_EINVAL);
		assert_error(EWS_EINVAL, "version");
		ck_assert_ptr_null(list);
		list = (ews_list *)&list;
	}
	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	q.quantity = EWS_Q_COUNT_;
	ck_assert_int_eq(ews_site_sample_list(site, &q, &list), EWS_EINVAL);
	assert_error(EWS_EINVAL, "quantity");
	ck_assert_ptr_null(list);
}
END_TEST

START_TEST(samples_survive_the_delete_of_their_device)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	ews_reading r[] = {
		reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0, 5),
		reading(b, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0, 6),
	};
	ews_sample_query q;
	ews_list *list;

	add_ok(r, 2);
	set_status(a, EWS_DEVICE_ON, "answered", t0);
	ck_assert_int_eq(ews_site_device_delete(site, a), EWS_OK);
	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	q.device_id = a;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 1);
	assert_reading(ews_list_reading(list, 0), a, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               0, t0, 5);
	ews_list_free(list);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 1);
	ck_assert_int_eq(ews_list_event(list, 0)->device_id, a);
	ews_list_free(list);
	/* New samples of the deleted device are refused. */
	r[0].t_ms += 60000;
	STORE_REFUSED(ews_site_samples_add(site, r, 1), EWS_EINVAL,
	              "device_id");
	/* A new device does not inherit the old id or its samples. */
	ck_assert_int_ne(meter_add(LOCAL, 1, "A again"), a);
	ck_assert_uint_eq(sample_count(), 2);
}
END_TEST

START_TEST(samples_persist_across_reopen)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r = reading(a, EWS_Q_TEMPERATURE, 0, t0, 21.5);
	ews_list *list;

	add_ok(&r, 1);
	set_status(a, EWS_DEVICE_COMM_ERROR, "timeout after 1000 ms", t0);
	reopen();
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 1);
	assert_reading(ews_list_reading(list, 0), a, EWS_Q_TEMPERATURE, 0, t0,
	               21.5);
	ews_list_free(list);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_COMM_ERROR);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 1);
	ews_list_free(list);
}
END_TEST

/* A handle keeps the tail of every series between sweeps; a sweep stored
 * through another handle (another process) in between is never lost, and
 * neither is a failed sweep's: the cache goes with the database. */
START_TEST(samples_from_two_handles_interleave_without_loss)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_site *other = NULL;
	ews_reading r, bad;
	ews_list *list;
	int k;

	ck_assert_int_eq(open_site(dir, 0, NULL, &other), EWS_OK);
	for (k = 0; k < 200; k++) {
		r = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
		            t0 + (int64_t)k * 600000, 1000.0 + k);
		ck_assert_msg(ews_site_samples_add(k % 3 ? site : other, &r,
		                                   1) == EWS_OK,
		              "sweep %d: %s", k, ews_error_last()->message);
		if (k % 50 == 7) { /* refused whole: device 999 is unknown */
			bad = reading(999, EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
			              t0 + (int64_t)k * 600000, 1.0);
			ck_assert_int_eq(
			        ews_site_samples_add(
			                site, (ews_reading[]){ r, bad }, 2),
			        EWS_EINVAL);
		}
	}
	ews_site_close(other);
	reopen();
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 200);
	for (k = 0; k < 200; k++)
		assert_reading(ews_list_reading(list, (size_t)k), a,
		               EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
		               t0 + (int64_t)k * 600000, 1000.0 + k);
	ews_list_free(list);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Status                                                              */

START_TEST(status_of_a_new_device_is_unknown)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_device_status s = EWS_DEVICE_ON;

	ck_assert_int_eq(status_of(a), EWS_DEVICE_UNKNOWN);
	ck_assert_int_eq(ews_site_device_status(site, a + 1, &s),
	                 EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "device");
}
END_TEST

START_TEST(status_is_off_while_the_device_or_its_gateway_is_off)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 1, "A"), b = meter_add(LOCAL, 1, "B");
	ews_list *list;

	set_status(a, EWS_DEVICE_ON, "", t0);
	set_status(b, EWS_DEVICE_COMM_ERROR, "timeout", t0);
	ck_assert_int_eq(ews_site_device_set_enabled(site, a, 0), EWS_OK);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_OFF);
	ck_assert_int_eq(status_of(b), EWS_DEVICE_COMM_ERROR);
	ck_assert_int_eq(ews_site_device_set_enabled(site, a, 1), EWS_OK);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_ON);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 0), EWS_OK);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_OFF);
	/* OFF is derived: switching writes no event and keeps the stored
	 * status, which a status change while OFF still updates. */
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 2);
	ews_list_free(list);
	set_status(a, EWS_DEVICE_COMM_ERROR, "timeout", t0 + 1000);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_OFF);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 1), EWS_OK);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_COMM_ERROR);
	/* The Local gateway too. */
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, LOCAL, 0), EWS_OK);
	ck_assert_int_eq(status_of(b), EWS_DEVICE_OFF);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_COMM_ERROR);
}
END_TEST

START_TEST(status_survives_an_update_of_the_device)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_device d;

	set_status(a, EWS_DEVICE_ON, "", t0);
	d = dev_get(a);
	snprintf(d.name, sizeof(d.name), "Renamed");
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_ON);
}
END_TEST

START_TEST(status_change_records_one_event_same_status_none)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 4, "A");
	const ews_event *e;
	ews_list *list;

	set_status(a, EWS_DEVICE_ON, "answered", t0);
	set_status(a, EWS_DEVICE_ON, "answered again", t0 + 1000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "timeout after 1000 ms",
	           t0 + 2000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "timeout after 1000 ms",
	           t0 + 3000);
	set_status(a, EWS_DEVICE_ON, NULL, t0 + 4000);
	ck_assert_int_eq(status_of(a), EWS_DEVICE_ON);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 3);
	e = ews_list_event(list, 0);
	ck_assert_int_gt(e->id, 0);
	ck_assert_int_eq(e->t_ms, t0);
	ck_assert_int_eq(e->device_id, a);
	ck_assert_int_eq(e->gateway_id, gw);
	ck_assert_int_eq(e->old_status, EWS_DEVICE_UNKNOWN);
	ck_assert_int_eq(e->new_status, EWS_DEVICE_ON);
	ck_assert_str_eq(e->reason, "answered");
	e = ews_list_event(list, 1);
	ck_assert_int_eq(e->t_ms, t0 + 2000);
	ck_assert_int_eq(e->old_status, EWS_DEVICE_ON);
	ck_assert_int_eq(e->new_status, EWS_DEVICE_COMM_ERROR);
	ck_assert_str_eq(e->reason, "timeout after 1000 ms");
	e = ews_list_event(list, 2);
	ck_assert_int_eq(e->t_ms, t0 + 4000);
	ck_assert_int_eq(e->old_status, EWS_DEVICE_COMM_ERROR);
	ck_assert_int_eq(e->new_status, EWS_DEVICE_ON);
	ck_assert_str_eq(e->reason, "");
	ck_assert_int_gt(ews_list_event(list, 1)->id,
	                 ews_list_event(list, 0)->id);
	ck_assert_ptr_null(ews_list_event(list, 3));
	ck_assert_ptr_null(ews_list_reading(list, 0)); /* not a reading list */
	ews_list_free(list);
}
END_TEST

START_TEST(status_set_refuses_bad_status_reason_and_device)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	char longer[EWS_TEXT_MAX + 1];

	set_status(a, EWS_DEVICE_ON, "", t0);
	STORE_REFUSED(ews_site_device_set_status(site, a, (ews_device_status)5,
	                                         "", t0 + 1),
	              EWS_EINVAL, "status");
	STORE_REFUSED(ews_site_device_set_status(site, a, (ews_device_status)-1,
	                                         "", t0 + 1),
	              EWS_EINVAL, "status");
	memset(longer, 'x', EWS_TEXT_MAX);
	longer[EWS_TEXT_MAX] = '\0';
	STORE_REFUSED(ews_site_device_set_status(site, a, EWS_DEVICE_COMM_ERROR,
	                                         longer, t0 + 1),
	              EWS_EINVAL, "reason");
	STORE_REFUSED(ews_site_device_set_status(site, a, EWS_DEVICE_COMM_ERROR,
	                                         "line\nbreak", t0 + 1),
	              EWS_EINVAL, "reason");
	STORE_REFUSED(ews_site_device_set_status(site, a, EWS_DEVICE_COMM_ERROR,
	                                         "bad \xff utf-8", t0 + 1),
	              EWS_EINVAL, "reason");
	STORE_REFUSED(ews_site_device_set_status(
	                      site, a + 1, EWS_DEVICE_COMM_ERROR, "x", t0 + 1),
	              EWS_ENOTFOUND, "device");
	ck_assert_int_eq(status_of(a), EWS_DEVICE_ON);
	/* The longest reason that fits is kept whole. */
	longer[EWS_TEXT_MAX - 1] = '\0';
	set_status(a, EWS_DEVICE_STATION_FAILURE, longer, t0 + 2);
	{
		ews_list *list = events(t0 + 2, 0);

		ck_assert_uint_eq(ews_list_len(list), 1);
		ck_assert_str_eq(ews_list_event(list, 0)->reason, longer);
		ews_list_free(list);
	}
}
END_TEST

START_TEST(events_are_listed_oldest_first_within_bounds)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	ews_list *list;
	size_t i;

	/* Recorded out of time order; two at the same time. */
	set_status(a, EWS_DEVICE_ON, "a1", t0 + 5000);
	set_status(b, EWS_DEVICE_ON, "b1", t0 + 1000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "a2", t0 + 3000);
	set_status(b, EWS_DEVICE_COMM_ERROR, "b2", t0 + 3000);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 4);
	ck_assert_str_eq(ews_list_event(list, 0)->reason, "b1");
	ck_assert_str_eq(ews_list_event(list, 1)->reason, "a2");
	ck_assert_str_eq(ews_list_event(list, 2)->reason, "b2");
	ck_assert_str_eq(ews_list_event(list, 3)->reason, "a1");
	for (i = 1; i < 4; i++)
		ck_assert_int_le(ews_list_event(list, i - 1)->t_ms,
		                 ews_list_event(list, i)->t_ms);
	ews_list_free(list);
	/* from inclusive, to exclusive, 0 unbounded. */
	list = events(t0 + 3000, t0 + 5000);
	ck_assert_uint_eq(ews_list_len(list), 2);
	ck_assert_str_eq(ews_list_event(list, 0)->reason, "a2");
	ck_assert_str_eq(ews_list_event(list, 1)->reason, "b2");
	ews_list_free(list);
	list = events(t0 + 3001, 0);
	ck_assert_uint_eq(ews_list_len(list), 1);
	ck_assert_str_eq(ews_list_event(list, 0)->reason, "a1");
	ews_list_free(list);
	list = events(0, t0 + 1000);
	ck_assert_uint_eq(ews_list_len(list), 0);
	ews_list_free(list);
}
END_TEST

/* Every event of a query, its list checked and freed: ids into out. */
static size_t
query_ids(const ews_event_query *q, int64_t *out, size_t max)
{
	ews_list *list = NULL;
	size_t i, n;

	ck_assert_msg(ews_site_event_query(site, q, &list) == EWS_OK,
	              "event query: %s", ews_error_last()->message);
	n = ews_list_len(list);
	ck_assert_uint_le(n, max);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_eq(&ews_list_event_entry(list, i)->event,
		                 ews_list_event(list, i));
		out[i] = ews_list_event(list, i)->id;
	}
	ews_list_free(list);
	return n;
}

START_TEST(events_carry_the_names_of_device_and_gateway)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 4, "Boiler"), b = meter_add(LOCAL, 7, "B");
	const ews_event_entry *en;
	ews_device d;
	ews_list *list;

	set_status(a, EWS_DEVICE_ON, "", t0);
	set_status(b, EWS_DEVICE_ON, "", t0 + 1);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 2);
	en = ews_list_event_entry(list, 0);
	ck_assert_uint_eq(en->version, EWS_EVENT_ENTRY_VERSION);
	ck_assert_int_eq(en->event.device_id, a);
	ck_assert_int_eq(en->event.gateway_id, gw);
	ck_assert_str_eq(en->device_name, "Boiler");
	ck_assert_uint_eq(en->device_address, 4);
	ck_assert_str_eq(en->gateway_name, "GW");
	en = ews_list_event_entry(list, 1);
	ck_assert_str_eq(en->device_name, "B");
	ck_assert_uint_eq(en->device_address, 7);
	ck_assert_str_eq(en->gateway_name, "Local");
	ck_assert_ptr_null(ews_list_event_entry(list, 2));
	ck_assert_ptr_null(ews_list_event_entry(NULL, 0));
	ews_list_free(list);
	/* The names are those of now. */
	d = dev_get(a);
	snprintf(d.name, sizeof(d.name), "Boiler room");
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	list = events(0, t0 + 1);
	ck_assert_str_eq(ews_list_event_entry(list, 0)->device_name,
	                 "Boiler room");
	ews_list_free(list);
	/* Events outlive their device and gateway: no names then. */
	ck_assert_int_eq(ews_site_device_delete(site, a), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_delete(site, gw), EWS_OK);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 2);
	en = ews_list_event_entry(list, 0);
	ck_assert_int_eq(en->event.device_id, a);
	ck_assert_int_eq(en->event.gateway_id, gw);
	ck_assert_str_eq(en->device_name, "");
	ck_assert_uint_eq(en->device_address, 0);
	ck_assert_str_eq(en->gateway_name, "");
	ck_assert_str_eq(ews_list_event_entry(list, 1)->device_name, "B");
	ews_list_free(list);
}
END_TEST

START_TEST(event_query_filters_device_status_and_time)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	int64_t ids[16], all[16];
	ews_event_query q;

	set_status(a, EWS_DEVICE_ON, "a1", t0 + 1000);
	set_status(b, EWS_DEVICE_ON, "b1", t0 + 1000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "a2", t0 + 2000);
	set_status(b, EWS_DEVICE_STATION_FAILURE, "b2", t0 + 3000);
	set_status(a, EWS_DEVICE_ON, "a3", t0 + 4000);
	ck_assert_int_eq(ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION),
	                 EWS_OK);
	ck_assert_uint_eq(query_ids(&q, all, 16), 5);
	ck_assert_uint_eq(query_ids(NULL, ids, 16), 5);
	ck_assert_mem_eq(ids, all, 5 * sizeof(*ids));

	q.device_id = a;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 3);
	ck_assert_int_eq(ids[0], all[0]);
	ck_assert_int_eq(ids[1], all[2]);
	ck_assert_int_eq(ids[2], all[4]);
	q.device_id = b + 100; /* no such device: no events */
	ck_assert_uint_eq(query_ids(&q, ids, 16), 0);
	q.device_id = 0;

	q.statuses = 1u << EWS_DEVICE_COMM_ERROR;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 1);
	ck_assert_int_eq(ids[0], all[2]);
	q.statuses |= 1u << EWS_DEVICE_STATION_FAILURE;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 2);
	q.device_id = b;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 1);
	ck_assert_int_eq(ids[0], all[3]);
	q.statuses = 1u << EWS_DEVICE_OFF;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 0);
	q.statuses = 0;
	q.device_id = 0;

	q.from_ms = t0 + 2000;
	q.to_ms = t0 + 4000;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 2);
	ck_assert_int_eq(ids[0], all[2]);
	ck_assert_int_eq(ids[1], all[3]);
	q.newest_first = 1;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 2);
	ck_assert_int_eq(ids[0], all[3]);
	ck_assert_int_eq(ids[1], all[2]);

	/* Each device's latest event, of those that match. */
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.latest = 1;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 2);
	ck_assert_int_eq(ids[0], all[3]); /* b2 */
	ck_assert_int_eq(ids[1], all[4]); /* a3 */
	q.to_ms = t0 + 3000;
	q.newest_first = 1;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 2);
	ck_assert_int_eq(ids[0], all[2]); /* a2 */
	ck_assert_int_eq(ids[1], all[1]); /* b1 */
	q.statuses = 1u << EWS_DEVICE_ON;
	q.limit = 1;
	ck_assert_uint_eq(query_ids(&q, ids, 16), 1);
	ck_assert_int_eq(ids[0], all[1]); /* b1: recorded after a1 */
}
END_TEST

START_TEST(event_query_pages_with_a_cursor_in_either_order)
{
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(LOCAL, 2, "B");
	int64_t all[16], page[16], seen[16];
	ews_event_query q;
	size_t n, total = 0, i;
	int desc;

	/* Recorded out of time order, three at the same time: the log's
	 * order is (t_ms, id), which a cursor follows. */
	set_status(a, EWS_DEVICE_ON, "", t0 + 5000);
	set_status(b, EWS_DEVICE_ON, "", t0 + 1000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "", t0 + 3000);
	set_status(b, EWS_DEVICE_COMM_ERROR, "", t0 + 3000);
	set_status(a, EWS_DEVICE_ON, "", t0 + 3000);
	set_status(b, EWS_DEVICE_ON, "", t0 + 9000);
	set_status(a, EWS_DEVICE_COMM_ERROR, "", t0 + 2000);
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	ck_assert_uint_eq(query_ids(&q, all, 16), 7);
	for (desc = 0; desc < 2; desc++) {
		ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
		q.newest_first = desc;
		q.limit = 2;
		total = 0;
		do {
			n = query_ids(&q, page, 16);
			ck_assert_uint_le(n, 2);
			memcpy(seen + total, page, n * sizeof(*page));
			total += n;
			if (n) {
				if (desc)
					q.before_id = page[n - 1];
				else
					q.after_id = page[n - 1];
			}
		} while (n == 2);
		ck_assert_uint_eq(total, 7);
		for (i = 0; i < 7; i++)
			ck_assert_int_eq(seen[i], all[desc ? 6 - i : i]);
	}
	/* Both cursors: the events between them; with the filters. */
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.after_id = all[1];
	q.before_id = all[5];
	ck_assert_uint_eq(query_ids(&q, page, 16), 3);
	ck_assert_mem_eq(page, all + 2, 3 * sizeof(*page));
	q.device_id = b;
	ck_assert_uint_eq(query_ids(&q, page, 16), 1);
	q.after_id = all[6];
	q.before_id = 0;
	ck_assert_uint_eq(query_ids(&q, page, 16), 0);
}
END_TEST

START_TEST(event_query_refuses_bad_versions_statuses_ids_and_cursors)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_event_query q;
	ews_list *list = (ews_list *)&q; /* set to NULL on failure */

	set_status(a, EWS_DEVICE_ON, "", t0);
	ck_assert_int_eq(ews_event_query_init(&q, 0), EWS_EINVAL);
	ck_assert_int_eq(ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION + 1),
	                 EWS_EINVAL);
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.version = EWS_EVENT_QUERY_VERSION + 1;
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_EINVAL,
	              "version");
	ck_assert_ptr_null(list);
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.statuses = 1u << (EWS_DEVICE_STATION_FAILURE + 1);
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_EINVAL,
	              "statuses");
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.device_id = -1;
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_EINVAL,
	              "device_id");
	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.before_id = -1;
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_EINVAL,
	              "before_id");
	q.before_id = 999;
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_ENOTFOUND,
	              "before_id");
	q.before_id = 0;
	q.after_id = 999;
	STORE_REFUSED(ews_site_event_query(site, &q, &list), EWS_ENOTFOUND,
	              "after_id");
	ck_assert_ptr_null(list);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Migration                                                           */

/* A site of schema 1, as the previous release left it, in dir/name. */
static char *
site_v1(const char *name)
{
	char *sub = malloc(strlen(dir) + strlen(name) + 2), *db;
	sqlite3 *h;

	ck_assert_ptr_nonnull(sub);
	sprintf(sub, "%s/%s", dir, name);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	db = malloc(strlen(sub) + sizeof("/site.db"));
	ck_assert_ptr_nonnull(db);
	sprintf(db, "%s/site.db", sub);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(h,
	                           "PRAGMA journal_mode = WAL;"
	                           "PRAGMA foreign_keys = ON;",
	                           NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(h));
	ck_assert_msg(sqlite3_exec(h, schema_v1, NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(h));
	ck_assert_msg(sqlite3_exec(h,
	                           "INSERT INTO setting (name, value) VALUES"
	                           "  ('currency', 'CHF');"
	                           "INSERT INTO device (gateway_id, model,"
	                           "  name, address, enabled) VALUES"
	                           "  (1, 'eastron_sdm630', 'Old meter', 5, 1),"
	                           "  (1, 'eastron_sdm630', 'Off meter', 6, 0);"
	                           "PRAGMA application_id = 1163350833;"
	                           "PRAGMA user_version = 1;",
	                           NULL, NULL, NULL) == SQLITE_OK,
	              "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
	free(db);
	return sub;
}

START_TEST(migration_from_schema_1_keeps_devices_and_adds_the_store)
{
	char *sub = site_v1("v1");
	ews_reading r;
	ews_device d;
	ews_list *list;
	ews_site *old = site;

	ck_assert_int_eq(0x45575331, 1163350833);
	site = NULL;
	ck_assert_msg(open_site(sub, 0, NULL, &site) == EWS_OK, "open v1: %s",
	              ews_error_last()->message);
	ck_assert_int_eq(ews_site_schema_version(site), 7);
	d = dev_get(1);
	ck_assert_str_eq(d.name, "Old meter");
	ck_assert_uint_eq(d.address, 5);
	ck_assert_int_eq(d.gateway_id, LOCAL);
	assert_setting("currency", "CHF");
	ck_assert_int_eq(status_of(1), EWS_DEVICE_UNKNOWN);
	ck_assert_int_eq(status_of(2), EWS_DEVICE_OFF);
	r = reading(1, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0, 42);
	add_ok(&r, 1);
	set_status(1, EWS_DEVICE_ON, "answered", t0);
	/* Migrated once: the next open finds schema 2 and the data. */
	ews_site_close(site);
	site = NULL;
	ck_assert_int_eq(open_site(sub, 0, NULL, &site), EWS_OK);
	ck_assert_int_eq(ews_site_schema_version(site), 7);
	list = query(NULL);
	ck_assert_uint_eq(ews_list_len(list), 1);
	assert_reading(ews_list_reading(list, 0), 1, EWS_Q_ACTIVE_ENERGY_IMPORT,
	               0, t0, 42);
	ews_list_free(list);
	ck_assert_int_eq(status_of(1), EWS_DEVICE_ON);
	list = events(0, 0);
	ck_assert_uint_eq(ews_list_len(list), 1);
	ews_list_free(list);
	/* New devices get new ids after the old ones. */
	ck_assert_int_gt(meter_add(LOCAL, 7, "New"), 2);
	ews_site_close(site);
	site = old;
	free(sub);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The database (SYS-3)                                                */

/* A connection of its own to the fixture's site.db: another process. */
static sqlite3 *
raw_open(void)
{
	char path[4096];
	sqlite3 *db = NULL;

	snprintf(path, sizeof(path), "%s/site.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	sqlite3_free(err);
}

/* A table `junk` of about `mib` MiB; dropped, its pages are unused.
 * Indexed, as the site's tables are: ANALYZE samples it, it does not
 * count it. */
static void
junk(unsigned int mib, int drop)
{
	sqlite3 *db = raw_open();
	char sql[256];

	raw_exec(db, "CREATE TABLE junk (k INTEGER, v BLOB);"
	             "CREATE INDEX junk_by_k ON junk (k)");
	snprintf(sql, sizeof(sql),
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
	         " FROM n WHERE i < %u) INSERT INTO junk"
	         " SELECT i, randomblob(1000) FROM n",
	         mib * 1024);
	raw_exec(db, sql);
	if (drop)
		raw_exec(db, "DROP TABLE junk");
	sqlite3_close(db);
}

static ews_site_info
info_now(void)
{
	ews_site_info info = { .version = EWS_SITE_INFO_VERSION };

	ck_assert_msg(ews_site_info_get(site, 0, &info) == EWS_OK, "info: %s",
	              ews_error_last()->message);
	return info;
}

/* Some samples and events, for the data to outlive an optimization. */
static void
some_data(void)
{
	int64_t a = meter_add(LOCAL, 1, "A");
	ews_reading r[48];

	for (size_t k = 0; k < 48; k++)
		r[k] = reading(a, EWS_Q_ACTIVE_ENERGY_IMPORT, 0,
		               t0 + (int64_t)k * 600000, 1000.0 + (double)k);
	add_ok(r, 48);
	set_status(a, EWS_DEVICE_ON, "answered", t0);
}

static double
seconds_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) +
	       (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

START_TEST(info_counts_unused_pages_and_advises_optimizing)
{
	ews_site_info info = info_now();

	ck_assert_uint_eq(info.version, EWS_SITE_INFO_VERSION);
	ck_assert_int_gt(info.db_bytes, 0);
	ck_assert_int_gt(info.free_bytes, 0);
	ck_assert_int_ge(info.unused_bytes, 0);
	ck_assert_int_lt(info.unused_bytes, 1 << 20);
	ck_assert_int_eq(info.optimize_advised, 0);
	ck_assert_str_eq(info.health, "not checked");
	junk(8, 1);
	info = info_now();
	ck_assert_int_ge(info.unused_bytes, 8 << 20);
	ck_assert_int_eq(info.optimize_advised, 1);
}
END_TEST

/* A version-1 caller's struct ends at `health`: nothing is written past
 * it. */
START_TEST(info_writes_only_the_fields_of_the_callers_version)
{
	union {
		ews_site_info info;
		unsigned char bytes[sizeof(ews_site_info)];
	} u;
	size_t v1 = offsetof(ews_site_info, health) + EWS_TEXT_MAX;

	memset(&u, 0xA5, sizeof(u));
	u.info.version = 1;
	ck_assert_int_eq(ews_site_info_get(site, 1, &u.info), EWS_OK);
	ck_assert_uint_eq(u.info.version, 1);
	ck_assert_int_gt(u.info.db_bytes, 0);
	ck_assert_str_eq(u.info.health, "ok");
	for (size_t i = v1; i < sizeof(u); i++)
		ck_assert_msg(u.bytes[i] == 0xA5, "byte %zu written", i);
	u.info.version = EWS_SITE_INFO_VERSION + 1;
	ck_assert_int_eq(ews_site_info_get(site, 0, &u.info), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
}
END_TEST

START_TEST(optimize_gives_unused_pages_back_and_keeps_the_data)
{
	ews_optimize_result r = { .version = EWS_OPTIMIZE_RESULT_VERSION };
	size_t len, len2;
	char *before, *after;
	ews_site_info info;
	ews_reading more;

	some_data();
	junk(8, 1);
	before = store_snapshot(&len);
	ck_assert_msg(ews_site_optimize(site, NULL, &r) == EWS_OK,
	              "optimize: %s", ews_error_last()->message);
	ck_assert_int_ge(r.unused_bytes_before, 8 << 20);
	ck_assert_int_eq(r.unused_bytes_after, 0);
	ck_assert_int_ge(r.db_bytes_before + r.wal_bytes_before,
	                 r.db_bytes_after + (8 << 20));
	ck_assert_int_gt(r.db_bytes_after, 0);
	ck_assert_int_eq(r.wal_bytes_after, 0); /* truncated */
	info = info_now();
	ck_assert_int_eq(info.db_bytes, r.db_bytes_after);
	ck_assert_int_eq(info.optimize_advised, 0);
	after = store_snapshot(&len2);
	ck_assert(len == len2 && memcmp(before, after, len) == 0);
	free(after);
	/* The handle goes on as before, and so does a reopened one. */
	more = reading(1, EWS_Q_ACTIVE_ENERGY_IMPORT, 0, t0 + 48 * 600000,
	               1048.0);
	add_ok(&more, 1);
	ck_assert_uint_eq(sample_count(), 49);
	reopen();
	ck_assert_uint_eq(sample_count(), 49);
	ck_assert_int_eq(ews_site_info_get(site, 1, &info), EWS_OK);
	ck_assert_str_eq(info.health, "ok");
	free(before);
}
END_TEST

/* Another handle in a write transaction: refused after wait_ms, not
 * blocked for long, nothing changed; then done once it has committed. */
START_TEST(optimize_is_refused_while_another_handle_writes)
{
	ews_optimize_result r = { .version = EWS_OPTIMIZE_RESULT_VERSION };
	ews_optimize_opts o;
	struct timespec start;
	sqlite3 *other;
	size_t len, len2;
	char *before, *after;

	some_data();
	junk(2, 1);
	before = store_snapshot(&len);
	other = raw_open();
	raw_exec(other, "BEGIN IMMEDIATE; UPDATE setting SET value = value");
	ck_assert_int_eq(ews_optimize_opts_init(&o, EWS_OPTIMIZE_OPTS_VERSION),
	                 EWS_OK);
	o.wait_ms = 100;
	clock_gettime(CLOCK_MONOTONIC, &start);
	ck_assert_int_eq(ews_site_optimize(site, &o, &r), EWS_EBUSY);
	ck_assert_double_lt(seconds_since(&start), 2.0);
	ck_assert_int_eq(ews_error_last()->code, EWS_EBUSY);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "try again"));
	ck_assert_int_ge(r.unused_bytes_before, 2 << 20);
	ck_assert_int_eq(r.unused_bytes_after, r.unused_bytes_before);
	raw_exec(other, "COMMIT");
	sqlite3_close(other);
	after = store_snapshot(&len2);
	ck_assert(len == len2 && memcmp(before, after, len) == 0);
	free(after);
	ck_assert_int_eq(ews_site_optimize(site, &o, &r), EWS_OK);
	ck_assert_int_eq(r.unused_bytes_after, 0);
	free(before);
}
END_TEST

/* VACUUM holds every writer: beyond max_lock_ms it is rolled back. */
START_TEST(optimize_gives_up_when_it_would_hold_the_database_too_long)
{
	ews_optimize_result r = { .version = EWS_OPTIMIZE_RESULT_VERSION };
	ews_optimize_opts o;
	size_t len, len2;
	char *before, *after;
	sqlite3 *raw;
	sqlite3_stmt *st;

	some_data();
	junk(32, 0); /* kept: a VACUUM of a few tens of ms at least */
	raw = raw_open();
	raw_exec(raw, "CREATE TABLE junk2 (k INTEGER PRIMARY KEY, v BLOB);"
	              "INSERT INTO junk2 SELECT k, v FROM junk LIMIT 2048;"
	              "DROP TABLE junk2");
	sqlite3_close(raw);
	before = store_snapshot(&len);
	ck_assert_int_eq(ews_optimize_opts_init(&o, EWS_OPTIMIZE_OPTS_VERSION),
	                 EWS_OK);
	o.max_lock_ms = 150; /* ANALYZE: a few ms; VACUUM: over 50 */
	ck_assert_int_eq(ews_site_optimize(site, &o, &r), EWS_ELIMIT);
	assert_error(EWS_ELIMIT, "max_lock_ms");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "VACUUM"));
	/* not vacuumed (ANALYZE may have taken a page for its table) */
	ck_assert_int_ge(r.unused_bytes_before, 2 << 20);
	ck_assert_int_ge(r.unused_bytes_after, 2 << 20);
	after = store_snapshot(&len2);
	ck_assert(len == len2 && memcmp(before, after, len) == 0);
	free(after);
	free(before);
	raw = raw_open();
	ck_assert_int_eq(sqlite3_prepare_v2(raw, "SELECT count(*) FROM junk",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 32 * 1024);
	sqlite3_finalize(st);
	sqlite3_close(raw);
	/* No limit: done. */
	o.max_lock_ms = 0;
	ck_assert_msg(ews_site_optimize(site, &o, &r) == EWS_OK, "%s",
	              ews_error_last()->message);
	ck_assert_int_eq(r.unused_bytes_after, 0);
}
END_TEST

struct writer {
	const char *dir;
	int64_t device;
	int n;
	ews_status st;
	char message[256];
};

/* Another handle records one sample at a time meanwhile. */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	ews_site *other = NULL;

	if ((w->st = open_site(w->dir, 0, NULL, &other)) != EWS_OK)
		goto out;
	for (int k = 0; k < w->n && w->st == EWS_OK; k++) {
		ews_reading r = reading(w->device, EWS_Q_VOLTAGE_LN_L1, 0,
		                        t0 + (int64_t)k * 1000, 230.0 + k);

		w->st = ews_site_samples_add(other, &r, 1);
	}
out:
	snprintf(w->message, sizeof(w->message), "%s",
	         ews_error_last()->message);
	ews_site_close(other);
	return NULL;
}

START_TEST(optimize_lets_the_writes_of_another_handle_through)
{
	ews_optimize_result r = { .version = EWS_OPTIMIZE_RESULT_VERSION };
	struct writer w = { .dir = dir, .n = 300 };
	ews_sample_query q;
	pthread_t t;
	ews_list *list;
	int done = 0;

	some_data();
	w.device = meter_add(LOCAL, 2, "B");
	junk(4, 1);
	ck_assert_int_eq(pthread_create(&t, NULL, writer_main, &w), 0);
	for (int k = 0; k < 3; k++) {
		ews_status st = ews_site_optimize(site, NULL, &r);

		ck_assert_msg(st == EWS_OK || st == EWS_EBUSY, "optimize: %s",
		              ews_error_last()->message);
		done += st == EWS_OK;
	}
	pthread_join(t, NULL);
	ck_assert_msg(w.st == EWS_OK, "writer: %s", w.message);
	ck_assert_int_gt(done, 0);
	ews_sample_query_init(&q, EWS_SAMPLE_QUERY_VERSION);
	q.device_id = w.device;
	list = query(&q);
	ck_assert_uint_eq(ews_list_len(list), 300);
	ews_list_free(list);
}
END_TEST

START_TEST(optimize_refuses_unknown_versions)
{
	ews_optimize_result r = { .version = EWS_OPTIMIZE_RESULT_VERSION };
	ews_optimize_opts o;

	ck_assert_int_eq(ews_optimize_opts_init(&o, 0), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
	ck_assert_int_eq(ews_optimize_opts_init(&o, 99), EWS_EINVAL);
	ck_assert_int_eq(ews_optimize_opts_init(&o, EWS_OPTIMIZE_OPTS_VERSION),
	                 EWS_OK);
	ck_assert_uint_eq(o.wait_ms, 1000);
	ck_assert_uint_eq(o.max_lock_ms, 4000);
	o.version = 2;
	REFUSED(ews_site_optimize(site, &o, &r), EWS_EINVAL, "version");
	r.version = 0;
	REFUSED(ews_site_optimize(site, NULL, &r), EWS_EINVAL, "version");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc;

	tc = tcase("samples");
	tcase_add_test(tc, store_status_names_are_stable);
	tcase_add_test(
	        tc,
	        samples_are_stored_and_listed_by_device_quantity_order_time);
	tcase_add_test(tc, samples_keep_their_exact_values);
	tcase_add_test(tc, samples_add_of_nothing_is_ok);
	tcase_add_test(tc, samples_repeated_key_replaces_the_value);
	tcase_add_test(tc, samples_bad_reading_stores_nothing_of_the_batch);
	tcase_add_test(tc, samples_of_many_devices_in_one_batch);
	tcase_add_test(tc, samples_query_filters_device_quantity_and_time);
	tcase_add_test(tc, samples_query_limit_takes_the_first_in_order);
	tcase_add_test(tc, samples_query_refuses_bad_version_and_quantity);
	tcase_add_test(tc, samples_survive_the_delete_of_their_device);
	tcase_add_test(tc, samples_persist_across_reopen);
	tcase_add_test(tc, samples_from_two_handles_interleave_without_loss);
	suite_add_tcase(s, tc);

	tc = tcase("status");
	tcase_add_test(tc, status_of_a_new_device_is_unknown);
	tcase_add_test(tc,
	               status_is_off_while_the_device_or_its_gateway_is_off);
	tcase_add_test(tc, status_survives_an_update_of_the_device);
	tcase_add_test(tc, status_change_records_one_event_same_status_none);
	tcase_add_test(tc, status_set_refuses_bad_status_reason_and_device);
	tcase_add_test(tc, events_are_listed_oldest_first_within_bounds);
	tcase_add_test(tc, events_carry_the_names_of_device_and_gateway);
	tcase_add_test(tc, event_query_filters_device_status_and_time);
	tcase_add_test(tc, event_query_pages_with_a_cursor_in_either_order);
	tcase_add_test(
	        tc, event_query_refuses_bad_versions_statuses_ids_and_cursors);
	suite_add_tcase(s, tc);

	tc = tcase("database");
	tcase_add_test(tc, info_counts_unused_pages_and_advises_optimizing);
	tcase_add_test(tc, info_writes_only_the_fields_of_the_callers_version);
	tcase_add_test(tc, optimize_gives_unused_pages_back_and_keeps_the_data);
	tcase_add_test(tc, optimize_is_refused_while_another_handle_writes);
	tcase_add_test(
	        tc, optimize_gives_up_when_it_would_hold_the_database_too_long);
	tcase_add_test(tc, optimize_lets_the_writes_of_another_handle_through);
	tcase_add_test(tc, optimize_refuses_unknown_versions);
	suite_add_tcase(s, tc);

	tc = tcase("migration");
	tcase_add_test(
	        tc, migration_from_schema_1_keeps_devices_and_adds_the_store);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
