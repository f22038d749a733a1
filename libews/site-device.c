#include <math.h>
#include <stdio.h>
#include <string.h>

#include <ews/site.h>

#include "catalog-private.h"
#include "error-private.h"
#include "rollup.h"
#include "site-private.h"

/* Devices (INS-2, INS-3): what each model needs, and what a bus allows. */

enum {
	ADDRESS_MIN = 1,
	ADDRESS_MAX = 247,
	WSMEASURE_UNIT = 247,   /* NET-2: virtual points answer at unit 247 */
	EMS_INTERFACES_MAX = 9, /* interfaces per IP gateway (EMS CX³ rule) */
	EMS_ADDRESS_MAX = 9,    /* module addresses per interface */
	/* Concentrator input counts are in no public document; this bound
	 * only keeps out absurd values. */
	POSITION_MAX = 32
};

static const char *const concentrators[] = { "F80BI", "F4CON12", "F4CON" };

#define DEVICE_SELECT                                                          \
	"SELECT id, gateway_id, model, name, address, ems_interface,"          \
	" position, concentrator, side, phase, supply, ifnull(load_id, 0),"    \
	" exclude_totals, exclude_alerts, enabled, read_code, reg_address,"    \
	" reg_words, multiplier, reg_type, reg_word_order, remote_id"          \
	" FROM device"

ews_status
ews_device_init(ews_device *dev, unsigned int version)
{
	ews_status st =
	        ews__check_version(version, EWS_DEVICE_VERSION, "ews_device");

	if (st != EWS_OK)
		return st;
	memset(dev, 0, sizeof(*dev));
	dev->version = version;
	dev->enabled = 1;
	return EWS_OK;
}

const char *
ews_supply_name(ews_supply supply)
{
	switch (supply) {
	case EWS_SUPPLY_NONE:
		return "";
	case EWS_SUPPLY_UPSTREAM:
		return "upstream";
	case EWS_SUPPLY_DOWNSTREAM:
		return "downstream";
	}
	return NULL;
}

static void
read_columns(sqlite3_stmt *st, ews_device *d)
{
	ews_device_init(d, EWS_DEVICE_VERSION);
	d->id = sqlite3_column_int64(st, 0);
	d->gateway_id = sqlite3_column_int64(st, 1);
	ews__site_column_text(st, 2, d->model, sizeof(d->model));
	ews__site_column_text(st, 3, d->name, sizeof(d->name));
	d->address = (unsigned int)sqlite3_column_int(st, 4);
	d->ems_interface = (unsigned int)sqlite3_column_int(st, 5);
	d->position = (unsigned int)sqlite3_column_int(st, 6);
	ews__site_column_text(st, 7, d->concentrator, sizeof(d->concentrator));
	d->side = (unsigned int)sqlite3_column_int(st, 8);
	d->phase = (unsigned int)sqlite3_column_int(st, 9);
	d->supply = (ews_supply)sqlite3_column_int(st, 10);
	d->load_id = sqlite3_column_int64(st, 11);
	d->exclude_totals = sqlite3_column_int(st, 12);
	d->exclude_alerts = sqlite3_column_int(st, 13);
	d->enabled = sqlite3_column_int(st, 14);
	d->read_code = (unsigned int)sqlite3_column_int(st, 15);
	d->reg_address = (unsigned int)sqlite3_column_int(st, 16);
	d->reg_words = (unsigned int)sqlite3_column_int(st, 17);
	d->multiplier = sqlite3_column_double(st, 18);
	d->reg_type = (ews_reg_type)sqlite3_column_int(st, 19);
	d->reg_word_order = (ews_word_order)sqlite3_column_int(st, 20);
	d->remote_id = (unsigned int)sqlite3_column_int(st, 21);
}

