{*
 * The client area of a virtual machine: a menu of pages and their empty panels, filled
 * by clientarea.js from the module's AJAX endpoint (nothing here waits for Proxmox).
 * Everything printed is escaped here; the script writes text, never HTML, so a name,
 * note or description a client typed stays inert. Pages the product does not allow are
 * shown dimmed once the first answer names the permissions; the server refuses them
 * anyway.
 *}
<link rel="stylesheet" href="{$puq_assets|escape:'html'}/clientarea.css">
{if $puq_problem}
<div class="alert alert-warning" id="puqkvm-unavailable">{$puq_problem|escape:'html'}</div>
{else}
<div id="puqkvm-client" class="puqkvm" data-api="{$puq_api|escape:'html'}" data-token="{$puq_csrf|escape:'html'}">
    <div class="row">
        <div class="col-sm-3">
            <ul class="nav nav-pills nav-stacked puqkvm-menu" id="puqkvm-menu">
                <li data-page="overview"><a href="#overview">Overview</a></li>
                <li data-page="charts" data-perm="charts"><a href="#charts">Charts</a></li>
                <li data-page="backups" data-perm="backups"><a href="#backups">Backups</a></li>
                <li data-page="snapshots" data-perm="snapshots"><a href="#snapshots">Snapshots</a></li>
                <li data-page="rdns" data-perm="revdns"><a href="#rdns">Reverse DNS</a></li>
                <li data-page="reinstall" data-perm="reinstall"><a href="#reinstall">Reinstall</a></li>
                <li data-page="password" data-perm="reset_password"><a href="#password">Reset password</a></li>
                <li data-page="iso" data-perm="iso"><a href="#iso">ISO images</a></li>
                <li data-page="firewall" data-perm="firewall"><a href="#firewall">Firewall</a></li>
            </ul>
        </div>
        <div class="col-sm-9">
            <div class="alert puqkvm-alert hidden" id="puqkvm-alert" role="alert"></div>
            <div class="alert alert-info puqkvm-job hidden" id="puqkvm-job" role="status"></div>

            <section class="puqkvm-page" data-view="overview">
                <div class="panel panel-default">
                    <div class="panel-heading">
                        <span class="puqkvm-status label label-default" id="puq-status">…</span>
                        <span class="text-muted" id="puq-uptime"></span>
                        <span class="pull-right puqkvm-buttons">
                            <button type="button" class="btn btn-success btn-sm" data-action="start" data-perm="start">Start</button>
                            <button type="button" class="btn btn-warning btn-sm" data-action="reboot" data-perm="stop">Reboot</button>
                            <button type="button" class="btn btn-danger btn-sm" data-action="stop" data-perm="stop">Stop</button>
                        </span>
                    </div>
                    <div class="panel-body">
                        <p class="text-danger hidden" id="puq-pve-error"></p>
                        <dl class="dl-horizontal puqkvm-facts">
                            <dt>CPU</dt><dd id="puq-cpu"></dd>
                            <dt>RAM</dt><dd id="puq-ram"></dd>
                            <dt>Domain</dt><dd id="puq-domain"></dd>
                            <dt>User name</dt><dd id="puq-username"></dd>
                            <dt>ISO</dt><dd id="puq-iso"></dd>
                        </dl>
                        <h4>Disks</h4>
                        <table class="table table-condensed" id="puq-disks">
                            <thead><tr><th>Disk</th><th>Size</th><th>Read / write</th><th>IOPS read / write</th></tr></thead>
                            <tbody></tbody>
                        </table>
                        <h4>Network interfaces</h4>
                        <table class="table table-condensed" id="puq-nics">
                            <thead><tr><th>Interface</th><th>Model</th><th>MAC</th><th>Rate</th></tr></thead>
                            <tbody></tbody>
                        </table>
                    </div>
                </div>
                <div class="panel panel-default">
                    <div class="panel-heading">Network</div>
                    <div class="panel-body">
                        <table class="table table-condensed" id="puq-addresses">
                            <thead><tr><th>Address</th><th>Gateway</th><th>DNS</th><th>Reverse DNS</th></tr></thead>
                            <tbody></tbody>
                        </table>
                        <p class="help-block">Only the main IPv4 and IPv6 addresses are configured automatically; extra
                            addresses must be configured by hand inside the VM.</p>
                    </div>
                </div>
            </section>

            <section class="puqkvm-page hidden" data-view="charts">
                <div class="btn-group puqkvm-timeframes" role="group">
                    <button type="button" class="btn btn-default active" data-timeframe="hour">Hour</button>
                    <button type="button" class="btn btn-default" data-timeframe="day">Day</button>
                    <button type="button" class="btn btn-default" data-timeframe="week">Week</button>
                    <button type="button" class="btn btn-default" data-timeframe="month">Month</button>
                    <button type="button" class="btn btn-default" data-timeframe="year">Year</button>
                </div>
                <h4>CPU and RAM (%)</h4>
                <div class="puqkvm-chart" id="puq-chart-cpu"></div>
                <h4>Disk I/O (MB/s)</h4>
                <div class="puqkvm-chart" id="puq-chart-disk"></div>
                <h4>Network (MB/s)</h4>
                <div class="puqkvm-chart" id="puq-chart-net"></div>
            </section>

            <section class="puqkvm-page hidden" data-view="backups">
                <p><strong>Backups:</strong> <span id="puq-backup-count">0</span> / <span id="puq-backup-quota">0</span>
                    <span class="text-muted" id="puq-backup-next"></span></p>
                <div class="panel panel-default">
                    <div class="panel-heading">Weekly schedule</div>
                    <div class="panel-body">
                        <table class="table table-condensed puqkvm-schedule" id="puq-backup-schedule"><tbody></tbody></table>
                        <button type="button" class="btn btn-default" id="puq-backup-schedule-save" data-perm="backups">Save schedule</button>
                    </div>
                </div>
                <form class="form-inline puqkvm-form" id="puq-backup-form">
                    <label for="puq-backup-note">Backup notes</label>
                    <input type="text" class="form-control" id="puq-backup-note" name="note" maxlength="200">
                    <button type="submit" class="btn btn-primary" data-perm="backups">Backup now</button>
                </form>
                <p class="text-warning">A restore replaces the VM's disks and deletes all of its snapshots.</p>
                <table class="table table-striped" id="puq-backups">
                    <thead><tr><th>Date</th><th>Notes</th><th>Size</th><th></th></tr></thead>
                    <tbody></tbody>
                </table>
            </section>

            <section class="puqkvm-page hidden" data-view="snapshots">
                <p><strong>Snapshots:</strong> <span id="puq-snap-count">0</span> / <span id="puq-snap-quota">0</span>
                    <span class="text-muted" id="puq-snap-mode"></span></p>
                <div class="panel panel-default hidden" id="puq-snap-schedule-panel">
                    <div class="panel-heading">Weekly schedule</div>
                    <div class="panel-body">
                        <table class="table table-condensed puqkvm-schedule" id="puq-snap-schedule"><tbody></tbody></table>
                        <button type="button" class="btn btn-default" id="puq-snap-schedule-save" data-perm="snapshot_schedule">Save schedule</button>
                    </div>
                </div>
                <form class="form-inline puqkvm-form" id="puq-snap-form">
                    <label for="puq-snap-description">Description</label>
                    <input type="text" class="form-control" id="puq-snap-description" name="description" maxlength="200">
                    <button type="submit" class="btn btn-primary" data-perm="snapshots">Take snapshot</button>
                </form>
                <table class="table table-striped" id="puq-snapshots">
                    <thead><tr><th>Name</th><th>Description</th><th>Date</th><th>Removed in</th><th></th></tr></thead>
                    <tbody></tbody>
                </table>
            </section>

            <section class="puqkvm-page hidden" data-view="rdns">
                <form id="puq-rdns-form">
                    <table class="table table-condensed" id="puq-rdns"><thead><tr><th>Address</th><th>Host name</th></tr></thead><tbody></tbody></table>
                    <p class="help-block">DNS changes take 1-8 hours to reach everyone. Leave a name empty for the default
                        (<span id="puq-rdns-default"></span>).</p>
                    <button type="submit" class="btn btn-primary" data-perm="revdns">Save</button>
                </form>
            </section>

            <section class="puqkvm-page hidden" data-view="reinstall">
                <div class="alert alert-danger">Reinstalling erases all disks and snapshots of the VM. Its addresses,
                    MAC address and backups stay. A new password is e-mailed when the VM is ready.</div>
                <form id="puq-reinstall-form">
                    <div class="form-group"><label for="puq-reinstall-os">Operating system</label>
                        <select class="form-control" id="puq-reinstall-os" name="template"></select></div>
                    <div class="form-group"><label for="puq-reinstall-confirm">Type REINSTALL to confirm</label>
                        <input type="text" class="form-control" id="puq-reinstall-confirm" name="confirm" autocomplete="off"></div>
                    <button type="submit" class="btn btn-danger" data-perm="reinstall">Reinstall</button>
                </form>
            </section>

            <section class="puqkvm-page hidden" data-view="password">
                <p>A new random password is set for <strong id="puq-password-user"></strong> through cloud-init (and at
                    once when the guest agent runs) and sent to you by e-mail.</p>
                <button type="button" class="btn btn-primary" id="puq-password-reset" data-perm="reset_password">Reset password</button>
            </section>

            <section class="puqkvm-page hidden" data-view="iso">
                <p><strong>Mounted:</strong> <span id="puq-iso-mounted">none</span></p>
                <form class="form-inline puqkvm-form" id="puq-iso-form">
                    <select class="form-control" id="puq-iso-select" name="volid"></select>
                    <button type="submit" class="btn btn-primary" data-perm="iso">Mount</button>
                    <button type="button" class="btn btn-default" id="puq-iso-unmount" data-perm="iso">Unmount</button>
                </form>
                <p class="help-block">A mounted image replaces the previous one. To boot from it, the boot order may need changing.</p>
            </section>

            <section class="puqkvm-page hidden" data-view="firewall">
                <form class="form-inline puqkvm-form" id="puq-fw-policy">
                    <label for="puq-fw-in">Input policy</label>
                    <select class="form-control" id="puq-fw-in" name="in"><option>ACCEPT</option><option>DROP</option></select>
                    <label for="puq-fw-out">Output policy</label>
                    <select class="form-control" id="puq-fw-out" name="out"><option>ACCEPT</option><option>DROP</option></select>
                    <button type="submit" class="btn btn-default" data-perm="firewall">Save</button>
                </form>
                <table class="table table-condensed puqkvm-rules" id="puq-fw-rules">
                    <thead><tr><th>#</th><th>Dir</th><th>Action</th><th>Proto</th><th>Source</th><th>S.Port</th><th>Dest</th><th>D.Port</th><th>Comment</th><th></th></tr></thead>
                    <tbody></tbody>
                </table>
                <form class="puqkvm-form" id="puq-fw-add">
                    <div class="row">
                        <div class="col-sm-2"><select class="form-control" name="type" aria-label="Direction"><option value="in">IN</option><option value="out">OUT</option></select></div>
                        <div class="col-sm-2"><select class="form-control" name="action" aria-label="Action"><option>ACCEPT</option><option>DROP</option><option>REJECT</option></select></div>
                        <div class="col-sm-2"><select class="form-control" name="proto" aria-label="Protocol"><option value="">any</option><option value="tcp">TCP</option><option value="udp">UDP</option><option value="icmp">ICMP</option><option value="icmpv6">ICMPv6</option></select></div>
                        <div class="col-sm-3"><input class="form-control" name="source" placeholder="Source" aria-label="Source"></div>
                        <div class="col-sm-3"><input class="form-control" name="sport" placeholder="Source port" aria-label="Source port"></div>
                    </div>
                    <div class="row">
                        <div class="col-sm-3"><input class="form-control" name="dest" placeholder="Destination" aria-label="Destination"></div>
                        <div class="col-sm-3"><input class="form-control" name="dport" placeholder="Destination port" aria-label="Destination port"></div>
                        <div class="col-sm-4"><input class="form-control" name="comment" placeholder="Comment" maxlength="128" aria-label="Comment"></div>
                        <div class="col-sm-2"><button type="submit" class="btn btn-primary" data-perm="firewall">Add rule</button></div>
                    </div>
                </form>
            </section>
        </div>
    </div>
</div>
<script src="{$puq_assets|escape:'html'}/clientarea.js"></script>
{/if}
