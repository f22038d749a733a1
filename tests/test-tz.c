#include <stdint.h>
#include <stdlib.h>

#include "tz-fixtures.h"

/*
 * Expected values come from `zdump -v` (glibc) and Python's zoneinfo on
 * Debian 12 with tzdata 2026f; where the two disagree the comment says why.
 */

#define H 3600

/* Seconds since the epoch of a civil date and time (UTC or local). */
static int64_t
at(int32_t y, unsigned mo, unsigned d, int h, int mi, int s)
{
	return ews__days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

static ews__tz *
system_zone(const char *name)
{
	unsetenv("TZDIR");
	return zone(name);
}

/* Length of the local day starting at y-m-d 00:00 in seconds. */
static int64_t
day_length(const ews__tz *tz, int32_t y, unsigned m, unsigned d)
{
	int64_t day = ews__days_from_civil(y, m, d);

	return ews__tz_to_utc(tz, (day + 1) * 86400) -
	       ews__tz_to_utc(tz, day * 86400);
}

/* Every instant of [from, to) maps back to itself, or to the earlier
 * occurrence of the same wall time. */
static void
assert_round_trips(const ews__tz *tz, int64_t from, int64_t to, int64_t step)
{
	int64_t t;

	for (t = from; t < to; t += step) {
		int64_t local = t + ews__tz_offset(tz, t);
		int64_t u = ews__tz_to_utc(tz, local);

		/* (no ck_assert in hot loops: check records each one) */
		if (u + ews__tz_offset(tz, u) != local || u > t)
			ck_abort_msg("%lld (local %lld) maps back to %lld",
			             (long long)t, (long long)local,
			             (long long)u);
	}
}

/* ---- civil calendar ---------------------------------------------------- */

START_TEST(civil_known_days)
{
	int32_t y;
	unsigned m, d;

	ck_assert_int_eq(ews__days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(ews__days_from_civil(1969, 12, 31), -1);
	ck_assert_int_eq(ews__days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(ews__days_from_civil(2024, 3, 31), 19813);
	ck_assert_int_eq(ews__days_from_civil(1900, 1, 1), -25567);
	ck_assert_int_eq(ews__days_from_civil(0, 3, 1), -719468);
	ck_assert_int_eq(at(2024, 3, 31, 1, 0, 0), 1711846800);
	ck_assert_int_eq(ews__days_from_civil(2000, 3, 1) -
	                         ews__days_from_civil(2000, 2, 28),
	                 2);
	ck_assert_int_eq(ews__days_from_civil(2100, 3, 1) -
	                         ews__days_from_civil(2100, 2, 28),
	                 1);
	ews__civil_from_days(11016, &y, &m, &d);
	ck_assert(y == 2000 && m == 2 && d == 29);
	ews__civil_from_days(-25568, &y, &m, &d);
	ck_assert(y == 1899 && m == 12 && d == 31);
}
END_TEST

START_TEST(civil_days_in_month)
{
	ck_assert_uint_eq(ews__days_in_month(2000, 2), 29);
	ck_assert_uint_eq(ews__days_in_month(2100, 2), 28);
	ck_assert_uint_eq(ews__days_in_month(1900, 2), 28);
	ck_assert_uint_eq(ews__days_in_month(2024, 2), 29);
	ck_assert_uint_eq(ews__days_in_month(2023, 2), 28);
	ck_assert_uint_eq(ews__days_in_month(-4, 2), 29);
	ck_assert_uint_eq(ews__days_in_month(2023, 1), 31);
	ck_assert_uint_eq(ews__days_in_month(2023, 4), 30);
	ck_assert_uint_eq(ews__days_in_month(2023, 12), 31);
	ck_assert_uint_eq(ews__days_in_month(2023, 0), 0);
	ck_assert_uint_eq(ews__days_in_month(2023, 13), 0);
}
END_TEST

/* Every day from 10000 BC to AD 10000 follows the previous one and maps
 * back to its date. */
START_TEST(civil_round_trips)
{
	int64_t prev = ews__days_from_civil(-10000, 1, 1) - 1;
	int32_t y;

	for (y = -10000; y <= 10000; y++) {
		unsigned m, d;

		for (m = 1; m <= 12; m++)
			for (d = 1; d <= ews__days_in_month(y, m); d++) {
				int64_t days = ews__days_from_civil(y, m, d);
				int32_t y2;
				unsigned m2, d2;

				ews__civil_from_days(days, &y2, &m2, &d2);
				if (days != prev + 1 || y2 != y || m2 != m ||
				    d2 != d)
					ck_abort_msg("%d-%u-%u: day %lld",
					             (int)y, m, d,
					             (long long)days);
				prev = days;
			}
	}
}
END_TEST

START_TEST(civil_saturates)
{
	int32_t y;
	unsigned m, d;

	ews__civil_from_days(INT64_MAX, &y, &m, &d);
	ck_assert(y == INT32_MAX && m == 12 && d == 31);
	ews__civil_from_days(INT64_MIN, &y, &m, &d);
	ck_assert(y == INT32_MIN && m == 1 && d == 1);
	ews__civil_from_days(ews__days_from_civil(INT32_MAX, 6, 15), &y, &m,
	                     &d);
	ck_assert(y == INT32_MAX && m == 6 && d == 15);
}
END_TEST

/* ---- system zones ------------------------------------------------------ */

START_TEST(rome_dst_2024)
{
	ews__tz *tz = system_zone("Europe/Rome");
	int64_t start = at(2024, 3, 31, 1, 0, 0),
	        end = at(2024, 10, 27, 1, 0, 0);

	ck_assert_int_eq(ews__tz_offset(tz, at(2024, 1, 15, 12, 0, 0)), H);
	ck_assert_int_eq(ews__tz_offset(tz, start - 1), H);
	ck_assert_int_eq(ews__tz_offset(tz, start), 2 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end - 1), 2 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end), H);
	ck_assert_int_eq(day_length(tz, 2024, 3, 31), 23 * H);
	ck_assert_int_eq(day_length(tz, 2024, 10, 27), 25 * H);
	ck_assert_int_eq(day_length(tz, 2024, 6, 10), 24 * H);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 0, 0, 0)),
	                 at(2024, 3, 30, 23, 0, 0));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 7, 1, 0, 0, 0)),
	                 at(2024, 6, 30, 22, 0, 0));
	assert_round_trips(tz, at(2024, 1, 1, 0, 0, 0), at(2025, 1, 1, 0, 0, 0),
	                   599);
	ews__tz_close(tz);
}
END_TEST

