<?php

/*
 * add_hook()/run_hook(): hook functions per hook point, run in ascending priority and,
 * for equal priorities, in the order they were added, as WHMCS does. run_hook returns
 * the non-null return values in that order (what WHMCS collects for output hooks such
 * as AdminAreaHeadOutput).
 */

namespace WhmcsHarness;

final class Hooks
{
    /** @var array<string, list<array{int, int, callable}>> */
    private static array $hooks = [];
    private static int $sequence = 0;

    public static function add(string $hookName, int $priority, $function): void
    {
        if (!is_callable($function)) {
            throw new \InvalidArgumentException("hook $hookName: not callable");
        }
        self::$hooks[$hookName][] = [$priority, self::$sequence++, $function];
    }

    /** @param array<string, mixed> $vars @return list<mixed> */
    public static function run(string $hookName, array $vars): array
    {
        $entries = self::$hooks[$hookName] ?? [];
        usort($entries, static fn (array $a, array $b) => [$a[0], $a[1]] <=> [$b[0], $b[1]]);
        $results = [];
        foreach ($entries as [, , $function]) {
            $result = $function($vars);
            if ($result !== null) {
                $results[] = $result;
            }
        }
        return $results;
    }

    /** Hook points with at least one function. @return array<string, int> name => count */
    public static function registered(): array
    {
        return array_map('count', self::$hooks);
    }

    public static function reset(): void
    {
        self::$hooks = [];
    }
}
