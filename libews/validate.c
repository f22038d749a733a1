#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-private.h"
#include "site-private.h"

/*
 * Checks of single values shared by the site modules. Each records the
 * field and the reason and returns the code, and never touches storage.
 */

/* Well-formed UTF-8 without control characters: names are shown in the
 * web UI, CSV folder names and e-mails, where either would do harm. */
static int
is_clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char lo = 0x80, hi = 0xbf;
		int n;

		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		/* RFC 3629 table: no overlong forms, surrogates or values
		 * past U+10FFFF. */
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef)
			n = 2;
		else if (*p >= 0xf0 && *p <= 0xf4)
			n = 3;
		else
			return 0;
		if (*p == 0xe0)
			lo = 0xa0;
		else if (*p == 0xed)
			hi = 0x9f;
		else if (*p == 0xf0)
			lo = 0x90;
		else if (*p == 0xf4)
			hi = 0x8f;
		p++;
		if (*p < lo || *p > hi)
			return 0;
		for (p++, n--; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

ews_status
ews__check_terminated(const char *field, const char *buf, size_t size)
{
	if (memchr(buf, 0, size))
		return EWS_OK;
	return ews__fail_field(EWS_EINVAL, field, "is longer than %zu bytes",
	                       size - 1);
}

ews_status
ews__check_name(const char *field, const char *name, int required)
{
	size_t len = strnlen(name, EWS_NAME_MAX);

	if (len == 0)
		return required ? ews__fail_field(EWS_EINVAL, field,
		                                  "is required")
		                : EWS_OK;
	if (len >= EWS_NAME_MAX)
		return ews__fail_field(EWS_EINVAL, field,
		                       "is longer than %d bytes",
		                       EWS_NAME_MAX - 1);
	if (!is_clean_utf8(name))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be UTF-8 text without control "
		                       "characters");
	if (name[0] == ' ' || name[len - 1] == ' ')
		return ews__fail_field(EWS_EINVAL, field,
		                       "'%s' starts or ends with a space",
		                       name);
	return EWS_OK;
}

ews_status
ews__check_text(const char *field, const char *text)
{
	if (strnlen(text, EWS_TEXT_MAX) >= EWS_TEXT_MAX)
		return ews__fail_field(EWS_EINVAL, field,
		                       "is longer than %d bytes",
		                       EWS_TEXT_MAX - 1);
	if (!is_clean_utf8(text))
		return ews__fail_field(EWS_EINVAL, field,
		                       "must be UTF-8 text without control "
		                       "characters");
	return EWS_OK;
}

ews_status
ews__check_ip(const char *field, const char *ip)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (!*ip)
		return ews__fail_field(EWS_EINVAL, field, "is required");
	if (inet_pton(AF_INET, ip, buf) == 1 ||
	    inet_pton(AF_INET6, ip, buf) == 1)
		return EWS_OK;
	return ews__fail_field(EWS_EINVAL, field,
	                       "'%.*s' is not an IPv4 or IPv6 address",
	                       EWS_NAME_MAX, ip);
}

static int
is_zone_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' ||
	       c == '/';
}

/* An IANA zone is a TZif file of the zoneinfo database; the name is
 * checked first so that it cannot walk out of that directory. */
ews_status
ews__check_timezone(const char *field, const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[512], magic[4];
	size_t i, len = strlen(zone);
	FILE *f;

	if (len == 0 || len >= 64 || zone[0] == '/' || strstr(zone, ".."))
		goto bad;
	for (i = 0; i < len; i++)
		if (!is_zone_char(zone[i]))
			goto bad;
	snprintf(path, sizeof(path), "%s/%s",
	         dir && *dir ? dir : "/usr/share/zoneinfo", zone);
	f = fopen(path, "rb");
	if (!f)
		goto bad;
	i = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (i == sizeof(magic) && memcmp(magic, "TZif", 4) == 0)
		return EWS_OK;
bad:
	return ews__fail_field(EWS_EINVAL, field,
	                       "'%.*s' is not an IANA time zone (e.g. "
	                       "Europe/Rome)",
	                       EWS_NAME_MAX, zone);
}

/* Active ISO 4217 codes (2025), sorted for bsearch. */
static const char currencies[][4] = {
	"AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN",
	"BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL",
	"BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
	"COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP",
	"ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD",
	"GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
	"IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
	"KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL",
	"LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
	"MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR",
	"NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR",
	"RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
	"SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
	"TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX",
	"USD", "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG",
	"XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
};

static int
compare_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

ews_status
ews__check_currency(const char *field, const char *code)
{
	if (strlen(code) == 3 &&
	    bsearch(code, currencies,
	            sizeof(currencies) / sizeof(currencies[0]),
	            sizeof(currencies[0]), compare_code))
		return EWS_OK;
	return ews__fail_field(EWS_EINVAL, field,
	                       "'%.*s' is not an ISO 4217 currency code (e.g. "
	                       "EUR)",
	                       EWS_NAME_MAX, code);
}

/* Plain decimals only ("10.55", "-1"): strtod alone would also take
 * leading spaces, hexadecimal, exponents, "inf" and a locale's comma. */
ews_status
ews__parse_decimal(const char *field, const char *text, double min, double max,
                   double *out)
{
	const char *digits = text + (text[0] == '-');
	size_t n = strspn(digits, "0123456789.");
	const char *dot = strchr(digits, '.');
	char *end;
	double v;

	errno = 0;
	if (n == 0 || digits[n] != '\0' || (dot && strchr(dot + 1, '.')) ||
	    (dot && (dot == digits || dot[1] == '\0')))
		goto bad;
	v = strtod(text, &end);
	if (*end || errno || !isfinite(v))
		goto bad;
	if (v < min || v > max)
		return ews__fail_field(EWS_EINVAL, field, "%g is outside %g-%g",
		                       v, min, max);
	*out = v;
	return EWS_OK;
bad:
	return ews__fail_field(EWS_EINVAL, field,
	                       "'%.*s' is not a decimal number like 10.55",
	                       EWS_NAME_MAX, text);
}

ews_status
ews__parse_uint(const char *field, const char *text, unsigned int min,
                unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (!*text || *end || errno || text[0] == '-' || text[0] == '+' ||
	    text[0] == ' ')
		return ews__fail_field(EWS_EINVAL, field,
		                       "'%.*s' is not a whole number",
		                       EWS_NAME_MAX, text);
	if (v < min || v > max)
		return ews__fail_field(EWS_EINVAL, field,
		                       "%lu is outside %u-%u", v, min, max);
	*out = (unsigned int)v;
	return EWS_OK;
}
