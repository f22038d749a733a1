/*
 * B1 ingest: bulk import through ews_site_samples_add, interleaved batch
 * by batch with the peer, a bare SQLite WITHOUT ROWID table (series, t,
 * v) filled with the same rows, one transaction per batch, WAL and
 * synchronous=NORMAL like the site. Bytes per sample on disk all-in and
 * handed to write(), then SWEEPS steady-state sweeps (CPU per sweep),
 * beside the same sweeps into the peer and into a time-major (t, series)
 * table.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumption.h"

/* ------------------------------------------------------------------ */
/* The peer                                                            */

typedef struct peer {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *insert, *insert_tm;
} peer;

static void
peer_init(peer *p, const char *path)
{
	p->db = peer_open(path, "CREATE TABLE s(series INT, t INT, v REAL,"
	                        " PRIMARY KEY(series, t)) WITHOUT ROWID");
	p->begin = prepare(p->db, "BEGIN IMMEDIATE");
	p->commit = prepare(p->db, "COMMIT");
	p->insert = prepare(p->db, "INSERT INTO s VALUES (?, ?, ?)");
	/* Steady state only: the time-major append of anchors §2. */
	exec_sql(p->db, "CREATE TABLE tm(t INT, series INT, v REAL,"
	                " PRIMARY KEY(t, series)) WITHOUT ROWID");
	p->insert_tm = prepare(p->db, "INSERT INTO tm VALUES (?, ?, ?)");
}

/* One transaction: the rows into s (series, t), or into tm (t, series). */
static void
peer_insert(peer *p, const ews_reading *r, size_t n, int time_major)
{
	sqlite3_stmt *ins = time_major ? p->insert_tm : p->insert;
	size_t i;

	step_done(p->db, p->begin, "peer begin");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int64(ins, time_major ? 2 : 1, r[i].device_id);
		sqlite3_bind_int64(ins, time_major ? 1 : 2, r[i].t_ms);
		sqlite3_bind_double(ins, 3, r[i].value);
		step_done(p->db, ins, "peer insert");
	}
	step_done(p->db, p->commit, "peer commit");
}

static void
peer_batch(peer *p, const ews_reading *r, size_t n)
{
	peer_insert(p, r, n, 0);
}

static void
peer_close(peer *p)
{
	sqlite3_finalize(p->begin);
	sqlite3_finalize(p->commit);
	sqlite3_finalize(p->insert);
	sqlite3_finalize(p->insert_tm);
	sqlite3_close(p->db);
}

/* ------------------------------------------------------------------ */
/* Measures                                                            */

/* Bytes this process has handed to write() and pwrite() so far. */
static double
io_written(void)
{
	static int fd = -1;
	char buf[512], *w;
	ssize_t n;

	if (fd < 0 && (fd = open("/proc/self/io", O_RDONLY)) < 0)
		return 0;
	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	w = strstr(buf, "wchar:");
	return w ? strtod(w + 6, NULL) : 0;
}

/* Pages of each table and index (dbstat), and the free list. */
static void
print_breakdown(const char *path, double samples)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int64_t freelist = 0, page = 0;

	check_sql(NULL, sqlite3_open(path, &db), path);
	if (sqlite3_prepare_v2(db,
	                       "SELECT name, sum(pgsize), sum(ncell)"
	                       " FROM dbstat GROUP BY name"
	                       " ORDER BY 2 DESC LIMIT 4",
	                       -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW)
			printf("    %-22s %8.1f MB  %5.2f B/sample  (%lld "
			       "cells)\n",
			       (const char *)sqlite3_column_text(st, 0),
			       (double)sqlite3_column_int64(st, 1) / 1e6,
			       (double)sqlite3_column_int64(st, 1) / samples,
			       (long long)sqlite3_column_int64(st, 2));
		sqlite3_finalize(st);
	}
	st = prepare(db, "PRAGMA freelist_count");
	if (sqlite3_step(st) == SQLITE_ROW)
		freelist = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = prepare(db, "PRAGMA page_size");
	if (sqlite3_step(st) == SQLITE_ROW)
		page = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	printf("    %-22s %8.1f MB  %5.2f B/sample\n", "(free pages)",
	       (double)(freelist * page) / 1e6,
	       (double)(freelist * page) / samples);
	sqlite3_close(db);
}

/* ------------------------------------------------------------------ */
/* Bulk import                                                         */

/* Wall seconds of one batch into the site or else the peer; the bytes
 * it wrote are added to *written (measured outside the time). */
static double
one_batch(ews_site *site, peer *p, const ews_reading *r, size_t n,
          double *written)
{
	double w0 = io_written(), t0 = now_s(), t;

	if (site)
		check_ews(ews_site_samples_add(site, r, n), "samples_add");
	else
		peer_batch(p, r, n);
	t = now_s() - t0;
	*written += io_written() - w0;
	return t;
}

/* Batch number `index` into the site and into the peer, which of the two
 * goes first alternating. */
