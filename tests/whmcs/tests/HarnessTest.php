<?php

/*
 * The harness behaves as WHMCS documents it: module logging only with debug logging on
 * and secrets masked, reversible encryption under the installation key, localAPI doing
 * and recording its work, CSRF tokens bound to the session, hooks in priority order,
 * $CONFIG from tblconfiguration, and server module $params built from the tables.
 */

use WHMCS\Config\Setting;
use WHMCS\Database\Capsule;
use WhmcsHarness\Environment;
use WhmcsHarness\LocalApi;
use WhmcsHarness\ServiceParams;

final class HarnessTest extends HarnessTestCase
{
    public function testModuleLogIsEmptyWhileDebugLoggingIsOff(): void
    {
        logModuleCall('puqProxmoxKVM', 'CreateAccount', ['password' => 'hunter2'], 'ok', '', ['hunter2']);
        $this->assertSame(0, Capsule::table('tblmodulelog')->count());
    }

    public function testModuleLogMasksEveryReplaceVarWhenDebugLoggingIsOn(): void
    {
        Environment::setSetting('ModuleDebugMode', 'on');
        logModuleCall('puqProxmoxKVM', 'CreateAccount',
            ['serverpassword' => 'tok-secret-123', 'user' => 'root@pam!whmcs'],
            'HTTP 401 for token tok-secret-123',
            ['echo' => 'tok-secret-123 and tok-secret'],
            ['tok-secret', 'tok-secret-123', '']);
        $row = Capsule::table('tblmodulelog')->first();
        $this->assertNotNull($row);
        $this->assertSame('puqProxmoxKVM', $row->module);
        $this->assertSame('CreateAccount', $row->action);
        foreach (['request', 'response', 'arrdata'] as $column) {
            $this->assertStringNotContainsString('tok-secret', $row->$column, $column);
        }
        // the longer secret is masked whole, not as the shorter one plus a tail
        $this->assertStringContainsString('HTTP 401 for token ' . str_repeat('*', 14), $row->response);
        $this->assertStringContainsString('root@pam!whmcs', $row->request);
        $this->assertStringContainsString('[serverpassword] => ' . str_repeat('*', 14), $row->request);
    }

    public function testEncryptIsReversibleAndSalted(): void
    {
        $a = encrypt('p@ss wörd');
        $b = encrypt('p@ss wörd');
        $this->assertNotSame($a, $b);
        $this->assertStringNotContainsString('p@ss', base64_decode($a));
        $this->assertSame('p@ss wörd', decrypt($a));
        $this->assertSame('p@ss wörd', decrypt($b));
        $this->assertSame('', decrypt('not base64 at all!'));
        $this->assertSame('', decrypt(base64_encode(random_bytes(48))));
    }

    public function testLocalApiLogActivityWritesTheActivityLogAndIsRecorded(): void
    {
        $_SESSION['adminid'] = 1;
        $result = localAPI('LogActivity', ['clientid' => 7, 'description' => 'VM 5546 terminated'], 'admin');
        $this->assertSame(['result' => 'success'], $result);
        $row = Capsule::table('tblactivitylog')->first();
        $this->assertSame('VM 5546 terminated', $row->description);
        $this->assertSame(7, (int) $row->userid);
        $this->assertSame('admin', $row->user);
        $this->assertSame(1, (int) $row->admin_id);
        $this->assertCount(1, LocalApi::calls('LogActivity'));
        $this->assertSame('VM 5546 terminated', LocalApi::recorded('logactivity')[0]['values']['description']);
    }

