/*
 * The JSON writer of the frontends (jw.h): a pretty-printing FILE backend
 * and a yajl_gen backend behind one set of calls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <ews/ews.h>

#include "jw.h"
#include "shapes.h"

void
jw_init_file(struct jw *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

void
jw_init_yajl(struct jw *j, yajl_gen g)
{
	memset(j, 0, sizeof(*j));
	j->g = g;
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                               */

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/* ------------------------------------------------------------------ */
/* The yajl backend                                                    */

static void
check(struct jw *j, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok && !j->error)
		j->error = (int)st;
}

/* U+FFFD, in UTF-8. */
static const char replacement[] = "\xEF\xBF\xBD";

/* s with every byte that is not valid UTF-8 replaced by U+FFFD, as the
 * file backend writes it: yajl would write such a byte as it is. */
static void
gen_string(struct jw *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = 0, bad = 0, n;
	char small[256], *buf, *out;

	for (; s[len]; len += n ? n : 1)
		bad += (n = utf8_len(s + len)) == 0;
	if (!bad) {
		check(j, yajl_gen_string(j->g, s, len));
		return;
	}
	n = len + 2 * bad; /* 1 byte -> 3 */
	buf = n < sizeof(small) ? small : malloc(n);
	if (!buf) {
		if (!j->error)
			j->error = -1;
		check(j, yajl_gen_string(j->g, (const unsigned char *)"", 0));
		return;
	}
	for (out = buf; *s; s += n ? n : 1) {
		n = utf8_len(s);
		memcpy(out, n ? (const char *)s : replacement, n ? n : 3);
		out += n ? n : 3;
	}
	check(j, yajl_gen_string(j->g, (const unsigned char *)buf,
	                         (size_t)(out - buf)));
	if (buf != small)
		free(buf);
}

/* ------------------------------------------------------------------ */
/* The file backend                                                    */

static void
indent(struct jw *j, int depth)
{
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void
before_value(struct jw *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth == 0)
		return;
	if (!j->first[j->depth])
		fputc(',', j->f);
	if (j->flat[j->depth] || j->compact) {
		if (!j->first[j->depth])
			fputc(' ', j->f);
	} else {
		indent(j, j->depth);
	}
	j->first[j->depth] = 0;
}

static void
open_container(struct jw *j, char ch, int flat)
{
	before_value(j);
	fputc(ch, j->f);
	if (j->depth + 1 < JW_DEPTH)
		j->depth++;
	j->first[j->depth] = 1;
	j->flat[j->depth] = (unsigned char)flat;
}

static void
close_container(struct jw *j, char ch)
{
	int empty = j->first[j->depth], flat = j->flat[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty && !flat && !j->compact)
		indent(j, j->depth);
	fputc(ch, j->f);
}

void
jw_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		if (n > 1) {
			fwrite(s, 1, n, f);
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s);
		} else if (*s == '\n') {
			fputs("\\n", f);
		} else if (*s == '\t') {
			fputs("\\t", f);
		} else if (*s == '\r') {
			fputs("\\r", f);
		} else if (*s < 0x20 || *s == 0x7F) {
			fprintf(f, "\\u%04x", *s);
		} else {
			fputc(*s, f);
		}
		s += n;
	}
	fputc('"', f);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

void
jw_object_begin(struct jw *j)
{
	if (j->g)
		check(j, yajl_gen_map_open(j->g));
	else
		open_container(j, '{', 0);
}

void
jw_object_end(struct jw *j)
{
	if (j->g)
		check(j, yajl_gen_map_close(j->g));
	else
		close_container(j, '}');
}

void
jw_array_begin(struct jw *j, int flat)
{
	if (j->g)
		check(j, yajl_gen_array_open(j->g));
	else
		open_container(j, '[', flat);
}

void
jw_array_end(struct jw *j)
{
	if (j->g)
		check(j, yajl_gen_array_close(j->g));
	else
		close_container(j, ']');
}

