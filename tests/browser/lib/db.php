<?php

/*
 * Database access for the browser tests (Node has no MySQL client here): runs one
 * prepared statement on a test database, in WHMCS's sql_mode, and prints the rows as JSON.
 *   php tests/browser/lib/db.php NAME 'SELECT ... WHERE x = ?' '["param"]'
 */

require dirname(__DIR__, 2) . '/lib/testdb.php';

[, $name, $sql] = $argv + [null, '', ''];
$params = json_decode($argv[3] ?? '[]', true);
$pdo = PuqKvm\Test\TestDb::attach($name, false)->pdo();
// WHMCS's session mode: its tables have NOT NULL columns without defaults that WHMCS
// leaves out of INSERTs, so tests may too
$pdo->exec("SET SESSION sql_mode = 'NO_ENGINE_SUBSTITUTION'");
$statement = $pdo->prepare($sql);
$statement->execute(is_array($params) ? $params : []);
echo json_encode($statement->columnCount() > 0 ? $statement->fetchAll(PDO::FETCH_ASSOC) : [], JSON_UNESCAPED_UNICODE), "\n";
