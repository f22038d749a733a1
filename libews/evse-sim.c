#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include <ews/evse.h>

#include "catalog-private.h" /* the JSON layer */
#include "error-private.h"

/*
 * ews_evse_simulate (evse.h): a scenario (docs/evse.md) read and checked
 * whole, then run period by period: events, vehicles following their
 * setpoints, the total meter, one controller step, a line of output.
 */

enum {
	EVENTS_MAX = 100000,
	DURATION_MAX_S = 7 * 86400,
	SCENARIO_MAX = 4 << 20
};

typedef enum kind {
	EV_LOAD,
	EV_CONNECT,
	EV_DISCONNECT,
	EV_DEMAND,
	EV_HOLD,
	EV_PRIORITY,
	EV_METER_LOST,
	EV_METER_BACK
} kind;

typedef struct event {
	int64_t t_ms;
	size_t order; /* in the file: events at one time keep it */
	kind kind;
	size_t station;
	double a[3]; /* other load, or a demand in a[0] */
	int value;   /* hold or priority */
} event;

typedef struct scenario {
	ews_evse_config c;
	int64_t response_ms, duration_ms;
	size_t n;
	ews_evse_station st[EWS_EVSE_STATIONS_MAX];
	event *ev;
	size_t nev;
} scenario;

/* ------------------------------------------------------------------ */
/* Reading the scenario                                                */

static ews_status
number(yajl_val obj, const char *prefix, const char *name, double min,
       double max, double *out, int required)
{
	char f[EWS__JSON_FIELD_MAX];
	yajl_val v = ews__json_get(obj, name);

	if (!v && !required)
		return EWS_OK;
	return ews__json_want_number(v, ews__json_path_of(f, prefix, name), min,
	                             max, out);
}

static ews_status
want_object(yajl_val v, const char *field)
{
	if (!v)
		return ews__json_missing(field);
	return YAJL_IS_OBJECT(v) ? EWS_OK
	                         : ews__fail_field(EWS_EINVAL, field,
	                                           "must be an object");
}

/* The last error, its field named as a scenario's: "config.<field>". */
static ews_status
as_config_field(void)
{
	const ews_error *e = ews_error_last();
	char field[EWS__JSON_FIELD_MAX], msg[256];
	size_t len = strlen(e->field);
	const char *m = e->message;

	if (strncmp(m, e->field, len) == 0 && m[len] == ':')
		m += len + (m[len + 1] == ' ' ? 2 : 1);
	snprintf(field, sizeof(field), "config.%s", e->field);
	snprintf(msg, sizeof(msg), "%s", m);
	return ews__fail_field(EWS_EINVAL, field, "%s", msg);
}

static ews_status
parse_config(yajl_val root, scenario *s)
{
	static const char *const known[] = { "meter",
		                             "max_current_a",
		                             "max_charging_current_a",
		                             "hysteresis_pct",
		                             "step1_pct",
		                             "step2_pct",
		                             "min_charge_ah",
		                             "period_s",
		                             "ev_response_s",
		                             "failsafe_current_a",
		                             NULL };
	yajl_val c = ews__json_get(root, "config");
	double period = 1, response = 5;
	ews_status st;

	ews_evse_config_init(&s->c, EWS_EVSE_CONFIG_VERSION);
	if ((st = want_object(c, "config")) ||
	    (st = ews__json_check_fields(c, known, "config")) ||
	    (st = ews__json_want_bool(ews__json_get(c, "meter"), "config.meter",
	                              &s->c.meter)) ||
	    (st = number(c, "config", "max_current_a", 1, 1e5,
	                 &s->c.max_current_a, 1)) ||
	    (st = number(c, "config", "max_charging_current_a", 1, 1e5,
	                 &s->c.max_charging_current_a, 1)) ||
	    (st = number(c, "config", "hysteresis_pct", 0, 50,
	                 &s->c.hysteresis_pct, 0)) ||
	    (st = number(c, "config", "step1_pct", 1, 100, &s->c.step1_pct,
	                 0)) ||
	    (st = number(c, "config", "step2_pct", 1, 100, &s->c.step2_pct,
	                 0)) ||
	    (st = number(c, "config", "min_charge_ah", 0, 1000,
	                 &s->c.min_charge_ah, 0)) ||
	    (st = number(c, "config", "period_s", 0.1, 60, &period, 0)) ||
	    (st = number(c, "config", "ev_response_s", 0, 600, &response, 0)) ||
	    (st = number(c, "config", "failsafe_current_a", 0, 1e5,
	                 &s->c.failsafe_current_a, 0)))
		return st;
	s->c.period_ms = llround(period * 1000);
	s->response_ms = llround(response * 1000);
	if ((st = ews_evse_config_check(&s->c)) != EWS_OK)
		return as_config_field();
	return EWS_OK;
}

