<?php

/*
 * cron.php's command line: options, live line-flushed output and exit codes. The tasks
 * themselves run in the engine (puqkvm_cron_run); this class parses the arguments,
 * checks the environment (extension, database, schema), prints each line as it comes,
 * gives the engine WHMCS's decrypt() and delivers the outbox (e-mails, activity log
 * entries) while and after the tasks run.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Cron;

use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;

final class Cli
{
    public const EXIT_OK = 0;
    public const EXIT_ERRORS = 1;      // a task failed or a VM step ended in an error
    public const EXIT_USAGE = 2;
    public const EXIT_ENVIRONMENT = 3; // extension, database or schema not usable
    public const EXIT_BUSY = 4;        // the task asked for is locked by another process

    /** Seconds a run without --loop may take before it stops claiming (cron is minutely). */
    private const ONCE_DEADLINE = 55;

    /** @param list<string> $argv */
    public static function main(array $argv): int
    {
        $opts = self::parse(array_slice($argv, 1), $error);
        if ($opts === null) {
            fwrite(STDERR, "cron.php: $error\n\n" . self::usage());
            return self::EXIT_USAGE;
        }
        if (!empty($opts['help'])) {
            echo self::usage();
            return self::EXIT_OK;
        }
        $guard = Guard::full();
        if (!$guard->ok()) {
            fwrite(STDERR, "PUQ Proxmox KVM cron: {$guard->message} {$guard->detail}\n");
            return self::EXIT_ENVIRONMENT;
        }
        if (!empty($opts['list'])) {
            self::printList();
            return self::EXIT_OK;
        }
        return self::run($opts);
    }

    /** @param array<string, mixed> $opts */
    private static function run(array $opts): int
    {
        $worker = puqkvm_cron_worker_id();
        $outbox = new Outbox($worker);
        if (!empty($opts['loop']) && empty($opts['task'])) {
            $opts['task'] = 'processVirtualMachines'; // a looping worker processes VMs
        }
        $options = [
            'task' => $opts['task'] ?? null,
            'force' => !empty($opts['force']),
            'no_lock' => !empty($opts['no-lock']),
            'loop' => !empty($opts['loop']),
            'quiet' => !empty($opts['quiet']),
            'service_id' => (int) ($opts['service'] ?? 0),
            'deadline' => isset($opts['deadline']) ? (float) $opts['deadline']
                : (!empty($opts['loop']) ? 0 : self::ONCE_DEADLINE),
            'worker_id' => $worker,
        ];
        if (isset($opts['lease'])) {
            $options['lease'] = (float) $opts['lease'];
        }
        if (isset($opts['concurrency'])) {
            $options['concurrency'] = (int) $opts['concurrency'];
        }
        $line = static function (string $text): void {
            echo $text, "\n";
            flush();
        };
        try {
            $report = puqkvm_cron_run($options, $line, 'decrypt', [$outbox, 'deliver']);
        } catch (\PuqKvm\ValidationException $e) {
            fwrite(STDERR, 'cron.php: ' . $e->getMessage() . "\n");
            return self::EXIT_USAGE;
        } catch (\Throwable $e) {
            fwrite(STDERR, 'PUQ Proxmox KVM cron failed: ' . $e->getMessage() . "\n");
            return self::EXIT_ERRORS;
        }
        $outbox->deliver();
        if ($outbox->failed > 0) {
            $line("Outbox: {$outbox->sent} delivered, {$outbox->failed} failed (retried on the next run)");
        }
        if ($report['errors'] > 0) {
            return self::EXIT_ERRORS;
        }
        if (!empty($opts['task']) && $report['busy'] > 0) {
            return self::EXIT_BUSY;
        }
        return self::EXIT_OK;
    }

    private static function printList(): void
    {
        $tasks = puqkvm_cron_tasks();
        printf("%-24s %-9s %-8s %-20s %-10s %s\n", 'TASK', 'INTERVAL', 'DUE', 'LAST RUN', 'STATUS', 'NOTE');
        foreach ($tasks as $t) {
            $note = !$t['available'] ? 'not in this release'
                : ($t['locked_by'] !== null ? "locked by {$t['locked_by']}" : (string) ($t['last_message'] ?? ''));
            printf("%-24s %-9s %-8s %-20s %-10s %s\n", $t['name'],
                $t['interval'] > 0 ? $t['interval'] . 'm' : 'disabled', $t['due'] ? 'yes' : 'no',
                $t['last_run_at'] ?? 'never', $t['last_status'] ?? '', $note);
        }
        printf("Looping workers alive: %d\n", puqkvm_cron_workers_alive(15));
    }

    /**
     * @param list<string> $args
     * @return array<string, mixed>|null
     */
    private static function parse(array $args, ?string &$error): ?array
    {
        $flags = ['force', 'list', 'loop', 'help', 'no-lock', 'quiet', 'from-hook'];
        $values = ['task', 'service', 'deadline', 'lease', 'concurrency'];
        $opts = [];
        foreach ($args as $arg) {
            if ($arg === '-h') {
                $arg = '--help';
            }
            if (!preg_match('/^--([a-z-]+)(?:=(.*))?$/s', $arg, $m)) {
                $error = "unexpected argument '$arg'";
                return null;
            }
            $name = $m[1];
            if (in_array($name, $flags, true) && !isset($m[2])) {
                $opts[$name] = true;
            } elseif (in_array($name, $values, true) && isset($m[2]) && $m[2] !== '') {
                if ($name !== 'task' && !is_numeric($m[2])) {
                    $error = "--$name needs a number";
                    return null;
                }
                $opts[$name] = $m[2];
            } else {
                $error = "unknown option '$arg'";
                return null;
            }
        }
        return $opts;
    }

    public static function usage(): string
    {
        return <<<TXT
PUQ Proxmox KVM cron

Usage: php cron.php [options]

  (no option)        run every task whose interval has passed
  --task=NAME        run one task now, whatever its interval
  --force            run every task now, ignoring the intervals
  --list             show the tasks, their intervals, last runs and locks
  --loop             keep processing VMs, picking new work up at once (a worker of
                     processVirtualMachines; any number may run, on one host or several)
  --service=ID       process only this service's VM
  --deadline=SECONDS stop claiming new work after this long (default 55, --loop: never)
  --no-lock          run singleton tasks without their lock (debugging only)
  --quiet            print only errors and summaries
  --help             this text

Exit codes: 0 done, 1 a task or a VM step failed, 2 bad usage, 3 the extension or
database is not usable, 4 the task asked for is locked by another process.

TXT;
    }
}
