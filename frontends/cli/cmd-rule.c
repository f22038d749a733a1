/*
 * ews rule add|set|list|move|delete (TAR-3): the ordered cost rules of
 * <ews/tariff.h>. At any instant the first true rule of a commodity, top
 * down, gives the tariff.
 *
 * Refusals name the library's field of the rule: "time" for --time,
 * "weekdays" for --days, "from"/"to" for the dates.
 */
#include <string.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Options                                                             */

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

/* "HH:MM-HH:MM", the end minute included. */
static int
parse_time(const char *s, ews_cost_rule *r)
{
	if (strlen(s) != 11 || hh_mm(s, &r->time_from) || s[5] != '-' ||
	    hh_mm(s + 6, &r->time_to))
		return cli_refuse("time: '%s' is not a time frame like "
		                  "00:00-18:59 (HH:MM-HH:MM, the end minute "
		                  "included)",
		                  s);
	return CLI_OK;
}

/* "all", or days of the week: "mon,tue,...". "" is no day, which the
 * library refuses with its reason. */
static int
parse_days(const char *s, unsigned int *out)
{
	const char *p = s;

	*out = 0;
	if (strcmp(s, "all") == 0) {
		*out = EWS_WEEKDAYS_ALL;
		return CLI_OK;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		unsigned int d;

		for (d = 0; d < 7; d++) {
			if (len == 3 && strncmp(p, shape_weekday[d], 3) == 0)
				break;
		}
		if (d == 7)
			return cli_refuse(
			        "weekdays: '%.*s' is not a day: --days "
			        "takes mon, tue, wed, thu, fri, sat, "
			        "sun, separated by commas, or all",
			        (int)len, p);
		*out |= 1u << d;
		p += len;
		if (*p == ',' && *++p == '\0')
			return cli_refuse("weekdays: '%s' ends with a comma",
			                  s);
	}
	return CLI_OK;
}

/* What the options of add and set give. */
struct rule_opts {
	const struct cli_opt *commodity, *tariff, *date, *from, *to, *time,
	        *days;
	int every_year, always;
};

static int
read_rule_opts(const struct cli *c, const struct cli_args *a,
               struct rule_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	for (size_t i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];

		switch (o->id) {
		case OPT_COMMODITY:
			ro->commodity = o;
			break;
		case OPT_TARIFF:
			ro->tariff = o;
			break;
		case OPT_DATE:
			ro->date = o;
			break;
		case OPT_FROM:
			ro->from = o;
			break;
		case OPT_TO:
			ro->to = o;
			break;
		case OPT_TIME:
			ro->time = o;
			break;
		case OPT_DAYS:
			ro->days = o;
			break;
		case OPT_EVERY_YEAR:
			ro->every_year = 1;
			break;
		case OPT_ALWAYS:
			ro->always = 1;
			break;
		}
	}
	if (ro->date && (ro->from || ro->to))
		return cli_usage(c,
		                 "--date and --from/--to exclude each other");
	if (ro->from && !ro->to)
		return cli_usage(c, "--from needs --to (a period, both days "
		                    "included)");
	if (ro->to && !ro->from)
		return cli_usage(c, "--to needs --from");
	if (ro->always && (ro->date || ro->from || ro->every_year))
		return cli_usage(c, "--always excludes --date, --from/--to and "
		                    "--every-year");
	return CLI_OK;
}

/*
 * Apply the options to *r. The validity options (--always, --date,
 * --from/--to) replace the validity as a whole, --every-year included;
 * --every-year alone sets it on the rule's date or period.
 */
