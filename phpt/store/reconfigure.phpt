--TEST--
Configuring another database switches the connection; the schema is checked for the new one
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$a = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
puqkvm_settings_save(['default_timeout' => 42]);
$b = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
try {
    puqkvm_settings_get();
} catch (PuqKvm\SchemaException $e) {
    echo "b: not installed\n";
}
$a->configure();
var_dump(puqkvm_settings_get()['default_timeout']);
?>
--EXPECT--
b: not installed
int(42)
