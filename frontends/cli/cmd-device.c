/*
 * ews device add|list|show|set|on|off|delete (INS-2, INS-3)
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "device.h"

/* A device as printed: its fields and its communication status. */
struct device_view {
	ews_device dev;
	ews_device_status status;
};

/* Read device c->id. */
static int
get(struct cli *c, ews_device *out)
{
	ews_device_init(out, EWS_DEVICE_VERSION);
	return cli_done(ews_site_device_get(c->site, c->id, out));
}

/* The status of a device into view->status; an exit code. */
static int
get_status(struct cli *c, const ews_device *d, struct device_view *view)
{
	view->dev = *d;
	return cli_done(ews_site_device_status(c->site, d->id, &view->status));
}

static int
run_add(struct cli *c, const struct cli_args *a)
{
	ews_device dev;
	ews_status st;
	int rc;

	if (!cli_has_opt(a, OPT_GATEWAY))
		return cli_usage(c, "missing option --gateway");
	if (!cli_has_opt(a, OPT_MODEL))
		return cli_usage(c, "missing option --model");
	ews_device_init(&dev, EWS_DEVICE_VERSION);
	rc = device_apply(c, a, &dev);
	if (rc)
		return rc;
	st = ews_site_device_add(c->site, &dev);
	return cli_done_id(st, dev.id);
}

static int
run_set(struct cli *c, const struct cli_args *a)
{
	ews_device dev;
	int rc = get(c, &dev);

	if (rc || (rc = device_apply(c, a, &dev)))
		return rc;
	return cli_done(ews_site_device_update(c->site, &dev));
}

static void
json_device(struct jw *j, const void *obj)
{
	const struct device_view *v = obj;

	shape_device(j, &v->dev, v->status);
}

static void
rec_address(struct cli_rec *r, const ews_device *d)
{
	if (d->ems_interface)
		cli_rec_add(r, "address", "%u-%u", d->address,
		            d->ems_interface);
	else
		cli_rec_add(r, "address", "%u", d->address);
}

static void
rec_groups(struct cli_rec *r, const ews_device *d)
{
	char buf[EWS_DEVICE_GROUPS_MAX * 22 + 1] = "";
	size_t len = 0;

	for (unsigned int i = 0;
	     i < d->group_count && i < EWS_DEVICE_GROUPS_MAX; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%lld",
		                        i ? "," : "",
		                        (long long)d->group_ids[i]);
	cli_rec_str(r, "group_ids", buf);
}

/* The fields of a device; `brief` for a row of `device list`. */
static void
rec_device(struct cli_rec *r, const struct device_view *v, int brief)
{
	const ews_device *d = &v->dev;

	cli_rec_add(r, "id", "%lld", (long long)d->id);
	cli_rec_ref(r, "gateway_id", d->gateway_id);
	rec_address(r, d);
	cli_rec_uint(r, "position", d->position);
	cli_rec_uint(r, "side", d->side);
	if (!brief) {
		cli_rec_str(r, "concentrator", d->concentrator);
		if (d->phase)
			cli_rec_add(r, "phase", "L%u", d->phase);
		else
			cli_rec_str(r, "phase", NULL);
		cli_rec_str(r, "supply", ews_supply_name(d->supply));
	}
	cli_rec_str(r, "model", d->model);
	cli_rec_str(r, "name", d->name);
	cli_rec_ref(r, "load_id", d->load_id);
	rec_groups(r, d);
	cli_rec_str(r, "enabled", cli_on_off(d->enabled));
	cli_rec_str(r, "status", ews_device_status_name(v->status));
	if (brief)
		return;
	cli_rec_str(r, "exclude_totals", cli_yes_no(d->exclude_totals));
	cli_rec_str(r, "exclude_alerts", cli_yes_no(d->exclude_alerts));
	cli_rec_uint(r, "read_code", d->read_code);
	cli_rec_add(r, "reg_address", "0x%04X", d->reg_address);
	cli_rec_uint(r, "reg_words", d->reg_words);
	cli_rec_add(r, "multiplier", "%.10g", d->multiplier);
	cli_rec_str(r, "reg_type", ews_reg_type_name(d->reg_type));
	cli_rec_str(r, "reg_word_order",
	            ews_word_order_name(d->reg_word_order));
	cli_rec_uint(r, "remote_id", d->remote_id);
}

