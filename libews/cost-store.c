#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "error-private.h"
#include "series.h"

/*
 * The cost columns of month and year rollups (rollup.cost) and their
 * recompute. A row's columns are a list of (slot, tariff id, weighted
 * consumption) entries, by slot and tariff id, only those not 0, as
 * varints (a change: the consumption as a zigzag varint). Tariff id 0 is
 * "no tariff".
 */

typedef struct entry {
	uint64_t slot;
	int64_t id, value;
} entry;

static size_t
entry_put(uint8_t *buf, uint64_t slot, int64_t id, int64_t value, int delta)
{
	size_t len = ews__varint_put(buf, slot);

	len += ews__varint_put(buf + len, (uint64_t)id);
	len += ews__varint_put(buf + len,
	                       delta ? ews__zigzag(value) : (uint64_t)value);
	return len;
}

size_t
ews__cost_encode(const ews__plan *p, const int64_t (*cols)[EWS__COLS], size_t n,
                 int delta, uint8_t *buf)
{
	size_t k, len = 0;
	int c;

	for (k = 0; k < n; k++) {
		/* by tariff id: "no tariff" (0) first, then the plan's */
		if (cols[k][EWS__NO_TARIFF])
			len += entry_put(buf + len, k, 0,
			                 cols[k][EWS__NO_TARIFF], delta);
		for (c = 0; c < (int)p->ntariffs; c++)
			if (cols[k][c])
				len += entry_put(buf + len, k, p->tariff[c].id,
				                 cols[k][c], delta);
	}
	return len;
}

/* Reads entries one by one; 0 at the end, -1 on a malformed list. */
typedef struct cursor {
	const uint8_t *buf;
	size_t len, pos;
	int delta;
} cursor;

static int
next_entry(cursor *c, entry *e)
{
	uint64_t v[3];
	size_t used;
	int j;

	if (c->pos >= c->len)
		return 0;
	for (j = 0; j < 3; j++) {
		if (!(used = ews__varint_get(c->buf + c->pos, c->len - c->pos,
		                             &v[j])))
			return -1;
		c->pos += used;
	}
	if (v[1] > (uint64_t)INT64_MAX ||
	    (!c->delta && v[2] > (uint64_t)INT64_MAX))
		return -1;
	e->slot = v[0];
	e->id = (int64_t)v[1];
	e->value = c->delta ? ews__unzigzag(v[2]) : (int64_t)v[2];
	return 1;
}

ews_status
ews__cost_decode(const ews__plan *p, const uint8_t *buf, size_t len,
                 int64_t (*cols)[EWS__COLS], size_t n)
{
	cursor cur = { buf, len, 0, 0 };
	entry e;
	int r, c;

	memset(cols, 0, n * sizeof(*cols));
	while ((r = next_entry(&cur, &e)) > 0) {
		if (e.slot >= n || (c = ews__plan_col(p, e.id)) < 0) {
			r = -1;
			break;
		}
		cols[e.slot][c] += e.value;
	}
	if (r < 0)
		return ews__fail_field(
		        EWS_EIO, "rollup",
		        "a cost row is corrupt or names a tariff "
		        "%s has not",
		        ews_commodity_name(p->commodity));
	return EWS_OK;
}

/* Order of (slot, id) keys. */
static int
entry_cmp(const entry *x, const entry *y)
{
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Merge a stored list and a change, both by (slot, id), into out (room
 * for both lists and a byte per entry); its length, or -1 when a list is
 * malformed or out of order, -2 when a column would go negative.
 */
static long
merge(cursor *stored, cursor *change, uint8_t *out)
{
	entry a, b, last = { 0, -1, 0 };
	int ra = next_entry(stored, &a), rb = next_entry(change, &b);
	long len = 0;

	while (ra > 0 || rb > 0) {
		int cmp = ra <= 0 ? 1 : rb <= 0 ? -1 : entry_cmp(&a, &b);
		entry e = cmp <= 0 ? a : b;

		if (cmp == 0)
			e.value = a.value + b.value;
		if (last.id >= 0 && entry_cmp(&last, &e) >= 0)
			return -1;
		if (e.value < 0)
			return -2;
		if (e.value > 0)
			len += (long)entry_put(out + len, e.slot, e.id, e.value,
			                       0);
		last = e;
		if (cmp <= 0)
			ra = next_entry(stored, &a);
		if (cmp >= 0)
			rb = next_entry(change, &b);
	}
	return ra < 0 || rb < 0 ? -1 : len;
}

/*
 * SQL function ews_cost_add(cost, change): the stored columns (NULL for
 * none) with a change added, in one pass over both; NULL when nothing is
 * left. A negative result is an error, which rolls the transaction back.
 */
static void
cost_add_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	cursor stored = { sqlite3_value_blob(argv[0]),
		          (size_t)sqlite3_value_bytes(argv[0]), 0, 0 };
	cursor change = { sqlite3_value_blob(argv[1]),
		          (size_t)sqlite3_value_bytes(argv[1]), 0, 1 };
	uint8_t *out;
	long len;

	(void)argc;
	if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	if (!(out = sqlite3_malloc64(2 * (stored.len + change.len) + 16))) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	len = merge(&stored, &change, out);
	if (len < 0)
		sqlite3_result_error(ctx,
		                     len == -1 ? "rollup: a cost row is corrupt"
		                               : "rollup: a change would make "
		                                 "a cost row negative",
		                     -1);
	else if (len == 0)
		sqlite3_result_null(ctx);
	else {
		sqlite3_result_blob(ctx, out, (int)len, sqlite3_free);
		return;
	}
	sqlite3_free(out);
}

