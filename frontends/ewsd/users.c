/*
 * Users (USR-3): managers (the default administrator and greenUp) list,
 * add and edit users, their pages and codes, and disable them without
 * erasing; every user changes its own codes. Codes go in, never out.
 */
#include <string.h>

#include "ewsd.h"

enum { CODE_TEXT = 48 };

void
ewsd_json_user(struct jw *j, const ews_user *u)
{
	jw_object_begin(j);
	jw_field_int(j, "id", u->id);
	jw_field_str(j, "name", u->name);
	jw_key(j, "pages");
	jw_array_begin(j, 1);
	for (unsigned int bit = 1; bit & EWS_PAGES_ALL; bit <<= 1)
		if (u->pages & bit)
			jw_str(j, ews_page_name((ews_page)bit));
	jw_array_end(j);
	jw_field_bool(j, "manager", u->manager);
	jw_field_bool(j, "enabled", u->enabled);
	jw_field_bool(j, "default_codes", u->default_codes);
	jw_object_end(j);
}

/* "pages": ["consumption", …] into u->pages; 0 or replied. */
static int
body_pages(struct ewsd_req *q, ews_user *u)
{
	yajl_val v = ewsd_body_get(q, "pages");

	if (!v)
		return 0;
	if (!YAJL_IS_ARRAY(v)) {
		ewsd_reply_error(q, 400, "bad_field", "pages",
		                 "pages: must be an array of page names");
		return -1;
	}
	u->pages = 0;
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val p = v->u.array.values[i];
		ews_page page;

		if (!YAJL_IS_STRING(p)) {
			ewsd_reply_error(q, 400, "bad_field", "pages",
			                 "pages: must be an array of page "
			                 "names");
			return -1;
		}
		if (ews_page_from_name(p->u.string, &page) != EWS_OK) {
			ewsd_reply_status(q, EWS_EINVAL);
			return -1;
		}
		u->pages |= page;
	}
	return 0;
}

static void
list_users(struct ewsd_req *q)
{
	ews_list *users = NULL;
	ews_status st = ews_site_user_list(q->d->site, &users);
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(users); i++)
		ewsd_json_user(j, ews_list_user(users, i));
	jw_array_end(j);
	ewsd_reply_end(q, 200);
	ews_list_free(users);
}

static void
get_user(struct ewsd_req *q)
{
	ews_user u = { .version = EWS_USER_VERSION };
	ews_status st = ews_site_user_get(q->d->site, q->ids[0], &u);
	struct jw *j;

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	ewsd_json_user(j, &u);
	ewsd_reply_end(q, 200);
}

static const char *const user_fields[] = { "name",    "pages", "manager",
	                                   "enabled", "pin",   "puk",
	                                   NULL };

/* The editable fields of the body into u; 0 or replied. */
static int
body_user(struct ewsd_req *q, ews_user *u, int adding)
{
	return ewsd_body_only(q, user_fields) ||
	       ewsd_body_str(q, "name", adding, u->name, sizeof(u->name)) ||
	       body_pages(q, u) ||
	       ewsd_body_bool(q, "manager", 0, &u->manager) ||
	       ewsd_body_bool(q, "enabled", 0, &u->enabled);
}

static void
add_user(struct ewsd_req *q)
{
	char pin[CODE_TEXT] = "", puk[CODE_TEXT] = "";
	ews_user u;
	ews_status st;

	ews_user_init(&u, EWS_USER_VERSION);
	if (body_user(q, &u, 1) ||
	    ewsd_body_str(q, "pin", 1, pin, sizeof(pin)) ||
	    ewsd_body_str(q, "puk", 1, puk, sizeof(puk)))
		return;
	st = ews_site_user_add(q->d->site, &u, pin, puk);
	memset(pin, 0, sizeof(pin));
	memset(puk, 0, sizeof(puk));
	if (st == EWS_OK)
		ewsd_log("user '%s' added by '%s'", u.name, q->user->name);
	ewsd_reply_done(q, st, u.id);
}

