// enableWhen live in the browser (docs/web.md): an enhancement only. The server renders the questions whose
// conditions this script can evaluate inside <div data-enable-when data-enable-behavior>, hidden while disabled, and
// still decides after every post. This shows and hides them as the person answers, keeps the hidden ones out of the
// post (disabled controls are not sent), tells the server which questions were on screen (the "shown" field), and
// says politely that questions appeared, without moving focus.
(function () {
    'use strict';
    var form = document.querySelector('form.questionnaire');
    if (!form) {
        return;
    }
    var status = document.getElementById('enable-when-status');
    var shownField = form.querySelector('input[type=hidden][name=shown]');
    var rules = [];
    Array.prototype.forEach.call(form.querySelectorAll('[data-enable-when]'), function (element) {
        try {
            var conditions = JSON.parse(element.getAttribute('data-enable-when'));
            if (Array.isArray(conditions)) {
                rules.push({element: element, conditions: conditions, any: element.getAttribute('data-enable-behavior') === 'any'});
            }
        } catch (e) {
            // not ours to fix here: the server keeps deciding
        }
    });
    if (!rules.length) {
        return;
    }

    // the answers of a question that is on screen (a hidden question's answer does not count, as on the server)
    function answers(linkId) {
        var values = [];
        Array.prototype.forEach.call(form.querySelectorAll('[name="' + CSS.escape('item:' + linkId) + '"]'), function (control) {
            if (control.disabled || ((control.type === 'radio' || control.type === 'checkbox') && !control.checked)) {
                return;
            }
            var value = control.value.trim();
            if (value !== '') {
                values.push(value);
            }
        });
        return values;
    }

    function number(text) {
        return /^[+-]?\d+([.,]\d+)?$/.test(text) ? parseFloat(text.replace(',', '.')) : NaN;
    }

    function holds(condition) {
        var given = answers(condition.question);
        var op = condition.operator;
        if (condition.type === 'exists') {
            return (given.length > 0) === (condition.answer === 'true');
        }
        if (condition.type !== 'number') {
            var equal = given.indexOf(condition.answer) >= 0;
            return op === '=' ? equal : op === '!=' ? !equal : false;
        }
        var expected = parseFloat(condition.answer);
        var numbers = given.map(number).filter(function (n) { return !isNaN(n); });
        var some = function (test) { return numbers.some(test); };
        switch (op) {
            case '=': return some(function (n) { return n === expected; });
            case '!=': return !some(function (n) { return n === expected; });
            case '>': return some(function (n) { return n > expected; });
            case '<': return some(function (n) { return n < expected; });
            case '>=': return some(function (n) { return n >= expected; });
            case '<=': return some(function (n) { return n <= expected; });
            default: return false;
        }
    }

    function disableHiddenControls() {
        rules.forEach(function (rule) {
            Array.prototype.forEach.call(rule.element.querySelectorAll('input, select, textarea'), function (control) {
                control.disabled = control.closest('[data-enable-when][hidden]') !== null;
            });
        });
    }

    function update(announce) {
        var before = rules.map(function (rule) { return rule.element.hidden; });
        // until nothing changes: hiding a question can disable the ones that depend on it
        for (var round = 0; round <= rules.length; round++) {
            var changed = false;
            rules.forEach(function (rule) {
                var on = rule.any ? rule.conditions.some(holds) : rule.conditions.every(holds);
                if (rule.element.hidden === on) {
                    rule.element.hidden = !on;
                    changed = true;
                }
            });
            disableHiddenControls();
            if (!changed) {
                break;
            }
        }
        if (shownField) {
            var shown = [];
            Array.prototype.forEach.call(form.querySelectorAll('input, select, textarea'), function (control) {
                var linkId = control.name.indexOf('item:') === 0 ? control.name.substring(5) : null;
                if (linkId !== null && !control.disabled && shown.indexOf(linkId) < 0) {
                    shown.push(linkId);
                }
            });
            shownField.value = shown.join(',');
        }
        var appeared = rules.some(function (rule, i) { return before[i] && !rule.element.hidden && !rule.element.closest('[hidden]'); });
        if (announce && appeared && status) {
            // cleared first so that the same words are announced again the next time
            status.textContent = '';
            window.setTimeout(function () { status.textContent = status.getAttribute('data-opened'); }, 50);
        }
    }

    update(false);
    form.addEventListener('change', function () { update(true); });
    form.addEventListener('input', function () { update(true); });
}());
