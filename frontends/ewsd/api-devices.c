/*
 * Devices (INS-2, INS-3, INS-5, ACQ-3, ACQ-6), their input/output labels,
 * the recorded samples (ACQ-2) and a recording cycle on demand, as
 * `ews device|samples|poll` do.
 *
 * Field names and values are those of `ews device show --json`. Live
 * values and commands go through the daemon's engine and are answered
 * later (ewsd_later_*), so a slow bus never holds the loop; a Test blocks
 * for at most the gateway's timeout.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ewsd.h"

/* Reads of devices: the pages that show them. */
#define DEVICE_READERS                                                         \
	(EWS_PAGE_SYSTEM_CONFIG | EWS_PAGE_PANEL_BOARD | EWS_PAGE_CONSUMPTION)

static int
bad(struct ewsd_req *q, const char *field, const char *what)
{
	ewsd_reply_error(q, 400, "bad_field", field, "%s: must be %s", field,
	                 what);
	return -1;
}

/* A whole number of text (digits only, no sign, no space). */
static int
parse_uint_text(const char *s, int base, unsigned long long max,
                unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (!isxdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The body of a device                                                */

/* An id that may be null (or 0) for none, as the shape writes it. */
static int
body_ref(struct ewsd_req *q, const char *field, int64_t *out)
{
	yajl_val v = ewsd_body_get(q, field);

	if (!v)
		return 0;
	if (YAJL_IS_NULL(v)) {
		*out = 0;
		return 0;
	}
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
		return bad(q, field, "an id (or null for none)");
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

/* "address": 12, or as the CLI takes it, "12" or "12-3" (EMS remote
 * addressing: address 12, interface 3). */
static int
body_address(struct ewsd_req *q, ews_device *d)
{
	yajl_val v = ewsd_body_get(q, "address");
	unsigned long long a, i = 0;
	char head[16];
	const char *dash;
	size_t len;

	if (!v || YAJL_IS_INTEGER(v))
		return ewsd_body_uint(q, "address", 0, &d->address);
	if (!YAJL_IS_STRING(v))
		return bad(q, "address", "a number or \"A-I\"");
	dash = strchr(v->u.string, '-');
	len = dash ? (size_t)(dash - v->u.string) : strlen(v->u.string);
	if (len == 0 || len >= sizeof(head))
		return bad(q, "address", "a number or \"A-I\"");
	memcpy(head, v->u.string, len);
	head[len] = 0;
	if (!isdigit((unsigned char)head[0]) ||
	    parse_uint_text(head, 10, 0xffffffffu, &a) ||
	    (dash && (!isdigit((unsigned char)dash[1]) ||
	              parse_uint_text(dash + 1, 10, 0xffffffffu, &i))))
		return bad(q, "address", "a number or \"A-I\"");
	d->address = (unsigned int)a;
	d->ems_interface = (unsigned int)i;
	return 0;
}

/* "phase": 0-3, or "L1", "L2", "L3", "none" as the CLI takes it. */
static int
body_phase(struct ewsd_req *q, ews_device *d)
{
	static const char *const names[] = { "none", "L1", "L2", "L3" };
	yajl_val v = ewsd_body_get(q, "phase");

	if (!v || YAJL_IS_INTEGER(v))
		return ewsd_body_uint(q, "phase", 0, &d->phase);
	if (YAJL_IS_STRING(v))
		for (unsigned int i = 0; i < 4; i++)
			if (!strcasecmp(v->u.string, names[i])) {
				d->phase = i;
				return 0;
			}
	return bad(q, "phase", "L1, L2, L3, none or a number");
}

/* "supply": "upstream", "downstream", "none" or null. */
static int
body_supply(struct ewsd_req *q, ews_device *d)
{
	yajl_val v = ewsd_body_get(q, "supply");

	if (!v)
		return 0;
	if (YAJL_IS_NULL(v) ||
	    (YAJL_IS_STRING(v) && !strcmp(v->u.string, "none")))
		d->supply = EWS_SUPPLY_NONE;
	else if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "upstream"))
		d->supply = EWS_SUPPLY_UPSTREAM;
	else if (YAJL_IS_STRING(v) && !strcmp(v->u.string, "downstream"))
		d->supply = EWS_SUPPLY_DOWNSTREAM;
	else
		return bad(q, "supply", "upstream, downstream, none or null");
	return 0;
}

/* "reg_address": a number, or "0xHHHH" as the CLI takes it. */
static int
body_reg_address(struct ewsd_req *q, ews_device *d)
{
	yajl_val v = ewsd_body_get(q, "reg_address");
	const char *s;
	unsigned long long a;

	if (!v || YAJL_IS_INTEGER(v))
		return ewsd_body_uint(q, "reg_address", 0, &d->reg_address);
	if (!YAJL_IS_STRING(v))
		return bad(q, "reg_address", "a number or \"0xHHHH\"");
	s = v->u.string;
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
	            ? parse_uint_text(s + 2, 16, 0xffffffffu, &a)
	            : !isdigit((unsigned char)s[0]) ||
	                      parse_uint_text(s, 10, 0xffffffffu, &a))
		return bad(q, "reg_address", "a number or \"0xHHHH\"");
	d->reg_address = (unsigned int)a;
	return 0;
}

