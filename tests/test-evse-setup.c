/*
 * A site's Green'Up setup (EVS-1, EVS-4): libews/evse-setup.c. The setup
 * row, its total meter (a device that measures the current of L1-L3,
 * which then cannot be deleted) and the stations' default priorities.
 * Every refusal is checked for its code, its field and a stored state
 * (configuration, setup and priorities) exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include <ews/catalog.h>
#include <ews/evse.h>
#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* The defaults of ews_evse_setup_init(). */
static ews_evse_setup
setup_new(void)
{
	ews_evse_setup s;

	ck_assert_int_eq(ews_evse_setup_init(&s, EWS_EVSE_SETUP_VERSION),
	                 EWS_OK);
	return s;
}

/* A setup that is on, with every current set (250 A, 230 A). */
static ews_evse_setup
setup_on(int64_t meter)
{
	ews_evse_setup s = setup_new();

	s.enabled = 1;
	s.meter_device_id = meter;
	s.config.max_current_a = 250;
	s.config.max_charging_current_a = 230;
	return s;
}

static ews_evse_setup
setup_get(void)
{
	ews_evse_setup s;

	memset(&s, 0xA5, sizeof(s));
	s.version = EWS_EVSE_SETUP_VERSION;
	ck_assert_msg(ews_site_evse_get(site, &s) == EWS_OK, "get: %s",
	              ews_error_last()->message);
	ck_assert_uint_eq(s.version, EWS_EVSE_SETUP_VERSION);
	ck_assert_uint_eq(s.config.version, EWS_EVSE_CONFIG_VERSION);
	return s;
}

static void
setup_set(const ews_evse_setup *s)
{
	ck_assert_msg(ews_site_evse_set(site, s) == EWS_OK, "set: %s",
	              ews_error_last()->message);
}

static int64_t
device_of(const char *model, unsigned int address)
{
	ews_device d = dev_new(LOCAL, model, address);

	return dev_add(&d);
}

/* A Heidelberg Energy Control (family ev_station, three-phase, one
 * side) at this address. */
static int64_t
station_add(unsigned int address)
{
	return device_of("heidelberg_energy_control", address);
}

static int
priority_of(int64_t device)
{
	int p = -1;

	ck_assert_msg(ews_site_evse_priority_get(site, device, &p) == EWS_OK,
	              "priority of %lld: %s", (long long)device,
	              ews_error_last()->message);
	ck_assert_msg(p == 0 || p == 1, "priority %d", p);
	return p;
}

/* Rows of one of the setup's tables, read from the file beside the open
 * site (the site's own connection is not used). */
static char *
table_text(const char *sql)
{
	char *db = malloc(strlen(dir) + 16), *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	sqlite3_stmt *st;
	sqlite3 *h;
	int c;

	ck_assert_ptr_nonnull(db);
	ck_assert_ptr_nonnull(f);
	sprintf(db, "%s/site.db", dir);
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	                 SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(st); c++)
			fprintf(f, "%s%s", c ? "|" : "",
			        (const char *)sqlite3_column_text(st, c)
			                ? (const char *)sqlite3_column_text(st,
			                                                    c)
			                : "NULL");
		fputc('\n', f);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	fclose(f);
	free(db);
	return buf;
}

/* The number of rows of a table of the site. */
static int
rows_of(const char *table)
{
	char sql[64], *text;
	int n;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	text = table_text(sql);
	n = atoi(text);
	free(text);
	return n;
}

/* The setup as read back and every stored row of evse_setup and
 * evse_station, as text. */
static char *
evse_text(void)
{
	ews_evse_setup s = setup_get();
	const ews_evse_config *c = &s.config;
	char *rows = table_text("SELECT * FROM evse_setup"), *buf;
	char *stations = table_text("SELECT * FROM evse_station"
	                            " ORDER BY device_id");
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fprintf(f,
	        "%d %lld %d %.17g %.17g %.17g %.17g %.17g %.17g %.17g %lld\n",
	        s.enabled, (long long)s.meter_device_id, c->meter,
	        c->max_current_a, c->max_charging_current_a, c->hysteresis_pct,
	        c->step1_pct, c->step2_pct, c->min_charge_ah,
	        c->failsafe_current_a, (long long)c->period_ms);
	fprintf(f, "setup:\n%sstations:\n%s", rows, stations);
	fclose(f);
	free(rows);
	free(stations);
	return buf;
}

