/*
 * ews catalog list [--family F] | show KEY | problems (CAT-1..4)
 *
 * These work without a site: the catalogue is $EWS_CATALOG_DIR (or the
 * installed one), plus "<site>/catalog" when a site is named and has one.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static int
load(const struct cli *c, ews_catalog **out)
{
	ews_catalog_opts opts;
	char *user = NULL;
	struct stat sb;
	ews_status st;

	ews_catalog_opts_init(&opts, EWS_CATALOG_OPTS_VERSION);
	opts.system_dir = c->catalog_dir;
	if (c->site_dir && *c->site_dir &&
	    asprintf(&user, "%s/catalog", c->site_dir) >= 0 &&
	    stat(user, &sb) == 0 && S_ISDIR(sb.st_mode))
		opts.user_dir = user;
	st = ews_catalog_load(&opts, out);
	free(user);
	return cli_done(st);
}

/* Catalogue numbers, comma-separated, into a malloc'd string. */
static char *
numbers(const ews_model *m)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; m->catalog_numbers && m->catalog_numbers[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "", m->catalog_numbers[i]);
	fclose(f);
	return s;
}

static void
rec_model(struct cli_rec *r, const void *obj)
{
	const ews_model *m = obj;
	char *nums = numbers(m);

	cli_rec_str(r, "key", m->key);
	cli_rec_str(r, "family", ews_family_name(m->family));
	cli_rec_str(r, "commodity", ews_commodity_name(m->commodity));
	if (m->has_map && m->confidence)
		cli_rec_add(r, "map", "%c", m->confidence);
	else
		cli_rec_str(r, "map", m->has_map ? "yes" : "unknown");
	cli_rec_str(r, "catalog_numbers", nums);
	cli_rec_str(r, "name", m->name);
	free(nums);
}

static int
family_filter(const struct cli *c, const struct cli_args *a, int *family)
{
	*family = 0;
	for (size_t i = 0; i < a->n_opt; i++) {
		ews_family f;

		if (a->opt[i].id != OPT_FAMILY)
			continue;
		if (ews_family_from_name(a->opt[i].value, &f) != EWS_OK)
			return cli_usage(c, "--family: unknown family '%s'",
			                 a->opt[i].value);
		*family = (int)f;
	}
	return CLI_OK;
}

static int
run_list(struct cli *c, const struct cli_args *a)
{
	ews_catalog *cat = NULL;
	struct cli_list l;
	int family, rc = family_filter(c, a, &family);

	if (rc || (rc = load(c, &cat)))
		return rc;
	cli_list_begin(&l, a);
	for (size_t i = 0; i < ews_catalog_count(cat); i++) {
		const ews_model *m = ews_catalog_at(cat, i);

		if (!family || (int)m->family == family)
			cli_list_add(&l, m, shape_model, rec_model);
	}
	cli_list_end(&l);
	ews_catalog_free(cat);
	return CLI_OK;
}

static void
print_caps(struct cli_rec *r, unsigned int caps)
{
	char buf[256] = "";
	size_t len = 0;

	for (unsigned int bit = 0; bit < 32; bit++) {
		const char *name =
		        ews_capability_name((ews_capability)(1u << bit));

		if ((caps & (1u << bit)) && name && len < sizeof(buf))
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			                        "%s%s", len ? ", " : "", name);
	}
	cli_rec_str(r, "caps", buf);
}

static void
print_map(const ews_model *m)
{
	struct cli_table *t = NULL;
	struct cli_rec r = { 0 };

	for (size_t i = 0; i < m->register_count; i++) {
		const ews_register *reg = ews_model_register(m, i);

		cli_rec_str(&r, "quantity", ews_quantity_name(reg->quantity));
		cli_rec_uint(&r, "order", reg->order);
		cli_rec_add(&r, "fc", "%u", reg->function);
		cli_rec_add(&r, "address", "0x%04X", reg->address);
		cli_rec_add(&r, "words", "%u", reg->words);
		cli_rec_str(&r, "type", ews_reg_type_name(reg->type));
		cli_rec_str(&r, "word_order",
		            ews_word_order_name(reg->word_order));
		cli_rec_add(&r, "scale", "%g", reg->scale);
		cli_rec_str(&r, "unit", reg->unit);
		cli_rec_uint(&r, "write", reg->write_function);
		cli_table_rec(&t, &r);
	}
	cli_table_done(t, stdout);
}

