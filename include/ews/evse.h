#ifndef EWS_EVSE_H
#define EWS_EVSE_H
#include <ews/common.h>
#include <ews/site.h>
EWS_BEGIN_DECLS

/**
 * @file ews/evse.h
 * Green'Up: EV charging load management (EVS-1..6, manual §7.16.5, §8.3).
 *
 * The controller is pure: each step takes `now`, the per-phase currents
 * of the total power consumption meter (or none), what each station
 * reports, and returns what each station must do. It keeps its memory
 * (who was reduced when, who waits since when) in an ews_evse handle;
 * nothing else (no clock, no I/O). The rules, top down:
 *
 * Zones, per phase, from the measured currents: green up to the maximum
 * current available for charging, yellow up to the maximum current
 * available, red above it. Leaving a zone for a lower one needs the
 * current to fall by the hysteresis (% of the maximum current available)
 * under its threshold. A station's zone is the worst of its phases (a
 * single-phase station sees only its phase, EVS-6).
 *
 * Decisions use the *expected* currents: the measured ones, less what
 * each station draws now, plus what it will draw at the setpoint it was
 * signalled (capped by its vehicle's demand). So a reduction is not
 * repeated while the vehicles follow it, and a start is counted before
 * the vehicle draws.
 *
 * - Red (expected): reduce the stations on the overloaded phases, all to
 *   the first step, then all to the second, in the reduction order, as
 *   far as needed; still red at the second step: stop charges in the
 *   stop order (EVS-2).
 * - Yellow with a request waiting: reduce one station one step per step
 *   (reduction order), to make room (EVS-2).
 * - Green: resume the waiting charge that waits longest (priority
 *   stations first) at the highest step that keeps the phases green (the
 *   hysteresis under the green threshold); otherwise raise a reduced
 *   charge one step, first-reduced first (EVS-3). One such action per
 *   step.
 *
 * Orders. Reduction and stop: non-priority stations first; then those
 * that have received the minimum guaranteed charge; then the one
 * connected longest. The manual stops only non-priority stations that
 * have received the minimum charge; when that is not enough, ews goes on
 * down the same order rather than let the breaker trip.
 *
 * Beyond the manual: a setpoint below 6 A (IEC 61851) is a pause; no
 * station's setpoint changes more often than every 5 s, and a paused or
 * stopped charge stays so at least 60 s; when the meter has not been
 * read for 3 periods, every charge drops to the fail-safe current
 * (EWS_EVSE_FAILSAFE); Start/Wait and Normal/Priority overrides hold for
 * the current charge only (EVS-4): they end when the vehicle leaves.
 */

enum {
	EWS_EVSE_STATIONS_MAX = 64,
	EWS_EVSE_MIN_A = 6, /* the lowest current IEC 61851 lets a car draw */
	EWS_EVSE_REASON_MAX = 96
};

typedef enum ews_evse_zone {
	EWS_ZONE_GREEN = 0,
	EWS_ZONE_YELLOW = 1,
	EWS_ZONE_RED = 2
} ews_evse_zone;

/** "green", "yellow", "red"; NULL if unknown. */
EWS_API const char *ews_evse_zone_name(ews_evse_zone zone);

enum { EWS_EVSE_CONFIG_VERSION = 1 };

/** EVS-1. Currents in A, per phase. */
typedef struct ews_evse_config {
	unsigned int version;          /* EWS_EVSE_CONFIG_VERSION */
	int meter;                     /* 1: a total power consumption meter;
	                                  0: a dedicated supply (stations only) */
	double max_current_a;          /* red threshold */
	double max_charging_current_a; /* green/yellow threshold */
	double hysteresis_pct;         /* % of max_current_a (0) */
	double step1_pct, step2_pct;   /* % of rated current (75, 50) */
	double min_charge_ah;          /* minimum guaranteed charge (32) */
	double failsafe_current_a;     /* with the meter lost (6) */
	int64_t period_ms;             /* of the meter's reads (1000) */
	int missed_periods;            /* meter lost after (3) */
	int64_t change_min_ms;         /* between setpoint changes (5000) */
	int64_t pause_min_ms;          /* a pause or stop lasts (60000) */
} ews_evse_config;

/** The defaults above, with the maximum currents 0 (to set). */
EWS_API ews_status ews_evse_config_init(ews_evse_config *c,
                                        unsigned int version);

/** EWS_OK, or EWS_EINVAL naming the field and why. */
EWS_API ews_status ews_evse_config_check(const ews_evse_config *c);

/** A per-charge override of Start/Wait (EVS-4). */
typedef enum ews_evse_hold {
	EWS_HOLD_NONE = 0,
	EWS_HOLD_START = 1, /* start now: first of the waiting list */
	EWS_HOLD_WAIT = 2   /* do not charge until Start or the car leaves */
} ews_evse_hold;

/** What a station reports at a step. */
typedef struct ews_evse_station {
	int64_t id;
	int phases;            /* 1 or 3 */
	int phase;             /* a single-phase station's phase, 1-3 (L1-L3) */
	double rated_a;        /* the station's rated current */
	int priority;          /* the station's default (EVS-4) */
	int connected;         /* a vehicle is plugged in */
	double demand_a;       /* what the vehicle would draw; 0: none */
	double current_a;      /* what it draws now, per phase */
	double charged_ah;     /* received in this charge */
	int64_t connected_ms;  /* when this charge's vehicle was plugged */
	ews_evse_hold hold;    /* this charge's Start/Wait */
	int priority_override; /* this charge: -1 none, 0 normal, 1 priority */
} ews_evse_station;

