#include <string.h>

#include <ews/time.h>

#include "helpers.h"

/* 2024-10-27T01:00:00Z: Europe/Rome goes back from 03:00 CEST to 02:00. */
static const int64_t T_FALL = INT64_C(1729990800000);

static int64_t
parse_ok(const char *text)
{
	int64_t t = -1;
	ews_status st = ews_time_parse(text, &t);

	ck_assert_msg(st == EWS_OK, "%s: %d %s", text, st,
	              ews_error_last()->message);
	return t;
}

static void
parse_bad(const char *text)
{
	int64_t t = 42;

	ck_assert_msg(ews_time_parse(text, &t) == EWS_EINVAL, "accepted '%s'",
	              text);
	ck_assert_int_eq(t, 42);
	ck_assert_str_eq(ews_error_last()->field, "time");
	ck_assert_msg(strncmp(ews_error_last()->message, "time: ", 6) == 0,
	              "%s", ews_error_last()->message);
}

START_TEST(time_parse_accepts_z_and_both_offset_forms)
{
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00Z"), 0);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00Z"), 0);
	ck_assert_int_eq(parse_ok("2024-10-27T01:00:00Z"), T_FALL);
	ck_assert_int_eq(parse_ok("2024-10-27T02:00:00+01:00"), T_FALL);
	ck_assert_int_eq(parse_ok("2024-10-27T02:00+0100"), T_FALL);
	ck_assert_int_eq(parse_ok("2024-10-26T21:00:00-04:00"), T_FALL);
	ck_assert_int_eq(parse_ok("2024-10-27T06:45:00+05:45"), T_FALL);
	ck_assert_int_eq(parse_ok("2024-10-27T01:00:00-00:00"), T_FALL);
	ck_assert_int_eq(parse_ok("2026-11-26T10:00:00Z"),
	                 INT64_C(1795687200000));
}
END_TEST

START_TEST(time_parse_reads_milliseconds_and_drops_finer_digits)
{
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00.1Z"), 100);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00.12Z"), 120);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00.123Z"), 123);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00.123999Z"), 123);
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00.999999999Z"), 999);
	ck_assert_int_eq(parse_ok("1969-12-31T23:59:59.500Z"), -500);
	ck_assert_int_eq(parse_ok("2024-10-27T02:00:00.250+01:00"),
	                 T_FALL + 250);
}
END_TEST

START_TEST(time_parse_knows_the_calendar)
{
	parse_ok("2024-02-29T00:00:00Z");
	parse_ok("2000-02-29T00:00:00Z");
	parse_ok("0000-01-01T00:00:00Z");
	parse_ok("9999-12-31T23:59:59.999+23:59");
	parse_ok("2024-12-31T23:59:59Z");
	ck_assert_int_eq(parse_ok("1600-03-01T00:00:00Z") / 1000,
	                 INT64_C(-11670912000));
	parse_bad("2023-02-29T00:00:00Z");
	parse_bad("1900-02-29T00:00:00Z");
	parse_bad("2024-04-31T00:00:00Z");
	parse_bad("2024-02-30T00:00:00Z");
	parse_bad("2024-00-10T00:00:00Z");
	parse_bad("2024-13-10T00:00:00Z");
	parse_bad("2024-01-00T00:00:00Z");
	parse_bad("2024-01-32T00:00:00Z");
	parse_bad("2024-01-01T24:00:00Z");
	parse_bad("2024-01-01T23:60:00Z");
	parse_bad("2024-01-01T23:59:60Z");
	parse_bad("2024-01-01T00:00:00+24:00");
	parse_bad("2024-01-01T00:00:00+01:60");
}
END_TEST

START_TEST(time_parse_refuses_what_is_not_the_form)
{
	static const char *const bad[] = {
		"",
		"2024",
		"2024-03-31",
		"2024-03-31T10:00:00",   /* no offset */
		"2024-03-31T10Z",        /* no minutes */
		"2024-03-31T10:00:00z",  /* lower case */
		"2024-03-31t10:00:00Z",  /* lower case */
		"2024-03-31 10:00:00Z",  /* space */
		"2024-03-31T10:00:00 Z", /* space */
		" 2024-03-31T10:00:00Z", /* leading space */
		"2024-03-31T10:00:00Z ", /* trailing space */
		"2024-03-31T10:00:00ZZ", /* trailing text */
		"+2024-03-31T10:00:00Z", /* expanded year */
		"24-03-31T10:00:00Z",    /* short year */
		"2024-3-31T10:00:00Z",   /* one-digit month */
		"2024-03-31T10:00:0Z",   /* one-digit second */
		"2024-03-31T10:00:00.Z", /* empty fraction */
		"2024-03-31T10:00.5Z",   /* fraction without seconds */
		"2024-03-31T10:00:00.1234567890Z", /* ten digits */
		"2024-03-31T10:00:00+1",           /* short offset */
		"2024-03-31T10:00:00+01",          /* no offset minutes */
		"2024-03-31T10:00:00+01:0",        /* short offset minutes */
		"2024-03-31T10:00:00+01:000",
		"2024-03-31T10:00:00+0100Z",
		"2024-03-31T10:00:00+01-00",
		"2024-03-31T10:00:00UTC",
		"1711879200", /* seconds are not ISO */
		"2024-03-31T10:00:00\xC3\xA9Z",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
	ck_assert_int_eq(ews_time_parse(NULL, &(int64_t){ 0 }), EWS_EINVAL);
	ck_assert_int_eq(ews_time_parse("1970-01-01T00:00Z", NULL), EWS_EINVAL);
}
END_TEST

START_TEST(time_parse_message_names_the_bad_part)
{
	int64_t t;

	ews_time_parse("2024-02-30T00:00:00Z", &t);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "day 30"));
	ews_time_parse("2024-03-31T10:00:00", &t);
	ck_assert_ptr_nonnull(strstr(ews_error_last()->message, "offset"));
}
END_TEST

