/*
 * Green'Up, the EV charging load controller (EVS-2, EVS-4, EVS-6 and the
 * rules "beyond the manual", include/ews/evse.h), replayed step by step
 * with time as an argument: red reductions to step 1, step 2 and stops,
 * and the order of reductions; a step below 6 A is a pause of 60 s;
 * setpoints change at most every 5 s; the fail-safe currents when the
 * meter is lost; per-charge holds and priority overrides, and a vehicle
 * leaving ending them; bad station input. Fixtures are in
 * evse-fixtures.h; see tests/test-evse.c for the other controller tests.
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
/* Red (EVS-2)                                                         */

START_TEST(red_reduces_to_step1_then_step2_then_stops)
{
	sim s;
	size_t a, b, c;

	/* green <= 97 < yellow <= 100 < red. A, B, C three-phase 32 A,
	 * plugged at t0, t3, t6: 0 + 32, 30.4 + 32 = 62.4, 60.8 + 32 =
	 * 92.8 <= 97: all at rated, 91.2 A once they draw. (The margin
	 * also holds if A and B were counted at their 32 A setpoints: 96;
	 * expected_currents_count_what_setpoints_will_draw is about that.)
	 * Raising anyone one step (+8 A) stays out of green throughout. */
	sim_init(&s, config(1, 100, 97, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	c = sim_station(&s, 3, 0, 32, 0);
	plug_three(&s, a, b, c, 32);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, c, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(&s, 19);
	ck_assert_double_eq_tol(s.r.phase_a[0], 91.2, TOL);

	/* t20: other loads 9 A: 100.2 A, red. Reduction order: all
	 * non-priority, none has 32 Ah: connected longest, A, B, C. A to
	 * step 1, 24 A: exp. 100.2 - 6.4 = 93.8, out of red: enough. */
	sim_base(&s, 9, 9, 9);
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_RED);
	expect(&s, a, EWS_EVSE_CHARGING, 24, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, c, EWS_EVSE_CHARGING, 32, 0);
	/* t21: measured still 100.2 (red) while A responds; exp. 93.8: no
	 * further reduction. t22: 93.8 measured, green; raising A would
	 * give 101.8: A stays at step 1. */
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_RED);
	expect(&s, a, EWS_EVSE_CHARGING, 24, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, c, EWS_EVSE_CHARGING, 32, 0);
	sim_quiet_to(&s, 29);
	expect_zone(&s, EWS_ZONE_GREEN);

	/* t30: other loads 30 A: 30 + 22.8 + 30.4 + 30.4 = 113.6, red.
	 * All to step 1 first: B 24 (exp. 107.2), C 24 (100.8), still red;
	 * then the second step in the reduction order: A 16 (22.8 - 16 =
	 * 6.8: exp. 94.0). */
	sim_base(&s, 30, 30, 30);
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_RED);
	expect(&s, a, EWS_EVSE_CHARGING, 16, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 24, 1);
	expect(&s, c, EWS_EVSE_CHARGING, 24, 1);
	/* t31: exp. 94.0, nothing more; t32: 30 + 15.2 + 45.6 = 90.8. */
	sim_quiet_to(&s, 39);
	expect_zone(&s, EWS_ZONE_GREEN);

	/* t40: other loads 60 A: 60 + 15.2 + 22.8 + 22.8 = 120.8, red.
	 * Second step: B 16 (exp. 114.0), C 16 (107.2); all at step 2 and
	 * still red: stop in the stop order, A first (connected longest):
	 * exp. 107.2 - 15.2 = 92.0. */
	sim_base(&s, 60, 60, 60);
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_RED);
	expect(&s, a, EWS_EVSE_STOPPED, 0, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 16, 1);
	expect(&s, c, EWS_EVSE_CHARGING, 16, 1);
	sim_quiet_to(&s, 49);
	ck_assert_double_eq_tol(s.r.phase_a[0], 90.4, TOL);

	/* t50: other loads gone, green with room; A stays stopped until
	 * t100 (60 s; sim_step checks it) and then resumes. */
	sim_base(&s, 0, 0, 0);
	while (tick(&s) < 103 && dec(&s, a)->state != EWS_EVSE_CHARGING) {
		sim_step(&s);
		if (tick(&s) < 100)
			ck_assert_double_eq_tol(dec(&s, a)->setpoint_a, 0, TOL);
	}
	ck_assert_msg(dec(&s, a)->state == EWS_EVSE_CHARGING,
	              "t=%d: A %s (%s), want charging again", tick(&s),
	              state_str(dec(&s, a)->state), dec(&s, a)->reason);
	ck_assert_int_ge(tick(&s), 100);
	sim_free(&s);
}
END_TEST

