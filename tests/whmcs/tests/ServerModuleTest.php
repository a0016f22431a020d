<?php

/*
 * The server module puqProxmoxKVM through the harness: MetaData, and TestConnection
 * against the Proxmox VE simulator with the parameters WHMCS passes for a tblservers row
 * (password decrypted). Covers the WHMCS return contract, every failing step, the
 * missing privileges message and the module log with secrets masked.
 */

use WHMCS\Database\Capsule;
use WhmcsHarness\Crypto;

final class ServerModuleTest extends HarnessTestCase
{
    private const SECRET = '6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e';

    /** @var resource|null */
    private static $sim = null;
    /** @var array<string, mixed> */
    private static array $info = [];

    public static function setUpBeforeClass(): void
    {
        $root = getenv('PUQKVM_ROOT') ?: dirname(__DIR__, 3);
        $cmd = ['node', "$root/tests/sim/proxmox/cli.js", '--auth-delay-ms', '50'];
        self::$sim = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        self::$info = json_decode((string) fgets($pipes[1]), true) ?: [];
        require_once dirname(__DIR__, 3) . '/whmcs-module/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$sim) {
            proc_terminate(self::$sim);
            proc_close(self::$sim);
        }
    }

    /** A tblservers row, and the parameters WHMCS builds from it for TestConnection. */
    private function server(array $fields = []): array
    {
        $row = $fields + [
            'name' => 'pve-sim', 'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1',
            'port' => self::$info['port'], 'username' => 'automation@pve!ci',
            'password' => self::SECRET, 'accesshash' => 'fingerprint=' . self::$info['fingerprint'],
            'secure' => 'on',
        ];
        $id = Capsule::table('tblservers')->insertGetId([
            'name' => $row['name'], 'ipaddress' => $row['ipaddress'], 'assignedips' => '',
            'hostname' => $row['hostname'], 'noc' => '', 'statusaddress' => '',
            'nameserver1' => '', 'nameserver1ip' => '', 'nameserver2' => '', 'nameserver2ip' => '',
            'nameserver3' => '', 'nameserver3ip' => '', 'nameserver4' => '', 'nameserver4ip' => '',
            'nameserver5' => '', 'nameserver5ip' => '', 'type' => 'puqProxmoxKVM',
            'username' => $row['username'], 'password' => Crypto::encrypt($row['password']),
            'accesshash' => $row['accesshash'], 'secure' => $row['secure'], 'port' => $row['port'],
        ]);
        $s = Capsule::table('tblservers')->where('id', $id)->first();
        return [
            'serverid' => $id, 'serverip' => $s->ipaddress, 'serverhostname' => $s->hostname,
            'serverusername' => $s->username, 'serverpassword' => Crypto::decrypt($s->password),
            'serveraccesshash' => $s->accesshash, 'serversecure' => $s->secure === 'on',
            'serverhttpprefix' => 'https', 'serverport' => (string) $s->port,
        ];
    }

    public function testMetaData(): void
    {
        $meta = puqProxmoxKVM_MetaData();
        $this->assertSame('PUQ Proxmox KVM', $meta['DisplayName']);
        $this->assertTrue($meta['RequiresServer']);
        $this->assertSame('8006', $meta['DefaultSSLPort']);
    }

    public function testConnectionSucceedsAndLogsWithoutTheSecret(): void
    {
        $GLOBALS['CONFIG']['ModuleDebugMode'] = 'on';
        $this->assertSame(['success' => true], puqProxmoxKVM_TestConnection($this->server()));
        $log = Capsule::table('tblmodulelog')->where('module', 'puqProxmoxKVM')->get();
        $this->assertCount(1, $log);
        $this->assertSame('TestConnection', $log[0]->action);
        $all = $log[0]->request . $log[0]->response . $log[0]->arrdata;
        $this->assertStringNotContainsString(self::SECRET, $all);
        $this->assertStringNotContainsString(self::$info['fingerprint'], $all);
        $this->assertStringContainsString('automation@pve!ci', $all);
    }

    public function testWrongSecretNamesAuthentication(): void
    {
        $r = puqProxmoxKVM_TestConnection($this->server(['password' => '00000000-1111-2222-3333-444444444444']));
        $this->assertArrayHasKey('error', $r);
        $this->assertStringContainsString('HTTP 401', $r['error']);
        $this->assertStringContainsString('check the token id', $r['error']);
        $this->assertStringNotContainsString('00000000-1111', $r['error']);
    }

    public function testMissingPrivilegesAreEachNamed(): void
    {
        $r = puqProxmoxKVM_TestConnection($this->server(['username' => 'audit@pve!ro',
            'password' => '0b8d2f4e-1c3a-4e5f-9a7b-6c5d4e3f2a1b']));
        $this->assertStringStartsWith('The API token lacks 16 privileges: ', $r['error']);
        foreach (['VM.Clone on /vms (clone VMs from templates)', 'VM.PowerMgmt on /vms',
            'SDN.Use on /sdn/zones/localnetwork', 'Datastore.AllocateSpace on /storage'] as $needle) {
            $this->assertStringContainsString($needle, $r['error']);
        }
    }

    public function testUntrustedCertificateAndBadFields(): void
    {
        $r = puqProxmoxKVM_TestConnection($this->server(['accesshash' => '']));
        $this->assertStringContainsString('certificate is not trusted', $r['error']);
        $this->assertStringContainsString('fingerprint=', $r['error']);

        $r = puqProxmoxKVM_TestConnection($this->server(['username' => 'root@pam', 'hostname' => 'bad host',
            'ipaddress' => '', 'port' => 70000]));
        $this->assertStringContainsString('Hostname: ', $r['error']);
        $this->assertStringContainsString('Port: ', $r['error']);
        $this->assertStringContainsString('Username (API token id): enter the API token id', $r['error']);
    }
}
