<?php

/*
 * Rows of WHMCS tables as WHMCS writes them: WHMCS's own tables declare many NOT NULL
 * columns without a default that WHMCS fills itself, so a test or the demo that names
 * only the columns it cares about gets WHMCS's empty value (0, '' or the zero date) for
 * every other such column.
 */

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Rows
{
    /** @param array<string, mixed> $values @return array<string, mixed> */
    public static function complete(string $table, array $values): array
    {
        $columns = Capsule::select('SELECT column_name AS c, data_type AS t, is_nullable AS n, column_default AS d,
            extra AS e FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?', [$table]);
        foreach ($columns as $col) {
            if (array_key_exists($col->c, $values) || $col->n === 'YES' || $col->d !== null
                || strpos($col->e, 'auto_increment') !== false) {
                continue;
            }
            $numeric = in_array($col->t, ['int', 'tinyint', 'smallint', 'mediumint', 'bigint', 'decimal', 'float',
                'double'], true);
            $values[$col->c] = $numeric ? 0 : (in_array($col->t, ['date', 'datetime'], true) ? '0000-00-00' : '');
        }
        return $values;
    }
}
