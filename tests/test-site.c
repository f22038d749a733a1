/*
 * A site's life (open, create, reopen, refuse, close): libews/site.c.
 * Gateways, devices, loads/groups/boards and settings are in
 * test-site-gateway.c, test-site-device.c, test-site-category.c and
 * test-settings.c.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_IN_LOAD
#include "site-fixtures.h"

/* dir/name, malloc'd. */
static char *
path_in(const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	ck_assert_ptr_nonnull(p);
	sprintf(p, "%s/%s", dir, name);
	return p;
}

static int
exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

/* ------------------------------------------------------------------ */
/* Open and close                                                      */

START_TEST(site_new_has_the_local_gateway)
{
	const ews_gateway *gw;
	ews_list *list;

	ck_assert_int_eq(ews_site_gateway_list(site, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 1);
	gw = ews_list_gateway(list, 0);
	ck_assert_int_eq(gw->id, 1);
	ck_assert_int_eq(gw->kind, EWS_GATEWAY_LOCAL);
	ck_assert_str_eq(gw->name, "Local");
	ck_assert_str_eq(gw->ip, "127.0.0.1");
	ck_assert_uint_eq(gw->port, 502);
	ck_assert_int_eq(gw->enabled, 1);
	ck_assert_int_eq(gw->board_id, 0);
	ck_assert_int_eq(gw->eq_device_id, 0);
	ews_list_free(list);
	ck_assert_int_eq(ews_site_device_list(site, 0, &list), EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 0);
	ews_list_free(list);
}
END_TEST

START_TEST(site_new_has_six_predefined_loads_then_others_gas_water)
{
	static const char *const names[] = {
		"Heating",  "Cooling",       "Domestic hot water",
		"Lighting", "Power sockets", "Ventilation and auxiliaries",
		"Others",   "Gas",           "Water"
	};
	const ews_category *c;
	ews_list *list;
	size_t i;

	ck_assert_int_eq(ews_site_category_list(site, EWS_CATEGORY_LOAD, &list),
	                 EWS_OK);
	ck_assert_uint_eq(ews_list_len(list), 9);
	for (i = 0; i < 9; i++) {
		c = ews_list_category(list, i);
		ck_assert_str_eq(c->name, names[i]);
		ck_assert_int_eq(c->kind, EWS_CATEGORY_LOAD);
		ck_assert_int_eq(c->origin,
		                 i < 6 ? EWS_ORIGIN_PREDEFINED
		                       : EWS_ORIGIN_OTHERS + (i - 6));
		ck_assert_int_eq(c->enabled, 1);
		if (i > 0)
			ck_assert_int_gt(c->id,
			                 ews_list_category(list, i - 1)->id);
	}
	ews_list_free(list);
	for (i = EWS_CATEGORY_GROUP; i <= EWS_CATEGORY_BOARD; i++) {
		ck_assert_int_eq(ews_site_category_list(
		                         site, (ews_category_kind)i, &list),
		                 EWS_OK);
		ck_assert_uint_eq(ews_list_len(list), 0);
		ews_list_free(list);
	}
}
END_TEST

START_TEST(site_schema_version_is_7_and_catalogue_is_loaded)
{
	const ews_model *m;

	ck_assert_int_eq(ews_site_schema_version(site), 7);
	ck_assert_ptr_nonnull(ews_site_catalog(site));
	ck_assert_int_eq(
	        ews_catalog_find(ews_site_catalog(site), "eastron_sdm630", &m),
	        EWS_OK);
}
END_TEST

START_TEST(site_reopen_keeps_the_data)
{
	int64_t group = cat_add(EWS_CATEGORY_GROUP, "Floor 1"), dev;
	ews_gateway gw;
	ews_device d;

	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	snprintf(gw.ip, sizeof(gw.ip), "10.0.0.2");
	ck_assert_int_eq(ews_site_gateway_add(site, &gw), EWS_OK);
	dev = meter_add(5, load_of(EWS_ORIGIN_PREDEFINED), group);
	ck_assert_int_eq(ews_site_setting_set(site, "currency", "CHF"), EWS_OK);
	reopen();
	ck_assert_int_eq(ews_site_schema_version(site), 7);
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	ck_assert_int_eq(ews_site_gateway_get(site, 2, &gw), EWS_OK);
	ck_assert_str_eq(gw.name, "10.0.0.2");
	d = dev_get(dev);
	ck_assert_uint_eq(d.address, 5);
	ck_assert_int_eq(d.load_id, load_of(EWS_ORIGIN_PREDEFINED));
	ck_assert_uint_eq(d.group_count, 1);
	ck_assert_int_eq(d.group_ids[0], group);
	ck_assert_str_eq(cat_get(group).name, "Floor 1");
	assert_setting("currency", "CHF");
}
END_TEST

START_TEST(site_open_without_create_on_missing_dir_is_not_found)
{
	char *missing = path_in("missing"), *empty = path_in("empty");
	char *db = path_in("empty/site.db");
	ews_site *s = (ews_site *)&s;

	ck_assert_int_eq(open_site(missing, 0, NULL, &s), EWS_ENOTFOUND);
	ck_assert_ptr_null(s);
	assert_error(EWS_ENOTFOUND, "");
	ck_assert(!exists(missing));
	ck_assert_int_eq(mkdir(empty, 0700), 0);
	ck_assert_int_eq(open_site(empty, 0, NULL, &s), EWS_ENOTFOUND);
	ck_assert(!exists(db));
	free(missing);
	free(empty);
	free(db);
}
END_TEST

START_TEST(site_open_exclusive_refuses_an_existing_site)
{
	char *sub = path_in("excl");
	ews_site *s = (ews_site *)&s;

	ck_assert_int_eq(
	        open_site(sub, EWS_SITE_CREATE | EWS_SITE_EXCL, NULL, &s),
	        EWS_OK);
	ews_site_close(s);
	ck_assert_int_eq(
	        open_site(sub, EWS_SITE_CREATE | EWS_SITE_EXCL, NULL, &s),
	        EWS_EEXIST);
	ck_assert_ptr_null(s);
	assert_error(EWS_EEXIST, "");
	/* The refusal left the first site intact. */
	ck_assert_int_eq(open_site(sub, 0, NULL, &s), EWS_OK);
	ck_assert_int_eq(ews_site_schema_version(s), 7);
	ews_site_close(s);
	free(sub);
}
END_TEST

START_TEST(site_open_exclusive_leaves_no_file_when_it_fails)
{
	char *sub = path_in("excl-bad"), *db = path_in("excl-bad/site.db");
	ews_site *s = (ews_site *)&s;
	ews_site_opts opts;

	/* The catalogue fails to load after site.db was created. */
	ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION);
	opts.flags = EWS_SITE_CREATE | EWS_SITE_EXCL;
	opts.catalog_dir = "/nonexistent/ews-catalog";
	ck_assert_int_ne(ews_site_open(sub, &opts, &s), EWS_OK);
	ck_assert_ptr_null(s);
	ck_assert(!exists(db));
	free(sub);
	free(db);
}
END_TEST