static ews_status
read_groups(ews_site *site, ews_device *d)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	s = ews__site_prepare(site,
	                      "SELECT group_id FROM device_group"
	                      " WHERE device_id = ? ORDER BY slot",
	                      &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_int64(st, 1, d->id);
	d->group_count = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       d->group_count < EWS_DEVICE_GROUPS_MAX)
		d->group_ids[d->group_count++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		s = ews__site_db_fail(site, rc);
	sqlite3_finalize(st);
	return s;
}

static ews_status
read_row(ews_site *site, sqlite3_stmt *st, void *item)
{
	read_columns(st, item);
	return read_groups(site, item);
}

ews_status
ews_site_device_get(ews_site *site, int64_t id, ews_device *out)
{
	ews_list *list;
	ews_status st;

	st = ews__site_select(site, EWS__LIST_DEVICE, sizeof(ews_device),
	                      read_row, &list, DEVICE_SELECT " WHERE id = ?",
	                      "i", id);
	if (st != EWS_OK)
		return st;
	if (ews_list_len(list) == 1) {
		unsigned int version = out->version;

		*out = *ews_list_device(list, 0);
		out->version = version ? version : EWS_DEVICE_VERSION;
	} else {
		st = ews__fail_field(EWS_ENOTFOUND, "device",
		                     "%lld does not exist", (long long)id);
	}
	ews_list_free(list);
	return st;
}

ews_status
ews_site_device_list(ews_site *site, int64_t gateway_id, ews_list **out)
{
	if (gateway_id == 0)
		return ews__site_select(site, EWS__LIST_DEVICE,
		                        sizeof(ews_device), read_row, out,
		                        DEVICE_SELECT " ORDER BY id", "");
	return ews__site_select(
	        site, EWS__LIST_DEVICE, sizeof(ews_device), read_row, out,
	        DEVICE_SELECT " WHERE gateway_id = ? ORDER BY id", "i",
	        gateway_id);
}

const ews_device *
ews_list_device(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_DEVICE, i);
}

/* ------------------------------------------------------------------ */
/* Validation, one concern per function. `m` is the device's model.    */

static ews_status
check_address(const ews_model *m, const ews_gateway *gw, ews_device *d)
{
	if (m->caps & EWS_CAP_VIRTUAL) {
		if (d->address == 0)
			d->address = WSMEASURE_UNIT;
		if (d->address != WSMEASURE_UNIT)
			return ews__fail_field(EWS_EINVAL, "address",
			                       "WSMEASURE points are read at "
			                       "unit %d",
			                       WSMEASURE_UNIT);
	} else if (d->address < ADDRESS_MIN || d->address > ADDRESS_MAX) {
		return ews__fail_field(EWS_EINVAL, "address",
		                       "%u is outside %d-%d", d->address,
		                       ADDRESS_MIN, ADDRESS_MAX);
	}
	if (d->ems_interface == 0)
		return EWS_OK;
	if (m->family != EWS_FAMILY_EMS_MEASURE &&
	    m->family != EWS_FAMILY_EMS_STATE_CONTROL)
		return ews__fail_field(EWS_EINVAL, "ems_interface",
		                       "only EMS BTDIN modules use remote "
		                       "addressing (device-interface)");
	if (d->ems_interface > EMS_INTERFACES_MAX)
		return ews__fail_field(EWS_EINVAL, "ems_interface",
		                       "%u is outside 1-%d", d->ems_interface,
		                       EMS_INTERFACES_MAX);
	if (d->address > EMS_ADDRESS_MAX)
		return ews__fail_field(EWS_EINVAL, "address",
		                       "%u is outside 1-%d on an EMS interface",
		                       d->address, EMS_ADDRESS_MAX);
	(void)gw;
	return EWS_OK;
}

