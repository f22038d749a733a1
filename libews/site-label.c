#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "error-private.h"
#include "site-private.h"

/*
 * Custom labels of the inputs and outputs of supervision and EMS state /
 * control devices (INS-2, §7.16.1.4), e.g. "Door contact" on input 2.
 */

const char *
ews_io_kind_name(ews_io_kind kind)
{
	switch (kind) {
	case EWS_IO_INPUT:
		return "input";
	case EWS_IO_OUTPUT:
		return "output";
	}
	return NULL;
}

/* The device exists and its model takes this kind of label. */
static ews_status
check_target(ews_site *site, int64_t device, ews_io_kind kind,
             unsigned int number)
{
	unsigned int needed =
	        kind == EWS_IO_INPUT ? EWS_CAP_STATE : EWS_CAP_COMMAND;
	const ews_model *m;
	ews_device dev;
	ews_status st;

	if (!ews_io_kind_name(kind))
		return ews__fail_field(EWS_EINVAL, "kind",
		                       "%d is not input or output", (int)kind);
	dev.version = EWS_DEVICE_VERSION;
	if ((st = ews_site_device_get(site, device, &dev)) != EWS_OK)
		return st;
	if (ews_catalog_find(site->catalog, dev.model, &m) != EWS_OK ||
	    !(m->caps & EWS_CAP_LABELS) || !(m->caps & needed))
		return ews__fail_field(EWS_EINVAL, ews_io_kind_name(kind),
		                       "device %lld (%s) has no %s labels",
		                       (long long)device, dev.model,
		                       ews_io_kind_name(kind));
	if (number < 1 || number > EWS_IO_MAX)
		return ews__fail_field(EWS_EINVAL, ews_io_kind_name(kind),
		                       "%u is outside 1-%d", number,
		                       EWS_IO_MAX);
	return EWS_OK;
}

ews_status
ews_site_device_label_set(ews_site *site, int64_t device, ews_io_kind kind,
                          unsigned int number, const char *label)
{
	ews_status st;

	if (!label)
		return ews__fail_field(EWS_EINVAL, "label", "is required");
	if ((st = ews__check_name("label", label, 0)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = check_target(site, device, kind, number);
	if (st == EWS_OK && !*label)
		st = ews__site_exec(
		        site,
		        "DELETE FROM device_label WHERE device_id = ?"
		        " AND kind = ? AND number = ?",
		        "iiu", device, (int64_t)kind, number);
	else if (st == EWS_OK)
		st = ews__site_exec(site,
		                    "INSERT OR REPLACE INTO device_label"
		                    " (device_id, kind, number, label)"
		                    " VALUES (?, ?, ?, ?)",
		                    "iius", device, (int64_t)kind, number,
		                    label);
	return ews__site_end(site, st);
}

ews_status
ews_site_device_label_get(ews_site *site, int64_t device, ews_io_kind kind,
                          unsigned int number, char **out)
{
	sqlite3_stmt *stmt;
	ews_status st;
	int rc;

	*out = NULL;
	if ((st = check_target(site, device, kind, number)) != EWS_OK)
		return st;
	st = ews__site_prepare(site,
	                       "SELECT label FROM device_label WHERE"
	                       " device_id = ? AND kind = ? AND number = ?",
	                       &stmt);
	if (st != EWS_OK)
		return st;
	sqlite3_bind_int64(stmt, 1, device);
	sqlite3_bind_int(stmt, 2, (int)kind);
	sqlite3_bind_int(stmt, 3, (int)number);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = ews__strdup((const char *)sqlite3_column_text(stmt, 0));
	else if (rc == SQLITE_DONE)
		*out = ews__strdup("");
	else
		st = ews__site_db_fail(site, rc);
	sqlite3_finalize(stmt);
	if (st == EWS_OK && !*out)
		st = EWS_ENOMEM;
	return st;
}
