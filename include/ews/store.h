#ifndef EWS_STORE_H
#define EWS_STORE_H
#include <ews/common.h>
#include <ews/quantity.h>
#include <ews/acq.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/store.h
 * Recorded readings (samples) and device status events of a site (ACQ-2,
 * ACQ-4), kept in the site database next to the configuration.
 *
 * A sample is one reading stored: device, quantity (and harmonic order),
 * UTC time in milliseconds, value in the canonical unit. A failed read
 * stores nothing for its quantities: there is never a 0 in place of a
 * missing value.
 */

/** Communication status of a device (ACQ-4). */
typedef enum ews_device_status {
	EWS_DEVICE_UNKNOWN = 0,        /* not polled since it was added */
	EWS_DEVICE_ON = 1,             /* answered its last poll */
	EWS_DEVICE_OFF = 2,            /* switched OFF (or its gateway) */
	EWS_DEVICE_COMM_ERROR = 3,     /* last poll: no answer or I/O error */
	EWS_DEVICE_STATION_FAILURE = 4 /* an EV station reports a fault */
} ews_device_status;

/** Stable names: "unknown", "on", "off", "comm_error",
 * "station_failure". NULL if unknown. */
EWS_API const char *ews_device_status_name(ews_device_status status);

/**
 * Store readings in one transaction: all or none. A reading that repeats
 * (device, quantity, order, t_ms) replaces the stored value.
 * @return EWS_OK; EWS_EINVAL (a value that is not finite, an unknown
 *         quantity, a device that does not exist: nothing is stored);
 *         EWS_EIO; EWS_EBUSY.
 */
EWS_API ews_status ews_site_samples_add(ews_site *site,
                                        const ews_reading *readings,
                                        size_t count);

enum { EWS_SAMPLE_QUERY_VERSION = 1 };

typedef struct ews_sample_query {
	unsigned int version;  /* EWS_SAMPLE_QUERY_VERSION */
	int64_t device_id;     /* 0: every device */
	ews_quantity quantity; /* EWS_Q_NONE: every quantity */
	int64_t from_ms;       /* inclusive */
	int64_t to_ms;         /* exclusive; 0: no upper bound */
	size_t limit;          /* 0: no limit */
} ews_sample_query;

/** Defaults: everything, no bounds. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_sample_query_init(ews_sample_query *q,
                                         unsigned int version);

/**
 * Samples matching a query, by device, quantity, order, then time.
 * Items are ews_reading (read them with ews_list_reading()).
 * @return EWS_OK; EWS_EINVAL. Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_sample_list(ews_site *site,
                                        const ews_sample_query *q,
                                        ews_list **out);

/** A change of a device's status, recorded as an event (ACQ-4, NOT-4). */
typedef struct ews_event {
	int64_t id;
	int64_t t_ms;
	int64_t device_id;
	int64_t gateway_id;
	ews_device_status old_status;
	ews_device_status new_status;
	char reason[EWS_TEXT_MAX]; /* e.g. "timeout after 1000 ms" */
} ews_event;

/**
 * Set a device's status at now_ms; a change is recorded as an event with
 * the reason, the same status again records nothing.
 * @return EWS_OK; EWS_ENOTFOUND; EWS_EINVAL (status, reason).
 */
EWS_API ews_status ews_site_device_set_status(ews_site *site, int64_t id,
                                              ews_device_status status,
                                              const char *reason,
                                              int64_t now_ms);

/** Current status of a device. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_device_status(ews_site *site, int64_t id,
                                          ews_device_status *out);

/**
 * Events with from_ms <= t_ms < to_ms (to_ms 0: no bound), oldest first.
 * Its items are ews_event_entry too: see ews_site_event_query().
 * Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_event_list(ews_site *site, int64_t from_ms,
                                       int64_t to_ms, ews_list **out);

/** Event i of an event list, or NULL. */
EWS_API const ews_event *ews_list_event(const ews_list *list, size_t i);

enum { EWS_EVENT_QUERY_VERSION = 1 };

/**
 * Which events, in which order (ews_site_event_query()). The log's order
 * is by time, then by id (the order recorded): ids do not follow time
 * when the clock was set back.
 */
typedef struct ews_event_query {
	unsigned int version;  /* EWS_EVENT_QUERY_VERSION */
	int64_t from_ms;       /* inclusive */
	int64_t to_ms;         /* exclusive; 0: no upper bound */
	int64_t device_id;     /* 0: every device */
	unsigned int statuses; /* new statuses, a bit (1u << status) each;
	                          0: every status */
	int latest;            /* only the latest matching event of each
	                          device */
	int newest_first;      /* 0: oldest first */
	int64_t before_id;     /* only events before this one in the log's
	                          order (a page's cursor); 0: none */
	int64_t after_id;      /* only events after this one; 0: none */
	size_t limit;          /* 0: no limit */
} ews_event_query;

