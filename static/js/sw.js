/* The service worker: pages from the network first; offline, the signed-in learner's saved
   lessons (caches named "elearn-u<user id>-..."), else the offline page. Quizzes and exams
   stay online only. Nothing of one user is ever looked up for another: the page records who is
   signed in (elearn-meta), and sign-out deletes every cache. */
"use strict";

const SHELL = "elearn-shell-v1";
const META = "elearn-meta";
const OFFLINE_PAGE = "/offline";
const QUIZ_PAGE = "/offline/quiz";
const ONLINE_ONLY = ["/quizzes/", "/attempts/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL)
      // Without cookies: the shell is the same for everyone, and an answer to a request sent
      // with the cookie of a sign-in page must never write that cookie back.
      .then((cache) => cache.addAll([OFFLINE_PAGE, QUIZ_PAGE, "/static/css/app.css"]
        .map((url) => new Request(url, {credentials: "omit"}))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

async function currentUser() {
  const meta = await caches.open(META);
  const answer = await meta.match("/__offline/user");
  return answer ? (await answer.text()).trim() : "";
}

async function savedCopy(request) {
  const user = await currentUser();
  if (!user) return undefined;
  const prefix = "elearn-u" + user + "-";
  const names = (await caches.keys()).filter((name) => name.startsWith(prefix));
  for (const name of names) {
    const cache = await caches.open(name);
    const hit = await cache.match(request, {ignoreVary: true});
    if (hit) return hit;
  }
  return undefined;
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const path = new URL(request.url).pathname;
    const shell = await caches.open(SHELL);
    if (ONLINE_ONLY.some((prefix) => path.startsWith(prefix))) {
      return (await shell.match(QUIZ_PAGE)) || Response.error();
    }
    return (await savedCopy(request)) || (await shell.match(OFFLINE_PAGE)) || Response.error();
  }
}

async function file(request) {
  try {
    return await fetch(request);
  } catch (error) {
    // The shell was stored by plain address; pages ask for ?v=<digest> of the same file.
    return (await savedCopy(request)) ||
      (await caches.match(request, {cacheName: SHELL, ignoreSearch: true})) || Response.error();
  }
}

// "Tandai selesai" sent while the link is down (the page's own script queues it when the
// browser knows it is offline; this catches the rest): back to the lesson, which queues it.
const DONE = /^\/learn\/.+\/done$/;

async function done(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const lesson = new URL(request.url).pathname.replace(/\/done$/, "");
    return Response.redirect(lesson + "#queued-offline", 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && DONE.test(url.pathname)) {
    event.respondWith(done(request));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (!request.url.endsWith(".json")) {
    event.respondWith(file(request));
  }
});
