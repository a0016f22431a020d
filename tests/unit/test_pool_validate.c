/* Pool input validation and the legacy server list parser (src/pool/validate.c,
 * src/pool/server_list.c): no database needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/pool.h"

static struct puq_pool_input good_v4(void)
{
	struct puq_pool_input in = {
		.server_id = 1,
		.type = "IPv4",
		.bridge = "vmbr0",
		.vlan = "0",
		.gateway = "192.168.130.1",
		.mask = "24",
		.dns1 = "8.8.8.8",
		.dns2 = "1.1.1.1",
		.start = "192.168.130.2",
		.stop = "192.168.130.254",
	};
	return in;
}

static struct puq_pool_input good_v6(void)
{
	struct puq_pool_input in = {
		.server_id = 1,
		.type = "IPv6",
		.bridge = "vmbr1",
		.vlan = "100",
		.gateway = "2001:db8::1",
		.mask = "64",
		.dns1 = "2001:4860:4860::8888",
		.dns2 = "",
		.start = "2001:db8::2",
		.stop = "2001:db8::ffff:ffff:ffff:ffff",
	};
	return in;
}

static void accepts_the_manuals_example(void **state)
{
	struct puq_pool_input in = good_v4();
	struct puq_pool p;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, &p, &err), 0);
	assert_int_equal(p.family, PUQ_IP_V4);
	assert_string_equal(p.bridge, "vmbr0");
	assert_int_equal(p.vlan, 0);
	assert_int_equal(p.mask, 24);
	struct puq_ip_count total = puq_ip_count_range(&p.start, &p.stop);
	assert_true(total.value == 253);
}

static void accepts_ipv6_in_any_form_and_normalises(void **state)
{
	struct puq_pool_input in = good_v6();
	in.type = " ipv6 ";
	in.start = "2001:0DB8:0000:0000:0000:0000:0000:0002";
	in.mask = "/64";
	in.vlan = " 100 ";
	struct puq_pool p;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, &p, &err), 0);
	char text[PUQ_IP_TEXT_MAX];
	puq_ip_format(&p.start, PUQ_IP_CANONICAL, text);
	assert_string_equal(text, "2001:db8::2");
	assert_int_equal(p.dns2.family, PUQ_IP_ANY); /* empty DNS 2 is fine */
	assert_int_equal(p.mask, 64);
	assert_int_equal(p.vlan, 100);
	struct puq_ip_count total = puq_ip_count_range(&p.start, &p.stop);
	assert_true(total.value == ((puq_u128)1 << 64) - 2);
}

struct bad_case {
	const char *what;
	void (*mutate)(struct puq_pool_input *in);
	const char *field;
	const char *message; /* substring */
};

static void no_server(struct puq_pool_input *in) { in->server_id = 0; }
static void bad_type(struct puq_pool_input *in) { in->type = "IPv5"; }
static void empty_bridge(struct puq_pool_input *in) { in->bridge = ""; }
static void long_bridge(struct puq_pool_input *in) { in->bridge = "vmbr0123456789012"; }
static void bad_bridge(struct puq_pool_input *in) { in->bridge = "vmbr0;rm"; }
static void vlan_high(struct puq_pool_input *in) { in->vlan = "4095"; }
static void vlan_text(struct puq_pool_input *in) { in->vlan = "ten"; }
static void vlan_negative(struct puq_pool_input *in) { in->vlan = "-1"; }
static void mask_zero(struct puq_pool_input *in) { in->mask = "0"; }
static void mask_33(struct puq_pool_input *in) { in->mask = "33"; }
static void gw_v6(struct puq_pool_input *in) { in->gateway = "2001:db8::1"; }
static void gw_empty(struct puq_pool_input *in) { in->gateway = ""; }
static void gw_network(struct puq_pool_input *in) { in->gateway = "192.168.130.0"; }
static void gw_broadcast(struct puq_pool_input *in) { in->gateway = "192.168.130.255"; in->stop = "192.168.130.250"; }
static void dns_bad(struct puq_pool_input *in) { in->dns1 = "8.8.8"; }
static void dns2_bad(struct puq_pool_input *in) { in->dns2 = "one.one"; }
static void start_after_stop(struct puq_pool_input *in) { in->start = "192.168.130.100"; in->stop = "192.168.130.50"; }
static void start_outside(struct puq_pool_input *in) { in->start = "192.168.129.2"; }
static void stop_outside(struct puq_pool_input *in) { in->stop = "192.168.131.2"; }
static void start_network(struct puq_pool_input *in) { in->start = "192.168.130.0"; }
static void stop_broadcast(struct puq_pool_input *in) { in->stop = "192.168.130.255"; }
static void range_has_gateway(struct puq_pool_input *in) { in->start = "192.168.130.1"; }
static void start_v6(struct puq_pool_input *in) { in->start = "2001:db8::2"; }
static void stop_garbage(struct puq_pool_input *in) { in->stop = "<script>"; }

