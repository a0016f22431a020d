/* DNS names (src/dns/names.c): normalisation, kinds and the spec's zone matching rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/dns.h"
#include "puqkvm/ip.h"

struct norm_case {
	const char *in;
	const char *out; /* NULL = refused */
};

static const struct norm_case names[] = {
	{"example.com", "example.com"},
	{"Example.COM.", "example.com"},
	{"  vm-1.example.com.  ", "vm-1.example.com"},
	{"130.168.192.in-addr.arpa", "130.168.192.in-addr.arpa"},
	{"8.B.D.0.1.0.0.2.ip6.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa"},
	{"0/26.2.0.192.in-addr.arpa", "0/26.2.0.192.in-addr.arpa"}, /* RFC 2317 zone name */
	{"_dmarc.example.com", "_dmarc.example.com"},
	{"com", "com"},
	{"", NULL},
	{".", NULL},
	{"example..com", NULL},
	{".example.com", NULL},
	{"exa mple.com", NULL},
	{"exa$mple.com", NULL},
	{"example.com..", NULL},
	{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", NULL}, /* 64 */
};

static void name_normalisation(void **state)
{
	(void)state;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(names); i++) {
		char out[PUQ_DNS_NAME_MAX];
		struct puq_error err;
		puq_error_clear(&err);
		int rc = puq_dns_name_normalize(names[i].in, out, &err);
		if (names[i].out) {
			if (rc != 0)
				fail_msg("%s refused: %s", names[i].in, err.text);
			assert_string_equal(out, names[i].out);
		} else {
			if (rc == 0)
				fail_msg("%s accepted as %s", names[i].in, out);
			assert_true(err.text[0] != '\0');
		}
	}
	/* 253 characters is the limit */
	char longname[300];
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 63; i < sizeof(longname); i += 64)
		longname[i] = '.';
	longname[253] = '\0';
	char out[PUQ_DNS_NAME_MAX];
	assert_int_equal(puq_dns_name_normalize(longname, out, NULL), 0);
	longname[253] = 'a';
	longname[254] = '\0';
	assert_int_equal(puq_dns_name_normalize(longname, out, NULL), -PUQ_EINVAL);
}

static void hostnames_need_two_labels(void **state)
{
	(void)state;
	char out[PUQ_DNS_NAME_MAX];
	assert_int_equal(puq_dns_hostname_normalize("Mail.Example.com.", out, NULL), 0);
	assert_string_equal(out, "mail.example.com");
	assert_int_equal(puq_dns_hostname_normalize("localhost", out, NULL), -PUQ_EINVAL);
	assert_int_equal(puq_dns_hostname_normalize("a/b.example.com", out, NULL), -PUQ_EINVAL);
	assert_int_equal(puq_dns_hostname_normalize("<script>.example.com", out, NULL),
		-PUQ_EINVAL);
}

/* Found by tests/fuzz/fuzz_dns_names: a refused name left the characters read so far
 * in out, without a terminator. */
static void refused_names_leave_an_empty_string(void **state)
{
	(void)state;
	char out[PUQ_DNS_NAME_MAX];
	memset(out, 'x', sizeof(out));
	assert_int_equal(puq_dns_name_normalize("2001:db8::/32", out, NULL), -PUQ_EINVAL);
	assert_string_equal(out, "");
	memset(out, 'x', sizeof(out));
	assert_int_equal(puq_dns_hostname_normalize("vm1.exa mple.com", out, NULL), -PUQ_EINVAL);
	assert_string_equal(out, "");
}

static void kinds(void **state)
{
	(void)state;
	assert_int_equal(puq_dns_name_kind("example.com"), PUQ_DNS_NAME_FORWARD);
	assert_int_equal(puq_dns_name_kind("10.2.0.192.in-addr.arpa"), PUQ_DNS_NAME_REVERSE4);
	assert_int_equal(puq_dns_name_kind("in-addr.arpa"), PUQ_DNS_NAME_REVERSE4);
	assert_int_equal(puq_dns_name_kind("8.b.d.0.1.0.0.2.ip6.arpa"), PUQ_DNS_NAME_REVERSE6);
	/* a suffix must sit on a label boundary */
	assert_int_equal(puq_dns_name_kind("notin-addr.arpa"), PUQ_DNS_NAME_FORWARD);
	assert_int_equal(puq_dns_name_kind("xip6.arpa"), PUQ_DNS_NAME_FORWARD);
}

