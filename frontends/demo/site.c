/*
 * The demo building's configuration: settings, panel boards, measure
 * groups, the EV load, two gateways with their devices, Green'Up.
 *
 * Meters and EV stations are models with a public register map that
 * ews-sim simulates. No public map exists for any pulse concentrator or
 * breaker of the catalogue (docs: device-register-maps.md §2.5, §2.6):
 * the gas and water counters and the breakers are configured as the
 * catalogue has them, their polls answer "register map unknown", and the
 * gas and water history is there all the same.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* Names of the site's own objects. */
static const char *const boards[DEMO_GATEWAYS] = { "Main LV switchboard",
	                                           "Plant room board" };
static const char *const gateway_names[DEMO_GATEWAYS] = {
	"Main switchboard", "Plant room and car park"
};
static const char *const gateway_texts[DEMO_GATEWAYS] = {
	"Modbus TCP gateway in the ground floor electrical room",
	"Modbus TCP gateway in the roof plant room, wired to the car park"
};
static const char *const group_names[] = { "HVAC", "Offices", "Car park" };
#define EV_LOAD "Electric vehicles"

/* Predefined loads: "Heating", "Cooling", "Domestic hot water",
 * "Lighting", "Power sockets", "Ventilation and auxiliaries". */
#define DEV(n, mo, k, gw, addr)                                                \
	.name = (n), .model = (mo), .kind = (k), .gateway = (gw),              \
	.address = (addr)
static const struct demo_device devices[] = {
	{ DEV("Main incomer", "janitza_umg96rm", DEMO_MAIN, 0, 1),
	  .exclude_totals = 1 },
	{ DEV("Lighting", "carlo_gavazzi_em340", DEMO_LIGHTING, 0, 2),
	  .load = "Lighting", .groups = { "Offices" } },
	{ DEV("Office sockets", "eastron_sdm630", DEMO_SOCKETS, 0, 3),
	  .load = "Power sockets", .groups = { "Offices" } },
	{ DEV("Water heaters", "eastron_sdm120", DEMO_DHW, 0, 4),
	  .load = "Domestic hot water", .groups = { "Offices" } },
	{ DEV("Boiler room", "abb_b23_b24", DEMO_HEATING, 0, 5),
	  .load = "Heating", .groups = { "HVAC" } },
	{ DEV("Car park 1", "schneider_evlink_pro_ac", DEMO_EV, 0, 11),
	  .load = EV_LOAD, .groups = { "Car park" }, .sim_present = 1 },
	{ DEV("Car park 2", "schneider_evlink_pro_ac", DEMO_EV, 0, 12),
	  .load = EV_LOAD, .groups = { "Car park" } },
	{ DEV("Main breaker Q1", "megabreak_mp4", DEMO_BREAKER, 0, 21) },
	{ DEV("Lighting breaker Q2", "megatiker_no_measure", DEMO_BREAKER, 0,
	      22) },
	{ DEV("Chiller", "schneider_iem3000", DEMO_COOLING, 1, 6),
	  .load = "Cooling", .groups = { "HVAC" } },
	{ DEV("Air handling unit", "eastron_sdm630", DEMO_VENTILATION, 1, 7),
	  .load = "Ventilation and auxiliaries", .groups = { "HVAC" } },
	{ DEV("Car park 3", "schneider_evlink_pro_ac", DEMO_EV, 1, 13),
	  .load = EV_LOAD, .groups = { "Car park" }, .sim_present = 1 },
	{ DEV("Car park 4", "schneider_evlink_pro_ac", DEMO_EV, 1, 14),
	  .load = EV_LOAD, .groups = { "Car park" } },
	{ DEV("Gas meter", "pulse_gas", DEMO_GAS, 1, 20), .position = 1,
	  .groups = { "HVAC" } },
	{ DEV("Water meter", "pulse_water", DEMO_WATER, 1, 20), .position = 2 },
	{ DEV("Chiller breaker Q5", "megatiker_no_measure", DEMO_BREAKER, 1,
	      23) },
};
#undef DEV

/* Green'Up: a contract of about 125 kW, 180 A per phase; cars may use
 * what the building leaves under 160 A. */
