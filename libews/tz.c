#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-private.h"
#include "tz.h"

/*
 * A TZif file (RFC 8536, versions 1-4 as in RFC 9636) is a table of
 * transitions followed, from version 2 on, by a POSIX TZ string (the
 * "footer") that gives local time after the last transition. Debian ships
 * "fat" files today, but "slim" ones stop their table at the last rule
 * change, so the footer matters for every current date.
 *
 * The file is untrusted: every count is checked against the bytes actually
 * read before anything is indexed. Only the offsets are kept; the
 * designations and the isdst/isstd/isut flags are checked and dropped.
 */

#define FIELD "timezone"

enum {
	TZ_FILE_MAX = 256 * 1024, /* largest zone file read (~25 kB today) */
	TZ_HEADER = 44,
	TZ_OFF_MAX = 93599,      /* |UT offset| (RFC 9636: -89999..93599) */
	TZ_RULE_HOURS_MAX = 167, /* rule time hours (RFC 8536 version 3) */
	TZ_DAY_S = 86400
};

/* The Gregorian calendar, weekdays included, repeats every 400 years. */
#define TZ_CYCLE_S ((int64_t)146097 * TZ_DAY_S)

/* A day of the year in a POSIX TZ rule, and the local time on it. */
struct tz_date {
	char kind;      /* 'J' Julian 1-365, 'n' zero-based 0-365, 'M' */
	int month;      /* 'M': 1-12 */
	int week;       /* 'M': 1-5, 5 = last */
	int day;        /* 'J'/'n': the day; 'M': weekday, 0 = Sunday */
	int32_t time_s; /* seconds after local midnight */
};

struct tz_rule {
	int32_t std_off; /* east of UTC */
	int32_t dst_off;
	int has_dst;
	struct tz_date start; /* local standard time */
	struct tz_date end;   /* local daylight time */
};

struct ews__tz {
	size_t count;      /* transitions */
	int64_t *at;       /* transition instants, strictly ascending */
	int32_t *off;      /* offset in force from at[i] on */
	int32_t first_off; /* before at[0] (time type 0) */
	int has_rule;      /* footer rule from at[count - 1] on (always if 0) */
	struct tz_rule rule;
};

/* Counts of one header. */
struct tz_head {
	char version; /* 0, '2', '3', '4' */
	uint32_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

/* ---- calendar ---------------------------------------------------------- */

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	return r < 0 ? r + b : r;
}

static int64_t
sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

int64_t
ews__days_from_civil(int32_t y, unsigned m, unsigned d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400); /* 0-399 */
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0-146096 */

	return era * 146097 + (int64_t)doe - 719468;
}

void
ews__civil_from_days(int64_t days, int32_t *y, unsigned *m, unsigned *d)
{
	int64_t lo = ews__days_from_civil(INT32_MIN, 1, 1);
	int64_t hi = ews__days_from_civil(INT32_MAX, 12, 31);
	int64_t z, era, yy;
	unsigned doe, yoe, doy, mp;

	if (days < lo)
		days = lo;
	if (days > hi)
		days = hi;
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int32_t)(yy + (*m <= 2));
}

unsigned
ews__days_in_month(int32_t y, unsigned m)
{
	static const unsigned char len[12] = { 31, 28, 31, 30, 31, 30,
		                               31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12)
		return 0;
	return len[m - 1] + (m == 2 && is_leap(y));
}

/* ---- POSIX TZ strings (RFC 8536 section 3.3) ---------------------------- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* A designation: three or more letters, or <…> of letters, digits, + and -. */
static int
parse_name(const char **s)
{
	const char *p = *s;
	size_t n = 0;

	if (*p == '<') {
		for (p++;
		     is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-';
		     p++)
			n++;
		if (*p != '>')
			return -1;
		p++;
	} else {
		for (; is_alpha(*p); p++)
			n++;
	}
	if (n < 3)
		return -1;
	*s = p;
	return 0;
}

/* Up to `max_digits` decimal digits, at least one, at most `max`. */
static int
parse_num(const char **s, int max_digits, int max, int *out)
{
	const char *p = *s;
	int v = 0, n = 0;

	while (is_digit(*p) && n < max_digits) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || is_digit(*p) || v > max)
		return -1;
	*s = p;
	*out = v;
	return 0;
}

