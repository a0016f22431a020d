<?php

/*
 * DNS Zones: not built yet. The page says so plainly; the release that builds it replaces
 * this controller and templates/dns_zones.tpl.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

final class DnsZones extends Controller
{
    public function get(Request $request): Response
    {
        if ($request->wantsJson()) {
            return $this->json(['error' => 'DNS Zones comes in a later release.'], 501);
        }
        return $this->page('dns_zones.tpl', [], 'DNS Zones', 'dns_zones');
    }
}