/* Four three-phase 32 A stations, plugged at t0, t3, t6, t9, all at
 * rated (green <= 200 A = red threshold); at t20 the other loads rise to
 * 94.4 A: 94.4 + 121.6 = 216 A, red. Three reductions to step 1 are
 * needed: 216 - 6.4 = 209.6, - 12.8 = 203.2, - 19.2 = 196.8 <= 200. */
static void
red_order(sim *s, const int *priority, const int *override,
          const double *charged_ah)
{
	size_t i;

	sim_init(s, config(1, 200, 200, 0));
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(sim_station(s, 3, 0, 32, priority[i]), i);
	}
	for (i = 0; i < 4; i++) {
		sim_to(s, 3 * (int)i - 1);
		sim_plug(s, i, 32);
		s->car[i].st.priority_override = override[i];
		s->car[i].st.charged_ah = charged_ah[i];
		sim_step(s);
		expect(s, i, EWS_EVSE_CHARGING, 32, 1);
	}
	sim_quiet_to(s, 19);
	sim_base(s, 94.4, 94.4, 94.4);
	sim_step(s);
	expect_zone(s, EWS_ZONE_RED);
}

START_TEST(red_reduction_order_non_priority_then_min_charge_then_longest)
{
	/* P priority (t0), M non-priority with 40 Ah >= 32 (t3), N1 (t6)
	 * and N2 (t9) non-priority without. Order: non-priority first
	 * (M, N1, N2), of them those with the minimum charge first (M),
	 * then connected longest (N1, N2); P last. Three to reduce: M, N1,
	 * N2; P keeps 32 A. */
	static const int prio[4] = { 1, 0, 0, 0 }, none[4] = { -1, -1, -1, -1 };
	static const double ah[4] = { 0, 40, 0, 0 };
	sim s;

	red_order(&s, prio, none, ah);
	expect(&s, 0, EWS_EVSE_CHARGING, 32, 0); /* P */
	expect(&s, 1, EWS_EVSE_CHARGING, 24, 1); /* M */
	expect(&s, 2, EWS_EVSE_CHARGING, 24, 1); /* N1 */
	expect(&s, 3, EWS_EVSE_CHARGING, 24, 1); /* N2 */
	sim_quiet_to(&s, 30); /* exp. 196.8, then measured 196.8 */
	sim_free(&s);
}
END_TEST

