<?php

/*
 * Base of the addon's page controllers. A controller answers GET with get() and a form
 * or AJAX post with post(); the router has already checked the admin session and the
 * CSRF token before post() runs. A page that only displays keeps the default post(),
 * which answers 405.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Errors;
use WHMCS\Module\Addon\PuqProxmoxKvm\Flash;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Page;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Redirect;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

abstract class Controller
{
    public function get(Request $request): Response
    {
        return $this->methodNotAllowed($request);
    }

    public function post(Request $request): Response
    {
        return $this->methodNotAllowed($request);
    }

    /** @param array<string, mixed> $vars */
    protected function page(string $template, array $vars, string $title, string $nav, int $status = 200): Page
    {
        return new Page($template, $vars, $title, $nav, $status);
    }

    /** @param array<string, mixed> $data */
    protected function json(array $data, int $status = 200): Json
    {
        return new Json($data, $status);
    }

    /** Redirects to an action with a message shown once on the next page. */
    protected function redirectWithMessage(Request $request, string $action, string $type, string $message): Redirect
    {
        Flash::add($type, $message);
        return new Redirect($request->url($action));
    }

    protected function methodNotAllowed(Request $request): Response
    {
        return Errors::response($request, 405, 'Method not allowed', 'This page does not accept that request.');
    }
}
