/*
 * The pipeline steps as pure functions (src/vm/), fed recorded Proxmox answers
 * (tests/fixtures/pve/): each test drives a step call by call - the request it builds,
 * the answer it gets, what it decides next - with no network and no database. Covers
 * the clone with its intent and recovery by VMID and by the node's task list (clone,
 * migration and delete after a lost answer), the resource steps with skip and
 * shrink refusal, a locked VM, net0 keeping its MAC, the anti-spoofing IPSet
 * reconciliation, cloud-init, the suspended start, the migration decisions and the
 * phases of terminate with a failing delete.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pve_fixture.h"
#include "puqkvm/vm.h"

struct drive {
	struct puq_vm vm;
	struct puq_vm_env env;
	struct puq_vm_scratch sc;
	struct puq_vm_event ev;
	struct puq_vm_out out;
	json_t *data;
	struct puq_address addrs[4];
};

static void vm_init(struct drive *d, enum puq_vm_state st)
{
	const char *slots[PUQ_VM_SLOTS] = {0};
	memset(d, 0, sizeof(*d));
	puq_vm_env_defaults(&d->env);
	assert_int_equal(puq_vm_product_resolve(slots, NULL, 0, &d->vm.product, NULL), 0);
	d->vm.service_id = 5546;
	d->vm.vmid = 101;
	d->vm.state = st;
	d->vm.action = PUQ_VM_ACTION_DEPLOY;
	strcpy(d->vm.node, "pve2");
	strcpy(d->vm.name, "web01");
	d->vm.product.template_vmid = 9001;
	puq_vm_out_init(&d->out);
}

static void add_address(struct drive *d, const char *ip, unsigned mask, const char *gw,
	const char *bridge, int vlan, bool main)
{
	struct puq_address *a = &d->addrs[d->vm.addrs.n];
	memset(a, 0, sizeof(*a));
	assert_int_equal(puq_ip_parse_cstr(ip, PUQ_IP_ANY, &a->ip, NULL), 0);
	assert_int_equal(puq_ip_parse_cstr(gw, PUQ_IP_ANY, &a->gateway, NULL), 0);
	a->mask = mask;
	strcpy(a->bridge, bridge);
	a->vlan = vlan;
	a->main = main;
	a->live = true;
	d->vm.addrs.items = d->addrs;
	d->vm.addrs.n++;
}

static void drive_free(struct drive *d)
{
	puq_vm_out_reset(&d->out);
	puq_vm_scratch_reset(&d->sc);
	json_decref(d->data);
}

/* Runs the step once with the current event; the previous decision is dropped. */
static struct puq_vm_out *step(struct drive *d)
{
	puq_vm_out_reset(&d->out);
	struct puq_vm_step s = {&d->vm, &d->env, &d->sc, &d->ev, &d->out};
	assert_int_equal(puq_vm_step_run(&s), 0);
	json_decref(d->data);
	d->data = NULL;
	return &d->out;
}

static struct puq_vm_out *start(struct drive *d)
{
	memset(&d->ev, 0, sizeof(d->ev));
	d->ev.kind = PUQ_VM_EV_START;
	return step(d);
}

/* Answers with a recorded fixture's data (or inline JSON when name starts with '{'/'['). */
static struct puq_vm_out *answer(struct drive *d, const char *fixture)
{
	memset(&d->ev, 0, sizeof(d->ev));
	d->ev.kind = PUQ_VM_EV_HTTP;
	json_t *data = fixture[0] == '{' || fixture[0] == '[' || strcmp(fixture, "null") == 0
		? json_loads(fixture, JSON_DECODE_ANY, NULL) : pve_fixture_data(fixture);
	assert_non_null(data);
	d->ev.data = data;
	struct puq_vm_out *o = step(d);
	json_decref(data);
	return o;
}

static struct puq_vm_out *fail_with(struct drive *d, enum puq_vm_event_kind k, int code,
	const char *text)
{
	memset(&d->ev, 0, sizeof(d->ev));
	d->ev.kind = k;
	d->ev.rc = -code;
	puq_error_set(&d->ev.err, code, "%s", text);
	return step(d);
}

static struct puq_vm_out *task(struct drive *d, bool ok, const char *exitstatus)
{
	memset(&d->ev, 0, sizeof(d->ev));
	d->ev.kind = PUQ_VM_EV_TASK;
	d->ev.task.ok = ok;
	strcpy(d->ev.task.exitstatus, exitstatus);
	return step(d);
}