START_TEST(red_reduces_only_stations_on_the_overloaded_phase)
{
	sim s;
	size_t s2, s3, s1;

	/* EVS-6. green = red threshold = 100 A. S2 on L2 (t0), S3 three-
	 * phase (t3), S1 on L1 (t6), all 32 A at rated: L1 60.8, L2 60.8,
	 * L3 30.4. */
	sim_init(&s, config(1, 100, 100, 0));
	s2 = sim_station(&s, 1, 2, 32, 0);
	s3 = sim_station(&s, 3, 0, 32, 0);
	s1 = sim_station(&s, 1, 1, 32, 0);
	plug_three(&s, s2, s3, s1, 32);
	expect(&s, s2, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, s3, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, s1, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(&s, 19);
	/* t20: 42.2 A of other loads on L1: 103.0 A, red on L1 only. The
	 * stations on L1 in the reduction order: S3 (t3) then S1 (t6). S3
	 * to 24: exp. L1 96.6. S2, connected longest but on L2, is not
	 * touched. Zones: S2 green (L2), S3 and S1 red. */
	sim_base(&s, 42.2, 0, 0);
	sim_step(&s);
	expect_zone(&s, EWS_ZONE_RED);
	ck_assert_int_eq(dec(&s, s2)->zone, EWS_ZONE_GREEN);
	ck_assert_int_eq(dec(&s, s3)->zone, EWS_ZONE_RED);
	ck_assert_int_eq(dec(&s, s1)->zone, EWS_ZONE_RED);
	expect(&s, s2, EWS_EVSE_CHARGING, 32, 0);
	expect(&s, s3, EWS_EVSE_CHARGING, 24, 1);
	expect(&s, s1, EWS_EVSE_CHARGING, 32, 0);
	sim_quiet_to(&s, 30);
	sim_free(&s);
}
END_TEST

START_TEST(red_stops_those_with_the_minimum_charge_first)
{
	sim s;
	size_t a, b, c;

	/* green = red threshold = 100 A. A non-priority, 10 Ah, plugged
	 * first (t0); B non-priority, 40 Ah (t3); C priority, 40 Ah (t6);
	 * all three-phase 32 A at rated: 91.2 A. Stop order: B
	 * (non-priority with the minimum charge), A (non-priority without:
	 * only after those with it, although connected longest), C
	 * (priority: last, though it has the minimum charge). */
	sim_init(&s, config(1, 100, 100, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	c = sim_station(&s, 3, 0, 32, 1);
	sim_plug(&s, a, 32);
	s.car[a].st.charged_ah = 10;
	sim_to(&s, 2);
	sim_plug(&s, b, 32);
	s.car[b].st.charged_ah = 40;
	sim_to(&s, 5);
	sim_plug(&s, c, 32);
	s.car[c].st.charged_ah = 40;
	sim_to(&s, 6);
	sim_quiet_to(&s, 19);
	expect(&s, c, EWS_EVSE_CHARGING, 32, 0);

	/* t20: other loads 24.8: 116 A. Step 1 for three (116 - 12.8 =
	 * 103.2 > 100): all at 24, exp. 96.8. t22: 24.8 + 68.4 = 93.2. */
	sim_base(&s, 24.8, 24.8, 24.8);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 24, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 24, 1);
	expect(&s, c, EWS_EVSE_CHARGING, 24, 1);
	sim_quiet_to(&s, 29);
	/* t30: 48.6: 117 A. Step 2 for three (117 - 13.6 = 103.4): all at
	 * 16, exp. 96.6. t32: 48.6 + 45.6 = 94.2. */
	sim_base(&s, 48.6, 48.6, 48.6);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 16, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 16, 1);
	expect(&s, c, EWS_EVSE_CHARGING, 16, 1);
	sim_quiet_to(&s, 39);
	/* t40: 64.4: 110 A, all at step 2: stop one, B: exp. 94.8. */
	sim_base(&s, 64.4, 64.4, 64.4);
	sim_step(&s);
	expect(&s, b, EWS_EVSE_STOPPED, 0, 1);
	expect(&s, a, EWS_EVSE_CHARGING, 16, 0);
	expect(&s, c, EWS_EVSE_CHARGING, 16, 0);
	sim_quiet_to(&s, 49);
	/* t50: 79.6: 79.6 + 30.4 = 110: stop A: exp. 94.8. */
	sim_base(&s, 79.6, 79.6, 79.6);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_STOPPED, 0, 1);
	expect(&s, c, EWS_EVSE_CHARGING, 16, 0);
	sim_quiet_to(&s, 59);
	/* t60: 95: 95 + 15.2 = 110.2: the manual would stop no more; ews
	 * goes on down the order rather than let the breaker trip: C. */
	sim_base(&s, 95, 95, 95);
	sim_step(&s);
	expect(&s, c, EWS_EVSE_STOPPED, 0, 1);
	expect(&s, a, EWS_EVSE_STOPPED, 0, 0);
	expect(&s, b, EWS_EVSE_STOPPED, 0, 0);
	sim_quiet_to(&s, 70);
	sim_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Beyond the manual                                                   */

START_TEST(a_step_below_6a_is_a_pause_of_60s)
{
	sim s;
	size_t p;

	/* green <= 80 < yellow <= 100. P on L1, rated 10 A: steps 7.5 A
	 * and 5 A (< 6 A: a pause). t0: 10 A. */
	sim_init(&s, config(1, 100, 80, 0));
	p = sim_station(&s, 1, 1, 10, 0);
	sim_plug(&s, p, 10);
	sim_step(&s);
	expect(&s, p, EWS_EVSE_CHARGING, 10, 1);
	sim_quiet_to(&s, 9);
	/* t10: 91 A of other loads on L1: 91 + 9.5 = 100.5, red: step 1,
	 * 7.5 A: exp. 98.5. t12: 91 + 7.125 = 98.125, yellow. */
	sim_base(&s, 91, 0, 0);
	sim_step(&s);
	expect(&s, p, EWS_EVSE_CHARGING, 7.5, 1);
	sim_quiet_to(&s, 19);
	/* t20: 96 A: 103.125, red: step 2 would be 5 A < 6: paused,
	 * setpoint 0 (exp. 96). */
	sim_base(&s, 96, 0, 0);
	sim_step(&s);
	expect(&s, p, EWS_EVSE_PAUSED, 0, 1);
	/* t25: 20 A: green with room, but the pause lasts 60 s: paused
	 * until t80, then 20 + 10 <= 80: back at rated. */
	sim_quiet_to(&s, 24);
	sim_base(&s, 20, 0, 0);
	while (tick(&s) < 79) {
		sim_step(&s);
		expect(&s, p, EWS_EVSE_PAUSED, 0, 0);
	}
	while (tick(&s) < 82 && dec(&s, p)->state != EWS_EVSE_CHARGING)
		sim_step(&s);
	expect(&s, p, EWS_EVSE_CHARGING, 10, 1);
	sim_free(&s);
}
END_TEST

START_TEST(setpoint_changes_at_most_every_5s)
{
	sim s;
	size_t a;
	int k;

	/* t0: A at 32 A. t2: other loads 75 A while A draws 30.4: 105.4,
	 * red; but A's setpoint changed at t0: it may change again from
	 * t5 only. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	sim_plug(&s, a, 32);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_step(&s);
	sim_base(&s, 75, 75, 75);
	for (k = 2; k <= 4; k++) {
		sim_step(&s);
		expect_zone(&s, EWS_ZONE_RED);
		expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	}
	/* From t5: step 1, exp. 105.4 - 6.4 = 99 (at t5, or t6 at the
	 * latest). */
	while (tick(&s) < 6 && !dec(&s, a)->changed)
		sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 24, 1);
	sim_free(&s);
}
END_TEST

