/*
 * The pure rules and codecs under the consumption engine (CON-1): the
 * counter rules of libews/counter.c (jitter, rollover, reset, rebase), the
 * sample block codec of libews/series.c and the rollup row codec of
 * libews/rollup.c. No database: every case is exhaustive and exact.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "helpers.h"
#include "rollup.h"
#include "series.h"

/* A check for hot loops: check's ck_assert_* reports every passing
 * assertion to the parent process, which costs a system call each. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);  \
	} while (0)

/* Largest |value| in thousandths that a sample holds (9e15). */
static const int64_t MAX_MILLI = 9000000000000000LL;

/* A u16 and a u32 register counting in Wh, in thousandths. */
static const int64_t U16_RANGE = 65536LL * 1000;
static const int64_t U32_RANGE = 4294967296LL * 1000;

static void
step_is(int64_t prev, int64_t cur, int64_t range, ews__counter_case kind,
        int64_t delta, int estimated)
{
	ews__counter_step s = ews__counter_delta(prev, cur, range);

	ck_assert_msg(s.kind == kind && s.delta_milli == delta &&
	                      s.estimated == estimated,
	              "%lld -> %lld (range %lld): kind %d delta %lld est %d, "
	              "want kind %d delta %lld est %d",
	              (long long)prev, (long long)cur, (long long)range,
	              (int)s.kind, (long long)s.delta_milli, s.estimated,
	              (int)kind, (long long)delta, estimated);
}

/* ------------------------------------------------------------------ */
/* Counter rules                                                       */

START_TEST(counter_up_or_equal_is_the_difference)
{
	static const int64_t ranges[] = { 0, U16_RANGE, U32_RANGE };
	size_t i;

	for (i = 0; i < 3; i++) {
		step_is(0, 0, ranges[i], EWS__COUNTER_NORMAL, 0, 0);
		step_is(1000, 1000, ranges[i], EWS__COUNTER_NORMAL, 0, 0);
		step_is(1000, 1001, ranges[i], EWS__COUNTER_NORMAL, 1, 0);
		step_is(0, 123456789, ranges[i], EWS__COUNTER_NORMAL, 123456789,
		        0);
		step_is(5000000, 5030000, ranges[i], EWS__COUNTER_NORMAL, 30000,
		        0);
	}
	/* A big step up, even through the whole range, is counted. */
	step_is(1, U16_RANGE - 1, U16_RANGE, EWS__COUNTER_NORMAL, U16_RANGE - 2,
	        0);
}
END_TEST

START_TEST(counter_jitter_tolerance_is_a_unit_plus_a_ten_thousandth)
{
	ck_assert_int_eq(ews__counter_jitter_tolerance(0), 1000);
	ck_assert_int_eq(ews__counter_jitter_tolerance(9999), 1000);
	ck_assert_int_eq(ews__counter_jitter_tolerance(10000), 1001);
	ck_assert_int_eq(ews__counter_jitter_tolerance(10000000), 2000);
	ck_assert_int_eq(ews__counter_jitter_tolerance(-10000000), 1000);
	ck_assert_int_eq(ews__counter_jitter_tolerance(MAX_MILLI),
	                 MAX_MILLI / 10000 + 1000);
}
END_TEST

START_TEST(counter_jitter_at_the_tolerance_is_zero_just_past_is_not)
{
	/* 10000 Wh: 2 Wh back is jitter, 2.001 Wh back is not. */
	step_is(10000000, 9998000, 0, EWS__COUNTER_JITTER, 0, 0);
	step_is(10000000, 9999999, 0, EWS__COUNTER_JITTER, 0, 0);
	step_is(10000000, 9997999, 0, EWS__COUNTER_REBASE, 0, 1);
	/* At 0, one unit; below 0 it is no reset either. */
	step_is(0, -1000, 0, EWS__COUNTER_JITTER, 0, 0);
	step_is(0, -1001, 0, EWS__COUNTER_REBASE, 0, 1);
	/* Small readings: one unit back is jitter, more is a reset. */
	step_is(3000, 2000, 0, EWS__COUNTER_JITTER, 0, 0);
	step_is(3000, 1000, 0, EWS__COUNTER_RESET, 1000, 1);
	/* In the top tenth of a register, a small step back is jitter. */
	step_is(U16_RANGE - 100, U16_RANGE - 1100, U16_RANGE,
	        EWS__COUNTER_JITTER, 0, 0);
	/* Huge readings: the tolerance grows with them. */
	step_is(MAX_MILLI, MAX_MILLI - MAX_MILLI / 10000 - 1000, 0,
	        EWS__COUNTER_JITTER, 0, 0);
	step_is(MAX_MILLI, MAX_MILLI - MAX_MILLI / 10000 - 1001, 0,
	        EWS__COUNTER_REBASE, 0, 1);
}
END_TEST

