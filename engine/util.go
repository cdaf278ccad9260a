package engine

import (
	"errors"
	"sort"

	"github.com/google/uuid"
)

var errorsAs = func(err error, target any) bool { return errors.As(err, target) }

func sortStrings(s []string) { sort.Strings(s) }

func asErr[T error](err error, target *T) bool { return errorsAs(err, target) }

// NewID returns a new random id (UUID v7: time-ordered, so ids sort by creation).
func NewID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}
