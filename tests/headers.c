/*
 * Header test (STYLE.md §12): tests/meson.build compiles this file once per
 * public header, as C99 with -pedantic-errors -Wall -Wextra -Werror, with
 * -DEWS_TEST_HEADER=<ews/NAME.h>. The header must stand alone, survive a
 * second inclusion, and (when it brings in common.h) link against libews.
 */
#ifndef EWS_TEST_HEADER
#define EWS_TEST_HEADER <ews/ews.h>
#endif

#include EWS_TEST_HEADER
#include EWS_TEST_HEADER

int
main(void)
{
#ifdef EWS_COMMON_H
	/* A declaration the header pulled in, called through libews. */
	return ews_status_str(EWS_OK) != NULL ? 0 : 1;
#else
	return 0;
#endif
}
