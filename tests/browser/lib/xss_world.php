<?php

/*
 * The world of the XSS browser test, in a harness root the browser harness made: a VM
 * deployed to ready on the Proxmox simulator, and a script payload in every stored text
 * field the module's pages show. Each payload carries a tag of its own (X01, X02, ...)
 * so the test can tell which field it came from.
 *
 * A value goes in the way it would in production: through the engine where the engine
 * takes it (a client's backup note, snapshot description and firewall comment, the PHP
 * binary setting) - and when the engine refuses it (a pool's bridge, a zone's name, a VM
 * name, an rDNS host name), straight into the database, where WHMCS or someone with
 * database access could put it. WHMCS's own records (client, product and server names)
 * are written as WHMCS writes them. Prints the tags, where each went and how, as JSON.
 *   php -d extension=puqkvm.so xss_world.php ROOT SIM_PORT SIM_FINGERPRINT
 */

[, $root, $port, $fingerprint] = $argv + [null, '', '', ''];
putenv("PUQKVM_WHMCS_ROOT=$root");
require dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once ROOTDIR . '/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';

use WHMCS\Database\Capsule;
use WhmcsHarness\ClientSession;
use WhmcsHarness\Crypto;
use WhmcsHarness\Rows;
use WhmcsHarness\ServiceParams;

/** The payload of a tag: script and event handler, a javascript: URL, template syntax. */
function payload(string $tag, int $max = 255): string
{
    $long = "\"><script>__xss='$tag'</script><img src=x onerror=\"__xss='$tag'\">javascript:__xss='$tag' {\$smarty.version}{{7*7}}#$tag";
    $short = "<img src=x onerror=__xss='$tag'>{\$x}{{7*7}}#$tag";
    return strlen($long) <= $max ? $long : $short;
}

/** @var array<string, array{field: string, via: string, value: string}> */
$seeded = [];
$next = 1;

/** A new tag for $field; its payload fits $max characters. */
function seed(string $field, string $via, int $max = 255): string
{
    global $seeded, $next;
    $tag = sprintf('X%02d', $next++);
    $seeded[$tag] = ['field' => $field, 'via' => $via, 'value' => payload($tag, $max)];
    return $seeded[$tag]['value'];
}

/**
 * Tries the engine; when it refuses the value, notes the refusal and writes it directly
 * ($db), or leaves it out when another seed writes that column ($db null: "refused").
 */
function through_core_or_db(string $field, int $max, callable $core, ?callable $db): void
{
    global $seeded, $next;
    $value = seed($field, 'engine', $max);
    $tag = sprintf('X%02d', $next - 1);
    try {
        $core($value);
    } catch (PuqKvm\ValidationException $e) {
        $why = implode('; ', $e->getErrors());
        $seeded[$tag]['via'] = $db ? "database (the engine refused it: $why)" : "refused by the engine: $why";
        if ($db) {
            $db($value);
        }
    }
}

function cron(string $task): void
{
    for ($i = 0; $i < 8; $i++) {
        puqkvm_cron_run(['task' => $task, 'quiet' => true, 'utc_offset' => 0], null, 'decrypt');
        $busy = Capsule::table('puqProxmoxKVM_vm_info')->where(static fn ($q) => $q
            ->whereNotIn('vm_status', ['ready', 'remove', 'error_terminate'])->orWhere('job_kind', '<>', ''))->count();
        if ($busy === 0) {
            return;
        }
        Capsule::table('puqProxmoxKVM_vm_info')->update(['next_run_at' => Capsule::raw('NOW()')]);
    }
    throw new RuntimeException("$task did not finish");
}

WHMCS\Module\Addon\PuqProxmoxKvm\Guard::connect();
puqkvm_settings_save(['wake_on_provision' => false]);

/* ---- a VM deployed to ready ---- */
$server = (int) Capsule::table('tblservers')->insertGetId(Rows::complete('tblservers', ['name' => 'pve-sim',
    'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1', 'port' => $port, 'type' => 'puqProxmoxKVM',
    'username' => 'automation@pve!ci', 'password' => Crypto::encrypt('6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e'),
    'accesshash' => "fingerprint=$fingerprint", 'secure' => 'on', 'active' => 1]));
puqkvm_pool_create(['server' => $server, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
    'gateway' => '10.78.0.1', 'mask' => '24', 'dns1' => '192.0.2.53', 'dns2' => '',
    'start' => '10.78.0.10', 'stop' => '10.78.0.200']);
$settings = ['os_template' => '9001', 'main_domain' => 'xss.example.test', 'cpu' => '1', 'ram' => '1',
    'ipv4_count' => '1', 'ipv6_count' => '0', 'vm_name_rule' => 'vm{service_id}', 'backup_storage' => 'pbs',
    'backups' => '3', 'snapshots' => '3', 'iso_storage' => 'local'];
