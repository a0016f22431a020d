/*
 * The addon's page behaviour, without inline scripts (the CSRF token comes from the
 * data-token attribute of #puqkvm, which the server rendered):
 *   - forms marked data-puqkvm-ajax post with ajax=1 and show the answer in place:
 *     field errors (422) next to each field, a refusal (403) or failure as an alert,
 *     success as an alert; without JavaScript the same forms post normally and the server
 *     renders the same messages;
 *   - Settings > Cron shows the crontab line only while "Standalone" is selected, and
 *     refreshes it after a save (the PHP binary may have changed).
 * Every server text is inserted with textContent, never as HTML.
 */
(function () {
    'use strict';

    var root = document.getElementById('puqkvm');
    if (!root) {
        return;
    }

    function alertBox(type, text) {
        var box = document.createElement('div');
        box.className = 'alert alert-' + type + ' puqkvm-ajax-alert';
        box.setAttribute('role', 'alert');
        box.textContent = text;
        return box;
    }

    function clearErrors(form) {
        form.querySelectorAll('.puqkvm-field-error').forEach(function (el) { el.remove(); });
        form.querySelectorAll('.has-error').forEach(function (el) { el.classList.remove('has-error'); });
        form.querySelectorAll('.puqkvm-ajax-alert').forEach(function (el) { el.remove(); });
    }

    function showFieldErrors(form, errors) {
        Object.keys(errors).forEach(function (name) {
            var group = form.querySelector('[data-setting="' + CSS.escape(name) + '"]');
            var message = document.createElement('span');
            message.className = 'help-block puqkvm-field-error';
            message.textContent = errors[name];
            if (group) {
                group.classList.add('has-error');
                (group.querySelector('.puqkvm-field') || group).appendChild(message);
            } else {
                form.insertBefore(alertBox('danger', name + ': ' + errors[name]), form.firstChild);
            }
        });
    }

    function submitAjax(form, event) {
        event.preventDefault();
        clearErrors(form);
        var body = new URLSearchParams(new FormData(form));
        body.set('ajax', '1');
        if (!body.get('token')) {
            body.set('token', root.getAttribute('data-token') || '');
        }
        var button = form.querySelector('[type="submit"]');
        if (button) {
            button.disabled = true;
        }
        fetch(form.getAttribute('action'), {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'X-Requested-With': 'XMLHttpRequest'},
            body: body
        }).then(function (response) {
            var type = response.headers.get('Content-Type') || '';
            if (type.indexOf('application/json') !== 0) {
                // WHMCS answers with its login page once the admin session has ended
                return {status: response.status, data: {error: 'The server did not answer as expected (HTTP '
                    + response.status + '): your admin session may have ended. Reload the page; nothing was saved.'}};
            }
            return response.json().then(function (data) {
                return {status: response.status, data: data};
            });
        }).then(function (answer) {
            var data = answer.data || {};
            if (answer.status === 200 && data.ok) {
                form.insertBefore(alertBox('success', data.message || 'Saved.'), form.firstChild);
                form.dispatchEvent(new CustomEvent('puqkvm:saved', {detail: data}));
            } else if (answer.status === 422 && data.errors) {
                form.insertBefore(alertBox('danger', data.error || 'Some values are not valid: nothing was saved.'), form.firstChild);
                showFieldErrors(form, data.errors);
            } else {
                form.insertBefore(alertBox('danger', data.error || ('Request failed (HTTP ' + answer.status + ').')), form.firstChild);
            }
        }).catch(function (err) {
            form.insertBefore(alertBox('danger', 'The request did not reach the server: ' + err.message), form.firstChild);
        }).finally(function () {
            if (button) {
                button.disabled = false;
            }
        });
    }

    document.querySelectorAll('form[data-puqkvm-ajax]').forEach(function (form) {
        form.addEventListener('submit', function (event) { submitAjax(form, event); });
    });

    function syncCronMode() {
        var selected = document.querySelector('input[data-setting-input="cron_mode"]:checked');
        var crontab = document.getElementById('puqkvm-crontab');
        if (crontab) {
            crontab.hidden = !(selected && selected.value === crontab.getAttribute('data-show-for'));
        }
    }
    document.querySelectorAll('input[data-setting-input="cron_mode"]').forEach(function (input) {
        input.addEventListener('change', syncCronMode);
    });
    document.addEventListener('puqkvm:saved', function (event) {
        var line = document.getElementById('puqkvm-crontab-line');
        if (line && event.detail && typeof event.detail.crontab === 'string') {
            line.textContent = event.detail.crontab;
        }
    }, true);
    syncCronMode();
}());
