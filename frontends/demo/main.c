/*
 * ews-demo — build the demo site: a small office building with a year of
 * history, and the ews-sim configuration that serves its devices.
 *
 * The history is generated through libews with an injected clock (every
 * sample has its own timestamp), not by waiting: a year takes seconds.
 * The same --now and --seed give the same site, history and ews-sim
 * configuration.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

#define ZONE "Europe/Rome"

static const char usage_text[] =
        "Usage: ews-demo --site DIR --sim-config FILE --ports P1,P2\n"
        "                [--now TIME] [--days N] [--seed N] [--catalog "
        "DIR]\n"
        "\n"
        "Create the demo site in DIR (which must not exist): an office "
        "building\n"
        "near Milan with a main incomer, sub-meters on the six predefined "
        "loads,\n"
        "gas and water counters, breakers and four EV stations on two "
        "Modbus TCP\n"
        "gateways (127.0.0.1:P1 and 127.0.0.1:P2), peak and off-peak "
        "tariffs and\n"
        "Green'Up; store N days of history up to TIME; write FILE, the "
        "ews-sim\n"
        "configuration of the same devices, whose counters go on from "
        "TIME.\n"
        "\n"
        "Options:\n"
        "  --site DIR         the new site\n"
        "  --sim-config FILE  the ews-sim configuration to write\n"
        "  --ports P1,P2      TCP ports of the two gateways\n"
        "  --now TIME         end of the history, ISO 8601 with Z or an "
        "offset\n"
        "                     (default: now); start ews-sim with --start "
        "TIME\n"
        "  --days N           days of history before TIME's date, 1-3660 "
        "(365)\n"
        "  --seed N           seed of every generated figure (1)\n"
        "  --catalog DIR      catalogue directory (default: "
        "$EWS_CATALOG_DIR,\n"
        "                     else the installed catalogue)\n"
        "  --help, --version\n"
        "\n"
        "Exit status: 0 done; 1 usage error; 2 refused by libews; 3 file, "
        "site\n"
        "or database error.\n";

struct opts {
	const char *site, *sim_config, *catalog;
	unsigned int ports[DEMO_GATEWAYS];
	int64_t now_ms;
	unsigned long days;
	unsigned long long seed;
};

static int __attribute__((format(printf, 1, 2))) usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ews-demo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ews-demo --help'.\n", stderr);
	return DEMO_EXIT_USAGE;
}

static int
parse_ulong(const char *s, unsigned long long lo, unsigned long long hi,
            unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return *s < '0' || *s > '9' || *end || errno || *out < lo || *out > hi
	               ? -1
	               : 0;
}

static int
parse_ports(const char *s, unsigned int *ports)
{
	unsigned long long p;
	const char *comma = strchr(s, ',');
	char first[8];

	if (!comma || (size_t)(comma - s) >= sizeof(first))
		return -1;
	memcpy(first, s, (size_t)(comma - s));
	first[comma - s] = '\0';
	if (parse_ulong(first, 1, 65535, &p))
		return -1;
	ports[0] = (unsigned int)p;
	if (parse_ulong(comma + 1, 1, 65535, &p) || p == ports[0])
		return -1;
	ports[1] = (unsigned int)p;
	return 0;
}

static int
apply(struct opts *o, int id, const char *arg)
{
	unsigned long long n;

	switch (id) {
	case 's':
		o->site = arg;
		return 0;
	case 'c':
		o->sim_config = arg;
		return 0;
	case 'C':
		o->catalog = arg;
		return 0;
	case 'p':
		return parse_ports(arg, o->ports)
		               ? usage("--ports: '%s' is not two different "
		                       "ports P1,P2 (1-65535)",
		                       arg)
		               : 0;
	case 'n':
		return ews_time_parse(arg, &o->now_ms) != EWS_OK
		               ? usage("--now: '%s' is not an ISO 8601 time "
		                       "with Z or an offset",
		                       arg)
		               : 0;
	case 'd':
		if (parse_ulong(arg, 1, 3660, &n))
			return usage("--days: '%s' is not 1-3660", arg);
		o->days = (unsigned long)n;
		return 0;
	default: /* 'S' */
		if (parse_ulong(arg, 0, UINT64_MAX, &o->seed))
			return usage("--seed: '%s' is not an integer >= 0",
			             arg);
		return 0;
	}
}

/* -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option long_opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ "sim-config", required_argument, NULL, 'c' },
		{ "ports", required_argument, NULL, 'p' },
		{ "now", required_argument, NULL, 'n' },
		{ "days", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 'S' },
		{ "catalog", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int id;

	memset(o, 0, sizeof(*o));
	o->now_ms = (int64_t)time(NULL) * 1000;
	o->days = 365;
	o->seed = 1;
	o->catalog = getenv("EWS_CATALOG_DIR");
	opterr = 0;
	while ((id = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (id == 'h') {
			fputs(usage_text, stdout);
			return DEMO_EXIT_OK;
		}
		if (id == 'V') {
			printf("ews-demo %s\n", ews_version_string());
			return DEMO_EXIT_OK;
		}
		if (id == '?' || id == ':')
			return usage("bad option or missing value: %s",
			             argv[optind - 1]);
		if (apply(o, id, optarg) != 0)
			return DEMO_EXIT_USAGE;
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	if (!o->site || !o->sim_config || !o->ports[0])
		return usage("--site, --sim-config and --ports are required");
	return -1;
}

/* ------------------------------------------------------------------ */
/* What was built                                                      */

