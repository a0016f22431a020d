--TEST--
puqkvm_tls_fingerprint(): Proxmox's form from any accepted spelling, ValueError with the reason otherwise
--EXTENSIONS--
puqkvm
--FILE--
<?php
$colon = '5D:8C:5C:44:4B:52:B4:4D:DE:27:EE:3F:5B:49:0A:93:2F:75:8E:3E:1E:75:BE:5F:CC:5B:62:AD:21:B4:A2:BA';
foreach ([$colon, strtolower($colon), " $colon\n", str_replace(':', '', strtolower($colon))] as $in) {
    var_dump(puqkvm_tls_fingerprint($in) === $colon);
}
foreach (['', 'AB:CD', str_replace('5D', '5G', $colon), str_replace('5D:', '5D-', $colon), "$colon\0"] as $bad) {
    try {
        puqkvm_tls_fingerprint($bad);
        echo "accepted\n";
    } catch (ValueError $e) {
        echo $e->getMessage(), "\n";
    }
}
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
puqkvm_tls_fingerprint(): Argument #1 ($fingerprint) is not a SHA-256 certificate fingerprint: a SHA-256 fingerprint has 64 hex digits (as AB:CD:... with 32 pairs); this one has 0 characters
puqkvm_tls_fingerprint(): Argument #1 ($fingerprint) is not a SHA-256 certificate fingerprint: a SHA-256 fingerprint has 64 hex digits (as AB:CD:... with 32 pairs); this one has 5 characters
puqkvm_tls_fingerprint(): Argument #1 ($fingerprint) is not a SHA-256 certificate fingerprint: the fingerprint has a character that is not a hex digit at position 2
puqkvm_tls_fingerprint(): Argument #1 ($fingerprint) is not a SHA-256 certificate fingerprint: the fingerprint's pairs must all be separated by ':' (position 3)
puqkvm_tls_fingerprint(): Argument #1 ($fingerprint) must not contain NUL bytes
