#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ews/catalog.h>

#include "catalog-fixtures.h"
#include "helpers.h"

/*
 * Loading, model-level validation, lookups and names. Registers, the map
 * and decoding are tested in test-catalog-register.c.
 */

/* ------------------------------------------------------------------ */
/* Loading                                                             */

START_TEST(catalog_loads_a_valid_model_with_every_field)
{
	const char *map =
	        "[ { \"quantity\": \"voltage_ln_l1\", \"function\": 4, "
	        "\"address\": \"0x0000\", \"words\": 2, \"type\": \"f32\", "
	        "\"unit\": \"V\" },\n"
	        "  { \"quantity\": \"active_energy_import\", \"function\": 4, "
	        "\"address\": 72, \"words\": 2, \"type\": \"u32\", "
	        "\"word_order\": \"lsw\", \"scale\": 0.01, \"unit\": \"kWh\" } "
	        "]";
	char *path = write_model(dir, "eastron_sdm120", map,
	                         "\"commodity\": \"electricity\", "
	                         "\"phases\": 1, \"sides\": 1, "
	                         "\"address_per_side\": false, "
	                         "\"supply\": true, ");
	const ews_model *m;
	const ews_register *r;

	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_OK);
	ck_assert_uint_eq(ews_catalog_count(cat), 1);
	m = ews_catalog_at(cat, 0);
	ck_assert_str_eq(m->key, "eastron_sdm120");
	ck_assert_str_eq(m->name, "Test eastron_sdm120");
	ck_assert_int_eq(m->family, EWS_FAMILY_OTHER);
	ck_assert_str_eq(m->catalog_numbers[0], "T-eastron_sdm120");
	ck_assert_ptr_null(m->catalog_numbers[1]);
	ck_assert_uint_eq(m->caps, EWS_CAP_MEASURE);
	ck_assert_int_eq(m->commodity, EWS_COMMODITY_ELECTRICITY);
	ck_assert_uint_eq(m->phases, 1);
	ck_assert_uint_eq(m->sides, 1);
	ck_assert_int_eq(m->address_per_side, 0);
	ck_assert_int_eq(m->needs_supply, 1);
	ck_assert_int_eq(m->has_map, 1);
	ck_assert_int_eq(m->confidence, 'B');
	ck_assert_str_eq(m->source, "test");
	ck_assert_str_eq(m->file, path);
	ck_assert_uint_eq(m->register_count, 2);
	r = ews_model_register(m, 1);
	ck_assert_int_eq(r->quantity, EWS_Q_ACTIVE_ENERGY_IMPORT);
	ck_assert_uint_eq(r->order, 0);
	ck_assert_uint_eq(r->function, 4);
	ck_assert_uint_eq(r->address, 72);
	ck_assert_uint_eq(r->words, 2);
	ck_assert_int_eq(r->type, EWS_REG_U32);
	ck_assert_int_eq(r->word_order, EWS_WORDS_LSW);
	ck_assert_double_eq_tol(r->scale, 0.01, 1e-12);
	ck_assert_str_eq(r->unit, "kWh");
	ck_assert_uint_eq(r->write_function, 0);
	ck_assert_ptr_null(ews_model_register(m, 2));
	ck_assert_ptr_null(ews_catalog_at(cat, 1));
	free(path);
}
END_TEST

START_TEST(catalog_applies_defaults_for_optional_fields)
{
	char *path = write_model(dir, "plain", "[ " REG_OK " ]", "");
	const ews_model *m;
	const ews_register *r;

	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_OK);
	m = ews_catalog_at(cat, 0);
	ck_assert_int_eq(m->commodity, EWS_COMMODITY_ELECTRICITY);
	ck_assert_uint_eq(m->phases, 3);
	ck_assert_uint_eq(m->sides, 1);
	ck_assert_int_eq(m->address_per_side, 0);
	ck_assert_int_eq(m->needs_supply, 0);
	r = ews_model_register(m, 0);
	ck_assert_int_eq(r->word_order, EWS_WORDS_BE);
	ck_assert_double_eq(r->scale, 1.0);
	ck_assert_double_eq(r->factor, 1.0);
	free(path);
}
END_TEST

