--TEST--
puqkvm_migrate() creates the module tables in a WHMCS database and the status turns ok
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
$before = puqkvm_schema_status();
var_dump($before['current'], $before['ok'], str_contains($before['message'], 'activate'));

$r = puqkvm_migrate();
var_dump($r['from'], $r['to'] === puqkvm_schema_status()['required'], $r['dry_run']);
foreach (['create table puq_proxmox_kvm_meta', 'create table puq_proxmox_kvm_settings',
          'create table puqProxmoxKVM_vm_info', 'set schema version ' . $r['to']] as $line) {
    $shown = str_starts_with($line, 'set schema version') ? 'set schema version N' : $line;
    echo $shown, ': ', in_array($line, $r['changes'], true) ? 'yes' : 'NO', "\n";
}
$after = puqkvm_schema_status();
var_dump($after['current'] === $after['required'], $after['ok'], $after['message']);

// the tables follow WHMCS's collation
$collations = $db->pdo()->query("SELECT DISTINCT TABLE_COLLATION FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'puq%'")->fetchAll(PDO::FETCH_COLUMN);
var_dump($collations);
?>
--EXPECT--
int(0)
bool(false)
bool(true)
int(0)
bool(true)
bool(false)
create table puq_proxmox_kvm_meta: yes
create table puq_proxmox_kvm_settings: yes
create table puqProxmoxKVM_vm_info: yes
set schema version N: yes
bool(true)
bool(true)
string(0) ""
array(1) {
  [0]=>
  string(18) "utf8mb3_unicode_ci"
}
