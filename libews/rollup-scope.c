#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-private.h"
#include "cost.h"
#include "rollup.h"

/*
 * Where a device's consumption is rolled up, and the operations that
 * change it for a whole history: a new membership (rescope), a new time
 * zone (rebuild).
 */

ews_status
ews__site_tz(ews_site *site, const ews__tz **out)
{
	const unsigned char *zone;
	sqlite3_stmt *st;
	ews_status s;
	ews__tz *tz;
	int rc;

	s = ews__site_cached(site, EWS__STMT_SETTING_TZ,
	                     "SELECT value FROM setting"
	                     " WHERE name = 'timezone'",
	                     &st);
	if (s != EWS_OK)
		return s;
	rc = sqlite3_step(st);
	zone = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return ews__site_db_fail(site, rc);
	}
	if (!zone)
		zone = (const unsigned char *)"UTC";
	if (site->tz && strcmp(site->tz_name, (const char *)zone) == 0) {
		sqlite3_reset(st);
		*out = site->tz;
		return EWS_OK;
	}
	snprintf(site->tz_name, sizeof(site->tz_name), "%s", zone);
	sqlite3_reset(st);
	if ((s = ews__tz_open(site->tz_name, &tz)) != EWS_OK) {
		site->tz_name[0] = '\0';
		return s;
	}
	ews__tz_close(site->tz);
	site->tz = tz;
	site->tz_serial++;
	*out = tz;
	return EWS_OK;
}

/* Modulus of an unsigned integer counter in thousandths of its unit;
 * 0 when it does not wrap within what a sample can hold. */
static int64_t
counter_range(ews_reg_type type, double factor)
{
	double bits = type == EWS_REG_U16 ? 16 : type == EWS_REG_U32 ? 32 : 0;
	double range = ldexp(1.0, (int)bits) * factor * 1000.0;

	if (bits == 0 || !isfinite(range) || range <= 0 ||
	    range > EWS__SAMPLE_VALUE_MAX * 1000.0)
		return 0;
	return (int64_t)llround(range);
}

static ews_status
others_load(ews_site *site, int64_t *out)
{
	ews_status st = EWS_OK;

	if (!site->others_load_id)
		st = ews__site_builtin_load(site, EWS_ORIGIN_OTHERS,
		                            &site->others_load_id);
	*out = site->others_load_id;
	return st;
}

static void
push_scope(ews__device_scopes *out, int kind, int64_t id)
{
	if (out->n < EWS__SCOPES_MAX)
		out->key[out->n++] = ews__scope_key(kind, id, out->commodity);
}

/* Fill commodity, counter and range from the model (and the installer's
 * register for generic meters). */
static void
read_model(ews_site *site, sqlite3_stmt *st, ews__device_scopes *out)
{
	const char *key = (const char *)sqlite3_column_text(st, 0);
	const ews_register *reg;
	const ews_model *m;

	if (!key || ews_catalog_find(site->catalog, key, &m) != EWS_OK)
		return;
	out->commodity = m->commodity;
	out->counter = m->commodity == EWS_COMMODITY_ELECTRICITY
	                       ? EWS_Q_ACTIVE_ENERGY_IMPORT
	                       : EWS_Q_VOLUME;
	if (m->caps & EWS_CAP_GENERIC)
		out->range_milli =
		        counter_range((ews_reg_type)sqlite3_column_int(st, 3),
		                      sqlite3_column_double(st, 4) * 1000.0);
	else if (m->has_map &&
	         ews_model_find_register(m, out->counter, 0, &reg) == EWS_OK)
		out->range_milli = counter_range(reg->type, reg->factor);
}

struct ews__scope_cache {
	ews__device_scopes *v; /* by device id */
	size_t n, cap;
	ews__tail_entry *tails; /* by device, quantity, order */
	size_t ntails, captails;
	uint64_t generation;
	int64_t data_version;
	int active; /* checked by ews__scope_cache_begin() */
};

ews_status
ews__scope_cache_begin(ews_site *site)
{
	struct ews__scope_cache *c = site->scope_cache;
	int64_t version = 0;
	ews_status st;

	if (!c && !(c = site->scope_cache = ews__calloc(1, sizeof(*c))))
		return EWS_ENOMEM;
	if ((st = ews__site_data_version(site, &version)) != EWS_OK)
		return st;
	if (c->generation != site->generation || c->data_version != version)
		c->n = c->ntails = 0;
	c->generation = site->generation;
	c->data_version = version;
	c->active = 1;
	return EWS_OK;
}