/* "reg_type" (null: unsigned of reg_words words) and "reg_word_order". */
static int
body_register_names(struct ewsd_req *q, ews_device *d)
{
	yajl_val t = ewsd_body_get(q, "reg_type");
	yajl_val o = ewsd_body_get(q, "reg_word_order");

	if (t && YAJL_IS_NULL(t))
		d->reg_type = 0;
	else if (t && (!YAJL_IS_STRING(t) ||
	               ews_reg_type_from_name(t->u.string, &d->reg_type)))
		return bad(q, "reg_type",
		           "a register type (u16, s16, u32, s32, u64, s64, "
		           "f32, f64) or null");
	if (o && (!YAJL_IS_STRING(o) ||
	          ews_word_order_from_name(o->u.string, &d->reg_word_order)))
		return bad(q, "reg_word_order", "be or lsw");
	return 0;
}

/* "group_ids": the whole list (null or [] for none). More than the
 * library holds goes as its count alone, which libews refuses
 * (EWS_ELIMIT, 422) before it reads an id, as the CLI does. */
static int
body_groups(struct ewsd_req *q, ews_device *d)
{
	yajl_val v = ewsd_body_get(q, "group_ids");
	size_t n;

	if (!v)
		return 0;
	if (YAJL_IS_NULL(v)) {
		d->group_count = 0;
		return 0;
	}
	if (!YAJL_IS_ARRAY(v))
		return bad(q, "group_ids", "an array of group ids");
	n = v->u.array.len;
	for (size_t i = 0; i < n; i++) {
		yajl_val g = v->u.array.values[i];

		if (!YAJL_IS_INTEGER(g) || YAJL_GET_INTEGER(g) < 0)
			return bad(q, "group_ids", "an array of group ids");
		if (i < EWS_DEVICE_GROUPS_MAX)
			d->group_ids[i] = YAJL_GET_INTEGER(g);
	}
	d->group_count = n > 1000 ? 1000 : (unsigned int)n;
	return 0;
}

static const char *const device_fields[] = { "gateway_id",
	                                     "model",
	                                     "name",
	                                     "address",
	                                     "ems_interface",
	                                     "position",
	                                     "concentrator",
	                                     "side",
	                                     "phase",
	                                     "supply",
	                                     "load_id",
	                                     "group_ids",
	                                     "exclude_totals",
	                                     "exclude_alerts",
	                                     "enabled",
	                                     "read_code",
	                                     "reg_address",
	                                     "reg_words",
	                                     "multiplier",
	                                     "reg_type",
	                                     "reg_word_order",
	                                     "remote_id",
	                                     NULL };

