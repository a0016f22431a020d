<?php

/*
 * The WHMCS server (provisioning) module puqProxmoxKVM. WHMCS calls the functions below
 * by name (<module>_<Function>); each one is a thin, total wrapper: it checks that the
 * puqkvm extension is loaded, hands the WHMCS parameters to a class in lib/, catches
 * everything, logs the call with logModuleCall (secrets masked) and returns the shape
 * WHMCS documents for that function. The Proxmox VE work is done by the extension.
 *
 * Present now: MetaData and TestConnection (Setup > Servers > Test Connection). The
 * provisioning functions (CreateAccount, Suspend, Terminate, ChangePackage, buttons,
 * client area) join as further small functions over lib/ classes.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

use WHMCS\Module\Server\PuqProxmoxKVM\ConnectionTest;
use WHMCS\Module\Server\PuqProxmoxKVM\ModuleCall;

/**
 * How WHMCS lists the module and its server fields.
 *
 * @return array
 */
function puqProxmoxKVM_MetaData()
{
    return [
        'DisplayName' => 'PUQ Proxmox KVM',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultSSLPort' => '8006',
        'DefaultNonSSLPort' => '8006',
        'ServiceSingleSignOnLabel' => false,
        'AdminSingleSignOnLabel' => false,
    ];
}

/**
 * Setup > Products/Services > Servers > Test Connection: reachability over verified TLS,
 * the API token, its privileges (each missing one named) and the cluster's nodes.
 *
 * @param array $params the server's fields (serverhostname, serverpassword decrypted, ...)
 * @return array ['success' => true] or ['error' => 'what failed and what to do']
 */
function puqProxmoxKVM_TestConnection(array $params)
{
    return ModuleCall::run(__FUNCTION__, $params, static fn () => ConnectionTest::run($params));
}
