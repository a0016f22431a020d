{* addonmodules.php for a module that is not active. *}
<div class="alert alert-danger" role="alert">
    <strong>Access Denied.</strong> The addon module "{$module}" is not active. Activate it in
    <a href="configaddonmods.php">Setup &rsaquo; Addon Modules</a>.
</div>