static void
print_model(const ews_model *m)
{
	struct cli_rec r = { 0 };
	char *nums = numbers(m);

	cli_rec_str(&r, "key", m->key);
	cli_rec_str(&r, "name", m->name);
	cli_rec_str(&r, "family", ews_family_name(m->family));
	cli_rec_str(&r, "catalog_numbers", nums);
	print_caps(&r, m->caps);
	cli_rec_str(&r, "commodity", ews_commodity_name(m->commodity));
	cli_rec_add(&r, "phases", "%u", m->phases);
	cli_rec_add(&r, "sides", "%u", m->sides);
	cli_rec_str(&r, "address_per_side", cli_yes_no(m->address_per_side));
	cli_rec_str(&r, "needs_supply", cli_yes_no(m->needs_supply));
	if (m->confidence)
		cli_rec_add(&r, "confidence", "%c", m->confidence);
	else
		cli_rec_str(&r, "confidence", NULL);
	cli_rec_str(&r, "source", m->source);
	cli_rec_str(&r, "file", m->file);
	cli_rec_print(&r, stdout);
	free(nums);
	fputc('\n', stdout);
	if (!m->has_map)
		printf("register map unknown for %s: %s\n", m->key,
		       cli_or_dash(m->source));
	else
		print_map(m);
}

static int
run_show(struct cli *c, const struct cli_args *a)
{
	ews_catalog *cat = NULL;
	const ews_model *m;
	struct jw j;
	ews_status st;
	int rc = load(c, &cat);

	if (rc)
		return rc;
	st = ews_catalog_find(cat, a->pos[0], &m);
	if (st != EWS_OK) {
		rc = cli_fail(st);
	} else if (a->json) {
		jw_init_file(&j, stdout);
		shape_model_full(&j, m);
		jw_finish(&j);
	} else {
		print_model(m);
	}
	ews_catalog_free(cat);
	return rc;
}

static int
run_problems(struct cli *c, const struct cli_args *a)
{
	ews_catalog *cat = NULL;
	struct jw j;
	int rc = load(c, &cat);

	if (rc)
		return rc;
	/* Strings, not objects: one a line as text. */
	if (a->json) {
		jw_init_file(&j, stdout);
		shape_catalog_problems(&j, cat);
		jw_finish(&j);
	} else {
		for (size_t i = 0; i < ews_catalog_problem_count(cat); i++)
			printf("%s\n", ews_catalog_problem(cat, i));
	}
	ews_catalog_free(cat);
	return CLI_OK;
}

static const struct cli_opt_spec list_opts[] = {
	{ "family", 1, OPT_FAMILY },
	{ NULL, 0, 0 },
};

static const struct cli_verb verbs[] = {
	{ "list", run_list, list_opts, 0, 0, CLI_TAKES_JSON,
	  "[--family F] [--json]",
	  "List the models of the device catalogue, by key. MAP is the\n"
	  "confidence grade of the register map (A-D), or \"unknown\".\n"
	  "\n"
	  "Options:\n"
	  "  --family F          only this family: btdin_meter, "
	  "energy_counter,\n"
	  "                      pulse_counter, rcd_module, ems_measure,\n"
	  "                      ems_state_control, megatiker, megabreak,\n"
	  "                      power_supervision, greenup_premium, greenup,\n"
	  "                      other, ev_station, wsmeasure\n" },
	{ "show", run_show, NULL, 1, 1, CLI_TAKES_JSON, "KEY [--json]",
	  "Print one model (KEY is its key or a catalogue number) and its\n"
	  "register map, or \"register map unknown for <model>: <source>\".\n"
	  "With --json, \"registers\" is null when the map is unknown.\n"
	  "\n"
	  "Options:\n" },
	{ "problems", run_problems, NULL, 0, 0, CLI_TAKES_JSON, "[--json]",
	  "List the model files refused while loading the catalogue, one\n"
	  "per line as \"<file>: <field>: <reason>\". Exits 0.\n"
	  "\n"
	  "Options:\n" },
	{ NULL, NULL, NULL, 0, 0, 0, NULL, NULL },
};

const struct cli_noun cli_noun_catalog = {
	"catalog",
	"The device catalogue: families, models, register maps.",
	verbs,
	0,
};
