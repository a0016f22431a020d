<?php

/*
 * localAPI(): WHMCS's internal API, for the commands the shims use. Each command works
 * on the harness database the way WHMCS documents it (LogActivity writes tblactivitylog,
 * SendEmail refuses an unknown template, GetClientsDetails reads tblclients), and every
 * call — command, values, admin user, result — is recorded twice: in memory for tests
 * in the same process (calls()) and as a JSON line in <root>/harness/localapi.jsonl for
 * tests that drive the module over HTTP (recorded()).
 *
 * SendEmail sends nothing: the recorded call is the e-mail.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class LocalApi
{
    /** @var list<array{command: string, values: array, adminUser: string, result: array}> */
    private static array $calls = [];

    /** @param array<string, mixed> $values @return array<string, mixed> */
    public static function call(string $command, array $values, string $adminUser): array
    {
        $handler = self::HANDLERS[strtolower($command)] ?? null;
        try {
            $result = $handler === null
                ? ['result' => 'error', 'message' => 'Command Not Found']
                : self::$handler($values, $adminUser);
        } catch (\Throwable $e) {
            $result = ['result' => 'error', 'message' => $e->getMessage()];
        }
        $entry = ['command' => $command, 'values' => $values, 'adminUser' => $adminUser, 'result' => $result];
        self::$calls[] = $entry;
        $root = Environment::root();
        if ($root !== null) {
            file_put_contents("$root/harness/localapi.jsonl", json_encode($entry) . "\n", FILE_APPEND | LOCK_EX);
        }
        return $result;
    }

    /** Calls made in this process, optionally only those of one command. */
    public static function calls(?string $command = null): array
    {
        if ($command === null) {
            return self::$calls;
        }
        return array_values(array_filter(self::$calls,
            static fn (array $c) => strcasecmp($c['command'], $command) === 0));
    }

    /** Calls recorded in the booted root by any process. */
    public static function recorded(?string $command = null): array
    {
        $root = Environment::root();
        $file = $root === null ? null : "$root/harness/localapi.jsonl";
        if ($file === null || !is_file($file)) {
            return [];
        }
        $calls = [];
        foreach (file($file, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
            $call = json_decode($line, true);
            if ($command === null || strcasecmp($call['command'], $command) === 0) {
                $calls[] = $call;
            }
        }
        return $calls;
    }

    /** Forgets the calls of this process (the file is kept: it belongs to the root). */
    public static function reset(): void
    {
        self::$calls = [];
    }

    private const HANDLERS = [
        'sendemail' => 'sendEmail',
        'logactivity' => 'logActivity',
        'getclientsdetails' => 'getClientsDetails',
        'encryptpassword' => 'encryptPassword',
        'decryptpassword' => 'decryptPassword',
        'getconfigurationvalue' => 'getConfigurationValue',
    ];

    private static function sendEmail(array $v, string $admin): array
    {
        if (!empty($v['customtype'])) {
            if (empty($v['customsubject']) || empty($v['custommessage'])) {
                return ['result' => 'error', 'message' => 'A subject and message are required for a custom email'];
            }
        } else {
            $name = (string) ($v['messagename'] ?? '');
            $found = $name !== '' && Capsule::table('tblemailtemplates')
                ->where('name', $name)->where('language', '')->exists();
            if (!$found) {
                return ['result' => 'error', 'message' => 'Email Template not found'];
            }
        }
        if (empty($v['id'])) {
            return ['result' => 'error', 'message' => 'A related ID is required'];
        }
        if (empty($v['customtype'])) {
            self::logEmail((string) $v['messagename'], (int) $v['id'], (string) ($v['customvars'] ?? ''));
        }
        return ['result' => 'success'];
    }

    /**
     * What WHMCS keeps of a sent product e-mail: a tblemails row for the service's
     * client with the template's subject and message, merge fields filled from the
     * service and from customvars (base64 of a serialized array, as WHMCS takes it).
     */
    private static function logEmail(string $name, int $serviceId, string $customVars): void
    {
        $template = Capsule::table('tblemailtemplates')->where('name', $name)->where('language', '')->first();
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($template === null || $service === null) {
            return;
        }
        $client = Capsule::table('tblclients')->where('id', $service->userid)->first();
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $vars = [
            'client_name' => $client ? trim($client->firstname . ' ' . $client->lastname) : '',
            'service_product_name' => $product ? $product->name : '',
            'service_domain' => $service->domain,
            'service_dedicated_ip' => $service->dedicatedip,
            'service_assigned_ips' => $service->assignedips,
            'service_username' => $service->username,
            'service_password' => Crypto::decrypt($service->password),
            'signature' => '',
        ];
        $custom = $customVars !== '' ? @unserialize(base64_decode($customVars), ['allowed_classes' => false]) : [];
        if (is_array($custom)) {
            $vars = $custom + $vars;
        }
        $fill = static fn (string $text): string => preg_replace_callback('/\{\$([a-z0-9_]+)\}/i',
            static fn (array $m): string => (string) ($vars[$m[1]] ?? ''), $text);
        Capsule::table('tblemails')->insert([
            'userid' => (int) $service->userid,
            'subject' => $fill($template->subject),
            'message' => $fill($template->message),
            'date' => date('Y-m-d H:i:s'),
            'to' => $client ? $client->email : '',
        ]);
    }

    private static function logActivity(array $v, string $admin): array
    {
        $description = trim((string) ($v['description'] ?? ''));
        if ($description === '') {
            return ['result' => 'error', 'message' => 'Description is required'];
        }
        $userId = (int) ($v['clientid'] ?? 0);
        Capsule::table('tblactivitylog')->insert([
            'date' => date('Y-m-d H:i:s'),
            'description' => $description,
            'user' => $admin !== '' ? $admin : 'System',
            'userid' => $userId,
            'user_id' => 0,
            'admin_id' => (int) ($_SESSION['adminid'] ?? 0),
            'ipaddr' => (string) ($_SERVER['REMOTE_ADDR'] ?? ''),
        ]);
        return ['result' => 'success'];
    }

    private static function getClientsDetails(array $v, string $admin): array
    {
        $query = Capsule::table('tblclients');
        if (!empty($v['clientid'])) {
            $query->where('id', (int) $v['clientid']);
        } elseif (!empty($v['email'])) {
            $query->where('email', (string) $v['email']);
        } else {
            return ['result' => 'error', 'message' => 'Client ID or Email Address Required'];
        }
        $row = $query->first();
        if ($row === null) {
            return ['result' => 'error', 'message' => 'Client Not Found'];
        }
        $client = self::clientDetails($row);
        return ['result' => 'success', 'userid' => $client['userid'], 'id' => $client['id'],
            'client' => $client] + $client;
    }

    /**
     * The client fields WHMCS hands out (GetClientsDetails "client", a module's
     * $params['clientsdetails']); card and bank data are never included.
     *
     * @return array<string, mixed>
     */
    public static function clientDetails(object $row): array
    {
        return [
            'userid' => (int) $row->id,
            'id' => (int) $row->id,
            'uuid' => $row->uuid,
            'firstname' => $row->firstname,
            'lastname' => $row->lastname,
            'fullname' => trim($row->firstname . ' ' . $row->lastname),
            'companyname' => $row->companyname,
            'email' => $row->email,
            'address1' => $row->address1,
            'address2' => $row->address2,
            'city' => $row->city,
            'fullstate' => $row->state,
            'state' => $row->state,
            'postcode' => $row->postcode,
            'countrycode' => $row->country,
            'country' => $row->country,
            'phonenumber' => $row->phonenumber,
            'tax_id' => $row->tax_id,
            'status' => $row->status,
            'language' => $row->language,
            'groupid' => (int) $row->groupid,
            'currency' => (int) $row->currency,
            'notes' => $row->notes,
            'credit' => $row->credit,
            'taxexempt' => (bool) $row->taxexempt,
        ];
    }

    private static function encryptPassword(array $v, string $admin): array
    {
        return ['result' => 'success', 'password' => Crypto::encrypt((string) ($v['password2'] ?? ''))];
    }

    private static function decryptPassword(array $v, string $admin): array
    {
        return ['result' => 'success', 'password' => Crypto::decrypt((string) ($v['password2'] ?? ''))];
    }

    private static function getConfigurationValue(array $v, string $admin): array
    {
        $setting = (string) ($v['setting'] ?? '');
        if (!array_key_exists($setting, $GLOBALS['CONFIG'] ?? [])) {
            return ['result' => 'error', 'message' => 'Invalid setting'];
        }
        return ['result' => 'success', 'setting' => $setting, 'value' => $GLOBALS['CONFIG'][$setting]];
    }
}
