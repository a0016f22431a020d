<?php

/*
 * The server module's provisioning through the WHMCS harness, the Proxmox VE simulator,
 * the real MariaDB and the real PowerDNS: an order is created, cron.php deploys it to
 * ready (addresses in tblhosting, records answered by PowerDNS, the "VM is ready"
 * e-mail sent once), then change package up and down (a shrink refused and logged),
 * reinstall, redeploy, suspend during a deploy, terminate, and a failing delete ending
 * in error_terminate with its addresses held.
 */

require_once __DIR__ . '/ProvisioningTestCase.php';

use WHMCS\Database\Capsule;
use WhmcsHarness\Crypto;
use WhmcsHarness\LocalApi;

final class ProvisioningTest extends ProvisioningTestCase
{
    public function testOrderDeploysToReadyWithAddressesDnsAndOneEmail(): void
    {
        $id = $this->order();
        $this->assertSame('creation', $this->status($id));
        [$code, $out, $err] = $this->cron();
        $this->assertSame(0, $code, $out . $err);
        $this->assertSame('ready', $this->status($id), $out);
        foreach (['PUQ Proxmox KVM Cron Start', '[processVirtualMachines] Running (interval: 1m, last: never)',
            "--- Deploy: service=$id", "[+]  2. Clone template  success (set_ip -> clone)", 'fwd OK [powerdns]',
            'rev OK [powerdns]', '[processVirtualMachines] Done (', '— processed: 1, errors: 0',
            'PUQ Proxmox KVM Cron End'] as $needle) {
            $this->assertStringContainsString($needle, $out);
        }
        $h = Capsule::table('tblhosting')->where('id', $id)->first();
        $fqdn = "vm$id.$this->domain";
        $this->assertSame($fqdn, $h->domain);
        $this->assertSame("$this->net4.10", $h->dedicatedip);
        $this->assertSame(puqkvm_ip_normalize("$this->net6::10", true), trim($h->assignedips));
        $this->assertMatchesRegularExpression('/^u[a-z0-9]{7}$/', $h->username);
        $this->assertSame('Initial-Pass1', Crypto::decrypt($h->password));
        // PowerDNS answers for the name and the addresses
        $this->assertSame("$this->net4.10", $this->dig($fqdn, 'A'));
        $this->assertSame("$fqdn.", $this->dig(puqkvm_ip_ptr_name("$this->net4.10"), 'PTR'));
        $this->assertSame("$fqdn.", $this->dig(puqkvm_ip_ptr_name("$this->net6::10"), 'PTR'));
        $this->assertSame("$this->net6::10", $this->dig($fqdn, 'AAAA'));
        // the VM as the product says
        $vm = $this->vmRow($id);
        $sim = $this->simVm((int) $vm->vm_id);
        $this->assertSame('running', $sim['status']);
        $this->assertSame(2, (int) $sim['config']['cores']);
        $this->assertStringContainsString('size=20G', $sim['config']['scsi0']);
        $this->assertSame('Initial-Pass1', $sim['config']['cipassword']);
        $this->assertStringContainsString("ip=$this->net4.10/24,gw=$this->net4.1", $sim['config']['ipconfig0']);
        // the e-mail went out once, with its reference, through SendEmail
        $mails = LocalApi::recorded('SendEmail');
        $this->assertCount(1, $mails);
        $this->assertSame('puqProxmoxKVM VM is ready', $mails[0]['values']['messagename']);
        $this->assertSame(1, Capsule::table('tblemails')->where('userid', $this->clientId)
            ->where('message', 'like', "%$fqdn%")->count());
        // a second run has nothing to do and sends nothing
        [$code, $out] = $this->cron();
        $this->assertSame(0, $code);
        $this->assertStringContainsString('— processed: 0, errors: 0', $out);
        $this->assertCount(1, LocalApi::recorded('SendEmail'));
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'));
    }

