#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "catalog-private.h"
#include "error-private.h"

/*
 * One model file -> one ews__model, validated in full against
 * docs/catalog.md. Every refusal names the field ("map[3].address") and the
 * reason; ews__model_parse() prefixes the file. Nothing here touches the
 * catalogue itself.
 */

enum {
	DEPTH_MAX = 8,          /* root, map, register, values: 4 are used */
	FIELD_MAX = 64,         /* room for "map[12345].write_function" */
	NAME_TEXT_MAX = 255,    /* display name, bytes */
	NUMBER_TEXT_MAX = 63,   /* catalogue number: fits EWS_NAME_MAX */
	SOURCE_TEXT_MAX = 4095, /* source note, bytes */
	UNIT_TEXT_MAX = 15,     /* unit of a register */
	ORDER_MIN = 2,          /* harmonic orders */
	ORDER_MAX = 63,
	ADDRESS_MAX = 65535,
	NUMBERS_MAX = 64, /* catalogue numbers of one model */
	VALUES_MAX = 256  /* rows of a value table */
};

static const char *const model_fields[] = { "key",
	                                    "name",
	                                    "family",
	                                    "catalog_numbers",
	                                    "capabilities",
	                                    "commodity",
	                                    "phases",
	                                    "sides",
	                                    "address_per_side",
	                                    "supply",
	                                    "confidence",
	                                    "source",
	                                    "map",
	                                    NULL };

static const char *const register_fields[] = {
	"quantity",   "order", "function", "address", "words",          "type",
	"word_order", "scale", "unit",     "values",  "write_function", NULL
};

/* ------------------------------------------------------------------ */
/* JSON text                                                           */

struct syntax {
	unsigned int depth;
	int too_deep;
};

static int
syntax_open(void *ctx)
{
	struct syntax *s = ctx;

	if (++s->depth > DEPTH_MAX) {
		s->too_deep = 1;
		return 0;
	}
	return 1;
}

static int
syntax_close(void *ctx)
{
	struct syntax *s = ctx;

	s->depth--;
	return 1;
}

/* Only nesting is watched; the tree is built once the text is known to be
 * valid, bounded JSON (yajl_tree_free() recurses, and yajl_tree_parse()
 * does not release a partial tree on error). */
static const yajl_callbacks syntax_callbacks = {
	NULL,        NULL, NULL,         NULL,        NULL,        NULL,
	syntax_open, NULL, syntax_close, syntax_open, syntax_close
};

static ews_status
syntax_fail(yajl_handle h, const char *text, size_t off, int too_deep)
{
	unsigned int line = 1, col = 1;
	unsigned char *msg;
	size_t i, n;
	ews_status rc;

	for (i = 0; i < off; i++) {
		col++;
		if (text[i] == '\n') {
			line++;
			col = 1;
		}
	}
	if (too_deep)
		return ews__fail_field(EWS_EINVAL, "",
		                       "line %u, column %u: nested deeper "
		                       "than %d levels",
		                       line, col, DEPTH_MAX);
	msg = yajl_get_error(h, 0, NULL, 0);
	n = msg ? strcspn((const char *)msg, "\n") : 0;
	rc = ews__fail_field(EWS_EINVAL, "",
	                     "line %u, column %u: invalid JSON: %.*s", line,
	                     col, (int)n, msg ? (const char *)msg : "");
	if (msg)
		yajl_free_error(h, msg);
	return rc;
}

static ews_status
check_syntax(const char *text, size_t len)
{
	struct syntax s = { 0, 0 };
	yajl_handle h;
	yajl_status st;
	size_t off = len;
	ews_status rc = EWS_OK;

	if (memchr(text, '\0', len))
		return ews__fail_field(EWS_EINVAL, "",
		                       "invalid JSON: contains a NUL byte");
	h = yajl_alloc(&syntax_callbacks, NULL, &s);
	if (!h)
		return ews__fail(EWS_ENOMEM, "out of memory (JSON parser)");
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	else
		off = yajl_get_bytes_consumed(h);
	if (st != yajl_status_ok)
		rc = syntax_fail(h, text, off > len ? len : off, s.too_deep);
	yajl_free(h);
	return rc;
}

