/*
 * ews tariff add|list|set|delete|now, ews price add|list|delete (TAR-1,
 * TAR-2, TAR-4, TAR-5): the tariffs and prices of <ews/tariff.h>. The cost
 * rules are in cmd-rule.c.
 *
 * Money is the library's integer millionths of the currency, read by
 * ews_money_parse() and written by ews_money_format(), never through
 * floating point.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Shared with cmd-consumption.c and consumption-out.c                */

const char *
cli_money_text(int64_t micro, const char *currency, char *buf, size_t size)
{
	char m[EWS_MONEY_TEXT_MAX];

	ews_money_format(micro, m);
	snprintf(buf, size, "%s %s", m, currency);
	return buf;
}

/* The site's currency ("EUR"), for text output. */
static void
currency(struct cli *c, char *out, size_t size)
{
	char *value = NULL;

	if (ews_site_setting_get(c->site, "currency", &value) == EWS_OK)
		snprintf(out, size, "%s", value);
	else
		snprintf(out, size, "?");
	ews_free(value);
}

/* ------------------------------------------------------------------ */
/* ews tariff                                                          */

/* A tariff with the prices of the site, for printing. */
struct tariff_row {
	const ews_tariff *t;
	const ews_list *prices; /* every price, or NULL */
};

static void
json_tariff(struct jw *j, const void *obj)
{
	const struct tariff_row *row = obj;

	shape_tariff(j, row->t, row->prices);
}

/* "0.2, 0.25 from 2024-06-01" */
static void
rec_tariff(struct cli_rec *r, const void *obj)
{
	const struct tariff_row *row = obj;
	const ews_tariff *t = row->t;
	char *text = NULL, m[EWS_MONEY_TEXT_MAX], d[16];
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; f && row->prices && i < ews_list_len(row->prices);
	     i++) {
		const ews_price *p = ews_list_price(row->prices, i);

		if (p->tariff_id != t->id)
			continue;
		ews_money_format(p->price_micro, m);
		fprintf(f, "%s%s", n++ ? ", " : "", m);
		if (p->from.year)
			fprintf(f, " from %s",
			        shape_date_text(&p->from, d, sizeof(d)));
	}
	if (f)
		fclose(f);
	cli_rec_add(r, "id", "%lld", (long long)t->id);
	cli_rec_str(r, "commodity", ews_commodity_name(t->commodity));
	cli_rec_str(r, "name", t->name);
	cli_rec_str(r, "color", t->color);
	cli_rec_str(r, "prices", text);
	free(text);
}

static int
apply_tariff(const struct cli_args *a, ews_tariff *t)
{
	for (size_t i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];
		int rc = CLI_OK;

		if (o->id == OPT_NAME)
			rc = cli_copy(t->name, sizeof(t->name), o->value,
			              "name");
		else if (o->id == OPT_COLOR)
			rc = cli_copy(t->color, sizeof(t->color), o->value,
			              "color");
		if (rc)
			return rc;
	}
	return CLI_OK;
}

static int
run_tariff_add(struct cli *c, const struct cli_args *a)
{
	struct tariff_row row = { 0 };
	ews_commodity commodity;
	ews_tariff t;
	ews_status st;
	int rc = cli_args_commodity(c, a, &commodity);

	if (rc)
		return rc;
	if (!commodity)
		return cli_usage(c, "missing option --commodity");
	if (!cli_has_opt(a, OPT_NAME))
		return cli_usage(c, "missing option --name");
	ews_tariff_init(&t, EWS_TARIFF_VERSION, commodity);
	if ((rc = apply_tariff(a, &t)))
		return rc;
	st = ews_site_tariff_add(c->site, &t);
	if (st != EWS_OK || !a->json)
		return cli_done_id(st, t.id);
	row.t = &t;
	cli_print_one(a, &row, json_tariff, rec_tariff);
	return CLI_OK;
}

static int
run_tariff_list(struct cli *c, const struct cli_args *a)
{
	ews_list *tariffs = NULL, *prices = NULL;
	ews_commodity commodity;
	struct cli_list l;
	ews_status st;
	int rc = cli_args_commodity(c, a, &commodity);

	if (rc)
		return rc;
	st = ews_site_tariff_list(c->site, commodity, &tariffs);
	if (st == EWS_OK)
		st = ews_site_price_list(c->site, 0, &prices);
	if (st != EWS_OK) {
		ews_list_free(tariffs);
		return cli_fail(st);
	}
	cli_list_begin(&l, a);
	for (size_t i = 0; i < ews_list_len(tariffs); i++) {
		struct tariff_row row = { ews_list_tariff(tariffs, i), prices };

		cli_list_add(&l, &row, json_tariff, rec_tariff);
	}
	cli_list_end(&l);
	ews_list_free(prices);
	ews_list_free(tariffs);
	return CLI_OK;
}

