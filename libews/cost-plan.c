#include <stdlib.h>
#include <string.h>

#include "cost.h"
#include "error-private.h"

/*
 * A commodity's plan (cost.h): loaded from the tariff tables once, kept by
 * the handle while the commodity's stamp in cost_stamp is unchanged (any
 * connection's edit moves it), and the pure functions that evaluate it.
 */

enum { MINUTE_MS = 60000, HOUR_MS = 3600000, DAY_MS = 86400000 };

/* Day weights kept per commodity, by day: a sweep, an import and the
 * queries ask for the same few days again and again. */
enum { WEIGHTS_KEPT = 1024 };

struct ews__plan_cache {
	ews__plan plan[4]; /* by commodity */
	int loaded[4];
	ews__day_weights *weights[4]; /* WEIGHTS_KEPT, NULL until used */
	int64_t weights_stamp[4];
	uint64_t weights_zone[4]; /* site->tz_serial they were made in */
	ews__day_weights scratch; /* when no memory for the others */
};

static ews_status
read_stamp(ews_site *site, ews_commodity c, int64_t *out)
{
	int found;

	*out = 0;
	return ews__site_lookup(site, EWS__STMT_COST_STAMP,
	                        "SELECT stamp FROM cost_stamp"
	                        " WHERE commodity = ?",
	                        (int64_t)c, out, &found);
}

/* Run `sql` bound to commodity c; `row` reads each result row. */
static ews_status
each_row(ews_site *site, ews_commodity c, const char *sql,
         void (*row)(ews__plan *, sqlite3_stmt *), ews__plan *p)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	if ((s = ews__site_prepare(site, sql, &st)) != EWS_OK)
		return s;
	sqlite3_bind_int(st, 1, (int)c);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(p, st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? EWS_OK : ews__site_db_fail(site, rc);
}

static void
tariff_row(ews__plan *p, sqlite3_stmt *st)
{
	ews_tariff *t;

	if (p->ntariffs == EWS_TARIFFS_MAX)
		return;
	t = &p->tariff[p->ntariffs++];
	memset(t, 0, sizeof(*t));
	t->version = EWS_TARIFF_VERSION;
	t->id = sqlite3_column_int64(st, 0);
	t->commodity = p->commodity;
	ews__site_column_text(st, 1, t->name, sizeof(t->name));
	ews__site_column_text(st, 2, t->color, sizeof(t->color));
}

static void
price_row(ews__plan *p, sqlite3_stmt *st)
{
	int col = ews__plan_col(p, sqlite3_column_int64(st, 0));
	ews__price_step *pr;

	if (col < 0 || col == EWS__NO_TARIFF ||
	    p->nprices[col] == EWS_PRICES_MAX)
		return;
	pr = &p->price[col][p->nprices[col]++];
	pr->from_day = sqlite3_column_type(st, 1) == SQLITE_NULL
	                       ? INT64_MIN
	                       : sqlite3_column_int64(st, 1);
	pr->price_micro = sqlite3_column_int64(st, 2);
}

static unsigned int
month_day(int64_t day)
{
	unsigned int m, d;
	int32_t y;

	ews__civil_from_days(day, &y, &m, &d);
	return m * 32 + d;
}

static void
rule_row(ews__plan *p, sqlite3_stmt *st)
{
	ews__plan_rule *r;
	int col = ews__plan_col(p, sqlite3_column_int64(st, 1));

	if (col < 0 || col == EWS__NO_TARIFF || p->nrules == EWS_RULES_MAX)
		return;
	r = &p->rule[p->nrules++];
	r->id = sqlite3_column_int64(st, 0);
	r->col = col;
	r->validity = sqlite3_column_int(st, 2);
	r->from_day = sqlite3_column_int64(st, 3);
	r->to_day = sqlite3_column_int64(st, 4);
	r->every_year = sqlite3_column_int(st, 5);
	r->from_md = month_day(r->from_day);
	r->to_md = r->validity == EWS_VALID_PERIOD ? month_day(r->to_day)
	                                           : r->from_md;
	r->time_from = (unsigned int)sqlite3_column_int(st, 6);
	r->time_to = (unsigned int)sqlite3_column_int(st, 7);
	r->weekdays = (unsigned int)sqlite3_column_int(st, 8);
}

