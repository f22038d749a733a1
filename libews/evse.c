#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/evse.h>

#include "error-private.h"
#include "site-private.h"

/*
 * The Green'Up controller (evse.h). Each step: match the stations to
 * their memory, check the meter, classify the phases, then at most the
 * decisions the zones allow, each applied once per station per step.
 */

enum { LEVELS = 3 }; /* full, first step, second step */

/* What the controller remembers of a station's current charge. */
typedef struct memory {
	int64_t id;
	int64_t connected_ms; /* the charge this is about */
	ews_evse_state state;
	double setpoint;    /* signalled */
	int64_t changed_ms; /* last change of the setpoint */
	int64_t held_ms;    /* paused or stopped since */
	int64_t waiting_ms; /* waiting since: the resume order */
	int64_t reduced_ms; /* first reduced at: the raise order */
	char reason[EWS_EVSE_REASON_MAX];
} memory;

struct ews_evse {
	ews_evse_config c;
	memory m[EWS_EVSE_STATIONS_MAX];
	size_t n;
	int started;
	int64_t last_ms, meter_ms;
	double phase[3];       /* last measured */
	ews_evse_zone zone[3]; /* measured, with hysteresis */
	int failsafe;
	memory before[EWS_EVSE_STATIONS_MAX]; /* m as the last step left it */
};

/* One step's working set. */
typedef struct step {
	ews_evse *e;
	int64_t now;
	const ews_evse_station *st;
	memory *mem[EWS_EVSE_STATIONS_MAX];
	double next[EWS_EVSE_STATIONS_MAX]; /* setpoints being decided */
	size_t n;
	double expected[3]; /* phase currents once the setpoints are followed */
} step;

static const char *const zone_names[] = { "green", "yellow", "red" };
static const char *const state_names[] = { "idle", "charging", "waiting",
	                                   "paused", "stopped" };

const char *
ews_evse_zone_name(ews_evse_zone zone)
{
	return (unsigned)zone < 3 ? zone_names[zone] : NULL;
}

const char *
ews_evse_state_name(ews_evse_state state)
{
	return (unsigned)state < 5 ? state_names[state] : NULL;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

ews_status
ews_evse_config_init(ews_evse_config *c, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_EVSE_CONFIG_VERSION,
	                                   "ews_evse_config");

	if (st != EWS_OK)
		return st;
	memset(c, 0, sizeof(*c));
	c->version = version;
	c->meter = 1;
	c->step1_pct = 75;
	c->step2_pct = 50;
	c->min_charge_ah = 32;
	c->failsafe_current_a = EWS_EVSE_MIN_A;
	c->period_ms = 1000;
	c->missed_periods = 3;
	c->change_min_ms = 5000;
	c->pause_min_ms = 60000;
	return EWS_OK;
}

static int
within(double v, double lo, double hi)
{
	return isfinite(v) && v >= lo && v <= hi;
}

ews_status
ews_evse_config_check(const ews_evse_config *c)
{
	if (c->version != EWS_EVSE_CONFIG_VERSION)
		return ews__fail_field(EWS_EINVAL, "version",
		                       "%u is not a known version", c->version);
	if (!within(c->max_current_a, 1, 100000))
		return ews__fail_field(EWS_EINVAL, "max_current_a",
		                       "give the rated current of the "
		                       "installation, 1-100000 A");
	if (!within(c->max_charging_current_a, 1, c->max_current_a))
		return ews__fail_field(EWS_EINVAL, "max_charging_current_a",
		                       "%g A must be 1 A or more and not above "
		                       "max_current_a (%g A)",
		                       c->max_charging_current_a,
		                       c->max_current_a);
	if (!within(c->hysteresis_pct, 0, 50))
		return ews__fail_field(EWS_EINVAL, "hysteresis_pct",
		                       "%g is outside 0-50 %%",
		                       c->hysteresis_pct);
	if (!within(c->step1_pct, 1, 100) || !within(c->step2_pct, 1, 100) ||
	    c->step2_pct > c->step1_pct)
		return ews__fail_field(EWS_EINVAL,
		                       within(c->step1_pct, 1, 100)
		                               ? "step2_pct"
		                               : "step1_pct",
		                       "steps are 1-100 %% of the rated "
		                       "current, the second not above the "
		                       "first (%g, %g)",
		                       c->step1_pct, c->step2_pct);
	if (!within(c->min_charge_ah, 0, 1000))
		return ews__fail_field(EWS_EINVAL, "min_charge_ah",
		                       "%g is outside 0-1000 Ah",
		                       c->min_charge_ah);
	if (!within(c->failsafe_current_a, 0, c->max_current_a))
		return ews__fail_field(EWS_EINVAL, "failsafe_current_a",
		                       "%g A is outside 0-max_current_a",
		                       c->failsafe_current_a);
	if (c->period_ms < 100 || c->period_ms > 60000)
		return ews__fail_field(EWS_EINVAL, "period_ms",
		                       "%lld is outside 100-60000 ms",
		                       (long long)c->period_ms);
	if (c->missed_periods < 1 || c->missed_periods > 100)
		return ews__fail_field(EWS_EINVAL, "missed_periods",
		                       "%d is outside 1-100",
		                       c->missed_periods);
	if (c->change_min_ms < 0 || c->change_min_ms > 600000 ||
	    c->pause_min_ms < 0 || c->pause_min_ms > 3600000)
		return ews__fail_field(EWS_EINVAL,
		                       c->change_min_ms < 0 ||
		                                       c->change_min_ms > 600000
		                               ? "change_min_ms"
		                               : "pause_min_ms",
		                       "is outside 0-600000 (change) or "
		                       "0-3600000 ms (pause)");
	return EWS_OK;
}