START_TEST(catalog_load_refuses_bad_options)
{
	ews_catalog_opts opts = { 0, NULL, NULL };
	ews_catalog *c = (ews_catalog *)&opts;

	ck_assert_int_eq(ews_catalog_opts_init(&opts, 2), EWS_EINVAL);
	ck_assert_int_eq(ews_catalog_opts_init(NULL, 1), EWS_EINVAL);
	ck_assert_int_eq(ews_catalog_load(&opts, &c), EWS_EINVAL);
	ck_assert_ptr_null(c);
	opts.version = EWS_CATALOG_OPTS_VERSION + 1;
	ck_assert_int_eq(ews_catalog_load(&opts, &c), EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "version");
	ck_assert_int_eq(ews_catalog_load(NULL, NULL), EWS_EINVAL);
}
END_TEST

START_TEST(catalog_load_fails_with_eio_without_system_dir)
{
	ews_catalog_opts opts;
	ews_catalog *c = NULL;
	char missing[1024];

	snprintf(missing, sizeof(missing), "%s/nonexistent", dir);
	ews_catalog_opts_init(&opts, EWS_CATALOG_OPTS_VERSION);
	opts.system_dir = missing;
	ck_assert_int_eq(ews_catalog_load(&opts, &c), EWS_EIO);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, missing));
}
END_TEST

START_TEST(catalog_load_skips_a_malformed_file_and_loads_the_others)
{
	ews_catalog *c;
	char *a = write_model(dir, "a_good", "null", "");
	char *b = helper_write_file(
	        dir, "b_bad.json",
	        model_text("b_bad", "null", "\"phases\": 2, "));
	char *z = write_model(dir, "z_good", "null", "");
	char want[1024];

	c = load_dirs(dir, NULL);
	ck_assert_uint_eq(ews_catalog_count(c), 2);
	ck_assert_str_eq(ews_catalog_at(c, 0)->key, "a_good");
	ck_assert_str_eq(ews_catalog_at(c, 1)->key, "z_good");
	ck_assert_uint_eq(ews_catalog_problem_count(c), 1);
	snprintf(want, sizeof(want), "%s: phases: 2 is not 1 or 3", b);
	ck_assert_str_eq(ews_catalog_problem(c, 0), want);
	ck_assert_ptr_null(ews_catalog_problem(c, 1));
	ck_assert_int_eq(ews_error_last()->code, EWS_OK);
	ews_catalog_free(c);
	free(a);
	free(b);
	free(z);
}
END_TEST

START_TEST(catalog_load_reads_files_in_sorted_order)
{
	ews_catalog *c;
	char *p[3];
	size_t i;

	/* Problems come out in file order, whatever readdir() returns. */
	p[2] = helper_write_file(dir, "c.json", "{");
	p[0] = helper_write_file(dir, "a.json", "[");
	p[1] = helper_write_file(dir, "b.json", "nul");
	c = load_dirs(dir, NULL);
	ck_assert_uint_eq(ews_catalog_problem_count(c), 3);
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(strstr(ews_catalog_problem(c, i), p[i]));
		free(p[i]);
	}
	ews_catalog_free(c);
}
END_TEST

START_TEST(catalog_load_ignores_files_that_are_not_json)
{
	ews_catalog *c;

	free(helper_write_file(dir, "README.md", "not a model"));
	free(helper_write_file(dir, ".hidden.json", "{"));
	free(helper_write_file(dir, "model.json~", "{"));
	free(write_model(dir, "only", "null", ""));
	c = load_dirs(dir, NULL);
	ck_assert_uint_eq(ews_catalog_count(c), 1);
	ck_assert_uint_eq(ews_catalog_problem_count(c), 0);
	ews_catalog_free(c);
}
END_TEST

START_TEST(catalog_user_dir_adds_a_model)
{
	char *user = helper_tmpdir();
	const ews_model *m;
	ews_catalog *c;
	char *sys_path = write_model(dir, "system_meter", "null", "");
	char *user_path = write_model(user, "user_meter", "null", "");

	c = load_dirs(dir, user);
	ck_assert_uint_eq(ews_catalog_count(c), 2);
	ck_assert_uint_eq(ews_catalog_problem_count(c), 0);
	ck_assert_int_eq(ews_catalog_find(c, "user_meter", &m), EWS_OK);
	ck_assert_str_eq(m->file, user_path);
	ews_catalog_free(c);
	helper_rmtree(user);
	free(user);
	free(sys_path);
	free(user_path);
}
END_TEST

