{*
 * DNS Zones: the zone list (ID, Zone, provider badge, Test / Edit / Delete), the Add/Edit
 * modal whose fields follow the Type, the delete confirmation and the toasts that show
 * Test results. assets/dns_zones.js drives them; every value is escaped here and
 * inserted as text there. Secrets never reach this page: the engine sends "__KEEP__".
 *}
{extends file="layout.tpl"}
{block name="content"}
<link rel="stylesheet" href="{$assets_url|escape}/dns_zones.css?v={$version|escape}">
<div class="puqkvm-dns" id="puqkvm-dns-page" data-form-action="{$form_action|escape}" data-keep-placeholder="{$keep_placeholder|escape}">
    <div class="panel panel-default">
        <div class="panel-heading clearfix">
            <h3 class="panel-title pull-left puqkvm-panel-title">DNS Zones</h3>
            <button type="button" class="btn btn-success btn-sm pull-right" id="puqkvm-zone-add">
                <span class="glyphicon glyphicon-plus" aria-hidden="true"></span> Add DNS Zone
            </button>
        </div>
        <div class="panel-body">
            <p class="help-block">Every VM's A/AAAA records go to each zone its name ends with, and the PTR of each of its addresses to each reverse zone (<code>in-addr.arpa</code> at any level, <code>ip6.arpa</code> on nibble boundaries) that covers it. Several zones may share a name - a primary and a secondary on different providers - and all of them get the records.</p>
        </div>
        <div class="table-responsive">
            <table class="table table-striped table-hover puqkvm-zone-table" id="puqkvm-zones">
                <thead>
                    <tr><th>ID</th><th>Zone</th><th>Type</th><th class="text-right">Actions</th></tr>
                </thead>
                <tbody>
                {foreach $zones as $zone}
                    <tr data-zone-id="{$zone.id|escape}">
                        <td>{$zone.id|escape}</td>
                        <td class="puqkvm-zone-name">{$zone.zone|escape}</td>
                        <td><span class="label puqkvm-zone-type puqkvm-provider-{$zone.type|escape}">{$zone.type|upper|escape}</span></td>
                        <td class="text-right text-nowrap">
                            <form method="post" action="{$form_action|escape}" class="puqkvm-inline-form">
                                <input type="hidden" name="token" value="{$token|escape}">
                                <input type="hidden" name="op" value="test">
                                <input type="hidden" name="id" value="{$zone.id|escape}">
                                <button type="submit" class="btn btn-info btn-xs puqkvm-zone-test" data-zone-id="{$zone.id|escape}" data-zone-label="{$zone.zone|escape}">
                                    <span class="glyphicon glyphicon-flash" aria-hidden="true"></span> Test
                                </button>
                            </form>
                            <button type="button" class="btn btn-default btn-xs puqkvm-zone-edit" data-zone="{$zone.form_json|escape}">
                                <span class="glyphicon glyphicon-pencil" aria-hidden="true"></span> Edit
                            </button>
                            <button type="button" class="btn btn-danger btn-xs puqkvm-zone-delete" data-zone-id="{$zone.id|escape}"
                                    data-zone-label="{$zone.zone|escape} ({$zone.type_label|escape})">
                                <span class="glyphicon glyphicon-trash" aria-hidden="true"></span> Delete
                            </button>
                        </td>
                    </tr>
                {foreachelse}
                    <tr class="puqkvm-empty"><td colspan="4" class="text-center text-muted">No DNS zones yet. Add the forward zone of your VMs' main domain and the reverse zones of your IP pools (the IP Pools page shows each pool's).</td></tr>
                {/foreach}
                </tbody>
            </table>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-zone-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-zone-modal-title">
        <div class="modal-dialog" role="document">
            <form class="modal-content form-horizontal" id="puqkvm-zone-form" method="post" action="{$form_action|escape}" novalidate autocomplete="off">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-zone-modal-title">Add DNS Zone</h4>
                </div>
                <div class="modal-body">
                    <div class="puqkvm-form-alert"></div>
                    <input type="hidden" name="token" value="{$token|escape}">
                    <input type="hidden" name="op" value="save">
                    <input type="hidden" name="id" value="">
                    <div class="form-group" data-field="type">
                        <label class="col-sm-4 control-label" for="puqkvm-zone-type">Type *</label>
                        <div class="col-sm-8 puqkvm-field">
                            <select class="form-control" id="puqkvm-zone-type" name="type">
                                {foreach $providers as $type => $provider}
                                    <option value="{$type|escape}">{$provider.label|escape}</option>
                                {/foreach}
                            </select>
                        </div>
                    </div>
                    {foreach $fields as $field}
                    <div class="form-group" data-field="{$field.name|escape}" data-types="{$field.types_attr|escape}" data-required-for="{$field.required_attr|escape}">
                        <label class="col-sm-4 control-label" for="puqkvm-zone-{$field.name|escape}">{$field.label|escape}<span class="puqkvm-required"> *</span></label>
                        <div class="col-sm-8 puqkvm-field">
                            <input type="{if $field.secret}password{else}text{/if}" class="form-control" id="puqkvm-zone-{$field.name|escape}" name="{$field.name|escape}"
                                   maxlength="1000" {if $field.secret}data-secret="1" autocomplete="new-password"{/if}>
                            {if $field.name == 'zone'}<p class="help-block">For example <code>example.com</code>, <code>130.168.192.in-addr.arpa</code> or <code>8.b.d.0.1.0.0.2.ip6.arpa</code>; a trailing dot is removed.</p>{/if}
                            {if $field.name == 'server_url'}<p class="help-block puqkvm-help-for" data-for="hestiacp">HestiaCP: <code>https://hestia.example.com:8083/</code> (the trailing slash is added).</p><p class="help-block puqkvm-help-for" data-for="powerdns">PowerDNS: the API base, <code>https://pdns.example.com:8081</code>.</p>{/if}
                            {if $field.name == 'account_id'}<p class="help-block">Optional: when set, Test checks the zone belongs to this account.</p>{/if}
                            {if $field.name == 'admin_password'}<p class="help-block">Or an access key <code>ACCESSKEYID:SECRET</code> with the DNS commands.</p>{/if}
                        </div>
                    </div>
                    {/foreach}
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button>
                    <button type="submit" class="btn btn-primary" id="puqkvm-zone-save">Save</button>
                </div>
            </form>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-confirm-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-confirm-title">
        <div class="modal-dialog modal-sm" role="document">
            <div class="modal-content">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-confirm-title">Delete DNS zone?</h4>
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

    <div class="puqkvm-toasts" id="puqkvm-toasts" aria-live="polite"></div>
</div>
<script src="{$assets_url|escape}/dns_zones.js?v={$version|escape}"></script>
{/block}
