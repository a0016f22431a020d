<?php

/*
 * The Proxmox server entry of a WHMCS service, for the admin page's live calls (the
 * service tab's information box): tblhosting.server's tblservers row with the token
 * secret decrypted by WHMCS's own decrypt() - the engine never sees WHMCS's key. The
 * keys are those the engine's server arrays take (hostname, ip, port, secure, username,
 * password, accesshash).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Database\Capsule;

final class ServiceServer
{
    /** @return array<string, mixed>|null null when the service or its server is gone */
    public static function fields(int $serviceId): ?array
    {
        $serverId = (int) Capsule::table('tblhosting')->where('id', $serviceId)->value('server');
        $server = $serverId > 0 ? Capsule::table('tblservers')->where('id', $serverId)->first() : null;
        if ($server === null) {
            return null;
        }
        return [
            'serverid' => $serverId,
            'hostname' => (string) $server->hostname,
            'ip' => (string) $server->ipaddress,
            'port' => $server->port === null ? '' : (string) $server->port,
            'secure' => $server->secure === 'on' || $server->secure === '1' || $server->secure === 1,
            'username' => (string) $server->username,
            'password' => (string) decrypt((string) $server->password),
            'accesshash' => (string) $server->accesshash,
        ];
    }
}
