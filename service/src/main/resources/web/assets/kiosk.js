// Kiosk mode of the feedback form (a shared device). Without this script the form still works; the server already
// sends no-store and a single-use submission id, so nothing can be sent twice.
(function () {
  'use strict';
  // A form page restored from the back-forward cache must not show the previous person's answers.
  window.addEventListener('pageshow', function (event) {
    var forms = document.querySelectorAll('body.kiosk-form form');
    if (event.persisted) {
      window.location.reload();
      return;
    }
    // a page that shows the person's own answers with problems to fix keeps them
    if (!document.querySelector('.error-summary')) {
      forms.forEach(function (form) { form.reset(); });
    }
  });
  // The thank-you page returns to an empty form by itself; replace() keeps the answered form out of history.
  var target = document.body.getAttribute('data-href');
  var notice = document.querySelector('.kiosk-return');
  if (document.body.classList.contains('kiosk-thanks') && target && notice) {
    var seconds = parseInt(notice.getAttribute('data-seconds'), 10) || 15;
    window.setTimeout(function () { window.location.replace(target); }, seconds * 1000);
  }
})();
