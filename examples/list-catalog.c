/*
 * list-catalog: print the models of the device catalogue.
 *
 * The smallest complete libews program: load the catalogue, walk it, report
 * errors through ews_error_last(), free what was loaded.
 *
 *   cc list-catalog.c $(pkg-config --cflags --libs libews) -o list-catalog
 *   ./list-catalog                       # the installed catalogue
 *   ./list-catalog libews/catalog        # another directory
 *
 * Output: one line per model, "<key> <family> <map> <name>", then
 * "<n> models, <m> files refused". Files that were refused are listed on
 * stderr with the file and the field at fault.
 */
#include <stdio.h>

#include <ews/ews.h>

static int
fail(const char *what, ews_status rc)
{
	const ews_error *err = ews_error_last(); /* never NULL */

	fprintf(stderr, "list-catalog: %s: %s (%s)\n", what,
	        *err->message ? err->message : "no detail", ews_status_str(rc));
	return 1;
}

int
main(int argc, char **argv)
{
	ews_catalog_opts opts;
	ews_catalog *cat = NULL;
	ews_status rc;
	size_t i, n, problems;

	rc = ews_catalog_opts_init(&opts, EWS_CATALOG_OPTS_VERSION);
	if (rc != EWS_OK)
		return fail("options", rc);
	if (argc > 1)
		opts.system_dir = argv[1]; /* NULL: the installed catalogue */

	rc = ews_catalog_load(&opts, &cat);
	if (rc != EWS_OK)
		return fail("loading the catalogue", rc);

	n = ews_catalog_count(cat);
	for (i = 0; i < n; i++) {
		const ews_model *m = ews_catalog_at(cat, i); /* borrowed */
		const char *family = ews_family_name(m->family);

		printf("%-32s %-18s %-11s %s\n", m->key, family ? family : "?",
		       m->has_map ? "map" : "map unknown", m->name);
	}

	problems = ews_catalog_problem_count(cat);
	for (i = 0; i < problems; i++)
		fprintf(stderr, "refused: %s\n", ews_catalog_problem(cat, i));
	printf("%zu models, %zu files refused\n", n, problems);

	ews_catalog_free(cat);
	return 0;
}
