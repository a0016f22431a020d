<?php

/*
 * Real HTTP for the security suite: PHP's built-in server on the harness root, either
 * through the harness's router (the WHMCS admin area and client area, as HttpFrontTest
 * uses it) or as a plain web server over the root (every .php file reachable by its
 * path, as Apache would serve a WHMCS folder). Each Visitor keeps its own cookies, so
 * an admin, a client and an anonymous attacker can be told apart; the server is stopped
 * by its own process handle.
 */

namespace PuqKvm\Test\Security;

final class HttpFront
{
    /** @var resource */
    private $process;
    public string $base;

    /**
     * @param bool $router false: no router, every file of the root served by its path
     * @param array<string, string> $ini more php.ini settings of the server
     * @param string $log where the server's own output (its request log, PHP's errors) goes
     */
    public function __construct(string $root, string $extension, bool $router = true, array $ini = [],
        string $log = '/dev/null')
    {
        $port = self::freePort();
        $this->base = "http://127.0.0.1:$port";
        $cmd = [PHP_BINARY, '-d', "extension=$extension", '-d', 'display_errors=1'];
        foreach ($ini as $name => $value) {
            array_push($cmd, '-d', "$name=$value");
        }
        array_push($cmd, '-S', "127.0.0.1:$port", '-t', $root);
        if ($router) {
            $cmd[] = dirname(__DIR__, 2) . '/router.php';
        }
        $env = ['PUQKVM_WHMCS_ROOT' => $root, 'PATH' => getenv('PATH') ?: '/usr/bin:/bin'];
        $this->process = proc_open($cmd, [1 => ['file', $log, 'a'], 2 => ['file', $log, 'a']],
            $pipes, $root, $env);
        for ($i = 0; $i < 100; $i++) {
            $socket = @fsockopen('127.0.0.1', $port);
            if ($socket) {
                fclose($socket);
                return;
            }
            usleep(30000);
        }
        $this->stop();
        throw new \RuntimeException('the PHP built-in server did not start');
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process);
            proc_close($this->process);
        }
    }

    public function visitor(): Visitor
    {
        return new Visitor($this->base);
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }
}

/** One browser: its cookie jar and the last CSRF token a page gave it. */
final class Visitor
{
    private string $base;
    private string $jar;

    public function __construct(string $base)
    {
        $this->base = $base;
        $this->jar = (string) tempnam(sys_get_temp_dir(), 'puqkvm-sec-cookies');
    }

    public function __destruct()
    {
        @unlink($this->jar);
    }

    /**
     * @param array<string, mixed>|null $form a POST body (null: GET)
     * @param array<string, string> $headers
     * @return array{status: int, headers: array<string, string>, body: string}
     */
    public function request(string $method, string $path, ?array $form = null, array $headers = []): array
    {
        $ch = curl_init($this->base . $path);
        $lines = [];
        foreach ($headers as $name => $value) {
            $lines[] = "$name: $value";
        }
        $received = [];
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_COOKIEJAR => $this->jar, CURLOPT_COOKIEFILE => $this->jar, CURLOPT_HTTPHEADER => $lines,
            CURLOPT_FOLLOWLOCATION => false, CURLOPT_TIMEOUT => 30,
            CURLOPT_HEADERFUNCTION => static function ($ch, string $line) use (&$received) {
                $parts = explode(':', $line, 2);
                if (count($parts) === 2) {
                    $received[strtolower(trim($parts[0]))] = trim($parts[1]);
                }
                return strlen($line);
            }]);
        if ($form !== null) {
            curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($form));
        }
        $body = curl_exec($ch);
        $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        if ($body === false) {
            throw new \RuntimeException("no answer to $method $path");
        }
        return ['status' => $status, 'headers' => $received, 'body' => (string) $body];
    }

    public function get(string $path, array $headers = []): array
    {
        return $this->request('GET', $path, null, $headers);
    }

    public function post(string $path, array $form, array $headers = []): array
    {
        return $this->request('POST', $path, $form, $headers);
    }

    /** The CSRF token a page carries (a form field, the admin shell's csrfToken, a data-token). */
    public static function token(string $html): string
    {
        if (!preg_match('/(?:name="token" value="|csrfToken = \'|data-token=")([0-9a-f]{20,})/', $html, $m)) {
            throw new \RuntimeException('no CSRF token on the page');
        }
        return $m[1];
    }

    /** Logs in to the admin area (harness/admin.json credentials); returns the session's token. */
    public function loginAdmin(string $adminPath, string $user, string $password): string
    {
        $page = $this->get("/$adminPath/login.php");
        $done = $this->post("/$adminPath/login.php", ['token' => self::token($page['body']), 'username' => $user,
            'password' => $password]);
        if ($done['status'] !== 303) {
            throw new \RuntimeException("admin login failed ({$done['status']})");
        }
        return self::token($this->get("/$adminPath/index.php")['body']);
    }

    /** Logs in to the client area; returns the session's token (from the service's page). */
    public function loginClient(string $email, string $password, int $serviceId): string
    {
        $page = $this->get('/login.php');
        $done = $this->post('/login.php', ['token' => self::token($page['body']), 'username' => $email,
            'password' => $password]);
        if ($done['status'] !== 303) {
            throw new \RuntimeException("client login failed ({$done['status']})");
        }
        return self::token($this->get("/clientarea.php?action=productdetails&id=$serviceId")['body']);
    }
}