$product = ['type' => 'server', 'gid' => 1, 'name' => 'KVM', 'servertype' => 'puqProxmoxKVM', 'servergroup' => 0];
$extra = '';
foreach (puqkvm_vm_product_settings() as $d) {
    if (array_key_exists($d['name'], $settings)) {
        if ((int) $d['slot'] === 23) {
            $extra .= "{$d['name']} = {$settings[$d['name']]}\n";
        } else {
            $product['configoption' . $d['slot']] = $settings[$d['name']];
        }
    }
}
$productId = (int) Capsule::table('tblproducts')->insertGetId(Rows::complete('tblproducts',
    $product + ['configoption23' => $extra]));
$client = (int) Capsule::table('tblclients')->insertGetId(Rows::complete('tblclients', ['firstname' => 'Ada',
    'lastname' => 'Tester', 'email' => 'ada@xss.example.test', 'status' => 'Active']));
ClientSession::setPassword($client, 'ada-Secret-1');
$sid = (int) Capsule::table('tblhosting')->insertGetId(Rows::complete('tblhosting', ['userid' => $client,
    'packageid' => $productId, 'server' => $server, 'regdate' => date('Y-m-d'), 'domainstatus' => 'Active',
    'billingcycle' => 'Monthly', 'password' => Crypto::encrypt('Initial-Pass1')]));
if (($r = puqProxmoxKVM_CreateAccount(ServiceParams::forService($sid))) !== 'success') {
    throw new RuntimeException("CreateAccount: $r");
}
cron('processVirtualMachines');
$ip = (string) Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $sid)->whereNotNull('live')
    ->value('ip');
$call = static fn (string $action, array $args) => puqkvm_client_call(
    WHMCS\Module\Addon\PuqProxmoxKvm\ServiceServer::fields($sid) ?? [], $sid, $client, $action, $args,
    ['utc_offset' => 0]);

/* ---- what a client types: through the engine ---- */
through_core_or_db('backup note', 100, static fn ($v) => $call('backup_now', ['note' => $v]),
    static fn () => null);
cron('nowBackupStatus');
through_core_or_db('snapshot description', 100, static fn ($v) => $call('snapshot_take', ['description' => $v]),
    static fn () => null);
cron('nowBackupStatus');
through_core_or_db('firewall rule comment', 255, static fn ($v) => $call('firewall_rule_add', ['rule' => [
    'type' => 'in', 'action' => 'ACCEPT', 'proto' => 'tcp', 'dport' => '22', 'comment' => $v]]), static fn () => null);
// the column is written with a payload below (rDNS host name, database)
through_core_or_db('rDNS host name (client area)', 255, static fn ($v) => $call('rdns_save', ['names' => [$ip => $v]]),
    null);

/* ---- what an admin types: through the engine ---- */
through_core_or_db('PHP binary setting', 255, static fn ($v) => puqkvm_settings_save(['cron_php_binary' => "/usr/bin/$v"]),
    static fn ($v) => Capsule::table('puq_proxmox_kvm_settings')->updateOrInsert(['name' => 'cron_php_binary'],
        ['value' => "/usr/bin/$v"]));
through_core_or_db('dns.php allowlist setting', 255, static fn ($v) => puqkvm_settings_save(['dns_endpoint_allowlist' => $v]),
    static function ($v) use (&$seeded, &$next) {
        Capsule::table('puq_proxmox_kvm_settings')->updateOrInsert(['name' => 'dns_endpoint_allowlist'], ['value' => $v]);
        if (puqkvm_settings_get()['dns_endpoint_allowlist'] !== $v) {
            // a stored value the engine would refuse reads as the default: no page can show it
            $seeded[sprintf('X%02d', $next - 1)]['via'] = 'refused by the engine, and read as the default when '
                . 'written to the database';
        }
    });
