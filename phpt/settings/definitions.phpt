--TEST--
puqkvm_settings_definitions() describes each setting for the forms, without a database
--EXTENSIONS--
puqkvm
--FILE--
<?php
$defs = puqkvm_settings_definitions();
$by = array_column($defs, null, 'name');
var_dump(count($defs) === count($by));
var_dump($by['default_timeout']);
var_dump($by['cron_mode']['type'], $by['cron_mode']['choices']);
var_dump($by['dns_endpoint_allowlist']['multiline'], $by['dns_endpoint_allowlist']['max_length']);
var_dump($by['migration_enabled']['default']);
echo implode(',', array_unique(array_column($defs, 'group'))), "\n";
?>
--EXPECT--
bool(true)
array(13) {
  ["name"]=>
  string(15) "default_timeout"
  ["group"]=>
  string(7) "general"
  ["section"]=>
  string(12) "API Timeouts"
  ["type"]=>
  string(3) "int"
  ["default"]=>
  int(10)
  ["min"]=>
  int(1)
  ["max"]=>
  int(300)
  ["unit"]=>
  string(1) "s"
  ["choices"]=>
  array(0) {
  }
  ["max_length"]=>
  NULL
  ["multiline"]=>
  bool(false)
  ["label"]=>
  string(15) "Default Timeout"
  ["help"]=>
  string(73) "Timeout of Proxmox API requests made while an admin or client page loads."
}
string(6) "choice"
array(2) {
  ["whmcs"]=>
  string(37) "WHMCS hook (runs with the WHMCS cron)"
  ["standalone"]=>
  string(54) "Standalone (system crontab runs cron.php every minute)"
}
bool(true)
int(4096)
bool(true)
general,cron