ews_status
ews_evse_new(const ews_evse_config *c, ews_evse **out)
{
	ews_status st = ews_evse_config_check(c);

	*out = NULL;
	if (st != EWS_OK)
		return st;
	if (!(*out = ews__calloc(1, sizeof(**out))))
		return EWS_ENOMEM;
	(*out)->c = *c;
	return EWS_OK;
}

void
ews_evse_free(ews_evse *e)
{
	free(e);
}

/* ------------------------------------------------------------------ */
/* Stations                                                            */

static ews_status
check_station(const ews_evse_station *s, size_t i)
{
	if (s->phases != 1 && s->phases != 3)
		return ews__fail_field(EWS_EINVAL, "phases",
		                       "station %lld (#%zu): %d phases, not 1 "
		                       "or 3",
		                       (long long)s->id, i, s->phases);
	if (s->phases == 1 && (s->phase < 1 || s->phase > 3))
		return ews__fail_field(EWS_EINVAL, "phase",
		                       "station %lld: a single-phase station "
		                       "is on L1, L2 or L3, not %d",
		                       (long long)s->id, s->phase);
	if (!within(s->rated_a, EWS_EVSE_MIN_A, 1000))
		return ews__fail_field(EWS_EINVAL, "rated_a",
		                       "station %lld: %g A is outside 6-1000 A",
		                       (long long)s->id, s->rated_a);
	if (!within(s->demand_a, 0, 1000) || !within(s->current_a, 0, 1000) ||
	    !within(s->charged_ah, 0, 1e9))
		return ews__fail_field(EWS_EINVAL, "current_a",
		                       "station %lld: a current, demand or "
		                       "charge is negative or not a number",
		                       (long long)s->id);
	return EWS_OK;
}

static int
uses(const ews_evse_station *s, int p)
{
	return s->phases == 3 || s->phase - 1 == p;
}

static int
priority_of(const ews_evse_station *s)
{
	return s->priority_override >= 0 ? s->priority_override != 0
	                                 : s->priority != 0;
}

/* The station's memory, new (idle) for a new station or a new charge;
 * *was: the setpoint it had at the last step. */
static memory *
remember(ews_evse *e, memory *old, size_t nold, const ews_evse_station *s,
         int64_t now, double *was)
{
	memory *m = &e->m[e->n++];
	size_t i;

	*was = 0;
	for (i = 0; i < nold; i++)
		if (old[i].id == s->id) {
			*m = old[i];
			*was = m->setpoint;
			if (s->connected && s->connected_ms == m->connected_ms)
				return m;
			break;
		}
	if (i == nold) {
		memset(m, 0, sizeof(*m));
		m->changed_ms = INT64_MIN / 2;
	}
	m->id = s->id;
	m->connected_ms = s->connected ? s->connected_ms : INT64_MIN;
	m->state = EWS_EVSE_IDLE;
	m->setpoint = 0;
	m->held_ms = m->waiting_ms = now;
	m->reduced_ms = INT64_MAX;
	return m;
}

/* ------------------------------------------------------------------ */
/* Currents and zones                                                  */

