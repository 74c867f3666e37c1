// The plan page: finished stages are folded (<details>). Open the stage of the step the address
// points at (#step-12, after a save), or else scroll to where the page says it opens
// (data-open-at: the current stage, or the days form asking to confirm a change).
(function () {
  "use strict";

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) {
      return false;
    }
    for (var d = target.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;
    }
    target.scrollIntoView({ block: "start", behavior: "instant" });
    return true;
  }

  if (!openTarget()) {
    var stages = document.getElementById("plan-stages");
    var current = stages && stages.dataset.openAt && document.getElementById(stages.dataset.openAt);
    if (current) {
      current.scrollIntoView({ block: "start", behavior: "instant" });
    }
  }
  window.addEventListener("hashchange", openTarget);
})();
