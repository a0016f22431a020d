/*
 * VM config parsing (src/pve/config.c, propstr.c) on recorded configs, including the
 * PVE 9 cases that broke the legacy module: cd-rom first in the boot order, legacy
 * bootdisk, sata disks without a boot line, a volid whose directory is called qcow2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pve_fixture.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"

static struct puq_error err;

static int setup(void **state)
{
	puq_error_clear(&err);
	return 0;
}

static void system_disk_skips_cdrom_cloudinit_net(void **state)
{
	json_t *cfg = pve_fixture_data("config_pve9_cdrom_first.json");
	struct puq_pve_disk d;
	assert_non_null(cfg);
	assert_int_equal(puq_pve_config_system_disk(cfg, &d, &err), 0);
	assert_string_equal(d.key, "scsi0");
	assert_string_equal(d.vol.storage, "local-lvm");
	assert_string_equal(d.vol.volname, "vm-101-disk-0");
	assert_string_equal(d.format, "raw");
	assert_int_equal(d.size, 32ULL << 30);
	long long mib;
	assert_int_equal(puq_pve_config_memory(cfg, &mib, &err), 0); /* "2048" */
	assert_int_equal(mib, 2048);
	assert_null(puq_pve_config_lock(cfg));
	json_decref(cfg);
}

static void system_disk_legacy_bootdisk(void **state)
{
	json_t *cfg = pve_fixture_data("config_legacy_bootdisk.json");
	struct puq_pve_disk d;
	assert_int_equal(puq_pve_config_system_disk(cfg, &d, &err), 0);
	assert_string_equal(d.key, "virtio0");
	assert_string_equal(d.format, "qcow2");
	assert_int_equal(d.size, 20ULL << 30);
	long long mib;
	assert_int_equal(puq_pve_config_memory(cfg, &mib, &err), 0); /* 1024 as a number */
	assert_int_equal(mib, 1024);

	struct puq_pve_disk all[8];
	assert_int_equal(puq_pve_config_disks(cfg, all, 8), 2);
	assert_string_equal(all[1].key, "virtio1");
	char key[PUQ_PVE_KEY_MAX];
	assert_int_equal(puq_pve_config_free_slot(cfg, "virtio", key, &err), 0);
	assert_string_equal(key, "virtio2");
	assert_int_equal(puq_pve_config_free_slot(cfg, "scsi", key, &err), 0);
	assert_string_equal(key, "scsi0");
	assert_int_equal(puq_pve_config_free_slot(cfg, "net", key, &err), -PUQ_EVALIDATION);
	json_decref(cfg);
}

static void system_disk_sata_without_boot(void **state)
{
	json_t *cfg = pve_fixture_data("config_sata_no_boot.json");
	struct puq_pve_disk d;
	assert_int_equal(puq_pve_config_system_disk(cfg, &d, &err), 0);
	assert_string_equal(d.key, "sata0");
	/* a directory named qcow2 is not a format: no extension means raw */
	assert_string_equal(d.vol.storage, "dirstore");
	assert_string_equal(d.vol.volname, "qcow2/102/vm-102-disk-0");
	assert_string_equal(d.vol.format, "");
	assert_string_equal(d.format, "raw");
	assert_true(d.mbps_rd == 100.0);
	assert_true(d.mbps_wr == 50.5);
	assert_int_equal(d.iops_rd, 500);
	assert_int_equal(d.iops_wr, 300);
	long long mib;
	assert_int_equal(puq_pve_config_memory(cfg, &mib, &err), 0); /* "current=4096" */
	assert_int_equal(mib, 4096);
	json_decref(cfg);
}

static void no_system_disk_is_reported(void **state)
{
	json_t *cfg = pve_fixture_data("config_no_disk.json");
	struct puq_pve_disk d;
	assert_int_equal(puq_pve_config_system_disk(cfg, &d, &err), -PUQ_EPVENOTFOUND);
	assert_string_equal(d.key, "");
	json_decref(cfg);

	/* boot order naming a missing disk falls through to the disks that exist */
	cfg = json_pack("{s:s,s:s,s:s}", "boot", "order=scsi5;virtio0", "virtio0",
		"ceph-vm:vm-1-disk-0,size=8G", "lock", "clone");
	assert_int_equal(puq_pve_config_system_disk(cfg, &d, &err), 0);
	assert_string_equal(d.key, "virtio0");
	assert_string_equal(puq_pve_config_lock(cfg), "clone");
	json_decref(cfg);
}

