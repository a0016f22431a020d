--TEST--
DNS zones: create per provider, list and get with masked secrets, edit keeping secrets, field errors, delete
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create();

$cf = puqkvm_dns_zone_create(['type' => 'cloudflare', 'zone' => 'Example.COM.', 'account_id' => null,
    'zone_id' => '023E105F4ECEF8AD9CA31A8372D0C353', 'api_token' => 'cf-secret']);
$he = puqkvm_dns_zone_create(['type' => 'HestiaCP', 'zone' => 'example.com', 'server_url' => 'https://h.example.com:8083',
    'admin_user' => 'admin', 'admin_password' => 'he-secret', 'user' => 'client1']);
foreach (puqkvm_dns_zone_list() as $z) {
    echo json_encode($z), "\n";
}

// edit: the mask and an empty field keep the secret, a new value replaces it
puqkvm_dns_zone_update($he, ['admin_password' => '__KEEP__', 'user' => 'client2']);
puqkvm_dns_zone_update($he, ['admin_password' => '']);
echo $db->pdo()->query("SELECT CONCAT(admin_password, ' ', user) FROM puq_proxmox_kvm_dns_zones WHERE id = $he")->fetchColumn(), "\n";
puqkvm_dns_zone_update($he, ['admin_password' => 'he-new']);
echo $db->pdo()->query("SELECT admin_password FROM puq_proxmox_kvm_dns_zones WHERE id = $he")->fetchColumn(), "\n";
echo puqkvm_dns_zone_get($he)['admin_password'], "\n";

try {
    puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => 'a..b', 'server_url' => ['x'], 'api_key' => '']);
} catch (PuqKvm\ValidationException $e) {
    echo get_class($e), ' ', $e->getCode(), ': ', $e->getMessage(), "\n";
    print_r($e->getErrors());
}
try {
    puqkvm_dns_zone_create(['type' => 'cloudflare', 'zone' => 'example.com',
        'zone_id' => '023e105f4ecef8ad9ca31a8372d0c353', 'api_token' => 'another']);
} catch (PuqKvm\ValidationException $e) {
    print_r($e->getErrors());
}
// the secret never shows in a trace either
try {
    puqkvm_dns_zone_create(['type' => 'bind', 'api_token' => 'trace-secret']);
} catch (PuqKvm\ValidationException $e) {
    echo str_contains($e->getTraceAsString(), 'trace-secret') ? "secret in trace\n" : "trace clean\n";
}
puqkvm_dns_zone_delete($cf);
try {
    puqkvm_dns_zone_get($cf);
} catch (PuqKvm\NotFoundException $e) {
    echo $e->getMessage(), "\n";
}
echo count(puqkvm_dns_zone_list()), " zone left\n";
print_r(array_map(fn ($p) => $p['label'] . ': ' . implode(', ', array_column($p['fields'], 'name')), puqkvm_dns_zone_fields()));
?>
--EXPECT--
{"id":1,"type":"cloudflare","type_label":"Cloudflare","zone":"example.com","account_id":"","zone_id":"023e105f4ecef8ad9ca31a8372d0c353","api_token":"__KEEP__","server_url":null,"admin_user":null,"admin_password":null,"user":null,"api_key":null}
{"id":2,"type":"hestiacp","type_label":"HestiaCP","zone":"example.com","account_id":null,"zone_id":null,"api_token":null,"server_url":"https:\/\/h.example.com:8083\/","admin_user":"admin","admin_password":"__KEEP__","user":"client1","api_key":null}
he-secret client2
he-new
__KEEP__
PuqKvm\ValidationException 101: validation failed in 3 fields
Array
(
    [server_url] => Server URL must be text
    [zone] => Zone name has an empty label
    [api_key] => API Key is required
)
Array
(
    [zone] => Zone example.com is already configured for this Cloudflare zone ID (DNS zone ID 1)
)
trace clean
DNS zone 1 does not exist
1 zone left
Array
(
    [cloudflare] => Cloudflare: zone, account_id, zone_id, api_token
    [hestiacp] => HestiaCP: zone, server_url, admin_user, admin_password, user
    [powerdns] => PowerDNS: zone, server_url, api_key
)
