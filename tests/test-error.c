#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <ews/ews.h>

#include "error-private.h"
#include "helpers.h"

/* Every status code of common.h with the text ews_status_str() gives it. */
static const struct {
	ews_status code;
	const char *text;
} status_texts[] = {
	{ EWS_OK, "success" },
	{ EWS_ERROR, "unexpected error" },
	{ EWS_EINVAL, "invalid argument" },
	{ EWS_ENOTFOUND, "not found" },
	{ EWS_EBUSY, "busy, try again" },
	{ EWS_ETIMEDOUT, "timed out" },
	{ EWS_EIO, "input/output error" },
	{ EWS_ENOMEM, "out of memory" },
	{ EWS_EEXIST, "already exists" },
	{ EWS_ELIMIT, "limit reached" },
	{ EWS_EDENIED, "not permitted" },
	{ EWS_EINUSE, "still in use" },
	{ EWS_ENOMAP, "register map unknown" },
};

enum { N_STATUS = sizeof(status_texts) / sizeof(status_texts[0]) };

START_TEST(status_str_names_every_code)
{
	size_t i;

	/* The table covers EWS_OK down to the last code, without gaps. */
	ck_assert_int_eq(N_STATUS, 1 - EWS_ENOMAP);
	for (i = 0; i < N_STATUS; i++) {
		const char *s = ews_status_str(status_texts[i].code);

		ck_assert_ptr_nonnull(s);
		ck_assert_str_eq(s, status_texts[i].text);
		ck_assert_int_eq(status_texts[i].code, -(int)i);
	}
}
END_TEST

START_TEST(status_str_codes_have_distinct_texts)
{
	size_t i, j;

	for (i = 0; i < N_STATUS; i++)
		for (j = i + 1; j < N_STATUS; j++)
			ck_assert_str_ne(ews_status_str(status_texts[i].code),
			                 ews_status_str(status_texts[j].code));
}
END_TEST

START_TEST(status_str_unknown_code_is_not_null)
{
	ck_assert_str_eq(ews_status_str((ews_status)-999), "unknown status");
	ck_assert_str_eq(ews_status_str((ews_status)1), "unknown status");
	ck_assert_str_eq(ews_status_str((ews_status)(EWS_ENOMAP - 1)),
	                 "unknown status");
}
END_TEST

START_TEST(error_last_is_never_null_and_empty_at_start)
{
	/* check forks each test (CK_FORK=yes) but not under valgrind: clear
	 * first so the test holds either way. */
	const ews_error *e;

	ews_error_clear();
	e = ews_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, EWS_OK);
	ck_assert_ptr_nonnull(e->message);
	ck_assert_ptr_nonnull(e->field);
	ck_assert_str_eq(e->message, "");
	ck_assert_str_eq(e->field, "");
}
END_TEST

START_TEST(fail_records_code_and_message_and_returns_code)
{
	const ews_error *e;

	ck_assert_int_eq(
	        ews__fail(EWS_EIO, "meter %s: read %d@%d", "m1", 2, 40001),
	        EWS_EIO);
	e = ews_error_last();
	ck_assert_int_eq(e->code, EWS_EIO);
	ck_assert_str_eq(e->message, "meter m1: read 2@40001");
	ck_assert_str_eq(e->field, "");
}
END_TEST

START_TEST(fail_replaces_the_previous_error)
{
	ews__fail_field(EWS_EINVAL, "address", "0 is outside 1-247");
	ews__fail(EWS_EBUSY, "database is locked");
	ck_assert_int_eq(ews_error_last()->code, EWS_EBUSY);
	ck_assert_str_eq(ews_error_last()->message, "database is locked");
	ck_assert_str_eq(ews_error_last()->field, "");
}
END_TEST

START_TEST(error_clear_forgets_the_last_error)
{
	const ews_error *e;

	ews__fail_field(EWS_EEXIST, "name", "\"%s\" is already used", "pv");
	ews_error_clear();
	e = ews_error_last();
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(e->code, EWS_OK);
	ck_assert_str_eq(e->message, "");
	ck_assert_str_eq(e->field, "");
}
END_TEST

START_TEST(fail_field_records_field_and_prefixes_message)
{
	const ews_error *e;

	ck_assert_int_eq(ews__fail_field(EWS_EINVAL, "address",
	                                 "%u is outside 1-247", 0u),
	                 EWS_EINVAL);
	e = ews_error_last();
	ck_assert_int_eq(e->code, EWS_EINVAL);
	ck_assert_str_eq(e->field, "address");
	ck_assert_str_eq(e->message, "address: 0 is outside 1-247");
}
END_TEST

START_TEST(fail_field_with_null_or_empty_field_has_no_prefix)
{
	ews__fail_field(EWS_EINVAL, NULL, "bad");
	ck_assert_str_eq(ews_error_last()->field, "");
	ck_assert_str_eq(ews_error_last()->message, "bad");

	ews__fail_field(EWS_EINVAL, "", "bad too");
	ck_assert_str_eq(ews_error_last()->field, "");
	ck_assert_str_eq(ews_error_last()->message, "bad too");
}
END_TEST

START_TEST(error_prefix_adds_context_and_keeps_code_and_field)
{
	const ews_error *e;

	ews__fail_field(EWS_EINVAL, "port", "70000 is outside 1-65535");
	ck_assert_int_eq(ews__error_prefix("gateway \"panel\""), EWS_EINVAL);
	e = ews_error_last();
	ck_assert_int_eq(e->code, EWS_EINVAL);
	ck_assert_str_eq(e->field, "port");
	ck_assert_str_eq(e->message,
	                 "gateway \"panel\": port: 70000 is outside 1-65535");

	/* Prefixes stack, innermost context last. */
	ews__error_prefix("site /srv/ews");
	ck_assert_str_eq(ews_error_last()->message,
	                 "site /srv/ews: gateway \"panel\": port: 70000 is "
	                 "outside 1-65535");
}
END_TEST

