<?php

/**
 * Private test databases for PHP tests: phpt (`include`), PHPUnit, CLI scripts and the
 * PHP server the browser tests start.
 *
 * TestDb::create() makes `puqkvm_t_<pid>_<random>` on the MariaDB of scripts/services
 * (settings from the PUQKVM_DB_* environment, else $PUQKVM_STATE_DIR/services.env or
 * .state/services.env), in WHMCS's default character set (utf8, utf8_unicode_ci),
 * optionally loads the WHMCS tables of tests/whmcs/schema.sql, hands the connection to
 * the extension with puqkvm_db_configure() and runs puqkvm_migrate(); the database is
 * dropped when the script ends. A process that must leave the database to another one
 * (the browser tests' server) uses the CLI:
 *
 *   php tests/lib/testdb.php create [--no-whmcs] [--no-migrate]   prints {"name", "config"}
 *   php tests/lib/testdb.php drop NAME
 *
 * and the other process calls TestDb::attach(NAME).
 */

declare(strict_types=1);

namespace PuqKvm\Test;

final class TestDb
{
    private const NAME_PREFIX = 'puqkvm_t_';

    public readonly string $name;
    private ?\PDO $pdo = null;
    private bool $dropped = false;

    private function __construct(string $name)
    {
        $this->name = $name;
    }

    /** The project root (two levels above this file). */
    public static function root(): string
    {
        return dirname(__DIR__, 2);
    }

    /**
     * Connection settings of the test MariaDB: host, port, socket, user, pass.
     * @return array{host: string, port: int, socket: string, user: string, pass: string}
     */
    public static function server(): array
    {
        $file = (getenv('PUQKVM_STATE_DIR') ?: self::root() . '/.state') . '/services.env';
        $env = [];
        if (is_readable($file)) {
            foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
                if ($line[0] !== '#' && str_contains($line, '=')) {
                    [$k, $v] = explode('=', $line, 2);
                    $env[$k] = $v;
                }
            }
        }
        $get = static fn (string $k, string $default): string =>
            (string) (getenv($k) !== false && getenv($k) !== '' ? getenv($k) : ($env[$k] ?? $default));
        return [
            'host' => $get('PUQKVM_DB_HOST', '127.0.0.1'),
            'port' => (int) $get('PUQKVM_DB_PORT', '33061'),
            'socket' => $get('PUQKVM_DB_SOCKET', ''),
            'user' => $get('PUQKVM_DB_USER', 'puqkvm'),
            'pass' => $get('PUQKVM_DB_PASS', ''),
        ];
    }

    private static function serverPdo(?string $database = null): \PDO
    {
        $s = self::server();
        $dsn = sprintf('mysql:host=%s;port=%d;charset=utf8mb4', $s['host'], $s['port']);
        if ($database !== null) {
            $dsn .= ';dbname=' . $database;
        }
        return new \PDO($dsn, $s['user'], $s['pass'], [
            \PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION,
            \PDO::ATTR_DEFAULT_FETCH_MODE => \PDO::FETCH_ASSOC,
        ]);
    }

    /**
     * A new database. With $whmcs the WHMCS tables are loaded, with $configure the
     * extension is pointed at it, with $migrate the module tables are created; with
     * $dropAtExit it is dropped when the script ends.
     */
    public static function create(
        bool $whmcs = true,
        bool $migrate = true,
        bool $configure = true,
        bool $dropAtExit = true,
    ): self {
        $name = sprintf('puqkvm_t_%d_%s', getmypid(), bin2hex(random_bytes(4)));
        self::serverPdo()->exec("CREATE DATABASE `$name` CHARACTER SET utf8 COLLATE utf8_unicode_ci");
        $db = new self($name);
        if ($dropAtExit) {
            register_shutdown_function([$db, 'drop']);
        }
        if ($whmcs) {
            $db->loadWhmcsSchema();
        }
        if ($configure || $migrate) {
            $db->configure();
        }
        if ($migrate) {
            puqkvm_migrate();
        }
        return $db;
    }

    /** A database made by another process (see the CLI); it is not dropped here. */
    public static function attach(string $name, bool $configure = true): self
    {
        $rest = substr($name, strlen(self::NAME_PREFIX));
        $allowed = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
        if (!str_starts_with($name, self::NAME_PREFIX) || strlen($name) > 64
            || $rest === '' || strspn($rest, $allowed) !== strlen($rest)) {
            throw new \InvalidArgumentException("not a test database name: $name");
        }
        $db = new self($name);
        if ($configure) {
            $db->configure();
        }
        return $db;
    }

    /**
     * The database as WHMCS's configuration.php describes it.
     * @return array<string, string>
     */
    public function config(): array
    {
        $s = self::server();
        return [
            'db_host' => $s['host'],
            'db_port' => (string) $s['port'],
            'db_username' => $s['user'],
            'db_password' => $s['pass'],
            'db_name' => $this->name,
            'mysql_charset' => 'utf8mb4',
        ];
    }

    /** Points the extension at this database. */
    public function configure(): void
    {
        if (!function_exists('puqkvm_db_configure')) {
            throw new \RuntimeException('the puqkvm extension is not loaded');
        }
        puqkvm_db_configure($this->config());
    }

    /** A PDO connection to this database, for arranging data and checking results. */
    public function pdo(): \PDO
    {
        return $this->pdo ??= self::serverPdo($this->name);
    }

    /**
     * Loads tests/whmcs/schema.sql, one statement at a time (each ends with ";" at the
     * end of a line). Plain string functions, not PCRE: its JIT code shows up as
     * uninitialised reads under valgrind.
     */
    public function loadWhmcsSchema(): void
    {
        $statement = '';
        foreach (file(self::root() . '/tests/whmcs/schema.sql', FILE_IGNORE_NEW_LINES) as $line) {
            if (str_starts_with($line, '--')) {
                continue;
            }
            $statement .= $line . "\n";
            if (str_ends_with(rtrim($line), ';')) {
                $this->pdo()->exec($statement);
                $statement = '';
            }
        }
        /* the file set this session to WHMCS's sql_mode; later checks want the default */
        $this->pdo = null;
    }

    public function drop(): void
    {
        if ($this->dropped) {
            return;
        }
        $this->dropped = true;
        $this->pdo = null;
        self::serverPdo()->exec("DROP DATABASE IF EXISTS `{$this->name}`");
    }

    /** The CLI described at the top of this file. */
    public static function main(array $argv): int
    {
        $command = $argv[1] ?? '';
        if ($command === 'create') {
            $db = self::create(
                whmcs: !in_array('--no-whmcs', $argv, true),
                migrate: !in_array('--no-migrate', $argv, true),
                configure: !in_array('--no-migrate', $argv, true),
                dropAtExit: false,
            );
            echo json_encode(['name' => $db->name, 'config' => $db->config()]), "\n";
            return 0;
        }
        if ($command === 'drop' && isset($argv[2])) {
            self::attach($argv[2], configure: false)->drop();
            return 0;
        }
        fwrite(STDERR, "usage: php tests/lib/testdb.php create [--no-whmcs] [--no-migrate] | drop NAME\n");
        return 2;
    }
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    exit(TestDb::main($argv));
}
