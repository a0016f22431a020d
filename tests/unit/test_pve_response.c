/*
 * Proxmox VE answers (src/pve/response.c, task.c, lists.c, privileges.c) against
 * recorded bodies in tests/fixtures/pve/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pve_fixture.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"

static struct puq_error err;

static int setup(void **state)
{
	puq_error_clear(&err);
	return 0;
}

static int result(long status, const char *reason, const char *body, json_t **data)
{
	puq_error_clear(&err);
	return puq_pve_result(status, reason, body, body ? strlen(body) : 0, data, &err);
}

/* Before pve-http-server 5.2.0 the text is only in the reason phrase. */
static void error_text_from_reason_or_message(void **state)
{
	json_t *data;
	assert_int_equal(result(500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does "
									 "not exist",
						 "{\"data\":null}", &data),
		-PUQ_EPVENOTFOUND);
	assert_null(data);
	assert_int_equal(err.http_status, 500);
	assert_string_equal(err.text, "Proxmox VE: HTTP 500 Configuration file "
								  "'nodes/pve1/qemu-server/999.conf' does not exist");

	/* 5.2.0+: message wins (and its trailing newline is trimmed) */
	assert_int_equal(result(500, "VM is locked (clone)",
						 "{\"data\":null,\"message\":\"VM is locked (clone)\\n\"}", &data),
		-PUQ_EPVELOCKED);
	assert_string_equal(err.text, "Proxmox VE: HTTP 500 VM is locked (clone)");

	assert_int_equal(result(500, "unable to create VM 101 - cfs-lock 'storage-local-lvm' error: "
									 "got lock request timeout",
						 NULL, &data),
		-PUQ_EPVELOCKED);

	assert_int_equal(result(500, "VM 100 is running - destroy failed", "{\"data\":null}", &data),
		-PUQ_EPVE);
	assert_non_null(strstr(err.text, "destroy failed"));
}

static void errors_map_and_statuses(void **state)
{
	json_t *data;
	assert_int_equal(result(400, "Parameter verification failed.",
						 "{\"data\":null,\"errors\":{\"memory\":\"type check ('integer') failed "
						 "- got 'abc'\"}}",
						 &data),
		-PUQ_EPVEPARAM);
	assert_int_equal(err.http_status, 400);
	assert_string_equal(err.text, "Proxmox VE: HTTP 400 Parameter verification failed. memory: "
								  "type check ('integer') failed - got 'abc'");

	/* the _root key of a broken form body */
	assert_int_equal(result(400, "Parameter verification failed.",
						 "{\"data\":null,\"errors\":{\"_root\":\"property is not defined in "
						 "schema\"},\"message\":\"Parameter verification failed.\\n\"}",
						 &data),
		-PUQ_EPVEPARAM);
	assert_non_null(strstr(err.text, "_root: property is not defined in schema"));

	assert_int_equal(result(401, "authentication failure", "", &data), -PUQ_EAUTH);
	assert_int_equal(err.http_status, 401);
	assert_int_equal(result(403, "Permission check failed (/vms/100, VM.Audit)",
						 "{\"data\":null}", &data),
		-PUQ_EPVEPERM);
	assert_int_equal(result(595, "Connection refused", NULL, &data), -PUQ_EHTTP);
	assert_int_equal(result(502, NULL, NULL, &data), -PUQ_EPVE);
	assert_string_equal(err.text, "Proxmox VE: HTTP 502 HTTP 502");

	/* 200 that is not an envelope */
	assert_int_equal(result(200, "OK", "<html>", &data), -PUQ_EPROTO);
	assert_int_equal(result(200, "OK", "[1]", &data), -PUQ_EPROTO);
	assert_int_equal(result(200, "OK", "{\"data\":null}", &data), 0);
	assert_true(json_is_null(data));
	json_decref(data);
}