START_TEST(long_messages_are_truncated_safely)
{
	char big[4096];
	const ews_error *e;
	size_t len;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

	ews__fail(EWS_EIO, "%s", big);
	e = ews_error_last();
	len = strlen(e->message);
	ck_assert_int_eq(e->code, EWS_EIO);
	ck_assert_uint_gt(len, 100);
	ck_assert_uint_lt(len, sizeof(big) - 1);
	ck_assert_int_eq(e->message[0], 'x');
	ck_assert_int_eq(e->message[len - 1], 'x');

	/* A long field name and a long message together. */
	ews__fail_field(EWS_EINVAL, big, "%s", big);
	e = ews_error_last();
	ck_assert_uint_lt(strlen(e->field), sizeof(big) - 1);
	ck_assert_uint_lt(strlen(e->message), sizeof(big) - 1);
	ck_assert_int_eq(e->code, EWS_EINVAL);

	/* Prefixing a full message stays within bounds, prefix first. */
	ews__fail(EWS_EIO, "%s", big);
	ews__error_prefix("context");
	e = ews_error_last();
	ck_assert_uint_lt(strlen(e->message), sizeof(big) - 1);
	ck_assert_int_eq(strncmp(e->message, "context: x", 10), 0);

	ews__error_prefix(big);
	e = ews_error_last();
	ck_assert_uint_lt(strlen(e->message), sizeof(big) - 1);
	ck_assert_int_eq(e->code, EWS_EIO);
}
END_TEST

static void *
fail_on_other_thread(void *arg)
{
	const ews_error *e;
	int *seen_clean = arg;

	/* This thread starts clean, whatever the main thread recorded. */
	e = ews_error_last();
	*seen_clean = e != NULL && e->code == EWS_OK && e->message[0] == '\0';
	ews__fail_field(EWS_EBUSY, "bus", "in use by thread %d", 2);
	return NULL;
}

START_TEST(error_last_is_thread_local)
{
	pthread_t t;
	int seen_clean = 0;
	const ews_error *e;

	ews__fail_field(EWS_ENOTFOUND, "device", "id %d does not exist", 7);
	ck_assert_int_eq(
	        pthread_create(&t, NULL, fail_on_other_thread, &seen_clean), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);

	ck_assert_int_eq(seen_clean, 1);
	e = ews_error_last();
	ck_assert_int_eq(e->code, EWS_ENOTFOUND);
	ck_assert_str_eq(e->field, "device");
	ck_assert_str_eq(e->message, "device: id 7 does not exist");
}
END_TEST

static void *
clear_on_other_thread(void *arg)
{
	(void)arg;
	ews_error_clear();
	return NULL;
}

START_TEST(error_clear_on_other_thread_keeps_this_one)
{
	pthread_t t;

	ews__fail(EWS_EIO, "disk full");
	ck_assert_int_eq(pthread_create(&t, NULL, clear_on_other_thread, NULL),
	                 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(ews_error_last()->code, EWS_EIO);
	ck_assert_str_eq(ews_error_last()->message, "disk full");
}
END_TEST

START_TEST(version_matches_headers)
{
	char expected[32];

	ck_assert_uint_eq(ews_version(), EWS_VERSION_NUMBER);
	ck_assert_uint_eq(EWS_VERSION_NUMBER, EWS_VERSION_MAJOR * 10000 +
	                                              EWS_VERSION_MINOR * 100 +
	                                              EWS_VERSION_PATCH);
	snprintf(expected, sizeof(expected), "%d.%d.%d", EWS_VERSION_MAJOR,
	         EWS_VERSION_MINOR, EWS_VERSION_PATCH);
	ck_assert_ptr_nonnull(ews_version_string());
	ck_assert_str_eq(ews_version_string(), expected);
}
END_TEST

START_TEST(free_accepts_null)
{
	ews_free(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("error");
	TCase *tc_status = tcase_create("status");
	TCase *tc_last = tcase_create("last");
	TCase *tc_thread = tcase_create("thread");
	TCase *tc_version = tcase_create("version");

	tcase_add_test(tc_status, status_str_names_every_code);
	tcase_add_test(tc_status, status_str_codes_have_distinct_texts);
	tcase_add_test(tc_status, status_str_unknown_code_is_not_null);
	suite_add_tcase(s, tc_status);

	tcase_add_test(tc_last, error_last_is_never_null_and_empty_at_start);
	tcase_add_test(tc_last, fail_records_code_and_message_and_returns_code);
	tcase_add_test(tc_last, fail_replaces_the_previous_error);
	tcase_add_test(tc_last, error_clear_forgets_the_last_error);
	tcase_add_test(tc_last, fail_field_records_field_and_prefixes_message);
	tcase_add_test(tc_last,
	               fail_field_with_null_or_empty_field_has_no_prefix);
	tcase_add_test(tc_last,
	               error_prefix_adds_context_and_keeps_code_and_field);
	tcase_add_test(tc_last, long_messages_are_truncated_safely);
	suite_add_tcase(s, tc_last);

	tcase_add_test(tc_thread, error_last_is_thread_local);
	tcase_add_test(tc_thread, error_clear_on_other_thread_keeps_this_one);
	suite_add_tcase(s, tc_thread);

	tcase_add_test(tc_version, version_matches_headers);
	tcase_add_test(tc_version, free_accepts_null);
	suite_add_tcase(s, tc_version);

	return helper_run(s);
}