struct match_case {
	const char *zone;
	const char *name;
	bool match;
};

/* The spec's examples (DNS Zones > Zone matching) and their edges. */
static const struct match_case matches[] = {
	/* forward: a suffix on a label boundary */
	{"puqcloud.com", "vm-123.puqcloud.com", true},
	{"puqcloud.com", "a.b.vm-123.puqcloud.com", true},
	{"puqcloud.com", "puqcloud.com", true},
	{"puq.com", "vm-123.puqcloud.com", false},
	{"example.com", "vm-123.puqcloud.com", false},
	{"cloud.com", "vm-123.puqcloud.com", false}, /* "puqcloud.com" ends with "cloud.com" */
	{"vps.puqcloud.com", "vm-123.puqcloud.com", false},
	{"PuqCloud.Com", "vm-123.puqcloud.com", true},
	/* IPv4 PTR: any level of reverse delegation */
	{"1.168.192.in-addr.arpa", "10.1.168.192.in-addr.arpa", true},
	{"168.192.in-addr.arpa", "10.1.168.192.in-addr.arpa", true},
	{"192.in-addr.arpa", "10.1.168.192.in-addr.arpa", true},
	{"2.168.192.in-addr.arpa", "10.1.168.192.in-addr.arpa", false},
	{"11.168.192.in-addr.arpa", "10.1.168.192.in-addr.arpa", false},
	{"1.168.192.in-addr.arpa", "10.11.168.192.in-addr.arpa", false},
	/* classless delegation (RFC 2317) is out of scope: no match */
	{"0/26.1.168.192.in-addr.arpa", "10.1.168.192.in-addr.arpa", false},
	/* forward names never land in reverse zones and vice versa */
	{"puqcloud.com", "10.1.168.192.in-addr.arpa", false},
	{"1.168.192.in-addr.arpa", "vm-1.puqcloud.com", false},
	/* IPv6: any ip6.arpa zone that is a proper suffix of the 32-nibble name */
	{"8.b.d.0.1.0.0.2.ip6.arpa",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", true},
	{"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", true},
	{"ip6.arpa",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", true},
	{"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", false},
	{"9.b.d.0.1.0.0.2.ip6.arpa",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", false},
	{"b.d.0.1.0.0.2.ip6.arpa.example",
		"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", false},
	{"", "vm.example.com", false},
};

static void matching(void **state)
{
	(void)state;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(matches); i++)
		if (puq_dns_zone_matches(matches[i].zone, matches[i].name) != matches[i].match)
			fail_msg("zone %s / name %s: expected %s", matches[i].zone, matches[i].name,
				matches[i].match ? "a match" : "no match");
}

/* The PTR names the ip room produces are what the matching sees. */
static void ptr_names_from_addresses(void **state)
{
	(void)state;
	struct puq_ip ip;
	char ptr[PUQ_IP_PTR_MAX];
	assert_int_equal(puq_ip_parse_cstr("2001:db8::1", PUQ_IP_ANY, &ip, NULL), 0);
	puq_ip_ptr_name(&ip, ptr);
	assert_true(puq_dns_zone_matches("8.b.d.0.1.0.0.2.ip6.arpa", ptr));
	assert_int_equal(puq_ip_parse_cstr("192.168.130.2", PUQ_IP_ANY, &ip, NULL), 0);
	puq_ip_ptr_name(&ip, ptr);
	assert_string_equal(ptr, "2.130.168.192.in-addr.arpa");
	assert_true(puq_dns_zone_matches("130.168.192.in-addr.arpa", ptr));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_normalisation),
		cmocka_unit_test(hostnames_need_two_labels),
		cmocka_unit_test(refused_names_leave_an_empty_string),
		cmocka_unit_test(kinds),
		cmocka_unit_test(matching),
		cmocka_unit_test(ptr_names_from_addresses),
	};
	return cmocka_run_group_tests_name("dns_match", tests, NULL, NULL);
}
