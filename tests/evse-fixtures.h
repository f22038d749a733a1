#ifndef EWS_TEST_EVSE_FIXTURES_H
#define EWS_TEST_EVSE_FIXTURES_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/evse.h>

#include "helpers.h"

/*
 * Fixtures shared by the EV charging load controller tests: test-evse.c and
 * test-evse-red.c. Everything is static inline, so a test file that uses
 * only some of it builds without warnings.
 *
 * Two kinds of tests:
 *  - scenarios on a small simulation (struct sim): other loads on the
 *    total meter plus the vehicles, where a station's current_a follows
 *    its last setpoint after a response delay (2 s), at 95 % of the
 *    signalled current, capped by the vehicle's demand_a, and charged_ah
 *    integrates current x dt. Every simulated step (sim_step()) also
 *    checks the invariants of the header (no setpoint in 0-6 A, state vs
 *    setpoint, `changed`, 5 s between changes, 60 s pauses, ids as given);
 *  - direct single steps where the test gives current_a itself
 *    (controller(), station(), step_ok(), decision_is()).
 *
 * Time is an argument: tick k is T0 + k * SEC, steps 1000 ms apart.
 */

#define SEC      INT64_C(1000)
#define T0       INT64_C(1700000000000) /* tick 0 */
#define TOL      1e-6
#define DELAY_MS (2 * SEC) /* a vehicle's response delay */
#define MAX_CARS 8
#define NONE     INT64_MIN

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* field is name, or ends with ".name" (e.g. "station[1].phases"). */
static inline int
field_is(const char *field, const char *name)
{
	size_t lf, ln;

	if (!field)
		return 0;
	if (strcmp(field, name) == 0)
		return 1;
	lf = strlen(field);
	ln = strlen(name);
	return lf > ln && field[lf - ln - 1] == '.' &&
	       strcmp(field + lf - ln, name) == 0;
}

static inline void
assert_einval(ews_status rc, const char *what, const char *name,
              const char *alt)
{
	const ews_error *err = ews_error_last();

	ck_assert_msg(rc == EWS_EINVAL, "%s: %d, want EWS_EINVAL", what,
	              (int)rc);
	ck_assert_msg(err->code == EWS_EINVAL, "%s: last error %d", what,
	              (int)err->code);
	ck_assert_msg(field_is(err->field, name) ||
	                      (alt && field_is(err->field, alt)),
	              "%s: field '%s' (%s), want '%s'", what,
	              err->field ? err->field : "(null)",
	              err->message ? err->message : "(null)", name);
	ck_assert_msg(err->message && err->message[0], "%s: empty message",
	              what);
}

/* The call fails with EWS_EINVAL naming `name` (or `alt`). */
#define REFUSED(call, name, alt)                                               \
	do {                                                                   \
		ews_error_clear();                                             \
		assert_einval((call), #call, (name), (alt));                   \
	} while (0)

/* ------------------------------------------------------------------ */
/* Configuration and stations                                          */

static inline ews_evse_config
config(int meter, double max_a, double charging_a, double hysteresis_pct)
{
	ews_evse_config c;

	ck_assert_int_eq(ews_evse_config_init(&c, EWS_EVSE_CONFIG_VERSION),
	                 EWS_OK);
	c.meter = meter;
	c.max_current_a = max_a;
	c.max_charging_current_a = charging_a;
	c.hysteresis_pct = hysteresis_pct;
	ck_assert_msg(ews_evse_config_check(&c) == EWS_OK, "config: %s",
	              ews_error_last()->message);
	return c;
}

static inline ews_evse *
controller(const ews_evse_config *c)
{
	ews_evse *e = NULL;

	ck_assert_msg(ews_evse_new(c, &e) == EWS_OK, "new: %s",
	              ews_error_last()->message);
	ck_assert_ptr_nonnull(e);
	return e;
}

/* A station with no vehicle. phase: 1-3 for a single-phase station. */
static inline ews_evse_station
station(int64_t id, int phases, int phase, double rated_a)
{
	ews_evse_station s;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.phases = phases;
	s.phase = phases == 1 ? phase : 0;
	s.rated_a = rated_a;
	s.hold = EWS_HOLD_NONE;
	s.priority_override = -1;
	return s;
}

static inline int
on_phase(const ews_evse_station *s, int p /* 0-2 */)
{
	return s->phases == 3 || s->phase == p + 1;
}

static inline void
step_ok(ews_evse *e, int64_t now, const double *meter,
        const ews_evse_station *st, size_t n, ews_evse_result *r)
{
	ews_status rc;

	memset(r, 0xa5, sizeof(*r)); /* nothing left from the step before */
	rc = ews_evse_step(e, now, meter, st, n, r);
	ck_assert_msg(rc == EWS_OK, "step at t=%lld: %s",
	              (long long)((now - T0) / SEC), ews_error_last()->message);
	ck_assert_uint_eq(r->n, n);
}

static inline const char *
state_str(ews_evse_state s)
{
	const char *name = ews_evse_state_name(s);

	return name ? name : "?";
}

static inline const char *
zone_str(ews_evse_zone z)
{
	const char *name = ews_evse_zone_name(z);

	return name ? name : "?";
}

/* A decision is (state, setpoint, changed); changed -1: either. */
static inline void
decision_is(const ews_evse_decision *d, int tick, ews_evse_state state,
            double setpoint_a, int changed)
{
	ck_assert_msg(
	        d->state == state && fabs(d->setpoint_a - setpoint_a) < TOL &&
	                (changed < 0 || d->changed == changed),
	        "t=%d station %lld: %s %.3f A changed %d (%s); want %s "
	        "%.3f A changed %d",
	        tick, (long long)d->id, state_str(d->state), d->setpoint_a,
	        d->changed, d->reason, state_str(state), setpoint_a, changed);
	ck_assert_double_eq_tol(d->setpoint_a, setpoint_a, TOL);
}

/* ------------------------------------------------------------------ */
/* The simulation                                                      */

typedef struct car {
	ews_evse_station st; /* what the station reports */
	double draw_a;       /* what the vehicle will draw ... */
	int64_t draw_at;     /* ... from then on (its response delay) */
	double setpoint_a;   /* the last decision */
	ews_evse_state state;
	int64_t changed_at;     /* of the setpoint, in this charge; NONE */
	int64_t off_at;         /* paused or stopped since; NONE */
	int64_t first_charging; /* of this charge; NONE */
} car;

typedef struct sim {
	ews_evse_config c;
	ews_evse *e;
	int64_t now;       /* of the last step */
	double base[3];    /* the other loads on the total meter */
	int meter_missing; /* the meter is not read */
	size_t n;
	car car[MAX_CARS];
	ews_evse_result r;
} sim;

static inline void
sim_init(sim *s, ews_evse_config c)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->e = controller(&c);
	s->now = T0 - SEC; /* the first step is tick 0 */
}

