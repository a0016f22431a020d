<?php
/*
 * bench vm_list_growth: the VM Management list endpoint (the addon's controller, GET
 * op=list, which asks the engine for one keyset page) on a WHMCS with 100,000 services
 * against one with 1,000. Both databases are seeded with set-based SQL (the MariaDB
 * sequence engine) in the shapes WHMCS and the module keep: 1,000 clients, 5 products,
 * 3 servers, services in every status, VM rows in every resting and busy state, one
 * main IPv4 each; then the list's copies are synced as the engine keeps them.
 *
 * Each query - the default view, each filter, both filters, a rare status, a page deep
 * into the default sort and a name sort - is timed on both databases in alternating
 * rounds (the connection is switched and warmed between them); a side's time is the
 * median of its rounds. ratio = the largest 100k / 1k median over the queries; the goal
 * is <= 2: a page must cost about the same whatever the size of the installation.
 */
declare(strict_types=1);

define('WHMCS', true);
$top = dirname(__DIR__, 2);
require "$top/tests/lib/testdb.php";
require "$top/whmcs-module/modules/addons/puq_proxmox_kvm/lib/autoload.php";

use PuqKvm\Test\TestDb;
use WHMCS\Module\Addon\PuqProxmoxKvm\Controller\VmManagement;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;

$calls = (int) (getenv('BENCH_CALLS') ?: 40);
$rounds = (int) (getenv('BENCH_ROUNDS') ?: 7);

