#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "acq-private.h"

#include "helpers.h"

/* Protocol limits of one read (Modbus Application Protocol V1.1b3 §6),
 * spelled out here so the tests do not merely echo the implementation. */
#define MAX_REGISTERS 125u
#define MAX_BITS      2000u

static unsigned int
limit_of(unsigned int function)
{
	return function <= 2 ? MAX_BITS : MAX_REGISTERS;
}

/* Registers (FC 3/4) or bits (FC 1/2) one register spans. */
static unsigned int
span_of(const ews_register *r)
{
	return r->function <= 2 ? 1 : r->words;
}

static void
reg_set(ews_register *r, unsigned int function, unsigned int address,
        unsigned int words)
{
	memset(r, 0, sizeof(*r));
	r->quantity = EWS_Q_ACTIVE_POWER;
	r->function = function;
	r->address = address;
	r->words = function <= 2 ? 1 : words;
	switch (function <= 2 ? 0 : words) {
	case 0:
		r->type = EWS_REG_BIT;
		break;
	case 1:
		r->type = EWS_REG_U16;
		break;
	case 2:
		r->type = EWS_REG_F32;
		break;
	default:
		r->type = EWS_REG_U64;
		break;
	}
	r->word_order = EWS_WORDS_BE;
	r->scale = 1.0;
	r->unit = "W";
	r->factor = 1.0;
}

/* An array of n registers and the pointer array ews__plan_build takes. */
struct regset {
	ews_register *regs;
	const ews_register **ptrs;
	size_t n;
};

static void
regset_init(struct regset *s, size_t n)
{
	size_t i;

	s->n = n;
	s->regs = calloc(n ? n : 1, sizeof(*s->regs));
	s->ptrs = calloc(n ? n : 1, sizeof(*s->ptrs));
	ck_assert_ptr_nonnull(s->regs);
	ck_assert_ptr_nonnull(s->ptrs);
	for (i = 0; i < n; i++)
		s->ptrs[i] = &s->regs[i];
}

static void
regset_free(struct regset *s)
{
	free(s->regs);
	free(s->ptrs);
	memset(s, 0, sizeof(*s));
}

static void
plan_ok(const struct regset *s, int merge, unsigned int max_gap,
        struct ews__plan *plan)
{
	ck_assert_int_eq(ews__plan_build(s->ptrs, s->n, merge, max_gap, plan),
	                 EWS_OK);
	ck_assert_uint_eq(plan->n_regs, s->n);
}

static void
assert_request(const struct ews__plan *plan, size_t i, unsigned int function,
               unsigned int address, unsigned int count, size_t first, size_t n)
{
	const struct ews__request *q;

	ck_assert_msg(i < plan->n_requests, "request %zu of %zu", i,
	              plan->n_requests);
	q = &plan->requests[i];
	ck_assert_msg(q->function == function && q->address == address &&
	                      q->count == count && q->first == first &&
	                      q->n == n,
	              "request %zu: FC %u @%u ×%u regs[%zu..+%zu], "
	              "want FC %u @%u ×%u regs[%zu..+%zu]",
	              i, q->function, q->address, q->count, q->first, q->n,
	              function, address, count, first, n);
}

/* Registers `count` words wide laid back to back from `address`. */
static void
regset_run(struct regset *s, size_t from, size_t n, unsigned int function,
           unsigned int address, unsigned int words)
{
	size_t i;

	for (i = 0; i < n; i++)
		reg_set(&s->regs[from + i], function,
		        address + (unsigned int)i * (function <= 2 ? 1 : words),
		        words);
}

START_TEST(plan_limits_are_the_modbus_ones)
{
	ck_assert_uint_eq(EWS__MAX_READ_REGISTERS, MAX_REGISTERS);
	ck_assert_uint_eq(EWS__MAX_READ_BITS, MAX_BITS);
}
END_TEST

