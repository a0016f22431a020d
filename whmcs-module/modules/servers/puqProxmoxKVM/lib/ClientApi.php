<?php

/*
 * The client area's AJAX endpoint: clientarea.php?action=productdetails&id=N&modop=custom
 * &a=ClientApi, with the action in "do" and its fields as JSON in "args".
 *
 * WHMCS opens this only for the logged-in client's own service; the extension checks it
 * again (ownership, the product's permission, the VM's state) against the session's
 * client ($_SESSION['uid']), never against anything the request says. Actions that
 * change something are POSTs with the client area's CSRF token. A refused attempt is
 * answered 403 "Access Denied" and written to the activity log and the module log.
 * Proxmox failures reach the client as "Something went wrong"; their details go to the
 * module log only. A new password (Reset password, Reinstall) is made here and
 * encrypted with WHMCS's encrypt() before the extension sees it.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\Cron\Outbox;
use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;
use WHMCS\Module\Addon\PuqProxmoxKvm\ServiceServer;

final class ClientApi
{
    private const DENIED = 880; /* PUQ_EDENIED */
    private const SOMETHING_WRONG = 'Something went wrong. Please try again later or contact support.';

    /**
     * Handles one request; returns [HTTP status, body].
     *
     * @param array<string, mixed> $params WHMCS module parameters of the service
     * @param array<string, mixed> $request the request's fields ($_POST + $_GET)
     * @return array{int, array<string, mixed>}
     */
    public static function handle(array $params, array $request, int $sessionClient, string $method): array
    {
        $problem = ModuleCall::extensionProblem();
        if ($problem !== null) {
            return [503, ['error' => self::SOMETHING_WRONG]];
        }
        $action = (string) ($request['do'] ?? '');
        $actions = puqkvm_client_actions();
        if (!isset($actions[$action])) {
            return [400, ['error' => 'Unknown action']];
        }
        $args = json_decode((string) ($request['args'] ?? '{}'), true);
        $args = is_array($args) ? $args : [];
        if ($actions[$action]['write'] && ($method !== 'POST' || !check_token('WHMCS.default'))) {
            return [403, ['error' => 'Your session expired: reload the page and try again.']];
        }
        $options = [];
        if ($action === 'reset_password' || $action === 'reinstall') {
            $password = Provisioning::randomPassword(12);
            $options = ['password' => $password, 'password_encrypted' => encrypt($password)];
        }
        $serviceId = (int) ($params['serviceid'] ?? 0);
        try {
            Guard::connect();
            // the service's own server entry (tblhosting.server), never the request's
            $server = ServiceServer::fields($serviceId) ?? [];
            $data = puqkvm_client_call($server, $serviceId, $sessionClient, $action, $args, $options);
        } catch (\PuqKvm\ValidationException $e) {
            return [422, ['error' => 'Please check the highlighted fields.', 'fields' => $e->getErrors()]];
        } catch (\PuqKvm\StateException $e) {
            if ($e->getCode() === self::DENIED) {
                self::refused($params, $sessionClient, $action, $e->getMessage());
                return [403, ['error' => 'Access Denied']];
            }
            return [409, ['error' => $e->getMessage()]];
        } catch (\Throwable $e) {
            logModuleCall(ModuleCall::MODULE, "ClientArea $action", ['serviceid' => $serviceId],
                $e->getMessage(), '', []);
            return [502, ['error' => self::SOMETHING_WRONG]];
        }
        if ($actions[$action]['write']) {
            self::afterChange($action, $serviceId);
        }
        return [200, ['ok' => true, 'data' => $data]];
    }

    /** Sends the answer as JSON and ends the request (WHMCS prints nothing more). */
    public static function respond(array $answer): void
    {
        [$status, $body] = $answer;
        while (ob_get_level() > 0) {
            ob_end_clean();
        }
        http_response_code($status);
        header('Content-Type: application/json; charset=utf-8');
        header('Cache-Control: no-store');
        echo json_encode($body, JSON_UNESCAPED_SLASHES | JSON_HEX_TAG | JSON_HEX_AMP);
        exit;
    }

    /** The refused attempt in the activity log (admins see it) and the module log. */
    private static function refused(array $params, int $client, string $action, string $why): void
    {
        $serviceId = (int) ($params['serviceid'] ?? 0);
        localAPI('LogActivity', [
            'description' => "puqProxmoxKVM client area: refused \"$action\" on service ID $serviceId "
                . "for client ID $client ($why)",
            'clientid' => $client,
        ]);
        logModuleCall(ModuleCall::MODULE, "ClientArea $action refused", ['serviceid' => $serviceId,
            'client' => $client], $why, '', []);
    }

    /** What WHMCS should do at once: deliver e-mails, start work queued for the cron. */
    private static function afterChange(string $action, int $serviceId): void
    {
        try {
            if ($action === 'reset_password') {
                (new Outbox(puqkvm_cron_worker_id()))->deliver();
            }
            if ($action === 'reinstall' || $action === 'rdns_save') {
                Wake::service($serviceId);
            }
        } catch (\Throwable $e) {
            // the cron delivers and works later: never an error of the client's action
            logModuleCall(ModuleCall::MODULE, "ClientArea $action follow-up", (string) $serviceId,
                $e->getMessage(), '', []);
        }
    }
}
