#include <string.h>

#include <ews/quantity.h>

#include "helpers.h"

START_TEST(quantity_name_round_trips_for_every_value)
{
	int q;

	for (q = EWS_Q_NONE + 1; q < EWS_Q_COUNT_; q++) {
		const char *name = ews_quantity_name((ews_quantity)q);
		ews_quantity back = EWS_Q_NONE;

		ck_assert_msg(name != NULL, "quantity %d has no name", q);
		ck_assert_int_eq(ews_quantity_from_name(name, &back), EWS_OK);
		ck_assert_int_eq(back, q);
		ck_assert_ptr_nonnull(ews_quantity_unit((ews_quantity)q));
	}
}
END_TEST

START_TEST(quantity_names_follow_the_enumerators)
{
	ck_assert_str_eq(ews_quantity_name(EWS_Q_ACTIVE_ENERGY_IMPORT),
	                 "active_energy_import");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_VOLTAGE_LN_L1),
	                 "voltage_ln_l1");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_VOLTAGE_LL_L12),
	                 "voltage_ll_l12");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_CURRENT_N), "current_n");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_THD_VOLTAGE_L1),
	                 "thd_voltage_l1");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_HARMONIC_CURRENT_L3),
	                 "harmonic_current_l3");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_VOLUME), "volume");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_STATE), "state");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_CP_STATE), "cp_state");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_SETPOINT_CURRENT),
	                 "setpoint_current");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_CHARGE_ENABLE),
	                 "charge_enable");
	ck_assert_str_eq(ews_quantity_name(EWS_Q_TEMPERATURE), "temperature");
}
END_TEST

START_TEST(quantity_name_is_null_outside_the_vocabulary)
{
	ck_assert_ptr_null(ews_quantity_name(EWS_Q_NONE));
	ck_assert_ptr_null(ews_quantity_name(EWS_Q_COUNT_));
	ck_assert_ptr_null(ews_quantity_name((ews_quantity)-1));
	ck_assert_ptr_null(ews_quantity_unit(EWS_Q_NONE));
	ck_assert_ptr_null(ews_quantity_unit(EWS_Q_COUNT_));
}
END_TEST

START_TEST(quantity_from_name_refuses_unknown_names)
{
	ews_quantity q = EWS_Q_VOLUME;

	ck_assert_int_eq(ews_quantity_from_name("active_energy", &q),
	                 EWS_ENOTFOUND);
	ck_assert_int_eq(q, EWS_Q_NONE);
	ck_assert_int_eq(ews_quantity_from_name("none", &q), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_quantity_from_name("Volume", &q), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_quantity_from_name("", &q), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_quantity_from_name(NULL, &q), EWS_EINVAL);
}
END_TEST

