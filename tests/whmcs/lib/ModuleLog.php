<?php

/*
 * logModuleCall() as WHMCS implements it: nothing is stored unless module debug logging
 * is on (Utilities > Logs > Module Log > Enable Debug Logging, stored as tblconfiguration
 * ModuleDebugMode = "on"); arrays and objects are stored as print_r() text; every
 * non-empty string in $replaceVars is replaced by asterisks of the same length in the
 * request, the response and the processed data before the row is written.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ModuleLog
{
    public static function enabled(): bool
    {
        return ($GLOBALS['CONFIG']['ModuleDebugMode'] ?? '') === 'on';
    }

    /**
     * @param mixed $request
     * @param mixed $response
     * @param mixed $processed
     * @param array<mixed> $replaceVars
     */
    public static function write(
        string $module,
        string $action,
        $request,
        $response,
        $processed,
        array $replaceVars
    ): void {
        if (!self::enabled()) {
            return;
        }
        Capsule::table('tblmodulelog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'module' => $module,
            'action' => $action,
            'request' => self::mask(self::text($request), $replaceVars),
            'response' => self::mask(self::text($response), $replaceVars),
            'arrdata' => self::mask(self::text($processed), $replaceVars),
        ]);
    }

    /** @param mixed $value */
    private static function text($value): string
    {
        if (is_array($value) || is_object($value)) {
            return print_r($value, true);
        }
        return (string) $value;
    }

    /** @param array<mixed> $replaceVars */
    private static function mask(string $text, array $replaceVars): string
    {
        // longest first, so a secret containing another secret is masked whole
        $secrets = array_filter(array_map(
            static fn ($v) => is_scalar($v) ? (string) $v : '',
            array_values($replaceVars)
        ), static fn (string $v) => $v !== '');
        usort($secrets, static fn (string $a, string $b) => strlen($b) <=> strlen($a));
        foreach ($secrets as $secret) {
            $text = str_replace($secret, str_repeat('*', strlen($secret)), $text);
        }
        return $text;
    }
}