/* libews's names of a device's fields (those of ews_device and of `ews
 * device` options) that the body names otherwise. Its "device" is the
 * path's device, but a refused switch ON is about the body's "enabled". */
static const struct ewsd_field_name device_names[] = {
	{ "gateway", "gateway_id", EWS_OK },
	{ "load", "load_id", EWS_OK },
	{ "register", "reg_address", EWS_OK },
	{ "words", "reg_words", EWS_OK },
	{ "type", "reg_type", EWS_OK },
	{ "word_order", "reg_word_order", EWS_OK },
	{ "device", "enabled", EWS_EDENIED },
	{ NULL, NULL, EWS_OK },
};

/* The body's fields into d; 0 or replied. A new device needs its gateway
 * and model, as `ews device add`. */
static int
body_device(struct ewsd_req *q, ews_device *d, int adding)
{
	if (ewsd_body_only(q, device_fields))
		return -1;
	if (adding && !ewsd_body_get(q, "gateway_id")) {
		ewsd_reply_error(q, 400, "bad_field", "gateway_id",
		                 "gateway_id: is required");
		return -1;
	}
	return body_ref(q, "gateway_id", &d->gateway_id) ||
	       ewsd_body_str(q, "model", adding, d->model, sizeof(d->model)) ||
	       ewsd_body_str(q, "name", 0, d->name, sizeof(d->name)) ||
	       body_address(q, d) ||
	       ewsd_body_uint(q, "ems_interface", 0, &d->ems_interface) ||
	       ewsd_body_uint(q, "position", 0, &d->position) ||
	       ewsd_body_str(q, "concentrator", 0, d->concentrator,
	                     sizeof(d->concentrator)) ||
	       ewsd_body_uint(q, "side", 0, &d->side) || body_phase(q, d) ||
	       body_supply(q, d) || body_ref(q, "load_id", &d->load_id) ||
	       body_groups(q, d) ||
	       ewsd_body_bool(q, "exclude_totals", 0, &d->exclude_totals) ||
	       ewsd_body_bool(q, "exclude_alerts", 0, &d->exclude_alerts) ||
	       ewsd_body_bool(q, "enabled", 0, &d->enabled) ||
	       ewsd_body_uint(q, "read_code", 0, &d->read_code) ||
	       body_reg_address(q, d) ||
	       ewsd_body_uint(q, "reg_words", 0, &d->reg_words) ||
	       ewsd_body_double(q, "multiplier", 0, &d->multiplier) ||
	       body_register_names(q, d) ||
	       ewsd_body_uint(q, "remote_id", 0, &d->remote_id);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

/* One device and its status into the reply; 0 or replied. */
static int
write_device(struct ewsd_req *q, struct jw *j, const ews_device *d)
{
	ews_device_status status = EWS_DEVICE_UNKNOWN;
	ews_status st = ews_site_device_status(q->d->site, d->id, &status);

	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return -1;
	}
	shape_device(j, d, status);
	return 0;
}

/* ?gateway=ID: only the devices of that gateway. */
static void
list_devices(struct ewsd_req *q)
{
	static const char *const known[] = { "gateway", NULL };
	const char *gw = ewsd_query(q, "gateway");
	unsigned long long gateway_id = 0;
	ews_list *list = NULL;
	ews_status st;
	struct jw *j;

	if (ewsd_query_only(q, known))
		return;
	if (gw && (!isdigit((unsigned char)gw[0]) ||
	           parse_uint_text(gw, 10, INT64_MAX, &gateway_id))) {
		ewsd_reply_error(q, 400, "bad_field", "gateway",
		                 "gateway: '%s' is not an id", gw);
		return;
	}
	st = ews_site_device_list(q->d->site, (int64_t)gateway_id, &list);
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(list); i++)
		if (write_device(q, j, ews_list_device(list, i)))
			break;
	if (!q->replied) {
		jw_array_end(j);
		ewsd_reply_end(q, 200);
	}
	ews_list_free(list);
}

