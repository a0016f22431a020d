<?php

/*
 * Base of the WHMCS harness tests. Every test gets a database of its own (created by
 * tests/lib/testdb.php with the WHMCS tables only, dropped afterwards) behind the process's
 * harness root, booted as WHMCS boots: Capsule, $CONFIG, no hooks, no localAPI calls,
 * an empty session. Helpers build admin requests for the addon and run PHP
 * subprocesses with or without the extension.
 */

use PHPUnit\Framework\TestCase;
use PuqKvm\Test\TestDb;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\AdminApp;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;
use WHMCS\Module\Addon\PuqProxmoxKvm\View;
use WhmcsHarness\AddonModules;
use WhmcsHarness\Environment;

abstract class HarnessTestCase extends TestCase
{
    public const MODULE = 'puq_proxmox_kvm';

    private static ?string $root = null;

    protected ?TestDb $testDb = null;

    protected function setUp(): void
    {
        // the WHMCS tables only: activating the addon is what creates the module's
        $this->testDb = TestDb::create(whmcs: true, migrate: false, configure: true, dropAtExit: false);
        Environment::install(self::root(), $this->testDb->config());
        Environment::boot(self::root());
        Environment::seedSettings();
        $_SESSION = [];
        $_GET = [];
        $_POST = [];
        $_SERVER['REQUEST_METHOD'] = 'GET';
        $_SERVER['REMOTE_ADDR'] = '127.0.0.1';
        @unlink(self::root() . '/harness/localapi.jsonl');
    }

    protected function tearDown(): void
    {
        Capsule::connection()->disconnect();
        $this->testDb->drop();
        $_SESSION = [];
    }

    /** The harness root of this PHPUnit process (removed when the process ends). */
    protected static function root(): string
    {
        if (self::$root === null) {
            $dir = sys_get_temp_dir() . '/puqkvm-whmcs-phpunit-' . getmypid();
            self::$root = $dir;
            register_shutdown_function(static function () use ($dir) {
                exec('rm -rf ' . escapeshellarg($dir));
            });
        }
        return self::$root;
    }

    protected function activateAddon(): void
    {
        $result = AddonModules::activate(self::MODULE);
        $this->assertSame('success', $result['status'], $result['description']);
    }

    protected function loginAdmin(int $id = 1): void
    {
        $_SESSION['adminid'] = $id;
    }

    /** An admin request to the addon page; $token true adds the session's CSRF token. */
    protected function request(
        string $method,
        array $query,
        array $post = [],
        bool $token = true,
        array $headers = []
    ): Request {
        if ($token && $method === 'POST') {
            $post['token'] = generate_token('plain');
        }
        return new Request($method, $query, $post, $headers, (int) ($_SESSION['adminid'] ?? 0),
            'addonmodules.php?module=' . self::MODULE);
    }

    protected function handle(Request $request): Response
    {
        return (new AdminApp($this->view()))->handle($request);
    }

    /** The HTML a page response renders to. */
    protected function render(Request $request, Response $response): string
    {
        $this->assertInstanceOf(\WHMCS\Module\Addon\PuqProxmoxKvm\Http\Page::class, $response);
        return (new AdminApp($this->view()))->renderPage($request, $response);
    }

    protected function view(): View
    {
        return new View(self::root() . '/templates_c/' . self::MODULE);
    }

    /** A module setting as stored (null when the row is absent: the default applies). */
    protected function storedSetting(string $name): ?string
    {
        $value = Capsule::table('puq_proxmox_kvm_settings')->where('name', $name)->value('value');
        return $value === null ? null : (string) $value;
    }

    /** @return list<string> the module's tables that exist in the test database */
    protected function moduleTables(): array
    {
        $rows = Capsule::select("SELECT table_name AS t FROM information_schema.tables
            WHERE table_schema = DATABASE() AND (table_name LIKE 'puq\\_proxmox\\_kvm%' OR table_name LIKE 'puqProxmoxKVM%')");
        $tables = array_map(static fn ($r) => $r->t, $rows);
        sort($tables);
        return $tables;
    }

    /**
     * Runs a PHP script of tests/scripts in a subprocess against this test's harness
     * root; $withExtension decides whether puqkvm is loaded. Returns [exit code, stdout,
     * stderr].
     *
     * @return array{int, string, string}
     */
    protected function runScript(string $script, bool $withExtension, array $args = []): array
    {
        // the system php.ini (pdo_mysql, ...) without puqkvm, which only -d loads
        $cmd = [PHP_BINARY];
        if ($withExtension) {
            $cmd[] = '-d';
            $cmd[] = 'extension=' . self::extensionPath();
        }
        $cmd[] = __DIR__ . '/scripts/' . $script;
        foreach ($args as $arg) {
            $cmd[] = $arg;
        }
        $env = ['PUQKVM_WHMCS_ROOT' => self::root(), 'PATH' => getenv('PATH') ?: '/usr/bin:/bin'];
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
        $this->assertIsResource($proc);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), (string) $out, (string) $err];
    }

    /** The puqkvm.so this process runs with (scripts/test exports PUQKVM_EXT). */
    protected static function extensionPath(): string
    {
        $path = getenv('PUQKVM_EXT');
        if (!is_string($path) || $path === '') {
            $path = dirname(__DIR__, 3) . '/build/release/puqkvm.so';
        }
        return $path;
    }

    /** A row for a WHMCS table: $values plus an empty value for every other NOT NULL column. */
    protected function whmcsRow(string $table, array $values): array
    {
        return \WhmcsHarness\Rows::complete($table, $values);
    }
}
