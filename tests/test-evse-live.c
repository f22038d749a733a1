/*
 * Green'Up live (greenup.h): libews/evse-live.c, the stations' settings
 * of libews/evse-setup.c and the loop's open, tick and due time of
 * libews/greenup.c. The running loop is played by ews__evse_live_store()
 * (greenup-private.h): the status it stores after a step, which the
 * per-charge commands are bound to. Every refusal is checked for its
 * code, its field and a stored state exactly as it was.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/engine.h>
#include <ews/evse.h>
#include <ews/greenup.h>
#include <ews/site.h>

#include "greenup-private.h"
#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

#define T1 INT64_C(1700000000000)

/* What the loop stores (now, before) and what is read back (got): too
 * big for the stack of a test. */
static ews_evse_status now_st, before_st, got;

/* A Heidelberg Energy Control (family ev_station, three-phase) here. */
static int64_t
station_add(unsigned int address, const char *name)
{
	ews_device d = dev_new(LOCAL, "heidelberg_energy_control", address);

	snprintf(d.name, sizeof(d.name), "%s", name);
	return dev_add(&d);
}

static ews_evse_station_setup
station_get(int64_t id)
{
	ews_evse_station_setup s;

	memset(&s, 0xA5, sizeof(s));
	s.version = EWS_EVSE_STATION_SETUP_VERSION;
	ck_assert_msg(ews_site_evse_station_get(site, id, &s) == EWS_OK,
	              "station %lld: %s", (long long)id,
	              ews_error_last()->message);
	ck_assert_int_eq(s.device_id, id);
	return s;
}

static ews_evse_station_setup
station_new(int64_t id, int priority, double rated_a, int plug_enabled)
{
	ews_evse_station_setup s = { .version = EWS_EVSE_STATION_SETUP_VERSION,
		                     .device_id = id,
		                     .priority = priority,
		                     .rated_a = rated_a,
		                     .plug_enabled = plug_enabled };

	return s;
}

static void
station_set(const ews_evse_station_setup *s)
{
	ck_assert_msg(ews_site_evse_station_set(site, s) == EWS_OK, "set: %s",
	              ews_error_last()->message);
}

static void
assert_station(int64_t id, int priority, double rated_a, int plug_enabled)
{
	ews_evse_station_setup s = station_get(id);

	ck_assert_int_eq(s.priority, priority);
	ck_assert_double_eq(s.rated_a, rated_a);
	ck_assert_int_eq(s.plug_enabled, plug_enabled);
}

/* Every stored per-charge command, into c; their number. */
static size_t
charges(struct ews__evse_charge *c)
{
	size_t n;

	ck_assert_int_eq(
	        ews__evse_charges_load(site, c, EWS_EVSE_STATIONS_MAX, &n),
	        EWS_OK);
	return n;
}

/* Every station's settings and every stored per-charge command. */
static char *
evse_text(void)
{
	struct ews__evse_charge c[EWS_EVSE_STATIONS_MAX];
	char *buf = NULL;
	size_t len, n, i;
	FILE *f = open_memstream(&buf, &len);
	ews_list *l;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ews_site_device_list(site, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++) {
		ews_evse_station_setup s = {
			.version = EWS_EVSE_STATION_SETUP_VERSION
		};

		if (ews_site_evse_station_get(site, ews_list_device(l, i)->id,
		                              &s) == EWS_OK)
			fprintf(f, "%lld %d %.17g %d\n", (long long)s.device_id,
			        s.priority, s.rated_a, s.plug_enabled);
	}
	ews_list_free(l);
	for (i = 0, n = charges(c); i < n; i++)
		fprintf(f, "charge %lld %lld %d %d\n",
		        (long long)c[i].device_id, (long long)c[i].connected_ms,
		        (int)c[i].hold, c[i].priority_override);
	fclose(f);
	return buf;
}

/* REFUSED of site-fixtures.h, and the stations' settings and commands
 * unchanged too. */