static void
get_device(struct ewsd_req *q)
{
	ews_device d;
	ews_status st;
	struct jw *j;

	ews_device_init(&d, EWS_DEVICE_VERSION);
	if ((st = ews_site_device_get(q->d->site, q->ids[0], &d))) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	if (!write_device(q, j, &d))
		ewsd_reply_end(q, 200);
}

static void
add_device(struct ewsd_req *q)
{
	ews_device d;
	ews_status st;

	q->fields = device_names;
	ews_device_init(&d, EWS_DEVICE_VERSION);
	if (body_device(q, &d, 1))
		return;
	st = ews_site_device_add(q->d->site, &d); /* sets d.id */
	ewsd_reply_done(q, st, d.id);
}

/* Switching ON under an OFF gateway is refused, as `ews device on`:
 * the update would keep the device OFF without saying so. 0 or replied. */
static int
check_switch_on(struct ewsd_req *q, const ews_device *d)
{
	int on = 0;
	ews_gateway gw;

	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	if (ewsd_body_bool(q, "enabled", 0, &on) || !on ||
	    ews_site_gateway_get(q->d->site, d->gateway_id, &gw) != EWS_OK ||
	    gw.enabled)
		return q->replied ? -1 : 0;
	ewsd_reply_error(q, 409, "denied", "enabled",
	                 "gateway '%s' is OFF: switch it on first", gw.name);
	return -1;
}

/* A body of "enabled" alone is `ews device on|off`; anything else is
 * `ews device set`, ON/OFF included, in one update. */
static void
put_device(struct ewsd_req *q)
{
	ews_device d;
	ews_status st;

	q->fields = device_names;
	ews_device_init(&d, EWS_DEVICE_VERSION);
	if ((st = ews_site_device_get(q->d->site, q->ids[0], &d))) {
		ewsd_reply_status(q, st);
		return;
	}
	if (body_device(q, &d, 0))
		return;
	if (q->body->u.object.len == 1 && ewsd_body_get(q, "enabled")) {
		st = ews_site_device_set_enabled(q->d->site, d.id, d.enabled);
		ewsd_reply_done(q, st, 0);
		return;
	}
	if (check_switch_on(q, &d))
		return;
	ewsd_reply_done(q, ews_site_device_update(q->d->site, &d), 0);
}

static void
delete_device(struct ewsd_req *q)
{
	ewsd_reply_done(q, ews_site_device_delete(q->d->site, q->ids[0]), 0);
}

/* INS-5: one read request now, blocking for at most the gateway's
 * timeout; a failed round trip is an outcome (200). */
static void
test_device(struct ewsd_req *q)
{
	ews_test_result t = { .version = EWS_TEST_RESULT_VERSION };
	ews_status st = ews_site_device_test(q->d->site, q->ids[0], &t);

	ewsd_reply_one(q, st, shape_test_result, &t);
}

/* ------------------------------------------------------------------ */
/* Live values and commands, answered when the device has answered     */

struct deferred {
	struct ewsd_later later;
};

/* A round trip that failed: the outcome as the error's code. */
static void
reply_outcome(struct ewsd_req *q, const ews_poll_result *r)
{
	int http;

	switch (r->outcome) {
	case EWS_OUTCOME_TIMEOUT:
		http = 504;
		break;
	case EWS_OUTCOME_NOMAP:
		http = 422;
		break;
	case EWS_OUTCOME_OFF:
		http = 409;
		break;
	default:
		http = 502;
	}
	if (r->outcome == EWS_OUTCOME_EXCEPTION)
		ewsd_reply_error(q, http, ews_outcome_name(r->outcome), NULL,
		                 "exception %u: %s", r->exception_code,
		                 r->message);
	else
		ewsd_reply_error(q, http, ews_outcome_name(r->outcome), NULL,
		                 "%s", r->message);
}

