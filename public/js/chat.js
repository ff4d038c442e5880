// The chat with the contact centre: the «Чат» link opens the chat as a dialog over the page (without
// JavaScript it is the plain /chat page); messages are sent in the background and arrive live as
// Server-Sent Events into a live region (role="log"), so a screen reader announces each new one.
(function () {
  'use strict';

  function post(url, form, token) {
    var body = new URLSearchParams(new FormData(form));
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
        'X-Chat': '1',
        'X-CSRF-Token': token,
      },
      body: body,
    }).then(function (res) {
      return res
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          return { ok: res.ok && data.ok !== false, data: data };
        });
    });
  }

  function messageItem(m) {
    var li = document.createElement('li');
    li.className = 'portal-chat__message portal-chat__message--' + m.author;
    li.setAttribute('data-id', String(m.id));
    var who = document.createElement('p');
    who.className = 'govuk-body-s portal-chat__who';
    var strong = document.createElement('strong');
    strong.textContent = m.who;
    var at = document.createElement('span');
    at.className = 'portal-chat__at';
    at.textContent = m.at;
    who.appendChild(strong);
    who.appendChild(document.createTextNode(' '));
    who.appendChild(at);
    var text = document.createElement('p');
    text.className = 'govuk-body portal-chat__text';
    text.textContent = m.text;
    li.appendChild(who);
    li.appendChild(text);
    if (m.links && m.links.length) {
      var ul = document.createElement('ul');
      ul.className = 'govuk-list portal-chat__links';
      m.links.forEach(function (l) {
        var item = document.createElement('li');
        var a = document.createElement('a');
        a.className = 'govuk-link';
        a.href = l.href;
        a.textContent = l.title;
        item.appendChild(a);
        if (l.excerpt) {
          item.appendChild(document.createElement('br'));
          var ex = document.createElement('span');
          ex.className = 'govuk-body-s';
          ex.textContent = l.excerpt;
          item.appendChild(ex);
        }
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    return li;
  }

  /** Wires one chat block: its forms post in the background, its log follows the event stream. */
  function initChat(root) {
    if (root.getAttribute('data-chat-ready')) return;
    root.setAttribute('data-chat-ready', '1');
    var list = root.querySelector('[data-chat-list]');
    var log = root.querySelector('[role="log"]');
    var error = root.querySelector('[data-chat-error]');
    var form = root.querySelector('[data-chat-form]');
    var handoff = root.querySelector('[data-chat-handoff]');
    var token = root.getAttribute('data-csrf') || '';
    var source = null;

    function lastId() {
      var items = list.querySelectorAll('[data-id]');
      return items.length ? items[items.length - 1].getAttribute('data-id') : '0';
    }

    function showError(text) {
      if (!error) return;
      error.textContent = text || '';
      error.hidden = !text;
    }

    function add(m) {
      if (list.querySelector('[data-id="' + m.id + '"]')) return;
      var empty = root.querySelector('[data-chat-empty]');
      if (empty) empty.remove();
      list.appendChild(messageItem(m));
      if (log) log.scrollTop = log.scrollHeight;
      if (m.handedOff && handoff) handoff.hidden = true;
    }

    function listen() {
      if (source || typeof window.EventSource === 'undefined') return;
      var base = root.getAttribute('data-events');
      var url = base + (base.indexOf('?') < 0 ? '?' : '&') + 'after=' + lastId();
      source = new window.EventSource(url);
      source.addEventListener('message', function (e) {
        try {
          add(JSON.parse(e.data));
        } catch {
          /* a malformed event is skipped */
        }
      });
      source.addEventListener('error', function () {
        // the server answers 204 when there is nothing to follow yet: listen again after the first message
        if (source && source.readyState === window.EventSource.CLOSED) source = null;
      });
    }

    function wire(f, after) {
      if (!f) return;
      f.addEventListener('submit', function (event) {
        event.preventDefault();
        var button = f.querySelector('button[type="submit"]');
        if (button) button.disabled = true;
        post(f.getAttribute('action'), f, token)
          .then(function (r) {
            if (!r.ok) {
              showError((r.data && r.data.message) || root.getAttribute('data-failed'));
              return;
            }
            showError('');
            after(r.data);
            listen();
          })
          .catch(function () {
            showError(root.getAttribute('data-failed'));
          })
          .then(function () {
            if (button) button.disabled = false;
          });
      });
    }

    wire(form, function () {
      var ta = form.querySelector('textarea');
      if (ta) {
        ta.value = '';
        ta.focus();
      }
    });
    wire(handoff, function (data) {
      if (data && data.status && data.status !== 'bot') handoff.hidden = true;
    });
    if (list.querySelector('[data-id]') || root.hasAttribute('data-desk')) listen();
    root.chatStop = function () {
      if (source) source.close();
      source = null;
    };
  }

  /** The «Чат» link of every page opens the chat block in a modal dialog (Escape closes it). */
  function initOpeners() {
    if (typeof HTMLDialogElement === 'undefined' || !window.fetch) return;
    var dialog = null;
    var opener = null;
    document.querySelectorAll('[data-chat-open]').forEach(function (link) {
      link.addEventListener('click', function (event) {
        if (document.querySelector('[data-chat]:not([data-desk])') && window.location.pathname === '/chat')
          return;
        event.preventDefault();
        opener = link;
        fetch('/chat?panel=1', { credentials: 'same-origin', headers: { Accept: 'text/html' } })
          .then(function (res) {
            if (!res.ok) throw new Error('chat');
            return res.text();
          })
          .then(function (html) {
            if (!dialog) {
              dialog = document.createElement('dialog');
              dialog.className = 'portal-chat-dialog';
              dialog.setAttribute('aria-labelledby', 'chat-dialog-title');
              dialog.addEventListener('close', function () {
                var root = dialog.querySelector('[data-chat]');
                if (root && root.chatStop) root.chatStop();
                if (opener) opener.focus();
              });
              document.body.appendChild(dialog);
            }
            dialog.innerHTML = html;
            var close = document.createElement('button');
            close.type = 'button';
            close.className = 'govuk-button govuk-button--secondary portal-chat-dialog__close';
            close.textContent = link.getAttribute('data-close') || '×';
            close.addEventListener('click', function () {
              dialog.close();
            });
            dialog.appendChild(close);
            var root = dialog.querySelector('[data-chat]');
            if (root) initChat(root);
            dialog.showModal();
            var ta = dialog.querySelector('textarea');
            if (ta) ta.focus();
          })
          .catch(function () {
            window.location.href = link.getAttribute('href');
          });
      });
    });
  }

  /** The desk's list: a live note of new messages (the page itself stays as the operator left it). */
  function initDesk() {
    var note = document.querySelector('[data-chat-desk]');
    if (!note || typeof window.EventSource === 'undefined') return;
    var source = new window.EventSource(note.getAttribute('data-events'));
    source.addEventListener('message', function (e) {
      try {
        var m = JSON.parse(e.data);
        if (m.author === 'visitor' || m.handedOff)
          note.textContent = (note.getAttribute('data-new-message') || '').replace('{id}', m.conversation);
      } catch {
        /* skipped */
      }
    });
  }

  function init() {
    document.querySelectorAll('[data-chat]').forEach(initChat);
    initOpeners();
    initDesk();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
