#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "error-private.h"
#include "rollup.h"
#include "site-private.h"

/*
 * Site settings (SYS-1, SYS-2, ACQ-1, ACQ-2, TAR-1, HIS-2). Each has a
 * default written into a new site and one check; values are stored as the
 * canonical text the check accepted.
 */

typedef ews_status (*setting_check)(const char *name, const char *value);

struct setting {
	const char *name;
	const char *default_value;
	setting_check check;
	const char *const *choices; /* NULL-terminated, for one-of checks */
};

static const char *const sample_rates[] = { "1",  "5",  "10", "15",
	                                    "30", "60", NULL };
static const char *const decimals[] = { "comma", "point", NULL };
static const char *const separators[] = { "semicolon", "comma", NULL };
/* The 13 languages of the manual's §4 (BCP 47 tags). */
static const char *const languages[] = { "de", "en", "es", "fr",    "fr-BE",
	                                 "el", "it", "hu", "nl-BE", "nl",
	                                 "pl", "pt", "ru", NULL };
static const char *const bauds[] = { "1200",  "2400",   "4800",
	                             "9600",  "19200",  "38400",
	                             "57600", "115200", NULL };
static const char *const parities[] = { "even", "odd", "none", NULL };
static const char *const stop_bits[] = { "1", "2", NULL };

static ews_status
check_site_name(const char *name, const char *value)
{
	return ews__check_name(name, value, 1);
}

static ews_status
check_gas_factor(const char *name, const char *value)
{
	double v;

	/* Empty until the supplier's factor is known: gas then shows in m³
	 * only, never in a made-up kWh equivalent. */
	if (!*value)
		return EWS_OK;
	return ews__parse_decimal(name, value, 0.001, 100.0, &v);
}

static ews_status
check_rs485_port(const char *name, const char *value)
{
	if (strncmp(value, "/dev/", 5) != 0 || strstr(value, "..") ||
	    strlen(value) >= EWS_NAME_MAX)
		return ews__fail_field(EWS_EINVAL, name,
		                       "'%.*s' is not a serial device path "
		                       "under /dev",
		                       EWS_NAME_MAX, value);
	return ews__check_text(name, value);
}

static ews_status
check_timeout(const char *name, const char *value)
{
	unsigned int v;

	return ews__parse_uint(name, value, 50, 10000, &v);
}

static const struct setting settings[] = {
	{ "site_name", "ews", check_site_name, NULL },
	{ "timezone", "UTC", ews__check_timezone, NULL },
	{ "sample_rate_min", "10", NULL, sample_rates },
	{ "currency", "EUR", ews__check_currency, NULL },
	{ "gas_factor_kwh_per_m3", "", check_gas_factor, NULL },
	{ "csv_decimal", "comma", NULL, decimals },
	{ "csv_separator", "semicolon", NULL, separators },
	{ "language", "en", NULL, languages },
	{ "rs485_port", "/dev/ttyUSB0", check_rs485_port, NULL },
	{ "rs485_baud", "19200", NULL, bauds },
	{ "rs485_parity", "even", NULL, parities },
	{ "rs485_stop_bits", "1", NULL, stop_bits },
	{ "rs485_timeout_ms", "300", check_timeout, NULL },
};

enum { SETTING_COUNT = sizeof(settings) / sizeof(settings[0]) };

size_t
ews_setting_count(void)
{
	return SETTING_COUNT;
}

const char *
ews_setting_name(size_t i)
{
	return i < SETTING_COUNT ? settings[i].name : NULL;
}

/* Short names the CLI and API accept for a setting. */
static const char *const aliases[][2] = {
	{ "gas_factor", "gas_factor_kwh_per_m3" },
};

/* The setting called `name` (or an alias of it), or NULL with
 * EWS_ENOTFOUND recorded. */
static const struct setting *
find(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i][0], name) == 0)
			name = aliases[i][1];
	for (i = 0; name && i < SETTING_COUNT; i++)
		if (strcmp(settings[i].name, name) == 0)
			return &settings[i];
	ews__fail_field(EWS_ENOTFOUND, "setting", "'%.*s' is not a setting",
	                EWS_NAME_MAX, name ? name : "");
	return NULL;
}

