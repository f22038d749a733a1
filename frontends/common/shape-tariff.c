/*
 * The JSON shapes of tariffs, their prices, what applies at an instant
 * and the cost rules. Money is an exact decimal (jw_money).
 */
#include "shapes.h"

const char *const shape_weekday[7] = { "mon", "tue", "wed", "thu",
	                               "fri", "sat", "sun" };

const char *
shape_date_text(const ews_date *d, char *buf, size_t size)
{
	if (!d->year)
		return NULL;
	snprintf(buf, size, "%04d-%02u-%02u", (int)d->year, d->month, d->day);
	return buf;
}

const char *
shape_validity_name(ews_validity v)
{
	switch (v) {
	case EWS_VALID_ALWAYS:
		return "always";
	case EWS_VALID_DATE:
		return "date";
	case EWS_VALID_PERIOD:
		return "period";
	}
	return NULL;
}

const char *
shape_rule_time_text(const ews_cost_rule *r, char *buf, size_t size)
{
	snprintf(buf, size, "%02u:%02u-%02u:%02u", r->time_from / 60 % 100,
	         r->time_from % 60, r->time_to / 60 % 100, r->time_to % 60);
	return buf;
}

/* The fields of a price after its id (and tariff_id). */
static void
price_fields(struct jw *j, const ews_price *p)
{
	char d[16];

	jw_field_str(j, "from", shape_date_text(&p->from, d, sizeof(d)));
	jw_field_money(j, "price", p->price_micro);
}

void
shape_tariff(struct jw *j, const ews_tariff *t, const ews_list *prices)
{
	jw_object_begin(j);
	jw_field_int(j, "id", t->id);
	jw_field_str(j, "commodity", ews_commodity_name(t->commodity));
	jw_field_str(j, "name", t->name);
	jw_field_str(j, "color", t->color);
	jw_key(j, "prices");
	jw_array_begin(j, 0);
	for (size_t i = 0; prices && i < ews_list_len(prices); i++) {
		const ews_price *p = ews_list_price(prices, i);

		if (p->tariff_id != t->id)
			continue;
		jw_object_begin(j);
		jw_field_int(j, "id", p->id);
		price_fields(j, p);
		jw_object_end(j);
	}
	jw_array_end(j);
	jw_object_end(j);
}

void
shape_price(struct jw *j, const void *obj)
{
	const ews_price *p = obj;

	jw_object_begin(j);
	jw_field_int(j, "id", p->id);
	jw_field_int(j, "tariff_id", p->tariff_id);
	price_fields(j, p);
	jw_object_end(j);
}

void
shape_tariff_now(struct jw *j, ews_commodity commodity, int64_t t_ms,
                 const ews_tariff_now *now, unsigned int position,
                 const char *tariff)
{
	char t[EWS_TIME_TEXT_MAX];

	jw_object_begin(j);
	jw_field_str(j, "commodity", ews_commodity_name(commodity));
	jw_field_str(j, "at", shape_time_text(t_ms, 0, t));
	jw_field_ref(j, "rule_id", now->rule_id);
	jw_key(j, "position");
	if (now->rule_id)
		jw_int(j, position);
	else
		jw_null(j);
	jw_field_ref(j, "tariff_id", now->tariff_id);
	jw_field_str(j, "tariff", now->tariff_id ? tariff : NULL);
	if (now->has_price) {
		jw_field_money(j, "price", now->price_micro);
	} else {
		jw_key(j, "price");
		jw_null(j);
	}
	jw_object_end(j);
}

void
shape_rule(struct jw *j, const ews_cost_rule *r, const char *tariff)
{
	int date = r->validity == EWS_VALID_DATE;
	int period = r->validity == EWS_VALID_PERIOD;
	char d[16], t[16];

	jw_object_begin(j);
	jw_field_int(j, "id", r->id);
	jw_field_str(j, "commodity", ews_commodity_name(r->commodity));
	jw_field_int(j, "position", r->position);
	jw_field_int(j, "tariff_id", r->tariff_id);
	jw_field_str(j, "tariff", tariff);
	jw_field_str(j, "validity", shape_validity_name(r->validity));
	jw_field_str(j, "date",
	             date ? shape_date_text(&r->from, d, sizeof(d)) : NULL);
	jw_field_str(j, "from",
	             period ? shape_date_text(&r->from, d, sizeof(d)) : NULL);
	jw_field_str(j, "to",
	             period ? shape_date_text(&r->to, d, sizeof(d)) : NULL);
	jw_field_bool(j, "every_year", r->every_year);
	jw_field_str(j, "time", shape_rule_time_text(r, t, sizeof(t)));
	jw_key(j, "days");
	jw_array_begin(j, 1);
	for (unsigned int i = 0; i < 7; i++) {
		if (r->weekdays & (1u << i))
			jw_str(j, shape_weekday[i]);
	}
	jw_array_end(j);
	jw_object_end(j);
}
