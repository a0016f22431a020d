<?php

/*
 * The $params array WHMCS passes to every function of a server (provisioning) module,
 * built from the harness tables for one service (tblhosting.id), with WHMCS's keys
 * and conventions:
 *   - password and serverpassword arrive decrypted (the tables hold encrypt() output);
 *   - customfields is fieldname => value, the name cut at "|" (WHMCS's "name|label");
 *   - configoptions is optionname => value: the chosen sub-option's name for dropdown
 *     and radio options, the quantity for quantity and yes/no options;
 *   - configoption1..24 are the product's module settings;
 *   - clientsdetails is the client as GetClientsDetails returns it;
 *   - server is false and the server* keys are empty when no server is assigned.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class ServiceParams
{
    /** WHMCS configurable option types (tblproductconfigoptions.optiontype). */
    private const OPTION_DROPDOWN = 1;
    private const OPTION_RADIO = 2;
    private const OPTION_YESNO = 3;
    private const OPTION_QUANTITY = 4;

    /**
     * What WHMCS passes to TestConnection for a tblservers row: the server* keys, the
     * password decrypted.
     * @return array<string, mixed>
     */
    public static function forServer(int $serverId): array
    {
        $s = Capsule::table('tblservers')->where('id', $serverId)->first();
        if ($s === null) {
            throw new \InvalidArgumentException("no server $serverId in tblservers");
        }
        return [
            'serverid' => (int) $s->id, 'serverip' => $s->ipaddress, 'serverhostname' => $s->hostname,
            'serverusername' => $s->username, 'serverpassword' => Crypto::decrypt($s->password),
            'serveraccesshash' => $s->accesshash, 'serversecure' => $s->secure === 'on',
            'serverhttpprefix' => $s->secure === 'on' ? 'https' : 'http', 'serverport' => (string) $s->port,
        ];
    }

    /** @return array<string, mixed> */
    public static function forService(int $serviceId): array
    {
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        if ($service === null) {
            throw new \InvalidArgumentException("no service $serviceId in tblhosting");
        }
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        if ($product === null) {
            throw new \InvalidArgumentException("service $serviceId: no product {$service->packageid}");
        }
        $client = Capsule::table('tblclients')->where('id', $service->userid)->first();

        $params = [
            'accountid' => (int) $service->id,
            'serviceid' => (int) $service->id,
            'addonId' => 0,
            'userid' => (int) $service->userid,
            'domain' => $service->domain,
            'username' => $service->username,
            'password' => Crypto::decrypt($service->password),
            'packageid' => (int) $product->id,
            'pid' => (int) $product->id,
            'serverid' => (int) $service->server,
            'status' => $service->domainstatus,
            'type' => 'product',
            'producttype' => $product->type,
            'moduletype' => $product->servertype,
        ];
        for ($i = 1; $i <= 24; $i++) {
            $params["configoption$i"] = $product->{"configoption$i"};
        }
        $params['customfields'] = self::customFields((int) $product->id, (int) $service->id);
        $params['configoptions'] = self::configOptions((int) $service->id);
        $params['clientsdetails'] = $client === null ? [] : LocalApi::clientDetails($client);
        return $params + self::server((int) $service->server);
    }

    /** @return array<string, string> */
    private static function customFields(int $productId, int $serviceId): array
    {
        $rows = Capsule::table('tblcustomfields as f')
            ->leftJoin('tblcustomfieldsvalues as v', function ($join) use ($serviceId) {
                $join->on('v.fieldid', '=', 'f.id')->where('v.relid', '=', $serviceId);
            })
            ->where('f.type', 'product')->where('f.relid', $productId)
            ->orderBy('f.sortorder')->orderBy('f.id')
            ->get(['f.fieldname', 'v.value']);
        $fields = [];
        foreach ($rows as $row) {
            $fields[self::shortName($row->fieldname)] = (string) ($row->value ?? '');
        }
        return $fields;
    }

    /** @return array<string, string|int> */
    private static function configOptions(int $serviceId): array
    {
        $rows = Capsule::table('tblhostingconfigoptions as h')
            ->join('tblproductconfigoptions as o', 'o.id', '=', 'h.configid')
            ->leftJoin('tblproductconfigoptionssub as s', 's.id', '=', 'h.optionid')
            ->where('h.relid', $serviceId)
            ->orderBy('o.order')->orderBy('o.id')
            ->get(['o.optionname', 'o.optiontype', 'h.qty', 's.optionname as suboption']);
        $options = [];
        foreach ($rows as $row) {
            $name = self::shortName($row->optionname);
            switch ((int) $row->optiontype) {
                case self::OPTION_QUANTITY:
                case self::OPTION_YESNO:
                    $options[$name] = (int) $row->qty;
                    break;
                case self::OPTION_DROPDOWN:
                case self::OPTION_RADIO:
                default:
                    $options[$name] = self::shortName((string) ($row->suboption ?? ''));
            }
        }
        return $options;
    }

    /** @return array<string, mixed> */
    private static function server(int $serverId): array
    {
        $server = $serverId > 0 ? Capsule::table('tblservers')->where('id', $serverId)->first() : null;
        if ($server === null) {
            return ['server' => false, 'serverip' => '', 'serverhostname' => '', 'serverusername' => '',
                'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => false,
                'serverhttpprefix' => 'http', 'serverport' => ''];
        }
        $secure = $server->secure === 'on';
        return [
            'server' => true,
            'serverip' => $server->ipaddress,
            'serverhostname' => $server->hostname,
            'serverusername' => $server->username,
            'serverpassword' => Crypto::decrypt($server->password),
            'serveraccesshash' => $server->accesshash,
            'serversecure' => $secure,
            'serverhttpprefix' => $secure ? 'https' : 'http',
            'serverport' => $server->port === null ? '' : (string) $server->port,
        ];
    }

    /** WHMCS names may carry a display label after "|": "os|Operating System". */
    private static function shortName(string $name): string
    {
        $bar = strpos($name, '|');
        return $bar === false ? $name : substr($name, 0, $bar);
    }
}