void
ews__scope_cache_keep(ews_site *site)
{
	struct ews__scope_cache *c = site->scope_cache;

	if (c && c->active)
		c->generation = site->generation;
	if (c)
		c->active = 0;
}

void
ews__scope_cache_free(ews_site *site)
{
	if (site->scope_cache) {
		free(site->scope_cache->v);
		free(site->scope_cache->tails);
	}
	free(site->scope_cache);
	site->scope_cache = NULL;
}

/* The cached entry of a device, or where it goes (*at) when missing. */
static ews__device_scopes *
cache_find(struct ews__scope_cache *c, int64_t device_id, size_t *at)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].device_id == device_id)
			return &c->v[mid];
		if (c->v[mid].device_id < device_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

static void
cache_put(struct ews__scope_cache *c, size_t at, const ews__device_scopes *s)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		ews__device_scopes *v = ews__realloc(c->v, cap * sizeof(*v));

		if (!v)
			return; /* a cache: simply not kept */
		c->v = v;
		c->cap = cap;
	}
	memmove(c->v + at + 1, c->v + at, (c->n - at) * sizeof(*c->v));
	c->v[at] = *s;
	c->n++;
}

static ews_status scopes_read(ews_site *site, int64_t device_id,
                              ews__device_scopes *out);

/* The cache while it may be used: in a samples transaction of the
 * generation it was checked in. */
static struct ews__scope_cache *
live_cache(ews_site *site)
{
	struct ews__scope_cache *c = site->scope_cache;

	return c && c->active && c->generation == site->generation ? c : NULL;
}

void
ews__scope_cache_note_pending(ews_site *site, int64_t device_id, int64_t day)
{
	struct ews__scope_cache *c = live_cache(site);
	ews__device_scopes *hit;
	size_t at;

	if (c && (hit = cache_find(c, device_id, &at))) {
		hit->pending_day = day;
		hit->pending_known = 1;
	}
}

static int
tail_cmp(const ews__tail_entry *e, int64_t device_id, ews_quantity q,
         unsigned int order)
{
	if (e->device_id != device_id)
		return e->device_id < device_id ? -1 : 1;
	if (e->quantity != q)
		return e->quantity < q ? -1 : 1;
	return (e->order > order) - (e->order < order);
}

