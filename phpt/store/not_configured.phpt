--TEST--
Using the database before puqkvm_db_configure() throws a DatabaseException that says what to do
--EXTENSIONS--
puqkvm
--FILE--
<?php
foreach (['puqkvm_migrate', 'puqkvm_settings_get', 'puqkvm_dashboard'] as $f) {
    try {
        $f();
    } catch (PuqKvm\DatabaseException $e) {
        echo $f, ': ', $e->getCode(), ' ', $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
puqkvm_migrate: 302 the database connection is not configured: call puqkvm_db_configure() with the db_* values of WHMCS's configuration.php first
puqkvm_settings_get: 302 the database connection is not configured: call puqkvm_db_configure() with the db_* values of WHMCS's configuration.php first
puqkvm_dashboard: 302 the database connection is not configured: call puqkvm_db_configure() with the db_* values of WHMCS's configuration.php first
