/*
 * The cost benchmark's peer: a plain SQLite table of the same hours with
 * local columns computed when it is loaded, and the plan written as one
 * SUM(wh * CASE ... END) ... GROUP BY device, month query.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cost.h"

/* ------------------------------------------------------------------ */
/* The plan as SQL, for the peer                                       */

static void
sql_add(sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, SQL_MAX - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= SQL_MAX - b->len) {
		fprintf(stderr, "cost: the peer's query is too long\n");
		exit(1);
	}
	b->len += (size_t)n;
}

static int
ymd(const ews_date *d)
{
	return d->year * 10000 + (int)(d->month * 100 + d->day);
}

/* The tariff's price on local date ld: the last dated price started. */
static void
price_sql(sqlbuf *b, const plan *p, int tariff)
{
	size_t i, dated = 0;
	int64_t undated = 0;

	for (i = p->nprices; i-- > 0;) {
		const plan_price *x = &p->price[i];

		if (x->tariff != tariff)
			continue;
		if (x->from.year == 0) {
			undated = x->micro;
			continue;
		}
		sql_add(b, "%s WHEN ld >= %d THEN %lld", dated ? "" : "CASE",
		        ymd(&x->from), (long long)x->micro);
		dated++;
	}
	sql_add(b, dated ? " ELSE %lld END" : "%lld", (long long)undated);
}

static void
weekdays_sql(sqlbuf *b, int *terms, unsigned int w)
{
	int lo = __builtin_ctz(w), hi = 31 - __builtin_clz(w), d;

	sql_add(b, *terms ? " AND " : "");
	++*terms;
	if (w == ((2u << hi) - (1u << lo))) { /* one run of days */
		sql_add(b, lo == hi ? "wd = %d" : "wd BETWEEN %d AND %d", lo,
		        hi);
		return;
	}
	sql_add(b, "wd IN (");
	for (d = lo; d <= hi; d++)
		if (w & (1u << d))
			sql_add(b, "%s%d", d == lo ? "" : ",", d);
	sql_add(b, ")");
}

/* " AND " between the terms of a condition. */
static void
term_sql(sqlbuf *b, int *terms, const char *fmt, int x, int y)
{
	sql_add(b, *terms ? " AND " : "");
	sql_add(b, fmt, x, y);
	++*terms;
}

/* A rule's condition (the peer knows whole hours only). */
static void
cond_sql(sqlbuf *b, const plan_rule *r)
{
	int h0 = (int)r->time_from / 60, h1 = (int)r->time_to / 60, n = 0;
	int md0 = (int)(r->from.month * 100 + r->from.day);
	int md1 = (int)(r->to.month * 100 + r->to.day);

	if (r->time_from % 60 || r->time_to % 60 != 59) {
		fprintf(stderr, "cost: the peer needs whole-hour frames\n");
		exit(1);
	}
	if (r->validity == EWS_VALID_DATE)
		term_sql(b, &n, r->every_year ? "md = %d" : "ld = %d",
		         r->every_year ? md0 : ymd(&r->from), 0);
	else if (r->validity == EWS_VALID_PERIOD && !r->every_year)
		term_sql(b, &n, "ld BETWEEN %d AND %d", ymd(&r->from),
		         ymd(&r->to));
	else if (r->validity == EWS_VALID_PERIOD)
		term_sql(b, &n,
		         md0 <= md1 ? "md BETWEEN %d AND %d"
		                    : "(md >= %d OR md <= %d)",
		         md0, md1);
	if (h0 == h1)
		term_sql(b, &n, "hr = %d", h0, 0);
	else if (h0 != 0 || h1 != 23)
		term_sql(b, &n,
		         h0 < h1 ? "hr BETWEEN %d AND %d"
		                 : "(hr >= %d OR hr <= %d)",
		         h0, h1);
	if (r->weekdays != EWS_WEEKDAYS_ALL)
		weekdays_sql(b, &n, r->weekdays);
	if (n == 0)
		sql_add(b, "1");
}

static int
whole_date(const plan_rule *r)
{
	return r->validity == EWS_VALID_DATE && r->time_from == 0 &&
	       r->time_to == EWS_MINUTE_LAST && r->weekdays == EWS_WEEKDAYS_ALL;
}

/* Rules i.. that are whole days of the same tariff, as one condition:
 * md IN (...) OR ld IN (...). The next rule's index. */
static size_t
dates_sql(sqlbuf *b, const plan *p, size_t i)
{
	size_t j, end = i;
	int pass, any = 0;

	while (end < p->nrules && whole_date(&p->rule[end]) &&
	       p->rule[end].tariff == p->rule[i].tariff)
		end++;
	for (pass = 1; pass >= 0; pass--) { /* every year, then dated */
		int n = 0;

		for (j = i; j < end; j++) {
			const plan_rule *r = &p->rule[j];

			if (r->every_year != pass)
				continue;
			sql_add(b, n++ ? "," : "%s%s IN (", any ? " OR " : "",
			        pass ? "md" : "ld");
			sql_add(b, "%d",
			        pass ? (int)(r->from.month * 100 + r->from.day)
			             : ymd(&r->from));
		}
		if (n)
			sql_add(b, ")");
		any |= n > 0;
	}
	return end;
}