int
ews__cost_register(sqlite3 *db)
{
	return sqlite3_create_function_v2(db, "ews_cost_add", 2,
	                                  SQLITE_UTF8 | SQLITE_DETERMINISTIC |
	                                          SQLITE_DIRECTONLY,
	                                  NULL, cost_add_fn, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Recompute                                                           */

/* The columns of one month or year row being derived. */
typedef struct acc {
	int64_t scope, key;
	int64_t cols[EWS__SLOTS][EWS__COLS];
} acc;

typedef struct accs {
	acc *v;
	size_t n, cap;
} accs;

/* The row of a scope (all rows of a set share one key), kept by scope:
 * day rows come scope by scope, so this is a binary search. */
static acc *
acc_at(accs *a, int64_t scope, int64_t key)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->v[mid].scope == scope)
			return &a->v[mid];
		if (a->v[mid].scope < scope)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		acc *v = ews__realloc(a->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		a->v = v;
		a->cap = cap;
	}
	memmove(&a->v[lo + 1], &a->v[lo], (a->n - lo) * sizeof(*a->v));
	memset(&a->v[lo], 0, sizeof(a->v[lo]));
	a->v[lo].scope = scope;
	a->v[lo].key = key;
	a->n++;
	return &a->v[lo];
}

static ews_status
accs_write(ews_site *site, const ews__plan *p, accs *a, int level)
{
	uint8_t buf[EWS__COST_BUF];
	ews_status st = EWS_OK;
	sqlite3_stmt *up;
	size_t i, n = ews__level_slots(level);

	if (a->n == 0)
		return EWS_OK;
	if ((st = ews__site_prepare(site,
	                            "UPDATE rollup SET cost = ?4 WHERE"
	                            " level = ?1 AND key = ?2 AND scope = ?3",
	                            &up)) != EWS_OK)
		return st;
	for (i = 0; st == EWS_OK && i < a->n; i++) {
		size_t len = ews__cost_encode(
		        p, (const int64_t(*)[EWS__COLS])a->v[i].cols, n, 0,
		        buf);
		int rc;

		if (len == 0)
			continue;
		sqlite3_bind_int(up, 1, level);
		sqlite3_bind_int64(up, 2, a->v[i].key);
		sqlite3_bind_int64(up, 3, a->v[i].scope);
		sqlite3_bind_blob(up, 4, buf, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(up);
		sqlite3_reset(up);
		if (rc != SQLITE_DONE)
			st = ews__site_db_fail(site, rc);
		else if (sqlite3_changes(site->db) != 1)
			st = ews__fail_field(
			        EWS_ERROR, "rollup",
			        "rollup: row %d/%lld/%lld is missing", level,
			        (long long)a->v[i].key,
			        (long long)a->v[i].scope);
	}
	sqlite3_finalize(up);
	a->n = 0;
	return st;
}

/* The pending days of devices (rollup.h), by scope key. */
typedef struct pendings {
	int64_t (*v)[2];
	size_t n;
} pendings;

static ews_status
pendings_read(ews_site *site, pendings *out)
{
	sqlite3_stmt *st;
	ews_status s;
	size_t cap = 0;
	int rc;

	out->v = NULL;
	out->n = 0;
	if ((s = ews__site_prepare(site,
	                           "SELECT scope, day FROM rollup_pending"
	                           " ORDER BY scope",
	                           &st)) != EWS_OK)
		return s;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			int64_t(*v)[2];

			cap = cap ? cap * 2 : 256;
			if (!(v = ews__realloc(out->v, cap * sizeof(*v)))) {
				sqlite3_finalize(st);
				return EWS_ENOMEM;
			}
			out->v = v;
		}
		out->v[out->n][0] = sqlite3_column_int64(st, 0);
		out->v[out->n][1] = sqlite3_column_int64(st, 1);
		out->n++;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? EWS_OK : ews__site_db_fail(site, rc);
}