static struct puq_vm_out *db_done(struct drive *d, long long n)
{
	memset(&d->ev, 0, sizeof(d->ev));
	d->ev.kind = PUQ_VM_EV_DB;
	d->ev.n = n;
	return step(d);
}

static void assert_request(const struct puq_vm_out *o, const char *method, const char *path)
{
	assert_int_equal(o->kind, PUQ_VM_DO_REQUEST);
	assert_string_equal(o->req.method, method);
	assert_string_equal(puq_buf_cstr(&o->req.path), path);
}

static bool form_has(const struct puq_vm_out *o, const char *pair)
{
	return strstr(puq_buf_cstr(&o->req.form), pair) != NULL;
}

/* ---- clone ---- */

static void test_clone_reserves_commits_intent_and_verifies(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_IP);
	d.vm.vmid = 0;
	d.vm.node[0] = '\0';
	struct puq_vm_out *o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_RESERVE_VMID);
	d.vm.vmid = 120; /* the engine reserved it */
	o = db_done(&d, 120);
	assert_request(o, "GET", "/cluster/nextid");
	assert_string_equal(puq_buf_cstr(&o->req.query), "vmid=120");
	o = answer(&d, "nextid.json");
	assert_request(o, "GET", "/cluster/resources");
	assert_true(o->shared);
	o = answer(&d, "cluster_resources_vm.json");
	assert_request(o, "GET", "/nodes/pve2/qemu/9001/config"); /* the template's node */
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "POST", "/nodes/pve2/qemu/9001/clone");
	assert_true(o->task);
	assert_true(form_has(o, "newid=120"));
	assert_true(form_has(o, "name=web01"));
	assert_string_equal(o->intent.kind, "clone");
	assert_int_equal(o->intent.vmid, 120);
	assert_string_equal(o->intent.node, "pve2");
	assert_string_equal(o->slot_node, "pve2");
	assert_string_equal(o->slot_storage, "local-lvm");
	strcpy(d.vm.intent.kind, "clone"); /* committed by the engine */
	strcpy(d.vm.intent.node, "pve2");
	d.vm.intent.vmid = 120;
	o = task(&d, true, "OK");
	assert_request(o, "GET", "/nodes/pve2/qemu/120/config");
	o = answer(&d, "{\"lock\":\"clone\",\"digest\":\"x\"}");
	assert_int_equal(o->kind, PUQ_VM_DO_WAIT); /* still locked by the clone */
	d.sc.phase = 6;                            /* as after the engine's wait: verify again */
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_int_equal(o->next, PUQ_VM_CLONE);
	assert_string_equal(o->set_node, "pve2");
	assert_true(o->clear_intent);
	assert_true(o->task_slot_release);
	drive_free(&d);
}

static void test_clone_failure_clears_intent_for_a_new_clone(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_IP);
	strcpy(d.vm.intent.kind, "clone");
	strcpy(d.vm.intent.node, "pve2");
	strcpy(d.vm.intent.upid, "UPID:pve2:0012A1B2:0A1B2C3D:66502F11:qmclone:9001:root@pam:");
	d.vm.intent.vmid = 101;
	struct puq_vm_out *o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_POLL); /* after a restart: follow, never send again */
	assert_string_equal(o->upid, d.vm.intent.upid);
	o = task(&d, false, "clone failed: cfs-lock 'storage-local-lvm' error: got lock request timeout");
	assert_int_equal(o->kind, PUQ_VM_DO_ERROR);
	assert_int_equal(o->code, PUQ_EPVETASK);
	assert_non_null(strstr(o->text, "got lock request timeout"));
	assert_true(o->clear_intent);
	drive_free(&d);
}

/* An intent committed without its UPID, as a worker killed in between leaves it. */
static void lost_intent(struct drive *d, enum puq_vm_state st, const char *kind)
{
	vm_init(d, st);
	strcpy(d->vm.intent.kind, kind);
	strcpy(d->vm.intent.node, "pve2");
	d->vm.intent.vmid = 101;
	d->vm.intent.at = 1716576670; /* the database's clock at the commit */
	d->vm.api_user = "automation@pve!ci";
}

