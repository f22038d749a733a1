/*
 * Green'Up (EVS-1..6): the site's setup, the status the live loop stores,
 * each station's settings, the per-charge commands (Start/Wait,
 * Priority/Normal) and the installers' simulation: what `ews evse …`
 * does, with the same JSON shapes. The loop itself runs in live.c.
 *
 * A simulation is pure CPU and can last a minute (a week of 0.1 s steps,
 * 64 stations): it runs on a thread of its own, so the loop that drives
 * the real stations never waits for it, and its answer comes later.
 */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "ewsd.h"

/* ------------------------------------------------------------------ */
/* The setup (EVS-1)                                                   */

static void
get_config(struct ewsd_req *q)
{
	ews_evse_setup s = { .version = EWS_EVSE_SETUP_VERSION };
	ews_status st = ews_site_evse_get(q->d->site, &s);
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	shape_evse_setup(j, &s);
	ewsd_reply_end(q, 200);
}

/* "meter": a device id, or null for a dedicated supply. */
static int
body_meter(struct ewsd_req *q, int64_t *id)
{
	yajl_val v = ewsd_body_get(q, "meter");

	if (!v)
		return 0;
	if (YAJL_IS_NULL(v)) {
		*id = 0;
		return 0;
	}
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) <= 0) {
		ewsd_reply_error(q, 400, "bad_field", "meter",
		                 "meter: must be a device id, or null for a "
		                 "dedicated supply");
		return -1;
	}
	*id = YAJL_GET_INTEGER(v);
	return 0;
}

/* "period_s": seconds in whole milliseconds, as the CLI takes it. */
static int
body_period(struct ewsd_req *q, int64_t *ms)
{
	double v = 0, m;

	if (!ewsd_body_get(q, "period_s"))
		return 0;
	if (ewsd_body_double(q, "period_s", 0, &v))
		return -1;
	m = fabs(v) <= 1e12 ? round(v * 1000) : NAN;
	if (!(fabs(v * 1000 - m) <= 1e-6 * (fabs(m) + 1))) {
		ewsd_reply_error(q, 400, "bad_field", "period_s",
		                 "period_s: must be seconds in whole "
		                 "milliseconds");
		return -1;
	}
	*ms = (int64_t)m;
	return 0;
}

/* The fields of the body over s; 0 or replied. */
static int
body_setup(struct ewsd_req *q, ews_evse_setup *s)
{
	static const char *const known[] = { "enabled",
		                             "meter",
		                             "max_current_a",
		                             "max_charging_current_a",
		                             "hysteresis_pct",
		                             "step1_pct",
		                             "step2_pct",
		                             "min_charge_ah",
		                             "failsafe_current_a",
		                             "period_s",
		                             NULL };
	ews_evse_config *c = &s->config;

	return ewsd_body_only(q, known) ||
	       ewsd_body_bool(q, "enabled", 0, &s->enabled) ||
	       body_meter(q, &s->meter_device_id) ||
	       ewsd_body_double(q, "max_current_a", 0, &c->max_current_a) ||
	       ewsd_body_double(q, "max_charging_current_a", 0,
	                        &c->max_charging_current_a) ||
	       ewsd_body_double(q, "hysteresis_pct", 0, &c->hysteresis_pct) ||
	       ewsd_body_double(q, "step1_pct", 0, &c->step1_pct) ||
	       ewsd_body_double(q, "step2_pct", 0, &c->step2_pct) ||
	       ewsd_body_double(q, "min_charge_ah", 0, &c->min_charge_ah) ||
	       ewsd_body_double(q, "failsafe_current_a", 0,
	                        &c->failsafe_current_a) ||
	       body_period(q, &c->period_ms);
}

/* libews names the stored fields meter_device_id and period_ms; the
 * API's keys are meter and period_s (as the CLI's options). */
static const struct ewsd_field_name setup_names[] = {
	{ "meter_device_id", "meter", EWS_OK },
	{ "period_ms", "period_s", EWS_OK },
	{ NULL, NULL, EWS_OK },
};