static ews_status
plan_load(ews_site *site, ews_commodity c, int64_t stamp, ews__plan *p)
{
	ews_status st;

	memset(p, 0, sizeof(*p));
	p->commodity = c;
	p->stamp = stamp;
	if ((st = each_row(site, c,
	                   "SELECT id, name, color FROM tariff"
	                   " WHERE commodity = ? ORDER BY id",
	                   tariff_row, p)) != EWS_OK ||
	    (st = each_row(site, c,
	                   "SELECT p.tariff_id, p.from_day, p.price_micro"
	                   " FROM tariff_price p JOIN tariff t"
	                   " ON t.id = p.tariff_id WHERE t.commodity = ?"
	                   " ORDER BY p.tariff_id, p.from_day IS NOT NULL,"
	                   " p.from_day",
	                   price_row, p)) != EWS_OK)
		return st;
	return each_row(site, c,
	                "SELECT id, tariff_id, validity, from_day, to_day,"
	                " every_year, time_from, time_to, weekdays"
	                " FROM cost_rule WHERE commodity = ? ORDER BY position",
	                rule_row, p);
}

ews_status
ews__plan_get(ews_site *site, ews_commodity c, const ews__plan **out)
{
	struct ews__plan_cache *cache = site->plan_cache;
	int64_t stamp;
	ews_status st;

	if ((st = ews__check_commodity(c)) != EWS_OK)
		return st;
	if (!cache &&
	    !(cache = site->plan_cache = ews__calloc(1, sizeof(*cache))))
		return EWS_ENOMEM;
	if ((st = read_stamp(site, c, &stamp)) != EWS_OK)
		return st;
	if (!cache->loaded[c] || cache->plan[c].stamp != stamp) {
		cache->loaded[c] = 0;
		cache->weights_stamp[c] = -1;
		if ((st = plan_load(site, c, stamp, &cache->plan[c])) != EWS_OK)
			return st;
		cache->loaded[c] = 1;
	}
	*out = &cache->plan[c];
	return EWS_OK;
}

void
ews__plan_cache_free(ews_site *site)
{
	size_t c;

	for (c = 0; site->plan_cache && c < 4; c++)
		free(site->plan_cache->weights[c]);
	free(site->plan_cache);
	site->plan_cache = NULL;
}

void
ews__plan_cache_forget(ews_site *site)
{
	struct ews__plan_cache *cache = site->plan_cache;
	size_t c;

	for (c = 0; cache && c < 4; c++) {
		cache->loaded[c] = 0;
		cache->weights_stamp[c] = -1;
	}
}

const ews__day_weights *
ews__plan_weights(ews_site *site, const ews__plan *p, const ews__tz *tz,
                  int64_t day)
{
	struct ews__plan_cache *cache = site->plan_cache;
	int c = (int)p->commodity;
	ews__day_weights *w;
	size_t i;

	if (!cache->weights[c] &&
	    (cache->weights[c] = ews__malloc(WEIGHTS_KEPT * sizeof(*w))))
		cache->weights_stamp[c] = -1; /* fill below */
	if (!cache->weights[c]) {
		ews__plan_day_weights(p, tz, day, &cache->scratch);
		return &cache->scratch;
	}
	if (cache->weights_stamp[c] != p->stamp ||
	    cache->weights_zone[c] != site->tz_serial) {
		for (i = 0; i < WEIGHTS_KEPT; i++)
			cache->weights[c][i].day = INT64_MIN;
		cache->weights_stamp[c] = p->stamp;
		cache->weights_zone[c] = site->tz_serial;
	}
	w = &cache->weights[c][(uint64_t)day % WEIGHTS_KEPT];
	if (w->day != day)
		ews__plan_day_weights(p, tz, day, w);
	return w;
}