#define CONTRACT_A 180.0
#define CHARGING_A 160.0
#define STATION_A  16.0

int
demo_fail(const char *what, ews_status st)
{
	fprintf(stderr, "ews-demo: %s: %s\n", what,
	        *ews_error_last()->message ? ews_error_last()->message
	                                   : ews_status_str(st));
	return st == EWS_EINVAL || st == EWS_EEXIST || st == EWS_ELIMIT ||
	                       st == EWS_ENOTFOUND || st == EWS_EDENIED
	               ? DEMO_EXIT_REFUSED
	               : DEMO_EXIT_IO;
}

void
demo_devices(struct demo *d)
{
	d->ndev = sizeof(devices) / sizeof(devices[0]);
	memcpy(d->dev, devices, sizeof(devices));
}

static int
set(struct demo *d, const char *name, const char *value)
{
	ews_status st = ews_site_setting_set(d->site, name, value);

	return st == EWS_OK ? 0 : demo_fail(name, st);
}

static int
settings(struct demo *d)
{
	int rc = set(d, "site_name", "Demo office building, Milan");

	if (!rc)
		rc = set(d, "currency", "EUR");
	if (!rc) /* natural gas, higher heating value */
		rc = set(d, "gas_factor_kwh_per_m3", "10.57");
	if (!rc)
		rc = set(d, "sample_rate_min", "10");
	return rc;
}

/* A board, a group or a user load; its id in *id. */
static int
category(struct demo *d, ews_category_kind kind, const char *name,
         const char *text, int64_t *id)
{
	ews_category c;
	ews_status st;

	ews_category_init(&c, EWS_CATEGORY_VERSION, kind);
	snprintf(c.name, sizeof(c.name), "%s", name);
	snprintf(c.description, sizeof(c.description), "%s", text);
	st = ews_site_category_add(d->site, &c);
	*id = c.id;
	return st == EWS_OK ? 0 : demo_fail(name, st);
}

/* The id of the category of a kind with a name, 0 if none. */
static int64_t
find_category(struct demo *d, ews_category_kind kind, const char *name)
{
	ews_list *list = NULL;
	int64_t id = 0;
	size_t i;

	if (ews_site_category_list(d->site, kind, &list) != EWS_OK)
		return 0;
	for (i = 0; i < ews_list_len(list) && !id; i++)
		if (strcmp(ews_list_category(list, i)->name, name) == 0)
			id = ews_list_category(list, i)->id;
	ews_list_free(list);
	return id;
}

static int
categories(struct demo *d)
{
	static const char *const texts[] = {
		"Heating, cooling and ventilation plant",
		"Lighting, sockets and water heaters of the offices",
		"The four charging stations of the staff car park"
	};
	int64_t id;
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < DEMO_GATEWAYS; i++)
		rc = category(d, EWS_CATEGORY_BOARD, boards[i],
		              i ? "Roof plant room" : "Ground floor, room 0.12",
		              &id);
	for (i = 0; !rc && i < sizeof(group_names) / sizeof(group_names[0]);
	     i++)
		rc = category(d, EWS_CATEGORY_GROUP, group_names[i], texts[i],
		              &id);
	if (!rc)
		rc = category(d, EWS_CATEGORY_LOAD, EV_LOAD,
		              "Staff EV charging (Green'Up)", &id);
	return rc;
}

static int
gateways(struct demo *d)
{
	ews_gateway gw;
	ews_status st;
	size_t i;

	for (i = 0; i < DEMO_GATEWAYS; i++) {
		ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
		snprintf(gw.name, sizeof(gw.name), "%s", gateway_names[i]);
		snprintf(gw.ip, sizeof(gw.ip), "127.0.0.1");
		gw.port = d->ports[i];
		snprintf(gw.description, sizeof(gw.description), "%s",
		         gateway_texts[i]);
		gw.board_id = find_category(d, EWS_CATEGORY_BOARD, boards[i]);
		st = ews_site_gateway_add(d->site, &gw);
		if (st != EWS_OK)
			return demo_fail(gateway_names[i], st);
		d->gateway_ids[i] = gw.id;
	}
	return 0;
}

