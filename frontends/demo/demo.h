#ifndef EWS_DEMO_H
#define EWS_DEMO_H

/*
 * Internal interface of `ews-demo`, which builds the demo site: a small
 * office building near Milan with its meters, gas and water counters,
 * breakers and EV stations on two gateways, its tariffs and Green'Up,
 * a history of its counters up to a given instant, and the ews-sim
 * configuration that serves the same devices from that instant on.
 *
 *   main.c     options, the run, what is printed
 *   site.c     the devices of the building and the site's configuration
 *   tariff.c   the electricity, gas and water tariffs and their rules
 *   profile.c  pure: what each device draws at a local time (office
 *              hours, weekends, holidays, seasons, EV sessions)
 *   history.c  the counters' history, stored through the store API with
 *              explicit timestamps (the injected clock)
 *   simcfg.c   the ews-sim configuration file
 *
 * Like every frontend it uses the public libews API only.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ews/ews.h>

/* Exit status, as for `ews`. */
enum demo_exit {
	DEMO_EXIT_OK = 0,
	DEMO_EXIT_USAGE = 1,
	DEMO_EXIT_REFUSED = 2, /* libews refused a value */
	DEMO_EXIT_IO = 3       /* file, site or database error */
};

/* What a device is, for its profile. */
enum demo_kind {
	DEMO_MAIN,        /* the main incomer: the whole building */
	DEMO_HEATING,     /* boiler room: pumps, burner fans, controls */
	DEMO_COOLING,     /* chiller and the server room's split unit */
	DEMO_DHW,         /* electric water heaters */
	DEMO_LIGHTING,    /* indoor and outdoor lighting */
	DEMO_SOCKETS,     /* office sockets: computers, kitchenette */
	DEMO_VENTILATION, /* air handling unit, extract fans */
	DEMO_EV,          /* an EV charging station */
	DEMO_GAS,         /* the gas meter: the boiler */
	DEMO_WATER,       /* the water meter */
	DEMO_BREAKER      /* a circuit breaker: no counter */
};

enum { DEMO_GATEWAYS = 2, DEMO_DEVICES_MAX = 24, DEMO_GROUPS_MAX = 2 };

/* One device of the building, as configured and as simulated. */
struct demo_device {
	const char *name;
	const char *model; /* catalogue key */
	enum demo_kind kind;
	unsigned int gateway; /* 0 or 1 */
	unsigned int address, position;
	const char *load; /* a load's name; NULL: none (gas, water: theirs) */
	const char *groups[DEMO_GROUPS_MAX];
	int exclude_totals;
	int sim_present; /* EV: a vehicle is connected when ews-sim starts */
	/* set when the site is built */
	int64_t id;
	const ews_model *m;
	const ews_register *counter; /* its counter register; NULL: none */
	/* set by the history */
	double start;    /* the counter when the history begins */
	double total;    /* the exact counter, Wh or dm3 */
	double recorded; /* the counter as last stored */
	uint64_t samples;
};

/* The building: its devices and the site's objects they use. */
struct demo {
	ews_site *site;
	unsigned int ports[DEMO_GATEWAYS];
	int64_t gateway_ids[DEMO_GATEWAYS];
	struct demo_device dev[DEMO_DEVICES_MAX];
	size_t ndev;
	uint64_t seed;
};

/* Where a history step falls in local time (the site's zone). */
struct demo_when {
	int32_t year;
	unsigned int month, day; /* 1-12, 1-31 */
	unsigned int weekday;    /* 0 Monday … 6 Sunday */
	unsigned int yday;       /* 0-365 */
	double hour;             /* local hour of the day, 0-24 */
	int64_t day_index;       /* days since 1970-01-01, local date */
	double workday;          /* 1 an open day; 0 closed; in between */
	double outdoor_c;        /* outdoor temperature */
};

/* ------------------------------------------------------------------ */
/* site.c                                                              */

/* The building's devices (names, models, addresses, loads, groups). */
void demo_devices(struct demo *d);

/* Settings, boards, groups, the user load, the gateways on ports[0] and
 * ports[1] of 127.0.0.1, the devices, Green'Up. Exit status; the reason
 * is printed. */
int demo_build_site(struct demo *d);

/* "ews-demo: what: <libews's reason>" on stderr; the exit status that
 * fits the libews status. */
int demo_fail(const char *what, ews_status st);

/* ------------------------------------------------------------------ */
/* tariff.c                                                            */

/* Peak and off-peak electricity (with the public holidays of the years
 * from first_year to last_year), gas and water. Exit status. */
int demo_build_tariffs(struct demo *d, int32_t first_year, int32_t last_year);

/* ------------------------------------------------------------------ */
/* profile.c                                                           */

/* Local date and time of t_ms in the process's zone (TZ), with the day's
 * opening and weather. */
void demo_when_at(int64_t t_ms, uint64_t seed, struct demo_when *w);

/* Whether a local date is a public holiday in Italy. */
int demo_is_holiday(int32_t year, unsigned int month, unsigned int day);

/* Easter Sunday of a year (Gregorian): its month and day. */
void demo_easter(int32_t year, unsigned int *month, unsigned int *day);

/* Mean power (W) of a device over [t0_ms, t1_ms), whose middle falls at
 * w, or for gas and water the mean flow (dm3/h). The main incomer's own
 * share only (the rest of the building is added by the caller). */
double demo_power(const struct demo *d, const struct demo_device *dev,
                  const struct demo_when *w, int64_t t0_ms, int64_t t1_ms);

/* Uniform in [0, 1) for stream `salt`, index k: a hash of the seed. */
double demo_rand(uint64_t seed, uint64_t salt, int64_t k);

/* ------------------------------------------------------------------ */
/* history.c                                                           */

struct demo_history {
	int64_t from_ms, to_ms; /* first and last sample */
	uint64_t samples;
	double seconds; /* wall-clock time it took */
};

/* Counters of every device from local midnight `days` days before now_ms
 * up to now_ms, at the site's sample rate, stored one month of every
 * device per transaction. Exit status. */
int demo_history(struct demo *d, int64_t now_ms, unsigned int days,
                 struct demo_history *out);

/* ------------------------------------------------------------------ */
/* simcfg.c                                                            */

/* The ews-sim configuration of the devices that have a register map,
 * each on its gateway's port, counters as last recorded, live loads of
 * the season at now_ms. Exit status. */
int demo_write_sim_config(const struct demo *d, const char *path,
                          int64_t now_ms);

#endif /* EWS_DEMO_H */