static const struct bad_case bad[] = {
	{"no server", no_server, "server", "select"},
	{"type", bad_type, "type", "IPv4 or IPv6"},
	{"empty bridge", empty_bridge, "bridge", "enter the Proxmox bridge"},
	{"long bridge", long_bridge, "bridge", "at most 15"},
	{"bridge charset", bad_bridge, "bridge", "only letters"},
	{"vlan 4095", vlan_high, "vlan", "0-4094"},
	{"vlan text", vlan_text, "vlan", "0-4094"},
	{"vlan -1", vlan_negative, "vlan", "0-4094"},
	{"mask 0", mask_zero, "mask", "1-32"},
	{"mask 33", mask_33, "mask", "1-32"},
	{"gateway family", gw_v6, "gateway", "IPv6 address where an IPv4"},
	{"gateway empty", gw_empty, "gateway", "enter an IPv4 address"},
	{"gateway network", gw_network, "gateway", "network address"},
	{"gateway broadcast", gw_broadcast, "gateway", "broadcast"},
	{"dns1", dns_bad, "dns1", "4 parts"},
	{"dns2", dns2_bad, "dns2", "invalid character"},
	{"start > stop", start_after_stop, "stop", "must not be lower"},
	{"start outside", start_outside, "start", "outside the gateway's network 192.168.130.0/24"},
	{"stop outside", stop_outside, "stop", "outside"},
	{"start network", start_network, "start", "network address"},
	{"stop broadcast", stop_broadcast, "stop", "broadcast"},
	{"range contains gateway", range_has_gateway, "start", "contains the gateway"},
	{"start family", start_v6, "start", "IPv6 address where an IPv4"},
	{"stop garbage", stop_garbage, "stop", "invalid character"},
};

static void refuses_each_bad_field(void **state)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(bad); i++) {
		struct puq_pool_input in = good_v4();
		struct puq_pool p;
		struct puq_error err;
		memset(&p, 0x5a, sizeof(p));
		puq_error_clear(&err);
		bad[i].mutate(&in);
		int rc = puq_pool_validate(&in, &p, &err);
		if (rc != -PUQ_EVALIDATION)
			fail_msg("%s: accepted", bad[i].what);
		const char *msg = puq_error_field_message(&err, bad[i].field);
		if (!msg)
			fail_msg("%s: no message for field %s (text: %s)", bad[i].what, bad[i].field,
				err.text);
		if (!strstr(msg, bad[i].message))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].what, msg, bad[i].message);
		/* nothing written on error */
		assert_int_equal(((unsigned char *)&p)[0], 0x5a);
	}
}

static void reports_every_bad_field_at_once(void **state)
{
	struct puq_pool_input in = {
		.server_id = 0,
		.type = "IPv4",
		.bridge = "",
		.vlan = "5000",
		.gateway = "nope",
		.mask = "99",
		.dns1 = "x",
		.dns2 = "y",
		.start = "",
		.stop = "",
	};
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), -PUQ_EVALIDATION);
	const char *fields[] = {"server", "bridge", "vlan", "mask", "gateway", "dns1", "dns2",
		"start", "stop"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(fields); i++)
		if (!puq_error_field_message(&err, fields[i]))
			fail_msg("no message for %s", fields[i]);
	assert_int_equal(err.nfields, PUQ_ARRAY_LEN(fields));
}