/* REFUSED of site-fixtures.h (code, field, configuration unchanged), and
 * the Green'Up setup and priorities unchanged too. */
#define EVSE_REFUSED(call, code, field)                                        \
	do {                                                                   \
		char *evse_before_ = evse_text(), *evse_after_;                \
		REFUSED(call, code, field);                                    \
		evse_after_ = evse_text();                                     \
		ck_assert_str_eq(evse_before_, evse_after_);                   \
		free(evse_before_);                                            \
		free(evse_after_);                                             \
	} while (0)

static void
assert_config_eq(const ews_evse_setup *got, const ews_evse_setup *want)
{
	ck_assert_int_eq(got->enabled, want->enabled);
	ck_assert_int_eq(got->meter_device_id, want->meter_device_id);
	ck_assert_int_eq(got->config.meter, want->meter_device_id != 0);
	ck_assert_double_eq(got->config.max_current_a,
	                    want->config.max_current_a);
	ck_assert_double_eq(got->config.max_charging_current_a,
	                    want->config.max_charging_current_a);
	ck_assert_double_eq(got->config.hysteresis_pct,
	                    want->config.hysteresis_pct);
	ck_assert_double_eq(got->config.step1_pct, want->config.step1_pct);
	ck_assert_double_eq(got->config.step2_pct, want->config.step2_pct);
	ck_assert_double_eq(got->config.min_charge_ah,
	                    want->config.min_charge_ah);
	ck_assert_double_eq(got->config.failsafe_current_a,
	                    want->config.failsafe_current_a);
	ck_assert_int_eq(got->config.period_ms, want->config.period_ms);
}

/* ------------------------------------------------------------------ */
/* Defaults                                                            */

START_TEST(init_gives_the_documented_defaults)
{
	ews_evse_setup s = setup_new();

	ck_assert_uint_eq(s.version, EWS_EVSE_SETUP_VERSION);
	ck_assert_int_eq(s.enabled, 0);
	ck_assert_int_eq(s.meter_device_id, 0);
	ck_assert_uint_eq(s.config.version, EWS_EVSE_CONFIG_VERSION);
	ck_assert_double_eq(s.config.max_current_a, 0);
	ck_assert_double_eq(s.config.max_charging_current_a, 0);
	ck_assert_double_eq(s.config.hysteresis_pct, 0);
	ck_assert_double_eq(s.config.step1_pct, 75);
	ck_assert_double_eq(s.config.step2_pct, 50);
	ck_assert_double_eq(s.config.min_charge_ah, 32);
	ck_assert_double_eq(s.config.failsafe_current_a, 6);
	ck_assert_int_eq(s.config.period_ms, 1000);
	ck_assert_int_eq(ews_evse_setup_init(&s, EWS_EVSE_SETUP_VERSION + 1),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
}
END_TEST

START_TEST(a_new_site_has_the_defaults)
{
	ews_evse_setup s = setup_get();

	ck_assert_int_eq(s.enabled, 0);
	ck_assert_int_eq(s.meter_device_id, 0);
	ck_assert_double_eq(s.config.max_current_a, 0);
	ck_assert_double_eq(s.config.max_charging_current_a, 0);
	ck_assert_double_eq(s.config.hysteresis_pct, 0);
	ck_assert_double_eq(s.config.step1_pct, 75);
	ck_assert_double_eq(s.config.step2_pct, 50);
	ck_assert_double_eq(s.config.min_charge_ah, 32);
	ck_assert_double_eq(s.config.failsafe_current_a, 6);
	ck_assert_int_eq(s.config.period_ms, 1000);
	ck_assert_int_eq(s.config.missed_periods, 3);
	ck_assert_int_eq(s.config.change_min_ms, 5000);
	ck_assert_int_eq(s.config.pause_min_ms, 60000);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Set and get                                                         */

START_TEST(every_field_is_stored_and_read_back)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	ews_evse_setup s = setup_on(meter);

	s.config.hysteresis_pct = 2.5;
	s.config.step1_pct = 80;
	s.config.step2_pct = 60;
	s.config.min_charge_ah = 20.5;
	s.config.failsafe_current_a = 10;
	s.config.period_ms = 2000;
	setup_set(&s);
	ews_evse_setup got = setup_get();
	assert_config_eq(&got, &s);
	ck_assert_int_eq(got.config.meter, 1);
	reopen();
	got = setup_get();
	assert_config_eq(&got, &s);
	/* Stored again: replaced, not a second row. */
	s.enabled = 0;
	s.config.max_current_a = 100;
	s.config.max_charging_current_a = 90;
	setup_set(&s);
	got = setup_get();
	assert_config_eq(&got, &s);
	ck_assert_int_eq(rows_of("evse_setup"), 1);
}
END_TEST

START_TEST(no_meter_is_a_dedicated_supply)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	ews_evse_setup s = setup_on(meter), got;

	setup_set(&s);
	ck_assert_int_eq(setup_get().config.meter, 1);
	s.meter_device_id = 0;
	setup_set(&s);
	got = setup_get();
	ck_assert_int_eq(got.meter_device_id, 0);
	ck_assert_int_eq(got.config.meter, 0);
	ck_assert_int_eq(got.enabled, 1);
	/* No longer the meter: it deletes. */
	ck_assert_int_eq(ews_site_device_delete(site, meter), EWS_OK);
}
END_TEST

