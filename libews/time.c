#include <stdio.h>
#include <string.h>

#include <ews/time.h>

#include "error-private.h"
#include "tz.h"

/*
 * ISO 8601 / RFC 3339 text of instants (include/ews/time.h). Pure and
 * locale-independent: digits are read one by one, never through the C
 * library's locale-aware conversions.
 */

enum {
	TEXT_ECHO_MAX = 64,   /* bytes of a bad text quoted in the message */
	OFFSET_MAX_S = 86340, /* ±23:59 */
	FRACTION_DIGITS_MAX = 9,
	YEAR_MAX = 9999
};

static const char example[] = "2024-03-31T10:00:00+02:00";

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Exactly n decimal digits at s (none of them past a NUL). */
static int
digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static ews_status
bad_form(const char *text)
{
	return ews__fail_field(EWS_EINVAL, "time",
	                       "'%.*s' is not an ISO 8601 time with an offset "
	                       "(YYYY-MM-DDTHH:MM[:SS[.fff]] then Z, +HH:MM or "
	                       "+HHMM, e.g. %s)",
	                       TEXT_ECHO_MAX, text, example);
}

static ews_status
bad_range(const char *text, const char *what, unsigned v, unsigned lo,
          unsigned hi)
{
	return ews__fail_field(EWS_EINVAL, "time",
	                       "'%.*s': %s %02u is outside %02u-%02u",
	                       TEXT_ECHO_MAX, text, what, v, lo, hi);
}

/* "Z", "±HH:MM" or "±HHMM" at s, ending the text; offset east in s. */
static ews_status
parse_offset(const char *text, const char *s, int32_t *out)
{
	unsigned h, m;
	int sign;

	if (s[0] == 'Z' && s[1] == '\0') {
		*out = 0;
		return EWS_OK;
	}
	if (s[0] != '+' && s[0] != '-')
		return bad_form(text);
	sign = s[0] == '-' ? -1 : 1;
	if (digits(s + 1, 2, &h))
		return bad_form(text);
	s += 3;
	if (*s == ':')
		s++;
	if (digits(s, 2, &m) || s[2] != '\0')
		return bad_form(text);
	if (h > 23)
		return bad_range(text, "offset hour", h, 0, 23);
	if (m > 59)
		return bad_range(text, "offset minute", m, 0, 59);
	*out = sign * (int32_t)(h * 3600 + m * 60);
	return EWS_OK;
}

ews_status
ews_time_parse(const char *text, int64_t *out)
{
	unsigned y, mo, d, h, mi, sec = 0, ms = 0, dim;
	const char *s;
	int32_t offset_s = 0;
	int64_t t;
	ews_status st;

	if (!text)
		return ews__fail_field(EWS_EINVAL, "time", "no text (NULL)");
	if (!out)
		return ews__fail_field(EWS_EINVAL, "out", "NULL");
	/* Each test stops at the first mismatch, so never reads past NUL. */
	if (digits(text, 4, &y) || text[4] != '-' || digits(text + 5, 2, &mo) ||
	    text[7] != '-' || digits(text + 8, 2, &d) || text[10] != 'T' ||
	    digits(text + 11, 2, &h) || text[13] != ':' ||
	    digits(text + 14, 2, &mi))
		return bad_form(text);
	s = text + 16;
	if (*s == ':') {
		if (digits(s + 1, 2, &sec))
			return bad_form(text);
		s += 3;
		if (*s == '.') {
			size_t n = 0;
			unsigned scale = 100;

			for (s++; is_digit(*s); s++, n++) {
				if (n >= FRACTION_DIGITS_MAX)
					return bad_form(text);
				ms += (unsigned)(*s - '0') * scale;
				scale /= 10;
			}
			if (n == 0)
				return bad_form(text);
		}
	}
	if ((st = parse_offset(text, s, &offset_s)) != EWS_OK)
		return st;
	if (mo < 1 || mo > 12)
		return bad_range(text, "month", mo, 1, 12);
	dim = ews__days_in_month((int32_t)y, mo);
	if (d < 1 || d > dim)
		return bad_range(text, "day", d, 1, dim);
	if (h > 23)
		return bad_range(text, "hour", h, 0, 23);
	if (mi > 59)
		return bad_range(text, "minute", mi, 0, 59);
	if (sec > 59)
		return bad_range(text, "second", sec, 0, 59);
	t = ews__days_from_civil((int32_t)y, mo, d) * 86400 +
	    (int64_t)(h * 3600 + mi * 60 + sec) - offset_s;
	*out = t * 1000 + ms;
	return EWS_OK;
}