static ews_status
parse_station(yajl_val v, size_t i, ews_evse_station *out)
{
	static const char *const known[] = { "id",      "phases",   "phase",
		                             "rated_a", "priority", NULL };
	char prefix[32], f[EWS__JSON_FIELD_MAX];
	long long id, phases;
	const char *phase;
	ews_status st;

	snprintf(prefix, sizeof(prefix), "stations[%zu]", i);
	memset(out, 0, sizeof(*out));
	out->priority_override = -1;
	if ((st = want_object(v, prefix)) ||
	    (st = ews__json_check_fields(v, known, prefix)) ||
	    (st = ews__json_want_int(ews__json_get(v, "id"),
	                             ews__json_path_of(f, prefix, "id"), 1,
	                             INT32_MAX, &id)) ||
	    (st = ews__json_want_int(ews__json_get(v, "phases"),
	                             ews__json_path_of(f, prefix, "phases"), 1,
	                             3, &phases)) ||
	    (st = number(v, prefix, "rated_a", EWS_EVSE_MIN_A, 1000,
	                 &out->rated_a, 1)) ||
	    (st = ews__json_want_bool(ews__json_get(v, "priority"),
	                              ews__json_path_of(f, prefix, "priority"),
	                              &out->priority)))
		return st;
	out->id = id;
	out->phases = (int)phases;
	if (phases == 2)
		return ews__fail_field(EWS_EINVAL,
		                       ews__json_path_of(f, prefix, "phases"),
		                       "a station has 1 or 3 phases");
	if (phases == 3)
		return EWS_OK;
	if ((st = ews__json_want_string(ews__json_get(v, "phase"),
	                                ews__json_path_of(f, prefix, "phase"),
	                                8, 0, &phase)) != EWS_OK)
		return st;
	if (strlen(phase) != 2 || phase[0] != 'L' || phase[1] < '1' ||
	    phase[1] > '3')
		return ews__fail_field(EWS_EINVAL, f,
		                       "'%s' is not L1, L2 or L3", phase);
	out->phase = phase[1] - '0';
	return EWS_OK;
}

static ews_status
parse_stations(yajl_val root, scenario *s)
{
	yajl_val v = ews__json_get(root, "stations");
	ews_status st;
	size_t i, j;

	if (!v)
		return ews__json_missing("stations");
	if (!YAJL_IS_ARRAY(v) || v->u.array.len > EWS_EVSE_STATIONS_MAX)
		return ews__fail_field(EWS_EINVAL, "stations",
		                       "must be an array of at most %d "
		                       "stations",
		                       EWS_EVSE_STATIONS_MAX);
	for (i = 0; i < v->u.array.len; i++) {
		if ((st = parse_station(v->u.array.values[i], i, &s->st[i])))
			return st;
		for (j = 0; j < i; j++)
			if (s->st[j].id == s->st[i].id)
				return ews__fail_field(
				        EWS_EINVAL, "stations",
				        "station %lld is listed twice",
				        (long long)s->st[i].id);
	}
	s->n = v->u.array.len;
	return EWS_OK;
}

/* The station an event names (its value is an id). */
static ews_status
event_station(const scenario *s, yajl_val v, const char *field, size_t *out)
{
	long long id;
	ews_status st = ews__json_want_int(v, field, 1, INT32_MAX, &id);
	size_t i;

	for (i = 0; st == EWS_OK && i < s->n; i++)
		if (s->st[i].id == id) {
			*out = i;
			return EWS_OK;
		}
	return st != EWS_OK ? st
	                    : ews__fail_field(EWS_EINVAL, field,
	                                      "no station has id %lld", id);
}

