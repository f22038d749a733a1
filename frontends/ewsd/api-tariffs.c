/*
 * Tariffs, their prices and the cost rules (TAR-1..5): everything
 * `ews tariff|price|rule` does, with the CLI's JSON (shapes.h) and its
 * field names in bodies.
 *
 * Money is read exactly: "price" is a decimal string ("0.1875") or a
 * JSON number, and either way its text goes to ews_money_parse(), never
 * through a double.
 */
#include <string.h>

#include <event2/keyvalq_struct.h>

#include "ewsd.h"
#include "query.h"

/* ------------------------------------------------------------------ */
/* Query parameters and body fields                                    */

/* ?commodity= (0 when absent): 0, or a 400. */
static int
param_commodity(struct ewsd_req *q, ews_commodity *out)
{
	const char *v = ewsd_query(q, "commodity");

	*out = 0;
	return v ? ewsd_query_bad(q, "commodity", v, query_commodity(v, out))
	         : 0;
}

/* A string field, or "" when absent or null (the CLI's JSON writes null
 * for what does not apply, so a client may send it back). */
static int
body_text(struct ewsd_req *q, const char *field, char *out, size_t size)
{
	yajl_val v = ewsd_body_get(q, field);

	out[0] = 0;
	if (!v || YAJL_IS_NULL(v))
		return 0;
	return ewsd_body_str(q, field, 0, out, size);
}

/* "commodity": electricity, gas or water. *given says if it was there. */
static int
body_commodity(struct ewsd_req *q, int required, ews_commodity *out, int *given)
{
	char text[32] = "";

	*given = 0;
	if (ewsd_body_str(q, "commodity", required, text, sizeof(text)))
		return -1;
	if (!ewsd_body_get(q, "commodity"))
		return 0;
	*given = 1;
	return ewsd_query_bad(q, "commodity", text, query_commodity(text, out));
}

/* A commodity given on a change must be the object's own: tariffs and
 * rules keep theirs. */
static int
same_commodity(struct ewsd_req *q, ews_commodity has, const char *what)
{
	ews_commodity c = has;
	int given;

	if (body_commodity(q, 0, &c, &given))
		return -1;
	if (c == has)
		return 0;
	ewsd_reply_error(q, 422, "invalid", "commodity",
	                 "commodity: a %s keeps its commodity (%s)", what,
	                 ews_commodity_name(has));
	return -1;
}

/* Money: a decimal string or a number, through ews_money_parse(). */
static int
body_money(struct ewsd_req *q, const char *field, int64_t *micro)
{
	yajl_val v = ewsd_body_get(q, field);
	const char *text = NULL;
	ews_status st;

	if (YAJL_IS_STRING(v))
		text = v->u.string;
	else if (YAJL_IS_NUMBER(v))
		text = YAJL_GET_NUMBER(v); /* the number's own text */
	if (!text) {
		ewsd_reply_error(q, 400, "bad_field", field,
		                 v ? "%s: must be a decimal, as \"0.1875\""
		                   : "%s: is required",
		                 field);
		return -1;
	}
	if ((st = ews_money_parse(text, field, micro)) != EWS_OK) {
		ewsd_reply_status(q, st);
		return -1;
	}
	return 0;
}