static inline void
sim_free(sim *s)
{
	ews_evse_free(s->e);
	s->e = NULL;
}

static inline int
tick(const sim *s)
{
	return (int)((s->now - T0) / SEC);
}

/* A station without a vehicle; returns its index. */
static inline size_t
sim_station(sim *s, int phases, int phase, double rated_a, int priority)
{
	car *v;

	ck_assert_uint_lt(s->n, MAX_CARS);
	v = &s->car[s->n];
	memset(v, 0, sizeof(*v));
	v->st = station(101 + (int64_t)s->n, phases, phase, rated_a);
	v->st.priority = priority;
	v->changed_at = v->off_at = v->first_charging = NONE;
	return s->n++;
}

/* A vehicle plugs in before the next step (a new charge). */
static inline void
sim_plug(sim *s, size_t i, double demand_a)
{
	car *v = &s->car[i];

	v->st.connected = 1;
	v->st.demand_a = demand_a;
	v->st.current_a = 0;
	v->st.charged_ah = 0;
	v->st.connected_ms = s->now + SEC;
	v->st.hold = EWS_HOLD_NONE;
	v->st.priority_override = -1;
	v->draw_a = 0;
	v->draw_at = NONE;
	v->changed_at = v->off_at = v->first_charging = NONE;
}

static inline void
sim_unplug(sim *s, size_t i)
{
	car *v = &s->car[i];

	v->st.connected = 0;
	v->st.demand_a = 0;
	v->st.current_a = 0;
	v->draw_a = 0;
}

static inline void
sim_base(sim *s, double l1, double l2, double l3)
{
	s->base[0] = l1;
	s->base[1] = l2;
	s->base[2] = l3;
}

static inline const ews_evse_decision *
dec(const sim *s, size_t i)
{
	return &s->r.station[i];
}

