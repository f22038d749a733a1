#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "catalog-private.h"
#include "error-private.h"

/*
 * The register map of a model file: each register is validated in full
 * against docs/catalog.md and the refusal names it ("map[3].address").
 * ews__catalog_parse_map() is called by catalog-parse.c.
 */

enum {
	UNIT_TEXT_MAX = 15, /* unit of a register */
	ORDER_MIN = 2,      /* harmonic orders */
	ORDER_MAX = 63,
	ADDRESS_MAX = 65535,
	VALUES_MAX = 256 /* rows of a value table */
};

static const char *const register_fields[] = {
	"quantity",   "order", "function", "address", "words",          "type",
	"word_order", "scale", "unit",     "values",  "write_function", NULL
};

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static const char *
reg_field(char *buf, size_t i, const char *name)
{
	snprintf(buf, EWS__JSON_FIELD_MAX, "map[%zu].%s", i, name);
	return buf;
}

static int
is_harmonic(ews_quantity q)
{
	return q >= EWS_Q_HARMONIC_VOLTAGE_L1 && q <= EWS_Q_HARMONIC_CURRENT_L3;
}

static int
is_coded(ews_quantity q)
{
	return q == EWS_Q_STATE || q == EWS_Q_CP_STATE;
}

static ews_status
parse_reg_quantity(yajl_val obj, size_t i, ews_register *r)
{
	char f[EWS__JSON_FIELD_MAX];
	yajl_val v;
	const char *s;
	long long order;
	ews_status rc;

	rc = ews__json_want_string(ews__json_get(obj, "quantity"),
	                           reg_field(f, i, "quantity"), 63, 0, &s);
	if (rc)
		return rc;
	if (ews_quantity_from_name(s, &r->quantity) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, f, "unknown quantity \"%s\"",
		                       s);
	v = ews__json_get(obj, "order");
	reg_field(f, i, "order");
	if (!is_harmonic(r->quantity)) {
		if (v)
			return ews__fail_field(EWS_EINVAL, f,
			                       "only harmonic quantities take "
			                       "an order");
		return EWS_OK;
	}
	if (!v)
		return ews__fail_field(EWS_EINVAL, f, "required for %s", s);
	rc = ews__json_want_int(v, f, ORDER_MIN, ORDER_MAX, &order);
	if (!rc)
		r->order = (unsigned int)order;
	return rc;
}

static ews_status
parse_address(yajl_val v, const char *f, unsigned int *out)
{
	const char *s;
	unsigned long a;
	long long n;
	size_t digits;
	ews_status rc;

	if (!v)
		return ews__json_missing(f);
	if (!YAJL_IS_STRING(v)) {
		rc = ews__json_want_int(v, f, 0, ADDRESS_MAX, &n);
		if (!rc)
			*out = (unsigned int)n;
		return rc;
	}
	s = v->u.string;
	digits = strspn(s + (s[0] == '0' && s[1] == 'x' ? 2 : 0),
	                "0123456789abcdefABCDEF");
	if (s[0] != '0' || s[1] != 'x' || digits < 1 || digits > 8 ||
	    s[2 + digits] != '\0')
		return ews__fail_field(EWS_EINVAL, f,
		                       "\"%.20s\" is neither an integer nor a "
		                       "\"0x...\" hex string",
		                       s);
	a = strtoul(s + 2, NULL, 16);
	if (a > ADDRESS_MAX)
		return ews__fail_field(EWS_EINVAL, f, "%s is outside 0-65535",
		                       s);
	*out = (unsigned int)a;
	return EWS_OK;
}

static ews_status
parse_reg_type(yajl_val obj, size_t i, ews_register *r)
{
	char f[EWS__JSON_FIELD_MAX];
	const char *s;
	ews_status rc;

	rc = ews__json_want_string(ews__json_get(obj, "type"),
	                           reg_field(f, i, "type"), 63, 0, &s);
	if (rc)
		return rc;
	if (ews_reg_type_from_name(s, &r->type) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, f,
		                       "unknown register type \"%s\"", s);
	if (r->type == EWS_REG_BIT && r->function > 2)
		return ews__fail_field(EWS_EINVAL, f,
		                       "bit needs function 1 or 2, not %u",
		                       r->function);
	if (r->type != EWS_REG_BIT && r->function <= 2)
		return ews__fail_field(EWS_EINVAL, f,
		                       "function %u reads bits: the type "
		                       "must be bit, not %s",
		                       r->function, s);
	if ((r->type == EWS_REG_F32 || r->type == EWS_REG_F64) &&
	    is_coded(r->quantity))
		return ews__fail_field(EWS_EINVAL, f,
		                       "%s needs an integer type, not %s",
		                       ews_quantity_name(r->quantity), s);
	return EWS_OK;
}

