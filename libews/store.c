#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#include <ews/store.h>

#include "error-private.h"
#include "rollup.h"
#include "series.h"
#include "site-private.h"
#include "store-private.h"

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

/* Readings in series order: device, quantity, order, time, then input
 * order, so that the last of equal keys wins. */
static int
compare_readings(const void *a, const void *b)
{
	const ews_reading *const *x = a, *const *y = b;
	const ews_reading *p = *x, *q = *y;

	if (p->device_id != q->device_id)
		return p->device_id < q->device_id ? -1 : 1;
	if (p->quantity != q->quantity)
		return p->quantity < q->quantity ? -1 : 1;
	if (p->order != q->order)
		return p->order < q->order ? -1 : 1;
	if (p->t_ms != q->t_ms)
		return p->t_ms < q->t_ms ? -1 : 1;
	return (p > q) - (p < q);
}

/* The old run with the new samples merged in; a new time replaces. */
static ews_status
merge(const ews__sample_vec *old, ews_reading *const *in, size_t n,
      ews__sample_vec *out)
{
	size_t i = 0, j = 0;
	ews_status st = EWS_OK;

	while (st == EWS_OK && (i < old->n || j < n)) {
		if (j < n && j + 1 < n && in[j + 1]->t_ms == in[j]->t_ms) {
			j++; /* a later reading at the same time wins */
			continue;
		}
		if (j == n || (i < old->n && old->v[i].t_ms < in[j]->t_ms)) {
			st = ews__sample_vec_push(out, old->v[i].t_ms,
			                          old->v[i].value);
			i++;
			continue;
		}
		if (i < old->n && old->v[i].t_ms == in[j]->t_ms)
			i++;
		st = ews__sample_vec_push(out, in[j]->t_ms, in[j]->value);
		j++;
	}
	return st;
}

static int
same_sample(const ews__sample *a, const ews__sample *b)
{
	return a->t_ms == b->t_ms &&
	       memcmp(&a->value, &b->value, sizeof(a->value)) == 0;
}

/*
 * Take the intervals of the old run out of the rollups and put those of
 * the new run in, leaving out the unchanged samples at both ends: a
 * sweep changes one interval, a repeated import none.
 */
static ews_status
roll_change(ews__rollup *r, const ews__device_scopes *scopes,
            const ews__sample_vec *old, const ews__sample_vec *now)
{
	size_t head = 0, tail = 0, a;
	ews_status st = EWS_OK;

	while (head < old->n && head < now->n &&
	       same_sample(&old->v[head], &now->v[head]))
		head++;
	if (head == old->n && head == now->n)
		return EWS_OK;
	while (tail < old->n - head && tail < now->n - head &&
	       same_sample(&old->v[old->n - 1 - tail],
	                   &now->v[now->n - 1 - tail]))
		tail++;
	a = head > 0 ? head - 1 : 0; /* the interval into the change */
	if (old->n > a)
		st = ews__rollup_samples(r, scopes, old->v + a,
		                         old->n - tail + (tail > 0) - a, -1);
	if (st == EWS_OK && now->n > a)
		st = ews__rollup_samples(r, scopes, now->v + a,
		                         now->n - tail + (tail > 0) - a, 1);
	return st;
}

/* Store the sorted readings of one series, in[0..n). */
static ews_status
store_series(ews_site *site, ews__rollup *r, ews__device_scopes *scopes,
             ews_reading *const *in, size_t n)
{
	ews__sample_vec merged = { 0 };
	ews__series_run run;
	ews_status st;

	if ((st = ews__series_open(site, in[0]->device_id, in[0]->quantity,
	                           in[0]->order, in[0]->t_ms, in[n - 1]->t_ms,
	                           &run)) != EWS_OK)
		return st;
	st = merge(&run.samples, in, n, &merged);
	if (st == EWS_OK && scopes->commodity &&
	    in[0]->quantity == scopes->counter && in[0]->order == 0)
		st = roll_change(r, scopes, &run.samples, &merged);
	if (st == EWS_OK)
		st = ews__series_store(site, &run, &merged);
	ews__sample_vec_free(&merged);
	ews__series_run_free(&run);
	return st;
}

