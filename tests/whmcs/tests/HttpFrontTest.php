<?php

/*
 * The harness's HTTP front and the addon's JSON endpoints over real HTTP (PHP's built-in
 * server with router.php and the extension): the admin area needs a login, the addon
 * answers AJAX with JSON and the right status (200, 403, 404, 422), the JSON replaces
 * the admin page entirely, and static files are served only from the module and vendor
 * directories and only as static types.
 */

use WhmcsHarness\AdminSession;
use WhmcsHarness\Environment;

final class HttpFrontTest extends HarnessTestCase
{
    /** @var resource|null */
    private $server = null;
    private string $base = '';
    private string $cookies = '';

    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        AdminSession::createAdmin('admin', 'harness-pass');
        $port = self::freePort();
        $this->base = "http://127.0.0.1:$port";
        Environment::setSetting('SystemURL', $this->base . '/');
        $cmd = [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-S', "127.0.0.1:$port",
            '-t', self::root(), dirname(__DIR__) . '/router.php'];
        $env = ['PUQKVM_WHMCS_ROOT' => self::root(), 'PATH' => getenv('PATH') ?: '/usr/bin:/bin'];
        $this->server = proc_open($cmd, [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes, null, $env);
        $this->cookies = tempnam(sys_get_temp_dir(), 'puqkvm-cookies');
        for ($i = 0; $i < 100; $i++) {
            if (@fsockopen('127.0.0.1', $port)) {
                return;
            }
            usleep(50000);
        }
        $this->fail('the harness server did not start');
    }

    protected function tearDown(): void
    {
        if ($this->server !== null) {
            proc_terminate($this->server);
            proc_close($this->server);
        }
        @unlink($this->cookies);
        parent::tearDown();
    }

    public function testTheAdminAreaNeedsALogin(): void
    {
        $page = $this->get('/admin/addonmodules.php?module=puq_proxmox_kvm');
        $this->assertSame(303, $page['status']);
        $this->assertStringStartsWith('login.php?redirect=', $page['headers']['location']);

        $login = $this->get('/admin/login.php');
        preg_match('/name="token" value="([0-9a-f]+)"/', $login['body'], $m);
        $wrong = $this->post('/admin/login.php', ['token' => $m[1], 'username' => 'admin', 'password' => 'nope']);
        $this->assertSame(401, $wrong['status']);
        $noToken = $this->post('/admin/login.php', ['username' => 'admin', 'password' => 'harness-pass']);
        $this->assertSame(401, $noToken['status']);
        $this->login();
        $this->assertSame(200, $this->get('/admin/addonmodules.php?module=puq_proxmox_kvm')['status']);
    }

    public function testAjaxAnswersAreJsonWithTheirStatus(): void
    {
        $this->login();
        $addon = '/admin/addonmodules.php?module=puq_proxmox_kvm';
        $counts = $this->get("$addon&action=home&ajax=1");
        $this->assertSame(200, $counts['status']);
        $this->assertSame('application/json; charset=utf-8', $counts['headers']['content-type']);
        $this->assertSame(0, json_decode($counts['body'], true)['counts']['kvm_services']);

        $missing = $this->get("$addon&action=nope&ajax=1");
        $this->assertSame(404, $missing['status']);
        $this->assertArrayHasKey('error', json_decode($missing['body'], true));

        $token = $this->token();
        $bad = $this->post("$addon&action=settings_general&ajax=1",
            ['token' => $token, 'settings' => ['default_timeout' => '0']]);
        $this->assertSame(422, $bad['status']);
        $this->assertArrayHasKey('default_timeout', json_decode($bad['body'], true)['errors']);
        $this->assertStringNotContainsString('<html', $bad['body'], 'JSON replaces the admin page');

        $refused = $this->post("$addon&action=settings_general&ajax=1", ['settings' => ['default_timeout' => '20']]);
        $this->assertSame(403, $refused['status']);
        $this->assertNull($this->storedSetting('default_timeout'));

        $saved = $this->post("$addon&action=settings_general&ajax=1",
            ['token' => $token, 'settings' => ['default_timeout' => '20']]);
        $this->assertSame(200, $saved['status']);
        $this->assertTrue(json_decode($saved['body'], true)['ok']);
        $this->assertSame('20', $this->storedSetting('default_timeout'));
    }

