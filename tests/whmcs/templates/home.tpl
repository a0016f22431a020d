{* The admin home of the harness: the active addons. *}
<div class="panel panel-default">
    <div class="panel-heading"><h3 class="panel-title">Addon modules</h3></div>
    <table class="table">
        <thead><tr><th>Addon</th><th>Version</th><th>Status</th></tr></thead>
        <tbody>
        {foreach $addons as $addon}
            <tr>
                <td>{if $addon.active}<a href="{$addon.url}">{$addon.name}</a>{else}{$addon.name}{/if}</td>
                <td>{$addon.version}</td>
                <td>{if $addon.active}<span class="label label-success">Active</span>{else}<span class="label label-default">Inactive</span>{/if}</td>
            </tr>
        {/foreach}
        </tbody>
    </table>
</div>
