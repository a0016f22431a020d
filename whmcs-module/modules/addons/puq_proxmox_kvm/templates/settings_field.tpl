{* One setting in a horizontal form: its input (by widget), the help text, the range
 * and default of numbers, and the engine's message when the value was refused. *}
<div class="form-group{if $field.error} has-error{/if}" data-setting="{$field.name|escape}">
    <label class="col-sm-4 control-label" for="{$field.id|escape}">{$field.label|escape}</label>
    <div class="col-sm-8 puqkvm-field">
        {if $field.widget == 'number'}
            <div class="input-group puqkvm-number">
                <input type="number" class="form-control" id="{$field.id|escape}" name="settings[{$field.name|escape}]"
                       value="{$field.value|escape}" min="{$field.min|escape}" max="{$field.max|escape}" step="1"
                       data-setting-input="{$field.name|escape}">
                {if $field.unit}<span class="input-group-addon puqkvm-unit">{$field.unit|escape}</span>{/if}
            </div>
            <p class="help-block">{$field.help|escape}
                <span class="puqkvm-range">({$field.min|escape} to {$field.max|escape} {$field.unit|escape}, default {$field.default|escape})</span>
            </p>
        {elseif $field.widget == 'checkbox'}
            <input type="hidden" name="settings[{$field.name|escape}]" value="0">
            <div class="checkbox">
                <label>
                    <input type="checkbox" id="{$field.id|escape}" name="settings[{$field.name|escape}]" value="1"
                           data-setting-input="{$field.name|escape}"{if $field.checked} checked{/if}>
                    {$field.help|escape}
                </label>
            </div>
        {elseif $field.widget == 'radio'}
            {foreach $field.choices as $choice}
                <div class="radio">
                    <label>
                        <input type="radio" name="settings[{$field.name|escape}]" value="{$choice.value|escape}"
                               id="{$field.id|escape}-{$choice.value|escape}" data-setting-input="{$field.name|escape}"
                               {if $choice.selected} checked{/if}>
                        {$choice.label|escape}
                    </label>
                </div>
            {/foreach}
            <p class="help-block">{$field.help|escape}</p>
        {elseif $field.widget == 'select'}
            <select class="form-control" id="{$field.id|escape}" name="settings[{$field.name|escape}]"
                    data-setting-input="{$field.name|escape}">
                {foreach $field.choices as $choice}
                    <option value="{$choice.value|escape}"{if $choice.selected} selected{/if}>{$choice.label|escape}</option>
                {/foreach}
            </select>
            <p class="help-block">{$field.help|escape}</p>
        {elseif $field.widget == 'textarea'}
            <textarea class="form-control" id="{$field.id|escape}" name="settings[{$field.name|escape}]" rows="4"
                      data-setting-input="{$field.name|escape}">{$field.value|escape}</textarea>
            <p class="help-block">{$field.help|escape}</p>
        {else}
            <input type="text" class="form-control" id="{$field.id|escape}" name="settings[{$field.name|escape}]"
                   value="{$field.value|escape}" maxlength="{$field.max_len|escape}"
                   data-setting-input="{$field.name|escape}">
            <p class="help-block">{$field.help|escape}</p>
        {/if}
        {if $field.error}<span class="help-block puqkvm-field-error">{$field.error|escape}</span>{/if}
    </div>
</div>
