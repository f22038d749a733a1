#ifndef EWS_SHAPES_H
#define EWS_SHAPES_H

/*
 * The JSON shapes of the frontends: one function an object, written
 * through a jw writer (jw.h), so that `ews --json` and ewsd give the same
 * objects. A shape_*(j, const void *obj) function fits the CLI's list
 * printers (jw_fn); obj is the ews type named in its comment. The
 * *_text() helpers give the text of a field, for the frontends' text
 * output to agree with the JSON.
 */

#include <stddef.h>
#include <stdint.h>

#include <ews/ews.h>

#include "jw.h"

/* ------------------------------------------------------------------ */
/* Text of fields                                                      */

/* t_ms as ISO 8601 local time with its offset (ews_time_format), into
 * buf of EWS_TIME_TEXT_MAX bytes; in UTC, or as a number, when that
 * cannot be written. */
const char *shape_time_text(int64_t t_ms, int32_t utc_offset_s, char *buf);
/* "YYYY-MM-DD", or NULL for no date (year 0); buf: 16 bytes. */
const char *shape_date_text(const ews_date *d, char *buf, size_t size);
/* "site" or "kind:ID" (a histogram's scope); buf: 48 bytes. */
const char *shape_scope_text(ews_scope_kind kind, int64_t id, char *buf,
                             size_t size);
/* "voltage_ln_l1", or "harmonic_voltage_l1:3" with its order. */
const char *shape_quantity_text(ews_quantity q, unsigned int order, char *buf,
                                size_t size);
/* "mon" ... "sun": the days of a cost rule, bit 0 first. */
extern const char *const shape_weekday[7];
/* "always", "date", "period". */
const char *shape_validity_name(ews_validity v);
/* A cost rule's time frame, "HH:MM-HH:MM"; buf: 16 bytes. */
const char *shape_rule_time_text(const ews_cost_rule *r, char *buf,
                                 size_t size);

/* ------------------------------------------------------------------ */
/* Site: shape-site.c                                                  */

/* An ews_gateway. */
void shape_gateway(struct jw *j, const void *gw);
/* A device and its communication status. */
void shape_device(struct jw *j, const ews_device *d, ews_device_status status);
/* The custom label of an input or output of a device. */
void shape_label(struct jw *j, int64_t device_id, ews_io_kind kind,
                 unsigned int number, const char *label);
/* An ews_category: a load, a measure group or a panel board. */
void shape_category(struct jw *j, const void *cat);
/* An ews_model, as an item of `catalog list` (without its registers). */
void shape_model(struct jw *j, const void *model);
/* A model with "registers": its register map, or null when unknown. */
void shape_model_full(struct jw *j, const ews_model *m);
/* The problems of a catalogue: an array of strings. */
void shape_catalog_problems(struct jw *j, const ews_catalog *cat);
/* Settings as one object, name -> value (a string). */
void shape_settings(struct jw *j, const char *const *names,
                    const char *const *values, size_t n);

/* ------------------------------------------------------------------ */
/* Acquisition: shape-acq.c                                            */

/* An ews_reading: device_id, quantity, order, t_ms, time, value, unit. */
void shape_reading(struct jw *j, const void *reading);
/* An ews_test_result: a device or gateway test, or a write. */
void shape_test_result(struct jw *j, const void *result);
/* An ews_poll_result: one device's outcome in a poll. */
void shape_poll_result(struct jw *j, const void *result);
/* A poll: {"t_ms", "devices": [poll results], "readings": [readings]}. */
void shape_poll(struct jw *j, int64_t t_ms, const ews_list *results,
                const ews_list *readings);
/* The outcome of a samples import: {"path", "lines", "samples"}. */
void shape_import(struct jw *j, const char *path, const ews_import_result *res);
/* An ews_event_entry: a change of device status, with the names of its
 * device and gateway (null when deleted). */
void shape_event(struct jw *j, const void *entry);

/* ------------------------------------------------------------------ */
/* Consumption: shape-consumption.c                                    */

/* A histogram; with the costs of ch unless it is NULL. */
void shape_histogram(struct jw *j, const ews_histogram *h,
                     const ews_cost_histogram *ch);