/* 02:00-02:59:59 of 2024-03-31 does not exist: the jump, 01:00Z. */
START_TEST(rome_gap_maps_to_the_jump)
{
	ews__tz *tz = system_zone("Europe/Rome");
	int64_t jump = at(2024, 3, 31, 1, 0, 0);

	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 1, 59, 59)),
	                 jump - 1);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 2, 0, 0)), jump);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 2, 30, 0)), jump);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 2, 59, 59)), jump);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 3, 0, 0)), jump);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 3, 0, 1)),
	                 jump + 1);
	ews__tz_close(tz);
}
END_TEST

/* 02:00-02:59:59 of 2024-10-27 happens twice: the first time, in CEST. */
START_TEST(rome_overlap_maps_to_the_first)
{
	ews__tz *tz = system_zone("Europe/Rome");

	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 27, 1, 59, 59)),
	                 at(2024, 10, 26, 23, 59, 59));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 27, 2, 0, 0)),
	                 at(2024, 10, 27, 0, 0, 0));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 27, 2, 30, 0)),
	                 at(2024, 10, 27, 0, 30, 0));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 27, 2, 59, 59)),
	                 at(2024, 10, 27, 0, 59, 59));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 27, 3, 0, 0)),
	                 at(2024, 10, 27, 2, 0, 0));
	ews__tz_close(tz);
}
END_TEST

