<?php

/*
 * Facts about the addon that several files need: its WHMCS name, its version (shown in
 * the navigation badge and compared by WHMCS to decide when to call _upgrade), the
 * extension version it was built with, and where its files live.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Module
{
    public const NAME = 'puq_proxmox_kvm';
    public const DISPLAY_NAME = 'PUQ Proxmox KVM';

    /** The addon's version; released together with the puqkvm extension of the same version. */
    public const VERSION = '0.1.0';

    /**
     * The project's README, which Help links into by section. The repository name is
     * the one composer.json publishes (puqkvm/puqkvm).
     */
    public const DOCS_URL = 'https://github.com/puqkvm/puqkvm/blob/main/README.md';

    /**
     * The extension versions this addon works with: the same major.minor (the PHP API of
     * the extension changes only with them; a patch release keeps it).
     */
    public static function extensionCompatible(string $extensionVersion): bool
    {
        return self::majorMinor($extensionVersion) === self::majorMinor(self::VERSION);
    }

    public static function dir(): string
    {
        return dirname(__DIR__);
    }

    public static function templateDir(): string
    {
        return self::dir() . '/templates';
    }

    /**
     * The standalone cron entry point (Settings > Cron shows its crontab line), under
     * the WHMCS root as WHMCS documents its own cron paths.
     */
    public static function cronScript(): string
    {
        $base = defined('ROOTDIR') ? ROOTDIR . '/modules/addons/' . self::NAME : self::dir();
        return $base . '/cron.php';
    }

    /** URL of the addon's assets, relative to the admin area (one directory below the WHMCS root). */
    public static function assetsUrl(): string
    {
        return '../modules/addons/' . self::NAME . '/assets';
    }

    private static function majorMinor(string $version): string
    {
        return preg_match('/^(\d+)\.(\d+)/', $version, $m) ? "$m[1].$m[2]" : $version;
    }
}
