#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ews/engine.h>
#include <ews/store.h>

#include "acq-private.h"
#include "engine-private.h"
#include "error-private.h"
#include "site-private.h"

/*
 * One worker thread per gateway reads that gateway's devices one at a time
 * (ACQ-5); results come back through a mutex-protected queue and a pipe
 * that turns readable, and are recorded on the caller's thread by
 * ews_engine_dispatch(): the site handle never leaves that thread.
 */

struct result {
	ews_poll_result r;   /* r.command_id != 0: a command's result */
	ews_list *readings;  /* owned; NULL when nothing was read */
	int station_failure; /* pilot state E or F: the EVSE reports a fault */
	ews__reply_cb cb; /* a live request's: called instead of dispatch's */
	ews_read_cb read_cb; /* ews_engine_read()'s */
	void *ud;
	int64_t mono_us; /* read: answer received; write: request sent */
};

/* A command (a write, or a live read) waiting for its gateway's worker. */
struct command {
	int64_t id;
	int64_t device_id;
	int64_t gateway_id;
	unsigned int unit;
	const ews_register *reg; /* a write's, the catalogue's: shared */
	uint16_t words[4];
	struct ews__job *job; /* a live read's, owned; NULL for a write */
	int64_t now_ms;       /* a live read's time stamp */
	ews__reply_cb cb;
	ews_read_cb read_cb;
	void *ud;
};

struct worker {
	ews_engine *eng;
	int64_t gateway_id;
	struct ews__link *link;
	pthread_t thread;
	int quit;              /* under eng->mu */
	struct ews__job *jobs; /* this cycle's; freed when it ends */
	size_t n_jobs;
	size_t next; /* next job to take, under eng->mu */
	int seen;    /* its gateway is ON in this cycle (caller's thread) */
	struct command *cmds; /* FIFO under eng->mu, served before reads */
	size_t n_cmds;
};

struct ews_engine {
	ews_site *site;
	ews_engine_opts opts;
	pthread_mutex_t mu;
	pthread_cond_t wake;
	int pipe_rd, pipe_wr;
	struct worker **workers;
	size_t n_workers;
	struct result *done; /* under mu; grown as results arrive */
	size_t n_done, cap_done;
	struct result *taken; /* dispatch's: swapped with done */
	size_t cap_taken;
	size_t commands; /* queued or in flight, not yet dispatched */
	size_t reported; /* devices of this cycle reported at its start */
	int64_t last_command_id;
	size_t outstanding; /* results of the cycle not yet dispatched */
	int busy;
	int64_t cycle_ms;
	ews_list *cycle_readings;
	struct forgotten *forgotten; /* live requests no longer wanted */
	size_t n_forgotten;
	/* Statuses this engine recorded, by device id: a poll that confirms
	 * one costs no database read (caller's thread only). */
	struct known_status *known;
	size_t n_known;
};

/* The live requests of a userdata up to a command id: its requester is
 * gone (a new one may get the same address, with later ids). */
struct forgotten {
	const void *ud;
	int64_t up_to_id;
};

struct known_status {
	int64_t device_id;
	ews_device_status status;
};

ews_status
ews_engine_opts_init(ews_engine_opts *opts, unsigned int version)
{
	ews_status st = ews__check_version(version, EWS_ENGINE_OPTS_VERSION,
	                                   "ews_engine_opts");

	if (st != EWS_OK)
		return st;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	opts->tcp_timeout_ms = 1000;
	return EWS_OK;
}

static void
notify(ews_engine *eng)
{
	ssize_t n = write(eng->pipe_wr, "r", 1);

	(void)n; /* a full pipe is readable already */
}

/* ------------------------------------------------------------------ */
/* Workers                                                             */

/* Queue a finished result (under mu). If it cannot grow, the result is
 * lost; the device's next read reports again. */
