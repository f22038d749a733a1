/*
 * Devices (INS-3, INS-4, INS-8, INS-9): libews/site-device.c. Gateways are
 * in test-site-gateway.c; loads, groups and boards in test-site-category.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Devices                                                             */

START_TEST(device_address_must_be_1_to_247)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 0);

	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "address");
	d.address = 248;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "address");
	ck_assert_uint_eq(dev_get(meter_add(LOCAL, 1, "")).address, 1);
	ck_assert_uint_eq(dev_get(meter_add(LOCAL, 247, "")).address, 247);
}
END_TEST

START_TEST(device_refuses_second_device_at_same_address_on_one_bus)
{
	ews_device d = dev_new(LOCAL, "btdin_f3n300", 5);

	meter_add(LOCAL, 5, "First");
	snprintf(d.name, sizeof(d.name), "Second");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "address");
}
END_TEST

/* With default names the two devices also share the name "5"; the refusal
 * must still name the real problem, the address. */
START_TEST(device_address_clash_is_reported_with_default_names)
{
	ews_device d = dev_new(LOCAL, "btdin_f3n300", 5);

	meter_add(LOCAL, 5, "");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "address");
}
END_TEST

START_TEST(device_same_address_on_another_gateway_is_allowed)
{
	int64_t gw = gw_add("GW", "10.0.0.2");

	meter_add(LOCAL, 5, "Local 5");
	ck_assert_uint_eq(dev_get(meter_add(gw, 5, "GW 5")).address, 5);
}
END_TEST

START_TEST(device_model_must_be_in_the_catalogue)
{
	ews_device d = dev_new(LOCAL, "no_such_meter", 5);

	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "model");
	d.model[0] = '\0';
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "model");
	d = dev_new(999, "eastron_sdm630", 5);
	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "gateway");
}
END_TEST

START_TEST(device_model_by_catalogue_number_stores_the_key)
{
	ews_device d = dev_new(LOCAL, "SDM630-Modbus", 5);

	dev_add(&d);
	ck_assert_str_eq(d.model, "eastron_sdm630");
	ck_assert_str_eq(dev_get(d.id).model, "eastron_sdm630");
	d = dev_new(LOCAL, "F4N300", 6);
	dev_add(&d);
	ck_assert_str_eq(dev_get(d.id).model, "btdin_f3n300");
}
END_TEST

START_TEST(device_add_returns_id_and_defaults)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 12), got;

	dev_add(&d);
	ck_assert_uint_eq(d.version, EWS_DEVICE_VERSION);
	ck_assert_str_eq(d.name, "12");
	ck_assert_int_eq(d.enabled, 1);
	ck_assert_int_eq(d.load_id, 0);
	ck_assert_int_eq(d.supply, EWS_SUPPLY_NONE);
	got = dev_get(d.id);
	ck_assert_int_eq(got.id, d.id);
	ck_assert_int_eq(got.gateway_id, LOCAL);
	ck_assert_str_eq(got.model, d.model);
	ck_assert_str_eq(got.name, d.name);
	ck_assert_uint_eq(got.address, 12);
	ck_assert_uint_eq(got.group_count, 0);
	ck_assert_int_eq(got.exclude_totals, 0);
	ck_assert_int_eq(got.exclude_alerts, 0);
	ck_assert_int_eq(got.enabled, 1);
	ck_assert_int_eq(got.reg_type, 0);
	ck_assert_uint_eq(got.remote_id, 0);
}
END_TEST

START_TEST(device_default_names_are_address_position_side)
{
	ews_device p = pulse_new("pulse_electricity_f20d32", 6, 2, "F80BI");
	ews_device s = dev_new(LOCAL, "greenup_0590_32", 7);
	ews_device e = dev_new(LOCAL, "ems_f80bcr", 3);

	ck_assert_str_eq(dev_get(meter_add(LOCAL, 5, "")).name, "5");
	dev_add(&p);
	ck_assert_str_eq(p.name, "6-2");
	s.side = 2;
	s.phase = 1;
	dev_add(&s);
	ck_assert_str_eq(s.name, "7-2");
	e.ems_interface = 2;
	dev_add(&e);
	ck_assert_str_eq(dev_get(e.id).name, "3-2");
}
END_TEST

START_TEST(device_default_name_clash_is_refused)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	ews_device d = dev_new(gw, "eastron_sdm630", 5);

	meter_add(LOCAL, 5, "");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "name");
	snprintf(d.name, sizeof(d.name), "GW 5");
	dev_add(&d);
}
END_TEST