/* t_ms as local ISO 8601 text in buf (EWS_TIME_TEXT_MAX bytes). */
static const char *
local_text(int64_t t_ms, char *buf)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	if (ews_time_format(t_ms, (int32_t)tm.tm_gmtoff, buf,
	                    EWS_TIME_TEXT_MAX) != EWS_OK)
		snprintf(buf, EWS_TIME_TEXT_MAX, "?");
	return buf;
}

/* The load a device counts in, as the site shows it. */
static const char *
load_name(const struct demo_device *dev)
{
	if (dev->load)
		return dev->load;
	if (!dev->m || dev->kind == DEMO_BREAKER)
		return "-";
	return dev->m->commodity == EWS_COMMODITY_GAS     ? "Gas"
	       : dev->m->commodity == EWS_COMMODITY_WATER ? "Water"
	                                                  : "Others";
}

static void
print_device(const struct demo_device *dev)
{
	char where[24];

	if (dev->position)
		snprintf(where, sizeof(where), "%u-%u", dev->address,
		         dev->position);
	else
		snprintf(where, sizeof(where), "%u", dev->address);
	printf("  device %3lld  %-20s %-24s %-6s %s%s%s\n", (long long)dev->id,
	       dev->name, dev->model, where, load_name(dev),
	       dev->exclude_totals ? ", not in totals" : "",
	       dev->kind == DEMO_MAIN       ? ", Green'Up meter"
	       : dev->m && !dev->m->has_map ? ", no public register map"
	                                    : "");
}

static void
print_site(const struct demo *d, const struct opts *o)
{
	size_t g, i;

	printf("ews-demo: site %s (%s, EUR): \"Demo office building, "
	       "Milan\"\n",
	       o->site, ZONE);
	for (g = 0; g < DEMO_GATEWAYS; g++) {
		printf("gateway %3lld  %s, 127.0.0.1:%u\n",
		       (long long)d->gateway_ids[g],
		       g ? "Plant room and car park" : "Main switchboard",
		       d->ports[g]);
		for (i = 0; i < d->ndev; i++)
			if (d->dev[i].gateway == g)
				print_device(&d->dev[i]);
	}
	printf("tariffs: electricity Peak (working days 08:00-19:59) and "
	       "Off-peak (the rest,\n  public holidays included), Natural "
	       "gas, Mains water; Green'Up on, 180 A contract\n");
}

static void
print_history(const struct demo_history *h, unsigned long days)
{
	char from[EWS_TIME_TEXT_MAX], to[EWS_TIME_TEXT_MAX];

	printf("history: %lu days, %s to %s: %llu samples in %.2f s\n", days,
	       local_text(h->from_ms, from), local_text(h->to_ms, to),
	       (unsigned long long)h->samples, h->seconds);
}

/* ------------------------------------------------------------------ */
/* The run                                                             */

static int
open_site(const struct opts *o, ews_site **out)
{
	ews_site_opts so;
	ews_status st;

	ews_site_opts_init(&so, EWS_SITE_OPTS_VERSION);
	so.flags = EWS_SITE_CREATE | EWS_SITE_EXCL;
	so.timezone = ZONE;
	so.catalog_dir = o->catalog && *o->catalog ? o->catalog : NULL;
	st = ews_site_open(o->site, &so, out);
	return st == EWS_OK ? 0 : demo_fail(o->site, st);
}

static int32_t
local_year(int64_t t_ms)
{
	time_t t = (time_t)(t_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

static int
build(struct demo *d, const struct opts *o)
{
	char now[EWS_TIME_TEXT_MAX];
	struct demo_history h;
	int rc = demo_build_site(d);

	if (!rc) /* before the history: the import keeps the costs */
		rc = demo_build_tariffs(
		        d, local_year(o->now_ms - (int64_t)o->days * 86400000),
		        local_year(o->now_ms));
	if (!rc)
		print_site(d, o);
	if (!rc)
		rc = demo_history(d, o->now_ms, (unsigned int)o->days, &h);
	if (!rc)
		print_history(&h, o->days);
	if (!rc)
		rc = demo_write_sim_config(d, o->sim_config, o->now_ms);
	if (!rc)
		printf("ews-sim configuration: %s (start ews-sim with --start "
		       "%s)\n",
		       o->sim_config, local_text(o->now_ms, now));
	return rc;
}

int
main(int argc, char **argv)
{
	static struct demo d; /* large: not on the stack */
	struct opts o;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	/* Profiles are in the site's local time: libc's, for this zone. */
	setenv("TZ", ZONE, 1);
	tzset();
	d.seed = o.seed;
	memcpy(d.ports, o.ports, sizeof(d.ports));
	demo_devices(&d);
	rc = open_site(&o, &d.site);
	if (!rc)
		rc = build(&d, &o);
	ews_site_close(d.site);
	return rc;
}
