#ifndef EWS_SITE_PRIVATE_H
#define EWS_SITE_PRIVATE_H
#include <sqlite3.h>

#include <ews/site.h>

/*
 * The site owns the configuration database. Only the site-*.c files talk
 * SQL; they share the small helpers below so that every statement binds its
 * parameters (never string-built SQL) and every SQLite failure becomes an
 * ews_status with sqlite3_errmsg() in the detail.
 */
/* Statements of the hot paths (samples, rollups), prepared once. */
enum ews__stmt {
	EWS__STMT_BLOCK_RUN,
	EWS__STMT_BLOCK_RANGE,
	EWS__STMT_BLOCK_PUT,
	EWS__STMT_TAIL_GET,
	EWS__STMT_TAIL_PUT,
	EWS__STMT_SERIES_ID,
	EWS__STMT_SERIES_TAIL,
	EWS__STMT_ROLLUP_GET,
	EWS__STMT_ROLLUP_PUT,
	EWS__STMT_ROLLUP_SUB,
	EWS__STMT_ROLLUP_RANGE,
	EWS__STMT_SETTING_TZ,
	EWS__STMT_DEVICE_SCOPES,
	EWS__STMT_PENDING_GET,
	EWS__STMT_DATA_VERSION,
	EWS__STMT_BEGIN_READ,
	EWS__STMT_END_READ,
	EWS__STMT_COST_STAMP,
	EWS__STMT_SETTING_GET,
	EWS__STMT_COUNT_
};

struct ews__tz;
struct ews__scope_cache;
struct ews__plan_cache;

struct ews_site {
	sqlite3 *db;
	sqlite3_stmt *stmts[EWS__STMT_COUNT_];
	struct ews__tz *tz; /* the zone of tz_name, loaded on first use */
	char tz_name[64];
	uint64_t tz_serial;     /* bumped whenever tz is loaded */
	int64_t others_load_id; /* the built-in "Others" load, 0 until read */
	/* Bumped by every ews__site_end(): caches of what a transaction read
	 * (rollup-scope.c) are valid only for the generation they were
	 * filled in. */
	uint64_t generation;
	/* Bumped by this handle's changes to devices and Green'Up's setup:
	 * with PRAGMA data_version (other handles' commits), it tells the
	 * running loop to read its setup again. */
	uint64_t config_serial;
	struct ews__scope_cache *scope_cache;
	struct ews__plan_cache *plan_cache; /* cost.h */
	char *dir;
	ews_catalog *catalog;
	int schema_version;
	int created_file; /* site.db made by this open (EWS_SITE_EXCL) */
};

/* Record a SQLite failure and return EWS_EBUSY, EWS_ENOMEM or EWS_EIO. */
ews_status ews__site_db_fail(ews_site *site, int rc);

/* BEGIN IMMEDIATE: one writer at a time, validated against fresh state. */
ews_status ews__site_begin(ews_site *site);

/* A read transaction: every row a query reads comes from one snapshot,
 * and SQLite takes its file lock once instead of once per statement.
 * read_end returns st, or the failure to end. */
ews_status ews__site_read_begin(ews_site *site);
ews_status ews__site_read_end(ews_site *site, ews_status st);

/* Commit when st is EWS_OK, roll back otherwise; returns the outcome.
 * The last error of a refused change is kept intact by the rollback. */
ews_status ews__site_end(ews_site *site, ews_status st);

/* The cached statement `id` (prepared from `sql` on first use), reset
 * and unbound: the caller binds, steps and resets it. */
ews_status ews__site_cached(ews_site *site, enum ews__stmt id, const char *sql,
                            sqlite3_stmt **out);

/* Prepare one statement. */
ews_status ews__site_prepare(ews_site *site, const char *sql,
                             sqlite3_stmt **out);

/*
 * Bind parameters described by `types` (one letter each: 'i' int64_t,
 * 'u' unsigned int, 's' const char *, 'd' double, 'n' int64_t stored as
 * NULL when 0) and run. ews__site_exec expects no row; ews__site_scalar
 * reads the first column of the first row into *out (EWS_ENOTFOUND when
 * there is no row).
 */
ews_status ews__site_exec(ews_site *site, const char *sql, const char *types,
                          ...);
ews_status ews__site_scalar(ews_site *site, int64_t *out, const char *sql,
                            const char *types, ...);

/* Read the current row of `st` into `item`, a record of the list's kind. */
typedef ews_status (*ews__row_reader)(ews_site *site, sqlite3_stmt *st,
                                      void *item);

