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
#include "puqkvm/dashboard.h"
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

/* A config value as a number, whether Proxmox keeps it as a number or a string. */
static long long cfg_int(const json_t *cfg, const char *key)
{
	const json_t *v = json_object_get(cfg, key);
	return json_is_string(v) ? atoll(json_string_value(v)) : (long long)json_integer_value(v);
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
	assert_int_equal(cfg_int(cfg, "cores"), 2);
	assert_int_equal(cfg_int(cfg, "memory"), 2048);
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

/* A configurable option set for change_package. */
static int change_package(struct vm_fixture *f, long long id, const char *const *settings,
	const struct puq_vm_option *opts, size_t nopts, bool *queued)
{
	char slotv[PUQ_VM_SLOTS][256];
	struct puq_buf extra = PUQ_BUF_INIT;
	struct puq_error err;
	struct puq_vm_order o = {.service_id = id, .client_id = 7, .product_id = 1, .server_id = 1,
		.options = opts, .noptions = nopts};
	puq_error_clear(&err);
	memset(slotv, 0, sizeof(slotv));
	for (size_t i = 0; settings[i]; i++) {
		const char *eq = strchr(settings[i], '=');
		for (size_t d = 0; d < puq_vm_settings_count(); d++) {
			const struct puq_vm_setting_def *def = puq_vm_settings_def(d);
			if (strlen(def->name) != (size_t)(eq - settings[i]) ||
				strncmp(def->name, settings[i], (size_t)(eq - settings[i])) != 0)
				continue;
			if (def->slot == PUQ_VM_EXTRA_SLOT)
				puq_buf_printf(&extra, "%s\n", settings[i]);
			else
				snprintf(slotv[def->slot - 1], sizeof(slotv[0]), "%s", eq + 1);
		}
	}
	for (int i = 0; i < PUQ_VM_SLOTS; i++)
		o.slots[i] = slotv[i];
	o.slots[PUQ_VM_EXTRA_SLOT - 1] = puq_buf_cstr(&extra);
	int rc = puq_vm_queue_change_package(f->t.db, &o, queued, &err);
	if (rc < 0)
		fprintf(stderr, "change package: %s\n", err.text);
	puq_buf_free(&extra);
	return rc;
}

static long long vmid_of(struct vm_fixture *f, long long id)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT vm_id FROM puqProxmoxKVM_vm_info WHERE service_id = %lld", id);
	return vmf_int(f, sql);
}

static long long live_addresses(struct vm_fixture *f, long long id)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE "
		"service_id = %lld AND live = 1", id);
	return vmf_int(f, sql);
}

static void test_change_package_up_and_shrink_refused(void **state)
{
	struct vm_fixture *f = *state;
	char st[64];
	/* CPU and RAM up by options (plain and legacy names), the disk down: refused */
	const struct puq_vm_option opts[] = {{"CPU|Processor", "3"}, {"CPU Cores", "4"},
		{"RAM", "4"}, {"System Disk", "10"}, {"ipv4|IPv4", "1"}};
	bool queued = true;
	assert_int_equal(change_package(f, 501, base_settings, opts, 5, &queued), 0);
	assert_false(queued);
	assert_string_equal(tick_until_rest(f, 501, 3, st), "ready");
	long long vmid = vmid_of(f, 501);
	json_t *vm = sim_vm(f, vmid);
	json_t *cfg = json_object_get(vm, "config");
	assert_int_equal(cfg_int(cfg, "cores"), 4);
	assert_int_equal(cfg_int(cfg, "memory"), 4096);
	assert_non_null(strstr(json_string_value(json_object_get(cfg, "scsi0")), "size=20G"));
	assert_string_equal(json_string_value(json_object_get(vm, "status")), "running");
	json_t *ipset = json_object_get(json_object_get(json_object_get(vm, "firewall"), "ipsets"),
		"ipfilter-net0");
	assert_int_equal(json_array_size(ipset), 2); /* 1 IPv4 + 1 IPv6: the released one left */
	json_decref(vm);
	assert_int_equal(live_addresses(f, 501), 2);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_vm_steps WHERE service_id = 501"
		" AND result = 'skip' AND message LIKE 'shrink not allowed%system_disk_shrink_rejected%'"), 1);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_outbox WHERE service_id = 501"
		" AND template = 'puqProxmoxKVM Upgrade Email'"), 1);
	/* a second change that changes nothing does not stop the VM */
	long long stops = vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/status/shutdown");
	assert_int_equal(change_package(f, 501, base_settings, opts, 5, &queued), 0);
	assert_string_equal(tick_until_rest(f, 501, 3, st), "ready");
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/status/shutdown"), stops);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_vm_steps s JOIN "
		"puq_proxmox_kvm_vm_runs r ON r.id = s.run_id WHERE r.service_id = 501 AND r.id = "
		"(SELECT MAX(id) FROM puq_proxmox_kvm_vm_runs WHERE service_id = 501) AND s.result = 'skip'"),
		9);
}