static int
apply_rule(const struct cli *c, const struct rule_opts *ro, ews_cost_rule *r)
{
	ews_status st = EWS_OK;
	int rc;

	if (ro->tariff && cli_opt_id(c, ro->tariff, &r->tariff_id))
		return CLI_USAGE;
	if (ro->always) {
		r->validity = EWS_VALID_ALWAYS;
		memset(&r->from, 0, sizeof(r->from));
		memset(&r->to, 0, sizeof(r->to));
	} else if (ro->date) {
		r->validity = EWS_VALID_DATE;
		memset(&r->to, 0, sizeof(r->to));
		st = ews_date_parse(ro->date->value, "date", &r->from);
	} else if (ro->from) {
		r->validity = EWS_VALID_PERIOD;
		if ((st = ews_date_parse(ro->from->value, "from", &r->from)) ==
		    EWS_OK)
			st = ews_date_parse(ro->to->value, "to", &r->to);
	}
	if (st != EWS_OK)
		return cli_fail(st);
	if (ro->always || ro->date || ro->from || ro->every_year)
		r->every_year = ro->every_year;
	if (ro->time && (rc = parse_time(ro->time->value, r)))
		return rc;
	if (ro->days && (rc = parse_days(ro->days->value, &r->weekdays)))
		return rc;
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* A rule with the name of its tariff, for printing. */
struct rule_row {
	const ews_cost_rule *r;
	const char *tariff;
};

static void
json_rule(struct jw *j, const void *obj)
{
	const struct rule_row *row = obj;

	shape_rule(j, row->r, row->tariff);
}

static void
rec_rule(struct cli_rec *r, const void *obj)
{
	const struct rule_row *row = obj;
	const ews_cost_rule *rule = row->r;
	char from[16], to[16], t[16], days[32] = "";
	const char *every = rule->every_year ? ", every year" : "";

	cli_rec_add(r, "position", "%u", rule->position);
	cli_rec_add(r, "id", "%lld", (long long)rule->id);
	cli_rec_str(r, "commodity", ews_commodity_name(rule->commodity));
	cli_rec_str(r, "tariff", row->tariff);
	shape_date_text(&rule->from, from, sizeof(from));
	shape_date_text(&rule->to, to, sizeof(to));
	if (rule->validity == EWS_VALID_DATE)
		cli_rec_add(r, "validity", "%s%s", from, every);
	else if (rule->validity == EWS_VALID_PERIOD)
		cli_rec_add(r, "validity", "%s..%s%s", from, to, every);
	else
		cli_rec_str(r, "validity", "always");
	cli_rec_str(r, "time", shape_rule_time_text(rule, t, sizeof(t)));
	for (unsigned int i = 0; i < 7; i++) {
		if (rule->weekdays & (1u << i))
			snprintf(days + strlen(days),
			         sizeof(days) - strlen(days), "%s%s",
			         days[0] ? "," : "", shape_weekday[i]);
	}
	cli_rec_str(r, "days",
	            (rule->weekdays & EWS_WEEKDAYS_ALL) == EWS_WEEKDAYS_ALL
	                    ? "all"
	                    : days);
}

/* The name of tariff id in a list of tariffs, or "?". */
static const char *
tariff_name(const ews_list *tariffs, int64_t id)
{
	for (size_t i = 0; i < ews_list_len(tariffs); i++) {
		if (ews_list_tariff(tariffs, i)->id == id)
			return ews_list_tariff(tariffs, i)->name;
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Verbs                                                               */

static int
run_rule_add(struct cli *c, const struct cli_args *a)
{
	struct rule_opts ro;
	struct rule_row row;
	ews_commodity commodity = 0;
	ews_cost_rule r;
	ews_tariff t;
	ews_status st;
	int rc = read_rule_opts(c, a, &ro);

	if (rc)
		return rc;
	if (!ro.tariff)
		return cli_usage(c, "missing option --tariff");
	if (ro.commodity && cli_opt_commodity(c, ro.commodity, &commodity))
		return CLI_USAGE;
	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	if (cli_opt_id(c, ro.tariff, &t.id))
		return CLI_USAGE;
	/* Without --commodity, the tariff's. */
	if (!commodity && (st = ews_site_tariff_get(c->site, t.id, &t)))
		return cli_fail(st);
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   commodity ? commodity : t.commodity);
	if ((rc = apply_rule(c, &ro, &r)))
		return rc;
	st = ews_site_rule_add(c->site, &r);
	if (st != EWS_OK || !a->json)
		return cli_done_id(st, r.id);
	if ((st = ews_site_tariff_get(c->site, r.tariff_id, &t)) != EWS_OK)
		return cli_fail(st);
	row.r = &r;
	row.tariff = t.name;
	cli_print_one(a, &row, json_rule, rec_rule);
	return CLI_OK;
}

static int
run_rule_set(struct cli *c, const struct cli_args *a)
{
	struct rule_opts ro;
	ews_cost_rule r;
	ews_status st;
	int rc = read_rule_opts(c, a, &ro);

	if (rc)
		return rc;
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	if ((st = ews_site_rule_get(c->site, c->id, &r)) != EWS_OK)
		return cli_fail(st);
	if ((rc = apply_rule(c, &ro, &r)))
		return rc;
	return cli_done(ews_site_rule_update(c->site, &r));
}

static int
run_rule_list(struct cli *c, const struct cli_args *a)
{
	ews_list *rules = NULL, *tariffs = NULL;
	ews_commodity commodity;
	struct cli_list l;
	ews_status st;

	if (cli_args_commodity(c, a, &commodity))
		return CLI_USAGE;
	st = ews_site_rule_list(c->site, commodity, &rules);
	if (st == EWS_OK)
		st = ews_site_tariff_list(c->site, 0, &tariffs);
	if (st != EWS_OK) {
		ews_list_free(rules);
		return cli_fail(st);
	}
	cli_list_begin(&l, a);
	for (size_t i = 0; i < ews_list_len(rules); i++) {
		struct rule_row row;

		row.r = ews_list_cost_rule(rules, i);
		row.tariff = tariff_name(tariffs, row.r->tariff_id);
		cli_list_add(&l, &row, json_rule, rec_rule);
	}
	cli_list_end(&l);
	ews_list_free(tariffs);
	ews_list_free(rules);
	return CLI_OK;
}

static int
run_rule_move(struct cli *c, const struct cli_args *a)
{
	ews_cost_rule r;
	ews_status st;
	int delta;

	if (strcmp(a->pos[1], "up") == 0)
		delta = -1;
	else if (strcmp(a->pos[1], "down") == 0)
		delta = 1;
	else
		return cli_usage(c, "'%s' is not up or down", a->pos[1]);
	/* ews_site_rule_move() reports an unknown rule as one already first
	 * or last: ask for the rule first. */
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	if ((st = ews_site_rule_get(c->site, c->id, &r)) != EWS_OK)
		return cli_fail(st);
	return cli_done(ews_site_rule_move(c->site, c->id, delta));
}

static int
run_rule_delete(struct cli *c, const struct cli_args *a)
{
	(void)a;
	return cli_done(ews_site_rule_delete(c->site, c->id));
}

/* ------------------------------------------------------------------ */
/* The noun                                                            */

static const struct cli_opt_spec rule_add_opts[] = {
	{ "commodity", 1, OPT_COMMODITY },
	{ "tariff", 1, OPT_TARIFF },
	{ "date", 1, OPT_DATE },
	{ "from", 1, OPT_FROM },
	{ "to", 1, OPT_TO },
	{ "time", 1, OPT_TIME },
	{ "days", 1, OPT_DAYS },
	{ "every-year", 0, OPT_EVERY_YEAR },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec rule_set_opts[] = {
	{ "tariff", 1, OPT_TARIFF },
	{ "always", 0, OPT_ALWAYS },
	{ "date", 1, OPT_DATE },
	{ "from", 1, OPT_FROM },
	{ "to", 1, OPT_TO },
	{ "time", 1, OPT_TIME },
	{ "days", 1, OPT_DAYS },
	{ "every-year", 0, OPT_EVERY_YEAR },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec rule_list_opts[] = {
	{ "commodity", 1, OPT_COMMODITY },
	{ NULL, 0, 0 },
};

#define RULE_OPTS_HELP                                                         \
	"  --tariff ID         the tariff the rule gives\n"                    \
	"  --date YYYY-MM-DD   true on this local date only\n"                 \
	"  --from YYYY-MM-DD --to YYYY-MM-DD\n"                                \
	"                      true from one date to another, both "           \
	"included\n"                                                           \
	"  --every-year        the date or period of every year\n"             \
	"  --time HH:MM-HH:MM  a time frame, the end minute included\n"        \
	"                      (00:00-18:59 is up to 19:00); it crosses\n"     \
	"                      midnight when it ends before it starts\n"       \
	"                      (22:00-05:59). Default 00:00-23:59\n"           \
	"  --days D            mon,tue,wed,thu,fri,sat,sun (some of them,\n"   \
	"                      by commas) or all (the default)\n"

static const struct cli_verb rule_verbs[] = {
	{ "add", run_rule_add, rule_add_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON,
	  "--tariff ID [--commodity C] [--date D | --from D --to D] "
	  "[--every-year] [--time HH:MM-HH:MM] [--days D] [--json]",
	  "Add a cost rule at the end of its commodity's list (at most 50).\n"
	  "At any instant the first true rule, top down, gives the tariff;\n"
	  "consumption under no true rule is \"no tariff\". Each minute is\n"
	  "judged by its own local date and weekday. A rule that can never\n"
	  "be true is refused. Prints the new id; with --json the rule, as an\n"
	  "item of `ews rule list --json`.\n"
	  "\n"
	  "Options:\n"
	  "  --commodity C       electricity, gas or water (default: the\n"
	  "                      tariff's)\n" RULE_OPTS_HELP },
	{ "set", run_rule_set, rule_set_opts, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID,
	  "ID [--tariff ID] [--always | --date D | --from D --to D] "
	  "[--every-year] [--time HH:MM-HH:MM] [--days D]",
	  "Change a cost rule; what no option names keeps its value (the\n"
	  "rule keeps its commodity and position). --always, --date and\n"
	  "--from/--to replace the validity, --every-year included.\n"
	  "\n"
	  "Options:\n"
	  "  --always            true on every date\n" RULE_OPTS_HELP },
	{ "list", run_rule_list, rule_list_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON, "[--commodity C] [--json]",
	  "List the cost rules by commodity and position. With --json:\n"
	  "[{\"id\", \"commodity\", \"position\", \"tariff_id\", \"tariff\",\n"
	  "\"validity\" (always, date or period), \"date\", \"from\", \"to\"\n"
	  "(YYYY-MM-DD or null), \"every_year\", \"time\" (HH:MM-HH:MM),\n"
	  "\"days\": [\"mon\"...]}...]\n"
	  "\n"
	  "Options:\n"
	  "  --commodity C       only the rules of electricity, gas or "
	  "water\n" },
	{ "move", run_rule_move, NULL, 2, 2, CLI_NEEDS_SITE | CLI_TAKES_ID,
	  "ID up|down",
	  "Move a cost rule one place up (evaluated earlier) or down.\n"
	  "\n"
	  "Options:\n" },
	{ "delete", run_rule_delete, NULL, 1, 1, CLI_NEEDS_SITE | CLI_TAKES_ID,
	  "ID",
	  "Erase a cost rule; the rules below it move up.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_rule = {
	"rule",
	"Cost rules: which tariff applies when, first true rule first.",
	rule_verbs,
	0,
};
