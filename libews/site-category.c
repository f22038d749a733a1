#include <stdio.h>
#include <string.h>

#include <ews/site.h>

#include "error-private.h"
#include "rollup.h"
#include "site-private.h"

/*
 * Loads, measure groups and panel boards (INS-6, INS-7) share one table and
 * one set of functions: the manual gives them one page with the same
 * add / disable / enable / erase functions. Only loads have built-in rows.
 */

#define CATEGORY_SELECT                                                        \
	"SELECT id, kind, origin, name, description, enabled FROM category"

const char *
ews_category_kind_name(ews_category_kind kind)
{
	switch (kind) {
	case EWS_CATEGORY_LOAD:
		return "load";
	case EWS_CATEGORY_GROUP:
		return "group";
	case EWS_CATEGORY_BOARD:
		return "board";
	}
	return NULL;
}

const char *
ews_category_origin_name(ews_category_origin origin)
{
	switch (origin) {
	case EWS_ORIGIN_USER:
		return "user";
	case EWS_ORIGIN_PREDEFINED:
		return "predefined";
	case EWS_ORIGIN_OTHERS:
		return "others";
	case EWS_ORIGIN_GAS:
		return "gas";
	case EWS_ORIGIN_WATER:
		return "water";
	}
	return NULL;
}

static int
valid_kind(ews_category_kind kind)
{
	return ews_category_kind_name(kind) != NULL;
}

ews_status
ews_category_init(ews_category *c, unsigned int version, ews_category_kind kind)
{
	ews_status st = ews__check_version(version, EWS_CATEGORY_VERSION,
	                                   "ews_category");

	if (st != EWS_OK)
		return st;
	if (!valid_kind(kind))
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "%d is not load, group or board",
		                       (int)kind);
	memset(c, 0, sizeof(*c));
	c->version = version;
	c->kind = kind;
	c->origin = EWS_ORIGIN_USER;
	c->enabled = 1;
	return EWS_OK;
}

static ews_status
read_row(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_category *c = item;

	memset(c, 0, sizeof(*c));
	c->version = EWS_CATEGORY_VERSION;
	c->id = sqlite3_column_int64(st, 0);
	c->kind = (ews_category_kind)sqlite3_column_int(st, 1);
	c->origin = (ews_category_origin)sqlite3_column_int(st, 2);
	ews__site_column_text(st, 3, c->name, sizeof(c->name));
	ews__site_column_text(st, 4, c->description, sizeof(c->description));
	c->enabled = sqlite3_column_int(st, 5);
	return EWS_OK;
}

ews_status
ews_site_category_get(ews_site *site, int64_t id, ews_category *out)
{
	ews_list *list;
	ews_status st;

	st = ews__site_select(site, EWS__LIST_CATEGORY, sizeof(ews_category),
	                      read_row, &list, CATEGORY_SELECT " WHERE id = ?",
	                      "i", id);
	if (st != EWS_OK)
		return st;
	if (ews_list_len(list) == 1)
		*out = *ews_list_category(list, 0);
	else
		st = ews__fail_field(EWS_ENOTFOUND, "id", "%lld does not exist",
		                     (long long)id);
	ews_list_free(list);
	return st;
}

ews_status
ews__site_category_expect(ews_site *site, int64_t id, ews_category_kind kind,
                          const char *field, ews_category *out)
{
	ews_status st = ews_site_category_get(site, id, out);

	if (st == EWS_OK && out->kind == kind)
		return EWS_OK;
	if (st == EWS_OK || st == EWS_ENOTFOUND)
		return ews__fail_field(
		        EWS_ENOTFOUND, field, "%s %lld does not exist",
		        ews_category_kind_name(kind), (long long)id);
	return st;
}

