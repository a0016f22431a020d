--TEST--
DNS operations: bad input is a ValidationException (field by field) or a ValueError, and nothing is stored
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create();
$cases = [
    [['service_id' => 0, 'fqdn' => 'vm.example.com']],
    [['service_id' => 5, 'fqdn' => 'vm..example.com', 'main_ipv4' => '2001:db8::1', 'main_ipv6' => '10.0.0.1']],
    [['service_id' => 5, 'fqdn' => 'vm.example.com', 'addresses' => ['192.0.2.300' => null, '192.0.2.1' => 'not a host']]],
    [['service_id' => 5, 'fqdn' => 42]],
    ['not an array'],
    [['service_id' => 5, 'addresses' => ['192.0.2.1' => ['x']]]],
];
foreach ($cases as $services) {
    try {
        puqkvm_dns_create($services);
        echo "accepted\n";
    } catch (PuqKvm\ValidationException $e) {
        echo json_encode($e->getErrors()), "\n";
    }
}
try {
    puqkvm_dns_delete(['x']);
} catch (PuqKvm\ValidationException $e) {
    echo json_encode($e->getErrors()), "\n";
}
try {
    puqkvm_dns_zones_for('bad name!');
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
echo $db->pdo()->query('SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records')->fetchColumn(), " rows\n";
?>
--EXPECT--
{"service_id":"service_id must be a positive integer"}
{"fqdn":"The FQDN has an empty label","main_ipv4":"The main IPv4 is not a valid IPv4 address: an IPv6 address where an IPv4 address is expected","main_ipv6":"The main IPv6 is not a valid IPv6 address: an IPv4 address where an IPv6 address is expected"}
{"addresses.192.0.2.300":"Not a valid IP address: IPv4 part 4 is greater than 255","addresses.192.0.2.1":"The rDNS hostname must not contain blanks"}
{"fqdn":"fqdn must be a string"}
{"services":"each service must be an array"}
{"addresses":"addresses must map each IP address to its rDNS host name or null"}
{"service_id":"service ids must be positive integers"}
puqkvm_dns_zones_for(): Argument #1 ($name) must be a DNS name: it must not contain blanks
0 rows