/* A register the device refuses is left out, as `ews device read`: an
 * exception on every register is an empty list, not a failure. */
static void
on_live(const ews_poll_result *r, const ews_list *readings, void *ud)
{
	struct deferred *w = ud;
	struct ewsd_req q;
	struct jw *j;

	ewsd_later_req(&w->later, &q);
	if (r->outcome != EWS_OUTCOME_OK &&
	    r->outcome != EWS_OUTCOME_EXCEPTION) {
		reply_outcome(&q, r);
	} else if (!(j = ewsd_reply_begin(&q))) {
		ewsd_reply_error(&q, 500, "internal", NULL, "out of memory");
	} else {
		jw_array_begin(j, 0);
		for (size_t i = 0; i < ews_list_len(readings); i++)
			shape_reading(j, ews_list_reading(readings, i));
		jw_array_end(j);
		ewsd_reply_end(&q, 200);
	}
	free(w);
}

/* The engine, or a 503 when acquisition is not running; NULL: replied. */
static ews_engine *
engine_of(struct ewsd_req *q)
{
	ews_engine *eng = ewsd_live_engine(q->d);

	if (!eng)
		ewsd_reply_error(q, 503, "busy", NULL,
		                 "acquisition is not running");
	return eng;
}

static void
get_live(struct ewsd_req *q)
{
	ews_engine *eng = engine_of(q);
	struct deferred *w;
	ews_status st;

	if (!eng)
		return;
	if (!(w = calloc(1, sizeof(*w)))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	st = ews_engine_read(eng, q->ids[0], q->now_ms, on_live, w);
	if (st != EWS_OK) {
		free(w);
		ewsd_reply_status(q, st);
		return;
	}
	ewsd_later_keep(q, &w->later);
}

/* The command's outcome, as `ews device write --json` prints it. */
static void
on_written(const ews_poll_result *r, void *ud)
{
	struct deferred *w = ud;
	ews_test_result t = { .version = EWS_TEST_RESULT_VERSION };
	struct ewsd_req q;
	struct jw *j;

	ewsd_later_req(&w->later, &q);
	if (r->outcome != EWS_OUTCOME_OK) {
		reply_outcome(&q, r);
	} else if (!(j = ewsd_reply_begin(&q))) {
		ewsd_reply_error(&q, 500, "internal", NULL, "out of memory");
	} else {
		t.outcome = r->outcome;
		t.round_trip_us = r->round_trip_us;
		snprintf(t.message, sizeof(t.message), "%s", r->message);
		shape_test_result(j, &t);
		ewsd_reply_end(&q, 200);
	}
	free(w);
}

static void
write_device_value(struct ewsd_req *q)
{
	static const char *const known[] = { "quantity", "value", NULL };
	ews_quantity quantity = EWS_Q_NONE;
	char name[64] = "";
	struct deferred *w;
	double value = 0;
	int st;

	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "quantity", 1, name, sizeof(name)) ||
	    ewsd_body_double(q, "value", 1, &value))
		return;
	if (ews_quantity_from_name(name, &quantity) != EWS_OK) {
		ewsd_reply_error(q, 400, "bad_field", "quantity",
		                 "quantity: '%s' is not a quantity (e.g. "
		                 "setpoint_current)",
		                 name);
		return;
	}
	if (!ewsd_live_engine(q->d)) {
		engine_of(q);
		return;
	}
	if (!(w = calloc(1, sizeof(*w)))) {
		ewsd_reply_error(q, 500, "internal", NULL, "out of memory");
		return;
	}
	st = ewsd_live_write(q->d, q->ids[0], quantity, value, on_written, w);
	if (st != EWS_OK) {
		free(w);
		ewsd_reply_status(q, (ews_status)st);
		return;
	}
	ewsd_later_keep(q, &w->later);
}

/* ------------------------------------------------------------------ */
/* Labels of inputs and outputs (§7.16.1.4)                            */

