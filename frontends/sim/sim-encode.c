/*
 * Canonical value -> the words of a register: the inverse of
 * ews_register_decode(). raw = value / factor; integer types round to the
 * nearest raw value and clamp to the type's range; a value table (coded
 * states) gives the first raw code whose value matches.
 */
#include <math.h>
#include <string.h>

#include "sim.h"

/* Raw value of a coded register: the first row of its table with that
 * value; the first row when none has it. */
static int64_t
table_raw(const ews_register *r, double value)
{
	size_t i;

	for (i = 0; i < r->value_count; i++)
		if (fabs(r->values[i].value * r->factor - value) < 1e-9)
			return r->values[i].raw;
	return r->values[0].raw;
}

static double
clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* The bits of an integer register, two's complement for signed types. */
static uint64_t
integer_bits(const ews_register *r, double value)
{
	double raw;

	if (r->value_count > 0)
		return (uint64_t)table_raw(r, value);
	raw = nearbyint(value / r->factor);
	if (!isfinite(raw))
		raw = 0;
	switch (r->type) {
	case EWS_REG_S16:
		return (uint16_t)(int16_t)clamp(raw, INT16_MIN, INT16_MAX);
	case EWS_REG_U32:
		return (uint32_t)clamp(raw, 0, UINT32_MAX);
	case EWS_REG_S32:
		return (uint32_t)(int32_t)clamp(raw, INT32_MIN, INT32_MAX);
	case EWS_REG_U64:
		/* 2^64 is not below UINT64_MAX as a double: stay under it */
		return raw >= 18446744073709549568.0
		               ? UINT64_MAX
		               : (uint64_t)clamp(raw, 0,
		                                 18446744073709549568.0);
	case EWS_REG_S64:
		return (uint64_t)(raw >= 9223372036854774784.0
		                          ? INT64_MAX
		                          : (int64_t)clamp(
		                                    raw, (double)INT64_MIN,
		                                    9223372036854774784.0));
	case EWS_REG_BIT:
		return raw != 0;
	case EWS_REG_ASCII_LOW:
	case EWS_REG_ASCII_HIGH:
		return (uint64_t)clamp(raw, 0, 255);
	default: /* u16 */
		return (uint16_t)clamp(raw, 0, UINT16_MAX);
	}
}

static uint64_t
float_bits(const ews_register *r, double value)
{
	uint64_t bits = 0;

	if (r->type == EWS_REG_F32) {
		float f = (float)(value / r->factor);
		uint32_t b;

		memcpy(&b, &f, sizeof(b));
		bits = b;
	} else {
		double d = value / r->factor;

		memcpy(&bits, &d, sizeof(bits));
	}
	return bits;
}

void
sim_encode(const ews_register *r, double value, uint16_t *out)
{
	uint64_t bits;
	unsigned int i, n = r->words;

	if (r->type == EWS_REG_F32 || r->type == EWS_REG_F64)
		bits = float_bits(r, value);
	else
		bits = integer_bits(r, value);
	if (r->type == EWS_REG_ASCII_HIGH)
		bits <<= 8;
	/* most significant word first, then reversed for "lsw" */
	for (i = 0; i < n; i++) {
		uint16_t w = (uint16_t)(bits >> (16 * (n - 1 - i)));

		out[r->word_order == EWS_WORDS_LSW ? n - 1 - i : i] = w;
	}
}