static void
push_result(ews_engine *eng, struct result *res)
{
	if (eng->n_done == eng->cap_done) {
		size_t cap = eng->cap_done ? 2 * eng->cap_done : 64;
		struct result *grown = realloc(eng->done, cap * sizeof(*grown));

		if (!grown) {
			ews_list_free(res->readings);
			return;
		}
		eng->done = grown;
		eng->cap_done = cap;
	}
	eng->done[eng->n_done++] = *res;
}

int64_t
ews__mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void read_one(struct worker *w, const struct ews__job *job,
                     int64_t now_ms, struct result *out);

static void
run_command(struct worker *w, const struct command *cmd, struct result *out)
{
	ews_test_result res;
	int64_t sent_us;

	if (cmd->job) {
		read_one(w, cmd->job, cmd->now_ms, out);
		ews__job_free(cmd->job);
		free(cmd->job);
	} else {
		memset(out, 0, sizeof(*out));
		memset(&res, 0, sizeof(res));
		sent_us = ews__mono_us();
		if (ews__link_write(w->link, cmd->unit, cmd->reg, cmd->words,
		                    &res) == EWS_OK)
			snprintf(res.message, sizeof(res.message), "written");
		out->r.device_id = cmd->device_id;
		out->r.gateway_id = cmd->gateway_id;
		out->r.outcome = res.outcome;
		out->r.exception_code = res.exception_code;
		out->r.round_trip_us = res.round_trip_us;
		snprintf(out->r.message, sizeof(out->r.message), "%s",
		         res.message);
		out->mono_us = sent_us;
	}
	out->r.command_id = cmd->id;
	out->cb = cmd->cb;
	out->read_cb = cmd->read_cb;
	out->ud = cmd->ud;
}

static void
read_one(struct worker *w, const struct ews__job *job, int64_t now_ms,
         struct result *out)
{
	ews_test_result res;
	ews_status st;

	memset(out, 0, sizeof(*out));
	out->r.device_id = job->device_id;
	out->r.gateway_id = job->gateway_id;
	out->readings = ews__list_new(EWS__LIST_READING, sizeof(ews_reading));
	if (!out->readings) {
		out->r.outcome = EWS_OUTCOME_IO;
		snprintf(out->r.message, sizeof(out->r.message),
		         "out of memory");
		return;
	}
	st = ews__job_read(w->link, job, now_ms, out->readings, &res);
	out->mono_us = ews__mono_us();
	out->r.outcome = res.outcome;
	out->r.exception_code = res.exception_code;
	out->r.round_trip_us = res.round_trip_us;
	out->r.readings = (unsigned int)ews_list_len(out->readings);
	for (size_t i = 0; i < ews_list_len(out->readings); i++) {
		const ews_reading *rd = ews_list_reading(out->readings, i);

		if (rd->quantity == EWS_Q_CP_STATE && rd->value >= EWS_CP_E)
			out->station_failure = 1;
	}
	snprintf(out->r.message, sizeof(out->r.message), "%s",
	         st == EWS_OK ? res.message : ews_error_last()->message);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	ews_engine *eng = w->eng;
	struct result res;

	pthread_mutex_lock(&eng->mu);
	for (;;) {
		while (!w->quit && w->n_cmds == 0 && w->next >= w->n_jobs)
			pthread_cond_wait(&eng->wake, &eng->mu);
		if (w->quit)
			break;
		if (w->n_cmds > 0) {
			struct command cmd = w->cmds[0];

			w->n_cmds--;
			memmove(w->cmds, w->cmds + 1, w->n_cmds * sizeof(cmd));
			pthread_mutex_unlock(&eng->mu);
			run_command(w, &cmd, &res);
		} else {
			const struct ews__job *job = &w->jobs[w->next++];
			int64_t now_ms = eng->cycle_ms;

			pthread_mutex_unlock(&eng->mu);
			read_one(w, job, now_ms, &res);
		}
		pthread_mutex_lock(&eng->mu);
		push_result(eng, &res);
		notify(eng);
	}
	pthread_mutex_unlock(&eng->mu);
	return NULL;
}

