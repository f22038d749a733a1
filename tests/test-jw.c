/*
 * The frontends' JSON writer (frontends/common/jw.h): the same calls
 * through the file backend and the yajl_gen backend give documents that
 * parse to the same values, with exact decimals written as given and
 * invalid UTF-8 replaced by U+FFFD on both.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "jw.h"
#include "shapes.h"

/* Quotes, backslash, control characters, non-ASCII UTF-8, a byte that is
 * never UTF-8 and a sequence cut short at the end. */
static const char weird[] = "q\"b\\s/c\x01\x1f\n\t\r\x7f "
                            "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
                            "\xFF end \xE2\x82";
/* The same, as it must parse: U+FFFD for each invalid byte. */
static const char weird_parsed[] = "q\"b\\s/c\x01\x1f\n\t\r\x7f "
                                   "\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
                                   "\xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD";

typedef void write_fn(struct jw *j);

/* Every kind of value, nested. */
static void
write_all(struct jw *j)
{
	ews_gateway gw;

	jw_object_begin(j);
	jw_field_int(j, "int", 42);
	jw_field_int(j, "int64_min", INT64_MIN);
	jw_field_int(j, "int64_max", INT64_MAX);
	jw_field_money(j, "money", 123456789);
	jw_field_money(j, "money_neg", -1500000);
	jw_field_milli(j, "milli_neg", -1500);
	jw_field_milli(j, "milli", 123456);
	jw_field_milli(j, "milli_whole", 5000);
	jw_field_double(j, "d_0_1", 0.1);
	jw_field_double(j, "d_1e-7", 1e-7);
	jw_field_double(j, "d_230_5", 230.5);
	jw_field_double(j, "d_50", 50);
	jw_field_double(j, "d_nan", NAN);
	jw_field_bool(j, "yes", 1);
	jw_field_bool(j, "no", 0);
	jw_key(j, "nothing");
	jw_null(j);
	jw_field_ref(j, "ref0", 0);
	jw_field_ref(j, "ref", 7);
	jw_field_str(j, "null_str", NULL);
	jw_field_str(j, "weird", weird);
	jw_field_str(j, weird, "key");
	jw_key(j, "flat");
	jw_array_begin(j, 1);
	jw_int(j, 1);
	jw_double(j, 2.5);
	jw_str(j, "three");
	jw_bool(j, 0);
	jw_null(j);
	jw_array_end(j);
	jw_key(j, "empty_obj");
	jw_object_begin(j);
	jw_object_end(j);
	jw_key(j, "empty_arr");
	jw_array_begin(j, 0);
	jw_array_end(j);
	jw_key(j, "nested");
	jw_array_begin(j, 0);
	jw_object_begin(j);
	jw_key(j, "inner");
	jw_array_begin(j, 0);
	jw_array_begin(j, 1);
	jw_milli(j, 1);
	jw_money(j, -1);
	jw_array_end(j);
	jw_object_begin(j);
	jw_field_str(j, "deep", "er");
	jw_object_end(j);
	jw_array_end(j);
	jw_object_end(j);
	jw_number_text(j, "-3");
	jw_array_end(j);
	/* A shape, with a name that is not UTF-8. */
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	gw.id = 3;
	snprintf(gw.name, sizeof(gw.name), "gw\xFE");
	snprintf(gw.ip, sizeof(gw.ip), "192.0.2.1");
	jw_key(j, "gateway");
	shape_gateway(j, &gw);
	jw_object_end(j);
}

/* The file backend's text; owned (free). */
static char *
render_file(write_fn *fn, int compact)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct jw j;

	ck_assert_ptr_nonnull(f);
	jw_init_file(&j, f);
	j.compact = compact;
	fn(&j);
	jw_finish(&j);
	ck_assert_int_eq(j.error, 0);
	fclose(f);
	return text;
}

/* The yajl backend's text; owned (free). */
static char *
render_yajl(write_fn *fn, int validate_utf8)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	struct jw j;
	char *text;

	ck_assert_ptr_nonnull(g);
	if (validate_utf8)
		yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	jw_init_yajl(&j, g);
	fn(&j);
	jw_finish(&j);
	ck_assert_msg(j.error == 0, "yajl_gen failed: %d", j.error);
	ck_assert_int_eq(yajl_gen_get_buf(g, &buf, &len), yajl_gen_status_ok);
	text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, buf, len);
	text[len] = '\0';
	yajl_gen_free(g);
	return text;
}