/* Perl scalars: numbers may come as strings. */
static void numbers_as_strings(void **state)
{
	json_t *data = pve_fixture_data("nextid.json");
	long long vmid = 0;
	assert_non_null(data);
	assert_int_equal(puq_pve_parse_nextid(data, &vmid, &err), 0);
	assert_int_equal(vmid, 100);
	json_decref(data);

	json_t *n = json_integer(101);
	assert_int_equal(puq_pve_parse_nextid(n, &vmid, &err), 0);
	assert_int_equal(vmid, 101);
	json_decref(n);
	n = json_string("10x");
	assert_int_equal(puq_pve_parse_nextid(n, &vmid, &err), -PUQ_EPROTO);
	json_decref(n);

	data = pve_fixture_data("status_running_locked.json");
	struct puq_pve_status st;
	assert_int_equal(puq_pve_parse_status(data, &st, &err), 0);
	assert_string_equal(st.status, "running");
	assert_string_equal(st.lock, "backup");
	assert_int_equal(st.maxmem, 2147483648LL);
	assert_int_equal(st.uptime, 3600);
	assert_true(st.cpu > 0.012 && st.cpu < 0.013);
	json_decref(data);

	data = pve_fixture_data("status_stopped.json");
	assert_int_equal(puq_pve_parse_status(data, &st, &err), 0);
	assert_string_equal(st.status, "stopped");
	assert_string_equal(st.lock, "");
	json_decref(data);
}

