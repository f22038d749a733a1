/*
 * The options of `ews device add` and `ews device set`, applied to an
 * ews_device. Only the form of a value is checked here (a number, one of a
 * few names); whether it is acceptable is for libews to say.
 */
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "device.h"

/* The --group / --no-groups options as given. */
struct device_groups {
	int given; /* the list is to be replaced */
	size_t n;  /* groups given, may exceed EWS_DEVICE_GROUPS_MAX */
	int64_t ids[CLI_OPTS_MAX];
};

static int
parse_phase(const struct cli *c, const struct cli_opt *o, unsigned int *out)
{
	static const char *const names[] = { "none", "L1", "L2", "L3" };

	for (unsigned int i = 0; i < 4; i++) {
		if (strcasecmp(o->value, names[i]) == 0) {
			*out = i;
			return CLI_OK;
		}
	}
	if (cli_parse_uint(o->value, out) == 0)
		return CLI_OK;
	return cli_opt_bad(c, o, "L1, L2, L3 or none");
}

static int
parse_supply(const struct cli *c, const struct cli_opt *o, ews_supply *out)
{
	if (strcmp(o->value, "upstream") == 0)
		*out = EWS_SUPPLY_UPSTREAM;
	else if (strcmp(o->value, "downstream") == 0)
		*out = EWS_SUPPLY_DOWNSTREAM;
	else if (strcmp(o->value, "none") == 0)
		*out = EWS_SUPPLY_NONE;
	else
		return cli_opt_bad(c, o, "upstream, downstream or none");
	return CLI_OK;
}

static int
parse_type(const struct cli *c, const struct cli_opt *o, ews_reg_type *out)
{
	if (ews_reg_type_from_name(o->value, out) == EWS_OK)
		return CLI_OK;
	return cli_opt_bad(c, o,
	                   "a register type (u16, s16, u32, s32, u64, s64, "
	                   "f32, f64)");
}

static int
parse_word_order(const struct cli *c, const struct cli_opt *o,
                 ews_word_order *out)
{
	if (ews_word_order_from_name(o->value, out) == EWS_OK)
		return CLI_OK;
	return cli_opt_bad(c, o, "be or lsw");
}

static int
parse_address(const struct cli *c, const struct cli_opt *o, ews_device *dev)
{
	if (cli_parse_address(o->value, &dev->address, &dev->ems_interface) ==
	    0)
		return CLI_OK;
	return cli_opt_bad(c, o,
	                   "an address (A, or A-I for EMS remote addressing)");
}

static int
parse_register(const struct cli *c, const struct cli_opt *o, unsigned int *out)
{
	if (cli_parse_reg(o->value, out) == 0)
		return CLI_OK;
	return cli_opt_bad(c, o, "a register address (0xHHHH or decimal)");
}

/* Options that set a plain field. */
static int
apply_field(struct cli *c, const struct cli_opt *o, ews_device *dev)
{
	switch (o->id) {
	case OPT_GATEWAY:
		return cli_opt_id(c, o, &dev->gateway_id);
	case OPT_MODEL:
		return cli_copy(dev->model, sizeof(dev->model), o->value,
		                "model");
	case OPT_NAME:
		return cli_copy(dev->name, sizeof(dev->name), o->value, "name");
	case OPT_ADDRESS:
		return parse_address(c, o, dev);
	case OPT_POSITION:
		return cli_opt_uint(c, o, &dev->position);
	case OPT_CONCENTRATOR:
		return cli_copy(dev->concentrator, sizeof(dev->concentrator),
		                o->value, "concentrator");
	case OPT_SIDE:
		return cli_opt_uint(c, o, &dev->side);
	case OPT_PHASE:
		return parse_phase(c, o, &dev->phase);
	case OPT_SUPPLY:
		return parse_supply(c, o, &dev->supply);
	case OPT_LOAD:
		return cli_opt_id(c, o, &dev->load_id);
	case OPT_READ_CODE:
		return cli_opt_uint(c, o, &dev->read_code);
	case OPT_REGISTER:
		return parse_register(c, o, &dev->reg_address);
	case OPT_WORDS:
		return cli_opt_uint(c, o, &dev->reg_words);
	case OPT_MULTIPLIER:
		return cli_opt_double(c, o, &dev->multiplier);
	case OPT_TYPE:
		return parse_type(c, o, &dev->reg_type);
	case OPT_WORD_ORDER:
		return parse_word_order(c, o, &dev->reg_word_order);
	case OPT_REMOTE_ID:
		return cli_opt_uint(c, o, &dev->remote_id);
	default:
		return CLI_OK;
	}
}