static ews_status
parse_tree(const char *text, yajl_val *out)
{
	char err[128] = "";

	*out = yajl_tree_parse(text, err, sizeof(err));
	if (!*out) {
		err[strcspn(err, "\n")] = '\0';
		return ews__fail_field(EWS_EINVAL, "", "invalid JSON: %s", err);
	}
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Fields of an object                                                 */

/* "prefix.name", marked with "..." when it had to be cut. */
static const char *
path_of(char *buf, const char *prefix, const char *name)
{
	int n;

	if (prefix && *prefix)
		n = snprintf(buf, FIELD_MAX, "%s.%s", prefix, name);
	else
		n = snprintf(buf, FIELD_MAX, "%s", name);
	if (n >= FIELD_MAX)
		memcpy(buf + FIELD_MAX - 4, "...", 4);
	return buf;
}

/* Refuse a key that appears twice and, when `known` is given, a key that
 * is not in it: a typo must not pass silently. */
static ews_status
check_fields(yajl_val obj, const char *const *known, const char *prefix)
{
	char f[FIELD_MAX];
	size_t i, j;

	for (i = 0; i < obj->u.object.len; i++) {
		const char *k = obj->u.object.keys[i];

		for (j = 0; known && known[j]; j++)
			if (strcmp(known[j], k) == 0)
				break;
		if (known && !known[j])
			return ews__fail_field(EWS_EINVAL,
			                       path_of(f, prefix, k),
			                       "unknown field");
		for (j = 0; j < i; j++)
			if (strcmp(obj->u.object.keys[j], k) == 0)
				return ews__fail_field(EWS_EINVAL,
				                       path_of(f, prefix, k),
				                       "field appears twice");
	}
	return EWS_OK;
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

static ews_status
missing(const char *field)
{
	return ews__fail_field(EWS_EINVAL, field, "required field is missing");
}

/* Characters below 0x20 would break one-line messages, CSV and logs. */
static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* A string of at most `max` bytes; empty only when `allow_empty`. */
static ews_status
want_string(yajl_val v, const char *field, size_t max, int allow_empty,
            const char **out)
{
	const char *s;

	if (!v)
		return missing(field);
	if (!YAJL_IS_STRING(v))
		return ews__fail_field(EWS_EINVAL, field, "must be a string");
	s = v->u.string;
	if (!*s && !allow_empty)
		return ews__fail_field(EWS_EINVAL, field, "must not be empty");
	if (strlen(s) > max)
		return ews__fail_field(EWS_EINVAL, field,
		                       "longer than %zu bytes", max);
	if (has_control(s))
		return ews__fail_field(EWS_EINVAL, field,
		                       "contains a control character");
	*out = s;
	return EWS_OK;
}

static ews_status
want_int(yajl_val v, const char *field, long long min, long long max,
         long long *out)
{
	if (!v)
		return missing(field);
	if (!YAJL_IS_INTEGER(v))
		return ews__fail_field(EWS_EINVAL, field, "must be an integer");
	if (v->u.number.i < min || v->u.number.i > max)
		return ews__fail_field(EWS_EINVAL, field,
		                       "%lld is outside %lld-%lld",
		                       v->u.number.i, min, max);
	*out = v->u.number.i;
	return EWS_OK;
}

/* An optional integer that must be one of `allowed` (0-terminated). */
static ews_status
want_choice(yajl_val v, const char *field, const int *allowed,
            const char *allowed_text, unsigned int *out)
{
	size_t i;

	if (!YAJL_IS_INTEGER(v))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be an integer (%s)", allowed_text);
	for (i = 0; allowed[i]; i++) {
		if (v->u.number.i == allowed[i]) {
			*out = (unsigned int)allowed[i];
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_EINVAL, field, "%s is not %s", v->u.number.r,
	                       allowed_text);
}

static ews_status
want_bool(yajl_val v, const char *field, int *out)
{
	if (!v)
		return EWS_OK;
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be true or false");
	*out = YAJL_IS_TRUE(v);
	return EWS_OK;
}

static ews_status
keep(const char *s, char **out)
{
	*out = ews__strdup(s);
	return *out ? EWS_OK : EWS_ENOMEM;
}

/* ------------------------------------------------------------------ */
/* Model fields                                                        */

static int
key_is_valid(const char *key)
{
	size_t n = strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n >= 1 && n <= 63 && key[n] == '\0';
}

static ews_status
parse_key(yajl_val root, const char *path, ews__model *m)
{
	const char *key, *base = strrchr(path, '/');
	size_t n;
	ews_status rc;

	base = base ? base + 1 : path;
	rc = want_string(get(root, "key"), "key", NAME_TEXT_MAX, 1, &key);
	if (rc)
		return rc;
	if (!key_is_valid(key))
		return ews__fail_field(EWS_EINVAL, "key",
		                       "\"%.70s\" is not 1-63 of [a-z0-9_]",
		                       key);
	n = strlen(key);
	if (strncmp(base, key, n) != 0 || strcmp(base + n, ".json") != 0)
		return ews__fail_field(EWS_EINVAL, "key",
		                       "\"%s\" does not match the file name "
		                       "\"%.80s\" (expected %s.json)",
		                       key, base, key);
	return keep(key, &m->key);
}

static ews_status
parse_numbers(yajl_val v, ews__model *m)
{
	char f[FIELD_MAX];
	size_t i, j, n;
	ews_status rc;

	if (!v)
		return missing("catalog_numbers");
	if (!YAJL_IS_ARRAY(v))
		return ews__fail_field(EWS_EINVAL, "catalog_numbers",
		                       "must be an array of strings");
	n = v->u.array.len;
	if (n > NUMBERS_MAX) /* duplicates are searched pairwise */
		return ews__fail_field(EWS_EINVAL, "catalog_numbers",
		                       "more than %d entries", NUMBERS_MAX);
	m->numbers = ews__calloc(n + 1, sizeof(*m->numbers));
	if (!m->numbers)
		return EWS_ENOMEM;
	for (i = 0; i < n; i++) {
		const char *s;

		snprintf(f, sizeof(f), "catalog_numbers[%zu]", i);
		rc = want_string(v->u.array.values[i], f, NUMBER_TEXT_MAX, 0,
		                 &s);
		if (rc)
			return rc;
		if (ews__catalog_number_match(s, ""))
			return ews__fail_field(EWS_EINVAL, f,
			                       "must not be blank");
		for (j = 0; j < i; j++)
			if (ews__catalog_number_match(m->numbers[j], s))
				return ews__fail_field(EWS_EINVAL, f,
				                       "\"%s\" repeats \"%s\"",
				                       s, m->numbers[j]);
		rc = keep(s, &m->numbers[i]);
		if (rc)
			return rc;
	}
	return EWS_OK;
}

static ews_status
parse_capabilities(yajl_val v, unsigned int *caps)
{
	char f[FIELD_MAX];
	size_t i;
	unsigned int bit;
	ews_status rc;

	if (!v)
		return missing("capabilities");
	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return ews__fail_field(EWS_EINVAL, "capabilities",
		                       "must be an array of at least one "
		                       "capability");
	for (i = 0; i < v->u.array.len; i++) {
		const char *s, *name = NULL;

		snprintf(f, sizeof(f), "capabilities[%zu]", i);
		rc = want_string(v->u.array.values[i], f, 63, 0, &s);
		if (rc)
			return rc;
		for (bit = 1; (name = ews_capability_name(bit)); bit <<= 1)
			if (strcmp(name, s) == 0)
				break;
		if (!name)
			return ews__fail_field(EWS_EINVAL, f,
			                       "unknown capability \"%s\"", s);
		if (*caps & bit)
			return ews__fail_field(EWS_EINVAL, f,
			                       "\"%s\" is listed twice", s);
		*caps |= bit;
	}
	return EWS_OK;
}

static ews_status
parse_identity(yajl_val root, const char *path, ews__model *m)
{
	const char *s;
	ews_family fam;
	ews_status rc;

	rc = parse_key(root, path, m);
	if (!rc)
		rc = want_string(get(root, "name"), "name", NAME_TEXT_MAX, 0,
		                 &s);
	if (!rc)
		rc = keep(s, &m->name);
	if (!rc)
		rc = want_string(get(root, "family"), "family", 63, 0, &s);
	if (rc)
		return rc;
	if (ews_family_from_name(s, &fam) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, "family",
		                       "unknown family \"%s\"", s);
	m->pub.family = fam;
	rc = parse_numbers(get(root, "catalog_numbers"), m);
	if (!rc)
		rc = parse_capabilities(get(root, "capabilities"),
		                        &m->pub.caps);
	if (!rc)
		rc = want_string(get(root, "source"), "source", SOURCE_TEXT_MAX,
		                 0, &s);
	if (!rc)
		rc = keep(s, &m->source);
	return rc;
}

static ews_status
parse_commodity(yajl_val v, ews_commodity *out)
{
	const char *s, *name;
	int c;
	ews_status rc;

	*out = EWS_COMMODITY_ELECTRICITY;
	if (!v)
		return EWS_OK;
	rc = want_string(v, "commodity", 63, 0, &s);
	if (rc)
		return rc;
	for (c = 1; (name = ews_commodity_name((ews_commodity)c)); c++) {
		if (strcmp(name, s) == 0) {
			*out = (ews_commodity)c;
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_EINVAL, "commodity",
	                       "unknown commodity \"%s\"", s);
}

/* Confidence is given exactly when there is a map. */
static ews_status
parse_confidence(yajl_val root, ews__model *m)
{
	yajl_val v = get(root, "confidence");
	const char *s;
	ews_status rc;

	if (!m->pub.has_map) {
		if (v)
			return ews__fail_field(EWS_EINVAL, "confidence",
			                       "given for a model without a "
			                       "map");
		return EWS_OK;
	}
	if (!v)
		return ews__fail_field(EWS_EINVAL, "confidence",
		                       "required with a map");
	rc = want_string(v, "confidence", 15, 0, &s);
	if (rc)
		return rc;
	if (s[1] != '\0' || s[0] < 'A' || s[0] > 'D')
		return ews__fail_field(EWS_EINVAL, "confidence",
		                       "\"%s\" is not A, B, C or D", s);
	m->pub.confidence = s[0];
	return EWS_OK;
}

static ews_status
parse_options(yajl_val root, ews__model *m)
{
	static const int phases[] = { 1, 3, 0 }, sides[] = { 1, 2, 0 };
	yajl_val v;
	ews_status rc;

	m->pub.phases = 3;
	m->pub.sides = 1;
	rc = parse_commodity(get(root, "commodity"), &m->pub.commodity);
	if (!rc && (v = get(root, "phases")))
		rc = want_choice(v, "phases", phases, "1 or 3", &m->pub.phases);
	if (!rc && (v = get(root, "sides")))
		rc = want_choice(v, "sides", sides, "1 or 2", &m->pub.sides);
	if (!rc)
		rc = want_bool(get(root, "address_per_side"),
		               "address_per_side", &m->pub.address_per_side);
	if (!rc)
		rc = want_bool(get(root, "supply"), "supply",
		               &m->pub.needs_supply);
	if (rc)
		return rc;
	if (m->pub.address_per_side && m->pub.sides != 2)
		return ews__fail_field(EWS_EINVAL, "address_per_side",
		                       "needs \"sides\": 2");
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Registers                                                           */

static const char *
reg_field(char *buf, size_t i, const char *name)
{
	snprintf(buf, FIELD_MAX, "map[%zu].%s", i, name);
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
	char f[FIELD_MAX];
	yajl_val v;
	const char *s;
	long long order;
	ews_status rc;

	rc = want_string(get(obj, "quantity"), reg_field(f, i, "quantity"), 63,
	                 0, &s);
	if (rc)
		return rc;
	if (ews_quantity_from_name(s, &r->quantity) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, f, "unknown quantity \"%s\"",
		                       s);
	v = get(obj, "order");
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
	rc = want_int(v, f, ORDER_MIN, ORDER_MAX, &order);
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
		return missing(f);
	if (!YAJL_IS_STRING(v)) {
		rc = want_int(v, f, 0, ADDRESS_MAX, &n);
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
	char f[FIELD_MAX];
	const char *s;
	ews_status rc;

	rc = want_string(get(obj, "type"), reg_field(f, i, "type"), 63, 0, &s);
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
	char f[FIELD_MAX];
	const char *s;
	long long n;
	ews_status rc;

	rc = want_int(get(obj, "function"), reg_field(f, i, "function"), 1, 4,
	              &n);
	if (rc)
		return rc;
	r->function = (unsigned int)n;
	rc = parse_address(get(obj, "address"), reg_field(f, i, "address"),
	                   &r->address);
	if (!rc)
		rc = parse_reg_type(obj, i, r);
	if (!rc)
		rc = want_int(get(obj, "words"), reg_field(f, i, "words"), 1, 4,
		              &n);
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
	if (!get(obj, "word_order"))
		return EWS_OK;
	rc = want_string(get(obj, "word_order"), reg_field(f, i, "word_order"),
	                 15, 0, &s);
	if (rc)
		return rc;
	if (strcmp(s, "be") != 0 && strcmp(s, "lsw") != 0)
		return ews__fail_field(EWS_EINVAL, f,
		                       "\"%s\" is not \"be\" or \"lsw\"", s);
	r->word_order = s[0] == 'l' ? EWS_WORDS_LSW : EWS_WORDS_BE;
	return EWS_OK;
}

static ews_status
parse_reg_unit(yajl_val obj, size_t i, ews__register *r)
{
	char f[FIELD_MAX];
	yajl_val v = get(obj, "scale");
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
	rc = want_string(get(obj, "unit"), reg_field(f, i, "unit"),
	                 UNIT_TEXT_MAX, 1, &s);
	if (rc)
		return rc;
	if (ews_quantity_unit_factor(r->pub.quantity, s, &r->unit_factor))
		return ews__fail_field(EWS_EINVAL, f,
		                       "\"%s\" does not suit %s (canonical "
		                       "unit \"%s\")",
		                       s, ews_quantity_name(r->pub.quantity),
		                       ews_quantity_unit(r->pub.quantity));
	r->pub.factor = r->pub.scale * r->unit_factor;
	rc = keep(s, &r->unit);
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
	char f[FIELD_MAX], prefix[FIELD_MAX];
	yajl_val v = get(obj, "values");
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
	rc = check_fields(v, NULL, prefix);
	if (rc)
		return rc;
	r->values = ews__calloc(v->u.object.len, sizeof(*r->values));
	if (!r->values)
		return EWS_ENOMEM;
	r->pub.values = r->values;
	for (j = 0; j < v->u.object.len; j++) {
		ews_register_value *row = &r->values[j];

		path_of(f, prefix, v->u.object.keys[j]);
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
	char f[FIELD_MAX];
	yajl_val v = get(obj, "write_function");
	ews_status rc;

	if (!v)
		return EWS_OK;
	rc = want_choice(v, reg_field(f, i, "write_function"), allowed,
	                 "5, 6 or 16", &r->write_function);
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
	char f[FIELD_MAX];
	ews_status rc;

	snprintf(f, sizeof(f), "map[%zu]", i);
	if (!YAJL_IS_OBJECT(obj))
		return ews__fail_field(EWS_EINVAL, f, "must be an object");
	rc = check_fields(obj, register_fields, f);
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

static ews_status
parse_map(yajl_val v, ews__model *m)
{
	size_t i, n;
	ews_status rc;

	if (!v)
		return missing("map");
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

/* ------------------------------------------------------------------ */

static ews_status
parse_root(yajl_val root, const char *path, ews__model *m)
{
	ews_status rc;

	if (!YAJL_IS_OBJECT(root))
		return ews__fail_field(EWS_EINVAL, "",
		                       "the file must hold one JSON object");
	rc = check_fields(root, model_fields, "");
	if (!rc)
		rc = parse_identity(root, path, m);
	if (!rc)
		rc = parse_options(root, m);
	if (!rc)
		rc = parse_map(get(root, "map"), m);
	if (!rc)
		rc = parse_confidence(root, m);
	return rc;
}

ews_status
ews__model_parse(const char *path, const char *text, size_t len,
                 ews__model **out)
{
	yajl_val root = NULL;
	ews__model *m = NULL;
	ews_status rc;

	*out = NULL;
	rc = check_syntax(text, len);
	if (!rc)
		rc = parse_tree(text, &root);
	if (rc)
		goto out;
	m = ews__calloc(1, sizeof(*m));
	if (!m) {
		rc = EWS_ENOMEM;
		goto out;
	}
	rc = parse_root(root, path, m);
	if (!rc)
		rc = keep(path, &m->file);
	if (rc)
		goto out;
	m->pub.key = m->key;
	m->pub.name = m->name;
	m->pub.source = m->source;
	m->pub.file = m->file;
	m->pub.catalog_numbers = (const char *const *)m->numbers;
	*out = m;
	m = NULL;
out:
	yajl_tree_free(root);
	ews__model_free(m);
	return rc ? ews__error_prefix(path) : EWS_OK;
}

void
ews__model_free(ews__model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; m->regs && i < m->pub.register_count; i++) {
		free(m->regs[i].unit);
		free(m->regs[i].values);
	}
	free(m->regs);
	for (i = 0; m->numbers && m->numbers[i]; i++)
		free(m->numbers[i]);
	free(m->numbers);
	free(m->key);
	free(m->name);
	free(m->source);
	free(m->file);
	free(m);
}
