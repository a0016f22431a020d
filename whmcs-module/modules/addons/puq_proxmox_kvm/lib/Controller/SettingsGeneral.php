<?php

/* Settings > General: API timeouts, VM migration, the legacy DNS endpoint, module data. */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

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
