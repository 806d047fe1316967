//go:build linux

package main

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// handOver passes this launch to an instance already running with the same lock id and
// reports whether it did; the caller then exits with status 0.
//
// Why not leave it to Wails: on Linux, Wails 2.16 finds the running instance itself
// (internal/frontend/desktop/linux/single_instance.go) but then calls os.Exit(1), so every
// second launch looks like a failure to the desktop, a launcher script or systemd (on Windows
// and macOS it exits 0). It does so inside wails.Run, after this process has already opened
// the history file the first one is writing. This speaks the same D-Bus protocol first —
// the name and method Wails exports, the SecondInstanceData it sends — so the first instance's
// OnSecondInstanceLaunch runs as before. If Wails ever changes that protocol, no owner is found
// here, Wails' own path runs, and TestSecondLaunchLeavesOneInstance fails on the exit status.
func handOver(uniqueID string) bool {
	id := "wails_app_" + strings.ReplaceAll(strings.ReplaceAll(uniqueID, "-", "_"), ".", "_")
	name, path := "org."+id+".SingleInstance", dbus.ObjectPath("/org/"+id+"/SingleInstance")
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false // no session bus: Wails has no lock to find either
	}
	defer conn.Close()
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil || !owned {
		return false
	}
	wd, _ := os.Getwd()
	data, err := json.Marshal(options.SecondInstanceData{Args: os.Args[1:], WorkingDirectory: wd})
	if err != nil {
		return false
	}
	return conn.Object(name, path).Call(name+".SendMessage", 0, string(data)).Err == nil
}
