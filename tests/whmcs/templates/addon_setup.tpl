{* Setup > Addon Modules: activate and deactivate. *}
{if $message}
    <div class="alert alert-{if $message.status == 'error'}danger{elseif $message.status == 'info'}info{else}success{/if}" id="addon-setup-message" role="alert">
        {$message.description}
    </div>
{/if}
<table class="table table-striped" id="addon-setup">
    <thead><tr><th>Addon</th><th>Description</th><th>Version</th><th></th></tr></thead>
    <tbody>
    {foreach $addons as $addon}
        <tr data-module="{$addon.module}">
            <td>{$addon.name}</td>
            <td>{$addon.description}</td>
            <td>{$addon.version}</td>
            <td class="text-right">
                <form method="post" action="configaddonmods.php">
                    <input type="hidden" name="token" value="{$token}">
                    <input type="hidden" name="module" value="{$addon.module}">
                    {if $addon.active}
                        <button class="btn btn-danger btn-sm" name="action" value="deactivate">Deactivate</button>
                    {else}
                        <button class="btn btn-success btn-sm" name="action" value="activate">Activate</button>
                    {/if}
                </form>
            </td>
        </tr>
    {/foreach}
    </tbody>
</table>
