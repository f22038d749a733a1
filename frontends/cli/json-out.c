/*
 * A tiny JSON writer: objects indented by two spaces, "flat" arrays of
 * scalars on one line. Strings are escaped per RFC 8259; bytes that are not
 * valid UTF-8 are written as U+FFFD so the output always parses. Exact
 * decimals (thousandths, money) are written from their text, never
 * through floating point.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void
cli_json_init(struct cli_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void
indent(struct cli_json *j, int depth)
{
	fputc('\n', j->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", j->f);
}

/* Separator and indentation before a value or a key. */
static void
before_value(struct cli_json *j)
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
open_container(struct cli_json *j, char ch, int flat)
{
	before_value(j);
	fputc(ch, j->f);
	if (j->depth + 1 < CLI_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = 1;
	j->flat[j->depth] = (unsigned char)flat;
}

static void
close_container(struct cli_json *j, char ch)
{
	int empty = j->first[j->depth], flat = j->flat[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty && !flat && !j->compact)
		indent(j, j->depth);
	fputc(ch, j->f);
}

void
cli_json_object_begin(struct cli_json *j)
{
	open_container(j, '{', 0);
}

void
cli_json_object_end(struct cli_json *j)
{
	close_container(j, '}');
}

void
cli_json_array_begin(struct cli_json *j, int flat)
{
	open_container(j, '[', flat);
}

void
cli_json_array_end(struct cli_json *j)
{
	close_container(j, ']');
}

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

void
cli_json_escape(FILE *f, const char *str)
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

void
cli_json_key(struct cli_json *j, const char *key)
{
	before_value(j);
	cli_json_escape(j->f, key);
	fputs(": ", j->f);
	j->after_key = 1;
}

void
cli_json_str(struct cli_json *j, const char *s)
{
	if (!s) {
		cli_json_null(j);
		return;
	}
	before_value(j);
	cli_json_escape(j->f, s);
}

void
cli_json_int(struct cli_json *j, int64_t v)
{
	before_value(j);
	fprintf(j->f, "%lld", (long long)v);
}

void
cli_json_number_text(struct cli_json *j, const char *text)
{
	before_value(j);
	fputs(text, j->f);
}

/* Shortest text that reads back as the same double. */
void
cli_json_double(struct cli_json *j, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		cli_json_null(j);
		return;
	}
	/* From 15 digits: fewer write 50 as "5e+01". */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	cli_json_number_text(j, buf);
}

void
cli_json_bool(struct cli_json *j, int v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void
cli_json_null(struct cli_json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void
cli_json_ref(struct cli_json *j, int64_t id)
{
	if (id == 0)
		cli_json_null(j);
	else
		cli_json_int(j, id);
}

void
cli_json_field_str(struct cli_json *j, const char *key, const char *s)
{
	cli_json_key(j, key);
	cli_json_str(j, s);
}

void
cli_json_field_int(struct cli_json *j, const char *key, int64_t v)
{
	cli_json_key(j, key);
	cli_json_int(j, v);
}

void
cli_json_field_double(struct cli_json *j, const char *key, double v)
{
	cli_json_key(j, key);
	cli_json_double(j, v);
}

void
cli_json_field_bool(struct cli_json *j, const char *key, int v)
{
	cli_json_key(j, key);
	cli_json_bool(j, v);
}

void
cli_json_field_ref(struct cli_json *j, const char *key, int64_t id)
{
	cli_json_key(j, key);
	cli_json_ref(j, id);
}

/* One reading, as `device read`, `poll` and `samples list` print it. */
void
cli_json_reading(struct cli_json *j, const void *obj)
{
	const ews_reading *r = obj;
	char t[EWS_TIME_TEXT_MAX];

	cli_json_object_begin(j);
	cli_json_field_int(j, "device_id", r->device_id);
	cli_json_field_str(j, "quantity", ews_quantity_name(r->quantity));
	cli_json_field_int(j, "order", r->order);
	cli_json_field_int(j, "t_ms", r->t_ms);
	cli_json_field_str(j, "time", cli_time_text(r->t_ms, 0, t));
	cli_json_field_double(j, "value", r->value);
	cli_json_field_str(j, "unit", ews_quantity_unit(r->quantity));
	cli_json_object_end(j);
}

const char *
cli_milli_text(int64_t milli, char *buf, size_t size)
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
cli_json_milli(struct cli_json *j, int64_t milli)
{
	char buf[32];

	cli_json_number_text(j, cli_milli_text(milli, buf, sizeof(buf)));
}

void
cli_json_field_milli(struct cli_json *j, const char *key, int64_t milli)
{
	cli_json_key(j, key);
	cli_json_milli(j, milli);
}

void
cli_json_money(struct cli_json *j, int64_t micro)
{
	char buf[EWS_MONEY_TEXT_MAX];

	ews_money_format(micro, buf);
	cli_json_number_text(j, buf);
}

void
cli_json_field_money(struct cli_json *j, const char *key, int64_t micro)
{
	cli_json_key(j, key);
	cli_json_money(j, micro);
}

void
cli_json_finish(struct cli_json *j)
{
	fputc('\n', j->f);
}
