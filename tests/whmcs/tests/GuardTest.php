<?php

/*
 * WHMCS never goes down because of the addon: without the extension every page shows
 * the notice and hooks.php registers nothing (checked in a PHP process that does not
 * load puqkvm), activation refuses with the reason and deactivation still works; with
 * an unreachable database or a schema that does not match, the page says what to do,
 * and an outdated schema can be upgraded from the notice (with the CSRF token).
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;
use WHMCS\Module\Addon\PuqProxmoxKvm\GuardStatus;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Module;
use WhmcsHarness\Environment;

final class GuardTest extends HarnessTestCase
{
    private const ACTIONS = ['home', 'ip_pools', 'dns_zones', 'vm_management', 'settings_general', 'settings_cron', 'help'];

    public function testWithoutTheExtensionEveryPageShowsTheNoticeAndNoHookIsRegistered(): void
    {
        $this->activateAddon();
        $report = $this->runReport(false, ['page', ...self::ACTIONS]);
        $this->assertFalse($report['extension_loaded'], 'this test needs a PHP without puqkvm in its php.ini');
        $this->assertSame([], $report['hooks']);
        $this->assertSame([], $report['head_output']);
        foreach (self::ACTIONS as $action) {
            $page = $report['pages'][$action];
            $this->assertSame(503, $page['status'], $action);
            $this->assertStringContainsString('The puqkvm PHP extension is not loaded.', $page['body'], $action);
            $this->assertStringContainsString('extension=puqkvm', $page['body'], $action);
            $this->assertStringContainsString('data-state="no_extension"', $page['body'], $action);
            $this->assertStringNotContainsString('<form', $page['body'], 'no upgrade button: ' . $action);
        }
    }

    public function testWithTheExtensionTheSameRequestShowsThePagesAndRegistersHooks(): void
    {
        $this->activateAddon();
        $report = $this->runReport(true, ['page', 'home', 'help']);
        $this->assertTrue($report['extension_loaded']);
        $vmList = array_fill_keys(array_keys(\WHMCS\Module\Addon\PuqProxmoxKvm\VmListHooks::TABLE), 1);
        $this->assertSame(['AdminAreaHeadOutput' => 1, 'AfterCronJob' => 1] + $vmList, $report['hooks']);
        $this->assertCount(1, $report['head_output']);
        $this->assertStringContainsString('/modules/addons/puq_proxmox_kvm/assets/addon.css', $report['head_output'][0]);
        $this->assertSame(200, $report['pages']['home']['status']);
        $this->assertStringContainsString('data-card="ip_pools"', $report['pages']['home']['body']);
    }

    public function testWithoutTheExtensionAjaxGetsAJsonError(): void
    {
        $this->activateAddon();
        [$code, $out, $err] = $this->runScript('addon_page.php', false, ['ajax', 'settings_general']);
        $this->assertSame(0, $code, $err);
        $this->assertStringContainsString('status=503', $err);
        $data = json_decode($out, true);
        $this->assertSame('no_extension', $data['state']);
        $this->assertSame('The puqkvm PHP extension is not loaded.', $data['error']);
    }

    public function testWithoutTheExtensionActivationRefusesAndDeactivationKeepsTables(): void
    {
        $this->activateAddon();
        $tables = $this->moduleTables();
        $report = $this->runReport(false, ['lifecycle']);
        $this->assertSame('error', $report['activate']['status']);
        $this->assertStringContainsString('not loaded', $report['activate']['description']);
        $this->assertSame('info', $report['deactivate']['status']);
        $this->assertStringContainsString('kept', $report['deactivate']['description']);
        $this->assertSame($tables, $this->moduleTables());
    }

    public function testExtensionVersionsOfAnotherMinorReleaseAreRefused(): void
    {
        [$major, $minor] = explode('.', Module::VERSION);
        $this->assertTrue(Module::extensionCompatible(Module::VERSION));
        $this->assertTrue(Module::extensionCompatible("$major.$minor.99"));
        $this->assertFalse(Module::extensionCompatible("$major." . ($minor + 1) . '.0'));
        $this->assertFalse(Module::extensionCompatible(($major + 1) . ".$minor.0"));
        $this->assertFalse(Module::extensionCompatible('garbage'));
    }

    public function testAnUnreachableDatabaseIsANoticeWithoutThePassword(): void
    {
        $this->activateAddon();
        $config = Environment::configuration();
        $bad = ['db_password' => 'wrong-' . bin2hex(random_bytes(4))] + $config;
        Environment::install(self::root(), $bad);
        $status = Guard::full();
        $this->assertSame(GuardStatus::DATABASE, $status->state);
        $this->assertStringNotContainsString($bad['db_password'], $status->message . $status->detail);
        $this->loginAdmin();
        $response = $this->handle($this->request('GET', ['action' => 'home']));
        $this->assertSame(503, $response->status);
        $this->assertStringContainsString('cannot use the WHMCS database', $this->render($this->request('GET', []), $response));
    }

    public function testAnOutdatedSchemaShowsTheNoticeAndIsUpgradedFromIt(): void
    {
        $this->activateAddon();
        Capsule::table('puq_proxmox_kvm_meta')->where('name', 'schema_version')->update(['value' => '0']);
        $this->loginAdmin();
        $request = $this->request('GET', ['action' => 'settings_general']);
        $response = $this->handle($request);
        $this->assertSame(503, $response->status);
        $html = $this->render($request, $response);
        $this->assertStringContainsString('data-state="schema_outdated"', $html);
        $this->assertStringContainsString('Upgrade the database schema', $html);

        $refused = $this->handle($this->request('POST', ['action' => 'schema_upgrade'], [], false));
        $this->assertSame(403, $refused->status);
        $this->assertFalse(puqkvm_schema_status()['ok']);

        $upgraded = $this->handle($this->request('POST', ['action' => 'schema_upgrade'], []));
        $this->assertInstanceOf(Redirect::class, $upgraded);
        $this->assertTrue(puqkvm_schema_status()['ok']);
        $home = $this->request('GET', ['action' => 'home']);
        $this->assertStringContainsString('was upgraded from version 0', $this->render($home, $this->handle($home)));
    }

    public function testANewerSchemaCannotBeUpgradedFromThePage(): void
    {
        $this->activateAddon();
        Capsule::table('puq_proxmox_kvm_meta')->where('name', 'schema_version')->update(['value' => '999']);
        $this->loginAdmin();
        $request = $this->request('GET', ['action' => 'home']);
        $html = $this->render($request, $this->handle($request));
        $this->assertStringContainsString('data-state="schema_newer"', $html);
        $this->assertStringNotContainsString('Upgrade the database schema', $html);
        $response = $this->handle($this->request('POST', ['action' => 'schema_upgrade'], []));
        $this->assertSame(503, $response->status);
        $this->assertSame(999, puqkvm_schema_status()['current']);
    }

    /** @return array<string, mixed> the subprocess's JSON report */
    private function runReport(bool $withExtension, array $args): array
    {
        [$code, $out, $err] = $this->runScript('addon_page.php', $withExtension, $args);
        $this->assertSame(0, $code, "subprocess failed:\n$err\n$out");
        $this->assertSame('', $err, 'the subprocess printed warnings or errors');
        $report = json_decode($out, true);
        $this->assertIsArray($report, $out);
        return $report;
    }
}
