<?php

/*
 * Runs processVirtualMachines in a browser test's harness root until every VM rests (what
 * the system crontab does between two page views).
 *   php -d extension=puqkvm.so client_cron.php ROOT
 */

[, $root] = $argv + [null, ''];
putenv("PUQKVM_WHMCS_ROOT=$root");
require dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once ROOTDIR . '/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';

use WHMCS\Database\Capsule;

WHMCS\Module\Addon\PuqProxmoxKvm\Guard::connect();
for ($i = 0; $i < 8; $i++) {
    puqkvm_cron_run(['task' => 'processVirtualMachines', 'quiet' => true], null, 'decrypt');
    $busy = Capsule::table('puqProxmoxKVM_vm_info')
        ->whereNotIn('vm_status', ['ready', 'remove', 'error_terminate'])->count();
    if ($busy === 0) {
        break;
    }
    Capsule::table('puqProxmoxKVM_vm_info')->update(['next_run_at' => Capsule::raw('NOW()')]);
}
echo json_encode(['busy' => $busy]), "\n";
