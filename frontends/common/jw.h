#ifndef EWS_JW_H
#define EWS_JW_H

/*
 * jw: the JSON writer of the frontends (`ews --json`, ewsd), with two
 * backends behind one API, so that both programs write the same shapes:
 *
 *   - a FILE (jw_init_file): objects indented by two spaces, "flat"
 *     arrays of scalars on one line, or the whole value on one line with
 *     `compact` (JSON lines);
 *   - a yajl_gen (jw_init_yajl): every call goes to the generator, whose
 *     own options (yajl_gen_beautify ...) decide the layout.
 *
 * Write only through the jw_* functions, never to f or g directly, so that
 * separators and indentation stay right. Strings are C strings; bytes that
 * are not valid UTF-8 are written as U+FFFD on both backends, so the
 * output always parses. Exact decimals (thousandths, money) are written
 * from their text, never through floating point; a double is written as
 * the shortest text that reads back as the same double.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_gen.h>

enum { JW_DEPTH = 16 };

/* The writer's fields are its own: set them with jw_init_*() (and
 * `compact` after jw_init_file()), read `error` after writing. */
struct jw {
	FILE *f;    /* the file backend, or NULL */
	yajl_gen g; /* the yajl backend, or NULL */
	int depth;
	int after_key;
	unsigned char first[JW_DEPTH];
	unsigned char flat[JW_DEPTH];
	int compact; /* file: the whole value on one line (JSON lines) */
	/* yajl: 0, or the first failure: a yajl_gen_status, or -1 when a
	 * string could not be copied (out of memory). The file backend
	 * leaves it 0 (check ferror(f)). */
	int error;
};

/* A serializer of one object, as the list printers of the CLI take. */
typedef void jw_fn(struct jw *j, const void *obj);

/* Pretty-printed to f, flat arrays on one line. */
void jw_init_file(struct jw *j, FILE *f);
/* Every value to g, which the caller owns (and reads, yajl_gen_get_buf). */
void jw_init_yajl(struct jw *j, yajl_gen g);

void jw_object_begin(struct jw *j);
void jw_object_end(struct jw *j);
/* flat: the items on one line (file backend), for arrays of scalars. */
void jw_array_begin(struct jw *j, int flat);
void jw_array_end(struct jw *j);
void jw_key(struct jw *j, const char *key);
void jw_str(struct jw *j, const char *s); /* NULL: null */
void jw_int(struct jw *j, int64_t v);
/* A number given as text that is valid JSON already ("12.5", "-3"). */
void jw_number_text(struct jw *j, const char *text);
/* The shortest text that reads back as v; null if v is not finite. */
void jw_double(struct jw *j, double v);
void jw_bool(struct jw *j, int v);
void jw_null(struct jw *j);
void jw_ref(struct jw *j, int64_t id); /* 0: null */
/* A key and its value, in an object. */
void jw_field_str(struct jw *j, const char *key, const char *s);
void jw_field_int(struct jw *j, const char *key, int64_t v);
void jw_field_double(struct jw *j, const char *key, double v);
void jw_field_bool(struct jw *j, const char *key, int v);
void jw_field_ref(struct jw *j, const char *key, int64_t id);
/* The end of a document: a newline to a file; nothing for yajl. */
void jw_finish(struct jw *j);

/* Thousandths as an exact decimal, never through floating point:
 * 123456 -> "123.456", 5000 -> "5", -1500 -> "-1.5". buf: 32 bytes. */
const char *jw_milli_text(int64_t milli, char *buf, size_t size);
void jw_milli(struct jw *j, int64_t milli);
void jw_field_milli(struct jw *j, const char *key, int64_t milli);
/* Money (millionths of the currency) as an exact decimal
 * (ews_money_format), never through floating point. */
void jw_money(struct jw *j, int64_t micro);
void jw_field_money(struct jw *j, const char *key, int64_t micro);
/* v as the shortest text that reads back as v ("230", "0.1", "1e-07"),
 * as jw_double() writes it; buf: 40 bytes. */
const char *jw_double_text(double v, char *buf, size_t size);

/* s as a JSON string, quoted and escaped, to f (file backend only). */
void jw_escape(FILE *f, const char *s);

/* An ews_reading: device_id, quantity, order, t_ms, time, value, unit
 * (the same as shape_reading()). */
void jw_reading(struct jw *j, const void *obj);

#endif /* EWS_JW_H */
