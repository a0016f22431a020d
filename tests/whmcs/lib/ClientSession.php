<?php

/*
 * The client session of the harness. WHMCS keeps the logged-in client's id in
 * $_SESSION['uid']; modules read only that key (and the CSRF token). Clients log in
 * with the e-mail address and password of their tblclients row (the password stored
 * as password_hash()), as WHMCS's own login does for client accounts. The client area
 * has its own session cookie, so an admin and a client can be logged in side by side.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ClientSession
{
    public const COOKIE = 'WHMCSClientHarness';

    /** Sets a client's login password. */
    public static function setPassword(int $clientId, string $password): void
    {
        Capsule::table('tblclients')->where('id', $clientId)
            ->update(['password' => password_hash($password, PASSWORD_DEFAULT)]);
    }

    /** The active client with these credentials, or null. */
    public static function verify(string $email, string $password): ?int
    {
        $client = $email === '' ? null : Capsule::table('tblclients')->where('email', $email)
            ->where('status', 'Active')->first();
        if ($client === null || !is_string($client->password) || !password_verify($password, $client->password)) {
            return null;
        }
        return (int) $client->id;
    }

    public static function start(): void
    {
        if (session_status() === PHP_SESSION_ACTIVE) {
            return;
        }
        session_save_path(ROOTDIR . '/harness/sessions');
        session_name(self::COOKIE);
        session_set_cookie_params(['path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
        session_start();
    }

    public static function login(int $clientId): void
    {
        session_regenerate_id(true);
        $_SESSION['uid'] = $clientId;
        unset($_SESSION['tkval']); // a new token for the new session
    }

    public static function logout(): void
    {
        $_SESSION = [];
        session_destroy();
    }

    public static function clientId(): int
    {
        return (int) ($_SESSION['uid'] ?? 0);
    }
}
