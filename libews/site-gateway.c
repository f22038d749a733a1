#include <stdio.h>
#include <string.h>

#include <ews/site.h>

#include "error-private.h"
#include "site-private.h"

/* Gateways (INS-1, INS-3, INS-4). The Local gateway is id 1 (site.c). */

enum { DEFAULT_MODBUS_PORT = 502 };

#define GATEWAY_SELECT                                                         \
	"SELECT id, kind, name, ip, port, description, ifnull(board_id, 0),"   \
	" ifnull(eq_device_id, 0), enabled FROM gateway"

ews_status
ews_gateway_init(ews_gateway *gw, unsigned int version)
{
	ews_status st =
	        ews__check_version(version, EWS_GATEWAY_VERSION, "ews_gateway");

	if (st != EWS_OK)
		return st;
	memset(gw, 0, sizeof(*gw));
	gw->version = version;
	gw->kind = EWS_GATEWAY_PHYSICAL;
	gw->port = DEFAULT_MODBUS_PORT;
	gw->enabled = 1;
	return EWS_OK;
}

const char *
ews_gateway_kind_name(ews_gateway_kind kind)
{
	switch (kind) {
	case EWS_GATEWAY_LOCAL:
		return "local";
	case EWS_GATEWAY_PHYSICAL:
		return "physical";
	case EWS_GATEWAY_VIRTUAL:
		return "virtual";
	}
	return NULL;
}

static ews_status
read_row(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_gateway *gw = item;

	ews_gateway_init(gw, EWS_GATEWAY_VERSION);
	gw->id = sqlite3_column_int64(st, 0);
	gw->kind = (ews_gateway_kind)sqlite3_column_int(st, 1);
	ews__site_column_text(st, 2, gw->name, sizeof(gw->name));
	ews__site_column_text(st, 3, gw->ip, sizeof(gw->ip));
	gw->port = (unsigned int)sqlite3_column_int(st, 4);
	ews__site_column_text(st, 5, gw->description, sizeof(gw->description));
	gw->board_id = sqlite3_column_int64(st, 6);
	gw->eq_device_id = sqlite3_column_int64(st, 7);
	gw->enabled = sqlite3_column_int(st, 8);
	return EWS_OK;
}

/* Copy the fields the caller's struct version has; all of version 1. */
static void
copy_out(ews_gateway *out, const ews_gateway *gw)
{
	unsigned int version = out->version;

	*out = *gw;
	out->version = version ? version : EWS_GATEWAY_VERSION;
}

ews_status
ews_site_gateway_get(ews_site *site, int64_t id, ews_gateway *out)
{
	ews_list *list;
	ews_status st;

	st = ews__site_select(site, EWS__LIST_GATEWAY, sizeof(ews_gateway),
	                      read_row, &list, GATEWAY_SELECT " WHERE id = ?",
	                      "i", id);
	if (st != EWS_OK)
		return st;
	if (ews_list_len(list) == 1)
		copy_out(out, ews_list_gateway(list, 0));
	else
		st = ews__fail_field(EWS_ENOTFOUND, "gateway",
		                     "%lld does not exist", (long long)id);
	ews_list_free(list);
	return st;
}

ews_status
ews_site_gateway_list(ews_site *site, ews_list **out)
{
	return ews__site_select(site, EWS__LIST_GATEWAY, sizeof(ews_gateway),
	                        read_row, out, GATEWAY_SELECT " ORDER BY id",
	                        "");
}

const ews_gateway *
ews_list_gateway(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_GATEWAY, i);
}

/* The EQ device of a gateway must be one of its devices that measures
 * THD or harmonics (§7.16.1.4); one per gateway by construction. */
