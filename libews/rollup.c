#include <stdlib.h>
#include <string.h>

#include "error-private.h"
#include "cost.h"
#include "counter.h"
#include "rollup.h"

/*
 * A rollup change set: the rows a transaction changes, accumulated in
 * memory (a hash of (scope, level, key) to slot deltas) and written once
 * each by ews__rollup_apply(). Pieces of intervals go first to a day
 * buffer of the current device and local day, which is spread to every
 * scope and level when the device or the day changes: a sweep or an
 * import in time order touches each row once.
 */

enum { HOUR_MS = 3600000 };

typedef struct row {
	int64_t scope, key;
	int level;
	ews__slot slot[EWS__SLOTS];
	int64_t (*cost)[EWS__COLS]; /* month and year rows: NULL until used */
} row;

/*
 * A device's pending day (rollup.h): its day row is not yet in the
 * device's month and year rows. A sweep adds to that day only, so it
 * writes one row per device instead of three; the day is folded into
 * the month and year rows once, when a later day begins.
 */
typedef struct pending {
	int64_t scope; /* the device's own key */
	int64_t device_id;
	int64_t day; /* EWS__NO_PENDING_DAY: none */
	int dirty;   /* to store at apply */
} pending;

struct ews__rollup {
	ews_site *site;
	const ews__tz *tz;
	row *rows;
	size_t nrows, caprows;
	size_t *index; /* open addressing: row number + 1, 0 empty */
	size_t nindex;
	/* the day buffer */
	ews__device_scopes day_scopes;
	int64_t day;
	int day_open;
	ews__slot day_slot[EWS__DAY_SLOTS];
	/* pending days of the devices seen, by scope key */
	pending *pend;
	size_t npend, cappend;
	/* cost columns (cost.h): each commodity's plan */
	const ews__plan *plan[4];
};

int64_t
ews__scope_key(int kind, int64_t id, ews_commodity commodity)
{
	return (int64_t)((uint64_t)id << 6) | (int64_t)kind << 2 |
	       (int64_t)commodity;
}

int
ews__scope_is_device(int64_t scope)
{
	return ((scope >> 2) & 0xf) == EWS_SCOPE_DEVICE;
}

size_t
ews__level_slots(int level)
{
	return level == EWS__LEVEL_DAY     ? EWS__DAY_SLOTS
	       : level == EWS__LEVEL_MONTH ? 31
	                                   : 12;
}

ews_status
ews__rollup_read_costed(ews_site *site, const ews__plan *plan, int64_t scope,
                        int level, int64_t key, ews__slot *slots,
                        int64_t (*cost)[EWS__COLS], int *found)
{
	size_t n = ews__level_slots(level);
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	*found = 0;
	memset(slots, 0, n * sizeof(*slots));
	if (cost)
		memset(cost, 0, n * sizeof(*cost));
	s = ews__site_cached(site, EWS__STMT_ROLLUP_GET,
	                     "SELECT data, cost FROM rollup WHERE scope = ?"
	                     " AND level = ? AND key = ?",
	                     &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, scope);
	sqlite3_bind_int(st, 2, level);
	sqlite3_bind_int64(st, 3, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		size_t k;

		s = ews__rollup_decode(sqlite3_column_blob(st, 0),
		                       (size_t)sqlite3_column_bytes(st, 0),
		                       slots, n);
		/* a row emptied by removals is no data */
		for (k = 0; s == EWS_OK && k < n && !*found; k++)
			*found = slots[k].pieces > 0;
		if (s == EWS_OK && cost &&
		    sqlite3_column_type(st, 1) != SQLITE_NULL)
			s = ews__cost_decode(
			        plan, sqlite3_column_blob(st, 1),
			        (size_t)sqlite3_column_bytes(st, 1), cost, n);
	} else if (rc != SQLITE_DONE) {
		s = ews__site_db_fail(site, rc);
	}
	sqlite3_reset(st);
	return s;
}

ews_status
ews__rollup_read(ews_site *site, int64_t scope, int level, int64_t key,
                 ews__slot *slots, int *found)
{
	return ews__rollup_read_costed(site, NULL, scope, level, key, slots,
	                               NULL, found);
}