static void test_clone_recovery_by_vmid(void **state)
{
	struct drive d;
	/* the VM exists: it is the clone, adopted without a second request */
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	struct puq_vm_out *o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/qemu/101/config");
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_int_equal(o->next, PUQ_VM_CLONE);
	drive_free(&d);
	/* no VM: the task list decides; nothing there means it never arrived */
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	start(&d);
	o = fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND,
		"Configuration file 'nodes/pve2/qemu-server/101.conf' does not exist");
	assert_request(o, "GET", "/nodes/pve2/tasks");
	assert_string_equal(puq_buf_cstr(&o->req.query), "source=all&vmid=9001&typefilter=qmclone"
		"&since=1716576610&until=1716577270&limit=500");
	o = answer(&d, "[]");
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_CLEAR_INTENT);
	drive_free(&d);
}

static void test_clone_that_failed_after_a_lost_answer(void **state)
{
	struct drive d;
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	start(&d);
	fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	/* its failed qmclone of template 9001 is in the list (root's OK one is not ours) */
	struct puq_vm_out *o = answer(&d, "tasks_node.json");
	assert_int_equal(o->kind, PUQ_VM_DO_ERROR);
	assert_int_equal(o->code, PUQ_EPVETASK);
	assert_non_null(strstr(o->text, "reached Proxmox and failed"));
	assert_non_null(strstr(o->text, "UPID:pve2:0012A3F7:"));
	assert_non_null(strstr(o->text, "got lock request timeout"));
	assert_true(o->clear_intent); /* that intent is over: the next one is new */
	assert_true(o->task_slot_release);
	drive_free(&d);
	/* another user's failed clone, or one long before the intent, is not this one */
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	d.vm.api_user = "whmcs@pve!prov";
	start(&d);
	fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	o = answer(&d, "tasks_node.json");
	assert_int_equal(o->db, PUQ_VM_DB_CLEAR_INTENT);
	drive_free(&d);
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	d.vm.intent.at = 1716580000;
	start(&d);
	fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	o = answer(&d, "tasks_node.json");
	assert_int_equal(o->db, PUQ_VM_DB_CLEAR_INTENT);
	drive_free(&d);
	/* a list this token may not read cannot tell: clone again; one that failed now: later */
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	start(&d);
	fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	o = fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVEPERM, "Permission check failed (/nodes/pve2, Sys.Audit)");
	assert_int_equal(o->db, PUQ_VM_DB_CLEAR_INTENT);
	drive_free(&d);
	lost_intent(&d, PUQ_VM_SET_IP, "clone");
	start(&d);
	fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	o = fail_with(&d, PUQ_VM_EV_HTTP, PUQ_ETIMEOUT, "timed out");
	assert_int_equal(o->kind, PUQ_VM_DO_ERROR);
	assert_false(o->clear_intent); /* the intent waits for the next run's look */
	drive_free(&d);
}

static void test_migration_after_a_lost_answer(void **state)
{
	struct drive d;
	static const char *on_pve2 = "[{\"id\":\"qemu/101\",\"type\":\"qemu\",\"vmid\":101,"
		"\"node\":\"pve2\",\"name\":\"web01\",\"status\":\"stopped\"}]";
	/* still on its node, unlocked: the list has it running, so it is followed */
	lost_intent(&d, PUQ_VM_SET_DNS, "migrate");
	strcpy(d.vm.intent.target, "pve1");
	struct puq_vm_out *o = start(&d);
	assert_request(o, "GET", "/cluster/resources");
	o = answer(&d, on_pve2);
	assert_request(o, "GET", "/nodes/pve2/tasks");
	assert_non_null(strstr(puq_buf_cstr(&o->req.query), "vmid=101&typefilter=qmigrate"));
	o = answer(&d, "tasks_node.json");
	assert_int_equal(o->kind, PUQ_VM_DO_POLL);
	assert_string_equal(o->upid, "UPID:pve2:0012A3F9:0A1B2C42:6650E1BC:qmigrate:101:automation@pve!ci:");
	o = task(&d, true, "OK");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_string_equal(o->set_node, "pve1");
	drive_free(&d);
	/* not in the list: it never started, so the decision is made again */
	lost_intent(&d, PUQ_VM_SET_DNS, "migrate");
	strcpy(d.vm.intent.target, "pve1");
	start(&d);
	answer(&d, on_pve2);
	o = answer(&d, "[]");
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_CLEAR_INTENT);
	drive_free(&d);
}

