<?php

/*
 * VM Management: not built yet. The page says so plainly; the release that builds it replaces
 * this controller and templates/vm_management.tpl.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class VmManagement extends Controller
{
    public function get(Request $request): Response
    {
        if ($request->wantsJson()) {
            return $this->json(['error' => 'VM Management comes in a later release.'], 501);
        }
        return $this->page('vm_management.tpl', [], 'VM Management', 'vm_management');
    }
}
