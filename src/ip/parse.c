/*
 * Parsing of IPv4 and IPv6 text into struct puq_ip.
 *
 * The parser is strict on purpose: an address that reaches a pool, tblhosting or a DNS
 * zone must have exactly one meaning. IPv4 is four decimal parts 0-255 without leading
 * zeros (inet_aton would read "010" as octal 8). IPv6 follows RFC 4291 section 2.2:
 * groups of 1-4 hex digits, at most one "::" standing for one or more zero groups, and
 * an optional dotted-quad IPv4 part in place of the last two groups.
 *
 * IPv6 is read in one pass: groups before "::" fill the value from the left, groups
 * after it are collected and shifted into place at the end. Every refusal names what
 * was wrong and where (group or part number, 1-based), never the input itself, so the
 * reason is safe to put in a log line or a page.
 */
#include <stdio.h>

#include "puqkvm/ip.h"

/* The longest text any valid form can have: 8 groups of 4 digits with leading zeros
 * allowed is 39; with an embedded IPv4 part it is 45. Longer input is refused early. */
#define IP_TEXT_LIMIT 45

static int fail(struct puq_error *err, const char *fmt, ...) PUQ_PRINTF(2, 3);

static int fail(struct puq_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = puq_error_setv(err, PUQ_EPARSE, fmt, ap);
	va_end(ap);
	return rc;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Refusals that do not depend on the family: characters that never belong in an
 * address, with a hint for the usual suspects. */
static int check_charset(const char *s, size_t len, struct puq_error *err)
{
	if (len == 0)
		return fail(err, "empty address");
	if (len > IP_TEXT_LIMIT)
		return fail(err, "too long to be an IP address (%zu characters)", len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
			return fail(err, "contains whitespace at position %zu", i + 1);
		if (c == '%')
			return fail(err, "a zone index (%%...) is not part of an address");
		if (c == '/')
			return fail(err, "a prefix length is not part of an address; "
			                 "enter the address alone");
		if (c == '[' || c == ']')
			return fail(err, "brackets are not part of an address");
		if (c != '.' && c != ':' && hexval((char)c) < 0)
			return fail(err, "invalid character at position %zu", i + 1);
	}
	return 0;
}

/*
 * Dotted quad into *out. `label` prefixes messages ("IPv4" alone, or "embedded IPv4"
 * inside an IPv6 address).
 */
static int parse_v4(const char *s, size_t len, uint32_t *out, const char *label,
	struct puq_error *err)
{
	uint32_t value = 0;
	unsigned part = 0;
	size_t i = 0;

	for (;;) {
		size_t start = i;
		unsigned n = 0;
		part++;
		if (part > 4)
			return fail(err, "%s address has more than 4 parts", label);
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			n = n * 10 + (unsigned)(s[i] - '0');
			if (n > 255)
				return fail(err, "%s part %u is greater than 255", label, part);
			i++;
		}
		if (i == start)
			return fail(err, "%s part %u is empty or not a decimal number", label, part);
		if (i - start > 1 && s[start] == '0')
			return fail(err,
				"%s part %u has a leading zero (ambiguous: octal or decimal)", label,
				part);
		value = (value << 8) | n;
		if (i == len)
			break;
		if (s[i] != '.')
			return fail(err, "%s part %u is not a decimal number", label, part);
		i++;
		if (i == len)
			return fail(err, "%s address ends with a dot", label);
	}
	if (part != 4)
		return fail(err, "%s address needs 4 parts separated by dots, found %u", label,
			part);
	*out = value;
	return 0;
}

