{*
 * VM Management: the filters and search, the VM table (filled and kept current by
 * assets/vm_management.js from the list endpoint), keyset paging, and the modals of
 * the per-VM actions: Reset (with the spec's reference table), Log, DB Record and the
 * confirmations of Redeploy and Delete Record. Every value from the server is inserted
 * by the script as text; this template escapes what it prints itself.
 *}
{extends file="layout.tpl"}
{block name="content"}
<link rel="stylesheet" href="{$assets_url|escape}/vm_management.css?v={$version|escape}">
<div class="puqkvm-vms" id="puqkvm-vms-page" data-page-url="{$page_url|escape}">
    <div class="panel panel-default">
        <div class="panel-heading clearfix">
            <h3 class="panel-title pull-left puqkvm-panel-title">VM Management</h3>
            <span class="pull-right text-muted puqkvm-vm-count" id="puqkvm-vm-count" aria-live="polite"></span>
        </div>
        <div class="panel-body puqkvm-vm-filters">
            <form class="form-inline" id="puqkvm-vm-filter-form" role="search">
                <div class="form-group">
                    <label class="sr-only" for="puqkvm-vm-search">Search</label>
                    <input type="search" class="form-control" id="puqkvm-vm-search" maxlength="100"
                           placeholder="Service ID, client, product, server, VM id or name, IP address">
                </div>
                <div class="form-group">
                    <label for="puqkvm-vm-service-filter">Service</label>
                    <select class="form-control" id="puqkvm-vm-service-filter">
                        <option value="">All</option>
                        {foreach $service_statuses as $status}
                            <option value="{$status|escape}">{$status|escape}</option>
                        {/foreach}
                    </select>
                </div>
                <div class="form-group">
                    <label for="puqkvm-vm-status-filter">VM status</label>
                    <select class="form-control" id="puqkvm-vm-status-filter">
                        <option value="">All</option>
                        {foreach $vm_statuses as $status}
                            <option value="{$status|escape}">{$status|escape}</option>
                        {/foreach}
                    </select>
                </div>
            </form>
        </div>
        <div class="puqkvm-vm-alert" id="puqkvm-vm-alert" aria-live="polite"></div>
        <div class="table-responsive">
            <table class="table table-striped table-hover puqkvm-vm-table" id="puqkvm-vms">
                <thead>
                    <tr>
                        <th><a href="#" class="puqkvm-sort" data-sort="id">ID</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="client">Client</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="product">Product</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="server">Server</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="vm">VM</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="vm_status">VM Status</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="service">Service</a></th>
                        <th><a href="#" class="puqkvm-sort" data-sort="ips">IPs</a></th>
                        <th class="text-right">Actions</th>
                    </tr>
                </thead>
                <tbody>
                    <tr class="puqkvm-empty"><td colspan="9" class="text-center text-muted">
                        <noscript>This page needs JavaScript.</noscript>Loading…
                    </td></tr>
                </tbody>
            </table>
        </div>
        <div class="panel-footer clearfix">
            <div class="btn-group pull-right" role="group" aria-label="Pages">
                <button type="button" class="btn btn-default btn-sm" id="puqkvm-vm-first" disabled>First</button>
                <button type="button" class="btn btn-default btn-sm" id="puqkvm-vm-prev" disabled>&laquo; Previous</button>
                <button type="button" class="btn btn-default btn-sm" id="puqkvm-vm-next" disabled>Next &raquo;</button>
            </div>
            <form class="form-inline pull-left">
                <label for="puqkvm-vm-limit" class="text-muted">Rows per page</label>
                <select class="form-control input-sm" id="puqkvm-vm-limit">
                    <option>10</option><option selected>25</option><option>50</option><option>100</option>
                </select>
            </form>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-reset-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-reset-title">
        <div class="modal-dialog modal-lg" role="document">
            <div class="modal-content">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-reset-title">Reset VM Status</h4>
                </div>
                <div class="modal-body">
                    <div class="puqkvm-form-alert"></div>
                    <p>Service <strong class="puqkvm-reset-service"></strong>, now <span class="label label-default puqkvm-reset-current"></span>.</p>
                    <div class="form-group">
                        <label for="puqkvm-reset-status">New status</label>
                        <select class="form-control" id="puqkvm-reset-status">
                            {foreach $reset_states as $state}
                                <option value="{$state.status|escape}">{$state.status|escape}</option>
                            {/foreach}
                        </select>
                    </div>
                    <table class="table table-condensed puqkvm-reset-reference">
                        <thead><tr><th>Status</th><th>Use case</th></tr></thead>
                        <tbody>
                        {foreach $reset_states as $state}
                            <tr><td><code>{$state.status|escape}</code></td><td>{$state.help|escape}</td></tr>
                        {/foreach}
                        </tbody>
                    </table>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button>
                    <button type="button" class="btn btn-warning" id="puqkvm-reset-go">Reset</button>
                </div>
            </div>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-log-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-log-title">
        <div class="modal-dialog modal-lg" role="document">
            <div class="modal-content">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-log-title">VM Log</h4>
                </div>
                <div class="modal-body">
                    <div class="alert alert-danger puqkvm-log-banner" role="alert" hidden></div>
                    <p class="text-muted puqkvm-log-watch" hidden><span class="glyphicon glyphicon-refresh" aria-hidden="true"></span> A run is in progress: its steps appear as they complete.</p>
                    <div class="puqkvm-log-runs"></div>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Close</button>
                </div>
            </div>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-record-modal" tabindex="-1" role="dialog" aria-labelledby="puqkvm-record-title">
        <div class="modal-dialog modal-lg" role="document">
            <form class="modal-content" id="puqkvm-record-form" novalidate>
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-record-title">DB Record</h4>
                </div>
                <div class="modal-body">
                    <div class="alert alert-warning" role="alert">
                        <strong>Warning:</strong> direct database editing bypasses every safeguard in the state machine.
                        Incorrect values cause deployment failures, incorrect IP accounting, or data loss. Use only when
                        you know exactly what you are doing and the usual Reset / Redeploy actions cannot help.
                    </div>
                    <div class="puqkvm-form-alert"></div>
                    <table class="table table-condensed puqkvm-record-table">
                        <thead><tr><th>Column</th><th>Value</th></tr></thead>
                        <tbody></tbody>
                    </table>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Close</button>
                    <button type="submit" class="btn btn-primary" id="puqkvm-record-save">Save changes</button>
                </div>
            </form>
        </div>
    </div>

    <div class="modal fade" id="puqkvm-vm-confirm" tabindex="-1" role="dialog" aria-labelledby="puqkvm-vm-confirm-title">
        <div class="modal-dialog" role="document">
            <div class="modal-content">
                <div class="modal-header">
                    <button type="button" class="close" data-dismiss="modal" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                    <h4 class="modal-title" id="puqkvm-vm-confirm-title">Are you sure?</h4>
                </div>
                <div class="modal-body">
                    <div class="puqkvm-form-alert"></div>
                    <p class="puqkvm-confirm-text"></p>
                    <div class="checkbox puqkvm-confirm-release" style="display: none">
                        <label><input type="checkbox" id="puqkvm-confirm-release-box" value="1">
                            Also release the addresses this VM still holds (only when the VM is gone from Proxmox)</label>
                    </div>
                </div>
                <div class="modal-footer">
                    <button type="button" class="btn btn-default" data-dismiss="modal">Cancel</button>
                    <button type="button" class="btn btn-danger" id="puqkvm-vm-confirm-go">Confirm</button>
                </div>
            </div>
        </div>
    </div>
</div>
<script src="{$assets_url|escape}/vm_management.js?v={$version|escape}"></script>
{/block}
