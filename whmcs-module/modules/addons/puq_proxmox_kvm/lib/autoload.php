<?php

/*
 * Autoloader of the addon's classes: WHMCS\Module\Addon\PuqProxmoxKvm\X\Y lives in
 * lib/X/Y.php. WHMCS autoloads module namespaces itself in recent versions; registering
 * our own keeps the addon working in every version and outside WHMCS (cron.php, tests).
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Addon\\PuqProxmoxKvm\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $relative = substr($class, strlen($prefix));
    if (!preg_match('/^[A-Za-z0-9_\\\\]+$/', $relative)) {
        return;
    }
    $file = __DIR__ . '/' . str_replace('\\', '/', $relative) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
