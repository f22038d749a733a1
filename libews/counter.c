#include "counter.h"

/*
 * A counter that never goes backwards gives its difference. Backwards
 * steps are read, in this order, as:
 *  - jitter: at most 0.01 % of the reading plus one unit (float registers
 *    and averaging meters wobble by a few digits): 0, so that no wobble is
 *    ever negative consumption;
 *  - rollover: the register wrapped (the old reading was in its top tenth,
 *    the new one is in its bottom tenth): the distance through the wrap;
 *  - reset: the new reading is nearer to 0 than to the old one (meter
 *    reset or replaced by a new one): the meter counted the new reading
 *    from 0, and what it counted between the old reading and the reset
 *    is lost, so the interval is estimated;
 *  - rebase: anything else (a meter swapped for a used one): nothing is
 *    invented, 0, estimated; the next interval counts from the new value.
 */

int64_t
ews__counter_jitter_tolerance(int64_t prev_milli)
{
	return (prev_milli > 0 ? prev_milli / 10000 : 0) + 1000;
}

ews__counter_step
ews__counter_delta(int64_t prev_milli, int64_t cur_milli, int64_t range_milli)
{
	ews__counter_step s = { 0, EWS__COUNTER_NORMAL, 0 };
	int64_t back;

	if (cur_milli >= prev_milli) {
		s.delta_milli = cur_milli - prev_milli;
		return s;
	}
	back = prev_milli - cur_milli;
	if (back <= ews__counter_jitter_tolerance(prev_milli)) {
		s.kind = EWS__COUNTER_JITTER;
		return s;
	}
	if (range_milli > 0 && prev_milli >= range_milli - range_milli / 10 &&
	    prev_milli < range_milli && cur_milli >= 0 &&
	    cur_milli < range_milli / 10) {
		s.kind = EWS__COUNTER_ROLLOVER;
		s.delta_milli = range_milli - prev_milli + cur_milli;
		return s;
	}
	s.estimated = 1;
	if (cur_milli >= 0 && cur_milli < back) {
		s.kind = EWS__COUNTER_RESET;
		s.delta_milli = cur_milli;
	} else {
		s.kind = EWS__COUNTER_REBASE;
	}
	return s;
}