static ews_status
worker_start(ews_engine *eng, const ews_gateway *gw, struct worker **out)
{
	struct worker *w = ews__calloc(1, sizeof(*w));
	ews_status st;

	*out = NULL;
	if (!w)
		return EWS_ENOMEM;
	w->eng = eng;
	w->gateway_id = gw->id;
	st = ews__link_new(eng->site, gw, eng->opts.tcp_timeout_ms, &w->link);
	if (st == EWS_OK && pthread_create(&w->thread, NULL, worker_main, w))
		st = ews__fail(EWS_EIO,
		               "gateway '%s': cannot start its "
		               "worker thread",
		               gw->name);
	if (st != EWS_OK) {
		ews__link_free(w->link);
		free(w);
		return st;
	}
	*out = w;
	return EWS_OK;
}

static void
worker_stop(ews_engine *eng, struct worker *w)
{
	size_t i;

	pthread_mutex_lock(&eng->mu);
	w->quit = 1;
	pthread_cond_broadcast(&eng->wake);
	pthread_mutex_unlock(&eng->mu);
	pthread_join(w->thread, NULL);
	ews__link_free(w->link);
	for (i = 0; i < w->n_jobs; i++)
		ews__job_free(&w->jobs[i]);
	free(w->jobs);
	eng->commands -= w->n_cmds; /* dropped with their worker */
	for (i = 0; i < w->n_cmds; i++) {
		ews__job_free(w->cmds[i].job);
		free(w->cmds[i].job);
	}
	free(w->cmds);
	free(w);
}

/* The worker of a gateway, started (or restarted with a new address). */
static ews_status
worker_for(ews_engine *eng, const ews_gateway *gw, struct worker **out)
{
	struct worker **grown;
	size_t i;

	for (i = 0; i < eng->n_workers; i++) {
		struct worker *w = eng->workers[i];

		if (w->gateway_id != gw->id)
			continue;
		/* A gateway re-addressed during a cycle keeps its worker
		 * until the cycle ends: stopping it would lose its jobs. */
		if (ews__link_matches(w->link, gw) || eng->busy) {
			*out = w;
			return EWS_OK;
		}
		worker_stop(eng, w);
		eng->workers[i] = eng->workers[--eng->n_workers];
		break;
	}
	grown = ews__realloc(eng->workers,
	                     (eng->n_workers + 1) * sizeof(*eng->workers));
	if (!grown)
		return EWS_ENOMEM;
	eng->workers = grown;
	if (worker_start(eng, gw, out) != EWS_OK)
		return ews_error_last()->code;
	eng->workers[eng->n_workers++] = *out;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Lifetime                                                            */

ews_status
ews_engine_open(ews_site *site, const ews_engine_opts *opts, ews_engine **out)
{
	ews_engine *eng;
	int fds[2];
	ews_status st;

	*out = NULL;
	if (!site)
		return ews__fail_field(EWS_EINVAL, "site", "is required");
	if (!(eng = ews__calloc(1, sizeof(*eng))))
		return EWS_ENOMEM;
	ews_engine_opts_init(&eng->opts, EWS_ENGINE_OPTS_VERSION);
	if (opts &&
	    (st = ews__check_version(opts->version, EWS_ENGINE_OPTS_VERSION,
	                             "ews_engine_opts")) != EWS_OK) {
		free(eng);
		return st;
	}
	if (opts && opts->tcp_timeout_ms)
		eng->opts.tcp_timeout_ms = opts->tcp_timeout_ms;
	if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
		free(eng);
		return ews__fail(EWS_EIO, "engine: pipe: %s", strerror(errno));
	}
	eng->site = site;
	eng->pipe_rd = fds[0];
	eng->pipe_wr = fds[1];
	pthread_mutex_init(&eng->mu, NULL);
	pthread_cond_init(&eng->wake, NULL);
	*out = eng;
	return EWS_OK;
}

static void
free_results(struct result *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ews_list_free(r[i].readings);
}

