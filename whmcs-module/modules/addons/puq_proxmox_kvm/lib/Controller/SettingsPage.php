<?php

/*
 * A settings page (Settings > General, Settings > Cron), rendered from the engine's
 * definitions (puqkvm_settings_definitions(): name, group, section, type, default,
 * min, max, unit, choices, label, help, ...) for one group. Validation is the engine's:
 * the page posts what the admin typed, and puqkvm_settings_save() either stores all of
 * it or throws PuqKvm\ValidationException with a message per field, in which case the
 * form comes back with each message next to its field, the typed values kept, and
 * nothing saved (422). AJAX callers get the same answers as JSON.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;
use WHMCS\Module\Addon\PuqProxmoxKvm\SettingsForm;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

abstract class SettingsPage extends Controller
{
    /** The definitions' group this page shows: "general" or "cron". */
    abstract protected function group(): string;

    /** The router action of this page. */
    abstract protected function action(): string;

    abstract protected function title(): string;

    /** Extra template variables of the page (the crontab line, ...). @param array<string, string> $values */
    protected function extraVars(array $values): array
    {
        return [];
    }

    public function get(Request $request): Response
    {
        $form = new SettingsForm(puqkvm_settings_definitions(), $this->group());
        $values = $form->pick(puqkvm_settings_get());
        if ($request->wantsJson()) {
            return $this->json(['settings' => $values, 'definitions' => $form->definitions()]);
        }
        return $this->render($request, $form, $values, []);
    }

    public function post(Request $request): Response
    {
        $form = new SettingsForm(puqkvm_settings_definitions(), $this->group());
        $submitted = $form->submitted($request->postMap('settings'));
        try {
            $saved = $form->pick(puqkvm_settings_save($submitted));
        } catch (\PuqKvm\ValidationException $e) {
            $errors = $e->getErrors();
            if ($request->wantsJson()) {
                return $this->json(
                    ['error' => 'Some values are not valid: nothing was saved.', 'errors' => $errors],
                    422
                );
            }
            $values = $submitted + $form->pick(puqkvm_settings_get());
            return $this->render($request, $form, $values, $errors, 422);
        }
        if ($request->wantsJson()) {
            return $this->json(['ok' => true, 'message' => 'Settings saved.', 'settings' => $saved]
                + $this->extraVars($saved));
        }
        return $this->redirectWithMessage($request, $this->action(), 'success', 'Settings saved.');
    }

    /**
     * @param array<string, string> $values
     * @param array<string, string> $errors
     */
    private function render(
        Request $request,
        SettingsForm $form,
        array $values,
        array $errors,
        int $status = 200
    ): Response {
        return $this->page($this->action() . '.tpl', [
            'sections' => $form->sections($values, $errors),
            'errors' => $errors,
            'form_action' => $request->url($this->action()),
        ] + $this->extraVars($values), $this->title(), $this->action(), $status);
    }
}
