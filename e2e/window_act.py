"""Activates an element of QwenDesk's window by its accessible name, as a screen reader would.

usage: window_act.py NAME [INDEX]   (INDEX: which match, 0-based, in tree order; default 0)

Finds the INDEX-th element whose accessible name (or text) is exactly NAME and that offers an
action (a button, a link), and does its first action (press/click). Prints the element's
centre in screen coordinates, so a caller can click there instead. Exits 2 when QwenDesk is not
on the bus, 3 when no such element is found. Run like window_text.py.
"""
import sys

import pyatspi


def label(acc):
    name = acc.name or ""
    if not name:
        try:
            ti = acc.queryText()
            name = ti.getText(0, ti.characterCount)
        except NotImplementedError:
            pass
    return " ".join(name.split())


def find(acc, want, depth, found):
    if depth > 80:
        return
    try:
        if label(acc) == want:
            try:
                if acc.queryAction().nActions > 0:
                    found.append(acc)
            except NotImplementedError:
                pass
        for i in range(acc.childCount):
            find(acc.getChildAtIndex(i), want, depth + 1, found)
    except Exception:
        return


def main():
    want = sys.argv[1]
    index = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    apps = [a for a in apps if a is not None and a.name == "QwenDesk"]
    if not apps:
        sys.exit(2)
    found = []
    for app in apps:
        find(app, want, 0, found)
    if len(found) <= index:
        sys.exit(3)
    acc = found[index]
    try:
        ext = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        print(ext.x + ext.width // 2, ext.y + ext.height // 2)
    except Exception:
        print("-1 -1")
    acc.queryAction().doAction(0)


main()
