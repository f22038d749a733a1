/*
 * B2 histograms: warm p50/p99 of random histograms of every scope and
 * period; the peer re-aggregates an hourly table per call (Home
 * Assistant's method) for the site's year and decade, buckets compared;
 * cold: a fresh process (this program, --cold-query) with site.db
 * dropped from the page cache.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "consumption.h"

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static void
random_queries(const bench_site *b, const dataset *ds, ews_scope_kind kind,
               ews_period period, uint64_t *rng, ews_consumption_query *out,
               size_t n)
{
	int64_t days = (ds->end_ms - ds->start_ms) / DAY_MS;
	size_t i;

	for (i = 0; i < n; i++) {
		ews_consumption_query *q = &out[i];
		int64_t day = ds->start_ms / DAY_MS +
		              (int64_t)(rng_next(rng) % (uint64_t)days);

		ews_consumption_query_init(q, EWS_CONSUMPTION_QUERY_VERSION);
		q->scope = kind;
		q->period = period;
		q->commodity = EWS_COMMODITY_ELECTRICITY;
		civil_from_days(day, &q->year, &q->month, &q->day);
		switch (kind) {
		case EWS_SCOPE_SITE:
			q->scope_id = 0;
			break;
		case EWS_SCOPE_DEVICE:
			q->scope_id = b->dev[rng_next(rng) % DEVICES];
			break;
		case EWS_SCOPE_LOAD:
			q->scope_id = b->loads[rng_next(rng) % b->nloads];
			break;
		case EWS_SCOPE_GROUP:
			q->scope_id = b->groups[rng_next(rng) % GROUPS];
			break;
		}
	}
}

static double
thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall seconds of one histogram, *h filled; its CPU seconds in *cpu (the
 * wall time without the waits for a CPU of a loaded machine). */
static double
time_query(ews_site *site, const ews_consumption_query *q, ews_histogram *h,
           double *cpu)
{
	double c0 = cpu ? thread_cpu_s() : 0, t0 = now_s(), t1;

	check_ews(ews_site_consumption(site, q, h), "consumption");
	t1 = now_s();
	if (cpu)
		*cpu = thread_cpu_s() - c0;
	return t1 - t0;
}

/* ------------------------------------------------------------------ */
/* Warm                                                                */

/* The warm measures: per_combo queries of each scope kind (1..4) and
 * period (1..4), 16 sets one after the other in qs. */
typedef struct warm {
	int per_combo;
	ews_consumption_query *qs;
	double *lat, *cpu;     /* of one run of one set */
	double *all, *all_cpu; /* of every query */
	size_t nall;
	double p50[5][5], p99[5][5], p99cpu[5][5]; /* [kind][period] */
	double worst, worst_cpu;                   /* the largest p99 */
} warm;

static void
warm_init(warm *w, int per_combo)
{
	w->per_combo = per_combo;
	w->qs = malloc((size_t)per_combo * 16 * sizeof(*w->qs));
	w->lat = malloc((size_t)per_combo * sizeof(*w->lat));
	w->cpu = malloc((size_t)per_combo * sizeof(*w->cpu));
	w->all = malloc((size_t)per_combo * 16 * 3 * sizeof(*w->all));
	w->all_cpu = malloc((size_t)per_combo * 16 * 3 * sizeof(*w->all));
	w->nall = 0;
	w->worst = w->worst_cpu = 0;
	if (!w->qs || !w->lat || !w->all || !w->cpu || !w->all_cpu)
		die("malloc");
}

static void
warm_free(warm *w)
{
	free(w->qs);
	free(w->lat);
	free(w->all);
	free(w->cpu);
	free(w->all_cpu);
}

static ews_consumption_query *
warm_set(const warm *w, int kind, int period)
{
	return w->qs + ((kind - 1) * 4 + period - 1) * w->per_combo;
}

