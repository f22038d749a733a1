/*
 * The configuration file of ews-sim (format in README.md), validated in
 * full: an unknown or repeated field, a value of the wrong kind or range,
 * an unknown model or one without a register map is refused with the
 * field named, e.g. "cfg.json: devices[2].faults.exception: 12 is outside
 * 0-11". Fields that tie devices together (a meter's `feeds`) are checked
 * once every device is read.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "sim.h"

enum {
	FILE_MAX = 1 << 20, /* bytes of a configuration file */
	FIELD_MAX = 96,     /* "devices[246].faults.reset_counter_at_s" */
	UNIT_MAX = SIM_UNIT_MAX
};

static const char *const top_fields[] = { "devices", NULL };
static const char *const device_fields[] = {
	"unit",          "port",       "model",      "profile",
	"peak_w",        "phases",     "energy_kwh", "setpoint_a",
	"vehicle_max_a", "vehicle",    "response_s", "phase",
	"load_a",        "load_steps", "feeds",      "peak_dm3_h",
	"read_code",     "register",   "words",      "type",
	"word_order",    "multiplier", "faults",     NULL
};
static const char *const step_fields[] = { "at_s", "load_a", NULL };
static const char *const fault_fields[] = {
	"latency_ms",         "timeout",      "exception",
	"reset_counter_at_s", "drop_every_n", NULL
};
static const char *const profile_names[] = { "office", "home", "flat", NULL };
static const char *const vehicle_names[] = { "schedule", "present", "absent",
	                                     NULL };
static const char *const phase_names[] = { "L1", "L2", "L3", NULL };

/* The file being read, for every message. */
static const char *cfg_file;

static int __attribute__((format(printf, 2, 3)))
refuse(const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ews-sim: %s: %s%s", cfg_file, field,
	        *field ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return SIM_EXIT_REFUSED;
}

/* "prefix.name" into buf (FIELD_MAX bytes, cut if longer). */
static const char *
path(char *buf, const char *prefix, const char *name)
{
	if (snprintf(buf, FIELD_MAX, "%s%s%s", prefix, *prefix ? "." : "",
	             name) >= FIELD_MAX)
		strcpy(buf + FIELD_MAX - 4, "...");
	return buf;
}

/* "prefix[i]" into buf (FIELD_MAX bytes, cut if longer). */
static const char *
index_path(char *buf, const char *prefix, size_t i)
{
	if (snprintf(buf, FIELD_MAX, "%s[%zu]", prefix, i) >= FIELD_MAX)
		strcpy(buf + FIELD_MAX - 4, "...");
	return buf;
}

static yajl_val
get(yajl_val obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], name) == 0)
			return obj->u.object.values[i];
	return NULL;
}

/* Every key known and given once. */
static int
check_fields(yajl_val obj, const char *const *known, const char *prefix)
{
	char f[FIELD_MAX];
	size_t i, j, k;

	for (i = 0; i < obj->u.object.len; i++) {
		const char *key = obj->u.object.keys[i];

		for (k = 0; known[k] && strcmp(known[k], key) != 0; k++)
			;
		if (!known[k])
			return refuse(path(f, prefix, key), "unknown field");
		for (j = 0; j < i; j++)
			if (strcmp(obj->u.object.keys[j], key) == 0)
				return refuse(path(f, prefix, key),
				              "given twice");
	}
	return 0;
}