static void upid_parsing(void **state)
{
	struct puq_pve_upid u;
	assert_int_equal(puq_pve_upid_parse(
						 "UPID:pve1:0012A3F4:0A1B2C3D:6650E1A2:qmclone:9000:automation@pve!ci:",
						 &u, &err),
		0);
	assert_string_equal(u.node, "pve1");
	assert_int_equal(u.pid, 0x0012A3F4);
	assert_int_equal(u.pstart, 0x0A1B2C3D);
	assert_int_equal(u.starttime, 0x6650E1A2);
	assert_string_equal(u.type, "qmclone");
	assert_string_equal(u.id, "9000"); /* the clone's source, not the new VM */
	assert_string_equal(u.user, "automation@pve!ci");

	/* 9-digit pstart, empty id (vzdump of several guests), node with a dash */
	assert_int_equal(puq_pve_upid_parse(
						 "UPID:pve-a1:000000FF:10A1B2C3D:6650E1A2:vzdump::root@pam:", &u, &err),
		0);
	assert_int_equal(u.pstart, 0x10A1B2C3DULL);
	assert_string_equal(u.id, "");
	assert_int_equal(puq_pve_upid_parse(
						 "UPID:pve1:000000FF:0A1B2C3D:6650E1A2:imgdel:100@local:root@pam:", &u,
						 &err),
		0);
	assert_string_equal(u.id, "100@local");

	const char *bad[] = {"", "UPID:", "OK", "UPID:pve1:12A3F4:0A1B2C3D:6650E1A2:qmclone:9000:u@pam:",
		"UPID:pve1:0012A3F4:0A1B2C3D:6650E1A2:qmclone:9000:u@pam",
		"UPID:-pve:0012A3F4:0A1B2C3D:6650E1A2:qmclone:9000:u@pam:",
		"UPID:pve1:0012A3F4:0A1B2C3D:6650E1A2::9000:u@pam:",
		"UPID:pve1:0012A3F4:0A1B2C3D:6650E1A2:qmclone:9000:u@pam:extra",
		"UPID:pve1:0012A3G4:0A1B2C3D:6650E1A2:qmclone:9000:u@pam:"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(puq_pve_upid_parse(bad[i], &u, &err), -PUQ_EPROTO);
}

/* vzdump on a node that does not hold the VM answers "OK", not a UPID. */
static void task_answers(void **state)
{
	char upid[PUQ_PVE_UPID_MAX];
	json_t *data = pve_fixture_data("vzdump_wrong_node.json");
	assert_int_equal(puq_pve_parse_upid_answer(data, upid, &err), -PUQ_EPVE);
	assert_non_null(strstr(err.text, "not on the node"));
	assert_string_equal(upid, "");
	json_decref(data);

	json_t *s = json_string("UPID:pve1:0012A3F4:0A1B2C3D:6650E1A2:qmstart:101:root@pam:");
	assert_int_equal(puq_pve_parse_upid_answer(s, upid, &err), 0);
	assert_string_equal(upid, json_string_value(s));
	json_decref(s);
	assert_int_equal(puq_pve_parse_upid_answer(json_null(), upid, &err), -PUQ_EPROTO);
}

/* Found by tests/fuzz/fuzz_pve_upid: a UPID that parses but does not fit
 * PUQ_PVE_UPID_MAX was kept cut, naming no task. */
static void task_answer_too_long_for_the_buffer(void **state)
{
	/* every field within its own limit, the whole 301 characters */
	char text[400], upid[PUQ_PVE_UPID_MAX], pad[64];
	memset(pad, 'a', 60);
	pad[60] = '\0';
	snprintf(text, sizeof(text), "UPID:%s:0012A3F4:0A1B2C3D:6650E1A2:qmclone%.23s:%s:%.50s@pve!%s:",
		pad, pad, pad, pad, pad);
	assert_int_equal(strlen(text), 301);
	struct puq_pve_upid u;
	assert_int_equal(puq_pve_upid_parse(text, &u, &err), 0);
	json_t *s = json_string(text);
	assert_int_equal(puq_pve_parse_upid_answer(s, upid, &err), -PUQ_EPROTO);
	assert_non_null(strstr(err.text, "longer than 255"));
	assert_string_equal(upid, "");
	json_decref(s);
}

static void task_status(void **state)
{
	struct puq_pve_task t;
	json_t *data = pve_fixture_data("task_running.json");
	assert_int_equal(puq_pve_parse_task(data, &t, &err), 0);
	assert_true(t.running);
	assert_int_equal(puq_pve_task_error(&t, "clone", &err), 0);
	json_decref(data);

	data = pve_fixture_data("task_ok.json");
	assert_int_equal(puq_pve_parse_task(data, &t, &err), 0);
	assert_false(t.running);
	assert_true(t.ok);
	json_decref(data);

	/* a disk shrink is accepted and fails inside the task */
	data = pve_fixture_data("task_failed_shrink.json");
	assert_int_equal(puq_pve_parse_task(data, &t, &err), 0);
	assert_false(t.ok);
	assert_int_equal(puq_pve_task_error(&t, "resize", &err), -PUQ_EPVETASK);
	assert_string_equal(err.text, "Proxmox VE task resize failed: shrinking disks is not supported");
	json_decref(data);

	json_t *w = json_pack("{s:s,s:s}", "status", "stopped", "exitstatus", "WARNINGS: 2");
	assert_int_equal(puq_pve_parse_task(w, &t, &err), 0);
	assert_true(t.ok);
	json_decref(w);
	w = json_pack("{s:s}", "status", "stopped");
	assert_int_equal(puq_pve_parse_task(w, &t, &err), 0);
	assert_false(t.ok);
	assert_string_equal(t.exitstatus, "unexpected status");
	json_decref(w);

	struct puq_buf log = PUQ_BUF_INIT;
	data = pve_fixture_data("task_log.json");
	assert_int_equal(puq_pve_parse_task_log(data, &log, &err), 0);
	assert_non_null(strstr(puq_buf_cstr(&log), "\nTASK OK"));
	puq_buf_free(&log);
	json_decref(data);
}

static void nodes_guests_storages(void **state)
{
	json_t *data = pve_fixture_data("nodes.json");
	struct puq_pve_node_list nodes;
	assert_int_equal(puq_pve_parse_nodes(data, &nodes, &err), 0);
	assert_int_equal(nodes.n, 2);
	assert_string_equal(nodes.items[0].name, "pve1");
	assert_true(nodes.items[0].online);
	assert_int_equal(nodes.items[0].maxcpu, 16);
	assert_int_equal(strlen(nodes.items[0].ssl_fingerprint), 95);
	assert_false(nodes.items[1].online);
	puq_pve_node_list_free(&nodes);
	json_decref(data);

	data = pve_fixture_data("cluster_resources_vm.json");
	struct puq_pve_guest_list g;
	assert_int_equal(puq_pve_parse_guests(data, true, &g, &err), 0);
	assert_int_equal(g.n, 2); /* lxc and the plain VM dropped; "template":"1" counts */
	assert_int_equal(g.items[0].vmid, 9000);
	assert_int_equal(g.items[1].vmid, 9001);
	assert_string_equal(g.items[1].node, "pve2");
	puq_pve_guest_list_free(&g);
	assert_int_equal(puq_pve_parse_guests(data, false, &g, &err), 0);
	assert_int_equal(g.n, 3);
	const struct puq_pve_guest *found;
	assert_int_equal(puq_pve_find_guest(&g, 101, &found, &err), 0);
	assert_string_equal(found->node, "pve2"); /* clusters: resolve the node, never assume */
	assert_string_equal(found->lock, "backup");
	assert_int_equal(puq_pve_find_guest(&g, 200, &found, &err), -PUQ_EPVENOTFOUND);
	puq_pve_guest_list_free(&g);
	json_decref(data);

	data = pve_fixture_data("storages.json");
	struct puq_pve_storage_list s;
	assert_int_equal(puq_pve_parse_storages(data, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.items[1].type, "lvmthin");
	assert_false(s.items[1].shared);
	assert_true(s.items[2].shared);
	assert_int_equal(s.items[2].avail, 6597069766656LL);
	assert_false(s.items[3].active);
	assert_true(puq_pve_storage_has_content(&s.items[0], "backup"));
	assert_false(puq_pve_storage_has_content(&s.items[0], "images"));
	assert_false(puq_pve_storage_has_content(&s.items[0], "iso,"));
	assert_true(puq_pve_storage_has_content(&s.items[1], "rootdir"));
	puq_pve_storage_list_free(&s);
	json_decref(data);

	data = pve_fixture_data("network.json");
	struct puq_pve_bridge_list b;
	assert_int_equal(puq_pve_parse_bridges(data, &b, &err), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.items[0].name, "vmbr0");
	assert_string_equal(b.items[1].type, "OVSBridge");
	puq_pve_bridge_list_free(&b);
	json_decref(data);

	json_t *notlist = json_object();
	assert_int_equal(puq_pve_parse_nodes(notlist, &nodes, &err), -PUQ_EPROTO);
	json_decref(notlist);
}

static void backups_snapshots_vnc_ipset_ticket(void **state)
{
	json_t *data = pve_fixture_data("backups.json");
	struct puq_pve_volume_list v;
	assert_int_equal(puq_pve_parse_volumes(data, &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_true(v.items[0].protected_);
	assert_string_equal(v.items[0].notes, "web01");
	assert_int_equal(v.items[1].size, 2147483648LL);
	assert_int_equal(v.items[1].vmid, 100);
	puq_pve_volume_list_free(&v);
	json_decref(data);

	data = pve_fixture_data("snapshots.json");
	struct puq_pve_snapshot_list s;
	assert_int_equal(puq_pve_parse_snapshots(data, &s, &err), 0);
	assert_int_equal(s.n, 1); /* "current" is not a snapshot */
	assert_string_equal(s.items[0].name, "pre-upgrade");
	assert_int_equal(s.items[0].snaptime, 1716576674);
	puq_pve_snapshot_list_free(&s);
	json_decref(data);

	data = pve_fixture_data("vncproxy.json");
	struct puq_pve_vnc vnc;
	assert_int_equal(puq_pve_parse_vnc(data, &vnc, &err), 0);
	assert_int_equal(vnc.port, 5900);
	assert_string_equal(vnc.password, "Zx9pQ2rT");
	json_decref(data);

	data = pve_fixture_data("ipset.json");
	struct puq_pve_cidr_list c;
	assert_int_equal(puq_pve_parse_ipset(data, &c, &err), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.items[1], "2001:db8::10");
	assert_string_equal(c.items[2], "!192.0.2.11");
	puq_pve_cidr_list_free(&c);
	json_decref(data);

	data = pve_fixture_data("ticket.json");
	struct puq_pve_ticket t;
	assert_int_equal(puq_pve_parse_ticket(data, &t, &err), 0);
	assert_string_equal(t.username, "root@pam");
	assert_int_equal(strncmp(t.ticket, "PVE:root@pam:", 13), 0);
	json_decref(data);
	json_t *tfa = json_pack("{s:s,s:s,s:i}", "ticket", "PVE:x", "CSRFPreventionToken", "y",
		"NeedTFA", 1);
	assert_int_equal(puq_pve_parse_ticket(tfa, &t, &err), -PUQ_EAUTH);
	json_decref(tfa);
}

static void privileges(void **state)
{
	struct puq_pve_missing miss[32];
	json_t *data = pve_fixture_data("permissions_full.json");
	assert_int_equal(puq_pve_check_privileges(data, miss, 32), 0);
	json_decref(data);

	/* an auditor token: sees everything, may change nothing; each privilege named once */
	data = pve_fixture_data("permissions_auditor.json");
	size_t n = puq_pve_check_privileges(data, miss, 32);
	assert_int_equal(n, 16);
	bool clone = false, sdn = false;
	for (size_t i = 0; i < n; i++) {
		assert_true(strcmp(miss[i].priv, "VM.Audit") != 0);
		assert_true(strcmp(miss[i].priv, "Sys.Audit") != 0);
		if (strcmp(miss[i].priv, "VM.Allocate") == 0)
			clone = strstr(miss[i].what, "clone") != NULL;
		if (strcmp(miss[i].priv, "SDN.Use") == 0)
			sdn = strcmp(miss[i].path, "/sdn/zones/localnetwork") == 0;
		if (strcmp(miss[i].priv, "Datastore.AllocateSpace") == 0)
			assert_non_null(strstr(miss[i].what, "allocate disks"));
	}
	assert_true(clone);
	assert_true(sdn);
	/* fewer slots than missing privileges: the count is still the total */
	assert_int_equal(puq_pve_check_privileges(data, miss, 2), 16);
	json_decref(data);

	/* a listed child path is authoritative: /vms without VM.Clone lacks it */
	json_t *p = json_pack("{s:{s:i,s:i,s:i},s:{s:i}}", "/", "VM.Clone", 1, "Sys.Audit", 1,
		"Datastore.Audit", 1, "/vms", "VM.Audit", 1);
	n = puq_pve_check_privileges(p, miss, 32);
	bool lacks_clone = false;
	for (size_t i = 0; i < n; i++)
		lacks_clone = lacks_clone || strcmp(miss[i].priv, "VM.Clone") == 0;
	assert_true(lacks_clone);
	json_decref(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(error_text_from_reason_or_message, setup),
		cmocka_unit_test_setup(errors_map_and_statuses, setup),
		cmocka_unit_test_setup(numbers_as_strings, setup),
		cmocka_unit_test_setup(upid_parsing, setup),
		cmocka_unit_test_setup(task_answers, setup),
		cmocka_unit_test_setup(task_answer_too_long_for_the_buffer, setup),
		cmocka_unit_test_setup(task_status, setup),
		cmocka_unit_test_setup(nodes_guests_storages, setup),
		cmocka_unit_test_setup(backups_snapshots_vnc_ipset_ticket, setup),
		cmocka_unit_test_setup(privileges, setup),
	};
	return cmocka_run_group_tests_name("pve_response", tests, NULL, NULL);
}
