#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/catalog.h>

#include "catalog-fixtures.h"
#include "helpers.h"

/*
 * Validation of one register and of the map, and decoding of register
 * words. Loading and model-level fields are tested in test-catalog.c.
 */

/* Load a model "r" whose only register is `reg`; return that register. */
static const ews_register *
load_register(const char *reg)
{
	static int serial;
	char map[4096], key[32];
	const ews_model *m;
	char *path;

	snprintf(map, sizeof(map), "[ %s ]", reg);
	snprintf(key, sizeof(key), "r%d", ++serial);
	path = write_model(dir, key, map, "");
	ck_assert_msg(ews_catalog_add_file(cat, path) == EWS_OK, "%s",
	              ews_error_last()->message);
	free(path);
	ck_assert_int_eq(ews_catalog_find(cat, key, &m), EWS_OK);
	ck_assert_uint_eq(m->register_count, 1);
	return ews_model_register(m, 0);
}

static double
decode(const ews_register *r, const uint16_t *w, size_t n)
{
	double v = NAN;

	ck_assert_msg(ews_register_decode(r, w, n, &v) == EWS_OK, "%s",
	              ews_error_last()->message);
	return v;
}

#define U32_REG(type, order)                                                   \
	"{ \"quantity\": \"active_power\", \"function\": 3, \"address\": 0, "  \
	"\"words\": 2, \"type\": \"" type "\", \"word_order\": \"" order       \
	"\", \"unit\": \"W\" }"
#define U64_REG(type, order)                                                   \
	"{ \"quantity\": \"active_energy_import\", \"function\": 3, "          \
	"\"address\": 0, \"words\": 4, \"type\": \"" type "\", "               \
	"\"word_order\": \"" order "\", \"unit\": \"Wh\" }"

/* ------------------------------------------------------------------ */
/* Validation of registers                                             */

START_TEST(catalog_refuses_unknown_register_field)
{
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                    "\"unit\": \"V\", \"scal\": 2"),
	                "scal");
	refuse_model("[ 5 ]", "", "map[0]");
}
END_TEST

START_TEST(catalog_refuses_unknown_quantity)
{
	refuse_register("{ \"quantity\": \"voltage\", \"function\": 4, "
	                "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                "\"unit\": \"V\" }",
	                "quantity");
}
END_TEST

START_TEST(catalog_refuses_function_outside_1_to_4)
{
	refuse_register("{ \"quantity\": \"voltage_ln_l1\", \"function\": 5, "
	                "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                "\"unit\": \"V\" }",
	                "function");
	refuse_register("{ \"quantity\": \"voltage_ln_l1\", \"function\": 0, "
	                "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                "\"unit\": \"V\" }",
	                "function");
}
END_TEST

START_TEST(catalog_refuses_address_outside_0_to_65535)
{
	refuse_register(REG("\"address\": 65536, \"words\": 1, "
	                    "\"type\": \"u16\", \"unit\": \"V\""),
	                "address");
	refuse_register(REG("\"address\": -1, \"words\": 1, "
	                    "\"type\": \"u16\", \"unit\": \"V\""),
	                "address");
	refuse_register(REG("\"address\": \"0x10000\", \"words\": 1, "
	                    "\"type\": \"u16\", \"unit\": \"V\""),
	                "address");
	refuse_register(REG("\"address\": 65535, \"words\": 2, "
	                    "\"type\": \"u32\", \"unit\": \"V\""),
	                "address");
}
END_TEST

START_TEST(catalog_accepts_hex_addresses)
{
	ck_assert_uint_eq(load_register(REG("\"address\": \"0x0048\", "
	                                    "\"words\": 1, \"type\": \"u16\", "
	                                    "\"unit\": \"V\""))
	                          ->address,
	                  72);
	ck_assert_uint_eq(load_register(REG("\"address\": \"0xFfFf\", "
	                                    "\"words\": 1, \"type\": \"u16\", "
	                                    "\"unit\": \"V\""))
	                          ->address,
	                  65535);
	ck_assert_uint_eq(load_register(REG("\"address\": 0, \"words\": 1, "
	                                    "\"type\": \"u16\", "
	                                    "\"unit\": \"V\""))
	                          ->address,
	                  0);
}
END_TEST

