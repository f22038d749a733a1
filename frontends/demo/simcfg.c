/*
 * The ews-sim configuration of the demo building (frontends/sim/README.md
 * has the format): every device whose model has a register map, at its
 * Modbus address, on its gateway's TCP port.
 *
 * Counters start where the history ends: `energy_kwh` is the value last
 * recorded, so ews-sim started with `--start` at the history's last
 * instant serves counters that continue it without a jump or a reset.
 * Loads follow ews-sim's office profile, scaled to what each device draws
 * at 11:00 on an open day of the season of `now`. The main incomer feeds
 * the four stations (it measures what they draw); one car on each
 * gateway is plugged in when ews-sim starts, the other stations see
 * cars come and go on working days.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "demo.h"

/* An open day of the season of now_ms, at 11:00 local time. */
static void
peak_time(const struct demo *d, int64_t now_ms, struct demo_when *w)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_hour = 11;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	demo_when_at((int64_t)mktime(&tm) * 1000, d->seed, w);
	w->workday = 1;
}

static double
peak_w(const struct demo *d, const struct demo_device *dev,
       const struct demo_when *w)
{
	const int64_t t0 = 0, t1 = 3600000; /* the noise of one hour */
	double p = demo_power(d, dev, w, t0, t1);
	size_t i;

	if (dev->kind == DEMO_MAIN) /* plus all but the stations it feeds */
		for (i = 0; i < d->ndev; i++)
			if (d->dev[i].kind != DEMO_MAIN &&
			    d->dev[i].kind != DEMO_EV && d->dev[i].m &&
			    d->dev[i].m->commodity == EWS_COMMODITY_ELECTRICITY)
				p += demo_power(d, &d->dev[i], w, t0, t1);
	return fmax(100, round(p));
}

static int
simulated(const struct demo_device *dev)
{
	return dev->m && dev->m->has_map;
}

static void
write_feeds(FILE *f, const struct demo *d)
{
	const char *sep = "";
	size_t i;

	fputs(", \"feeds\": [", f);
	for (i = 0; i < d->ndev; i++)
		if (d->dev[i].kind == DEMO_EV && simulated(&d->dev[i])) {
			fprintf(f, "%s%u", sep, d->dev[i].address);
			sep = ", ";
		}
	fputc(']', f);
}

static void
write_device(FILE *f, const struct demo *d, const struct demo_device *dev,
             const struct demo_when *w)
{
	fprintf(f,
	        "  {\"unit\": %u, \"port\": %u, \"model\": \"%s\", "
	        "\"energy_kwh\": %.17g",
	        dev->address, d->ports[dev->gateway], dev->model,
	        dev->recorded / 1000);
	if (dev->kind == DEMO_EV) {
		fprintf(f,
		        ", \"vehicle\": \"%s\", \"setpoint_a\": 16, "
		        "\"vehicle_max_a\": 16",
		        dev->sim_present ? "present" : "schedule");
		return;
	}
	fprintf(f, ", \"profile\": \"office\", \"peak_w\": %.0f",
	        peak_w(d, dev, w));
	if (dev->kind == DEMO_MAIN)
		write_feeds(f, d);
}

int
demo_write_sim_config(const struct demo *d, const char *path, int64_t now_ms)
{
	struct demo_when w;
	const char *sep = "";
	FILE *f = fopen(path, "w");
	size_t i;
	int bad;

	if (!f) {
		fprintf(stderr, "ews-demo: %s: %s\n", path, strerror(errno));
		return DEMO_EXIT_IO;
	}
	peak_time(d, now_ms, &w);
	fputs("{\"devices\": [\n", f);
	for (i = 0; i < d->ndev; i++) {
		if (!simulated(&d->dev[i]))
			continue;
		fputs(sep, f);
		write_device(f, d, &d->dev[i], &w);
		fputc('}', f);
		sep = ",\n";
	}
	fputs("\n]}\n", f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "ews-demo: %s: %s\n", path, strerror(errno));
		return DEMO_EXIT_IO;
	}
	return DEMO_EXIT_OK;
}