static int
is_pending(const pendings *p, int64_t scope, int64_t day)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->v[mid][0] == scope)
			return p->v[mid][1] == day;
		if (p->v[mid][0] < scope)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

typedef struct recompute {
	ews_site *site;
	const ews__plan *plan;
	const ews__tz *tz;
	pendings pend;
	accs month, year;
	int64_t month_key, year_key;
} recompute;

/* Add one day row's split to its scope's month and year columns. */
static ews_status
add_day(recompute *rc, int64_t scope, int64_t day, const ews__slot *slots)
{
	int64_t split[EWS__COLS] = { 0 };
	unsigned int m, d;
	acc *month, *year;
	ews_status st;
	int32_t y;
	int c;

	ews__civil_from_days(day, &y, &m, &d);
	if ((int64_t)y * 12 + (m - 1) != rc->month_key) {
		if ((st = accs_write(rc->site, rc->plan, &rc->month,
		                     EWS__LEVEL_MONTH)) != EWS_OK)
			return st;
		rc->month_key = (int64_t)y * 12 + (m - 1);
	}
	if (y != rc->year_key) {
		if ((st = accs_write(rc->site, rc->plan, &rc->year,
		                     EWS__LEVEL_YEAR)) != EWS_OK)
			return st;
		rc->year_key = y;
	}
	ews__day_split(ews__plan_weights(rc->site, rc->plan, rc->tz, day),
	               slots, split);
	if (!(month = acc_at(&rc->month, scope, rc->month_key)) ||
	    !(year = acc_at(&rc->year, scope, rc->year_key)))
		return EWS_ENOMEM;
	for (c = 0; c < EWS__COLS; c++) {
		month->cols[d - 1][c] += split[c];
		year->cols[m - 1][c] += split[c];
	}
	return EWS_OK;
}

/* Scan the day rows of the commodity, in key order. */
static ews_status
scan_days(recompute *rc)
{
	ews__slot slots[EWS__SLOTS];
	sqlite3_stmt *st;
	ews_status s;
	int r;

	if ((s = ews__site_prepare(rc->site,
	                           "SELECT key, scope, data FROM rollup"
	                           " WHERE level = 0 AND scope & 3 = ?",
	                           &st)) != EWS_OK)
		return s;
	sqlite3_bind_int(st, 1, (int)rc->plan->commodity);
	while (s == EWS_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t day = sqlite3_column_int64(st, 0);
		int64_t scope = sqlite3_column_int64(st, 1);

		/* a device's pending day is not in its month and year rows */
		if (ews__scope_is_device(scope) &&
		    is_pending(&rc->pend, scope, day))
			continue;
		s = ews__rollup_decode(sqlite3_column_blob(st, 2),
		                       (size_t)sqlite3_column_bytes(st, 2),
		                       slots, EWS__DAY_SLOTS);
		if (s == EWS_OK)
			s = add_day(rc, scope, day, slots);
	}
	if (s == EWS_OK && r != SQLITE_DONE)
		s = ews__site_db_fail(rc->site, r);
	sqlite3_finalize(st);
	if (s == EWS_OK)
		s = accs_write(rc->site, rc->plan, &rc->month,
		               EWS__LEVEL_MONTH);
	if (s == EWS_OK)
		s = accs_write(rc->site, rc->plan, &rc->year, EWS__LEVEL_YEAR);
	return s;
}

ews_status
ews__cost_recompute(ews_site *site, ews_commodity c)
{
	recompute rc;
	ews_status st;

	memset(&rc, 0, sizeof(rc));
	rc.site = site;
	rc.month_key = rc.year_key = INT64_MIN;
	if ((st = ews__plan_get(site, c, &rc.plan)) != EWS_OK ||
	    (st = ews__site_tz(site, &rc.tz)) != EWS_OK ||
	    (st = ews__site_exec(site,
	                         "UPDATE rollup SET cost = NULL WHERE"
	                         " level > 0 AND scope & 3 = ?"
	                         " AND cost IS NOT NULL",
	                         "i", (int64_t)c)) != EWS_OK ||
	    rc.plan->nrules == 0)
		return st;
	if ((st = pendings_read(site, &rc.pend)) == EWS_OK)
		st = scan_days(&rc);
	free(rc.pend.v);
	free(rc.month.v);
	free(rc.year.v);
	return st;
}
