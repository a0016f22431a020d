--TEST--
The database password never appears in a stack trace (#[\SensitiveParameter])
--EXTENSIONS--
puqkvm
--INI--
zend.exception_ignore_args=0
--FILE--
<?php
// a shim passing the settings on marks its own parameter too
function connect(#[\SensitiveParameter] array $settings): void
{
    puqkvm_db_configure($settings);
}
$attributes = (new ReflectionFunction('puqkvm_db_configure'))->getParameters()[0]->getAttributes();
echo $attributes[0]->getName(), "\n";
try {
    connect(['db_host' => '', 'db_username' => 'whmcs', 'db_password' => 'Sup3r-S3cret', 'db_name' => 'w']);
} catch (PuqKvm\ValidationException $e) {
    $trace = $e->getTraceAsString();
    var_dump(str_contains($trace, 'Sup3r-S3cret'));
    var_dump(str_contains($trace, 'puqkvm_db_configure(Object(SensitiveParameterValue))'));
    var_dump(str_contains(print_r($e->getTrace(), true), 'Sup3r-S3cret'));
    var_dump(str_contains(var_export($e->getErrors(), true), 'Sup3r-S3cret'));
}
?>
--EXPECT--
SensitiveParameter
bool(false)
bool(true)
bool(false)
bool(false)
