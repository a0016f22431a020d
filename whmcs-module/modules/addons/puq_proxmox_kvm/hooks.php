<?php

/*
 * WHMCS includes this file on every page and every cron run while the addon is active.
 * It registers the addon's hooks (lib/Hooks.php) only when the puqkvm extension is
 * loaded and of a matching version; otherwise it registers nothing, so a missing or
 * mismatched extension never turns into an error on some unrelated WHMCS page.
 */

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/lib/autoload.php';

if (!\WHMCS\Module\Addon\PuqProxmoxKvm\Guard::extension()->ok()) {
    return;
}

\WHMCS\Module\Addon\PuqProxmoxKvm\Hooks::register();
\WHMCS\Module\Addon\PuqProxmoxKvm\VmListHooks::register();
