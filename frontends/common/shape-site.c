/*
 * The JSON shapes of a site's configuration: gateways, devices and their
 * labels, loads/groups/boards, the catalogue's models, the settings.
 */
#include "shapes.h"

void
shape_gateway(struct jw *j, const void *obj)
{
	const ews_gateway *gw = obj;

	jw_object_begin(j);
	jw_field_int(j, "id", gw->id);
	jw_field_str(j, "kind", ews_gateway_kind_name(gw->kind));
	jw_field_str(j, "name", gw->name);
	jw_field_str(j, "ip", gw->ip);
	jw_field_int(j, "port", gw->port);
	jw_field_str(j, "description", gw->description);
	jw_field_ref(j, "board_id", gw->board_id);
	jw_field_ref(j, "eq_device_id", gw->eq_device_id);
	jw_field_bool(j, "enabled", gw->enabled);
	jw_object_end(j);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

static void
device_groups(struct jw *j, const ews_device *d)
{
	jw_key(j, "group_ids");
	jw_array_begin(j, 1);
	for (unsigned int i = 0;
	     i < d->group_count && i < EWS_DEVICE_GROUPS_MAX; i++)
		jw_int(j, d->group_ids[i]);
	jw_array_end(j);
}

void
shape_device(struct jw *j, const ews_device *d, ews_device_status status)
{
	const char *supply = ews_supply_name(d->supply);

	jw_object_begin(j);
	jw_field_int(j, "id", d->id);
	jw_field_ref(j, "gateway_id", d->gateway_id);
	jw_field_str(j, "model", d->model);
	jw_field_str(j, "name", d->name);
	jw_field_int(j, "address", d->address);
	jw_field_int(j, "ems_interface", d->ems_interface);
	jw_field_int(j, "position", d->position);
	jw_field_str(j, "concentrator", d->concentrator);
	jw_field_int(j, "side", d->side);
	jw_field_int(j, "phase", d->phase);
	jw_field_str(j, "supply", supply && *supply ? supply : NULL);
	jw_field_ref(j, "load_id", d->load_id);
	device_groups(j, d);
	jw_field_bool(j, "exclude_totals", d->exclude_totals);
	jw_field_bool(j, "exclude_alerts", d->exclude_alerts);
	jw_field_bool(j, "enabled", d->enabled);
	jw_field_str(j, "status", ews_device_status_name(status));
	jw_field_int(j, "read_code", d->read_code);
	jw_field_int(j, "reg_address", d->reg_address);
	jw_field_int(j, "reg_words", d->reg_words);
	jw_field_double(j, "multiplier", d->multiplier);
	jw_field_str(j, "reg_type", ews_reg_type_name(d->reg_type));
	jw_field_str(j, "reg_word_order",
	             ews_word_order_name(d->reg_word_order));
	jw_field_int(j, "remote_id", d->remote_id);
	jw_object_end(j);
}

void
shape_label(struct jw *j, int64_t device_id, ews_io_kind kind,
            unsigned int number, const char *label)
{
	jw_object_begin(j);
	jw_field_int(j, "device_id", device_id);
	jw_field_str(j, "kind", ews_io_kind_name(kind));
	jw_field_int(j, "number", number);
	jw_field_str(j, "label", label);
	jw_object_end(j);
}

void
shape_category(struct jw *j, const void *obj)
{
	const ews_category *cat = obj;

	jw_object_begin(j);
	jw_field_int(j, "id", cat->id);
	jw_field_str(j, "kind", ews_category_kind_name(cat->kind));
	jw_field_str(j, "origin", ews_category_origin_name(cat->origin));
	jw_field_str(j, "name", cat->name);
	jw_field_str(j, "description", cat->description);
	jw_field_bool(j, "enabled", cat->enabled);
	jw_object_end(j);
}

/* ------------------------------------------------------------------ */
/* The catalogue                                                       */

static void
model_caps(struct jw *j, unsigned int caps)
{
	jw_array_begin(j, 1);
	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name;

		if (!(caps & (1u << bit)))
			continue;
		name = ews_capability_name((ews_capability)(1u << bit));
		if (name)
			jw_str(j, name);
	}
	jw_array_end(j);
}

static void
model_fields(struct jw *j, const ews_model *m)
{
	char conf[2] = { m->confidence, '\0' };

	jw_field_str(j, "key", m->key);
	jw_field_str(j, "name", m->name);
	jw_field_str(j, "family", ews_family_name(m->family));
	jw_key(j, "catalog_numbers");
	jw_array_begin(j, 1);
	for (size_t i = 0; m->catalog_numbers && m->catalog_numbers[i]; i++)
		jw_str(j, m->catalog_numbers[i]);
	jw_array_end(j);
	jw_key(j, "caps");
	model_caps(j, m->caps);
	jw_field_str(j, "commodity", ews_commodity_name(m->commodity));
	jw_field_int(j, "phases", m->phases);
	jw_field_int(j, "sides", m->sides);
	jw_field_bool(j, "address_per_side", m->address_per_side);
	jw_field_bool(j, "needs_supply", m->needs_supply);
	jw_field_bool(j, "has_map", m->has_map);
	jw_field_str(j, "confidence", m->confidence ? conf : NULL);
	jw_field_str(j, "source", m->source);
	jw_field_str(j, "file", m->file);
	jw_field_int(j, "register_count", (int64_t)m->register_count);
}

static void
model_register(struct jw *j, const ews_register *r)
{
	jw_object_begin(j);
	jw_field_str(j, "quantity", ews_quantity_name(r->quantity));
	jw_field_int(j, "order", r->order);
	jw_field_int(j, "function", r->function);
	jw_field_int(j, "address", r->address);
	jw_field_int(j, "words", r->words);
	jw_field_str(j, "type", ews_reg_type_name(r->type));
	jw_field_str(j, "word_order", ews_word_order_name(r->word_order));
	jw_field_double(j, "scale", r->scale);
	jw_field_str(j, "unit", r->unit);
	jw_field_double(j, "factor", r->factor);
	jw_field_int(j, "write_function", r->write_function);
	jw_object_end(j);
}

void
shape_model(struct jw *j, const void *obj)
{
	jw_object_begin(j);
	model_fields(j, obj);
	jw_object_end(j);
}

void
shape_model_full(struct jw *j, const ews_model *m)
{
	jw_object_begin(j);
	model_fields(j, m);
	jw_key(j, "registers");
	if (!m->has_map) {
		jw_null(j);
	} else {
		jw_array_begin(j, 0);
		for (size_t i = 0; i < m->register_count; i++)
			model_register(j, ews_model_register(m, i));
		jw_array_end(j);
	}
	jw_object_end(j);
}

void
shape_catalog_problems(struct jw *j, const ews_catalog *cat)
{
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_catalog_problem_count(cat); i++)
		jw_str(j, ews_catalog_problem(cat, i));
	jw_array_end(j);
}

/* ------------------------------------------------------------------ */
/* Settings                                                            */

void
shape_settings(struct jw *j, const char *const *names,
               const char *const *values, size_t n)
{
	jw_object_begin(j);
	for (size_t i = 0; i < n; i++)
		jw_field_str(j, names[i], values[i]);
	jw_object_end(j);
}
