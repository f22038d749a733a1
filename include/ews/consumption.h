#ifndef EWS_CONSUMPTION_H
#define EWS_CONSUMPTION_H
#include <ews/common.h>
#include <ews/quantity.h>
#include <ews/catalog.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/consumption.h
 * Consumption histograms of a site (CON-1..7, CON-9).
 *
 * Consumption is the difference of a device's cumulative counter between
 * recorded samples: active energy imported for electricity (Wh), volume
 * for gas and water (dm³). Every amount is an integer number of
 * thousandths of that unit (`_milli`: mWh, cm³), so sums are exact:
 * the hours of a span add up to the counter difference over the span.
 * The rules for jitter, resets, rollovers and gaps are in docs/consumption.md.
 *
 * Rollups are kept per device, load, measure group and for the site, by
 * local hour, day and month in the site's time zone, and are updated in
 * the transaction that stores the samples: a query reads at most ten
 * rows and never re-aggregates samples.
 */

/** What a histogram is about. */
typedef enum ews_scope_kind {
	EWS_SCOPE_SITE = 1,   /* every device not excluded from totals */
	EWS_SCOPE_DEVICE = 2, /* one device, physical or virtual */
	EWS_SCOPE_LOAD = 3,   /* the devices of one load */
	EWS_SCOPE_GROUP = 4   /* the devices of one measure group */
} ews_scope_kind;

/** "site", "device", "load", "group". NULL if unknown. */
EWS_API const char *ews_scope_kind_name(ews_scope_kind kind);
/** Scope kind with the given name. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_scope_kind_from_name(const char *name,
					    ews_scope_kind *out);

/** The span of a histogram and the size of its buckets. */
typedef enum ews_period {
	EWS_PERIOD_DAY = 1,   /* one local day, per hour (23, 24 or 25) */
	EWS_PERIOD_MONTH = 2, /* one month, per day */
	EWS_PERIOD_YEAR = 3,  /* one year, per month */
	EWS_PERIOD_DECADE = 4 /* ten years from a year ending in 0, per year */
} ews_period;

/** "day", "month", "year", "decade". NULL if unknown. */
EWS_API const char *ews_period_name(ews_period period);
/** Period with the given name. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_period_from_name(const char *name, ews_period *out);

/** Unit of a commodity's consumption: "Wh" or "dm3". NULL if unknown. */
EWS_API const char *ews_commodity_unit(ews_commodity commodity);

enum { EWS_CONSUMPTION_QUERY_VERSION = 1 };

typedef struct ews_consumption_query {
	unsigned int version; /* EWS_CONSUMPTION_QUERY_VERSION */
	ews_scope_kind scope;
	int64_t scope_id;      /* device, load or group ID; 0 for the site */
	ews_commodity commodity; /* 0: the device's own, else electricity */
	ews_period period;
	int32_t year;          /* a local date inside the period */
	unsigned int month;    /* 1..12 */
	unsigned int day;      /* 1..31 */
} ews_consumption_query;

/** Defaults: the site, electricity, one day (the date must be set). */
EWS_API ews_status ews_consumption_query_init(ews_consumption_query *q,
					      unsigned int version);

/** Most buckets of a histogram (a month's days). */
enum { EWS_HISTOGRAM_MAX = 31 };

typedef struct ews_bucket {
	int64_t start_ms;      /* UTC */
	int32_t utc_offset_s;  /* local offset east of UTC at start_ms */
	int64_t value_milli;   /* thousandths of the unit */
	int recorded;          /* some consumption was recorded in it */
	int estimated;         /* part of it is spread over a gap */
} ews_bucket;

typedef struct ews_histogram {
	ews_scope_kind scope;
	int64_t scope_id;
	ews_commodity commodity;
	ews_period period;
	int32_t year; /* first local day of the period */
	unsigned int month;
	unsigned int day;
	size_t count; /* buckets used */
	ews_bucket buckets[EWS_HISTOGRAM_MAX];
	int64_t total_milli;
	int estimated;            /* some bucket is estimated */
	int64_t previous_total_milli; /* the period before this one */
	int has_previous;         /* the period before has recorded data */
} ews_histogram;

