/*
 * The counters' history of the demo building, generated with an
 * injected clock: every sample carries its own timestamp and goes
 * through ews_site_samples_add(), which keeps the consumption and cost
 * rollups as it stores, exactly as the recording cycle would have.
 *
 * Samples fall on the site's sample rate (multiples of it in UTC, as the
 * engine records), from local midnight `days` days ago, the last one at
 * `now` itself. Each counter integrates its device's power over each
 * interval, and what is stored is what its meter would have shown: the
 * value through the model's register (encoded and decoded again, so the
 * resolution and the float precision are the meter's), rounded to
 * thousandths as the engine rounds counters; a pulse counter's volume is
 * a whole number of pulses. A batch is one month of samples of every
 * device, one transaction.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

enum {
	BATCH_DAYS = 31,
	GAS_PULSE_DM3 = 10, /* dm3 per pulse of the counters */
	WATER_PULSE_DM3 = 1
};

/* Where each counter starts: a building with some years behind it. */
static double
start_value(const struct demo *d, const struct demo_device *dev)
{
	double r = demo_rand(d->seed, 100 + dev->address, dev->position);

	switch (dev->kind) {
	case DEMO_MAIN:
		return 1000 * (90000 + 30000 * r); /* Wh */
	case DEMO_EV:
		return 1000 * (1500 + 4000 * r);
	case DEMO_GAS:
		return 1000 * (48000 + 20000 * r); /* dm3 */
	case DEMO_WATER:
		return 1000 * (3000 + 2500 * r);
	default:
		return 1000 * (6000 + 30000 * r);
	}
}

static int
has_counter(const struct demo_device *dev)
{
	return dev->kind != DEMO_BREAKER;
}

/* What the device's meter shows for counter value v, as recorded. */
static ews_status
shown(const struct demo_device *dev, double v, double *out)
{
	uint16_t words[4];
	ews_status st;

	if (dev->kind == DEMO_GAS || dev->kind == DEMO_WATER) {
		double pulse =
		        dev->kind == DEMO_GAS ? GAS_PULSE_DM3 : WATER_PULSE_DM3;

		*out = floor(v / pulse) * pulse;
		return EWS_OK;
	}
	if (!dev->counter) {
		*out = floor(v);
		return EWS_OK;
	}
	st = ews_register_encode(dev->counter, v, words, 4);
	if (st == EWS_OK)
		st = ews_register_decode(dev->counter, words, 4, out);
	if (st == EWS_OK)
		*out = nearbyint(*out * 1000) / 1000;
	return st;
}

/* Local midnight `days` days before the local date of now_ms. */
static int64_t
history_start(int64_t now_ms, unsigned int days)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;

	localtime_r(&t, &tm);
	tm.tm_mday -= (int)days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

/* The sample rate of the site, ms. */
static int64_t
sample_rate_ms(struct demo *d)
{
	char *text = NULL;
	long min = 10;

	if (ews_site_setting_get(d->site, "sample_rate_min", &text) == EWS_OK)
		min = strtol(text, NULL, 10);
	ews_free(text);
	return (min > 0 ? min : 10) * 60000;
}

struct batch {
	ews_reading *r[DEMO_DEVICES_MAX]; /* per device */
	size_t n, cap;
	ews_reading *all; /* every device's, one after the other */
};

