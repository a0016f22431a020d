--TEST--
Migrating over an earlier module's tables adds what is missing and keeps every row
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
$pdo = $db->pdo();
$pdo->exec("CREATE TABLE puq_proxmox_kvm_dns_zones (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    zone VARCHAR(253) NOT NULL, type VARCHAR(16) NOT NULL) ENGINE=InnoDB");
$pdo->exec("INSERT INTO puq_proxmox_kvm_dns_zones (zone, type) VALUES
    ('example.com', 'cloudflare'), ('2.0.192.in-addr.arpa', 'powerdns')");
$r = puqkvm_migrate();
var_dump(in_array('create table puq_proxmox_kvm_dns_zones', $r['changes'], true));
var_dump(in_array('add column puq_proxmox_kvm_dns_zones.created_at', $r['changes'], true));
var_dump($pdo->query("SELECT zone, type FROM puq_proxmox_kvm_dns_zones ORDER BY id")->fetchAll());
var_dump(puqkvm_schema_status()['ok'], puqkvm_migrate()['changes']);
?>
--EXPECT--
bool(false)
bool(true)
array(2) {
  [0]=>
  array(2) {
    ["zone"]=>
    string(11) "example.com"
    ["type"]=>
    string(10) "cloudflare"
  }
  [1]=>
  array(2) {
    ["zone"]=>
    string(20) "2.0.192.in-addr.arpa"
    ["type"]=>
    string(8) "powerdns"
  }
}
bool(true)
array(0) {
}
