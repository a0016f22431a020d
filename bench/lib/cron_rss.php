<?php

/*
 * The PHP side of bench/cron_rss: one cron run of processVirtualMachines, as cron.php
 * makes it, against the benchmark's database (PUQKVM_BENCH_DB on the MariaDB of
 * scripts/services). Prints the number of VM runs; the benchmark reads the process's
 * peak memory from the kernel.
 */

require dirname(__DIR__, 2) . '/tests/lib/testdb.php';

$s = PuqKvm\Test\TestDb::server();
puqkvm_db_configure(['db_host' => $s['host'], 'db_port' => $s['port'], 'db_username' => $s['user'],
    'db_password' => $s['pass'], 'db_name' => getenv('PUQKVM_BENCH_DB')]);
$report = puqkvm_cron_run(['task' => 'processVirtualMachines', 'quiet' => true, 'deadline' => 600],
    null, static fn (string $cipher): string => $cipher);
echo $report['processed'], "\n";