START_TEST(meter_lost_gives_failsafe_currents)
{
	sim s;
	size_t a, b;
	int onset = 0;

	/* green <= 80. A (t0) and B (t3), three-phase 32 A at rated. The
	 * last reading is at t20; from t21 none. Lost after 3 periods
	 * (t23), the fail-safe within one more (t24 at the latest): every
	 * charge at 6 A, failsafe = 1, failsafe_changed = 1 once. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	sim_plug(&s, a, 32);
	sim_to(&s, 2);
	sim_plug(&s, b, 32);
	sim_to(&s, 5);
	sim_quiet_to(&s, 20);
	ck_assert_int_eq(s.r.failsafe, 0);
	ck_assert_int_eq(s.r.failsafe_changed, 0);
	s.meter_missing = 1;
	sim_step(&s); /* t21, t22: a missed read or two is not a loss */
	ck_assert_int_eq(s.r.failsafe, 0);
	ck_assert_int_eq(s.r.failsafe_changed, 0);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 0);
	sim_step(&s);
	ck_assert_int_eq(s.r.failsafe, 0);
	ck_assert_int_eq(s.r.failsafe_changed, 0);
	expect(&s, b, EWS_EVSE_CHARGING, 32, 0);
	while (tick(&s) < 24 && !s.r.failsafe)
		sim_step(&s);
	ck_assert_msg(s.r.failsafe == 1, "t=%d: no fail-safe", tick(&s));
	ck_assert_int_eq(s.r.failsafe_changed, 1);
	onset = tick(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 6, 1);
	expect(&s, b, EWS_EVSE_CHARGING, 6, 1);
	/* Still lost: steady, failsafe_changed 0. */
	while (tick(&s) < 29) {
		sim_step(&s);
		ck_assert_int_eq(s.r.failsafe, 1);
		ck_assert_int_eq(s.r.failsafe_changed, 0);
		expect(&s, a, EWS_EVSE_CHARGING, 6, 0);
		expect(&s, b, EWS_EVSE_CHARGING, 6, 0);
	}
	ck_assert_int_ge(onset, 23);
	/* t30: read again (11.4 A): normal control, failsafe_changed once;
	 * green with room: both back to rated, step by step. */
	s.meter_missing = 0;
	sim_step(&s);
	ck_assert_int_eq(s.r.failsafe, 0);
	ck_assert_int_eq(s.r.failsafe_changed, 1);
	ck_assert_double_eq_tol(s.r.phase_a[0], 11.4, TOL);
	expect_zone(&s, EWS_ZONE_GREEN);
	sim_step(&s);
	ck_assert_int_eq(s.r.failsafe, 0);
	ck_assert_int_eq(s.r.failsafe_changed, 0);
	sim_to(&s, 60);
	expect(&s, a, EWS_EVSE_CHARGING, 32, -1);
	expect(&s, b, EWS_EVSE_CHARGING, 32, -1);
	ck_assert_int_eq(s.r.failsafe_changed, 0);
	sim_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Per-charge overrides (EVS-4)                                        */

