#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz-fixtures.h"

/*
 * TZif files the parser must refuse (malformed, truncated, fuzzed) or read
 * (every version, a copy of a system file), and zone names it must refuse.
 * The zone tests themselves are in test-tz.c.
 */

/* ---- names -------------------------------------------------------------- */

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
	Suite *s = suite_create("tz-files");
	TCase *zones = tcase_create("zones");
	TCase *files = tcase_create("files");

	tcase_add_test(zones, bad_names_are_refused);
	tcase_add_checked_fixture(files, scratch_setup, scratch_teardown);
	tcase_add_test(files, all_versions_parse);
	tcase_add_test(files, copied_file_parses);
	tcase_add_test(files, truncated_files_are_refused);
	tcase_add_test(files, bad_headers_are_refused);
	tcase_add_test(files, bad_data_is_refused);
	tcase_add_test(files, bad_footers_are_refused);
	tcase_add_test(files, large_and_empty_files_are_refused);
	tcase_add_test(files, corrupt_files_never_crash);
	suite_add_tcase(s, zones);
	suite_add_tcase(s, files);
	return helper_run(s);
}
