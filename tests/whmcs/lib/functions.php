<?php

/*
 * The global functions WHMCS defines for modules, with WHMCS's documented signatures.
 * Each delegates to a harness class that keeps what it did inspectable by tests
 * (ModuleLog, Crypto, LocalApi, Hooks, Token). A module calls them exactly as it
 * would inside WHMCS; nothing here exists in production, where WHMCS provides them.
 */

use WhmcsHarness\Crypto;
use WhmcsHarness\Hooks;
use WhmcsHarness\LocalApi;
use WhmcsHarness\ModuleLog;
use WhmcsHarness\Token;

/**
 * Writes a module log entry (Utilities > Logs > Module Log) when module debug logging
 * is on; every value in $replaceVars is masked in the stored request, response and
 * processed data.
 *
 * @param string $module
 * @param string $action
 * @param string|array $requestString
 * @param string|array $responseData
 * @param string|array $processedData
 * @param array $replaceVars
 */
function logModuleCall($module, $action, $requestString, $responseData, $processedData = '', $replaceVars = [])
{
    ModuleLog::write((string) $module, (string) $action, $requestString, $responseData, $processedData,
        is_array($replaceVars) ? $replaceVars : []);
}

/** Encrypts with the installation's key ($cc_encryption_hash); returns base64 text. */
function encrypt($string)
{
    return Crypto::encrypt((string) $string);
}

/** Decrypts what encrypt() produced; "" when the text is not a valid ciphertext. */
function decrypt($string)
{
    return Crypto::decrypt((string) $string);
}

/**
 * Runs an internal API command and returns its result array ("result" => "success" or
 * "error" with "message"). Every call is recorded for assertions.
 */
function localAPI($command, $values = [], $adminUser = '')
{
    return LocalApi::call((string) $command, is_array($values) ? $values : [], (string) $adminUser);
}

/** Registers a hook function for a hook point; lower priority numbers run first. */
function add_hook($hookName, $priority, $hookFunction, $rollbackFunction = '')
{
    Hooks::add((string) $hookName, (int) $priority, $hookFunction);
}

/** Runs every function registered for a hook point; returns their non-null results. */
function run_hook($hookName, $args = [])
{
    return Hooks::run((string) $hookName, is_array($args) ? $args : []);
}

/**
 * The CSRF token of the session: "form" gives the hidden input, "link" the query
 * string fragment, "plain" the bare value.
 */
function generate_token($type = 'form')
{
    return Token::generate((string) $type);
}

/**
 * Checks the token of the request (the "token" POST or GET field, or $token when
 * given) against the session's; returns false when missing or wrong.
 */
function check_token($namespace = 'WHMCS.default', $token = null)
{
    return Token::check((string) $namespace, $token === null ? null : (string) $token);
}
