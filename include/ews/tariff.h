#ifndef EWS_TARIFF_H
#define EWS_TARIFF_H
#include <ews/common.h>
#include <ews/catalog.h>
#include <ews/site.h>
#include <ews/consumption.h>
EWS_BEGIN_DECLS

/**
 * @file ews/tariff.h
 * Bill of consumptions (TAR-1..6, CON-8): tariffs, dated prices, ordered
 * cost rules, and the costs of any histogram.
 *
 * Money is never a binary float: prices and costs are integer millionths
 * of the site's currency (setting "currency", ISO 4217), prices per kWh
 * of electricity or per m³ of gas and water. Internally a cost is exact
 * (thousandths of a unit × millionths of the currency × sixtieths of an
 * hour); a reported figure is rounded once, to the nearest millionth
 * (half to even), from the exact sum it reports. docs/costs.md has the
 * rules.
 *
 * Each commodity has up to 5 tariffs, each with up to 5 prices, and an
 * ordered list of cost rules. At any instant the first true rule, top
 * down, gives the tariff; the price is the tariff's price valid on that
 * local date. Consumption under no true rule, or under a tariff with no
 * price valid on its date, is reported as "no tariff" (TAR-6): it is
 * never priced at 0.
 */

enum {
	EWS_TARIFFS_MAX = 5, /* per commodity (TAR-2) */
	EWS_PRICES_MAX = 5,  /* per tariff (TAR-2) */
	EWS_RULES_MAX = 50   /* per commodity */
};

/** A local calendar date; year 0 means "no date". */
typedef struct ews_date {
	int32_t year; /* 1900-9999, or 0 */
	unsigned int month; /* 1-12 */
	unsigned int day;   /* 1-31 */
} ews_date;

/**
 * Parse "YYYY-MM-DD" (a real date, 1900-9999).
 * @return EWS_OK; EWS_EINVAL naming `field`.
 */
EWS_API ews_status ews_date_parse(const char *text, const char *field,
				  ews_date *out);

/**
 * Parse a decimal amount of money such as "0.1875" (at most 6 decimals,
 * no sign, no exponent) into millionths.
 * @return EWS_OK; EWS_EINVAL naming `field`.
 */
EWS_API ews_status ews_money_parse(const char *text, const char *field,
				   int64_t *micro);

/** Room for ews_money_format() text, NUL included. */
enum { EWS_MONEY_TEXT_MAX = 32 };

/**
 * Write millionths as a decimal ("12.3", "-0.000001", "0"): every digit
 * needed, no trailing zero. buf must hold EWS_MONEY_TEXT_MAX bytes.
 */
EWS_API void ews_money_format(int64_t micro, char *buf);

/* ------------------------------------------------------------------ */
/* Tariffs                                                             */

enum { EWS_TARIFF_VERSION = 1 };

typedef struct ews_tariff {
	unsigned int version; /* EWS_TARIFF_VERSION */
	int64_t id;           /* set by the library */
	ews_commodity commodity;
	char name[EWS_NAME_MAX]; /* required, unique within the commodity */
	char color[8];           /* "#RRGGBB" */
} ews_tariff;

/** Defaults: no name, the next colour of a fixed palette. */
EWS_API ews_status ews_tariff_init(ews_tariff *t, unsigned int version,
				   ews_commodity commodity);

/**
 * Add a tariff; t->id is set.
 * @return EWS_OK; EWS_EINVAL (field named); EWS_EEXIST (name);
 *         EWS_ELIMIT (6th tariff of the commodity).
 */
EWS_API ews_status ews_site_tariff_add(ews_site *site, ews_tariff *t);

/** Rename or recolour tariff t->id (its commodity stays; an empty colour
 * keeps the one it has). */
EWS_API ews_status ews_site_tariff_update(ews_site *site,
					  const ews_tariff *t);

/** Read tariff `id`. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_tariff_get(ews_site *site, int64_t id,
				       ews_tariff *out);

/**
 * Erase a tariff and its prices.
 * @return EWS_OK; EWS_ENOTFOUND; EWS_EINUSE (a cost rule uses it).
 */
EWS_API ews_status ews_site_tariff_delete(ews_site *site, int64_t id);

/** Tariffs of a commodity (0: all), by commodity and id. */
EWS_API ews_status ews_site_tariff_list(ews_site *site,
					ews_commodity commodity,
					ews_list **out);
EWS_API const ews_tariff *ews_list_tariff(const ews_list *list, size_t i);

