<?php
// Prints PASS/FAIL/SKIP lines (as scripts/test tallies them) from a JUnit XML report.
$xml = @simplexml_load_file($argv[1] ?? '');
if ($xml === false) {
    fwrite(STDERR, "junit-tally: cannot read {$argv[1]}\n");
    exit(1);
}
foreach ($xml->xpath('//testcase') as $case) {
    $name = (string) ($case['class'] ?? $case['classname'] ?? '') . '::' . (string) $case['name'];
    if (isset($case->failure) || isset($case->error)) {
        $detail = trim((string) ($case->failure ?? $case->error));
        echo "FAIL $name\n";
        foreach (array_slice(explode("\n", $detail), 0, 30) as $line) {
            echo "    $line\n";
        }
    } elseif (isset($case->skipped)) {
        echo "SKIP $name (" . trim((string) $case->skipped['message'] ?: 'skipped') . ")\n";
    } else {
        echo "PASS $name\n";
    }
}
