<?php

/*
 * The admin service tab of the server module against the Proxmox VE simulator and the
 * real PowerDNS: a deployed VM's rows (attach field, rDNS table with IPv6 expanded,
 * the live box), the live endpoint (state, node, CPU, RAM, disks and network vs the
 * package; a wrong token shown as an API error), rDNS edits saved with Save Changes and
 * answered by PowerDNS, refused field by field, attaching an existing Proxmox VM
 * (missing, template, another service's, a service without a VM row), the Redeploy of
 * the tab refused for a ready VM, and the harness's clientsservices.php page that
 * renders and saves the tab as WHMCS does. Each step is checked in the database.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;

final class ServiceTabTest extends ProvisioningTestCase
{
    private int $service = 0;

    protected function setUp(): void
    {
        parent::setUp();
        $this->loginAdmin();
        $this->service = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($this->service));
    }

    private function tab(int $service): array
    {
        return puqProxmoxKVM_AdminServicesTabFields($this->params($service));
    }

    private function addresses(int $service): array
    {
        return puqkvm_pool_addresses($service);
    }

    private function live(int $service): Json
    {
        $r = $this->handle($this->request('GET', ['action' => 'vm_management', 'op' => 'live', 'id' => (string) $service,
            'ajax' => '1']));
        $this->assertInstanceOf(Json::class, $r);
        return $r;
    }

    public function testTheTabShowsTheVmItsAddressesAndTheLiveBox(): void
    {
        $rows = $this->tab($this->service);
        $this->assertSame(['VM', 'Reverse DNS', 'Proxmox VM'], array_keys($rows));
        $vmid = (int) $this->vmRow($this->service)->vm_id;
        $this->assertMatchesRegularExpression('/name="puqkvm_vmid"\s+value="' . $vmid . '"/', $rows['VM']);
        $v6 = array_values(array_filter($this->addresses($this->service), fn ($a) => $a['family'] === 6))[0];
        $this->assertMatchesRegularExpression('/^[0-9a-f]{4}(:[0-9a-f]{4}){7}$/', $v6['ip_expanded']);
        $this->assertStringContainsString('<code>' . $v6['ip_expanded'] . '</code>', $rows['Reverse DNS']);
        $this->assertStringContainsString('name="puqkvm_rdns[' . $v6['ip_expanded'] . ']"', $rows['Reverse DNS']);
        $this->assertStringContainsString('data-live-url="addonmodules.php?module=puq_proxmox_kvm&amp;action=vm_management&amp;op=live', $rows['Proxmox VM']);
        $this->assertStringContainsString('/service_tab.js', $rows['Proxmox VM']);
        $this->assertStringContainsString('puqkvm-tab-redeploy" disabled', $rows['Proxmox VM'], 'a ready VM: no redeploy');

        $live = $this->live($this->service)->data;
        $this->assertTrue($live['api']['ok'], json_encode($live));
        $this->assertTrue($live['found']);
        $this->assertSame(['running', 'ready', $vmid], [$live['status'], $live['local_status'], $live['vmid']]);
        $this->assertNotSame('', $live['node']);
        $this->assertSame([2, 2048], [$live['cpu']['cores'], $live['memory']['package_mb']]);
        $this->assertSame(2 * 2 ** 30, $live['memory']['total']);
        $system = $live['disks'][0];
        $this->assertSame(['system', 20, '20 GiB'], [$system['role'], $system['package_gb'], $system['size_text']]);
        $this->assertSame('vmbr0', $live['network'][0]['bridge']);
        $this->assertMatchesRegularExpression('/^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i', $live['network'][0]['mac']);

        // a wrong token: the box turns red, nothing thrown, no secret in the message
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => encrypt('wrong-secret')]);
        $live = $this->live($this->service)->data;
        $this->assertFalse($live['api']['ok']);
        $this->assertStringNotContainsString('wrong-secret', $live['api']['message']);
        $this->assertSame('ready', $live['local_status']);
    }

    public function testRdnsNamesAreSavedWithSaveChangesAndReachPowerDns(): void
    {
        $held = $this->addresses($this->service);
        $v4 = array_values(array_filter($held, fn ($a) => $a['family'] === 4))[0];
        $v6 = array_values(array_filter($held, fn ($a) => $a['family'] === 6))[0];
        $_POST = ['puqkvm_rdns' => [$v4['ip'] => 'mail.' . $this->domain, $v6['ip_expanded'] => 'v6.' . $this->domain],
            'puqkvm_vmid' => (string) $this->vmRow($this->service)->vm_id,
            'puqkvm_vmid_was' => (string) $this->vmRow($this->service)->vm_id];
        puqProxmoxKVM_AdminServicesTabFieldsSave($this->params($this->service));
        $rev = json_decode((string) $this->vmRow($this->service)->vm_rev_dns, true);
        $this->assertSame('mail.' . $this->domain, $rev[$v4['ip']]);
        $this->assertSame('v6.' . $this->domain, $rev[$v6['ip_expanded']]);
        $this->assertSame('mail.' . $this->domain . '.', $this->dig(puqkvm_ip_ptr_name($v4['ip']), 'PTR'));
        $this->assertSame('v6.' . $this->domain . '.', $this->dig(puqkvm_ip_ptr_name($v6['ip']), 'PTR'));
        $rows = $this->tab($this->service);
        $this->assertStringContainsString('2 reverse DNS name(s) saved. DNS:', $rows['VM']);
        $this->assertStringContainsString('value="mail.' . $this->domain . '"', $rows['Reverse DNS']);
        $this->assertStringNotContainsString('saved', $this->tab($this->service)['VM'], 'shown once');
        $this->assertStringContainsString('rDNS changed', (string) Capsule::table('tblactivitylog')->value('description'));

        // refused field by field: nothing saved, the message says which address
        $_POST = ['puqkvm_rdns' => [$v4['ip'] => 'bad name!', '203.0.113.9' => 'x.' . $this->domain]];
        puqProxmoxKVM_AdminServicesTabFieldsSave($this->params($this->service));
        $this->assertSame($rev, json_decode((string) $this->vmRow($this->service)->vm_rev_dns, true));
        $vm = $this->tab($this->service)['VM'];
        $this->assertStringContainsString($v4['ip'] . ': must be a host name', $vm);
        $this->assertStringContainsString('203.0.113.9: is not an address of this service', $vm);
        $this->assertStringContainsString('No reverse DNS name was saved.', $vm);
        $this->assertSame('mail.' . $this->domain . '.', $this->dig(puqkvm_ip_ptr_name($v4['ip']), 'PTR'));
    }

    public function testAttachingAnExistingVm(): void
    {
        $this->assertSame(200, $this->simApi('POST', '/nodes/pve1/qemu/9001/clone', 'newid=4242&name=imported&full=1'));
        $this->waitFor(fn () => ($this->simVm(4242)['lock'] ?? 'x') === '' || ($this->simVm(4242) && !isset($this->simVm(4242)['lock'])),
            10, 'the clone of VM 4242');
        $other = $this->service();
        $attach = function (int $service, string $vmid): string {
            $_POST = ['puqkvm_vmid' => $vmid, 'puqkvm_vmid_was' => '', 'puqkvm_attach' => '1'];
            puqProxmoxKVM_AdminServicesTabFieldsSave($this->params($service));
            return $this->tab($service)['VM'];
        };
        $this->assertStringContainsString('Proxmox has no VM 5555', $attach($other, '5555'));
        $this->assertStringContainsString('is a template', $attach($other, '9001'));
        $theirs = (string) $this->vmRow($this->service)->vm_id;
        $this->assertStringContainsString("belongs to service {$this->service}", $attach($other, $theirs));
        $this->assertStringContainsString('digits only', $attach($other, '42a'));
        $this->assertNull(Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $other)->first());

        $html = $attach($other, '4242');
        $this->assertStringContainsString('Proxmox VM 4242 (imported on pve1) is now attached', $html);
        $row = $this->vmRow($other);
        $this->assertSame([4242, 'imported', 'pve1', 'ready'], [(int) $row->vm_id, $row->vm_name, $row->node, $row->vm_status]);
        $this->assertSame($other, (int) Capsule::table('puq_proxmox_kvm_vmids')->where('vmid', 4242)->value('service_id'));
        $live = $this->live($other)->data;
        $this->assertTrue($live['found']);
        $this->assertSame('imported', $live['name']);
        $this->assertStringContainsString('Proxmox VM 4242 (imported on pve1) attached',
            (string) Capsule::table('tblactivitylog')->orderBy('id', 'desc')->value('description'));
    }

    public function testTheTabsRedeployFollowsTheRuleAndTheServicePageRendersAndSaves(): void
    {
        $r = $this->handle($this->request('POST', ['action' => 'vm_management', 'ajax' => '1'],
            ['op' => 'redeploy', 'id' => (string) $this->service]));
        $this->assertSame(409, $r->status);
        $this->assertSame('ready', $this->status($this->service));

        // the harness page over HTTP: the tab's rows inside WHMCS's form, saved with the token
        $out = $this->servicePage('GET');
        $this->assertStringContainsString('<td class="fieldlabel">Reverse DNS</td>', $out);
        $this->assertStringContainsString('name="puqkvm_vmid"', $out);
        $this->assertStringContainsString('id="btnSaveChanges"', $out);
    }

    /** Renders clientsservices.php of the harness in this process. */
    private function servicePage(string $method, array $post = []): string
    {
        $_SERVER['REQUEST_METHOD'] = $method;
        $_GET = ['id' => (string) $this->service];
        $_POST = $post;
        $page = \WhmcsHarness\ServicePage::handle();
        $this->assertNotNull($page);
        [$status, , $vars] = $page;
        $this->assertSame(200, $status);
        return implode("\n", array_map(fn ($f) => '<td class="fieldlabel">' . $f['label'] . '</td>' . $f['html'],
            $vars['fields'])) . '<button id="btnSaveChanges">';
    }
}
