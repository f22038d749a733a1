/*
 * Gateways (INS-1, INS-2, INS-9): libews/site-gateway.c. Devices are in
 * test-site-device.c; opening and closing in test-site.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Gateways                                                            */

START_TEST(gateway_add_sets_id_default_port_and_name_from_ip)
{
	ews_gateway gw = gw_new("", "192.168.1.10"), got;

	gw.port = 0;
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	ck_assert_int_gt(gw.id, LOCAL);
	ck_assert_str_eq(gw.name, "192.168.1.10");
	ck_assert_uint_eq(gw.port, 502);
	got = gw_get(gw.id);
	ck_assert_int_eq(got.kind, EWS_GATEWAY_PHYSICAL);
	ck_assert_str_eq(got.name, "192.168.1.10");
	ck_assert_str_eq(got.ip, "192.168.1.10");
	ck_assert_uint_eq(got.port, 502);
	ck_assert_int_eq(got.enabled, 1);
	ck_assert_int_eq(got.board_id, 0);
	ck_assert_int_eq(got.eq_device_id, 0);
}
END_TEST

START_TEST(gateway_add_refuses_invalid_ip)
{
	static const char *const bad[] = { "999.1.1.1", "abc",
		                           "",          "1.2.3",
		                           "10.0.0.1 ", "10.0.0.1:502" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ews_gateway gw = gw_new("GW", bad[i]);

		REFUSED(ews_site_gateway_add(site, &gw), EWS_EINVAL, "ip");
		ck_assert_int_eq(gw.id, 0);
	}
}
END_TEST

START_TEST(gateway_add_accepts_ipv6)
{
	int64_t id = gw_add("", "2001:db8::10");

	ck_assert_str_eq(gw_get(id).ip, "2001:db8::10");
	ck_assert_str_eq(gw_get(id).name, "2001:db8::10");
	gw_add("Link local", "fe80::1");
}
END_TEST

START_TEST(gateway_port_must_be_1_to_65535)
{
	ews_gateway gw = gw_new("GW", "10.0.0.2");

	gw.port = 70000;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EINVAL, "port");
	gw.port = 65535;
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	ck_assert_uint_eq(gw_get(gw.id).port, 65535);
}
END_TEST

START_TEST(gateway_refuses_duplicate_name_ignoring_case)
{
	ews_gateway gw = gw_new("gateway a", "10.0.0.3"), b;

	gw_add("Gateway A", "10.0.0.2");
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EEXIST, "name");
	gw = gw_new("LOCAL", "10.0.0.3");
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EEXIST, "name");
	b = gw_get(gw_add("Gateway B", "10.0.0.4"));
	snprintf(b.name, sizeof(b.name), "GATEWAY A");
	REFUSED(ews_site_gateway_update(site, &b), EWS_EEXIST, "name");
}
END_TEST

START_TEST(gateway_add_refuses_a_second_local)
{
	ews_gateway gw = gw_new("Local 2", "127.0.0.1");

	gw.kind = EWS_GATEWAY_LOCAL;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EDENIED, "kind");
	gw.kind = (ews_gateway_kind)7;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_EINVAL, "kind");
}
END_TEST

START_TEST(gateway_local_cannot_be_deleted)
{
	REFUSED(ews_site_gateway_delete(site, LOCAL), EWS_EDENIED, "gateway");
}
END_TEST

START_TEST(gateway_local_keeps_its_address_but_can_be_renamed_and_switched_off)
{
	ews_gateway gw = gw_get(LOCAL);

	snprintf(gw.ip, sizeof(gw.ip), "10.0.0.9");
	REFUSED(ews_site_gateway_update(site, &gw), EWS_EDENIED, "ip");
	gw = gw_get(LOCAL);
	gw.port = 503;
	REFUSED(ews_site_gateway_update(site, &gw), EWS_EDENIED, "port");
	gw = gw_get(LOCAL);
	snprintf(gw.name, sizeof(gw.name), "Main RS485");
	ck_assert_int_eq(ews_site_gateway_update(site, &gw), EWS_OK);
	gw = gw_get(LOCAL);
	ck_assert_str_eq(gw.name, "Main RS485");
	ck_assert_str_eq(gw.ip, "127.0.0.1");
	ck_assert_int_eq(gw.kind, EWS_GATEWAY_LOCAL);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, LOCAL, 0), EWS_OK);
	ck_assert_int_eq(gw_get(LOCAL).enabled, 0);
}
END_TEST

START_TEST(gateway_kind_cannot_change)
{
	ews_gateway gw = gw_get(gw_add("GW", "10.0.0.2"));

	gw.kind = EWS_GATEWAY_VIRTUAL;
	REFUSED(ews_site_gateway_update(site, &gw), EWS_EINVAL, "kind");
}
END_TEST