START_TEST(hold_wait_keeps_a_charge_waiting_even_in_green)
{
	sim s;
	size_t a, b;

	/* Green with plenty of room. B charges from t0; A plugs at t1 with
	 * Wait: it waits until Start (t11), then 30.4 + 32 <= 80: 32 A. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 1); /* even a priority station */
	b = sim_station(&s, 3, 0, 32, 0);
	sim_plug(&s, b, 32);
	sim_step(&s);
	sim_plug(&s, a, 32);
	s.car[a].st.hold = EWS_HOLD_WAIT;
	while (tick(&s) < 10) {
		sim_step(&s);
		expect_zone(&s, EWS_ZONE_GREEN);
		expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	}
	s.car[a].st.hold = EWS_HOLD_START;
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	/* t20: Wait on B, charging: it stops charging and waits. */
	sim_quiet_to(&s, 19);
	s.car[b].st.hold = EWS_HOLD_WAIT;
	sim_step(&s);
	expect(&s, b, EWS_EVSE_WAITING, 0, 1);
	sim_quiet_to(&s, 30);
	expect(&s, b, EWS_EVSE_WAITING, 0, 0);
	sim_free(&s);
}
END_TEST

START_TEST(hold_start_puts_a_charge_first)
{
	sim s;
	size_t a, b;

	/* Two waiting (two_waiting: A since t1, B since t2); B has Start:
	 * first of the waiting list, it starts before A. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	sim_base(&s, 85, 85, 85);
	sim_step(&s);
	sim_plug(&s, a, 32);
	sim_step(&s);
	sim_plug(&s, b, 32);
	s.car[b].st.hold = EWS_HOLD_START;
	sim_to(&s, 4);
	expect(&s, a, EWS_EVSE_WAITING, 0, -1);
	sim_base(&s, 10, 10, 10);
	sim_to(&s, 10);
	expect(&s, a, EWS_EVSE_CHARGING, 32, -1);
	expect(&s, b, EWS_EVSE_CHARGING, 32, -1);
	ck_assert_msg(s.car[b].first_charging < s.car[a].first_charging,
	              "B (Start) at t=%lld, A at t=%lld: want B first",
	              (long long)((s.car[b].first_charging - T0) / SEC),
	              (long long)((s.car[a].first_charging - T0) / SEC));
	sim_free(&s);
}
END_TEST

START_TEST(priority_override_changes_the_order_for_this_charge)
{
	sim s;
	size_t a, b;

	/* Waiting order: A is a priority station but Normal for this
	 * charge; B a normal one but Priority for this charge. Although A
	 * waits longer and is priority by default, B goes first. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 1);
	b = sim_station(&s, 3, 0, 32, 0);
	sim_base(&s, 85, 85, 85);
	sim_step(&s);
	sim_plug(&s, a, 32);
	s.car[a].st.priority_override = 0;
	sim_step(&s);
	sim_plug(&s, b, 32);
	s.car[b].st.priority_override = 1;
	sim_quiet_to(&s, 4);
	sim_base(&s, 10, 10, 10);
	sim_step(&s); /* t5 */
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_free(&s);
}
END_TEST

