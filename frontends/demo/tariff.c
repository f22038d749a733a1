/*
 * The demo building's bill of consumptions: electricity at a peak price
 * on working days 08:00-19:59 and an off-peak price the rest of the time
 * (public holidays included, as Italian time bands have it), gas and
 * water at one price each. Prices in EUR; electricity went up on 1
 * January of the last year of the history.
 *
 * Rules are evaluated top down and the first true one gives the tariff,
 * so the exceptions come first: the holidays (every year, and Easter
 * Monday of each year), then the peak band, then off-peak for the rest.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* Holidays on a fixed date, every year: 1 Jan, Epiphany, Liberation
 * Day, Labour Day, Republic Day, Ferragosto, All Saints, Immaculate
 * Conception, Christmas, St Stephen. */
static const unsigned int holidays[][2] = { { 1, 1 },  { 1, 6 },  { 4, 25 },
	                                    { 5, 1 },  { 6, 2 },  { 8, 15 },
	                                    { 11, 1 }, { 12, 8 }, { 12, 25 },
	                                    { 12, 26 } };

struct price {
	const char *text; /* EUR per kWh or m3 */
	int dated;        /* from 1 January of the last year */
};

static int
add_tariff(struct demo *d, ews_commodity commodity, const char *name,
           const char *color, const struct price *prices, size_t n,
           int32_t year, int64_t *id)
{
	ews_tariff t;
	ews_price p;
	ews_status st;
	size_t i;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, commodity);
	snprintf(t.name, sizeof(t.name), "%s", name);
	snprintf(t.color, sizeof(t.color), "%s", color);
	if ((st = ews_site_tariff_add(d->site, &t)) != EWS_OK)
		return demo_fail(name, st);
	*id = t.id;
	for (i = 0; i < n; i++) {
		ews_price_init(&p, EWS_PRICE_VERSION);
		p.tariff_id = t.id;
		if (prices[i].dated)
			p.from = (ews_date){ year, 1, 1 };
		st = ews_money_parse(prices[i].text, "price", &p.price_micro);
		if (st == EWS_OK)
			st = ews_site_price_add(d->site, &p);
		if (st != EWS_OK)
			return demo_fail(name, st);
	}
	return 0;
}

static int
add_rule(struct demo *d, ews_cost_rule *r, const char *what)
{
	ews_status st = ews_site_rule_add(d->site, r);

	return st == EWS_OK ? 0 : demo_fail(what, st);
}

/* Off-peak on every public holiday of [first, last]. */
static int
holiday_rules(struct demo *d, int64_t off_peak, int32_t first, int32_t last)
{
	ews_cost_rule r;
	size_t i;
	int32_t y;
	int rc = 0;

	for (i = 0; !rc && i < sizeof(holidays) / sizeof(holidays[0]); i++) {
		ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
		                   EWS_COMMODITY_ELECTRICITY);
		r.tariff_id = off_peak;
		r.validity = EWS_VALID_DATE;
		r.from = (ews_date){ first, holidays[i][0], holidays[i][1] };
		r.every_year = 1;
		rc = add_rule(d, &r, "holiday rule");
	}
	for (y = first; !rc && y <= last; y++) {
		ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
		                   EWS_COMMODITY_ELECTRICITY);
		r.tariff_id = off_peak;
		r.validity = EWS_VALID_DATE;
		r.from.year = y;
		demo_easter(y, &r.from.month, &r.from.day);
		if (++r.from.day > (r.from.month == 3 ? 31u : 30u)) {
			r.from.day = 1; /* Easter Monday */
			r.from.month++;
		}
		rc = add_rule(d, &r, "Easter Monday rule");
	}
	return rc;
}

static int
electricity(struct demo *d, int32_t first, int32_t last)
{
	static const struct price peak_prices[] = { { "0.2380", 0 },
		                                    { "0.2510", 1 } };
	static const struct price off_prices[] = { { "0.1640", 0 },
		                                   { "0.1720", 1 } };
	ews_cost_rule r;
	int64_t peak, off;
	int rc;

	rc = add_tariff(d, EWS_COMMODITY_ELECTRICITY, "Peak", "#C62828",
	                peak_prices, 2, last, &peak);
	if (!rc)
		rc = add_tariff(d, EWS_COMMODITY_ELECTRICITY, "Off-peak",
		                "#2E7D32", off_prices, 2, last, &off);
	if (!rc)
		rc = holiday_rules(d, off, first, last);
	if (rc)
		return rc;
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	r.tariff_id = peak;
	r.time_from = 8 * 60;    /* 08:00 */
	r.time_to = 20 * 60 - 1; /* to the end of 19:59 */
	r.weekdays = 0x1f;       /* Monday to Friday */
	if ((rc = add_rule(d, &r, "peak rule")))
		return rc;
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	r.tariff_id = off; /* always: whatever the rules above leave */
	return add_rule(d, &r, "off-peak rule");
}

/* One tariff, one price, one rule that always applies. */
static int
flat(struct demo *d, ews_commodity commodity, const char *name,
     const char *color, const char *price)
{
	const struct price p = { price, 0 };
	ews_cost_rule r;
	int64_t id;
	int rc = add_tariff(d, commodity, name, color, &p, 1, 0, &id);

	if (rc)
		return rc;
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION, commodity);
	r.tariff_id = id;
	return add_rule(d, &r, name);
}

int
demo_build_tariffs(struct demo *d, int32_t first_year, int32_t last_year)
{
	int rc = electricity(d, first_year, last_year);

	if (!rc)
		rc = flat(d, EWS_COMMODITY_GAS, "Natural gas", "#EF6C00",
		          "1.12");
	if (!rc)
		rc = flat(d, EWS_COMMODITY_WATER, "Mains water", "#1565C0",
		          "2.35");
	return rc;
}
