/*
 * The values of consumption and tariff queries as text, shared by `ews`
 * and ewsd so that both accept exactly the same (query.h).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* The commodities, in the order the frontends print them. */
static const ews_commodity commodities[] = { EWS_COMMODITY_ELECTRICITY,
	                                     EWS_COMMODITY_GAS,
	                                     EWS_COMMODITY_WATER };

const char *
query_commodity(const char *s, ews_commodity *out)
{
	for (size_t i = 0; i < sizeof(commodities) / sizeof(*commodities);
	     i++) {
		const char *name = ews_commodity_name(commodities[i]);

		if (name && strcmp(name, s) == 0) {
			*out = commodities[i];
			return NULL;
		}
	}
	return "a commodity: electricity, gas or water";
}

/* Digits only, no sign, within range. */
static int
whole(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < 0)
		return -1;
	*out = (int64_t)v;
	return 0;
}

const char *
query_id(const char *s, int64_t *out)
{
	int64_t v;

	if (whole(s, &v) || v == 0)
		return "an id (a positive whole number)";
	*out = v;
	return NULL;
}

const char *
query_scope(const char *s, ews_scope_kind *kind, int64_t *id)
{
	const char *colon = strchr(s, ':');
	char name[16];
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	ews_scope_kind k;
	int64_t v;

	if (strcmp(s, "site") == 0) {
		*kind = EWS_SCOPE_SITE;
		*id = 0;
		return NULL;
	}
	if (!colon || len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, s, len);
	name[len] = '\0';
	if (ews_scope_kind_from_name(name, &k) != EWS_OK ||
	    k == EWS_SCOPE_SITE || whole(colon + 1, &v) || v == 0)
		goto bad;
	*kind = k;
	*id = v;
	return NULL;
bad:
	return "a scope: site, device:ID, load:ID or group:ID";
}

const char *
query_period(const char *s, ews_period *out)
{
	if (ews_period_from_name(s, out) == EWS_OK)
		return NULL;
	return "a period: day, month, year or decade";
}

const char *
query_date(const char *s, int32_t *year, unsigned int *month, unsigned int *day)
{
	char iso[24];
	int64_t t;

	for (size_t i = 0; i < 10; i++) {
		int dash = i == 4 || i == 7;

		if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			goto bad;
	}
	if (s[10] != '\0')
		goto bad;
	/* ews_time_parse() knows the calendar: 2023-02-29 is refused */
	snprintf(iso, sizeof(iso), "%sT00:00Z", s);
	if (ews_time_parse(iso, &t) != EWS_OK)
		goto bad;
	*year = (int32_t)strtol(s, NULL, 10);
	*month = (unsigned int)strtoul(s + 5, NULL, 10);
	*day = (unsigned int)strtoul(s + 8, NULL, 10);
	return NULL;
bad:
	return "a date YYYY-MM-DD of the calendar";
}

const char *
query_quantity(const char *s, ews_quantity *q, unsigned int *order)
{
	const char *colon = strchr(s, ':');
	size_t len = colon ? (size_t)(colon - s) : strlen(s);
	char name[EWS_NAME_MAX];
	ews_quantity v;
	int64_t o = 0;

	if (len == 0 || len >= sizeof(name))
		goto bad;
	memcpy(name, s, len);
	name[len] = '\0';
	if (ews_quantity_from_name(name, &v) != EWS_OK)
		goto bad;
	if (colon && (whole(colon + 1, &o) || o == 0 || o > UINT_MAX))
		goto bad;
	*q = v;
	*order = (unsigned int)o;
	return NULL;
bad:
	return "a quantity name, with :ORDER for harmonics "
	       "(voltage_ln_l1, harmonic_current_l1:3)";
}

const char *
query_split(const char *s, ews_scope_kind *by)
{
	if (strcmp(s, "load") == 0)
		*by = EWS_SCOPE_LOAD;
	else if (strcmp(s, "group") == 0)
		*by = EWS_SCOPE_GROUP;
	else
		return "load or group";
	return NULL;
}

const char *
query_statuses(const char *s, unsigned int *mask)
{
	unsigned int m = 0;

	for (;;) {
		size_t len = strcspn(s, ",");
		int found = 0;

		for (int v = EWS_DEVICE_UNKNOWN;
		     v <= EWS_DEVICE_STATION_FAILURE; v++) {
			const char *name = ews_device_status_name(v);

			if (name && strlen(name) == len &&
			    strncmp(name, s, len) == 0) {
				m |= 1u << v;
				found = 1;
			}
		}
		if (!found)
			return "a device status (unknown, on, off, comm_error "
			       "or station_failure), or several separated by "
			       "commas";
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*mask = m;
	return NULL;
}

/* Two digits, 0 .. max. */
static int
two_digits(const char *s, unsigned int max, unsigned int *out)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*out = (unsigned int)(s[0] - '0') * 10 + (unsigned int)(s[1] - '0');
	return *out <= max ? 0 : -1;
}

/* "HH:MM" at s, as a minute of the day. */
static int
hh_mm(const char *s, unsigned int *minute)
{
	unsigned int h, m;

	if (two_digits(s, 23, &h) || s[2] != ':' || two_digits(s + 3, 59, &m))
		return -1;
	*minute = h * 60 + m;
	return 0;
}

const char *
query_time_frame(const char *s, unsigned int *from, unsigned int *to)
{
	unsigned int f, t;

	if (strlen(s) != 11 || hh_mm(s, &f) || s[5] != '-' || hh_mm(s + 6, &t))
		return "a time frame like 00:00-18:59 (HH:MM-HH:MM, the end "
		       "minute included)";
	*from = f;
	*to = t;
	return NULL;
}
