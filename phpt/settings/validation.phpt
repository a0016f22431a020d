--TEST--
An invalid settings form throws ValidationException with every field's message and saves nothing
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
try {
    puqkvm_settings_save([
        'default_timeout' => 0,
        'heavy_timeout' => 120,                 // valid, still not saved
        'migration_timeout' => '5 minutes',
        'migration_enabled' => 'maybe',
        'cron_mode' => 'hourly',
        'cron_php_binary' => 'php',
        'dns_endpoint_allowlist' => "10.0.0.1/8",
        'cron_interval_scheduleBackup' => [5],
        'colour' => 'blue',
    ]);
    echo "saved?!\n";
} catch (PuqKvm\ValidationException $e) {
    echo get_class($e), ' ', $e->getCode(), ': ', $e->getMessage(), "\n";
    $errors = $e->getErrors();
    ksort($errors);
    foreach ($errors as $field => $message) {
        echo "$field: $message\n";
    }
}
var_dump((int) $db->pdo()->query("SELECT COUNT(*) FROM puq_proxmox_kvm_settings")->fetchColumn());
var_dump(puqkvm_settings_get()['heavy_timeout']);
?>
--EXPECT--
PuqKvm\ValidationException 101: 8 settings are invalid, so nothing was saved
colour: is not a setting of this module
cron_interval_scheduleBackup: must be a single value, not a list
cron_mode: must be one of: whmcs, standalone
cron_php_binary: must be an absolute path such as /usr/bin/php, or empty
default_timeout: must be a whole number from 1 to 300 seconds
dns_endpoint_allowlist: line 1 (10.0.0.1/8) has host bits set: did you mean 10.0.0.0/8?
migration_enabled: must be on or off
migration_timeout: must be a whole number from 10 to 3600 seconds
int(0)
int(60)