/* ------------------------------------------------------------------ */
/* Local calendar                                                      */

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t
ews__local_day(const ews__tz *tz, int64_t t_ms)
{
	int64_t s = floor_div(t_ms, 1000);

	return floor_div(s + ews__tz_offset(tz, s), 86400);
}

int64_t
ews__local_day_start_ms(const ews__tz *tz, int64_t day)
{
	return ews__tz_to_utc(tz, day * 86400) * 1000;
}

/* ------------------------------------------------------------------ */
/* Rows in memory                                                      */

ews_status
ews__rollup_new(ews_site *site, ews__rollup **out)
{
	ews__rollup *r;
	ews_status st;

	*out = NULL;
	if (!(r = ews__calloc(1, sizeof(*r))))
		return EWS_ENOMEM;
	r->site = site;
	if ((st = ews__site_tz(site, &r->tz)) != EWS_OK) {
		free(r);
		return st;
	}
	*out = r;
	return EWS_OK;
}

static void
free_costs(ews__rollup *r)
{
	size_t i;

	for (i = 0; i < r->nrows; i++)
		free(r->rows[i].cost);
}

void
ews__rollup_free(ews__rollup *r)
{
	if (!r)
		return;
	free_costs(r);
	free(r->rows);
	free(r->index);
	free(r->pend);
	free(r);
}

static size_t
hash(int64_t scope, int level, int64_t key)
{
	uint64_t h = (uint64_t)scope * 0x9E3779B97F4A7C15u;

	h ^= ((uint64_t)key + (uint64_t)level * 0x632BE59BD9B4E019u) *
	     0xC2B2AE3D27D4EB4Fu;
	return (size_t)(h ^ (h >> 29));
}

static ews_status
reindex(ews__rollup *r, size_t nindex)
{
	size_t *index = ews__calloc(nindex, sizeof(*index));
	size_t i;

	if (!index)
		return EWS_ENOMEM;
	for (i = 0; i < r->nrows; i++) {
		size_t h = hash(r->rows[i].scope, r->rows[i].level,
		                r->rows[i].key) &
		           (nindex - 1);

		while (index[h])
			h = (h + 1) & (nindex - 1);
		index[h] = i + 1;
	}
	free(r->index);
	r->index = index;
	r->nindex = nindex;
	return EWS_OK;
}

/* The row of (scope, level, key) in the index, or NULL with *slot the
 * empty index entry where it would go. The index must exist. */
static row *
probe(ews__rollup *r, int64_t scope, int level, int64_t key, size_t *slot)
{
	size_t h = hash(scope, level, key) & (r->nindex - 1);

	while (r->index[h]) {
		row *w = &r->rows[r->index[h] - 1];

		if (w->scope == scope && w->level == level && w->key == key)
			return w;
		h = (h + 1) & (r->nindex - 1);
	}
	*slot = h;
	return NULL;
}

/* The in-memory row of (scope, level, key), or NULL: never made. */
static row *
row_find(ews__rollup *r, int64_t scope, int level, int64_t key)
{
	size_t slot;

	return r->nindex ? probe(r, scope, level, key, &slot) : NULL;
}

/* The in-memory row of (scope, level, key), made zero when new. */
static row *
row_at(ews__rollup *r, int64_t scope, int level, int64_t key)
{
	size_t h;
	row *w;

	if (r->nrows * 2 >= r->nindex &&
	    reindex(r, r->nindex ? r->nindex * 2 : 256) != EWS_OK)
		return NULL;
	if ((w = probe(r, scope, level, key, &h)))
		return w;
	if (r->nrows == r->caprows) {
		size_t cap = r->caprows ? r->caprows * 2 : 64;
		row *rows = ews__realloc(r->rows, cap * sizeof(*rows));

		if (!rows)
			return NULL;
		r->rows = rows;
		r->caprows = cap;
	}
	w = &r->rows[r->nrows];
	memset(w, 0, sizeof(*w));
	w->scope = scope;
	w->level = level;
	w->key = key;
	r->index[h] = ++r->nrows;
	return w;
}