/* Overlay the body on the stored setup and store it whole, checked. */
static void
put_config(struct ewsd_req *q)
{
	ews_evse_setup s = { .version = EWS_EVSE_SETUP_VERSION };
	ews_status st = ews_site_evse_get(q->d->site, &s);

	q->fields = setup_names;
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	if (body_setup(q, &s))
		return;
	if ((st = ews_site_evse_set(q->d->site, &s)) != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	ewsd_log("Green'Up setup changed by '%s'", q->user->name);
	ewsd_reply_empty(q, 204);
}

/* ------------------------------------------------------------------ */
/* Status (EVS-5)                                                      */

static void
get_status(struct ewsd_req *q)
{
	ews_evse_status *s = calloc(1, sizeof(*s)); /* 64 stations: heap */
	ews_status st = s ? EWS_OK : EWS_ENOMEM;
	struct jw *j;

	if (s) {
		s->version = EWS_EVSE_STATUS_VERSION;
		st = ews_site_evse_status(q->d->site, s);
	}
	if (st == EWS_OK) {
		j = ewsd_reply_begin(q);
		shape_evse_status(j, s, q->now_ms);
		ewsd_reply_end(q, 200);
	} else {
		ewsd_reply_status(q, st);
	}
	free(s);
}

/* ------------------------------------------------------------------ */
/* Stations: settings (EVS-4, EVS-5) and this charge's commands        */

static void
get_station(struct ewsd_req *q)
{
	ews_evse_station_setup s = { .version =
		                             EWS_EVSE_STATION_SETUP_VERSION };
	ews_status st = ews_site_evse_station_get(q->d->site, q->ids[0], &s);
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	shape_evse_station(j, q->ids[0], &s);
	ewsd_reply_end(q, 200);
}

/* The Green'Up page may switch a plug on and off; the priority and the
 * rated current are the installation's (System configuration). A field
 * given with its stored value is no change, so a UI may send the whole
 * object back. */
static int
may_change(struct ewsd_req *q, const ews_evse_station_setup *was,
           const ews_evse_station_setup *now)
{
	const char *field = NULL;

	if (q->user->pages & EWS_PAGE_SYSTEM_CONFIG)
		return 0;
	if (now->priority != was->priority)
		field = "priority";
	else if (now->rated_a != was->rated_a)
		field = "rated_a";
	if (!field)
		return 0;
	ewsd_reply_error(q, 403, "forbidden", field,
	                 "%s: user '%s' may change only plug_enabled "
	                 "(the System configuration page sets the rest)",
	                 field, q->user->name);
	return -1;
}

static void
put_station(struct ewsd_req *q)
{
	static const char *const known[] = { "priority", "rated_a",
		                             "plug_enabled", NULL };
	ews_evse_station_setup was = { .version =
		                               EWS_EVSE_STATION_SETUP_VERSION };
	ews_evse_station_setup s;
	ews_status st = ews_site_evse_station_get(q->d->site, q->ids[0], &was);

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	s = was;
	if (ewsd_body_only(q, known) ||
	    ewsd_body_bool(q, "priority", 0, &s.priority) ||
	    ewsd_body_double(q, "rated_a", 0, &s.rated_a) ||
	    ewsd_body_bool(q, "plug_enabled", 0, &s.plug_enabled) ||
	    may_change(q, &was, &s))
		return;
	s.device_id = q->ids[0];
	ewsd_reply_done(q, ews_site_evse_station_set(q->d->site, &s), 0);
}

/* The body's one field `field`, one of names[]: its index, or -1 when
 * replied. */
static int
body_choice(struct ewsd_req *q, const char *field, const char *const *names,
            const char *expected)
{
	const char *const known[] = { field, NULL };
	char text[16] = "";
	int k;

	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, field, 1, text, sizeof(text)))
		return -1;
	for (k = 0; names[k]; k++)
		if (!strcmp(names[k], text))
			return k;
	ewsd_reply_error(q, 400, "bad_field", field, "%s: give %s", field,
	                 expected);
	return -1;
}

/* Start or Wait for this charge only (EVS-4); none clears it. */
static void
post_hold(struct ewsd_req *q)
{
	static const char *const names[] = { "none", "start", "wait", NULL };
	static const ews_evse_hold holds[] = { EWS_HOLD_NONE, EWS_HOLD_START,
		                               EWS_HOLD_WAIT };
	int k = body_choice(q, "hold", names, "start, wait or none");

	if (k < 0)
		return;
	ewsd_reply_done(q, ews_site_evse_hold(q->d->site, q->ids[0], holds[k]),
	                0);
}

/* Priority or Normal for this charge only (EVS-4); default: the
 * station's own. */
static void
post_charge_priority(struct ewsd_req *q)
{
	static const char *const names[] = { "default", "normal", "priority",
		                             NULL };
	int k = body_choice(q, "priority", names,
	                    "priority, normal or default");

	if (k < 0)
		return;
	ewsd_reply_done(
	        q, ews_site_evse_charge_priority(q->d->site, q->ids[0], k - 1),
	        0);
}

/* ------------------------------------------------------------------ */
/* Simulation for installers                                           */

enum {
	SIMS_MAX = 1,                /* at once: each takes a core */
	SIM_OUT_MAX = 16 << 20,      /* bytes of lines kept for the reply */
	SIM_DEPTH_MAX = JW_DEPTH - 4 /* under the reply's object and array */
};

static unsigned int sims_running; /* the loop's thread only */

