// Progressive enhancement of the dossier forms; every page works without this file.
// With htmx each dependent list (country → département → commune → établissement,
// year → séries) refreshes on change, so the "Mettre à jour les listes" button that a
// browser without JavaScript needs is hidden.
(function () {
  function markHtmx() {
    if (window.htmx) {
      document.documentElement.classList.add("htmx-lists");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markHtmx);
  } else {
    markHtmx();
  }
})();