START_TEST(device_refuses_duplicate_name_ignoring_case)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 6);

	meter_add(LOCAL, 5, "Main meter");
	snprintf(d.name, sizeof(d.name), "MAIN METER");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "name");
	snprintf(d.name, sizeof(d.name), " Main");
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "name");
}
END_TEST

START_TEST(generic_meter_needs_read_code_words_and_multiplier)
{
	static const char *const fields[] = { "read_code",  "read_code",
		                              "words",      "words",
		                              "multiplier", "multiplier",
		                              "multiplier", "register",
		                              "word_order" };
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		ews_device d = generic_new(LOCAL, 5);

		switch (i) {
		case 0:
			d.read_code = 0;
			break;
		case 1:
			d.read_code = 5;
			break;
		case 2:
			d.reg_words = 0;
			break;
		case 3:
			d.reg_words = 3;
			break;
		case 4:
			d.multiplier = 0;
			break;
		case 5:
			d.multiplier = -1;
			break;
		case 6:
			d.multiplier = NAN;
			break;
		case 7:
			d.reg_address = 0x10000;
			break;
		case 8:
			d.reg_word_order = (ews_word_order)2;
			break;
		}
		REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, fields[i]);
	}
}
END_TEST

START_TEST(generic_meter_register_type_must_fit_its_words)
{
	ews_device d = generic_new(LOCAL, 5);

	d.reg_type = EWS_REG_F32;
	dev_add(&d);
	ck_assert_int_eq(dev_get(d.id).reg_type, EWS_REG_F32);
	d = generic_new(LOCAL, 6);
	d.reg_type = EWS_REG_U64;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "type");
	d.reg_words = 1;
	d.reg_type = EWS_REG_BIT;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "type");
	/* No type: unsigned of the given number of words. */
	d = generic_new(LOCAL, 7);
	d.reg_words = 1;
	ck_assert_int_eq(dev_get(dev_add(&d)).reg_type, EWS_REG_U16);
	d = generic_new(LOCAL, 8);
	ck_assert_int_eq(dev_get(dev_add(&d)).reg_type, EWS_REG_U32);
	d = generic_new(LOCAL, 9);
	d.reg_words = 4;
	d.read_code = 4;
	d.reg_word_order = EWS_WORDS_LSW;
	d = dev_get(dev_add(&d));
	ck_assert_int_eq(d.reg_type, EWS_REG_U64);
	ck_assert_uint_eq(d.read_code, 4);
	ck_assert_uint_eq(d.reg_address, 0x0100);
	ck_assert_int_eq(d.reg_word_order, EWS_WORDS_LSW);
	ck_assert(fabs(d.multiplier - 0.01) < 1e-12);
}
END_TEST

START_TEST(non_generic_model_refuses_a_register)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 5);

	d.read_code = 3;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "register");
	d.read_code = 0;
	d.multiplier = 1.0;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "register");
}
END_TEST

START_TEST(pulse_meter_needs_position_and_concentrator)
{
	ews_device d = pulse_new("pulse_gas", 10, 0, "F80BI");

	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "position");
	d.position = 33;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "position");
	d = pulse_new("pulse_gas", 10, 1, "");
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "concentrator");
	d = pulse_new("pulse_gas", 10, 1, "F80XX");
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "concentrator");
	d = dev_new(LOCAL, "eastron_sdm630", 11);
	d.position = 1;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "position");
	d.position = 0;
	snprintf(d.concentrator, sizeof(d.concentrator), "F80BI");
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "concentrator");
}
END_TEST

START_TEST(pulse_meters_share_an_address_on_distinct_positions)
{
	ews_device a = pulse_new("pulse_electricity_f20d32", 10, 1, "F4CON12");
	ews_device b = pulse_new("pulse_water", 10, 2, "F4CON12");
	ews_device c = pulse_new("pulse_gas", 10, 1, "F4CON12");

	dev_add(&a);
	dev_add(&b);
	snprintf(c.name, sizeof(c.name), "Gas");
	REFUSED(ews_site_device_add(site, &c), EWS_EEXIST, "position");
	c.position = 3;
	snprintf(c.concentrator, sizeof(c.concentrator), "F4CON");
	REFUSED(ews_site_device_add(site, &c), EWS_EEXIST, "concentrator");
	ck_assert_uint_eq(device_count(LOCAL), 2);
}
END_TEST

