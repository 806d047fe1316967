"""Presses the element of QwenDesk's window whose accessible name is argv[1], through AT-SPI
(its default action: what a screen reader's "activate" does), so a test need not guess
pixel coordinates. Exits 1 when no such element is shown, 2 when QwenDesk is not on the bus.
"""
import sys

import pyatspi


def find(acc, name, depth):
    if depth > 80 or acc is None:
        return None
    try:
        if (acc.name or "") == name:
            return acc
        for i in range(acc.childCount):
            hit = find(acc.getChildAtIndex(i), name, depth + 1)
            if hit is not None:
                return hit
    except Exception:  # an element that went away while being read
        return None
    return None


def main():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "QwenDesk":
            hit = find(app, sys.argv[1], 0)
            if hit is None:
                sys.exit(1)
            hit.queryAction().doAction(0)
            return
    sys.exit(2)


main()