static void ipv6_rules(void **state)
{
	struct puq_pool_input in = good_v6();
	struct puq_error err;
	/* the subnet-router anycast address (the network address) is not assignable */
	in.start = "2001:db8::";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "start"), "network address"));
	/* no broadcast in IPv6: the last address of the /64 is fine */
	in = good_v6();
	in.stop = "2001:db8::ffff:ffff:ffff:ffff";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), 0);
	/* mask 1-128 */
	in.mask = "129";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "mask"), "1-128"));
	/* /127: both addresses usable (RFC 6164) */
	in = good_v6();
	in.mask = "127";
	in.gateway = "2001:db8::";
	in.start = "2001:db8::1";
	in.stop = "2001:db8::1";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), 0);
	/* an IPv4 gateway for an IPv6 pool */
	in = good_v6();
	in.gateway = "10.0.0.1";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "gateway"), "IPv4 address where"));
	/* DNS of the other family is allowed: resolvers are reachable over either */
	in = good_v6();
	in.dns1 = "8.8.8.8";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), 0);
}

static void point_to_point_v4(void **state)
{
	struct puq_pool_input in = good_v4();
	struct puq_error err;
	/* /31: no network or broadcast address (RFC 3021) */
	in.mask = "31";
	in.gateway = "192.168.130.0";
	in.start = "192.168.130.1";
	in.stop = "192.168.130.1";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, NULL, &err), 0);
}

static void single_values(void **state)
{
	int vlan;
	unsigned mask;
	assert_null(puq_pool_check_bridge("vmbr0"));
	assert_null(puq_pool_check_bridge("vnet-prod_1.2"));
	assert_non_null(puq_pool_check_bridge("vm br0"));
	assert_non_null(puq_pool_check_bridge(".."));
	assert_non_null(puq_pool_check_bridge(NULL));
	assert_null(puq_pool_parse_vlan("4094", &vlan));
	assert_int_equal(vlan, 4094);
	assert_null(puq_pool_parse_vlan("0", &vlan));
	assert_non_null(puq_pool_parse_vlan("", &vlan));
	assert_non_null(puq_pool_parse_vlan("1.5", &vlan));
	assert_non_null(puq_pool_parse_vlan("99999999999999999999999", &vlan));
	assert_null(puq_pool_parse_mask("/24", PUQ_IP_V4, &mask));
	assert_int_equal(mask, 24);
	assert_null(puq_pool_parse_mask("128", PUQ_IP_V6, &mask));
	assert_non_null(puq_pool_parse_mask("64", PUQ_IP_V4, &mask));
	assert_non_null(puq_pool_parse_mask("", PUQ_IP_V6, &mask));
}

/* Found by tests/fuzz/fuzz_server_list: a value longer than the check's buffer was cut,
 * and the cut read as valid ("6", blanks, "4" as mask 6; 25 digits as VLAN 0). */
static void single_values_are_never_cut(void **state)
{
	char text[80];
	unsigned mask;
	int vlan;
	snprintf(text, sizeof(text), "6%*s4", 40, "");
	assert_non_null(puq_pool_parse_mask(text, PUQ_IP_V6, &mask));
	assert_non_null(puq_pool_parse_mask(text, PUQ_IP_V4, &mask));
	assert_non_null(puq_pool_parse_vlan("0000000000000000000000005", &vlan));
	assert_null(puq_pool_parse_mask(" / 24 ", PUQ_IP_V4, &mask));
	assert_int_equal(mask, 24);

	struct puq_pool_input in = {1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", NULL, NULL,
		"10.0.0.10", "10.0.0.20"};
	struct puq_pool out;
	struct puq_error err;
	char bridge[80], gateway[80];
	snprintf(bridge, sizeof(bridge), "vmbr0%*sx", 70, "");
	snprintf(gateway, sizeof(gateway), "10.0.0.1%*sx", 60, "");
	in.bridge = bridge;
	in.gateway = gateway;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_validate(&in, &out, &err), -PUQ_EVALIDATION);
	assert_string_equal(puq_error_field_message(&err, "bridge"),
		"a bridge name has at most 15 characters");
	assert_string_equal(puq_error_field_message(&err, "gateway"),
		"too long to be an IP address");
}

