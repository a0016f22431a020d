<?php

/*
 * The legacy read-only DNS endpoint (lib/dns/dns.php, since v1.4 of the original
 * module): the JSON array of {forward, ip, reverse} of every address the module keeps a
 * PTR for, for external scripts that sync DNS themselves. It writes nothing anywhere.
 *
 * Access is checked twice: by the web server (.htaccess next to dns.php) and here,
 * against the addon's "dns.php allowlist" setting (Settings > General: addresses and
 * CIDR prefixes). An empty list lets nobody in, so a fresh installation exposes
 * nothing. Only REMOTE_ADDR counts: a forwarded-for header is whatever the client says.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;

final class LegacyDnsEndpoint
{
    /**
     * The answer for a client: [HTTP status, JSON-encodable body].
     * @return array{0: int, 1: mixed}
     */
    public static function respond(string $clientIp): array
    {
        $problem = ModuleCall::extensionProblem();
        if ($problem !== null) {
            return [503, ['error' => $problem]];
        }
        $guard = Guard::full();
        if (!$guard->ok()) {
            return [503, ['error' => $guard->message]];
        }
        try {
            if (!puqkvm_dns_endpoint_allowed($clientIp)) {
                return [403, ['error' => 'Access denied: add this address to the dns.php allowlist in '
                    . 'Addons > PUQ Proxmox KVM > Settings > General.']];
            }
            return [200, puqkvm_dns_legacy_map()];
        } catch (\Throwable $e) {
            return [500, ['error' => ModuleCall::describe($e)]];
        }
    }

    /** Sends the answer for this request. */
    public static function run(): void
    {
        [$status, $body] = self::respond((string) ($_SERVER['REMOTE_ADDR'] ?? ''));
        http_response_code($status);
        header('Content-Type: application/json; charset=utf-8');
        header('Cache-Control: no-store');
        header('X-Content-Type-Options: nosniff');
        echo json_encode($body, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
    }
}
