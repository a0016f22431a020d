<?php

/*
 * WHMCS\Config\Setting: the documented accessor for tblconfiguration values
 * (Setting::getValue('SystemURL')), backed by the harness's $CONFIG.
 */

namespace WHMCS\Config;

use WhmcsHarness\Environment;

class Setting
{
    /** @return string|null */
    public static function getValue($setting)
    {
        return $GLOBALS['CONFIG'][$setting] ?? null;
    }

    public static function setValue($setting, $value)
    {
        Environment::setSetting((string) $setting, (string) $value);
    }
}