#define LIVE_REFUSED(call, code, field)                                        \
	do {                                                                   \
		char *live_before_ = evse_text(), *live_after_;                \
		REFUSED(call, code, field);                                    \
		live_after_ = evse_text();                                     \
		ck_assert_str_eq(live_before_, live_after_);                   \
		free(live_before_);                                            \
		free(live_after_);                                             \
	} while (0)

static size_t
charge_rows(void)
{
	struct ews__evse_charge c[EWS_EVSE_STATIONS_MAX];

	return charges(c);
}

/* A status of the loop at t_ms (no stations yet). */
static void
status_init(ews_evse_status *s, int64_t t_ms)
{
	memset(s, 0, sizeof(*s));
	s->version = EWS_EVSE_STATUS_VERSION;
	s->t_ms = t_ms;
	s->zone = EWS_ZONE_YELLOW;
	s->phase_a[0] = 10.5;
	s->phase_a[1] = 20.25;
	s->phase_a[2] = 30;
	s->meter_ok = 1;
}

/* Append a station row: a vehicle since connected_ms (0: none). */
static ews_evse_station_status *
status_station(ews_evse_status *s, int64_t device_id, int64_t connected_ms)
{
	ews_evse_station_status *r = &s->station[s->n++];

	memset(r, 0, sizeof(*r));
	r->device_id = device_id;
	r->powered = 1;
	r->managed = 1;
	r->connected_ms = connected_ms;
	r->charge = connected_ms ? EWS_CHARGE_CHARGING : EWS_CHARGE_AVAILABLE;
	r->state = connected_ms ? EWS_EVSE_CHARGING : EWS_EVSE_IDLE;
	r->cp_state = connected_ms ? 3 : 1;
	r->setpoint_a = connected_ms ? 16 : 0;
	r->current_a = connected_ms ? 15.2 : 0;
	r->charged_ah = connected_ms ? 1.5 : 0;
	snprintf(r->reason, sizeof(r->reason), "%s",
	         connected_ms ? "green: authorised" : "no vehicle");
	return r;
}

static void
store(const ews_evse_status *s, const ews_evse_status *before)
{
	ck_assert_msg(ews__evse_live_store(site, s, before) == EWS_OK,
	              "store: %s", ews_error_last()->message);
}

/* The stored status, read back into `got`. */
static const ews_evse_status *
status_read(void)
{
	memset(&got, 0xA5, sizeof(got));
	got.version = EWS_EVSE_STATUS_VERSION;
	ck_assert_msg(ews_site_evse_status(site, &got) == EWS_OK, "status: %s",
	              ews_error_last()->message);
	ck_assert_uint_eq(got.version, EWS_EVSE_STATUS_VERSION);
	ck_assert_uint_le(got.n, EWS_EVSE_STATIONS_MAX);
	return &got;
}

static const ews_evse_station_status *
status_of(const ews_evse_status *s, int64_t device_id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->station[i].device_id == device_id)
			return &s->station[i];
	ck_abort_msg("station %lld is not in the status", (long long)device_id);
	return NULL;
}

/* What a station row stores was read back as stored. */
static void
assert_row(const ews_evse_station_status *got_row,
           const ews_evse_station_status *want)
{
	ck_assert_int_eq(got_row->device_id, want->device_id);
	ck_assert_int_eq(got_row->powered, want->powered);
	ck_assert_int_eq(got_row->managed, want->managed);
	ck_assert_str_eq(got_row->error, want->error);
	ck_assert_int_eq(got_row->charge, want->charge);
	ck_assert_int_eq(got_row->state, want->state);
	ck_assert_int_eq(got_row->cp_state, want->cp_state);
	ck_assert_double_eq(got_row->setpoint_a, want->setpoint_a);
	ck_assert_double_eq(got_row->current_a, want->current_a);
	ck_assert_double_eq(got_row->charged_ah, want->charged_ah);
	ck_assert_int_eq(got_row->connected_ms, want->connected_ms);
	ck_assert_str_eq(got_row->reason, want->reason);
}

/* The command of the charge now on a station, as the status shows it. */
static void
assert_command(int64_t device_id, ews_evse_hold hold, int priority,
               int priority_override)
{
	const ews_evse_station_status *r = status_of(status_read(), device_id);

	ck_assert_int_eq(r->hold, hold);
	ck_assert_int_eq(r->priority, priority);
	ck_assert_int_eq(r->priority_override, priority_override);
}

