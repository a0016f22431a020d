/* Proxmox VE request builders (src/pve/request.c, endpoints.c, qemu.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"

static struct puq_error err;

static int setup(void **state)
{
	puq_error_clear(&err);
	return 0;
}

#define PATH(r)  puq_buf_cstr(&(r).path)
#define QUERY(r) puq_buf_cstr(&(r).query)
#define FORM(r)  puq_buf_cstr(&(r).form)

/* A second '=' or a ';' in a value would cut it on Proxmox's side: all encoded. */
static void net_value_fully_encoded(void **state)
{
	struct puq_pve_req r;
	assert_int_equal(puq_pve_req_config_set(&r, "pve1", 101, true, NULL), 0);
	assert_int_equal(puq_pve_config_put(&r, "net0",
						 "virtio=BC:24:11:00:00:01,bridge=vmbr0,tag=10", &err),
		0);
	assert_int_equal(puq_pve_config_put(&r, "description", "a;b&c=d e+f", &err), 0);
	assert_string_equal(r.method, "POST");
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/config");
	assert_string_equal(FORM(r), "net0=virtio%3DBC%3A24%3A11%3A00%3A00%3A01%2Cbridge%3Dvmbr0"
								 "%2Ctag%3D10&description=a%3Bb%26c%3Dd%20e%2Bf");
	assert_string_equal(QUERY(r), "");
	assert_int_equal(r.timeout, PUQ_PVE_TIMEOUT_HEAVY);
	puq_pve_req_free(&r);
}

/* sshkeys: schema format "urlencoded", then encoded again by the form (%25). */
static void sshkeys_double_encoded(void **state)
{
	struct puq_pve_req r;
	puq_pve_req_config_set(&r, "pve1", 101, false, "abc123");
	assert_int_equal(puq_pve_config_put(&r, "sshkeys",
						 "ssh-ed25519 AAAA+b/c= me@host\nssh-rsa BBB= x", &err),
		0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(FORM(r), "digest=abc123&sshkeys=ssh-ed25519%2520AAAA%252Bb%252Fc%253D"
								 "%2520me%2540host%250Assh-rsa%2520BBB%253D%2520x");
	puq_pve_req_free(&r);
}

static void booleans_are_zero_one(void **state)
{
	struct puq_pve_req r;
	struct puq_pve_clone c = {.newid = 101, .name = "web01", .full = false};
	assert_int_equal(puq_pve_req_clone(&r, "pve1", 9000, &c, &err), 0);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/9000/clone");
	assert_string_equal(FORM(r), "newid=101&name=web01&full=0");
	puq_pve_req_free(&r);

	struct puq_pve_clone full = {.newid = 102, .full = true, .storage = "ceph-vm",
		.format = "raw", .target = "pve2"};
	assert_int_equal(puq_pve_req_clone(&r, "pve1", 9000, &full, &err), 0);
	assert_string_equal(FORM(r), "newid=102&target=pve2&full=1&storage=ceph-vm&format=raw");
	puq_pve_req_free(&r);
}

static void linked_clone_refuses_storage(void **state)
{
	struct puq_pve_req r;
	struct puq_pve_clone c = {.newid = 99, .storage = "local-lvm", .format = "qcow2"};
	assert_int_equal(puq_pve_req_clone(&r, "pve1", 9000, &c, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "newid"));
	assert_non_null(strstr(puq_error_field_message(&err, "storage"), "linked clones"));
	assert_non_null(puq_error_field_message(&err, "format"));
	puq_pve_req_free(&r);
}

/* GET and DELETE: parameters in the query, never a body (Proxmox answers 501). */
static void get_delete_use_query(void **state)
{
	struct puq_pve_req r;
	puq_pve_req_destroy(&r, "pve1", 101, true, true);
	assert_string_equal(r.method, "DELETE");
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101");
	assert_string_equal(QUERY(r), "purge=1&destroy-unreferenced-disks=1");
	assert_string_equal(FORM(r), "");
	puq_pve_req_free(&r);

	puq_pve_req_storage_content(&r, "pve1", "local", "backup", 100);
	assert_string_equal(PATH(r), "/nodes/pve1/storage/local/content");
	assert_string_equal(QUERY(r), "content=backup&vmid=100");
	puq_pve_req_free(&r);

	puq_pve_req_resources(&r, "vm");
	assert_string_equal(QUERY(r), "type=vm");
	puq_pve_req_free(&r);
	puq_pve_req_nextid(&r, 0);
	assert_string_equal(PATH(r), "/cluster/nextid");
	assert_string_equal(QUERY(r), "");
	puq_pve_req_free(&r);
}

/* Path segments are encoded: a volid's ':' and '/' and a UPID's '!' stay data. */
static void path_segments_encoded(void **state)
{
	struct puq_pve_req r;
	puq_pve_req_volume_delete(&r, "pve1", "local",
		"local:backup/vzdump-qemu-100-2024_05_24-18_51_14.vma.zst");
	assert_string_equal(PATH(r), "/nodes/pve1/storage/local/content/"
								 "local%3Abackup%2Fvzdump-qemu-100-2024_05_24-18_51_14.vma.zst");
	puq_pve_req_free(&r);

	const char *upid = "UPID:pve2:0012A3F4:0A1B2C3D:6650E1A2:qmclone:9000:automation@pve!ci:";
	assert_int_equal(puq_pve_req_task_status(&r, upid, &err), 0);
	/* the node comes from the UPID: tasks live on the node that ran them */
	assert_string_equal(PATH(r), "/nodes/pve2/tasks/UPID%3Apve2%3A0012A3F4%3A0A1B2C3D%3A"
								 "6650E1A2%3Aqmclone%3A9000%3Aautomation%40pve%21ci%3A/status");
	puq_pve_req_free(&r);

	assert_int_equal(puq_pve_req_task_log(&r, upid, 0, 20, &err), 0);
	assert_string_equal(QUERY(r), "start=0&limit=20");
	puq_pve_req_free(&r);

	assert_int_equal(puq_pve_req_task_status(&r, "UPID:bad", &err), -PUQ_EPROTO);
	puq_pve_req_free(&r);

	puq_pve_req_ipset_remove(&r, "pve1", 101, "ipfilter-net0", "2001:db8::/64");
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/firewall/ipset/ipfilter-net0/"
								 "2001%3Adb8%3A%3A%2F64");
	puq_pve_req_free(&r);
}

