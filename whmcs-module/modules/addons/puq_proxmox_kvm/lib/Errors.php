<?php

/*
 * Error answers in the shape the caller asked for: a page inside the addon layout, or
 * {"error": ...} for AJAX, both with the HTTP status.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Json;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Page;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class Errors
{
    public static function response(Request $request, int $status, string $title, string $message): Response
    {
        if ($request->wantsJson()) {
            return new Json(['error' => $message], $status);
        }
        return new Page('error.tpl', ['code' => $status, 'heading' => $title, 'message' => $message],
            $title, '', $status);
    }

    /** The guard's notice: the extension or the schema is not usable. */
    public static function guard(Request $request, GuardStatus $status): Response
    {
        if ($request->wantsJson()) {
            return new Json(['error' => $status->message, 'detail' => $status->detail, 'state' => $status->state], 503);
        }
        return new Page('notice.tpl', [
            'notice' => [
                'state' => $status->state,
                'message' => $status->message,
                'detail' => $status->detail,
                'can_upgrade' => $status->canUpgrade(),
                'schema_current' => $status->schemaCurrent,
                'schema_required' => $status->schemaRequired,
            ],
            'upgrade_url' => $request->url('schema_upgrade'),
        ], 'Action required', '', 503);
    }
}
