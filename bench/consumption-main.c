/*
 * B1 ingest, B2 histograms and B10 crash safety of the consumption engine
 * (issue 4; performance-anchors.md §7), each beside its peer in the same
 * process, on a generated dataset: 255 SDM630 meters on 8 gateways, 14
 * loads, 16 groups, Europe/Rome; N years of hourly counter readings up to
 * 2020-01-01 UTC plus the last 35 days at 10 minutes ("CI scale": 10
 * years, about 23 M samples).
 *
 *   consumption [--years N | --quick] [--batch month|device-month]
 *               [--dir DIR] [--catalog DIR] [--reps N] [--queries N]
 *               [--trials N] [--keep]
 *
 * B1: bulk import through ews_site_samples_add, one batch per
 * device-month (or, with --batch month, per month of every device),
 * interleaved batch by batch with the peer: a bare SQLite
 * WITHOUT ROWID table (series, t, v) filled with the same rows, one
 * transaction per batch, WAL and synchronous=NORMAL like the site.
 * Bytes per sample on disk all-in and handed to write(), then 100
 * steady-state sweeps (CPU per sweep), beside the same sweeps into the peer
 * and into a time-major (t, series) table (consumption-ingest.c).
 * B2: warm p50/p99 of random histograms of every scope and period; the
 * peer re-aggregates an hourly table per call (Home Assistant's method)
 * for the site's year and decade, buckets compared; cold: a fresh process
 * (this program, --cold-query) with site.db dropped from the page cache
 * (consumption-query.c).
 * B10: a child (this program, --crash-child) ingests sweeps and is killed
 * with SIGKILL; the site must pass integrity_check and hold every sweep
 * reported committed (consumption-crash.c).
 *
 * Each figure is printed with its target.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "consumption.h"

#ifndef BENCH_CATALOG_DIR
#define BENCH_CATALOG_DIR NULL
#endif

typedef struct options {
	const char *catalog;
	const char *base; /* of the scratch directory, or NULL */
	int years, reps, queries, trials, keep;
	int site_months; /* --batch month */
} options;

static void
usage(void)
{
	fprintf(stderr, "usage: consumption [--years N | --quick] [--batch "
	                "month|device-month] [--dir DIR]"
	                " [--catalog DIR] [--reps N] [--queries N] [--trials N]"
	                " [--keep]\n");
	exit(2);
}

/* The options of a run (--catalog is already in o); exits on a bad one. */
static void
parse_options(int argc, char **argv, options *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--years") == 0 && i + 1 < argc)
			o->years = atoi(argv[++i]);
		else if (strcmp(argv[i], "--quick") == 0)
			o->years = 1;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			o->base = argv[++i];
		else if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc)
			i++;
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			o->reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
			o->queries = atoi(argv[++i]);
		else if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc)
			o->trials = atoi(argv[++i]);
		else if (strcmp(argv[i], "--keep") == 0)
			o->keep = 1;
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc &&
		         (strcmp(argv[i + 1], "month") == 0 ||
		          strcmp(argv[i + 1], "device-month") == 0))
			o->site_months = strcmp(argv[++i], "month") == 0;
		else
			usage();
	}
	if (o->years < 1 || o->years > 40 || o->reps < 1 ||
	    o->reps > REPS_MAX || o->queries < 10 || o->trials < 0 ||
	    !o->catalog)
		usage();
}

/* This program's path, for the children that re-execute it. */
static void
self_path(char *self, size_t size)
{
	ssize_t len;

	if ((len = readlink("/proc/self/exe", self, size - 1)) < 0)
		die("/proc/self/exe");
	self[len] = '\0';
}

/* A new scratch directory in base, else $TMPDIR, else /tmp. */
static void
make_scratch(const char *base, char *scratch, size_t size)
{
	if (!base)
		base = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
		                                             : "/tmp";
	snprintf(scratch, size, "%s/ews-bench-XXXXXX", base);
	if (!mkdtemp(scratch))
		die("mkdtemp");
}

