<?php

/*
 * The harness's HTTP front, run by PHP's built-in server (router.php): the WHMCS admin
 * area as far as an addon sees it.
 *
 *   /<admin>/login.php, logout.php       admin login (harness/admin.json) and logout
 *   /<admin>/ , /<admin>/index.php       admin home: links to the active addons
 *   /<admin>/configaddonmods.php         Setup > Addon Modules: activate / deactivate
 *   /<admin>/addonmodules.php?module=X   the addon page inside the admin page shell
 *   /<admin>/clientsservices.php?id=N    a service's page with the server module's tab
 *   /assets/vendor/{jquery,bootstrap}/…  Debian's libjs-jquery and libjs-bootstrap (3.x),
 *                                        the jQuery and Bootstrap 3 the WHMCS admin area uses
 *   /assets/harness.css                  the admin chrome's look
 *   /modules/…                           static files of the modules (css, js, images)
 *
 *   /login.php, /logout.php, /clientarea.php   the client area (ClientArea)
 *
 * <admin> is configuration.php's $customadminpath. Every other path is a 404. Every
 * request first loads the hooks of the active addons, as WHMCS does.
 */

namespace WhmcsHarness;

final class Front
{
    private const VENDOR = [
        'jquery' => '/usr/share/javascript/jquery',
        'bootstrap' => '/usr/share/javascript/bootstrap',
    ];

    private const STATIC_TYPES = [
        'css' => 'text/css', 'js' => 'text/javascript', 'map' => 'application/json',
        'png' => 'image/png', 'gif' => 'image/gif', 'jpg' => 'image/jpeg', 'svg' => 'image/svg+xml',
        'woff' => 'font/woff', 'woff2' => 'font/woff2', 'ttf' => 'font/ttf', 'eot' => 'application/vnd.ms-fontobject',
    ];

    /** Admin-area scripts => handler method. */
    private const ROUTES = [
        'login.php' => 'login',
        'logout.php' => 'logout',
        '' => 'home',
        'index.php' => 'home',
        'configaddonmods.php' => 'addonSetup',
        'addonmodules.php' => 'addonPage',
        'clientsservices.php' => 'servicePage',
    ];

    /** Client-area scripts => ClientArea handler (see ClientArea). */
    private const CLIENT_ROUTES = [
        '/login.php' => 'login',
        '/logout.php' => 'logout',
        '/clientarea.php' => 'clientArea',
    ];

    public static function serve(): void
    {
        $path = (string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH);
        $path = rawurldecode($path);
        if (strpos($path, "\0") !== false || strpos($path, '..') !== false) {
            self::notFound();
            return;
        }
        if ($path === '/') {
            self::redirect('/' . Environment::adminPath() . '/');
            return;
        }
        if (preg_match('#^/assets/vendor/(jquery|bootstrap)/(.+)$#', $path, $m)) {
            self::sendFile(self::VENDOR[$m[1]], $m[2]);
            return;
        }
        if ($path === '/assets/harness.css') {
            self::sendFile(dirname(__DIR__) . '/assets', 'harness.css');
            return;
        }
        if (preg_match('#^/modules/(.+)$#', $path, $m)) {
            self::sendFile(ROOTDIR . '/modules', $m[1]);
            return;
        }
        if (isset(self::CLIENT_ROUTES[$path])) {
            $handler = self::CLIENT_ROUTES[$path];
            AddonModules::loadHooks();
            ClientSession::start();
            ClientArea::$handler();
            return;
        }
        $admin = '/' . Environment::adminPath() . '/';
        if ($path . '/' === $admin) {
            self::redirect($admin);
            return;
        }
        if (strncmp($path, $admin, strlen($admin)) === 0) {
            $script = substr($path, strlen($admin));
            $handler = self::ROUTES[$script] ?? null;
            if ($handler !== null) {
                AddonModules::loadHooks();
                AdminSession::start();
                AdminArea::$handler();
                return;
            }
        }
        self::notFound();
    }

    public static function redirect(string $url): void
    {
        http_response_code(303);
        header('Location: ' . $url);
    }

    public static function notFound(): void
    {
        http_response_code(404);
        header('Content-Type: text/plain; charset=utf-8');
        echo "Not Found\n";
    }

    /**
     * Serves $relative under $base: known static types only. A path with a ".." segment
     * never gets here (serve() refuses it), so the file is inside $base; it may be a
     * symbolic link out of it, as Debian's Bootstrap fonts are.
     */
    private static function sendFile(string $base, string $relative): void
    {
        $ext = strtolower(pathinfo($relative, PATHINFO_EXTENSION));
        $file = $base . '/' . $relative;
        if (!isset(self::STATIC_TYPES[$ext]) || $relative[0] === '/' || preg_match('#(^|/)\.\.(/|$)#', $relative)
            || !is_file($file)) {
            self::notFound();
            return;
        }
        header('Content-Type: ' . self::STATIC_TYPES[$ext]);
        header('Content-Length: ' . filesize($file));
        header('Cache-Control: no-cache');
        readfile($file);
    }
}