/* 2060 is past the table of a fat file: the footer rule decides. */
START_TEST(rome_2060_follows_the_footer)
{
	ews__tz *tz = system_zone("Europe/Rome");
	int64_t start = at(2060, 3, 28, 1, 0, 0),
	        end = at(2060, 10, 31, 1, 0, 0);

	ck_assert_int_eq(ews__tz_offset(tz, start - 1), H);
	ck_assert_int_eq(ews__tz_offset(tz, start), 2 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end - 1), 2 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end), H);
	ck_assert_int_eq(day_length(tz, 2060, 3, 28), 23 * H);
	ck_assert_int_eq(day_length(tz, 2060, 10, 31), 25 * H);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2060, 3, 28, 2, 30, 0)), start);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2060, 10, 31, 2, 30, 0)),
	                 at(2060, 10, 31, 0, 30, 0));
	assert_round_trips(tz, at(2036, 1, 1, 0, 0, 0), at(2062, 1, 1, 0, 0, 0),
	                   3607);
	/* Far away in both directions: no overflow, same rule. */
	ck_assert_int_eq(ews__tz_offset(tz, at(100000, 7, 1, 0, 0, 0)), 2 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(100000, 1, 1, 0, 0, 0)), H);
	ews__tz_close(tz);
}
END_TEST

START_TEST(new_york_dst_2024)
{
	ews__tz *tz = system_zone("America/New_York");
	int64_t start = at(2024, 3, 10, 7, 0, 0),
	        end = at(2024, 11, 3, 6, 0, 0);

	ck_assert_int_eq(ews__tz_offset(tz, start - 1), -5 * H);
	ck_assert_int_eq(ews__tz_offset(tz, start), -4 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end - 1), -4 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end), -5 * H);
	ck_assert_int_eq(day_length(tz, 2024, 3, 10), 23 * H);
	ck_assert_int_eq(day_length(tz, 2024, 11, 3), 25 * H);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 10, 2, 30, 0)), start);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 11, 3, 1, 30, 0)),
	                 at(2024, 11, 3, 5, 30, 0));
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 11, 3, 2, 0, 0)),
	                 at(2024, 11, 3, 7, 0, 0));
	/* 2060: footer EST5EDT,M3.2.0,M11.1.0 */
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 3, 14, 6, 59, 59)),
	                 -5 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 3, 14, 7, 0, 0)), -4 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 11, 7, 5, 59, 59)),
	                 -4 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 11, 7, 6, 0, 0)), -5 * H);
	/* Before the first transition (1883-11-18 17:00Z): LMT -4:56:02. */
	ck_assert_int_eq(ews__tz_offset(tz, at(1883, 11, 18, 16, 59, 59)),
	                 -17762);
	ck_assert_int_eq(ews__tz_offset(tz, at(1883, 11, 18, 17, 0, 0)),
	                 -5 * H);
	assert_round_trips(tz, at(2024, 1, 1, 0, 0, 0), at(2025, 1, 1, 0, 0, 0),
	                   599);
	ews__tz_close(tz);
}
END_TEST

