/*
 * The simulated devices: each one's register map (the model's, or the
 * one register of a Generic Modbus meter), the libmodbus mapping that
 * covers the span of the map for each read function, and its physical
 * state. sim_device_refresh() brings the state to a time and writes every
 * register's words into the mapping. A meter that feeds EV stations
 * (`feeds`) brings their states to the same time and adds what they draw;
 * all of it under sim->lock, which every server holds while it refreshes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

void
sim_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ews-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
sim_log(const struct sim *sim, const char *fmt, ...)
{
	va_list ap;

	if (!sim->verbose)
		return;
	fputs("ews-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
sim_model_has(const ews_model *m, ews_quantity q)
{
	size_t i;

	for (i = 0; m && i < m->register_count; i++)
		if (ews_model_register(m, i)->quantity == q)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Setting up a device                                                 */

static void
make_params(const struct sim_device_cfg *c, uint64_t seed, struct sim_params *p)
{
	const ews_model *m = c->m;

	memset(p, 0, sizeof(*p));
	p->kind = m->caps & EWS_CAP_EVSE ? SIM_KIND_EVSE : SIM_KIND_METER;
	p->profile = c->profile;
	p->phases = sim_device_cfg_phases(c);
	p->peak_w = c->peak_w > 0 ? c->peak_w : p->phases == 1 ? 3000 : 12000;
	p->seed = seed * 1000003u + c->unit;
	p->breaker = sim_model_has(m, EWS_Q_STATE);
	p->volume = m->commodity != EWS_COMMODITY_ELECTRICITY ||
	            sim_model_has(m, EWS_Q_VOLUME);
	p->peak_dm3_h = c->peak_dm3_h > 0                     ? c->peak_dm3_h
	                : m->commodity == EWS_COMMODITY_WATER ? 500
	                                                      : 2000;
	p->energy_wh = c->energy_kwh >= 0 ? c->energy_kwh * 1000 : -1;
	p->setpoint_a = c->setpoint_a;
	p->vehicle_max_a = c->vehicle_max_a;
	p->vehicle = c->vehicle;
	p->response_s = c->response_s;
	p->phase = c->phase;
	p->load_a = c->load_a;
}

/* Lowest address and count of registers per read function. */
static void
find_spans(struct sim_device *d)
{
	unsigned int hi[5] = { 0 };
	size_t i;

	for (i = 0; i < 5; i++)
		d->lo[i] = 0xffff;
	for (i = 0; i < d->nregs; i++) {
		const ews_register *r = d->regs[i];
		unsigned int f = r->function;

		if (r->address < d->lo[f])
			d->lo[f] = r->address;
		if (r->address + r->words > hi[f])
			hi[f] = r->address + r->words;
	}
	for (i = 1; i < 5; i++) {
		d->count[i] = hi[i] > d->lo[i] ? hi[i] - d->lo[i] : 0;
		if (!d->count[i])
			d->lo[i] = 0;
	}
}

static int
device_setup(struct sim_device *d, const struct sim_device_cfg *c,
             uint64_t seed, double t0)
{
	struct sim_params p;
	size_t i;

	d->cfg = *c;
	d->nregs = c->m->has_map ? c->m->register_count : 1;
	d->regs = calloc(d->nregs, sizeof(*d->regs));
	if (!d->regs)
		return -1;
	for (i = 0; i < d->nregs; i++)
		d->regs[i] = c->m->has_map ? ews_model_register(c->m, i)
		                           : &d->cfg.generic;
	find_spans(d);
	d->map = modbus_mapping_new_start_address(
	        d->lo[1], d->count[1], d->lo[2], d->count[2], d->lo[3],
	        d->count[3], d->lo[4], d->count[4]);
	if (!d->map)
		return -1;
	make_params(&d->cfg, seed, &p);
	sim_state_init(&d->st, &p, t0);
	return 0;
}

int
sim_open(struct sim *sim, const struct sim_config *cfg, uint64_t seed,
         double start_s, double time_scale)
{
	memset(sim, 0, sizeof(*sim));
	sim->start_s = start_s;
	sim->time_scale = time_scale;
	clock_gettime(CLOCK_MONOTONIC, &sim->mono0);
	pthread_mutex_init(&sim->lock, NULL);
	sim->devs = calloc(cfg->n, sizeof(*sim->devs));
	if (!sim->devs) {
		sim_error("out of memory");
		return SIM_EXIT_IO;
	}
	for (; sim->ndevs < cfg->n; sim->ndevs++) {
		if (device_setup(&sim->devs[sim->ndevs], &cfg->devs[sim->ndevs],
		                 seed, start_s) != 0) {
			sim_error("unit %u: out of memory",
			          cfg->devs[sim->ndevs].unit);
			sim->ndevs++; /* sim_close() frees what was made */
			return SIM_EXIT_IO;
		}
	}
	return SIM_EXIT_OK;
}

