#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ews/catalog.h>

#include "helpers.h"

/*
 * Every test gets an empty system directory `dir` loaded into `cat`; model
 * files are written into `dir` and added with ews_catalog_add_file().
 */
static char *dir;
static ews_catalog *cat;

static ews_catalog *
load_dirs(const char *system_dir, const char *user_dir)
{
	ews_catalog_opts opts;
	ews_catalog *c = NULL;

	ck_assert_int_eq(ews_catalog_opts_init(&opts, EWS_CATALOG_OPTS_VERSION),
	                 EWS_OK);
	opts.system_dir = system_dir;
	opts.user_dir = user_dir;
	ck_assert_int_eq(ews_catalog_load(&opts, &c), EWS_OK);
	ck_assert_ptr_nonnull(c);
	return c;
}

static void
setup(void)
{
	dir = helper_tmpdir();
	cat = load_dirs(dir, NULL);
}

static void
teardown(void)
{
	ews_catalog_free(cat);
	cat = NULL;
	helper_rmtree(dir);
	free(dir);
}

/* Text of a valid model `key` with map `map` (JSON text) and `extra`
 * top-level fields ("" or "\"phases\": 1, "). Static buffer. */
static const char *
model_text(const char *key, const char *map, const char *extra)
{
	static char buf[16384];
	int with_map = strcmp(map, "null") != 0;

	snprintf(buf, sizeof(buf),
	         "{ \"key\": \"%s\", \"name\": \"Test %s\",\n"
	         "  \"family\": \"other\", \"catalog_numbers\": [\"T-%s\"],\n"
	         "  \"capabilities\": [\"measure\"], %s%s\n"
	         "  \"source\": \"test\", \"map\": %s }\n",
	         key, key, key, with_map ? "\"confidence\": \"B\", " : "",
	         extra, map);
	return buf;
}

/* Write dir/<key>.json; returns the malloc'd path. */
static char *
write_model(const char *d, const char *key, const char *map, const char *extra)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.json", key);
	return helper_write_file(d, name, model_text(key, map, extra));
}

/* Adding file `name` holding `text` fails with `code`, naming the file and
 * the field. */
static void
refuse_file(const char *name, const char *text, ews_status code,
            const char *field)
{
	char *path = helper_write_file(dir, name, text);
	const ews_error *e;
	char prefix[1024];

	ck_assert_int_eq(ews_catalog_add_file(cat, path), code);
	e = ews_error_last();
	ck_assert_int_eq(e->code, code);
	ck_assert_str_eq(e->field, field);
	snprintf(prefix, sizeof(prefix), "%s: %s%s", path, field,
	         *field ? ": " : "");
	ck_assert_msg(strncmp(e->message, prefix, strlen(prefix)) == 0,
	              "message \"%s\" does not start with \"%s\"", e->message,
	              prefix);
	ck_assert_uint_eq(ews_catalog_count(cat), 0);
	free(path);
}

static void
refuse_model(const char *map, const char *extra, const char *field)
{
	refuse_file("m.json", model_text("m", map, extra), EWS_EINVAL, field);
}

/* A model whose only register is `reg` is refused for map[0].<field>. */
static void
refuse_register(const char *reg, const char *field)
{
	char map[8192], f[64];

	snprintf(map, sizeof(map), "[ %s ]", reg);
	snprintf(f, sizeof(f), "map[0].%s", field);
	refuse_model(map, "", f);
}

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
#define REG(fields)                                                            \
	"{ \"quantity\": \"voltage_ln_l1\", \"function\": 4, " fields " }"
#define REG_OK                                                                 \
	REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "                \
	    "\"unit\": \"V\"")

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
	ck_assert_ptr_null(ews_capability_name((ews_capability)(1 << 10)));
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

/* A test case of `n` tests, each run in a fresh catalogue. */
static void
add_tcase(Suite *s, const char *name, const TTest *const *tests, size_t n)
{
	TCase *tc = tcase_create(name);
	size_t i;

	tcase_add_checked_fixture(tc, setup, teardown);
	for (i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
}

#define ADD_TCASE(s, name, tests)                                              \
	add_tcase(s, name, tests, sizeof(tests) / sizeof(tests[0]))

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
	const TTest *const find[] = {
		catalog_finds_by_key_or_catalog_number,
		catalog_find_reports_enotfound,
		catalog_model_without_map_reports_enomap,
		catalog_finds_register_by_quantity_and_order,
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
	};
	const TTest *const names[] = {
		catalog_names_round_trip,
	};

	ADD_TCASE(s, "register", reg);
	ADD_TCASE(s, "find", find);
	ADD_TCASE(s, "decode", dec);
	ADD_TCASE(s, "names", names);
}

int
main(void)
{
	Suite *s = suite_create("catalog");

	add_loading_tests(s);
	add_register_tests(s);
	return helper_run(s);
}
