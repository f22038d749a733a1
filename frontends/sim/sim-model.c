/*
 * The physics of a simulated device: pure functions of its parameters,
 * its state and the simulated time (no clock, no I/O, no globals).
 *
 * A meter's total active power follows a daily load profile (office, home
 * or flat) scaled to its peak, spread over its phases; the voltages sit
 * near 230 V, the power factor near 0.95, and currents, reactive and
 * apparent powers follow from them; a meter with a fixed load (load_a)
 * draws that current on each phase instead. Counters integrate the powers
 * in steps of at most STEP_S simulated seconds, so they only grow and
 * agree with the powers that were served. An EV station runs the IEC
 * 61851 control-pilot states: A without a vehicle, B connected but not
 * charging (setpoint below 6 A, disabled, or battery full), C charging at
 * 95 % of min(setpoint, vehicle limit, station limit). The vehicle follows
 * a setpoint or enable write response_s after it: it acts on the command
 * in force at t - response_s. Every "random" figure is a hash of the
 * device's seed and the time, so a run is reproducible.
 */
#include <math.h>
#include <string.h>

#include "sim.h"
#include "../common/mix64.h"

#define STEP_S           30.0   /* integration step, simulated seconds */
#define MAX_STEPS        200000 /* per advance: coarser steps beyond */
#define DAY_S            86400.0
#define H(hours)         ((hours)*3600.0)
#define EV_MIN_A         6.0  /* IEC 61851-1: no charging below 6 A */
#define EV_STATION_MAX_A 32.0 /* rating of the simulated station */
#define EV_PF            0.99
/* On-board chargers draw a little under the signalled maximum; ews's
 * load management (issue 6) must cope with that margin. */
#define EV_DRAW 0.95
#define TRIP_S  900.0 /* a weekly breaker trip lasts 15 minutes */

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

/* The command the vehicle follows at t: the last one written at or
 * before t - response_s (cmd[0], in force from the start, if none). */
static const struct sim_command *
ev_command(const struct sim_state *s, double t)
{
	unsigned int k = s->ncmd - 1;

	while (k > 0 && s->cmd[k].at_s + s->p.response_s > t)
		k--;
	return &s->cmd[k];
}

/* When the vehicle next takes a new command after t; HUGE_VAL: never.
 * Commands are in time order, so the first one pending is the next. */
static double
ev_next_change(const struct sim_state *s, double t)
{
	unsigned int k;

	for (k = 1; k < s->ncmd; k++)
		if (s->cmd[k].at_s + s->p.response_s > t)
			return s->cmd[k].at_s + s->p.response_s;
	return HUGE_VAL;
}

/* Forget the commands that a newer one in force at t replaced. */
static void
ev_prune(struct sim_state *s, double t)
{
	unsigned int k = (unsigned int)(ev_command(s, t) - s->cmd);

	if (k == 0)
		return;
	memmove(s->cmd, s->cmd + k, (s->ncmd - k) * sizeof(*s->cmd));
	s->ncmd -= k;
}

static double
ev_current_a(const struct sim_state *s, double t)
{
	const struct sim_command *c = ev_command(s, t);
	double a =
	        fmin(c->setpoint_a, fmin(s->p.vehicle_max_a, EV_STATION_MAX_A));

	if (s->session_s < 0 || s->need_wh <= 0 || !c->enable || a < EV_MIN_A)
		return 0;
	return EV_DRAW * a;
}

static int
ev_cp_state(const struct sim_state *s, double t)
{
	if (s->session_s < 0)
		return EWS_CP_A;
	return ev_current_a(s, t) > 0 ? EWS_CP_C : EWS_CP_B;
}

/* ------------------------------------------------------------------ */
/* Electrical snapshot                                                 */

/* The current of each loaded phase when it is set rather than derived
 * from a power: an EV's draw or a meter's fixed load; < 0: a profile. */
static double
fixed_current_a(const struct sim_state *s, double t)
{
	return s->p.kind == SIM_KIND_EVSE ? ev_current_a(s, t) : s->load_a;
}