/* The action of one event: exactly one of the action keys. */
static ews_status
parse_action(const scenario *s, yajl_val v, const char *prefix, event *e)
{
	static const char *const actions[] = { "other_load_a", "connect",
		                               "disconnect",   "demand",
		                               "override",     "meter_lost",
		                               "meter_back",   NULL };
	char f[EWS__JSON_FIELD_MAX];
	const char *name = NULL;
	yajl_val a = NULL;
	ews_status st;
	size_t i, k;

	for (i = 0; actions[i]; i++)
		if (ews__json_get(v, actions[i])) {
			if (name)
				return ews__fail_field(
				        EWS_EINVAL, prefix,
				        "has both %s and %s: one action "
				        "per event",
				        name, actions[i]);
			name = actions[i];
			a = ews__json_get(v, name);
		}
	if (!name)
		return ews__fail_field(
		        EWS_EINVAL, prefix,
		        "needs an action: other_load_a, connect, "
		        "disconnect, demand, override, "
		        "meter_lost or meter_back");
	ews__json_path_of(f, prefix, name);
	if (strcmp(name, "other_load_a") == 0) {
		e->kind = EV_LOAD;
		if (!YAJL_IS_ARRAY(a) || a->u.array.len != 3)
			return ews__fail_field(EWS_EINVAL, f,
			                       "must be 3 currents, L1-L3");
		for (k = 0; k < 3; k++)
			if ((st = ews__json_want_number(a->u.array.values[k], f,
			                                0, 1e5, &e->a[k])))
				return st;
		return EWS_OK;
	}
	if (strcmp(name, "meter_lost") == 0 ||
	    strcmp(name, "meter_back") == 0) {
		e->kind = name[6] == 'l' ? EV_METER_LOST : EV_METER_BACK;
		return YAJL_IS_TRUE(a)
		               ? EWS_OK
		               : ews__fail_field(EWS_EINVAL, f, "must be true");
	}
	e->kind = name[0] == 'c'                     ? EV_CONNECT
	          : name[0] == 'd' && name[1] == 'i' ? EV_DISCONNECT
	          : name[0] == 'd'                   ? EV_DEMAND
	                                             : EV_HOLD;
	return event_station(s, a, f, &e->station);
}

/* The options of connect, demand and override events. */
static ews_status
parse_station_event(const scenario *s, yajl_val v, const char *prefix, event *e)
{
	char f[EWS__JSON_FIELD_MAX];
	yajl_val w = ews__json_get(v, "wait"), st_ = ews__json_get(v, "start");
	yajl_val pr = ews__json_get(v, "priority");

	e->a[0] = s->st[e->station].rated_a;
	if (e->kind == EV_CONNECT || e->kind == EV_DEMAND)
		return number(v, prefix, "demand_a", 0, 1000, &e->a[0],
		              e->kind == EV_DEMAND);
	if (e->kind == EV_DISCONNECT)
		return EWS_OK;
	if ((w != NULL) + (st_ != NULL) + (pr != NULL) != 1)
		return ews__fail_field(EWS_EINVAL,
		                       ews__json_path_of(f, prefix, "override"),
		                       "needs one of wait, start or priority");
	if (pr) {
		e->kind = EV_PRIORITY;
		return ews__json_want_bool(
		        pr, ews__json_path_of(f, prefix, "priority"),
		        &e->value);
	}
	e->kind = EV_HOLD;
	if (!YAJL_IS_TRUE(w ? w : st_))
		return ews__fail_field(
		        EWS_EINVAL,
		        ews__json_path_of(f, prefix, w ? "wait" : "start"),
		        "must be true");
	e->value = w ? EWS_HOLD_WAIT : EWS_HOLD_START;
	return EWS_OK;
}

static ews_status
parse_event(const scenario *s, yajl_val v, size_t i, event *e)
{
	static const char *const known[] = {
		"t",      "other_load_a", "connect",    "disconnect",
		"demand", "demand_a",     "override",   "wait",
		"start",  "priority",     "meter_lost", "meter_back",
		NULL
	};
	char prefix[32], f[EWS__JSON_FIELD_MAX];
	ews_status st;
	double t;

	snprintf(prefix, sizeof(prefix), "events[%zu]", i);
	memset(e, 0, sizeof(*e));
	e->order = i;
	if ((st = want_object(v, prefix)) ||
	    (st = ews__json_check_fields(v, known, prefix)) ||
	    (st = ews__json_want_number(ews__json_get(v, "t"),
	                                ews__json_path_of(f, prefix, "t"), 0,
	                                (double)s->duration_ms / 1000, &t)) ||
	    (st = parse_action(s, v, prefix, e)))
		return st;
	e->t_ms = llround(t * 1000);
	if (e->kind == EV_LOAD || e->kind == EV_METER_LOST ||
	    e->kind == EV_METER_BACK)
		return EWS_OK;
	return parse_station_event(s, v, prefix, e);
}

