/*
 * A site's settings (SYS-1, ACQ-1, ACQ-2, TAR-1, HIS-2):
 * libews/site-settings.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"
#include "site-fixtures.h"

/* ------------------------------------------------------------------ */
/* Settings                                                            */

static const char *const setting_names[] = { "site_name",
	                                     "timezone",
	                                     "sample_rate_min",
	                                     "currency",
	                                     "gas_factor_kwh_per_m3",
	                                     "csv_decimal",
	                                     "csv_separator",
	                                     "language",
	                                     "rs485_port",
	                                     "rs485_baud",
	                                     "rs485_parity",
	                                     "rs485_stop_bits",
	                                     "rs485_timeout_ms" };

START_TEST(setting_names_are_a_fixed_list)
{
	size_t i, n = sizeof(setting_names) / sizeof(setting_names[0]);

	ck_assert_uint_eq(ews_setting_count(), n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(ews_setting_name(i), setting_names[i]);
	ck_assert_ptr_null(ews_setting_name(n));
}
END_TEST

START_TEST(setting_defaults_of_a_new_site)
{
	static const char *const defaults[] = {
		"ews",   "UTC",       "10", "EUR",          "",
		"comma", "semicolon", "en", "/dev/ttyUSB0", "19200",
		"even",  "1",         "300"
	};
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		assert_setting(setting_names[i], defaults[i]);
}
END_TEST

/* Each case is "name=value|value|…": call fn with every value. */
static void
for_each_value(const char *const *cases, size_t n,
               void (*fn)(const char *name, const char *value))
{
	char buf[256], *value, *bar;
	size_t i;

	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i]);
		value = strchr(buf, '=');
		ck_assert_ptr_nonnull(value);
		*value++ = '\0';
		for (;;) {
			if ((bar = strchr(value, '|')))
				*bar = '\0';
			fn(buf, value);
			if (!bar)
				break;
			value = bar + 1;
		}
	}
}

static void
accept_value(const char *name, const char *value)
{
	ck_assert_msg(ews_site_setting_set(site, name, value) == EWS_OK,
	              "%s='%s': %s", name, value, ews_error_last()->message);
	assert_setting(name, value);
}

static void
refuse_value(const char *name, const char *value)
{
	size_t len;
	char *before = snapshot(&len);

	ck_assert_msg(ews_site_setting_set(site, name, value) == EWS_EINVAL,
	              "%s='%s' was not refused", name, value);
	assert_error(EWS_EINVAL, name);
	assert_unchanged(before, len);
}

START_TEST(setting_accepts_its_valid_values)
{
	static const char *const good[] = {
		"site_name=Usine Été 2|ews",
		"timezone=Europe/Rome|America/Argentina/Buenos_Aires|Etc/GMT+5|"
		"UTC",
		"sample_rate_min=1|5|15|30|60|10",
		"currency=USD|CHF|EUR",
		"gas_factor_kwh_per_m3=10.55|0.001|100|",
		"csv_decimal=point",
		"csv_separator=comma|semicolon",
		"csv_decimal=comma",
		"language=fr-BE|nl-BE|el|ru|de|en",
		"rs485_port=/dev/ttyS0|/dev/serial/by-id/"
		"usb-FTDI_A1-if00-port0",
		"rs485_baud=1200|115200|19200",
		"rs485_parity=odd|none|even",
		"rs485_stop_bits=2|1",
		"rs485_timeout_ms=50|10000|300"
	};

	for_each_value(good, sizeof(good) / sizeof(good[0]), accept_value);
}
END_TEST

START_TEST(setting_refuses_bad_values_naming_the_setting)
{
	static const char *const bad[] = {
		"site_name=| padded|bell\x07",
		"timezone=Mars/Base|../../etc/passwd|/usr/share/zoneinfo/UTC|"
		"Europe|",
		"sample_rate_min=7|0|10 |",
		"currency=EURO|XXX|eur|",
		"gas_factor_kwh_per_m3=abc|-1|0|100.5|nan|10,5",
		"csv_decimal=dot",
		"csv_separator=tab",
		"language=xx|EN|fr_BE",
		"rs485_port=/etc/passwd|/dev/../etc|ttyUSB0|",
		"rs485_baud=19201|",
		"rs485_parity=mark",
		"rs485_stop_bits=1.5",
		"rs485_timeout_ms=10|10001|-300| 300|abc"
	};

	for_each_value(bad, sizeof(bad) / sizeof(bad[0]), refuse_value);
}
END_TEST

