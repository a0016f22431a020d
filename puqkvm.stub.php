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
