--TEST--
Attach an existing Proxmox VM (must exist, no template, no other service's) and the service tab's live information, against the Proxmox VE simulator
--EXTENSIONS--
puqkvm
pdo_mysql
curl
--FILE--
<?php
require __DIR__ . '/fixture.inc';
require __DIR__ . '/../pve/sim.inc';
$sim = pve_sim_start(['--task-ms', '10']);
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_product($pdo, 1, 'KVM S');
vm_fixture_server($pdo, 1, 'pve-sim');
$pdo->exec("INSERT INTO tblhosting (id, userid, packageid, server, domainstatus) VALUES (1, 1, 1, 1, 'Active'), (2, 1, 1, 1, 'Active')");

/* The simulator's API with its token, trusting its certificate. */
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
    for ($i = 0; $i < 200; $i++) {
        $st = api($sim, 'GET', 'nodes/pve1/tasks/' . rawurlencode($upid) . '/status')['data'] ?? [];
        if (($st['status'] ?? '') === 'stopped') return;
        usleep(20000);
    }
    throw new RuntimeException("task $upid did not end");
}
wait_task($sim, api($sim, 'POST', 'nodes/pve1/qemu/9001/clone', ['newid' => 2101, 'name' => 'legacy-vm', 'full' => 1])['data']);
wait_task($sim, api($sim, 'POST', 'nodes/pve1/qemu/2101/config', ['cores' => 2, 'memory' => 2048,
    'ide2' => 'local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom'])['data']);
wait_task($sim, api($sim, 'POST', 'nodes/pve1/qemu/2101/status/start')['data']);

$params = fn (int $service) => $sim['server'] + ['serviceid' => $service, 'userid' => 1, 'pid' => 1, 'serverid' => 1,
    'product_json' => json_encode(puqkvm_vm_product_check(['configoption4' => '2', 'configoption5' => '2', 'configoption20' => '12']))];
$actor = 'admin alice (ID 1)';

echo "missing: ", vm_errors(fn () => puqkvm_vmadmin_attach($params(1), 5555, $actor)), "\n";
echo "template: ", vm_errors(fn () => puqkvm_vmadmin_attach($params(1), 9001, $actor)), "\n";
echo "bad id: ", vm_errors(fn () => puqkvm_vmadmin_attach($params(1), 7, $actor)), "\n";
echo "attach: ", json_encode(puqkvm_vmadmin_attach($params(1), 2101, $actor)), "\n";
echo "row: ", json_encode($pdo->query("SELECT vm_id, vm_name, node, vm_status, due, list_client FROM puqProxmoxKVM_vm_info WHERE service_id = 1")->fetch(PDO::FETCH_ASSOC)), "\n";
echo "reserved: ", json_encode($pdo->query("SELECT vmid, service_id FROM puq_proxmox_kvm_vmids")->fetchAll(PDO::FETCH_NUM)), "\n";
echo "other service: ", vm_errors(fn () => puqkvm_vmadmin_attach($params(2), 2101, $actor)), "\n";
echo "again, same service: ", json_encode(puqkvm_vmadmin_attach($params(1), 2101, $actor)), "\n";

$live = puqkvm_vmadmin_live($params(1));
echo "live: ", json_encode(array_intersect_key($live, array_flip(['found', 'vmid', 'name', 'node', 'status', 'lock',
    'local_status', 'iso', 'api']))), "\n";
echo "uptime: ", is_int($live['uptime']) ? 'int' : 'no', " cpu: ", json_encode([$live['cpu']['cores'], $live['cpu']['level']]),
    " memory: ", json_encode([$live['memory']['total'], $live['memory']['package_mb']]), "\n";
echo "disks: ", json_encode(array_map(fn ($d) => [$d['key'], $d['role'], $d['size_text'], $d['package_gb']], $live['disks'])), "\n";
echo "network: ", json_encode(array_map(fn ($n) => [$n['key'], $n['model'], $n['bridge'], $n['package']['bridge']], $live['network'])), "\n";

$bad = $params(1);
$bad['serverpassword'] = $bad['password'] = 'wrong-secret';
$live = puqkvm_vmadmin_live($bad);
echo "wrong token: ", json_encode([$live['api']['ok'], $live['found'], $live['local_status']]), " ", strpos($live['api']['message'], 'wrong-secret') === false ? 'secret not shown' : 'SECRET SHOWN', "\n";
echo "no row: ", vm_errors(fn () => puqkvm_vmadmin_live($params(2))), "\n";
foreach (vm_activity($pdo) as $line) {
    echo "activity: $line\n";
}
?>
--EXPECT--
missing: PuqKvm\NotFoundException: Proxmox has no VM 5555: check the VM id
template: PuqKvm\ConflictException: Proxmox VM 9001 is a template, not a VM
bad id: {"vmid":"must be a Proxmox VM id (100 to 999999999)"}
attach: {"vmid":2101,"node":"pve1","name":"legacy-vm"}
row: {"vm_id":2101,"vm_name":"legacy-vm","node":"pve1","vm_status":"ready","due":0,"list_client":"Ada Lovelace"}
reserved: [[2101,1]]
other service: PuqKvm\ConflictException: Proxmox VM 2101 belongs to service 1: a VM can be attached to one service only
again, same service: {"vmid":2101,"node":"pve1","name":"legacy-vm"}
live: {"found":true,"vmid":2101,"name":"legacy-vm","node":"pve1","status":"running","lock":"","local_status":"ready","iso":"local:iso\/debian-12.7.0-amd64-netinst.iso","api":{"ok":true,"message":"API answer OK"}}
uptime: int cpu: [2,"green"] memory: [2147483648,2048]
disks: [["scsi0","system","12 GiB",12]]
network: [["net0","virtio","vmbr0","vmbr0"]]
wrong token: [false,false,"ready"] secret not shown
no row: PuqKvm\NotFoundException: service 2 has no VM record
activity: admin alice (ID 1): Proxmox VM 2101 (legacy-vm on pve1) attached - Service ID: 1
activity: admin alice (ID 1): Proxmox VM 2101 (legacy-vm on pve1) attached - Service ID: 1