START_TEST(kathmandu_and_kolkata)
{
	ews__tz *ktm = system_zone("Asia/Kathmandu");
	ews__tz *kol = system_zone("Asia/Kolkata");
	int64_t change = at(1985, 12, 31, 18, 30, 0);

	ck_assert_int_eq(ews__tz_offset(ktm, at(2024, 6, 1, 0, 0, 0)),
	                 5 * H + 45 * 60);
	ck_assert_int_eq(ews__tz_offset(ktm, at(1980, 6, 1, 0, 0, 0)),
	                 5 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(ktm, change - 1), 5 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(ktm, change), 5 * H + 45 * 60);
	/* 1900 is before the first transition (1919-12-31 18:18:44Z): LMT
	 * +5:41:16, time type 0. */
	ck_assert_int_eq(ews__tz_offset(ktm, at(1900, 6, 1, 0, 0, 0)), 20476);
	ck_assert_int_eq(ews__tz_offset(ktm, at(1919, 12, 31, 18, 18, 43)),
	                 20476);
	ck_assert_int_eq(ews__tz_offset(ktm, at(1919, 12, 31, 18, 18, 44)),
	                 19800);
	/* 1986-01-01 00:00-00:14:59 local never happened. */
	ck_assert_int_eq(ews__tz_to_utc(ktm, at(1986, 1, 1, 0, 0, 0)), change);
	ck_assert_int_eq(ews__tz_to_utc(ktm, at(1986, 1, 1, 0, 14, 59)),
	                 change);
	ck_assert_int_eq(ews__tz_to_utc(ktm, at(1986, 1, 1, 0, 15, 0)), change);
	ck_assert_int_eq(ews__tz_to_utc(ktm, at(2024, 6, 1, 0, 0, 0)),
	                 at(2024, 5, 31, 18, 15, 0));
	ck_assert_int_eq(ews__tz_offset(ktm, at(2060, 6, 1, 0, 0, 0)),
	                 5 * H + 45 * 60);

	ck_assert_int_eq(ews__tz_offset(kol, at(2024, 6, 1, 0, 0, 0)),
	                 5 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(kol, at(2060, 1, 1, 0, 0, 0)),
	                 5 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_to_utc(kol, at(2024, 6, 1, 0, 0, 0)),
	                 at(2024, 5, 31, 18, 30, 0));
	ck_assert_int_eq(day_length(kol, 2024, 6, 1), 24 * H);
	ews__tz_close(ktm);
	ews__tz_close(kol);
}
END_TEST

/* Lord Howe moves its clocks by 30 minutes. */
START_TEST(lord_howe_half_hour_dst)
{
	ews__tz *tz = system_zone("Australia/Lord_Howe");
	int64_t end = at(2024, 4, 6, 15, 0, 0),
	        start = at(2024, 10, 5, 15, 30, 0);

	ck_assert_int_eq(ews__tz_offset(tz, at(2024, 1, 15, 0, 0, 0)), 11 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(2024, 7, 1, 0, 0, 0)),
	                 10 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(tz, end - 1), 11 * H);
	ck_assert_int_eq(ews__tz_offset(tz, end), 10 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(tz, start - 1), 10 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(tz, start), 11 * H);
	ck_assert_int_eq(day_length(tz, 2024, 4, 7), 24 * H + 30 * 60);
	ck_assert_int_eq(day_length(tz, 2024, 10, 6), 23 * H + 30 * 60);
	/* Gap 02:00-02:29:59 on 2024-10-06, overlap 01:30-01:59:59 on
	 * 2024-04-07. */
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 6, 2, 15, 0)), start);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 4, 7, 1, 45, 0)),
	                 at(2024, 4, 6, 14, 45, 0));
	/* 2060, from the footer <+1030>-10:30<+11>-11,M10.1.0,M4.1.0 */
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 4, 3, 14, 59, 59)),
	                 11 * H);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 4, 3, 15, 0, 0)),
	                 10 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 10, 2, 15, 29, 59)),
	                 10 * H + 30 * 60);
	ck_assert_int_eq(ews__tz_offset(tz, at(2060, 10, 2, 15, 30, 0)),
	                 11 * H);
	assert_round_trips(tz, at(2024, 1, 1, 0, 0, 0), at(2025, 1, 1, 0, 0, 0),
	                   599);
	assert_round_trips(tz, at(2059, 1, 1, 0, 0, 0), at(2061, 1, 1, 0, 0, 0),
	                   1799);
	ews__tz_close(tz);
}
END_TEST

