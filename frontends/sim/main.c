/*
 * ews-sim — Modbus devices simulated from the ews catalogue.
 *
 * This file holds the options, the loading of the configuration (a JSON
 * file or a site's gateway), --print-values, the signals and the choice
 * of server. See README.md for the configuration format.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

static const char usage_text[] =
        "Usage: ews-sim [--port P | --rtu DEVICE [--baud B] [--parity N|E|O]\n"
        "               [--stop 1|2]] (--config FILE | --site DIR --gateway "
        "ID)\n"
        "               [options]\n"
        "       ews-sim --print-values (--config FILE | --site DIR --gateway "
        "ID)\n"
        "               [--start TIME] [--seed N] [--catalog DIR]\n"
        "\n"
        "Serve simulated Modbus devices of the ews catalogue, one unit id "
        "per\n"
        "device, as one Modbus TCP gateway or as RTU slaves on a serial "
        "line.\n"
        "\n"
        "Devices:\n"
        "  --config FILE      devices from a JSON file (see README.md)\n"
        "  --site DIR         devices of a site's gateway (with --gateway);\n"
        "  --gateway ID       each device's address is its unit id\n"
        "  --catalog DIR      catalogue directory (default: "
        "$EWS_CATALOG_DIR,\n"
        "                     else the installed catalogue)\n"
        "Modbus TCP (default):\n"
        "  --port P           TCP port; 0 picks a free one (default: 502, "
        "or\n"
        "                     the gateway's port with --site); devices "
        "with\n"
        "                     their own \"port\" answer there instead\n"
        "  --listen ADDR      address to bind (default 127.0.0.1)\n"
        "  --port-file PATH   write the bound port(s) there once listening\n"
        "  --unknown-unit exception|silent\n"
        "                     answer for a unit that is not simulated: "
        "exception\n"
        "                     0x0B (default) or nothing\n"
        "Modbus RTU:\n"
        "  --rtu DEVICE       serve on this serial device instead of TCP\n"
        "  --baud B           (19200)  --parity N|E|O (E)  --stop 1|2 (1)\n"
        "Simulation:\n"
        "  --start TIME       simulated start, YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]"
        "\n"
        "                     (default: now)\n"
        "  --time-scale X     simulated seconds per second (default 1; 0\n"
        "                     freezes every value at the start)\n"
        "  --seed N           seed of every simulated figure (default 1)\n"
        "  --print-values     print the values served at the start as JSON "
        "and\n"
        "                     exit\n"
        "  --verbose          log to stderr (otherwise errors only)\n"
        "  --help, --version\n"
        "\n"
        "Exit status: 0 done; 1 usage error; 2 configuration or site "
        "refused\n"
        "(the message names the field); 3 file, site, socket or serial "
        "error.\n";

enum {
	OPT_PORT = 256,
	OPT_LISTEN,
	OPT_PORT_FILE,
	OPT_UNKNOWN_UNIT,
	OPT_RTU,
	OPT_BAUD,
	OPT_PARITY,
	OPT_STOP,
	OPT_CONFIG,
	OPT_SITE,
	OPT_GATEWAY,
	OPT_CATALOG,
	OPT_START,
	OPT_TIME_SCALE,
	OPT_SEED,
	OPT_PRINT_VALUES,
	OPT_VERBOSE,
	OPT_HELP,
	OPT_VERSION
};

static const struct option long_opts[] = {
	{ "port", required_argument, NULL, OPT_PORT },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "unknown-unit", required_argument, NULL, OPT_UNKNOWN_UNIT },
	{ "rtu", required_argument, NULL, OPT_RTU },
	{ "baud", required_argument, NULL, OPT_BAUD },
	{ "parity", required_argument, NULL, OPT_PARITY },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "site", required_argument, NULL, OPT_SITE },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "catalog", required_argument, NULL, OPT_CATALOG },
	{ "start", required_argument, NULL, OPT_START },
	{ "time-scale", required_argument, NULL, OPT_TIME_SCALE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "print-values", no_argument, NULL, OPT_PRINT_VALUES },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct sim_tcp_opts tcp;
	struct sim_rtu_opts rtu;
	int port_given, tcp_given, serial_given;
	const char *config, *site, *catalog;
	long long gateway;
	double start_s, time_scale;
	int start_given;
	unsigned long long seed;
	int print_values, verbose, unknown_silent;
};

static int stop_pipe[2] = { -1, -1 };

static int __attribute__((format(printf, 1, 2))) usage(const char *fmt, ...)
{
	va_list ap;

	fputs("ews-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'ews-sim --help'.\n", stderr);
	return SIM_EXIT_USAGE;
}

/* ------------------------------------------------------------------ */
/* Values of options                                                   */

static int
parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return *s < '0' || *s > '9' || *end || errno || *out > max ? -1 : 0;
}

