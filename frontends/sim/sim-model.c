/*
 * The physics of a simulated device: pure functions of its parameters,
 * its state and the simulated time (no clock, no I/O, no globals).
 *
 * A meter's total active power follows a daily load profile (office, home
 * or flat) scaled to its peak, spread over its phases; the voltages sit
 * near 230 V, the power factor near 0.95, and currents, reactive and
 * apparent powers follow from them. Counters integrate the powers in
 * steps of at most STEP_S simulated seconds, so they only grow and agree
 * with the powers that were served. An EV station runs the IEC 61851
 * control-pilot states: A without a vehicle, B connected but not charging
 * (setpoint below 6 A, disabled, or battery full), C charging at
 * min(setpoint, vehicle limit, station limit). Every "random" figure is a
 * hash of the device's seed and the time, so a run is reproducible.
 */
#include <math.h>
#include <string.h>

#include "sim.h"

#define STEP_S           30.0   /* integration step, simulated seconds */
#define MAX_STEPS        200000 /* per advance: coarser steps beyond */
#define DAY_S            86400.0
#define H(hours)         ((hours)*3600.0)
#define EV_MIN_A         6.0  /* IEC 61851-1: no charging below 6 A */
#define EV_STATION_MAX_A 32.0 /* rating of the simulated station */
#define EV_PF            0.99
#define TRIP_S           900.0 /* a weekly breaker trip lasts 15 minutes */

/* Salts: each figure draws from its own stream of the device's seed. */
enum {
	SALT_LOAD = 1,
	SALT_SHARE = 2, /* +phase */
	SALT_PF = 5,    /* +phase */
	SALT_VOLT = 8,  /* +phase */
	SALT_THD = 11,  /* +phase */
	SALT_FREQ = 14,
	SALT_ENERGY = 15,
	SALT_VOLUME = 16,
	SALT_ARRIVE = 17,
	SALT_LEAVE = 18,
	SALT_NEED = 19,
	SALT_TRIP = 20,
	SALT_TEMP = 21
};

/* Fraction of the peak at each hour (linear in between). */
static const double office_weekday[24] = { 0.15, 0.15, 0.15, 0.15, 0.15, 0.18,
	                                   0.30, 0.55, 0.85, 0.95, 1.00, 0.95,
	                                   0.80, 0.90, 0.95, 0.92, 0.85, 0.65,
	                                   0.40, 0.25, 0.20, 0.18, 0.16, 0.15 };
static const double office_weekend[24] = { 0.15, 0.15, 0.15, 0.15, 0.15, 0.15,
	                                   0.15, 0.16, 0.17, 0.18, 0.18, 0.18,
	                                   0.18, 0.18, 0.18, 0.18, 0.17, 0.17,
	                                   0.16, 0.16, 0.15, 0.15, 0.15, 0.15 };
static const double home_day[24] = { 0.20, 0.15, 0.12, 0.12, 0.12, 0.15,
	                             0.35, 0.55, 0.45, 0.30, 0.25, 0.28,
	                             0.35, 0.30, 0.25, 0.25, 0.30, 0.50,
	                             0.80, 1.00, 0.90, 0.70, 0.45, 0.30 };

/* One electrical snapshot. */
struct elec {
	double frac; /* profile fraction */
	double v[3], i[3], p[3], q[3], s[3], pf[3];
	double freq, thd_v[3], thd_i[3], flow_dm3_h, temp_c;
	int breaker;
};

