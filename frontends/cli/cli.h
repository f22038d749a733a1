#ifndef EWS_CLI_H
#define EWS_CLI_H

/*
 * Internal interface of the `ews` command-line frontend. The frontend owns
 * no logic: it parses arguments, calls the public libews API and prints.
 */

#include <stdint.h>
#include <stdio.h>

#include <ews/ews.h>

#include "jw.h"
#include "shapes.h"

/* Exit status of the program. */
enum cli_exit {
	CLI_OK = 0,      /* done */
	CLI_USAGE = 1,   /* unknown noun/verb/option, bad or missing argument */
	CLI_REFUSED = 2, /* refused by validation */
	CLI_IO = 3       /* I/O or database error, or no site */
};

/* Every option the program knows; a verb accepts a subset. */
enum cli_opt_id {
	OPT_HELP = 1,
	OPT_SITE,
	OPT_JSON,
	OPT_TIMEZONE,
	OPT_NAME,
	OPT_IP,
	OPT_PORT,
	OPT_DESCRIPTION,
	OPT_VIRTUAL,
	OPT_BOARD,
	OPT_EQ_DEVICE,
	OPT_GATEWAY,
	OPT_MODEL,
	OPT_ADDRESS,
	OPT_POSITION,
	OPT_SIDE,
	OPT_PHASE,
	OPT_LOAD,
	OPT_GROUP,
	OPT_NO_GROUPS,
	OPT_EXCLUDE_TOTALS,
	OPT_INCLUDE_TOTALS,
	OPT_EXCLUDE_ALERTS,
	OPT_INCLUDE_ALERTS,
	OPT_SUPPLY,
	OPT_READ_CODE,
	OPT_REGISTER,
	OPT_WORDS,
	OPT_MULTIPLIER,
	OPT_TYPE,
	OPT_WORD_ORDER,
	OPT_CONCENTRATOR,
	OPT_REMOTE_ID,
	OPT_FAMILY,
	OPT_INPUT,
	OPT_OUTPUT,
	OPT_TEXT,
	OPT_DEVICE,
	OPT_QUANTITY,
	OPT_FROM,
	OPT_TO,
	OPT_LIMIT,
	OPT_ONCE,
	OPT_VALUE,
	OPT_SCOPE,
	OPT_COMMODITY,
	OPT_PERIOD,
	OPT_DATE,
	OPT_SPLIT,
	OPT_WITH,
	OPT_COLOR,
	OPT_TARIFF,
	OPT_PRICE,
	OPT_TIME,
	OPT_DAYS,
	OPT_EVERY_YEAR,
	OPT_ALWAYS,
	OPT_AT,
	OPT_COSTS,
	OPT_EVERY_STEP,
	OPT_FOR
};

/* One accepted option of a verb; a table ends with a NULL name. */
struct cli_opt_spec {
	const char *name; /* without the leading "--" */
	int has_arg;
	int id;
};

/* One option as given, in command-line order. */
struct cli_opt {
	int id;
	const char *name;  /* as spelled in the spec, without "--" */
	const char *value; /* NULL for flags */
};

enum { CLI_OPTS_MAX = 64, CLI_POS_MAX = 4 };

struct cli_args {
	struct cli_opt opt[CLI_OPTS_MAX];
	size_t n_opt;
	const char *pos[CLI_POS_MAX];
	size_t n_pos;
	int help;
	int json;
	char error[256]; /* first usage error, printed unless --help */
};

struct cli;

/* Flags of a verb. */
enum {
	CLI_NEEDS_SITE = 1 << 0, /* opens the site before running */
	CLI_TAKES_ID = 1 << 1,   /* first positional argument is an id */
	CLI_TAKES_JSON = 1 << 2  /* accepts --json */
};

struct cli_verb {
	const char *name; /* NULL: the noun is the whole command (init) */
	int (*run)(struct cli *c, const struct cli_args *a);
	const struct cli_opt_spec *opts; /* NULL: no options */
	unsigned int min_pos, max_pos;
	unsigned int flags;
	const char *synopsis; /* after "ews NOUN VERB " */
	const char *help;     /* what it does, then its options */
};

