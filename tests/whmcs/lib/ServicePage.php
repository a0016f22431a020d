<?php

/*
 * clientsservices.php?id=N of the harness: a service's admin page as far as a server
 * module sees it. WHMCS builds the module's $params for the service, calls
 * <module>_AdminServicesTabFields($params) and shows each returned label => HTML pair
 * as one row of the service form; "Save Changes" posts that form (with the CSRF token),
 * WHMCS calls <module>_AdminServicesTabFieldsSave($params) with the post in $_POST, and
 * redirects back to the page. The module's HTML is placed as it is (it is HTML by
 * contract); the service's own fields are shown read-only.
 *
 * The Module Commands buttons post to the same page with modop (create, suspend,
 * unsuspend, terminate, changepackage, or custom with ac=<function> for a button of
 * <module>_AdminCustomButtonArray) and the CSRF token; WHMCS calls the module function
 * and shows its answer ("success" or an error message) on the page it redirects to.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ServicePage
{
    /**
     * Handles the request; returns [status, title, template vars], or null after a
     * redirect was sent.
     *
     * @return array{int, string, array<string, mixed>}|null
     */
    public static function handle(): ?array
    {
        $id = (int) ($_GET['id'] ?? 0);
        $service = $id > 0 ? Capsule::table('tblhosting')->where('id', $id)->first() : null;
        if ($service === null) {
            return [404, 'Products/Services', ['error' => 'Service ID Not Found']];
        }
        $module = (string) Capsule::table('tblproducts')->where('id', $service->packageid)->value('servertype');
        $file = ROOTDIR . "/modules/servers/$module/$module.php";
        if ($module !== '' && is_file($file)) {
            require_once $file;
        }
        $params = ServiceParams::forService($id);
        if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
            if (!Token::check('WHMCS.admin.default', null)) {
                return [403, 'Products/Services', ['error' => 'Invalid CSRF Protection Token']];
            }
            if (isset($_GET['modop'])) {
                return self::moduleCommand($module, $params, $service);
            }
            if (function_exists("{$module}_AdminServicesTabFieldsSave")) {
                ("{$module}_AdminServicesTabFieldsSave")($params);
            }
            Front::redirect("clientsservices.php?userid={$service->userid}&id=$id&success=true");
            return null;
        }
        $fields = [];
        if (function_exists("{$module}_AdminServicesTabFields")) {
            foreach ((array) ("{$module}_AdminServicesTabFields")($params) as $label => $html) {
                $fields[] = ['label' => (string) $label, 'html' => (string) $html];
            }
        }
        return [200, 'Products/Services', [
            'error' => '',
            'module_result' => is_string($_GET['modresult'] ?? null) ? $_GET['modresult'] : '',
            'service' => [
                'id' => $id, 'userid' => (int) $service->userid, 'status' => (string) $service->domainstatus,
                'domain' => (string) $service->domain, 'dedicatedip' => (string) $service->dedicatedip,
                'assignedips' => (string) $service->assignedips, 'module' => $module,
            ],
            'fields' => $fields,
            'success' => isset($_GET['success']),
        ]];
    }

    /** The module commands WHMCS offers on a service page => module function suffix. */
    private const COMMANDS = ['create' => 'CreateAccount', 'suspend' => 'SuspendAccount',
        'unsuspend' => 'UnsuspendAccount', 'terminate' => 'TerminateAccount', 'changepackage' => 'ChangePackage'];

    /** A Module Commands button (the token is already checked); null after the redirect. */
    private static function moduleCommand(string $module, array $params, object $service): ?array
    {
        $modop = (string) $_GET['modop'];
        $function = self::COMMANDS[$modop] ?? null;
        if ($modop === 'custom') {
            $buttons = function_exists("{$module}_AdminCustomButtonArray")
                ? array_values((array) ("{$module}_AdminCustomButtonArray")()) : [];
            $ac = (string) ($_REQUEST['ac'] ?? '');
            $function = in_array($ac, $buttons, true) ? $ac : null;
        }
        if ($function === null || !function_exists("{$module}_$function")) {
            return [403, 'Products/Services', ['error' => 'Invalid Access Attempt']];
        }
        $result = ("{$module}_$function")($params);
        Front::redirect("clientsservices.php?userid={$service->userid}&id={$service->id}&modresult="
            . rawurlencode(is_string($result) ? $result : 'success'));
        return null;
    }
}
