/*
 * Remembers the visitor's time zone in the `tz` cookie, so that pages show event
 * times and deadlines in it beside the organisers' zone (editorial/zones.py).
 * The zone comes from the browser's own settings; nothing else is sent. Without
 * JavaScript (or before the cookie exists) pages use London time, always named.
 */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    return;
  }
  var current = document.cookie.split("; ").filter(function (part) {
    return part.indexOf("tz=") === 0;
  })[0];
  if (current === "tz=" + zone) {
    return;
  }
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "tz=" + zone + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
})();