static int
parse_double(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return !*s || *end || errno || !isfinite(*out) || *out < 0 ? -1 : 0;
}

/* "±HH:MM" after a time, or "Z", or nothing (UTC): seconds east. */
static int
parse_offset(const char *p, long *east)
{
	int h, m, n = 0;

	*east = 0;
	if (*p == '\0' || strcmp(p, "Z") == 0)
		return 0;
	if ((*p != '+' && *p != '-') ||
	    sscanf(p + 1, "%2d:%2d%n", &h, &m, &n) != 2 || p[1 + n] || h > 14 ||
	    m > 59)
		return -1;
	*east = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	return 0;
}

/* YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] -> seconds since 1970 UTC. */
static int
parse_time(const char *s, double *out)
{
	struct tm tm = { 0 }, back;
	int n = 0, sec = 0, k = 0;
	long east;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &n) != 5 ||
	    n != 16)
		return -1;
	if (s[n] == ':' &&
	    (sscanf(s + n + 1, "%2d%n", &sec, &k) != 1 || k != 2))
		return -1;
	if (parse_offset(s + n + (s[n] == ':' ? 3 : 0), &east) != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_sec = sec;
	back = tm;
	t = timegm(&tm);
	if (back.tm_mday != tm.tm_mday || back.tm_mon != tm.tm_mon ||
	    back.tm_hour > 23 || back.tm_min > 59 || sec > 59)
		return -1;
	*out = (double)t - (double)east;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

static int
apply_serial(struct opts *o, int id, const char *arg)
{
	unsigned long long n;

	o->serial_given = 1;
	if (id == OPT_BAUD) {
		if (parse_ull(arg, 4000000, &n) || n < 300)
			return usage("--baud: '%s' is not a baud rate", arg);
		o->rtu.baud = (int)n;
	} else if (id == OPT_PARITY) {
		if (strlen(arg) != 1 || !strchr("NEO", arg[0]))
			return usage("--parity: '%s' is not N, E or O", arg);
		o->rtu.parity = arg[0];
	} else {
		if (strcmp(arg, "1") != 0 && strcmp(arg, "2") != 0)
			return usage("--stop: '%s' is not 1 or 2", arg);
		o->rtu.stop_bits = arg[0] - '0';
	}
	return 0;
}

static int
apply_sim(struct opts *o, int id, const char *arg)
{
	unsigned long long n;

	switch (id) {
	case OPT_START:
		o->start_given = 1;
		if (parse_time(arg, &o->start_s) != 0)
			return usage("--start: '%s' is not "
			             "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]",
			             arg);
		return 0;
	case OPT_TIME_SCALE:
		if (parse_double(arg, &o->time_scale) != 0)
			return usage("--time-scale: '%s' is not a number >= 0",
			             arg);
		return 0;
	case OPT_SEED:
		if (parse_ull(arg, UINT64_MAX, &n) != 0)
			return usage("--seed: '%s' is not an integer >= 0",
			             arg);
		o->seed = n;
		return 0;
	case OPT_GATEWAY:
		if (parse_ull(arg, INT64_MAX, &n) != 0 || n == 0)
			return usage("--gateway: '%s' is not a gateway id",
			             arg);
		o->gateway = (long long)n;
		return 0;
	default:
		return apply_serial(o, id, arg);
	}
}

static int
apply(struct opts *o, int id, const char *arg)
{
	unsigned long long n;

	switch (id) {
	case OPT_PORT:
		if (parse_ull(arg, 65535, &n) != 0)
			return usage("--port: '%s' is not 0-65535", arg);
		o->tcp.port = (unsigned int)n;
		o->port_given = o->tcp_given = 1;
		return 0;
	case OPT_LISTEN:
		o->tcp.listen = arg;
		o->tcp_given = 1;
		return 0;
	case OPT_PORT_FILE:
		o->tcp.port_file = arg;
		o->tcp_given = 1;
		return 0;
	case OPT_UNKNOWN_UNIT:
		if (strcmp(arg, "exception") && strcmp(arg, "silent"))
			return usage("--unknown-unit: '%s' is not exception or "
			             "silent",
			             arg);
		o->unknown_silent = strcmp(arg, "silent") == 0;
		return 0;
	case OPT_RTU:
		o->rtu.path = arg;
		return 0;
	case OPT_CONFIG:
		o->config = arg;
		return 0;
	case OPT_SITE:
		o->site = arg;
		return 0;
	case OPT_CATALOG:
		o->catalog = arg;
		return 0;
	case OPT_PRINT_VALUES:
		o->print_values = 1;
		return 0;
	case OPT_VERBOSE:
		o->verbose = 1;
		return 0;
	default:
		return apply_sim(o, id, arg);
	}
}

static int
check_opts(const struct opts *o)
{
	if (!o->config == !o->site)
		return usage("give either --config or --site");
	if (o->site && !o->gateway)
		return usage("--site needs --gateway");
	if (!o->site && o->gateway)
		return usage("--gateway goes with --site");
	if (o->rtu.path && o->tcp_given)
		return usage("--rtu serves a serial line: --port, --listen and "
		             "--port-file are for TCP");
	if (!o->rtu.path && o->serial_given)
		return usage("--baud, --parity and --stop go with --rtu");
	return -1;
}

/* -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int id;

	memset(o, 0, sizeof(*o));
	o->tcp.listen = "127.0.0.1";
	o->tcp.port = MODBUS_TCP_DEFAULT_PORT;
	o->rtu = (struct sim_rtu_opts){ NULL, 19200, 'E', 1 };
	o->time_scale = 1;
	o->seed = 1;
	o->catalog = getenv("EWS_CATALOG_DIR");
	if (o->catalog && !*o->catalog)
		o->catalog = NULL;
	opterr = 0;
	while ((id = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (id == OPT_HELP) {
			fputs(usage_text, stdout);
			return SIM_EXIT_OK;
		}
		if (id == OPT_VERSION) {
			printf("ews-sim %s\n", ews_version_string());
			return SIM_EXIT_OK;
		}
		if (id == '?' || id == ':')
			return usage("bad option or missing value: %s",
			             argv[optind - 1]);
		if (apply(o, id, optarg) != 0)
			return SIM_EXIT_USAGE;
	}
	if (optind < argc)
		return usage("unexpected argument '%s'", argv[optind]);
	return check_opts(o);
}

/* ------------------------------------------------------------------ */
/* Running                                                             */

static void
on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;

	if (write(stop_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a stop is already pending */
	}
	errno = e;
}

static int
setup_signals(void)
{
	struct sigaction sa;

	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		sim_error("pipe: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL); /* a client gone: EPIPE, not death */
	return 0;
}

struct world {
	ews_catalog *cat;
	ews_site *site;
	struct sim_config cfg;
};

static int
load_world(const struct opts *o, struct world *w)
{
	ews_site_opts so;
	ews_catalog_opts co;
	ews_status st;

	if (o->config) {
		ews_catalog_opts_init(&co, EWS_CATALOG_OPTS_VERSION);
		co.system_dir = o->catalog;
		st = ews_catalog_load(&co, &w->cat);
		if (st != EWS_OK) {
			sim_error("catalogue: %s", ews_error_last()->message);
			return SIM_EXIT_IO;
		}
		return sim_config_load(o->config, w->cat, &w->cfg);
	}
	ews_site_opts_init(&so, EWS_SITE_OPTS_VERSION);
	so.catalog_dir = o->catalog;
	st = ews_site_open(o->site, &so, &w->site);
	if (st != EWS_OK) {
		sim_error("site %s: %s", o->site, ews_error_last()->message);
		return SIM_EXIT_IO;
	}
	return sim_config_from_site(w->site, o->gateway, &w->cfg);
}

/* A device's own TCP port means nothing on a serial line. */
static int
check_rtu(const struct sim *sim)
{
	size_t i;

	for (i = 0; i < sim->ndevs; i++)
		if (sim->devs[i].cfg.port)
			return usage(
			        "--rtu serves a serial line: unit %u has a "
			        "TCP port",
			        sim->devs[i].cfg.unit);
	return 0;
}

static int
run(struct opts *o, struct sim *sim)
{
	if (o->rtu.path && !o->print_values && check_rtu(sim))
		return SIM_EXIT_USAGE;
	if (o->print_values) {
		sim_print_values(sim, stdout);
		return fflush(stdout) == 0 ? SIM_EXIT_OK : SIM_EXIT_IO;
	}
	if (setup_signals() != 0)
		return SIM_EXIT_IO;
	if (o->rtu.path)
		return sim_serve_rtu(sim, &o->rtu, stop_pipe[0]);
	return sim_serve_tcp(sim, &o->tcp, stop_pipe[0]);
}

int
main(int argc, char **argv)
{
	struct world w = { 0 };
	struct opts o;
	struct sim sim;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	if (!o.start_given)
		o.start_s = (double)time(NULL);
	rc = load_world(&o, &w);
	if (rc == SIM_EXIT_OK && o.site && !o.port_given && w.cfg.port)
		o.tcp.port = w.cfg.port;
	if (rc == SIM_EXIT_OK) {
		rc = sim_open(&sim, &w.cfg, o.seed, o.start_s, o.time_scale);
		sim.verbose = o.verbose;
		sim.unknown_silent = o.unknown_silent;
		if (rc == SIM_EXIT_OK)
			rc = run(&o, &sim);
		if (sim.threads_left)
			_exit(rc); /* a client thread still uses the devices */
		sim_close(&sim);
	}
	sim_config_free(&w.cfg);
	ews_site_close(w.site);
	ews_catalog_free(w.cat);
	return rc;
}
