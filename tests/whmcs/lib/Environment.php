<?php

/*
 * One WHMCS installation, as far as a module can see it.
 *
 * A harness root is a directory laid out like a WHMCS install: configuration.php with the
 * $db_* variables, $cc_encryption_hash, $templates_compiledir and $customadminpath, a
 * `modules` link to this repository's whmcs-module/modules, templates_c/ for compiled
 * Smarty templates and harness/ for the harness's own records (sessions, localAPI calls).
 * boot() does what WHMCS does before it loads a module: defines WHMCS and ROOTDIR,
 * connects WHMCS\Database\Capsule with the configuration.php credentials, and fills
 * the global $CONFIG from tblconfiguration.
 *
 * ROOTDIR is a constant, so a process serves one root; a PHPUnit run keeps one root and
 * rewrites its configuration.php for every test database (install() then boot()).
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Environment
{
    /** tblconfiguration rows a fresh harness install starts with. */
    public const DEFAULT_SETTINGS = [
        'CompanyName' => 'puqkvm harness',
        'Email' => 'billing@example.test',
        'SystemURL' => 'http://127.0.0.1/',
        'Language' => 'english',
        'Template' => 'six',
        'DateFormat' => 'YYYY-MM-DD',
        'ModuleDebugMode' => '',
        'Version' => '8.10.1-release.1',
    ];

    private static ?string $root = null;

    /** @var array<string, mixed> */
    private static array $configuration = [];

    /**
     * Writes a WHMCS root at $dir for the database $db (configuration.php variable names:
     * db_host, db_port, db_username, db_password, db_name, mysql_charset). Options:
     * admin_path (default "admin"), cc_encryption_hash (default: random).
     *
     * @param array<string, mixed> $db
     * @param array<string, mixed> $options
     */
    public static function install(string $dir, array $db, array $options = []): void
    {
        foreach ([$dir, "$dir/templates_c", "$dir/harness", "$dir/harness/sessions"] as $d) {
            if (!is_dir($d) && !mkdir($d, 0700, true) && !is_dir($d)) {
                throw new \RuntimeException("cannot create $d");
            }
        }
        $modules = dirname(__DIR__, 3) . '/whmcs-module/modules';
        if (!is_link("$dir/modules")) {
            symlink($modules, "$dir/modules");
        }
        $previous = is_file("$dir/configuration.php") ? self::read("$dir/configuration.php") : [];
        $vars = [
            'license' => 'puqkvm-harness',
            'db_host' => (string) ($db['db_host'] ?? '127.0.0.1'),
            'db_port' => (string) ($db['db_port'] ?? ''),
            'db_username' => (string) $db['db_username'],
            'db_password' => (string) $db['db_password'],
            'db_name' => (string) $db['db_name'],
            'mysql_charset' => (string) ($db['mysql_charset'] ?? 'utf8'),
            // keep the key of an existing root: values encrypted with it must stay readable
            'cc_encryption_hash' => (string) ($options['cc_encryption_hash']
                ?? $previous['cc_encryption_hash'] ?? bin2hex(random_bytes(32))),
            'templates_compiledir' => "$dir/templates_c/",
            'customadminpath' => (string) ($options['admin_path'] ?? 'admin'),
        ];
        if (!preg_match('/^[A-Za-z0-9_-]+$/', $vars['customadminpath'])) {
            throw new \InvalidArgumentException('admin path must be one directory name');
        }
        $php = "<?php\n// WHMCS configuration of a puqkvm harness root (written by tests/whmcs).\n";
        foreach ($vars as $name => $value) {
            $php .= '$' . $name . ' = ' . var_export($value, true) . ";\n";
        }
        $tmp = "$dir/configuration.php." . getmypid();
        file_put_contents($tmp, $php);
        chmod($tmp, 0600);
        rename($tmp, "$dir/configuration.php");
        // WHMCS's init.php, which command-line scripts of modules (cron.php) include
        $init = "<?php\n// WHMCS bootstrap of a puqkvm harness root (written by tests/whmcs).\n"
            . 'require_once ' . var_export(dirname(__DIR__) . '/bootstrap.php', true) . ";\n"
            . "if (WhmcsHarness\\Environment::root() === null) {\n"
            . "    WhmcsHarness\\Environment::boot(__DIR__);\n}\n";
        file_put_contents("$dir/init.php", $init);
    }

    /**
     * Boots WHMCS for the root $dir: the constants, Capsule, $CONFIG. Safe to call again
     * for the same root after install() pointed it at another database.
     */
    public static function boot(string $dir): void
    {
        $dir = rtrim($dir, '/');
        if (!defined('ROOTDIR')) {
            define('ROOTDIR', $dir);
        } elseif (ROOTDIR !== $dir) {
            throw new \LogicException('this process already serves the WHMCS root ' . ROOTDIR);
        }
        self::$root = $dir;
        self::$configuration = self::read("$dir/configuration.php");
        $c = self::$configuration;

        $capsule = new Capsule();
        $capsule->addConnection([
            'driver' => 'mysql',
            'host' => $c['db_host'],
            'port' => $c['db_port'] !== '' ? (int) $c['db_port'] : 3306,
            'database' => $c['db_name'],
            'username' => $c['db_username'],
            'password' => $c['db_password'],
            'charset' => $c['mysql_charset'] ?: 'utf8',
            'collation' => ($c['mysql_charset'] ?: 'utf8') === 'utf8mb4'
                ? 'utf8mb4_unicode_ci' : 'utf8_unicode_ci',
            'prefix' => '',
            // WHMCS runs without strict mode (zero dates, text columns without defaults)
            'strict' => false,
        ]);
        $capsule->setAsGlobal();
        $capsule->bootEloquent();

        self::loadSettings();
        LocalApi::reset();
        Hooks::reset();
    }

    /** The booted root, or null before boot(). */
    public static function root(): ?string
    {
        return self::$root;
    }

    /** The variables of the booted root's configuration.php. @return array<string, mixed> */
    public static function configuration(): array
    {
        return self::$configuration;
    }

    /** The admin directory name ($customadminpath), "admin" by default. */
    public static function adminPath(): string
    {
        return (string) (self::$configuration['customadminpath'] ?? 'admin') ?: 'admin';
    }

    /** Writes the default tblconfiguration rows that are missing (never overwrites). */
    public static function seedSettings(array $overrides = []): void
    {
        foreach ($overrides + self::DEFAULT_SETTINGS as $setting => $value) {
            $exists = Capsule::table('tblconfiguration')->where('setting', $setting)->exists();
            if (!$exists) {
                Capsule::table('tblconfiguration')->insert(self::settingRow($setting, $value));
            } elseif (array_key_exists($setting, $overrides)) {
                self::setSetting($setting, (string) $value);
            }
        }
        self::loadSettings();
    }

    /** Sets one tblconfiguration value and the matching $CONFIG entry. */
    public static function setSetting(string $setting, string $value): void
    {
        $updated = Capsule::table('tblconfiguration')->where('setting', $setting)
            ->update(['value' => $value, 'updated_at' => date('Y-m-d H:i:s')]);
        if ($updated === 0 && !Capsule::table('tblconfiguration')->where('setting', $setting)->exists()) {
            Capsule::table('tblconfiguration')->insert(self::settingRow($setting, $value));
        }
        $GLOBALS['CONFIG'][$setting] = $value;
    }

    /** Reloads $CONFIG from tblconfiguration, as WHMCS does at the start of a request. */
    public static function loadSettings(): void
    {
        $config = [];
        foreach (Capsule::table('tblconfiguration')->get(['setting', 'value']) as $row) {
            $config[$row->setting] = $row->value;
        }
        $GLOBALS['CONFIG'] = $config;
    }

    /** @return array<string, mixed> the variables a configuration.php file defines */
    public static function read(string $file): array
    {
        return (static function (string $__file): array {
            require $__file;
            unset($__file);
            return get_defined_vars();
        })($file);
    }

    /** @return array<string, string> */
    private static function settingRow(string $setting, string $value): array
    {
        $now = date('Y-m-d H:i:s');
        return ['setting' => $setting, 'value' => $value, 'created_at' => $now, 'updated_at' => $now];
    }
}
