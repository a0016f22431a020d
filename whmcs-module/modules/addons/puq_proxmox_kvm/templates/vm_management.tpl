{* VM Management — not built yet; the page that replaces this one keeps the file name. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="panel panel-default puqkvm-later" data-page="vm_management">
        <div class="panel-heading"><h3 class="panel-title">VM Management</h3></div>
        <div class="panel-body">
            <p class="lead">See every KVM virtual machine across your Proxmox servers with its status, addresses and deploy log, and redeploy, reset or inspect it.</p>
            <div class="alert alert-info" role="status">
                <span class="glyphicon glyphicon-time" aria-hidden="true"></span>
                This page comes in a later release of puqkvm. Nothing on it works yet.
            </div>
        </div>
    </div>
{/block}
