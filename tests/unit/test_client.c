/*
 * The client area's pure parts (src/client): firewall rules as a client submits them,
 * table-driven (good rules normalised, every bad field named), port specifications,
 * the ISO page's folders, chart series from RRD samples, and the action table (which
 * actions change something and which permission each needs).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/client.h"

static void test_good_rules(void **state)
{
	static const struct {
		const char *json;
		const char *type, *action, *proto, *source, *dest, *dport;
	} cases[] = {
		{"{\"type\":\"IN\",\"action\":\"accept\",\"proto\":\"TCP\",\"dport\":\"22\"}", "in", "ACCEPT",
			"tcp", "", "", "22"},
		{"{\"type\":\"out\",\"action\":\"DROP\",\"dest\":\"2001:DB8:0:0::1/64\"}", "out", "DROP", "",
			"", "2001:db8::1/64", ""},
		{"{\"type\":\"in\",\"action\":\"REJECT\",\"proto\":\"udp\",\"source\":\"192.0.2.7\","
			"\"dport\":\"1024:2048,53\"}", "in", "REJECT", "udp", "192.0.2.7", "", "1024:2048,53"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"icmpv6\"}", "in", "ACCEPT", "icmpv6",
			"", "", ""},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(cases); i++) {
		struct puq_client_fw_rule r;
		struct puq_error err;
		puq_error_clear(&err);
		json_t *in = json_loads(cases[i].json, 0, NULL);
		assert_int_equal(puq_client_fw_rule_check(in, &r, &err), 0);
		assert_string_equal(r.type, cases[i].type);
		assert_string_equal(r.action, cases[i].action);
		assert_string_equal(r.proto, cases[i].proto);
		assert_string_equal(r.source, cases[i].source);
		assert_string_equal(r.dest, cases[i].dest);
		assert_string_equal(r.dport, cases[i].dport);
		json_decref(in);
	}
}

static void test_bad_rules(void **state)
{
	static const struct {
		const char *json;
		const char *field;
	} cases[] = {
		{"{\"type\":\"sideways\",\"action\":\"ACCEPT\"}", "rule.type"},
		{"{\"type\":\"in\",\"action\":\"ALLOW\"}", "rule.action"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"gre\"}", "rule.proto"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"source\":\"300.1.1.1\"}", "rule.source"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"dest\":\"10.0.0.0/33\"}", "rule.dest"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"dest\":\"10.0.0.0/0\"}", "rule.dest"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"source\":\"host.example\"}", "rule.source"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"dport\":\"22\"}", "rule.dport"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"icmp\",\"sport\":\"1\"}", "rule.sport"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"tcp\",\"dport\":\"0\"}", "rule.dport"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"proto\":\"tcp\",\"dport\":\"90:80\"}", "rule.dport"},
		{"{\"type\":\"in\",\"action\":\"ACCEPT\",\"comment\":\"a\\nb\"}", "rule.comment"},
		{"[]", "rule"},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(cases); i++) {
		struct puq_client_fw_rule r;
		struct puq_error err;
		puq_error_clear(&err);
		json_t *in = json_loads(cases[i].json, 0, NULL);
		assert_int_equal(puq_client_fw_rule_check(in, &r, &err), -PUQ_EVALIDATION);
		if (!puq_error_field_message(&err, cases[i].field))
			fail_msg("case %zu: no error on %s (%s)", i, cases[i].field, err.text);
		json_decref(in);
	}
	/* every problem at once */
	struct puq_client_fw_rule r;
	struct puq_error err;
	puq_error_clear(&err);
	json_t *in = json_loads("{\"type\":\"x\",\"action\":\"y\",\"source\":\"z\"}", 0, NULL);
	assert_int_equal(puq_client_fw_rule_check(in, &r, &err), -PUQ_EVALIDATION);
	assert_int_equal(err.nfields, 3);
	json_decref(in);
}

static void test_ports(void **state)
{
	assert_true(puq_client_ports_valid("1"));
	assert_true(puq_client_ports_valid("65535"));
	assert_true(puq_client_ports_valid("80,443,8000:8080"));
	assert_false(puq_client_ports_valid(""));
	assert_false(puq_client_ports_valid("65536"));
	assert_false(puq_client_ports_valid("80,"));
	assert_false(puq_client_ports_valid("ssh"));
	assert_false(puq_client_ports_valid("1:2:3"));
	assert_false(puq_client_ports_valid("1,2,3,4,5,6,7,8,9,10,11"));
}

static void test_iso_folders(void **state)
{
	char f[64];
	puq_client_iso_folder("debian-12.7.0-amd64-netinst.iso", f);
	assert_string_equal(f, "debian");
	puq_client_iso_folder("ubuntu.iso", f);
	assert_string_equal(f, "OTHER");
	puq_client_iso_folder("-odd.iso", f);
	assert_string_equal(f, "OTHER");
}

static void test_chart(void **state)
{
	struct puq_pve_rrd r;
	struct puq_error err;
	puq_error_clear(&err);
	json_t *data = json_loads("[{\"time\":60,\"cpu\":0.25,\"maxcpu\":2,\"mem\":512,\"maxmem\":1024,"
		"\"netin\":1048576,\"netout\":0,\"diskread\":2097152,\"diskwrite\":0},{\"time\":120}]", 0, NULL);
	assert_int_equal(puq_pve_parse_rrd(data, &r, &err), 0);
	json_t *c = puq_client_chart(&r, "hour");
	json_t *p0 = json_array_get(json_object_get(c, "points"), 0);
	json_t *p1 = json_array_get(json_object_get(c, "points"), 1);
	assert_float_equal(json_real_value(json_object_get(p0, "cpu")), 25.0, 1e-9);
	assert_float_equal(json_real_value(json_object_get(p0, "mem")), 50.0, 1e-9);
	assert_float_equal(json_real_value(json_object_get(p0, "netin")), 1.0, 1e-9);
	assert_float_equal(json_real_value(json_object_get(p0, "diskread")), 2.0, 1e-9);
	assert_true(json_is_null(json_object_get(p1, "cpu")));
	assert_true(json_is_null(json_object_get(p1, "netin")));
	assert_int_equal(json_integer_value(json_object_get(c, "step")), 60);
	json_decref(c);
	json_decref(data);
	puq_pve_rrd_free(&r);
}

static void test_actions(void **state)
{
	const struct puq_client_action *a = puq_client_action_find("overview");
	assert_non_null(a);
	assert_false(a->write);
	assert_null(a->flag);
	a = puq_client_action_find("firewall_rule_add");
	assert_true(a->write);
	assert_string_equal(a->flag, "firewall");
	assert_string_equal(puq_client_action_find("reboot")->flag, "stop");
	assert_null(puq_client_action_find("drop_database"));
	/* every action that changes something needs a permission */
	for (size_t i = 0; i < puq_client_action_count(); i++) {
		const struct puq_client_action *x = puq_client_action_at(i);
		if (x->write && !x->flag)
			fail_msg("%s changes something without a permission", x->name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_rules),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_iso_folders),
		cmocka_unit_test(test_chart),
		cmocka_unit_test(test_actions),
	};
	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
