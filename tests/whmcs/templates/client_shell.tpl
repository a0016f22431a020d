{* The WHMCS client area page shell of the harness: jQuery and Bootstrap 3 as a WHMCS
 * client theme loads them, a top bar, the page body (HTML by contract: nofilter). *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{$title} - Client Area - WHMCS harness</title>
    <link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
    <link rel="stylesheet" href="/assets/harness.css">
    <script src="/assets/vendor/jquery/jquery.min.js"></script>
    <script src="/assets/vendor/bootstrap/js/bootstrap.min.js"></script>
</head>
<body class="whmcs-client">
<nav class="navbar navbar-default navbar-static-top">
    <div class="container">
        <div class="navbar-header"><a class="navbar-brand" href="/clientarea.php">Client Area <small>harness</small></a></div>
        {if $client_id > 0}
        <ul class="nav navbar-nav navbar-right">
            <li><a href="/clientarea.php">My Services</a></li>
            <li><a href="/logout.php" id="client-logout">Logout</a></li>
        </ul>
        {/if}
    </div>
</nav>
<div class="container">
    <h1>{$title}</h1>
    {$body nofilter}
</div>
</body>
</html>
