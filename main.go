// Command flowbench-window is the Flowbench desktop window (build/bin/flowbench-window, started
// by the command-line binary cmd/flowbench when it gets no subcommand). With a subcommand it
// runs headless like cmd/flowbench, so on Windows it ships alone as flowbench.exe.
package main

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"os"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/flowbench/flowbench/cli"
	datahome "github.com/flowbench/flowbench/home"
)

//go:embed all:frontend/dist
var assets embed.FS

func main() {
	attachConsole()
	cli.QuietPanics()
	os.Exit(cli.Entry(os.Args[1:], os.Stdout, os.Stderr, openWindow))
}

// openWindow runs the window until it closes. Subcommands never get here (cli.Entry runs
// them headless), so this binary also serves as the single executable on Windows.
func openWindow(args []string, home string) int {
	if !generatingBindings {
		if err := cli.CheckDisplay(); err != nil {
			fmt.Fprintln(os.Stderr, "flowbench:", err)
			return cli.ExitUsage
		}
	}
	cli.RelaxWindowGC()
	if home == "" {
		home = datahome.Default()
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h, err := datahome.Open(context.Background(), home, logger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "flowbench: opening", home+":", err)
		return cli.ExitFailed
	}
	defer h.Close()
	app := NewApp(h.Service, home, logger)
	app.openPath = cli.FileArg(args) // `flowbench FILE.json`: imported and opened once the window is up
	if err := guardDevServer(); err != nil {
		fmt.Fprintln(os.Stderr, "flowbench:", err)
		return cli.ExitFailed
	}
	err = wails.Run(&options.App{
		Title:            "Flowbench",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        600,
		BackgroundColour: &options.RGBA{R: 24, G: 24, B: 27, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets, Handler: app.assetHandler()},
		Menu:             appMenu(app),
		// Files dropped from the OS arrive as absolute paths ("filedrop" event); the webview's
		// own drop handling stays on for JSON files dropped on the dashboard.
		DragAndDrop:   &options.DragAndDrop{EnableFileDrop: true},
		OnStartup:     app.startup,
		OnShutdown:    app.shutdown,
		OnBeforeClose: app.beforeClose,
		Bind:          []any{app},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "flowbench:", err)
		return cli.ExitFailed
	}
	return cli.ExitOK
}

// appMenu is the native application menu; items call into the window through events.
func appMenu(app *App) *menu.Menu {
	m := menu.NewMenu()
	file := m.AddSubmenu("File")
	file.AddText("New workflow", keys.CmdOrCtrl("n"), func(*menu.CallbackData) { app.menuEvent("new") })
	file.AddText("Import…", keys.CmdOrCtrl("o"), func(*menu.CallbackData) { app.menuEvent("import") })
	file.AddText("Export…", keys.CmdOrCtrl("e"), func(*menu.CallbackData) { app.menuEvent("export") })
	file.AddSeparator()
	file.AddText("Settings…", keys.CmdOrCtrl(","), func(*menu.CallbackData) { app.menuEvent("settings") })
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { app.quit() })
	edit := m.AddSubmenu("Edit")
	// Edit items carry no accelerators: the canvas handles its shortcuts itself, and text
	// fields keep the platform's own copy, paste and undo.
	edit.AddText("Undo\tCtrl+Z", nil, func(*menu.CallbackData) { app.menuEvent("undo") })
	edit.AddText("Redo\tCtrl+Shift+Z", nil, func(*menu.CallbackData) { app.menuEvent("redo") })
	edit.AddSeparator()
	edit.AddText("Copy\tCtrl+C", nil, func(*menu.CallbackData) { app.menuEvent("copy") })
	edit.AddText("Paste\tCtrl+V", nil, func(*menu.CallbackData) { app.menuEvent("paste") })
	edit.AddText("Select all\tCtrl+A", nil, func(*menu.CallbackData) { app.menuEvent("selectAll") })
	edit.AddSeparator()
	edit.AddText("Find…\tCtrl+F", nil, func(*menu.CallbackData) { app.menuEvent("find") })
	help := m.AddSubmenu("Help")
	help.AddText("About Flowbench", nil, func(*menu.CallbackData) { app.menuEvent("about") })
	return m
}