ews_status
ews__site_builtin_load(ews_site *site, ews_category_origin origin, int64_t *out)
{
	ews_status st = ews__site_scalar(site, out,
	                                 "SELECT id FROM category"
	                                 " WHERE kind = 1 AND origin = ?",
	                                 "i", (int64_t)origin);

	if (st == EWS_ENOTFOUND)
		return ews__fail(EWS_ERROR,
		                 "site: the built-in %s load is "
		                 "missing",
		                 ews_category_origin_name(origin));
	return st;
}

ews_status
ews_site_category_list(ews_site *site, ews_category_kind kind, ews_list **out)
{
	*out = NULL;
	if (!valid_kind(kind))
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "%d is not load, group or board",
		                       (int)kind);
	return ews__site_select(site, EWS__LIST_CATEGORY, sizeof(ews_category),
	                        read_row, out,
	                        CATEGORY_SELECT " WHERE kind = ? ORDER BY id",
	                        "i", (int64_t)kind);
}

const ews_category *
ews_list_category(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_CATEGORY, i);
}

static ews_status
validate(ews_site *site, const ews_category *c)
{
	int64_t other;
	ews_status st;

	if ((st = ews__check_terminated("name", c->name, sizeof(c->name))) ||
	    (st = ews__check_terminated("description", c->description,
	                                sizeof(c->description))))
		return st;
	if ((st = ews__check_name("name", c->name, 1)) != EWS_OK ||
	    (st = ews__check_text("description", c->description)) != EWS_OK)
		return st;
	st = ews__site_scalar(site, &other,
	                      "SELECT id FROM category"
	                      " WHERE kind = ? AND name = ? AND id != ?",
	                      "isi", (int64_t)c->kind, c->name, c->id);
	if (st == EWS_OK)
		return ews__fail_field(EWS_EEXIST, "name",
		                       "'%s' is already used by %s %lld",
		                       c->name, ews_category_kind_name(c->kind),
		                       (long long)other);
	return st == EWS_ENOTFOUND ? EWS_OK : st;
}

/* INS-6: six predefined loads and at most eight user loads. */
static ews_status
check_load_limit(ews_site *site)
{
	int64_t loads;
	ews_status st;

	st = ews__site_scalar(site, &loads,
	                      "SELECT count(*) FROM category"
	                      " WHERE kind = 1 AND origin IN (1, 2)",
	                      "");
	if (st == EWS_OK && loads >= EWS_LOADS_MAX)
		return ews__fail_field(EWS_ELIMIT, "load",
		                       "a site has at most %d loads (6 "
		                       "predefined and %d user loads)",
		                       EWS_LOADS_MAX, EWS_USER_LOADS_MAX);
	return st;
}

ews_status
ews_site_category_add(ews_site *site, ews_category *c)
{
	ews_category copy;
	ews_status st;

	if ((st = ews__check_version(c->version, EWS_CATEGORY_VERSION,
	                             "ews_category")) != EWS_OK)
		return st;
	if (!valid_kind(c->kind))
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "%d is not load, group or board",
		                       (int)c->kind);
	copy = *c;
	copy.id = 0;
	copy.origin = EWS_ORIGIN_USER;
	copy.enabled = copy.enabled != 0;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = validate(site, &copy);
	if (st == EWS_OK && copy.kind == EWS_CATEGORY_LOAD)
		st = check_load_limit(site);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "INSERT INTO category (kind, origin, name,"
		        " description, enabled) VALUES (?, ?, ?, ?, ?)",
		        "iissi", (int64_t)copy.kind, (int64_t)copy.origin,
		        copy.name, copy.description, (int64_t)copy.enabled);
	copy.id = sqlite3_last_insert_rowid(site->db);
	if ((st = ews__site_end(site, st)) == EWS_OK) {
		c->id = copy.id;
		c->origin = EWS_ORIGIN_USER;
	}
	return st;
}

