{* Help: links to the README sections, and where to look when something fails. *}
{extends file="layout.tpl"}
{block name="content"}
    <div class="row">
        <div class="col-md-8">
            <div class="panel panel-default">
                <div class="panel-heading"><h3 class="panel-title">Documentation</h3></div>
                <div class="list-group puqkvm-help-links">
                    {foreach $sections as $section}
                        <a class="list-group-item" href="{$section.url|escape}" target="_blank" rel="noopener noreferrer">
                            <h4 class="list-group-item-heading">{$section.heading|escape}</h4>
                            <p class="list-group-item-text text-muted">{$section.about|escape}</p>
                        </a>
                    {/foreach}
                </div>
                <div class="panel-footer">
                    The complete guide is the project's <a href="{$docs_url|escape}" target="_blank" rel="noopener noreferrer">README</a>.
                </div>
            </div>
        </div>
        <div class="col-md-4">
            <div class="panel panel-default">
                <div class="panel-heading"><h3 class="panel-title">When something goes wrong</h3></div>
                <div class="panel-body">
                    <p>Turn on <strong>Utilities &gt; Logs &gt; Module Log &gt; Enable Debug Logging</strong>:
                        the addon and the server module log every failed call there, with secrets masked.</p>
                    <p>A yellow notice instead of a page means the puqkvm extension is missing, does not
                        match this addon, or the database needs an upgrade; the notice says what to do.</p>
                </div>
                <table class="table table-condensed puqkvm-versions">
                    <tr><th>Addon</th><td>{$version|escape}</td></tr>
                    <tr><th>Extension</th><td>{$extension_version|escape}</td></tr>
                </table>
            </div>
        </div>
    </div>
{/block}