static void
print_dataset(const dataset *ds)
{
	printf("dataset: %d devices (SDM630, %d gateways), %d loads, %d "
	       "groups, Europe/Rome; %d-01-01..%d-01-01 UTC hourly, the last "
	       "%d days at 10 min: %.2f M samples in %d batches (%s each)\n",
	       DEVICES, (DEVICES + PER_GATEWAY - 1) / PER_GATEWAY, LOADS,
	       GROUPS, END_YEAR - ds->years, END_YEAR, FINE_DAYS,
	       (double)ds->samples / 1e6,
	       ds->years * 12 * (ds->site_months ? 1 : DEVICES),
	       ds->site_months ? "a month of every device"
	                       : "one device-month");
	fflush(stdout);
}

/* B1, reps times, each in a new site and a new peer; the last site is
 * left open in b. */
static void
run_b1(const options *o, const dataset *ds, const char *scratch, bench_site *b,
       devgen *g, b1_result *res)
{
	char peer_path[700];
	int rep;

	for (rep = 0; rep < o->reps; rep++) {
		memset(b, 0, sizeof(*b));
		snprintf(b->dir, sizeof(b->dir), "%s/site-%d", scratch, rep);
		snprintf(peer_path, sizeof(peer_path), "%s/peer-%d.db", scratch,
		         rep);
		b1_run(b, ds, o->catalog, peer_path, g, &res[rep]);
		fprintf(stderr,
		        "  B1 run %d: ews %.1f s, peer %.1f s, %.2f B/sample, "
		        "sweep %.3f ms CPU\n",
		        rep + 1, res[rep].ews_s, res[rep].peer_s,
		        res[rep].ews_bytes / (double)ds->samples,
		        res[rep].sweep_cpu * 1e3);
		if (rep + 1 < o->reps) {
			ews_site_close(b->site);
			rmtree(b->dir);
		}
		remove(peer_path);
		snprintf(peer_path, sizeof(peer_path), "%s/peer-%d.db-wal",
		         scratch, rep);
		remove(peer_path);
	}
}

int
main(int argc, char **argv)
{
	options o = { .catalog = getenv("EWS_CATALOG_DIR"),
		      .years = 10,
		      .reps = 3,
		      .queries = 1000,
		      .trials = 5 };
	const char *cold = NULL;
	char scratch[512], self[PATH_MAX], ha_path[700];
	b1_result res[REPS_MAX];
	devgen g[DEVICES];
	bench_site b;
	dataset ds;
	int i, failed;

	if (!o.catalog || !*o.catalog)
		o.catalog = BENCH_CATALOG_DIR;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc)
			o.catalog = argv[++i];
		else if (strcmp(argv[i], "--cold-query") == 0 && i + 1 < argc)
			cold = argv[++i];
	}
	if (cold) /* --cold-query SITE --catalog DIR YEAR */
		return cold_query(cold, o.catalog,
		                  (int32_t)atoi(argv[argc - 1]));
	if (argc == 7 && strcmp(argv[1], "--crash-child") == 0)
		return crash_child(argv[2], argv[4], argv[5],
		                   strtoll(argv[6], NULL, 10));
	parse_options(argc, argv, &o);
	self_path(self, sizeof(self));
	make_scratch(o.base, scratch, sizeof(scratch));
	dataset_init(&ds, o.years);
	ds.site_months = o.site_months;
	print_dataset(&ds);

	run_b1(&o, &ds, scratch, &b, g, res);
	b1_print(res, o.reps, &ds, b.dir);

	snprintf(ha_path, sizeof(ha_path), "%s/hourly.db", scratch);
	b2_run(&b, &ds, o.queries, ha_path, self, o.catalog);
	fflush(stdout);
	remove(ha_path);

	failed = o.trials > 0
	                 ? b10_run(&b, g, scratch, self, o.catalog, o.trials)
	                 : 0;
	ews_site_close(b.site);
	if (o.keep)
		fprintf(stderr, "kept %s\n", scratch);
	else
		rmtree(scratch);
	return failed ? 1 : 0;
}