START_TEST(pulse_meter_cannot_share_the_address_of_a_meter)
{
	ews_device p = pulse_new("pulse_gas", 10, 1, "F80BI");
	ews_device m = dev_new(LOCAL, "eastron_sdm630", 11);

	meter_add(LOCAL, 10, "SDM");
	REFUSED(ews_site_device_add(site, &p), EWS_EEXIST, "address");
	p.address = 11;
	dev_add(&p);
	snprintf(m.name, sizeof(m.name), "SDM 2");
	REFUSED(ews_site_device_add(site, &m), EWS_EEXIST, "address");
}
END_TEST

START_TEST(gas_and_water_meters_get_their_load_automatically)
{
	int64_t gas = load_of(EWS_ORIGIN_GAS),
	        water = load_of(EWS_ORIGIN_WATER);
	int64_t user = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	ews_device g = pulse_new("pulse_gas", 10, 1, "F80BI");
	ews_device w = pulse_new("pulse_water", 10, 2, "F80BI");
	ews_device x = pulse_new("pulse_gas", 10, 3, "F80BI");

	dev_add(&g);
	ck_assert_int_eq(g.load_id, gas);
	ck_assert_int_eq(dev_get(g.id).load_id, gas);
	dev_add(&w);
	ck_assert_int_eq(dev_get(w.id).load_id, water);
	x.load_id = user;
	REFUSED(ews_site_device_add(site, &x), EWS_EINVAL, "load");
	x.load_id = water;
	REFUSED(ews_site_device_add(site, &x), EWS_EINVAL, "load");
	x.load_id = load_of(EWS_ORIGIN_OTHERS);
	REFUSED(ews_site_device_add(site, &x), EWS_EINVAL, "load");
	x.load_id = gas;
	dev_add(&x);
}
END_TEST

START_TEST(electric_device_cannot_take_the_gas_or_water_load)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 5);
	ews_device p = pulse_new("pulse_electricity_f20d32", 6, 1, "F80BI");

	d.load_id = load_of(EWS_ORIGIN_GAS);
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "load");
	d.load_id = load_of(EWS_ORIGIN_WATER);
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "load");
	p.load_id = load_of(EWS_ORIGIN_GAS);
	REFUSED(ews_site_device_add(site, &p), EWS_EINVAL, "load");
}
END_TEST

START_TEST(device_load_must_be_an_enabled_load)
{
	int64_t heating = load_of(EWS_ORIGIN_PREDEFINED);
	int64_t group = cat_add(EWS_CATEGORY_GROUP, "G");
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 5);

	ck_assert_int_eq(ews_site_category_set_enabled(site, heating, 0),
	                 EWS_OK);
	d.load_id = heating;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "load");
	d.load_id = group;
	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "load");
	d.load_id = 999;
	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "load");
	d.load_id = load_of(EWS_ORIGIN_OTHERS); /* stored as "no load" */
	ck_assert_int_eq(dev_get(dev_add(&d)).load_id, 0);
	d = dev_new(LOCAL, "eastron_sdm630", 6);
	d.load_id = heating + 1;
	ck_assert_int_eq(dev_get(dev_add(&d)).load_id, heating + 1);
}
END_TEST

START_TEST(old_range_two_sided_station_sides_share_one_address)
{
	ews_device d = dev_new(LOCAL, "greenup_0590_32", 5);

	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "side");
	d.side = 3;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "side");
	d.side = 1;
	d.phase = 1;
	dev_add(&d);
	d = dev_new(LOCAL, "greenup_0590_32", 5);
	d.side = 2;
	d.phase = 2;
	dev_add(&d);
	d = dev_new(LOCAL, "greenup_0590_32", 5);
	d.side = 1;
	d.phase = 1;
	snprintf(d.name, sizeof(d.name), "Again");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "side");
}
END_TEST

START_TEST(premium_two_sided_station_has_an_address_per_side)
{
	ews_device d = dev_new(LOCAL, "greenup_premium_0590_42", 8);

	d.phase = 1;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "side");
	d.side = 1;
	dev_add(&d);
	d = dev_new(LOCAL, "greenup_premium_0590_42", 8);
	d.phase = 1;
	d.side = 2;
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "address");
	d.address = 9;
	dev_add(&d);
}
END_TEST

