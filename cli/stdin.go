package cli

import (
	"io"
	"os"
)

// stdin is what the command reads secrets from (providers key).
func (c *cmd) stdin() io.Reader { return os.Stdin }
