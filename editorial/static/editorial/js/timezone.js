// Tells the server the visitor's time zone, so deadlines can be shown in it as well as
// in their own (editorial/zones.py reads the `tz` cookie; without it, London's time).
// Only the IANA zone name is stored, e.g. "America/Santiago"; nothing is sent elsewhere.
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
  var value = encodeURIComponent(zone);
  var current = document.cookie.split("; ").filter(function (part) {
    return part.indexOf("tz=") === 0;
  })[0];
  if (current !== "tz=" + value) {
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "tz=" + value + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
  }
})();
