#include <stdio.h>
#include <string.h>

#include <ews/tariff.h>

#include "cost.h"
#include "error-private.h"
#include "site-private.h"

/*
 * Cost rules (TAR-3): an ordered list per commodity, evaluated top down;
 * the first true rule gives the tariff. Every change recomputes the
 * commodity's cost columns in the same transaction.
 */

static const char *const weekday_names[7] = { "Monday",    "Tuesday",
	                                      "Wednesday", "Thursday",
	                                      "Friday",    "Saturday",
	                                      "Sunday" };

ews_status
ews_cost_rule_init(ews_cost_rule *r, unsigned int version,
                   ews_commodity commodity)
{
	ews_status st = ews__check_version(version, EWS_COST_RULE_VERSION,
	                                   "ews_cost_rule");

	if (st != EWS_OK)
		return st;
	memset(r, 0, sizeof(*r));
	r->version = version;
	r->commodity = commodity;
	r->validity = EWS_VALID_ALWAYS;
	r->time_from = 0;
	r->time_to = EWS_MINUTE_LAST;
	r->weekdays = EWS_WEEKDAYS_ALL;
	return EWS_OK;
}

/* Monday 0 … Sunday 6; day 0 (1970-01-01) was a Thursday. */
static unsigned int
weekday_of(int64_t day)
{
	return (unsigned int)(((day + 3) % 7 + 7) % 7);
}

static int64_t
day_of(const ews_date *d)
{
	return ews__days_from_civil(d->year, d->month, d->day);
}

/* A dated rule whose days all fall on weekdays it does not select. */
static ews_status
check_reachable(const ews_cost_rule *r)
{
	int64_t first = day_of(&r->from), last, d;

	if (r->every_year)
		return EWS_OK; /* a date falls on every weekday over the years
		                */
	last = r->validity == EWS_VALID_PERIOD ? day_of(&r->to) : first;
	for (d = first; d <= last && d < first + 7; d++)
		if (r->weekdays & (1u << weekday_of(d)))
			return EWS_OK;
	if (first == last)
		return ews__fail_field(
		        EWS_EINVAL, "weekdays",
		        "%d-%02u-%02u is a %s, not one of the "
		        "rule's days: the rule can never be true",
		        (int)r->from.year, r->from.month, r->from.day,
		        weekday_names[weekday_of(first)]);
	return ews__fail_field(EWS_EINVAL, "weekdays",
	                       "no day from %d-%02u-%02u to %d-%02u-%02u is "
	                       "one of the rule's days: the rule can never be "
	                       "true",
	                       (int)r->from.year, r->from.month, r->from.day,
	                       (int)r->to.year, r->to.month, r->to.day);
}

static ews_status
check_validity(const ews_cost_rule *r)
{
	ews_status st;

	switch (r->validity) {
	case EWS_VALID_ALWAYS:
		if (r->every_year)
			return ews__fail_field(
			        EWS_EINVAL, "every_year",
			        "repeats a date or a period: give "
			        "one");
		return EWS_OK;
	case EWS_VALID_DATE:
		return ews__check_date("from", &r->from);
	case EWS_VALID_PERIOD:
		if ((st = ews__check_date("from", &r->from)) != EWS_OK ||
		    (st = ews__check_date("to", &r->to)) != EWS_OK)
			return st;
		if (day_of(&r->to) < day_of(&r->from))
			return ews__fail_field(EWS_EINVAL, "to",
			                       "%d-%02u-%02u is before from "
			                       "(%d-%02u-%02u)",
			                       (int)r->to.year, r->to.month,
			                       r->to.day, (int)r->from.year,
			                       r->from.month, r->from.day);
		if (r->every_year &&
		    day_of(&r->to) >= ews__days_from_civil(r->from.year + 1,
		                                           r->from.month, 1) +
		                              (int64_t)r->from.day - 1)
			return ews__fail_field(
			        EWS_EINVAL, "every_year",
			        "a period of a year or more cannot "
			        "repeat every year");
		return EWS_OK;
	}
	return ews__fail_field(EWS_EINVAL, "validity",
	                       "%d is not always, date or period",
	                       (int)r->validity);
}

ews_status
ews_cost_rule_check(const ews_cost_rule *r)
{
	ews_status st;

	if ((st = ews__check_version(r->version, EWS_COST_RULE_VERSION,
	                             "ews_cost_rule")) != EWS_OK)
		return st;
	if ((st = ews__check_commodity(r->commodity)) != EWS_OK)
		return st;
	if (r->tariff_id <= 0)
		return ews__fail_field(EWS_EINVAL, "tariff",
		                       "a rule needs a tariff");
	if (r->time_from > EWS_MINUTE_LAST || r->time_to > EWS_MINUTE_LAST)
		return ews__fail_field(EWS_EINVAL, "time",
		                       "a time frame runs from 00:00 to 23:59");
	if ((r->weekdays & EWS_WEEKDAYS_ALL) == 0 ||
	    (r->weekdays & ~(unsigned int)EWS_WEEKDAYS_ALL))
		return ews__fail_field(EWS_EINVAL, "weekdays",
		                       "select one day of the week or more");
	if ((st = check_validity(r)) != EWS_OK)
		return st;
	return r->validity == EWS_VALID_ALWAYS ? EWS_OK : check_reachable(r);
}