START_TEST(gateway_with_devices_cannot_be_deleted)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t dev = meter_add(gw, 1, "");
	ews_gateway out;

	REFUSED(ews_site_gateway_delete(site, gw), EWS_EINUSE, "gateway");
	ck_assert_int_eq(ews_site_device_delete(site, dev), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_delete(site, gw), EWS_OK);
	ews_gateway_init(&out, EWS_GATEWAY_VERSION);
	ck_assert_int_eq(ews_site_gateway_get(site, gw, &out), EWS_ENOTFOUND);
	assert_error(EWS_ENOTFOUND, "gateway");
}
END_TEST

START_TEST(gateway_unknown_id_is_not_found)
{
	ews_gateway gw = gw_get(LOCAL);

	REFUSED(ews_site_gateway_get(site, 999, &gw), EWS_ENOTFOUND, "gateway");
	gw = gw_new("Ghost", "10.0.0.2");
	gw.id = 999;
	REFUSED(ews_site_gateway_update(site, &gw), EWS_ENOTFOUND, "gateway");
	REFUSED(ews_site_gateway_delete(site, 999), EWS_ENOTFOUND, "gateway");
	REFUSED(ews_site_gateway_set_enabled(site, 999, 0), EWS_ENOTFOUND,
	        "gateway");
}
END_TEST

START_TEST(gateway_board_must_be_a_board)
{
	int64_t board = cat_add(EWS_CATEGORY_BOARD, "Board A");
	int64_t group = cat_add(EWS_CATEGORY_GROUP, "Group A");
	ews_gateway gw = gw_new("GW", "10.0.0.2");

	gw.board_id = group;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_ENOTFOUND, "board");
	gw.board_id = load_of(EWS_ORIGIN_PREDEFINED);
	REFUSED(ews_site_gateway_add(site, &gw), EWS_ENOTFOUND, "board");
	gw.board_id = 999;
	REFUSED(ews_site_gateway_add(site, &gw), EWS_ENOTFOUND, "board");
	gw.board_id = board;
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	ck_assert_int_eq(gw_get(gw.id).board_id, board);
	gw.board_id = group;
	REFUSED(ews_site_gateway_update(site, &gw), EWS_ENOTFOUND, "board");
}
END_TEST

START_TEST(gateway_eq_device_must_measure_thd_on_this_gateway)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t sdm = meter_add(gw, 1, "SDM");
	int64_t far = meter_add(gw_add("GW2", "10.0.0.3"), 1, "Far");
	ews_device g = generic_new(gw, 2);
	ews_gateway out = gw_get(gw);
	int64_t gen = dev_add(&g);

	out.eq_device_id = gen;
	REFUSED(ews_site_gateway_update(site, &out), EWS_EINVAL, "eq_device");
	out.eq_device_id = far;
	REFUSED(ews_site_gateway_update(site, &out), EWS_ENOTFOUND,
	        "eq_device");
	out.eq_device_id = 999;
	REFUSED(ews_site_gateway_update(site, &out), EWS_ENOTFOUND,
	        "eq_device");
	out.eq_device_id = sdm;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	ck_assert_int_eq(gw_get(gw).eq_device_id, sdm);
}
END_TEST

START_TEST(gateway_eq_role_ends_when_device_leaves)
{
	int64_t gw = gw_add("GW", "10.0.0.2"), gw2 = gw_add("GW2", "10.0.0.3");
	int64_t a = meter_add(gw, 1, "A"), b = meter_add(gw, 2, "B");
	ews_gateway out = gw_get(gw);
	ews_device d;

	out.eq_device_id = a;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	ck_assert_int_eq(ews_site_device_delete(site, a), EWS_OK);
	ck_assert_int_eq(gw_get(gw).eq_device_id, 0);
	out = gw_get(gw);
	out.eq_device_id = b;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	d = dev_get(b);
	d.gateway_id = gw2;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(gw_get(gw).eq_device_id, 0);
}
END_TEST

/* INS-2: only devices with THD/harmonics can be the EQ device. A change of
 * model must not leave a gateway with an EQ device that measures neither. */
START_TEST(gateway_eq_device_keeps_thd_when_its_model_changes)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 1, "A");
	ews_gateway out = gw_get(gw);
	ews_device d = generic_new(gw, 1);

	out.eq_device_id = a;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	d.id = a;
	snprintf(d.name, sizeof(d.name), "A");
	REFUSED(ews_site_device_update(site, &d), EWS_EINVAL, "model");
	out.eq_device_id = 0;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_str_eq(dev_get(a).model, "generic_modbus_meter");
}
END_TEST

