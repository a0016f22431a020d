--TEST--
puqkvm_pool_allocate(): lowest free first, pools then the legacy list, tblhosting written, idempotent, release keeps history
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = PuqKvm\Test\TestDb::create();
$pdo = $db->pdo();
pool_fixture_server($pdo, 1, 'pve-waw1', "vmbr0|0|10.8.0.5|24|10.8.0.1|9.9.9.9\nvmbr0|0|10.8.0.6|24|10.8.0.1|9.9.9.9");
$v4 = pool_fixture_pool(1, 'IPv4', '192.168.130.1', 24, '192.168.130.2', '192.168.130.4');
pool_fixture_pool(1, 'IPv6', '2001:db8::1', 64, '2001:db8::2', '2001:db8::ffff:ffff:ffff:ffff');
foreach ([5546, 5547, 5548] as $id) {
    pool_fixture_service($pdo, $id, 1);
}

$held = puqkvm_pool_allocate(5546, 1, 2, 2);
echo pool_fixture_ips($held), "\n";
echo json_encode(array_intersect_key($held[0], array_flip(['family', 'ip', 'ip_expanded', 'bridge', 'vlan', 'mask', 'gateway', 'dns1', 'pool_id', 'live']))), "\n";
$row = $pdo->query('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = 5546')->fetch();
echo $row['dedicatedip'], "\n", $row['assignedips'], "\n";

// the same call again changes nothing
echo pool_fixture_ips(puqkvm_pool_allocate(5546, 1, 2, 2)), "\n";
echo $pdo->query('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations')->fetchColumn(), " rows\n";

// the pool has one address left, then the server's list takes over
echo pool_fixture_ips(puqkvm_pool_allocate(5547, 1, 3, 0)), "\n";
try {
    puqkvm_pool_allocate(5548, 1, 2, 0);
} catch (PuqKvm\ConflictException $e) {
    echo get_class($e), ' ', $e->getCode(), ': ', $e->getMessage(), "\n";
}
echo pool_fixture_ips(puqkvm_pool_addresses(5548)), "|\n";

// a package with fewer addresses: the surplus goes, the main address stays
echo pool_fixture_ips(puqkvm_pool_allocate(5546, 1, 1, 1)), "\n";
echo puqkvm_pool_get($v4)['usage'], "\n";
// terminate completed
echo puqkvm_pool_release_service(5547, 'terminate'), " released\n";
echo json_encode($pdo->query('SELECT dedicatedip, assignedips FROM tblhosting WHERE id = 5547')->fetch()), "\n";
foreach (puqkvm_pool_addresses(5547, true) as $a) {
    echo $a['ip'], ' ', $a['live'] ? 'held' : "released ($a[release_reason])", ' ', $a['released_at'] === null ? '-' : 'at a time', "\n";
}
// the holes are taken lowest first
echo pool_fixture_ips(puqkvm_pool_allocate(5548, 1, 2, 0)), "\n";
try {
    puqkvm_pool_release_service(5548, 'because');
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
try {
    puqkvm_pool_allocate(5548, 1, -1, 0);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
192.168.130.2* 192.168.130.3 2001:db8::2 2001:db8::3
{"pool_id":1,"family":4,"ip":"192.168.130.2","ip_expanded":"192.168.130.2","bridge":"vmbr0","vlan":0,"mask":24,"gateway":"192.168.130.1","dns1":"8.8.8.8","live":true}
192.168.130.2
192.168.130.3
2001:0db8:0000:0000:0000:0000:0000:0002
2001:0db8:0000:0000:0000:0000:0000:0003
192.168.130.2* 192.168.130.3 2001:db8::2 2001:db8::3
4 rows
192.168.130.4* 10.8.0.5 10.8.0.6
PuqKvm\ConflictException 213: no free IPv4 address for service #5548 on server pve-waw1 (ID 1) on bridge vmbr0, VLAN 0: its pools and its Assigned IP Addresses list are used up; add addresses or another pool
|
192.168.130.2* 2001:db8::2
66.67% (2/3)
3 released
{"dedicatedip":"","assignedips":""}
192.168.130.4 released (terminate) at a time
10.8.0.5 released (terminate) at a time
10.8.0.6 released (terminate) at a time
192.168.130.3* 192.168.130.4
puqkvm_pool_release_service(): Argument #2 ($reason) must be "terminate", "redeploy", "package" or "admin"
puqkvm_pool_allocate(): Argument #3 ($ipv4Count) must be between 0 and 256
