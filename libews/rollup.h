#ifndef EWS_ROLLUP_H
#define EWS_ROLLUP_H
#include <stdint.h>

#include <ews/consumption.h>

#include "series.h"
#include "site-private.h"
#include "tz.h"

/*
 * Consumption rollups (schema 3, table `rollup`): one row per scope,
 * commodity, level and local period, holding one slot per bucket:
 *   day rows   (key: local days since 1970-01-01) - 25 hour slots,
 *   month rows (key: year × 12 + month - 1)       - 31 day slots,
 *   year rows  (key: year)                        - 12 month slots.
 * A device's month and year rows may lag by one day, its pending day
 * (table rollup_pending): a sweep then writes one row per device (today's)
 * instead of three, and the day is folded into the month and year rows
 * when a later day begins. Queries add the pending day's row.
 * A slot keeps the consumption, the number of interval pieces in it and
 * how many of those are estimated; all three add up, so removing an
 * interval is adding it with the opposite sign, and a scope's rows are
 * exactly the sums of its devices' rows.
 */
enum { EWS__LEVEL_DAY = 0, EWS__LEVEL_MONTH = 1, EWS__LEVEL_YEAR = 2 };
enum { EWS__SLOTS = 31, EWS__DAY_SLOTS = 25 };

/* The load split of the site's total: a load's devices that are not
 * excluded from totals (CON-3). */
enum { EWS__SCOPE_TOTAL_LOAD = 5 };

typedef struct ews__slot {
	int64_t value_milli;
	int64_t pieces;
	int64_t estimated;
} ews__slot;

/* Scope, kind and commodity in one integer key. */
int64_t ews__scope_key(int kind, int64_t id, ews_commodity commodity);

/* Is this the key of a device's own rows? */
int ews__scope_is_device(int64_t scope);

/* Add one slot to another; the sum of n slots to *to. */
void ews__slot_add(ews__slot *to, const ews__slot *from);
void ews__slots_add_sum(ews__slot *to, const ews__slot *from, size_t n);

/* Counts that some history can give: none negative, no more estimated
 * pieces than pieces, no consumption without pieces. */
int ews__slots_valid(const ews__slot *s, size_t n);

/* A change of a row (rollup-codec.c): each changed slot's index and
 * zigzag changes. */
size_t ews__rollup_encode_delta(const ews__slot *slots, size_t n, uint8_t *buf);

/* Change sets are written when they hold this many rows (~50 MB). */
enum { EWS__ROWS_PER_APPLY = 65536 };

/* Slots of a level's rows. */
size_t ews__level_slots(int level);

/* Rollup row codec (pure). decode zeroes the n slots first. */
size_t ews__rollup_encode(const ews__slot *slots, size_t n, uint8_t *buf);
ews_status ews__rollup_decode(const uint8_t *buf, size_t len, ews__slot *slots,
                              size_t n);

/* Read one stored row (all zero when missing); *found says if it was. */
ews_status ews__rollup_read(ews_site *site, int64_t scope, int level,
                            int64_t key, ews__slot *slots, int *found);

/* The same with its cost columns (cost.h), n × 6, by the plan of its
 * commodity: all zero when it has none. */
struct ews__plan;
ews_status ews__rollup_read_costed(ews_site *site, const struct ews__plan *plan,
                                   int64_t scope, int level, int64_t key,
                                   ews__slot *slots, int64_t (*cost)[6],
                                   int *found);

#define EWS__NO_PENDING_DAY INT64_MIN

/* The pending day of a device's scope key (EWS__NO_PENDING_DAY: none). */
ews_status ews__rollup_pending_read(ews_site *site, int64_t scope,
                                    int64_t *day);

/* Where a device's consumption goes. */
enum { EWS__SCOPES_MAX = 10 };
typedef struct ews__device_scopes {
	int64_t device_id;
	int exists;              /* the device is in the configuration */
	ews_commodity commodity; /* 0: the device has no counter we roll up */
	ews_quantity counter;    /* its counter quantity */
	int64_t range_milli;     /* counter modulus, 0 if unknown */
	int pending_known;       /* pending_day is what is stored */
	int64_t pending_day;     /* EWS__NO_PENDING_DAY: none */
	size_t n;
	int64_t key[EWS__SCOPES_MAX]; /* key[0] is the device's own */
} ews__device_scopes;

