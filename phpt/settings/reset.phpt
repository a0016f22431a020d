--TEST--
puqkvm_settings_reset() returns a group, or everything, to the defaults
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
puqkvm_settings_save(['default_timeout' => 30, 'cron_mode' => 'standalone', 'cron_lock_timeout' => 900]);
$s = puqkvm_settings_reset('cron');
var_dump($s['cron_mode'], $s['cron_lock_timeout'], $s['default_timeout']);
$s = puqkvm_settings_reset();
var_dump($s['default_timeout']);
try {
    puqkvm_settings_reset('network');
} catch (PuqKvm\ValidationException $e) {
    var_dump($e->getErrors());
}
?>
--EXPECT--
string(5) "whmcs"
int(600)
int(30)
int(10)
array(1) {
  ["group"]=>
  string(39) "is not a settings group (general, cron)"
}
