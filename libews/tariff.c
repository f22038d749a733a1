#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/tariff.h>

#include "cost.h"
#include "error-private.h"
#include "site-private.h"

/*
 * Tariffs and prices (TAR-1, TAR-2, TAR-4): per commodity up to 5
 * tariffs, each with up to 5 prices valid from a date until the next.
 * Editing them changes no stored cost (prices are applied when costs are
 * read): only the commodity's plan stamp moves.
 */

/* Colours for tariffs added without one, distinct in charts. */
static const char *const palette[EWS_TARIFFS_MAX] = { "#2E7D32", "#F9A825",
	                                              "#C62828", "#1565C0",
	                                              "#6A1B9A" };

/* ------------------------------------------------------------------ */
/* Dates and money                                                     */

ews_status
ews_date_parse(const char *text, const char *field, ews_date *out)
{
	unsigned int y, m, d;
	ews_date date;
	ews_status st;
	char tail;

	if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
	    strspn(text, "0123456789-") != 10 ||
	    sscanf(text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return ews__fail_field(EWS_EINVAL, field,
		                       "'%.*s' is not a date like 2020-03-01",
		                       EWS_NAME_MAX, text ? text : "");
	date.year = (int32_t)y;
	date.month = m;
	date.day = d;
	if ((st = ews__check_date(field, &date)) == EWS_OK)
		*out = date;
	return st;
}

ews_status
ews_money_parse(const char *text, const char *field, int64_t *micro)
{
	const char *dot = text ? strchr(text, '.') : NULL;
	size_t whole = dot ? (size_t)(dot - text) : (text ? strlen(text) : 0);
	size_t frac = dot ? strlen(dot + 1) : 0;
	int64_t v = 0;
	size_t i;

	if (!text || whole == 0 || whole > 12 ||
	    strspn(text, "0123456789") != whole || (dot && frac == 0) ||
	    frac > 6 || (dot && strspn(dot + 1, "0123456789") != frac))
		return ews__fail_field(EWS_EINVAL, field,
		                       "'%.*s' is not an amount like 0.1875 "
		                       "(at most 6 decimals)",
		                       EWS_NAME_MAX, text ? text : "");
	for (i = 0; i < whole; i++)
		v = v * 10 + (text[i] - '0');
	for (i = 0; i < 6; i++)
		v = v * 10 + (i < frac ? dot[1 + i] - '0' : 0);
	*micro = v;
	return EWS_OK;
}

void
ews_money_format(int64_t micro, char *buf)
{
	uint64_t a = micro < 0 ? 0 - (uint64_t)micro : (uint64_t)micro;
	char frac[8];
	int n;

	snprintf(frac, sizeof(frac), "%06u", (unsigned int)(a % 1000000));
	for (n = 6; n > 0 && frac[n - 1] == '0'; n--)
		frac[n - 1] = '\0';
	snprintf(buf, EWS_MONEY_TEXT_MAX, "%s%llu%s%s", micro < 0 ? "-" : "",
	         (unsigned long long)(a / 1000000), n ? "." : "", frac);
}

static int64_t
date_day(const ews_date *d)
{
	return ews__days_from_civil(d->year, d->month, d->day);
}

static void
day_date(int64_t day, ews_date *out)
{
	ews__civil_from_days(day, &out->year, &out->month, &out->day);
}

ews_status
ews__check_date(const char *field, const ews_date *d)
{
	if (d->year < 1900 || d->year > 9999)
		return ews__fail_field(EWS_EINVAL, field,
		                       "year %d is outside 1900-9999",
		                       (int)d->year);
	if (d->month < 1 || d->month > 12 || d->day < 1 ||
	    d->day > ews__days_in_month(d->year, d->month))
		return ews__fail_field(EWS_EINVAL, field,
		                       "%d-%02u-%02u is not a day of the "
		                       "calendar",
		                       (int)d->year, d->month, d->day);
	return EWS_OK;
}

ews_status
ews__check_commodity(ews_commodity c)
{
	if (c == EWS_COMMODITY_ELECTRICITY || c == EWS_COMMODITY_GAS ||
	    c == EWS_COMMODITY_WATER)
		return EWS_OK;
	return ews__fail_field(EWS_EINVAL, "commodity",
	                       "%d is not electricity, gas or water", (int)c);
}

/* ------------------------------------------------------------------ */
/* Tariffs                                                             */

#define TARIFF_SELECT "SELECT id, commodity, name, color FROM tariff"

ews_status
ews_tariff_init(ews_tariff *t, unsigned int version, ews_commodity commodity)
{
	ews_status st =
	        ews__check_version(version, EWS_TARIFF_VERSION, "ews_tariff");

	if (st != EWS_OK || (st = ews__check_commodity(commodity)) != EWS_OK)
		return st;
	memset(t, 0, sizeof(*t));
	t->version = version;
	t->commodity = commodity;
	return EWS_OK;
}

static ews_status
read_tariff(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_tariff *t = item;

	(void)site;
	memset(t, 0, sizeof(*t));
	t->version = EWS_TARIFF_VERSION;
	t->id = sqlite3_column_int64(st, 0);
	t->commodity = (ews_commodity)sqlite3_column_int(st, 1);
	ews__site_column_text(st, 2, t->name, sizeof(t->name));
	ews__site_column_text(st, 3, t->color, sizeof(t->color));
	return EWS_OK;
}

ews_status
ews_site_tariff_list(ews_site *site, ews_commodity commodity, ews_list **out)
{
	*out = NULL;
	if (commodity && ews__check_commodity(commodity) != EWS_OK)
		return EWS_EINVAL;
	return ews__site_select(site, EWS__LIST_TARIFF, sizeof(ews_tariff),
	                        read_tariff, out,
	                        TARIFF_SELECT " WHERE ?1 = 0 OR commodity = ?1"
	                                      " ORDER BY commodity, id",
	                        "i", (int64_t)commodity);
}

const ews_tariff *
ews_list_tariff(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_TARIFF, i);
}