/* One set's queries, 3 runs: the medians of their p50, p99, CPU p99. */
static void
warm_measure(warm *w, ews_site *site, int kind, int period)
{
	const ews_consumption_query *set = warm_set(w, kind, period);
	size_t n = (size_t)w->per_combo;
	double rep50[3], rep99[3], cpu99[3];
	ews_histogram h;
	int rep, i;

	for (rep = 0; rep < 3; rep++) {
		for (i = 0; i < w->per_combo; i++) {
			w->lat[i] = w->all[w->nall] =
			        time_query(site, &set[i], &h, &w->cpu[i]);
			w->all_cpu[w->nall++] = w->cpu[i];
		}
		rep50[rep] = quantile(w->lat, n, 0.5);
		rep99[rep] = quantile(w->lat, n, 0.99);
		cpu99[rep] = quantile(w->cpu, n, 0.99);
	}
	w->p50[kind][period] = median(rep50, 3);
	w->p99[kind][period] = median(rep99, 3);
	w->p99cpu[kind][period] = median(cpu99, 3);
	if (w->p99[kind][period] > w->worst)
		w->worst = w->p99[kind][period];
	if (w->p99cpu[kind][period] > w->worst_cpu)
		w->worst_cpu = w->p99cpu[kind][period];
}

static void
warm_print(warm *w)
{
	static const char *const scope_label[] = { "", "site", "device", "load",
		                                   "group" };
	double all_p50 = quantile(w->all, w->nall, 0.5);
	int kind, period;

	printf("B2 histograms, warm, in-process: %d random queries per scope "
	       "and period, energy; p50 / p99 wall (p99 CPU) in us, medians "
	       "of 3 runs\n",
	       w->per_combo);
	printf("    %-8s %21s %21s %21s %21s\n", "", "day", "month", "year",
	       "decade");
	for (kind = 1; kind <= 4; kind++) {
		printf("    %-8s", scope_label[kind]);
		for (period = 1; period <= 4; period++)
			printf("  %5.1f / %6.1f (%5.1f)",
			       w->p50[kind][period] * 1e6,
			       w->p99[kind][period] * 1e6,
			       w->p99cpu[kind][period] * 1e6);
		printf("\n");
	}
	printf("B2 warm: p50 %.1f us, p99 %.1f us over all, worst p99 %.3f ms "
	       "(target <= 0.2 ms) %s; CPU time per query: p99 %.1f us over "
	       "all, worst p99 %.3f ms %s\n",
	       all_p50 * 1e6, quantile(w->all, w->nall, 0.99) * 1e6,
	       w->worst * 1e3, w->worst <= 0.2e-3 ? "ok" : "MISSED",
	       quantile(w->all_cpu, w->nall, 0.99) * 1e6, w->worst_cpu * 1e3,
	       w->worst_cpu <= 0.2e-3 ? "ok" : "MISSED");
}

/* Random histograms of every scope and period, after one warm-up pass. */
static void
b2_warm(bench_site *b, const dataset *ds, int per_combo)
{
	uint64_t rng = SEED ^ 0xb2;
	ews_histogram h;
	int kind, period, i;
	warm w;

	warm_init(&w, per_combo);
	for (kind = 1; kind <= 4; kind++)
		for (period = 1; period <= 4; period++)
			random_queries(b, ds, (ews_scope_kind)kind,
			               (ews_period)period, &rng,
			               warm_set(&w, kind, period),
			               (size_t)per_combo);
	for (i = 0; i < per_combo * 16; i++) /* warm up */
		time_query(b->site, &w.qs[i], &h, NULL);
	for (kind = 1; kind <= 4; kind++)
		for (period = 1; period <= 4; period++)
			warm_measure(&w, b->site, kind, period);
	warm_print(&w);
	warm_free(&w);
}

/* ------------------------------------------------------------------ */
/* The peer                                                            */

/* The Home Assistant-style peer: hourly consumption rows per device. */
static sqlite3 *
ha_build(const bench_site *b, const dataset *ds, const char *path,
         double *seconds)
{
	sqlite3 *db = peer_open(path, "CREATE TABLE hourly(series INT,"
	                              " start INT, sum REAL,"
	                              " PRIMARY KEY(series, start))");
	sqlite3_stmt *ins = prepare(db, "INSERT INTO hourly VALUES (?, ?, ?)");
	double t0 = now_s();
	size_t i;

	exec_sql(db, "BEGIN");
	for (i = 0; i < DEVICES; i++) {
		devgen g;
		int64_t t, hour_t = ds->start_ms;
		double hour_c = -1, c;

		devgen_init(&g, (int)i);
		for (t = ds->start_ms; t < ds->end_ms; t = next_time(ds, t)) {
			c = devgen_at(&g, t);
			if (t % HOUR_MS != 0)
				continue;
			if (hour_c >= 0) {
				sqlite3_bind_int64(ins, 1, b->dev[i]);
				sqlite3_bind_int64(ins, 2, hour_t / 1000);
				sqlite3_bind_double(ins, 3, c - hour_c);
				step_done(db, ins, "hourly insert");
			}
			hour_t = t;
			hour_c = c;
		}
	}
	exec_sql(db, "COMMIT");
	sqlite3_finalize(ins);
	*seconds = now_s() - t0;
	return db;
}

