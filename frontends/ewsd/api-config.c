/*
 * The installation's configuration (INS-1, INS-3, INS-4, INS-6, INS-7):
 * gateways, loads, measure groups and panel boards, and the device
 * catalogue (CAT-1..4), as `ews gateway|load|group|board|catalog` do.
 *
 * A PUT reads the stored object, overlays the body's fields and stores the
 * whole object with one libews call, ON/OFF ("enabled") included: a
 * refusal leaves everything as it was.
 */
#include <string.h>

#include "ewsd.h"

/* Reads of the configuration: the pages that show gateways and boards. */
#define CONFIG_READERS                                                         \
	(EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_PANEL_BOARD | EWS_PAGE_CONSUMPTION)

/* An id field that may be null (or 0) for none, as the shapes write it;
 * 0 or replied. */
static int
body_ref(struct ewsd_req *q, const char *field, int64_t *out)
{
	yajl_val v = ewsd_body_get(q, field);

	if (!v)
		return 0;
	if (YAJL_IS_NULL(v)) {
		*out = 0;
		return 0;
	}
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0) {
		ewsd_reply_error(q, 400, "bad_field", field,
		                 "%s: must be an id (or null for none)", field);
		return -1;
	}
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Gateways                                                            */

static void
list_gateways(struct ewsd_req *q)
{
	ews_list *list = NULL;
	ews_status st = ews_site_gateway_list(q->d->site, &list);

	ewsd_reply_list(q, st, list, shape_at_gateway, shape_gateway);
}

static void
get_gateway(struct ewsd_req *q)
{
	ews_gateway gw;
	ews_status st;
	struct jw *j;

	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	if ((st = ews_site_gateway_get(q->d->site, q->ids[0], &gw))) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	shape_gateway(j, &gw);
	ewsd_reply_end(q, 200);
}

/* "kind": "physical" or "virtual" (the Local gateway exists from the
 * start); 0 or replied. */
static int
body_gateway_kind(struct ewsd_req *q, ews_gateway *gw)
{
	static const ews_gateway_kind kinds[] = { EWS_GATEWAY_LOCAL,
		                                  EWS_GATEWAY_PHYSICAL,
		                                  EWS_GATEWAY_VIRTUAL };
	char name[16] = "";

	if (!ewsd_body_get(q, "kind"))
		return 0;
	if (ewsd_body_str(q, "kind", 0, name, sizeof(name)))
		return -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(name, ews_gateway_kind_name(kinds[i]))) {
			gw->kind = kinds[i];
			return 0;
		}
	ewsd_reply_error(q, 400, "bad_field", "kind",
	                 "kind: '%s' is not physical or virtual", name);
	return -1;
}

/* libews's names of the gateway's references; the body's are ids. */
static const struct ewsd_field_name gateway_names[] = {
	{ "board", "board_id", EWS_OK },
	{ "eq_device", "eq_device_id", EWS_OK },
	{ NULL, NULL, EWS_OK },
};

/* The editable fields of the body into gw; 0 or replied. A new gateway
 * has no devices yet, so no EQ device. */
static int
body_gateway(struct ewsd_req *q, ews_gateway *gw, int adding)
{
	static const char *const add_fields[] = { "name",    "ip",
		                                  "port",    "description",
		                                  "kind",    "board_id",
		                                  "enabled", NULL };
	static const char *const put_fields[] = {
		"name",     "ip",           "port",    "description", "kind",
		"board_id", "eq_device_id", "enabled", NULL
	};

	return ewsd_body_only(q, adding ? add_fields : put_fields) ||
	       ewsd_body_str(q, "name", adding, gw->name, sizeof(gw->name)) ||
	       ewsd_body_str(q, "ip", adding, gw->ip, sizeof(gw->ip)) ||
	       ewsd_body_uint(q, "port", 0, &gw->port) ||
	       ewsd_body_str(q, "description", 0, gw->description,
	                     sizeof(gw->description)) ||
	       body_gateway_kind(q, gw) ||
	       body_ref(q, "board_id", &gw->board_id) ||
	       body_ref(q, "eq_device_id", &gw->eq_device_id) ||
	       ewsd_body_bool(q, "enabled", 0, &gw->enabled);
}

static void
add_gateway(struct ewsd_req *q)
{
	ews_gateway gw;
	ews_status st;

	q->fields = gateway_names;
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	if (body_gateway(q, &gw, 1))
		return;
	st = ews_site_gateway_add(q->d->site, &gw); /* sets gw.id */
	ewsd_reply_done(q, st, gw.id);
}

/* Fields, and ON/OFF: switching OFF turns the gateway's devices off in
 * the same transaction (INS-3), as `ews gateway off`. */