void
ews_engine_close(ews_engine *eng)
{
	size_t i;

	if (!eng)
		return;
	for (i = 0; i < eng->n_workers; i++)
		worker_stop(eng, eng->workers[i]);
	free(eng->workers);
	free(eng->known);
	free(eng->forgotten);
	free_results(eng->done, eng->n_done);
	free(eng->done);
	free(eng->taken);
	ews_list_free(eng->cycle_readings);
	close(eng->pipe_rd);
	close(eng->pipe_wr);
	pthread_cond_destroy(&eng->wake);
	pthread_mutex_destroy(&eng->mu);
	free(eng);
}

int
ews_engine_fd(const ews_engine *eng)
{
	return eng->pipe_rd;
}

int
ews_engine_busy(const ews_engine *eng)
{
	return eng->busy;
}

int64_t
ews_engine_next_due_ms(ews_engine *eng, int64_t now_ms)
{
	char *text = NULL;
	int64_t rate_ms = 10 * 60000;

	if (ews_site_setting_get(eng->site, "sample_rate_min", &text) == EWS_OK)
		rate_ms = strtoll(text, NULL, 10) * 60000;
	ews_free(text);
	if (rate_ms <= 0)
		rate_ms = 10 * 60000;
	/* Floor division, so times before 1970 align too. */
	return (now_ms / rate_ms - (now_ms % rate_ms < 0) + 1) * rate_ms;
}

/* ------------------------------------------------------------------ */
/* Cycles                                                              */

/* A device that cannot be read as configured reports at once. */
static void
report_unreadable(ews_engine *eng, const ews_device *dev)
{
	struct result res;

	memset(&res, 0, sizeof(res));
	res.r.device_id = dev->id;
	res.r.gateway_id = dev->gateway_id;
	res.r.outcome = ews_error_last()->code == EWS_ENOMAP ? EWS_OUTCOME_NOMAP
	                                                     : EWS_OUTCOME_IO;
	snprintf(res.r.message, sizeof(res.r.message), "%s",
	         ews_error_last()->message);
	push_result(eng, &res);
	eng->reported++;
}

/* The jobs of one gateway's ON devices; unreadable ones report now. */
static ews_status
jobs_for(ews_engine *eng, const ews_list *devs, int64_t gw_id,
         struct ews__job **out, size_t *n_out)
{
	size_t i, n = 0, cap = ews_list_len(devs);
	struct ews__job *jobs = ews__calloc(cap, sizeof(*jobs));
	ews_status st;

	*out = NULL;
	*n_out = 0;
	if (!jobs)
		return EWS_ENOMEM;
	for (i = 0; i < cap; i++) {
		const ews_device *d = ews_list_device(devs, i);

		if (d->gateway_id != gw_id || !d->enabled)
			continue;
		st = ews__job_prepare(eng->site, d, EWS__SELECT_COUNTERS,
		                      &jobs[n]);
		if (st == EWS_ENOMEM) {
			ews__job_free(&jobs[n]);
			while (n > 0)
				ews__job_free(&jobs[--n]);
			free(jobs);
			return st;
		}
		if (st == EWS_OK) {
			n++;
			continue;
		}
		ews__job_free(&jobs[n]);
		pthread_mutex_lock(&eng->mu);
		report_unreadable(eng, d);
		pthread_mutex_unlock(&eng->mu);
	}
	*out = jobs;
	*n_out = n;
	return EWS_OK;
}

static ews_status
alloc_cycle(ews_engine *eng)
{
	ews_list_free(eng->cycle_readings);
	eng->cycle_readings =
	        ews__list_new(EWS__LIST_READING, sizeof(ews_reading));
	return eng->cycle_readings ? EWS_OK : EWS_ENOMEM;
}

