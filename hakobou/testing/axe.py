"""Accessibility checks in the browser tests: axe-core (pinned in package-lock.json,
installed by `npm ci` into node_modules/, never committed) run inside a Playwright page.

``assert_accessible(page)`` fails the test listing every violation of impact serious or
critical: the rule, what it asks for, and each failing element (its selector and HTML).
Without axe-core installed the test is skipped locally and fails in CI (CI=true), as
with a missing Chromium (hakobou.testing.browser).

``small_targets(page)`` lists the controls smaller than 44×44 CSS px (buttons, links
drawn as buttons, choices and fields) for pages residents use on their phones; a link
inside a sentence is left out, as WCAG 2.5.5 allows.
"""

from __future__ import annotations

from pathlib import Path

from hakobou.testing.browser import _unavailable

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
MIN_TARGET_PX = 44


def axe_violations(page, *, impacts: tuple[str, ...] = FAILING_IMPACTS) -> list[dict]:
    """axe-core's violations on the page as it is now, of the impacts given."""
    if not AXE_PATH.exists():
        _unavailable("axe-core is not installed (run `npm ci` in the project directory)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    violations = page.evaluate(
        """async () => {
          const results = await axe.run(document, { resultTypes: ["violations"] });
          return results.violations.map((rule) => ({
            id: rule.id,
            impact: rule.impact,
            help: rule.help,
            helpUrl: rule.helpUrl,
            nodes: rule.nodes.map((node) => ({
              target: node.target.map(String),
              html: node.html,
              impact: node.impact,
              summary: node.failureSummary || "",
            })),
          }));
        }"""
    )
    return [rule for rule in violations if rule["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for rule in violations:
        lines.append(f"[{rule['impact']}] {rule['id']}: {rule['help']} ({rule['helpUrl']})")
        for node in rule["nodes"]:
            lines.append(f"    at {' '.join(node['target'])}")
            lines.append(f"       {node['html'][:300]}")
            for line in node["summary"].splitlines()[1:3]:
                lines.append(f"       - {line.strip()}")
    return "\n".join(lines)


def assert_accessible(page, *, impacts: tuple[str, ...] = FAILING_IMPACTS) -> None:
    """Fail listing axe-core's serious and critical violations on the page, if any."""
    violations = axe_violations(page, impacts=impacts)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} accessibility problem(s) on {page.url}:\n"
            + describe(violations)
        )


def small_targets(page, *, minimum: int = MIN_TARGET_PX) -> list[str]:
    """Visible controls smaller than ``minimum`` CSS px on a side, as 'tag.class "name"
    (w×h)'. Counted: buttons, links drawn as buttons, links standing alone (alone in
    their paragraph, or in a header, a nav or a footer), fields and selects, disclosure
    summaries, and the label around a checkbox or radio (what a finger presses). Not
    counted: a link inside a sentence (WCAG 2.5.5 lets it be as small as the text), the
    box of a checkbox inside its label, anything hidden."""
    return page.evaluate(
        """(minimum) => {
          const controls = document.querySelectorAll(
            "a[href], button, .button, select, textarea, summary, label.choice, label.check,"
            + " input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
          );
          const found = [];
          for (const element of controls) {
            const box = element.getBoundingClientRect();
            if (!box.width || !box.height) continue;
            if (getComputedStyle(element).visibility === "hidden") continue;
            if (element.matches(".skip-link")) continue;  // off screen until focused
            const inSentence = element.matches("a:not(.button):not(.link-button)")
              && !element.closest("header, nav, footer")
              && element.parentElement.innerText.trim() !== element.innerText.trim();
            if (inSentence) continue;
            if (box.width >= minimum - 0.5 && box.height >= minimum - 0.5) continue;
            const name = (element.innerText || element.value || element.name || "").trim();
            const classes = String(element.className || "").trim().split(/\\s+/).join(".");
            found.push(
              element.tagName.toLowerCase() + (classes ? "." + classes : "")
              + ` "${name.slice(0, 30)}" (${Math.round(box.width)}×${Math.round(box.height)})`
            );
          }
          return found;
        }""",
        minimum,
    )