START_TEST(plan_sorts_registers_by_function_then_address)
{
	struct regset s;
	struct ews__plan plan;
	/* index into s.regs of the expected sorted order */
	static const size_t want[] = { 5, 2, 7, 0, 4, 6, 1, 3 };
	size_t i;

	regset_init(&s, 8);
	reg_set(&s.regs[0], 3, 10, 2);
	reg_set(&s.regs[1], 4, 0, 1);
	reg_set(&s.regs[2], 1, 300, 1);
	reg_set(&s.regs[3], 4, 900, 2);
	reg_set(&s.regs[4], 3, 40000, 1);
	reg_set(&s.regs[5], 1, 7, 1);
	reg_set(&s.regs[6], 3, 65534, 2);
	reg_set(&s.regs[7], 2, 0, 1);
	plan_ok(&s, 1, 16, &plan);
	for (i = 0; i < s.n; i++)
		ck_assert_msg(plan.regs[i] == &s.regs[want[i]],
		              "plan.regs[%zu] is register %td, want %zu", i,
		              plan.regs[i] - s.regs, want[i]);
	ews__plan_free(&plan);

	/* the same registers given in reverse order plan the same */
	for (i = 0; i < s.n; i++)
		s.ptrs[i] = &s.regs[s.n - 1 - i];
	plan_ok(&s, 0, 0, &plan);
	for (i = 0; i < s.n; i++)
		ck_assert_ptr_eq(plan.regs[i], &s.regs[want[i]]);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_contiguous_registers_of_one_function_share_one_request)
{
	struct regset s;
	struct ews__plan plan;

	regset_init(&s, 6);
	reg_set(&s.regs[0], 4, 104, 1);
	reg_set(&s.regs[1], 3, 2, 2);
	reg_set(&s.regs[2], 4, 100, 2);
	reg_set(&s.regs[3], 3, 0, 2);
	reg_set(&s.regs[4], 4, 102, 2);
	reg_set(&s.regs[5], 3, 4, 4);
	plan_ok(&s, 1, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 2);
	assert_request(&plan, 0, 3, 0, 8, 0, 3);
	assert_request(&plan, 1, 4, 100, 5, 3, 3);
	ck_assert_ptr_eq(plan.regs[3], &s.regs[2]);
	ck_assert_ptr_eq(plan.regs[4], &s.regs[4]);
	ck_assert_ptr_eq(plan.regs[5], &s.regs[0]);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_gap_of_exactly_max_gap_merges)
{
	static const unsigned int gaps[] = { 0, 1, 4, 16, 100 };
	size_t g;

	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		unsigned int gap = gaps[g];
		struct regset s;
		struct ews__plan plan;

		/* registers: 10-11 and, after `gap` unread ones, two more */
		regset_init(&s, 2);
		reg_set(&s.regs[0], 3, 10, 2);
		reg_set(&s.regs[1], 3, 12 + gap, 2);
		plan_ok(&s, 1, gap, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, 3, 10, 4 + gap, 0, 2);
		ews__plan_free(&plan);

		/* bits: 10 and, after `gap` unread ones, another */
		reg_set(&s.regs[0], 1, 10, 1);
		reg_set(&s.regs[1], 1, 11 + gap, 1);
		plan_ok(&s, 1, gap, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, 1, 10, 2 + gap, 0, 2);
		ews__plan_free(&plan);
		regset_free(&s);
	}
}
END_TEST

START_TEST(plan_gap_of_max_gap_plus_one_splits)
{
	static const unsigned int gaps[] = { 0, 1, 4, 16, 100 };
	size_t g;

	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		unsigned int gap = gaps[g];
		struct regset s;
		struct ews__plan plan;

		regset_init(&s, 2);
		reg_set(&s.regs[0], 4, 10, 2);
		reg_set(&s.regs[1], 4, 12 + gap + 1, 2);
		plan_ok(&s, 1, gap, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, 4, 10, 2, 0, 1);
		assert_request(&plan, 1, 4, 13 + gap, 2, 1, 1);
		ews__plan_free(&plan);

		reg_set(&s.regs[0], 2, 10, 1);
		reg_set(&s.regs[1], 2, 11 + gap + 1, 1);
		plan_ok(&s, 1, gap, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, 2, 10, 1, 0, 1);
		assert_request(&plan, 1, 2, 12 + gap, 1, 1, 1);
		ews__plan_free(&plan);
		regset_free(&s);
	}
}
END_TEST

