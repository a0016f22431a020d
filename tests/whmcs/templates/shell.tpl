{* The WHMCS admin page shell of the harness. Values are escaped automatically
 * (escape_html); the page body and hook outputs are HTML by contract (nofilter). *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{$title} - WHMCS harness</title>
    <link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
    <link rel="stylesheet" href="/assets/harness.css">
    <script src="/assets/vendor/jquery/jquery.min.js"></script>
    <script src="/assets/vendor/bootstrap/js/bootstrap.min.js"></script>
    <script>var csrfToken = '{$token|escape:'javascript' nofilter}';</script>
    {foreach $head_output as $html}{$html nofilter}
    {/foreach}
</head>
<body class="whmcs-admin">
<nav class="navbar navbar-inverse navbar-static-top whmcs-topbar">
    <div class="container-fluid">
        <div class="navbar-header"><a class="navbar-brand" href="index.php">WHMCS <small>harness</small></a></div>
        <ul class="nav navbar-nav">
            <li><a href="index.php">Dashboard</a></li>
            <li class="dropdown">
                <a href="#" class="dropdown-toggle" data-toggle="dropdown" role="button">Addons <span class="caret"></span></a>
                <ul class="dropdown-menu">
                    {foreach $active_addons as $addon}
                        <li><a href="{$addon.url}">{$addon.name}</a></li>
                    {foreachelse}
                        <li class="disabled"><a href="#">No active addons</a></li>
                    {/foreach}
                </ul>
            </li>
            <li><a href="configaddonmods.php">Setup &rsaquo; Addon Modules</a></li>
        </ul>
        <ul class="nav navbar-nav navbar-right">
            <li><p class="navbar-text">{$admin_username}</p></li>
            <li><a href="logout.php">Logout</a></li>
        </ul>
    </div>
</nav>
<div class="container-fluid whmcs-content">
    <h1 class="whmcs-title">{$title}</h1>
    {$body nofilter}
</div>
{foreach $footer_output as $html}{$html nofilter}
{/foreach}
</body>
</html>
