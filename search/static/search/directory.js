/*
 * The directory page, enhanced: results follow the form as you change it, and the
 * search box suggests names, topics and institutions.
 *
 * Without this script the page is a plain GET form and works the same, one page
 * load at a time. With it:
 *  - ticking a facet, choosing a sort or typing (after a pause) fetches the same
 *    URL the form would load and swaps in the new facets and results; the address
 *    bar follows (pushState; typing replaces rather than piles up history), and
 *    Back/Forward restore earlier states;
 *  - focus stays where it was (the checkbox or the search box), the result count
 *    is announced by its live region, and page links move focus to the results;
 *  - typing searches as you type (the last word is a prefix, docs/search.md):
 *    results follow a short pause (TYPING_PAUSE), but the count in the live
 *    region changes only once typing has paused for ANNOUNCE_PAUSE, so a screen
 *    reader hears one count, not one per keystroke;
 *  - the search box is an ARIA 1.2 combobox: Down/Up move through suggestions,
 *    Enter opens one, Escape closes the list; suggestions come in the page's
 *    language (the form's data-lang), labelled with the form's data-kind-* words;
 *  - on a phone the filters fold behind a <details> disclosure (which works
 *    without this script); its summary ("Filters (2 selected)") and the count at
 *    the foot of the open filters follow each tap, so the visitor sees the effect
 *    where they are looking. On wide screens the filters are always open.
 * If a fetch fails the browser simply navigates to the URL.
 */
