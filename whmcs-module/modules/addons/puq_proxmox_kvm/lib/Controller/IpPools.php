<?php

/*
 * IP Pools: the pools of every server with their usage and the rDNS zone of their
 * prefix, the Add/Edit form, deletion, and the addresses still held by services WHMCS
 * shows as Terminated or Cancelled, each with a release action.
 *
 * Everything about addresses is the engine's: validation (field by field), usage
 * ("21.52% (17/79)", exact for a /64), the rDNS zone and the live hint the form shows
 * as the prefix is typed (GET op=rdns, from the same function that fills the table), so
 * the page and the engine can never disagree. The page's AJAX posts carry an `op`
 * from a fixed list: save, delete, release. Without JavaScript the same posts work and
 * answer with a redirect and a message.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\AdminActor;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class IpPools extends Controller
{
    /** The fields of the Add/Edit form, as the engine names them. */
    public const FIELDS = ['server', 'type', 'bridge', 'vlan', 'gateway', 'mask', 'dns1', 'dns2', 'start', 'stop'];

    private const ACTION = 'ip_pools';

    public function get(Request $request): Response
    {
        if ($request->query('op') === 'rdns') {
            return $this->rdnsHint($request);
        }
        $pools = puqkvm_pool_list();
        $stale = puqkvm_pool_stale_holdings();
        $servers = puqkvm_pool_servers();
        if ($request->wantsJson()) {
            return $this->json(['pools' => $pools, 'stale' => $stale, 'servers' => $servers]);
        }
        return $this->page('ip_pools.tpl', [
            'pools' => array_map([self::class, 'row'], $pools),
            'stale' => $stale,
            'servers' => $servers,
            'form_action' => $request->url(self::ACTION),
            'rdns_url' => $request->url(self::ACTION, ['op' => 'rdns', 'ajax' => '1']),
        ], 'IP Pools', self::ACTION);
    }

    public function post(Request $request): Response
    {
        switch ($request->post('op')) {
            case 'save':
                return $this->save($request);
            case 'delete':
                return $this->delete($request);
            case 'release':
                return $this->release($request);
            default:
                return $this->answer($request, 400, 'Unknown request: nothing was changed.');
        }
    }

    /**
     * A pool as the table shows it, with the form's values for the Edit button.
     * @param array<string, mixed> $pool
     * @return array<string, mixed>
     */
    private static function row(array $pool): array
    {
        $form = [];
        foreach (self::FIELDS as $field) {
            $form[$field] = $field === 'server' ? $pool['server_id'] : $pool[$field];
        }
        $form['id'] = $pool['id'];
        $pool['form_json'] = json_encode($form, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        $pool['usage_width'] = sprintf('%.2F', $pool['usage_percent']);
        return $pool;
    }

    private function save(Request $request): Response
    {
        $fields = [];
        foreach (self::FIELDS as $field) {
            $fields[$field] = $request->post($field);
        }
        $id = $request->post('id');
        try {
            if ($id === '' || $id === '0') {
                $id = puqkvm_pool_create($fields);
                $message = "IP pool $id added.";
            } elseif (ctype_digit($id)) {
                puqkvm_pool_update((int) $id, $fields);
                $message = "IP pool $id saved. Addresses already assigned keep their settings.";
            } else {
                return $this->answer($request, 400, 'Unknown pool: nothing was changed.');
            }
        } catch (\PuqKvm\ValidationException $e) {
            return $this->answer($request, 422, 'Some values are not valid: nothing was saved.', $e->getErrors());
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        return $this->answer($request, 200, $message, [], ['id' => (int) $id]);
    }

    private function delete(Request $request): Response
    {
        $id = $request->post('id');
        if (!ctype_digit($id)) {
            return $this->answer($request, 400, 'Unknown pool: nothing was changed.');
        }
        try {
            puqkvm_pool_delete((int) $id);
        } catch (\PuqKvm\ConflictException $e) {
            return $this->answer($request, 409, $e->getMessage());
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        return $this->answer($request, 200, "IP pool $id deleted.");
    }

    private function release(Request $request): Response
    {
        $id = $request->post('allocation');
        if (!ctype_digit($id)) {
            return $this->answer($request, 400, 'Unknown address: nothing was changed.');
        }
        try {
            // with its activity log entry naming the admin (VM Management's audit)
            puqkvm_vmadmin_release_address((int) $id, AdminActor::name($request->adminId()));
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        AdminActor::deliverActivity($request->adminId());
        return $this->answer($request, 200, 'The address was released; it can be assigned again.');
    }

    /** The rDNS zone for the form's gateway and mask, from the engine. */
    private function rdnsHint(Request $request): Response
    {
        $ip = trim($request->query('ip'));
        $mask = ltrim(trim($request->query('mask')), '/');
        if ($ip === '' || $mask === '' || !ctype_digit($mask)) {
            return $this->json(['zone' => null, 'hint' => '']);
        }
        try {
            $zone = puqkvm_ip_rdns_zone($ip, (int) $mask);
        } catch (\ValueError $e) {
            // "puqkvm_ip_rdns_zone(): Argument #2 ($prefix) must be ..." -> "The mask must be ..."
            $what = str_contains($e->getMessage(), 'Argument #2') ? 'The mask' : 'The address';
            $reason = preg_replace('/^\w+\(\): Argument #\d+ \(\$\w+\) /', '', $e->getMessage());
            return $this->json(['zone' => null, 'hint' => '', 'error' => "$what $reason"]);
        }
        return $this->json(['zone' => $zone,
            'hint' => 'rDNS zone: ' . ($zone ?? 'classless delegation required')]);
    }

    /**
     * The answer to a post: JSON for the page's scripts, else a redirect with the
     * message (field errors listed in it).
     * @param array<string, string> $errors
     * @param array<string, mixed> $extra
     */
    private function answer(Request $request, int $status, string $message, array $errors = [],
        array $extra = []): Response
    {
        if ($request->wantsJson()) {
            $data = $status === 200 ? ['ok' => true, 'message' => $message] : ['error' => $message];
            if ($errors) {
                $data['errors'] = $errors;
            }
            return $this->json($data + $extra, $status);
        }
        foreach ($errors as $field => $text) {
            $message .= " $field: $text.";
        }
        return $this->redirectWithMessage($request, self::ACTION, $status === 200 ? 'success' : 'danger', $message);
    }
}
