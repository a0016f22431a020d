<?php

/*
 * The WHMCS installation's configuration.php: the database settings ($db_host,
 * $db_port, $db_username, $db_password, $db_name, $mysql_charset, $db_tls_*) the
 * extension connects with — so the engine and WHMCS always use the same database — and
 * the few other values the addon needs ($templates_compiledir). The file is read in a
 * function scope of its own, which keeps its variables (the licence key and encryption
 * hash among them) out of the module's scope.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class WhmcsConfig
{
    /** @return array<string, string> the db_* and mysql_charset values, as strings */
    public static function database(): array
    {
        $db = [];
        foreach (self::read() as $name => $value) {
            if ((strncmp($name, 'db_', 3) === 0 || $name === 'mysql_charset') && is_scalar($value)) {
                $db[$name] = is_bool($value) ? ($value ? '1' : '0') : (string) $value;
            }
        }
        return $db;
    }

    /** One scalar value of configuration.php, "" when absent. */
    public static function value(string $name): string
    {
        $vars = self::read();
        return isset($vars[$name]) && is_scalar($vars[$name]) ? (string) $vars[$name] : '';
    }

    /** @return array<string, mixed> */
    private static function read(): array
    {
        $file = (defined('ROOTDIR') ? ROOTDIR : dirname(Module::dir(), 3)) . '/configuration.php';
        if (!is_readable($file)) {
            throw new \RuntimeException("cannot read $file");
        }
        return (static function (string $__file): array {
            include $__file;
            unset($__file);
            return get_defined_vars();
        })($file);
    }
}