/* A date field ("YYYY-MM-DD", or null/absent for none): 0, or replied. */
static int
body_date(struct ewsd_req *q, const char *field, ews_date *out, int *given)
{
	char text[32];
	ews_status st;

	*given = 0;
	if (body_text(q, field, text, sizeof(text)))
		return -1;
	if (!text[0])
		return 0;
	*given = 1;
	if ((st = ews_date_parse(text, field, out)) != EWS_OK) {
		ewsd_reply_status(q, st);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Tariffs                                                             */

static void
list_tariffs(struct ewsd_req *q)
{
	static const char *const known[] = { "commodity", NULL };
	ews_list *tariffs = NULL, *prices = NULL;
	ews_commodity commodity;
	ews_status st;
	struct jw *j;

	if (ewsd_query_only(q, known) || param_commodity(q, &commodity))
		return;
	st = ews_site_tariff_list(q->d->site, commodity, &tariffs);
	if (st == EWS_OK)
		st = ews_site_price_list(q->d->site, 0, &prices);
	if (st == EWS_OK) {
		j = ewsd_reply_begin(q);
		jw_array_begin(j, 0);
		for (size_t i = 0; i < ews_list_len(tariffs); i++)
			shape_tariff(j, ews_list_tariff(tariffs, i), prices);
		jw_array_end(j);
		ewsd_reply_end(q, 200);
	} else {
		ewsd_reply_status(q, st);
	}
	ews_list_free(prices);
	ews_list_free(tariffs);
}

static void
get_tariff(struct ewsd_req *q)
{
	ews_list *prices = NULL;
	ews_tariff t;
	ews_status st;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	st = ews_site_tariff_get(q->d->site, q->ids[0], &t);
	if (st == EWS_OK)
		st = ews_site_price_list(q->d->site, t.id, &prices);
	if (st == EWS_OK) {
		shape_tariff(ewsd_reply_begin(q), &t, prices);
		ewsd_reply_end(q, 200);
	} else {
		ewsd_reply_status(q, st);
	}
	ews_list_free(prices);
}

static const char *const tariff_fields[] = { "commodity", "name", "color",
	                                     NULL };

static void
add_tariff(struct ewsd_req *q)
{
	ews_commodity commodity = 0;
	ews_tariff t;
	ews_status st;
	int given;

	if (ewsd_body_only(q, tariff_fields) ||
	    body_commodity(q, 1, &commodity, &given))
		return;
	ews_tariff_init(&t, EWS_TARIFF_VERSION, commodity);
	if (ewsd_body_str(q, "name", 1, t.name, sizeof(t.name)) ||
	    ewsd_body_str(q, "color", 0, t.color, sizeof(t.color)))
		return;
	st = ews_site_tariff_add(q->d->site, &t); /* sets t.id */
	ewsd_reply_done(q, st, t.id);
}

static void
put_tariff(struct ewsd_req *q)
{
	ews_tariff t;
	ews_status st;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	if ((st = ews_site_tariff_get(q->d->site, q->ids[0], &t))) {
		ewsd_reply_status(q, st);
		return;
	}
	if (ewsd_body_only(q, tariff_fields) ||
	    same_commodity(q, t.commodity, "tariff") ||
	    ewsd_body_str(q, "name", 0, t.name, sizeof(t.name)) ||
	    ewsd_body_str(q, "color", 0, t.color, sizeof(t.color)))
		return;
	ewsd_reply_done(q, ews_site_tariff_update(q->d->site, &t), 0);
}

static void
delete_tariff(struct ewsd_req *q)
{
	ewsd_reply_done(q, ews_site_tariff_delete(q->d->site, q->ids[0]), 0);
}

/* What applies at t_ms for one commodity, as shape_tariff_now takes. */
struct now_row {
	ews_tariff_now now;
	unsigned int position;
	char tariff[EWS_NAME_MAX];
};

static ews_status
now_of(struct ewsd_req *q, ews_commodity commodity, int64_t t_ms,
       struct now_row *out)
{
	ews_cost_rule rule;
	ews_tariff t;
	ews_status st;

	memset(out, 0, sizeof(*out));
	st = ews_site_tariff_at(q->d->site, commodity, t_ms, &out->now);
	if (st == EWS_OK && out->now.rule_id) {
		ews_cost_rule_init(&rule, EWS_COST_RULE_VERSION, commodity);
		st = ews_site_rule_get(q->d->site, out->now.rule_id, &rule);
		out->position = rule.position;
	}
	if (st == EWS_OK && out->now.tariff_id) {
		ews_tariff_init(&t, EWS_TARIFF_VERSION, commodity);
		st = ews_site_tariff_get(q->d->site, out->now.tariff_id, &t);
		memcpy(out->tariff, t.name, sizeof(out->tariff));
	}
	return st;
}

/* GET /api/v1/tariffs/now?commodity=&at=TIME: as `ews tariff now`. */
static void
tariffs_now(struct ewsd_req *q)
{
	static const char *const known[] = { "commodity", "at", NULL };
	static const ews_commodity each[3] = { EWS_COMMODITY_ELECTRICITY,
		                               EWS_COMMODITY_GAS,
		                               EWS_COMMODITY_WATER };
	struct now_row rows[3];
	const char *at = ewsd_query(q, "at");
	int64_t t_ms = q->now_ms;
	ews_commodity commodity;
	ews_status st = EWS_OK;
	struct jw *j;

	if (ewsd_query_only(q, known) || param_commodity(q, &commodity))
		return;
	if (at && ews_time_parse(at, &t_ms) != EWS_OK) {
		ewsd_query_bad(q, "at", at,
		               "a time like 2024-03-05T20:00:00+01:00");
		return;
	}
	for (size_t i = 0; st == EWS_OK && i < 3; i++)
		if (!commodity || each[i] == commodity)
			st = now_of(q, each[i], t_ms, &rows[i]);
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t i = 0; i < 3; i++)
		if (!commodity || each[i] == commodity)
			shape_tariff_now(j, each[i], t_ms, &rows[i].now,
			                 rows[i].position, rows[i].tariff);
	jw_array_end(j);
	ewsd_reply_end(q, 200);
}

/* ------------------------------------------------------------------ */
/* Prices                                                              */

/* The prices of one tariff (an unknown tariff is a 404, not []), or of
 * every tariff (tariff_id 0). */
static void
reply_prices(struct ewsd_req *q, int64_t tariff_id)
{
	ews_list *prices = NULL;
	ews_tariff t;
	ews_status st = EWS_OK;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	if (tariff_id)
		st = ews_site_tariff_get(q->d->site, tariff_id, &t);
	if (st == EWS_OK)
		st = ews_site_price_list(q->d->site, tariff_id, &prices);
	ewsd_reply_list(q, st, prices, shape_at_price, shape_price);
}

static void
list_tariff_prices(struct ewsd_req *q)
{
	reply_prices(q, q->ids[0]);
}

/* GET /api/v1/prices?tariff=ID: as `ews price list`. */
static void
list_prices(struct ewsd_req *q)
{
	static const char *const known[] = { "tariff", NULL };
	const char *v = ewsd_query(q, "tariff");
	int64_t tariff = 0;

	if (ewsd_query_only(q, known) ||
	    (v && ewsd_query_bad(q, "tariff", v, query_id(v, &tariff))))
		return;
	reply_prices(q, tariff);
}

static void
add_price(struct ewsd_req *q)
{
	static const char *const known[] = { "from", "price", NULL };
	ews_price p;
	ews_status st;
	int given;

	ews_price_init(&p, EWS_PRICE_VERSION);
	p.tariff_id = q->ids[0];
	if (ewsd_body_only(q, known) ||
	    body_money(q, "price", &p.price_micro) ||
	    body_date(q, "from", &p.from, &given))
		return;
	st = ews_site_price_add(q->d->site, &p); /* sets p.id */
	ewsd_reply_done(q, st, p.id);
}

static void
delete_price(struct ewsd_req *q)
{
	ewsd_reply_done(q, ews_site_price_delete(q->d->site, q->ids[0]), 0);
}

/* The id of the one price of the commodity's tariff DEFAULT. */
static ews_status
flat_price_id(struct ewsd_req *q, ews_commodity commodity, int64_t *id)
{
	ews_list *tariffs = NULL, *prices = NULL;
	ews_status st = ews_site_tariff_list(q->d->site, commodity, &tariffs);
	int64_t tariff = 0;

	for (size_t i = 0; st == EWS_OK && i < ews_list_len(tariffs); i++)
		if (!strcmp(ews_list_tariff(tariffs, i)->name, "DEFAULT"))
			tariff = ews_list_tariff(tariffs, i)->id;
	ews_list_free(tariffs);
	if (st == EWS_OK && tariff)
		st = ews_site_price_list(q->d->site, tariff, &prices);
	*id = st == EWS_OK && tariff && ews_list_len(prices) == 1
	              ? ews_list_price(prices, 0)->id
	              : 0;
	ews_list_free(prices);
	return st;
}

/* POST /api/v1/prices/flat {commodity, price}: as `ews price add
 * --commodity C --price P`; 201 with the id of DEFAULT's price. */
static void
set_flat_price(struct ewsd_req *q)
{
	static const char *const known[] = { "commodity", "price", NULL };
	ews_commodity commodity = 0;
	int64_t micro, id = 0;
	ews_status st;
	int given;

	if (ewsd_body_only(q, known) ||
	    body_commodity(q, 1, &commodity, &given) ||
	    body_money(q, "price", &micro))
		return;
	st = ews_site_flat_price_set(q->d->site, commodity, micro);
	if (st == EWS_OK && (st = flat_price_id(q, commodity, &id)) == EWS_OK &&
	    !id) {
		ewsd_reply_error(q, 500, "internal", NULL,
		                 "the flat price was set but is not the one "
		                 "price of tariff DEFAULT");
		return;
	}
	ewsd_reply_done(q, st, id);
}

/* ------------------------------------------------------------------ */
/* Cost rules                                                          */

static const char *const rule_fields[] = {
	"commodity", "tariff_id",  "validity", "date", "from",
	"to",        "every_year", "time",     "days", NULL
};

/* Add the day named by the len bytes at s to *bits: 0, or a 400. */
static int
add_day(struct ewsd_req *q, const char *s, size_t len, unsigned int *bits)
{
	for (unsigned int d = 0; d < 7; d++) {
		if (len == 3 && !strncmp(s, shape_weekday[d], 3)) {
			*bits |= 1u << d;
			return 0;
		}
	}
	ewsd_reply_error(q, 400, "bad_field", "days",
	                 "days: '%.*s' is not a day: mon, tue, wed, thu, fri, "
	                 "sat, sun, or all",
	                 (int)(len > 32 ? 32 : len), s);
	return -1;
}

/* "days": ["mon", ...] as the CLI's JSON writes them, or the text of
 * --days ("mon,tue" or "all"). No day at all is left to the library,
 * which says why it refuses it. 0, or a 400. */
static int
body_days(struct ewsd_req *q, unsigned int *out)
{
	yajl_val v = ewsd_body_get(q, "days");
	unsigned int bits = 0;

	if (!v)
		return 0;
	if (YAJL_IS_STRING(v)) {
		const char *p = v->u.string;

		if (!strcmp(p, "all")) {
			*out = EWS_WEEKDAYS_ALL;
			return 0;
		}
		while (*p) {
			size_t len = strcspn(p, ",");

			if (add_day(q, p, len, &bits))
				return -1;
			p += len;
			if (*p == ',' && !*++p)
				return ewsd_query_bad(
				        q, "days", v->u.string,
				        "days separated by commas");
		}
	} else if (YAJL_IS_ARRAY(v)) {
		for (size_t i = 0; i < v->u.array.len; i++) {
			yajl_val d = v->u.array.values[i];

			if (!YAJL_IS_STRING(d))
				goto bad;
			if (add_day(q, d->u.string, strlen(d->u.string), &bits))
				return -1;
		}
	} else {
		goto bad;
	}
	*out = bits;
	return 0;
bad:
	ewsd_reply_error(q, 400, "bad_field", "days",
	                 "days: must be an array of days (\"mon\" ... "
	                 "\"sun\") or \"all\"");
	return -1;
}

/* The validity the body asks: "validity", else implied by "date" or
 * "from"/"to"; -1 when the body leaves it as it is. 0, or a 400. */
static int
body_validity(struct ewsd_req *q, int *out, int has_date, int has_period)
{
	char text[16];

	*out = -1;
	if (body_text(q, "validity", text, sizeof(text)))
		return -1;
	if (has_date && has_period) {
		ewsd_reply_error(q, 400, "bad_field", "date",
		                 "date: date and from/to exclude each other");
		return -1;
	}
	if (!strcmp(text, "always"))
		*out = EWS_VALID_ALWAYS;
	else if (!strcmp(text, "date") || (!text[0] && has_date))
		*out = EWS_VALID_DATE;
	else if (!strcmp(text, "period") || (!text[0] && has_period))
		*out = EWS_VALID_PERIOD;
	else if (text[0])
		return ewsd_query_bad(q, "validity", text,
		                      "a validity: always, date or period");
	if ((*out == EWS_VALID_ALWAYS && (has_date || has_period)) ||
	    (*out == EWS_VALID_DATE && has_period) ||
	    (*out == EWS_VALID_PERIOD && has_date)) {
		ewsd_reply_error(q, 400, "bad_field", "validity",
		                 "validity: %s does not go with %s", text,
		                 has_date ? "date" : "from/to");
		return -1;
	}
	return 0;
}

/*
 * The validity fields into r, as the CLI's --always, --date, --from/--to
 * and --every-year: a new validity replaces the old as a whole,
 * every_year included; every_year alone sets it on the rule's date or
 * period.
 */
static int
body_rule_dates(struct ewsd_req *q, ews_cost_rule *r)
{
	ews_date date = { 0 }, from = { 0 }, to = { 0 };
	int has_date, has_from, has_to, validity, every = 0;
	int has_every = ewsd_body_get(q, "every_year") != NULL;

	if (body_date(q, "date", &date, &has_date) ||
	    body_date(q, "from", &from, &has_from) ||
	    body_date(q, "to", &to, &has_to) ||
	    ewsd_body_bool(q, "every_year", 0, &every) ||
	    body_validity(q, &validity, has_date, has_from || has_to))
		return -1;
	if (validity < 0) {
		if (has_every)
			r->every_year = every;
		return 0;
	}
	if ((validity == EWS_VALID_DATE && !has_date) ||
	    (validity == EWS_VALID_PERIOD && (!has_from || !has_to))) {
		const char *need = validity == EWS_VALID_DATE ? "date"
		                   : has_from                 ? "to"
		                                              : "from";

		ewsd_reply_error(q, 400, "bad_field", need,
		                 "%s: is required for validity %s", need,
		                 shape_validity_name(validity));
		return -1;
	}
	if (validity == EWS_VALID_ALWAYS && every) {
		ewsd_reply_error(q, 400, "bad_field", "every_year",
		                 "every_year: an always-valid rule has no date "
		                 "to repeat");
		return -1;
	}
	r->validity = (ews_validity)validity;
	r->from = validity == EWS_VALID_DATE ? date : from;
	r->to = to;
	r->every_year = every;
	return 0;
}

/* The editable fields of a rule from the body (its commodity is read by
 * the caller). 0, or replied. */
static int
body_rule(struct ewsd_req *q, ews_cost_rule *r)
{
	char time[16];

	if (ewsd_body_int(q, "tariff_id", 0, &r->tariff_id) ||
	    body_rule_dates(q, r) || body_text(q, "time", time, sizeof(time)))
		return -1;
	if (ewsd_body_get(q, "time") &&
	    ewsd_query_bad(q, "time", time,
	                   query_time_frame(time, &r->time_from, &r->time_to)))
		return -1;
	return body_days(q, &r->weekdays);
}

/* libews's names of a rule's fields (those of ews_cost_rule) that the
 * body names otherwise. */
static const struct ewsd_field_name rule_names[] = {
	{ "weekdays", "days", EWS_OK },
	{ "tariff", "tariff_id", EWS_OK },
	{ "delta", "direction", EWS_OK },
	{ NULL, NULL, EWS_OK },
};

/* The name of a rule's tariff, "?" when it cannot be read. */
static void
rule_tariff_name(struct ewsd_req *q, const ews_cost_rule *r, char *out,
                 size_t size)
{
	ews_tariff t;

	ews_tariff_init(&t, EWS_TARIFF_VERSION, r->commodity);
	if (ews_site_tariff_get(q->d->site, r->tariff_id, &t) == EWS_OK)
		snprintf(out, size, "%s", t.name);
	else
		snprintf(out, size, "?");
}

static void
list_rules(struct ewsd_req *q)
{
	static const char *const known[] = { "commodity", NULL };
	ews_list *rules = NULL;
	ews_commodity commodity;
	char name[EWS_NAME_MAX];
	ews_status st;
	struct jw *j;

	if (ewsd_query_only(q, known) || param_commodity(q, &commodity))
		return;
	if ((st = ews_site_rule_list(q->d->site, commodity, &rules))) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(rules); i++) {
		const ews_cost_rule *r = ews_list_cost_rule(rules, i);

		rule_tariff_name(q, r, name, sizeof(name));
		shape_rule(j, r, name);
	}
	jw_array_end(j);
	ewsd_reply_end(q, 200);
	ews_list_free(rules);
}

