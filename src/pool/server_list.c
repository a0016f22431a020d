/*
 * The legacy address source: a WHMCS server entry's "Assigned IP Addresses" text
 * (tblservers.assignedips), one address per line as
 *
 *     bridge|vlan|ip|mask|gateway|dns1,dns2        e.g. vmbr0|10|192.168.10.2|24|192.168.10.1|8.8.8.8,1.1.1.1
 *
 * Installations switching from the original module already have these lists, so the
 * parser accepts what that module accepted - blank lines, CRLF line ends, blanks
 * around fields, an empty or missing DNS field, one DNS server - and checks each value
 * with the same rules as a pool (bridge, VLAN 0-4094, address, mask of the address's
 * family, gateway of that family). It does not require the address to lie inside the
 * gateway's network: existing lists with routed single addresses keep working.
 * Every bad line is reported by its number, all at once.
 */
#include <ctype.h>
#include <stdio.h>

#include "puqkvm/pool.h"

#define MAX_FIELDS 6

/*
 * Copies the trimmed [s, e) into buf (NUL-terminated). Returns false when it does not
 * fit: no valid value is that long, and a cut value could read as a valid one ("24"
 * followed by blanks and junk).
 */
static bool field_copy(const char *s, const char *e, char *buf, size_t size)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	size_t n = (size_t)(e - s);
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* Parses one non-blank line; on a problem records it as field "line N". */
static bool parse_line(const char *s, const char *e, unsigned lineno,
	struct puq_server_line *out, struct puq_error *err)
{
	char fields[MAX_FIELDS][64];
	size_t nf = 0;
	char name[24];
	struct puq_error why;
	const char *problem = NULL;

	snprintf(name, sizeof(name), "line %u", lineno);
	memset(out, 0, sizeof(*out));
	out->line = lineno;

	/* a NUL would end a value early and hide what follows it */
	if (memchr(s, '\0', (size_t)(e - s))) {
		puq_error_field(err, name, "contains a NUL byte");
		return false;
	}
	const char *start = s;
	for (const char *p = s;; p++) {
		if (p == e || *p == '|') {
			if (nf == MAX_FIELDS) {
				puq_error_field(err, name, "more than 6 fields; expected "
				                "bridge|vlan|ip|mask|gateway|dns1,dns2");
				return false;
			}
			if (!field_copy(start, p, fields[nf++], sizeof(fields[0]))) {
				puq_error_field(err, name, "field %zu is longer than any valid value", nf);
				return false;
			}
			start = p + 1;
			if (p == e)
				break;
		}
	}
	if (nf < 5) {
		puq_error_field(err, name, "%zu fields; expected bridge|vlan|ip|mask|gateway|dns1,dns2",
			nf);
		return false;
	}

	if ((problem = puq_pool_check_bridge(fields[0]))) {
		puq_error_field(err, name, "bridge: %s", problem);
		return false;
	}
	puq_strlcpy(out->bridge, fields[0], sizeof(out->bridge));
	if ((problem = puq_pool_parse_vlan(fields[1], &out->vlan))) {
		puq_error_field(err, name, "vlan: %s", problem);
		return false;
	}
	puq_error_clear(&why);
	if (puq_ip_parse_cstr(fields[2], PUQ_IP_ANY, &out->ip, &why) != 0) {
		puq_error_field(err, name, "ip: %s", why.text);
		return false;
	}
	if ((problem = puq_pool_parse_mask(fields[3], out->ip.family, &out->mask))) {
		puq_error_field(err, name, "mask: %s", problem);
		return false;
	}
	if (puq_ip_parse_cstr(fields[4], out->ip.family, &out->gateway, &why) != 0) {
		puq_error_field(err, name, "gateway: %s", why.text);
		return false;
	}

	/* DNS: "", "a", "a,b" */
	if (nf == 6 && fields[5][0]) {
		char *comma = strchr(fields[5], ',');
		char first[64], second[64] = "";
		if (comma) {
			if (strchr(comma + 1, ',')) {
				puq_error_field(err, name, "dns: at most two servers, separated by a comma");
				return false;
			}
			/* parts of a field that fit: they fit too */
			field_copy(fields[5], comma, first, sizeof(first));
			field_copy(comma + 1, fields[5] + strlen(fields[5]), second, sizeof(second));
		} else {
			puq_strlcpy(first, fields[5], sizeof(first));
		}
		const char *dns[2] = {first, second};
		struct puq_ip *dst[2] = {&out->dns1, &out->dns2};
		for (int i = 0; i < 2; i++) {
			if (!dns[i][0])
				continue;
			if (puq_ip_parse_cstr(dns[i], PUQ_IP_ANY, dst[i], &why) != 0) {
				puq_error_field(err, name, "dns%d: %s", i + 1, why.text);
				return false;
			}
		}
	}
	return true;
}

int puq_pool_server_list_parse(const char *text, size_t len, struct puq_server_line **lines,
	size_t *n, struct puq_error *err)
{
	struct puq_error local;
	size_t cap = 0, count = 0;
	struct puq_server_line *out = NULL;
	bool failed = false;

	*lines = NULL;
	*n = 0;
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	if (!text)
		len = 0;
	/* One entry at most per line. */
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	cap += 1;

	unsigned lineno = 0;
	const char *p = text, *end = text + len;
	while (len && p <= end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		lineno++;
		const char *s = p;
		while (s < e && isspace((unsigned char)*s))
			s++;
		if (s < e) {
			if (!out) {
				out = PUQ_CALLOC(cap, sizeof(*out));
				if (!out)
					return puq_error_set(err, PUQ_ENOMEM, NULL);
			}
			struct puq_server_line line;
			if (parse_line(p, e, lineno, &line, err)) {
				for (size_t k = 0; k < count; k++) {
					if (puq_ip_cmp(&out[k].ip, &line.ip) == 0) {
						char name[24];
						snprintf(name, sizeof(name), "line %u", lineno);
						puq_error_field(err, name, "the same address as line %u",
							out[k].line);
						failed = true;
						break;
					}
				}
				out[count++] = line;
			} else {
				failed = true;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (failed) {
		PUQ_FREE(out);
		return -PUQ_EVALIDATION;
	}
	*lines = out;
	*n = count;
	return 0;
}