static yajl_val
parse(const char *text)
{
	char err[256] = "";
	yajl_val v = yajl_tree_parse(text, err, sizeof(err));

	ck_assert_msg(v != NULL, "does not parse: %s\n%s", err, text);
	return v;
}

/* a and b are the same value: numbers by their text. */
static void
assert_same(yajl_val a, yajl_val b, const char *path)
{
	size_t i;

	ck_assert_msg(a->type == b->type, "%s: type %d != %d", path, a->type,
	              b->type);
	switch (a->type) {
	case yajl_t_string:
		ck_assert_msg(strcmp(a->u.string, b->u.string) == 0,
		              "%s: '%s' != '%s'", path, a->u.string,
		              b->u.string);
		break;
	case yajl_t_number:
		ck_assert_msg(strcmp(a->u.number.r, b->u.number.r) == 0,
		              "%s: %s != %s", path, a->u.number.r,
		              b->u.number.r);
		break;
	case yajl_t_object:
		ck_assert_uint_eq(a->u.object.len, b->u.object.len);
		for (i = 0; i < a->u.object.len; i++) {
			ck_assert_str_eq(a->u.object.keys[i],
			                 b->u.object.keys[i]);
			assert_same(a->u.object.values[i],
			            b->u.object.values[i], a->u.object.keys[i]);
		}
		break;
	case yajl_t_array:
		ck_assert_uint_eq(a->u.array.len, b->u.array.len);
		for (i = 0; i < a->u.array.len; i++)
			assert_same(a->u.array.values[i], b->u.array.values[i],
			            path);
		break;
	default:
		break;
	}
}

static yajl_val
get(yajl_val root, const char *key, yajl_type type)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, type);

	ck_assert_msg(v != NULL, "no %s of type %d", key, type);
	return v;
}

static void
assert_number(yajl_val root, const char *key, const char *text)
{
	ck_assert_str_eq(YAJL_GET_NUMBER(get(root, key, yajl_t_number)), text);
}

START_TEST(jw_backends_write_the_same_values)
{
	char *file = render_file(write_all, 0);
	char *compact = render_file(write_all, 1);
	char *yajl = render_yajl(write_all, 0);
	char *checked = render_yajl(write_all, 1);
	yajl_val vf = parse(file), vc = parse(compact), vy = parse(yajl),
	         vk = parse(checked);

	assert_same(vf, vy, "file/yajl");
	assert_same(vf, vc, "file/compact");
	assert_same(vf, vk, "file/yajl validating");
	/* One line: the newline of jw_finish() only. */
	ck_assert_ptr_eq(strchr(compact, '\n'), compact + strlen(compact) - 1);
	yajl_tree_free(vf);
	yajl_tree_free(vc);
	yajl_tree_free(vy);
	yajl_tree_free(vk);
	free(file);
	free(compact);
	free(yajl);
	free(checked);
}
END_TEST

START_TEST(jw_exact_decimals_and_doubles)
{
	char *texts[2] = { render_file(write_all, 0),
		           render_yajl(write_all, 0) };

	for (int k = 0; k < 2; k++) {
		yajl_val v = parse(texts[k]);

		assert_number(v, "int", "42");
		assert_number(v, "int64_min", "-9223372036854775808");
		assert_number(v, "int64_max", "9223372036854775807");
		assert_number(v, "money", "123.456789");
		assert_number(v, "money_neg", "-1.5");
		assert_number(v, "milli_neg", "-1.5");
		assert_number(v, "milli", "123.456");
		assert_number(v, "milli_whole", "5");
		assert_number(v, "d_0_1", "0.1");
		assert_number(v, "d_1e-7", "1e-07");
		assert_number(v, "d_230_5", "230.5");
		assert_number(v, "d_50", "50");
		get(v, "d_nan", yajl_t_null);
		get(v, "yes", yajl_t_true);
		get(v, "no", yajl_t_false);
		get(v, "nothing", yajl_t_null);
		get(v, "ref0", yajl_t_null);
		assert_number(v, "ref", "7");
		get(v, "null_str", yajl_t_null);
		yajl_tree_free(v);
		free(texts[k]);
	}
}
END_TEST

START_TEST(jw_invalid_utf8_is_replaced_on_both_backends)
{
	char *texts[3] = { render_file(write_all, 0), render_yajl(write_all, 0),
		           render_yajl(write_all, 1) };

	for (int k = 0; k < 3; k++) {
		yajl_val v = parse(texts[k]), gw;
		const char *name_path[] = { "gateway", "name", NULL };

		ck_assert_str_eq(
		        YAJL_GET_STRING(get(v, "weird", yajl_t_string)),
		        weird_parsed);
		ck_assert_str_eq(
		        YAJL_GET_STRING(get(v, weird_parsed, yajl_t_string)),
		        "key");
		gw = yajl_tree_get(v, name_path, yajl_t_string);
		ck_assert_ptr_nonnull(gw);
		ck_assert_str_eq(YAJL_GET_STRING(gw), "gw\xEF\xBF\xBD");
		yajl_tree_free(v);
		free(texts[k]);
	}
}
END_TEST