/* ------------------------------------------------------------------ */
/* Evaluation (pure)                                                   */

int
ews__plan_col(const ews__plan *p, int64_t tariff_id)
{
	size_t i;

	if (tariff_id == 0)
		return EWS__NO_TARIFF;
	for (i = 0; i < p->ntariffs; i++)
		if (p->tariff[i].id == tariff_id)
			return (int)i;
	return -1;
}

int64_t
ews__plan_col_id(const ews__plan *p, int col)
{
	return col >= 0 && (size_t)col < p->ntariffs ? p->tariff[col].id : 0;
}

int
ews__plan_price_on(const ews__plan *p, int col, int64_t day,
                   int64_t *price_micro)
{
	int found = 0;
	size_t i;

	if (col < 0 || (size_t)col >= p->ntariffs)
		return 0;
	/* by date, the undated one first: the last that started wins */
	for (i = 0; i < p->nprices[col]; i++)
		if (p->price[col][i].from_day <= day) {
			*price_micro = p->price[col][i].price_micro;
			found = 1;
		}
	return found;
}

int
ews__plan_price_changes(const ews__plan *p, int col, int64_t first,
                        int64_t last)
{
	size_t i;

	if (col < 0 || (size_t)col >= p->ntariffs)
		return 0;
	for (i = 0; i < p->nprices[col]; i++)
		if (p->price[col][i].from_day > first &&
		    p->price[col][i].from_day <= last)
			return 1;
	return 0;
}

static unsigned int
weekday_of(int64_t day)
{
	return (unsigned int)(((day + 3) % 7 + 7) % 7);
}

static int
md_within(unsigned int md, unsigned int from, unsigned int to)
{
	return from <= to ? md >= from && md <= to : md >= from || md <= to;
}

/* The rules whose date, period and weekdays hold on a local day. */
static uint64_t
day_rules(const ews__plan *p, int64_t day)
{
	unsigned int wd = 1u << weekday_of(day), md = 0;
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		const ews__plan_rule *r = &p->rule[i];
		int on;

		if (!(r->weekdays & wd))
			continue;
		if (r->every_year && !md)
			md = month_day(day);
		switch (r->validity) {
		case EWS_VALID_DATE:
			on = r->every_year ? md == r->from_md
			                   : day == r->from_day;
			break;
		case EWS_VALID_PERIOD:
			on = r->every_year
			             ? md_within(md, r->from_md, r->to_md)
			             : day >= r->from_day && day <= r->to_day;
			break;
		default:
			on = 1;
		}
		if (on)
			mask |= (uint64_t)1 << i;
	}
	return mask;
}

static int
in_frame(const ews__plan_rule *r, unsigned int minute)
{
	return r->time_from <= r->time_to
	               ? minute >= r->time_from && minute <= r->time_to
	               : minute >= r->time_from || minute <= r->time_to;
}

/* The first minute after `minute` (at most the day's end, 1440) at which
 * a rule of mask enters or leaves its frame: until then, every rule's
 * frame holds or not as at `minute`. */
static unsigned int
next_edge(const ews__plan *p, uint64_t mask, unsigned int minute)
{
	unsigned int edge = 1440;

	while (mask) {
		const ews__plan_rule *r = &p->rule[__builtin_ctzll(mask)];

		if (r->time_from > minute && r->time_from < edge)
			edge = r->time_from;
		if (r->time_to + 1 > minute && r->time_to + 1 < edge)
			edge = r->time_to + 1;
		mask &= mask - 1;
	}
	return edge;
}

static int
first_rule(const ews__plan *p, uint64_t mask, unsigned int minute)
{
	while (mask) {
		int i = __builtin_ctzll(mask);

		if (in_frame(&p->rule[i], minute))
			return i;
		mask &= mask - 1;
	}
	return -1;
}