ews_status
ews_site_tariff_get(ews_site *site, int64_t id, ews_tariff *out)
{
	return ews__site_select_one(site, EWS__LIST_TARIFF, sizeof(*out),
	                            read_tariff, out, "tariff",
	                            TARIFF_SELECT " WHERE id = ?", id);
}

static int
is_color(const char *c)
{
	return strlen(c) == 7 && c[0] == '#' &&
	       strspn(c + 1, "0123456789abcdefABCDEF") == 6;
}

/* The first palette colour no tariff of the commodity has. */
static ews_status
free_color(ews_site *site, ews_commodity c, char *out)
{
	ews_status st = EWS_OK;
	int64_t used;
	size_t i;

	for (i = 0; i < EWS_TARIFFS_MAX; i++) {
		st = ews__site_scalar(site, &used,
		                      "SELECT count(*) FROM tariff WHERE"
		                      " commodity = ? AND color = ?",
		                      "is", (int64_t)c, palette[i]);
		if (st != EWS_OK || used == 0)
			break;
	}
	strcpy(out, palette[i < EWS_TARIFFS_MAX ? i : 0]);
	return st;
}

static ews_status
check_tariff(ews_site *site, const ews_tariff *t)
{
	int64_t other;
	ews_status st;

	if ((st = ews__check_terminated("name", t->name, sizeof(t->name))) ||
	    (st = ews__check_terminated("color", t->color, sizeof(t->color))) ||
	    (st = ews__check_name("name", t->name, 1)))
		return st;
	if (strcasecmp(t->name, "no tariff") == 0)
		return ews__fail_field(EWS_EINVAL, "name",
		                       "'no tariff' names consumption that no "
		                       "rule prices");
	if (t->color[0] && !is_color(t->color))
		return ews__fail_field(EWS_EINVAL, "color",
		                       "'%s' is not a colour like #1565C0",
		                       t->color);
	st = ews__site_scalar(site, &other,
	                      "SELECT id FROM tariff WHERE commodity = ?"
	                      " AND name = ? AND id != ?",
	                      "isi", (int64_t)t->commodity, t->name, t->id);
	if (st == EWS_OK)
		return ews__fail_field(EWS_EEXIST, "name",
		                       "'%s' is already tariff %lld", t->name,
		                       (long long)other);
	return st == EWS_ENOTFOUND ? EWS_OK : st;
}