/* [+|-]hh[:mm[:ss]] with hours up to max_h, in seconds. */
static int
parse_hms(const char **s, int max_h, int32_t *out)
{
	const char *p = *s;
	int sign = 1, h, m = 0, sec = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (parse_num(&p, 3, max_h, &h) < 0)
		return -1;
	if (*p == ':') {
		p++;
		if (parse_num(&p, 2, 59, &m) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (parse_num(&p, 2, 59, &sec) < 0)
				return -1;
		}
	}
	*s = p;
	*out = sign * (h * 3600 + m * 60 + sec);
	return 0;
}

/* Jn, n or Mm.w.d, then an optional /time (version 3: -167 to 167 h). */
static int
parse_date(const char **s, struct tz_date *out)
{
	const char *p = *s;

	memset(out, 0, sizeof(*out));
	if (*p == 'J') {
		p++;
		out->kind = 'J';
		if (parse_num(&p, 3, 365, &out->day) < 0 || out->day < 1)
			return -1;
	} else if (*p == 'M') {
		p++;
		out->kind = 'M';
		if (parse_num(&p, 2, 12, &out->month) < 0 || out->month < 1 ||
		    *p++ != '.' || parse_num(&p, 1, 5, &out->week) < 0 ||
		    out->week < 1 || *p++ != '.' ||
		    parse_num(&p, 1, 6, &out->day) < 0)
			return -1;
	} else {
		out->kind = 'n';
		if (parse_num(&p, 3, 365, &out->day) < 0)
			return -1;
	}
	out->time_s = 2 * 3600;
	if (*p == '/') {
		p++;
		if (parse_hms(&p, TZ_RULE_HOURS_MAX, &out->time_s) < 0)
			return -1;
	}
	*s = p;
	return 0;
}

/* std offset [dst [offset] ,start[/time],end[/time]] */
static int
parse_rule(const char *s, struct tz_rule *out)
{
	int32_t west;

	memset(out, 0, sizeof(*out));
	if (parse_name(&s) < 0 || parse_hms(&s, 24, &west) < 0)
		return -1;
	out->std_off = -west;
	if (*s == '\0')
		return 0;
	if (parse_name(&s) < 0)
		return -1;
	out->has_dst = 1;
	out->dst_off = out->std_off + 3600;
	if (*s != ',') {
		if (parse_hms(&s, 24, &west) < 0)
			return -1;
		out->dst_off = -west;
	}
	/* A DST name without rules has implementation-defined rules in
	 * POSIX; zic never writes one, so it is refused. */
	if (*s++ != ',' || parse_date(&s, &out->start) < 0 || *s++ != ',' ||
	    parse_date(&s, &out->end) < 0 || *s != '\0')
		return -1;
	return 0;
}

/* Local seconds (as if UTC) of the rule's date and time in year y. */
static int64_t
rule_local(const struct tz_date *d, int32_t y)
{
	int64_t day;

	if (d->kind == 'J') {
		day = ews__days_from_civil(y, 1, 1) + d->day - 1;
		if (d->day >= 60 && is_leap(y))
			day++;
	} else if (d->kind == 'n') {
		day = ews__days_from_civil(y, 1, 1) + d->day;
	} else {
		int64_t first = ews__days_from_civil(y, (unsigned)d->month, 1);
		int64_t last =
		        first + ews__days_in_month(y, (unsigned)d->month) - 1;
		int wday = (int)floor_mod(first + 4, 7); /* 1970-01-01: Thu */

		day = first + (d->day - wday + 7) % 7 + 7 * (d->week - 1);
		while (day > last)
			day -= 7;
	}
	return day * TZ_DAY_S + d->time_s;
}

/*
 * Offset of the rule at t and the next instant after t at which it may
 * change. The rule repeats every 400 years, so t is reduced into
 * [0, TZ_CYCLE_S) and the transitions of the two years either side of its
 * local year are enough, however far rule times reach (-167 h..167 h).
 */
