<?php

/*
 * Turns the engine's setting definitions of one group into what the settings templates
 * render — sections in definition order, each field with its widget, value, range, unit
 * and error — and turns a submitted form back into name => text for
 * puqkvm_settings_save(). Only names this group defines are ever submitted, so a crafted
 * form cannot reach settings of another page.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class SettingsForm
{
    /** @var list<array<string, mixed>> */
    private array $definitions;

    /** @param list<array<string, mixed>> $definitions every definition; only $group's are kept */
    public function __construct(array $definitions, string $group)
    {
        $this->definitions = array_values(array_filter($definitions,
            static fn (array $d) => ($d['group'] ?? '') === $group));
    }

    /** @return list<array<string, mixed>> */
    public function definitions(): array
    {
        return $this->definitions;
    }

    /**
     * This group's values out of all settings, as text.
     *
     * @param array<string, mixed> $all
     * @return array<string, string>
     */
    public function pick(array $all): array
    {
        $values = [];
        foreach ($this->definitions as $d) {
            $values[$d['name']] = self::text($all[$d['name']] ?? $d['default'] ?? '');
        }
        return $values;
    }

    /**
     * The submitted values of this group's fields (fields absent from the form are left
     * out, so they keep their stored values).
     *
     * @param array<string, string> $posted
     * @return array<string, string>
     */
    public function submitted(array $posted): array
    {
        $values = [];
        foreach ($this->definitions as $d) {
            if (array_key_exists($d['name'], $posted)) {
                $values[$d['name']] = $posted[$d['name']];
            }
        }
        return $values;
    }

    /**
     * @param array<string, string> $values
     * @param array<string, string> $errors
     * @return list<array{title: string, fields: list<array<string, mixed>>}>
     */
    public function sections(array $values, array $errors): array
    {
        $sections = [];
        foreach ($this->definitions as $d) {
            $title = (string) ($d['section'] ?? '');
            if (!isset($sections[$title])) {
                $sections[$title] = ['title' => $title, 'fields' => []];
            }
            $sections[$title]['fields'][] = $this->field($d, $values[$d['name']] ?? '', $errors[$d['name']] ?? null);
        }
        return array_values($sections);
    }

    /** @param array<string, mixed> $d */
    private function field(array $d, string $value, ?string $error): array
    {
        $type = (string) ($d['type'] ?? 'text');
        $choices = [];
        foreach ($d['choices'] ?? [] as $key => $choice) {
            $choiceValue = is_array($choice) ? (string) $choice['value'] : (string) $key;
            $label = is_array($choice) ? (string) ($choice['label'] ?? $choiceValue) : (string) $choice;
            $choices[] = ['value' => $choiceValue, 'label' => $label, 'selected' => $choiceValue === $value];
        }
        switch ($type) {
            case 'int':
                $widget = 'number';
                break;
            case 'bool':
                $widget = 'checkbox';
                break;
            case 'choice':
                $widget = count($choices) <= 3 ? 'radio' : 'select';
                break;
            default:
                $widget = !empty($d['multiline']) ? 'textarea' : 'text';
        }
        $unit = (string) ($d['unit'] ?? '');
        return [
            'name' => (string) $d['name'],
            'id' => 'setting-' . $d['name'],
            'label' => (string) ($d['label'] ?? $d['name']),
            'help' => (string) ($d['help'] ?? ''),
            'widget' => $widget,
            'value' => $value,
            'checked' => $widget === 'checkbox' && $value === '1',
            'min' => isset($d['min']) ? (string) $d['min'] : '',
            'max' => isset($d['max']) ? (string) $d['max'] : '',
            'unit' => $unit === 's' ? 'seconds' : ($unit === 'min' ? 'minutes' : $unit),
            'default' => self::text($d['default'] ?? ''),
            'max_len' => isset($d['max_length']) ? (string) $d['max_length'] : '',
            'choices' => $choices,
            'error' => $error,
        ];
    }

    /** @param mixed $value */
    private static function text($value): string
    {
        if (is_bool($value)) {
            return $value ? '1' : '0';
        }
        return is_scalar($value) ? (string) $value : '';
    }
}
