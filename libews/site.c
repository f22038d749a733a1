#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ews/site.h>

#include "error-private.h"
#include "site-private.h"
#include "cost.h"
#include "rollup.h"
#include "store-private.h"
#include "tz.h"

/* 'EWS1': marks the database as an ews site, so a stray SQLite file is
 * refused instead of being migrated into one. */
enum { SITE_APPLICATION_ID = 0x45575331 };

/*
 * Forward migrations: entry i takes user_version i to i + 1. A released
 * entry is never edited; changes are new entries.
 */
static const char *const migrations[] = {
	/* 0 -> 1: the configuration of issue 2 (INS-1..4, INS-6..9). */
	"CREATE TABLE category ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind INTEGER NOT NULL,"
	"  origin INTEGER NOT NULL,"
	"  name TEXT NOT NULL COLLATE NOCASE,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  UNIQUE (kind, name));"
	"CREATE TABLE gateway ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind INTEGER NOT NULL,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  ip TEXT NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  board_id INTEGER REFERENCES category (id) ON DELETE SET NULL,"
	"  eq_device_id INTEGER REFERENCES device (id) ON DELETE SET NULL,"
	"  enabled INTEGER NOT NULL DEFAULT 1);"
	"CREATE TABLE device ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  gateway_id INTEGER NOT NULL REFERENCES gateway (id),"
	"  model TEXT NOT NULL,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  address INTEGER NOT NULL,"
	"  ems_interface INTEGER NOT NULL DEFAULT 0,"
	"  position INTEGER NOT NULL DEFAULT 0,"
	"  concentrator TEXT NOT NULL DEFAULT '',"
	"  side INTEGER NOT NULL DEFAULT 0,"
	"  phase INTEGER NOT NULL DEFAULT 0,"
	"  supply INTEGER NOT NULL DEFAULT 0,"
	"  load_id INTEGER REFERENCES category (id) ON DELETE SET NULL,"
	"  exclude_totals INTEGER NOT NULL DEFAULT 0,"
	"  exclude_alerts INTEGER NOT NULL DEFAULT 0,"
	"  enabled INTEGER NOT NULL DEFAULT 1,"
	"  off_by_gateway INTEGER NOT NULL DEFAULT 0,"
	"  read_code INTEGER NOT NULL DEFAULT 0,"
	"  reg_address INTEGER NOT NULL DEFAULT 0,"
	"  reg_words INTEGER NOT NULL DEFAULT 0,"
	"  multiplier REAL NOT NULL DEFAULT 0,"
	"  reg_type INTEGER NOT NULL DEFAULT 0,"
	"  reg_word_order INTEGER NOT NULL DEFAULT 0,"
	"  remote_id INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX device_by_bus ON device (gateway_id, address);"
	"CREATE TABLE device_group ("
	"  device_id INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES category (id)"
	"    ON DELETE CASCADE,"
	"  slot INTEGER NOT NULL,"
	"  PRIMARY KEY (device_id, group_id));"
	"CREATE TABLE device_label ("
	"  device_id INTEGER NOT NULL REFERENCES device (id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"
	"  number INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  PRIMARY KEY (device_id, kind, number));"
	"CREATE TABLE setting ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"
	/* The Local gateway (INS-1) is id 1 in every site. */
	"INSERT INTO gateway (id, kind, name, ip, port) VALUES"
	"  (1, 1, 'Local', '127.0.0.1', 502);"
	/* RT 2012 sub-metering loads, then the built-in ones (INS-6). */
	"INSERT INTO category (kind, origin, name) VALUES"
	"  (1, 2, 'Heating'), (1, 2, 'Cooling'), (1, 2, 'Domestic hot water'),"
	"  (1, 2, 'Lighting'), (1, 2, 'Power sockets'),"
	"  (1, 2, 'Ventilation and auxiliaries'),"
	"  (1, 3, 'Others'), (1, 4, 'Gas'), (1, 5, 'Water');",
	/* 1 -> 2: samples and device status events (ACQ-2, ACQ-4). Samples
	 * and events outlive their device: no foreign keys. */
	"CREATE TABLE sample ("
	"  device_id INTEGER NOT NULL,"
	"  quantity INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL DEFAULT 0,"
	"  t_ms INTEGER NOT NULL,"
	"  value REAL NOT NULL,"
	"  PRIMARY KEY (device_id, quantity, ord, t_ms)) WITHOUT ROWID;"
	"CREATE INDEX sample_by_time ON sample (t_ms);"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  t_ms INTEGER NOT NULL,"
	"  device_id INTEGER NOT NULL,"
	"  gateway_id INTEGER NOT NULL,"
	"  old_status INTEGER NOT NULL,"
	"  new_status INTEGER NOT NULL,"
	"  reason TEXT NOT NULL);"
	"ALTER TABLE device ADD COLUMN status INTEGER NOT NULL DEFAULT 0;",
	/* 2 -> 3: samples packed in blocks, consumption rollups (CON-1..2);
	 * ews__store_migrate_v3() moves the rows of `sample` over. Rollups
	 * are keyed by period first: a sweep updates the rows of the current
	 * day, month and year of every scope, which then share a few pages. */
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  device_id INTEGER NOT NULL,"
	"  quantity INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL,"
	"  UNIQUE (device_id, quantity, ord));"
	"CREATE TABLE sample_block ("
	"  series INTEGER NOT NULL,"
	"  t0 INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (series, t0)) WITHOUT ROWID;"
	"CREATE TABLE sample_tail ("
	"  series INTEGER PRIMARY KEY,"
	"  t0 INTEGER NOT NULL,"
	"  data BLOB NOT NULL);"
	"CREATE TABLE rollup ("
	"  scope INTEGER NOT NULL,"
	"  level INTEGER NOT NULL,"
	"  key INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (level, key, scope)) WITHOUT ROWID;"
	"CREATE TABLE rollup_pending ("
	"  scope INTEGER PRIMARY KEY,"
	"  day INTEGER NOT NULL);",
	/* 3 -> 4: bill of consumptions (TAR-1..6). Dates are local days
	 * since 1970-01-01. A rollup's `cost` splits its consumption by the
	 * tariff that applied (tariff.h); NULL: all of it under no tariff.
	 * cost_stamp changes with every edit of a commodity's tariffs,
	 * prices or rules: the handles' cached plans check it. */
	"CREATE TABLE tariff ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  commodity INTEGER NOT NULL,"
	"  name TEXT NOT NULL COLLATE NOCASE,"
	"  color TEXT NOT NULL,"
	"  UNIQUE (commodity, name));"
	"CREATE TABLE tariff_price ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  tariff_id INTEGER NOT NULL REFERENCES tariff (id) ON DELETE CASCADE,"
	"  from_day INTEGER,"
	"  price_micro INTEGER NOT NULL);"
	"CREATE INDEX tariff_price_by_tariff ON tariff_price (tariff_id);"
	"CREATE TABLE cost_rule ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  commodity INTEGER NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  tariff_id INTEGER NOT NULL REFERENCES tariff (id),"
	"  validity INTEGER NOT NULL,"
	"  from_day INTEGER NOT NULL,"
	"  to_day INTEGER NOT NULL,"
	"  every_year INTEGER NOT NULL,"
	"  time_from INTEGER NOT NULL,"
	"  time_to INTEGER NOT NULL,"
	"  weekdays INTEGER NOT NULL);"
	"CREATE TABLE cost_stamp ("
	"  commodity INTEGER PRIMARY KEY,"
	"  stamp INTEGER NOT NULL);"
	"ALTER TABLE rollup ADD COLUMN cost BLOB;",
	/* 4 -> 5: Green'Up (EVS-1, EVS-4): the one setup row and the
	 * stations' default priority. */
	"CREATE TABLE evse_setup ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  enabled INTEGER NOT NULL,"
	"  meter_device_id INTEGER REFERENCES device (id),"
	"  max_current_a REAL NOT NULL,"
	"  max_charging_current_a REAL NOT NULL,"
	"  hysteresis_pct REAL NOT NULL,"
	"  step1_pct REAL NOT NULL,"
	"  step2_pct REAL NOT NULL,"
	"  min_charge_ah REAL NOT NULL,"
	"  failsafe_current_a REAL NOT NULL,"
	"  period_ms INTEGER NOT NULL,"
	"  missed_periods INTEGER NOT NULL,"
	"  change_min_ms INTEGER NOT NULL,"
	"  pause_min_ms INTEGER NOT NULL);"
	"CREATE TABLE evse_station ("
	"  device_id INTEGER PRIMARY KEY"
	"    REFERENCES device (id) ON DELETE CASCADE,"
	"  priority INTEGER NOT NULL);",
	/* 5 -> 6: Green'Up live (greenup.h): stations' settings, the
	 * per-charge commands (for the charge connected at connected_ms),
	 * and what the running loop last saw and did. */
	"ALTER TABLE evse_station ADD COLUMN rated_a REAL NOT NULL"
	"  DEFAULT 32;"
	"ALTER TABLE evse_station ADD COLUMN plug_enabled INTEGER NOT NULL"
	"  DEFAULT 1;"
	"CREATE TABLE evse_charge ("
	"  device_id INTEGER PRIMARY KEY"
	"    REFERENCES device (id) ON DELETE CASCADE,"
	"  connected_ms INTEGER NOT NULL,"
	"  hold INTEGER NOT NULL,"
	"  priority_override INTEGER NOT NULL);"
	"CREATE TABLE evse_live ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  t_ms INTEGER NOT NULL,"
	"  zone INTEGER NOT NULL,"
	"  l1_a REAL NOT NULL, l2_a REAL NOT NULL, l3_a REAL NOT NULL,"
	"  meter_ok INTEGER NOT NULL,"
	"  failsafe INTEGER NOT NULL);"
	"CREATE TABLE evse_live_station ("
	"  device_id INTEGER PRIMARY KEY"
	"    REFERENCES device (id) ON DELETE CASCADE,"
	"  powered INTEGER NOT NULL,"
	"  managed INTEGER NOT NULL,"
	"  error TEXT NOT NULL,"
	"  charge INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  cp_state INTEGER NOT NULL,"
	"  setpoint_a REAL NOT NULL,"
	"  current_a REAL NOT NULL,"
	"  charged_ah REAL NOT NULL,"
	"  connected_ms INTEGER NOT NULL,"
	"  reason TEXT NOT NULL);",
	/* 6 -> 7: users and access codes (user.h; USR-1..4), seeded by
	 * ews__user_seed(). Codes are hashes only; pin_index finds a PIN's
	 * user. A trusted browser is kept as the SHA-256 of its token. */
	"CREATE TABLE user ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  pages INTEGER NOT NULL,"
	"  manager INTEGER NOT NULL,"
	"  enabled INTEGER NOT NULL,"
	"  default_codes INTEGER NOT NULL,"
	"  pin_index TEXT NOT NULL UNIQUE,"
	"  pin_hash TEXT NOT NULL,"
	"  puk_hash TEXT NOT NULL);"
	"CREATE TABLE user_trust ("
	"  token_sha256 TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user (id) ON DELETE CASCADE,"
	"  created_ms INTEGER NOT NULL,"
	"  used_ms INTEGER NOT NULL);",
};