/* ------------------------------------------------------------------ */
/* Cost columns                                                        */

static ews_commodity
scope_commodity(int64_t scope)
{
	return (ews_commodity)(scope & 3);
}

/* The plan of a commodity, loaded once per change set. */
static ews_status
plan_of(ews__rollup *r, ews_commodity c, const ews__plan **out)
{
	ews_status st;

	if (!r->plan[c] &&
	    (st = ews__plan_get(r->site, c, &r->plan[c])) != EWS_OK)
		return st;
	*out = r->plan[c];
	return EWS_OK;
}

/*
 * The split by column of a day's slots of a commodity into split[];
 * *priced 0 when the commodity has no rule (its rows keep no columns).
 */
static ews_status
split_day(ews__rollup *r, ews_commodity c, int64_t day, const ews__slot *slots,
          int64_t split[EWS__COLS], int *priced)
{
	const ews__plan *p;
	ews_status st;

	memset(split, 0, EWS__COLS * sizeof(*split));
	*priced = 0;
	if ((st = plan_of(r, c, &p)) != EWS_OK || p->nrules == 0)
		return st;
	ews__day_split(ews__plan_weights(r->site, p, r->tz, day), slots, split);
	*priced = 1;
	return EWS_OK;
}

/* Add split[] to slot k of a row's columns. */
static int
cost_add(row *w, size_t k, const int64_t split[EWS__COLS], int sign)
{
	int c;

	if (!w->cost && !(w->cost = ews__calloc(EWS__SLOTS, sizeof(*w->cost))))
		return 0;
	for (c = 0; c < EWS__COLS; c++)
		w->cost[k][c] += sign * split[c];
	return 1;
}

/* ------------------------------------------------------------------ */
/* Pending days of devices                                             */

static ews_status flush_day(ews__rollup *r);

ews_status
ews__rollup_pending_read(ews_site *site, int64_t scope, int64_t *day)
{
	int found;

	*day = EWS__NO_PENDING_DAY;
	return ews__site_lookup(site, EWS__STMT_PENDING_GET,
	                        "SELECT day FROM rollup_pending"
	                        " WHERE scope = ?",
	                        scope, day, &found);
}

/* The pending day of the device of `scopes`, from the change set, else
 * the scope cache, else the database. */
static ews_status
pending_of(ews__rollup *r, const ews__device_scopes *scopes, pending **out)
{
	int64_t scope = scopes->key[0], day;
	size_t lo = 0, hi = r->npend;
	ews_status st;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->pend[mid].scope == scope) {
			*out = &r->pend[mid];
			return EWS_OK;
		}
		if (r->pend[mid].scope < scope)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (scopes->pending_known)
		day = scopes->pending_day;
	else if ((st = ews__rollup_pending_read(r->site, scope, &day)) !=
	         EWS_OK)
		return st;
	if (r->npend == r->cappend) {
		size_t cap = r->cappend ? r->cappend * 2 : 64;
		pending *p = ews__realloc(r->pend, cap * sizeof(*p));

		if (!p)
			return EWS_ENOMEM;
		r->pend = p;
		r->cappend = cap;
	}
	memmove(r->pend + lo + 1, r->pend + lo,
	        (r->npend - lo) * sizeof(*r->pend));
	r->pend[lo].scope = scope;
	r->pend[lo].device_id = scopes->device_id;
	r->pend[lo].day = day;
	r->pend[lo].dirty = 0;
	r->npend++;
	*out = &r->pend[lo];
	return EWS_OK;
}

/* Fold a device's pending day into its month and year rows: the stored
 * day row plus what this change set adds to it. */