ews_status
ews__samples_store(ews_site *site, const ews_reading *readings, size_t count,
                   int known_devices)
{
	ews__device_scopes scopes = { 0 };
	ews_reading **sorted;
	ews__rollup *r;
	ews_status st;
	size_t i, j;

	if (!(sorted = ews__malloc(count * sizeof(*sorted))))
		return EWS_ENOMEM;
	for (i = 0; i < count; i++)
		sorted[i] = (ews_reading *)&readings[i];
	qsort(sorted, count, sizeof(*sorted), compare_readings);
	if ((st = ews__rollup_new(site, &r)) != EWS_OK) {
		free(sorted);
		return st;
	}
	for (i = 0; st == EWS_OK && i < count; i = j) {
		for (j = i + 1; j < count &&
		                sorted[j]->device_id == sorted[i]->device_id &&
		                sorted[j]->quantity == sorted[i]->quantity &&
		                sorted[j]->order == sorted[i]->order;
		     j++)
			;
		if (scopes.device_id != sorted[i]->device_id || i == 0)
			st = ews__device_scopes_get(site, sorted[i]->device_id,
			                            &scopes);
		if (st == EWS_OK && known_devices && !scopes.exists)
			st = ews__fail_field(EWS_EINVAL, "device_id",
			                     "device %lld does not exist",
			                     (long long)sorted[i]->device_id);
		if (st == EWS_OK)
			st = store_series(site, r, &scopes, sorted + i, j - i);
		if (st == EWS_OK && ews__rollup_rows(r) >= EWS__ROWS_PER_APPLY)
			st = ews__rollup_apply(r);
	}
	if (st == EWS_OK)
		st = ews__rollup_apply(r);
	ews__rollup_free(r);
	free(sorted);
	return st;
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
	st = ews__scope_cache_begin(site);
	if (st == EWS_OK)
		st = ews__samples_store(site, readings, count, 1);
	st = ews__site_end(site, st);
	if (st == EWS_OK) /* samples change no configuration */
		ews__scope_cache_keep(site);
	return st;
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

typedef struct series_row {
	int64_t id, device_id;
	ews_quantity quantity;
	unsigned int order;
} series_row;

static ews_status
read_series(ews_site *site, sqlite3_stmt *st, void *item)
{
	series_row *s = item;

	(void)site;
	s->id = sqlite3_column_int64(st, 0);
	s->device_id = sqlite3_column_int64(st, 1);
	s->quantity = (ews_quantity)sqlite3_column_int(st, 2);
	s->order = (unsigned int)sqlite3_column_int64(st, 3);
	return EWS_OK;
}

/* Append the samples of one series to the list, up to `limit` in all. */
static ews_status
list_series(ews_site *site, const series_row *s, const ews_sample_query *q,
            ews_list *list, size_t limit)
{
	ews__sample_vec vec = { 0 };
	ews_reading r;
	ews_status st;
	size_t i;

	st = ews__series_range(site, s->id, q->from_ms,
	                       q->to_ms ? q->to_ms : INT64_MAX, &vec);
	for (i = 0; st == EWS_OK && i < vec.n && ews_list_len(list) < limit;
	     i++) {
		memset(&r, 0, sizeof(r));
		r.device_id = s->device_id;
		r.quantity = s->quantity;
		r.order = s->order;
		r.t_ms = vec.v[i].t_ms;
		r.value = vec.v[i].value;
		st = ews__list_push(list, &r);
	}
	ews__sample_vec_free(&vec);
	return st;
}

ews_status
ews_site_sample_list(ews_site *site, const ews_sample_query *q, ews_list **out)
{
	ews_list *series = NULL, *list;
	size_t i, limit;
	ews_sample_query all;
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
	st = ews__site_select(site, EWS__LIST_SERIES, sizeof(series_row),
	                      read_series, &series,
	                      "SELECT id, device_id, quantity, ord FROM series"
	                      " WHERE (?1 = 0 OR device_id = ?1)"
	                      " AND (?2 = 0 OR quantity = ?2)"
	                      " ORDER BY device_id, quantity, ord",
	                      "ii", q->device_id, (int64_t)q->quantity);
	if (st != EWS_OK)
		return st;
	if (!(list = ews__list_new(EWS__LIST_READING, sizeof(ews_reading)))) {
		ews_list_free(series);
		return EWS_ENOMEM;
	}
	limit = q->limit ? q->limit : SIZE_MAX;
	for (i = 0; st == EWS_OK && i < ews_list_len(series) &&
	            ews_list_len(list) < limit;
	     i++)
		st = list_series(site,
		                 ews__list_at(series, EWS__LIST_SERIES, i), q,
		                 list, limit);
	ews_list_free(series);
	if (st != EWS_OK) {
		ews_list_free(list);
		return st;
	}
	*out = list;
	return EWS_OK;
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

/* An event list's items are ews_event_entry: the event with the names
 * of its device and gateway, by two LEFT JOINs on their primary keys. */
#define EVENT_COLUMNS                                                          \
	"x.id, x.t_ms, x.device_id, x.gateway_id, x.old_status,"               \
	" x.new_status, x.reason, d.name, d.address, g.name"

static ews_status
read_event(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_event_entry *en = item;
	ews_event *e = &en->event;

	(void)site;
	memset(en, 0, sizeof(*en));
	en->version = EWS_EVENT_ENTRY_VERSION;
	e->id = sqlite3_column_int64(st, 0);
	e->t_ms = sqlite3_column_int64(st, 1);
	e->device_id = sqlite3_column_int64(st, 2);
	e->gateway_id = sqlite3_column_int64(st, 3);
	e->old_status = (ews_device_status)sqlite3_column_int(st, 4);
	e->new_status = (ews_device_status)sqlite3_column_int(st, 5);
	ews__site_column_text(st, 6, e->reason, sizeof(e->reason));
	ews__site_column_text(st, 7, en->device_name, sizeof(en->device_name));
	en->device_address = (unsigned int)sqlite3_column_int(st, 8);
	ews__site_column_text(st, 9, en->gateway_name,
	                      sizeof(en->gateway_name));
	return EWS_OK;
}

ews_status
ews_event_query_init(ews_event_query *q, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_EVENT_QUERY_VERSION,
	                                   "ews_event_query");

	if (st != EWS_OK)
		return st;
	memset(q, 0, sizeof(*q));
	q->version = version;
	return EWS_OK;
}

/* The time of event `id`, the cursor named `field`. */
static ews_status
cursor_time(ews_site *site, const char *field, int64_t id, int64_t *t_ms)
{
	ews_status st;

	*t_ms = 0;
	if (id < 0)
		return ews__fail_field(EWS_EINVAL, field,
		                       "%lld is not an event id",
		                       (long long)id);
	if (id == 0)
		return EWS_OK;
	st = ews__site_scalar(site, t_ms, "SELECT t_ms FROM event WHERE id = ?",
	                      "i", id);
	if (st == EWS_ENOTFOUND)
		return ews__fail_field(EWS_ENOTFOUND, field,
		                       "event %lld does not exist",
		                       (long long)id);
	return st;
}

ews_status
ews_site_event_query(ews_site *site, const ews_event_query *q, ews_list **out)
{
	/* Every status a device can have, a bit each. */
	const unsigned int known = (1u << (EWS_DEVICE_STATION_FAILURE + 1)) - 1;
	/* ?1-?4 the filters, ?5-?8 the cursors and their times, ?9 limit. */
	static const char filters[] =
	        " WHERE e.t_ms >= ?1 AND (?2 = 0 OR e.t_ms < ?2)"
	        " AND (?3 = 0 OR e.device_id = ?3)"
	        " AND (?4 = 0 OR (?4 >> e.new_status) & 1)";
	ews_event_query all;
	int64_t before_ms, after_ms, limit;
	char sql[1024];
	ews_status st;

	*out = NULL;
	if (!q) {
		ews_event_query_init(&all, EWS_EVENT_QUERY_VERSION);
		q = &all;
	}
	if ((st = ews__check_version(q->version, EWS_EVENT_QUERY_VERSION,
	                             "ews_event_query")) != EWS_OK)
		return st;
	if (q->statuses & ~known)
		return ews__fail_field(EWS_EINVAL, "statuses",
		                       "0x%x has bits of no status",
		                       q->statuses);
	if (q->device_id < 0)
		return ews__fail_field(EWS_EINVAL, "device_id",
		                       "%lld is not a device id",
		                       (long long)q->device_id);
	if ((st = cursor_time(site, "before_id", q->before_id, &before_ms)) !=
	            EWS_OK ||
	    (st = cursor_time(site, "after_id", q->after_id, &after_ms)) !=
	            EWS_OK)
		return st;
	limit = q->limit && (uint64_t)q->limit <= (uint64_t)INT64_MAX
	                ? (int64_t)q->limit
	                : -1; /* SQLite: no limit */
	/* Only constant text goes into the statement: every value is bound.
	 * Without `latest` SQLite flattens the subquery into a plain scan. */
	snprintf(sql, sizeof(sql),
	         "SELECT " EVENT_COLUMNS " FROM (%s%s%s) x"
	         " LEFT JOIN device d ON d.id = x.device_id"
	         " LEFT JOIN gateway g ON g.id = x.gateway_id"
	         " WHERE (?5 = 0 OR x.t_ms < ?6 OR (x.t_ms = ?6 AND x.id < ?5))"
	         " AND (?7 = 0 OR x.t_ms > ?8 OR (x.t_ms = ?8 AND x.id > ?7))"
	         " ORDER BY x.t_ms %s, x.id %s LIMIT ?9",
	         q->latest ? "SELECT * FROM (SELECT e.*, row_number() OVER"
	                     " (PARTITION BY e.device_id ORDER BY e.t_ms DESC,"
	                     " e.id DESC) AS nth FROM event e"
	                   : "SELECT e.* FROM event e",
	         filters, q->latest ? ") WHERE nth = 1" : "",
	         q->newest_first ? "DESC" : "ASC",
	         q->newest_first ? "DESC" : "ASC");
	return ews__site_select(site, EWS__LIST_EVENT, sizeof(ews_event_entry),
	                        read_event, out, sql, "iiiiiiiii", q->from_ms,
	                        q->to_ms, q->device_id, (int64_t)q->statuses,
	                        q->before_id, before_ms, q->after_id, after_ms,
	                        limit);
}

ews_status
ews_site_event_list(ews_site *site, int64_t from_ms, int64_t to_ms,
                    ews_list **out)
{
	ews_event_query q;

	ews_event_query_init(&q, EWS_EVENT_QUERY_VERSION);
	q.from_ms = from_ms;
	q.to_ms = to_ms;
	return ews_site_event_query(site, &q, out);
}

const ews_event_entry *
ews_list_event_entry(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_EVENT, i);
}

