// Package nodes holds Flowbench's node library: one file per family, each with a
// register function, and Register, which adds them all to a registry.
package nodes

import (
	"errors"

	"github.com/flowbench/flowbench/engine"
)

// Register adds every node type of the library to r. Registering into a registry that
// already holds one of the types is an error (the registry refuses duplicates).
//
// A new family adds its file with a registerX function and one line here.
func Register(r *engine.Registry) error {
	families := []func(*engine.Registry) error{
		registerFlow,
		registerText,
		registerData,
		registerControl,
		registerUtility,
		registerImage,
		registerMedia,
		registerVideo,
		registerLoops,
		registerCode,
		registerHTTP,
		registerLLM,
		registerGenerative,
		registerComfyWorkflow,
	}
	var errs []error
	for _, register := range families {
		if err := register(r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// registerAll registers types in order and returns every failure at once.
func registerAll(r *engine.Registry, types ...engine.NodeType) error {
	var errs []error
	for _, t := range types {
		if err := r.Register(t); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
