#ifndef EWS_SITE_H
#define EWS_SITE_H
#include <ews/common.h>
#include <ews/catalog.h>
EWS_BEGIN_DECLS

/**
 * @file ews/site.h
 * Site configuration (INS-1..4, INS-6..9): gateways, devices, loads,
 * measure groups, panel boards and settings of one installation.
 *
 * A site is a directory holding one SQLite database (`site.db`, WAL).
 * Every change is validated in full before it is stored and is one
 * transaction: a refused change returns a code, names the field and the
 * reason in ews_error_last(), and leaves the stored state exactly as it was.
 *
 * Records travel as plain structs with a `version` first: initialise one
 * with its `_init()` function, fill it, pass it. Fields are only appended.
 * Every object has a stable numeric id (INS-8), never reused.
 */

typedef struct ews_site ews_site;

enum { EWS_SITE_OPTS_VERSION = 1 };
enum {
	EWS_SITE_CREATE = 1, /* create the directory and database */
	EWS_SITE_EXCL = 2    /* with CREATE: refuse a site that exists */
};

typedef struct ews_site_opts {
	unsigned int version; /* EWS_SITE_OPTS_VERSION */
	unsigned int flags;   /* EWS_SITE_CREATE */
	const char *timezone; /* IANA zone of a new site; NULL: "UTC" */
	const char *catalog_dir; /* NULL: the installed catalogue */
	const char *user_catalog_dir; /* NULL: "<site>/catalog" if present */
	unsigned int busy_timeout_ms; /* wait on a locked database; 5000 */
} ews_site_opts;

/**
 * Defaults for an options version.
 * @return EWS_OK, or EWS_EINVAL for an unknown version.
 */
EWS_API ews_status ews_site_opts_init(ews_site_opts *opts,
				      unsigned int version);

/**
 * Open (with EWS_SITE_CREATE, create) the site in directory `dir`. A new
 * site has the Local gateway, the six predefined loads, "Others", and the
 * default settings. An older database is migrated forward.
 * A site handle is used by one thread at a time (open one handle per
 * thread that needs the site; processes and handles share the database
 * safely).
 * @return EWS_OK; EWS_ENOTFOUND when the site does not exist and
 *         EWS_SITE_CREATE is not set; EWS_EEXIST when it exists and
 *         EWS_SITE_EXCL is set; EWS_EINVAL for bad options or a
 *         database newer than this library; EWS_EIO; EWS_EBUSY.
 *         Owned: release *out with ews_site_close().
 */
EWS_API ews_status ews_site_open(const char *dir, const ews_site_opts *opts,
				 ews_site **out);

/** Close a site. NULL is a no-op. */
EWS_API void ews_site_close(ews_site *site);

/** Catalogue the site validates models against. Borrowed. */
EWS_API const ews_catalog *ews_site_catalog(const ews_site *site);

/** Schema version of the open database (PRAGMA user_version). */
EWS_API int ews_site_schema_version(const ews_site *site);

/* ------------------------------------------------------------------ */
/* Lists                                                               */

typedef struct ews_list ews_list; /* opaque list of records of one kind */

/** Number of records in a list. */
EWS_API size_t ews_list_len(const ews_list *list);

/** Release a list. NULL is a no-op. */
EWS_API void ews_list_free(ews_list *list);

/* ------------------------------------------------------------------ */
/* Gateways (INS-1, INS-3, INS-4)                                      */

typedef enum ews_gateway_kind {
	EWS_GATEWAY_LOCAL = 1,    /* the host's RS485 port; exists from creation */
	EWS_GATEWAY_PHYSICAL = 2, /* a Modbus TCP / RS485-IP gateway */
	EWS_GATEWAY_VIRTUAL = 3   /* a slave ews, for WSMEASURE points */
} ews_gateway_kind;

enum { EWS_GATEWAY_VERSION = 1 };

