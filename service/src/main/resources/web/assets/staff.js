/* Clinician's page (web.staff): "Copy" buttons for the record texts. Without JavaScript the buttons stay hidden and
   the read-only text is selected and copied by hand; with it, one click copies and a status line says so. */
(function () {
  'use strict';
  function copy(button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    var status = button.parentNode.querySelector('.copy-status');
    if (!field) { return; }
    var done = function () { if (status) { status.textContent = button.getAttribute('data-done'); } };
    var fallback = function () {
      field.focus();
      field.select();
      try { if (document.execCommand('copy')) { done(); } } catch (e) { /* the text stays selected for Ctrl+C */ }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, fallback);
    } else {
      fallback();
    }
  }
  document.addEventListener('DOMContentLoaded', function () {
    var buttons = document.querySelectorAll('.copy-button[data-copy]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener('click', function (event) { copy(event.currentTarget); });
    }
  });
}());
