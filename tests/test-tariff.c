/*
 * The tariff model (TAR-1..4): tariffs, prices and cost rules on a real
 * site, every refusal with its field and the stored plan unchanged, and
 * the text forms of dates and money.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/tariff.h>

#define SITE_FIXTURES_METER_ON_GATEWAY
#include "helpers.h"
#include "site-fixtures.h"

#define FAILS(call, code, field)                                               \
	do {                                                                   \
		ck_assert_int_eq((call), (code));                              \
		assert_error((code), (field));                                 \
	} while (0)

/* REFUSED of site-fixtures.h compares the configuration; this also
 * compares the plan (tariffs, prices, rules). */
static int64_t
tariff_of(ews_commodity c, const char *name)
{
	ews_tariff t;

	ck_assert_int_eq(ews_tariff_init(&t, EWS_TARIFF_VERSION, c), EWS_OK);
	snprintf(t.name, sizeof(t.name), "%s", name);
	ck_assert_msg(ews_site_tariff_add(site, &t) == EWS_OK, "tariff: %s",
	              ews_error_last()->message);
	return t.id;
}

static int64_t
tariff(const char *name)
{
	return tariff_of(EWS_COMMODITY_ELECTRICITY, name);
}

static ews_price
price_new(int64_t tariff_id, int64_t micro, const char *from)
{
	ews_price p;

	ck_assert_int_eq(ews_price_init(&p, EWS_PRICE_VERSION), EWS_OK);
	p.tariff_id = tariff_id;
	p.price_micro = micro;
	if (from)
		ck_assert_int_eq(ews_date_parse(from, "from", &p.from), EWS_OK);
	return p;
}

static ews_cost_rule
rule_new(int64_t tariff_id)
{
	ews_cost_rule r;

	ck_assert_int_eq(ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                                    EWS_COMMODITY_ELECTRICITY),
	                 EWS_OK);
	r.tariff_id = tariff_id;
	return r;
}

