<?php

/*
 * Settings > Cron: the mode (WHMCS hook or system crontab), the crontab line to install
 * for standalone mode, the lock timeout and every task's interval with its last run and
 * status (puqkvm_cron_tasks()).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\CronLine;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class SettingsCron extends SettingsPage
{
    protected function group(): string
    {
        return 'cron';
    }

    protected function action(): string
    {
        return 'settings_cron';
    }

    protected function title(): string
    {
        return 'Settings: Cron';
    }

    protected function extraVars(array $values): array
    {
        $state = [];
        foreach (puqkvm_cron_tasks() as $task) {
            $state['cron_interval_' . $task['name']] = $task;
        }
        return [
            'crontab' => CronLine::build((string) ($values['cron_php_binary'] ?? '')),
            'cron_mode' => (string) ($values['cron_mode'] ?? ''),
            'task_state' => $state,
        ];
    }
}