static void test_reinstall_keeps_addresses_vmid_and_mac(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	long long vmid = vmid_of(f, 501);
	json_t *vm = sim_vm(f, vmid);
	char net0[128];
	snprintf(net0, sizeof(net0), "%s", json_string_value(json_object_get(json_object_get(vm,
		"config"), "net0")));
	json_decref(vm);
	long long clones = vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone");
	assert_int_equal(puq_vm_queue_reinstall(f->t.db, 501, 9000, "new-secret", &err), 0);
	assert_string_equal(tick_until_rest(f, 501, 3, st), "ready");
	assert_int_equal(vmid_of(f, 501), vmid);
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone"), clones + 1);
	vm = sim_vm(f, vmid);
	const char *now = json_string_value(json_object_get(json_object_get(vm, "config"), "net0"));
	assert_memory_equal(now, net0, 25); /* virtio=<same MAC> */
	assert_string_equal(json_string_value(json_object_get(json_object_get(vm, "config"),
		"cipassword")) ? "x" : "", "x");
	json_decref(vm);
	assert_int_equal(live_addresses(f, 501), 2);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM tblhosting WHERE id = 501 AND password = 'new-secret'"), 1);
}

static void test_terminate_failing_delete_then_retry(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64], path[128];
	puq_error_clear(&err);
	long long vmid = vmid_of(f, 501);
	/* protection on: Proxmox refuses the delete */
	snprintf(path, sizeof(path), "/nodes/pve1/qemu/%lld/config", vmid);
	assert_int_equal(vmf_pve(f, "PUT", path, "protection=1"), 200);
	assert_int_equal(puq_vm_queue_terminate(f->t.db, 501, &err), 0);
	assert_string_equal(tick_until_rest(f, 501, 2, st), "error_terminate");
	assert_int_equal(live_addresses(f, 501), 2); /* held while the VM exists */
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_outbox WHERE service_id = 501"
		" AND kind = 'activity' AND description LIKE '%termination FAILED%protection%'"), 1);
	/* cron leaves error_terminate alone */
	struct puq_cron_vm_stats stats;
	vmf_tick(f, &stats);
	assert_int_equal(stats.processed, 0);
	/* the admin fixes it and resets to terminate */
	assert_int_equal(vmf_pve(f, "PUT", path, "delete=protection"), 200);
	assert_int_equal(puq_vm_reset(f->t.db, 501, "terminate", &err), 0);
	assert_string_equal(tick_until_rest(f, 501, 2, st), "remove");
	assert_int_equal(live_addresses(f, 501), 0);
	json_t *vm = sim_vm(f, vmid);
	assert_true(json_is_null(vm) || vm == NULL);
	json_decref(vm);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM tblhosting WHERE id = 501 AND dedicatedip = ''"
		" AND domain = ''"), 1);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_vmids WHERE service_id = 501"), 0);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_outbox WHERE service_id = 501"
		" AND kind = 'activity' AND description LIKE '%terminated successfully%'"), 1);
}

