<?php

/*
 * Setup > Addon Modules, and the addon page runner, as WHMCS does them:
 *   - activate(): calls <module>_activate(); on a result other than "error" stores the
 *     module's "version" and "access" rows in tbladdonmodules and adds the module to
 *     tblconfiguration ActiveAddonModules;
 *   - deactivate(): calls <module>_deactivate(), then deletes the module's
 *     tbladdonmodules rows and takes it off ActiveAddonModules;
 *   - output(): what admin/addonmodules.php?module=<module> does: refuses inactive
 *     modules, runs <module>_upgrade() once when the stored version differs from
 *     <module>_config()['version'] (then stores the new one), builds $vars (module,
 *     modulelink, version, _lang and every stored setting) and returns what
 *     <module>_output($vars) echoed;
 *   - loadHooks(): includes hooks.php of every active addon, as every WHMCS request does.
 * Module files are loaded from ROOTDIR/modules/addons/<module>/<module>.php.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class AddonModules
{
    /** @return array{status: string, description: string} */
    public static function activate(string $module, string $access = '1'): array
    {
        self::load($module);
        $result = self::call($module, 'activate');
        if (!is_array($result) || ($result['status'] ?? '') === 'error') {
            return ['status' => 'error', 'description' => (string) ($result['description'] ?? 'activation failed')];
        }
        $config = self::call($module, 'config');
        self::store($module, 'version', (string) $config['version']);
        self::store($module, 'access', $access);
        foreach ($config['fields'] ?? [] as $name => $field) {
            if (!self::stored($module, $name)) {
                self::store($module, $name, (string) ($field['Default'] ?? ''));
            }
        }
        $active = self::active();
        if (!in_array($module, $active, true)) {
            $active[] = $module;
            Environment::setSetting('ActiveAddonModules', implode(',', $active));
        }
        return ['status' => (string) $result['status'], 'description' => (string) ($result['description'] ?? '')];
    }

    /** @return array{status: string, description: string} */
    public static function deactivate(string $module): array
    {
        self::load($module);
        $result = self::call($module, 'deactivate');
        if (!is_array($result) || ($result['status'] ?? '') === 'error') {
            return ['status' => 'error', 'description' => (string) ($result['description'] ?? 'deactivation failed')];
        }
        Capsule::table('tbladdonmodules')->where('module', $module)->delete();
        $active = array_values(array_diff(self::active(), [$module]));
        Environment::setSetting('ActiveAddonModules', implode(',', $active));
        return ['status' => (string) $result['status'], 'description' => (string) ($result['description'] ?? '')];
    }

    /** @return list<string> */
    public static function active(): array
    {
        $list = (string) ($GLOBALS['CONFIG']['ActiveAddonModules'] ?? '');
        return $list === '' ? [] : explode(',', $list);
    }

    /** Saves one configuration field (Setup > Addon Modules > Configure). */
    public static function configure(string $module, string $setting, string $value): void
    {
        self::store($module, $setting, $value);
    }

    /**
     * Runs the addon page; returns [HTTP status, the page body]. The body is what the
     * module echoed, to be placed inside the admin page shell.
     *
     * @return array{int, string}
     */
    public static function output(string $module): array
    {
        if (!in_array($module, self::active(), true)) {
            return [403, ''];
        }
        self::load($module);
        $config = self::call($module, 'config');
        $stored = self::settings($module);
        if (($stored['version'] ?? '') !== (string) $config['version']) {
            if (function_exists("{$module}_upgrade")) {
                self::call($module, 'upgrade', [['version' => $stored['version'] ?? '']]);
            }
            self::store($module, 'version', (string) $config['version']);
            $stored['version'] = (string) $config['version'];
        }
        $vars = $stored + [
            'module' => $module,
            'modulelink' => "addonmodules.php?module=$module",
            '_lang' => [],
        ];
        ob_start();
        try {
            self::call($module, 'output', [$vars]);
        } finally {
            $body = (string) ob_get_clean();
        }
        $status = http_response_code();
        return [is_int($status) ? $status : 200, $body];
    }

    /** Includes hooks.php of every active addon (once per process). */
    public static function loadHooks(): void
    {
        foreach (self::active() as $module) {
            $file = ROOTDIR . "/modules/addons/$module/hooks.php";
            if (is_file($file)) {
                include_once $file;
            }
        }
    }

    /** @return array<string, string> the module's tbladdonmodules rows */
    public static function settings(string $module): array
    {
        $settings = [];
        foreach (Capsule::table('tbladdonmodules')->where('module', $module)->get() as $row) {
            $settings[$row->setting] = $row->value;
        }
        return $settings;
    }

    private static function load(string $module): void
    {
        if (!preg_match('/^[a-z][a-z0-9_]*$/', $module)) {
            throw new \InvalidArgumentException("bad module name $module");
        }
        $file = ROOTDIR . "/modules/addons/$module/$module.php";
        if (!is_file($file)) {
            throw new \InvalidArgumentException("no addon module $module");
        }
        require_once $file;
    }

    /** @param list<mixed> $args */
    private static function call(string $module, string $function, array $args = [])
    {
        $name = "{$module}_$function";
        if (!function_exists($name)) {
            throw new \LogicException("addon $module has no $name()");
        }
        return $name(...$args);
    }

    private static function stored(string $module, string $setting): bool
    {
        return Capsule::table('tbladdonmodules')->where('module', $module)->where('setting', $setting)->exists();
    }

    private static function store(string $module, string $setting, string $value): void
    {
        $updated = Capsule::table('tbladdonmodules')->where('module', $module)->where('setting', $setting)
            ->update(['value' => $value]);
        if ($updated === 0 && !self::stored($module, $setting)) {
            Capsule::table('tbladdonmodules')->insert(['module' => $module, 'setting' => $setting, 'value' => $value]);
        }
    }
}
