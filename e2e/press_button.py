"""Presses a button of QwenDesk's window by its accessible name, through AT-SPI: what a
screen reader or a keyboard user reaches, so a button without a usable name cannot be
pressed by the tests either.

Usage: press_button.py NAME [N]  (N: the N-th such button, 1-based; default 1)
Exits 0 when pressed, 3 when no such button is shown, 2 when QwenDesk is not on the bus.
"""
import sys

import pyatspi


def find(acc, name, out, depth=0):
    if depth > 80:
        return
    try:
        if acc.getRoleName() in ("push button", "button") and " ".join((acc.name or "").split()) == name:
            out.append(acc)
        for i in range(acc.childCount):
            find(acc.getChildAtIndex(i), name, out, depth + 1)
    except Exception:  # an element that went away while being read
        return


def main():
    name = sys.argv[1]
    nth = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    desktop = pyatspi.Registry.getDesktop(0)
    found = False
    buttons = []
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is not None and app.name == "QwenDesk":
            found = True
            find(app, name, buttons)
    if not found:
        sys.exit(2)
    if len(buttons) < nth:
        sys.exit(3)
    action = buttons[nth - 1].queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate"):
            action.doAction(i)
            return
    action.doAction(0)


main()
