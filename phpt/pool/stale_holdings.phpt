--TEST--
Holdings of services terminated outside the module: listed, never freed silently, released by the admin action
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = PuqKvm\Test\TestDb::create();
$pdo = $db->pdo();
pool_fixture_server($pdo, 1, 'pve-waw1');
pool_fixture_pool(1, 'IPv4', '10.0.0.1', 24, '10.0.0.2', '10.0.0.20');
foreach ([1, 2, 3, 4] as $id) {
    pool_fixture_service($pdo, $id, 1);
    puqkvm_pool_allocate($id, 1, 1, 0);
}
$pdo->exec("UPDATE tblhosting SET domainstatus = 'Terminated' WHERE id = 2");
$pdo->exec("UPDATE tblhosting SET domainstatus = 'Cancelled' WHERE id = 3");
$pdo->exec("DELETE FROM tblhosting WHERE id = 4");
$stale = puqkvm_pool_stale_holdings();
foreach ($stale as $a) {
    printf("#%d %s %s pool %s since %s\n", $a['service_id'], $a['service_status'] ?: '(deleted)', $a['ip'],
        $a['pool_id'], preg_match('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/', $a['allocated_at']) ? 'a date' : '?');
}
// a new service does not get those addresses
pool_fixture_service($pdo, 5, 1);
echo pool_fixture_ips(puqkvm_pool_allocate(5, 1, 1, 0)), "\n";

puqkvm_pool_release_allocation($stale[0]['id']);
try {
    puqkvm_pool_release_allocation($stale[0]['id']);
} catch (PuqKvm\NotFoundException $e) {
    echo $e->getMessage(), "\n";
}
echo count(puqkvm_pool_stale_holdings()), " left\n";
$h = puqkvm_pool_addresses(2, true)[0];
echo "$h[ip] live=", var_export($h['live'], true), " reason=$h[release_reason]\n";
echo pool_fixture_ips(puqkvm_pool_allocate(1, 1, 2, 0)), "\n";
?>
--EXPECTF--
#2 Terminated 10.0.0.3 pool 1 since a date
#3 Cancelled 10.0.0.4 pool 1 since a date
#4 (deleted) 10.0.0.5 pool 1 since a date
10.0.0.6*
allocation %d is not held any more (already released)
2 left
10.0.0.3 live=false reason=admin
10.0.0.2* 10.0.0.3