int
ews__plan_rule_at(const ews__plan *p, int64_t day, unsigned int minute)
{
	return first_rule(p, day_rules(p, day), minute);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Milliseconds of [s, e) under each column; the local clock is
 * t + offset_ms throughout (no transition inside). The time goes from
 * frame edge to frame edge, not minute by minute. */
static void
slot_split(const ews__plan *p, int64_t s, int64_t e, int64_t offset_ms,
           int64_t ms[EWS__COLS])
{
	int64_t day = INT64_MIN, t = s;
	uint64_t mask = 0;

	while (t < e) {
		int64_t local = t + offset_ms;
		int64_t ld = floor_div(local, DAY_MS);
		int64_t in_day = local - ld * DAY_MS, end;
		unsigned int minute = (unsigned int)(in_day / MINUTE_MS);
		int rule;

		if (ld != day) {
			day = ld;
			mask = day_rules(p, ld);
		}
		rule = first_rule(p, mask, minute);
		end = t + ((int64_t)next_edge(p, mask, minute) * MINUTE_MS -
		           in_day);
		if (end > e)
			end = e;
		ms[rule < 0 ? EWS__NO_TARIFF : p->rule[rule].col] += end - t;
		t = end;
	}
}

static int32_t
offset_at(const ews__tz *tz, int64_t t_ms)
{
	return ews__tz_offset(tz, floor_div(t_ms, 1000));
}

void
ews__plan_day_weights(const ews__plan *p, const ews__tz *tz, int64_t day,
                      ews__day_weights *out)
{
	int64_t start = ews__local_day_start_ms(tz, day);
	int64_t next = ews__local_day_start_ms(tz, day + 1);
	size_t k;

	memset(out, 0, sizeof(*out));
	out->day = day;
	for (k = 0; k < EWS__DAY_SLOTS; k++) {
		int64_t s = start + (int64_t)k * HOUR_MS, e, ms[EWS__COLS];
		int64_t whole, acc = 0, given = 0;
		int32_t o0, o1;
		int c;

		if (s >= next)
			break;
		e = k == EWS__DAY_SLOTS - 1 || s + HOUR_MS > next ? next
		                                                  : s + HOUR_MS;
		if (p->nrules == 0) {
			out->w[k][EWS__NO_TARIFF] = EWS__WEIGHT;
			continue;
		}
		memset(ms, 0, sizeof(ms));
		o0 = offset_at(tz, s);
		o1 = offset_at(tz, e - 1);
		if (o0 == o1) {
			slot_split(p, s, e, (int64_t)o0 * 1000, ms);
		} else { /* a transition inside: split at it */
			int64_t lo = s, hi = e - 1;

			while (hi - lo > 1000) {
				int64_t mid = lo + (hi - lo) / 2;

				if (offset_at(tz, mid) == o0)
					lo = mid;
				else
					hi = mid;
			}
			hi = (hi / 1000) *
			     1000; /* offsets change on a second */
			slot_split(p, s, hi, (int64_t)o0 * 1000, ms);
			slot_split(p, hi, e, (int64_t)o1 * 1000, ms);
		}
		/* Sixtieths in proportion, rounded down cumulatively: they
		 * add up to EWS__WEIGHT exactly. */
		whole = e - s;
		for (c = 0; c < EWS__COLS; c++) {
			int64_t upto;

			acc += ms[c];
			upto = acc * EWS__WEIGHT / whole;
			out->w[k][c] = (uint8_t)(upto - given);
			given = upto;
		}
	}
}

void
ews__day_split(const ews__day_weights *w, const ews__slot *slots,
               int64_t out[EWS__COLS])
{
	size_t k;
	int c;

	for (k = 0; k < EWS__DAY_SLOTS; k++) {
		int64_t v = slots[k].value_milli;

		if (v == 0)
			continue;
		for (c = 0; c < EWS__COLS; c++)
			out[c] += v * w->w[k][c];
	}
}
