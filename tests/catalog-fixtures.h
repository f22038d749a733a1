#ifndef EWS_TEST_CATALOG_FIXTURES_H
#define EWS_TEST_CATALOG_FIXTURES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/catalog.h>

#include "helpers.h"

/*
 * Fixtures shared by test-catalog.c and test-catalog-register.c: the tiny
 * JSON model writers and the refusal checks. Include from one test file
 * per executable only (it defines `dir` and `cat`).
 *
 * Every test gets an empty system directory `dir` loaded into `cat`; model
 * files are written into `dir` and added with ews_catalog_add_file().
 */
static char *dir;
static ews_catalog *cat;

static inline ews_catalog *
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

static inline void
setup(void)
{
	dir = helper_tmpdir();
	cat = load_dirs(dir, NULL);
}

static inline void
teardown(void)
{
	ews_catalog_free(cat);
	cat = NULL;
	helper_rmtree(dir);
	free(dir);
}

/* Text of a valid model `key` with map `map` (JSON text) and `extra`
 * top-level fields ("" or "\"phases\": 1, "). Static buffer. */
static inline const char *
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
static inline char *
write_model(const char *d, const char *key, const char *map, const char *extra)
{
	char name[128];

	snprintf(name, sizeof(name), "%s.json", key);
	return helper_write_file(d, name, model_text(key, map, extra));
}

/* Adding file `name` holding `text` fails with `code`, naming the file and
 * the field. */
static inline void
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

static inline void
refuse_model(const char *map, const char *extra, const char *field)
{
	refuse_file("m.json", model_text("m", map, extra), EWS_EINVAL, field);
}

/* A model whose only register is `reg` is refused for map[0].<field>. */
static inline void
refuse_register(const char *reg, const char *field)
{
	char map[8192], f[64];

	snprintf(map, sizeof(map), "[ %s ]", reg);
	snprintf(f, sizeof(f), "map[0].%s", field);
	refuse_model(map, "", f);
}

#define REG(fields)                                                            \
	"{ \"quantity\": \"voltage_ln_l1\", \"function\": 4, " fields " }"
#define REG_OK                                                                 \
	REG("\"address\": 0, \"words\": 1, \"type\": \"u16\", "                \
	    "\"unit\": \"V\"")

/* A test case of `n` tests, each run in a fresh catalogue. */
static inline void
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

#endif /* EWS_TEST_CATALOG_FIXTURES_H */
