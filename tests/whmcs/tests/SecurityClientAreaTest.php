<?php

/*
 * The client area's endpoint (ClientApi) against every action the engine lists
 * (puqkvm_client_actions(): a new action is covered the day it is added), for a VM
 * deployed to ready on the simulator:
 *
 *   - another client, a session without a client, a service id that does not exist,
 *     and other clients' services of another product and of another module are all
 *     refused with the same "Access Denied" - before any Proxmox call, with every table
 *     but the two logs unchanged, and each attempt written to the activity log and the
 *     module log naming the action, the service and the client;
 *   - every action that changes something is refused to the owner too when it comes as a
 *     GET, or as a POST without the client area's CSRF token or with a forged one;
 *   - the owner's reads all answer (the positive control of the refusals above).
 */

use PuqKvm\Test\Security\Snapshot;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\PuqProxmoxKVM\ClientApi;
use WhmcsHarness\Environment;

require_once __DIR__ . '/ClientAreaTestCase.php';
require_once __DIR__ . '/security/Snapshot.php';

final class SecurityClientAreaTest extends ClientAreaTestCase
{
    /** The logs a refusal writes to: compared by count, not left out unchecked. */
    private const LOGS = ['tblactivitylog', 'tblmodulelog'];

    /** Arguments an action would be sent with (so that only the refusal can stop it). */
    private const ARGS = [
        'rdns_save' => ['names' => ['192.0.2.10' => 'host.example.test']],
        'backup_now' => ['note' => 'before upgrade'],
        'backup_restore' => ['volid' => 'pbs:backup/vm/100/2026-01-01T00:00:00Z'],
        'backup_delete' => ['volid' => 'pbs:backup/vm/100/2026-01-01T00:00:00Z'],
        'backup_schedule' => ['schedule' => ['mon' => '03:00']],
        'snapshot_take' => ['description' => 'before upgrade'],
        'snapshot_rollback' => ['name' => 'snap1'],
        'snapshot_delete' => ['name' => 'snap1'],
        'snapshot_schedule' => ['schedule' => ['mon' => '03:00']],
        'reinstall' => ['template' => 9001, 'confirm' => 'REINSTALL'],
        'charts' => ['timeframe' => 'day'],
        'iso_mount' => ['volid' => 'local:iso/debian-12.7.0-amd64-netinst.iso'],
        'firewall_policy' => ['in' => 'DROP', 'out' => 'ACCEPT'],
        'firewall_rule_add' => ['rule' => ['type' => 'in', 'action' => 'ACCEPT', 'proto' => 'tcp', 'dport' => '22',
            'comment' => 'ssh']],
        'firewall_rule_delete' => ['pos' => 0],
        'firewall_rule_move' => ['from' => 0, 'to' => 1],
    ];

    private int $sid = 0;
    private int $eve = 0;
    private int $eveService = 0;

    protected function setUp(): void
    {
        parent::setUp();
        // the module log keeps rows only with WHMCS's debug logging on
        Environment::setSetting('ModuleDebugMode', 'on');
        $this->sid = $this->deployed(['client_firewall' => 'on', 'client_iso' => 'on', 'snapshot_schedule' => 'on']);
        $this->eve = (int) Capsule::table('tblclients')->insertGetId($this->whmcsRow('tblclients', [
            'firstname' => 'Eve', 'lastname' => 'Other', 'email' => 'eve@example.test', 'status' => 'Active']));
        // Eve's own VM, so that she is a real client of the module
        $this->eveService = $this->service();
        Capsule::table('tblhosting')->where('id', $this->eveService)->update(['userid' => $this->eve]);
    }

    /** @return list<string> */
    private static function actions(): array
    {
        return array_keys(puqkvm_client_actions());
    }

    /** The endpoint as WHMCS runs it for service $sid and the session's client $client. */
    private function endpoint(array $params, string $action, int $client, string $method = 'POST',
        ?string $token = 'session'): array
    {
        $_SESSION['tkval'] = 'the-client-session-token';
        unset($_POST['token']);
        if ($token !== null) {
            $_POST['token'] = $token === 'session' ? 'the-client-session-token' : $token;
        }
        $request = ['do' => $action, 'args' => json_encode(self::ARGS[$action] ?? new stdClass())];
        return ClientApi::handle($params, $request, $client, $method);
    }

    private function logCounts(): array
    {
        return array_map(static fn ($t) => Capsule::table($t)->count(), array_combine(self::LOGS, self::LOGS));
    }

    private function simTotal(): int
    {
        return (int) ($this->sim('GET', 'counters')['total'] ?? 0);
    }

