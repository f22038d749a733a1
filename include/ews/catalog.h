#ifndef EWS_CATALOG_H
#define EWS_CATALOG_H
#include <ews/common.h>
#include <ews/quantity.h>
EWS_BEGIN_DECLS

/**
 * @file ews/catalog.h
 * The device catalogue (CAT-1..4): families, models, catalogue numbers,
 * capabilities and register maps, loaded from JSON model files.
 *
 * The library ships one file per model in its data directory
 * (every `.json` file of `<datadir>/ews/catalog`); a user directory adds models without
 * recompiling. A malformed file is refused with the file and the field
 * named (see ews_catalog_problem()); the other files still load. The file
 * format is described in docs/catalog.md.
 *
 * Models and registers are read-only structs owned by the catalogue: they
 * are valid until ews_catalog_free(). Fields are only ever appended.
 */

typedef struct ews_catalog ews_catalog;

/** Device families of the manual's §5, plus third-party devices. */
typedef enum ews_family {
	EWS_FAMILY_BTDIN_METER = 1,       /* multifunction meters F3N…/F4N… */
	EWS_FAMILY_ENERGY_COUNTER = 2,    /* RS485 energy counters F21/F41… */
	EWS_FAMILY_PULSE_COUNTER = 3,     /* pulse meters via concentrator */
	EWS_FAMILY_RCD_MODULE = 4,        /* BTDIN RCD add-on modules G47X… */
	EWS_FAMILY_EMS_MEASURE = 5,       /* EMS BTDIN measure modules */
	EWS_FAMILY_EMS_STATE_CONTROL = 6, /* EMS BTDIN state/control modules */
	EWS_FAMILY_MEGATIKER = 7,         /* breakers via M7COM */
	EWS_FAMILY_MEGABREAK = 8,         /* breakers via M8COM */
	EWS_FAMILY_POWER_SUPERVISION = 9, /* M7TIC/IO, M7TICPROG */
	EWS_FAMILY_GREENUP_PREMIUM = 10,  /* Green'Up Premium (new range) */
	EWS_FAMILY_GREENUP = 11,          /* Green'Up old range */
	EWS_FAMILY_OTHER = 12,            /* generic and third-party meters */
	EWS_FAMILY_EV_STATION = 13,       /* third-party EV stations */
	EWS_FAMILY_WSMEASURE = 14         /* virtual points of a slave ews */
} ews_family;

/** What a model can do; a model's `caps` is a bitwise OR of these. */
typedef enum ews_capability {
	EWS_CAP_MEASURE = 1 << 0,   /* energies and electrical quantities */
	EWS_CAP_STATE = 1 << 1,     /* breaker / input states */
	EWS_CAP_COMMAND = 1 << 2,   /* outputs, breaker commands */
	EWS_CAP_LINK = 1 << 3,      /* EMS link function */
	EWS_CAP_EVSE = 1 << 4,      /* EV charging station */
	EWS_CAP_PULSE = 1 << 5,     /* pulse input on a concentrator */
	EWS_CAP_THD = 1 << 6,       /* total harmonic distortion */
	EWS_CAP_HARMONICS = 1 << 7, /* individual harmonics */
	EWS_CAP_GENERIC = 1 << 8,   /* register given by the installer */
	EWS_CAP_VIRTUAL = 1 << 9,   /* read from a slave ews (WSMEASURE) */
	EWS_CAP_LABELS = 1 << 10    /* inputs/outputs take custom labels */
} ews_capability;

typedef enum ews_commodity {
	EWS_COMMODITY_ELECTRICITY = 1,
	EWS_COMMODITY_GAS = 2,
	EWS_COMMODITY_WATER = 3
} ews_commodity;

