/*
 * The desired records of one service, computed from the operation's explicit inputs.
 *
 * Pure: an FQDN, a main IPv4, a main IPv6 and the assigned addresses with their rDNS
 * hostnames become at most one A, one AAAA and one PTR per address. The A and AAAA
 * point at the main addresses only (the spec's "(2 IPs)" even for a VM with many);
 * every assigned address, the mains included, gets a PTR whose content is its rDNS
 * hostname or else the FQDN. Addresses are parsed with the ip room, so "2001:DB8::1"
 * and "2001:0db8:0:0::1" are the same address and the PTR name is the 32-nibble form.
 */
#include <stdio.h>

#include "puqkvm/dns.h"
#include "puqkvm/ip.h"

void puq_dns_records_free(struct puq_dns_records *rs)
{
	PUQ_FREE(rs->items);
	rs->items = NULL;
	rs->count = 0;
}

static int add_record(struct puq_dns_records *rs, size_t cap, enum puq_dns_rtype type,
                      const char *name, const char *content, const char *ip)
{
	/* a PTR name appears once: a repeated address is the same record */
	for (size_t i = 0; i < rs->count; i++)
		if (rs->items[i].type == type && strcmp(rs->items[i].name, name) == 0)
			return strcmp(rs->items[i].content, content) == 0 ? 0 : 1;
	if (rs->count == cap)
		return -1;
	struct puq_dns_record *r = &rs->items[rs->count++];
	r->type = type;
	puq_strlcpy(r->name, name, sizeof(r->name));
	puq_strlcpy(r->content, content, sizeof(r->content));
	puq_strlcpy(r->ip, ip, sizeof(r->ip));
	return 0;
}

static bool given(const char *s)
{
	return s && *s;
}

/* Parses a main address of the wanted family into canonical text. */
static bool main_address(const char *text, enum puq_ip_family fam, const char *field,
                         struct puq_ip *ip, char out[PUQ_IP_TEXT_MAX],
                         struct puq_error *err)
{
	struct puq_error sub;
	puq_error_clear(&sub);
	if (puq_ip_parse_cstr(text, fam, ip, &sub) < 0) {
		puq_error_field(err, field, "%s is not a valid %s address: %s",
		                fam == PUQ_IP_V4 ? "The main IPv4" : "The main IPv6",
		                fam == PUQ_IP_V4 ? "IPv4" : "IPv6", sub.text);
		return false;
	}
	puq_ip_format(ip, PUQ_IP_CANONICAL, out);
	return true;
}

int puq_dns_desired(const struct puq_dns_service *svc, struct puq_dns_records *out,
                    struct puq_error *err)
{
	out->items = NULL;
	out->count = 0;

	char fqdn[PUQ_DNS_NAME_MAX] = "";
	bool bad = false;
	if (given(svc->fqdn)) {
		struct puq_error sub;
		puq_error_clear(&sub);
		if (puq_dns_hostname_normalize(svc->fqdn, fqdn, &sub) < 0) {
			puq_error_field(err, "fqdn", "The FQDN %s", sub.text);
			bad = true;
		}
	}

	size_t cap = 2 + svc->naddresses + 2;
	out->items = PUQ_CALLOC(cap, sizeof(*out->items));
	if (!out->items)
		return puq_error_set(err, PUQ_ENOMEM, NULL);

	struct puq_ip ip4 = {0}, ip6 = {0};
	char text4[PUQ_IP_TEXT_MAX] = "", text6[PUQ_IP_TEXT_MAX] = "";
	if (given(svc->main_ipv4) &&
	    !main_address(svc->main_ipv4, PUQ_IP_V4, "main_ipv4", &ip4, text4, err))
		bad = true;
	if (given(svc->main_ipv6) &&
	    !main_address(svc->main_ipv6, PUQ_IP_V6, "main_ipv6", &ip6, text6, err))
		bad = true;

	bool need_fqdn = text4[0] || text6[0];
	char ptr[PUQ_IP_PTR_MAX], canon[PUQ_IP_TEXT_MAX], host[PUQ_DNS_NAME_MAX];
	for (size_t i = 0; i < svc->naddresses; i++) {
		const struct puq_dns_address *a = &svc->addresses[i];
		char field[PUQ_FIELD_NAME_MAX];
		snprintf(field, sizeof(field), "addresses.%.36s", a->ip ? a->ip : "");
		struct puq_ip ip;
		struct puq_error sub;
		puq_error_clear(&sub);
		if (!given(a->ip) || puq_ip_parse_cstr(a->ip, PUQ_IP_ANY, &ip, &sub) < 0) {
			puq_error_field(err, field, "Not a valid IP address: %s",
			                given(a->ip) ? sub.text : "empty");
			bad = true;
			continue;
		}
		if (given(a->rdns)) {
			if (puq_dns_hostname_normalize(a->rdns, host, &sub) < 0) {
				puq_error_field(err, field, "The rDNS hostname %s", sub.text);
				bad = true;
				continue;
			}
		} else if (fqdn[0]) {
			puq_strlcpy(host, fqdn, sizeof(host));
		} else {
			need_fqdn = true;
			continue;
		}
		puq_ip_format(&ip, PUQ_IP_CANONICAL, canon);
		puq_ip_ptr_name(&ip, ptr);
		if (add_record(out, cap, PUQ_DNS_PTR, ptr, host, canon) > 0) {
			puq_error_field(err, field,
			                "The address is listed twice with different "
			                "rDNS hostnames");
			bad = true;
		}
	}
	if (need_fqdn && !fqdn[0] && !puq_error_field_message(err, "fqdn")) {
		puq_error_field(err, "fqdn",
		                "The FQDN is required for A/AAAA records and for "
		                "addresses without an rDNS hostname");
		bad = true;
	}
	if (bad) {
		puq_dns_records_free(out);
		return -PUQ_EVALIDATION;
	}

	/* the mains always get a PTR, with the FQDN unless the list gave them a hostname */
	if (text4[0]) {
		add_record(out, cap, PUQ_DNS_A, fqdn, text4, text4);
		puq_ip_ptr_name(&ip4, ptr);
		add_record(out, cap, PUQ_DNS_PTR, ptr, fqdn, text4);
	}
	if (text6[0]) {
		add_record(out, cap, PUQ_DNS_AAAA, fqdn, text6, text6);
		puq_ip_ptr_name(&ip6, ptr);
		add_record(out, cap, PUQ_DNS_PTR, ptr, fqdn, text6);
	}
	return 0;
}