static ews_status
parse_reg_layout(yajl_val obj, size_t i, ews_register *r)
{
	char f[EWS__JSON_FIELD_MAX];
	const char *s;
	long long n;
	ews_status rc;

	rc = ews__json_want_int(ews__json_get(obj, "function"),
	                        reg_field(f, i, "function"), 1, 4, &n);
	if (rc)
		return rc;
	r->function = (unsigned int)n;
	rc = parse_address(ews__json_get(obj, "address"),
	                   reg_field(f, i, "address"), &r->address);
	if (!rc)
		rc = parse_reg_type(obj, i, r);
	if (!rc)
		rc = ews__json_want_int(ews__json_get(obj, "words"),
		                        reg_field(f, i, "words"), 1, 4, &n);
	if (rc)
		return rc;
	r->words = (unsigned int)n;
	if (r->words != ews__catalog_type_words(r->type))
		return ews__fail_field(EWS_EINVAL, f,
		                       "%u words do not fit type %s (needs "
		                       "%u)",
		                       r->words, ews_reg_type_name(r->type),
		                       ews__catalog_type_words(r->type));
	if (r->address + r->words - 1 > ADDRESS_MAX)
		return ews__fail_field(EWS_EINVAL, reg_field(f, i, "address"),
		                       "%u words from %u pass 65535", r->words,
		                       r->address);
	if (!ews__json_get(obj, "word_order"))
		return EWS_OK;
	rc = ews__json_want_string(ews__json_get(obj, "word_order"),
	                           reg_field(f, i, "word_order"), 15, 0, &s);
	if (rc)
		return rc;
	if (ews_word_order_from_name(s, &r->word_order) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, f,
		                       "\"%s\" is not \"be\" or \"lsw\"", s);
	return EWS_OK;
}

static ews_status
parse_reg_unit(yajl_val obj, size_t i, ews__register *r)
{
	char f[EWS__JSON_FIELD_MAX];
	yajl_val v = ews__json_get(obj, "scale");
	const char *s;
	ews_status rc;

	r->pub.scale = 1.0;
	if (v) {
		reg_field(f, i, "scale");
		if (!YAJL_IS_DOUBLE(v) || !isfinite(v->u.number.d))
			return ews__fail_field(EWS_EINVAL, f,
			                       "must be a finite number");
		if (v->u.number.d == 0.0)
			return ews__fail_field(EWS_EINVAL, f, "must not be 0");
		r->pub.scale = v->u.number.d;
	}
	rc = ews__json_want_string(ews__json_get(obj, "unit"),
	                           reg_field(f, i, "unit"), UNIT_TEXT_MAX, 1,
	                           &s);
	if (rc)
		return rc;
	if (ews_quantity_unit_factor(r->pub.quantity, s, &r->unit_factor))
		return ews__fail_field(EWS_EINVAL, f,
		                       "\"%s\" does not suit %s (canonical "
		                       "unit \"%s\")",
		                       s, ews_quantity_name(r->pub.quantity),
		                       ews_quantity_unit(r->pub.quantity));
	r->pub.factor = r->pub.scale * r->unit_factor;
	rc = ews__json_keep(s, &r->unit);
	r->pub.unit = r->unit;
	return rc;
}

/* A key of a value table: a canonical decimal integer the type can hold,
 * so that two keys never name the same raw value. */
static ews_status
parse_value_key(const char *k, const char *f, ews_reg_type t, int64_t *out)
{
	const char *d = k + (k[0] == '-');
	size_t n = strspn(d, "0123456789");
	int canonical =
	        n >= 1 && d[n] == '\0' && (d[0] != '0' || (n == 1 && d == k));
	long long min, max;

	errno = 0;
	*out = canonical ? strtoll(k, NULL, 10) : 0;
	if (!canonical || errno == ERANGE)
		return ews__fail_field(EWS_EINVAL, f,
		                       "key \"%.30s\" is not a decimal "
		                       "integer",
		                       k);
	ews__catalog_type_range(t, &min, &max);
	if (*out < min || *out > max)
		return ews__fail_field(EWS_EINVAL, f,
		                       "key %s is outside the range of %s", k,
		                       ews_reg_type_name(t));
	return EWS_OK;
}

