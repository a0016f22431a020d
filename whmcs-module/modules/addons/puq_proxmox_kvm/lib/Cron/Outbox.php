<?php

/*
 * Delivers the engine's outbox with WHMCS's local API: "VM is ready", "Upgrade" and the
 * other e-mails with SendEmail, activity log entries with LogActivity (DESIGN.md
 * principle 8). Entries are claimed with a lease, delivered, then acknowledged; an
 * entry whose deliverer died in between is found in WHMCS's own logs on the next claim
 * and never sent twice (puqkvm_outbox_claim). Every e-mail carries its reference as the
 * merge field {$puqkvm_ref}, which the module's templates print.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Cron;

final class Outbox
{
    public int $sent = 0;
    public int $failed = 0;

    public function __construct(private string $worker)
    {
    }

    /** Delivers what is waiting (called about once a second during a run, and after it). */
    public function deliver(): void
    {
        foreach (puqkvm_outbox_claim($this->worker, 50) as $item) {
            if ($item['kind'] === 'email') {
                $result = localAPI('SendEmail', [
                    'messagename' => $item['template'],
                    'id' => $item['service_id'],
                    'customvars' => base64_encode(serialize(['puqkvm_ref' => $item['reference']])),
                ]);
            } else {
                $result = localAPI('LogActivity', [
                    'description' => $item['description'],
                    'clientid' => $item['client_id'],
                ]);
            }
            $ok = ($result['result'] ?? '') === 'success';
            puqkvm_outbox_ack((int) $item['id'], $this->worker, $ok, $ok ? '' : (string) ($result['message'] ?? 'failed'));
            $ok ? $this->sent++ : $this->failed++;
        }
    }
}