START_TEST(an_eastron_sdm630_is_a_total_meter)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	ews_evse_setup s = setup_new();

	/* Off, with the currents still to set. */
	s.meter_device_id = meter;
	setup_set(&s);
	ck_assert_int_eq(setup_get().meter_device_id, meter);
	s = setup_on(meter);
	setup_set(&s);
	ck_assert_int_eq(setup_get().meter_device_id, meter);
}
END_TEST

START_TEST(a_meter_without_the_three_phase_currents_is_refused)
{
	int64_t sdm630 = meter_add(LOCAL, 4, "Main");
	int64_t sdm120 = device_of("eastron_sdm120", 5);
	int64_t no_map = device_of("btdin_f3n300", 6);
	const ews_model *m;
	ews_evse_setup s = setup_on(sdm630);

	/* The premises of this test, from the catalogue. */
	ck_assert_int_eq(
	        ews_catalog_find(ews_site_catalog(site), "btdin_f3n300", &m),
	        EWS_OK);
	ck_assert_int_eq(m->has_map, 0);
	ck_assert_int_eq(
	        ews_catalog_find(ews_site_catalog(site), "eastron_sdm120", &m),
	        EWS_OK);
	ck_assert_int_eq(m->has_map, 1);

	setup_set(&s);
	/* L1 only. */
	s.meter_device_id = sdm120;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "meter_device_id");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "L2"));
	/* No register map at all. */
	s.meter_device_id = no_map;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "meter_device_id");
	/* Also while off. */
	s.enabled = 0;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "meter_device_id");
	ck_assert_int_eq(setup_get().meter_device_id, sdm630);
	ck_assert_int_eq(setup_get().enabled, 1);
}
END_TEST

START_TEST(an_unknown_meter_device_is_not_found)
{
	ews_evse_setup s = setup_on(999);

	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_ENOTFOUND,
	             "meter_device_id");
	s.enabled = 0;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_ENOTFOUND,
	             "meter_device_id");
	ck_assert_int_eq(setup_get().meter_device_id, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The configuration's check                                           */

START_TEST(off_the_maximum_currents_may_be_0)
{
	ews_evse_setup s = setup_new();

	s.config.min_charge_ah = 40;
	setup_set(&s);
	ck_assert_double_eq(setup_get().config.min_charge_ah, 40);
	ck_assert_double_eq(setup_get().config.max_current_a, 0);
	ck_assert_int_eq(setup_get().enabled, 0);
}
END_TEST

START_TEST(on_the_maximum_currents_are_required)
{
	ews_evse_setup s = setup_new();

	s.enabled = 1;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "max_current_a");
	s.config.max_current_a = 100;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "max_charging_current_a");
	s.config.max_charging_current_a = 101;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "max_charging_current_a");
	s.config.max_charging_current_a = 100;
	setup_set(&s);
	ck_assert_int_eq(setup_get().enabled, 1);
	/* Switched on again after it was off with currents 0. */
	s = setup_new();
	setup_set(&s);
	s.enabled = 1;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "max_current_a");
	ck_assert_int_eq(setup_get().enabled, 0);
}
END_TEST

