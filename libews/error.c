#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ews/common.h>
#include <ews/version.h>

#include "config.h"

#include "error-private.h"

/*
 * One last-error slot per thread (libgit2's git_error_last()): it serves
 * constructors that fail before a handle exists, and the Python binding's
 * EwsError. Fixed buffers, so recording an error never itself fails.
 */
enum { MESSAGE_MAX = 512, FIELD_MAX = 64 };

static _Thread_local struct {
	ews_error error;
	char message[MESSAGE_MAX];
	char field[FIELD_MAX];
} last = { { EWS_OK, "", "" }, "", "" };

static void
last_point_at_buffers(void)
{
	last.error.message = last.message;
	last.error.field = last.field;
}

static void
record(ews_status code, const char *field, const char *fmt, va_list ap)
{
	size_t off = 0;

	last_point_at_buffers();
	last.error.code = code;
	snprintf(last.field, sizeof(last.field), "%s", field ? field : "");
	if (field && *field) {
		int n = snprintf(last.message, sizeof(last.message),
		                 "%s: ", field);
		off = n > 0 && (size_t)n < sizeof(last.message) ? (size_t)n : 0;
	}
	vsnprintf(last.message + off, sizeof(last.message) - off, fmt, ap);
}

ews_status
ews__fail(ews_status code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

ews_status
ews__fail_field(ews_status code, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(code, field, fmt, ap);
	va_end(ap);
	return code;
}

ews_status
ews__error_prefix(const char *prefix)
{
	size_t plen = strnlen(prefix, MESSAGE_MAX / 2);
	size_t mlen = strnlen(last.message, MESSAGE_MAX);

	last_point_at_buffers();
	if (plen + 2 + mlen >= MESSAGE_MAX)
		mlen = MESSAGE_MAX - 1 - plen - 2;
	memmove(last.message + plen + 2, last.message, mlen);
	memcpy(last.message, prefix, plen);
	last.message[plen] = ':';
	last.message[plen + 1] = ' ';
	last.message[plen + 2 + mlen] = '\0';
	return last.error.code;
}

const ews_error *
ews_error_last(void)
{
	last_point_at_buffers();
	return &last.error;
}

void
ews_error_clear(void)
{
	last_point_at_buffers();
	last.error.code = EWS_OK;
	last.message[0] = '\0';
	last.field[0] = '\0';
}

const char *
ews_status_str(ews_status code)
{
	switch (code) {
	case EWS_OK:
		return "success";
	case EWS_ERROR:
		return "unexpected error";
	case EWS_EINVAL:
		return "invalid argument";
	case EWS_ENOTFOUND:
		return "not found";
	case EWS_EBUSY:
		return "busy, try again";
	case EWS_ETIMEDOUT:
		return "timed out";
	case EWS_EIO:
		return "input/output error";
	case EWS_ENOMEM:
		return "out of memory";
	case EWS_EEXIST:
		return "already exists";
	case EWS_ELIMIT:
		return "limit reached";
	case EWS_EDENIED:
		return "not permitted";
	case EWS_EINUSE:
		return "still in use";
	case EWS_ENOMAP:
		return "register map unknown";
	}
	return "unknown status";
}

void
ews_free(void *p)
{
	free(p);
}

unsigned int
ews_version(void)
{
	return EWS_VERSION_NUMBER;
}

const char *
ews_version_string(void)
{
	return EWS_VERSION_STRING;
}

void *
ews__malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		ews__fail(EWS_ENOMEM, "out of memory (%zu bytes)", n);
	return p;
}

void *
ews__calloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);

	if (!p)
		ews__fail(EWS_ENOMEM, "out of memory (%zu × %zu bytes)", count,
		          n);
	return p;
}

void *
ews__realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		ews__fail(EWS_ENOMEM, "out of memory (%zu bytes)", n);
	return q;
}

char *
ews__strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = ews__malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}
