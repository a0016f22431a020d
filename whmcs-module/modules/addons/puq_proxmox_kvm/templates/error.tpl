{* An error answer inside the addon layout: 404 for an unknown page, 403 for a refused
 * request, 405 for a wrong method, 500 for a failure. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="panel panel-danger puqkvm-error" data-status="{$code|escape}">
        <div class="panel-heading">
            <h3 class="panel-title">{$heading|escape} <small>(HTTP {$code|escape})</small></h3>
        </div>
        <div class="panel-body">
            <p>{$message|escape}</p>
            <a class="btn btn-default" href="{$module_link|escape}">
                <span class="glyphicon glyphicon-home" aria-hidden="true"></span> Back to the dashboard
            </a>
        </div>
    </div>
{/block}