enum { SCHEMA_VERSION = sizeof(migrations) / sizeof(migrations[0]) };

ews_status
ews__check_version(unsigned int version, unsigned int known, const char *what)
{
	if (version == 0 || version > known)
		return ews__fail_field(EWS_EINVAL, "version",
		                       "%s version %u is not supported "
		                       "(this library knows 1-%u)",
		                       what, version, known);
	return EWS_OK;
}

ews_status
ews_site_opts_init(ews_site_opts *opts, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_SITE_OPTS_VERSION,
	                                   "ews_site_opts");

	if (st != EWS_OK)
		return st;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	opts->busy_timeout_ms = 5000;
	return EWS_OK;
}

ews_status
ews__site_db_fail(ews_site *site, int rc)
{
	const char *msg = site && site->db ? sqlite3_errmsg(site->db)
	                                   : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ews__fail(EWS_EBUSY, "site database is busy: %s", msg);
	case SQLITE_NOMEM:
		return ews__fail(EWS_ENOMEM, "site database: out of memory");
	default:
		return ews__fail(EWS_EIO, "site database: %s", msg);
	}
}

ews_status
ews__site_prepare(ews_site *site, const char *sql, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(site->db, sql, -1, out, NULL);

	if (rc != SQLITE_OK) {
		*out = NULL;
		return ews__site_db_fail(site, rc);
	}
	return EWS_OK;
}

