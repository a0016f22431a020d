--TEST--
puqkvm_pve_test_connection(): each failing step is named, missing privileges listed, the secret never shown
--EXTENSIONS--
puqkvm
--FILE--
<?php
require __DIR__ . '/sim.inc';
$sim = pve_sim_start();
$steps = fn(array $r) => implode(', ', array_map(fn($s) => $s['step'] . ($s['ok'] ? '' : ' FAILED'), $r['steps']));

// a wrong secret: reachable, authentication refused with 401
$bad = $sim['server'];
$bad['password'] = '11111111-2222-3333-4444-555555555555';
$r = puqkvm_pve_test_connection($bad);
var_dump($r['ok'], $r['http_status']);
echo $steps($r), "\n", $r['message'], "\n";
var_dump(strpos(json_encode($r), '11111111-2222') === false);

// a read-only token: every missing privilege with what it is for
$ro = $sim['server'];
$ro['username'] = 'audit@pve!ro';
$ro['password'] = '0b8d2f4e-1c3a-4e5f-9a7b-6c5d4e3f2a1b';
$r = puqkvm_pve_test_connection($ro);
var_dump($r['ok'], count($r['missing_privileges']));
echo $steps($r), "\n";
foreach (array_slice($r['missing_privileges'], 0, 3) as $m) {
    echo "{$m['privilege']} on {$m['path']}: {$m['needed_for']}\n";
}

// no pin: the self-signed certificate is refused before any credential is sent
$nopin = $sim['server'];
$nopin['accesshash'] = '';
$r = puqkvm_pve_test_connection($nopin);
var_dump($r['ok']);
echo $steps($r), "\n";
var_dump(str_contains($r['message'], 'fingerprint='));

// nothing listening
$dead = $sim['server'];
$dead['port'] = '1';
$r = puqkvm_pve_test_connection($dead);
var_dump($r['ok']);
echo $steps($r), "\n";
?>
--EXPECT--
bool(false)
int(401)
reachability, authentication FAILED
Proxmox VE: HTTP 401 Authentication failed! - check the token id (user@realm!tokenid) and its secret
bool(true)
bool(false)
int(16)
reachability, authentication, privileges FAILED, nodes
VM.Clone on /vms: clone VMs from templates
VM.Allocate on /vms: clone VMs from templates
Datastore.AllocateSpace on /storage: allocate disks (clone, resize, backup)
bool(false)
reachability FAILED
bool(true)
bool(false)
reachability FAILED
