#ifndef EWS_SIM_H
#define EWS_SIM_H

/*
 * Internal interface of `ews-sim`, the Modbus device simulator.
 *
 *   sim-model.c   pure physics: load profiles, phases, counters, EV state
 *   sim-encode.c  canonical value -> register words (inverse of decode)
 *   config.c      the JSON configuration file, validated strictly
 *   site.c        the same device list from a site's gateway
 *   device.c      one simulated device: its map, mapping, state, faults
 *   handle.c      one Modbus request: validate, fault, reply
 *   print.c       --print-values
 *   server-tcp.c  Modbus TCP: one thread per client connection
 *   server-rtu.c  Modbus RTU on a serial device (own framing, all units)
 *   main.c        options, --print-values, signals
 *
 * The catalogue and the site are read through the public libews API only.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <modbus.h>

#include <ews/ews.h>

/* Exit status, as for `ews`. */
enum sim_exit {
	SIM_EXIT_OK = 0,
	SIM_EXIT_USAGE = 1,   /* bad option */
	SIM_EXIT_REFUSED = 2, /* configuration or site refused */
	SIM_EXIT_IO = 3       /* file, site, socket or serial error */
};

/* ------------------------------------------------------------------ */
/* Physics (sim-model.c): pure functions of the state and the time     */

enum sim_profile { SIM_PROFILE_OFFICE, SIM_PROFILE_HOME, SIM_PROFILE_FLAT };

enum sim_vehicle {
	SIM_VEHICLE_SCHEDULE, /* arrivals and departures from the profile */
	SIM_VEHICLE_PRESENT,  /* connected from the start */
	SIM_VEHICLE_ABSENT    /* never connected */
};

enum sim_kind { SIM_KIND_METER, SIM_KIND_EVSE };

enum {
	SIM_UNIT_MAX = 247,    /* unit ids 1-247 */
	SIM_COMMANDS_MAX = 16, /* EV: setpoint writes remembered */
	SIM_STEPS_MAX = 16     /* meters: load steps */
};

struct sim_params {
	enum sim_kind kind;
	enum sim_profile profile;
	double peak_w;        /* meters: peak of the daily profile */
	unsigned int phases;  /* phases carrying the load: 1 or 3 */
	uint64_t seed;        /* per device */
	int breaker;          /* the model reports a breaker state */
	int volume;           /* gas or water: a volume counter */
	double peak_dm3_h;    /* volume flow at the profile's peak */
	double energy_wh;     /* initial import counter; < 0: seeded */
	double setpoint_a;    /* EV: initial current setpoint */
	double vehicle_max_a; /* EV: the vehicle's own current limit */
	enum sim_vehicle vehicle;
	double response_s;  /* EV: the vehicle follows a write this late */
	unsigned int phase; /* phase of a single-phase load: 0-2 (L1-L3) */
	double load_a;      /* meters: fixed load per phase; < 0: profile */
};

/* A setpoint or enable write, as the vehicle will see it. */
struct sim_command {
	double at_s; /* simulated time of the write */
	double setpoint_a;
	int enable;
};

struct sim_state {
	struct sim_params p;
	double t_s;          /* simulated time, s since 1970 UTC */
	double import_wh[3]; /* active energy import per phase */
	double reactive_varh;
	double apparent_vah;
	double volume_dm3;
	double setpoint_a; /* EV: the registers, as written */
	int charge_enable;
	/* EV: the writes, oldest first; cmd[0] is in force, the others
	 * wait for their response time. */
	struct sim_command cmd[SIM_COMMANDS_MAX];
	unsigned int ncmd;
	double session_s; /* arrival of the connected vehicle; -1 */
	double need_wh;   /* energy the vehicle still takes */
	double load_a;    /* meters: own fixed load per phase; < 0: profile */
};

/* Canonical values (units of <ews/quantity.h>) of every quantity. */
struct sim_values {
	double q[EWS_Q_COUNT_];
};

void sim_state_init(struct sim_state *s, const struct sim_params *p,
                    double t_s);
