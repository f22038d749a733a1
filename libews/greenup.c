#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/catalog.h>
#include <ews/greenup.h>

#include "engine-private.h"
#include "error-private.h"
#include "greenup-private.h"
#include "site-private.h"

/*
 * The live Green'Up loop (greenup.h). Each tick queues the reads of the
 * stations, then of the meter, on the gateways' workers; the meter's
 * answer (or its absence at the next tick) runs one step of the pure
 * controller (evse.c) with what the stations last answered, and the
 * setpoints that differ from what each station was last sent are
 * written at once. Requests carry the loop as their userdata and find
 * their station by device id, so a setup reloaded meanwhile is safe.
 */

struct station {
	int64_t id;
	char name[EWS_NAME_MAX];
	char model[EWS_NAME_MAX];
	int phases, phase;
	double rated_a;
	int priority, plug_enabled, enabled;
	int has_setpoint, has_enable;
	/* what its reads say */
	int reading;      /* a read is in flight */
	int answered;     /* its last read answered */
	int64_t read_ms;  /* stamp of the last answered read */
	int cp;           /* pilot state; 0 unknown */
	double current_a; /* highest phase current */
	double charged_ah;
	int64_t connected_ms;
	ews_evse_hold hold;
	int priority_override;
	/* what it was sent */
	double sent_a; /* setpoint; < 0: none yet, or it failed */
	int sent_on;   /* charge enable; < 0: none yet */
	char read_error[EWS_TEXT_MAX];  /* of its last read; "" */
	char write_error[EWS_TEXT_MAX]; /* of its last write; "" */
	ews_evse_decision decision;
	int decided; /* decision holds this step's */
};

struct ews_greenup {
	ews_site *site;
	ews_engine *eng;
	ews_evse_setup setup;
	ews_evse *ctl;
	char setup_error[EWS_TEXT_MAX];
	int64_t data_version;
	uint64_t config_serial;
	int loaded;
	struct station st[EWS_EVSE_STATIONS_MAX];
	size_t n;
	int64_t last_tick_ms; /* INT64_MIN: never */
	int meter_pending;    /* the tick's meter read is in flight */
	int64_t meter_tick_ms;
	int64_t meter_us;     /* the meter's last answer, monotonic */
	int pending_reads;    /* station reads of a dedicated supply's tick */
	uint64_t step_writes; /* writes queued by the current step */
	uint64_t timed_step;  /* the step whose first write is timed */
	int answer_step;      /* the step running is the meter's answer's */
	ews_greenup_stats stats;
	ews_evse_status *status, *stored; /* now and as last stored */
	int store_all; /* the last store failed: rewrite every row */
};