    public function testLocalApiSendEmailNeedsAnExistingTemplate(): void
    {
        $missing = localAPI('SendEmail', ['messagename' => 'puqProxmoxKVM VM is ready', 'id' => 12]);
        $this->assertSame('error', $missing['result']);
        $this->assertSame('Email Template not found', $missing['message']);

        Capsule::table('tblemailtemplates')->insert(['type' => 'product', 'name' => 'puqProxmoxKVM VM is ready',
            'subject' => 'Virtual Machine is ready', 'message' => 'Hello', 'attachments' => '', 'fromname' => '',
            'fromemail' => '', 'disabled' => 0, 'custom' => 1, 'language' => '', 'copyto' => '',
            'blind_copy_to' => '', 'plaintext' => 0]);
        $sent = localAPI('SendEmail', ['messagename' => 'puqProxmoxKVM VM is ready', 'id' => 12,
            'customvars' => base64_encode(serialize(['vm_id' => 2001]))]);
        $this->assertSame(['result' => 'success'], $sent);

        $calls = LocalApi::calls('SendEmail');
        $this->assertCount(2, $calls);
        $this->assertSame(12, $calls[1]['values']['id']);
        $this->assertSame('success', $calls[1]['result']['result']);
    }

    public function testLocalApiGetClientsDetailsAndUnknownCommands(): void
    {
        $id = $this->insertClient('Ada', 'Lovelace', 'ada@example.test');
        $details = localAPI('GetClientsDetails', ['clientid' => $id, 'stats' => false]);
        $this->assertSame('success', $details['result']);
        $this->assertSame('ada@example.test', $details['client']['email']);
        $this->assertSame('Ada Lovelace', $details['fullname']);
        $this->assertSame('error', localAPI('GetClientsDetails', ['clientid' => $id + 100])['result']);
        $this->assertSame(['result' => 'error', 'message' => 'Command Not Found'], localAPI('NoSuchCommand', []));
    }

    public function testCsrfTokenIsBoundToTheSession(): void
    {
        $token = generate_token('plain');
        $this->assertMatchesRegularExpression('/^[0-9a-f]{40}$/', $token);
        $this->assertSame('<input type="hidden" name="token" value="' . $token . '" />', generate_token());
        $this->assertSame('&token=' . $token, generate_token('link'));
        $this->assertTrue(check_token('WHMCS.admin.default', $token));
        $this->assertFalse(check_token('WHMCS.admin.default', strrev($token)));
        $this->assertFalse(check_token('WHMCS.admin.default', ''));
        $this->assertFalse(check_token('WHMCS.admin.default'), 'no token in the request');
        $_POST['token'] = $token;
        $this->assertTrue(check_token('WHMCS.admin.default'), 'the request\'s token field');
        $_SESSION = [];
        $this->assertFalse(check_token('WHMCS.admin.default', $token), 'another session');
    }

    public function testHooksRunInPriorityOrder(): void
    {
        add_hook('AfterCronJob', 5, static fn () => 'second');
        add_hook('AfterCronJob', 1, static fn (array $vars) => 'first:' . $vars['n']);
        add_hook('AfterCronJob', 5, static fn () => null);
        add_hook('AfterCronJob', 5, static fn () => 'third');
        $this->assertSame(['first:1', 'second', 'third'], run_hook('AfterCronJob', ['n' => 1]));
        $this->assertSame([], run_hook('DailyCronJob', []));
    }

    public function testConfigComesFromTblconfiguration(): void
    {
        Capsule::table('tblconfiguration')->where('setting', 'SystemURL')->update(['value' => 'https://billing.example.test/']);
        Environment::loadSettings();
        $this->assertSame('https://billing.example.test/', $GLOBALS['CONFIG']['SystemURL']);
        $this->assertSame('https://billing.example.test/', Setting::getValue('SystemURL'));
        $this->assertTrue(defined('WHMCS'));
        $this->assertSame(self::root(), ROOTDIR);
        $this->assertSame('admin', Environment::adminPath());
    }

