<?php

/*
 * Work is picked up at once: after a provisioning call the VM is due now, and a looping
 * cron worker (cron.php --loop) sees it within a quarter of a second. When no looping
 * worker is alive (its heartbeat is older than 15 s), a detached worker is started for
 * this service alone, so a new VM does not wait for the next cron run. The setting
 * "Start work at once" (wake_on_provision) turns this off. A failure to start one is
 * never an error of the provisioning call: the cron picks the VM up anyway.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\CronLine;
use WHMCS\Module\Addon\PuqProxmoxKvm\Module;

final class Wake
{
    public static function service(int $serviceId): void
    {
        try {
            $settings = puqkvm_settings_get();
            if (empty($settings['wake_on_provision']) || puqkvm_cron_workers_alive(15) > 0) {
                return;
            }
            $php = trim((string) ($settings['cron_php_binary'] ?? '')) ?: CronLine::defaultPhp();
            $cmd = sprintf('%s %s --task=processVirtualMachines --service=%d --quiet',
                escapeshellarg($php), escapeshellarg(Module::cronScript()), $serviceId);
            // detached: setsid leaves the WHMCS request's process group, output is dropped
            exec('setsid ' . $cmd . ' > /dev/null 2>&1 < /dev/null &');
        } catch (\Throwable $e) {
            if (function_exists('logModuleCall')) {
                logModuleCall(ModuleCall::MODULE, 'wake worker', (string) $serviceId, $e->getMessage(), '');
            }
        }
    }
}
