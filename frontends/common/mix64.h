/*
 * SplitMix64's finaliser: a well-mixed 64-bit hash of x. ews-sim and
 * ews-demo draw their deterministic noise from it, so that a seed gives the
 * same figures on every machine.
 */
#ifndef EWS_FRONT_MIX64_H
#define EWS_FRONT_MIX64_H

#include <stdint.h>

static inline uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

#endif
