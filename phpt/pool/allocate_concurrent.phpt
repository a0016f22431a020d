--TEST--
puqkvm_pool_allocate() from 8 PHP processes at once: no address held twice, exact counts, no unresolved deadlock
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = PuqKvm\Test\TestDb::create();
$pdo = $db->pdo();
pool_fixture_server($pdo, 1, 'pve-waw1');
pool_fixture_pool(1, 'IPv4', '10.50.0.1', 24, '10.50.0.2', '10.50.0.101');   // 100 addresses
pool_fixture_pool(1, 'IPv6', '2001:db8:50::1', 64, '2001:db8:50::2', '2001:db8:50::ffff:ffff:ffff:ffff');
const WORKERS = 8, PER_WORKER = 15;
for ($w = 0; $w < WORKERS; $w++) {
    for ($k = 0; $k < PER_WORKER; $k++) {
        pool_fixture_service($pdo, 1000 * ($w + 1) + $k, 1);
    }
}
for ($s = 100; $s < 110; $s++) {
    pool_fixture_service($pdo, $s, 1);
}

// Each worker: 15 services of its own (1 IPv4 + 1 IPv6 each), and 10 calls for services
// every worker asks for (1 IPv4 each). 120 + 10 IPv4 are wanted; 100 exist.
$child = <<<'PHP'
require $argv[1];
PuqKvm\Test\TestDb::attach($argv[2]);
$w = (int) $argv[3];
$out = ['own_ok' => 0, 'own_exhausted' => 0, 'shared_ok' => 0, 'shared_exhausted' => 0, 'other' => []];
$call = function (string $kind, callable $f) use (&$out) {
    try {
        $f();
        $out[$kind . '_ok']++;
    } catch (PuqKvm\ConflictException $e) {
        $e->getCode() === 213 ? $out[$kind . '_exhausted']++ : $out['other'][] = $e->getMessage();
    } catch (Throwable $e) {
        $out['other'][] = get_class($e) . ': ' . $e->getMessage();
    }
};
time_sleep_until((float) $argv[4]);
for ($k = 0; $k < 15; $k++) {
    $call('own', fn () => puqkvm_pool_allocate(1000 * ($w + 1) + $k, 1, 1, 1));
    if ($k < 10) {
        $call('shared', fn () => puqkvm_pool_allocate(100 + ($k * 7 + $w) % 10, 1, 1, 0));
    }
}
echo json_encode($out);
PHP;
$script = tempnam(sys_get_temp_dir(), 'puqkvm-alloc-');
file_put_contents($script, "<?php\n" . $child);
$ext = getenv('PUQKVM_EXT') ?: ini_get('extension_dir') . '/puqkvm.so';
$startAt = microtime(true) + 1.5; // every process starts its work at the same moment
$procs = [];
for ($w = 0; $w < WORKERS; $w++) {
    $cmd = [PHP_BINARY, '-d', 'extension=' . $ext, $script, __DIR__ . '/../../tests/lib/testdb.php', $db->name,
        (string) $w, sprintf('%.6f', $startAt)];
    $procs[$w] = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$w]);
}
$sum = ['own_ok' => 0, 'own_exhausted' => 0, 'shared_ok' => 0, 'shared_exhausted' => 0];
$other = [];
for ($w = 0; $w < WORKERS; $w++) {
    $stdout = stream_get_contents($pipes[$w][1]);
    $stderr = stream_get_contents($pipes[$w][2]);
    proc_close($procs[$w]);
    $r = json_decode($stdout, true);
    if (!is_array($r)) {
        $other[] = "worker $w: " . trim($stdout . $stderr);
        continue;
    }
    foreach ($sum as $k => $v) {
        $sum[$k] += $r[$k];
    }
    $other = array_merge($other, $r['other']);
}
unlink($script);
echo "calls: ", array_sum($sum), ", unexpected failures: ", count($other), "\n";
foreach (array_slice($other, 0, 3) as $m) {
    echo "  $m\n";
}
$q = fn (string $sql) => $pdo->query($sql)->fetchColumn();
echo "addresses held twice: ", $q('SELECT COUNT(*) FROM (SELECT 1 FROM puq_proxmox_kvm_ip_allocations
    WHERE live = 1 GROUP BY family, address HAVING COUNT(*) > 1) d'), "\n";
echo "IPv4 held (the whole pool): ", $q('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE live = 1 AND family = 4'), "\n";
$ownHolding = (int) $q('SELECT COUNT(DISTINCT service_id) FROM puq_proxmox_kvm_ip_allocations WHERE live = 1 AND service_id >= 1000');
echo "own services that got their addresses = successful calls: ", $ownHolding === $sum['own_ok'] ? 'yes' : "no ($ownHolding)", "\n";
echo "own services with a partial allocation: ", $q('SELECT COUNT(*) FROM (SELECT service_id FROM
    puq_proxmox_kvm_ip_allocations WHERE live = 1 AND service_id >= 1000 GROUP BY service_id
    HAVING SUM(family = 4) <> 1 OR SUM(family = 6) <> 1) d'), "\n";
echo "shared services holding more than one address: ", $q('SELECT COUNT(*) FROM (SELECT service_id FROM
    puq_proxmox_kvm_ip_allocations WHERE live = 1 AND service_id < 1000 GROUP BY service_id
    HAVING COUNT(*) > 1) d'), "\n";
echo "pool counts agree: ", $q('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools p WHERE used <> (SELECT COUNT(*)
    FROM puq_proxmox_kvm_ip_allocations a WHERE a.pool_id = p.id AND a.live = 1)') == 0 ? 'yes' : 'no', "\n";
echo "dedicatedip agrees: ", $q('SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations a JOIN tblhosting h ON
    h.id = a.service_id WHERE a.live = 1 AND a.is_main = 1 AND h.dedicatedip <> a.ip') == 0 ? 'yes' : 'no', "\n";
?>
--EXPECT--
calls: 200, unexpected failures: 0
addresses held twice: 0
IPv4 held (the whole pool): 100
own services that got their addresses = successful calls: yes
own services with a partial allocation: 0
shared services holding more than one address: 0
pool counts agree: yes
dedicatedip agrees: yes
