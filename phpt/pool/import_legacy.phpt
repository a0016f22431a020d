--TEST--
puqkvm_pool_import_legacy(): dry run reports and writes nothing, the import brings pools and held addresses, again imports nothing
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = PuqKvm\Test\TestDb::create();
$pdo = $db->pdo();
pool_fixture_server($pdo, 1, 'pve-waw1', "vmbr1|0|10.8.0.5|24|10.8.0.1|9.9.9.9");
pool_fixture_server($pdo, 2, 'pve-waw2');
// the PUQ Customization addon's table, as the IP Pools page of that era named it
$pdo->exec("CREATE TABLE puq_customization_ip_pools (id INT PRIMARY KEY, server_ids VARCHAR(32),
    ip_type VARCHAR(8), bridge VARCHAR(32), vlan_tag INT, gateway VARCHAR(64), netmask VARCHAR(20),
    dns1 VARCHAR(64), dns2 VARCHAR(64), start_ip VARCHAR(64), end_ip VARCHAR(64))");
$pdo->exec("INSERT INTO puq_customization_ip_pools VALUES
    (7, '1,2', 'ipv4', 'vmbr0', 0, '192.0.2.1', '24', '8.8.8.8', '1.1.1.1', '192.0.2.10', '192.0.2.20'),
    (8, '1', 'ipv6', 'vmbr0', 0, '2001:db8::1', '64', '', '', '2001:db8::10', '2001:db8::ff'),
    (9, '1', 'ipv4', 'vmbr0', 5000, '198.51.100.1', '24', '', '', '198.51.100.2', '198.51.100.9')");
pool_fixture_service($pdo, 10, 1, 'Active', '192.0.2.11', "2001:db8:0:0:0:0:0:10\n10.8.0.5");
pool_fixture_service($pdo, 11, 2, 'Suspended', '192.0.2.11');
pool_fixture_service($pdo, 12, 1, 'Terminated', '192.0.2.12');

$report = puqkvm_pool_import_legacy(true);
echo json_encode(array_diff_key($report, ['log' => 1])), "\n";
echo $report['log'];
echo $pdo->query('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools')->fetchColumn(), ' pools, ',
    $pdo->query('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations')->fetchColumn(), " allocations after the dry run\n";

$report = puqkvm_pool_import_legacy();
echo json_encode(array_diff_key($report, ['log' => 1])), "\n";
echo $report['log'];
foreach (puqkvm_pool_list() as $p) {
    echo "$p[id] server $p[server_id] $p[type] $p[start] - $p[stop] $p[usage]\n";
}
echo pool_fixture_ips(puqkvm_pool_addresses(10)), ' | ', pool_fixture_ips(puqkvm_pool_addresses(11)), ' | ',
    pool_fixture_ips(puqkvm_pool_addresses(12)), "\n";

$again = puqkvm_pool_import_legacy();
echo json_encode(array_diff_key($again, ['log' => 1])), "\n";
?>
--EXPECTF--
{"dry_run":true,"skipped":false,"source":"puq_customization_ip_pools","pools":3,"allocations":3,"rejected":1}
pools: reading 3 rows of puq_customization_ip_pools
puq_customization_ip_pools row 7: would become a pool of server 1, 192.0.2.10 - 192.0.2.20
puq_customization_ip_pools row 7: would become a pool of server 2, 192.0.2.10 - 192.0.2.20
puq_customization_ip_pools row 8: would become a pool of server 1, 2001:db8::10 - 2001:db8::ff
puq_customization_ip_pools row 9 (server 1): not imported:
  vlan: the VLAN tag must be a whole number 0-4094 (0 = untagged)
192.0.2.11 is in tblhosting of services #10 and #11; recorded for #10 only: correct the other service
holdings: 3 addresses of 2 services recorded; 0 outside every pool and list left alone
0 pools, 0 allocations after the dry run
{"dry_run":false,"skipped":false,"source":"puq_customization_ip_pools","pools":3,"allocations":3,"rejected":1}
pools: reading 3 rows of puq_customization_ip_pools
puq_customization_ip_pools row 7: pool %d for server 1, 192.0.2.10 - 192.0.2.20
puq_customization_ip_pools row 7: pool %d for server 2, 192.0.2.10 - 192.0.2.20
puq_customization_ip_pools row 8: pool %d for server 1, 2001:db8::10 - 2001:db8::ff
puq_customization_ip_pools row 9 (server 1): not imported:
  vlan: the VLAN tag must be a whole number 0-4094 (0 = untagged)
192.0.2.11 is in tblhosting of services #10 and #11; recorded for #10 only: correct the other service
holdings: 3 addresses of 2 services recorded; 0 outside every pool and list left alone
%d server 1 IPv4 192.0.2.10 - 192.0.2.20 9.09% (1/11)
%d server 2 IPv4 192.0.2.10 - 192.0.2.20 0.00% (0/11)
%d server 1 IPv6 2001:db8::10 - 2001:db8::ff 0.42% (1/240)
192.0.2.11* 10.8.0.5 2001:db8::10 |  | 
{"dry_run":false,"skipped":true,"source":"","pools":0,"allocations":0,"rejected":0}
