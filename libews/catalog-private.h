#ifndef EWS_CATALOG_PRIVATE_H
#define EWS_CATALOG_PRIVATE_H
#include <ews/catalog.h>

/*
 * Internal shape of the catalogue. The public structs are the first member
 * of their private wrappers, so a borrowed `const ews_model *` handed out
 * by the catalogue converts back to its wrapper. Only models that came from
 * a catalogue may be passed back; registers need no wrapper to decode.
 */

/* Largest model file read (bounded input). */
enum { EWS__CATALOG_FILE_MAX = 1024 * 1024 };

typedef struct ews__register {
	ews_register pub;   /* first: the public view */
	char *unit;         /* owned; pub.unit points here */
	double unit_factor; /* unit -> canonical unit */
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

/* Catalogue numbers are equal when they match ignoring spaces and case
 * ("0 590 56" and "059056", "f3n200" and "F3N200"). */
int ews__catalog_number_match(const char *a, const char *b);

/* Registers one value of type t takes (0 for an unknown type). */
unsigned int ews__catalog_type_words(ews_reg_type t);

/* Raw integers a register of type t can produce (0..0 for the floats). */
void ews__catalog_type_range(ews_reg_type t, long long *min, long long *max);

#endif /* EWS_CATALOG_PRIVATE_H */