/* Active power per phase; the current too when it is fixed (exactly
 * that current is served, not P / (V pf) rounded). */
static void
load_at(const struct sim_state *s, double t, struct elec *e)
{
	const struct sim_params *p = &s->p;
	double total, share[3], sum = 0, a = fixed_current_a(s, t);
	unsigned int k, n = p->phases == 1 ? 1 : 3;
	unsigned int k0 = p->phases == 1 ? p->phase : 0;

	if (a >= 0) {
		for (k = k0; k < k0 + n; k++) {
			e->i[k] = a;
			e->p[k] = e->v[k] * a * e->pf[k];
		}
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
		e->p[k0 + k] = total * share[k] / sum;
}

/* Current (unless load_at() fixed it), apparent and reactive power of
 * each phase from P, V, pf. */
static void
derive_phases(const struct sim_state *s, double t, struct elec *e)
{
	unsigned int k;

	for (k = 0; k < 3; k++) {
		if (e->p[k] <= 0) {
			e->p[k] = e->i[k] = e->s[k] = e->q[k] = 0;
			e->pf[k] = 1;
			e->thd_i[k] = 0;
			continue;
		}
		if (!(e->i[k] > 0))
			e->i[k] = e->p[k] / (e->v[k] * e->pf[k]);
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
	/* a steady load (EV, load_a) sits mid-way: voltage, THD */
	e->frac = p->kind == SIM_KIND_EVSE || s->load_a >= 0
	                  ? 0.5
	                  : profile_frac(p->profile, t);
	e->breaker = breaker_at(p, t);
	for (k = 0; k < 3; k++) {
		e->pf[k] = p->kind == SIM_KIND_EVSE
		                   ? EV_PF
		                   : 0.95 + 0.02 * smooth(p->seed, SALT_PF + k,
		                                          t, 900);
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
	unsigned int k0 = p->phases == 1 ? p->phase : 0;

	memset(s, 0, sizeof(*s));
	s->p = *p;
	s->t_s = t_s;
	r = rand01(p->seed, SALT_ENERGY, 0);
	if (e < 0)
		e = 1000 * (p->kind == SIM_KIND_EVSE ? 500 + 4500 * r
		                                     : 1000 + 49000 * r);
	for (k = 0; k < n; k++) {
		s->import_wh[k0 + k] =
		        k + 1 < n ? e * (0.31 +
		                         0.04 * rand01(p->seed, SALT_SHARE, k))
		                  : e - share;
		share += s->import_wh[k0 + k];
	}
	s->reactive_varh = e * (p->kind == SIM_KIND_EVSE ? 0.05 : 0.3);
	s->apparent_vah = hypot(e, s->reactive_varh);
	if (p->volume)
		s->volume_dm3 =
		        1000 * (100 + 9900 * rand01(p->seed, SALT_VOLUME, 0));
	s->setpoint_a = p->setpoint_a;
	s->charge_enable = 1;
	/* the initial setpoint is in force from the start */
	s->cmd[0] =
	        (struct sim_command){ t_s - p->response_s, p->setpoint_a, 1 };
	s->ncmd = 1;
	s->load_a = p->kind == SIM_KIND_METER ? p->load_a : -1;
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

static void
advance_span(struct sim_state *s, double t_s)
{
	double span = t_s - s->t_s, dt, t0 = s->t_s;
	long i, n;

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
sim_state_advance(struct sim_state *s, double t_s)
{
	/* Integrate up to each instant the vehicle takes a new command,
	 * then from it: no step straddles a change of current. */
	while (s->t_s < t_s)
		advance_span(s, fmin(t_s, ev_next_change(s, s->t_s)));
	ev_prune(s, s->t_s);
}

void
sim_state_reset_counters(struct sim_state *s)
{
	memset(s->import_wh, 0, sizeof(s->import_wh));
	s->reactive_varh = 0;
	s->apparent_vah = 0;
	s->volume_dm3 = 0;
}

/* Remember the registers as they now stand, for the vehicle to follow
 * response_s later. With every slot waiting, the newest pending command
 * gives way: it would have been in force the shortest time. */
static void
ev_record(struct sim_state *s)
{
	ev_prune(s, s->t_s);
	if (s->ncmd == SIM_COMMANDS_MAX)
		s->ncmd--;
	s->cmd[s->ncmd++] =
	        (struct sim_command){ s->t_s, s->setpoint_a, s->charge_enable };
}

void
sim_state_set_setpoint(struct sim_state *s, double a)
{
	s->setpoint_a = a;
	ev_record(s);
}

void
sim_state_set_enable(struct sim_state *s, int on)
{
	s->charge_enable = on != 0;
	ev_record(s);
}

void
sim_state_set_load(struct sim_state *s, double a)
{
	s->load_a = a;
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

static double
power_factor(double p, double s)
{
	return s > 0 ? p / s : 1;
}

/* The neutral current from the phasors of the phase currents: 120°
 * apart, each lagging its voltage by acos(pf). */
static double
neutral_a(const double *q)
{
	double nre = 0, nim = 0;
	unsigned int k;

	for (k = 0; k < 3; k++) {
		double a = -2 * M_PI * k / 3 -
		           acos(fmin(1, q[EWS_Q_POWER_FACTOR_L1 + k]));

		nre += q[EWS_Q_CURRENT_L1 + k] * cos(a);
		nim += q[EWS_Q_CURRENT_L1 + k] * sin(a);
	}
	return hypot(nre, nim);
}

static void
fill_phases(const struct elec *e, double *q)
{
	double sum_p = 0, sum_q = 0, sum_s = 0;
	unsigned int k;

	for (k = 0; k < 3; k++) {
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
	}
	q[EWS_Q_ACTIVE_POWER] = sum_p;
	q[EWS_Q_REACTIVE_POWER] = sum_q;
	q[EWS_Q_APPARENT_POWER] = sum_s;
	q[EWS_Q_POWER_FACTOR] = power_factor(sum_p, sum_s);
	q[EWS_Q_CURRENT_N] = neutral_a(q);
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
		q[EWS_Q_CP_STATE] = ev_cp_state(s, s->t_s);
		q[EWS_Q_SETPOINT_CURRENT] = s->setpoint_a;
		q[EWS_Q_CHARGE_ENABLE] = s->charge_enable;
	}
}

void
sim_values_add_feed(struct sim_values *v, const struct sim_values *feed)
{
	const double *g = feed->q;
	double *q = v->q;
	unsigned int k;

	for (k = 0; k < 3; k++) {
		q[EWS_Q_CURRENT_L1 + k] += g[EWS_Q_CURRENT_L1 + k];
		q[EWS_Q_ACTIVE_POWER_L1 + k] += g[EWS_Q_ACTIVE_POWER_L1 + k];
		q[EWS_Q_REACTIVE_POWER_L1 + k] +=
		        g[EWS_Q_REACTIVE_POWER_L1 + k];
		q[EWS_Q_APPARENT_POWER_L1 + k] +=
		        g[EWS_Q_APPARENT_POWER_L1 + k];
		q[EWS_Q_POWER_FACTOR_L1 + k] =
		        power_factor(q[EWS_Q_ACTIVE_POWER_L1 + k],
		                     q[EWS_Q_APPARENT_POWER_L1 + k]);
	}
	q[EWS_Q_ACTIVE_POWER] += g[EWS_Q_ACTIVE_POWER];
	q[EWS_Q_REACTIVE_POWER] += g[EWS_Q_REACTIVE_POWER];
	q[EWS_Q_APPARENT_POWER] += g[EWS_Q_APPARENT_POWER];
	q[EWS_Q_POWER_FACTOR] =
	        power_factor(q[EWS_Q_ACTIVE_POWER], q[EWS_Q_APPARENT_POWER]);
	q[EWS_Q_CURRENT_N] = neutral_a(q);
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