const ews_event *
ews_list_event(const ews_list *list, size_t i)
{
	const ews_event_entry *en = ews_list_event_entry(list, i);

	return en ? &en->event : NULL;
}

/* ------------------------------------------------------------------ */
/* Schema 3                                                            */

enum { MIGRATE_CHUNK = 65536 };

/* Move the rows of the schema 2 table `sample` into blocks and rollups,
 * a chunk at a time, then drop it. Samples of deleted devices keep their
 * blocks; they have no rollups. */
ews_status
ews__store_migrate_v3(ews_site *site)
{
	ews_reading *chunk = ews__malloc(MIGRATE_CHUNK * sizeof(*chunk));
	ews_status s = EWS_OK;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	if (!chunk)
		return EWS_ENOMEM;
	if ((s = ews__site_prepare(site,
	                           "SELECT device_id, quantity, ord, t_ms,"
	                           " value FROM sample ORDER BY device_id,"
	                           " quantity, ord, t_ms",
	                           &st)) != EWS_OK) {
		free(chunk);
		return s;
	}
	while (s == EWS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ews_reading *r = &chunk[n++];

		memset(r, 0, sizeof(*r));
		r->device_id = sqlite3_column_int64(st, 0);
		r->quantity = (ews_quantity)sqlite3_column_int(st, 1);
		r->order = (unsigned int)sqlite3_column_int64(st, 2);
		r->t_ms = sqlite3_column_int64(st, 3);
		r->value = sqlite3_column_double(st, 4);
		if (!isfinite(r->value) || !ews_quantity_name(r->quantity))
			n--; /* schema 2 never held one; nothing to keep */
		if (n == MIGRATE_CHUNK) {
			s = ews__samples_store(site, chunk, n, 0);
			n = 0;
		}
	}
	if (s == EWS_OK && rc != SQLITE_DONE)
		s = ews__site_db_fail(site, rc);
	sqlite3_finalize(st);
	if (s == EWS_OK && n > 0)
		s = ews__samples_store(site, chunk, n, 0);
	free(chunk);
	if (s == EWS_OK)
		s = ews__site_exec(site, "DROP TABLE sample", "");
	return s;
}