static ews_status
check_pulse(const ews_model *m, ews_device *d)
{
	size_t i;

	if (!(m->caps & EWS_CAP_PULSE)) {
		if (d->position || d->concentrator[0])
			return ews__fail_field(EWS_EINVAL,
			                       d->position ? "position"
			                                   : "concentrator",
			                       "only pulse meters on a "
			                       "concentrator have one");
		return EWS_OK;
	}
	if (d->position == 0)
		return ews__fail_field(EWS_EINVAL, "position",
		                       "is required for %s (the concentrator "
		                       "input)",
		                       m->name);
	if (d->position > POSITION_MAX)
		return ews__fail_field(EWS_EINVAL, "position",
		                       "%u is outside 1-%d", d->position,
		                       POSITION_MAX);
	for (i = 0; i < sizeof(concentrators) / sizeof(concentrators[0]); i++)
		if (strcmp(d->concentrator, concentrators[i]) == 0)
			return EWS_OK;
	if (!d->concentrator[0])
		return ews__fail_field(EWS_EINVAL, "concentrator",
		                       "is required (F80BI, F4CON12 or F4CON)");
	return ews__fail_field(EWS_EINVAL, "concentrator",
	                       "'%s' is not F80BI, F4CON12 or F4CON",
	                       d->concentrator);
}

/* A field that must be one of a few values: missing, or not one of them. */
static ews_status
fail_choice(const char *field, unsigned int value, const char *choices)
{
	if (value == 0)
		return ews__fail_field(EWS_EINVAL, field, "is required (%s)",
		                       choices);
	return ews__fail_field(EWS_EINVAL, field, "%u is not %s", value,
	                       choices);
}

static ews_status
check_station(const ews_model *m, ews_device *d)
{
	if (m->sides == 2 && (d->side < 1 || d->side > 2))
		return fail_choice("side", d->side, "1 or 2");
	if (m->sides != 2 && d->side)
		return ews__fail_field(EWS_EINVAL, "side",
		                       "%s has one side only", m->name);
	if ((m->caps & EWS_CAP_EVSE) && m->phases == 1 &&
	    (d->phase < 1 || d->phase > 3))
		return fail_choice("phase", d->phase, "L1, L2 or L3");
	if (!((m->caps & EWS_CAP_EVSE) && m->phases == 1) && d->phase)
		return ews__fail_field(EWS_EINVAL, "phase",
		                       "only single-phase stations have one");
	if (m->needs_supply && d->supply == EWS_SUPPLY_NONE)
		d->supply = EWS_SUPPLY_UPSTREAM; /* the manual's default */
	if (m->needs_supply && d->supply != EWS_SUPPLY_UPSTREAM &&
	    d->supply != EWS_SUPPLY_DOWNSTREAM)
		return ews__fail_field(EWS_EINVAL, "supply",
		                       "%d is not upstream or downstream",
		                       (int)d->supply);
	if (!m->needs_supply && d->supply != EWS_SUPPLY_NONE)
		return ews__fail_field(EWS_EINVAL, "supply",
		                       "%s has no supply direction", m->name);
	return EWS_OK;
}