static double
level_a(const ews_evse *e, const ews_evse_station *s, int level)
{
	double pct = level == 0   ? 100
	             : level == 1 ? e->c.step1_pct
	                          : e->c.step2_pct;

	/* signalled in tenths of an ampere, rounded down */
	return floor(s->rated_a * pct / 10.0) / 10.0;
}

/* What the station will draw once it follows setpoint a. */
static double
draw(const ews_evse_station *s, double a)
{
	return s->connected && a > s->demand_a ? s->demand_a
	       : s->connected                  ? a
	                                       : 0;
}

static ews_evse_zone
raw_zone(const ews_evse_config *c, double a)
{
	return a > c->max_current_a            ? EWS_ZONE_RED
	       : a > c->max_charging_current_a ? EWS_ZONE_YELLOW
	                                       : EWS_ZONE_GREEN;
}

/* A lower zone only once the current is the hysteresis under the
 * threshold of the zone it leaves. */
static ews_evse_zone
zone_with_hysteresis(const ews_evse_config *c, ews_evse_zone before, double a)
{
	double h = c->max_current_a * c->hysteresis_pct / 100.0;
	ews_evse_zone z = raw_zone(c, a);

	if (z < before && before == EWS_ZONE_RED && a > c->max_current_a - h)
		return EWS_ZONE_RED;
	if (z == EWS_ZONE_GREEN && before >= EWS_ZONE_YELLOW &&
	    a > c->max_charging_current_a - h)
		return EWS_ZONE_YELLOW;
	return z;
}

/* Phase currents once every station follows its setpoint in next[]. */
static void
expect(step *x)
{
	size_t i;
	int p;

	for (p = 0; p < 3; p++)
		x->expected[p] = x->e->c.meter ? x->e->phase[p] : 0;
	for (i = 0; i < x->n; i++)
		for (p = 0; p < 3; p++)
			if (uses(&x->st[i], p))
				x->expected[p] +=
				        draw(&x->st[i], x->next[i]) -
				        (x->e->c.meter ? x->st[i].current_a
				                       : 0);
}

/* The worst expected zone of station i's phases. */
static ews_evse_zone
expected_zone(const step *x, size_t i)
{
	ews_evse_zone z = EWS_ZONE_GREEN, q;
	int p;

	for (p = 0; p < 3; p++)
		if (uses(&x->st[i], p) &&
		    (q = raw_zone(&x->e->c, x->expected[p])) > z)
			z = q;
	return z;
}

/* Would station i at a instead of next[i] keep its phases within
 * limit? */
static int
fits(const step *x, size_t i, double a, double limit)
{
	double more = draw(&x->st[i], a) - draw(&x->st[i], x->next[i]);
	int p;

	for (p = 0; p < 3; p++)
		if (uses(&x->st[i], p) && x->expected[p] + more > limit)
			return 0;
	return 1;
}

static void
set_next(step *x, size_t i, double a)
{
	x->next[i] = a;
	expect(x);
}

static int
may_change(const step *x, size_t i)
{
	return x->now - x->mem[i]->changed_ms >= x->e->c.change_min_ms;
}

/* ------------------------------------------------------------------ */
/* Orders                                                              */

/* Reduction and stop order: non-priority first, then those with the
 * minimum charge, then the one connected longest. */
static int
before_in_reduction(const step *x, size_t a, size_t b)
{
	const ews_evse_station *s = &x->st[a], *t = &x->st[b];
	int pa = priority_of(s), pb = priority_of(t);
	int ma = s->charged_ah >= x->e->c.min_charge_ah;
	int mb = t->charged_ah >= x->e->c.min_charge_ah;

	if (pa != pb)
		return pa < pb;
	if (ma != mb)
		return ma > mb;
	return s->connected_ms < t->connected_ms;
}

/* Resume order: Start first, then priority, then waiting longest. */
static int
before_in_resume(const step *x, size_t a, size_t b)
{
	const ews_evse_station *s = &x->st[a], *t = &x->st[b];
	int sa = s->hold == EWS_HOLD_START, sb = t->hold == EWS_HOLD_START;
	int pa = priority_of(s), pb = priority_of(t);

	if (sa != sb)
		return sa > sb;
	if (pa != pb)
		return pa > pb;
	return x->mem[a]->waiting_ms < x->mem[b]->waiting_ms;
}

