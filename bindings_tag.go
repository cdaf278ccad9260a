//go:build bindings

package main

// generatingBindings: `make bindings` runs this build to write frontend/wailsjs; it opens no
// window, so it needs no display.
const generatingBindings = true
