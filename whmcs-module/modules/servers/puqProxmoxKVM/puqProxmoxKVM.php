<?php

/*
 * The WHMCS server (provisioning) module puqProxmoxKVM. WHMCS calls the functions below
 * by name (<module>_<Function>); each one is a thin, total wrapper: it checks that the
 * puqkvm extension is loaded, hands the WHMCS parameters to a class in lib/, catches
 * everything, logs the call with logModuleCall (secrets masked) and returns the shape
 * WHMCS documents for that function. The Proxmox VE work is done by the extension.
 *
 * Present: MetaData, TestConnection, ConfigOptions (the product settings, generated from
 * the engine's table, with live lists of nodes, templates and storages), the
 * provisioning functions (CreateAccount, Suspend, Unsuspend, Terminate, ChangePackage:
 * they queue work and return at once), the buttons Start, Stop, Reinstall, Redeploy
 * and Set DNS records, the admin service tab (AdminServicesTabFields and its Save), the
 * client area (ClientArea, its AJAX endpoint ClientApi) and the usage-billing metric
 * provider (MetricProvider).
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';
// the addon's classes (database connection, cron paths): the two modules ship together
require_once dirname(__DIR__, 2) . '/addons/puq_proxmox_kvm/lib/autoload.php';

use WHMCS\Module\Server\PuqProxmoxKVM\ClientApi;
use WHMCS\Module\Server\PuqProxmoxKVM\ClientArea;
use WHMCS\Module\Server\PuqProxmoxKVM\ConnectionTest;
use WHMCS\Module\Server\PuqProxmoxKVM\MetricsProvider;
use WHMCS\Module\Server\PuqProxmoxKVM\ModuleCall;
use WHMCS\Module\Server\PuqProxmoxKVM\ProductSettings;
use WHMCS\Module\Server\PuqProxmoxKVM\Provisioning;
use WHMCS\Module\Server\PuqProxmoxKVM\ServiceTab;

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

/**
 * The product's Module Settings: configoption1..22 one setting each, configoption23 the
 * advanced "key = value" settings.
 *
 * @return array
 */
function puqProxmoxKVM_ConfigOptions()
{
    if (ModuleCall::extensionProblem() !== null) {
        return ['Notice' => ['FriendlyName' => 'puqkvm', 'Type' => 'na',
            'Description' => ModuleCall::extensionProblem()]];
    }
    return ProductSettings::configOptions();
}

/** @return array<string, string> */
function puqProxmoxKVM_LoaderNodes(array $params)
{
    return ProductSettings::load('nodes', $params);
}

/** @return array<string, string> */
function puqProxmoxKVM_LoaderTemplates(array $params)
{
    return ProductSettings::load('templates', $params);
}

/** @return array<string, string> */
function puqProxmoxKVM_LoaderStorages(array $params)
{
    return ProductSettings::load('storages', $params);
}

/** Queues the deploy; the cron builds the VM. */
function puqProxmoxKVM_CreateAccount(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::create($params));
}

/** Stops the VM and keeps it stopped until unsuspended. */
function puqProxmoxKVM_SuspendAccount(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::suspend($params, true));
}

/** Starts the VM again. */
function puqProxmoxKVM_UnsuspendAccount(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::suspend($params, false));
}

/** Queues the terminate: stop, backups, DNS, delete; addresses released after. */
function puqProxmoxKVM_TerminateAccount(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::terminate($params));
}

/** Queues the change of package (at once when ready, else when the VM is ready). */
function puqProxmoxKVM_ChangePackage(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::changePackage($params));
}

/** @return array<string, string> button label => function suffix */
function puqProxmoxKVM_AdminCustomButtonArray()
{
    return ['Start' => 'Start', 'Stop' => 'Stop', 'Reinstall' => 'Reinstall', 'Redeploy' => 'Redeploy',
        'Set DNS records' => 'SetDnsRecords'];
}

function puqProxmoxKVM_Start(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::power($params, 'start'));
}

function puqProxmoxKVM_Stop(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::power($params, 'stop'));
}

function puqProxmoxKVM_Reinstall(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::reinstall($params));
}

function puqProxmoxKVM_Redeploy(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::redeploy($params));
}

function puqProxmoxKVM_SetDnsRecords(array $params)
{
    return ModuleCall::provision(__FUNCTION__, $params, static fn () => Provisioning::setDnsRecords($params));
}

/**
 * The admin service page's tab: attach an existing VM, the reverse-DNS table, the API
 * status, live information, Redeploy and the deploy log (lib/ServiceTab.php).
 *
 * @return array<string, string> row label => HTML
 */
function puqProxmoxKVM_AdminServicesTabFields(array $params)
{
    return ServiceTab::fields($params);
}

/** Save Changes of the tab: an attach when the VM Id changed, then the rDNS names. */
function puqProxmoxKVM_AdminServicesTabFieldsSave(array $params)
{
    ServiceTab::save($params);
}

/*
 * The client area (lib/ClientArea.php): a page whose panels - overview, reverse DNS,
 * backups, snapshots, reinstall, password, charts, ISO, firewall - load by AJAX from
 * ClientApi. Permissions are checked on the server for every request.
 */
function puqProxmoxKVM_ClientArea(array $params)
{
    try {
        return ClientArea::page($params);
    } catch (\Throwable $e) {
        logModuleCall(ModuleCall::MODULE, 'ClientArea', ['serviceid' => $params['serviceid'] ?? 0],
            $e->getMessage(), '', []);
        return ['templatefile' => 'templates/clientarea', 'vars' => [
            'puq_problem' => 'The virtual machine panel is not available right now. Please contact support.']];
    }
}

/** The functions a client may reach through clientarea.php?...&modop=custom&a=<name>. */
function puqProxmoxKVM_ClientAreaAllowedFunctions()
{
    return ['ClientApi'];
}

/** The client area's AJAX endpoint (lib/ClientApi.php): answers JSON and ends the request. */
function puqProxmoxKVM_ClientApi(array $params)
{
    $request = array_merge($_GET, $_POST);
    ClientApi::respond(ClientApi::handle($params, $request, (int) ($_SESSION['uid'] ?? 0),
        (string) ($_SERVER['REQUEST_METHOD'] ?? 'GET')));
}

/** WHMCS usage billing: "Bandwidth Usage In (GB)" and "Out (GB)" (lib/MetricsProvider.php). */
function puqProxmoxKVM_MetricProvider(array $params)
{
    return new MetricsProvider($params);
}