void sim_state_advance(struct sim_state *s, double t_s);
void sim_state_reset_counters(struct sim_state *s);
/* A write to the setpoint or enable register at the state's time (so
 * advance the state to the time of the write first). The registers read
 * back at once; the vehicle follows response_s later. */
void sim_state_set_setpoint(struct sim_state *s, double a);
void sim_state_set_enable(struct sim_state *s, int on);
/* A meter's own fixed load becomes `a` A per phase from the state's time. */
void sim_state_set_load(struct sim_state *s, double a);
void sim_state_values(const struct sim_state *s, struct sim_values *out);
/* Add what a station downstream of a meter draws (its values) to the
 * meter's currents and powers; power factors follow from the sums.
 * Counters are left alone. */
void sim_values_add_feed(struct sim_values *v, const struct sim_values *feed);
double sim_values_get(const struct sim_values *v, ews_quantity q,
                      unsigned int order);

/* ------------------------------------------------------------------ */
/* Encoding (sim-encode.c)                                             */

/* Words of `value` (canonical unit) for register r, in wire order:
 * raw = value / factor, rounded and clamped for integer types; a value
 * table is searched for the first row with that value. */
void sim_encode(const ews_register *r, double value, uint16_t *out);

/* ------------------------------------------------------------------ */
/* Configuration (config.c, site.c)                                    */

struct sim_faults {
	unsigned int latency_ms;   /* sleep before replying */
	int timeout;               /* never reply */
	unsigned int exception;    /* reply this exception code; 0: none */
	double reset_counter_at_s; /* counters to 0 this long after start */
	unsigned int drop_every_n; /* close the connection every Nth request */
};

struct sim_load_step {
	double at_s;   /* wall-clock seconds after start */
	double load_a; /* the meter's own load from then on */
};

struct sim_device_cfg {
	unsigned int unit;
	unsigned int port; /* TCP port it answers on; 0: --port's */
	char model[EWS_NAME_MAX];
	const ews_model *m; /* resolved against the catalogue */
	enum sim_profile profile;
	double peak_w;       /* 0: default for the phases */
	unsigned int phases; /* 0: the model's */
	double energy_kwh;   /* < 0: seeded */
	double setpoint_a;   /* EV fields */
	double vehicle_max_a;
	enum sim_vehicle vehicle;
	double response_s;  /* EV: the vehicle's response time */
	unsigned int phase; /* single-phase station: 0-2 (L1-L3) */
	double load_a;      /* meters: fixed own load; < 0: profile */
	struct sim_load_step steps[SIM_STEPS_MAX];
	unsigned int nsteps;
	uint8_t feeds[SIM_UNIT_MAX]; /* meters: units of the stations fed */
	unsigned int nfeeds;
	double peak_dm3_h;          /* 0: default for the commodity */
	ews_register generic;       /* generic_modbus_meter: its one register */
	unsigned int generic_given; /* SIM_GIVEN_* bits */
	struct sim_faults faults;
	/* first field given that only some models take, for the refusal */
	const char *ev_field, *generic_field, *volume_field, *meter_field;
	int phase_given, feeds_given;
};

/* Fields of a generic meter's register that were given. */
enum {
	SIM_GIVEN_READ_CODE = 1,
	SIM_GIVEN_REGISTER = 2,
	SIM_GIVEN_WORDS = 4,
	SIM_GIVEN_MULTIPLIER = 8
};

/* Complete a generic meter's register (function, address, words, type,
 * word_order and scale = multiplier set): a positive active energy in kWh
 * (raw x multiplier = kWh). Type 0 means unsigned of `words` words. */
void sim_generic_register(ews_register *r);

struct sim_config {
	struct sim_device_cfg *devs;
	size_t n;
	unsigned int port; /* from a site: the gateway's port; else 0 */
};

/* Parse and validate a configuration file against the catalogue.
 * Prints "ews-sim: FILE: field: reason" and returns an exit status. */
int sim_config_load(const char *path, const ews_catalog *cat,
                    struct sim_config *out);

/* The devices of gateway `gw` of an open site (models without a map are
 * skipped with a warning). Returns an exit status. */
int sim_config_from_site(ews_site *site, int64_t gw, struct sim_config *out);

