/*
 * Custom labels of inputs and outputs (INS-2, §7.16.1.4):
 * libews/site-label.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/site.h>

#include "helpers.h"
#define SITE_FIXTURES_METER_ON_GATEWAY
#include "site-fixtures.h"

static int64_t
device_of(const char *model, unsigned int address)
{
	ews_device d = dev_new(LOCAL, model, address);

	return dev_add(&d);
}

static void
assert_label(int64_t dev, ews_io_kind kind, unsigned int n, const char *want)
{
	char *label = NULL;

	ck_assert_int_eq(ews_site_device_label_get(site, dev, kind, n, &label),
	                 EWS_OK);
	ck_assert_str_eq(label, want);
	ews_free(label);
}

START_TEST(label_set_get_and_remove_on_inputs_and_outputs)
{
	int64_t io = device_of("power_supervision_m7tic_io", 3);

	assert_label(io, EWS_IO_INPUT, 1, "");
	ck_assert_int_eq(ews_site_device_label_set(site, io, EWS_IO_INPUT, 1,
	                                           "Door contact"),
	                 EWS_OK);
	ck_assert_int_eq(ews_site_device_label_set(site, io, EWS_IO_OUTPUT, 1,
	                                           "Car park lights"),
	                 EWS_OK);
	assert_label(io, EWS_IO_INPUT, 1, "Door contact");
	assert_label(io, EWS_IO_OUTPUT, 1, "Car park lights");
	ck_assert_int_eq(ews_site_device_label_set(site, io, EWS_IO_INPUT, 1,
	                                           "Main door"),
	                 EWS_OK);
	assert_label(io, EWS_IO_INPUT, 1, "Main door");
	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, EWS_IO_INPUT, 1, ""),
	        EWS_OK);
	assert_label(io, EWS_IO_INPUT, 1, "");
	assert_label(io, EWS_IO_OUTPUT, 1, "Car park lights");
}
END_TEST

START_TEST(label_kinds_follow_the_model_capabilities)
{
	int64_t prog = device_of("power_supervision_m7ticprog", 4);
	int64_t vs = device_of("ems_f80bvs", 5);
	int64_t meter = meter_add(LOCAL, 6, "Meter");
	int64_t bcr = device_of("ems_f80bcr", 7);

	/* M7TICPROG has outputs only; F80BVS inputs only. */
	ck_assert_int_eq(
	        ews_site_device_label_set(site, prog, EWS_IO_OUTPUT, 2, "Pump"),
	        EWS_OK);
	ck_assert_int_eq(
	        ews_site_device_label_set(site, prog, EWS_IO_INPUT, 2, "x"),
	        EWS_EINVAL);
	assert_error(EWS_EINVAL, "input");
	ck_assert_int_eq(
	        ews_site_device_label_set(site, vs, EWS_IO_INPUT, 2, "Trip"),
	        EWS_OK);
	ck_assert_int_eq(
	        ews_site_device_label_set(site, vs, EWS_IO_OUTPUT, 2, "x"),
	        EWS_EINVAL);
	assert_error(EWS_EINVAL, "output");
	/* A meter and the F80BCR (not in generic configuration) take none. */
	ck_assert_int_eq(
	        ews_site_device_label_set(site, meter, EWS_IO_INPUT, 1, "x"),
	        EWS_EINVAL);
	ck_assert_int_eq(
	        ews_site_device_label_set(site, bcr, EWS_IO_INPUT, 1, "x"),
	        EWS_EINVAL);
	ck_assert_int_eq(ews_site_device_label_get(site, meter, EWS_IO_INPUT, 1,
	                                           &(char *){ NULL }),
	                 EWS_EINVAL);
}
END_TEST

START_TEST(label_refusals_keep_the_stored_label)
{
	int64_t io = device_of("power_supervision_m7tic_io", 3);
	char long_label[EWS_NAME_MAX + 1];

	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, EWS_IO_INPUT, 16, "Last"),
	        EWS_OK);
	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, EWS_IO_INPUT, 17, "x"),
	        EWS_EINVAL);
	assert_error(EWS_EINVAL, "input");
	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, EWS_IO_INPUT, 0, "x"),
	        EWS_EINVAL);
	memset(long_label, 'a', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	ck_assert_int_eq(ews_site_device_label_set(site, io, EWS_IO_INPUT, 16,
	                                           long_label),
	                 EWS_EINVAL);
	assert_error(EWS_EINVAL, "label");
	ck_assert_int_eq(ews_site_device_label_set(site, io, EWS_IO_INPUT, 16,
	                                           "bad\ttab"),
	                 EWS_EINVAL);
	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, (ews_io_kind)3, 1, "x"),
	        EWS_EINVAL);
	assert_error(EWS_EINVAL, "kind");
	ck_assert_int_eq(
	        ews_site_device_label_set(site, 999, EWS_IO_INPUT, 1, "x"),
	        EWS_ENOTFOUND);
	assert_label(io, EWS_IO_INPUT, 16, "Last");
}
END_TEST

START_TEST(label_goes_with_its_device)
{
	int64_t io = device_of("power_supervision_m7tic_io", 3), again;

	ck_assert_int_eq(
	        ews_site_device_label_set(site, io, EWS_IO_INPUT, 1, "Door"),
	        EWS_OK);
	ck_assert_int_eq(ews_site_device_delete(site, io), EWS_OK);
	ck_assert_int_eq(ews_site_device_label_get(site, io, EWS_IO_INPUT, 1,
	                                           &(char *){ NULL }),
	                 EWS_ENOTFOUND);
	again = device_of("power_supervision_m7tic_io", 3);
	assert_label(again, EWS_IO_INPUT, 1, "");
	ck_assert_str_eq(ews_io_kind_name(EWS_IO_INPUT), "input");
	ck_assert_str_eq(ews_io_kind_name(EWS_IO_OUTPUT), "output");
	ck_assert_ptr_null(ews_io_kind_name((ews_io_kind)0));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("site-label");
	TCase *tc = tcase("label");

	tcase_add_test(tc, label_set_get_and_remove_on_inputs_and_outputs);
	tcase_add_test(tc, label_kinds_follow_the_model_capabilities);
	tcase_add_test(tc, label_refusals_keep_the_stored_label);
	tcase_add_test(tc, label_goes_with_its_device);
	suite_add_tcase(s, tc);
	return helper_run(s);
}