static void
get_rule(struct ewsd_req *q)
{
	char name[EWS_NAME_MAX];
	ews_cost_rule r;
	ews_status st;

	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	if ((st = ews_site_rule_get(q->d->site, q->ids[0], &r))) {
		ewsd_reply_status(q, st);
		return;
	}
	rule_tariff_name(q, &r, name, sizeof(name));
	shape_rule(ewsd_reply_begin(q), &r, name);
	ewsd_reply_end(q, 200);
}

static void
add_rule(struct ewsd_req *q)
{
	ews_commodity commodity = 0;
	ews_cost_rule r;
	ews_tariff t;
	ews_status st;
	int given;

	q->fields = rule_names;
	ews_tariff_init(&t, EWS_TARIFF_VERSION, EWS_COMMODITY_ELECTRICITY);
	if (ewsd_body_only(q, rule_fields) ||
	    body_commodity(q, 0, &commodity, &given) ||
	    ewsd_body_int(q, "tariff_id", 1, &t.id))
		return;
	/* Without a commodity, the tariff's. */
	if (!given && (st = ews_site_tariff_get(q->d->site, t.id, &t))) {
		ewsd_reply_status(q, st);
		return;
	}
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   given ? commodity : t.commodity);
	if (body_rule(q, &r))
		return;
	st = ews_site_rule_add(q->d->site, &r); /* sets r.id */
	ewsd_reply_done(q, st, r.id);
}

