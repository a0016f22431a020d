<?php

/*
 * Keeps VM Management's copies of WHMCS fields (service status, client, product and
 * server names) in step with the changes only WHMCS makes: each hook below re-syncs the
 * VM rows the change can touch, by the service, client, product, server or order it
 * names. WHMCS sets a service's status after the module function returned, so the
 * AfterModule* hooks are where a Suspend or Terminate becomes visible. DailyCronJob
 * re-syncs every row, and the list itself heals any row it reads stale, so a change no
 * hook reports (a direct database edit) is fixed at the latest the next day or the
 * next time its page is shown.
 *
 * Each hook is total: it does nothing when the extension or the schema is not usable
 * and logs a failure to the module log instead of breaking the WHMCS page or cron run.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class VmListHooks
{
    /** hook point => [scope, where the id is in $vars] */
    public const TABLE = [
        'AfterModuleCreate' => ['service', 'params.serviceid'],
        'AfterModuleSuspend' => ['service', 'params.serviceid'],
        'AfterModuleUnsuspend' => ['service', 'params.serviceid'],
        'AfterModuleTerminate' => ['service', 'params.serviceid'],
        'AfterModuleChangePackage' => ['service', 'params.serviceid'],
        'ServiceEdit' => ['service', 'serviceid'],
        'AdminServiceEdit' => ['service', 'serviceid'],
        'ServiceDelete' => ['service', 'serviceid'],
        'ClientEdit' => ['client', 'userid'],
        'ClientDelete' => ['client', 'userid'],
        'ProductEdit' => ['product', 'pid'],
        'ProductDelete' => ['product', 'pid'],
        'ServerEdit' => ['server', 'serverid'],
        'ServerDelete' => ['server', 'serverid'],
        'AcceptOrder' => ['order', 'orderid'],
        'PendingOrder' => ['order', 'orderid'],
        'CancelOrder' => ['order', 'orderid'],
        'FraudOrder' => ['order', 'orderid'],
        'DeleteOrder' => ['order', 'orderid'],
        'DailyCronJob' => ['all', ''],
    ];

    public static function register(): void
    {
        foreach (self::TABLE as $hookPoint => [$scope, $path]) {
            add_hook($hookPoint, 100, static function ($vars) use ($hookPoint, $scope, $path) {
                self::sync($hookPoint, $scope, $path, is_array($vars) ? $vars : []);
                return null;
            });
        }
    }

    /** Runs one hook's sync; never throws. */
    public static function sync(string $hookPoint, string $scope, string $path, array $vars): void
    {
        try {
            $id = $path === '' ? 0 : self::id($vars, $path);
            if (($scope !== 'all' && $id <= 0) || !self::usable()) {
                return;
            }
            puqkvm_vmlist_sync($scope, $id);
        } catch (\Throwable $e) {
            if (function_exists('logModuleCall')) {
                logModuleCall(Module::NAME, "hook:$hookPoint", $scope, $e->getMessage(), '');
            }
        }
    }

    private static function id(array $vars, string $path): int
    {
        $value = $vars;
        foreach (explode('.', $path) as $key) {
            if (!is_array($value) || !isset($value[$key])) {
                return 0;
            }
            $value = $value[$key];
        }
        return is_numeric($value) ? (int) $value : 0;
    }

    /** Checked on every call (hooks are rare): the schema may be upgraded in between. */
    private static function usable(): bool
    {
        return Guard::full()->ok();
    }
}
