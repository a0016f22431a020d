<?php

/*
 * The two checks every state-changing request passes: an admin is logged in
 * ($_SESSION['adminid'], set by WHMCS's admin login) and the request carries the
 * session's CSRF token, verified with WHMCS's check_token("WHMCS.admin.default").
 * Either missing is a 403 that changes nothing.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class Security
{
    /** null when the request may proceed, otherwise the refusal to send. */
    public static function refusePost(Request $request): ?Response
    {
        if (!self::adminLoggedIn($request)) {
            return Errors::response($request, 403, 'Not logged in',
                'Your admin session has ended. Log in to the WHMCS admin area again.');
        }
        if (!self::tokenValid($request)) {
            return Errors::response($request, 403, 'Invalid security token',
                'The form was not submitted with a valid security token (it may have expired). '
                . 'Reload the page and try again; nothing was changed.');
        }
        return null;
    }

    public static function adminLoggedIn(Request $request): bool
    {
        return $request->adminId() > 0;
    }

    public static function tokenValid(Request $request): bool
    {
        $token = $request->token();
        if ($token === '' || !function_exists('check_token')) {
            return false;
        }
        try {
            return check_token('WHMCS.admin.default', $token) === true;
        } catch (\Throwable $e) {
            return false;
        }
    }

    /** The session's token for forms and AJAX calls ("" outside WHMCS). */
    public static function token(): string
    {
        return function_exists('generate_token') ? (string) generate_token('plain') : '';
    }
}
