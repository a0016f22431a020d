/*
 * The desired records of a service (src/dns/desired.c) and their grouping into zone
 * jobs (src/dns/plan.c), both pure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/dns_driver.h"

static const struct puq_dns_record *find(const struct puq_dns_records *rs,
	enum puq_dns_rtype t, const char *name)
{
	for (size_t i = 0; i < rs->count; i++)
		if (rs->items[i].type == t && strcmp(rs->items[i].name, name) == 0)
			return &rs->items[i];
	return NULL;
}

#define V6_PTR(last) last ".0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"

/* A/AAAA for the mains only; a PTR for every address, the rDNS hostname or the FQDN. */
static void records_of_a_service(void **state)
{
	(void)state;
	const struct puq_dns_address a[] = {
		{"192.0.2.10", NULL},
		{"192.0.2.11", "Mail.Example.COM."},
		{"2001:0DB8:0:0::0010", "v6.example.com"}, /* the main, written differently */
		{"2001:db8::11", ""},
	};
	const struct puq_dns_service s = {5551, "5551-1776530141.PuqCloud.com", "192.0.2.10",
		"2001:db8::10", a, 4};
	struct puq_dns_records rs;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_desired(&s, &rs, &err), 0);
	assert_int_equal(rs.count, 6);
	const struct puq_dns_record *r = find(&rs, PUQ_DNS_A, "5551-1776530141.puqcloud.com");
	assert_non_null(r);
	assert_string_equal(r->content, "192.0.2.10");
	r = find(&rs, PUQ_DNS_AAAA, "5551-1776530141.puqcloud.com");
	assert_string_equal(r->content, "2001:db8::10");
	r = find(&rs, PUQ_DNS_PTR, "10.2.0.192.in-addr.arpa");
	assert_string_equal(r->content, "5551-1776530141.puqcloud.com");
	r = find(&rs, PUQ_DNS_PTR, "11.2.0.192.in-addr.arpa");
	assert_string_equal(r->content, "mail.example.com");
	assert_string_equal(r->ip, "192.0.2.11");
	r = find(&rs, PUQ_DNS_PTR, V6_PTR("0.1"));
	assert_non_null(r);
	assert_string_equal(r->content, "v6.example.com"); /* the list's hostname wins */
	assert_string_equal(r->ip, "2001:db8::10");
	r = find(&rs, PUQ_DNS_PTR, V6_PTR("1.1"));
	assert_string_equal(r->content, "5551-1776530141.puqcloud.com");
	puq_dns_records_free(&rs);
}

/* A main address missing from the list still gets its PTR; no mains, no A/AAAA. */
static void mains_and_absences(void **state)
{
	(void)state;
	const struct puq_dns_service only_main = {1, "vm.example.com", "192.0.2.1", NULL, NULL, 0};
	struct puq_dns_records rs;
	assert_int_equal(puq_dns_desired(&only_main, &rs, NULL), 0);
	assert_int_equal(rs.count, 2);
	assert_non_null(find(&rs, PUQ_DNS_PTR, "1.2.0.192.in-addr.arpa"));
	assert_null(find(&rs, PUQ_DNS_AAAA, "vm.example.com"));
	puq_dns_records_free(&rs);

	const struct puq_dns_address a[] = {{"192.0.2.7", "host.example.com"}};
	const struct puq_dns_service no_fqdn = {2, NULL, NULL, NULL, a, 1};
	assert_int_equal(puq_dns_desired(&no_fqdn, &rs, NULL), 0);
	assert_int_equal(rs.count, 1);
	puq_dns_records_free(&rs);

	const struct puq_dns_service nothing = {3, NULL, NULL, NULL, NULL, 0};
	assert_int_equal(puq_dns_desired(&nothing, &rs, NULL), 0);
	assert_int_equal(rs.count, 0);
	puq_dns_records_free(&rs);
}

