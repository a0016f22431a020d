/*
 * The DNS Zones page: the Add/Edit modal whose fields follow the Type (those of other
 * providers are hidden and not sent), secret fields that say "(unchanged — enter new to
 * replace)" when a value is stored, field errors next to each field, the delete
 * confirmation, and the Test button, whose result appears as a toast: green when the
 * provider answered as expected, red with the provider's own words otherwise. Posts go
 * to the page with ajax=1 and the session's CSRF token; after a change the page
 * reloads, so the table always shows what the database holds. Every text from the
 * server or the form is inserted with textContent, never as HTML.
 */
(function () {
    'use strict';

    var page = document.getElementById('puqkvm-dns-page');
    var root = document.getElementById('puqkvm');
    if (!page || !root) {
        return;
    }
    var $ = window.jQuery;
    var KEEP = '__KEEP__';
    var formAction = page.getAttribute('data-form-action');
    var keepPlaceholder = page.getAttribute('data-keep-placeholder');
    var modal = document.getElementById('puqkvm-zone-modal');
    var form = document.getElementById('puqkvm-zone-form');
    var typeSelect = form.elements.type;
    var confirmModal = document.getElementById('puqkvm-confirm-modal');
    var toasts = document.getElementById('puqkvm-toasts');
    var groups = Array.prototype.slice.call(form.querySelectorAll('[data-types]'));

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

    function toast(ok, title, text) {
        var box = alertBox(ok ? 'success' : 'danger', '');
        box.classList.add('puqkvm-toast');
        box.setAttribute('data-ok', ok ? '1' : '0');
        var head = document.createElement('strong');
        head.textContent = title;
        var body = document.createElement('span');
        body.className = 'puqkvm-toast-text';
        body.textContent = text;
        box.appendChild(head);
        box.appendChild(body);
        toasts.appendChild(box);
        setTimeout(function () { box.remove(); }, ok ? 6000 : 15000);
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
                return {status: response.status, data: {error: 'Unexpected answer from the server (HTTP '
                    + response.status + '): your admin session may have ended. Reload the page.'}};
            });
        });
    }

    /* ---- the provider-dependent form ---------------------------------------------------- */

    function groupUsed(group) {
        return group.getAttribute('data-types').split(' ').indexOf(typeSelect.value) !== -1;
    }

    function syncType() {
        var type = typeSelect.value;
        groups.forEach(function (group) {
            var used = groupUsed(group);
            group.hidden = !used;
            group.querySelector('input').disabled = !used;
            var required = group.getAttribute('data-required-for').split(' ').indexOf(type) !== -1;
            group.querySelector('.puqkvm-required').hidden = !required;
        });
        form.querySelectorAll('.puqkvm-help-for').forEach(function (help) {
            help.hidden = help.getAttribute('data-for') !== type;
        });
    }
    typeSelect.addEventListener('change', syncType);

    function openForm(values, title) {
        clearErrors(form);
        form.elements.id.value = values.id ? String(values.id) : '';
        typeSelect.value = values.type || typeSelect.options[0].value;
        groups.forEach(function (group) {
            var input = group.querySelector('input');
            var v = values[input.name];
            var secret = input.getAttribute('data-secret') === '1';
            input.value = v === undefined || v === null || v === KEEP ? '' : String(v);
            input.placeholder = secret && v === KEEP ? keepPlaceholder : '';
        });
        document.getElementById('puqkvm-zone-modal-title').textContent = title;
        syncType();
        show(modal);
    }

    document.getElementById('puqkvm-zone-add').addEventListener('click', function () {
        openForm({}, 'Add DNS Zone');
    });
    page.querySelectorAll('.puqkvm-zone-edit').forEach(function (button) {
        button.addEventListener('click', function () {
            var values = JSON.parse(button.getAttribute('data-zone'));
            openForm(values, 'Edit DNS Zone ' + values.id);
        });
    });

    function showFieldErrors(errors) {
        Object.keys(errors).forEach(function (name) {
            var group = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
            var message = document.createElement('span');
            message.className = 'help-block puqkvm-field-error';
            message.textContent = errors[name];
            if (group && !group.hidden) {
                group.classList.add('has-error');
                group.querySelector('.puqkvm-field').appendChild(message);
            } else {
                showAlert(form, 'danger', errors[name]);
            }
        });
    }

    form.addEventListener('submit', function (event) {
        event.preventDefault();
        clearErrors(form);
        var values = {op: 'save', id: form.elements.id.value, type: typeSelect.value};
        groups.forEach(function (group) {
            if (groupUsed(group)) {
                var input = group.querySelector('input');
                values[input.name] = input.value;
            }
        });
        var button = document.getElementById('puqkvm-zone-save');
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

    /* ---- Test: a toast with the provider's answer ---------------------------------------- */

    page.querySelectorAll('.puqkvm-zone-test').forEach(function (button) {
        button.addEventListener('click', function (event) {
            event.preventDefault();
            var label = button.getAttribute('data-zone-label');
            button.disabled = true;
            post({op: 'test', id: button.getAttribute('data-zone-id')}).then(function (answer) {
                var data = answer.data;
                if (answer.status === 200 && typeof data.ok === 'boolean') {
                    toast(data.ok, (data.ok ? 'Test passed: ' : 'Test failed: ') + label, data.message);
                } else {
                    toast(false, 'Test failed: ' + label, data.error || ('HTTP ' + answer.status));
                }
            }).catch(function (err) {
                toast(false, 'Test failed: ' + label, 'The request did not reach the server: ' + err.message);
            }).finally(function () {
                button.disabled = false;
            });
        });
    });

    /* ---- delete, after a confirmation ---------------------------------------------------- */

    var pending = null;

    page.querySelectorAll('.puqkvm-zone-delete').forEach(function (button) {
        button.addEventListener('click', function () {
            clearErrors(confirmModal);
            document.getElementById('puqkvm-confirm-text').textContent = 'Delete DNS zone '
                + button.getAttribute('data-zone-label') + '? The module stops writing to it; records '
                + 'already there stay until you remove them at the provider.';
            pending = {op: 'delete', id: button.getAttribute('data-zone-id')};
            document.getElementById('puqkvm-confirm-go').disabled = false;
            show(confirmModal);
        });
    });

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
            go.disabled = false;
        }).catch(function (err) {
            showAlert(confirmModal, 'danger', 'The request did not reach the server: ' + err.message);
            go.disabled = false;
        });
    });

    syncType();
}());