/* Rollover limits of one register: old reading in the top tenth
 * [range - range/10, range), new one in the bottom tenth [0, range/10). */
static void
rollover_limits(int64_t range)
{
	int64_t top = range - range / 10, bottom = range / 10;

	step_is(range - 1, 0, range, EWS__COUNTER_ROLLOVER, 1, 0);
	step_is(range - 1000, 500, range, EWS__COUNTER_ROLLOVER, 1500, 0);
	step_is(top, 0, range, EWS__COUNTER_ROLLOVER, range - top, 0);
	step_is(top, bottom - 1, range, EWS__COUNTER_ROLLOVER,
	        range - top + bottom - 1, 0);
	step_is(range - 1, bottom - 1, range, EWS__COUNTER_ROLLOVER, bottom, 0);
	/* Just outside the top tenth: the new reading is near 0, a reset. */
	step_is(top - 1, 0, range, EWS__COUNTER_RESET, 0, 1);
	step_is(top - 1, bottom - 1, range, EWS__COUNTER_RESET, bottom - 1, 1);
	/* Just outside the bottom tenth: not a wrap; still nearer 0. */
	step_is(top, bottom, range, EWS__COUNTER_RESET, bottom, 1);
	/* The old reading cannot be the modulus itself, nor past it. */
	step_is(range, 0, range, EWS__COUNTER_RESET, 0, 1);
	step_is(range + 5000, 1000, range, EWS__COUNTER_RESET, 1000, 1);
	/* A negative new reading never wraps. */
	step_is(range - 1000, -5000, range, EWS__COUNTER_REBASE, 0, 1);
	/* Without the register's width the same readings are a reset. */
	step_is(range - 1000, 500, 0, EWS__COUNTER_RESET, 500, 1);
}

START_TEST(counter_rollover_of_a_u16_register)
{
	rollover_limits(U16_RANGE);
	/* 65535 Wh -> 2 Wh through the wrap: 3 Wh. */
	step_is(65535000, 2000, U16_RANGE, EWS__COUNTER_ROLLOVER, 3000, 0);
}
END_TEST

START_TEST(counter_rollover_of_a_u32_register)
{
	rollover_limits(U32_RANGE);
	step_is(4294967000LL * 1000, 200000, U32_RANGE, EWS__COUNTER_ROLLOVER,
	        496000, 0);
	/* A u32 of 10 Wh steps (kWh × 0.01) still fits a sample. */
	rollover_limits(U32_RANGE * 10);
	rollover_limits(U32_RANGE * 1000);
}
END_TEST

START_TEST(counter_reset_to_near_zero_counts_the_new_reading)
{
	/* 5000 Wh, then 30 Wh: a new meter counted 30 Wh. */
	step_is(5000000, 30000, 0, EWS__COUNTER_RESET, 30000, 1);
	step_is(5000000, 0, 0, EWS__COUNTER_RESET, 0, 1);
	/* Nearer to 0 than to the old reading: a reset up to just below
	 * half of it, a rebase from half on. */
	step_is(10000000, 4999999, 0, EWS__COUNTER_RESET, 4999999, 1);
	step_is(10000000, 5000000, 0, EWS__COUNTER_REBASE, 0, 1);
	step_is(10000000, 5000001, 0, EWS__COUNTER_REBASE, 0, 1);
}
END_TEST

START_TEST(counter_rebase_backwards_elsewhere_counts_nothing)
{
	step_is(10000000, 8000000, 0, EWS__COUNTER_REBASE, 0, 1);
	step_is(10000000, 9000000, U16_RANGE, EWS__COUNTER_REBASE, 0, 1);
	/* To a negative reading. */
	step_is(10000000, -10000000, 0, EWS__COUNTER_REBASE, 0, 1);
	step_is(5000, -5000, 0, EWS__COUNTER_REBASE, 0, 1);
}
END_TEST