struct cli_noun {
	const char *name;
	const char *summary;
	const struct cli_verb *verbs; /* ends with a NULL run */
	int kind;                     /* ews_category_kind, or 0 */
};

/* State of one invocation. */
struct cli {
	const char *site_dir;    /* --site or $EWS_SITE, or NULL */
	const char *catalog_dir; /* $EWS_CATALOG_DIR, or NULL */
	ews_site *site;          /* open when the verb needs it */
	const struct cli_noun *noun;
	const struct cli_verb *verb;
	int64_t id; /* the positional id of CLI_TAKES_ID verbs */
};

/* Nouns, defined in the cmd-*.c files. */
extern const struct cli_noun cli_noun_init;
extern const struct cli_noun cli_noun_gateway;
extern const struct cli_noun cli_noun_device;
extern const struct cli_noun cli_noun_load;
extern const struct cli_noun cli_noun_group;
extern const struct cli_noun cli_noun_board;
extern const struct cli_noun cli_noun_catalog;
extern const struct cli_noun cli_noun_settings;
extern const struct cli_noun cli_noun_samples;
extern const struct cli_noun cli_noun_events;
extern const struct cli_noun cli_noun_poll;
extern const struct cli_noun cli_noun_consumption;
extern const struct cli_noun cli_noun_tariff;
extern const struct cli_noun cli_noun_price;
extern const struct cli_noun cli_noun_rule;
extern const struct cli_noun cli_noun_evse;

/* cmd-evse-live.c: the verbs of Green'Up on a site's stations. */
int cli_evse_run(struct cli *c, const struct cli_args *a);
int cli_evse_status(struct cli *c, const struct cli_args *a);
int cli_evse_station(struct cli *c, const struct cli_args *a);
int cli_evse_charge(struct cli *c, const struct cli_args *a);