/* ---- the legacy server list --------------------------------------------------------- */

static void server_list_parses_the_documented_examples(void **state)
{
	const char *text = "vmbr0|10|192.168.10.2|24|192.168.10.1|8.8.8.8,1.1.1.1\r\n"
	                   "\n"
	                   "vmbr1|333|172.16.5.2|24|172.16.5.1|8.8.8.8,1.1.1.1\n"
	                   "  vmbr3 | 0 | 10.0.25.2 | 24 | 10.0.25.1 | 10.0.10.10 , 10.0.10.20  \n"
	                   "vmbr0|0|10.0.0.5|24|10.0.0.1|9.9.9.9\n"
	                   "vmbr0|0|10.0.0.6|24|10.0.0.1|\n"
	                   "vmbr0|0|10.0.0.7|24|10.0.0.1\n"
	                   "vmbr0|0|2001:db8::10|64|2001:db8::1|2001:4860:4860::8888\n";
	struct puq_server_line *lines;
	size_t n;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_server_list_parse(text, strlen(text), &lines, &n, &err), 0);
	assert_int_equal(n, 7);
	assert_int_equal(lines[0].line, 1);
	assert_string_equal(lines[0].bridge, "vmbr0");
	assert_int_equal(lines[0].vlan, 10);
	assert_int_equal(lines[0].mask, 24);
	assert_int_equal(lines[0].dns2.family, PUQ_IP_V4);
	assert_int_equal(lines[1].line, 3);
	assert_int_equal(lines[1].vlan, 333);
	assert_int_equal(lines[2].line, 4);
	assert_string_equal(lines[2].bridge, "vmbr3");
	char text2[PUQ_IP_TEXT_MAX];
	puq_ip_format(&lines[2].dns2, PUQ_IP_CANONICAL, text2);
	assert_string_equal(text2, "10.0.10.20");
	assert_int_equal(lines[3].dns2.family, PUQ_IP_ANY); /* one DNS server */
	assert_int_equal(lines[4].dns1.family, PUQ_IP_ANY); /* empty DNS field */
	assert_int_equal(lines[5].dns1.family, PUQ_IP_ANY); /* no DNS field */
	assert_int_equal(lines[6].ip.family, PUQ_IP_V6);
	assert_int_equal(lines[6].mask, 64);
	PUQ_FREE(lines);
}