/* Station indexes sorted by an order (insertion sort: n is small). */
static size_t
sorted(const step *x, int (*before)(const step *, size_t, size_t),
       int (*keep)(const step *, size_t), size_t *out)
{
	size_t i, j, n = 0;

	for (i = 0; i < x->n; i++) {
		if (!keep(x, i))
			continue;
		for (j = n; j > 0 && before(x, i, out[j - 1]); j--)
			out[j] = out[j - 1];
		out[j] = i;
		n++;
	}
	return n;
}

static int
is_charging(const step *x, size_t i)
{
	return x->mem[i]->state == EWS_EVSE_CHARGING && x->st[i].connected;
}

static int
is_waiting(const step *x, size_t i)
{
	return x->mem[i]->state == EWS_EVSE_WAITING &&
	       x->st[i].hold != EWS_HOLD_WAIT;
}

/* ------------------------------------------------------------------ */
/* Decisions                                                           */

static void say(memory *m, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
say(memory *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->reason, sizeof(m->reason), fmt, ap);
	va_end(ap);
}

/* Station i charges at a, or pauses when a is under 6 A. */
static void
charge_at(step *x, size_t i, double a, const char *why)
{
	memory *m = x->mem[i];

	if (a < EWS_EVSE_MIN_A) {
		set_next(x, i, 0);
		m->state = EWS_EVSE_PAUSED;
		m->held_ms = x->now;
		say(m, "%s: paused, %.1f A is under the 6 A minimum", why, a);
		return;
	}
	if (a < x->next[i] && m->reduced_ms == INT64_MAX)
		m->reduced_ms = x->now;
	set_next(x, i, a);
	m->state = EWS_EVSE_CHARGING;
	say(m, "%s: %.1f A", why, a);
}

/* The highest level below the current setpoint of station i; -1: none. */
static int
level_below(const step *x, size_t i)
{
	int level;

	for (level = 0; level < LEVELS; level++)
		if (level_a(x->e, &x->st[i], level) < x->next[i] - 1e-9)
			return level;
	return -1;
}

/* Does station i use a phase expected above limit? */
static int
on_phase_above(const step *x, size_t i, double limit)
{
	int p;

	for (p = 0; p < 3; p++)
		if (uses(&x->st[i], p) && x->expected[p] > limit)
			return 1;
	return 0;
}

static int
reducible(const step *x, size_t i)
{
	return is_charging(x, i) && may_change(x, i);
}

/* Red: every station on an overloaded phase to the first step, then
 * the second, then stopped, in the reduction order, while needed. */
static void
shed(step *x)
{
	double max = x->e->c.max_current_a;
	size_t order[EWS_EVSE_STATIONS_MAX], n, k;
	int level;

	n = sorted(x, before_in_reduction, reducible, order);
	for (level = 1; level < LEVELS; level++)
		for (k = 0; k < n; k++) {
			size_t i = order[k];
			double a = level_a(x->e, &x->st[i], level);

			if (x->next[i] > a && on_phase_above(x, i, max))
				charge_at(x, i, a, "red: reduced");
		}
	for (k = 0; k < n; k++) {
		size_t i = order[k];

		if (x->next[i] > 0 && on_phase_above(x, i, max)) {
			set_next(x, i, 0);
			x->mem[i]->state = EWS_EVSE_STOPPED;
			x->mem[i]->held_ms = x->now;
			say(x->mem[i], "red: stopped (%s, %.1f Ah received)",
			    priority_of(&x->st[i]) ? "priority" : "normal",
			    x->st[i].charged_ah);
		}
	}
}

/* Make room on station w's phases: one other station down one step. */
static void
make_room(step *x, size_t w)
{
	size_t order[EWS_EVSE_STATIONS_MAX], n, k;

	n = sorted(x, before_in_reduction, reducible, order);
	for (k = 0; k < n; k++) {
		size_t i = order[k];
		int level = level_below(x, i), p, shares = 0;

		for (p = 0; p < 3; p++)
			shares |= uses(&x->st[i], p) && uses(&x->st[w], p);
		if (i != w && shares && level > 0) {
			charge_at(x, i, level_a(x->e, &x->st[i], level),
			          "reduced to let a waiting charge start");
			return;
		}
	}
}

/* Green: the first waiting charge, at the highest level that keeps its
 * phases green; 1 if one started. */
/* The limit a resume or a raise must keep: the hysteresis under the
 * green threshold, so that it does not undo a reduction at once. */