/* main.c: reporting. Each returns the exit code to use. */
int cli_fail(ews_status st);
/* CLI_OK for EWS_OK, else cli_fail(st). */
int cli_done(ews_status st);
/* As cli_done(); on success also prints id, the id of what was added. */
int cli_done_id(ews_status st, int64_t id);
int cli_usage(const struct cli *c, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int cli_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_open_site(struct cli *c, int create, const char *timezone);

/* args.c: parsing. */
int cli_args_parse(const struct cli *c, int argc, char **argv,
                   struct cli_args *out);
int cli_has_opt(const struct cli_args *a, int id);
/* The wall clock in UTC milliseconds: time enters at the frontend. */
int64_t cli_now_ms(void);
int cli_parse_id(const char *s, int64_t *out);
int cli_parse_uint(const char *s, unsigned int *out);
int cli_parse_reg(const char *s, unsigned int *out);
int cli_parse_double(const char *s, double *out);
int cli_parse_address(const char *s, unsigned int *addr, unsigned int *intf);

/* Value of option o as an id / unsigned / double, or a usage error. */
int cli_opt_id(const struct cli *c, const struct cli_opt *o, int64_t *out);
int cli_opt_uint(const struct cli *c, const struct cli_opt *o,
                 unsigned int *out);
int cli_opt_double(const struct cli *c, const struct cli_opt *o, double *out);
/* Usage error "--NAME: 'VALUE' is not <what>". */
int cli_opt_bad(const struct cli *c, const struct cli_opt *o, const char *what);
/* Copy a string option into a fixed field; too long is a refusal (2). */
int cli_copy(char *dst, size_t size, const char *src, const char *field);

/* table.c: aligned plain-text tables. */
struct cli_table;

struct cli_table *cli_table_new(size_t ncols, const char *const *headers);
void cli_table_cell(struct cli_table *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void cli_table_print(struct cli_table *t, FILE *f);
void cli_table_free(struct cli_table *t);

/* A record: the fields of one object as text, for show and list. */
enum { CLI_REC_MAX = 48 };

struct cli_rec {
	size_t n;
	const char *key[CLI_REC_MAX];
	char *val[CLI_REC_MAX];
};

void cli_rec_add(struct cli_rec *r, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void cli_rec_str(struct cli_rec *r, const char *key, const char *s);
void cli_rec_ref(struct cli_rec *r, const char *key, int64_t id);
/* Unsigned v, "-" for 0. */
void cli_rec_uint(struct cli_rec *r, const char *key, unsigned int v);
void cli_rec_clear(struct cli_rec *r);
void cli_rec_print(struct cli_rec *r, FILE *f);
void cli_table_rec(struct cli_table **t, struct cli_rec *r);
void cli_table_done(struct cli_table *t, FILE *f);

/* Shared printing helpers. */
const char *cli_or_dash(const char *s);
const char *cli_on_off(int enabled);
const char *cli_yes_no(int v);

/* print.c: the output of list and show verbs, JSON with --json, else text.
 * An object is written by a pair of functions: one as a JSON object (a
 * shape, shapes.h), one as a record (a row of a list, the lines of a
 * show). */
typedef void cli_rec_fn(struct cli_rec *r, const void *obj);

/* A list being printed: a JSON array, or a table with one row an object. */
struct cli_list {
	int json;
	struct jw j;
	struct cli_table *table;
	struct cli_rec rec;
};

void cli_list_begin(struct cli_list *l, const struct cli_args *a);
void cli_list_add(struct cli_list *l, const void *obj, jw_fn *json,
                  cli_rec_fn *rec);
void cli_list_end(struct cli_list *l);
/* Every item of list, in order; at(list, i) is its typed accessor. */
void cli_print_list(const struct cli_args *a, const ews_list *list,
                    const void *(*at)(const ews_list *, size_t), jw_fn *json,
                    cli_rec_fn *rec);
/* One object: a JSON object, or "key  value" lines. */
void cli_print_one(const struct cli_args *a, const void *obj, jw_fn *json,
                   cli_rec_fn *rec);

/* cmd-acq.c: verbs of the device and gateway nouns that talk Modbus. */
int cli_run_device_read(struct cli *c, const struct cli_args *a);
int cli_run_device_test(struct cli *c, const struct cli_args *a);
int cli_run_gateway_test(struct cli *c, const struct cli_args *a);
int cli_run_device_write(struct cli *c, const struct cli_args *a);
extern const struct cli_opt_spec cli_write_opts[];
/* cmd-poll.c */
int cli_run_poll(struct cli *c, const struct cli_args *a);
/* cmd-consumption.c: every commodity, in the order they are printed. */
enum { CLI_COMMODITIES = 3 };
extern const ews_commodity cli_commodities[CLI_COMMODITIES];
/* --commodity electricity|gas|water, or a usage error. */
int cli_opt_commodity(const struct cli *c, const struct cli_opt *o,
                      ews_commodity *out);
/* The value of the last --commodity of a; 0 when none is given. */
int cli_args_commodity(const struct cli *c, const struct cli_args *a,
                       ews_commodity *out);
/* consumption-out.c: consumption histograms as text. */
/* The histogram as a table and its totals; with the costs of ch unless it
 * is NULL. */
void cli_print_histogram(const ews_histogram *h, const ews_cost_histogram *ch);
/* The totals of a split as a table; costs: the total cost of each item,
 * or NULL. */
void cli_print_split(const ews_list *split, const char *unit,
                     const ews_list *costs, const char *currency);
/* Two histograms side by side; with costs (ca, cb not NULL), the costs
 * too, and for a pair of different commodities the costs only. */
void cli_print_compare(const ews_histogram *ha, const ews_histogram *hb,
                       const ews_cost_histogram *ca,
                       const ews_cost_histogram *cb);
/* cmd-tariff.c: money and its currency, "5.3 EUR" (ews_money_format). */
const char *cli_money_text(int64_t micro, const char *currency, char *buf,
                           size_t size);

#endif /* EWS_CLI_H */