void sim_config_free(struct sim_config *c);

/* Defaults every device gets before its fields are read. */
void sim_device_cfg_init(struct sim_device_cfg *d);

/* Phases carrying the device's load: the configured ones, else the
 * model's (1 or 3). */
unsigned int sim_device_cfg_phases(const struct sim_device_cfg *d);

/* ------------------------------------------------------------------ */
/* Simulated devices (device.c)                                        */

struct sim_device {
	struct sim_device_cfg cfg;
	size_t nregs;
	const ews_register **regs;
	unsigned int lo[5], count[5]; /* span of the map per read function */
	modbus_mapping_t *map;
	struct sim_state st;
	unsigned long requests;
	int reset_done;
	unsigned int steps_done; /* load steps applied */
};

struct sim {
	struct sim_device *devs;
	size_t ndevs;
	double start_s;        /* simulated time at start */
	double time_scale;     /* simulated seconds per wall second */
	struct timespec mono0; /* wall clock at start */
	pthread_mutex_t lock;  /* devices and their states */
	int verbose;
	int unknown_silent; /* TCP: no reply for an unknown unit */
	int threads_left;   /* a server left threads running on stop */
};

/* Build the devices of a configuration; the config is copied. Returns an
 * exit status. */
int sim_open(struct sim *sim, const struct sim_config *cfg, uint64_t seed,
             double start_s, double time_scale);
void sim_close(struct sim *sim);

/* Seconds of wall clock since start, and the simulated time now. */
double sim_elapsed_s(const struct sim *sim);
double sim_now_s(const struct sim *sim);

struct sim_device *sim_find(struct sim *sim, unsigned int unit);

/* Whether model m's map has a register for q. */
int sim_model_has(const ews_model *m, ews_quantity q);

/* What d serves at `t_s`: its state brought there (applying a due load
 * step or counter reset), plus the stations it feeds, brought to the
 * same time. Call with sim->lock held. */
void sim_device_values(struct sim *sim, struct sim_device *d, double t_s,
                       struct sim_values *out);

/* sim_device_values(), encoded into every register of its mapping. Call
 * with sim->lock held. */
void sim_device_refresh(struct sim *sim, struct sim_device *d, double t_s);

/* The register of d's map that `function` reads at `address`. */
const ews_register *sim_device_reg_at(const struct sim_device *d,
                                      unsigned int function,
                                      unsigned int address);

/* Print the canonical value, the words and the decoded value of every
 * register of every device at the start time, as JSON (print.c). */
void sim_print_values(struct sim *sim, FILE *out);

/* ------------------------------------------------------------------ */
/* Requests (handle.c) and servers                                     */

enum sim_outcome {
	SIM_REPLIED, /* a reply (or an exception) was sent */
	SIM_SILENT,  /* no reply: unknown unit (RTU) or timeout fault */
	SIM_DROP,    /* close the connection (TCP) */
	SIM_FAILED   /* the reply could not be sent */
};

/* Handle one complete request ADU (RTU: with its CRC). `header` is the
 * offset of the function code in req, libmodbus's backend header_length:
 * 7 for TCP (MBAP header and unit id), 1 for RTU (address). `port` is the
 * devices' port the request came on (0: --port's, and RTU): a unit of
 * another port is unknown. */
enum sim_outcome sim_handle(struct sim *sim, modbus_t *ctx, const uint8_t *req,
                            int len, int header, int rtu, unsigned int port);

struct sim_tcp_opts {
	const char *listen; /* address to bind */
	unsigned int port;  /* 0: any free port */
	const char *port_file;
};

struct sim_rtu_opts {
	const char *path;
	int baud;
	char parity;
	int stop_bits;
};

/* Serve until the stop descriptor becomes readable. Exit status. */
int sim_serve_tcp(struct sim *sim, const struct sim_tcp_opts *o, int stop_fd);
int sim_serve_rtu(struct sim *sim, const struct sim_rtu_opts *o, int stop_fd);

/* "ews-sim: " + message + newline on stderr. */
void sim_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The same when sim->verbose. */
void sim_log(const struct sim *sim, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

#endif /* EWS_SIM_H */
