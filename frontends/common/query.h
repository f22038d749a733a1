#ifndef EWS_QUERY_H
#define EWS_QUERY_H

/*
 * The values of a consumption or tariff query as text, read the same way
 * by `ews` (options) and ewsd (query parameters and body fields). Each
 * parser returns NULL when the text is one, else what it should be
 * ("a period: day, month, year or decade"), for the frontend's message:
 * the CLI writes "--period: 'x' is not <what>", ewsd a 400 naming its
 * parameter. Nothing is written to the outputs on failure.
 */

#include <stdint.h>

#include <ews/ews.h>

/* electricity, gas or water (not 0). */
const char *query_commodity(const char *s, ews_commodity *out);
/* A positive whole number: an id. */
const char *query_id(const char *s, int64_t *out);
/* "site", "device:ID", "load:ID" or "group:ID". */
const char *query_scope(const char *s, ews_scope_kind *kind, int64_t *id);
/* day, month, year or decade. */
const char *query_period(const char *s, ews_period *out);
/* Exactly YYYY-MM-DD, a day of the calendar. */
const char *query_date(const char *s, int32_t *year, unsigned int *month,
                       unsigned int *day);
/* NAME, or NAME:ORDER for a harmonic (order 0 when none). */
const char *query_quantity(const char *s, ews_quantity *q, unsigned int *order);
/* load or group: the scopes a split is by. */
const char *query_split(const char *s, ews_scope_kind *by);
/* Device statuses: one name, or several separated by commas
 * ("comm_error,station_failure"), a bit (1u << status) each in *mask. */
const char *query_statuses(const char *s, unsigned int *mask);
/* "HH:MM-HH:MM", the end minute included: a cost rule's time frame, as
 * minutes of the day. */
const char *query_time_frame(const char *s, unsigned int *from,
                             unsigned int *to);

#endif /* EWS_QUERY_H */
