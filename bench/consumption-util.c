/*
 * Helpers of the consumption benchmark: timing, statistics, errors,
 * SQLite, files, child processes, a random generator and civil dates.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "consumption.h"

extern char **environ;

/* ------------------------------------------------------------------ */
/* Timing and statistics                                               */

double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
sys_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
quantile(double *v, size_t n, double q)
{
	size_t k;

	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)ceil(q * (double)n);
	return v[k > 0 ? k - 1 : 0];
}

double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------------ */
/* Errors and SQLite                                                   */

void
die(const char *what)
{
	const ews_error *e = ews_error_last();

	fprintf(stderr, "consumption: %s: %s\n", what,
	        e->message && e->message[0] ? e->message : strerror(errno));
	exit(1);
}

void
check_ews(ews_status st, const char *what)
{
	if (st != EWS_OK)
		die(what);
}

void
check_sql(sqlite3 *db, int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "consumption: %s: %s\n", what,
		        db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		exit(1);
	}
}

void
exec_sql(sqlite3 *db, const char *sql)
{
	check_sql(db, sqlite3_exec(db, sql, NULL, NULL, NULL), sql);
}

sqlite3_stmt *
prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	check_sql(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
	return st;
}

void
step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		check_sql(db, rc == SQLITE_ROW ? SQLITE_MISUSE : rc, what);
	sqlite3_reset(st);
}

sqlite3 *
peer_open(const char *path, const char *schema)
{
	sqlite3 *db;

	check_sql(NULL, sqlite3_open(path, &db), path);
	exec_sql(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
	if (schema)
		exec_sql(db, schema);
	return db;
}

static double
file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (double)sb.st_size : 0;
}

double
db_bytes(const char *path)
{
	char wal[700];
	sqlite3 *db;

	check_sql(NULL, sqlite3_open(path, &db), path);
	exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_close(db);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	return file_size(path) + file_size(wal);
}

/* ------------------------------------------------------------------ */
/* Files and processes                                                 */

int
spawn_piped(const char *self, char *const argv[], const char *what, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	int fd[2];

	if (pipe(fd) != 0)
		die("pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	if (posix_spawn(pid, self, &fa, NULL, argv, environ))
		die(what);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	return fd[0];
}

/* ------------------------------------------------------------------ */
/* Random numbers and dates                                            */

uint64_t
rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

double
rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

int64_t
days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	int64_t era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
civil_from_days(int64_t z, int32_t *y, unsigned int *m, unsigned int *d)
{
	int64_t era, yy;
	unsigned int doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned int)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int32_t)(yy + (*m <= 2));
}
