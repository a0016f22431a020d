--TEST--
Two PHP processes migrating the same fresh database at once both succeed
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: false);

// the children load the extension this process runs with (found in its memory map)
$ext = null;
foreach (file('/proc/self/maps', FILE_IGNORE_NEW_LINES) as $line) {
    if (str_ends_with($line, '/puqkvm.so')) {
        $ext = substr($line, strpos($line, '/'));
    }
}
// both children start, say so, and wait for one signal before they migrate
$go = sys_get_temp_dir() . '/puqkvm-migrate-go-' . getmypid();
$child = sprintf('require %s; PuqKvm\Test\TestDb::attach(%s); echo "ready\n";
    while (!file_exists(%s)) { usleep(1000); } echo json_encode(puqkvm_migrate());',
    var_export(PuqKvm\Test\TestDb::root() . '/tests/lib/testdb.php', true),
    var_export($db->name, true), var_export($go, true));

$procs = [];
foreach ([1, 2] as $i) {
    $procs[$i] = proc_open([PHP_BINARY, '-n', '-d', "extension=$ext", '-r', $child],
        [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$i]);
}
foreach ([1, 2] as $i) {
    $line = fgets($pipes[$i][1]);
    if ($line !== "ready\n") {
        echo "process $i did not start: $line", stream_get_contents($pipes[$i][2]), "\n";
    }
}
touch($go);
$changes = [];
foreach ([1, 2] as $i) {
    $out = stream_get_contents($pipes[$i][1]);
    $err = stream_get_contents($pipes[$i][2]);
    $status = proc_close($procs[$i]);
    $result = json_decode($out, true);
    echo "process $i: exit $status", $result === null ? " output: $out $err" : '', "\n";
    $changes[] = count($result['changes'] ?? []);
}
unlink($go);
sort($changes);
// one did all the work; the other waited for the lock and found nothing left
$plan = puqkvm_migrate(dryRun: true);
var_dump($changes[0], $changes[1] > 0, $plan['changes']);
var_dump(puqkvm_schema_status()['ok']);
?>
--EXPECT--
process 1: exit 0
process 2: exit 0
int(0)
bool(true)
array(0) {
}
bool(true)