/* PVE 9 rejects unknown keys; indexed keys have real limits. */
static void config_keys_checked(void **state)
{
	struct puq_pve_req r;
	puq_pve_req_config_set(&r, "pve1", 101, true, NULL);
	assert_int_equal(puq_pve_config_put(&r, "net32", "virtio,bridge=vmbr0", &err),
		-PUQ_EVALIDATION);
	assert_int_equal(puq_pve_config_put(&r, "scsi31", "local-lvm:32", &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_pve_config_put(&r, "", "x", &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_pve_config_put(&r, "systemdisk", "x", &err), -PUQ_EVALIDATION);
	assert_string_equal(FORM(r), "");
	puq_error_clear(&err);
	assert_int_equal(puq_pve_config_put(&r, "net31", "virtio,bridge=vmbr0", &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "scsi30", "local-lvm:32", &err), 0);
	assert_int_equal(puq_pve_config_put_int(&r, "memory", 2048, &err), 0);
	assert_int_equal(puq_pve_config_delete(&r, "virtio1,unused0", &err), 0);
	assert_string_equal(FORM(r), "net31=virtio%2Cbridge%3Dvmbr0&scsi30=local-lvm%3A32"
								 "&memory=2048&delete=virtio1%2Cunused0");
	assert_int_equal(puq_pve_config_delete(&r, "virtio1,foo", &err), -PUQ_EVALIDATION);
	puq_pve_req_free(&r);

	assert_true(puq_pve_config_key_valid("ipconfig0"));
	assert_true(puq_pve_config_key_valid("virtio15"));
	assert_false(puq_pve_config_key_valid("virtio16"));
	assert_true(puq_pve_config_key_valid("sata5"));
	assert_false(puq_pve_config_key_valid("sata6"));
	assert_true(puq_pve_config_key_valid("ide3"));
	assert_false(puq_pve_config_key_valid("ide4"));
	assert_false(puq_pve_config_key_valid("net01"));
	assert_false(puq_pve_config_key_valid("net"));
	assert_false(puq_pve_config_key_valid("digest"));
	assert_true(puq_pve_config_key_valid("cipassword"));
}

static void resize_and_snapshots_validated(void **state)
{
	struct puq_pve_req r;
	assert_int_equal(puq_pve_req_resize(&r, "pve1", 101, "scsi0", "+10G", &err), 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(FORM(r), "disk=scsi0&size=%2B10G");
	puq_pve_req_free(&r);
	assert_int_equal(puq_pve_req_resize(&r, "pve1", 101, "scsi0", "1.5T", &err), 0);
	puq_pve_req_free(&r);
	assert_int_equal(puq_pve_req_resize(&r, "pve1", 101, "net0", "10GB", &err),
		-PUQ_EVALIDATION);
	assert_int_equal(err.nfields, 2);
	puq_pve_req_free(&r);

	puq_error_clear(&err);
	assert_int_equal(puq_pve_req_snapshot_create(&r, "pve1", 101, "current", NULL, false, &err),
		-PUQ_EVALIDATION);
	puq_pve_req_free(&r);
	puq_error_clear(&err);
	assert_int_equal(puq_pve_req_snapshot_create(&r, "pve1", 101, "1abc", NULL, false, &err),
		-PUQ_EVALIDATION);
	puq_pve_req_free(&r);
	puq_error_clear(&err);
	assert_int_equal(puq_pve_req_snapshot_create(&r, "pve1", 101, "daily_2024-05-24",
						 "Scheduler: 2024-05-24", false, &err),
		0);
	assert_string_equal(FORM(r), "snapname=daily_2024-05-24&description=Scheduler%3A%202024-05-24");
	puq_pve_req_free(&r);
	assert_int_equal(puq_pve_req_snapshot_rollback(&r, "pve1", 101, "daily", true, &err), 0);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/snapshot/daily/rollback");
	assert_string_equal(FORM(r), "start=1");
	puq_pve_req_free(&r);
}

static void power_migrate_backup_restore(void **state)
{
	struct puq_pve_req r;
	puq_pve_req_power(&r, "pve1", 101, PUQ_PVE_SHUTDOWN, 120, true);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/status/shutdown");
	assert_string_equal(FORM(r), "timeout=120&forceStop=1");
	puq_pve_req_free(&r);
	puq_pve_req_power(&r, "pve1", 101, PUQ_PVE_START, 0, false);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/status/start");
	assert_string_equal(FORM(r), "");
	puq_pve_req_free(&r);

	puq_pve_req_migrate(&r, "pve1", 101, "pve2", "ceph-vm", true);
	assert_string_equal(FORM(r), "target=pve2&online=0&with-local-disks=1&targetstorage=ceph-vm");
	puq_pve_req_free(&r);

	struct puq_pve_backup b = {.storage = "pbs", .notes = "{{guestname}} backup now",
		.protect = true};
	puq_pve_req_vzdump(&r, "pve2", 101, &b);
	assert_string_equal(PATH(r), "/nodes/pve2/vzdump");
	assert_string_equal(FORM(r), "vmid=101&storage=pbs&mode=snapshot&compress=zstd"
								 "&notes-template=%7B%7Bguestname%7D%7D%20backup%20now&protected=1");
	puq_pve_req_free(&r);

	/* the template is read with escapes: a backslash of the note goes doubled */
	struct puq_pve_backup esc = {.storage = "pbs", .notes = "C:\\new"};
	puq_pve_req_vzdump(&r, "pve2", 101, &esc);
	assert_string_equal(FORM(r), "vmid=101&storage=pbs&mode=snapshot&compress=zstd"
								 "&notes-template=C%3A%5C%5Cnew");
	puq_pve_req_free(&r);

	puq_pve_req_restore(&r, "pve1", 101, "pbs:backup/vm/101/2024-05-24T18:51:14Z", NULL, true,
		false);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu");
	assert_string_equal(FORM(r), "vmid=101&archive=pbs%3Abackup%2Fvm%2F101%2F2024-05-24T18%3A51"
								 "%3A14Z&force=1");
	puq_pve_req_free(&r);
}

static void firewall_and_misc(void **state)
{
	struct puq_pve_req r;
	struct puq_pve_fw_rule rule = {.type = "in", .action = "ACCEPT", .proto = "tcp",
		.dport = "22", .enable = true};
	puq_pve_req_fw_rule_add(&r, "pve1", 101, &rule);
	assert_string_equal(FORM(r), "type=in&action=ACCEPT&enable=1&proto=tcp&dport=22");
	puq_pve_req_free(&r);
	puq_pve_req_ipset_add(&r, "pve1", 101, "ipfilter-net0", "192.0.2.10", NULL);
	assert_string_equal(PATH(r), "/nodes/pve1/qemu/101/firewall/ipset/ipfilter-net0");
	assert_string_equal(FORM(r), "cidr=192.0.2.10");
	puq_pve_req_free(&r);
	puq_pve_req_ipset_delete(&r, "pve1", 101, "ipfilter-net0", true);
	assert_string_equal(QUERY(r), "force=1");
	puq_pve_req_free(&r);
	puq_pve_req_fw_options_set(&r, "pve1", 101);
	puq_pve_req_bool(&r, "enable", true);
	puq_pve_req_bool(&r, "ipfilter", true);
	puq_pve_req_str(&r, "policy_in", "ACCEPT");
	assert_string_equal(r.method, "PUT");
	assert_string_equal(FORM(r), "enable=1&ipfilter=1&policy_in=ACCEPT");
	puq_pve_req_free(&r);

	assert_int_equal(puq_pve_req_rrddata(&r, "pve1", 101, "day", NULL, &err), 0);
	assert_string_equal(QUERY(r), "timeframe=day&cf=AVERAGE");
	puq_pve_req_free(&r);
	assert_int_equal(puq_pve_req_rrddata(&r, "pve1", 101, "decade", "MIN", &err),
		-PUQ_EVALIDATION);
	assert_int_equal(err.nfields, 2);
	puq_pve_req_free(&r);

	puq_pve_req_vncproxy(&r, "pve1", 101);
	assert_string_equal(FORM(r), "websocket=1");
	puq_pve_req_free(&r);

	puq_pve_req_ticket(&r, "root@pam", "p&ss=word");
	assert_true(r.sensitive);
	assert_string_equal(FORM(r), "username=root%40pam&password=p%26ss%3Dword");
	puq_pve_req_free(&r);

	puq_pve_req_storages(&r, "pve1", "images");
	assert_string_equal(QUERY(r), "content=images&enabled=1");
	puq_pve_req_free(&r);
	puq_pve_req_bridges(&r, "pve1");
	assert_string_equal(PATH(r), "/nodes/pve1/network");
	assert_string_equal(QUERY(r), "type=any_bridge");
	puq_pve_req_free(&r);
	puq_pve_req_permissions(&r, NULL);
	assert_string_equal(PATH(r), "/access/permissions");
	assert_int_equal(puq_pve_req_check(&r, &err), 0);
	puq_pve_req_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(net_value_fully_encoded, setup),
		cmocka_unit_test_setup(sshkeys_double_encoded, setup),
		cmocka_unit_test_setup(booleans_are_zero_one, setup),
		cmocka_unit_test_setup(linked_clone_refuses_storage, setup),
		cmocka_unit_test_setup(get_delete_use_query, setup),
		cmocka_unit_test_setup(path_segments_encoded, setup),
		cmocka_unit_test_setup(config_keys_checked, setup),
		cmocka_unit_test_setup(resize_and_snapshots_validated, setup),
		cmocka_unit_test_setup(power_migrate_backup_restore, setup),
		cmocka_unit_test_setup(firewall_and_misc, setup),
	};
	return cmocka_run_group_tests_name("pve_request", tests, NULL, NULL);
}
