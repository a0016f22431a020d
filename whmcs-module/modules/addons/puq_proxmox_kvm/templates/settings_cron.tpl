{* Settings > Cron: the mode with the crontab line of standalone mode, then the task
 * intervals as a table (the "Cron Tasks" section of the engine's definitions) with each
 * task's last run and status. *}
{extends file="layout.tpl"}
{block name="content"}
    <form method="post" action="{$form_action|escape}" class="form-horizontal puqkvm-settings" id="puqkvm-settings-cron"
          data-puqkvm-ajax novalidate>
        <input type="hidden" name="token" value="{$token|escape}">
        {include file="settings_errors.tpl"}
        {foreach $sections as $section}
            {if $section.title == 'Cron Tasks'}
                <div class="panel panel-default" data-section="{$section.title|escape}">
                    <div class="panel-heading"><h3 class="panel-title">{$section.title|escape}</h3></div>
                    <table class="table table-striped puqkvm-tasks">
                        <thead><tr><th>Task</th><th>Interval</th><th>Last run</th><th>Status</th><th>Description</th></tr></thead>
                        <tbody>
                        {foreach $section.fields as $field}
                            <tr class="{if $field.error}has-error{/if}" data-setting="{$field.name|escape}">
                                <td><label class="control-label" for="{$field.id|escape}">{$field.label|escape}</label></td>
                                <td class="puqkvm-field">
                                    <input type="number" class="form-control" id="{$field.id|escape}" name="settings[{$field.name|escape}]"
                                           value="{$field.value|escape}" min="{$field.min|escape}" max="{$field.max|escape}" step="1"
                                           data-setting-input="{$field.name|escape}"> {$field.unit|escape}
                                    {if $field.error}<span class="help-block puqkvm-field-error">{$field.error|escape}</span>{/if}
                                </td>
                                {assign var=state value=$task_state[$field.name]|default:null}
                                <td data-last-run>{if $state && $state.last_run_at}{$state.last_run_at|escape}{else}never{/if}</td>
                                <td data-status>{if $state}{if $state.locked_by}running ({$state.locked_by|escape}){else}{$state.last_status|escape}{/if}{if $state.last_message} <span class="text-muted">&middot; {$state.last_message|escape}</span>{/if}{/if}</td>
                                <td class="text-muted">{$field.help|escape}</td>
                            </tr>
                        {/foreach}
                        </tbody>
                    </table>
                </div>
            {else}
                <div class="panel panel-default" data-section="{$section.title|escape}">
                    <div class="panel-heading"><h3 class="panel-title">{$section.title|escape}</h3></div>
                    <div class="panel-body">
                        {foreach $section.fields as $field}
                            {include file="settings_field.tpl" field=$field}
                            {if $field.name == 'cron_php_binary'}
                                <div id="puqkvm-crontab" class="col-sm-offset-4 puqkvm-crontab" data-show-for="standalone"{if $cron_mode != 'standalone'} hidden{/if}>
                                    <p><strong>Standalone mode:</strong> add this line to the crontab of the user that runs
                                        WHMCS (for example with <code>crontab -e</code>):</p>
                                    <code id="puqkvm-crontab-line">{$crontab|escape}</code>
                                </div>
                            {/if}
                        {/foreach}
                    </div>
                </div>
            {/if}
        {/foreach}
        <div class="puqkvm-form-actions">
            <button type="submit" class="btn btn-primary" id="puqkvm-save">
                <span class="glyphicon glyphicon-floppy-disk" aria-hidden="true"></span> Save Changes
            </button>
        </div>
    </form>
{/block}
