#ifndef EWS_COUNTER_H
#define EWS_COUNTER_H
#include <stdint.h>

/*
 * The rules that turn two readings of a cumulative counter into the
 * consumption between them (CON-1). Pure: amounts are integer thousandths
 * of the counter's unit. docs/consumption.md explains each case.
 */
typedef enum ews__counter_case {
	EWS__COUNTER_NORMAL = 0,   /* went up or stayed: the difference */
	EWS__COUNTER_JITTER = 1,   /* went back within the tolerance: 0 */
	EWS__COUNTER_ROLLOVER = 2, /* wrapped at the register's width */
	EWS__COUNTER_RESET = 3,    /* restarted near 0: counts the reading */
	EWS__COUNTER_REBASE = 4    /* jumped back elsewhere: unknown, 0 */
} ews__counter_case;

typedef struct ews__counter_step {
	int64_t delta_milli; /* never negative */
	ews__counter_case kind;
	int estimated; /* the true amount is not known exactly */
} ews__counter_step;

/*
 * Consumption from reading `prev` to reading `cur`. `range_milli` is the
 * counter's modulus (the largest value plus one step) when the register
 * wraps, or 0 when it does not or is not known.
 */
ews__counter_step ews__counter_delta(int64_t prev_milli, int64_t cur_milli,
                                     int64_t range_milli);

/* Largest backwards step read as meter jitter after `prev_milli`. */
int64_t ews__counter_jitter_tolerance(int64_t prev_milli);

#endif /* EWS_COUNTER_H */