/* ------------------------------------------------------------------ */
/* Prices                                                              */

enum { EWS_PRICE_VERSION = 1 };

typedef struct ews_price {
	unsigned int version; /* EWS_PRICE_VERSION */
	int64_t id;           /* set by the library */
	int64_t tariff_id;
	/* Valid from this local date until the next price's. No date (year
	 * 0): valid from the beginning, before any dated price. */
	ews_date from;
	int64_t price_micro; /* per kWh or per m³, 0 or more */
} ews_price;

EWS_API ews_status ews_price_init(ews_price *p, unsigned int version);

/**
 * Add a price to a tariff; p->id is set.
 * @return EWS_OK; EWS_EINVAL; EWS_ENOTFOUND (tariff); EWS_EEXIST (a price
 *         with the same date, or a second one without a date);
 *         EWS_ELIMIT (6th price).
 */
EWS_API ews_status ews_site_price_add(ews_site *site, ews_price *p);

/** Erase price `id`. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_price_delete(ews_site *site, int64_t id);

/** Prices of a tariff (0: of every tariff), by tariff and date.
 * EWS_ENOTFOUND for a tariff that does not exist. */
EWS_API ews_status ews_site_price_list(ews_site *site, int64_t tariff_id,
				       ews_list **out);
EWS_API const ews_price *ews_list_price(const ews_list *list, size_t i);

/**
 * A flat price (TAR-4): the commodity gets the tariff "DEFAULT" with this
 * one undated price, and an always-valid rule at the end of its list
 * when none uses DEFAULT yet. Calling it again replaces the price.
 */
EWS_API ews_status ews_site_flat_price_set(ews_site *site,
					   ews_commodity commodity,
					   int64_t price_micro);

/* ------------------------------------------------------------------ */
/* Cost rules                                                          */

typedef enum ews_validity {
	EWS_VALID_ALWAYS = 0,
	EWS_VALID_DATE = 1,  /* one local date: `from` */
	EWS_VALID_PERIOD = 2 /* from .. to, both included */
} ews_validity;

/** Weekdays as bits: bit 0 Monday … bit 6 Sunday. */
enum { EWS_WEEKDAYS_ALL = 0x7f };

/** Minutes of a day, for time frames: 0 (00:00) to 1439 (23:59). */
enum { EWS_MINUTE_LAST = 1439 };

enum { EWS_COST_RULE_VERSION = 1 };

typedef struct ews_cost_rule {
	unsigned int version; /* EWS_COST_RULE_VERSION */
	int64_t id;           /* set by the library */
	ews_commodity commodity;
	unsigned int position; /* 1 is evaluated first; set by the library */
	int64_t tariff_id;     /* required */
	ews_validity validity;
	ews_date from, to;
	int every_year; /* the date or period without its year */
	/* Time frame: from the start of minute time_from to the end of
	 * minute time_to ("00:00-18:59" is up to 19:00). A frame with
	 * time_from > time_to crosses midnight. Each minute is judged by its
	 * own local date and weekday. */
	unsigned int time_from, time_to;
	unsigned int weekdays; /* EWS_WEEKDAYS_ALL: every day */
} ews_cost_rule;

/** Defaults: always valid, all day (00:00-23:59), every day. */
EWS_API ews_status ews_cost_rule_init(ews_cost_rule *r, unsigned int version,
				      ews_commodity commodity);

/**
 * Check a rule as ews_site_rule_add() would, without a site (the tariff
 * is not looked up): EWS_OK, or EWS_EINVAL naming the field and saying
 * why (from after to, no weekday, a date that is never one of the
 * weekdays, …).
 */
EWS_API ews_status ews_cost_rule_check(const ews_cost_rule *r);

/**
 * Add a rule at the end of its commodity's list; r->id and r->position
 * are set. Costs of the commodity are recomputed.
 * @return EWS_OK; EWS_EINVAL; EWS_ENOTFOUND (tariff); EWS_ELIMIT.
 */
EWS_API ews_status ews_site_rule_add(ews_site *site, ews_cost_rule *r);

/** Change rule r->id (its position and commodity stay). */
EWS_API ews_status ews_site_rule_update(ews_site *site,
					const ews_cost_rule *r);

/**
 * Move a rule one place up (delta -1) or down (+1).
 * @return EWS_OK; EWS_ENOTFOUND; EWS_EINVAL (already first or last).
 */
EWS_API ews_status ews_site_rule_move(ews_site *site, int64_t id, int delta);

