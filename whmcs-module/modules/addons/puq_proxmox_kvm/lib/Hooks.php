<?php

/*
 * The WHMCS hooks of the addon, as a table: hook point => [priority, method, whether it
 * needs the database]. hooks.php registers them only when the extension is usable, and
 * each runs inside a catch-all, so a failing hook logs to the module log and returns
 * nothing instead of breaking the WHMCS page or cron run that fired it. A hook that
 * needs the database first checks the schema (once per request).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Hooks
{
    /** @var array<string, array{int, string, bool}> */
    public const TABLE = [
        'AdminAreaHeadOutput' => [1, 'adminAreaHeadOutput', false],
    ];

    private static ?bool $databaseUsable = null;

    public static function register(): void
    {
        foreach (self::TABLE as $hookPoint => [$priority, $method, $needsDatabase]) {
            add_hook($hookPoint, $priority, static function ($vars) use ($hookPoint, $method, $needsDatabase) {
                try {
                    if ($needsDatabase && !self::databaseUsable()) {
                        return null;
                    }
                    return self::$method(is_array($vars) ? $vars : []);
                } catch (\Throwable $e) {
                    if (function_exists('logModuleCall')) {
                        logModuleCall(Module::NAME, "hook:$hookPoint", '', $e->getMessage(), $e->getTraceAsString());
                    }
                    return null;
                }
            });
        }
    }

    /** The addon's stylesheet in the <head> of its own admin page, nowhere else. */
    public static function adminAreaHeadOutput(array $vars): ?string
    {
        if (($vars['filename'] ?? '') !== 'addonmodules' || ($_GET['module'] ?? '') !== Module::NAME) {
            return null;
        }
        return View::create()->render('head.tpl', ['assets_url' => Module::assetsUrl(), 'version' => Module::VERSION]);
    }

    private static function databaseUsable(): bool
    {
        if (self::$databaseUsable === null) {
            self::$databaseUsable = Guard::full()->ok();
        }
        return self::$databaseUsable;
    }
}