static ews_status
check_eq_device(ews_site *site, const ews_gateway *gw)
{
	const ews_model *model;
	ews_device dev;
	ews_status st;

	if (gw->eq_device_id == 0)
		return EWS_OK;
	st = ews_site_device_get(site, gw->eq_device_id, &dev);
	if (st == EWS_ENOTFOUND || (st == EWS_OK && dev.gateway_id != gw->id))
		return ews__fail_field(EWS_ENOTFOUND, "eq_device",
		                       "device %lld is not on this gateway",
		                       (long long)gw->eq_device_id);
	if (st != EWS_OK)
		return st;
	if (ews_catalog_find(site->catalog, dev.model, &model) != EWS_OK ||
	    !(model->caps & (EWS_CAP_THD | EWS_CAP_HARMONICS)))
		return ews__fail_field(EWS_EINVAL, "eq_device",
		                       "device %lld (%s) measures neither THD "
		                       "nor harmonics",
		                       (long long)gw->eq_device_id, dev.model);
	return EWS_OK;
}

static ews_status
check_unique_name(ews_site *site, const ews_gateway *gw)
{
	int64_t other;
	ews_status st;

	st = ews__site_scalar(
	        site, &other,
	        "SELECT id FROM gateway WHERE name = ? AND id != ?", "si",
	        gw->name, gw->id);
	if (st == EWS_ENOTFOUND)
		return EWS_OK;
	if (st != EWS_OK)
		return st;
	return ews__fail_field(EWS_EEXIST, "name",
	                       "'%s' is already used by gateway %lld", gw->name,
	                       (long long)other);
}

/* Every rule of INS-1 on a gateway about to be stored. `gw->name` may be
 * rewritten to its default (the IP address). */
static ews_status
validate(ews_site *site, ews_gateway *gw)
{
	ews_category board;
	ews_status st;

	if (gw->port == 0)
		gw->port = DEFAULT_MODBUS_PORT;
	if ((st = ews__check_terminated("name", gw->name, sizeof(gw->name))) ||
	    (st = ews__check_terminated("ip", gw->ip, sizeof(gw->ip))) ||
	    (st = ews__check_terminated("description", gw->description,
	                                sizeof(gw->description))))
		return st;
	if ((st = ews__check_ip("ip", gw->ip)) != EWS_OK)
		return st;
	if (gw->port > 65535)
		return ews__fail_field(EWS_EINVAL, "port",
		                       "%u is outside 1-65535", gw->port);
	if (!gw->name[0])
		snprintf(gw->name, sizeof(gw->name), "%s", gw->ip);
	if ((st = ews__check_name("name", gw->name, 1)) != EWS_OK ||
	    (st = ews__check_text("description", gw->description)) != EWS_OK ||
	    (st = check_unique_name(site, gw)) != EWS_OK)
		return st;
	if (gw->board_id && (st = ews__site_category_expect(
	                             site, gw->board_id, EWS_CATEGORY_BOARD,
	                             "board", &board)) != EWS_OK)
		return st;
	return check_eq_device(site, gw);
}

ews_status
ews_site_gateway_add(ews_site *site, ews_gateway *gw)
{
	ews_gateway copy;
	ews_status st;

	if ((st = ews__check_version(gw->version, EWS_GATEWAY_VERSION,
	                             "ews_gateway")) != EWS_OK)
		return st;
	copy = *gw;
	copy.id = 0;
	copy.eq_device_id = 0; /* a new gateway has no devices yet */
	if (copy.kind == EWS_GATEWAY_LOCAL)
		return ews__fail_field(EWS_EDENIED, "kind",
		                       "the Local gateway exists already and "
		                       "there is only one");
	if (copy.kind != EWS_GATEWAY_PHYSICAL &&
	    copy.kind != EWS_GATEWAY_VIRTUAL)
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "%d is not physical or virtual",
		                       (int)copy.kind);
	copy.enabled = copy.enabled != 0;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = validate(site, &copy);
	if (st == EWS_OK)
		st = ews__site_exec(site,
		                    "INSERT INTO gateway (kind, name, ip, port,"
		                    " description, board_id, enabled)"
		                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
		                    "issusni", (int64_t)copy.kind, copy.name,
		                    copy.ip, copy.port, copy.description,
		                    copy.board_id, (int64_t)copy.enabled);
	copy.id = sqlite3_last_insert_rowid(site->db);
	if ((st = ews__site_end(site, st)) == EWS_OK) {
		gw->id = copy.id;
		memcpy(gw->name, copy.name, sizeof(gw->name));
		gw->port = copy.port;
		gw->eq_device_id = 0;
	}
	return st;
}

