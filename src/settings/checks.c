/*
 * Rules for the free-text settings, kept apart from the table of definitions
 * (settings.c) so that a new text setting only names its rule there.
 *
 * Each rule either appends the value to store (normalised) or explains, in a sentence
 * an admin can act on, what is wrong. Messages quote the offending part of the input
 * (shortened); the pages escape everything they show, so quoting is safe.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/settings.h"

#define ALLOWLIST_MAX_ENTRIES 256
#define QUOTE_MAX 40

/* Copies at most QUOTE_MAX bytes of s (len bytes) into out, marking a cut with "...". */
static void quote(char *out, size_t size, const char *s, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;
	snprintf(out, size, "%.*s%s", (int)n, s, len > QUOTE_MAX ? "..." : "");
}

/* Parses "addr" or "addr/prefix" into family, bytes and prefix length. */
static bool parse_network(const char *text, int *family, unsigned char addr[16],
	unsigned *prefix, unsigned *max)
{
	char host[64];
	const char *slash = strchr(text, '/');
	size_t hlen = slash ? (size_t)(slash - text) : strlen(text);
	if (hlen == 0 || hlen >= sizeof(host))
		return false;
	memcpy(host, text, hlen);
	host[hlen] = '\0';

	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = AF_INET;
		*max = 32;
	} else if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = AF_INET6;
		*max = 128;
	} else {
		return false;
	}
	*prefix = *max;
	if (slash) {
		const char *p = slash + 1;
		if (!*p || strlen(p) > 3)
			return false;
		unsigned v = 0;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return false;
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > *max)
			return false;
		*prefix = v;
	}
	return true;
}

/* True when every bit after prefix is zero. */
static bool host_bits_clear(const unsigned char *addr, unsigned prefix, unsigned max)
{
	for (unsigned bit = prefix; bit < max; bit++)
		if (addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

static void network_of(char *out, size_t size, int family, unsigned char *addr, unsigned prefix,
	unsigned max)
{
	for (unsigned bit = prefix; bit < max; bit++)
		addr[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
	char text[INET6_ADDRSTRLEN];
	inet_ntop(family, addr, text, sizeof(text));
	snprintf(out, size, "%s/%u", text, prefix);
}

bool puq_setting_check_allowlist(const char *value, size_t len, struct puq_buf *out, char *msg,
	size_t msgsize)
{
	size_t entries = 0, line_no = 0;
	const char *p = value, *end = value + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end;
		if (!eol)
			eol = end;
		line_no++;
		/* trim blanks and a Windows line ending */
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t' || eol[-1] == '\r'))
			eol--;
		size_t n = (size_t)(eol - p);
		if (n > 0) {
			char entry[64], shown[QUOTE_MAX + 4];
			int family;
			unsigned char addr[16];
			unsigned prefix, max;
			quote(shown, sizeof(shown), p, n);
			if (++entries > ALLOWLIST_MAX_ENTRIES) {
				snprintf(msg, msgsize, "has more than %d entries: use wider networks",
					ALLOWLIST_MAX_ENTRIES);
				return false;
			}
			bool ok = n < sizeof(entry);
			if (ok) {
				memcpy(entry, p, n);
				entry[n] = '\0';
				ok = parse_network(entry, &family, addr, &prefix, &max);
			}
			if (!ok) {
				snprintf(msg, msgsize, "line %zu (%s) is not an IP address or a network such "
					"as 192.0.2.0/24 or 2001:db8::/48", line_no, shown);
				return false;
			}
			if (!host_bits_clear(addr, prefix, max)) {
				char net[INET6_ADDRSTRLEN + 8];
				network_of(net, sizeof(net), family, addr, prefix, max);
				snprintf(msg, msgsize, "line %zu (%s) has host bits set: did you mean %s?",
					line_no, shown, net);
				return false;
			}
			if (out->len)
				puq_buf_putc(out, '\n');
			puq_buf_append(out, p, n);
		}
		p = next;
	}
	return true;
}

bool puq_setting_check_abspath(const char *value, size_t len, struct puq_buf *out, char *msg,
	size_t msgsize)
{
	/* surrounding blanks are a copy-paste accident, not part of a path */
	while (len && (*value == ' ' || *value == '\t')) {
		value++;
		len--;
	}
	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len == 0)
		return true;
	if (value[0] != '/') {
		snprintf(msg, msgsize, "must be an absolute path such as /usr/bin/php, or empty");
		return false;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
			/* a newline here would write a second line into the crontab */
			snprintf(msg, msgsize, "must be a single line without control characters");
			return false;
		}
	puq_buf_append(out, value, len);
	return true;
}