function seed(TestDb $db, int $n): void
{
    $pdo = $db->pdo();
    $pdo->exec("SET SESSION sql_mode = ''");
    $t = microtime(true);
    $pdo->exec("INSERT INTO tblclients (id, firstname, lastname, companyname, email, status)
        SELECT seq, ELT(1 + seq % 7, 'Ada', 'Bob', 'Chen', 'Dana', 'Emil', 'Fay', 'Gus'),
            CONCAT('Client', seq), IF(seq % 4 = 0, CONCAT('Company ', seq), ''), CONCAT('c', seq, '@example.test'),
            'Active' FROM seq_1_to_1000");
    $pdo->exec("INSERT INTO tblproducts (id, type, gid, name, servertype)
        SELECT seq, 'server', 1, CONCAT('KVM ', ELT(seq, 'S', 'M', 'L', 'XL', 'XXL')), 'puqProxmoxKVM' FROM seq_1_to_5");
    $pdo->exec("INSERT INTO tblservers (id, name, ipaddress, hostname, type, active)
        SELECT seq, CONCAT('pve-', ELT(seq, 'waw', 'ams', 'fra')), '', '', 'puqProxmoxKVM', 1 FROM seq_1_to_3");
    $pdo->exec("INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domainstatus, billingcycle)
        SELECT seq, 1 + seq % 1000, seq, 1 + seq % 5, 1 + seq % 3, '2026-01-01',
            ELT(1 + seq % 10, 'Active', 'Active', 'Active', 'Active', 'Active', 'Active', 'Active',
                'Suspended', 'Terminated', 'Cancelled'), 'Monthly' FROM seq_1_to_$n");
    $pdo->exec("INSERT INTO puqProxmoxKVM_vm_info (service_id, client_id, product_id, server_id, vm_id, vm_name,
            vm_status, action)
        SELECT seq, 1 + seq % 1000, 1 + seq % 5, 1 + seq % 3, 1000 + seq, CONCAT('vm', seq),
            IF(seq % 10 = 8 OR seq % 10 = 9, IF(seq % 97 = 0, 'error_terminate', 'remove'),
               IF(seq % 50 = 1, 'clone', 'ready')), '' FROM seq_1_to_$n");
    $pdo->exec("INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id, server_id,
            is_main, allocated_at)
        SELECT 4, UNHEX(LPAD(HEX(167772160 + seq), 32, '0')), INET_NTOA(167772160 + seq), 1, seq, 1 + seq % 3, 1,
            NOW() FROM seq_1_to_$n WHERE seq % 10 < 8");
    $db->configure();
    $synced = puqkvm_vmlist_sync('all');
    fprintf(STDERR, "seeded %d services (%d list rows synced) in %.1f s\n", $n, $synced, microtime(true) - $t);
}

function endpoint(array $query): array
{
    $request = new Request('GET', ['action' => 'vm_management', 'op' => 'list', 'ajax' => '1'] + $query, [], [], 1,
        'addonmodules.php?module=puq_proxmox_kvm');
    $response = (new VmManagement())->get($request);
    if ($response->status !== 200) {
        throw new RuntimeException('the endpoint answered ' . $response->status . ': ' . json_encode($response->data));
    }
    return $response->data;
}

function median(array $v): float
{
    sort($v);
    $c = count($v);
    return $c % 2 ? $v[intdiv($c, 2)] : ($v[$c / 2 - 1] + $v[$c / 2]) / 2;
}

$small = TestDb::create(whmcs: true, migrate: true);
seed($small, 1000);
$large = TestDb::create(whmcs: true, migrate: true);
seed($large, 100000);

/* The queries, each with the cursor of a page 10 pages in where it asks for one. */
$queries = [
    'default' => [],
    'service=Active' => ['service_status' => 'Active'],
    'vm=ready' => ['vm_status' => 'ready'],
    'Active+ready' => ['service_status' => 'Active', 'vm_status' => 'ready'],
    'vm=clone, 10 rows' => ['vm_status' => 'clone', 'limit' => '10'],
    'page 10' => ['deep' => 10],
    'client A-Z page 10' => ['sort' => 'client', 'dir' => 'asc', 'deep' => 10],
];

/* Resolves "deep" into the cursor of that page on the current database. */
function resolve(array $q): array
{
    $deep = $q['deep'] ?? 0;
    unset($q['deep']);
    for ($i = 1; $i < $deep; $i++) {
        $page = endpoint($q);
        $q['cursor'] = $page['next'];
    }
    return $q;
}

$results = [];
foreach ($queries as $name => $query) {
    $sides = ['1k' => $small, '100k' => $large];
    $resolved = [];
    foreach ($sides as $side => $db) {
        $db->configure();
        $resolved[$side] = resolve($query);
        $rows = count(endpoint($resolved[$side])['rows']);
        if ($rows !== (int) ($query['limit'] ?? 25)) {
            fprintf(STDERR, "%s on %s: %d rows, expected a full page\n", $name, $side, $rows);
            exit(1);
        }
    }
    $times = ['1k' => [], '100k' => []];
    for ($r = 0; $r < $rounds; $r++) {
        $order = $r % 2 ? ['100k', '1k'] : ['1k', '100k'];
        foreach ($order as $side) {
            $sides[$side]->configure();
            for ($w = 0; $w < 5; $w++) {
                endpoint($resolved[$side]);
            }
            $t = hrtime(true);
            for ($i = 0; $i < $calls; $i++) {
                endpoint($resolved[$side]);
            }
            $times[$side][] = (hrtime(true) - $t) / $calls;
        }
    }
    $results[$name] = [median($times['1k']), median($times['100k'])];
    printf("  %-20s 1k %7.0f us   100k %7.0f us   ratio %.2f\n", $name, $results[$name][0] / 1000,
        $results[$name][1] / 1000, $results[$name][1] / $results[$name][0]);
}

$worst = '';
$ratio = 0.0;
foreach ($results as $name => [$a, $b]) {
    if ($b / $a > $ratio) {
        $ratio = $b / $a;
        $worst = $name;
    }
}
[$a, $b] = $results['default'];
printf("bench: vm_list_growth ratio=%.2f goal=<=2 list endpoint page of 25 at 100,000 vs 1,000 services, "
    . "worst of %d queries (%s); default view %.0f us vs %.0f us (medians of %d rounds x %d calls)\n",
    $ratio, count($results), $worst, $b / 1000, $a / 1000, $rounds, $calls);
