/*
 * ews evse simulate SCENARIO.json [--every-step] (issue 6, item 4)
 * ews evse config show [--json] | config set KEY VALUE (issue 6, item 5)
 * ews evse station ID [priority|normal] [--json]
 *
 * simulate runs the Green'Up controller against simulated stations and
 * vehicles (ews_evse_simulate()), without hardware and without a site:
 * the output is the library's, one JSON line each. config and station
 * show and change the site's Green'Up setup (ews_site_evse_get/set) and a
 * station's default priority (ews_site_evse_priority_get/set).
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

/* ------------------------------------------------------------------ */
/* config show | set KEY VALUE                                         */

/* The keys of `config set`, in the order `config show` prints them. */
enum cfg_key {
	KEY_ENABLED,
	KEY_METER,
	KEY_MAX_CURRENT,
	KEY_MAX_CHARGING,
	KEY_HYSTERESIS,
	KEY_STEP1,
	KEY_STEP2,
	KEY_MIN_CHARGE,
	KEY_FAILSAFE,
	KEY_PERIOD,
	N_KEYS
};

static const char *const key_names[N_KEYS] = {
	"enabled",
	"meter",
	"max_current_a",
	"max_charging_current_a",
	"hysteresis_pct",
	"step1_pct",
	"step2_pct",
	"min_charge_ah",
	"failsafe_current_a",
	"period_s",
};

/* The field of the configuration that holds a number key; NULL for
 * enabled, meter and period_s. */
static double *
key_double(ews_evse_setup *s, int k)
{
	switch (k) {
	case KEY_MAX_CURRENT:
		return &s->config.max_current_a;
	case KEY_MAX_CHARGING:
		return &s->config.max_charging_current_a;
	case KEY_HYSTERESIS:
		return &s->config.hysteresis_pct;
	case KEY_STEP1:
		return &s->config.step1_pct;
	case KEY_STEP2:
		return &s->config.step2_pct;
	case KEY_MIN_CHARGE:
		return &s->config.min_charge_ah;
	case KEY_FAILSAFE:
		return &s->config.failsafe_current_a;
	default:
		return NULL;
	}
}

static void
print_setup(const ews_evse_setup *s, int json)
{
	struct cli_rec r = { 0 };
	struct jw j;
	char buf[40];

	if (json) {
		jw_init_file(&j, stdout);
		shape_evse_setup(&j, s);
		jw_finish(&j);
		return;
	}
	cli_rec_str(&r, key_names[KEY_ENABLED], cli_on_off(s->enabled));
	if (s->meter_device_id)
		cli_rec_add(&r, key_names[KEY_METER], "%lld",
		            (long long)s->meter_device_id);
	else
		cli_rec_str(&r, key_names[KEY_METER], "none");
	for (int k = KEY_MAX_CURRENT; k < KEY_PERIOD; k++)
		cli_rec_str(&r, key_names[k],
		            jw_double_text(*key_double((ews_evse_setup *)s, k),
		                           buf, sizeof(buf)));
	cli_rec_str(&r, key_names[KEY_PERIOD],
	            jw_milli_text(s->config.period_ms, buf, sizeof(buf)));
	cli_rec_print(&r, stdout);
}

/* |v|, without libm. */
static double
magnitude(double v)
{
	return v < 0 ? -v : v;
}

/* "period_s VALUE": seconds, whole milliseconds. */
static int
parse_period(const char *text, int64_t *ms)
{
	double v, m;

	if (cli_parse_double(text, &v) != 0 || magnitude(v) > 1e12)
		return -1;
	m = (double)(int64_t)(v * 1000 + (v < 0 ? -0.5 : 0.5));
	if (magnitude(v * 1000 - m) > 1e-6 * (magnitude(m) + 1))
		return -1;
	*ms = (int64_t)m;
	return 0;
}

/* Apply "KEY VALUE" to s; a usage error for an unknown key or a value
 * that is not of the key's kind. Whether it is acceptable is for libews. */
