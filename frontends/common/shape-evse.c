/*
 * The JSON shapes of Green'Up: the site's setup, a station's settings,
 * the status the loop stores (in full, or one step of `ews evse run`) and
 * the loop's statistics.
 */
#include <math.h>

#include "shapes.h"

void
shape_evse_setup(struct jw *j, const ews_evse_setup *s)
{
	const ews_evse_config *c = &s->config;

	jw_object_begin(j);
	jw_field_bool(j, "enabled", s->enabled);
	jw_field_ref(j, "meter", s->meter_device_id);
	jw_field_double(j, "max_current_a", c->max_current_a);
	jw_field_double(j, "max_charging_current_a", c->max_charging_current_a);
	jw_field_double(j, "hysteresis_pct", c->hysteresis_pct);
	jw_field_double(j, "step1_pct", c->step1_pct);
	jw_field_double(j, "step2_pct", c->step2_pct);
	jw_field_double(j, "min_charge_ah", c->min_charge_ah);
	jw_field_double(j, "failsafe_current_a", c->failsafe_current_a);
	jw_field_milli(j, "period_s", c->period_ms);
	jw_object_end(j);
}

void
shape_evse_station(struct jw *j, int64_t device_id,
                   const ews_evse_station_setup *s)
{
	jw_object_begin(j);
	jw_field_int(j, "id", device_id);
	jw_field_bool(j, "priority", s->priority);
	jw_field_double(j, "rated_a", s->rated_a);
	jw_field_bool(j, "plug_enabled", s->plug_enabled);
	jw_object_end(j);
}

/* ------------------------------------------------------------------ */
/* Status                                                              */

static void
phases(struct jw *j, const double *a)
{
	jw_key(j, "phase_a");
	jw_array_begin(j, 1);
	for (int p = 0; p < 3; p++)
		jw_double(j, round(a[p] * 10) / 10);
	jw_array_end(j);
}

static void
station(struct jw *j, const ews_evse_station_status *s, int full)
{
	jw_object_begin(j);
	jw_field_int(j, "id", s->device_id);
	if (full) {
		jw_field_str(j, "name", s->name);
		jw_field_str(j, "model", s->model);
		jw_field_bool(j, "powered", s->powered);
		jw_field_bool(j, "managed", s->managed);
		jw_field_bool(j, "plug_enabled", s->plug_enabled);
		jw_field_str(j, "error", s->error[0] ? s->error : NULL);
		jw_field_double(j, "rated_a", s->rated_a);
		jw_field_int(j, "phases", s->phases);
		if (s->phases == 1)
			jw_field_int(j, "phase", s->phase);
	}
	jw_field_str(j, "charge", ews_evse_charge_state_name(s->charge));
	jw_field_str(j, "state", ews_evse_state_name(s->state));
	jw_field_double(j, "setpoint_a", s->setpoint_a);
	jw_field_double(j, "current_a", round(s->current_a * 10) / 10);
	jw_field_double(j, "charged_ah", round(s->charged_ah * 100) / 100);
	if (full) {
		jw_field_int(j, "connected_ms", s->connected_ms);
		jw_field_str(j, "hold",
		             s->hold == EWS_HOLD_START  ? "start"
		             : s->hold == EWS_HOLD_WAIT ? "wait"
		                                        : NULL);
		jw_field_bool(j, "priority", s->priority);
	}
	jw_field_str(j, "reason", s->reason);
	jw_object_end(j);
}

/* The fields after the head: zone, phases, meter, fail-safe, stations. */
static void
status_tail(struct jw *j, const ews_evse_status *s, int full)
{
	jw_field_str(j, "zone", ews_evse_zone_name(s->zone));
	phases(j, s->phase_a);
	jw_field_bool(j, "meter_ok", s->meter_ok);
	jw_field_bool(j, "failsafe", s->failsafe);
	jw_key(j, "stations");
	jw_array_begin(j, !full);
	for (size_t i = 0; i < s->n; i++)
		station(j, &s->station[i], full);
	jw_array_end(j);
}

void
shape_evse_status(struct jw *j, const ews_evse_status *s, int64_t now_ms)
{
	jw_object_begin(j);
	jw_field_bool(j, "enabled", s->enabled);
	jw_field_int(j, "t_ms", s->t_ms);
	if (s->t_ms)
		jw_field_double(j, "age_s", (double)(now_ms - s->t_ms) / 1000);
	else
		jw_field_ref(j, "age_s", 0);
	status_tail(j, s, 1);
	jw_object_end(j);
}

void
shape_evse_step(struct jw *j, const ews_evse_status *s)
{
	jw_object_begin(j);
	jw_field_int(j, "t_ms", s->t_ms);
	status_tail(j, s, 0);
	jw_object_end(j);
}

void
shape_evse_summary(struct jw *j, const ews_greenup_stats *st)
{
	jw_object_begin(j);
	jw_key(j, "summary");
	jw_object_begin(j);
	jw_field_int(j, "steps", (int64_t)st->steps);
	jw_field_int(j, "command_steps", (int64_t)st->command_steps);
	jw_field_int(j, "writes", (int64_t)st->writes);
	jw_field_int(j, "write_failures", (int64_t)st->write_failures);
	jw_field_int(j, "meter_misses", (int64_t)st->meter_misses);
	jw_object_end(j);
	jw_object_end(j);
}
