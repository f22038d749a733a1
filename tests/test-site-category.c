/*
 * Loads, measure groups and panel boards (INS-6, INS-7, INS-8):
 * libews/site-category.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_IN_LOAD
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Loads, measure groups, panel boards                                 */

START_TEST(category_user_loads_stop_at_eight)
{
	ews_category c = cat_new(EWS_CATEGORY_LOAD, "One too many");
	char name[16];
	int i;

	for (i = 0; i < EWS_USER_LOADS_MAX; i++) {
		snprintf(name, sizeof(name), "User load %d", i + 1);
		cat_add(EWS_CATEGORY_LOAD, name);
	}
	REFUSED(ews_site_category_add(site, &c), EWS_ELIMIT, "load");
	cat_add(EWS_CATEGORY_GROUP, "Groups are not loads");
	ck_assert_int_eq(
	        ews_site_category_delete(site, load_of(EWS_ORIGIN_USER)),
	        EWS_OK);
	ck_assert_int_eq(ews_site_category_add(site, &c), EWS_OK);
}
END_TEST

START_TEST(category_names_are_unique_within_a_kind)
{
	int64_t g = cat_add(EWS_CATEGORY_GROUP, "Floor 1");
	ews_category c = cat_new(EWS_CATEGORY_GROUP, "FLOOR 1");

	cat_add(EWS_CATEGORY_BOARD, "Floor 1"); /* another kind: allowed */
	REFUSED(ews_site_category_add(site, &c), EWS_EEXIST, "name");
	c = cat_new(EWS_CATEGORY_LOAD, "heating");
	REFUSED(ews_site_category_add(site, &c), EWS_EEXIST, "name");
	c = cat_get(cat_add(EWS_CATEGORY_GROUP, "Floor 2"));
	snprintf(c.name, sizeof(c.name), "floor 1");
	REFUSED(ews_site_category_update(site, &c), EWS_EEXIST, "name");
	c = cat_get(g);
	snprintf(c.name, sizeof(c.name), "FLOOR 1"); /* its own name */
	ck_assert_int_eq(ews_site_category_update(site, &c), EWS_OK);
	ck_assert_str_eq(cat_get(g).name, "FLOOR 1");
}
END_TEST

START_TEST(predefined_load_can_only_be_disabled)
{
	int64_t heating = load_of(EWS_ORIGIN_PREDEFINED);
	ews_category c = cat_get(heating);

	snprintf(c.name, sizeof(c.name), "Chauffage");
	REFUSED(ews_site_category_update(site, &c), EWS_EDENIED, "name");
	REFUSED(ews_site_category_delete(site, heating), EWS_EDENIED, "load");
	ck_assert_int_eq(ews_site_category_set_enabled(site, heating, 0),
	                 EWS_OK);
	ck_assert_int_eq(cat_get(heating).enabled, 0);
	c = cat_get(heating);
	c.enabled = 1;
	snprintf(c.description, sizeof(c.description), "Boiler room");
	ck_assert_int_eq(ews_site_category_update(site, &c), EWS_OK);
	c = cat_get(heating);
	ck_assert_int_eq(c.enabled, 1);
	ck_assert_str_eq(c.description, "Boiler room");
	ck_assert_int_eq(c.origin, EWS_ORIGIN_PREDEFINED);
}
END_TEST

START_TEST(others_gas_and_water_loads_are_always_enabled)
{
	static const ews_category_origin builtin[] = { EWS_ORIGIN_OTHERS,
		                                       EWS_ORIGIN_GAS,
		                                       EWS_ORIGIN_WATER };
	size_t i;

	for (i = 0; i < 3; i++) {
		int64_t id = load_of(builtin[i]);
		ews_category c = cat_get(id);

		REFUSED(ews_site_category_set_enabled(site, id, 0), EWS_EDENIED,
		        "load");
		c.enabled = 0;
		REFUSED(ews_site_category_update(site, &c), EWS_EDENIED,
		        "enabled");
		c = cat_get(id);
		snprintf(c.name, sizeof(c.name), "Renamed");
		REFUSED(ews_site_category_update(site, &c), EWS_EDENIED,
		        "name");
		REFUSED(ews_site_category_delete(site, id), EWS_EDENIED,
		        "load");
	}
}
END_TEST