static int
run_tariff_set(struct cli *c, const struct cli_args *a)
{
	ews_tariff t;
	ews_status st;
	int rc;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	st = ews_site_tariff_get(c->site, c->id, &t);
	if (st != EWS_OK)
		return cli_fail(st);
	if ((rc = apply_tariff(a, &t)))
		return rc;
	return cli_done(ews_site_tariff_update(c->site, &t));
}

static int
run_tariff_delete(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_done(ews_site_tariff_delete(c->site, c->id));
}

/* What applies at t_ms for one commodity. */
struct now_row {
	ews_commodity commodity;
	int64_t t_ms;
	ews_tariff_now now;
	unsigned int position;
	char tariff[EWS_NAME_MAX];
	const char *currency;
};

static int
now_of(struct cli *c, ews_commodity commodity, int64_t t_ms,
       struct now_row *out)
{
	ews_cost_rule rule;
	ews_tariff t;
	ews_status st;

	memset(out, 0, sizeof(*out));
	out->commodity = commodity;
	out->t_ms = t_ms;
	st = ews_site_tariff_at(c->site, commodity, t_ms, &out->now);
	if (st == EWS_OK && out->now.rule_id) {
		ews_cost_rule_init(&rule, EWS_COST_RULE_VERSION, commodity);
		st = ews_site_rule_get(c->site, out->now.rule_id, &rule);
		out->position = rule.position;
	}
	if (st == EWS_OK && out->now.tariff_id) {
		ews_tariff_init(&t, EWS_TARIFF_VERSION, commodity);
		st = ews_site_tariff_get(c->site, out->now.tariff_id, &t);
		memcpy(out->tariff, t.name, sizeof(out->tariff));
	}
	return st == EWS_OK ? CLI_OK : cli_fail(st);
}

static void
json_now(struct jw *j, const void *obj)
{
	const struct now_row *n = obj;

	shape_tariff_now(j, n->commodity, n->t_ms, &n->now, n->position,
	                 n->tariff);
}

static void
rec_now(struct cli_rec *r, const void *obj)
{
	const struct now_row *n = obj;
	char m[64];

	cli_rec_str(r, "commodity", ews_commodity_name(n->commodity));
	cli_rec_ref(r, "rule", n->now.rule_id);
	cli_rec_uint(r, "position", n->now.rule_id ? n->position : 0);
	cli_rec_str(r, "tariff", n->now.tariff_id ? n->tariff : "no tariff");
	if (n->now.has_price) {
		cli_rec_str(r, "price",
		            cli_money_text(n->now.price_micro, n->currency, m,
		                           sizeof(m)));
	} else {
		cli_rec_str(r, "price",
		            n->now.tariff_id ? "no price" : "no tariff");
	}
}

static int
run_tariff_now(struct cli *c, const struct cli_args *a)
{
	ews_commodity commodity = 0;
	int64_t t_ms = cli_now_ms();
	struct now_row row;
	struct cli_list l;
	char cur[8];
	int rc;

	for (size_t i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];

		if (o->id == OPT_COMMODITY &&
		    cli_opt_commodity(c, o, &commodity))
			return CLI_USAGE;
		if (o->id == OPT_AT &&
		    ews_time_parse(o->value, &t_ms) != EWS_OK)
			return cli_opt_bad(
			        c, o, "a time like 2024-03-05T20:00:00+01:00");
	}
	currency(c, cur, sizeof(cur));
	cli_list_begin(&l, a);
	for (size_t i = 0; i < CLI_COMMODITIES; i++) {
		if (commodity && cli_commodities[i] != commodity)
			continue;
		if ((rc = now_of(c, cli_commodities[i], t_ms, &row))) {
			cli_list_end(&l);
			return rc;
		}
		row.currency = cur;
		cli_list_add(&l, &row, json_now, rec_now);
	}
	cli_list_end(&l);
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* ews price                                                           */

static void
rec_price(struct cli_rec *r, const void *obj)
{
	const ews_price *p = obj;
	char m[EWS_MONEY_TEXT_MAX], d[16];

	ews_money_format(p->price_micro, m);
	cli_rec_add(r, "id", "%lld", (long long)p->id);
	cli_rec_add(r, "tariff_id", "%lld", (long long)p->tariff_id);
	cli_rec_str(r, "from",
	            p->from.year ? shape_date_text(&p->from, d, sizeof(d))
	                         : "always");
	cli_rec_str(r, "price", m);
}

