<?php

/*
 * The WHMCS harness: what WHMCS gives a module, for tests, the HTTP front (router.php)
 * and the demo. Including this file defines the WHMCS constant, loads Debian's
 * Illuminate Database (WHMCS\Database\Capsule) and Smarty 4, the WHMCS functions
 * (lib/functions.php) and the harness classes (namespace WhmcsHarness, lib/).
 *
 * It connects nothing by itself: a caller boots a harness root with
 * WhmcsHarness\Environment::boot($dir) — or sets PUQKVM_WHMCS_ROOT, which boots that
 * root here (what router.php and subprocess tests do).
 */

if (!defined('WHMCS')) {
    define('WHMCS', true);
}

require_once '/usr/share/php/Illuminate/Database/autoload.php';
require_once '/usr/share/php/smarty4/bootstrap.php';

spl_autoload_register(static function (string $class): void {
    $map = [
        'WhmcsHarness\\' => __DIR__ . '/lib/',
        'WHMCS\\Database\\' => __DIR__ . '/lib/',
        'WHMCS\\Config\\' => __DIR__ . '/lib/Config/',
        'WHMCS\\UsageBilling\\' => __DIR__ . '/lib/UsageBilling/',
    ];
    foreach ($map as $prefix => $dir) {
        if (strncmp($class, $prefix, strlen($prefix)) === 0) {
            $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

require_once __DIR__ . '/lib/functions.php';

$__root = getenv('PUQKVM_WHMCS_ROOT');
if (is_string($__root) && $__root !== '') {
    WhmcsHarness\Environment::boot($__root);
}
unset($__root);