struct sim_job {
	struct ewsd_later later;
	char *scenario;
	size_t len;
	int every_step;
	/* the worker's, until it writes to pipe_wr */
	yajl_gen gen;
	struct jw jw;
	yajl_val summary;
	size_t out_bytes;
	int too_large, bad_line;
	ews_status st;
	char field[64], message[512];
	/* the loop's */
	pthread_t thread;
	int pipe_rd, pipe_wr;
	struct event *done_ev;
};

/* A value of a line, parsed back, written through jw. */
static void
write_value(struct sim_job *job, yajl_val v, int depth)
{
	struct jw *j = &job->jw;

	if (depth > SIM_DEPTH_MAX) {
		job->bad_line = 1;
		jw_null(j);
	} else if (YAJL_IS_OBJECT(v)) {
		jw_object_begin(j);
		for (size_t i = 0; i < v->u.object.len; i++) {
			jw_key(j, v->u.object.keys[i]);
			write_value(job, v->u.object.values[i], depth + 1);
		}
		jw_object_end(j);
	} else if (YAJL_IS_ARRAY(v)) {
		jw_array_begin(j, 0);
		for (size_t i = 0; i < v->u.array.len; i++)
			write_value(job, v->u.array.values[i], depth + 1);
		jw_array_end(j);
	} else if (YAJL_IS_STRING(v)) {
		jw_str(j, v->u.string);
	} else if (YAJL_IS_NUMBER(v)) {
		jw_number_text(j, YAJL_GET_NUMBER(v)); /* the library's text */
	} else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
		jw_bool(j, YAJL_IS_TRUE(v));
	} else {
		jw_null(j);
	}
}

/* One line of the simulation: a step goes into "lines"; the last one,
 * {"summary": {...}}, is kept for the end. */
static void
sim_emit(const char *line, size_t len, void *ctx)
{
	struct sim_job *job = ctx;
	char text[4096], *buf = len < sizeof(text) ? text : malloc(len + 1);
	char err[128];
	yajl_val v;

	if (!buf)
		job->bad_line = 1; /* out of memory: a 500 at the end */
	if (job->too_large || job->bad_line)
		goto out;
	if ((job->out_bytes += len + 1) > SIM_OUT_MAX) {
		job->too_large = 1; /* the rest still runs, unwritten */
		goto out;
	}
	memcpy(buf, line, len);
	buf[len] = 0;
	if (!(v = yajl_tree_parse(buf, err, sizeof(err))) ||
	    !YAJL_IS_OBJECT(v)) {
		job->bad_line = 1;
	} else if (v->u.object.len == 1 &&
	           !strcmp(v->u.object.keys[0], "summary")) {
		yajl_tree_free(job->summary);
		job->summary = v;
		v = NULL;
	} else {
		write_value(job, v, 0);
	}
	yajl_tree_free(v);
out:
	if (buf != text)
		free(buf);
}

/* The worker: the whole simulation, written to job->gen. */
static void *
sim_main(void *arg)
{
	struct sim_job *job = arg;
	const ews_error *e;

	jw_object_begin(&job->jw);
	jw_key(&job->jw, "lines");
	jw_array_begin(&job->jw, 0);
	job->st = ews_evse_simulate(job->scenario, job->len, job->every_step,
	                            sim_emit, job);
	jw_array_end(&job->jw);
	jw_key(&job->jw, "summary");
	if (job->summary)
		write_value(job, job->summary->u.object.values[0], 1);
	else
		jw_null(&job->jw);
	jw_object_end(&job->jw);
	/* the last error is this thread's: take it to the loop */
	e = ews_error_last();
	snprintf(job->field, sizeof(job->field), "%s",
	         e->field ? e->field : "");
	snprintf(job->message, sizeof(job->message), "%s",
	         e->message && e->message[0] ? e->message
	                                     : ews_status_str(job->st));
	if (write(job->pipe_wr, "x", 1) < 0) {
		/* cannot happen on an empty pipe; the request then hangs
		 * until the client's timeout */
	}
	return NULL;
}

static void
sim_free(struct sim_job *job)
{
	if (job->done_ev)
		event_free(job->done_ev);
	if (job->pipe_rd >= 0)
		close(job->pipe_rd);
	if (job->pipe_wr >= 0)
		close(job->pipe_wr);
	if (job->gen)
		yajl_gen_free(job->gen);
	yajl_tree_free(job->summary);
	free(job->scenario);
	free(job);
}