static void
put_gateway(struct ewsd_req *q)
{
	ews_gateway gw;
	ews_status st;

	q->fields = gateway_names;
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	if ((st = ews_site_gateway_get(q->d->site, q->ids[0], &gw))) {
		ewsd_reply_status(q, st);
		return;
	}
	if (body_gateway(q, &gw, 0))
		return;
	ewsd_reply_done(q, ews_site_gateway_update(q->d->site, &gw), 0);
}

static void
delete_gateway(struct ewsd_req *q)
{
	ewsd_reply_done(q, ews_site_gateway_delete(q->d->site, q->ids[0]), 0);
}

/* INS-5: blocks the loop for at most the gateway's timeout; a failed
 * round trip is an outcome (200), as `ews gateway test --json`. */
static void
test_gateway(struct ewsd_req *q)
{
	ews_test_result t = { .version = EWS_TEST_RESULT_VERSION };
	ews_status st = ews_site_gateway_test(q->d->site, q->ids[0], &t);

	ewsd_reply_one(q, st, shape_test_result, &t);
}

/* ------------------------------------------------------------------ */
/* Loads, measure groups, panel boards                                 */

/* The kind a route serves, from its path: one set of handlers for the
 * three, as cmd-category.c. */
static ews_category_kind
kind_of(const struct ewsd_req *q)
{
	const char *p = q->route->pattern + strlen("/api/v1/");

	if (!strncmp(p, "loads", 5))
		return EWS_CATEGORY_LOAD;
	if (!strncmp(p, "groups", 6))
		return EWS_CATEGORY_GROUP;
	return EWS_CATEGORY_BOARD;
}

/* Category q->ids[0], refusing one of another kind (404: it is not in
 * this collection); 0 or replied. */
static int
get_category_of_kind(struct ewsd_req *q, ews_category *out)
{
	ews_category_kind kind = kind_of(q);
	ews_status st;

	ews_category_init(out, EWS_CATEGORY_VERSION, kind);
	if ((st = ews_site_category_get(q->d->site, q->ids[0], out))) {
		ewsd_reply_status(q, st);
		return -1;
	}
	if (out->kind != kind) {
		ewsd_reply_error(
		        q, 404, "not_found", "id", "id: %lld is a %s, not a %s",
		        (long long)q->ids[0], ews_category_kind_name(out->kind),
		        ews_category_kind_name(kind));
		return -1;
	}
	return 0;
}

static void
list_categories(struct ewsd_req *q)
{
	ews_list *list = NULL;
	ews_status st = ews_site_category_list(q->d->site, kind_of(q), &list);

	ewsd_reply_list(q, st, list, shape_at_category, shape_category);
}

static void
get_category(struct ewsd_req *q)
{
	ews_category cat;
	struct jw *j;

	if (get_category_of_kind(q, &cat))
		return;
	j = ewsd_reply_begin(q);
	shape_category(j, &cat);
	ewsd_reply_end(q, 200);
}

static int
body_category(struct ewsd_req *q, ews_category *cat, int adding)
{
	static const char *const known[] = { "name", "description", "enabled",
		                             NULL };

	return ewsd_body_only(q, known) ||
	       ewsd_body_str(q, "name", adding, cat->name, sizeof(cat->name)) ||
	       ewsd_body_str(q, "description", 0, cat->description,
	                     sizeof(cat->description)) ||
	       ewsd_body_bool(q, "enabled", 0, &cat->enabled);
}

static void
add_category(struct ewsd_req *q)
{
	ews_category cat;
	ews_status st;

	ews_category_init(&cat, EWS_CATEGORY_VERSION, kind_of(q));
	if (body_category(q, &cat, 1))
		return;
	st = ews_site_category_add(q->d->site, &cat); /* sets cat.id */
	ewsd_reply_done(q, st, cat.id);
}

/* Rename, re-describe, enable or disable ("Others", gas and water loads
 * are always enabled; built-in loads keep their names: 409). */
static void
put_category(struct ewsd_req *q)
{
	ews_category cat;

	if (get_category_of_kind(q, &cat) || body_category(q, &cat, 0))
		return;
	ewsd_reply_done(q, ews_site_category_update(q->d->site, &cat), 0);
}

static void
delete_category(struct ewsd_req *q)
{
	ews_category cat;

	if (get_category_of_kind(q, &cat))
		return;
	ewsd_reply_done(q, ews_site_category_delete(q->d->site, cat.id), 0);
}

/* ------------------------------------------------------------------ */
/* The catalogue: the site's (installed models and "<site>/catalog")   */

