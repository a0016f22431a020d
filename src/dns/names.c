/*
 * DNS names: normalisation, validation and the zone matching rule.
 *
 * Everything the module stores or compares is in one form: lower case, no trailing dot,
 * blanks trimmed. Drivers add what their provider wants at the edge (PowerDNS the
 * trailing dot, HestiaCP a zone-relative name), so matching is a plain suffix test on
 * a label boundary. The only twist is IPv6: a PTR name matches an ip6.arpa zone only
 * when the zone is a proper suffix of the 32-nibble name, as the spec says.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/dns.h"

static const char *const rtype_names[] = {"A", "AAAA", "PTR"};

const char *puq_dns_rtype_name(enum puq_dns_rtype t)
{
	return (unsigned)t < PUQ_ARRAY_LEN(rtype_names) ? rtype_names[t] : "?";
}

int puq_dns_rtype_parse(const char *s)
{
	for (size_t i = 0; s && i < PUQ_ARRAY_LEN(rtype_names); i++)
		if (strcasecmp(s, rtype_names[i]) == 0)
			return (int)i;
	return -1;
}

static bool ends_with_label(const char *name, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	if (len < sl || strncasecmp(name + len - sl, suffix, sl) != 0)
		return false;
	return len == sl || name[len - sl - 1] == '.';
}

enum puq_dns_name_kind puq_dns_name_kind(const char *name)
{
	size_t len = strlen(name);
	if (ends_with_label(name, len, "in-addr.arpa"))
		return PUQ_DNS_NAME_REVERSE4;
	if (ends_with_label(name, len, "ip6.arpa"))
		return PUQ_DNS_NAME_REVERSE6;
	return PUQ_DNS_NAME_FORWARD;
}

/*
 * Trims, lowercases and drops one trailing dot into out, then checks the label rules.
 * extra lists characters allowed besides letters, digits and '-'.
 */
static int normalize_into(const char *in, char out[PUQ_DNS_NAME_MAX], const char *extra,
                          size_t min_labels, struct puq_error *err)
{
	out[0] = '\0';
	if (!in)
		return puq_error_set(err, PUQ_EINVAL, "is empty");
	while (isspace((unsigned char)*in))
		in++;
	size_t len = strlen(in);
	while (len > 0 && isspace((unsigned char)in[len - 1]))
		len--;
	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0)
		return puq_error_set(err, PUQ_EINVAL, "is empty");
	if (len > 253)
		return puq_error_set(err, PUQ_EINVAL, "is longer than 253 characters");

	size_t label = 0, labels = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)in[i]);
		if (c == '.') {
			if (label == 0)
				return puq_error_set(err, PUQ_EINVAL, "has an empty label");
			label = 0;
			labels++;
		} else if (isalnum(c) || c == '-' || (c && strchr(extra, c))) {
			if (++label > 63)
				return puq_error_set(err, PUQ_EINVAL,
				                     "has a label longer than 63 characters");
		} else if (isspace(c)) {
			return puq_error_set(err, PUQ_EINVAL, "must not contain blanks");
		} else {
			return puq_error_set(err, PUQ_EINVAL,
			                     "may contain only letters, digits, '-' and dots");
		}
		out[i] = (char)c;
	}
	out[len] = '\0';
	if (label == 0)
		return puq_error_set(err, PUQ_EINVAL, "has an empty label");
	if (labels < min_labels)
		return puq_error_set(err, PUQ_EINVAL,
		                     "must be a fully qualified name (like host.example.com)");
	return 0;
}

/* As normalize_into; a refused name leaves out "", never a half-written name without
 * its terminator. */
static int normalize(const char *in, char out[PUQ_DNS_NAME_MAX], const char *extra,
                     size_t min_labels, struct puq_error *err)
{
	int rc = normalize_into(in, out, extra, min_labels, err);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}

int puq_dns_name_normalize(const char *in, char out[PUQ_DNS_NAME_MAX],
                           struct puq_error *err)
{
	/* '_' for service labels, '/' for RFC 2317 zones such as 0/26.2.0.192.in-addr.arpa */
	return normalize(in, out, "_/", 1, err);
}

int puq_dns_hostname_normalize(const char *in, char out[PUQ_DNS_NAME_MAX],
                               struct puq_error *err)
{
	return normalize(in, out, "_", 2, err);
}

bool puq_dns_zone_matches(const char *zone, const char *name)
{
	size_t zl = strlen(zone), nl = strlen(name);
	if (zl == 0 || nl < zl || strcasecmp(name + nl - zl, zone) != 0)
		return false;
	if (nl > zl && name[nl - zl - 1] != '.')
		return false;
	/* ip6.arpa: a proper suffix of the 32-nibble name (a zone per address is not one) */
	if (puq_dns_name_kind(name) == PUQ_DNS_NAME_REVERSE6)
		return nl > zl && puq_dns_name_kind(zone) == PUQ_DNS_NAME_REVERSE6;
	return true;
}
