"""The look a course's ``theme:`` asks for: colour maths, WCAG contrast, and the CSS
custom properties that the default stylesheet (``static/coursepack.css``) reads.

A theme sets up to five colours per colour scheme. Everything else the stylesheet
needs (panels, muted text, borders, feedback and focus colours) is derived here so that
each text colour keeps a contrast of at least 4.5:1 on every background it sits on.
Whether the five colours themselves are readable is a rule of :mod:`builder.course_rules`.
"""

from __future__ import annotations

import re

from builder.model import Colours, Theme

MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text (1.4.3)
FONT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
GENERIC_FONTS = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                 "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded")
#: what every course falls back to (the stylesheet's --font); no web fonts, ever
SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'

#: the default theme's colours (the same as coursepack.css)
DEFAULTS = {
    "light": {"brand": "#1d4f91", "brand_text": "#ffffff", "text": "#1b1f24",
              "background": "#ffffff", "link": "#1d4f91"},
    "dark": {"brand": "#8db8f2", "brand_text": "#0e1a2b", "text": "#e8ecf1",
             "background": "#14181d", "link": "#8db8f2"},
}
#: feedback and focus colours for light and for dark backgrounds
STATES = {
    "light": {"ok": "#1e6b34", "bad": "#a3261b", "focus": "#b35c00"},
    "dark": {"ok": "#8fd6a3", "bad": "#f2a39b", "focus": "#ffb25c"},
}
#: the pairs a theme must keep readable: (text key, background key)
PAIRS = (("text", "background"), ("brand_text", "brand"), ("link", "background"))
LABELS = {"brand": "brand colour", "brand_text": "brand text colour", "text": "text colour",
          "background": "background", "link": "link colour"}


# -- colour maths (sRGB, WCAG 2.1 relative luminance) -----------------------------------

def normalise(colour: str) -> str:
    """``#ABC`` or ``#aabbcc`` as ``#aabbcc``."""
    digits = colour.lstrip("#").lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _rgb(colour: str) -> tuple[int, int, int]:
    digits = normalise(colour)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(colour: str) -> float:
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, share: float) -> str:
    """``a`` with ``share`` (0-1) of ``b`` mixed in."""
    return "#" + "".join(f"{round(x + (y - x) * share):02x}"
                         for x, y in zip(_rgb(a), _rgb(b), strict=True))


def ratio_text(ratio: float) -> str:
    """A ratio rounded down, so that 4.499 never reads as a passing 4.50."""
    return f"{int(ratio * 100) / 100:.2f}:1"


def _toward(colour: str, target: str, ok) -> str:
    """``colour`` mixed toward ``target`` in small steps until ``ok(colour)`` holds."""
    for step in range(0, 101, 2):
        candidate = mix(colour, target, step / 100)
        if ok(candidate):
            return candidate
    return target


def suggest(fg: str, bg: str) -> str:
    """The closest colour to ``fg`` (toward black or white) that is readable on ``bg``."""
    target = "#000000" if contrast("#000000", bg) >= contrast("#ffffff", bg) else "#ffffff"
    return _toward(fg, target, lambda c: contrast(c, bg) >= MIN_CONTRAST)


# -- a theme's colours -------------------------------------------------------------------

def effective(colours: Colours | None, scheme: str) -> dict[str, str]:
    """The five colours of ``scheme`` ("light" or "dark") with the defaults filled in.
    The link colour defaults to the brand colour; the brand text colour to white or the
    text colour, whichever reads better on the brand colour."""
    base = DEFAULTS[scheme]
    c = colours or Colours()
    out = {k: normalise(getattr(c, k)) if getattr(c, k) else base[k] for k in base}
    if c.brand and not c.brand_text:
        out["brand_text"] = max(("#ffffff", out["text"], "#000000"),
                                key=lambda x: contrast(x, out["brand"]))
    if c.brand and not c.link:
        out["link"] = out["brand"]
    return out


