<?php

/*
 * Autoloader of the server module's classes: WHMCS\Module\Server\PuqProxmoxKVM\X lives
 * in lib/X.php. Registered here so the module works in every WHMCS version and in the
 * test harness alike.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

spl_autoload_register(static function (string $class): void {
    $prefix = 'WHMCS\\Module\\Server\\PuqProxmoxKVM\\';
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
