#ifndef EWS_GREENUP_H
#define EWS_GREENUP_H
#include <ews/common.h>
#include <ews/engine.h>
#include <ews/evse.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/greenup.h
 * Green'Up live: the controller of <ews/evse.h> run against a site's
 * real stations (EVS-1..6), the stations' settings and details (EVS-5),
 * and the per-charge commands (EVS-4).
 *
 * The loop reads the total power consumption meter (its phase currents
 * only) and every managed station through the acquisition engine, ahead
 * of the recording cycle's reads, every period_ms. Each answer of the
 * meter runs one controller step; a missed answer is a step without a
 * meter, so the fail-safe rule applies on time even when a gateway
 * hangs. Setpoints (and charge enable, where a map has it) are written
 * through the engine as soon as the step has decided. Like the engine,
 * the loop owns no clock and no event loop: the caller ticks it.
 *
 * After each step the loop stores what it sees and did (the status
 * below) in the site, so any process (`ews evse status`, the web UI)
 * reads it; commands given by any process (Start/Wait, plug enable)
 * are picked up by the running loop at its next tick.
 */

/* ------------------------------------------------------------------ */
/* A station's settings                                                */

enum { EWS_EVSE_STATION_SETUP_VERSION = 1 };

typedef struct ews_evse_station_setup {
	unsigned int version; /* EWS_EVSE_STATION_SETUP_VERSION */
	int64_t device_id;
	int priority;     /* default priority (EVS-4): 0 normal, 1 priority */
	double rated_a;   /* the station's rated current, 6-80 A (32) */
	int plug_enabled; /* the EV plug may charge (EVS-5); 1 */
} ews_evse_station_setup;

/** A station's settings (its defaults when none were stored).
 * @return EWS_OK; EWS_ENOTFOUND; EWS_EINVAL (not a station). */
EWS_API ews_status ews_site_evse_station_get(ews_site *site, int64_t device_id,
                                             ews_evse_station_setup *out);

/** Store a station's settings, checked (field named).
 * @return EWS_OK; EWS_EINVAL; EWS_ENOTFOUND. */
EWS_API ews_status ews_site_evse_station_set(ews_site *site,
                                             const ews_evse_station_setup *s);

/* ------------------------------------------------------------------ */
/* Per-charge commands (EVS-4)                                         */

/**
 * Start or Wait for the charge now on a station (EWS_HOLD_NONE clears
 * it). It holds until the vehicle leaves. The charge is the one the
 * running loop last reported on that station.
 * @return EWS_OK; EWS_EDENIED (no vehicle connected, as last reported);
 *         EWS_EINVAL; EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_evse_hold(ews_site *site, int64_t device_id,
                                      ews_evse_hold hold);

/**
 * Priority (1) or Normal (0) for the charge now on a station, whatever
 * the station's default; -1 back to the default. Rules as for
 * ews_site_evse_hold().
 */
EWS_API ews_status ews_site_evse_charge_priority(ews_site *site,
                                                 int64_t device_id,
                                                 int priority);

/* ------------------------------------------------------------------ */
/* Status (EVS-5)                                                      */

/** A charge's state as the manual shows it. */
typedef enum ews_evse_charge_state {
	EWS_CHARGE_AVAILABLE = 0, /* no vehicle */
	EWS_CHARGE_BUSY = 1,      /* a vehicle that does not charge */
	EWS_CHARGE_CHARGING = 2,
	EWS_CHARGE_WAITING = 3 /* held back by Green'Up (waiting, paused,
	                          stopped) */
} ews_evse_charge_state;

/** "available", "busy", "charging", "waiting"; NULL if unknown. */
EWS_API const char *ews_evse_charge_state_name(ews_evse_charge_state s);

