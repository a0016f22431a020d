/*
 * The IP Pools page: the Add/Edit modal (field errors next to each field), the live
 * rDNS hint (asked from the engine as the gateway or mask changes, so it is exactly
 * what the table will show), the delete and release confirmations. Posts go to the
 * page with ajax=1 and the session's CSRF token; after a change the page reloads, so
 * the table always shows what the database holds. Every text from the server or the
 * form is inserted with textContent, never as HTML.
 */
(function () {
    'use strict';

    var page = document.getElementById('puqkvm-pools-page');
    var root = document.getElementById('puqkvm');
    if (!page || !root) {
        return;
    }
    var $ = window.jQuery;
    var formAction = page.getAttribute('data-form-action');
    var rdnsUrl = page.getAttribute('data-rdns-url');
    var modal = document.getElementById('puqkvm-pool-modal');
    var form = document.getElementById('puqkvm-pool-form');
    var hint = document.getElementById('puqkvm-rdns-hint');
    var confirmModal = document.getElementById('puqkvm-confirm-modal');
    var fields = ['server', 'type', 'bridge', 'vlan', 'gateway', 'mask', 'dns1', 'dns2', 'start', 'stop'];

    function show(el) {
        if ($ && $.fn.modal) {
            $(el).modal('show');
        } else {
            el.style.display = 'block';
            el.classList.add('in');
        }
    }

    function alertBox(type, text) {
        var box = document.createElement('div');
        box.className = 'alert alert-' + type;
        box.setAttribute('role', 'alert');
        box.textContent = text;
        return box;
    }

    function clearErrors(container) {
        container.querySelectorAll('.puqkvm-field-error').forEach(function (el) { el.remove(); });
        container.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
        container.querySelectorAll('.puqkvm-form-alert').forEach(function (el) { el.textContent = ''; });
    }

    function showAlert(container, type, text) {
        var slot = container.querySelector('.puqkvm-form-alert');
        slot.textContent = '';
        slot.appendChild(alertBox(type, text));
    }

    /* POSTs name => value pairs; resolves to {status, data}. */
    function post(values) {
        var body = new URLSearchParams();
        Object.keys(values).forEach(function (k) { body.set(k, values[k]); });
        body.set('ajax', '1');
        body.set('token', root.getAttribute('data-token') || '');
        return fetch(formAction, {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'X-Requested-With': 'XMLHttpRequest'},
            body: body
        }).then(function (response) {
            return response.json().then(function (data) {
                return {status: response.status, data: data || {}};
            }, function () {
                return {status: response.status, data: {error: 'Unexpected answer from the server (HTTP ' + response.status + ').'}};
            });
        });
    }

    /* ---- the live rDNS hint ------------------------------------------------------------- */

    var hintTimer = null;
    var hintSeq = 0;

    function updateHint() {
        var ip = form.elements.gateway.value.trim() || form.elements.start.value.trim();
        var mask = form.elements.mask.value.trim();
        var seq = ++hintSeq;
        if (!ip || !mask) {
            hint.textContent = '';
            return;
        }
        var url = rdnsUrl + '&ip=' + encodeURIComponent(ip) + '&mask=' + encodeURIComponent(mask);
        fetch(url, {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}})
            .then(function (r) { return r.json(); })
            .then(function (data) {
                if (seq !== hintSeq) {
                    return; /* an older answer than the field's current value */
                }
                hint.classList.toggle('text-danger', !!data.error);
                hint.textContent = data.error || data.hint || '';
            })
            .catch(function () { hint.textContent = ''; });
    }

    function scheduleHint() {
        clearTimeout(hintTimer);
        hintTimer = setTimeout(updateHint, 150);
    }
    ['gateway', 'mask', 'start'].forEach(function (name) {
        form.elements[name].addEventListener('input', scheduleHint);
    });

    /* ---- add / edit ------------------------------------------------------------------------ */

    function openForm(values, title) {
        clearErrors(form);
        form.elements.id.value = values.id ? String(values.id) : '';
        fields.forEach(function (name) {
            var v = values[name];
            form.elements[name].value = v === undefined || v === null ? '' : String(v);
        });
        if (!values.server && form.elements.server.options.length) {
            form.elements.server.selectedIndex = 0;
        }
        if (!values.type) {
            form.elements.type.value = 'IPv4';
        }
        document.getElementById('puqkvm-pool-modal-title').textContent = title;
        form.querySelector('.puqkvm-edit-note').hidden = !values.id;
        hint.textContent = '';
        updateHint();
        show(modal);
    }

    document.getElementById('puqkvm-pool-add').addEventListener('click', function () {
        openForm({vlan: '0'}, 'Add IP Pool');
    });
    page.querySelectorAll('.puqkvm-pool-edit').forEach(function (button) {
        button.addEventListener('click', function () {
            var values = JSON.parse(button.getAttribute('data-pool'));
            openForm(values, 'Edit IP Pool ' + values.id);
        });
    });

    function showFieldErrors(errors) {
        Object.keys(errors).forEach(function (name) {
            var group = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
            var message = document.createElement('span');
            message.className = 'help-block puqkvm-field-error';
            message.textContent = errors[name];
            if (group) {
                group.classList.add('has-error');
                group.querySelector('.puqkvm-field').appendChild(message);
            }
        });
    }

    form.addEventListener('submit', function (event) {
        event.preventDefault();
        clearErrors(form);
        var values = {op: 'save', id: form.elements.id.value};
        fields.forEach(function (name) { values[name] = form.elements[name].value; });
        var button = document.getElementById('puqkvm-pool-save');
        button.disabled = true;
        post(values).then(function (answer) {
            if (answer.status === 200 && answer.data.ok) {
                window.location.reload();
                return;
            }
            showAlert(form, 'danger', answer.data.error || ('Request failed (HTTP ' + answer.status + ').'));
            if (answer.data.errors) {
                showFieldErrors(answer.data.errors);
            }
            button.disabled = false;
        }).catch(function (err) {
            showAlert(form, 'danger', 'The request did not reach the server: ' + err.message);
            button.disabled = false;
        });
    });

    /* ---- delete and release, after a confirmation ---------------------------------------- */

    var pending = null;

    function confirmThen(title, text, buttonLabel, values) {
        clearErrors(confirmModal);
        document.getElementById('puqkvm-confirm-title').textContent = title;
        document.getElementById('puqkvm-confirm-text').textContent = text;
        var go = document.getElementById('puqkvm-confirm-go');
        go.textContent = buttonLabel;
        go.disabled = false;
        pending = values;
        show(confirmModal);
    }

    document.getElementById('puqkvm-confirm-go').addEventListener('click', function () {
        var go = this;
        if (!pending) {
            return;
        }
        go.disabled = true;
        post(pending).then(function (answer) {
            if (answer.status === 200 && answer.data.ok) {
                window.location.reload();
                return;
            }
            showAlert(confirmModal, 'danger', answer.data.error || ('Request failed (HTTP ' + answer.status + ').'));
        }).catch(function (err) {
            showAlert(confirmModal, 'danger', 'The request did not reach the server: ' + err.message);
        });
    });

    page.querySelectorAll('.puqkvm-pool-delete').forEach(function (button) {
        button.addEventListener('click', function () {
            var id = button.getAttribute('data-pool-id');
            var used = button.getAttribute('data-pool-used');
            var text = 'Delete IP pool ' + id + ' (' + button.getAttribute('data-pool-label') + ')?';
            if (used !== '0') {
                text += ' It still holds ' + used + ' assigned address(es): the engine will refuse until they are released.';
            }
            confirmThen('Delete IP pool', text, 'Delete', {op: 'delete', id: id});
        });
    });

    page.querySelectorAll('.puqkvm-release').forEach(function (button) {
        button.addEventListener('click', function () {
            confirmThen('Release address', 'Release ' + button.getAttribute('data-label') +
                '? Only do this when no VM uses it any more: it can then be assigned to another service.',
                'Release', {op: 'release', allocation: button.getAttribute('data-allocation')});
        });
    });
}());