static void test_suspend_during_deploy(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	assert_int_equal(vmf_service(f, 502), 0);
	assert_int_equal(vmf_create(f, 502, base_settings, &err), 0);
	assert_int_equal(puq_vm_queue_suspend(f->t.db, 502, true, &err), 0);
	/* a client's start is refused while suspended */
	assert_int_equal(puq_vm_queue_power(f->t.db, 502, "start", &err), -PUQ_ESTATE);
	assert_string_equal(tick_until_rest(f, 502, 3, st), "ready");
	json_t *vm = sim_vm(f, vmid_of(f, 502));
	assert_string_equal(json_string_value(json_object_get(vm, "status")), "stopped");
	json_decref(vm);
	long long starts = vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/status/start");
	puq_error_clear(&err);
	assert_int_equal(puq_vm_queue_suspend(f->t.db, 502, false, &err), 0);
	assert_string_equal(tick_until_rest(f, 502, 2, st), "ready");
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/status/start"), starts + 1);
	vm = sim_vm(f, vmid_of(f, 502));
	assert_string_equal(json_string_value(json_object_get(vm, "status")), "running");
	json_decref(vm);
	assert_int_equal(vmf_int(f, "SELECT due FROM puqProxmoxKVM_vm_info WHERE service_id = 502"), 0);
}

static void test_redeploy_releases_and_rebuilds(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	long long old = vmid_of(f, 502);
	assert_int_equal(puq_vm_queue_redeploy(f->t.db, 502, &err), 0);
	assert_string_equal(tick_until_rest(f, 502, 3, st), "ready");
	long long vmid = vmid_of(f, 502);
	assert_true(vmid > 0);
	json_t *vm = sim_vm(f, vmid);
	assert_non_null(vm);
	json_decref(vm);
	if (vmid != old) {
		vm = sim_vm(f, old);
		assert_true(vm == NULL || json_is_null(vm));
		json_decref(vm);
	}
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE "
		"service_id = 502 AND release_reason = 'redeploy'"), 3);
	assert_int_equal(live_addresses(f, 502), 3);
}

/* The worker died after committing the clone's intent and sending it, before the UPID. */
static void test_crash_between_intent_and_upid(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	assert_int_equal(vmf_service(f, 503), 0);
	assert_int_equal(vmf_create(f, 503, base_settings, &err), 0);
	/* what the dead worker did: name and addresses, VMID 777 reserved, intent, the clone */
	assert_int_equal(puq_testdb_exec(f->t.db, "UPDATE puqProxmoxKVM_vm_info SET vm_status = 'set_ip',"
		" vm_name = 'vm503', fqdn = 'vm503.example.test', vm_id = 777, task_kind = 'clone',"
		" task_vmid = 777, task_node = 'pve1', next_run_at = NOW() WHERE service_id = 503"), 0);
	assert_int_equal(puq_testdb_exec(f->t.db, "INSERT INTO puq_proxmox_kvm_vmids (vmid, service_id,"
		" server_id) VALUES (777, 503, 1)"), 0);
	assert_int_equal(vmf_pve(f, "POST", "/nodes/pve1/qemu/9001/clone", "newid=777&name=vm503"), 200);
	long long clones = vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone");
	assert_string_equal(tick_until_rest(f, 503, 3, st), "ready");
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone"), clones);
	assert_int_equal(vmid_of(f, 503), 777);
}

/* The intent was committed but the request never reached Proxmox: the clone is sent once. */
static void test_intent_without_request(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	assert_int_equal(vmf_service(f, 504), 0);
	assert_int_equal(vmf_create(f, 504, base_settings, &err), 0);
	assert_int_equal(puq_testdb_exec(f->t.db, "UPDATE puqProxmoxKVM_vm_info SET vm_status = 'set_ip',"
		" vm_name = 'vm504', fqdn = 'vm504.example.test', vm_id = 778, task_kind = 'clone',"
		" task_vmid = 778, task_node = 'pve1', next_run_at = NOW() WHERE service_id = 504"), 0);
	assert_int_equal(puq_testdb_exec(f->t.db, "INSERT INTO puq_proxmox_kvm_vmids (vmid, service_id,"
		" server_id) VALUES (778, 504, 1)"), 0);
	long long clones = vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone");
	assert_string_equal(tick_until_rest(f, 504, 3, st), "ready");
	assert_int_equal(vmf_calls(f, "POST /nodes/{node}/qemu/{vmid}/clone"), clones + 1);
}

