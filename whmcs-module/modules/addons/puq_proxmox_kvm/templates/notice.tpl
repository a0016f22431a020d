{* The Guard's notice, shown instead of a page when the puqkvm extension is missing or
 * does not match, the database is unreachable, or the schema needs an upgrade. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="alert alert-warning puqkvm-notice" role="alert" data-state="{$notice.state|escape}">
        <h4><span class="glyphicon glyphicon-warning-sign" aria-hidden="true"></span> {$notice.message|escape}</h4>
        <p>{$notice.detail|escape}</p>
        {if $notice.can_upgrade}
            <form method="post" action="{$upgrade_url|escape}" class="puqkvm-upgrade-form">
                <input type="hidden" name="token" value="{$token|escape}">
                <button type="submit" class="btn btn-primary">
                    <span class="glyphicon glyphicon-refresh" aria-hidden="true"></span>
                    Upgrade the database schema to version {$notice.schema_required|escape}
                </button>
            </form>
        {/if}
    </div>
{/block}
