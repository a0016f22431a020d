--TEST--
puqkvm_errors() exposes the core's error table with categories matching exception classes
--EXTENSIONS--
puqkvm
--FILE--
<?php
$errors = puqkvm_errors();
var_dump($errors[101]);
var_dump($errors[310]['category']);
foreach ($errors as $code => $e) {
    if (!class_exists('PuqKvm\\' . $e['category'])) {
        echo "no class for $code\n";
    }
    if (!str_starts_with($e['name'], 'PUQ_E')) {
        echo "bad name for $code\n";
    }
}
echo "done\n";
?>
--EXPECT--
array(3) {
  ["name"]=>
  string(15) "PUQ_EVALIDATION"
  ["category"]=>
  string(19) "ValidationException"
  ["message"]=>
  string(17) "validation failed"
}
string(15) "SchemaException"
done
