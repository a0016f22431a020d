/*
 * The legacy dns.php endpoint: its data and its access control.
 *
 * The endpoint (v1.4 of the original module) serves the forward/reverse mapping of
 * every address as JSON for external DNS scripts. The mapping comes from the desired
 * records the module keeps: each present PTR gives {forward: the service's FQDN, ip,
 * reverse: the PTR's host name}; an address whose service has no forward name is
 * skipped, as the original skipped empty entries.
 *
 * Access: besides the .htaccess the spec shows, the endpoint checks the client address
 * against an allowlist setting of addresses and CIDR prefixes; an empty list denies
 * everyone, so a fresh install exposes nothing.
 */
#include <ctype.h>
#include <stdio.h>

#include "puqkvm/dns.h"
#include "puqkvm/ip.h"

/* Next entry of the list into out; false at the end. */
static bool next_entry(const char **p, char *out, size_t outsz)
{
	const char *s = *p;
	while (*s && (isspace((unsigned char)*s) || *s == ','))
		s++;
	if (!*s)
		return false;
	size_t n = 0;
	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != ',')
		n++;
	snprintf(out, outsz, "%.*s", (int)(n < outsz ? n : outsz - 1), s);
	*p = s + n;
	return true;
}

/* "a.b.c.d", "v6", "net/len": the network and prefix; false if it does not parse. */
static bool parse_entry(const char *entry, struct puq_ip *net, unsigned *prefix)
{
	const char *slash = strchr(entry, '/');
	size_t len = slash ? (size_t)(slash - entry) : strlen(entry);
	if (puq_ip_parse(entry, len, PUQ_IP_ANY, net, NULL) < 0)
		return false;
	*prefix = puq_ip_bits(net->family);
	if (slash) {
		char *end = NULL;
		long p = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || !isdigit((unsigned char)slash[1]) ||
		    !puq_ip_prefix_valid(net->family, (int)p))
			return false;
		*prefix = (unsigned)p;
	}
	return true;
}

/* The client address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as IPv4. */
static bool client_address(const char *text, struct puq_ip *ip)
{
	if (!text || puq_ip_parse_cstr(text, PUQ_IP_ANY, ip, NULL) < 0)
		return false;
	if (ip->family == PUQ_IP_V6 && (ip->value >> 32) == (puq_u128)0xffff) {
		ip->family = PUQ_IP_V4;
		ip->value &= 0xffffffffu;
	}
	return true;
}

bool puq_dns_allowlist_allows(const char *allowlist, const char *client_ip)
{
	struct puq_ip client;
	if (!allowlist || !client_address(client_ip, &client))
		return false;
	char entry[128];
	const char *p = allowlist;
	while (next_entry(&p, entry, sizeof(entry))) {
		struct puq_ip net;
		unsigned prefix;
		if (parse_entry(entry, &net, &prefix) && net.family == client.family &&
		    puq_ip_contains(&net, prefix, &client))
			return true;
	}
	return false;
}

int puq_dns_legacy_map(struct puq_db *db, json_t **out, struct puq_error *err)
{
	*out = NULL;
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(
	    db, err,
	    "SELECT (SELECT f.`name` FROM `puq_proxmox_kvm_dns_records` f WHERE "
	    "f.`service_id` = "
	    "r.`service_id` AND f.`type` IN ('A', 'AAAA') AND f.`state` = 'present' ORDER BY "
	    "f.`type` LIMIT 1) AS `forward`, r.`ip`, r.`content` FROM "
	    "`puq_proxmox_kvm_dns_records` r WHERE r.`type` = 'PTR' AND r.`state` = "
	    "'present' "
	    "ORDER BY r.`service_id`, r.`id`",
	    PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t r = 0; list && r < rows->nrows; r++) {
		const char *forward = puq_db_cell(rows, r, 0), *ip = puq_db_cell(rows, r, 1);
		const char *reverse = puq_db_cell(rows, r, 2);
		if (!forward || !*forward || !ip || !*ip || !reverse || !*reverse)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "forward", forward, "ip",
		                                      ip, "reverse", reverse));
	}
	puq_db_rows_free(rows);
	if (!list)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = list;
	return 0;
}
