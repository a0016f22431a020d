<?php

/*
 * The frame of every module function: extension check, catch-all, module log with the
 * secrets masked. A module function must never throw into WHMCS (a fatal error there
 * breaks the admin page or the cron run), so every Throwable becomes the error string
 * WHMCS shows, and the call is logged with logModuleCall as WHMCS modules do.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

final class ModuleCall
{
    public const MODULE = 'puqProxmoxKVM';

    /** Extension versions this module works with (same major.minor). */
    private const VERSION = '0.1';

    /**
     * Runs $work and returns its array, or ['error' => message] when anything fails.
     *
     * @param array<string, mixed> $params
     * @param callable(): array<string, mixed> $work
     * @return array<string, mixed>
     */
    public static function run(string $function, array $params, callable $work): array
    {
        $action = preg_replace('/^puqProxmoxKVM_/', '', $function);
        try {
            $problem = self::extensionProblem();
            $result = $problem === null ? $work() : ['error' => $problem];
        } catch (\Throwable $e) {
            $result = ['error' => self::describe($e)];
        }
        self::log($action, $params, $result);
        return $result;
    }

    /**
     * As run(), for the provisioning functions and buttons, which WHMCS expects to
     * answer "success" or the error message.
     *
     * @param array<string, mixed> $params
     * @param callable(): string $work
     */
    public static function provision(string $function, array $params, callable $work): string
    {
        $result = self::run($function, $params, static fn () => ['result' => $work()]);
        return isset($result['error']) ? (string) $result['error'] : 'success';
    }

    /** Why the extension cannot be used, or null. */
    public static function extensionProblem(): ?string
    {
        if (!extension_loaded('puqkvm') || !function_exists('puqkvm_version')) {
            return 'The puqkvm PHP extension is not loaded: install puqkvm.so and add '
                . '"extension=puqkvm" to the php.ini of the PHP that runs WHMCS.';
        }
        $version = puqkvm_version();
        if (strpos($version . '.', self::VERSION . '.') !== 0) {
            return "The puqkvm extension is version $version; this module needs " . self::VERSION . '.x.';
        }
        return null;
    }

    /** The message WHMCS shows: every field for a validation error. */
    public static function describe(\Throwable $e): string
    {
        if ($e instanceof \PuqKvm\ValidationException) {
            $parts = [];
            foreach ($e->getErrors() as $field => $message) {
                $parts[] = self::fieldLabel($field) . ": $message";
            }
            return implode('; ', $parts) ?: $e->getMessage();
        }
        if ($e instanceof \PuqKvm\Exception) {
            return $e->getMessage();
        }
        return 'Unexpected error: ' . $e->getMessage();
    }

    /** WHMCS's label of a server field, so the admin finds it on the form. */
    private static function fieldLabel(string $field): string
    {
        // a product setting: configoptionN, or configoption23.<key> of the advanced text
        if (preg_match('/^configoption(\d+)(?:\.([a-z0-9_]+))?$/', $field, $m) && function_exists('puqkvm_vm_product_settings')) {
            foreach (puqkvm_vm_product_settings() as $d) {
                if (isset($m[2]) ? $d['name'] === $m[2] : (int) $d['slot'] === (int) $m[1]) {
                    return isset($m[2]) ? "Advanced settings, {$d['name']}" : $d['label'];
                }
            }
        }
        if (str_starts_with($field, 'option.')) {
            return 'Configurable option "' . substr($field, 7) . '"';
        }
        $labels = ['hostname' => 'Hostname', 'ip' => 'IP Address', 'port' => 'Port',
            'username' => 'Username (API token id)', 'password' => 'Password (token secret)',
            'accesshash' => 'Access Hash', 'secure' => 'Secure'];
        return $labels[$field] ?? $field;
    }

    /**
     * logModuleCall with every secret masked: the token secret, the Access Hash (it may
     * name internal addresses) and the client's service password.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $result
     */
    private static function log(string $action, array $params, array $result): void
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        $secrets = [];
        foreach (['serverpassword', 'password', 'serveraccesshash'] as $key) {
            if (isset($params[$key]) && is_scalar($params[$key]) && (string) $params[$key] !== '') {
                $secrets[] = (string) $params[$key];
            }
        }
        $request = array_intersect_key($params, array_flip(['serverhostname', 'serverip',
            'serverport', 'serversecure', 'serverusername', 'serverid', 'serviceid']));
        logModuleCall(self::MODULE, $action, $request, $result['error'] ?? 'success', $result, $secrets);
    }
}
