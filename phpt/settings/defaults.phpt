--TEST--
puqkvm_settings_get() returns every setting with its default, typed
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
var_dump(puqkvm_settings_get());
?>
--EXPECT--
array(21) {
  ["default_timeout"]=>
  int(10)
  ["heavy_timeout"]=>
  int(60)
  ["migration_enabled"]=>
  bool(true)
  ["migration_timeout"]=>
  int(300)
  ["dns_endpoint_allowlist"]=>
  string(0) ""
  ["drop_tables_on_deactivate"]=>
  bool(false)
  ["cron_mode"]=>
  string(5) "whmcs"
  ["cron_php_binary"]=>
  string(0) ""
  ["cron_lock_timeout"]=>
  int(600)
  ["cron_concurrency"]=>
  int(64)
  ["pve_connections"]=>
  int(16)
  ["clone_cap"]=>
  int(4)
  ["attention_after"]=>
  int(3600)
  ["wake_on_provision"]=>
  bool(true)
  ["cron_interval_processVirtualMachines"]=>
  int(1)
  ["cron_interval_removeOldSnapshots"]=>
  int(5)
  ["cron_interval_restoreBackupStatus"]=>
  int(1)
  ["cron_interval_nowBackupStatus"]=>
  int(1)
  ["cron_interval_scheduleBackup"]=>
  int(5)
  ["cron_interval_scheduleSnapshot"]=>
  int(5)
  ["cron_interval_collectingStatistics"]=>
  int(60)
}
