#include <string.h>

#include <ews/catalog.h>
#include <ews/evse.h>
#include <ews/greenup.h>

#include "error-private.h"
#include "site-private.h"

/*
 * A site's Green'Up setup (evse.h): one row of evse_setup, and the
 * stations' default priorities in evse_station. The controller that
 * runs from it is pure (evse.c); this only stores what the installer
 * set, checked.
 */

ews_status
ews_evse_setup_init(ews_evse_setup *s, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_EVSE_SETUP_VERSION,
	                                   "ews_evse_setup");

	if (st != EWS_OK)
		return st;
	memset(s, 0, sizeof(*s));
	s->version = version;
	st = ews_evse_config_init(&s->config, EWS_EVSE_CONFIG_VERSION);
	s->config.meter = 0; /* no meter_device_id yet */
	return st;
}

ews_status
ews_site_evse_get(ews_site *site, ews_evse_setup *out)
{
	ews_evse_config *c = &out->config;
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	if ((s = ews_evse_setup_init(out, EWS_EVSE_SETUP_VERSION)) != EWS_OK ||
	    (s = ews__site_prepare(site,
	                           "SELECT enabled, ifnull(meter_device_id, 0),"
	                           " max_current_a, max_charging_current_a,"
	                           " hysteresis_pct, step1_pct, step2_pct,"
	                           " min_charge_ah, failsafe_current_a,"
	                           " period_ms, missed_periods, change_min_ms,"
	                           " pause_min_ms FROM evse_setup",
	                           &st)) != EWS_OK)
		return s;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->enabled = sqlite3_column_int(st, 0);
		out->meter_device_id = sqlite3_column_int64(st, 1);
		c->meter = out->meter_device_id != 0;
		c->max_current_a = sqlite3_column_double(st, 2);
		c->max_charging_current_a = sqlite3_column_double(st, 3);
		c->hysteresis_pct = sqlite3_column_double(st, 4);
		c->step1_pct = sqlite3_column_double(st, 5);
		c->step2_pct = sqlite3_column_double(st, 6);
		c->min_charge_ah = sqlite3_column_double(st, 7);
		c->failsafe_current_a = sqlite3_column_double(st, 8);
		c->period_ms = sqlite3_column_int64(st, 9);
		c->missed_periods = sqlite3_column_int(st, 10);
		c->change_min_ms = sqlite3_column_int64(st, 11);
		c->pause_min_ms = sqlite3_column_int64(st, 12);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	               ? EWS_OK
	               : ews__site_db_fail(site, rc);
}

/* The model of a device of the site; EWS_ENOTFOUND naming field. */
static ews_status
device_model(ews_site *site, int64_t id, const char *field,
             const ews_model **out)
{
	ews_device d;
	ews_status st;

	d.version = EWS_DEVICE_VERSION;
	st = ews_site_device_get(site, id, &d);
	if (st == EWS_ENOTFOUND)
		return ews__fail_field(EWS_ENOTFOUND, field,
		                       "device %lld does not exist",
		                       (long long)id);
	if (st == EWS_OK &&
	    ews_catalog_find(ews_site_catalog(site), d.model, out) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, field,
		                       "device %lld's model %s is not in the "
		                       "catalogue",
		                       (long long)id, d.model);
	return st;
}

int
ews__evse_is_station(const ews_model *m)
{
	return m->family == EWS_FAMILY_GREENUP_PREMIUM ||
	       m->family == EWS_FAMILY_GREENUP ||
	       m->family == EWS_FAMILY_EV_STATION;
}

/* The total meter measures every phase's current, and is no station. */
static ews_status
check_meter(ews_site *site, int64_t id)
{
	static const ews_quantity phases[3] = { EWS_Q_CURRENT_L1,
		                                EWS_Q_CURRENT_L2,
		                                EWS_Q_CURRENT_L3 };
	const ews_register *reg;
	const ews_model *m;
	ews_status st;
	size_t p;

	if ((st = device_model(site, id, "meter_device_id", &m)) != EWS_OK)
		return st;
	if (ews__evse_is_station(m))
		return ews__fail_field(
		        EWS_EINVAL, "meter_device_id",
		        "device %lld (%s) is a charging station, "
		        "not the site's meter",
		        (long long)id, m->key);
	for (p = 0; p < 3; p++)
		if (!m->has_map ||
		    ews_model_find_register(m, phases[p], 0, &reg) != EWS_OK)
			return ews__fail_field(
			        EWS_EINVAL, "meter_device_id",
			        "device %lld (%s) does not measure the current "
			        "of L%zu%s",
			        (long long)id, m->key, p + 1,
			        m->has_map ? ""
			                   : ": its register map is unknown");
	return EWS_OK;
}

