--TEST--
puqkvm_settings_save() stores valid values, normalised, and returns all settings
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
$saved = puqkvm_settings_save([
    'default_timeout' => ' 25 ',
    'migration_enabled' => false,
    'cron_mode' => 'standalone',
    'cron_interval_collectingStatistics' => 0,
    'dns_endpoint_allowlist' => "192.0.2.0/24\r\n\r\n 2001:db8::/48 \n",
]);
var_dump($saved['default_timeout'], $saved['migration_enabled'], $saved['cron_mode'],
    $saved['cron_interval_collectingStatistics'], $saved['dns_endpoint_allowlist'], $saved['heavy_timeout']);
var_dump(puqkvm_settings_get() === $saved);
var_dump($db->pdo()->query("SELECT name, value FROM puq_proxmox_kvm_settings ORDER BY name")
    ->fetchAll(PDO::FETCH_KEY_PAIR));
?>
--EXPECT--
int(25)
bool(false)
string(10) "standalone"
int(0)
string(26) "192.0.2.0/24
2001:db8::/48"
int(60)
bool(true)
array(5) {
  ["cron_interval_collectingStatistics"]=>
  string(1) "0"
  ["cron_mode"]=>
  string(10) "standalone"
  ["default_timeout"]=>
  string(2) "25"
  ["dns_endpoint_allowlist"]=>
  string(26) "192.0.2.0/24
2001:db8::/48"
  ["migration_enabled"]=>
  string(1) "0"
}
