// SPDX-License-Identifier: EUPL-1.2
// The header's groups as disclosures (WAI-ARIA disclosure navigation): the link to a group's
// overview page becomes a button with aria-expanded that shows or hides the group's links.
// Escape closes the open group and returns focus to its button; so does a click or focus
// outside it. Without JavaScript the link to the overview page stays.
(function () {
  "use strict";
  var groups = [];

  function setOpen(group, open) {
    group.button.setAttribute("aria-expanded", open ? "true" : "false");
    group.menu.hidden = !open;
  }

  function closeAll(except) {
    groups.forEach(function (group) {
      if (group !== except) { setOpen(group, false); }
    });
  }

  function init() {
    document.querySelectorAll("[data-nav-group]").forEach(function (item) {
      var link = item.querySelector("[data-nav-toggle]");
      var menu = item.querySelector(".zk-nav__menu");
      if (!link || !menu) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = link.className;
      button.textContent = link.textContent;
      button.setAttribute("aria-controls", menu.id);
      if (link.hasAttribute("aria-current")) { button.setAttribute("aria-current", "true"); }
      link.replaceWith(button);
      var group = { item: item, button: button, menu: menu };
      groups.push(group);
      setOpen(group, false);
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") !== "true";
        closeAll(group);
        setOpen(group, open);
      });
      item.addEventListener("focusout", function (event) {
        if (event.relatedTarget && !item.contains(event.relatedTarget)) { setOpen(group, false); }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      groups.forEach(function (group) {
        if (group.button.getAttribute("aria-expanded") === "true") {
          setOpen(group, false);
          if (group.item.contains(document.activeElement)) { group.button.focus(); }
        }
      });
    });
    document.addEventListener("click", function (event) {
      groups.forEach(function (group) {
        if (!group.item.contains(event.target)) { setOpen(group, false); }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