START_TEST(counter_negative_readings)
{
	step_is(-5000, -3000, 0, EWS__COUNTER_NORMAL, 2000, 0);
	step_is(-5000, 3000, 0, EWS__COUNTER_NORMAL, 8000, 0);
	step_is(-3000, -4000, 0, EWS__COUNTER_JITTER, 0, 0);
	step_is(-3000, -4001, 0, EWS__COUNTER_REBASE, 0, 1);
	step_is(-3000, -5000, U16_RANGE, EWS__COUNTER_REBASE, 0, 1);
	/* From below 0 to exactly 0 is up. */
	step_is(-1, 0, 0, EWS__COUNTER_NORMAL, 1, 0);
}
END_TEST

START_TEST(counter_huge_values_do_not_overflow)
{
	step_is(-MAX_MILLI, MAX_MILLI, 0, EWS__COUNTER_NORMAL, 2 * MAX_MILLI,
	        0);
	step_is(MAX_MILLI, -MAX_MILLI, 0, EWS__COUNTER_REBASE, 0, 1);
	step_is(MAX_MILLI, 0, 0, EWS__COUNTER_RESET, 0, 1);
	step_is(MAX_MILLI, 1, 0, EWS__COUNTER_RESET, 1, 1);
	step_is(MAX_MILLI - 1, MAX_MILLI, 0, EWS__COUNTER_NORMAL, 1, 0);
	step_is(MAX_MILLI, MAX_MILLI / 2 - 1, 0, EWS__COUNTER_RESET,
	        MAX_MILLI / 2 - 1, 1);
	/* A register whose modulus is the largest a sample holds. */
	step_is(MAX_MILLI - 1, 1, MAX_MILLI, EWS__COUNTER_ROLLOVER, 2, 0);
	step_is(MAX_MILLI - MAX_MILLI / 10, MAX_MILLI / 10 - 1, MAX_MILLI,
	        EWS__COUNTER_ROLLOVER, MAX_MILLI / 5 - 1, 0);
}
END_TEST

/* Whatever the readings, a step is never negative and is estimated
 * exactly when it is a reset or a rebase. */
