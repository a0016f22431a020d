--TEST--
A database at another schema version makes every entry point throw SchemaException until migrated
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
// an older module version left its version row behind
$db->pdo()->exec("UPDATE puq_proxmox_kvm_meta SET value = '1' WHERE name = 'schema_version'");
foreach (['puqkvm_settings_get', 'puqkvm_dashboard'] as $f) {
    try {
        $f();
        echo "$f: no exception\n";
    } catch (PuqKvm\SchemaException $e) {
        echo "$f: ", $e->getCode(), ' ', str_contains($e->getMessage(), 'migrate') ? 'says migrate' : $e->getMessage(), "\n";
    }
}
$status = puqkvm_schema_status();
var_dump($status['current'], $status['ok']);
puqkvm_migrate();
var_dump(puqkvm_schema_status()['ok'], puqkvm_settings_get()['default_timeout']);
?>
--EXPECT--
puqkvm_settings_get: 310 says migrate
puqkvm_dashboard: 310 says migrate
int(1)
bool(false)
bool(true)
int(10)
