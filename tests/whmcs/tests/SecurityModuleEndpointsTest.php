<?php

/*
 * The server module's entry points and every PHP file the modules ship.
 *
 * Every function puqProxmoxKVM.php defines is classified (a new one fails the suite until
 * it is): what WHMCS calls to render or describe (no change), the admin's module commands
 * and custom buttons, the service tab's Save Changes, the client area's page and its one
 * AJAX endpoint. Each state-changing admin function is called over HTTP as WHMCS's admin
 * area calls it - refused without an admin session and without or with a forged CSRF
 * token, refused to the service's own client through the client area's modop=custom -
 * with every table unchanged, and then done by the admin with the token (the positive
 * control). Only ClientApi is reachable from the client area.
 *
 * Every .php file under whmcs-module/ is then requested by its path from a plain web
 * server over the WHMCS root, as a web server without WHMCS's routing would serve it: a
 * file either refuses, answers the legacy dns.php refusal, or prints nothing and does
 * nothing - never a page, a PHP error naming server paths, or a change.
 */

use PuqKvm\Test\Security\HttpFront;
use PuqKvm\Test\Security\Snapshot;
use WHMCS\Database\Capsule;
use WhmcsHarness\AdminSession;
use WhmcsHarness\ClientSession;

require_once __DIR__ . '/SecurityTestCase.php';

final class SecurityModuleEndpointsTest extends SecurityTestCase
{
    private const PREFIX = 'puqProxmoxKVM_';

    /**
     * Every module function: info (WHMCS calls it to render or describe something, it
     * changes nothing), command (Module Commands: modop), button (AdminCustomButtonArray:
     * modop=custom&ac=), save (the service tab's Save Changes), client (the client area).
     */
    private const FUNCTIONS = [
        'MetaData' => 'info', 'ConfigOptions' => 'info', 'LoaderNodes' => 'info', 'LoaderTemplates' => 'info',
        'LoaderStorages' => 'info', 'TestConnection' => 'info', 'AdminCustomButtonArray' => 'info',
        'ClientAreaAllowedFunctions' => 'info', 'AdminServicesTabFields' => 'info', 'MetricProvider' => 'info',
        'CreateAccount' => 'command', 'SuspendAccount' => 'command', 'UnsuspendAccount' => 'command',
        'TerminateAccount' => 'command', 'ChangePackage' => 'command',
        'Start' => 'button', 'Stop' => 'button', 'Reinstall' => 'button', 'Redeploy' => 'button',
        'SetDnsRecords' => 'button',
        'AdminServicesTabFieldsSave' => 'save',
        'ClientArea' => 'client', 'ClientApi' => 'client',
    ];

    /** The modop WHMCS posts for a Module Commands button. */
    private const MODOPS = ['CreateAccount' => 'create', 'SuspendAccount' => 'suspend',
        'UnsuspendAccount' => 'unsuspend', 'TerminateAccount' => 'terminate', 'ChangePackage' => 'changepackage'];

    /** The service each admin function acts on in the world (7: ordered, not yet created). */
    private const TARGET = ['CreateAccount' => 7, 'UnsuspendAccount' => 5, 'Redeploy' => 4];

    private const CLIENT_PASSWORD = 'sec-client-pass';

    /** @return array<string, array{string}> */
    public static function adminFunctions(): array
    {
        require_once dirname(__DIR__, 3) . '/whmcs-module/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';
        $cases = [];
        foreach (self::moduleFunctions() as $name) {
            if (in_array(self::FUNCTIONS[$name] ?? 'unclassified', ['command', 'button', 'save', 'unclassified'],
                true)) {
                $cases[$name] = [$name];
            }
        }
        return $cases;
    }

    /** @return list<string> every puqProxmoxKVM_* function, without the prefix */
    private static function moduleFunctions(): array
    {
        $names = [];
        foreach (get_defined_functions()['user'] as $function) {
            if (stripos($function, self::PREFIX) === 0) {
                $reflection = new ReflectionFunction($function);
                $names[] = substr($reflection->getName(), strlen(self::PREFIX));
            }
        }
        sort($names);
        return $names;
    }