static void
put_rule(struct ewsd_req *q)
{
	ews_cost_rule r;
	ews_status st;

	q->fields = rule_names;
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	if ((st = ews_site_rule_get(q->d->site, q->ids[0], &r))) {
		ewsd_reply_status(q, st);
		return;
	}
	if (ewsd_body_only(q, rule_fields) ||
	    same_commodity(q, r.commodity, "rule") || body_rule(q, &r))
		return;
	ewsd_reply_done(q, ews_site_rule_update(q->d->site, &r), 0);
}

static void
move_rule(struct ewsd_req *q)
{
	static const char *const known[] = { "direction", NULL };
	char dir[16];
	ews_cost_rule r;
	ews_status st;

	q->fields = rule_names;
	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "direction", 1, dir, sizeof(dir)))
		return;
	if (strcmp(dir, "up") && strcmp(dir, "down")) {
		ewsd_query_bad(q, "direction", dir, "up or down");
		return;
	}
	/* ews_site_rule_move() reports an unknown rule as one already first
	 * or last: ask for the rule first. */
	ews_cost_rule_init(&r, EWS_COST_RULE_VERSION,
	                   EWS_COMMODITY_ELECTRICITY);
	st = ews_site_rule_get(q->d->site, q->ids[0], &r);
	if (st == EWS_OK)
		st = ews_site_rule_move(q->d->site, q->ids[0],
		                        strcmp(dir, "up") ? 1 : -1);
	ewsd_reply_done(q, st, 0);
}