START_TEST(catalog_refuses_user_model_whose_key_is_taken)
{
	char *user = helper_tmpdir();
	char *sys_path = write_model(dir, "eastron_sdm630", "null", "");
	char *user_path =
	        write_model(user, "eastron_sdm630", "null", "\"phases\": 1, ");
	const char *problem;
	ews_catalog *c;

	c = load_dirs(dir, user);
	ck_assert_uint_eq(ews_catalog_count(c), 1);
	ck_assert_uint_eq(ews_catalog_at(c, 0)->phases, 3);
	ck_assert_str_eq(ews_catalog_at(c, 0)->file, sys_path);
	ck_assert_uint_eq(ews_catalog_problem_count(c), 1);
	problem = ews_catalog_problem(c, 0);
	ck_assert_ptr_nonnull(strstr(problem, user_path));
	ck_assert_ptr_nonnull(strstr(problem, sys_path));
	ck_assert_ptr_nonnull(strstr(problem, ": key: "));
	ews_catalog_free(c);
	helper_rmtree(user);
	free(user);
	free(sys_path);
	free(user_path);
}
END_TEST

START_TEST(catalog_reports_unreadable_user_dir_as_a_problem)
{
	char missing[1024];
	ews_catalog *c;

	snprintf(missing, sizeof(missing), "%s/no_such_dir", dir);
	c = load_dirs(dir, missing);
	ck_assert_uint_eq(ews_catalog_problem_count(c), 1);
	ck_assert_ptr_nonnull(strstr(ews_catalog_problem(c, 0), missing));
	ews_catalog_free(c);
}
END_TEST

START_TEST(catalog_add_file_refuses_a_duplicate_key)
{
	char *path = write_model(dir, "twice", "null", "");
	const ews_error *e;

	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_OK);
	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_EEXIST);
	e = ews_error_last();
	ck_assert_str_eq(e->field, "key");
	ck_assert_ptr_nonnull(strstr(e->message, "\"twice\""));
	ck_assert_uint_eq(ews_catalog_count(cat), 1);
	free(path);
}
END_TEST

START_TEST(catalog_add_file_fails_with_eio_for_a_missing_file)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/missing.json", dir);
	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_EIO);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, path));
	ck_assert_int_eq(ews_catalog_add_file(cat, dir), EWS_EIO);
}
END_TEST

START_TEST(catalog_keeps_models_sorted_by_key)
{
	static const char *const keys[] = { "m", "b", "z", "a", "k" };
	static const char *const sorted[] = { "a", "b", "k", "m", "z" };
	size_t i;

	for (i = 0; i < 5; i++) {
		char *path = write_model(dir, keys[i], "null", "");

		ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_OK);
		free(path);
	}
	ck_assert_uint_eq(ews_catalog_count(cat), 5);
	for (i = 0; i < 5; i++)
		ck_assert_str_eq(ews_catalog_at(cat, i)->key, sorted[i]);
}
END_TEST

START_TEST(catalog_refuses_files_over_1_mib)
{
	size_t n = 1024 * 1024 + 16;
	char *text = malloc(n + 1);
	const char *head = model_text("big", "null", "");

	ck_assert_ptr_nonnull(text);
	memset(text, ' ', n);
	memcpy(text, head, strlen(head));
	text[n] = '\0';
	refuse_file("big.json", text, EWS_EINVAL, "");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "1 MiB"));
	free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Validation of the model                                             */

START_TEST(catalog_refuses_invalid_json_naming_the_line)
{
	refuse_file("j.json", "{\n  \"key\": \"j\",\n  \"name\" \"x\"\n}",
	            EWS_EINVAL, "");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "line 3"));
	refuse_file("e.json", "", EWS_EINVAL, "");
	refuse_file("t.json", "{} {}", EWS_EINVAL, "");
	refuse_file("c.json", "/* comment */ {}", EWS_EINVAL, "");
	refuse_file("u.json", "{\"key\": \"\xff\"}", EWS_EINVAL, "");
	refuse_file("d.json",
	            "[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]",
	            EWS_EINVAL, "");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "nested"));
}
END_TEST

START_TEST(catalog_refuses_a_file_that_is_not_an_object)
{
	refuse_file("a.json", "[]", EWS_EINVAL, "");
	refuse_file("s.json", "\"model\"", EWS_EINVAL, "");
}
END_TEST

