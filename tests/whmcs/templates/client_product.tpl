{* A service's product details page: the module's client area output (HTML by contract). *}
<p class="text-muted">Service #{$service.id} &middot; {$service.domain} &middot; <span class="label label-default">{$service.status}</span></p>
{if $message}<div class="alert alert-info" id="module-message">{$message}</div>{/if}
<div id="module-output">{$module_output nofilter}</div>
