<?php

/*
 * PHPUnit bootstrap: the WHMCS harness (../bootstrap.php), the shared test database
 * helper (tests/lib/testdb.php) and the base class of these tests.
 */

require dirname(__DIR__) . '/bootstrap.php';
require dirname(__DIR__, 2) . '/lib/testdb.php';
require __DIR__ . '/HarnessTestCase.php';
