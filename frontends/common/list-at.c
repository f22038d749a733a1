/* The items of libews's typed lists behind one function type, for the
 * printers that walk any list (the CLI's list output, ewsd's list
 * replies). */
#include "shapes.h"

const void *
shape_at_gateway(const ews_list *list, size_t i)
{
	return ews_list_gateway(list, i);
}

const void *
shape_at_category(const ews_list *list, size_t i)
{
	return ews_list_category(list, i);
}

const void *
shape_at_reading(const ews_list *list, size_t i)
{
	return ews_list_reading(list, i);
}

const void *
shape_at_poll_result(const ews_list *list, size_t i)
{
	return ews_list_poll_result(list, i);
}

const void *
shape_at_event(const ews_list *list, size_t i)
{
	return ews_list_event_entry(list, i);
}

const void *
shape_at_price(const ews_list *list, size_t i)
{
	return ews_list_price(list, i);
}

void
shape_list(struct jw *j, const ews_list *list, shape_at_fn *at, jw_fn *fn)
{
	jw_array_begin(j, 0);
	for (size_t i = 0; i < ews_list_len(list); i++)
		fn(j, at(list, i));
	jw_array_end(j);
}
