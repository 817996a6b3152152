// Drafts: what a coordinator writes in a long text field is kept in this
// tab's sessionStorage as they type, and put back when the field is shown
// empty again. A login that ran out while they wrote an announcement then
// costs a login, not the announcement. A page that says something was
// done (?done=) clears the tab's drafts; closing the tab clears them too.
(function () {
  "use strict";
  var prefix = "tsunagu-draft:";
  function key(el) { return prefix + location.pathname.replace(/\/(confirm|new)$/, "") + ":" + el.name; }
  document.addEventListener("DOMContentLoaded", function () {
    var store;
    try { store = window.sessionStorage; } catch (e) { return; }
    if (new URLSearchParams(location.search).has("done")) {
      for (var i = store.length - 1; i >= 0; i--) {
        var k = store.key(i);
        if (k && k.indexOf(prefix) === 0) { store.removeItem(k); }
      }
      return;
    }
    document.querySelectorAll("textarea[data-draft]").forEach(function (el) {
      var saved = store.getItem(key(el));
      if (saved && !el.value) { el.value = saved; }
      el.addEventListener("input", function () { store.setItem(key(el), el.value); });
    });
  });
})();