/* Queue every ON device of every ON gateway on its gateway's worker. */
static ews_status
queue_gateways(ews_engine *eng, const ews_list *gws, const ews_list *devs,
               size_t *queued)
{
	ews_status st = EWS_OK;
	size_t i;

	for (i = 0; st == EWS_OK && i < ews_list_len(gws); i++) {
		const ews_gateway *gw = ews_list_gateway(gws, i);
		struct ews__job *jobs;
		struct worker *w;
		size_t n;

		if (!gw->enabled)
			continue;
		if ((st = worker_for(eng, gw, &w)) != EWS_OK ||
		    (st = jobs_for(eng, devs, gw->id, &jobs, &n)) != EWS_OK)
			break;
		w->seen = 1;
		if (n == 0) { /* no cycle end will free it */
			free(jobs);
			jobs = NULL;
		}
		pthread_mutex_lock(&eng->mu);
		w->jobs = jobs;
		w->n_jobs = n;
		w->next = 0;
		pthread_mutex_unlock(&eng->mu);
		*queued += n;
	}
	return st;
}

/* Workers of gateways that are gone or OFF are stopped. */
static void
retire_unseen(ews_engine *eng)
{
	size_t i = 0;

	while (i < eng->n_workers) {
		struct worker *w = eng->workers[i];

		if (w->seen || w->n_cmds > 0) {
			w->seen = 0;
			i++;
			continue;
		}
		worker_stop(eng, w);
		eng->workers[i] = eng->workers[--eng->n_workers];
	}
}

ews_status
ews_engine_start_cycle(ews_engine *eng, int64_t now_ms)
{
	ews_list *gws = NULL, *devs = NULL;
	size_t queued = 0;
	ews_status st;

	if (eng->busy)
		return ews__fail(EWS_EBUSY, "engine: the previous poll cycle "
		                            "is still running");
	if ((st = ews_site_gateway_list(eng->site, &gws)) == EWS_OK &&
	    (st = ews_site_device_list(eng->site, 0, &devs)) == EWS_OK &&
	    (st = alloc_cycle(eng)) == EWS_OK) {
		eng->cycle_ms = now_ms;
		eng->reported = 0;
		st = queue_gateways(eng, gws, devs, &queued);
		retire_unseen(eng);
	}
	pthread_mutex_lock(&eng->mu);
	eng->outstanding = queued + eng->reported;
	eng->busy = eng->outstanding > 0;
	pthread_cond_broadcast(&eng->wake);
	if (eng->n_done > 0)
		notify(eng);
	pthread_mutex_unlock(&eng->mu);
	ews_list_free(gws);
	ews_list_free(devs);
	return st;
}

/* ------------------------------------------------------------------ */
/* Dispatch (caller's thread)                                          */

static int
by_known_id(const void *a, const void *b)
{
	const struct known_status *x = a, *y = b;

	return (x->device_id > y->device_id) - (x->device_id < y->device_id);
}

/* Remember what was recorded; kept sorted for bsearch. */
static void
remember_status(ews_engine *eng, int64_t id, ews_device_status status)
{
	struct known_status key = { id, status }, *k, *grown;

	k = eng->n_known ? bsearch(&key, eng->known, eng->n_known, sizeof(key),
	                           by_known_id)
	                 : NULL; /* bsearch(NULL, 0, …) is undefined */
	if (k) {
		k->status = status;
		return;
	}
	grown = realloc(eng->known, (eng->n_known + 1) * sizeof(*grown));
	if (!grown)
		return; /* only a cache: the next poll reads the database */
	eng->known = grown;
	eng->known[eng->n_known++] = key;
	qsort(eng->known, eng->n_known, sizeof(key), by_known_id);
}

/* ACQ-4: a device that answered is ON; one that did not is in
 * communication error. An unknown map is configuration, not a status. */
