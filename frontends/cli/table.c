/*
 * Aligned plain-text tables: columns separated by two spaces, widths in
 * characters (UTF-8 aware), no trailing blanks. Headers may be NULL for a
 * two-column "field  value" listing.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli_table {
	size_t ncols;
	size_t ncells, cap;
	char **cells; /* row-major; the header row first when present */
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fputs("ews: out of memory\n", stderr);
		exit(CLI_IO);
	}
	return q;
}

static void
push(struct cli_table *t, char *cell)
{
	if (t->ncells == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->cells = xrealloc(t->cells, t->cap * sizeof(*t->cells));
	}
	t->cells[t->ncells++] = cell;
}

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

struct cli_table *
cli_table_new(size_t ncols, const char *const *headers)
{
	struct cli_table *t = xrealloc(NULL, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	if (headers) {
		for (size_t i = 0; i < ncols; i++)
			push(t, xstrdup(headers[i]));
	}
	return t;
}

void
cli_table_cell(struct cli_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	push(t, s ? s : xstrdup("?"));
}

/* Characters of a UTF-8 string: bytes that do not continue a sequence. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void
cli_table_print(struct cli_table *t, FILE *f)
{
	size_t *w = xrealloc(NULL, t->ncols * sizeof(*w));

	memset(w, 0, t->ncols * sizeof(*w));
	for (size_t i = 0; i < t->ncells; i++) {
		size_t cw = width(t->cells[i]);

		if (cw > w[i % t->ncols])
			w[i % t->ncols] = cw;
	}
	for (size_t i = 0, pad = 0; i < t->ncells; i++) {
		size_t col = i % t->ncols;
		const char *cell = t->cells[i];

		if (*cell) { /* blanks only before text: none trailing */
			fprintf(f, "%*s%s", (int)pad, "", cell);
			pad = 0;
		}
		if (col + 1 == t->ncols || i + 1 == t->ncells) {
			fputc('\n', f);
			pad = 0;
		} else {
			pad += w[col] + 2 - width(cell);
		}
	}
	free(w);
}

void
cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

/* ------------------------------------------------------------------ */
/* Records: the fields of one object as (key, text) pairs              */

void
cli_rec_add(struct cli_rec *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (r->n == CLI_REC_MAX)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	r->key[r->n] = key;
	r->val[r->n++] = s ? s : xstrdup("?");
}

void
cli_rec_str(struct cli_rec *r, const char *key, const char *s)
{
	cli_rec_add(r, key, "%s", cli_or_dash(s));
}

void
cli_rec_ref(struct cli_rec *r, const char *key, int64_t id)
{
	if (id)
		cli_rec_add(r, key, "%lld", (long long)id);
	else
		cli_rec_add(r, key, "-");
}

void
cli_rec_uint(struct cli_rec *r, const char *key, unsigned int v)
{
	if (v)
		cli_rec_add(r, key, "%u", v);
	else
		cli_rec_add(r, key, "-");
}

void
cli_rec_clear(struct cli_rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->val[i]);
	r->n = 0;
}

/* "key  value" lines, aligned; clears the record. */
void
cli_rec_print(struct cli_rec *r, FILE *f)
{
	struct cli_table *t = cli_table_new(2, NULL);

	for (size_t i = 0; i < r->n; i++) {
		push(t, xstrdup(r->key[i]));
		push(t, r->val[i]);
	}
	r->n = 0;
	cli_table_print(t, f);
	cli_table_free(t);
}

/* Append a record as a row; the first one makes the table, with the
 * upper-cased keys as headers. Clears the record. */
void
cli_table_rec(struct cli_table **tp, struct cli_rec *r)
{
	if (!*tp) {
		*tp = cli_table_new(r->n, NULL);
		for (size_t i = 0; i < r->n; i++) {
			char *h = xstrdup(r->key[i]);

			for (char *p = h; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			push(*tp, h);
		}
	}
	for (size_t i = 0; i < r->n; i++)
		push(*tp, r->val[i]);
	r->n = 0;
}

/* Print and free a table made by cli_table_rec(); NULL prints nothing. */
void
cli_table_done(struct cli_table *t, FILE *f)
{
	if (t)
		cli_table_print(t, f);
	cli_table_free(t);
}

const char *
cli_or_dash(const char *s)
{
	return s && *s ? s : "-";
}

const char *
cli_on_off(int enabled)
{
	return enabled ? "on" : "off";
}

const char *
cli_yes_no(int v)
{
	return v ? "yes" : "no";
}