START_TEST(utc_is_built_in)
{
	char *dir = helper_tmpdir();
	ews__tz *tz;

	setenv("TZDIR", dir, 1); /* an empty zoneinfo */
	tz = zone("UTC");
	ck_assert_int_eq(ews__tz_offset(tz, 0), 0);
	ck_assert_int_eq(ews__tz_offset(tz, at(2024, 3, 31, 1, 0, 0)), 0);
	ck_assert_int_eq(ews__tz_offset(tz, INT64_MIN), 0);
	ck_assert_int_eq(ews__tz_offset(tz, INT64_MAX), 0);
	ck_assert_int_eq(ews__tz_to_utc(tz, 1711846800), 1711846800);
	ck_assert_int_eq(ews__tz_to_utc(tz, INT64_MIN), INT64_MIN);
	ck_assert_int_eq(ews__tz_to_utc(tz, INT64_MAX), INT64_MAX);
	ck_assert_int_eq(day_length(tz, 2024, 3, 31), 24 * H);
	ews__tz_close(tz);
	assert_refused("Europe/Rome"); /* not in this TZDIR */
	unsetenv("TZDIR");
	helper_rmtree(dir);
	free(dir);
	ews__tz_close(NULL);
}
END_TEST

START_TEST(extreme_instants_do_not_overflow)
{
	static const char *names[] = { "Europe/Rome", "America/New_York",
		                       "Australia/Lord_Howe",
		                       "Asia/Kathmandu" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ews__tz *tz = system_zone(names[i]);
		int32_t a = ews__tz_offset(tz, INT64_MAX);
		int32_t b = ews__tz_offset(tz, INT64_MIN);

		ck_assert(a > -26 * H && a < 26 * H);
		ck_assert(b > -26 * H && b < 26 * H);
		(void)ews__tz_to_utc(tz, INT64_MAX);
		(void)ews__tz_to_utc(tz, INT64_MAX - 1);
		(void)ews__tz_to_utc(tz, INT64_MIN);
		(void)ews__tz_to_utc(tz, INT64_MIN + 1);
		ews__tz_close(tz);
	}
}
END_TEST

/* ---- footer rules, in files written to a scratch TZDIR ----------------- */

/* A version 3 zone whose footer rules from 1970 on (one transition at 0 to
 * the standard offset). */
static ews__tz *
footer_zone(const char *footer, int32_t std_off)
{
	static const int64_t times[] = { 0 };
	static const unsigned char idx[] = { 0 };
	struct tzif t;

	make_zone(&t, '3', 1, times, idx, 1, &std_off, footer);
	write_zone("Footer", t.b, t.n);
	return zone("Footer");
}

