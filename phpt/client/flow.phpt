--TEST--
Client area, backups, snapshots and statistics against the Proxmox VE simulator: refusal of another client, overview, a backup followed by nowBackupStatus, a schedule, snapshots, the firewall, ISO, a new password, charts and collectingStatistics (the paths the sanitizer runs cover)
--EXTENSIONS--
puqkvm
pdo_mysql
curl
--FILE--
<?php
require __DIR__ . '/../vmadmin/fixture.inc';
require __DIR__ . '/../pve/sim.inc';
$sim = pve_sim_start(['--task-ms', '10']);
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_client($pdo, 2, 'Eve', 'Other');
$pdo->prepare("INSERT INTO tblproducts (id, type, gid, name, servertype, configoption23) VALUES (1, 'server', 1, 'KVM',
    'puqProxmoxKVM', ?)")->execute(["backup_storage = pbs\nbackups = 2\nsnapshots = 2\niso_storage = local\n"]);
$s = $sim['server'];
$pdo->prepare("INSERT INTO tblservers (id, name, ipaddress, hostname, port, type, username, password, accesshash,
    secure, active) VALUES (1, 'pve-sim', '', ?, ?, 'puqProxmoxKVM', ?, ?, ?, 'on', 1)")
    ->execute([$s['hostname'], $s['port'], $s['username'], $s['password'], $s['accesshash']]);
$pdo->exec("INSERT INTO tblhosting (id, userid, packageid, server, domainstatus, username) VALUES (1, 1, 1, 1, 'Active', 'ada')");

function api(array $sim, string $method, string $path, array $form = []): array
{
    $ch = curl_init($sim['url'] . '/api2/json/' . $path);
    curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
        CURLOPT_CAINFO => $sim['certPath'], CURLOPT_SSL_VERIFYHOST => 0,
        CURLOPT_HTTPHEADER => ['Authorization: PVEAPIToken=' . $sim['token']]]);
    if ($form) {
        curl_setopt($ch, CURLOPT_POSTFIELDS, http_build_query($form));
    }
    $body = json_decode((string) curl_exec($ch), true);
    return is_array($body) ? $body : [];
}
function wait_task(array $sim, string $upid): void
{
    for ($i = 0; $i < 500; $i++) {
        $st = api($sim, 'GET', 'nodes/pve1/tasks/' . rawurlencode($upid) . '/status')['data'] ?? [];
        if (($st['status'] ?? '') === 'stopped') return;
        usleep(20000);
    }
    throw new RuntimeException("task $upid did not end");
}
wait_task($sim, api($sim, 'POST', 'nodes/pve1/qemu/9001/clone', ['newid' => 2101, 'name' => 'vm1', 'full' => 1])['data']);
wait_task($sim, api($sim, 'POST', 'nodes/pve1/qemu/2101/status/start')['data']);
$product = json_encode(puqkvm_vm_product_check(['configoption23' => "backups = 2\nsnapshots = 2"]));
$pdo->prepare("INSERT INTO puqProxmoxKVM_vm_info (service_id, client_id, product_id, server_id, vm_id, vm_name, vm_status,
    node, product, fqdn) VALUES (1, 1, 1, 1, 2101, 'vm1', 'ready', 'pve1', ?, 'vm1.example.test')")->execute([$product]);

$call = fn (string $action, array $args = [], int $client = 1, array $options = []) =>
    puqkvm_client_call($s + ['serverid' => 1], 1, $client, $action, $args, $options + ['utc_offset' => 0]);
