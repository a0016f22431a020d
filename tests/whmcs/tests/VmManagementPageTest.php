<?php

/*
 * The VM Management page and its endpoints through AdminApp::handle(): the page shell
 * (filters, sortable columns, the Reset reference table), the list (live columns,
 * addresses with rDNS, filters, keyset pages, search, bad queries), the count, the Log
 * (runs, steps, the red banner, a running run), the DB Record, and each action -
 * Redeploy, Reset, DB Record save, Delete Record - allowed and refused by its rule, with
 * its activity log entry naming the admin, and refused without an admin session or CSRF
 * token. Every answer is checked against the database.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class VmManagementPageTest extends HarnessTestCase
{
    private const XSS = '<img src=x onerror="alert(1)">';

    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        $this->loginAdmin();
        Capsule::table('tblclients')->insert($this->whmcsRow('tblclients', ['id' => 1, 'firstname' => 'Ada',
            'lastname' => self::XSS, 'email' => 'ada@example.test', 'status' => 'Active']));
        Capsule::table('tblproducts')->insert($this->whmcsRow('tblproducts', ['id' => 1, 'type' => 'server',
            'gid' => 1, 'name' => 'KVM S', 'servertype' => 'puqProxmoxKVM']));
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers', ['id' => 1, 'name' => 'pve-waw',
            'type' => 'puqProxmoxKVM', 'active' => 1]));
        $states = [1 => 'ready', 2 => 'error_terminate', 3 => 'remove', 4 => 'clone', 5 => 'ready'];
        foreach ($states as $id => $status) {
            Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => $id, 'userid' => 1,
                'packageid' => 1, 'server' => 1, 'domainstatus' => $id === 3 ? 'Terminated' : 'Active',
                'regdate' => '2026-01-01', 'billingcycle' => 'Monthly']));
            Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $id, 'client_id' => 1,
                'product_id' => 1, 'server_id' => 1, 'vm_id' => 2000 + $id, 'vm_name' => "vm$id",
                'vm_status' => $status]);
        }
        puqkvm_pool_create(['server' => 1, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => 0,
            'gateway' => '2001:db8::1', 'mask' => 64, 'dns1' => '', 'dns2' => '', 'start' => '2001:db8::7',
            'stop' => '2001:db8::ff']);
        puqkvm_pool_allocate(1, 1, 0, 1);
        puqkvm_pool_allocate(2, 1, 0, 1);
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', 1)
            ->update(['vm_rev_dns' => json_encode(['2001:0db8:0000:0000:0000:0000:0000:0007' => 'web.example.com'])]);
        puqkvm_vmlist_sync('all');
    }

    private function get(array $query): Response
    {
        return $this->handle($this->request('GET', ['action' => 'vm_management', 'ajax' => '1'] + $query));
    }

    private function post(array $post, bool $token = true, bool $json = true): Response
    {
        $query = ['action' => 'vm_management'] + ($json ? ['ajax' => '1'] : []);
        return $this->handle($this->request('POST', $query, $post, $token));
    }

    private function status(int $id): ?string
    {
        $v = Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $id)->value('vm_status');
        return $v === null ? null : (string) $v;
    }

    /** @return list<string> */
    private function activity(): array
    {
        return Capsule::table('tblactivitylog')->orderBy('id')->pluck('description')->all();
    }

    public function testThePageIsAShellWithFiltersSortsAndTheResetReference(): void
    {
        $request = $this->request('GET', ['action' => 'vm_management']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('id="puqkvm-vm-service-filter"', $html);
        $this->assertStringContainsString('<option value="Suspended">Suspended</option>', $html);
        $this->assertStringContainsString('<option value="error_terminate">error_terminate</option>', $html);
        foreach (['id', 'client', 'product', 'server', 'vm', 'vm_status', 'service', 'ips'] as $sort) {
            $this->assertStringContainsString("data-sort=\"$sort\"", $html);
        }
        foreach (['ready', 'creation', 'set_ip', 'change_package', 'set_dns_records', 'terminate', 'remove'] as $s) {
            $this->assertStringContainsString("<tr><td><code>$s</code></td>", $html);
        }
        $this->assertStringContainsString('Queue a full DNS resync', $html);
        $this->assertStringContainsString('bypasses every safeguard', $html);
        $this->assertStringContainsString('/vm_management.js', $html);
        $this->assertStringNotContainsString('later release', $html);
        $this->assertStringNotContainsString(self::XSS, $html);
    }

    public function testTheListShowsLiveColumnsAddressesAndButtonsPerRule(): void
    {
        $r = $this->get(['op' => 'list']);
        $this->assertInstanceOf(Json::class, $r);
        $this->assertSame(200, $r->status);
        $this->assertSame([5, 4, 3, 2, 1], array_column($r->data['rows'], 'service_id'));
        $one = $r->data['rows'][4];
        $this->assertSame('Ada ' . self::XSS, $one['client'], 'JSON carries the text; the page inserts it as text');
        $this->assertSame(['KVM S', 'pve-waw', 2001, 'vm1', 'ready', 'Active'],
            [$one['product'], $one['server'], $one['vm_id'], $one['vm_name'], $one['vm_status'], $one['service_status']]);
        $this->assertSame([['ip' => '2001:0db8:0000:0000:0000:0000:0000:0007', 'family' => 6, 'main' => true,
            'rdns' => 'web.example.com']], $one['ips']);
        $buttons = array_column($r->data['rows'], 'actions', 'service_id');
        $this->assertFalse($buttons[1]['redeploy']);
        $this->assertTrue($buttons[4]['redeploy']);
        $this->assertFalse($buttons[1]['delete']);
        $this->assertTrue($buttons[2]['delete'] && $buttons[3]['delete']);

        $this->assertSame([5, 1], array_column($this->get(['op' => 'list', 'vm_status' => 'ready'])->data['rows'], 'service_id'));
        $this->assertSame([3], array_column($this->get(['op' => 'list', 'service_status' => 'Terminated'])->data['rows'], 'service_id'));
        $this->assertSame([2], array_column($this->get(['op' => 'list', 'search' => '2001:db8::8'])->data['rows'], 'service_id'));
        $this->assertSame(4, $this->get(['op' => 'count', 'service_status' => 'Active'])->data['count']);

        $first = $this->get(['op' => 'list', 'sort' => 'vm', 'dir' => 'asc', 'limit' => '2']);
        $this->assertSame([1, 2], array_column($first->data['rows'], 'service_id'));
        $second = $this->get(['op' => 'list', 'sort' => 'vm', 'dir' => 'asc', 'limit' => '2', 'cursor' => $first->data['next']]);
        $this->assertSame([3, 4], array_column($second->data['rows'], 'service_id'));
        $back = $this->get(['op' => 'list', 'sort' => 'vm', 'dir' => 'asc', 'limit' => '2', 'cursor' => $second->data['prev']]);
        $this->assertSame([1, 2], array_column($back->data['rows'], 'service_id'));
        $this->assertNull($back->data['prev']);

        $bad = $this->get(['op' => 'list', 'service_status' => 'Happy', 'sort' => 'colour']);
        $this->assertSame(422, $bad->status);
        $this->assertSame(['service_status', 'sort'], self::keys($bad->data['errors']));
        $this->assertSame(400, $this->get(['op' => 'nope'])->status);
    }

    private static function keys(array $a): array
    {
        $k = array_keys($a);
        sort($k);
        return $k;
    }

    public function testTheLogHasEveryRunWithStepsAndTheBannerOfAFailedLastRun(): void
    {
        $run = fn (string $result, string $action, string $message) => Capsule::table('puq_proxmox_kvm_vm_runs')
            ->insertGetId(['service_id' => 4, 'action' => $action, 'result' => $result, 'message' => $message,
                'started_at' => '2026-05-01 10:00:00.000', 'finished_at' => $result === 'running' ? null : '2026-05-01 10:00:07.500']);
        $r1 = $run('success', 'deploy', 'ready');
        $r2 = $run('error', 'terminate', 'DELETE failed: VM is locked (backup)');
        Capsule::table('puq_proxmox_kvm_vm_steps')->insert([
            ['run_id' => $r1, 'service_id' => 4, 'seq' => 1, 'label' => 'Clone template', 'from_status' => 'set_ip',
                'to_status' => 'clone', 'result' => 'success', 'message' => '', 'duration_ms' => 4250,
                'created_at' => '2026-05-01 10:00:04.000'],
            ['run_id' => $r2, 'service_id' => 4, 'seq' => 1, 'label' => 'Terminate', 'from_status' => 'terminate',
                'to_status' => 'error_terminate', 'result' => 'error', 'message' => 'VM is locked (backup)',
                'duration_ms' => 1200, 'created_at' => '2026-05-01 10:00:05.000']]);
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', 4)->update(['last_error_action' => 'terminate',
            'last_error_message' => 'DELETE failed: VM is locked (backup)']);
        $log = $this->get(['op' => 'log', 'id' => '4']);
        $this->assertSame(200, $log->status);
        $this->assertSame([$r2, $r1], array_column($log->data['runs'], 'id'));
        $this->assertSame(['action' => 'terminate', 'message' => 'DELETE failed: VM is locked (backup)'], $log->data['banner']);
        $this->assertFalse($log->data['running']);
        $this->assertSame(4.25, $log->data['runs'][1]['steps'][0]['duration']);
        $this->assertSame(['set_ip', 'clone', 'Clone template'], [$log->data['runs'][1]['steps'][0]['from'],
            $log->data['runs'][1]['steps'][0]['to'], $log->data['runs'][1]['steps'][0]['label']]);
        // a newer run in progress: no banner from the failed one is hidden by it, and it is watched
        $run('running', 'deploy', '');
        $log = $this->get(['op' => 'log', 'id' => '4']);
        $this->assertTrue($log->data['running']);
        $this->assertSame('terminate', $log->data['banner']['action']);
        // the last finished run succeeded: no banner
        $run('success', 'set_dns_records', 'done');
        $this->assertNull($this->get(['op' => 'log', 'id' => '4'])->data['banner']);
        $this->assertSame(404, $this->get(['op' => 'log', 'id' => '77'])->status);
        $this->assertSame(400, $this->get(['op' => 'log', 'id' => 'x'])->status);
    }

    public function testDbRecordIsReadAndSavedFieldByField(): void
    {
        $rec = $this->get(['op' => 'record', 'id' => '2']);
        $cols = array_column($rec->data['columns'], null, 'name');
        $this->assertSame('error_terminate', $cols['vm_status']['value']);
        $this->assertTrue($cols['vm_status']['editable']);
        $this->assertFalse($cols['lease_token']['editable']);

        $r = $this->post(['op' => 'record_save', 'id' => '2', 'values' => ['vm_status' => 'bogus',
            'vm_rev_dns' => '{"not-an-ip": "x.example.com"}', 'vm_backup_schedule' => '{oops']]);
        $this->assertSame(422, $r->status);
        $this->assertSame(['vm_backup_schedule', 'vm_rev_dns', 'vm_status'], self::keys($r->data['errors']));
        $this->assertSame('error_terminate', $this->status(2));

        $r = $this->post(['op' => 'record_save', 'id' => '2', 'values' => ['vm_status' => 'terminate',
            'vm_net0_mac' => 'BC:24:11:AA:BB:CC']]);
        $this->assertSame(200, $r->status, json_encode($r->data));
        $this->assertSame('terminate', $this->status(2));
        $this->assertStringContainsString('vm_status: error_terminate -> terminate', $r->data['message']);
        $this->assertSame(['admin ID 1: DB Record edited: vm_status: error_terminate -> terminate; vm_net0_mac: \'\' -> '
            . 'BC:24:11:AA:BB:CC - Service ID: 2 [PKVM-1]'], $this->activity());
    }

    public function testRedeployOnlyWhenNotReady(): void
    {
        $r = $this->post(['op' => 'redeploy', 'id' => '1']);
        $this->assertSame(409, $r->status);
        $this->assertStringContainsString('only for a VM that is not ready', $r->data['error']);
        $this->assertSame('ready', $this->status(1));
        $r = $this->post(['op' => 'redeploy', 'id' => '4']);
        $this->assertSame(200, $r->status);
        $this->assertSame('reinstall', $this->status(4));
        $this->assertSame('redeploy', Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', 4)->value('action'));
        $this->assertSame(['admin ID 1: VM redeploy requested (status was clone) - Service ID: 4 [PKVM-1]'], $this->activity());
        $this->assertSame(1, (int) Capsule::table('tblactivitylog')->value('userid'));
        $this->assertSame(404, $this->post(['op' => 'redeploy', 'id' => '99'])->status);
    }

    public function testResetTakesOnlyTheRerunnableStates(): void
    {
        $r = $this->post(['op' => 'reset', 'id' => '2', 'status' => 'clone']);
        $this->assertSame(422, $r->status);
        $this->assertArrayHasKey('status', $r->data['errors']);
        $this->assertSame('error_terminate', $this->status(2));
        $r = $this->post(['op' => 'reset', 'id' => '2', 'status' => 'terminate']);
        $this->assertSame(200, $r->status);
        $this->assertSame('terminate', $this->status(2));
        $this->assertSame(1, (int) Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', 2)->value('due'));
        $this->assertStringContainsString('reset from error_terminate to terminate - Service ID: 2', $this->activity()[0]);
        // without JavaScript: a redirect with the message
        $r = $this->post(['op' => 'reset', 'id' => '2', 'status' => 'ready'], true, false);
        $this->assertInstanceOf(Redirect::class, $r);
        $this->assertSame('ready', $this->status(2));
    }

    public function testDeleteRecordOnlyForErrorTerminateAndRemove(): void
    {
        $r = $this->post(['op' => 'delete', 'id' => '1']);
        $this->assertSame(409, $r->status);
        $this->assertSame('ready', $this->status(1));
        $r = $this->post(['op' => 'delete', 'id' => '2', 'release' => '0']);
        $this->assertSame(200, $r->status);
        $this->assertNull($this->status(2));
        $this->assertSame(1, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', 2)->where('live', 1)->count(),
            'addresses stay held without release');
        $this->assertSame('Active', Capsule::table('tblhosting')->where('id', 2)->value('domainstatus'));
        $r = $this->post(['op' => 'delete', 'id' => '3', 'release' => '1']);
        $this->assertSame(200, $r->status);
        $this->assertNull($this->status(3));
        $this->assertCount(2, $this->activity());
    }

    public function testEveryPostIsRefusedWithoutTokenOrSessionAndChangesNothing(): void
    {
        foreach ([['op' => 'redeploy', 'id' => '4'], ['op' => 'reset', 'id' => '2', 'status' => 'terminate'],
            ['op' => 'delete', 'id' => '3'], ['op' => 'record_save', 'id' => '2', 'values' => ['vm_status' => 'ready']]] as $post) {
            $this->assertSame(403, $this->post($post, false)->status, json_encode($post));
        }
        unset($_SESSION['adminid']);
        $this->assertSame(403, $this->post(['op' => 'redeploy', 'id' => '4'])->status);
        $this->assertSame(403, $this->get(['op' => 'list'])->status);
        $this->assertSame(403, $this->get(['op' => 'log', 'id' => '4'])->status);
        $this->assertSame(['clone', 'error_terminate', 'remove'], [$this->status(4), $this->status(2), $this->status(3)]);
        $this->assertSame([], $this->activity());
        $this->loginAdmin();
        $this->assertSame(400, $this->post(['op' => 'explode', 'id' => '4'])->status);
        $this->assertSame(400, $this->post(['op' => 'redeploy', 'id' => 'abc'])->status);
    }
}
