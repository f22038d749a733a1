/*
 * Green'Up, the EV charging load controller (EVS-1..6, include/ews/evse.h):
 * each test is one rule of the header comment, of EVS-2/3/4/6 or of the
 * rules "beyond the manual", replayed step by step with time as an
 * argument (steps 1000 ms apart, never a sleep). The tests are in two
 * executables, with fixtures (the simulation and its invariant checks, the
 * configuration, station and decision helpers) in evse-fixtures.h:
 *   test-evse.c      the configuration, zone and state names, zones, the
 *                    dedicated supply, green, yellow and recovery, the
 *                    expected currents
 *   test-evse-red.c  red reductions and stops and their order, pauses
 *                    under 6 A, the 5 s and 60 s rules, the meter
 *                    fail-safe, holds and priority overrides, vehicles
 *                    leaving, bad input
 *
 * The expected decisions are worked out by hand in the comments: A for a
 * phase current, "exp." for the expected currents of the header (measured
 * less what stations will shed to reach a setpoint already signalled). A
 * 32 A station draws 30.4 A at 32 A, 22.8 A at 24 A (step 1, 75 %) and
 * 15.2 A at 16 A (step 2, 50 %).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/evse.h>

#include "evse-fixtures.h"

/* ------------------------------------------------------------------ */
/* Configuration (EVS-1)                                               */

START_TEST(config_init_gives_the_defaults)
{
	ews_evse_config c;

	memset(&c, 0x5a, sizeof(c));
	ck_assert_int_eq(ews_evse_config_init(&c, EWS_EVSE_CONFIG_VERSION),
	                 EWS_OK);
	ck_assert_uint_eq(c.version, EWS_EVSE_CONFIG_VERSION);
	ck_assert_double_eq_tol(c.max_current_a, 0, TOL);
	ck_assert_double_eq_tol(c.max_charging_current_a, 0, TOL);
	ck_assert_double_eq_tol(c.hysteresis_pct, 0, TOL);
	ck_assert_double_eq_tol(c.step1_pct, 75, TOL);
	ck_assert_double_eq_tol(c.step2_pct, 50, TOL);
	ck_assert_double_eq_tol(c.min_charge_ah, 32, TOL);
	ck_assert_double_eq_tol(c.failsafe_current_a, 6, TOL);
	ck_assert_int_eq(c.period_ms, 1000);
	ck_assert_int_eq(c.missed_periods, 3);
	ck_assert_int_eq(c.change_min_ms, 5000);
	ck_assert_int_eq(c.pause_min_ms, 60000);
	/* The maximum currents are still to set: not a usable config. */
	REFUSED(ews_evse_config_check(&c), "max_current_a",
	        "max_charging_current_a");
	/* Set them, and it is. */
	c.max_current_a = 250;
	c.max_charging_current_a = 230;
	ck_assert_int_eq(ews_evse_config_check(&c), EWS_OK);
	/* Both equal (a dedicated supply, manual 7.16.5.1) is fine. */
	c.max_charging_current_a = 250;
	ck_assert_int_eq(ews_evse_config_check(&c), EWS_OK);
}
END_TEST

START_TEST(config_init_refuses_an_unknown_version)
{
	ews_evse_config c;

	REFUSED(ews_evse_config_init(&c, EWS_EVSE_CONFIG_VERSION + 1),
	        "version", NULL);
	REFUSED(ews_evse_config_init(&c, 0), "version", NULL);
}
END_TEST

/* One bad field at a time, from a good configuration; returns its name. */
static const char *
spoil(ews_evse_config *c, int k)
{
	*c = config(1, 100, 80, 0);
	switch (k) {
	case 0:
		c->max_charging_current_a = 110; /* above the red threshold */
		return "max_charging_current_a";
	case 1:
		c->hysteresis_pct = -1;
		return "hysteresis_pct";
	case 2:
		c->step1_pct = 50;
		c->step2_pct = 60; /* the second step reduces less */
		return "step2_pct";
	case 3:
		c->step1_pct = 101;
		return "step1_pct";
	case 4:
		c->step2_pct = -1;
		return "step2_pct";
	case 5:
		c->period_ms = 0;
		return "period_ms";
	case 6:
		c->period_ms = -1000;
		return "period_ms";
	case 7:
		c->missed_periods = 0;
		return "missed_periods";
	case 8:
		c->min_charge_ah = -1;
		return "min_charge_ah";
	case 9:
		c->failsafe_current_a = -1;
		return "failsafe_current_a";
	case 10:
		c->change_min_ms = -1;
		return "change_min_ms";
	case 11:
		c->pause_min_ms = -1;
		return "pause_min_ms";
	case 12:
		c->version = EWS_EVSE_CONFIG_VERSION + 1;
		return "version";
	case 13:
		c->max_current_a = -100;
		c->max_charging_current_a = -100;
		return "max_current_a";
	default:
		return NULL;
	}
}