    /** Every action by $client on the service of $params: refused, logged, nothing done. */
    private function assertEveryActionRefused(array $params, int $client, string $who): void
    {
        $serviceId = (int) $params['serviceid'];
        $before = Snapshot::take();
        $calls = $this->simTotal();
        foreach (self::actions() as $action) {
            $logs = $this->logCounts();
            [$status, $body] = $this->endpoint($params, $action, $client);
            $this->assertSame([403, ['error' => 'Access Denied']], [$status, $body], "$who: $action");
            $this->assertSame(['tblactivitylog' => $logs['tblactivitylog'] + 1,
                'tblmodulelog' => $logs['tblmodulelog'] + 1], $this->logCounts(), "$who: $action is logged once");
            $entry = (string) Capsule::table('tblactivitylog')->orderByDesc('id')->value('description');
            $this->assertStringContainsString("refused \"$action\" on service ID $serviceId for client ID $client",
                $entry);
            $module = Capsule::table('tblmodulelog')->orderByDesc('id')->first();
            $this->assertSame("ClientArea $action refused", $module->action);
        }
        $this->assertSame($calls, $this->simTotal(), "$who: no Proxmox call was made");
        $this->assertSame('', Snapshot::take()->diff($before, ['tblactivitylog.*', 'tblmodulelog.*']), "$who changed the database");
    }

    public function testAnotherClientIsRefusedEveryActionAndEachAttemptIsLogged(): void
    {
        $this->assertGreaterThanOrEqual(28, count(self::actions()));
        $this->assertEveryActionRefused($this->params($this->sid), $this->eve, 'another client');
    }

    public function testNoClientAndServicesThatDoNotExistAreRefusedTheSameWay(): void
    {
        $this->assertEveryActionRefused($this->params($this->sid), 0, 'a session without a client');
        $this->assertEveryActionRefused(['serviceid' => 987654] + $this->params($this->sid), $this->clientId,
            'a service id that does not exist');
        $this->assertEveryActionRefused(['serviceid' => -$this->sid] + $this->params($this->sid), $this->clientId,
            'a negative service id');
    }

    public function testOtherClientsServicesOfOtherProductsAndModulesAreRefused(): void
    {
        // Ada's service of another product of this module, with its own VM row
        $other = $this->service($this->product(['cpu' => '1']));
        Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $other, 'client_id' => $this->clientId,
            'product_id' => 0, 'server_id' => $this->serverId, 'vm_id' => 4242, 'vm_name' => 'other',
            'vm_status' => 'ready']);
        $this->assertEveryActionRefused($this->params($other), $this->eve, 'another product');
        // Ada's service of another module (a shared hosting account)
        $hosting = (int) Capsule::table('tblproducts')->insertGetId($this->whmcsRow('tblproducts', [
            'type' => 'hostingaccount', 'gid' => 1, 'name' => 'Web S', 'servertype' => 'cpanel']));
        $this->assertEveryActionRefused($this->params($this->service($hosting)), $this->eve, 'another module');
    }

    public function testChangesNeedAPostWithTheClientAreaToken(): void
    {
        $params = $this->params($this->sid);
        $before = Snapshot::take();
        $calls = $this->simTotal();
        $writes = array_keys(array_filter(puqkvm_client_actions(), static fn ($a) => $a['write']));
        $this->assertGreaterThanOrEqual(20, count($writes));
        foreach ($writes as $action) {
            foreach (['a GET' => ['GET', 'session'], 'no token' => ['POST', null],
                'a forged token' => ['POST', bin2hex(random_bytes(20))], 'an empty token' => ['POST', '']]
                as $how => [$method, $token]) {
                [$status, $body] = $this->endpoint($params, $action, $this->clientId, $method, $token);
                $this->assertSame(403, $status, "$action with $how");
                $this->assertStringContainsString('session expired', $body['error']);
            }
        }
        $this->assertSame($calls, $this->simTotal(), 'no Proxmox call was made');
        $this->assertSame('', Snapshot::take()->diff($before), 'a change without the token changed the database');

        // the positive control: the owner's reads all answer, and a change with the token is done
        foreach (array_keys(array_filter(puqkvm_client_actions(), static fn ($a) => !$a['write'])) as $read) {
            [$status, $body] = $this->endpoint($params, $read, $this->clientId, 'GET', null);
            $this->assertSame(200, $status, "$read: " . json_encode($body));
        }
        [$status, $body] = $this->endpoint($params, 'snapshot_take', $this->clientId);
        $this->assertSame(200, $status, json_encode($body));
        $this->assertNotSame('', Snapshot::take()->diff($before), 'the owner\'s snapshot changed nothing');
    }
}
