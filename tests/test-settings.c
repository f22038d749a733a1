/*
 * A site's life (open, create, reopen, refuse, close), its loads, measure
 * groups and panel boards (INS-6, INS-7, INS-8) and its settings (SYS-1,
 * ACQ-1, ACQ-2, TAR-1, HIS-2). Gateways and devices are in test-site.c.
 *
 * Every test has a fresh site in its own directory. Every refusal is
 * checked for its code, its field, a message, and a stored state that is
 * exactly what it was (REFUSED).
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ews/site.h>

#include "helpers.h"

static char *dir;
static ews_site *site;

static ews_status
open_site(const char *path, unsigned int flags, const char *timezone,
          ews_site **out)
{
	ews_site_opts opts;

	ck_assert_int_eq(ews_site_opts_init(&opts, EWS_SITE_OPTS_VERSION),
	                 EWS_OK);
	opts.flags = flags;
	opts.timezone = timezone;
	opts.catalog_dir = helper_catalog_dir();
	return ews_site_open(path, &opts, out);
}

static void
setup(void)
{
	dir = helper_tmpdir();
	ck_assert_msg(open_site(dir, EWS_SITE_CREATE, NULL, &site) == EWS_OK,
	              "open %s: %s", dir, ews_error_last()->message);
}

static void
teardown(void)
{
	ews_site_close(site);
	site = NULL;
	helper_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* Close the fixture's site and open it again from disk. */
static void
reopen(void)
{
	ews_site_close(site);
	site = NULL;
	ck_assert_msg(open_site(dir, 0, NULL, &site) == EWS_OK, "reopen: %s",
	              ews_error_last()->message);
}

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

/* The last error has this code, names this field and says something. */
static void
assert_error(ews_status code, const char *field)
{
	const ews_error *e = ews_error_last();

	ck_assert_int_eq(e->code, code);
	ck_assert_ptr_nonnull(e->field);
	ck_assert_str_eq(e->field, field);
	ck_assert_ptr_nonnull(e->message);
	ck_assert_msg(e->message[0] != '\0', "empty error message");
}

