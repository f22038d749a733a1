/*
 * Green'Up, the EV charging load controller (EVS-1..6, include/ews/evse.h):
 * each test is one rule of the header comment, of EVS-2/3/4/6 or of the
 * rules "beyond the manual", replayed step by step with time as an
 * argument (steps 1000 ms apart, never a sleep).
 *
 * Two kinds of tests:
 *  - scenarios on a small simulation (struct sim): other loads on the
 *    total meter plus the vehicles, where a station's current_a follows
 *    its last setpoint after a response delay (2 s), at 95 % of the
 *    signalled current, capped by the vehicle's demand_a, and charged_ah
 *    integrates current x dt. Every simulated step also checks the
 *    invariants of the header (no setpoint in 0-6 A, state vs setpoint,
 *    `changed`, 5 s between changes, 60 s pauses, ids as given);
 *  - direct single steps where the test gives current_a itself.
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

#include "helpers.h"

#define SEC      INT64_C(1000)
#define T0       INT64_C(1700000000000) /* tick 0 */
#define TOL      1e-6
#define DELAY_MS (2 * SEC) /* a vehicle's response delay */
#define MAX_CARS 8
#define NONE     INT64_MIN

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* field is name, or ends with ".name" (e.g. "station[1].phases"). */
static int
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

static void
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

static ews_evse_config
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

static ews_evse *
controller(const ews_evse_config *c)
{
	ews_evse *e = NULL;

	ck_assert_msg(ews_evse_new(c, &e) == EWS_OK, "new: %s",
	              ews_error_last()->message);
	ck_assert_ptr_nonnull(e);
	return e;
}

/* A station with no vehicle. phase: 1-3 for a single-phase station. */
static ews_evse_station
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

static int
on_phase(const ews_evse_station *s, int p /* 0-2 */)
{
	return s->phases == 3 || s->phase == p + 1;
}

static void
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

static const char *
state_str(ews_evse_state s)
{
	const char *name = ews_evse_state_name(s);

	return name ? name : "?";
}

static const char *
zone_str(ews_evse_zone z)
{
	const char *name = ews_evse_zone_name(z);

	return name ? name : "?";
}

/* A decision is (state, setpoint, changed); changed -1: either. */
static void
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

static void
sim_init(sim *s, ews_evse_config c)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->e = controller(&c);
	s->now = T0 - SEC; /* the first step is tick 0 */
}

static void
sim_free(sim *s)
{
	ews_evse_free(s->e);
	s->e = NULL;
}

static int
tick(const sim *s)
{
	return (int)((s->now - T0) / SEC);
}

/* A station without a vehicle; returns its index. */
static size_t
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
static void
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

static void
sim_unplug(sim *s, size_t i)
{
	car *v = &s->car[i];

	v->st.connected = 0;
	v->st.demand_a = 0;
	v->st.current_a = 0;
	v->draw_a = 0;
}

static void
sim_base(sim *s, double l1, double l2, double l3)
{
	s->base[0] = l1;
	s->base[1] = l2;
	s->base[2] = l3;
}

static const ews_evse_decision *
dec(const sim *s, size_t i)
{
	return &s->r.station[i];
}

/* One step, 1 s after the last; checks the invariants of the header. */
static void
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
static void
sim_to(sim *s, int k)
{
	while (tick(s) < k)
		sim_step(s);
}

/* Steps up to tick k; no station's setpoint changes. */
static void
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

static void
expect(const sim *s, size_t i, ews_evse_state state, double setpoint_a,
       int changed)
{
	decision_is(dec(s, i), tick(s), state, setpoint_a, changed);
}

static void
expect_zone(const sim *s, ews_evse_zone z)
{
	ck_assert_msg(s->r.zone == z, "t=%d: zone %s, want %s", tick(s),
	              zone_str(s->r.zone), zone_str(z));
}

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

/* Yellow from other loads (85 A, green <= 80): A plugs at t1, B at t2;
 * both wait. At t5 the other loads fall to 10 A. */
static void
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
	sim_plug(&s, a, 32);
	sim_to(&s, 2);
	sim_plug(&s, b, 32);
	sim_to(&s, 5);
	sim_plug(&s, c, 32);
	sim_to(&s, 6);
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
	sim_plug(&s, s2, 32);
	sim_to(&s, 2);
	sim_plug(&s, s3, 32);
	sim_to(&s, 5);
	sim_plug(&s, s1, 32);
	sim_to(&s, 6);
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
	Suite *s = suite_create("evse");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, config_init_gives_the_defaults);
	tcase_add_test(tc, config_init_refuses_an_unknown_version);
	tcase_add_test(tc, config_check_refuses_naming_the_field);
	tcase_add_test(tc, zone_and_state_names);
	tcase_add_test(tc, bad_station_input_is_refused_naming_the_field);
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
	tcase_add_test(tc, red_reduces_to_step1_then_step2_then_stops);
	tcase_add_test(tc, red_reduction_uses_expected_currents);
	tcase_add_test(tc, expected_currents_count_what_setpoints_will_draw);
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