/* ------------------------------------------------------------------ */
/* The database (SYS-3)                                                */

enum {
	ADVISE_UNUSED_MIN = 1 << 20, /* bytes of unused pages worth a VACUUM */
	ADVISE_UNUSED_SHARE = 4,     /* ... and 1/4 of the database or more */
	ADVISE_WAL_MIN = 64 << 20,   /* a log this large is not being reused */
	OPTIMIZE_SPACE_MARGIN = 16 << 20,
	ANALYSIS_LIMIT = 400 /* rows of each index ANALYZE samples */
};

static int64_t
file_bytes(const char *dir, const char *name)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

/* The database's size and its unused pages, in bytes, as of the newest
 * commit (the log included). */
static ews_status
page_bytes(ews_site *site, int64_t *total, int64_t *unused)
{
	int64_t size, pages, free_pages;
	ews_status st;

	if ((st = ews__site_scalar(site, &size, "PRAGMA page_size", "")) ||
	    (st = ews__site_scalar(site, &pages, "PRAGMA page_count", "")) ||
	    (st = ews__site_scalar(site, &free_pages, "PRAGMA freelist_count",
	                           "")))
		return st;
	*total = pages * size;
	*unused = free_pages * size;
	return EWS_OK;
}

static int
optimize_advised(const ews_site_info *info, int64_t total)
{
	return (info->unused_bytes >= ADVISE_UNUSED_MIN &&
	        info->unused_bytes * ADVISE_UNUSED_SHARE >= total) ||
	       info->wal_bytes >= ADVISE_WAL_MIN;
}

