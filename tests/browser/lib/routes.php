<?php

/*
 * The addon's endpoints as the security suite finds them (the router's whitelist and the
 * controllers' ops, tests/whmcs/tests/security/EndpointScan.php), for browser tests:
 *   php tests/browser/lib/routes.php   prints [{"action", "method", "op"}, ...]
 */

require dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require dirname(__DIR__, 3) . '/whmcs-module/modules/addons/puq_proxmox_kvm/lib/autoload.php';
require dirname(__DIR__, 2) . '/whmcs/tests/security/EndpointScan.php';

$scan = PuqKvm\Test\Security\EndpointScan::addon(WHMCS\Module\Addon\PuqProxmoxKvm\Router::ROUTES);
if ($scan['problems']) {
    fwrite(STDERR, implode("\n", $scan['problems']) . "\n");
    exit(1);
}
echo json_encode($scan['endpoints']), "\n";