/* One station with a vehicle since connected_ms, stored at t_ms. */
static void
store_one(int64_t device_id, int64_t t_ms, int64_t connected_ms)
{
	status_init(&now_st, t_ms);
	status_station(&now_st, device_id, connected_ms);
	store(&now_st, NULL);
}

/* ------------------------------------------------------------------ */
/* A station's settings                                                */

START_TEST(a_station_setting_is_stored_and_read_back)
{
	int64_t st = station_add(7, "Garage"), other = station_add(8, "Yard");
	ews_evse_station_setup s = station_new(st, 1, 16, 0);

	/* Never set: the defaults. */
	assert_station(st, 0, 32, 1);
	station_set(&s);
	assert_station(st, 1, 16, 0);
	assert_station(other, 0, 32, 1);
	reopen();
	assert_station(st, 1, 16, 0);
	/* Stored again: replaced. The limits 6 and 80 A are in. */
	s = station_new(st, 0, 6, 1);
	station_set(&s);
	assert_station(st, 0, 6, 1);
	s.rated_a = 80;
	station_set(&s);
	assert_station(st, 0, 80, 1);
}
END_TEST

START_TEST(a_bad_station_setting_is_refused_naming_its_field)
{
	int64_t st = station_add(7, "Garage");
	ews_evse_station_setup s = station_new(st, 1, 20, 0);
	static const struct {
		unsigned int version;
		int priority;
		double rated_a;
		int plug_enabled;
		const char *field;
	} bad[] = {
		{ EWS_EVSE_STATION_SETUP_VERSION, 0, 5.9, 1, "rated_a" },
		{ EWS_EVSE_STATION_SETUP_VERSION, 0, 80.1, 1, "rated_a" },
		{ EWS_EVSE_STATION_SETUP_VERSION, 0, NAN, 1, "rated_a" },
		{ EWS_EVSE_STATION_SETUP_VERSION, 2, 16, 1, "priority" },
		{ EWS_EVSE_STATION_SETUP_VERSION, 0, 16, 2, "plug_enabled" },
		{ EWS_EVSE_STATION_SETUP_VERSION + 1, 0, 16, 1, "version" },
		{ 0, 0, 16, 1, "version" },
	};

	station_set(&s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s = station_new(st, bad[i].priority, bad[i].rated_a,
		                bad[i].plug_enabled);
		s.version = bad[i].version;
		LIVE_REFUSED(ews_site_evse_station_set(site, &s), EWS_EINVAL,
		             bad[i].field);
	}
	ck_assert_int_eq(ews_site_evse_station_get(site, st, &s), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
	assert_station(st, 1, 20, 0);
}
END_TEST

START_TEST(station_settings_need_a_station)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");
	int64_t st = station_add(7, "Garage");
	ews_evse_station_setup s = station_new(st, 1, 20, 0);

	station_set(&s);
	s.device_id = meter;
	LIVE_REFUSED(ews_site_evse_station_set(site, &s), EWS_EINVAL, "device");
	ck_assert_int_eq(ews_site_evse_station_get(site, meter, &s),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "device");
	s.device_id = 999;
	LIVE_REFUSED(ews_site_evse_station_set(site, &s), EWS_ENOTFOUND,
	             "device");
	ck_assert_int_eq(ews_site_evse_station_get(site, 999, &s),
	                 EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "device");
	assert_station(st, 1, 20, 0);
}
END_TEST

START_TEST(the_default_priority_keeps_the_other_settings)
{
	int64_t st = station_add(7, "Garage");
	ews_evse_station_setup s = station_new(st, 0, 10, 0);
	int p = -1;

	station_set(&s);
	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 1), EWS_OK);
	assert_station(st, 1, 10, 0);
	ck_assert_int_eq(ews_site_evse_priority_get(site, st, &p), EWS_OK);
	ck_assert_int_eq(p, 1);
	LIVE_REFUSED(ews_site_evse_priority_set(site, st, 2), EWS_EINVAL,
	             "priority");
	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 0), EWS_OK);
	assert_station(st, 0, 10, 0);
	ck_assert_int_eq(ews_site_evse_priority_get(site, st, &p), EWS_OK);
	ck_assert_int_eq(p, 0);
}
END_TEST

