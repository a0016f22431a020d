--TEST--
A second puqkvm_migrate() changes nothing
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);
$first = puqkvm_migrate();
var_dump(count($first['changes']) > 0);
$second = puqkvm_migrate();
var_dump($second['from'] === $second['to'], $second['changes']);
var_dump(puqkvm_schema_status()['ok']);
?>
--EXPECT--
bool(true)
bool(true)
array(0) {
}
bool(true)
