/*
 * VM Management: the list (from GET op=list, keyset pages), its filters and search,
 * sorting by any column, and the per-VM actions.
 *
 * The two filters are kept in localStorage and restored on the next visit. While a VM
 * of the page is in a pipeline (any status but ready, remove, error_terminate) the page
 * is read again every few seconds, so its badge follows the cron; the Log modal polls
 * likewise while a run is in progress, so its steps appear as they complete. Actions
 * post with ajax=1 and the session's CSRF token; the server re-checks every rule, this
 * script only mirrors the buttons it was told to show. Every text from the server is
 * inserted with textContent, never as HTML.
 */
(function () {
    'use strict';

    var page = document.getElementById('puqkvm-vms-page');
    var root = document.getElementById('puqkvm');
    if (!page || !root) {
        return;
    }
    var $ = window.jQuery;
    var pageUrl = page.getAttribute('data-page-url');
    var tbody = document.querySelector('#puqkvm-vms tbody');
    var alertSlot = document.getElementById('puqkvm-vm-alert');
    var RESTING = ['ready', 'remove', 'error_terminate'];
    var STORE = {service_status: 'puqkvm.vm.service_status', vm_status: 'puqkvm.vm.vm_status'};
    var WATCH_MS = 3000;

    var state = {search: '', service_status: '', vm_status: '', sort: 'id', dir: 'desc', limit: 25,
        cursor: '', next: null, prev: null};
    var watchTimer = null;
    var logTimer = null;
    var seq = 0;

    /* ---- helpers ------------------------------------------------------------------------ */

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

    function show(modal) {
        if ($ && $.fn.modal) {
            $(modal).modal('show');
        } else {
            modal.style.display = 'block';
            modal.classList.add('in');
        }
    }

    function hide(modal) {
        if ($ && $.fn.modal) {
            $(modal).modal('hide');
        } else {
            modal.style.display = 'none';
            modal.classList.remove('in');
        }
    }

    function storeGet(key) {
        try {
            return window.localStorage.getItem(key) || '';
        } catch (e) {
            return '';
        }
    }

    function storeSet(key, value) {
        try {
            window.localStorage.setItem(key, value);
        } catch (e) {
            /* private mode: the filter still works for this visit */
        }
    }

    function query(params) {
        var q = new URLSearchParams();
        Object.keys(params).forEach(function (k) {
            if (params[k] !== '' && params[k] !== null && params[k] !== undefined) {
                q.set(k, params[k]);
            }
        });
        q.set('ajax', '1');
        return pageUrl + '&' + q.toString();
    }

    function getJson(url) {
        return fetch(url, {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}})
            .then(function (r) {
                return r.json().then(function (data) {
                    return {status: r.status, data: data || {}};
                }, function () {
                    return {status: r.status, data: {error: 'Unexpected answer from the server (HTTP ' + r.status + ').'}};
                });
            });
    }

    function post(values) {
        var body = new URLSearchParams();
        Object.keys(values).forEach(function (k) {
            if (values[k] && typeof values[k] === 'object') {
                Object.keys(values[k]).forEach(function (sub) {
                    body.set(k + '[' + sub + ']', values[k][sub]);
                });
            } else {
                body.set(k, values[k]);
            }
        });
        body.set('ajax', '1');
        body.set('token', root.getAttribute('data-token') || '');
        return fetch(pageUrl, {method: 'POST', credentials: 'same-origin',
            headers: {'X-Requested-With': 'XMLHttpRequest'}, body: body})
            .then(function (r) {
                return r.json().then(function (data) {
                    return {status: r.status, data: data || {}};
                }, function () {
                    return {status: r.status, data: {error: 'Unexpected answer from the server (HTTP ' + r.status + ').'}};
                });
            });
    }

    function alertBox(type, text) {
        var box = el('div', 'alert alert-' + type, text);
        box.setAttribute('role', 'alert');
        return box;
    }

    function pageAlert(type, text) {
        alertSlot.textContent = '';
        if (text) {
            alertSlot.appendChild(alertBox(type, text));
        }
    }

    function modalAlert(modal, type, text, errors) {
        var slot = modal.querySelector('.puqkvm-form-alert');
        slot.textContent = '';
        if (!text) {
            return;
        }
        var box = alertBox(type, text);
        if (errors) {
            var list = el('ul', 'puqkvm-field-errors');
            Object.keys(errors).forEach(function (field) {
                list.appendChild(el('li', '', field + ': ' + errors[field]));
            });
            box.appendChild(list);
        }
        slot.appendChild(box);
    }

    function statusClass(status) {
        if (status === 'ready') {
            return 'label-success';
        }
        if (status === 'error_terminate') {
            return 'label-danger';
        }
        if (status === 'remove' || status === '') {
            return 'label-default';
        }
        if (status === 'terminate') {
            return 'label-warning';
        }
        return 'label-info';
    }

    function serviceClass(status) {
        return {Active: 'label-success', Suspended: 'label-warning', Terminated: 'label-default',
            Cancelled: 'label-default', Pending: 'label-info', Fraud: 'label-danger'}[status] || 'label-default';
    }

    /* ---- the list ---------------------------------------------------------------------------- */

    function actionButton(kind, row) {
        var spec = {
            redeploy: ['btn-danger', 'repeat', 'Redeploy'],
            reset: ['btn-warning', 'refresh', 'Reset'],
            log: ['btn-info', 'file', 'Log'],
            record: ['btn-default', 'list-alt', 'DB Record'],
            'delete': ['btn-danger', 'trash', 'Delete Record']
        }[kind];
        var b = el('button', 'btn btn-xs ' + spec[0] + ' puqkvm-vm-' + kind);
        b.type = 'button';
        b.title = spec[2];
        b.setAttribute('data-service', String(row.service_id));
        var icon = el('span', 'glyphicon glyphicon-' + spec[1]);
        icon.setAttribute('aria-hidden', 'true');
        b.appendChild(icon);
        b.appendChild(document.createTextNode(' ' + spec[2]));
        b.addEventListener('click', function () {
            handlers[kind](row);
        });
        return b;
    }

    function renderRow(row) {
        var tr = el('tr');
        tr.setAttribute('data-service-id', String(row.service_id));
        var id = el('td');
        var a = el('a', '', '#' + row.service_id);
        a.href = 'clientsservices.php?userid=' + encodeURIComponent(row.client_id) + '&id=' + encodeURIComponent(row.service_id);
        id.appendChild(a);
        tr.appendChild(id);

        var client = el('td', 'puqkvm-vm-client');
        if (row.service_gone) {
            client.appendChild(el('span', 'text-muted', 'service deleted in WHMCS'));
        } else {
            var ca = el('a', '', row.client || ('client #' + row.client_id));
            ca.href = 'clientssummary.php?userid=' + encodeURIComponent(row.client_id);
            client.appendChild(ca);
        }
        tr.appendChild(client);
        tr.appendChild(el('td', 'puqkvm-vm-product', row.product));
        tr.appendChild(el('td', 'puqkvm-vm-server', row.server));

        var vm = el('td', 'puqkvm-vm-vm');
        vm.appendChild(el('strong', '', row.vm_id ? String(row.vm_id) : '-'));
        if (row.vm_name) {
            vm.appendChild(el('br'));
            vm.appendChild(el('small', 'text-muted', row.vm_name));
        }
        tr.appendChild(vm);

        var st = el('td');
        var badge = el('span', 'label puqkvm-vm-badge ' + statusClass(row.vm_status), row.vm_status || '(none)');
        st.appendChild(badge);
        if (row.needs_attention) {
            st.appendChild(document.createTextNode(' '));
            st.appendChild(el('span', 'label label-danger', 'attention'));
        }
        tr.appendChild(st);

        var svc = el('td');
        if (row.service_status) {
            svc.appendChild(el('span', 'label puqkvm-vm-service ' + serviceClass(row.service_status), row.service_status));
        }
        tr.appendChild(svc);

        var ips = el('td', 'puqkvm-vm-ips');
        row.ips.forEach(function (ip) {
            var line = el('div', 'puqkvm-vm-ip');
            line.appendChild(el('span', 'puqkvm-vm-ip-addr', ip.ip));
            if (ip.rdns) {
                line.appendChild(el('br'));
                line.appendChild(el('small', 'text-muted puqkvm-vm-rdns', ip.rdns));
            }
            ips.appendChild(line);
        });
        tr.appendChild(ips);

        var actions = el('td', 'text-right text-nowrap puqkvm-vm-actions');
        ['redeploy', 'reset', 'log', 'record', 'delete'].forEach(function (kind) {
            if (row.actions[kind]) {
                actions.appendChild(actionButton(kind, row));
                actions.appendChild(document.createTextNode(' '));
            }
        });
        tr.appendChild(actions);
        return tr;
    }

    function render(data) {
        tbody.textContent = '';
        if (!data.rows.length) {
            var tr = el('tr', 'puqkvm-empty');
            var td = el('td', 'text-center text-muted',
                state.search || state.service_status || state.vm_status ? 'No VM matches.' : 'No VMs yet.');
            td.colSpan = 9;
            tr.appendChild(td);
            tbody.appendChild(tr);
        }
        data.rows.forEach(function (row) {
            tbody.appendChild(renderRow(row));
        });
        state.next = data.next;
        state.prev = data.prev;
        document.getElementById('puqkvm-vm-next').disabled = !data.next;
        document.getElementById('puqkvm-vm-prev').disabled = !data.prev;
        document.getElementById('puqkvm-vm-first').disabled = !state.cursor;
        document.querySelectorAll('.puqkvm-sort').forEach(function (link) {
            var on = link.getAttribute('data-sort') === state.sort;
            link.classList.toggle('puqkvm-sorted', on);
            link.setAttribute('aria-sort', on ? (state.dir === 'asc' ? 'ascending' : 'descending') : 'none');
            link.setAttribute('data-dir', on ? state.dir : '');
        });
    }

    function listParams() {
        return {op: 'list', search: state.search, service_status: state.service_status, vm_status: state.vm_status,
            sort: state.sort, dir: state.dir, limit: state.limit, cursor: state.cursor};
    }

    /* Reads the page again; quiet: a watch refresh that keeps alerts. */
    function load(quiet) {
        clearTimeout(watchTimer);
        var mine = ++seq;
        return getJson(query(listParams())).then(function (r) {
            if (mine !== seq) {
                return; /* a newer request replaced this one */
            }
            if (r.status !== 200) {
                pageAlert('danger', r.data.error || 'The list could not be read.');
                return;
            }
            if (!quiet) {
                pageAlert('', '');
            }
            render(r.data);
            var busy = r.data.rows.some(function (row) {
                return RESTING.indexOf(row.vm_status) < 0;
            });
            page.setAttribute('data-watching', busy ? '1' : '0');
            if (busy) {
                watchTimer = setTimeout(function () { load(true); }, WATCH_MS);
            }
        }).catch(function () {
            if (mine === seq) {
                pageAlert('danger', 'The list could not be read: check the connection and reload.');
            }
        });
    }

    function count() {
        var params = listParams();
        params.op = 'count';
        delete params.cursor;
        getJson(query(params)).then(function (r) {
            var n = r.data.count;
            document.getElementById('puqkvm-vm-count').textContent =
                r.status === 200 ? n + (n === 1 ? ' VM' : ' VMs') : '';
        });
    }

    function restart() {
        state.cursor = '';
        load(false);
        count();
    }

    /* ---- filters, search, sorting, paging ------------------------------------------------------ */

    var serviceFilter = document.getElementById('puqkvm-vm-service-filter');
    var vmFilter = document.getElementById('puqkvm-vm-status-filter');
    var search = document.getElementById('puqkvm-vm-search');

    function restoreFilter(select, key) {
        var saved = storeGet(STORE[key]);
        var ok = Array.prototype.some.call(select.options, function (o) { return o.value === saved; });
        select.value = ok ? saved : '';
        state[key] = select.value;
    }
    restoreFilter(serviceFilter, 'service_status');
    restoreFilter(vmFilter, 'vm_status');

    serviceFilter.addEventListener('change', function () {
        state.service_status = serviceFilter.value;
        storeSet(STORE.service_status, serviceFilter.value);
        restart();
    });
    vmFilter.addEventListener('change', function () {
        state.vm_status = vmFilter.value;
        storeSet(STORE.vm_status, vmFilter.value);
        restart();
    });
    var searchTimer = null;
    search.addEventListener('input', function () {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(function () {
            state.search = search.value.trim();
            restart();
        }, 300);
    });
    document.getElementById('puqkvm-vm-filter-form').addEventListener('submit', function (e) {
        e.preventDefault();
        clearTimeout(searchTimer);
        state.search = search.value.trim();
        restart();
    });
    document.querySelectorAll('.puqkvm-sort').forEach(function (link) {
        link.addEventListener('click', function (e) {
            e.preventDefault();
            var sort = link.getAttribute('data-sort');
            if (state.sort === sort) {
                state.dir = state.dir === 'asc' ? 'desc' : 'asc';
            } else {
                state.sort = sort;
                state.dir = sort === 'id' ? 'desc' : 'asc';
            }
            restart();
        });
    });
    document.getElementById('puqkvm-vm-next').addEventListener('click', function () {
        state.cursor = state.next;
        load(false);
    });
    document.getElementById('puqkvm-vm-prev').addEventListener('click', function () {
        state.cursor = state.prev;
        load(false);
    });
    document.getElementById('puqkvm-vm-first').addEventListener('click', function () {
        state.cursor = '';
        load(false);
    });
    document.getElementById('puqkvm-vm-limit').addEventListener('change', function (e) {
        state.limit = parseInt(e.target.value, 10) || 25;
        restart();
    });

    /* ---- actions --------------------------------------------------------------------------------- */

    var confirmModal = document.getElementById('puqkvm-vm-confirm');
    var confirmAction = null;

    function confirmThen(title, text, withRelease, action) {
        modalAlert(confirmModal, '', '');
        document.getElementById('puqkvm-vm-confirm-title').textContent = title;
        confirmModal.querySelector('.puqkvm-confirm-text').textContent = text;
        /* style, not the hidden attribute: Bootstrap's .checkbox sets display itself */
        confirmModal.querySelector('.puqkvm-confirm-release').style.display = withRelease ? '' : 'none';
        document.getElementById('puqkvm-confirm-release-box').checked = false;
        confirmAction = action;
        show(confirmModal);
    }

    document.getElementById('puqkvm-vm-confirm-go').addEventListener('click', function () {
        if (confirmAction) {
            confirmAction();
        }
    });

    /* Posts an action; on success closes modal, shows the message and reloads the page. */
    function act(values, modal) {
        return post(values).then(function (r) {
            if (r.status === 200) {
                if (modal) {
                    hide(modal);
                }
                pageAlert('success', r.data.message);
                load(true);
                return true;
            }
            var text = r.data.error || 'The request failed (HTTP ' + r.status + ').';
            if (modal) {
                modalAlert(modal, 'danger', text, r.data.errors);
            } else {
                pageAlert('danger', text);
            }
            return false;
        });
    }

    var resetModal = document.getElementById('puqkvm-reset-modal');
    var resetRow = null;
    document.getElementById('puqkvm-reset-go').addEventListener('click', function () {
        act({op: 'reset', id: resetRow.service_id, status: document.getElementById('puqkvm-reset-status').value},
            resetModal);
    });

    var logModal = document.getElementById('puqkvm-log-modal');
    var recordModal = document.getElementById('puqkvm-record-modal');
    var recordForm = document.getElementById('puqkvm-record-form');
    var recordRow = null;

    var handlers = {
        redeploy: function (row) {
            confirmThen('Redeploy service #' + row.service_id + '?',
                'The VM ' + (row.vm_id || '') + ' is deleted on Proxmox, its addresses and logs are cleared, and the ' +
                'deploy runs again from the start on the next cron tick. Data on the VM is lost.', false,
                function () {
                    act({op: 'redeploy', id: row.service_id}, confirmModal);
                });
        },
        reset: function (row) {
            resetRow = row;
            modalAlert(resetModal, '', '');
            resetModal.querySelector('.puqkvm-reset-service').textContent = '#' + row.service_id;
            resetModal.querySelector('.puqkvm-reset-current').textContent = row.vm_status || '(none)';
            show(resetModal);
        },
        log: function (row) {
            openLog(row);
        },
        record: function (row) {
            openRecord(row);
        },
        'delete': function (row) {
            confirmThen('Delete the record of service #' + row.service_id + '?',
                'The module\'s row for this VM (status ' + row.vm_status + ') is removed from puqProxmoxKVM_vm_info. ' +
                'Nothing is changed in Proxmox or in the WHMCS service.', row.ips.length > 0,
                function () {
                    act({op: 'delete', id: row.service_id,
                        release: document.getElementById('puqkvm-confirm-release-box').checked ? '1' : '0'}, confirmModal);
                });
        }
    };

    /* ---- the Log modal ------------------------------------------------------------------------------- */

    function runPanel(run) {
        var panel = el('div', 'panel puqkvm-log-run ' + (run.result === 'error' ? 'panel-danger'
            : run.result === 'running' ? 'panel-info' : 'panel-default'));
        var head = el('div', 'panel-heading');
        head.appendChild(el('strong', '', '#' + run.id + ' ' + run.action));
        head.appendChild(document.createTextNode(' '));
        head.appendChild(el('span', 'label puqkvm-log-result ' + (run.result === 'success' ? 'label-success'
            : run.result === 'error' ? 'label-danger' : 'label-info'), run.result));
        head.appendChild(el('span', 'text-muted pull-right', run.started_at + (run.finished_at ? ' - ' + run.finished_at : '') +
            ' (' + Number(run.duration).toFixed(1) + ' s)'));
        panel.appendChild(head);
        if (run.message) {
            panel.appendChild(el('div', 'panel-body puqkvm-log-message', run.message));
        }
        var table = el('table', 'table table-condensed puqkvm-log-steps');
        var hr = el('tr');
        ['#', 'Step', 'Result', 'From', 'To', 'Time', 'Dur'].forEach(function (h) {
            hr.appendChild(el('th', '', h));
        });
        var thead = el('thead');
        thead.appendChild(hr);
        table.appendChild(thead);
        var body = el('tbody');
        run.steps.forEach(function (s) {
            var tr = el('tr', s.result.indexOf('error') === 0 ? 'danger' : '');
            tr.appendChild(el('td', '', s.seq));
            tr.appendChild(el('td', 'puqkvm-log-label', s.label));
            var result = s.result + (s.message ? ': ' + s.message : '');
            tr.appendChild(el('td', 'puqkvm-log-step-result', result));
            tr.appendChild(el('td', '', s.from));
            tr.appendChild(el('td', '', s.to));
            tr.appendChild(el('td', '', s.time));
            tr.appendChild(el('td', 'puqkvm-log-duration', Number(s.duration).toFixed(2) + ' s'));
            body.appendChild(tr);
        });
        table.appendChild(body);
        panel.appendChild(table);
        return panel;
    }

    function renderLog(data) {
        var banner = logModal.querySelector('.puqkvm-log-banner');
        banner.hidden = !data.banner;
        banner.textContent = '';
        if (data.banner) {
            banner.appendChild(el('strong', '', 'Last run failed: ' + data.banner.action));
            banner.appendChild(el('div', 'puqkvm-log-banner-message', data.banner.message));
        }
        logModal.querySelector('.puqkvm-log-watch').hidden = !data.running;
        var runs = logModal.querySelector('.puqkvm-log-runs');
        runs.textContent = '';
        if (!data.runs.length) {
            runs.appendChild(el('p', 'text-muted', 'No runs yet.'));
        }
        data.runs.forEach(function (run) {
            runs.appendChild(runPanel(run));
        });
    }

    function openLog(row) {
        clearTimeout(logTimer);
        document.getElementById('puqkvm-log-title').textContent = 'VM Log - service #' + row.service_id +
            (row.vm_name ? ' (' + row.vm_name + ')' : '');
        logModal.querySelector('.puqkvm-log-runs').textContent = 'Loading…';
        logModal.setAttribute('data-service', String(row.service_id));
        show(logModal);
        var poll = function () {
            getJson(query({op: 'log', id: row.service_id})).then(function (r) {
                if (logModal.getAttribute('data-service') !== String(row.service_id)) {
                    return;
                }
                if (r.status !== 200) {
                    logModal.querySelector('.puqkvm-log-runs').textContent = r.data.error || 'The log could not be read.';
                    return;
                }
                renderLog(r.data);
                if (r.data.running || RESTING.indexOf(r.data.vm_status) < 0) {
                    logTimer = setTimeout(poll, 2000);
                }
            });
        };
        poll();
    }

    if ($) {
        $(logModal).on('hidden.bs.modal', function () {
            clearTimeout(logTimer);
            logModal.setAttribute('data-service', '');
        });
    }

    /* ---- the DB Record modal ------------------------------------------------------------------------ */

    function openRecord(row) {
        recordRow = row;
        modalAlert(recordModal, '', '');
        document.getElementById('puqkvm-record-title').textContent = 'DB Record - service #' + row.service_id;
        var body = recordModal.querySelector('.puqkvm-record-table tbody');
        body.textContent = 'Loading…';
        show(recordModal);
        getJson(query({op: 'record', id: row.service_id})).then(function (r) {
            body.textContent = '';
            if (r.status !== 200) {
                modalAlert(recordModal, 'danger', r.data.error || 'The record could not be read.');
                return;
            }
            r.data.columns.forEach(function (col) {
                var tr = el('tr');
                tr.setAttribute('data-column', col.name);
                var name = el('td');
                name.appendChild(el('code', '', col.name));
                if (col.help) {
                    name.appendChild(el('div', 'help-block', col.help));
                }
                tr.appendChild(name);
                var cell = el('td', 'puqkvm-field');
                var value = col.value === null ? '' : String(col.value);
                if (col.editable) {
                    var multi = ['json', 'rdns', 'schedule'].indexOf(col.kind) >= 0;
                    var input = el(multi ? 'textarea' : 'input', 'form-control input-sm');
                    if (!multi) {
                        input.type = 'text';
                    } else {
                        input.rows = 3;
                    }
                    input.name = col.name;
                    input.value = value;
                    input.setAttribute('data-original', value);
                    cell.appendChild(input);
                } else {
                    cell.appendChild(el('span', 'puqkvm-record-readonly' + (col.value === null ? ' text-muted' : ''),
                        col.value === null ? 'NULL' : value));
                }
                tr.appendChild(cell);
                body.appendChild(tr);
            });
        });
    }

    recordForm.addEventListener('submit', function (e) {
        e.preventDefault();
        recordForm.querySelectorAll('.has-error').forEach(function (n) { n.classList.remove('has-error'); });
        var values = {};
        recordForm.querySelectorAll('[data-original]').forEach(function (input) {
            if (input.value !== input.getAttribute('data-original')) {
                values[input.name] = input.value;
            }
        });
        if (!Object.keys(values).length) {
            modalAlert(recordModal, 'info', 'Nothing changed.');
            return;
        }
        post({op: 'record_save', id: recordRow.service_id, values: values}).then(function (r) {
            if (r.status === 200) {
                hide(recordModal);
                pageAlert('success', r.data.message);
                load(true);
                return;
            }
            modalAlert(recordModal, 'danger', r.data.error || 'The record could not be saved.', r.data.errors);
            Object.keys(r.data.errors || {}).forEach(function (field) {
                var tr = recordForm.querySelector('tr[data-column="' + CSS.escape(field) + '"]');
                if (tr) {
                    tr.classList.add('has-error');
                }
            });
        });
    });

    restart();
}());
