<?php

/*
 * The addon's admin page, end to end: WHMCS calls puq_proxmox_kvm_output(), which
 * runs AdminApp::run(). A request passes, in order:
 *   1. the admin session check (nothing is shown to a request without one);
 *   2. the Guard — extension loaded, version, database, schema — whose failure renders
 *      a notice instead of the page (an outdated schema still lets the upgrade through);
 *   3. the Router, whose controller returns a Response;
 * and the Response is emitted: a page inside layout.tpl, or JSON / a redirect, which
 * replace WHMCS's page entirely (every output buffer is dropped, then the request ends).
 * handle() and renderPage() print nothing, so tests drive them directly.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Page;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class AdminApp
{
    private View $view;

    public function __construct(View $view)
    {
        $this->view = $view;
    }

    /** @param array<string, mixed> $vars what WHMCS passes to _output */
    public static function run(array $vars): void
    {
        $request = Request::fromGlobals((string) ($vars['modulelink'] ?? 'addonmodules.php?module=' . Module::NAME));
        $app = new self(View::create());
        $app->emit($request, $app->handle($request));
    }

    public function handle(Request $request): Response
    {
        if (!Security::adminLoggedIn($request)) {
            return Errors::response($request, 403, 'Not logged in',
                'Your admin session has ended. Log in to the WHMCS admin area again.');
        }
        $guard = Guard::full();
        if (!$guard->ok()
            && !($guard->canUpgrade() && in_array($request->action(), Router::SCHEMA_UPGRADE_ACTIONS, true))) {
            return Errors::guard($request, $guard);
        }
        try {
            return Router::dispatch($request);
        } catch (\Throwable $e) {
            if (function_exists('logModuleCall')) {
                logModuleCall(Module::NAME, 'admin:' . $request->action(), $request->action(), $e->getMessage(),
                    get_class($e) . "\n" . $e->getTraceAsString());
            }
            return Errors::response($request, 500, 'Something went wrong', $e->getMessage());
        }
    }

    /** The HTML of a page inside the addon layout. */
    public function renderPage(Request $request, Page $page): string
    {
        $vars = $page->vars + [
            'title' => $page->title,
            'nav' => Navigation::build($request, $page->nav),
            'version' => Module::VERSION,
            'display_name' => Module::DISPLAY_NAME,
            'assets_url' => Module::assetsUrl(),
            'module_link' => $request->moduleLink(),
            'token' => Security::token(),
            'flash' => Flash::take(),
        ];
        return $this->view->render($page->template, $vars);
    }

    private function emit(Request $request, Response $response): void
    {
        if ($response instanceof Page) {
            if (!headers_sent()) {
                http_response_code($response->status);
            }
            echo $this->renderPage($request, $response);
            return;
        }
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        http_response_code($response->status);
        header('Cache-Control: no-store');
        if ($response instanceof Redirect) {
            header('Location: ' . $response->url);
        } elseif ($response instanceof Json) {
            header('Content-Type: application/json; charset=utf-8');
            header('X-Content-Type-Options: nosniff');
            echo json_encode($response->data,
                JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
        }
        exit;
    }
}
