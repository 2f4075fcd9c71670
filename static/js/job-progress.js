/* Background job page: poll the job's JSON status and update the progress bar, the status
   line and the download link until the job is finished. No inline script (CSP). */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var status = document.getElementById("job-status");
  var message = document.getElementById("job-message");
  var download = document.getElementById("job-download");
  var waiting = document.getElementById("job-waiting");
  var delay = 1500;

  function show(data) {
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    percent.textContent = data.progress + "%";
    status.textContent = data.status_label;
    if (waiting) {
      waiting.textContent = data.waiting || "";
      waiting.hidden = !data.waiting;
    }
    if (!data.finished) {
      return false;
    }
    message.textContent = data.message;
    var hint = document.getElementById("job-hint");
    if (hint) {
      hint.hidden = true;
    }
    if (data.status === "failed") {
      message.classList.add("job-failed");
      var retry = document.getElementById("job-retry");
      if (retry) {
        retry.hidden = false;
      }
    }
    if (data.download_url) {
      download.querySelector("a").href = data.download_url;
      download.hidden = false;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!show(data)) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
