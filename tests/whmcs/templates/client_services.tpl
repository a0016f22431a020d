{* The client's services, each linking to its product details page. *}
<table class="table" id="services">
    <thead><tr><th>Service</th><th>Status</th></tr></thead>
    <tbody>
    {foreach $services as $s}
        <tr><td><a href="/clientarea.php?action=productdetails&amp;id={$s.id}">#{$s.id} {$s.domain}</a></td><td>{$s.status}</td></tr>
    {foreachelse}
        <tr><td colspan="2">No services</td></tr>
    {/foreach}
    </tbody>
</table>
