#include <string.h>

#include <ews/catalog.h>
#include <ews/greenup.h>

#include "error-private.h"
#include "greenup-private.h"
#include "site-private.h"

/*
 * What the running Green'Up loop shares through the site (greenup.h):
 * the status it stores after each step (evse_live, evse_live_station),
 * and the per-charge commands any process gives (evse_charge), each
 * bound to the charge that was connected when it was given.
 */

const char *
ews_evse_charge_state_name(ews_evse_charge_state s)
{
	static const char *const names[] = { "available", "busy", "charging",
		                             "waiting" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

/* ------------------------------------------------------------------ */
/* Per-charge commands (EVS-4)                                         */

/* The charge now on a station, as the loop last reported it. */
static ews_status
current_charge(ews_site *site, int64_t device_id, int64_t *connected_ms)
{
	ews_status st = ews__evse_check_station(site, device_id);

	*connected_ms = 0;
	if (st != EWS_OK)
		return st;
	st = ews__site_scalar(site, connected_ms,
	                      "SELECT connected_ms FROM"
	                      " evse_live_station WHERE device_id = ?",
	                      "i", device_id);
	if (st == EWS_ENOTFOUND || (st == EWS_OK && *connected_ms == 0))
		return ews__fail_field(
		        EWS_EDENIED, "device",
		        "no vehicle is connected to station %lld "
		        "(as the Green'Up loop last reported it)",
		        (long long)device_id);
	return st;
}

/* Set the current charge's hold (-1: keep) or priority override (-2:
 * keep); a row left by an earlier charge starts again from none. */
static ews_status
charge_set(ews_site *site, int64_t device_id, int hold, int priority)
{
	int64_t connected_ms;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = current_charge(site, device_id, &connected_ms)) == EWS_OK)
		st = ews__site_exec(
		        site,
		        "INSERT INTO evse_charge (device_id, connected_ms, "
		        "hold,"
		        " priority_override) VALUES (?1, ?2, max(?3, 0),"
		        " max(?4, -1)) ON CONFLICT (device_id) DO UPDATE SET"
		        " hold = CASE WHEN ?3 >= 0 THEN ?3"
		        "  WHEN connected_ms = ?2 THEN hold ELSE 0 END,"
		        " priority_override = CASE WHEN ?4 >= -1 THEN ?4"
		        "  WHEN connected_ms = ?2 THEN priority_override"
		        "  ELSE -1 END,"
		        " connected_ms = ?2",
		        "iiii", device_id, connected_ms, (int64_t)hold,
		        (int64_t)priority);
	if (st == EWS_OK)
		site->config_serial++;
	return ews__site_end(site, st);
}

ews_status
ews_site_evse_hold(ews_site *site, int64_t device_id, ews_evse_hold hold)
{
	if (hold != EWS_HOLD_NONE && hold != EWS_HOLD_START &&
	    hold != EWS_HOLD_WAIT)
		return ews__fail_field(EWS_EINVAL, "hold",
		                       "%d is not none, start or wait",
		                       (int)hold);
	return charge_set(site, device_id, (int)hold, -2);
}

ews_status
ews_site_evse_charge_priority(ews_site *site, int64_t device_id, int priority)
{
	if (priority < -1 || priority > 1)
		return ews__fail_field(EWS_EINVAL, "priority",
		                       "%d is not -1 (the station's default), "
		                       "0 (normal) or 1 (priority)",
		                       priority);
	return charge_set(site, device_id, -1, priority);
}

ews_status
ews__evse_charges_load(ews_site *site, struct ews__evse_charge *out, size_t max,
                       size_t *n)
{
	sqlite3_stmt *q;
	ews_status st;
	int rc;

	*n = 0;
	if ((st = ews__site_prepare(site,
	                            "SELECT device_id, connected_ms, hold,"
	                            " priority_override FROM evse_charge",
	                            &q)))
		return st;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && *n < max) {
		struct ews__evse_charge *c = &out[(*n)++];

		c->device_id = sqlite3_column_int64(q, 0);
		c->connected_ms = sqlite3_column_int64(q, 1);
		c->hold = (ews_evse_hold)sqlite3_column_int(q, 2);
		c->priority_override = sqlite3_column_int(q, 3);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	               ? EWS_OK
	               : ews__site_db_fail(site, rc);
}

