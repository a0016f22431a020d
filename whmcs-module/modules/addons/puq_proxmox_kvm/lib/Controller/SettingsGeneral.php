<?php

/* Settings > General: API timeouts, VM migration, the legacy DNS endpoint, module data. */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class SettingsGeneral extends SettingsPage
{
    protected function group(): string
    {
        return 'general';
    }

    protected function action(): string
    {
        return 'settings_general';
    }

    protected function title(): string
    {
        return 'Settings: General';
    }
}