static void test_delete_after_a_lost_answer(void **state)
{
	struct drive d;
	/* the VM is still there and its delete failed: a failed terminate, never a second delete */
	lost_intent(&d, PUQ_VM_TERMINATE, "delete");
	d.vm.action = PUQ_VM_ACTION_TERMINATE;
	d.vm.intent.at = 1716576590;
	struct puq_vm_out *o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/qemu/101/config");
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "GET", "/nodes/pve2/tasks");
	assert_non_null(strstr(puq_buf_cstr(&o->req.query), "vmid=101&typefilter=qmdestroy"));
	o = answer(&d, "tasks_node.json");
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_TERMINATE_FAILED);
	assert_non_null(strstr(o->text, "is running - destroy failed"));
	assert_true(o->clear_intent);
	drive_free(&d);
	/* nothing in the list: stop the VM and delete it (a new intent) */
	lost_intent(&d, PUQ_VM_TERMINATE, "delete");
	d.vm.action = PUQ_VM_ACTION_TERMINATE;
	start(&d);
	answer(&d, "config_pve9_cdrom_first.json");
	o = answer(&d, "tasks_node.json"); /* its failed delete is long before this intent */
	assert_request(o, "GET", "/nodes/pve2/qemu/101/status/current");
	drive_free(&d);
}

static void test_clone_skips_a_foreign_vmid(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_IP);
	d.vm.vmid = 9000;
	start(&d);
	struct puq_vm_out *o = fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVEPARAM,
		"Parameter verification failed. vmid: VM 9000 already exists");
	assert_request(o, "GET", "/cluster/resources");
	o = answer(&d, "cluster_resources_vm.json"); /* 9000 is a template, not this VM */
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_REJECT_VMID);
	assert_int_equal(o->db_arg, 9000);
	o = db_done(&d, 0);
	assert_int_equal(o->db, PUQ_VM_DB_RESERVE_VMID);
	drive_free(&d);
}

/* ---- resources ---- */

static void test_cpu_ram_changes_or_skips(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_MIGRATED);
	d.vm.product.cores = 4;
	d.vm.product.ram_mb = 4096;
	struct puq_vm_out *o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/qemu/101/config");
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/config");
	assert_true(form_has(o, "cores=4"));
	assert_true(form_has(o, "memory=4096"));
	assert_true(form_has(o, "digest=5b3f1c2d4e6a8b0c9d7e5f3a1b2c4d6e8f0a1b3c"));
	o = answer(&d, "null");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_int_equal(o->next, PUQ_VM_SET_CPU_RAM);
	drive_free(&d);
	vm_init(&d, PUQ_VM_CP_STOP);
	d.vm.product.cores = 2;
	d.vm.product.ram_mb = 2048; /* memory arrives as the string "2048" */
	start(&d);
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_int_equal(o->next, PUQ_VM_CP_CPU_RAM);
	assert_non_null(strstr(o->text, "no change"));
	drive_free(&d);
}

static void test_disk_grows_but_never_shrinks(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_CP_CPU_RAM);
	d.vm.product.sys.size_gb = 20; /* the disk is 32G */
	start(&d);
	struct puq_vm_out *o = answer(&d, "config_pve9_cdrom_first.json");
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_int_equal(o->next, PUQ_VM_CP_SYSTEM_DISK_SIZE);
	assert_non_null(strstr(o->text, "shrink not allowed by Proxmox"));
	assert_non_null(strstr(o->text, "system_disk_shrink_rejected"));
	drive_free(&d);
	vm_init(&d, PUQ_VM_SET_CPU_RAM);
	d.vm.product.sys.size_gb = 40;
	start(&d);
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/resize");
	assert_true(o->task);
	assert_true(form_has(o, "disk=scsi0"));
	assert_true(form_has(o, "size=40G"));
	o = task(&d, false, "shrinking disks is not supported");
	assert_int_equal(o->kind, PUQ_VM_DO_ERROR);
	assert_non_null(strstr(o->text, "shrinking disks is not supported"));
	drive_free(&d);
}

static void test_locked_vm_waits(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_NETWORK - 1);
	start(&d);
	struct puq_vm_out *o = answer(&d,
		"{\"lock\":\"backup\",\"net0\":\"virtio=BC:24:11:5E:7A:01,bridge=vmbr0\"}");
	assert_int_equal(o->kind, PUQ_VM_DO_WAIT);
	assert_non_null(strstr(o->text, "locked (backup)"));
	drive_free(&d);
}