static ews_status
check_choice(const struct setting *s, const char *value)
{
	char list[256] = "";
	size_t i;

	for (i = 0; s->choices[i]; i++)
		if (strcmp(s->choices[i], value) == 0)
			return EWS_OK;
	for (i = 0; s->choices[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		         "%s%s", i ? ", " : "", s->choices[i]);
	return ews__fail_field(EWS_EINVAL, s->name, "'%.*s' is not one of %s",
	                       EWS_NAME_MAX, value, list);
}

static ews_status
read_value(ews_site *site, const char *name, char **out)
{
	sqlite3_stmt *st;
	ews_status s;
	int rc;

	*out = NULL;
	s = ews__site_cached(site, EWS__STMT_SETTING_GET,
	                     "SELECT value FROM setting WHERE name = ?", &st);
	if (s != EWS_OK)
		return s;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		*out = ews__strdup(v ? v : "");
		s = *out ? EWS_OK : EWS_ENOMEM;
	} else {
		s = rc == SQLITE_DONE ? EWS_ENOTFOUND
		                      : ews__site_db_fail(site, rc);
	}
	sqlite3_reset(st);
	return s;
}

/* The CSV writer cannot tell a decimal comma from a field comma. */
static ews_status
check_csv_pair(ews_site *site, const char *name, const char *value)
{
	const char *other = strcmp(name, "csv_decimal") == 0 ? "csv_separator"
	                                                     : "csv_decimal";
	char *other_value;
	ews_status st;
	int clash;

	if (strcmp(name, "csv_decimal") != 0 &&
	    strcmp(name, "csv_separator") != 0)
		return EWS_OK;
	if ((st = read_value(site, other, &other_value)) != EWS_OK)
		return st == EWS_ENOTFOUND ? EWS_OK : st;
	clash = strcmp(value, "comma") == 0 &&
	        strcmp(other_value, "comma") == 0;
	free(other_value);
	if (clash)
		return ews__fail_field(EWS_EINVAL, name,
		                       "comma cannot be both the decimal and "
		                       "the field separator of the CSV files");
	return EWS_OK;
}

static ews_status
check_value(const struct setting *s, const char *value)
{
	if (strnlen(value, EWS_TEXT_MAX) == EWS_TEXT_MAX)
		return ews__fail_field(EWS_EINVAL, s->name,
		                       "is longer than %d bytes",
		                       EWS_TEXT_MAX - 1);
	return s->choices ? check_choice(s, value) : s->check(s->name, value);
}

ews_status
ews_site_setting_get(ews_site *site, const char *name, char **out)
{
	const struct setting *s = find(name);
	ews_status st;

	*out = NULL;
	if (!s)
		return EWS_ENOTFOUND;
	st = read_value(site, s->name, out);
	if (st == EWS_ENOTFOUND) /* added by a later version: its default */
		return (*out = ews__strdup(s->default_value)) ? EWS_OK
		                                              : EWS_ENOMEM;
	return st;
}

ews_status
ews_site_setting_set(ews_site *site, const char *name, const char *value)
{
	const struct setting *s = find(name);
	char *old = NULL;
	ews_status st;

	if (!s)
		return EWS_ENOTFOUND;
	name = s->name;
	if (!value)
		return ews__fail_field(EWS_EINVAL, name, "a value is required");
	if ((st = check_value(s, value)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = check_csv_pair(site, name, value);
	if (st == EWS_OK && strcmp(name, "timezone") == 0)
		st = read_value(site, name, &old);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "INSERT OR REPLACE INTO setting (name, value)"
		        " VALUES (?, ?)",
		        "ss", name, value);
	/* Local hours, days and months move with the zone: the rollups are
	 * derived again from the samples, in the same transaction. */
	if (st == EWS_OK && old && strcmp(old, value) != 0)
		st = ews__rollup_rebuild(site);
	free(old);
	return ews__site_end(site, st);
}

ews_status
ews__site_settings_seed(ews_site *site, const char *timezone)
{
	ews_status st = EWS_OK;
	size_t i;

	for (i = 0; st == EWS_OK && i < SETTING_COUNT; i++) {
		const char *value = settings[i].default_value;

		if (strcmp(settings[i].name, "timezone") == 0)
			value = timezone;
		st = ews__site_exec(site,
		                    "INSERT INTO setting (name, value)"
		                    " VALUES (?, ?)",
		                    "ss", settings[i].name, value);
	}
	return st;
}