static ews_status
fold(ews__rollup *r, pending *p)
{
	ews__slot stored[EWS__SLOTS], sum = { 0, 0, 0 };
	int64_t split[EWS__COLS];
	const row *change;
	unsigned int m, d;
	row *month, *year;
	ews_status st;
	int32_t y;
	int found, priced;
	size_t k;

	st = ews__rollup_read(r->site, p->scope, EWS__LEVEL_DAY, p->day, stored,
	                      &found);
	if (st != EWS_OK)
		return st;
	if ((change = row_find(r, p->scope, EWS__LEVEL_DAY, p->day)))
		for (k = 0; k < EWS__DAY_SLOTS; k++)
			ews__slot_add(&stored[k], &change->slot[k]);
	ews__slots_add_sum(&sum, stored, EWS__DAY_SLOTS);
	if ((st = split_day(r, scope_commodity(p->scope), p->day, stored, split,
	                    &priced)) != EWS_OK)
		return st;
	ews__civil_from_days(p->day, &y, &m, &d);
	if (!row_at(r, p->scope, EWS__LEVEL_MONTH, (int64_t)y * 12 + (m - 1)) ||
	    !(year = row_at(r, p->scope, EWS__LEVEL_YEAR, y)) ||
	    !(month = row_at(r, p->scope, EWS__LEVEL_MONTH,
	                     (int64_t)y * 12 + (m - 1))))
		return EWS_ENOMEM;
	ews__slot_add(&month->slot[d - 1], &sum);
	ews__slot_add(&year->slot[m - 1], &sum);
	if (priced && (!cost_add(month, d - 1, split, 1) ||
	               !cost_add(year, m - 1, split, 1)))
		return EWS_ENOMEM;
	return EWS_OK;
}

/* A day with nothing of the device yet, stored or in this change set:
 * only such a day can become pending, as nothing of it is folded. */
static ews_status
day_is_new(ews__rollup *r, int64_t scope, int64_t day, int *out)
{
	ews__slot stored[EWS__SLOTS];
	ews_status st;
	int found;

	*out = 0;
	if (row_find(r, scope, EWS__LEVEL_DAY, day))
		return EWS_OK;
	st = ews__rollup_read(r->site, scope, EWS__LEVEL_DAY, day, stored,
	                      &found);
	*out = st == EWS_OK && !found;
	return st;
}

/*
 * Where the day buffer goes for the device itself: *day_only when it is
 * the device's pending day, or becomes it (a new day: the pending day
 * before it, if any, is folded first); any other day goes to every level.
 */
static ews_status
device_day(ews__rollup *r, int *day_only)
{
	int64_t scope = r->day_scopes.key[0];
	ews_status st;
	pending *p;
	int fresh;

	*day_only = 0;
	if ((st = pending_of(r, &r->day_scopes, &p)) != EWS_OK)
		return st;
	if (p->day != EWS__NO_PENDING_DAY && r->day == p->day) {
		*day_only = 1;
		return EWS_OK;
	}
	if (p->day != EWS__NO_PENDING_DAY && r->day < p->day)
		return EWS_OK;
	if ((st = day_is_new(r, scope, r->day, &fresh)) != EWS_OK || !fresh)
		return st;
	if (p->day != EWS__NO_PENDING_DAY && (st = fold(r, p)) != EWS_OK)
		return st;
	p->day = r->day;
	p->dirty = 1;
	*day_only = 1;
	return EWS_OK;
}

/* Store the pending days the change set moved, and tell the cache. */
static ews_status
write_pending(ews__rollup *r)
{
	ews_status s = EWS_OK;
	size_t i;

	for (i = 0; s == EWS_OK && i < r->npend; i++) {
		pending *p = &r->pend[i];

		if (!p->dirty)
			continue;
		if (p->day == EWS__NO_PENDING_DAY)
			s = ews__site_exec(r->site,
			                   "DELETE FROM rollup_pending"
			                   " WHERE scope = ?",
			                   "i", p->scope);
		else
			s = ews__site_exec(
			        r->site,
			        "INSERT OR REPLACE INTO rollup_pending"
			        " (scope, day) VALUES (?, ?)",
			        "ii", p->scope, p->day);
		if (s == EWS_OK)
			ews__scope_cache_note_pending(r->site, p->device_id,
			                              p->day);
		p->dirty = 0;
	}
	return s;
}

ews_status
ews__rollup_settle(ews__rollup *r, const ews__device_scopes *scopes)
{
	ews_status st;
	pending *p;

	if ((st = flush_day(r)) != EWS_OK ||
	    (st = pending_of(r, scopes, &p)) != EWS_OK ||
	    p->day == EWS__NO_PENDING_DAY)
		return st;
	if ((st = fold(r, p)) == EWS_OK) {
		p->day = EWS__NO_PENDING_DAY;
		p->dirty = 1;
	}
	return st;
}

