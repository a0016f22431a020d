{* clientsservices.php: a service's page with the server module's tab rows in its form
 * (ServicePage). Module HTML is placed as it is (nofilter), as WHMCS does. *}
{if $error}
    <div class="alert alert-danger">{$error}</div>
{else}
    {if $success}<div class="alert alert-success whmcs-saved">Changes Saved Successfully!</div>{/if}
    {if $module_result}<div class="alert alert-info whmcs-module-result">Module Command: {$module_result}</div>{/if}
    <form method="post" action="clientsservices.php?userid={$service.userid}&amp;id={$service.id}" id="frmClientServices">
        <input type="hidden" name="token" value="{$token}">
        <table class="table form whmcs-service-form">
            <tr><td class="fieldlabel">Service ID</td><td class="fieldarea" id="whmcs-service-id">{$service.id}</td></tr>
            <tr><td class="fieldlabel">Status</td><td class="fieldarea" id="whmcs-service-status">{$service.status}</td></tr>
            <tr><td class="fieldlabel">Domain</td><td class="fieldarea">{$service.domain}</td></tr>
            <tr><td class="fieldlabel">Dedicated IP</td><td class="fieldarea">{$service.dedicatedip}</td></tr>
            <tr><td class="fieldlabel">Assigned IPs</td><td class="fieldarea"><pre>{$service.assignedips}</pre></td></tr>
            {foreach $fields as $field}
                <tr class="whmcs-module-field"><td class="fieldlabel">{$field.label}</td><td class="fieldarea">{$field.html nofilter}</td></tr>
            {/foreach}
        </table>
        <div class="btn-container"><button type="submit" class="btn btn-primary" id="btnSaveChanges">Save Changes</button></div>
    </form>
{/if}
