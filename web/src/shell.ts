// The frame every page shares: navigation, language toggle, who is signed in, and a status line
// that announces results and errors to screen readers (role=status / role=alert).

import { ApiError } from "./api";
import { byId, h, replace } from "./dom";
import { language, setLanguage, t, translatePage } from "./i18n";
import type { MessageKey } from "./messages";
import { claims, signOut } from "./session";

const PAGES: ReadonlyArray<[string, MessageKey]> = [
  ["/review", "nav.review"],
  ["/explore", "nav.explore"],
  ["/coverage", "nav.coverage"],
];

function renderSession(slot: HTMLElement): void {
  const who = claims();
  if (!who) {
    replace(slot, h("a", { href: "/login" }, t("nav.login")));
    return;
  }
  const button = h("button", { type: "button", class: "link" }, t("nav.logout"));
  button.addEventListener("click", () => {
    signOut();
    window.location.assign("/login");
  });
  replace(
    slot,
    h("span", { "data-testid": "session" }, `${t("session.as")} ${who.sub} (${who.role})`),
    " ",
    button,
  );
}

/** Draws the header into #shell and translates the page; call once per page load. */
export function mountShell(): void {
  const shell = byId("shell");
  const here = window.location.pathname;
  const links = PAGES.map(([path, key]) =>
    h(
      "li",
      {},
      h("a", { href: path, "aria-current": path === here ? "page" : null, "data-i18n": key }, t(key)),
    ),
  );
  const toggle = h("button", { type: "button", id: "language", "data-i18n-aria-label": "lang.label" });
  const session = h("div", { class: "session" });
  const paint = (): void => {
    toggle.textContent = t("lang.toggle");
    toggle.setAttribute("lang", language() === "id" ? "en" : "id");
    renderSession(session);
  };
  toggle.addEventListener("click", () => {
    setLanguage(language() === "id" ? "en" : "id");
    paint();
  });
  replace(
    shell,
    h("a", { href: "/review", class: "brand" }, t("app.name")),
    h("nav", { "data-i18n-aria-label": "nav.main" }, h("ul", {}, ...links)),
    session,
    toggle,
  );
  translatePage();
  paint();
}

/** Shows a message in the page's status line; errors use role=alert so they are announced at once. */
export function announce(message: string, kind: "info" | "error" | "success" = "info"): void {
  const status = byId("status");
  status.className = `status ${kind}`;
  status.setAttribute("role", kind === "error" ? "alert" : "status");
  status.textContent = message;
}

export function announceError(error: unknown): void {
  if (error instanceof ApiError && error.code === "UNAUTHENTICATED") {
    announce(t("error.unauthenticated"), "error");
    const back = `${window.location.pathname}${window.location.hash}`;
    byId("status").append(" ", h("a", { href: `/login?next=${encodeURIComponent(back)}` }, t("nav.login")));
  } else if (error instanceof ApiError && error.code === "FORBIDDEN") {
    announce(`${t("error.forbidden")} (${error.message})`, "error");
  } else {
    announce(`${t("error.generic")}: ${(error as Error).message}`, "error");
  }
}
