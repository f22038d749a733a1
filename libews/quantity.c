#include <string.h>

#include <ews/quantity.h>

#include "error-private.h"

/*
 * The quantity vocabulary: one row per enum value, indexed by the value.
 * A name is the enumerator without EWS_Q_, in lower case; it is stored in
 * catalogue files, the JSON API and CSV headers, so it never changes.
 */
struct quantity_row {
	const char *name;
	const char *unit; /* canonical unit */
};

#define ROW(q, name, unit) [EWS_Q_##q] = { name, unit }

static const struct quantity_row rows[EWS_Q_COUNT_] = {
	ROW(ACTIVE_ENERGY_IMPORT, "active_energy_import", "Wh"),
	ROW(ACTIVE_ENERGY_IMPORT_L1, "active_energy_import_l1", "Wh"),
	ROW(ACTIVE_ENERGY_IMPORT_L2, "active_energy_import_l2", "Wh"),
	ROW(ACTIVE_ENERGY_IMPORT_L3, "active_energy_import_l3", "Wh"),
	ROW(ACTIVE_ENERGY_EXPORT, "active_energy_export", "Wh"),
	ROW(ACTIVE_ENERGY_EXPORT_L1, "active_energy_export_l1", "Wh"),
	ROW(ACTIVE_ENERGY_EXPORT_L2, "active_energy_export_l2", "Wh"),
	ROW(ACTIVE_ENERGY_EXPORT_L3, "active_energy_export_l3", "Wh"),
	ROW(REACTIVE_ENERGY_IMPORT, "reactive_energy_import", "varh"),
	ROW(REACTIVE_ENERGY_EXPORT, "reactive_energy_export", "varh"),
	ROW(APPARENT_ENERGY, "apparent_energy", "VAh"),
	ROW(ACTIVE_POWER, "active_power", "W"),
	ROW(ACTIVE_POWER_L1, "active_power_l1", "W"),
	ROW(ACTIVE_POWER_L2, "active_power_l2", "W"),
	ROW(ACTIVE_POWER_L3, "active_power_l3", "W"),
	ROW(REACTIVE_POWER, "reactive_power", "var"),
	ROW(REACTIVE_POWER_L1, "reactive_power_l1", "var"),
	ROW(REACTIVE_POWER_L2, "reactive_power_l2", "var"),
	ROW(REACTIVE_POWER_L3, "reactive_power_l3", "var"),
	ROW(APPARENT_POWER, "apparent_power", "VA"),
	ROW(APPARENT_POWER_L1, "apparent_power_l1", "VA"),
	ROW(APPARENT_POWER_L2, "apparent_power_l2", "VA"),
	ROW(APPARENT_POWER_L3, "apparent_power_l3", "VA"),
	ROW(POWER_FACTOR, "power_factor", ""),
	ROW(POWER_FACTOR_L1, "power_factor_l1", ""),
	ROW(POWER_FACTOR_L2, "power_factor_l2", ""),
	ROW(POWER_FACTOR_L3, "power_factor_l3", ""),
	ROW(VOLTAGE_LN_L1, "voltage_ln_l1", "V"),
	ROW(VOLTAGE_LN_L2, "voltage_ln_l2", "V"),
	ROW(VOLTAGE_LN_L3, "voltage_ln_l3", "V"),
	ROW(VOLTAGE_LL_L12, "voltage_ll_l12", "V"),
	ROW(VOLTAGE_LL_L23, "voltage_ll_l23", "V"),
	ROW(VOLTAGE_LL_L31, "voltage_ll_l31", "V"),
	ROW(CURRENT_L1, "current_l1", "A"),
	ROW(CURRENT_L2, "current_l2", "A"),
	ROW(CURRENT_L3, "current_l3", "A"),
	ROW(CURRENT_N, "current_n", "A"),
	ROW(FREQUENCY, "frequency", "Hz"),
	ROW(THD_VOLTAGE_L1, "thd_voltage_l1", "%"),
	ROW(THD_VOLTAGE_L2, "thd_voltage_l2", "%"),
	ROW(THD_VOLTAGE_L3, "thd_voltage_l3", "%"),
	ROW(THD_CURRENT_L1, "thd_current_l1", "%"),
	ROW(THD_CURRENT_L2, "thd_current_l2", "%"),
	ROW(THD_CURRENT_L3, "thd_current_l3", "%"),
	ROW(HARMONIC_VOLTAGE_L1, "harmonic_voltage_l1", "V"),
	ROW(HARMONIC_VOLTAGE_L2, "harmonic_voltage_l2", "V"),
	ROW(HARMONIC_VOLTAGE_L3, "harmonic_voltage_l3", "V"),
	ROW(HARMONIC_CURRENT_L1, "harmonic_current_l1", "A"),
	ROW(HARMONIC_CURRENT_L2, "harmonic_current_l2", "A"),
	ROW(HARMONIC_CURRENT_L3, "harmonic_current_l3", "A"),
	ROW(VOLUME, "volume", "dm3"),
	ROW(STATE, "state", ""),
	ROW(CP_STATE, "cp_state", ""),
	ROW(SETPOINT_CURRENT, "setpoint_current", "A"),
	ROW(CHARGE_ENABLE, "charge_enable", ""),
	ROW(TEMPERATURE, "temperature", "degC"),
};