/* Re-aggregate the hourly rows of the site's devices into the buckets
 * edge[0..n] (UTC ms), as a Home Assistant year view does per call. */
static double
ha_query(sqlite3 *db, const bench_site *b, const int64_t *edge, size_t n,
         double *sums)
{
	char sql[8192];
	size_t len = 0, i;
	sqlite3_stmt *st;
	double t0;
	int rc;

	len += (size_t)snprintf(sql + len, sizeof(sql) - len, "SELECT CASE");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len,
		                        " WHEN start < ?%zu THEN %zu", i + 2,
		                        i);
	len += (size_t)snprintf(sql + len, sizeof(sql) - len,
	                        " END AS b, sum(sum) FROM hourly"
	                        " WHERE series IN (");
	for (i = 0; i < DEVICES; i++)
		if (!b->excluded[i])
			len += (size_t)snprintf(
			        sql + len, sizeof(sql) - len, "%s%lld",
			        len && sql[len - 1] == '(' ? "" : ",",
			        (long long)b->dev[i]);
	snprintf(sql + len, sizeof(sql) - len,
	         ") AND start >= ?1 AND start < ?%zu GROUP BY b ORDER BY b",
	         n + 1);
	t0 = now_s();
	st = prepare(db, sql);
	for (i = 0; i <= n; i++)
		sqlite3_bind_int64(st, (int)i + 1, edge[i] / 1000);
	for (i = 0; i < n; i++)
		sums[i] = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = sqlite3_column_int(st, 0);

		if (k >= 0 && (size_t)k < n)
			sums[k] = sqlite3_column_double(st, 1);
	}
	check_sql(db, rc, "hourly query");
	sqlite3_finalize(st);
	return now_s() - t0;
}

/* Edges of a year or decade histogram: its buckets and the next one's
 * first. */
static size_t
edges_of(ews_site *site, ews_period period, int32_t year, int64_t *edge)
{
	ews_consumption_query q;
	ews_histogram h, next;
	size_t i;

	ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION);
	q.period = period;
	q.year = year;
	q.month = q.day = 1;
	check_ews(ews_site_consumption(site, &q, &h), "edges");
	q.year = year + (period == EWS_PERIOD_YEAR ? 1 : 10);
	check_ews(ews_site_consumption(site, &q, &next), "edges");
	for (i = 0; i < h.count; i++)
		edge[i] = h.buckets[i].start_ms;
	edge[h.count] = next.buckets[0].start_ms;
	return h.count;
}

/* Site year or decade: ews (median of many calls) against the peer
 * (median of 3), and the buckets both see in full compared. */
static void
b2_peer(ews_site *site, sqlite3 *ha, const bench_site *b, const dataset *ds,
        ews_period period, int32_t year)
{
	int64_t edge[EWS_HISTOGRAM_MAX + 1];
	double sums[EWS_HISTOGRAM_MAX], peer_t[3], ews_t[1001];
	size_t n = edges_of(site, period, year, edge), i, same = 0, cmp = 0;
	ews_consumption_query q;
	ews_histogram h;
	double pt, et;

	ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION);
	q.period = period;
	q.year = year;
	q.month = q.day = 1;
	for (i = 0; i < 1001; i++)
		ews_t[i] = time_query(site, &q, &h, NULL);
	for (i = 0; i < 3; i++)
		peer_t[i] = ha_query(ha, b, edge, n, sums);
	for (i = 0; i < n; i++)
		if (edge[i + 1] <= ds->end_ms) {
			cmp++;
			same += llround(sums[i] * 1000) ==
			        h.buckets[i].value_milli;
		}
	pt = median(peer_t, 3);
	et = median(ews_t, 1001);
	printf("B2 site %-6s %d: ews %.4f ms, peer (hourly rows re-aggregated "
	       "per call) %.1f ms, ratio %.0fx (target >= 1000x) %s; %zu/%zu "
	       "buckets equal\n",
	       ews_period_name(period), (int)year, et * 1e3, pt * 1e3, pt / et,
	       pt / et >= 1000 ? "ok" : "MISSED", same, cmp);
}