/* ------------------------------------------------------------------ */
/* Stored rules                                                        */

#define RULE_SELECT                                                            \
	"SELECT id, commodity, position, tariff_id, validity, from_day,"       \
	" to_day, every_year, time_from, time_to, weekdays FROM cost_rule"

static ews_status
read_rule(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_cost_rule *r = item;

	(void)site;
	memset(r, 0, sizeof(*r));
	r->version = EWS_COST_RULE_VERSION;
	r->id = sqlite3_column_int64(st, 0);
	r->commodity = (ews_commodity)sqlite3_column_int(st, 1);
	r->position = (unsigned int)sqlite3_column_int(st, 2);
	r->tariff_id = sqlite3_column_int64(st, 3);
	r->validity = (ews_validity)sqlite3_column_int(st, 4);
	if (r->validity != EWS_VALID_ALWAYS)
		ews__civil_from_days(sqlite3_column_int64(st, 5), &r->from.year,
		                     &r->from.month, &r->from.day);
	if (r->validity == EWS_VALID_PERIOD)
		ews__civil_from_days(sqlite3_column_int64(st, 6), &r->to.year,
		                     &r->to.month, &r->to.day);
	r->every_year = sqlite3_column_int(st, 7);
	r->time_from = (unsigned int)sqlite3_column_int(st, 8);
	r->time_to = (unsigned int)sqlite3_column_int(st, 9);
	r->weekdays = (unsigned int)sqlite3_column_int(st, 10);
	return EWS_OK;
}

ews_status
ews_site_rule_list(ews_site *site, ews_commodity commodity, ews_list **out)
{
	return ews__site_select(site, EWS__LIST_RULE, sizeof(ews_cost_rule),
	                        read_rule, out,
	                        RULE_SELECT " WHERE ?1 = 0 OR commodity = ?1"
	                                    " ORDER BY commodity, position",
	                        "i", (int64_t)commodity);
}

const ews_cost_rule *
ews_list_cost_rule(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_RULE, i);
}

ews_status
ews_site_rule_get(ews_site *site, int64_t id, ews_cost_rule *out)
{
	return ews__site_select_one(site, EWS__LIST_RULE, sizeof(*out),
	                            read_rule, out, "rule",
	                            RULE_SELECT " WHERE id = ?", id);
}

/* The rule is valid and its tariff is one of its commodity's. */
static ews_status
check_stored(ews_site *site, const ews_cost_rule *r)
{
	ews_tariff t;
	ews_status st;

	if ((st = ews_cost_rule_check(r)) != EWS_OK ||
	    (st = ews_site_tariff_get(site, r->tariff_id, &t)) != EWS_OK)
		return st;
	if (t.commodity != r->commodity)
		return ews__fail_field(
		        EWS_EINVAL, "tariff",
		        "'%s' is a tariff for %s, the rule is for %s", t.name,
		        ews_commodity_name(t.commodity),
		        ews_commodity_name(r->commodity));
	return EWS_OK;
}

/* The values of the rule's columns after id (validity … weekdays). */
#define RULE_VALUES(r)                                                         \
	(int64_t)(r)->validity,                                                \
	        (r)->validity != EWS_VALID_ALWAYS ? day_of(&(r)->from) : 0,    \
	        (r)->validity == EWS_VALID_PERIOD ? day_of(&(r)->to) : 0,      \
	        (int64_t)((r)->every_year != 0), (int64_t)(r)->time_from,      \
	        (int64_t)(r)->time_to, (int64_t)(r)->weekdays

static ews_status
changed(ews_site *site, ews_commodity c)
{
	ews_status st = ews__cost_stamp_bump(site, c);

	return st == EWS_OK ? ews__cost_recompute(site, c) : st;
}

/* Append a checked rule, in an open transaction. */
ews_status ews__rule_insert(ews_site *site, ews_cost_rule *r);

ews_status
ews__rule_insert(ews_site *site, ews_cost_rule *r)
{
	int64_t count;
	ews_status st;

	if ((st = check_stored(site, r)) != EWS_OK ||
	    (st = ews__site_scalar(site, &count,
	                           "SELECT count(*) FROM cost_rule"
	                           " WHERE commodity = ?",
	                           "i", (int64_t)r->commodity)) != EWS_OK)
		return st;
	if (count >= EWS_RULES_MAX)
		return ews__fail_field(EWS_ELIMIT, "rule",
		                       "%s has %d rules, the most it can have",
		                       ews_commodity_name(r->commodity),
		                       EWS_RULES_MAX);
	r->position = (unsigned int)count + 1;
	st = ews__site_exec(site,
	                    "INSERT INTO cost_rule (commodity, position,"
	                    " tariff_id, validity, from_day, to_day,"
	                    " every_year, time_from, time_to, weekdays)"
	                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                    "iiiiiiiiii", (int64_t)r->commodity,
	                    (int64_t)r->position, r->tariff_id, RULE_VALUES(r));
	if (st == EWS_OK) {
		r->id = sqlite3_last_insert_rowid(site->db);
		st = changed(site, r->commodity);
	}
	return st;
}