static void volids(void **state)
{
	struct puq_pve_volid v;
	const struct {
		const char *volid, *storage, *volname, *format;
	} cases[] = {
		{"local-lvm:vm-101-disk-0", "local-lvm", "vm-101-disk-0", ""},
		{"local:101/vm-101-disk-0.qcow2", "local", "101/vm-101-disk-0.qcow2", "qcow2"},
		{"nfs.a:101/vm-101-disk-1.vmdk", "nfs.a", "101/vm-101-disk-1.vmdk", "vmdk"},
		{"local:qcow2/101/vm-101-disk-0", "local", "qcow2/101/vm-101-disk-0", ""},
		{"local-lvm:base-9000-disk-0/vm-101-disk-0", "local-lvm",
			"base-9000-disk-0/vm-101-disk-0", ""},
		{"local:iso/debian-12.5.0-amd64-netinst.iso", "local",
			"iso/debian-12.5.0-amd64-netinst.iso", ""},
		{"zfs:vm-101-disk-0.raw", "zfs", "vm-101-disk-0.raw", "raw"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(puq_pve_volid_parse(cases[i].volid, &v, &err), 0);
		assert_string_equal(v.storage, cases[i].storage);
		assert_string_equal(v.volname, cases[i].volname);
		assert_string_equal(v.format, cases[i].format);
	}
	assert_int_equal(puq_pve_volid_parse("novolume", &v, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_volid_parse(":x", &v, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_volid_parse("local:", &v, &err), -PUQ_EPARSE);
}

static void disk_strings(void **state)
{
	struct puq_pve_disk d;
	assert_int_equal(puq_pve_disk_parse("scsi0",
						 "file=local:101/vm-101-disk-0.qcow2,format=raw,size=1536M", &d, &err),
		0);
	assert_string_equal(d.format, "raw"); /* an explicit format= wins */
	assert_int_equal(d.size, 1536ULL << 20);
	assert_int_equal(puq_pve_disk_parse("ide2", "none,media=cdrom", &d, &err), 0);
	assert_true(d.cdrom);
	assert_int_equal(puq_pve_disk_parse("ide0", "local-lvm:vm-101-cloudinit,media=cdrom", &d,
						 &err),
		0);
	assert_true(d.cloudinit);
	assert_int_equal(puq_pve_disk_parse("scsi0", "local-lvm:vm-1-disk-0,size=lots", &d, &err),
		-PUQ_EVALIDATION);
	puq_error_clear(&err);
	assert_int_equal(puq_pve_disk_parse("scsi0", "size=32G", &d, &err), -PUQ_EVALIDATION);

	unsigned long long b;
	assert_int_equal(puq_pve_size_parse("1.5T", &b, &err), 0);
	assert_int_equal(b, 3ULL << 39);
	assert_int_equal(puq_pve_size_parse("4096", &b, &err), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(puq_pve_size_parse("32GB", &b, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_size_parse("-1G", &b, &err), -PUQ_EPARSE);
}

static void disk_limits_rewrite(void **state)
{
	struct puq_buf out = PUQ_BUF_INIT;
	struct puq_pve_disk_limits lim = {.mbps_rd = 200, .mbps_wr = 0, .iops_rd = 1000,
		.iops_wr = 750};
	assert_int_equal(puq_pve_disk_with_limits(
						 "local-lvm:vm-101-disk-0,iops_rd=500,mbps_rd=100,mbps_wr=50.5,size=32G",
						 &lim, &out, &err),
		0);
	/* replaced in place, 0 dropped (unlimited), new ones appended, rest kept */
	assert_string_equal(puq_buf_cstr(&out),
		"local-lvm:vm-101-disk-0,iops_rd=1000,mbps_rd=200,size=32G,iops_wr=750");
	puq_buf_reset(&out);

	struct puq_pve_disk_limits frac = {.mbps_rd = 12.5};
	assert_int_equal(puq_pve_disk_with_limits("ceph-vm:vm-1-disk-0,discard=on", &frac, &out,
						 &err),
		0);
	assert_string_equal(puq_buf_cstr(&out), "ceph-vm:vm-1-disk-0,discard=on,mbps_rd=12.5");
	puq_buf_reset(&out);

	struct puq_pve_disk_limits bad = {.iops_wr = -1};
	assert_int_equal(puq_pve_disk_with_limits("x:y", &bad, &out, &err), -PUQ_EVALIDATION);
	puq_buf_free(&out);
}

static void net_strings(void **state)
{
	struct puq_pve_net n;
	assert_int_equal(puq_pve_net_parse("virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1,"
									   "rate=12.5,tag=100",
						 &n, &err),
		0);
	assert_string_equal(n.model, "virtio");
	assert_string_equal(n.mac, "BC:24:11:5E:7A:01");
	assert_string_equal(n.bridge, "vmbr0");
	assert_int_equal(n.tag, 100);
	assert_true(n.rate == 12.5);
	assert_int_equal(n.firewall, 1);
	assert_int_equal(n.link_down, -1);

	assert_int_equal(puq_pve_net_parse("model=e1000,macaddr=BC:24:11:00:00:02,bridge=vmbr1",
						 &n, &err),
		0);
	assert_string_equal(n.model, "e1000");
	assert_string_equal(n.mac, "BC:24:11:00:00:02");
	assert_int_equal(puq_pve_net_parse("virtio,bridge=vmbr0", &n, &err), 0);
	assert_string_equal(n.mac, "");

	assert_int_equal(puq_pve_net_parse("virtio=BC:24:11,bridge=vmbr0", &n, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_net_parse("bridge=vmbr0", &n, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_net_parse("virtio,tag=4095", &n, &err), -PUQ_EPARSE);

	/* the MAC is kept: the module re-sends net0 with the clone's MAC */
	struct puq_buf out = PUQ_BUF_INIT;
	struct puq_pve_net w = {.model = "virtio", .mac = "BC:24:11:5E:7A:01", .bridge = "vmbr0",
		.tag = 100, .rate = 12.5, .firewall = 1, .link_down = -1};
	assert_int_equal(puq_pve_net_format(&w, &out, &err), 0);
	assert_string_equal(puq_buf_cstr(&out),
		"virtio=BC:24:11:5E:7A:01,bridge=vmbr0,firewall=1,rate=12.5,tag=100");
	puq_buf_reset(&out);
	struct puq_pve_net plain = {.model = "e1000", .bridge = "vmbr1", .rate = 1000,
		.firewall = -1, .link_down = -1};
	assert_int_equal(puq_pve_net_format(&plain, &out, &err), 0);
	assert_string_equal(puq_buf_cstr(&out), "e1000,bridge=vmbr1,rate=1000");
	puq_buf_reset(&out);
	struct puq_pve_net bad = {.model = "virtio", .bridge = "vmbr0,tag=5", .firewall = -1,
		.link_down = -1};
	assert_int_equal(puq_pve_net_format(&bad, &out, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "bridge"));
	puq_buf_free(&out);
}

/* Found by tests/fuzz/fuzz_pve_propstr: a size past 2^63 bytes came out of llround as
 * 2^63; a limit first in a drive string was glued to the next option; a NIC rate of
 * 1e50 overflowed the formatter's buffer and one below 0.0005 was written as 0, which
 * Proxmox reads as unlimited. */
static void property_strings_at_their_edges(void **state)
{
	unsigned long long b = 0;
	assert_int_equal(puq_pve_size_parse("2e19", &b, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_size_parse("8E", &b, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_size_parse("8191P", &b, &err), -PUQ_EPARSE);
	assert_int_equal(puq_pve_size_parse("8388607T", &b, &err), 0);
	assert_true(b == 8388607ULL << 40);

	struct puq_buf out = PUQ_BUF_INIT;
	struct puq_pve_disk_limits lim = {.iops_rd = 800};
	assert_int_equal(puq_pve_disk_with_limits("iops_rd=500,local-lvm:vm-101-disk-0", &lim,
						 &out, &err),
		0);
	assert_string_equal(puq_buf_cstr(&out), "iops_rd=800,local-lvm:vm-101-disk-0");
	puq_buf_reset(&out);

	struct puq_pve_net huge = {.model = "virtio", .rate = 1e50, .firewall = -1,
		.link_down = -1};
	struct puq_pve_net back;
	assert_int_equal(puq_pve_net_format(&huge, &out, &err), 0);
	assert_int_equal(puq_pve_net_parse(puq_buf_cstr(&out), &back, &err), 0);
	assert_true(back.rate == 1e50);
	puq_buf_reset(&out);

	struct puq_pve_net tiny = {.model = "virtio", .rate = 0.0001, .firewall = -1,
		.link_down = -1};
	assert_int_equal(puq_pve_net_format(&tiny, &out, &err), 0);
	assert_string_equal(puq_buf_cstr(&out), "virtio,rate=0.0001");
	puq_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(system_disk_skips_cdrom_cloudinit_net, setup),
		cmocka_unit_test_setup(system_disk_legacy_bootdisk, setup),
		cmocka_unit_test_setup(system_disk_sata_without_boot, setup),
		cmocka_unit_test_setup(no_system_disk_is_reported, setup),
		cmocka_unit_test_setup(volids, setup),
		cmocka_unit_test_setup(disk_strings, setup),
		cmocka_unit_test_setup(disk_limits_rewrite, setup),
		cmocka_unit_test_setup(net_strings, setup),
		cmocka_unit_test_setup(property_strings_at_their_edges, setup),
	};
	return cmocka_run_group_tests_name("pve_config", tests, NULL, NULL);
}
