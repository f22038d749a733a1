/*
 * ewsd: options, the site, signals, and a clean stop.
 *
 *   ewsd --site DIR [--listen ADDR:PORT] [--https ADDR:PORT [--cert F
 *        --key F]] [--www DIR] [--chartjs DIR] [--log FILE | --syslog]
 *        [--port-file F] [--body-max BYTES] [--idle-min N]
 *        [--session-hours N]
 *   ewsd --routes | --rights
 *
 * SIGTERM and SIGINT stop it cleanly (the recording cycle in flight is
 * committed); SIGHUP reopens the log file.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "ewsd.h"

#ifndef EWSD_WWW_DIR
#define EWSD_WWW_DIR "/usr/local/share/ews/www"
#endif
/* Debian's libjs-chart.js */
#ifndef EWSD_CHARTJS_DIR
#define EWSD_CHARTJS_DIR "/usr/share/javascript/chart.js"
#endif

int64_t
ewsd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: ewsd --site DIR [--listen ADDR:PORT] [--https ADDR:PORT"
	        " [--cert FILE --key FILE]]\n"
	        "            [--www DIR] [--chartjs DIR] [--log FILE | "
	        "--syslog]\n"
	        "            [--port-file FILE] [--body-max BYTES] [--idle-min "
	        "N]\n"
	        "            [--session-hours N]\n"
	        "       ewsd --routes | --rights\n"
	        "\n"
	        "The Energy Web Server: acquisition, recording, Green'Up and "
	        "the\n"
	        "JSON API under /api/v1/ (openapi.json describes it) and the "
	        "web\n"
	        "UI. --listen defaults to 127.0.0.1:8080 (port 0: any free "
	        "port;\n"
	        "--port-file then tells which: \"HTTP HTTPS\"). --https "
	        "without\n"
	        "--cert/--key makes a self-signed pair in DIR/tls at first "
	        "start.\n"
	        "--chartjs DIR is served under /lib/chart.js/ "
	        "(default\n" EWSD_CHARTJS_DIR ").\n"
	        "Sessions end after --idle-min minutes unused (30) and after\n"
	        "--session-hours (12). Bodies over --body-max bytes (1 MiB) "
	        "are\n"
	        "refused. SIGTERM/SIGINT stop cleanly; SIGHUP reopens the "
	        "log.\n");
}

static int
parse(int argc, char **argv, struct ewsd_opts *o, int *routes)
{
	static const struct option longs[] = {
		{ "site", 1, NULL, 's' },
		{ "listen", 1, NULL, 'l' },
		{ "https", 1, NULL, 'S' },
		{ "cert", 1, NULL, 'c' },
		{ "key", 1, NULL, 'k' },
		{ "www", 1, NULL, 'w' },
		{ "chartjs", 1, NULL, 'j' },
		{ "log", 1, NULL, 'L' },
		{ "syslog", 0, NULL, 'y' },
		{ "port-file", 1, NULL, 'p' },
		{ "body-max", 1, NULL, 'b' },
		{ "idle-min", 1, NULL, 'i' },
		{ "session-hours", 1, NULL, 'H' },
		{ "routes", 0, NULL, 'r' },
		{ "rights", 0, NULL, 'R' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 's':
			o->site_dir = optarg;
			break;
		case 'l':
			o->listen = optarg;
			break;
		case 'S':
			o->https = optarg;
			break;
		case 'c':
			o->cert = optarg;
			break;
		case 'k':
			o->key = optarg;
			break;
		case 'w':
			o->www_dir = optarg;
			break;
		case 'j':
			o->chartjs_dir = optarg;
			break;
		case 'L':
			o->log_file = optarg;
			break;
		case 'y':
			o->use_syslog = 1;
			break;
		case 'p':
			o->port_file = optarg;
			break;
		case 'b':
			o->body_max = strtoul(optarg, NULL, 10);
			break;
		case 'i':
			o->idle_ms = atoll(optarg) * 60000;
			break;
		case 'H':
			o->absolute_ms = atoll(optarg) * 3600000;
			break;
		case 'r':
			*routes = 1;
			break;
		case 'R':
			*routes = 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind < argc || (!*routes && !o->site_dir) ||
	    (!o->cert != !o->key) || o->body_max < 1024 || o->idle_ms <= 0 ||
	    o->absolute_ms <= 0)
		return -1;
	return 0;
}

static void
on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct ewsd *d = arg;

	(void)what;
	ewsd_log("signal %d: stopping", (int)sig);
	d->stopping = 1;
	event_base_loopbreak(d->base);
}

static void
on_hup(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	ewsd_log_reopen();
	ewsd_log("log reopened");
}

static int
open_site(struct ewsd *d)
{
	ews_site_opts so;

	ews_site_opts_init(&so, EWS_SITE_OPTS_VERSION);
	so.catalog_dir = getenv("EWS_CATALOG_DIR");
	if (ews_site_open(d->opts.site_dir, &so, &d->site) != EWS_OK) {
		ewsd_log("%s: %s", d->opts.site_dir, ews_error_last()->message);
		return -1;
	}
	return 0;
}

static void
write_port_file(const struct ewsd *d)
{
	char tmp[4096];
	FILE *f;

	if (!d->opts.port_file)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->opts.port_file);
	if ((f = fopen(tmp, "w"))) {
		fprintf(f, "%u %u\n", d->http_port, d->https_port);
		fclose(f);
		rename(tmp, d->opts.port_file);
	}
}

static int
run(struct ewsd *d)
{
	struct event *sigs[3];
	int rc = 1;

	if (!(d->base = event_base_new()) || open_site(d) || ewsd_auth_new(d) ||
	    ewsd_live_start(d) || ewsd_http_start(d))
		goto out;
	sigs[0] = evsignal_new(d->base, SIGTERM, on_stop, d);
	sigs[1] = evsignal_new(d->base, SIGINT, on_stop, d);
	sigs[2] = evsignal_new(d->base, SIGHUP, on_hup, d);
	for (int i = 0; i < 3; i++)
		event_add(sigs[i], NULL);
	d->started_ms = ewsd_now_ms();
	if (ewsd_auth_defaults_in_use(d))
		ewsd_log("warning: users still have the manual's default "
		         "codes: they are accepted only from this network; "
		         "change them");
	ewsd_static_check(d);
	write_port_file(d);
	ewsd_log("started: site %s", d->opts.site_dir);
	event_base_dispatch(d->base);
	rc = d->stopping ? 0 : 1;
	for (int i = 0; i < 3; i++)
		event_free(sigs[i]);
out:
	ewsd_system_stop(d);
	ewsd_http_stop(d);
	ewsd_live_stop(d);
	ewsd_auth_free(d);
	if (d->site)
		ews_site_close(d->site);
	if (d->base)
		event_base_free(d->base);
	ewsd_log("stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	struct ewsd d = { 0 };
	int routes = 0;

	d.opts.listen = "127.0.0.1:8080";
	d.opts.www_dir = EWSD_WWW_DIR;
	d.opts.chartjs_dir = EWSD_CHARTJS_DIR;
	d.opts.body_max = 1 << 20;
	d.opts.idle_ms = 30 * 60000;
	d.opts.absolute_ms = 12 * 3600000LL;
	if (parse(argc, argv, &d.opts, &routes)) {
		usage(stderr);
		return 2;
	}
	if (routes) {
		ewsd_routes_print(routes == 2);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	ewsd_log_open(&d.opts);
	return run(&d);
}