/* The peer built, then the site's year and decade against it. */
static void
b2_peers(bench_site *b, const dataset *ds, const char *ha_path)
{
	double build_s;
	sqlite3 *ha = ha_build(b, ds, ha_path, &build_s);

	printf("B2 peer: hourly table, %lld rows per device, built in %.1f s "
	       "(not timed against)\n",
	       (long long)((ds->end_ms - ds->start_ms) / HOUR_MS), build_s);
	b2_peer(b->site, ha, b, ds, EWS_PERIOD_YEAR,
	        END_YEAR - (ds->years + 1) / 2);
	b2_peer(b->site, ha, b, ds, EWS_PERIOD_DECADE, END_YEAR - 10);
	sqlite3_close(ha);
}

/* ------------------------------------------------------------------ */
/* Cold                                                                */

/* One --cold-query child: its open and histogram ms; the whole process's
 * ms. */
static double
cold_child(const char *self, char **argv, double *open_ms, double *query_ms)
{
	char out[128] = { 0 };
	double t0 = now_s(), proc;
	ssize_t got = 0, r;
	int fd, status;
	pid_t pid;

	fd = spawn_piped(self, argv, "spawn --cold-query", &pid);
	while ((r = read(fd, out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += r;
	close(fd);
	waitpid(pid, &status, 0);
	proc = (now_s() - t0) * 1e3;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(out, "%lf %lf", open_ms, query_ms) != 2)
		die("--cold-query failed");
	return proc;
}

/* A fresh process, site.db dropped from the page cache; median of 3. */
static void
b2_cold(bench_site *b, const dataset *ds, const char *self, const char *catalog)
{
	double total[3], open_ms[3], query_ms[3], proc[3];
	char db[700], year[16];
	char *argv[] = { (char *)self,    "--cold-query", b->dir, "--catalog",
		         (char *)catalog, year,           NULL };
	int rep;

	snprintf(db, sizeof(db), "%s/site.db", b->dir);
	db_bytes(db);
	snprintf(year, sizeof(year), "%d", END_YEAR - (ds->years + 1) / 2);
	for (rep = 0; rep < 3; rep++) {
		proc[rep] =
		        cold_child(self, argv, &open_ms[rep], &query_ms[rep]);
		total[rep] = open_ms[rep] + query_ms[rep];
	}
	printf("B2 cold: fresh process, site.db dropped from the page "
	       "cache: open + site year histogram %.1f ms (target <= "
	       "20 ms) %s; open %.1f ms, histogram %.1f ms; whole "
	       "process %.1f ms; medians of 3\n",
	       median(total, 3), median(total, 3) <= 20 ? "ok" : "MISSED",
	       median(open_ms, 3), median(query_ms, 3), median(proc, 3));
}

void
b2_run(bench_site *b, const dataset *ds, int per_combo, const char *ha_path,
       const char *self, const char *catalog)
{
	b2_warm(b, ds, per_combo);
	b2_peers(b, ds, ha_path);
	b2_cold(b, ds, self, catalog);
}

int
cold_query(const char *dir, const char *catalog, int32_t year)
{
	static const char *const files[] = { "site.db", "site.db-wal",
		                             "site.db-shm" };
	ews_consumption_query q;
	ews_histogram h;
	ews_site *site;
	double t0, t1, t2;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[700];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		fsync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
	t0 = now_s();
	site_open(dir, catalog, 0, &site);
	t1 = now_s();
	ews_consumption_query_init(&q, EWS_CONSUMPTION_QUERY_VERSION);
	q.period = EWS_PERIOD_YEAR;
	q.year = year;
	q.month = q.day = 1;
	check_ews(ews_site_consumption(site, &q, &h), "cold query");
	t2 = now_s();
	if (h.total_milli <= 0)
		die("cold query: empty year");
	printf("%.3f %.3f\n", (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	ews_site_close(site);
	return 0;
}