START_TEST(single_phase_station_needs_phase_1_to_3)
{
	ews_device d = dev_new(LOCAL, "greenup_premium_0590_00", 5);
	unsigned int phase;

	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "phase");
	d.phase = 4;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "phase");
	d.phase = 1;
	d.side = 1;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "side");
	for (phase = 1; phase <= 3; phase++) {
		d = dev_new(LOCAL, "greenup_premium_0590_00", 5 + phase);
		d.phase = phase;
		ck_assert_uint_eq(dev_get(dev_add(&d)).phase, phase);
	}
	d = dev_new(LOCAL, "eastron_sdm630", 20);
	d.phase = 1;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "phase");
}
END_TEST

START_TEST(supply_defaults_to_upstream_where_the_model_needs_it)
{
	ews_device d = dev_new(LOCAL, "ems_f80bmm63", 5);

	dev_add(&d);
	ck_assert_int_eq(d.supply, EWS_SUPPLY_UPSTREAM);
	ck_assert_int_eq(dev_get(d.id).supply, EWS_SUPPLY_UPSTREAM);
	d = dev_new(LOCAL, "ems_f80bmm63", 6);
	d.supply = EWS_SUPPLY_DOWNSTREAM;
	ck_assert_int_eq(dev_get(dev_add(&d)).supply, EWS_SUPPLY_DOWNSTREAM);
	d = dev_new(LOCAL, "ems_f80bmm63", 7);
	d.supply = (ews_supply)3;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "supply");
	d = dev_new(LOCAL, "eastron_sdm630", 8);
	d.supply = EWS_SUPPLY_UPSTREAM;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "supply");
}
END_TEST

START_TEST(ems_remote_addressing_is_interface_1_to_9_address_1_to_9)
{
	ews_device d = dev_new(LOCAL, "ems_f80bcr", 1);

	d.ems_interface = 1;
	dev_add(&d);
	d = dev_new(LOCAL, "ems_f80bcr", 1);
	d.ems_interface = 2; /* same address, other interface */
	dev_add(&d);
	d = dev_new(LOCAL, "ems_f80bcr", 9);
	d.ems_interface = 9;
	ck_assert_uint_eq(dev_get(dev_add(&d)).ems_interface, 9);
	d = dev_new(LOCAL, "ems_f80bcr", 1);
	d.ems_interface = 10;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "ems_interface");
	d.ems_interface = 3;
	d.address = 10;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "address");
	d.address = 1;
	d.ems_interface = 1;
	snprintf(d.name, sizeof(d.name), "Again");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "address");
	d = dev_new(LOCAL, "eastron_sdm630", 2);
	d.ems_interface = 1;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "ems_interface");
}
END_TEST

START_TEST(wsmeasure_lives_alone_on_a_virtual_gateway)
{
	ews_gateway v = gw_new("Slave", "10.0.0.5");
	ews_device d = dev_new(LOCAL, "wsmeasure", 0);

	v.kind = EWS_GATEWAY_VIRTUAL;
	ck_assert_int_eq(ews_site_gateway_add(site, &v), EWS_OK);
	d.remote_id = 10001;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "gateway");
	d.gateway_id = v.id;
	dev_add(&d);
	ck_assert_uint_eq(d.address, 247);
	ck_assert_str_eq(d.name, "10001");
	ck_assert_uint_eq(dev_get(d.id).address, 247);
	ck_assert_uint_eq(dev_get(d.id).remote_id, 10001);
	d = dev_new(v.id, "eastron_sdm630", 5);
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "gateway");
	d = dev_new(LOCAL, "eastron_sdm630", 5);
	d.remote_id = 10001;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "remote_id");
}
END_TEST

START_TEST(wsmeasure_remote_id_is_a_device_load_or_group_code)
{
	static const unsigned int bad[] = { 0, 40000, 20000, 10000, 9999 };
	static const unsigned int good[] = { 10001, 29999, 30001, 39999 };
	ews_gateway v = gw_new("Slave", "10.0.0.5");
	ews_device d;
	size_t i;

	v.kind = EWS_GATEWAY_VIRTUAL;
	ck_assert_int_eq(ews_site_gateway_add(site, &v), EWS_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = dev_new(v.id, "wsmeasure", 0);
		d.remote_id = bad[i];
		REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "remote_id");
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		d = dev_new(v.id, "wsmeasure", 0);
		d.remote_id = good[i];
		dev_add(&d);
	}
	d = dev_new(v.id, "wsmeasure", 5);
	d.remote_id = 10002;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "address");
	d.address = 247;
	dev_add(&d);
	d = dev_new(v.id, "wsmeasure", 0);
	d.remote_id = 10001;
	snprintf(d.name, sizeof(d.name), "Again");
	REFUSED(ews_site_device_add(site, &d), EWS_EEXIST, "remote_id");
}
END_TEST