/* Spread the day buffer to the day, month and year rows of every scope. */
static ews_status
flush_day(ews__rollup *r)
{
	ews__slot sum = { 0, 0, 0 };
	int64_t split[EWS__COLS];
	int32_t y;
	unsigned int m, d;
	size_t i, k;
	int changed = 0, priced;
	ews_status st;

	if (!r->day_open)
		return EWS_OK;
	r->day_open = 0;
	for (k = 0; k < EWS__DAY_SLOTS; k++) {
		ews__slot_add(&sum, &r->day_slot[k]);
		changed |= r->day_slot[k].pieces ||
		           r->day_slot[k].value_milli ||
		           r->day_slot[k].estimated;
	}
	/* Skip only a day whose every slot is unchanged: a replaced sample
	 * can move consumption between the hours of one day, leaving the
	 * day's sum (and its month and year slots) as they were. */
	if (!changed)
		return EWS_OK;
	if ((st = split_day(r, scope_commodity(r->day_scopes.key[0]), r->day,
	                    r->day_slot, split, &priced)) != EWS_OK)
		return st;
	ews__civil_from_days(r->day, &y, &m, &d);
	for (i = 0; i < r->day_scopes.n; i++) {
		int64_t scope = r->day_scopes.key[i];
		int64_t mkey = (int64_t)y * 12 + (m - 1);
		row *day, *month, *year;
		int day_only = 0;

		if (i == 0 && (st = device_day(r, &day_only)) != EWS_OK)
			return st;
		/* row_at() may grow (realloc) the rows, which moves every
		 * row: make all three first, then take the pointers. */
		if (!row_at(r, scope, EWS__LEVEL_DAY, r->day) ||
		    !row_at(r, scope, EWS__LEVEL_MONTH, mkey) ||
		    !(year = row_at(r, scope, EWS__LEVEL_YEAR, y)))
			return EWS_ENOMEM;
		day = row_at(r, scope, EWS__LEVEL_DAY, r->day);
		month = row_at(r, scope, EWS__LEVEL_MONTH, mkey);
		if (!day || !month)
			return EWS_ENOMEM;
		for (k = 0; k < EWS__DAY_SLOTS; k++)
			ews__slot_add(&day->slot[k], &r->day_slot[k]);
		if (day_only)
			continue;
		ews__slot_add(&month->slot[d - 1], &sum);
		ews__slot_add(&year->slot[m - 1], &sum);
		if (priced && (!cost_add(month, d - 1, split, 1) ||
		               !cost_add(year, m - 1, split, 1)))
			return EWS_ENOMEM;
	}
	return EWS_OK;
}

static ews_status
open_day(ews__rollup *r, const ews__device_scopes *scopes, int64_t day)
{
	ews_status st;

	if (r->day_open && r->day == day &&
	    r->day_scopes.key[0] == scopes->key[0])
		return EWS_OK;
	if ((st = flush_day(r)) != EWS_OK)
		return st;
	r->day_scopes = *scopes;
	r->day = day;
	r->day_open = 1;
	memset(r->day_slot, 0, sizeof(r->day_slot));
	return EWS_OK;
}

/* delta × part / whole, exactly, rounded down (delta, part >= 0). */
static int64_t
share(int64_t delta, int64_t part, int64_t whole)
{
	return (int64_t)((__int128)delta * part / whole);
}

/* One hour slot of a local day: [start, end). */
typedef struct hour {
	int64_t day, start, end;
	size_t slot;
} hour;

static void
hour_of(const ews__tz *tz, int64_t t_ms, hour *h)
{
	int64_t day_start, next_day;
	int64_t k;

	h->day = ews__local_day(tz, t_ms);
	day_start = ews__local_day_start_ms(tz, h->day);
	next_day = ews__local_day_start_ms(tz, h->day + 1);
	if (t_ms < day_start) /* inside a skipped midnight */
		day_start = t_ms;
	k = (t_ms - day_start) / HOUR_MS;
	if (k >= EWS__DAY_SLOTS - 1)
		k = EWS__DAY_SLOTS - 1;
	h->slot = (size_t)k;
	h->start = day_start + k * HOUR_MS;
	h->end = k == EWS__DAY_SLOTS - 1 ? next_day : h->start + HOUR_MS;
	if (h->end > next_day)
		h->end = next_day;
}

