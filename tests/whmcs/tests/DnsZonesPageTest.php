<?php

/*
 * The DNS Zones page and its endpoints through AdminApp::handle(): adding a zone of each
 * provider, the table (badges, escaping, no secret anywhere in the HTML or JSON), editing
 * with the write-only secrets ("__KEEP__" or empty keeps, a new value replaces), field
 * errors with nothing written, deleting, the Test button against the real PowerDNS of
 * scripts/services (a good key, a wrong key), and the refusal of every post without an
 * admin session or CSRF token - each checked against the database.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;

final class DnsZonesPageTest extends HarnessTestCase
{
    private const CF = ['type' => 'cloudflare', 'zone' => 'Example.com.', 'account_id' => '',
        'zone_id' => '023e105f4ecef8ad9ca31a8372d0c353', 'api_token' => 'cf-secret-token-abcdef'];
    private const HE = ['type' => 'hestiacp', 'zone' => '2.0.192.in-addr.arpa',
        'server_url' => 'https://hestia.example.com:8083', 'admin_user' => 'admin',
        'admin_password' => 'hestia-secret-password', 'user' => 'client1'];
    private const PD = ['type' => 'powerdns', 'zone' => '8.b.d.0.1.0.0.2.ip6.arpa.',
        'server_url' => 'https://pdns.example.com:8081', 'api_key' => 'pdns-secret-api-key'];
    private const SECRETS = ['cf-secret-token-abcdef', 'hestia-secret-password', 'pdns-secret-api-key'];

    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        $this->loginAdmin();
    }

    private function post(array $post, bool $json = true, bool $token = true): \WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response
    {
        $query = ['action' => 'dns_zones'] + ($json ? ['ajax' => '1'] : []);
        return $this->handle($this->request('POST', $query, $post, $token));
    }

    private function zones(): array
    {
        return Capsule::table('puq_proxmox_kvm_dns_zones')->orderBy('id')->get()->map(fn ($r) => (array) $r)->all();
    }

    private function page(): string
    {
        $request = $this->request('GET', ['action' => 'dns_zones']);
        return $this->render($request, $this->handle($request));
    }

    public function testZonesOfEveryProviderAreStoredAndListedWithoutSecrets(): void
    {
        foreach ([self::CF, self::HE, self::PD] as $form) {
            $r = $this->post(['op' => 'save', 'id' => ''] + $form);
            $this->assertSame(200, $r->status, json_encode($r->data));
            $this->assertTrue($r->data['ok']);
        }
        $rows = $this->zones();
        $this->assertCount(3, $rows);
        $this->assertSame(['example.com', 'cloudflare', 'cf-secret-token-abcdef'],
            [$rows[0]['zone'], $rows[0]['type'], $rows[0]['api_token']]);
        $this->assertSame('https://hestia.example.com:8083/', $rows[1]['server_url']);
        $this->assertSame('hestia-secret-password', $rows[1]['admin_password']);
        $this->assertSame(['8.b.d.0.1.0.0.2.ip6.arpa', 'https://pdns.example.com:8081', 'pdns-secret-api-key'],
            [$rows[2]['zone'], $rows[2]['server_url'], $rows[2]['api_key']]);
        $this->assertNull($rows[2]['admin_user']);

        $html = $this->page();
        $this->assertStringContainsString('<td class="puqkvm-zone-name">example.com</td>', $html);
        $this->assertStringContainsString('puqkvm-provider-cloudflare">CLOUDFLARE<', $html);
        $this->assertStringContainsString('puqkvm-provider-hestiacp">HESTIACP<', $html);
        $this->assertStringContainsString('puqkvm-provider-powerdns">POWERDNS<', $html);
        $this->assertSame(3, substr_count($html, 'puqkvm-zone-test"'));
        $this->assertStringContainsString('/dns_zones.js', $html);
        $this->assertStringContainsString('data-keep-placeholder="(unchanged — enter new to replace)"', $html);
        $this->assertStringContainsString('__KEEP__', $html);
        foreach (self::SECRETS as $secret) {
            $this->assertStringNotContainsString($secret, $html);
        }
        $json = $this->handle($this->request('GET', ['action' => 'dns_zones', 'ajax' => '1']));
        $this->assertInstanceOf(Json::class, $json);
        $text = json_encode($json->data);
        foreach (self::SECRETS as $secret) {
            $this->assertStringNotContainsString($secret, $text);
        }
        $this->assertSame('__KEEP__', $json->data['zones'][0]['api_token']);
        $this->assertSame(['name' => 'api_key', 'label' => 'API Key', 'secret' => true, 'required' => true],
            end($json->data['providers']['powerdns']['fields']));
    }

    public function testBadValuesComeBackFieldByFieldAndNothingIsSaved(): void
    {
        $r = $this->post(['op' => 'save', 'id' => '', 'type' => 'hestiacp', 'zone' => 'bad..zone',
            'server_url' => 'ftp://x', 'admin_user' => '', 'admin_password' => '', 'user' => 'a b']);
        $this->assertSame(422, $r->status);
        $this->assertSame(['admin_password', 'admin_user', 'server_url', 'user', 'zone'],
            self::sorted(array_keys($r->data['errors'])));
        $this->assertSame('Admin Password is required', $r->data['errors']['admin_password']);
        $r = $this->post(['op' => 'save', 'id' => '', 'type' => 'bind', 'zone' => 'example.com']);
        $this->assertSame(422, $r->status);
        $this->assertArrayHasKey('type', $r->data['errors']);
        $this->assertSame([], $this->zones());
        // without JavaScript: a redirect with the errors in the message
        $r = $this->post(['op' => 'save', 'id' => '', 'type' => 'powerdns', 'zone' => ''], false);
        $this->assertInstanceOf(Redirect::class, $r);
        $this->assertSame([], $this->zones());
    }

    private static function sorted(array $a): array
    {
        sort($a);
        return $a;
    }

    public function testEditingKeepsSecretsUnlessANewOneIsTyped(): void
    {
        $id = $this->post(['op' => 'save', 'id' => ''] + self::HE)->data['id'];
        // what the Edit form sends back: the mask, then an empty field
        foreach (['__KEEP__', ''] as $masked) {
            $r = $this->post(['op' => 'save', 'id' => (string) $id, 'admin_password' => $masked,
                'user' => 'client2'] + self::HE);
            $this->assertSame(200, $r->status, json_encode($r->data));
            $row = $this->zones()[0];
            $this->assertSame('hestia-secret-password', $row['admin_password']);
            $this->assertSame('client2', $row['user']);
        }
        $this->post(['op' => 'save', 'id' => (string) $id, 'admin_password' => 'a-new-password'] + self::HE);
        $this->assertSame('a-new-password', $this->zones()[0]['admin_password']);
        // a bad edit changes nothing
        $r = $this->post(['op' => 'save', 'id' => (string) $id, 'user' => 'x y', 'admin_password' => 'other'] + self::HE);
        $this->assertSame(422, $r->status);
        $this->assertSame(['a-new-password', 'client1'], [$this->zones()[0]['admin_password'], $this->zones()[0]['user']]);
        // switching the provider never carries a secret over
        $r = $this->post(['op' => 'save', 'id' => (string) $id, 'type' => 'powerdns', 'zone' => '2.0.192.in-addr.arpa',
            'server_url' => 'https://pdns.example.com', 'api_key' => '__KEEP__']);
        $this->assertSame(422, $r->status);
        $this->assertSame('API Key is required', $r->data['errors']['api_key']);
        $this->assertSame(404, $this->post(['op' => 'save', 'id' => '999'] + self::HE)->status);
    }

    public function testDeleting(): void
    {
        $id = $this->post(['op' => 'save', 'id' => ''] + self::PD)->data['id'];
        $r = $this->post(['op' => 'delete', 'id' => (string) $id]);
        $this->assertSame(200, $r->status);
        $this->assertSame([], $this->zones());
        $this->assertSame(404, $this->post(['op' => 'delete', 'id' => (string) $id])->status);
        $this->assertSame(400, $this->post(['op' => 'delete', 'id' => 'x'])->status);
    }

    /** The real PowerDNS of scripts/services, a zone of this test's own. */
    private function pdns(string $method, string $path, ?string $body = null): int
    {
        $ch = curl_init(getenv('PUQKVM_PDNS_API_URL') . '/api/v1/servers/localhost' . $path);
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['X-API-Key: ' . getenv('PUQKVM_PDNS_API_KEY'), 'Content-Type: application/json'],
            CURLOPT_POSTFIELDS => $body]);
        curl_exec($ch);
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return $status;
    }

    public function testTheTestButtonAsksTheProvider(): void
    {
        $this->assertNotFalse(getenv('PUQKVM_PDNS_API_URL'), 'scripts/test exports the PowerDNS settings');
        $zone = 'phpunit' . getmypid() . '.puqkvm.test';
        $this->pdns('DELETE', "/zones/$zone.");
        $this->assertSame(201, $this->pdns('POST', '/zones', json_encode(['name' => "$zone.", 'kind' => 'Native'])));
        try {
            $good = $this->post(['op' => 'save', 'id' => '', 'type' => 'powerdns', 'zone' => $zone,
                'server_url' => getenv('PUQKVM_PDNS_API_URL'), 'api_key' => getenv('PUQKVM_PDNS_API_KEY')])->data['id'];
            $bad = $this->post(['op' => 'save', 'id' => '', 'type' => 'powerdns', 'zone' => $zone,
                'server_url' => getenv('PUQKVM_PDNS_API_URL') . '/api/v1', 'api_key' => 'wrong-key'])->data['id'];
            $r = $this->post(['op' => 'test', 'id' => (string) $good]);
            $this->assertSame(200, $r->status);
            $this->assertTrue($r->data['ok']);
            $this->assertStringStartsWith("zone $zone. found (Native, serial ", $r->data['message']);
            $r = $this->post(['op' => 'test', 'id' => (string) $bad]);
            $this->assertFalse($r->data['ok']);
            $this->assertSame('PowerDNS refused the API key (HTTP 401)', $r->data['message']);
            $this->assertSame(401, $r->data['http_status']);
            $this->assertStringNotContainsString('wrong-key', json_encode($r->data));
            // without JavaScript the result comes back as the page's message
            $this->assertInstanceOf(Redirect::class, $this->post(['op' => 'test', 'id' => (string) $good], false));
            $this->assertSame(404, $this->post(['op' => 'test', 'id' => '999'])->status);
        } finally {
            $this->pdns('DELETE', "/zones/$zone.");
        }
    }

    public function testPostsWithoutAdminSessionOrTokenAreRefusedAndChangeNothing(): void
    {
        $id = $this->post(['op' => 'save', 'id' => ''] + self::PD)->data['id'];
        $posts = [
            ['op' => 'save', 'id' => ''] + self::CF,
            ['op' => 'save', 'id' => (string) $id, 'api_key' => 'stolen'] + self::PD,
            ['op' => 'delete', 'id' => (string) $id],
            ['op' => 'test', 'id' => (string) $id],
        ];
        $token = generate_token('plain');
        foreach ($posts as $post) {
            foreach ([[], ['token' => 'bad' . $token], ['token' => ['x']]] as $extra) {
                $r = $this->post($post + $extra, true, false);
                $this->assertSame(403, $r->status, json_encode($post + $extra));
                $this->assertStringContainsString('security token', $r->data['error']);
            }
            $_SESSION['adminid'] = 0;
            $r = $this->handle($this->request('POST', ['action' => 'dns_zones', 'ajax' => '1'],
                $post + ['token' => $token], false));
            $this->assertSame(403, $r->status);
            $this->loginAdmin();
        }
        $rows = $this->zones();
        $this->assertCount(1, $rows);
        $this->assertSame('pdns-secret-api-key', $rows[0]['api_key']);
        $this->assertSame(400, $this->post(['op' => 'drop', 'id' => (string) $id])->status);
    }

    public function testEveryTextIsEscaped(): void
    {
        $payload = '<img src=x onerror=alert(1)>"\'';
        // the engine refuses such values, so write them the way an imported table could hold them
        Capsule::table('puq_proxmox_kvm_dns_zones')->insert(['zone' => 'x' . $payload, 'type' => 'powerdns',
            'server_url' => $payload, 'api_key' => 'k']);
        $html = $this->page();
        $this->assertStringNotContainsString('<img src=x', $html);
        $this->assertStringContainsString('x&lt;img src=x onerror=alert(1)&gt;&quot;&#039;', $html);
    }
}