void
sim_close(struct sim *sim)
{
	size_t i;

	for (i = 0; i < sim->ndevs; i++) {
		modbus_mapping_free(sim->devs[i].map);
		free(sim->devs[i].regs);
	}
	free(sim->devs);
	sim->devs = NULL;
	sim->ndevs = 0;
	pthread_mutex_destroy(&sim->lock);
}

/* ------------------------------------------------------------------ */
/* Time and lookup                                                     */

double
sim_elapsed_s(const struct sim *sim)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - sim->mono0.tv_sec) +
	       (double)(now.tv_nsec - sim->mono0.tv_nsec) / 1e9;
}

double
sim_now_s(const struct sim *sim)
{
	return sim->start_s + sim_elapsed_s(sim) * sim->time_scale;
}

struct sim_device *
sim_find(struct sim *sim, unsigned int unit)
{
	size_t i;

	for (i = 0; i < sim->ndevs; i++)
		if (sim->devs[i].cfg.unit == unit)
			return &sim->devs[i];
	return NULL;
}

const ews_register *
sim_device_reg_at(const struct sim_device *d, unsigned int function,
                  unsigned int address)
{
	size_t i;

	for (i = 0; i < d->nregs; i++) {
		const ews_register *r = d->regs[i];

		if (r->function == function && address >= r->address &&
		    address < r->address + r->words)
			return r;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Refresh                                                             */

static void
store(struct sim_device *d, const ews_register *r, const uint16_t *w)
{
	modbus_mapping_t *m = d->map;
	unsigned int k, at = r->address - d->lo[r->function];

	switch (r->function) {
	case 1:
		m->tab_bits[at] = w[0] ? 1 : 0;
		break;
	case 2:
		m->tab_input_bits[at] = w[0] ? 1 : 0;
		break;
	case 3:
		for (k = 0; k < r->words; k++)
			m->tab_registers[at + k] = w[k];
		break;
	default:
		for (k = 0; k < r->words; k++)
			m->tab_input_registers[at + k] = w[k];
		break;
	}
}

/* Bring d's state to t_s. Load steps and the counter reset fall at
 * wall-clock times: a due step first brings the state to the simulated
 * time of its instant, so that the counters integrate the old load until
 * then (with --time-scale 0 that is the start: nothing to integrate). */
static void
device_advance(struct sim *sim, struct sim_device *d, double t_s)
{
	const struct sim_device_cfg *c = &d->cfg;
	double wall = sim_elapsed_s(sim);

	while (d->steps_done < c->nsteps &&
	       wall >= c->steps[d->steps_done].at_s) {
		const struct sim_load_step *step = &c->steps[d->steps_done++];

		sim_state_advance(
		        &d->st,
		        fmin(t_s, sim->start_s + step->at_s * sim->time_scale));
		sim_state_set_load(&d->st, step->load_a);
		sim_log(sim, "unit %u: load %g A", c->unit, step->load_a);
	}
	sim_state_advance(&d->st, t_s);
	if (c->faults.reset_counter_at_s > 0 && !d->reset_done &&
	    wall >= c->faults.reset_counter_at_s) {
		sim_state_reset_counters(&d->st);
		d->reset_done = 1;
		sim_log(sim, "unit %u: counters reset", c->unit);
	}
}

void
sim_device_values(struct sim *sim, struct sim_device *d, double t_s,
                  struct sim_values *out)
{
	struct sim_values fed;
	unsigned int k;

	device_advance(sim, d, t_s);
	sim_state_values(&d->st, out);
	/* the configuration made sure these are stations, which feed none */
	for (k = 0; k < d->cfg.nfeeds; k++) {
		struct sim_device *f = sim_find(sim, d->cfg.feeds[k]);

		device_advance(sim, f, t_s);
		sim_state_values(&f->st, &fed);
		sim_values_add_feed(out, &fed);
	}
}

void
sim_device_refresh(struct sim *sim, struct sim_device *d, double t_s)
{
	struct sim_values v;
	uint16_t w[4];
	size_t i;

	sim_device_values(sim, d, t_s, &v);
	for (i = 0; i < d->nregs; i++) {
		const ews_register *r = d->regs[i];

		sim_encode(r, sim_values_get(&v, r->quantity, r->order), w);
		store(d, r, w);
	}
}