/* Instants around footer transitions, by zdump -v unless noted. */
START_TEST(footer_rules)
{
	static const struct {
		const char *footer;
		int32_t std_off;
		int64_t t;
		int32_t off;
	} cases[] = {
		/* America/Nuuk: negative rule times */
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, 1711846799, -7200 },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, 1711846800, -3600 },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, 1729990799, -3600 },
		{ "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200, 1729990800, -7200 },
		/* DST all year (RFC 8536 section 3.3.1); Python's zoneinfo
		 * agrees, glibc shows EST in the last UTC hours of a year. */
		{ "EST5EDT,0/0,J365/25", -18000, 1672549199, -14400 },
		{ "EST5EDT,0/0,J365/25", -18000, 1672549200, -14400 },
		{ "EST5EDT,0/0,J365/25", -18000, 1720000000, -14400 },
		{ "EST5EDT,0/0,J365/25", -18000, 1767225599, -14400 },
		{ "EST5EDT,0/0,J365/25", -18000, 1767225600, -14400 },
		/* zero-based n counts Feb 29: day 300 is Oct 28 in 2023, Oct
		 * 27 in 2024 (Python 3.11's zoneinfo is a day early). */
		{ "AAA3BBB,J60/2,300/2", -10800, 1677646799, -10800 },
		{ "AAA3BBB,J60/2,300/2", -10800, 1677646800, -7200 },
		{ "AAA3BBB,J60/2,300/2", -10800, 1698465599, -7200 },
		{ "AAA3BBB,J60/2,300/2", -10800, 1698465600, -10800 },
		{ "AAA3BBB,J60/2,300/2", -10800, 1730001599, -7200 },
		{ "AAA3BBB,J60/2,300/2", -10800, 1730001600, -10800 },
		/* Julian Jn never counts Feb 29: J60 is Mar 1, J300 Oct 27 */
		{ "AAA3BBB,J60/2,J300/2", -10800, 1698379199, -7200 },
		{ "AAA3BBB,J60/2,J300/2", -10800, 1698379200, -10800 },
		{ "AAA3BBB,J60/2,J300/2", -10800, 1709269199, -10800 },
		{ "AAA3BBB,J60/2,J300/2", -10800, 1709269200, -7200 },
		{ "AAA3BBB,J60/2,J300/2", -10800, 1730001599, -7200 },
		{ "AAA3BBB,J60/2,J300/2", -10800, 1730001600, -10800 },
		/* Asia/Kathmandu */
		{ "<+0545>-5:45", 20700, 1720000000, 20700 },
		{ "<-03>3", -10800, 1720000000, -10800 },
		/* version 3 rule times of -167 h and 167 h */
		{ "XXX-2YYY,M3.5.0/-167,M10.5.0/167", 7200, 1711234799, 7200 },
		{ "XXX-2YYY,M3.5.0/-167,M10.5.0/167", 7200, 1711234800, 10800 },
		{ "XXX-2YYY,M3.5.0/-167,M10.5.0/167", 7200, 1730577599, 10800 },
		{ "XXX-2YYY,M3.5.0/-167,M10.5.0/167", 7200, 1730577600, 7200 },
		/* seconds in offsets and times */
		{ "ABC-1:00:30DEF-2:00:45,M3.5.0/1:30:15,M10.5.0", 3630,
		  1711844984, 3630 },
		{ "ABC-1:00:30DEF-2:00:45,M3.5.0/1:30:15,M10.5.0", 3630,
		  1711844985, 7245 },
		{ "ABC-1:00:30DEF-2:00:45,M3.5.0/1:30:15,M10.5.0", 3630,
		  1729987154, 7245 },
		{ "ABC-1:00:30DEF-2:00:45,M3.5.0/1:30:15,M10.5.0", 3630,
		  1729987155, 3630 },
		/* southern hemisphere, +13/+14 */
		{ "NNN-13MMM,M9.5.0/3,M4.1.0/4", 46800, 1712411999, 50400 },
		{ "NNN-13MMM,M9.5.0/3,M4.1.0/4", 46800, 1712412000, 46800 },
		{ "NNN-13MMM,M9.5.0/3,M4.1.0/4", 46800, 1727531999, 46800 },
		{ "NNN-13MMM,M9.5.0/3,M4.1.0/4", 46800, 1727532000, 50400 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ews__tz *tz = footer_zone(cases[i].footer, cases[i].std_off);
		int32_t off = ews__tz_offset(tz, cases[i].t);

		ck_assert_msg(off == cases[i].off, "%s at %lld: %d, not %d",
		              cases[i].footer, (long long)cases[i].t, (int)off,
		              (int)cases[i].off);
		/* The rule repeats every 400 Gregorian years. */
		ck_assert_int_eq(
		        ews__tz_offset(tz, cases[i].t + (int64_t)146097 *
		                                                86400 * 25),
		        off);
		ews__tz_close(tz);
	}
}
END_TEST

