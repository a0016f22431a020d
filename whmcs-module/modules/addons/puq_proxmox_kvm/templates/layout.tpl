{*
 * The frame of every addon page, placed by WHMCS inside its admin area: the addon's top
 * navigation with the version badge, one-time messages, then the page's "content"
 * block. Page templates start with {extends file="layout.tpl"}. The CSRF token and the
 * module link ride on data attributes for assets/addon.js; no inline script.
 *}
<div id="puqkvm" class="puqkvm" data-token="{$token|escape}" data-module-link="{$module_link|escape}">
    <nav class="navbar navbar-default puqkvm-nav" aria-label="{$display_name|escape}">
        <div class="container-fluid">
            <div class="navbar-header">
                <a class="navbar-brand" href="{$module_link|escape}">{$display_name|escape}</a>
            </div>
            <ul class="nav navbar-nav">
                {foreach $nav as $item}
                    {if $item.children}
                        <li class="dropdown{if $item.active} active{/if}">
                            <a href="#" class="dropdown-toggle" data-toggle="dropdown" data-nav="{$item.key|escape}"
                               role="button" aria-haspopup="true" aria-expanded="false">
                                <span class="glyphicon glyphicon-{$item.icon|escape}" aria-hidden="true"></span>
                                {$item.label|escape} <span class="caret"></span>
                            </a>
                            <ul class="dropdown-menu">
                                {foreach $item.children as $child}
                                    <li{if $child.active} class="active"{/if}>
                                        <a href="{$child.url|escape}" data-nav="{$child.key|escape}">{$child.label|escape}</a>
                                    </li>
                                {/foreach}
                            </ul>
                        </li>
                    {else}
                        <li{if $item.active} class="active"{/if}>
                            <a href="{$item.url|escape}" data-nav="{$item.key|escape}">
                                <span class="glyphicon glyphicon-{$item.icon|escape}" aria-hidden="true"></span>
                                {$item.label|escape}
                            </a>
                        </li>
                    {/if}
                {/foreach}
            </ul>
            <p class="navbar-text navbar-right puqkvm-version-wrap">
                <span class="label label-info puqkvm-version" title="puq_proxmox_kvm addon version">v{$version|escape}</span>
            </p>
        </div>
    </nav>

    <div class="puqkvm-messages">
        {foreach $flash as $message}
            <div class="alert alert-{$message.type|escape} alert-dismissible" role="alert">
                <button type="button" class="close" data-dismiss="alert" aria-label="Close"><span aria-hidden="true">&times;</span></button>
                {$message.message|escape}
            </div>
        {/foreach}
    </div>

    <div class="puqkvm-page">
        {block name="content"}{/block}
    </div>
</div>
<script src="{$assets_url|escape}/addon.js"></script>
