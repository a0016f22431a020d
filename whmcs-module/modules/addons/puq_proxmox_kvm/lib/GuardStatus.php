<?php

/*
 * The outcome of a Guard check: a state, a one-line message naming what is wrong, and
 * a detail line saying what to do. The notice template renders it; JSON endpoints
 * return it as {"error": message, "detail": ...} with status 503.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class GuardStatus
{
    public const OK = 'ok';
    public const NO_EXTENSION = 'no_extension';
    public const VERSION_MISMATCH = 'version_mismatch';
    public const DATABASE = 'database';
    public const SCHEMA_OUTDATED = 'schema_outdated';
    public const SCHEMA_NEWER = 'schema_newer';

    public string $state;
    public string $message;
    public string $detail;
    public int $schemaCurrent;
    public int $schemaRequired;

    public function __construct(
        string $state,
        string $message,
        string $detail,
        int $schemaCurrent = 0,
        int $schemaRequired = 0
    ) {
        $this->state = $state;
        $this->message = $message;
        $this->detail = $detail;
        $this->schemaCurrent = $schemaCurrent;
        $this->schemaRequired = $schemaRequired;
    }

    public function ok(): bool
    {
        return $this->state === self::OK;
    }

    /** An outdated schema is the one problem the admin can fix from the addon page. */
    public function canUpgrade(): bool
    {
        return $this->state === self::SCHEMA_OUTDATED;
    }
}