ews_status
ews_site_category_update(ews_site *site, const ews_category *c)
{
	ews_category old;
	ews_status st;

	if ((st = ews__check_version(c->version, EWS_CATEGORY_VERSION,
	                             "ews_category")) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_category_get(site, c->id, &old);
	if (st == EWS_OK && old.kind != c->kind)
		st = ews__fail_field(EWS_EINVAL, "kind",
		                     "%lld is a %s, not a %s", (long long)c->id,
		                     ews_category_kind_name(old.kind),
		                     ews_category_kind_name(c->kind)
		                             ? ews_category_kind_name(c->kind)
		                             : "known kind");
	if (st == EWS_OK && old.origin != EWS_ORIGIN_USER &&
	    strcmp(old.name, c->name) != 0)
		st = ews__fail_field(EWS_EDENIED, "name",
		                     "the built-in load '%s' cannot be renamed",
		                     old.name);
	if (st == EWS_OK)
		st = validate(site, c);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "UPDATE category SET name = ?,"
		        " description = ?, enabled = ? WHERE id = ?",
		        "ssii", c->name, c->description,
		        (int64_t)(c->enabled != 0), c->id);
	if (st == EWS_OK && old.origin > EWS_ORIGIN_PREDEFINED && !c->enabled)
		st = ews__fail_field(EWS_EDENIED, "enabled",
		                     "the built-in load '%s' is always enabled",
		                     old.name);
	return ews__site_end(site, st);
}

ews_status
ews_site_category_set_enabled(ews_site *site, int64_t id, int enabled)
{
	ews_category c;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_category_get(site, id, &c);
	if (st == EWS_OK && c.origin > EWS_ORIGIN_PREDEFINED && !enabled)
		st = ews__fail_field(EWS_EDENIED, "load",
		                     "the built-in load '%s' cannot be "
		                     "disabled",
		                     c.name);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site, "UPDATE category SET enabled = ? WHERE id = ?",
		        "ii", (int64_t)(enabled != 0), id);
	return ews__site_end(site, st);
}

static ews_status
read_member(ews_site *site, sqlite3_stmt *st, void *item)
{
	return ews__device_scopes_get(site, sqlite3_column_int64(st, 0), item);
}

/* Delete a category; its devices' consumption moves to where they go
 * (a load's devices to "Others"; a group's leave the group). */
static ews_status
delete_with_members(ews_site *site, int64_t id)
{
	ews__device_scopes after;
	ews_list *members = NULL;
	ews_status st;
	size_t i;

	st = ews__site_select(site, EWS__LIST_DEVICE_SCOPES,
	                      sizeof(ews__device_scopes), read_member, &members,
	                      "SELECT id FROM device WHERE load_id = ?1"
	                      " UNION SELECT device_id FROM device_group"
	                      " WHERE group_id = ?1",
	                      "i", id);
	if (st == EWS_OK)
		st = ews__site_exec(site, "DELETE FROM category WHERE id = ?",
		                    "i", id);
	for (i = 0; st == EWS_OK && i < ews_list_len(members); i++) {
		const ews__device_scopes *before =
		        ews__list_at(members, EWS__LIST_DEVICE_SCOPES, i);

		st = ews__device_scopes_get(site, before->device_id, &after);
		if (st == EWS_OK)
			st = ews__rollup_rescope(site, before, &after);
	}
	ews_list_free(members);
	return st;
}

ews_status
ews_site_category_delete(ews_site *site, int64_t id)
{
	ews_category c;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_category_get(site, id, &c);
	if (st == EWS_OK && c.origin == EWS_ORIGIN_PREDEFINED)
		st = ews__fail_field(EWS_EDENIED, "load",
		                     "the predefined load '%s' can only be "
		                     "disabled",
		                     c.name);
	else if (st == EWS_OK && c.origin != EWS_ORIGIN_USER)
		st = ews__fail_field(EWS_EDENIED, "load",
		                     "the built-in load '%s' cannot be erased",
		                     c.name);
	/* Foreign keys clear device loads, memberships and board links;
	 * the members' histories move with them. */
	if (st == EWS_OK)
		st = delete_with_members(site, id);
	return ews__site_end(site, st);
}