START_TEST(a_configuration_error_is_refused_naming_its_field)
{
	ews_evse_setup s = setup_on(0);

	setup_set(&s);
	s.config.step1_pct = 50;
	s.config.step2_pct = 60;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "step2_pct");
	s = setup_on(0);
	s.config.step1_pct = 101;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "step1_pct");
	s = setup_on(0);
	s.config.hysteresis_pct = 60;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "hysteresis_pct");
	s = setup_on(0);
	s.config.min_charge_ah = -1;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "min_charge_ah");
	s = setup_on(0);
	s.config.failsafe_current_a = 251;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "failsafe_current_a");
	s = setup_on(0);
	s.config.period_ms = 50;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "period_ms");
	/* Off, with currents given, the rest is checked too. */
	s = setup_on(0);
	s.enabled = 0;
	s.config.step1_pct = 50;
	s.config.step2_pct = 60;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "step2_pct");
	s = setup_new();
	s.version = EWS_EVSE_SETUP_VERSION + 1;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "version");
}
END_TEST

/* evse.h: "checked as ews_evse_new() would (while off, the maximum
 * currents may still be 0)": only the currents are let off. */
START_TEST(off_with_currents_0_the_rest_is_still_checked)
{
	ews_evse_setup s = setup_new();

	s.config.step1_pct = 50;
	s.config.step2_pct = 60;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "step2_pct");
	s = setup_new();
	s.config.period_ms = 0;
	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL, "period_ms");
}
END_TEST

/* evse.h: "while off, the maximum currents may still be 0": either of
 * them, the other one given. */
START_TEST(off_either_maximum_current_may_be_0)
{
	ews_evse_setup s = setup_new();

	s.config.max_current_a = 250;
	setup_set(&s);
	ck_assert_double_eq(setup_get().config.max_current_a, 250);
	s = setup_new();
	s.config.max_charging_current_a = 230;
	setup_set(&s);
	ck_assert_double_eq(setup_get().config.max_charging_current_a, 230);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The total meter cannot be deleted                                   */

START_TEST(the_total_meter_cannot_be_deleted)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	int64_t other = meter_add(LOCAL, 6, "Other");
	ews_evse_setup s = setup_on(meter);

	setup_set(&s);
	EVSE_REFUSED(ews_site_device_delete(site, meter), EWS_EINUSE, "id");
	ck_assert_int_eq(dev_get(meter).id, meter);
	ck_assert_int_eq(setup_get().meter_device_id, meter);
	/* Not the meter: deletes fine. */
	ck_assert_int_eq(ews_site_device_delete(site, other), EWS_OK);
	ck_assert_uint_eq(device_count(0), 1);
	/* Off, it is still the meter. */
	s.enabled = 0;
	setup_set(&s);
	EVSE_REFUSED(ews_site_device_delete(site, meter), EWS_EINUSE, "id");
	/* Another meter chosen: the first one deletes. */
	other = meter_add(LOCAL, 6, "Other");
	s.meter_device_id = other;
	setup_set(&s);
	ck_assert_int_eq(ews_site_device_delete(site, meter), EWS_OK);
	EVSE_REFUSED(ews_site_device_delete(site, other), EWS_EINUSE, "id");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Stations' default priority                                          */

START_TEST(a_station_priority_is_stored)
{
	int64_t st = station_add(7), premium;
	ews_device d = dev_new(LOCAL, "greenup_premium_0590_30", 8);
	ews_device old = dev_new(LOCAL, "greenup_0590_32", 9);

	ck_assert_int_eq(priority_of(st), 0);
	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 1), EWS_OK);
	ck_assert_int_eq(priority_of(st), 1);
	reopen();
	ck_assert_int_eq(priority_of(st), 1);
	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 0), EWS_OK);
	ck_assert_int_eq(priority_of(st), 0);
	/* Green'Up Premium (single-phase: on a phase) and the old range
	 * (two sides at one address) are stations too. */
	d.phase = 2;
	premium = dev_add(&d);
	ck_assert_int_eq(priority_of(premium), 0);
	ck_assert_int_eq(ews_site_evse_priority_set(site, premium, 1), EWS_OK);
	ck_assert_int_eq(priority_of(premium), 1);
	old.side = 1;
	old.phase = 1;
	dev_add(&old);
	ck_assert_int_eq(ews_site_evse_priority_set(site, old.id, 1), EWS_OK);
	ck_assert_int_eq(priority_of(old.id), 1);
	ck_assert_int_eq(priority_of(st), 0);
}
END_TEST