static int
event_cmp(const void *a, const void *b)
{
	const event *x = a, *y = b;

	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

static ews_status
parse_events(yajl_val root, scenario *s)
{
	yajl_val v = ews__json_get(root, "events");
	ews_status st = EWS_OK;
	size_t i;

	if (!v)
		return EWS_OK;
	if (!YAJL_IS_ARRAY(v) || v->u.array.len > EVENTS_MAX)
		return ews__fail_field(EWS_EINVAL, "events",
		                       "must be an array of at most %d events",
		                       EVENTS_MAX);
	if (v->u.array.len &&
	    !(s->ev = ews__calloc(v->u.array.len, sizeof(*s->ev))))
		return EWS_ENOMEM;
	for (i = 0; st == EWS_OK && i < v->u.array.len; i++)
		st = parse_event(s, v->u.array.values[i], i, &s->ev[i]);
	s->nev = v->u.array.len;
	if (s->nev > 1)
		qsort(s->ev, s->nev, sizeof(*s->ev), event_cmp);
	return st;
}

static ews_status
parse(const char *text, size_t len, scenario *s)
{
	static const char *const known[] = { "config", "stations", "events",
		                             "duration_s", NULL };
	yajl_val root = NULL;
	char *copy;
	double duration;
	ews_status st;

	if (len > SCENARIO_MAX)
		return ews__fail_field(EWS_EINVAL, "",
		                       "a scenario is at most "
		                       "4 MiB");
	if ((st = ews__json_check_syntax(text, len)) != EWS_OK)
		return st;
	if (!(copy = ews__malloc(len + 1)))
		return EWS_ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	st = ews__json_parse_tree(copy, &root);
	free(copy);
	if (st == EWS_OK && !YAJL_IS_OBJECT(root))
		st = ews__fail_field(EWS_EINVAL, "", "a scenario is an object");
	if (st == EWS_OK && !(st = ews__json_check_fields(root, known, "")) &&
	    !(st = ews__json_want_number(ews__json_get(root, "duration_s"),
	                                 "duration_s", 1, DURATION_MAX_S,
	                                 &duration))) {
		s->duration_ms = llround(duration * 1000);
		if (!(st = parse_config(root, s)) &&
		    !(st = parse_stations(root, s)))
			st = parse_events(root, s);
	}
	yajl_tree_free(root);
	return st;
}

/* ------------------------------------------------------------------ */
/* Running it                                                          */

typedef struct sim {
	scenario *s;
	ews_evse *e;
	ews_evse_result r, last;
	double other[3];
	int meter_lost;
	double target[EWS_EVSE_STATIONS_MAX]; /* what a vehicle will draw */
	int64_t at_ms[EWS_EVSE_STATIONS_MAX]; /* from then on */
	long changes[EWS_EVSE_STATIONS_MAX];
	double delivered[EWS_EVSE_STATIONS_MAX]; /* Ah, every charge */
	double overload_s, max_phase, *comply;
	size_t ncomply, capcomply;
	int64_t overload_from; /* INT64_MIN: not in an overload */
	yajl_gen g;
	ews_evse_sim_emit emit;
	void *ctx;
} sim;

static void
apply(sim *m, const event *e, int64_t now)
{
	ews_evse_station *st = &m->s->st[e->station];

	switch (e->kind) {
	case EV_LOAD:
		memcpy(m->other, e->a, sizeof(m->other));
		return;
	case EV_METER_LOST:
	case EV_METER_BACK:
		m->meter_lost = e->kind == EV_METER_LOST;
		return;
	case EV_CONNECT:
	case EV_DISCONNECT:
		st->connected = e->kind == EV_CONNECT;
		st->demand_a = st->connected ? e->a[0] : 0;
		st->connected_ms = now;
		st->current_a = st->charged_ah = 0;
		st->hold = EWS_HOLD_NONE;
		st->priority_override = -1;
		m->target[e->station] = 0;
		m->at_ms[e->station] = INT64_MAX;
		return;
	case EV_DEMAND: /* the vehicle's own change takes at once */
		st->demand_a = e->a[0];
		if (st->current_a > st->demand_a)
			st->current_a = st->demand_a;
		return;
	case EV_HOLD:
		st->hold = (ews_evse_hold)e->value;
		return;
	case EV_PRIORITY:
		st->priority_override = e->value;
		return;
	}
}

/* Vehicles reach what they were signalled, the total meter reads. */
static void
physics(sim *m, int64_t now, double phase[3])
{
	size_t i;
	int p;

	for (p = 0; p < 3; p++)
		phase[p] = m->other[p];
	for (i = 0; i < m->s->n; i++) {
		ews_evse_station *st = &m->s->st[i];

		if (now >= m->at_ms[i]) {
			st->current_a = fmin(m->target[i], st->demand_a);
			m->at_ms[i] = INT64_MAX;
		}
		for (p = 0; p < 3; p++)
			if (st->phases == 3 || st->phase - 1 == p)
				phase[p] += st->current_a;
	}
}

/* Overloads against the maximum current available, and their end. */
static ews_status
watch(sim *m, int64_t now, const double phase[3], double dt)
{
	int over = 0, p;

	for (p = 0; p < 3; p++) {
		over |= phase[p] > m->s->c.max_current_a + 1e-9;
		m->max_phase = fmax(m->max_phase, phase[p]);
	}
	if (over) {
		m->overload_s += dt;
		if (m->overload_from == INT64_MIN)
			m->overload_from = now;
		return EWS_OK;
	}
	if (m->overload_from == INT64_MIN)
		return EWS_OK;
	if (m->ncomply == m->capcomply) {
		size_t cap = m->capcomply ? m->capcomply * 2 : 16;
		double *v = ews__realloc(m->comply, cap * sizeof(*v));

		if (!v)
			return EWS_ENOMEM;
		m->comply = v;
		m->capcomply = cap;
	}
	m->comply[m->ncomply++] = (double)(now - m->overload_from) / 1000;
	m->overload_from = INT64_MIN;
	return EWS_OK;
}

static void
gen_num(yajl_gen g, double v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%.3f", fabs(v) < 5e-4 ? 0 : v);

	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 1 && buf[n - 1] == '.')
		buf[--n] = '\0';
	yajl_gen_number(g, buf, (size_t)n);
}

