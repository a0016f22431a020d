--TEST--
IP pools: create, list with usage and rDNS zone, edit, field-level validation, delete
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create();
$db->pdo()->exec("INSERT INTO tblservers (id, name, ipaddress, assignedips, hostname, noc, statusaddress,
    nameserver1, nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip, nameserver4,
    nameserver4ip, nameserver5, nameserver5ip, type, username, password, accesshash, secure, active,
    disabled) VALUES (3, 'pve-waw1', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
    'puqProxmoxKVM', '', '', '', 'on', 1, 0)");

print_r(puqkvm_pool_servers());
$v4 = puqkvm_pool_create(['server' => '3', 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
    'gateway' => '192.168.130.1', 'mask' => '24', 'dns1' => '8.8.8.8', 'dns2' => '1.1.1.1',
    'start' => '192.168.130.2', 'stop' => '192.168.130.30']);
$v6 = puqkvm_pool_create(['server' => 3, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => 0,
    'gateway' => '2001:DB8::1', 'mask' => 120, 'dns1' => '', 'dns2' => null,
    'start' => '2001:0db8:0000:0000:0000:0000:0000:0002', 'stop' => '2001:db8::50']);
foreach (puqkvm_pool_list() as $p) {
    printf("%d %s (ID: %d) %s %s/%d %s - %s | rDNS zone: %s | %s | %s\n", $p['id'], $p['server_name'],
        $p['server_id'], $p['type'], $p['bridge'], $p['vlan'], $p['start'], $p['stop'],
        $p['rdns_zone'] ?? 'classless delegation required', $p['usage'], $p['total']);
}

// every bad field at once, nothing saved
try {
    puqkvm_pool_create(['server' => 3, 'type' => 'IPv4', 'bridge' => 'vm br0', 'vlan' => '4095',
        'gateway' => '2001:db8::1', 'mask' => '33', 'dns1' => 'x', 'dns2' => ['array'],
        'start' => '192.168.131.2', 'stop' => '192.168.130.30']);
} catch (PuqKvm\ValidationException $e) {
    foreach ($e->getErrors() as $field => $message) {
        echo "$field: $message\n";
    }
}
echo count(puqkvm_pool_list()), " pools\n";

// edit: a /22 has no rDNS zone of its own
puqkvm_pool_update($v4, ['server' => 3, 'type' => 'IPv4', 'bridge' => 'vmbr1', 'vlan' => '20',
    'gateway' => '192.168.128.1', 'mask' => '22', 'dns1' => '9.9.9.9', 'dns2' => '',
    'start' => '192.168.128.2', 'stop' => '192.168.131.254']);
$p = puqkvm_pool_get($v4);
echo "$p[bridge]/$p[vlan] $p[gateway]/$p[mask] $p[start] - $p[stop] ", var_export($p['rdns_zone'], true),
    " $p[usage]\n";

// overlap on the same server, bridge and VLAN
try {
    puqkvm_pool_create(['server' => 3, 'type' => 'IPv4', 'bridge' => 'vmbr1', 'vlan' => '20',
        'gateway' => '192.168.128.1', 'mask' => '22', 'start' => '192.168.130.100', 'stop' => '192.168.130.110']);
} catch (PuqKvm\ValidationException $e) {
    echo $e->getErrors()['start'], "\n";
}

puqkvm_pool_delete($v6);
try {
    puqkvm_pool_get($v6);
} catch (PuqKvm\NotFoundException $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
echo $db->pdo()->query('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools')->fetchColumn(), " pool left\n";
?>
--EXPECT--
Array
(
    [0] => Array
        (
            [id] => 3
            [name] => pve-waw1
        )

)
1 pve-waw1 (ID: 3) IPv4 vmbr0/0 192.168.130.2 - 192.168.130.30 | rDNS zone: 130.168.192.in-addr.arpa | 0.00% (0/29) | 29
2 pve-waw1 (ID: 3) IPv6 vmbr0/0 2001:db8::2 - 2001:db8::50 | rDNS zone: 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa | 0.00% (0/79) | 79
dns2: must be a single value
bridge: a bridge name uses only letters, digits, '-', '_' and '.'
vlan: the VLAN tag must be a whole number 0-4094 (0 = untagged)
mask: the mask must be a prefix length 1-32 for IPv4
gateway: an IPv6 address where an IPv4 address is expected
dns1: invalid character at position 1
stop: the last address must not be lower than the first
2 pools
vmbr1/20 192.168.128.1/22 192.168.128.2 - 192.168.131.254 NULL 0.00% (0/1021)
the range overlaps pool 1 (192.168.128.2 - 192.168.131.254) on the same server, bridge and VLAN
PuqKvm\NotFoundException: pool 2 does not exist
1 pool left
