#ifndef EWS_ENGINE_PRIVATE_H
#define EWS_ENGINE_PRIVATE_H
#include <ews/engine.h>

#include "acq-private.h"

/*
 * Live requests: reads whose values are handed over instead of recorded,
 * and writes whose result goes to their own callback. Green'Up's loop
 * reads its meter and stations and writes setpoints this way, on the
 * gateways' workers and ahead of the recording cycle's reads, so it never
 * fights the cycle for an RS485 line.
 */

struct ews__reply {
	const ews_poll_result *result; /* result->command_id: the request */
	const ews_list *readings;      /* a read's values; NULL for a write */
	int64_t mono_us; /* CLOCK_MONOTONIC: a read's answer received, or a
	                    write's request sent */
};

/* Called by ews_engine_dispatch() on the caller's thread. */
typedef void (*ews__reply_cb)(const struct ews__reply *reply, void *ud);

/* Read a device's registers (a selection) now, stamped now_ms. */
ews_status ews__engine_read(ews_engine *eng, int64_t device_id,
                            enum ews__select what, int64_t now_ms,
                            ews__reply_cb cb, void *ud);

/* ews_engine_write() with its own callback. */
ews_status ews__engine_write(ews_engine *eng, int64_t device_id,
                             ews_quantity quantity, double value,
                             ews__reply_cb cb, void *ud);

/* Drop the results of the live requests made with ud so far: their
 * requester is being freed. EWS_ENOMEM: they would still arrive. */
ews_status ews__engine_forget(ews_engine *eng, const void *ud);

/* CLOCK_MONOTONIC in microseconds. */
int64_t ews__mono_us(void);

#endif /* EWS_ENGINE_PRIVATE_H */
