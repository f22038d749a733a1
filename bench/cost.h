#ifndef EWS_BENCH_COST_H
#define EWS_BENCH_COST_H

/*
 * Private interface of the cost benchmark (B7; see cost.c and
 * bench/README.md): the time-of-use plan, the run, and the SQLite peer.
 *
 *   cost.c       options, the site and its plan, the measures, the checks
 *   cost-peer.c  the plan as one SQL query; the peer's table and query
 */

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include <ews/tariff.h>

#include "consumption.h"

enum {
	TARIFFS = 4,
	PRICES_MAX = TARIFFS * EWS_PRICES_MAX,
	HOLIDAYS = 10,
	EASTERS_MAX = 20,
	QUICK_DEVICES = 32,
	PLAN_VERSION = 2, /* of a cached site */
	SQL_MAX = 16384
};

enum { F1, F2, F3, SPECIAL }; /* the plan's tariffs */

/* One rule or price of the plan, as given to ews and written for the
 * peer. */
typedef struct plan_rule {
	int tariff;
	ews_validity validity;
	int every_year;
	ews_date from, to;
	unsigned int time_from, time_to, weekdays;
} plan_rule;

typedef struct plan_price {
	int tariff;
	ews_date from; /* year 0: undated */
	int64_t micro;
} plan_price;

typedef struct plan {
	int64_t tariff_id[TARIFFS];
	size_t nprices, nrules, moved; /* moved: the rule the edit moves */
	plan_price price[PRICES_MAX];
	plan_rule rule[EWS_RULES_MAX];
	int64_t rule_id[EWS_RULES_MAX];
} plan;

/* The run: the site, its meters and the peer's sums. */
typedef struct run {
	bench_site b;
	dataset ds;
	plan p;
	int first, years, ndev, nmonths;
	int plan_after;  /* --plan-after: import with no plan, then set it */
	double plan_s;   /* seconds to set the plan after the import */
	char peer_path[700];
	int64_t *sums; /* [device][local month]: sum of wh × price micro */
} run;

/* ------------------------------------------------------------------ */
/* The peer (cost-peer.c)                                              */

typedef struct sqlbuf {
	char s[SQL_MAX];
	size_t len;
} sqlbuf;

/* The peer's query: every device-month's sum of wh × price (millionths
 * per kWh), the price of the first true rule's tariff on the local date. */
void peer_sql(sqlbuf *b, const plan *p);
/* The peer's table, with local columns from the C library's zone (TZ);
 * its seconds. */
double peer_create(const run *r);
/* One run of the peer's query into r->sums; its wall seconds. */
double peer_query(sqlite3 *db, const char *sql, run *r);
/* Millionths of wh × price micro / 1000, half to even (ews's rounding). */
int64_t peer_micro(int64_t sum);

#endif /* EWS_BENCH_COST_H */