START_TEST(priority_override_changes_the_reduction_order)
{
	/* red_order with P priority by default but Normal for this charge,
	 * and N2 normal but Priority for this charge. Order: non-priority
	 * M, P, N1 (M has the minimum charge; then P connected at t0, N1 at
	 * t6); then N2. Three to reduce: M, P, N1. */
	static const int prio[4] = { 1, 0, 0, 0 }, over[4] = { 0, -1, -1, 1 };
	static const double ah[4] = { 0, 40, 0, 0 };
	sim s;

	red_order(&s, prio, over, ah);
	expect(&s, 0, EWS_EVSE_CHARGING, 24, 1); /* P */
	expect(&s, 1, EWS_EVSE_CHARGING, 24, 1); /* M */
	expect(&s, 2, EWS_EVSE_CHARGING, 24, 1); /* N1 */
	expect(&s, 3, EWS_EVSE_CHARGING, 32, 0); /* N2 */
	sim_free(&s);
}
END_TEST

START_TEST(a_vehicle_leaving_ends_its_overrides)
{
	sim s;
	size_t a, b;

	/* A charges from t0 with Start and Priority for this charge. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	sim_plug(&s, a, 32);
	s.car[a].st.hold = EWS_HOLD_START;
	s.car[a].st.priority_override = 1;
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_quiet_to(&s, 9);
	/* t10: the vehicle leaves (connected 0), even if the station still
	 * reports a demand and the old overrides: idle, setpoint 0. */
	s.car[a].st.connected = 0;
	s.car[a].st.current_a = 0;
	s.car[a].draw_a = 0;
	sim_step(&s);
	expect(&s, a, EWS_EVSE_IDLE, 0, 1);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_IDLE, 0, 0);
	/* t12: yellow; B plugs (waiting since t12), then at t13 a new
	 * vehicle on A without overrides: at t15, green, B first. */
	sim_base(&s, 85, 85, 85);
	sim_plug(&s, b, 32);
	sim_step(&s);
	sim_plug(&s, a, 32);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	expect(&s, b, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	sim_base(&s, 10, 10, 10);
	sim_step(&s); /* t15 */
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_free(&s);
}
END_TEST

