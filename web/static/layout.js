// Opens the filter bars folded behind "筛选" when the screen is wide enough to show them beside
// the results (phones keep them folded; without JavaScript they fold everywhere and still work).
(function () {
  var wide = window.matchMedia('(min-width: 64rem)');
  function apply() {
    var folds = document.querySelectorAll('details[data-open-wide]');
    for (var i = 0; i < folds.length; i++) folds[i].open = wide.matches;
  }
  apply();
  if (wide.addEventListener) wide.addEventListener('change', apply);
})();