START_TEST(config_check_refuses_naming_the_field)
{
	ews_evse_config c;
	ews_evse *e;
	const char *field;
	int k;

	for (k = 0; (field = spoil(&c, k)) != NULL; k++) {
		char what[64];

		snprintf(what, sizeof(what), "case %d", k);
		ews_error_clear();
		assert_einval(ews_evse_config_check(&c), what, field,
		              k == 13 ? "max_charging_current_a" : NULL);
		/* A controller is not made of it either. */
		e = (ews_evse *)&c;
		ews_error_clear();
		ck_assert_int_eq(ews_evse_new(&c, &e), EWS_EINVAL);
		ck_assert_ptr_null(e);
	}
}
END_TEST

START_TEST(zone_and_state_names)
{
	ck_assert_str_eq(ews_evse_zone_name(EWS_ZONE_GREEN), "green");
	ck_assert_str_eq(ews_evse_zone_name(EWS_ZONE_YELLOW), "yellow");
	ck_assert_str_eq(ews_evse_zone_name(EWS_ZONE_RED), "red");
	ck_assert_ptr_null(ews_evse_zone_name((ews_evse_zone)3));
	ck_assert_ptr_null(ews_evse_zone_name((ews_evse_zone)-1));
	ck_assert_str_eq(ews_evse_state_name(EWS_EVSE_IDLE), "idle");
	ck_assert_str_eq(ews_evse_state_name(EWS_EVSE_CHARGING), "charging");
	ck_assert_str_eq(ews_evse_state_name(EWS_EVSE_WAITING), "waiting");
	ck_assert_str_eq(ews_evse_state_name(EWS_EVSE_PAUSED), "paused");
	ck_assert_str_eq(ews_evse_state_name(EWS_EVSE_STOPPED), "stopped");
	ck_assert_ptr_null(ews_evse_state_name((ews_evse_state)5));
	ews_evse_free(NULL); /* a harmless no-op (STYLE.md) */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Zones (EVS-2, EVS-6)                                                */

/* Idle stations on L1, L2, L3 and a three-phase one: their decisions
 * show each phase's zone. */
typedef struct zones {
	ews_evse *e;
	int64_t now;
	ews_evse_station st[4];
	ews_evse_result r;
} zones;

static void
zones_init(zones *z, ews_evse_config c)
{
	z->e = controller(&c);
	z->now = T0 - SEC;
	z->st[0] = station(1, 1, 1, 16);
	z->st[1] = station(2, 1, 2, 16);
	z->st[2] = station(3, 1, 3, 16);
	z->st[3] = station(4, 3, 0, 32);
}

/* The next reading gives these zones on L1-L3, and the worst for the
 * three-phase station and the result. */
static void
zones_are(zones *z, double l1, double l2, double l3, ews_evse_zone z1,
          ews_evse_zone z2, ews_evse_zone z3)
{
	double meter[3] = { l1, l2, l3 };
	ews_evse_zone worst = z1 > z2 ? z1 : z2;
	int p;

	worst = z3 > worst ? z3 : worst;
	z->now += SEC;
	step_ok(z->e, z->now, meter, z->st, 4, &z->r);
	for (p = 0; p < 3; p++)
		ck_assert_double_eq_tol(z->r.phase_a[p], meter[p], TOL);
	ck_assert_msg(
	        z->r.station[0].zone == z1 && z->r.station[1].zone == z2 &&
	                z->r.station[2].zone == z3 &&
	                z->r.station[3].zone == worst && z->r.zone == worst,
	        "%.2f/%.2f/%.2f A: L1 %s L2 %s L3 %s, three-phase %s, "
	        "result %s; want %s %s %s, %s",
	        l1, l2, l3, zone_str(z->r.station[0].zone),
	        zone_str(z->r.station[1].zone), zone_str(z->r.station[2].zone),
	        zone_str(z->r.station[3].zone), zone_str(z->r.zone),
	        zone_str(z1), zone_str(z2), zone_str(z3), zone_str(worst));
	ck_assert_int_eq(z->r.failsafe, 0);
}

#define G EWS_ZONE_GREEN
#define Y EWS_ZONE_YELLOW
#define R EWS_ZONE_RED

START_TEST(zones_without_hysteresis)
{
	zones z;

	/* green <= 80 < yellow <= 100 < red, on L1 alone. */
	zones_init(&z, config(1, 100, 80, 0));
	zones_are(&z, 0, 0, 0, G, G, G);
	zones_are(&z, 80, 0, 0, G, G, G);    /* the threshold is green */
	zones_are(&z, 80.01, 0, 0, Y, G, G); /* just above: yellow */
	zones_are(&z, 80, 0, 0, G, G, G);    /* hysteresis 0: back at once */
	zones_are(&z, 100, 0, 0, Y, G, G);   /* the threshold is yellow */
	zones_are(&z, 100.01, 0, 0, R, G, G);
	zones_are(&z, 100, 0, 0, Y, G, G);
	zones_are(&z, 79, 0, 0, G, G, G);
	zones_are(&z, 150, 0, 0, R, G, G); /* green to red at once */
	zones_are(&z, 50, 0, 0, G, G, G);  /* and back */
	/* Each phase on its own. */
	zones_are(&z, 10, 90, 0, G, Y, G);
	zones_are(&z, 10, 10, 101, G, G, R);
	zones_are(&z, 101, 90, 10, R, Y, G);
	ews_evse_free(z.e);
}
END_TEST

START_TEST(zones_with_hysteresis_leaving_needs_a_fall)
{
	zones z;

	/* green <= 100 < yellow <= 200 < red; hysteresis 5 % of the maximum
	 * current available (200 A), i.e. 10 A (not 5 % of 100 A). Leaving
	 * yellow for green needs <= 90 A, leaving red for yellow <= 190 A. */
	zones_init(&z, config(1, 200, 100, 5));
	zones_are(&z, 100, 0, 0, G, G, G);
	zones_are(&z, 101, 0, 0, Y, G, G); /* entering: at the threshold */
	zones_are(&z, 99, 0, 0, Y, G, G);  /* under 100 but not by 10 A */
	zones_are(&z, 95, 0, 0, Y, G, G);  /* (5 % of 100 A would leave) */
	zones_are(&z, 91, 0, 0, Y, G, G);
	zones_are(&z, 89, 0, 0, G, G, G); /* fell by 10 A: green */
	zones_are(&z, 99, 0, 0, G, G, G); /* rising within green */
	zones_are(&z, 101, 0, 0, Y, G, G);
	zones_are(&z, 150, 0, 0, Y, G, G);
	zones_are(&z, 201, 0, 0, R, G, G);
	zones_are(&z, 195, 0, 0, R, G, G);
	zones_are(&z, 191, 0, 0, R, G, G);
	zones_are(&z, 189, 0, 0, Y, G, G); /* fell by 10 A under 200 */
	zones_are(&z, 205, 0, 0, R, G, G);
	zones_are(&z, 85, 0, 0, G, G, G); /* red to green in one fall */
	/* Per phase: L1 enters yellow; then L1 and L2 both at 95 A: L1
	 * stays yellow (it has not fallen to 90), L2 was never above 100
	 * so it is green. */
	zones_are(&z, 101, 0, 0, Y, G, G);
	zones_are(&z, 95, 95, 95, Y, G, G);
	zones_are(&z, 95, 101, 95, Y, Y, G);
	zones_are(&z, 89, 95, 95, G, Y, G);
	zones_are(&z, 89, 89, 95, G, G, G);
	ews_evse_free(z.e);
}
END_TEST

START_TEST(zone_of_a_station_is_its_phases_only)
{
	zones z;

	/* EVS-6: L1 red, L2 green, L3 yellow. The L2 station sees only
	 * L2: green; the three-phase one the worst: red; so is the result. */
	zones_init(&z, config(1, 100, 80, 0));
	zones_are(&z, 120, 30, 90, R, G, Y);
	zones_are(&z, 30, 90, 30, G, Y, G);
	zones_are(&z, 30, 30, 30, G, G, G);
	ews_evse_free(z.e);
}
END_TEST

START_TEST(dedicated_supply_sums_the_stations)
{
	sim s;
	size_t a, b, c, d;

	/* No meter: the phase currents are the stations' sums (checked at
	 * every step by sim_step), never a fail-safe. Green <= 80 A.
	 * A three-phase 32 A, B on L2 32 A, C on L3 10 A. */
	sim_init(&s, config(0, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 1, 2, 32, 0);
	c = sim_station(&s, 1, 3, 10, 0);
	d = sim_station(&s, 3, 0, 32, 0);
	sim_plug(&s, a, 32);
	sim_step(&s); /* t0: 0 + 32 <= 80: A at rated */
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_to(&s, 2);
	sim_plug(&s, b, 32);
	sim_step(&s); /* t3: L2 30.4 + 32 = 62.4 <= 80: B at rated */
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	sim_to(&s, 5);
	sim_plug(&s, c, 10);
	sim_step(&s); /* t6: L3 30.4 + 10: C at rated */
	expect(&s, c, EWS_EVSE_CHARGING, 10, 1);
	sim_quiet_to(&s, 10);
	/* L1 30.4, L2 30.4 + 30.4, L3 30.4 + 9.5. */
	ck_assert_double_eq_tol(s.r.phase_a[0], 30.4, TOL);
	ck_assert_double_eq_tol(s.r.phase_a[1], 60.8, TOL);
	ck_assert_double_eq_tol(s.r.phase_a[2], 39.9, TOL);
	expect_zone(&s, EWS_ZONE_GREEN);
	/* t12: D, three-phase, by L2's sum: 60.8 + 32 = 92.8 > 80,
	 * 60.8 + 24 = 84.8 > 80, 60.8 + 16 = 76.8 <= 80: step 2, 16 A
	 * (L1 alone would allow 32 A). */
	sim_to(&s, 11);
	sim_plug(&s, d, 32);
	sim_step(&s);
	expect(&s, d, EWS_EVSE_CHARGING, 16, 1);
	sim_to(&s, 20);
	ck_assert_double_eq_tol(s.r.phase_a[1], 76.0, TOL);
	ck_assert_int_eq(s.r.failsafe, 0);
	sim_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Green (EVS-2, EVS-3)                                                */

START_TEST(green_authorises_a_new_request_at_rated_current)
{
	sim s;
	size_t a, b;

	/* Other loads 10 A; green <= 80 A. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 1, 3, 16, 0);
	sim_base(&s, 10, 10, 10);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_IDLE, 0, 0);
	expect(&s, b, EWS_EVSE_IDLE, 0, 0);
	/* t1: A plugs: 10 + 32 = 42 <= 80: at once, at rated. */
	sim_plug(&s, a, 32);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	expect_zone(&s, EWS_ZONE_GREEN);
	sim_quiet_to(&s, 4);
	ck_assert_double_eq_tol(s.r.phase_a[0], 40.4, TOL); /* 10 + 30.4 */
	/* t5: B on L3: 40.4 + 16 <= 80: 16 A. */
	sim_plug(&s, b, 16);
	sim_step(&s);
	expect(&s, b, EWS_EVSE_CHARGING, 16, 1);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	sim_quiet_to(&s, 15);
	ck_assert_double_eq_tol(s.r.phase_a[2], 55.6, TOL); /* + 15.2 */
	sim_free(&s);
}
END_TEST

START_TEST(green_resumes_the_longest_waiting_first)
{
	sim s;
	size_t a, b;

	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	two_waiting(&s, a, b);
	/* t5: green; one action per step: A (waiting since t1) first,
	 * 10 + 32 = 42 <= 80. */
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_GREEN);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, b, EWS_EVSE_WAITING, 0, 0);
	/* t6: then B, 10 + 32 <= 80 (A not drawing yet). */
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(&s, 12); /* 10 + 60.8 = 70.8: green, steady */
	expect_zone(&s, EWS_ZONE_GREEN);
	sim_free(&s);
}
END_TEST

START_TEST(green_resumes_priority_stations_first)
{
	sim s;
	size_t a, b;

	/* As above, but B is a priority station: B first though A has
	 * waited longer. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 1);
	two_waiting(&s, a, b);
	sim_step(&s);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_free(&s);
}
END_TEST

/* One 32 A three-phase station plugs at t1 with other loads `base`. */
static void
resume_step_is(double base, ews_evse_state state, double setpoint_a)
{
	sim s;
	size_t a;

	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	sim_base(&s, base, base, base);
	sim_step(&s);
	sim_plug(&s, a, 32);
	sim_step(&s);
	expect(&s, a, state, setpoint_a, setpoint_a > 0);
	sim_quiet_to(&s, 5);
	sim_free(&s);
}

START_TEST(green_resumes_at_the_highest_step_that_keeps_green)
{
	/* green <= 80 A; steps of a 32 A station: 32, 24, 16. */
	resume_step_is(40, EWS_EVSE_CHARGING, 32); /* 40 + 32 = 72 */
	resume_step_is(50, EWS_EVSE_CHARGING, 24); /* 82 no; 50 + 24 = 74 */
	resume_step_is(58, EWS_EVSE_CHARGING, 16); /* 90, 82 no; 74 */
	resume_step_is(70, EWS_EVSE_WAITING, 0);   /* 70 + 16 = 86: none */
}
END_TEST

/* ------------------------------------------------------------------ */
/* Yellow (EVS-2) and recovery (EVS-3)                                 */

/* green <= 80 < yellow <= 100. A and B, three-phase 32 A, charge at
 * rated; the other loads rise to 25.8 A: 25.8 + 60.8 = 86.6 A, yellow.
 * C, on L1 with an 8 A rated current (steps 8, 6, 4), plugs at t15.
 * Leaves the simulation at t17, C started. */
static void
yellow_setup(sim *s, size_t *a, size_t *b, size_t *c)
{
	sim_init(s, config(1, 100, 80, 0));
	*a = sim_station(s, 3, 0, 32, 0);
	*b = sim_station(s, 3, 0, 32, 0);
	*c = sim_station(s, 1, 1, 8, 0);
	sim_plug(s, *a, 32);
	sim_step(s); /* t0: 0 + 32: A at rated */
	expect(s, *a, EWS_EVSE_CHARGING, 32, 1);
	sim_to(s, 2);
	sim_plug(s, *b, 32);
	sim_step(s); /* t3: 30.4 + 32 = 62.4: B at rated */
	expect(s, *b, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(s, 9);

	/* t10-14: yellow, nobody waiting: all charges go on. */
	sim_base(s, 25.8, 25.8, 25.8);
	sim_quiet_to(s, 14);
	expect_zone(s, EWS_ZONE_YELLOW);
	ck_assert_double_eq_tol(s->r.phase_a[0], 86.6, TOL);
	expect(s, *a, EWS_EVSE_CHARGING, 32, 0);
	expect(s, *b, EWS_EVSE_CHARGING, 32, 0);

	/* t15: C plugs: no new request in yellow, C waits; one station
	 * reduced one step, in the reduction order (both non-priority,
	 * neither has 32 Ah, A connected longest): A to 24 A.
	 * exp. 86.6 - (30.4 - 24) = 80.2: still yellow. */
	sim_plug(s, *c, 8);
	sim_step(s);
	expect_zone(s, EWS_ZONE_YELLOW);
	expect(s, *c, EWS_EVSE_WAITING, 0, 0);
	expect(s, *a, EWS_EVSE_CHARGING, 24, 1);
	expect(s, *b, EWS_EVSE_CHARGING, 32, 0);

	/* t16: measured still 86.6 (A responds at t17); exp. 80.2 yellow:
	 * the next one step, B to 24 A (A changed 1 s ago). exp. 73.8. */
	sim_step(s);
	expect(s, *c, EWS_EVSE_WAITING, 0, 0);
	expect(s, *a, EWS_EVSE_CHARGING, 24, 0);
	expect(s, *b, EWS_EVSE_CHARGING, 24, 1);

	/* t17: A draws 22.8: measured 25.8 + 22.8 + 30.4 = 79.0, exp.
	 * 79.0 - 6.4 = 72.6: green. C resumes at the highest step that
	 * keeps L1 green: 72.6 + 8 = 80.6 no, 72.6 + 6 = 78.6: 6 A. */
	sim_step(s);
	expect(s, *c, EWS_EVSE_CHARGING, 6, 1);
	expect(s, *a, EWS_EVSE_CHARGING, 24, 0);
	expect(s, *b, EWS_EVSE_CHARGING, 24, 0);
}

START_TEST(yellow_reduces_one_station_a_step_until_the_waiting_one_starts)
{
	sim s;
	size_t a, b, c;

	yellow_setup(&s, &a, &b, &c);
	/* t18: B draws 22.8: 71.4 A; t19: C draws 5.7 on L1: 77.1. Raising
	 * A or B (+8 A) would leave green on L1: steady. */
	sim_quiet_to(&s, 21);
	ck_assert_double_eq_tol(s.r.phase_a[0], 77.1, TOL);
	ck_assert_double_eq_tol(s.r.phase_a[1], 71.4, TOL);
	expect_zone(&s, EWS_ZONE_GREEN);
	sim_free(&s);
}
END_TEST

START_TEST(yellow_authorises_no_new_request)
{
	sim s;
	size_t a, b;

	/* Yellow (other loads 85 A, green <= 80) with no charge to reduce:
	 * requests wait as long as it lasts, here 30 s. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 1, 2, 16, 1); /* even a priority station */
	sim_base(&s, 85, 85, 85);
	sim_plug(&s, a, 32);
	sim_plug(&s, b, 16);
	sim_step(&s);
	while (tick(&s) < 30) {
		expect_zone(&s, EWS_ZONE_YELLOW);
		expect(&s, a, EWS_EVSE_WAITING, 0, 0);
		expect(&s, b, EWS_EVSE_WAITING, 0, 0);
		sim_step(&s);
	}
	sim_free(&s);
}
END_TEST

START_TEST(recovery_raises_the_first_reduced_first)
{
	sim s;
	size_t a, b, c;

	/* A reduced at t15, B at t16 (yellow_setup). */
	yellow_setup(&s, &a, &b, &c);
	/* t22: C leaves, other loads 30 A: 30 + 22.8 + 22.8 = 75.6, +8 =
	 * 83.6 > 80: no room to raise anyone. */
	sim_quiet_to(&s, 21);
	sim_unplug(&s, c);
	sim_base(&s, 30, 30, 30);
	sim_step(&s);
	expect(&s, c, EWS_EVSE_IDLE, 0, 1);
	expect(&s, a, EWS_EVSE_CHARGING, 24, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 24, 0);
	sim_quiet_to(&s, 29);
	/* t30: other loads 0: 45.6 A, green, nobody waiting: raise one
	 * reduced charge one step, first-reduced first: A to 32. */
	sim_base(&s, 0, 0, 0);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 24, 0);
	/* t31: then B (45.6 + 8 + 8 <= 80). */
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(&s, 40);
	ck_assert_double_eq_tol(s.r.phase_a[0], 60.8, TOL);
	sim_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Expected currents (EVS-2)                                           */

START_TEST(red_reduction_uses_expected_currents)
{
	ews_evse_config c = config(1, 100, 80, 0);
	ews_evse *e = controller(&c);
	ews_evse_station st = station(7, 3, 0, 32);
	ews_evse_result r;
	double m40[3] = { 40, 40, 40 }, m70[3] = { 70.4, 70.4, 70.4 };
	double m105[3] = { 105, 105, 105 }, m97[3] = { 97.4, 97.4, 97.4 };
	int k;

	/* Direct steps, the test giving current_a. t0: a request, 40 A of
	 * other loads: 40 + 32 = 72 <= 80: 32 A. */
	st.connected = 1;
	st.demand_a = 32;
	st.connected_ms = T0;
	step_ok(e, T0, m40, &st, 1, &r);
	decision_is(&r.station[0], 0, EWS_EVSE_CHARGING, 32, 1);
	/* t1-9: the car draws 30.4: 70.4 A, green. */
	st.current_a = 30.4;
	for (k = 1; k < 10; k++) {
		step_ok(e, T0 + k * SEC, m70, &st, 1, &r);
		decision_is(&r.station[0], k, EWS_EVSE_CHARGING, 32, 0);
	}
	/* t10: 105 A, red: to step 1, exp. 105 - 6.4 = 98.6. */
	step_ok(e, T0 + 10 * SEC, m105, &st, 1, &r);
	ck_assert_int_eq(r.zone, EWS_ZONE_RED);
	decision_is(&r.station[0], 10, EWS_EVSE_CHARGING, 24, 1);
	/* t11-12: the car still draws 30.4 > 24 and the meter still reads
	 * 105 (red): exp. 98.6, out of red: not reduced again. */
	for (k = 11; k <= 12; k++) {
		step_ok(e, T0 + k * SEC, m105, &st, 1, &r);
		ck_assert_int_eq(r.zone, EWS_ZONE_RED);
		decision_is(&r.station[0], k, EWS_EVSE_CHARGING, 24, 0);
	}
	/* t13: it followed: 97.4 A, yellow, nobody waiting. */
	st.current_a = 22.8;
	step_ok(e, T0 + 13 * SEC, m97, &st, 1, &r);
	ck_assert_int_eq(r.zone, EWS_ZONE_YELLOW);
	decision_is(&r.station[0], 13, EWS_EVSE_CHARGING, 24, 0);
	ews_evse_free(e);
}
END_TEST

START_TEST(expected_currents_count_what_setpoints_will_draw)
{
	ews_evse_config c = config(1, 100, 80, 0);
	ews_evse *e = controller(&c);
	ews_evse_station st[2] = { station(1, 3, 0, 32), station(2, 3, 0, 32) };
	ews_evse_result r;
	double m0[3] = { 0, 0, 0 }, m47[3] = { 47.4, 47.4, 47.4 };
	int k;

	/* Direct steps. The header: decisions use the expected currents:
	 * the measured ones, less what each station draws now, plus what
	 * it will draw at its signalled setpoint (capped by its demand).
	 * t0: A requests, at 32 A. */
	st[0].connected = 1;
	st[0].demand_a = 32;
	st[0].connected_ms = T0;
	step_ok(e, T0, m0, st, 2, &r);
	decision_is(&r.station[0], 0, EWS_EVSE_CHARGING, 32, 1);
	/* t1-9: A draws 30.4 A (95 % of its setpoint, its demand is 32),
	 * other loads 17 A: 47.4 A. */
	st[0].current_a = 30.4;
	for (k = 1; k < 10; k++)
		step_ok(e, T0 + k * SEC, m47, st, 2, &r);
	decision_is(&r.station[0], 9, EWS_EVSE_CHARGING, 32, 0);
	/* t10: B requests. A is counted at its setpoint, 32 A, not at the
	 * 30.4 A it draws: exp. 47.4 - 30.4 + 32 = 49.0; B at 32 A would
	 * give 81.0 > 80, at step 1 (24 A) 73.0: B starts at 24 A. */
	st[1].connected = 1;
	st[1].demand_a = 32;
	st[1].connected_ms = T0 + 10 * SEC;
	step_ok(e, T0 + 10 * SEC, m47, st, 2, &r);
	decision_is(&r.station[1], 10, EWS_EVSE_CHARGING, 24, 1);
	decision_is(&r.station[0], 10, EWS_EVSE_CHARGING, 32, 0);
	ews_evse_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("evse");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, config_init_gives_the_defaults);
	tcase_add_test(tc, config_init_refuses_an_unknown_version);
	tcase_add_test(tc, config_check_refuses_naming_the_field);
	tcase_add_test(tc, zone_and_state_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("zones");
	tcase_add_test(tc, zones_without_hysteresis);
	tcase_add_test(tc, zones_with_hysteresis_leaving_needs_a_fall);
	tcase_add_test(tc, zone_of_a_station_is_its_phases_only);
	tcase_add_test(tc, dedicated_supply_sums_the_stations);
	suite_add_tcase(s, tc);

	tc = tcase_create("control");
	tcase_add_test(tc, green_authorises_a_new_request_at_rated_current);
	tcase_add_test(tc, green_resumes_the_longest_waiting_first);
	tcase_add_test(tc, green_resumes_priority_stations_first);
	tcase_add_test(tc, green_resumes_at_the_highest_step_that_keeps_green);
	tcase_add_test(
	        tc,
	        yellow_reduces_one_station_a_step_until_the_waiting_one_starts);
	tcase_add_test(tc, yellow_authorises_no_new_request);
	tcase_add_test(tc, recovery_raises_the_first_reduced_first);
	tcase_add_test(tc, red_reduction_uses_expected_currents);
	tcase_add_test(tc, expected_currents_count_what_setpoints_will_draw);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
