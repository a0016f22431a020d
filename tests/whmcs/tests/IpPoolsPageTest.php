<?php

/*
 * The IP Pools page and its endpoints through AdminApp::handle(): the table (usage,
 * the rDNS zone line, escaping), the JSON list, the live rDNS hint, saving with field
 * errors and nothing written, deleting (refused while addresses are held), releasing
 * a stale holding, and the refusals of every post without an admin session or CSRF
 * token - each checked against the database.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;

final class IpPoolsPageTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        $this->loginAdmin();
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers',
            ['id' => 4, 'name' => 'pve-waw1', 'type' => 'puqProxmoxKVM']));
        Capsule::table('tblservers')->insert($this->whmcsRow('tblservers',
            ['id' => 5, 'name' => 'cp1', 'type' => 'cpanel']));
    }

    private const FORM = ['server' => '4', 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
        'gateway' => '192.168.130.1', 'mask' => '24', 'dns1' => '8.8.8.8', 'dns2' => '1.1.1.1',
        'start' => '192.168.130.2', 'stop' => '192.168.130.80'];

    private function save(array $form, bool $json = true, string $id = ''): \WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response
    {
        $query = ['action' => 'ip_pools'] + ($json ? ['ajax' => '1'] : []);
        return $this->handle($this->request('POST', $query, ['op' => 'save', 'id' => $id] + $form));
    }

    private function pools(): array
    {
        return Capsule::table('puq_proxmox_kvm_ip_pools')->orderBy('id')->get()->map(fn ($r) => (array) $r)->all();
    }

    private function service(int $id, string $status = 'Active'): void
    {
        Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => $id, 'server' => 4,
            'domainstatus' => $status, 'regdate' => '2026-01-01', 'nextinvoicedate' => '2026-02-01']));
    }

    public function testAddingAPoolStoresItAndTheTableShowsUsageAndRdnsZone(): void
    {
        $response = $this->save(self::FORM);
        $this->assertInstanceOf(Json::class, $response);
        $this->assertSame(200, $response->status, json_encode($response->data));
        $this->assertTrue($response->data['ok']);
        $pools = $this->pools();
        $this->assertCount(1, $pools);
        $this->assertSame(['4', 'ipv4', 'vmbr0', '192.168.130.1', '24', '192.168.130.2', '192.168.130.80'],
            array_map('strval', [$pools[0]['server_id'], $pools[0]['type'], $pools[0]['bridge'], $pools[0]['gateway'],
                $pools[0]['mask'], $pools[0]['start_ip'], $pools[0]['stop_ip']]));

        // 17 of 79 addresses assigned, as in the addon manual
        for ($s = 1; $s <= 17; $s++) {
            $this->service($s);
            puqkvm_pool_allocate($s, 4, 1, 0);
        }
        $request = $this->request('GET', ['action' => 'ip_pools']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('pve-waw1 <span class="text-muted">(ID: 4)</span>', $html);
        $this->assertStringContainsString('192.168.130.2 - 192.168.130.80', $html);
        $this->assertStringContainsString('rDNS zone: 130.168.192.in-addr.arpa', $html);
        $this->assertStringContainsString('21.52% (17/79)', $html);
        $this->assertStringContainsString('style="width: 21.52%"', $html);
        $this->assertStringContainsString('>IPV4<', $html);
        $this->assertStringContainsString('/ip_pools.js', $html);
        // only this module's servers are offered
        $this->assertStringContainsString('<option value="4">pve-waw1 (ID: 4)</option>', $html);
        $this->assertStringNotContainsString('cp1', $html);

        $json = $this->handle($this->request('GET', ['action' => 'ip_pools', 'ajax' => '1']));
        $this->assertSame('21.52% (17/79)', $json->data['pools'][0]['usage']);
        $this->assertSame('130.168.192.in-addr.arpa', $json->data['pools'][0]['rdns_zone']);
    }

    public function testAHugeIpv6PoolShowsExactCountsAndItsNibbleZone(): void
    {
        $this->save(['type' => 'IPv6', 'gateway' => '2001:db8::1', 'mask' => '64', 'start' => '2001:db8::2',
            'stop' => '2001:db8::ffff:ffff:ffff:ffff', 'dns1' => '', 'dns2' => ''] + self::FORM);
        $this->service(1);
        puqkvm_pool_allocate(1, 4, 0, 5);
        $request = $this->request('GET', ['action' => 'ip_pools']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('0.01% (5/18446744073709551614)', $html);
        $this->assertStringContainsString('rDNS zone: 0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', $html);
        $this->assertStringContainsString('>IPV6<', $html);
    }

    public function testBadValuesComeBackFieldByFieldAndNothingIsSaved(): void
    {
        $bad = ['server' => '5', 'bridge' => 'vm br0', 'vlan' => '4095', 'gateway' => '2001:db8::1', 'mask' => '33',
            'dns1' => '8.8.8', 'start' => '192.168.131.2'] + self::FORM;
        $response = $this->save($bad);
        $this->assertSame(422, $response->status);
        $this->assertSame('Some values are not valid: nothing was saved.', $response->data['error']);
        foreach (['server', 'bridge', 'vlan', 'gateway', 'mask', 'dns1'] as $field) {
            $this->assertArrayHasKey($field, $response->data['errors'], $field);
        }
        $this->assertStringContainsString('does not use the PUQ Proxmox KVM module', $response->data['errors']['server']);
        $this->assertSame([], $this->pools());

        // start outside the network, overlapping an existing pool
        $this->save(self::FORM);
        $overlap = $this->save(['start' => '192.168.130.50', 'stop' => '192.168.130.90'] + self::FORM);
        $this->assertSame(422, $overlap->status);
        $this->assertStringContainsString('overlaps pool', $overlap->data['errors']['start']);
        $outside = $this->save(['start' => '192.168.129.2'] + self::FORM);
        $this->assertStringContainsString('outside the gateway\'s network 192.168.130.0/24', $outside->data['errors']['start']);
        $this->assertCount(1, $this->pools());

        // without JavaScript: a redirect with the errors in the message, nothing saved
        $plain = $this->save(['vlan' => 'x'] + self::FORM, false);
        $this->assertInstanceOf(Redirect::class, $plain);
        $this->assertCount(1, $this->pools());
    }

    public function testEditingKeepsAssignedAddressesAsTheyWere(): void
    {
        $id = $this->save(self::FORM)->data['id'];
        $this->service(1);
        puqkvm_pool_allocate(1, 4, 1, 0);
        $edit = $this->save(['bridge' => 'vmbr1', 'vlan' => '20', 'dns1' => '9.9.9.9'] + self::FORM, true, (string) $id);
        $this->assertSame(200, $edit->status, json_encode($edit->data));
        $this->assertSame('vmbr1', $this->pools()[0]['bridge']);
        $held = Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', 1)->first();
        $this->assertSame(['vmbr0', '0', '8.8.8.8'], [$held->bridge, (string) $held->vlan, $held->dns1]);

        // the type of a pool that holds addresses does not change
        $type = $this->save(['type' => 'IPv6', 'gateway' => '2001:db8::1', 'mask' => '64', 'start' => '2001:db8::2',
            'stop' => '2001:db8::9', 'dns1' => ''] + self::FORM, true, (string) $id);
        $this->assertSame(422, $type->status);
        $this->assertArrayHasKey('type', $type->data['errors']);
        $this->assertSame(404, $this->save(self::FORM, true, '999')->status);
        $this->assertSame(400, $this->save(self::FORM, true, 'abc')->status);
    }

    public function testDeleteIsRefusedWhileAddressesAreHeld(): void
    {
        $id = $this->save(self::FORM)->data['id'];
        $this->service(7);
        puqkvm_pool_allocate(7, 4, 2, 0);
        $post = fn () => $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
            ['op' => 'delete', 'id' => (string) $id]));
        $refused = $post();
        $this->assertSame(409, $refused->status);
        $this->assertStringContainsString('still holds 2 addresses of 1 service (#7)', $refused->data['error']);
        $this->assertCount(1, $this->pools());

        puqkvm_pool_release_service(7, 'terminate');
        $done = $post();
        $this->assertSame(200, $done->status);
        $this->assertSame([], $this->pools());
        $this->assertSame(404, $post()->status);
    }

    public function testStaleHoldingsAreListedAndReleasedByTheAdmin(): void
    {
        $this->save(self::FORM);
        $this->service(8);
        puqkvm_pool_allocate(8, 4, 1, 0);
        Capsule::table('tblhosting')->where('id', 8)->update(['domainstatus' => 'Terminated']);
        $request = $this->request('GET', ['action' => 'ip_pools']);
        $html = $this->render($request, $this->handle($request));
        $this->assertMatchesRegularExpression('#clientsservices\.php\?id=8">\#8</a></td>\s*<td>Terminated</td>\s*'
            . '<td class="puqkvm-stale-ip">192\.168\.130\.2</td>#', $html);
        $allocation = (int) Capsule::table('puq_proxmox_kvm_ip_allocations')->value('id');

        $release = $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
            ['op' => 'release', 'allocation' => (string) $allocation]));
        $this->assertSame(200, $release->status);
        $row = Capsule::table('puq_proxmox_kvm_ip_allocations')->where('id', $allocation)->first();
        $this->assertNull($row->live);
        $this->assertSame('admin', $row->release_reason);
        $this->assertStringContainsString('admin ID 1: IP address 192.168.130.2 released - Service ID: 8',
            (string) Capsule::table('tblactivitylog')->value('description'));
        $this->assertSame(404, $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
            ['op' => 'release', 'allocation' => (string) $allocation]))->status);
    }

    public function testTheLiveHintComesFromTheEngine(): void
    {
        $hint = fn (string $ip, string $mask) => $this->handle($this->request('GET',
            ['action' => 'ip_pools', 'op' => 'rdns', 'ajax' => '1', 'ip' => $ip, 'mask' => $mask]))->data;
        $this->assertSame('rDNS zone: 130.168.192.in-addr.arpa', $hint('192.168.130.1', '24')['hint']);
        $this->assertSame('rDNS zone: 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
            $hint('2001:db8::1', '/120')['hint']);
        $this->assertSame('rDNS zone: classless delegation required', $hint('192.168.130.1', '22')['hint']);
        $this->assertNull($hint('192.168.130.1', '22')['zone']);
        $this->assertSame('The mask must be between 0 and 32 for an IPv4 address', $hint('10.0.0.1', '40')['error']);
        $this->assertStringStartsWith('The address is not a valid IP address', $hint('10.0.0', '24')['error']);
        $this->assertSame('', $hint('', '24')['hint']);
    }

    public function testPostsWithoutAdminSessionOrTokenAreRefusedAndChangeNothing(): void
    {
        $id = $this->save(self::FORM)->data['id'];
        $this->service(9);
        puqkvm_pool_allocate(9, 4, 1, 0);
        Capsule::table('tblhosting')->where('id', 9)->update(['domainstatus' => 'Cancelled']);
        $allocation = (string) Capsule::table('puq_proxmox_kvm_ip_allocations')->value('id');
        $posts = [
            ['op' => 'save', 'id' => ''] + self::FORM + ['start' => '192.168.130.90', 'stop' => '192.168.130.99'],
            ['op' => 'save', 'id' => (string) $id, 'bridge' => 'vmbr7'] + self::FORM,
            ['op' => 'delete', 'id' => (string) $id],
            ['op' => 'release', 'allocation' => $allocation],
        ];
        $token = generate_token('plain');
        foreach ($posts as $post) {
            foreach ([[], ['token' => 'bad' . $token], ['token' => ['x']]] as $extra) {
                $response = $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
                    $post + $extra, false));
                $this->assertSame(403, $response->status, json_encode($post + $extra));
                $this->assertStringContainsString('security token', $response->data['error']);
            }
            $_SESSION['adminid'] = 0;
            $response = $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
                $post + ['token' => $token], false));
            $this->assertSame(403, $response->status);
            $this->loginAdmin();
        }
        $pools = $this->pools();
        $this->assertCount(1, $pools);
        $this->assertSame('vmbr0', $pools[0]['bridge']);
        $this->assertSame(1, (int) Capsule::table('puq_proxmox_kvm_ip_allocations')->whereNotNull('live')->count());
        // an unknown op is refused too
        $this->assertSame(400, $this->handle($this->request('POST', ['action' => 'ip_pools', 'ajax' => '1'],
            ['op' => 'drop']))->status);
    }

    public function testEveryTextFieldIsEscaped(): void
    {
        $payload = '<img src=x onerror=alert(1)>"\'';
        // the engine refuses such values, so write them the way a legacy table could hold them
        Capsule::table('tblservers')->where('id', 4)->update(['name' => 'pve' . $payload]);
        Capsule::table('puq_proxmox_kvm_ip_pools')->insert($this->whmcsRow('puq_proxmox_kvm_ip_pools', [
            'server_id' => 4, 'type' => 'ipv4', 'bridge' => $payload, 'gateway' => $payload, 'mask' => 24,
            'dns1' => $payload, 'start_ip' => $payload, 'stop_ip' => $payload]));
        $request = $this->request('GET', ['action' => 'ip_pools']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringNotContainsString('<img src=x', $html);
        $this->assertStringContainsString('pve&lt;img src=x onerror=alert(1)&gt;&quot;&#039;', $html);
        $this->assertStringContainsString('&lt;img src=x onerror=alert(1)&gt;', $html);
        $this->assertStringContainsString('cannot be read', $html);
    }
}
