/*
 * The JSON shapes of acquisition: readings and samples, tests and polls,
 * imports and the events of device status.
 */
#include "shapes.h"

const char *
shape_time_text(int64_t t_ms, int32_t utc_offset_s, char *buf)
{
	/* An offset ISO 8601 cannot write (seconds of a zone's local mean
	 * time before 1900) or a year beyond 9999: the instant in UTC, or
	 * its number. */
	if (ews_time_format(t_ms, utc_offset_s, buf, EWS_TIME_TEXT_MAX) ==
	            EWS_OK ||
	    ews_time_format(t_ms, 0, buf, EWS_TIME_TEXT_MAX) == EWS_OK)
		return buf;
	snprintf(buf, EWS_TIME_TEXT_MAX, "%lld", (long long)t_ms);
	return buf;
}

/* One reading, as `device read`, `poll` and `samples list` print it. */
void
shape_reading(struct jw *j, const void *obj)
{
	const ews_reading *r = obj;
	char t[EWS_TIME_TEXT_MAX];

	jw_object_begin(j);
	jw_field_int(j, "device_id", r->device_id);
	jw_field_str(j, "quantity", ews_quantity_name(r->quantity));
	jw_field_int(j, "order", r->order);
	jw_field_int(j, "t_ms", r->t_ms);
	jw_field_str(j, "time", shape_time_text(r->t_ms, 0, t));
	jw_field_double(j, "value", r->value);
	jw_field_str(j, "unit", ews_quantity_unit(r->quantity));
	jw_object_end(j);
}

void
shape_test_result(struct jw *j, const void *obj)
{
	const ews_test_result *t = obj;

	jw_object_begin(j);
	jw_field_str(j, "outcome", ews_outcome_name(t->outcome));
	if (t->outcome == EWS_OUTCOME_EXCEPTION)
		jw_field_int(j, "exception_code", t->exception_code);
	else
		jw_field_ref(j, "exception_code", 0);
	if (t->outcome == EWS_OUTCOME_OK)
		jw_field_double(j, "round_trip_ms", t->round_trip_us / 1000.0);
	else
		jw_field_ref(j, "round_trip_ms", 0);
	jw_field_str(j, "message", t->message);
	jw_object_end(j);
}

void
shape_poll_result(struct jw *j, const void *obj)
{
	const ews_poll_result *r = obj;

	jw_object_begin(j);
	jw_field_int(j, "device_id", r->device_id);
	jw_field_int(j, "gateway_id", r->gateway_id);
	jw_field_str(j, "outcome", ews_outcome_name(r->outcome));
	jw_field_ref(j, "exception_code",
	             r->outcome == EWS_OUTCOME_EXCEPTION ? r->exception_code
	                                                 : 0);
	jw_field_int(j, "readings", r->readings);
	jw_field_double(j, "round_trip_ms", r->round_trip_us / 1000.0);
	jw_field_str(j, "message", r->message);
	jw_object_end(j);
}

void
shape_poll(struct jw *j, int64_t t_ms, const ews_list *results,
           const ews_list *readings)
{
	size_t i;

	jw_object_begin(j);
	jw_field_int(j, "t_ms", t_ms);
	jw_key(j, "devices");
	jw_array_begin(j, 0);
	for (i = 0; i < ews_list_len(results); i++)
		shape_poll_result(j, ews_list_poll_result(results, i));
	jw_array_end(j);
	jw_key(j, "readings");
	jw_array_begin(j, 0);
	for (i = 0; i < ews_list_len(readings); i++)
		shape_reading(j, ews_list_reading(readings, i));
	jw_array_end(j);
	jw_object_end(j);
}

void
shape_import(struct jw *j, const char *path, const ews_import_result *res)
{
	jw_object_begin(j);
	jw_field_str(j, "path", path);
	jw_field_int(j, "lines", (int64_t)res->lines);
	jw_field_int(j, "samples", (int64_t)res->samples);
	jw_object_end(j);
}

void
shape_event(struct jw *j, const void *obj)
{
	const ews_event_entry *en = obj;
	const ews_event *e = &en->event;
	int device = en->device_name[0] != '\0';
	char t[EWS_TIME_TEXT_MAX];

	jw_object_begin(j);
	jw_field_int(j, "id", e->id);
	jw_field_int(j, "t_ms", e->t_ms);
	jw_field_str(j, "time", shape_time_text(e->t_ms, 0, t));
	jw_field_int(j, "device_id", e->device_id);
	/* The device and gateway as they are now; null once deleted. */
	jw_field_str(j, "device_name", device ? en->device_name : NULL);
	jw_key(j, "device_address");
	if (device)
		jw_int(j, en->device_address);
	else
		jw_null(j);
	jw_field_int(j, "gateway_id", e->gateway_id);
	jw_field_str(j, "gateway_name",
	             en->gateway_name[0] ? en->gateway_name : NULL);
	jw_field_str(j, "old_status", ews_device_status_name(e->old_status));
	jw_field_str(j, "new_status", ews_device_status_name(e->new_status));
	jw_field_str(j, "reason", e->reason);
	jw_object_end(j);
}