/* A decimal number is digits with an optional point; what strtod also
 * takes (leading blanks, hexadecimal) is not what a user typed. */
START_TEST(setting_gas_factor_refuses_non_decimal_forms)
{
	static const char *const bad[] = { " 10", "\t10", "0x10", "0x1p3" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ews_site_setting_set(site,
		                                   "gas_factor_kwh_per_m3",
		                                   bad[i]) == EWS_EINVAL,
		              "gas factor '%s' was accepted", bad[i]);
		assert_error(EWS_EINVAL, "gas_factor_kwh_per_m3");
	}
	assert_setting("gas_factor_kwh_per_m3", "");
}
END_TEST

START_TEST(setting_csv_comma_cannot_be_separator_and_decimal)
{
	REFUSED(ews_site_setting_set(site, "csv_separator", "comma"),
	        EWS_EINVAL, "csv_separator");
	ck_assert_int_eq(ews_site_setting_set(site, "csv_decimal", "point"),
	                 EWS_OK);
	ck_assert_int_eq(ews_site_setting_set(site, "csv_separator", "comma"),
	                 EWS_OK);
	REFUSED(ews_site_setting_set(site, "csv_decimal", "comma"), EWS_EINVAL,
	        "csv_decimal");
	assert_setting("csv_decimal", "point");
	assert_setting("csv_separator", "comma");
}
END_TEST

START_TEST(setting_unknown_name_is_not_found)
{
	char *value = (char *)&value;

	REFUSED(ews_site_setting_set(site, "colour", "blue"), EWS_ENOTFOUND,
	        "setting");
	REFUSED(ews_site_setting_get(site, "colour", &value), EWS_ENOTFOUND,
	        "setting");
	ck_assert_ptr_null(value);
	REFUSED(ews_site_setting_set(site, "Currency", "USD"), EWS_ENOTFOUND,
	        "setting");
	REFUSED(ews_site_setting_set(site, NULL, "USD"), EWS_ENOTFOUND,
	        "setting");
	REFUSED(ews_site_setting_set(site, "currency", NULL), EWS_EINVAL,
	        "currency");
}
END_TEST

START_TEST(setting_value_persists_across_reopen)
{
	ck_assert_int_eq(ews_site_setting_set(site, "sample_rate_min", "15"),
	                 EWS_OK);
	ck_assert_int_eq(ews_site_setting_set(site, "timezone", "Asia/Tokyo"),
	                 EWS_OK);
	ck_assert_int_eq(
	        ews_site_setting_set(site, "gas_factor_kwh_per_m3", "11.2"),
	        EWS_OK);
	reopen();
	assert_setting("sample_rate_min", "15");
	assert_setting("timezone", "Asia/Tokyo");
	assert_setting("gas_factor_kwh_per_m3", "11.2");
	assert_setting("currency", "EUR");
}
END_TEST

START_TEST(setting_refused_value_leaves_the_stored_one)
{
	ck_assert_int_eq(ews_site_setting_set(site, "currency", "USD"), EWS_OK);
	REFUSED(ews_site_setting_set(site, "currency", "XXX"), EWS_EINVAL,
	        "currency");
	assert_setting("currency", "USD");
	ck_assert_int_eq(ews_site_setting_set(site, "rs485_timeout_ms", "500"),
	                 EWS_OK);
	REFUSED(ews_site_setting_set(site, "rs485_timeout_ms", "10"),
	        EWS_EINVAL, "rs485_timeout_ms");
	reopen();
	assert_setting("currency", "USD");
	assert_setting("rs485_timeout_ms", "500");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("settings");
	TCase *tc;

	tc = tcase("settings");
	tcase_add_test(tc, setting_names_are_a_fixed_list);
	tcase_add_test(tc, setting_defaults_of_a_new_site);
	tcase_add_test(tc, setting_accepts_its_valid_values);
	tcase_add_test(tc, setting_refuses_bad_values_naming_the_setting);
	tcase_add_test(tc, setting_gas_factor_refuses_non_decimal_forms);
	tcase_add_test(tc, setting_csv_comma_cannot_be_separator_and_decimal);
	tcase_add_test(tc, setting_unknown_name_is_not_found);
	tcase_add_test(tc, setting_value_persists_across_reopen);
	tcase_add_test(tc, setting_refused_value_leaves_the_stored_one);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
