#!/usr/bin/python3
# One WebKitGTK 4.1 window (the engine QwenDesk ships on Linux) that loads the render benchmark
# page; run-webkit.mjs starts one per run, so every run gets a fresh web process, and ends it once
# the page has posted its result.
#
#   /usr/bin/python3 bench/webkit.py URL
#
# Web view settings as Wails v2.16 sets them for QwenDesk (internal/frontend/desktop/linux/window.c
# SetupWebview, with main.go's linux.Options): a view with its own user content manager, the
# "wails.io" application user agent, and hardware acceleration policy NEVER
# (WebviewGpuPolicyNever: no GPU compositing); GDK_BACKEND=x11 as Wails sets it on X11. The view
# gets its own WebKitWebContext (Wails uses the default one) so no web process is reused between
# runs. Debian's /usr/bin/python3 with python3-gi and gir1.2-webkit2-4.1.
import os
import sys

os.environ.setdefault("GDK_BACKEND", "x11")

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402

url = sys.argv[1]
print(
    "webkitgtk %d.%d.%d" % (WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version()),
    flush=True,
)

context = WebKit2.WebContext.new()
view = WebKit2.WebView(web_context=context, user_content_manager=WebKit2.UserContentManager())
settings = view.get_settings()
settings.set_user_agent_with_application_details("wails.io", "")
settings.set_hardware_acceleration_policy(WebKit2.HardwareAccelerationPolicy.NEVER)


def terminated(_view, reason):
    print("web process terminated: %s" % reason, file=sys.stderr, flush=True)
    Gtk.main_quit()
    sys.exit(3)


view.connect("web-process-terminated", terminated)

window = Gtk.Window(title="QwenDesk render bench")
window.set_default_size(1200, 800)
window.add(view)
window.connect("destroy", Gtk.main_quit)
window.show_all()
view.load_uri(url)
Gtk.main()