START_TEST(catalog_refuses_malformed_hex_addresses)
{
	static const char *const bad[] = { "\"0x\"",   "\"48\"",    "\"0X48\"",
		                           "\"0x4g\"", "\"0x48 \"", "1.5",
		                           "null" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char reg[512];

		snprintf(reg, sizeof(reg),
		         REG("\"address\": %s, \"words\": 1, "
		             "\"type\": \"u16\", \"unit\": \"V\""),
		         bad[i]);
		refuse_register(reg, "address");
	}
}
END_TEST

START_TEST(catalog_refuses_words_that_do_not_fit_type)
{
	refuse_register(REG("\"address\": 0, \"words\": 2, \"type\": \"u16\", "
	                    "\"unit\": \"V\""),
	                "words");
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"f32\", "
	                    "\"unit\": \"V\""),
	                "words");
	refuse_register(REG("\"address\": 0, \"words\": 2, \"type\": \"s64\", "
	                    "\"unit\": \"V\""),
	                "words");
	refuse_register(REG("\"address\": 0, \"words\": 4, "
	                    "\"type\": \"ascii_low\", \"unit\": \"V\", "
	                    "\"values\": { \"65\": 1 }"),
	                "words");
}
END_TEST

START_TEST(catalog_refuses_unknown_type_and_word_order)
{
	refuse_register(
	        REG("\"address\": 0, \"words\": 2, \"type\": \"float\", "
	            "\"unit\": \"V\""),
	        "type");
	refuse_register(REG("\"address\": 0, \"words\": 2, \"type\": \"f32\", "
	                    "\"word_order\": \"le\", \"unit\": \"V\""),
	                "word_order");
}
END_TEST

START_TEST(catalog_refuses_bits_read_as_registers_and_back)
{
	refuse_register("{ \"quantity\": \"state\", \"function\": 3, "
	                "\"address\": 0, \"words\": 1, \"type\": \"bit\", "
	                "\"unit\": \"\" }",
	                "type");
	refuse_register("{ \"quantity\": \"state\", \"function\": 2, "
	                "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                "\"unit\": \"\" }",
	                "type");
}
END_TEST

START_TEST(catalog_refuses_unit_that_does_not_suit_quantity)
{
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                    "\"unit\": \"kWh\""),
	                "unit");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "kWh"));
	ck_assert_ptr_nonnull(
	        strstr(ews_error_last()->message, "voltage_ln_l1"));
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"u16\""),
	                "unit");
}
END_TEST

START_TEST(catalog_refuses_zero_or_non_numeric_scale)
{
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                    "\"scale\": 0, \"unit\": \"V\""),
	                "scale");
	refuse_register(REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	                    "\"scale\": \"0.1\", \"unit\": \"V\""),
	                "scale");
}
END_TEST

START_TEST(catalog_requires_order_only_for_harmonics)
{
	const ews_register *r;

	refuse_register("{ \"quantity\": \"harmonic_voltage_l1\", "
	                "\"function\": 4, \"address\": 0, \"words\": 1, "
	                "\"type\": \"u16\", \"unit\": \"V\" }",
	                "order");
	refuse_register("{ \"quantity\": \"harmonic_voltage_l1\", "
	                "\"order\": 1, \"function\": 4, \"address\": 0, "
	                "\"words\": 1, \"type\": \"u16\", \"unit\": \"V\" }",
	                "order");
	refuse_register("{ \"quantity\": \"harmonic_current_l2\", "
	                "\"order\": 64, \"function\": 4, \"address\": 0, "
	                "\"words\": 1, \"type\": \"u16\", \"unit\": \"A\" }",
	                "order");
	refuse_register(REG("\"order\": 3, \"address\": 0, \"words\": 1, "
	                    "\"type\": \"u16\", \"unit\": \"V\""),
	                "order");
	r = load_register("{ \"quantity\": \"harmonic_current_l3\", "
	                  "\"order\": 5, \"function\": 4, \"address\": 0, "
	                  "\"words\": 1, \"type\": \"u16\", \"unit\": \"A\" }");
	ck_assert_uint_eq(r->order, 5);
}
END_TEST