/** Erase rule `id`. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_rule_delete(ews_site *site, int64_t id);

EWS_API ews_status ews_site_rule_get(ews_site *site, int64_t id,
				     ews_cost_rule *out);

/** Rules of a commodity (0: all), by commodity and position. */
EWS_API ews_status ews_site_rule_list(ews_site *site, ews_commodity commodity,
				      ews_list **out);
EWS_API const ews_cost_rule *ews_list_cost_rule(const ews_list *list,
						size_t i);

/** What applies at an instant (the manual's flashing active rule). */
typedef struct ews_tariff_now {
	int64_t rule_id;   /* 0: no rule is true */
	int64_t tariff_id; /* 0: no tariff */
	int has_price;     /* the tariff has a price on this date */
	int64_t price_micro;
} ews_tariff_now;

EWS_API ews_status ews_site_tariff_at(ews_site *site, ews_commodity commodity,
				      int64_t t_ms, ews_tariff_now *out);

/* ------------------------------------------------------------------ */
/* Costs                                                               */

/** Columns of a cost histogram: the tariffs, then "no tariff". */
enum { EWS_COST_COLUMNS = EWS_TARIFFS_MAX + 1 };

typedef struct ews_cost_bucket {
	int64_t start_ms;
	int32_t utc_offset_s;
	int64_t cost_micro; /* of the priced consumption */
	/* By column: consumption (thousandths of the unit, rounded to the
	 * nearest) and its cost (0 for "no tariff"). */
	int64_t value_milli[EWS_COST_COLUMNS];
	int64_t cost_micro_by[EWS_COST_COLUMNS];
} ews_cost_bucket;

typedef struct ews_cost_histogram {
	ews_scope_kind scope;
	int64_t scope_id;
	ews_commodity commodity;
	ews_period period;
	int32_t year;
	unsigned int month;
	unsigned int day;
	char currency[4];
	/* Column i is tariff tariff_id[i] (name, colour); the last column,
	 * tariff_id 0, is "no tariff". */
	size_t columns;
	int64_t tariff_id[EWS_COST_COLUMNS];
	char tariff_name[EWS_COST_COLUMNS][EWS_NAME_MAX];
	char tariff_color[EWS_COST_COLUMNS][8];
	size_t count;
	ews_cost_bucket buckets[EWS_HISTOGRAM_MAX];
	int64_t total_cost_micro;
	int64_t total_value_milli[EWS_COST_COLUMNS];
	int64_t total_cost_micro_by[EWS_COST_COLUMNS];
	int64_t previous_total_cost_micro;
	int has_previous;
} ews_cost_histogram;

/**
 * Costs of one scope, commodity and period, split by tariff (CON-4..8),
 * for the same query as ews_site_consumption().
 */
EWS_API ews_status ews_site_cost(ews_site *site,
				 const ews_consumption_query *q,
				 ews_cost_histogram *out);

/** The cost of one item of a split. */
typedef struct ews_scope_cost {
	ews_scope_kind scope; /* EWS_SCOPE_LOAD or EWS_SCOPE_GROUP */
	int64_t scope_id;
	int64_t total_cost_micro;          /* of the priced consumption */
	int64_t previous_total_cost_micro; /* the period before */
	int has_previous; /* the period before has recorded data */
} ews_scope_cost;

/**
 * The cost of each item of a split of the site (CON-3, CON-5, CON-8),
 * over q's period and the one before: item i of *out is the cost of
 * exactly the devices whose consumption item i of `split` totals. For a
 * load split these are the load's devices not excluded from totals, so
 * that the items' costs add up to the site's; for a group split, every
 * device of the group, as ews_site_cost() of the group gives. Each cost
 * is rounded once from its exact sum (as ews_site_cost() rounds), so the
 * items of a load split add up to the site's cost within a millionth per
 * item.
 * @param site the site.
 * @param q the query `split` was made with (ews_site_consumption_split()).
 * @param split a split (its items name the loads or groups).
 * @param out the costs, one per item of split, in its order.
 * @return EWS_OK; EWS_EINVAL (field named: "split" when it is not a
 *         split, or a field of q).
 * Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_cost_split(ews_site *site,
				       const ews_consumption_query *q,
				       const ews_list *split, ews_list **out);

/** Item i of a split's costs, or NULL. */
EWS_API const ews_scope_cost *ews_list_scope_cost(const ews_list *list,
						  size_t i);

EWS_END_DECLS
#endif /* EWS_TARIFF_H */