/* Flags, and the group list: the first --group replaces the stored list,
 * later ones append; --no-groups empties it. */
static int
apply_flag(struct cli *c, const struct cli_opt *o, ews_device *dev,
           struct device_groups *g)
{
	switch (o->id) {
	case OPT_EXCLUDE_TOTALS:
	case OPT_INCLUDE_TOTALS:
		dev->exclude_totals = o->id == OPT_EXCLUDE_TOTALS;
		return CLI_OK;
	case OPT_EXCLUDE_ALERTS:
	case OPT_INCLUDE_ALERTS:
		dev->exclude_alerts = o->id == OPT_EXCLUDE_ALERTS;
		return CLI_OK;
	case OPT_NO_GROUPS:
		g->given = 1;
		g->n = 0;
		return CLI_OK;
	case OPT_GROUP:
		g->given = 1;
		if (g->n == CLI_OPTS_MAX)
			return CLI_OK;
		return cli_opt_id(c, o, &g->ids[g->n++]);
	default:
		return apply_field(c, o, dev);
	}
}

int
device_apply(struct cli *c, const struct cli_args *a, ews_device *dev)
{
	struct device_groups groups = { 0 }, *g = &groups;

	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = apply_flag(c, &a->opt[i], dev, g);

		if (rc)
			return rc;
	}
	if (!g->given)
		return CLI_OK;
	/* group_ids holds at most EWS_DEVICE_GROUPS_MAX; a longer list is
	 * passed as its count alone, which libews refuses (EWS_ELIMIT)
	 * before it reads any id. */
	for (size_t i = 0; i < g->n && i < EWS_DEVICE_GROUPS_MAX; i++)
		dev->group_ids[i] = g->ids[i];
	dev->group_count = (unsigned int)g->n;
	return CLI_OK;
}

/* ------------------------------------------------------------------ */
/* Option tables and help                                              */

#define DEVICE_OPTS                                                            \
	{ "gateway", 1, OPT_GATEWAY }, { "model", 1, OPT_MODEL },              \
	        { "address", 1, OPT_ADDRESS },                                 \
	        { "position", 1, OPT_POSITION },                               \
	        { "concentrator", 1, OPT_CONCENTRATOR },                       \
	        { "side", 1, OPT_SIDE }, { "phase", 1, OPT_PHASE },            \
	        { "supply", 1, OPT_SUPPLY }, { "name", 1, OPT_NAME },          \
	        { "load", 1, OPT_LOAD }, { "group", 1, OPT_GROUP },            \
	        { "exclude-totals", 0, OPT_EXCLUDE_TOTALS },                   \
	        { "exclude-alerts", 0, OPT_EXCLUDE_ALERTS },                   \
	        { "read-code", 1, OPT_READ_CODE },                             \
	        { "register", 1, OPT_REGISTER }, { "words", 1, OPT_WORDS },    \
	        { "multiplier", 1, OPT_MULTIPLIER }, { "type", 1, OPT_TYPE },  \
	        { "word-order", 1, OPT_WORD_ORDER },                           \
	{                                                                      \
		"remote-id", 1, OPT_REMOTE_ID                                  \
	}