    public function testAFormPostRedirectsAndThePageShowsTheMessage(): void
    {
        $this->login();
        $addon = '/admin/addonmodules.php?module=puq_proxmox_kvm';
        $saved = $this->post("$addon&action=settings_cron", ['token' => $this->token(),
            'settings' => ['cron_interval_scheduleBackup' => '15']]);
        $this->assertSame(303, $saved['status']);
        $this->assertSame('addonmodules.php?module=puq_proxmox_kvm&action=settings_cron', $saved['headers']['location']);
        $this->assertSame('15', $this->storedSetting('cron_interval_scheduleBackup'));
        $page = $this->get("$addon&action=settings_cron");
        $this->assertStringContainsString('Settings saved.', $page['body']);
        $this->assertStringContainsString('<link rel="stylesheet" href="../modules/addons/puq_proxmox_kvm/assets/addon.css', $page['body']);
    }

    public function testStaticFilesAreServedOnlyFromTheirDirectoriesAndOnlyAsStaticTypes(): void
    {
        $css = $this->get('/modules/addons/puq_proxmox_kvm/assets/addon.css');
        $this->assertSame(200, $css['status']);
        $this->assertStringStartsWith('text/css', $css['headers']['content-type']);
        $this->assertSame(200, $this->get('/assets/vendor/jquery/jquery.min.js')['status']);
        $this->assertSame(200, $this->get('/assets/vendor/bootstrap/css/bootstrap.min.css')['status']);
        $this->assertSame(200, $this->get('/assets/vendor/bootstrap/fonts/glyphicons-halflings-regular.woff2')['status']);
        foreach ([
            '/modules/addons/puq_proxmox_kvm/puq_proxmox_kvm.php',
            '/modules/addons/puq_proxmox_kvm/templates/layout.tpl',
            '/modules/addons/puq_proxmox_kvm/../../../configuration.php',
            '/modules/addons/puq_proxmox_kvm/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/configuration.php',
            '/assets/vendor/jquery/../../../../../etc/passwd',
            '/configuration.php',
            '/admin/../configuration.php',
        ] as $path) {
            $answer = $this->get($path);
            $this->assertSame(404, $answer['status'], $path);
            $this->assertStringNotContainsString('db_password', $answer['body'], $path);
        }
    }

    private function login(): void
    {
        $login = $this->get('/admin/login.php');
        $this->assertSame(1, preg_match('/name="token" value="([0-9a-f]+)"/', $login['body'], $m));
        $answer = $this->post('/admin/login.php', ['token' => $m[1], 'username' => 'admin', 'password' => 'harness-pass']);
        $this->assertSame(303, $answer['status']);
    }

    /** The CSRF token the addon page carries for its forms and AJAX calls. */
    private function token(): string
    {
        $page = $this->get('/admin/addonmodules.php?module=puq_proxmox_kvm');
        $this->assertSame(1, preg_match('/id="puqkvm"[^>]*data-token="([0-9a-f]+)"/', $page['body'], $m));
        return $m[1];
    }

    private function get(string $path): array
    {
        return $this->http($path, null);
    }

    private function post(string $path, array $fields): array
    {
        return $this->http($path, http_build_query($fields));
    }

    /** @return array{status: int, headers: array<string, string>, body: string} */
    private function http(string $path, ?string $postBody): array
    {
        $headers = [];
        $curl = curl_init($this->base . $path);
        curl_setopt_array($curl, [
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_PATH_AS_IS => true,
            CURLOPT_COOKIEFILE => $this->cookies,
            CURLOPT_COOKIEJAR => $this->cookies,
            CURLOPT_TIMEOUT => 20,
            CURLOPT_HEADERFUNCTION => static function ($c, string $line) use (&$headers) {
                if (strpos($line, ':') !== false) {
                    [$name, $value] = explode(':', $line, 2);
                    $headers[strtolower(trim($name))] = trim($value);
                }
                return strlen($line);
            },
        ]);
        if ($postBody !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $postBody);
        }
        $body = curl_exec($curl);
        $this->assertIsString($body, curl_error($curl));
        $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl); // flushes the cookie jar for the next request
        return ['status' => $status, 'headers' => $headers, 'body' => $body];
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}
