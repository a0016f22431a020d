<?php

/*
 * Subprocess of GuardTest: one WHMCS admin request against the harness root in
 * PUQKVM_WHMCS_ROOT, with or without the puqkvm extension (the test decides with -d).
 *   addon_page.php page ACTION...   renders each action for a logged-in admin
 *   addon_page.php ajax ACTION      the JSON answer, as the browser gets it
 *   addon_page.php lifecycle        _activate and _deactivate
 * Reports JSON on stdout: whether the extension is loaded, the hooks hooks.php
 * registered, what AdminAreaHeadOutput returned, and the results.
 */

use WhmcsHarness\AddonModules;
use WhmcsHarness\Hooks;

require dirname(__DIR__, 2) . '/bootstrap.php';

const MODULE = 'puq_proxmox_kvm';

$_SESSION = ['adminid' => 1];
$_SERVER['REQUEST_METHOD'] = 'GET';
$_GET = ['module' => MODULE];
AddonModules::loadHooks();
$report = [
    'extension_loaded' => extension_loaded('puqkvm'),
    'hooks' => Hooks::registered(),
    'head_output' => run_hook('AdminAreaHeadOutput', ['filename' => 'addonmodules']),
];

$mode = $argv[1] ?? 'page';
if ($mode === 'page') {
    $report['pages'] = [];
    foreach (array_slice($argv, 2) as $action) {
        $_GET = ['module' => MODULE, 'action' => $action];
        http_response_code(200);
        [$status, $body] = AddonModules::output(MODULE);
        $report['pages'][$action] = ['status' => $status, 'body' => $body];
    }
} elseif ($mode === 'ajax') {
    $_GET = ['module' => MODULE, 'action' => $argv[2] ?? 'home', 'ajax' => '1'];
    // the module answers JSON and ends the request itself; report its status on stderr
    register_shutdown_function(static function () {
        fwrite(STDERR, 'status=' . http_response_code() . "\n");
    });
    AddonModules::output(MODULE);
    fwrite(STDERR, "the module did not end the request\n");
    exit(3);
} elseif ($mode === 'lifecycle') {
    require_once ROOTDIR . '/modules/addons/' . MODULE . '/' . MODULE . '.php';
    $report['activate'] = puq_proxmox_kvm_activate();
    $report['deactivate'] = puq_proxmox_kvm_deactivate();
}
echo json_encode($report, JSON_PRETTY_PRINT), "\n";
