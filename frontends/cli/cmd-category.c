/*
 * ews load|group|board add|list|show|set|enable|disable|delete
 * (INS-6, INS-7): one implementation, parameterised by ews_category_kind.
 */
#include <string.h>

#include "cli.h"

static ews_category_kind
kind_of(const struct cli *c)
{
	return (ews_category_kind)c->noun->kind;
}

/* Read category c->id, refusing one of another kind. */
static int
get(struct cli *c, ews_category *out)
{
	ews_status st;

	ews_category_init(out, EWS_CATEGORY_VERSION, kind_of(c));
	st = ews_site_category_get(c->site, c->id, out);
	if (st != EWS_OK)
		return cli_fail(st);
	if (out->kind != kind_of(c))
		return cli_refuse(
		        "id: %lld is a %s, not a %s", (long long)c->id,
		        ews_category_kind_name(out->kind), c->noun->name);
	return CLI_OK;
}

static int
apply_all(const struct cli_args *a, ews_category *cat)
{
	for (size_t i = 0; i < a->n_opt; i++) {
		const struct cli_opt *o = &a->opt[i];
		int rc = CLI_OK;

		if (o->id == OPT_NAME)
			rc = cli_copy(cat->name, sizeof(cat->name), o->value,
			              "name");
		else if (o->id == OPT_DESCRIPTION)
			rc = cli_copy(cat->description,
			              sizeof(cat->description), o->value,
			              "description");
		if (rc)
			return rc;
	}
	return CLI_OK;
}

static int
run_add(struct cli *c, const struct cli_args *a)
{
	ews_category cat;
	ews_status st;
	int rc;

	if (!cli_has_opt(a, OPT_NAME))
		return cli_usage(c, "missing option --name");
	ews_category_init(&cat, EWS_CATEGORY_VERSION, kind_of(c));
	rc = apply_all(a, &cat);
	if (rc)
		return rc;
	st = ews_site_category_add(c->site, &cat);
	return cli_done_id(st, cat.id);
}

static int
run_set(struct cli *c, const struct cli_args *a)
{
	ews_category cat;
	int rc = get(c, &cat);

	if (rc || (rc = apply_all(a, &cat)))
		return rc;
	return cli_done(ews_site_category_update(c->site, &cat));
}

static void
rec_category(struct cli_rec *r, const void *obj)
{
	const ews_category *cat = obj;

	cli_rec_add(r, "id", "%lld", (long long)cat->id);
	cli_rec_str(r, "origin", ews_category_origin_name(cat->origin));
	cli_rec_str(r, "name", cat->name);
	cli_rec_str(r, "enabled", cli_yes_no(cat->enabled));
	cli_rec_str(r, "description", cat->description);
}

static int
run_list(struct cli *c, const struct cli_args *a)
{
	ews_list *list = NULL;
	ews_status st = ews_site_category_list(c->site, kind_of(c), &list);

	if (st != EWS_OK)
		return cli_fail(st);
	cli_print_list(a, list, shape_at_category, shape_category,
	               rec_category);
	ews_list_free(list);
	return CLI_OK;
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	ews_category cat;
	int rc = get(c, &cat);

	if (rc)
		return rc;
	cli_print_one(a, &cat, shape_category, rec_category);
	return CLI_OK;
}

/* Refuse c->id unless it is a category of the noun's kind: enable,
 * disable and delete check that first. */
static int
check_kind(struct cli *c)
{
	ews_category cat;

	return get(c, &cat);
}

static int
set_enabled(struct cli *c, int on)
{
	int rc = check_kind(c);

	if (rc)
		return rc;
	return cli_done(ews_site_category_set_enabled(c->site, c->id, on));
}

static int
run_enable(struct cli *c, const struct cli_args *a)
{
	return set_enabled(c, 1);
}

static int
run_disable(struct cli *c, const struct cli_args *a)
{
	return set_enabled(c, 0);
}

static int
run_delete(struct cli *c, const struct cli_args *a)
{
	int rc = check_kind(c);

	if (rc)
		return rc;
	return cli_done(ews_site_category_delete(c->site, c->id));
}

static const struct cli_opt_spec opts[] = {
	{ "name", 1, OPT_NAME },
	{ "description", 1, OPT_DESCRIPTION },
	{ NULL, 0, 0 },
};

enum {
	SITE = CLI_NEEDS_SITE,
	SITE_ID = CLI_NEEDS_SITE | CLI_TAKES_ID,
	JSON = CLI_TAKES_JSON,
};

/* "@" is replaced by the noun when the help is printed. */
static const struct cli_verb verbs[] = {
	{ "add", run_add, opts, 0, 0, SITE, "--name N [--description D]",
	  "Add a @. Prints the new id.\n"
	  "\n"
	  "Options:\n"
	  "  --name N            name, unique among the @s\n"
	  "  --description D     free text\n" },
	{ "list", run_list, NULL, 0, 0, SITE | JSON, "[--json]",
	  "List the @s of the site, by id.\n"
	  "\n"
	  "Options:\n" },
	{ "show", run_show, NULL, 1, 1, SITE_ID | JSON, "ID [--json]",
	  "Print one @.\n"
	  "\n"
	  "Options:\n" },
	{ "set", run_set, opts, 1, 1, SITE_ID,
	  "ID [--name N] [--description D]",
	  "Rename or re-describe a @ (built-in loads keep their names).\n"
	  "\n"
	  "Options:\n"
	  "  --name N            new name\n"
	  "  --description D     new description\n" },
	{ "enable", run_enable, NULL, 1, 1, SITE_ID, "ID",
	  "Enable a @.\n"
	  "\n"
	  "Options:\n" },
	{ "disable", run_disable, NULL, 1, 1, SITE_ID, "ID",
	  "Disable a @ (\"Others\", gas and water loads cannot be).\n"
	  "\n"
	  "Options:\n" },
	{ "delete", run_delete, NULL, 1, 1, SITE_ID, "ID",
	  "Erase a @; devices and gateways that used it lose the reference\n"
	  "(a device's load becomes \"Others\"). Predefined loads cannot be\n"
	  "erased, only disabled.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_load = {
	"load",
	"Loads: what the energy is used for (RT 2012 sub-metering).",
	verbs,
	EWS_CATEGORY_LOAD,
};

const struct cli_noun cli_noun_group = {
	"group",
	"Measure groups: logical sets of devices.",
	verbs,
	EWS_CATEGORY_GROUP,
};

const struct cli_noun cli_noun_board = {
	"board",
	"Panel boards: physical switchboards.",
	verbs,
	EWS_CATEGORY_BOARD,
};