START_TEST(device_belongs_to_at_most_five_groups)
{
	int64_t g[6];
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 5), got;
	char name[16];
	int i;

	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "Group %d", i + 1);
		g[i] = cat_add(EWS_CATEGORY_GROUP, name);
	}
	d.group_count = 5;
	for (i = 0; i < 5; i++)
		d.group_ids[i] = g[4 - i];
	got = dev_get(dev_add(&d));
	ck_assert_uint_eq(got.group_count, 5);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(got.group_ids[i], g[4 - i]);
	d = dev_new(LOCAL, "eastron_sdm630", 6);
	d.group_count = 6; /* one more than the array holds: never read */
	REFUSED(ews_site_device_add(site, &d), EWS_ELIMIT, "group_ids");
	d.group_count = 2;
	d.group_ids[0] = d.group_ids[1] = g[5];
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "group_ids");
	d.group_count = 1;
	d.group_ids[0] = load_of(EWS_ORIGIN_PREDEFINED);
	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "group_ids");
	d.group_ids[0] = 999;
	REFUSED(ews_site_device_add(site, &d), EWS_ENOTFOUND, "group_ids");
}
END_TEST

START_TEST(device_update_moves_it_and_keeps_its_id)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t id = meter_add(LOCAL, 5, "M");
	ews_device d = dev_get(id);

	d.gateway_id = gw;
	d.address = 7;
	snprintf(d.name, sizeof(d.name), "m"); /* its own name, other case */
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	d = dev_get(id);
	ck_assert_int_eq(d.id, id);
	ck_assert_int_eq(d.gateway_id, gw);
	ck_assert_uint_eq(d.address, 7);
	ck_assert_str_eq(d.name, "m");
	ck_assert_uint_eq(device_count(LOCAL), 0);
	ck_assert_uint_eq(device_count(gw), 1);
	meter_add(gw, 8, "N");
	d.address = 8;
	REFUSED(ews_site_device_update(site, &d), EWS_EEXIST, "address");
	d.address = 0;
	REFUSED(ews_site_device_update(site, &d), EWS_EINVAL, "address");
	d = dev_get(id);
	d.id = 999;
	REFUSED(ews_site_device_update(site, &d), EWS_ENOTFOUND, "device");
}
END_TEST

START_TEST(device_delete_removes_it)
{
	int64_t id = meter_add(LOCAL, 5, "");
	ews_device d;

	ck_assert_int_eq(ews_site_device_delete(site, id), EWS_OK);
	ews_device_init(&d, EWS_DEVICE_VERSION);
	REFUSED(ews_site_device_get(site, id, &d), EWS_ENOTFOUND, "device");
	REFUSED(ews_site_device_delete(site, id), EWS_ENOTFOUND, "device");
	ck_assert_uint_eq(device_count(0), 0);
}
END_TEST

