--TEST--
puqkvm_pve_test_connection(): every step passes for a token with the module's privileges
--EXTENSIONS--
puqkvm
--FILE--
<?php
require __DIR__ . '/sim.inc';
$sim = pve_sim_start();
$r = puqkvm_pve_test_connection($sim['server']);
var_dump($r['ok'], $r['version'], $r['nodes'], $r['missing_privileges']);
foreach ($r['steps'] as $s) {
    printf("%s %s\n", $s['step'], $s['ok'] ? 'ok' : 'FAILED');
}
echo preg_replace('/:\d+$/', ':PORT', $r['address']), "\n";
echo preg_replace('/:\d+$/', ':PORT', $r['message']), "\n";
// WHMCS module-parameter names work the same
$p = [];
foreach ($sim['server'] as $k => $v) {
    $p["server$k"] = $v;
}
var_dump(puqkvm_pve_test_connection($p)['ok']);
?>
--EXPECT--
bool(true)
string(5) "9.1.1"
array(3) {
  [0]=>
  string(4) "pve1"
  [1]=>
  string(4) "pve2"
  [2]=>
  string(4) "pve3"
}
array(0) {
}
reachability ok
authentication ok
privileges ok
nodes ok
127.0.0.1:PORT
connected to Proxmox VE 9.1.1 at 127.0.0.1:PORT
bool(true)