static double
green_limit(const ews_evse *e)
{
	return e->c.max_charging_current_a -
	       e->c.max_current_a * e->c.hysteresis_pct / 100.0;
}

static int
resume(step *x)
{
	double green = green_limit(x->e);
	size_t order[EWS_EVSE_STATIONS_MAX], n, k;
	int level;

	n = sorted(x, before_in_resume, is_waiting, order);
	for (k = 0; k < n; k++) {
		size_t i = order[k];

		if (expected_zone(x, i) != EWS_ZONE_GREEN)
			continue;
		for (level = 0; level < LEVELS; level++) {
			double a = level_a(x->e, &x->st[i], level);

			if (a >= EWS_EVSE_MIN_A && fits(x, i, a, green)) {
				charge_at(x, i, a,
				          level ? "green: resumed at a step"
				                : "green: authorised");
				if (level == 0)
					x->mem[i]->reduced_ms = INT64_MAX;
				else
					x->mem[i]->reduced_ms = x->now;
				return 1;
			}
		}
		make_room(x, i);
		return 1;
	}
	return 0;
}

/* Green with no one waiting: raise the first-reduced charge one level. */
static void
raise_one(step *x)
{
	double green = green_limit(x->e);
	size_t i, best = x->n;

	for (i = 0; i < x->n; i++)
		if (reducible(x, i) &&
		    x->next[i] < level_a(x->e, &x->st[i], 0) - 1e-9 &&
		    (best == x->n ||
		     x->mem[i]->reduced_ms < x->mem[best]->reduced_ms))
			best = i;
	if (best == x->n)
		return;
	for (int level = LEVELS - 1; level >= 0; level--) {
		double a = level_a(x->e, &x->st[best], level);

		if (a > x->next[best] + 1e-9) {
			if (a >= EWS_EVSE_MIN_A && fits(x, best, a, green)) {
				charge_at(x, best, a, "green: raised");
				if (level == 0)
					x->mem[best]->reduced_ms = INT64_MAX;
			}
			return;
		}
	}
}

/* ------------------------------------------------------------------ */
/* A step                                                              */

/* Vehicles arriving and leaving, holds, and the end of pauses. */
static void
housekeep(step *x, size_t i)
{
	const ews_evse_station *s = &x->st[i];
	memory *m = x->mem[i];

	if (!s->connected) {
		x->next[i] = 0;
		m->state = EWS_EVSE_IDLE;
		say(m, "no vehicle");
	} else if (s->hold == EWS_HOLD_WAIT) {
		if (x->next[i] > 0 && may_change(x, i))
			x->next[i] = 0;
		if (x->next[i] == 0) {
			m->state = EWS_EVSE_WAITING;
			say(m, "Wait: held by the user for this charge");
		}
	} else if ((m->state == EWS_EVSE_PAUSED ||
	            m->state == EWS_EVSE_STOPPED) &&
	           x->now - m->held_ms >= x->e->c.pause_min_ms) {
		m->state = EWS_EVSE_WAITING;
		m->waiting_ms = m->held_ms;
		say(m, "waits to resume");
	} else if (m->state == EWS_EVSE_IDLE && s->demand_a > 0) {
		m->state = EWS_EVSE_WAITING;
		m->waiting_ms = x->now;
		say(m, "a new request waits");
	} else if (m->state == EWS_EVSE_WAITING) {
		say(m, "waits to start");
	} else if (m->state == EWS_EVSE_CHARGING) {
		say(m, "charging at %.1f A", x->next[i]);
	}
}

/* Every charge down to the fail-safe current: the meter is lost. */
static void
fail_safe(step *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (is_charging(x, i) &&
		    x->next[i] > x->e->c.failsafe_current_a)
			charge_at(x, i, x->e->c.failsafe_current_a,
			          "meter lost: fail-safe current");
}

static void
decide(step *x)
{
	double max = x->e->c.max_current_a;
	size_t order[EWS_EVSE_STATIONS_MAX];
	int p;

	expect(x);
	for (p = 0; p < 3; p++)
		if (x->expected[p] > max) {
			shed(x);
			return;
		}
	if (sorted(x, before_in_resume, is_waiting, order) > 0) {
		if (expected_zone(x, order[0]) == EWS_ZONE_GREEN)
			resume(x);
		else
			make_room(x, order[0]);
		return;
	}
	raise_one(x);
}