START_TEST(site_open_with_create_makes_its_directory)
{
	char *sub = path_in("new"), *db = path_in("new/site.db");
	ews_site *s;

	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, NULL, &s), EWS_OK);
	ck_assert(exists(db));
	ck_assert_int_eq(ews_site_schema_version(s), 7);
	ews_site_close(s);
	ck_assert_int_eq(open_site(sub, 0, NULL, &s), EWS_OK);
	ews_site_close(s);
	free(sub);
	free(db);
}
END_TEST

/* A SQLite file of another program at dir/site.db; returns dir. */
static char *
foreign_database(const char *name)
{
	char *sub = path_in(name), *db;
	sqlite3 *h;

	ck_assert_int_eq(mkdir(sub, 0700), 0);
	db = malloc(strlen(sub) + 16);
	sprintf(db, "%s/site.db", sub);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h,
	                              "CREATE TABLE invoice (n INTEGER);"
	                              "INSERT INTO invoice VALUES (42);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(h);
	free(db);
	return sub;
}

START_TEST(site_refuses_a_sqlite_database_that_is_not_an_ews_site)
{
	char *sub = foreign_database("foreign");
	ews_site *s = (ews_site *)&s;

	ck_assert_int_eq(open_site(sub, 0, NULL, &s), EWS_EINVAL);
	ck_assert_ptr_null(s);
	assert_error(EWS_EINVAL, "");
	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, NULL, &s), EWS_EINVAL);
	ck_assert_ptr_null(s);
	free(sub);
}
END_TEST