static int32_t
rule_offset(const struct tz_rule *rule, int64_t t, int64_t *next)
{
	int64_t r, best = INT64_MIN, after = INT64_MAX;
	int32_t y, yy;
	unsigned m, d;
	int dst = 0;

	if (!rule->has_dst) {
		*next = INT64_MAX;
		return rule->std_off;
	}
	r = floor_mod(t, TZ_CYCLE_S);
	ews__civil_from_days(floor_div(r + rule->std_off, TZ_DAY_S), &y, &m,
	                     &d);
	for (yy = y - 2; yy <= y + 2; yy++) {
		int64_t ev[2];
		int i;

		ev[0] = rule_local(&rule->end, yy) - rule->dst_off;
		ev[1] = rule_local(&rule->start, yy) - rule->std_off;
		for (i = 0; i < 2; i++) {
			/* On a tie the start wins: DST all year is written
			 * as an end that meets the next start. */
			if (ev[i] <= r &&
			    (ev[i] > best || (ev[i] == best && i))) {
				best = ev[i];
				dst = i;
			} else if (ev[i] > r && ev[i] < after) {
				after = ev[i];
			}
		}
	}
	*next = after == INT64_MAX ? INT64_MAX : sat_add(t, after - r);
	return dst ? rule->dst_off : rule->std_off;
}

/* ---- lookups ----------------------------------------------------------- */