ews_status
ews__site_cached(ews_site *site, enum ews__stmt id, const char *sql,
                 sqlite3_stmt **out)
{
	int rc;

	if (site->stmts[id]) {
		*out = site->stmts[id];
		return EWS_OK;
	}
	rc = sqlite3_prepare_v3(site->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                        &site->stmts[id], NULL);
	if (rc != SQLITE_OK) {
		site->stmts[id] = NULL;
		*out = NULL;
		return ews__site_db_fail(site, rc);
	}
	*out = site->stmts[id];
	return EWS_OK;
}

static ews_status
bind_all(ews_site *site, sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc = SQLITE_OK;
	int i;

	for (i = 0; types[i] && rc == SQLITE_OK; i++) {
		int col = i + 1;
		int64_t v;

		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(st, col, va_arg(ap, int64_t));
			break;
		case 'u':
			rc = sqlite3_bind_int64(st, col,
			                        va_arg(ap, unsigned int));
			break;
		case 'n':
			v = va_arg(ap, int64_t);
			rc = v ? sqlite3_bind_int64(st, col, v)
			       : sqlite3_bind_null(st, col);
			break;
		case 's':
			rc = sqlite3_bind_text(st, col,
			                       va_arg(ap, const char *), -1,
			                       SQLITE_TRANSIENT);
			break;
		case 'd':
			rc = sqlite3_bind_double(st, col, va_arg(ap, double));
			break;
		default:
			return ews__fail(EWS_ERROR, "bad bind type '%c'",
			                 types[i]);
		}
	}
	return rc == SQLITE_OK ? EWS_OK : ews__site_db_fail(site, rc);
}