/* Floor division and its remainder (0 <= *rem < b), for b > 0. */
static int64_t
floor_div(int64_t a, int64_t b, int64_t *rem)
{
	int64_t q = a / b, r = a % b;

	if (r < 0) {
		q--;
		r += b;
	}
	*rem = r;
	return q;
}

ews_status
ews_time_format(int64_t t_ms, int32_t utc_offset_s, char *buf, size_t size)
{
	/* Beyond these the local year is outside 0000-9999 in any case;
	 * they keep t_ms + offset from overflowing. */
	static const int64_t lim_ms = INT64_C(400000000000000);
	char text[EWS_TIME_TEXT_MAX], off[8];
	int64_t ms, secs, sod, days, first, last;
	int32_t y, a;
	unsigned m, d;
	int n;

	if (!buf && size > 0)
		return ews__fail_field(EWS_EINVAL, "buf", "NULL");
	if (size > 0)
		buf[0] = '\0';
	if (utc_offset_s % 60 != 0 || utc_offset_s < -OFFSET_MAX_S ||
	    utc_offset_s > OFFSET_MAX_S)
		return ews__fail_field(EWS_EINVAL, "utc_offset_s",
		                       "%ld s is not a whole number of minutes "
		                       "within -23:59 to +23:59",
		                       (long)utc_offset_s);
	first = ews__days_from_civil(0, 1, 1);
	last = ews__days_from_civil(YEAR_MAX, 12, 31);
	if (t_ms < -lim_ms || t_ms > lim_ms)
		goto bad_year;
	secs = floor_div(t_ms + (int64_t)utc_offset_s * 1000, 1000, &ms);
	days = floor_div(secs, 86400, &sod);
	if (days < first || days > last)
		goto bad_year;
	ews__civil_from_days(days, &y, &m, &d);
	if (utc_offset_s == 0) {
		strcpy(off, "Z");
	} else {
		a = utc_offset_s < 0 ? -utc_offset_s : utc_offset_s;
		snprintf(off, sizeof(off), "%c%02ld:%02ld",
		         utc_offset_s < 0 ? '-' : '+', (long)(a / 3600),
		         (long)(a / 60 % 60));
	}
	if (ms)
		n = snprintf(text, sizeof(text),
		             "%04ld-%02u-%02uT%02ld:%02ld:%02ld.%03ld%s",
		             (long)y, m, d, (long)(sod / 3600),
		             (long)(sod / 60 % 60), (long)(sod % 60), (long)ms,
		             off);
	else
		n = snprintf(text, sizeof(text),
		             "%04ld-%02u-%02uT%02ld:%02ld:%02ld%s", (long)y, m,
		             d, (long)(sod / 3600), (long)(sod / 60 % 60),
		             (long)(sod % 60), off);
	if (n < 0 || (size_t)n >= size)
		return ews__fail_field(
		        EWS_EINVAL, "size",
		        "%zu bytes are too few: the text needs %d "
		        "and its NUL",
		        size, n < 0 ? 0 : n);
	memcpy(buf, text, (size_t)n + 1);
	return EWS_OK;
bad_year:
	return ews__fail_field(EWS_EINVAL, "t_ms",
	                       "%lld ms at offset %ld s is outside the years "
	                       "0000-9999",
	                       (long long)t_ms, (long)utc_offset_s);
}