static void server_list_reports_every_bad_line_by_number(void **state)
{
	const char *text = "vmbr0|0|10.0.0.5|24|10.0.0.1|8.8.8.8\n"   /* 1 fine */
	                   "vmbr0|0|10.0.0.300|24|10.0.0.1|8.8.8.8\n" /* 2 ip */
	                   "vmbr0|5000|10.0.0.6|24|10.0.0.1|8.8.8.8\n" /* 3 vlan */
	                   "vmbr0|0|10.0.0.7|40|10.0.0.1|8.8.8.8\n"   /* 4 mask */
	                   "vmbr0|0|10.0.0.8|24|2001:db8::1|8.8.8.8\n" /* 5 gateway family */
	                   "vmbr0|0|10.0.0.9\n"                       /* 6 fields */
	                   "bad bridge|0|10.0.0.10|24|10.0.0.1|\n"    /* 7 bridge */
	                   "vmbr0|0|10.0.0.5|24|10.0.0.1|\n"          /* 8 duplicate of 1 */
	                   "vmbr0|0|10.0.0.11|24|10.0.0.1|8.8.8.8,1.1.1.1,9.9.9.9\n" /* 9 dns */
	                   "vmbr0|0|10.0.0.12|24|10.0.0.1|8.8.8.8|x\n"; /* 10 fields */
	struct puq_server_line *lines = (void *)1;
	size_t n = 99;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_server_list_parse(text, strlen(text), &lines, &n, &err),
		-PUQ_EVALIDATION);
	assert_null(lines);
	assert_int_equal(n, 0);
	struct {
		const char *field, *message;
	} want[] = {
		{"line 2", "ip: IPv4 part 4 is greater than 255"},
		{"line 3", "vlan: "},
		{"line 4", "mask: "},
		{"line 5", "gateway: an IPv6 address where an IPv4"},
		{"line 6", "3 fields"},
		{"line 7", "bridge: "},
		{"line 8", "the same address as line 1"},
		{"line 9", "at most two"},
		{"line 10", "more than 6 fields"},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(want); i++) {
		const char *msg = puq_error_field_message(&err, want[i].field);
		if (!msg || !strstr(msg, want[i].message))
			fail_msg("%s: %s", want[i].field, msg ? msg : "(none)");
	}
	assert_null(puq_error_field_message(&err, "line 1"));
	assert_int_equal(err.nfields, PUQ_ARRAY_LEN(want));
}

/* Found by tests/fuzz/fuzz_server_list: a value was cut at 63 characters or at a NUL,
 * and what followed the cut was ignored. */
static void server_list_never_reads_part_of_a_value(void **state)
{
	char text[256];
	struct puq_server_line *lines;
	size_t n;
	struct puq_error err;

	/* "24", blanks, then junk: cut at 63 characters it read as mask 24 */
	snprintf(text, sizeof(text), "vmbr0|0|10.0.0.5|24%*sx|10.0.0.1", 62, "");
	puq_error_clear(&err);
	assert_int_equal(puq_pool_server_list_parse(text, strlen(text), &lines, &n, &err),
		-PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "line 1"), "field 4 is longer"));

	/* the same through the DNS field's second server */
	snprintf(text, sizeof(text), "vmbr0|0|10.0.0.5|24|10.0.0.1|8.8.8.8,%*sx", 62, "");
	puq_error_clear(&err);
	assert_int_equal(puq_pool_server_list_parse(text, strlen(text), &lines, &n, &err),
		-PUQ_EVALIDATION);

	/* a NUL inside the mask hid "98::1" */
	static const char with_nul[] = "vmbr0|0|2001:db9::10|64\0\0" "98::1|2001:db9::1\n";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_server_list_parse(with_nul, sizeof(with_nul) - 1, &lines, &n,
		&err), -PUQ_EVALIDATION);
	assert_string_equal(puq_error_field_message(&err, "line 1"), "contains a NUL byte");
}

static void server_list_empty(void **state)
{
	struct puq_server_line *lines;
	size_t n;
	struct puq_error err;
	assert_int_equal(puq_pool_server_list_parse("", 0, &lines, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(puq_pool_server_list_parse(NULL, 0, &lines, &n, &err), 0);
	assert_int_equal(puq_pool_server_list_parse(" \r\n\n  ", 6, &lines, &n, &err), 0);
	assert_int_equal(n, 0);
	PUQ_FREE(lines);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_the_manuals_example),
		cmocka_unit_test(accepts_ipv6_in_any_form_and_normalises),
		cmocka_unit_test(refuses_each_bad_field),
		cmocka_unit_test(reports_every_bad_field_at_once),
		cmocka_unit_test(ipv6_rules),
		cmocka_unit_test(point_to_point_v4),
		cmocka_unit_test(single_values),
		cmocka_unit_test(single_values_are_never_cut),
		cmocka_unit_test(server_list_parses_the_documented_examples),
		cmocka_unit_test(server_list_reports_every_bad_line_by_number),
		cmocka_unit_test(server_list_never_reads_part_of_a_value),
		cmocka_unit_test(server_list_empty),
	};
	return cmocka_run_group_tests_name("pool_validate", tests, NULL, NULL);
}