/* CAT-3: the installer gives the positive active energy register. */
static ews_status
check_generic(const ews_model *m, ews_device *d)
{
	unsigned int want;

	if (!(m->caps & EWS_CAP_GENERIC)) {
		if (d->read_code || d->reg_address || d->reg_words ||
		    d->multiplier != 0 || d->reg_type)
			return ews__fail_field(EWS_EINVAL, "register",
			                       "only the Generic Modbus meter "
			                       "takes a register; %s has its "
			                       "own map",
			                       m->name);
		return EWS_OK;
	}
	if (d->read_code != 3 && d->read_code != 4)
		return fail_choice("read_code", d->read_code, "3 or 4");
	if (d->reg_address > 0xffff)
		return ews__fail_field(EWS_EINVAL, "register",
		                       "0x%X is outside 0x0000-0xFFFF",
		                       d->reg_address);
	if (d->reg_words != 1 && d->reg_words != 2 && d->reg_words != 4)
		return fail_choice("words", d->reg_words, "1, 2 or 4");
	if (!isfinite(d->multiplier) || d->multiplier <= 0)
		return ews__fail_field(
		        EWS_EINVAL, "multiplier",
		        d->multiplier == 0 ? "is required (raw × multiplier "
		                             "= kWh)"
		                           : "must be a positive number");
	if (d->reg_type == 0)
		d->reg_type = d->reg_words == 1   ? EWS_REG_U16
		              : d->reg_words == 2 ? EWS_REG_U32
		                                  : EWS_REG_U64;
	want = ews__catalog_type_words(d->reg_type);
	if (want == 0 || d->reg_type == EWS_REG_BIT ||
	    d->reg_type == EWS_REG_ASCII_LOW ||
	    d->reg_type == EWS_REG_ASCII_HIGH)
		return ews__fail_field(EWS_EINVAL, "type",
		                       "%d is not a number type",
		                       (int)d->reg_type);
	if (want != d->reg_words)
		return ews__fail_field(
		        EWS_EINVAL, "type", "%s takes %u words, not %u",
		        ews_reg_type_name(d->reg_type), want, d->reg_words);
	if (d->reg_word_order != EWS_WORDS_BE &&
	    d->reg_word_order != EWS_WORDS_LSW)
		return ews__fail_field(EWS_EINVAL, "word_order",
		                       "%d is not be or lsw",
		                       (int)d->reg_word_order);
	return EWS_OK;
}

/* NET-2 codes: 1XXXX device, 2YYYY load, 3ZZZZ group, 29999 all loads. */
static ews_status
check_remote(const ews_model *m, const ews_gateway *gw, const ews_device *d)
{
	int virtual_model = (m->caps & EWS_CAP_VIRTUAL) != 0;

	if (virtual_model != (gw->kind == EWS_GATEWAY_VIRTUAL))
		return ews__fail_field(
		        EWS_EINVAL, "gateway",
		        virtual_model ? "WSMEASURE points belong on a "
		                        "virtual gateway (a slave ews)"
		                      : "'%s' is a virtual gateway: "
		                        "only WSMEASURE points go there",
		        gw->name);
	if (!virtual_model)
		return d->remote_id ? ews__fail_field(EWS_EINVAL, "remote_id",
		                                      "only WSMEASURE points "
		                                      "have one")
		                    : EWS_OK;
	if (d->remote_id < 10001 || d->remote_id > 39999 ||
	    d->remote_id % 10000 == 0)
		return ews__fail_field(EWS_EINVAL, "remote_id",
		                       "%u is not 1XXXX (device), 2YYYY "
		                       "(load), 3ZZZZ (group) or 29999 (all "
		                       "loads)",
		                       d->remote_id);
	return EWS_OK;
}

static ews_status
check_load(ews_site *site, const ews_model *m, ews_device *d,
           const ews_device *old)
{
	ews_category load;
	ews_status st;
	int64_t own;

	if (m->commodity == EWS_COMMODITY_GAS ||
	    m->commodity == EWS_COMMODITY_WATER) {
		ews_category_origin origin = m->commodity == EWS_COMMODITY_GAS
		                                     ? EWS_ORIGIN_GAS
		                                     : EWS_ORIGIN_WATER;

		if ((st = ews__site_builtin_load(site, origin, &own)) != EWS_OK)
			return st;
		if (d->load_id && d->load_id != own)
			return ews__fail_field(
			        EWS_EINVAL, "load",
			        "%s meters always count on the "
			        "%s load",
			        ews_commodity_name(m->commodity),
			        ews_category_origin_name(origin));
		d->load_id = own;
		return EWS_OK;
	}
	if (d->load_id == 0)
		return EWS_OK; /* "Others" */
	st = ews__site_category_expect(site, d->load_id, EWS_CATEGORY_LOAD,
	                               "load", &load);
	if (st != EWS_OK)
		return st;
	if (load.origin == EWS_ORIGIN_GAS || load.origin == EWS_ORIGIN_WATER)
		return ews__fail_field(EWS_EINVAL, "load",
		                       "'%s' is only for %s meters", load.name,
		                       ews_category_origin_name(load.origin));
	if (load.origin == EWS_ORIGIN_OTHERS)
		d->load_id = 0; /* stored as "no load" */
	else if (!load.enabled && !(old && old->load_id == d->load_id))
		return ews__fail_field(EWS_EINVAL, "load", "'%s' is disabled",
		                       load.name);
	return EWS_OK;
}

