<?php

/*
 * Base of the security suite (Security*Test.php): the helpers of tests/security/ (the
 * endpoint scan, database snapshots, real HTTP) and a small WHMCS world in which every
 * admin endpoint has something to act on - a Proxmox server entry nothing answers at,
 * two clients, a product of the module, services whose VMs are in the states each
 * admin action needs, an IPv4 pool with an address held by a live service and one held
 * by a terminated service, and a PowerDNS zone on the real PowerDNS of scripts/services.
 */

use PuqKvm\Test\Security\Snapshot;
use WHMCS\Database\Capsule;
use WhmcsHarness\Crypto;

require_once __DIR__ . '/security/EndpointScan.php';
require_once __DIR__ . '/security/Snapshot.php';
require_once __DIR__ . '/security/HttpFront.php';
require_once __DIR__ . '/ProvisioningTestCase.php'; // TestDbServer: the services' settings
// the addon's classes (Router::ROUTES) are needed before any test runs: data providers
require_once dirname(__DIR__, 3) . '/whmcs-module/modules/addons/puq_proxmox_kvm/lib/autoload.php';

abstract class SecurityTestCase extends HarnessTestCase
{
    /** The services of the world and the VM status each one's actions need. */
    protected const VMS = [1 => 'ready', 2 => 'error_terminate', 3 => 'remove', 4 => 'clone', 5 => 'ready'];

    /** A service that is Terminated in WHMCS but still holds an address (a "stale holding"). */
    protected const STALE_SERVICE = 6;

    protected int $zoneId = 0;
    protected string $zoneName = '';

    /** Activates the addon and seeds the world; the admin is logged in afterwards. */
    protected function seedWorld(): void
    {
        $this->activateAddon();
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers', ['id' => 1, 'name' => 'pve-sec',
            'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1', 'port' => 1, 'type' => 'puqProxmoxKVM',
            'username' => 'automation@pve!sec', 'password' => Crypto::encrypt('unused-token-secret'),
            'secure' => 'on', 'active' => 1]));
        foreach ([1 => ['Ada', 'ada@example.test'], 2 => ['Eve', 'eve@example.test']] as $id => [$name, $mail]) {
            Capsule::table('tblclients')->insert($this->whmcsRow('tblclients', ['id' => $id, 'firstname' => $name,
                'lastname' => 'Client', 'email' => $mail, 'status' => 'Active']));
        }
        Capsule::table('tblproducts')->insert($this->whmcsRow('tblproducts', ['id' => 1, 'type' => 'server',
            'gid' => 1, 'name' => 'KVM S', 'servertype' => 'puqProxmoxKVM']));
        foreach (self::VMS + [self::STALE_SERVICE => null] as $id => $status) {
            Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => $id, 'userid' => 1,
                'packageid' => 1, 'server' => 1, 'regdate' => '2026-01-01', 'billingcycle' => 'Monthly',
                'domainstatus' => $status === null || $status === 'remove' ? 'Terminated' : 'Active']));
            if ($status !== null) {
                Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $id, 'client_id' => 1,
                    'product_id' => 1, 'server_id' => 1, 'vm_id' => 3000 + $id, 'vm_name' => "vm$id",
                    'vm_status' => $status]);
            }
        }
        puqkvm_pool_create(['server' => 1, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
            'gateway' => '192.0.2.1', 'mask' => '24', 'dns1' => '', 'dns2' => '', 'start' => '192.0.2.10',
            'stop' => '192.0.2.50']);
        puqkvm_pool_allocate(1, 1, 1, 0);
        puqkvm_pool_allocate(self::STALE_SERVICE, 1, 1, 0);
        $this->zoneName = 'sec' . getmypid() . bin2hex(random_bytes(3)) . '.test';
        $this->zoneId = puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => $this->zoneName,
            'server_url' => TestDbServer::env('PUQKVM_PDNS_API_URL'),
            'api_key' => TestDbServer::env('PUQKVM_PDNS_API_KEY')]);
        puqkvm_vmlist_sync('all');
        // the task rows the first cron run (or the first look at Settings > Cron) registers
        puqkvm_cron_tasks();
        $this->loginAdmin();
    }

    /** The allocation id of the address the terminated service still holds. */
    protected function staleAllocation(): int
    {
        return (int) Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', self::STALE_SERVICE)
            ->whereNotNull('live')->value('id');
    }

    protected function assertUnchanged(Snapshot $before, string $what, array $ignore = []): void
    {
        $this->assertSame('', Snapshot::take()->diff($before, $ignore), "$what changed the database");
    }

    protected function assertChanged(Snapshot $before, string $what, array $ignore = []): void
    {
        $this->assertNotSame('', Snapshot::take()->diff($before, $ignore),
            "$what (the positive control) changed nothing: the refusals above prove nothing");
    }

    /** A CSRF token that is not the session's (same shape as WHMCS's). */
    protected static function forgedToken(): string
    {
        return bin2hex(random_bytes(20));
    }
}
