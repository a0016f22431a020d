<?php

/*
 * First activation imports the legacy PUQ Customization IP pools and records the
 * addresses services already hold, and the activation message says how many; a second
 * activation imports nothing more.
 */

use WHMCS\Database\Capsule;
use WhmcsHarness\AddonModules;

final class PoolImportActivationTest extends HarnessTestCase
{
    public function testActivationImportsLegacyPoolsAndReportsCounts(): void
    {
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers',
            ['id' => 2, 'name' => 'pve-waw1', 'type' => 'puqProxmoxKVM']));
        Capsule::statement('CREATE TABLE puq_customization_module_puq_proxmox_kvm_ip_pools (id INT PRIMARY KEY,
            server_id INT, type VARCHAR(8), bridge VARCHAR(32), vlan INT, gateway VARCHAR(64), mask INT,
            dns1 VARCHAR(64), dns2 VARCHAR(64), address_start VARCHAR(64), address_stop VARCHAR(64))');
        Capsule::table('puq_customization_module_puq_proxmox_kvm_ip_pools')->insert([
            ['id' => 1, 'server_id' => 2, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => 0,
                'gateway' => '192.168.130.1', 'mask' => 24, 'dns1' => '8.8.8.8', 'dns2' => '',
                'address_start' => '192.168.130.2', 'address_stop' => '192.168.130.30'],
            ['id' => 2, 'server_id' => 2, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => 0,
                'gateway' => '2001:db8::1', 'mask' => 120, 'dns1' => '', 'dns2' => '',
                'address_start' => '2001:db8::2', 'address_stop' => '2001:db8::50'],
            ['id' => 3, 'server_id' => 2, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => 0,
                'gateway' => '10.0.0.1', 'mask' => 24, 'dns1' => '', 'dns2' => '',
                'address_start' => '10.0.0.9', 'address_stop' => '10.0.0.2'],
        ]);
        Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => 5546, 'server' => 2,
            'domainstatus' => 'Active', 'regdate' => '2026-01-01', 'nextinvoicedate' => '2026-02-01',
            'dedicatedip' => '192.168.130.2', 'assignedips' => "2001:0db8:0000:0000:0000:0000:0000:0007"]));

        $GLOBALS['CONFIG']['ModuleDebugMode'] = 'on'; // so that logModuleCall stores the import's log
        $result = AddonModules::activate(self::MODULE);
        $this->assertSame('success', $result['status'], $result['description']);
        $this->assertStringContainsString('Imported 2 IP pool(s) from puq_customization_module_puq_proxmox_kvm_ip_pools',
            $result['description']);
        $this->assertStringContainsString('1 legacy row(s) were not valid', $result['description']);
        $this->assertStringContainsString('recorded 2 address(es) that services already hold', $result['description']);
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_pools')->count());
        $this->assertSame(['192.168.130.2', '2001:0db8:0000:0000:0000:0000:0000:0007'],
            Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', 5546)->whereNotNull('live')
                ->orderBy('family')->pluck('ip')->all());
        // the rejected row is explained in the module log
        $this->assertStringContainsString('must not be lower than the first',
            (string) Capsule::table('tblmodulelog')->where('action', 'import legacy IP pools')->value('response'));

        $again = puq_proxmox_kvm_activate();
        $this->assertSame('success', $again['status']);
        $this->assertStringNotContainsString('Imported', $again['description']);
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_pools')->count());
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_allocations')->count());
    }
}