#undef ROW

static const struct quantity_row *
row_of(ews_quantity q)
{
	if ((int)q <= (int)EWS_Q_NONE || (int)q >= (int)EWS_Q_COUNT_)
		return NULL;
	return &rows[q];
}

const char *
ews_quantity_name(ews_quantity q)
{
	const struct quantity_row *r = row_of(q);

	return r ? r->name : NULL;
}

const char *
ews_quantity_unit(ews_quantity q)
{
	const struct quantity_row *r = row_of(q);

	return r ? r->unit : NULL;
}

int
ews_quantity_is_counter(ews_quantity q)
{
	return (q >= EWS_Q_ACTIVE_ENERGY_IMPORT &&
	        q <= EWS_Q_APPARENT_ENERGY) ||
	       q == EWS_Q_VOLUME;
}

ews_status
ews_quantity_from_name(const char *name, ews_quantity *out)
{
	int q;

	if (out)
		*out = EWS_Q_NONE;
	if (!name || !out)
		return ews__fail(EWS_EINVAL, "quantity: name and out are "
		                             "required");
	for (q = EWS_Q_NONE + 1; q < EWS_Q_COUNT_; q++) {
		if (strcmp(rows[q].name, name) == 0) {
			*out = (ews_quantity)q;
			return EWS_OK;
		}
	}
	return ews__fail(EWS_ENOTFOUND, "quantity: unknown quantity \"%.63s\"",
	                 name);
}

/* Units that take no k/M prefix: dimensionless, percent, degrees, dm3. */
static int
takes_prefix(const char *canonical)
{
	return *canonical && strcmp(canonical, "%") != 0 &&
	       strcmp(canonical, "degC") != 0 && strcmp(canonical, "dm3") != 0;
}

ews_status
ews_quantity_unit_factor(ews_quantity q, const char *unit, double *out)
{
	const struct quantity_row *r = row_of(q);

	if (!r || !unit || !out)
		return ews__fail(EWS_EINVAL, "unit: a quantity, a unit and "
		                             "out are required");
	if (strcmp(unit, r->unit) == 0) {
		*out = 1.0;
		return EWS_OK;
	}
	if (unit[0] && takes_prefix(r->unit) &&
	    strcmp(unit + 1, r->unit) == 0) {
		if (unit[0] == 'k') {
			*out = 1e3;
			return EWS_OK;
		}
		if (unit[0] == 'M') {
			*out = 1e6;
			return EWS_OK;
		}
	}
	if (strcmp(r->unit, "dm3") == 0 && strcmp(unit, "m3") == 0) {
		*out = 1e3;
		return EWS_OK;
	}
	return ews__fail_field(EWS_EINVAL, "unit",
	                       "\"%.31s\" does not suit %s (canonical unit "
	                       "\"%s\")",
	                       unit, r->name, r->unit);
}
