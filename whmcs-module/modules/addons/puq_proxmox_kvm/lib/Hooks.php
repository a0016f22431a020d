<?php

/*
 * The WHMCS hooks of the addon, as a table: hook point => [priority, method, whether it
 * needs the database]. hooks.php registers them only when the extension is usable, and
 * each runs inside a catch-all, so a failing hook logs to the module log and returns
 * nothing instead of breaking the WHMCS page or cron run that fired it. A hook that
 * needs the database first checks the schema (once per request).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class Hooks
{
    /** @var array<string, array{int, string, bool}> */
    public const TABLE = [
        'AdminAreaHeadOutput' => [1, 'adminAreaHeadOutput', false],
        'AfterCronJob' => [1, 'afterCronJob', true],
    ];

    /** Longest a cron run started by the WHMCS cron may take, in seconds. */
    public const CRON_TIME_LIMIT = 240;

    private static ?bool $databaseUsable = null;

    public static function register(): void
    {
        foreach (self::TABLE as $hookPoint => [$priority, $method, $needsDatabase]) {
            add_hook($hookPoint, $priority, static function ($vars) use ($hookPoint, $method, $needsDatabase) {
                try {
                    if ($needsDatabase && !self::databaseUsable()) {
                        return null;
                    }
                    return self::$method(is_array($vars) ? $vars : []);
                } catch (\Throwable $e) {
                    if (function_exists('logModuleCall')) {
                        logModuleCall(Module::NAME, "hook:$hookPoint", '', $e->getMessage(), $e->getTraceAsString());
                    }
                    return null;
                }
            });
        }
    }

    /** The addon's stylesheet in the <head> of its own admin page, nowhere else. */
    public static function adminAreaHeadOutput(array $vars): ?string
    {
        if (($vars['filename'] ?? '') !== 'addonmodules' || ($_GET['module'] ?? '') !== Module::NAME) {
            return null;
        }
        return View::create()->render('head.tpl', ['assets_url' => Module::assetsUrl(), 'version' => Module::VERSION]);
    }

    /**
     * WHMCS hook mode: after each WHMCS cron run, run the module's due tasks in a child
     * process (cron.php) with a time limit, so an engine failure or a hang never takes
     * WHMCS's own cron down. Does nothing in standalone mode (the system crontab runs
     * cron.php then).
     */
    public static function afterCronJob(array $vars): ?string
    {
        $settings = puqkvm_settings_get();
        if (($settings['cron_mode'] ?? 'whmcs') !== 'whmcs') {
            return null;
        }
        $php = trim((string) ($settings['cron_php_binary'] ?? '')) ?: CronLine::defaultPhp();
        $limit = self::CRON_TIME_LIMIT;
        $cmd = [$php, Module::cronScript(), '--from-hook', '--deadline=' . ($limit - 30)];
        $proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        if (!is_resource($proc)) {
            throw new \RuntimeException('cannot start cron.php');
        }
        stream_set_blocking($pipes[1], false);
        stream_set_blocking($pipes[2], false);
        $output = '';
        $started = microtime(true);
        while (true) {
            $output .= (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
            $status = proc_get_status($proc);
            if (!$status['running']) {
                break;
            }
            if (microtime(true) - $started > $limit) {
                proc_terminate($proc, 15);
                usleep(500000);
                proc_terminate($proc, 9);
                $output .= "\n[killed after {$limit}s]";
                break;
            }
            usleep(100000);
        }
        $output .= (string) stream_get_contents($pipes[1]) . (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        $code = proc_close($proc);
        $exit = isset($status) && !$status['running'] ? (int) $status['exitcode'] : $code;
        if ($exit !== 0 && function_exists('logModuleCall')) {
            logModuleCall(Module::NAME, 'cron (WHMCS hook)', "exit $exit", substr($output, -20000), '');
        }
        return null;
    }

    private static function databaseUsable(): bool
    {
        if (self::$databaseUsable === null) {
            self::$databaseUsable = Guard::full()->ok();
        }
        return self::$databaseUsable;
    }
}