/*
 * Run `sql` with its parameters (as ews__site_exec) and collect every row,
 * read by `read`, in a new list of `kind` with items of `item_size` bytes.
 * Owned: release *out with ews_list_free().
 */
ews_status ews__site_select(ews_site *site, int kind, size_t item_size,
                            ews__row_reader read, ews_list **out,
                            const char *sql, const char *types, ...);

/* The one row of `sql` (one id parameter) read into *out, an item of the
 * list kind; EWS_ENOTFOUND naming field `what` ("<what> <id> does not
 * exist") when there is none. */
ews_status ews__site_select_one(ews_site *site, int kind, size_t item_size,
                                ews__row_reader read, void *out,
                                const char *what, const char *sql, int64_t id);

/* The first column of the row of a cached statement with one integer
 * parameter; *found 0 (and *out untouched) when there is no row. */
ews_status ews__site_lookup(ews_site *site, enum ews__stmt id, const char *sql,
                            int64_t key, int64_t *out, int *found);

/* The manual's four default users (USR-1), in a new or migrated site. */
ews_status ews__user_seed(ews_site *site);

/* PRAGMA data_version: changes when another handle commits. */
ews_status ews__site_data_version(ews_site *site, int64_t *out);

/* Copy a text column into a fixed buffer ("" for NULL). */
void ews__site_column_text(sqlite3_stmt *st, int col, char *dst, size_t size);

/* Record lists. */
enum ews__list_kind {
	EWS__LIST_GATEWAY = 1,
	EWS__LIST_DEVICE = 2,
	EWS__LIST_CATEGORY = 3,
	EWS__LIST_READING = 4,
	EWS__LIST_EVENT = 5,
	EWS__LIST_POLL_RESULT = 6,
	EWS__LIST_SERIES = 7,
	EWS__LIST_SCOPE_TOTAL = 8,
	EWS__LIST_DEVICE_SCOPES = 9,
	EWS__LIST_TARIFF = 10,
	EWS__LIST_PRICE = 11,
	EWS__LIST_RULE = 12,
	EWS__LIST_USER = 13,
	EWS__LIST_SCOPE_COST = 14
};
ews_list *ews__list_new(enum ews__list_kind kind, size_t item_size);
ews_status ews__list_push(ews_list *list, const void *item);
/* Drop the items from index len on (len <= current length). */
void ews__list_truncate(ews_list *list, size_t len);
const void *ews__list_at(const ews_list *list, enum ews__list_kind kind,
                         size_t i);

/* Checks of a struct's version field; record EWS_EINVAL on failure. */
ews_status ews__check_version(unsigned int version, unsigned int known,
                              const char *what);

/* Settings defaults written into a new site (site-settings.c). */
ews_status ews__site_settings_seed(ews_site *site, const char *timezone);

/* Look up a category of a given kind; EWS_ENOTFOUND names `field`. */
ews_status ews__site_category_expect(ews_site *site, int64_t id,
                                     ews_category_kind kind, const char *field,
                                     ews_category *out);

/* The built-in load of an origin (gas or water). */
ews_status ews__site_builtin_load(ews_site *site, ews_category_origin origin,
                                  int64_t *out);

/* EWS_EINUSE when the device is Green'Up's total meter (evse-setup.c). */
/* The device is an EV charging station (EWS_EINVAL naming "device"). */
ews_status ews__evse_check_station(ews_site *site, int64_t id);
struct ews_model;
int ews__evse_is_station(const struct ews_model *m);

ews_status ews__evse_device_in_use(ews_site *site, int64_t device_id);
/* After a device changed: EWS_EINVAL when it is Green'Up's total meter
 * and no longer measures every phase's current. */
ews_status ews__evse_device_changed(ews_site *site, int64_t device_id);

/* Validation helpers (validate.c): pure, they only record the error. */
/* A fixed text buffer of the caller's struct must hold its NUL. */
ews_status ews__check_terminated(const char *field, const char *buf,
                                 size_t size);
ews_status ews__check_name(const char *field, const char *name, int required);
ews_status ews__check_text(const char *field, const char *text);
ews_status ews__check_ip(const char *field, const char *ip);
ews_status ews__check_timezone(const char *field, const char *zone);
ews_status ews__check_currency(const char *field, const char *code);
ews_status ews__parse_decimal(const char *field, const char *text, double min,
                              double max, double *out);
ews_status ews__parse_uint(const char *field, const char *text,
                           unsigned int min, unsigned int max,
                           unsigned int *out);

#endif /* EWS_SITE_PRIVATE_H */
