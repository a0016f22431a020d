{* The summary above a settings form that came back refused. *}
{if $errors}
    <div class="alert alert-danger puqkvm-form-errors" role="alert">
        Some values are not valid: nothing was saved. Each problem is shown next to its field.
    </div>
{/if}
