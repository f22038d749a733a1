/*
 * One line per event: to stderr (the default, for systemd's journal), to
 * a file (--log FILE, reopened on SIGHUP for logrotate), or to syslog.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "ewsd.h"

static FILE *out;
static const char *path;
static int use_syslog;

void
ewsd_log_open(const struct ewsd_opts *o)
{
	use_syslog = o->use_syslog;
	path = o->log_file;
	if (use_syslog)
		openlog("ewsd", LOG_PID, LOG_DAEMON);
	ewsd_log_reopen();
}

void
ewsd_log_reopen(void)
{
	FILE *f;

	if (!path || use_syslog)
		return;
	if (!(f = fopen(path, "a"))) {
		ewsd_log("cannot open the log %s: keeping the old one", path);
		return;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	if (out && out != stderr)
		fclose(out);
	out = f;
}

void
ewsd_log(const char *fmt, ...)
{
	char line[1024], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (use_syslog) {
		syslog(LOG_INFO, "%s", line);
		return;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out ? out : stderr, "%s ewsd: %s\n", stamp, line);
	fflush(out ? out : stderr);
}
