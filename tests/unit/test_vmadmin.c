/*
 * Unit tests of the vmadmin room's pure part: the service tab's live summary built from
 * recorded Proxmox answers (tests/fixtures/pve): state, uptime, lock, node, CPU level,
 * memory against the package, the system disk found by the boot order with its size
 * against the package, net0 against the package, the ISO in the cd-rom and not the
 * cloud-init drive, and a VM Proxmox does not know.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pve_fixture.h"
#include "puqkvm/vmadmin.h"

static void vm_init(struct puq_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->vmid = 101;
	vm->state = PUQ_VM_READY;
	puq_strlcpy(vm->name, "web01", sizeof(vm->name));
	vm->product.cores = 2;
	vm->product.ram_mb = 2048;
	vm->product.sys.size_gb = 40;
	vm->product.sys.mbps_rd = 100;
	vm->product.net_rate = 12.5;
	vm->product.vlan = 7;
	puq_strlcpy(vm->product.bridge, "vmbr1", sizeof(vm->product.bridge));
}

/* The guest vmid from the recorded /cluster/resources (new reference). */
static json_t *guest(json_t *list, long long vmid)
{
	size_t i;
	json_t *g;
	json_array_foreach(list, i, g)
	{
		long long id = 0;
		if (puq_pve_get_int(g, "vmid", &id) && id == vmid)
			return json_incref(g);
	}
	return NULL;
}

static void test_live_summary(void **state)
{
	(void)state;
	json_t *resources = pve_fixture_data("cluster_resources_vm.json");
	json_t *status = pve_fixture_data("status_running_locked.json");
	json_t *config = pve_fixture_data("config_pve9_cdrom_first.json");
	assert_non_null(resources);
	assert_non_null(status);
	assert_non_null(config);
	json_t *g = guest(resources, 101);
	assert_non_null(g);
	struct puq_vm vm;
	vm_init(&vm);
	json_t *out = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_vmadmin_live_summary(&vm, g, status, config, &out, &err), 0);
	assert_true(json_is_true(json_object_get(out, "found")));
	assert_string_equal(json_string_value(json_object_get(out, "node")), "pve2");
	assert_string_equal(json_string_value(json_object_get(out, "status")), "running");
	assert_string_equal(json_string_value(json_object_get(out, "lock")), "backup");
	assert_string_equal(json_string_value(json_object_get(out, "uptime_text")), "01:00:00");
	assert_string_equal(json_string_value(json_object_get(out, "local_status")), "ready");
	json_t *cpu = json_object_get(out, "cpu");
	assert_int_equal(json_integer_value(json_object_get(cpu, "cores")), 2);
	assert_string_equal(json_string_value(json_object_get(cpu, "level")), "green");
	json_t *mem = json_object_get(out, "memory");
	assert_int_equal(json_integer_value(json_object_get(mem, "total")), 2147483648LL);
	assert_int_equal(json_integer_value(json_object_get(mem, "package_mb")), 2048);
	json_t *disks = json_object_get(out, "disks");
	assert_int_equal(json_array_size(disks), 1);
	json_t *sys = json_array_get(disks, 0);
	assert_string_equal(json_string_value(json_object_get(sys, "key")), "scsi0");
	assert_string_equal(json_string_value(json_object_get(sys, "role")), "system");
	assert_string_equal(json_string_value(json_object_get(sys, "size_text")), "32 GiB");
	assert_int_equal(json_integer_value(json_object_get(sys, "package_gb")), 40);
	assert_true(json_real_value(json_object_get(json_object_get(sys, "package"), "mbps_rd")) == 100.0);
	json_t *net = json_array_get(json_object_get(out, "network"), 0);
	assert_string_equal(json_string_value(json_object_get(net, "mac")), "BC:24:11:5E:7A:01");
	assert_string_equal(json_string_value(json_object_get(net, "bridge")), "vmbr0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(net, "package"), "bridge")), "vmbr1");
	assert_string_equal(json_string_value(json_object_get(out, "iso")),
		"local:iso/debian-12.5.0-amd64-netinst.iso");
	json_decref(out);

	/* a busy VM: the levels follow the thresholds (<50 green, 50-80 yellow, >80 red) */
	json_object_set_new(status, "cpu", json_real(0.65));
	json_object_set_new(status, "mem", json_integer(2040109465LL));
	assert_int_equal(puq_vmadmin_live_summary(&vm, g, status, config, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "cpu"), "level")), "yellow");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "memory"), "level")), "red");
	json_decref(out);

	/* Proxmox does not know the VM: nothing but the local view */
	assert_int_equal(puq_vmadmin_live_summary(&vm, NULL, NULL, NULL, &out, &err), 0);
	assert_true(json_is_false(json_object_get(out, "found")));
	assert_string_equal(json_string_value(json_object_get(out, "status")), "");
	assert_int_equal(json_array_size(json_object_get(out, "disks")), 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "web01");
	json_decref(out);
	json_decref(g);
	json_decref(resources);
	json_decref(status);
	json_decref(config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
