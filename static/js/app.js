// Progressive enhancement only: every page works without this file.
// Keep htmx from injecting an inline <style> (our CSP forbids inline styles).
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false;
  }
});