    public function testChangePackageUpThenDownWithShrinkRefused(): void
    {
        $id = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($id));
        $vmid = (int) $this->vmRow($id)->vm_id;
        // up: more CPU and RAM, a bigger disk, a second IPv4 address
        $bigger = $this->product(['cpu' => '4', 'ram' => '4', 'system_disk_size' => '30', 'ipv4_count' => '2']);
        $this->moveToProduct($id, $bigger);
        $this->assertSame('success', puqProxmoxKVM_ChangePackage($this->params($id)));
        $this->assertSame('change_package', $this->status($id));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $sim = $this->simVm($vmid);
        $this->assertSame(4, (int) $sim['config']['cores']);
        $this->assertSame(4096, (int) $sim['config']['memory']);
        $this->assertStringContainsString('size=30G', $sim['config']['scsi0']);
        $this->assertCount(3, $sim['firewall']['ipsets']['ipfilter-net0']);
        $this->assertStringContainsString("$this->net4.11", (string) Capsule::table('tblhosting')->where('id', $id)->value('assignedips'));
        $this->assertSame("vm$id.$this->domain.", $this->dig(puqkvm_ip_ptr_name("$this->net4.11"), 'PTR'));
        // down: back to the small product - CPU and RAM shrink, the disk is refused
        $this->moveToProduct($id, $this->productId);
        $this->assertSame('success', puqProxmoxKVM_ChangePackage($this->params($id)));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $sim = $this->simVm($vmid);
        $this->assertSame(2, (int) $sim['config']['cores']);
        $this->assertStringContainsString('size=30G', $sim['config']['scsi0']);
        $this->assertCount(2, $sim['firewall']['ipsets']['ipfilter-net0']);
        $runs = puqkvm_vm_runs($id);
        $steps = array_merge(...array_map(static fn ($r) => $r['steps'], $runs['runs']));
        $shrink = array_values(array_filter($steps, static fn ($s) => $s['result'] === 'skip'
            && str_contains($s['message'], 'system_disk_shrink_rejected')));
        $this->assertCount(1, $shrink);
        $this->assertSame('cp_cpu_ram', $shrink[0]['from']);
        $this->assertSame(0, Capsule::table('tblhosting')->where('id', $id)->where('assignedips', 'like', "%$this->net4.11%")->count());
        $this->assertSame('', $this->dig(puqkvm_ip_ptr_name("$this->net4.11"), 'PTR'), 'the released address loses its PTR');
        $this->assertSame(2, count(LocalApi::recorded('SendEmail')) - 1, 'one upgrade e-mail per change');
    }

    public function testChangePackageDuringDeployWaitsForReady(): void
    {
        $id = $this->order();
        $bigger = $this->product(['cpu' => '3']);
        $this->moveToProduct($id, $bigger);
        $this->assertSame('success', puqProxmoxKVM_ChangePackage($this->params($id)));
        $this->assertSame('creation', $this->status($id), 'the deploy goes on');
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame(3, (int) $this->simVm((int) $this->vmRow($id)->vm_id)['config']['cores']);
        $this->assertNull($this->vmRow($id)->pending_product);
    }

    public function testReinstallKeepsVmidAddressesAndMac(): void
    {
        $id = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($id));
        $before = $this->vmRow($id);
        $net0 = $this->simVm((int) $before->vm_id)['config']['net0'];
        $this->assertSame('success', puqProxmoxKVM_Reinstall($this->params($id)));
        $this->assertSame('reinstall', $this->status($id));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $after = $this->vmRow($id);
        $this->assertSame($before->vm_id, $after->vm_id);
        $sim = $this->simVm((int) $after->vm_id);
        $this->assertSame(explode(',', $net0)[0], explode(',', $sim['config']['net0'])[0]);
        $password = Crypto::decrypt((string) Capsule::table('tblhosting')->where('id', $id)->value('password'));
        $this->assertNotSame('Initial-Pass1', $password);
        $this->assertSame($password, $sim['config']['cipassword']);
        $this->assertSame("$this->net4.10", Capsule::table('tblhosting')->where('id', $id)->value('dedicatedip'));
        $this->assertSame(2, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'));
        $this->assertCount(2, LocalApi::recorded('SendEmail'), 'the new password is e-mailed');
    }

    public function testRedeployBuildsAgainFromCreation(): void
    {
        $id = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame('success', puqProxmoxKVM_Redeploy($this->params($id)));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)
            ->where('release_reason', 'redeploy')->count());
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)
            ->where('live', 1)->count());
        $this->assertSame(2, $this->simCalls('DELETE /nodes/{node}/qemu/{vmid}') + 1);
    }

    public function testSuspendDuringDeployKeepsTheVmStopped(): void
    {
        $id = $this->order();
        $this->assertSame('success', puqProxmoxKVM_SuspendAccount($this->params($id)));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $vmid = (int) $this->vmRow($id)->vm_id;
        $this->assertSame('stopped', $this->simVm($vmid)['status']);
        $this->assertSame(0, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/status/start'));
        $this->assertStringContainsString('suspended', puqProxmoxKVM_Start($this->params($id)));
        $this->assertSame('success', puqProxmoxKVM_UnsuspendAccount($this->params($id)));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame('running', $this->simVm($vmid)['status']);
        $this->assertSame('success', puqProxmoxKVM_Stop($this->params($id)));
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame('stopped', $this->simVm($vmid)['status']);
    }

    public function testTerminateReleasesOnlyAfterProxmoxConfirms(): void
    {
        $id = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($id));
        $vm = $this->vmRow($id);
        $fqdn = $vm->fqdn;
        // a failing delete: protection on
        $this->assertSame(200, $this->simApi('PUT', "/nodes/pve1/qemu/{$vm->vm_id}/config", 'protection=1'));
        $this->assertSame('success', puqProxmoxKVM_TerminateAccount($this->params($id)));
        $this->assertSame('error_terminate', $this->cronUntilRest($id));
        $this->assertSame(2, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)->where('live', 1)->count());
        $this->assertSame("$this->net4.10", Capsule::table('tblhosting')->where('id', $id)->value('dedicatedip'));
        $log = Capsule::table('tblactivitylog')->where('description', 'like', '%termination FAILED%')->get();
        $this->assertCount(1, $log);
        $this->assertStringContainsString('protection', $log[0]->description);
        $this->assertSame('terminate', $this->vmRow($id)->last_error_action);
        // fixed by the admin: reset to terminate
        $this->assertSame(200, $this->simApi('PUT', "/nodes/pve1/qemu/{$vm->vm_id}/config", 'delete=protection'));
        puqkvm_vm_reset($id, 'terminate');
        $this->assertSame('remove', $this->cronUntilRest($id));
        $this->assertNull($this->simVm((int) $vm->vm_id));
        $this->assertSame(0, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)->where('live', 1)->count());
        $h = Capsule::table('tblhosting')->where('id', $id)->first();
        $this->assertSame(['', '', ''], [$h->dedicatedip, $h->assignedips, $h->domain]);
        $this->assertSame('', $this->dig($fqdn, 'A'));
        $this->assertSame(1, Capsule::table('tblactivitylog')->where('description', 'like', '%terminated successfully%')->count());
    }
}
