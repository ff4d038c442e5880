// Progressive enhancement for every page: govuk-frontend components and the session timeout warning.
(function () {
  'use strict';

  function initGovuk() {
    // what govuk-frontend's template does with an inline script (our CSP has none)
    if ('noModule' in HTMLScriptElement.prototype) document.body.classList.add('govuk-frontend-supported');
    // govuk-frontend's components are ES modules; load them without inline script (strict CSP)
    import('/assets/govuk/govuk-frontend.min.js')
      .then(function (m) {
        m.initAll();
      })
      .catch(function () {
        /* pages work without it */
      });
  }

  /**
   * Sessions end after a period of inactivity. Two minutes before that, a dialog offers to extend
   * the session (people with motor impairments are slow typists); the dialog keeps focus inside.
   */
  function initSessionWarning() {
    var minutes = Number(document.body.getAttribute('data-session-minutes'));
    var i18n = document.getElementById('eds-i18n');
    if (!minutes || !i18n || typeof HTMLDialogElement === 'undefined') return;
    var warnAfter = Math.max(minutes * 60 - 120, 30) * 1000;
    var timer = null;
    var dialog = null;

    function build() {
      dialog = document.createElement('dialog');
      dialog.className = 'eds-dialog';
      dialog.setAttribute('aria-labelledby', 'session-warning-text');
      var p = document.createElement('p');
      p.className = 'govuk-body';
      p.id = 'session-warning-text';
      p.textContent = i18n.dataset.sessionWarning || '';
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'govuk-button';
      btn.textContent = i18n.dataset.sessionExtend || 'OK';
      btn.addEventListener('click', extend);
      dialog.appendChild(p);
      dialog.appendChild(btn);
      // one control: Tab and Shift+Tab stay on it instead of leaving the dialog
      dialog.addEventListener('keydown', function (event) {
        if (event.key === 'Tab') {
          event.preventDefault();
          btn.focus();
        }
      });
      document.body.appendChild(dialog);
    }

    function schedule() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () {
        if (!dialog) build();
        if (!dialog.open) dialog.showModal();
      }, warnAfter);
    }

    function extend() {
      fetch('/session/extend', {
        method: 'GET',
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      })
        .then(function (r) {
          if (r.ok) {
            dialog.close();
            schedule();
          } else {
            dialog.querySelector('p').textContent = i18n.dataset.sessionExpired || '';
          }
        })
        .catch(function () {
          dialog.querySelector('p').textContent = i18n.dataset.sessionExpired || '';
        });
    }

    schedule();
  }

  /**
   * A choice of method that shows only the chosen method's fields (the ТСР order form). The server marks
   * the parts of the other methods `hidden` and, before a choice, offers «Далее» (the path without
   * JavaScript); here the radios show and hide the parts at once and «Далее» gives way to the form's
   * own button. Each radio names the part it controls (aria-controls); `hidden` keeps the others out of
   * the tab order and away from screen readers.
   */
  function initMethodChoice() {
    var choices = document.querySelectorAll('[data-method-choice]');
    Array.prototype.forEach.call(choices, function (choice) {
      var radios = choice.querySelectorAll('input[type="radio"]');
      var parts = choice.querySelectorAll('[data-methods]');
      function sync() {
        var chosen = '';
        Array.prototype.forEach.call(radios, function (r) {
          if (r.checked) chosen = r.value;
        });
        Array.prototype.forEach.call(parts, function (part) {
          part.hidden = (part.getAttribute('data-methods') || '').split(' ').indexOf(chosen) < 0;
        });
      }
      Array.prototype.forEach.call(radios, function (r) {
        r.addEventListener('change', sync);
      });
      var form = choice.closest('form');
      var next = form && form.querySelector('[data-method-next]');
      var submit = form && form.querySelector('[data-method-submit]');
      if (next && submit) {
        next.parentNode.removeChild(next);
        submit.hidden = false;
      }
      sync();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    initGovuk();
    initSessionWarning();
    initMethodChoice();
  });
})();
