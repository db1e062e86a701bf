// Language switching: Bahasa Indonesia by default, English on request, remembered per browser.
// Static labels carry data-i18n (text) or data-i18n-<attribute> (e.g. placeholder, aria-label);
// pages re-render their dynamic parts on the "languagechange" event.

import { type Language, MESSAGES, type MessageKey } from "./messages";

const LANGUAGE_KEY = "satu-atap.lang";
const LANGUAGE_EVENT = "satu-atap:language";

export function language(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "id";
}

export function t(key: MessageKey): string {
  return MESSAGES[key][language()];
}

export function setLanguage(next: Language): void {
  localStorage.setItem(LANGUAGE_KEY, next);
  translatePage();
  document.dispatchEvent(new CustomEvent(LANGUAGE_EVENT));
}

export function onLanguageChange(listener: () => void): void {
  document.addEventListener(LANGUAGE_EVENT, listener);
}

function isKey(key: string | undefined): key is MessageKey {
  return key !== undefined && key in MESSAGES;
}

export function translatePage(root: ParentNode = document): void {
  document.documentElement.lang = language();
  for (const element of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const key = element.dataset.i18n;
    if (isKey(key)) element.textContent = t(key);
  }
  for (const attribute of ["placeholder", "aria-label", "title"]) {
    const data = `i18n${attribute.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase())}`;
    for (const element of root.querySelectorAll<HTMLElement>(`[data-i18n-${attribute}]`)) {
      const key = element.dataset[data];
      if (isKey(key)) element.setAttribute(attribute, t(key));
    }
  }
}