static ews_status
check_groups(ews_site *site, const ews_device *d)
{
	ews_category group;
	unsigned int i, j;
	ews_status st;

	if (d->group_count > EWS_DEVICE_GROUPS_MAX)
		return ews__fail_field(EWS_ELIMIT, "group_ids",
		                       "a device belongs to at most %d "
		                       "measure groups, not %u",
		                       EWS_DEVICE_GROUPS_MAX, d->group_count);
	for (i = 0; i < d->group_count; i++) {
		for (j = 0; j < i; j++)
			if (d->group_ids[j] == d->group_ids[i])
				return ews__fail_field(
				        EWS_EINVAL, "group_ids",
				        "group %lld is listed "
				        "twice",
				        (long long)d->group_ids[i]);
		st = ews__site_category_expect(site, d->group_ids[i],
		                               EWS_CATEGORY_GROUP, "group_ids",
		                               &group);
		if (st != EWS_OK)
			return st;
	}
	return EWS_OK;
}

/* Default names of §7.16.1.5: address, address-position, address-side
 * (the EMS notation device-interface for remote addressing). */
static void
default_name(const ews_model *m, ews_device *d)
{
	if (m->caps & EWS_CAP_VIRTUAL)
		snprintf(d->name, sizeof(d->name), "%u", d->remote_id);
	else if (d->position)
		snprintf(d->name, sizeof(d->name), "%u-%u", d->address,
		         d->position);
	else if (d->side)
		snprintf(d->name, sizeof(d->name), "%u-%u", d->address,
		         d->side);
	else if (d->ems_interface)
		snprintf(d->name, sizeof(d->name), "%u-%u", d->address,
		         d->ems_interface);
	else
		snprintf(d->name, sizeof(d->name), "%u", d->address);
}

static ews_status
check_name(ews_site *site, const ews_model *m, ews_device *d)
{
	int defaulted = d->name[0] == '\0';
	int64_t other;
	ews_status st;

	if (defaulted)
		default_name(m, d);
	if ((st = ews__check_name("name", d->name, 1)) != EWS_OK)
		return st;
	st = ews__site_scalar(
	        site, &other,
	        "SELECT id FROM device WHERE name = ? AND id != ?", "si",
	        d->name, d->id);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st != EWS_OK)
		return st;
	return ews__fail_field(EWS_EEXIST, "name",
	                       defaulted
	                               ? "the default name '%s' is already "
	                                 "used by device %lld: give a name"
	                               : "'%s' is already used by device %lld",
	                       d->name, (long long)other);
}

/*
 * One Modbus address on one bus is one device, except for the inputs of a
 * pulse concentrator (distinct positions of one concentrator) and the sides
 * of an old-range two-sided station sharing its address (distinct sides).
 */
static ews_status
check_bus_neighbour(const ews_model *m, const ews_device *d,
                    const ews_device *o, const ews_model *om)
{
	if ((m->caps & EWS_CAP_PULSE) && om && (om->caps & EWS_CAP_PULSE)) {
		if (strcmp(d->concentrator, o->concentrator) != 0)
			return ews__fail_field(EWS_EEXIST, "concentrator",
			                       "address %u is an %s (device "
			                       "%lld '%s')",
			                       d->address, o->concentrator,
			                       (long long)o->id, o->name);
		if (d->position == o->position)
			return ews__fail_field(EWS_EEXIST, "position",
			                       "input %u of the concentrator "
			                       "at address %u is used by "
			                       "device %lld '%s'",
			                       d->position, d->address,
			                       (long long)o->id, o->name);
		return EWS_OK;
	}
	if (m->sides == 2 && !m->address_per_side && om == m) {
		if (d->side == o->side)
			return ews__fail_field(EWS_EEXIST, "side",
			                       "side %u of the station at "
			                       "address %u is device %lld '%s'",
			                       d->side, d->address,
			                       (long long)o->id, o->name);
		return EWS_OK;
	}
	return ews__fail_field(EWS_EEXIST, "address",
	                       "%u is already used on this bus by device "
	                       "%lld '%s'",
	                       d->address, (long long)o->id, o->name);
}