START_TEST(gateway_off_turns_devices_off_and_on_restores_only_those)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 1, "A"), b = meter_add(gw, 2, "B");
	int64_t local = meter_add(LOCAL, 1, "L");
	ews_gateway out;

	ck_assert_int_eq(ews_site_device_set_enabled(site, b, 0), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 0), EWS_OK);
	ck_assert_int_eq(gw_get(gw).enabled, 0);
	ck_assert_int_eq(dev_get(a).enabled, 0);
	ck_assert_int_eq(dev_get(b).enabled, 0);
	ck_assert_int_eq(dev_get(local).enabled, 1);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 1), EWS_OK);
	ck_assert_int_eq(dev_get(a).enabled, 1);
	ck_assert_int_eq(dev_get(b).enabled, 0);
	/* The same through update. */
	out = gw_get(gw);
	out.enabled = 0;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	ck_assert_int_eq(dev_get(a).enabled, 0);
	out.enabled = 1;
	ck_assert_int_eq(ews_site_gateway_update(site, &out), EWS_OK);
	ck_assert_int_eq(dev_get(a).enabled, 1);
	ck_assert_int_eq(dev_get(b).enabled, 0);
}
END_TEST

/* INS-3: a gateway switched ON brings back only the devices that it
 * switched off, not one that another gateway switched off before a move. */
START_TEST(gateway_on_leaves_a_device_it_did_not_switch_off)
{
	int64_t g = gw_add("G", "10.0.0.2"), h = gw_add("H", "10.0.0.3");
	int64_t a = meter_add(g, 1, "A");
	ews_device d;
	int moved;

	ck_assert_int_eq(ews_site_gateway_set_enabled(site, g, 0), EWS_OK);
	d = dev_get(a);
	d.gateway_id = h;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	moved = dev_get(a).enabled;
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, h, 0), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, h, 1), EWS_OK);
	ck_assert_msg(dev_get(a).enabled == moved,
	              "device was %s after its move and %s after its new "
	              "gateway went OFF and ON",
	              moved ? "ON" : "OFF", moved ? "OFF" : "ON");
}
END_TEST

START_TEST(device_cannot_be_switched_on_while_its_gateway_is_off)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	int64_t a = meter_add(gw, 1, "A");

	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 0), EWS_OK);
	REFUSED(ews_site_device_set_enabled(site, a, 1), EWS_EDENIED, "device");
	/* Switched off by hand while the gateway is OFF: stays off. */
	ck_assert_int_eq(ews_site_device_set_enabled(site, a, 0), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 1), EWS_OK);
	ck_assert_int_eq(dev_get(a).enabled, 0);
	ck_assert_int_eq(ews_site_device_set_enabled(site, a, 1), EWS_OK);
	ck_assert_int_eq(dev_get(a).enabled, 1);
	REFUSED(ews_site_device_set_enabled(site, 999, 1), EWS_ENOTFOUND,
	        "device");
}
END_TEST

START_TEST(device_added_to_an_off_gateway_is_off)
{
	int64_t gw = gw_add("GW", "10.0.0.2");
	ews_device d = dev_new(gw, "eastron_sdm630", 1);

	ck_assert_int_eq(ews_site_gateway_set_enabled(site, gw, 0), EWS_OK);
	dev_add(&d);
	ck_assert_int_eq(d.enabled, 0);
	ck_assert_int_eq(dev_get(d.id).enabled, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site-gateway");
	TCase *tc;

	tc = tcase("gateway");
	tcase_add_test(tc, gateway_add_sets_id_default_port_and_name_from_ip);
	tcase_add_test(tc, gateway_add_refuses_invalid_ip);
	tcase_add_test(tc, gateway_add_accepts_ipv6);
	tcase_add_test(tc, gateway_port_must_be_1_to_65535);
	tcase_add_test(tc, gateway_refuses_duplicate_name_ignoring_case);
	tcase_add_test(tc, gateway_add_refuses_a_second_local);
	tcase_add_test(tc, gateway_local_cannot_be_deleted);
	tcase_add_test(
	        tc,
	        gateway_local_keeps_its_address_but_can_be_renamed_and_switched_off);
	tcase_add_test(tc, gateway_kind_cannot_change);
	tcase_add_test(tc, gateway_with_devices_cannot_be_deleted);
	tcase_add_test(tc, gateway_unknown_id_is_not_found);
	tcase_add_test(tc, gateway_board_must_be_a_board);
	tcase_add_test(tc, gateway_eq_device_must_measure_thd_on_this_gateway);
	tcase_add_test(tc, gateway_eq_role_ends_when_device_leaves);
	tcase_add_test(tc, gateway_eq_device_keeps_thd_when_its_model_changes);
	tcase_add_test(
	        tc, gateway_off_turns_devices_off_and_on_restores_only_those);
	tcase_add_test(tc,
	               device_cannot_be_switched_on_while_its_gateway_is_off);
	tcase_add_test(tc, gateway_on_leaves_a_device_it_did_not_switch_off);
	tcase_add_test(tc, device_added_to_an_off_gateway_is_off);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
