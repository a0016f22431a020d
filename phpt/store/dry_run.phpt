--TEST--
puqkvm_migrate(dryRun: true) lists the changes and makes none
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
$tables = fn () => (int) $db->pdo()->query("SELECT COUNT(*) FROM information_schema.TABLES
    WHERE TABLE_SCHEMA = DATABASE()")->fetchColumn();
$before = $tables();
$plan = puqkvm_migrate(dryRun: true);
var_dump($plan['dry_run'], in_array('create table puq_proxmox_kvm_ip_pools', $plan['changes'], true));
var_dump($tables() === $before, puqkvm_schema_status()['ok']);
$real = puqkvm_migrate();
var_dump($real['changes'] === $plan['changes'], puqkvm_schema_status()['ok']);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