(function () {
  "use strict";

  var form = document.getElementById("directory-search");
  if (!form || !window.fetch || !window.URLSearchParams || !window.DOMParser) {
    return;
  }
  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  var input = document.getElementById("directory-q");
  var sort = document.getElementById("directory-sort");
  var count = document.getElementById("result-count");
  var heading = document.getElementById("results-heading");
  var listbox = document.getElementById("directory-suggestions");
  var filters = document.getElementById("directory-filters");
  var showResults = document.getElementById("filters-result-count");
  var wide = window.matchMedia ? window.matchMedia("(min-width: 48.0625rem)") : null;
  var pending = null;
  var typingTimer = null;
  var lastUrl = window.location.href;
  var TYPING_PAUSE = 250;
  var ANNOUNCE_PAUSE = 500;
  var lastKeystroke = 0;
  var announceTimer = null;

  // The live region is read aloud whenever its text changes: change it only
  // when the visitor has stopped typing for ANNOUNCE_PAUSE milliseconds.
  function announce(text) {
    window.clearTimeout(announceTimer);
    var wait = lastKeystroke + ANNOUNCE_PAUSE - Date.now();
    if (wait > 0) {
      announceTimer = window.setTimeout(function () { announce(text); }, wait);
    } else if (count.textContent !== text) {
      count.textContent = text;
    }
  }

  function formUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() !== "" && !(key === "sort" && value === "relevance")) {
        params.append(key, value);
      }
    });
    var query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  function swap(doc, id) {
    var current = document.getElementById(id);
    var next = doc.getElementById(id);
    if (current && next) {
      current.innerHTML = next.innerHTML;
    }
  }

  function copyText(doc, id) {
    var current = document.getElementById(id);
    var next = doc.getElementById(id);
    if (current && next && current.textContent !== next.textContent) {
      current.textContent = next.textContent;
    }
  }

  function syncFilters() {
    if (filters && wide && wide.matches) {
      filters.open = true;
    }
  }
  syncFilters();
  if (wide) {
    if (wide.addEventListener) {
      wide.addEventListener("change", syncFilters);
    } else if (wide.addListener) {
      wide.addListener(syncFilters);
    }
  }
  if (showResults && filters) {
    // "Show 12 researchers": fold the filters away and move to the results.
    showResults.addEventListener("click", function (event) {
      event.preventDefault();
      if (!(wide && wide.matches)) {
        filters.open = false;
      }
      heading.focus();
      heading.scrollIntoView({ block: "start" });
    });
  }

  function load(url, mode, focusResults) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    var focusedId = document.activeElement && document.activeElement.id;
    form.setAttribute("aria-busy", "true");
    fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        swap(doc, "directory-facets");
        swap(doc, "directory-hits");
        var nextCount = doc.getElementById("result-count");
        if (nextCount) {
          announce(nextCount.textContent);
        }
        copyText(doc, "filters-summary-text");
        copyText(doc, "filters-result-count");
        if (mode === "pop") {
          var nextInput = doc.getElementById("directory-q");
          var nextSort = doc.getElementById("directory-sort");
          if (nextInput) { input.value = nextInput.value; }
          if (nextSort) { sort.value = nextSort.value; }
        } else if (url !== lastUrl) {
          window.history[mode === "replace" ? "replaceState" : "pushState"]({ directory: true }, "", url);
        }
        lastUrl = url;
        if (focusResults) {
          heading.focus();
          heading.scrollIntoView({ block: "start" });
        } else if (focusedId && !document.getElementById(focusedId)) {
          heading.focus();
        } else if (focusedId && document.activeElement !== document.getElementById(focusedId)) {
          document.getElementById(focusedId).focus();
        }
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.href = url;
        }
      })
      .then(function () {
        form.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target === input) {
      return;
    }
    load(formUrl(), "push", false);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    closeSuggestions();
    window.clearTimeout(typingTimer);
    load(formUrl(), "push", false);
  });

  form.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-directory-link]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    event.preventDefault();
    var target = new URL(link.href, window.location.href);
    var params = new URLSearchParams(target.search);
    input.value = params.get("q") || "";
    sort.value = params.get("sort") || "relevance";
    load(target.href, "push", true);
  });

  window.addEventListener("popstate", function () {
    load(window.location.href, "pop", false);
  });

  /* ---------------------------------------------------------------- autocomplete */

  // The words of the page's language come from the form's data-* attributes,
  // rendered (and translated) by the template; the API answers in data-lang.
  var suggestUrl = form.getAttribute("data-autocomplete-url");
  var suggestLang = form.getAttribute("data-lang") || "";
  var suggestions = [];
  var active = -1;
  var suggestTimer = null;
  var suggestRequest = null;
  var kinds = {
    researcher: form.getAttribute("data-kind-researcher") || "",
    topic: form.getAttribute("data-kind-topic") || "",
    institution: form.getAttribute("data-kind-institution") || "",
  };

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);

  function closeSuggestions() {
    listbox.hidden = true;
    listbox.innerHTML = "";
    suggestions = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function setActive(index) {
    var options = listbox.querySelectorAll("[role=option]");
    active = index;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(items) {
    suggestions = items;
    listbox.innerHTML = "";
    if (!items.length) {
      closeSuggestions();
      return;
    }
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = "directory-suggestion-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.label;
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = " " + (kinds[item.kind] || "");
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep focus in the box until we navigate
      });
      option.addEventListener("click", function () {
        window.location.href = item.url;
      });
      listbox.appendChild(option);
    });
    listbox.hidden = false;
    active = -1;
    input.setAttribute("aria-expanded", "true");
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (text.length < 2) {
      closeSuggestions();
      return;
    }
    if (suggestRequest) {
      suggestRequest.abort();
    }
    suggestRequest = new AbortController();
    var params = { q: text };
    if (suggestLang) {
      params.lang = suggestLang;
    }
    fetch(suggestUrl + "?" + new URLSearchParams(params).toString(), {
      signal: suggestRequest.signal,
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (document.activeElement === input) {
          render(data.suggestions || []);
        }
      })
      .catch(function () { /* suggestions are optional */ });
  }

  input.addEventListener("input", function () {
    lastKeystroke = Date.now();
    window.clearTimeout(announceTimer);
    window.clearTimeout(suggestTimer);
    suggestTimer = window.setTimeout(fetchSuggestions, 150);
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      load(formUrl(), "replace", false);
    }, TYPING_PAUSE);
  });

  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden && suggestions.length > 0;
    if (event.key === "ArrowDown") {
      if (!open) {
        fetchSuggestions();
        return;
      }
      event.preventDefault();
      setActive(active + 1 >= suggestions.length ? 0 : active + 1);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      setActive(active <= 0 ? suggestions.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      window.location.href = suggestions[active].url;
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeSuggestions();
    }
  });

  input.addEventListener("blur", function () {
    window.setTimeout(closeSuggestions, 150);
  });
})();