/* The cached tail of a series, or where it goes (*at) when missing. */
static ews__tail_entry *
tail_find(struct ews__scope_cache *c, int64_t device_id, ews_quantity q,
          unsigned int order, size_t *at)
{
	size_t lo = 0, hi = c->ntails;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = tail_cmp(&c->tails[mid], device_id, q, order);

		if (cmp == 0)
			return &c->tails[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return NULL;
}

const ews__tail_entry *
ews__tail_cache_get(ews_site *site, int64_t device_id, ews_quantity q,
                    unsigned int order)
{
	struct ews__scope_cache *c = live_cache(site);
	size_t at;

	return c ? tail_find(c, device_id, q, order, &at) : NULL;
}

void
ews__tail_cache_put(ews_site *site, const ews__tail_entry *e)
{
	struct ews__scope_cache *c = live_cache(site);
	ews__tail_entry *hit;
	size_t at = 0;

	if (!c)
		return;
	if ((hit = tail_find(c, e->device_id, e->quantity, e->order, &at))) {
		*hit = *e;
		return;
	}
	if (c->ntails == c->captails) {
		size_t cap = c->captails ? c->captails * 2 : 64;
		ews__tail_entry *t = ews__realloc(c->tails, cap * sizeof(*t));

		if (!t)
			return; /* a cache: simply not kept */
		c->tails = t;
		c->captails = cap;
	}
	memmove(c->tails + at + 1, c->tails + at,
	        (c->ntails - at) * sizeof(*c->tails));
	c->tails[at] = *e;
	c->ntails++;
}

ews_status
ews__device_scopes_get(ews_site *site, int64_t device_id,
                       ews__device_scopes *out)
{
	struct ews__scope_cache *c = live_cache(site);
	const ews__device_scopes *hit;
	ews_status st;
	size_t at = 0;

	if (c && (hit = cache_find(c, device_id, &at))) {
		*out = *hit;
		return EWS_OK;
	}
	st = scopes_read(site, device_id, out);
	if (st == EWS_OK && c)
		cache_put(c, at, out);
	return st;
}

static ews_status
scopes_read(ews_site *site, int64_t device_id, ews__device_scopes *out)
{
	int64_t load = 0, others;
	const char *groups = NULL;
	int excluded = 0, rc;
	sqlite3_stmt *st;
	ews_status s;

	memset(out, 0, sizeof(*out));
	out->device_id = device_id;
	if ((s = others_load(site, &others)) != EWS_OK)
		return s;
	s = ews__site_cached(site, EWS__STMT_DEVICE_SCOPES,
	                     "SELECT d.model, ifnull(d.load_id, 0),"
	                     " d.exclude_totals, d.reg_type, d.multiplier,"
	                     " (SELECT group_concat(group_id) FROM"
	                     "  device_group WHERE device_id = d.id)"
	                     " FROM device d WHERE d.id = ?",
	                     &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, device_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->exists = 1;
		read_model(site, st, out);
		load = sqlite3_column_int64(st, 1);
		excluded = sqlite3_column_int(st, 2);
		groups = (const char *)sqlite3_column_text(st, 5);
	} else if (rc != SQLITE_DONE) {
		s = ews__site_db_fail(site, rc);
	}
	/* A deleted device or an unknown model: nothing is rolled up. */
	if (s == EWS_OK && out->commodity) {
		push_scope(out, EWS_SCOPE_DEVICE, device_id);
		push_scope(out, EWS_SCOPE_LOAD, load ? load : others);
		while (groups && *groups) {
			push_scope(out, EWS_SCOPE_GROUP,
			           strtoll(groups, NULL, 10));
			groups = strchr(groups, ',');
			groups = groups ? groups + 1 : NULL;
		}
		if (!excluded) {
			push_scope(out, EWS_SCOPE_SITE, 0);
			push_scope(out, EWS__SCOPE_TOTAL_LOAD,
			           load ? load : others);
		}
	}
	sqlite3_reset(st);
	return s;
}

/* Add (sign) one stored row of the device's to each scope of `to`, with
 * the cost columns of month and year rows. */
static ews_status
copy_row(ews_site *site, ews__rollup *r, int64_t from, int level, int64_t key,
         const int64_t *to, size_t nto, int sign)
{
	ews__slot slots[EWS__SLOTS];
	int64_t cost[EWS__SLOTS][EWS__COLS];
	const ews__plan *plan;
	ews_status st;
	size_t i;
	int found;

	if ((st = ews__plan_get(site, (ews_commodity)(from & 3), &plan)) !=
	            EWS_OK ||
	    (st = ews__rollup_read_costed(site, plan, from, level, key, slots,
	                                  cost, &found)) != EWS_OK ||
	    !found)
		return st;
	for (i = 0; st == EWS_OK && i < nto; i++)
		st = ews__rollup_add_row(
		        r, to[i], level, key, slots,
		        level != EWS__LEVEL_DAY
		                ? (const int64_t(*)[EWS__COLS])cost
		                : NULL,
		        sign);
	return st;
}

/* The local days of a device's first and last counter samples; *any 0
 * when it has none. */
static ews_status
sample_days(ews_site *site, const ews__device_scopes *dev, const ews__tz *tz,
            int64_t *first, int64_t *last, int *any)
{
	ews__sample_vec edge = { 0 };
	int64_t series, t0;
	ews_status st;

	*any = 0;
	st = ews__series_id(site, dev->device_id, dev->counter, 0, 0, &series);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st == EWS_OK)
		st = ews__site_scalar(
		        site, &t0,
		        "SELECT min(t0) FROM (SELECT t0 FROM"
		        " sample_block WHERE series = ?1 UNION ALL"
		        " SELECT t0 FROM sample_tail"
		        " WHERE series = ?1)",
		        "i", series);
	if (st == EWS_OK)
		st = ews__series_last(site, series, &edge);
	if (st == EWS_OK && edge.n > 0) {
		*first = ews__local_day(tz, t0);
		*last = ews__local_day(tz, edge.v[edge.n - 1].t_ms);
		*any = 1;
	}
	ews__sample_vec_free(&edge);
	return st;
}

/*
 * Add (sign) every stored row of a device to each scope of `to`. Rows
 * are keyed by period first, so they are looked up period by period over
 * the span of the device's samples (no rollup lies outside it).
 */
