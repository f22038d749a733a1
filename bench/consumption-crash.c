/*
 * B10 crash: a child (this program, --crash-child) ingests sweeps and
 * reports each committed one on a pipe, and is killed with SIGKILL at a
 * random moment; the site must pass integrity_check, hold every sweep
 * reported committed, whole, and its rollups must equal the counters'
 * growth.
 */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "consumption.h"

/* ------------------------------------------------------------------ */
/* The plan                                                            */

/* The plan the crash child follows: sweep k of device i is at
 * t0 + k minutes with the counter base[i] + (k + 1) * inc[i]. */
typedef struct crash_plan {
	int64_t t0_ms;
	int64_t dev[DEVICES];
	double base[DEVICES], inc[DEVICES];
} crash_plan;

static void
plan_sweep(const crash_plan *p, int64_t k, ews_reading *r)
{
	size_t i;

	for (i = 0; i < DEVICES; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].device_id = p->dev[i];
		r[i].quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
		r[i].t_ms = p->t0_ms + k * 60000;
		r[i].value = p->base[i] + (double)(k + 1) * p->inc[i];
	}
}

static void
plan_write(const crash_plan *p, const char *path)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		die(path);
	fprintf(f, "%lld\n", (long long)p->t0_ms);
	for (i = 0; i < DEVICES; i++)
		fprintf(f, "%lld %.0f %.0f\n", (long long)p->dev[i], p->base[i],
		        p->inc[i]);
	fclose(f);
}

static void
plan_read(crash_plan *p, const char *path)
{
	FILE *f = fopen(path, "r");
	long long t, d;
	size_t i;

	if (!f || fscanf(f, "%lld", &t) != 1)
		die(path);
	p->t0_ms = t;
	for (i = 0; i < DEVICES; i++) {
		if (fscanf(f, "%lld %lf %lf", &d, &p->base[i], &p->inc[i]) != 3)
			die(path);
		p->dev[i] = d;
	}
	fclose(f);
}

int
crash_child(const char *dir, const char *catalog, const char *plan_path,
            int64_t k0)
{
	static ews_reading r[DEVICES];
	crash_plan p;
	ews_site *site;
	int64_t k;

	plan_read(&p, plan_path);
	site_open(dir, catalog, 0, &site);
	for (k = k0; k < k0 + CRASH_SWEEPS; k++) {
		char line[32];
		int len;

		plan_sweep(&p, k, r);
		check_ews(ews_site_samples_add(site, r, DEVICES),
		          "crash sweep");
		len = snprintf(line, sizeof(line), "%lld\n", (long long)k);
		if (write(1, line, (size_t)len) != len)
			return 1;
	}
	ews_site_close(site);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The crash                                                           */

/* The tail of what the child wrote on its pipe. */
typedef struct pipe_tail {
	char buf[4096];
	size_t got;
} pipe_tail;

/* Keep the last 64 bytes once the buffer is half full. */
static void
tail_trim(pipe_tail *pt)
{
	if (pt->got > sizeof(pt->buf) / 2) {
		memmove(pt->buf, pt->buf + pt->got - 64, 64);
		pt->got = 64;
	}
}

static ssize_t
tail_read(pipe_tail *pt, int fd)
{
	ssize_t rd = read(fd, pt->buf + pt->got, sizeof(pt->buf) - 1 - pt->got);

	if (rd > 0)
		pt->got += (size_t)rd;
	return rd;
}

/* The last whole line's number, or -1. */
static int64_t
tail_last(pipe_tail *pt)
{
	char *buf = pt->buf, *nl;
	size_t got = pt->got;

	buf[got] = '\0';
	while (got > 0 && buf[got - 1] != '\n')
		buf[--got] = '\0';
	if (got == 0)
		return -1;
	buf[got - 1] = '\0';
	nl = strrchr(buf, '\n');
	return strtoll(nl ? nl + 1 : buf, NULL, 10);
}

/* Wait for the child's first commit, kill it kill_ms later; the last
 * sweep it reported committed, or -1. */
static int64_t
kill_child(pid_t pid, int fd, double kill_ms)
{
	pipe_tail pt = { .got = 0 };
	double t0;

	while (pt.got == 0 || !memchr(pt.buf, '\n', pt.got))
		if (tail_read(&pt, fd) <= 0)
			die("crash child died early");
	t0 = now_s();
	while ((now_s() - t0) * 1e3 < kill_ms) {
		tail_trim(&pt);
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (tail_read(&pt, fd) <= 0)
			usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	fcntl(fd, F_SETFL, 0);
	do
		tail_trim(&pt);
	while (tail_read(&pt, fd) > 0);
	close(fd);
	return tail_last(&pt);
}

/* ------------------------------------------------------------------ */
/* The checks                                                          */

static int64_t
site_decade_total(ews_site *site, int32_t year)
{
	ews_consumption_query q;
	ews_histogram h;

	ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION);
	q.period = EWS_PERIOD_DECADE;
	q.year = year;
	q.month = q.day = 1;
	check_ews(ews_site_consumption(site, &q, &h), "decade total");
	return h.total_milli;
}

static int
integrity_ok(const char *db_path, double *ms)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	double t0 = now_s();
	int ok;

	check_sql(NULL, sqlite3_open(db_path, &db), db_path);
	st = prepare(db, "PRAGMA integrity_check");
	ok = sqlite3_step(st) == SQLITE_ROW &&
	     strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0 &&
	     sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	sqlite3_close(db);
	*ms = (now_s() - t0) * 1e3;
	return ok;
}