static void
gen_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void
flush_line(sim *m)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(m->g, &buf, &len);
	m->emit((const char *)buf, len, m->ctx);
	yajl_gen_clear(m->g);
	yajl_gen_reset(m->g, NULL);
}

static void
gen_station(sim *m, size_t i)
{
	const ews_evse_decision *d = &m->r.station[i];
	const ews_evse_station *st = &m->s->st[i];

	yajl_gen_map_open(m->g);
	gen_key(m->g, "id");
	yajl_gen_integer(m->g, (long long)d->id);
	gen_key(m->g, "state");
	gen_key(m->g, ews_evse_state_name(d->state));
	gen_key(m->g, "setpoint_a");
	gen_num(m->g, d->setpoint_a);
	gen_key(m->g, "current_a");
	gen_num(m->g, st->current_a);
	gen_key(m->g, "charged_ah");
	gen_num(m->g, st->charged_ah);
	gen_key(m->g, "reason");
	gen_key(m->g, d->reason);
	yajl_gen_map_close(m->g);
}

/* The line of a step: the true phase currents (the controller may be
 * without its meter), then what the controller decided. */
static void
line(sim *m, int64_t now, const double phase[3])
{
	size_t i;
	int p;

	yajl_gen_map_open(m->g);
	gen_key(m->g, "t");
	gen_num(m->g, (double)now / 1000);
	gen_key(m->g, "zone");
	gen_key(m->g, ews_evse_zone_name(m->r.zone));
	gen_key(m->g, "phase_a");
	yajl_gen_array_open(m->g);
	for (p = 0; p < 3; p++)
		gen_num(m->g, phase[p]);
	yajl_gen_array_close(m->g);
	gen_key(m->g, "failsafe");
	yajl_gen_bool(m->g, m->r.failsafe);
	gen_key(m->g, "stations");
	yajl_gen_array_open(m->g);
	for (i = 0; i < m->r.n; i++)
		gen_station(m, i);
	yajl_gen_array_close(m->g);
	yajl_gen_map_close(m->g);
	flush_line(m);
}

/* Anything a reader would see change since the last step. */
static int
changed(const sim *m, const double *current_before)
{
	size_t i;

	if (m->r.zone != m->last.zone || m->r.failsafe_changed)
		return 1;
	for (i = 0; i < m->r.n; i++)
		if (m->r.station[i].changed ||
		    m->r.station[i].state != m->last.station[i].state ||
		    m->s->st[i].current_a != current_before[i])
			return 1;
	return 0;
}

