#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/store.h>

#include "error-private.h"
#include "site-private.h"

/*
 * Samples and device status events (ACQ-2, ACQ-4), in the site database
 * (tables `sample`, `event` and the `status` column of `device`, schema 2).
 * A sample is keyed by (device, quantity, order, time): storing the same
 * key again replaces the value. Samples and events outlive their device.
 */

const char *
ews_device_status_name(ews_device_status status)
{
	switch (status) {
	case EWS_DEVICE_UNKNOWN:
		return "unknown";
	case EWS_DEVICE_ON:
		return "on";
	case EWS_DEVICE_OFF:
		return "off";
	case EWS_DEVICE_COMM_ERROR:
		return "comm_error";
	case EWS_DEVICE_STATION_FAILURE:
		return "station_failure";
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Samples                                                             */

static int
compare_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Value and quantity of every reading: pure, nothing read. */
static ews_status
check_readings(const ews_reading *readings, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const ews_reading *r = &readings[i];

		if (!ews_quantity_name(r->quantity))
			return ews__fail_field(EWS_EINVAL, "quantity",
			                       "reading %zu: %d is not a "
			                       "quantity",
			                       i, (int)r->quantity);
		if (!isfinite(r->value))
			return ews__fail_field(EWS_EINVAL, "value",
			                       "reading %zu: %s of device %lld "
			                       "is not a finite number",
			                       i,
			                       ews_quantity_name(r->quantity),
			                       (long long)r->device_id);
	}
	return EWS_OK;
}

/* Every device the readings name exists; each one is looked up once. */
static ews_status
check_devices(ews_site *site, const ews_reading *readings, size_t count)
{
	int64_t *ids = ews__malloc(count * sizeof(*ids));
	ews_status st = EWS_OK;
	int64_t found;
	size_t i;

	if (!ids)
		return EWS_ENOMEM;
	for (i = 0; i < count; i++)
		ids[i] = readings[i].device_id;
	qsort(ids, count, sizeof(*ids), compare_id);
	for (i = 0; i < count && st == EWS_OK; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		st = ews__site_scalar(site, &found,
		                      "SELECT id FROM device WHERE id = ?", "i",
		                      ids[i]);
		if (st == EWS_ENOTFOUND)
			st = ews__fail_field(EWS_EINVAL, "device_id",
			                     "device %lld does not exist",
			                     (long long)ids[i]);
	}
	free(ids);
	return st;
}

/* One prepared statement for every row. */
static ews_status
insert_readings(ews_site *site, const ews_reading *readings, size_t count)
{
	sqlite3_stmt *st;
	ews_status s;
	size_t i;
	int rc = SQLITE_OK;

	s = ews__site_prepare(site,
	                      "INSERT OR REPLACE INTO sample (device_id,"
	                      " quantity, ord, t_ms, value)"
	                      " VALUES (?, ?, ?, ?, ?)",
	                      &st);
	if (s != EWS_OK)
		return s;
	for (i = 0; i < count && rc == SQLITE_OK; i++) {
		const ews_reading *r = &readings[i];

		sqlite3_reset(st);
		if ((rc = sqlite3_bind_int64(st, 1, r->device_id)) ||
		    (rc = sqlite3_bind_int64(st, 2, (int64_t)r->quantity)) ||
		    (rc = sqlite3_bind_int64(st, 3, (int64_t)r->order)) ||
		    (rc = sqlite3_bind_int64(st, 4, r->t_ms)) ||
		    (rc = sqlite3_bind_double(st, 5, r->value)))
			break;
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	if (rc != SQLITE_OK)
		s = ews__site_db_fail(site, rc);
	sqlite3_finalize(st);
	return s;
}

ews_status
ews_site_samples_add(ews_site *site, const ews_reading *readings, size_t count)
{
	ews_status st;

	if (count == 0)
		return EWS_OK;
	if (!readings)
		return ews__fail_field(EWS_EINVAL, "readings",
		                       "%zu readings at NULL", count);
	if ((st = check_readings(readings, count)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = check_devices(site, readings, count);
	if (st == EWS_OK)
		st = insert_readings(site, readings, count);
	return ews__site_end(site, st);
}

ews_status
ews_sample_query_init(ews_sample_query *q, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_SAMPLE_QUERY_VERSION,
	                                   "ews_sample_query");

	if (st != EWS_OK)
		return st;
	memset(q, 0, sizeof(*q));
	q->version = version;
	q->quantity = EWS_Q_NONE;
	return EWS_OK;
}

static ews_status
read_sample(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_reading *r = item;

	(void)site;
	memset(r, 0, sizeof(*r));
	r->device_id = sqlite3_column_int64(st, 0);
	r->quantity = (ews_quantity)sqlite3_column_int(st, 1);
	r->order = (unsigned int)sqlite3_column_int64(st, 2);
	r->t_ms = sqlite3_column_int64(st, 3);
	r->value = sqlite3_column_double(st, 4);
	return EWS_OK;
}

ews_status
ews_site_sample_list(ews_site *site, const ews_sample_query *q, ews_list **out)
{
	ews_sample_query all;
	char sql[512];
	ews_status st;

	*out = NULL;
	if (!q) {
		ews_sample_query_init(&all, EWS_SAMPLE_QUERY_VERSION);
		q = &all;
	}
	if ((st = ews__check_version(q->version, EWS_SAMPLE_QUERY_VERSION,
	                             "ews_sample_query")) != EWS_OK)
		return st;
	if (q->quantity != EWS_Q_NONE && !ews_quantity_name(q->quantity))
		return ews__fail_field(EWS_EINVAL, "quantity",
		                       "%d is not a quantity",
		                       (int)q->quantity);
	/*
	 * Only constant fragments are joined, so that an unused filter costs
	 * the planner nothing; every value is a bound parameter, always the
	 * same five (an unused one is compared with its own "none" value).
	 */
	snprintf(sql, sizeof(sql),
	         "SELECT device_id, quantity, ord, t_ms, value FROM sample"
	         " WHERE %s AND %s AND t_ms >= ?3 AND %s"
	         " ORDER BY device_id, quantity, ord, t_ms LIMIT ?5",
	         q->device_id ? "device_id = ?1" : "?1 = 0",
	         q->quantity != EWS_Q_NONE ? "quantity = ?2" : "?2 = 0",
	         q->to_ms ? "t_ms < ?4" : "?4 = 0");
	return ews__site_select(site, EWS__LIST_READING, sizeof(ews_reading),
	                        read_sample, out, sql, "iiiii", q->device_id,
	                        (int64_t)q->quantity, q->from_ms, q->to_ms,
	                        q->limit ? (int64_t)q->limit : (int64_t)-1);
}

/* ------------------------------------------------------------------ */
/* Device status and events                                            */

ews_status
ews_site_device_status(ews_site *site, int64_t id, ews_device_status *out)
{
	int64_t status;
	ews_status st;

	*out = EWS_DEVICE_UNKNOWN;
	/* OFF is what the installer switched, never a stored state. */
	st = ews__site_scalar(site, &status,
	                      "SELECT CASE WHEN d.enabled = 0 OR g.enabled = 0"
	                      " THEN ? ELSE d.status END"
	                      " FROM device d JOIN gateway g"
	                      " ON g.id = d.gateway_id WHERE d.id = ?",
	                      "ii", (int64_t)EWS_DEVICE_OFF, id);
	if (st == EWS_ENOTFOUND)
		return ews__fail_field(EWS_ENOTFOUND, "device",
		                       "%lld does not exist", (long long)id);
	if (st == EWS_OK)
		*out = (ews_device_status)status;
	return st;
}

/* The stored status and gateway of a device, in the caller's
 * transaction. */
static ews_status
stored_status(ews_site *site, int64_t id, int64_t *status, int64_t *gateway)
{
	ews_status st;

	st = ews__site_scalar(site, status,
	                      "SELECT status FROM device WHERE id = ?", "i",
	                      id);
	if (st == EWS_OK)
		st = ews__site_scalar(site, gateway,
		                      "SELECT gateway_id FROM device"
		                      " WHERE id = ?",
		                      "i", id);
	if (st == EWS_ENOTFOUND)
		return ews__fail_field(EWS_ENOTFOUND, "device",
		                       "%lld does not exist", (long long)id);
	return st;
}

ews_status
ews_site_device_set_status(ews_site *site, int64_t id, ews_device_status status,
                           const char *reason, int64_t now_ms)
{
	int64_t old, gateway;
	ews_status st;

	if (!ews_device_status_name(status))
		return ews__fail_field(EWS_EINVAL, "status",
		                       "%d is not a device status",
		                       (int)status);
	if (!reason)
		reason = "";
	if ((st = ews__check_text("reason", reason)) != EWS_OK)
		return st;
	/* Every poll confirms most statuses: that is a read, not a write
	 * transaction. A change is re-checked inside the transaction. */
	if ((st = stored_status(site, id, &old, &gateway)) != EWS_OK ||
	    old == (int64_t)status)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = stored_status(site, id, &old, &gateway);
	if (st == EWS_OK && old != (int64_t)status)
		st = ews__site_exec(site,
		                    "UPDATE device SET status = ? WHERE id = ?",
		                    "ii", (int64_t)status, id);
	if (st == EWS_OK && old != (int64_t)status)
		st = ews__site_exec(
		        site,
		        "INSERT INTO event (t_ms, device_id,"
		        " gateway_id, old_status, new_status, reason)"
		        " VALUES (?, ?, ?, ?, ?, ?)",
		        "iiiiis", now_ms, id, gateway, old, (int64_t)status,
		        reason);
	return ews__site_end(site, st);
}

static ews_status
read_event(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_event *e = item;

	(void)site;
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	e->t_ms = sqlite3_column_int64(st, 1);
	e->device_id = sqlite3_column_int64(st, 2);
	e->gateway_id = sqlite3_column_int64(st, 3);
	e->old_status = (ews_device_status)sqlite3_column_int(st, 4);
	e->new_status = (ews_device_status)sqlite3_column_int(st, 5);
	ews__site_column_text(st, 6, e->reason, sizeof(e->reason));
	return EWS_OK;
}

ews_status
ews_site_event_list(ews_site *site, int64_t from_ms, int64_t to_ms,
                    ews_list **out)
{
	return ews__site_select(site, EWS__LIST_EVENT, sizeof(ews_event),
	                        read_event, out,
	                        "SELECT id, t_ms, device_id, gateway_id,"
	                        " old_status, new_status, reason FROM event"
	                        " WHERE t_ms >= ?1 AND (?2 = 0 OR t_ms < ?2)"
	                        " ORDER BY t_ms, id",
	                        "ii", from_ms, to_ms);
}

const ews_event *
ews_list_event(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_EVENT, i);
}
