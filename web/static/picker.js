// Code pickers for posting forms: type a name, a code or pinyin initials into the search box
// beside a code field, pick a suggestion, and its code is added to the field. Without
// JavaScript the code field still takes codes typed by hand.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }
  function addCode(target, code) {
    var items = target.value.split(/[、，,;；\s]+/).filter(function (s) { return s.length > 0; });
    if (items.indexOf(code) < 0) { items.push(code); }
    target.value = items.join("、");
  }
  document.querySelectorAll("input.picker").forEach(function (search) {
    var target = document.getElementById(search.dataset.target);
    var list = document.getElementById(search.getAttribute("list"));
    var known = {};
    var lookup = debounce(function () {
      var q = search.value.trim();
      if (!q) { return; }
      var url = "/api/v1/reference/" + search.dataset.picker + "?limit=15&q=" + encodeURIComponent(q);
      var level = document.getElementById("education_level");
      if (search.dataset.picker === "programs" && level && level.value) { url += "&level=" + encodeURIComponent(level.value); }
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          list.innerHTML = "";
          known = {};
          body.items.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.textContent = item.code + " " + item.name;
            known[item.code] = true;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
    search.addEventListener("input", function () {
      var value = search.value.trim();
      if (known[value]) {
        addCode(target, value);
        search.value = "";
        return;
      }
      lookup();
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var value = search.value.trim();
        if (known[value]) { addCode(target, value); search.value = ""; }
      }
    });
  });
})();
