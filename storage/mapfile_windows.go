package storage

import "os"

// mapText is not done on Windows: cache files are read (readFileText).
func mapText(*os.File, int) (string, bool) { return "", false }