typedef enum ews_evse_state {
	EWS_EVSE_IDLE = 0,     /* no vehicle, or it wants no current */
	EWS_EVSE_CHARGING = 1, /* authorised at setpoint_a */
	EWS_EVSE_WAITING = 2,  /* a request not authorised yet */
	EWS_EVSE_PAUSED = 3,   /* held off: less than 6 A was available */
	EWS_EVSE_STOPPED = 4   /* stopped in the red zone */
} ews_evse_state;

/** "idle", "charging", "waiting", "paused", "stopped"; NULL if unknown. */
EWS_API const char *ews_evse_state_name(ews_evse_state state);

/** What a station must do after a step. */
typedef struct ews_evse_decision {
	int64_t id;
	ews_evse_state state;
	double setpoint_a;  /* the current to signal; 0: charging not allowed */
	int changed;        /* setpoint_a differs from the step before */
	ews_evse_zone zone; /* of the station's phases, measured */
	char reason[EWS_EVSE_REASON_MAX];
} ews_evse_decision;

typedef struct ews_evse_result {
	ews_evse_zone zone;   /* the worst phase, measured */
	double phase_a[3];    /* the meter's, or the stations' sum */
	int failsafe;         /* the meter is lost: fail-safe currents */
	int failsafe_changed; /* failsafe differs from the step before */
	size_t n;
	ews_evse_decision station[EWS_EVSE_STATIONS_MAX]; /* as given */
} ews_evse_result;

typedef struct ews_evse ews_evse;

/** A controller for a configuration (checked). Release: ews_evse_free. */
EWS_API ews_status ews_evse_new(const ews_evse_config *c, ews_evse **out);
EWS_API void ews_evse_free(ews_evse *e);

/**
 * One step at now_ms.
 * @param meter_a  this period's reading of the total meter, per phase
 *                 (A), or NULL when there is none this period (a missed
 *                 read, or a dedicated supply).
 * @param st, n    every station, n <= EWS_EVSE_STATIONS_MAX; a station
 *                 missing from a step has left.
 * @return EWS_OK; EWS_EINVAL naming the field (a station's phases,
 *         phase, rated current, a time going backwards).
 */
EWS_API ews_status ews_evse_step(ews_evse *e, int64_t now_ms,
                                 const double *meter_a,
                                 const ews_evse_station *st, size_t n,
                                 ews_evse_result *out);

/* ------------------------------------------------------------------ */
/* A site's Green'Up setup (EVS-1, EVS-4)                              */

enum { EWS_EVSE_SETUP_VERSION = 1 };

typedef struct ews_evse_setup {
	unsigned int version; /* EWS_EVSE_SETUP_VERSION */
	int enabled;          /* the control logic, ON/OFF */
	/* The total power consumption meter: a device of the site that
	 * measures the current of every phase; 0: a dedicated supply
	 * (config.meter follows). */
	int64_t meter_device_id;
	ews_evse_config config;
} ews_evse_setup;

/** Defaults: off, no meter, ews_evse_config_init()'s config. */
EWS_API ews_status ews_evse_setup_init(ews_evse_setup *s, unsigned int version);

/** The site's setup (the defaults until one is stored). */
EWS_API ews_status ews_site_evse_get(ews_site *site, ews_evse_setup *out);

/**
 * Store the setup. The configuration is checked as ews_evse_new() would
 * (while off, the maximum currents may still be 0); the meter must be a
 * device of the site whose model measures the current of L1, L2 and L3.
 * Deleting that device is then refused (EWS_EINUSE).
 * @return EWS_OK; EWS_EINVAL or EWS_ENOTFOUND naming the field.
 */
EWS_API ews_status ews_site_evse_set(ews_site *site, const ews_evse_setup *s);

/**
 * A charging station's default priority (EVS-4, the manual's "Priority
 * stations"); 0 normal, 1 priority. The device must be an EV station.
 * @return EWS_OK; EWS_ENOTFOUND; EWS_EINVAL (not a station).
 */
EWS_API ews_status ews_site_evse_priority_set(ews_site *site, int64_t device_id,
                                              int priority);
EWS_API ews_status ews_site_evse_priority_get(ews_site *site, int64_t device_id,
                                              int *priority);

/* ------------------------------------------------------------------ */
/* Simulation for installers                                           */

/** Receives one line of a simulation's output: JSON, without newline. */
typedef void (*ews_evse_sim_emit)(const char *line, size_t len, void *ctx);

/**
 * Run the controller against simulated stations and vehicles, without
 * hardware (docs/evse.md has the scenario format): a vehicle draws 95 %
 * of the signalled current, capped by its demand, ev_response_s after a
 * change. One JSON line per step where anything changed (every step
 * with every_step):
 * {"t","zone","phase_a":[…],"failsafe","stations":[{"id","state",
 * "setpoint_a","current_a","charged_ah","reason"}]}, then
 * {"summary":{"overload_s","max_phase_a","setpoint_changes":{id: n},
 * "delivered_ah":{id: Ah},"t_comply_s":[…]}}.
 * @param scenario JSON text of len bytes.
 * @return EWS_OK; EWS_EINVAL naming the field (e.g. "events[3].connect"):
 *         nothing was emitted.
 */
EWS_API ews_status ews_evse_simulate(const char *scenario, size_t len,
                                     int every_step, ews_evse_sim_emit emit,
                                     void *ctx);

EWS_END_DECLS
#endif /* EWS_EVSE_H */
