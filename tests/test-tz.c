#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/common.h>

#include "helpers.h"
#include "tz.h"

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
zone(const char *name)
{
	ews__tz *tz = NULL;

	ck_assert_msg(ews__tz_open(name, &tz) == EWS_OK, "%s: %s", name,
	              ews_error_last()->message);
	ck_assert_ptr_nonnull(tz);
	return tz;
}

static ews__tz *
system_zone(const char *name)
{
	unsetenv("TZDIR");
	return zone(name);
}

/* (Called in loops: plain checks, as check records every ck_assert.) */
static void
assert_refused(const char *name)
{
	ews__tz *tz = (ews__tz *)&tz; /* must be reset to NULL */
	ews_status st = ews__tz_open(name, &tz);

	if (st != EWS_EINVAL || tz != NULL ||
	    strcmp(ews_error_last()->field, "timezone") != 0)
		ck_abort_msg("%s: status %d, field '%s', message '%s'", name,
		             (int)st, ews_error_last()->field,
		             ews_error_last()->message);
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

START_TEST(bad_names_are_refused)
{
	static const char *names[] = {
		"",
		"../../../etc/passwd",
		"Europe/../Europe/Rome",
		"/usr/share/zoneinfo/Europe/Rome",
		"Europe/Rome ",
		"Europe\\Rome",
		"Europe/Rome;rm",
		"Europe/Rome.bak",
		"No_Such/Zone",
		"Europe",
		"Europe/",
		"Europe/Roma",
		"A1234567890123456789012345678901234567890123456789012345678901"
		"23",
	};
	ews__tz *tz = (ews__tz *)&tz;
	size_t i;

	unsetenv("TZDIR");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_refused(names[i]);
	ck_assert_int_eq(ews__tz_open(NULL, &tz), EWS_EINVAL);
	ck_assert_ptr_null(tz);
}
END_TEST

/* ---- files written to a scratch TZDIR ----------------------------------- */

static char *scratch;

static void
scratch_setup(void)
{
	scratch = helper_tmpdir();
	setenv("TZDIR", scratch, 1);
}

static void
scratch_teardown(void)
{
	unsetenv("TZDIR");
	helper_rmtree(scratch);
	free(scratch);
	scratch = NULL;
}

static void
write_zone(const char *name, const void *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* The bytes of a system zone file. */
static unsigned char *
read_system(const char *name, size_t *len)
{
	char path[512];
	unsigned char *buf = malloc(1 << 20);
	FILE *f;

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(buf);
	ck_assert_msg(f != NULL, "%s is not installed", path);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ck_assert_uint_gt(*len, 44);
	return buf;
}

/* A TZif file assembled in memory. */
struct tzif {
	unsigned char b[16384];
	size_t n;
};

static void
put(struct tzif *t, const void *p, size_t n)
{
	ck_assert_uint_le(t->n + n, sizeof(t->b));
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void
put32(struct tzif *t, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(t, b, 4);
}

static void
put64(struct tzif *t, uint64_t v)
{
	put32(t, (uint32_t)(v >> 32));
	put32(t, (uint32_t)v);
}

static void
put_head(struct tzif *t, char version, uint32_t timecnt, uint32_t typecnt)
{
	static const unsigned char zero[15];

	put(t, "TZif", 4);
	put(t, &version, 1);
	put(t, zero, sizeof(zero));
	put32(t, typecnt); /* isutcnt */
	put32(t, typecnt); /* isstdcnt */
	put32(t, 0);       /* leapcnt */
	put32(t, timecnt);
	put32(t, typecnt);
	put32(t, 2); /* charcnt: "X" */
}

/*
 * A zone of `version` (0 for version 1) with transitions at[i] to the time
 * types idx[i], types of UT offsets offs[] all named "X", and the footer
 * (ignored for version 1). Both blocks of a version 2+ file hold the data.
 */
static void
make_zone(struct tzif *t, char version, size_t n, const int64_t *times,
          const unsigned char *idx, size_t ntypes, const int32_t *offs,
          const char *footer)
{
	int pass;
	size_t i;

	t->n = 0;
	for (pass = 0; pass < (version ? 2 : 1); pass++) {
		put_head(t, version, (uint32_t)n, (uint32_t)ntypes);
		for (i = 0; i < n; i++)
			if (pass)
				put64(t, (uint64_t)times[i]);
			else
				put32(t, (uint32_t)(int32_t)times[i]);
		put(t, idx, n);
		for (i = 0; i < ntypes; i++) {
			put32(t, (uint32_t)offs[i]);
			put(t, "\0\0", 2); /* isdst, desigidx */
		}
		put(t, "X", 2);
		for (i = 0; i < 2 * ntypes; i++)
			put(t, "", 1); /* isstd, isut */
	}
	if (version) {
		put(t, "\n", 1);
		put(t, footer, strlen(footer));
		put(t, "\n", 1);
	}
}

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

START_TEST(all_versions_parse)
{
	static const char versions[] = { 0, '2', '3', '4' };
	static const int64_t times[] = { 0, 1000000000 };
	static const unsigned char idx[] = { 1, 2 };
	static const int32_t offs[] = { 1800, 3600, 7200 };
	size_t i;

	for (i = 0; i < sizeof(versions); i++) {
		struct tzif t;
		ews__tz *tz;

		make_zone(&t, versions[i], 2, times, idx, 3, offs, "");
		write_zone("Test", t.b, t.n);
		tz = zone("Test");
		ck_assert_int_eq(ews__tz_offset(tz, INT64_MIN), 1800);
		ck_assert_int_eq(ews__tz_offset(tz, -1), 1800);
		ck_assert_int_eq(ews__tz_offset(tz, 0), 3600);
		ck_assert_int_eq(ews__tz_offset(tz, 999999999), 3600);
		ck_assert_int_eq(ews__tz_offset(tz, 1000000000), 7200);
		/* No footer rule: the last type holds on. */
		ck_assert_int_eq(ews__tz_offset(tz, INT64_MAX), 7200);
		ck_assert_int_eq(ews__tz_to_utc(tz, 1800 - 1), -1);
		ck_assert_int_eq(ews__tz_to_utc(tz, 1800), 0); /* gap */
		ck_assert_int_eq(ews__tz_to_utc(tz, 3600), 0);
		ews__tz_close(tz);
	}
}
END_TEST

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

/* A copy of the system file in the scratch TZDIR behaves the same. */
START_TEST(copied_file_parses)
{
	size_t len;
	unsigned char *buf = read_system("Europe/Rome", &len);
	ews__tz *copy, *orig;

	write_zone("Rome", buf, len);
	copy = zone("Rome");
	unsetenv("TZDIR");
	orig = zone("Europe/Rome");
	ck_assert_int_eq(ews__tz_offset(copy, 1711846800),
	                 ews__tz_offset(orig, 1711846800));
	ews__tz_close(copy);
	ews__tz_close(orig);
	free(buf);
}
END_TEST

/* Every proper prefix of a real file is refused. */
START_TEST(truncated_files_are_refused)
{
	size_t len, n;
	unsigned char *buf = read_system("Europe/Rome", &len);

	for (n = 0; n < len; n++) {
		write_zone("Cut", buf, n);
		assert_refused("Cut");
	}
	free(buf);
}
END_TEST

START_TEST(bad_headers_are_refused)
{
	size_t len, i;
	unsigned char *buf = read_system("Europe/Rome", &len);
	unsigned char *copy = malloc(len);
	size_t second; /* offset of the version 2 header */
	uint32_t v1[6];

	ck_assert_ptr_nonnull(copy);
	for (i = 0; i < 6; i++)
		v1[i] = (uint32_t)buf[20 + 4 * i] << 24 |
		        (uint32_t)buf[21 + 4 * i] << 16 |
		        (uint32_t)buf[22 + 4 * i] << 8 | buf[23 + 4 * i];
	second = 44 + v1[3] * 5 + v1[4] * 6 + v1[5] + v1[2] * 8 + v1[1] + v1[0];
	ck_assert_int_eq(memcmp(buf + second, "TZif", 4), 0);

	/* wrong magic, in either header */
	memcpy(copy, buf, len);
	memcpy(copy, "TZig", 4);
	write_zone("Bad", copy, len);
	assert_refused("Bad");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "magic"));
	memcpy(copy, buf, len);
	copy[second + 3] = 'F';
	write_zone("Bad", copy, len);
	assert_refused("Bad");

	/* unknown version; a version 1 second header */
	memcpy(copy, buf, len);
	copy[4] = '5';
	write_zone("Bad", copy, len);
	assert_refused("Bad");
	memcpy(copy, buf, len);
	copy[second + 4] = 0;
	write_zone("Bad", copy, len);
	assert_refused("Bad");

	/* Huge, and merely too large, counts in each field of each header. */
	for (i = 0; i < 12; i++) {
		static const uint32_t huge[] = { 0xffffffff, 0x80000000,
			                         0x7fffffff, 0x10000, 4000 };
		size_t pos = (i < 6 ? 20 : second + 20) + 4 * (i % 6);
		size_t k;

		for (k = 0; k < sizeof(huge) / sizeof(huge[0]); k++) {
			memcpy(copy, buf, len);
			copy[pos] = (unsigned char)(huge[k] >> 24);
			copy[pos + 1] = (unsigned char)(huge[k] >> 16);
			copy[pos + 2] = (unsigned char)(huge[k] >> 8);
			copy[pos + 3] = (unsigned char)huge[k];
			write_zone("Bad", copy, len);
			assert_refused("Bad");
		}
	}
	free(copy);
	free(buf);
}
END_TEST

/* Data that fits but says nonsense. */
START_TEST(bad_data_is_refused)
{
	static const int64_t times[] = { 0, 1000 };
	static const int64_t same[] = { 1000, 1000 };
	static const int64_t down[] = { 1000, 0 };
	static const unsigned char idx[] = { 0, 1 };
	static const unsigned char bad_idx[] = { 0, 2 };
	static const int32_t offs[] = { 3600, 7200 };
	static const int32_t huge_off[] = { 3600, INT32_MIN };
	static const int32_t big_off[] = { 3600, 93600 };
	struct tzif t;
	size_t types;

	make_zone(&t, '2', 2, same, idx, 2, offs, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, down, idx, 2, offs, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, bad_idx, 2, offs, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, 0, 2, times, bad_idx, 2, offs, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, huge_off, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, big_off, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");

	/* Patch the version 2 block of a good zone: its types follow the
	 * header (44), the v1 block, the header, times and indices. */
	make_zone(&t, '2', 2, times, idx, 2, offs, "");
	types = 44 + (2 * 5 + 2 * 6 + 2 + 4) + 44 + 2 * 9;
	t.b[types + 4] = 2; /* isdst */
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, offs, "");
	t.b[types + 5] = 2; /* designation index = charcnt */
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, offs, "");
	t.b[types + 13] = 'Y'; /* designation without its NUL */
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, offs, "");
	t.b[types + 14] = 7; /* isstd */
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");

	/* No types; a leap second record. */
	make_zone(&t, '2', 0, times, idx, 0, offs, "");
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '2', 2, times, idx, 2, offs, "");
	t.b[44 + 28 + 31] = 1; /* leapcnt (low byte) of the second header */
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "leap"));
}
END_TEST