START_TEST(a_priority_needs_a_station)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	int64_t st = station_add(7);
	int p = -1;

	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 1), EWS_OK);
	EVSE_REFUSED(ews_site_evse_priority_set(site, meter, 1), EWS_EINVAL,
	             "device");
	ck_assert_int_eq(ews_site_evse_priority_get(site, meter, &p),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "device");
	EVSE_REFUSED(ews_site_evse_priority_set(site, 999, 1), EWS_ENOTFOUND,
	             "device");
	ck_assert_int_eq(ews_site_evse_priority_get(site, 999, &p),
	                 EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "device");
	ck_assert_int_eq(priority_of(st), 1);
}
END_TEST

START_TEST(a_priority_goes_with_its_station)
{
	int64_t st = station_add(7), again;
	int p = -1;

	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 1), EWS_OK);
	ck_assert_int_eq(rows_of("evse_station"), 1);
	ck_assert_int_eq(ews_site_device_delete(site, st), EWS_OK);
	ck_assert_int_eq(rows_of("evse_station"), 0);
	ck_assert_int_eq(ews_site_evse_priority_get(site, st, &p),
	                 EWS_ENOTFOUND);
	again = station_add(7);
	ck_assert_int_eq(priority_of(again), 0);
}
END_TEST

START_TEST(the_timing_fields_are_stored_too)
{
	ews_evse_setup s = setup_on(0), got;

	s.config.missed_periods = 7;
	s.config.change_min_ms = 8000;
	s.config.pause_min_ms = 90000;
	setup_set(&s);
	got = setup_get();
	ck_assert_int_eq(got.config.missed_periods, 7);
	ck_assert_int_eq(got.config.change_min_ms, 8000);
	ck_assert_int_eq(got.config.pause_min_ms, 90000);
}
END_TEST

START_TEST(a_station_is_not_the_total_meter)
{
	int64_t st = station_add(7);
	ews_evse_setup s = setup_on(st);

	EVSE_REFUSED(ews_site_evse_set(site, &s), EWS_EINVAL,
	             "meter_device_id");
}
END_TEST

START_TEST(the_total_meter_keeps_its_three_phase_currents)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	ews_evse_setup s = setup_on(meter);
	ews_device d = { .version = EWS_DEVICE_VERSION };

	setup_set(&s);
	ck_assert_int_eq(ews_site_device_get(site, meter, &d), EWS_OK);
	snprintf(d.model, sizeof(d.model), "%s", "eastron_sdm120");
	EVSE_REFUSED(ews_site_device_update(site, &d), EWS_EINVAL, "model");
}
END_TEST

START_TEST(a_priority_is_0_or_1)
{
	int64_t st = station_add(7);

	EVSE_REFUSED(ews_site_evse_priority_set(site, st, 2), EWS_EINVAL,
	             "priority");
	ck_assert_int_eq(priority_of(st), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("evse-setup");
	TCase *tc = tcase("setup");

	tcase_add_test(tc, init_gives_the_documented_defaults);
	tcase_add_test(tc, a_new_site_has_the_defaults);
	tcase_add_test(tc, every_field_is_stored_and_read_back);
	tcase_add_test(tc, no_meter_is_a_dedicated_supply);
	tcase_add_test(tc, an_eastron_sdm630_is_a_total_meter);
	tcase_add_test(tc, a_meter_without_the_three_phase_currents_is_refused);
	tcase_add_test(tc, an_unknown_meter_device_is_not_found);
	tcase_add_test(tc, off_the_maximum_currents_may_be_0);
	tcase_add_test(tc, on_the_maximum_currents_are_required);
	tcase_add_test(tc, a_configuration_error_is_refused_naming_its_field);
	tcase_add_test(tc, off_with_currents_0_the_rest_is_still_checked);
	tcase_add_test(tc, off_either_maximum_current_may_be_0);
	tcase_add_test(tc, the_total_meter_cannot_be_deleted);
	tcase_add_test(tc, the_timing_fields_are_stored_too);
	tcase_add_test(tc, a_station_is_not_the_total_meter);
	tcase_add_test(tc, the_total_meter_keeps_its_three_phase_currents);
	suite_add_tcase(s, tc);
	tc = tcase("priority");
	tcase_add_test(tc, a_station_priority_is_stored);
	tcase_add_test(tc, a_priority_needs_a_station);
	tcase_add_test(tc, a_priority_goes_with_its_station);
	tcase_add_test(tc, a_priority_is_0_or_1);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