/* One step, 1 s after the last; checks the invariants of the header. */
static inline void
sim_step(sim *s)
{
	ews_evse_station st[MAX_CARS];
	double meter[3];
	size_t i;
	int p, t;

	s->now += SEC;
	t = tick(s);
	for (p = 0; p < 3; p++)
		meter[p] = s->base[p];
	for (i = 0; i < s->n; i++) {
		car *v = &s->car[i];

		v->st.charged_ah += v->st.current_a * (double)SEC / 3600000.0;
		if (!v->st.connected)
			v->st.current_a = 0;
		else if (v->draw_at != NONE && s->now >= v->draw_at)
			v->st.current_a = v->draw_a;
		for (p = 0; p < 3; p++)
			if (on_phase(&v->st, p))
				meter[p] += v->st.current_a;
		st[i] = v->st;
	}
	step_ok(s->e, s->now, s->c.meter && !s->meter_missing ? meter : NULL,
	        st, s->n, &s->r);
	if (!s->c.meter)
		for (p = 0; p < 3; p++)
			ck_assert_msg(fabs(s->r.phase_a[p] - meter[p]) < TOL,
			              "t=%d: L%d %.3f A, stations' sum %.3f A",
			              t, p + 1, s->r.phase_a[p], meter[p]);
	for (i = 0; i < s->n; i++) {
		const ews_evse_decision *d = &s->r.station[i];
		car *v = &s->car[i];
		int same_charge = v->st.connected && v->st.demand_a > 0;
		double sp = d->setpoint_a;

		ck_assert_msg(d->id == v->st.id, "t=%d: decision %zu is %lld",
		              t, i, (long long)d->id);
		ck_assert_msg(sp == 0 || (sp >= EWS_EVSE_MIN_A - TOL &&
		                          sp <= v->st.rated_a + TOL),
		              "t=%d station %lld: setpoint %.3f A (%s)", t,
		              (long long)d->id, sp, d->reason);
		ck_assert_msg((d->state == EWS_EVSE_CHARGING) == (sp > 0),
		              "t=%d station %lld: %s at %.3f A (%s)", t,
		              (long long)d->id, state_str(d->state), sp,
		              d->reason);
		ck_assert_msg(d->changed == (fabs(sp - v->setpoint_a) > TOL),
		              "t=%d station %lld: changed %d, %.3f -> %.3f A",
		              t, (long long)d->id, d->changed, v->setpoint_a,
		              sp);
		if (!same_charge)
			ck_assert_msg(d->state == EWS_EVSE_IDLE && sp == 0,
			              "t=%d station %lld: no request but %s "
			              "%.3f A (%s)",
			              t, (long long)d->id, state_str(d->state),
			              sp, d->reason);
		if (d->changed && same_charge && v->changed_at != NONE)
			ck_assert_msg(
			        s->now - v->changed_at >= s->c.change_min_ms,
			        "t=%d station %lld: %.3f -> %.3f A only "
			        "%lld ms after the last change (%s)",
			        t, (long long)d->id, v->setpoint_a, sp,
			        (long long)(s->now - v->changed_at), d->reason);
		if (sp > 0 && v->off_at != NONE)
			ck_assert_msg(
			        s->now - v->off_at >= s->c.pause_min_ms,
			        "t=%d station %lld: resumed %lld ms after "
			        "its pause or stop (%s)",
			        t, (long long)d->id,
			        (long long)(s->now - v->off_at), d->reason);
		/* The vehicle follows after its delay. */
		if (d->changed) {
			v->changed_at = s->now;
			v->draw_a = fmin(0.95 * sp, v->st.demand_a);
			v->draw_at = s->now + DELAY_MS;
		}
		if (d->state == EWS_EVSE_PAUSED ||
		    d->state == EWS_EVSE_STOPPED) {
			if (v->off_at == NONE)
				v->off_at = s->now;
		} else if (sp > 0) {
			v->off_at = NONE;
			if (v->first_charging == NONE)
				v->first_charging = s->now;
		}
		v->setpoint_a = sp;
		v->state = d->state;
	}
}

/* Steps up to tick k. */
static inline void
sim_to(sim *s, int k)
{
	while (tick(s) < k)
		sim_step(s);
}

/* Plugs a, b and c in turn, at t0, t3 and t6, each asking demand_a,
 * and steps to t6. */
static inline void
plug_three(sim *s, size_t a, size_t b, size_t c, double demand_a)
{
	sim_plug(s, a, demand_a);
	sim_to(s, 2);
	sim_plug(s, b, demand_a);
	sim_to(s, 5);
	sim_plug(s, c, demand_a);
	sim_to(s, 6);
}

/* Steps up to tick k; no station's setpoint changes. */
static inline void
sim_quiet_to(sim *s, int k)
{
	size_t i;

	while (tick(s) < k) {
		sim_step(s);
		for (i = 0; i < s->n; i++)
			ck_assert_msg(!dec(s, i)->changed,
			              "t=%d station %lld: %s %.3f A (%s), want "
			              "no change",
			              tick(s), (long long)dec(s, i)->id,
			              state_str(dec(s, i)->state),
			              dec(s, i)->setpoint_a, dec(s, i)->reason);
	}
}

static inline void
expect(const sim *s, size_t i, ews_evse_state state, double setpoint_a,
       int changed)
{
	decision_is(dec(s, i), tick(s), state, setpoint_a, changed);
}

static inline void
expect_zone(const sim *s, ews_evse_zone z)
{
	ck_assert_msg(s->r.zone == z, "t=%d: zone %s, want %s", tick(s),
	              zone_str(s->r.zone), zone_str(z));
}

/* ------------------------------------------------------------------ */
/* Shared scenarios                                                    */

/* Yellow from other loads (85 A, green <= 80): A plugs at t1, B at t2;
 * both wait. At t5 the other loads fall to 10 A. */
static inline void
two_waiting(sim *s, size_t a, size_t b)
{
	sim_base(s, 85, 85, 85);
	sim_step(s);
	sim_plug(s, a, 32);
	sim_step(s);
	expect(s, a, EWS_EVSE_WAITING, 0, 0);
	expect_zone(s, EWS_ZONE_YELLOW);
	sim_plug(s, b, 32);
	sim_step(s);
	expect(s, a, EWS_EVSE_WAITING, 0, 0);
	expect(s, b, EWS_EVSE_WAITING, 0, 0);
	sim_quiet_to(s, 4);
	expect(s, a, EWS_EVSE_WAITING, 0, 0);
	expect(s, b, EWS_EVSE_WAITING, 0, 0);
	sim_base(s, 10, 10, 10);
}

#endif