/* A row of `device list`, and all of `device show`. */
static void
rec_device_row(struct cli_rec *r, const void *obj)
{
	rec_device(r, obj, 1);
}

static void
rec_device_all(struct cli_rec *r, const void *obj)
{
	rec_device(r, obj, 0);
}

static int
run_list(struct cli *c, const struct cli_args *a)
{
	struct device_view *views;
	int64_t gateway_id = 0;
	ews_list *list = NULL;
	struct cli_list l;
	ews_status st;
	int rc = CLI_OK;
	size_t i;

	for (i = 0; i < a->n_opt; i++) {
		rc = cli_opt_id(c, &a->opt[i], &gateway_id);
		if (rc)
			return rc;
	}
	st = ews_site_device_list(c->site, gateway_id, &list);
	if (st != EWS_OK)
		return cli_fail(st);
	/* Every status first: an error prints nothing of the list. */
	views = calloc(ews_list_len(list) + 1, sizeof(*views));
	if (!views) {
		ews_list_free(list);
		fputs("ews: out of memory\n", stderr);
		return CLI_IO;
	}
	for (i = 0; rc == CLI_OK && i < ews_list_len(list); i++)
		rc = get_status(c, ews_list_device(list, i), &views[i]);
	if (rc == CLI_OK) {
		cli_list_begin(&l, a);
		for (i = 0; i < ews_list_len(list); i++)
			cli_list_add(&l, &views[i], json_device,
			             rec_device_row);
		cli_list_end(&l);
	}
	free(views);
	ews_list_free(list);
	return rc;
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	struct device_view view;
	ews_device dev;
	int rc = get(c, &dev);

	if (rc || (rc = get_status(c, &dev, &view)))
		return rc;
	cli_print_one(a, &view, json_device, rec_device_all);
	return CLI_OK;
}

static int
run_on(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_device_set_enabled(c->site, c->id, 1));
}

static int
run_off(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_device_set_enabled(c->site, c->id, 0));
}

static int
run_delete(struct cli *c, const struct cli_args *a)
{
	return cli_done(ews_site_device_delete(c->site, c->id));
}

static const struct cli_opt_spec label_opts[] = {
	{ "input", 1, OPT_INPUT },
	{ "output", 1, OPT_OUTPUT },
	{ "text", 1, OPT_TEXT },
	{ NULL, 0, 0 },
};

static void
print_label(const struct cli_args *a, int64_t id, ews_io_kind kind,
            unsigned int number, const char *label)
{
	struct jw j;

	if (!a->json) {
		printf("%s\n", label);
		return;
	}
	jw_init_file(&j, stdout);
	shape_label(&j, id, kind, number, label);
	jw_finish(&j);
}

/* device label ID --input N|--output N [--text T]: set, or print. */
static int
run_label(struct cli *c, const struct cli_args *a)
{
	ews_io_kind kind = 0;
	const char *text = NULL;
	unsigned int number = 0;
	char *label = NULL;
	ews_status st;
	size_t i;

	for (i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];

		if (o->id == OPT_TEXT) {
			text = o->value;
			continue;
		}
		if (kind)
			return cli_usage(c, "give one of --input or --output");
		kind = o->id == OPT_INPUT ? EWS_IO_INPUT : EWS_IO_OUTPUT;
		if (cli_opt_uint(c, o, &number) != CLI_OK)
			return CLI_USAGE;
	}
	if (!kind)
		return cli_usage(c, "--input N or --output N is required");
	if (text) {
		st = ews_site_device_label_set(c->site, c->id, kind, number,
		                               text);
		return cli_done(st);
	}
	st = ews_site_device_label_get(c->site, c->id, kind, number, &label);
	if (st != EWS_OK)
		return cli_fail(st);
	print_label(a, c->id, kind, number, label);
	ews_free(label);
	return CLI_OK;
}