static ews_status
tariff_insert(ews_site *site, ews_tariff *t)
{
	int64_t count;
	ews_status st;

	if ((st = check_tariff(site, t)) != EWS_OK ||
	    (st = ews__site_scalar(site, &count,
	                           "SELECT count(*) FROM tariff"
	                           " WHERE commodity = ?",
	                           "i", (int64_t)t->commodity)) != EWS_OK)
		return st;
	if (count >= EWS_TARIFFS_MAX)
		return ews__fail_field(EWS_ELIMIT, "tariff",
		                       "%s has %d tariffs already, the most "
		                       "it can have",
		                       ews_commodity_name(t->commodity),
		                       EWS_TARIFFS_MAX);
	if (!t->color[0] &&
	    (st = free_color(site, t->commodity, t->color)) != EWS_OK)
		return st;
	st = ews__site_exec(site,
	                    "INSERT INTO tariff (commodity, name, color)"
	                    " VALUES (?, ?, ?)",
	                    "iss", (int64_t)t->commodity, t->name, t->color);
	if (st == EWS_OK) {
		t->id = sqlite3_last_insert_rowid(site->db);
		st = ews__cost_stamp_bump(site, t->commodity);
	}
	return st;
}

ews_status
ews_site_tariff_add(ews_site *site, ews_tariff *t)
{
	ews_tariff copy;
	ews_status st;

	if ((st = ews__check_version(t->version, EWS_TARIFF_VERSION,
	                             "ews_tariff")) != EWS_OK ||
	    (st = ews__check_commodity(t->commodity)) != EWS_OK)
		return st;
	copy = *t;
	copy.id = 0;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = tariff_insert(site, &copy);
	if ((st = ews__site_end(site, st)) == EWS_OK)
		*t = copy;
	return st;
}

