/*
 * ews evse simulate SCENARIO.json [--every-step] (issue 6, item 4)
 *
 * Runs the Green'Up controller against simulated stations and vehicles
 * (ews_evse_simulate()), without hardware and without a site: the output
 * is the library's, one JSON line each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The largest scenario read: a scenario is a few kB of JSON. */
enum { SCENARIO_MAX = 1 << 20 };

/* Read all of path into *out (NUL-terminated, owned: free()). */
static int
read_scenario(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int e;

	*out = NULL;
	*len = 0;
	if (!f) {
		fprintf(stderr, "ews: %s: %s\n", path, strerror(errno));
		return CLI_IO;
	}
	buf = malloc((size_t)SCENARIO_MAX + 1);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "ews: %s: %s\n", path, strerror(ENOMEM));
		return CLI_IO;
	}
	n = fread(buf, 1, (size_t)SCENARIO_MAX + 1, f);
	e = ferror(f) ? (errno ? errno : EIO) : 0;
	fclose(f);
	if (e) {
		free(buf);
		fprintf(stderr, "ews: %s: %s\n", path, strerror(e));
		return CLI_IO;
	}
	if (n > SCENARIO_MAX) {
		free(buf);
		return cli_refuse("%s: larger than 1 MiB", path);
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return CLI_OK;
}

/* One line of the simulation's output. */
static void
emit_line(const char *line, size_t len, void *ctx)
{
	FILE *f = ctx;

	fwrite(line, 1, len, f);
	fputc('\n', f);
}

static int
run_simulate(struct cli *c, const struct cli_args *a)
{
	int every_step = cli_has_opt(a, OPT_EVERY_STEP);
	char *text;
	size_t len;
	int rc;

	(void)c;
	rc = read_scenario(a->pos[0], &text, &len);
	if (rc)
		return rc;
	rc = cli_done(
	        ews_evse_simulate(text, len, every_step, emit_line, stdout));
	free(text);
	return rc;
}

static const struct cli_opt_spec simulate_opts[] = {
	{ "every-step", 0, OPT_EVERY_STEP },
	{ NULL, 0, 0 },
};

static const struct cli_verb evse_verbs[] = {
	{ "simulate", run_simulate, simulate_opts, 1, 1, 0,
	  "SCENARIO.json [--every-step]",
	  "Run the Green'Up controller against simulated stations and\n"
	  "vehicles, without hardware and without a site. SCENARIO.json\n"
	  "(at most 1 MiB) holds \"config\" (meter, max_current_a,\n"
	  "max_charging_current_a, hysteresis_pct, step1_pct, step2_pct,\n"
	  "min_charge_ah, period_s, ev_response_s, failsafe_current_a),\n"
	  "\"stations\" (id, phases 1|3, phase L1-L3 if single-phase,\n"
	  "rated_a, priority), \"events\" at times t in s (other_load_a,\n"
	  "connect/demand_a, disconnect, override/wait|start|priority,\n"
	  "meter_lost, meter_back) and \"duration_s\".\n"
	  "\n"
	  "Prints one JSON line per step where anything changed: t, zone,\n"
	  "phase_a, failsafe and each station's id, state, setpoint_a,\n"
	  "current_a, charged_ah and reason; then one line {\"summary\":\n"
	  "{overload_s, max_phase_a, setpoint_changes, delivered_ah,\n"
	  "t_comply_s}}. A bad scenario is refused (exit 2) naming the\n"
	  "field, e.g. \"events[3].connect\"; an unreadable file exits 3.\n"
	  "\n"
	  "Options:\n"
	  "  --every-step        print every step, changed or not\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_evse = {
	"evse",
	"Green'Up: EV charging load management.",
	evse_verbs,
	0,
};