$poolId = 0;
through_core_or_db('pool bridge', 64, static function ($v) use ($server, &$poolId) {
    $poolId = puqkvm_pool_create(['server' => $server, 'type' => 'IPv4', 'bridge' => $v, 'vlan' => '0',
        'gateway' => '198.51.100.1', 'mask' => '24', 'dns1' => '', 'dns2' => '', 'start' => '198.51.100.10',
        'stop' => '198.51.100.20']);
}, static function ($v) use ($server, &$poolId) {
    $poolId = puqkvm_pool_create(['server' => $server, 'type' => 'IPv4', 'bridge' => 'vmbr1', 'vlan' => '0',
        'gateway' => '198.51.100.1', 'mask' => '24', 'dns1' => '', 'dns2' => '', 'start' => '198.51.100.10',
        'stop' => '198.51.100.20']);
    Capsule::table('puq_proxmox_kvm_ip_pools')->where('id', $poolId)->update(['bridge' => $v]);
});
$zoneId = 0;
through_core_or_db('DNS zone name', 253, static function ($v) use (&$zoneId) {
    $zoneId = puqkvm_dns_zone_create(['type' => 'hestiacp', 'zone' => $v, 'server_url' => 'https://hestia.example.test:8083',
        'admin_user' => 'admin', 'admin_password' => 'pw', 'user' => 'client1']);
}, static function ($v) use (&$zoneId) {
    $zoneId = puqkvm_dns_zone_create(['type' => 'hestiacp', 'zone' => 'zone.example.test',
        'server_url' => 'https://hestia.example.test:8083', 'admin_user' => 'admin', 'admin_password' => 'pw',
        'user' => 'client1']);
    Capsule::table('puq_proxmox_kvm_dns_zones')->where('id', $zoneId)->update(['zone' => $v]);
});
foreach (['server_url' => 1000, 'admin_user' => 64, 'user' => 64] as $field => $max) {
    through_core_or_db("DNS zone $field", $max, static fn ($v) => puqkvm_dns_zone_update($zoneId, ['type' => 'hestiacp',
        $field => $v]), static fn ($v) => Capsule::table('puq_proxmox_kvm_dns_zones')->where('id', $zoneId)
        ->update([$field => $v]));
}
// the node the VM is on must stay real for the client area's Proxmox calls: a second
// VM row, listed but never asked about, carries the node
$other = (int) Capsule::table('tblhosting')->insertGetId(Rows::complete('tblhosting', ['userid' => $client,
    'packageid' => $productId, 'server' => $server, 'regdate' => date('Y-m-d'), 'domainstatus' => 'Active',
    'billingcycle' => 'Monthly']));
Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $other, 'client_id' => $client,
    'product_id' => $productId, 'server_id' => $server, 'vm_id' => 4999, 'vm_name' => 'other',
    'vm_status' => 'error_terminate', 'node' => 'pve1']);
foreach (['vm_name' => [$sid, 255], 'node' => [$other, 64], 'fqdn' => [$sid, 255]] as $field => [$service, $max]) {
    through_core_or_db("VM $field (DB Record)", $max, static fn ($v) => puqkvm_vmadmin_record_save($service,
        [$field => $v], 'admin'), static fn ($v) => Capsule::table('puqProxmoxKVM_vm_info')
        ->where('service_id', $service)->update([$field => $v]));
}

/* ---- what the module writes itself, from text others control (straight into the database) ---- */
Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)->update(['last_error_action' => 'deploy',
    'last_error_message' => seed('last error message', 'database'), 'job_result' => 'error',
    'job_message' => seed('job message', 'database')]);
$runId = (int) Capsule::table('puq_proxmox_kvm_vm_runs')->insertGetId(['service_id' => $sid, 'action' => 'deploy',
    'result' => 'error', 'message' => seed('run log message', 'database'), 'worker' => 'vm:1:xss',
    'started_at' => Capsule::raw('NOW(3)'), 'finished_at' => Capsule::raw('NOW(3)')]);
Capsule::table('puq_proxmox_kvm_vm_steps')->insert(['run_id' => $runId, 'service_id' => $sid, 'seq' => 1,
    'label' => seed('run step label', 'database', 64), 'from_status' => 'creation', 'to_status' => 'creation',
    'result' => 'error', 'message' => seed('run step message', 'database'), 'created_at' => Capsule::raw('NOW(3)')]);
Capsule::table('puq_proxmox_kvm_cron_tasks')->where('task', 'processVirtualMachines')
    ->update(['last_status' => 'error', 'last_message' => seed('cron task message', 'database')]);
$rdns = seed('rDNS host name (database)', 'database');
Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)->update(['vm_rev_dns' => json_encode([$ip => $rdns])]);

/* ---- WHMCS's own records, as WHMCS keeps them ---- */
Capsule::table('tblclients')->where('id', $client)->update(['lastname' => seed('client last name', 'WHMCS', 100),
    'companyname' => seed('client company', 'WHMCS', 100)]);
Capsule::table('tblproducts')->where('id', $productId)->update(['name' => seed('product name', 'WHMCS', 100)]);
Capsule::table('tblservers')->where('id', $server)->update(['name' => seed('server name', 'WHMCS', 100)]);
puqkvm_vmlist_sync('all');

echo json_encode(['service' => $sid, 'other' => $other, 'pool' => $poolId, 'zone' => $zoneId, 'client' => [
    'email' => 'ada@xss.example.test', 'password' => 'ada-Secret-1'], 'seeded' => $seeded],
    JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
