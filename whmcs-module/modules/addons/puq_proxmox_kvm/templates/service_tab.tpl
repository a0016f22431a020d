{*
 * The admin service tab of the server module (puqProxmoxKVM_AdminServicesTabFields):
 * WHMCS shows each part as one row of the service page, inside its own form, so the
 * inputs here are saved with WHMCS's "Save Changes". Parts: vm (attach an existing
 * Proxmox VM), rdns (one host name per assigned address), live (API status, live
 * information, Redeploy and the deploy log, filled by assets/service_tab.js from the
 * addon's endpoints), error (why the tab cannot be shown).
 *}
{if $part == 'error'}
<div class="alert alert-danger puqkvm-tab-error" role="alert">{$message|escape}</div>
{elseif $part == 'vm'}
<div class="puqkvm-tab-vm">
    {foreach $messages as $m}
        <div class="alert alert-{$m.type|escape} puqkvm-tab-message" role="alert">{$m.text|escape}</div>
    {/foreach}
    <div class="form-inline">
        <label for="puqkvm-vmid-{$service_id|escape}">VM Id</label>
        <input type="text" class="form-control input-sm" id="puqkvm-vmid-{$service_id|escape}" name="puqkvm_vmid"
               value="{if $vm_id}{$vm_id|escape}{/if}" inputmode="numeric" maxlength="10" size="10">
        <input type="hidden" name="puqkvm_vmid_was" value="{if $vm_id}{$vm_id|escape}{/if}">
        <button type="submit" class="btn btn-default btn-sm" name="puqkvm_attach" value="1">Set new VM id for service</button>
        {if $vm_status}<span class="label label-default puqkvm-tab-status">{$vm_status|escape}</span>{/if}
        {if $vm_name}<span class="text-muted">{$vm_name|escape}{if $node} on {$node|escape}{/if}</span>{/if}
    </div>
    <p class="help-block">Attaches an existing Proxmox VM to this service (it must exist and belong to no other service). A VM attached this way rests in ready; it may not have every management option.</p>
</div>
{elseif $part == 'rdns'}
<div class="puqkvm-tab-rdns">
    {if $addresses}
        <table class="table table-condensed puqkvm-rdns-table">
            <thead><tr><th>IP address</th><th>Reverse DNS host name</th></tr></thead>
            <tbody>
            {foreach $addresses as $a}
                <tr>
                    <td class="puqkvm-rdns-ip"><code>{$a.ip|escape}</code>{if $a.main} <span class="label label-primary">main</span>{/if}</td>
                    <td><input type="text" class="form-control input-sm" name="puqkvm_rdns[{$a.ip|escape}]" value="{$a.rdns|escape}"
                               placeholder="{$fqdn|escape}" maxlength="253"></td>
                </tr>
            {/foreach}
            </tbody>
        </table>
        <p class="help-block">Saved with Save Changes and pushed to the DNS zones at once. An empty name uses the VM's FQDN{if $fqdn} ({$fqdn|escape}){/if}.</p>
    {else}
        <p class="text-muted">No addresses are assigned to this service.</p>
    {/if}
</div>
{else}
<link rel="stylesheet" href="{$assets_url|escape}/vm_management.css?v={$version|escape}">
<div class="puqkvm-tab" id="puqkvm-tab-{$service_id|escape}" data-service="{$service_id|escape}"
     data-live-url="{$live_url|escape}" data-log-url="{$log_url|escape}" data-post-url="{$post_url|escape}"
     data-token="{$token|escape}" data-redeploy="{if $can_redeploy}1{else}0{/if}">
    <div class="alert alert-info puqkvm-tab-api" role="status">API: checking…</div>
    <table class="table table-condensed puqkvm-tab-live">
        <tbody>
            <tr><th>Status</th><td class="puqkvm-live-status">…</td></tr>
            <tr><th>Local status</th><td class="puqkvm-live-local">{$vm_status|escape}</td></tr>
            <tr><th>CPU</th><td class="puqkvm-live-cpu"></td></tr>
            <tr><th>RAM</th><td class="puqkvm-live-ram"></td></tr>
            <tr><th>Disks</th><td class="puqkvm-live-disks"></td></tr>
            <tr><th>Network</th><td class="puqkvm-live-network"></td></tr>
            <tr><th>ISO</th><td class="puqkvm-live-iso"></td></tr>
        </tbody>
    </table>
    <p>
        <button type="button" class="btn btn-danger btn-sm puqkvm-tab-redeploy"{if !$can_redeploy} disabled title="Redeploy is only for a VM that is not ready"{/if}>
            <span class="glyphicon glyphicon-repeat" aria-hidden="true"></span> Redeploy
        </button>
        <a class="btn btn-default btn-sm" href="{$management_url|escape}">VM Management</a>
    </p>
    <div class="puqkvm-tab-alert" aria-live="polite"></div>
    <h4>Deploy log</h4>
    <div class="alert alert-danger puqkvm-log-banner" role="alert" hidden></div>
    <div class="puqkvm-tab-log text-muted">Loading…</div>
</div>
<script src="{$assets_url|escape}/service_tab.js?v={$version|escape}"></script>
{/if}
