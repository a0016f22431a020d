--TEST--
PuqKvm exception classes form one hierarchy under PuqKvm\Exception
--EXTENSIONS--
puqkvm
--FILE--
<?php
foreach (['ValidationException', 'NotFoundException', 'ConflictException', 'StateException',
          'DatabaseException', 'SchemaException', 'HttpException', 'ProxmoxException',
          'DnsException', 'InternalException'] as $name) {
    $class = "PuqKvm\\$name";
    echo $name, ': ', is_subclass_of($class, PuqKvm\Exception::class) ? 'ok' : 'WRONG', "\n";
}
var_dump(is_subclass_of(PuqKvm\Exception::class, RuntimeException::class));
var_dump(is_subclass_of(PuqKvm\ProxmoxException::class, PuqKvm\HttpException::class));
$e = new PuqKvm\ValidationException('validation failed');
var_dump($e->getErrors());
$h = new PuqKvm\HttpException('x');
var_dump($h->getHttpStatus());
?>
--EXPECT--
ValidationException: ok
NotFoundException: ok
ConflictException: ok
StateException: ok
DatabaseException: ok
SchemaException: ok
HttpException: ok
ProxmoxException: ok
DnsException: ok
InternalException: ok
bool(true)
bool(true)
array(0) {
}
int(0)
