<?php

/**
 * The PHP API of the puqkvm extension: the single source of truth from which
 * puqkvm_arginfo.h is generated (scripts/build runs gen_stub.php).
 *
 * Functions are global and prefixed puqkvm_; classes live in the PuqKvm namespace.
 * Bad arguments raise \ValueError; runtime failures throw a PuqKvm\Exception subclass
 * whose code is the core's error number.
 *
 * Sections belong to the core rooms they expose; keep each addition inside its section.
 *
 * @generate-class-entries
 */

namespace {
    /* ---- base ------------------------------------------------------------------- */

    /** The extension's own version, e.g. "0.1.0". */
    function puqkvm_version(): string {}

    /**
     * Versions of the extension, its schema and the libraries it is linked against,
     * read from the libraries themselves at run time.
     * @return array<string, string|int>
     */
    function puqkvm_versions(): array {}

    /**
     * The core's error table: number => [name, category, message].
     * @return array<int, array{name: string, category: string, message: string}>
     */
    function puqkvm_errors(): array {}

    /* ---- store ------------------------------------------------------------------ */

    /* ---- settings --------------------------------------------------------------- */

    /* ---- admin (page-level queries) ---------------------------------------------- */

    /* ---- http / bench ------------------------------------------------------------ */

    /* ---- ip ---------------------------------------------------------------------- */

    /**
     * The address in its one text form: IPv6 canonical (RFC 5952, "2001:db8::7") or,
     * with $expanded, as 8 groups of 4 hex digits (the form tblhosting.assignedips
     * carries); IPv4 as a dotted quad either way. Accepts every RFC 4291 text form.
     * @throws \ValueError with the reason when $ip is not an address
     */
    function puqkvm_ip_normalize(string $ip, bool $expanded = false): string {}

    /**
     * The PTR name of the address without a trailing dot: "2.130.168.192.in-addr.arpa",
     * or 32 nibbles + ".ip6.arpa".
     * @throws \ValueError with the reason when $ip is not an address
     */
    function puqkvm_ip_ptr_name(string $ip): string {}

    /**
     * The reverse zone of the prefix $ip/$prefix (host bits ignored), without a trailing
     * dot, or null when the prefix needs classless delegation: IPv4 has zones only for
     * /8, /16 and /24, IPv6 for every multiple of 4.
     * @throws \ValueError when $ip is not an address or $prefix is out of range
     */
    function puqkvm_ip_rdns_zone(string $ip, int $prefix): ?string {}

    /* ---- pool -------------------------------------------------------------------- */

    /* ---- dns --------------------------------------------------------------------- */

    /* ---- pve --------------------------------------------------------------------- */

    /* ---- vm / cron --------------------------------------------------------------- */
}

namespace PuqKvm {
    /** Base of every exception the extension throws; the code is the core error number. */
    class Exception extends \RuntimeException
    {
    }

    /** Bad input: nothing was changed. getErrors() maps each field to its message. */
    class ValidationException extends Exception
    {
        /** @var array<string, string> */
        protected array $errors = [];

        /** @return array<string, string> */
        public function getErrors(): array {}
    }

    class NotFoundException extends Exception
    {
    }

    class ConflictException extends Exception
    {
    }

    class StateException extends Exception
    {
    }

    class DatabaseException extends Exception
    {
    }

    /** The database schema does not match this build: run the migrations (addon upgrade). */
    class SchemaException extends Exception
    {
    }

    /** A remote endpoint failed; getHttpStatus() is the remote status (0 if none). */
    class HttpException extends Exception
    {
        protected int $httpStatus = 0;

        public function getHttpStatus(): int {}
    }

    class ProxmoxException extends HttpException
    {
    }

    class DnsException extends HttpException
    {
    }

    class InternalException extends Exception
    {
    }
}