START_TEST(a_new_connected_ms_is_a_new_charge)
{
	sim s;
	size_t a, b;

	/* Yellow: A waits since t1, B since t2. At t3 A reports a new
	 * connected_ms (another vehicle, no step without one between): its
	 * wait starts again. At t5, green: B first. */
	sim_init(&s, config(1, 100, 80, 0));
	a = sim_station(&s, 3, 0, 32, 0);
	b = sim_station(&s, 3, 0, 32, 0);
	sim_base(&s, 85, 85, 85);
	sim_step(&s);
	sim_plug(&s, a, 32);
	sim_step(&s);
	sim_plug(&s, b, 32);
	sim_step(&s);
	sim_plug(&s, a, 32); /* connected_ms: t3 */
	sim_step(&s);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	sim_base(&s, 10, 10, 10);
	sim_step(&s); /* t5 */
	expect(&s, b, EWS_EVSE_CHARGING, 32, 1);
	expect(&s, a, EWS_EVSE_WAITING, 0, 0);
	sim_step(&s);
	expect(&s, a, EWS_EVSE_CHARGING, 32, 1);
	sim_free(&s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad input                                                           */

START_TEST(bad_station_input_is_refused_naming_the_field)
{
	ews_evse_config c = config(1, 100, 80, 0);
	ews_evse *e = controller(&c);
	ews_evse_station st[EWS_EVSE_STATIONS_MAX + 1], bad;
	ews_evse_result r;
	double meter[3] = { 10, 10, 10 };
	size_t i;

	for (i = 0; i <= EWS_EVSE_STATIONS_MAX; i++)
		st[i] = station(1 + (int64_t)i, 3, 0, 32);
	step_ok(e, T0, meter, st, 2, &r);

	bad = st[1];
	bad.phases = 2;
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "phases",
	        NULL);
	bad.phases = 0;
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "phases",
	        NULL);
	bad.phases = 1;
	bad.phase = 4; /* a single-phase station on "L4" */
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "phase",
	        NULL);
	bad.phase = 0;
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "phase",
	        NULL);
	bad = station(2, 3, 0, 0);
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "rated_a",
	        NULL);
	bad.rated_a = -16;
	st[1] = bad;
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st, 2, &r), "rated_a",
	        NULL);
	st[1] = station(2, 1, 3, 16);
	REFUSED(ews_evse_step(e, T0 + 1 * SEC, meter, st,
	                      EWS_EVSE_STATIONS_MAX + 1, &r),
	        "n", NULL);
	/* The limit itself is fine. */
	step_ok(e, T0 + 1 * SEC, meter, st, EWS_EVSE_STATIONS_MAX, &r);
	step_ok(e, T0 + 10 * SEC, meter, st, 2, &r);
	/* Time going backwards. */
	REFUSED(ews_evse_step(e, T0 + 9 * SEC, meter, st, 2, &r), "now_ms",
	        "now");
	step_ok(e, T0 + 11 * SEC, meter, st, 2, &r);
	ews_evse_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("evse-red");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, bad_station_input_is_refused_naming_the_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("control");
	tcase_add_test(tc, red_reduces_to_step1_then_step2_then_stops);
	tcase_add_test(
	        tc,
	        red_reduction_order_non_priority_then_min_charge_then_longest);
	tcase_add_test(tc, red_reduces_only_stations_on_the_overloaded_phase);
	tcase_add_test(tc, red_stops_those_with_the_minimum_charge_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("beyond");
	tcase_add_test(tc, a_step_below_6a_is_a_pause_of_60s);
	tcase_add_test(tc, setpoint_changes_at_most_every_5s);
	tcase_add_test(tc, meter_lost_gives_failsafe_currents);
	suite_add_tcase(s, tc);

	tc = tcase_create("overrides");
	tcase_add_test(tc, hold_wait_keeps_a_charge_waiting_even_in_green);
	tcase_add_test(tc, hold_start_puts_a_charge_first);
	tcase_add_test(tc, priority_override_changes_the_order_for_this_charge);
	tcase_add_test(tc, priority_override_changes_the_reduction_order);
	tcase_add_test(tc, a_vehicle_leaving_ends_its_overrides);
	tcase_add_test(tc, a_new_connected_ms_is_a_new_charge);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