/* The undated price of the commodity's DEFAULT tariff (a flat price). */
static int
flat_price_get(struct cli *c, ews_commodity commodity, ews_price *out)
{
	ews_list *tariffs = NULL, *prices = NULL;
	ews_status st = ews_site_tariff_list(c->site, commodity, &tariffs);
	int64_t id = 0;

	for (size_t i = 0; st == EWS_OK && i < ews_list_len(tariffs); i++) {
		if (strcmp(ews_list_tariff(tariffs, i)->name, "DEFAULT") == 0)
			id = ews_list_tariff(tariffs, i)->id;
	}
	ews_list_free(tariffs);
	if (st == EWS_OK)
		st = ews_site_price_list(c->site, id, &prices);
	if (st != EWS_OK)
		return cli_fail(st);
	if (!id || ews_list_len(prices) != 1) {
		ews_list_free(prices);
		fprintf(stderr, "ews: the flat price was set but is not the "
		                "one price of tariff DEFAULT\n");
		return CLI_IO;
	}
	*out = *ews_list_price(prices, 0);
	ews_list_free(prices);
	return CLI_OK;
}

static int
run_price_add(struct cli *c, const struct cli_args *a)
{
	const struct cli_opt *tariff = NULL, *price = NULL, *from = NULL;
	ews_commodity commodity = 0;
	ews_price p;
	ews_status st;
	int rc;

	ews_price_init(&p, EWS_PRICE_VERSION);
	for (size_t i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];

		if (o->id == OPT_TARIFF)
			tariff = o;
		else if (o->id == OPT_PRICE)
			price = o;
		else if (o->id == OPT_FROM)
			from = o;
		else if (o->id == OPT_COMMODITY &&
		         cli_opt_commodity(c, o, &commodity))
			return CLI_USAGE;
	}
	if (!price)
		return cli_usage(c, "missing option --price");
	if (tariff && commodity)
		return cli_usage(c, "--commodity is for a flat price, "
		                    "without --tariff");
	if (!tariff && !commodity)
		return cli_usage(c, "missing option --tariff (or --commodity "
		                    "for a flat price)");
	if (!tariff && from)
		return cli_usage(c, "--from is for a price of a --tariff: a "
		                    "flat price has no date");
	if (tariff && cli_opt_id(c, tariff, &p.tariff_id))
		return CLI_USAGE;
	if ((st = ews_money_parse(price->value, "price", &p.price_micro)) ||
	    (from && (st = ews_date_parse(from->value, "from", &p.from))))
		return cli_fail(st);
	if (tariff) {
		st = ews_site_price_add(c->site, &p);
	} else {
		st = ews_site_flat_price_set(c->site, commodity, p.price_micro);
		if (st == EWS_OK && (rc = flat_price_get(c, commodity, &p)))
			return rc;
	}
	if (st != EWS_OK || !a->json)
		return cli_done_id(st, p.id);
	cli_print_one(a, &p, shape_price, rec_price);
	return CLI_OK;
}

static int
run_price_list(struct cli *c, const struct cli_args *a)
{
	ews_list *list = NULL;
	int64_t tariff = 0;
	ews_status st;

	for (size_t i = 0; i < a->n_opt; i++) {
		if (a->opt[i].id == OPT_TARIFF &&
		    cli_opt_id(c, &a->opt[i], &tariff))
			return CLI_USAGE;
	}
	if (tariff) { /* an unknown tariff is refused, not an empty list */
		ews_tariff t;

		ews_tariff_init(&t, EWS_TARIFF_VERSION,
		                EWS_COMMODITY_ELECTRICITY);
		if ((st = ews_site_tariff_get(c->site, tariff, &t)) != EWS_OK)
			return cli_fail(st);
	}
	st = ews_site_price_list(c->site, tariff, &list);
	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, shape_at_price, shape_price, rec_price);
	ews_list_free(list);
	return CLI_OK;
}

static int
run_price_delete(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_done(ews_site_price_delete(c->site, c->id));
}

/* ------------------------------------------------------------------ */
/* The nouns                                                           */