START_TEST(counter_any_step_is_never_negative)
{
	static const int64_t ranges[] = { 0, U16_RANGE, U32_RANGE, MAX_MILLI };
	unsigned int seed = 4;
	int i;

	for (i = 0; i < 200000; i++) {
		int64_t range = ranges[i % 4];
		int64_t span = range ? range : MAX_MILLI;
		int64_t prev = (int64_t)(((uint64_t)rand_r(&seed) << 31 ^
		                          (uint64_t)rand_r(&seed)) %
		                         (uint64_t)span);
		int64_t cur = (int64_t)(((uint64_t)rand_r(&seed) << 31 ^
		                         (uint64_t)rand_r(&seed)) %
		                        (uint64_t)span);
		ews__counter_step s;

		if (i % 3 == 0)
			cur = prev - rand_r(&seed) % 3000;
		if (i % 7 == 0)
			cur = -cur;
		s = ews__counter_delta(prev, cur, range);
		CHECK(s.delta_milli >= 0);
		CHECK(s.estimated == (s.kind == EWS__COUNTER_RESET ||
		                      s.kind == EWS__COUNTER_REBASE));
		CHECK(cur < prev || s.delta_milli == cur - prev);
		CHECK(s.kind != EWS__COUNTER_ROLLOVER ||
		      s.delta_milli < range / 5);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Varints and thousandths                                             */

START_TEST(varint_round_trips_and_refuses_truncated_or_overlong)
{
	static const uint64_t v[] = { 0,
		                      1,
		                      127,
		                      128,
		                      16383,
		                      16384,
		                      (uint64_t)1 << 35,
		                      (uint64_t)INT64_MAX,
		                      UINT64_MAX };
	uint8_t buf[16];
	uint64_t back;
	size_t i, n;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		n = ews__varint_put(buf, v[i]);
		ck_assert_uint_le(n, 10);
		ck_assert_uint_eq(ews__varint_get(buf, n, &back), n);
		ck_assert(back == v[i]);
		if (n > 1)
			ck_assert_uint_eq(ews__varint_get(buf, n - 1, &back),
			                  0);
	}
	ck_assert_uint_eq(ews__varint_put(buf, 127), 1);
	ck_assert_uint_eq(ews__varint_put(buf, 128), 2);
	/* Eleven bytes of continuation: over-long. */
	memset(buf, 0x80, sizeof(buf));
	ck_assert_uint_eq(ews__varint_get(buf, sizeof(buf), &back), 0);
	ck_assert_uint_eq(ews__varint_get(buf, 0, &back), 0);
}
END_TEST

START_TEST(sample_milli_rounds_and_saturates)
{
	ck_assert_int_eq(ews__sample_milli(0), 0);
	ck_assert_int_eq(ews__sample_milli(1.5), 1500);
	ck_assert_int_eq(ews__sample_milli(-1.5), -1500);
	ck_assert_int_eq(ews__sample_milli(0.1 + 0.2), 300);
	ck_assert_int_eq(ews__sample_milli(0.0004), 0);
	ck_assert_int_eq(ews__sample_milli(0.0006), 1);
	ck_assert_int_eq(ews__sample_milli(123456789.123), 123456789123LL);
	ck_assert_int_eq(ews__sample_milli(9.0e12), MAX_MILLI);
	ck_assert_int_eq(ews__sample_milli(1e300), MAX_MILLI);
	ck_assert_int_eq(ews__sample_milli(-1e300), -MAX_MILLI);
	ck_assert_int_eq(ews__sample_milli(HUGE_VAL), MAX_MILLI);
	ck_assert_int_eq(ews__sample_milli(-HUGE_VAL), -MAX_MILLI);
	ck_assert_int_eq(ews__sample_milli(NAN), MAX_MILLI);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Sample blocks                                                       */

static void
vec_push(ews__sample_vec *v, int64_t t_ms, double value)
{
	CHECK(ews__sample_vec_push(v, t_ms, value) == EWS_OK);
}

/* Encode v, decode it back and compare bit for bit; returns the size. */
static size_t
round_trip(const ews__sample_vec *v)
{
	uint8_t buf[EWS__BLOCK_BYTES];
	ews__sample_vec back = { 0 };
	size_t len, i;

	CHECK(v->n <= EWS__BLOCK_MAX);
	len = ews__block_encode(v->v, v->n, buf);
	CHECK(len <= EWS__BLOCK_BYTES);
	if (ews__block_decode(buf, len, v->v[0].t_ms, &back) != EWS_OK)
		ck_abort_msg("decode: %s", ews_error_last()->message);
	CHECK(back.n == v->n);
	for (i = 0; i < v->n; i++) {
		CHECK(back.v[i].t_ms == v->v[i].t_ms);
		if (memcmp(&back.v[i].value, &v->v[i].value, sizeof(double)))
			ck_abort_msg("sample %zu: %.17g read back as %.17g", i,
			             v->v[i].value, back.v[i].value);
		CHECK(back.v[i].value_milli == v->v[i].value_milli);
	}
	ews__sample_vec_free(&back);
	return len;
}

START_TEST(block_round_trips_values_bit_exact)
{
	static const double values[] = {
		0,      1000,   0.1 + 0.2,    1e300,   -0.0,
		-1e300, 0.001,  -0.001,       123.456, 1e-300,
		5e-324, 9.0e12, -9.0e12,      9.1e12,  1.0 / 3,
		-2.5,   42,     4294967295.0, 0.0005,  12345678901.234
	};
	ews__sample_vec v = { 0 };
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		vec_push(&v, -3600000 + (int64_t)i * 600000, values[i]);
	round_trip(&v);
	ews__sample_vec_free(&v);
}
END_TEST

START_TEST(block_round_trips_times_of_any_step)
{
	ews__sample_vec v = { 0 };
	int64_t t = 1700000000123LL;

	/* Steps in whole seconds, in milliseconds, of one ms, of years. */
	vec_push(&v, t, 1);
	vec_push(&v, t += 1, 2);
	vec_push(&v, t += 1000, 3);
	vec_push(&v, t += 999, 4);
	vec_push(&v, t += 3600000, 5);
	vec_push(&v, t += 3600001, 6);
	vec_push(&v, t += 86400000LL * 3650, 7);
	vec_push(&v, t += 1, 8);
	round_trip(&v);
	ews__sample_vec_free(&v);
	/* Times before 1970 and around the largest a block may span. */
	vec_push(&v, -86400000LL * 365 * 100, 0);
	vec_push(&v, 0, 0);
	vec_push(&v, 86400000LL * 365 * 8000, 0);
	round_trip(&v);
	ews__sample_vec_free(&v);
	/* One sample alone. */
	vec_push(&v, 5, 0.1);
	round_trip(&v);
	ews__sample_vec_free(&v);
}
END_TEST

START_TEST(block_of_an_hourly_counter_is_small)
{
	ews__sample_vec v = { 0 };
	int64_t wh = 123456789;
	size_t i, len;

	for (i = 0; i < EWS__BLOCK_MAX; i++)
		vec_push(&v, 1700000000000LL + (int64_t)i * 3600000,
		         (double)(wh += 1234));
	len = round_trip(&v);
	/* A 2-byte time step and a 3-byte value step a sample. */
	ck_assert_uint_le(len, EWS__BLOCK_MAX * 6 + 8);
	ews__sample_vec_free(&v);
}
END_TEST

START_TEST(block_random_round_trips)
{
	unsigned int seed = 11;
	int round;

	for (round = 0; round < 2000; round++) {
		ews__sample_vec v = { 0 };
		size_t n = 1 + (size_t)rand_r(&seed) % EWS__BLOCK_MAX, i;
		int64_t t = (int64_t)rand_r(&seed) * 1000 - 1000000000000LL;
		double value = 0;

		for (i = 0; i < n; i++) {
			int r = rand_r(&seed);

			t += 1 + rand_r(&seed) % (r % 2 ? 1000 : 100000000);
			switch (r % 5) {
			case 0: /* a meter reading in thousandths */
				if (!(fabs(value) < 1e12))
					value = 0;
				value +=
				        (double)(rand_r(&seed) % 100000) / 1000;
				value = (double)llround(value * 1000) / 1000;
				break;
			case 1: /* any double */
				value = ((double)rand_r(&seed) - RAND_MAX / 2) /
				        ((double)rand_r(&seed) + 1) *
				        pow(10, rand_r(&seed) % 40 - 20);
				break;
			case 2: /* any bit pattern that is finite */
				do {
					uint64_t bits =
					        (uint64_t)rand_r(&seed) << 42 ^
					        (uint64_t)rand_r(&seed) << 21 ^
					        (uint64_t)rand_r(&seed);

					memcpy(&value, &bits, sizeof(value));
				} while (!isfinite(value));
				break;
			case 3:
				value = -value;
				break;
			default:
				break;
			}
			vec_push(&v, t, value);
		}
		round_trip(&v);
		ews__sample_vec_free(&v);
	}
}
END_TEST

/* A decode that succeeds gives rising times and at most a block. */
static void
assert_sane(const ews__sample_vec *v)
{
	size_t i;

	CHECK(v->n >= 1);
	CHECK(v->n <= EWS__BLOCK_MAX);
	for (i = 1; i < v->n; i++)
		CHECK(v->v[i].t_ms > v->v[i - 1].t_ms);
}

START_TEST(block_truncated_is_eio_or_a_prefix)
{
	uint8_t buf[EWS__BLOCK_BYTES];
	ews__sample_vec v = { 0 }, back = { 0 };
	size_t len, cut, i;
	ews_status st;

	for (i = 0; i < 10; i++)
		vec_push(&v, 1000 + (int64_t)i * 3600000,
		         i % 3 ? (double)i * 1000 : 0.1 * (double)i + 1e-9);
	len = ews__block_encode(v.v, v.n, buf);
	for (cut = 0; cut < len; cut++) {
		st = ews__block_decode(buf, cut, 1000, &back);
		if (st == EWS_OK) {
			/* Cut at a sample's end: a prefix, exactly. */
			assert_sane(&back);
			for (i = 0; i < back.n; i++) {
				ck_assert_int_eq(back.v[i].t_ms, v.v[i].t_ms);
				ck_assert(memcmp(&back.v[i].value,
				                 &v.v[i].value,
				                 sizeof(double)) == 0);
			}
		} else {
			ck_assert_int_eq(st, EWS_EIO);
			ck_assert_str_eq(ews_error_last()->field,
			                 "sample_block");
		}
		back.n = 0;
	}
	/* Nothing at all is no block. */
	ck_assert_int_eq(ews__block_decode(buf, 0, 1000, &back), EWS_EIO);
	ews__sample_vec_free(&back);
	ews__sample_vec_free(&v);
}
END_TEST

START_TEST(block_corrupt_is_eio)
{
	ews__sample_vec back = { 0 };
	/* First time step not 0. */
	static const uint8_t first_step[] = { 0x03, 0x00 };
	/* Second time step 0: same time twice. */
	static const uint8_t zero_step[] = { 0x01, 0x00, 0x01, 0x00 };
	/* A raw value marker with other bits set. */
	static const uint8_t bad_raw[] = { 0x01, 0x03, 0, 0, 0, 0, 0, 0, 0, 0 };
	/* A raw value cut short. */
	static const uint8_t short_raw[] = { 0x01, 0x01, 0, 0, 0, 0 };
	/* A varint that never ends. */
	static const uint8_t endless[] = { 0x01, 0x80, 0x80, 0x80, 0x80, 0x80,
		                           0x80, 0x80, 0x80, 0x80, 0x80, 0x80 };
	uint8_t many[2 * (EWS__BLOCK_MAX + 1)];
	size_t i;

	ck_assert_int_eq(
	        ews__block_decode(first_step, sizeof(first_step), 0, &back),
	        EWS_EIO);
	ck_assert_int_eq(
	        ews__block_decode(zero_step, sizeof(zero_step), 0, &back),
	        EWS_EIO);
	back.n = 0;
	ck_assert_int_eq(ews__block_decode(bad_raw, sizeof(bad_raw), 0, &back),
	                 EWS_EIO);
	ck_assert_int_eq(
	        ews__block_decode(short_raw, sizeof(short_raw), 0, &back),
	        EWS_EIO);
	ck_assert_int_eq(ews__block_decode(endless, sizeof(endless), 0, &back),
	                 EWS_EIO);
	/* More samples than a block holds. */
	for (i = 0; i < EWS__BLOCK_MAX + 1; i++) {
		many[2 * i] = i ? 0x03 : 0x01; /* 0, then 1 s steps */
		many[2 * i + 1] = 0x00;
	}
	back.n = 0;
	ck_assert_int_eq(ews__block_decode(many, sizeof(many) - 2, 0, &back),
	                 EWS_OK);
	ck_assert_uint_eq(back.n, EWS__BLOCK_MAX);
	back.n = 0;
	ck_assert_int_eq(ews__block_decode(many, sizeof(many), 0, &back),
	                 EWS_EIO);
	ck_assert_str_eq(ews_error_last()->field, "sample_block");
	ews__sample_vec_free(&back);
}
END_TEST

START_TEST(block_times_that_would_overflow_are_eio)
{
	ews__sample_vec back = { 0 };
	uint8_t buf[32];
	size_t len = 0;
	ews_status st;

	/* Block key near the largest time, then a step of one second. */
	buf[len++] = 0x01;
	buf[len++] = 0x00;
	buf[len++] = 0x03;
	buf[len++] = 0x00;
	st = ews__block_decode(buf, len, INT64_MAX - 10, &back);
	ck_assert_int_eq(st, EWS_EIO);
	/* Steps that each pass but add up past the largest time. */
	len = 0;
	buf[len++] = 0x01;
	buf[len++] = 0x00;
	len += ews__varint_put(buf + len, (uint64_t)(INT64_MAX / 2) << 1);
	buf[len++] = 0x00;
	len += ews__varint_put(buf + len, (uint64_t)(INT64_MAX / 2) << 1);
	buf[len++] = 0x00;
	back.n = 0;
	st = ews__block_decode(buf, len, 1000, &back);
	if (st == EWS_OK)
		assert_sane(&back);
	else
		ck_assert_int_eq(st, EWS_EIO);
	ews__sample_vec_free(&back);
}
END_TEST

START_TEST(block_random_bytes_never_crash)
{
	uint8_t buf[EWS__BLOCK_BYTES], good[EWS__BLOCK_BYTES];
	ews__sample_vec v = { 0 }, back = { 0 };
	unsigned int seed = 5;
	size_t goodlen, i;
	int round, ok = 0;

	for (i = 0; i < 40; i++)
		vec_push(&v, (int64_t)i * 600000,
		         i % 4 ? (double)i * 1.5 : 0.3);
	goodlen = ews__block_encode(v.v, v.n, good);
	for (round = 0; round < 100000; round++) {
		size_t len = (size_t)rand_r(&seed) % 64;
		int64_t t0 = round % 2
		                     ? 0
		                     : (int64_t)((uint64_t)rand_r(&seed) << 33 ^
		                                 (uint64_t)rand_r(&seed));
		ews_status st;

		if (round % 3 == 0) {
			/* A good block with a few bytes flipped. */
			memcpy(buf, good, goodlen);
			len = goodlen;
			for (i = 0; i < 1 + (size_t)(round % 4); i++)
				buf[(size_t)rand_r(&seed) % len] ^=
				        (uint8_t)(1 + rand_r(&seed) % 255);
		} else {
			for (i = 0; i < len; i++)
				buf[i] = (uint8_t)rand_r(&seed);
			if (round % 5 == 0)
				buf[0] = 0x01; /* a valid first step */
		}
		back.n = 0;
		st = ews__block_decode(buf, len, t0, &back);
		if (st == EWS_OK) {
			assert_sane(&back);
			ok++;
		} else {
			CHECK(st == EWS_EIO);
		}
	}
	ck_assert_int_gt(ok, 0); /* some of them decode */
	ews__sample_vec_free(&back);
	ews__sample_vec_free(&v);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Rollup rows                                                         */

static void
rollup_round_trip(const ews__slot *slots, size_t n)
{
	uint8_t buf[EWS__SLOTS * 30];
	ews__slot back[EWS__SLOTS];
	size_t len = ews__rollup_encode(slots, n, buf), i;

	CHECK(len <= sizeof(buf));
	memset(back, 0x5a, sizeof(back));
	CHECK(ews__rollup_decode(buf, len, back, n) == EWS_OK);
	for (i = 0; i < n; i++) {
		CHECK(back[i].pieces == slots[i].pieces);
		CHECK(back[i].value_milli == slots[i].value_milli);
		CHECK(back[i].estimated == slots[i].estimated);
	}
}

START_TEST(rollup_row_round_trips)
{
	ews__slot s[EWS__SLOTS];
	unsigned int seed = 3;
	uint8_t buf[EWS__SLOTS * 30];
	int round;
	size_t i;

	/* Empty rows are empty. */
	memset(s, 0, sizeof(s));
	ck_assert_uint_eq(ews__rollup_encode(s, EWS__SLOTS, buf), 0);
	rollup_round_trip(s, EWS__SLOTS);
	/* The largest values, in every slot. */
	for (i = 0; i < EWS__SLOTS; i++) {
		s[i].pieces = INT64_MAX;
		s[i].value_milli = INT64_MAX;
		s[i].estimated = INT64_MAX;
	}
	rollup_round_trip(s, EWS__SLOTS);
	for (round = 0; round < 5000; round++) {
		size_t n = ews__level_slots(round % 3);

		memset(s, 0, sizeof(s));
		for (i = 0; i < n; i++) {
			if (rand_r(&seed) % 3 == 0)
				continue; /* nothing in this slot */
			s[i].pieces = 1 + rand_r(&seed) % 100;
			s[i].value_milli =
			        (int64_t)rand_r(&seed) * (rand_r(&seed) % 1000);
			s[i].estimated = rand_r(&seed) % (s[i].pieces + 1);
		}
		rollup_round_trip(s, n);
	}
	ck_assert_uint_eq(ews__level_slots(EWS__LEVEL_DAY), 25);
	ck_assert_uint_eq(ews__level_slots(EWS__LEVEL_MONTH), 31);
	ck_assert_uint_eq(ews__level_slots(EWS__LEVEL_YEAR), 12);
}
END_TEST

START_TEST(rollup_row_drops_trailing_empty_slots)
{
	ews__slot s[EWS__SLOTS];
	uint8_t buf[EWS__SLOTS * 30];

	memset(s, 0, sizeof(s));
	s[0].pieces = 1;
	s[0].value_milli = 5;
	/* One slot: pieces, value, estimated, a byte each. */
	ck_assert_uint_eq(ews__rollup_encode(s, EWS__SLOTS, buf), 3);
	s[3].pieces = 2;
	s[3].value_milli = 7;
	s[3].estimated = 1;
	/* Two empty slots between: a 0 byte each. */
	ck_assert_uint_eq(ews__rollup_encode(s, EWS__SLOTS, buf), 8);
	rollup_round_trip(s, EWS__SLOTS);
}
END_TEST

START_TEST(rollup_row_corrupt_is_eio)
{
	ews__slot s[EWS__SLOTS], back[EWS__SLOTS];
	uint8_t buf[EWS__SLOTS * 30 + 16];
	unsigned int seed = 8;
	size_t len, cut, i;
	int round;

	memset(s, 0, sizeof(s));
	for (i = 0; i < 12; i++) {
		s[i].pieces = 3;
		s[i].value_milli = 1000000 * (int64_t)i;
		s[i].estimated = i % 2;
	}
	len = ews__rollup_encode(s, 12, buf);
	/* A year row read as a row of fewer slots: too many slots. */
	ck_assert_int_eq(ews__rollup_decode(buf, len, back, 11), EWS_EIO);
	ck_assert_str_eq(ews_error_last()->field, "rollup");
	/* Cut inside a slot: EIO; at a slot's end: the slots before. */
	for (cut = 0; cut < len; cut++) {
		ews_status st = ews__rollup_decode(buf, cut, back, 12);

		if (st == EWS_OK)
			for (i = 0; i < 12; i++)
				ck_assert(back[i].pieces == 0 ||
				          back[i].value_milli ==
				                  s[i].value_milli);
		else
			ck_assert_int_eq(st, EWS_EIO);
	}
	/* A value past INT64_MAX. */
	len = 0;
	buf[len++] = 1;
	len += ews__varint_put(buf + len, UINT64_MAX);
	buf[len++] = 0;
	ck_assert_int_eq(ews__rollup_decode(buf, len, back, 25), EWS_EIO);
	/* Random bytes: never a crash. */
	for (round = 0; round < 100000; round++) {
		ews_status st;

		len = (size_t)rand_r(&seed) % (sizeof(buf));
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		if (round % 2)
			for (i = 0; i < len; i++)
				buf[i] &= 0x7f; /* short varints */
		st = ews__rollup_decode(buf, len, back,
		                        ews__level_slots(round % 3));
		CHECK(st == EWS_OK || st == EWS_EIO);
		if (st == EWS_OK)
			for (i = 0; i < ews__level_slots(round % 3); i++)
				CHECK(back[i].pieces >= 0);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("counter");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, counter_up_or_equal_is_the_difference);
	tcase_add_test(
	        tc, counter_jitter_tolerance_is_a_unit_plus_a_ten_thousandth);
	tcase_add_test(
	        tc, counter_jitter_at_the_tolerance_is_zero_just_past_is_not);
	tcase_add_test(tc, counter_rollover_of_a_u16_register);
	tcase_add_test(tc, counter_rollover_of_a_u32_register);
	tcase_add_test(tc, counter_reset_to_near_zero_counts_the_new_reading);
	tcase_add_test(tc, counter_rebase_backwards_elsewhere_counts_nothing);
	tcase_add_test(tc, counter_negative_readings);
	tcase_add_test(tc, counter_huge_values_do_not_overflow);
	tcase_add_test(tc, counter_any_step_is_never_negative);
	suite_add_tcase(s, tc);

	tc = tcase_create("codecs");
	tcase_add_test(tc,
	               varint_round_trips_and_refuses_truncated_or_overlong);
	tcase_add_test(tc, sample_milli_rounds_and_saturates);
	tcase_add_test(tc, block_round_trips_values_bit_exact);
	tcase_add_test(tc, block_round_trips_times_of_any_step);
	tcase_add_test(tc, block_of_an_hourly_counter_is_small);
	tcase_add_test(tc, block_random_round_trips);
	tcase_add_test(tc, block_truncated_is_eio_or_a_prefix);
	tcase_add_test(tc, block_corrupt_is_eio);
	tcase_add_test(tc, block_times_that_would_overflow_are_eio);
	tcase_add_test(tc, block_random_bytes_never_crash);
	tcase_add_test(tc, rollup_row_round_trips);
	tcase_add_test(tc, rollup_row_drops_trailing_empty_slots);
	tcase_add_test(tc, rollup_row_corrupt_is_eio);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