START_TEST(catalog_refuses_bad_value_tables)
{
	static const struct {
		const char *quantity, *type, *values, *field;
	} cases[] = {
		{ "cp_state", "u16", "{ \"1\": \"G\" }", "values.1" },
		{ "cp_state", "u16", "{ \"1\": 1 }", "values.1" },
		{ "state", "u16", "{ \"0\": \"shut\" }", "values.0" },
		{ "setpoint_current", "u16", "{ \"0\": \"six\" }", "values.0" },
		{ "cp_state", "u16", "{ \"01\": \"A\" }", "values.01" },
		{ "cp_state", "u16", "{ \"x\": \"A\" }", "values.x" },
		{ "cp_state", "u16", "{ \"-0\": \"A\" }", "values.-0" },
		{ "cp_state", "u16", "{ \"65536\": \"A\" }", "values.65536" },
		{ "cp_state", "s16", "{ \"-32769\": \"A\" }", "values.-32769" },
		{ "cp_state", "u16", "{ \"1\": \"A\", \"1\": \"B\" }",
		  "values.1" },
		{ "cp_state", "u16", "{}", "values" },
		{ "cp_state", "u16", "[\"A\"]", "values" },
		{ "setpoint_current", "f32", "{ \"1\": 6 }", "values" },
	};
	refuse_register("{ \"quantity\": \"setpoint_current\", "
	                "\"function\": 3, \"address\": 0, \"words\": 1, "
	                "\"type\": \"u16\", \"scale\": 0.1, \"unit\": \"A\", "
	                "\"values\": { \"1\": 6 } }",
	                "scale");
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char reg[512];
		int f32 = strcmp(cases[i].type, "f32") == 0;

		snprintf(reg, sizeof(reg),
		         "{ \"quantity\": \"%s\", \"function\": 3, "
		         "\"address\": 0, \"words\": %d, \"type\": \"%s\", "
		         "\"unit\": \"%s\", \"values\": %s }",
		         cases[i].quantity, f32 ? 2 : 1, cases[i].type,
		         strcmp(cases[i].quantity, "setpoint_current") == 0
		                 ? "A"
		                 : "",
		         cases[i].values);
		refuse_register(reg, cases[i].field);
	}
	refuse_register(
	        "{ \"quantity\": \"cp_state\", \"function\": 3, "
	        "\"address\": 0, \"words\": 1, \"type\": \"ascii_low\", "
	        "\"unit\": \"\" }",
	        "values");
}
END_TEST