static int
apply(const struct cli *c, ews_evse_setup *s, const char *key,
      const char *value)
{
	int k;

	for (k = 0; k < N_KEYS; k++)
		if (strcmp(key, key_names[k]) == 0)
			break;
	switch (k) {
	case N_KEYS:
		return cli_usage(
		        c,
		        "unknown key '%s': give one of enabled, "
		        "meter, max_current_a, max_charging_current_a, "
		        "hysteresis_pct, step1_pct, step2_pct, "
		        "min_charge_ah, failsafe_current_a, period_s",
		        key);
	case KEY_ENABLED:
		if (strcmp(value, "on") == 0)
			s->enabled = 1;
		else if (strcmp(value, "off") == 0)
			s->enabled = 0;
		else
			return cli_usage(c, "enabled: '%s' is not on or off",
			                 value);
		return CLI_OK;
	case KEY_METER:
		if (strcmp(value, "none") == 0)
			s->meter_device_id = 0;
		else if (cli_parse_id(value, &s->meter_device_id) != 0)
			return cli_usage(c,
			                 "meter: '%s' is not a device id or "
			                 "none",
			                 value);
		return CLI_OK;
	case KEY_PERIOD:
		if (parse_period(value, &s->config.period_ms) != 0)
			return cli_usage(c,
			                 "period_s: '%s' is not a number of "
			                 "seconds (whole milliseconds)",
			                 value);
		return CLI_OK;
	default:
		if (cli_parse_double(value, key_double(s, k)) != 0)
			return cli_usage(c, "%s: '%s' is not a number", key,
			                 value);
		return CLI_OK;
	}
}

static int
run_config(struct cli *c, const struct cli_args *a)
{
	const char *action = a->pos[0];
	ews_evse_setup s;
	int rc;

	if (strcmp(action, "show") == 0) {
		if (a->n_pos != 1)
			return cli_usage(c, "unexpected argument '%s'",
			                 a->pos[1]);
	} else if (strcmp(action, "set") == 0) {
		if (a->n_pos != 3)
			return cli_usage(c, "config set needs KEY VALUE");
		if (a->json)
			return cli_usage(c, "--json is for config show");
	} else {
		return cli_usage(c, "unknown action '%s': give show or set",
		                 action);
	}
	/* A bad key or value is a usage error before the site is opened. */
	if ((rc = cli_done(ews_evse_setup_init(&s, EWS_EVSE_SETUP_VERSION))) !=
	            CLI_OK ||
	    (a->n_pos == 3 &&
	     (rc = apply(c, &s, a->pos[1], a->pos[2])) != CLI_OK))
		return rc;
	if ((rc = cli_open_site(c, 0, NULL)) != CLI_OK)
		return rc;
	if ((rc = cli_done(ews_site_evse_get(c->site, &s))) != CLI_OK)
		return rc;
	if (a->n_pos == 1) {
		print_setup(&s, a->json);
		return CLI_OK;
	}
	apply(c, &s, a->pos[1], a->pos[2]); /* checked above */
	return cli_done(ews_site_evse_set(c->site, &s));
}

