<?php

/*
 * The admin service tab (research/product.md 4.3): AdminServicesTabFields renders the
 * rows WHMCS adds to the service page, AdminServicesTabFieldsSave takes WHMCS's "Save
 * Changes" of them.
 *
 * Rows: "VM" (attach an existing Proxmox VM by id), "Reverse DNS" (one host name per
 * assigned address, IPv6 fully expanded) and "Proxmox VM" (the API status box, live
 * information, Redeploy and the deploy log: no Proxmox call at page load, the addon's
 * endpoints fill them from the browser). Saving validates in the engine, which writes
 * each change with its activity entry; rDNS names are then pushed to the DNS zones.
 * WHMCS ignores what the save function returns, so its outcome (saved, refused field by
 * field, DNS lines) is kept in the admin's session and shown at the top of the tab when
 * WHMCS reloads the page after saving. Neither function ever throws into WHMCS.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\AdminActor;
use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;
use WHMCS\Module\Addon\PuqProxmoxKvm\Module;
use WHMCS\Module\Addon\PuqProxmoxKvm\Security;
use WHMCS\Module\Addon\PuqProxmoxKvm\View;

final class ServiceTab
{
    private const SESSION_KEY = 'puqkvm_service_tab';

    /**
     * @param array<string, mixed> $params
     * @return array<string, string> row label => HTML
     */
    public static function fields(array $params): array
    {
        $serviceId = (int) ($params['serviceid'] ?? 0);
        try {
            $problem = ModuleCall::extensionProblem();
            if ($problem !== null) {
                return ['Proxmox KVM' => self::view()->render('service_tab.tpl', ['part' => 'error',
                    'message' => $problem])];
            }
            Guard::connect();
            $record = null;
            try {
                $record = puqkvm_vm_get($serviceId);
            } catch (\PuqKvm\NotFoundException $e) {
                $record = null;
            }
            $rev = is_array($record['vm_rev_dns'] ?? null) ? $record['vm_rev_dns'] : [];
            $addresses = [];
            foreach (puqkvm_pool_addresses($serviceId) as $a) {
                $addresses[] = ['ip' => $a['ip_expanded'], 'main' => $a['main'],
                    'rdns' => (string) ($rev[$a['ip_expanded']] ?? '')];
            }
            $status = (string) ($record['vm_status'] ?? '');
            $link = 'addonmodules.php?module=' . Module::NAME . '&action=vm_management';
            $vars = [
                'service_id' => $serviceId,
                'vm_id' => (int) ($record['vm_id'] ?? 0),
                'vm_name' => (string) ($record['vm_name'] ?? ''),
                'vm_status' => $status,
                'node' => (string) ($record['node'] ?? ''),
                'fqdn' => (string) ($record['fqdn'] ?? ''),
                'addresses' => $addresses,
                'messages' => self::takeMessages($serviceId),
                'can_redeploy' => $record !== null && puqkvm_vmadmin_rules($status)['redeploy'],
                'assets_url' => Module::assetsUrl(),
                'version' => Module::VERSION,
                'token' => Security::token(),
                'live_url' => "$link&op=live&ajax=1&id=$serviceId",
                'log_url' => "$link&op=log&ajax=1&id=$serviceId",
                'post_url' => $link,
                'management_url' => $link,
            ];
            $view = self::view();
            $rows = ['VM' => $view->render('service_tab.tpl', ['part' => 'vm'] + $vars),
                'Reverse DNS' => $view->render('service_tab.tpl', ['part' => 'rdns'] + $vars)];
            if ($record !== null) {
                $rows['Proxmox VM'] = $view->render('service_tab.tpl', ['part' => 'live'] + $vars);
            }
            return $rows;
        } catch (\Throwable $e) {
            self::log('AdminServicesTabFields', $serviceId, $e);
            try {
                return ['Proxmox KVM' => self::view()->render('service_tab.tpl', ['part' => 'error',
                    'message' => ModuleCall::describe($e)])];
            } catch (\Throwable $e2) {
                return [];
            }
        }
    }

    /**
     * WHMCS's Save Changes: an attach when the VM Id field changed, then the rDNS names.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed>|null $post the submitted form ($_POST when null)
     */
    public static function save(array $params, ?array $post = null): void
    {
        $post ??= $_POST;
        $serviceId = (int) ($params['serviceid'] ?? 0);
        $messages = [];
        try {
            if (ModuleCall::extensionProblem() !== null) {
                return;
            }
            Guard::connect();
            $adminId = (int) ($_SESSION['adminid'] ?? 0);
            $actor = AdminActor::name($adminId);
            $messages = array_merge(self::attach($params, $post, $actor), self::rdns($serviceId, $post, $actor));
            AdminActor::deliverActivity($adminId);
        } catch (\Throwable $e) {
            self::log('AdminServicesTabFieldsSave', $serviceId, $e);
            $messages[] = ['type' => 'danger', 'text' => ModuleCall::describe($e)];
        }
        if ($messages) {
            $_SESSION[self::SESSION_KEY][$serviceId] = $messages;
        }
    }

    /** @return list<array{type: string, text: string}> */
    private static function attach(array $params, array $post, string $actor): array
    {
        $vmid = trim(is_string($post['puqkvm_vmid'] ?? null) ? $post['puqkvm_vmid'] : '');
        $was = is_string($post['puqkvm_vmid_was'] ?? null) ? $post['puqkvm_vmid_was'] : '';
        if ($vmid === '' || $vmid === $was) {
            return [];
        }
        if (!ctype_digit($vmid)) {
            return [['type' => 'danger', 'text' => 'VM Id: must be a Proxmox VM id (digits only); nothing was attached.']];
        }
        $attach = self::server($params) + ['serviceid' => (int) $params['serviceid'],
            'userid' => (int) ($params['userid'] ?? 0), 'pid' => (int) ($params['pid'] ?? 0),
            'serverid' => (int) ($params['serverid'] ?? 0)];
        try {
            $attach['product_json'] = json_encode(puqkvm_vm_product_check($params));
        } catch (\PuqKvm\ValidationException $e) {
            $attach['product_json'] = null; // needed only for a service without a VM row; the engine says so
        }
        try {
            $vm = puqkvm_vmadmin_attach($attach, (int) $vmid, $actor);
        } catch (\PuqKvm\Exception $e) {
            return [['type' => 'danger', 'text' => 'VM Id: ' . ModuleCall::describe($e) . '; nothing was attached.']];
        }
        return [['type' => 'success', 'text' => "Proxmox VM {$vm['vmid']} ({$vm['name']} on {$vm['node']}) is now "
            . 'attached to this service.']];
    }

    /** @return list<array{type: string, text: string}> */
    private static function rdns(int $serviceId, array $post, string $actor): array
    {
        $names = $post['puqkvm_rdns'] ?? null;
        if (!is_array($names) || !$names) {
            return [];
        }
        $names = array_filter($names, static fn ($v, $k) => is_string($v) && is_string($k), ARRAY_FILTER_USE_BOTH);
        try {
            $result = puqkvm_vmadmin_rdns_save($serviceId, $names, $actor);
        } catch (\PuqKvm\ValidationException $e) {
            $out = [];
            foreach ($e->getErrors() as $field => $message) {
                $out[] = ['type' => 'danger', 'text' => preg_replace('/^rdns\./', '', $field) . ": $message"];
            }
            $out[] = ['type' => 'danger', 'text' => 'No reverse DNS name was saved.'];
            return $out;
        }
        if ($result['changed'] === 0) {
            return [];
        }
        $dns = $result['dns'];
        $text = "{$result['changed']} reverse DNS name(s) saved.";
        if (!empty($dns['error'])) {
            return [['type' => 'warning', 'text' => "$text The DNS zones were not updated: {$dns['error']}"]];
        }
        if (!$dns['pushed']) {
            return [['type' => 'success', 'text' => "$text The VM's own pipeline writes its records."]];
        }
        $text .= " DNS: {$dns['ok']} record set(s) updated, {$dns['failed']} failed.";
        $out = [['type' => $dns['failed'] > 0 ? 'warning' : 'success', 'text' => $text]];
        foreach ($dns['lines'] as $line) {
            if (strpos($line, ' ERR ') !== false) {
                $out[] = ['type' => 'warning', 'text' => $line];
            }
        }
        return $out;
    }

    /**
     * The server entry of the module parameters under the tblservers names: $params also
     * holds the service's own username and password, which must never be taken for the
     * API token.
     *
     * @return array<string, mixed>
     */
    private static function server(array $params): array
    {
        return ['hostname' => (string) ($params['serverhostname'] ?? ''), 'ip' => (string) ($params['serverip'] ?? ''),
            'port' => (string) ($params['serverport'] ?? ''), 'secure' => !empty($params['serversecure']),
            'username' => (string) ($params['serverusername'] ?? ''),
            'password' => (string) ($params['serverpassword'] ?? ''),
            'accesshash' => (string) ($params['serveraccesshash'] ?? '')];
    }

    /** @return list<array{type: string, text: string}> */
    private static function takeMessages(int $serviceId): array
    {
        $messages = $_SESSION[self::SESSION_KEY][$serviceId] ?? [];
        unset($_SESSION[self::SESSION_KEY][$serviceId]);
        return is_array($messages) ? $messages : [];
    }

    private static function view(): View
    {
        return View::create();
    }

    private static function log(string $action, int $serviceId, \Throwable $e): void
    {
        if (function_exists('logModuleCall')) {
            logModuleCall(ModuleCall::MODULE, $action, ['serviceid' => $serviceId], $e->getMessage(),
                get_class($e));
        }
    }
}
