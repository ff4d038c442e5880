// Signing forms (eds.md «The signing contract»): progressive enhancement of every
// <form data-eds-sign="SIGN|AUTH"> holding _csrf, signRequestId and the XML to sign (`xml`).
//
// 1. NCALayer first (wss://127.0.0.1:13579, module kz.gov.pki.knca.basics, method sign, format xml;
//    older NCALayers: kz.gov.pki.knca.commonUtils signXml).
// 2. Without NCALayer: an accessible modal <dialog> — choose the .p12 key, type its password,
//    «Подписать». node-forge reads the key and signs in this page; the server only computes the
//    canonical SignedInfo (POST /eds/prepare with the certificate). The key and the password never
//    leave the page.
// The form then posts `signedXml` (the complete enveloped-signed document) instead of `xml`.
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

  var ncaLayerAbsent = false;
  var dialog = null;
  var ui = {};
  var currentForm = null;
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

  function formStatus(form) {
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
    var buttons = form.querySelectorAll('button, input[type="submit"]');
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
    ui.submit = el('button', { type: 'submit', class: 'govuk-button', text: text('sign') || 'OK' });
    ui.cancel = el('button', {
      type: 'button',
      class: 'govuk-button govuk-button--secondary',
      text: text('cancel') || 'Cancel',
    });
    ui.form = el('form', { class: 'eds-dialog__form', novalidate: 'novalidate' }, [
      ui.title,
      ui.absent,
      el('div', { class: 'govuk-form-group' }, [
        el('label', { class: 'govuk-label', for: 'eds-key-file', text: text('choose-key') }),
        el('div', { class: 'govuk-hint', id: 'eds-key-file-hint', text: text('choose-key-hint') }),
        ui.file,
      ]),
      el('div', { class: 'govuk-form-group' }, [
        el('label', { class: 'govuk-label', for: 'eds-key-password', text: text('password') }),
        ui.password,
      ]),
      ui.error,
      ui.status,
      el('div', { class: 'govuk-button-group' }, [ui.submit, ui.cancel]),
    ]);
    dialog = el('dialog', { class: 'eds-dialog', 'aria-labelledby': 'eds-dialog-title' }, [ui.form]);
    document.body.appendChild(dialog);

    ui.form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!busy) signWithFile();
    });
    ui.cancel.addEventListener('click', function () {
      closeDialog(true);
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
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function openDialog(form) {
    if (!dialog) buildDialog();
    currentForm = form;
    var auth = form.getAttribute('data-eds-sign') === 'AUTH';
    ui.title.textContent = (auth && text('dialog-title-auth')) || text('dialog-title');
    ui.absent.hidden = !ncaLayerAbsent || !text('ncalayer-absent');
    ui.error.textContent = '';
    ui.status.textContent = '';
    ui.password.value = '';
    if (!dialog.open) dialog.showModal();
    ui.file.focus();
  }

  function closeDialog(cancelled) {
    if (!dialog) return;
    ui.password.value = '';
    ui.file.value = '';
    ui.error.textContent = '';
    ui.status.textContent = '';
    if (dialog.open) dialog.close();
    var form = currentForm;
    currentForm = null;
    if (form) {
      setBusy(form, false);
      if (cancelled) setFormMessage(form, text('cancelled'));
      var button = form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]');
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

  function certIin(cert) {
    var attr = cert.subject.getField({ type: '2.5.4.5' });
    var m = attr && /^IIN(\d{12})$/.exec(String(attr.value));
    return m ? m[1] : null;
  }

  function checkCertificate(cert, wanted, iin) {
    var type = certKeyType(cert);
    if (type !== wanted) throw new SignError(wanted === 'AUTH' ? 'wrong-key-auth' : 'wrong-key-sign');
    var now = new Date();
    if (now < cert.validity.notBefore) throw new SignError('not-yet-valid');
    if (now > cert.validity.notAfter) throw new SignError('expired');
    if (iin && text('wrong-person') && certIin(cert) !== iin) throw new SignError('wrong-person');
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

  function signWithFile() {
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
    busy = true;
    ui.submit.setAttribute('aria-disabled', 'true');
    ui.error.textContent = '';
    ui.status.textContent = text('working');
    var material = null;
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
        material = openP12(binary, password);
        password = '';
        checkCertificate(material.cert, wanted, form.getAttribute('data-eds-iin'));
        return prepare(form, forge.pki.certificateToPem(material.cert));
      })
      .then(function (prepared) {
        var md = forge.md.sha256.create();
        md.update(prepared.signedInfo, 'utf8');
        var value = forge.util.encode64(material.key.sign(md));
        material = null;
        var signed = completeSignature(prepared.template, value);
        closeDialog(false);
        submitSigned(form, signed);
      })
      .catch(function (err) {
        material = null;
        busy = false;
        ui.submit.removeAttribute('aria-disabled');
        var key = err instanceof SignError ? err.key : 'prepare-failed';
        var message = (key === 'prepare-failed' && err.detail) || text(key) || text('prepare-failed');
        showDialogError(message);
        if (key === 'wrong-password') {
          ui.password.value = '';
          ui.password.focus();
        } else {
          ui.file.focus();
        }
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
    var raw = form.getAttribute('data-eds-chain') || '';
    return raw.split(/[\s,]+/).filter(function (s) {
      return s.length > 0;
    });
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    if (form.getAttribute('data-eds-signed') === 'true') return;
    event.preventDefault();
    if (busy) return;
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
    var url = form.getAttribute('data-eds-ncalayer-url') || NCALAYER_URL;
    ncaLayerSign(url, xmlInput.value, keyType, form.getAttribute('data-eds-iin'), chainOf(form))
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
        } else {
          setFormMessage(form, err.detail || text('prepare-failed'));
        }
      });
  }

  function init() {
    if (typeof forge === 'undefined' || typeof window.HTMLDialogElement === 'undefined') return;
    var forms = document.querySelectorAll('form[data-eds-sign]');
    for (var i = 0; i < forms.length; i++) forms[i].addEventListener('submit', onSubmit);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