static const struct cli_verb verbs[] = {
	{ "add", run_add, device_add_opts, 0, 0, CLI_NEEDS_SITE,
	  device_add_synopsis, device_add_help },
	{ "list", run_list, device_list_opts, 0, 0,
	  CLI_NEEDS_SITE | CLI_TAKES_JSON, "[--gateway ID] [--json]",
	  "List the devices of the site, or of one gateway, by id.\n"
	  "\n"
	  "Options:\n"
	  "  --gateway ID        only the devices of this gateway\n" },
	{ "show", run_show, NULL, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON, "ID [--json]",
	  "Print one device.\n"
	  "\n"
	  "Options:\n" },
	{ "set", run_set, device_set_opts, 1, 1, CLI_NEEDS_SITE | CLI_TAKES_ID,
	  device_set_synopsis, device_set_help },
	{ "on", run_on, NULL, 1, 1, CLI_NEEDS_SITE | CLI_TAKES_ID, "ID",
	  "Switch a device ON (refused while its gateway is OFF).\n"
	  "\n"
	  "Options:\n" },
	{ "off", run_off, NULL, 1, 1, CLI_NEEDS_SITE | CLI_TAKES_ID, "ID",
	  "Switch a device OFF: it is not polled and not shown among\n"
	  "measures.\n"
	  "\n"
	  "Options:\n" },
	{ "read", cli_run_device_read, NULL, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON, "ID [--json]",
	  "Read every quantity of the device's register map now (ACQ-3)\n"
	  "and print the values in their canonical units. A quantity the\n"
	  "device refuses is left out, never shown as 0.\n"
	  "\n"
	  "Options:\n" },
	{ "write", cli_run_device_write, cli_write_opts, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON,
	  "ID --quantity Q --value V [--json]",
	  "Command (ACQ-6): write V, in the canonical unit of Q, to the\n"
	  "device's writable register for Q, e.g. an EV station's\n"
	  "setpoint_current (A) or charge_enable (0 or 1). Prints the\n"
	  "outcome; exit 2 when the model cannot take it, 3 when the write\n"
	  "failed.\n"
	  "\n"
	  "Options:\n"
	  "  --quantity Q        quantity name (see `ews catalog show`)\n"
	  "  --value V           value in the quantity's unit\n" },
	{ "test", cli_run_device_test, NULL, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON, "ID [--json]",
	  "One read request to the device now (INS-5): the outcome (ok,\n"
	  "timeout, exception and its code, refused, no_map, io, off) and\n"
	  "the round-trip time. Exit 0 ok, 2 OFF or register map unknown,\n"
	  "3 the round trip failed.\n"
	  "\n"
	  "Options:\n" },
	{ "label", run_label, label_opts, 1, 1,
	  CLI_NEEDS_SITE | CLI_TAKES_ID | CLI_TAKES_JSON,
	  "ID --input N|--output N [--text T] [--json]",
	  "Print, set or (with --text \"\") remove the custom label of an\n"
	  "input or output (M7TIC/IO, M7TICPROG, F80BVS, F80BC; §7.16.1.4).\n"
	  "\n"
	  "Options:\n"
	  "  --input N           input number, 1-16\n"
	  "  --output N          output number, 1-16\n"
	  "  --text T            the label to store\n" },
	{ "delete", run_delete, NULL, 1, 1, CLI_NEEDS_SITE | CLI_TAKES_ID, "ID",
	  "Delete a device (and its role as EQ device of its gateway).\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_device = {
	"device",
	"Devices: meters, modules, breakers, EV stations and "
	"virtual points.",
	verbs,
	0,
};
