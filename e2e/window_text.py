"""Reads QwenDesk's window from the accessibility tree (AT-SPI), as a screen reader does.

  window_text.py          one line per element with text: its text, or its accessible name
                          (not the hidden region that announces a streaming reply)
  window_text.py --json   every element as JSON: role, name, text, states, the DOM tag and
                          attributes WebKit exposes, a link's URI, and its extents in screen pixels (so a
                          test can find a control by its name and click where it is drawn)

Run with Debian's /usr/bin/python3 (python3-pyatspi), on a session bus where at-spi2-core can
start, with the app launched without NO_AT_BRIDGE. Exits 2 when no QwenDesk application is on
the bus.
"""
import json
import sys

import pyatspi

MAX_DEPTH = 80


def own_text(acc):
    try:
        ti = acc.queryText()
        text = ti.getText(0, ti.characterCount)
    except NotImplementedError:
        return ""
    # Object replacement characters stand for embedded children, which are listed on their own.
    return " ".join(text.replace("\ufffc", " ").split())


# The hidden live region that announces a streaming reply (MessageList.svelte) repeats text
# the window already shows: a test of what is on screen must not find it there.
ANNOUNCER_ID = "id:reply-announcer"


def texts(acc, depth, out):
    if depth > MAX_DEPTH:
        return
    try:
        if ANNOUNCER_ID in (acc.getAttributes() or []):
            return
        line = own_text(acc) or " ".join((acc.name or "").split())
        if line:
            out.append(line)
        for i in range(acc.childCount):
            texts(acc.getChildAtIndex(i), depth + 1, out)
    except Exception:  # an element that went away while being read: skip it
        return


def node(acc, depth, out):
    if depth > MAX_DEPTH:
        return
    try:
        states = acc.getState()
        item = {
            "depth": depth,
            "role": acc.getRoleName(),
            "name": " ".join((acc.name or "").split()),
            "description": " ".join((acc.description or "").split()),
            "text": own_text(acc),
            "states": sorted(pyatspi.stateToString(s) for s in states.getStates()),
            "attrs": {},
            "x": 0, "y": 0, "w": 0, "h": 0,
        }
        try:
            for kv in acc.getAttributes() or []:
                k, _, v = kv.partition(":")
                item["attrs"][k] = v
        except Exception:
            pass
        try:
            # A link's target as the engine resolved it (javascript:, data:, a remote page).
            item["uri"] = acc.queryHyperlink().getURI(0) or ""
        except Exception:
            item["uri"] = ""
        try:
            ext = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
            item.update(x=ext.x, y=ext.y, w=ext.width, h=ext.height)
        except Exception:
            pass
        out.append(item)
        for i in range(acc.childCount):
            node(acc.getChildAtIndex(i), depth + 1, out)
    except Exception:
        return


def main():
    as_json = "--json" in sys.argv[1:]
    desktop = pyatspi.Registry.getDesktop(0)
    found = False
    out = []
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "QwenDesk":
            found = True
            (node if as_json else texts)(app, 0, out)
    if not found:
        sys.exit(2)
    if as_json:
        json.dump(out, sys.stdout, ensure_ascii=False)
    else:
        print("\n".join(out))


main()
