#ifndef EWS_BENCH_CONSUMPTION_H
#define EWS_BENCH_CONSUMPTION_H

/*
 * Private interface of the consumption benchmark (B1 ingest, B2
 * histograms, B10 crash; see consumption-main.c and bench/README.md):
 * its constants, helpers, the dataset generator, the site builder and
 * the entry points of each benchmark.
 *
 *   consumption-util.c     timing, statistics, errors, SQLite, files, rng
 *   consumption-dataset.c  the generated meters and the site they feed
 *   consumption-ingest.c   B1 against the bare SQLite peer
 *   consumption-query.c    B2 against the re-aggregating peer; --cold-query
 *   consumption-crash.c    B10; --crash-child
 *   consumption-main.c     options, the run
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <sqlite3.h>

#include <ews/ews.h>

#include "rmtree.h"

enum {
	DEVICES = 255,
	PER_GATEWAY = 32,
	GROUPS = 16,
	LOADS = 14,
	END_YEAR = 2020, /* the data ends 2020-01-01 00:00 UTC */
	FINE_DAYS = 35,  /* the last days at 10 minutes */
	SWEEPS = 100,    /* steady state */
	BATCH_MAX = 31 * 144 + 8,
	REPS_MAX = 9,
	CRASH_SWEEPS = 1000000 /* most sweeps of one crash child */
};

static const int64_t HOUR_MS = 3600000, TEN_MIN_MS = 600000, DAY_MS = 86400000;
static const uint64_t SEED = 0x5eed2024c0ffee01ull;

/* ------------------------------------------------------------------ */
/* Helpers (consumption-util.c)                                        */

/* Monotonic wall seconds. */
double now_s(void);
/* CPU seconds of the process. */
double cpu_s(void);
/* System CPU seconds (the kernel's share of cpu_s()). */
double sys_s(void);

/* Sorts v. q in [0, 1]: the smallest value with at least q of v at or
 * below it. */
double quantile(double *v, size_t n, double q);
/* Sorts v. */
double median(double *v, size_t n);

/* Print what failed with the last ews error (else errno) and exit(1). */
_Noreturn void die(const char *what);
void check_ews(ews_status st, const char *what);
/* Exit(1) unless rc is SQLITE_OK, _DONE or _ROW. */
void check_sql(sqlite3 *db, int rc, const char *what);
void exec_sql(sqlite3 *db, const char *sql);
sqlite3_stmt *prepare(sqlite3 *db, const char *sql);
/* Step a statement that returns no row, and reset it. */
void step_done(sqlite3 *db, sqlite3_stmt *st, const char *what);
/* A new database in WAL mode, synchronous=NORMAL, with the schema. */
sqlite3 *peer_open(const char *path, const char *schema);
/* Checkpoint a database's WAL into it and truncate the WAL; the bytes of
 * the database and its WAL. */
double db_bytes(const char *path);

/* Remove a directory and everything in it. */
/* Start this program (self) with argv, its stdout on a pipe; the pipe's
 * read end. `what` names the failure. */
int spawn_piped(const char *self, char *const argv[], const char *what,
                pid_t *pid);

uint64_t rng_next(uint64_t *s); /* splitmix64 */
double rng_unit(uint64_t *s);   /* in [0, 1) */

int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d);
void civil_from_days(int64_t z, int32_t *y, unsigned int *m, unsigned int *d);

/* ------------------------------------------------------------------ */
/* Dataset and site (consumption-dataset.c)                            */

/* One meter: a base load with a seasonal swing, an office-hours bump on
 * weekdays, noise per interval; the counter is the energy in whole Wh. */
typedef struct devgen {
	double base_w, office_w, season, noise;
	double cum_wh;
	int64_t last_ms;
	uint64_t rng;
} devgen;

/* Meter i's generator, from the fixed seed. */
void devgen_init(devgen *g, int i);
/* The counter at t_ms (after the last call's time). */
double devgen_at(devgen *g, int64_t t_ms);

typedef struct dataset {
	int years;
	int site_months; /* one batch per month of every device, else one
	                  * per device-month */
	int64_t start_ms, cut_ms, end_ms;
	int64_t samples;
} dataset;

void dataset_init(dataset *ds, int years);
/* The sample time after t: an hour later, 10 minutes in the last days. */
int64_t next_time(const dataset *ds, int64_t t);
/* Start of month month0 (0-based, may pass 11) of year, UTC. */
int64_t month_start_ms(int year, int month0);

typedef struct bench_site {
	char dir[600];
	ews_site *site;
	int64_t dev[DEVICES];
	int excluded[DEVICES];
	int64_t loads[LOADS]; /* electricity loads devices are in */
	size_t nloads, all_loads;
	int64_t groups[GROUPS];
	size_t ngateways;
} bench_site;

/* Open the site in dir, zone Europe/Rome. */
void site_open(const char *dir, const char *catalog, unsigned int flags,
               ews_site **out);
/* Create the site in b->dir: gateways, loads, groups and meters. */
void site_build(bench_site *b, const char *catalog);

/* ------------------------------------------------------------------ */
/* B1 ingest (consumption-ingest.c)                                    */

typedef struct b1_result {
	double ews_s, peer_s;             /* wall time of the bulk import */
	double ews_written, peer_written; /* bytes written by it */
	double ews_bytes, peer_bytes;     /* on disk after a checkpoint */
	double sweep_cpu, sweep_sys, sweep_p99_wall;
	double peer_sweep_cpu, peer_tm_cpu;
	double sweep_written, peer_sweep_written, peer_tm_written;
} b1_result;

/* Import the history into a new site and a new peer, batch by batch, the
 * two side by side; then the steady state. Leaves b->site open and g at
 * the last sweep. */
void b1_run(bench_site *b, const dataset *ds, const char *catalog,
            const char *peer_path, devgen *g, b1_result *res);
/* Print the medians of reps runs; the breakdown of site_dir's site.db. */
void b1_print(const b1_result *res, int reps, const dataset *ds,
              const char *site_dir);

/* ------------------------------------------------------------------ */
/* B2 histograms (consumption-query.c)                                 */

/* Warm histograms, the peer, and cold histograms (this program, self,
 * run with --cold-query). */
void b2_run(bench_site *b, const dataset *ds, int per_combo,
            const char *ha_path, const char *self, const char *catalog);
/* --cold-query SITE --catalog DIR YEAR: print "open_ms query_ms". */
int cold_query(const char *dir, const char *catalog, int32_t year);

/* ------------------------------------------------------------------ */
/* B10 crash (consumption-crash.c)                                     */

/* `trials` crashes of this program (self) run with --crash-child; the
 * number of trials that failed. */
int b10_run(bench_site *b, const devgen *g, const char *scratch,
            const char *self, const char *catalog, int trials);
/* --crash-child SITE --catalog DIR PLAN K0: ingest sweeps K0, K0+1, ...
 * and write each index to stdout once it is committed. */
int crash_child(const char *dir, const char *catalog, const char *plan_path,
                int64_t k0);

#endif /* EWS_BENCH_CONSUMPTION_H */