void
jw_key(struct jw *j, const char *key)
{
	if (j->g) {
		gen_string(j, key);
		return;
	}
	before_value(j);
	jw_escape(j->f, key);
	fputs(": ", j->f);
	j->after_key = 1;
}

void
jw_str(struct jw *j, const char *s)
{
	if (!s) {
		jw_null(j);
	} else if (j->g) {
		gen_string(j, s);
	} else {
		before_value(j);
		jw_escape(j->f, s);
	}
}

void
jw_int(struct jw *j, int64_t v)
{
	if (j->g) {
		check(j, yajl_gen_integer(j->g, (long long)v));
		return;
	}
	before_value(j);
	fprintf(j->f, "%lld", (long long)v);
}

void
jw_number_text(struct jw *j, const char *text)
{
	if (j->g) {
		check(j, yajl_gen_number(j->g, text, strlen(text)));
		return;
	}
	before_value(j);
	fputs(text, j->f);
}

const char *
jw_double_text(double v, char *buf, size_t size)
{
	/* From 15 digits: fewer write 50 as "5e+01". */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void
jw_double(struct jw *j, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		jw_null(j);
		return;
	}
	jw_number_text(j, jw_double_text(v, buf, sizeof(buf)));
}

void
jw_bool(struct jw *j, int v)
{
	if (j->g) {
		check(j, yajl_gen_bool(j->g, v != 0));
		return;
	}
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void
jw_null(struct jw *j)
{
	if (j->g) {
		check(j, yajl_gen_null(j->g));
		return;
	}
	before_value(j);
	fputs("null", j->f);
}

void
jw_ref(struct jw *j, int64_t id)
{
	if (id == 0)
		jw_null(j);
	else
		jw_int(j, id);
}

void
jw_field_str(struct jw *j, const char *key, const char *s)
{
	jw_key(j, key);
	jw_str(j, s);
}

void
jw_field_int(struct jw *j, const char *key, int64_t v)
{
	jw_key(j, key);
	jw_int(j, v);
}

void
jw_field_double(struct jw *j, const char *key, double v)
{
	jw_key(j, key);
	jw_double(j, v);
}

void
jw_field_bool(struct jw *j, const char *key, int v)
{
	jw_key(j, key);
	jw_bool(j, v);
}

void
jw_field_ref(struct jw *j, const char *key, int64_t id)
{
	jw_key(j, key);
	jw_ref(j, id);
}

void
jw_reading(struct jw *j, const void *obj)
{
	shape_reading(j, obj);
}

const char *
jw_milli_text(int64_t milli, char *buf, size_t size)
{
	uint64_t mag = milli < 0 ? -(uint64_t)milli : (uint64_t)milli;
	unsigned int frac = (unsigned int)(mag % 1000);
	int n;

	if (frac == 0)
		snprintf(buf, size, "%s%llu", milli < 0 ? "-" : "",
		         (unsigned long long)(mag / 1000));
	else {
		n = snprintf(buf, size, "%s%llu.%03u", milli < 0 ? "-" : "",
		             (unsigned long long)(mag / 1000), frac);
		while (n > 0 && (size_t)n < size && buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return buf;
}

void
jw_milli(struct jw *j, int64_t milli)
{
	char buf[32];

	jw_number_text(j, jw_milli_text(milli, buf, sizeof(buf)));
}

void
jw_field_milli(struct jw *j, const char *key, int64_t milli)
{
	jw_key(j, key);
	jw_milli(j, milli);
}

void
jw_money(struct jw *j, int64_t micro)
{
	char buf[EWS_MONEY_TEXT_MAX];

	ews_money_format(micro, buf);
	jw_number_text(j, buf);
}

void
jw_field_money(struct jw *j, const char *key, int64_t micro)
{
	jw_key(j, key);
	jw_money(j, micro);
}

void
jw_finish(struct jw *j)
{
	if (!j->g)
		fputc('\n', j->f);
}