/* Back in the loop: the answer. */
static void
sim_done(evutil_socket_t fd, short what, void *arg)
{
	struct sim_job *job = arg;
	struct ewsd_req q;

	(void)fd;
	(void)what;
	pthread_join(job->thread, NULL);
	sims_running--;
	ewsd_later_req(&job->later, &q);
	if (job->st == EWS_EINVAL)
		ewsd_reply_error(&q, 422, "invalid", job->field, "%s",
		                 job->message);
	else if (job->st != EWS_OK)
		ewsd_reply_error(&q, 500, "internal", job->field, "%s",
		                 job->message);
	else if (job->too_large)
		ewsd_reply_error(&q, 422, "limit",
		                 job->every_step ? "every_step" : "duration_s",
		                 "the simulation's output is over %d MiB: "
		                 "shorten duration_s%s",
		                 SIM_OUT_MAX >> 20,
		                 job->every_step ? " or drop every_step" : "");
	else if (job->bad_line || job->jw.error)
		ewsd_reply_error(&q, 500, "internal", NULL,
		                 "the simulation's output could not be "
		                 "written");
	else {
		q.gen = job->gen; /* the reply, written by the worker */
		job->gen = NULL;
		ewsd_reply_end(&q, 200);
	}
	sim_free(job);
}

/* A job for q's scenario, its pipe and its event; NULL when replied. */
static struct sim_job *
sim_new(struct ewsd_req *q, int every_step)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(q->r);
	struct sim_job *job = calloc(1, sizeof(*job));
	int fds[2];

	if (job) {
		job->pipe_rd = job->pipe_wr = -1;
		job->every_step = every_step;
		/* the text as sent (http.c copies it out, it stays there):
		 * the library reads it as the CLI reads the file */
		job->len = evbuffer_get_length(in);
		job->scenario = malloc(job->len + 1);
		job->gen = yajl_gen_alloc(NULL);
	}
	if (!job || !job->scenario || !job->gen ||
	    pipe2(fds, O_NONBLOCK | O_CLOEXEC)) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of resources");
		if (job)
			sim_free(job);
		return NULL;
	}
	job->pipe_rd = fds[0];
	job->pipe_wr = fds[1];
	evbuffer_copyout(in, job->scenario, job->len);
	job->scenario[job->len] = 0;
	jw_init_yajl(&job->jw, job->gen);
	job->done_ev =
	        event_new(q->d->base, job->pipe_rd, EV_READ, sim_done, job);
	if (!job->done_ev || event_add(job->done_ev, NULL)) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of resources");
		sim_free(job);
		return NULL;
	}
	return job;
}

/* POST /api/v1/evse/simulate?every_step=1, the scenario as the body. */
static void
post_simulate(struct ewsd_req *q)
{
	const char *every = ewsd_query(q, "every_step");
	struct sim_job *job;
	int rc;

	if (every && strcmp(every, "0") && strcmp(every, "1")) {
		ewsd_reply_error(q, 400, "bad_field", "every_step",
		                 "every_step: give 0 or 1");
		return;
	}
	if (ewsd_body_object(q))
		return;
	if (sims_running >= SIMS_MAX) {
		ewsd_reply_error(q, 503, "busy", NULL,
		                 "a simulation is running: try again when it "
		                 "has answered");
		return;
	}
	if (!(job = sim_new(q, every && !strcmp(every, "1"))))
		return;
	if ((rc = pthread_create(&job->thread, NULL, sim_main, job))) {
		ewsd_reply_error(q, 503, "busy", NULL,
		                 "no thread for the simulation: %s",
		                 strerror(rc));
		sim_free(job);
		return;
	}
	sims_running++;
	ewsd_later_keep(q, &job->later);
}

/* ------------------------------------------------------------------ */

#define SYS EWS_PAGE_SYSTEM_CONFIG
#define GU  EWS_PAGE_GREENUP

const struct ewsd_route ewsd_evse_routes[] = {
	{ "GET", "/api/v1/evse/config", get_config, EWSD_PAGES, SYS | GU,
	  "The Green'Up setup: enabled, meter, currents, steps, period_s" },
	{ "PUT", "/api/v1/evse/config", put_config, EWSD_PAGES, SYS,
	  "Change the Green'Up setup: the keys given, checked whole" },
	{ "GET", "/api/v1/evse/status", get_status, EWSD_PAGES, GU | SYS,
	  "What the live loop last stored: zone, phases, every station" },
	{ "GET", "/api/v1/evse/stations/{id}", get_station, EWSD_PAGES,
	  GU | SYS, "A station's settings: priority, rated_a, plug_enabled" },
	{ "PUT", "/api/v1/evse/stations/{id}", put_station, EWSD_PAGES,
	  SYS | GU,
	  "Change a station's settings (Green'Up page: plug_enabled only)" },
	{ "POST", "/api/v1/evse/stations/{id}/hold", post_hold, EWSD_PAGES, GU,
	  "This charge only: {hold: start|wait|none}" },
	{ "POST", "/api/v1/evse/stations/{id}/charge-priority",
	  post_charge_priority, EWSD_PAGES, GU,
	  "This charge only: {priority: priority|normal|default}" },
	{ "POST", "/api/v1/evse/simulate", post_simulate, EWSD_PAGES, SYS | GU,
	  "Run a scenario (docs/evse.md): {lines, summary} (?every_step=1)" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
