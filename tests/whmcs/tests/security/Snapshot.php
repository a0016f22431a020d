<?php

/*
 * Every row of every table of the test database, to prove that a refused request
 * changed nothing: the module's tables and every WHMCS table (the module writes
 * tblhosting, tblactivitylog, tblmodulelog, tblemailtemplates, ... and a refusal must
 * write none of them). A test database is small, so rows are read whole; diff() names
 * the tables, rows and columns that differ.
 *
 * A column (or a whole table, such as a log a test counts itself) can be left out of a
 * comparison by name, "table.column" or "table.*".
 */

namespace PuqKvm\Test\Security;

use WHMCS\Database\Capsule;

final class Snapshot
{
    /** @var array<string, array<string, array<string, mixed>>> table => row key => row */
    public array $tables;

    private function __construct(array $tables)
    {
        $this->tables = $tables;
    }

    public static function take(): self
    {
        $tables = [];
        $names = Capsule::select('SELECT table_name AS t FROM information_schema.tables
            WHERE table_schema = DATABASE() AND table_type = ? ORDER BY table_name', ['BASE TABLE']);
        foreach ($names as $name) {
            $table = $name->t;
            $rows = [];
            foreach (Capsule::select("SELECT * FROM `$table`") as $row) {
                $row = (array) $row;
                // rows are told apart by their first column (the key of every table here),
                // with the whole row as the tie-break for tables without one
                $key = self::printable(reset($row));
                while (isset($rows[$key]) && $rows[$key] !== $row) {
                    $key .= '+';
                }
                $rows[$key] = $row;
            }
            ksort($rows);
            $tables[$table] = $rows;
        }
        return new self($tables);
    }

    /**
     * What changed from $before to this snapshot ("" when nothing): tables, rows, columns.
     * @param list<string> $ignore "table.column" (or "table.*") entries left out of the comparison
     */
    public function diff(self $before, array $ignore = []): string
    {
        $lines = [];
        foreach (array_unique(array_merge(array_keys($before->tables), array_keys($this->tables))) as $table) {
            if (in_array("$table.*", $ignore, true)) {
                continue;
            }
            $old = $before->tables[$table] ?? null;
            $new = $this->tables[$table] ?? null;
            if ($old === null || $new === null) {
                $lines[] = $table . ($old === null ? ' created' : ' dropped');
                continue;
            }
            foreach (array_unique(array_merge(array_keys($old), array_keys($new))) as $key) {
                if (!isset($new[$key])) {
                    $lines[] = "$table: row $key removed";
                } elseif (!isset($old[$key])) {
                    $lines[] = "$table: row $key added";
                } elseif ($old[$key] !== $new[$key]) {
                    $columns = [];
                    foreach ($new[$key] as $column => $value) {
                        if (in_array("$table.$column", $ignore, true)) {
                            continue;
                        }
                        if (!array_key_exists($column, $old[$key]) || $old[$key][$column] !== $value) {
                            $columns[] = sprintf('%s %s -> %s', $column,
                                self::printable($old[$key][$column] ?? null), self::printable($value));
                        }
                    }
                    if ($columns) {
                        $lines[] = "$table: row $key: " . implode(', ', $columns);
                    }
                }
            }
        }
        return implode("\n", array_slice($lines, 0, 20));
    }

    private static function printable(mixed $value): string
    {
        if ($value === null) {
            return 'NULL';
        }
        $value = substr((string) $value, 0, 60);
        return preg_match('/^[\x20-\x7e]*$/', $value) ? $value : '0x' . bin2hex($value);
    }
}