START_TEST(bad_footers_are_refused)
{
	static const char *footers[] = {
		"CET",
		"CE-1",
		"CET-1CEST",
		"CET-1CEST,M3.5.0",
		"CET-1CEST,M3.5.0,",
		"CET-1CEST,M13.5.0,M10.5.0/3",
		"CET-1CEST,M0.5.0,M10.5.0/3",
		"CET-1CEST,M3.6.0,M10.5.0/3",
		"CET-1CEST,M3.0.0,M10.5.0/3",
		"CET-1CEST,M3.5.7,M10.5.0/3",
		"CET-1CEST,M3.5,M10.5.0/3",
		"CET-1CEST,M3.5.0,M10.5.0/168",
		"CET-1CEST,M3.5.0,M10.5.0/-168",
		"CET-1CEST,M3.5.0,M10.5.0/3:60",
		"CET-1CEST,M3.5.0,M10.5.0/3 ",
		"CET-1CEST,J0,J365",
		"CET-1CEST,J366,J1",
		"CET-1CEST,366,1",
		"CET-25",
		"CET-1:60",
		"CET-1:00:60",
		"CET+",
		"CET-1 ",
		"<CET-1",
		"<C>-1",
		"<C_T>-1",
		"CET-1CEST-25,M3.5.0,M10.5.0",
		"-1",
		"CET1234",
	};
	static const int64_t times[] = { 0 };
	static const unsigned char idx[] = { 0 };
	static const int32_t offs[] = { 3600 };
	struct tzif t;
	char longest[300];
	size_t i;

	for (i = 0; i < sizeof(footers) / sizeof(footers[0]); i++) {
		make_zone(&t, '3', 1, times, idx, 1, offs, footers[i]);
		write_zone("Bad", t.b, t.n);
		assert_refused("Bad");
		ck_assert_msg(strstr(ews_error_last()->message, "footer"),
		              "%s: %s", footers[i], ews_error_last()->message);
	}
	/* too long */
	memset(longest, 'A', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	make_zone(&t, '3', 1, times, idx, 1, offs, longest);
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	/* a NUL inside, no closing newline, no footer at all */
	make_zone(&t, '3', 1, times, idx, 1, offs, "CET-1");
	t.b[t.n - 3] = '\0';
	write_zone("Bad", t.b, t.n);
	assert_refused("Bad");
	make_zone(&t, '3', 1, times, idx, 1, offs, "CET-1");
	write_zone("Bad", t.b, t.n - 1);
	assert_refused("Bad");
	make_zone(&t, '3', 1, times, idx, 1, offs, "");
	write_zone("Bad", t.b, t.n - 2);
	assert_refused("Bad");
	/* ...but these are fine */
	make_zone(&t, '3', 1, times, idx, 1, offs,
	          "CET-1CEST,M3.5.0,M10.5.0/3");
	write_zone("Good", t.b, t.n);
	ews__tz_close(zone("Good"));
	make_zone(&t, '3', 1, times, idx, 1, offs,
	          "<+01>-1<+02>-2,J1/0:30,365/-1:30:30");
	write_zone("Good", t.b, t.n);
	ews__tz_close(zone("Good"));
}
END_TEST

START_TEST(large_and_empty_files_are_refused)
{
	size_t len = 300 * 1024;
	unsigned char *buf = calloc(1, len);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, "TZif2", 5);
	write_zone("Big", buf, len);
	assert_refused("Big");
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "larger"));
	write_zone("Empty", buf, 0);
	assert_refused("Empty");
	free(buf);
}
END_TEST