START_TEST(plan_different_functions_never_share_a_request)
{
	struct regset s;
	struct ews__plan plan;
	size_t i;

	/* the same addresses under all four functions, and a gap allowance
	 * that would swallow everything */
	regset_init(&s, 8);
	for (i = 0; i < 4; i++) {
		reg_set(&s.regs[2 * i], (unsigned int)(4 - i), 0, 1);
		reg_set(&s.regs[2 * i + 1], (unsigned int)(4 - i), 1, 1);
	}
	plan_ok(&s, 1, 1000, &plan);
	ck_assert_uint_eq(plan.n_requests, 4);
	for (i = 0; i < 4; i++)
		assert_request(&plan, i, (unsigned int)i + 1, 0, 2, 2 * i, 2);
	ews__plan_free(&plan);

	/* FC 3 ending where FC 4 begins */
	reg_set(&s.regs[0], 3, 0, 2);
	reg_set(&s.regs[1], 4, 2, 2);
	s.n = 2;
	plan_ok(&s, 1, 1000, &plan);
	ck_assert_uint_eq(plan.n_requests, 2);
	assert_request(&plan, 0, 3, 0, 2, 0, 1);
	assert_request(&plan, 1, 4, 2, 2, 1, 1);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_splits_fc3_and_fc4_at_125_registers)
{
	unsigned int fn;

	for (fn = 3; fn <= 4; fn++) {
		struct regset s;
		struct ews__plan plan;

		/* 63 f32 back to back: 126 words, one too many */
		regset_init(&s, 63);
		regset_run(&s, 0, 63, fn, 1000, 2);
		plan_ok(&s, 1, 16, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, fn, 1000, 124, 0, 62);
		assert_request(&plan, 1, fn, 1124, 2, 62, 1);
		ews__plan_free(&plan);

		/* 62 of them: 124 words, one request */
		s.n = 62;
		plan_ok(&s, 1, 16, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, fn, 1000, 124, 0, 62);
		ews__plan_free(&plan);

		/* 62 f32 and a u16: exactly 125 words, one request */
		reg_set(&s.regs[62], fn, 1124, 1);
		s.n = 63;
		plan_ok(&s, 1, 16, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, fn, 1000, 125, 0, 63);
		ews__plan_free(&plan);

		/* a hole read across counts toward the limit: 62 f32, then
		 * one more f32 after a hole of 1 would end at word 127 */
		reg_set(&s.regs[62], fn, 1125, 2);
		plan_ok(&s, 1, 16, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, fn, 1000, 124, 0, 62);
		assert_request(&plan, 1, fn, 1125, 2, 62, 1);
		ews__plan_free(&plan);
		regset_free(&s);
	}
}
END_TEST

START_TEST(plan_splits_fc1_and_fc2_at_2000_bits)
{
	unsigned int fn;

	for (fn = 1; fn <= 2; fn++) {
		struct regset s;
		struct ews__plan plan;

		/* 2001 bits back to back */
		regset_init(&s, 2001);
		regset_run(&s, 0, 2001, fn, 5, 1);
		plan_ok(&s, 1, 0, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, fn, 5, 2000, 0, 2000);
		assert_request(&plan, 1, fn, 2005, 1, 2000, 1);
		ews__plan_free(&plan);

		/* 2000 of them: one request */
		s.n = 2000;
		plan_ok(&s, 1, 0, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, fn, 5, 2000, 0, 2000);
		ews__plan_free(&plan);

		/* bits at both ends of a 2000-bit window, the hole read across
		 */
		reg_set(&s.regs[0], fn, 0, 1);
		reg_set(&s.regs[1], fn, 1999, 1);
		s.n = 2;
		plan_ok(&s, 1, 5000, &plan);
		ck_assert_uint_eq(plan.n_requests, 1);
		assert_request(&plan, 0, fn, 0, 2000, 0, 2);
		ews__plan_free(&plan);

		/* one bit further: two requests */
		reg_set(&s.regs[1], fn, 2000, 1);
		plan_ok(&s, 1, 5000, &plan);
		ck_assert_uint_eq(plan.n_requests, 2);
		assert_request(&plan, 0, fn, 0, 1, 0, 1);
		assert_request(&plan, 1, fn, 2000, 1, 1, 1);
		ews__plan_free(&plan);
		regset_free(&s);
	}
}
END_TEST

