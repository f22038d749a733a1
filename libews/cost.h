#ifndef EWS_COST_H
#define EWS_COST_H
#include <stdint.h>

#include <ews/tariff.h>

#include "rollup.h"
#include "site-private.h"
#include "tz.h"

/*
 * Costs (tariff.h). A commodity's plan is its tariffs, prices and rules
 * as stored. The rules split each hour slot of a local day between
 * columns: the tariffs (by id), then "no tariff"; the split is in
 * sixtieths of the slot, so consumption E of a slot puts E × w in column
 * c, exactly, in "weighted" thousandths (1/60 of a thousandth of a unit).
 * Month and year rollups keep the weighted consumption of each column
 * (rollup.cost); prices are applied when a query reads them, so a price
 * edit changes no stored row, and a rule edit recomputes the columns of
 * every month and year row from the day rows.
 */

enum {
	EWS__COLS = EWS_COST_COLUMNS,
	EWS__NO_TARIFF = EWS_TARIFFS_MAX, /* the column of "no tariff" */
	EWS__WEIGHT = 60                  /* the weights of a slot add up to */
};
_Static_assert(EWS__COLS == 6, "rollup.h writes cost columns as [6]");

typedef struct ews__plan_rule {
	int64_t id;
	int col;
	int validity; /* ews_validity */
	int64_t from_day, to_day;
	int every_year;
	unsigned int from_md, to_md; /* month × 32 + day, for every year */
	unsigned int time_from, time_to;
	unsigned int weekdays;
} ews__plan_rule;

typedef struct ews__price_step {
	int64_t from_day; /* INT64_MIN: no date */
	int64_t price_micro;
} ews__price_step;

typedef struct ews__plan {
	ews_commodity commodity;
	int64_t stamp;
	size_t ntariffs;
	ews_tariff tariff[EWS_TARIFFS_MAX]; /* by id */
	size_t nprices[EWS_TARIFFS_MAX];
	ews__price_step price[EWS_TARIFFS_MAX][EWS_PRICES_MAX]; /* by date */
	size_t nrules;
	ews__plan_rule rule[EWS_RULES_MAX]; /* by position */
} ews__plan;

/* The plan of a commodity as stored now (cached by the handle). */
ews_status ews__plan_get(ews_site *site, ews_commodity c,
                         const ews__plan **out);
void ews__plan_cache_free(ews_site *site);
/* Drop the cached plans (after a rollback: their stamps may come back
 * with other plans). */
void ews__plan_cache_forget(ews_site *site);

/* Electricity, gas or water, or EWS_EINVAL naming "commodity". */
ews_status ews__check_commodity(ews_commodity c);

/* A real local date within 1900-9999, or EWS_EINVAL naming field. */
ews_status ews__check_date(const char *field, const ews_date *d);

/* Mark a commodity's plan changed (in the editing transaction). */
ews_status ews__cost_stamp_bump(ews_site *site, ews_commodity c);

/* Pure functions of a plan. */
/* The index of the first rule true at a local minute, or -1. */
int ews__plan_rule_at(const ews__plan *p, int64_t day, unsigned int minute);
/* Column of a tariff id (0: no tariff); -1 if not in the plan. */
int ews__plan_col(const ews__plan *p, int64_t tariff_id);
/* Tariff id of a column (0 for no tariff). */
int64_t ews__plan_col_id(const ews__plan *p, int col);
/* The price of column col on a local day: 1, or 0 when it has none. */
int ews__plan_price_on(const ews__plan *p, int col, int64_t day,
                       int64_t *price_micro);
/* Does column col's price change on a day of first+1 .. last? */
int ews__plan_price_changes(const ews__plan *p, int col, int64_t first,
                            int64_t last);

/* The split of the hour slots of one local day. */
typedef struct ews__day_weights {
	int64_t day;
	uint8_t w[EWS__DAY_SLOTS][EWS__COLS];
} ews__day_weights;

void ews__plan_day_weights(const ews__plan *p, const ews__tz *tz, int64_t day,
                           ews__day_weights *out);

/* The same, kept by the handle (p from ews__plan_get, tz the site's):
 * valid until the next call. */
const ews__day_weights *ews__plan_weights(ews_site *site, const ews__plan *p,
                                          const ews__tz *tz, int64_t day);

/* Add the weighted consumption of a day's slots, by column, to out. */
void ews__day_split(const ews__day_weights *w, const ews__slot *slots,
                    int64_t out[EWS__COLS]);

/* Weighted consumption rows (rollup.cost): n slots × EWS__COLS. */
size_t ews__cost_encode(const ews__plan *p, const int64_t (*cols)[EWS__COLS],
                        size_t n, int delta, uint8_t *buf);
ews_status ews__cost_decode(const ews__plan *p, const uint8_t *buf, size_t len,
                            int64_t (*cols)[EWS__COLS], size_t n);
/* Largest encoding of a row. */
enum { EWS__COST_BUF = EWS__SLOTS * EWS__COLS * 22 };

/* Register ews_cost_add() on a new connection. */
int ews__cost_register(sqlite3 *db);

/* Derive the cost columns of every month and year row of a commodity
 * again from the day rows (after a rule changed). */
ews_status ews__cost_recompute(ews_site *site, ews_commodity c);

#endif /* EWS_COST_H */
