<?php

/*
 * The client area page (WHMCS's ClientArea contract: templatefile + vars). The page is
 * a shell: every figure comes later by AJAX from ClientApi, so opening it never waits
 * for Proxmox. What the page needs up front is where to ask and the CSRF token.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

final class ClientArea
{
    public const ASSETS = 'modules/servers/puqProxmoxKVM/assets';

    /** @param array<string, mixed> $params @return array{templatefile: string, vars: array} */
    public static function page(array $params): array
    {
        $problem = ModuleCall::extensionProblem();
        $serviceId = (int) ($params['serviceid'] ?? 0);
        return [
            'templatefile' => 'templates/clientarea',
            'vars' => [
                'puq_problem' => $problem === null ? '' : 'The virtual machine panel is not available '
                    . 'right now. Please contact support.',
                'puq_service_id' => $serviceId,
                'puq_api' => 'clientarea.php?action=productdetails&id=' . $serviceId
                    . '&modop=custom&a=ClientApi',
                'puq_assets' => self::ASSETS,
                'puq_csrf' => function_exists('generate_token') ? generate_token('plain') : '',
                'puq_version' => $problem === null ? puqkvm_version() : '',
            ],
        ];
    }
}
