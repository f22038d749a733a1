#ifndef EWS_CATALOG_PRIVATE_H
#define EWS_CATALOG_PRIVATE_H
#include <ews/catalog.h>
#include <yajl/yajl_tree.h>

/*
 * Internal shape of the catalogue. The public structs are the first member
 * of their private wrappers, so a borrowed `const ews_model *` handed out
 * by the catalogue converts back to its wrapper. Only models that came from
 * a catalogue may be passed back; registers need no wrapper to decode.
 */

/* Largest model file read (bounded input). */
enum { EWS__CATALOG_FILE_MAX = 1024 * 1024 };

typedef struct ews__register {
	ews_register pub;           /* first: the public view */
	char *unit;                 /* owned; pub.unit points here */
	double unit_factor;         /* unit -> canonical unit */
	ews_register_value *values; /* owned; pub.values points here */
} ews__register;

typedef struct ews__model {
	ews_model pub; /* first: the public view */
	char *key;     /* owned strings behind the public pointers */
	char *name;
	char *source;
	char *file;
	char **numbers;      /* NULL-terminated; pub.catalog_numbers */
	ews__register *regs; /* pub.register_count entries */
} ews__model;

struct ews_catalog {
	ews__model **models; /* sorted by key */
	size_t count;
	size_t cap;
	char **problems; /* "<file>: <field>: <reason>" */
	size_t problem_count;
	size_t problem_cap;
};

static inline const ews__model *
ews__model_of(const ews_model *m)
{
	return (const ews__model *)m;
}

/*
 * Parse and validate one model file whose text is `text` (NUL-terminated,
 * `len` bytes). On failure the error names the field and the reason,
 * prefixed with `path`. Owned: release *out with ews__model_free().
 */
ews_status ews__model_parse(const char *path, const char *text, size_t len,
                            ews__model **out);

void ews__model_free(ews__model *m);

/*
 * Model files are parsed in three files: catalog-json.c checks the JSON
 * text and holds the field helpers below, catalog-register.c reads the
 * register map and catalog-parse.c the rest of a model. Every refusal is
 * recorded with ews__fail_field(), naming the field, and its code returned;
 * the want_* helpers set *out only on EWS_OK.
 */

/* Room for a field path such as "map[12345].write_function". */
enum { EWS__JSON_FIELD_MAX = 64 };

/* EWS_OK only for NUL-free, well-formed JSON nested at most 8 deep. */
ews_status ews__json_check_syntax(const char *text, size_t len);

/* *out: tree of checked text (NULL on failure); free with yajl_tree_free. */
ews_status ews__json_parse_tree(const char *text, yajl_val *out);

/* "prefix.name" in buf (EWS__JSON_FIELD_MAX bytes), cut with "...": buf. */
const char *ews__json_path_of(char *buf, const char *prefix, const char *name);

/* No key twice, and each key in `known` (NULL-terminated) unless NULL. */
ews_status ews__json_check_fields(yajl_val obj, const char *const *known,
                                  const char *prefix);

/* The value of key `name` in object `obj`, or NULL when it is absent. */
yajl_val ews__json_get(yajl_val obj, const char *name);

/* Records "<field>: required field is missing" and returns EWS_EINVAL. */
ews_status ews__json_missing(const char *field);

/* String of at most `max` bytes, no control chars, empty if allow_empty. */
ews_status ews__json_want_string(yajl_val v, const char *field, size_t max,
                                 int allow_empty, const char **out);

/* Present integer within min..max (inclusive). */
ews_status ews__json_want_int(yajl_val v, const char *field, long long min,
                              long long max, long long *out);

/* Present number (integer or not) within min..max (inclusive). */
ews_status ews__json_want_number(yajl_val v, const char *field, double min,
                                 double max, double *out);

/* Integer that is one of `allowed` (0-terminated; spelt allowed_text). */
ews_status ews__json_want_choice(yajl_val v, const char *field,
                                 const int *allowed, const char *allowed_text,
                                 unsigned int *out);

/* true or false; when v is absent *out is left alone and EWS_OK returned. */
ews_status ews__json_want_bool(yajl_val v, const char *field, int *out);

/* Owned copy of s in *out (release with free()), or EWS_ENOMEM. */
ews_status ews__json_keep(const char *s, char **out);

/* Fills m's map from v ("map"; null: none); m stays ews__model_free-able. */
ews_status ews__catalog_parse_map(yajl_val v, ews__model *m);

/* Catalogue numbers are equal when they match ignoring spaces and case
 * ("0 590 56" and "059056", "f3n200" and "F3N200"). */
int ews__catalog_number_match(const char *a, const char *b);

/* Registers one value of type t takes (0 for an unknown type). */
unsigned int ews__catalog_type_words(ews_reg_type t);

/* Raw integers a register of type t can produce (0..0 for the floats). */
void ews__catalog_type_range(ews_reg_type t, long long *min, long long *max);

#endif /* EWS_CATALOG_PRIVATE_H */