START_TEST(catalog_refuses_write_function_other_than_5_6_16)
{
	refuse_register(
	        "{ \"quantity\": \"setpoint_current\", \"function\": 3, "
	        "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	        "\"unit\": \"A\", \"write_function\": 3 }",
	        "write_function");
	refuse_register(
	        "{ \"quantity\": \"setpoint_current\", \"function\": 4, "
	        "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	        "\"unit\": \"A\", \"write_function\": 6 }",
	        "write_function");
	refuse_register(
	        "{ \"quantity\": \"setpoint_current\", \"function\": 3, "
	        "\"address\": 0, \"words\": 2, \"type\": \"u32\", "
	        "\"unit\": \"A\", \"write_function\": 6 }",
	        "write_function");
	ck_assert_uint_eq(
	        load_register("{ \"quantity\": \"charge_enable\", "
	                      "\"function\": 1, \"address\": 0, \"words\": 1, "
	                      "\"type\": \"bit\", \"unit\": \"\", "
	                      "\"write_function\": 5 }")
	                ->write_function,
	        5);
	ck_assert_uint_eq(
	        load_register("{ \"quantity\": \"setpoint_current\", "
	                      "\"function\": 3, \"address\": 0, \"words\": 2, "
	                      "\"type\": \"f32\", \"unit\": \"A\", "
	                      "\"write_function\": 16 }")
	                ->write_function,
	        16);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Decoding                                                            */

START_TEST(catalog_factor_is_scale_times_unit_factor)
{
	const ews_register *r = load_register(
	        "{ \"quantity\": \"active_energy_import\", \"function\": 3, "
	        "\"address\": 0, \"words\": 2, \"type\": \"u32\", "
	        "\"scale\": 0.01, \"unit\": \"kWh\" }");
	const uint16_t w[] = { 0x0000, 12345 };

	ck_assert_double_eq_tol(r->factor, 10.0, 1e-12);
	ck_assert_double_eq_tol(decode(r, w, 2), 123450.0, 1e-6);
}
END_TEST

START_TEST(decode_16_bit_types)
{
	const ews_register *u = load_register(REG_OK);
	const ews_register *s = load_register(
	        REG("\"address\": 0, \"words\": 1, \"type\": \"s16\", "
	            "\"scale\": 0.1, \"unit\": \"V\""));
	const uint16_t ffff[] = { 0xFFFF }, min[] = { 0x8000 };
	const uint16_t v2305[] = { 2305 };

	ck_assert_double_eq(decode(u, ffff, 1), 65535.0);
	ck_assert_double_eq_tol(decode(s, ffff, 1), -0.1, 1e-12);
	ck_assert_double_eq_tol(decode(s, min, 1), -3276.8, 1e-9);
	ck_assert_double_eq_tol(decode(s, v2305, 1), 230.5, 1e-9);
}
END_TEST

START_TEST(decode_32_bit_integers_in_both_word_orders)
{
	const ews_register *ube = load_register(U32_REG("u32", "be"));
	const ews_register *ulsw = load_register(U32_REG("u32", "lsw"));
	const ews_register *sbe = load_register(U32_REG("s32", "be"));
	const ews_register *slsw = load_register(U32_REG("s32", "lsw"));
	const uint16_t be[] = { 0x0001, 0x0002 }, lsw[] = { 0x0002, 0x0001 };
	const uint16_t minus1[] = { 0xFFFF, 0xFFFF };
	const uint16_t minus2_be[] = { 0xFFFF, 0xFFFE };
	const uint16_t minus2_lsw[] = { 0xFFFE, 0xFFFF };
	const uint16_t top[] = { 0xFFFF, 0xFFFE };

	ck_assert_double_eq(decode(ube, be, 2), 65538.0);
	ck_assert_double_eq(decode(ulsw, lsw, 2), 65538.0);
	ck_assert_double_eq(decode(ube, top, 2), 4294967294.0);
	ck_assert_double_eq(decode(slsw, minus1, 2), -1.0);
	ck_assert_double_eq(decode(sbe, minus2_be, 2), -2.0);
	ck_assert_double_eq(decode(slsw, minus2_lsw, 2), -2.0);
	ck_assert_double_eq(decode(slsw, be, 2), 131073.0);
}
END_TEST

START_TEST(decode_64_bit_integers_in_both_word_orders)
{
	const ews_register *ube = load_register(U64_REG("u64", "be"));
	const ews_register *ulsw = load_register(U64_REG("u64", "lsw"));
	const ews_register *sbe = load_register(U64_REG("s64", "be"));
	const ews_register *slsw = load_register(U64_REG("s64", "lsw"));
	const uint16_t be[] = { 0x0123, 0x4567, 0x89AB, 0xCDEF };
	const uint16_t lsw[] = { 0xCDEF, 0x89AB, 0x4567, 0x0123 };
	const uint16_t max[] = { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF };
	const uint16_t minus5_be[] = { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFB };
	const uint16_t minus5_lsw[] = { 0xFFFB, 0xFFFF, 0xFFFF, 0xFFFF };

	ck_assert_double_eq(decode(ube, be, 4), (double)0x0123456789ABCDEFull);
	ck_assert_double_eq(decode(ulsw, lsw, 4),
	                    (double)0x0123456789ABCDEFull);
	ck_assert_double_eq(decode(ube, max, 4), 18446744073709551615.0);
	ck_assert_double_eq(decode(sbe, minus5_be, 4), -5.0);
	ck_assert_double_eq(decode(slsw, minus5_lsw, 4), -5.0);
}
END_TEST

START_TEST(decode_floats_in_both_word_orders)
{
	const ews_register *be = load_register(U32_REG("f32", "be"));
	const ews_register *lsw = load_register(U32_REG("f32", "lsw"));
	const ews_register *d = load_register(U64_REG("f64", "be"));
	const ews_register *dl = load_register(U64_REG("f64", "lsw"));
	const uint16_t f_be[] = { 0x4366, 0x8000 },
	               f_lsw[] = { 0x8000, 0x4366 };
	const uint16_t d_be[] = { 0x406C, 0xD000, 0x0000, 0x0000 };
	const uint16_t d_lsw[] = { 0x0000, 0x0000, 0xD000, 0x406C };
	const uint16_t neg[] = { 0xC366, 0x8000 };

	ck_assert_double_eq(decode(be, f_be, 2), 230.5);
	ck_assert_double_eq(decode(lsw, f_lsw, 2), 230.5);
	ck_assert_double_eq(decode(be, neg, 2), -230.5);
	ck_assert_double_eq(decode(d, d_be, 4), 230.5);
	ck_assert_double_eq(decode(dl, d_lsw, 4), 230.5);
}
END_TEST

START_TEST(decode_refuses_nan_and_infinity)
{
	const ews_register *f = load_register(U32_REG("f32", "be"));
	const ews_register *d = load_register(U64_REG("f64", "be"));
	const uint16_t nan32[] = { 0x7FC0, 0x0000 }, inf32[] = { 0xFF80, 0 };
	const uint16_t nan64[] = { 0x7FF8, 0, 0, 0 };
	double v = 42;

	ck_assert_int_eq(ews_register_decode(f, nan32, 2, &v), EWS_EINVAL);
	ck_assert_int_eq(ews_register_decode(f, inf32, 2, &v), EWS_EINVAL);
	ck_assert_int_eq(ews_register_decode(d, nan64, 4, &v), EWS_EINVAL);
	ck_assert_double_eq(v, 42);
}
END_TEST

START_TEST(decode_refuses_too_few_words)
{
	const ews_register *f = load_register(U32_REG("f32", "be"));
	const uint16_t w[] = { 0x4366, 0x8000 };
	double v;

	ck_assert_int_eq(ews_register_decode(f, w, 1, &v), EWS_EINVAL);
	ck_assert_int_eq(ews_register_decode(f, w, 0, &v), EWS_EINVAL);
	ck_assert_int_eq(ews_register_decode(f, NULL, 2, &v), EWS_EINVAL);
	ck_assert_double_eq(decode(f, w, 2), 230.5);
}
END_TEST

START_TEST(decode_bits_as_0_or_1)
{
	const ews_register *r = load_register(
	        "{ \"quantity\": \"charge_enable\", \"function\": 2, "
	        "\"address\": 7, \"words\": 1, \"type\": \"bit\", "
	        "\"unit\": \"\" }");
	const uint16_t on[] = { 0x0100 }, off[] = { 0 };

	ck_assert_double_eq(decode(r, on, 1), 1.0);
	ck_assert_double_eq(decode(r, off, 1), 0.0);
}
END_TEST

START_TEST(decode_maps_cp_state_through_the_value_table)
{
	const ews_register *r = load_register(
	        "{ \"quantity\": \"cp_state\", \"function\": 3, "
	        "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	        "\"unit\": \"\", \"values\": { \"2\": \"A\", \"3\": \"B\", "
	        "\"4\": \"C\", \"5\": \"D\", \"6\": \"E\", \"7\": \"F\" } }");
	const uint16_t two[] = { 2 }, six[] = { 6 }, seven[] = { 7 };
	const uint16_t eight[] = { 8 };
	double v = 42;

	ck_assert_double_eq(decode(r, two, 1), EWS_CP_A);
	ck_assert_double_eq(decode(r, six, 1), EWS_CP_E);
	ck_assert_double_eq(decode(r, seven, 1), EWS_CP_F);
	ck_assert_int_eq(ews_register_decode(r, eight, 1, &v), EWS_EINVAL);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, " 8 "));
	ck_assert_double_eq(v, 42);
}
END_TEST

