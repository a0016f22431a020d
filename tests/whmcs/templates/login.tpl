{* The harness's admin login. *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>{$title} - WHMCS harness</title>
    <link rel="stylesheet" href="/assets/vendor/bootstrap/css/bootstrap.min.css">
    <link rel="stylesheet" href="/assets/harness.css">
</head>
<body class="whmcs-login">
<div class="login-box panel panel-default">
    <div class="panel-heading"><h3 class="panel-title">WHMCS <small>harness</small> &middot; Admin Login</h3></div>
    <div class="panel-body">
        {if $error}<div class="alert alert-danger" role="alert">{$error}</div>{/if}
        <form method="post" action="login.php">
            <input type="hidden" name="token" value="{$login_token}">
            <input type="hidden" name="redirect" value="{$redirect}">
            <div class="form-group">
                <label for="username">Username</label>
                <input type="text" class="form-control" id="username" name="username" autocomplete="username" autofocus>
            </div>
            <div class="form-group">
                <label for="password">Password</label>
                <input type="password" class="form-control" id="password" name="password" autocomplete="current-password">
            </div>
            <button type="submit" class="btn btn-primary btn-block" id="login">Login</button>
        </form>
    </div>
</div>
</body>
</html>