/* INS-3: OFF turns the gateway's devices off; ON brings back exactly those
 * that it turned off, so a device switched off by hand stays off. */
static ews_status
switch_gateway(ews_site *site, int64_t id, int enabled)
{
	ews_status st;

	st = ews__site_exec(site, "UPDATE gateway SET enabled = ? WHERE id = ?",
	                    "ii", (int64_t)enabled, id);
	if (st != EWS_OK)
		return st;
	if (!enabled)
		return ews__site_exec(site,
		                      "UPDATE device SET enabled = 0,"
		                      " off_by_gateway = 1"
		                      " WHERE gateway_id = ? AND enabled = 1",
		                      "i", id);
	return ews__site_exec(
	        site,
	        "UPDATE device SET enabled = 1, off_by_gateway = 0"
	        " WHERE gateway_id = ? AND off_by_gateway = 1",
	        "i", id);
}

static ews_status
check_update(ews_site *site, const ews_gateway *old, ews_gateway *gw)
{
	if (gw->kind != old->kind)
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "a %s gateway cannot become %s",
		                       ews_gateway_kind_name(old->kind),
		                       ews_gateway_kind_name(gw->kind)
		                               ? ews_gateway_kind_name(gw->kind)
		                               : "unknown");
	if (old->kind == EWS_GATEWAY_LOCAL &&
	    (strcmp(gw->ip, old->ip) != 0 ||
	     (gw->port && gw->port != old->port)))
		return ews__fail_field(EWS_EDENIED,
		                       strcmp(gw->ip, old->ip) ? "ip" : "port",
		                       "the address of the Local gateway is "
		                       "fixed");
	return validate(site, gw);
}

ews_status
ews_site_gateway_update(ews_site *site, const ews_gateway *gw)
{
	ews_gateway old, copy;
	ews_status st;

	if ((st = ews__check_version(gw->version, EWS_GATEWAY_VERSION,
	                             "ews_gateway")) != EWS_OK)
		return st;
	copy = *gw;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_gateway_get(site, gw->id, &old);
	if (st == EWS_OK)
		st = check_update(site, &old, &copy);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "UPDATE gateway SET name = ?, ip = ?, port = ?,"
		        " description = ?, board_id = ?,"
		        " eq_device_id = ? WHERE id = ?",
		        "ssusnni", copy.name, copy.ip, copy.port,
		        copy.description, copy.board_id, copy.eq_device_id,
		        copy.id);
	if (st == EWS_OK && (copy.enabled != 0) != (old.enabled != 0))
		st = switch_gateway(site, copy.id, copy.enabled != 0);
	return ews__site_end(site, st);
}

ews_status
ews_site_gateway_set_enabled(ews_site *site, int64_t id, int enabled)
{
	ews_gateway gw;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_gateway_get(site, id, &gw);
	if (st == EWS_OK && (gw.enabled != 0) != (enabled != 0))
		st = switch_gateway(site, id, enabled != 0);
	return ews__site_end(site, st);
}

ews_status
ews_site_gateway_delete(ews_site *site, int64_t id)
{
	ews_gateway gw;
	int64_t devices;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_gateway_get(site, id, &gw);
	if (st == EWS_OK && gw.kind == EWS_GATEWAY_LOCAL)
		st = ews__fail_field(EWS_EDENIED, "gateway",
		                     "the Local gateway cannot be deleted; "
		                     "switch it off instead");
	if (st == EWS_OK)
		st = ews__site_scalar(site, &devices,
		                      "SELECT count(*) FROM device"
		                      " WHERE gateway_id = ?",
		                      "i", id);
	if (st == EWS_OK && devices > 0)
		st = ews__fail_field(EWS_EINUSE, "gateway",
		                     "'%s' still has %lld device%s: delete "
		                     "them first",
		                     gw.name, (long long)devices,
		                     devices == 1 ? "" : "s");
	if (st == EWS_OK)
		st = ews__site_exec(site, "DELETE FROM gateway WHERE id = ?",
		                    "i", id);
	return ews__site_end(site, st);
}
