<?php

/*
 * Maps the "action" parameter of the addon page to a controller, over a fixed
 * whitelist: an action that is not a key of ROUTES is a 404 — the parameter is never
 * used to build a file name or a class name. GET renders; POST is the only method that
 * may change anything, and a POST reaches its controller only with an admin session and
 * the session's CSRF token (Security). Other methods get 405.
 *
 * To add a page: write Controller/<Name>.php and templates/<name>.tpl, and add one
 * line to ROUTES (and, for a menu entry, one to Navigation).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class Router
{
    /** @var array<string, class-string<Controller\Controller>> action => controller */
    public const ROUTES = [
        'home' => Controller\Dashboard::class,
        'ip_pools' => Controller\IpPools::class,
        'dns_zones' => Controller\DnsZones::class,
        'vm_management' => Controller\VmManagement::class,
        'settings_general' => Controller\SettingsGeneral::class,
        'settings_cron' => Controller\SettingsCron::class,
        'help' => Controller\Help::class,
        'schema_upgrade' => Controller\SchemaUpgrade::class,
    ];

    /** Actions that work while the schema is outdated (they are how it gets fixed). */
    public const SCHEMA_UPGRADE_ACTIONS = ['schema_upgrade'];

    public static function dispatch(Request $request): Response
    {
        $action = $request->action();
        $class = self::ROUTES[$action] ?? null;
        if ($class === null) {
            return Errors::response($request, 404, 'Page not found',
                'This page does not exist in the addon. Use the menu above to pick a page.');
        }
        $controller = new $class();
        switch ($request->method()) {
            case 'GET':
            case 'HEAD':
                return $controller->get($request);
            case 'POST':
                $refusal = Security::refusePost($request);
                return $refusal ?? $controller->post($request);
            default:
                return Errors::response($request, 405, 'Method not allowed',
                    'This page accepts GET and POST requests only.');
        }
    }
}
