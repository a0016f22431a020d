--TEST--
A database without the module tables throws SchemaException telling to activate the addon
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
try {
    puqkvm_settings_get();
} catch (PuqKvm\SchemaException $e) {
    echo $e->getCode(), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
310: the puqkvm tables are not installed in this database: activate the puq_proxmox_kvm addon (Setup > Addon Modules), which runs the migrations