START_TEST(plan_without_merge_gives_one_request_per_register)
{
	struct regset s;
	struct ews__plan plan;
	size_t i;

	regset_init(&s, 7);
	regset_run(&s, 0, 4, 3, 0, 2);
	reg_set(&s.regs[4], 3, 0, 4); /* overlaps the first */
	regset_run(&s, 5, 2, 1, 0, 1);
	plan_ok(&s, 0, 1000, &plan);
	ck_assert_uint_eq(plan.n_requests, s.n);
	for (i = 0; i < plan.n_requests; i++) {
		const struct ews__request *q = &plan.requests[i];
		const ews_register *r = plan.regs[i];

		assert_request(&plan, i, r->function, r->address, span_of(r), i,
		               1);
		ck_assert_uint_eq(q->count, span_of(r));
	}
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_overlapping_registers_share_a_request_covering_the_longest)
{
	struct regset s;
	struct ews__plan plan;

	/* a u64 energy counter also read as its upper u32 and as a u16 */
	regset_init(&s, 3);
	reg_set(&s.regs[0], 3, 200, 2);
	reg_set(&s.regs[1], 3, 200, 4);
	reg_set(&s.regs[2], 3, 201, 1);
	plan_ok(&s, 1, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 1);
	assert_request(&plan, 0, 3, 200, 4, 0, 3);
	ews__plan_free(&plan);

	/* the longest first: a shorter one inside does not shrink the span */
	reg_set(&s.regs[0], 4, 200, 4);
	reg_set(&s.regs[1], 4, 201, 1);
	reg_set(&s.regs[2], 4, 202, 2);
	plan_ok(&s, 1, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 1);
	assert_request(&plan, 0, 4, 200, 4, 0, 3);
	ews__plan_free(&plan);

	/* two quantities on the same coil */
	reg_set(&s.regs[0], 1, 9, 1);
	reg_set(&s.regs[1], 1, 9, 1);
	s.n = 2;
	plan_ok(&s, 1, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 1);
	assert_request(&plan, 0, 1, 9, 1, 0, 2);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_register_at_address_65534_with_2_words)
{
	struct regset s;
	struct ews__plan plan;
	uint16_t data[4] = { 0 };

	regset_init(&s, 3);
	reg_set(&s.regs[0], 3, 65534, 2);
	s.n = 1;
	plan_ok(&s, 1, 16, &plan);
	ck_assert_uint_eq(plan.n_requests, 1);
	assert_request(&plan, 0, 3, 65534, 2, 0, 1);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[0], data),
	                 data);
	ews__plan_free(&plan);

	/* with neighbours below it and on the last register */
	reg_set(&s.regs[1], 3, 65532, 2);
	reg_set(&s.regs[2], 3, 65535, 1);
	s.n = 3;
	plan_ok(&s, 1, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 1);
	assert_request(&plan, 0, 3, 65532, 4, 0, 3);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[0], data),
	                 data + 2);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[2], data),
	                 data + 3);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_words_returns_the_offset_of_each_register_in_its_request)
{
	struct regset s;
	struct ews__plan plan;
	uint16_t data[MAX_REGISTERS] = { 0 };
	size_t i;

	regset_init(&s, 7);
	reg_set(&s.regs[0], 3, 15, 2);
	reg_set(&s.regs[1], 3, 10, 2);
	reg_set(&s.regs[2], 3, 12, 1);
	reg_set(&s.regs[3], 3, 50, 4); /* a request of its own */
	reg_set(&s.regs[4], 1, 9, 1);
	reg_set(&s.regs[5], 1, 5, 1);
	reg_set(&s.regs[6], 1, 6, 1);
	plan_ok(&s, 1, 2, &plan);
	ck_assert_uint_eq(plan.n_requests, 3);
	assert_request(&plan, 0, 1, 5, 5, 0, 3);
	assert_request(&plan, 1, 3, 10, 7, 3, 3);
	assert_request(&plan, 2, 3, 50, 4, 6, 1);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[5], data),
	                 data);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[6], data),
	                 data + 1);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[0], &s.regs[4], data),
	                 data + 4);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[1], &s.regs[1], data),
	                 data);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[1], &s.regs[2], data),
	                 data + 2);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[1], &s.regs[0], data),
	                 data + 5);
	ck_assert_ptr_eq(ews__plan_words(&plan.requests[2], &s.regs[3], data),
	                 data);

	/* through the plan, as a reader walks it: every register's words lie
	 * inside its request's answer */
	for (i = 0; i < plan.n_requests; i++) {
		const struct ews__request *q = &plan.requests[i];
		size_t k;

		for (k = q->first; k < q->first + q->n; k++) {
			const ews_register *r = plan.regs[k];
			const uint16_t *w = ews__plan_words(q, r, data);

			ck_assert_uint_eq((size_t)(w - data),
			                  r->address - q->address);
			ck_assert_uint_le((size_t)(w - data) + span_of(r),
			                  q->count);
		}
	}
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_of_no_registers_is_empty)
{
	struct regset s;
	struct ews__plan plan;

	regset_init(&s, 0);
	plan_ok(&s, 1, 16, &plan);
	ck_assert_uint_eq(plan.n_regs, 0);
	ck_assert_uint_eq(plan.n_requests, 0);
	ews__plan_free(&plan);
	plan_ok(&s, 0, 0, &plan);
	ck_assert_uint_eq(plan.n_requests, 0);
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

START_TEST(plan_free_twice_is_safe)
{
	struct regset s;
	struct ews__plan plan;

	regset_init(&s, 2);
	reg_set(&s.regs[0], 3, 0, 2);
	reg_set(&s.regs[1], 4, 0, 2);
	plan_ok(&s, 1, 16, &plan);
	ck_assert_uint_eq(plan.n_requests, 2);
	ews__plan_free(&plan);
	ck_assert_ptr_null(plan.regs);
	ck_assert_ptr_null(plan.requests);
	ck_assert_uint_eq(plan.n_regs, 0);
	ck_assert_uint_eq(plan.n_requests, 0);
	ews__plan_free(&plan);
	ck_assert_ptr_null(plan.regs);
	ck_assert_ptr_null(plan.requests);

	/* and a zeroed plan that was never built */
	memset(&plan, 0, sizeof(plan));
	ews__plan_free(&plan);
	regset_free(&s);
}
END_TEST

/* xorshift32: the same sequence on every platform, unlike rand() */
static uint32_t
rnd_next(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

static unsigned int
rnd_below(uint32_t *state, unsigned int n)
{
	return rnd_next(state) % n;
}

/* Why two neighbouring requests of one function were not merged. */
struct split_stats {
	unsigned int by_gap;
	unsigned int by_limit;
	unsigned int unmerged;
};

static void
check_plan(const struct regset *s, const struct ews__plan *plan, int merge,
           unsigned int max_gap, struct split_stats *stats)
{
	size_t i, next = 0;

	ck_assert_uint_eq(plan->n_regs, s->n);

	/* every register appears exactly once among the planned ones */
	for (i = 0; i < s->n; i++) {
		size_t k, seen = 0;

		for (k = 0; k < plan->n_regs; k++)
			seen += plan->regs[k] == s->ptrs[i];
		ck_assert_msg(seen == 1, "register %zu planned %zu times", i,
		              seen);
	}
	/* sorted by function, then address */
	for (i = 1; i < plan->n_regs; i++) {
		const ews_register *a = plan->regs[i - 1], *b = plan->regs[i];

		ck_assert(a->function < b->function ||
		          (a->function == b->function &&
		           a->address <= b->address));
	}
	/* the requests tile the planned registers in order, so each register
	 * is in exactly one request */
	for (i = 0; i < plan->n_requests; i++) {
		const struct ews__request *q = &plan->requests[i];
		unsigned int end = q->address + q->count, max_end = 0;
		unsigned int min_addr = 0xffffffffu;
		size_t k;

		ck_assert_uint_eq(q->first, next);
		ck_assert_uint_ge(q->n, 1);
		next = q->first + q->n;
		ck_assert_uint_le(next, plan->n_regs);
		ck_assert_uint_le(q->count, limit_of(q->function));
		ck_assert_uint_le(end, 65536);
		if (!merge)
			ck_assert_uint_eq(q->n, 1);
		for (k = q->first; k < next; k++) {
			const ews_register *r = plan->regs[k];
			unsigned int r_end = r->address + span_of(r);

			ck_assert_uint_eq(r->function, q->function);
			ck_assert_uint_ge(r->address, q->address);
			ck_assert_uint_le(r_end, end);
			if (r->address < min_addr)
				min_addr = r->address;
			if (r_end > max_end)
				max_end = r_end;
		}
		/* and reads nothing past its registers at either end */
		ck_assert_uint_eq(q->address, min_addr);
		ck_assert_uint_eq(end, max_end);

		if (i > 0 && plan->requests[i - 1].function == q->function) {
			const struct ews__request *p = &plan->requests[i - 1];
			unsigned int p_end = p->address + p->count;
			int gap_ok, limit_ok;

			ck_assert_uint_le(p->address, q->address);
			gap_ok = q->address <= p_end + max_gap;
			limit_ok = (end > p_end ? end : p_end) - p->address <=
			           limit_of(q->function);
			if (merge)
				ck_assert_msg(
				        !(gap_ok && limit_ok),
				        "FC %u requests @%u ×%u and @%u ×%u "
				        "could share a read (max_gap %u)",
				        q->function, p->address, p->count,
				        q->address, q->count, max_gap);
			if (!merge)
				stats->unmerged++;
			else if (!gap_ok)
				stats->by_gap++;
			else
				stats->by_limit++;
		} else if (i > 0) {
			ck_assert_uint_lt(plan->requests[i - 1].function,
			                  q->function);
		}
	}
	ck_assert_uint_eq(next, plan->n_regs);
}

START_TEST(plan_random_maps_keep_the_plan_invariants)
{
	static const unsigned int ranges[] = { 8, 64, 300, 2500, 5000 };
	static const unsigned int gaps[] = { 0, 1, 2, 7, 16, 64, 500, 3000 };
	struct split_stats stats = { 0, 0, 0 };
	uint32_t seed = 0x5eed2024u;
	unsigned int map;

	for (map = 0; map < 1000; map++) {
		unsigned int range = ranges[rnd_below(&seed, 5)];
		unsigned int max_gap = gaps[rnd_below(&seed, 8)];
		unsigned int high = rnd_below(&seed, 4) == 0;
		int merge = rnd_below(&seed, 5) != 0;
		size_t n = 1 + rnd_below(&seed, 40), i;
		struct regset s;
		struct ews__plan plan;

		regset_init(&s, n);
		for (i = 0; i < n; i++) {
			static const unsigned int words[] = { 1, 2, 4 };
			unsigned int fn = 1 + rnd_below(&seed, 4);
			unsigned int w =
			        fn <= 2 ? 1 : words[rnd_below(&seed, 3)];
			/* near 0, or ending at most at 65535 + 1 */
			unsigned int base = high ? 65536 - range - 4 : 0;

			reg_set(&s.regs[i], fn, base + rnd_below(&seed, range),
			        w);
		}
		/* a shuffled pointer order */
		for (i = n; i > 1; i--) {
			size_t j = rnd_below(&seed, (unsigned int)i);
			const ews_register *t = s.ptrs[i - 1];

			s.ptrs[i - 1] = s.ptrs[j];
			s.ptrs[j] = t;
		}
		plan_ok(&s, merge, max_gap, &plan);
		check_plan(&s, &plan, merge, max_gap, &stats);
		ews__plan_free(&plan);
		regset_free(&s);
	}
	/* the maps did exercise every reason to split */
	ck_assert_uint_gt(stats.by_gap, 0);
	ck_assert_uint_gt(stats.by_limit, 0);
	ck_assert_uint_gt(stats.unmerged, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("acq-plan");
	TCase *build = tcase_create("build");
	TCase *limits = tcase_create("limits");
	TCase *words = tcase_create("words");
	TCase *lifetime = tcase_create("lifetime");
	TCase *property = tcase_create("random");

	tcase_add_test(build, plan_sorts_registers_by_function_then_address);
	tcase_add_test(
	        build,
	        plan_contiguous_registers_of_one_function_share_one_request);
	tcase_add_test(build, plan_gap_of_exactly_max_gap_merges);
	tcase_add_test(build, plan_gap_of_max_gap_plus_one_splits);
	tcase_add_test(build, plan_different_functions_never_share_a_request);
	tcase_add_test(build,
	               plan_without_merge_gives_one_request_per_register);
	tcase_add_test(
	        build,
	        plan_overlapping_registers_share_a_request_covering_the_longest);
	tcase_add_test(limits, plan_limits_are_the_modbus_ones);
	tcase_add_test(limits, plan_splits_fc3_and_fc4_at_125_registers);
	tcase_add_test(limits, plan_splits_fc1_and_fc2_at_2000_bits);
	tcase_add_test(limits, plan_register_at_address_65534_with_2_words);
	tcase_add_test(
	        words,
	        plan_words_returns_the_offset_of_each_register_in_its_request);
	tcase_add_test(lifetime, plan_of_no_registers_is_empty);
	tcase_add_test(lifetime, plan_free_twice_is_safe);
	tcase_add_test(property, plan_random_maps_keep_the_plan_invariants);
	suite_add_tcase(s, build);
	suite_add_tcase(s, limits);
	suite_add_tcase(s, words);
	suite_add_tcase(s, lifetime);
	suite_add_tcase(s, property);
	return helper_run(s);
}
