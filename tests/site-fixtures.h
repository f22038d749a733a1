#ifndef EWS_TEST_SITE_FIXTURES_H
#define EWS_TEST_SITE_FIXTURES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"

/*
 * Fixtures shared by the site tests: test-site.c, test-site-gateway.c,
 * test-site-device.c, test-site-category.c and test-settings.c. Include
 * from one test file per executable only (it defines `dir` and `site`).
 *
 * Every test works on a fresh site in its own directory `dir`, open as
 * `site`. Every refusal is checked for its code, its field, a message, and
 * a stored state that is exactly what it was (REFUSED).
 *
 * meter_add() has two forms; define one of these before the #include to
 * get it:
 *   SITE_FIXTURES_METER_ON_GATEWAY   meter_add(gw, address, name)
 *   SITE_FIXTURES_METER_IN_LOAD      meter_add(address, load, group)
 */

enum { LOCAL = 1 }; /* the Local gateway is id 1 in every site */

static char *dir;
static ews_site *site;

static inline ews_status
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

static inline void
setup(void)
{
	dir = helper_tmpdir();
	ck_assert_msg(open_site(dir, EWS_SITE_CREATE, NULL, &site) == EWS_OK,
	              "open %s: %s", dir, ews_error_last()->message);
}

static inline void
teardown(void)
{
	ews_site_close(site);
	site = NULL;
	helper_rmtree(dir);
	free(dir);
	dir = NULL;
}

/* Close the fixture's site and open it again from disk. */
static inline void
reopen(void)
{
	ews_site_close(site);
	site = NULL;
	ck_assert_msg(open_site(dir, 0, NULL, &site) == EWS_OK, "reopen: %s",
	              ews_error_last()->message);
}

/* A test case whose every test runs on a fresh site. */
static inline TCase *
tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

/* The last error has this code, names this field and says something. */
static inline void
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
static inline char *
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

static inline void
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

static inline void
assert_setting(const char *name, const char *want)
{
	char *value = NULL;

	ck_assert_int_eq(ews_site_setting_get(site, name, &value), EWS_OK);
	ck_assert_ptr_nonnull(value);
	ck_assert_msg(strcmp(value, want) == 0, "%s is '%s', not '%s'", name,
	              value, want);
	ews_free(value);
}

/* ------------------------------------------------------------------ */
/* Gateways                                                            */

static inline ews_gateway
gw_new(const char *name, const char *ip)
{
	ews_gateway gw;

	ck_assert_int_eq(ews_gateway_init(&gw, EWS_GATEWAY_VERSION), EWS_OK);
	snprintf(gw.name, sizeof(gw.name), "%s", name);
	snprintf(gw.ip, sizeof(gw.ip), "%s", ip);
	return gw;
}

static inline int64_t
gw_add(const char *name, const char *ip)
{
	ews_gateway gw = gw_new(name, ip);

	ck_assert_msg(ews_site_gateway_add(site, &gw) == EWS_OK,
	              "gateway %s: %s", ip, ews_error_last()->message);
	ck_assert_int_gt(gw.id, LOCAL);
	return gw.id;
}

static inline ews_gateway
gw_get(int64_t id)
{
	ews_gateway gw;

	ck_assert_int_eq(ews_gateway_init(&gw, EWS_GATEWAY_VERSION), EWS_OK);
	ck_assert_int_eq(ews_site_gateway_get(site, id, &gw), EWS_OK);
	return gw;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static inline ews_device
dev_new(int64_t gw, const char *model, unsigned int address)
{
	ews_device d;

	ck_assert_int_eq(ews_device_init(&d, EWS_DEVICE_VERSION), EWS_OK);
	d.gateway_id = gw;
	snprintf(d.model, sizeof(d.model), "%s", model);
	d.address = address;
	return d;
}

static inline int64_t
dev_add(ews_device *d)
{
	ck_assert_msg(ews_site_device_add(site, d) == EWS_OK,
	              "device %s at %u: %s", d->model, d->address,
	              ews_error_last()->message);
	ck_assert_int_gt(d->id, 0);
	return d->id;
}

static inline ews_device
dev_get(int64_t id)
{
	ews_device d;

	ck_assert_int_eq(ews_device_init(&d, EWS_DEVICE_VERSION), EWS_OK);
	ck_assert_int_eq(ews_site_device_get(site, id, &d), EWS_OK);
	return d;
}

#if defined(SITE_FIXTURES_METER_ON_GATEWAY)
/* An Eastron SDM630 (THD capable); name "" for the default. */
static inline int64_t
meter_add(int64_t gw, unsigned int address, const char *name)
{
	ews_device d = dev_new(gw, "eastron_sdm630", address);

	snprintf(d.name, sizeof(d.name), "%s", name);
	return dev_add(&d);
}
#elif defined(SITE_FIXTURES_METER_IN_LOAD)
/* An Eastron SDM630 on the Local gateway in `load` and, unless 0, `group`. */
static inline int64_t
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
#endif

static inline ews_device
generic_new(int64_t gw, unsigned int address)
{
	ews_device d = dev_new(gw, "generic_modbus_meter", address);

	d.read_code = 3;
	d.reg_address = 0x0100;
	d.reg_words = 2;
	d.multiplier = 0.01;
	return d;
}

static inline ews_device
pulse_new(const char *model, unsigned int address, unsigned int position,
          const char *concentrator)
{
	ews_device d = dev_new(LOCAL, model, address);

	d.position = position;
	snprintf(d.concentrator, sizeof(d.concentrator), "%s", concentrator);
	return d;
}

static inline size_t
device_count(int64_t gw)
{
	ews_list *list;
	size_t n;

	ck_assert_int_eq(ews_site_device_list(site, gw, &list), EWS_OK);
	n = ews_list_len(list);
	ews_list_free(list);
	return n;
}

/* ------------------------------------------------------------------ */
/* Loads, measure groups, panel boards                                 */

/* A user category of this kind and name; returns its id. */
static inline int64_t
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

static inline ews_category
cat_get(int64_t id)
{
	ews_category c;

	ck_assert_int_eq(ews_site_category_get(site, id, &c), EWS_OK);
	return c;
}

static inline ews_category
cat_new(ews_category_kind kind, const char *name)
{
	ews_category c;

	ck_assert_int_eq(ews_category_init(&c, EWS_CATEGORY_VERSION, kind),
	                 EWS_OK);
	snprintf(c.name, sizeof(c.name), "%s", name);
	return c;
}

/* Id of the first load of an origin (predefined: the first of six). */
static inline int64_t
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

#endif /* EWS_TEST_SITE_FIXTURES_H */