ews_status
ews_site_info_get(ews_site *site, int check, ews_site_info *out)
{
	unsigned int version = out->version;
	ews_status st = ews__check_version(version, EWS_SITE_INFO_VERSION,
	                                   "ews_site_info");
	struct statvfs vfs;
	sqlite3_stmt *q;
	int64_t total;

	if (st != EWS_OK)
		return st;
	/* a version-1 caller's struct ends at health */
	memset(out, 0,
	       version >= 2
	               ? sizeof(*out)
	               : offsetof(ews_site_info, health) + sizeof(out->health));
	out->version = version;
	out->schema_version = site->schema_version;
	out->db_bytes = file_bytes(site->dir, "site.db");
	out->wal_bytes = file_bytes(site->dir, "site.db-wal");
	if (statvfs(site->dir, &vfs) == 0)
		out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	snprintf(out->health, sizeof(out->health), "not checked");
	if (version >= 2) {
		if ((st = page_bytes(site, &total, &out->unused_bytes)))
			return st;
		out->optimize_advised = optimize_advised(out, total);
	}
	if (!check)
		return EWS_OK;
	if ((st = ews__site_prepare(site, "PRAGMA quick_check(1)", &q)))
		return st;
	if (sqlite3_step(q) == SQLITE_ROW)
		ews__site_column_text(q, 0, out->health, sizeof(out->health));
	else
		snprintf(out->health, sizeof(out->health), "%s",
		         sqlite3_errmsg(site->db));
	sqlite3_finalize(q);
	out->checked = 1;
	return EWS_OK;
}