/* Every stored record and setting, back to back, for memcmp (INS-9). */
static char *
snapshot(size_t *len)
{
	char *buf = NULL, *value;
	FILE *f = open_memstream(&buf, len);
	ews_list *l;
	size_t i;
	int k;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ews_site_gateway_list(site, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++)
		fwrite(ews_list_gateway(l, i), sizeof(ews_gateway), 1, f);
	ews_list_free(l);
	ck_assert_int_eq(ews_site_device_list(site, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++)
		fwrite(ews_list_device(l, i), sizeof(ews_device), 1, f);
	ews_list_free(l);
	for (k = EWS_CATEGORY_LOAD; k <= EWS_CATEGORY_BOARD; k++) {
		ck_assert_int_eq(
		        ews_site_category_list(site, (ews_category_kind)k, &l),
		        EWS_OK);
		for (i = 0; i < ews_list_len(l); i++)
			fwrite(ews_list_category(l, i), sizeof(ews_category), 1,
			       f);
		ews_list_free(l);
	}
	for (i = 0; i < ews_setting_count(); i++) {
		ck_assert_int_eq(
		        ews_site_setting_get(site, ews_setting_name(i), &value),
		        EWS_OK);
		fprintf(f, "%s=%s;", ews_setting_name(i), value);
		ews_free(value);
	}
	fclose(f);
	return buf;
}

static void
assert_unchanged(char *before, size_t len)
{
	size_t len2;
	char *after = snapshot(&len2);

	ck_assert_msg(len == len2 && memcmp(before, after, len) == 0,
	              "a refused change altered the stored state");
	free(before);
	free(after);
}

#define REFUSED(call, code, field)                                             \
	do {                                                                   \
		size_t len_;                                                   \
		char *before_ = snapshot(&len_);                               \
		ck_assert_int_eq((call), (code));                              \
		assert_error((code), (field));                                 \
		assert_unchanged(before_, len_);                               \
	} while (0)

static void
assert_setting(const char *name, const char *want)
{
	char *value = NULL;

	ck_assert_int_eq(ews_site_setting_get(site, name, &value), EWS_OK);
	ck_assert_ptr_nonnull(value);
	ck_assert_msg(strcmp(value, want) == 0, "%s is '%s', not '%s'", name,
	              value, want);
	ews_free(value);
}

static int64_t
cat_add(ews_category_kind kind, const char *name)
{
	ews_category c;

	ck_assert_int_eq(ews_category_init(&c, EWS_CATEGORY_VERSION, kind),
	                 EWS_OK);
	snprintf(c.name, sizeof(c.name), "%s", name);
	ck_assert_msg(ews_site_category_add(site, &c) == EWS_OK, "%s: %s", name,
	              ews_error_last()->message);
	ck_assert_int_gt(c.id, 0);
	ck_assert_int_eq(c.origin, EWS_ORIGIN_USER);
	return c.id;
}

static ews_category
cat_get(int64_t id)
{
	ews_category c;

	ck_assert_int_eq(ews_site_category_get(site, id, &c), EWS_OK);
	return c;
}

static ews_category
cat_new(ews_category_kind kind, const char *name)
{
	ews_category c;

	ck_assert_int_eq(ews_category_init(&c, EWS_CATEGORY_VERSION, kind),
	                 EWS_OK);
	snprintf(c.name, sizeof(c.name), "%s", name);
	return c;
}

/* Id of the first load of an origin (predefined: the first of six). */
static int64_t
load_of(ews_category_origin origin)
{
	ews_list *list;
	int64_t id = 0;
	size_t i;

	ck_assert_int_eq(ews_site_category_list(site, EWS_CATEGORY_LOAD, &list),
	                 EWS_OK);
	for (i = ews_list_len(list); i > 0; i--)
		if (ews_list_category(list, i - 1)->origin == origin)
			id = ews_list_category(list, i - 1)->id;
	ews_list_free(list);
	ck_assert_int_gt(id, 0);
	return id;
}

static int64_t
meter_add(unsigned int address, int64_t load, int64_t group)
{
	ews_device d;

	ck_assert_int_eq(ews_device_init(&d, EWS_DEVICE_VERSION), EWS_OK);
	d.gateway_id = 1;
	snprintf(d.model, sizeof(d.model), "eastron_sdm630");
	d.address = address;
	d.load_id = load;
	d.group_count = group != 0;
	d.group_ids[0] = group;
	ck_assert_msg(ews_site_device_add(site, &d) == EWS_OK, "device: %s",
	              ews_error_last()->message);
	return d.id;
}

static ews_device
dev_get(int64_t id)
{
	ews_device d;

	ck_assert_int_eq(ews_device_init(&d, EWS_DEVICE_VERSION), EWS_OK);
	ck_assert_int_eq(ews_site_device_get(site, id, &d), EWS_OK);
	return d;
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

START_TEST(site_schema_version_is_1_and_catalogue_is_loaded)
{
	const ews_model *m;

	ck_assert_int_eq(ews_site_schema_version(site), 1);
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
	ck_assert_int_eq(ews_site_schema_version(site), 1);
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

START_TEST(site_open_with_create_makes_its_directory)
{
	char *sub = path_in("new"), *db = path_in("new/site.db");
	ews_site *s;

	ck_assert_int_eq(open_site(sub, EWS_SITE_CREATE, NULL, &s), EWS_OK);
	ck_assert(exists(db));
	ck_assert_int_eq(ews_site_schema_version(s), 1);
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
	        sqlite3_exec(h, "PRAGMA user_version = 2", NULL, NULL, NULL),
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

static TCase *
tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

int
main(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase("open");

	tcase_add_test(tc, site_new_has_the_local_gateway);
	tcase_add_test(tc,
	               site_new_has_six_predefined_loads_then_others_gas_water);
	tcase_add_test(tc, site_schema_version_is_1_and_catalogue_is_loaded);
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
