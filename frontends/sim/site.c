/*
 * The devices of one gateway of a site, as a configuration: each
 * device's Modbus address becomes its unit id, the Generic Modbus meter
 * keeps its register, a single-phase station loads its phase, and models
 * the simulator cannot serve (no register map, no address, an address
 * already taken) are skipped with a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static void
warn_skip(const ews_device *dev, const char *why)
{
	fprintf(stderr, "ews-sim: warning: device %lld (%s, %s): %s: skipped\n",
	        (long long)dev->id, dev->name, dev->model, why);
}

static int
unit_taken(const struct sim_config *c, unsigned int unit)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->devs[i].unit == unit)
			return 1;
	return 0;
}

/* Why the simulator cannot serve dev, or NULL. */
static const char *
skip_reason(const ews_model *m, const ews_device *dev,
            const struct sim_config *c, char *why, size_t size)
{
	if (!m)
		return "model not in the catalogue";
	if (!m->has_map && !(m->caps & EWS_CAP_GENERIC)) {
		snprintf(why, size, "register map unknown for %s", m->key);
		return why;
	}
	if (dev->address < 1 || dev->address > 247)
		return "no Modbus address";
	if (unit_taken(c, dev->address)) {
		snprintf(why, size, "address %u is already simulated",
		         dev->address);
		return why;
	}
	return NULL;
}

static void
add_device(const ews_catalog *cat, const ews_device *dev,
           struct sim_config *out)
{
	struct sim_device_cfg *d = &out->devs[out->n];
	const ews_model *m = NULL;
	const char *skip;
	char why[160];

	if (ews_catalog_find(cat, dev->model, &m) != EWS_OK)
		m = NULL;
	if ((skip = skip_reason(m, dev, out, why, sizeof(why)))) {
		warn_skip(dev, skip);
		return;
	}
	sim_device_cfg_init(d);
	d->unit = dev->address;
	d->m = m;
	snprintf(d->model, sizeof(d->model), "%s", m->key);
	if ((m->caps & EWS_CAP_EVSE) && dev->phase >= 1 && dev->phase <= 3) {
		/* a single-phase station loads the phase it is wired to */
		d->phases = 1;
		d->phase = dev->phase - 1;
	}
	if (m->caps & EWS_CAP_GENERIC) {
		d->generic.function = dev->read_code;
		d->generic.address = dev->reg_address;
		d->generic.words = dev->reg_words;
		d->generic.type = dev->reg_type;
		d->generic.word_order = dev->reg_word_order;
		d->generic.scale = dev->multiplier;
		sim_generic_register(&d->generic);
	}
	out->n++;
}

int
sim_config_from_site(ews_site *site, int64_t gw_id, struct sim_config *out)
{
	ews_gateway gw;
	ews_list *list = NULL;
	ews_status st;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	st = ews_site_gateway_get(site, gw_id, &gw);
	if (st == EWS_OK)
		st = ews_site_device_list(site, gw_id, &list);
	if (st != EWS_OK) {
		sim_error("%s", ews_error_last()->message);
		return st == EWS_ENOTFOUND ? SIM_EXIT_REFUSED : SIM_EXIT_IO;
	}
	out->port = gw.port ? gw.port : MODBUS_TCP_DEFAULT_PORT;
	n = ews_list_len(list);
	out->devs = calloc(n ? n : 1, sizeof(*out->devs));
	for (i = 0; out->devs && i < n; i++)
		add_device(ews_site_catalog(site), ews_list_device(list, i),
		           out);
	ews_list_free(list);
	if (!out->devs) {
		sim_error("out of memory");
		return SIM_EXIT_IO;
	}
	if (out->n == 0) {
		sim_error("gateway %lld (%s): no device to simulate",
		          (long long)gw_id, gw.name);
		sim_config_free(out);
		return SIM_EXIT_REFUSED;
	}
	return SIM_EXIT_OK;
}
