"""Prints the text QwenDesk's window shows, read from the accessibility tree (AT-SPI).

One line per element with text: its accessible name, or its text when it has one. Run with
Debian's /usr/bin/python3 (python3-pyatspi), on a session bus where at-spi2-core can start,
with the app launched without NO_AT_BRIDGE. Exits 2 when no QwenDesk application is on the bus.
"""
import sys

import pyatspi


def texts(acc, depth, out):
    if depth > 80:
        return
    try:
        name = acc.name or ""
        text = ""
        try:
            ti = acc.queryText()
            text = ti.getText(0, ti.characterCount)
        except NotImplementedError:
            pass
        line = " ".join((text or name).split())
        # Object replacement characters stand for embedded children, which are listed on their own.
        line = line.replace("\ufffc", "").strip()
        if line:
            out.append(line)
        for i in range(acc.childCount):
            texts(acc.getChildAtIndex(i), depth + 1, out)
    except Exception:  # an element that went away while being read: skip it
        return


def main():
    desktop = pyatspi.Registry.getDesktop(0)
    found = False
    out = []
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "QwenDesk":
            found = True
            texts(app, 0, out)
    if not found:
        sys.exit(2)
    print("\n".join(out))


main()