static void
import_batch(ews_site *site, peer *p, const ews_reading *batch, size_t n,
             int64_t index, b1_result *res)
{
	int w;

	for (w = 0; w < 2; w++) {
		if ((w ^ (int)(index % 2)) == 0)
			res->ews_s += one_batch(site, NULL, batch, n,
			                        &res->ews_written);
		else
			res->peer_s += one_batch(NULL, p, batch, n,
			                         &res->peer_written);
	}
}

/* Append a device's readings from *from up to `to` to batch[n..]; *from
 * becomes `to`'s first sample time. The batch's length after. */
static size_t
append_readings(const dataset *ds, devgen *g, int64_t device_id, int64_t *from,
                int64_t to, ews_reading *batch, size_t n)
{
	int64_t t;

	for (t = *from; t < to; t = next_time(ds, t), n++) {
		memset(&batch[n], 0, sizeof(batch[n]));
		batch[n].device_id = device_id;
		batch[n].quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
		batch[n].t_ms = t;
		batch[n].value = devgen_at(g, t);
	}
	*from = t;
	return n;
}

/* The history, month by month: a batch per device-month, or per month of
 * every device; each into the site and the peer. */
static void
b1_import(bench_site *b, const dataset *ds, peer *p, devgen *g, b1_result *res)
{
	static ews_reading batch[BATCH_MAX * DEVICES];
	int64_t next[DEVICES];
	int months = ds->years * 12, mi;
	int64_t batches = 0, done = 0;
	size_t i;

	for (i = 0; i < DEVICES; i++)
		next[i] = ds->start_ms;
	for (mi = 0; mi < months; mi++) {
		int64_t to = month_start_ms(END_YEAR - ds->years, mi + 1);
		size_t n = 0;

		for (i = 0; i < DEVICES; i++) {
			if (!ds->site_months)
				n = 0;
			n = append_readings(ds, &g[i], b->dev[i], &next[i], to,
			                    batch, n);
			if (ds->site_months && i + 1 < DEVICES)
				continue;
			import_batch(b->site, p, batch, n, batches, res);
			batches++;
			done += (int64_t)n;
		}
		if (isatty(2))
			fprintf(stderr, "\r  B1 import: %d/%d months", mi + 1,
			        months);
	}
	if (isatty(2))
		fprintf(stderr, "\r%40s\r", "");
	if (done != ds->samples) {
		fprintf(stderr, "consumption: %lld samples, expected %lld\n",
		        (long long)done, (long long)ds->samples);
		exit(1);
	}
}

/* ------------------------------------------------------------------ */
/* Steady state                                                        */

static void
fill_sweep(const bench_site *b, devgen *g, int64_t t, ews_reading *r)
{
	size_t i;

	for (i = 0; i < DEVICES; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].device_id = b->dev[i];
		r[i].quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
		r[i].t_ms = t;
		r[i].value = devgen_at(&g[i], t);
	}
}

/* One sweep of every meter each 10 minutes after the history, into the
 * site and then both peer tables. */
static void
b1_steady(bench_site *b, const dataset *ds, peer *p, devgen *g, b1_result *res)
{
	static ews_reading sweep[DEVICES];
	double sweep_cpu[SWEEPS], sweep_wall[SWEEPS], peer_cpu[SWEEPS];
	double sweep_sys[SWEEPS], peer_tm[SWEEPS];
	double cs = 0, ss = 0;
	int k;

	for (k = 0; k < SWEEPS; k++) {
		double c0, w0, s0, io = io_written();

		fill_sweep(b, g, ds->end_ms + (int64_t)k * TEN_MIN_MS, sweep);
		s0 = sys_s();
		c0 = cpu_s();
		w0 = now_s();
		check_ews(ews_site_samples_add(b->site, sweep, DEVICES),
		          "sweep");
		sweep_wall[k] = now_s() - w0;
		sweep_cpu[k] = cpu_s() - c0;
		sweep_sys[k] = sys_s() - s0;
		res->sweep_written += io_written() - io;
		io = io_written();
		c0 = cpu_s();
		peer_insert(p, sweep, DEVICES, 0);
		peer_cpu[k] = cpu_s() - c0;
		res->peer_sweep_written += io_written() - io;
		io = io_written();
		c0 = cpu_s();
		peer_insert(p, sweep, DEVICES, 1);
		peer_tm[k] = cpu_s() - c0;
		res->peer_tm_written += io_written() - io;
	}
	res->sweep_cpu = median(sweep_cpu, SWEEPS);
	/* the user/system split is sampled by ticks: use the sums */
	for (k = 0; k < SWEEPS; k++) {
		cs += sweep_cpu[k];
		ss += sweep_sys[k];
	}
	res->sweep_sys = cs > 0 ? ss / cs : 0;
	res->sweep_p99_wall = quantile(sweep_wall, SWEEPS, 0.99);
	res->peer_sweep_cpu = median(peer_cpu, SWEEPS);
	res->peer_tm_cpu = median(peer_tm, SWEEPS);
}

