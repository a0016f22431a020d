<?php

/*
 * The CSRF token of an admin or client session. WHMCS keeps one random token per
 * session, prints it into forms as the "token" field (generate_token) and compares the
 * submitted one (check_token). The namespace argument ("WHMCS.admin.default",
 * "WHMCS.default") names the area the check is made for; both areas share the
 * session's token.
 */

namespace WhmcsHarness;

final class Token
{
    public const NAMESPACES = ['WHMCS.default', 'WHMCS.admin.default'];

    public static function value(): string
    {
        if (!isset($_SESSION) || !is_array($_SESSION)) {
            $_SESSION = [];
        }
        if (empty($_SESSION['tkval']) || !is_string($_SESSION['tkval'])) {
            $_SESSION['tkval'] = bin2hex(random_bytes(20));
        }
        return $_SESSION['tkval'];
    }

    public static function generate(string $type): string
    {
        $token = self::value();
        switch ($type) {
            case 'plain':
                return $token;
            case 'link':
                return '&token=' . $token;
            default:
                return '<input type="hidden" name="token" value="' . $token . '" />';
        }
    }

    public static function check(string $namespace, ?string $token): bool
    {
        if (!in_array($namespace, self::NAMESPACES, true)) {
            throw new \InvalidArgumentException("unknown token namespace $namespace");
        }
        $submitted = $token ?? ($_POST['token'] ?? $_GET['token'] ?? null);
        if (!is_string($submitted) || $submitted === '' || empty($_SESSION['tkval'])) {
            return false;
        }
        return hash_equals((string) $_SESSION['tkval'], $submitted);
    }
}
