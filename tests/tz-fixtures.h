#ifndef EWS_TEST_TZ_FIXTURES_H
#define EWS_TEST_TZ_FIXTURES_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/common.h>

#include "helpers.h"
#include "tz.h"

/*
 * Fixtures shared by the time zone tests: test-tz.c (zones, offsets,
 * to_utc, footer rules, civil helpers) and test-tz-files.c (TZif files
 * malformed, truncated or fuzzed; bad names). Include from one test file
 * per executable only (it defines `scratch`).
 *
 * Tests of written files run in a scratch TZDIR (scratch_setup() and
 * scratch_teardown() as a checked fixture); write_zone() puts a file there
 * and make_zone() assembles one in memory.
 */

static inline ews__tz *
zone(const char *name)
{
	ews__tz *tz = NULL;

	ck_assert_msg(ews__tz_open(name, &tz) == EWS_OK, "%s: %s", name,
	              ews_error_last()->message);
	ck_assert_ptr_nonnull(tz);
	return tz;
}

/* (Called in loops: plain checks, as check records every ck_assert.) */
static inline void
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

/* ---- files written to a scratch TZDIR ----------------------------------- */

static char *scratch;

static inline void
scratch_setup(void)
{
	scratch = helper_tmpdir();
	setenv("TZDIR", scratch, 1);
}

static inline void
scratch_teardown(void)
{
	unsetenv("TZDIR");
	helper_rmtree(scratch);
	free(scratch);
	scratch = NULL;
}

static inline void
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

/* A TZif file assembled in memory. */
struct tzif {
	unsigned char b[16384];
	size_t n;
};

static inline void
put(struct tzif *t, const void *p, size_t n)
{
	ck_assert_uint_le(t->n + n, sizeof(t->b));
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static inline void
put32(struct tzif *t, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(t, b, 4);
}

static inline void
put64(struct tzif *t, uint64_t v)
{
	put32(t, (uint32_t)(v >> 32));
	put32(t, (uint32_t)v);
}

static inline void
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
static inline void
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

#endif