void
b1_run(bench_site *b, const dataset *ds, const char *catalog,
       const char *peer_path, devgen *g, b1_result *res)
{
	char db[700];
	peer p;
	size_t i;

	site_build(b, catalog);
	peer_init(&p, peer_path);
	memset(res, 0, sizeof(*res));
	for (i = 0; i < DEVICES; i++)
		devgen_init(&g[i], (int)i);
	b1_import(b, ds, &p, g, res);
	snprintf(db, sizeof(db), "%s/site.db", b->dir);
	res->ews_bytes = db_bytes(db);
	res->peer_bytes = db_bytes(peer_path);
	b1_steady(b, ds, &p, g, res);
	peer_close(&p);
}

/* ------------------------------------------------------------------ */
/* Report                                                              */

/* Import rate against the peer's, and bytes written. */
static void
print_import(const b1_result *res, int reps, const dataset *ds)
{
	double ews_rate[REPS_MAX], peer_rate[REPS_MAX], ratio[REPS_MAX];
	double er, pr;
	const b1_result *last = &res[reps - 1];
	int rep;

	for (rep = 0; rep < reps; rep++) {
		ews_rate[rep] = (double)ds->samples / res[rep].ews_s;
		peer_rate[rep] = (double)ds->samples / res[rep].peer_s;
		ratio[rep] = ews_rate[rep] / peer_rate[rep];
	}
	er = median(ews_rate, (size_t)reps);
	pr = median(peer_rate, (size_t)reps);
	printf("B1 ingest: %.3f Msamples/s, peer %.3f Msamples/s, "
	       "ratio "
	       "%.2f (target >= 0.4) %s; %.1f s for the history; "
	       "median of %d\n",
	       er / 1e6, pr / 1e6, median(ratio, (size_t)reps),
	       median(ratio, (size_t)reps) >= 0.4 ? "ok" : "MISSED",
	       (double)ds->samples / er, reps);
	printf("B1 written: ews %.0f B/sample handed to write() during "
	       "the import (WAL and checkpoints), peer %.0f B/sample\n",
	       last->ews_written / (double)ds->samples,
	       last->peer_written / (double)ds->samples);
}

/* Bytes per sample on disk, with the breakdown of site_dir's site.db. */
static void
print_size(const b1_result *res, int reps, const dataset *ds,
           const char *site_dir)
{
	double bytes[REPS_MAX], pbytes[REPS_MAX];
	char db[700];
	int rep;

	for (rep = 0; rep < reps; rep++) {
		bytes[rep] = res[rep].ews_bytes / (double)ds->samples;
		pbytes[rep] = res[rep].peer_bytes / (double)ds->samples;
	}
	printf("B1 size: %.2f B/sample all-in (site.db + -wal after a "
	       "checkpoint, %.1f MB) (target <= 20) %s; peer %.2f "
	       "B/sample\n",
	       median(bytes, (size_t)reps),
	       median(bytes, (size_t)reps) * (double)ds->samples / 1e6,
	       median(bytes, (size_t)reps) <= 20 ? "ok" : "MISSED",
	       median(pbytes, (size_t)reps));
	snprintf(db, sizeof(db), "%s/site.db", site_dir);
	print_breakdown(db, (double)ds->samples);
}

/* CPU and bytes written per sweep, against the peers'. */
static void
print_steady(const b1_result *res, int reps)
{
	double cpu[REPS_MAX], wall99[REPS_MAX], pcpu[REPS_MAX];
	double sys[REPS_MAX], ptm[REPS_MAX];
	const b1_result *last = &res[reps - 1];
	int rep;

	for (rep = 0; rep < reps; rep++) {
		cpu[rep] = res[rep].sweep_cpu;
		wall99[rep] = res[rep].sweep_p99_wall;
		pcpu[rep] = res[rep].peer_sweep_cpu;
		sys[rep] = res[rep].sweep_sys;
		ptm[rep] = res[rep].peer_tm_cpu;
	}
	printf("B1 steady state: %.3f ms CPU per 255-device sweep "
	       "(target <= 2 ms) %s, %.0f%% of it system; p99 "
	       "commit %.3f ms wall; peers, same sweeps: %.3f ms CPU "
	       "into s (series, t), %.3f ms into (t, series); median "
	       "of %d sweeps, median of %d\n",
	       median(cpu, (size_t)reps) * 1e3,
	       median(cpu, (size_t)reps) <= 2e-3 ? "ok" : "MISSED",
	       median(sys, (size_t)reps) * 100,
	       median(wall99, (size_t)reps) * 1e3,
	       median(pcpu, (size_t)reps) * 1e3,
	       median(ptm, (size_t)reps) * 1e3, SWEEPS, reps);
	printf("B1 steady state written: %.0f B/sample (anchors' "
	       "target "
	       "<= 150) %s; peers %.0f into s (series, t), %.0f into "
	       "(t, "
	       "series)\n",
	       last->sweep_written / (SWEEPS * DEVICES),
	       last->sweep_written / (SWEEPS * DEVICES) <= 150 ? "ok"
	                                                       : "MISSED",
	       last->peer_sweep_written / (SWEEPS * DEVICES),
	       last->peer_tm_written / (SWEEPS * DEVICES));
}

void
b1_print(const b1_result *res, int reps, const dataset *ds,
         const char *site_dir)
{
	print_import(res, reps, ds);
	print_size(res, reps, ds, site_dir);
	print_steady(res, reps);
	fflush(stdout);
}
