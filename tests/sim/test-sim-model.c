/*
 * The physics of ews-sim (frontends/sim/sim-model.c) as the pure
 * functions they are: the vehicle's response to a setpoint or enable
 * write, 95 % of the signalled current, a single-phase station on L2, a
 * meter's fixed load, and a meter adding the stations it feeds. No
 * server, no clock: time is an argument.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "sim.h"

#define T0 1709632800.0 /* 2024-03-05T10:00:00Z */

static struct sim_params
station(double response_s)
{
	struct sim_params p;

	memset(&p, 0, sizeof(p));
	p.kind = SIM_KIND_EVSE;
	p.profile = SIM_PROFILE_OFFICE;
	p.phases = 3;
	p.seed = 7;
	p.energy_wh = 1e6;
	p.setpoint_a = 16;
	p.vehicle_max_a = 32;
	p.vehicle = SIM_VEHICLE_PRESENT;
	p.response_s = response_s;
	p.load_a = -1;
	return p;
}

static double
q(const struct sim_state *s, ews_quantity what)
{
	struct sim_values v;

	sim_state_values(s, &v);
	return sim_values_get(&v, what, 0);
}

START_TEST(test_write_followed_after_response_s)
{
	struct sim_params p = station(5);
	struct sim_state s;

	sim_state_init(&s, &p, T0);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 16);
	sim_state_set_setpoint(&s, 10);
	/* the register reads back at once; the vehicle has not moved */
	ck_assert_double_eq(q(&s, EWS_Q_SETPOINT_CURRENT), 10);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L3), 0.95 * 16);
	sim_state_advance(&s, T0 + 4.999);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 16);
	sim_state_advance(&s, T0 + 5);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 10);
	ck_assert_double_eq(q(&s, EWS_Q_CP_STATE), EWS_CP_C);
	/* disabled: B once the vehicle has seen it */
	sim_state_set_enable(&s, 0);
	ck_assert_double_eq(q(&s, EWS_Q_CHARGE_ENABLE), 0);
	ck_assert_double_eq(q(&s, EWS_Q_CP_STATE), EWS_CP_C);
	sim_state_advance(&s, T0 + 10);
	ck_assert_double_eq(q(&s, EWS_Q_CP_STATE), EWS_CP_B);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L2), 0);
}
END_TEST

START_TEST(test_response_0_is_immediate_and_6_a_still_charges)
{
	struct sim_params p = station(0);
	struct sim_state s;

	sim_state_init(&s, &p, T0);
	sim_state_set_setpoint(&s, 6);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 6);
	sim_state_set_setpoint(&s, 5.9);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0);
	ck_assert_double_eq(q(&s, EWS_Q_CP_STATE), EWS_CP_B);
	sim_state_set_setpoint(&s, 80); /* the station's 32 A */
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 32);
}
END_TEST

/* The counters see the old current until the vehicle follows, the new
 * one after: the same as writing with no delay at the instant the
 * vehicle follows. */
START_TEST(test_energy_changes_when_the_vehicle_follows)
{
	struct sim_params late = station(5), now = station(0);
	struct sim_state a, b;

	sim_state_init(&a, &late, T0);
	sim_state_init(&b, &now, T0);
	sim_state_set_setpoint(&a, 10);
	sim_state_advance(&a, T0 + 60);
	sim_state_advance(&b, T0 + 5);
	sim_state_set_setpoint(&b, 10);
	sim_state_advance(&b, T0 + 60);
	ck_assert_double_eq(q(&a, EWS_Q_ACTIVE_ENERGY_IMPORT),
	                    q(&b, EWS_Q_ACTIVE_ENERGY_IMPORT));
	ck_assert_double_gt(q(&a, EWS_Q_ACTIVE_ENERGY_IMPORT), 1e6);
}
END_TEST

/* More writes than the history holds within one response time: the
 * first and the last are followed, each at its time. */
START_TEST(test_many_writes_within_the_response_time)
{
	struct sim_params p = station(5);
	struct sim_state s;
	int i;

	sim_state_init(&s, &p, T0);
	for (i = 0; i < 20; i++) {
		sim_state_advance(&s, T0 + 0.1 * i);
		sim_state_set_setpoint(&s, 6 + i);
	}
	sim_state_advance(&s, T0 + 5.05);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 6);
	sim_state_advance(&s, T0 + 6.95);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0.95 * 25);
	ck_assert_uint_eq(s.ncmd, 1);
}
END_TEST

START_TEST(test_single_phase_station_on_l2)
{
	struct sim_params p = station(0);
	struct sim_state s;

	p.phases = 1;
	p.phase = 1;
	sim_state_init(&s, &p, T0);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L1), 0);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L2), 0.95 * 16);
	ck_assert_double_eq(q(&s, EWS_Q_CURRENT_L3), 0);
	ck_assert_double_eq(q(&s, EWS_Q_ACTIVE_ENERGY_IMPORT_L2), 1e6);
	sim_state_advance(&s, T0 + 3600);
	ck_assert_double_eq(q(&s, EWS_Q_ACTIVE_ENERGY_IMPORT_L1), 0);
	ck_assert_double_gt(q(&s, EWS_Q_ACTIVE_ENERGY_IMPORT_L2), 1e6);
}
END_TEST

START_TEST(test_meter_fixed_load_and_feeds)
{
	struct sim_params m = station(0), ev = station(0);
	struct sim_state meter, st;
	struct sim_values v, own, fed;
	unsigned int k;

	m.kind = SIM_KIND_METER;
	m.load_a = 100;
	m.seed = 1;
	sim_state_init(&meter, &m, T0);
	sim_state_init(&st, &ev, T0);
	sim_state_values(&meter, &own);
	sim_state_values(&st, &fed);
	v = own;
	sim_values_add_feed(&v, &fed);
	for (k = 0; k < 3; k++) {
		ck_assert_double_eq(own.q[EWS_Q_CURRENT_L1 + k], 100);
		ck_assert_double_eq(v.q[EWS_Q_CURRENT_L1 + k], 100 + 0.95 * 16);
		ck_assert_double_eq(v.q[EWS_Q_ACTIVE_POWER_L1 + k],
		                    own.q[EWS_Q_ACTIVE_POWER_L1 + k] +
		                            fed.q[EWS_Q_ACTIVE_POWER_L1 + k]);
		ck_assert_double_eq(v.q[EWS_Q_POWER_FACTOR_L1 + k],
		                    v.q[EWS_Q_ACTIVE_POWER_L1 + k] /
		                            v.q[EWS_Q_APPARENT_POWER_L1 + k]);
	}
	ck_assert_double_eq(v.q[EWS_Q_ACTIVE_POWER],
	                    own.q[EWS_Q_ACTIVE_POWER] +
	                            fed.q[EWS_Q_ACTIVE_POWER]);
	ck_assert_double_eq(v.q[EWS_Q_ACTIVE_ENERGY_IMPORT],
	                    own.q[EWS_Q_ACTIVE_ENERGY_IMPORT]);
	sim_state_set_load(&meter, 260);
	ck_assert_double_eq(q(&meter, EWS_Q_CURRENT_L2), 260);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sim-model");
	TCase *tc = tcase_create("ev");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_write_followed_after_response_s);
	tcase_add_test(tc, test_response_0_is_immediate_and_6_a_still_charges);
	tcase_add_test(tc, test_energy_changes_when_the_vehicle_follows);
	tcase_add_test(tc, test_many_writes_within_the_response_time);
	tcase_add_test(tc, test_single_phase_station_on_l2);
	tcase_add_test(tc, test_meter_fixed_load_and_feeds);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
