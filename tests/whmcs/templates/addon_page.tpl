{* addonmodules.php: the output of <module>_output(). *}
<div class="whmcs-addon-output">{$content nofilter}</div>