/* The crash trials: the plan, and what the site holds so far. */
typedef struct crash_run {
	bench_site *b;
	const char *self, *catalog;
	char plan_path[700], db_path[700];
	crash_plan p;
	uint64_t rng;
	int64_t k0;           /* the first sweep of the next child */
	int64_t *count;       /* readings stored of each sweep from k0 on */
	double prev[DEVICES]; /* the counters stored */
} crash_run;

/* What one trial saw. */
typedef struct crash_trial {
	int64_t last, stored_last, total0, total1, expect;
	double kill_ms, integ_ms, reopen_ms;
	int integ, atomic, values;
} crash_trial;

/* Reopen the site: the ms to open and answer a first histogram. */
static double
reopen_site(crash_run *cr)
{
	ews_consumption_query q;
	ews_histogram h;
	double t0 = now_s();

	site_open(cr->b->dir, cr->catalog, 0, &cr->b->site);
	ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION);
	civil_from_days(cr->p.t0_ms / DAY_MS, &q.year, &q.month, &q.day);
	check_ews(ews_site_consumption(cr->b->site, &q, &h), "reopen");
	return (now_s() - t0) * 1e3;
}

/* The readings stored from sweep k0 on: each as planned (t->values),
 * counted per sweep in cr->count; every sweep through the last stored
 * whole (t->atomic). */
static void
scan_stored(crash_run *cr, crash_trial *t)
{
	const crash_plan *p = &cr->p;
	int64_t k0 = cr->k0;
	ews_sample_query sq;
	ews_list *list;
	size_t n, i;

	ews_sample_query_init(&sq, EWS_SAMPLE_QUERY_VERSION);
	sq.quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
	sq.from_ms = p->t0_ms + k0 * 60000;
	check_ews(ews_site_sample_list(cr->b->site, &sq, &list), "list");
	t->stored_last = k0 - 1;
	if (!cr->count &&
	    !(cr->count = malloc(CRASH_SWEEPS * sizeof(*cr->count))))
		die("malloc");
	memset(cr->count, 0, CRASH_SWEEPS * sizeof(*cr->count));
	for (n = 0; n < ews_list_len(list); n++) {
		const ews_reading *s = ews_list_reading(list, n);
		int64_t k = (s->t_ms - p->t0_ms) / 60000 - k0;

		for (i = 0; i < DEVICES && p->dev[i] != s->device_id; i++)
			;
		if (i == DEVICES || k < 0 || k >= CRASH_SWEEPS ||
		    s->value != p->base[i] + (double)(k0 + k + 1) * p->inc[i]) {
			t->values = 0;
			continue;
		}
		cr->count[k]++;
		if (k0 + k > t->stored_last)
			t->stored_last = k0 + k;
	}
	ews_list_free(list);
	for (n = 0; (int64_t)n <= t->stored_last - k0; n++)
		t->atomic &= cr->count[n] == DEVICES;
}

/* Rollups: what the site's decade must have grown by, the counters now
 * at the last stored sweep. */
