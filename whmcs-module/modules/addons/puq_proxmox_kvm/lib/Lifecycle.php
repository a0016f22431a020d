<?php

/*
 * The addon's WHMCS lifecycle: _config, _activate, _deactivate and _upgrade, with
 * WHMCS's return contracts (['status' => 'success'|'error'|'info', 'description' => ...]
 * for activate and deactivate).
 *
 * The engine owns the schema: activation and upgrade run its migrations (serialised,
 * each step safe to repeat, existing tables of an earlier module adopted with their
 * rows). Settings need no seeding: the engine stores only values that differ from their
 * defaults. Deactivation keeps every table unless the admin turned on "Delete all
 * database tables", and always lets WHMCS deactivate — an addon that cannot be switched
 * off would be worse than one that leaves its tables behind.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Lifecycle
{
    /** The setting that makes deactivation drop the module's tables. */
    public const DROP_TABLES_SETTING = 'drop_tables_on_deactivate';

    /** @return array<string, mixed> */
    public static function config(): array
    {
        return [
            'name' => Module::DISPLAY_NAME,
            'description' => 'IP pools, DNS zones, VM management, settings and cron for the puqProxmoxKVM '
                . 'server module. Requires the puqkvm PHP extension.',
            'author' => 'puqkvm',
            'language' => 'english',
            'version' => Module::VERSION,
            'fields' => [],
        ];
    }

    /** @return array{status: string, description: string} */
    public static function activate(): array
    {
        $guard = Guard::extension();
        if (!$guard->ok()) {
            return ['status' => 'error', 'description' => "$guard->message $guard->detail"];
        }
        try {
            Guard::connect();
            $migration = puqkvm_migrate(false);
            $import = puqkvm_pool_import_legacy(false);
            $templates = puqkvm_email_templates_install();
        } catch (\Throwable $e) {
            self::log('activate', $e);
            return ['status' => 'error', 'description' => 'Activation failed: ' . $e->getMessage()];
        }
        return ['status' => 'success', 'description' => sprintf(
            '%s is active: the database schema is at version %d.', Module::DISPLAY_NAME, (int) $migration['to'])
            . self::poolImportSummary($import)
            . ($templates > 0 ? sprintf(' Created %d e-mail template(s) of the module.', $templates) : '')];
    }

    /**
     * The activation message's account of the legacy IP pool import (puqkvm_pool_import_legacy():
     * pools of the PUQ Customization addon, addresses services already hold); "" when there was
     * nothing to import.
     * @param array<string, mixed> $import
     */
    public static function poolImportSummary(array $import): string
    {
        $parts = [];
        if ($import['pools'] > 0 || $import['rejected'] > 0) {
            $parts[] = sprintf('imported %d IP pool(s) from %s', $import['pools'], $import['source']);
        }
        if ($import['rejected'] > 0) {
            $parts[] = sprintf('%d legacy row(s) were not valid and were left out (see the module log)',
                $import['rejected']);
        }
        if ($import['allocations'] > 0) {
            $parts[] = sprintf('recorded %d address(es) that services already hold', $import['allocations']);
        }
        if ($import['rejected'] > 0 && function_exists('logModuleCall')) {
            logModuleCall(Module::NAME, 'import legacy IP pools', '', $import['log'], '');
        }
        return $parts ? ' ' . ucfirst(implode('; ', $parts)) . '.' : '';
    }

    /** @return array{status: string, description: string} */
    public static function deactivate(): array
    {
        $guard = Guard::extension();
        if (!$guard->ok()) {
            return ['status' => 'info', 'description' => "Deactivated. $guard->message The module's database "
                . 'tables were kept.'];
        }
        try {
            Guard::connect();
            $settings = puqkvm_settings_get();
            if (empty($settings[self::DROP_TABLES_SETTING])) {
                return ['status' => 'success', 'description' => 'Deactivated. The module\'s database tables '
                    . 'and settings were kept; activating the addon again continues where it stopped.'];
            }
            $dropped = puqkvm_drop_tables();
        } catch (\Throwable $e) {
            self::log('deactivate', $e);
            return ['status' => 'info', 'description' => 'Deactivated, but the module\'s tables were kept: '
                . $e->getMessage()];
        }
        return ['status' => 'success', 'description' => sprintf(
            'Deactivated. %d database tables of the module were deleted, as the "Delete all database tables" '
            . 'setting asked.', count($dropped))];
    }

    /** WHMCS calls this once after new files of a different version were installed. */
    public static function upgrade(string $previousVersion): void
    {
        if (!Guard::extension()->ok()) {
            return; // every page shows the Guard's notice until the extension is installed
        }
        try {
            Guard::connect();
            puqkvm_migrate(false);
            puqkvm_pool_import_legacy(false); // records addresses held outside the pools' rows
            puqkvm_email_templates_install();
        } catch (\Throwable $e) {
            // the Guard's notice offers the upgrade again on the next page view
            self::log("upgrade from $previousVersion", $e);
        }
    }

    private static function log(string $action, \Throwable $e): void
    {
        if (function_exists('logModuleCall')) {
            logModuleCall(Module::NAME, $action, '', $e->getMessage(), get_class($e) . "\n" . $e->getTraceAsString());
        }
    }
}
