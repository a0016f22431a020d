/*
 * The product a VM is built from (src/vm/product.c) and its name (src/vm/name.c), pure:
 * defaults, the WHMCS config option slots and the advanced "key = value" text, the
 * configurable options by plain name and legacy prefix (plain wins, 0 applies), every
 * bad value reported at once, the JSON stored with the VM, and the name rule's macros.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/vm.h"

static const char *slots[PUQ_VM_SLOTS];

static void reset_slots(void)
{
	memset(slots, 0, sizeof(slots));
}

static void test_defaults(void **state)
{
	struct puq_vm_product p;
	struct puq_error err;
	puq_error_clear(&err);
	reset_slots();
	assert_int_equal(puq_vm_product_resolve(slots, NULL, 0, &p, &err), 0);
	assert_int_equal(p.cores, 1);
	assert_int_equal(p.ram_mb, 1024);
	assert_false(p.full_clone);
	assert_string_equal(p.name_rule, "{client_id}-{service_id}");
	assert_int_equal(p.first_vmid, 100);
	assert_string_equal(p.bridge, "vmbr0");
	assert_int_equal(p.ipv4_count, 1);
	assert_int_equal(p.ipv6_count, 0);
	assert_true(p.auto_bridge_vlan);
	/* WHMCS stores an unticked on/off box as "": off, not the default */
	slots[15] = "";
	assert_int_equal(puq_vm_product_resolve(slots, NULL, 0, &p, &err), 0);
	assert_false(p.auto_bridge_vlan);
	assert_true(p.fw_enable);
	assert_string_equal(p.fw_policy_in, "ACCEPT");
	assert_string_equal(p.email_ready, "puqProxmoxKVM VM is ready");
	assert_string_equal(p.target_node, "");
}

static void test_slots_and_advanced_text(void **state)
{
	struct puq_vm_product p;
	struct puq_error err;
	puq_error_clear(&err);
	reset_slots();
	slots[0] = "automatically";
	slots[1] = "9001";
	slots[2] = "full";
	slots[3] = "4";
	slots[4] = "8";
	slots[8] = ".Example.COM";
	slots[15] = "on";
	slots[18] = "ceph-vm";
	slots[22] = "# limits\nsystem_disk_mbps_rd = 100\n  firewall_policy_in=drop \n\nemail_upgrade = none\n";
	assert_int_equal(puq_vm_product_resolve(slots, NULL, 0, &p, &err), 0);
	assert_string_equal(p.target_node, "");
	assert_int_equal(p.template_vmid, 9001);
	assert_true(p.full_clone);
	assert_int_equal(p.cores, 4);
	assert_int_equal(p.ram_mb, 8192);
	assert_string_equal(p.main_domain, "example.com");
	assert_true(p.auto_bridge_vlan);
	assert_string_equal(p.sys.storage, "ceph-vm");
	assert_true(p.sys.mbps_rd == 100);
	assert_string_equal(p.fw_policy_in, "DROP");
	assert_string_equal(p.email_upgrade, "");
}

static void test_options_plain_wins_and_zero_applies(void **state)
{
	struct puq_vm_product p;
	struct puq_error err;
	puq_error_clear(&err);
	reset_slots();
	slots[3] = "2";
	slots[21] = "10"; /* additional disk 10 GB in the product */
	const struct puq_vm_option opts[] = {
		{"CPU Cores", "8"}, {"CPU|Processor", "3"}, /* plain wins, whatever the order */
		{"RAM|Memory", "16|16 GB"}, {"Additional Disk", "0"}, /* 0 applies */
		{"ipv6|IPv6", "2"}, {"OS|Operating system", "1010|Debian-10.12"},
		{"Network Bandwidth", "12"}, {"Unrelated", "x"}, {"System Disk", ""},
	};
	assert_int_equal(puq_vm_product_resolve(slots, opts, PUQ_ARRAY_LEN(opts), &p, &err), 0);
	assert_int_equal(p.cores, 8);
	assert_int_equal(p.ram_mb, 16 * 1024);
	assert_int_equal(p.add.size_gb, 0);
	assert_int_equal(p.ipv6_count, 2);
	assert_int_equal(p.template_vmid, 1010);
	assert_true(p.net_rate == 12);
	assert_int_equal(p.sys.size_gb, 0); /* assigned but empty: the setting stays */
}