ews_status ews__device_scopes_get(ews_site *site, int64_t device_id,
                                  ews__device_scopes *out);

/*
 * A sweep looks up the same devices every time: between configuration
 * changes, ews__device_scopes_get() answers from a cache. begin: check it
 * against the generation of this handle and the data version of the
 * database (another process's change), at the start of a samples
 * transaction. keep: after that transaction ends, which changed no
 * configuration, the cache stays valid. free: at close.
 */
ews_status ews__scope_cache_begin(ews_site *site);
void ews__scope_cache_keep(ews_site *site);
void ews__scope_cache_free(ews_site *site);
/* The series of a device's quantity and its tail (last block), as the
 * last samples transaction left them; NULL when not cached. put: after
 * the series was stored. Valid like the scopes (begin/keep above). */
const ews__tail_entry *ews__tail_cache_get(ews_site *site, int64_t device_id,
                                           ews_quantity q, unsigned int order);
void ews__tail_cache_put(ews_site *site, const ews__tail_entry *e);

/* A device's pending day, as a change set stored it. */
void ews__scope_cache_note_pending(ews_site *site, int64_t device_id,
                                   int64_t day);

/* The site's time zone, loaded once and again when the setting changes. */
ews_status ews__site_tz(ews_site *site, const ews__tz **out);

/* Local calendar of the site's zone. */
int64_t ews__local_day(const ews__tz *tz, int64_t t_ms);
int64_t ews__local_day_start_ms(const ews__tz *tz, int64_t day);

/* A set of row changes, written by ews__rollup_apply(). */
typedef struct ews__rollup ews__rollup;

ews_status ews__rollup_new(ews_site *site, ews__rollup **out);
void ews__rollup_free(ews__rollup *r);

/*
 * Spread the consumption of a device from t0 to t1 over its hour slots,
 * in proportion to time, for every scope of `scopes`; sign -1 removes an
 * interval added before. The interval is estimated when the counter rule
 * says so or when it covers a whole hour with no sample (a gap).
 */
ews_status ews__rollup_interval(ews__rollup *r,
                                const ews__device_scopes *scopes, int64_t t0_ms,
                                int64_t t1_ms, int64_t delta_milli,
                                int estimated, int sign);

/* Add the intervals of consecutive samples of `run`, with sign. */
ews_status ews__rollup_samples(ews__rollup *r, const ews__device_scopes *scopes,
                               const ews__sample *s, size_t n, int sign);

/* Add a whole stored row to another scope's, with sign; cost: its cost
 * columns (cost.h), or NULL. */
ews_status ews__rollup_add_row(ews__rollup *r, int64_t scope, int level,
                               int64_t key, const ews__slot *slots,
                               const int64_t (*cost)[6], int sign);

/* Register the SQL function the rollup writes use, on a new connection. */
int ews__rollup_register(sqlite3 *db);

/* Fold the pending day of a device into its month and year rows, in the
 * change set: afterwards all its rows are complete (before a rescope). */
ews_status ews__rollup_settle(ews__rollup *r, const ews__device_scopes *scopes);

/* Rows held in the change set. */
size_t ews__rollup_rows(const ews__rollup *r);

/* Write every changed row; the set is empty again after. */
ews_status ews__rollup_apply(ews__rollup *r);

/* A device's rollups move from the scopes `before` to `after` (its load,
 * groups or "exclude from totals" changed, or it was deleted). */
ews_status ews__rollup_rescope(ews_site *site, const ews__device_scopes *before,
                               const ews__device_scopes *after);

/* Drop every rollup and derive them again from the samples. */
ews_status ews__rollup_rebuild(ews_site *site);

#endif /* EWS_ROLLUP_H */
