<?php

/*
 * IP Pools: not built yet. The page says so plainly; the release that builds it replaces
 * this controller and templates/ip_pools.tpl.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class IpPools extends Controller
{
    public function get(Request $request): Response
    {
        if ($request->wantsJson()) {
            return $this->json(['error' => 'IP Pools comes in a later release.'], 501);
        }
        return $this->page('ip_pools.tpl', [], 'IP Pools', 'ip_pools');
    }
}