static void
delete_rule(struct ewsd_req *q)
{
	ewsd_reply_done(q, ews_site_rule_delete(q->d->site, q->ids[0]), 0);
}

/* Reads serve the Consumption page (costs) and System configuration
 * (where tariffs and rules are set); writes need the latter. */
#define TARIFF_READ  EWSD_PAGES, EWS_PAGE_CONSUMPTION | EWS_PAGE_SYSTEM_CONFIG
#define TARIFF_WRITE EWSD_PAGES, EWS_PAGE_SYSTEM_CONFIG

const struct ewsd_route ewsd_tariffs_routes[] = {
	{ "GET", "/api/v1/tariffs", list_tariffs, TARIFF_READ,
	  "The tariffs with their prices (?commodity=)" },
	{ "POST", "/api/v1/tariffs", add_tariff, TARIFF_WRITE,
	  "Add a tariff: {commodity, name, color}" },
	{ "GET", "/api/v1/tariffs/now", tariffs_now, TARIFF_READ,
	  "What applies at an instant, per commodity: rule, tariff, price "
	  "(?commodity=&at=TIME)" },
	{ "GET", "/api/v1/tariffs/{id}", get_tariff, TARIFF_READ,
	  "One tariff with its prices" },
	{ "PUT", "/api/v1/tariffs/{id}", put_tariff, TARIFF_WRITE,
	  "Rename or recolour a tariff: {name, color}" },
	{ "DELETE", "/api/v1/tariffs/{id}", delete_tariff, TARIFF_WRITE,
	  "Erase a tariff and its prices (refused while a rule uses it)" },
	{ "GET", "/api/v1/tariffs/{id}/prices", list_tariff_prices, TARIFF_READ,
	  "A tariff's prices, by date" },
	{ "POST", "/api/v1/tariffs/{id}/prices", add_price, TARIFF_WRITE,
	  "Add a price to a tariff: {from: YYYY-MM-DD or null, price: "
	  "\"0.1875\"}" },
	{ "GET", "/api/v1/prices", list_prices, TARIFF_READ,
	  "Every price, by tariff and date (?tariff=)" },
	{ "POST", "/api/v1/prices/flat", set_flat_price, TARIFF_WRITE,
	  "A flat price: {commodity, price}, the one price of tariff DEFAULT" },
	{ "DELETE", "/api/v1/prices/{id}", delete_price, TARIFF_WRITE,
	  "Erase a price" },
	{ "GET", "/api/v1/rules", list_rules, TARIFF_READ,
	  "The cost rules by commodity and position (?commodity=)" },
	{ "POST", "/api/v1/rules", add_rule, TARIFF_WRITE,
	  "Add a cost rule at the end of its commodity's list: {tariff_id, "
	  "commodity, validity, date, from, to, every_year, time, days}" },
	{ "GET", "/api/v1/rules/{id}", get_rule, TARIFF_READ, "One cost rule" },
	{ "PUT", "/api/v1/rules/{id}", put_rule, TARIFF_WRITE,
	  "Change a cost rule (its commodity and position stay)" },
	{ "DELETE", "/api/v1/rules/{id}", delete_rule, TARIFF_WRITE,
	  "Erase a cost rule; the rules below move up" },
	{ "POST", "/api/v1/rules/{id}/move", move_rule, TARIFF_WRITE,
	  "Move a cost rule one place: {direction: up|down}" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
