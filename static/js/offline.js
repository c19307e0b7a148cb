/* Saving courses for offline reading, the saved-courses list, the queue of lessons marked done
   while offline, and clearing everything on sign-out (see elearn/offline). */
"use strict";
(function () {
  const me = document.currentScript;
  const user = me.dataset.user || "";
  const lang = document.documentElement.lang || "id";
  const prefix = "elearn-u" + user + "-";
  const queueKey = "elearn-queue-u" + user;
  const t = (name) => me.dataset[name] || "";
  if (!("caches" in window) || !("serviceWorker" in navigator)) return;

  navigator.serviceWorker.register(me.dataset.sw, {scope: "/"}).catch(() => {});

  function sizeLabel(bytes) {
    const mb = bytes >= 1e6;
    const n = new Intl.NumberFormat(lang, {maximumFractionDigits: mb ? 1 : 0});
    return "±" + (mb ? n.format(bytes / 1e6) + " MB" : n.format(Math.max(1, bytes / 1e3)) + " kB");
  }

  async function clearAll() {
    for (const name of await caches.keys()) {
      // The shell (offline pages, stylesheet) holds nothing of anyone: kept for the next one.
      if (name.startsWith("elearn-") && !name.startsWith("elearn-shell")) await caches.delete(name);
    }
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("elearn-")) localStorage.removeItem(key);
    }
  }

  async function forgetOthers() {
    // Another learner's copies on a shared PC: never kept next to this one's.
    for (const name of await caches.keys()) {
      if (name.startsWith("elearn-u") && !name.startsWith(prefix)) await caches.delete(name);
    }
    const meta = await caches.open("elearn-meta");
    await meta.put("/__offline/user", new Response(user));
  }

  async function save(list) {
    // addAll stores all or nothing, over the old copy: a failed update leaves the old copy
    // whole; what the new version no longer has is dropped afterwards.
    const existed = await caches.has(list.cache);
    const cache = await caches.open(list.cache);
    const urls = list.urls.map((u) => u.url).concat(["/offline/saved"]);
    try {
      await cache.addAll(urls);
    } catch (error) {
      if (!existed) await caches.delete(list.cache);  // never "saved" with nothing in it
      throw error;
    }
    const keep = new Set(urls.map((u) => new URL(u, location.origin).href));
    for (const request of await cache.keys()) {
      if (!keep.has(request.url) && !request.url.endsWith("/__offline/course")) {
        await cache.delete(request);
      }
    }
    const meta = {title: list.title, version: list.version, bytes: list.bytes,
                  url: list.self, course: list.course};
    await cache.put("/__offline/course", new Response(JSON.stringify(meta)));
  }

  async function savedCourses() {
    const out = [];
    for (const name of await caches.keys()) {
      if (!name.startsWith(prefix + "c-")) continue;
      const hit = await (await caches.open(name)).match("/__offline/course");
      if (hit) out.push(Object.assign({cache: name}, await hit.json()));
    }
    return out;
  }

  function status(text) {
    let box = document.querySelector("[data-offline-status]");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("role", "status");
      box.className = "flash flash-info";
      box.dataset.offlineStatus = "";
      document.getElementById("main").prepend(box);
    }
    box.textContent = text;
  }

  function queue() { return JSON.parse(localStorage.getItem(queueKey) || "[]"); }

  async function sync() {
    const items = queue();
    if (!items.length || !navigator.onLine) return;
    let sent = 0;
    for (const url of items) {
      try {
        const token = (await (await fetch("/offline/csrf.json", {cache: "no-store"})).json()).token;
        const body = new FormData();
        body.append("csrf_token", token);
        const answer = await fetch(url, {method: "POST", body: body,
                                         headers: {"X-CSRFToken": token}});
        if (!answer.ok) break;
        sent += 1;
        localStorage.setItem(queueKey, JSON.stringify(queue().filter((u) => u !== url)));
      } catch (error) {
        status(t("queued"));  // the browser believed it was online; the marks still wait
        break;
      }
    }
    if (sent && !queue().length) status(t("synced"));
  }

  const REFRESH_EVERY_MS = 30 * 60 * 1000;  // not a request per saved course on every page
  const refreshedKey = "elearn-refreshed-u" + user;

  async function refresh() {
    // A newer published version replaces the saved copy while online (a course's own page
    // checks its copy at once, see courseControl).
    const last = Number(localStorage.getItem(refreshedKey) || 0);
    if (Date.now() - last < REFRESH_EVERY_MS) return;
    localStorage.setItem(refreshedKey, String(Date.now()));
    for (const saved of await savedCourses()) {
      try {
        const list = await (await fetch(saved.url, {cache: "no-store"})).json();
        if (list.version !== saved.version) {
          await save(Object.assign(list, {self: saved.url}));
          localStorage.setItem("elearn-updated-" + list.course, "1");
        }
      } catch (error) { /* offline or no longer enrolled: keep what is there */ }
    }
  }

  async function showSaved(ul) {
    const courses = await savedCourses();
    document.querySelector("[data-offline-empty]").hidden = courses.length > 0;
    ul.replaceChildren();
    for (const c of courses) {
      const li = document.createElement("li");
      li.textContent = c.title + " · " + sizeLabel(c.bytes) + " ";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary small";
      remove.textContent = ul.dataset.removeLabel;
      remove.addEventListener("click", async () => { await caches.delete(c.cache); showSaved(ul); });
      li.append(remove);
      ul.append(li);
    }
  }

  async function courseControl(box) {
    const saveButton = box.querySelector("[data-offline-save]");
    const removeButton = box.querySelector("[data-offline-remove]");
    const note = box.querySelector("[data-offline-note]");
    const url = box.dataset.offlineCourse;
    let list;
    try { list = await (await fetch(url, {cache: "no-store"})).json(); } catch (e) { return; }
    list.self = url;
    const isSaved = async () => caches.has(list.cache);
    const copy = (await savedCourses()).find((c) => c.cache === list.cache);
    if (copy && copy.version !== list.version) {
      try {
        await save(list);
        localStorage.setItem("elearn-updated-" + list.course, "1");
      } catch (error) { /* the old copy stays until the next visit */ }
    }
    const show = async () => {
      const saved = await isSaved();
      // The wrappers are hidden: the stylesheet gives buttons a display that beats [hidden].
      saveButton.parentElement.hidden = saved;
      removeButton.parentElement.hidden = !saved;
      box.querySelector("[data-offline-size]").textContent = "(" + sizeLabel(list.bytes) + ")";
      if (saved && localStorage.getItem("elearn-updated-" + list.course)) {
        note.textContent = t("updated");
        localStorage.removeItem("elearn-updated-" + list.course);
      }
    };
    saveButton.addEventListener("click", async () => {
      saveButton.disabled = true;
      try {
        await save(list);
        note.textContent = t("saved") + " " + sizeLabel(list.bytes);
      } catch (error) {
        note.textContent = t("failed");
      }
      saveButton.disabled = false;
      show();
    });
    removeButton.addEventListener("click", async () => {
      await caches.delete(list.cache);
      note.textContent = t("removed");
      show();
    });
    box.hidden = false;
    show();
  }

  function enqueue(url) {
    const items = queue().filter((u) => u !== url);
    items.push(url);
    localStorage.setItem(queueKey, JSON.stringify(items));
    status(t("queued"));
  }

  // The service worker sent the learner back here after a "Tandai selesai" it could not send.
  if (user && location.hash === "#queued-offline") {
    history.replaceState(null, "", location.pathname + location.search);
    document.addEventListener("DOMContentLoaded", () => {
      enqueue(new URL(location.pathname + "/done", location.origin).href);
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("[data-offline-signout]") || form.action.endsWith(me.dataset.logout)) {
      if (form.dataset.cleared) return;
      event.preventDefault();
      clearAll().finally(() => { form.dataset.cleared = "1"; form.submit(); });
    } else if (form.matches("[data-offline-done]") && !navigator.onLine && user) {
      event.preventDefault();
      enqueue(form.action);
    }
  }, true);

  window.addEventListener("online", sync);

  (async () => {
    if (!user) {
      if (navigator.onLine) await clearAll();
      return;
    }
    await forgetOthers();
    // Never cleared here: a mark queued a moment ago (the worker's redirect) keeps its line.
    if (queue().length && !navigator.onLine) status(t("queued"));
    if (navigator.onLine) {
      await sync();
      await refresh();
    }
    const box = document.querySelector("[data-offline-course]");
    if (box && navigator.onLine) courseControl(box);
    const ul = document.querySelector("[data-offline-saved]");
    if (ul) showSaved(ul);
  })();
})();
