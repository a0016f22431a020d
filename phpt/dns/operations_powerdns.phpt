--TEST--
DNS operations from PHP against the real PowerDNS: lines live through the callback, records seen by dig, delete
--EXTENSIONS--
puqkvm
pdo_mysql
--SKIPIF--
<?php if (!getenv('PUQKVM_PDNS_API_URL')) die('skip scripts/test exports the PowerDNS settings'); ?>
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create();
$api = getenv('PUQKVM_PDNS_API_URL');
$key = getenv('PUQKVM_PDNS_API_KEY');
$zone = 'phpt' . getmypid() . '.puqkvm.test';
function pdns(string $method, string $path, ?array $body = null): int {
    $ch = curl_init(getenv('PUQKVM_PDNS_API_URL') . '/api/v1/servers/localhost' . $path);
    curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => ['X-API-Key: ' . getenv('PUQKVM_PDNS_API_KEY')],
        CURLOPT_POSTFIELDS => $body ? json_encode($body) : null]);
    curl_exec($ch);
    return curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
}
function dig(string $name, string $type): string {
    // without the sanitizer preload of an ASan run: dig is not the code under test
    return trim((string) shell_exec('env -u LD_PRELOAD dig @127.0.0.1 -p ' . getenv('PUQKVM_PDNS_DNS_PORT')
        . ' +short ' . escapeshellarg($name) . ' ' . $type . ' 2>/dev/null'));
}
pdns('DELETE', "/zones/$zone.");
echo pdns('POST', '/zones', ['name' => "$zone.", 'kind' => 'Native']), "\n";
$id = puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => $zone, 'server_url' => $api, 'api_key' => $key]);
echo count(puqkvm_dns_zones_for("vm1.$zone")), ' ', count(puqkvm_dns_zones_for('vm1.elsewhere.test')), "\n";

$seen = [];
$r = puqkvm_dns_create([['service_id' => 42, 'fqdn' => "vm1.$zone", 'main_ipv4' => '192.0.2.42',
    'main_ipv6' => '2001:db8::42', 'addresses' => ['192.0.2.42' => null]]],
    function (string $line, array $d) use (&$seen, $zone) {
        $seen[] = str_replace($zone, 'ZONE', $line) . ' | ' . $d['kind'] . ' ' . ($d['ok'] ? 'ok' : 'err') . ' ' . $d['type'];
    });
sort($seen);
echo implode("\n", $seen), "\n";
echo "$r[operation] ok=$r[ok] failed=$r[failed] requests=$r[requests] lines=", count($r['lines']), "\n";
echo dig("vm1.$zone", 'A'), ' ', dig("vm1.$zone", 'AAAA'), "\n";

// an exception in the callback surfaces once the operation has finished its work
try {
    puqkvm_dns_resync([['service_id' => 42, 'fqdn' => "vm1.$zone", 'main_ipv4' => '192.0.2.43']],
        function () { throw new RuntimeException('printer on fire'); });
} catch (RuntimeException $e) {
    echo $e->getMessage(), ' / ', dig("vm1.$zone", 'A'), "\n";
}
$r = puqkvm_dns_delete([42]);
echo "$r[operation] ok=$r[ok] failed=$r[failed] / '", dig("vm1.$zone", 'A'), "'\n";
echo $db->pdo()->query('SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records')->fetchColumn(), " rows\n";
echo pdns('DELETE', "/zones/$zone."), "\n";
?>
--EXPECT--
201
1 0
fwd OK [powerdns] ZONE ← vm1.ZONE → 192.0.2.42 | fwd ok A
fwd OK [powerdns] ZONE ← vm1.ZONE → 2001:db8::42 | fwd ok AAAA
create ok=2 failed=0 requests=1 lines=2
192.0.2.42 2001:db8::42
printer on fire / 192.0.2.43
delete ok=1 failed=0 / ''
0 rows
204
