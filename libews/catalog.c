#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ews/catalog.h>

#include "config.h"

#include "catalog-private.h"
#include "error-private.h"

/*
 * The catalogue: model files loaded from the system directory and then a
 * user directory, kept sorted by key; lookups; decoding of register words.
 * Parsing and validation of one file live in catalog-parse.c (model
 * fields), catalog-register.c (register maps) and catalog-json.c (JSON).
 */

/* ------------------------------------------------------------------ */
/* Names                                                               */

static const char *const family_names[] = {
	[EWS_FAMILY_BTDIN_METER] = "btdin_meter",
	[EWS_FAMILY_ENERGY_COUNTER] = "energy_counter",
	[EWS_FAMILY_PULSE_COUNTER] = "pulse_counter",
	[EWS_FAMILY_RCD_MODULE] = "rcd_module",
	[EWS_FAMILY_EMS_MEASURE] = "ems_measure",
	[EWS_FAMILY_EMS_STATE_CONTROL] = "ems_state_control",
	[EWS_FAMILY_MEGATIKER] = "megatiker",
	[EWS_FAMILY_MEGABREAK] = "megabreak",
	[EWS_FAMILY_POWER_SUPERVISION] = "power_supervision",
	[EWS_FAMILY_GREENUP_PREMIUM] = "greenup_premium",
	[EWS_FAMILY_GREENUP] = "greenup",
	[EWS_FAMILY_OTHER] = "other",
	[EWS_FAMILY_EV_STATION] = "ev_station",
	[EWS_FAMILY_WSMEASURE] = "wsmeasure",
};

/* Indexed by bit number. */
static const char *const capability_names[] = {
	"measure", "state",     "command", "link",    "evse",   "pulse",
	"thd",     "harmonics", "generic", "virtual", "labels",
};

static const char *const commodity_names[] = {
	[EWS_COMMODITY_ELECTRICITY] = "electricity",
	[EWS_COMMODITY_GAS] = "gas",
	[EWS_COMMODITY_WATER] = "water",
};

