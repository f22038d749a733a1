#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/store.h>
#include <ews/time.h>

#include "error-private.h"

/*
 * CSV import of samples (ews_site_samples_import() in include/ews/store.h).
 * The file is untrusted: lines are read into a fixed buffer, every field is
 * parsed strictly and in full, and nothing reaches the store before the
 * whole file has been read and checked. The rows then go to
 * ews_site_samples_add() in one call, which is all or none.
 */

static const char header[] = "device,timestamp,quantity,value";
static const char bom[] = "\xEF\xBB\xBF";

enum {
	LINE_MAX_ = EWS_IMPORT_LINE_MAX,
	ECHO_MAX = 64, /* bytes of a bad field quoted in a message */
	ORDER_MIN = 2, /* harmonic orders, as in the catalogue */
	ORDER_MAX = 63,
	FIRST_CAPACITY = 1024
};

/* Whole unix seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z,
 * the span of ews_time_parse(). */
static const int64_t seconds_min = INT64_C(-62167219200);
static const int64_t seconds_max = INT64_C(253402300799);

struct import {
	ews_site *site;
	FILE *f;
	locale_t c_locale;
	size_t line_no;
	char line[LINE_MAX_ + 2]; /* the line, a '\r' and the NUL */
	size_t len;
	ews_reading *rows;
	size_t n, cap;
	int64_t *devices; /* known to exist, sorted */
	size_t n_devices, cap_devices;
	char last_quantity[EWS_NAME_MAX + 8]; /* cache of the last column */
	ews_quantity quantity;
	unsigned order;
};