/** How the words of one register value are to be read. */
typedef enum ews_reg_type {
	EWS_REG_U16 = 1,
	EWS_REG_S16 = 2,
	EWS_REG_U32 = 3,
	EWS_REG_S32 = 4,
	EWS_REG_U64 = 5,
	EWS_REG_S64 = 6,
	EWS_REG_F32 = 7,
	EWS_REG_F64 = 8,
	EWS_REG_BIT = 9,        /* coil or discrete input (FC 1/2) */
	EWS_REG_ASCII_LOW = 10, /* one character in the low byte */
	EWS_REG_ASCII_HIGH = 11 /* one character in the high byte */
} ews_reg_type;

typedef enum ews_word_order {
	EWS_WORDS_BE = 0, /* most significant word first (ABCD) */
	EWS_WORDS_LSW = 1 /* least significant word first (CDAB) */
} ews_word_order;

/** One row of a value table: a raw code and the value it stands for, in the
 * register's `unit` (an ews_cp_state or ews_breaker_state for coded states). */
typedef struct ews_register_value {
	int64_t raw;
	double value;
} ews_register_value;

/** One quantity of a register map. */
typedef struct ews_register {
	ews_quantity quantity;
	unsigned int order;    /* harmonic order; 0 for other quantities */
	unsigned int function; /* Modbus read function: 1, 2, 3 or 4 */
	unsigned int address;  /* 0-based PDU address */
	unsigned int words;    /* 16-bit registers to read (1 for a bit) */
	ews_reg_type type;
	ews_word_order word_order;
	double scale;          /* raw × scale = value in `unit` */
	const char *unit;      /* unit of the document, e.g. "kWh" */
	double factor;         /* raw × factor = value in the canonical unit */
	unsigned int write_function; /* 5, 6 or 16 if writable, else 0 */
	size_t value_count;          /* rows of the value table, 0: none */
	const ews_register_value *values; /* coded registers only */
} ews_register;

/** One model of the catalogue. */
typedef struct ews_model {
	const char *key;  /* stable key, e.g. "eastron_sdm630" */
	const char *name; /* display name, e.g. "Eastron SDM630" */
	ews_family family;
	const char *const *catalog_numbers; /* NULL-terminated */
	unsigned int caps;                  /* ews_capability bits */
	ews_commodity commodity;
	unsigned int phases;      /* 1 or 3 */
	unsigned int sides;       /* 2 for two-sided EV stations, else 1 */
	int address_per_side;     /* each side has its own Modbus address */
	int needs_supply;         /* supply direction must be given */
	int has_map;              /* 0: register map unknown (map null) */
	char confidence;          /* 'A'..'D' with a map, else 0 */
	const char *source;       /* where the map comes from, or why none */
	const char *file;         /* path of the file it was loaded from */
	size_t register_count;
} ews_model;

enum { EWS_CATALOG_OPTS_VERSION = 1 };

typedef struct ews_catalog_opts {
	unsigned int version;   /* EWS_CATALOG_OPTS_VERSION */
	const char *system_dir; /* NULL: the installed data directory */
	const char *user_dir;   /* NULL: no user models */
} ews_catalog_opts;

/**
 * Initialise options to their defaults for the given version.
 * @return EWS_OK, or EWS_EINVAL for an unknown version.
 */
EWS_API ews_status ews_catalog_opts_init(ews_catalog_opts *opts,
					 unsigned int version);

/**
 * Load every `.json` file of the system directory, then of the user directory.
 * Files that fail to parse or validate are skipped and listed as problems;
 * a user model whose key is already taken is refused the same way.
 * @param opts NULL for defaults.
 * @return EWS_OK; EWS_EINVAL for bad options; EWS_EIO when the system
 *         directory cannot be read; EWS_ENOMEM. Owned: release *out with
 *         ews_catalog_free().
 */
EWS_API ews_status ews_catalog_load(const ews_catalog_opts *opts,
				    ews_catalog **out);

/** Release a catalogue and every model in it. NULL is a no-op. */
EWS_API void ews_catalog_free(ews_catalog *cat);

/**
 * Add the model of one JSON file.
 * @return EWS_OK; EWS_EINVAL for a malformed file or field (the error names
 *         the file and the field); EWS_EEXIST for a key already loaded;
 *         EWS_EIO when the file cannot be read.
 */
