{* Client login of the harness (tblclients e-mail and password). *}
<form method="post" action="/login.php" class="form-horizontal" style="max-width: 420px">
    <input type="hidden" name="token" value="{$token}">
    <input type="hidden" name="redirect" value="{$redirect}">
    {if $error}<div class="alert alert-danger">{$error}</div>{/if}
    <div class="form-group"><label for="username">Email Address</label>
        <input class="form-control" type="email" id="username" name="username" autocomplete="username"></div>
    <div class="form-group"><label for="password">Password</label>
        <input class="form-control" type="password" id="password" name="password" autocomplete="current-password"></div>
    <button class="btn btn-primary" type="submit" id="login">Login</button>
</form>