ews_status
ews_site_rule_add(ews_site *site, ews_cost_rule *r)
{
	ews_cost_rule copy = *r;
	ews_status st;

	if ((st = ews_cost_rule_check(r)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews__rule_insert(site, &copy);
	if ((st = ews__site_end(site, st)) == EWS_OK) {
		r->id = copy.id;
		r->position = copy.position;
	}
	return st;
}

ews_status
ews_site_rule_update(ews_site *site, const ews_cost_rule *r)
{
	ews_cost_rule old, copy = *r;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = ews_site_rule_get(site, r->id, &old)) == EWS_OK) {
		copy.commodity = old.commodity;
		copy.position = old.position;
		st = check_stored(site, &copy);
	}
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "UPDATE cost_rule SET tariff_id = ?,"
		        " validity = ?, from_day = ?, to_day = ?,"
		        " every_year = ?, time_from = ?, time_to = ?,"
		        " weekdays = ? WHERE id = ?",
		        "iiiiiiiii", copy.tariff_id, RULE_VALUES(&copy),
		        copy.id);
	if (st == EWS_OK)
		st = changed(site, old.commodity);
	return ews__site_end(site, st);
}

ews_status
ews_site_rule_move(ews_site *site, int64_t id, int delta)
{
	ews_cost_rule old;
	int64_t other;
	ews_status st;

	if (delta != -1 && delta != 1)
		return ews__fail_field(EWS_EINVAL, "delta",
		                       "a rule moves up (-1) or down (+1)");
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = ews_site_rule_get(site, id, &old)) == EWS_OK &&
	    (st = ews__site_scalar(site, &other,
	                           "SELECT id FROM cost_rule WHERE"
	                           " commodity = ? AND position = ?",
	                           "ii", (int64_t)old.commodity,
	                           (int64_t)old.position + delta)) ==
	            EWS_ENOTFOUND)
		st = ews__fail_field(EWS_EINVAL, "delta",
		                     "rule %lld is %s already", (long long)id,
		                     delta < 0 ? "first" : "last");
	if (st == EWS_OK)
		st = ews__site_exec(site,
		                    "UPDATE cost_rule SET position = CASE id"
		                    " WHEN ?1 THEN ?3 ELSE ?4 END"
		                    " WHERE id IN (?1, ?2)",
		                    "iiii", id, other,
		                    (int64_t)old.position + delta,
		                    (int64_t)old.position);
	if (st == EWS_OK)
		st = changed(site, old.commodity);
	return ews__site_end(site, st);
}

ews_status
ews_site_rule_delete(ews_site *site, int64_t id)
{
	ews_cost_rule old;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	if ((st = ews_site_rule_get(site, id, &old)) == EWS_OK)
		st = ews__site_exec(site, "DELETE FROM cost_rule WHERE id = ?",
		                    "i", id);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site,
		        "UPDATE cost_rule SET position = position - 1"
		        " WHERE commodity = ? AND position > ?",
		        "ii", (int64_t)old.commodity, (int64_t)old.position);
	if (st == EWS_OK)
		st = changed(site, old.commodity);
	return ews__site_end(site, st);
}

/* ------------------------------------------------------------------ */
/* What applies now                                                    */

ews_status
ews_site_tariff_at(ews_site *site, ews_commodity commodity, int64_t t_ms,
                   ews_tariff_now *out)
{
	const ews__plan *p;
	const ews__tz *tz;
	int64_t local_s, day;
	ews_status st;
	int rule;

	memset(out, 0, sizeof(*out));
	if ((st = ews__site_read_begin(site)) != EWS_OK)
		return st;
	if ((st = ews__plan_get(site, commodity, &p)) == EWS_OK &&
	    (st = ews__site_tz(site, &tz)) == EWS_OK) {
		local_s = t_ms / 1000 - (t_ms % 1000 < 0) +
		          ews__tz_offset(tz, t_ms / 1000 - (t_ms % 1000 < 0));
		day = local_s / 86400 - (local_s % 86400 < 0);
		rule = ews__plan_rule_at(
		        p, day, (unsigned int)((local_s - day * 86400) / 60));
		if (rule >= 0) {
			out->rule_id = p->rule[rule].id;
			out->tariff_id = ews__plan_col_id(p, p->rule[rule].col);
			out->has_price = ews__plan_price_on(
			        p, p->rule[rule].col, day, &out->price_micro);
		}
	}
	return ews__site_read_end(site, st);
}