START_TEST(deleting_a_user_load_moves_its_devices_to_others)
{
	int64_t load = cat_add(EWS_CATEGORY_LOAD, "Kitchen");
	int64_t dev = meter_add(5, load, 0);
	ews_category c;

	ck_assert_int_eq(dev_get(dev).load_id, load);
	ck_assert_int_eq(ews_site_category_set_enabled(site, load, 0), EWS_OK);
	ck_assert_int_eq(ews_site_category_delete(site, load), EWS_OK);
	ck_assert_int_eq(dev_get(dev).load_id, 0);
	REFUSED(ews_site_category_get(site, load, &c), EWS_ENOTFOUND, "id");
}
END_TEST

START_TEST(deleting_a_group_removes_it_from_devices)
{
	int64_t g1 = cat_add(EWS_CATEGORY_GROUP, "G1");
	int64_t g2 = cat_add(EWS_CATEGORY_GROUP, "G2");
	int64_t g3 = cat_add(EWS_CATEGORY_GROUP, "G3");
	ews_device d = dev_get(meter_add(5, 0, g1));

	d.group_count = 3;
	d.group_ids[1] = g2;
	d.group_ids[2] = g3;
	ck_assert_int_eq(ews_site_device_update(site, &d), EWS_OK);
	ck_assert_int_eq(ews_site_category_delete(site, g2), EWS_OK);
	d = dev_get(d.id);
	ck_assert_uint_eq(d.group_count, 2);
	ck_assert_int_eq(d.group_ids[0], g1);
	ck_assert_int_eq(d.group_ids[1], g3);
}
END_TEST

START_TEST(deleting_a_board_clears_it_from_gateways)
{
	int64_t board = cat_add(EWS_CATEGORY_BOARD, "Main board");
	ews_gateway gw;

	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	snprintf(gw.ip, sizeof(gw.ip), "10.0.0.2");
	gw.board_id = board;
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	ck_assert_int_eq(ews_site_category_delete(site, board), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_get(site, gw.id, &gw), EWS_OK);
	ck_assert_int_eq(gw.board_id, 0);
}
END_TEST

START_TEST(category_ids_are_never_reused)
{
	int64_t a = cat_add(EWS_CATEGORY_GROUP, "A");
	int64_t b = cat_add(EWS_CATEGORY_BOARD, "B");

	ck_assert_int_eq(ews_site_category_delete(site, b), EWS_OK);
	ck_assert_int_eq(ews_site_category_delete(site, a), EWS_OK);
	reopen();
	ck_assert_int_gt(cat_add(EWS_CATEGORY_GROUP, "A"), b);
}
END_TEST

START_TEST(category_kind_cannot_change)
{
	ews_category c = cat_get(cat_add(EWS_CATEGORY_GROUP, "G"));
	ews_list *list = (ews_list *)&c;

	c.kind = EWS_CATEGORY_BOARD;
	REFUSED(ews_site_category_update(site, &c), EWS_EINVAL, "kind");
	c.kind = (ews_category_kind)0;
	REFUSED(ews_site_category_add(site, &c), EWS_EINVAL, "kind");
	ck_assert_int_eq(ews_category_init(&c, EWS_CATEGORY_VERSION,
	                                   (ews_category_kind)4),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "kind");
	ck_assert_int_eq(
	        ews_site_category_list(site, (ews_category_kind)9, &list),
	        EWS_EINVAL);
	ck_assert_ptr_null(list);
	ck_assert_int_eq(ews_category_init(&c, 2, EWS_CATEGORY_GROUP),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "version");
}
END_TEST

START_TEST(category_unknown_id_is_not_found)
{
	ews_category c = cat_new(EWS_CATEGORY_GROUP, "Ghost");

	c.id = 999;
	REFUSED(ews_site_category_get(site, 999, &c), EWS_ENOTFOUND, "id");
	REFUSED(ews_site_category_update(site, &c), EWS_ENOTFOUND, "id");
	REFUSED(ews_site_category_delete(site, 999), EWS_ENOTFOUND, "id");
	REFUSED(ews_site_category_set_enabled(site, 999, 1), EWS_ENOTFOUND,
	        "id");
}
END_TEST

START_TEST(category_name_is_required_and_at_most_63_bytes)
{
	ews_category c = cat_new(EWS_CATEGORY_BOARD, "");

	REFUSED(ews_site_category_add(site, &c), EWS_EINVAL, "name");
	memset(c.name, 'a', EWS_NAME_MAX - 1);
	ck_assert_int_eq(ews_site_category_add(site, &c), EWS_OK);
	ck_assert_uint_eq(strlen(cat_get(c.id).name), EWS_NAME_MAX - 1);
	c = cat_new(EWS_CATEGORY_BOARD, "Trailing ");
	REFUSED(ews_site_category_add(site, &c), EWS_EINVAL, "name");
	c = cat_new(EWS_CATEGORY_BOARD, "Long text");
	memset(c.description, 'd', EWS_TEXT_MAX - 1);
	ck_assert_int_eq(ews_site_category_add(site, &c), EWS_OK);
}
END_TEST