EWS_API ews_status ews_catalog_add_file(ews_catalog *cat, const char *path);

/** Number of models, in key order. */
EWS_API size_t ews_catalog_count(const ews_catalog *cat);

/** Model at index i, or NULL past the end. Borrowed. */
EWS_API const ews_model *ews_catalog_at(const ews_catalog *cat, size_t i);

/**
 * Model with the given key (case-sensitive) or catalogue number (as printed
 * in the manual, e.g. "F3N200" or "0 590 56").
 * @return EWS_OK or EWS_ENOTFOUND. Borrowed: valid until the catalogue is
 *         freed.
 */
EWS_API ews_status ews_catalog_find(const ews_catalog *cat, const char *key,
				    const ews_model **out);

/** Number of files refused while loading. */
EWS_API size_t ews_catalog_problem_count(const ews_catalog *cat);

/**
 * Why file i was refused: "<file>: <field>: <reason>". Borrowed.
 * @return NULL past the end.
 */
EWS_API const char *ews_catalog_problem(const ews_catalog *cat, size_t i);

/** Register i of a model's map, or NULL past the end. Borrowed. */
EWS_API const ews_register *ews_model_register(const ews_model *m, size_t i);

/**
 * First register of a model's map for a quantity (and harmonic order).
 * @return EWS_OK; EWS_ENOMAP when the model has no map ("register map
 *         unknown for <model>"); EWS_ENOTFOUND when the map lacks it.
 */
EWS_API ews_status ews_model_find_register(const ews_model *m, ews_quantity q,
					   unsigned int order,
					   const ews_register **out);

/**
 * Decode the raw words of a register into a value in the canonical unit of
 * its quantity (applies type, word order, scale and any value table). A
 * register built by the caller (e.g. a Generic Modbus meter's) decodes the
 * same way as one of the catalogue. With a value table the table's value is
 * in `unit` and only the unit conversion applies. *out is left untouched on
 * failure.
 * @param words the `reg->words` registers as read, in wire order.
 * @return EWS_OK; EWS_EINVAL when n_words is too small, the value is not a
 *         number, or a coded value is not in the register's value table.
 */
EWS_API ews_status ews_register_decode(const ews_register *reg,
				       const uint16_t *words, size_t n_words,
				       double *out);

/**
 * Encode a value in the canonical unit into the words of a register, the
 * inverse of ews_register_decode(): raw = value / factor, rounded to the
 * register's resolution; a coded register takes the raw code whose value
 * matches. For commands, so nothing is clamped.
 * @param words room for reg->words registers, filled in wire order.
 * @return EWS_OK; EWS_EINVAL when n_words is too small, the value is not
 *         finite, out of the type's range or not in the value table.
 */
EWS_API ews_status ews_register_encode(const ews_register *reg, double value,
				       uint16_t *words, size_t n_words);

/** Stable name of a family, e.g. "btdin_meter". NULL if unknown. */
EWS_API const char *ews_family_name(ews_family f);

/** Family with the given stable name. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_family_from_name(const char *name, ews_family *out);

/** Stable name of a capability bit, e.g. "measure". NULL if unknown. */
EWS_API const char *ews_capability_name(ews_capability c);

/** Stable name of a commodity: "electricity", "gas", "water". */
EWS_API const char *ews_commodity_name(ews_commodity c);

/** Stable name of a register type, e.g. "u32", "f32". NULL if unknown. */
EWS_API const char *ews_reg_type_name(ews_reg_type t);

/** Register type with the given name. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_reg_type_from_name(const char *name,
					  ews_reg_type *out);

/** Stable name of a word order: "be" or "lsw". NULL if unknown. */
EWS_API const char *ews_word_order_name(ews_word_order o);

/** Word order with the given name. EWS_OK or EWS_ENOTFOUND. */
EWS_API ews_status ews_word_order_from_name(const char *name,
					    ews_word_order *out);

EWS_END_DECLS
#endif /* EWS_CATALOG_H */