/* Register types: name, words per value, raw integers it can produce. */
static const struct reg_type_row {
	const char *name;
	unsigned int words;
	long long min, max;
} reg_types[] = {
	[EWS_REG_U16] = { "u16", 1, 0, UINT16_MAX },
	[EWS_REG_S16] = { "s16", 1, INT16_MIN, INT16_MAX },
	[EWS_REG_U32] = { "u32", 2, 0, UINT32_MAX },
	[EWS_REG_S32] = { "s32", 2, INT32_MIN, INT32_MAX },
	[EWS_REG_U64] = { "u64", 4, 0, INT64_MAX }, /* table keys: int64 */
	[EWS_REG_S64] = { "s64", 4, INT64_MIN, INT64_MAX },
	[EWS_REG_F32] = { "f32", 2, 0, 0 },
	[EWS_REG_F64] = { "f64", 4, 0, 0 },
	[EWS_REG_BIT] = { "bit", 1, 0, 1 },
	[EWS_REG_ASCII_LOW] = { "ascii_low", 1, 0, UINT8_MAX },
	[EWS_REG_ASCII_HIGH] = { "ascii_high", 1, 0, UINT8_MAX },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *
name_at(const char *const *names, size_t n, int i)
{
	return i >= 0 && (size_t)i < n ? names[i] : NULL;
}

static int
index_of(const char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return (int)i;
	return 0;
}

const char *
ews_family_name(ews_family f)
{
	return name_at(family_names, COUNT(family_names), (int)f);
}

ews_status
ews_family_from_name(const char *name, ews_family *out)
{
	int i = index_of(family_names, COUNT(family_names), name);

	if (out)
		*out = (ews_family)i;
	if (!out || !i)
		return ews__fail_field(EWS_ENOTFOUND, "family",
		                       "unknown family \"%.63s\"",
		                       name ? name : "");
	return EWS_OK;
}

const char *
ews_capability_name(ews_capability c)
{
	size_t i;

	for (i = 0; i < COUNT(capability_names); i++)
		if ((unsigned int)c == 1u << i)
			return capability_names[i];
	return NULL;
}

const char *
ews_commodity_name(ews_commodity c)
{
	return name_at(commodity_names, COUNT(commodity_names), (int)c);
}

static const struct reg_type_row *
reg_type_row(ews_reg_type t)
{
	if ((int)t < EWS_REG_U16 || (size_t)t >= COUNT(reg_types))
		return NULL;
	return &reg_types[t];
}

const char *
ews_reg_type_name(ews_reg_type t)
{
	const struct reg_type_row *row = reg_type_row(t);

	return row ? row->name : NULL;
}

ews_status
ews_reg_type_from_name(const char *name, ews_reg_type *out)
{
	size_t i;

	if (out)
		*out = (ews_reg_type)0;
	for (i = EWS_REG_U16; name && out && i < COUNT(reg_types); i++) {
		if (strcmp(reg_types[i].name, name) == 0) {
			*out = (ews_reg_type)i;
			return EWS_OK;
		}
	}
	return ews__fail_field(EWS_ENOTFOUND, "type",
	                       "unknown register type \"%.63s\"",
	                       name ? name : "");
}

const char *
ews_word_order_name(ews_word_order o)
{
	switch (o) {
	case EWS_WORDS_BE:
		return "be";
	case EWS_WORDS_LSW:
		return "lsw";
	}
	return NULL;
}

ews_status
ews_word_order_from_name(const char *name, ews_word_order *out)
{
	if (out && name && strcmp(name, "be") == 0)
		*out = EWS_WORDS_BE;
	else if (out && name && strcmp(name, "lsw") == 0)
		*out = EWS_WORDS_LSW;
	else
		return ews__fail_field(EWS_ENOTFOUND, "word_order",
		                       "\"%.63s\" is not \"be\" or \"lsw\"",
		                       name ? name : "");
	return EWS_OK;
}

unsigned int
ews__catalog_type_words(ews_reg_type t)
{
	const struct reg_type_row *row = reg_type_row(t);

	return row ? row->words : 0;
}

void
ews__catalog_type_range(ews_reg_type t, long long *min, long long *max)
{
	const struct reg_type_row *row = reg_type_row(t);

	*min = row ? row->min : 0;
	*max = row ? row->max : 0;
}

/* ------------------------------------------------------------------ */
/* Catalogue                                                           */

ews_status
ews_catalog_opts_init(ews_catalog_opts *opts, unsigned int version)
{
	if (!opts)
		return ews__fail(EWS_EINVAL, "opts: required");
	if (version != EWS_CATALOG_OPTS_VERSION)
		return ews__fail_field(EWS_EINVAL, "version",
		                       "unknown options version %u", version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return EWS_OK;
}

void
ews_catalog_free(ews_catalog *cat)
{
	size_t i;

	if (!cat)
		return;
	for (i = 0; i < cat->count; i++)
		ews__model_free(cat->models[i]);
	free(cat->models);
	for (i = 0; i < cat->problem_count; i++)
		free(cat->problems[i]);
	free(cat->problems);
	free(cat);
}

/* Read a whole regular file of at most EWS__CATALOG_FILE_MAX bytes. */
static ews_status
read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r = 1;
	ews_status rc = EWS_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = ews__fail(EWS_EIO, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = ews__fail(EWS_EIO, "not a regular file");
		goto out;
	}
	buf = ews__malloc(EWS__CATALOG_FILE_MAX + 2);
	if (!buf) {
		rc = EWS_ENOMEM;
		goto out;
	}
	while (r != 0 && n <= EWS__CATALOG_FILE_MAX) {
		r = read(fd, buf + n, EWS__CATALOG_FILE_MAX + 1 - n);
		if (r < 0 && errno != EINTR) {
			rc = ews__fail(EWS_EIO, "cannot read: %s",
			               strerror(errno));
			goto out;
		}
		n += r > 0 ? (size_t)r : 0;
	}
	if (n > EWS__CATALOG_FILE_MAX) {
		rc = ews__fail(EWS_EINVAL, "larger than %d bytes (1 MiB)",
		               EWS__CATALOG_FILE_MAX);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Index of `key` in the sorted models, or where it would go. */
static size_t
position_of(const ews_catalog *cat, const char *key, int *found)
{
	size_t lo = 0, hi = cat->count;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->models[mid]->key, key);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static ews_status
insert_model(ews_catalog *cat, ews__model *m)
{
	int found;
	size_t at = position_of(cat, m->key, &found);

	if (found)
		return ews__fail_field(EWS_EEXIST, "key",
		                       "\"%s\" is already defined by %s",
		                       m->key, cat->models[at]->file);
	if (cat->count == cat->cap) {
		size_t cap = cat->cap ? cat->cap * 2 : 32;
		ews__model **p = ews__realloc(cat->models, cap * sizeof(*p));

		if (!p)
			return EWS_ENOMEM;
		cat->models = p;
		cat->cap = cap;
	}
	memmove(&cat->models[at + 1], &cat->models[at],
	        (cat->count - at) * sizeof(*cat->models));
	cat->models[at] = m;
	cat->count++;
	return EWS_OK;
}

ews_status
ews_catalog_add_file(ews_catalog *cat, const char *path)
{
	ews__model *m = NULL;
	char *text = NULL;
	size_t len = 0;
	ews_status rc;

	if (!cat || !path)
		return ews__fail(EWS_EINVAL, "catalogue and path are required");
	rc = read_file(path, &text, &len);
	if (rc)
		return ews__error_prefix(path);
	rc = ews__model_parse(path, text, len, &m);
	free(text);
	if (rc)
		return rc;
	rc = insert_model(cat, m);
	if (rc) {
		ews__model_free(m);
		return ews__error_prefix(path);
	}
	return EWS_OK;
}

static ews_status
add_problem(ews_catalog *cat, const char *text)
{
	char *copy;

	if (cat->problem_count == cat->problem_cap) {
		size_t cap = cat->problem_cap ? cat->problem_cap * 2 : 8;
		char **p = ews__realloc(cat->problems, cap * sizeof(*p));

		if (!p)
			return EWS_ENOMEM;
		cat->problems = p;
		cat->problem_cap = cap;
	}
	copy = ews__strdup(text);
	if (!copy)
		return EWS_ENOMEM;
	cat->problems[cat->problem_count++] = copy;
	return EWS_OK;
}

static int
is_model_file(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The `.json` file names of a directory, sorted. */
static ews_status
list_dir(const char *dir, char ***out, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **p;
	size_t n = 0, cap = 0;
	ews_status rc = EWS_OK;

	if (!d)
		return ews__fail(EWS_EIO, "%s: cannot read the directory: %s",
		                 dir, strerror(errno));
	while ((e = readdir(d))) {
		if (!is_model_file(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			p = ews__realloc(names, cap * sizeof(*names));
			if (!p) {
				rc = EWS_ENOMEM;
				break;
			}
			names = p;
		}
		names[n] = ews__strdup(e->d_name);
		if (!names[n]) {
			rc = EWS_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc) {
		free_names(names, n);
		return rc;
	}
	if (n > 0) /* qsort(NULL, 0, …) is undefined */
		qsort(names, n, sizeof(*names), compare_names);
	*out = names;
	*count = n;
	return EWS_OK;
}

/* Load every model file of dir; a refused file becomes a problem. */
static ews_status
load_dir(ews_catalog *cat, const char *dir)
{
	char **names = NULL, *path;
	size_t n = 0, i;
	ews_status rc;

	rc = list_dir(dir, &names, &n);
	if (rc)
		return rc;
	for (i = 0; i < n && rc != EWS_ENOMEM; i++) {
		path = ews__malloc(strlen(dir) + strlen(names[i]) + 2);
		if (!path) {
			rc = EWS_ENOMEM;
			break;
		}
		sprintf(path, "%s/%s", dir, names[i]);
		rc = ews_catalog_add_file(cat, path);
		if (rc && rc != EWS_ENOMEM)
			rc = add_problem(cat, ews_error_last()->message);
		free(path);
	}
	free_names(names, n);
	return rc;
}

ews_status
ews_catalog_load(const ews_catalog_opts *opts, ews_catalog **out)
{
	ews_catalog_opts defaults = { EWS_CATALOG_OPTS_VERSION, NULL, NULL };
	ews_catalog *cat;
	ews_status rc;

	if (!out)
		return ews__fail(EWS_EINVAL, "out: required");
	*out = NULL;
	if (opts &&
	    (opts->version == 0 || opts->version > EWS_CATALOG_OPTS_VERSION))
		return ews__fail_field(EWS_EINVAL, "version",
		                       "unknown options version %u",
		                       opts->version);
	if (!opts)
		opts = &defaults;
	cat = ews__calloc(1, sizeof(*cat));
	if (!cat)
		return EWS_ENOMEM;
	rc = load_dir(cat,
	              opts->system_dir ? opts->system_dir : EWS_CATALOG_DIR);
	if (!rc && opts->user_dir) {
		rc = load_dir(cat, opts->user_dir);
		if (rc == EWS_EIO)
			rc = add_problem(cat, ews_error_last()->message);
	}
	if (rc) {
		ews_catalog_free(cat);
		return rc;
	}
	ews_error_clear();
	*out = cat;
	return EWS_OK;
}

size_t
ews_catalog_count(const ews_catalog *cat)
{
	return cat ? cat->count : 0;
}

const ews_model *
ews_catalog_at(const ews_catalog *cat, size_t i)
{
	return cat && i < cat->count ? &cat->models[i]->pub : NULL;
}

size_t
ews_catalog_problem_count(const ews_catalog *cat)
{
	return cat ? cat->problem_count : 0;
}

const char *
ews_catalog_problem(const ews_catalog *cat, size_t i)
{
	return cat && i < cat->problem_count ? cat->problems[i] : NULL;
}

int
ews__catalog_number_match(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ')
			a++;
		while (*b == ' ')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

/* First model with the catalogue number: exact spelling wins over a match
 * that ignores spaces and case. */
static const ews__model *
find_number(const ews_catalog *cat, const char *number)
{
	const ews__model *loose = NULL;
	size_t i, j;

	for (i = 0; i < cat->count; i++) {
		const ews__model *m = cat->models[i];

		for (j = 0; m->numbers[j]; j++) {
			if (strcmp(m->numbers[j], number) == 0)
				return m;
			if (!loose &&
			    ews__catalog_number_match(m->numbers[j], number))
				loose = m;
		}
	}
	return loose;
}

ews_status
ews_catalog_find(const ews_catalog *cat, const char *key, const ews_model **out)
{
	const ews__model *m = NULL;
	size_t at;
	int found;

	if (out)
		*out = NULL;
	if (!cat || !key || !out)
		return ews__fail(EWS_EINVAL, "catalogue, key and out are "
		                             "required");
	at = position_of(cat, key, &found);
	if (found)
		m = cat->models[at];
	else if (*key)
		m = find_number(cat, key);
	if (!m)
		return ews__fail_field(EWS_ENOTFOUND, "model",
		                       "\"%.63s\" is not in the catalogue",
		                       key);
	*out = &m->pub;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Register maps                                                       */

const ews_register *
ews_model_register(const ews_model *m, size_t i)
{
	if (!m || i >= m->register_count)
		return NULL;
	return &ews__model_of(m)->regs[i].pub;
}

ews_status
ews_model_find_register(const ews_model *m, ews_quantity q, unsigned int order,
                        const ews_register **out)
{
	const ews__model *pm = ews__model_of(m);
	const char *qn;
	size_t i;

	if (out)
		*out = NULL;
	if (!m || !out)
		return ews__fail(EWS_EINVAL, "model and out are required");
	if (!m->has_map)
		return ews__fail(EWS_ENOMAP, "register map unknown for %s",
		                 m->name);
	for (i = 0; i < m->register_count; i++) {
		const ews_register *r = &pm->regs[i].pub;

		if (r->quantity == q && r->order == order) {
			*out = r;
			return EWS_OK;
		}
	}
	qn = ews_quantity_name(q) ? ews_quantity_name(q) : "?";
	if (order)
		return ews__fail(EWS_ENOTFOUND,
		                 "%s has no register for %s "
		                 "order %u",
		                 m->name, qn, order);
	return ews__fail(EWS_ENOTFOUND, "%s has no register for %s", m->name,
	                 qn);
}

/* The words of one value, most significant first: "lsw" sends the least
 * significant word first, so its words are taken in reverse. */
static uint64_t
join_words(const uint16_t *w, unsigned int n, ews_word_order order)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 16 | w[order == EWS_WORDS_LSW ? n - 1 - i : i];
	return v;
}

/* Raw value of an integer type; *big for a u64 beyond INT64_MAX. */
static long long
raw_integer(const ews_register *reg, const uint16_t *w, uint64_t *big)
{
	uint64_t v = join_words(w, reg->words, reg->word_order);

	*big = 0;
	switch (reg->type) {
	case EWS_REG_S16:
		return (int16_t)w[0];
	case EWS_REG_S32:
		return (int32_t)(uint32_t)v;
	case EWS_REG_S64:
		return (int64_t)v;
	case EWS_REG_U64:
		if (v > INT64_MAX)
			*big = v;
		return v > INT64_MAX ? 0 : (long long)v;
	case EWS_REG_BIT:
		return w[0] != 0;
	case EWS_REG_ASCII_LOW:
		return w[0] & 0xff;
	case EWS_REG_ASCII_HIGH:
		return w[0] >> 8;
	default: /* u16, u32 */
		return (long long)v;
	}
}

/* With a value table, scale is 1 (the parser insists), so `factor` is the
 * unit conversion alone. */
static ews_status
decode_integer(const ews_register *r, const uint16_t *w, double *out)
{
	uint64_t big;
	long long raw = raw_integer(r, w, &big);
	size_t i;

	if (!r->values || r->value_count == 0) {
		*out = big ? (double)big * r->factor : (double)raw * r->factor;
		return EWS_OK;
	}
	for (i = 0; !big && i < r->value_count; i++) {
		if (r->values[i].raw == raw) {
			*out = r->values[i].value * r->factor;
			return EWS_OK;
		}
	}
	if (big)
		return ews__fail(EWS_EINVAL,
		                 "raw value %llu of %s is not in its value "
		                 "table",
		                 (unsigned long long)big,
		                 ews_quantity_name(r->quantity));
	return ews__fail(EWS_EINVAL,
	                 "raw value %lld of %s is not in its value table", raw,
	                 ews_quantity_name(r->quantity));
}

ews_status
ews_register_decode(const ews_register *reg, const uint16_t *words,
                    size_t n_words, double *out)
{
	uint64_t bits;
	double v;
	float f;
	ews_status rc = EWS_OK;

	if (!reg || !words || !out)
		return ews__fail(EWS_EINVAL, "register, words and out are "
		                             "required");
	if (n_words < reg->words)
		return ews__fail(EWS_EINVAL, "%s needs %u words, %zu given",
		                 ews_quantity_name(reg->quantity), reg->words,
		                 n_words);
	bits = join_words(words, reg->words, reg->word_order);
	if (reg->type == EWS_REG_F32) {
		uint32_t b32 = (uint32_t)bits;

		memcpy(&f, &b32, sizeof(f));
		v = (double)f * reg->factor;
	} else if (reg->type == EWS_REG_F64) {
		memcpy(&v, &bits, sizeof(v));
		v *= reg->factor;
	} else {
		rc = decode_integer(reg, words, &v);
	}
	if (rc)
		return rc;
	if (!isfinite(v))
		return ews__fail(EWS_EINVAL,
		                 "%s: the value is not a finite number",
		                 ews_quantity_name(reg->quantity));
	*out = v;
	return EWS_OK;
}

/* ------------------------------------------------------------------ */
/* Encoding (commands)                                                 */

static ews_status
encode_fail(const ews_register *reg, double value, const char *why)
{
	return ews__fail_field(EWS_EINVAL, "value", "%g for %s %s", value,
	                       ews_quantity_name(reg->quantity), why);
}

/* Bits of an integer register, refusing what its type cannot hold. */
static ews_status
integer_bits(const ews_register *reg, double value, uint64_t *out)
{
	double raw = nearbyint(value / reg->factor), lo = 0, hi = 65535;
	size_t i;

	if (reg->value_count > 0) {
		for (i = 0; i < reg->value_count; i++)
			if (reg->values[i].value * reg->factor == value) {
				*out = (uint64_t)reg->values[i].raw;
				return EWS_OK;
			}
		return encode_fail(reg, value, "is not in the value table");
	}
	switch (reg->type) {
	case EWS_REG_S16:
		lo = INT16_MIN;
		hi = INT16_MAX;
		break;
	case EWS_REG_U32:
		hi = UINT32_MAX;
		break;
	case EWS_REG_S32:
		lo = INT32_MIN;
		hi = INT32_MAX;
		break;
	case EWS_REG_U64:
		hi = 18446744073709549568.0;
		break;
	case EWS_REG_S64:
		lo = (double)INT64_MIN;
		hi = 9223372036854774784.0;
		break;
	case EWS_REG_BIT:
		hi = 1;
		break;
	case EWS_REG_ASCII_LOW:
	case EWS_REG_ASCII_HIGH:
		hi = 255;
		break;
	default:
		break;
	}
	if (!isfinite(raw) || raw < lo || raw > hi)
		return encode_fail(reg, value,
		                   "is out of the register's range");
	*out = raw < 0 ? (uint64_t)(int64_t)raw : (uint64_t)raw;
	return EWS_OK;
}

ews_status
ews_register_encode(const ews_register *reg, double value, uint16_t *words,
                    size_t n_words)
{
	uint64_t bits = 0;
	unsigned int i, n;

	if (!reg || !words || n_words < reg->words)
		return ews__fail(EWS_EINVAL, "register and room for its words "
		                             "are required");
	if (!isfinite(value))
		return encode_fail(reg, value, "is not a finite number");
	n = reg->words;
	if (reg->type == EWS_REG_F32) {
		float f = (float)(value / reg->factor);
		uint32_t b;

		memcpy(&b, &f, sizeof(b));
		bits = b;
	} else if (reg->type == EWS_REG_F64) {
		double d = value / reg->factor;

		memcpy(&bits, &d, sizeof(bits));
	} else if (integer_bits(reg, value, &bits) != EWS_OK) {
		return EWS_EINVAL;
	}
	if (reg->type == EWS_REG_ASCII_HIGH)
		bits <<= 8;
	for (i = 0; i < n; i++) /* most significant first; "lsw" reversed */
		words[reg->word_order == EWS_WORDS_LSW ? n - 1 - i : i] =
		        (uint16_t)(bits >> (16 * (n - 1 - i)));
	return EWS_OK;
}
