<?php

/*
 * The check every entry point makes before it touches the engine: is the puqkvm
 * extension loaded, is its version one this addon works with, can it reach the WHMCS
 * database, and is the schema the one this build needs. Whatever fails, the answer is a
 * GuardStatus with a message saying what to do, never a fatal error: WHMCS includes this
 * addon on every admin page and cron run, and one missing .so must not take WHMCS down.
 *
 * Nothing here calls a puqkvm_* function before extension_loaded() said it exists.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Guard
{
    /** Checks the extension only (no database): what hooks.php needs at include time. */
    public static function extension(): GuardStatus
    {
        if (!extension_loaded('puqkvm') || !function_exists('puqkvm_version')) {
            return new GuardStatus(GuardStatus::NO_EXTENSION,
                'The puqkvm PHP extension is not loaded.',
                'Install puqkvm.so, add "extension=puqkvm" to the php.ini of every PHP that runs '
                . 'WHMCS (the web server and the command line used by cron), then restart PHP.');
        }
        $version = puqkvm_version();
        if (!Module::extensionCompatible($version)) {
            return new GuardStatus(GuardStatus::VERSION_MISMATCH,
                "The puqkvm extension is version $version, this addon is version " . Module::VERSION . '.',
                'Install the extension and the addon files of the same release, then restart PHP.');
        }
        return new GuardStatus(GuardStatus::OK, '', '');
    }

    /** The extension, the database connection and the schema version. */
    public static function full(): GuardStatus
    {
        $status = self::extension();
        if (!$status->ok()) {
            return $status;
        }
        try {
            self::connect();
            $schema = puqkvm_schema_status();
        } catch (\Throwable $e) {
            return new GuardStatus(GuardStatus::DATABASE,
                'The puqkvm engine cannot use the WHMCS database.',
                $e->getMessage());
        }
        if (empty($schema['ok'])) {
            $current = (int) $schema['current'];
            $required = (int) $schema['required'];
            if ($current > $required) {
                return new GuardStatus(GuardStatus::SCHEMA_NEWER,
                    "The database schema is at version $current, newer than this build (version $required).",
                    'A newer release of puqkvm ran against this database: install that release again.',
                    $current, $required);
            }
            return new GuardStatus(GuardStatus::SCHEMA_OUTDATED,
                "The database schema is at version $current, this build needs version $required.",
                'Run the database upgrade below (it keeps every row), or deactivate and activate '
                . 'the addon in Setup > Addon Modules.',
                $current, $required);
        }
        return $status;
    }

    /** Points the extension at the WHMCS database of configuration.php. */
    public static function connect(): void
    {
        puqkvm_db_configure(WhmcsConfig::database());
    }
}
