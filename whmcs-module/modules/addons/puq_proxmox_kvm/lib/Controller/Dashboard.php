<?php

/*
 * Home: the dashboard cards of the addon manual. The three counts come from one engine
 * call (puqkvm_dashboard(), indexed COUNT queries); the other two cards are links.
 * With ajax=1 the counts are returned as JSON.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class Dashboard extends Controller
{
    public function get(Request $request): Response
    {
        $counts = puqkvm_dashboard();
        if ($request->wantsJson()) {
            return $this->json(['counts' => $counts]);
        }
        $cards = [
            ['key' => 'ip_pools', 'title' => 'IP Pools', 'icon' => 'tasks', 'count' => (int) $counts['ip_pools'],
                'hint' => 'address pools configured', 'link' => 'Manage IP pools', 'url' => $request->url('ip_pools')],
            ['key' => 'dns_zones', 'title' => 'DNS Zones', 'icon' => 'globe', 'count' => (int) $counts['dns_zones'],
                'hint' => 'zones configured', 'link' => 'Manage DNS zones', 'url' => $request->url('dns_zones')],
            ['key' => 'kvm_services', 'title' => 'KVM Services', 'icon' => 'hdd',
                'count' => (int) $counts['kvm_services'], 'hint' => 'active services',
                'link' => 'See their virtual machines', 'url' => $request->url('vm_management')],
            ['key' => 'vm_management', 'title' => 'VM Management', 'icon' => 'dashboard', 'count' => null,
                'hint' => 'Status, addresses and deploy logs of every virtual machine.',
                'link' => 'Open VM management', 'url' => $request->url('vm_management')],
            ['key' => 'settings', 'title' => 'Settings', 'icon' => 'cog', 'count' => null,
                'hint' => 'API timeouts, migration, cron mode and task intervals.',
                'link' => 'Open settings', 'url' => $request->url('settings_general')],
        ];
        if ((int) ($counts['vms_attention'] ?? 0) > 0) {
            // VMs failing for hours: shown only when there are some, so nothing loops unnoticed
            $cards[] = ['key' => 'vms_attention', 'title' => 'Needs attention', 'icon' => 'warning-sign',
                'count' => (int) $counts['vms_attention'], 'hint' => 'VMs failing for longer than the set time',
                'link' => 'See their logs', 'url' => $request->url('vm_management')];
        }
        return $this->page('dashboard.tpl', ['cards' => $cards], 'Dashboard', 'home');
    }
}