static ews_status
check_bus(ews_site *site, const ews_model *m, const ews_device *d)
{
	ews_list *list;
	ews_status st;
	size_t i;

	st = ews_site_device_list(site, d->gateway_id, &list);
	for (i = 0; st == EWS_OK && i < ews_list_len(list); i++) {
		const ews_device *o = ews_list_device(list, i);
		const ews_model *om = NULL;

		if (o->id == d->id)
			continue;
		if (m->caps & EWS_CAP_VIRTUAL) {
			if (o->remote_id == d->remote_id)
				st = ews__fail_field(EWS_EEXIST, "remote_id",
				                     "%u is already read by "
				                     "device %lld '%s'",
				                     d->remote_id,
				                     (long long)o->id, o->name);
			continue;
		}
		if (o->address != d->address ||
		    o->ems_interface != d->ems_interface)
			continue;
		if (ews_catalog_find(site->catalog, o->model, &om) != EWS_OK)
			om = NULL;
		st = check_bus_neighbour(m, d, o, om);
	}
	ews_list_free(list);
	return st;
}

/* The EQ device of a gateway must keep a model that measures THD. */
static ews_status
check_eq_role(ews_site *site, const ews_model *m, const ews_device *d)
{
	int64_t gw_id;
	ews_status st;

	if (d->id == 0 || (m->caps & (EWS_CAP_THD | EWS_CAP_HARMONICS)))
		return EWS_OK;
	st = ews__site_scalar(site, &gw_id,
	                      "SELECT id FROM gateway WHERE eq_device_id = ?",
	                      "i", d->id);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st != EWS_OK)
		return st;
	return ews__fail_field(EWS_EINVAL, "model",
	                       "device %lld is the EQ device of gateway %lld "
	                       "and %s measures no THD: choose another EQ "
	                       "device first",
	                       (long long)d->id, (long long)gw_id, m->name);
}

/* `old` is the stored device on update, NULL on add. */
static ews_status
validate(ews_site *site, ews_device *d, const ews_device *old)
{
	const ews_model *m;
	ews_gateway gw;
	ews_status st;

	if ((st = ews__check_terminated("name", d->name, sizeof(d->name))) ||
	    (st = ews__check_terminated("model", d->model, sizeof(d->model))) ||
	    (st = ews__check_terminated("concentrator", d->concentrator,
	                                sizeof(d->concentrator))))
		return st;
	gw.version = EWS_GATEWAY_VERSION;
	if ((st = ews_site_gateway_get(site, d->gateway_id, &gw)) != EWS_OK)
		return st;
	if (!d->model[0])
		return ews__fail_field(EWS_EINVAL, "model", "is required");
	if (ews_catalog_find(site->catalog, d->model, &m) != EWS_OK)
		return ews__fail_field(EWS_ENOTFOUND, "model",
		                       "'%s' is not in the catalogue (see `ews "
		                       "catalog list`)",
		                       d->model);
	snprintf(d->model, sizeof(d->model), "%s", m->key);
	if ((st = check_remote(m, &gw, d)) != EWS_OK ||
	    (st = check_address(m, &gw, d)) != EWS_OK ||
	    (st = check_pulse(m, d)) != EWS_OK ||
	    (st = check_station(m, d)) != EWS_OK ||
	    (st = check_generic(m, d)) != EWS_OK ||
	    (st = check_load(site, m, d, old)) != EWS_OK ||
	    (st = check_groups(site, d)) != EWS_OK ||
	    (st = check_bus(site, m, d)) != EWS_OK ||
	    (st = check_eq_role(site, m, d)) != EWS_OK)
		return st;
	return check_name(site, m, d);
}