/* Every tariff, price and rule of the site as text, to compare. */
static char *
plan_text(void)
{
	static char buf[16384];
	ews_list *l;
	size_t i, n = 0;

	buf[0] = '\0';
	ck_assert_int_eq(ews_site_tariff_list(site, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++) {
		const ews_tariff *t = ews_list_tariff(l, i);

		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
		                      "t %lld %d %s %s\n", (long long)t->id,
		                      t->commodity, t->name, t->color);
	}
	ews_list_free(l);
	ck_assert_int_eq(ews_site_price_list(site, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++) {
		const ews_price *p = ews_list_price(l, i);

		n += (size_t)snprintf(
		        buf + n, sizeof(buf) - n, "p %lld %lld %d-%u-%u %lld\n",
		        (long long)p->id, (long long)p->tariff_id, p->from.year,
		        p->from.month, p->from.day, (long long)p->price_micro);
	}
	ews_list_free(l);
	ck_assert_int_eq(ews_site_rule_list(site, 0, &l), EWS_OK);
	for (i = 0; i < ews_list_len(l); i++) {
		const ews_cost_rule *r = ews_list_cost_rule(l, i);

		n += (size_t)snprintf(
		        buf + n, sizeof(buf) - n,
		        "r %lld %u %lld %d %d-%u-%u %d-%u-%u %d "
		        "%u %u %u\n",
		        (long long)r->id, r->position, (long long)r->tariff_id,
		        r->validity, r->from.year, r->from.month, r->from.day,
		        r->to.year, r->to.month, r->to.day, r->every_year,
		        r->time_from, r->time_to, r->weekdays);
	}
	ews_list_free(l);
	return strdup(buf);
}

/* The call is refused with code and field, and the plan is as it was. */
#define PLAN_REFUSED(call, code, field)                                        \
	do {                                                                   \
		char *plan_before_ = plan_text(), *plan_after_;                \
		REFUSED(call, code, field);                                    \
		plan_after_ = plan_text();                                     \
		ck_assert_str_eq(plan_before_, plan_after_);                   \
		free(plan_before_);                                            \
		free(plan_after_);                                             \
	} while (0)

/* ------------------------------------------------------------------ */
/* Text forms                                                          */

START_TEST(money_parses_and_formats_exactly)
{
	static const char *const bad[] = {
		"",   ".5",  "1.",    "1.1234567", "-1", "1e3",          "0x1",
		" 1", "1,5", "1.2.3", "nan",       "1 ", "9999999999999"
	};
	char text[EWS_MONEY_TEXT_MAX];
	int64_t v;
	size_t i;

	ck_assert_int_eq(ews_money_parse("0.1875", "price", &v), EWS_OK);
	ck_assert_int_eq(v, 187500);
	ck_assert_int_eq(ews_money_parse("12", "price", &v), EWS_OK);
	ck_assert_int_eq(v, 12000000);
	ck_assert_int_eq(ews_money_parse("0.000001", "price", &v), EWS_OK);
	ck_assert_int_eq(v, 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		FAILS(ews_money_parse(bad[i], "price", &v), EWS_EINVAL,
		      "price");
	ews_money_format(187500, text);
	ck_assert_str_eq(text, "0.1875");
	ews_money_format(12300000, text);
	ck_assert_str_eq(text, "12.3");
	ews_money_format(0, text);
	ck_assert_str_eq(text, "0");
	ews_money_format(-1, text);
	ck_assert_str_eq(text, "-0.000001");
	ews_money_format(INT64_MIN, text);
	ck_assert_str_eq(text, "-9223372036854.775808");
}
END_TEST

START_TEST(dates_parse_strictly)
{
	static const char *const bad[] = { "2019-02-29",
		                           "2020-2-01",
		                           "2020-13-01",
		                           "1899-12-31",
		                           "2020-01-01T",
		                           "20200101",
		                           "" };
	ews_date d;
	size_t i;

	ck_assert_int_eq(ews_date_parse("2020-02-29", "from", &d), EWS_OK);
	ck_assert_int_eq(d.year, 2020);
	ck_assert_uint_eq(d.month, 2);
	ck_assert_uint_eq(d.day, 29);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		FAILS(ews_date_parse(bad[i], "from", &d), EWS_EINVAL, "from");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Tariffs                                                             */

START_TEST(tariffs_are_added_listed_renamed_and_deleted)
{
	int64_t a = tariff("Peak"), b = tariff("Off-peak");
	int64_t g = tariff_of(EWS_COMMODITY_GAS, "Peak");
	ews_tariff t;
	ews_list *l;

	ck_assert_int_eq(ews_site_tariff_get(site, a, &t), EWS_OK);
	ck_assert_str_eq(t.name, "Peak");
	ck_assert_str_eq(t.color, "#2E7D32"); /* first free palette colour */
	ck_assert_int_eq(ews_site_tariff_get(site, b, &t), EWS_OK);
	ck_assert_str_eq(t.color, "#F9A825");
	ck_assert_int_eq(
	        ews_site_tariff_list(site, EWS_COMMODITY_ELECTRICITY, &l),
	        EWS_OK);
	ck_assert_uint_eq(ews_list_len(l), 2);
	ews_list_free(l);
	snprintf(t.name, sizeof(t.name), "Night");
	snprintf(t.color, sizeof(t.color), "#123abc");
	ck_assert_int_eq(ews_site_tariff_update(site, &t), EWS_OK);
	ck_assert_int_eq(ews_site_tariff_get(site, b, &t), EWS_OK);
	ck_assert_str_eq(t.name, "Night");
	ck_assert_str_eq(t.color, "#123abc");
	ck_assert_int_eq(ews_site_tariff_delete(site, g), EWS_OK);
	FAILS(ews_site_tariff_get(site, g, &t), EWS_ENOTFOUND, "tariff");
}
END_TEST

START_TEST(bad_tariffs_are_refused_and_nothing_changes)
{
	int64_t a = tariff("T1");
	ews_tariff t;
	ews_cost_rule r;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_EINVAL, "name");
	snprintf(t.name, sizeof(t.name), "t1");
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_EEXIST, "name");
	snprintf(t.name, sizeof(t.name), "No Tariff");
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_EINVAL, "name");
	snprintf(t.name, sizeof(t.name), "T2");
	snprintf(t.color, sizeof(t.color), "red");
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_EINVAL, "color");
	t.color[0] = '\0';
	t.commodity = (ews_commodity)9;
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_EINVAL, "commodity");
	tariff("T2");
	tariff("T3");
	tariff("T4");
	tariff("T5");
	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	snprintf(t.name, sizeof(t.name), "T6");
	PLAN_REFUSED(ews_site_tariff_add(site, &t), EWS_ELIMIT, "tariff");
	tariff_of(EWS_COMMODITY_WATER, "T6"); /* another commodity's 1st */
	/* a tariff in use by a rule stays */
	r = rule_new(a);
	ck_assert_int_eq(ews_site_rule_add(site, &r), EWS_OK);
	PLAN_REFUSED(ews_site_tariff_delete(site, a), EWS_EINUSE, "tariff");
	PLAN_REFUSED(ews_site_tariff_delete(site, 999), EWS_ENOTFOUND,
	             "tariff");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Prices                                                              */