/* Prepare, bind and step once; with `out`, the first column of the row
 * goes there and no row is EWS_ENOTFOUND (left for the caller to word). */
static ews_status
step_once(ews_site *site, int64_t *out, const char *sql, const char *types,
          va_list ap)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	if ((s = ews__site_prepare(site, sql, &st)) != EWS_OK)
		return s;
	if ((s = bind_all(site, st, types, ap)) == EWS_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && out)
			*out = sqlite3_column_int64(st, 0);
		else if (rc == SQLITE_DONE && out)
			s = EWS_ENOTFOUND;
		else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			s = ews__site_db_fail(site, rc);
	}
	sqlite3_finalize(st);
	return s;
}

ews_status
ews__site_exec(ews_site *site, const char *sql, const char *types, ...)
{
	ews_status s;
	va_list ap;

	va_start(ap, types);
	s = step_once(site, NULL, sql, types, ap);
	va_end(ap);
	return s;
}

ews_status
ews__site_scalar(ews_site *site, int64_t *out, const char *sql,
                 const char *types, ...)
{
	ews_status s;
	va_list ap;

	*out = 0;
	va_start(ap, types);
	s = step_once(site, out, sql, types, ap);
	va_end(ap);
	return s;
}

ews_status
ews__site_select(ews_site *site, int kind, size_t item_size,
                 ews__row_reader read, ews_list **out, const char *sql,
                 const char *types, ...)
{
	ews_list *list = ews__list_new((enum ews__list_kind)kind, item_size);
	void *item = ews__malloc(item_size);
	sqlite3_stmt *st = NULL;
	ews_status s = list && item ? EWS_OK : EWS_ENOMEM;
	va_list ap;
	int rc = SQLITE_DONE;

	*out = NULL;
	if (s == EWS_OK)
		s = ews__site_prepare(site, sql, &st);
	if (s == EWS_OK) {
		va_start(ap, types);
		s = bind_all(site, st, types, ap);
		va_end(ap);
	}
	while (s == EWS_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((s = read(site, st, item)) == EWS_OK)
			s = ews__list_push(list, item);
	if (s == EWS_OK && rc != SQLITE_DONE)
		s = ews__site_db_fail(site, rc);
	sqlite3_finalize(st);
	free(item);
	if (s != EWS_OK) {
		ews_list_free(list);
		return s;
	}
	*out = list;
	return EWS_OK;
}

ews_status
ews__site_select_one(ews_site *site, int kind, size_t item_size,
                     ews__row_reader read, void *out, const char *what,
                     const char *sql, int64_t id)
{
	ews_list *list;
	ews_status st;

	st = ews__site_select(site, kind, item_size, read, &list, sql, "i", id);
	if (st != EWS_OK)
		return st;
	if (ews_list_len(list) == 1)
		memcpy(out, ews__list_at(list, (enum ews__list_kind)kind, 0),
		       item_size);
	else
		st = ews__fail_field(EWS_ENOTFOUND, what,
		                     "%s %lld does not exist", what,
		                     (long long)id);
	ews_list_free(list);
	return st;
}

ews_status
ews__site_lookup(ews_site *site, enum ews__stmt id, const char *sql,
                 int64_t key, int64_t *out, int *found)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	*found = 0;
	if ((s = ews__site_cached(site, id, sql, &st)) != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		*found = 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE
	               ? EWS_OK
	               : ews__site_db_fail(site, rc);
}

void
ews__site_column_text(sqlite3_stmt *st, int col, char *dst, size_t size)
{
	const unsigned char *text = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", text ? (const char *)text : "");
}

ews_status
ews__site_begin(ews_site *site)
{
	int rc = sqlite3_exec(site->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	return rc == SQLITE_OK ? EWS_OK : ews__site_db_fail(site, rc);
}

/* Run one cached statement that returns no row. */
static ews_status
run_cached(ews_site *site, enum ews__stmt id, const char *sql)
{
	sqlite3_stmt *st;
	ews_status s = ews__site_cached(site, id, sql, &st);
	int rc;

	if (s != EWS_OK)
		return s;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? EWS_OK : ews__site_db_fail(site, rc);
}

ews_status
ews__site_read_begin(ews_site *site)
{
	return run_cached(site, EWS__STMT_BEGIN_READ, "BEGIN");
}

ews_status
ews__site_read_end(ews_site *site, ews_status st)
{
	ews_status end = run_cached(site, EWS__STMT_END_READ, "COMMIT");

	return st != EWS_OK ? st : end;
}

ews_status
ews__site_end(ews_site *site, ews_status st)
{
	int rc;

	site->generation++; /* what was read inside may be stale now */
	if (st == EWS_OK) {
		rc = sqlite3_exec(site->db, "COMMIT", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return EWS_OK;
		st = ews__site_db_fail(site, rc);
	}
	/* A failed ROLLBACK means SQLite already rolled back on its own. */
	sqlite3_exec(site->db, "ROLLBACK", NULL, NULL, NULL);
	/* a plan read inside may carry a stamp that another edit will
	 * reuse */
	ews__plan_cache_forget(site);
	return st;
}

ews_status
ews__site_data_version(ews_site *site, int64_t *out)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	s = ews__site_cached(site, EWS__STMT_DATA_VERSION,
	                     "PRAGMA data_version", &st);
	if (s != EWS_OK)
		return s;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? EWS_OK : ews__site_db_fail(site, rc);
}

static ews_status
pragma_int(ews_site *site, const char *pragma, int64_t *out)
{
	return ews__site_scalar(site, out, pragma, "");
}

/* Refuse a database that is not ours or is newer than this library, before
 * anything (even the journal mode) is written to it. */
static ews_status
check_identity(ews_site *site, int64_t *version)
{
	int64_t app_id, tables;
	ews_status st;

	if ((st = pragma_int(site, "PRAGMA user_version", version)) ||
	    (st = pragma_int(site, "PRAGMA application_id", &app_id)) ||
	    (st = ews__site_scalar(site, &tables,
	                           "SELECT count(*) FROM sqlite_master", "")))
		return st;
	if (app_id != SITE_APPLICATION_ID && (tables > 0 || *version > 0))
		return ews__fail(EWS_EINVAL,
		                 "site.db is not an ews site database");
	if (*version > SCHEMA_VERSION)
		return ews__fail(EWS_EINVAL,
		                 "site.db has schema %lld, newer than this "
		                 "library (%d): upgrade ews",
		                 (long long)*version, SCHEMA_VERSION);
	return EWS_OK;
}

/*
 * Every step from `version` to SCHEMA_VERSION in one transaction: a site
 * opens at the current schema or stays as it was. Steps that move data
 * run after the last schema step, so they write through the current
 * schema (the rollups of schema 3 now carry schema 4's cost column).
 */
static ews_status
migrate_steps(ews_site *site, int64_t version, const char *timezone)
{
	int64_t from = version;
	ews_status st = EWS_OK;
	char sql[128];
	int rc;

	for (; st == EWS_OK && version < SCHEMA_VERSION; version++) {
		rc = sqlite3_exec(site->db, migrations[version], NULL, NULL,
		                  NULL);
		st = rc == SQLITE_OK ? EWS_OK : ews__site_db_fail(site, rc);
		if (st == EWS_OK && version == 0)
			st = ews__site_settings_seed(site, timezone);
	}
	if (st == EWS_OK && from > 0 && from <= 2)
		st = ews__store_migrate_v3(site);
	if (st == EWS_OK && from < 7)
		st = ews__user_seed(site);
	snprintf(sql, sizeof(sql),
	         "PRAGMA application_id = %d; PRAGMA user_version = %d",
	         SITE_APPLICATION_ID, SCHEMA_VERSION);
	if (st == EWS_OK &&
	    (rc = sqlite3_exec(site->db, sql, NULL, NULL, NULL)) != SQLITE_OK)
		st = ews__site_db_fail(site, rc);
	return st;
}

static ews_status
migrate(ews_site *site, const char *timezone)
{
	int64_t version;
	ews_status st;
	int rc;

	if ((st = check_identity(site, &version)) != EWS_OK)
		return st;
	rc = sqlite3_exec(site->db,
	                  "PRAGMA journal_mode = WAL;"
	                  "PRAGMA foreign_keys = ON;"
	                  "PRAGMA synchronous = NORMAL;"
	                  /* Queries read rows spread over the file: mapped,
	                   * a page outside SQLite's cache is no pread(). */
	                  "PRAGMA mmap_size = 1073741824;",
	                  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return ews__site_db_fail(site, rc);
	if (version < SCHEMA_VERSION) {
		if ((st = ews__site_begin(site)) != EWS_OK)
			return st;
		st = migrate_steps(site, version, timezone);
		if ((st = ews__site_end(site, st)) != EWS_OK)
			return ews__error_prefix("migrating site.db");
	}
	site->schema_version = SCHEMA_VERSION;
	return EWS_OK;
}

static ews_status
open_database(ews_site *site, const ews_site_opts *opts)
{
	int create = opts->flags & EWS_SITE_CREATE;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
	char *path;
	struct stat sb;
	int rc;

	if (create && mkdir(site->dir, 0750) != 0 && errno != EEXIST)
		return ews__fail(EWS_EIO, "site: cannot create %s: %s",
		                 site->dir, strerror(errno));
	path = ews__malloc(strlen(site->dir) + sizeof("/site.db"));
	if (!path)
		return EWS_ENOMEM;
	sprintf(path, "%s/site.db", site->dir);
	if (!create && stat(path, &sb) != 0) {
		free(path);
		return ews__fail(EWS_ENOTFOUND, "no site at %s", site->dir);
	}
	if (create && (opts->flags & EWS_SITE_EXCL)) {
		/* O_EXCL makes "is there a site?" and "make one" one step;
		 * SQLite takes the empty file as an empty database. */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		              0640);

		if (fd < 0) {
			int e = errno;

			free(path);
			return e == EEXIST ? ews__fail(EWS_EEXIST,
			                               "site: %s is already a "
			                               "site",
			                               site->dir)
			                   : ews__fail(EWS_EIO,
			                               "site: cannot create "
			                               "%s/site.db: %s",
			                               site->dir, strerror(e));
		}
		close(fd);
		site->created_file = 1;
	}
	/* A handle is used by one thread at a time (site.h): SQLite's own
	 * per-call mutex would only cost time. */
	rc = sqlite3_open_v2(path, &site->db,
	                     flags | (create ? SQLITE_OPEN_CREATE : 0) |
	                             SQLITE_OPEN_NOMUTEX,
	                     NULL);
	free(path);
	if (rc != SQLITE_OK)
		return ews__site_db_fail(site, rc);
	sqlite3_extended_result_codes(site->db, 1);
	if ((rc = ews__rollup_register(site->db)) != SQLITE_OK ||
	    (rc = ews__cost_register(site->db)) != SQLITE_OK)
		return ews__site_db_fail(site, rc);
	sqlite3_busy_timeout(site->db, (int)opts->busy_timeout_ms);
	return EWS_OK;
}

static ews_status
load_catalog(ews_site *site, const ews_site_opts *opts)
{
	ews_catalog_opts copts;
	char *user_dir = NULL;
	struct stat sb;
	ews_status st;

	ews_catalog_opts_init(&copts, EWS_CATALOG_OPTS_VERSION);
	copts.system_dir = opts->catalog_dir;
	copts.user_dir = opts->user_catalog_dir;
	if (!copts.user_dir) {
		user_dir = ews__malloc(strlen(site->dir) + sizeof("/catalog"));
		if (!user_dir)
			return EWS_ENOMEM;
		sprintf(user_dir, "%s/catalog", site->dir);
		if (stat(user_dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			copts.user_dir = user_dir;
	}
	st = ews_catalog_load(&copts, &site->catalog);
	free(user_dir);
	return st;
}

ews_status
ews_site_open(const char *dir, const ews_site_opts *opts, ews_site **out)
{
	ews_site_opts defaults;
	ews_site *site;
	ews_status st;

	*out = NULL;
	if (!opts) {
		ews_site_opts_init(&defaults, EWS_SITE_OPTS_VERSION);
		opts = &defaults;
	}
	if ((st = ews__check_version(opts->version, EWS_SITE_OPTS_VERSION,
	                             "ews_site_opts")) != EWS_OK)
		return st;
	if (!dir || !*dir)
		return ews__fail_field(EWS_EINVAL, "dir", "is required");
	if (opts->timezone &&
	    (st = ews__check_timezone("timezone", opts->timezone)) != EWS_OK)
		return st;
	if (!(site = ews__calloc(1, sizeof(*site))))
		return EWS_ENOMEM;
	if (!(site->dir = ews__strdup(dir))) {
		free(site);
		return EWS_ENOMEM;
	}
	if ((st = open_database(site, opts)) == EWS_OK &&
	    (st = load_catalog(site, opts)) == EWS_OK &&
	    (st = migrate(site, opts->timezone ? opts->timezone : "UTC")) ==
	            EWS_OK) {
		*out = site;
		return EWS_OK;
	}
	if (site->created_file) { /* leave no half-made site behind */
		char path[4096];

		snprintf(path, sizeof(path), "%s/site.db", site->dir);
		sqlite3_close_v2(site->db);
		site->db = NULL;
		unlink(path);
	}
	ews_site_close(site); /* records no error: the reason stays */
	return st;
}

void
ews_site_close(ews_site *site)
{
	size_t i;

	if (!site)
		return;
	for (i = 0; i < EWS__STMT_COUNT_; i++)
		sqlite3_finalize(site->stmts[i]);
	ews__scope_cache_free(site);
	ews__plan_cache_free(site);
	ews__tz_close(site->tz);
	sqlite3_close_v2(site->db);
	ews_catalog_free(site->catalog);
	free(site->dir);
	free(site);
}

const ews_catalog *
ews_site_catalog(const ews_site *site)
{
	return site->catalog;
}

int
ews_site_schema_version(const ews_site *site)
{
	return site->schema_version;
}

/* ------------------------------------------------------------------ */

struct ews_list {
	enum ews__list_kind kind;
	size_t item_size;
	size_t len;
	size_t cap;
	unsigned char *items;
};

ews_list *
ews__list_new(enum ews__list_kind kind, size_t item_size)
{
	ews_list *list = ews__calloc(1, sizeof(*list));

	if (list) {
		list->kind = kind;
		list->item_size = item_size;
	}
	return list;
}

ews_status
ews__list_push(ews_list *list, const void *item)
{
	if (list->len == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 16;
		unsigned char *items =
		        ews__realloc(list->items, cap * list->item_size);

		if (!items)
			return EWS_ENOMEM;
		list->items = items;
		list->cap = cap;
	}
	memcpy(list->items + list->len * list->item_size, item,
	       list->item_size);
	list->len++;
	return EWS_OK;
}

void
ews__list_truncate(ews_list *list, size_t len)
{
	if (len < list->len)
		list->len = len;
}

const void *
ews__list_at(const ews_list *list, enum ews__list_kind kind, size_t i)
{
	if (!list || list->kind != kind || i >= list->len)
		return NULL;
	return list->items + i * list->item_size;
}

size_t
ews_list_len(const ews_list *list)
{
	return list ? list->len : 0;
}

void
ews_list_free(ews_list *list)
{
	if (!list)
		return;
	free(list->items);
	free(list);
}
