<?php
/*
 * bench ext_call: what a call into the extension costs next to the same work written in
 * PHP. The work is real and identical on both sides: normalising a pinned certificate
 * fingerprint the way an admin pastes it (plain or colon-separated hex, any case, blanks
 * around) into the form Proxmox shows, refusing anything else - puqkvm_tls_fingerprint()
 * against an idiomatic PHP function. Both are checked to agree on every input first.
 *
 * Rounds alternate which side runs first; each side's time is the median of its rounds.
 * ratio = extension time / PHP time; the goal is below one half: moving work into C must
 * pay for the crossing, or it belongs in PHP. A second pair, puqkvm_version() against a
 * PHP function returning a constant, shows the bare cost of crossing into the extension.
 */
declare(strict_types=1);

function php_tls_fingerprint(string $fingerprint): string
{
    $s = trim($fingerprint);
    if (preg_match('/^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/', $s)) {
        $hex = str_replace(':', '', $s);
    } elseif (preg_match('/^[0-9A-Fa-f]{64}$/', $s)) {
        $hex = $s;
    } else {
        throw new ValueError('not a SHA-256 certificate fingerprint');
    }
    return implode(':', str_split(strtoupper($hex), 2));
}

function php_version(): string
{
    return '0.1.0';
}

$inputs = [];
for ($i = 0; $i < 16; $i++) {
    $hex = hash('sha256', "certificate $i");
    $pairs = implode(':', str_split($hex, 2));
    $inputs[] = match ($i % 4) {
        0 => strtoupper($pairs),
        1 => $pairs,
        2 => $hex,
        3 => "  " . strtoupper($hex) . "\n",
    };
}
foreach ($inputs as $in) {
    if (php_tls_fingerprint($in) !== puqkvm_tls_fingerprint($in)) {
        fwrite(STDERR, "ext_call: the two sides disagree on '$in'\n");
        exit(1);
    }
}
foreach (['', 'AB:CD', str_repeat('G', 64), str_repeat('AB-', 31) . 'AB'] as $bad) {
    foreach (['php_tls_fingerprint', 'puqkvm_tls_fingerprint'] as $fn) {
        try {
            $fn($bad);
            fwrite(STDERR, "ext_call: $fn accepted '$bad'\n");
            exit(1);
        } catch (ValueError) {
        }
    }
}

$n = (int) (getenv('BENCH_ITERATIONS') ?: 200000);
$rounds = (int) (getenv('BENCH_ROUNDS') ?: 7);

/* Each runner times $n calls of one function over the inputs; returns nanoseconds. */
function time_calls(callable $fn, array $inputs, int $n): int
{
    $k = count($inputs);
    $t = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $fn($inputs[$i & ($k - 1)]);
    }
    return hrtime(true) - $t;
}

function time_trivial(string $fn, int $n): int
{
    $t = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $fn();
    }
    return hrtime(true) - $t;
}

function median(array $v): float
{
    sort($v);
    $c = count($v);
    return $c % 2 ? $v[intdiv($c, 2)] : ($v[$c / 2 - 1] + $v[$c / 2]) / 2;
}

// warm-up: code paths, branch predictors, CPU frequency
time_calls('puqkvm_tls_fingerprint', $inputs, intdiv($n, 4));
time_calls('php_tls_fingerprint', $inputs, intdiv($n, 4));

$ext = $php = $extTrivial = $phpTrivial = [];
for ($r = 0; $r < $rounds; $r++) {
    if ($r % 2) {
        $php[] = time_calls('php_tls_fingerprint', $inputs, $n);
        $ext[] = time_calls('puqkvm_tls_fingerprint', $inputs, $n);
        $phpTrivial[] = time_trivial('php_version', $n);
        $extTrivial[] = time_trivial('puqkvm_version', $n);
    } else {
        $ext[] = time_calls('puqkvm_tls_fingerprint', $inputs, $n);
        $php[] = time_calls('php_tls_fingerprint', $inputs, $n);
        $extTrivial[] = time_trivial('puqkvm_version', $n);
        $phpTrivial[] = time_trivial('php_version', $n);
    }
}

$perCall = fn (array $v) => median($v) / $n;
$e = $perCall($ext);
$p = $perCall($php);
$et = $perCall($extTrivial);
$pt = $perCall($phpTrivial);
printf(
    "bench: ext_call ratio=%.3f goal=<0.5 puqkvm_tls_fingerprint() %.0f ns/call vs the same " .
    "normalisation in PHP %.0f ns/call (median of %d rounds x %d calls, PHP %s%s)\n",
    $e / $p, $e, $p, $rounds, $n, PHP_VERSION,
    function_exists('opcache_get_status') && ini_get('opcache.enable_cli') ? ', opcache' : ''
);
printf(
    "  bare call: puqkvm_version() %.0f ns vs a PHP function returning a constant %.0f ns (ratio %.2f)\n",
    $et, $pt, $et / $pt
);
printf("  rounds (ms) ext: %s\n", implode(' ', array_map(fn ($v) => sprintf('%.1f', $v / 1e6), $ext)));
printf("  rounds (ms) php: %s\n", implode(' ', array_map(fn ($v) => sprintf('%.1f', $v / 1e6), $php)));