typedef struct ews_evse_station_status {
	int64_t device_id;
	char name[EWS_NAME_MAX];
	char model[EWS_NAME_MAX];
	/* the station */
	int powered; /* it answered its last read */
	int managed; /* the loop controls it (ON, plug enabled, writable) */
	int plug_enabled;
	char error[EWS_TEXT_MAX]; /* station error or charge error; "" */
	double rated_a;
	int phases, phase; /* phase: 1-3 for a single-phase station */
	/* the charge */
	ews_evse_charge_state charge;
	ews_evse_state state; /* the controller's */
	int cp_state;         /* IEC 61851 pilot (ews_cp_state); 0 unknown */
	double setpoint_a;    /* last signalled */
	double current_a;     /* drawn, per phase (the highest) */
	double charged_ah;    /* received in this charge */
	int64_t connected_ms; /* when this charge's vehicle came; 0 none */
	ews_evse_hold hold;
	int priority;          /* in force for this charge */
	int priority_override; /* -1 none, 0 normal, 1 priority */
	char reason[EWS_EVSE_REASON_MAX];
} ews_evse_station_status;

enum { EWS_EVSE_STATUS_VERSION = 1 };

typedef struct ews_evse_status {
	unsigned int version; /* EWS_EVSE_STATUS_VERSION */
	int enabled;          /* the control logic is ON */
	int64_t t_ms;         /* the loop's last step; 0: never ran */
	ews_evse_zone zone;
	double phase_a[3]; /* the meter's, or the stations' sum */
	int meter_ok;      /* the meter answered at the last step */
	int failsafe;      /* the meter is lost: fail-safe currents */
	size_t n;
	ews_evse_station_status station[EWS_EVSE_STATIONS_MAX];
} ews_evse_status;

/**
 * The status the running loop last stored (t_ms tells how fresh it is).
 * @return EWS_OK; EWS_EINVAL (version).
 */
EWS_API ews_status ews_site_evse_status(ews_site *site, ews_evse_status *out);

/* ------------------------------------------------------------------ */
/* The loop                                                            */

typedef struct ews_greenup ews_greenup;

/**
 * A loop for the site's setup, driving its reads and writes through
 * `eng` (which must outlive it). It reads the setup again whenever it
 * changes, from this or another process.
 * @return EWS_OK; EWS_ENOMEM. Release with ews_greenup_close(), before
 *         the engine: the engine then drops its requests still in
 *         flight.
 */
EWS_API ews_status ews_greenup_open(ews_site *site, ews_engine *eng,
                                    ews_greenup **out);
EWS_API void ews_greenup_close(ews_greenup *gu);

/** When the next tick is due: now_ms before the first, then the setup's
 * period after the last one. Keep ticking while the control logic is
 * OFF: a tick then only notices whether it was switched ON. */
EWS_API int64_t ews_greenup_next_due_ms(ews_greenup *gu, int64_t now_ms);

/**
 * One period at now_ms: queue the reads of the meter and the stations.
 * Their answers run the controller inside ews_engine_dispatch(). If the
 * meter has not answered since the last tick, the step runs now without
 * it. While OFF, nothing is read.
 * @return EWS_OK; the engine's or the site's error.
 */
EWS_API ews_status ews_greenup_tick(ews_greenup *gu, int64_t now_ms);

/** Statistics of a loop, for benchmarks and diagnostics. */
typedef struct ews_greenup_stats {
	uint64_t steps;          /* controller steps run */
	uint64_t command_steps;  /* steps that wrote at least one setpoint */
	uint64_t timed_steps;    /* such steps run by a meter answer */
	int64_t last_command_us; /* of the last of those: the meter's answer
	                            received -> its first write sent */
	uint64_t writes, write_failures;
	uint64_t meter_misses; /* periods without a meter answer */
} ews_greenup_stats;

/** The loop's status (as stored) and statistics; either may be NULL. */
EWS_API ews_status ews_greenup_status(ews_greenup *gu, ews_evse_status *status,
                                      ews_greenup_stats *stats);

EWS_END_DECLS
#endif /* EWS_GREENUP_H */