/* The kind a label route serves, from its path. */
static ews_io_kind
io_kind_of(const struct ewsd_req *q)
{
	return strstr(q->route->pattern, "/labels/input/") ? EWS_IO_INPUT
	                                                   : EWS_IO_OUTPUT;
}

/* libews names a refused label by its kind ("input: device 3 has no input
 * labels", "input: 17 is outside 1-16"). The path's parts are named as in
 * a label's shape: "kind" and "number"; a number outside 1-16 is refused
 * here, so libews's refusal is about the kind. */
static const struct ewsd_field_name label_names[] = {
	{ "input", "kind", EWS_OK },
	{ "output", "kind", EWS_OK },
	{ NULL, NULL, EWS_OK },
};

/* The input or output number of the path; 0 or replied naming "number"
 * (a number too large for libews to be told, or over its 16). */
static int
io_number_of(struct ewsd_req *q, unsigned int *out)
{
	if (q->ids[1] > EWS_IO_MAX) {
		ewsd_reply_error(q, 422, "invalid", "number",
		                 "number: %lld is outside 1-%d",
		                 (long long)q->ids[1], EWS_IO_MAX);
		return -1;
	}
	*out = (unsigned int)q->ids[1];
	return 0;
}

/* Every label set on a device; the kinds its model takes no label for
 * are skipped. */
static void
list_labels(struct ewsd_req *q)
{
	static const ews_io_kind kinds[] = { EWS_IO_INPUT, EWS_IO_OUTPUT };
	ews_device d;
	ews_status st;
	struct jw *j;

	ews_device_init(&d, EWS_DEVICE_VERSION);
	if ((st = ews_site_device_get(q->d->site, q->ids[0], &d))) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_array_begin(j, 0);
	for (size_t k = 0; k < 2; k++)
		for (unsigned int n = 1; n <= EWS_IO_MAX; n++) {
			char *label = NULL;

			st = ews_site_device_label_get(q->d->site, d.id,
			                               kinds[k], n, &label);
			if (st == EWS_EINVAL)
				break; /* the model takes none of this kind */
			if (st != EWS_OK) {
				ewsd_reply_status(q, st);
				return;
			}
			if (label[0])
				shape_label(j, d.id, kinds[k], n, label);
			ews_free(label);
		}
	jw_array_end(j);
	ewsd_reply_end(q, 200);
}

static void
get_label(struct ewsd_req *q)
{
	ews_io_kind kind = io_kind_of(q);
	char *label = NULL;
	unsigned int n;
	ews_status st;
	struct jw *j;

	q->fields = label_names;
	if (io_number_of(q, &n))
		return;
	st = ews_site_device_label_get(q->d->site, q->ids[0], kind, n, &label);
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	shape_label(j, q->ids[0], kind, n, label);
	ewsd_reply_end(q, 200);
	ews_free(label);
}

/* {"label": "..."}; "" removes it. */
static void
put_label(struct ewsd_req *q)
{
	static const char *const known[] = { "label", NULL };
	char label[EWS_TEXT_MAX] = "";
	unsigned int n;
	ews_status st;

	q->fields = label_names;
	if (ewsd_body_only(q, known) ||
	    ewsd_body_str(q, "label", 1, label, sizeof(label)) ||
	    io_number_of(q, &n))
		return;
	st = ews_site_device_label_set(q->d->site, q->ids[0], io_kind_of(q), n,
	                               label);
	ewsd_reply_done(q, st, 0);
}

/* ------------------------------------------------------------------ */
/* Samples and recording                                               */

/* A time of ?from= and ?to=: ISO 8601 with Z or an offset, or
 * milliseconds since 1970 as `ews samples list` takes them. 0 or
 * replied. */
