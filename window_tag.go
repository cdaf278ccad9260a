//go:build !bindings

package main

// generatingBindings is false in every build that opens a window (see bindings_tag.go).
const generatingBindings = false