static char *
read_all(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc((size_t)*len + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)*len, f), (size_t)*len);
	fclose(f);
	return buf;
}

/* Refusing another program's database must not write to it (here: switch
 * it to WAL mode, which changes its header for good). */
START_TEST(site_leaves_a_foreign_database_untouched)
{
	char *sub = foreign_database("foreign"), *db, *before, *after;
	long len, len2;
	ews_site *s;

	db = malloc(strlen(sub) + 16);
	sprintf(db, "%s/site.db", sub);
	before = read_all(db, &len);
	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, NULL, &s), EWS_EINVAL);
	after = read_all(db, &len2);
	ck_assert_int_eq(len, len2);
	ck_assert_msg(memcmp(before, after, (size_t)len) == 0,
	              "the refused database was modified (header bytes "
	              "18-19: %d %d -> %d %d)",
	              before[18], before[19], after[18], after[19]);
	free(before);
	free(after);
	free(db);
	free(sub);
}
END_TEST

START_TEST(site_refuses_a_file_that_is_not_a_database)
{
	char *sub = path_in("garbage"), *db;
	ews_site *s = (ews_site *)&s;

	ck_assert_int_eq(mkdir(sub, 0700), 0);
	db = helper_write_file(sub, "site.db",
	                       "this is not a database, it is a shopping list "
	                       "of 100 bytes or so: bread, milk, eggs, "
	                       "and a new RS485 converter\n");
	ck_assert_int_eq(open_site(sub, 0, NULL, &s), EWS_EIO);
	ck_assert_ptr_null(s);
	assert_error(EWS_EIO, "");
	free(db);
	free(sub);
}
END_TEST

START_TEST(site_refuses_a_database_newer_than_the_library)
{
	char *db = path_in("site.db");
	sqlite3 *h;
	ews_site *s = (ews_site *)&s;

	ews_site_close(site);
	site = NULL;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(
	        sqlite3_exec(h, "PRAGMA user_version = 1000", NULL, NULL, NULL),
	        SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_eq(open_site(dir, 0, NULL, &s), EWS_EINVAL);
	ck_assert_ptr_null(s);
	assert_error(EWS_EINVAL, "");
	free(db);
}
END_TEST

START_TEST(site_open_refuses_unknown_opts_version)
{
	static const unsigned int versions[] = { 0, 2, 99 };
	ews_site_opts opts;
	ews_site *s;
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ews_site_opts_init(&opts, versions[i]),
		                 EWS_EINVAL);
		assert_error(EWS_EINVAL, "version");
		ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION);
		opts.version = versions[i];
		opts.flags = EWS_SITE_CREATE;
		opts.catalog_dir = helper_catalog_dir();
		s = (ews_site *)&s;
		ck_assert_int_eq(ews_site_open(dir, &opts, &s), EWS_EINVAL);
		assert_error(EWS_EINVAL, "version");
		ck_assert_ptr_null(s);
	}
	ck_assert_int_eq(ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION),
	                 EWS_OK);
	ck_assert_uint_eq(opts.version, EWS_SITE_OPTS_VERSION);
	ck_assert_uint_eq(opts.flags, 0);
	ck_assert_ptr_null(opts.timezone);
	ck_assert_ptr_null(opts.catalog_dir);
	ck_assert_ptr_null(opts.user_catalog_dir);
	ck_assert_uint_eq(opts.busy_timeout_ms, 5000);
}
END_TEST

