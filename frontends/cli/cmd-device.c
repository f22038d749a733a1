/*
 * ews device add|list|show|set|on|off|delete (INS-2, INS-3)
 */
#include <string.h>

#include "cli.h"
#include "device.h"

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
	if (st != EWS_OK)
		return cli_fail(st);
	printf("%lld\n", (long long)dev.id);
	return CLI_OK;
}

static int
run_set(struct cli *c, const struct cli_args *a)
{
	ews_device dev;
	ews_status st;
	int rc;

	ews_device_init(&dev, EWS_DEVICE_VERSION);
	st = ews_site_device_get(c->site, c->id, &dev);
	if (st != EWS_OK)
		return cli_fail(st);
	rc = device_apply(c, a, &dev);
	if (rc)
		return rc;
	st = ews_site_device_update(c->site, &dev);
	return st == EWS_OK ? CLI_OK : cli_fail(st);
}

static void
json_device(struct cli_json *j, const ews_device *d)
{
	const char *supply = ews_supply_name(d->supply);

	cli_json_object_begin(j);
	cli_json_key(j, "id");
	cli_json_int(j, d->id);
	cli_json_key(j, "gateway_id");
	cli_json_ref(j, d->gateway_id);
	cli_json_key(j, "model");
	cli_json_str(j, d->model);
	cli_json_key(j, "name");
	cli_json_str(j, d->name);
	cli_json_key(j, "address");
	cli_json_int(j, d->address);
	cli_json_key(j, "ems_interface");
	cli_json_int(j, d->ems_interface);
	cli_json_key(j, "position");
	cli_json_int(j, d->position);
	cli_json_key(j, "concentrator");
	cli_json_str(j, d->concentrator);
	cli_json_key(j, "side");
	cli_json_int(j, d->side);
	cli_json_key(j, "phase");
	cli_json_int(j, d->phase);
	cli_json_key(j, "supply");
	cli_json_str(j, supply && *supply ? supply : NULL);
	cli_json_key(j, "load_id");
	cli_json_ref(j, d->load_id);
	cli_json_key(j, "group_ids");
	cli_json_array_begin(j, 1);
	for (unsigned int i = 0;
	     i < d->group_count && i < EWS_DEVICE_GROUPS_MAX; i++)
		cli_json_int(j, d->group_ids[i]);
	cli_json_array_end(j);
	cli_json_key(j, "exclude_totals");
	cli_json_bool(j, d->exclude_totals);
	cli_json_key(j, "exclude_alerts");
	cli_json_bool(j, d->exclude_alerts);
	cli_json_key(j, "enabled");
	cli_json_bool(j, d->enabled);
	cli_json_key(j, "read_code");
	cli_json_int(j, d->read_code);
	cli_json_key(j, "reg_address");
	cli_json_int(j, d->reg_address);
	cli_json_key(j, "reg_words");
	cli_json_int(j, d->reg_words);
	cli_json_key(j, "multiplier");
	cli_json_double(j, d->multiplier);
	cli_json_key(j, "reg_type");
	cli_json_str(j, ews_reg_type_name(d->reg_type));
	cli_json_key(j, "reg_word_order");
	cli_json_str(j, ews_word_order_name(d->reg_word_order));
	cli_json_key(j, "remote_id");
	cli_json_int(j, d->remote_id);
	cli_json_object_end(j);
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

static void
rec_uint(struct cli_rec *r, const char *key, unsigned int v)
{
	if (v)
		cli_rec_add(r, key, "%u", v);
	else
		cli_rec_add(r, key, "-");
}

/* The fields of a device; `brief` for a row of `device list`. */
static void
rec_device(struct cli_rec *r, const ews_device *d, int brief)
{
	cli_rec_add(r, "id", "%lld", (long long)d->id);
	cli_rec_ref(r, "gateway_id", d->gateway_id);
	rec_address(r, d);
	rec_uint(r, "position", d->position);
	rec_uint(r, "side", d->side);
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
	if (brief)
		return;
	cli_rec_str(r, "exclude_totals", d->exclude_totals ? "yes" : "no");
	cli_rec_str(r, "exclude_alerts", d->exclude_alerts ? "yes" : "no");
	rec_uint(r, "read_code", d->read_code);
	cli_rec_add(r, "reg_address", "0x%04X", d->reg_address);
	rec_uint(r, "reg_words", d->reg_words);
	cli_rec_add(r, "multiplier", "%.10g", d->multiplier);
	cli_rec_str(r, "reg_type", ews_reg_type_name(d->reg_type));
	cli_rec_str(r, "reg_word_order",
	            ews_word_order_name(d->reg_word_order));
	rec_uint(r, "remote_id", d->remote_id);
}

static int
run_list(struct cli *c, const struct cli_args *a)
{
	int64_t gateway_id = 0;
	ews_list *list = NULL;
	struct cli_table *t = NULL;
	struct cli_rec r = { 0 };
	struct cli_json j;
	ews_status st;

	for (size_t i = 0; i < a->n_opt; i++) {
		int rc = cli_opt_id(c, &a->opt[i], &gateway_id);

		if (rc)
			return rc;
	}
	st = ews_site_device_list(c->site, gateway_id, &list);
	if (st != EWS_OK)
		return cli_fail(st);
	cli_json_init(&j, stdout);
	if (a->json)
		cli_json_array_begin(&j, 0);
	for (size_t i = 0; i < ews_list_len(list); i++) {
		if (a->json) {
			json_device(&j, ews_list_device(list, i));
			continue;
		}
		rec_device(&r, ews_list_device(list, i), 1);
		cli_table_rec(&t, &r);
	}
	if (a->json) {
		cli_json_array_end(&j);
		cli_json_finish(&j);
	}
	cli_table_done(t, stdout);
	ews_list_free(list);
	return CLI_OK;
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	ews_device dev;
	ews_status st;
	struct cli_json j;
	struct cli_rec r = { 0 };

	ews_device_init(&dev, EWS_DEVICE_VERSION);
	st = ews_site_device_get(c->site, c->id, &dev);
	if (st != EWS_OK)
		return cli_fail(st);
	if (a->json) {
		cli_json_init(&j, stdout);
		json_device(&j, &dev);
		cli_json_finish(&j);
		return CLI_OK;
	}
	rec_device(&r, &dev, 0);
	cli_rec_print(&r, stdout);
	return CLI_OK;
}

static int
set_enabled(struct cli *c, int on)
{
	ews_status st = ews_site_device_set_enabled(c->site, c->id, on);

	return st == EWS_OK ? CLI_OK : cli_fail(st);
}

static int
run_on(struct cli *c, const struct cli_args *a)
{
	return set_enabled(c, 1);
}

static int
run_off(struct cli *c, const struct cli_args *a)
{
	return set_enabled(c, 0);
}

static int
run_delete(struct cli *c, const struct cli_args *a)
{
	ews_status st = ews_site_device_delete(c->site, c->id);

	return st == EWS_OK ? CLI_OK : cli_fail(st);
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
	struct cli_json j;

	if (!a->json) {
		printf("%s\n", label);
		return;
	}
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "device_id");
	cli_json_int(&j, id);
	cli_json_key(&j, "kind");
	cli_json_str(&j, ews_io_kind_name(kind));
	cli_json_key(&j, "number");
	cli_json_int(&j, number);
	cli_json_key(&j, "label");
	cli_json_str(&j, label);
	cli_json_object_end(&j);
	cli_json_finish(&j);
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
		return st == EWS_OK ? CLI_OK : cli_fail(st);
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