/*
 * The configuration checked as ews_evse_new() would; while off, a
 * maximum current of 0 is "not set yet": the installer may save the
 * rest before knowing it.
 */
static ews_status
check_config(const ews_evse_setup *s)
{
	ews_evse_config c = s->config;

	c.meter = s->meter_device_id != 0;
	if (!s->enabled && c.max_current_a == 0)
		c.max_current_a = c.max_charging_current_a != 0
		                          ? c.max_charging_current_a
		                          : 100000;
	if (!s->enabled && c.max_charging_current_a == 0)
		c.max_charging_current_a = c.max_current_a;
	if (!s->enabled && s->config.max_current_a == 0 &&
	    c.failsafe_current_a > c.max_current_a)
		c.max_current_a = c.failsafe_current_a; /* checked once set */
	return ews_evse_config_check(&c);
}

ews_status
ews_site_evse_set(ews_site *site, const ews_evse_setup *s)
{
	ews_evse_config c = s->config;
	ews_status st;

	if (s->version != EWS_EVSE_SETUP_VERSION)
		return ews__fail_field(EWS_EINVAL, "version",
		                       "%u is not a known version", s->version);
	if ((st = check_config(s)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = s->meter_device_id ? check_meter(site, s->meter_device_id)
	                        : EWS_OK;
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "INSERT OR REPLACE INTO evse_setup (id, enabled,"
		        " meter_device_id, max_current_a,"
		        " max_charging_current_a, hysteresis_pct, step1_pct,"
		        " step2_pct, min_charge_ah, failsafe_current_a,"
		        " period_ms, missed_periods, change_min_ms,"
		        " pause_min_ms) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		        " ?, ?, ?, ?)",
		        "indddddddiiii", (int64_t)(s->enabled != 0),
		        s->meter_device_id, c.max_current_a,
		        c.max_charging_current_a, c.hysteresis_pct, c.step1_pct,
		        c.step2_pct, c.min_charge_ah, c.failsafe_current_a,
		        c.period_ms, (int64_t)c.missed_periods, c.change_min_ms,
		        c.pause_min_ms);
	if (st == EWS_OK)
		site->config_serial++;
	return ews__site_end(site, st);
}

/* The device is an EV charging station. */
ews_status
ews__evse_check_station(ews_site *site, int64_t id)
{
	const ews_model *m;
	ews_status st = device_model(site, id, "device", &m);

	if (st == EWS_OK && !ews__evse_is_station(m))
		return ews__fail_field(EWS_EINVAL, "device",
		                       "device %lld (%s) is not a charging "
		                       "station",
		                       (long long)id, m->key);
	return st;
}

ews_status
ews_site_evse_station_get(ews_site *site, int64_t device_id,
                          ews_evse_station_setup *out)
{
	ews_status st;
	sqlite3_stmt *q;
	int rc;

	if ((st = ews__check_version(out->version,
	                             EWS_EVSE_STATION_SETUP_VERSION,
	                             "ews_evse_station_setup")) ||
	    (st = ews__evse_check_station(site, device_id)))
		return st;
	out->device_id = device_id;
	out->priority = 0;
	out->rated_a = 32;
	out->plug_enabled = 1;
	if ((st = ews__site_prepare(site,
	                            "SELECT priority, rated_a, plug_enabled"
	                            " FROM evse_station WHERE device_id = ?",
	                            &q)))
		return st;
	sqlite3_bind_int64(q, 1, device_id);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		out->priority = sqlite3_column_int(q, 0) != 0;
		out->rated_a = sqlite3_column_double(q, 1);
		out->plug_enabled = sqlite3_column_int(q, 2) != 0;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	               ? EWS_OK
	               : ews__site_db_fail(site, rc);
}

