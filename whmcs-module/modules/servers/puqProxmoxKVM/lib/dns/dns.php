<?php

/*
 * GET https://<WHMCS>/modules/servers/puqProxmoxKVM/lib/dns/dns.php
 *
 * The legacy read-only DNS mapping (see lib/LegacyDnsEndpoint.php): boots WHMCS (its
 * init.php, found above this file), then answers with JSON. Access: .htaccess in this
 * folder and the addon's "dns.php allowlist" setting; an empty allowlist denies all.
 */

// the WHMCS root: the nearest folder above the requested script that holds init.php
$puqkvmRoot = dirname($_SERVER['SCRIPT_FILENAME'] ?? __FILE__);
for ($i = 0; $i < 8 && !is_file($puqkvmRoot . '/init.php'); $i++) {
    $puqkvmRoot = dirname($puqkvmRoot);
}
if (!is_file($puqkvmRoot . '/init.php')) {
    http_response_code(500);
    header('Content-Type: application/json; charset=utf-8');
    echo json_encode(['error' => 'WHMCS init.php not found above ' . basename(__DIR__)]), "\n";
    return;
}
require_once $puqkvmRoot . '/init.php';
require_once ROOTDIR . '/modules/addons/puq_proxmox_kvm/lib/autoload.php';
require_once dirname(__DIR__) . '/autoload.php';

\WHMCS\Module\Server\PuqProxmoxKVM\LegacyDnsEndpoint::run();