static void bad_inputs_reported_together(void **state)
{
	(void)state;
	const struct puq_dns_address a[] = {
		{"10.0.0.1/24", NULL},
		{"192.0.2.5", "bad host"},
		{"192.0.2.6", "a.example.com"},
		{"192.0.2.6", "b.example.com"},
		{"192.0.2.8", NULL},
	};
	const struct puq_dns_service s = {4, "", "2001:db8::1", "192.0.2.1", a, 5};
	struct puq_dns_records rs;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_desired(&s, &rs, &err), -PUQ_EVALIDATION);
	assert_null(rs.items);
	const char *fields[] = {"main_ipv4", "main_ipv6", "addresses.10.0.0.1/24",
		"addresses.192.0.2.5", "addresses.192.0.2.6", "fqdn"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(fields); i++)
		if (!puq_error_field_message(&err, fields[i]))
			fail_msg("no error for %s", fields[i]);
}

/* Rows to jobs: RRsets grouped, every matching zone gets them, others shape only. */
static void plan_groups_and_matches(void **state)
{
	(void)state;
	struct puq_dns_zone zs[4];
	const char *names[] = {"example.com", "example.com", "2.0.192.in-addr.arpa", "other.net"};
	enum puq_dns_provider prov[] = {PUQ_DNS_POWERDNS, PUQ_DNS_HESTIACP, PUQ_DNS_CLOUDFLARE,
		PUQ_DNS_POWERDNS};
	for (int i = 0; i < 4; i++) {
		puq_dns_zone_init(&zs[i]);
		zs[i].id = i + 1;
		zs[i].provider = prov[i];
		puq_dns_zone_set(&zs[i], PUQ_DNS_ZF_ZONE, names[i]);
	}
	struct puq_dns_zones zones = {zs, 4};
	struct puq_dns_row rows[] = {
		{1, 10, PUQ_DNS_A, "vm1.example.com", "192.0.2.1", "192.0.2.1", true, true},
		{2, 10, PUQ_DNS_PTR, "1.2.0.192.in-addr.arpa", "vm1.example.com", "192.0.2.1", true,
			true},
		{3, 10, PUQ_DNS_PTR, "9.2.0.192.in-addr.arpa", "vm1.example.com", "192.0.2.9", false,
			true},
		/* another service at the same A name (merged) and elsewhere (not planned) */
		{4, 11, PUQ_DNS_A, "vm1.example.com", "192.0.2.2", "192.0.2.2", true, false},
		{5, 11, PUQ_DNS_A, "vm2.example.com", "192.0.2.3", "192.0.2.3", true, false},
		/* no zone for it: nothing to do */
		{6, 10, PUQ_DNS_AAAA, "vm1.example.org", "2001:db8::1", "2001:db8::1", true, true},
	};
	struct puq_dns_endpoint ep = {1000, NULL, NULL};
	struct puq_dns_plan plan;
	assert_int_equal(puq_dns_plan_build(&plan, &zones, rows, 6, &ep, NULL), 0);
	assert_int_equal(plan.nrrsets, 5);
	assert_int_equal(plan.njobs, 3); /* both example.com zones and the reverse zone */
	size_t total = 0;
	for (size_t j = 0; j < plan.njobs; j++) {
		const struct puq_dns_job *job = &plan.jobs[j];
		total += job->nchanges;
		for (size_t c = 0; c < job->nchanges; c++) {
			const struct puq_dns_change *ch = &job->changes[c];
			if (ch->type == PUQ_DNS_A) {
				assert_string_equal(ch->name, "vm1.example.com");
				assert_int_equal(ch->ncontents, 2);
			}
			if (ch->type == PUQ_DNS_PTR && strcmp(ch->name, "9.2.0.192.in-addr.arpa") == 0)
				assert_int_equal(ch->ncontents, 0); /* a removal */
		}
	}
	assert_int_equal(total, 4); /* A twice (two example.com zones) + two PTRs */
	/* the AAAA matches no zone: no zone to wait for */
	const struct puq_dns_rrset *aaaa = &plan.rrsets[plan.row_rrset[5]];
	assert_int_equal(aaaa->nzones, 0);
	assert_int_equal(plan.rrsets[plan.row_rrset[0]].nzones, 2);
	assert_int_equal(plan.row_rrset[0], plan.row_rrset[3]);
	puq_dns_plan_free(&plan);
	for (int i = 0; i < 4; i++)
		puq_dns_zone_free(&zs[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records_of_a_service),
		cmocka_unit_test(mains_and_absences),
		cmocka_unit_test(bad_inputs_reported_together),
		cmocka_unit_test(plan_groups_and_matches),
	};
	return cmocka_run_group_tests_name("dns_desired", tests, NULL, NULL);
}
