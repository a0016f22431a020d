<?php

/*
 * The admin-area scripts of the HTTP front (see Front): login, logout, the admin home,
 * Setup > Addon Modules and the addon page itself. Pages are Smarty templates of
 * tests/whmcs/templates inside shell.tpl, which loads the jQuery and Bootstrap 3 that
 * WHMCS's admin area loads and runs the AdminAreaHeadOutput / AdminAreaFooterOutput
 * hooks as WHMCS does. Every state change (login, activation) is a POST with the CSRF
 * token.
 */

namespace WhmcsHarness;

final class AdminArea
{
    public static function login(): void
    {
        $error = '';
        $redirect = self::safeRedirect((string) ($_REQUEST['redirect'] ?? ''));
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $admin = Token::check('WHMCS.admin.default', null)
                ? AdminSession::verify((string) ($_POST['username'] ?? ''), (string) ($_POST['password'] ?? ''))
                : null;
            if ($admin !== null) {
                AdminSession::login($admin);
                Front::redirect($redirect);
                return;
            }
            $error = 'Login Details Incorrect. Please try again.';
            http_response_code(401);
        }
        self::render('login.tpl', 'Admin Login', [
            'error' => $error, 'redirect' => $redirect, 'login_token' => Token::value(),
        ], false);
    }

    public static function logout(): void
    {
        AdminSession::logout();
        Front::redirect('login.php');
    }

    public static function home(): void
    {
        if (!self::requireLogin()) {
            return;
        }
        self::render('home.tpl', 'Dashboard', ['addons' => self::addonList()]);
    }

    public static function addonSetup(): void
    {
        if (!self::requireLogin()) {
            return;
        }
        $message = null;
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $module = (string) ($_POST['module'] ?? '');
            $action = (string) ($_POST['action'] ?? '');
            if (!Token::check('WHMCS.admin.default', null)) {
                http_response_code(403);
                $message = ['status' => 'error', 'description' => 'Invalid CSRF Protection Token'];
            } elseif (!in_array($module, self::installedAddons(), true)) {
                http_response_code(404);
                $message = ['status' => 'error', 'description' => 'No such addon module'];
            } elseif ($action === 'activate') {
                $message = AddonModules::activate($module);
            } elseif ($action === 'deactivate') {
                $message = AddonModules::deactivate($module);
            }
        }
        self::render('addon_setup.tpl', 'Addon Modules', ['addons' => self::addonList(), 'message' => $message]);
    }

    public static function addonPage(): void
    {
        if (!self::requireLogin()) {
            return;
        }
        $module = (string) ($_GET['module'] ?? '');
        if (!in_array($module, AddonModules::active(), true)) {
            http_response_code(403);
            self::render('denied.tpl', 'Addon Modules', ['module' => $module]);
            return;
        }
        // What WHMCS's addonmodules.php does: buffer _output and place it in the page.
        // A module that answers JSON or redirects drops the buffers and exits itself.
        [$status, $body] = AddonModules::output($module);
        http_response_code($status);
        $config = ("{$module}_config")();
        self::render('addon_page.tpl', (string) $config['name'], ['content' => $body]);
    }

    /** clientsservices.php?id=N: the service page with the server module's tab (ServicePage). */
    public static function servicePage(): void
    {
        if (!self::requireLogin()) {
            return;
        }
        $page = ServicePage::handle();
        if ($page === null) {
            return; // saved: redirected back to the page
        }
        [$status, $title, $vars] = $page;
        http_response_code($status);
        self::render('service.tpl', $title, $vars);
    }

    /** Renders a harness template inside shell.tpl (or alone for the login page). */
    private static function render(string $template, string $title, array $vars, bool $shell = true): void
    {
        $view = self::view();
        foreach ($vars as $k => $v) {
            $view->assign($k, $v);
        }
        $view->assign('title', $title);
        $view->assign('token', Token::value());
        if (!$shell) {
            header('Content-Type: text/html; charset=utf-8');
            $view->display($template);
            return;
        }
        $hookVars = ['filename' => basename((string) parse_url($_SERVER['REQUEST_URI'] ?? '', PHP_URL_PATH), '.php'),
            'pagetitle' => $title, 'template' => 'blend'];
        $view->assign('body', $view->fetch($template));
        $view->assign('head_output', run_hook('AdminAreaHeadOutput', $hookVars));
        $view->assign('footer_output', run_hook('AdminAreaFooterOutput', $hookVars));
        $view->assign('admin_username', (string) ($_SESSION['adminusername'] ?? ''));
        $view->assign('active_addons', self::addonList(true));
        header('Content-Type: text/html; charset=utf-8');
        $view->display('shell.tpl');
    }

    private static function view(): \Smarty
    {
        $smarty = new \Smarty();
        $smarty->setTemplateDir(dirname(__DIR__) . '/templates');
        $smarty->setCompileDir(ROOTDIR . '/templates_c/harness');
        $smarty->escape_html = true;
        return $smarty;
    }

    private static function requireLogin(): bool
    {
        if (AdminSession::adminId() > 0) {
            return true;
        }
        Front::redirect('login.php?redirect=' . rawurlencode((string) ($_SERVER['REQUEST_URI'] ?? '')));
        return false;
    }

    /** Only paths inside the admin area; anything else goes to the admin home. */
    private static function safeRedirect(string $target): string
    {
        $admin = '/' . Environment::adminPath() . '/';
        if (strncmp($target, $admin, strlen($admin)) === 0 && strpbrk($target, "\r\n\\") === false) {
            return $target;
        }
        return $admin;
    }

    /** @return list<string> addon directories under modules/addons */
    private static function installedAddons(): array
    {
        $dirs = glob(ROOTDIR . '/modules/addons/*', GLOB_ONLYDIR) ?: [];
        $names = [];
        foreach ($dirs as $dir) {
            $name = basename($dir);
            if (is_file("$dir/$name.php")) {
                $names[] = $name;
            }
        }
        return $names;
    }

    /** @return list<array{module: string, name: string, version: string, active: bool, url: string}> */
    private static function addonList(bool $activeOnly = false): array
    {
        $active = AddonModules::active();
        $list = [];
        foreach (self::installedAddons() as $module) {
            require_once ROOTDIR . "/modules/addons/$module/$module.php";
            $config = ("{$module}_config")();
            $isActive = in_array($module, $active, true);
            if ($activeOnly && !$isActive) {
                continue;
            }
            $list[] = [
                'module' => $module,
                'name' => (string) $config['name'],
                'version' => (string) $config['version'],
                'description' => (string) ($config['description'] ?? ''),
                'active' => $isActive,
                'url' => 'addonmodules.php?module=' . rawurlencode($module),
            ];
        }
        return $list;
    }
}
