<?php

/*
 * VM Management's copies of WHMCS fields follow WHMCS's own changes through the hooks
 * hooks.php registers: a client, product or server renamed, a service suspended by
 * WHMCS after the module call, an order cancelled, and the daily reconcile of all rows.
 * Each is checked in the list's filter and sort, which read only the copies.
 */

use WHMCS\Database\Capsule;
use WhmcsHarness\AddonModules;

final class VmListHooksTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        Capsule::table('tblclients')->insert($this->whmcsRow('tblclients', ['id' => 1, 'firstname' => 'Ada',
            'lastname' => 'Lovelace', 'email' => 'ada@example.test', 'status' => 'Active']));
        Capsule::table('tblproducts')->insert($this->whmcsRow('tblproducts', ['id' => 1, 'type' => 'server',
            'gid' => 1, 'name' => 'KVM S', 'servertype' => 'puqProxmoxKVM']));
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers', ['id' => 1, 'name' => 'pve-waw',
            'type' => 'puqProxmoxKVM', 'active' => 1]));
        foreach ([1, 2] as $id) {
            Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => $id, 'userid' => 1,
                'orderid' => 10 + $id, 'packageid' => 1, 'server' => 1, 'domainstatus' => 'Active',
                'regdate' => '2026-01-01', 'billingcycle' => 'Monthly']));
            Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $id, 'client_id' => 1,
                'product_id' => 1, 'server_id' => 1, 'vm_status' => 'ready']);
        }
        puqkvm_vmlist_sync('all');
        AddonModules::loadHooks();
    }

    private function copies(int $id): array
    {
        return (array) Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $id)
            ->first(['list_status', 'list_client', 'list_product', 'list_server']);
    }

    public function testEachWhmcsChangeReachesTheCopiesThroughItsHook(): void
    {
        Capsule::table('tblclients')->where('id', 1)->update(['firstname' => 'Augusta']);
        run_hook('ClientEdit', ['userid' => 1, 'firstname' => 'Augusta']);
        $this->assertSame('Augusta Lovelace', $this->copies(2)['list_client']);

        Capsule::table('tblproducts')->where('id', 1)->update(['name' => 'KVM XL']);
        run_hook('ProductEdit', ['pid' => 1]);
        Capsule::table('tblservers')->where('id', 1)->update(['name' => 'pve-fra']);
        run_hook('ServerEdit', ['serverid' => 1]);
        $this->assertSame(['Active', 'Augusta Lovelace', 'KVM XL', 'pve-fra'], array_values($this->copies(1)));

        // WHMCS marks the service Suspended after the module's SuspendAccount returned
        Capsule::table('tblhosting')->where('id', 1)->update(['domainstatus' => 'Suspended']);
        run_hook('AfterModuleSuspend', ['params' => ['serviceid' => 1]]);
        $this->assertSame([1], array_column(puqkvm_vmlist_page(['service_status' => 'Suspended'])['rows'], 'service_id'));

        Capsule::table('tblhosting')->where('id', 2)->update(['domainstatus' => 'Cancelled']);
        run_hook('CancelOrder', ['orderid' => 12]);
        $this->assertSame('Cancelled', $this->copies(2)['list_status']);

        // nothing told: the daily reconcile finds it
        Capsule::table('tblhosting')->where('id', 2)->update(['domainstatus' => 'Fraud']);
        $this->assertSame('Cancelled', $this->copies(2)['list_status']);
        run_hook('DailyCronJob', []);
        $this->assertSame('Fraud', $this->copies(2)['list_status']);

        // hooks without an id, or with one of nothing, change nothing and never throw
        run_hook('ServiceEdit', []);
        run_hook('ClientDelete', ['userid' => 'x']);
        $this->assertSame(0, Capsule::table('tblmodulelog')->count());
    }
}