typedef struct ews_gateway {
	unsigned int version; /* EWS_GATEWAY_VERSION */
	int64_t id;           /* set by the library */
	ews_gateway_kind kind;
	char name[EWS_NAME_MAX];  /* unique; empty: the IP address */
	char ip[EWS_NAME_MAX];    /* IPv4 or IPv6 literal; required */
	unsigned int port;        /* 1-65535; 0 means 502 */
	char description[EWS_TEXT_MAX];
	int64_t board_id;         /* panel board, 0 for none */
	int64_t eq_device_id;     /* EN 50160 device, 0 for none */
	int enabled;              /* ON/OFF; new gateways are ON */
} ews_gateway;

/** Defaults: kind physical, port 502, enabled. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_gateway_init(ews_gateway *gw, unsigned int version);

/**
 * Add a physical or virtual gateway; gw->id is set on success.
 * @return EWS_OK; EWS_EINVAL (bad field); EWS_EEXIST (name used);
 *         EWS_ENOTFOUND (board); EWS_EDENIED (a second Local).
 */
EWS_API ews_status ews_site_gateway_add(ews_site *site, ews_gateway *gw);

/**
 * Replace the stored fields of gateway gw->id (its kind cannot change).
 * @return as ews_site_gateway_add(); EWS_EDENIED when the IP or port of
 *         the Local gateway would change; EWS_ENOTFOUND for an unknown id.
 */
EWS_API ews_status ews_site_gateway_update(ews_site *site,
					   const ews_gateway *gw);

/** Read gateway `id` into *out. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_gateway_get(ews_site *site, int64_t id,
					ews_gateway *out);

/** Switch a gateway ON or OFF; OFF also turns its devices off (INS-3). */
EWS_API ews_status ews_site_gateway_set_enabled(ews_site *site, int64_t id,
						int enabled);

/**
 * Delete a gateway.
 * @return EWS_OK; EWS_EDENIED for Local; EWS_EINUSE while it has devices;
 *         EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_gateway_delete(ews_site *site, int64_t id);

/** All gateways by id. Owned: release with ews_list_free(). */
EWS_API ews_status ews_site_gateway_list(ews_site *site, ews_list **out);

/** Gateway i of a gateway list, or NULL (past the end, other list). */
EWS_API const ews_gateway *ews_list_gateway(const ews_list *list, size_t i);

/* ------------------------------------------------------------------ */
/* Devices (INS-2, INS-3)                                              */

typedef enum ews_supply {
	EWS_SUPPLY_NONE = 0,
	EWS_SUPPLY_UPSTREAM = 1,
	EWS_SUPPLY_DOWNSTREAM = 2
} ews_supply;

enum { EWS_DEVICE_GROUPS_MAX = 5, EWS_DEVICE_VERSION = 1 };

typedef struct ews_device {
	unsigned int version; /* EWS_DEVICE_VERSION */
	int64_t id;           /* set by the library */
	int64_t gateway_id;
	char model[EWS_NAME_MAX]; /* catalogue key or catalogue number */
	char name[EWS_NAME_MAX];  /* unique in the site; empty: default */
	unsigned int address;     /* Modbus address 1-247 */
	unsigned int ems_interface; /* EMS remote addressing "a-i"; 0: none */
	unsigned int position;    /* concentrator input (pulse meters) */
	char concentrator[16];    /* "F80BI", "F4CON12" or "F4CON" (pulse) */
	unsigned int side;        /* 1 or 2 on two-sided stations, else 0 */
	unsigned int phase;       /* 1-3 for single-phase stations, else 0 */
	ews_supply supply;        /* models that need it; default upstream */
	int64_t load_id;          /* 0: "Others" (gas/water: automatic) */
	unsigned int group_count; /* above 5: refused (EWS_ELIMIT) unread */
	int64_t group_ids[EWS_DEVICE_GROUPS_MAX];
	int exclude_totals;
	int exclude_alerts;
	int enabled;              /* ON/OFF; new devices are ON */
	/* Generic Modbus meter (CAT-3): positive active energy register. */
	unsigned int read_code;   /* 3 or 4 */
	unsigned int reg_address; /* 0x0000-0xFFFF */
	unsigned int reg_words;   /* 1, 2 or 4 */
	double multiplier;        /* raw × multiplier = kWh */
	ews_reg_type reg_type;    /* 0: unsigned of reg_words words */
	ews_word_order reg_word_order;
	/* WSMEASURE (NET-2): 1XXXX device, 2YYYY load, 3ZZZZ group, 29999. */
	unsigned int remote_id;
} ews_device;