START_TEST(decode_maps_ascii_bytes_through_the_value_table)
{
	const ews_register *lo = load_register(
	        "{ \"quantity\": \"cp_state\", \"function\": 4, "
	        "\"address\": 0, \"words\": 1, \"type\": \"ascii_low\", "
	        "\"unit\": \"\", \"values\": { \"65\": \"A\", \"66\": \"B\", "
	        "\"67\": \"C\" } }");
	const ews_register *hi = load_register(
	        "{ \"quantity\": \"cp_state\", \"function\": 4, "
	        "\"address\": 0, \"words\": 1, \"type\": \"ascii_high\", "
	        "\"unit\": \"\", \"values\": { \"65\": \"A\", \"66\": \"B\", "
	        "\"67\": \"C\" } }");
	const uint16_t low_b[] = { 0x4342 }, high_c[] = { 0x4342 };

	ck_assert_double_eq(decode(lo, low_b, 1), EWS_CP_B);
	ck_assert_double_eq(decode(hi, high_c, 1), EWS_CP_C);
}
END_TEST

START_TEST(decode_maps_breaker_and_numeric_value_tables)
{
	const ews_register *st = load_register(
	        "{ \"quantity\": \"state\", \"function\": 3, \"address\": 0, "
	        "\"words\": 1, \"type\": \"s16\", \"unit\": \"\", "
	        "\"values\": { \"-1\": \"tripped\", \"0\": \"open\", "
	        "\"1\": \"closed\" } }");
	const ews_register *sp = load_register(
	        "{ \"quantity\": \"setpoint_current\", \"function\": 3, "
	        "\"address\": 0, \"words\": 1, \"type\": \"u16\", "
	        "\"unit\": \"A\", \"values\": { \"1\": 6, \"2\": 16.5 } }");
	const uint16_t minus1[] = { 0xFFFF }, zero[] = { 0 }, one[] = { 1 };
	const uint16_t two[] = { 2 };

	ck_assert_double_eq(decode(st, minus1, 1), EWS_BREAKER_TRIPPED);
	ck_assert_double_eq(decode(st, zero, 1), EWS_BREAKER_OPEN);
	ck_assert_double_eq(decode(st, one, 1), EWS_BREAKER_CLOSED);
	ck_assert_double_eq(decode(sp, one, 1), 6.0);
	ck_assert_double_eq(decode(sp, two, 1), 16.5);
}
END_TEST

