<?php

/*
 * The addon's admin pages through AdminApp::handle() (no web server): the router's
 * whitelist (unknown actions and path tricks are a 404, nothing is included), the
 * refusals of state-changing requests without an admin session or CSRF token, the
 * settings forms (saved, or refused field by field with nothing saved), the dashboard
 * counts, and escaping of stored values.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Page;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Router;

final class AdminPagesTest extends HarnessTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        $this->loginAdmin();
    }

    public function testEveryNavigationPageRendersWithTheMenuAndVersion(): void
    {
        // a page another release builds is checked by its own tests; here only for being a page
        $pages = ['home' => 'data-card="kvm_services"', 'ip_pools' => 'id="puqkvm-pools"',
            'dns_zones' => null, 'vm_management' => null,
            'settings_general' => 'Default Timeout', 'settings_cron' => 'Process Virtual Machines',
            'help' => 'Installing into WHMCS'];
        foreach ($pages as $action => $marker) {
            $request = $this->request('GET', ['action' => $action]);
            $response = $this->handle($request);
            $this->assertSame(200, $response->status, $action);
            $html = $this->render($request, $response);
            if ($marker !== null) {
                $this->assertStringContainsString($marker, $html, $action);
            }
            $this->assertStringNotContainsString('puqkvm-error', $html, $action);
            $this->assertStringNotContainsString('puqkvm-notice', $html, $action);
            $this->assertStringContainsString('v' . puqkvm_version() . '</span>', $html, $action);
            foreach (['IP Pools', 'DNS Zones', 'VM Management', 'General', 'Cron', 'Help'] as $label) {
                $this->assertMatchesRegularExpression('#>\s*' . $label . '\s*</a>#', $html, "$action: $label");
            }
        }
    }

    public function testUnknownActionsAreACleanNotFound(): void
    {
        foreach (['nope', '../../../../etc/passwd', 'Settings_General', 'home ', '', 'layout'] as $action) {
            $request = $this->request('GET', ['action' => $action]);
            $response = $this->handle($request);
            $this->assertSame(404, $response->status, var_export($action, true));
            $html = $this->render($request, $response);
            $this->assertStringContainsString('Page not found', $html);
            $this->assertStringContainsString('data-nav="home"', $html, 'inside the addon layout');
        }
        $array = $this->handle($this->request('GET', ['action' => ['home']]));
        $this->assertSame(404, $array->status);
        $json = $this->handle($this->request('GET', ['action' => 'nope', 'ajax' => '1']));
        $this->assertInstanceOf(Json::class, $json);
        $this->assertSame(404, $json->status);
        $this->assertArrayHasKey('error', $json->data);
    }

    public function testAnActionNeverIncludesAFile(): void
    {
        $trap = self::root() . '/trap.php';
        file_put_contents($trap, "<?php define('PUQKVM_TRAP_INCLUDED', true);\n");
        $relative = '../../../../../../../../..' . $trap;
        foreach ([$relative, substr($relative, 0, -4), $trap, 'php://filter/resource=' . $trap] as $action) {
            $before = get_included_files();
            $response = $this->handle($this->request('GET', ['action' => $action]));
            $this->assertSame(404, $response->status);
            $this->assertSame($before, get_included_files());
        }
        $this->assertFalse(defined('PUQKVM_TRAP_INCLUDED'));
    }

    public function testRoutesAreAWhitelistOfControllers(): void
    {
        foreach (Router::ROUTES as $action => $class) {
            $this->assertMatchesRegularExpression('/^[a-z_]+$/', $action);
            $this->assertTrue(class_exists($class), $class);
        }
    }

    public function testPostWithoutAdminSessionIsRefusedAndChangesNothing(): void
    {
        $token = generate_token('plain');
        unset($_SESSION['adminid']);
        $request = $this->request('POST', ['action' => 'settings_general', 'ajax' => '1'],
            ['settings' => ['default_timeout' => '99'], 'token' => $token], false);
        $response = $this->handle($request);
        $this->assertSame(403, $response->status);
        $this->assertNull($this->storedSetting('default_timeout'));
    }

    public function testPostWithoutOrWithAWrongTokenIsRefusedAndChangesNothing(): void
    {
        foreach ([[], ['token' => 'x' . generate_token('plain')], ['token' => ['a']]] as $extra) {
            $post = ['settings' => ['default_timeout' => '99']] + $extra;
            $page = $this->handle($this->request('POST', ['action' => 'settings_general'], $post, false));
            $this->assertSame(403, $page->status);
            $this->assertStringContainsString('security token', $this->render($this->request('GET', []), $page));
            $json = $this->handle($this->request('POST', ['action' => 'settings_general', 'ajax' => '1'], $post, false));
            $this->assertSame(403, $json->status);
            $this->assertStringContainsString('security token', $json->data['error']);
        }
        $this->assertNull($this->storedSetting('default_timeout'));
        $this->assertSame(10, puqkvm_settings_get()['default_timeout']);
    }

    public function testPagesThatOnlyDisplayRefuseOtherMethods(): void
    {
        $this->assertSame(405, $this->handle($this->request('POST', ['action' => 'home'], []))->status);
        $this->assertSame(405, $this->handle($this->request('DELETE', ['action' => 'settings_general']))->status);
        $this->assertSame(405, $this->handle($this->request('GET', ['action' => 'schema_upgrade']))->status);
    }

    public function testSavingGeneralSettingsStoresThemAndRedirects(): void
    {
        $response = $this->handle($this->request('POST', ['action' => 'settings_general'], ['settings' => [
            'default_timeout' => '25', 'heavy_timeout' => '120', 'migration_enabled' => '0',
            'migration_timeout' => '600', 'drop_tables_on_deactivate' => '0', 'dns_endpoint_allowlist' => '',
        ]]));
        $this->assertInstanceOf(Redirect::class, $response);
        $this->assertStringEndsWith('&action=settings_general', $response->url);
        $this->assertSame('25', $this->storedSetting('default_timeout'));
        $this->assertSame('120', $this->storedSetting('heavy_timeout'));
        $this->assertSame('0', $this->storedSetting('migration_enabled'));

        $request = $this->request('GET', ['action' => 'settings_general']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('Settings saved.', $html);
        $this->assertMatchesRegularExpression('/name="settings\[default_timeout\]"\s+value="25"/', $html);
    }

    public function testAFormCannotReachSettingsOfAnotherPage(): void
    {
        $response = $this->handle($this->request('POST', ['action' => 'settings_general', 'ajax' => '1'],
            ['settings' => ['default_timeout' => '30', 'cron_mode' => 'standalone']]));
        $this->assertSame(200, $response->status);
        $this->assertSame('30', $this->storedSetting('default_timeout'));
        $this->assertNull($this->storedSetting('cron_mode'));
    }

    public function testInvalidValuesAreShownNextToTheirFieldsAndNothingIsSaved(): void
    {
        puqkvm_settings_save(['heavy_timeout' => '77']);
        $post = ['settings' => ['default_timeout' => '301', 'heavy_timeout' => '90', 'migration_timeout' => 'soon']];
        $request = $this->request('POST', ['action' => 'settings_general'], $post);
        $response = $this->handle($request);
        $this->assertInstanceOf(Page::class, $response);
        $this->assertSame(422, $response->status);
        $html = $this->render($request, $response);
        $this->assertStringContainsString('nothing was saved', $html);
        $this->assertMatchesRegularExpression(
            '/data-setting="default_timeout".*?puqkvm-field-error">[^<]*1 to 300/s', $html);
        $this->assertMatchesRegularExpression('/data-setting="migration_timeout".*?puqkvm-field-error">/s', $html);
        $this->assertDoesNotMatchRegularExpression('/data-setting="heavy_timeout"[^>]*>(?:(?!data-setting=).)*puqkvm-field-error/s', $html);
        $this->assertMatchesRegularExpression('/name="settings\[default_timeout\]"\s+value="301"/', $html, 'typed value kept');
        $this->assertNull($this->storedSetting('default_timeout'));
        $this->assertSame('77', $this->storedSetting('heavy_timeout'), 'the valid field was not saved either');

        $json = $this->handle($this->request('POST', ['action' => 'settings_general', 'ajax' => '1'], $post));
        $this->assertSame(422, $json->status);
        $this->assertSame(['default_timeout', 'migration_timeout'], array_keys($json->data['errors']));
    }

    public function testCronSettingsSaveAndShowTheCrontabLine(): void
    {
        $response = $this->handle($this->request('POST', ['action' => 'settings_cron', 'ajax' => '1'], ['settings' => [
            'cron_mode' => 'standalone', 'cron_php_binary' => '/usr/local/bin/php8.2',
            'cron_interval_collectingStatistics' => '0', 'cron_lock_timeout' => '900',
        ]]));
        $this->assertSame(200, $response->status);
        $this->assertTrue($response->data['ok']);
        $this->assertSame('standalone', $this->storedSetting('cron_mode'));
        $this->assertSame('0', $this->storedSetting('cron_interval_collectingStatistics'));
        $expected = '* * * * * /usr/local/bin/php8.2 -q ' . ROOTDIR . '/modules/addons/puq_proxmox_kvm/cron.php';
        $this->assertSame($expected, $response->data['crontab']);

        $request = $this->request('GET', ['action' => 'settings_cron']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('>' . htmlspecialchars($expected) . '</code>', $html);
        $this->assertMatchesRegularExpression('/id="puqkvm-crontab"[^>]*data-show-for="standalone">/', $html, 'shown');
        $this->assertMatchesRegularExpression('/value="standalone"[^>]*\s+checked>/', $html);
    }

    public function testStoredTextIsEscapedWhereverItIsShown(): void
    {
        $payload = '/opt/"><script>alert(1)</script><img src=x onerror=alert(2)>';
        puqkvm_settings_save(['cron_php_binary' => $payload, 'cron_mode' => 'standalone']);
        $request = $this->request('GET', ['action' => 'settings_cron']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringNotContainsString('<script>alert(1)', $html);
        $this->assertStringNotContainsString('<img src=x', $html);
        $this->assertStringContainsString('value="/opt/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;', $html);
        $this->assertStringContainsString(htmlspecialchars(escapeshellarg($payload), ENT_QUOTES), $html);
    }

    public function testDashboardCountsComeFromTheDatabase(): void
    {
        $empty = $this->handle($this->request('GET', ['action' => 'home', 'ajax' => '1']));
        $this->assertSame(0, $empty->data['counts']['kvm_services']);

        $kvm = Capsule::table('tblproducts')->insertGetId($this->whmcsRow('tblproducts',
            ['type' => 'server', 'name' => 'VPS', 'servertype' => 'puqProxmoxKVM']));
        $other = Capsule::table('tblproducts')->insertGetId($this->whmcsRow('tblproducts',
            ['type' => 'hostingaccount', 'name' => 'Web', 'servertype' => 'cpanel']));
        foreach ([[$kvm, 'Active'], [$kvm, 'Active'], [$kvm, 'Suspended'], [$kvm, 'Terminated'], [$other, 'Active']] as [$pid, $status]) {
            Capsule::table('tblhosting')->insert($this->whmcsRow('tblhosting',
                ['packageid' => $pid, 'domainstatus' => $status, 'regdate' => '2026-01-01', 'nextinvoicedate' => '2026-02-01']));
        }
        for ($i = 0; $i < 3; $i++) {
            Capsule::table('puq_proxmox_kvm_ip_pools')->insert(
                $this->whmcsRow('puq_proxmox_kvm_ip_pools', ['gateway' => "192.0.2.$i"]));
        }
        for ($i = 0; $i < 2; $i++) {
            Capsule::table('puq_proxmox_kvm_dns_zones')->insert(
                $this->whmcsRow('puq_proxmox_kvm_dns_zones', ['zone' => "z$i.example.test"]));
        }
        $counts = $this->handle($this->request('GET', ['action' => 'home', 'ajax' => '1']))->data['counts'];
        $this->assertSame(2, $counts['kvm_services']);
        $this->assertSame(3, $counts['ip_pools']);
        $this->assertSame(2, $counts['dns_zones']);

        $request = $this->request('GET', ['action' => 'home']);
        $html = $this->render($request, $this->handle($request));
        $this->assertMatchesRegularExpression('/data-card="kvm_services".*?data-count="2"/s', $html);
        $this->assertMatchesRegularExpression('/data-card="ip_pools".*?data-count="3"/s', $html);
        $this->assertMatchesRegularExpression('/data-card="dns_zones".*?data-count="2"/s', $html);
    }
}
