// Promotion form: show only the counterparts that fit the chosen channel.
(function () {
  "use strict";
  var form = document.querySelector("form.promotion-form");
  if (!form) { return; }
  var channel = form.querySelector("#channel");
  var partner = form.querySelector("#partner_city_id");
  var organization = form.querySelector("#organization_id");
  var reason = form.querySelector("#exclusion_reason");
  var counts = form.querySelector("#counts_toward_3b");
  var kinds = JSON.parse(form.dataset.organizationKinds || "{}");
  var channelKinds = JSON.parse(form.dataset.channelKinds || "{}");

  function wrapper(field) { return field ? field.closest(".mb-3") : null; }

  function update() {
    var value = channel.value;
    var wantsPartner = value === "partner_city" || value === "international_conference";
    var wantsOrganization = value !== "partner_city";
    var kind = channelKinds[value] || null;
    if (wrapper(partner)) { wrapper(partner).hidden = !wantsPartner && !partner.value; }
    if (wrapper(organization)) { wrapper(organization).hidden = !wantsOrganization && !organization.value; }
    Array.prototype.forEach.call(organization.options, function (option) {
      if (!option.value) { return; }
      option.hidden = kind !== null && kinds[option.value] !== kind;
    });
  }

  function updateReason() {
    if (reason && counts && wrapper(reason)) { wrapper(reason).hidden = counts.checked && !reason.value; }
  }

  channel.addEventListener("change", update);
  if (counts) { counts.addEventListener("change", updateReason); }
  update();
  updateReason();
})();
