package cli

// Version is the build's version, stamped at link time by `make build` and `make dist`:
//
//	-ldflags "-X github.com/flowbench/flowbench/cli.Version=$(git describe --tags --always)"
//
// With no tag it reads 0.1.0-dev+<sha> (SPEC §16); an unstamped build says 0.1.0-dev.
var Version = "0.1.0-dev"
