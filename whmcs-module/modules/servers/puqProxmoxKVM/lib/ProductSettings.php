<?php

/*
 * The product's module settings (Setup > Products/Services > Module Settings) as WHMCS
 * config options, generated from the engine's own table (puqkvm_vm_product_settings()),
 * so the settings, their defaults and their validation live in one place, in C.
 *
 * WHMCS keeps config options in configoption1..24, in the order ConfigOptions lists
 * them: slots 1-22 are one setting each; slot 23 is a text area of "key = value" lines
 * holding the advanced settings (disk I/O limits, firewall, quotas, e-mail templates).
 * Node, template and storage fields load their choices live from the product's server.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

final class ProductSettings
{
    /** @return array<string, array<string, mixed>> WHMCS's ConfigOptions structure */
    public static function configOptions(): array
    {
        $defs = puqkvm_vm_product_settings();
        $options = [];
        $advanced = [];
        foreach ($defs as $d) {
            if ((int) $d['slot'] === 23) {
                $advanced[] = $d;
                continue;
            }
            $options[$d['label']] = self::field($d);
        }
        $options['Advanced settings'] = [
            'FriendlyName' => 'Advanced settings',
            'Type' => 'textarea',
            'Rows' => 12,
            'Cols' => 60,
            'Default' => self::advancedDefault($advanced),
            'Description' => 'One "key = value" per line; a key left out takes its default. Keys: '
                . implode(', ', array_map(static fn ($d) => $d['name'], $advanced)) . '.',
        ];
        return $options;
    }

    /** @param array<string, mixed> $d */
    private static function field(array $d): array
    {
        $f = ['FriendlyName' => $d['label'], 'Description' => $d['help']];
        switch ($d['type']) {
            case 'bool':
                $f['Type'] = 'yesno';
                $f['Default'] = $d['default'] === 'on' ? 'on' : '';
                break;
            case 'choice':
                $f['Type'] = 'dropdown';
                $f['Options'] = array_combine($d['choices'],
                    array_map(static fn ($c) => $c === '' ? 'As in the template' : $c, $d['choices']));
                $f['Default'] = $d['default'];
                break;
            default:
                $f['Type'] = 'text';
                $f['Size'] = $d['type'] === 'int' ? 10 : 30;
                $f['Default'] = $d['default'];
        }
        if ($d['loader'] !== null) {
            $f['Loader'] = 'puqProxmoxKVM_Loader' . ucfirst($d['loader']);
            $f['SimpleMode'] = true;
        }
        return $f;
    }

    /** @param list<array<string, mixed>> $defs */
    private static function advancedDefault(array $defs): string
    {
        $lines = [];
        foreach ($defs as $d) {
            $value = $d['type'] === 'bool' ? ($d['default'] === 'on' ? '1' : '0') : $d['default'];
            $lines[] = $d['name'] . ' = ' . $value;
        }
        return implode("\n", $lines);
    }

    /**
     * A Loader's choices: value => label, from the product's server.
     *
     * @param array<string, mixed> $params
     * @return array<string, string>
     */
    public static function load(string $what, array $params): array
    {
        // only the server's fields: $params also holds the service's own username/password
        $server = [];
        foreach (['hostname', 'ip', 'port', 'username', 'password', 'accesshash', 'secure'] as $key) {
            $server[$key] = $params["server$key"] ?? null;
        }
        switch ($what) {
            case 'nodes':
                $out = ['' => 'automatically (most free RAM)'];
                foreach (puqkvm_pve_nodes($server) as $n) {
                    $out[$n['node']] = $n['node'] . ($n['online'] ? '' : ' (offline)');
                }
                return $out;
            case 'templates':
                $out = [];
                foreach (puqkvm_pve_templates($server) as $t) {
                    $out[(string) $t['vmid']] = "{$t['vmid']} — {$t['name']} ({$t['node']})";
                }
                return $out;
            case 'storages':
                $out = ['' => 'auto'];
                $nodes = puqkvm_pve_nodes($server);
                if ($nodes) {
                    foreach (puqkvm_pve_storages($server, $nodes[0]['node'], 'images') as $s) {
                        $out[$s['storage']] = $s['storage'] . ' (' . $s['type'] . ($s['shared'] ? ', shared' : '') . ')';
                    }
                }
                return $out;
        }
        return [];
    }
}