static ews_status
check_station_setup(const ews_evse_station_setup *s)
{
	ews_status st =
	        ews__check_version(s->version, EWS_EVSE_STATION_SETUP_VERSION,
	                           "ews_evse_station_setup");

	if (st != EWS_OK)
		return st;
	if (s->priority != 0 && s->priority != 1)
		return ews__fail_field(EWS_EINVAL, "priority",
		                       "%d is not 0 (normal) or 1 (priority)",
		                       s->priority);
	if (!(s->rated_a >= EWS_EVSE_MIN_A && s->rated_a <= 80))
		return ews__fail_field(EWS_EINVAL, "rated_a",
		                       "%g A is outside 6-80 A", s->rated_a);
	if (s->plug_enabled != 0 && s->plug_enabled != 1)
		return ews__fail_field(EWS_EINVAL, "plug_enabled",
		                       "%d is not 0 or 1", s->plug_enabled);
	return EWS_OK;
}

ews_status
ews_site_evse_station_set(ews_site *site, const ews_evse_station_setup *s)
{
	ews_status st;

	if ((st = check_station_setup(s)) ||
	    (st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = ews__evse_check_station(site, s->device_id)) == EWS_OK)
		st = ews__site_exec(site,
		                    "INSERT OR REPLACE INTO evse_station"
		                    " (device_id, priority, rated_a,"
		                    " plug_enabled) VALUES (?, ?, ?, ?)",
		                    "iidi", s->device_id, (int64_t)s->priority,
		                    s->rated_a, (int64_t)s->plug_enabled);
	if (st == EWS_OK)
		site->config_serial++;
	return ews__site_end(site, st);
}

ews_status
ews_site_evse_priority_set(ews_site *site, int64_t device_id, int priority)
{
	ews_evse_station_setup s;
	ews_status st;

	s.version = EWS_EVSE_STATION_SETUP_VERSION;
	if (priority != 0 && priority != 1)
		return ews__fail_field(EWS_EINVAL, "priority",
		                       "%d is not 0 (normal) or 1 (priority)",
		                       priority);
	if ((st = ews_site_evse_station_get(site, device_id, &s)))
		return st;
	s.priority = priority;
	return ews_site_evse_station_set(site, &s);
}

ews_status
ews_site_evse_priority_get(ews_site *site, int64_t device_id, int *priority)
{
	ews_evse_station_setup s;
	ews_status st;

	s.version = EWS_EVSE_STATION_SETUP_VERSION;
	st = ews_site_evse_station_get(site, device_id, &s);
	*priority = st == EWS_OK ? s.priority : 0;
	return st;
}

/* Is the device Green'Up's total meter? */
static ews_status
is_meter(ews_site *site, int64_t device_id, int *yes)
{
	int64_t enabled;
	ews_status st = ews__site_scalar(site, &enabled,
	                                 "SELECT enabled FROM evse_setup"
	                                 " WHERE meter_device_id = ?",
	                                 "i", device_id);

	*yes = st == EWS_OK;
	return st == EWS_ENOTFOUND ? EWS_OK : st;
}

ews_status
ews__evse_device_in_use(ews_site *site, int64_t device_id)
{
	int meter;
	ews_status st = is_meter(site, device_id, &meter);

	if (st == EWS_OK && meter)
		return ews__fail_field(EWS_EINUSE, "id",
		                       "device %lld is Green'Up's total power "
		                       "consumption meter: choose another "
		                       "(ews evse config set meter …) first",
		                       (long long)device_id);
	return st;
}

ews_status
ews__evse_device_changed(ews_site *site, int64_t device_id)
{
	int meter;
	ews_status st = is_meter(site, device_id, &meter);

	if (st != EWS_OK || !meter)
		return st;
	if ((st = check_meter(site, device_id)) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, "model",
		                       "device %lld is Green'Up's total power "
		                       "consumption meter, which must measure "
		                       "the current of L1, L2 and L3 (choose "
		                       "another meter first)",
		                       (long long)device_id);
	return st;
}