static int
query_time(struct ewsd_req *q, const char *name, int64_t *out)
{
	const char *s = ewsd_query(q, name);
	unsigned long long ms;

	if (!s)
		return 0;
	if (isdigit((unsigned char)s[0]) && !strchr(s, 'T') &&
	    parse_uint_text(s, 10, INT64_MAX, &ms) == 0) {
		*out = (int64_t)ms;
		return 0;
	}
	if (ews_time_parse(s, out) == EWS_OK)
		return 0;
	ewsd_reply_error(q, 400, "bad_field", name,
	                 "%s: '%s' is not a time (2026-11-26T10:00:00Z) or "
	                 "milliseconds since 1970",
	                 name, s);
	return -1;
}

/* ?device=, ?quantity=, ?limit= into sq; 0 or replied. */
static int
query_samples(struct ewsd_req *q, ews_sample_query *sq)
{
	static const char *const known[] = { "device", "quantity", "limit",
		                             "from",   "to",       NULL };
	const char *dev = ewsd_query(q, "device");
	const char *quantity = ewsd_query(q, "quantity");
	const char *limit = ewsd_query(q, "limit");
	unsigned long long v;

	if (ewsd_query_only(q, known))
		return -1;
	if (dev) {
		if (!isdigit((unsigned char)dev[0]) ||
		    parse_uint_text(dev, 10, INT64_MAX, &v))
			return bad(q, "device", "a device id");
		sq->device_id = (int64_t)v;
	}
	if (quantity && ews_quantity_from_name(quantity, &sq->quantity))
		return bad(q, "quantity",
		           "a quantity name (e.g. active_energy_import)");
	if (limit) {
		if (!isdigit((unsigned char)limit[0]) ||
		    parse_uint_text(limit, 10, SIZE_MAX, &v) || v == 0)
			return bad(q, "limit", "a positive whole number");
		sq->limit = (size_t)v;
	}
	return query_time(q, "from", &sq->from_ms) ||
	       query_time(q, "to", &sq->to_ms);
}

static void
list_samples(struct ewsd_req *q)
{
	ews_sample_query sq;
	ews_list *list = NULL;
	ews_status st;

	ews_sample_query_init(&sq, EWS_SAMPLE_QUERY_VERSION);
	if (query_samples(q, &sq))
		return;
	/* to=0 is the epoch, not the library's "no bound": nothing. */
	if (ewsd_query(q, "to") && sq.to_ms == 0)
		sq.from_ms = sq.to_ms = INT64_MAX;
	st = ews_site_sample_list(q->d->site, &sq, &list);
	ewsd_reply_list(q, st, list, shape_at_reading, shape_reading);
}

