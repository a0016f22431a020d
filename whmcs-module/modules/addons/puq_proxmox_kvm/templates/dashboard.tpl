{* Home: the five cards of the addon manual — IP Pools, DNS Zones and KVM Services
 * counts, and links to VM Management and Settings. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="puqkvm-cards">
        {foreach $cards as $card}
            <div class="panel panel-default puqkvm-card" data-card="{$card.key|escape}">
                <div class="panel-body">
                    <div class="puqkvm-card-icon"><span class="glyphicon glyphicon-{$card.icon|escape}" aria-hidden="true"></span></div>
                    <div class="puqkvm-card-title">{$card.title|escape}</div>
                    {if $card.count !== null}
                        <div class="puqkvm-card-count" data-count="{$card.count|escape}">{$card.count|escape}</div>
                        <div class="puqkvm-card-hint text-muted">{$card.hint|escape}</div>
                    {else}
                        <div class="puqkvm-card-hint text-muted">{$card.hint|escape}</div>
                    {/if}
                </div>
                <div class="panel-footer">
                    <a href="{$card.url|escape}">{$card.link|escape} <span class="glyphicon glyphicon-chevron-right" aria-hidden="true"></span></a>
                </div>
            </div>
        {/foreach}
    </div>
{/block}