START_TEST(the_settings_go_with_their_station)
{
	int64_t st = station_add(7, "Garage"), again;
	ews_evse_station_setup s = station_new(st, 1, 16, 0);

	station_set(&s);
	ck_assert_int_eq(ews_site_device_delete(site, st), EWS_OK);
	ck_assert_int_eq(ews_site_evse_station_get(site, st, &s),
	                 EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "device");
	again = station_add(7, "Garage");
	assert_station(again, 0, 32, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Per-charge commands                                                 */

static void
assert_no_vehicle(ews_status rc)
{
	ck_assert_int_eq(rc, EWS_EDENIED);
	assert_error(EWS_EDENIED, "device");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "no vehicle"));
}

START_TEST(a_command_needs_a_reported_vehicle)
{
	int64_t st = station_add(7, "Garage");

	/* The loop never stored anything, then stored the station without
	 * a vehicle. */
	for (int stored = 0; stored < 2; stored++) {
		if (stored)
			store_one(st, T1, 0);
		LIVE_REFUSED(ews_site_evse_hold(site, st, EWS_HOLD_START),
		             EWS_EDENIED, "device");
		LIVE_REFUSED(ews_site_evse_charge_priority(site, st, 1),
		             EWS_EDENIED, "device");
		assert_no_vehicle(ews_site_evse_hold(site, st, EWS_HOLD_WAIT));
		assert_no_vehicle(ews_site_evse_charge_priority(site, st, 0));
	}
	ck_assert_uint_eq(charge_rows(), 0);
}
END_TEST

START_TEST(a_bad_command_is_refused_naming_its_field)
{
	int64_t st = station_add(7, "Garage");

	store_one(st, T1, 1000);
	LIVE_REFUSED(ews_site_evse_hold(site, st, (ews_evse_hold)7), EWS_EINVAL,
	             "hold");
	LIVE_REFUSED(ews_site_evse_charge_priority(site, st, 2), EWS_EINVAL,
	             "priority");
	LIVE_REFUSED(ews_site_evse_charge_priority(site, st, -2), EWS_EINVAL,
	             "priority");
	ck_assert_uint_eq(charge_rows(), 0);
	assert_command(st, EWS_HOLD_NONE, 0, -1);
}
END_TEST

/* greenup.h: "EWS_EINVAL; EWS_ENOTFOUND" as well as EWS_EDENIED. */
START_TEST(a_command_needs_a_station_that_exists)
{
	int64_t meter = meter_add(LOCAL, 5, "Main");

	LIVE_REFUSED(ews_site_evse_hold(site, meter, EWS_HOLD_START),
	             EWS_EINVAL, "device");
	LIVE_REFUSED(ews_site_evse_charge_priority(site, meter, 1), EWS_EINVAL,
	             "device");
	LIVE_REFUSED(ews_site_evse_hold(site, 999, EWS_HOLD_START),
	             EWS_ENOTFOUND, "device");
	LIVE_REFUSED(ews_site_evse_charge_priority(site, 999, 1), EWS_ENOTFOUND,
	             "device");
}
END_TEST

/* ------------------------------------------------------------------ */
/* The stored status                                                   */