static const struct cli_opt_spec tariff_add_opts[] = {
	{ "commodity", 1, OPT_COMMODITY },
	{ "name", 1, OPT_NAME },
	{ "color", 1, OPT_COLOR },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec tariff_set_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "color", 1, OPT_COLOR },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec commodity_opts[] = {
	{ "commodity", 1, OPT_COMMODITY },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec now_opts[] = {
	{ "commodity", 1, OPT_COMMODITY },
	{ "at", 1, OPT_AT },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec price_add_opts[] = {
	{ "tariff", 1, OPT_TARIFF },
	{ "price", 1, OPT_PRICE },
	{ "from", 1, OPT_FROM },
	{ "commodity", 1, OPT_COMMODITY },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec price_list_opts[] = {
	{ "tariff", 1, OPT_TARIFF },
	{ NULL, 0, 0 },
};

enum {
	SITE = CLI_NEEDS_SITE,
	SITE_ID = CLI_NEEDS_SITE | CLI_TAKES_ID,
	JSON = CLI_TAKES_JSON,
};

#define COMMODITY_HELP "  --commodity C       electricity, gas or water\n"

static const struct cli_verb tariff_verbs[] = {
	{ "add", run_tariff_add, tariff_add_opts, 0, 0, SITE | JSON,
	  "--commodity C --name N [--color #RRGGBB] [--json]",
	  "Add a tariff (at most 5 per commodity). Prints the new id; with\n"
	  "--json the tariff, as an item of `ews tariff list --json`.\n"
	  "\n"
	  "Options:\n" COMMODITY_HELP
	  "  --name N            name, unique within the commodity\n"
	  "  --color #RRGGBB     colour in charts (default: the next of a\n"
	  "                      palette)\n" },
	{ "list", run_tariff_list, commodity_opts, 0, 0, SITE | JSON,
	  "[--commodity C] [--json]",
	  "List the tariffs, by commodity and id, with their prices. With\n"
	  "--json: [{\"id\", \"commodity\", \"name\", \"color\", \"prices\":\n"
	  "[{\"id\", \"from\" (YYYY-MM-DD, null: from the beginning),\n"
	  "\"price\" (an exact decimal, per kWh or m3)}...]}...]\n"
	  "\n"
	  "Options:\n"
	  "  --commodity C       only the tariffs of electricity, gas or "
	  "water\n" },
	{ "set", run_tariff_set, tariff_set_opts, 1, 1, SITE_ID,
	  "ID [--name N] [--color #RRGGBB]",
	  "Rename or recolour a tariff (its commodity stays).\n"
	  "\n"
	  "Options:\n"
	  "  --name N            new name\n"
	  "  --color #RRGGBB     new colour\n" },
	{ "delete", run_tariff_delete, NULL, 1, 1, SITE_ID, "ID",
	  "Erase a tariff and its prices; refused while a cost rule uses it.\n"
	  "\n"
	  "Options:\n" },
	{ "now", run_tariff_now, now_opts, 0, 0, SITE | JSON,
	  "[--commodity C] [--at TIME] [--json]",
	  "What applies at an instant, per commodity: the first true cost\n"
	  "rule (id and position), its tariff and the tariff's price on that\n"
	  "local date; \"no tariff\" when no rule is true, \"no price\" when\n"
	  "the tariff has no price on that date. With --json: "
	  "[{\"commodity\",\n"
	  "\"at\", \"rule_id\", \"position\", \"tariff_id\", \"tariff\", "
	  "\"price\"}...]\n"
	  "with null for what does not apply.\n"
	  "\n"
	  "Options:\n"
	  "  --commodity C       only electricity, gas or water (default: "
	  "each)\n"
	  "  --at TIME           ISO 8601 with its offset, e.g.\n"
	  "                      2024-03-05T20:00:00+01:00 (default: now)\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_tariff = {
	"tariff",
	"Tariffs: named prices of electricity, gas and water (see also "
	"`ews price` and `ews rule`).",
	tariff_verbs,
	0,
};

static const struct cli_verb price_verbs[] = {
	{ "add", run_price_add, price_add_opts, 0, 0, SITE | JSON,
	  "--tariff ID --price DECIMAL [--from YYYY-MM-DD] [--json] | "
	  "--commodity C --price DECIMAL [--json]",
	  "Add a price to a tariff (at most 5), valid from a local date until\n"
	  "the next price's; without --from, from the beginning (one such\n"
	  "price per tariff). Prices are per kWh of electricity, per m3 of "
	  "gas\n"
	  "and water, in the currency of the setting `currency`.\n"
	  "Without --tariff, --commodity sets a flat price: the tariff\n"
	  "DEFAULT of the commodity gets this one price (replacing its\n"
	  "prices) and, unless a rule uses DEFAULT already, an always-valid\n"
	  "rule at the end of the list.\n"
	  "Prints the id of the price; with --json the price, as an item of\n"
	  "`ews price list --json`.\n"
	  "\n"
	  "Options:\n"
	  "  --tariff ID         the tariff\n"
	  "  --price DECIMAL     e.g. 0.1875 (at most 6 decimals)\n"
	  "  --from YYYY-MM-DD   first local day of the price\n"
	  "  --commodity C       a flat price of electricity, gas or water\n" },
	{ "list", run_price_list, price_list_opts, 0, 0, SITE | JSON,
	  "[--tariff ID] [--json]",
	  "List the prices, by tariff and date. With --json: [{\"id\",\n"
	  "\"tariff_id\", \"from\" (null: from the beginning), \"price\"}...]\n"
	  "\n"
	  "Options:\n"
	  "  --tariff ID         only the prices of this tariff\n" },
	{ "delete", run_price_delete, NULL, 1, 1, SITE_ID, "ID",
	  "Erase a price.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_price = {
	"price",
	"Prices of tariffs, each valid from a date until the next.",
	price_verbs,
	0,
};