ews_status
ews_optimize_opts_init(ews_optimize_opts *opts, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_OPTIMIZE_OPTS_VERSION,
	                                   "ews_optimize_opts");

	if (st != EWS_OK)
		return st;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	opts->wait_ms = 1000;
	opts->max_lock_ms = 4000;
	return EWS_OK;
}

/*
 * How long a statement of the optimization holds the database: from the
 * moment it has the lock, which is when the busy handler (which waits
 * for it at most wait_ms) is no longer called. SQLite's progress handler
 * checks it and interrupts the statement past it.
 */
struct deadline {
	struct timespec end;
	unsigned int lock_ms; /* 0: no limit */
	unsigned int wait_ms, waited_ms;
	int passed;
};

/* The hold starts now. */
static void
deadline_restart(struct deadline *d)
{
	clock_gettime(CLOCK_MONOTONIC, &d->end);
	d->end.tv_sec += (time_t)(d->lock_ms / 1000);
	d->end.tv_nsec += (long)(d->lock_ms % 1000) * 1000000L;
	if (d->end.tv_nsec >= 1000000000L) {
		d->end.tv_sec++;
		d->end.tv_nsec -= 1000000000L;
	}
}

/* The limits of the next statement. */
static void
deadline_set(struct deadline *d, unsigned int lock_ms)
{
	d->lock_ms = lock_ms;
	d->waited_ms = 0;
	d->passed = 0;
	deadline_restart(d);
}

static int
deadline_check(void *arg)
{
	struct deadline *d = arg;
	struct timespec now;

	if (!d->lock_ms)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > d->end.tv_sec ||
	    (now.tv_sec == d->end.tv_sec && now.tv_nsec >= d->end.tv_nsec))
		d->passed = 1;
	return d->passed; /* non-zero interrupts the statement */
}

/* The database is locked: wait a little and try again, up to wait_ms;
 * the hold is counted from when the lock is had. */
static int
deadline_busy(void *arg, int count)
{
	struct deadline *d = arg;
	unsigned int step = 5;

	(void)count;
	if (d->waited_ms >= d->wait_ms)
		return 0;
	if (step > d->wait_ms - d->waited_ms)
		step = d->wait_ms - d->waited_ms;
	sqlite3_sleep((int)step);
	d->waited_ms += step;
	deadline_restart(d);
	return 1;
}

/* Sizes of the files and of the unused pages. */
static ews_status
optimize_sizes(ews_site *site, int64_t *db, int64_t *wal, int64_t *unused)
{
	int64_t total;

	*db = file_bytes(site->dir, "site.db");
	*wal = file_bytes(site->dir, "site.db-wal");
	return page_bytes(site, &total, unused);
}

