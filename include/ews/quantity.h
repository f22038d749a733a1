#ifndef EWS_QUANTITY_H
#define EWS_QUANTITY_H
#include <ews/common.h>
EWS_BEGIN_DECLS

/**
 * @file ews/quantity.h
 * The one vocabulary of measured and controlled quantities.
 *
 * Every quantity has a stable string name (used in catalogue files, the
 * JSON API, CSV headers) and a canonical unit in which libews stores and
 * returns its values: energies in Wh / varh / VAh, powers in W / var / VA,
 * voltages in V, currents in A, frequency in Hz, THD in %, volumes in dm³.
 * Phase suffixes: _l1.._l3 per phase, _l12/_l23/_l31 line to line, _n
 * neutral. Names and numbers are never changed; new ones are appended.
 */
typedef enum ews_quantity {
	EWS_Q_NONE = 0,
	EWS_Q_ACTIVE_ENERGY_IMPORT = 1,
	EWS_Q_ACTIVE_ENERGY_IMPORT_L1 = 2,
	EWS_Q_ACTIVE_ENERGY_IMPORT_L2 = 3,
	EWS_Q_ACTIVE_ENERGY_IMPORT_L3 = 4,
	EWS_Q_ACTIVE_ENERGY_EXPORT = 5,
	EWS_Q_ACTIVE_ENERGY_EXPORT_L1 = 6,
	EWS_Q_ACTIVE_ENERGY_EXPORT_L2 = 7,
	EWS_Q_ACTIVE_ENERGY_EXPORT_L3 = 8,
	EWS_Q_REACTIVE_ENERGY_IMPORT = 9,
	EWS_Q_REACTIVE_ENERGY_EXPORT = 10,
	EWS_Q_APPARENT_ENERGY = 11,
	EWS_Q_ACTIVE_POWER = 12,
	EWS_Q_ACTIVE_POWER_L1 = 13,
	EWS_Q_ACTIVE_POWER_L2 = 14,
	EWS_Q_ACTIVE_POWER_L3 = 15,
	EWS_Q_REACTIVE_POWER = 16,
	EWS_Q_REACTIVE_POWER_L1 = 17,
	EWS_Q_REACTIVE_POWER_L2 = 18,
	EWS_Q_REACTIVE_POWER_L3 = 19,
	EWS_Q_APPARENT_POWER = 20,
	EWS_Q_APPARENT_POWER_L1 = 21,
	EWS_Q_APPARENT_POWER_L2 = 22,
	EWS_Q_APPARENT_POWER_L3 = 23,
	EWS_Q_POWER_FACTOR = 24,
	EWS_Q_POWER_FACTOR_L1 = 25,
	EWS_Q_POWER_FACTOR_L2 = 26,
	EWS_Q_POWER_FACTOR_L3 = 27,
	EWS_Q_VOLTAGE_LN_L1 = 28,
	EWS_Q_VOLTAGE_LN_L2 = 29,
	EWS_Q_VOLTAGE_LN_L3 = 30,
	EWS_Q_VOLTAGE_LL_L12 = 31,
	EWS_Q_VOLTAGE_LL_L23 = 32,
	EWS_Q_VOLTAGE_LL_L31 = 33,
	EWS_Q_CURRENT_L1 = 34,
	EWS_Q_CURRENT_L2 = 35,
	EWS_Q_CURRENT_L3 = 36,
	EWS_Q_CURRENT_N = 37,
	EWS_Q_FREQUENCY = 38,
	EWS_Q_THD_VOLTAGE_L1 = 39,
	EWS_Q_THD_VOLTAGE_L2 = 40,
	EWS_Q_THD_VOLTAGE_L3 = 41,
	EWS_Q_THD_CURRENT_L1 = 42,
	EWS_Q_THD_CURRENT_L2 = 43,
	EWS_Q_THD_CURRENT_L3 = 44,
	EWS_Q_HARMONIC_VOLTAGE_L1 = 45, /* one register per harmonic order */
	EWS_Q_HARMONIC_VOLTAGE_L2 = 46,
	EWS_Q_HARMONIC_VOLTAGE_L3 = 47,
	EWS_Q_HARMONIC_CURRENT_L1 = 48,
	EWS_Q_HARMONIC_CURRENT_L2 = 49,
	EWS_Q_HARMONIC_CURRENT_L3 = 50,
	EWS_Q_VOLUME = 51,           /* gas and water, dm³ */
	EWS_Q_STATE = 52,            /* breaker: see ews_breaker_state */
	EWS_Q_CP_STATE = 53,         /* EV control pilot: see ews_cp_state */
	EWS_Q_SETPOINT_CURRENT = 54, /* EV station current limit, A */
	EWS_Q_CHARGE_ENABLE = 55,    /* EV station charging allowed, 0/1 */
	EWS_Q_TEMPERATURE = 56,      /* °C */
	EWS_Q_COUNT_                 /* not a quantity: one past the last */
} ews_quantity;

/** Breaker positions reported under EWS_Q_STATE. */
typedef enum ews_breaker_state {
	EWS_BREAKER_OPEN = 0,
	EWS_BREAKER_CLOSED = 1,
	EWS_BREAKER_TRIPPED = 2
} ews_breaker_state;

/** IEC 61851-1 control-pilot states reported under EWS_Q_CP_STATE. */
typedef enum ews_cp_state {
	EWS_CP_A = 1, /* no vehicle */
	EWS_CP_B = 2, /* vehicle connected, not charging */
	EWS_CP_C = 3, /* charging */
	EWS_CP_D = 4, /* charging with ventilation */
	EWS_CP_E = 5, /* no power / pilot short */
	EWS_CP_F = 6  /* EVSE fault */
} ews_cp_state;

/**
 * Stable name of a quantity, e.g. "active_energy_import".
 * @return static text; NULL for a value that is not a quantity.
 */
EWS_API const char *ews_quantity_name(ews_quantity q);

/**
 * Canonical unit, e.g. "Wh", "V", "dm3", "" for dimensionless quantities.
 * @return static text; NULL for a value that is not a quantity.
 */
EWS_API const char *ews_quantity_unit(ews_quantity q);

/**
 * Whether a quantity is a cumulative counter (energies, volumes): what the
 * recording cycle stores every sample period (ACQ-2). Others are live
 * values, read on demand (ACQ-3).
 */
EWS_API int ews_quantity_is_counter(ews_quantity q);

/**
 * Quantity with the given stable name.
 * @return EWS_OK, or EWS_ENOTFOUND for a name that is not in the vocabulary
 *         (then *out is EWS_Q_NONE).
 */
EWS_API ews_status ews_quantity_from_name(const char *name, ews_quantity *out);

/**
 * Factor that turns a value in `unit` into the canonical unit of `q`:
 * "kWh" for an energy gives 1000, "MWh" 1e6, "kW" for a power 1000,
 * "m3" for a volume 1000, the canonical unit itself 1.
 * @return EWS_OK, or EWS_EINVAL when the unit does not fit the quantity.
 */
EWS_API ews_status ews_quantity_unit_factor(ews_quantity q, const char *unit,
					    double *out);

EWS_END_DECLS
#endif /* EWS_QUANTITY_H */