static ews_status
store_groups(ews_site *site, const ews_device *d)
{
	ews_status st;
	unsigned int i;

	st = ews__site_exec(site,
	                    "DELETE FROM device_group WHERE device_id = ?", "i",
	                    d->id);
	for (i = 0; st == EWS_OK && i < d->group_count; i++)
		st = ews__site_exec(site,
		                    "INSERT INTO device_group (device_id,"
		                    " group_id, slot) VALUES (?, ?, ?)",
		                    "iiu", d->id, d->group_ids[i], i);
	return st;
}

/*
 * INS-3: on an OFF gateway every device is OFF. One meant to be ON (or that
 * the gateway had switched off before, if it stays there) is marked
 * off_by_gateway, so the gateway's ON brings it back, and only it.
 */
static ews_status
follow_gateway(ews_site *site, ews_device *d, int was_parked, int *parked)
{
	ews_gateway gw;
	ews_status st;

	*parked = 0;
	gw.version = EWS_GATEWAY_VERSION;
	if ((st = ews_site_gateway_get(site, d->gateway_id, &gw)) != EWS_OK)
		return st;
	if (!gw.enabled) {
		*parked = d->enabled || was_parked;
		d->enabled = 0;
	}
	return EWS_OK;
}

/* All columns but id, in one order for both writes. */
#define DEVICE_FIELDS                                                          \
	"gateway_id = ?, model = ?, name = ?, address = ?, ems_interface = ?," \
	" position = ?, concentrator = ?, side = ?, phase = ?, supply = ?,"    \
	" load_id = ?, exclude_totals = ?, exclude_alerts = ?, enabled = ?,"   \
	" read_code = ?, reg_address = ?, reg_words = ?, multiplier = ?,"      \
	" reg_type = ?, reg_word_order = ?, remote_id = ?, off_by_gateway = ?"

static ews_status
store(ews_site *site, ews_device *d, int insert, int parked)
{
	ews_status st;

	if (insert) {
		st = ews__site_exec(site,
		                    "INSERT INTO device (gateway_id, model,"
		                    " name, address) VALUES (?, ?, ?, 0)",
		                    "iss", d->gateway_id, d->model, d->name);
		if (st != EWS_OK)
			return st;
		d->id = sqlite3_last_insert_rowid(site->db);
	}
	st = ews__site_exec(
	        site, "UPDATE device SET " DEVICE_FIELDS " WHERE id = ?",
	        "issuuusuuinuuuuuudiiuui", d->gateway_id, d->model, d->name,
	        d->address, d->ems_interface, d->position, d->concentrator,
	        d->side, d->phase, (int64_t)d->supply, d->load_id,
	        (unsigned int)(d->exclude_totals != 0),
	        (unsigned int)(d->exclude_alerts != 0),
	        (unsigned int)(d->enabled != 0), d->read_code, d->reg_address,
	        d->reg_words, d->multiplier, (int64_t)d->reg_type,
	        (int64_t)d->reg_word_order, d->remote_id,
	        (unsigned int)(parked != 0), d->id);
	return st == EWS_OK ? store_groups(site, d) : st;
}

ews_status
ews_site_device_add(ews_site *site, ews_device *dev)
{
	ews_device copy;
	ews_status st;
	int parked = 0;

	if ((st = ews__check_version(dev->version, EWS_DEVICE_VERSION,
	                             "ews_device")) != EWS_OK)
		return st;
	copy = *dev;
	copy.id = 0;
	copy.enabled = copy.enabled != 0;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = validate(site, &copy, NULL);
	if (st == EWS_OK)
		st = follow_gateway(site, &copy, 0, &parked);
	if (st == EWS_OK)
		st = store(site, &copy, 1, parked);
	site->config_serial++;
	if ((st = ews__site_end(site, st)) == EWS_OK) {
		unsigned int version = dev->version;

		*dev = copy; /* id, default name and filled-in defaults */
		dev->version = version;
	}
	return st;
}