static void test_every_bad_value_reported(void **state)
{
	struct puq_vm_product p;
	struct puq_error err;
	puq_error_clear(&err);
	reset_slots();
	slots[3] = "0";
	slots[5] = "{service_id}-{nope}";
	slots[6] = "99";
	slots[7] = "Root";
	slots[9] = "bad bridge name";
	slots[22] = "firewall_policy_in = MAYBE\nnot a line\nmystery = 1\n";
	const struct puq_vm_option opts[] = {{"RAM", "lots"}, {"CPU Cores", "0"}};
	assert_int_equal(puq_vm_product_resolve(slots, opts, 2, &p, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "configoption4"), "between 1 and 512"));
	assert_non_null(strstr(puq_error_field_message(&err, "configoption6"), "unknown macro {nope}"));
	assert_non_null(strstr(puq_error_field_message(&err, "configoption7"), "between 100"));
	assert_non_null(strstr(puq_error_field_message(&err, "configoption8"), "Linux user name"));
	assert_non_null(puq_error_field_message(&err, "configoption10"));
	assert_non_null(strstr(puq_error_field_message(&err, "configoption23.firewall_policy_in"),
		"ACCEPT,DROP,REJECT"));
	assert_non_null(strstr(puq_error_field_message(&err, "configoption23"), "line 2"));
	assert_non_null(strstr(puq_error_field_message(&err, "option.RAM"), "whole number"));
	assert_non_null(strstr(puq_error_field_message(&err, "option.CPU Cores"), "at least one core"));
}

static void test_json_round_trip(void **state)
{
	struct puq_vm_product p, q;
	struct puq_error err;
	puq_error_clear(&err);
	reset_slots();
	slots[1] = "9000";
	slots[12] = "25";
	slots[22] = "additional_disk_iops_wr = 500\nanti_spoofing = 0\n";
	assert_int_equal(puq_vm_product_resolve(slots, NULL, 0, &p, &err), 0);
	json_t *j = puq_vm_product_to_json(&p);
	assert_non_null(j);
	assert_int_equal(puq_vm_product_from_json(j, &q, &err), 0);
	json_decref(j);
	assert_memory_equal(&p, &q, sizeof(p));
	/* a field missing from an older row keeps its default */
	j = json_pack("{s:I}", "cores", (json_int_t)3);
	assert_int_equal(puq_vm_product_from_json(j, &q, &err), 0);
	json_decref(j);
	assert_int_equal(q.cores, 3);
	assert_int_equal(q.first_vmid, 100);
}

static unsigned seq(void *ctx)
{
	unsigned *n = ctx;
	return (*n)++;
}

static void test_name_rule(void **state)
{
	char name[PUQ_VM_NAME_MAX];
	struct puq_error err;
	unsigned n = 0;
	struct puq_vm_name_input in = {.client_id = 7, .service_id = 5546, .now = 1775785707,
		.rnd = seq, .rnd_ctx = &n};
	puq_error_clear(&err);
	assert_int_equal(puq_vm_name_expand("{service_id}-{unixtime}", &in, name, &err), 0);
	assert_string_equal(name, "5546-1775785707");
	assert_int_equal(puq_vm_name_expand("VM{client_id}-{year}{month}{day}{hour}{minute}{second}",
		&in, name, &err), 0);
	assert_string_equal(name, "vm7-20260410014827");
	assert_int_equal(puq_vm_name_expand("x{random_digit_3}{random_letter_4}", &in, name, &err), 0);
	assert_string_equal(name, "x012defg");
	static const char *const bad[] = {"{oops}", "-{service_id}", "a_b", "{random_digit_0}",
		"", "{service_id", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(bad); i++) {
		puq_error_clear(&err);
		assert_int_equal(puq_vm_name_expand(bad[i], &in, name, &err), -PUQ_EVALIDATION);
		assert_non_null(puq_error_field_message(&err, "vm_name_rule"));
	}
	char user[16];
	n = 5;
	puq_vm_random_username(seq, &n, user);
	assert_int_equal(strlen(user), 8);
	assert_int_equal(user[0], 'u');
}

static void test_states(void **state)
{
	assert_int_equal(puq_vm_state_parse("set_system_disk_bandwidth"),
		PUQ_VM_SET_SYSTEM_DISK_BANDWIDTH);
	assert_int_equal(puq_vm_state_parse("nope"), PUQ_VM_STATE_UNKNOWN);
	assert_true(puq_vm_state_resting(PUQ_VM_ERROR_TERMINATE));
	assert_false(puq_vm_state_resting(PUQ_VM_STARTING));
	assert_true(puq_vm_state_resettable(PUQ_VM_SET_IP));
	assert_false(puq_vm_state_resettable(PUQ_VM_CLONE));
	assert_true(puq_vm_state_in_change_package(PUQ_VM_CP_START));
	assert_false(puq_vm_state_in_change_package(PUQ_VM_READY));
	assert_string_equal(puq_vm_state_label(PUQ_VM_SET_IP), "Clone template");
	assert_int_equal(puq_vm_action_parse("redeploy"), PUQ_VM_ACTION_REDEPLOY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_slots_and_advanced_text),
		cmocka_unit_test(test_options_plain_wins_and_zero_applies),
		cmocka_unit_test(test_every_bad_value_reported),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_name_rule),
		cmocka_unit_test(test_states),
	};
	return cmocka_run_group_tests_name("vm_product", tests, NULL, NULL);
}