/* A VMID used outside the module is skipped and remembered. */
static void test_foreign_vmid_skipped(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	char st[64];
	puq_error_clear(&err);
	/* the next free VMID for the module is taken in Proxmox by someone else */
	long long next = vmf_int(f, "SELECT MIN(v.vmid + 1) FROM puq_proxmox_kvm_vmids v LEFT JOIN "
		"puq_proxmox_kvm_vmids n ON n.vmid = v.vmid + 1 WHERE n.vmid IS NULL AND v.vmid >= 100");
	char form[64];
	snprintf(form, sizeof(form), "newid=%lld&name=foreign", next);
	assert_int_equal(vmf_pve(f, "POST", "/nodes/pve1/qemu/9001/clone", form), 200);
	assert_int_equal(vmf_service(f, 505), 0);
	assert_int_equal(vmf_create(f, 505, base_settings, &err), 0);
	assert_string_equal(tick_until_rest(f, 505, 3, st), "ready");
	assert_int_equal(vmid_of(f, 505), next + 1);
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT service_id FROM puq_proxmox_kvm_vmids WHERE vmid = %lld", next);
	assert_int_equal(vmf_int(f, sql), 0);
}

/* A VM failing for longer than the threshold is flagged, logged and counted. */
static void test_needs_attention(void **state)
{
	struct vm_fixture *f = *state;
	struct puq_error err;
	puq_error_clear(&err);
	static const char *const no_template[] = {"os_template=4242", "main_domain=example.test",
		NULL};
	assert_int_equal(vmf_service(f, 506), 0);
	assert_int_equal(vmf_create(f, 506, no_template, &err), 0);
	struct puq_cron_vm_stats stats;
	vmf_tick(f, &stats);
	assert_int_equal(stats.errors, 1);
	assert_int_equal(vmf_int(f, "SELECT needs_attention FROM puqProxmoxKVM_vm_info WHERE service_id = 506"), 0);
	assert_int_equal(vmf_int(f, "SELECT attempts FROM puqProxmoxKVM_vm_info WHERE service_id = 506"), 1);
	assert_true(vmf_int(f, "SELECT TIMESTAMPDIFF(SECOND, NOW(), next_run_at) FROM "
		"puqProxmoxKVM_vm_info WHERE service_id = 506") >= 5); /* backoff */
	/* failing for two hours: flagged once, with a module log entry */
	assert_int_equal(puq_testdb_exec(f->t.db, "UPDATE puqProxmoxKVM_vm_info SET next_run_at = NOW(),"
		" failing_since = NOW() - INTERVAL 2 HOUR WHERE service_id = 506"), 0);
	vmf_tick(f, &stats);
	assert_int_equal(vmf_int(f, "SELECT needs_attention FROM puqProxmoxKVM_vm_info WHERE service_id = 506"), 1);
	assert_int_equal(vmf_int(f, "SELECT attempts FROM puqProxmoxKVM_vm_info WHERE service_id = 506"), 2);
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM tblmodulelog WHERE module = 'puqProxmoxKVM'"
		" AND action = 'needs attention' AND response LIKE '%4242 does not exist%'"), 1);
	struct puq_dashboard d;
	assert_int_equal(puq_dashboard_load(f->t.db, &d, &err), 0);
	assert_int_equal(d.vms_attention, 1);
	char msg[64];
	assert_string_equal(vmf_status(f, 506, msg), "set_ip");
	assert_int_equal(vmf_int(f, "SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE service_id = 506"
		" AND last_error_action = 'deploy' AND last_error_message LIKE '%4242%'"), 1);
	/* the admin's reset clears the flag */
	assert_int_equal(puq_vm_reset(f->t.db, 506, "remove", &err), 0);
	assert_int_equal(vmf_int(f, "SELECT needs_attention FROM puqProxmoxKVM_vm_info WHERE service_id = 506"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deploy_to_ready),
		cmocka_unit_test(test_change_package_up_and_shrink_refused),
		cmocka_unit_test(test_reinstall_keeps_addresses_vmid_and_mac),
		cmocka_unit_test(test_terminate_failing_delete_then_retry),
		cmocka_unit_test(test_suspend_during_deploy),
		cmocka_unit_test(test_redeploy_releases_and_rebuilds),
		cmocka_unit_test(test_crash_between_intent_and_upid),
		cmocka_unit_test(test_intent_without_request),
		cmocka_unit_test(test_foreign_vmid_skipped),
		cmocka_unit_test(test_needs_attention),
	};
	return cmocka_run_group_tests_name("cron_engine", tests, setup, teardown);
}
