// piccolo-admin shows and enters timestamps in the time zone kept in the browser
// (localStorage "defaultTimezone", chosen in its "Timezone" menu), UTC until someone
// picks one. Staff start on the portal's zone (app.settings.timezone); a zone they
// choose themselves is kept.
(function () {
  var script = document.currentScript;
  var zone = script && script.getAttribute("data-timezone");
  try {
    if (zone && !window.localStorage.getItem("defaultTimezone")) {
      window.localStorage.setItem("defaultTimezone", zone);
    }
  } catch (error) {
    // Storage refused (private mode): piccolo-admin falls back to UTC.
  }
})();