START_TEST(catalog_refuses_unknown_top_level_field)
{
	refuse_model("null", "\"phase\": 1, ", "phase");
}
END_TEST

START_TEST(catalog_refuses_a_field_given_twice)
{
	refuse_model("null", "\"phases\": 1, \"phases\": 3, ", "phases");
	refuse_register(REG("\"address\": 0, \"address\": 1, \"words\": 1, "
	                    "\"type\": \"u16\", \"unit\": \"V\""),
	                "address");
}
END_TEST

START_TEST(catalog_refuses_a_missing_required_field)
{
	static const char *const fields[] = { "key",          "name",
		                              "family",       "catalog_numbers",
		                              "capabilities", "source",
		                              "map" };
	static const char *const values[] = { "\"m\"",         "\"n\"",
		                              "\"other\"",     "[]",
		                              "[\"measure\"]", "\"s\"",
		                              "null" };
	size_t i, j, n = sizeof(fields) / sizeof(fields[0]);

	for (i = 0; i < n; i++) {
		char text[1024] = "{";

		for (j = 0; j < n; j++) {
			if (j == i)
				continue;
			snprintf(text + strlen(text),
			         sizeof(text) - strlen(text), "%s\"%s\": %s",
			         strlen(text) > 1 ? ", " : " ", fields[j],
			         values[j]);
		}
		strcat(text, " }");
		refuse_file("m.json", text, EWS_EINVAL, fields[i]);
	}
}
END_TEST

START_TEST(catalog_refuses_bad_key_syntax)
{
	refuse_file("Eastron.json", model_text("Eastron", "null", ""),
	            EWS_EINVAL, "key");
	refuse_file("a-b.json", model_text("a-b", "null", ""), EWS_EINVAL,
	            "key");
	refuse_file(".json", model_text("", "null", ""), EWS_EINVAL, "key");
	refuse_file("k.json",
	            model_text("k1234567890123456789012345678901234567890123456"
	                       "7890123456789",
	                       "null", ""),
	            EWS_EINVAL, "key");
}
END_TEST

START_TEST(catalog_refuses_a_key_that_differs_from_the_file_name)
{
	refuse_file("other.json", model_text("m", "null", ""), EWS_EINVAL,
	            "key");
}
END_TEST

START_TEST(catalog_refuses_wrong_field_types)
{
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": 5, \"family\": \"other\", "
	            "\"catalog_numbers\": [], \"capabilities\": [\"measure\"], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "name");
	refuse_model("null", "\"phases\": \"3\", ", "phases");
	refuse_model("null", "\"phases\": 3.0, ", "phases");
	refuse_model("null", "\"supply\": 1, ", "supply");
	refuse_model("{}", "", "map");
}
END_TEST

START_TEST(catalog_refuses_unknown_family_capability_and_commodity)
{
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"meter\", "
	            "\"catalog_numbers\": [], \"capabilities\": [\"measure\"], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "family");
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [], "
	            "\"capabilities\": [\"measure\", \"measures\"], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "capabilities[1]");
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [], \"capabilities\": [], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "capabilities");
	refuse_model("null", "\"commodity\": \"heat\", ", "commodity");
}
END_TEST

