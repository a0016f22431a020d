<?php

/*
 * The WHMCS addon module puq_proxmox_kvm: the admin pages (dashboard, IP pools, DNS
 * zones, VM management, settings, help) and the lifecycle WHMCS drives from
 * Setup > Addon Modules. The work is done by the puqkvm PHP extension; this file only
 * maps WHMCS's entry points onto lib/ (Lifecycle for _config/_activate/_deactivate/
 * _upgrade, AdminApp for _output). It calls nothing of the extension itself, so WHMCS
 * can list, activate and deactivate the addon even when the extension is missing.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

use WHMCS\Module\Addon\PuqProxmoxKvm\AdminApp;
use WHMCS\Module\Addon\PuqProxmoxKvm\Lifecycle;

/**
 * The addon's name, description, version and configuration fields.
 *
 * @return array
 */
function puq_proxmox_kvm_config()
{
    return Lifecycle::config();
}

/**
 * Creates or adopts the module's tables (the engine's migrations).
 *
 * @return array ['status' => 'success'|'error', 'description' => string]
 */
function puq_proxmox_kvm_activate()
{
    return Lifecycle::activate();
}

/**
 * Keeps the module's tables unless "Delete all database tables" is on.
 *
 * @return array ['status' => 'success'|'info', 'description' => string]
 */
function puq_proxmox_kvm_deactivate()
{
    return Lifecycle::deactivate();
}

/**
 * Runs the migrations after new files were installed.
 *
 * @param array $vars $vars['version'] is the previously installed version
 */
function puq_proxmox_kvm_upgrade($vars)
{
    Lifecycle::upgrade((string) ($vars['version'] ?? ''));
}

/**
 * The admin pages (Addons > PUQ Proxmox KVM).
 *
 * @param array $vars modulelink, version and the addon's settings, from WHMCS
 */
function puq_proxmox_kvm_output($vars)
{
    AdminApp::run(is_array($vars) ? $vars : []);
}
