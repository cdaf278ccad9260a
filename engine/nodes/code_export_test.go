package nodes

// SetCodeHeapLimit lets tests lower code.js's heap guard; it returns a func restoring it.
// Only tests that do not run in parallel may call it, since the limit is package-wide.
func SetCodeHeapLimit(n uint64) (restore func()) {
	old := codeHeapLimit
	codeHeapLimit = n
	return func() { codeHeapLimit = old }
}