def low_contrast(colours: dict[str, str]) -> list[tuple[str, str, float]]:
    """The pairs of :data:`PAIRS` below :data:`MIN_CONTRAST`, with their ratio."""
    out = []
    for fg, bg in PAIRS:
        ratio = contrast(colours[fg], colours[bg])
        if ratio < MIN_CONTRAST:
            out.append((fg, bg, ratio))
    return out


def palette(colours: dict[str, str]) -> dict[str, str]:
    """Every colour custom property of the stylesheet, derived from the five colours."""
    bg, fg, link = colours["background"], colours["text"], colours["link"]
    dark = luminance(bg) < luminance(fg)

    def readable(*backgrounds: str):
        return lambda c: all(contrast(c, b) >= MIN_CONTRAST for b in backgrounds)

    # panels: the background with a little of the text colour, while text stays readable
    panel = bg
    for share in (0.06, 0.05, 0.04, 0.03, 0.02):
        candidate = mix(bg, fg, share)
        if readable(candidate)(fg) and readable(candidate)(link):
            panel = candidate
            break
    muted = bg
    for share in (0.3, 0.25, 0.2, 0.15, 0.1, 0.05, 0.0):
        muted = mix(fg, bg, share)
        if readable(bg, panel)(muted):
            break
    states = STATES["dark" if dark else "light"]
    ok = _toward(states["ok"], fg, readable(bg, panel))
    bad = _toward(states["bad"], fg, readable(bg, panel))
    ok_bg = _toward(mix(bg, ok, 0.12), bg, lambda c: contrast(fg, c) >= MIN_CONTRAST)
    bad_bg = _toward(mix(bg, bad, 0.12), bg, lambda c: contrast(fg, c) >= MIN_CONTRAST)
    focus = _toward(states["focus"], fg, lambda c: contrast(c, bg) >= 3)  # non-text: 3:1
    header = header_colours(colours) if dark else {}
    return {
        "--bg": bg, "--fg": fg, "--muted": muted, "--brand": colours["brand"],
        "--brand-fg": colours["brand_text"], "--link": link, "--line": mix(bg, fg, 0.25),
        "--panel": panel, "--ok": ok, "--ok-bg": ok_bg, "--bad": bad, "--bad-bg": bad_bg,
        "--focus": focus, "color-scheme": "dark" if dark else "light", **header,
    }


def header_colours(colours: dict[str, str]) -> dict[str, str]:
    """The dark scheme's header: a dark variant of the brand colour (the brand mixed into
    the background) with the text colour on it, the brand colour as its accent (the
    progress bar, 3:1 at least). The light scheme's header is the brand colour itself."""
    bg, fg, brand = colours["background"], colours["text"], colours["brand"]
    header = bg
    for share in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        candidate = mix(brand, bg, share)
        if contrast(fg, candidate) >= MIN_CONTRAST and contrast(brand, candidate) >= 3:
            header = candidate
            break
    return {"--header-bg": header, "--header-fg": fg, "--header-accent": brand}


def font_stack(families: tuple[str, ...]) -> str:
    names = [f if f in GENERIC_FONTS else f'"{f}"' for f in families]
    return ", ".join([*names, SYSTEM_FONTS])


def css(theme: Theme) -> str:
    """The theme as CSS that follows the default stylesheet ("" when nothing changes)."""

    def block(props: dict[str, str]) -> str:
        return ":root{" + ";".join(f"{k}:{v}" for k, v in props.items()) + "}"

    out = []
    if theme.font:
        out.append(block({"--font": font_stack(theme.font)}))
    light = palette(effective(theme.light, "light")) if theme.light.given() else None
    dark = palette(effective(theme.dark, "dark")) if theme.dark else None
    if light:
        # without dark colours of its own, a theme leaves dark mode to the default theme
        out.append(block(light) if dark else
                   "@media not all and (prefers-color-scheme: dark){" + block(light) + "}")
    if dark:
        out.append("@media (prefers-color-scheme: dark){" + block(dark) + "}")
    return "\n".join(out)