START_TEST(quantity_units_are_canonical)
{
	static const struct {
		ews_quantity q;
		const char *unit;
	} cases[] = {
		{ EWS_Q_ACTIVE_ENERGY_IMPORT, "Wh" },
		{ EWS_Q_ACTIVE_ENERGY_EXPORT_L3, "Wh" },
		{ EWS_Q_REACTIVE_ENERGY_IMPORT, "varh" },
		{ EWS_Q_REACTIVE_ENERGY_EXPORT, "varh" },
		{ EWS_Q_APPARENT_ENERGY, "VAh" },
		{ EWS_Q_ACTIVE_POWER_L2, "W" },
		{ EWS_Q_REACTIVE_POWER, "var" },
		{ EWS_Q_APPARENT_POWER_L1, "VA" },
		{ EWS_Q_POWER_FACTOR, "" },
		{ EWS_Q_VOLTAGE_LL_L31, "V" },
		{ EWS_Q_CURRENT_N, "A" },
		{ EWS_Q_FREQUENCY, "Hz" },
		{ EWS_Q_THD_CURRENT_L2, "%" },
		{ EWS_Q_HARMONIC_VOLTAGE_L1, "V" },
		{ EWS_Q_HARMONIC_CURRENT_L1, "A" },
		{ EWS_Q_VOLUME, "dm3" },
		{ EWS_Q_STATE, "" },
		{ EWS_Q_CP_STATE, "" },
		{ EWS_Q_SETPOINT_CURRENT, "A" },
		{ EWS_Q_CHARGE_ENABLE, "" },
		{ EWS_Q_TEMPERATURE, "degC" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(ews_quantity_unit(cases[i].q), cases[i].unit);
}
END_TEST

static double
factor_of(ews_quantity q, const char *unit)
{
	double f = -1;

	ck_assert_int_eq(ews_quantity_unit_factor(q, unit, &f), EWS_OK);
	return f;
}

START_TEST(quantity_unit_factor_is_1_for_the_canonical_unit)
{
	int q;

	for (q = EWS_Q_NONE + 1; q < EWS_Q_COUNT_; q++)
		ck_assert_double_eq(
		        factor_of((ews_quantity)q,
		                  ews_quantity_unit((ews_quantity)q)),
		        1.0);
}
END_TEST

START_TEST(quantity_unit_factor_scales_kilo_and_mega)
{
	ck_assert_double_eq(factor_of(EWS_Q_ACTIVE_ENERGY_IMPORT, "kWh"), 1e3);
	ck_assert_double_eq(factor_of(EWS_Q_ACTIVE_ENERGY_EXPORT, "MWh"), 1e6);
	ck_assert_double_eq(factor_of(EWS_Q_REACTIVE_ENERGY_IMPORT, "kvarh"),
	                    1e3);
	ck_assert_double_eq(factor_of(EWS_Q_APPARENT_ENERGY, "MVAh"), 1e6);
	ck_assert_double_eq(factor_of(EWS_Q_ACTIVE_POWER, "kW"), 1e3);
	ck_assert_double_eq(factor_of(EWS_Q_REACTIVE_POWER_L1, "kvar"), 1e3);
	ck_assert_double_eq(factor_of(EWS_Q_APPARENT_POWER, "MVA"), 1e6);
	ck_assert_double_eq(factor_of(EWS_Q_VOLTAGE_LL_L12, "kV"), 1e3);
}
END_TEST

START_TEST(quantity_unit_factor_converts_m3_to_dm3)
{
	ck_assert_double_eq(factor_of(EWS_Q_VOLUME, "m3"), 1e3);
	ck_assert_double_eq(factor_of(EWS_Q_VOLUME, "dm3"), 1.0);
}
END_TEST

START_TEST(quantity_unit_factor_refuses_unit_of_another_quantity)
{
	double f = 7;
	const ews_error *e;

	ck_assert_int_eq(
	        ews_quantity_unit_factor(EWS_Q_ACTIVE_ENERGY_IMPORT, "kW", &f),
	        EWS_EINVAL);
	e = ews_error_last();
	ck_assert_int_eq(e->code, EWS_EINVAL);
	ck_assert_str_eq(e->field, "unit");
	ck_assert_ptr_nonnull(strstr(e->message, "kW"));
	ck_assert_ptr_nonnull(strstr(e->message, "active_energy_import"));
	ck_assert_double_eq(f, 7);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_VOLTAGE_LN_L1, "A", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(
	        ews_quantity_unit_factor(EWS_Q_ACTIVE_POWER, "kwh", &f),
	        EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_ACTIVE_POWER, "kw", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_ACTIVE_POWER, "GW", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_ACTIVE_POWER, "", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_NONE, "", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_VOLUME, NULL, &f),
	                 EWS_EINVAL);
}
END_TEST

START_TEST(quantity_unit_factor_refuses_prefix_on_unitless_quantities)
{
	double f;

	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_POWER_FACTOR, "k", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_CP_STATE, "M", &f),
	                 EWS_EINVAL);
	ck_assert_int_eq(
	        ews_quantity_unit_factor(EWS_Q_THD_VOLTAGE_L1, "k%", &f),
	        EWS_EINVAL);
	ck_assert_int_eq(
	        ews_quantity_unit_factor(EWS_Q_TEMPERATURE, "kdegC", &f),
	        EWS_EINVAL);
	ck_assert_int_eq(ews_quantity_unit_factor(EWS_Q_VOLUME, "kdm3", &f),
	                 EWS_EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quantity");
	TCase *names = tcase_create("names");
	TCase *units = tcase_create("units");

	tcase_add_test(names, quantity_name_round_trips_for_every_value);
	tcase_add_test(names, quantity_names_follow_the_enumerators);
	tcase_add_test(names, quantity_name_is_null_outside_the_vocabulary);
	tcase_add_test(names, quantity_from_name_refuses_unknown_names);
	tcase_add_test(units, quantity_units_are_canonical);
	tcase_add_test(units, quantity_unit_factor_is_1_for_the_canonical_unit);
	tcase_add_test(units, quantity_unit_factor_scales_kilo_and_mega);
	tcase_add_test(units, quantity_unit_factor_converts_m3_to_dm3);
	tcase_add_test(units,
	               quantity_unit_factor_refuses_unit_of_another_quantity);
	tcase_add_test(
	        units,
	        quantity_unit_factor_refuses_prefix_on_unitless_quantities);
	suite_add_tcase(s, names);
	suite_add_tcase(s, units);
	return helper_run(s);
}
