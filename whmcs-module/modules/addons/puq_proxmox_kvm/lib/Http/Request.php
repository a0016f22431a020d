<?php

/*
 * One admin request to the addon page, read once from PHP's globals (or built by a
 * test): the action (the "action" query parameter, "home" when absent), the method,
 * query and form fields, the admin session and the CSRF token submitted with it.
 * Controllers see only this object, so every rule about input lives in one place.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

final class Request
{
    private string $method;
    /** @var array<string, mixed> */
    private array $query;
    /** @var array<string, mixed> */
    private array $post;
    /** @var array<string, string> lower-case header name => value */
    private array $headers;
    private int $adminId;
    private string $moduleLink;

    /**
     * @param array<string, mixed> $query
     * @param array<string, mixed> $post
     * @param array<string, string> $headers
     */
    public function __construct(
        string $method,
        array $query,
        array $post,
        array $headers,
        int $adminId,
        string $moduleLink
    ) {
        $this->method = strtoupper($method);
        $this->query = $query;
        $this->post = $post;
        $this->headers = array_change_key_case($headers, CASE_LOWER);
        $this->adminId = $adminId;
        $this->moduleLink = $moduleLink;
    }

    public static function fromGlobals(string $moduleLink): self
    {
        $headers = [];
        foreach ($_SERVER as $key => $value) {
            if (strncmp($key, 'HTTP_', 5) === 0 && is_string($value)) {
                $headers[str_replace('_', '-', strtolower(substr($key, 5)))] = $value;
            }
        }
        $adminId = isset($_SESSION['adminid']) && is_numeric($_SESSION['adminid']) ? (int) $_SESSION['adminid'] : 0;
        return new self((string) ($_SERVER['REQUEST_METHOD'] ?? 'GET'), $_GET, $_POST, $headers, $adminId,
            $moduleLink);
    }

    /** The requested action; "" when the parameter is not a plain string. */
    public function action(): string
    {
        $action = $this->query['action'] ?? 'home';
        return is_string($action) ? $action : '';
    }

    public function method(): string
    {
        return $this->method;
    }

    public function isPost(): bool
    {
        return $this->method === 'POST';
    }

    /** AJAX callers ask for JSON with ajax=1 (query or form) or an X-Requested-With header. */
    public function wantsJson(): bool
    {
        return ($this->query['ajax'] ?? $this->post['ajax'] ?? '') === '1'
            || strcasecmp($this->headers['x-requested-with'] ?? '', 'XMLHttpRequest') === 0;
    }

    /** A query parameter as a string ("" when absent or not a string). */
    public function query(string $name): string
    {
        $v = $this->query[$name] ?? '';
        return is_string($v) ? $v : '';
    }

    /** A form field as a string ("" when absent or not a string). */
    public function post(string $name): string
    {
        $v = $this->post[$name] ?? '';
        return is_string($v) ? $v : '';
    }

    /** A form field holding name => string pairs (e.g. settings[...]); other shapes give []. */
    public function postMap(string $name): array
    {
        $v = $this->post[$name] ?? [];
        if (!is_array($v)) {
            return [];
        }
        return array_filter($v, static fn ($item, $key) => is_string($key) && is_string($item),
            ARRAY_FILTER_USE_BOTH);
    }

    public function adminId(): int
    {
        return $this->adminId;
    }

    /** The CSRF token sent with the request: the "token" form field or an X-CSRF-Token header. */
    public function token(): string
    {
        $token = $this->post['token'] ?? $this->headers['x-csrf-token'] ?? '';
        return is_string($token) ? $token : '';
    }

    /** The URL of an action of this addon, relative to the admin area. */
    public function url(string $action, array $params = []): string
    {
        $query = http_build_query(['action' => $action] + $params, '', '&', PHP_QUERY_RFC3986);
        return $this->moduleLink . '&' . $query;
    }

    public function moduleLink(): string
    {
        return $this->moduleLink;
    }
}