/** Defaults: enabled, everything else empty. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_device_init(ews_device *dev, unsigned int version);

/**
 * Add a device; dev->id (and a default name) is set on success.
 * @return EWS_OK; EWS_EINVAL (bad or missing field for the model);
 *         EWS_EEXIST (name, or address/position/side on the bus);
 *         EWS_ENOTFOUND (gateway, model, load or group); EWS_ELIMIT.
 */
EWS_API ews_status ews_site_device_add(ews_site *site, ews_device *dev);

/** Replace the stored fields of device dev->id; rules as for add. */
EWS_API ews_status ews_site_device_update(ews_site *site,
					  const ews_device *dev);

/** Read device `id` into *out, whose version the caller sets first
 * (0: EWS_DEVICE_VERSION). EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_device_get(ews_site *site, int64_t id,
				       ews_device *out);

/**
 * Switch a device ON or OFF.
 * @return EWS_OK; EWS_EDENIED to switch ON a device of a gateway that is
 *         OFF; EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_device_set_enabled(ews_site *site, int64_t id,
					       int enabled);

/** Delete a device (and its EQ-device role). EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_device_delete(ews_site *site, int64_t id);

/** Devices by id; gateway_id 0 for all. Owned: ews_list_free(). */
EWS_API ews_status ews_site_device_list(ews_site *site, int64_t gateway_id,
					ews_list **out);

/** Device i of a device list, or NULL. */
EWS_API const ews_device *ews_list_device(const ews_list *list, size_t i);

typedef enum ews_io_kind { EWS_IO_INPUT = 1, EWS_IO_OUTPUT = 2 } ews_io_kind;

/* Input/output counts of these devices are in no public document: numbers
 * run 1-EWS_IO_MAX. */
enum { EWS_IO_MAX = 16 };

/**
 * Set the custom label of input or output `number` of a device (INS-2,
 * §7.16.1.4): models with the "labels" capability, inputs where the model
 * has the state capability, outputs where it has command. "" removes it.
 * @return EWS_OK; EWS_EINVAL (model takes no such label, number outside
 *         1-EWS_IO_MAX, label not clean text); EWS_ENOTFOUND (device).
 */
EWS_API ews_status ews_site_device_label_set(ews_site *site, int64_t device,
					     ews_io_kind kind,
					     unsigned int number,
					     const char *label);

/**
 * Custom label of input or output `number`, "" when none is set.
 * Owned: release *out with ews_free().
 * @return EWS_OK; EWS_EINVAL; EWS_ENOTFOUND (device).
 */
EWS_API ews_status ews_site_device_label_get(ews_site *site, int64_t device,
					     ews_io_kind kind,
					     unsigned int number, char **out);

/** Stable names: "input", "output". NULL if unknown. */
EWS_API const char *ews_io_kind_name(ews_io_kind kind);

/* ------------------------------------------------------------------ */
/* Loads, measure groups, panel boards (INS-6, INS-7)                  */

typedef enum ews_category_kind {
	EWS_CATEGORY_LOAD = 1,
	EWS_CATEGORY_GROUP = 2,
	EWS_CATEGORY_BOARD = 3
} ews_category_kind;

/** Where a load comes from; groups and boards are all USER. */
typedef enum ews_category_origin {
	EWS_ORIGIN_USER = 1,
	EWS_ORIGIN_PREDEFINED = 2, /* RT 2012 loads: can only be disabled */
	EWS_ORIGIN_OTHERS = 3,     /* devices with no load */
	EWS_ORIGIN_GAS = 4,        /* assigned to gas meters automatically */
	EWS_ORIGIN_WATER = 5       /* assigned to water meters automatically */
} ews_category_origin;

/** At most 14 loads: six predefined and eight user-created (INS-6). */
enum { EWS_LOADS_MAX = 14, EWS_USER_LOADS_MAX = 8 };

