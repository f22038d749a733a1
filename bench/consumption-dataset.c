/*
 * The consumption benchmark's dataset, a fixed-seed generator of 255
 * SDM630 counters, and the site they are recorded in: 8 gateways, 14
 * loads, 16 groups, Europe/Rome.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "consumption.h"

/* ------------------------------------------------------------------ */
/* Dataset                                                             */

void
devgen_init(devgen *g, int i)
{
	memset(g, 0, sizeof(*g));
	g->rng = SEED ^ ((uint64_t)(i + 1) * 0xD1B54A32D192ED03ull);
	g->base_w = 50 + 1450 * rng_unit(&g->rng);
	g->office_w = rng_unit(&g->rng) < 0.7 ? 4000 * rng_unit(&g->rng) : 0;
	g->season = -0.4 + 1.2 * rng_unit(&g->rng);
	g->noise = 0.05 + 0.25 * rng_unit(&g->rng);
	g->cum_wh = 1e6 * rng_unit(&g->rng);
	g->last_ms = INT64_MIN;
}

static double
power_w(const devgen *g, int64_t t_ms)
{
	int64_t local_s = t_ms / 1000 + 3600; /* CET is enough for a shape */
	int64_t day = local_s / 86400;
	double hour = (double)(local_s % 86400) / 3600.0;
	int weekday = (int)((day + 4) % 7); /* 0: Sunday */
	double doy = fmod((double)day, 365.2425);
	double p = g->base_w *
	           (1.0 + g->season * cos(2 * M_PI * (doy - 15) / 365.2425));

	if (weekday >= 1 && weekday <= 5 && hour >= 8 && hour < 18)
		p += g->office_w;
	return p;
}

double
devgen_at(devgen *g, int64_t t_ms)
{
	if (g->last_ms != INT64_MIN && t_ms > g->last_ms) {
		double h = (double)(t_ms - g->last_ms) / 3.6e6;
		double p = power_w(g, g->last_ms + (t_ms - g->last_ms) / 2);
		double n = 1.0 + g->noise * (2.0 * rng_unit(&g->rng) - 1.0);

		g->cum_wh += p * h * n;
	}
	g->last_ms = t_ms;
	return floor(g->cum_wh);
}

int64_t
next_time(const dataset *ds, int64_t t)
{
	return t < ds->cut_ms ? t + HOUR_MS : t + TEN_MIN_MS;
}

int64_t
month_start_ms(int year, int month0)
{
	return days_from_civil(year + month0 / 12,
	                       (unsigned int)(month0 % 12) + 1, 1) *
	       DAY_MS;
}

void
dataset_init(dataset *ds, int years)
{
	int64_t t;

	ds->years = years;
	ds->start_ms = days_from_civil(END_YEAR - years, 1, 1) * DAY_MS;
	ds->end_ms = days_from_civil(END_YEAR, 1, 1) * DAY_MS;
	ds->cut_ms = ds->end_ms - FINE_DAYS * DAY_MS;
	ds->samples = 0;
	for (t = ds->start_ms; t < ds->end_ms; t = next_time(ds, t))
		ds->samples++;
	ds->samples *= DEVICES;
}

/* ------------------------------------------------------------------ */
/* The site                                                            */

void
site_open(const char *dir, const char *catalog, unsigned int flags,
          ews_site **out)
{
	ews_site_opts opts;

	ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION);
	opts.flags = flags;
	opts.timezone = "Europe/Rome";
	opts.catalog_dir = catalog;
	check_ews(ews_site_open(dir, &opts, out), dir);
}

/* Gateways 2.. (1 is Local), PER_GATEWAY meters each; their ids in gw. */
static void
add_gateways(bench_site *b, int64_t *gw)
{
	size_t g;

	b->ngateways = (DEVICES + PER_GATEWAY - 1) / PER_GATEWAY;
	gw[0] = 1; /* Local */
	for (g = 1; g < b->ngateways; g++) {
		ews_gateway w;

		ews_gateway_init(&w, EWS_GATEWAY_VERSION);
		snprintf(w.name, sizeof(w.name), "gw-%zu", g);
		snprintf(w.ip, sizeof(w.ip), "10.0.0.%zu", g);
		check_ews(ews_site_gateway_add(b->site, &w), "gateway");
		gw[g] = w.id;
	}
}

/* The catalog's loads, those of electricity kept, and user loads up to
 * LOADS in all; then GROUPS groups. */
static void
add_categories(bench_site *b)
{
	ews_list *list;
	size_t i;

	check_ews(ews_site_category_list(b->site, EWS_CATEGORY_LOAD, &list),
	          "loads");
	b->all_loads = ews_list_len(list);
	for (i = 0; i < ews_list_len(list); i++) {
		const ews_category *c = ews_list_category(list, i);

		if (c->origin != EWS_ORIGIN_GAS &&
		    c->origin != EWS_ORIGIN_WATER)
			b->loads[b->nloads++] = c->id;
	}
	ews_list_free(list);
	for (i = 1; b->all_loads < LOADS; i++, b->all_loads++) {
		ews_category c;

		ews_category_init(&c, EWS_CATEGORY_VERSION, EWS_CATEGORY_LOAD);
		snprintf(c.name, sizeof(c.name), "User load %zu", i);
		check_ews(ews_site_category_add(b->site, &c), "user load");
		b->loads[b->nloads++] = c.id;
	}
	for (i = 0; i < GROUPS; i++) {
		ews_category c;

		ews_category_init(&c, EWS_CATEGORY_VERSION, EWS_CATEGORY_GROUP);
		snprintf(c.name, sizeof(c.name), "Group %02zu", i + 1);
		check_ews(ews_site_category_add(b->site, &c), "group");
		b->groups[i] = c.id;
	}
}

/* The meters: a load each, one group or two, a few excluded. */
static void
add_devices(bench_site *b, const int64_t *gw)
{
	size_t i;

	for (i = 0; i < DEVICES; i++) {
		ews_device d;
		size_t g2 = (i / GROUPS + 5) % GROUPS;

		ews_device_init(&d, EWS_DEVICE_VERSION);
		d.gateway_id = gw[i / PER_GATEWAY];
		d.address = (unsigned int)(i % PER_GATEWAY) + 1;
		snprintf(d.model, sizeof(d.model), "eastron_sdm630");
		snprintf(d.name, sizeof(d.name), "meter-%03zu", i + 1);
		d.load_id = b->loads[i % b->nloads];
		d.group_ids[d.group_count++] = b->groups[i % GROUPS];
		if (i % 3 == 0 && g2 != i % GROUPS)
			d.group_ids[d.group_count++] = b->groups[g2];
		/* a few sub-meters, not counted in the site's total */
		b->excluded[i] = d.exclude_totals = i % 51 == 50;
		check_ews(ews_site_device_add(b->site, &d), "device");
		b->dev[i] = d.id;
	}
}

void
site_build(bench_site *b, const char *catalog)
{
	int64_t gw[DEVICES / PER_GATEWAY + 1];

	site_open(b->dir, catalog, EWS_SITE_CREATE | EWS_SITE_EXCL, &b->site);
	add_gateways(b, gw);
	add_categories(b);
	add_devices(b, gw);
}
