#ifndef EWS_ERROR_PRIVATE_H
#define EWS_ERROR_PRIVATE_H
#include <ews/common.h>

/*
 * Record the failure of the current call on this thread and return its code,
 * so that a check reads `return ews__fail(EWS_EINVAL, "…", …);`.
 * The message is one line; by convention it starts with the field name.
 */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
ews_status
ews__fail(ews_status code, const char *fmt, ...);

/* As ews__fail(), also recording the name of the offending field; the
 * message is prefixed with "<field>: ". */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
ews_status
ews__fail_field(ews_status code, const char *field, const char *fmt, ...);

/* Replace the last error's message with "<prefix>: <message>", keeping its
 * code and field; returns the code. Used to add context on the way up. */
ews_status ews__error_prefix(const char *prefix);

/* Allocation helpers that record EWS_ENOMEM on failure. */
void *ews__malloc(size_t n);
void *ews__calloc(size_t count, size_t n);
void *ews__realloc(void *p, size_t n);
char *ews__strdup(const char *s);

#endif /* EWS_ERROR_PRIVATE_H */