ews_status
ews_site_tariff_update(ews_site *site, const ews_tariff *t)
{
	ews_tariff old, copy;
	ews_status st;

	if ((st = ews__check_version(t->version, EWS_TARIFF_VERSION,
	                             "ews_tariff")) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_tariff_get(site, t->id, &old);
	copy = *t;
	copy.commodity = old.commodity;
	if (st == EWS_OK && t->commodity && t->commodity != old.commodity)
		st = ews__fail_field(EWS_EINVAL, "commodity",
		                     "tariff %lld is for %s", (long long)t->id,
		                     ews_commodity_name(old.commodity));
	if (st == EWS_OK && !copy.color[0])
		strcpy(copy.color, old.color);
	if (st == EWS_OK && (st = check_tariff(site, &copy)) == EWS_OK)
		st = ews__site_exec(site,
		                    "UPDATE tariff SET name = ?, color = ?"
		                    " WHERE id = ?",
		                    "ssi", copy.name, copy.color, copy.id);
	if (st == EWS_OK)
		st = ews__cost_stamp_bump(site, old.commodity);
	return ews__site_end(site, st);
}

ews_status
ews_site_tariff_delete(ews_site *site, int64_t id)
{
	int64_t rule;
	ews_tariff old;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews_site_tariff_get(site, id, &old);
	if (st == EWS_OK) {
		st = ews__site_scalar(site, &rule,
		                      "SELECT position FROM cost_rule"
		                      " WHERE tariff_id = ? ORDER BY position",
		                      "i", id);
		if (st == EWS_OK)
			st = ews__fail_field(
			        EWS_EINUSE, "tariff",
			        "'%s' is the tariff of %s rule %lld:"
			        " delete or change the rule first",
			        old.name, ews_commodity_name(old.commodity),
			        (long long)rule);
		else if (st == EWS_ENOTFOUND)
			st = ews__site_exec(site,
			                    "DELETE FROM tariff WHERE id = ?",
			                    "i", id);
	}
	if (st == EWS_OK)
		st = ews__cost_stamp_bump(site, old.commodity);
	return ews__site_end(site, st);
}

/* ------------------------------------------------------------------ */
/* Prices                                                              */

#define PRICE_SELECT                                                           \
	"SELECT p.id, p.tariff_id, p.from_day, p.price_micro"                  \
	" FROM tariff_price p"

ews_status
ews_price_init(ews_price *p, unsigned int version)
{
	ews_status st =
	        ews__check_version(version, EWS_PRICE_VERSION, "ews_price");

	if (st == EWS_OK) {
		memset(p, 0, sizeof(*p));
		p->version = version;
	}
	return st;
}

static ews_status
read_price(ews_site *site, sqlite3_stmt *st, void *item)
{
	ews_price *p = item;

	(void)site;
	memset(p, 0, sizeof(*p));
	p->version = EWS_PRICE_VERSION;
	p->id = sqlite3_column_int64(st, 0);
	p->tariff_id = sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		day_date(sqlite3_column_int64(st, 2), &p->from);
	p->price_micro = sqlite3_column_int64(st, 3);
	return EWS_OK;
}

ews_status
ews_site_price_list(ews_site *site, int64_t tariff_id, ews_list **out)
{
	ews_tariff t;
	ews_status st;

	*out = NULL;
	if (tariff_id &&
	    (st = ews_site_tariff_get(site, tariff_id, &t)) != EWS_OK)
		return st;
	return ews__site_select(site, EWS__LIST_PRICE, sizeof(ews_price),
	                        read_price, out,
	                        PRICE_SELECT " WHERE ?1 = 0 OR p.tariff_id = ?1"
	                                     " ORDER BY p.tariff_id,"
	                                     " p.from_day IS NOT NULL,"
	                                     " p.from_day",
	                        "i", tariff_id);
}

const ews_price *
ews_list_price(const ews_list *list, size_t i)
{
	return ews__list_at(list, EWS__LIST_PRICE, i);
}

/* Refuse a 6th price, a date used already, a second undated price. */
static ews_status
check_price_slot(ews_site *site, const ews_price *p, const ews_tariff *t)
{
	int64_t count, other;
	ews_status st;

	st = ews__site_scalar(site, &count,
	                      "SELECT count(*) FROM tariff_price"
	                      " WHERE tariff_id = ?",
	                      "i", p->tariff_id);
	if (st == EWS_OK && count >= EWS_PRICES_MAX)
		return ews__fail_field(EWS_ELIMIT, "price",
		                       "tariff '%s' has %d prices already, the "
		                       "most it can have",
		                       t->name, EWS_PRICES_MAX);
	if (st != EWS_OK)
		return st;
	if (p->from.year)
		st = ews__site_scalar(site, &other,
		                      "SELECT id FROM tariff_price WHERE"
		                      " tariff_id = ? AND from_day = ?",
		                      "ii", p->tariff_id, date_day(&p->from));
	else
		st = ews__site_scalar(site, &other,
		                      "SELECT id FROM tariff_price WHERE"
		                      " tariff_id = ? AND from_day IS NULL",
		                      "i", p->tariff_id);
	if (st == EWS_OK && p->from.year)
		return ews__fail_field(EWS_EEXIST, "from",
		                       "tariff '%s' has a price from "
		                       "%d-%02u-%02u already (price %lld)",
		                       t->name, (int)p->from.year,
		                       p->from.month, p->from.day,
		                       (long long)other);
	if (st == EWS_OK)
		return ews__fail_field(EWS_EEXIST, "from",
		                       "tariff '%s' has a price without a date "
		                       "already (price %lld): give this one "
		                       "the date it starts",
		                       t->name, (long long)other);
	return st == EWS_ENOTFOUND ? EWS_OK : st;
}

static ews_status
price_insert(ews_site *site, ews_price *p)
{
	ews_tariff t;
	ews_status st;

	if (p->price_micro < 0)
		return ews__fail_field(EWS_EINVAL, "price",
		                       "a price is 0 or more");
	if (p->from.year && (st = ews__check_date("from", &p->from)) != EWS_OK)
		return st;
	if ((st = ews_site_tariff_get(site, p->tariff_id, &t)) != EWS_OK ||
	    (st = check_price_slot(site, p, &t)) != EWS_OK)
		return st;
	st = ews__site_exec(
	        site,
	        "INSERT INTO tariff_price (tariff_id, from_day,"
	        " price_micro) VALUES (?, CASE WHEN ? THEN ? END, ?)",
	        "iiii", p->tariff_id, (int64_t)(p->from.year != 0),
	        p->from.year ? date_day(&p->from) : 0, p->price_micro);
	if (st == EWS_OK) {
		p->id = sqlite3_last_insert_rowid(site->db);
		st = ews__cost_stamp_bump(site, t.commodity);
	}
	return st;
}

ews_status
ews_site_price_add(ews_site *site, ews_price *p)
{
	ews_price copy;
	ews_status st;

	if ((st = ews__check_version(p->version, EWS_PRICE_VERSION,
	                             "ews_price")) != EWS_OK)
		return st;
	copy = *p;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = price_insert(site, &copy);
	if ((st = ews__site_end(site, st)) == EWS_OK)
		p->id = copy.id;
	return st;
}

ews_status
ews_site_price_delete(ews_site *site, int64_t id)
{
	int64_t commodity;
	ews_status st;

	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	st = ews__site_scalar(site, &commodity,
	                      "SELECT t.commodity FROM tariff_price p"
	                      " JOIN tariff t ON t.id = p.tariff_id"
	                      " WHERE p.id = ?",
	                      "i", id);
	if (st == EWS_ENOTFOUND)
		st = ews__fail_field(EWS_ENOTFOUND, "price",
		                     "price %lld does not exist",
		                     (long long)id);
	if (st == EWS_OK)
		st = ews__site_exec(
		        site, "DELETE FROM tariff_price WHERE id = ?", "i", id);
	if (st == EWS_OK)
		st = ews__cost_stamp_bump(site, (ews_commodity)commodity);
	return ews__site_end(site, st);
}

/* ------------------------------------------------------------------ */
/* A flat price (TAR-4)                                                */

ews_status ews__rule_insert(ews_site *site, ews_cost_rule *r);

static ews_status
flat_price(ews_site *site, ews_commodity c, int64_t price_micro)
{
	ews_cost_rule rule;
	ews_price price;
	ews_tariff t;
	int64_t id, used;
	ews_status st;

	st = ews__site_scalar(site, &id,
	                      "SELECT id FROM tariff WHERE commodity = ?"
	                      " AND name = 'DEFAULT'",
	                      "i", (int64_t)c);
	if (st == EWS_ENOTFOUND) {
		ews_tariff_init(&t, EWS_TARIFF_VERSION, c);
		strcpy(t.name, "DEFAULT");
		st = tariff_insert(site, &t);
		id = t.id;
	}
	if (st == EWS_OK)
		st = ews__site_exec(
		        site, "DELETE FROM tariff_price WHERE tariff_id = ?",
		        "i", id);
	ews_price_init(&price, EWS_PRICE_VERSION);
	price.tariff_id = id;
	price.price_micro = price_micro;
	if (st == EWS_OK)
		st = price_insert(site, &price);
	if (st == EWS_OK)
		st = ews__site_scalar(site, &used,
		                      "SELECT count(*) FROM cost_rule"
		                      " WHERE tariff_id = ?",
		                      "i", id);
	if (st != EWS_OK || used > 0)
		return st;
	ews_cost_rule_init(&rule, EWS_COST_RULE_VERSION, c);
	rule.tariff_id = id;
	return ews__rule_insert(site, &rule);
}

ews_status
ews_site_flat_price_set(ews_site *site, ews_commodity commodity,
                        int64_t price_micro)
{
	ews_status st;

	if ((st = ews__check_commodity(commodity)) != EWS_OK)
		return st;
	if ((st = ews__site_begin(site)) != EWS_OK)
		return st;
	return ews__site_end(site, flat_price(site, commodity, price_micro));
}

/* ------------------------------------------------------------------ */
/* The plan stamp                                                      */

ews_status
ews__cost_stamp_bump(ews_site *site, ews_commodity c)
{
	return ews__site_exec(site,
	                      "INSERT INTO cost_stamp (commodity, stamp)"
	                      " VALUES (?, 1) ON CONFLICT (commodity)"
	                      " DO UPDATE SET stamp = stamp + 1",
	                      "i", (int64_t)c);
}
