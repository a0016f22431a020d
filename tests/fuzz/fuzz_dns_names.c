/*
 * Fuzz target: DNS names and the records a service wants (src/dns/names.c, desired.c),
 * and the allowlist of the legacy dns.php endpoint (src/dns/legacy.c against the
 * setting's own check in src/settings/checks.c).
 *
 * The input is text lines: every line is tried as a zone name and a host name; then
 * line 1 is a service's FQDN, line 2 its main IPv4, line 3 its main IPv6 and each
 * further line "<address> [<rDNS hostname>]" an assigned address; finally the whole
 * text is an allowlist and line 1 the client address. Invariants:
 *  - a normalised name is lower case, has no trailing dot, labels of 1-63 characters
 *    and at most 253 characters, normalises to itself, and matches itself as a zone;
 *    a host name is also a valid name, to the same text;
 *  - the desired records are at most one A and one AAAA, for the main addresses, and
 *    one PTR per address at that address's PTR name, every name normalised; a refusal
 *    names its fields (fqdn, main_ipv4, main_ipv6, addresses.<ip>);
 *  - an allowlist the setting accepts lets in exactly the clients inside one of its
 *    networks, as the check itself reads them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "puqkvm/dns.h"
#include "puqkvm/ip.h"
#include "puqkvm/settings.h"

#define MAX_LINES 24

static void check_normalised(const char *name)
{
	size_t len = strlen(name);
	FUZZ_CHECK(len > 0 && len <= 253 && name[len - 1] != '.', "normalised '%s'", name);
	size_t label = 0;
	for (const char *c = name; *c; c++) {
		FUZZ_CHECK(!isupper((unsigned char)*c) && !isspace((unsigned char)*c),
		           "normalised '%s' has upper case or blanks", name);
		if (*c == '.') {
			FUZZ_CHECK(label > 0, "normalised '%s' has an empty label", name);
			label = 0;
		} else {
			FUZZ_CHECK(++label <= 63, "normalised '%s' has a label over 63", name);
		}
	}
	char again[PUQ_DNS_NAME_MAX];
	struct puq_error err;
	fuzz_error_init(&err);
	FUZZ_CHECK(puq_dns_name_normalize(name, again, &err) == 0 && strcmp(again, name) == 0,
	           "'%s' does not normalise to itself", name);
	if (puq_dns_name_kind(name) != PUQ_DNS_NAME_REVERSE6)
		FUZZ_CHECK(puq_dns_zone_matches(name, name), "'%s' is not in its own zone", name);
	char sub[PUQ_DNS_NAME_MAX + 8];
	snprintf(sub, sizeof(sub), "vm1.%s", name);
	if (puq_dns_name_kind(sub) != PUQ_DNS_NAME_REVERSE6)
		FUZZ_CHECK(puq_dns_zone_matches(name, sub), "'%s' is not in zone '%s'", sub,
		           name);
}

static void check_name(const char *line)
{
	char *name = PUQ_MALLOC(PUQ_DNS_NAME_MAX), *host = PUQ_MALLOC(PUQ_DNS_NAME_MAX);
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_dns_name_normalize(line, name, &err);
	fuzz_check_result("puq_dns_name_normalize", rc, &err);
	FUZZ_CHECK(fuzz_terminated(name, PUQ_DNS_NAME_MAX), "name not terminated");
	if (rc == 0)
		check_normalised(name);
	else
		FUZZ_CHECK(err.code == PUQ_EINVAL, "name: %s", puq_error_name(err.code));

	fuzz_error_init(&err);
	int hrc = puq_dns_hostname_normalize(line, host, &err);
	fuzz_check_result("puq_dns_hostname_normalize", hrc, &err);
	if (hrc == 0) {
		FUZZ_CHECK(rc == 0 && strcmp(host, name) == 0 && strchr(host, '.'),
		           "host name '%s' is not a name of two labels or more", host);
		check_normalised(host);
	}
	PUQ_FREE(host);
	PUQ_FREE(name);
}

static bool field_known(const char *field)
{
	return strcmp(field, "fqdn") == 0 || strcmp(field, "main_ipv4") == 0 ||
	       strcmp(field, "main_ipv6") == 0 || strncmp(field, "addresses.", 10) == 0;
}

static void check_desired(char **lines, size_t n)
{
	struct puq_dns_address addrs[MAX_LINES];
	size_t na = 0;
	for (size_t i = 3; i < n; i++) {
		char *sp = strchr(lines[i], ' ');
		if (sp)
			*sp = '\0';
		addrs[na].ip = lines[i];
		addrs[na].rdns = sp ? sp + 1 : NULL;
		na++;
	}
	struct puq_dns_service svc = {42,
	                              n > 0 ? lines[0] : NULL,
	                              n > 1 ? lines[1] : NULL,
	                              n > 2 ? lines[2] : NULL,
	                              addrs,
	                              na};
	struct puq_dns_records recs;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_dns_desired(&svc, &recs, &err);
	fuzz_check_result("puq_dns_desired", rc, &err);
	if (rc) {
		FUZZ_CHECK(err.code == PUQ_EVALIDATION && recs.items == NULL && recs.count == 0,
		           "desired records refused with %s", puq_error_name(err.code));
		for (size_t i = 0; i < err.nfields; i++)
			FUZZ_CHECK(field_known(err.fields[i].field), "unknown field '%s'",
			           err.fields[i].field);
		return;
	}
	size_t a = 0, aaaa = 0;
	for (size_t i = 0; i < recs.count; i++) {
		const struct puq_dns_record *r = &recs.items[i];
		FUZZ_CHECK(fuzz_terminated(r->name, sizeof(r->name)) &&
		               fuzz_terminated(r->content, sizeof(r->content)) &&
		               fuzz_terminated(r->ip, sizeof(r->ip)),
		           "record strings");
		check_normalised(r->name);
		struct puq_ip ip;
		FUZZ_CHECK(puq_ip_parse_cstr(r->ip, PUQ_IP_ANY, &ip, NULL) == 0, "record ip '%s'",
		           r->ip);
		if (r->type == PUQ_DNS_PTR) {
			char ptr[PUQ_IP_PTR_MAX];
			puq_ip_ptr_name(&ip, ptr);
			FUZZ_CHECK(strcmp(ptr, r->name) == 0, "PTR of %s at '%s'", r->ip, r->name);
			check_normalised(r->content);
			for (size_t j = 0; j < i; j++)
				FUZZ_CHECK(recs.items[j].type != PUQ_DNS_PTR ||
				               strcmp(recs.items[j].name, r->name) != 0,
				           "two PTR records at %s", r->name);
		} else {
			enum puq_ip_family want = r->type == PUQ_DNS_A ? PUQ_IP_V4 : PUQ_IP_V6;
			a += r->type == PUQ_DNS_A;
			aaaa += r->type == PUQ_DNS_AAAA;
			struct puq_ip main;
			FUZZ_CHECK(
			    ip.family == want && strcmp(r->content, r->ip) == 0 &&
			        puq_ip_parse_cstr(want == PUQ_IP_V4 ? svc.main_ipv4 : svc.main_ipv6,
			                          want, &main, NULL) == 0 &&
			        puq_ip_cmp(&main, &ip) == 0,
			    "%s record for %s is not the main address",
			    r->type == PUQ_DNS_A ? "A" : "AAAA", r->ip);
		}
	}
	FUZZ_CHECK(a <= 1 && aaaa <= 1, "%zu A and %zu AAAA records", a, aaaa);
	for (size_t i = 0; i < na; i++) {
		struct puq_ip ip;
		char ptr[PUQ_IP_PTR_MAX];
		FUZZ_CHECK(puq_ip_parse_cstr(addrs[i].ip, PUQ_IP_ANY, &ip, NULL) == 0,
		           "accepted address '%s' does not parse", addrs[i].ip);
		puq_ip_ptr_name(&ip, ptr);
		bool found = false;
		for (size_t j = 0; j < recs.count && !found; j++)
			found =
			    recs.items[j].type == PUQ_DNS_PTR && strcmp(recs.items[j].name, ptr) == 0;
		FUZZ_CHECK(found, "address %s has no PTR record", addrs[i].ip);
	}
	puq_dns_records_free(&recs);
}

/* The check's reading of one stored line: "addr" or "addr/prefix" (inet_pton). */
static bool reference_entry(const char *line, int *family, unsigned char addr[16],
                            unsigned *prefix)
{
	char host[64];
	const char *slash = strchr(line, '/');
	size_t hlen = slash ? (size_t)(slash - line) : strlen(line);
	if (hlen == 0 || hlen >= sizeof(host))
		return false;
	memcpy(host, line, hlen);
	host[hlen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, host, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		*family = AF_INET6;
	else
		return false;
	*prefix = slash ? (unsigned)atoi(slash + 1) : *family == AF_INET ? 32 : 128;
	return true;
}

static bool reference_allows(const char *stored, const char *client_text)
{
	unsigned char client[16];
	int cfam;
	if (inet_pton(AF_INET, client_text, client) == 1) {
		cfam = AF_INET;
	} else if (inet_pton(AF_INET6, client_text, client) == 1) {
		cfam = AF_INET6;
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
		                                         0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(client, mapped, 12) == 0) {
			memmove(client, client + 12, 4);
			cfam = AF_INET;
		}
	} else {
		return false;
	}
	const char *p = stored;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char line[128];
		FUZZ_CHECK(len < sizeof(line), "the check stored a line of %zu characters", len);
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		int fam;
		unsigned char net[16];
		unsigned prefix;
		FUZZ_CHECK(reference_entry(line, &fam, net, &prefix),
		           "the check stored '%s', which it cannot read", line);
		bool inside = fam == cfam;
		for (unsigned bit = 0; inside && bit < prefix; bit++)
			inside = ((net[bit / 8] ^ client[bit / 8]) & (0x80 >> (bit % 8))) == 0;
		if (inside)
			return true;
		p += len + (p[len] == '\n');
	}
	return false;
}