/** Defaults: every event, oldest first. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_event_query_init(ews_event_query *q,
                                        unsigned int version);

enum { EWS_EVENT_ENTRY_VERSION = 1 };

/**
 * An event as the log shows it: with the name and Modbus address of its
 * device and the name of its gateway as they are now. Events outlive
 * their device and gateway: a deleted one has no name (""); names are
 * never empty otherwise.
 * Fields are only ever appended; `version` says which are filled.
 */
typedef struct ews_event_entry {
	unsigned int version; /* EWS_EVENT_ENTRY_VERSION of the library */
	ews_event event;
	char device_name[EWS_NAME_MAX];  /* "": the device was deleted */
	unsigned int device_address;     /* its Modbus address (0: deleted) */
	char gateway_name[EWS_NAME_MAX]; /* "": the gateway was deleted */
} ews_event_entry;

/**
 * Events matching a query, in the log's order or, with newest_first, the
 * other way. Filters apply first (times, device, statuses; with `latest`
 * each device's latest event of those), then before_id / after_id, then
 * the order and limit: a page goes on from the last event of the one
 * before it, passed as before_id (newest first) or after_id (oldest
 * first). Items are ews_event_entry (ews_list_event_entry());
 * ews_list_event() reads them too. A device id that has no events is an
 * empty list.
 * @param q  NULL: every event, oldest first.
 * @return EWS_OK; EWS_EINVAL (version, a status bit, a negative id:
 *         field "version", "statuses", "device_id", "before_id" or
 *         "after_id"); EWS_ENOTFOUND (before_id or after_id is no
 *         event, named). Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_site_event_query(ews_site *site,
                                        const ews_event_query *q,
                                        ews_list **out);

/** Entry i of an event list (of ews_site_event_query() or
 * ews_site_event_list()), or NULL. Borrowed: valid until the list is
 * freed. */
EWS_API const ews_event_entry *ews_list_event_entry(const ews_list *list,
                                                    size_t i);

/** Outcome of ews_site_samples_import(). */
typedef struct ews_import_result {
	size_t lines;      /* lines read, the header included */
	size_t samples;    /* readings stored (0 when a line is refused) */
	size_t error_line; /* the refused line, 1-based (header: 1); 0: none */
} ews_import_result;

/** Longest line of an import file, in bytes without its line end. */
enum { EWS_IMPORT_LINE_MAX = 1024 };

/**
 * Import samples from a CSV file, e.g. history migrated from another
 * system. The first line is exactly `device,timestamp,quantity,value`
 * (a UTF-8 byte order mark before it and CRLF line ends are accepted);
 * every other line is one sample:
 * - device: the numeric ID of a device of the site;
 * - timestamp: ISO 8601 with `Z` or an offset (ews_time_parse()), or whole
 *   unix seconds;
 * - quantity: a stable quantity name (ews_quantity_from_name()), with
 *   `:ORDER` (2-63) for the harmonic quantities and only for them;
 * - value: a decimal number in the canonical unit of the quantity, '.' as
 *   the decimal point in any locale, an exponent allowed ("1.5e3").
 * Blank lines may end the file. Nothing is stored unless every line is
 * good: then all samples are stored in one transaction, as
 * ews_site_samples_add() does, which replaces samples of equal keys, so
 * importing a file twice changes nothing.
 * @param out  always filled; on a refused line out->error_line names it.
 * @return EWS_OK; EWS_EINVAL for a refused line (field "header", "line",
 *         "device", "timestamp", "quantity" or "value"; the message starts
 *         with "line N: "); EWS_EIO (file or database); EWS_EBUSY;
 *         EWS_ENOMEM.
 */
EWS_API ews_status ews_site_samples_import(ews_site *site, const char *path,
                                           ews_import_result *out);

/* ------------------------------------------------------------------ */
/* The database (SYS-3)                                                */

enum { EWS_SITE_INFO_VERSION = 2 };

typedef struct ews_site_info {
	unsigned int version; /* EWS_SITE_INFO_VERSION */
	int schema_version;
	int64_t db_bytes;          /* site.db */
	int64_t wal_bytes;         /* site.db-wal */
	int64_t free_bytes;        /* free space of the site's file system */
	int checked;               /* health was checked (PRAGMA quick_check) */
	char health[EWS_TEXT_MAX]; /* "ok", or the first problem found */
	/* version 2 */
	int64_t unused_bytes; /* pages of site.db no table uses (free list) */
	int optimize_advised; /* ews_site_optimize() would help: see there */
} ews_site_info;