/* The phase currents: the meter's, or the stations' sum. */
static void
measure(ews_evse *e, const double *meter_a, const ews_evse_station *st,
        size_t n, int64_t now)
{
	size_t i;
	int p;

	if (e->c.meter) {
		if (meter_a) {
			memcpy(e->phase, meter_a, sizeof(e->phase));
			e->meter_ms = now;
		}
	} else {
		memset(e->phase, 0, sizeof(e->phase));
		for (i = 0; i < n; i++)
			for (p = 0; p < 3; p++)
				if (uses(&st[i], p))
					e->phase[p] += st[i].current_a;
	}
	for (p = 0; p < 3; p++)
		e->zone[p] =
		        zone_with_hysteresis(&e->c, e->zone[p], e->phase[p]);
}

static void
result(step *x, const double *before, ews_evse_result *out, int failsafe)
{
	ews_evse *e = x->e;
	size_t i;
	int p;

	memset(out, 0, sizeof(*out));
	for (p = 0; p < 3; p++) {
		out->phase_a[p] = e->phase[p];
		if (e->zone[p] > out->zone)
			out->zone = e->zone[p];
	}
	out->failsafe = failsafe;
	out->failsafe_changed = failsafe != e->failsafe;
	e->failsafe = failsafe;
	out->n = x->n;
	for (i = 0; i < x->n; i++) {
		ews_evse_decision *d = &out->station[i];
		memory *m = x->mem[i];

		d->id = x->st[i].id;
		d->state = m->state;
		d->setpoint_a = x->next[i];
		d->changed = x->next[i] != before[i];
		for (p = 0; p < 3; p++)
			if (uses(&x->st[i], p) && e->zone[p] > d->zone)
				d->zone = e->zone[p];
		if (d->changed)
			m->changed_ms = x->now;
		m->setpoint = x->next[i];
		memcpy(d->reason, m->reason, sizeof(d->reason));
	}
}

static ews_status
check_step(const ews_evse *e, int64_t now, const double *meter_a,
           const ews_evse_station *st, size_t n)
{
	ews_status s;
	size_t i, j;

	if (e->started && now < e->last_ms)
		return ews__fail_field(EWS_EINVAL, "now_ms",
		                       "%lld is before the last step (%lld)",
		                       (long long)now, (long long)e->last_ms);
	if (n > EWS_EVSE_STATIONS_MAX)
		return ews__fail_field(EWS_EINVAL, "n",
		                       "%zu stations, at most %d", n,
		                       EWS_EVSE_STATIONS_MAX);
	for (i = 0; meter_a && i < 3; i++)
		if (!within(meter_a[i], 0, 1e6))
			return ews__fail_field(EWS_EINVAL, "meter_a",
			                       "L%zu: %g A", i + 1, meter_a[i]);
	for (i = 0; i < n; i++) {
		if ((s = check_station(&st[i], i)) != EWS_OK)
			return s;
		for (j = 0; j < i; j++)
			if (st[j].id == st[i].id)
				return ews__fail_field(EWS_EINVAL, "id",
				                       "station %lld is given "
				                       "twice",
				                       (long long)st[i].id);
	}
	return EWS_OK;
}

ews_status
ews_evse_step(ews_evse *e, int64_t now, const double *meter_a,
              const ews_evse_station *st, size_t n, ews_evse_result *out)
{
	memory *old = e->before;
	double before[EWS_EVSE_STATIONS_MAX];
	size_t nold = e->n, i;
	ews_status s;
	int lost;
	step x;

	if ((s = check_step(e, now, meter_a, st, n)) != EWS_OK)
		return s;
	if (!e->started)
		e->meter_ms = now;
	e->started = 1;
	e->last_ms = now;
	memcpy(old, e->m, nold * sizeof(*old));
	memset(&x, 0, sizeof(x));
	x.e = e;
	x.now = now;
	x.st = st;
	x.n = n;
	e->n = 0;
	for (i = 0; i < n; i++) {
		x.mem[i] = remember(e, old, nold, &st[i], now, &before[i]);
		x.next[i] = x.mem[i]->setpoint;
		housekeep(&x, i);
	}
	measure(e, meter_a, st, n, now);
	lost = e->c.meter && now - e->meter_ms >= (int64_t)e->c.missed_periods *
	                                                  e->c.period_ms;
	if (lost)
		fail_safe(&x);
	else if (!e->c.meter || meter_a)
		decide(&x);
	result(&x, before, out, lost);
	return EWS_OK;
}