START_TEST(catalog_refuses_bad_catalog_numbers)
{
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [\"0 590 56\", \"059056\"], "
	            "\"capabilities\": [\"measure\"], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "catalog_numbers[1]");
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [\"\"], "
	            "\"capabilities\": [\"measure\"], "
	            "\"source\": \"s\", \"map\": null }",
	            EWS_EINVAL, "catalog_numbers[0]");
}
END_TEST

START_TEST(catalog_refuses_oversized_lists)
{
	char *text = malloc(65536), *p;
	int i;

	ck_assert_ptr_nonnull(text);
	p = text + sprintf(text,
	                   "{ \"key\": \"m\", \"name\": \"n\", "
	                   "\"family\": \"other\", \"catalog_numbers\": [");
	for (i = 0; i < 65; i++)
		p += sprintf(p, "%s\"N%d\"", i ? ", " : "", i);
	sprintf(p, "], \"capabilities\": [\"measure\"], \"source\": \"s\", "
	           "\"map\": null }");
	refuse_file("m.json", text, EWS_EINVAL, "catalog_numbers");
	p = text + sprintf(text, "{ \"quantity\": \"cp_state\", "
	                         "\"function\": 3, \"address\": 0, "
	                         "\"words\": 1, \"type\": \"u16\", "
	                         "\"unit\": \"\", \"values\": {");
	for (i = 0; i < 257; i++)
		p += sprintf(p, "%s\"%d\": \"A\"", i ? ", " : "", i);
	sprintf(p, "} }");
	refuse_register(text, "values");
	free(text);
}
END_TEST

START_TEST(catalog_refuses_phases_other_than_1_or_3)
{
	refuse_model("null", "\"phases\": 2, ", "phases");
	refuse_model("null", "\"phases\": 0, ", "phases");
}
END_TEST

START_TEST(catalog_refuses_sides_other_than_1_or_2)
{
	refuse_model("null", "\"sides\": 3, ", "sides");
	refuse_model("null", "\"sides\": 1, \"address_per_side\": true, ",
	             "address_per_side");
}
END_TEST

START_TEST(catalog_requires_confidence_exactly_with_a_map)
{
	refuse_model("null", "\"confidence\": \"A\", ", "confidence");
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [], \"capabilities\": [\"measure\"], "
	            "\"source\": \"s\", \"map\": [] }",
	            EWS_EINVAL, "confidence");
	refuse_file("m.json",
	            "{ \"key\": \"m\", \"name\": \"n\", \"family\": \"other\", "
	            "\"catalog_numbers\": [], \"capabilities\": [\"measure\"], "
	            "\"confidence\": \"E\", \"source\": \"s\", \"map\": [] }",
	            EWS_EINVAL, "confidence");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

static void
add_numbered_models(void)
{
	char *a = helper_write_file(
	        dir, "greenup_0590_56.json",
	        "{ \"key\": \"greenup_0590_56\", \"name\": \"Green'Up 0 590 "
	        "56\", "
	        "\"family\": \"greenup\", \"catalog_numbers\": [\"0 590 56\"], "
	        "\"capabilities\": [\"evse\"], \"source\": \"none\", "
	        "\"map\": null }");
	char *b = helper_write_file(
	        dir, "btdin_f3n200.json",
	        "{ \"key\": \"btdin_f3n200\", \"name\": \"F3N200\", "
	        "\"family\": \"btdin_meter\", "
	        "\"catalog_numbers\": [\"F3N200\", \"BT F3N 200\"], "
	        "\"capabilities\": [\"measure\", \"thd\"], "
	        "\"source\": \"none\", \"map\": null }");

	ck_assert_int_eq(ews_catalog_add_file(cat, a), EWS_OK);
	ck_assert_int_eq(ews_catalog_add_file(cat, b), EWS_OK);
	free(a);
	free(b);
}

START_TEST(catalog_finds_by_key_or_catalog_number)
{
	const ews_model *m;

	add_numbered_models();
	ck_assert_int_eq(ews_catalog_find(cat, "greenup_0590_56", &m), EWS_OK);
	ck_assert_str_eq(m->key, "greenup_0590_56");
	ck_assert_int_eq(ews_catalog_find(cat, "0 590 56", &m), EWS_OK);
	ck_assert_str_eq(m->key, "greenup_0590_56");
	ck_assert_int_eq(ews_catalog_find(cat, "059056", &m), EWS_OK);
	ck_assert_str_eq(m->key, "greenup_0590_56");
	ck_assert_int_eq(ews_catalog_find(cat, "F3N200", &m), EWS_OK);
	ck_assert_str_eq(m->key, "btdin_f3n200");
	ck_assert_int_eq(ews_catalog_find(cat, "f3n200", &m), EWS_OK);
	ck_assert_str_eq(m->key, "btdin_f3n200");
	ck_assert_int_eq(ews_catalog_find(cat, "btf3n200", &m), EWS_OK);
	ck_assert_str_eq(m->key, "btdin_f3n200");
	ck_assert_uint_eq(m->caps, EWS_CAP_MEASURE | EWS_CAP_THD);
	ck_assert_int_eq(m->family, EWS_FAMILY_BTDIN_METER);
}
END_TEST

START_TEST(catalog_find_reports_enotfound)
{
	const ews_model *m = (const ews_model *)cat;

	add_numbered_models();
	ck_assert_int_eq(ews_catalog_find(cat, "F3N2000", &m), EWS_ENOTFOUND);
	ck_assert_ptr_null(m);
	ck_assert_str_eq(ews_error_last()->field, "model");
	ck_assert_str_eq(ews_error_last()->message,
	                 "model: \"F3N2000\" is not in the catalogue");
	ck_assert_int_eq(ews_catalog_find(cat, "BTDIN_F3N200", &m),
	                 EWS_ENOTFOUND);
	ck_assert_int_eq(ews_catalog_find(cat, "", &m), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_catalog_find(cat, "   ", &m), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_catalog_find(cat, NULL, &m), EWS_EINVAL);
}
END_TEST

START_TEST(catalog_model_without_map_reports_enomap)
{
	const ews_model *m;
	const ews_register *r = (const ews_register *)cat;

	add_numbered_models();
	ck_assert_int_eq(ews_catalog_find(cat, "F3N200", &m), EWS_OK);
	ck_assert_int_eq(m->has_map, 0);
	ck_assert_int_eq(m->confidence, 0);
	ck_assert_uint_eq(m->register_count, 0);
	ck_assert_int_eq(ews_model_find_register(m, EWS_Q_ACTIVE_POWER, 0, &r),
	                 EWS_ENOMAP);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(ews_error_last()->message,
	                 "register map unknown for F3N200");
}
END_TEST

START_TEST(catalog_finds_register_by_quantity_and_order)
{
	const char *map =
	        "[ " REG_OK ",\n"
	        "{ \"quantity\": \"harmonic_voltage_l1\", \"order\": 3, "
	        "\"function\": 4, \"address\": 10, \"words\": 1, "
	        "\"type\": \"u16\", \"unit\": \"V\" },\n"
	        "{ \"quantity\": \"harmonic_voltage_l1\", \"order\": 5, "
	        "\"function\": 4, \"address\": 11, \"words\": 1, "
	        "\"type\": \"u16\", \"unit\": \"V\" } ]";
	char *path = write_model(dir, "h", map, "");
	const ews_model *m;
	const ews_register *r;

	ck_assert_int_eq(ews_catalog_add_file(cat, path), EWS_OK);
	m = ews_catalog_at(cat, 0);
	ck_assert_int_eq(
	        ews_model_find_register(m, EWS_Q_HARMONIC_VOLTAGE_L1, 5, &r),
	        EWS_OK);
	ck_assert_uint_eq(r->address, 11);
	ck_assert_int_eq(ews_model_find_register(m, EWS_Q_VOLTAGE_LN_L1, 0, &r),
	                 EWS_OK);
	ck_assert_uint_eq(r->address, 0);
	ck_assert_int_eq(
	        ews_model_find_register(m, EWS_Q_HARMONIC_VOLTAGE_L1, 7, &r),
	        EWS_ENOTFOUND);
	ck_assert_int_eq(ews_model_find_register(m, EWS_Q_FREQUENCY, 0, &r),
	                 EWS_ENOTFOUND);
	free(path);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Names and the shipped catalogue                                     */

START_TEST(catalog_names_round_trip)
{
	ews_family f;
	ews_reg_type t;
	int i;

	for (i = EWS_FAMILY_BTDIN_METER; i <= EWS_FAMILY_WSMEASURE; i++) {
		ck_assert_ptr_nonnull(ews_family_name((ews_family)i));
		ck_assert_int_eq(ews_family_from_name(
		                         ews_family_name((ews_family)i), &f),
		                 EWS_OK);
		ck_assert_int_eq(f, i);
	}
	for (i = EWS_REG_U16; i <= EWS_REG_ASCII_HIGH; i++) {
		ck_assert_int_eq(
		        ews_reg_type_from_name(
		                ews_reg_type_name((ews_reg_type)i), &t),
		        EWS_OK);
		ck_assert_int_eq(t, i);
	}
	ck_assert_ptr_null(ews_family_name((ews_family)0));
	ck_assert_ptr_null(ews_family_name((ews_family)15));
	ck_assert_int_eq(ews_family_from_name("nope", &f), EWS_ENOTFOUND);
	ck_assert_int_eq(ews_reg_type_from_name("u8", &t), EWS_ENOTFOUND);
	ck_assert_ptr_null(ews_reg_type_name((ews_reg_type)12));
	ck_assert_str_eq(ews_family_name(EWS_FAMILY_GREENUP_PREMIUM),
	                 "greenup_premium");
	ck_assert_str_eq(ews_capability_name(EWS_CAP_MEASURE), "measure");
	ck_assert_str_eq(ews_capability_name(EWS_CAP_VIRTUAL), "virtual");
	ck_assert_ptr_null(ews_capability_name((ews_capability)3));
	ck_assert_str_eq(ews_capability_name(EWS_CAP_LABELS), "labels");
	ck_assert_ptr_null(ews_capability_name((ews_capability)(1 << 11)));
	ck_assert_str_eq(ews_commodity_name(EWS_COMMODITY_GAS), "gas");
	ck_assert_ptr_null(ews_commodity_name((ews_commodity)4));
}
END_TEST

static int
shipped(const char *key)
{
	char path[1024];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s.json", helper_catalog_dir(), key);
	return stat(path, &st) == 0;
}

START_TEST(catalog_loads_the_shipped_catalogue_without_problems)
{
	static const char *const keys[] = { "generic_modbus_meter", "wsmeasure",
		                            "eastron_sdm630" };
	ews_catalog *c = load_dirs(helper_catalog_dir(), NULL);
	const ews_model *m;
	size_t i;

	for (i = 0; i < ews_catalog_problem_count(c); i++)
		fprintf(stderr, "problem: %s\n", ews_catalog_problem(c, i));
	ck_assert_uint_eq(ews_catalog_problem_count(c), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (shipped(keys[i]))
			ck_assert_msg(ews_catalog_find(c, keys[i], &m) ==
			                      EWS_OK,
			              "%s", keys[i]);
	if (ews_catalog_count(c) > 0) {
		ck_assert_int_eq(ews_catalog_find(c, "F3N300", &m), EWS_OK);
		ck_assert_int_eq(m->has_map, 0);
	}
	ews_catalog_free(c);
}
END_TEST

static void
add_loading_tests(Suite *s)
{
	const TTest *const load[] = {
		catalog_loads_a_valid_model_with_every_field,
		catalog_applies_defaults_for_optional_fields,
		catalog_load_refuses_bad_options,
		catalog_load_fails_with_eio_without_system_dir,
		catalog_load_skips_a_malformed_file_and_loads_the_others,
		catalog_load_reads_files_in_sorted_order,
		catalog_load_ignores_files_that_are_not_json,
		catalog_user_dir_adds_a_model,
		catalog_refuses_user_model_whose_key_is_taken,
		catalog_reports_unreadable_user_dir_as_a_problem,
		catalog_add_file_refuses_a_duplicate_key,
		catalog_add_file_fails_with_eio_for_a_missing_file,
		catalog_keeps_models_sorted_by_key,
		catalog_refuses_files_over_1_mib,
		catalog_loads_the_shipped_catalogue_without_problems,
	};
	const TTest *const model[] = {
		catalog_refuses_invalid_json_naming_the_line,
		catalog_refuses_a_file_that_is_not_an_object,
		catalog_refuses_unknown_top_level_field,
		catalog_refuses_a_field_given_twice,
		catalog_refuses_a_missing_required_field,
		catalog_refuses_bad_key_syntax,
		catalog_refuses_a_key_that_differs_from_the_file_name,
		catalog_refuses_wrong_field_types,
		catalog_refuses_unknown_family_capability_and_commodity,
		catalog_refuses_bad_catalog_numbers,
		catalog_refuses_oversized_lists,
		catalog_refuses_phases_other_than_1_or_3,
		catalog_refuses_sides_other_than_1_or_2,
		catalog_requires_confidence_exactly_with_a_map,
	};

	ADD_TCASE(s, "load", load);
	ADD_TCASE(s, "model", model);
}

static void
add_lookup_tests(Suite *s)
{
	const TTest *const find[] = {
		catalog_finds_by_key_or_catalog_number,
		catalog_find_reports_enotfound,
		catalog_model_without_map_reports_enomap,
		catalog_finds_register_by_quantity_and_order,
	};
	const TTest *const names[] = {
		catalog_names_round_trip,
	};

	ADD_TCASE(s, "find", find);
	ADD_TCASE(s, "names", names);
}

int
main(void)
{
	Suite *s = suite_create("catalog");

	add_loading_tests(s);
	add_lookup_tests(s);
	return helper_run(s);
}