$cron = function (string $task, array $options = []): void {
    puqkvm_cron_run(['task' => $task, 'utc_offset' => 0, 'job_budget' => 20] + $options, null, fn (string $c) => $c);
};
$row = fn () => $pdo->query("SELECT job_kind, job_result, job_message, vm_backups, vm_snapshots,
    DATE_FORMAT(backup_schedule_last, '%Y-%m-%d %H:%i') AS last FROM puqProxmoxKVM_vm_info WHERE service_id = 1")->fetch(PDO::FETCH_ASSOC);

echo "eve: ", vm_errors(fn () => $call('overview', [], 2)), "\n";
$o = $call('overview');
echo "overview: ", json_encode([$o['vm']['status'], $o['vm']['cpu']['cores'], $o['busy'], $o['permissions']['backups']]), "\n";
echo "bad action: ", vm_errors(fn () => $call('format_disk')), "\n";

$job = $call('backup_now', ['note' => 'first']);
/* running, or (on a slow machine: valgrind) already ended well */
echo "backup: ", $job['running'] ? $job['kind'] : $job['last']['result'], "\n";
$cron('nowBackupStatus');
echo "after nowBackupStatus: ", json_encode($row()), "\n";
$list = $call('backups');
echo "backups: ", json_encode([$list['count'], $list['items'][0]['notes']]), "\n";

/* Proxmox names a backup by its second: the next one a few (simulated) seconds later */
$ch = curl_init($sim['url'] . '/__sim/knobs');
curl_setopt_array($ch, [CURLOPT_POST => true, CURLOPT_RETURNTRANSFER => true, CURLOPT_CAINFO => $sim['certPath'],
    CURLOPT_SSL_VERIFYHOST => 0, CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
    CURLOPT_POSTFIELDS => json_encode(['clockOffsetMs' => 5000])]);
curl_exec($ch);
curl_close($ch);
$call('backup_schedule', ['schedule' => ['3' => '04:00']], 1, ['now' => strtotime('2025-01-08 03:00 UTC')]);
$cron('scheduleBackup', ['now' => strtotime('2025-01-08 04:05 UTC')]);
$cron('nowBackupStatus');
echo "scheduled: ", json_encode($row()), "\n";

$call('snapshot_take', ['description' => 'snap one']);
$cron('nowBackupStatus');
$snaps = $call('snapshots');
echo "snapshots: ", json_encode([$snaps['count'], $snaps['items'][0]['description']]), "\n";
$call('snapshot_rollback', ['name' => $snaps['items'][0]['name']]);
$cron('nowBackupStatus');
$call('snapshot_delete', ['name' => $snaps['items'][0]['name']]);
$cron('nowBackupStatus');
echo "after delete: ", json_encode($row()), "\n";
$cron('removeOldSnapshots');

$call('firewall_rule_add', ['rule' => ['type' => 'in', 'action' => 'ACCEPT', 'proto' => 'tcp', 'dport' => '22', 'comment' => 'ssh']]);
$call('firewall_rule_add', ['rule' => ['type' => 'out', 'action' => 'DROP', 'dest' => '192.0.2.0/24', 'comment' => 'block']]);
$call('firewall_rule_move', ['from' => 1, 'to' => 0]);
echo "rules: ", implode(',', array_column($call('firewall')['rules'], 'comment')), "\n";
echo "bad rule: ", vm_errors(fn () => $call('firewall_rule_add', ['rule' => ['type' => 'in', 'action' => 'ACCEPT', 'sport' => '80']])), "\n";
$call('firewall_rule_delete', ['pos' => 0]);
echo "iso: ", json_encode($call('iso_mount', ['volid' => 'local:iso/debian-12.7.0-amd64-netinst.iso'])), "\n";
$pw = $call('reset_password', [], 1, ['password' => 'Sekr3t-pass', 'password_encrypted' => 'enc:Sekr3t']);
echo "password: ", json_encode([$pw['applied_now'], $pdo->query('SELECT password FROM tblhosting WHERE id = 1')->fetchColumn()]), "\n";
$chart = $call('charts', ['timeframe' => 'hour']);
echo "chart: ", json_encode([$chart['step'], count($chart['points']) > 50]), "\n";
echo "rdns: ", count($call('rdns')['items']), "\n";

$cron('collectingStatistics');
$usage = puqkvm_stats_usage(1, 0, 0);
echo "usage: ", json_encode([count($usage), $usage[0]['service_id'], $usage[0]['in'] > 0, $usage[0]['out'] > 0]), "\n";
?>
--EXPECTF--
eve: PuqKvm\StateException: access denied: service 1 is not a service of client 2 (action overview)
overview: ["running",1,false,true]
bad action: {"action":"unknown action 'format_disk'"}
backup: %r(backup|ok)%r
after nowBackupStatus: {"job_kind":"","job_result":"ok","job_message":"Backup: backup finished (1 of 2)","vm_backups":1,"vm_snapshots":0,"last":null}
backups: [1,"first"]
scheduled: {"job_kind":"","job_result":"ok","job_message":"Backup: backup finished (2 of 2)","vm_backups":2,"vm_snapshots":0,"last":"2025-01-08 04:00"}
snapshots: [1,"snap one"]
after delete: {"job_kind":"","job_result":"ok","job_message":"Remove snapshot: snapshot snap_%s removed","vm_backups":2,"vm_snapshots":0,"last":"2025-01-08 04:00"}
rules: block,ssh
bad rule: {"rule.sport":"ports need the protocol TCP or UDP"}
iso: {"changed":true,"mounted":"local:iso\/debian-12.7.0-amd64-netinst.iso","drive":"ide0"}
password: [true,"enc:Sekr3t"]
chart: [60,true]
rdns: 0
usage: [1,1,true,true]