/* Every counter over (t0, t1]: integrate, and the reading at t1. */
static int
step(struct demo *d, struct batch *b, int64_t t0, int64_t t1)
{
	struct demo_when w;
	double hours = (double)(t1 - t0) / 3.6e6, sum_w = 0, p;
	struct demo_device *main_dev = NULL;
	size_t i;

	demo_when_at(t0 + (t1 - t0) / 2, d->seed, &w);
	for (i = 0; i < d->ndev; i++) {
		struct demo_device *dev = &d->dev[i];

		if (!has_counter(dev))
			continue;
		p = demo_power(d, dev, &w, t0, t1);
		if (dev->kind == DEMO_MAIN)
			main_dev = dev; /* its own share; the rest below */
		else if (dev->kind != DEMO_GAS && dev->kind != DEMO_WATER)
			sum_w += p; /* the main incomer measures it too */
		dev->total += p * hours;
	}
	if (main_dev)
		main_dev->total += sum_w * hours;
	for (i = 0; i < d->ndev; i++) {
		struct demo_device *dev = &d->dev[i];
		ews_reading *r = &b->r[i][b->n];
		ews_status st;

		if (!has_counter(dev))
			continue;
		r->device_id = dev->id;
		r->quantity = dev->m->commodity == EWS_COMMODITY_ELECTRICITY
		                      ? EWS_Q_ACTIVE_ENERGY_IMPORT
		                      : EWS_Q_VOLUME;
		r->order = 0;
		r->t_ms = t1;
		if ((st = shown(dev, dev->total, &r->value)) != EWS_OK)
			return demo_fail(dev->name, st);
	}
	b->n++;
	return 0;
}

/* Store the batch in one transaction, device after device: each one's
 * readings in time order touch each of its rollup rows once. */
static int
flush(struct demo *d, struct batch *b)
{
	ews_status st;
	size_t i, n = 0;

	if (!b->n)
		return 0;
	for (i = 0; i < d->ndev; i++) {
		struct demo_device *dev = &d->dev[i];

		if (!has_counter(dev))
			continue;
		memcpy(b->all + n, b->r[i], b->n * sizeof(*b->all));
		n += b->n;
		dev->recorded = b->r[i][b->n - 1].value;
		dev->samples += b->n;
	}
	st = ews_site_samples_add(d->site, b->all, n);
	if (st != EWS_OK)
		return demo_fail("storing the history", st);
	b->n = 0;
	return 0;
}

static void
batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < DEMO_DEVICES_MAX; i++)
		free(b->r[i]);
	free(b->all);
}

static int
batch_init(struct demo *d, struct batch *b, int64_t rate_ms)
{
	size_t i;

	memset(b, 0, sizeof(*b));
	b->cap = (size_t)(BATCH_DAYS * 86400000LL / rate_ms) + 1;
	for (i = 0; i < d->ndev; i++)
		if (has_counter(&d->dev[i]) &&
		    !(b->r[i] = calloc(b->cap, sizeof(ews_reading))))
			return demo_fail("history", EWS_ENOMEM);
	if (!(b->all = calloc(b->cap * d->ndev, sizeof(ews_reading))))
		return demo_fail("history", EWS_ENOMEM);
	return 0;
}

/* The first reading of every counter, at from_ms: no consumption. */
static int
first_readings(struct demo *d, struct batch *b, int64_t from_ms)
{
	size_t i;

	for (i = 0; i < d->ndev; i++) {
		struct demo_device *dev = &d->dev[i];

		dev->start = dev->total = start_value(d, dev);
		dev->samples = 0;
	}
	return step(d, b, from_ms, from_ms);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
demo_history(struct demo *d, int64_t now_ms, unsigned int days,
             struct demo_history *out)
{
	int64_t rate_ms = sample_rate_ms(d), t, next;
	double t0 = now_s();
	struct batch b;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	out->from_ms = history_start(now_ms, days);
	out->to_ms = now_ms;
	rc = batch_init(d, &b, rate_ms);
	if (!rc)
		rc = first_readings(d, &b, out->from_ms);
	for (t = out->from_ms; !rc && t < now_ms; t = next) {
		next = (t / rate_ms + 1) * rate_ms;
		if (next > now_ms)
			next = now_ms; /* the last reading: now */
		rc = step(d, &b, t, next);
		if (!rc && b.n == b.cap)
			rc = flush(d, &b);
	}
	if (!rc)
		rc = flush(d, &b);
	batch_free(&b);
	for (i = 0; i < d->ndev; i++)
		out->samples += d->dev[i].samples;
	out->seconds = now_s() - t0;
	return rc;
}
