<?php

/*
 * DNS Zones: the list (ID, Zone, provider badge, Test, Edit, Delete), the Add/Edit form
 * whose fields follow the chosen provider, and the Test button.
 *
 * The engine owns everything: the provider forms (puqkvm_dns_zone_fields), validation
 * field by field, and the write-only secrets. The list and the Edit button carry
 * "__KEEP__" where a secret is stored - never the secret - and the form shows that as
 * "(unchanged — enter new to replace)"; saving an empty secret keeps the stored one.
 * Posts carry an `op` from a fixed list: save, delete, test. AJAX posts get JSON (the
 * Test result becomes a toast); without JavaScript the same posts answer with a
 * redirect and a message.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class DnsZones extends Controller
{
    private const ACTION = 'dns_zones';

    /** What the form shows in a secret field that holds a stored value. */
    public const KEEP_PLACEHOLDER = '(unchanged — enter new to replace)';

    public function get(Request $request): Response
    {
        $zones = puqkvm_dns_zone_list();
        $providers = puqkvm_dns_zone_fields();
        if ($request->wantsJson()) {
            return $this->json(['zones' => $zones, 'providers' => $providers]);
        }
        return $this->page('dns_zones.tpl', [
            'zones' => array_map([self::class, 'row'], $zones),
            'providers' => $providers,
            'fields' => self::formFields($providers),
            'keep_placeholder' => self::KEEP_PLACEHOLDER,
            'form_action' => $request->url(self::ACTION),
        ], 'DNS Zones', self::ACTION);
    }

    public function post(Request $request): Response
    {
        switch ($request->post('op')) {
            case 'save':
                return $this->save($request);
            case 'delete':
                return $this->delete($request);
            case 'test':
                return $this->test($request);
            default:
                return $this->answer($request, 400, 'Unknown request: nothing was changed.');
        }
    }

    /**
     * Every field of every provider once, in form order, with the providers using it.
     * @param array<string, array<string, mixed>> $providers
     * @return list<array<string, mixed>>
     */
    private static function formFields(array $providers): array
    {
        $fields = [];
        foreach ($providers as $type => $provider) {
            foreach ($provider['fields'] as $field) {
                $name = $field['name'];
                if (!isset($fields[$name])) {
                    $fields[$name] = $field + ['types' => [], 'required_for' => []];
                }
                $fields[$name]['types'][] = $type;
                if ($field['required']) {
                    $fields[$name]['required_for'][] = $type;
                }
            }
        }
        foreach ($fields as &$field) {
            $field['types_attr'] = implode(' ', $field['types']);
            $field['required_attr'] = implode(' ', $field['required_for']);
        }
        return array_values($fields);
    }

    /**
     * A zone as the table shows it, with the form's values (secrets masked) for Edit.
     * @param array<string, mixed> $zone
     * @return array<string, mixed>
     */
    private static function row(array $zone): array
    {
        $form = array_filter($zone, static fn ($v) => $v !== null);
        unset($form['type_label']);
        $zone['form_json'] = json_encode($form, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
        return $zone;
    }

    private function save(Request $request): Response
    {
        $zone = ['type' => $request->post('type')];
        foreach (puqkvm_dns_zone_fields()[$zone['type']]['fields'] ?? [] as $field) {
            $zone[$field['name']] = $request->post($field['name']);
        }
        $id = $request->post('id');
        try {
            if ($id === '' || $id === '0') {
                $id = puqkvm_dns_zone_create($zone);
                $message = "DNS zone $id added.";
            } elseif (ctype_digit($id)) {
                puqkvm_dns_zone_update((int) $id, $zone);
                $message = "DNS zone $id saved.";
            } else {
                return $this->answer($request, 400, 'Unknown zone: nothing was changed.');
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
            return $this->answer($request, 400, 'Unknown zone: nothing was changed.');
        }
        try {
            puqkvm_dns_zone_delete((int) $id);
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        return $this->answer($request, 200, "DNS zone $id deleted. Records already written to it stay in the "
            . 'provider until you remove them there.');
    }

    /** The Test button: the provider's answer, good or bad, as a 200 with ok true/false. */
    private function test(Request $request): Response
    {
        $id = $request->post('id');
        if (!ctype_digit($id)) {
            return $this->answer($request, 400, 'Unknown zone.');
        }
        try {
            $result = puqkvm_dns_zone_test((int) $id);
        } catch (\PuqKvm\NotFoundException $e) {
            return $this->answer($request, 404, $e->getMessage());
        }
        if ($request->wantsJson()) {
            return $this->json(['ok' => $result['ok'], 'message' => $result['message'],
                'http_status' => $result['http_status']]);
        }
        return $this->redirectWithMessage($request, self::ACTION, $result['ok'] ? 'success' : 'danger',
            "Zone $id: " . $result['message']);
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
