/*
 * The live side of the daemon on its one event loop: the acquisition
 * engine's fd, a recording cycle on every multiple of the sample rate
 * (ACQ-2), and Green'Up's loop every period (it ticks even while OFF, to
 * notice being switched ON). At stop, the cycle in flight is waited for
 * and recorded.
 */
#include <poll.h>
#include <stdlib.h>

#include <event2/event.h>

#include "ewsd.h"

/* A command (ACQ-6) whose result an API request waits for. */
struct waiting {
	int64_t command_id;
	ewsd_command_cb cb;
	void *ud;
};

enum { WAITING_MAX = 64 };

struct ewsd_live {
	struct ewsd *d;
	struct waiting waiting[WAITING_MAX];
	size_t n_waiting;
	ews_engine *eng;
	ews_greenup *gu;
	struct event *engine_ev, *cycle_ev, *greenup_ev;
	uint64_t cycles, cycle_failures;
};

static void
arm(struct event *ev, int64_t due_ms, int64_t now_ms)
{
	int64_t ms = due_ms > now_ms ? due_ms - now_ms : 0;
	struct timeval tv = { (time_t)(ms / 1000),
		              (suseconds_t)(ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

/* A command's result goes to the request that waits for it. */
static void
on_result(const ews_poll_result *r, void *arg)
{
	struct ewsd_live *l = arg;

	if (!r->command_id)
		return;
	for (size_t i = 0; i < l->n_waiting; i++)
		if (l->waiting[i].command_id == r->command_id) {
			struct waiting w = l->waiting[i];

			l->waiting[i] = l->waiting[--l->n_waiting];
			w.cb(r, w.ud);
			return;
		}
}

int
ewsd_live_write(struct ewsd *d, int64_t device_id, ews_quantity quantity,
                double value, ewsd_command_cb cb, void *ud)
{
	struct ewsd_live *l = d->live;
	int64_t id;

	if (l->n_waiting == WAITING_MAX) {
		ews_error_clear();
		return EWS_EBUSY;
	}
	if (ews_engine_write(l->eng, device_id, quantity, value, &id) != EWS_OK)
		return ews_error_last()->code;
	l->waiting[l->n_waiting].command_id = id;
	l->waiting[l->n_waiting].cb = cb;
	l->waiting[l->n_waiting++].ud = ud;
	return EWS_OK;
}

static void
on_engine(evutil_socket_t fd, short what, void *arg)
{
	struct ewsd_live *l = arg;
	int was_busy = ews_engine_busy(l->eng);

	(void)fd;
	(void)what;
	if (ews_engine_dispatch(l->eng, on_result, l) != EWS_OK) {
		l->cycle_failures++;
		ewsd_log("event: %s", ews_error_last()->message);
	}
	if (was_busy && !ews_engine_busy(l->eng))
		l->cycles++;
}

static void
on_cycle(evutil_socket_t fd, short what, void *arg)
{
	struct ewsd_live *l = arg;
	int64_t now = ewsd_now_ms();

	(void)fd;
	(void)what;
	if (ews_engine_start_cycle(l->eng, now) != EWS_OK)
		ewsd_log("recording cycle not started: %s",
		         ews_error_last()->message);
	arm(l->cycle_ev, ews_engine_next_due_ms(l->eng, now), now);
}

static void
on_greenup(evutil_socket_t fd, short what, void *arg)
{
	struct ewsd_live *l = arg;
	int64_t now = ewsd_now_ms();

	(void)fd;
	(void)what;
	if (ews_greenup_tick(l->gu, now) != EWS_OK)
		ewsd_log("Green'Up: %s", ews_error_last()->message);
	arm(l->greenup_ev, ews_greenup_next_due_ms(l->gu, now), now);
}

int
ewsd_live_start(struct ewsd *d)
{
	struct ewsd_live *l = calloc(1, sizeof(*l));
	int64_t now = ewsd_now_ms();

	if (!l)
		return -1;
	l->d = d;
	d->live = l;
	if (ews_engine_open(d->site, NULL, &l->eng) != EWS_OK ||
	    ews_greenup_open(d->site, l->eng, &l->gu) != EWS_OK) {
		ewsd_log("cannot start acquisition: %s",
		         ews_error_last()->message);
		return -1;
	}
	l->engine_ev = event_new(d->base, ews_engine_fd(l->eng),
	                         EV_READ | EV_PERSIST, on_engine, l);
	l->cycle_ev = evtimer_new(d->base, on_cycle, l);
	l->greenup_ev = evtimer_new(d->base, on_greenup, l);
	if (!l->engine_ev || !l->cycle_ev || !l->greenup_ev ||
	    event_add(l->engine_ev, NULL))
		return -1;
	arm(l->cycle_ev, ews_engine_next_due_ms(l->eng, now), now);
	arm(l->greenup_ev, ews_greenup_next_due_ms(l->gu, now), now);
	return 0;
}

void
ewsd_live_stop(struct ewsd *d)
{
	struct ewsd_live *l = d->live;

	if (!l)
		return;
	/* The sweep in flight is finished and recorded, not lost: every
	 * request has a timeout, so this ends. */
	while (l->eng && ews_engine_busy(l->eng)) {
		struct pollfd pfd = { ews_engine_fd(l->eng), POLLIN, 0 };

		poll(&pfd, 1, 1000);
		on_engine(pfd.fd, EV_READ, l);
	}
	if (l->engine_ev)
		event_free(l->engine_ev);
	if (l->cycle_ev)
		event_free(l->cycle_ev);
	if (l->greenup_ev)
		event_free(l->greenup_ev);
	ews_greenup_close(l->gu); /* before its engine */
	ews_engine_close(l->eng);
	free(l);
	d->live = NULL;
}

ews_engine *
ewsd_live_engine(struct ewsd *d)
{
	return d->live ? d->live->eng : NULL;
}

uint64_t
ewsd_live_cycles(const struct ewsd *d)
{
	return d->live ? d->live->cycles : 0;
}
