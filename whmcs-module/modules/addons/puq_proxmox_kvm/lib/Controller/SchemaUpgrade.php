<?php

/*
 * Brings the database schema to the version this build needs (the button on the
 * Guard's notice). The engine's migrations only add what is missing and keep every row;
 * they are serialised across processes, so a second click or a concurrent cron run is
 * harmless. POST only: it changes the database.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class SchemaUpgrade extends Controller
{
    public function post(Request $request): Response
    {
        $result = puqkvm_migrate(false);
        if ($request->wantsJson()) {
            return $this->json(['ok' => true, 'migration' => $result]);
        }
        $message = (int) $result['from'] === (int) $result['to']
            ? sprintf('The database schema is already at version %d.', (int) $result['to'])
            : sprintf('The database schema was upgraded from version %d to %d.', (int) $result['from'],
                (int) $result['to']);
        return $this->redirectWithMessage($request, 'home', 'success', $message);
    }
}