    protected function setUp(): void
    {
        parent::setUp();
        if (!defined('WHMCS')) {
            define('WHMCS', true);
        }
        require_once self::root() . '/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';
        $this->seedWorld();
        $this->makeProductDeployable();
        puqkvm_settings_save(['wake_on_provision' => false]);
        Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting', ['id' => 7, 'userid' => 1,
            'packageid' => 1, 'server' => 1, 'regdate' => '2026-01-01', 'billingcycle' => 'Monthly',
            'domainstatus' => 'Active']));
        puqkvm_vm_suspend(5, true);
        Capsule::table('tblhosting')->where('id', 5)->update(['domainstatus' => 'Suspended']);
        AdminSession::createAdmin('admin', 'sec-admin-pass');
        ClientSession::setPassword(1, self::CLIENT_PASSWORD);
    }

    /** Product 1 with the settings a deploy needs (CreateAccount, Reinstall and ChangePackage validate them). */
    private function makeProductDeployable(): void
    {
        $settings = ['os_template' => '9001', 'main_domain' => 'sec.example.test', 'cpu' => '1', 'ram' => '1',
            'system_disk_size' => '10', 'ipv4_count' => '1', 'ipv6_count' => '0', 'vm_name_rule' => 'vm{service_id}'];
        $row = [];
        foreach (puqkvm_vm_product_settings() as $d) {
            if (isset($settings[$d['name']]) && (int) $d['slot'] !== 23) {
                $row['configoption' . $d['slot']] = $settings[$d['name']];
            }
        }
        Capsule::table('tblproducts')->where('id', 1)->update($row);
    }

    public function testEveryModuleFunctionIsClassified(): void
    {
        $defined = self::moduleFunctions();
        $this->assertSame([], array_values(array_diff($defined, array_keys(self::FUNCTIONS))),
            'module functions without a class in SecurityModuleEndpointsTest::FUNCTIONS: classify them');
        $this->assertSame([], array_values(array_diff(array_keys(self::FUNCTIONS), $defined)),
            'FUNCTIONS names functions the module no longer has');
        $buttons = array_values(puqProxmoxKVM_AdminCustomButtonArray());
        $classified = array_keys(array_filter(self::FUNCTIONS, static fn ($c) => $c === 'button'));
        sort($buttons);
        sort($classified);
        $this->assertSame($classified, $buttons, 'every custom button is a "button" and nothing else is');
        // the client area reaches the module through ClientApi only, and no custom button
        $this->assertSame(['ClientApi'], puqProxmoxKVM_ClientAreaAllowedFunctions());
        $this->assertFalse(function_exists(self::PREFIX . 'ClientAreaCustomButtonArray'));
    }

    /** @dataProvider adminFunctions */
    public function testAdminFunctionIsRefusedWithoutSessionOrTokenAndToClients(string $function): void
    {
        $class = self::FUNCTIONS[$function] ?? null;
        $this->assertNotNull($class, "$function is not classified in FUNCTIONS");
        $service = self::TARGET[$function] ?? 1;
        [$path, $form] = $this->adminRequest($function, $service);
        $front = new HttpFront(self::root(), self::extensionPath());
        try {
            $before = Snapshot::take();
            $anonymous = $front->visitor()->post($path, $form + ['token' => self::forgedToken()]);
            $this->assertSame(303, $anonymous['status'], "$function without a session: to the login page");
            $this->assertStringStartsWith('login.php', $anonymous['headers']['location'] ?? '');

            $admin = $front->visitor();
            $token = $admin->loginAdmin('admin', 'admin', 'sec-admin-pass');
            foreach (['no token' => [], 'a forged token' => ['token' => self::forgedToken()]] as $how => $t) {
                $answer = $admin->post($path, $form + $t);
                $this->assertSame(403, $answer['status'], "$function with $how");
                $this->assertStringContainsString('Invalid CSRF Protection Token', $answer['body']);
            }
            // a link (GET) to the command with the token in it does nothing either
            $this->assertSame(200, $admin->get($path . '&token=' . $token)['status']);

            $client = $front->visitor();
            $client->loginClient('ada@example.test', self::CLIENT_PASSWORD, $service);
            $answer = $client->post("/clientarea.php?action=productdetails&id=$service&modop=custom&a=$function",
                $form + ['token' => $token]);
            $this->assertSame(403, $answer['status'], "$function from the client area");
            $this->assertStringContainsString('Invalid Access Attempt', $answer['body']);
            $this->assertUnchanged($before, "a refused $function");

            $done = $admin->post($path, $form + ['token' => $token]);
            $this->assertSame(303, $done['status'], "$function by the admin: {$done['body']}");
            if ($class !== 'save') {
                $this->assertStringEndsWith('modresult=success', $done['headers']['location'] ?? '',
                    "$function by the admin answered an error");
            }
            $this->assertChanged($before, $function);
        } finally {
            $front->stop();
        }
    }

    public function testOnlyClientApiIsReachableFromTheClientArea(): void
    {
        $front = new HttpFront(self::root(), self::extensionPath());
        try {
            $client = $front->visitor();
            $token = $client->loginClient('ada@example.test', self::CLIENT_PASSWORD, 1);
            $before = Snapshot::take();
            foreach (self::moduleFunctions() as $function) {
                if ($function === 'ClientApi') {
                    continue;
                }
                foreach (['GET', 'POST'] as $method) {
                    $answer = $client->request($method, "/clientarea.php?action=productdetails&id=1&modop=custom"
                        . "&a=$function", $method === 'POST' ? ['token' => $token] : null);
                    $this->assertSame(403, $answer['status'], "$method $function from the client area");
                }
            }
            $this->assertUnchanged($before, 'module functions called from the client area');
            // the one that is reachable answers JSON for the client's own service
            $answer = $client->get('/clientarea.php?action=productdetails&id=1&modop=custom&a=ClientApi&do=nonsense');
            $this->assertSame(400, $answer['status']);
            $this->assertSame(['error' => 'Unknown action'], json_decode($answer['body'], true));
        } finally {
            $front->stop();
        }
    }

    public function testNoModuleFileDoesAnythingWhenRequestedDirectly(): void
    {
        $modules = dirname(__DIR__, 3) . '/whmcs-module/modules';
        $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($modules,
            FilesystemIterator::SKIP_DOTS));
        $paths = [];
        foreach ($files as $file) {
            if ($file->getExtension() === 'php') {
                $paths[] = '/modules/' . substr($file->getPathname(), strlen($modules) + 1);
            }
        }
        sort($paths);
        $this->assertGreaterThan(40, count($paths));
        $front = new HttpFront(self::root(), self::extensionPath(), false);
        try {
            $visitor = $front->visitor();
            $before = Snapshot::take();
            foreach ($paths as $path) {
                foreach (['GET', 'POST'] as $method) {
                    $answer = $visitor->request($method, "$path?action=vm_management&op=delete&id=1&a=Start",
                        $method === 'POST' ? ['op' => 'delete', 'id' => '1', 'token' => self::forgedToken()] : null);
                    $what = "$method $path";
                    $body = $answer['body'];
                    $this->assertDoesNotMatchRegularExpression('/Fatal error|Warning:|Notice:|Deprecated:|Stack trace/',
                        $body, "$what shows a PHP error");
                    $this->assertStringNotContainsString(dirname(__DIR__, 3), $body, "$what shows a server path");
                    if (str_ends_with($path, '/lib/dns/dns.php')) {
                        $this->assertSame(403, $answer['status'], $what);
                        $this->assertStringContainsString('Access denied', $body);
                    } elseif (str_ends_with($path, '/cron.php')) {
                        $this->assertSame(403, $answer['status'], $what);
                    } elseif ($body !== '') {
                        $this->assertSame('This file cannot be accessed directly', trim($body), $what);
                    }
                }
            }
            $this->assertUnchanged($before, 'module files requested directly');
        } finally {
            $front->stop();
        }
    }

    /**
     * The admin-area request of a function for a service: [path, form fields].
     * @return array{string, array<string, mixed>}
     */
    private function adminRequest(string $function, int $service): array
    {
        $page = "/admin/clientsservices.php?userid=1&id=$service";
        switch (self::FUNCTIONS[$function] ?? '') {
            case 'command':
                return ["$page&modop=" . self::MODOPS[$function], []];
            case 'button':
                return ["$page&modop=custom&ac=$function", []];
            case 'save':
                // the rDNS name of the service's address, as the tab's form posts it
                $ip = (string) Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $service)
                    ->whereNotNull('live')->value('ip');
                return [$page, ['puqkvm_vmid' => '', 'puqkvm_vmid_was' => '',
                    'puqkvm_rdns' => [$ip => 'host.example.test']]];
        }
        $this->fail("$function is not an admin function this test knows how to call");
    }
}
