{* DNS Zones — not built yet; the page that replaces this one keeps the file name. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="panel panel-default puqkvm-later" data-page="dns_zones">
        <div class="panel-heading"><h3 class="panel-title">DNS Zones</h3></div>
        <div class="panel-body">
            <p class="lead">Configure Cloudflare, HestiaCP and PowerDNS zones so every virtual machine gets its forward (A/AAAA) and reverse (PTR) records.</p>
            <div class="alert alert-info" role="status">
                <span class="glyphicon glyphicon-time" aria-hidden="true"></span>
                This page comes in a later release of puqkvm. Nothing on it works yet.
            </div>
        </div>
    </div>
{/block}
