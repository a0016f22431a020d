<?php

/*
 * Who is acting, as the activity log names an admin action: "admin <username> (ID n)".
 * WHMCS keeps only the admin's id in the session; the username comes from tbladmins
 * when it can be read, else the id alone names the admin. After an action the
 * activity entries the engine queued with it are delivered at once, so the log shows
 * them without waiting for the next cron run (a failed delivery is retried by cron).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Cron\Outbox;

final class AdminActor
{
    public static function name(int $adminId): string
    {
        $username = '';
        try {
            $username = (string) Capsule::table('tbladmins')->where('id', $adminId)->value('username');
        } catch (\Throwable $e) {
            $username = '';
        }
        $username = preg_replace('/[^\w.@+-]/u', '', $username) ?? '';
        return $username !== '' ? "admin $username (ID $adminId)" : "admin ID $adminId";
    }

    /** Delivers what the engine queued (the action's activity entry among it). */
    public static function deliverActivity(int $adminId): void
    {
        try {
            (new Outbox('admin-' . $adminId . '-' . bin2hex(random_bytes(4))))->deliver();
        } catch (\Throwable $e) {
            if (function_exists('logModuleCall')) {
                logModuleCall(Module::NAME, 'deliver activity', '', $e->getMessage(), '');
            }
        }
    }
}
