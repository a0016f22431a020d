--TEST--
puqkvm_drop_tables() drops the module's tables and leaves WHMCS's alone
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
$count = fn (string $like) => (int) $db->pdo()->query("SELECT COUNT(*) FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '$like'")->fetchColumn();
$whmcs = $count('tbl%');
$dropped = puqkvm_drop_tables();
var_dump(in_array('puq_proxmox_kvm_settings', $dropped, true), in_array('puqProxmoxKVM_vm_info', $dropped, true));
var_dump($count('puq%'), $count('tbl%') === $whmcs, $whmcs >= 18);
var_dump(puqkvm_schema_status()['ok'], puqkvm_drop_tables());
?>
--EXPECT--
bool(true)
bool(true)
int(0)
bool(true)
bool(true)
bool(false)
array(0) {
}
