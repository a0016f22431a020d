<?php

/*
 * cron.php as the system crontab and WHMCS run it, the AfterCronJob hook, the outbox's
 * exactly-once delivery across a crash, work started at once by a provisioning call,
 * and the product settings of the server module (ConfigOptions, loaders, validation).
 */

require_once __DIR__ . '/ProvisioningTestCase.php';

use WHMCS\Database\Capsule;
use WhmcsHarness\Hooks;
use WhmcsHarness\LocalApi;

final class CronCliTest extends ProvisioningTestCase
{
    public function testHelpListAndUsageErrors(): void
    {
        [$code, $out] = $this->cron(['--help']);
        $this->assertSame(0, $code);
        $this->assertStringContainsString('--task=NAME', $out);
        $this->assertStringContainsString('Exit codes: 0 done', $out);

        [$code, $out] = $this->cron(['--list']);
        $this->assertSame(0, $code);
        $this->assertMatchesRegularExpression('/^processVirtualMachines\s+1m\s+yes\s+never/m', $out);
        $this->assertMatchesRegularExpression('/^scheduleBackup\s+5m\s+yes\s+never\s+never\s*$/m', $out);

        [$code, , $err] = $this->cron(['--bogus']);
        $this->assertSame(2, $code);
        $this->assertStringContainsString("unknown option '--bogus'", $err);
        [$code, , $err] = $this->cron(['--task=nope']);
        $this->assertSame(2, $code);
        $this->assertStringContainsString("unknown task 'nope'", $err);
    }

