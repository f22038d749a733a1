#ifndef EWS_ENGINE_H
#define EWS_ENGINE_H
#include <ews/common.h>
#include <ews/acq.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/engine.h
 * The acquisition engine (ACQ-2, ACQ-4, ACQ-5): one worker thread per
 * gateway, so gateways are polled in parallel and the devices of one bus
 * one at a time, and a slow or dead bus never delays another.
 *
 * The engine owns no event loop (STYLE.md §10). A caller starts a cycle,
 * waits until ews_engine_fd() turns readable (poll(), libevent, a BMS's
 * own loop), and calls ews_engine_dispatch() on its own thread: that is
 * where readings are recorded (one transaction per cycle), device statuses
 * change and events are written. ews_engine_poll_once() does all of it in
 * one blocking call, for scripts.
 *
 * Recording is aligned to wall-clock multiples of the sample rate: with
 * the default 10 minutes, cycles are due at :00, :10, :20 …
 */

typedef struct ews_engine ews_engine;

enum { EWS_ENGINE_OPTS_VERSION = 1 };

typedef struct ews_engine_opts {
	unsigned int version;        /* EWS_ENGINE_OPTS_VERSION */
	unsigned int tcp_timeout_ms; /* Modbus TCP answer timeout; 1000 */
} ews_engine_opts;

/** Defaults for an options version. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_engine_opts_init(ews_engine_opts *opts,
                                        unsigned int version);

/**
 * An engine for a site. The site must outlive it and is used only from
 * the thread that calls the engine's functions.
 * @param opts NULL for defaults.
 * @return EWS_OK; EWS_EINVAL; EWS_ENOMEM; EWS_EIO (threads, pipe).
 *         Owned: release *out with ews_engine_close().
 */
EWS_API ews_status ews_engine_open(ews_site *site, const ews_engine_opts *opts,
                                   ews_engine **out);

/** Stop the workers (waiting for the request each has in flight) and free
 * the engine. Results not yet dispatched are dropped. NULL is a no-op. */
EWS_API void ews_engine_close(ews_engine *eng);

/** A file descriptor that is readable while results wait for dispatch. */
EWS_API int ews_engine_fd(const ews_engine *eng);

/**
 * When the next recording cycle is due: the first multiple of the site's
 * sample rate (in UTC wall-clock time) after now_ms.
 */
EWS_API int64_t ews_engine_next_due_ms(ews_engine *eng, int64_t now_ms);

/**
 * Queue one read of every enabled device of every enabled gateway, stamped
 * now_ms; returns at once. The configuration is read now: devices added
 * later join the next cycle.
 * @return EWS_OK; EWS_EBUSY while the previous cycle is still running.
 */
EWS_API ews_status ews_engine_start_cycle(ews_engine *eng, int64_t now_ms);

/** Whether a cycle is running (started and not yet fully dispatched). */
EWS_API int ews_engine_busy(const ews_engine *eng);

/** Outcome of one device in a cycle. */
typedef struct ews_poll_result {
	int64_t device_id;
	int64_t gateway_id;
	ews_outcome outcome;
	unsigned int exception_code;
	unsigned int readings;      /* values recorded */
	unsigned int round_trip_us; /* sum over the device's requests */
	char message[EWS_TEXT_MAX];
	int64_t command_id; /* ews_engine_write()'s id; 0 for a read */
} ews_poll_result;

/** Called by dispatch for each device whose read finished. */
typedef void (*ews_poll_cb)(const ews_poll_result *result, void *userdata);

/**
 * Take the results that are ready: set statuses (and events), and when the
 * last device of the cycle has reported, record the cycle's readings in one
 * transaction (counters rounded to thousandths of their unit: mWh, cm³).
 * Never blocks. cb may be NULL.
 * @return EWS_OK; EWS_EIO or EWS_EBUSY when recording failed (the cycle's
 *         readings are then lost, and the error says so).
 */
EWS_API ews_status ews_engine_dispatch(ews_engine *eng, ews_poll_cb cb,
                                       void *userdata);

/**
 * Queue a command (ACQ-6) on the worker of the device's gateway, ahead of
 * its next read: on an RS485 bus the worker owns the line. The value is in
 * the canonical unit of the quantity (e.g. setpoint_current in A). Its
 * result comes through ews_engine_dispatch() with this command_id.
 * @return EWS_OK with *command_id; EWS_EINVAL (no writable register for
 *         the quantity, or a value that does not fit it); EWS_ENOMAP;
 *         EWS_EDENIED (device or gateway OFF); EWS_ENOTFOUND; EWS_ENOMEM.
 */
EWS_API ews_status ews_engine_write(ews_engine *eng, int64_t device_id,
                                    ews_quantity quantity, double value,
                                    int64_t *command_id);

/** Receives a live read's values in ews_engine_dispatch(): `readings`
 * (ews_list_reading) is valid during the call only. */
typedef void (*ews_read_cb)(const ews_poll_result *result,
                            const ews_list *readings, void *userdata);

/**
 * Read every quantity of a device's map now (ACQ-3, a device's live
 * values), through its gateway's worker and ahead of the recording
 * cycle's reads, without recording anything and without blocking the
 * caller. The result comes to cb through ews_engine_dispatch(); it is
 * dropped if the engine is closed first.
 * @return EWS_OK; EWS_EDENIED (device or gateway OFF); EWS_ENOTFOUND;
 *         EWS_ENOMAP; EWS_EINVAL (no cb); EWS_ENOMEM.
 */
EWS_API ews_status ews_engine_read(ews_engine *eng, int64_t device_id,
                                   int64_t now_ms, ews_read_cb cb,
                                   void *userdata);

/** Commands queued or in flight whose result is not yet dispatched. */
EWS_API size_t ews_engine_commands_pending(const ews_engine *eng);

/**
 * One whole cycle now, blocking: start, wait, dispatch. Items of *out are
 * ews_poll_result, by device id: the cycle's reads, and the results of any
 * command that finished meanwhile (command_id set).
 * @return as ews_engine_start_cycle() and ews_engine_dispatch().
 *         Owned: release *out with ews_list_free().
 */
EWS_API ews_status ews_engine_poll_once(ews_engine *eng, int64_t now_ms,
                                        ews_list **out);

/** Result i of a poll result list, or NULL. */
EWS_API const ews_poll_result *ews_list_poll_result(const ews_list *list,
                                                    size_t i);

EWS_END_DECLS
#endif /* EWS_ENGINE_H */
