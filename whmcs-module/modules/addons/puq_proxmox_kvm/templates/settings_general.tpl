{* Settings > General, one panel per section of the engine's definitions. *}
{extends file="layout.tpl"}
{block name="content"}
    <form method="post" action="{$form_action|escape}" class="form-horizontal puqkvm-settings" id="puqkvm-settings-general"
          data-puqkvm-ajax novalidate>
        <input type="hidden" name="token" value="{$token|escape}">
        {include file="settings_errors.tpl"}
        {foreach $sections as $section}
            <div class="panel panel-default" data-section="{$section.title|escape}">
                <div class="panel-heading"><h3 class="panel-title">{$section.title|escape}</h3></div>
                <div class="panel-body">
                    {foreach $section.fields as $field}
                        {include file="settings_field.tpl" field=$field}
                    {/foreach}
                </div>
            </div>
        {/foreach}
        <div class="puqkvm-form-actions">
            <button type="submit" class="btn btn-primary" id="puqkvm-save">
                <span class="glyphicon glyphicon-floppy-disk" aria-hidden="true"></span> Save Changes
            </button>
        </div>
    </form>
{/block}