static ews_status
update_status(ews_engine *eng, const struct result *res)
{
	const ews_poll_result *r = &res->r;
	int answered = r->outcome == EWS_OUTCOME_OK || r->readings > 0;
	ews_device_status status = EWS_DEVICE_ON;
	const char *reason = "answered";
	struct known_status key, *k;
	ews_status st;

	if (r->outcome == EWS_OUTCOME_NOMAP)
		return EWS_OK;
	if (!answered) {
		status = EWS_DEVICE_COMM_ERROR;
		reason = r->message;
	} else if (res->station_failure) {
		status = EWS_DEVICE_STATION_FAILURE;
		reason = "control pilot state E or F: the station reports a "
		         "fault";
	}
	key.device_id = r->device_id;
	key.status = status;
	k = eng->n_known ? bsearch(&key, eng->known, eng->n_known, sizeof(key),
	                           by_known_id)
	                 : NULL;
	if (k && k->status == status)
		return EWS_OK;
	st = ews_site_device_set_status(eng->site, r->device_id, status, reason,
	                                eng->cycle_ms);
	if (st == EWS_OK)
		remember_status(eng, r->device_id, status);
	return st;
}

static int
forgotten(const ews_engine *eng, const struct result *res)
{
	for (size_t i = 0; i < eng->n_forgotten; i++)
		if (eng->forgotten[i].ud == res->ud &&
		    res->r.command_id <= eng->forgotten[i].up_to_id)
			return 1;
	return 0;
}

ews_status
ews__engine_forget(ews_engine *eng, const void *ud)
{
	struct forgotten *grown = ews__realloc(
	        eng->forgotten, (eng->n_forgotten + 1) * sizeof(*grown));

	if (!grown)
		return EWS_ENOMEM;
	eng->forgotten = grown;
	eng->forgotten[eng->n_forgotten].ud = ud;
	eng->forgotten[eng->n_forgotten++].up_to_id = eng->last_command_id;
	return EWS_OK;
}

static ews_status
take_result(ews_engine *eng, struct result *res, ews_poll_cb cb, void *userdata)
{
	ews_status st;
	size_t i;

	if (res->r.command_id) {
		eng->commands--;
		if ((res->cb || res->read_cb) && forgotten(eng, res)) {
			/* its requester is gone */
		} else if (res->read_cb) {
			res->read_cb(&res->r, res->readings, res->ud);
		} else if (res->cb) {
			struct ews__reply reply = { &res->r, res->readings,
				                    res->mono_us };

			res->cb(&reply, res->ud);
		} else if (cb) {
			cb(&res->r, userdata);
		}
		ews_list_free(res->readings);
		res->readings = NULL;
		return EWS_OK;
	}
	st = update_status(eng, res);

	for (i = 0; i < ews_list_len(res->readings); i++) {
		ews_reading r = *ews_list_reading(res->readings, i);

		/* A float register in kWh times 1000 is Wh with binary
		 * noise below a thousandth: recorded as thousandths, it packs
		 * in 2-3 bytes instead of the 9 of an arbitrary double, and
		 * no meter resolves finer. */
		if (ews_quantity_is_counter(r.quantity))
			r.value = round(r.value * 1000.0) / 1000.0;
		if (ews__list_push(eng->cycle_readings, &r) != EWS_OK)
			st = EWS_ENOMEM;
	}
	if (cb)
		cb(&res->r, userdata);
	ews_list_free(res->readings);
	res->readings = NULL;
	eng->outstanding--;
	return st;
}

/* The last device reported: the cycle's readings in one transaction. */
static ews_status
finish_cycle(ews_engine *eng)
{
	size_t n = ews_list_len(eng->cycle_readings), i;
	ews_status st = EWS_OK;

	if (n > 0)
		st = ews_site_samples_add(
		        eng->site,
		        ews__list_at(eng->cycle_readings, EWS__LIST_READING, 0),
		        n);
	if (st != EWS_OK)
		ews__error_prefix("poll cycle not recorded");
	ews_list_free(eng->cycle_readings);
	eng->cycle_readings = NULL;
	pthread_mutex_lock(&eng->mu);
	for (i = 0; i < eng->n_workers; i++) {
		struct worker *w = eng->workers[i];

		while (w->n_jobs > 0)
			ews__job_free(&w->jobs[--w->n_jobs]);
		free(w->jobs);
		w->jobs = NULL;
		w->next = 0;
	}
	eng->busy = 0;
	pthread_mutex_unlock(&eng->mu);
	return st;
}

