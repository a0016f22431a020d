<?php

/*
 * The client area's actions end to end against the simulator and PowerDNS, through the
 * shim's endpoint (ClientApi) and the extension's entry point: another client's
 * service refused and logged, permission flags and CSRF checked on the server, the
 * overview, power and charts, reverse DNS pushed through the DNS sync, reinstall from
 * the product's OS choices with the typed confirmation, a new password through
 * cloud-init and the guest agent with its e-mail, ISO images in the CD-ROM drive (never
 * the cloud-init drive), and the firewall's policies and rules with server-side checks.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\PuqProxmoxKVM\ClientApi;
use WhmcsHarness\Crypto;
use WhmcsHarness\LocalApi;

require_once __DIR__ . '/ClientAreaTestCase.php';

final class ClientAreaTest extends ClientAreaTestCase
{
    /** The endpoint as WHMCS runs it for the logged-in client $client. */
    private function endpoint(int $sid, string $do, array $args = [], string $method = 'GET', bool $token = true,
        ?int $client = null): array
    {
        $_SESSION['tkval'] = 'client-token';
        $request = ['do' => $do, 'args' => json_encode($args)];
        if ($token) {
            $_POST['token'] = 'client-token';
        } else {
            unset($_POST['token']);
        }
        return ClientApi::handle($this->params($sid), $request, $client ?? $this->clientId, $method);
    }

    private function otherClient(): int
    {
        return (int) Capsule::table('tblclients')->insertGetId($this->whmcsRow('tblclients', [
            'firstname' => 'Eve', 'lastname' => 'Other', 'email' => 'eve@example.test', 'status' => 'Active']));
    }

    public function testAnotherClientsServiceIsRefusedAndLogged(): void
    {
        $sid = $this->deployed();
        $eve = $this->otherClient();
        foreach (['overview', 'backups', 'firewall'] as $read) {
            [$status, $body] = $this->endpoint($sid, $read, [], 'GET', true, $eve);
            $this->assertSame([403, 'Access Denied'], [$status, $body['error']], $read);
        }
        [$status, $body] = $this->endpoint($sid, 'stop', [], 'POST', true, $eve);
        $this->assertSame(403, $status);
        $this->assertSame('running', $this->simVm($this->vmid($sid))['status'], 'nothing was done');
        $logged = Capsule::table('tblactivitylog')->where('description', 'like', '%refused "stop" on service ID ' . $sid . '%')
            ->where('description', 'like', "%client ID $eve%")->count();
        $this->assertSame(1, $logged, 'the refused attempt is in the activity log');
        $this->assertSame(4, Capsule::table('tblactivitylog')->where('description', 'like', '%client area: refused%')->count());
        // and no client at all (a session without a client) is refused the same way
        [$status] = $this->endpoint($sid, 'overview', [], 'GET', true, 0);
        $this->assertSame(403, $status);
    }

    public function testPermissionsAndTheTokenAreCheckedOnTheServer(): void
    {
        $sid = $this->deployed(['client_firewall' => 'off', 'client_start' => 'off']);
        [$status, $body] = $this->endpoint($sid, 'overview');
        $this->assertSame(200, $status);
        $this->assertFalse($body['data']['permissions']['firewall']);
        $this->assertFalse($body['data']['permissions']['start']);
        $this->assertTrue($body['data']['permissions']['stop']);
        $this->assertTrue($body['data']['permissions']['backups']);
        [$status, $body] = $this->endpoint($sid, 'firewall');
        $this->assertSame([403, 'Access Denied'], [$status, $body['error']]);
        [$status] = $this->endpoint($sid, 'start', [], 'POST');
        $this->assertSame(403, $status);
        // a change needs a POST with the client area's token
        [$status, $body] = $this->endpoint($sid, 'stop', [], 'GET');
        $this->assertSame(403, $status);
        $this->assertStringContainsString('session expired', $body['error']);
        [$status] = $this->endpoint($sid, 'stop', [], 'POST', false);
        $this->assertSame(403, $status);
        $this->assertSame(0, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/status/shutdown'));
        [$status, $body] = $this->endpoint($sid, 'stop', [], 'POST');
        $this->assertSame(200, $status, json_encode($body));
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/status/shutdown'));
        [$status, $body] = $this->endpoint($sid, 'nonsense');
        $this->assertSame(400, $status);
    }

    public function testOverviewPowerAndCharts(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $o = $this->call($sid, 'overview');
        $this->assertSame('running', $o['vm']['status']);
        $this->assertSame(2, $o['vm']['cpu']['cores']);
        $this->assertSame('ready', $o['local_status']);
        $this->assertFalse($o['busy']);
        $this->assertSame('', $o['pve_error']);
        $this->assertSame("vm$sid.$this->domain", $o['domain']);
        $main = array_values(array_filter($o['addresses'], fn ($a) => $a['main'] && $a['family'] === 4))[0];
        $this->assertStringStartsWith("$this->net4.", $main['ip']);
        $this->assertSame("$this->net4.1", $main['gateway']);

        $this->call($sid, 'stop');
        $this->waitFor(fn () => $this->simVm($vmid)['status'] === 'stopped', 5, 'the VM to stop');
        $this->call($sid, 'start');
        $this->waitFor(fn () => $this->simVm($vmid)['status'] === 'running', 5, 'the VM to start');
        $this->call($sid, 'reboot');
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/status/reboot'));

        $c = $this->call($sid, 'charts', ['timeframe' => 'day']);
        $this->assertSame('day', $c['timeframe']);
        $this->assertSame(60, $c['step']);
        $this->assertCount(1440, $c['points']);
        $p = $c['points'][10];
        $this->assertEqualsWithDelta(1234.5 / 1048576, $p['netin'], 1e-9);
        $this->assertGreaterThan(0, $p['cpu']);
        $this->assertNull(end($c['points'])['netin'], 'the open sample has no values');
        try {
            $this->call($sid, 'charts', ['timeframe' => 'decade; drop']);
            $this->fail('a bad timeframe was sent');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('timeframe', $e->getErrors());
        }
    }

    public function testReverseDnsIsValidatedAndPublished(): void
    {
        $sid = $this->deployed();
        $list = $this->call($sid, 'rdns');
        $this->assertSame("vm$sid.$this->domain", $list['default']);
        $v4 = array_values(array_filter($list['items'], fn ($a) => $a['family'] === 4))[0]['ip'];
        $v6 = array_values(array_filter($list['items'], fn ($a) => $a['family'] === 6))[0]['ip'];
        try {
            $this->call($sid, 'rdns_save', ['names' => [$v4 => 'not a host!', '192.0.2.99' => 'x.example.test']]);
            $this->fail('bad names were saved');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey("rdns.$v4", $e->getErrors());
            $this->assertArrayHasKey('rdns.192.0.2.99', $e->getErrors());
        }
        $saved = $this->call($sid, 'rdns_save', ['names' => [$v4 => 'Mail.Example.Test', $v6 => 'v6.example.test']]);
        $this->assertSame(2, $saved['changed']);
        $this->assertSame('set_dns_records', $this->status($sid), 'pushed through the DNS sync');
        $this->assertSame('ready', $this->cronUntilRest($sid));
        $this->assertSame('mail.example.test.', $this->dig(puqkvm_ip_ptr_name($v4), 'PTR'));
        $this->assertSame('v6.example.test.', $this->dig(puqkvm_ip_ptr_name($v6), 'PTR'));
        $activity = Capsule::table('puq_proxmox_kvm_outbox')->where('kind', 'activity')
            ->where('description', 'like', '%Client #' . $this->clientId . '%rDNS changed%')->count();
        $this->assertSame(1, $activity);
    }

    public function testReinstallTakesAnOsOfTheProductAndTheConfirmation(): void
    {
        $sid = $this->deployed();
        $gid = (int) Capsule::table('tblproductconfiggroups')->insertGetId(['name' => 'OS', 'description' => '']);
        Capsule::table('tblproductconfiglinks')->insert(['gid' => $gid,
            'pid' => (int) Capsule::table('tblhosting')->where('id', $sid)->value('packageid')]);
        $opt = (int) Capsule::table('tblproductconfigoptions')->insertGetId(['gid' => $gid,
            'optionname' => 'Operating System', 'optiontype' => '1', 'qtyminimum' => 0, 'qtymaximum' => 0, 'hidden' => 0]);
        foreach (['9000|Debian 12', '9001|Ubuntu 24.04', '42|Hidden', 'junk'] as $i => $name) {
            Capsule::table('tblproductconfigoptionssub')->insert(['configid' => $opt, 'optionname' => $name,
                'sortorder' => $i, 'hidden' => $name === '42|Hidden' ? 1 : 0]);
        }
        $options = $this->call($sid, 'reinstall_options');
        $this->assertSame([['template' => 9000, 'label' => 'Debian 12'], ['template' => 9001, 'label' => 'Ubuntu 24.04']],
            $options['choices']);
        $this->assertSame(9001, $options['current']);
        try {
            $this->call($sid, 'reinstall', ['template' => 9000, 'confirm' => 'reinstall']);
            $this->fail('a reinstall without the typed confirmation');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('confirm', $e->getErrors());
        }
        try {
            $this->call($sid, 'reinstall', ['template' => 42, 'confirm' => 'REINSTALL']);
            $this->fail('a template outside the product');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('template', $e->getErrors());
        }
        $this->assertSame('ready', $this->status($sid));
        [$status, $body] = $this->endpoint($sid, 'reinstall', ['template' => 9000, 'confirm' => 'REINSTALL'], 'POST');
        $this->assertSame(200, $status, json_encode($body));
        $this->assertSame('reinstall', $this->status($sid));
        $this->assertSame(9000, json_decode($this->vmRow($sid)->product, true)['template_vmid']);
        $password = Crypto::decrypt((string) Capsule::table('tblhosting')->where('id', $sid)->value('password'));
        $this->assertSame(12, strlen($password), 'a new password');
        $this->assertSame('ready', $this->cronUntilRest($sid, 10));
    }

    public function testResetPasswordThroughCloudInitAndTheAgent(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $user = (string) Capsule::table('tblhosting')->where('id', $sid)->value('username');
        [$status, $body] = $this->endpoint($sid, 'reset_password', [], 'POST');
        $this->assertSame(200, $status, json_encode($body));
        $this->assertTrue($body['data']['applied_now']);
        $password = Crypto::decrypt((string) Capsule::table('tblhosting')->where('id', $sid)->value('password'));
        $vm = $this->simVm($vmid);
        $this->assertSame($password, $vm['config']['cipassword'] ?? null, 'cloud-init has it');
        $this->assertSame($password, $vm['guestPasswords'][$user] ?? null, 'the agent set it in the guest');
        $mails = array_values(array_filter(LocalApi::calls('SendEmail'),
            fn ($c) => $c['values']['messagename'] === 'puqProxmoxKVM Reset password'));
        $this->assertCount(1, $mails, 'e-mailed at once');
        $this->assertSame($sid, (int) $mails[0]['values']['id']);

        // a stopped VM gets it through cloud-init at its next start
        $this->call($sid, 'stop');
        $this->waitFor(fn () => $this->simVm($vmid)['status'] === 'stopped', 5, 'the VM to stop');
        $again = $this->call($sid, 'reset_password', [], ['password' => 'N3w-password', 'password_encrypted' => Crypto::encrypt('N3w-password')]);
        $this->assertFalse($again['applied_now']);
        $this->assertStringContainsString('next start', $again['note']);
        $this->assertSame('N3w-password', $this->simVm($vmid)['config']['cipassword']);
    }

    public function testIsoGoesIntoTheCdromDriveNotTheCloudInitDrive(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $list = $this->call($sid, 'iso');
        $this->assertSame('', $list['mounted']);
        $this->assertSame([['volid' => 'local:iso/debian-12.7.0-amd64-netinst.iso',
            'file' => 'debian-12.7.0-amd64-netinst.iso', 'folder' => 'debian', 'size_text' => '660 MiB']], $list['items']);
        try {
            $this->call($sid, 'iso_mount', ['volid' => 'local:iso/../../etc/passwd']);
            $this->fail('an image outside the ISO storage was mounted');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('volid', $e->getErrors());
        }
        $cloudinit = $this->simVm($vmid)['config']['ide2'];
        $this->assertStringContainsString('cloudinit', $cloudinit);
        $m = $this->call($sid, 'iso_mount', ['volid' => 'local:iso/debian-12.7.0-amd64-netinst.iso']);
        $this->assertSame('ide0', $m['drive']);
        $config = $this->simVm($vmid)['config'];
        $this->assertSame('local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom', $config['ide0']);
        $this->assertSame($cloudinit, $config['ide2'], 'the cloud-init drive is untouched');
        $this->assertSame('local:iso/debian-12.7.0-amd64-netinst.iso', $this->call($sid, 'iso')['mounted']);
        $this->call($sid, 'iso_unmount');
        $this->assertSame('none,media=cdrom', $this->simVm($vmid)['config']['ide0']);
        $this->assertSame('', $this->call($sid, 'iso')['mounted']);
    }

    public function testFirewallPoliciesAndRules(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $this->call($sid, 'firewall_policy', ['in' => 'drop', 'out' => 'ACCEPT']);
        $this->assertSame(['DROP', 'ACCEPT'], [$this->simVm($vmid)['firewall']['options']['policy_in'],
            $this->simVm($vmid)['firewall']['options']['policy_out']]);
        try {
            $this->call($sid, 'firewall_policy', ['in' => 'REJECT', 'out' => 'maybe']);
            $this->fail('bad policies were saved');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertSame(['in', 'out'], array_keys($e->getErrors()));
        }
        $rules = [
            ['type' => 'in', 'action' => 'ACCEPT', 'proto' => 'tcp', 'dport' => '22', 'comment' => 'ssh'],
            ['type' => 'in', 'action' => 'accept', 'proto' => 'tcp', 'dport' => '80,443', 'source' => '192.0.2.0/24',
                'comment' => '<script>web</script>'],
            ['type' => 'out', 'action' => 'DROP', 'proto' => '', 'dest' => '2001:DB8::1', 'comment' => 'block'],
        ];
        foreach ($rules as $r) {
            $this->call($sid, 'firewall_rule_add', ['rule' => $r]);
        }
        $fw = $this->call($sid, 'firewall');
        $this->assertSame(['ssh', '<script>web</script>', 'block'], array_column($fw['rules'], 'comment'), 'appended in order');
        $this->assertSame(['22', '80,443', ''], array_column($fw['rules'], 'dport'));
        $this->assertSame('2001:db8::1', $fw['rules'][2]['dest'], 'addresses written canonical');
        $this->assertTrue($fw['rules'][0]['enable']);
        try {
            $this->call($sid, 'firewall_rule_add', ['rule' => ['type' => 'sideways', 'action' => 'ACCEPT', 'proto' => 'icmp',
                'dport' => '22', 'source' => '300.1.1.1', 'dest' => '10.0.0.0/33', 'comment' => "two\nlines"]]);
            $this->fail('a bad rule was added');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertEqualsCanonicalizing(['rule.type', 'rule.dport', 'rule.source', 'rule.dest', 'rule.comment'],
                array_keys($e->getErrors()));
        }
        $this->call($sid, 'firewall_rule_move', ['from' => 0, 'to' => 2]);
        $this->assertSame(['<script>web</script>', 'block', 'ssh'], array_column($this->call($sid, 'firewall')['rules'], 'comment'));
        $this->call($sid, 'firewall_rule_move', ['from' => 2, 'to' => 0]);
        $this->assertSame(['ssh', '<script>web</script>', 'block'], array_column($this->call($sid, 'firewall')['rules'], 'comment'));
        $this->call($sid, 'firewall_rule_delete', ['pos' => 1]);
        $this->assertSame(['ssh', 'block'], array_column($this->call($sid, 'firewall')['rules'], 'comment'));
        try {
            $this->call($sid, 'firewall_rule_delete', ['pos' => 5]);
            $this->fail('a rule that does not exist was deleted');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('pos', $e->getErrors());
        }
        $this->assertCount(2, $this->simVm($vmid)['firewall']['rules']);
    }

    public function testARunningJobHoldsOffOtherChanges(): void
    {
        $sid = $this->deployed();
        $this->sim('POST', 'knobs', ['taskMsByType' => ['vzdump' => 60000]]);
        $this->call($sid, 'backup_now');
        foreach (['stop' => [], 'iso_unmount' => [], 'reinstall' => ['template' => 9001, 'confirm' => 'REINSTALL'],
            'snapshot_take' => []] as $action => $args) {
            try {
                $this->call($sid, $action, $args);
                $this->fail("$action ran during a backup");
            } catch (PuqKvm\StateException $e) {
                $this->assertStringContainsString('try again', $e->getMessage(), $action);
            }
        }
        $o = $this->call($sid, 'overview');
        $this->assertTrue($o['busy']);
        $this->assertTrue($o['job']['running']);
        $this->assertSame('Backup', $o['job']['label']);
        $this->assertSame('ready', $this->status($sid));
    }
}
