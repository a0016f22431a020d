{*
 * IP Pools: the table of pools (Addresses with the rDNS zone line, Usage bar), the
 * Add/Edit modal with the live rDNS hint, the delete confirmation, and the addresses
 * held by services terminated outside the module. assets/ip_pools.js drives the
 * modals; every value is escaped here and inserted as text there.
 *}
{extends file="layout.tpl"}
{block name="content"}
<div class="puqkvm-pools" id="puqkvm-pools-page" data-form-action="{$form_action|escape}" data-rdns-url="{$rdns_url|escape}">
    <div class="panel panel-default">
        <div class="panel-heading clearfix">
            <h3 class="panel-title pull-left puqkvm-panel-title">IP Pools</h3>
            <button type="button" class="btn btn-success btn-sm pull-right" id="puqkvm-pool-add"
                    {if !$servers}disabled title="Add a WHMCS server that uses the puqProxmoxKVM module first"{/if}>
                <span class="glyphicon glyphicon-plus" aria-hidden="true"></span> Add IP Pool
            </button>
        </div>
        <div class="table-responsive">
            <table class="table table-striped table-hover puqkvm-pool-table" id="puqkvm-pools">
                <thead>
                    <tr>
                        <th>ID</th><th>Server</th><th>Type</th><th>Bridge</th><th>Vlan</th><th>Gateway</th>
                        <th>Mask</th><th>Addresses</th><th>Usage</th><th class="text-right">Actions</th>
                    </tr>
                </thead>
                <tbody>
                {foreach $pools as $pool}
                    <tr data-pool-id="{$pool.id|escape}">
                        <td>{$pool.id|escape}</td>
                        <td class="puqkvm-pool-server">{$pool.server_name|escape} <span class="text-muted">(ID: {$pool.server_id|escape})</span></td>
                        <td><span class="label {if $pool.type == 'IPv6'}label-info{else}label-primary{/if} puqkvm-pool-type">{$pool.type|upper|escape}</span></td>
                        <td class="puqkvm-pool-bridge">{$pool.bridge|escape}</td>
                        <td class="puqkvm-pool-vlan">{$pool.vlan|escape}</td>
                        <td class="puqkvm-pool-gateway">{$pool.gateway|escape}</td>
                        <td class="puqkvm-pool-mask">{$pool.mask|escape}</td>
                        <td class="puqkvm-pool-addresses">
                            {if $pool.unreadable}
                                <span class="text-danger puqkvm-pool-unreadable">The stored addresses cannot be read: edit the pool to correct them. Nothing is allocated from it.</span>
                            {else}
                                <span class="puqkvm-pool-range">{$pool.start|escape} - {$pool.stop|escape}</span><br>
                                <small class="text-muted puqkvm-pool-rdns">rDNS zone: {if $pool.rdns_zone}{$pool.rdns_zone|escape}{else}classless delegation required{/if}</small>
                            {/if}
                        </td>
                        <td class="puqkvm-pool-usage">
                            <div class="progress puqkvm-usage-bar" title="{$pool.used|escape} of {$pool.total|escape} addresses assigned">
                                <div class="progress-bar{if $pool.usage_percent >= 90} progress-bar-danger{elseif $pool.usage_percent >= 70} progress-bar-warning{/if}"
                                     role="progressbar" aria-valuemin="0" aria-valuemax="100"
                                     aria-valuenow="{$pool.usage_width|escape}" style="width: {$pool.usage_width|escape}%"></div>
                            </div>
                            <small class="puqkvm-usage-text">{$pool.usage|escape}</small>
                        </td>
                        <td class="text-right text-nowrap">
                            <button type="button" class="btn btn-default btn-xs puqkvm-pool-edit" data-pool="{$pool.form_json|escape}">
                                <span class="glyphicon glyphicon-pencil" aria-hidden="true"></span> Edit
                            </button>
                            <button type="button" class="btn btn-danger btn-xs puqkvm-pool-delete" data-pool-id="{$pool.id|escape}"
                                    data-pool-label="{$pool.start|escape} - {$pool.stop|escape}" data-pool-used="{$pool.used|escape}">
                                <span class="glyphicon glyphicon-trash" aria-hidden="true"></span> Delete
                            </button>
                        </td>
                    </tr>
                {foreachelse}
                    <tr class="puqkvm-empty"><td colspan="10" class="text-center text-muted">No IP pools yet. Add one for each block of addresses a Proxmox server may hand out.</td></tr>
                {/foreach}
                </tbody>
            </table>
        </div>
    </div>

    <div class="panel panel-warning" id="puqkvm-stale">
        <div class="panel-heading"><h3 class="panel-title">Addresses held by terminated or cancelled services</h3></div>
        <div class="panel-body">
            <p class="help-block">These services were terminated or cancelled outside the module (or deleted), but their addresses are still assigned: the VM may still be running. Release an address once you are sure nothing uses it.</p>
        </div>
        <table class="table table-condensed puqkvm-stale-table">
            <thead><tr><th>Service</th><th>Status</th><th>Address</th><th>Source</th><th>Assigned since</th><th class="text-right">Action</th></tr></thead>
            <tbody>
            {foreach $stale as $held}
                <tr data-allocation-id="{$held.id|escape}">
                    <td><a href="clientsservices.php?id={$held.service_id|escape:'url'}">#{$held.service_id|escape}</a></td>
                    <td>{if $held.service_status}{$held.service_status|escape}{else}deleted{/if}</td>
                    <td class="puqkvm-stale-ip">{$held.ip|escape}</td>
                    <td>{if $held.pool_id}pool {$held.pool_id|escape}{else}server list{/if}</td>
                    <td>{$held.allocated_at|escape}</td>
                    <td class="text-right">
                        <button type="button" class="btn btn-warning btn-xs puqkvm-release" data-allocation="{$held.id|escape}"
                                data-label="{$held.ip|escape} (service #{$held.service_id|escape})">Release</button>
                    </td>
                </tr>
            {foreachelse}
                <tr class="puqkvm-empty"><td colspan="6" class="text-center text-muted">None: every assigned address belongs to a live service.</td></tr>
            {/foreach}
            </tbody>
        </table>
    </div>

    <div class="modal fade" id="puqkvm-pool-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-pool-modal-title">
        <div class="modal-dialog" role="document">
            <form class="modal-content form-horizontal" id="puqkvm-pool-form" method="post" action="{$form_action|escape}" novalidate>
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-pool-modal-title">Add IP Pool</h4>
                </div>
                <div class="modal-body">
                    <div class="puqkvm-form-alert"></div>
                    <input type="hidden" name="op" value="save">
                    <input type="hidden" name="id" value="">
                    <div class="form-group" data-field="server">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-server">Server *</label>
                        <div class="col-sm-8 puqkvm-field">
                            <select class="form-control" id="puqkvm-pool-server" name="server">
                                {foreach $servers as $server}
                                    <option value="{$server.id|escape}">{$server.name|escape} (ID: {$server.id|escape})</option>
                                {/foreach}
                            </select>
                        </div>
                    </div>
                    <div class="form-group" data-field="type">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-type">Type *</label>
                        <div class="col-sm-8 puqkvm-field">
                            <select class="form-control" id="puqkvm-pool-type" name="type">
                                <option value="IPv4">IPv4</option>
                                <option value="IPv6">IPv6</option>
                            </select>
                        </div>
                    </div>
                    <div class="form-group" data-field="bridge">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-bridge">Bridge *</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-bridge" name="bridge" placeholder="vmbr0" maxlength="64"></div>
                    </div>
                    <div class="form-group" data-field="vlan">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-vlan">Vlan *</label>
                        <div class="col-sm-8 puqkvm-field">
                            <input type="text" class="form-control" id="puqkvm-pool-vlan" name="vlan" placeholder="0" inputmode="numeric" maxlength="8">
                            <p class="help-block">0 for untagged.</p>
                        </div>
                    </div>
                    <div class="form-group" data-field="gateway">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-gateway">Gateway *</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-gateway" name="gateway" placeholder="192.168.130.1" maxlength="64"></div>
                    </div>
                    <div class="form-group" data-field="mask">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-mask">Mask *</label>
                        <div class="col-sm-8 puqkvm-field">
                            <input type="text" class="form-control" id="puqkvm-pool-mask" name="mask" placeholder="24" inputmode="numeric" maxlength="8">
                            <p class="help-block">Prefix length: 1-32 for IPv4, 1-128 for IPv6.</p>
                            <p class="help-block puqkvm-rdns-hint" id="puqkvm-rdns-hint" aria-live="polite"></p>
                        </div>
                    </div>
                    <div class="form-group" data-field="dns1">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-dns1">DNS 1</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-dns1" name="dns1" placeholder="8.8.8.8" maxlength="64"></div>
                    </div>
                    <div class="form-group" data-field="dns2">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-dns2">DNS 2</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-dns2" name="dns2" placeholder="1.1.1.1" maxlength="64"></div>
                    </div>
                    <div class="form-group" data-field="start">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-start">Address Start *</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-start" name="start" placeholder="192.168.130.2" maxlength="64"></div>
                    </div>
                    <div class="form-group" data-field="stop">
                        <label class="col-sm-4 control-label" for="puqkvm-pool-stop">Address Stop *</label>
                        <div class="col-sm-8 puqkvm-field"><input type="text" class="form-control" id="puqkvm-pool-stop" name="stop" placeholder="192.168.130.254" maxlength="64"></div>
                    </div>
                    <p class="help-block puqkvm-edit-note" hidden>Changes apply to new allocations only: addresses already assigned keep their settings.</p>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button>
                    <button type="submit" class="btn btn-primary" id="puqkvm-pool-save">Save</button>
                </div>
            </form>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-confirm-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-confirm-title">
        <div class="modal-dialog modal-sm" role="document">
            <div class="modal-content">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-confirm-title">Are you sure?</h4>
                </div>
                <div class="modal-body">
                    <div class="puqkvm-form-alert"></div>
                    <p id="puqkvm-confirm-text"></p>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button>
                    <button type="button" class="btn btn-danger" id="puqkvm-confirm-go">Delete</button>
                </div>
            </div>
        </div>
    </div>
</div>
<script src="{$assets_url|escape}/ip_pools.js?v={$version|escape}"></script>
{/block}
