// Delegation form: add and remove member, courtesy call and gift rows without a round trip.
// Without this script the same buttons submit the form, which comes back with one row more or less.
(function () {
  "use strict";

  function nextIndex(list) {
    var max = -1;
    list.querySelectorAll(".row-list-rows [name]").forEach(function (input) {
      var match = /^[a-z_]+-(\d+)-/.exec(input.name);
      if (match) { max = Math.max(max, parseInt(match[1], 10)); }
    });
    return max + 1;
  }

  document.querySelectorAll("[data-row-list]").forEach(function (list) {
    var template = list.querySelector("template[data-row-template]");
    var rows = list.querySelector(".row-list-rows");
    if (!template || !rows) { return; }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !list.contains(button)) { return; }
      if (button.hasAttribute("data-add-row")) {
        event.preventDefault();
        var html = template.innerHTML.replace(/__index__/g, String(nextIndex(list)));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        rows.appendChild(row);
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) { first.focus(); }
      } else if (button.hasAttribute("data-remove-row")) {
        event.preventDefault();
        var current = button.closest(".row-list-row");
        if (current) { current.remove(); }
        var addButton = list.querySelector("[data-add-row]");
        if (addButton) { addButton.focus(); }
      }
    });
  });

  // A name typed in a member, courtesy call or gift row offers the people of the directory
  // (the datalist); picking one links the row to that person when it is not linked yet.
  var names = document.getElementById("counterpart-names");
  if (names) {
    document.querySelectorAll("[data-person-input]").forEach(function (list) {
      var key = list.getAttribute("data-person-input");
      if (!key) { return; }
      var suffix = "-" + key;
      function offer(input) {
        if (input.name && input.name.slice(-suffix.length) === suffix) {
          input.setAttribute("list", "counterpart-names");
          input.setAttribute("autocomplete", "off");
        }
      }
      list.querySelectorAll("input").forEach(offer);
      list.addEventListener("focusin", function (event) {
        if (event.target.tagName === "INPUT") { offer(event.target); }
      });
      list.addEventListener("change", function (event) {
        var input = event.target;
        if (input.tagName !== "INPUT" || input.getAttribute("list") !== "counterpart-names") { return; }
        var row = input.closest(".row-list-row");
        var select = row && row.querySelector("select[name$='-counterpart_id']");
        if (!select || select.value) { return; }
        var chosen = Array.prototype.find.call(names.options, function (option) {
          return option.value === input.value;
        });
        if (chosen) { select.value = chosen.getAttribute("data-id"); }
      });
    });
  }
})();
