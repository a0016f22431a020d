<?php

/*
 * TestConnection: the engine checks reachability over verified TLS, the API token, its
 * privileges and the nodes (puqkvm_pve_test_connection); this class turns the report
 * into WHMCS's answer. A failed test names the failing step and, for privileges, every
 * missing privilege with the ACL path and what the module needs it for, so the admin
 * can fix the token in one go.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

final class ConnectionTest
{
    /**
     * @param array<string, mixed> $params WHMCS server fields
     * @return array{success: true}|array{error: string}
     */
    public static function run(array $params): array
    {
        $report = puqkvm_pve_test_connection($params);
        if (!empty($report['ok'])) {
            return ['success' => true];
        }
        return ['error' => self::message($report)];
    }

    /** @param array<string, mixed> $report */
    public static function message(array $report): string
    {
        $missing = $report['missing_privileges'] ?? [];
        if ($missing) {
            $lines = array_map(static fn (array $m) => "{$m['privilege']} on {$m['path']} ({$m['needed_for']})", $missing);
            return 'The API token lacks ' . count($missing) . ' privilege' . (count($missing) === 1 ? '' : 's')
                . ': ' . implode('; ', $lines)
                . '. Grant them to the token (privilege separation on) or to its user.';
        }
        return (string) ($report['message'] ?? 'The connection test failed.');
    }
}