static ews_status
copy_rows(ews_site *site, ews__rollup *r, const ews__device_scopes *dev,
          const int64_t *to, size_t nto, int sign)
{
	int64_t first, last, d, ym0, ym1, ym;
	const ews__tz *tz;
	unsigned int m, day;
	int32_t y0, y1, y;
	ews_status st;
	int any;

	if (nto == 0)
		return EWS_OK;
	if ((st = ews__site_tz(site, &tz)) != EWS_OK ||
	    (st = sample_days(site, dev, tz, &first, &last, &any)) != EWS_OK ||
	    !any)
		return st;
	for (d = first; st == EWS_OK && d <= last; d++)
		st = copy_row(site, r, dev->key[0], EWS__LEVEL_DAY, d, to, nto,
		              sign);
	ews__civil_from_days(first, &y0, &m, &day);
	ym0 = (int64_t)y0 * 12 + (m - 1);
	ews__civil_from_days(last, &y1, &m, &day);
	ym1 = (int64_t)y1 * 12 + (m - 1);
	for (ym = ym0; st == EWS_OK && ym <= ym1; ym++)
		st = copy_row(site, r, dev->key[0], EWS__LEVEL_MONTH, ym, to,
		              nto, sign);
	for (y = y0; st == EWS_OK && y <= y1; y++)
		st = copy_row(site, r, dev->key[0], EWS__LEVEL_YEAR, y, to, nto,
		              sign);
	return st;
}

/* Derive a device's rollups from its samples into `scopes`. */
static ews_status
derive_device(ews_site *site, ews__rollup *r, const ews__device_scopes *scopes)
{
	ews__sample_vec all = { 0 };
	int64_t series;
	ews_status st;

	st = ews__series_id(site, scopes->device_id, scopes->counter, 0, 0,
	                    &series);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st == EWS_OK)
		st = ews__series_range(site, series, INT64_MIN, INT64_MAX,
		                       &all);
	if (st == EWS_OK)
		st = ews__rollup_samples(r, scopes, all.v, all.n, 1);
	ews__sample_vec_free(&all);
	return st;
}

static int
same_counter(const ews__device_scopes *a, const ews__device_scopes *b)
{
	return a->commodity == b->commodity && a->counter == b->counter &&
	       a->range_milli == b->range_milli;
}

ews_status
ews__rollup_rescope(ews_site *site, const ews__device_scopes *before,
                    const ews__device_scopes *after)
{
	ews__rollup *r;
	ews_status st;

	if (before->commodity == 0 && after->commodity == 0)
		return EWS_OK;
	if (before->commodity && after->commodity &&
	    same_counter(before, after) && before->n == after->n &&
	    memcmp(before->key, after->key, before->n * sizeof(int64_t)) == 0)
		return EWS_OK;
	if ((st = ews__rollup_new(site, &r)) != EWS_OK)
		return st;
	/* The device's rows complete (no pending day) are moved; rows in
	 * both sets cancel out in the change set. */
	if (before->commodity && (st = ews__rollup_settle(r, before)) == EWS_OK)
		st = ews__rollup_apply(r);
	if (st == EWS_OK && before->commodity)
		st = copy_rows(site, r, before, before->key, before->n, -1);
	if (st == EWS_OK && after->commodity && before->commodity &&
	    same_counter(before, after))
		st = copy_rows(site, r, before, after->key, after->n, 1);
	else if (st == EWS_OK && after->commodity)
		st = derive_device(site, r, after);
	if (st == EWS_OK)
		st = ews__rollup_apply(r);
	ews__rollup_free(r);
	return st;
}

ews_status
ews__rollup_rebuild(ews_site *site)
{
	ews__device_scopes scopes;
	ews__rollup *r = NULL;
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	if ((s = ews__site_exec(site, "DELETE FROM rollup", "")) != EWS_OK ||
	    (s = ews__site_exec(site, "DELETE FROM rollup_pending", "")) !=
	            EWS_OK ||
	    (s = ews__rollup_new(site, &r)) != EWS_OK ||
	    (s = ews__site_prepare(site,
	                           "SELECT DISTINCT device_id FROM series"
	                           " WHERE ord = 0 AND quantity IN (?, ?)"
	                           " ORDER BY device_id",
	                           &st)) != EWS_OK) {
		ews__rollup_free(r);
		return s;
	}
	sqlite3_bind_int(st, 1, EWS_Q_ACTIVE_ENERGY_IMPORT);
	sqlite3_bind_int(st, 2, EWS_Q_VOLUME);
	while (s == EWS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = ews__device_scopes_get(site, sqlite3_column_int64(st, 0),
		                           &scopes);
		if (s == EWS_OK && scopes.commodity)
			s = derive_device(site, r, &scopes);
		if (s == EWS_OK && ews__rollup_rows(r) >= EWS__ROWS_PER_APPLY)
			s = ews__rollup_apply(r);
	}
	if (s == EWS_OK && rc != SQLITE_DONE)
		s = ews__site_db_fail(site, rc);
	sqlite3_finalize(st);
	if (s == EWS_OK)
		s = ews__rollup_apply(r);
	ews__rollup_free(r);
	return s;
}