static void
summary(sim *m)
{
	char key[24];
	size_t i;

	yajl_gen_map_open(m->g);
	gen_key(m->g, "summary");
	yajl_gen_map_open(m->g);
	gen_key(m->g, "overload_s");
	gen_num(m->g, m->overload_s);
	gen_key(m->g, "max_phase_a");
	gen_num(m->g, m->max_phase);
	gen_key(m->g, "setpoint_changes");
	yajl_gen_map_open(m->g);
	for (i = 0; i < m->s->n; i++) {
		snprintf(key, sizeof(key), "%lld", (long long)m->s->st[i].id);
		gen_key(m->g, key);
		yajl_gen_integer(m->g, m->changes[i]);
	}
	yajl_gen_map_close(m->g);
	gen_key(m->g, "delivered_ah");
	yajl_gen_map_open(m->g);
	for (i = 0; i < m->s->n; i++) {
		snprintf(key, sizeof(key), "%lld", (long long)m->s->st[i].id);
		gen_key(m->g, key);
		gen_num(m->g, m->delivered[i]);
	}
	yajl_gen_map_close(m->g);
	gen_key(m->g, "t_comply_s");
	yajl_gen_array_open(m->g);
	for (i = 0; i < m->ncomply; i++)
		gen_num(m->g, m->comply[i]);
	if (m->overload_from != INT64_MIN)
		yajl_gen_null(m->g); /* not over when the scenario ends */
	yajl_gen_array_close(m->g);
	yajl_gen_map_close(m->g);
	yajl_gen_map_close(m->g);
	flush_line(m);
}

/* One period: events, vehicles, the meter, a controller step, a line. */
static ews_status
period(sim *m, int64_t now, size_t *next_event, int every_step)
{
	double phase[3], before[EWS_EVSE_STATIONS_MAX];
	double dt = (double)m->s->c.period_ms / 1000;
	ews_status st;
	size_t i;

	while (*next_event < m->s->nev && m->s->ev[*next_event].t_ms <= now)
		apply(m, &m->s->ev[(*next_event)++], now);
	for (i = 0; i < m->s->n; i++)
		before[i] = m->s->st[i].current_a;
	physics(m, now, phase);
	if ((st = ews_evse_step(m->e, now,
	                        m->s->c.meter && !m->meter_lost ? phase : NULL,
	                        m->s->st, m->s->n, &m->r)) != EWS_OK ||
	    (st = watch(m, now, phase, dt)) != EWS_OK)
		return st;
	for (i = 0; i < m->s->n; i++) {
		ews_evse_station *s = &m->s->st[i];

		if (m->r.station[i].changed) {
			m->changes[i]++;
			m->target[i] = 0.95 * m->r.station[i].setpoint_a;
			m->at_ms[i] = now + m->s->response_ms;
		}
		s->charged_ah += s->current_a * dt / 3600;
		m->delivered[i] += s->current_a * dt / 3600;
	}
	if (every_step || now == 0 || changed(m, before))
		line(m, now, phase);
	m->last = m->r;
	return EWS_OK;
}

static ews_status
run(scenario *s, int every_step, ews_evse_sim_emit emit, void *ctx)
{
	sim *m = ews__calloc(1, sizeof(*m));
	size_t next_event = 0, i;
	ews_status st;
	int64_t now;

	if (!m)
		return EWS_ENOMEM;
	m->s = s;
	m->emit = emit;
	m->ctx = ctx;
	m->overload_from = INT64_MIN;
	for (i = 0; i < s->n; i++)
		m->at_ms[i] = INT64_MAX;
	if (!(m->g = yajl_gen_alloc(NULL))) {
		free(m);
		return ews__fail(EWS_ENOMEM, "out of memory");
	}
	st = ews_evse_new(&s->c, &m->e);
	for (now = 0; st == EWS_OK && now <= s->duration_ms;
	     now += s->c.period_ms)
		st = period(m, now, &next_event, every_step);
	if (st == EWS_OK)
		summary(m);
	ews_evse_free(m->e);
	yajl_gen_free(m->g);
	free(m->comply);
	free(m);
	return st;
}

ews_status
ews_evse_simulate(const char *scenario_text, size_t len, int every_step,
                  ews_evse_sim_emit emit, void *ctx)
{
	scenario *s;
	ews_status st;

	if (!scenario_text || !emit)
		return ews__fail_field(EWS_EINVAL, "scenario",
		                       "a scenario text and an emit callback "
		                       "are required");
	if (!(s = ews__calloc(1, sizeof(*s))))
		return EWS_ENOMEM;
	if ((st = parse(scenario_text, len, s)) == EWS_OK)
		st = run(s, every_step, emit, ctx);
	free(s->ev);
	free(s);
	return st;
}