/* ------------------------------------------------------------------ */
/* The stored status                                                   */

static ews_status
store_station(ews_site *site, const ews_evse_station_status *s)
{
	return ews__site_exec(
	        site,
	        "INSERT OR REPLACE INTO evse_live_station (device_id, powered,"
	        " managed, error, charge, state, cp_state, setpoint_a,"
	        " current_a, charged_ah, connected_ms, reason)"
	        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "iiisiiidddis", s->device_id, (int64_t)s->powered,
	        (int64_t)s->managed, s->error, (int64_t)s->charge,
	        (int64_t)s->state, (int64_t)s->cp_state, s->setpoint_a,
	        s->current_a, s->charged_ah, s->connected_ms, s->reason);
}

/* Whether what a station row stores differs. */
static int
station_differs(const ews_evse_station_status *a,
                const ews_evse_station_status *b)
{
	return a->device_id != b->device_id || a->powered != b->powered ||
	       a->managed != b->managed || strcmp(a->error, b->error) ||
	       a->charge != b->charge || a->state != b->state ||
	       a->cp_state != b->cp_state || a->setpoint_a != b->setpoint_a ||
	       a->current_a != b->current_a || a->charged_ah != b->charged_ah ||
	       a->connected_ms != b->connected_ms ||
	       strcmp(a->reason, b->reason);
}

/* The same stations in the same order. */
static int
same_stations(const ews_evse_status *a, const ews_evse_status *b)
{
	if (!b || a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->station[i].device_id != b->station[i].device_id)
			return 0;
	return 1;
}

ews_status
ews__evse_live_store(ews_site *site, const ews_evse_status *now,
                     const ews_evse_status *before)
{
	ews_status st;
	size_t i;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews__site_exec(site,
	                    "INSERT OR REPLACE INTO evse_live (id, t_ms, zone,"
	                    " l1_a, l2_a, l3_a, meter_ok, failsafe)"
	                    " VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
	                    "iidddii", now->t_ms, (int64_t)now->zone,
	                    now->phase_a[0], now->phase_a[1], now->phase_a[2],
	                    (int64_t)now->meter_ok, (int64_t)now->failsafe);
	if (!same_stations(now, before))
		before = NULL; /* every row again, and none left over */
	if (!before && st == EWS_OK)
		st = ews__site_exec(site, "DELETE FROM evse_live_station", "");
	for (i = 0; st == EWS_OK && i < now->n; i++) {
		const ews_evse_station_status *s = &now->station[i];

		if (before && !station_differs(s, &before->station[i]))
			continue;
		st = store_station(site, s);
		/* the vehicle left: its charge's commands end (EVS-4) */
		if (st == EWS_OK && !s->connected_ms)
			st = ews__site_exec(site,
			                    "DELETE FROM evse_charge"
			                    " WHERE device_id = ?",
			                    "i", s->device_id);
	}
	return ews__site_end(site, st);
}