/**
 * The histogram of one scope, commodity and period (CON-2, CON-5, CON-7).
 * A device's commodity is its model's; asking another is EWS_EINVAL.
 * @return EWS_OK; EWS_EINVAL (field named); EWS_ENOTFOUND (scope).
 */
EWS_API ews_status ews_site_consumption(ews_site *site,
					const ews_consumption_query *q,
					ews_histogram *out);

/** The total of one scope of a split. */
typedef struct ews_scope_total {
	ews_scope_kind scope;
	int64_t scope_id;
	char name[EWS_NAME_MAX];
	int64_t total_milli;
	int64_t previous_total_milli;
	int has_previous;
	int estimated;
} ews_scope_total;

/**
 * Totals of the query's period split per load (by = EWS_SCOPE_LOAD) or
 * per measure group (EWS_SCOPE_GROUP), for q->commodity. A load split of
 * the site counts only devices not excluded from totals, so that it adds
 * up to the site's total (CON-3); a group split counts every device
 * (CON-5). Only scopes with recorded data in the period or the one before
 * are listed, by id. Items: ews_list_scope_total().
 * Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_consumption_split(ews_site *site,
					      const ews_consumption_query *q,
					      ews_scope_kind by,
					      ews_list **out);

/** Item i of a split, or NULL. */
EWS_API const ews_scope_total *ews_list_scope_total(const ews_list *list,
						    size_t i);

/** The site's totals of every commodity for one period (CON-4). */
typedef struct ews_overall {
	int64_t electricity_milli_wh;
	int64_t gas_milli_dm3;
	int64_t gas_milli_kwh_equiv; /* gas × the site's gas factor */
	int gas_factor_set;          /* 0: no factor set, no equivalent */
	int64_t water_milli_dm3;
	int estimated;
} ews_overall;

/**
 * Site totals of electricity, gas (also as kWh-equivalent through the
 * setting "gas_factor_kwh_per_m3") and water in the period of q (its scope
 * and commodity are ignored).
 */
EWS_API ews_status ews_site_consumption_overall(ews_site *site,
						const ews_consumption_query *q,
						ews_overall *out);

/** The site's totals of a period and of the one before it (CON-4). */
typedef struct ews_overall_periods {
	ews_overall current;  /* q's period */
	ews_overall previous; /* yesterday, last month, last year, the
	                         previous decade */
	/* Something of the commodity was recorded in the period before;
	 * when not, its figures in `previous` are 0 and mean "no data". */
	int has_previous_electricity;
	int has_previous_gas;
	int has_previous_water;
} ews_overall_periods;

/**
 * The overall totals of q's period, as ews_site_consumption_overall()
 * gives them, and those of the period before it ("this month vs last
 * month", CON-4), read in one transaction. q's scope and commodity are
 * ignored.
 * @param site the site.
 * @param q the period: period, year, month, day.
 * @param out both periods' totals; all zero on failure.
 * @return EWS_OK; EWS_EINVAL (field named: "period", "date", ...).
 */
EWS_API ews_status ews_site_consumption_overall_periods(
	ews_site *site, const ews_consumption_query *q,
	ews_overall_periods *out);

/** Recorded values of a measured quantity in one bucket (CON-7). */
typedef struct ews_measure_bucket {
	int64_t start_ms;
	int32_t utc_offset_s;
	size_t count; /* samples in the bucket; 0: min/avg/max are 0 */
	double min;
	double avg; /* mean of the samples */
	double max;
} ews_measure_bucket;

typedef struct ews_measure_histogram {
	int64_t device_id;
	ews_quantity quantity;
	unsigned int order;
	ews_period period;
	int32_t year;
	unsigned int month;
	unsigned int day;
	size_t count;
	ews_measure_bucket buckets[EWS_HISTOGRAM_MAX];
} ews_measure_histogram;

/**
 * Min, mean and max of the recorded samples of one quantity of a device
 * per bucket of q's period (q->scope must be EWS_SCOPE_DEVICE).
 * @return EWS_OK; EWS_EINVAL; EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_measure_histogram(ews_site *site,
					      const ews_consumption_query *q,
					      ews_quantity quantity,
					      unsigned int order,
					      ews_measure_histogram *out);

EWS_END_DECLS
#endif /* EWS_CONSUMPTION_H */