void
peer_sql(sqlbuf *b, const plan *p)
{
	size_t i = 0;

	b->len = 0;
	sql_add(b, "SELECT device, ym, SUM(wh * CASE");
	while (i < p->nrules) {
		const plan_rule *r = &p->rule[i];
		size_t next = i + 1;

		if (i + 1 == p->nrules && r->validity == EWS_VALID_ALWAYS &&
		    r->time_from == 0 && r->time_to == EWS_MINUTE_LAST &&
		    r->weekdays == EWS_WEEKDAYS_ALL)
			break; /* the last rule, always true: ELSE */
		sql_add(b, " WHEN ");
		if (whole_date(r))
			next = dates_sql(b, p, i);
		else
			cond_sql(b, r);
		sql_add(b, " THEN ");
		price_sql(b, p, r->tariff);
		i = next;
	}
	sql_add(b, " ELSE ");
	if (i < p->nrules)
		price_sql(b, p, p->rule[i].tariff);
	else
		sql_add(b, "0");
	sql_add(b, " END) FROM hourly GROUP BY device, ym");
}

/* ------------------------------------------------------------------ */
/* The peer                                                            */

typedef struct local_hour {
	int ym, ld, md, hr, wd;
} local_hour;

/* The local month, date, month-day, hour and weekday (Monday 0) of each
 * hour of the data, from the C library's Europe/Rome (TZ is set). */
static local_hour *
local_hours(const run *r, size_t n)
{
	local_hour *v = malloc(n * sizeof(*v));
	int summer = 0;
	size_t h;

	if (!v)
		die("malloc");
	for (h = 0; h < n; h++) {
		time_t t = (time_t)(r->ds.start_ms / 1000) + (time_t)h * 3600;
		struct tm tm;

		localtime_r(&t, &tm);
		v[h].ld = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
		          tm.tm_mday;
		v[h].ym = v[h].ld / 100;
		v[h].md = v[h].ld % 10000;
		v[h].hr = tm.tm_hour;
		v[h].wd = (tm.tm_wday + 6) % 7;
		summer |= tm.tm_gmtoff == 7200;
	}
	if (!summer) {
		fprintf(stderr, "cost: no Europe/Rome time zone in the C "
		                "library\n");
		exit(1);
	}
	return v;
}

double
peer_create(const run *r)
{
	size_t n = (size_t)((r->ds.end_ms - r->ds.start_ms) / HOUR_MS), h, i;
	local_hour *lh = local_hours(r, n);
	sqlite3 *db = peer_open(r->peer_path,
	                        "CREATE TABLE hourly(device INTEGER,"
	                        " t INTEGER, wh INTEGER, ym INTEGER,"
	                        " ld INTEGER, md INTEGER, hr INTEGER,"
	                        " wd INTEGER, PRIMARY KEY(device, ym, t))"
	                        " WITHOUT ROWID");
	sqlite3_stmt *ins = prepare(db, "INSERT INTO hourly VALUES"
	                                " (?, ?, ?, ?, ?, ?, ?, ?)");
	double t0 = now_s();

	for (i = 0; i < (size_t)r->ndev; i++) {
		devgen g;
		double c0;

		devgen_init(&g, (int)i);
		c0 = devgen_at(&g, r->ds.start_ms);
		exec_sql(db, "BEGIN");
		for (h = 0; h < n; h++) {
			int64_t t = r->ds.start_ms + (int64_t)(h + 1) * HOUR_MS;
			double c1 = devgen_at(&g, t);

			sqlite3_bind_int64(ins, 1, r->b.dev[i]);
			sqlite3_bind_int64(ins, 2, (t - HOUR_MS) / 1000);
			sqlite3_bind_int64(ins, 3, (int64_t)(c1 - c0));
			sqlite3_bind_int(ins, 4, lh[h].ym);
			sqlite3_bind_int(ins, 5, lh[h].ld);
			sqlite3_bind_int(ins, 6, lh[h].md);
			sqlite3_bind_int(ins, 7, lh[h].hr);
			sqlite3_bind_int(ins, 8, lh[h].wd);
			step_done(db, ins, "peer insert");
			c0 = c1;
		}
		exec_sql(db, "COMMIT");
	}
	sqlite3_finalize(ins);
	sqlite3_close(db);
	free(lh);
	return now_s() - t0;
}

static int
device_index(const run *r, int64_t id)
{
	int i;

	for (i = 0; i < r->ndev; i++)
		if (r->b.dev[i] == id)
			return i;
	return -1;
}

double
peer_query(sqlite3 *db, const char *sql, run *r)
{
	double t0 = now_s();
	sqlite3_stmt *st = prepare(db, sql);
	int rc;

	memset(r->sums, 0,
	       (size_t)r->ndev * (size_t)r->nmonths * sizeof(*r->sums));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = device_index(r, sqlite3_column_int64(st, 0));
		int ym = sqlite3_column_int(st, 1);
		int m = (ym / 100 - r->first) * 12 + ym % 100 - 1;

		if (i < 0 || m < 0 || m >= r->nmonths) {
			fprintf(stderr, "cost: peer row %d/%d out of range\n",
			        i, ym);
			exit(1);
		}
		r->sums[i * r->nmonths + m] = sqlite3_column_int64(st, 2);
	}
	check_sql(db, rc, "peer query");
	sqlite3_finalize(st);
	return now_s() - t0;
}

int64_t
peer_micro(int64_t sum)
{
	int64_t q = sum / 1000, rem = sum % 1000;

	return rem > 500 || (rem == 500 && (q & 1)) ? q + 1 : q;
}