/* A name filling all 64 bytes has no room for its NUL: the refusal is
 * about the name and must say so. */
START_TEST(category_name_of_64_bytes_is_refused_naming_the_field)
{
	ews_category c = cat_new(EWS_CATEGORY_GROUP, "");

	memset(c.name, 'a', sizeof(c.name));
	REFUSED(ews_site_category_add(site, &c), EWS_EINVAL, "name");
}
END_TEST

START_TEST(category_name_refuses_control_characters_and_bad_utf8)
{
	static const char *const bad[] = {
		"tab\there", "new\nline", "bell\x07",
		"del\x7f",   "\xff",      "cut\xc3",
		"\xc0\xaf",  "\x80",      "\xf8\x88\x80\x80\x80"
	};
	static const char *const good[] = { "Étage 2", "配電盤", "Zone ⚡",
		                            "Ω \xf0\x9f\x98\x80" };
	ews_category c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cat_new(EWS_CATEGORY_GROUP, bad[i]);
		REFUSED(ews_site_category_add(site, &c), EWS_EINVAL, "name");
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		c = cat_new(EWS_CATEGORY_GROUP, good[i]);
		ck_assert_int_eq(ews_site_category_add(site, &c), EWS_OK);
		ck_assert_str_eq(cat_get(c.id).name, good[i]);
	}
}
END_TEST

/* RFC 3629: overlong forms, UTF-16 surrogates and code points above
 * U+10FFFF are not UTF-8 either. */
START_TEST(category_name_refuses_overlong_surrogate_and_out_of_range_utf8)
{
	static const char *const bad[] = {
		"x\xe0\x80\xaf",     /* overlong '/' in 3 bytes */
		"x\xed\xa0\x80",     /* U+D800 */
		"x\xf0\x80\x80\xaf", /* overlong '/' in 4 bytes */
		"x\xf4\x90\x80\x80", /* U+110000 */
	};
	char accepted[64] = "";
	ews_category c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = cat_new(EWS_CATEGORY_GROUP, bad[i]);
		if (ews_site_category_add(site, &c) == EWS_OK)
			snprintf(accepted + strlen(accepted),
			         sizeof(accepted) - strlen(accepted), " #%zu",
			         i);
		else
			assert_error(EWS_EINVAL, "name");
	}
	ck_assert_msg(accepted[0] == '\0', "accepted malformed UTF-8:%s",
	              accepted);
}
END_TEST

START_TEST(category_value_names_are_stable)
{
	ck_assert_str_eq(ews_category_kind_name(EWS_CATEGORY_LOAD), "load");
	ck_assert_str_eq(ews_category_kind_name(EWS_CATEGORY_BOARD), "board");
	ck_assert_ptr_null(ews_category_kind_name((ews_category_kind)0));
	ck_assert_str_eq(ews_category_origin_name(EWS_ORIGIN_PREDEFINED),
	                 "predefined");
	ck_assert_str_eq(ews_category_origin_name(EWS_ORIGIN_WATER), "water");
	ck_assert_ptr_null(ews_category_origin_name((ews_category_origin)6));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site-category");
	TCase *tc;

	tc = tcase("category");
	tcase_add_test(tc, category_user_loads_stop_at_eight);
	tcase_add_test(tc, category_names_are_unique_within_a_kind);
	tcase_add_test(tc, predefined_load_can_only_be_disabled);
	tcase_add_test(tc, others_gas_and_water_loads_are_always_enabled);
	tcase_add_test(tc, deleting_a_user_load_moves_its_devices_to_others);
	tcase_add_test(tc, deleting_a_group_removes_it_from_devices);
	tcase_add_test(tc, deleting_a_board_clears_it_from_gateways);
	tcase_add_test(tc, category_ids_are_never_reused);
	tcase_add_test(tc, category_kind_cannot_change);
	tcase_add_test(tc, category_unknown_id_is_not_found);
	tcase_add_test(tc, category_name_is_required_and_at_most_63_bytes);
	tcase_add_test(tc,
	               category_name_of_64_bytes_is_refused_naming_the_field);
	tcase_add_test(tc,
	               category_name_refuses_control_characters_and_bad_utf8);
	tcase_add_test(
	        tc,
	        category_name_refuses_overlong_surrogate_and_out_of_range_utf8);
	tcase_add_test(tc, category_value_names_are_stable);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