static const char *
format_ok(int64_t t_ms, int32_t off_s)
{
	static char buf[EWS_TIME_TEXT_MAX];
	ews_status st;

	memset(buf, 'x', sizeof(buf));
	st = ews_time_format(t_ms, off_s, buf, sizeof(buf));
	ck_assert_msg(st == EWS_OK, "%lld %d: %s", (long long)t_ms, off_s,
	              ews_error_last()->message);
	return buf;
}

START_TEST(time_format_writes_local_time_and_offset)
{
	ck_assert_str_eq(format_ok(0, 0), "1970-01-01T00:00:00Z");
	ck_assert_str_eq(format_ok(T_FALL, 0), "2024-10-27T01:00:00Z");
	ck_assert_str_eq(format_ok(T_FALL, 3600), "2024-10-27T02:00:00+01:00");
	ck_assert_str_eq(format_ok(T_FALL - 3600000, 7200),
	                 "2024-10-27T02:00:00+02:00");
	ck_assert_str_eq(format_ok(T_FALL, -4 * 3600),
	                 "2024-10-26T21:00:00-04:00");
	ck_assert_str_eq(format_ok(T_FALL, 5 * 3600 + 45 * 60),
	                 "2024-10-27T06:45:00+05:45");
	ck_assert_str_eq(format_ok(T_FALL, -(9 * 3600 + 30 * 60)),
	                 "2024-10-26T15:30:00-09:30");
	ck_assert_str_eq(format_ok(-1, 0), "1969-12-31T23:59:59.999Z");
	ck_assert_str_eq(format_ok(T_FALL + 5, 3600),
	                 "2024-10-27T02:00:00.005+01:00");
	ck_assert_str_eq(format_ok(INT64_C(1795687200123), 0),
	                 "2026-11-26T10:00:00.123Z");
}
END_TEST

START_TEST(time_format_round_trips_through_parse)
{
	static const int32_t offsets[] = { 0,     3600,   -18000, 20700,
		                           86340, -86340, 60 };
	int64_t t;
	size_t i;

	for (t = INT64_C(-62167219200000); t < INT64_C(253402300799999);
	     t += INT64_C(7777777777777)) {
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			char buf[EWS_TIME_TEXT_MAX];
			int64_t back = 0;

			if (ews_time_format(t, offsets[i], buf, sizeof(buf)) !=
			    EWS_OK)
				continue; /* local year outside 0000-9999 */
			ck_assert_int_eq(ews_time_parse(buf, &back), EWS_OK);
			ck_assert_int_eq(back, t);
		}
	}
}
END_TEST

START_TEST(time_format_longest_text_fits_the_maximum)
{
	char buf[EWS_TIME_TEXT_MAX];

	ck_assert_int_eq(ews_time_format(INT64_C(253402300799999) - 86340000,
	                                 -86340, buf, sizeof(buf)),
	                 EWS_OK);
	ck_assert_str_eq(buf, "9999-12-30T00:01:59.999-23:59");
	ck_assert_int_lt(strlen(buf), EWS_TIME_TEXT_MAX);
}
END_TEST

START_TEST(time_format_refuses_small_buffers_and_bad_arguments)
{
	char buf[EWS_TIME_TEXT_MAX];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(ews_time_format(0, 0, buf, 20), EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "size");
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(ews_time_format(0, 0, buf, 21), EWS_OK);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	ck_assert_int_eq(ews_time_format(0, 0, NULL, 0), EWS_EINVAL);

	ck_assert_int_eq(ews_time_format(0, 30, buf, sizeof(buf)), EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "utc_offset_s");
	ck_assert_int_eq(ews_time_format(0, 86400, buf, sizeof(buf)),
	                 EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "utc_offset_s");

	ck_assert_int_eq(
	        ews_time_format(INT64_C(253402300800000), 0, buf, sizeof(buf)),
	        EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "t_ms");
	ck_assert_int_eq(
	        ews_time_format(INT64_C(253402300799999), 60, buf, sizeof(buf)),
	        EWS_EINVAL);
	ck_assert_int_eq(ews_time_format(INT64_C(-62167219200000), -60, buf,
	                                 sizeof(buf)),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_time_format(INT64_MAX, 0, buf, sizeof(buf)),
	                 EWS_EINVAL);
	ck_assert_int_eq(ews_time_format(INT64_MIN, 0, buf, sizeof(buf)),
	                 EWS_EINVAL);
	ck_assert_str_eq(ews_error_last()->field, "t_ms");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("time");
	TCase *tp = tcase_create("parse");
	TCase *tf = tcase_create("format");

	tcase_add_test(tp, time_parse_accepts_z_and_both_offset_forms);
	tcase_add_test(tp,
	               time_parse_reads_milliseconds_and_drops_finer_digits);
	tcase_add_test(tp, time_parse_knows_the_calendar);
	tcase_add_test(tp, time_parse_refuses_what_is_not_the_form);
	tcase_add_test(tp, time_parse_message_names_the_bad_part);
	tcase_add_test(tf, time_format_writes_local_time_and_offset);
	tcase_add_test(tf, time_format_round_trips_through_parse);
	tcase_add_test(tf, time_format_longest_text_fits_the_maximum);
	tcase_add_test(tf, time_format_refuses_small_buffers_and_bad_arguments);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tf);
	return helper_run(s);
}
