/*
 * ews evse run | status | station | charge: Green'Up on a site's real
 * stations (greenup.h). `run` is the loop (ewsd runs the same one);
 * `status` reads what the running loop last stored, from any process.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Status output                                                       */

/* The status as one JSON object; `full` adds each station's details,
 * else it is one line (a step of `evse run`). */
static void
json_status(const ews_evse_status *s, int full, int64_t now_ms)
{
	struct jw j;

	jw_init_file(&j, stdout);
	j.compact = !full; /* one line per step */
	if (full)
		shape_evse_status(&j, s, now_ms);
	else
		shape_evse_step(&j, s);
	jw_finish(&j);
}

static void
text_status(const ews_evse_status *s, int64_t now_ms)
{
	static const char *const head[] = { "id",      "name",     "charge",
		                            "state",   "setpoint", "current",
		                            "charged", "reason" };
	struct cli_table *t;

	printf("Green'Up: %s\n", s->enabled ? "on" : "off");
	if (!s->t_ms) {
		printf("the loop has not run yet (ews evse run, or ewsd)\n");
		return;
	}
	printf("last step: %.1f s ago%s\n", (double)(now_ms - s->t_ms) / 1000,
	       now_ms - s->t_ms > 10000 ? " (is the loop running?)" : "");
	printf("zone: %s; L1 %.1f A, L2 %.1f A, L3 %.1f A%s%s\n",
	       ews_evse_zone_name(s->zone), s->phase_a[0], s->phase_a[1],
	       s->phase_a[2], s->meter_ok ? "" : "; meter not read",
	       s->failsafe ? "; FAIL-SAFE" : "");
	if (!(t = cli_table_new(8, head)))
		return;
	for (size_t i = 0; i < s->n; i++) {
		const ews_evse_station_status *x = &s->station[i];

		cli_table_cell(t, "%lld", (long long)x->device_id);
		cli_table_cell(t, "%s", x->name);
		cli_table_cell(t, "%s", ews_evse_charge_state_name(x->charge));
		cli_table_cell(t, "%s", ews_evse_state_name(x->state));
		cli_table_cell(t, "%.1f A", x->setpoint_a);
		cli_table_cell(t, "%.1f A", x->current_a);
		cli_table_cell(t, "%.2f Ah", x->charged_ah);
		cli_table_cell(t, "%s%s%s", x->error[0] ? x->error : "",
		               x->error[0] ? "; " : "", x->reason);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

int
cli_evse_status(struct cli *c, const struct cli_args *a)
{
	ews_evse_status *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return cli_fail(EWS_ENOMEM);
	s->version = EWS_EVSE_STATUS_VERSION;
	if ((rc = cli_open_site(c, 0, NULL)) == CLI_OK &&
	    (rc = cli_done(ews_site_evse_status(c->site, s))) == CLI_OK) {
		if (a->json)
			json_status(s, 1, cli_now_ms());
		else
			text_status(s, cli_now_ms());
	}
	free(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* run                                                                 */

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Whether a step changed what the output shows: zone, fail-safe, or a
 * station's state, charge or setpoint. */
static int
step_changed(const ews_evse_status *a, const ews_evse_status *b)
{
	if (a->n != b->n || a->zone != b->zone || a->failsafe != b->failsafe ||
	    a->meter_ok != b->meter_ok)
		return 1;
	for (size_t i = 0; i < a->n; i++) {
		const ews_evse_station_status *x = &a->station[i],
		                              *y = &b->station[i];

		if (x->state != y->state || x->charge != y->charge ||
		    x->setpoint_a != y->setpoint_a ||
		    strcmp(x->reason, y->reason) || strcmp(x->error, y->error))
			return 1;
	}
	return 0;
}

static void
print_summary(const ews_greenup_stats *st)
{
	struct jw j;

	jw_init_file(&j, stdout);
	j.compact = 1;
	shape_evse_summary(&j, st);
	jw_finish(&j);
}

struct run_state {
	ews_engine *eng;
	ews_greenup *gu;
	ews_evse_status *now, *shown;
	uint64_t steps_shown;
	int every_step;
};

/* Print the steps run since the last call (the last one of them). */
static ews_status
show_steps(struct run_state *r)
{
	ews_greenup_stats stats;
	ews_evse_status *swap;
	ews_status st = ews_greenup_status(r->gu, r->now, &stats);

	if (st != EWS_OK || stats.steps == r->steps_shown)
		return st;
	r->steps_shown = stats.steps;
	if (r->every_step || step_changed(r->now, r->shown)) {
		json_status(r->now, 0, r->now->t_ms);
		fflush(stdout);
	}
	swap = r->shown;
	r->shown = r->now;
	r->now = swap;
	return EWS_OK;
}

static ews_status
run_loop(struct run_state *r, int64_t until_ms)
{
	struct pollfd pfd = { ews_engine_fd(r->eng), POLLIN, 0 };
	ews_status st = EWS_OK;

	while (st == EWS_OK && !stop_requested) {
		int64_t now = cli_now_ms();
		int64_t due = ews_greenup_next_due_ms(r->gu, now);
		int64_t wait = (due < until_ms ? due : until_ms) - now;

		if (now >= until_ms)
			break;
		if (wait <= 0) {
			st = ews_greenup_tick(r->gu, now);
			continue;
		}
		if (poll(&pfd, 1, (int)(wait > 1000 ? 1000 : wait)) > 0 &&
		    (st = ews_engine_dispatch(r->eng, NULL, NULL)) == EWS_OK)
			st = show_steps(r);
	}
	return st;
}

int
cli_evse_run(struct cli *c, const struct cli_args *a)
{
	struct run_state r = { 0 };
	struct sigaction sa;
	ews_greenup_stats stats;
	double seconds = 0;
	int64_t until = INT64_MAX;
	ews_status st;
	int rc;

	for (size_t i = 0; i < a->n_opt; i++)
		if (a->opt[i].id == OPT_FOR &&
		    (rc = cli_opt_double(c, &a->opt[i], &seconds)) != CLI_OK)
			return rc;
	if (cli_has_opt(a, OPT_FOR) && !(seconds > 0 && seconds <= 1e9))
		return cli_usage(c, "--for: give a number of seconds above 0");
	if ((rc = cli_open_site(c, 0, NULL)) != CLI_OK)
		return rc;
	r.every_step = cli_has_opt(a, OPT_EVERY_STEP);
	r.now = calloc(1, sizeof(*r.now));
	r.shown = calloc(1, sizeof(*r.shown));
	if (!r.now || !r.shown) {
		free(r.now);
		free(r.shown);
		return cli_fail(EWS_ENOMEM);
	}
	r.now->version = r.shown->version = EWS_EVSE_STATUS_VERSION;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (seconds > 0)
		until = cli_now_ms() + (int64_t)(seconds * 1000);
	if ((st = ews_engine_open(c->site, NULL, &r.eng)) == EWS_OK &&
	    (st = ews_greenup_open(c->site, r.eng, &r.gu)) == EWS_OK)
		st = run_loop(&r, until);
	if (st == EWS_OK && ews_greenup_status(r.gu, NULL, &stats) == EWS_OK)
		print_summary(&stats);
	ews_greenup_close(r.gu); /* before its engine, which it tells */
	ews_engine_close(r.eng);
	free(r.now);
	free(r.shown);
	return st == EWS_OK ? CLI_OK : cli_fail(st);
}

/* ------------------------------------------------------------------ */
/* station ID ACTION, charge ID ACTION                                 */

static int
show_station(struct cli *c, const struct cli_args *a)
{
	ews_evse_station_setup s = { .version =
		                             EWS_EVSE_STATION_SETUP_VERSION };
	struct cli_rec r = { 0 };
	struct jw j;
	int rc;

	if ((rc = cli_done(ews_site_evse_station_get(c->site, c->id, &s))))
		return rc;
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_evse_station(&j, c->id, &s);
		jw_finish(&j);
		return CLI_OK;
	}
	cli_rec_add(&r, "id", "%lld", (long long)c->id);
	cli_rec_str(&r, "priority", s.priority ? "priority" : "normal");
	cli_rec_add(&r, "rated", "%g A", s.rated_a);
	cli_rec_str(&r, "plug", s.plug_enabled ? "enabled" : "disabled");
	cli_rec_print(&r, stdout);
	return CLI_OK;
}

/* A station setting: priority|normal, enable|disable, rated A. */
static int
set_station(struct cli *c, const char *action, const char *value)
{
	ews_evse_station_setup s = { .version =
		                             EWS_EVSE_STATION_SETUP_VERSION };
	int rc = cli_done(ews_site_evse_station_get(c->site, c->id, &s));

	if (rc != CLI_OK)
		return rc;
	if (!strcmp(action, "priority") || !strcmp(action, "normal"))
		s.priority = !strcmp(action, "priority");
	else if (!strcmp(action, "enable") || !strcmp(action, "disable"))
		s.plug_enabled = !strcmp(action, "enable");
	else if (cli_parse_double(value, &s.rated_a) != 0)
		return cli_refuse("rated_a: '%s' is not a number", value);
	return cli_done(ews_site_evse_station_set(c->site, &s));
}

int
cli_evse_station(struct cli *c, const struct cli_args *a)
{
	static const char *const actions[] = { "priority", "normal", "enable",
		                               "disable",  "rated",  "start",
		                               "wait",     "none",   NULL };
	const char *action = a->n_pos >= 2 ? a->pos[1] : NULL;
	size_t k = 0;
	int rc;

	while (action && actions[k] && strcmp(actions[k], action))
		k++;
	if (action && !actions[k])
		return cli_usage(c,
		                 "unknown action '%s': give priority, normal, "
		                 "enable, disable, rated A, start, wait or "
		                 "none",
		                 action);
	if ((a->n_pos == 3) != (action && !strcmp(action, "rated")))
		return cli_usage(c, "rated takes one value (A); the other "
		                    "actions none");
	if (action && a->json)
		return cli_usage(c, "--json is for showing a station");
	if ((rc = cli_open_site(c, 0, NULL)) != CLI_OK)
		return rc;
	if (!action)
		return show_station(c, a);
	if (k >= 5) /* start, wait, none: this charge only (EVS-4) */
		return cli_done(ews_site_evse_hold(c->site, c->id,
		                                   k == 5   ? EWS_HOLD_START
		                                   : k == 6 ? EWS_HOLD_WAIT
		                                            : EWS_HOLD_NONE));
	return set_station(c, action, a->n_pos == 3 ? a->pos[2] : NULL);
}

int
cli_evse_charge(struct cli *c, const struct cli_args *a)
{
	const char *action = a->pos[1];
	int priority;
	int rc;

	if (!strcmp(action, "priority"))
		priority = 1;
	else if (!strcmp(action, "normal"))
		priority = 0;
	else if (!strcmp(action, "default"))
		priority = -1;
	else
		return cli_usage(c,
		                 "unknown action '%s': give priority, "
		                 "normal or default",
		                 action);
	if ((rc = cli_open_site(c, 0, NULL)) != CLI_OK)
		return rc;
	return cli_done(
	        ews_site_evse_charge_priority(c->site, c->id, priority));
}