START_TEST(decode_converts_m3_volumes_to_dm3)
{
	const ews_register *r = load_register(
	        "{ \"quantity\": \"volume\", \"function\": 3, \"address\": 0, "
	        "\"words\": 2, \"type\": \"u32\", \"scale\": 0.001, "
	        "\"unit\": \"m3\" }");
	const uint16_t w[] = { 0, 1500 };

	ck_assert_double_eq_tol(decode(r, w, 2), 1500.0, 1e-9);
}
END_TEST

/* A hand-built register, as a Generic Modbus meter's or a command's. */
static ews_register
reg_of(ews_reg_type type, unsigned int words, ews_word_order order,
       double factor)
{
	ews_register r;

	memset(&r, 0, sizeof(r));
	r.quantity = EWS_Q_SETPOINT_CURRENT;
	r.function = 3;
	r.words = words;
	r.type = type;
	r.word_order = order;
	r.scale = factor;
	r.unit = "A";
	r.factor = factor;
	return r;
}

START_TEST(encode_is_the_inverse_of_decode_for_every_type)
{
	static const struct {
		ews_reg_type type;
		unsigned int words;
		double value, factor;
	} cases[] = {
		{ EWS_REG_U16, 1, 16.5, 0.1 },
		{ EWS_REG_S16, 1, -12.3, 0.1 },
		{ EWS_REG_U32, 2, 123456.7, 0.1 },
		{ EWS_REG_S32, 2, -98765, 1 },
		{ EWS_REG_U64, 4, 1234567890123.0, 1 },
		{ EWS_REG_S64, 4, -1234567890123.0, 1 },
		{ EWS_REG_F32, 2, 230.5, 1 },
		{ EWS_REG_F64, 4, 0.1, 1 },
		{ EWS_REG_BIT, 1, 1, 1 },
	};
	uint16_t w[4];
	double back;
	size_t i;
	int o;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (o = 0; o < 2; o++) {
			ews_register r =
			        reg_of(cases[i].type, cases[i].words,
			               (ews_word_order)o, cases[i].factor);

			ck_assert_int_eq(
			        ews_register_encode(&r, cases[i].value, w, 4),
			        EWS_OK);
			ck_assert_int_eq(ews_register_decode(&r, w, 4, &back),
			                 EWS_OK);
			ck_assert_msg(fabs(back - cases[i].value) <=
			                      1e-9 * fabs(cases[i].value),
			              "case %zu order %d: %.17g -> %.17g", i, o,
			              cases[i].value, back);
		}
}
END_TEST