/* The allowlist as the Settings page saves it, then as the endpoint reads it. */
static void check_allowlist(const char *text, size_t len, const char *client)
{
	struct puq_settings s;
	struct puq_error err;
	fuzz_error_init(&err);
	FUZZ_CHECK(puq_settings_init(&s, &err) == 0, "settings");
	struct puq_setting_input in = {"dns_endpoint_allowlist", text, len};
	fuzz_error_init(&err);
	int rc = puq_settings_validate(&s, &in, 1, &err);
	fuzz_check_result("puq_settings_validate", rc, &err);
	if (rc == 0) {
		const char *list = puq_settings_get(&s, "dns_endpoint_allowlist");
		bool allows = puq_dns_allowlist_allows(list, client);
		FUZZ_CHECK(allows == reference_allows(list, client),
		           "allowlist '%s' %s client '%s'", list,
		           allows ? "lets in" : "keeps out", client);
	} else {
		FUZZ_CHECK(puq_error_field_message(&err, "dns_endpoint_allowlist") != NULL,
		           "a refused allowlist names no field");
	}
	puq_settings_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char *lines[MAX_LINES];
	size_t n = 0;
	char *copy = fuzz_cstr(data, size);
	for (char *p = copy; p && n < MAX_LINES;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		lines[n++] = p;
		p = nl ? nl + 1 : NULL;
	}
	for (size_t i = 0; i < n; i++)
		check_name(lines[i]);
	check_allowlist(text, size, n ? lines[0] : "");
	check_desired(lines, n);
	PUQ_FREE(copy);
	PUQ_FREE(text);
	return 0;
}