static void
read_station(ews_site *site, sqlite3_stmt *q, ews_evse_station_status *s)
{
	const ews_model *m;

	memset(s, 0, sizeof(*s));
	s->device_id = sqlite3_column_int64(q, 0);
	ews__site_column_text(q, 1, s->name, sizeof(s->name));
	ews__site_column_text(q, 2, s->model, sizeof(s->model));
	s->phase = sqlite3_column_int(q, 3);
	s->powered = sqlite3_column_int(q, 4);
	s->managed = sqlite3_column_int(q, 5);
	ews__site_column_text(q, 6, s->error, sizeof(s->error));
	s->charge = (ews_evse_charge_state)sqlite3_column_int(q, 7);
	s->state = (ews_evse_state)sqlite3_column_int(q, 8);
	s->cp_state = sqlite3_column_int(q, 9);
	s->setpoint_a = sqlite3_column_double(q, 10);
	s->current_a = sqlite3_column_double(q, 11);
	s->charged_ah = sqlite3_column_double(q, 12);
	s->connected_ms = sqlite3_column_int64(q, 13);
	ews__site_column_text(q, 14, s->reason, sizeof(s->reason));
	s->rated_a = sqlite3_column_double(q, 15);
	s->plug_enabled = sqlite3_column_int(q, 16);
	s->priority = sqlite3_column_int(q, 17);
	s->hold = (ews_evse_hold)sqlite3_column_int(q, 18);
	s->priority_override = sqlite3_column_int(q, 19);
	s->phases = ews_catalog_find(site->catalog, s->model, &m) == EWS_OK
	                    ? (int)m->phases
	                    : 3;
	if (s->priority_override >= 0)
		s->priority = s->priority_override;
}

static ews_status
read_stations(ews_site *site, ews_evse_status *out)
{
	sqlite3_stmt *q;
	ews_status st;
	int rc;

	if ((st = ews__site_prepare(
	             site,
	             "SELECT l.device_id, d.name, d.model, d.phase, l.powered,"
	             " l.managed, l.error, l.charge, l.state, l.cp_state,"
	             " l.setpoint_a, l.current_a, l.charged_ah,"
	             " l.connected_ms, l.reason, ifnull(s.rated_a, 32),"
	             " ifnull(s.plug_enabled, 1), ifnull(s.priority, 0),"
	             " ifnull(c.hold, 0), ifnull(c.priority_override, -1)"
	             " FROM evse_live_station l JOIN device d"
	             " ON d.id = l.device_id"
	             " LEFT JOIN evse_station s ON s.device_id = l.device_id"
	             " LEFT JOIN evse_charge c ON c.device_id = l.device_id"
	             " AND c.connected_ms = l.connected_ms"
	             " ORDER BY l.device_id",
	             &q)))
		return st;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW &&
	       out->n < EWS_EVSE_STATIONS_MAX)
		read_station(site, q, &out->station[out->n++]);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	               ? EWS_OK
	               : ews__site_db_fail(site, rc);
}

ews_status
ews_site_evse_status(ews_site *site, ews_evse_status *out)
{
	ews_evse_setup setup;
	sqlite3_stmt *q;
	ews_status st;
	int rc;

	if ((st = ews__check_version(out->version, EWS_EVSE_STATUS_VERSION,
	                             "ews_evse_status")))
		return st;
	memset(out, 0, sizeof(*out));
	out->version = EWS_EVSE_STATUS_VERSION;
	setup.version = EWS_EVSE_SETUP_VERSION;
	if ((st = ews__site_read_begin(site)) != EWS_OK)
		return st;
	if ((st = ews_site_evse_get(site, &setup)) == EWS_OK)
		st = ews__site_prepare(site,
		                       "SELECT t_ms, zone, l1_a, l2_a, l3_a,"
		                       " meter_ok, failsafe FROM evse_live",
		                       &q);
	if (st == EWS_OK) {
		out->enabled = setup.enabled;
		if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			out->t_ms = sqlite3_column_int64(q, 0);
			out->zone = (ews_evse_zone)sqlite3_column_int(q, 1);
			for (int p = 0; p < 3; p++)
				out->phase_a[p] =
				        sqlite3_column_double(q, 2 + p);
			out->meter_ok = sqlite3_column_int(q, 5);
			out->failsafe = sqlite3_column_int(q, 6);
		}
		sqlite3_finalize(q);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			st = ews__site_db_fail(site, rc);
	}
	if (st == EWS_OK)
		st = read_stations(site, out);
	return ews__site_read_end(site, st);
}