ews_status
ews_engine_dispatch(ews_engine *eng, ews_poll_cb cb, void *userdata)
{
	ews_status st = EWS_OK, s;
	struct result *swap;
	char drain[64];
	size_t n, cap, i;

	while (read(eng->pipe_rd, drain, sizeof(drain)) > 0)
		;
	pthread_mutex_lock(&eng->mu);
	n = eng->n_done;
	swap = eng->taken;
	cap = eng->cap_taken;
	eng->taken = eng->done;
	eng->cap_taken = eng->cap_done;
	eng->done = swap;
	eng->cap_done = cap;
	eng->n_done = 0;
	pthread_mutex_unlock(&eng->mu);
	for (i = 0; i < n; i++)
		if ((s = take_result(eng, &eng->taken[i], cb, userdata)) &&
		    st == EWS_OK)
			st = s;
	if (eng->busy && eng->outstanding == 0 &&
	    (s = finish_cycle(eng)) != EWS_OK && st == EWS_OK)
		st = s;
	return st;
}

static void
collect(const ews_poll_result *r, void *userdata)
{
	ews__list_push(userdata, r);
}

static int
by_device(const void *a, const void *b)
{
	const ews_poll_result *x = a, *y = b;

	return (x->device_id > y->device_id) - (x->device_id < y->device_id);
}

ews_status
ews_engine_poll_once(ews_engine *eng, int64_t now_ms, ews_list **out)
{
	ews_list *list =
	        ews__list_new(EWS__LIST_POLL_RESULT, sizeof(ews_poll_result));
	struct pollfd pfd = { eng->pipe_rd, POLLIN, 0 };
	ews_status st, s;

	*out = NULL;
	if (!list)
		return EWS_ENOMEM;
	st = ews_engine_start_cycle(eng, now_ms);
	while (eng->busy) {
		/* Workers always finish: every request has a timeout. */
		poll(&pfd, 1, 1000);
		if ((s = ews_engine_dispatch(eng, collect, list)) && !st)
			st = s;
	}
	if (st != EWS_OK) {
		ews_list_free(list);
		return st;
	}
	if (ews_list_len(list) > 1)
		qsort((void *)ews__list_at(list, EWS__LIST_POLL_RESULT, 0),
		      ews_list_len(list), sizeof(ews_poll_result), by_device);
	*out = list;
	return EWS_OK;
}

const ews_poll_result *
ews_list_poll_result(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_POLL_RESULT, i);
}

/* ------------------------------------------------------------------ */
/* Commands (ACQ-6)                                                    */

static ews_status
enqueue(ews_engine *eng, struct worker *w, const struct command *cmd)
{
	struct command *grown;

	pthread_mutex_lock(&eng->mu);
	grown = realloc(w->cmds, (w->n_cmds + 1) * sizeof(*grown));
	if (grown) {
		w->cmds = grown;
		w->cmds[w->n_cmds++] = *cmd;
		eng->commands++;
		pthread_cond_broadcast(&eng->wake);
	}
	pthread_mutex_unlock(&eng->mu);
	return grown ? EWS_OK : ews__fail(EWS_ENOMEM, "engine: out of memory");
}

/* A command's device, unit and worker: the device and its gateway must
 * be ON. */
static ews_status
command_target(ews_engine *eng, int64_t device_id, ews_device *dev,
               struct command *cmd, struct worker **w)
{
	ews_gateway gw;
	ews_status st;