/* The totals of a split, an array; costs: the cost of each item
 * (ews_site_cost_split() of split), or NULL. */
void shape_split(struct jw *j, const ews_list *split, const ews_list *costs);
/* `ews consumption`: a histogram, with "split" unless split is NULL. */
void shape_consumption(struct jw *j, const ews_histogram *h,
                       const ews_cost_histogram *ch, const ews_list *split,
                       const ews_list *costs);
/* Two histograms: {"a": histogram, "b": histogram}; ca, cb as ch. */
void shape_compare(struct jw *j, const ews_histogram *ha,
                   const ews_histogram *hb, const ews_cost_histogram *ca,
                   const ews_cost_histogram *cb);

/* The site's cost of each commodity in a period and in the one before. */
struct shape_overall_costs {
	char currency[4];
	int64_t micro[3]; /* electricity, gas, water */
	int64_t total;
	int64_t previous_micro[3]; /* the period before, by commodity */
	int has_previous[3];       /* it has recorded data */
	int64_t previous_total;    /* of the commodities with data */
};

/* Fill *out from ews_site_cost() of the site for each commodity, in q's
 * period (q's scope and commodity are ignored). */
ews_status shape_overall_costs_get(ews_site *site,
                                   const ews_consumption_query *q,
                                   struct shape_overall_costs *out);

/* The site's totals in a period and the one before; start: its first
 * local instant (or NULL); with costs unless it is NULL. */
void shape_overall(struct jw *j, ews_period period, const char *start,
                   const ews_overall_periods *ov,
                   const struct shape_overall_costs *costs);
/* Minimum, mean and maximum of a quantity per bucket. */
void shape_measures(struct jw *j, const ews_measure_histogram *m);

/* ------------------------------------------------------------------ */
/* Tariffs: shape-tariff.c                                             */

/* A tariff with its prices: those of prices (every price of the site,
 * or NULL for none) whose tariff is t. */
void shape_tariff(struct jw *j, const ews_tariff *t, const ews_list *prices);
/* An ews_price. */
void shape_price(struct jw *j, const void *price);
/* What applies at t_ms for a commodity: position is the rule's (when
 * now->rule_id), tariff the tariff's name (when now->tariff_id). */
void shape_tariff_now(struct jw *j, ews_commodity commodity, int64_t t_ms,
                      const ews_tariff_now *now, unsigned int position,
                      const char *tariff);
/* A cost rule and the name of its tariff. */
void shape_rule(struct jw *j, const ews_cost_rule *r, const char *tariff);

/* ------------------------------------------------------------------ */
/* Green'Up: shape-evse.c                                              */

/* The site's Green'Up setup (`ews evse config show --json`). */
void shape_evse_setup(struct jw *j, const ews_evse_setup *s);
/* A station's settings: {"id", "priority", "rated_a", "plug_enabled"}. */
void shape_evse_station(struct jw *j, int64_t device_id,
                        const ews_evse_station_setup *s);
/* The status the loop stored, every station in full; now_ms gives
 * "age_s". */
void shape_evse_status(struct jw *j, const ews_evse_status *s, int64_t now_ms);
/* One step of the loop (`ews evse run`), brief; with a file writer, set
 * j->compact for one line. */
void shape_evse_step(struct jw *j, const ews_evse_status *s);
/* The loop's statistics at its end: {"summary": {...}}. */
void shape_evse_summary(struct jw *j, const ews_greenup_stats *st);

/* ------------------------------------------------------------------ */
/* Lists: list-at.c                                                    */

/* Item i of a typed libews list, as the printers take it. */
typedef const void *shape_at_fn(const ews_list *list, size_t i);
const void *shape_at_gateway(const ews_list *list, size_t i);
const void *shape_at_category(const ews_list *list, size_t i);
const void *shape_at_reading(const ews_list *list, size_t i);
const void *shape_at_poll_result(const ews_list *list, size_t i);
/* An event list's ews_event_entry. */
const void *shape_at_event(const ews_list *list, size_t i);
const void *shape_at_price(const ews_list *list, size_t i);
/* Every item of a list as a JSON array of fn's shape. */
void shape_list(struct jw *j, const ews_list *list, shape_at_fn *at, jw_fn *fn);

#endif /* EWS_SHAPES_H */