static void test_io_limits_only_when_they_differ(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_SYSTEM_DISK_SIZE);
	start(&d);
	struct puq_vm_out *o = answer(&d, "config_pve9_cdrom_first.json");
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP); /* all limits 0: no call (3.3.1) */
	drive_free(&d);
	vm_init(&d, PUQ_VM_SET_SYSTEM_DISK_SIZE);
	d.vm.product.sys.mbps_rd = 100;
	d.vm.product.sys.iops_wr = 500;
	start(&d);
	o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/config");
	assert_true(form_has(o, "scsi0=local-lvm%3Avm-101-disk-0%2Ciothread%3D1%2Csize%3D32G%2Cmbps_rd%3D100"));
	assert_true(form_has(o, "iops_wr%3D500"));
	drive_free(&d);
}

static void test_additional_disk_created_on_the_system_disks_bus(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_SYSTEM_DISK_BANDWIDTH);
	d.vm.product.add.size_gb = 50;
	start(&d);
	struct puq_vm_out *o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/config");
	assert_true(form_has(o, "scsi1=local-lvm%3A50%2Cformat%3Draw"));
	drive_free(&d);
}

/* ---- network, firewall, cloud-init ---- */

static void test_network_keeps_the_mac(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_ADDITIONAL_DISK_BANDWIDTH);
	d.vm.product.auto_bridge_vlan = true;
	d.vm.product.net_rate = 12.5;
	add_address(&d, "192.0.2.10", 24, "192.0.2.1", "vmbr1", 10, true);
	start(&d);
	struct puq_vm_out *o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/config");
	assert_true(form_has(o, "net0=virtio%3DBC%3A24%3A11%3A5E%3A7A%3A01%2Cbridge%3Dvmbr1%2Cfirewall%3D1%2Crate%3D12.5%2Ctag%3D10"));
	o = answer(&d, "null");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_string_equal(o->set_mac, "BC:24:11:5E:7A:01");
	drive_free(&d);
}

static void test_ipset_reconciled(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_NETWORK);
	add_address(&d, "192.0.2.10", 24, "192.0.2.1", "vmbr0", 0, true);
	add_address(&d, "192.0.2.12", 24, "192.0.2.1", "vmbr0", 0, false);
	struct puq_vm_out *o = start(&d);
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/firewall/options");
	assert_true(form_has(o, "enable=1"));
	assert_true(form_has(o, "policy_in=ACCEPT"));
	o = answer(&d, "null");
	assert_request(o, "GET", "/nodes/pve2/qemu/101/firewall/ipset");
	o = answer(&d, "[{\"name\":\"ipfilter-net0\",\"digest\":\"d\"}]");
	assert_request(o, "GET", "/nodes/pve2/qemu/101/firewall/ipset/ipfilter-net0");
	/* has 192.0.2.10, 2001:db8::10 and a nomatch 192.0.2.11; wants .10 and .12 */
	o = answer(&d, "ipset.json");
	assert_request(o, "DELETE", "/nodes/pve2/qemu/101/firewall/ipset/ipfilter-net0/2001%3Adb8%3A%3A10");
	o = answer(&d, "null");
	assert_request(o, "DELETE", "/nodes/pve2/qemu/101/firewall/ipset/ipfilter-net0/%21192.0.2.11");
	o = answer(&d, "null");
	assert_request(o, "POST", "/nodes/pve2/qemu/101/firewall/ipset/ipfilter-net0");
	assert_true(form_has(o, "cidr=192.0.2.12"));
	o = answer(&d, "null");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT);
	assert_non_null(strstr(o->text, "+1 -2"));
	drive_free(&d);
}

