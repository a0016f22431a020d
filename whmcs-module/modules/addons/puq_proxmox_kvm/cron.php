<?php

/*
 * The addon's cron entry point, for the system crontab (standalone mode), the WHMCS
 * hook (which runs it as a child process with a time limit) and looping workers:
 *
 *   * * * * * php /path/to/whmcs/modules/addons/puq_proxmox_kvm/cron.php
 *   php cron.php --loop      (a worker that picks up new work at once; run several)
 *
 * It loads WHMCS (init.php of the installation it lives in) and hands over to
 * lib/Cron/Cli.php; `php cron.php --help` lists the options and exit codes.
 */

if (PHP_SAPI !== 'cli') {
    http_response_code(403);
    exit("cron.php runs from the command line only.\n");
}

$puqkvmInit = null;
// the path as invoked first (the modules folder may be a symlink), then the real path
foreach ([dirname((string) ($_SERVER['SCRIPT_FILENAME'] ?? __FILE__), 4), dirname(__DIR__, 3)] as $puqkvmRoot) {
    if (is_file("$puqkvmRoot/init.php")) {
        $puqkvmInit = "$puqkvmRoot/init.php";
        break;
    }
}
if ($puqkvmInit === null) {
    fwrite(STDERR, "PUQ Proxmox KVM cron: cannot find WHMCS's init.php above " . __DIR__ . "\n");
    exit(3);
}
require_once $puqkvmInit;
require_once __DIR__ . '/lib/autoload.php';

exit(\WHMCS\Module\Addon\PuqProxmoxKvm\Cron\Cli::main($argv));