START_TEST(encode_refuses_what_the_register_cannot_hold)
{
	ews_register r = reg_of(EWS_REG_U16, 1, EWS_WORDS_BE, 0.1);
	uint16_t w[4] = { 7, 7, 7, 7 };

	ck_assert_int_eq(ews_register_encode(&r, 6553.6, w, 4), EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "value");
	ck_assert_int_eq(ews_register_encode(&r, -0.1, w, 4), EWS_EINVAL);
	ck_assert_int_eq(ews_register_encode(&r, NAN, w, 4), EWS_EINVAL);
	ck_assert_int_eq(ews_register_encode(&r, 1, w, 0), EWS_EINVAL);
	ck_assert_uint_eq(w[0], 7); /* nothing written on refusal */
	ck_assert_int_eq(ews_register_encode(&r, 6553.5, w, 4), EWS_OK);
	ck_assert_uint_eq(w[0], 65535);
}
END_TEST

START_TEST(encode_codes_through_the_value_table)
{
	static const ews_register_value table[] = { { 2, EWS_CP_A },
		                                    { 6, EWS_CP_C } };
	ews_register r = reg_of(EWS_REG_U16, 1, EWS_WORDS_BE, 1);
	uint16_t w[1];

	r.quantity = EWS_Q_CP_STATE;
	r.value_count = 2;
	r.values = table;
	ck_assert_int_eq(ews_register_encode(&r, EWS_CP_C, w, 1), EWS_OK);
	ck_assert_uint_eq(w[0], 6);
	ck_assert_int_eq(ews_register_encode(&r, EWS_CP_B, w, 1), EWS_EINVAL);
}
END_TEST

static void
add_register_tests(Suite *s)
{
	const TTest *const reg[] = {
		catalog_refuses_unknown_register_field,
		catalog_refuses_unknown_quantity,
		catalog_refuses_function_outside_1_to_4,
		catalog_refuses_address_outside_0_to_65535,
		catalog_accepts_hex_addresses,
		catalog_refuses_malformed_hex_addresses,
		catalog_refuses_words_that_do_not_fit_type,
		catalog_refuses_unknown_type_and_word_order,
		catalog_refuses_bits_read_as_registers_and_back,
		catalog_refuses_unit_that_does_not_suit_quantity,
		catalog_refuses_zero_or_non_numeric_scale,
		catalog_requires_order_only_for_harmonics,
		catalog_refuses_bad_value_tables,
		catalog_refuses_write_function_other_than_5_6_16,
	};
	const TTest *const dec[] = {
		catalog_factor_is_scale_times_unit_factor,
		decode_16_bit_types,
		decode_32_bit_integers_in_both_word_orders,
		decode_64_bit_integers_in_both_word_orders,
		decode_floats_in_both_word_orders,
		decode_refuses_nan_and_infinity,
		decode_refuses_too_few_words,
		decode_bits_as_0_or_1,
		decode_maps_cp_state_through_the_value_table,
		decode_maps_ascii_bytes_through_the_value_table,
		decode_maps_breaker_and_numeric_value_tables,
		decode_converts_m3_volumes_to_dm3,
		encode_is_the_inverse_of_decode_for_every_type,
		encode_refuses_what_the_register_cannot_hold,
		encode_codes_through_the_value_table,
	};

	ADD_TCASE(s, "register", reg);
	ADD_TCASE(s, "decode", dec);
}

int
main(void)
{
	Suite *s = suite_create("catalog-register");

	add_register_tests(s);
	return helper_run(s);
}
