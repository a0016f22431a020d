<?php

/*
 * Router of the harness's HTTP front for PHP's built-in server:
 *   PUQKVM_WHMCS_ROOT=<harness root> php -d extension=<puqkvm.so> \
 *       -S 127.0.0.1:<port> -t <harness root> tests/whmcs/router.php
 * Every request goes through WhmcsHarness\Front (nothing is served from the document
 * root directly).
 */

require __DIR__ . '/bootstrap.php';

if (!defined('ROOTDIR')) {
    http_response_code(500);
    echo "PUQKVM_WHMCS_ROOT is not set: start the server with the harness root in the environment\n";
    return true;
}

WhmcsHarness\Front::serve();
return true;