START_TEST(a_command_shows_in_the_status)
{
	int64_t st = station_add(7, "Garage");
	ews_evse_station_setup set = station_new(st, 0, 20, 0);
	ews_evse_station_status *row;
	const ews_evse_station_status *r;
	const ews_evse_status *s;

	station_set(&set);
	status_init(&now_st, T1);
	now_st.meter_ok = 0;
	now_st.failsafe = 1;
	row = status_station(&now_st, st, 1000);
	row->state = EWS_EVSE_WAITING;
	row->charge = EWS_CHARGE_WAITING;
	snprintf(row->error, sizeof(row->error), "%s", "pilot lost");
	store(&now_st, NULL);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_START), EWS_OK);

	s = status_read();
	ck_assert_int_eq(s->t_ms, T1);
	ck_assert_int_eq(s->zone, EWS_ZONE_YELLOW);
	ck_assert_double_eq(s->phase_a[0], 10.5);
	ck_assert_double_eq(s->phase_a[1], 20.25);
	ck_assert_double_eq(s->phase_a[2], 30);
	ck_assert_int_eq(s->meter_ok, 0);
	ck_assert_int_eq(s->failsafe, 1);
	ck_assert_uint_eq(s->n, 1);
	r = &s->station[0];
	assert_row(r, row);
	ck_assert_str_eq(r->name, "Garage");
	ck_assert_str_eq(r->model, "heidelberg_energy_control");
	ck_assert_int_eq(r->phases, 3);
	ck_assert_double_eq(r->rated_a, 20);
	ck_assert_int_eq(r->plug_enabled, 0);
	ck_assert_int_eq(r->hold, EWS_HOLD_START);
	ck_assert_int_eq(r->priority, 0);
	ck_assert_int_eq(r->priority_override, -1);

	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, 1), EWS_OK);
	assert_command(st, EWS_HOLD_START, 1, 1);
	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, -1), EWS_OK);
	assert_command(st, EWS_HOLD_START, 0, -1);
	/* Against a default priority 1: Normal for this charge. */
	ck_assert_int_eq(ews_site_evse_priority_set(site, st, 1), EWS_OK);
	assert_command(st, EWS_HOLD_START, 1, -1);
	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, 0), EWS_OK);
	assert_command(st, EWS_HOLD_START, 0, 0);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_WAIT), EWS_OK);
	assert_command(st, EWS_HOLD_WAIT, 0, 0);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_NONE), EWS_OK);
	assert_command(st, EWS_HOLD_NONE, 0, 0);
	/* Another process sees the same. */
	reopen();
	assert_command(st, EWS_HOLD_NONE, 0, 0);
}
END_TEST

START_TEST(a_new_charge_does_not_inherit_the_commands)
{
	int64_t st = station_add(7, "Garage");

	store_one(st, T1, 1000);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_START), EWS_OK);
	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, 1), EWS_OK);
	assert_command(st, EWS_HOLD_START, 1, 1);
	/* Another vehicle, with no report of the first one leaving. */
	store_one(st, T1 + 1000, 2000);
	assert_command(st, EWS_HOLD_NONE, 0, -1);
	/* A command for the new charge starts from none. */
	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, 1), EWS_OK);
	assert_command(st, EWS_HOLD_NONE, 1, 1);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_WAIT), EWS_OK);
	assert_command(st, EWS_HOLD_WAIT, 1, 1);
	ck_assert_uint_eq(charge_rows(), 1);
}
END_TEST

START_TEST(a_vehicle_leaving_ends_its_commands)
{
	int64_t st = station_add(7, "Garage");

	store_one(st, T1, 1000);
	ck_assert_int_eq(ews_site_evse_hold(site, st, EWS_HOLD_START), EWS_OK);
	ck_assert_int_eq(ews_site_evse_charge_priority(site, st, 1), EWS_OK);
	ck_assert_uint_eq(charge_rows(), 1);
	store_one(st, T1 + 1000, 0);
	ck_assert_uint_eq(charge_rows(), 0);
	assert_command(st, EWS_HOLD_NONE, 0, -1);
	ck_assert_int_eq(status_of(status_read(), st)->charge,
	                 EWS_CHARGE_AVAILABLE);
	store_one(st, T1 + 2000, 2000);
	assert_command(st, EWS_HOLD_NONE, 0, -1);
}
END_TEST

