<?php

/*
 * The addon's top navigation: Home, IP Pools, DNS Zones, VM Management, Settings
 * (General, Cron) and Help, as the addon manual describes it. Each entry names the
 * router action it opens; `key` is what a Page's $nav highlights.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;

final class Navigation
{
    private const ENTRIES = [
        ['key' => 'home', 'label' => 'Home', 'icon' => 'home', 'action' => 'home'],
        ['key' => 'ip_pools', 'label' => 'IP Pools', 'icon' => 'tasks', 'action' => 'ip_pools'],
        ['key' => 'dns_zones', 'label' => 'DNS Zones', 'icon' => 'globe', 'action' => 'dns_zones'],
        ['key' => 'vm_management', 'label' => 'VM Management', 'icon' => 'hdd', 'action' => 'vm_management'],
        ['key' => 'settings', 'label' => 'Settings', 'icon' => 'cog', 'children' => [
            ['key' => 'settings_general', 'label' => 'General', 'action' => 'settings_general'],
            ['key' => 'settings_cron', 'label' => 'Cron', 'action' => 'settings_cron'],
        ]],
        ['key' => 'help', 'label' => 'Help', 'icon' => 'question-sign', 'action' => 'help'],
    ];

    /** The entries with their URLs and the active flag for $active (a key or a child's key). */
    public static function build(Request $request, string $active): array
    {
        $entries = [];
        foreach (self::ENTRIES as $entry) {
            $item = ['key' => $entry['key'], 'label' => $entry['label'], 'icon' => $entry['icon'],
                'active' => $entry['key'] === $active, 'url' => '', 'children' => []];
            if (isset($entry['action'])) {
                $item['url'] = $request->url($entry['action']);
            }
            foreach ($entry['children'] ?? [] as $child) {
                $isActive = $child['key'] === $active;
                $item['children'][] = ['key' => $child['key'], 'label' => $child['label'],
                    'url' => $request->url($child['action']), 'active' => $isActive];
                $item['active'] = $item['active'] || $isActive;
            }
            $entries[] = $item;
        }
        return $entries;
    }
}
