<?php

/*
 * Messages that survive one redirect ("Settings saved."), kept in the admin session
 * under the addon's own key and removed when shown.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Flash
{
    private const KEY = 'puq_proxmox_kvm_flash';

    /** @param string $type success|info|warning|danger (Bootstrap alert classes) */
    public static function add(string $type, string $message): void
    {
        if (isset($_SESSION) && is_array($_SESSION)) {
            $_SESSION[self::KEY][] = ['type' => $type, 'message' => $message];
        }
    }

    /** @return list<array{type: string, message: string}> */
    public static function take(): array
    {
        if (!isset($_SESSION[self::KEY]) || !is_array($_SESSION[self::KEY])) {
            return [];
        }
        $messages = $_SESSION[self::KEY];
        unset($_SESSION[self::KEY]);
        return array_values($messages);
    }
}
