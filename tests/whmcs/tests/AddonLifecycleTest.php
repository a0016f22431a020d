<?php

/*
 * The addon's WHMCS lifecycle: _config's shape, _activate running the engine's
 * migrations (twice is fine), _deactivate keeping every table unless "Delete all
 * database tables" is on, and _upgrade (called by WHMCS when the files' version
 * changed) bringing an outdated schema up to date.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;
use WHMCS\Module\Addon\PuqProxmoxKvm\GuardStatus;
use WhmcsHarness\AddonModules;

final class AddonLifecycleTest extends HarnessTestCase
{
    public function testConfigHasTheFieldsWhmcsReads(): void
    {
        require_once ROOTDIR . '/modules/addons/puq_proxmox_kvm/puq_proxmox_kvm.php';
        $config = puq_proxmox_kvm_config();
        $this->assertSame('PUQ Proxmox KVM', $config['name']);
        $this->assertSame(puqkvm_version(), $config['version']);
        $this->assertIsString($config['description']);
        $this->assertIsArray($config['fields']);
    }

    public function testActivationCreatesTheSchemaAndCanRunTwice(): void
    {
        $this->assertSame([], $this->moduleTables());
        $this->activateAddon();
        $tables = $this->moduleTables();
        $this->assertContains('puq_proxmox_kvm_settings', $tables);
        $this->assertContains('puq_proxmox_kvm_meta', $tables);
        $this->assertTrue(puqkvm_schema_status()['ok']);

        $again = puq_proxmox_kvm_activate();
        $this->assertSame('success', $again['status'], $again['description']);
        $this->assertSame($tables, $this->moduleTables());

        $stored = AddonModules::settings(self::MODULE);
        $this->assertSame(puqkvm_version(), $stored['version']);
        $this->assertContains(self::MODULE, explode(',', $GLOBALS['CONFIG']['ActiveAddonModules']));
    }

    public function testDeactivationKeepsTablesAndSettingsByDefault(): void
    {
        $this->activateAddon();
        puqkvm_settings_save(['default_timeout' => '42']);
        $tables = $this->moduleTables();

        $result = AddonModules::deactivate(self::MODULE);
        $this->assertSame('success', $result['status'], $result['description']);
        $this->assertStringContainsString('kept', $result['description']);
        $this->assertSame($tables, $this->moduleTables());
        $this->assertSame('42', $this->storedSetting('default_timeout'));
        $this->assertSame(0, Capsule::table('tbladdonmodules')->where('module', self::MODULE)->count());

        $this->activateAddon();
        $this->assertSame(42, puqkvm_settings_get()['default_timeout']);
    }

    public function testDeactivationDropsTablesWhenTheSettingIsOn(): void
    {
        $this->activateAddon();
        puqkvm_settings_save(['drop_tables_on_deactivate' => '1']);
        $result = AddonModules::deactivate(self::MODULE);
        $this->assertSame('success', $result['status'], $result['description']);
        $this->assertStringContainsString('deleted', $result['description']);
        $this->assertSame([], $this->moduleTables());
        // WHMCS's own tables are never touched
        $this->assertTrue(Capsule::schema()->hasTable('tblhosting'));
        $this->assertTrue(Capsule::schema()->hasTable('tbladdonmodules'));
    }

    public function testUpgradeBringsAnOutdatedSchemaUpToDate(): void
    {
        $this->activateAddon();
        $this->makeSchemaOutdated();
        $status = Guard::full();
        $this->assertSame(GuardStatus::SCHEMA_OUTDATED, $status->state);
        $this->assertTrue($status->canUpgrade());

        puq_proxmox_kvm_upgrade(['version' => '0.0.9']);
        $this->assertTrue(Guard::full()->ok());
    }

    public function testOpeningThePageAfterNewFilesRunsUpgradeOnce(): void
    {
        $this->activateAddon();
        Capsule::table('tbladdonmodules')->where('module', self::MODULE)->where('setting', 'version')
            ->update(['value' => '0.0.9']);
        $this->makeSchemaOutdated();
        $this->loginAdmin();
        [, $body] = AddonModules::output(self::MODULE);
        $this->assertStringContainsString('data-card="ip_pools"', $body, 'the dashboard, not the notice');
        $this->assertSame(puqkvm_version(), AddonModules::settings(self::MODULE)['version']);
    }

    private function makeSchemaOutdated(): void
    {
        Capsule::table('puq_proxmox_kvm_meta')->where('name', 'schema_version')->update(['value' => '0']);
    }
}