/* The device's catalogue model and its counter register. */
static int
resolve_model(struct demo *d, struct demo_device *dev)
{
	ews_quantity q = EWS_Q_ACTIVE_ENERGY_IMPORT;
	ews_status st;

	st = ews_catalog_find(ews_site_catalog(d->site), dev->model, &dev->m);
	if (st != EWS_OK)
		return demo_fail(dev->model, st);
	if (dev->m->commodity != EWS_COMMODITY_ELECTRICITY)
		q = EWS_Q_VOLUME;
	dev->counter = NULL;
	if (dev->m->has_map &&
	    ews_model_find_register(dev->m, q, 0, &dev->counter) != EWS_OK) {
		ews_error_clear();
		dev->counter = NULL;
	}
	return 0;
}

static int
add_device(struct demo *d, struct demo_device *dev)
{
	ews_device x;
	ews_status st;
	size_t g;
	int rc = resolve_model(d, dev);

	if (rc)
		return rc;
	ews_device_init(&x, EWS_DEVICE_VERSION);
	x.gateway_id = d->gateway_ids[dev->gateway];
	snprintf(x.model, sizeof(x.model), "%s", dev->model);
	snprintf(x.name, sizeof(x.name), "%s", dev->name);
	x.address = dev->address;
	x.position = dev->position;
	if (dev->position)
		snprintf(x.concentrator, sizeof(x.concentrator), "F4CON12");
	if (dev->m->needs_supply)
		x.supply = EWS_SUPPLY_UPSTREAM;
	if (dev->load)
		x.load_id = find_category(d, EWS_CATEGORY_LOAD, dev->load);
	for (g = 0; g < DEMO_GROUPS_MAX && dev->groups[g]; g++)
		x.group_ids[x.group_count++] =
		        find_category(d, EWS_CATEGORY_GROUP, dev->groups[g]);
	x.exclude_totals = dev->exclude_totals;
	st = ews_site_device_add(d->site, &x);
	if (st != EWS_OK)
		return demo_fail(dev->name, st);
	dev->id = x.id;
	return 0;
}

static const struct demo_device *
find_kind(const struct demo *d, enum demo_kind kind)
{
	size_t i;

	for (i = 0; i < d->ndev; i++)
		if (d->dev[i].kind == kind)
			return &d->dev[i];
	return NULL;
}

/* Green'Up on, the main incomer as the meter; 16 A stations, the first
 * one (the pool car's) a priority station. */
static int
greenup(struct demo *d)
{
	ews_evse_station_setup ss;
	ews_evse_setup s;
	ews_status st;
	size_t i;
	int first = 1;

	ews_evse_setup_init(&s, EWS_EVSE_SETUP_VERSION);
	s.enabled = 1;
	s.meter_device_id = find_kind(d, DEMO_MAIN)->id;
	s.config.meter = 1;
	s.config.max_current_a = CONTRACT_A;
	s.config.max_charging_current_a = CHARGING_A;
	s.config.hysteresis_pct = 3;
	if ((st = ews_site_evse_set(d->site, &s)) != EWS_OK)
		return demo_fail("Green'Up", st);
	for (i = 0; i < d->ndev; i++) {
		if (d->dev[i].kind != DEMO_EV)
			continue;
		ss.version = EWS_EVSE_STATION_SETUP_VERSION;
		st = ews_site_evse_station_get(d->site, d->dev[i].id, &ss);
		ss.rated_a = STATION_A;
		ss.priority = first;
		if (st == EWS_OK)
			st = ews_site_evse_station_set(d->site, &ss);
		if (st != EWS_OK)
			return demo_fail(d->dev[i].name, st);
		first = 0;
	}
	return 0;
}

int
demo_build_site(struct demo *d)
{
	size_t i;
	int rc = settings(d);

	if (!rc)
		rc = categories(d);
	if (!rc)
		rc = gateways(d);
	for (i = 0; !rc && i < d->ndev; i++)
		rc = add_device(d, &d->dev[i]);
	if (!rc)
		rc = greenup(d);
	return rc;
}