static struct station *
station_of(ews_greenup *gu, int64_t id)
{
	for (size_t i = 0; i < gu->n; i++)
		if (gu->st[i].id == id)
			return &gu->st[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Setup                                                               */

static int
model_writes(ews_site *site, const ews_device *d, ews_quantity q)
{
	const ews_register *reg;

	return ews__writable_register(site, d, q, &reg) == EWS_OK;
}

/* A station as configured, keeping what the loop knew of it. */
static ews_status
load_station(ews_greenup *gu, const ews_device *d, const struct station *old,
             struct station *s)
{
	ews_evse_station_setup set;
	const ews_model *m;
	ews_status st;

	set.version = EWS_EVSE_STATION_SETUP_VERSION;
	if ((st = ews_site_evse_station_get(gu->site, d->id, &set)))
		return st;
	if (old) {
		*s = *old;
	} else {
		memset(s, 0, sizeof(*s));
		s->sent_a = -1;
		s->sent_on = -1;
		s->priority_override = -1;
	}
	s->id = d->id;
	snprintf(s->name, sizeof(s->name), "%s", d->name);
	snprintf(s->model, sizeof(s->model), "%s", d->model);
	s->phases = ews_catalog_find(gu->site->catalog, d->model, &m) == EWS_OK
	                    ? (int)m->phases
	                    : 3;
	s->phase = s->phases == 1 ? (d->phase ? (int)d->phase : 1) : 0;
	s->rated_a = set.rated_a;
	s->priority = set.priority;
	s->plug_enabled = set.plug_enabled;
	s->enabled = d->enabled;
	s->has_setpoint = model_writes(gu->site, d, EWS_Q_SETPOINT_CURRENT);
	s->has_enable = model_writes(gu->site, d, EWS_Q_CHARGE_ENABLE);
	ews_error_clear();
	return EWS_OK;
}

static ews_status
load_stations(ews_greenup *gu)
{
	struct station *next =
	        ews__calloc(EWS_EVSE_STATIONS_MAX, sizeof(*next));
	ews_list *devs = NULL;
	ews_status st;
	size_t i, n = 0;

	if (!next)
		return EWS_ENOMEM;
	st = ews_site_device_list(gu->site, 0, &devs);
	for (i = 0; st == EWS_OK && i < ews_list_len(devs); i++) {
		const ews_device *d = ews_list_device(devs, i);
		const ews_model *m;

		if (n == EWS_EVSE_STATIONS_MAX ||
		    ews_catalog_find(gu->site->catalog, d->model, &m) ||
		    !ews__evse_is_station(m))
			continue;
		st = load_station(gu, d, station_of(gu, d->id), &next[n++]);
	}
	ews_error_clear();
	if (st == EWS_OK) {
		memcpy(gu->st, next, n * sizeof(*next));
		gu->n = n;
	}
	ews_list_free(devs);
	free(next);
	return st;
}

/* Commands given for the charges now connected (EVS-4). */
static ews_status
load_charges(ews_greenup *gu)
{
	struct ews__evse_charge c[EWS_EVSE_STATIONS_MAX];
	size_t n, i;
	ews_status st =
	        ews__evse_charges_load(gu->site, c, EWS_EVSE_STATIONS_MAX, &n);

	for (i = 0; st == EWS_OK && i < gu->n; i++) {
		gu->st[i].hold = EWS_HOLD_NONE;
		gu->st[i].priority_override = -1;
	}
	for (i = 0; st == EWS_OK && i < n; i++) {
		struct station *s = station_of(gu, c[i].device_id);

		if (s && s->connected_ms &&
		    s->connected_ms == c[i].connected_ms) {
			s->hold = c[i].hold;
			s->priority_override = c[i].priority_override;
		}
	}
	return st;
}

/* A new controller when the configuration changed (its memory of
 * reductions and waits starts again). */
static void
load_controller(ews_greenup *gu, const ews_evse_setup *next)
{
	int same = gu->ctl && !memcmp(&next->config, &gu->setup.config,
	                              sizeof(next->config));

	gu->setup = *next;
	if (same || !next->enabled)
		return;
	ews_evse_free(gu->ctl);
	gu->ctl = NULL;
	gu->setup_error[0] = 0;
	if (ews_evse_new(&next->config, &gu->ctl) != EWS_OK)
		snprintf(gu->setup_error, sizeof(gu->setup_error),
		         "the configuration is refused: %.200s",
		         ews_error_last()->message);
}

/* Read the setup again if this or another handle changed it. */
static ews_status
reload(ews_greenup *gu)
{
	ews_evse_setup next;
	int64_t version;
	ews_status st;

	if ((st = ews__site_data_version(gu->site, &version)))
		return st;
	if (gu->loaded && version == gu->data_version &&
	    gu->config_serial == gu->site->config_serial)
		return EWS_OK;
	next.version = EWS_EVSE_SETUP_VERSION;
	if ((st = ews_site_evse_get(gu->site, &next)) ||
	    (st = load_stations(gu)) || (st = load_charges(gu)))
		return st;
	load_controller(gu, &next);
	gu->data_version = version;
	gu->config_serial = gu->site->config_serial;
	gu->loaded = 1;
	return EWS_OK;
}

/* Charges the stored status knew of carry on across a restart. */
static void
adopt_stored(ews_greenup *gu)
{
	ews_evse_status *was = gu->stored;
	size_t i;

	was->version = EWS_EVSE_STATUS_VERSION;
	if (ews_site_evse_status(gu->site, was) != EWS_OK) {
		ews_error_clear();
		memset(was, 0, sizeof(*was));
		return;
	}
	for (i = 0; i < was->n; i++) {
		struct station *s = station_of(gu, was->station[i].device_id);

		if (s && was->station[i].connected_ms) {
			s->connected_ms = was->station[i].connected_ms;
			s->charged_ah = was->station[i].charged_ah;
		}
	}
	load_charges(gu);
	was->n = 0;
	gu->store_all = 1; /* rewrite every row at the first step */
}

ews_status
ews_greenup_open(ews_site *site, ews_engine *eng, ews_greenup **out)
{
	ews_greenup *gu;
	ews_status st;

	*out = NULL;
	if (!site || !eng)
		return ews__fail_field(EWS_EINVAL, site ? "eng" : "site",
		                       "is required");
	if (!(gu = ews__calloc(1, sizeof(*gu))) ||
	    !(gu->status = ews__calloc(1, sizeof(*gu->status))) ||
	    !(gu->stored = ews__calloc(1, sizeof(*gu->stored)))) {
		ews_greenup_close(gu);
		return EWS_ENOMEM;
	}
	gu->site = site;
	gu->eng = eng;
	gu->last_tick_ms = INT64_MIN;
	if ((st = reload(gu)) != EWS_OK) {
		ews_greenup_close(gu);
		return st;
	}
	adopt_stored(gu);
	*out = gu;
	return EWS_OK;
}

void
ews_greenup_close(ews_greenup *gu)
{
	if (!gu)
		return;
	/* Without memory to forget its requests, the loop is leaked rather
	 * than freed under them. */
	if (gu->eng && ews__engine_forget(gu->eng, gu) != EWS_OK)
		return;
	ews_evse_free(gu->ctl);
	free(gu->status);
	free(gu->stored);
	free(gu);
}

/* ------------------------------------------------------------------ */
/* Station reads                                                       */

static int
vehicle_present(int cp)
{
	return cp == EWS_CP_B || cp == EWS_CP_C || cp == EWS_CP_D;
}

/* A charge begins or ends with the pilot state (EVS-4: its commands
 * end with it). */
static void
follow_vehicle(struct station *s, int cp, int64_t t_ms)
{
	if (vehicle_present(cp) && !s->connected_ms) {
		s->connected_ms = t_ms;
		s->charged_ah = 0;
		s->hold = EWS_HOLD_NONE;
		s->priority_override = -1;
	} else if (!vehicle_present(cp) && cp != 0) {
		s->connected_ms = 0;
		s->charged_ah = 0;
		s->hold = EWS_HOLD_NONE;
		s->priority_override = -1;
	}
}

static void
take_station_reading(struct station *s, const ews_list *readings)
{
	double phase[3] = { 0, 0, 0 };
	int64_t t = 0;
	int cp = 0;

	for (size_t i = 0; i < ews_list_len(readings); i++) {
		const ews_reading *r = ews_list_reading(readings, i);

		t = r->t_ms;
		if (r->quantity == EWS_Q_CP_STATE)
			cp = (int)r->value;
		else if (r->quantity >= EWS_Q_CURRENT_L1 &&
		         r->quantity <= EWS_Q_CURRENT_L3)
			phase[r->quantity - EWS_Q_CURRENT_L1] = r->value;
	}
	/* charge received: the current drawn since the last read (A·h) */
	if (s->connected_ms && s->read_ms && t > s->read_ms)
		s->charged_ah +=
		        s->current_a * (double)(t - s->read_ms) / 3.6e6;
	s->current_a = s->phases == 1
	                       ? phase[s->phase > 0 ? s->phase - 1 : 0]
	                       : fmax(phase[0], fmax(phase[1], phase[2]));
	s->read_ms = t;
	s->cp = cp;
	follow_vehicle(s, cp, t);
	s->read_error[0] = 0;
}

static void step(ews_greenup *gu, int64_t now_ms, const double *meter_a);

static void
station_answered(const struct ews__reply *reply, void *ud)
{
	ews_greenup *gu = ud;
	const ews_poll_result *r = reply->result;
	struct station *s = station_of(gu, r->device_id);

	if (!s)
		return; /* deleted meanwhile */
	s->reading = 0;
	s->answered = r->outcome == EWS_OUTCOME_OK;
	if (s->answered)
		take_station_reading(s, reply->readings);
	else
		snprintf(s->read_error, sizeof(s->read_error),
		         "does not answer: %.200s", r->message);
	if (!gu->setup.meter_device_id && gu->pending_reads > 0 &&
	    --gu->pending_reads == 0)
		step(gu, gu->meter_tick_ms, NULL);
}

static void
meter_answered(const struct ews__reply *reply, void *ud)
{
	ews_greenup *gu = ud;
	const ews_poll_result *r = reply->result;
	double a[3];
	int got = 0;

	if (!gu->meter_pending || r->device_id != gu->setup.meter_device_id)
		return; /* late, after its period was stepped without it */
	gu->meter_pending = 0;
	for (size_t i = 0; i < ews_list_len(reply->readings); i++) {
		const ews_reading *rd = ews_list_reading(reply->readings, i);

		if (rd->quantity >= EWS_Q_CURRENT_L1 &&
		    rd->quantity <= EWS_Q_CURRENT_L3) {
			a[rd->quantity - EWS_Q_CURRENT_L1] = rd->value;
			got |= 1 << (rd->quantity - EWS_Q_CURRENT_L1);
		}
	}
	gu->meter_us = reply->mono_us;
	if (got != 7)
		gu->stats.meter_misses++;
	gu->answer_step = 1; /* its writes are timed from the answer */
	step(gu, gu->meter_tick_ms, got == 7 ? a : NULL);
	gu->answer_step = 0;
}

/* ------------------------------------------------------------------ */
/* Writes                                                              */

static void
written(const struct ews__reply *reply, void *ud)
{
	ews_greenup *gu = ud;
	const ews_poll_result *r = reply->result;
	struct station *s = station_of(gu, r->device_id);

	if (gu->timed_step && gu->timed_step == gu->stats.steps) {
		gu->stats.last_command_us = reply->mono_us - gu->meter_us;
		gu->stats.timed_steps++;
		gu->timed_step = 0;
	}
	if (!s)
		return;
	if (r->outcome == EWS_OUTCOME_OK) {
		s->write_error[0] = 0;
		return;
	}
	gu->stats.write_failures++;
	s->sent_a = -1; /* sent again at the next step */
	s->sent_on = -1;
	snprintf(s->write_error, sizeof(s->write_error),
	         "the setpoint was not written: %.200s", r->message);
}

static void
send(ews_greenup *gu, struct station *s, ews_quantity q, double value)
{
	if (ews__engine_write(gu->eng, s->id, q, value, written, gu) !=
	    EWS_OK) {
		snprintf(s->write_error, sizeof(s->write_error),
		         "the setpoint was not written: %.200s",
		         ews_error_last()->message);
		s->sent_a = -1;
		return;
	}
	if (gu->step_writes++ == 0 && gu->answer_step)
		gu->timed_step = gu->stats.steps;
	gu->stats.writes++;
}

/* Signal a current: the setpoint first, then charge enable where the
 * map has one (0 A is "no charge" on every setpoint register). */
static void
signal_current(ews_greenup *gu, struct station *s, double a)
{
	int on = a >= EWS_EVSE_MIN_A;

	if (s->has_setpoint && s->sent_a != a) {
		s->sent_a = a;
		send(gu, s, EWS_Q_SETPOINT_CURRENT, a);
	}
	if (s->has_enable && s->sent_on != on) {
		s->sent_on = on;
		send(gu, s, EWS_Q_CHARGE_ENABLE, on);
	}
}

/* ------------------------------------------------------------------ */
/* Steps                                                               */

/* Why a station is not under control; NULL when it is. */
static const char *
unmanaged_reason(const ews_greenup *gu, const struct station *s)
{
	if (!gu->setup.enabled)
		return "the control logic is OFF";
	if (!gu->ctl)
		return gu->setup_error;
	if (!s->enabled)
		return "the station is OFF";
	if (!s->has_setpoint)
		return "its register map has no writable setpoint";
	if (!s->plug_enabled)
		return "the EV plug is disabled";
	if (!s->answered)
		return "it does not answer";
	if (s->cp == EWS_CP_E || s->cp == EWS_CP_F)
		return "it reports a fault";
	return NULL;
}

static void
to_controller(const struct station *s, ews_evse_station *c)
{
	memset(c, 0, sizeof(*c));
	c->id = s->id;
	c->phases = s->phases;
	c->phase = s->phase;
	c->rated_a = s->rated_a;
	c->priority = s->priority;
	c->connected = vehicle_present(s->cp);
	/* A station does not tell what its vehicle would take: assume the
	 * rated current, which errs on the safe side. */
	c->demand_a = c->connected ? s->rated_a : 0;
	c->current_a = s->current_a;
	c->charged_ah = s->charged_ah;
	c->connected_ms = s->connected_ms;
	c->hold = s->hold;
	c->priority_override = s->priority_override;
}

static ews_evse_charge_state
charge_state(const struct station *s)
{
	if (!vehicle_present(s->cp))
		return EWS_CHARGE_AVAILABLE;
	if (s->decided && (s->decision.state == EWS_EVSE_WAITING ||
	                   s->decision.state == EWS_EVSE_PAUSED ||
	                   s->decision.state == EWS_EVSE_STOPPED))
		return EWS_CHARGE_WAITING;
	return s->cp == EWS_CP_B ? EWS_CHARGE_BUSY : EWS_CHARGE_CHARGING;
}

static void
status_of(const ews_greenup *gu, const struct station *s,
          ews_evse_station_status *o)
{
	const char *why = unmanaged_reason(gu, s);

	memset(o, 0, sizeof(*o));
	o->device_id = s->id;
	snprintf(o->name, sizeof(o->name), "%s", s->name);
	snprintf(o->model, sizeof(o->model), "%s", s->model);
	o->powered = s->answered;
	o->managed = why == NULL;
	o->plug_enabled = s->plug_enabled;
	if (s->cp == EWS_CP_E || s->cp == EWS_CP_F)
		snprintf(o->error, sizeof(o->error),
		         "the station reports a fault (pilot state %c)",
		         s->cp == EWS_CP_E ? 'E' : 'F');
	else
		snprintf(o->error, sizeof(o->error), "%s",
		         s->read_error[0] ? s->read_error : s->write_error);
	o->rated_a = s->rated_a;
	o->phases = s->phases;
	o->phase = s->phase;
	o->charge = charge_state(s);
	o->state = s->decided ? s->decision.state : EWS_EVSE_IDLE;
	o->cp_state = s->cp;
	o->setpoint_a = s->sent_a > 0 ? s->sent_a : 0;
	o->current_a = s->current_a;
	o->charged_ah = round(s->charged_ah * 1000) / 1000;
	o->connected_ms = s->connected_ms;
	o->hold = s->hold;
	o->priority =
	        s->priority_override >= 0 ? s->priority_override : s->priority;
	o->priority_override = s->priority_override;
	snprintf(o->reason, sizeof(o->reason), "%s",
	         why ? why : s->decision.reason);
}

static void
store_status(ews_greenup *gu, int64_t now_ms, const ews_evse_result *res,
             const double *meter_a)
{
	ews_evse_status *now = gu->status, *swap;

	memset(now, 0, offsetof(ews_evse_status, station));
	now->version = EWS_EVSE_STATUS_VERSION;
	now->enabled = gu->setup.enabled;
	now->t_ms = now_ms;
	now->meter_ok = meter_a != NULL;
	if (res) {
		now->zone = res->zone;
		memcpy(now->phase_a, res->phase_a, sizeof(now->phase_a));
		now->failsafe = res->failsafe;
	}
	now->n = gu->n;
	for (size_t i = 0; i < gu->n; i++)
		status_of(gu, &gu->st[i], &now->station[i]);
	if (ews__evse_live_store(gu->site, now,
	                         gu->store_all ? NULL : gu->stored) != EWS_OK) {
		/* e.g. busy: the next step stores every row again */
		ews_error_clear();
		gu->store_all = 1;
	} else {
		gu->store_all = 0;
	}
	swap = gu->stored;
	gu->stored = now;
	gu->status = swap;
}

/* Apply a step's decisions; stations out of control get no current. */
static void
apply(ews_greenup *gu, const ews_evse_result *res)
{
	size_t i, k;

	for (i = 0; i < gu->n; i++) {
		struct station *s = &gu->st[i];

		s->decided = 0;
		for (k = 0; res && k < res->n; k++)
			if (res->station[k].id == s->id) {
				s->decision = res->station[k];
				s->decided = 1;
				signal_current(gu, s, s->decision.setpoint_a);
			}
		/* a disabled plug is told so, once (EVS-5) */
		if (!s->decided && s->enabled && s->answered &&
		    !s->plug_enabled && s->has_setpoint)
			signal_current(gu, s, 0);
	}
}

static void
step(ews_greenup *gu, int64_t now_ms, const double *meter_a)
{
	ews_evse_station in[EWS_EVSE_STATIONS_MAX];
	ews_evse_result *res = NULL;
	size_t i, n = 0;

	if (gu->ctl && gu->setup.enabled &&
	    (res = ews__calloc(1, sizeof(*res)))) {
		for (i = 0; i < gu->n; i++)
			if (!unmanaged_reason(gu, &gu->st[i]))
				to_controller(&gu->st[i], &in[n++]);
		if (ews_evse_step(gu->ctl, now_ms, meter_a, in, n, res)) {
			snprintf(gu->setup_error, sizeof(gu->setup_error), "%s",
			         ews_error_last()->message);
			free(res);
			res = NULL;
		}
	}
	gu->stats.steps++;
	gu->step_writes = 0;
	apply(gu, res);
	if (gu->step_writes)
		gu->stats.command_steps++;
	store_status(gu, now_ms, res, meter_a);
	free(res);
}

/* ------------------------------------------------------------------ */
/* Ticks                                                               */

int64_t
ews_greenup_next_due_ms(ews_greenup *gu, int64_t now_ms)
{
	int64_t period = gu->setup.config.period_ms > 0
	                         ? gu->setup.config.period_ms
	                         : 1000;

	if (gu->last_tick_ms == INT64_MIN)
		return now_ms;
	return gu->last_tick_ms + period;
}

static void
read_stations(ews_greenup *gu, int64_t now_ms)
{
	for (size_t i = 0; i < gu->n; i++) {
		struct station *s = &gu->st[i];

		if (!s->enabled || s->reading)
			continue;
		if (ews__engine_read(gu->eng, s->id, EWS__SELECT_ALL, now_ms,
		                     station_answered, gu) != EWS_OK) {
			s->answered = 0;
			snprintf(s->read_error, sizeof(s->read_error), "%s",
			         ews_error_last()->message);
			continue;
		}
		s->reading = 1;
		gu->pending_reads++;
	}
}

ews_status
ews_greenup_tick(ews_greenup *gu, int64_t now_ms)
{
	ews_status st;

	if (now_ms < gu->last_tick_ms)
		return ews__fail_field(EWS_EINVAL, "now_ms",
		                       "time went backwards");
	gu->last_tick_ms = now_ms;
	if ((st = reload(gu)) != EWS_OK)
		return st;
	if (!gu->setup.enabled)
		return EWS_OK;
	if (gu->meter_pending) { /* no answer within the period */
		gu->meter_pending = 0;
		gu->stats.meter_misses++;
		step(gu, now_ms, NULL);
	}
	gu->pending_reads = 0;
	read_stations(gu, now_ms);
	gu->meter_tick_ms = now_ms;
	if (!gu->setup.meter_device_id) {
		if (gu->pending_reads == 0)
			step(gu, now_ms, NULL);
		return EWS_OK;
	}
	gu->pending_reads = 0; /* the meter's answer steps */
	if (ews__engine_read(gu->eng, gu->setup.meter_device_id,
	                     EWS__SELECT_CURRENTS, now_ms, meter_answered,
	                     gu) != EWS_OK) {
		ews_error_clear();
		gu->stats.meter_misses++;
		step(gu, now_ms, NULL);
		return EWS_OK;
	}
	gu->meter_pending = 1;
	return EWS_OK;
}

ews_status
ews_greenup_status(ews_greenup *gu, ews_evse_status *status,
                   ews_greenup_stats *stats)
{
	ews_status st = EWS_OK;

	if (status) {
		st = ews__check_version(status->version,
		                        EWS_EVSE_STATUS_VERSION,
		                        "ews_evse_status");
		if (st == EWS_OK)
			*status = *gu->stored;
	}
	if (stats)
		*stats = gu->stats;
	return st;
}
