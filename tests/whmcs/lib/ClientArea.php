<?php

/*
 * The client area of the HTTP front (see Front), as far as a server module sees it:
 *
 *   /login.php, /logout.php       client login (tblclients e-mail + password) and logout
 *   /clientarea.php               the client's services
 *   /clientarea.php?action=productdetails&id=N
 *                                 a service's page: WHMCS loads the service only when
 *                                 it belongs to the logged-in client (else back to the
 *                                 list), builds the module's $params and calls
 *                                 <module>_ClientArea($params); its return contract
 *                                 ['templatefile' => 'templates/x', 'vars' => [...]] is
 *                                 rendered with Smarty from the module's folder, inside
 *                                 the client page shell
 *   ...&modop=custom&a=Function   a module function the module lists in
 *                                 <module>_ClientAreaAllowedFunctions() (or its custom
 *                                 buttons): its string result is shown as a message, an
 *                                 array result rendered like ClientArea's; a function
 *                                 answering JSON prints it and exits itself
 *
 * Module templates are rendered as WHMCS renders them: Smarty without automatic escaping
 * (templates escape what they print), with $token (the CSRF token), $serviceid and
 * $WEB_ROOT assigned besides the module's vars.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ClientArea
{
    public static function login(): void
    {
        $error = '';
        $redirect = self::safeRedirect((string) ($_REQUEST['redirect'] ?? 'clientarea.php'));
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            $client = Token::check('WHMCS.default', null)
                ? ClientSession::verify((string) ($_POST['username'] ?? ''), (string) ($_POST['password'] ?? ''))
                : null;
            if ($client !== null) {
                ClientSession::login($client);
                Front::redirect('/' . $redirect);
                return;
            }
            $error = 'Login Details Incorrect. Please try again.';
            http_response_code(401);
        }
        self::shell('Login', self::view(dirname(__DIR__) . '/templates')->assign([
            'error' => $error, 'redirect' => $redirect, 'token' => Token::value()])->fetch('client_login.tpl'));
    }

    public static function logout(): void
    {
        ClientSession::logout();
        Front::redirect('/login.php');
    }

    public static function clientArea(): void
    {
        if (ClientSession::clientId() <= 0) {
            Front::redirect('/login.php?redirect=' . rawurlencode(ltrim((string) ($_SERVER['REQUEST_URI'] ?? ''), '/')));
            return;
        }
        if (($_GET['action'] ?? '') === 'productdetails') {
            self::productDetails((int) ($_GET['id'] ?? 0));
            return;
        }
        $services = Capsule::table('tblhosting')->where('userid', ClientSession::clientId())->orderBy('id')->get();
        $list = [];
        foreach ($services as $s) {
            $list[] = ['id' => (int) $s->id, 'domain' => (string) $s->domain, 'status' => (string) $s->domainstatus];
        }
        self::shell('My Products & Services', self::view(dirname(__DIR__) . '/templates')
            ->assign(['services' => $list])->fetch('client_services.tpl'));
    }

    private static function productDetails(int $id): void
    {
        $service = Capsule::table('tblhosting')->where('id', $id)->where('userid', ClientSession::clientId())->first();
        if ($service === null) {
            // WHMCS's answer to a service that is not the client's: back to the list
            Front::redirect('/clientarea.php?action=products');
            return;
        }
        $module = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
        $dir = ROOTDIR . "/modules/servers/$module";
        if ($module === '' || !is_file("$dir/$module.php")) {
            self::shell('Product Details', '<p>This product has no module.</p>');
            return;
        }
        require_once "$dir/$module.php";
        $params = ServiceParams::forService($id);
        $message = null;
        if (($_GET['modop'] ?? '') === 'custom') {
            $function = (string) ($_REQUEST['a'] ?? '');
            $allowed = function_exists("{$module}_ClientAreaAllowedFunctions")
                ? (array) ("{$module}_ClientAreaAllowedFunctions")() : [];
            if (function_exists("{$module}_ClientAreaCustomButtonArray")) {
                $allowed = array_merge($allowed, array_values((array) ("{$module}_ClientAreaCustomButtonArray")()));
            }
            if (!in_array($function, $allowed, true) || !function_exists("{$module}_$function")) {
                http_response_code(403);
                $message = 'Invalid Access Attempt';
            } else {
                $result = ("{$module}_$function")($params);
                if (is_array($result)) {
                    self::module($dir, $service, $result);
                    return;
                }
                $message = $result === 'success' ? 'Action Completed Successfully' : (string) $result;
            }
        }
        $output = function_exists("{$module}_ClientArea") ? ("{$module}_ClientArea")($params) : [];
        self::module($dir, $service, is_array($output) ? $output : [], $message);
    }

    /** Renders a module's templatefile + vars inside the product details page. */
    private static function module(string $dir, object $service, array $output, ?string $message = null): void
    {
        $html = '';
        $file = (string) ($output['templatefile'] ?? '');
        if ($file !== '') {
            if (!preg_match('#^[A-Za-z0-9_/-]+$#', $file) || str_contains($file, '..') || !is_file("$dir/$file.tpl")) {
                throw new \RuntimeException("module template $file not found");
            }
            $view = self::view($dir, false);
            $view->assign((array) ($output['vars'] ?? []));
            $view->assign(['token' => Token::value(), 'serviceid' => (int) $service->id, 'WEB_ROOT' => '']);
            $html = $view->fetch("$file.tpl");
        }
        $page = self::view(dirname(__DIR__) . '/templates')->assign([
            'service' => ['id' => (int) $service->id, 'domain' => (string) $service->domain,
                'status' => (string) $service->domainstatus],
            'message' => $message, 'module_output' => $html])->fetch('client_product.tpl');
        self::shell('Product Details', $page);
    }

    private static function shell(string $title, string $body): void
    {
        $view = self::view(dirname(__DIR__) . '/templates');
        $view->assign(['title' => $title, 'body' => $body, 'token' => Token::value(),
            'client_id' => ClientSession::clientId()]);
        header('Content-Type: text/html; charset=utf-8');
        $view->display('client_shell.tpl');
    }

    private static function view(string $dir, bool $escape = true): \Smarty
    {
        $smarty = new \Smarty();
        $smarty->setTemplateDir($dir);
        $smarty->setCompileDir(ROOTDIR . '/templates_c/' . ($escape ? 'harness-client' : 'modules'));
        $smarty->escape_html = $escape;
        return $smarty;
    }

    /** Only client-area scripts of this front; anything else goes to the services list. */
    private static function safeRedirect(string $target): string
    {
        $target = ltrim($target, '/');
        return preg_match('#^clientarea\.php(\?[A-Za-z0-9_=&%.-]*)?$#', $target) ? $target : 'clientarea.php';
    }
}
