/*
 * ews gateway add|list|show|set|on|off|delete (INS-1, INS-3, INS-4)
 */
#include <string.h>

#include "cli.h"

/* Apply one option of add/set to *gw. */
static int
apply(struct cli *c, const struct cli_opt *o, ews_gateway *gw)
{
	switch (o->id) {
	case OPT_NAME:
		return cli_copy(gw->name, sizeof(gw->name), o->value, "name");
	case OPT_IP:
		return cli_copy(gw->ip, sizeof(gw->ip), o->value, "ip");
	case OPT_PORT:
		return cli_opt_uint(c, o, &gw->port);
	case OPT_DESCRIPTION:
		return cli_copy(gw->description, sizeof(gw->description),
		                o->value, "description");
	case OPT_VIRTUAL:
		gw->kind = EWS_GATEWAY_VIRTUAL;
		return CLI_OK;
	case OPT_BOARD:
		return cli_opt_id(c, o, &gw->board_id);
	case OPT_EQ_DEVICE:
		return cli_opt_id(c, o, &gw->eq_device_id);
	default:
		return CLI_OK;
	}
}

static int
apply_all(struct cli *c, const struct cli_args *a, ews_gateway *gw)
{
	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = apply(c, &a->opt[i], gw);

		if (rc)
			return rc;
	}
	return CLI_OK;
}

/* Read gateway c->id. */
static int
get(struct cli *c, ews_gateway *out)
{
	ews_gateway_init(out, EWS_GATEWAY_VERSION);
	return cli_done(ews_site_gateway_get(c->site, c->id, out));
}

static int
run_add(struct cli *c, const struct cli_args *a)
{
	ews_gateway gw;
	ews_status st;
	int rc;

	if (!cli_has_opt(a, OPT_NAME))
		return cli_usage(c, "missing option --name");
	if (!cli_has_opt(a, OPT_IP))
		return cli_usage(c, "missing option --ip");
	ews_gateway_init(&gw, EWS_GATEWAY_VERSION);
	rc = apply_all(c, a, &gw);
	if (rc)
		return rc;
	st = ews_site_gateway_add(c->site, &gw);
	return cli_done_id(st, gw.id);
}

static int
run_set(struct cli *c, const struct cli_args *a)
{
	ews_gateway gw;
	int rc = get(c, &gw);

	if (rc || (rc = apply_all(c, a, &gw)))
		return rc;
	return cli_done(ews_site_gateway_update(c->site, &gw));
}

static void
rec_gateway(struct cli_rec *r, const void *obj)
{
	const ews_gateway *gw = obj;

	cli_rec_add(r, "id", "%lld", (long long)gw->id);
	cli_rec_str(r, "kind", ews_gateway_kind_name(gw->kind));
	cli_rec_str(r, "name", gw->name);
	cli_rec_str(r, "ip", gw->ip);
	cli_rec_add(r, "port", "%u", gw->port);
	cli_rec_ref(r, "board_id", gw->board_id);
	cli_rec_ref(r, "eq_device_id", gw->eq_device_id);
	cli_rec_str(r, "enabled", cli_on_off(gw->enabled));
	cli_rec_str(r, "description", gw->description);
}

static int
run_list(struct cli *c, const struct cli_args *a)
{
	ews_list *list = NULL;
	ews_status st = ews_site_gateway_list(c->site, &list);

	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, shape_at_gateway, shape_gateway, rec_gateway);
	ews_list_free(list);
	return CLI_OK;
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	ews_gateway gw;
	int rc = get(c, &gw);

	if (rc)
		return rc;
	cli_print_one(a, &gw, shape_gateway, rec_gateway);
	return CLI_OK;
}

static int
run_on(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_gateway_set_enabled(c->site, c->id, 1));
}

static int
run_off(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_gateway_set_enabled(c->site, c->id, 0));
}

static int
run_delete(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_gateway_delete(c->site, c->id));
}

static const struct cli_opt_spec add_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "ip", 1, OPT_IP },
	{ "port", 1, OPT_PORT },
	{ "description", 1, OPT_DESCRIPTION },
	{ "virtual", 0, OPT_VIRTUAL },
	{ "board", 1, OPT_BOARD },
	{ NULL, 0, 0 },
};

static const struct cli_opt_spec set_opts[] = {
	{ "name", 1, OPT_NAME },
	{ "ip", 1, OPT_IP },
	{ "port", 1, OPT_PORT },
	{ "description", 1, OPT_DESCRIPTION },
	{ "board", 1, OPT_BOARD },
	{ "eq-device", 1, OPT_EQ_DEVICE },
	{ NULL, 0, 0 },
};

enum {
	SITE = CLI_NEEDS_SITE,
	SITE_ID = CLI_NEEDS_SITE | CLI_TAKES_ID,
	JSON = CLI_TAKES_JSON,
};

#define FIELDS                                                                 \
	"  --name N            name, unique in the site\n"                     \
	"  --ip A              IPv4 or IPv6 address (of the slave ews for a\n" \
	"                      virtual gateway)\n"                             \
	"  --port P            TCP port (default 502)\n"                       \
	"  --description D     free text\n"

static const struct cli_verb verbs[] = {
	{ "add", run_add, add_opts, 0, 0, SITE,
	  "--name N --ip A [--port P] [--description D] [--virtual] "
	  "[--board ID]",
	  "Add a Modbus TCP gateway (or, with --virtual, a slave ews read\n"
	  "through WSMEASURE points). Prints the new id.\n"
	  "\n"
	  "Options:\n" FIELDS
	  "  --virtual           a virtual gateway (slave ews)\n"
	  "  --board ID          its panel board\n" },
	{ "list", run_list, NULL, 0, 0, SITE | JSON, "[--json]",
	  "List the gateways of the site, by id.\n"
	  "\n"
	  "Options:\n" },
	{ "show", run_show, NULL, 1, 1, SITE_ID | JSON, "ID [--json]",
	  "Print one gateway.\n"
	  "\n"
	  "Options:\n" },
	{ "set", run_set, set_opts, 1, 1, SITE_ID,
	  "ID [--name N] [--ip A] [--port P] [--description D] "
	  "[--board ID|0] [--eq-device ID|0]",
	  "Change a gateway; fields not given keep their value. The IP\n"
	  "address and port of the Local gateway cannot change.\n"
	  "\n"
	  "Options:\n" FIELDS
	  "  --board ID|0        its panel board; 0 for none\n"
	  "  --eq-device ID|0    its EN 50160 device; 0 for none\n" },
	{ "on", run_on, NULL, 1, 1, SITE_ID, "ID",
	  "Switch a gateway ON.\n"
	  "\n"
	  "Options:\n" },
	{ "off", run_off, NULL, 1, 1, SITE_ID, "ID",
	  "Switch a gateway OFF; its devices are switched off too.\n"
	  "\n"
	  "Options:\n" },
	{ "test", cli_run_gateway_test, NULL, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON, "ID [--json]",
	  "Open the gateway's connection now (INS-5) and print the outcome\n"
	  "(ok, timeout, refused, io, off) and how long it took.\n"
	  "Exit 0 ok, 2 switched OFF, 3 the connection failed.\n"
	  "\n"
	  "Options:\n" },
	{ "delete", run_delete, NULL, 1, 1, SITE_ID, "ID",
	  "Delete a gateway. Refused while it has devices, and always for\n"
	  "the Local gateway.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_gateway = {
	"gateway",
	"Gateways: the Local RS485 port, Modbus TCP gateways and "
	"slave ews servers.",
	verbs,
	0,
};