/* Room for the rebuilt copy and for the log that takes it back. */
static ews_status
optimize_space(ews_site *site)
{
	int64_t total, unused, need;
	struct statvfs vfs;
	ews_status st;

	if ((st = page_bytes(site, &total, &unused)))
		return st;
	need = 2 * (total - unused) + OPTIMIZE_SPACE_MARGIN;
	if (statvfs(site->dir, &vfs) == 0 &&
	    (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize < need)
		return ews__fail_field(
		        EWS_ELIMIT, "free_bytes",
		        "%lld bytes are free beside %s/site.db; optimizing "
		        "needs %lld (twice the data, for the rebuilt copy and "
		        "its log): nothing was changed",
		        (long long)vfs.f_bavail * (long long)vfs.f_frsize,
		        site->dir, (long long)need);
	return EWS_OK;
}

/* One statement of the optimization, its failure put in words. */
static ews_status
optimize_exec(ews_site *site, const char *sql, const struct deadline *d,
              const ews_optimize_opts *opts)
{
	int rc = sqlite3_exec(site->db, sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return EWS_OK;
	if (d && d->passed)
		return ews__fail_field(
		        EWS_ELIMIT, "max_lock_ms",
		        "%s would hold the database longer than %u ms, holding "
		        "up every writer (a recording) meanwhile: nothing was "
		        "changed; optimize while nothing records",
		        sql, opts->max_lock_ms);
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return ews__fail(EWS_EBUSY,
		                 "another handle has been writing the database "
		                 "(a recording, a change) for over %u ms: try "
		                 "again",
		                 opts->wait_ms);
	ews__site_db_fail(site, rc);
	return ews__error_prefix(sql);
}

/* The log copied into site.db (which shrinks to its pages), then
 * truncated; readers that keep it beyond the busy timeout leave it. */
static void
optimize_checkpoint(ews_site *site)
{
	sqlite3_wal_checkpoint_v2(site->db, "main", SQLITE_CHECKPOINT_PASSIVE,
	                          NULL, NULL);
	sqlite3_wal_checkpoint_v2(site->db, "main", SQLITE_CHECKPOINT_TRUNCATE,
	                          NULL, NULL);
}

ews_status
ews_site_optimize(ews_site *site, const ews_optimize_opts *opts,
                  ews_optimize_result *out)
{
	ews_optimize_opts defaults;
	ews_optimize_result *r = out;
	struct deadline d = { { 0, 0 }, 0, 0, 0, 0 };
	int64_t busy_ms = 0, limit = 0;
	unsigned int lock_ms, vacuum_ms;
	char sql[64];
	ews_status st;

	if ((st = ews__check_version(out->version, EWS_OPTIMIZE_RESULT_VERSION,
	                             "ews_optimize_result")))
		return st;
	if (!opts) {
		ews_optimize_opts_init(&defaults, EWS_OPTIMIZE_OPTS_VERSION);
		opts = &defaults;
	}
	if ((st = ews__check_version(opts->version, EWS_OPTIMIZE_OPTS_VERSION,
	                             "ews_optimize_opts")))
		return st;
	memset(r, 0, sizeof(*r));
	r->version = EWS_OPTIMIZE_RESULT_VERSION;
	if ((st = optimize_sizes(site, &r->db_bytes_before,
	                         &r->wal_bytes_before,
	                         &r->unused_bytes_before)) ||
	    (st = optimize_space(site)) ||
	    (st = ews__site_scalar(site, &busy_ms, "PRAGMA busy_timeout",
	                           "")) ||
	    (st = ews__site_scalar(site, &limit, "PRAGMA analysis_limit", "")))
		return st;
	/* VACUUM: a third of the lock to rebuild, the rest to copy back */
	lock_ms = opts->max_lock_ms;
	vacuum_ms = lock_ms ? lock_ms / 3 + 1 : 0;
	d.wait_ms = opts->wait_ms;
	sqlite3_busy_handler(site->db, deadline_busy, &d);
	sqlite3_progress_handler(site->db, 100, deadline_check, &d);
	snprintf(sql, sizeof(sql), "PRAGMA analysis_limit = %d",
	         ANALYSIS_LIMIT);
	st = optimize_exec(site, sql, NULL, opts);
	deadline_set(&d, lock_ms);
	if (st == EWS_OK)
		st = optimize_exec(site, "ANALYZE", &d, opts);
	if (st == EWS_OK)
		st = optimize_exec(site, "PRAGMA optimize", &d, opts);
	deadline_set(&d, vacuum_ms);
	if (st == EWS_OK)
		st = optimize_exec(site, "VACUUM", &d, opts);
	deadline_set(&d, 0);
	if (st == EWS_OK)
		optimize_checkpoint(site);
	sqlite3_progress_handler(site->db, 0, NULL, NULL);
	snprintf(sql, sizeof(sql), "PRAGMA analysis_limit = %lld",
	         (long long)limit);
	sqlite3_exec(site->db, sql, NULL, NULL, NULL);
	sqlite3_busy_timeout(site->db, (int)busy_ms); /* the handle's again */
	if (optimize_sizes(site, &r->db_bytes_after, &r->wal_bytes_after,
	                   &r->unused_bytes_after) != EWS_OK &&
	    st == EWS_OK)
		return ews_error_last()->code;
	return st;
}
