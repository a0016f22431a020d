<?php

/*
 * Every endpoint of the addon's admin page, found from its source (the router's
 * whitelist and each controller's ops: tests/security/EndpointScan.php), refuses a
 * request without an admin session, and every POST refuses one without the session's
 * CSRF token - missing, forged, in a header, or only in the URL - and other methods;
 * each refusal leaves every table of the database as it was (the module's and WHMCS's).
 *
 * Each endpoint has an entry in catalog(): the request that, with the session and the
 * token, does the endpoint's work in the seeded world. That positive control runs after
 * the refusals and must change the database (a write) or must not (a read; a GET is
 * never a way to change anything), so a refusal is known to have stopped a request
 * that would otherwise have worked. An endpoint the scan finds and the catalog lacks
 * fails the suite until it is classified.
 *
 * The same requests then go through real HTTP (the harness front, as a browser or a
 * forged cross-site form would send them).
 */

use PuqKvm\Test\Security\EndpointScan;
use PuqKvm\Test\Security\HttpFront;
use PuqKvm\Test\Security\Snapshot;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;
use WHMCS\Module\Addon\PuqProxmoxKvm\Router;
use WhmcsHarness\AdminSession;

require_once __DIR__ . '/SecurityTestCase.php';

final class SecurityAddonEndpointsTest extends SecurityTestCase
{
    /**
     * What each endpoint is and the request that does its work: kind (read: a GET that
     * must change nothing; write: a POST that must change the database; unknown: the
     * "unknown request" answer of a POST without an op; contact: a POST that asks a
     * provider and answers what it said) and a function that prepares the world and
     * returns [query fields, form fields].
     *
     * @return array<string, array{string, callable(): array{array<string, string>, array<string, mixed>}}>
     */
    private function catalog(): array
    {
        $none = static fn () => [[], []];
        $id = static fn (int $service) => static fn () => [['id' => (string) $service], []];
        return [
            'home GET' => ['read', $none],
            'help GET' => ['read', $none],
            'settings_general GET' => ['read', $none],
            'settings_cron GET' => ['read', $none],
            'ip_pools GET' => ['read', $none],
            'ip_pools GET rdns' => ['read', static fn () => [['ip' => '198.51.100.1', 'mask' => '24'], []]],
            'dns_zones GET' => ['read', $none],
            'vm_management GET' => ['read', $none],
            'vm_management GET list' => ['read', static fn () => [['search' => 'vm', 'limit' => '50'], []]],
            'vm_management GET count' => ['read', $none],
            'vm_management GET log' => ['read', $id(1)],
            'vm_management GET record' => ['read', $id(1)],
            'vm_management GET live' => ['read', $id(1)],

            'settings_general POST' => ['write', static fn () => [[], ['settings' => ['default_timeout' => '42']]]],
            'settings_cron POST' => ['write', static fn () => [[], ['settings' => ['cron_mode' => 'standalone']]]],
            'ip_pools POST' => ['unknown', $none],
            'ip_pools POST save' => ['write', static fn () => [[], ['op' => 'save', 'id' => '', 'server' => '1',
                'type' => 'IPv4', 'bridge' => 'vmbr1', 'vlan' => '0', 'gateway' => '198.51.100.1', 'mask' => '24',
                'dns1' => '', 'dns2' => '', 'start' => '198.51.100.10', 'stop' => '198.51.100.20']]],
            'ip_pools POST delete' => ['write', static fn () => [[], ['op' => 'delete',
                'id' => (string) puqkvm_pool_create(['server' => 1, 'type' => 'IPv6', 'bridge' => 'vmbr0',
                    'vlan' => '0', 'gateway' => '2001:db8:5ec::1', 'mask' => '64', 'dns1' => '', 'dns2' => '',
                    'start' => '2001:db8:5ec::10', 'stop' => '2001:db8:5ec::ff'])]]],
            'ip_pools POST release' => ['write', fn () => [[], ['op' => 'release',
                'allocation' => (string) $this->staleAllocation()]]],
            'dns_zones POST' => ['unknown', $none],
            'dns_zones POST save' => ['write', static fn () => [[], ['op' => 'save', 'id' => '',
                'type' => 'powerdns', 'zone' => '2.0.192.in-addr.arpa', 'server_url' => 'https://pdns.example.test:8081',
                'api_key' => 'a-new-key']]],
            'dns_zones POST delete' => ['write', static fn () => [[], ['op' => 'delete',
                'id' => (string) puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => 'gone.example.test',
                    'server_url' => 'https://pdns.example.test:8081', 'api_key' => 'k'])]]],
            'dns_zones POST test' => ['contact', fn () => [[], ['op' => 'test', 'id' => (string) $this->zoneId]]],
            'vm_management POST' => ['unknown', static fn () => [[], ['id' => '1']]],
            'vm_management POST redeploy' => ['write', static fn () => [[], ['op' => 'redeploy', 'id' => '4']]],
            'vm_management POST reset' => ['write', static fn () => [[], ['op' => 'reset', 'id' => '1',
                'status' => 'set_dns_records']]],
            'vm_management POST record_save' => ['write', static fn () => [[], ['op' => 'record_save', 'id' => '5',
                'values' => ['vm_name' => 'renamed']]]],
            'vm_management POST delete' => ['write', static fn () => [[], ['op' => 'delete', 'id' => '2',
                'release' => '1']]],
            // an outdated schema (a table missing) is what the upgrade repairs
            'schema_upgrade POST' => ['write', static function () {
                Capsule::statement('DROP TABLE puq_proxmox_kvm_workers');
                return [[], []];
            }],
        ];
    }

    /** @return array<string, array{string, string, string}> */
    public static function endpoints(): array
    {
        $cases = [];
        foreach (EndpointScan::addon(Router::ROUTES)['endpoints'] as $e) {
            $cases[EndpointScan::name($e)] = [$e['action'], $e['method'], $e['op']];
        }
        return $cases;
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->seedWorld();
    }

    public function testTheScanFindsEveryEndpointAndEachIsClassified(): void
    {
        $scan = EndpointScan::addon(Router::ROUTES);
        $this->assertSame([], $scan['problems']);
        $found = array_keys(self::endpoints());
        $classified = array_keys($this->catalog());
        sort($found);
        sort($classified);
        $this->assertSame([], array_values(array_diff($found, $classified)),
            'endpoints without an entry in SecurityAddonEndpointsTest::catalog(): classify them');
        $this->assertSame([], array_values(array_diff($classified, $found)),
            'catalog entries the scan no longer finds: remove them');
        // the scan sees what the code has: a sample of each way an op is compared
        foreach (['ip_pools GET rdns', 'ip_pools POST release', 'dns_zones POST test', 'vm_management GET live',
            'vm_management POST record_save', 'schema_upgrade POST'] as $known) {
            $this->assertContains($known, $found);
        }
    }

    /** @dataProvider endpoints */
    public function testRefusedWithoutSessionOrTokenAndChangesNothing(string $action, string $method, string $op): void
    {
        $name = EndpointScan::name(['action' => $action, 'method' => $method, 'op' => $op]);
        $entry = $this->catalog()[$name] ?? null;
        $this->assertNotNull($entry, "$name is not classified in catalog()");
        [$kind, $prepare] = $entry;
        [$query, $post] = $prepare();
        $query = ['action' => $action] + ($op !== '' && $method === 'GET' ? ['op' => $op] : []) + $query;
        if ($op !== '' && $method === 'POST') {
            $post['op'] = $op;
        }
        $before = Snapshot::take();

        foreach ([true, false] as $json) {
            $q = $json ? $query + ['ajax' => '1'] : $query;
            $style = $json ? 'JSON' : 'form';
            // no admin session: nothing is shown and nothing is done
            $this->assertRefused(403, $this->send($method, $q, $post, 0, null), "$name ($style) without a session");
            if ($method === 'POST') {
                $this->assertRefused(403, $this->send('POST', $q, $post, 0, self::forgedToken()),
                    "$name ($style) without a session, with a token");
                $this->assertRefused(403, $this->send('POST', $q, $post, 1, null), "$name ($style) without a token");
                $this->assertRefused(403, $this->send('POST', $q, $post, 1, self::forgedToken()),
                    "$name ($style) with a forged token");
                $this->assertRefused(403, $this->send('POST', $q, $post, 1, null,
                    ['X-CSRF-Token' => self::forgedToken()]), "$name ($style) with a forged token header");
                $this->assertRefused(403, $this->send('POST', $q + ['token' => generate_token('plain')], $post, 1,
                    null), "$name ($style) with the token only in the URL");
                foreach (['PUT', 'DELETE', 'PATCH'] as $other) {
                    $this->assertRefused(405, $this->send($other, $q, $post, 1, generate_token('plain')),
                        "$name ($style) as $other");
                }
            }
            $this->assertUnchanged($before, "a refused $name ($style)");
        }
        if ($method === 'POST') {
            // the same fields as a GET (a link or an <img> on another site): never a change
            $this->send('GET', $query + $post + ['ajax' => '1'], [], 1, null);
            $this->assertUnchanged($before, "$name sent as a GET");
        }

        // the positive control: the admin's own request with the session's token (a page
        // read as the browser opens it, everything else as the page's scripts send it)
        if ($kind === 'read' && $op === '') {
            $response = $this->send('GET', $query, [], 1, null);
            $this->assertSame(200, $response->status, $name);
            $this->render($this->request('GET', $query), $response);
            $this->assertUnchanged($before, "$name (a page)");
            return;
        }
        $response = $this->send($method, $query + ['ajax' => '1'], $post, 1, $method === 'POST'
            ? generate_token('plain') : null);
        $this->assertInstanceOf(Json::class, $response, $name);
        $detail = "$name: " . json_encode($response->data);
        switch ($kind) {
            case 'read':
                $this->assertSame(200, $response->status, $detail);
                $this->assertUnchanged($before, "$name (a read)");
                break;
            case 'write':
                $this->assertSame(200, $response->status, $detail);
                $this->assertChanged($before, $name);
                break;
            case 'contact':
                $this->assertSame(200, $response->status, $detail);
                $this->assertArrayHasKey('http_status', $response->data, $detail);
                $this->assertGreaterThan(0, $response->data['http_status'], "$detail: the provider was asked");
                break;
            case 'unknown':
                $this->assertSame(400, $response->status, $detail);
                $this->assertUnchanged($before, $name);
                break;
            default:
                $this->fail("$name: unknown kind $kind");
        }
    }

    public function testEveryEndpointOverHttpNeedsTheSessionAndTheToken(): void
    {
        AdminSession::createAdmin('admin', 'sec-admin-pass');
        $front = new HttpFront(self::root(), self::extensionPath());
        try {
            $admin = $front->visitor();
            $token = $admin->loginAdmin('admin', 'admin', 'sec-admin-pass');
            $anonymous = $front->visitor();
            foreach ($this->catalog() as $name => [$kind, $prepare]) {
                [$action, $method, $op] = array_pad(explode(' ', $name), 3, '');
                [$query, $post] = $prepare();
                if ($op !== '') {
                    if ($method === 'GET') {
                        $query['op'] = $op;
                    } else {
                        $post['op'] = $op;
                    }
                }
                $url = '/admin/addonmodules.php?' . http_build_query(['module' => self::MODULE,
                    'action' => $action, 'ajax' => '1'] + $query);
                $before = Snapshot::take();
                $answer = $anonymous->request($method, $url, $method === 'POST' ? $post : null);
                $this->assertSame(303, $answer['status'], "$name without a session: to the login page");
                $this->assertStringStartsWith('login.php', $answer['headers']['location'] ?? '');
                if ($method === 'POST') {
                    foreach (['no token' => [], 'a forged token' => ['token' => self::forgedToken()]] as $how => $t) {
                        $answer = $admin->post($url, $post + $t);
                        $this->assertSame(403, $answer['status'], "$name over HTTP with $how");
                        $this->assertStringContainsString('security token', (string) json_decode($answer['body'],
                            true)['error']);
                    }
                    // what a page's script sends: the token in the header works, a forged one does not
                    $answer = $admin->post($url, $post, ['X-CSRF-Token' => self::forgedToken(),
                        'X-Requested-With' => 'XMLHttpRequest']);
                    $this->assertSame(403, $answer['status'], "$name over HTTP with a forged header");
                }
                $this->assertUnchanged($before, "$name over HTTP, refused");
                if ($kind === 'write') {
                    $answer = $admin->post($url, $post, ['X-CSRF-Token' => $token]);
                    $this->assertSame(200, $answer['status'], "$name over HTTP with the token: {$answer['body']}");
                    $this->assertChanged($before, "$name over HTTP");
                }
            }
        } finally {
            $front->stop();
        }
    }

    /** A request of the admin $adminId (0: no session) with $token (null: none). */
    private function send(string $method, array $query, array $post, int $adminId, ?string $token,
        array $headers = []): Response
    {
        if ($token !== null) {
            $post['token'] = $token;
        }
        $_SESSION['adminid'] = $adminId;
        $request = new Request($method, $query, $post, $headers, $adminId, 'addonmodules.php?module=' . self::MODULE);
        $response = $this->handle($request);
        $_SESSION['adminid'] = 1;
        return $response;
    }

    private function assertRefused(int $status, Response $response, string $what): void
    {
        $this->assertNotInstanceOf(Redirect::class, $response, "$what was answered with a redirect");
        $this->assertSame($status, $response->status, $what);
    }
}