/* ------------------------------------------------------------------ */
/* Deterministic noise                                                 */

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Uniform in [0, 1) for stream `salt`, index k. */
static double
rand01(uint64_t seed, unsigned int salt, int64_t k)
{
	uint64_t h = mix64(mix64(seed + salt) ^ (uint64_t)k);

	return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Smooth noise in [-1, 1]: a random value every period_s, joined by a
 * raised cosine. */
static double
smooth(uint64_t seed, unsigned int salt, double t, double period_s)
{
	double x = t / period_s, f = floor(x);
	double w = (1 - cos((x - f) * M_PI)) / 2;
	int64_t k = (int64_t)f;

	return (2 * rand01(seed, salt, k) - 1) * (1 - w) +
	       (2 * rand01(seed, salt, k + 1) - 1) * w;
}

/* ------------------------------------------------------------------ */
/* Profiles and schedules                                              */

static int
is_weekend(double day)
{
	int64_t dow = ((int64_t)day + 4) % 7; /* 1970-01-01 was a Thursday */

	return dow == 0 || dow == 6;
}

static double
profile_frac(enum sim_profile p, double t)
{
	double day = floor(t / DAY_S), h = (t - day * DAY_S) / 3600;
	const double *tab = home_day;
	int i = (int)h;

	if (p == SIM_PROFILE_FLAT)
		return 1.0;
	if (p == SIM_PROFILE_OFFICE)
		tab = is_weekend(day) ? office_weekend : office_weekday;
	if (i > 23)
		i = 23;
	return tab[i] * (1 - (h - i)) + tab[(i + 1) % 24] * (h - i);
}

static int
breaker_at(const struct sim_params *p, double t)
{
	double day = floor(t / DAY_S), at;

	if (!p->breaker || (int64_t)day % 7 != (int64_t)(p->seed % 7))
		return EWS_BREAKER_CLOSED;
	at = day * DAY_S +
	     rand01(p->seed, SALT_TRIP, (int64_t)day) * (DAY_S - TRIP_S);
	return t >= at && t < at + TRIP_S ? EWS_BREAKER_TRIPPED
	                                  : EWS_BREAKER_CLOSED;
}

/* Arrival of the scheduled session in progress at t, or -1. Office:
 * weekdays 07:30-09:30 to 16:30-18:30; home: 17:30-20:00 to the next
 * morning 06:30-08:00; flat: a new session every midnight. */
static double
scheduled_session(const struct sim_params *p, double t)
{
	double day = floor(t / DAY_S), d0 = day * DAY_S, arr, dep;

	if (p->profile == SIM_PROFILE_FLAT)
		return d0;
	if (p->profile == SIM_PROFILE_OFFICE) {
		if (is_weekend(day))
			return -1;
		arr = d0 + H(7.5) + H(2) * rand01(p->seed, SALT_ARRIVE, day);
		dep = d0 + H(16.5) + H(2) * rand01(p->seed, SALT_LEAVE, day);
		return t >= arr && t < dep ? arr : -1;
	}
	arr = d0 + H(17.5) + H(2.5) * rand01(p->seed, SALT_ARRIVE, day);
	if (t >= arr)
		return arr;
	dep = d0 + H(6.5) + H(1.5) * rand01(p->seed, SALT_LEAVE, day - 1);
	if (t < dep)
		return d0 - DAY_S + H(17.5) +
		       H(2.5) * rand01(p->seed, SALT_ARRIVE, day - 1);
	return -1;
}

/* Follow arrivals: a new session brings a vehicle that takes 10-40 kWh.
 * A vehicle "present" from the start keeps its one session. */
static void
ev_session(struct sim_state *s, double t)
{
	double start;

	if (s->p.vehicle == SIM_VEHICLE_PRESENT)
		return;
	start = s->p.vehicle == SIM_VEHICLE_ABSENT
	                ? -1
	                : scheduled_session(&s->p, t);
	if (start == s->session_s)
		return;
	s->session_s = start;
	s->need_wh = start < 0 ? 0
	                       : 1000 * (10 + 30 * rand01(s->p.seed, SALT_NEED,
	                                                  (int64_t)start));
}

static double
ev_current_a(const struct sim_state *s)
{
	double a =
	        fmin(s->setpoint_a, fmin(s->p.vehicle_max_a, EV_STATION_MAX_A));

	if (s->session_s < 0 || s->need_wh <= 0 || !s->charge_enable ||
	    a < EV_MIN_A)
		return 0;
	return a;
}

static int
ev_cp_state(const struct sim_state *s)
{
	if (s->session_s < 0)
		return EWS_CP_A;
	return ev_current_a(s) > 0 ? EWS_CP_C : EWS_CP_B;
}

/* ------------------------------------------------------------------ */
/* Electrical snapshot                                                 */

/* Active power per phase. */
static void
load_at(const struct sim_state *s, double t, struct elec *e)
{
	const struct sim_params *p = &s->p;
	double total, share[3], sum = 0;
	unsigned int k, n = p->phases == 1 ? 1 : 3;

	if (p->kind == SIM_KIND_EVSE) {
		for (k = 0; k < n; k++)
			e->p[k] = e->v[k] * ev_current_a(s) * EV_PF;
		return;
	}
	total = p->peak_w * e->frac;
	if (p->profile != SIM_PROFILE_FLAT)
		total *= 1 + 0.06 * smooth(p->seed, SALT_LOAD, t, 300);
	for (k = 0; k < n; k++) {
		share[k] = 1 + 0.1 * smooth(p->seed, SALT_SHARE + k, t, 1800);
		sum += share[k];
	}
	for (k = 0; k < n; k++)
		e->p[k] = total * share[k] / sum;
}

/* Current, apparent and reactive power of each phase from P, V, pf. */
static void
derive_phases(const struct sim_state *s, double t, struct elec *e)
{
	unsigned int k;

	for (k = 0; k < 3; k++) {
		e->pf[k] = s->p.kind == SIM_KIND_EVSE
		                   ? EV_PF
		                   : 0.95 + 0.02 * smooth(s->p.seed,
		                                          SALT_PF + k, t, 900);
		if (e->p[k] <= 0) {
			e->p[k] = e->i[k] = e->s[k] = e->q[k] = 0;
			e->pf[k] = 1;
			e->thd_i[k] = 0;
			continue;
		}
		e->i[k] = s->p.kind == SIM_KIND_EVSE
		                  ? ev_current_a(s) /* exactly, not P/(V pf) */
		                  : e->p[k] / (e->v[k] * e->pf[k]);
		e->s[k] = e->v[k] * e->i[k];
		e->q[k] = sqrt(fmax(0, e->s[k] * e->s[k] - e->p[k] * e->p[k]));
		e->thd_i[k] =
		        s->p.kind == SIM_KIND_EVSE
		                ? 3 + 0.5 * smooth(s->p.seed, SALT_THD + k, t,
		                                   600)
		                : 6 + 18 * (1 - e->frac) +
		                          2 * smooth(s->p.seed, SALT_THD + k, t,
		                                     600);
	}
}

static void
elec_at(const struct sim_state *s, double t, struct elec *e)
{
	const struct sim_params *p = &s->p;
	unsigned int k;

	memset(e, 0, sizeof(*e));
	e->frac = p->kind == SIM_KIND_EVSE ? 0.5 : profile_frac(p->profile, t);
	e->breaker = breaker_at(p, t);
	for (k = 0; k < 3; k++) {
		e->v[k] = 231.5 - 3 * e->frac +
		          2 * smooth(p->seed, SALT_VOLT + k, t, 600);
		e->thd_v[k] = 1.5 + 1.2 * e->frac +
		              0.3 * smooth(p->seed, SALT_THD + k, t, 1200);
	}
	e->freq = 50 + 0.03 * smooth(p->seed, SALT_FREQ, t, 20);
	if (e->breaker == EWS_BREAKER_CLOSED)
		load_at(s, t, e);
	derive_phases(s, t, e);
	if (p->volume)
		e->flow_dm3_h = p->peak_dm3_h * e->frac *
		                (1 + 0.1 * smooth(p->seed, SALT_LOAD, t, 300));
	e->temp_c = 22 + 0.4 * fmax(e->i[0], fmax(e->i[1], e->i[2])) +
	            1.5 * smooth(p->seed, SALT_TEMP, t, 3600);
}

/* ------------------------------------------------------------------ */
/* State                                                               */

void
sim_state_init(struct sim_state *s, const struct sim_params *p, double t_s)
{
	double e = p->energy_wh, r, share = 0;
	unsigned int k, n = p->phases == 1 ? 1 : 3;

	memset(s, 0, sizeof(*s));
	s->p = *p;
	s->t_s = t_s;
	r = rand01(p->seed, SALT_ENERGY, 0);
	if (e < 0)
		e = 1000 * (p->kind == SIM_KIND_EVSE ? 500 + 4500 * r
		                                     : 1000 + 49000 * r);
	for (k = 0; k < n; k++) {
		s->import_wh[k] =
		        k + 1 < n ? e * (0.31 +
		                         0.04 * rand01(p->seed, SALT_SHARE, k))
		                  : e - share;
		share += s->import_wh[k];
	}
	s->reactive_varh = e * (p->kind == SIM_KIND_EVSE ? 0.05 : 0.3);
	s->apparent_vah = hypot(e, s->reactive_varh);
	if (p->volume)
		s->volume_dm3 =
		        1000 * (100 + 9900 * rand01(p->seed, SALT_VOLUME, 0));
	s->setpoint_a = p->setpoint_a;
	s->charge_enable = 1;
	s->session_s = -2; /* no session seen yet */
	if (p->kind != SIM_KIND_EVSE)
		return;
	if (p->vehicle == SIM_VEHICLE_PRESENT) {
		s->session_s = t_s;
		s->need_wh = 1000 * (10 + 30 * rand01(p->seed, SALT_NEED,
		                                      (int64_t)t_s));
	} else {
		ev_session(s, t_s);
	}
}

/* One integration step of dt seconds around time tm. */
static void
integrate(struct sim_state *s, double tm, double dt)
{
	struct elec e;
	double h = dt / 3600, sum_p = 0;
	unsigned int k;

	if (s->p.kind == SIM_KIND_EVSE)
		ev_session(s, tm);
	elec_at(s, tm, &e);
	for (k = 0; k < 3; k++) {
		s->import_wh[k] += e.p[k] * h;
		s->reactive_varh += e.q[k] * h;
		s->apparent_vah += e.s[k] * h;
		sum_p += e.p[k];
	}
	s->volume_dm3 += e.flow_dm3_h * h;
	if (s->p.kind == SIM_KIND_EVSE && s->session_s >= 0)
		s->need_wh = fmax(0, s->need_wh - sum_p * h);
}

void
sim_state_advance(struct sim_state *s, double t_s)
{
	double span = t_s - s->t_s, dt, t0 = s->t_s;
	long i, n;

	if (!(span > 0))
		return;
	n = (long)ceil(span / STEP_S);
	if (n > MAX_STEPS)
		n = MAX_STEPS;
	dt = span / (double)n;
	for (i = 0; i < n; i++)
		integrate(s, t0 + ((double)i + 0.5) * dt, dt);
	s->t_s = t_s;
	if (s->p.kind == SIM_KIND_EVSE)
		ev_session(s, t_s);
}

void
sim_state_reset_counters(struct sim_state *s)
{
	memset(s->import_wh, 0, sizeof(s->import_wh));
	s->reactive_varh = 0;
	s->apparent_vah = 0;
	s->volume_dm3 = 0;
}

void
sim_state_set_setpoint(struct sim_state *s, double a)
{
	s->setpoint_a = a;
}

void
sim_state_set_enable(struct sim_state *s, int on)
{
	s->charge_enable = on != 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static void
fill_energy(const struct sim_state *s, double *q)
{
	unsigned int k;

	for (k = 0; k < 3; k++) {
		q[EWS_Q_ACTIVE_ENERGY_IMPORT_L1 + k] = s->import_wh[k];
		q[EWS_Q_ACTIVE_ENERGY_IMPORT] += s->import_wh[k];
	}
	q[EWS_Q_REACTIVE_ENERGY_IMPORT] = s->reactive_varh;
	q[EWS_Q_APPARENT_ENERGY] = s->apparent_vah;
	q[EWS_Q_VOLUME] = s->volume_dm3; /* exports stay 0 */
}

static void
fill_phases(const struct elec *e, double *q)
{
	double sum_p = 0, sum_q = 0, sum_s = 0, nre = 0, nim = 0;
	unsigned int k;

	for (k = 0; k < 3; k++) {
		double a = -2 * M_PI * k / 3 - acos(fmin(1, e->pf[k]));

		q[EWS_Q_ACTIVE_POWER_L1 + k] = e->p[k];
		q[EWS_Q_REACTIVE_POWER_L1 + k] = e->q[k];
		q[EWS_Q_APPARENT_POWER_L1 + k] = e->s[k];
		q[EWS_Q_POWER_FACTOR_L1 + k] = e->pf[k];
		q[EWS_Q_VOLTAGE_LN_L1 + k] = e->v[k];
		q[EWS_Q_VOLTAGE_LL_L12 + k] =
		        sqrt(e->v[k] * e->v[k] +
		             e->v[(k + 1) % 3] * e->v[(k + 1) % 3] +
		             e->v[k] * e->v[(k + 1) % 3]);
		q[EWS_Q_CURRENT_L1 + k] = e->i[k];
		q[EWS_Q_THD_VOLTAGE_L1 + k] = e->thd_v[k];
		q[EWS_Q_THD_CURRENT_L1 + k] = e->thd_i[k];
		sum_p += e->p[k];
		sum_q += e->q[k];
		sum_s += e->s[k];
		nre += e->i[k] * cos(a);
		nim += e->i[k] * sin(a);
	}
	q[EWS_Q_ACTIVE_POWER] = sum_p;
	q[EWS_Q_REACTIVE_POWER] = sum_q;
	q[EWS_Q_APPARENT_POWER] = sum_s;
	q[EWS_Q_POWER_FACTOR] = sum_s > 0 ? sum_p / sum_s : 1;
	q[EWS_Q_CURRENT_N] = hypot(nre, nim);
}

void
sim_state_values(const struct sim_state *s, struct sim_values *out)
{
	struct elec e;
	double *q = out->q;

	memset(out, 0, sizeof(*out));
	elec_at(s, s->t_s, &e);
	fill_energy(s, q);
	fill_phases(&e, q);
	q[EWS_Q_FREQUENCY] = e.freq;
	q[EWS_Q_STATE] = e.breaker;
	q[EWS_Q_TEMPERATURE] = e.temp_c;
	if (s->p.kind == SIM_KIND_EVSE) {
		q[EWS_Q_CP_STATE] = ev_cp_state(s);
		q[EWS_Q_SETPOINT_CURRENT] = s->setpoint_a;
		q[EWS_Q_CHARGE_ENABLE] = s->charge_enable;
	}
}

/* Relative size of harmonic `order` in the distortion: odd orders
 * dominate (triplen ones less), even ones are small; the weights of
 * orders 2-63 have a root-sum-square of 1, so the harmonics add up to
 * the THD. */
static double
harmonic_weight(unsigned int order)
{
	double norm = 0, w = 0;
	unsigned int h;

	for (h = 2; h <= 63; h++) {
		double c = h % 2 == 0   ? 0.05 / h
		           : h % 3 == 0 ? 0.6 / h
		                        : 1.0 / h;

		norm += c * c;
		if (h == order)
			w = c;
	}
	return w / sqrt(norm);
}

double
sim_values_get(const struct sim_values *v, ews_quantity q, unsigned int order)
{
	unsigned int k;

	if (q >= EWS_Q_HARMONIC_VOLTAGE_L1 && q <= EWS_Q_HARMONIC_VOLTAGE_L3) {
		k = q - EWS_Q_HARMONIC_VOLTAGE_L1;
		return v->q[EWS_Q_VOLTAGE_LN_L1 + k] *
		       v->q[EWS_Q_THD_VOLTAGE_L1 + k] / 100 *
		       harmonic_weight(order);
	}
	if (q >= EWS_Q_HARMONIC_CURRENT_L1 && q <= EWS_Q_HARMONIC_CURRENT_L3) {
		k = q - EWS_Q_HARMONIC_CURRENT_L1;
		return v->q[EWS_Q_CURRENT_L1 + k] *
		       v->q[EWS_Q_THD_CURRENT_L1 + k] / 100 *
		       harmonic_weight(order);
	}
	if (q <= EWS_Q_NONE || q >= EWS_Q_COUNT_)
		return 0;
	return v->q[q];
}