ews_status
ews__rollup_interval(ews__rollup *r, const ews__device_scopes *scopes,
                     int64_t t0_ms, int64_t t1_ms, int64_t delta_milli,
                     int estimated, int sign)
{
	int64_t at = t0_ms, given = 0, whole = t1_ms - t0_ms;
	hour first, h;
	int gap;
	ews_status st;

	if (whole <= 0 || scopes->n == 0)
		return EWS_OK;
	hour_of(r->tz, t0_ms, &first);
	/* A gap: split over hours, one of which saw no sample at all. */
	gap = t1_ms > first.end &&
	      ((t0_ms == first.start && first.end - first.start >= HOUR_MS) ||
	       t1_ms - first.end >= HOUR_MS);
	h = first;
	while (at < t1_ms) {
		int64_t end = h.end < t1_ms ? h.end : t1_ms;
		int64_t upto = share(delta_milli, end - t0_ms, whole);
		ews__slot *s;

		if ((st = open_day(r, scopes, h.day)) != EWS_OK)
			return st;
		s = &r->day_slot[h.slot];
		s->value_milli += sign * (upto - given);
		s->pieces += sign;
		s->estimated += sign * (estimated || gap);
		given = upto;
		at = end;
		if (at < t1_ms)
			hour_of(r->tz, at, &h);
	}
	return EWS_OK;
}

ews_status
ews__rollup_samples(ews__rollup *r, const ews__device_scopes *scopes,
                    const ews__sample *s, size_t n, int sign)
{
	ews_status st = EWS_OK;
	size_t i;

	for (i = 1; st == EWS_OK && i < n; i++) {
		ews__counter_step step = ews__counter_delta(
		        s[i - 1].value_milli, s[i].value_milli,
		        scopes->range_milli);

		st = ews__rollup_interval(r, scopes, s[i - 1].t_ms, s[i].t_ms,
		                          step.delta_milli, step.estimated,
		                          sign);
	}
	return st;
}

ews_status
ews__rollup_add_row(ews__rollup *r, int64_t scope, int level, int64_t key,
                    const ews__slot *slots, const int64_t (*cost)[EWS__COLS],
                    int sign)
{
	size_t k, n = ews__level_slots(level);
	ews_status st;
	row *w;

	if ((st = flush_day(r)) != EWS_OK)
		return st;
	if (!(w = row_at(r, scope, level, key)))
		return EWS_ENOMEM;
	for (k = 0; k < n; k++) {
		w->slot[k].value_milli += sign * slots[k].value_milli;
		w->slot[k].pieces += sign * slots[k].pieces;
		w->slot[k].estimated += sign * slots[k].estimated;
		if (cost && !cost_add(w, k, cost[k], sign))
			return EWS_ENOMEM;
	}
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

static int
compare_rows(const void *a, const void *b)
{
	const row *x = a, *y = b;

	if (x->level != y->level)
		return x->level - y->level;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->scope > y->scope) - (x->scope < y->scope);
}

static int
row_is_zero(const ews__slot *s, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (s[k].pieces || s[k].value_milli || s[k].estimated)
			return 0;
	return 1;
}

/* The change of a row's cost columns (0 bytes: none); *takes: it
 * takes from some column. */
static ews_status
encode_cost(ews__rollup *r, const row *delta, uint8_t *buf, size_t *len,
            int *takes)
{
	const ews__plan *p;
	ews_status st;
	size_t k;
	int c;

	*len = 0;
	*takes = 0;
	if (!delta->cost)
		return EWS_OK;
	for (k = 0; k < EWS__SLOTS; k++)
		for (c = 0; c < EWS__COLS; c++)
			*takes |= delta->cost[k][c] < 0;
	if ((st = plan_of(r, scope_commodity(delta->scope), &p)) == EWS_OK)
		*len = ews__cost_encode(
		        p, (const int64_t(*)[EWS__COLS])delta->cost,
		        ews__level_slots(delta->level), 1, buf);
	return st;
}

