/*
 * The output of the list and show verbs: with --json a JSON array of
 * objects or one object, else a table with a row an object or the
 * "key  value" lines of one. The caller gives the pair of functions that
 * write one object each way.
 */
#include "cli.h"

void
cli_list_begin(struct cli_list *l, const struct cli_args *a)
{
	l->json = a->json;
	l->table = NULL;
	l->rec.n = 0;
	jw_init_file(&l->j, stdout);
	if (l->json)
		jw_array_begin(&l->j, 0);
}

void
cli_list_add(struct cli_list *l, const void *obj, jw_fn *json, cli_rec_fn *rec)
{
	if (l->json) {
		json(&l->j, obj);
		return;
	}
	rec(&l->rec, obj);
	cli_table_rec(&l->table, &l->rec);
}

void
cli_list_end(struct cli_list *l)
{
	if (l->json) {
		jw_array_end(&l->j);
		jw_finish(&l->j);
	}
	cli_table_done(l->table, stdout);
}

void
cli_print_list(const struct cli_args *a, const ews_list *list,
               const void *(*at)(const ews_list *, size_t), jw_fn *json,
               cli_rec_fn *rec)
{
	struct cli_list l;

	cli_list_begin(&l, a);
	for (size_t i = 0; i < ews_list_len(list); i++)
		cli_list_add(&l, at(list, i), json, rec);
	cli_list_end(&l);
}

void
cli_print_one(const struct cli_args *a, const void *obj, jw_fn *json,
              cli_rec_fn *rec)
{
	struct cli_rec r = { 0 };
	struct jw j;

	if (a->json) {
		jw_init_file(&j, stdout);
		json(&j, obj);
		jw_finish(&j);
		return;
	}
	rec(&r, obj);
	cli_rec_print(&r, stdout);
}