START_TEST(a_partial_store_rewrites_what_changed)
{
	int64_t a = station_add(7, "Garage"), b = station_add(8, "Yard");
	ews_evse_station_status *ra, *rb;
	const ews_evse_status *s;

	status_init(&before_st, T1);
	status_station(&before_st, a, 1000);
	status_station(&before_st, b, 0);
	store(&before_st, NULL);
	ck_assert_int_eq(ews_site_evse_hold(site, a, EWS_HOLD_WAIT), EWS_OK);

	/* b gets a vehicle; a is as it was. */
	now_st = before_st;
	now_st.t_ms = T1 + 1000;
	now_st.zone = EWS_ZONE_RED;
	now_st.phase_a[2] = 41.5;
	ra = &now_st.station[0];
	rb = &now_st.station[1];
	rb->connected_ms = 1500;
	rb->charge = EWS_CHARGE_CHARGING;
	rb->setpoint_a = 12;
	snprintf(rb->reason, sizeof(rb->reason), "%s", "red: shared");
	store(&now_st, &before_st);
	s = status_read();
	ck_assert_int_eq(s->t_ms, T1 + 1000);
	ck_assert_int_eq(s->zone, EWS_ZONE_RED);
	ck_assert_double_eq(s->phase_a[2], 41.5);
	ck_assert_uint_eq(s->n, 2);
	assert_row(status_of(s, a), ra);
	assert_row(status_of(s, b), rb);
	ck_assert_str_eq(status_of(s, b)->name, "Yard");
	assert_command(a, EWS_HOLD_WAIT, 0, -1);
	assert_command(b, EWS_HOLD_NONE, 0, -1);

	/* Then a leaves, b unchanged: a's commands end. */
	before_st = now_st;
	ra->connected_ms = 0;
	ra->charge = EWS_CHARGE_AVAILABLE;
	store(&now_st, &before_st);
	s = status_read();
	ck_assert_uint_eq(s->n, 2);
	assert_row(status_of(s, a), ra);
	assert_row(status_of(s, b), rb);
	ck_assert_uint_eq(charge_rows(), 0);
}
END_TEST

/* A status whose station list changed, as many stations as before: it
 * reads back as stored, without the station no longer in it. */
START_TEST(a_partial_store_drops_a_station_no_longer_there)
{
	int64_t a = station_add(7, "Garage"), b = station_add(8, "Yard");
	int64_t c = station_add(9, "Gate");
	const ews_evse_status *s;

	status_init(&before_st, T1);
	status_station(&before_st, a, 1000);
	status_station(&before_st, b, 0);
	store(&before_st, NULL);
	status_init(&now_st, T1 + 1000);
	status_station(&now_st, a, 1000);
	status_station(&now_st, c, 0);
	store(&now_st, &before_st);
	s = status_read();
	ck_assert_uint_eq(s->n, 2);
	assert_row(status_of(s, a), &now_st.station[0]);
	assert_row(status_of(s, c), &now_st.station[1]);
}
END_TEST

START_TEST(charge_states_have_names)
{
	ck_assert_str_eq(ews_evse_charge_state_name(EWS_CHARGE_AVAILABLE),
	                 "available");
	ck_assert_str_eq(ews_evse_charge_state_name(EWS_CHARGE_BUSY), "busy");
	ck_assert_str_eq(ews_evse_charge_state_name(EWS_CHARGE_CHARGING),
	                 "charging");
	ck_assert_str_eq(ews_evse_charge_state_name(EWS_CHARGE_WAITING),
	                 "waiting");
	ck_assert_ptr_null(
	        ews_evse_charge_state_name((ews_evse_charge_state)4));
	ck_assert_ptr_null(
	        ews_evse_charge_state_name((ews_evse_charge_state)-1));
}
END_TEST

/* ------------------------------------------------------------------ */
/* The loop, while the control logic is OFF                            */

static ews_engine *
engine_open(void)
{
	ews_engine *eng = NULL;

	ck_assert_msg(ews_engine_open(site, NULL, &eng) == EWS_OK, "engine: %s",
	              ews_error_last()->message);
	return eng;
}