    public function testWithoutTheExtensionExitsWithEnvironmentError(): void
    {
        $proc = proc_open([PHP_BINARY, self::root() . '/modules/addons/puq_proxmox_kvm/cron.php'],
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $err = stream_get_contents($pipes[2]);
        stream_get_contents($pipes[1]);
        $this->assertSame(3, proc_close($proc));
        $this->assertStringContainsString('The puqkvm PHP extension is not loaded', $err);
    }

    public function testIntervalsLocksAndStaleTakeover(): void
    {
        [$code, $out] = $this->cron([]);
        $this->assertSame(0, $code, $out);
        $this->assertStringContainsString('[processVirtualMachines] Running (interval: 1m, last: never)', $out);
        $this->assertStringContainsString('[removeOldSnapshots] Done', $out);
        // within the intervals nothing is due
        [$code, $out] = $this->cron([]);
        $this->assertStringNotContainsString('Running', $out);
        // --force runs every task anyway
        [$code, $out] = $this->cron(['--force']);
        $this->assertSame(7, substr_count($out, '] Done ('));
        // a singleton task locked by a live process is skipped, exit 4
        Capsule::table('puq_proxmox_kvm_cron_tasks')->where('task', 'scheduleBackup')->update([
            'lock_owner' => 'other:1', 'lock_token' => str_repeat('a', 32),
            'lock_expires_at' => Capsule::raw('NOW() + INTERVAL 1 HOUR')]);
        [$code, $out] = $this->cron(['--task=scheduleBackup']);
        $this->assertSame(4, $code, $out);
        $this->assertStringContainsString('[scheduleBackup] Locked by another process', $out);
        // a lock older than the Lock Timeout is stale and taken over
        Capsule::table('puq_proxmox_kvm_cron_tasks')->where('task', 'scheduleBackup')
            ->update(['lock_expires_at' => Capsule::raw('NOW() - INTERVAL 1 SECOND')]);
        [$code, $out] = $this->cron(['--task=scheduleBackup']);
        $this->assertSame(0, $code, $out);
        $this->assertStringContainsString('[scheduleBackup] Done (', $out);
        $this->assertNull(Capsule::table('puq_proxmox_kvm_cron_tasks')->where('task', 'scheduleBackup')->value('lock_owner'));
        // a disabled task (interval 0) is not run
        puqkvm_settings_save(['cron_interval_processVirtualMachines' => 0]);
        $id = $this->order();
        [$code, $out] = $this->cron(['--force']);
        $this->assertStringNotContainsString('[processVirtualMachines]', $out);
        $this->assertSame('creation', $this->status($id));
        $tasks = array_column(puqkvm_cron_tasks(), null, 'name');
        $this->assertSame(0, $tasks['processVirtualMachines']['interval']);
        $this->assertSame('ok', $tasks['scheduleBackup']['last_status']);
    }

    public function testSettingsCronShowsLastRunAndStatus(): void
    {
        [$code] = $this->cron(['--task=processVirtualMachines']);
        $this->assertSame(0, $code);
        $this->loginAdmin();
        $request = $this->request('GET', ['action' => 'settings_cron']);
        $html = $this->render($request, $this->handle($request));
        $this->assertMatchesRegularExpression('#data-setting="cron_interval_processVirtualMachines">.*?'
            . '<td data-last-run>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td>\s*<td data-status>ok#s', $html);
        $this->assertMatchesRegularExpression('#data-setting="cron_interval_scheduleBackup">.*?'
            . '<td data-last-run>never</td>#s', $html);
    }

    public function testWhmcsHookRunsTheEngineInAChildProcess(): void
    {
        puqkvm_settings_save(['cron_php_binary' => $this->phpWithExtension()]);
        $id = $this->order();
        // what hooks.php does when WHMCS includes it (not included here: include_once
        // would keep later tests of this process from loading it)
        Hooks::reset();
        \WHMCS\Module\Addon\PuqProxmoxKvm\Hooks::register();
        run_hook('AfterCronJob', []);
        $this->assertSame('ready', $this->status($id));
        $this->assertNotSame(getmypid(), 0);
        // standalone mode: the hook leaves the work to the system crontab
        puqkvm_settings_save(['cron_mode' => 'standalone']);
        $id2 = $this->order();
        run_hook('AfterCronJob', []);
        $this->assertSame('creation', $this->status($id2));
    }

    public function testOutboxDeliversOnceEvenAfterADeliveryCrash(): void
    {
        $id = $this->order();
        // deploy without delivering: the engine alone, as a worker that dies before the outbox
        $run = puqkvm_cron_run(['task' => 'processVirtualMachines'], null, 'decrypt');
        $this->assertSame(1, $run['processed']);
        $items = puqkvm_outbox_claim('dying-worker');
        $this->assertCount(1, $items);
        $this->assertMatchesRegularExpression('/^PKVM-\d+$/', $items[0]['reference']);
        // it sends, then dies before acknowledging
        $r = localAPI('SendEmail', ['messagename' => $items[0]['template'], 'id' => $id,
            'customvars' => base64_encode(serialize(['puqkvm_ref' => $items[0]['reference']]))]);
        $this->assertSame('success', $r['result']);
        Capsule::table('puq_proxmox_kvm_outbox')->update(['lease_until' => Capsule::raw('NOW() - INTERVAL 1 SECOND')]);
        // the next deliverer finds it in tblemails and does not send again
        $this->assertSame([], puqkvm_outbox_claim('next-worker'));
        [$code] = $this->cron();
        $this->assertSame(0, $code);
        $this->assertCount(1, LocalApi::calls('SendEmail'));
        $this->assertSame(1, Capsule::table('tblemails')->count());
        $this->assertSame('sent', Capsule::table('puq_proxmox_kvm_outbox')->value('state'));
        // a failed delivery is retried, not lost
        Capsule::table('puq_proxmox_kvm_outbox')->insert(['kind' => 'email', 'service_id' => $id,
            'client_id' => $this->clientId, 'dedupe_key' => 'test:missing', 'template' => 'No Such Template',
            'state' => 'pending']);
        [$code, $out] = $this->cron();
        $this->assertStringContainsString('Outbox: 0 delivered, 1 failed', $out);
        $this->assertSame('pending', Capsule::table('puq_proxmox_kvm_outbox')->where('dedupe_key', 'test:missing')->value('state'));
        $this->assertSame('Email Template not found',
            Capsule::table('puq_proxmox_kvm_outbox')->where('dedupe_key', 'test:missing')->value('last_error'));
    }

    public function testProvisioningCallStartsAWorkerWhenNoneLoops(): void
    {
        puqkvm_settings_save(['wake_on_provision' => true, 'cron_php_binary' => $this->phpWithExtension()]);
        $id = $this->order();
        $this->waitFor(fn () => $this->status($id) === 'ready', 15, 'the woken worker to deploy the VM');
        // with a looping worker alive, nothing is started: the worker picks the VM up itself
        $loop = $this->cronStart(['--loop']);
        $this->waitFor(fn () => puqkvm_cron_workers_alive(15) > 0, 10, 'the looping worker');
        $id2 = $this->order();
        $this->waitFor(fn () => $this->status($id2) === 'ready', 15, 'the looping worker to deploy');
        $this->assertSame(1, Capsule::table('puq_proxmox_kvm_vm_runs')->where('service_id', $id2)->count());
        proc_terminate($loop);
    }

    public function testConfigOptionsAndValidation(): void
    {
        $options = puqProxmoxKVM_ConfigOptions();
        $this->assertCount(23, $options, 'configoption1..23');
        $labels = array_keys($options);
        $this->assertSame('Target node', $labels[0]);
        $this->assertSame('OS template', $labels[1]);
        $this->assertSame('Advanced settings', $labels[22]);
        $this->assertSame('puqProxmoxKVM_LoaderNodes', $options['Target node']['Loader']);
        $this->assertSame('yesno', $options['Auto bridge/VLAN']['Type']);
        $this->assertStringContainsString('firewall_policy_in = ACCEPT', $options['Advanced settings']['Default']);
        // loaders read the product's server live
        $params = $this->params($this->service());
        $this->assertSame(['', 'pve1', 'pve2', 'pve3'], array_keys(puqProxmoxKVM_LoaderNodes($params)));
        $this->assertArrayHasKey('9001', puqProxmoxKVM_LoaderTemplates($params));
        $this->assertArrayHasKey('ceph-vm', puqProxmoxKVM_LoaderStorages($params));
        // every bad value is named with its label; nothing is queued
        $bad = $this->product(['cpu' => '0', 'firewall_policy_in' => 'MAYBE', 'vm_name_rule' => '{nope}']);
        $id = $this->service($bad);
        $params = $this->params($id);
        $params['configoptions'] = ['RAM|Memory' => 'lots'];
        $r = puqProxmoxKVM_CreateAccount($params);
        $this->assertStringContainsString('CPU cores: must be between 1 and 512', $r);
        $this->assertStringContainsString('Advanced settings, firewall_policy_in: must be one of', $r);
        $this->assertStringContainsString('VM name rule: unknown macro {nope}', $r);
        $this->assertStringContainsString('Configurable option "RAM": \'lots\' is not a whole number', $r);
        $this->assertNull(Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $id)->first());
        // CreateAccount twice: the second is refused, the first VM untouched
        $ok = $this->order();
        $r = puqProxmoxKVM_CreateAccount($this->params($ok));
        $this->assertStringContainsString('already has a VM', $r);
    }
}