static void test_cloudinit_is_sensitive(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_FIREWALL);
	strcpy(d.vm.username, "u2b3c4d5");
	d.vm.password = "S3cret!pass";
	strcpy(d.vm.product.main_domain, "example.com");
	add_address(&d, "192.0.2.10", 24, "192.0.2.1", "vmbr0", 0, true);
	add_address(&d, "2001:db8::10", 64, "2001:db8::1", "vmbr0", 0, true);
	puq_ip_parse_cstr("192.0.2.53", PUQ_IP_ANY, &d.addrs[0].dns1, NULL);
	start(&d);
	struct puq_vm_out *o = answer(&d, "config_pve9_cdrom_first.json");
	assert_request(o, "PUT", "/nodes/pve2/qemu/101/config");
	assert_true(o->req.sensitive);
	assert_true(form_has(o, "ciuser=u2b3c4d5"));
	assert_true(form_has(o, "cipassword=S3cret%21pass"));
	assert_true(form_has(o,
		"ipconfig0=ip%3D192.0.2.10%2F24%2Cgw%3D192.0.2.1%2Cip6%3D2001%3Adb8%3A%3A10%2F64%2Cgw6%3D2001%3Adb8%3A%3A1"));
	assert_true(form_has(o, "nameserver=192.0.2.53"));
	assert_true(form_has(o, "searchdomain=example.com"));
	assert_null(strstr(o->text, "S3cret"));
	drive_free(&d);
}

/* ---- power and migration ---- */

static void test_suspended_vm_is_never_started(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_CLOUDINIT);
	d.vm.suspended = true;
	struct puq_vm_out *o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_non_null(strstr(o->text, "suspended"));
	drive_free(&d);
	vm_init(&d, PUQ_VM_READY);
	d.vm.suspended = true;
	strcpy(d.vm.power, "start");
	o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_true(o->clear_power);
	drive_free(&d);
	vm_init(&d, PUQ_VM_SET_CLOUDINIT);
	o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/qemu/101/status/current");
	o = answer(&d, "status_stopped.json");
	assert_request(o, "POST", "/nodes/pve2/qemu/101/status/start");
	assert_true(o->task);
	drive_free(&d);
}

static void test_migration_decisions(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_SET_DNS);
	d.env.migration_enabled = false;
	struct puq_vm_out *o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	drive_free(&d);
	vm_init(&d, PUQ_VM_SET_DNS);
	strcpy(d.vm.product.target_node, "pve2");
	o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_non_null(strstr(o->text, "on its target node"));
	drive_free(&d);
	/* automatically: the node with the most free RAM */
	vm_init(&d, PUQ_VM_SET_DNS);
	o = start(&d);
	assert_request(o, "GET", "/nodes");
	o = answer(&d, "nodes.json");
	assert_request(o, "GET", "/nodes/pve2/qemu/101/config");
	/* a linked clone on local-lvm cannot move: stays, with the reason */
	o = answer(&d, "{\"scsi0\":\"local-lvm:base-9000-disk-0/vm-101-disk-0,size=10G\",\"digest\":\"d\"}");
	assert_request(o, "GET", "/nodes/pve2/storage");
	o = answer(&d, "storages.json");
	assert_int_equal(o->kind, PUQ_VM_DO_SKIP);
	assert_int_equal(o->next, PUQ_VM_MIGRATED);
	assert_non_null(strstr(o->text, "cannot leave pve2"));
	drive_free(&d);
	/* a full clone on local storage moves with its disks, its intent committed first */
	vm_init(&d, PUQ_VM_SET_DNS);
	strcpy(d.vm.product.target_node, "pve1");
	start(&d);
	o = answer(&d, "{\"scsi0\":\"local-lvm:vm-101-disk-0,size=10G\",\"digest\":\"d\"}");
	o = answer(&d, "storages.json");
	assert_request(o, "POST", "/nodes/pve2/qemu/101/migrate");
	assert_true(form_has(o, "target=pve1"));
	assert_true(form_has(o, "with-local-disks=1"));
	assert_string_equal(o->intent.kind, "migrate");
	assert_string_equal(o->intent.target, "pve1");
	o = task(&d, false, "migration aborted");
	assert_int_equal(o->kind, PUQ_VM_DO_NEXT); /* the deploy goes on where the VM is */
	assert_string_equal(o->set_node, "");
	assert_non_null(strstr(o->text, "stays on pve2"));
	drive_free(&d);
}

/* ---- terminate ---- */

