{* Added to the admin page's <head> by the AdminAreaHeadOutput hook (lib/Hooks.php). *}
<link rel="stylesheet" href="{$assets_url|escape}/addon.css?v={$version|escape}">