START_TEST(footer_to_utc)
{
	/* America/Nuuk 2024: DST from Mar 30 23:00 local (-02) to Oct 27
	 * 00:00 local (-01). */
	ews__tz *tz = footer_zone("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -7200);

	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 30, 23, 30, 0)),
	                 1711846800);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 3, 31, 0, 0, 0)),
	                 1711846800);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2024, 10, 26, 23, 30, 0)),
	                 1729990800 - 1800);
	ck_assert_int_eq(day_length(tz, 2024, 3, 30), 23 * H);
	ck_assert_int_eq(day_length(tz, 2024, 10, 26), 25 * H);
	assert_round_trips(tz, at(2024, 1, 1, 0, 0, 0), at(2025, 1, 1, 0, 0, 0),
	                   599);
	ews__tz_close(tz);

	/* DST all year: no gap, no overlap at New Year. */
	tz = footer_zone("EST5EDT,0/0,J365/25", -18000);
	ck_assert_int_eq(day_length(tz, 2024, 12, 31), 24 * H);
	ck_assert_int_eq(day_length(tz, 2025, 1, 1), 24 * H);
	ck_assert_int_eq(ews__tz_to_utc(tz, at(2025, 1, 1, 0, 0, 0)),
	                 at(2025, 1, 1, 4, 0, 0));
	ews__tz_close(tz);
}
END_TEST

/*
 * A "slim" zone holds no transitions past its last rule change; its footer
 * must give the same answers as the explicit table of Debian's fat file.
 */
START_TEST(slim_zone_matches_fat_file)
{
	static const struct {
		const char *name, *footer;
	} zones[] = {
		{ "Europe/Rome", "CET-1CEST,M3.5.0,M10.5.0/3" },
		{ "America/New_York", "EST5EDT,M3.2.0,M11.1.0" },
		{ "Australia/Lord_Howe",
		  "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0" },
	};
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		int64_t from = at(2009, 1, 1, 0, 0, 0);
		int64_t to = at(2037, 12, 31, 0, 0, 0), t;
		ews__tz *fat, *slim;
		int32_t off;
		unsigned char idx = 0;
		struct tzif z;

		unsetenv("TZDIR");
		fat = zone(zones[i].name);
		off = ews__tz_offset(fat, from);
		make_zone(&z, '2', 1, &from, &idx, 1, &off, zones[i].footer);
		setenv("TZDIR", scratch, 1);
		write_zone("Slim", z.b, z.n);
		slim = zone("Slim");
		for (t = from; t < to; t += 1800)
			if (ews__tz_offset(slim, t) != ews__tz_offset(fat, t) ||
			    ews__tz_offset(slim, t - 1) !=
			            ews__tz_offset(fat, t - 1))
				ck_abort_msg("%s differs at %lld",
				             zones[i].name, (long long)t);
		for (t = from + 86400; t < to; t += 86400 * 7 + 3599)
			if (ews__tz_to_utc(slim, t) != ews__tz_to_utc(fat, t))
				ck_abort_msg("%s: local %lld differs",
				             zones[i].name, (long long)t);
		ews__tz_close(fat);
		ews__tz_close(slim);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tz");
	TCase *civil = tcase_create("civil");
	TCase *zones = tcase_create("zones");
	TCase *footers = tcase_create("footers");

	tcase_add_test(civil, civil_known_days);
	tcase_add_test(civil, civil_days_in_month);
	tcase_add_test(civil, civil_round_trips);
	tcase_add_test(civil, civil_saturates);
	tcase_add_test(zones, rome_dst_2024);
	tcase_add_test(zones, rome_gap_maps_to_the_jump);
	tcase_add_test(zones, rome_overlap_maps_to_the_first);
	tcase_add_test(zones, rome_2060_follows_the_footer);
	tcase_add_test(zones, new_york_dst_2024);
	tcase_add_test(zones, kathmandu_and_kolkata);
	tcase_add_test(zones, lord_howe_half_hour_dst);
	tcase_add_test(zones, utc_is_built_in);
	tcase_add_test(zones, extreme_instants_do_not_overflow);
	tcase_add_checked_fixture(footers, scratch_setup, scratch_teardown);
	tcase_add_test(footers, footer_rules);
	tcase_add_test(footers, footer_to_utc);
	tcase_add_test(footers, slim_zone_matches_fat_file);
	suite_add_tcase(s, civil);
	suite_add_tcase(s, zones);
	suite_add_tcase(s, footers);
	return helper_run(s);
}