/* Record a refusal of the current line: "line N: <field>: <reason>". */
static ews_status __attribute__((format(printf, 3, 4)))
refuse(struct import *im, const char *field, const char *fmt, ...)
{
	char msg[256], prefix[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ews__fail_field(EWS_EINVAL, field, "%s", msg);
	snprintf(prefix, sizeof(prefix), "line %zu", im->line_no);
	return ews__error_prefix(prefix);
}

/* As refuse(), with the message of the call that just failed (minus the
 * field it named itself). */
static ews_status
refuse_with_last(struct import *im, const char *field)
{
	const ews_error *e = ews_error_last();
	const char *msg = e->message;
	size_t flen = strlen(e->field);

	if (flen && strncmp(msg, e->field, flen) == 0 &&
	    strncmp(msg + flen, ": ", 2) == 0)
		msg += flen + 2;
	return refuse(im, field, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/*
 * Read the next line into im->line without its "\n" or "\r\n".
 * Returns 1 for a line, 0 at the end of the file, or a status.
 */
static int
read_line(struct import *im)
{
	size_t n = 0;
	int c, any = 0;

	while ((c = getc_unlocked(im->f)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (n == LINE_MAX_ + 1) { /* room for a '\r' before '\n' */
			im->line_no++;
			return refuse(im, "line", "longer than %d bytes",
			              LINE_MAX_);
		}
		if (c == '\0') {
			im->line_no++;
			return refuse(im, "line", "contains a NUL byte");
		}
		im->line[n++] = (char)c;
	}
	if (ferror(im->f))
		return ews__fail_field(EWS_EIO, "path", "reading line %zu: %s",
		                       im->line_no + 1, strerror(errno));
	if (!any)
		return 0;
	im->line_no++;
	if (n > 0 && im->line[n - 1] == '\r')
		n--;
	if (n > LINE_MAX_)
		return refuse(im, "line", "longer than %d bytes", LINE_MAX_);
	im->line[n] = '\0';
	im->len = n;
	return 1;
}

static ews_status
check_header(struct import *im)
{
	const char *s = im->line;

	if (strncmp(s, bom, 3) == 0)
		s += 3;
	if (strcmp(s, header) == 0)
		return EWS_OK;
	return refuse(im, "header", "'%.*s' is not the header %s", ECHO_MAX, s,
	              header);
}

/* ------------------------------------------------------------------ */
/* Fields                                                              */

/* A whole number of at most 18 digits (no sign); -1 if not. */
static int
parse_digits(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 18)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

static int
compare_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Remember that device id exists (im->devices stays sorted). */
static ews_status
add_known(struct import *im, int64_t id)
{
	size_t i;

	if (im->n_devices == im->cap_devices) {
		size_t cap = im->cap_devices ? im->cap_devices * 2 : 16;
		int64_t *p = ews__realloc(im->devices, cap * sizeof(*p));

		if (!p)
			return EWS_ENOMEM;
		im->devices = p;
		im->cap_devices = cap;
	}
	for (i = im->n_devices; i > 0 && im->devices[i - 1] > id; i--)
		im->devices[i] = im->devices[i - 1];
	im->devices[i] = id;
	im->n_devices++;
	return EWS_OK;
}

static ews_status
parse_device(struct import *im, const char *s, int64_t *out)
{
	ews_device dev;
	ews_status st;

	if (parse_digits(s, out) != 0 || *out == 0)
		return refuse(im, "device",
		              "'%.*s' is not a device ID (a positive whole "
		              "number)",
		              ECHO_MAX, s);
	if (im->n_devices > 0 && /* bsearch() of NULL is undefined */
	    bsearch(out, im->devices, im->n_devices, sizeof(int64_t),
	            compare_id))
		return EWS_OK;
	memset(&dev, 0, sizeof(dev));
	st = ews_site_device_get(im->site, *out, &dev);
	if (st == EWS_ENOTFOUND)
		return refuse(im, "device", "device %lld does not exist",
		              (long long)*out);
	if (st != EWS_OK)
		return st;
	return add_known(im, *out);
}

static ews_status
parse_timestamp(struct import *im, const char *s, int64_t *out)
{
	int64_t secs;
	const char *digits = s + (s[0] == '-');

	if (digits[0] >= '0' && digits[0] <= '9' && !strchr(s, 'T')) {
		if (parse_digits(digits, &secs) != 0)
			return refuse(
			        im, "timestamp",
			        "'%.*s' is neither whole unix seconds nor "
			        "ISO 8601 with an offset "
			        "(2024-03-31T10:00:00+02:00)",
			        ECHO_MAX, s);
		if (s[0] == '-')
			secs = -secs;
		if (secs < seconds_min || secs > seconds_max)
			return refuse(im, "timestamp",
			              "%lld unix seconds is outside the years "
			              "0000-9999",
			              (long long)secs);
		*out = secs * 1000;
		return EWS_OK;
	}
	if (ews_time_parse(s, out) != EWS_OK)
		return refuse_with_last(im, "timestamp");
	return EWS_OK;
}

static int
is_harmonic(ews_quantity q)
{
	return q >= EWS_Q_HARMONIC_VOLTAGE_L1 && q <= EWS_Q_HARMONIC_CURRENT_L3;
}

/* "name" or "name:order"; the last one parsed is remembered. */
static ews_status
parse_quantity(struct import *im, const char *s, ews_quantity *q,
               unsigned *order)
{
	char name[EWS_NAME_MAX];
	const char *colon = strchr(s, ':');
	size_t nlen = colon ? (size_t)(colon - s) : strlen(s);
	int64_t ord = 0;

	if (strcmp(s, im->last_quantity) == 0 && im->quantity != EWS_Q_NONE) {
		*q = im->quantity;
		*order = im->order;
		return EWS_OK;
	}
	if (nlen == 0 || nlen >= sizeof(name))
		goto unknown;
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	if (ews_quantity_from_name(name, q) != EWS_OK)
		goto unknown;
	if (colon && (parse_digits(colon + 1, &ord) != 0 || ord < ORDER_MIN ||
	              ord > ORDER_MAX))
		return refuse(im, "quantity",
		              "'%.*s': the harmonic order is not a whole "
		              "number %d-%d",
		              ECHO_MAX, s, ORDER_MIN, ORDER_MAX);
	if (colon && !is_harmonic(*q))
		return refuse(im, "quantity",
		              "'%.*s': only harmonic quantities take an order",
		              ECHO_MAX, s);
	if (!colon && is_harmonic(*q))
		return refuse(im, "quantity",
		              "'%.*s' needs its harmonic order, e.g. %s:3",
		              ECHO_MAX, s, name);
	*order = (unsigned)ord;
	if (strlen(s) < sizeof(im->last_quantity)) {
		strcpy(im->last_quantity, s);
		im->quantity = *q;
		im->order = *order;
	}
	return EWS_OK;
unknown:
	return refuse(im, "quantity",
	              "'%.*s' is not a quantity name (e.g. "
	              "active_energy_import)",
	              ECHO_MAX, s);
}

/* Number of decimal digits at s. */
static size_t
span_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

/*
 * [-+]DIGITS[.DIGITS][(e|E)[-+]DIGITS], converted in the "C" locale:
 * strtod() alone would follow the process locale's decimal point and also
 * take spaces, hexadecimal, "inf" and "nan".
 */
static ews_status
parse_value(struct import *im, const char *s, double *out)
{
	const char *p = s + (s[0] == '-' || s[0] == '+');
	size_t n = span_digits(p);
	char *end;

	if (n == 0)
		goto bad;
	p += n;
	if (*p == '.') {
		n = span_digits(p + 1);
		if (n == 0)
			goto bad;
		p += 1 + n;
	}
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '-' || p[1] == '+');
		n = span_digits(p);
		if (n == 0)
			goto bad;
		p += n;
	}
	if (*p != '\0')
		goto bad;
	errno = 0;
	*out = strtod_l(s, &end, im->c_locale);
	if (*end != '\0' || !isfinite(*out) || errno == ERANGE)
		return refuse(im, "value", "'%.*s' is out of range", ECHO_MAX,
		              s);
	return EWS_OK;
bad:
	return refuse(im, "value",
	              "'%.*s' is not a decimal number like 1234.5 ('.' as "
	              "the decimal point)",
	              ECHO_MAX, s);
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */

static ews_status
push_row(struct import *im, const ews_reading *r)
{
	if (im->n == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : FIRST_CAPACITY;
		ews_reading *p;

		if (cap > SIZE_MAX / sizeof(*p))
			return ews__fail(EWS_ENOMEM, "too many samples (%zu)",
			                 im->n);
		p = ews__realloc(im->rows, cap * sizeof(*p));
		if (!p)
			return EWS_ENOMEM;
		im->rows = p;
		im->cap = cap;
	}
	im->rows[im->n++] = *r;
	return EWS_OK;
}

static const char *const columns[] = { "device", "timestamp", "quantity",
	                               "value" };

/* Split im->line into its four columns, in place. */
static ews_status
split(struct import *im, char *col[4])
{
	char *s = im->line;
	size_t i;

	for (i = 0; i < 4; i++) {
		char *comma = strchr(s, ',');

		col[i] = s;
		if (i == 3)
			break;
		if (!comma)
			return refuse(im, columns[i + 1],
			              "missing (a line is %s)", header);
		*comma = '\0';
		s = comma + 1;
	}
	if (strchr(col[3], ','))
		return refuse(im, "value",
		              "'%.*s': more than 4 columns (a line is %s)",
		              ECHO_MAX, col[3], header);
	return EWS_OK;
}

static ews_status
parse_row(struct import *im)
{
	ews_reading r;
	char *col[4];
	ews_status st;

	memset(&r, 0, sizeof(r));
	if ((st = split(im, col)) != EWS_OK ||
	    (st = parse_device(im, col[0], &r.device_id)) != EWS_OK ||
	    (st = parse_timestamp(im, col[1], &r.t_ms)) != EWS_OK ||
	    (st = parse_quantity(im, col[2], &r.quantity, &r.order)) !=
	            EWS_OK ||
	    (st = parse_value(im, col[3], &r.value)) != EWS_OK)
		return st;
	return push_row(im, &r);
}

/* Read and check the whole file into im->rows. */
static ews_status
read_file(struct import *im)
{
	size_t blank = 0; /* first blank line since the last good one */
	int rc;

	rc = read_line(im);
	if (rc < 0)
		return (ews_status)rc;
	if (rc == 0) {
		im->line_no = 1;
		return refuse(im, "header",
		              "the file is empty; the first line "
		              "must be %s",
		              header);
	}
	if ((rc = check_header(im)) != EWS_OK)
		return (ews_status)rc;
	while ((rc = read_line(im)) == 1) {
		if (im->len == 0) {
			if (!blank)
				blank = im->line_no;
			continue;
		}
		if (blank) {
			im->line_no = blank;
			return refuse(im, "line",
			              "blank line before the end of "
			              "the file");
		}
		if ((rc = parse_row(im)) != EWS_OK)
			return (ews_status)rc;
	}
	return rc < 0 ? (ews_status)rc : EWS_OK;
}

ews_status
ews_site_samples_import(ews_site *site, const char *path,
                        ews_import_result *out)
{
	struct import *im;
	ews_status st;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!site || !path || !out)
		return ews__fail(EWS_EINVAL, "site, path and out are required");
	im = ews__calloc(1, sizeof(*im));
	if (!im)
		return EWS_ENOMEM;
	im->site = site;
	im->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!im->c_locale) {
		st = ews__fail(EWS_ENOMEM, "no C locale: %s", strerror(errno));
		goto done;
	}
	im->f = fopen(path, "rb");
	if (!im->f) {
		st = ews__fail_field(EWS_EIO, "path", "%s: %s", path,
		                     strerror(errno));
		goto done;
	}
	st = read_file(im);
	out->lines = im->line_no;
	if (st == EWS_EINVAL) {
		out->error_line = im->line_no;
		goto done;
	}
	if (st == EWS_OK)
		st = ews_site_samples_add(site, im->rows, im->n);
	if (st == EWS_OK)
		out->samples = im->n;
done:
	if (im->f)
		fclose(im->f);
	if (im->c_locale)
		freelocale(im->c_locale);
	free(im->rows);
	free(im->devices);
	free(im);
	return st;
}