/* A string longer than the stack buffer of the yajl backend. */
static void
write_long(struct jw *j)
{
	char s[1001];

	for (size_t i = 0; i < 1000; i++)
		s[i] = i % 3 == 0 ? '\x80' : 'a';
	s[1000] = '\0';
	jw_array_begin(j, 0);
	jw_str(j, s);
	jw_array_end(j);
}

START_TEST(jw_long_invalid_string)
{
	char *file = render_file(write_long, 0),
	     *yajl = render_yajl(write_long, 1);
	yajl_val vf = parse(file), vy = parse(yajl);

	assert_same(vf, vy, "long");
	ck_assert(YAJL_IS_STRING(vy->u.array.values[0]));
	ck_assert_uint_eq(strlen(vy->u.array.values[0]->u.string),
	                  334 * 3 + 666);
	yajl_tree_free(vf);
	yajl_tree_free(vy);
	free(file);
	free(yajl);
}
END_TEST

static void
write_small(struct jw *j)
{
	jw_object_begin(j);
	jw_key(j, "a");
	jw_array_begin(j, 1);
	jw_int(j, 1);
	jw_int(j, 2);
	jw_array_end(j);
	jw_key(j, "b");
	jw_object_begin(j);
	jw_object_end(j);
	jw_key(j, "c");
	jw_array_begin(j, 0);
	jw_object_begin(j);
	jw_field_milli(j, "v", 2500);
	jw_object_end(j);
	jw_array_end(j);
	jw_object_end(j);
}

START_TEST(jw_file_layout)
{
	char *pretty = render_file(write_small, 0);
	char *compact = render_file(write_small, 1);
	char *yajl = render_yajl(write_small, 0);

	ck_assert_str_eq(pretty, "{\n"
	                         "  \"a\": [1, 2],\n"
	                         "  \"b\": {},\n"
	                         "  \"c\": [\n"
	                         "    {\n"
	                         "      \"v\": 2.5\n"
	                         "    }\n"
	                         "  ]\n"
	                         "}\n");
	ck_assert_str_eq(compact,
	                 "{\"a\": [1, 2], \"b\": {}, \"c\": [{\"v\": 2.5}]}\n");
	ck_assert_str_eq(yajl, "{\"a\":[1,2],\"b\":{},\"c\":[{\"v\":2.5}]}");
	free(pretty);
	free(compact);
	free(yajl);
}
END_TEST

START_TEST(jw_text_helpers)
{
	char buf[40];

	ck_assert_str_eq(jw_milli_text(123456, buf, sizeof(buf)), "123.456");
	ck_assert_str_eq(jw_milli_text(5000, buf, sizeof(buf)), "5");
	ck_assert_str_eq(jw_milli_text(-1500, buf, sizeof(buf)), "-1.5");
	ck_assert_str_eq(jw_milli_text(-1, buf, sizeof(buf)), "-0.001");
	ck_assert_str_eq(jw_milli_text(INT64_MIN, buf, sizeof(buf)),
	                 "-9223372036854775.808");
	ck_assert_str_eq(jw_double_text(0.1, buf, sizeof(buf)), "0.1");
	ck_assert_str_eq(jw_double_text(1e-7, buf, sizeof(buf)), "1e-07");
	ck_assert_str_eq(jw_double_text(230.5, buf, sizeof(buf)), "230.5");
	ck_assert_str_eq(jw_double_text(50, buf, sizeof(buf)), "50");
	ck_assert_str_eq(jw_double_text(1.0 / 3, buf, sizeof(buf)),
	                 "0.3333333333333333");
	ck_assert_str_eq(jw_double_text(0.1 + 0.2, buf, sizeof(buf)),
	                 "0.30000000000000004");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jw");
	TCase *tc = tcase_create("jw");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, jw_backends_write_the_same_values);
	tcase_add_test(tc, jw_exact_decimals_and_doubles);
	tcase_add_test(tc, jw_invalid_utf8_is_replaced_on_both_backends);
	tcase_add_test(tc, jw_long_invalid_string);
	tcase_add_test(tc, jw_file_layout);
	tcase_add_test(tc, jw_text_helpers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