static void
list_models(struct ewsd_req *q)
{
	const ews_catalog *cat = ews_site_catalog(q->d->site);
	static const char *const known[] = { "family", NULL };
	const char *family = ewsd_query(q, "family");
	ews_family f = 0;
	struct jw *j;

	if (ewsd_query_only(q, known))
		return;
	if (family && ews_family_from_name(family, &f) != EWS_OK) {
		ewsd_reply_error(q, 400, "bad_field", "family",
		                 "family: unknown family '%s'", family);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_catalog_count(cat); i++) {
		const ews_model *m = ews_catalog_at(cat, i);

		if (!family || m->family == f)
			shape_model(j, m);
	}
	jw_array_end(j);
	ewsd_reply_end(q, 200);
}

/* ?key=: a model's key or one of its catalogue numbers, as
 * `ews catalog show KEY`. */
static void
get_model(struct ewsd_req *q)
{
	static const char *const known[] = { "key", NULL };
	const char *key = ewsd_query(q, "key");
	const ews_model *m = NULL;
	ews_status st;
	struct jw *j;

	if (ewsd_query_only(q, known))
		return;
	if (!key || !key[0]) {
		ewsd_reply_error(q, 400, "bad_field", "key",
		                 "key: give a model's key or catalogue number");
		return;
	}
	st = ews_catalog_find(ews_site_catalog(q->d->site), key, &m);
	if (st != EWS_OK) {
		ewsd_reply_error(q, 404, "not_found", "key",
		                 "key: no model '%s' in the catalogue", key);
		return;
	}
	j = ewsd_reply_begin(q);
	shape_model_full(j, m);
	ewsd_reply_end(q, 200);
}

static void
get_problems(struct ewsd_req *q)
{
	struct jw *j = ewsd_reply_begin(q);

	shape_catalog_problems(j, ews_site_catalog(q->d->site));
	ewsd_reply_end(q, 200);
}

/* ------------------------------------------------------------------ */

#define CATEGORY_ROUTES(path, noun)                                            \
	{ "GET",      "/api/v1/" path, list_categories,                        \
	  EWSD_PAGES, CONFIG_READERS,  "Every " noun ", by id" },              \
	        { "POST",                                                      \
		  "/api/v1/" path,                                             \
		  add_category,                                                \
		  EWSD_PAGES,                                                  \
		  EWS_PAGE_SYSTEM_CONFIG,                                      \
		  "Add a " noun ": {name, description, enabled}" },            \
	        { "GET",      "/api/v1/" path "/{id}", get_category,           \
		  EWSD_PAGES, CONFIG_READERS,          "One " noun },          \
	        { "PUT",                                                       \
		  "/api/v1/" path "/{id}",                                     \
		  put_category,                                                \
		  EWSD_PAGES,                                                  \
		  EWS_PAGE_SYSTEM_CONFIG,                                      \
		  "Rename, re-describe, enable or disable a " noun             \
		  ": {name, description, enabled}" },                          \
	{                                                                      \
		"DELETE", "/api/v1/" path "/{id}", delete_category,            \
		        EWSD_PAGES, EWS_PAGE_SYSTEM_CONFIG,                    \
		        "Erase a " noun "; its devices and gateways lose the " \
		        "reference"                                            \
	}

const struct ewsd_route ewsd_config_routes[] = {
	{ "GET", "/api/v1/gateways", list_gateways, EWSD_PAGES, CONFIG_READERS,
	  "Every gateway, by id" },
	{ "POST", "/api/v1/gateways", add_gateway, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Add a gateway: {name, ip, port, description, kind, board_id, "
	  "enabled}" },
	{ "GET", "/api/v1/gateways/{id}", get_gateway, EWSD_PAGES,
	  CONFIG_READERS, "One gateway" },
	{ "PUT", "/api/v1/gateways/{id}", put_gateway, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Change a gateway or switch it ON/OFF: {name, ip, port, "
	  "description, board_id, eq_device_id, enabled}" },
	{ "DELETE", "/api/v1/gateways/{id}", delete_gateway, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG, "Delete a gateway that has no devices" },
	{ "POST", "/api/v1/gateways/{id}/test", test_gateway, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Open the gateway's connection now: outcome and round trip" },
	CATEGORY_ROUTES("loads", "load"),
	CATEGORY_ROUTES("groups", "measure group"),
	CATEGORY_ROUTES("boards", "panel board"),
	{ "GET", "/api/v1/catalog", list_models, EWSD_SESSION, 0,
	  "The catalogue's models, by key (?family=)" },
	{ "GET", "/api/v1/catalog/model", get_model, EWSD_SESSION, 0,
	  "One model and its register map (?key=KEY or catalogue number)" },
	{ "GET", "/api/v1/catalog/problems", get_problems, EWSD_SESSION, 0,
	  "The model files refused while loading the catalogue" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
