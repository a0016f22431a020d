--TEST--
DNS legacy: the dns.php mapping, the endpoint allowlist, the zone import from PUQ Customization (dry run first)
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create();
puqkvm_dns_create([['service_id' => 7, 'fqdn' => 'vps-1-4780.vps.uuq.pl', 'main_ipv4' => '192.168.0.3',
    'addresses' => ['192.168.0.3' => 'test.vps.uuq.pl', '2001:DB8:0:0::3' => null]]]);
echo json_encode(puqkvm_dns_legacy_map()), "\n";
var_dump(puqkvm_dns_endpoint_allowed('127.0.0.1'));
puqkvm_settings_save(['dns_endpoint_allowlist' => "10.0.0.0/8\n2001:db8::/32"]);
var_dump(puqkvm_dns_endpoint_allowed('10.1.2.3'), puqkvm_dns_endpoint_allowed('2001:db8::9'),
    puqkvm_dns_endpoint_allowed('127.0.0.1'), puqkvm_dns_endpoint_allowed('garbage'));

$db->pdo()->exec("CREATE TABLE puq_customization_module_puq_proxmox_kvm_dns_zones (id INT PRIMARY KEY,
    domain VARCHAR(255), provider VARCHAR(32), url VARCHAR(255), api_key VARCHAR(255))");
$db->pdo()->exec("INSERT INTO puq_customization_module_puq_proxmox_kvm_dns_zones VALUES
    (1, 'uuq.pl', 'pdns', 'http://pdns.legacy:8081', 'legacy-key'), (2, '', 'pdns', '', '')");
$dry = puqkvm_dns_import_legacy(true);
echo json_encode(array_diff_key($dry, ['log' => 1])), "\n", $dry['log'];
echo count(puqkvm_dns_zone_list()), " zones after the dry run\n";
$real = puqkvm_dns_import_legacy();
echo $real['zones'], ' imported, ', $real['rejected'], " rejected\n";
echo json_encode(puqkvm_dns_zone_list()[0]), "\n";
echo json_encode(array_diff_key(puqkvm_dns_import_legacy(), ['log' => 1])), "\n";
?>
--EXPECT--
[{"forward":"vps-1-4780.vps.uuq.pl","ip":"192.168.0.3","reverse":"test.vps.uuq.pl"},{"forward":"vps-1-4780.vps.uuq.pl","ip":"2001:db8::3","reverse":"vps-1-4780.vps.uuq.pl"}]
bool(false)
bool(true)
bool(true)
bool(false)
bool(false)
{"dry_run":true,"skipped":false,"source":"puq_customization_module_puq_proxmox_kvm_dns_zones","zones":1,"rejected":1}
row 1: PowerDNS zone uuq.pl would be imported
row 2 (no zone name): not imported:
  zone: Zone is required
  server_url: Server URL is required
  api_key: API Key is required
0 zones after the dry run
1 imported, 1 rejected
{"id":2,"type":"powerdns","type_label":"PowerDNS","zone":"uuq.pl","account_id":null,"zone_id":null,"api_token":null,"server_url":"http:\/\/pdns.legacy:8081","admin_user":null,"admin_password":null,"user":null,"api_key":"__KEEP__"}
{"dry_run":false,"skipped":true,"source":"puq_customization_module_puq_proxmox_kvm_dns_zones","zones":0,"rejected":0}
