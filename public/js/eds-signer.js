// Signing forms (eds.md «The signing contract»): progressive enhancement of every
// <form data-eds-sign="SIGN|AUTH"> holding _csrf, signRequestId and the XML to sign (`xml`).
//
// 1. NCALayer first (wss://127.0.0.1:13579, module kz.gov.pki.knca.basics, method sign, format xml;
//    older NCALayers: kz.gov.pki.knca.commonUtils signXml).
// 2. Without NCALayer: an accessible modal <dialog> — choose the .p12 key, type its password,
//    «Открыть»; the dialog then shows the key's owner, masked IIN, key type, issuer and validity and
//    explains a key that does not fit (wrong type, a legal entity's key where a person signs or the
//    reverse, expired or not yet valid) before anything is sent; «Подписать». node-forge reads the
//    key and signs in this page; the server only computes the canonical SignedInfo (POST /eds/prepare
//    with the certificate). The key and the password never leave the page.
// The form then posts `signedXml` (the complete enveloped-signed document) instead of `xml`.
//
// One signing rhythm: a step whose document depends on what the person types (a reason, an order
// form) is a plain form marked data-eds-issue. Its button asks the server for the document (the same
// POST with the header X-EDS-Issue: 1 answers {signRequestId, xml, keyType, signer, action} as JSON)
// and opens the signing at once; without JavaScript, or when the server answers with a page (a form
// error, a refusal), the form is simply submitted and the server renders that page.
// Every user-visible text comes from data-* attributes of <div id="eds-i18n"> (translated server side).
(function () {
  'use strict';

  var NCALAYER_URL = 'wss://127.0.0.1:13579/';
  var CONNECT_TIMEOUT_MS = 1500;
  var GREETING_TIMEOUT_MS = 1000;
  var EKU_AUTH = '1.3.6.1.5.5.7.3.2';
  var EKU_SIGN = '1.3.6.1.5.5.7.3.4';
  var EMPTY_SIGNATURE_VALUE = '<ds:SignatureValue></ds:SignatureValue>';
  var OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
  var OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
  var OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
  var OID_COMMON_NAME = '2.5.4.3';
  var OID_SERIAL_NUMBER = '2.5.4.5';
  var OID_ORGANISATION = '2.5.4.10';
  var OID_ORGANISATIONAL_UNIT = '2.5.4.11';
  var OID_GIVEN_NAME = '2.5.4.42';
  var ROLE_LEGAL_ENTITY = '1.2.398.3.3.4.1.2';

  var ncaLayerAbsent = false;
  var dialog = null;
  var ui = {};
  var currentForm = null;
  // the opened key (its private key stays in this variable only until «Подписать» or the dialog closes)
  var opened = null;
  var busy = false;

  function text(name) {
    var el = document.getElementById('eds-i18n');
    var v = el ? el.getAttribute('data-' + name) : null;
    return v || '';
  }

  function SignError(key, detail) {
    this.key = key;
    this.detail = detail || '';
  }

  // ------------------------------------------------------------------ page messages

  /** A form built for an issued document reports on (and returns the focus to) the form the person used. */
  function originOf(form) {
    return form.edsOrigin || form;
  }

  function formStatus(form) {
    form = originOf(form);
    var el = form.querySelector('.eds-form-status');
    if (!el) {
      el = document.createElement('p');
      el.className = 'govuk-body eds-form-status';
      el.setAttribute('role', 'status');
      form.appendChild(el);
    }
    return el;
  }

  function setFormMessage(form, message) {
    formStatus(form).textContent = message || '';
  }

  function setBusy(form, on) {
    busy = on;
    var buttons = originOf(form).querySelectorAll('button, input[type="submit"]');
    for (var i = 0; i < buttons.length; i++) {
      if (on) buttons[i].setAttribute('aria-disabled', 'true');
      else buttons[i].removeAttribute('aria-disabled');
    }
  }

  // ------------------------------------------------------------------ NCALayer

  function ncaLayerSign(url, xml, keyType, iin, chain) {
    return new Promise(function (resolve, reject) {
      var ws;
      var settled = false;
      var stage = 'connect';
      var timer = null;

      function finish(fn, value) {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        try {
          ws.close();
        } catch {
          /* already closed */
        }
        fn(value);
      }

      function basicsRequest() {
        return {
          module: 'kz.gov.pki.knca.basics',
          method: 'sign',
          args: {
            allowedStorages: null,
            format: 'xml',
            data: xml,
            signingParams: { decode: false, encapsulate: true, digested: false, tsaProfile: null },
            signerParams: {
              extKeyUsageOids: [keyType === 'AUTH' ? EKU_AUTH : EKU_SIGN],
              iin: iin || '',
              bin: '',
              serialNumber: '',
              chain: chain && chain.length ? chain : null,
            },
            locale: (document.documentElement.getAttribute('lang') || 'ru').slice(0, 2),
          },
        };
      }

      function commonUtilsRequest() {
        return {
          module: 'kz.gov.pki.knca.commonUtils',
          method: 'signXml',
          args: ['PKCS12', keyType === 'AUTH' ? 'AUTHENTICATION' : 'SIGNATURE', xml, '', ''],
        };
      }

      function send(request, nextStage) {
        stage = nextStage;
        ws.send(JSON.stringify(request));
      }

      try {
        ws = new WebSocket(url);
      } catch {
        // e.g. blocked by the Content-Security-Policy: as good as absent
        reject(new SignError('absent'));
        return;
      }
      timer = setTimeout(function () {
        finish(reject, new SignError('absent'));
      }, CONNECT_TIMEOUT_MS);

      ws.onerror = function () {
        finish(reject, new SignError(stage === 'connect' || stage === 'greeting' ? 'absent' : 'ncalayer'));
      };
      ws.onclose = function () {
        finish(reject, new SignError(stage === 'connect' || stage === 'greeting' ? 'absent' : 'ncalayer'));
      };
      ws.onopen = function () {
        clearTimeout(timer);
        stage = 'greeting';
        // NCALayer greets with {"result":{"version":…}}; do not wait forever for it
        timer = setTimeout(function () {
          timer = null;
          if (stage === 'greeting') send(basicsRequest(), 'basics');
        }, GREETING_TIMEOUT_MS);
      };
      ws.onmessage = function (event) {
        var data = event.data;
        if (data === '--heartbeat--') return;
        var msg;
        try {
          msg = JSON.parse(data);
        } catch {
          return;
        }
        if (!msg || typeof msg !== 'object') return;
        if (stage === 'greeting') {
          if (timer) clearTimeout(timer);
          timer = null;
          send(basicsRequest(), 'basics');
          return;
        }
        if (stage === 'basics') {
          if (typeof msg.status === 'boolean') {
            if (msg.status) {
              var result = msg.body && msg.body.result;
              if (result && result.length) {
                finish(resolve, typeof result === 'string' ? result : result[0]);
              } else {
                finish(reject, new SignError('cancelled')); // a cancel answers {"status":true,"body":{}}
              }
            } else if (/cancel/i.test(String(msg.code || '') + String(msg.message || ''))) {
              finish(reject, new SignError('cancelled'));
            } else if (
              /module|method|not ?found|unknown/i.test(String(msg.code || '') + String(msg.message || ''))
            ) {
              send(commonUtilsRequest(), 'commonUtils');
            } else {
              finish(reject, new SignError('ncalayer', msg.message || msg.code));
            }
          } else {
            // an older NCALayer answers in the commonUtils envelope: try its signXml
            send(commonUtilsRequest(), 'commonUtils');
          }
          return;
        }
        if (stage === 'commonUtils') {
          if (String(msg.code) === '200' && msg.responseObject) finish(resolve, msg.responseObject);
          else if (String(msg.code) === '500' && msg.message === 'action.canceled') {
            finish(reject, new SignError('cancelled'));
          } else finish(reject, new SignError('ncalayer', msg.message || msg.code));
        }
      };
    });
  }

  // ------------------------------------------------------------------ the .p12 dialog

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) {
      node.appendChild(c);
    });
    return node;
  }

  function buildDialog() {
    ui.title = el('h2', { class: 'govuk-heading-m', id: 'eds-dialog-title' });
    ui.absent = el('p', { class: 'govuk-body', id: 'eds-dialog-absent', text: text('ncalayer-absent') });
    ui.file = el('input', {
      class: 'govuk-file-upload',
      id: 'eds-key-file',
      name: 'eds-key-file',
      type: 'file',
      accept: '.p12,.pfx,application/x-pkcs12',
      'aria-describedby': 'eds-key-file-hint',
    });
    ui.password = el('input', {
      class: 'govuk-input govuk-!-width-one-half',
      id: 'eds-key-password',
      name: 'eds-key-password',
      type: 'password',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    ui.error = el('div', {
      class: 'govuk-error-message eds-dialog__error',
      id: 'eds-dialog-error',
      'aria-live': 'assertive',
      'aria-atomic': 'true',
    });
    ui.status = el('p', { class: 'govuk-body eds-dialog__status', role: 'status' });
    // what step 2 says aloud (its text is on screen already, in the list of the key's data)
    ui.announce = el('p', {
      class: 'govuk-visually-hidden',
      'aria-live': 'assertive',
      'aria-atomic': 'true',
    });
    // step 1: the key file and its password, «Открыть»
    ui.open = el('button', { type: 'submit', class: 'govuk-button', text: text('open') || 'Open' });
    ui.cancel = el('button', {
      type: 'button',
      class: 'govuk-button govuk-button--secondary',
      text: text('cancel') || 'Cancel',
    });
    ui.keyStep = el('div', { class: 'eds-dialog__step' }, [
      el('div', { class: 'govuk-form-group' }, [
        el('label', { class: 'govuk-label', for: 'eds-key-file', text: text('choose-key') }),
        el('div', { class: 'govuk-hint', id: 'eds-key-file-hint', text: text('choose-key-hint') }),
        ui.file,
      ]),
      el('div', { class: 'govuk-form-group' }, [
        el('label', { class: 'govuk-label', for: 'eds-key-password', text: text('password') }),
        ui.password,
      ]),
      el('div', { class: 'govuk-button-group' }, [ui.open, ui.cancel]),
    ]);
    // step 2: the key's data, what does not fit, «Подписать»
    ui.dataTitle = el('h3', {
      class: 'govuk-heading-s',
      id: 'eds-key-data-title',
      tabindex: '-1',
      text: text('key-data'),
    });
    ui.data = el('dl', { class: 'govuk-summary-list eds-dialog__key', id: 'eds-key-data' });
    ui.problems = el('ul', {
      class: 'govuk-list govuk-error-message eds-dialog__problems',
      id: 'eds-key-problems',
    });
    ui.sign = el('button', {
      type: 'submit',
      class: 'govuk-button',
      text: text('sign') || 'OK',
      'aria-describedby': 'eds-key-data-title',
    });
    ui.other = el('button', {
      type: 'button',
      class: 'govuk-button govuk-button--secondary',
      text: text('other-key') || 'Back',
    });
    ui.cancel2 = el('button', {
      type: 'button',
      class: 'govuk-button govuk-button--secondary',
      text: text('cancel') || 'Cancel',
    });
    ui.dataStep = el('div', { class: 'eds-dialog__step', hidden: 'hidden' }, [
      ui.dataTitle,
      ui.data,
      ui.problems,
      el('div', { class: 'govuk-button-group' }, [ui.sign, ui.other, ui.cancel2]),
    ]);
    ui.form = el('form', { class: 'eds-dialog__form', novalidate: 'novalidate' }, [
      ui.title,
      ui.absent,
      ui.keyStep,
      ui.dataStep,
      ui.error,
      ui.status,
      ui.announce,
    ]);
    dialog = el('dialog', { class: 'eds-dialog', 'aria-labelledby': 'eds-dialog-title' }, [ui.form]);
    document.body.appendChild(dialog);

    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      if (opened) signWithKey();
      else openKey();
    });
    ui.cancel.addEventListener('click', function () {
      closeDialog(true);
    });
    ui.cancel2.addEventListener('click', function () {
      closeDialog(true);
    });
    ui.other.addEventListener('click', function () {
      if (!busy) showKeyStep(true);
    });
    dialog.addEventListener('cancel', function (event) {
      // Esc: the same as «Отмена», unless signing is under way
      event.preventDefault();
      if (!busy) closeDialog(true);
    });
    dialog.addEventListener('keydown', keepFocusInside);
  }

  // Tab from the last control comes back to the first, Shift+Tab from the first goes to the last:
  // the focus never leaves the open dialog for the page behind it or the browser's own controls.
  function keepFocusInside(event) {
    if (event.key !== 'Tab') return;
    var controls = Array.prototype.filter.call(
      dialog.querySelectorAll('input:not([type="hidden"]), button, select, textarea, a[href]'),
      function (c) {
        return !c.disabled && !c.hidden && c.getClientRects().length > 0;
      },
    );
    if (!controls.length) return;
    var first = controls[0];
    var last = controls[controls.length - 1];
    var inside = controls.indexOf(document.activeElement) >= 0;
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  }

  function forgetKey() {
    opened = null;
    if (ui.announce) ui.announce.textContent = '';
    ui.data.textContent = '';
    ui.problems.textContent = '';
  }

  /** Back to step 1 (a fresh choice of key); the opened key is forgotten. */
  function showKeyStep(focus) {
    forgetKey();
    ui.dataStep.hidden = true;
    ui.keyStep.hidden = false;
    ui.error.textContent = '';
    ui.status.textContent = '';
    ui.password.value = '';
    if (focus) ui.file.focus();
  }

  function openDialog(form) {
    if (!dialog) buildDialog();
    currentForm = form;
    var auth = form.getAttribute('data-eds-sign') === 'AUTH';
    ui.title.textContent = (auth && text('dialog-title-auth')) || text('dialog-title');
    ui.absent.hidden = !ncaLayerAbsent || !text('ncalayer-absent');
    showKeyStep(false);
    ui.file.value = '';
    if (!dialog.open) dialog.showModal();
    ui.file.focus();
  }

  function closeDialog(cancelled) {
    if (!dialog) return;
    forgetKey();
    ui.password.value = '';
    ui.file.value = '';
    ui.error.textContent = '';
    ui.status.textContent = '';
    if (dialog.open) dialog.close();
    var form = currentForm;
    currentForm = null;
    busy = false;
    ui.open.removeAttribute('aria-disabled');
    ui.sign.removeAttribute('aria-disabled');
    if (form) {
      setBusy(form, false);
      if (cancelled) {
        setFormMessage(form, text('cancelled'));
        dropIssued(form);
      }
      var origin = originOf(form);
      var button = origin.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
      if (button) button.focus();
    }
  }

  function showDialogError(message) {
    ui.status.textContent = '';
    ui.error.textContent = '';
    // a fresh text node, so that the same message is announced again
    setTimeout(function () {
      ui.error.textContent = message;
    }, 50);
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var bytes = new Uint8Array(reader.result);
        var chunks = [];
        for (var i = 0; i < bytes.length; i += 8192) {
          chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, i + 8192)));
        }
        resolve(chunks.join(''));
      };
      reader.onerror = function () {
        reject(new SignError('unsupported-key'));
      };
      reader.readAsArrayBuffer(file);
    });
  }

  /** The key and its certificate from a .p12 (node-forge), or a SignError. */
  function openP12(binary, password) {
    var p12;
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(binary), false, password);
    } catch (e) {
      var msg = String((e && e.message) || e);
      if (/password|MAC could not be verified|decrypt/i.test(msg)) throw new SignError('wrong-password');
      throw new SignError('unsupported-key', msg);
    }
    var bags = []
      .concat(p12.getBags({ bagType: OID_SHROUDED_KEY_BAG })[OID_SHROUDED_KEY_BAG] || [])
      .concat(p12.getBags({ bagType: OID_KEY_BAG })[OID_KEY_BAG] || []);
    var key = null;
    for (var i = 0; i < bags.length; i++) if (bags[i].key) key = bags[i].key;
    if (!key || !key.n) throw new SignError('unsupported-key'); // e.g. GOST: forge cannot read it
    var certs = p12.getBags({ bagType: OID_CERT_BAG })[OID_CERT_BAG] || [];
    var cert = null;
    for (var j = 0; j < certs.length; j++) {
      var c = certs[j].cert;
      if (c && c.publicKey && c.publicKey.n && c.publicKey.n.equals(key.n)) cert = c;
    }
    if (!cert) throw new SignError('unsupported-key');
    return { key: key, cert: cert };
  }

  function certKeyType(cert) {
    var eku = cert.getExtension('extKeyUsage');
    if (!eku) return 'UNKNOWN';
    var auth = !!(eku.clientAuth || eku[EKU_AUTH]);
    var sign = !!(eku.emailProtection || eku[EKU_SIGN]);
    if (auth && !sign) return 'AUTH';
    if (sign && !auth) return 'SIGN';
    return 'UNKNOWN';
  }

  function field(name, type) {
    var attr = name.getField({ type: type });
    return attr ? String(attr.value) : '';
  }

  /** forge keeps UTF8String values as UTF-8 bytes in a JS string. */
  function utf8(s) {
    try {
      return forge.util.decodeUtf8(s);
    } catch {
      return s;
    }
  }

  /** What the dialog shows and checks of a certificate (mirrors inspectCertificate of src/eds/certificate.ts). */
  function describeCertificate(cert) {
    var serial = field(cert.subject, OID_SERIAL_NUMBER);
    var iin = /^IIN(\d{12})$/.exec(serial);
    var ou = field(cert.subject, OID_ORGANISATIONAL_UNIT);
    var bin = /^BIN(\d{12})$/.exec(ou);
    var organisation = utf8(field(cert.subject, OID_ORGANISATION));
    var eku = cert.getExtension('extKeyUsage') || {};
    var legalRole = Object.keys(eku).some(function (k) {
      return k.indexOf(ROLE_LEGAL_ENTITY) === 0 && eku[k] === true;
    });
    return {
      name: [utf8(field(cert.subject, OID_COMMON_NAME)), utf8(field(cert.subject, OID_GIVEN_NAME))]
        .filter(Boolean)
        .join(' '),
      iin: iin ? iin[1] : null,
      bin: bin ? bin[1] : null,
      organisation: organisation,
      legal: !!bin || !!organisation || legalRole,
      keyType: certKeyType(cert),
      issuer: utf8(field(cert.issuer, OID_COMMON_NAME)),
      notBefore: cert.validity.notBefore,
      notAfter: cert.validity.notAfter,
    };
  }

  /** 9001******12, as the server masks IINs. */
  function maskIin(iin) {
    return iin && iin.length === 12 ? iin.slice(0, 4) + '******' + iin.slice(10) : '—';
  }

  function dateText(d) {
    var two = function (n) {
      return (n < 10 ? '0' : '') + n;
    };
    return two(d.getDate()) + '.' + two(d.getMonth() + 1) + '.' + d.getFullYear();
  }

  /** Why this key cannot sign this form, in the person's language (empty when it fits). */
  function problemsOf(info, wanted, signer) {
    var out = [];
    if (info.keyType !== wanted) {
      if (info.keyType === 'UNKNOWN') out.push(text('unknown-type'));
      else out.push(text(wanted === 'AUTH' ? 'wrong-key-auth' : 'wrong-key-sign'));
    }
    if (signer === 'individual' && info.legal) out.push(text('legal-entity'));
    if (signer === 'employee' && !info.legal) out.push(text('not-employee'));
    var now = new Date();
    if (now < info.notBefore) out.push(text('not-yet-valid') + ' ' + dateText(info.notBefore) + '.');
    if (now > info.notAfter) out.push(text('expired') + ' ' + dateText(info.notAfter) + '.');
    return out;
  }

  function row(key, value) {
    return el('div', { class: 'govuk-summary-list__row' }, [
      el('dt', { class: 'govuk-summary-list__key', text: key }),
      el('dd', { class: 'govuk-summary-list__value', text: value }),
    ]);
  }

  function typeText(type) {
    if (type === 'AUTH') return text('type-auth');
    if (type === 'SIGN') return text('type-sign');
    return text('type-unknown');
  }

  /** Step 2: the key's data and what does not fit; «Подписать» only for a key that fits. */
  function showKeyData(info, problems) {
    ui.data.textContent = '';
    ui.data.appendChild(row(text('owner'), info.name || '—'));
    ui.data.appendChild(row(text('iin'), maskIin(info.iin)));
    if (info.legal) {
      ui.data.appendChild(
        row(
          text('organisation'),
          [info.organisation, info.bin ? text('bin') + ' ' + info.bin : ''].filter(Boolean).join(', ') || '—',
        ),
      );
    }
    ui.data.appendChild(row(text('key-type'), typeText(info.keyType)));
    ui.data.appendChild(row(text('issuer'), info.issuer || '—'));
    ui.data.appendChild(row(text('validity'), dateText(info.notBefore) + ' — ' + dateText(info.notAfter)));
    ui.problems.textContent = '';
    problems.forEach(function (p) {
      ui.problems.appendChild(el('li', { text: p }));
    });
    ui.problems.hidden = problems.length === 0;
    ui.sign.hidden = problems.length > 0;
    ui.keyStep.hidden = true;
    ui.dataStep.hidden = false;
    ui.error.textContent = '';
    ui.status.textContent = '';
    ui.dataTitle.focus();
    var summary = text('key-opened') + ' ' + (info.name || '') + ', ' + typeText(info.keyType) + '.';
    ui.announce.textContent = '';
    setTimeout(function () {
      ui.announce.textContent = summary + ' ' + (problems.length ? problems.join(' ') : text('key-fits'));
    }, 50);
  }

  /** «Открыть»: the key file with its password, read in the page; nothing is sent anywhere. */
  function openKey() {
    var form = currentForm;
    if (!form) return;
    var file = ui.file.files && ui.file.files[0];
    if (!file) {
      showDialogError(text('no-file'));
      ui.file.focus();
      return;
    }
    var password = ui.password.value;
    if (!password) {
      showDialogError(text('no-password'));
      ui.password.focus();
      return;
    }
    var wanted = form.getAttribute('data-eds-sign') === 'AUTH' ? 'AUTH' : 'SIGN';
    var signer = form.getAttribute('data-eds-signer') || 'any';
    busy = true;
    ui.open.setAttribute('aria-disabled', 'true');
    ui.error.textContent = '';
    ui.status.textContent = text('opening');
    readFile(file)
      .then(function (binary) {
        // let the status paint before the (synchronous) key decryption
        return new Promise(function (resolve) {
          setTimeout(function () {
            resolve(binary);
          }, 30);
        });
      })
      .then(function (binary) {
        var material = openP12(binary, password);
        password = '';
        ui.password.value = '';
        var info = describeCertificate(material.cert);
        var problems = problemsOf(info, wanted, signer);
        opened = problems.length ? null : material;
        busy = false;
        ui.open.removeAttribute('aria-disabled');
        showKeyData(info, problems);
      })
      .catch(function (err) {
        busy = false;
        ui.open.removeAttribute('aria-disabled');
        var key = err instanceof SignError ? err.key : 'unsupported-key';
        showDialogError(text(key) || text('unsupported-key'));
        if (key === 'wrong-password') {
          ui.password.value = '';
          ui.password.focus();
        } else {
          ui.file.focus();
        }
      });
  }

  function prepare(form, certPem) {
    var csrf = form.querySelector('input[name="_csrf"]');
    var requestId = form.querySelector('input[name="signRequestId"]');
    return fetch(form.getAttribute('data-eds-prepare-url') || '/eds/prepare', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-csrf-token': csrf ? csrf.value : '',
      },
      body: JSON.stringify({ signRequestId: requestId ? requestId.value : '', certPem: certPem }),
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (body) {
          if (!res.ok || !body || typeof body.signedInfo !== 'string' || typeof body.template !== 'string') {
            throw new SignError('prepare-failed', body && body.message);
          }
          return body;
        });
    });
  }

  /** Mirrors completeSignature() of src/eds/signer.ts. */
  function completeSignature(template, signatureValue) {
    var at = template.lastIndexOf(EMPTY_SIGNATURE_VALUE);
    if (at < 0) throw new SignError('prepare-failed');
    return (
      template.slice(0, at) +
      '<ds:SignatureValue>' +
      signatureValue +
      '</ds:SignatureValue>' +
      template.slice(at + EMPTY_SIGNATURE_VALUE.length)
    );
  }

  /** «Подписать» with the opened key that fits. */
  function signWithKey() {
    var form = currentForm;
    var material = opened;
    if (!form || !material) return;
    busy = true;
    ui.sign.setAttribute('aria-disabled', 'true');
    ui.error.textContent = '';
    ui.status.textContent = text('working');
    prepare(form, forge.pki.certificateToPem(material.cert))
      .then(function (prepared) {
        var md = forge.md.sha256.create();
        md.update(prepared.signedInfo, 'utf8');
        var value = forge.util.encode64(material.key.sign(md));
        var signed = completeSignature(prepared.template, value);
        closeDialog(false);
        submitSigned(form, signed);
      })
      .catch(function (err) {
        busy = false;
        ui.sign.removeAttribute('aria-disabled');
        var key = err instanceof SignError ? err.key : 'prepare-failed';
        var message = (key === 'prepare-failed' && err.detail) || text(key) || text('prepare-failed');
        showDialogError(message);
        ui.sign.focus();
      });
  }

  // ------------------------------------------------------------------ forms

  function submitSigned(form, signedXml) {
    var input = form.querySelector('input[name="signedXml"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'signedXml';
      form.appendChild(input);
    }
    input.value = signedXml;
    var xml = form.querySelector('input[name="xml"], textarea[name="xml"]');
    if (xml && xml.parentNode) xml.parentNode.removeChild(xml);
    form.setAttribute('data-eds-signed', 'true');
    setFormMessage(form, text('working'));
    window.HTMLFormElement.prototype.submit.call(form);
  }

  function chainOf(form) {
    var raw = originOf(form).getAttribute('data-eds-chain') || '';
    return raw.split(/[\s,]+/).filter(function (s) {
      return s.length > 0;
    });
  }

  /** NCALayer first; the dialog when it is absent. `form` holds _csrf, signRequestId and xml. */
  function beginSigning(form) {
    var xmlInput = form.querySelector('input[name="xml"], textarea[name="xml"]');
    if (!xmlInput) return;
    var keyType = form.getAttribute('data-eds-sign') === 'AUTH' ? 'AUTH' : 'SIGN';
    setFormMessage(form, '');
    if (ncaLayerAbsent || typeof WebSocket === 'undefined') {
      openDialog(form);
      return;
    }
    setBusy(form, true);
    setFormMessage(form, text('working'));
    var origin = originOf(form);
    var url = origin.getAttribute('data-eds-ncalayer-url') || NCALAYER_URL;
    ncaLayerSign(url, xmlInput.value, keyType, origin.getAttribute('data-eds-iin'), chainOf(form))
      .then(function (signed) {
        submitSigned(form, signed);
      })
      .catch(function (err) {
        setBusy(form, false);
        var key = err instanceof SignError ? err.key : 'ncalayer';
        if (key === 'absent') {
          ncaLayerAbsent = true;
          setFormMessage(form, '');
          openDialog(form);
        } else if (key === 'cancelled') {
          setFormMessage(form, text('cancelled'));
          dropIssued(form);
        } else {
          setFormMessage(form, err.detail || text('prepare-failed'));
          dropIssued(form);
        }
      });
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    if (form.getAttribute('data-eds-signed') === 'true') return;
    event.preventDefault();
    if (busy) return;
    beginSigning(form);
  }

  // ------------------------------------------------------------------ steps whose document is issued on the click

  function hidden(name, value) {
    return el('input', { type: 'hidden', name: name, value: value });
  }

  /** The signing form of an issued document (eds.md contract), kept out of sight; the person's form stays as it was. */
  function issuedForm(origin, issued) {
    var csrf = origin.querySelector('input[name="_csrf"]');
    var form = el('form', {
      method: 'post',
      action: issued.action,
      hidden: 'hidden',
      'data-eds-sign': issued.keyType === 'AUTH' ? 'AUTH' : 'SIGN',
      'data-eds-signer': issued.signer || 'any',
      class: 'eds-issued-form',
    });
    form.appendChild(hidden('_csrf', csrf ? csrf.value : ''));
    form.appendChild(hidden('signRequestId', issued.signRequestId));
    form.appendChild(hidden('xml', issued.xml));
    form.edsOrigin = origin;
    document.body.appendChild(form);
    return form;
  }

  /** A cancelled or failed issued document is left to expire; its form goes. */
  function dropIssued(form) {
    if (form && form.edsOrigin && form.parentNode) form.parentNode.removeChild(form);
  }

  function isIssued(body) {
    return (
      body &&
      typeof body.signRequestId === 'string' &&
      typeof body.xml === 'string' &&
      typeof body.action === 'string' &&
      body.action.charAt(0) === '/' &&
      body.action.charAt(1) !== '/'
    );
  }

  /** The plain submission: the server renders the page (the form with its errors, a refusal, …). */
  function submitPlainly(form, submitter) {
    form.setAttribute('data-eds-plain', 'true');
    if (typeof form.requestSubmit === 'function') form.requestSubmit(submitter || undefined);
    else window.HTMLFormElement.prototype.submit.call(form);
  }

  function onIssueSubmit(event) {
    var form = event.currentTarget;
    if (form.getAttribute('data-eds-plain') === 'true') return;
    event.preventDefault();
    if (busy) return;
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    var data;
    try {
      data = new FormData(form, submitter);
    } catch {
      data = new FormData(form);
    }
    var body = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === 'string') body.append(name, value);
    });
    setBusy(form, true);
    setFormMessage(form, text('preparing'));
    fetch(form.getAttribute('action') || window.location.pathname, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-eds-issue': '1',
      },
      body: body.toString(),
    })
      .then(function (res) {
        var json = /application\/json/.test(res.headers.get('content-type') || '');
        if (!res.ok || !json) return null;
        return res.json().catch(function () {
          return null;
        });
      })
      .catch(function () {
        return null;
      })
      .then(function (issued) {
        setBusy(form, false);
        setFormMessage(form, '');
        if (!isIssued(issued)) {
          submitPlainly(form, submitter);
          return;
        }
        beginSigning(issuedForm(form, issued));
      });
  }

  function init() {
    if (typeof forge === 'undefined' || typeof window.HTMLDialogElement === 'undefined') return;
    var forms = document.querySelectorAll('form[data-eds-sign]');
    for (var i = 0; i < forms.length; i++) forms[i].addEventListener('submit', onSubmit);
    var steps = document.querySelectorAll('form[data-eds-issue]');
    for (var j = 0; j < steps.length; j++) steps[j].addEventListener('submit', onIssueSubmit);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
