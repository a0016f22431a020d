--TEST--
puqkvm_versions() reports the extension and the linked libraries' own versions
--EXTENSIONS--
puqkvm
curl
--FILE--
<?php
$v = puqkvm_versions();
var_dump(array_keys($v));
var_dump($v['puqkvm'] === puqkvm_version());
var_dump((bool) preg_match('/^\d+\.\d+\.\d+$/', $v['puqkvm']));
// PHP's curl extension is linked against the same libcurl.
var_dump($v['libcurl'] === curl_version()['version']);
var_dump((bool) preg_match('/^\d+\.\d+/', $v['jansson']));
var_dump((bool) preg_match('/^\d+\.\d+\.\d+/', $v['connector_c']));
?>
--EXPECT--
array(5) {
  [0]=>
  string(6) "puqkvm"
  [1]=>
  string(7) "jansson"
  [2]=>
  string(7) "libcurl"
  [3]=>
  string(11) "libcurl_ssl"
  [4]=>
  string(11) "connector_c"
}
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
