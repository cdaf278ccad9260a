package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, checked with errors.Is.
var (
	// ErrNotFound means a workflow, version, run, generation or asset does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means input was refused; nothing was written.
	ErrInvalid = errors.New("invalid")
	// ErrAmbiguous means a name matched more than one workflow.
	ErrAmbiguous = errors.New("ambiguous")
	// ErrConflict means the request conflicts with the current state (e.g. approving a run that is not paused).
	ErrConflict = errors.New("conflict")
	// ErrURLCredentials means a server URL holds a user name or password; an API key is read
	// from an environment variable instead. Errors with it also match ErrInvalid.
	ErrURLCredentials = errors.New("credentials do not go in the URL")
)

// ApprovalChoiceError refuses a decision that names no node while a run waits at several
// approvals; it lists them so an edge can ask in its own words. It matches ErrInvalid.
type ApprovalChoiceError struct {
	RunID   string
	Pending []string
}

func (e *ApprovalChoiceError) Error() string {
	return fmt.Sprintf("run %s waits at %d approvals (%s): name the node to decide", e.RunID, len(e.Pending), strings.Join(e.Pending, ", "))
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ApprovalChoiceError) Is(target error) bool { return target == ErrInvalid }

// Problem is one validation finding, naming what it is about.
type Problem struct {
	NodeID string `json:"node_id,omitempty"`
	Handle string `json:"handle,omitempty"`
	Input  string `json:"input,omitempty"`
	// Param names the node's setting the problem is about; the editor shows it under that field.
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.NodeID != "" && p.Param != "":
		b.WriteString("node " + quote(p.NodeID) + " param " + quote(p.Param) + ": ")
	case p.NodeID != "" && p.Handle != "":
		b.WriteString("node " + quote(p.NodeID) + " handle " + quote(p.Handle) + ": ")
	case p.NodeID != "":
		b.WriteString("node " + quote(p.NodeID) + ": ")
	case p.Input != "":
		b.WriteString("input " + quote(p.Input) + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

func quote(s string) string { return "\"" + s + "\"" }

// ValidationError lists every problem found at once. It matches ErrInvalid.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true for validation errors.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid builds a ValidationError with one problem.
func Invalid(p Problem) error { return &ValidationError{Problems: []Problem{p}} }

// invalidf is a ValidationError with a single free-form message.
func invalidf(msg string) error { return Invalid(Problem{Message: msg}) }