START_TEST(prices_are_dated_and_limited)
{
	int64_t a = tariff("T1");
	ews_price p = price_new(a, 200000, NULL);
	ews_list *l;

	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	p = price_new(a, 210000, NULL);
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_EEXIST, "from");
	p = price_new(a, 210000, "2020-01-01");
	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	p = price_new(a, 220000, "2020-01-01");
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_EEXIST, "from");
	p = price_new(a, -1, "2021-01-01");
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_EINVAL, "price");
	p = price_new(999, 1, "2021-01-01");
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_ENOTFOUND, "tariff");
	p = price_new(a, 1, NULL);
	p.from.year = 2021;
	p.from.month = 2;
	p.from.day = 30;
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_EINVAL, "from");
	p = price_new(a, 230000, "2021-01-01");
	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	p = price_new(a, 240000, "2022-01-01");
	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	p = price_new(a, 250000, "2019-01-01");
	ck_assert_int_eq(ews_site_price_add(site, &p), EWS_OK);
	p = price_new(a, 260000, "2023-01-01");
	PLAN_REFUSED(ews_site_price_add(site, &p), EWS_ELIMIT, "price");
	/* listed undated first, then by date */
	ck_assert_int_eq(ews_site_price_list(site, a, &l), EWS_OK);
	ck_assert_uint_eq(ews_list_len(l), 5);
	ck_assert_int_eq(ews_list_price(l, 0)->from.year, 0);
	ck_assert_int_eq(ews_list_price(l, 1)->from.year, 2019);
	ck_assert_int_eq(ews_list_price(l, 4)->from.year, 2022);
	ck_assert_int_eq(ews_site_price_delete(site, ews_list_price(l, 4)->id),
	                 EWS_OK);
	ews_list_free(l);
	PLAN_REFUSED(ews_site_price_delete(site, 999), EWS_ENOTFOUND, "price");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Rules                                                               */

START_TEST(bad_rules_are_refused_and_say_why)
{
	int64_t a = tariff("T1");
	int64_t gas = tariff_of(EWS_COMMODITY_GAS, "G1");
	ews_cost_rule r = rule_new(0);

	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "tariff");
	r = rule_new(999);
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_ENOTFOUND, "tariff");
	r = rule_new(gas);
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "tariff");
	r = rule_new(a);
	r.weekdays = 0;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "weekdays");
	r = rule_new(a);
	r.time_to = 1440;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "time");
	r = rule_new(a);
	r.validity = EWS_VALID_PERIOD;
	ews_date_parse("2020-03-31", "from", &r.from);
	ews_date_parse("2020-03-01", "to", &r.to);
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "to");
	/* Christmas 2019 was a Wednesday: never on a weekend */
	r = rule_new(a);
	r.validity = EWS_VALID_DATE;
	ews_date_parse("2019-12-25", "from", &r.from);
	r.weekdays = 0x60;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "weekdays");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "Wednesday"));
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "never"));
	/* every year, it is a weekend day some years */
	r.every_year = 1;
	ck_assert_int_eq(ews_cost_rule_check(&r), EWS_OK);
	/* a weekend has no weekday */
	r = rule_new(a);
	r.validity = EWS_VALID_PERIOD;
	ews_date_parse("2019-12-28", "from", &r.from);
	ews_date_parse("2019-12-29", "to", &r.to);
	r.weekdays = 0x1f;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "weekdays");
	r = rule_new(a);
	r.every_year = 1;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "every_year");
	r.validity = EWS_VALID_PERIOD;
	ews_date_parse("2019-12-20", "from", &r.from);
	ews_date_parse("2020-12-20", "to", &r.to);
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "every_year");
	r.validity = (ews_validity)7;
	PLAN_REFUSED(ews_site_rule_add(site, &r), EWS_EINVAL, "validity");
}
END_TEST