enum { EWS_CATEGORY_VERSION = 1 };

typedef struct ews_category {
	unsigned int version; /* EWS_CATEGORY_VERSION */
	int64_t id;           /* set by the library */
	ews_category_kind kind;
	ews_category_origin origin; /* set by the library */
	char name[EWS_NAME_MAX];    /* required; unique within its kind */
	char description[EWS_TEXT_MAX];
	int enabled;
} ews_category;

/** Defaults for a kind: user origin, enabled. EWS_OK or EWS_EINVAL. */
EWS_API ews_status ews_category_init(ews_category *c, unsigned int version,
				     ews_category_kind kind);

/**
 * Add a user load, a measure group or a panel board; c->id is set.
 * @return EWS_OK; EWS_EINVAL; EWS_EEXIST (name); EWS_ELIMIT (15th load).
 */
EWS_API ews_status ews_site_category_add(ews_site *site, ews_category *c);

/**
 * Rename / re-describe category c->id.
 * @return EWS_OK; EWS_EINVAL; EWS_EEXIST; EWS_EDENIED (built-in loads keep
 *         their names); EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_category_update(ews_site *site,
					    const ews_category *c);

/** Read category `id` into *out. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_site_category_get(ews_site *site, int64_t id,
					 ews_category *out);

/**
 * Enable or disable. EWS_EDENIED for "Others", gas and water loads.
 */
EWS_API ews_status ews_site_category_set_enabled(ews_site *site, int64_t id,
						 int enabled);

/**
 * Erase a user load, a group or a board; devices and gateways that used it
 * lose the reference (a device's load becomes "Others").
 * @return EWS_OK; EWS_EDENIED for built-in loads; EWS_ENOTFOUND.
 */
EWS_API ews_status ews_site_category_delete(ews_site *site, int64_t id);

/** Categories of one kind, by id. Owned: ews_list_free(). */
EWS_API ews_status ews_site_category_list(ews_site *site,
					  ews_category_kind kind,
					  ews_list **out);

/** Category i of a category list, or NULL. */
EWS_API const ews_category *ews_list_category(const ews_list *list,
					      size_t i);

/** Stable names: "load", "group", "board". NULL if unknown. */
EWS_API const char *ews_category_kind_name(ews_category_kind kind);

/** "user", "predefined", "others", "gas", "water". NULL if unknown. */
EWS_API const char *ews_category_origin_name(ews_category_origin origin);

/* ------------------------------------------------------------------ */
/* Settings (SYS-1, ACQ-1, ACQ-2, TAR-1, HIS-2, SYS-2)                 */

/**
 * Number of settings; names are ews_setting_name(0 … n-1), in a fixed
 * order: "site_name", "timezone", "sample_rate_min", "currency",
 * "gas_factor_kwh_per_m3", "csv_decimal", "csv_separator", "language",
 * "rs485_port", "rs485_baud", "rs485_parity", "rs485_stop_bits",
 * "rs485_timeout_ms". Get and set also take "gas_factor" for
 * "gas_factor_kwh_per_m3".
 */
EWS_API size_t ews_setting_count(void);

/** Name of setting i, or NULL past the end. Static. */
EWS_API const char *ews_setting_name(size_t i);

/**
 * Value of a setting as text. Owned: release *out with ews_free().
 * @return EWS_OK; EWS_ENOTFOUND for an unknown name.
 */
EWS_API ews_status ews_site_setting_get(ews_site *site, const char *name,
					char **out);

/**
 * Validate and store a setting.
 * @return EWS_OK; EWS_ENOTFOUND (unknown name); EWS_EINVAL (bad value).
 */
EWS_API ews_status ews_site_setting_set(ews_site *site, const char *name,
					const char *value);

/* ------------------------------------------------------------------ */
/* Names of value types                                                */

/** "local", "physical", "virtual". NULL if unknown. */
EWS_API const char *ews_gateway_kind_name(ews_gateway_kind kind);

/** "upstream", "downstream", "" for none. NULL if unknown. */
EWS_API const char *ews_supply_name(ews_supply supply);

EWS_END_DECLS
#endif /* EWS_SITE_H */