/* text into a new private file (mode 0600); its path in path. */
static int
write_temp(const char *text, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	size_t len = strlen(text), done = 0;
	int fd;

	snprintf(path, size, "%s/ewsd-import-XXXXXX",
	         dir && dir[0] ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (close(fd) != 0 || done < len) {
		unlink(path);
		return -1;
	}
	return 0;
}

/* {"csv": "device,timestamp,quantity,value\n..."}: all lines or none;
 * a refused line is a 422 whose message starts "line N: ". */
static void
import_samples(struct ewsd_req *q)
{
	static const char *const known[] = { "csv", NULL };
	ews_import_result res = { 0 };
	char path[4096];
	yajl_val csv;
	ews_status st;
	struct jw *j;

	if (ewsd_body_only(q, known))
		return;
	if (!(csv = ewsd_body_get(q, "csv"))) {
		ewsd_reply_error(q, 400, "bad_field", "csv",
		                 "csv: is required");
		return;
	}
	if (!YAJL_IS_STRING(csv)) {
		bad(q, "csv", "the CSV text, a string");
		return;
	}
	if (write_temp(csv->u.string, path, sizeof(path))) {
		ewsd_reply_error(q, 500, "internal", NULL,
		                 "cannot write a temporary file: %s",
		                 strerror(errno));
		return;
	}
	st = ews_site_samples_import(q->d->site, path, &res);
	unlink(path);
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	ewsd_log("%zu samples imported by '%s'", res.samples, q->user->name);
	j = ewsd_reply_begin(q);
	shape_import(j, NULL, &res); /* the file was ours, and is gone */
	ewsd_reply_end(q, 200);
}

/* A recording cycle now, as `ews poll --once`; its values are recorded
 * at t_ms (GET /api/v1/samples?from=T&to=T+1) and the statuses follow. */
static void
start_poll(struct ewsd_req *q)
{
	ews_engine *eng = engine_of(q);
	ews_status st;
	struct jw *j;

	if (!eng)
		return;
	st = ews_engine_start_cycle(eng, q->now_ms);
	if (st == EWS_EBUSY) {
		ewsd_reply_error(q, 409, "busy", NULL, "a cycle is running");
		return;
	}
	if (st != EWS_OK) {
		ewsd_reply_status(q, st);
		return;
	}
	j = ewsd_reply_begin(q);
	jw_object_begin(j);
	jw_field_int(j, "t_ms", q->now_ms);
	jw_object_end(j);
	ewsd_reply_end(q, 202);
}

/* ------------------------------------------------------------------ */

#define LABEL_ROUTES(kind)                                                     \
	{ "GET",          "/api/v1/devices/{id}/labels/" kind "/{id}",         \
	  get_label,      EWSD_PAGES,                                          \
	  DEVICE_READERS, "The custom label of one " kind " of a device" },    \
	{                                                                      \
		"PUT", "/api/v1/devices/{id}/labels/" kind "/{id}", put_label, \
		        EWSD_PAGES, EWS_PAGE_SYSTEM_CONFIG,                    \
		        "Set (\"\": remove) the label of one " kind            \
		        ": {label}"                                            \
	}

const struct ewsd_route ewsd_devices_routes[] = {
	{ "GET", "/api/v1/devices", list_devices, EWSD_PAGES, DEVICE_READERS,
	  "Every device and its status, by id (?gateway=ID)" },
	{ "POST", "/api/v1/devices", add_device, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Add a device: {gateway_id, model, address, ...} as in its shape" },
	{ "GET", "/api/v1/devices/{id}", get_device, EWSD_PAGES, DEVICE_READERS,
	  "One device and its status" },
	{ "PUT", "/api/v1/devices/{id}", put_device, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Change a device or switch it ON/OFF (fields as in its shape)" },
	{ "DELETE", "/api/v1/devices/{id}", delete_device, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG, "Delete a device" },
	{ "POST", "/api/v1/devices/{id}/test", test_device, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "One read request to the device now: outcome and round trip" },
	{ "GET", "/api/v1/devices/{id}/live", get_live, EWSD_PAGES,
	  EWS_PAGE_PANEL_BOARD | EWS_PAGE_SYSTEM_CONFIG,
	  "Read every quantity of the device now: its live values" },
	{ "POST", "/api/v1/devices/{id}/write", write_device_value, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Command: write {quantity, value} to the device's register" },
	{ "GET", "/api/v1/devices/{id}/labels", list_labels, EWSD_PAGES,
	  DEVICE_READERS,
	  "The custom labels set on a device's inputs/outputs" },
	LABEL_ROUTES("input"),
	LABEL_ROUTES("output"),
	{ "GET", "/api/v1/samples", list_samples, EWSD_PAGES,
	  EWS_PAGE_REPORTS | EWS_PAGE_CONSUMPTION | EWS_PAGE_PANEL_BOARD,
	  "Recorded samples (?device=&quantity=&from=&to=&limit=)" },
	{ "POST", "/api/v1/samples/import", import_samples, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Import samples from CSV text, all lines or none: {csv}" },
	{ "POST", "/api/v1/poll", start_poll, EWSD_PAGES,
	  EWS_PAGE_SYSTEM_CONFIG,
	  "Start a recording cycle now; its values are stamped t_ms" },
	{ NULL, NULL, NULL, 0, 0, NULL },
};