static const struct cli_opt_spec simulate_opts[] = {
	{ "every-step", 0, OPT_EVERY_STEP },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec run_opts[] = {
	{ "every-step", 0, OPT_EVERY_STEP },
	{ "for", 1, OPT_FOR },
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
	{ "config", run_config, NULL, 1, 3, CLI_TAKES_JSON,
	  "show [--json] | set KEY VALUE",
	  "Show or change the site's Green'Up setup (EVS-1). Keys:\n"
	  "  enabled                 on|off: the load management (off)\n"
	  "  meter                   the total power consumption meter: a\n"
	  "                          device id, or none for a dedicated\n"
	  "                          supply (none); its model must measure\n"
	  "                          the current of L1, L2 and L3, and it\n"
	  "                          cannot be deleted while it is the meter\n"
	  "  max_current_a           maximum current available per phase,\n"
	  "                          the yellow/red threshold (A)\n"
	  "  max_charging_current_a  maximum current for charging, the\n"
	  "                          green/yellow threshold (A)\n"
	  "  hysteresis_pct          % of max_current_a (0)\n"
	  "  step1_pct, step2_pct    reduction steps, % of a station's\n"
	  "                          rated current (75, 50)\n"
	  "  min_charge_ah           minimum guaranteed charge (32)\n"
	  "  failsafe_current_a      every charge's current while the meter\n"
	  "                          is lost (6)\n"
	  "  period_s                the meter's read period (1)\n"
	  "\n"
	  "show prints every key; with --json one object, enabled true or\n"
	  "false, meter an id or null. set changes one key and stores the\n"
	  "setup, checked whole; while off, the maximum currents may stay\n"
	  "0 (not known yet). An unknown key or a VALUE that is not on|off,\n"
	  "an id|none or a number is a usage error (exit 1); a refused\n"
	  "setup exits 2 naming the field (meter_device_id for meter,\n"
	  "period_ms for period_s).\n"
	  "\n"
	  "Options:\n" },
	{ "station", cli_evse_station, NULL, 1, 3,
	  CLI_TAKES_ID | CLI_TAKES_JSON,
	  "ID [priority|normal|enable|disable|rated A|start|wait|none]\n"
	  "       [--json]",
	  "Show charging station ID's settings (priority, rated current,\n"
	  "EV plug), or change one:\n"
	  "  priority, normal    its default priority (EVS-4): priority\n"
	  "                      stations are reduced and stopped last and\n"
	  "                      resume first; normal is the default\n"
	  "  enable, disable     the EV plug (EVS-5): a disabled plug is\n"
	  "                      signalled 0 A and left out of the sharing\n"
	  "  rated A             the station's rated current, 6-80 A (32):\n"
	  "                      the steps are percentages of it\n"
	  "  start, wait, none   this charge only (EVS-4): Start puts it\n"
	  "                      first in the waiting list, Wait holds it\n"
	  "                      until Start or until the vehicle leaves\n"
	  "ID must be an EV station (refused, exit 2, otherwise). start,\n"
	  "wait and none need a vehicle connected, as the running loop\n"
	  "last reported (refused, exit 2, otherwise). With --json:\n"
	  "{\"id\", \"priority\", \"rated_a\", \"plug_enabled\"}.\n"
	  "\n"
	  "Options:\n" },
	{ "charge", cli_evse_charge, NULL, 2, 2, CLI_TAKES_ID,
	  "ID priority|normal|default",
	  "Priority or Normal for the charge now on station ID only\n"
	  "(EVS-4), whatever the station's default; default goes back to\n"
	  "it. It ends when the vehicle leaves. Needs a vehicle connected,\n"
	  "as the running loop last reported (refused, exit 2).\n"
	  "\n"
	  "Options:\n" },
	{ "run", cli_evse_run, run_opts, 0, 0, 0,
	  "[--for SECONDS] [--every-step]",
	  "Run the Green'Up loop on the site's stations (EVS-1..6) until\n"
	  "SIGINT or SIGTERM, or for SECONDS: every period_s, read the\n"
	  "total meter's phase currents and every station through the\n"
	  "acquisition engine; each meter answer runs the controller, and\n"
	  "changed setpoints (and charge enable, where the map has one)\n"
	  "are written at once. The status is stored for `ews evse\n"
	  "status`; Start/Wait and settings changed meanwhile by any\n"
	  "process are picked up at the next period. ewsd runs the same\n"
	  "loop alongside recording; this one records nothing.\n"
	  "\n"
	  "Prints one JSON line per step that changed the zone, the\n"
	  "fail-safe or a station's state, charge, setpoint or reason\n"
	  "(every step with --every-step): {\"t_ms\", \"zone\", \"phase_a\",\n"
	  "\"meter_ok\", \"failsafe\", \"stations\": [{\"id\", \"charge\",\n"
	  "\"state\", \"setpoint_a\", \"current_a\", \"charged_ah\",\n"
	  "\"reason\"}]}; at the end {\"summary\": {\"steps\",\n"
	  "\"command_steps\", \"writes\", \"write_failures\",\n"
	  "\"meter_misses\"}}.\n"
	  "\n"
	  "Options:\n"
	  "  --for SECONDS       stop after this long\n"
	  "  --every-step        print every step, changed or not\n" },
	{ "status", cli_evse_status, NULL, 0, 0, CLI_TAKES_JSON, "[--json]",
	  "What the running Green'Up loop last stored (EVS-5): ON/OFF, the\n"
	  "time of its last step, the zone, the phase currents, whether\n"
	  "the meter answered and the fail-safe; per station: powered,\n"
	  "managed, error, the charge (available, busy, charging,\n"
	  "waiting), the controller's state, setpoint, current, charge\n"
	  "received and the reason. With --json one object: enabled,\n"
	  "t_ms, age_s, zone, phase_a, meter_ok, failsafe, stations\n"
	  "[{id, name, model, powered, managed, plug_enabled, error,\n"
	  "rated_a, phases, phase, charge, state, setpoint_a, current_a,\n"
	  "charged_ah, connected_ms, hold, priority, reason}].\n"
	  "Firmware and hardware versions are not in any public register\n"
	  "map, so they are not shown.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_evse = {
	"evse",
	"Green'Up: EV charging load management.",
	evse_verbs,
	0,
};
