#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "catalog-private.h"
#include "error-private.h"

/*
 * One model file -> one ews__model, validated in full against
 * docs/catalog.md. Every refusal names the field ("map[3].address") and the
 * reason; ews__model_parse() prefixes the file. Nothing here touches the
 * catalogue itself. The JSON layer is in catalog-json.c and the register
 * map in catalog-register.c; this file holds the model-level fields.
 */

enum {
	NAME_TEXT_MAX = 255,    /* display name, bytes */
	NUMBER_TEXT_MAX = 63,   /* catalogue number: fits EWS_NAME_MAX */
	SOURCE_TEXT_MAX = 4095, /* source note, bytes */
	NUMBERS_MAX = 64        /* catalogue numbers of one model */
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
	rc = ews__json_want_string(ews__json_get(root, "key"), "key",
	                           NAME_TEXT_MAX, 1, &key);
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
	return ews__json_keep(key, &m->key);
}

static ews_status
parse_numbers(yajl_val v, ews__model *m)
{
	char f[EWS__JSON_FIELD_MAX];
	size_t i, j, n;
	ews_status rc;

	if (!v)
		return ews__json_missing("catalog_numbers");
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
		rc = ews__json_want_string(v->u.array.values[i], f,
		                           NUMBER_TEXT_MAX, 0, &s);
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
		rc = ews__json_keep(s, &m->numbers[i]);
		if (rc)
			return rc;
	}
	return EWS_OK;
}

static ews_status
parse_capabilities(yajl_val v, unsigned int *caps)
{
	char f[EWS__JSON_FIELD_MAX];
	size_t i;
	unsigned int bit;
	ews_status rc;

	if (!v)
		return ews__json_missing("capabilities");
	if (!YAJL_IS_ARRAY(v) || v->u.array.len == 0)
		return ews__fail_field(EWS_EINVAL, "capabilities",
		                       "must be an array of at least one "
		                       "capability");
	for (i = 0; i < v->u.array.len; i++) {
		const char *s, *name = NULL;

		snprintf(f, sizeof(f), "capabilities[%zu]", i);
		rc = ews__json_want_string(v->u.array.values[i], f, 63, 0, &s);
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
		rc = ews__json_want_string(ews__json_get(root, "name"), "name",
		                           NAME_TEXT_MAX, 0, &s);
	if (!rc)
		rc = ews__json_keep(s, &m->name);
	if (!rc)
		rc = ews__json_want_string(ews__json_get(root, "family"),
		                           "family", 63, 0, &s);
	if (rc)
		return rc;
	if (ews_family_from_name(s, &fam) != EWS_OK)
		return ews__fail_field(EWS_EINVAL, "family",
		                       "unknown family \"%s\"", s);
	m->pub.family = fam;
	rc = parse_numbers(ews__json_get(root, "catalog_numbers"), m);
	if (!rc)
		rc = parse_capabilities(ews__json_get(root, "capabilities"),
		                        &m->pub.caps);
	if (!rc)
		rc = ews__json_want_string(ews__json_get(root, "source"),
		                           "source", SOURCE_TEXT_MAX, 0, &s);
	if (!rc)
		rc = ews__json_keep(s, &m->source);
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
	rc = ews__json_want_string(v, "commodity", 63, 0, &s);
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
	yajl_val v = ews__json_get(root, "confidence");
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
	rc = ews__json_want_string(v, "confidence", 15, 0, &s);
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
	rc = parse_commodity(ews__json_get(root, "commodity"),
	                     &m->pub.commodity);
	if (!rc && (v = ews__json_get(root, "phases")))
		rc = ews__json_want_choice(v, "phases", phases, "1 or 3",
		                           &m->pub.phases);
	if (!rc && (v = ews__json_get(root, "sides")))
		rc = ews__json_want_choice(v, "sides", sides, "1 or 2",
		                           &m->pub.sides);
	if (!rc)
		rc = ews__json_want_bool(
		        ews__json_get(root, "address_per_side"),
		        "address_per_side", &m->pub.address_per_side);
	if (!rc)
		rc = ews__json_want_bool(ews__json_get(root, "supply"),
		                         "supply", &m->pub.needs_supply);
	if (rc)
		return rc;
	if (m->pub.address_per_side && m->pub.sides != 2)
		return ews__fail_field(EWS_EINVAL, "address_per_side",
		                       "needs \"sides\": 2");
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
	rc = ews__json_check_fields(root, model_fields, "");
	if (!rc)
		rc = parse_identity(root, path, m);
	if (!rc)
		rc = parse_options(root, m);
	if (!rc)
		rc = ews__catalog_parse_map(ews__json_get(root, "map"), m);
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
	rc = ews__json_check_syntax(text, len);
	if (!rc)
		rc = ews__json_parse_tree(text, &root);
	if (rc)
		goto out;
	m = ews__calloc(1, sizeof(*m));
	if (!m) {
		rc = EWS_ENOMEM;
		goto out;
	}
	rc = parse_root(root, path, m);
	if (!rc)
		rc = ews__json_keep(path, &m->file);
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