static void
put_user(struct ewsd_req *q)
{
	char pin[CODE_TEXT] = "", puk[CODE_TEXT] = "";
	ews_user u = { .version = EWS_USER_VERSION };
	ews_status st = ews_site_user_get(q->d->site, q->ids[0], &u);

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	if (body_user(q, &u, 0) ||
	    ewsd_body_str(q, "pin", 0, pin, sizeof(pin)) ||
	    ewsd_body_str(q, "puk", 0, puk, sizeof(puk)))
		return;
	st = ews_site_user_update(q->d->site, &u);
	if (st == EWS_OK && (pin[0] || puk[0]))
		st = ews_site_user_set_codes(q->d->site, u.id,
		                             pin[0] ? pin : NULL,
		                             puk[0] ? puk : NULL);
	memset(pin, 0, sizeof(pin));
	memset(puk, 0, sizeof(puk));
	if (st == EWS_OK) {
		ewsd_auth_user_changed(q->d, &u, NULL);
		ewsd_log("user '%s' changed by '%s'", u.name, q->user->name);
	}
	ewsd_reply_done(q, st, 0);
}

/* Every user changes its own codes (the defaults first of all), proving
 * it is the user with the current PIN: an open session left on a screen
 * is not enough. Its other sessions end. */
static void
put_own_codes(struct ewsd_req *q)
{
	static const char *const known[] = { "current_pin", "pin", "puk",
		                             NULL };
	char cur[CODE_TEXT] = "", pin[CODE_TEXT] = "", puk[CODE_TEXT] = "";
	ews_user me = { .version = EWS_USER_VERSION };
	ews_status st;

	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "current_pin", 1, cur, sizeof(cur)) ||
	    ewsd_body_str(q, "pin", 0, pin, sizeof(pin)) ||
	    ewsd_body_str(q, "puk", 0, puk, sizeof(puk)))
		return;
	if (!pin[0] && !puk[0]) {
		ewsd_reply_error(q, 400, "bad_field", "pin",
		                 "give a new pin, a new puk or both");
		return;
	}
	if (ewsd_auth_throttled(q))
		return; /* guessing through here is counted like logins */
	st = ews_site_user_check_pin(q->d->site, cur, &me);
	memset(cur, 0, sizeof(cur));
	if (st != EWS_OK || me.id != q->user->id) {
		ewsd_auth_count_failure(q);
		ewsd_reply_error(q, 403, "wrong_code", "current_pin",
		                 "current_pin: not this user's PIN");
		return;
	}
	st = ews_site_user_set_codes(q->d->site, q->user->id,
	                             pin[0] ? pin : NULL, puk[0] ? puk : NULL);
	memset(pin, 0, sizeof(pin));
	memset(puk, 0, sizeof(puk));
	if (st == EWS_OK) {
		ews_user u = { .version = EWS_USER_VERSION };

		if (ews_site_user_get(q->d->site, q->user->id, &u) == EWS_OK)
			ewsd_auth_user_changed(q->d, &u, q->session);
		ewsd_log("user '%s' changed its codes", q->user->name);
	}
	ewsd_reply_done(q, st, 0);
}

const struct ewsd_route ewsd_users_routes[] = {
	{ "GET", "/api/v1/users", list_users, EWSD_MANAGER, 0,
	  "Every user, its pages and whether it still has default codes" },
	{ "POST", "/api/v1/users", add_user, EWSD_MANAGER, 0,
	  "Add a user: {name, pin, puk, pages, manager, enabled}" },
	{ "GET", "/api/v1/users/{id}", get_user, EWSD_MANAGER, 0, "One user" },
	{ "PUT", "/api/v1/users/{id}", put_user, EWSD_MANAGER, 0,
	  "Change a user's name, pages, manager flag, ON/OFF or codes" },
	{ "PUT", "/api/v1/session/codes", put_own_codes, EWSD_SESSION, 0,
	  "Change one's own PIN and/or PUK" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