/* RFC 4291 text into a 128-bit value. */
static int parse_v6(const char *s, size_t len, puq_u128 *out, struct puq_error *err)
{
	uint16_t head[8], tail[8];
	unsigned nhead = 0, ntail = 0; /* groups before and after "::" */
	bool compressed = false;
	size_t i = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		compressed = true;
		i = 2;
	} else if (s[0] == ':') {
		return fail(err, "IPv6 address starts with a single colon; use \"::\"");
	}

	while (i < len) {
		unsigned group = nhead + ntail + 1;
		size_t start = i;
		unsigned v = 0;

		/* An embedded IPv4 part: digits followed by a dot before the next colon. */
		size_t j = i;
		while (j < len && s[j] != ':' && s[j] != '.')
			j++;
		if (j < len && s[j] == '.') {
			uint32_t v4;
			if (memchr(s + j, ':', len - j))
				return fail(err, "the embedded IPv4 part must come last");
			if (nhead + ntail > 6)
				return fail(err, "IPv6 address has too many groups before the "
				                 "embedded IPv4 part");
			int rc = parse_v4(s + i, len - i, &v4, "embedded IPv4", err);
			if (rc < 0)
				return rc;
			uint16_t *dst = compressed ? tail : head;
			unsigned *n = compressed ? &ntail : &nhead;
			dst[(*n)++] = (uint16_t)(v4 >> 16);
			dst[(*n)++] = (uint16_t)(v4 & 0xffff);
			i = len;
			break;
		}

		while (i < len && s[i] != ':') {
			int h = hexval(s[i]);
			if (h < 0)
				return fail(err, "IPv6 group %u is not hexadecimal", group);
			if (i - start == 4)
				return fail(err, "IPv6 group %u has more than 4 hex digits", group);
			v = (v << 4) | (unsigned)h;
			i++;
		}
		if (i == start)
			return fail(err, "IPv6 group %u is empty", group);
		if (nhead + ntail == 8)
			return fail(err, "IPv6 address has more than 8 groups");
		if (compressed)
			tail[ntail++] = (uint16_t)v;
		else
			head[nhead++] = (uint16_t)v;

		if (i == len)
			break;
		/* s[i] == ':' */
		if (i + 1 < len && s[i + 1] == ':') {
			if (compressed)
				return fail(err, "\"::\" may appear only once");
			compressed = true;
			i += 2;
		} else {
			i++;
			if (i == len)
				return fail(err, "IPv6 address ends with a single colon");
		}
	}

	unsigned total = nhead + ntail;
	if (compressed) {
		if (total > 7)
			return fail(err, "\"::\" must stand for at least one zero group, but "
			                 "8 groups are already given");
	} else if (total != 8) {
		return fail(err, "IPv6 address needs 8 groups or \"::\", found %u groups", total);
	}

	puq_u128 value = 0;
	for (unsigned k = 0; k < nhead; k++)
		value |= (puq_u128)head[k] << (16 * (7 - k));
	for (unsigned k = 0; k < ntail; k++)
		value |= (puq_u128)tail[k] << (16 * (ntail - 1 - k));
	*out = value;
	return 0;
}

int puq_ip_parse(const char *text, size_t len, enum puq_ip_family want, struct puq_ip *out,
	struct puq_error *err)
{
	int rc = check_charset(text, len, err);
	if (rc < 0)
		return rc;

	bool v6 = memchr(text, ':', len) != NULL;
	if (v6 && want == PUQ_IP_V4)
		return fail(err, "an IPv6 address where an IPv4 address is expected");
	if (!v6 && want == PUQ_IP_V6) {
		if (memchr(text, '.', len))
			return fail(err, "an IPv4 address where an IPv6 address is expected");
		return fail(err, "not an IPv6 address (no colon)");
	}

	if (v6) {
		puq_u128 value = 0;
		rc = parse_v6(text, len, &value, err);
		if (rc < 0)
			return rc;
		out->family = PUQ_IP_V6;
		out->value = value;
		return 0;
	}
	uint32_t v4;
	rc = parse_v4(text, len, &v4, "IPv4", err);
	if (rc < 0)
		return rc;
	out->family = PUQ_IP_V4;
	out->value = v4;
	return 0;
}

int puq_ip_parse_cstr(const char *text, enum puq_ip_family want, struct puq_ip *out,
	struct puq_error *err)
{
	if (!text)
		return fail(err, "empty address");
	return puq_ip_parse(text, strlen(text), want, out, err);
}