START_TEST(device_list_by_gateway_and_all)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(LOCAL, 1, "A"), b = meter_add(gw, 1, "B");
	int64_t c = meter_add(LOCAL, 2, "C");
	ews_list *list, *gws;

	ck_assert_int_eq(ews_site_device_list(site, 0, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 3);
	ck_assert_int_eq(ews_list_device(list, 0)->id, a);
	ck_assert_int_eq(ews_list_device(list, 1)->id, b);
	ck_assert_int_eq(ews_list_device(list, 2)->id, c);
	ck_assert_ptr_null(ews_list_device(list, 3));
	ck_assert_ptr_null(ews_list_gateway(list, 0));
	ck_assert_ptr_null(ews_list_category(list, 0));
	ews_list_free(list);
	ck_assert_int_eq(ews_site_device_list(site, LOCAL, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 2);
	ck_assert_int_eq(ews_list_device(list, 1)->id, c);
	ews_list_free(list);
	ck_assert_uint_eq(device_count(gw), 1);
	ck_assert_uint_eq(device_count(999), 0);
	ck_assert_int_eq(ews_site_gateway_list(site, &gws), EWS_OK);
	ck_assert_uint_eq(ews_list_len(gws), 2);
	ck_assert_ptr_null(ews_list_device(gws, 0));
	ck_assert_ptr_null(ews_list_gateway(gws, 2));
	ews_list_free(gws);
	ck_assert_ptr_null(ews_list_device(NULL, 0));
	ck_assert_uint_eq(ews_list_len(NULL), 0);
	ews_list_free(NULL);
}
END_TEST

START_TEST(records_of_unknown_version_are_refused)
{
	ews_device d = dev_new(LOCAL, "eastron_sdm630", 5);
	ews_gateway gw = gw_new("GW", "10.0.0.2");
	ews_category c;

	d.version = 0;
	REFUSED(ews_site_device_add(site, &d), EWS_EINVAL, "version");
	gw.version = 2;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EINVAL, "version");
	ck_assert_int_eq(ews_category_init(&c, 99, EWS_CATEGORY_GROUP),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
	ck_assert_int_eq(ews_device_init(&d, 0), EWS_EINVAL);
	ck_assert_int_eq(ews_gateway_init(&gw, 2), EWS_EINVAL);
}
END_TEST

START_TEST(value_type_names_are_stable)
{
	ck_assert_str_eq(ews_gateway_kind_name(EWS_GATEWAY_LOCAL), "local");
	ck_assert_str_eq(ews_gateway_kind_name(EWS_GATEWAY_VIRTUAL), "virtual");
	ck_assert_ptr_null(ews_gateway_kind_name((ews_gateway_kind)0));
	ck_assert_str_eq(ews_supply_name(EWS_SUPPLY_NONE), "");
	ck_assert_str_eq(ews_supply_name(EWS_SUPPLY_DOWNSTREAM), "downstream");
	ck_assert_ptr_null(ews_supply_name((ews_supply)3));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site-device");
	TCase *tc;

	tc = tcase("device");
	tcase_add_test(tc, device_address_must_be_1_to_247);
	tcase_add_test(tc,
	               device_refuses_second_device_at_same_address_on_one_bus);
	tcase_add_test(tc, device_address_clash_is_reported_with_default_names);
	tcase_add_test(tc, device_same_address_on_another_gateway_is_allowed);
	tcase_add_test(tc, device_model_must_be_in_the_catalogue);
	tcase_add_test(tc, device_model_by_catalogue_number_stores_the_key);
	tcase_add_test(tc, device_add_returns_id_and_defaults);
	tcase_add_test(tc, device_default_names_are_address_position_side);
	tcase_add_test(tc, device_default_name_clash_is_refused);
	tcase_add_test(tc, device_refuses_duplicate_name_ignoring_case);
	tcase_add_test(tc, generic_meter_needs_read_code_words_and_multiplier);
	tcase_add_test(tc, generic_meter_register_type_must_fit_its_words);
	tcase_add_test(tc, non_generic_model_refuses_a_register);
	tcase_add_test(tc, pulse_meter_needs_position_and_concentrator);
	tcase_add_test(tc, pulse_meters_share_an_address_on_distinct_positions);
	tcase_add_test(tc, pulse_meter_cannot_share_the_address_of_a_meter);
	tcase_add_test(tc, gas_and_water_meters_get_their_load_automatically);
	tcase_add_test(tc, electric_device_cannot_take_the_gas_or_water_load);
	tcase_add_test(tc, device_load_must_be_an_enabled_load);
	tcase_add_test(tc, old_range_two_sided_station_sides_share_one_address);
	tcase_add_test(tc, premium_two_sided_station_has_an_address_per_side);
	tcase_add_test(tc, single_phase_station_needs_phase_1_to_3);
	tcase_add_test(tc,
	               supply_defaults_to_upstream_where_the_model_needs_it);
	tcase_add_test(
	        tc, ems_remote_addressing_is_interface_1_to_9_address_1_to_9);
	tcase_add_test(tc, wsmeasure_lives_alone_on_a_virtual_gateway);
	tcase_add_test(tc, wsmeasure_remote_id_is_a_device_load_or_group_code);
	tcase_add_test(tc, device_belongs_to_at_most_five_groups);
	tcase_add_test(tc, device_update_moves_it_and_keeps_its_id);
	tcase_add_test(tc, device_delete_removes_it);
	tcase_add_test(tc, device_list_by_gateway_and_all);
	tcase_add_test(tc, records_of_unknown_version_are_refused);
	tcase_add_test(tc, value_type_names_are_stable);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
