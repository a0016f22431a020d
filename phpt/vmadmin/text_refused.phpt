--TEST--
Free text the module could not keep - a NUL byte (C strings would cut the value short), bytes that are not UTF-8, characters beyond U+FFFF (a utf8 WHMCS database cannot hold them) - is refused field by field in settings, DNS zones, the DB Record editor, rDNS names and client-area arguments, and nothing is written; metacharacters and three-byte UTF-8 are kept
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_product($pdo, 1, 'KVM');
vm_fixture_vm($pdo, 1, 1, 1, 0, 'Active', 'ready', 2101, 'vm1');
$emoji = "x \u{1F600}";

echo "settings: ", vm_errors(fn () => puqkvm_settings_save(['cron_php_binary' => "/usr/bin/php\0x"])), "\n";
echo "settings: ", vm_errors(fn () => puqkvm_settings_save(['cron_php_binary' => "/usr/bin/$emoji"])), "\n";
echo "settings: ", vm_errors(fn () => puqkvm_settings_save(['cron_php_binary' => "/usr/bin/\xff"])), "\n";
echo "zone: ", vm_errors(fn () => puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => 'example.test',
    'server_url' => 'https://pdns.example.test:8081', 'api_key' => "key\0tail"])), "\n";
echo "record: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, ['vm_name' => "vm\0evil", 'fqdn' => $emoji], 'admin')), "\n";
echo "rdns: ", vm_errors(fn () => puqkvm_vmadmin_rdns_save(1, ['192.0.2.10' => "host\0.example.test"], 'admin')), "\n";
echo "client: ", vm_errors(fn () => puqkvm_client_call([], 1, 1, 'backup_now', ['note' => "a\0b"])), "\n";
echo "client: ", vm_errors(fn () => puqkvm_client_call([], 1, 1, 'firewall_rule_add',
    ['rule' => ['comment' => $emoji, 'type' => 'in']])), "\n";
echo "client: ", vm_errors(fn () => puqkvm_client_call([], 1, 1, 'rdns_save', ['names' => ['192.0.2.10' => "\xc0\xaf"]])), "\n";
echo "nothing written: ", json_encode([
    $pdo->query('SELECT COUNT(*) FROM puq_proxmox_kvm_settings')->fetchColumn(),
    $pdo->query('SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones')->fetchColumn(),
    $pdo->query('SELECT vm_name FROM puqProxmoxKVM_vm_info')->fetchColumn()]), "\n";

$kept = "/opt/it's \"php\" 100% _x_ ;-- \\ é中Ω";
puqkvm_settings_save(['cron_php_binary' => $kept]);
echo "kept: ", json_encode(puqkvm_settings_get()['cron_php_binary'] === $kept), "\n";
?>
--EXPECT--
settings: {"cron_php_binary":"must not contain a NUL byte"}
settings: {"cron_php_binary":"must not contain emoji or other characters beyond U+FFFF (the WHMCS database stores at most three bytes per character)"}
settings: {"cron_php_binary":"must be UTF-8 text"}
zone: {"api_key":"API Key must not contain a NUL byte"}
record: {"fqdn":"must not contain emoji or other characters beyond U+FFFF (the WHMCS database stores at most three bytes per character)","vm_name":"must not contain a NUL byte"}
rdns: {"rdns.192.0.2.10":"must not contain a NUL byte"}
client: {"note":"must not contain a NUL byte"}
client: {"rule.comment":"must not contain emoji or other characters beyond U+FFFF (the WHMCS database stores at most three bytes per character)"}
client: {"rdns.192.0.2.10":"must be UTF-8 text"}
nothing written: [0,0,"vm1"]
kept: true