	memset(cmd, 0, sizeof(*cmd));
	dev->version = EWS_DEVICE_VERSION;
	gw.version = EWS_GATEWAY_VERSION;
	if ((st = ews_site_device_get(eng->site, device_id, dev)) ||
	    (st = ews_site_gateway_get(eng->site, dev->gateway_id, &gw)))
		return st;
	if (!gw.enabled || !dev->enabled)
		return ews__fail_field(
		        EWS_EDENIED, gw.enabled ? "device" : "gateway",
		        "'%s' is OFF", gw.enabled ? dev->name : gw.name);
	if ((st = worker_for(eng, &gw, w)))
		return st;
	cmd->device_id = dev->id;
	cmd->gateway_id = gw.id;
	cmd->unit = ews__unit_of(dev);
	return EWS_OK;
}

static ews_status
queue_command(ews_engine *eng, struct worker *w, struct command *cmd,
              int64_t *command_id)
{
	ews_status st;

	cmd->id = ++eng->last_command_id;
	w->seen = 1; /* not retired before the command has run */
	if ((st = enqueue(eng, w, cmd)) != EWS_OK)
		return st;
	if (command_id)
		*command_id = cmd->id;
	return EWS_OK;
}

static ews_status
write_command(ews_engine *eng, int64_t device_id, ews_quantity quantity,
              double value, struct command *cmd, struct worker **w)
{
	ews_device dev;
	ews_status st;

	if ((st = command_target(eng, device_id, &dev, cmd, w)) ||
	    (st = ews__writable_register(eng->site, &dev, quantity, &cmd->reg)))
		return st;
	return ews_register_encode(cmd->reg, value, cmd->words, 4);
}

ews_status
ews_engine_write(ews_engine *eng, int64_t device_id, ews_quantity quantity,
                 double value, int64_t *command_id)
{
	struct command cmd;
	struct worker *w;
	ews_status st;

	*command_id = 0;
	if ((st = write_command(eng, device_id, quantity, value, &cmd, &w)))
		return st;
	return queue_command(eng, w, &cmd, command_id);
}

ews_status
ews__engine_write(ews_engine *eng, int64_t device_id, ews_quantity quantity,
                  double value, ews__reply_cb cb, void *ud)
{
	struct command cmd;
	struct worker *w;
	ews_status st;

	if ((st = write_command(eng, device_id, quantity, value, &cmd, &w)))
		return st;
	cmd.cb = cb;
	cmd.ud = ud;
	return queue_command(eng, w, &cmd, NULL);
}

static ews_status
read_command(ews_engine *eng, int64_t device_id, enum ews__select what,
             int64_t now_ms, struct command *cmd_in)
{
	struct command cmd;
	struct worker *w;
	ews_device dev;
	ews_status st;

	if ((st = command_target(eng, device_id, &dev, &cmd, &w)))
		return st;
	if (!(cmd.job = ews__calloc(1, sizeof(*cmd.job))))
		return EWS_ENOMEM;
	cmd.now_ms = now_ms;
	cmd.cb = cmd_in->cb;
	cmd.read_cb = cmd_in->read_cb;
	cmd.ud = cmd_in->ud;
	if ((st = ews__job_prepare(eng->site, &dev, what, cmd.job)) ||
	    (st = queue_command(eng, w, &cmd, NULL))) {
		ews__job_free(cmd.job);
		free(cmd.job);
		return st;
	}
	return EWS_OK;
}

ews_status
ews__engine_read(ews_engine *eng, int64_t device_id, enum ews__select what,
                 int64_t now_ms, ews__reply_cb cb, void *ud)
{
	struct command cmd = { .cb = cb, .ud = ud };

	return read_command(eng, device_id, what, now_ms, &cmd);
}

ews_status
ews_engine_read(ews_engine *eng, int64_t device_id, int64_t now_ms,
                ews_read_cb cb, void *userdata)
{
	struct command cmd = { .read_cb = cb, .ud = userdata };

	if (!cb)
		return ews__fail_field(EWS_EINVAL, "cb", "is required");
	return read_command(eng, device_id, EWS__SELECT_ALL, now_ms, &cmd);
}

size_t
ews_engine_commands_pending(const ews_engine *eng)
{
	return eng->commands;
}