static int
want_int(yajl_val v, const char *f, long long lo, long long hi, long long *out)
{
	if (!YAJL_IS_INTEGER(v))
		return refuse(f, "must be an integer");
	if (YAJL_GET_INTEGER(v) < lo || YAJL_GET_INTEGER(v) > hi)
		return refuse(f, "%lld is outside %lld-%lld",
		              YAJL_GET_INTEGER(v), lo, hi);
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static int
want_uint(yajl_val v, const char *f, long long lo, long long hi,
          unsigned int *out)
{
	long long n = 0;
	int rc = want_int(v, f, lo, hi, &n);

	if (!rc)
		*out = (unsigned int)n;
	return rc;
}

/* A number in [lo, hi]; `positive` refuses lo itself. */
static int
want_num(yajl_val v, const char *f, double lo, double hi, int positive,
         double *out)
{
	if (!YAJL_IS_DOUBLE(v) || !isfinite(YAJL_GET_DOUBLE(v)))
		return refuse(f, "must be a number");
	if (YAJL_GET_DOUBLE(v) < lo || YAJL_GET_DOUBLE(v) > hi ||
	    (positive && YAJL_GET_DOUBLE(v) <= lo))
		return refuse(f, "%g is outside %s%g-%g", YAJL_GET_DOUBLE(v),
		              positive ? "above " : "", lo, hi);
	*out = YAJL_GET_DOUBLE(v);
	return 0;
}

static int
want_choice(yajl_val v, const char *f, const char *const *names, int *out)
{
	const char *s = YAJL_GET_STRING(v);
	char list[128] = "";
	int i;

	for (i = 0; s && names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	for (i = 0; names[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		         "%s\"%s\"", i ? ", " : "", names[i]);
	return refuse(f, "must be one of %s", list);
}

/* ------------------------------------------------------------------ */
/* Fields of a device                                                  */

static int
parse_faults(yajl_val v, const char *prefix, struct sim_faults *fl)
{
	char f[FIELD_MAX];
	yajl_val x;
	int rc = 0;

	if (!YAJL_IS_OBJECT(v))
		return refuse(prefix, "must be an object");
	rc = check_fields(v, fault_fields, prefix);
	if (!rc && (x = get(v, "latency_ms")))
		rc = want_uint(x, path(f, prefix, "latency_ms"), 0, 60000,
		               &fl->latency_ms);
	if (!rc && (x = get(v, "timeout"))) {
		if (!YAJL_IS_TRUE(x) && !YAJL_IS_FALSE(x))
			return refuse(path(f, prefix, "timeout"),
			              "must be true or false");
		fl->timeout = YAJL_IS_TRUE(x);
	}
	if (!rc && (x = get(v, "exception")))
		rc = want_uint(x, path(f, prefix, "exception"), 0, 11,
		               &fl->exception);
	if (!rc && (x = get(v, "reset_counter_at_s")))
		rc = want_num(x, path(f, prefix, "reset_counter_at_s"), 0, 1e9,
		              0, &fl->reset_counter_at_s);
	if (!rc && (x = get(v, "drop_every_n")))
		rc = want_uint(x, path(f, prefix, "drop_every_n"), 0,
		               1000000000, &fl->drop_every_n);
	return rc;
}

static int
parse_reg_address(yajl_val v, const char *f, unsigned int *out)
{
	const char *s = YAJL_GET_STRING(v);
	char *end;
	unsigned long a;

	if (!s)
		return want_uint(v, f, 0, 65535, out);
	errno = 0;
	a = strtoul(s + 2, &end, 16);
	if (s[0] != '0' || s[1] != 'x' || end == s + 2 || *end || errno ||
	    a > 65535)
		return refuse(f, "\"%.20s\" is not 0x0000-0xFFFF", s);
	*out = (unsigned int)a;
	return 0;
}

static int
parse_reg_type(yajl_val v, const char *f, ews_reg_type *out)
{
	static const char *const names[] = { "u16", "s16", "u32", "s32", "u64",
		                             "s64", "f32", "f64", NULL };
	int i;
	int rc = want_choice(v, f, names, &i);

	if (!rc)
		ews_reg_type_from_name(names[i], out);
	return rc;
}

/* read_code, register, words, type, word_order, multiplier. */
static int
parse_generic(yajl_val obj, const char *prefix, struct sim_device_cfg *d)
{
	static const char *const orders[] = { "be", "lsw", NULL };
	ews_register *r = &d->generic;
	char f[FIELD_MAX];
	yajl_val x;
	int rc = 0, wo;

	if ((x = get(obj, "read_code"))) {
		rc = want_uint(x, path(f, prefix, "read_code"), 3, 4,
		               &r->function);
		d->generic_given |= SIM_GIVEN_READ_CODE;
	}
	if (!rc && (x = get(obj, "register"))) {
		rc = parse_reg_address(x, path(f, prefix, "register"),
		                       &r->address);
		d->generic_given |= SIM_GIVEN_REGISTER;
	}
	if (!rc && (x = get(obj, "words"))) {
		rc = want_uint(x, path(f, prefix, "words"), 1, 4, &r->words);
		if (!rc && r->words == 3)
			return refuse(f, "must be 1, 2 or 4");
		d->generic_given |= SIM_GIVEN_WORDS;
	}
	if (!rc && (x = get(obj, "type")))
		rc = parse_reg_type(x, path(f, prefix, "type"), &r->type);
	if (!rc && (x = get(obj, "word_order"))) {
		rc = want_choice(x, path(f, prefix, "word_order"), orders, &wo);
		r->word_order = wo ? EWS_WORDS_LSW : EWS_WORDS_BE;
	}
	if (!rc && (x = get(obj, "multiplier"))) {
		rc = want_num(x, path(f, prefix, "multiplier"), 0, 1e9, 1,
		              &r->scale);
		d->generic_given |= SIM_GIVEN_MULTIPLIER;
	}
	return rc;
}

/* Fields only EV stations (or gas/water meters) take. */
static int
parse_special(yajl_val obj, const char *prefix, struct sim_device_cfg *d)
{
	char f[FIELD_MAX];
	yajl_val x;
	int rc = 0, i;

	if ((x = get(obj, "setpoint_a")))
		rc = want_num(x, path(f, prefix, "setpoint_a"), 0, 80, 0,
		              &d->setpoint_a);
	if (!rc && (x = get(obj, "vehicle_max_a")))
		rc = want_num(x, path(f, prefix, "vehicle_max_a"), 6, 80, 0,
		              &d->vehicle_max_a);
	if (!rc && (x = get(obj, "vehicle"))) {
		rc = want_choice(x, path(f, prefix, "vehicle"), vehicle_names,
		                 &i);
		d->vehicle = (enum sim_vehicle)i;
	}
	if (!rc && (x = get(obj, "response_s")))
		rc = want_num(x, path(f, prefix, "response_s"), 0, 600, 0,
		              &d->response_s);
	if (!rc && (x = get(obj, "phase"))) {
		rc = want_choice(x, path(f, prefix, "phase"), phase_names, &i);
		d->phase = (unsigned int)i;
		d->phase_given = 1;
	}
	if (!rc && (x = get(obj, "peak_dm3_h")))
		rc = want_num(x, path(f, prefix, "peak_dm3_h"), 0, 1e7, 1,
		              &d->peak_dm3_h);
	d->ev_field = get(obj, "setpoint_a")      ? "setpoint_a"
	              : get(obj, "vehicle_max_a") ? "vehicle_max_a"
	              : get(obj, "vehicle")       ? "vehicle"
	              : get(obj, "response_s")    ? "response_s"
	              : get(obj, "phase")         ? "phase"
	                                          : NULL;
	d->volume_field = get(obj, "peak_dm3_h") ? "peak_dm3_h" : NULL;
	return rc;
}

/* load_steps: [{"at_s": S, "load_a": A}, ...], at_s strictly rising. */
static int
parse_steps(yajl_val v, const char *prefix, struct sim_device_cfg *d)
{
	char item[FIELD_MAX], f[FIELD_MAX];
	struct sim_load_step *st;
	yajl_val o, x;
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len > SIM_STEPS_MAX)
		return refuse(prefix, "must be an array of at most %d steps",
		              SIM_STEPS_MAX);
	for (i = 0; i < v->u.array.len; i++) {
		o = v->u.array.values[i];
		st = &d->steps[d->nsteps++];
		index_path(item, prefix, i);
		if (!YAJL_IS_OBJECT(o))
			return refuse(item, "must be an object {\"at_s\": S, "
			                    "\"load_a\": A}");
		if ((rc = check_fields(o, step_fields, item)))
			return rc;
		if (!(x = get(o, "at_s")))
			return refuse(path(f, item, "at_s"), "required");
		if ((rc = want_num(x, path(f, item, "at_s"), 0, 1e6, 0,
		                   &st->at_s)))
			return rc;
		if (i > 0 && st->at_s <= st[-1].at_s)
			return refuse(f, "%g is not after the step before (%g)",
			              st->at_s, st[-1].at_s);
		if (!(x = get(o, "load_a")))
			return refuse(path(f, item, "load_a"), "required");
		if ((rc = want_num(x, path(f, item, "load_a"), 0, 5000, 0,
		                   &st->load_a)))
			return rc;
	}
	return 0;
}

/* feeds: unit ids, each once (that they are stations is checked once
 * every device is read). */
static int
parse_feeds(yajl_val v, const char *prefix, struct sim_device_cfg *d)
{
	char f[FIELD_MAX];
	unsigned int u, k;
	size_t i;
	int rc;

	if (!YAJL_IS_ARRAY(v) || v->u.array.len > UNIT_MAX)
		return refuse(prefix, "must be an array of unit ids");
	for (i = 0; i < v->u.array.len; i++) {
		index_path(f, prefix, i);
		if ((rc = want_uint(v->u.array.values[i], f, 1, UNIT_MAX, &u)))
			return rc;
		for (k = 0; k < d->nfeeds; k++)
			if (d->feeds[k] == u)
				return refuse(f, "unit %u is listed twice", u);
		d->feeds[d->nfeeds++] = (uint8_t)u;
	}
	return 0;
}

/* Fields only meters take: load_a, load_steps, feeds. */
static int
parse_meter(yajl_val obj, const char *prefix, struct sim_device_cfg *d)
{
	char f[FIELD_MAX];
	yajl_val x;
	int rc = 0;

	if ((x = get(obj, "load_a")))
		rc = want_num(x, path(f, prefix, "load_a"), 0, 5000, 0,
		              &d->load_a);
	if (!rc && (x = get(obj, "load_steps")))
		rc = parse_steps(x, path(f, prefix, "load_steps"), d);
	if (!rc && x && d->load_a < 0)
		return refuse(f,
		              "needs load_a, the load before the first step");
	if (!rc && (x = get(obj, "feeds"))) {
		rc = parse_feeds(x, path(f, prefix, "feeds"), d);
		d->feeds_given = 1;
	}
	d->meter_field = get(obj, "load_a")       ? "load_a"
	                 : get(obj, "load_steps") ? "load_steps"
	                 : get(obj, "feeds")      ? "feeds"
	                                          : NULL;
	return rc;
}

static int
parse_load(yajl_val obj, const char *prefix, struct sim_device_cfg *d)
{
	char f[FIELD_MAX];
	yajl_val x;
	int rc = 0, i;

	if ((x = get(obj, "profile"))) {
		rc = want_choice(x, path(f, prefix, "profile"), profile_names,
		                 &i);
		d->profile = (enum sim_profile)i;
	}
	if (!rc && (x = get(obj, "peak_w")))
		rc = want_num(x, path(f, prefix, "peak_w"), 0, 1e8, 1,
		              &d->peak_w);
	if (!rc && (x = get(obj, "phases"))) {
		rc = want_uint(x, path(f, prefix, "phases"), 1, 3, &d->phases);
		if (!rc && d->phases == 2)
			return refuse(f, "must be 1 or 3");
	}
	if (!rc && (x = get(obj, "energy_kwh")))
		rc = want_num(x, path(f, prefix, "energy_kwh"), 0, 1e10, 0,
		              &d->energy_kwh);
	return rc;
}

static int
parse_device(yajl_val obj, size_t i, struct sim_device_cfg *d)
{
	char prefix[FIELD_MAX], f[FIELD_MAX];
	const char *const gen[] = { "read_code",  "register",   "words", "type",
		                    "word_order", "multiplier", NULL };
	const char *model;
	yajl_val x;
	size_t k;
	int rc;

	snprintf(prefix, sizeof(prefix), "devices[%zu]", i);
	if (!YAJL_IS_OBJECT(obj))
		return refuse(prefix, "must be an object");
	rc = check_fields(obj, device_fields, prefix);
	if (rc)
		return rc;
	path(f, prefix, "unit");
	if (!(x = get(obj, "unit")))
		return refuse(f, "required");
	rc = want_uint(x, f, 1, UNIT_MAX, &d->unit);
	if (!rc && (x = get(obj, "port")))
		rc = want_uint(x, path(f, prefix, "port"), 1, 65535, &d->port);
	if (rc)
		return rc;
	x = get(obj, "model");
	model = x ? YAJL_GET_STRING(x) : NULL;
	if (!model || !*model || strlen(model) >= sizeof(d->model))
		return refuse(path(f, prefix, "model"),
		              x ? "must be a catalogue key" : "required");
	strcpy(d->model, model);
	if ((x = get(obj, "faults")) &&
	    (rc = parse_faults(x, path(f, prefix, "faults"), &d->faults)))
		return rc;
	for (k = 0; gen[k] && !d->generic_field; k++)
		if (get(obj, gen[k]))
			d->generic_field = gen[k];
	rc = parse_load(obj, prefix, d);
	if (!rc)
		rc = parse_special(obj, prefix, d);
	if (!rc)
		rc = parse_meter(obj, prefix, d);
	if (!rc)
		rc = parse_generic(obj, prefix, d);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The model of a device                                               */

static int
resolve_generic(const char *prefix, struct sim_device_cfg *d)
{
	static const char *const names[] = { "read_code", "register", "words",
		                             "multiplier" };
	char f[FIELD_MAX];
	unsigned int k, want;

	for (k = 0; k < 4; k++)
		if (!(d->generic_given & (1u << k)))
			return refuse(path(f, prefix, names[k]),
			              "required for generic_modbus_meter");
	sim_generic_register(&d->generic); /* type 0: the default */
	want = d->generic.type <= EWS_REG_S16   ? 1
	       : d->generic.type <= EWS_REG_S32 ? 2
	       : d->generic.type == EWS_REG_F32 ? 2
	                                        : 4;
	if (want != d->generic.words)
		return refuse(path(f, prefix, "type"),
		              "%s takes %u words, not %u",
		              ews_reg_type_name(d->generic.type), want,
		              d->generic.words);
	if (d->generic.address + d->generic.words - 1 > 65535)
		return refuse(path(f, prefix, "register"),
		              "%u words from 0x%04X pass 0xFFFF", want,
		              d->generic.address);
	return 0;
}

/* The fields that only some kinds of device take, against the model. */
static int
check_kind_fields(const char *prefix, const struct sim_device_cfg *d)
{
	const ews_model *m = d->m;
	int evse = (m->caps & EWS_CAP_EVSE) != 0;
	int volume = m->commodity != EWS_COMMODITY_ELECTRICITY ||
	             sim_model_has(m, EWS_Q_VOLUME);
	char f[FIELD_MAX];

	if (d->ev_field && !evse)
		return refuse(path(f, prefix, d->ev_field),
		              "only EV stations take it; %s is not one",
		              m->key);
	if (d->meter_field && evse)
		return refuse(path(f, prefix, d->meter_field),
		              "only meters take it; %s is an EV station",
		              m->key);
	if (d->volume_field && !volume)
		return refuse(path(f, prefix, d->volume_field),
		              "only gas and water meters take it");
	if (d->meter_field && volume)
		return refuse(path(f, prefix, d->meter_field),
		              "only electricity meters take it");
	if (d->feeds_given && (m->caps & EWS_CAP_GENERIC))
		return refuse(path(f, prefix, "feeds"),
		              "a generic meter serves no current or power to "
		              "add the stations to");
	if (d->phases == 3 && m->phases == 1)
		return refuse(path(f, prefix, "phases"), "%s is single-phase",
		              m->key);
	if (d->phase_given && sim_device_cfg_phases(d) != 1)
		return refuse(path(f, prefix, "phase"),
		              "only a single-phase station takes it (%s "
		              "runs on 3 phases; \"phases\": 1 makes it "
		              "single-phase)",
		              m->key);
	return 0;
}

static int
resolve_device(const ews_catalog *cat, size_t i, struct sim_device_cfg *d)
{
	char prefix[FIELD_MAX], f[FIELD_MAX];
	const ews_model *m;
	int generic, rc;

	snprintf(prefix, sizeof(prefix), "devices[%zu]", i);
	if (ews_catalog_find(cat, d->model, &m) != EWS_OK)
		return refuse(path(f, prefix, "model"), "unknown model \"%s\"",
		              d->model);
	d->m = m;
	snprintf(d->model, sizeof(d->model), "%s", m->key);
	generic = (m->caps & EWS_CAP_GENERIC) != 0;
	if (!m->has_map && !generic)
		return refuse(path(f, prefix, "model"),
		              "register map unknown for %s: cannot simulate",
		              m->key);
	if (d->generic_field && !generic)
		return refuse(path(f, prefix, d->generic_field),
		              "only generic_modbus_meter takes a register; %s "
		              "has its own map",
		              m->key);
	if ((rc = check_kind_fields(prefix, d)))
		return rc;
	return generic ? resolve_generic(prefix, d) : 0;
}

static int
feeds_unit(const struct sim_device_cfg *d, unsigned int unit)
{
	unsigned int k;

	for (k = 0; k < d->nfeeds; k++)
		if (d->feeds[k] == unit)
			return 1;
	return 0;
}

/* Unit k of device i's feeds is in the file, is an EV station, and has
 * no other meter upstream (its current would be counted twice). */
static int
check_feed(const struct sim_config *c, size_t i, size_t k)
{
	unsigned int u = c->devs[i].feeds[k];
	char f[FIELD_MAX];
	size_t j;

	snprintf(f, sizeof(f), "devices[%zu].feeds[%zu]", i, k);
	for (j = 0; j < c->n && c->devs[j].unit != u; j++)
		;
	if (j == c->n)
		return refuse(f, "unit %u is not in the file", u);
	if (!(c->devs[j].m->caps & EWS_CAP_EVSE))
		return refuse(f, "unit %u (%s) is not an EV station", u,
		              c->devs[j].model);
	for (j = 0; j < i; j++)
		if (feeds_unit(&c->devs[j], u))
			return refuse(f,
			              "unit %u is already fed by devices[%zu]",
			              u, j);
	return 0;
}

static int
check_feeds(const struct sim_config *c)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; !rc && i < c->n; i++)
		for (k = 0; !rc && k < c->devs[i].nfeeds; k++)
			rc = check_feed(c, i, k);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The file                                                            */

static int
parse_devices(yajl_val top, const ews_catalog *cat, struct sim_config *out)
{
	yajl_val list;
	size_t i, j;
	int rc;

	if (!YAJL_IS_OBJECT(top))
		return refuse("", "must be an object {\"devices\": [...]}");
	if ((rc = check_fields(top, top_fields, "")))
		return rc;
	list = get(top, "devices");
	if (!list)
		return refuse("devices", "required");
	if (!YAJL_IS_ARRAY(list) || list->u.array.len == 0 ||
	    list->u.array.len > UNIT_MAX)
		return refuse("devices", "must be an array of 1-%d devices",
		              UNIT_MAX);
	out->devs = calloc(list->u.array.len, sizeof(*out->devs));
	if (!out->devs)
		return refuse("devices", "out of memory");
	for (i = 0; i < list->u.array.len; i++) {
		struct sim_device_cfg *d = &out->devs[out->n++];

		sim_device_cfg_init(d);
		rc = parse_device(list->u.array.values[i], i, d);
		if (!rc)
			rc = resolve_device(cat, i, d);
		for (j = 0; !rc && j < i; j++)
			if (out->devs[j].unit == d->unit)
				rc = refuse("",
				            "devices[%zu].unit: %u is already "
				            "used by devices[%zu]",
				            i, d->unit, j);
		if (rc)
			return rc;
	}
	return check_feeds(out);
}

/* The whole file into *out (NUL-terminated). Exit status. */
static int
read_text(const char *file, char **out)
{
	FILE *fp = fopen(file, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc = SIM_EXIT_IO;

	*out = NULL;
	if (fp && (buf = malloc(FILE_MAX + 1)))
		n = fread(buf, 1, FILE_MAX + 1, fp);
	if (!fp || !buf || ferror(fp))
		sim_error("%s: cannot read: %s", file, strerror(errno));
	else if (n > FILE_MAX)
		rc = refuse("", "larger than 1 MiB");
	else
		rc = SIM_EXIT_OK;
	if (fp)
		fclose(fp);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	return rc;
}

int
sim_config_load(const char *file, const ews_catalog *cat,
                struct sim_config *out)
{
	char err[256], *text, *nl;
	yajl_val top;
	int rc;

	memset(out, 0, sizeof(*out));
	cfg_file = file;
	if ((rc = read_text(file, &text)))
		return rc;
	top = yajl_tree_parse(text, err, sizeof(err));
	free(text);
	if (!top) {
		if ((nl = strchr(err, '\n')))
			*nl = '\0';
		return refuse("", "not valid JSON: %s", err);
	}
	rc = parse_devices(top, cat, out);
	yajl_tree_free(top);
	if (rc)
		sim_config_free(out);
	return rc;
}

void
sim_config_free(struct sim_config *c)
{
	free(c->devs);
	c->devs = NULL;
	c->n = 0;
}

void
sim_device_cfg_init(struct sim_device_cfg *d)
{
	memset(d, 0, sizeof(*d));
	d->profile = SIM_PROFILE_OFFICE;
	d->energy_kwh = -1;
	d->setpoint_a = 16;
	d->vehicle_max_a = 16;
	d->vehicle = SIM_VEHICLE_SCHEDULE;
	d->response_s = 5;
	d->load_a = -1;
}

unsigned int
sim_device_cfg_phases(const struct sim_device_cfg *d)
{
	return d->phases ? d->phases : d->m->phases == 1 ? 1 : 3;
}

void
sim_generic_register(ews_register *r)
{
	if (r->type == 0)
		r->type = r->words == 1   ? EWS_REG_U16
		          : r->words == 2 ? EWS_REG_U32
		                          : EWS_REG_U64;
	r->quantity = EWS_Q_ACTIVE_ENERGY_IMPORT;
	r->unit = "kWh";
	r->factor = r->scale * 1000; /* raw x multiplier = kWh */
	r->write_function = 0;
	r->value_count = 0;
	r->values = NULL;
}
