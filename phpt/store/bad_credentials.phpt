--TEST--
A wrong password is a DatabaseException naming the database, never the password
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: false, migrate: false, configure: false);
$config = $db->config();
$config['db_password'] = 'Wr0ng-Pa55word-7';
puqkvm_db_configure($config);
try {
    puqkvm_settings_get();
} catch (PuqKvm\DatabaseException $e) {
    echo get_class($e), ' ', $e->getCode(), "\n";
    var_dump(str_contains($e->getMessage(), $db->name));
    var_dump(str_contains($e->getMessage(), 'Access denied'));
    var_dump(str_contains($e->getMessage(), 'Wr0ng-Pa55word-7'));
}
?>
--EXPECT--
PuqKvm\DatabaseException 301
bool(true)
bool(true)
bool(false)
