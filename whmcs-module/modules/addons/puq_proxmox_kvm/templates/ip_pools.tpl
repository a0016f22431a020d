{* IP Pools — not built yet; the page that replaces this one keeps the file name. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="panel panel-default puqkvm-later" data-page="ip_pools">
        <div class="panel-heading"><h3 class="panel-title">IP Pools</h3></div>
        <div class="panel-body">
            <p class="lead">Manage blocks of IPv4 and IPv6 addresses that are assigned to virtual machines during provisioning, with the reverse DNS zone of each pool.</p>
            <div class="alert alert-info" role="status">
                <span class="glyphicon glyphicon-time" aria-hidden="true"></span>
                This page comes in a later release of puqkvm. Nothing on it works yet.
            </div>
        </div>
    </div>
{/block}
