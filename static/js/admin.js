// Hakobou's accessibility fixes to Django admin's own scripts (loaded by
// templates/admin/base_site.html).
(function () {
  "use strict";
  // The two-box selector (filter_horizontal) names its search icon with aria-label on a
  // span without a role, which assistive technology may ignore (axe:
  // aria-prohibited-attr). As an image, the icon's name is read with its label. The
  // selector is built on "load", so this runs just after it.
  function nameSearchIcons() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () { window.setTimeout(nameSearchIcons, 0); });
})();
