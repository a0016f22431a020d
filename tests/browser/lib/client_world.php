<?php

/*
 * The world of the client-area browser tests, in a harness root the browser harness
 * made: a Proxmox server entry pointing at a running simulator, pools, a client with a
 * login password and two services deployed to ready through the module and the real
 * cron (one with every permission, one whose product allows no firewall), and a second
 * client with a service of their own. Prints the ids and credentials as JSON.
 *   php -d extension=puqkvm.so client_world.php ROOT SIM_PORT SIM_FINGERPRINT
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

function product(array $settings): int
{
    $r = ['type' => 'server', 'gid' => 1, 'name' => 'KVM', 'servertype' => 'puqProxmoxKVM', 'servergroup' => 0];
    $extra = '';
    foreach (puqkvm_vm_product_settings() as $d) {
        if (array_key_exists($d['name'], $settings)) {
            if ((int) $d['slot'] === 23) {
                $extra .= "{$d['name']} = {$settings[$d['name']]}\n";
            } else {
                $r['configoption' . $d['slot']] = (string) $settings[$d['name']];
            }
        }
    }
    $r['configoption23'] = $extra;
    return (int) Capsule::table('tblproducts')->insertGetId(Rows::complete('tblproducts', $r));
}

function client(string $first, string $email, string $password): int
{
    $id = (int) Capsule::table('tblclients')->insertGetId(Rows::complete('tblclients', ['firstname' => $first,
        'lastname' => 'Tester', 'email' => $email, 'status' => 'Active']));
    ClientSession::setPassword($id, $password);
    return $id;
}

function service(int $client, int $product, int $server): int
{
    $id = (int) Capsule::table('tblhosting')->insertGetId(Rows::complete('tblhosting', ['userid' => $client,
        'packageid' => $product,
        'server' => $server, 'regdate' => date('Y-m-d'), 'domainstatus' => 'Active', 'billingcycle' => 'Monthly',
        'password' => Crypto::encrypt('Initial-Pass1')]));
    $result = puqProxmoxKVM_CreateAccount(ServiceParams::forService($id));
    if ($result !== 'success') {
        throw new RuntimeException("CreateAccount: $result");
    }
    return $id;
}

WHMCS\Module\Addon\PuqProxmoxKvm\Guard::connect();
puqkvm_settings_save(['wake_on_provision' => false]);
$server = (int) Capsule::table('tblservers')->insertGetId(Rows::complete('tblservers', ['name' => 'pve-sim',
    'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1', 'port' => $port, 'type' => 'puqProxmoxKVM',
    'username' => 'automation@pve!ci', 'password' => Crypto::encrypt('6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e'),
    'accesshash' => "fingerprint=$fingerprint", 'secure' => 'on', 'active' => 1]));
puqkvm_pool_create(['server' => $server, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
    'gateway' => '10.77.0.1', 'mask' => '24', 'dns1' => '192.0.2.53', 'dns2' => '',
    'start' => '10.77.0.10', 'stop' => '10.77.0.200']);
puqkvm_pool_create(['server' => $server, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => '0',
    'gateway' => '2001:db8:77::1', 'mask' => '64', 'dns1' => '', 'dns2' => '',
    'start' => '2001:db8:77::10', 'stop' => '2001:db8:77::ffff']);
$base = ['os_template' => '9001', 'main_domain' => 'client.example.test', 'cpu' => '2', 'ram' => '2',
    'ipv4_count' => '1', 'ipv6_count' => '1', 'vm_name_rule' => 'vm{service_id}', 'backup_storage' => 'pbs',
    'backups' => '2', 'snapshots' => '2', 'iso_storage' => 'local'];
$full = product($base);
$noFirewall = product($base + ['client_firewall' => 'off', 'client_reinstall' => 'off']);
$ada = client('Ada', 'ada@client.example.test', 'ada-Secret-1');
$eve = client('Eve', 'eve@client.example.test', 'eve-Secret-1');
$ids = ['full' => service($ada, $full, $server), 'limited' => service($ada, $noFirewall, $server),
    'eves' => service($eve, $full, $server)];
for ($i = 0; $i < 8; $i++) {
    puqkvm_cron_run(['task' => 'processVirtualMachines', 'quiet' => true], null, 'decrypt');
    $left = Capsule::table('puqProxmoxKVM_vm_info')->where('vm_status', '<>', 'ready')->count();
    if ($left === 0) {
        break;
    }
    Capsule::table('puqProxmoxKVM_vm_info')->update(['next_run_at' => Capsule::raw('NOW()')]);
}
$vmids = Capsule::table('puqProxmoxKVM_vm_info')->pluck('vm_id', 'service_id')->all();
echo json_encode(['services' => $ids, 'vmids' => $vmids, 'ada' => ['id' => $ada, 'email' => 'ada@client.example.test',
    'password' => 'ada-Secret-1'], 'eve' => ['id' => $eve], 'ready' => $left === 0]), "\n";