static int64_t
expected_growth(crash_run *cr, int64_t stored_last)
{
	int64_t expect = 0;
	size_t i;

	for (i = 0; i < DEVICES; i++) {
		double now_v = cr->p.base[i] +
		               (double)(stored_last + 1) * cr->p.inc[i];

		if (!cr->b->excluded[i])
			expect += llround((now_v - cr->prev[i]) * 1000);
		cr->prev[i] = now_v;
	}
	return expect;
}

static int
trial_print(int n, const crash_trial *t)
{
	int ok = t->integ && t->atomic && t->values && t->last >= 0 &&
	         t->stored_last >= t->last && t->stored_last <= t->last + 1 &&
	         t->total1 - t->total0 == t->expect;

	printf("B10 trial %d: killed %3.0f ms into ingest, last sweep "
	       "reported %lld, stored through %lld (%s), "
	       "integrity_check %s (%.0f ms), sweeps whole %s, rollups "
	       "%s, reopen + first histogram %.1f ms: %s\n",
	       n, t->kill_ms, (long long)t->last, (long long)t->stored_last,
	       t->stored_last == t->last + 1 ? "in-flight sweep committed"
	       : t->stored_last == t->last   ? "in-flight sweep lost"
	                                     : "LOST COMMITTED SWEEPS",
	       t->integ ? "ok" : "FAILED", t->integ_ms,
	       t->atomic && t->values ? "yes" : "NO",
	       t->total1 - t->total0 == t->expect ? "exact" : "WRONG",
	       t->reopen_ms, ok ? "pass" : "FAIL");
	return ok;
}

/* Crash a child ingesting from sweep k0 on and check the site; whether
 * the trial passed. */
static int
b10_trial(crash_run *cr, int n)
{
	char k0s[32];
	char *argv[] = {
		(char *)cr->self,    "--crash-child", cr->b->dir, "--catalog",
		(char *)cr->catalog, cr->plan_path,   k0s,        NULL
	};
	crash_trial t = { .atomic = 1, .values = 1 };
	pid_t pid;
	int fd, ok;

	t.total0 = site_decade_total(cr->b->site, END_YEAR);
	ews_site_close(cr->b->site); /* the child is the only writer */
	cr->b->site = NULL;
	snprintf(k0s, sizeof(k0s), "%lld", (long long)cr->k0);
	fd = spawn_piped(cr->self, argv, "spawn --crash-child", &pid);
	t.kill_ms = 20 + (double)(rng_next(&cr->rng) % 480);
	t.last = kill_child(pid, fd, t.kill_ms);
	t.integ = integrity_ok(cr->db_path, &t.integ_ms);
	t.reopen_ms = reopen_site(cr);
	scan_stored(cr, &t);
	t.expect = expected_growth(cr, t.stored_last);
	t.total1 = site_decade_total(cr->b->site, END_YEAR);
	ok = trial_print(n, &t);
	cr->k0 = t.stored_last + 1;
	return ok;
}

int
b10_run(bench_site *b, const devgen *g, const char *scratch, const char *self,
        const char *catalog, int trials)
{
	crash_run cr;
	int trial, failed = 0;
	size_t i;

	memset(&cr, 0, sizeof(cr));
	cr.b = b;
	cr.self = self;
	cr.catalog = catalog;
	cr.rng = SEED ^ 0xb10;
	/* The sweeps go on after the steady state, one a minute. */
	cr.p.t0_ms = g[0].last_ms + TEN_MIN_MS;
	for (i = 0; i < DEVICES; i++) {
		cr.p.dev[i] = b->dev[i];
		cr.p.base[i] = floor(g[i].cum_wh);
		cr.p.inc[i] = 1 + (double)(rng_next(&cr.rng) % 100);
		cr.prev[i] = cr.p.base[i];
	}
	snprintf(cr.plan_path, sizeof(cr.plan_path), "%s/crash-plan.txt",
	         scratch);
	snprintf(cr.db_path, sizeof(cr.db_path), "%s/site.db", b->dir);
	plan_write(&cr.p, cr.plan_path);
	for (trial = 1; trial <= trials; trial++)
		failed += !b10_trial(&cr, trial);
	free(cr.count);
	printf("B10 crash: %d/%d trials pass (target: integrity_check ok, "
	       "loss <= the sweep in flight) %s\n",
	       trials - failed, trials, failed ? "MISSED" : "ok");
	return failed;
}