/*
 * Add a change to its stored row in one statement. A change that is a
 * valid row by itself may make the row (an UPSERT); any other (one that
 * takes away, or moves consumption within a slot) must find it: SQLite
 * evaluates the VALUES of an UPSERT before it sees the conflict, so those
 * go through a plain UPDATE.
 */
static ews_status
write_row(ews__rollup *r, const row *delta)
{
	ews_site *site = r->site;
	size_t n = ews__level_slots(delta->level), cost_len;
	uint8_t buf[EWS__SLOTS * 30], cost[EWS__COST_BUF];
	int removes = !ews__slots_valid(delta->slot, n), takes;
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	if ((s = encode_cost(r, delta, cost, &cost_len, &takes)) != EWS_OK)
		return s;
	/* a replaced sample can move consumption between tariffs and
	 * leave the row's slots as they were: that too takes */
	removes |= takes;
	if (row_is_zero(delta->slot, n) && cost_len == 0)
		return EWS_OK;
	s = removes ? ews__site_cached(site, EWS__STMT_ROLLUP_SUB,
	                               "UPDATE rollup SET data ="
	                               " ews_rollup_add(data, ?4, ?5),"
	                               " cost = ews_cost_add(cost, ?6)"
	                               " WHERE level = ?1 AND key = ?2"
	                               " AND scope = ?3",
	                               &st)
	            : ews__site_cached(site, EWS__STMT_ROLLUP_PUT,
	                               "INSERT INTO rollup (level, key, scope,"
	                               " data, cost) VALUES (?1, ?2, ?3,"
	                               " ews_rollup_add(NULL, ?4, ?5),"
	                               " ews_cost_add(NULL, ?6))"
	                               " ON CONFLICT (level, key, scope) DO"
	                               " UPDATE SET data ="
	                               " ews_rollup_add(data, ?4, ?5),"
	                               " cost = ews_cost_add(cost, ?6)",
	                               &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int(st, 1, delta->level);
	sqlite3_bind_int64(st, 2, delta->key);
	sqlite3_bind_int64(st, 3, delta->scope);
	sqlite3_bind_blob(st, 4, buf,
	                  (int)ews__rollup_encode_delta(delta->slot, n, buf),
	                  SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 5, (int)n);
	/* A cached statement keeps its bindings: a row whose costs do not
	 * change must not add the last row's change again. */
	if (cost_len)
		sqlite3_bind_blob(st, 6, cost, (int)cost_len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 6);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE && (!removes || sqlite3_changes(site->db) == 1))
		return EWS_OK;
	return ews__fail_field(
	        rc == SQLITE_DONE || rc == SQLITE_ERROR ? EWS_ERROR : EWS_EIO,
	        "rollup", "%s (row %d/%lld/%lld)",
	        rc == SQLITE_DONE ? "rollup: a change takes from a row that "
	                            "is not there"
	                          : sqlite3_errmsg(site->db),
	        delta->level, (long long)delta->key, (long long)delta->scope);
}

ews_status
ews__rollup_apply(ews__rollup *r)
{
	ews_status st;
	size_t i;

	if ((st = flush_day(r)) != EWS_OK)
		return st;
	/* In primary key order: neighbouring rows share pages. The index is
	 * stale after sorting, so the set is spent. An empty set has no
	 * rows array (NULL), which qsort() must not be given. */
	if (r->nrows > 1)
		qsort(r->rows, r->nrows, sizeof(*r->rows), compare_rows);
	free(r->index);
	r->index = NULL;
	r->nindex = 0;
	for (i = 0; st == EWS_OK && i < r->nrows; i++)
		st = write_row(r, &r->rows[i]);
	free_costs(r);
	r->nrows = 0;
	if (st == EWS_OK)
		st = write_pending(r);
	return st;
}

size_t
ews__rollup_rows(const ews__rollup *r)
{
	return r->nrows;
}