ews_status
ews_site_device_update(ews_site *site, const ews_device *dev)
{
	ews__device_scopes before, after;
	ews_device old, copy;
	int64_t was_parked = 0;
	ews_status st;
	int parked = 0;

	if ((st = ews__check_version(dev->version, EWS_DEVICE_VERSION,
	                             "ews_device")) != EWS_OK)
		return st;
	copy = *dev;
	copy.enabled = copy.enabled != 0;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	old.version = EWS_DEVICE_VERSION;
	st = ews_site_device_get(site, dev->id, &old);
	if (st == EWS_OK)
		st = validate(site, &copy, &old);
	if (st == EWS_OK && copy.gateway_id == old.gateway_id)
		st = ews__site_scalar(site, &was_parked,
		                      "SELECT off_by_gateway FROM device"
		                      " WHERE id = ?",
		                      "i", copy.id);
	if (st == EWS_OK)
		st = follow_gateway(site, &copy, was_parked != 0, &parked);
	if (st == EWS_OK && copy.gateway_id != old.gateway_id)
		st = ews__site_exec(site,
		                    "UPDATE gateway SET eq_device_id = NULL"
		                    " WHERE eq_device_id = ?",
		                    "i", copy.id);
	if (st == EWS_OK)
		st = ews__device_scopes_get(site, copy.id, &before);
	if (st == EWS_OK)
		st = store(site, &copy, 0, parked);
	if (st == EWS_OK)
		st = ews__evse_device_changed(site, copy.id);
	/* A new load, groups or "exclude from totals" moves its history. */
	if (st == EWS_OK)
		st = ews__device_scopes_get(site, copy.id, &after);
	if (st == EWS_OK)
		st = ews__rollup_rescope(site, &before, &after);
	site->config_serial++; /* Green'Up reads its stations again */
	return ews__site_end(site, st);
}

ews_status
ews_site_device_set_enabled(ews_site *site, int64_t id, int enabled)
{
	ews_device dev;
	ews_gateway gw;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	dev.version = EWS_DEVICE_VERSION;
	gw.version = EWS_GATEWAY_VERSION;
	st = ews_site_device_get(site, id, &dev);
	if (st == EWS_OK)
		st = ews_site_gateway_get(site, dev.gateway_id, &gw);
	if (st == EWS_OK && enabled && !gw.enabled)
		st = ews__fail_field(EWS_EDENIED, "device",
		                     "gateway '%s' is OFF: switch it on first",
		                     gw.name);
	if (st == EWS_OK)
		st = ews__site_exec(site,
		                    "UPDATE device SET enabled = ?,"
		                    " off_by_gateway = 0 WHERE id = ?",
		                    "ii", (int64_t)(enabled != 0), id);
	site->config_serial++; /* Green'Up reads its stations again */
	return ews__site_end(site, st);
}

ews_status
ews_site_device_delete(ews_site *site, int64_t id)
{
	ews__device_scopes before, after;
	ews_device dev;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	dev.version = EWS_DEVICE_VERSION;
	st = ews_site_device_get(site, id, &dev);
	if (st == EWS_OK)
		st = ews__evse_device_in_use(site, id);
	if (st == EWS_OK)
		st = ews__device_scopes_get(site, id, &before);
	if (st == EWS_OK)
		st = ews__site_exec(site, "DELETE FROM device WHERE id = ?",
		                    "i", id);
	/* Its samples stay; its consumption leaves every total. */
	if (st == EWS_OK)
		st = ews__device_scopes_get(site, id, &after);
	if (st == EWS_OK)
		st = ews__rollup_rescope(site, &before, &after);
	site->config_serial++; /* Green'Up reads its stations again */
	return ews__site_end(site, st);
}