/**
 * Sizes, free space and, with `check`, the database's health
 * (PRAGMA quick_check: reads the whole file, seconds on a large site).
 * Only the fields of out->version are written (version 1: up to
 * `health`).
 *
 * Optimizing is advised (version 2) when unused pages make up a quarter
 * of the database or more, and at least 1 MiB (data deleted, the
 * rollups rebuilt after a time zone change, an old schema migrated), or
 * when site.db-wal has grown to 64 MiB or more (a checkpoint could not
 * finish, so the log is no longer reused from its start).
 * @return EWS_OK; EWS_EINVAL (version); EWS_EIO.
 */
EWS_API ews_status ews_site_info_get(ews_site *site, int check,
                                     ews_site_info *out);

enum { EWS_OPTIMIZE_OPTS_VERSION = 1 };

typedef struct ews_optimize_opts {
	unsigned int version;     /* EWS_OPTIMIZE_OPTS_VERSION */
	unsigned int wait_ms;     /* on a database another handle is
	                             writing, before EWS_EBUSY (1000) */
	unsigned int max_lock_ms; /* longest hold of the database (4000);
	                             0: no limit */
} ews_optimize_opts;

/**
 * Defaults for an options version: wait_ms 1000, max_lock_ms 4000 (under
 * the 5000 ms that other handles wait for a busy database by default, so
 * that a recording made meanwhile waits but is never refused).
 * @return EWS_OK, or EWS_EINVAL for an unknown version.
 */
EWS_API ews_status ews_optimize_opts_init(ews_optimize_opts *opts,
                                          unsigned int version);

enum { EWS_OPTIMIZE_RESULT_VERSION = 1 };

typedef struct ews_optimize_result {
	unsigned int version; /* EWS_OPTIMIZE_RESULT_VERSION */
	int64_t db_bytes_before, db_bytes_after;         /* site.db */
	int64_t wal_bytes_before, wal_bytes_after;       /* site.db-wal */
	int64_t unused_bytes_before, unused_bytes_after; /* free list */
} ews_optimize_result;

/**
 * Optimize the site's database (SYS-3, the manual's "Optimize" button),
 * safely while other handles and processes use it, e.g. a server that
 * records:
 * 1. ANALYZE (with PRAGMA analysis_limit = 400: a sample of each index)
 *    and PRAGMA optimize, so that queries plan on fresh statistics;
 * 2. VACUUM: the database is written anew, without its unused pages and
 *    with every table in order;
 * 3. a checkpoint of the write-ahead log into site.db, which then
 *    shrinks, and the log truncated to nothing (PRAGMA
 *    wal_checkpoint(TRUNCATE)). A log that readers keep busy beyond
 *    wait_ms is left as it is: not an error.
 *
 * Steps 1 and 2 write: each waits up to opts->wait_ms for a writer of
 * another handle to finish, then gives up with EWS_EBUSY. While they
 * hold the database, other handles' writers wait for them, so each gives
 * up, rolled back, with EWS_ELIMIT rather than hold it too long (counted
 * from when it has the lock): ANALYZE past opts->max_lock_ms, VACUUM
 * when it has not rebuilt the database within a third of it (copying it
 * back, which cannot be interrupted, takes about twice as long as
 * rebuilding it). Refused too when the site's file system has less free
 * space than twice the data (the rebuilt copy and the log). In every
 * failure, the data is as it was.
 *
 * The handle must not be inside a transaction (no other call of it
 * running). Uses the monotonic clock for max_lock_ms, as SQLite's busy
 * timeout does.
 * @param opts  NULL: the defaults of ews_optimize_opts_init().
 * @param out   sizes before and after (its version set by the caller);
 *              after a failure, the "after" fields are the sizes then.
 * @return EWS_OK; EWS_EINVAL (version of opts or out); EWS_EBUSY (another
 *         handle kept writing beyond wait_ms); EWS_ELIMIT (VACUUM would
 *         hold the database beyond max_lock_ms, field "max_lock_ms"; too
 *         little free space, field "free_bytes"); EWS_EIO.
 */
EWS_API ews_status ews_site_optimize(ews_site *site,
                                     const ews_optimize_opts *opts,
                                     ews_optimize_result *out);

EWS_END_DECLS
#endif /* EWS_STORE_H */
