/*
 * Header test (STYLE.md §12): tests/meson.build compiles this file once per
 * public header as C++ with -pedantic-errors -Wall -Wextra -Werror, with
 * -DEWS_TEST_HEADER=<ews/NAME.h>. Calling into libews checks that the
 * declarations have C linkage (EWS_BEGIN_DECLS).
 */
#ifndef EWS_TEST_HEADER
#define EWS_TEST_HEADER <ews/ews.h>
#endif

#include EWS_TEST_HEADER
#include EWS_TEST_HEADER

int
main()
{
#ifdef EWS_COMMON_H
	return ews_status_str(EWS_OK) != 0 ? 0 : 1;
#else
	return 0;
#endif
}