START_TEST(open_needs_a_site_and_an_engine)
{
	ews_engine *eng = engine_open();
	ews_greenup *gu = (ews_greenup *)&gu;

	ck_assert_int_eq(ews_greenup_open(NULL, eng, &gu), EWS_EINVAL);
	assert_error(EWS_EINVAL, "site");
	ck_assert_ptr_null(gu);
	gu = (ews_greenup *)&gu;
	ck_assert_int_eq(ews_greenup_open(site, NULL, &gu), EWS_EINVAL);
	assert_error(EWS_EINVAL, "eng");
	ck_assert_ptr_null(gu);
	ews_greenup_close(NULL);
	ews_engine_close(eng);
}
END_TEST

START_TEST(off_a_tick_reads_and_stores_nothing)
{
	ews_engine *eng = engine_open();
	ews_greenup *gu = NULL;

	station_add(7, "Garage"); /* one the loop would read if ON */
	ck_assert_int_eq(ews_greenup_open(site, eng, &gu), EWS_OK);
	ck_assert_ptr_nonnull(gu);
	ck_assert_int_eq(ews_greenup_tick(gu, T1), EWS_OK);
	ck_assert_int_eq(ews_greenup_tick(gu, T1 + 1000), EWS_OK);
	ck_assert_uint_eq(ews_engine_commands_pending(eng), 0);
	ck_assert_int_eq(status_read()->t_ms, 0);
	ck_assert_uint_eq(got.n, 0);
	ck_assert_int_eq(got.enabled, 0);
	got.version = EWS_EVSE_STATUS_VERSION + 1;
	ck_assert_int_eq(ews_site_evse_status(site, &got), EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
	ews_greenup_close(gu);
	ews_engine_close(eng);
}
END_TEST

START_TEST(the_next_tick_is_due_a_period_after_the_last)
{
	ews_engine *eng = engine_open();
	ews_greenup *gu = NULL;

	ck_assert_int_eq(ews_greenup_open(site, eng, &gu), EWS_OK);
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1), T1);
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1 + 5), T1 + 5);
	ck_assert_int_eq(ews_greenup_tick(gu, T1), EWS_OK);
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1), T1 + 1000);
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1 + 400), T1 + 1000);
	/* The same time again is no step back. */
	ck_assert_int_eq(ews_greenup_tick(gu, T1), EWS_OK);
	ck_assert_int_eq(ews_greenup_tick(gu, T1 + 1200), EWS_OK);
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1 + 1200), T1 + 2200);
	ck_assert_int_eq(ews_greenup_tick(gu, T1 + 1199), EWS_EINVAL);
	assert_error(EWS_EINVAL, "now_ms");
	ck_assert_int_eq(ews_greenup_next_due_ms(gu, T1 + 1300), T1 + 2200);
	ews_greenup_close(gu);
	ews_engine_close(eng);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("evse-live");
	TCase *tc = tcase("station");

	tcase_add_test(tc, a_station_setting_is_stored_and_read_back);
	tcase_add_test(tc, a_bad_station_setting_is_refused_naming_its_field);
	tcase_add_test(tc, station_settings_need_a_station);
	tcase_add_test(tc, the_default_priority_keeps_the_other_settings);
	tcase_add_test(tc, the_settings_go_with_their_station);
	suite_add_tcase(s, tc);
	tc = tcase("command");
	tcase_add_test(tc, a_command_needs_a_reported_vehicle);
	tcase_add_test(tc, a_bad_command_is_refused_naming_its_field);
	tcase_add_test(tc, a_command_needs_a_station_that_exists);
	suite_add_tcase(s, tc);
	tc = tcase("status");
	tcase_add_test(tc, a_command_shows_in_the_status);
	tcase_add_test(tc, a_new_charge_does_not_inherit_the_commands);
	tcase_add_test(tc, a_vehicle_leaving_ends_its_commands);
	tcase_add_test(tc, a_partial_store_rewrites_what_changed);
	tcase_add_test(tc, a_partial_store_drops_a_station_no_longer_there);
	tcase_add_test(tc, charge_states_have_names);
	suite_add_tcase(s, tc);
	tc = tcase("loop");
	tcase_add_test(tc, open_needs_a_site_and_an_engine);
	tcase_add_test(tc, off_a_tick_reads_and_stores_nothing);
	tcase_add_test(tc, the_next_tick_is_due_a_period_after_the_last);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
