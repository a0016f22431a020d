<?php

/*
 * Admin accounts and the admin session of the harness. WHMCS keeps admins in tbladmins
 * and marks a logged-in admin with $_SESSION['adminid']; modules read only that session
 * key (and the CSRF token), so the harness keeps its admins in
 * <root>/harness/admin.json (username, password hash, id) and sets the same key.
 * Sessions are files in <root>/harness/sessions.
 */

namespace WhmcsHarness;

final class AdminSession
{
    public const COOKIE = 'WHMCSAdminHarness';

    /** Creates or replaces the admin account of the root. */
    public static function createAdmin(string $username, string $password, int $id = 1): void
    {
        $file = self::file();
        $data = ['id' => $id, 'username' => $username, 'password_hash' => password_hash($password, PASSWORD_DEFAULT)];
        file_put_contents($file, json_encode($data, JSON_PRETTY_PRINT) . "\n", LOCK_EX);
        chmod($file, 0600);
    }

    /** @return array{id: int, username: string}|null the admin when the password matches */
    public static function verify(string $username, string $password): ?array
    {
        $admin = self::admin();
        if ($admin === null || !hash_equals($admin['username'], $username)
            || !password_verify($password, $admin['password_hash'])) {
            return null;
        }
        return ['id' => (int) $admin['id'], 'username' => $admin['username']];
    }

    /** @return array{id: int, username: string, password_hash: string}|null */
    public static function admin(): ?array
    {
        $file = self::file();
        if (!is_file($file)) {
            return null;
        }
        $data = json_decode((string) file_get_contents($file), true);
        return is_array($data) ? $data : null;
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

    public static function login(array $admin): void
    {
        session_regenerate_id(true);
        $_SESSION['adminid'] = $admin['id'];
        $_SESSION['adminusername'] = $admin['username'];
        unset($_SESSION['tkval']); // a new token for the new session
    }

    public static function logout(): void
    {
        $_SESSION = [];
        session_regenerate_id(true);
    }

    public static function adminId(): int
    {
        return (int) ($_SESSION['adminid'] ?? 0);
    }

    private static function file(): string
    {
        return ROOTDIR . '/harness/admin.json';
    }
}