    public function testServerModuleParamsAreBuiltAsWhmcsPassesThem(): void
    {
        $client = $this->insertClient('Grace', 'Hopper', 'grace@example.test');
        $server = Capsule::table('tblservers')->insertGetId($this->whmcsRow('tblservers', [
            'name' => 'pve-waw1', 'ipaddress' => '192.0.2.10', 'hostname' => 'pve.example.test',
            'type' => 'puqProxmoxKVM', 'username' => 'root@pam!whmcs', 'password' => encrypt('token-secret'),
            'accesshash' => '', 'secure' => 'on', 'port' => 8006, 'active' => 1, 'disabled' => 0,
        ]));
        $product = Capsule::table('tblproducts')->insertGetId($this->whmcsRow('tblproducts', [
            'type' => 'server', 'name' => 'VPS S', 'servertype' => 'puqProxmoxKVM',
            'configoption1' => 'pve-node1', 'configoption3' => '2048',
        ]));
        $service = Capsule::table('tblhosting')->insertGetId($this->whmcsRow('tblhosting', [
            'userid' => $client, 'packageid' => $product, 'server' => $server, 'domain' => 'vm1.example.test',
            'username' => 'root', 'password' => encrypt('vm-pass-1'), 'domainstatus' => 'Active',
            'regdate' => '2026-01-01', 'nextinvoicedate' => '2026-02-01', 'billingcycle' => 'Monthly',
        ]));
        $field = Capsule::table('tblcustomfields')->insertGetId($this->whmcsRow('tblcustomfields', [
            'type' => 'product', 'relid' => $product, 'fieldname' => 'os|Operating System', 'fieldtype' => 'dropdown',
        ]));
        Capsule::table('tblcustomfieldsvalues')->insert(['fieldid' => $field, 'relid' => $service, 'value' => 'debian-12']);
        $cpu = Capsule::table('tblproductconfigoptions')->insertGetId(['gid' => 1, 'optionname' => 'cpu|CPU cores',
            'optiontype' => '4', 'qtyminimum' => 1, 'qtymaximum' => 16, 'hidden' => 0]);
        $loc = Capsule::table('tblproductconfigoptions')->insertGetId(['gid' => 1, 'optionname' => 'location',
            'optiontype' => '1', 'qtyminimum' => 0, 'qtymaximum' => 0, 'hidden' => 0]);
        $waw = Capsule::table('tblproductconfigoptionssub')->insertGetId(['configid' => $loc,
            'optionname' => 'waw|Warsaw', 'hidden' => 0]);
        Capsule::table('tblhostingconfigoptions')->insert([
            ['relid' => $service, 'configid' => $cpu, 'optionid' => 0, 'qty' => 4],
            ['relid' => $service, 'configid' => $loc, 'optionid' => $waw, 'qty' => 0],
        ]);

        $params = ServiceParams::forService($service);
        $this->assertSame($service, $params['serviceid']);
        $this->assertSame($client, $params['userid']);
        $this->assertSame($product, $params['pid']);
        $this->assertSame('vm-pass-1', $params['password']);
        $this->assertSame('token-secret', $params['serverpassword']);
        $this->assertSame('root@pam!whmcs', $params['serverusername']);
        $this->assertTrue($params['server']);
        $this->assertTrue($params['serversecure']);
        $this->assertSame('https', $params['serverhttpprefix']);
        $this->assertSame('8006', $params['serverport']);
        $this->assertSame('pve.example.test', $params['serverhostname']);
        $this->assertSame('pve-node1', $params['configoption1']);
        $this->assertSame('2048', $params['configoption3']);
        $this->assertSame('', $params['configoption24']);
        $this->assertSame(['os' => 'debian-12'], $params['customfields']);
        $this->assertSame(['cpu' => 4, 'location' => 'waw'], $params['configoptions']);
        $this->assertSame('grace@example.test', $params['clientsdetails']['email']);
        $this->assertSame('puqProxmoxKVM', $params['moduletype']);
        $this->assertSame('server', $params['producttype']);
    }

    private function insertClient(string $first, string $last, string $email): int
    {
        return Capsule::table('tblclients')->insertGetId($this->whmcsRow('tblclients', [
            'firstname' => $first, 'lastname' => $last, 'email' => $email, 'datecreated' => '2026-01-01',
        ]));
    }
}
