/*
 * The admin service tab's live parts: the API status box and the VM's live information
 * (read at once, then every 5 seconds), the deploy log (polled while a run is in
 * progress) and Redeploy (confirmed; the server refuses it for a ready VM). Everything
 * comes from the addon's VM Management endpoints with the admin's session; every text
 * is inserted with textContent.
 */
(function () {
    'use strict';

    var boxes = document.querySelectorAll('.puqkvm-tab[data-service]');
    Array.prototype.forEach.call(boxes, function (tab) {
        if (tab.getAttribute('data-started')) {
            return;
        }
        tab.setAttribute('data-started', '1');
        var LIVE_MS = 5000;
        var RESTING = ['ready', 'remove', 'error_terminate'];

        function el(tag, className, text) {
            var e = document.createElement(tag);
            if (className) {
                e.className = className;
            }
            if (text !== undefined && text !== null) {
                e.textContent = String(text);
            }
            return e;
        }

        function cell(name) {
            return tab.querySelector('.puqkvm-live-' + name);
        }

        function getJson(url) {
            return fetch(url, {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}})
                .then(function (r) {
                    return r.json().then(function (d) {
                        return {status: r.status, data: d || {}};
                    }, function () {
                        return {status: r.status, data: {error: 'Unexpected answer (HTTP ' + r.status + ').'}};
                    });
                });
        }

        function gib(bytes) {
            return (bytes / 1073741824).toFixed(2) + ' GiB';
        }

        function limits(l) {
            if (!l) {
                return '';
            }
            var mbps = function (v) { return v ? v + ' MB/s' : 'unlimited'; };
            var iops = function (v) { return v ? v + ' IOPS' : 'unlimited'; };
            return 'r ' + mbps(l.mbps_rd) + ' / w ' + mbps(l.mbps_wr) + ', r ' + iops(l.iops_rd) + ' / w ' + iops(l.iops_wr);
        }

        function renderLive(d) {
            var api = tab.querySelector('.puqkvm-tab-api');
            api.className = 'alert puqkvm-tab-api ' + (d.api && d.api.ok ? 'alert-success' : 'alert-danger');
            api.textContent = d.api && d.api.ok ? 'API answer OK' : 'API error: ' + ((d.api && d.api.message) || 'no answer');
            var status = cell('status');
            status.textContent = '';
            if (!d.found) {
                status.appendChild(el('span', 'text-muted', d.api && d.api.ok && d.vmid ? 'Proxmox has no VM ' + d.vmid
                    : 'not available'));
            } else {
                status.appendChild(el('span', 'label ' + (d.status === 'running' ? 'label-success' : 'label-default'), d.status));
                if (d.uptime_text) {
                    status.appendChild(document.createTextNode(' up ' + d.uptime_text));
                }
                if (d.lock) {
                    status.appendChild(document.createTextNode(' '));
                    status.appendChild(el('span', 'label label-warning', 'lock: ' + d.lock));
                }
            }
            cell('local').textContent = (d.local_status || '') + (d.node ? ' on node ' + d.node : '') +
                (d.vmid ? ' (VM ' + d.vmid + (d.name ? ', ' + d.name : '') + ')' : '');
            var cpu = cell('cpu');
            cpu.textContent = '';
            if (d.cpu && d.found) {
                var level = {green: 'label-success', yellow: 'label-warning', red: 'label-danger'}[d.cpu.level];
                cpu.appendChild(el('span', 'label ' + level, d.cpu.usage.toFixed(1) + '%'));
                cpu.appendChild(document.createTextNode(' of ' + d.cpu.cores + ' core(s); package ' + d.cpu.package_cores));
            }
            cell('ram').textContent = d.memory && d.found ? gib(d.memory.used) + ' of ' + gib(d.memory.total) + ' (' +
                d.memory.percent.toFixed(1) + '%); package ' + d.memory.package_mb + ' MiB' : '';
            var disks = cell('disks');
            disks.textContent = '';
            (d.disks || []).forEach(function (disk) {
                var line = el('div', 'puqkvm-live-disk');
                line.appendChild(el('strong', '', disk.key + ' (' + disk.role + ')'));
                line.appendChild(document.createTextNode(' ' + disk.size_text +
                    (disk.package_gb !== null ? ' / package ' + disk.package_gb + ' GiB' : '') + ' - ' + disk.volid));
                line.appendChild(el('div', 'text-muted', 'I/O ' + limits(disk.limits) +
                    (disk.package ? '; package ' + limits(disk.package) : '')));
                disks.appendChild(line);
            });
            var net = cell('network');
            net.textContent = '';
            (d.network || []).forEach(function (n) {
                var text = n.key + ': ' + n.model + ' ' + n.mac + ', bridge ' + n.bridge + (n.tag ? ', VLAN ' + n.tag : '') +
                    ', ' + (n.rate ? n.rate + ' MB/s' : 'unlimited');
                if (n.package) {
                    text += ' (package ' + n.package.bridge + (n.package.vlan ? ' VLAN ' + n.package.vlan : '') + ', ' +
                        (n.package.rate ? n.package.rate + ' MB/s' : 'unlimited') + ')';
                }
                net.appendChild(el('div', '', text));
            });
            cell('iso').textContent = d.iso || 'none';
        }

        var liveTimer = null;
        function live() {
            clearTimeout(liveTimer);
            getJson(tab.getAttribute('data-live-url')).then(function (r) {
                if (r.status === 200) {
                    renderLive(r.data);
                } else {
                    renderLive({api: {ok: false, message: r.data.error}, found: false});
                }
                liveTimer = setTimeout(live, LIVE_MS);
            }).catch(function () {
                liveTimer = setTimeout(live, LIVE_MS);
            });
        }

        function renderLog(d) {
            var banner = tab.querySelector('.puqkvm-log-banner');
            banner.hidden = !d.banner;
            banner.textContent = d.banner ? 'Last run failed: ' + d.banner.action + ' - ' + d.banner.message : '';
            var box = tab.querySelector('.puqkvm-tab-log');
            box.className = 'puqkvm-tab-log';
            box.textContent = '';
            if (!d.runs.length) {
                box.appendChild(el('p', 'text-muted', 'No runs yet.'));
            }
            d.runs.forEach(function (run, i) {
                var details = el('details', 'puqkvm-tab-run');
                if (i === 0) {
                    details.open = true;
                }
                var summary = el('summary');
                summary.appendChild(el('strong', '', run.action));
                summary.appendChild(document.createTextNode(' '));
                summary.appendChild(el('span', 'label ' + (run.result === 'success' ? 'label-success'
                    : run.result === 'error' ? 'label-danger' : 'label-info'), run.result));
                summary.appendChild(document.createTextNode(' ' + run.started_at + (run.finished_at ? ' - ' + run.finished_at : '')));
                details.appendChild(summary);
                var table = el('table', 'table table-condensed puqkvm-log-steps');
                var head = el('tr');
                ['#', 'Step', 'Result', 'From', 'To', 'Time', 'Dur'].forEach(function (h) { head.appendChild(el('th', '', h)); });
                table.appendChild(head);
                run.steps.forEach(function (s) {
                    var tr = el('tr', s.result.indexOf('error') === 0 ? 'danger' : '');
                    [s.seq, s.label, s.result + (s.message ? ': ' + s.message : ''), s.from, s.to, s.time,
                        Number(s.duration).toFixed(2) + ' s'].forEach(function (v) { tr.appendChild(el('td', '', v)); });
                    table.appendChild(tr);
                });
                details.appendChild(table);
                box.appendChild(details);
            });
        }

        var logTimer = null;
        function log() {
            clearTimeout(logTimer);
            getJson(tab.getAttribute('data-log-url')).then(function (r) {
                if (r.status !== 200) {
                    tab.querySelector('.puqkvm-tab-log').textContent = r.data.error || 'The log could not be read.';
                    return;
                }
                renderLog(r.data);
                if (r.data.running || RESTING.indexOf(r.data.vm_status) < 0) {
                    logTimer = setTimeout(log, 3000);
                }
            });
        }

        var redeploy = tab.querySelector('.puqkvm-tab-redeploy');
        redeploy.addEventListener('click', function () {
            if (!window.confirm('Redeploy this VM? It is deleted on Proxmox, its addresses and logs are cleared, and ' +
                'the deploy runs again from the start. Data on the VM is lost.')) {
                return;
            }
            var body = new URLSearchParams({op: 'redeploy', id: tab.getAttribute('data-service'), ajax: '1',
                token: tab.getAttribute('data-token') || ''});
            fetch(tab.getAttribute('data-post-url'), {method: 'POST', credentials: 'same-origin',
                headers: {'X-Requested-With': 'XMLHttpRequest'}, body: body})
                .then(function (r) {
                    return r.json().then(function (d) { return {status: r.status, data: d || {}}; });
                })
                .then(function (r) {
                    var slot = tab.querySelector('.puqkvm-tab-alert');
                    slot.textContent = '';
                    slot.appendChild(el('div', 'alert ' + (r.status === 200 ? 'alert-success' : 'alert-danger'),
                        r.status === 200 ? r.data.message : (r.data.error || 'Redeploy failed.')));
                    if (r.status === 200) {
                        redeploy.disabled = true;
                        log();
                    }
                });
        });

        live();
        log();
    });
}());