static ews_status
parse_value(yajl_val v, const char *f, ews_quantity q, double *out)
{
	static const char *const breaker[] = { "open", "closed", "tripped",
		                               NULL };
	const char *s;
	size_t i;

	if (!is_coded(q)) {
		if (!YAJL_IS_DOUBLE(v) || !isfinite(v->u.number.d))
			return ews__fail_field(EWS_EINVAL, f,
			                       "must be a finite number");
		*out = v->u.number.d;
		return EWS_OK;
	}
	s = YAJL_GET_STRING(v);
	if (q == EWS_Q_CP_STATE) {
		if (!s || s[0] < 'A' || s[0] > 'F' || s[1] != '\0')
			return ews__fail_field(EWS_EINVAL, f,
			                       "must be a control-pilot state "
			                       "\"A\"..\"F\"");
		*out = EWS_CP_A + (s[0] - 'A');
		return EWS_OK;
	}
	for (i = 0; s && breaker[i]; i++) {
		if (strcmp(breaker[i], s) == 0) {
			*out = (double)i; /* ews_breaker_state order */
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_EINVAL, f,
	                       "must be \"open\", \"closed\" or \"tripped\"");
}

static ews_status
parse_reg_values(yajl_val obj, size_t i, ews__register *r)
{
	char f[EWS__JSON_FIELD_MAX], prefix[EWS__JSON_FIELD_MAX];
	yajl_val v = ews__json_get(obj, "values");
	size_t j;
	ews_status rc;

	reg_field(prefix, i, "values");
	if (!v) {
		if (r->pub.type == EWS_REG_ASCII_LOW ||
		    r->pub.type == EWS_REG_ASCII_HIGH)
			return ews__fail_field(EWS_EINVAL, prefix,
			                       "required for type %s",
			                       ews_reg_type_name(r->pub.type));
		return EWS_OK;
	}
	if (!YAJL_IS_OBJECT(v) || v->u.object.len == 0)
		return ews__fail_field(EWS_EINVAL, prefix,
		                       "must be an object of at least one "
		                       "\"raw\": value");
	if (v->u.object.len > VALUES_MAX) /* duplicates: pairwise search */
		return ews__fail_field(EWS_EINVAL, prefix,
		                       "more than %d entries", VALUES_MAX);
	if (r->pub.type == EWS_REG_F32 || r->pub.type == EWS_REG_F64)
		return ews__fail_field(EWS_EINVAL, prefix,
		                       "a value table needs an integer type");
	if (r->pub.scale != 1.0)
		return ews__fail_field(EWS_EINVAL, reg_field(f, i, "scale"),
		                       "has no effect with a value table");
	rc = ews__json_check_fields(v, NULL, prefix);
	if (rc)
		return rc;
	r->values = ews__calloc(v->u.object.len, sizeof(*r->values));
	if (!r->values)
		return EWS_ENOMEM;
	r->pub.values = r->values;
	for (j = 0; j < v->u.object.len; j++) {
		ews_register_value *row = &r->values[j];

		ews__json_path_of(f, prefix, v->u.object.keys[j]);
		rc = parse_value_key(v->u.object.keys[j], f, r->pub.type,
		                     &row->raw);
		if (!rc)
			rc = parse_value(v->u.object.values[j], f,
			                 r->pub.quantity, &row->value);
		if (rc)
			return rc;
		r->pub.value_count++;
	}
	return EWS_OK;
}

/* 5 writes a coil, 6 one holding register, 16 several: input registers
 * and discrete inputs cannot be written. */
static ews_status
parse_reg_write(yajl_val obj, size_t i, ews_register *r)
{
	static const int allowed[] = { 5, 6, 16, 0 };
	char f[EWS__JSON_FIELD_MAX];
	yajl_val v = ews__json_get(obj, "write_function");
	ews_status rc;

	if (!v)
		return EWS_OK;
	rc = ews__json_want_choice(v, reg_field(f, i, "write_function"),
	                           allowed, "5, 6 or 16", &r->write_function);
	if (rc)
		return rc;
	if (r->write_function == 5 && r->function != 1)
		return ews__fail_field(EWS_EINVAL, f,
		                       "5 writes a coil: needs function 1");
	if (r->write_function != 5 && r->function != 3)
		return ews__fail_field(EWS_EINVAL, f,
		                       "%u writes holding registers: needs "
		                       "function 3",
		                       r->write_function);
	if (r->write_function == 6 && r->words != 1)
		return ews__fail_field(EWS_EINVAL, f,
		                       "6 writes one register, not %u",
		                       r->words);
	return EWS_OK;
}

static ews_status
parse_register(yajl_val obj, size_t i, ews__register *r)
{
	char f[EWS__JSON_FIELD_MAX];
	ews_status rc;

	snprintf(f, sizeof(f), "map[%zu]", i);
	if (!YAJL_IS_OBJECT(obj))
		return ews__fail_field(EWS_EINVAL, f, "must be an object");
	rc = ews__json_check_fields(obj, register_fields, f);
	if (!rc)
		rc = parse_reg_quantity(obj, i, &r->pub);
	if (!rc)
		rc = parse_reg_layout(obj, i, &r->pub);
	if (!rc)
		rc = parse_reg_unit(obj, i, r);
	if (!rc)
		rc = parse_reg_values(obj, i, r);
	if (!rc)
		rc = parse_reg_write(obj, i, &r->pub);
	return rc;
}

ews_status
ews__catalog_parse_map(yajl_val v, ews__model *m)
{
	size_t i, n;
	ews_status rc;

	if (!v)
		return ews__json_missing("map");
	if (YAJL_IS_NULL(v))
		return EWS_OK;
	if (!YAJL_IS_ARRAY(v))
		return ews__fail_field(EWS_EINVAL, "map",
		                       "must be an array of registers or "
		                       "null");
	m->pub.has_map = 1;
	n = v->u.array.len;
	m->regs = ews__calloc(n, sizeof(*m->regs));
	if (!m->regs)
		return EWS_ENOMEM;
	m->pub.register_count = n; /* zeroed: safe to free at any point */
	for (i = 0; i < n; i++) {
		rc = parse_register(v->u.array.values[i], i, &m->regs[i]);
		if (rc)
			return rc;
	}
	return EWS_OK;
}