/* Offset in force at t, and the next instant after t where it may change. */
static int32_t
lookup(const ews__tz *tz, int64_t t, int64_t *next)
{
	size_t lo = 0, hi = tz->count;

	if (tz->has_rule && (tz->count == 0 || t >= tz->at[tz->count - 1]))
		return rule_offset(&tz->rule, t, next);
	while (lo < hi) { /* lo = number of transitions at or before t */
		size_t mid = lo + (hi - lo) / 2;

		if (tz->at[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	*next = lo < tz->count ? tz->at[lo] : INT64_MAX;
	return lo == 0 ? tz->first_off : tz->off[lo - 1];
}

int32_t
ews__tz_offset(const ews__tz *tz, int64_t utc_s)
{
	int64_t next;

	return lookup(tz, utc_s, &next);
}

/*
 * Walk the stretches of constant offset from the earliest instant that can
 * show local_s (local_s - TZ_OFF_MAX) on. The first stretch that contains
 * local_s - offset is the earliest occurrence; a stretch that starts after
 * local_s on the wall clock means local_s fell into the jump before it.
 */
int64_t
ews__tz_to_utc(const ews__tz *tz, int64_t local_s)
{
	int64_t u = sat_add(local_s, -TZ_OFF_MAX);
	int64_t last = sat_add(local_s, TZ_OFF_MAX);

	for (;;) {
		int64_t next, cand;
		int32_t off = lookup(tz, u, &next);

		cand = sat_add(local_s, -off);
		if (cand < u)
			return u;
		if (cand < next)
			return cand;
		if (next == INT64_MAX || next > last)
			break;
		u = next;
	}
	return sat_add(local_s, -ews__tz_offset(tz, local_s));
}

/* ---- loading ----------------------------------------------------------- */

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t
get64(const unsigned char *p)
{
	return (int64_t)((uint64_t)get32(p) << 32 | get32(p + 4));
}

static const char *
parse_head(const unsigned char *p, size_t len, struct tz_head *h)
{
	if (len < TZ_HEADER)
		return "truncated header";
	if (memcmp(p, "TZif", 4) != 0)
		return "bad magic";
	h->version = (char)p[4];
	if (h->version != 0 && h->version != '2' && h->version != '3' &&
	    h->version != '4')
		return "unsupported version";
	h->isutcnt = get32(p + 20);
	h->isstdcnt = get32(p + 24);
	h->leapcnt = get32(p + 28);
	h->timecnt = get32(p + 32);
	h->typecnt = get32(p + 36);
	h->charcnt = get32(p + 40);
	return NULL;
}

/* Bytes of the data block that follows a header; 64-bit, cannot wrap. */
static uint64_t
block_size(const struct tz_head *h, unsigned tsize)
{
	return (uint64_t)h->timecnt * (tsize + 1) + (uint64_t)h->typecnt * 6 +
	       h->charcnt + (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt +
	       h->isutcnt;
}

/* Check the counts of the block to be used and that it fits in `avail`. */
static const char *
check_head(const struct tz_head *h, unsigned tsize, size_t avail)
{
	if (h->typecnt == 0)
		return "no local time types";
	if (h->charcnt == 0)
		return "no time zone designations";
	if (h->isutcnt != 0 && h->isutcnt != h->typecnt)
		return "UT indicator count differs from the type count";
	if (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)
		return "standard indicator count differs from the type count";
	if (h->leapcnt != 0)
		return "leap-second zones are not supported";
	if (block_size(h, tsize) > avail)
		return "counts exceed the file size";
	return NULL;
}

/* Fill tz from the data block at p (checked by check_head()). */
static const char *
parse_block(const struct tz_head *h, unsigned tsize, const unsigned char *p,
            ews__tz *tz)
{
	const unsigned char *times = p;
	const unsigned char *idx = times + (size_t)h->timecnt * tsize;
	const unsigned char *types = idx + h->timecnt;
	const unsigned char *chars = types + (size_t)h->typecnt * 6;
	const unsigned char *isstd = chars + h->charcnt; /* no leap records */
	const unsigned char *isut = isstd + h->isstdcnt;
	uint32_t i;

	for (i = 0; i < h->typecnt; i++) {
		const unsigned char *t = types + (size_t)i * 6;
		int32_t off = (int32_t)get32(t);

		if (off < -TZ_OFF_MAX || off > TZ_OFF_MAX)
			return "UT offset out of range";
		if (t[4] > 1)
			return "bad DST indicator";
		if (t[5] >= h->charcnt)
			return "designation index out of range";
	}
	if (chars[h->charcnt - 1] != '\0')
		return "unterminated designation";
	for (i = 0; i < h->isstdcnt; i++)
		if (isstd[i] > 1 || (h->isutcnt && isut[i] > isstd[i]))
			return "bad standard/UT indicator";
	for (i = 0; i < h->isutcnt; i++)
		if (isut[i] > 1)
			return "bad standard/UT indicator";
	for (i = 0; i < h->timecnt; i++) {
		int64_t at = tsize == 8 ? get64(times + (size_t)i * 8)
		                        : (int32_t)get32(times + (size_t)i * 4);

		if (i > 0 && at <= tz->at[i - 1])
			return "transition times not in ascending order";
		if (idx[i] >= h->typecnt)
			return "time type index out of range";
		tz->at[i] = at;
		tz->off[i] = (int32_t)get32(types + (size_t)idx[i] * 6);
	}
	tz->count = h->timecnt;
	tz->first_off = (int32_t)get32(types);
	return NULL;
}

static ews__tz *
tz_new(size_t count)
{
	ews__tz *tz = ews__calloc(1, sizeof(*tz));

	if (!tz)
		return NULL;
	if (count > 0) {
		tz->at = ews__malloc(count * sizeof(*tz->at));
		tz->off = ews__malloc(count * sizeof(*tz->off));
		if (!tz->at || !tz->off) {
			ews__tz_close(tz);
			return NULL;
		}
	}
	return tz;
}

/* Parse a whole file. EWS_EINVAL with *why set, or EWS_ENOMEM (recorded). */
static ews_status
parse_file(const unsigned char *buf, size_t len, ews__tz **out,
           const char **why)
{
	struct tz_head h;
	unsigned tsize = 4;
	size_t pos = 0;
	const unsigned char *foot, *nl;
	ews__tz *tz;

	if ((*why = parse_head(buf, len, &h)) != NULL)
		return EWS_EINVAL;
	pos = TZ_HEADER;
	if (h.version != 0) {
		/* Skip the version 1 block; the 64-bit one follows. */
		uint64_t skip = block_size(&h, 4);

		if (skip > len - pos) {
			*why = "counts exceed the file size";
			return EWS_EINVAL;
		}
		pos += (size_t)skip;
		if ((*why = parse_head(buf + pos, len - pos, &h)) != NULL)
			return EWS_EINVAL;
		if (h.version == 0) {
			*why = "second header is version 1";
			return EWS_EINVAL;
		}
		pos += TZ_HEADER;
		tsize = 8;
	}
	if ((*why = check_head(&h, tsize, len - pos)) != NULL)
		return EWS_EINVAL;
	if (!(tz = tz_new(h.timecnt)))
		return EWS_ENOMEM;
	if ((*why = parse_block(&h, tsize, buf + pos, tz)) != NULL)
		goto bad;
	pos += (size_t)block_size(&h, tsize);
	if (h.version == 0) {
		*out = tz;
		return EWS_OK;
	}
	/* Footer: "\n" TZ-string "\n"; an empty string means no rule. */
	foot = buf + pos;
	if (pos >= len || *foot != '\n' ||
	    !(nl = memchr(foot + 1, '\n', len - pos - 1))) {
		*why = "missing footer";
		goto bad;
	}
	if (nl > foot + 1) {
		char tzstr[256];
		size_t n = (size_t)(nl - foot - 1);

		if (n >= sizeof(tzstr) || memchr(foot + 1, '\0', n)) {
			*why = "bad footer";
			goto bad;
		}
		memcpy(tzstr, foot + 1, n);
		tzstr[n] = '\0';
		if (parse_rule(tzstr, &tz->rule) < 0) {
			*why = "bad TZ string in the footer";
			goto bad;
		}
		tz->has_rule = 1;
	}
	*out = tz;
	return EWS_OK;
bad:
	ews__tz_close(tz);
	return EWS_EINVAL;
}

static int
is_zone_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '+' ||
	       c == '/';
}

static ews_status
bad_name(const char *name)
{
	return ews__fail_field(EWS_EINVAL, FIELD,
	                       "'%.*s' is not an IANA time zone (e.g. "
	                       "Europe/Rome)",
	                       EWS_NAME_MAX, name);
}

/* Read at most TZ_FILE_MAX bytes of the zone file into a new buffer. */
static ews_status
read_zone(const char *name, unsigned char **out, size_t *len)
{
	const char *dir = getenv("TZDIR");
	unsigned char *buf = NULL;
	char *path;
	FILE *f;
	size_t n;
	int err;

	*out = NULL;
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	if (!(path = ews__malloc(strlen(dir) + strlen(name) + 2)))
		return EWS_ENOMEM;
	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "rb");
	err = errno;
	free(path);
	if (!f) {
		if (err == ENOMEM)
			return ews__fail(EWS_ENOMEM, "out of memory");
		if (err == EACCES || err == EIO || err == EMFILE ||
		    err == ENFILE)
			return ews__fail_field(
			        EWS_EIO, FIELD, "'%.*s': cannot open: %s",
			        EWS_NAME_MAX, name, strerror(err));
		return bad_name(name);
	}
	if (!(buf = ews__malloc(TZ_FILE_MAX + 1))) {
		fclose(f);
		return EWS_ENOMEM;
	}
	n = fread(buf, 1, TZ_FILE_MAX + 1, f);
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err) {
		free(buf);
		if (err == EISDIR)
			return bad_name(name);
		return ews__fail_field(EWS_EIO, FIELD,
		                       "'%.*s': cannot read: %s", EWS_NAME_MAX,
		                       name, strerror(err));
	}
	if (n > TZ_FILE_MAX) {
		free(buf);
		return ews__fail_field(EWS_EINVAL, FIELD,
		                       "'%.*s' is not a valid TZif file: "
		                       "larger than %d bytes",
		                       EWS_NAME_MAX, name, TZ_FILE_MAX);
	}
	*out = buf;
	*len = n;
	return EWS_OK;
}

ews_status
ews__tz_open(const char *name, ews__tz **out)
{
	unsigned char *buf;
	const char *why = NULL;
	size_t i, len;
	ews_status st;

	*out = NULL;
	if (!name)
		return ews__fail_field(EWS_EINVAL, FIELD, "is required");
	len = strlen(name);
	if (len == 0 || len >= EWS_NAME_MAX || name[0] == '/' ||
	    strstr(name, ".."))
		return bad_name(name);
	for (i = 0; i < len; i++)
		if (!is_zone_char(name[i]))
			return bad_name(name);
	if (strcmp(name, "UTC") == 0)
		return (*out = tz_new(0)) ? EWS_OK : EWS_ENOMEM;
	if ((st = read_zone(name, &buf, &len)) != EWS_OK)
		return st;
	st = parse_file(buf, len, out, &why);
	free(buf);
	if (st == EWS_EINVAL)
		return ews__fail_field(EWS_EINVAL, FIELD,
		                       "'%.*s' is not a valid TZif file: %s",
		                       EWS_NAME_MAX, name, why);
	return st;
}

void
ews__tz_close(ews__tz *tz)
{
	if (!tz)
		return;
	free(tz->at);
	free(tz->off);
	free(tz);
}