START_TEST(rules_keep_their_order)
{
	int64_t a = tariff("T1"), b = tariff("T2");
	ews_cost_rule r1 = rule_new(a), r2 = rule_new(b), r3 = rule_new(a), got;
	ews_list *l;
	int i;

	r1.time_to = 599;
	r2.time_from = 600;
	r3.validity = EWS_VALID_PERIOD;
	r3.every_year = 1;
	ews_date_parse("2019-12-24", "from", &r3.from);
	ews_date_parse("2020-01-06", "to", &r3.to); /* across new year */
	ck_assert_int_eq(ews_site_rule_add(site, &r1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_add(site, &r2), EWS_OK);
	ck_assert_int_eq(ews_site_rule_add(site, &r3), EWS_OK);
	ck_assert_uint_eq(r3.position, 3);
	PLAN_REFUSED(ews_site_rule_move(site, r1.id, -1), EWS_EINVAL, "delta");
	PLAN_REFUSED(ews_site_rule_move(site, r3.id, 1), EWS_EINVAL, "delta");
	PLAN_REFUSED(ews_site_rule_move(site, r3.id, 2), EWS_EINVAL, "delta");
	PLAN_REFUSED(ews_site_rule_move(site, 999, 1), EWS_ENOTFOUND, "rule");
	ck_assert_int_eq(ews_site_rule_move(site, r3.id, -1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_move(site, r3.id, -1), EWS_OK);
	ck_assert_int_eq(
	        ews_site_rule_list(site, EWS_COMMODITY_ELECTRICITY, &l),
	        EWS_OK);
	ck_assert_int_eq(ews_list_cost_rule(l, 0)->id, r3.id);
	ck_assert_int_eq(ews_list_cost_rule(l, 1)->id, r1.id);
	ck_assert_int_eq(ews_list_cost_rule(l, 2)->id, r2.id);
	ews_list_free(l);
	/* an update keeps the place; a delete closes the gap */
	r1.time_to = 659;
	ck_assert_int_eq(ews_site_rule_update(site, &r1), EWS_OK);
	ck_assert_int_eq(ews_site_rule_get(site, r1.id, &got), EWS_OK);
	ck_assert_uint_eq(got.position, 2);
	ck_assert_uint_eq(got.time_to, 659);
	got.weekdays = 0;
	PLAN_REFUSED(ews_site_rule_update(site, &got), EWS_EINVAL, "weekdays");
	ck_assert_int_eq(ews_site_rule_delete(site, r3.id), EWS_OK);
	ck_assert_int_eq(ews_site_rule_get(site, r2.id, &got), EWS_OK);
	ck_assert_uint_eq(got.position, 2);
	ck_assert_int_eq(ews_site_rule_get(site, r3.id, &got), EWS_ENOTFOUND);
	/* at most EWS_RULES_MAX per commodity */
	for (i = 2; i < EWS_RULES_MAX; i++) {
		r1 = rule_new(a);
		ck_assert_int_eq(ews_site_rule_add(site, &r1), EWS_OK);
	}
	r1 = rule_new(a);
	PLAN_REFUSED(ews_site_rule_add(site, &r1), EWS_ELIMIT, "rule");
}
END_TEST

START_TEST(currency_and_gas_factor_settings)
{
	char *v;

	FAILS(ews_site_setting_set(site, "currency", "EUX"), EWS_EINVAL,
	      "currency");
	ck_assert_int_eq(ews_site_setting_set(site, "currency", "CHF"), EWS_OK);
	ck_assert_int_eq(ews_site_setting_set(site, "gas_factor", "10.7"),
	                 EWS_OK);
	ck_assert_int_eq(
	        ews_site_setting_get(site, "gas_factor_kwh_per_m3", &v),
	        EWS_OK);
	ck_assert_str_eq(v, "10.7");
	ews_free(v);
	FAILS(ews_site_setting_set(site, "gas_factor", "ten"), EWS_EINVAL,
	      "gas_factor_kwh_per_m3");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tariff");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, money_parses_and_formats_exactly);
	tcase_add_test(tc, dates_parse_strictly);
	suite_add_tcase(s, tc);

	tc = tcase("model");
	tcase_add_test(tc, tariffs_are_added_listed_renamed_and_deleted);
	tcase_add_test(tc, bad_tariffs_are_refused_and_nothing_changes);
	tcase_add_test(tc, prices_are_dated_and_limited);
	tcase_add_test(tc, bad_rules_are_refused_and_say_why);
	tcase_add_test(tc, rules_keep_their_order);
	tcase_add_test(tc, currency_and_gas_factor_settings);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
