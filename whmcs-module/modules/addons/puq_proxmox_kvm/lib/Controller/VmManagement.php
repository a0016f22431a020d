<?php

/*
 * VM Management: every KVM VM across the Proxmox servers (spec: VM Management), with
 * its WHMCS service, client, product and server, its status, and its addresses with
 * their rDNS names, plus the per-VM admin actions.
 *
 * The page is a shell; assets/vm_management.js fills the table from the list endpoint
 * (GET op=list, keyset pages from the engine) and polls it while a VM on the page is
 * busy. The two filters live in the browser's localStorage and are restored on the
 * next visit. Reading: op=list, op=count, op=log (a service's runs and steps, polled
 * while one runs), op=record (the raw row), op=live (the service tab's live box).
 * Changing, posted with ajax=1 and the CSRF token (the router has refused a post
 * without an admin session or token): op=redeploy, op=reset, op=record_save,
 * op=delete. Each action's rule is re-checked by the engine inside its transaction,
 * which also writes the activity entry naming the admin; the entry is delivered to
 * WHMCS's activity log right after.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\AdminActor;
use WHMCS\Module\Addon\PuqProxmoxKvm\ServiceServer;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class VmManagement extends Controller
{
    private const ACTION = 'vm_management';

    /** The list's query keys, passed to the engine as they come. */
    private const QUERY = ['search', 'service_status', 'vm_status', 'sort', 'dir', 'cursor', 'limit'];

    /** The spec's reference table of the Reset modal. */
    public const RESET_HELP = [
        'ready' => 'Return the VM to the normal "everything is fine" state. Use after you have finished a manual fix and want cron to stop touching it.',
        'creation' => 'Retry deploy from the beginning - typically after fixing the underlying reason an earlier deploy failed.',
        'set_ip' => 'Retry only the IP allocation step.',
        'change_package' => 'Rerun the full package-change flow.',
        'set_dns_records' => 'Queue a full DNS resync (delete + recreate all records). Fast and safe.',
        'terminate' => 'Retry termination after an error_terminate.',
        'remove' => 'Force-mark the VM as removed (no Proxmox contact). Use only when the VM is already gone from Proxmox and you just need WHMCS to stop showing it as active.',
    ];

    public function get(Request $request): Response
    {
        switch ($request->query('op')) {
            case 'list':
                return $this->guarded(fn () => $this->json(puqkvm_vmlist_page($this->listQuery($request))));
            case 'count':
                return $this->guarded(fn () => $this->json(['count' => puqkvm_vmlist_count($this->listQuery($request))]));
            case 'log':
                return $this->serviceRead($request, fn (int $id) => $this->log($id));
            case 'record':
                return $this->serviceRead($request, fn (int $id) => puqkvm_vmadmin_record($id));
            case 'live':
                return $this->serviceRead($request, fn (int $id) => $this->live($id));
            case '':
                break;
            default:
                return $this->json(['error' => 'Unknown request.'], 400);
        }
        if ($request->wantsJson()) {
            return $this->json(['error' => 'Ask for op=list, count, log or record.'], 400);
        }
        $options = puqkvm_vmlist_options();
        $reset = [];
        foreach (self::RESET_HELP as $status => $help) {
            $reset[] = ['status' => $status, 'help' => $help];
        }
        return $this->page('vm_management.tpl', [
            'service_statuses' => $options['service_statuses'],
            'vm_statuses' => $options['vm_statuses'],
            'reset_states' => $reset,
            'page_url' => $request->url(self::ACTION),
        ], 'VM Management', self::ACTION);
    }

    public function post(Request $request): Response
    {
        $op = $request->post('op');
        $id = $request->post('id');
        if (!in_array($op, ['redeploy', 'reset', 'record_save', 'delete'], true)) {
            return $this->answer($request, 400, 'Unknown request: nothing was changed.');
        }
        if (!ctype_digit($id) || (int) $id <= 0) {
            return $this->answer($request, 400, 'Unknown service: nothing was changed.');
        }
        $id = (int) $id;
        $actor = AdminActor::name($request->adminId());
        try {
            switch ($op) {
                case 'redeploy':
                    puqkvm_vmadmin_redeploy($id, $actor);
                    $message = "Redeploy of service #$id queued: the VM is deleted and deployed again by the cron.";
                    break;
                case 'reset':
                    $status = $request->post('status');
                    puqkvm_vmadmin_reset($id, $status, $actor);
                    $message = "The VM of service #$id was reset to $status.";
                    break;
                case 'record_save':
                    $summary = puqkvm_vmadmin_record_save($id, $request->postMap('values'), $actor);
                    $message = $summary === '' ? 'Nothing changed.' : "Saved: $summary";
                    break;
                default:
                    $released = puqkvm_vmadmin_delete_record($id, $request->post('release') === '1', $actor);
                    $message = "The VM record of service #$id was deleted"
                        . ($request->post('release') === '1' ? " and $released address(es) released." : '.');
            }
        } catch (\PuqKvm\ValidationException $e) {
            return $this->answer($request, 422, 'Some values are not valid: nothing was changed.', $e->getErrors());
        } catch (\PuqKvm\StateException $e) {
            return $this->answer($request, 409, $e->getMessage());
        } catch (\PuqKvm\ConflictException $e) {
            return $this->answer($request, 409, $e->getMessage());
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        AdminActor::deliverActivity($request->adminId());
        return $this->answer($request, 200, $message);
    }

    /** @return array<string, string|null> */
    private function listQuery(Request $request): array
    {
        $query = [];
        foreach (self::QUERY as $key) {
            $value = $request->query($key);
            if ($value !== '') {
                $query[$key] = $key === 'limit' && ctype_digit($value) ? (int) $value : $value;
            }
        }
        return $query;
    }

    /** The Log modal: every kept run with its steps, and the status to watch. */
    private function log(int $id): array
    {
        $record = puqkvm_vm_get($id);
        $runs = puqkvm_vm_runs($id);
        $latest = $runs['runs'][0] ?? null;
        $banner = null;
        foreach ($runs['runs'] as $run) {
            if ($run['result'] === 'running') {
                continue;
            }
            if ($run['result'] === 'error') {
                $banner = ['action' => $runs['last_error']['action'] ?: $run['action'],
                    'message' => $runs['last_error']['message'] ?: $run['message']];
            }
            break;
        }
        return $runs + ['vm_status' => $record['vm_status'], 'running' => ($latest['result'] ?? '') === 'running',
            'banner' => $banner];
    }

    /**
     * The service tab's live information: Proxmox is asked with the service's server
     * entry; its failure is reported in api {ok: false, message}, not as an error.
     */
    private function live(int $id): array
    {
        $server = ServiceServer::fields($id);
        if ($server === null) {
            $record = puqkvm_vm_get($id);
            return ['found' => false, 'local_status' => $record['vm_status'],
                'api' => ['ok' => false, 'message' => 'The service has no Proxmox server assigned.']];
        }
        return puqkvm_vmadmin_live($server + ['serviceid' => $id]);
    }

    /** A JSON read of one service (?id=N) with the engine's errors as answers. */
    private function serviceRead(Request $request, callable $read): Response
    {
        $id = $request->query('id');
        if (!ctype_digit($id) || (int) $id <= 0) {
            return $this->json(['error' => 'Unknown service.'], 400);
        }
        return $this->guarded(fn () => $this->json($read((int) $id)));
    }

    private function guarded(callable $fn): Response
    {
        try {
            return $fn();
        } catch (\PuqKvm\ValidationException $e) {
            return $this->json(['error' => 'Some values are not valid.', 'errors' => $e->getErrors()], 422);
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->json(['error' => $e->getMessage()], 404);
        }
    }

    /**
     * The answer to a post: JSON for the page's scripts, else a redirect with the
     * message (field errors listed in it).
     * @param array<string, string> $errors
     */
    private function answer(Request $request, int $status, string $message, array $errors = []): Response
    {
        if ($request->wantsJson()) {
            $data = $status === 200 ? ['ok' => true, 'message' => $message] : ['error' => $message];
            if ($errors) {
                $data['errors'] = $errors;
            }
            return $this->json($data, $status);
        }
        foreach ($errors as $field => $text) {
            $message .= " $field: $text.";
        }
        return $this->redirectWithMessage($request, self::ACTION, $status === 200 ? 'success' : 'danger', $message);
    }
}