const struct cli_opt_spec device_add_opts[] = {
	DEVICE_OPTS,
	{ NULL, 0, 0 },
};

const struct cli_opt_spec device_set_opts[] = {
	DEVICE_OPTS,
	{ "no-groups", 0, OPT_NO_GROUPS },
	{ "include-totals", 0, OPT_INCLUDE_TOTALS },
	{ "include-alerts", 0, OPT_INCLUDE_ALERTS },
	{ NULL, 0, 0 },
};

const struct cli_opt_spec device_list_opts[] = {
	{ "gateway", 1, OPT_GATEWAY },
	{ NULL, 0, 0 },
};

#define DEVICE_FIELDS_HELP                                                     \
	"  --gateway ID        the gateway whose bus the device is on\n"       \
	"  --model KEY         catalogue key or catalogue number (see\n"       \
	"                      `ews catalog list`)\n"                          \
	"  --address A[-I]     Modbus address 1-247; A-I for EMS remote\n"     \
	"                      addressing (address A, interface I)\n"          \
	"  --position P        input of the pulse concentrator\n"              \
	"  --concentrator C    pulse concentrator: F80BI, F4CON12, F4CON\n"    \
	"  --side S            side 1 or 2 of a two-sided station\n"           \
	"  --phase L1|L2|L3    phase of a single-phase station\n"              \
	"  --supply upstream|downstream\n"                                     \
	"                      supply direction (EMS measure modules,\n"       \
	"                      breakers)\n"                                    \
	"  --name N            name, unique in the site (default: from the\n"  \
	"                      address)\n"                                     \
	"  --load ID           its load (0: \"Others\")\n"                     \
	"  --group ID          a measure group; repeat for up to 5\n"          \
	"  --exclude-totals    leave it out of the grand totals\n"             \
	"  --exclude-alerts    send no alerts for it\n"                        \
	"  --remote-id N       WSMEASURE point of the slave: 1XXXX device,\n"  \
	"                      2YYYY load, 3ZZZZ group, 29999 total\n"         \
	"Generic Modbus meter (positive active energy register):\n"            \
	"  --read-code 3|4     Modbus read function\n"                         \
	"  --register R        register address, 0xHHHH (hex) or decimal\n"    \
	"  --words W           registers to read: 1, 2 or 4\n"                 \
	"  --multiplier X      raw value x X = kWh\n"                          \
	"  --type T            u16, s16, u32, s32, u64, s64, f32, f64\n"       \
	"                      (default: unsigned of W words)\n"               \
	"  --word-order be|lsw most or least significant word first\n"

const char device_add_synopsis[] =
        "--gateway ID --model KEY [--address A[-I]] [--position P] "
        "[--side S] [--phase L1|L2|L3] [--name N] [--load ID] [--group ID]... "
        "[--exclude-totals] [--exclude-alerts] [--supply upstream|downstream] "
        "[--concentrator C] [--remote-id N] [--read-code 3|4 --register R "
        "--words W --multiplier X [--type T] [--word-order be|lsw]]";

const char device_add_help[] =
        "Add a device to the bus of a gateway. Prints the new id. Which\n"
        "fields are needed depends on the model: an address for Modbus\n"
        "devices, a concentrator and position for pulse meters, the\n"
        "register for the generic meter, a remote id for WSMEASURE.\n"
        "\n"
        "Options:\n" DEVICE_FIELDS_HELP;

const char device_set_synopsis[] =
        "ID [options of add] [--no-groups] [--include-totals] "
        "[--include-alerts]";

const char device_set_help[] =
        "Change a device; fields not given keep their value. --group\n"
        "replaces the whole group list (give it once per group).\n"
        "\n"
        "Options:\n" DEVICE_FIELDS_HELP
        "  --no-groups         remove it from every group\n"
        "  --include-totals    undo --exclude-totals\n"
        "  --include-alerts    undo --exclude-alerts\n"
        "With set, --supply none and --phase none clear those fields.\n";