/* Random corruption of a real file: refused or usable, never a crash. */
START_TEST(corrupt_files_never_crash)
{
	size_t len, round;
	unsigned char *buf = read_system("America/New_York", &len);
	unsigned char *copy = malloc(len);
	uint32_t seed = 12345;

	ck_assert_ptr_nonnull(copy);
	for (round = 0; round < 1500; round++) {
		size_t flips = 1 + round % 4, k;
		ews__tz *tz = NULL;
		ews_status st;

		memcpy(copy, buf, len);
		for (k = 0; k < flips; k++) {
			size_t pos;

			/* The first flip hits the header, where the counts
			 * are. */
			seed = seed * 1103515245 + 12345;
			pos = (seed >> 8) % (k ? len : 64);
			seed = seed * 1103515245 + 12345;
			copy[pos] = (unsigned char)(seed >> 16);
		}
		write_zone("Fuzz", copy, len);
		st = ews__tz_open("Fuzz", &tz);
		ck_assert(st == EWS_OK || st == EWS_EINVAL);
		if (st == EWS_OK) {
			int64_t t;

			for (t = -4000000000; t < 5000000000; t += 99999999) {
				int32_t off = ews__tz_offset(tz, t);

				ck_assert(off >= -93599 && off <= 93599);
				(void)ews__tz_to_utc(tz, t);
			}
			ews__tz_close(tz);
		} else {
			ck_assert_ptr_null(tz);
		}
	}
	free(copy);
	free(buf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tz");
	TCase *civil = tcase_create("civil");
	TCase *zones = tcase_create("zones");
	TCase *files = tcase_create("files");

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
	tcase_add_test(zones, bad_names_are_refused);
	tcase_add_checked_fixture(files, scratch_setup, scratch_teardown);
	tcase_add_test(files, all_versions_parse);
	tcase_add_test(files, footer_rules);
	tcase_add_test(files, footer_to_utc);
	tcase_add_test(files, slim_zone_matches_fat_file);
	tcase_add_test(files, copied_file_parses);
	tcase_add_test(files, truncated_files_are_refused);
	tcase_add_test(files, bad_headers_are_refused);
	tcase_add_test(files, bad_data_is_refused);
	tcase_add_test(files, bad_footers_are_refused);
	tcase_add_test(files, large_and_empty_files_are_refused);
	tcase_add_test(files, corrupt_files_never_crash);
	suite_add_tcase(s, civil);
	suite_add_tcase(s, zones);
	suite_add_tcase(s, files);
	return helper_run(s);
}