static void test_terminate_phases_and_failed_delete(void **state)
{
	struct drive d;
	vm_init(&d, PUQ_VM_TERMINATE);
	d.vm.action = PUQ_VM_ACTION_TERMINATE;
	struct puq_vm_out *o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/qemu/101/status/current");
	o = answer(&d, "status_stopped.json");
	assert_int_equal(o->kind, PUQ_VM_DO_LOG);
	assert_string_equal(o->label, "Stop VM");
	o = start(&d);
	assert_request(o, "GET", "/nodes/pve2/storage");
	assert_string_equal(puq_buf_cstr(&o->req.query), "content=backup&enabled=1");
	o = answer(&d, "[{\"storage\":\"pbs\",\"type\":\"pbs\",\"content\":\"backup\",\"shared\":1,\"active\":1,\"enabled\":1}]");
	assert_request(o, "GET", "/nodes/pve2/storage/pbs/content");
	o = answer(&d, "[{\"volid\":\"pbs:backup/vm/101/2026-01-01T00:00:00Z\",\"content\":\"backup\","
		"\"format\":\"pbs-vm\",\"size\":1,\"ctime\":1,\"vmid\":101},{\"volid\":"
		"\"pbs:backup/vm/102/2026-01-01T00:00:00Z\",\"content\":\"backup\",\"vmid\":102}]");
	assert_request(o, "DELETE", "/nodes/pve2/storage/pbs/content/pbs%3Abackup%2Fvm%2F101%2F2026-01-01T00%3A00%3A00Z");
	o = task(&d, true, "OK");
	assert_int_equal(o->kind, PUQ_VM_DO_LOG);
	assert_non_null(strstr(o->text, "1 backup(s) deleted"));
	assert_string_equal(o->label, "Delete backups");
	o = start(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_DNS);
	assert_int_equal(o->dns, PUQ_VM_DNS_DELETE);
	memset(&d.ev, 0, sizeof(d.ev));
	d.ev.kind = PUQ_VM_EV_DNS;
	d.ev.dns_ok = 3;
	o = step(&d);
	assert_int_equal(o->kind, PUQ_VM_DO_LOG);
	o = start(&d);
	assert_request(o, "DELETE", "/nodes/pve2/qemu/101");
	assert_string_equal(puq_buf_cstr(&o->req.query), "purge=1&destroy-unreferenced-disks=1");
	assert_string_equal(o->intent.kind, "delete");
	o = fail_with(&d, PUQ_VM_EV_TASK, PUQ_EPVE, "can't remove VM 101 - protection mode enabled");
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_TERMINATE_FAILED);
	assert_int_equal(o->next, PUQ_VM_ERROR_TERMINATE);
	assert_non_null(strstr(o->text, "protection mode enabled"));
	drive_free(&d);
	/* a VM that is already gone: released at once */
	vm_init(&d, PUQ_VM_TERMINATE);
	strcpy(d.vm.intent.kind, "delete");
	strcpy(d.vm.intent.node, "pve2");
	d.vm.intent.vmid = 101;
	start(&d);
	o = fail_with(&d, PUQ_VM_EV_HTTP, PUQ_EPVENOTFOUND, "does not exist");
	assert_int_equal(o->kind, PUQ_VM_DO_DB);
	assert_int_equal(o->db, PUQ_VM_DB_TERMINATED);
	assert_int_equal(o->next, PUQ_VM_REMOVE);
	drive_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clone_reserves_commits_intent_and_verifies),
		cmocka_unit_test(test_clone_failure_clears_intent_for_a_new_clone),
		cmocka_unit_test(test_clone_recovery_by_vmid),
		cmocka_unit_test(test_clone_that_failed_after_a_lost_answer),
		cmocka_unit_test(test_migration_after_a_lost_answer),
		cmocka_unit_test(test_delete_after_a_lost_answer),
		cmocka_unit_test(test_clone_skips_a_foreign_vmid),
		cmocka_unit_test(test_cpu_ram_changes_or_skips),
		cmocka_unit_test(test_disk_grows_but_never_shrinks),
		cmocka_unit_test(test_locked_vm_waits),
		cmocka_unit_test(test_io_limits_only_when_they_differ),
		cmocka_unit_test(test_additional_disk_created_on_the_system_disks_bus),
		cmocka_unit_test(test_network_keeps_the_mac),
		cmocka_unit_test(test_ipset_reconciled),
		cmocka_unit_test(test_cloudinit_is_sensitive),
		cmocka_unit_test(test_suspended_vm_is_never_started),
		cmocka_unit_test(test_migration_decisions),
		cmocka_unit_test(test_terminate_phases_and_failed_delete),
	};
	return cmocka_run_group_tests_name("vm_steps", tests, NULL, NULL);
}