START_TEST(site_open_refuses_a_bad_timezone)
{
	static const char *const zones[] = { "Mars/Base", "../../etc/passwd",
		                             "/etc/localtime", "Europe", "" };
	char *sub = path_in("new");
	ews_site *s;
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		s = (ews_site *)&s;
		ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, zones[i], &s),
		                 EWS_EINVAL);
		assert_error(EWS_EINVAL, "timezone");
		ck_assert_ptr_null(s);
		ck_assert(!exists(sub));
	}
	ck_assert_int_eq(open_site("", EWS_SITE_CREATE, NULL, &s), EWS_EINVAL);
	assert_error(EWS_EINVAL, "dir");
	free(sub);
}
END_TEST

START_TEST(site_timezone_of_opts_seeds_a_new_site_only)
{
	char *sub = path_in("rome");
	ews_site *s;

	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, "Europe/Rome", &s),
	                 EWS_OK);
	ews_site_close(site);
	site = s;
	assert_setting("timezone", "Europe/Rome");
	ews_site_close(site);
	site = NULL;
	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, "Asia/Tokyo", &site),
	                 EWS_OK);
	assert_setting("timezone", "Europe/Rome");
	free(sub);
}
END_TEST

START_TEST(site_close_and_list_free_accept_null)
{
	ews_site_close(NULL);
	ews_list_free(NULL);
	ck_assert_uint_eq(ews_list_len(NULL), 0);
	ck_assert_ptr_null(ews_list_gateway(NULL, 0));
}
END_TEST

/* Run under valgrind (meson test --setup valgrind): nothing may leak. */
START_TEST(site_lifetime_many_sites_open_and_close_cleanly)
{
	int i, k;

	for (i = 0; i < 50; i++) {
		char *d = helper_tmpdir(), *value;
		ews_list *list;
		ews_site *s;

		ck_assert_int_eq(open_site(d, EWS_SITE_CREATE, NULL, &s),
		                 EWS_OK);
		ck_assert_int_eq(ews_site_gateway_list(s, &list), EWS_OK);
		ck_assert_ptr_null(ews_list_device(list, 0));
		ews_list_free(list);
		ck_assert_int_eq(ews_site_device_list(s, 0, &list), EWS_OK);
		ews_list_free(list);
		for (k = EWS_CATEGORY_LOAD; k <= EWS_CATEGORY_BOARD; k++) {
			ck_assert_int_eq(
			        ews_site_category_list(s, (ews_category_kind)k,
			                               &list),
			        EWS_OK);
			ews_list_free(list);
		}
		ck_assert_int_eq(ews_site_setting_get(s, "timezone", &value),
		                 EWS_OK);
		ews_free(value);
		ews_site_close(s);
		ck_assert_int_eq(open_site(d, 0, NULL, &s), EWS_OK);
		ews_site_close(s);
		helper_rmtree(d);
		free(d);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site");
	TCase *tc;

	tc = tcase("open");
	tcase_add_test(tc, site_new_has_the_local_gateway);
	tcase_add_test(tc, site_open_exclusive_refuses_an_existing_site);
	tcase_add_test(tc, site_open_exclusive_leaves_no_file_when_it_fails);
	tcase_add_test(tc,
	               site_new_has_six_predefined_loads_then_others_gas_water);
	tcase_add_test(tc, site_schema_version_is_7_and_catalogue_is_loaded);
	tcase_add_test(tc, site_reopen_keeps_the_data);
	tcase_add_test(tc,
	               site_open_without_create_on_missing_dir_is_not_found);
	tcase_add_test(tc, site_open_with_create_makes_its_directory);
	tcase_add_test(tc,
	               site_refuses_a_sqlite_database_that_is_not_an_ews_site);
	tcase_add_test(tc, site_leaves_a_foreign_database_untouched);
	tcase_add_test(tc, site_refuses_a_file_that_is_not_a_database);
	tcase_add_test(tc, site_refuses_a_database_newer_than_the_library);
	tcase_add_test(tc, site_open_refuses_unknown_opts_version);
	tcase_add_test(tc, site_open_refuses_a_bad_timezone);
	tcase_add_test(tc, site_timezone_of_opts_seeds_a_new_site_only);
	tcase_add_test(tc, site_close_and_list_free_accept_null);
	tcase_add_test(tc, site_lifetime_many_sites_open_and_close_cleanly);
	suite_add_tcase(s, tc);

	return helper_run(s);
}
